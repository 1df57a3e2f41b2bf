/*
 * The status document the control socket serves (`nocwatch status`).
 */
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <jansson.h>

#include "daemon.h"
#include "http.h"
#include "httpd.h"
#include "icmp.h"
#include "log.h"
#include "loopwatch.h"
#include "paths.h"
#include "privdrop.h"
#include "rrdstore.h"
#include "scheduler.h"
#include "snmp.h"
#include "notify.h"
#include "store.h"
#include "storew.h"
#include "trap.h"
#include "workq.h"
#include "xmalloc.h"


static json_t *
iso_time(time_t t)
{
	char buf[32];
	struct tm tm;

	if (t == 0)
		return json_null();
	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

static json_t *
status_daemon(struct daemon *d)
{
	json_t *o = json_object(), *x;
	struct sched_stats ss;
	struct rrdstore_stats rs;
	struct trap_stats ts = { 0 };
	struct lw_stats lw;
	struct store_sync_stats sy;
	struct storew_stats sws;
	size_t i, nchecks = 0, nopen, backlog, dead;

	sched_stats(d->sched, &ss);
	rrdstore_stats(d->rrd, &rs);
	if (d->traps != NULL)
		trap_listener_stats(d->traps, &ts);
	for (i = 0; i < d->ndevs; i++)
		nchecks += d->devs[i].nchecks;
	json_object_set_new(o, "started", iso_time(d->started));
	json_object_set_new(o, "uptime_s", json_integer(time(NULL) - d->started));
	json_object_set_new(o, "devices", json_integer((json_int_t)d->ndevs));
	json_object_set_new(o, "checks", json_integer((json_int_t)nchecks));
	x = json_object();
	json_object_set_new(x, "runs", json_integer((json_int_t)ss.runs));
	json_object_set_new(x, "late", json_integer((json_int_t)ss.late));
	json_object_set_new(x, "max_late_ms", json_real(ss.max_late_ms));
	json_object_set_new(x, "loop_lag_ms", json_real(ss.loop_lag_ms));
	json_object_set_new(x, "max_loop_lag_ms", json_real(ss.max_loop_lag_ms));
	lw_stats(&lw);
	json_object_set_new(x, "slow_callbacks", json_integer((json_int_t)
	    lw.slow));
	json_object_set_new(x, "slowest_callback", lw.slow ?
	    json_string(lw.worst) : json_null());
	json_object_set_new(x, "slowest_callback_ms", json_real(lw.worst_ms));
	json_object_set_new(o, "scheduler", x);
	x = json_object();
	json_object_set_new(x, "queued", json_integer((json_int_t)rs.queued));
	json_object_set_new(x, "written", json_integer((json_int_t)rs.written));
	json_object_set_new(x, "values", json_integer((json_int_t)rs.values));
	json_object_set_new(x, "dropped_old",
	    json_integer((json_int_t)rs.dropped_old));
	json_object_set_new(x, "errors", json_integer((json_int_t)rs.errors));
	json_object_set_new(x, "files_created",
	    json_integer((json_int_t)rs.created));
	json_object_set_new(x, "backlog", json_integer((json_int_t)rs.backlog));
	json_object_set_new(x, "updates", json_integer((json_int_t)rs.updates));
	json_object_set_new(x, "write_delay_s", json_real(rs.delay));
	json_object_set_new(x, "cache_bytes",
	    json_integer((json_int_t)rs.pending));
	json_object_set_new(x, "cache_max_bytes",
	    json_integer((json_int_t)rs.cache_max));
	json_object_set_new(x, "writer_busy_s", json_real(rs.busy_s));
	if (d->conf->rrdcached != NULL) {
		json_object_set_new(x, "rrdcached_timeouts",
		    json_integer((json_int_t)rs.rrdcached_timeouts));
		json_object_set_new(x, "rrdcached_down",
		    json_boolean(rs.rrdcached_down));
	}
	json_object_set_new(o, "rrd", x);
	nopen = incident_open_count(d->inc);
	notifier_counts(d->nt, &backlog, &dead);
	x = json_object();
	json_object_set_new(x, "open", json_integer((json_int_t)nopen));
	json_object_set_new(x, "outbox_backlog", json_integer((json_int_t)
	    backlog));
	json_object_set_new(x, "dead_letters", json_integer((json_int_t)
	    dead));
	json_object_set_new(x, "store_integrity", json_string(d->st ?
	    store_integrity(d->st) : "unchecked"));
	if (d->st != NULL && store_sync_stats(d->st, &sy) == 0)
		json_object_set_new(x, "store_sync", json_pack("{s:I, s:I, "
		    "s:I, s:f, s:s}", "syncs", (json_int_t)sy.syncs,
		    "failures", (json_int_t)sy.failures, "pending",
		    (json_int_t)sy.pending, "busy_s", sy.busy_s,
		    "last_error", sy.last_error));
	if (d->sw != NULL) {
		storew_stats(d->sw, &sws);
		json_object_set_new(x, "store_writes", json_pack("{s:I, s:I, "
		    "s:I, s:I, s:f}", "commits", (json_int_t)sws.commits,
		    "failures", (json_int_t)sws.failures, "changes",
		    (json_int_t)sws.records, "queued", (json_int_t)sws.queued,
		    "busy_s", sws.busy_s));
	}
	json_object_set_new(o, "incidents", x);
	x = json_object();
	json_object_set_new(x, "packets", json_integer((json_int_t)ts.packets));
	json_object_set_new(x, "accepted", json_integer((json_int_t)ts.accepted));
	json_object_set_new(x, "bad_community",
	    json_integer((json_int_t)ts.bad_community));
	json_object_set_new(x, "bad_source",
	    json_integer((json_int_t)ts.bad_source));
	json_object_set_new(x, "v3_bad_user",
	    json_integer((json_int_t)ts.v3_bad_user));
	json_object_set_new(x, "v3_low_level",
	    json_integer((json_int_t)ts.v3_low_level));
	json_object_set_new(x, "v3_auth_failed",
	    json_integer((json_int_t)ts.v3_auth_failed));
	json_object_set_new(x, "dropped", json_integer((json_int_t)ts.dropped));
	json_object_set_new(x, "kernel_drops",
	    json_integer((json_int_t)ts.kernel_drops));
	json_object_set_new(x, "rechecks",
	    json_integer((json_int_t)d->traps_rechecks));
	json_object_set_new(x, "recheck_walks",
	    json_integer((json_int_t)d->traps_recheck_walks));
	json_object_set_new(o, "traps", x);
	return o;
}

static json_t *
status_check(const struct check_rt *c)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string(check_type_name(c->conf->type)));
	json_object_set_new(o, "target", c->conf->target ?
	    json_string(c->conf->target) : json_null());
	json_object_set_new(o, "interval_ms", json_real(c->conf->interval_ms));
	json_object_set_new(o, "runs", json_integer(c->nruns));
	json_object_set_new(o, "outcome", c->nruns ?
	    json_string(probe_outcome_name(c->outcome)) : json_null());
	json_object_set_new(o, "detail", json_string(c->detail));
	json_object_set_new(o, "last_run", iso_time(c->last_run));
	json_object_set_new(o, "last_run_by_trap", json_boolean(c->last_by_trap));
	json_object_set_new(o, "trap_runs", json_integer((json_int_t)c->trap_runs));
	json_object_set_new(o, "trap_run_at_ms", json_integer(c->trap_run_at));
	json_object_set_new(o, "next_in_ms", json_real(sched_next_in(c->item)));
	json_object_set_new(o, "value", isnan(c->value) ? json_null() :
	    json_real(c->value));
	return o;
}

char *
daemon_status_json(struct daemon *d)
{
	json_t *o = json_object(), *sites = json_array(), *devs = json_array();
	const struct config *c = d->conf;
	size_t i, j;
	char *s;

	for (i = 0; i < c->nsites; i++) {
		json_t *x = json_object(), *tags = json_array();

		json_object_set_new(x, "name", json_string(c->sites[i].name));
		json_object_set_new(x, "kind", json_string(c->sites[i].kind ==
		    SITE_DATACENTRE ? "datacentre" : "remote"));
		json_object_set_new(x, "parent", c->sites[i].parent ?
		    json_string(c->sites[i].parent) : json_null());
		for (j = 0; j < c->sites[i].ntags; j++)
			json_array_append_new(tags,
			    json_string(c->sites[i].tags[j]));
		json_object_set_new(x, "tags", tags);
		json_array_append_new(sites, x);
	}
	for (i = 0; i < d->ndevs; i++) {
		const struct device_rt *dv = &d->devs[i];
		json_t *x = json_object(), *checks = json_array();

		json_object_set_new(x, "name", json_string(dv->conf->name));
		json_object_set_new(x, "site", json_string(dv->conf->site));
		json_object_set_new(x, "address", json_string(dv->conf->address));
		json_object_set_new(x, "parent", dv->conf->parent ?
		    json_string(dv->conf->parent) : json_null());
		for (j = 0; j < dv->nchecks; j++)
			json_array_append_new(checks,
			    status_check(&dv->checks[j]));
		json_object_set_new(x, "checks", checks);
		json_array_append_new(devs, x);
	}
	json_object_set_new(o, "daemon", status_daemon(d));
	json_object_set_new(o, "sites", sites);
	json_object_set_new(o, "devices", devs);
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(6));
	json_decref(o);
	return s;
}
