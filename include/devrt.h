/*
 * The estate at run time: each configured device and its checks, with the
 * checks' last results, their soft/hard states and flap histories, and
 * the device's observations (interfaces, access points, UPS).  The daemon
 * owns them (it runs the checks); the incident engine reads them and keeps
 * the check states it judges by.  Data only.
 */
#ifndef NOCWATCH_DEVRT_H
#define NOCWATCH_DEVRT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config.h"
#include "model.h"
#include "probe.h"

struct daemon;
struct event;
struct incident_engine;
struct resolve_req;
struct sched_item;
struct snmp_agent;

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
	struct incident_engine	*inc;		/* judging it (the engine's) */
	const struct device_conf *conf;
	struct snmp_agent	*agent;
	struct check_rt		*checks;
	size_t			 nchecks;
	struct dev_obs		 obs;
	struct device_rt	**kids;		/* devices whose parent it is */
	size_t			 nkids;
	struct event		*recheck_ev;	/* a trap's re-check, coalesced */
};

#endif
