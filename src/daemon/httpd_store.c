/*
 * The incident store read for the API and the wall display off the event
 * loop: one worker thread with a read-only connection of its own (in WAL
 * mode readers never wait for the daemon's writer, nor it for them).  A
 * query that the store does not answer within its deadline is a 503 and
 * the loop goes on: a store locked, slow or on a stuck disk costs the
 * clients an answer, never the checks their timing.  The engine's own
 * writes stay on the loop: short transactions into the WAL (synced by the
 * store's thread), each waiting 100 ms at most for a lock.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "httpd_int.h"
#include "log.h"
#include "store.h"
#include "workq.h"
#include "xmalloc.h"

struct hstore {
	struct workq	*q;
	struct store	*st;		/* the worker's; opened at first use */
	char		 path[1024];
	char		 err[256];	/* why it could not be opened */
};

struct hs_job {
	struct work		 w;
	struct hstore		*hs;
	struct hstore_query	 q;
	struct evhttp_request	*req;	/* answered with the result, or */
	void			(*cb)(void *, json_t *);	/* told */
	void			*arg;
	json_t			*result;
	int			 code;	/* no result: 404, else 503 */
	char			 err[300];
};

/* In the worker thread. */
static void
hs_run(struct work *w)
{
	struct hs_job *j = (struct hs_job *)w;
	struct hstore *hs = j->hs;
	json_t *o;

	if (hs->st == NULL && (hs->st = store_open(hs->path, 1, hs->err,
	    sizeof(hs->err))) == NULL) {
		snprintf(j->err, sizeof(j->err), "the store cannot be read: %s",
		    hs->err);
		return;
	}
	switch (j->q.kind) {
	case HS_INCIDENTS:
		j->result = store_incidents_json(hs->st, j->q.state[0] ?
		    j->q.state : NULL, j->q.prio, j->q.limit);
		break;
	case HS_INCIDENT:
		if ((j->result = store_incident_json(hs->st, j->q.id)) ==
		    NULL) {
			j->code = 404;
			snprintf(j->err, sizeof(j->err), "no such incident");
		}
		break;
	case HS_MAINT:
		j->result = store_maint_json(hs->st, 0);
		break;
	case HS_SUMMARY:
		o = json_object();
		json_object_set(o, "sites", j->q.sites ? j->q.sites :
		    json_null());
		json_object_set_new(o, "incidents", store_incidents_json(
		    hs->st, "active", 0, j->q.limit));
		/* Notifications a channel refused for good: on the wall. */
		json_object_set_new(o, "dead_letters", json_integer((json_int_t)
		    store_outbox_dead_count(hs->st)));
		j->result = o;
		break;
	}
	if (j->result == NULL && j->err[0] == '\0')
		snprintf(j->err, sizeof(j->err), "the store did not answer");
}

static void
hs_done(struct work *w)
{
	struct hs_job *j = (struct hs_job *)w;

	if (j->req == NULL) {
		j->cb(j->arg, j->result);
		j->result = NULL;
		return;
	}
	if (j->result != NULL)
		httpd_reply_json(j->req, 200, j->result);
	else
		httpd_reply_error(j->req, j->code ? j->code : 503, j->err);
	j->result = NULL;
	j->req = NULL;
}

static void
hs_late(struct work *w)
{
	struct hs_job *j = (struct hs_job *)w;

	if (j->req == NULL) {
		j->cb(j->arg, NULL);
		return;
	}
	evhttp_add_header(evhttp_request_get_output_headers(j->req),
	    "Retry-After", "5");
	httpd_reply_error(j->req, 503, "the incident store did not answer in "
	    "time");
	j->req = NULL;
}

static void
hs_release(struct work *w)
{
	struct hs_job *j = (struct hs_job *)w;

	json_decref(j->result);
	json_decref(j->q.sites);
	free(j);
}

static const struct work_ops hs_ops = {
	hs_run, hs_done, hs_late, hs_release
};

struct hstore *
httpd_store_new(struct event_base *base, const char *path, char *err,
    size_t errlen)
{
	struct hstore *hs = xcalloc(1, sizeof(*hs));

	snprintf(hs->path, sizeof(hs->path), "%s", path);
	if ((hs->q = workq_new(base, "store-read", HTTPD_STORE_QUEUE, err,
	    errlen)) == NULL) {
		free(hs);
		return NULL;
	}
	return hs;
}

void
httpd_store_free(struct hstore *hs)
{
	if (hs == NULL)
		return;
	/* A worker stuck past the grace is left with its connection and
	 * hs: closing them under it would be worse than that leak at exit. */
	if (workq_free(hs->q, 2000) == -1)
		return;
	store_close(hs->st);
	free(hs);
}

static int
hs_submit(struct hstore *hs, struct hstore_query *q, struct evhttp_request *req,
    void (*cb)(void *, json_t *), void *arg)
{
	struct hs_job *j = xcalloc(1, sizeof(*j));

	j->w.ops = &hs_ops;
	j->hs = hs;
	j->q = *q;
	q->sites = NULL;	/* the job's now */
	j->req = req;
	j->cb = cb;
	j->arg = arg;
	if (workq_submit(hs->q, &j->w, HTTPD_STORE_TIMEOUT_MS) == -1) {
		json_decref(j->q.sites);
		free(j);
		return -1;
	}
	return 0;
}

void
httpd_store_stats(struct hstore *hs, struct workq_stats *ws)
{
	workq_stats(hs->q, ws);
}

void
httpd_store_reply(struct hstore *hs, struct evhttp_request *req,
    struct hstore_query *q)
{
	if (hs_submit(hs, q, req, NULL, NULL) == -1) {
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "Retry-After", "5");
		httpd_reply_error(req, 503, "the incident store is busy");
	}
}

int
httpd_store_call(struct hstore *hs, struct hstore_query *q,
    void (*cb)(void *, json_t *), void *arg)
{
	return hs_submit(hs, q, NULL, cb, arg);
}
