/*
 * The incident engine's host, as the daemon is (include/incident.h, struct
 * inc_host): its checks run again on the engine's word, and its store —
 * the SQLite incident store of conf->state_db — for everything the engine
 * keeps: each change of an incident in one transaction with the outbox
 * rows the service desk is sent, the incidents at start, maintenance
 * windows, the problems they suppressed, evidence, the AP inventory.
 * Once the loop runs all of it goes to the store's thread (d->sw,
 * storew.c): a change is queued and committed with the rest of the turn's,
 * a read answers "later" and brings its rows when done.  Without d->sw (at
 * start; a replay that commits at once) it is done here, on the caller's
 * connection.  The replays (tests/unit/replay.c) host the engine with the
 * same functions on their own struct daemon.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "daemon.h"
#include "escape.h"
#include "incident.h"
#include "log.h"
#include "notify.h"
#include "scheduler.h"
#include "store.h"
#include "storew.h"
#include "xmalloc.h"

/* The loop's own connection reads the store at start, before the loop
 * runs (the daemon's changes are the store thread's, storew.c); a replay
 * writes with it, waiting this long for another's lock. */
#define STORE_LOOP_BUSY_MS	100

static void
host_recheck(void *arg, struct device_rt *dev)
{
	daemon_recheck(arg, dev, 0);
}

static void
host_run_now(void *arg, struct check_rt *c)
{
	(void)arg;
	sched_run_now(c->item);
}

/* The JSON a channel is sent for one change (the outbox row's body); in
 * the store's thread too: it reads only r. */
json_t *
daemon_notify_body(const struct inc_record *r, const char *key)
{
	json_t *o = json_object(), *ev = json_array();
	const struct incident *in = r->in;
	char text[512], line[512];
	size_t i;

	json_object_set_new(o, "idempotency_key", json_string(key));
	json_object_set_new(o, "event", json_string(r->event));
	json_object_set_new(o, "change", json_string(r->tl_event));
	/* What changed, in words (a service desk's timeline entry). */
	json_object_set_new(o, "detail", json_string(str_utf8_copy(text,
	    sizeof(text), r->detail ? r->detail : "")));
	json_object_set_new(o, "incident", incident_to_json(in));
	/* Its evidence: what it had, then what this change brings. */
	for (i = 0; i < in->evidence.n && json_array_size(ev) < 10; i++)
		json_array_append_new(ev, json_string(in->evidence.v[i]));
	for (i = 0; i < r->nev && json_array_size(ev) < 10; i++) {
		snprintf(line, sizeof(line), "%s: %s", r->ev[i].source,
		    r->ev[i].text);
		json_array_append_new(ev, json_string(str_utf8_copy(text,
		    sizeof(text), line)));
	}
	json_object_set_new(o, "evidence", ev);
	json_object_set_new(o, "source", json_string("nocwatch"));
	return o;
}

static int
host_record(void *arg, const struct inc_record *r)
{
	struct daemon *d = arg;
	const struct config *c = d->conf;
	struct incident *in = r->in;
	long long now = wall_ms(), tl = -1;
	char key[96], chan[256];
	json_t *body;
	char *text;
	size_t i;
	int ok = 1;

	if (d->sw != NULL)
		return storew_record(d->sw, r);
	if (d->st == NULL || store_begin(d->st) == -1)
		return -1;
	if (store_incident_save(d->st, in) == -1 ||
	    (tl = store_timeline(d->st, in->id, now, r->tl_event,
	    r->detail)) < 0)
		ok = 0;
	for (i = 0; ok && i < r->nev; i++)
		if (store_evidence(d->st, in->id, r->ev[i].at, r->ev[i].source,
		    r->ev[i].text) == -1)
			ok = 0;
	for (i = 0; ok && r->event != NULL && i < c->nnotifies; i++) {
		snprintf(key, sizeof(key), "nocwatch-%lld-%lld", in->id, tl);
		notify_channel_id(&c->notifies[i], chan, sizeof(chan));
		body = daemon_notify_body(r, key);
		text = json_dumps(body, JSON_COMPACT);
		if (text == NULL || store_outbox_add(d->st, in->id, tl, chan,
		    r->event, key, text) == -1)
			ok = 0;
		free(text);
		json_decref(body);
	}
	if (!ok) {
		store_rollback(d->st);
		return -1;
	}
	return store_commit(d->st);
}

static int
host_load(void *arg, long long since, void (*fn)(struct incident *, void *),
    void *fnarg)
{
	struct daemon *d = arg;

	return store_load_incidents(d->st, since, fn, fnarg);
}

/* Read on the store's thread once the engine runs (at its start, before
 * the loop does, here). */
struct maint_read {
	struct daemon		*d;
	struct maint_row	*rows;
	size_t			 n;
};

static void
maint_read_run(struct store *st, void *arg)
{
	struct maint_read *m = arg;

	m->n = store_maint_upcoming(st, wall_ms(), &m->rows);
}

static void
maint_read_done(void *arg, int ok)
{
	struct maint_read *m = arg;

	if (ok && m->d->inc != NULL)
		incident_maint_windows(m->d->inc, m->rows, m->n);
	else
		free(m->rows);
	free(m);
}

static size_t
host_maint_windows(void *arg, long long now, struct maint_row **rows)
{
	struct daemon *d = arg;
	struct maint_read *m;

	if (d->sw == NULL || d->inc == NULL)
		return store_maint_upcoming(d->st, now, rows);
	m = xcalloc(1, sizeof(*m));
	m->d = d;
	storew_call(d->sw, maint_read_run, maint_read_done, m);
	return INC_MAINT_LATER;
}

static long long
host_maint_add(void *arg, const char *scope, const char *name,
    long long starts, long long ends, const char *reason)
{
	struct daemon *d = arg;

	return store_maint_add(d->st, scope, name, starts, ends, reason,
	    wall_ms());
}

static int
host_maint_remove(void *arg, long long id)
{
	struct daemon *d = arg;

	return store_maint_remove(d->st, id, wall_ms());
}

static void
host_suppressed(void *arg, long long maint, const char *key,
    const char *cause, const char *detail, long long at)
{
	struct daemon *d = arg;

	if (d->sw != NULL)
		storew_suppressed(d->sw, maint, key, cause, detail, at);
	else
		(void)store_suppressed(d->st, maint, key, cause, detail, at);
}

static int
host_evidence(void *arg, long long incident, const struct inc_evid *x)
{
	struct daemon *d = arg;

	if (d->sw != NULL) {
		storew_evidence(d->sw, incident, x);
		return 0;
	}
	return store_evidence(d->st, incident, x->at, x->source, x->text);
}

static void
host_aps_save(void *arg, const char *controller, const struct store_ap *v,
    size_t n)
{
	struct daemon *d = arg;

	if (d->sw != NULL)
		storew_aps(d->sw, controller, v, n);
	else
		(void)store_aps_save(d->st, controller, v, n);
}

/* A reload added a controller while the loop runs: its inventory is read
 * on the store's thread. */
struct aps_read {
	struct daemon		*d;
	char			 controller[256];
	struct store_ap		*v;
	size_t			 n;
	char			**own;		/* the strings v points to */
};

static void
aps_read_one(const struct store_ap *a, void *arg)
{
	struct aps_read *r = arg;

	r->v = xreallocarray(r->v, r->n + 1, sizeof(*r->v));
	r->own = xreallocarray(r->own, 2 * (r->n + 1), sizeof(*r->own));
	r->v[r->n] = *a;
	r->v[r->n].index = r->own[2 * r->n] = xstrdup(a->index ? a->index :
	    "");
	r->v[r->n].name = r->own[2 * r->n + 1] = xstrdup(a->name ? a->name :
	    "");
	r->n++;
}

static void
aps_read_run(struct store *st, void *arg)
{
	struct aps_read *r = arg;

	(void)store_aps_load(st, r->controller, aps_read_one, r);
}

static void
aps_read_done(void *arg, int ok)
{
	struct aps_read *r = arg;
	size_t i;

	if (ok && r->d->inc != NULL)
		incident_aps_stored(r->d->inc, r->controller, r->v, r->n);
	for (i = 0; i < 2 * r->n; i++)
		free(r->own[i]);
	free(r->own);
	free(r->v);
	free(r);
}

static int
host_aps_load(void *arg, const char *controller,
    void (*fn)(const struct store_ap *, void *), void *fnarg)
{
	struct daemon *d = arg;
	struct aps_read *r;

	if (d->sw == NULL || d->inc == NULL)	/* at start, or a replay */
		return store_aps_load(d->st, controller, fn, fnarg);
	r = xcalloc(1, sizeof(*r));
	r->d = d;
	snprintf(r->controller, sizeof(r->controller), "%s", controller);
	storew_call(d->sw, aps_read_run, aps_read_done, r);
	return INC_APS_LATER;
}

void
daemon_inc_host(struct daemon *d, struct inc_host *h)
{
	memset(h, 0, sizeof(*h));
	h->arg = d;
	h->recheck = host_recheck;
	h->run_now = host_run_now;
	h->record = host_record;
	h->load = host_load;
	h->maint_windows = host_maint_windows;
	h->maint_add = host_maint_add;
	h->maint_remove = host_maint_remove;
	h->suppressed = host_suppressed;
	h->evidence = host_evidence;
	h->aps_save = host_aps_save;
	h->aps_load = host_aps_load;
}

int
daemon_store_open(struct daemon *d, char *err, size_t errlen)
{
	if ((d->st = store_open(d->conf->state_db, 0, err, errlen)) == NULL)
		return -1;
	/* A locked store costs 100 ms, not 5 s. */
	store_set_busy_ms(d->st, STORE_LOOP_BUSY_MS);
	return 0;
}
