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

/*
 * The incident store read off the loop (src/daemon/httpd_store.c): a
 * worker with a read-only connection of its own, 5 s a query at most.
 */
#define HTTPD_STORE_TIMEOUT_MS	5000
#define HTTPD_STORE_QUEUE	32

struct event_base;
struct hstore;
struct workq_stats;

enum hstore_kind { HS_INCIDENTS, HS_INCIDENT, HS_MAINT, HS_SUMMARY };

struct hstore_query {
	enum hstore_kind kind;
	char		 state[16];	/* incidents: "" for all */
	int		 prio;		/* incidents: 1..4, 0 for all */
	int		 limit;		/* incidents, summary */
	long long	 id;		/* incident */
	json_t		*sites;		/* summary: the engine's, taken */
};

struct hstore	*httpd_store_new(struct event_base *, const char *path,
		    char *err, size_t errlen);
void		 httpd_store_free(struct hstore *);
void		 httpd_store_stats(struct hstore *, struct workq_stats *);
/* req answered with the query's JSON (404: no such incident; 503: the
 * store busy or past the deadline). */
void		 httpd_store_reply(struct hstore *, struct evhttp_request *,
		    struct hstore_query *);
/* cb(arg, JSON taken, or NULL: no answer) on the loop; -1: refused. */
int		 httpd_store_call(struct hstore *, struct hstore_query *,
		    void (*cb)(void *, json_t *), void *arg);

#endif
