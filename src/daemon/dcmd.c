/*
 * The daemon's commands (daemon.h: daemon_command), one layer behind the
 * control socket and the HTTP API: the same arguments, the same checks,
 * the same refusals.  The front ends only carry them — a JSON line with
 * "cmd" on the socket, a route and a body over HTTP — and show the answer
 * their own way.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "clock.h"
#include "daemon.h"
#include "incident.h"
#include "log.h"
#include "notify.h"
#include "parse.h"
#include "escape.h"
#include "store.h"
#include "storew.h"
#include "xmalloc.h"

/* Seconds since the epoch up to the year 9999: no overflow in ms. */
#define TIME_MAX_S	253402300799LL


/* A time: ISO 8601 UTC ("2026-11-24T18:00:00Z") or seconds since the
 * epoch; dflt when absent, -1 when it is not a time. */
static long long
arg_time(json_t *v, long long dflt)
{
	struct tm tm;
	const char *s;
	char *end;

	if (v == NULL || json_is_null(v))
		return dflt;
	if (json_is_integer(v))
		return json_integer_value(v) >= 0 && json_integer_value(v) <=
		    TIME_MAX_S ? json_integer_value(v) * 1000 : -1;
	if ((s = json_string_value(v)) == NULL)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) != NULL &&
	    *end == '\0')
		return (long long)timegm(&tm) * 1000;
	return -1;
}

/* An incident or window id: a positive integer (or its decimal text). */
static long long
arg_id(json_t *v)
{
	char err[64];
	long long id;

	if (json_is_integer(v))
		return json_integer_value(v) > 0 ? json_integer_value(v) : -1;
	if (json_is_string(v) && parse_int(json_string_value(v), 1,
	    (long long)1 << 53, &id, err, sizeof(err)) == 0)
		return id;
	return -1;
}

/*
 * One command under way: its arguments, what the store's thread found,
 * and whom to answer.  Commands that read or write the store do it on
 * the store's thread (storew_call), after the engine's changes of the
 * turn: the loop never waits, and an answer is given only once what it
 * says is committed.
 */
struct dcall {
	struct daemon		*d;
	daemon_answer		 answer;
	void			*arg;
	long long		 id, starts, ends, now;
	char			 scope[16], name[256], reason[512], by[256];
	int			 tries;		/* an ack behind a commit */
	/* from the thread */
	json_t			*result;
	long long		 got;
	struct maint_row	*rows;
	size_t			 nrows;
};

static struct dcall *
dcall_new(struct daemon *d, daemon_answer answer, void *arg)
{
	struct dcall *c = xcalloc(1, sizeof(*c));

	c->d = d;
	c->answer = answer;
	c->arg = arg;
	c->now = wall_ms();
	return c;
}

/* The answer (rep: the caller's, or NULL with status and err), and the
 * call's end. */
static void
finish(struct dcall *c, json_t *rep, int status, const char *err)
{
	c->answer(c->arg, rep, rep != NULL ? 200 : status, rep != NULL ? "" :
	    err);
	json_decref(rep);
	json_decref(c->result);
	free(c->rows);
	free(c);
}

static void
refuse(struct dcall *c, int status, const char *why)
{
	finish(c, NULL, status, why);
}

/* The store's thread could not be asked (or did not answer). */
static int
store_down(struct dcall *c, int ok)
{
	if (ok)
		return 0;
	refuse(c, 503, "the incident store cannot be written now; try again");
	return 1;
}

/* --- ack ---------------------------------------------------------------- */

static void
ack_known(struct store *st, void *arg)
{
	struct dcall *c = arg;

	c->result = store_incident_json(st, c->id);
}

static void
ack_committed(void *arg, int ok)
{
	struct dcall *c = arg;

	if (store_down(c, ok))
		return;
	finish(c, json_pack("{s:I}", "acknowledged", (json_int_t)c->id), 200,
	    NULL);
}

static void
ack_go(void *arg, int ok)
{
	struct dcall *c = arg;
	char err[256];

	if (store_down(c, ok))
		return;
	if (c->result == NULL) {
		refuse(c, 404, "no such incident");
		return;
	}
	/* The engine's changes of an evaluation are being committed: after
	 * them (a few tries, then the client is told to try again). */
	if (incident_busy(c->d->inc) && c->tries++ < 10) {
		storew_call(c->d->sw, NULL, ack_go, c);
		return;
	}
	switch (incident_ack(c->d->inc, c->id, c->by, err, sizeof(err))) {
	case -1:
		refuse(c, 409, err);
		return;
	case -2:
		refuse(c, 503, err);
		return;
	}
	/* Answered once the acknowledgement is committed. */
	storew_call(c->d->sw, NULL, ack_committed, c);
}

static void
c_ack(struct dcall *c, json_t *a)
{
	const char *by = json_string_value(json_object_get(a, "by"));

	if ((c->id = arg_id(json_object_get(a, "id"))) < 0) {
		refuse(c, 400, "an incident id expected");
		return;
	}
	str_utf8_copy(c->by, sizeof(c->by), by ? by : "api");
	storew_call(c->d->sw, ack_known, ack_go, c);
}

/* --- maintenance --------------------------------------------------------- */

static void
maint_add_run(struct store *st, void *arg)
{
	struct dcall *c = arg;

	c->got = store_maint_add(st, c->scope, c->name, c->starts, c->ends,
	    c->reason[0] ? c->reason : NULL, c->now);
	c->nrows = store_maint_upcoming(st, wall_ms(), &c->rows);
}

/* The engine takes the windows as the store now has them. */
static void
maint_windows(struct dcall *c)
{
	incident_maint_windows(c->d->inc, c->rows, c->nrows);
	c->rows = NULL;
	c->nrows = 0;
}

static void
maint_add_done(void *arg, int ok)
{
	struct dcall *c = arg;

	if (store_down(c, ok))
		return;
	if (c->got < 0) {
		refuse(c, 400, "the store refused the window");
		return;
	}
	maint_windows(c);
	log_info("maintenance %lld: %s %s", c->got, c->scope, c->name);
	finish(c, json_pack("{s:I}", "id", (json_int_t)c->got), 200, NULL);
}

static void
c_maint_add(struct dcall *c, json_t *a)
{
	const char *scope = json_string_value(json_object_get(a, "scope"));
	const char *name = json_string_value(json_object_get(a, "name"));
	const char *reason = json_string_value(json_object_get(a, "reason"));
	json_t *dur = json_object_get(a, "duration");
	char err[256];
	double ms = 0;

	c->starts = arg_time(json_object_get(a, "starts"), c->now);
	c->ends = arg_time(json_object_get(a, "ends"), 0);
	if (dur != NULL && (!json_is_string(dur) || parse_duration(
	    json_string_value(dur), 60000, 1000, 366 * 86400000.0, &ms, err,
	    sizeof(err)) == -1)) {
		refuse(c, 400, "duration: e.g. \"2h\"");
		return;
	}
	if (c->ends == 0 && ms > 0)
		c->ends = c->starts + (long long)ms;
	if (scope == NULL || name == NULL || c->starts < 0 || c->ends <= 0) {
		refuse(c, 400, "{\"scope\": \"site\"|\"device\", \"name\", "
		    "\"ends\" or \"duration\", optional \"starts\" and "
		    "\"reason\"} expected (times ISO 8601 UTC or seconds since "
		    "the epoch)");
		return;
	}
	if (incident_maint_check(c->d->inc, scope, name, c->starts, c->ends,
	    err, sizeof(err)) == -1) {
		refuse(c, 400, err);
		return;
	}
	snprintf(c->scope, sizeof(c->scope), "%s", scope);
	snprintf(c->name, sizeof(c->name), "%s", name);
	if (reason != NULL)
		str_utf8_copy(c->reason, sizeof(c->reason), reason);
	storew_call(c->d->sw, maint_add_run, maint_add_done, c);
}

/* Ends windows early: one by its id, or every active one of a site or
 * device. */
static void
maint_end_run(struct store *st, void *arg)
{
	struct dcall *c = arg;
	json_t *rows, *r;
	long long rid;
	size_t i;

	c->result = json_array();
	rows = store_maint_json(st, 0);
	json_array_foreach(rows, i, r) {
		rid = json_integer_value(json_object_get(r, "id"));
		if (!json_is_true(json_object_get(r, "active")) || (c->id > 0 ?
		    rid != c->id : strcmp(c->scope, json_string_value(
		    json_object_get(r, "scope"))) != 0 || strcmp(c->name,
		    json_string_value(json_object_get(r, "name"))) != 0))
			continue;
		if (store_maint_remove(st, rid, c->now) == 0)
			json_array_append_new(c->result, json_integer(rid));
	}
	json_decref(rows);
	c->nrows = store_maint_upcoming(st, wall_ms(), &c->rows);
}

static void
maint_end_done(void *arg, int ok)
{
	struct dcall *c = arg;
	json_t *done;
	size_t i;

	if (store_down(c, ok))
		return;
	maint_windows(c);
	if (json_array_size(c->result) == 0) {
		refuse(c, 404, "no such active maintenance window");
		return;
	}
	for (i = 0; i < json_array_size(c->result); i++)
		log_info("maintenance %lld removed", (long long)
		    json_integer_value(json_array_get(c->result, i)));
	done = c->result;
	c->result = NULL;
	finish(c, json_pack("{s:o}", "removed", done), 200, NULL);
}

static void
c_maint_end(struct dcall *c, json_t *a)
{
	const char *scope = json_string_value(json_object_get(a, "scope"));
	const char *name = json_string_value(json_object_get(a, "name"));
	json_t *idv = json_object_get(a, "id");

	c->id = idv != NULL ? arg_id(idv) : 0;
	if (c->id < 0 || (c->id == 0 && (scope == NULL || name == NULL))) {
		refuse(c, 400, "{\"id\": N} or {\"scope\": \"site\"|\"device\", "
		    "\"name\"} expected");
		return;
	}
	snprintf(c->scope, sizeof(c->scope), "%s", scope ? scope : "");
	snprintf(c->name, sizeof(c->name), "%s", name ? name : "");
	storew_call(c->d->sw, maint_end_run, maint_end_done, c);
}

/* --- the outbox ----------------------------------------------------------- */

static void
outbox_list_run(struct store *st, void *arg)
{
	struct dcall *c = arg;

	c->result = store_outbox_dead(st);
}

static void
outbox_list_done(void *arg, int ok)
{
	struct dcall *c = arg;
	json_t *dead;

	if (!ok || c->result == NULL) {
		refuse(c, 503, "the store cannot be read");
		return;
	}
	dead = c->result;
	c->result = NULL;
	finish(c, json_pack("{s:o}", "dead", dead), 200, NULL);
}

static void
c_outbox_list(struct dcall *c, json_t *a)
{
	(void)a;
	storew_call(c->d->sw, outbox_list_run, outbox_list_done, c);
}

static void
outbox_retry_run(struct store *st, void *arg)
{
	struct dcall *c = arg;

	c->got = store_outbox_requeue(st, c->id);
}

static void
outbox_retry_done(void *arg, int ok)
{
	struct dcall *c = arg;
	char err[128];

	if (store_down(c, ok))
		return;
	if (c->got == -1) {
		snprintf(err, sizeof(err), "no dead letter %lld (nocwatch "
		    "outbox list shows them)", c->id);
		refuse(c, 404, err);
		return;
	}
	log_info("notify: dead letter %lld queued again", c->id);
	notifier_kick(c->d->nt);
	finish(c, json_pack("{s:I}", "requeued", (json_int_t)c->id), 200,
	    NULL);
}

static void
c_outbox_retry(struct dcall *c, json_t *a)
{
	if ((c->id = arg_id(json_object_get(a, "id"))) < 0) {
		refuse(c, 400, "a dead letter's id expected");
		return;
	}
	storew_call(c->d->sw, outbox_retry_run, outbox_retry_done, c);
}

static const struct {
	const char	*name;
	void		(*fn)(struct dcall *, json_t *);
} dcmds[] = {
	{ "ack", c_ack },
	{ "maintenance-add", c_maint_add },
	{ "maintenance-end", c_maint_end },
	{ "outbox-list", c_outbox_list },
	{ "outbox-retry", c_outbox_retry },
};

void
daemon_command(struct daemon *d, const char *name, json_t *args,
    daemon_answer answer, void *arg)
{
	struct dcall *c = dcall_new(d, answer, arg);
	size_t i;

	if (d->inc == NULL || d->sw == NULL) {
		refuse(c, 503, "the incident engine is not running");
		return;
	}
	for (i = 0; name != NULL && i < sizeof(dcmds) / sizeof(dcmds[0]); i++)
		if (strcmp(name, dcmds[i].name) == 0) {
			dcmds[i].fn(c, json_is_object(args) ? args : NULL);
			return;
		}
	refuse(c, 400, "unknown command");
}
