/*
 * The incident engine replayed in virtual time (replay.h).
 *
 * What is real: the configuration (parsed by config_load), the daemon's
 * devices and checks (daemon_devices_build), the scheduler with its
 * phases, retries and re-checks, every check's end (check_probe_done, the
 * soft/hard states), the incident engine and its SQLite store, the
 * report, the outbox rows a service desk would be sent (a webhook that
 * is never called: the loop never runs).  What is simulated: the network.
 * A check that starts asks the world at that moment and ends after the
 * time its probe would take; the engine evaluates every half second, as
 * its timer does, and 50 ms after a change asked it to, as its "soon"
 * does; the clock moves only from one event to the next.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "clock.h"
#include "escape.h"
#include "config.h"
#include "daemon.h"
#include "incident.h"
#include "log.h"
#include "report.h"
#include "scheduler.h"
#include "store.h"
#include "storew.h"
#include "trap.h"
#include "replay.h"

#define EPOCH_MS	1796000000000LL	/* 2026-11-29, a Sunday */
#define MAX_RUNS	64

static const char estate[] =
"state-db \"%s/replay.db\"\n"
"rrd-dir \"%s/rrd\"\n"
"control-socket \"%s/ctl.sock\"\n"
"http-listen none\n"
"user root\n"
"incidents { correlation-window 5s  hold-down 30s  reopen-window %ds }\n"
"defaults { interval 2s  timeout 1s  retries 1 }\n"
"notify webhook \"http://127.0.0.1:9/desk\"\n"
"site \"dc\" { kind datacentre }\n"
"site \"library\" { kind remote  parent \"dc\" }\n"
"site \"depot\" { kind remote  parent \"dc\" }\n"
"device \"core\" { site \"dc\" address 198.18.0.1\n"
"	snmp version 2c community \"r\"\n"
"	check icmp { count 5 }\n"
"	check snmp-metrics { oids { ifOperStatus } } }\n"
"device \"lib-rtr\" { site \"library\" address 198.18.1.1 parent \"core\"\n"
"	check icmp { count 5  warning 60ms,10%%  critical 400ms,60%% } }\n"
"device \"lib-sw\" { site \"library\" address 198.18.1.2 parent \"lib-rtr\"\n"
"	check icmp { count 5 } }\n"
"device \"lib-cam\" { site \"library\" address 198.18.1.3 parent \"lib-sw\"\n"
"	check icmp { interval 5m  count 5 } }\n"
"device \"dep-rtr\" { site \"depot\" address 198.18.2.1 parent \"core\"\n"
"	check icmp { count 5  warning 60ms,10%%  critical 400ms,60%% } }\n"
"device \"dep-sw\" { site \"depot\" address 198.18.2.2 parent \"dep-rtr\"\n"
"	check icmp { count 5 } }\n"
"link \"lib-fibre\" { from \"core\" interface \"ge-0/0/1\"\n"
"	to \"lib-rtr\" interface \"ge-0/0/0\" }\n"
"link \"dep-fibre-1\" { from \"core\" interface \"ge-0/0/2\"\n"
"	to \"dep-rtr\" interface \"ge-0/0/0\" group \"depot\" }\n"
"link \"dep-fibre-2\" { from \"core\" interface \"ge-0/0/3\"\n"
"	to \"dep-rtr\" interface \"ge-0/0/1\" group \"depot\" }\n";

struct run {
	struct check_rt		*c;
	double			 end;		/* virtual ms */
	enum probe_outcome	 outcome;
	double			 rtt, loss;
	int			 up;	/* snmp: the links read */
};

struct sim_dev {
	int	 down;		/* no answer at all (powered off, restarting) */
	int	 silent;	/* 1: everything to it dropped; 2: its agent's */
	int	 restarted;	/* its agent came back: sysUpTime from zero */
	double	 loss;		/* % on its path (its site's) */
	double	 delay;		/* ms added on its path */
	int	 parent;	/* index, -1: none */
	int	 ups_source;	/* upsOutputSource: 3 mains, 5 battery */
	int	 reach;		/* from the monitor (reach_update) */
	int	 traps;		/* sends link and coldStart traps (a router) */
};

struct sim_ap {
	char	 name[64], site[64], index[48];
	int	 status;	/* 1 associated, 2 disassociating */
	int	 present;	/* in the controller's table */
};

/* A trap on its way: a router's agent sees its interface change within a
 * second (snmpd's monitor -r 1) and tells the monitor, if it can. */
struct sim_trap {
	double	 due;
	int	 dev;
	int	 event;		/* TRAP_EV_LINK_DOWN, _UP, _COLD_START */
	long	 if_index;
};
#define MAX_TRAPS	64

struct replay {
	struct daemon		 d;
	struct sim_dev		*sd;
	int			*cut;	/* per link of the config */
	int			*unrouted;	/* up, its routes not back */
	int			*gone;	/* its ends deleted (a reboot) */
	int			(*ends)[2];	/* its devices' indexes */
	unsigned		 world_gen, reach_gen;
	struct sim_ap		*aps;
	size_t			 naps;
	int			 traps;	/* routers send traps */
	struct sim_trap		 trapq[MAX_TRAPS];
	size_t			 ntraps;
	json_t			*log;	/* the trap receiver's lines */
	struct run		 runs[MAX_RUNS];
	size_t			 nruns;
	double			 t0, next_eval;
	int			 asked;	/* an evaluation soon */
	unsigned		 rng;
	/* The daemon's store thread (REPLAY_ASYNC). */
	int			 async, fail_pct;
	unsigned		 frng;
	struct event_base	*wbase;		/* its answers */
	unsigned long long	 turns, turns_failed;
	char			 dir[512];
	char			*conf_text;	/* the estate, for a reload */
	/* Devices a reload took out of the configuration: the world keeps
	 * them as they were (a reload changes the monitor, not the wires). */
	struct parked {
		char		 name[128];
		struct sim_dev	 sd;
	}			*parked;
	size_t			 nparked;
};

static struct replay *current;	/* the probes' world */

static unsigned
rnd(struct replay *r)
{
	r->rng = r->rng * 1103515245u + 12345u;
	return (r->rng >> 16) & 0x7fff;
}

static int
dev_index(struct replay *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->d.ndevs; i++)
		if (strcmp(r->d.devs[i].conf->name, name) == 0)
			return (int)i;
	return -1;
}

/* Can packets cross link i? */
static int
link_usable(struct replay *r, size_t i)
{
	return !r->cut[i] && !r->gone[i] && !r->unrouted[i];
}

static int
in_datacentre(struct replay *r, int i)
{
	const struct site_conf *s = config_site(r->d.conf,
	    r->d.devs[i].conf->site);

	return s != NULL && s->kind == SITE_DATACENTRE;
}

/*
 * Who the monitor can reach: from the devices at the top (no parent), over
 * a device's tie to its parent — its links when the configuration joins
 * them by links (one usable is enough), else their LAN — and over every
 * other usable link (a site's second fibre to the other datacentre: a way
 * in for that site, never a way through it to a datacentre, as the lab's
 * static routes are), never through a device that is down.  Worked out
 * again only when the world changed.
 */
static void
reach_update(struct replay *r)
{
	size_t i, l;
	int changed, p, a, b, any, up;

	if (r->reach_gen == r->world_gen)
		return;
	for (i = 0; i < r->d.ndevs; i++)
		r->sd[i].reach = r->sd[i].parent < 0 && !r->sd[i].down;
	do {
		changed = 0;
		for (i = 0; i < r->d.ndevs; i++) {
			if (r->sd[i].reach || r->sd[i].down ||
			    (p = r->sd[i].parent) < 0 || !r->sd[p].reach)
				continue;
			for (l = 0, any = up = 0; l < r->d.conf->nlinks; l++) {
				a = r->ends[l][0];
				b = r->ends[l][1];
				if ((a == (int)i && b == p) ||
				    (a == p && b == (int)i)) {
					any = 1;
					up |= link_usable(r, l);
				}
			}
			if (!any || up)
				r->sd[i].reach = changed = 1;
		}
		/* A remote site's second way in serves that site, never as
		 * a way through to a datacentre (static routes, as in the
		 * lab). */
		for (l = 0; l < r->d.conf->nlinks; l++) {
			a = r->ends[l][0];
			b = r->ends[l][1];
			if (a < 0 || b < 0 || !link_usable(r, l) ||
			    r->sd[a].reach == r->sd[b].reach)
				continue;
			if (r->sd[a].reach && !r->sd[b].down &&
			    !in_datacentre(r, b))
				r->sd[b].reach = changed = 1;
			else if (r->sd[b].reach && !r->sd[a].down &&
			    !in_datacentre(r, a))
				r->sd[a].reach = changed = 1;
		}
	} while (changed);
	r->reach_gen = r->world_gen;
}

static int
reachable(struct replay *r, int i)
{
	reach_update(r);
	return r->sd[i].reach;
}

/* The worst loss, and the delay, on the way to device i. */
static double
path_loss(struct replay *r, int i, double *delay)
{
	double loss = 0;
	int p;

	*delay = 0;
	for (; i >= 0; i = p) {
		if (r->sd[i].loss > loss)
			loss = r->sd[i].loss;
		if (r->sd[i].delay > *delay)
			*delay = r->sd[i].delay;
		p = r->sd[i].parent;
	}
	return loss;
}

/* The scheduler's run function: what check_run is in the daemon. */
static void
sim_run(void *arg)
{
	struct check_rt *c = arg;
	struct replay *r = current;
	const struct check_conf *k = c->conf;
	int di = (int)(c->dev - r->d.devs), n, got, i;
	struct run *u;
	double now = mono_ms(), loss, delay;

	if (c->running != NULL || r->nruns == MAX_RUNS)
		return;
	c->last_run = (time_t)(wall_ms() / 1000);
	c->last_by_trap = c->by_trap;
	c->by_trap = 0;
	c->rerun = 0;
	c->running = c;
	u = &r->runs[r->nruns++];
	memset(u, 0, sizeof(*u));
	u->c = c;
	u->rtt = NAN;
	u->loss = NAN;
	loss = path_loss(r, di, &delay);
	if (!reachable(r, di) || r->sd[di].silent == 1 ||
	    (k->type != CHECK_ICMP && r->sd[di].silent == 2)) {
		u->outcome = PROBE_TIMEOUT;
		u->end = now + k->timeout_ms;
		return;
	}
	if (k->type != CHECK_ICMP) {
		/* A request and its answer each lost with the path's loss,
		 * tried twice (retries 1). */
		for (i = got = 0; i < 2 && !got; i++)
			got = rnd(r) % 10000 >= (unsigned)(loss * 100) &&
			    rnd(r) % 10000 >= (unsigned)(loss * 100);
		u->outcome = got && delay < k->timeout_ms ? PROBE_OK :
		    PROBE_TIMEOUT;
		u->up = u->outcome == PROBE_OK;
		u->end = now + (u->up ? 5 + delay : k->timeout_ms);
		return;
	}
	/* Each echo request lost with the path's loss; the replies that came
	 * back make the result, a run with none is a timeout. */
	n = k->count > 0 ? k->count : 3;
	for (i = got = 0; i < n; i++)
		if (rnd(r) % 10000 >= (unsigned)(loss * 100))
			got++;
	u->rtt = 4 + delay + (loss > 0 ? 150 : 0);
	if (u->rtt >= k->timeout_ms)
		got = 0;
	u->outcome = got > 0 ? PROBE_OK : PROBE_TIMEOUT;
	u->loss = 100.0 * (n - got) / n;
	u->end = now + (got == n ? u->rtt : k->timeout_ms);
}

static int
polls(const struct check_conf *k, const char *oid)
{
	size_t i;

	for (i = 0; i < k->noids; i++)
		if (strcmp(k->oids[i], oid) == 0)
			return 1;
	return 0;
}

/* Link i's ends on the polled device: their ifOperStatus, or only their
 * names when the poll does not ask for it; nothing for an interface a
 * reboot deleted. */
static void
if_report(struct replay *r, struct check_rt *c, size_t i)
{
	const struct link_conf *l = &r->d.conf->links[i];
	int end;

	for (end = 0; end < 2; end++) {
		if (strcmp(l->dev[end], c->dev->conf->name) != 0 || r->gone[i])
			continue;
		if (polls(c->conf, "ifOperStatus"))
			incident_ifstatus(c->dev, 100 + (long)i * 2 + end,
			    l->ifname[end], r->cut[i] ? 2 : 1);
		else
			incident_ifname(c->dev, 100 + (long)i * 2 + end,
			    l->ifname[end]);
	}
}

/* The controller's AP table, as a walk of it reads. */
static void
aps_report(struct replay *r, struct check_rt *c)
{
	struct ap_row *rows = calloc(r->naps + 1, sizeof(*rows));
	size_t i, n = 0;

	for (i = 0; rows != NULL && i < r->naps; i++) {
		if (!r->aps[i].present)
			continue;
		str_copy(rows[n].index, sizeof(rows[n].index), r->aps[i].index);
		str_copy(rows[n].name, sizeof(rows[n].name), r->aps[i].name);
		rows[n++].status = r->aps[i].status;
	}
	if (rows != NULL)
		incident_aps(c->dev, rows, n, 1);
	free(rows);
}

static void
run_end(struct replay *r, struct run *u)
{
	struct check_rt *c = u->c;
	struct probe_result res;
	size_t i;

	probe_result_init(&res, c->dev->conf->address);
	res.outcome = u->outcome;
	str_copy(res.detail, sizeof(res.detail), u->outcome == PROBE_OK ? "" :
	    "no reply within the timeout");
	res.elapsed_ms = c->conf->type == CHECK_ICMP && u->outcome == PROBE_OK ?
	    u->rtt : c->conf->timeout_ms;
	if (c->conf->type == CHECK_ICMP && u->outcome == PROBE_OK) {
		probe_result_add(&res, "rtt_median", "ms", u->rtt);
		probe_result_add(&res, "rtt_min", "ms", u->rtt);
		probe_result_add(&res, "rtt_max", "ms", u->rtt);
		probe_result_add(&res, "loss_pct", "%", u->loss);
	}
	/* An SNMP value: a UPS's output source, else what is expected. */
	if (c->conf->type == CHECK_SNMP_STATUS && u->up) {
		int ups = strncmp(c->conf->target, "upsOutputSource", 15) == 0;
		double v = ups ? r->sd[c->dev - r->d.devs].ups_source :
		    c->conf->expect ? atof(c->conf->expect) : 1;

		c->value = v;
		if (c->conf->expect != NULL && v != atof(c->conf->expect)) {
			res.outcome = PROBE_BAD_RESPONSE;
			snprintf(res.detail, sizeof(res.detail), "%s is %.0f, "
			    "expected %s", c->conf->target, v,
			    c->conf->expect);
		}
	}
	if (c->conf->type == CHECK_SNMP_METRICS && u->up) {
		struct sim_dev *sd = &r->sd[c->dev - r->d.devs];

		if (sd->restarted) {
			sd->restarted = 0;
			incident_restarted(c->dev, "sysUpTime went back (poll)");
		}
		/* The near end's interfaces, as a poll of it reads them. */
		for (i = 0; i < r->d.conf->nlinks; i++)
			if_report(r, c, i);
		/* The controller's AP table (the daemon knows it by the
		 * column it walks). */
		if (polls(c->conf, "bsnAPOperationStatus") ||
		    polls(c->conf, "wlanAPStatus")) {
			c->ap_table = 1;
			aps_report(r, c);
		}
	}
	check_probe_done(&res, c);
}

/*
 * The daemon commits the changes of one turn of its loop in one
 * transaction on the store's thread (src/daemon/storew.c), and the engine
 * changes nothing until it hears how that went.  REPLAY_ASYNC=1 hosts the
 * engine on that same thread: each of step()'s phases is a turn, whose
 * changes the thread commits while the replay waits for its answer (on an
 * event base of its own: the replay's clock is virtual, the thread's
 * answer real).  REPLAY_COMMIT_FAIL=PCT: that share of the turns find the
 * store locked by another connection (the replay's own) and fail, as a
 * store held by another process does — the engine takes its changes back
 * and makes them again.
 */
static void
turn_end(struct replay *r)
{
	struct storew_stats a, b;
	int held = 0;

	if (r->d.sw == NULL || !storew_busy(r->d.sw))
		return;
	storew_stats(r->d.sw, &a);
	r->frng = r->frng * 1103515245u + 12345u;
	if ((int)((r->frng >> 16) % 100) < r->fail_pct &&
	    store_begin(r->d.st) == 0)
		held = 1;
	while (storew_busy(r->d.sw))
		event_base_loop(r->wbase, EVLOOP_ONCE);
	if (held)
		store_rollback(r->d.st);
	storew_stats(r->d.sw, &b);
	r->turns += b.commits - a.commits + b.failures - a.failures;
	r->turns_failed += b.failures - a.failures;
}

unsigned long long
replay_turns(const struct replay *r, unsigned long long *failed)
{
	*failed = r->turns_failed;
	return r->turns;
}

/* An evaluation asked for soon: 50 ms after the runs that end now. */
static void
host_soon(void *arg)
{
	(void)arg;
	if (current != NULL)
		current->asked = 1;
}

/* The engine (again, after a restart) on the store the configuration
 * names, hosted as the daemon hosts it but for the loop's part: the
 * replay evaluates when the engine asks, and delivers nothing. */
static int
engine_start(struct replay *r)
{
	struct inc_host host;
	char err[256];

	if (daemon_store_open(&r->d, err, sizeof(err)) == -1) {
		fprintf(stderr, "replay: %s\n", err);
		return -1;
	}
	if (r->async) {
		if (r->wbase == NULL)
			r->wbase = event_base_new();
		if ((r->d.sw = storew_new(&r->d, r->wbase, r->d.conf->state_db,
		    err, sizeof(err))) == NULL) {
			fprintf(stderr, "replay: %s\n", err);
			return -1;
		}
		/* A lock is a failure at once, not after 12 s. */
		storew_patience(r->d.sw, 2, 2, 0);
	}
	daemon_inc_host(&r->d, &host);
	host.soon = host_soon;
	host.changed = NULL;
	if ((r->d.inc = incident_engine_new(r->d.conf, r->d.devs, r->d.ndevs,
	    &host, err, sizeof(err))) == NULL) {
		fprintf(stderr, "replay: %s\n", err);
		return -1;
	}
	return 0;
}

/* Names to indexes, once for each configuration: the probes ask for
 * every run (a device's parent, a link's ends; routers send traps). */
static void
sim_wire(struct replay *r)
{
	size_t i, k;

	for (i = 0; i < r->d.ndevs; i++)
		r->sd[i].parent = r->d.devs[i].conf->parent ? dev_index(r,
		    r->d.devs[i].conf->parent) : -1;
	for (i = 0; i < r->d.conf->nlinks; i++)
		for (k = 0; k < 2; k++)
			if ((r->ends[i][k] = dev_index(r,
			    r->d.conf->links[i].dev[k])) >= 0)
				r->sd[r->ends[i][k]].traps = 1;
}

struct replay *
replay_new_conf(const char *dir, const char *conf)
{
	struct replay *r = calloc(1, sizeof(*r));
	char path[600];
	size_t i;
	FILE *f;

	if (r == NULL)
		return NULL;
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	if ((r->conf_text = strdup(conf)) == NULL)
		return NULL;
	snprintf(path, sizeof(path), "%s/replay.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		return NULL;
	fputs(conf, f);
	fclose(f);
	clock_virtual(1e6, EPOCH_MS);
	r->t0 = mono_ms();
	r->next_eval = r->t0;
	r->rng = 20261203;
	r->frng = 1203;
	r->async = getenv("REPLAY_ASYNC") != NULL &&
	    atoi(getenv("REPLAY_ASYNC")) != 0;
	if (getenv("REPLAY_COMMIT_FAIL") != NULL)
		r->fail_pct = atoi(getenv("REPLAY_COMMIT_FAIL"));
	r->world_gen = 1;
	r->log = json_array();
	current = r;
	if ((r->d.conf = config_load(path)) == NULL ||
	    r->d.conf->nerrors > 0) {
		fprintf(stderr, "replay: %s: %s\n", path, r->d.conf &&
		    r->d.conf->nerrors ? r->d.conf->errors[0] : "not loaded");
		return NULL;
	}
	r->d.base = event_base_new();
	r->d.sched = sched_new(r->d.base, 1000);
	daemon_devices_build(&r->d, sim_run);
	r->sd = calloc(r->d.ndevs + 1, sizeof(*r->sd));
	r->cut = calloc(r->d.conf->nlinks + 1, sizeof(*r->cut));
	r->unrouted = calloc(r->d.conf->nlinks + 1, sizeof(*r->unrouted));
	r->gone = calloc(r->d.conf->nlinks + 1, sizeof(*r->gone));
	r->ends = calloc(r->d.conf->nlinks + 1, sizeof(*r->ends));
	if (r->sd == NULL || r->cut == NULL || r->ends == NULL ||
	    r->unrouted == NULL || r->gone == NULL)
		return NULL;
	for (i = 0; i < r->d.ndevs; i++)
		r->sd[i].ups_source = 3;
	sim_wire(r);
	if (engine_start(r) == -1)
		return NULL;
	return r;
}

struct replay *
replay_new(const char *dir, int reopen_s)
{
	return replay_new_more(dir, reopen_s, NULL);
}

struct replay *
replay_new_more(const char *dir, int reopen_s, const char *more)
{
	char conf[sizeof(estate) + 4000];
	size_t n;

	n = (size_t)snprintf(conf, sizeof(conf), estate, dir, dir, dir,
	    reopen_s);
	if (more != NULL && n < sizeof(conf))
		snprintf(conf + n, sizeof(conf) - n, "%s", more);
	return replay_new_conf(dir, conf);
}

void
replay_free(struct replay *r)
{
	if (r == NULL)
		return;
	storew_free(r->d.sw, 5000);
	incident_engine_free(r->d.inc);
	if (r->wbase != NULL)
		event_base_free(r->wbase);
	store_close(r->d.st);
	daemon_devices_free(r->d.devs, r->d.ndevs);
	sched_free(r->d.sched);
	event_base_free(r->d.base);
	config_free(r->d.conf);
	free(r->sd);
	free(r->cut);
	free(r->unrouted);
	free(r->gone);
	free(r->ends);
	free(r->aps);
	free(r->conf_text);
	free(r->parked);
	json_decref(r->log);
	free(r);
}

static void
trap_queue(struct replay *r, int dev, int event, long if_index, double in_ms)
{
	struct sim_trap *x;

	if (!r->traps || dev < 0 || !r->sd[dev].traps || r->ntraps == MAX_TRAPS)
		return;
	x = &r->trapq[r->ntraps++];
	x->due = mono_ms() + in_ms;
	x->dev = dev;
	x->event = event;
	x->if_index = if_index;
}

/* A trap that reaches the monitor as the receiver hands it on: logged,
 * given to the engine, the device's subtree re-checked. */
static void
trap_deliver(struct replay *r, const struct sim_trap *x)
{
	static const uint32_t ids[][10] = {
		[TRAP_EV_LINK_DOWN] = { 1, 3, 6, 1, 6, 3, 1, 1, 5, 3 },
		[TRAP_EV_LINK_UP] = { 1, 3, 6, 1, 6, 3, 1, 1, 5, 4 },
		[TRAP_EV_COLD_START] = { 1, 3, 6, 1, 6, 3, 1, 1, 5, 1 },
		[TRAP_EV_UPS_ON_BATTERY] = { 1, 3, 6, 1, 2, 1, 33, 2, 1 },
	};
	struct device_rt *dev = &r->d.devs[x->dev];
	struct trap t;
	char line[600], fmt[512];
	size_t n;

	if (!reachable(r, x->dev) || r->sd[x->dev].silent == 1)
		return;
	memset(&t, 0, sizeof(t));
	t.version = 2;
	str_copy(t.source, sizeof(t.source), dev->conf->address);
	t.event = x->event;
	t.if_index = x->if_index;
	for (n = 0; n < 10 && ids[x->event][n] != 0; n++)
		t.oid.n[n] = ids[x->event][n];
	t.oid.len = n;
	snprintf(line, sizeof(line), "trap: %s", trap_format(&t, fmt,
	    sizeof(fmt)));
	json_array_append_new(r->log, json_string(line));
	incident_trap(r->d.inc, dev, &t);
	daemon_recheck(&r->d, dev, 1);
}

/* The next thing to happen: a run's end, a check due, an evaluation. */
static double
next_event(struct replay *r)
{
	double t = r->next_eval, due;
	size_t i, k;

	for (i = 0; i < r->nruns; i++)
		if (r->runs[i].end < t)
			t = r->runs[i].end;
	for (i = 0; i < r->ntraps; i++)
		if (r->trapq[i].due < t)
			t = r->trapq[i].due;
	for (i = 0; i < r->d.ndevs; i++)
		for (k = 0; k < r->d.devs[i].nchecks; k++) {
			due = sched_due(r->d.devs[i].checks[k].item);
			if (due < t)
				t = due;
		}
	return t;
}

static void
step(struct replay *r)
{
	double t = next_event(r), now = mono_ms();
	size_t i, k;
	int fired, ended;

	turn_end(r);	/* what a fault's own calls changed */
	if (t > now)
		clock_advance(t - now);
	now = mono_ms();
	/* Runs that end now, in the order they started. */
	for (i = 0, ended = 0; i < r->nruns; ) {
		if (r->runs[i].end <= now) {
			struct run u = r->runs[i];

			memmove(&r->runs[i], &r->runs[i + 1],
			    (r->nruns - i - 1) * sizeof(r->runs[0]));
			r->nruns--;
			run_end(r, &u);
			turn_end(r);
			ended = 1;
		} else
			i++;
	}
	/* Traps that arrive now. */
	for (i = 0; i < r->ntraps; ) {
		if (r->trapq[i].due <= now) {
			struct sim_trap x = r->trapq[i];

			memmove(&r->trapq[i], &r->trapq[i + 1],
			    (r->ntraps - i - 1) * sizeof(r->trapq[0]));
			r->ntraps--;
			trap_deliver(r, &x);
			turn_end(r);
		} else
			i++;
	}
	/* Checks due (a retry or a re-check may make another due now). */
	do {
		fired = 0;
		for (i = 0; i < r->d.ndevs; i++)
			for (k = 0; k < r->d.devs[i].nchecks; k++)
				if (sched_due(r->d.devs[i].checks[k].item) <=
				    now) {
					sched_fire(r->d.devs[i].checks[k].item);
					turn_end(r);
					fired = 1;
				}
	} while (fired);
	/* The engine's own pace: every half second, and 50 ms after a
	 * change asked for it. */
	if (ended && r->asked && now + INCIDENT_SOON_MS < r->next_eval)
		r->next_eval = now + INCIDENT_SOON_MS;
	if (now >= r->next_eval) {
		r->asked = 0;	/* done now: a later change asks again */
		incident_evaluate(r->d.inc);
		turn_end(r);
		r->next_eval = now + INCIDENT_EVAL_MS;
	}
}

void
replay_until(struct replay *r, double t)
{
	current = r;
	while (mono_ms() < r->t0 + t * 1000)
		step(r);
}

static int
link_index(struct replay *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->d.conf->nlinks; i++)
		if (strcmp(r->d.conf->links[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Link i down or up; routed: its routes there (a link set down loses
 * them, and only a repair puts them back). */
static void
link_set(struct replay *r, int i, int down, int routed)
{
	int end;

	if (i < 0)
		return;
	if (r->cut[i] != down)
		for (end = 0; end < 2; end++)
			trap_queue(r, r->ends[i][end], down ? TRAP_EV_LINK_DOWN :
			    TRAP_EV_LINK_UP, 100 + (long)i * 2 + end, 1000);
	r->cut[i] = down;
	r->unrouted[i] = !routed;
	r->world_gen++;
}

void
replay_link(struct replay *r, const char *name, int cut)
{
	link_set(r, link_index(r, name), cut, !cut);
}

void
replay_link_flap(struct replay *r, const char *name, int down)
{
	link_set(r, link_index(r, name), down, 0);
}

void
replay_device(struct replay *r, const char *name, int down)
{
	int i = dev_index(r, name);

	if (i >= 0)
		r->sd[i].down = down;
	r->world_gen++;
}

/* Is device i where the site's WAN ends (its parent in another site)? */
static int
site_edge(struct replay *r, size_t i, const char *site)
{
	return strcmp(r->d.devs[i].conf->site, site) == 0 &&
	    r->d.devs[i].conf->parent != NULL &&
	    strcmp(config_device(r->d.conf,
	    r->d.devs[i].conf->parent)->site, site) != 0;
}

void
replay_loss(struct replay *r, const char *site, double pct)
{
	size_t i;

	/* On the site's path: its routers (the edge where the WAN is). */
	for (i = 0; i < r->d.ndevs; i++)
		if (site_edge(r, i, site))
			r->sd[i].loss = pct;
}

void
replay_delay(struct replay *r, const char *site, double ms)
{
	size_t i;

	for (i = 0; i < r->d.ndevs; i++)
		if (site_edge(r, i, site))
			r->sd[i].delay = ms;
}

void
replay_silent(struct replay *r, const char *device, int how)
{
	int i = dev_index(r, device);

	if (i >= 0)
		r->sd[i].silent = how;
}

void
replay_ups(struct replay *r, const char *device, int source, int trap)
{
	int i = dev_index(r, device);

	if (i < 0)
		return;
	r->sd[i].ups_source = source;
	if (trap && source == 5) {
		/* snmptrap from the UPS, at once: before whatever follows
		 * (the site going dark) cuts it off. */
		struct sim_trap x = { mono_ms(), i, TRAP_EV_UPS_ON_BATTERY,
		    -1 };

		trap_deliver(r, &x);
	}
}

void
replay_dark(struct replay *r, const char *site)
{
	size_t i;
	int end;

	/* Every link of the site's routers down. */
	for (i = 0; i < r->d.conf->nlinks; i++)
		for (end = 0; end < 2; end++)
			if (r->ends[i][end] >= 0 && site_edge(r,
			    (size_t)r->ends[i][end], site))
				link_set(r, (int)i, 1, 0);
}

void
replay_reboot(struct replay *r, const char *site, int down)
{
	size_t i;
	int end;

	/* Its agents stop and its links vanish (the neighbours' ends with
	 * them); back, everything is new: links up, agents from zero (a
	 * coldStart from each router once it is up). */
	for (i = 0; i < r->d.ndevs; i++)
		if (strcmp(r->d.devs[i].conf->site, site) == 0) {
			r->sd[i].down = down;
			if (!down) {
				r->sd[i].restarted = 1;
				trap_queue(r, (int)i, TRAP_EV_COLD_START, -1,
				    1000);
			}
		}
	for (i = 0; i < r->d.conf->nlinks; i++) {
		int mine[2];

		for (end = 0; end < 2; end++)
			mine[end] = r->ends[i][end] >= 0 && strcmp(r->d.devs[
			    r->ends[i][end]].conf->site, site) == 0;
		if (!mine[0] && !mine[1])
			continue;
		/* The far end goes down as its peer goes (its agent says so
		 * in a linkDown), then is gone from its table. */
		for (end = 0; down && end < 2; end++)
			if (!mine[end] && !r->gone[i])
				trap_queue(r, r->ends[i][end], TRAP_EV_LINK_DOWN,
				    100 + (long)i * 2 + end, 1000);
		r->gone[i] = down;
		r->cut[i] = 0;
		r->unrouted[i] = 0;
	}
	r->world_gen++;
}

/* A device's own faults repaired (a link's are the link's). */
static void
sim_heal(struct sim_dev *sd)
{
	sd->silent = 0;
	sd->loss = sd->delay = 0;
	sd->ups_source = 3;
}

void
replay_restore(struct replay *r)
{
	size_t i;

	for (i = 0; i < r->d.conf->nlinks; i++) {
		link_set(r, (int)i, 0, 1);
		r->gone[i] = 0;
	}
	for (i = 0; i < r->d.ndevs; i++)
		sim_heal(&r->sd[i]);
	for (i = 0; i < r->nparked; i++)
		sim_heal(&r->parked[i].sd);
	replay_aps_set(r, "all", "back");
	replay_aps_set(r, "all", "up");
	r->world_gen++;
}

void
replay_routes(struct replay *r)
{
	size_t i;

	for (i = 0; i < r->d.conf->nlinks; i++)
		r->unrouted[i] = 0;
	r->world_gen++;
}

void
replay_traps(struct replay *r, int on)
{
	r->traps = on;
}

/* --- the Wi-Fi controller's table ----------------------------------- */

void
replay_aps_add(struct replay *r, const char *site, int n, const char *prefix)
{
	int k, sites = 0;
	size_t i;

	for (i = 0; i < r->naps; i++)
		if (i == 0 || strcmp(r->aps[i].site, r->aps[i - 1].site) != 0)
			sites++;
	r->aps = realloc(r->aps, (r->naps + (size_t)n + 1) * sizeof(*r->aps));
	for (k = 1; r->aps != NULL && k <= n; k++) {
		struct sim_ap *a = &r->aps[r->naps++];

		memset(a, 0, sizeof(*a));
		snprintf(a->name, sizeof(a->name), "%s-AP-%d", prefix, k);
		str_copy(a->site, sizeof(a->site), site);
		snprintf(a->index, sizeof(a->index), "0.26.161.2.%d.%d",
		    sites + 1, k);
		a->status = 1;
		a->present = 1;
	}
}

static void
ap_apply(struct sim_ap *a, const char *what)
{
	if (strcmp(what, "gone") == 0)
		a->present = 0;
	else if (strcmp(what, "back") == 0)
		a->present = 1;
	else if (strcmp(what, "down") == 0)
		a->status = 2;
	else if (strcmp(what, "up") == 0)
		a->status = 1;
}

/* SELECTOR as tests/lab/wlc_table.py reads it: all, site:NAME, first:N,
 * spread:N (one AP of each site in turn, never a site's last), or N. */
void
replay_aps_set(struct replay *r, const char *sel, const char *what)
{
	size_t i, j, n, left[64], nsites = 0, site_of[1024], picked = 0;
	char *colon;

	if (strspn(sel, "0123456789") == strlen(sel)) {
		for (i = 0; i < r->naps && i < (size_t)atoi(sel); i++)
			ap_apply(&r->aps[i], what);
		return;
	}
	colon = strchr(sel, ':');
	if (strcmp(sel, "all") == 0 || (strncmp(sel, "site:", 5) == 0)) {
		for (i = 0; i < r->naps; i++)
			if (sel[0] == 'a' || strcmp(r->aps[i].site, sel + 5) == 0)
				ap_apply(&r->aps[i], what);
		return;
	}
	if (colon == NULL)
		return;
	n = (size_t)atoi(colon + 1);
	if (strncmp(sel, "first:", 6) == 0) {
		for (i = 0; i < r->naps && i < n; i++)
			ap_apply(&r->aps[i], what);
		return;
	}
	/* spread: sites in order of their first AP; each site's queue. */
	for (i = 0; i < r->naps && i < 1024; i++) {
		for (j = 0; j < i; j++)
			if (strcmp(r->aps[j].site, r->aps[i].site) == 0)
				break;
		site_of[i] = j < i ? site_of[j] : nsites++;
	}
	memset(left, 0, sizeof(left));
	for (i = 0; i < r->naps && i < 1024; i++)
		if (site_of[i] < 64)
			left[site_of[i]]++;
	for (j = 0; picked < n; j++) {
		size_t s = j % (nsites ? nsites : 1), any = 0;

		for (i = 0; i < nsites && i < 64; i++)
			any |= left[i] > 1;
		if (!any)
			break;
		if (left[s] > 1) {
			/* This site's first AP not yet taken. */
			size_t seen = 0, total = 0;

			for (i = 0; i < r->naps; i++)
				if (site_of[i] == s)
					total++;
			for (i = 0; i < r->naps; i++)
				if (site_of[i] == s && seen++ == total - left[s]) {
					ap_apply(&r->aps[i], what);
					break;
				}
			left[s]--;
			picked++;
		}
	}
}

/* The controller keeps the APs it can reach: a site cut off loses its APs
 * from the table, and they rejoin when its router answers again. */
void
replay_aps_sync(struct replay *r)
{
	size_t i, k;

	for (i = 0; i < r->naps; i++)
		for (k = 0; k < r->d.ndevs; k++)
			if (site_edge(r, k, r->aps[i].site)) {
				r->aps[i].present = reachable(r, (int)k) &&
				    r->sd[k].silent != 1;
				break;
			}
}

/* --- the rest of the world ------------------------------------------ */

long long
replay_maintenance(struct replay *r, const char *site, double ms)
{
	char err[200];
	long long now = wall_ms();

	return incident_maint_add(r->d.inc, "site", site, now, now +
	    (long long)ms, "scenario", err, sizeof(err));
}

/* nocwatchd killed (-9) and started again on the same store: what it had
 * in memory is lost, runs in flight with it. */
/* kill -9: what the store's thread has not committed is lost; the
 * devices go with the process (built again by the caller). */
static void
engine_stop(struct replay *r)
{
	storew_free(r->d.sw, 5000);
	r->d.sw = NULL;
	incident_engine_free(r->d.inc);
	r->d.inc = NULL;	/* as a daemon starts */
	store_close(r->d.st);
	r->d.st = NULL;
	daemon_devices_free(r->d.devs, r->d.ndevs);
	r->d.devs = NULL;
	r->d.ndevs = 0;
	sched_free(r->d.sched);
	r->nruns = 0;
	r->d.sched = sched_new(r->d.base, 1000);
	r->next_eval = mono_ms();
}

int
replay_restart(struct replay *r)
{
	engine_stop(r);
	daemon_devices_build(&r->d, sim_run);
	return engine_start(r);
}

/* The estate's text without the devices named (each a `device "NAME"`
 * block, to its closing brace). */
static char *
conf_without(const char *text, const char *const *without, int n)
{
	size_t len = strlen(text), o = 0;
	char *out = malloc(len + 1), head[160];
	const char *p = text, *eol;
	int i, skip, depth = 0;

	if (out == NULL)
		return NULL;
	while (*p != '\0') {
		eol = strchr(p, '\n');
		eol = eol != NULL ? eol + 1 : p + strlen(p);
		skip = depth > 0;
		for (i = 0; !skip && i < n; i++) {
			snprintf(head, sizeof(head), "device \"%s\"", without[i]);
			skip = strncmp(p, head, strlen(head)) == 0;
		}
		if (skip) {
			for (; p < eol; p++)
				depth += *p == '{' ? 1 : *p == '}' ? -1 : 0;
			continue;
		}
		memcpy(out + o, p, (size_t)(eol - p));
		o += (size_t)(eol - p);
		p = eol;
	}
	out[o] = '\0';
	return out;
}

static struct sim_dev *
parked_find(struct replay *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nparked; i++)
		if (strcmp(r->parked[i].name, name) == 0)
			return &r->parked[i].sd;
	return NULL;
}

int
replay_reload(struct replay *r, const char *const *without, int n,
    int restart)
{
	struct config *nc, *old = r->d.conf;
	struct sim_dev *nsd, *p;
	char path[600], **names;
	size_t i, k, on = r->d.ndevs;
	int j, x;
	char *text;
	FILE *f;

	snprintf(path, sizeof(path), "%s/replay.conf", r->dir);
	if ((text = conf_without(r->conf_text, without, n)) == NULL ||
	    (f = fopen(path, "w")) == NULL) {
		free(text);
		return -1;
	}
	fputs(text, f);
	fclose(f);
	free(text);
	nc = config_load(path);
	if (nc == NULL || nc->nerrors > 0 || nc->nlinks != old->nlinks) {
		fprintf(stderr, "replay: reload: %s\n", nc && nc->nerrors ?
		    nc->errors[0] : "the links changed (not simulated)");
		config_free(nc);
		return -1;
	}
	/* The world by name: the old indexes go with the old devices. */
	if ((names = calloc(on + 1, sizeof(*names))) == NULL)
		return -1;
	for (i = 0; i < on; i++)
		names[i] = strdup(r->d.devs[i].conf->name);
	r->nruns = 0;	/* the checks under way go with their devices */
	if (restart) {
		/* kill -9, and a start on the new configuration. */
		engine_stop(r);
		r->d.conf = nc;
		daemon_devices_build(&r->d, sim_run);
	} else
		daemon_apply_conf(&r->d, nc, sim_run);
	config_free(old);
	nsd = calloc(r->d.ndevs + 1, sizeof(*nsd));
	for (i = 0; nsd != NULL && i < r->d.ndevs; i++) {
		for (k = 0; k < on; k++)
			if (names[k] && strcmp(names[k],
			    r->d.devs[i].conf->name) == 0)
				break;
		if (k < on)
			nsd[i] = r->sd[k];
		else if ((p = parked_find(r, r->d.devs[i].conf->name)) != NULL)
			nsd[i] = *p;
		else
			nsd[i].ups_source = 3;
	}
	for (k = 0; nsd != NULL && k < on; k++) {
		if (names[k] == NULL || dev_index(r, names[k]) >= 0)
			continue;
		if ((p = parked_find(r, names[k])) == NULL) {
			r->parked = realloc(r->parked, (r->nparked + 1) *
			    sizeof(*r->parked));
			snprintf(r->parked[r->nparked].name,
			    sizeof(r->parked[0].name), "%s", names[k]);
			p = &r->parked[r->nparked++].sd;
		}
		*p = r->sd[k];
	}
	/* Traps on their way: to the device by its new index. */
	for (i = k = 0; i < r->ntraps; i++) {
		x = r->trapq[i].dev;
		j = x >= 0 && (size_t)x < on && names[x] ? dev_index(r,
		    names[x]) : -1;
		if (j >= 0) {
			r->trapq[k] = r->trapq[i];
			r->trapq[k++].dev = j;
		}
	}
	r->ntraps = k;
	for (i = 0; i < on; i++)
		free(names[i]);
	free(names);
	if (nsd == NULL)
		return -1;
	free(r->sd);
	r->sd = nsd;
	sim_wire(r);
	r->world_gen++;
	return restart ? engine_start(r) : 0;
}

json_t *
replay_snapshot(struct replay *r)
{
	return store_incidents_json(r->d.st, NULL, 0, 200);
}

json_t *
replay_log(struct replay *r)
{
	return r->log;
}

const char *
replay_db(const struct replay *r)
{
	return r->d.conf->state_db;
}

json_t *
replay_devices(struct replay *r)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < r->d.ndevs; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "name",
		    r->d.devs[i].conf->name, "site", r->d.devs[i].conf->site,
		    "address", r->d.devs[i].conf->address));
	return a;
}

long long
replay_wall(const struct replay *r, double t)
{
	(void)r;
	return EPOCH_MS + (long long)(t * 1000 + 0.5);
}

json_t *
replay_incidents(struct replay *r)
{
	struct store *st = r->d.st;
	json_t *list = store_incidents_json(st, NULL, 0, 1000), *out =
	    json_array(), *one;
	size_t i;

	for (i = json_array_size(list); i-- > 0; ) {
		one = store_incident_json(st, json_integer_value(
		    json_object_get(json_array_get(list, i), "id")));
		if (one != NULL)
			json_array_append_new(out, one);
	}
	json_decref(list);
	return out;
}

json_t *
replay_report(struct replay *r, double from, double until)
{
	static const char *const sites[] = { "dc", "library", "depot" };

	return report_build(r->d.st, replay_wall(r, from),
	    replay_wall(r, until), sites, 3);
}
