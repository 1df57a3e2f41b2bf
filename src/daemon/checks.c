/*
 * Running one check of one device: start the probe the check names, take
 * its result, keep it as the check's last result and record its values in
 * RRD files.  Every probe here is the one `nocwatch probe` runs.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "capture.h"
#include "checks_int.h"
#include "clock.h"
#include "daemon.h"
#include "dns.h"
#include "escape.h"
#include "http.h"
#include "icmp.h"
#include "log.h"
#include "oids.h"
#include "resolve.h"
#include "scheduler.h"
#include "rrdstore.h"
#include "snmp.h"
#include "store.h"
#include "tcp.h"
#include "xmalloc.h"

/* How far an agent's uptime and ours may disagree across a restart. */

static const struct rrd_layout *
layout(struct daemon *d, const char *name)
{
	return rrdstore_layout_find(d->layouts, d->nlayouts, name);
}

void
chk_record(struct check_rt *c, const char *metric, const char *lname,
    const double *v)
{
	struct daemon *d = c->dev->d;
	const struct rrd_layout *l = layout(d, lname);

	if (l != NULL && d->rrd != NULL)
		rrdstore_update(d->rrd, c->dev->conf->name, metric, l,
		    time(NULL), v);
}

/* The common end of every check: keep the result, log a change. */
void
chk_done(struct check_rt *c, enum probe_outcome o, const char *detail,
    double ms)
{
	/* Log changes, and a first result only when it is not ok. */
	if ((c->nruns > 0 && o != c->outcome) || (c->nruns == 0 && o != PROBE_OK))
		log_info("%s %s%s%s: %s%s%s", c->dev->conf->name,
		    check_type_name(c->conf->type), c->conf->target ? " " : "",
		    c->conf->target ? c->conf->target : "",
		    probe_outcome_name(o), *detail ? ": " : "", detail);
	c->running = NULL;
	c->nruns++;
	c->outcome = o;
	if (detail != c->detail)	/* a caller may have written it there */
		snprintf(c->detail, sizeof(c->detail), "%s", detail);
	c->last_ms = ms;
	/* A re-check asked for while this run was under way (a trap, a
	 * parent or a path back): run again, or a slow poll's host would
	 * wait a whole interval with the stale failure of a run that began
	 * before its path was back. */
	if (c->by_trap || c->rerun)
		sched_run_now(c->item);
	incident_check_result(c);
}

static double
val(const struct probe_result *r, const char *name)
{
	const struct probe_value *v = probe_result_get(r, name);

	return v != NULL ? v->value : NAN;
}

void
check_probe_done(const struct probe_result *r, void *arg)
{
	struct check_rt *c = arg;
	double v[4];
	char metric[64];
	int idx = (int)(c - c->dev->checks);

	if (c->conf->type == CHECK_ICMP) {
		c->rtt_loss[0] = val(r, "rtt_median");
		c->rtt_loss[1] = val(r, "loss_pct");
	}
	chk_done(c, r->outcome, r->detail, r->elapsed_ms);
	switch (c->conf->type) {
	case CHECK_ICMP:
		v[0] = val(r, "rtt_median");
		v[1] = val(r, "rtt_min");
		v[2] = val(r, "rtt_max");
		v[3] = val(r, "loss_pct");
		c->value = v[0];
		chk_record(c, "icmp", "icmp", v);
		return;
	case CHECK_TCP:
		v[0] = val(r, "connect_ms");
		break;
	case CHECK_HTTP:
		v[0] = val(r, "total_ms");
		break;
	case CHECK_DNS:
		v[0] = val(r, "time_ms");
		break;
	case CHECK_PCAP:
		v[0] = val(r, "packets");
		break;
	default:
		return;
	}
	c->value = v[0];
	snprintf(metric, sizeof(metric), "generic.%s-%d",
	    check_type_name(c->conf->type), idx);
	chk_record(c, metric, "generic", v);
}

static struct icmp_params
icmp_params(const struct check_conf *k)
{
	struct icmp_params p = { k->count, 200, k->timeout_ms, 56 };

	/* The burst must end well inside the interval. */
	if (p.interval_ms * p.count > k->interval_ms / 2)
		p.interval_ms = k->interval_ms / 2 / p.count;
	return p;
}

static void
resolved(const struct sockaddr *sa, socklen_t len, const char *why, void *arg)
{
	struct check_rt *c = arg;
	struct daemon *d = c->dev->d;
	const struct check_conf *k = c->conf;
	struct sockaddr_storage ss;
	struct icmp_params ip;
	struct tcp_params tp = { .timeout_ms = k->timeout_ms };
	int port = 0;

	c->resolving = NULL;
	if (sa == NULL) {
		chk_done(c, PROBE_DNS_FAILURE, why, 0);
		return;
	}
	memcpy(&ss, sa, len);
	if (k->type == CHECK_ICMP) {
		ip = icmp_params(k);
		c->running = icmp_probe_start(d->icmp, c->dev->conf->name,
		    (struct sockaddr *)&ss, len, &ip, check_probe_done, c);
		return;
	}
	port = atoi(k->target);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
	tp.expect = k->expect;
	c->running = tcp_probe_start(d->base, c->dev->conf->name,
	    (struct sockaddr *)&ss, len, &tp, check_probe_done, c);
}


void
check_run(void *arg)
{
	struct check_rt *c = arg;
	struct daemon *d = c->dev->d;
	const struct check_conf *k = c->conf;
	struct http_params hp = { .timeout_ms = k->timeout_ms,
	    .expect_body = k->expect };
	struct dns_params dp = { .server = k->server, .timeout_ms =
	    k->timeout_ms / (k->retries + 1), .attempts = k->retries + 1 };

	/* Still at it: a slow target never doubles up (a re-check asked for
	 * meanwhile runs when this run ends), and two polls of one agent
	 * never race each other's answers. */
	if (c->running != NULL || c->mpoll != NULL || c->snmp_busy)
		return;
	c->last_run = time(NULL);
	c->last_by_trap = c->by_trap;
	if (c->by_trap) {
		c->trap_runs++;
		c->trap_run_at = wall_ms();
	}
	c->by_trap = 0;
	c->rerun = 0;
	c->running = c;		/* until the probe has a handle */
	switch (k->type) {
	case CHECK_ICMP:
	case CHECK_TCP:
		c->resolving = resolve_start(d->dns, c->dev->conf->address,
		    AF_UNSPEC, resolved, c);
		break;
	case CHECK_HTTP:
		c->running = http_probe_start(d->http, k->target, &hp,
		    check_probe_done, c);
		break;
	case CHECK_DNS:
		c->running = dns_probe_start(d->base, k->target, &dp,
		    check_probe_done, c);
		break;
	case CHECK_SNMP_STATUS:
	case CHECK_SNMP_METRICS:
		chk_snmp_start(c);
		break;
	case CHECK_PCAP:
		chk_pcap_start(c);
		break;
	default:
		c->running = NULL;
	}
}

void
check_cancel(struct check_rt *c)
{
	if (c->resolving != NULL) {
		resolve_cancel(c->resolving);
		c->resolving = NULL;
	}
	if (c->mpoll != NULL) {
		chk_mpoll_free(c->mpoll);	/* its agent is closed or closing */
		c->mpoll = NULL;
	}
	c->snmp_busy = 0;
	if (c->running == NULL || c->running == c) {
		c->running = NULL;
		return;
	}
	switch (c->conf->type) {
	case CHECK_ICMP:
		icmp_probe_cancel(c->running);
		break;
	case CHECK_TCP:
		tcp_probe_cancel(c->running);
		break;
	case CHECK_HTTP:
		http_probe_cancel(c->running);
		break;
	case CHECK_DNS:
		dns_probe_cancel(c->running);
		break;
	case CHECK_PCAP:
		capture_cancel(c->running);
		break;
	default:
		break;	/* SNMP requests end with their agent */
	}
	c->running = NULL;
}
