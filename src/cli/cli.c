#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <jansson.h>

#include "cli.h"
#include "escape.h"
#include "oids.h"
#include "snmpval.h"
#include "log.h"

void
cli_usage_error(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nocwatch: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	exit(STATUS_UNKNOWN);
}

int
cli_common_opt(struct cli_common *c, int ch, const char *arg,
    const char *usage)
{
	char err[160];

	switch (ch) {
	case 'J':
		c->json = 1;
		return 1;
	case 'h':
		fputs(usage, stdout);
		exit(0);
	case 'w':
		if (threshold_parse(arg, &c->warn, err, sizeof(err)) == -1)
			cli_usage_error(usage, "-w: %s", err);
		c->have_warn = 1;
		return 1;
	case 'c':
		if (threshold_parse(arg, &c->crit, err, sizeof(err)) == -1)
			cli_usage_error(usage, "-c: %s", err);
		c->have_crit = 1;
		return 1;
	case '?':
		fputs(usage, stderr);
		exit(STATUS_UNKNOWN);
	}
	return 0;
}

static double
value_or(const struct probe_result *r, const char *key)
{
	const struct probe_value *v;

	if (key == NULL || (v = probe_result_get(r, key)) == NULL)
		return -1;
	return v->value;
}

enum plugin_status
cli_status(const struct cli_common *c, const struct probe_result *r)
{
	double t = value_or(r, c->time_key), p = value_or(r, c->pct_key);

	double m = value_or(r, c->min_key);

	if (r->outcome != PROBE_OK)
		return STATUS_CRITICAL;
	if (c->min_key != NULL && m > -1e300 && probe_result_get(r, c->min_key)) {
		if (c->crit_min >= 0 && m < c->crit_min)
			return STATUS_CRITICAL;
		if (c->warn_min >= 0 && m < c->warn_min)
			return STATUS_WARNING;
	}
	if (c->have_crit && threshold_exceeded(&c->crit, t, p))
		return STATUS_CRITICAL;
	if (c->have_warn && threshold_exceeded(&c->warn, t, p))
		return STATUS_WARNING;
	return STATUS_OK;
}

static void
cli_report_json(const struct probe_result *r, enum plugin_status st)
{
	json_t *o = json_object(), *vals = json_object();
	char ts[64];
	struct tm tm;
	size_t i;

	gmtime_r(&r->started.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + strlen(ts), sizeof(ts) - strlen(ts), ".%03ldZ",
	    r->started.tv_nsec / 1000000);
	json_object_set_new(o, "target", json_string(r->target));
	if (r->address[0] != '\0')
		json_object_set_new(o, "address", json_string(r->address));
	json_object_set_new(o, "outcome",
	    json_string(probe_outcome_name(r->outcome)));
	json_object_set_new(o, "status", json_string(plugin_status_name(st)));
	json_object_set_new(o, "detail", json_string(r->detail));
	json_object_set_new(o, "started", json_string(ts));
	json_object_set_new(o, "elapsed_ms", json_real(r->elapsed_ms));
	for (i = 0; i < r->nvalues; i++) {
		double v = r->values[i].value;

		json_object_set_new(vals, r->values[i].name,
		    v == floor(v) && fabs(v) < 9e15 ?
		    json_integer((json_int_t)v) : json_real(v));
	}
	json_object_set_new(o, "values", vals);
	cli_json_print(o);
}

void
cli_json_print(json_t *o)
{
	/* jansson escapes control characters and non-ASCII safely. */
	char *s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII |
	    JSON_REAL_PRECISION(9));

	if (s != NULL) {
		puts(s);
		free(s);
	}
	json_decref(o);
}

json_t *
cli_vb_json(const struct snmp_vb *vb)
{
	json_t *v = json_object();
	char name[160], buf[600];
	double d;

	json_object_set_new(v, "name", json_string(oid_format(&vb->name, name,
	    sizeof(name))));
	json_object_set_new(v, "oid", json_string(oid_format_numeric(&vb->name,
	    buf, sizeof(buf))));
	json_object_set_new(v, "type", json_string(snmpval_type_name(vb->type)));
	if (vb->type == SV_INTEGER)
		json_object_set_new(v, "value", json_integer(vb->i));
	else if (vb->type == SV_FLOAT || vb->type == SV_DOUBLE)
		json_object_set_new(v, "value", json_real(vb->d));
	else if (snmpval_number(vb, &d))
		json_object_set_new(v, "value", json_integer((json_int_t)vb->u));
	else if (vb->type == SV_STRING)
		json_object_set_new(v, "value", json_string(str_escape(buf,
		    sizeof(buf), vb->str, vb->len)));
	else
		json_object_set_new(v, "value", json_string(snmpval_format(vb,
		    buf, sizeof(buf))));
	json_object_set_new(v, "display", json_string(snmpval_format(vb, buf,
	    sizeof(buf))));
	return v;
}

static void
cli_perfdata(const struct cli_common *c, const struct probe_result *r)
{
	size_t i;
	const struct probe_value *v;

	fputs(" |", stdout);
	for (i = 0; i < r->nvalues; i++) {
		v = &r->values[i];
		printf(" %s=%g%s", v->name, v->value, v->unit);
		/* Warning and critical levels, left empty when not set. */
		if (c->time_key && strcmp(v->name, c->time_key) == 0 &&
		    ((c->have_warn && c->warn.has_time) ||
		    (c->have_crit && c->crit.has_time))) {
			printf(";");
			if (c->have_warn && c->warn.has_time)
				printf("%g", c->warn.time_ms);
			printf(";");
			if (c->have_crit && c->crit.has_time)
				printf("%g", c->crit.time_ms);
		} else if (c->pct_key && strcmp(v->name, c->pct_key) == 0 &&
		    ((c->have_warn && c->warn.has_pct) ||
		    (c->have_crit && c->crit.has_pct))) {
			printf(";");
			if (c->have_warn && c->warn.has_pct)
				printf("%g", c->warn.pct);
			printf(";");
			if (c->have_crit && c->crit.has_pct)
				printf("%g", c->crit.pct);
		}
	}
}

void
cli_report(struct cli_common *c, const struct probe_result *r,
    const char *summary)
{
	enum plugin_status st = cli_status(c, r);

	if (st > c->worst)
		c->worst = st;
	if (c->json) {
		cli_report_json(r, st);
		return;
	}
	printf("%s : %s", r->target, plugin_status_name(st));
	if (r->outcome != PROBE_OK)
		printf(" %s: %s", probe_outcome_name(r->outcome), r->detail);
	if (summary != NULL && *summary != '\0')
		printf("%s%s", r->outcome != PROBE_OK ? ", " : " ", summary);
	if (c->single && r->nvalues > 0)
		cli_perfdata(c, r);
	putchar('\n');
	fflush(stdout);
}

static void
cli_event_log(int severity, const char *msg)
{
	/* libevent's own chatter (nameserver failures, ...) is debug only. */
	(void)severity;
	log_debug("libevent: %s", msg);
}

void
cli_loop_new(struct event_base **base, struct evdns_base **dns)
{
	struct event_config *cfg = event_config_new();

	event_set_log_callback(cli_event_log);
	/*
	 * No EVENT_BASE_FLAG_PRECISE_TIMER: its timerfd costs a syscall per
	 * loop pass, and send times need only millisecond spacing (RTTs are
	 * measured on the monotonic clock at send and receive, not from it).
	 */
	*base = event_base_new_with_config(cfg);
	event_config_free(cfg);
	if (*base == NULL)
		fatalx("cannot create the event loop");
	*dns = evdns_base_new(*base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (*dns == NULL)
		fatalx("cannot create the DNS resolver");
}

const char *
cli_ms(double ms, char *buf, size_t len)
{
	if (ms < 1)
		snprintf(buf, len, "%.3f", ms);
	else if (ms < 100)
		snprintf(buf, len, "%.2f", ms);
	else
		snprintf(buf, len, "%.1f", ms);
	return buf;
}
