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
#include "store.h"

/* Seconds since the epoch up to the year 9999: no overflow in ms. */
#define TIME_MAX_S	253402300799LL

typedef json_t *(*dcmd_fn)(struct daemon *, json_t *, int *, char *,
    size_t);

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

static json_t *
refuse(int *status, int code, char *err, size_t errlen, const char *why)
{
	*status = code;
	if (why != NULL)
		snprintf(err, errlen, "%s", why);
	return NULL;
}

static json_t *
c_ack(struct daemon *d, json_t *a, int *status, char *err, size_t errlen)
{
	long long id = arg_id(json_object_get(a, "id"));
	const char *by = json_string_value(json_object_get(a, "by"));
	json_t *known;

	if (id < 0)
		return refuse(status, 400, err, errlen, "an incident id "
		    "expected");
	if ((known = store_incident_json(d->st, id)) == NULL)
		return refuse(status, 404, err, errlen, "no such incident");
	json_decref(known);
	switch (incident_ack(d->inc, id, by ? by : "api", err, errlen)) {
	case -1:
		return refuse(status, 409, err, errlen, NULL);
	case -2:
		return refuse(status, 503, err, errlen, NULL);
	}
	return json_pack("{s:I}", "acknowledged", (json_int_t)id);
}

static json_t *
c_maint_add(struct daemon *d, json_t *a, int *status, char *err,
    size_t errlen)
{
	const char *scope = json_string_value(json_object_get(a, "scope"));
	const char *name = json_string_value(json_object_get(a, "name"));
	json_t *dur = json_object_get(a, "duration");
	long long now = wall_ms(), starts, ends, id;
	double ms = 0;

	starts = arg_time(json_object_get(a, "starts"), now);
	ends = arg_time(json_object_get(a, "ends"), 0);
	if (dur != NULL && (!json_is_string(dur) || parse_duration(
	    json_string_value(dur), 60000, 1000, 366 * 86400000.0, &ms, err,
	    errlen) == -1))
		return refuse(status, 400, err, errlen, "duration: e.g. "
		    "\"2h\"");
	if (ends == 0 && ms > 0)
		ends = starts + (long long)ms;
	if (scope == NULL || name == NULL || starts < 0 || ends <= 0)
		return refuse(status, 400, err, errlen, "{\"scope\": \"site\"|"
		    "\"device\", \"name\", \"ends\" or \"duration\", optional "
		    "\"starts\" and \"reason\"} expected (times ISO 8601 UTC "
		    "or seconds since the epoch)");
	if ((id = incident_maint_add(d->inc, scope, name, starts, ends,
	    json_string_value(json_object_get(a, "reason")), err, errlen)) < 0)
		return refuse(status, 400, err, errlen, NULL);
	return json_pack("{s:I}", "id", (json_int_t)id);
}

/* Ends windows early: one by its id, or every active one of a site or
 * device. */
static json_t *
c_maint_end(struct daemon *d, json_t *a, int *status, char *err,
    size_t errlen)
{
	const char *scope = json_string_value(json_object_get(a, "scope"));
	const char *name = json_string_value(json_object_get(a, "name"));
	json_t *idv = json_object_get(a, "id"), *rows, *r, *done;
	long long id = idv != NULL ? arg_id(idv) : 0, rid;
	size_t i;

	if (id < 0 || (id == 0 && (scope == NULL || name == NULL)))
		return refuse(status, 400, err, errlen, "{\"id\": N} or "
		    "{\"scope\": \"site\"|\"device\", \"name\"} expected");
	rows = store_maint_json(d->st, 0);
	done = json_array();
	json_array_foreach(rows, i, r) {
		rid = json_integer_value(json_object_get(r, "id"));
		if (!json_is_true(json_object_get(r, "active")) || (id > 0 ?
		    rid != id : strcmp(scope, json_string_value(
		    json_object_get(r, "scope"))) != 0 || strcmp(name,
		    json_string_value(json_object_get(r, "name"))) != 0))
			continue;
		if (incident_maint_remove(d->inc, rid, err, errlen) == 0)
			json_array_append_new(done, json_integer(rid));
	}
	json_decref(rows);
	if (json_array_size(done) == 0) {
		json_decref(done);
		return refuse(status, 404, err, errlen, "no such active "
		    "maintenance window");
	}
	return json_pack("{s:o}", "removed", done);
}

static json_t *
c_outbox_list(struct daemon *d, json_t *a, int *status, char *err,
    size_t errlen)
{
	json_t *dead = store_outbox_dead(d->st);

	(void)a;
	if (dead == NULL)
		return refuse(status, 503, err, errlen, "the store cannot be "
		    "read");
	return json_pack("{s:o}", "dead", dead);
}

static json_t *
c_outbox_retry(struct daemon *d, json_t *a, int *status, char *err,
    size_t errlen)
{
	long long id = arg_id(json_object_get(a, "id"));

	if (id < 0)
		return refuse(status, 400, err, errlen, "a dead letter's id "
		    "expected");
	if (store_outbox_requeue(d->st, id) == -1) {
		snprintf(err, errlen, "no dead letter %lld (nocwatch outbox "
		    "list shows them)", id);
		return refuse(status, 404, err, errlen, NULL);
	}
	log_info("notify: dead letter %lld queued again", id);
	notifier_kick(d->nt);
	return json_pack("{s:I}", "requeued", (json_int_t)id);
}

static const struct {
	const char	*name;
	dcmd_fn		 fn;
} dcmds[] = {
	{ "ack", c_ack },
	{ "maintenance-add", c_maint_add },
	{ "maintenance-end", c_maint_end },
	{ "outbox-list", c_outbox_list },
	{ "outbox-retry", c_outbox_retry },
};

json_t *
daemon_command(struct daemon *d, const char *name, json_t *args,
    int *status, char *err, size_t errlen)
{
	size_t i;

	*status = 200;
	err[0] = '\0';
	if (d->inc == NULL)
		return refuse(status, 503, err, errlen, "the incident engine "
		    "is not running");
	for (i = 0; name != NULL && i < sizeof(dcmds) / sizeof(dcmds[0]); i++)
		if (strcmp(name, dcmds[i].name) == 0)
			return dcmds[i].fn(d, json_is_object(args) ? args :
			    NULL, status, err, errlen);
	return refuse(status, 400, err, errlen, "unknown command");
}
