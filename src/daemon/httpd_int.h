/*
 * Inside the HTTP server: what its parts share (src/daemon/httpd.c routes and
 * replies; src/daemon/httpd_rrd.c serves graphs and exports from a worker).
 */
#ifndef NOCWATCH_HTTPD_INT_H
#define NOCWATCH_HTTPD_INT_H

#include <stddef.h>

#include <jansson.h>

struct daemon;
struct evbuffer;
struct evhttp_request;
struct workq;

void	httpd_reply(struct evhttp_request *, int code, const char *type,
	    struct evbuffer *body);
/* Takes j (NULL: a plain 500). */
void	httpd_reply_json(struct evhttp_request *, int code, json_t *j);
void	httpd_reply_error(struct evhttp_request *, int code, const char *msg);
const char *httpd_query_param(struct evhttp_request *, const char *name,
	    char *buf, size_t len);

/* Graphs and exports: 15 s each at most, 8 waiting at most. */
#define HTTPD_RRD_TIMEOUT_MS	15000
#define HTTPD_RRD_QUEUE		8

/* GET /api/v1/metrics/DEVICE/METRIC and /graph/DEVICE/METRIC.png: the
 * reply is sent later, from the worker's result or at the deadline. */
void	httpd_get_metrics(struct daemon *, struct workq *,
	    struct evhttp_request *, const char *dev, const char *metric);
void	httpd_get_graph(struct daemon *, struct workq *,
	    struct evhttp_request *, const char *dev, const char *png_name);

#endif
