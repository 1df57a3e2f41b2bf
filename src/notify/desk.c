/*
 * Service desk connectors (include/desk.h).  References, from each
 * vendor's published API documentation:
 *
 *   Hornbill   XMLMC JSON form: POST ENDPOINT/xmlmc/SERVICE/?method=M
 *              with {"methodCall": {"@service", "@method", "params"}},
 *              "Authorization: ESP-APIKEY KEY"; an answer is HTTP 200 with
 *              "@status": true (and "params") or false (and "state":
 *              {"error"}): success is the body's @status, never the HTTP
 *              status; a business-rule refusal is @status true with
 *              params.exceptionName (and exceptionDescription).
 *              Methods: data::entityBrowseRecords2 (find the request
 *              carrying nocwatch's key), apps/com.hornbill.servicemanager/
 *              Incidents::logIncident, Requests::updateReqTimeline
 *              (requestId, content, visibility, activityType, source),
 *              Requests::escalateRequest (requestId, priorityId,
 *              escalationNote), Requests::smUpdateStatus (requestId,
 *              status) to reopen, Requests::resolveRequest (requestId,
 *              resolutionText; exceptionName requestAlreadyResolved).
 *   ServiceNow Table API: GET/POST /api/now/table/incident, PATCH
 *              /api/now/table/incident/SYS_ID, basic authentication;
 *              201 (created) or 200; correlation_id carries our key.
 *   PagerDuty  Events API v2: POST /v2/enqueue, event_action trigger,
 *              acknowledge or resolve with dedup_key = our key; 202.
 *   Alertmanager  POST /api/v2/alerts, an array of alerts with labels,
 *              annotations, startsAt and (resolved) endsAt; 200.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "desk.h"
#include "escape.h"
#include "http.h"

#define HB_SM		"apps/com.hornbill.servicemanager"

enum {
	ST_START = 0, ST_LOOKUP, ST_CREATE,
	ST_ACTION = 10, ST_TIMELINE, ST_PRIORITY,
	ST_REOPEN = 20, ST_RESOLVE = 30, ST_UPDATE = 40
};

/* --- the event ------------------------------------------------------- */

static const char *
jget(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

static const json_t *
ev_inc(const json_t *ev)
{
	return json_object_get(ev, "incident");
}

static int
ev_prio(const json_t *ev)
{
	const char *p = jget(ev_inc(ev), "priority");

	return p[0] == 'P' && p[1] >= '1' && p[1] <= '4' ? p[1] - '0' : 4;
}

/* nocwatch's key for the incident at a desk (correlation_id, dedup_key,
 * the Hornbill key field): one per incident, whatever its events. */
static void
ev_key(const json_t *ev, char *buf, size_t len)
{
	const char *t = jget(ev, "test_key");

	if (t[0] != '\0')
		snprintf(buf, len, "%s", t);
	else
		snprintf(buf, len, "nocwatch-incident-%lld", (long long)
		    json_integer_value(json_object_get(ev_inc(ev), "id")));
}

static void
join_list(const json_t *a, char *buf, size_t len)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < json_array_size(a) && n + 1 < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "",
		    json_string_value(json_array_get(a, i)) ?
		    json_string_value(json_array_get(a, i)) : "");
}

/* A ticket's description: what, where, since when, the evidence, the key. */
static char *
ev_description(const json_t *ev, const char *extra)
{
	const json_t *in = ev_inc(ev), *evid = json_object_get(ev, "evidence");
	char sites[512], devs[1024], key[96], *out;
	size_t i, n, cap = 8192;

	join_list(json_object_get(in, "sites"), sites, sizeof(sites));
	join_list(json_object_get(in, "devices"), devs, sizeof(devs));
	ev_key(ev, key, sizeof(key));
	out = malloc(cap);
	if (out == NULL)
		return NULL;
	n = (size_t)snprintf(out, cap, "%s\n\nPriority %s, cause %s (%s).\n"
	    "Sites: %s\nDevices: %s\nFault began %s; opened %s.\n",
	    jget(in, "title"), jget(in, "priority"), jget(in, "cause"),
	    jget(in, "situation"), sites, devs, jget(in, "started_at"),
	    jget(in, "opened_at"));
	for (i = 0; i < json_array_size(evid) && n < cap; i++)
		n += (size_t)snprintf(out + n, cap - n, "%s- %s\n", i ? "" :
		    "Evidence:\n", json_string_value(json_array_get(evid, i)) ?
		    json_string_value(json_array_get(evid, i)) : "");
	if (extra != NULL && n < cap)
		n += (size_t)snprintf(out + n, cap - n, "%s\n", extra);
	if (n < cap)
		snprintf(out + n, cap - n, "nocwatch key: %s\n", key);
	return out;
}

/* "Resolved: ...; service back after N s" for a resolution note. */
static void
ev_resolution(const json_t *ev, char *buf, size_t len)
{
	const json_t *in = ev_inc(ev);
	double d = json_number_value(json_object_get(in, "duration_s"));

	snprintf(buf, len, "Resolved by nocwatch: %s (%s). Outage %.0f s "
	    "(from the fault to service back, episodes summed). %s",
	    jget(in, "cause"), jget(in, "title"), d, jget(ev, "detail"));
}

static void
ev_update_text(const json_t *ev, char *buf, size_t len)
{
	const json_t *in = ev_inc(ev);

	if (strcmp(jget(ev, "event"), "acknowledged") == 0)
		snprintf(buf, len, "Acknowledged in nocwatch by %s.",
		    json_string_value(json_object_get(in, "acknowledged_by")) ?
		    json_string_value(json_object_get(in, "acknowledged_by")) :
		    "someone");
	else
		snprintf(buf, len, "nocwatch %s: %s. Now %s %s: %s",
		    jget(ev, "change"), jget(ev, "detail"), jget(in, "priority"),
		    jget(in, "cause"), jget(in, "title"));
}

/* --- requests -------------------------------------------------------- */

void
desk_req_clear(struct desk_req *r)
{
	free(r->body);
	memset(r, 0, sizeof(*r));
}

/* One "Name: value" header line. */
static void
add_hdr(struct desk_req *r, const char *name, const char *v)
{
	if (r->nhdr < DESK_MAX_HEADERS)
		snprintf(r->hdr[r->nhdr++], sizeof(r->hdr[0]), "%s: %.500s",
		    name, v);
}

/* The body; a value jansson could not build leaves no URL, which the
 * caller takes as a request that cannot be made. */
static void
set_body(struct desk_req *r, json_t *j)
{
	if (j == NULL || (r->body = json_dumps(j, JSON_COMPACT |
	    JSON_ENSURE_ASCII)) == NULL)
		r->url[0] = '\0';
	json_decref(j);
}

static void
base_url(const struct notify_conf *n, char *buf, size_t len)
{
	size_t l = strlen(n->url);

	snprintf(buf, len, "%.*s", (int)(l > 0 && n->url[l - 1] == '/' ?
	    l - 1 : l), n->url);
}

/*
 * The answer to a look-up or a creation, ref being the ticket it names:
 * found or made, it is recorded and the event's own call comes next;
 * none found, one is created; a creation that names none is refused.
 */
static enum desk_verdict
ref_learned(struct desk_state *s, const char *ref, const char *none,
    char *why, size_t whylen)
{
	if (ref == NULL && s->step == ST_CREATE) {
		snprintf(why, whylen, "%s", none);
		return DESK_FAIL;
	}
	if (ref == NULL) {
		s->step = ST_CREATE;
		return DESK_CALL;
	}
	snprintf(s->ref, sizeof(s->ref), "%s", ref);
	s->ref_new = 1;
	s->step = ST_ACTION;
	return DESK_CALL;
}

/* --- Hornbill -------------------------------------------------------- */

static void
hb_call(const struct notify_conf *n, struct desk_req *r, const char *service,
    const char *method, json_t *params)
{
	char base[1024];

	base_url(n, base, sizeof(base));
	snprintf(r->url, sizeof(r->url), "%s/xmlmc/%s/?method=%s", base,
	    service, method);
	add_hdr(r, "Content-Type", "application/json");
	add_hdr(r, "Accept", "application/json");
	{
		char auth[560];

		snprintf(auth, sizeof(auth), "ESP-APIKEY %.500s", n->api_key);
		add_hdr(r, "Authorization", auth);
		explicit_bzero(auth, sizeof(auth));
	}
	set_body(r, json_pack("{s:{s:s,s:s,s:o}}", "methodCall", "@service",
	    service, "@method", method, "params", params));
}

static const char *
hb_key_field(const struct notify_conf *n)
{
	return n->key_field != NULL ? n->key_field : "h_custom_a";
}

static const char *
hb_site_id(const struct notify_conf *n, const json_t *ev)
{
	const char *site = json_string_value(json_array_get(json_object_get(
	    ev_inc(ev), "sites"), 0));
	size_t i;

	for (i = 0; site != NULL && i < n->nsite_ids; i++)
		if (strcmp(n->site_ids[i].site, site) == 0)
			return n->site_ids[i].id;
	return NULL;
}

static void
hb_create(const struct notify_conf *n, const json_t *ev,
    const struct desk_state *s, struct desk_req *r)
{
	char key[96], extra[300], *desc;
	const char *prio = n->prio[ev_prio(ev) - 1], *site = hb_site_id(n, ev);
	json_t *p;

	ev_key(ev, key, sizeof(key));
	snprintf(extra, sizeof(extra), "Reopened after request %s was closed "
	    "and could not be reopened.", s->ref);
	desc = ev_description(ev, s->replaced ? extra : NULL);
	p = json_pack("{s:s,s:s,s:s}", "summary", jget(ev_inc(ev), "title"),
	    "description", desc ? desc : "", hb_key_field(n), key);
	free(desc);
	if (prio != NULL)
		json_object_set_new(p, "priorityId", json_string(prio));
	if (n->service_id != NULL)
		json_object_set_new(p, "serviceId", json_string(n->service_id));
	if (site != NULL)
		json_object_set_new(p, "siteId", json_string(site));
	if (n->team_id != NULL)
		json_object_set_new(p, "teamId", json_string(n->team_id));
	if (n->category_id != NULL)
		json_object_set_new(p, "categoryId",
		    json_string(n->category_id));
	hb_call(n, r, HB_SM "/Incidents", "logIncident", p);
}

static enum desk_verdict
hb_next(const struct notify_conf *n, const json_t *ev, struct desk_state *s,
    struct desk_req *r)
{
	const char *event = jget(ev, "event"), *change = jget(ev, "change");
	char key[96], text[1024];

	ev_key(ev, key, sizeof(key));
	if (s->step == ST_START)
		s->step = s->ref[0] == '\0' ? ST_LOOKUP : ST_ACTION;
	if (s->step == ST_ACTION) {
		if (strcmp(event, "opened") == 0)
			return DESK_DONE;
		if (strcmp(event, "resolved") == 0)
			s->step = ST_RESOLVE;
		else if (strcmp(change, "reopened") == 0 && !s->replaced)
			s->step = ST_REOPEN;
		else
			s->step = ST_TIMELINE;
	}
	switch (s->step) {
	case ST_LOOKUP:
		hb_call(n, r, "data", "entityBrowseRecords2", json_pack(
		    "{s:s,s:s,s:s,s:{s:s,s:s,s:s},s:i}", "application",
		    "com.hornbill.servicemanager", "entity", "Requests",
		    "matchScope", "all", "searchFilter", "column",
		    hb_key_field(n), "value", key, "matchType", "exact",
		    "maxResults", 1));
		break;
	case ST_CREATE:
		hb_create(n, ev, s, r);
		break;
	case ST_TIMELINE:
		ev_update_text(ev, text, sizeof(text));
		hb_call(n, r, HB_SM "/Requests", "updateReqTimeline", json_pack(
		    "{s:s,s:s,s:s,s:s,s:s}", "requestId", s->ref, "content",
		    text, "visibility", "trustedGuest", "activityType",
		    "Update", "source", "nocwatch"));
		break;
	case ST_PRIORITY:
		ev_update_text(ev, text, sizeof(text));
		hb_call(n, r, HB_SM "/Requests", "escalateRequest", json_pack(
		    "{s:s,s:s,s:s}", "requestId", s->ref, "priorityId",
		    n->prio[ev_prio(ev) - 1], "escalationNote", text));
		break;
	case ST_REOPEN:
		/* The reason goes to the timeline, the next step. */
		hb_call(n, r, HB_SM "/Requests", "smUpdateStatus", json_pack(
		    "{s:s,s:s}", "requestId", s->ref, "status", "status.open"));
		break;
	case ST_RESOLVE:
		ev_resolution(ev, text, sizeof(text));
		hb_call(n, r, HB_SM "/Requests", "resolveRequest", json_pack(
		    "{s:s,s:s}", "requestId", s->ref, "resolutionText", text));
		break;
	default:
		return DESK_DONE;
	}
	return DESK_CALL;
}

/* The request reference in an entityBrowseRecords2 answer (rowData.row
 * is one object or an array of them), or NULL. */
static const char *
hb_found(const json_t *params)
{
	const json_t *row = json_object_get(json_object_get(params, "rowData"),
	    "row");

	if (json_is_array(row))
		row = json_array_get(row, 0);
	return json_string_value(json_object_get(row, "h_pk_reference"));
}

static const char *
hb_method_name(int step)
{
	switch (step) {
	case ST_LOOKUP:		return "the look-up";
	case ST_CREATE:		return "logIncident";
	case ST_PRIORITY:	return "escalateRequest";
	case ST_RESOLVE:	return "resolveRequest";
	default:		return "updateReqTimeline";
	}
}

static enum desk_verdict
hb_judge(const struct notify_conf *n, const json_t *ev, struct desk_state *s,
    const json_t *body, char *why, size_t whylen)
{
	const json_t *params = json_object_get(body, "params");
	const char *err = json_string_value(json_object_get(json_object_get(
	    body, "state"), "error")), *ref;
	const char *exc = json_string_value(json_object_get(params,
	    "exceptionName"));
	int ok = json_is_true(json_object_get(body, "@status"));

	if (!json_is_boolean(json_object_get(body, "@status"))) {
		snprintf(why, whylen, "Hornbill: an answer without @status");
		return DESK_RETRY;
	}
	if (ok && exc != NULL && *exc != '\0') {
		/* Carried out, but refused by the application's rules. */
		if (s->step == ST_RESOLVE &&
		    strcmp(exc, "requestAlreadyResolved") == 0)
			return DESK_DONE;	/* someone resolved it first */
		ok = 0;
		err = json_string_value(json_object_get(params,
		    "exceptionDescription"));
		if (err == NULL || *err == '\0')
			err = exc;
	}
	if (!ok && s->step == ST_RESOLVE && err != NULL &&
	    strcasestr(err, "already") != NULL)
		return DESK_DONE;	/* someone resolved it first */
	if (!ok && s->step == ST_REOPEN) {
		/* Closed on the desk: a new request, which says so. */
		s->replaced = 1;
		s->step = ST_CREATE;
		return DESK_CALL;
	}
	if (!ok) {
		snprintf(why, whylen, "Hornbill refused %s: %.200s",
		    hb_method_name(s->step), err ? err : "no reason given");
		return DESK_FAIL;
	}
	switch (s->step) {
	case ST_LOOKUP:
	case ST_CREATE:
		ref = s->step == ST_LOOKUP ? hb_found(params) :
		    json_string_value(json_object_get(params, "requestId"));
		return ref_learned(s, ref, "Hornbill: logIncident gave no "
		    "requestId", why, whylen);
	case ST_REOPEN:
		s->step = ST_TIMELINE;
		return DESK_CALL;
	case ST_TIMELINE:
		if (strcmp(jget(ev, "change"), "priority") == 0 &&
		    n->prio[ev_prio(ev) - 1] != NULL && !s->prio_done) {
			s->prio_done = 1;
			s->step = ST_PRIORITY;
			return DESK_CALL;
		}
		return DESK_DONE;
	default:
		return DESK_DONE;
	}
}

/* --- ServiceNow ------------------------------------------------------ */

static void
sn_headers(const struct notify_conf *n, struct desk_req *r)
{
	char cred[300], b64[420], auth[440];
	int len;

	len = snprintf(cred, sizeof(cred), "%.140s:%.140s", n->user,
	    n->password);
	if (len < 0 || (size_t)len >= sizeof(cred))
		len = 0;
	EVP_EncodeBlock((unsigned char *)b64, (const unsigned char *)cred,
	    len);
	explicit_bzero(cred, sizeof(cred));
	add_hdr(r, "Content-Type", "application/json");
	add_hdr(r, "Accept", "application/json");
	snprintf(auth, sizeof(auth), "Basic %s", b64);
	add_hdr(r, "Authorization", auth);
	explicit_bzero(b64, sizeof(b64));
	explicit_bzero(auth, sizeof(auth));
}

/* Impact and urgency of a priority, "I/U" (the default matrix gives
 * ServiceNow's priorities 1..4). */
static void
sn_iu(const struct notify_conf *n, const json_t *ev, char *i, char *u)
{
	static const char *const def[4] = { "1/1", "1/2", "2/2", "3/3" };
	int p = ev_prio(ev) - 1;
	const char *v = n->prio[p] != NULL ? n->prio[p] : def[p];

	i[0] = v[0];
	i[1] = '\0';
	u[0] = v[2];
	u[1] = '\0';
}

static enum desk_verdict
sn_next(const struct notify_conf *n, const json_t *ev, struct desk_state *s,
    struct desk_req *r)
{
	const char *event = jget(ev, "event"), *change = jget(ev, "change");
	char base[1024], key[96], text[1024], imp[2], urg[2], *desc;
	json_t *b;

	base_url(n, base, sizeof(base));
	ev_key(ev, key, sizeof(key));
	sn_iu(n, ev, imp, urg);
	if (s->step == ST_START)
		s->step = s->ref[0] == '\0' ? ST_LOOKUP : ST_ACTION;
	if (s->step == ST_ACTION) {
		if (strcmp(event, "opened") == 0)
			return DESK_DONE;
		s->step = ST_UPDATE;
	}
	sn_headers(n, r);
	if (s->step == ST_LOOKUP) {
		snprintf(r->url, sizeof(r->url), "%s/api/now/table/incident?"
		    "sysparm_query=correlation_id%%3D%s&sysparm_fields=sys_id"
		    "%%2Cnumber%%2Cstate&sysparm_limit=1", base, key);
		return DESK_CALL;
	}
	if (s->step == ST_CREATE) {
		snprintf(r->url, sizeof(r->url), "%s/api/now/table/incident",
		    base);
		desc = ev_description(ev, s->replaced ? "Reopened after the "
		    "earlier incident was closed." : NULL);
		b = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "short_description",
		    jget(ev_inc(ev), "title"), "description", desc ? desc : "",
		    "impact", imp, "urgency", urg, "correlation_id", key,
		    "correlation_display", "nocwatch");
		free(desc);
		if (n->group != NULL)
			json_object_set_new(b, "assignment_group",
			    json_string(n->group));
		set_body(r, b);
		return DESK_CALL;
	}
	/* ST_UPDATE: one PATCH carries the event. */
	snprintf(r->url, sizeof(r->url), "%s/api/now/table/incident/%s", base,
	    s->ref);
	r->method = "PATCH";
	if (strcmp(event, "resolved") == 0) {
		ev_resolution(ev, text, sizeof(text));
		b = json_pack("{s:s,s:s,s:s}", "state", "6", "close_code",
		    n->close_code ? n->close_code : "Solved (Permanently)",
		    "close_notes", text);
	} else {
		ev_update_text(ev, text, sizeof(text));
		b = json_pack("{s:s,s:s,s:s,s:s}", "work_notes", text, "impact",
		    imp, "urgency", urg, "short_description",
		    jget(ev_inc(ev), "title"));
		if (strcmp(event, "acknowledged") == 0 ||
		    strcmp(change, "reopened") == 0)
			json_object_set_new(b, "state", json_string("2"));
	}
	set_body(r, b);
	return DESK_CALL;
}

static enum desk_verdict
sn_judge(const json_t *ev, struct desk_state *s, long status,
    const json_t *body, char *why, size_t whylen)
{
	const json_t *res = json_object_get(body, "result");

	if (s->step == ST_UPDATE && status == 403 &&
	    strcmp(jget(ev, "change"), "reopened") == 0 && !s->replaced) {
		s->replaced = 1;	/* closed: a new one, which says so */
		s->step = ST_CREATE;
		return DESK_CALL;
	}
	if (status != (s->step == ST_CREATE ? 201 : 200)) {
		snprintf(why, whylen, "ServiceNow answered HTTP %ld to %s",
		    status, s->step == ST_CREATE ? "the new incident" :
		    s->step == ST_LOOKUP ? "the look-up" : "the update");
		return DESK_FAIL;
	}
	if (s->step == ST_LOOKUP || s->step == ST_CREATE) {
		if (json_is_array(res))
			res = json_array_get(res, 0);
		return ref_learned(s, json_string_value(json_object_get(res,
		    "sys_id")), "ServiceNow: no sys_id in the created "
		    "incident", why, whylen);
	}
	return DESK_DONE;
}

/* --- PagerDuty ------------------------------------------------------- */

static enum desk_verdict
pd_next(const struct notify_conf *n, const json_t *ev, struct desk_state *s,
    struct desk_req *r)
{
	static const char *const def[4] = { "critical", "error", "warning",
	    "info" };
	const char *event = jget(ev, "event"), *action = "trigger";
	const json_t *in = ev_inc(ev);
	char key[96], summary[1024];
	json_t *b;
	int p = ev_prio(ev) - 1;

	if (s->step != ST_START)
		return DESK_DONE;
	s->step = ST_ACTION;
	ev_key(ev, key, sizeof(key));
	if (strcmp(event, "acknowledged") == 0)
		action = "acknowledge";
	else if (strcmp(event, "resolved") == 0)
		action = "resolve";
	snprintf(r->url, sizeof(r->url), "%s", n->url);
	add_hdr(r, "Content-Type", "application/json");
	b = json_pack("{s:s,s:s,s:s}", "routing_key", n->api_key,
	    "event_action", action, "dedup_key", key);
	if (strcmp(action, "trigger") == 0) {
		snprintf(summary, sizeof(summary), "%s %s: %s", jget(in,
		    "priority"), jget(in, "cause"), jget(in, "title"));
		json_object_set_new(b, "payload", json_pack(
		    "{s:s,s:s,s:s,s:s,s:s,s:O}", "summary", summary, "source",
		    "nocwatch", "severity", n->prio[p] ? n->prio[p] : def[p],
		    "component", jget(in, "cause"), "class",
		    jget(in, "situation"), "custom_details", in));
		json_object_set_new(b, "client", json_string("nocwatch"));
	}
	set_body(r, b);
	return DESK_CALL;
}

static enum desk_verdict
pd_judge(const json_t *ev, struct desk_state *s, long status,
    char *why, size_t whylen)
{
	char key[96];

	if (status != 202) {
		snprintf(why, whylen, "PagerDuty answered HTTP %ld", status);
		return DESK_FAIL;
	}
	if (s->ref[0] == '\0') {
		ev_key(ev, key, sizeof(key));
		snprintf(s->ref, sizeof(s->ref), "%s", key);
		s->ref_new = 1;
	}
	return DESK_DONE;
}

/* --- Alertmanager ---------------------------------------------------- */

static enum desk_verdict
am_next(const struct notify_conf *n, const json_t *ev, struct desk_state *s,
    struct desk_req *r)
{
	const json_t *in = ev_inc(ev);
	const char *event = jget(ev, "event"), *start = jget(in, "started_at");
	char base[1024], key[96], now[32];
	json_t *a;
	time_t t = time(NULL);
	struct tm tm;

	if (s->step != ST_START || strcmp(event, "acknowledged") == 0)
		return DESK_DONE;	/* Alertmanager has no acknowledgement */
	s->step = ST_ACTION;
	base_url(n, base, sizeof(base));
	snprintf(r->url, sizeof(r->url), "%s/api/v2/alerts", base);
	add_hdr(r, "Content-Type", "application/json");
	ev_key(ev, key, sizeof(key));
	a = json_pack("{s:{s:s,s:s,s:s,s:s,s:s,s:s},s:{s:s,s:s},s:s}",
	    "labels", "alertname", "NocwatchIncident", "incident", key,
	    "priority", jget(in, "priority"), "cause", jget(in, "cause"),
	    "situation", jget(in, "situation"), "site", json_string_value(
	    json_array_get(json_object_get(in, "sites"), 0)) ?
	    json_string_value(json_array_get(json_object_get(in, "sites"), 0)) :
	    "", "annotations", "summary", jget(in, "title"), "description",
	    jget(ev, "detail"), "startsAt", start[0] ? start :
	    jget(in, "opened_at"));
	if (strcmp(event, "resolved") == 0 && gmtime_r(&t, &tm) != NULL) {
		strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", &tm);
		json_object_set_new(a, "endsAt", json_string(now));
	}
	set_body(r, json_pack("[o]", a));
	return DESK_CALL;
}

/* --- e-mail ---------------------------------------------------------- */

/* A header's text: control characters out; RFC 2047 encoded-word when it
 * is not plain ASCII. */
static void
mail_header_text(const char *in, char *out, size_t len)
{
	char clean[400], b64[560];
	size_t i, n = 0;
	int ascii = 1;

	for (i = 0; in[i] != '\0' && n + 1 < sizeof(clean); i++) {
		unsigned char c = (unsigned char)in[i];

		clean[n++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
		ascii &= c < 0x80;
	}
	clean[n] = '\0';
	if (ascii) {
		snprintf(out, len, "%s", clean);
		return;
	}
	EVP_EncodeBlock((unsigned char *)b64, (unsigned char *)clean, (int)n);
	snprintf(out, len, "=?UTF-8?B?%s?=", b64);
}

/* text with every line ending CRLF, other control characters out. */
static size_t
mail_body_append(char *out, size_t cap, size_t n, const char *text)
{
	for (; *text != '\0' && n + 3 < cap; text++) {
		unsigned char c = (unsigned char)*text;

		if (c == '\n') {
			out[n++] = '\r';
			out[n++] = '\n';
		} else if (c >= 0x20 || c == '\t')
			out[n++] = (char)c;
	}
	out[n] = '\0';
	return n;
}

char *
desk_mail(const struct notify_conf *n, const json_t *ev, const char *key)
{
	const json_t *in = ev_inc(ev);
	const char *event = jget(ev, "event");
	char subj[600], title[400], to[1024], date[64], line[1200], *desc, *out;
	size_t i, k = 0, cap = 16384;
	time_t t = time(NULL);
	struct tm tm;

	snprintf(title, sizeof(title), "[nocwatch] %s %s: %s", jget(in,
	    "priority"), strcmp(event, "sla-breach") == 0 ? "SLA BREACH" :
	    strcmp(event, "resolved") == 0 ? "RESOLVED" : event,
	    jget(in, "title"));
	mail_header_text(title, subj, sizeof(subj));
	to[0] = '\0';
	for (i = 0; i < n->nmail_to; i++)
		k += (size_t)snprintf(to + k, sizeof(to) - k, "%s%s", i ?
		    ", " : "", n->mail_to[i]);
	gmtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	if ((out = malloc(cap)) == NULL)
		return NULL;
	k = (size_t)snprintf(out, cap, "Date: %s\r\nFrom: %s\r\nTo: %s\r\n"
	    "Subject: %s\r\nMessage-ID: <%s@nocwatch>\r\nMIME-Version: 1.0"
	    "\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\nAuto-Submitted: "
	    "auto-generated\r\n\r\n", date, n->mail_from, to, subj, key);
	snprintf(line, sizeof(line), "Event: %s. %s\nState: %s. SLA: respond "
	    "by %s, resolve by %s.\n", event, jget(ev, "detail"),
	    jget(in, "state"), jget(in, "sla_respond_by"),
	    jget(in, "sla_resolve_by"));
	k = mail_body_append(out, cap, k, line);
	if (strcmp(event, "resolved") == 0) {
		ev_resolution(ev, line, sizeof(line));
		k = mail_body_append(out, cap, k, line);
		k = mail_body_append(out, cap, k, "\n");
	}
	k = mail_body_append(out, cap, k, "\n");
	desc = ev_description(ev, NULL);
	mail_body_append(out, cap, k, desc ? desc : "");
	free(desc);
	return out;
}

/* --- the interface --------------------------------------------------- */

enum desk_verdict
desk_next(const struct notify_conf *n, const json_t *ev, struct desk_state *s,
    struct desk_req *r, char *why, size_t whylen)
{
	desk_req_clear(r);
	(void)why;
	(void)whylen;
	switch (n->type) {
	case NOTIFY_HORNBILL:
		return hb_next(n, ev, s, r);
	case NOTIFY_SERVICENOW:
		return sn_next(n, ev, s, r);
	case NOTIFY_PAGERDUTY:
		return pd_next(n, ev, s, r);
	case NOTIFY_ALERTMANAGER:
		return am_next(n, ev, s, r);
	default:
		return DESK_DONE;
	}
}

enum desk_verdict
desk_judge(const struct notify_conf *n, const json_t *ev, struct desk_state *s,
    const struct http_reply *rep, char *why, size_t whylen)
{
	long st = rep->status;
	json_t *body;
	enum desk_verdict v;

	/* What every HTTP API means the same way. */
	if (st == 0 || st == 408 || st == 429 || st >= 500) {
		snprintf(why, whylen, st == 0 ? "no answer" : "HTTP %ld", st);
		return DESK_RETRY;
	}
	if (st == 401 || st == 403) {
		if (!(n->type == NOTIFY_SERVICENOW && st == 403 &&
		    s->step == ST_UPDATE)) {
			snprintf(why, whylen, "HTTP %ld: the credentials were "
			    "refused", st);
			return DESK_FAIL;
		}
	}
	body = rep->body != NULL ? json_loads(rep->body, 0, NULL) : NULL;
	switch (n->type) {
	case NOTIFY_HORNBILL:
		if (st != 200 || body == NULL) {
			snprintf(why, whylen, "Hornbill answered HTTP %ld%s",
			    st, body == NULL ? " without JSON" : "");
			v = st == 200 ? DESK_RETRY : DESK_FAIL;
		} else
			v = hb_judge(n, ev, s, body, why, whylen);
		break;
	case NOTIFY_SERVICENOW:
		v = sn_judge(ev, s, st, body, why, whylen);
		break;
	case NOTIFY_PAGERDUTY:
		v = pd_judge(ev, s, st, why, whylen);
		break;
	case NOTIFY_ALERTMANAGER:
		if (st == 200)
			v = DESK_DONE;
		else {
			snprintf(why, whylen, "Alertmanager answered HTTP %ld",
			    st);
			v = DESK_FAIL;
		}
		break;
	default:
		v = DESK_DONE;
	}
	json_decref(body);
	return v;
}

json_t *
desk_test_event(void)
{
	char key[64], when[32];
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(key, sizeof(key), "nocwatch-test-%lld", (long long)t);
	return json_pack("{s:s,s:s,s:s,s:s,s:{s:i,s:s,s:s,s:s,s:s,s:[],s:[],"
	    "s:s,s:s},s:[s]}", "event", "opened", "change", "opened", "detail",
	    "a test event from nocwatch notify test", "test_key", key,
	    "incident", "id", 0, "priority", "P4", "cause", "test",
	    "situation", "test", "title", "nocwatch test event: please close",
	    "sites", "devices", "started_at", when, "opened_at", when,
	    "evidence", "sent by `nocwatch notify test`");
}
