/* The local control socket (Unix stream socket, mode 0600 by default). Line protocol, one
 * reply line per request line:
 *   SAY [priority=urgent|normal] [volume=0..4] [voice=NAME] TEXT  -> OK id=N | BUSY ... | ERR ...
 *   STOP -> OK dropped=N     STATUS -> OK playing=... queued=...     HEALTH -> OK | ERR ...
 *   QUEUE -> OK id:priority ...
 * Lines longer than max_line (+ room for options) are refused and the connection closed; a
 * line not finished within idle_timeout of its first byte is refused and the connection
 * closed; with all 32 slots taken, a new client replaces the one quiet the longest. */
#ifndef MYNA_CONTROL_SOCKET_H
#define MYNA_CONTROL_SOCKET_H

#include <stddef.h>

#include "kiosk.h"

typedef struct control_socket control_socket;

control_socket *control_socket_open(kiosk *k, char *error, size_t error_size);
/* Serves whatever is ready, waiting up to timeout_ms. */
void control_socket_serve(control_socket *s, int timeout_ms);
/* Closes every connection and removes the socket file. */
void control_socket_close(control_socket *s);

/* Answers one request line (shared with tests); reply gets no newline. */
void control_handle_line(kiosk *k, char *line, char *reply, size_t reply_size);

#endif
