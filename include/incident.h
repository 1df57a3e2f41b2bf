/*
 * Incidents: check results, traps and polled UPS/AP/interface states become
 * one incident per real outage, with a cause, a priority and an SLA, kept
 * in a crash-safe SQLite store, and delivered through an outbox.
 *
 * The engine is level-based: every evaluation computes the problems the
 * estate has now (from hard check states and the topology) and reconciles
 * them with the open incidents by key; nothing depends on having seen an
 * edge, so a restart rebuilds the same incidents from fresh results.
 */
#ifndef NOCWATCH_INCIDENT_H
#define NOCWATCH_INCIDENT_H

#include <stddef.h>

#include <jansson.h>

#include "config.h"
#include "model.h"

struct device_rt;
struct check_rt;
struct trap;

struct incident_engine;

/* An observation that explains an incident (evidence). */
struct inc_evid {
	long long	 at;		/* wall ms */
	const char	*source, *text;
};

/*
 * One change of an incident, recorded in one transaction: its row as it
 * now is (in->id 0: a new incident, whose id the record sets), a timeline
 * entry, the evidence new to it, and — when event is not NULL — a
 * notification of that event to each of the configuration's channels.
 */
struct inc_record {
	struct incident		*in;
	const char		*tl_event, *detail;
	const char		*event;
	const struct inc_evid	*ev;
	size_t			 nev;
};

/*
 * What the engine asks of its host (the daemon, or a replay): to run a
 * device's checks again now, and those of every device below it (a path
 * back, a parent to confirm), and one check (a retry at once); to call
 * incident_evaluate() within INCIDENT_SOON_MS (something changed; besides
 * every INCIDENT_EVAL_MS, which is the host's to keep); and to know that
 * the store holds new notifications (outbox rows) to deliver.
 *
 * And its store: to record a change in one transaction (0 when committed,
 * -1 when not: the engine keeps in memory only what was; or
 * INC_RECORD_QUEUED: the host commits the changes of this turn of its loop
 * in one transaction elsewhere and calls incident_committed() once with
 * the outcome — until then the engine makes no other change), to load the incidents of the
 * reopen window at start, the maintenance windows in force or to come
 * (malloc'd rows; or INC_MAINT_LATER, then incident_maint_windows()), to add and end one, to count a problem a window
 * suppressed, to add evidence to an incident, and to keep and give back a
 * controller's AP inventory.  The engine reaches nothing else: no event
 * loop, no SQLite, nothing of the daemon (tools/arch.py checks it).
 * src/daemon/inchost.c is the daemon's (SQLite), which the replays use too.
 */
struct inc_host {
	void	*arg;
	void	(*recheck)(void *arg, struct device_rt *);
	void	(*run_now)(void *arg, struct check_rt *);
	void	(*soon)(void *arg);
	void	(*changed)(void *arg);

	int	(*record)(void *arg, const struct inc_record *);
	int	(*load)(void *arg, long long since,
		    void (*fn)(struct incident *, void *), void *fnarg);
	size_t	(*maint_windows)(void *arg, long long now,
		    struct maint_row **rows);
	long long (*maint_add)(void *arg, const char *scope, const char *name,
		    long long starts, long long ends, const char *reason);
	int	(*maint_remove)(void *arg, long long id);
	void	(*suppressed)(void *arg, long long maint, const char *key,
		    const char *cause, const char *detail, long long at);
	int	(*evidence)(void *arg, long long incident,
		    const struct inc_evid *);
	void	(*aps_save)(void *arg, const char *controller,
		    const struct store_ap *, size_t n);
	int	(*aps_load)(void *arg, const char *controller,
		    void (*fn)(const struct store_ap *, void *), void *fnarg);
};

#define INC_RECORD_QUEUED	1	/* host record(): committed later */
#define INC_MAINT_LATER	((size_t)-1)	/* host maint_windows(): read
					 * later (incident_maint_windows) */
#define INC_APS_LATER	(-2)		/* host aps_load(): read later
					 * (incident_aps_stored) */

#define INCIDENT_EVAL_MS	500	/* the host's pace of evaluations */
#define INCIDENT_SOON_MS	50	/* an evaluation asked for by a change */

/*
 * An engine for conf's estate, judging devs (the host's devices for conf:
 * it reads their checks' results and keeps their checks' states), with
 * the incidents its host's store holds; NULL with err.  The configuration
 * changed: the new one and its devices.
 */
struct incident_engine *incident_engine_new(const struct config *,
		    struct device_rt *devs, size_t ndevs,
		    const struct inc_host *, char *err, size_t errlen);
void		 incident_engine_free(struct incident_engine *);
void		 incident_engine_reload(struct incident_engine *,
		    const struct config *, struct device_rt *, size_t ndevs);
/* One evaluation now: the host's, every INCIDENT_EVAL_MS and when the
 * engine asked for one soon. */
void		 incident_evaluate(struct incident_engine *);
/*
 * The host's transaction of the changes it queued (in the order record
 * was called) committed (ok; ids[k]: the incident id the k-th change was
 * recorded under, new incidents' included) or not (memory goes back, the
 * next evaluation makes the changes again).  While one is in flight the
 * engine is busy: evaluations wait, and so must commands.
 */
void		 incident_committed(struct incident_engine *, int ok,
		    const long long *ids, size_t nids);
int		 incident_busy(const struct incident_engine *);

/* Hooks from the checks and the trap receiver. */
void		 incident_check_result(struct check_rt *);
void		 incident_ifstatus(struct device_rt *, long index,
		    const char *name, int oper);
void		 incident_ifname(struct device_rt *, long index, const char *);
void		 incident_restarted(struct device_rt *, const char *how);
void		 incident_ups(struct device_rt *, double source, double status,
		    double minutes, const char *how);
/* A poll of the AP table: rows (name may be ""), complete when every walk
 * of the table answered (only then do missing APs count as gone). */
void		 incident_aps(struct device_rt *, const struct ap_row *rows,
		    size_t n, int complete);
void		 incident_rxpower(struct device_rt *, const struct link_conf *,
		    int end, double dbm);
void		 incident_trap(struct incident_engine *, struct device_rt *,
		    const struct trap *);

/* A maintenance window's times: wall ms, from 1970 to the end of 9999. */
#define MAINT_TIME_MAX	253402300799999LL

/* Commands (the daemon's command layer).  An acknowledgement: 0 done (or
 * queued with the host's transaction), -1 the incident is not open or
 * already acknowledged, -2 the store cannot take it now (err says). */
int		 incident_ack(struct incident_engine *, long long id,
		    const char *by, char *err, size_t errlen);
/* A window the engine would take: 0, or -1 with err (no such site or
 * device, times out of range or the wrong way round). */
int		 incident_maint_check(struct incident_engine *,
		    const char *scope, const char *name, long long starts,
		    long long ends, char *err, size_t errlen);
/* The windows in force or to come, as the store has them (rows malloc'd:
 * the engine's now), when the host's maint_windows() said "later" or a
 * window was added or ended elsewhere. */
void		 incident_maint_windows(struct incident_engine *,
		    struct maint_row *rows, size_t n);
/* A controller's AP inventory as the store kept it, when the host's
 * aps_load() said INC_APS_LATER. */
void		 incident_aps_stored(struct incident_engine *,
		    const char *controller, const struct store_ap *, size_t n);
long long	 incident_maint_add(struct incident_engine *, const char *scope,
		    const char *name, long long starts, long long ends,
		    const char *reason, char *err, size_t errlen);
int		 incident_maint_remove(struct incident_engine *, long long id,
		    char *err, size_t errlen);
/* Counters for status/health: open incidents. */
size_t		 incident_open_count(struct incident_engine *);
/* The estate as of the last evaluation (new references). */
json_t		*incident_sites_json(struct incident_engine *);
json_t		*incident_devices_json(struct incident_engine *,
		    const char *name);	/* NULL: all; unknown name: NULL */
json_t		*incident_wall_json(struct incident_engine *);


#endif
