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
#include "replay.h"

#define EPOCH_MS	1796000000000LL	/* 2026-11-29, a Sunday */
#define EVAL_EVERY_MS	500.0	/* as the daemon's timer */
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
	int	 down;
	double	 loss;		/* % on its path (its site's) */
	int	 parent;	/* index, -1: none */
};

struct replay {
	struct daemon		 d;
	struct sim_dev		*sd;
	int			*cut;	/* per link of the config */
	int			(*ends)[2];	/* its devices' indexes */
	struct run		 runs[MAX_RUNS];
	size_t			 nruns;
	double			 t0, next_eval;
	unsigned		 rng;
	char			 dir[512];
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

/* Is the edge between a device and its parent up?  Through the links
 * joining them when there are any (all of a group cut: down). */
static int
edge_up(struct replay *r, int child, int parent)
{
	size_t i;
	int links = 0, up = 0;

	for (i = 0; i < r->d.conf->nlinks; i++) {
		const int *e = r->ends[i];

		if (!((e[0] == child && e[1] == parent) ||
		    (e[0] == parent && e[1] == child)))
			continue;
		links++;
		if (!r->cut[i])
			up++;
	}
	return links == 0 || up > 0;
}

static int
reachable(struct replay *r, int i)
{
	int p;

	for (;;) {
		if (r->sd[i].down)
			return 0;
		if ((p = r->sd[i].parent) < 0)
			return 1;
		if (!edge_up(r, i, p))
			return 0;
		i = p;
	}
}

static double
path_loss(struct replay *r, int i)
{
	double loss = 0;
	int p;

	for (; i >= 0; i = p) {
		if (r->sd[i].loss > loss)
			loss = r->sd[i].loss;
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
	double now = mono_ms(), loss;

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
	if (!reachable(r, di)) {
		u->outcome = PROBE_TIMEOUT;
		u->end = now + k->timeout_ms;
		return;
	}
	if (k->type != CHECK_ICMP) {
		u->outcome = PROBE_OK;
		u->up = 1;
		u->end = now + 5;
		return;
	}
	/* Each echo request lost with the path's loss; the replies that came
	 * back make the result, a run with none is a timeout. */
	loss = path_loss(r, di);
	n = k->count > 0 ? k->count : 3;
	for (i = got = 0; i < n; i++)
		if (rnd(r) % 10000 >= (unsigned)(loss * 100))
			got++;
	u->outcome = got > 0 ? PROBE_OK : PROBE_TIMEOUT;
	u->rtt = 4 + (loss > 0 ? 150 : 0);
	u->loss = 100.0 * (n - got) / n;
	u->end = now + (got == n ? u->rtt : k->timeout_ms);
}

/* Link i's ends on the polled device: their ifOperStatus. */
static void
if_report(struct replay *r, struct check_rt *c, size_t i)
{
	const struct link_conf *l = &r->d.conf->links[i];
	int end;

	for (end = 0; end < 2; end++)
		if (strcmp(l->dev[end], c->dev->conf->name) == 0)
			incident_ifstatus(c->dev, 100 + (long)i * 2 + end,
			    l->ifname[end], r->cut[i] ? 2 : 1);
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
	/* The near end's ifOperStatus, as a poll of it reads them. */
	for (i = 0; u->up && i < r->d.conf->nlinks; i++)
		if_report(r, c, i);
	check_probe_done(&res, c);
}

/* The engine's host, as the daemon is. */
static void
host_recheck(void *arg, struct device_rt *dev)
{
	daemon_recheck(arg, dev, 0);
}

static void
host_run_now(void *arg, struct check_rt *c)
{
	(void)arg;
	sched_run_now(c->item);
}

struct replay *
replay_new(const char *dir, int reopen_s)
{
	struct replay *r = calloc(1, sizeof(*r));
	char path[600], err[256];
	struct inc_host host = { NULL, host_recheck, host_run_now };
	size_t i, k;
	FILE *f;

	if (r == NULL)
		return NULL;
	host.arg = &r->d;
	snprintf(r->dir, sizeof(r->dir), "%s", dir);
	snprintf(path, sizeof(path), "%s/replay.conf", dir);
	if ((f = fopen(path, "w")) == NULL)
		return NULL;
	fprintf(f, estate, dir, dir, dir, reopen_s);
	fclose(f);
	clock_virtual(1e6, EPOCH_MS);
	r->t0 = mono_ms();
	r->next_eval = r->t0;
	r->rng = 20261203;
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
	r->ends = calloc(r->d.conf->nlinks + 1, sizeof(*r->ends));
	if (r->sd == NULL || r->cut == NULL || r->ends == NULL)
		return NULL;
	/* Names to indexes once: the probes ask for every run. */
	for (i = 0; i < r->d.ndevs; i++)
		r->sd[i].parent = r->d.devs[i].conf->parent ? dev_index(r,
		    r->d.devs[i].conf->parent) : -1;
	for (i = 0; i < r->d.conf->nlinks; i++)
		for (k = 0; k < 2; k++)
			r->ends[i][k] = dev_index(r,
			    r->d.conf->links[i].dev[k]);
	if ((r->d.inc = incident_engine_new(r->d.conf, r->d.devs, r->d.ndevs,
	    r->d.base, NULL, &host, err, sizeof(err))) == NULL) {
		fprintf(stderr, "replay: %s\n", err);
		return NULL;
	}
	return r;
}

void
replay_free(struct replay *r)
{
	if (r == NULL)
		return;
	incident_engine_free(r->d.inc);
	daemon_devices_free(r->d.devs, r->d.ndevs);
	sched_free(r->d.sched);
	event_base_free(r->d.base);
	config_free(r->d.conf);
	free(r->sd);
	free(r->cut);
	free(r->ends);
	free(r);
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
			ended = 1;
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
					fired = 1;
				}
	} while (fired);
	/* The engine's own pace: every half second, and 50 ms after a
	 * change asked for it. */
	if (ended && incident_eval_asked(r->d.inc) && now + 50 < r->next_eval)
		r->next_eval = now + 50;
	if (now >= r->next_eval) {
		incident_evaluate(r->d.inc);
		r->next_eval = now + EVAL_EVERY_MS;
	}
}

void
replay_until(struct replay *r, double t)
{
	current = r;
	while (mono_ms() < r->t0 + t * 1000)
		step(r);
}

void
replay_link(struct replay *r, const char *name, int cut)
{
	size_t i;

	for (i = 0; i < r->d.conf->nlinks; i++)
		if (strcmp(r->d.conf->links[i].name, name) == 0)
			r->cut[i] = cut;
}

void
replay_device(struct replay *r, const char *name, int down)
{
	int i = dev_index(r, name);

	if (i >= 0)
		r->sd[i].down = down;
}

void
replay_loss(struct replay *r, const char *site, double pct)
{
	size_t i;

	/* On the site's path: its routers (the edge where the WAN is). */
	for (i = 0; i < r->d.ndevs; i++)
		if (strcmp(r->d.devs[i].conf->site, site) == 0 &&
		    r->d.devs[i].conf->parent != NULL &&
		    strcmp(config_device(r->d.conf,
		    r->d.devs[i].conf->parent)->site, site) != 0)
			r->sd[i].loss = pct;
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
	struct store *st = incident_store(r->d.inc);
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

	return report_build(incident_store(r->d.inc), replay_wall(r, from),
	    replay_wall(r, until), sites, 3);
}
