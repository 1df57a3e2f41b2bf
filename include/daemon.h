/*
 * The daemon's runtime: the configured estate turned into devices with
 * scheduled checks, the engines they run on (one event loop), the RRD
 * store, the trap receiver and the control socket.
 */
#ifndef NOCWATCH_DAEMON_H
#define NOCWATCH_DAEMON_H

#include <stddef.h>
#include <time.h>

#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "incident.h"
#include "probe.h"

struct event_base;
struct evdns_base;
struct icmp_engine;
struct snmp_engine;
struct http_engine;
struct sched;
struct sched_item;
struct rrdstore;
struct rrd_layout;
struct trap_listener;
struct daemon;
struct device_rt;
struct resolve_req;
struct snmp_agent;
struct privdrop;

/* Runs an ICMP check's loss and latency are judged over (link-degraded). */
#define CHECK_DEGRADE_WINDOW	8
/* Results a check's flapping is judged over (within a time window). */
#define CHECK_FLAP_HISTORY	21

/* Soft/hard state of a check, for the incident engine. */
struct check_state {
	int			 fails;		/* consecutive failures */
	int			 hard;		/* failed past its retries */
	double			 first_fail;	/* monotonic ms, 0 */
	double			 first_fail_start; /* when that run began */
	long long		 first_fail_wall;
	double			 done_ms;	/* monotonic end of last run */
	double			 recovered_ms;	/* monotonic: hard fail -> ok */
	double			 ok_begun_ms;	/* monotonic: last success began */
	uint32_t		 hist;		/* recent results, 1 = failed */
	double			 hist_at[CHECK_FLAP_HISTORY];	/* theirs */
	int			 nhist, flapping;
	/* icmp: loss and latency judged over the last runs, with
	 * hysteresis (link-degraded) */
	double			 win_rtt[CHECK_DEGRADE_WINDOW];
	double			 win_loss[CHECK_DEGRADE_WINDOW];
	int			 nwin, win_pos;
	int			 degraded;	/* over the threshold, not yet
						 * back under the low mark */
	double			 last_rtt, last_loss;	/* the window's */
	double			 deg_rtt, deg_loss;	/* when it began */
	long long		 deg_since;	/* wall ms it began */
};

struct check_rt {
	struct device_rt	*dev;
	const struct check_conf	*conf;		/* in the current config */
	char			 key[160];	/* device/type/target */
	struct sched_item	*item;
	void			*running;	/* probe handle, or NULL */
	struct resolve_req	*resolving;	/* address lookup under way */
	void			*mpoll;		/* snmp-metrics poll under way */
	int			 snmp_busy;	/* snmp-status request under way */
	int			 nruns;
	enum probe_outcome	 outcome;
	char			 detail[256];
	time_t			 last_run;	/* wall clock, 0: never */
	double			 last_ms;	/* elapsed of the last run */
	int			 by_trap;	/* the next run is a trap's re-check */
	int			 rerun;		/* a re-check was asked for: one
						 * more run if one is under way */
	int			 last_by_trap;	/* the last run was one */
	unsigned long		 trap_runs;	/* runs a trap asked for */
	long long		 trap_run_at;	/* ms since the epoch: the last */
	double			 value;		/* headline value, NAN if none */
	/* snmp-metrics: the agent's uptime at the last poll, and when */
	unsigned long		 last_uptime;
	double			 last_uptime_at;	/* monotonic ms */
	int			 ap_table;	/* it walks an AP status column */
	double			 rtt_loss[2];	/* icmp: median ms, loss % */
	struct check_state	 st;
};

struct device_rt {
	struct daemon		*d;
	const struct device_conf *conf;
	struct snmp_agent	*agent;
	struct check_rt		*checks;
	size_t			 nchecks;
	struct dev_obs		 obs;
	struct device_rt	**kids;		/* devices whose parent it is */
	size_t			 nkids;
	struct event		*recheck_ev;	/* a trap's re-check, coalesced */
};

struct daemon {
	struct event_base	*base;
	struct evdns_base	*dns;
	struct icmp_engine	*icmp;
	struct snmp_engine	*snmp;
	struct http_engine	*http;
	struct sched		*sched;
	struct rrdstore		*rrd;
	struct rrd_layout	*layouts;
	size_t			 nlayouts;
	struct trap_listener	*traps;
	struct incident_engine	*inc;
	struct httpd		*httpd;
	struct config		*conf;
	const char		*conf_path;
	struct device_rt	*devs;
	size_t			 ndevs;
	int			 control_fd;
	char			 control_path[4096];
	struct event		*control_ev;
	struct workq		*control_q;	/* rrd-flush off the loop */
	unsigned long long	 traps_rechecks;	/* traps that asked */
	unsigned long long	 traps_recheck_walks;	/* re-checks done */
	time_t			 started;
	const struct privdrop	*priv;		/* who to become, or NULL */
};

/* Start everything for conf (taken); -1 with err. */
int	daemon_start(struct daemon *, struct config *conf, char *err,
	    size_t errlen);
/* Reload from d->conf_path: a bad file keeps the running config. */
int	daemon_reload(struct daemon *);
/* Stop checks, flush RRD data, free. */
void	daemon_stop(struct daemon *);
/*
 * d->devs from d->conf, each check scheduled on d->sched to call
 * run(check_rt): check_run in the daemon, a simulation's own in the
 * engine's replays.  And their end.
 */
void	daemon_devices_build(struct daemon *, void (*run)(void *));
void	daemon_devices_free(struct device_rt *, size_t);
/* Re-check a device now, and every device below it. */
void	daemon_recheck(struct daemon *, struct device_rt *, int by_trap);
struct device_rt *daemon_device_by_address(struct daemon *, const char *);
/*
 * The daemon's commands, one layer behind the control socket and the HTTP
 * API (dcmd.c): the arguments as a JSON object, the answer as one; NULL
 * when refused, with *status (400 bad arguments, 404 no such thing, 409
 * not now, 503 the engine is not running) and err.
 *   ack              {id, by}                     {acknowledged: id}
 *   maintenance-add  {scope, name, starts, ends | duration, reason}
 *                    (times ISO 8601 UTC or seconds since the epoch) {id}
 *   maintenance-end  {id} | {scope, name}         {removed: [ids]}
 *   outbox-list      {}                           {dead: [...]}
 *   outbox-retry     {id}                         {requeued: id}
 */
json_t	*daemon_command(struct daemon *, const char *name, json_t *args,
	    int *status, char *err, size_t errlen);
/* Status as JSON (caller frees the string). */
char	*daemon_status_json(struct daemon *);

/* checks.c: start one run of a check (called by the scheduler); its end,
 * as its probe reports it (a simulation's probes report the same way). */
void	check_run(void *check_rt);
void	check_probe_done(const struct probe_result *, void *check_rt);
void	check_cancel(struct check_rt *);

/* control.c: the local control socket ("status" returns JSON). */
int	control_open(struct daemon *, const char *path, char *err,
	    size_t errlen);
void	control_close(struct daemon *);

#endif
