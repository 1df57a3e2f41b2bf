/*
 * The incident engine's configuration: incidents, SLAs per priority,
 * notification channels and their service desks.  Grammar:
 *
 *   state-db "/var/lib/nocwatch/nocwatch.db"
 *   incidents { correlation-window 5s  hold-down 30s  reopen-window 15m
 *               flapping 30% 15%  wifi-ap-down 30%
 *               wifi-ap-forget 1d  wifi-ap-rejoin 5m }
 *   priority { site-down P1  redundancy-degraded P3  on-battery P2 ... }
 *   sla P1 { respond 15m  resolve 4h }
 *   notify webhook "https://desk.example/hook" { token $t  timeout 10s }
 *   notify exec "/usr/local/libexec/ticket" { args { "--queue" "noc" } }
 *   notify syslog
 *
 * and, inside a site or a device, "priority SITUATION Pn" overrides.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "config.h"
#include "config_int.h"
#include "oids.h"
#include "parse.h"
#include "xmalloc.h"

static const char *const situation_names[SIT_MAX] = {
	[SIT_SITE_DOWN] = "site-down", [SIT_REDUNDANCY] = "redundancy-degraded",
	[SIT_ON_BATTERY] = "on-battery", [SIT_WIFI] = "wifi-degraded",
	[SIT_DEVICE_DOWN] = "device-down", [SIT_LINK_DEGRADED] = "link-degraded",
	[SIT_SERVICE_DOWN] = "service-down",
};

const char *
situation_name(enum situation s)
{
	return (unsigned)s < SIT_MAX ? situation_names[s] : "?";
}

int
situation_parse(const char *s)
{
	int i;

	for (i = 0; i < SIT_MAX; i++)
		if (strcmp(s, situation_names[i]) == 0)
			return i;
	return -1;
}

void
cf_incident_defaults(struct incident_conf *ic)
{
	static const int prio[SIT_MAX] = { 1, 3, 2, 2, 3, 4, 3 };
	static const double respond[5] = { 0, 15, 30, 240, 1440 };
	static const double resolve[5] = { 0, 240, 480, 4320, 7200 };
	int i;

	ic->correlation_ms = 5000;
	ic->hold_down_ms = 30000;
	ic->reopen_ms = 15 * 60000;
	ic->flap_high = 30;
	ic->flap_low = 15;
	ic->wifi_ap_down_pct = 30;
	ic->wifi_ap_forget_ms = 86400000;
	ic->wifi_ap_rejoin_ms = 5 * 60000;
	memcpy(ic->priority, prio, sizeof(prio));
	for (i = 1; i <= 4; i++) {
		ic->sla_respond_ms[i] = respond[i] * 60000;
		ic->sla_resolve_ms[i] = resolve[i] * 60000;
	}
}

/* "P1".."P4" into 1..4; -1 with an error. */
static int
priority_value(struct parser *p)
{
	char *v = cf_value(p, "a priority (P1 to P4)");
	int n = -1;

	if (v != NULL && (v[0] == 'P' || v[0] == 'p') && v[1] >= '1' &&
	    v[1] <= '4' && v[2] == '\0')
		n = v[1] - '0';
	else if (v != NULL)
		ERR(p, "priority must be P1, P2, P3 or P4, not '%.20s'", v);
	free(v);
	return n;
}

/* "SITUATION Pn" into prio[]; the situation word is p->text. */
int
cf_priority_rule(struct parser *p, int *prio)
{
	int s = situation_parse(p->text), n;

	if (s < 0) {
		ERR(p, "unknown situation '%s' (site-down, redundancy-degraded, "
		    "on-battery, wifi-degraded, device-down, link-degraded, "
		    "service-down)", p->text);
		return -1;
	}
	if ((n = priority_value(p)) < 0)
		return -1;
	prio[s] = n;
	return 0;
}

static void
priority_block(struct parser *p, int *prio)
{
	if (cf_expect_lbrace(p, "priority") == -1)
		return;
	while (cf_next(p) == T_WORD)
		if (cf_priority_rule(p, prio) == -1) {
			cf_resync(p, 1);
			return;
		}
	if (p->tok != T_RBRACE) {
		ERR(p, "'}' expected after the priorities");
		cf_resync(p, 1);
	}
}

static int
percent(struct parser *p, const char *what, double *out)
{
	char *v = cf_value(p, what), *end;
	double x;
	int rc = -1;

	if (v == NULL)
		return -1;
	x = strtod(v, &end);
	if (end == v || (*end != '\0' && strcmp(end, "%") != 0) || x < 0 ||
	    x > 100)
		ERR(p, "%s: '%.20s' is not a percentage", what, v);
	else {
		*out = x;
		rc = 0;
	}
	free(v);
	return rc;
}

static void
incidents_block(struct parser *p, struct incident_conf *ic)
{
	int rc;

	if (cf_expect_lbrace(p, "incidents") == -1)
		return;
	while (cf_next(p) == T_WORD) {
		if (strcmp(p->text, "correlation-window") == 0)
			rc = cf_duration(p, "correlation-window", 0, 600000,
			    &ic->correlation_ms);
		else if (strcmp(p->text, "hold-down") == 0)
			rc = cf_duration(p, "hold-down", 0, 3600000,
			    &ic->hold_down_ms);
		else if (strcmp(p->text, "reopen-window") == 0)
			rc = cf_duration(p, "reopen-window", 0, 86400000,
			    &ic->reopen_ms);
		else if (strcmp(p->text, "wifi-ap-down") == 0)
			rc = percent(p, "wifi-ap-down", &ic->wifi_ap_down_pct);
		else if (strcmp(p->text, "wifi-ap-forget") == 0)
			rc = cf_duration(p, "wifi-ap-forget", 60000, 90 * 86400000.0,
			    &ic->wifi_ap_forget_ms);
		else if (strcmp(p->text, "wifi-ap-rejoin") == 0)
			rc = cf_duration(p, "wifi-ap-rejoin", 0, 3600000,
			    &ic->wifi_ap_rejoin_ms);
		else if (strcmp(p->text, "flapping") == 0) {
			rc = percent(p, "flapping (high)", &ic->flap_high);
			if (rc == 0)
				rc = percent(p, "flapping (low)", &ic->flap_low);
			if (rc == 0 && ic->flap_low >= ic->flap_high)
				ERR(p, "flapping: the low mark must be under "
				    "the high one");
		} else {
			ERR(p, "unknown incidents setting '%s'", p->text);
			rc = -1;
		}
		if (rc == -1) {
			cf_resync(p, 1);
			return;
		}
	}
	if (p->tok != T_RBRACE) {
		ERR(p, "'}' expected after the incident settings");
		cf_resync(p, 1);
	}
}

/* sla Pn { respond DURATION resolve DURATION } */
static void
sla_rule(struct parser *p, struct incident_conf *ic)
{
	int n = priority_value(p), rc = 0;
	double x;

	if (n < 0 || cf_expect_lbrace(p, "the priority") == -1) {
		cf_resync(p, 0);
		return;
	}
	while (rc == 0 && cf_next(p) == T_WORD) {
		if (strcmp(p->text, "respond") == 0 &&
		    (rc = cf_duration(p, "respond", 1000, 864000000, &x)) == 0)
			ic->sla_respond_ms[n] = x;
		else if (strcmp(p->text, "resolve") == 0 &&
		    (rc = cf_duration(p, "resolve", 1000, 864000000, &x)) == 0)
			ic->sla_resolve_ms[n] = x;
		else if (strcmp(p->text, "repeat") == 0 &&
		    (rc = cf_duration(p, "repeat", 1000, 864000000, &x)) == 0)
			ic->sla_repeat_ms[n] = x;
		else if (rc == 0 && strcmp(p->text, "respond") != 0 &&
		    strcmp(p->text, "resolve") != 0 &&
		    strcmp(p->text, "repeat") != 0) {
			ERR(p, "unknown sla setting '%s' (respond, resolve, "
			    "repeat)", p->text);
			rc = -1;
		}
	}
	if (rc == -1)
		cf_resync(p, 1);
	else if (p->tok != T_RBRACE) {
		ERR(p, "'}' expected after the sla");
		cf_resync(p, 1);
	}
}

static void
notify_args(struct parser *p, struct notify_conf *n)
{
	if (cf_expect_lbrace(p, "args") == -1)
		return;
	while (cf_next(p) == T_WORD || p->tok == T_STRING) {
		n->argv = xreallocarray(n->argv, n->argc + 2, sizeof(char *));
		n->argv[n->argc++] = xstrdup(p->text);
		n->argv[n->argc] = NULL;
	}
	if (p->tok != T_RBRACE)
		ERR(p, "'}' expected after the arguments");
}

static int
is_desk(const struct notify_conf *n)
{
	return n->type == NOTIFY_HORNBILL || n->type == NOTIFY_SERVICENOW ||
	    n->type == NOTIFY_PAGERDUTY || n->type == NOTIFY_ALERTMANAGER ||
	    n->type == NOTIFY_EMAIL;
}

/* A string setting given once: 0, or -1 after an error. */
static int
desk_string(struct parser *p, char **slot, const char *what)
{
	char kw[32];

	snprintf(kw, sizeof(kw), "%.31s", p->text);
	if (*slot != NULL) {
		ERR(p, "'%s' given twice", kw);
		return -1;
	}
	return (*slot = cf_value(p, what)) != NULL ? 0 : -1;
}

/* priority Pn VALUE: the desk's own value for a priority. */
static int
desk_priority(struct parser *p, struct notify_conf *n)
{
	static const char *const sev[] = { "critical", "error", "warning",
	    "info", NULL };
	char *pr = cf_value(p, "P1..P4"), *v = NULL;
	int i, k = -1, ok;

	if (pr != NULL && strlen(pr) == 2 && pr[0] == 'P' && pr[1] >= '1' &&
	    pr[1] <= '4')
		k = pr[1] - '1';
	else if (pr != NULL)
		ERR(p, "priority must be P1..P4, not '%.10s'", pr);
	free(pr);
	if (k < 0 || (v = cf_value(p, "the desk's value")) == NULL) {
		free(v);
		return -1;
	}
	if (n->type == NOTIFY_PAGERDUTY) {
		for (ok = 0, i = 0; sev[i] != NULL; i++)
			ok |= strcmp(v, sev[i]) == 0;
		if (!ok) {
			ERR(p, "PagerDuty severity must be critical, error, "
			    "warning or info, not '%.20s'", v);
			free(v);
			return -1;
		}
	} else if (n->type == NOTIFY_SERVICENOW) {
		if (strlen(v) != 3 || v[0] < '1' || v[0] > '3' || v[1] != '/' ||
		    v[2] < '1' || v[2] > '3') {
			ERR(p, "ServiceNow priority is IMPACT/URGENCY (1..3 "
			    "each, e.g. \"1/1\"), not '%.20s'", v);
			free(v);
			return -1;
		}
	}
	free(n->prio[k]);
	n->prio[k] = v;
	return 0;
}

/* The settings of a service desk channel; -1 if kw is not one of them. */
static int
desk_setting(struct parser *p, struct notify_conf *n, int *rc)
{
	const char *k = p->text;
	enum notify_type t = n->type;

	if (!is_desk(n))
		return -1;
	if (strcmp(k, "api-key") == 0 && t == NOTIFY_HORNBILL)
		*rc = desk_string(p, &n->api_key, "an API key");
	else if (strcmp(k, "routing-key") == 0 && t == NOTIFY_PAGERDUTY)
		*rc = desk_string(p, &n->api_key, "a routing key");
	else if (strcmp(k, "user") == 0 && (t == NOTIFY_SERVICENOW ||
	    t == NOTIFY_EMAIL))
		*rc = desk_string(p, &n->user, "a user");
	else if (strcmp(k, "password") == 0 && (t == NOTIFY_SERVICENOW ||
	    t == NOTIFY_EMAIL))
		*rc = desk_string(p, &n->password, "a password");
	else if (strcmp(k, "from") == 0 && t == NOTIFY_EMAIL)
		*rc = desk_string(p, &n->mail_from, "an address");
	else if (strcmp(k, "to") == 0 && t == NOTIFY_EMAIL) {
		char *v = cf_value(p, "an address");

		if (v == NULL || strchr(v, '@') == NULL ||
		    strpbrk(v, "\r\n<>,") != NULL) {
			ERR(p, "'to' needs one e-mail address");
			free(v);
			*rc = -1;
		} else {
			n->mail_to = xreallocarray(n->mail_to, n->nmail_to + 1,
			    sizeof(char *));
			n->mail_to[n->nmail_to++] = v;
		}
	} else if (strcmp(k, "plain") == 0 && t == NOTIFY_EMAIL)
		n->mail_plain = 1;
	else if (strcmp(k, "repost") == 0 && t == NOTIFY_ALERTMANAGER)
		*rc = cf_duration(p, "repost", 1000, 3600000, &n->repost_ms);
	else if (strcmp(k, "assignment-group") == 0 && t == NOTIFY_SERVICENOW)
		*rc = desk_string(p, &n->group, "a group");
	else if (strcmp(k, "close-code") == 0 && t == NOTIFY_SERVICENOW)
		*rc = desk_string(p, &n->close_code, "a close code");
	else if (strcmp(k, "key-field") == 0 && t == NOTIFY_HORNBILL)
		*rc = desk_string(p, &n->key_field, "a request field");
	else if (strcmp(k, "service-id") == 0 && t == NOTIFY_HORNBILL)
		*rc = desk_string(p, &n->service_id, "a service ID");
	else if (strcmp(k, "team-id") == 0 && t == NOTIFY_HORNBILL)
		*rc = desk_string(p, &n->team_id, "a team ID");
	else if (strcmp(k, "category-id") == 0 && t == NOTIFY_HORNBILL)
		*rc = desk_string(p, &n->category_id, "a category ID");
	else if (strcmp(k, "site-id") == 0 && t == NOTIFY_HORNBILL) {
		struct notify_site_id s = { cf_value(p, "a site"), NULL };

		if (s.site == NULL || (s.id = cf_value(p, "its ID")) == NULL) {
			free(s.site);
			*rc = -1;
		} else {
			n->site_ids = xreallocarray(n->site_ids,
			    n->nsite_ids + 1, sizeof(s));
			n->site_ids[n->nsite_ids++] = s;
		}
	} else if (strcmp(k, "priority") == 0 && t != NOTIFY_ALERTMANAGER &&
	    t != NOTIFY_EMAIL)
		*rc = desk_priority(p, n);
	else
		return -1;
	return 0;
}

static void
notify_block(struct parser *p, struct notify_conf *n)
{
	int rc = 0;

	while (rc == 0 && cf_next(p) == T_WORD) {
		if (desk_setting(p, n, &rc) == 0)
			continue;
		if (strcmp(p->text, "timeout") == 0)
			rc = cf_duration(p, "timeout", 100, 600000, &n->timeout_ms);
		else if (strcmp(p->text, "retry-max") == 0)
			rc = cf_duration(p, "retry-max", 100, 86400000,
			    &n->retry_max_ms);
		else if (strcmp(p->text, "token") == 0 &&
		    n->type == NOTIFY_WEBHOOK)
			rc = desk_string(p, &n->token, "a token");
		else if (strcmp(p->text, "ca-file") == 0 &&
		    (n->type == NOTIFY_WEBHOOK || is_desk(n)))
			rc = desk_string(p, &n->ca_file, "a file");
		else if (strcmp(p->text, "insecure") == 0 &&
		    (n->type == NOTIFY_WEBHOOK || is_desk(n)))
			n->insecure = 1;
		else if (strcmp(p->text, "args") == 0 && n->type == NOTIFY_EXEC)
			notify_args(p, n);
		else {
			ERR(p, "unknown %s setting '%s'", n->name, p->text);
			rc = -1;
		}
	}
	if (rc == -1)
		cf_resync(p, 1);
	else if (p->tok != T_RBRACE) {
		ERR(p, "'}' expected after the notify settings");
		cf_resync(p, 1);
	}
}

/* notify hornbill|servicenow|pagerduty|alertmanager URL: -1 for neither */
static int
desk_kind(struct parser *p, const char *kind, struct notify_conf *n)
{
	static const struct {
		const char	*name;
		enum notify_type type;
	} kinds[] = { { "hornbill", NOTIFY_HORNBILL },
	    { "servicenow", NOTIFY_SERVICENOW },
	    { "pagerduty", NOTIFY_PAGERDUTY },
	    { "alertmanager", NOTIFY_ALERTMANAGER },
	    { "email", NOTIFY_EMAIL } };
	size_t i;
	char *v;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kind, kinds[i].name) == 0)
			break;
	if (i == sizeof(kinds) / sizeof(kinds[0])) {
		ERR(p, "unknown notify kind '%.20s' (webhook, exec, syslog, "
		    "hornbill, servicenow, pagerduty, alertmanager, email)",
		    kind);
		return -1;
	}
	n->type = kinds[i].type;
	n->repost_ms = 60000;
	if ((v = cf_value(p, "a URL")) == NULL)
		return -1;
	if (n->type == NOTIFY_EMAIL) {
		if (strncmp(v, "smtp://", 7) != 0 &&
		    strncmp(v, "smtps://", 8) != 0)
			ERR(p, "email '%.60s' is not an smtp:// or smtps:// "
			    "URL", v);
	} else if (strncmp(v, "http://", 7) != 0 &&
	    strncmp(v, "https://", 8) != 0)
		ERR(p, "%s '%.60s' is not an http:// or https:// URL", kind, v);
	n->url = v;
	return 0;
}

/* What each desk cannot work without, said at the notify line. */
static void
desk_check(struct parser *p, struct notify_conf *n)
{
	const char *miss = NULL;

	if (n->type == NOTIFY_HORNBILL && n->api_key == NULL)
		miss = "api-key";
	else if (n->type == NOTIFY_PAGERDUTY && n->api_key == NULL)
		miss = "routing-key";
	else if (n->type == NOTIFY_SERVICENOW && (n->user == NULL ||
	    n->password == NULL))
		miss = "user and password";
	else if (n->type == NOTIFY_EMAIL && (n->mail_from == NULL ||
	    n->nmail_to == 0))
		miss = "from and at least one to";
	else if (n->type == NOTIFY_EMAIL && (n->user == NULL) !=
	    (n->password == NULL))
		miss = "user and password together";
	if (miss != NULL)
		cf_error(p, n->file, n->line, "notify %s needs %s", n->name,
		    miss);
}

/* notify webhook URL [{...}] | notify exec PROGRAM [{...}] | notify syslog */
static void
notify_rule(struct parser *p)
{
	struct config *c = p->conf;
	struct notify_conf n;
	char *kind = cf_value(p, "webhook, exec or syslog"), *v;

	memset(&n, 0, sizeof(n));
	n.file = p->tfile;
	n.line = p->tline;
	n.timeout_ms = 10000;
	n.retry_max_ms = 300000;
	if (kind == NULL)
		return;
	if (strcmp(kind, "webhook") == 0 || strcmp(kind, "exec") == 0) {
		n.type = kind[0] == 'w' ? NOTIFY_WEBHOOK : NOTIFY_EXEC;
		if ((v = cf_value(p, kind[0] == 'w' ? "a URL" : "a program")) ==
		    NULL) {
			free(kind);
			return;
		}
		if (n.type == NOTIFY_WEBHOOK) {
			n.url = v;
			if (strncmp(v, "http://", 7) != 0 &&
			    strncmp(v, "https://", 8) != 0)
				ERR(p, "webhook '%.60s' is not an http:// or "
				    "https:// URL", v);
		} else {
			n.argv = xcalloc(2, sizeof(char *));
			n.argv[0] = v;
			n.argc = 1;
			if (v[0] != '/')
				ERR(p, "exec needs an absolute path, not "
				    "'%.60s' (no shell, no PATH search)", v);
		}
	} else if (strcmp(kind, "syslog") == 0)
		n.type = NOTIFY_SYSLOG;
	else if (desk_kind(p, kind, &n) == -1) {
		free(kind);
		return;
	}
	n.name = kind;
	if (cf_next(p) == T_LBRACE)
		notify_block(p, &n);
	else
		cf_unget(p);
	desk_check(p, &n);
	c->notifies = xreallocarray(c->notifies, c->nnotifies + 1, sizeof(n));
	c->notifies[c->nnotifies++] = n;
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ?
	    c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* api-token read|write "sha256:HEX" [name "NAME"] */
static void
token_rule(struct parser *p)
{
	struct config *c = p->conf;
	struct api_token t;
	char *scope = cf_value(p, "read or write"), *h = NULL;
	int i, ok = 1;

	memset(&t, 0, sizeof(t));
	if (scope == NULL)
		return;
	if (strcmp(scope, "read") != 0 && strcmp(scope, "write") != 0) {
		ERR(p, "api-token scope must be read or write, not '%.20s'",
		    scope);
		ok = 0;
	}
	t.write = strcmp(scope, "write") == 0;
	free(scope);
	if ((h = cf_value(p, "a token hash (sha256:HEX)")) == NULL)
		return;
	if (strncmp(h, "sha256:", 7) != 0 || strlen(h) != 7 + 64) {
		ERR(p, "api-token: store the hash, \"sha256:\" and 64 hex "
		    "digits (nocwatch token makes one)");
		ok = 0;
	}
	for (i = 0; ok && i < 32; i++) {
		int hi = hexval(h[7 + 2 * i]), lo = hexval(h[8 + 2 * i]);

		if (hi < 0 || lo < 0) {
			ERR(p, "api-token: not a hex digest");
			ok = 0;
		} else
			t.sha256[i] = (unsigned char)(hi << 4 | lo);
	}
	free(h);
	if (cf_next(p) == T_WORD && strcmp(p->text, "name") == 0)
		t.name = cf_value(p, "a name");
	else
		cf_unget(p);
	if (!ok) {
		free(t.name);
		return;
	}
	if (t.name == NULL)
		t.name = xstrdup(t.write ? "write" : "read");
	c->tokens = xreallocarray(c->tokens, c->ntokens + 1, sizeof(t));
	c->tokens[c->ntokens++] = t;
}

/* An HTTP API setting at the top level; -1 if kw is not one. */
static int
api_rule(struct parser *p, const char *kw)
{
	struct config *c = p->conf;
	char **slot = NULL, *v;

	if (strcmp(kw, "api-token") == 0) {
		token_rule(p);
		return 0;
	}
	if (strcmp(kw, "api-read-open") == 0) {
		if ((v = cf_value(p, "localhost or none")) == NULL)
			return 0;
		if (strcmp(v, "localhost") == 0)
			c->read_open_local = 1;
		else if (strcmp(v, "none") == 0)
			c->read_open_local = 0;
		else
			ERR(p, "api-read-open must be localhost or none");
		free(v);
		return 0;
	}
	if (strcmp(kw, "http-rate-limit") == 0) {
		cf_integer(p, "http-rate-limit", 0, 1000000, &c->http_rate);
		return 0;
	}
	if (strcmp(kw, "http-listen") == 0)
		slot = &c->http_listen;
	else if (strcmp(kw, "web-dir") == 0)
		slot = &c->web_dir;
	else if (strcmp(kw, "http-trust-proxy") == 0)
		slot = &c->trust_proxy;
	else if (strcmp(kw, "http-tls-cert") == 0)
		slot = &c->tls_cert;
	else if (strcmp(kw, "http-tls-key") == 0)
		slot = &c->tls_key;
	else
		return -1;
	if (*slot != NULL)
		ERR(p, "'%s' given twice", kw);
	free(*slot);
	*slot = cf_value(p, kw);
	return 0;
}

/* An incident setting at the top level; -1 if kw is not one. */
int
cf_incident_rule(struct parser *p, const char *kw)
{
	struct config *c = p->conf;

	if (strcmp(kw, "state-db") == 0) {
		if (c->state_db != NULL)
			ERR(p, "'state-db' given twice");
		free(c->state_db);
		c->state_db = cf_value(p, "a file name");
	} else if (strcmp(kw, "incidents") == 0)
		incidents_block(p, &c->inc);
	else if (strcmp(kw, "priority") == 0)
		priority_block(p, c->inc.priority);
	else if (strcmp(kw, "sla") == 0)
		sla_rule(p, &c->inc);
	else if (strcmp(kw, "notify") == 0)
		notify_rule(p);
	else
		return api_rule(p, kw);
	return 0;
}

void
cf_notifies_free(struct notify_conf *n, size_t count)
{
	size_t i, j;

	for (i = 0; i < count; i++) {
		free(n[i].name);
		free(n[i].url);
		free(n[i].token);
		free(n[i].ca_file);
		if (n[i].api_key != NULL)
			explicit_bzero(n[i].api_key, strlen(n[i].api_key));
		if (n[i].password != NULL)
			explicit_bzero(n[i].password, strlen(n[i].password));
		free(n[i].api_key);
		free(n[i].user);
		free(n[i].password);
		free(n[i].key_field);
		for (j = 0; j < 4; j++)
			free(n[i].prio[j]);
		free(n[i].service_id);
		free(n[i].team_id);
		free(n[i].category_id);
		for (j = 0; j < n[i].nsite_ids; j++) {
			free(n[i].site_ids[j].site);
			free(n[i].site_ids[j].id);
		}
		free(n[i].site_ids);
		free(n[i].group);
		free(n[i].close_code);
		free(n[i].mail_from);
		for (j = 0; j < n[i].nmail_to; j++)
			free(n[i].mail_to[j]);
		free(n[i].mail_to);
		for (j = 0; j < n[i].argc; j++)
			free(n[i].argv[j]);
		free(n[i].argv);
	}
	free(n);
}
