/* The loopback HTTP endpoint (libmicrohttpd), bound to cfg.http_address (127.0.0.1 unless
 * configured otherwise). The endpoints themselves are in http_routes.h; this is the network
 * side: bodies over max_body are answered 413, at most max_sessions connections at once. */
#ifndef MYNA_HTTP_API_H
#define MYNA_HTTP_API_H

#include <stddef.h>

#include "kiosk.h"

typedef struct http_api http_api;

http_api *http_api_start(kiosk *k, char *error, size_t error_size);
/* Finishes the running sessions (they notice shutting_down) and stops. */
void http_api_stop(http_api *h);

#endif
