/*
 * The service desk connectors' requests and their judgement of answers,
 * without a network: Hornbill's @status (not the HTTP status), "already
 * resolved", a look-up's row as an object or an array, ServiceNow's 201,
 * PagerDuty's 202, what is retried and what is a dead letter, and e-mail
 * headers that a hostile title cannot break.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "desk.h"
#include "http.h"
#include "unit.h"

static json_t *
event(const char *ev, const char *change, const char *title)
{
	return json_pack("{s:s,s:s,s:s,s:{s:i,s:s,s:s,s:s,s:s,s:[s],s:[s],"
	    "s:s,s:s,s:f},s:[s]}", "event", ev, "change", change, "detail",
	    "P3 -> P1", "incident", "id", 42, "priority", "P1", "cause",
	    "fibre-cut", "situation", "site-down", "title", title, "sites",
	    "library", "devices", "lib-rtr", "started_at",
	    "2026-12-03T10:00:00Z", "opened_at", "2026-12-03T10:00:03Z",
	    "duration_s", 125.0, "evidence", "core ge-0/0/1 down");
}

static enum desk_verdict
answer(const struct notify_conf *n, json_t *ev, struct desk_state *s,
    long status, const char *body)
{
	struct http_reply r = { status, body ? strdup(body) : NULL,
	    body ? strlen(body) : 0, 0 };
	char why[300];
	enum desk_verdict v = desk_judge(n, ev, s, &r, why, sizeof(why));

	free(r.body);
	return v;
}

static void
hornbill(void)
{
	struct notify_conf n;
	struct desk_state s;
	struct desk_req r;
	json_t *ev = event("opened", "opened", "library cut off");
	char why[100];

	memset(&n, 0, sizeof(n));
	memset(&s, 0, sizeof(s));
	memset(&r, 0, sizeof(r));
	n.type = NOTIFY_HORNBILL;
	n.url = "https://hb.example/council/";
	n.api_key = "k3y";
	n.prio[0] = "1";
	CHECK(desk_next(&n, ev, &s, &r, why, sizeof(why)) == DESK_CALL,
	    "hornbill: an opening without a reference looks it up first");
	CHECK(strstr(r.url, "/council/xmlmc/data/?method=entityBrowseRecords2")
	    != NULL, "  at data::entityBrowseRecords2");
	CHECK(strcmp(r.hdr[2], "Authorization: ESP-APIKEY k3y") == 0,
	    "  with the API key header");
	CHECK(strstr(r.body, "\"h_custom_a\"") && strstr(r.body,
	    "nocwatch-incident-42"), "  for our key in the key field");
	CHECK(answer(&n, ev, &s, 200, "{\"@status\":true,\"params\":{}}") ==
	    DESK_CALL && s.step == 2, "  nothing found: create");
	desk_next(&n, ev, &s, &r, why, sizeof(why));
	CHECK(strstr(r.url, "Incidents/?method=logIncident") &&
	    strstr(r.body, "\"priorityId\":\"1\""),
	    "  logIncident with the mapped priorityId");
	CHECK(answer(&n, ev, &s, 200, "{\"@status\":false,\"state\":{"
	    "\"error\":\"bad priority\"}}") == DESK_FAIL,
	    "  HTTP 200 with @status false is a failure (a dead letter)");
	CHECK(answer(&n, ev, &s, 200, "<html>proxy</html>") == DESK_RETRY,
	    "  a 200 that is not JSON is tried again");
	CHECK(answer(&n, ev, &s, 429, NULL) == DESK_RETRY &&
	    answer(&n, ev, &s, 503, NULL) == DESK_RETRY &&
	    answer(&n, ev, &s, 0, NULL) == DESK_RETRY,
	    "  429, 503, no answer: tried again");
	CHECK(answer(&n, ev, &s, 401, NULL) == DESK_FAIL,
	    "  401: a dead letter");
	CHECK(answer(&n, ev, &s, 200, "{\"@status\":true,\"params\":{"
	    "\"requestId\":\"IN00000042\"}}") == DESK_CALL && s.ref_new &&
	    strcmp(s.ref, "IN00000042") == 0, "  its requestId is kept");
	CHECK(desk_next(&n, ev, &s, &r, why, sizeof(why)) == DESK_DONE,
	    "  and the opening is done");
	json_decref(ev);

	/* A look-up that finds it: rowData.row as an object. */
	ev = event("resolved", "resolved", "library cut off");
	memset(&s, 0, sizeof(s));
	desk_next(&n, ev, &s, &r, why, sizeof(why));
	CHECK(answer(&n, ev, &s, 200, "{\"@status\":true,\"params\":{"
	    "\"rowData\":{\"row\":{\"h_pk_reference\":\"IN7\"}}}}") ==
	    DESK_CALL && strcmp(s.ref, "IN7") == 0,
	    "hornbill: a found request (one row, an object) is used");
	CHECK(desk_next(&n, ev, &s, &r, why, sizeof(why)) == DESK_CALL &&
	    strstr(r.url, "Requests/?method=resolveRequest") &&
	    strstr(r.body, "\"resolutionText\":\"") && strstr(r.body,
	    "Outage 125 s"), "  resolveRequest with the outage's duration "
	    "as its resolutionText");
	CHECK(answer(&n, ev, &s, 200, "{\"@status\":true,\"params\":{"
	    "\"exceptionName\":\"requestAlreadyResolved\"}}") == DESK_DONE,
	    "  exceptionName requestAlreadyResolved counts as delivered");
	CHECK(answer(&n, ev, &s, 200, "{\"@status\":false,\"state\":{"
	    "\"error\":\"The request IN7 is already resolved\"}}") ==
	    DESK_DONE, "  so does an \"already resolved\" error");
	CHECK(answer(&n, ev, &s, 200, "{\"@status\":true,\"params\":{"
	    "\"exceptionName\":\"notAllowedToResolveRequest\"}}") ==
	    DESK_FAIL, "  any other exceptionName (with @status true) is a "
	    "refusal");
	desk_req_clear(&r);
	json_decref(ev);

	/* A priority change: the timeline, then escalateRequest. */
	ev = event("updated", "priority", "library cut off");
	memset(&s, 0, sizeof(s));
	strcpy(s.ref, "IN7");
	desk_next(&n, ev, &s, &r, why, sizeof(why));
	CHECK(strstr(r.url, "method=updateReqTimeline") && strstr(r.body,
	    "\"content\":\""), "hornbill: a priority change is told on "
	    "the timeline");
	CHECK(answer(&n, ev, &s, 200, "{\"@status\":true,\"params\":{"
	    "\"activityId\":\"a1\"}}") == DESK_CALL &&
	    desk_next(&n, ev, &s, &r, why, sizeof(why)) == DESK_CALL &&
	    strstr(r.url, "Requests/?method=escalateRequest") &&
	    strstr(r.body, "\"priorityId\":\"1\"") && strstr(r.body,
	    "\"escalationNote\":\""), "  then escalateRequest with the "
	    "mapped priorityId and a note");
	CHECK(answer(&n, ev, &s, 200, "{\"@status\":true,\"params\":{"
	    "\"exceptionName\":\"priorityNotFound\",\"exceptionDescription"
	    "\":\"no such priority\"}}") == DESK_FAIL,
	    "  an escalation refused by exceptionName is a dead letter");
	json_decref(ev);

	/* A reopening: smUpdateStatus; refused, a new request says so. */
	ev = event("updated", "reopened", "library cut off");
	memset(&s, 0, sizeof(s));
	strcpy(s.ref, "IN7");
	desk_next(&n, ev, &s, &r, why, sizeof(why));
	CHECK(strstr(r.url, "Requests/?method=smUpdateStatus") &&
	    strstr(r.body, "\"status\":\"status.open\""),
	    "hornbill: a reopening sets the request's status back to open");
	CHECK(answer(&n, ev, &s, 200, "{\"@status\":true,\"params\":{"
	    "\"exceptionName\":\"requestClosed\"}}") == DESK_CALL &&
	    s.replaced && desk_next(&n, ev, &s, &r, why, sizeof(why)) ==
	    DESK_CALL && strstr(r.url, "method=logIncident") &&
	    strstr(r.body, "IN7 was closed"), "  refused (closed): a new "
	    "request that names the old one");
	desk_req_clear(&r);
	json_decref(ev);
}

static void
others(void)
{
	struct notify_conf n;
	struct desk_state s;
	struct desk_req r;
	json_t *ev = event("updated", "priority", "library cut off");
	char why[100];

	memset(&n, 0, sizeof(n));
	memset(&s, 0, sizeof(s));
	memset(&r, 0, sizeof(r));
	n.type = NOTIFY_SERVICENOW;
	n.url = "https://sn.example";
	n.user = "u";
	n.password = "p";
	desk_next(&n, ev, &s, &r, why, sizeof(why));
	CHECK(r.body == NULL && strstr(r.url, "sysparm_query=correlation_id"
	    "%3Dnocwatch-incident-42"), "servicenow: looked up by "
	    "correlation_id");
	CHECK(strcmp(r.hdr[2], "Authorization: Basic dTpw") == 0,
	    "  basic authentication");
	CHECK(answer(&n, ev, &s, 200, "{\"result\":[{\"sys_id\":\"abc\"}]}") ==
	    DESK_CALL && strcmp(s.ref, "abc") == 0, "  found: its sys_id");
	desk_next(&n, ev, &s, &r, why, sizeof(why));
	CHECK(r.method && strcmp(r.method, "PATCH") == 0 && strstr(r.url,
	    "/incident/abc") && strstr(r.body, "\"impact\":\"1\""),
	    "  the update is a PATCH with P1's impact");
	CHECK(answer(&n, ev, &s, 200, "{\"result\":{}}") == DESK_DONE,
	    "  200: delivered");
	memset(&s, 0, sizeof(s));
	s.step = 2;	/* a creation */
	CHECK(answer(&n, ev, &s, 200, "{\"result\":{\"sys_id\":\"x\"}}") ==
	    DESK_FAIL, "  a creation answered 200, not 201, is not taken");

	memset(&n, 0, sizeof(n));
	memset(&s, 0, sizeof(s));
	n.type = NOTIFY_PAGERDUTY;
	n.url = "https://pd.example/v2/enqueue";
	n.api_key = "RKEY";
	desk_next(&n, ev, &s, &r, why, sizeof(why));
	CHECK(strstr(r.body, "\"event_action\":\"trigger\"") &&
	    strstr(r.body, "\"severity\":\"critical\"") && strstr(r.body,
	    "\"dedup_key\":\"nocwatch-incident-42\""),
	    "pagerduty: an update triggers again, P1 critical, our dedup_key");
	CHECK(answer(&n, ev, &s, 200, "{}") == DESK_FAIL &&
	    answer(&n, ev, &s, 202, "{\"status\":\"success\"}") == DESK_DONE,
	    "  only 202 is success");
	desk_req_clear(&r);
	json_decref(ev);
}

static void
mail(void)
{
	struct notify_conf n;
	char *to[] = { "noc@c.example", NULL }, *end = NULL;
	json_t *ev = event("opened", "opened",
	    "lib\r\nBcc: everyone@x.example\r\n\xc3\xa9");
	char *m;

	memset(&n, 0, sizeof(n));
	n.type = NOTIFY_EMAIL;
	n.mail_from = "nocwatch@noc.example";
	n.mail_to = to;
	n.nmail_to = 1;
	m = desk_mail(&n, ev, "nocwatch-42-7");
	if (m != NULL && (end = strstr(m, "\r\n\r\n")) != NULL)
		*end = '\0';	/* the headers alone, for a moment */
	CHECK(m != NULL && end != NULL && strstr(m, "Bcc:") == NULL,
	    "mail: a title's CR LF cannot add a header");
	if (end != NULL)
		*end = '\r';
	CHECK(m != NULL && strstr(m, "Subject: =?UTF-8?B?") != NULL,
	    "  a non-ASCII subject is an encoded-word");
	CHECK(m != NULL && strstr(m, "Message-ID: <nocwatch-42-7@nocwatch>")
	    != NULL, "  the Message-ID is the idempotency key");
	CHECK(m != NULL && strstr(m, "\r\n\r\n") != NULL &&
	    strstr(m, "nocwatch key: nocwatch-incident-42\r\n") != NULL,
	    "  a body after a blank line, CRLF lines");
	free(m);
	json_decref(ev);
	/* All ASCII: the subject is the text itself, its CR LF made spaces. */
	ev = event("opened", "opened", "lib\r\nBcc: everyone@x.example");
	m = desk_mail(&n, ev, "nocwatch-42-8");
	end = m != NULL ? strstr(m, "\r\n\r\n") : NULL;
	if (end != NULL)
		*end = '\0';
	CHECK(m != NULL && end != NULL && strstr(m, "\nBcc:") == NULL &&
	    strstr(m, "lib  Bcc: everyone") != NULL,
	    "  an ASCII title's CR LF stay inside the subject");
	free(m);
	json_decref(ev);
}

int
main(void)
{
	hornbill();
	others();
	mail();
	return unit_done();
}
