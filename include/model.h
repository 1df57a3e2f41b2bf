/*
 * The incident model, shared by the engine that makes incidents, the store
 * that keeps them, the reports that count them and the commands that show
 * them: an incident and its episodes, causes, states, string sets, and the
 * per-device observations (interfaces, access points, UPS) the engine
 * reasons from.  Data and the names of its values only: no behaviour.
 */
#ifndef NOCWATCH_MODEL_H
#define NOCWATCH_MODEL_H

#include <stddef.h>

#include "config.h"

enum inc_cause {
	CAUSE_FIBRE_CUT, CAUSE_POWER_LOSS, CAUSE_DEVICE_DOWN,
	CAUSE_WIFI_DEGRADED, CAUSE_LINK_DEGRADED, CAUSE_SERVICE_DOWN,
	CAUSE_MAX
};

enum inc_state { INC_OPEN, INC_ACKNOWLEDGED, INC_RESOLVED };

struct strset {
	char	**v;
	size_t	  n;
};

/*
 * One fault episode: from the fault's start to its recovery (everything
 * affected answering again; 0 while it lasts).  A reopened incident has
 * one per recurrence; its outage time is their sum, never the stretch
 * from the first fault to the last recovery.  down: when its site was
 * cut off in it (the situation site-down), 0 if it was not — an episode
 * that escalated (one fibre of two, then both; on battery, then dark)
 * cut the site off only from there, and a site's availability counts
 * from there.
 */
struct episode {
	long long	 start, rec;	/* ms since the epoch */
	long long	 down;
};
#define INC_MAX_EPISODES	32	/* then a recurrence extends the last */

#define SLA_BREACHED_RESPOND	1	/* unacknowledged past respond-by */
#define SLA_BREACHED_RESOLVE	2	/* unresolved past resolve-by */

struct incident {
	long long	 id;
	char		 key[160];
	enum inc_cause	 cause;
	enum situation	 sit;
	int		 priority;	/* 1..4 */
	enum inc_state	 state;
	char		 title[300];
	struct strset	 sites, devices;
	int		 flapping;
	/* milliseconds since the epoch, 0: not yet */
	long long	 started_at;	/* first fault observed */
	long long	 opened_at, acked_at, recovered_at, resolved_at;
	long long	 respond_by, resolve_by;
	int		 sla_breached;	/* SLA_BREACHED_* that passed */
	char		 ack_by[64];
	struct episode	 eps[INC_MAX_EPISODES];
	int		 neps;
	/* runtime only */
	long long	 last_repeat;	/* wall ms of the last reminder */
	double		 absent_since;	/* monotonic ms the problem went, 0 */
	struct strset	 evidence;	/* observations already stored */
	int		 seen;		/* matched in this evaluation */
	int		 cause_fixed;	/* corrected by a restart: kept */
	struct incident	*next;
};

const char	*cause_name(enum inc_cause);
int		 cause_parse(const char *);
const char	*inc_state_name(enum inc_state);

/* Outage time: the episodes' sum, an open one counted to now. */
long long	 incident_outage_ms(const struct incident *, long long now);
/* The last episode's length (to now while it lasts). */
long long	 incident_episode_ms(const struct incident *, long long now);

/* Free an incident and what it holds (as loaded from the store). */
void		 incident_free(struct incident *);
/* A copy of src that holds its own sets (next NULL); the sets of a copy
 * (or of an incident not malloc'd) freed. */
void		 incident_copy(struct incident *dst, const struct incident *src);
void		 incident_clear(struct incident *);

int		 strset_add(struct strset *, const char *);	/* 1 if new */
int		 strset_has(const struct strset *, const char *);
void		 strset_free(struct strset *);

/* Per-device observations that are not check outcomes. */
struct if_obs {
	long		 index;
	char		 name[64];
	int		 oper;		/* ifOperStatus, 0: unknown */
	long long	 down_at;	/* wall ms it was seen going down, 0 */
	char		 down_how[96];	/* "linkDown trap from ADDR", ... */
};

/*
 * An access point in a controller's AP table.  A controller may delete the
 * row of an AP that left it (Cisco's bsnAPTable does) or keep it with a
 * down status (Aruba's wlsxWlanAPTable): an AP seen once and then missing
 * from a complete poll is "gone", which counts as down until it has been
 * missing for wifi-ap-forget.
 */
struct ap_obs {
	char		 index[48];	/* the row index, dotted */
	char		 name[64];	/* bsnAPName / wlanAPName, or "" */
	int		 up;		/* associated / up */
	int		 gone;		/* missing from the last poll */
	long long	 since;		/* ms since the epoch: state since */
	long long	 seen;		/* ms since the epoch: last polled */
	int		 site;		/* engine's site index, -1: none */
	unsigned	 site_gen;	/* topology it was matched in, 0 */
};

/* One row of an AP table poll (status: 1 up, else down). */
struct ap_row {
	char		 index[48];
	char		 name[64];
	int		 status;
};

struct dev_obs {
	/* UPS */
	int		 on_battery, battery_low;
	long long	 battery_since;	/* ms since the epoch */
	double		 minutes_left;	/* NAN if unknown */
	char		 ups_source[96];	/* how we know */
	/* Wi-Fi controller: its APs, and the counts (NAN if unknown) */
	struct ap_obs	*aps;
	size_t		 naps;
	double		 ap_up, ap_down;	/* down includes gone */
	/* interfaces seen in polls (for link ends and traps) */
	struct if_obs	*ifs;
	size_t		 nifs;
};

void		 dev_obs_free(struct dev_obs *);

/* A maintenance window, as the store keeps it. */
struct maint_row {
	long long	 id;
	char		 scope[8];	/* "site" or "device" */
	char		 name[64];
	long long	 starts, ends;	/* ms since the epoch */
};

/* An AP of a controller's inventory, as the store keeps it over restarts
 * (a controller may have deleted the rows of the APs that left it). */
struct store_ap {
	const char	*index, *name;
	int		 up, gone;
	long long	 since, seen;
};

#endif
