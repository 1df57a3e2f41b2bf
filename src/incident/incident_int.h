/*
 * The incident engine's own parts (not for the rest of nocwatchd): its
 * state, shared by incident.c (the topology, observations, the store),
 * incident_eval.c (problems, their incidents and their lifecycle) and
 * incident_json.c (the estate as the API shows it).
 */
#ifndef NOCWATCH_INCIDENT_INT_H
#define NOCWATCH_INCIDENT_INT_H

#include "devrt.h"
#include "incident.h"

struct device_rt;

#define MAINT_RELOAD_MS		60000
#define POWER_SLACK_MS		10000	/* a UPS warning this close counts */
#define FLAP_HISTORY		CHECK_FLAP_HISTORY
#define FLAP_WINDOW_MS		(15 * 60 * 1000.0)	/* changes older: none */
#define MAX_EVIDENCE		24
#define WIFI_CONFIRM_MS		120000	/* APs lost: wait for the site's word */
#define CAUSE_REFINE_MS		120000	/* device-down may yet become a cause */

enum { DS_UNKNOWN = 0, DS_UP, DS_DOWN };

struct tdev {
	struct device_rt *rt;
	int		 parent, site, edge, is_ups, is_wlc;
	int		*reach;		/* indices of reachability checks */
	size_t		 nreach;
	/* per evaluation */
	int		 state, unreach, flapping;
	double		 first_fail;	/* monotonic */
	double		 first_fail_start;	/* its failing run began */
	long long	 first_fail_wall;
	long long	 maint;		/* maintenance id covering it, 0 */
	int		 mark;
};

struct tsite {
	const struct site_conf *conf;
	int		 parent;
	int		 dark;
	long long	 dark_wall;
	double		 dark_last;	/* monotonic: last seen dark */
	int		 nuplinks;
	int		 mark;
	/* its access points, as of the last evaluation */
	int		 ap_total, ap_down, ap_wlc;
	long long	 ap_down_since;	/* wall: the last of them went */
	int		 ap_excused;	/* their loss is explained */
};

struct tlink {
	const struct link_conf *conf;
	int		 dev[2];
	int		 far_site;	/* site of the end that is not a DC */
	int		 oper[2];	/* per end: 0 unknown, 1 up, 2 down */
	double		 rx_dbm[2];	/* optical receive power, NAN */
	long long	 at[2];		/* each end's last word on it */
	long long	 down_since[2];	/* wall: it went down, 0 up */
	char		 how[2][96];
	uint32_t	 hist[2];	/* each end's own recent states */
	double		 hist_at[2][FLAP_HISTORY];	/* when */
	int		 nhist[2], flap[2];
	int		 flapping;	/* either end flapping */
};

struct evid {
	long long	 at;
	char		 source[96];
	char		 text[256];
};

struct problem {
	char		 key[160];
	enum inc_cause	 cause;
	enum situation	 sit;
	int		 prio;
	char		 title[300];
	struct strset	 sites, devices, subjects;
	int		 nev;
	long long	 started_at;
	int		 confirmed, flapping;
	long long	 maint;
	/* Last: a new problem clears what comes before (9 KB of evidence
	 * slots are filled as they are used). */
	struct evid	 ev[MAX_EVIDENCE];
};

struct pending {
	char		 key[160];
	double		 first;
	int		 gen;
};

/*
 * A change the host queued for its store (record() returned
 * INC_RECORD_QUEUED): memory holds it, marked as not yet committed, until
 * the host says how the transaction went (incident_committed()).  Then
 * the copy from before goes (committed), or comes back (not).
 */
struct jentry {
	struct incident	*in;
	struct incident	 saved;		/* before the change; !is_new */
	int		 is_new, event;
	struct strset	 evid;		/* to count as the incident's */
};

/* A restart heard while a commit was in flight: applied after it. */
struct restart_q {
	char	dev[128], how[128];
};

struct incident_engine {
	const struct config	*conf;
	struct device_rt	*rt;		/* the host's devices */
	size_t			 nrt;
	struct inc_host		 host;
	struct tdev		*devs;
	size_t			 ndevs;
	struct tsite		*sites;
	size_t			 nsites;
	struct tlink		*links;
	size_t			 nlinks;
	struct incident		*incs;
	struct pending		*pend;
	size_t			 npend;
	struct problem		*probs;
	size_t			 nprobs, cprobs;	/* used, allocated */
	struct maint_row	*maint;		/* in force now */
	size_t			 nmaint;
	struct maint_row	*maint_all;	/* in force or to come */
	size_t			 nmaint_all;
	double			 maint_at;	/* maint_all read (mono ms) */
	int			 gen;
	unsigned		 topo_gen;	/* topologies built */
	struct jentry		*jrn;		/* queued, not yet committed */
	size_t			 njrn, cjrn;
	struct restart_q	*rq;		/* restarts heard meanwhile */
	size_t			 nrq;
};

int	 ie_end_down(const struct tlink *l, int end);
int	 ie_host_failing(const struct tdev *t);
struct incident_engine	*ie_engine_of(struct device_rt *dev);
int	 ie_find_dev(struct incident_engine *e, const char *name);
int	 ie_find_site(struct incident_engine *e, const char *name);
int	 ie_flap_changes(uint32_t h, int n);
int	 ie_ifname_matches(const char *conf, const struct if_obs *i);
int	 ie_is_reach(const struct tdev *t, int check);
void	 ie_topo_build(struct incident_engine *e);
void	 ie_topo_free(struct incident_engine *e);
const char	*ie_dname(struct incident_engine *e, int i);
int	 ie_site_in_maint(struct incident_engine *e, int s);
const char	*ie_sname(struct incident_engine *e, int i);

#endif
