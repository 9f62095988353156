/* The loopback HTTP endpoint (libmicrohttpd), bound to cfg.http_address (127.0.0.1 unless
 * configured otherwise). The endpoints themselves are in http_routes.h; this is the network
 * side: bodies over max_body are answered 413; connections are limited as http_connections.h
 * says (http_max_connections, idle_timeout, total_timeout). */
#ifndef MYNA_HTTP_API_H
#define MYNA_HTTP_API_H

#include <stddef.h>

#include "kiosk.h"

typedef struct http_api http_api;

http_api *http_api_start(kiosk *k, char *error, size_t error_size);
/* Cuts connections past total_timeout; call it a few times a second. */
void http_api_tick(http_api *h);
/* Finishes the running sessions (they notice shutting_down) and stops. */
void http_api_stop(http_api *h);

#endif
