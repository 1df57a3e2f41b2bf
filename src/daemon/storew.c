/*
 * The incident store written off the event loop: one thread with a write
 * connection of its own commits, in one transaction per turn of the loop,
 * every change the incident engine made in that turn (rows, timeline,
 * evidence, the outbox rows the service desk is sent), with the problems
 * a maintenance window suppressed and a controller's AP inventory.  The
 * engine changes nothing more until the thread says how the transaction
 * went (incident_committed()): committed, its changes stand; not (the
 * store locked past STOREW_TRIES waits, a full or failing disk), memory
 * goes back and the next evaluation makes them again.  A store that is
 * locked, slow or on a stuck disk delays incidents; it never holds the
 * loop — the checks keep their timing, the wall and the API answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>

#include "clock.h"
#include "daemon.h"
#include "escape.h"
#include "incident.h"
#include "log.h"
#include "notify.h"
#include "store.h"
#include "storew.h"
#include "workq.h"
#include "xmalloc.h"

#define STOREW_BUSY_MS		1000	/* one wait for another's lock */
#define STOREW_TRIES		10	/* then the transaction has failed */
#define STOREW_PAUSE_MS		200	/* between tries */
/* The loop does not give up on a write: it cannot know whether a write
 * it stopped waiting for committed.  A day, then the log says so. */
#define STOREW_DEADLINE_MS	(24 * 3600 * 1000)
#define STOREW_QUEUE		64	/* transactions waiting */

enum wop_kind { WOP_RECORD, WOP_EVIDENCE, WOP_SUPPRESSED, WOP_APS,
	WOP_CALL };

/* One operation, copied out of the loop's memory. */
struct wop {
	enum wop_kind		 kind;
	/* WOP_RECORD */
	const void		*token;		/* the engine's incident */
	struct incident		 in;
	char			*tl_event, *detail, *event;
	struct inc_evid		*ev;
	size_t			 nev;
	char			(*chans)[256];
	size_t			 nchans;
	/* WOP_EVIDENCE (in.id, ev[0]), WOP_SUPPRESSED, WOP_APS */
	long long		 maint, at;
	char			*key, *cause;
	struct store_ap		*aps;
	size_t			 naps;
	char			**own;		/* what the const ones point to */
	size_t			 nown;
	/* WOP_CALL */
	void			(*run)(struct store *, void *);
	void			(*done)(void *, int);
	void			*arg;
};

struct wbatch {
	struct work	 w;
	struct storew	*sw;
	struct wop	*v;
	size_t		 n, cap, nrec, nevid;
	long long	*ids;		/* per record, after the commit */
	int		 ok, tries, submitted;
	char		 err[300];
};

struct storew {
	struct daemon	*d;
	struct workq	*q;
	struct event	*flush;		/* submits the turn's batch */
	struct wbatch	*cur;		/* being filled on the loop */
	struct store	*st;		/* the thread's; opened at first use */
	char		 path[1024];
	int		 stopping;
	int		 busy_ms, tries, pause_ms;	/* patience */
	size_t		 submitted;	/* batches not yet released */
	/* the loop's counts */
	unsigned long long	 commits, failures, records, refused;
	double			 refused_logged;	/* mono ms */
};

/* A copy the operation owns (freed with it). */
static const char *
own(struct wop *o, const char *s)
{
	if (s == NULL)
		return NULL;
	o->own = xreallocarray(o->own, o->nown + 1, sizeof(*o->own));
	return o->own[o->nown++] = xstrdup(s);
}

static void
wop_free(struct wop *o)
{
	size_t i;

	incident_clear(&o->in);
	free(o->tl_event);
	free(o->detail);
	free(o->event);
	free(o->ev);
	free(o->chans);
	free(o->key);
	free(o->cause);
	free(o->aps);
	for (i = 0; i < o->nown; i++)
		free(o->own[i]);
	free(o->own);
}

/* --- in the thread ------------------------------------------------------ */

static int
run_record(struct store *st, struct wbatch *b, size_t k, long long *id)
{
	struct wop *o = &b->v[k];
	struct inc_record r;
	long long tl;
	char key[96];
	json_t *body;
	char *text;
	size_t i;
	int rc = 0;

	/* A new incident changed again in the same turn: its id is the
	 * one its opening was given a moment ago. */
	if (o->in.id == 0)
		for (i = 0; i < k; i++)
			if (b->v[i].kind == WOP_RECORD &&
			    b->v[i].token == o->token && b->v[i].in.id != 0)
				o->in.id = b->v[i].in.id;
	if (store_incident_save(st, &o->in) == -1 ||
	    (tl = store_timeline(st, o->in.id, wall_ms(), o->tl_event,
	    o->detail)) < 0)
		return -1;
	for (i = 0; i < o->nev; i++)
		if (store_evidence(st, o->in.id, o->ev[i].at, o->ev[i].source,
		    o->ev[i].text) == -1)
			return -1;
	memset(&r, 0, sizeof(r));
	r.in = &o->in;
	r.tl_event = o->tl_event;
	r.detail = o->detail;
	r.event = o->event;
	r.ev = o->ev;
	r.nev = o->nev;
	for (i = 0; rc == 0 && o->event != NULL && i < o->nchans; i++) {
		snprintf(key, sizeof(key), "nocwatch-%lld-%lld", o->in.id, tl);
		body = daemon_notify_body(&r, key);
		text = json_dumps(body, JSON_COMPACT);
		if (text == NULL || store_outbox_add(st, o->in.id, tl,
		    o->chans[i], o->event, key, text) == -1)
			rc = -1;
		free(text);
		json_decref(body);
	}
	*id = o->in.id;
	return rc;
}

static int
run_once(struct store *st, struct wbatch *b)
{
	struct wop *o;
	size_t i, k = 0;
	long long *saved_ids;
	int ok = 1;

	/* A try that fails leaves the copies' ids as they were. */
	saved_ids = xreallocarray(NULL, b->n + 1, sizeof(*saved_ids));
	for (i = 0; i < b->n; i++)
		saved_ids[i] = b->v[i].in.id;
	if (store_begin(st) == -1) {
		free(saved_ids);
		return -1;
	}
	for (i = 0; ok && i < b->n; i++) {
		o = &b->v[i];
		switch (o->kind) {
		case WOP_RECORD:
			if (run_record(st, b, i, &b->ids[k++]) == -1)
				ok = 0;
			break;
		case WOP_EVIDENCE:
			if (store_evidence(st, o->in.id, o->ev[0].at,
			    o->ev[0].source, o->ev[0].text) == -1)
				ok = 0;
			break;
		case WOP_SUPPRESSED:
		case WOP_APS:		/* their own transactions, after */
		case WOP_CALL:
			break;
		}
	}
	if (ok && store_commit(st) == 0) {
		free(saved_ids);
		return 0;
	}
	if (ok == 0)
		store_rollback(st);
	for (i = 0; i < b->n; i++)
		b->v[i].in.id = saved_ids[i];
	free(saved_ids);
	return -1;
}

/* After the transaction: what keeps its own (a problem a window
 * suppressed, an AP inventory: nothing the engine waits for), then the
 * calls, which see what was committed. */
static void
run_after(struct wbatch *b)
{
	struct store *st = b->sw->st;
	struct wop *o;
	size_t i;

	for (i = 0; i < b->n; i++) {
		o = &b->v[i];
		if (o->kind == WOP_SUPPRESSED)
			(void)store_suppressed(st, o->maint, o->key, o->cause,
			    o->detail, o->at);
		else if (o->kind == WOP_APS)
			(void)store_aps_save(st, o->key, o->aps, o->naps);
	}
	for (i = 0; i < b->n; i++)
		if (b->v[i].kind == WOP_CALL && b->v[i].run != NULL)
			b->v[i].run(st, b->v[i].arg);
}

static void
sw_run(struct work *w)
{
	struct wbatch *b = (struct wbatch *)w;
	struct storew *sw = b->sw;
	struct timespec ts = { sw->pause_ms / 1000, (sw->pause_ms % 1000) *
	    1000000L };
	char err[256];

	if (b->nrec == 0 && b->nevid == 0) {	/* no transaction of ours */
		if (sw->st == NULL && (sw->st = store_open(sw->path, 0, err,
		    sizeof(err))) != NULL)
			store_set_busy_ms(sw->st, sw->busy_ms);
		if (sw->st == NULL)
			snprintf(b->err, sizeof(b->err), "%s", err);
		else {
			b->ok = 1;
			run_after(b);
		}
		return;
	}
	for (b->tries = 1; b->tries <= sw->tries; b->tries++) {
		if (sw->st == NULL) {
			if ((sw->st = store_open(sw->path, 0, err,
			    sizeof(err))) == NULL) {
				snprintf(b->err, sizeof(b->err), "%s", err);
				nanosleep(&ts, NULL);
				continue;
			}
			store_set_busy_ms(sw->st, sw->busy_ms);
		}
		if (run_once(sw->st, b) == 0) {
			b->ok = 1;
			run_after(b);
			return;
		}
		snprintf(b->err, sizeof(b->err), "%s", store_error(sw->st));
		nanosleep(&ts, NULL);
	}
	b->tries = sw->tries;
	if (sw->st != NULL)
		run_after(b);
}

/* --- on the loop -------------------------------------------------------- */

static void
sw_done(struct work *w)
{
	struct wbatch *b = (struct wbatch *)w;
	struct storew *sw = b->sw;
	size_t i;

	if (b->ok)
		sw->commits += b->nrec + b->nevid > 0;
	else {
		sw->failures++;
		log_warnx("store: a transaction of %zu changes failed after "
		    "%d tries: %s", b->nrec + b->nevid, b->tries, b->err);
	}
	if (b->nrec > 0 && !sw->stopping && sw->d->inc != NULL)
		incident_committed(sw->d->inc, b->ok, b->ids, b->nrec);
	for (i = 0; i < b->n; i++)
		if (b->v[i].kind == WOP_CALL && b->v[i].done != NULL)
			b->v[i].done(b->v[i].arg, b->ok);
}

/* Those waiting for a call hear that it did not run. */
static void
calls_not_run(struct wbatch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->v[i].kind == WOP_CALL && b->v[i].done != NULL)
			b->v[i].done(b->v[i].arg, 0);
}

static void
sw_late(struct work *w)
{
	struct wbatch *b = (struct wbatch *)w;

	if (!b->sw->stopping)
		log_warnx("store: a transaction has not ended in a day; the "
		    "incident engine waits for it");
	calls_not_run(b);	/* at a stop: the queued ones */
}

static void
sw_release(struct work *w)
{
	struct wbatch *b = (struct wbatch *)w;
	size_t i;

	if (b->submitted)
		b->sw->submitted--;
	for (i = 0; i < b->n; i++)
		wop_free(&b->v[i]);
	free(b->v);
	free(b->ids);
	free(b);
}

static double
storew_age_s(struct storew *sw)
{
	struct workq_stats ws;

	workq_stats(sw->q, &ws);
	return ws.busy_s;
}

static const struct work_ops sw_ops = {
	sw_run, sw_done, sw_late, sw_release
};

static void
sw_flush(evutil_socket_t fd, short what, void *arg)
{
	struct storew *sw = arg;
	struct wbatch *b = sw->cur;

	(void)fd;
	(void)what;
	if (b == NULL)
		return;
	sw->cur = NULL;
	b->ids = xreallocarray(NULL, b->nrec + 1, sizeof(*b->ids));
	memset(b->ids, 0, (b->nrec + 1) * sizeof(*b->ids));
	b->w.ops = &sw_ops;
	if (workq_submit(sw->q, &b->w, STOREW_DEADLINE_MS) == 0) {
		b->submitted = 1;
		sw->submitted++;
		return;
	}
	/* The queue is full (the thread stuck on a write): this turn's
	 * changes are not made. */
	sw->failures++;
	sw->refused++;
	if (mono_ms() - sw->refused_logged >= 60000) {	/* not a flood */
		log_warnx("store: %zu transactions wait behind one that has "
		    "run %.0f s; %llu refused since the last such line",
		    (size_t)STOREW_QUEUE, storew_age_s(sw), sw->refused);
		sw->refused_logged = mono_ms();
		sw->refused = 0;
	}
	if (b->nrec > 0 && sw->d->inc != NULL)
		incident_committed(sw->d->inc, 0, NULL, 0);
	calls_not_run(b);
	sw_release(&b->w);
}

static struct wop *
wop_new(struct storew *sw, enum wop_kind kind)
{
	struct wbatch *b;
	struct wop *o;

	if ((b = sw->cur) == NULL) {
		b = sw->cur = xcalloc(1, sizeof(*b));
		b->sw = sw;
		event_active(sw->flush, EV_TIMEOUT, 0);
	}
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 8;
		b->v = xreallocarray(b->v, b->cap, sizeof(*b->v));
	}
	o = &b->v[b->n++];
	memset(o, 0, sizeof(*o));
	o->kind = kind;
	if (kind == WOP_RECORD)
		b->nrec++;
	if (kind == WOP_EVIDENCE)
		b->nevid++;
	return o;
}

void
storew_call(struct storew *sw, void (*run)(struct store *, void *),
    void (*done)(void *, int), void *arg)
{
	struct wop *o = wop_new(sw, WOP_CALL);

	o->run = run;
	o->done = done;
	o->arg = arg;
}

int
storew_record(struct storew *sw, const struct inc_record *r)
{
	const struct config *c = sw->d->conf;
	struct wop *o = wop_new(sw, WOP_RECORD);
	size_t i;

	o->token = r->in;
	incident_copy(&o->in, r->in);
	o->tl_event = xstrdup_null(r->tl_event);
	o->detail = xstrdup(r->detail ? r->detail : "");
	o->event = xstrdup_null(r->event);
	o->ev = xreallocarray(NULL, r->nev + 1, sizeof(*o->ev));
	for (i = 0; i < r->nev; i++) {
		o->ev[i].at = r->ev[i].at;
		o->ev[i].source = own(o, r->ev[i].source);
		o->ev[i].text = own(o, r->ev[i].text);
	}
	o->nev = r->nev;
	if (r->event != NULL && c->nnotifies > 0) {
		o->chans = xreallocarray(NULL, c->nnotifies,
		    sizeof(*o->chans));
		for (i = 0; i < c->nnotifies; i++)
			notify_channel_id(&c->notifies[i], o->chans[i],
			    sizeof(o->chans[i]));
		o->nchans = c->nnotifies;
	}
	sw->records++;
	return INC_RECORD_QUEUED;
}

void
storew_evidence(struct storew *sw, long long incident,
    const struct inc_evid *x)
{
	struct wop *o = wop_new(sw, WOP_EVIDENCE);

	o->in.id = incident;
	o->ev = xcalloc(1, sizeof(*o->ev));
	o->ev[0].at = x->at;
	o->ev[0].source = own(o, x->source);
	o->ev[0].text = own(o, x->text);
	o->nev = 1;
}

void
storew_suppressed(struct storew *sw, long long maint, const char *key,
    const char *cause, const char *detail, long long at)
{
	struct wop *o = wop_new(sw, WOP_SUPPRESSED);

	o->maint = maint;
	o->key = xstrdup(key);
	o->cause = xstrdup(cause);
	o->detail = xstrdup(detail);
	o->at = at;
}

void
storew_aps(struct storew *sw, const char *controller,
    const struct store_ap *v, size_t n)
{
	struct wop *o = wop_new(sw, WOP_APS);
	size_t i;

	o->key = xstrdup(controller);
	o->aps = xreallocarray(NULL, n + 1, sizeof(*o->aps));
	for (i = 0; i < n; i++) {
		o->aps[i] = v[i];
		o->aps[i].index = own(o, v[i].index);
		o->aps[i].name = own(o, v[i].name);
	}
	o->naps = n;
}

struct storew *
storew_new(struct daemon *d, struct event_base *base, const char *path,
    char *err, size_t errlen)
{
	struct storew *sw = xcalloc(1, sizeof(*sw));

	sw->d = d;
	snprintf(sw->path, sizeof(sw->path), "%s", path);
	sw->busy_ms = STOREW_BUSY_MS;
	sw->tries = STOREW_TRIES;
	sw->pause_ms = STOREW_PAUSE_MS;
	if ((sw->q = workq_new(base, "store-write", STOREW_QUEUE, err,
	    errlen)) == NULL) {
		free(sw);
		return NULL;
	}
	sw->flush = event_new(base, -1, 0, sw_flush, sw);
	return sw;
}

void
storew_patience(struct storew *sw, int busy_ms, int tries, int pause_ms)
{
	sw->busy_ms = busy_ms;
	sw->tries = tries > 0 ? tries : 1;
	sw->pause_ms = pause_ms;
}

int
storew_busy(const struct storew *sw)
{
	return sw != NULL && (sw->cur != NULL || sw->submitted > 0);
}

void
storew_stats(struct storew *sw, struct storew_stats *s)
{
	struct workq_stats ws;

	memset(s, 0, sizeof(*s));
	if (sw == NULL)
		return;
	workq_stats(sw->q, &ws);
	s->commits = sw->commits;
	s->failures = sw->failures;
	s->records = sw->records;
	s->queued = ws.queued;
	s->busy_s = ws.busy_s;
}

/*
 * Stop: the turn's changes and those queued are written (grace_ms at
 * most); a thread stuck on a write is left behind with its connection.
 */
void
storew_free(struct storew *sw, int grace_ms)
{
	if (sw == NULL)
		return;
	sw->stopping = 1;
	if (sw->cur != NULL)
		sw_flush(-1, 0, sw);
	event_free(sw->flush);
	if (workq_free(sw->q, workq_drain(sw->q, grace_ms) == 0 ? grace_ms :
	    0) == -1) {
		/* Its thread still runs a job that points here: both stay. */
		log_warnx("store: the writer did not finish; left behind");
		return;
	}
	store_close(sw->st);
	free(sw);
}
