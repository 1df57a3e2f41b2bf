/*
 * `nocwatch outbox list|retry ID`: the dead letters (notifications a
 * channel refused for good) and putting one back in the queue once the
 * cause is fixed, through the daemon's control socket.
 * `nocwatch notify test CHANNEL -f CONFIG`: one test event sent on a
 * configured channel, every call and the answer printed; run here, with
 * the daemon's own connector code, not by the daemon.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <jansson.h>

#include "commands.h"
#include "config.h"
#include "desk.h"
#include "escape.h"
#include "http.h"
#include "notify.h"
#include "threshold.h"

static const char outbox_usage[] =
"usage: nocwatch outbox list [--json] [--socket PATH | -f CONFIG]\n"
"       nocwatch outbox retry ID [--socket PATH | -f CONFIG]\n"
"       nocwatch notify test CHANNEL -f CONFIG\n"
"  list       notifications given up for good (dead letters)\n"
"  retry ID   send dead letter ID again, and the events held behind it\n"
"  CHANNEL    hornbill, servicenow, pagerduty, alertmanager or webhook (the\n"
"             first of that kind in CONFIG), or its URL\n";

struct ob_opts {
	const char	*sock;
	struct config	*conf;
	int		 json;
};

static int
ob_parse(int argc, char **argv, struct ob_opts *o)
{
	static const struct option lo[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "f:jh", lo, NULL)) != -1) {
		if (ch == 'j')
			o->json = 1;
		else if (ch == 'S')
			o->sock = optarg;
		else if (ch == 'f') {
			config_free(o->conf);
			o->conf = config_load(optarg);
			if (o->conf->nerrors > 0) {
				fprintf(stderr, "nocwatch: %s\n",
				    o->conf->errors[0]);
				return STATUS_UNKNOWN;
			}
			o->sock = o->conf->control;
		} else if (ch == 'h') {
			fputs(outbox_usage, stdout);
			return -1;
		} else {
			fputs(outbox_usage, stderr);
			return STATUS_UNKNOWN;
		}
	}
	return 0;
}

static void
ob_print(json_t *dead)
{
	char a[300], b[300];
	size_t i;

	if (json_array_size(dead) == 0) {
		printf("no dead letters\n");
		return;
	}
	printf("%-6s %-9s %-13s %-8s %s\n", "id", "incident", "event",
	    "attempts", "channel: last error");
	for (i = 0; i < json_array_size(dead); i++) {
		json_t *d = json_array_get(dead, i);
		const char *ch = json_string_value(json_object_get(d,
		    "channel")), *er = json_string_value(json_object_get(d,
		    "error"));

		printf("%-6lld %-9lld %-13s %-8lld %s: %s\n",
		    json_integer_value(json_object_get(d, "id")),
		    json_integer_value(json_object_get(d, "incident")),
		    json_string_value(json_object_get(d, "event")) ?
		    json_string_value(json_object_get(d, "event")) : "?",
		    json_integer_value(json_object_get(d, "attempts")),
		    str_escape(a, sizeof(a), ch ? ch : "", ch ? strlen(ch) : 0),
		    str_escape(b, sizeof(b), er ? er : "", er ? strlen(er) : 0));
	}
}

static int
cmd_outbox(int argc, char **argv)
{
	struct ob_opts o;
	json_t *rep;
	long long id;
	char *end;
	int rc;

	if ((rc = ob_parse(argc, argv, &o)) != 0)
		return rc == -1 ? 0 : rc;
	rc = 0;
	if (optind < argc && strcmp(argv[optind], "list") == 0 &&
	    optind + 1 == argc) {
		if ((rep = control_call(o.sock, json_pack("{s:s}", "cmd",
		    "outbox-list"), &rc)) != NULL) {
			if (o.json)
				json_dumpf(json_object_get(rep, "dead"), stdout,
				    JSON_INDENT(2));
			else
				ob_print(json_object_get(rep, "dead"));
			if (o.json)
				putchar('\n');
		}
	} else if (optind + 2 == argc && strcmp(argv[optind], "retry") == 0 &&
	    (id = strtoll(argv[optind + 1], &end, 10)) > 0 && *end == '\0') {
		if ((rep = control_call(o.sock, json_pack("{s:s,s:I}", "cmd",
		    "outbox-retry", "id", (json_int_t)id), &rc)) != NULL)
			printf("dead letter %lld queued again\n", id);
	} else {
		fputs(outbox_usage, stderr);
		rc = STATUS_UNKNOWN;
		rep = NULL;
	}
	json_decref(rep);
	config_free(o.conf);
	return rc;
}

const struct cmd_entry cmd_outbox_entry = {
	"outbox", "list|retry ID",
	"dead letters: notifications given up", cmd_outbox
};

/* --- notify test ----------------------------------------------------- */

struct nt_run {
	struct event_base	*base;
	struct http_engine	*http;
	const struct notify_conf *c;
	json_t			*ev;
	struct desk_state	 ds;
	struct desk_req		 req;
	struct http_reply	 rep;
	int			 rc, calls;
};

static void	nt_step(struct nt_run *);

static const char *
jtest_key(const json_t *ev)
{
	const char *k = json_string_value(json_object_get(ev, "test_key"));

	return k != NULL ? k : "nocwatch-test";
}

static void
nt_done(const struct probe_result *r, void *arg)
{
	struct nt_run *t = arg;
	char why[300] = "", body[600];
	enum desk_verdict v;

	printf("  answer: HTTP %ld %s\n", t->rep.status, t->rep.status == 0 ?
	    r->detail : str_escape(body, sizeof(body), t->rep.body ?
	    t->rep.body : "", t->rep.len > 500 ? 500 : t->rep.len));
	v = t->c->type == NOTIFY_EMAIL ? (r->outcome == PROBE_OK ? DESK_DONE :
	    DESK_FAIL) : t->c->type == NOTIFY_WEBHOOK ? (t->rep.status >= 200 &&
	    t->rep.status < 300 ? DESK_DONE : DESK_FAIL) :
	    desk_judge(t->c, t->ev, &t->ds, &t->rep, why, sizeof(why));
	free(t->rep.body);
	memset(&t->rep, 0, sizeof(t->rep));
	if (v == DESK_CALL) {
		nt_step(t);
		return;
	}
	if (v == DESK_DONE) {
		printf("delivered%s%s\n", t->ds.ref[0] ? ": " : "", t->ds.ref);
		t->rc = 0;
	} else
		printf("NOT delivered (%s): %s\n", v == DESK_RETRY ?
		    "would be retried" : "a dead letter", why[0] ? why :
		    "refused");
	event_base_loopexit(t->base, NULL);
}

static void
nt_step(struct nt_run *t)
{
	const char *hdrs[DESK_MAX_HEADERS + 1] = { NULL };
	struct http_params p = { .timeout_ms = t->c->timeout_ms, .insecure =
	    t->c->insecure, .ca_file = t->c->ca_file, .headers = hdrs,
	    .reply = &t->rep };
	char why[300] = "";
	enum desk_verdict v;
	int i;

	if (t->c->type == NOTIFY_EMAIL) {
		char **rcpt = calloc(t->c->nmail_to + 1, sizeof(*rcpt));
		size_t k;

		if (t->calls++ > 0 || rcpt == NULL) {
			free(rcpt);
			event_base_loopexit(t->base, NULL);
			return;
		}
		for (k = 0; k < t->c->nmail_to; k++)
			rcpt[k] = t->c->mail_to[k];
		desk_req_clear(&t->req);
		t->req.body = desk_mail(t->c, t->ev, jtest_key(t->ev));
		p.post_body = t->req.body;
		p.mail_from = t->c->mail_from;
		p.mail_rcpt = (const char *const *)rcpt;
		p.mail_plain = t->c->mail_plain;
		p.user = t->c->user;
		p.password = t->c->password;
		printf("SMTP %s to %zu recipient(s)\n", t->c->url,
		    t->c->nmail_to);
		http_probe_start(t->http, t->c->url, &p, nt_done, t);
		free(rcpt);
		return;
	}
	if (t->c->type == NOTIFY_WEBHOOK) {
		if (t->calls++ > 0) {
			event_base_loopexit(t->base, NULL);
			return;
		}
		desk_req_clear(&t->req);
		snprintf(t->req.url, sizeof(t->req.url), "%s", t->c->url);
		snprintf(t->req.hdr[t->req.nhdr++], sizeof(t->req.hdr[0]),
		    "Content-Type: application/json");
		t->req.body = json_dumps(t->ev, JSON_COMPACT);
		v = DESK_CALL;
	} else
		v = desk_next(t->c, t->ev, &t->ds, &t->req, why, sizeof(why));
	if (v != DESK_CALL || t->req.url[0] == '\0' || ++t->calls > 8) {
		if (v == DESK_DONE)
			t->rc = 0;
		if (v == DESK_DONE)
			printf("delivered%s%s\n", t->ds.ref[0] ? ": " : "",
			    t->ds.ref);
		else
			printf("could not build the request\n");
		event_base_loopexit(t->base, NULL);
		return;
	}
	for (i = 0; i < t->req.nhdr; i++)
		hdrs[i] = t->req.hdr[i];
	p.post_body = t->req.body;
	p.method = t->req.method;
	printf("%s %s\n", t->req.method ? t->req.method : t->req.body ?
	    "POST" : "GET", t->req.url);
	http_probe_start(t->http, t->req.url, &p, nt_done, t);
}

static const struct notify_conf *
nt_channel(const struct config *c, const char *want)
{
	size_t i;

	for (i = 0; i < c->nnotifies; i++) {
		if (strcmp(c->notifies[i].name, want) == 0 ||
		    (c->notifies[i].url != NULL &&
		    strcmp(c->notifies[i].url, want) == 0))
			return &c->notifies[i];
	}
	return NULL;
}

static int
cmd_notify(int argc, char **argv)
{
	struct ob_opts o;
	struct nt_run t;
	int rc;

	if ((rc = ob_parse(argc, argv, &o)) != 0)
		return rc == -1 ? 0 : rc;
	if (optind + 2 != argc || strcmp(argv[optind], "test") != 0 ||
	    o.conf == NULL) {
		fputs(outbox_usage, stderr);
		config_free(o.conf);
		return STATUS_UNKNOWN;
	}
	memset(&t, 0, sizeof(t));
	if ((t.c = nt_channel(o.conf, argv[optind + 1])) == NULL ||
	    (t.c->type != NOTIFY_WEBHOOK && t.c->type < NOTIFY_HORNBILL)) {
		fprintf(stderr, "nocwatch: no webhook or service desk channel "
		    "'%.100s' in the configuration\n", argv[optind + 1]);
		config_free(o.conf);
		return STATUS_UNKNOWN;
	}
	t.rc = STATUS_CRITICAL;
	t.base = event_base_new();
	t.http = http_engine_new(t.base);
	t.ev = desk_test_event();
	nt_step(&t);
	event_base_dispatch(t.base);
	desk_req_clear(&t.req);
	json_decref(t.ev);
	http_engine_free(t.http);
	event_base_free(t.base);
	config_free(o.conf);
	return t.rc;
}

const struct cmd_entry cmd_notify_entry = {
	"notify", "test CHANNEL -f CONFIG",
	"send a test event to a service desk", cmd_notify
};
