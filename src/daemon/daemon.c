/*
 * The daemon's runtime: devices and their scheduled checks built from a
 * configuration, torn down and rebuilt on reload (checks keep their phase,
 * since it comes from their key, and their last result), traps turned
 * into immediate re-checks, and the status the control socket serves.
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
#include "notify.h"
#include "paths.h"
#include "privdrop.h"
#include "rrdstore.h"
#include "scheduler.h"
#include "snmp.h"
#include "store.h"
#include "storew.h"
#include "trap.h"
#include "workq.h"
#include "xmalloc.h"


static void
check_key(const struct device_conf *dv, const struct check_conf *k, size_t i,
    char *key, size_t len)
{
	snprintf(key, len, "%.60s/%s/%.60s/%zu", dv->name,
	    check_type_name(k->type), k->target ? k->target : "", i);
}

/*
 * One SNMP session serves all of a device's SNMP checks, so it takes the
 * tightest of their budgets: `timeout` is a check's whole budget, spread
 * over its `retries` + 1 tries, as for DNS.
 */
static void
device_snmp_budget(const struct device_conf *dv, struct snmp_agent_params *ap)
{
	double best = -1;
	size_t i;

	ap->timeout_ms = 2000.0 / 3;
	ap->retries = 2;
	for (i = 0; i < dv->nchecks; i++) {
		const struct check_conf *k = &dv->checks[i];
		double per;

		if (k->type != CHECK_SNMP_STATUS && k->type != CHECK_SNMP_METRICS)
			continue;
		per = k->timeout_ms / (k->retries + 1);
		if (best < 0 || k->timeout_ms < best) {
			best = k->timeout_ms;
			ap->timeout_ms = per < 10 ? 10 : per;
			ap->retries = k->retries;
		}
	}
}

static void
device_open(struct daemon *d, struct device_rt *dev,
    const struct device_conf *dv, sched_fn run)
{
	struct snmp_agent_params ap = { .host = dv->address, .port =
	    dv->snmp_port, .creds = &dv->snmp };
	char err[256];
	size_t i;

	device_snmp_budget(dv, &ap);

	dev->d = d;
	dev->conf = dv;
	dev->obs.ap_up = dev->obs.ap_down = dev->obs.minutes_left = NAN;
	if (dv->has_snmp && d->snmp != NULL && (dev->agent =
	    snmp_agent_open(d->snmp, &ap, err, sizeof(err))) == NULL)
		log_warnx("%s: %s", dv->name, err);
	dev->nchecks = dv->nchecks;
	dev->checks = xcalloc(dv->nchecks + 1, sizeof(*dev->checks));
	for (i = 0; i < dv->nchecks; i++) {
		struct check_rt *c = &dev->checks[i];

		c->dev = dev;
		c->conf = &dv->checks[i];
		c->value = NAN;
		c->outcome = PROBE_OK;
		check_key(dv, c->conf, i, c->key, sizeof(c->key));
		c->item = sched_add(d->sched, c->key, c->conf->interval_ms,
		    run, c);
	}
}

static void
device_close(struct device_rt *dev)
{
	size_t i;

	/* The agent first: its requests end silently, then checks let go. */
	snmp_agent_close(dev->agent);
	dev->agent = NULL;
	for (i = 0; i < dev->nchecks; i++) {
		check_cancel(&dev->checks[i]);
		sched_remove(dev->checks[i].item);
	}
	free(dev->checks);
	dev_obs_free(&dev->obs);
}

/* Carry last results over a reload, by key. */
static void
carry_over(struct device_rt *to, size_t nto, struct device_rt *from,
    size_t nfrom)
{
	size_t i, j, a, b;

	for (i = 0; i < nto; i++)
		for (j = 0; j < nfrom; j++) {
			if (strcmp(to[i].conf->name, from[j].conf->name) != 0)
				continue;
			/* Observations move (the interface list with them). */
			to[i].obs = from[j].obs;
			memset(&from[j].obs, 0, sizeof(from[j].obs));
			for (a = 0; a < to[i].nchecks; a++)
				for (b = 0; b < from[j].nchecks; b++) {
					struct check_rt *x = &to[i].checks[a];
					const struct check_rt *y =
					    &from[j].checks[b];

					if (strcmp(x->key, y->key) != 0)
						continue;
					x->nruns = y->nruns;
					x->outcome = y->outcome;
					x->last_run = y->last_run;
					x->last_ms = y->last_ms;
					x->value = y->value;
					x->last_uptime = y->last_uptime;
					x->last_uptime_at = y->last_uptime_at;
					x->st = y->st;
					memcpy(x->rtt_loss, y->rtt_loss,
					    sizeof(x->rtt_loss));
					memcpy(x->detail, y->detail,
					    sizeof(x->detail));
				}
		}
}

static void
trap_in(const struct trap *t, void *arg)
{
	struct daemon *d = arg;
	struct device_rt *dev = daemon_device_by_address(d, t->source);
	char line[512];

	log_info("trap: %s", trap_format(t, line, sizeof(line)));
	incident_trap(d->inc, dev, t);
	if (dev != NULL && t->event != TRAP_EV_OTHER) {
		d->traps_rechecks++;
		/* A flood of traps from one device costs one re-check of its
		 * subtree per 20 ms, not one per trap. */
		if (!evtimer_pending(dev->recheck_ev, NULL)) {
			struct timeval tv = { 0, 20000 };

			evtimer_add(dev->recheck_ev, &tv);
		}
	}
}

static void
trap_recheck_run(evutil_socket_t fd, short what, void *arg)
{
	struct device_rt *dev = arg;

	(void)fd;
	(void)what;
	dev->d->traps_recheck_walks++;
	daemon_recheck(dev->d, dev, 1);
}

static void
trap_recheck(evutil_socket_t fd, short what, void *arg)
{
	lw_enter("a trap's re-check");
	trap_recheck_run(fd, what, arg);
	lw_leave();
}

static int
traps_open(struct daemon *d, char *err, size_t errlen)
{
	const struct config *c = d->conf;
	struct trap_auth auth = { (const char *const *)c->trap_communities,
	    c->ntrap_communities, (const char *const *)c->trap_users,
	    c->ntrap_users, c->trap_v3_level };
	const char *pub = "public";

	if (c->trap_listen == NULL)
		return 0;
	if (auth.ncommunities == 0) {
		auth.communities = &pub;
		auth.ncommunities = 1;
	}
	d->traps = trap_listen(d->base, c->trap_listen, &auth, trap_in, d, err,
	    errlen);
	return d->traps != NULL ? 0 : -1;
}

static int
dev_cmp_name(const void *a, const void *b)
{
	return strcmp((*(struct device_rt *const *)a)->conf->name,
	    (*(struct device_rt *const *)b)->conf->name);
}

/* Each device's children, found through a sorted index (O(n log n)). */
static void
devices_link(struct daemon *d)
{
	struct device_rt **by_name, key, *kp = &key, **hit, *p;
	struct device_conf kc;
	size_t i;

	by_name = xcalloc(d->ndevs + 1, sizeof(*by_name));
	for (i = 0; i < d->ndevs; i++)
		by_name[i] = &d->devs[i];
	qsort(by_name, d->ndevs, sizeof(*by_name), dev_cmp_name);
	key.conf = &kc;
	for (i = 0; i < d->ndevs; i++) {
		if ((kc.name = d->devs[i].conf->parent) == NULL ||
		    (hit = bsearch(&kp, by_name, d->ndevs, sizeof(*by_name),
		    dev_cmp_name)) == NULL)
			continue;
		p = *hit;
		p->kids = xreallocarray(p->kids, p->nkids + 1, sizeof(*p->kids));
		p->kids[p->nkids++] = &d->devs[i];
	}
	free(by_name);
}

void
daemon_devices_build(struct daemon *d, sched_fn run)
{
	size_t i;

	d->ndevs = d->conf->ndevices;
	d->devs = xcalloc(d->ndevs + 1, sizeof(*d->devs));
	for (i = 0; i < d->ndevs; i++) {
		device_open(d, &d->devs[i], &d->conf->devices[i], run);
		d->devs[i].recheck_ev = evtimer_new(d->base, trap_recheck,
		    &d->devs[i]);
	}
	devices_link(d);
}

void
daemon_devices_free(struct device_rt *devs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		device_close(&devs[i]);
		event_free(devs[i].recheck_ev);
		free(devs[i].kids);
	}
	free(devs);
}

/*
 * A directory the daemon writes in, made (as root, given to its user) when
 * it is missing, the way systemd's StateDirectory= does; one that exists
 * is the administrator's and stays as it is.
 */
static void
state_dir_make(const struct privdrop *pd, const char *path)
{
	char buf[4096], *p, c;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return;
	for (p = buf + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (mkdir(buf, 0750) == 0)
			priv_own(pd, buf);
		*p = c;
		if (c == '\0')
			break;
	}
}

/* After the drop: can the daemon's user write where it must? */
static int
state_dir_check(const char *path, const char *what, char *err, size_t errlen)
{
	if (access(path, W_OK | X_OK) == 0 || errno == ENOENT)
		return 0;
	snprintf(err, errlen, "%s %s: not writable as uid %u (%s): give it "
	    "to nocwatchd's user", what, path, (unsigned)geteuid(),
	    strerror(errno));
	return -1;
}

/*
 * What needs privilege first (the trap port, the HTTP port, the control
 * socket; no thread yet, so the drop covers the whole process), then the
 * drop, then everything else as the daemon's own user.
 */
static int
privileged_open(struct daemon *d, char *err, size_t errlen)
{
	const struct privdrop *pd = d->priv;
	char tmp[4096], dbdir[4096];

	if (traps_open(d, err, errlen) == -1)
		return -1;
	if (control_open(d, d->conf->control, err, errlen) == -1)
		return -1;
	err[0] = '\0';
	if ((d->httpd = httpd_start(d, err, errlen)) == NULL && err[0] != '\0')
		return -1;
	if (pd == NULL)
		return 0;
	snprintf(tmp, sizeof(tmp), "%s", d->conf->state_db);
	snprintf(dbdir, sizeof(dbdir), "%s", dirname(tmp));
	if (pd->user[0] != '\0') {
		priv_own(pd, d->control_path);
		state_dir_make(pd, d->conf->rrd_dir);
		state_dir_make(pd, dbdir);
	}
	if (priv_drop(pd, err, errlen) == -1)
		return -1;
	if (pd->user[0] == '\0')
		return 0;
	if (state_dir_check(d->conf->rrd_dir, "rrd-dir", err, errlen) == -1 ||
	    state_dir_check(dbdir, "the store's directory", err, errlen) == -1)
		return -1;
	return 0;
}

/* The engine's pace: an evaluation every INCIDENT_EVAL_MS, and one
 * INCIDENT_SOON_MS after a change asks for it. */
static void
inc_eval_run(evutil_socket_t fd, short what, void *arg)
{
	struct daemon *d = arg;

	(void)fd;
	(void)what;
	event_del(d->eval_soon);	/* done now: a later change asks again */
	incident_evaluate(d->inc);
}

static void
inc_eval(evutil_socket_t fd, short what, void *arg)
{
	lw_enter("the incident evaluation");
	inc_eval_run(fd, what, arg);
	lw_leave();
}

static void
inc_soon(void *arg)
{
	struct daemon *d = arg;
	struct timeval tv = { 0, INCIDENT_SOON_MS * 1000 };

	if (d->eval_soon != NULL && !event_pending(d->eval_soon, EV_TIMEOUT,
	    NULL))
		event_add(d->eval_soon, &tv);
}

/* New notifications in the store: the deliverer looks now. */
static void
inc_changed(void *arg)
{
	struct daemon *d = arg;

	notifier_kick(d->nt);
}

/* The notifier's store, on the store's thread (none at a stop). */
static void
nt_store_call(void *ctx, void (*run)(struct store *, void *),
    void (*done)(void *, int), void *arg)
{
	struct daemon *d = ctx;

	if (d->sw != NULL)
		storew_call(d->sw, run, done, arg);
	else
		done(arg, 0);
}

static int
engine_start(struct daemon *d, char *err, size_t errlen)
{
	struct timeval tv = { 0, INCIDENT_EVAL_MS * 1000 };
	struct notify_store ns;
	struct inc_host host;

	if (daemon_store_open(d, err, errlen) == -1)
		return -1;
	/* The engine's changes are committed by the store's thread. */
	if ((d->sw = storew_new(d, d->base, d->conf->state_db, err,
	    errlen)) == NULL)
		return -1;
	daemon_inc_host(d, &host);
	host.soon = inc_soon;
	host.changed = inc_changed;
	if ((d->inc = incident_engine_new(d->conf, d->devs, d->ndevs, &host,
	    err, errlen)) == NULL)
		return -1;
	ns.call = nt_store_call;
	ns.ctx = d;
	d->nt = notifier_new(d->base, d->http, &ns);
	notifier_configure(d->nt, d->conf);
	d->eval_timer = event_new(d->base, -1, EV_PERSIST, inc_eval, d);
	d->eval_soon = event_new(d->base, -1, 0, inc_eval, d);
	event_add(d->eval_timer, &tv);
	return 0;
}

int
daemon_start(struct daemon *d, struct config *conf, char *err, size_t errlen)
{
	const char *defs = conf->layouts_dir ? conf->layouts_dir :
	    NOCWATCH_DEFS_DIR;
	d->conf = conf;
	d->started = time(NULL);
	d->control_fd = -1;
	if (rrdstore_layouts_load(defs, &d->layouts, &d->nlayouts, err, errlen) == -1)
		return -1;
	d->dns = evdns_base_new(d->base, EVDNS_BASE_INITIALIZE_NAMESERVERS |
	    EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	d->icmp = icmp_engine_new(d->base);
	d->snmp = snmp_engine_new(d->base);
	d->http = http_engine_new(d->base);
	d->sched = sched_new(d->base, 1000);
	if (privileged_open(d, err, errlen) == -1)
		return -1;
	if ((d->control_q = workq_new(d->base, "control", 16, err,
	    errlen)) == NULL || httpd_workers(d->httpd, err, errlen) == -1)
		return -1;
	if ((d->rrd = rrdstore_new(conf->rrd_dir, conf->rrdcached, err,
	    errlen)) == NULL)
		return -1;
	rrdstore_set_cache(d->rrd, conf->rrd_write_delay / 1000,
	    conf->rrd_cache_max);
	daemon_devices_build(d, check_run);
	if (engine_start(d, err, errlen) == -1)
		return -1;
	log_info("started: %zu sites, %zu devices, %zu links", conf->nsites,
	    conf->ndevices, conf->nlinks);
	return 0;
}

/*
 * A checked configuration taken while the daemon runs: the devices built
 * again (run: what starts a check), their last results and observations
 * carried over by name, the incident engine told (a controller it had not
 * watched brings its stored AP inventory, read on the store's thread).
 * The checks under way on the old devices are dropped with them.  The
 * replays reload through this too, with their simulated checks.
 */
void
daemon_apply_conf(struct daemon *d, struct config *nc, void (*run)(void *))
{
	struct device_rt *odevs = d->devs;
	size_t on = d->ndevs;

	d->conf = nc;
	daemon_devices_build(d, run);
	carry_over(d->devs, d->ndevs, odevs, on);
	incident_engine_reload(d->inc, d->conf, d->devs, d->ndevs);
	daemon_devices_free(odevs, on);
}

int
daemon_reload(struct daemon *d)
{
	struct config *nc = config_load(d->conf_path), *old;
	size_t i;

	if (nc->nerrors > 0) {
		for (i = 0; i < nc->nerrors; i++)
			log_warnx("reload: %s", nc->errors[i]);
		log_warnx("reload: %s has errors; the running configuration "
		    "stays", d->conf_path);
		config_free(nc);
		return -1;
	}
	old = d->conf;
	daemon_apply_conf(d, nc, check_run);
	notifier_configure(d->nt, d->conf);
	/* What the cache holds goes out now (without waiting), and the
	 * new delay and bound apply from here. */
	rrdstore_set_cache(d->rrd, nc->rrd_write_delay / 1000,
	    nc->rrd_cache_max);
	rrdstore_flush_async(d->rrd);
	config_free(old);
	log_info("reloaded: %zu sites, %zu devices, %zu links", nc->nsites,
	    nc->ndevices, nc->nlinks);
	return 0;
}

void
daemon_stop(struct daemon *d)
{
	/* Deliveries under way end (to be retried); then the store's thread
	 * writes what is queued and answers the commands waiting for it,
	 * while their clients' connections are still open. */
	notifier_stop(d->nt);
	storew_free(d->sw, 5000);
	d->sw = NULL;
	control_close(d);
	trap_listener_free(d->traps);
	httpd_free(d->httpd);
	d->httpd = NULL;
	if (d->eval_timer != NULL)
		event_free(d->eval_timer);
	if (d->eval_soon != NULL)
		event_free(d->eval_soon);
	d->eval_timer = d->eval_soon = NULL;
	notifier_free(d->nt);
	d->nt = NULL;
	incident_engine_free(d->inc);
	d->inc = NULL;
	store_close(d->st);
	d->st = NULL;
	daemon_devices_free(d->devs, d->ndevs);
	sched_free(d->sched);
	rrdstore_free(d->rrd, 10000);	/* flushes what is queued */
	http_engine_free(d->http);
	snmp_engine_free(d->snmp);
	icmp_engine_free(d->icmp);
	if (d->dns != NULL)
		evdns_base_free(d->dns, 0);
	free(d->layouts);
	config_free(d->conf);
}

struct device_rt *
daemon_device_by_address(struct daemon *d, const char *addr)
{
	size_t i;

	for (i = 0; i < d->ndevs; i++)
		if (strcmp(d->devs[i].conf->address, addr) == 0)
			return &d->devs[i];
	return NULL;
}

void
daemon_recheck(struct daemon *d, struct device_rt *dev, int by_trap)
{
	size_t i;

	for (i = 0; i < dev->nchecks; i++) {
		/* A passive watch listens anyway: nothing to run again. */
		if (dev->checks[i].conf->type == CHECK_PCAP)
			continue;
		dev->checks[i].by_trap = by_trap;
		dev->checks[i].rerun = 1;
		sched_run_now(dev->checks[i].item);
	}
	/* What hangs below it is re-checked too (bounded: no cycles). */
	for (i = 0; i < dev->nkids; i++)
		daemon_recheck(d, dev->kids[i], by_trap);
}

