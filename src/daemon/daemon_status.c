/*
 * The status document the control socket serves (`nocwatch status`).
 */
#include <sys/stat.h>

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdint.h>
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

/* The daemon's own part (health, counters), without its devices. */
json_t *
daemon_status_self(struct daemon *d)
{
	json_t *o = json_object(), *x;
	struct sched_stats ss;
	struct rrdstore_stats rs;
	struct trap_stats ts = { 0 };
	struct lw_stats lw;
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
	json_object_set_new(x, "slowest_callback", lw.worst[0] ?
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

/*
 * The whole document lists every check: at 10,000 devices making it is
 * half a second of work.  What it shows is copied on the loop, and the
 * JSON made from the copy, which a worker can do.  The copy is three
 * allocations whatever the estate (devices, checks, one pool of their
 * strings): one string each was 25,000 allocations at 5,000 devices,
 * 25-36 ms under the sanitizers here and over 100 ms on a slower machine.
 */
struct snap_check {
	const char	*type, *outcome;	/* static names */
	const char	*target, *detail;	/* in the pool */
	double		 interval_ms, next_in, value;
	int		 nruns, by_trap;
	time_t		 last_run;
	unsigned long	 trap_runs;
	long long	 trap_at;
};

struct snap_dev {
	const char		*name, *site, *address, *parent; /* pool */
	struct snap_check	*checks;
	size_t			 nchecks;
};

struct status_snap {
	json_t			*daemon, *sites;
	struct snap_dev		*devs;
	size_t			 ndevs;
	struct snap_check	*checks;
	char			*pool;
};

/* What s takes in the pool, cut at max bytes (a fixed buffer's). */
static size_t
pool_len(const char *s, size_t max)
{
	return s != NULL ? strnlen(s, max) + 1 : 0;
}

/* Copies s (at most max bytes of it) into the pool at *at; NULL stays
 * NULL. */
static const char *
pool_put(char *pool, size_t *at, const char *s, size_t max)
{
	size_t n = pool_len(s, max);
	char *p = pool + *at;

	if (s == NULL)
		return NULL;
	memcpy(p, s, n - 1);
	p[n - 1] = '\0';
	*at += n;
	return p;
}

static json_t *
snap_sites(const struct config *c)
{
	json_t *sites = json_array();
	size_t i, j;

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
	return sites;
}

static void
snap_check(struct snap_check *k, const struct check_rt *ck, char *pool,
    size_t *at)
{
	k->type = check_type_name(ck->conf->type);
	k->outcome = ck->nruns ? probe_outcome_name(ck->outcome) : NULL;
	k->target = pool_put(pool, at, ck->conf->target, SIZE_MAX);
	k->detail = pool_put(pool, at, ck->detail, sizeof(ck->detail) - 1);
	k->interval_ms = ck->conf->interval_ms;
	k->next_in = sched_next_in(ck->item);
	k->value = ck->value;
	k->nruns = ck->nruns;
	k->by_trap = ck->last_by_trap;
	k->last_run = ck->last_run;
	k->trap_runs = ck->trap_runs;
	k->trap_at = ck->trap_run_at;
}

struct status_snap *
daemon_status_snapshot(struct daemon *d)
{
	struct status_snap *sn = xcalloc(1, sizeof(*sn));
	size_t i, j, nchecks = 0, bytes = 1, at = 0, kc = 0;

	sn->daemon = daemon_status_self(d);
	sn->sites = snap_sites(d->conf);
	for (i = 0; i < d->ndevs; i++) {
		const struct device_rt *dv = &d->devs[i];

		bytes += pool_len(dv->conf->name, SIZE_MAX) +
		    pool_len(dv->conf->site, SIZE_MAX) +
		    pool_len(dv->conf->address, SIZE_MAX) +
		    pool_len(dv->conf->parent, SIZE_MAX);
		nchecks += dv->nchecks;
		for (j = 0; j < dv->nchecks; j++)
			bytes += pool_len(dv->checks[j].conf->target,
			    SIZE_MAX) + pool_len(dv->checks[j].detail,
			    sizeof(dv->checks[j].detail) - 1);
	}
	sn->devs = xcalloc(d->ndevs + 1, sizeof(*sn->devs));
	sn->checks = xcalloc(nchecks + 1, sizeof(*sn->checks));
	sn->pool = xmalloc(bytes);
	sn->ndevs = d->ndevs;
	for (i = 0; i < d->ndevs; i++) {
		const struct device_rt *dv = &d->devs[i];
		struct snap_dev *sd = &sn->devs[i];

		sd->name = pool_put(sn->pool, &at, dv->conf->name, SIZE_MAX);
		sd->site = pool_put(sn->pool, &at, dv->conf->site, SIZE_MAX);
		sd->address = pool_put(sn->pool, &at, dv->conf->address,
		    SIZE_MAX);
		sd->parent = pool_put(sn->pool, &at, dv->conf->parent,
		    SIZE_MAX);
		sd->checks = &sn->checks[kc];
		sd->nchecks = dv->nchecks;
		for (j = 0; j < dv->nchecks; j++)
			snap_check(&sn->checks[kc++], &dv->checks[j], sn->pool,
			    &at);
	}
	return sn;
}

static json_t *
snap_check_json(const struct snap_check *k)
{
	json_t *o = json_object();

	json_object_set_new(o, "type", json_string(k->type));
	json_object_set_new(o, "target", k->target ? json_string(k->target) :
	    json_null());
	json_object_set_new(o, "interval_ms", json_real(k->interval_ms));
	json_object_set_new(o, "runs", json_integer(k->nruns));
	json_object_set_new(o, "outcome", k->outcome ? json_string(k->outcome) :
	    json_null());
	json_object_set_new(o, "detail", json_string(k->detail));
	json_object_set_new(o, "last_run", iso_time(k->last_run));
	json_object_set_new(o, "last_run_by_trap", json_boolean(k->by_trap));
	json_object_set_new(o, "trap_runs", json_integer((json_int_t)
	    k->trap_runs));
	json_object_set_new(o, "trap_run_at_ms", json_integer(k->trap_at));
	json_object_set_new(o, "next_in_ms", json_real(k->next_in));
	json_object_set_new(o, "value", isnan(k->value) ? json_null() :
	    json_real(k->value));
	return o;
}

/* The document from a copy: in any thread. */
char *
daemon_status_render(const struct status_snap *sn)
{
	json_t *o = json_object(), *devs = json_array();
	size_t i, j;
	char *s;

	for (i = 0; i < sn->ndevs; i++) {
		const struct snap_dev *sd = &sn->devs[i];
		json_t *x = json_object(), *checks = json_array();

		json_object_set_new(x, "name", json_string(sd->name));
		json_object_set_new(x, "site", json_string(sd->site));
		json_object_set_new(x, "address", json_string(sd->address));
		json_object_set_new(x, "parent", sd->parent ?
		    json_string(sd->parent) : json_null());
		for (j = 0; j < sd->nchecks; j++)
			json_array_append_new(checks,
			    snap_check_json(&sd->checks[j]));
		json_object_set_new(x, "checks", checks);
		json_array_append_new(devs, x);
	}
	json_object_set(o, "daemon", sn->daemon);
	json_object_set(o, "sites", sn->sites);
	json_object_set_new(o, "devices", devs);
	s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_REAL_PRECISION(6));
	json_decref(o);
	return s;
}

void
daemon_status_snap_free(struct status_snap *sn)
{
	if (sn == NULL)
		return;
	free(sn->devs);
	free(sn->checks);
	free(sn->pool);
	json_decref(sn->daemon);
	json_decref(sn->sites);
	free(sn);
}

char *
daemon_status_json(struct daemon *d)
{
	struct status_snap *sn = daemon_status_snapshot(d);
	char *s = daemon_status_render(sn);

	daemon_status_snap_free(sn);
	return s;
}
