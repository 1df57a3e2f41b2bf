/*
 * The incident engine replayed in virtual time: a small estate's real
 * configuration, the daemon's own devices, checks, scheduler and incident
 * engine with its SQLite store, and a simulated world in place of the
 * network — links cut and repaired, devices down, loss on a site's path —
 * whose probes answer the way the real ones would (a timeout for what
 * cannot be reached, ifOperStatus from the near end, the replies that got
 * through).  The clock is virtual (clock_virtual()): half an hour of
 * faults takes milliseconds, and every run is the same run.
 */
#ifndef NOCWATCH_REPLAY_H
#define NOCWATCH_REPLAY_H

#include <jansson.h>

struct replay;

/* The estate (see replay.c): sites dc, library (one fibre, lib-fibre),
 * depot (two fibres in one group, dep-fibre-1 and -2); routers lib-rtr
 * and dep-rtr below core, switches lib-sw and dep-sw below them, and a
 * camera below lib-sw polled only every 5 minutes (a repair must re-check
 * it, or every library outage would last until its next poll).  As the
 * lab's demo estate: ICMP every 2 s, 1 s timeout, 1 retry; core's
 * ifOperStatus every 2 s; hold-down 30 s.  A webhook channel, so the
 * store keeps every event a service desk would be sent.
 * reopen_s: the reopen window. */
struct replay	*replay_new(const char *dir, int reopen_s);
/* The same estate with more configuration after it (devices, ...). */
struct replay	*replay_new_more(const char *dir, int reopen_s,
		    const char *more);
/* Any estate: conf is a whole configuration (its state-db and rrd-dir
 * under dir); the world is made from it — devices reached from those at
 * the top over their parents' LANs and the configured links, a site's
 * loss and delay at the router where its WAN ends, routers (link ends)
 * sending traps when replay_traps() says so. */
struct replay	*replay_new_conf(const char *dir, const char *conf);
void		 replay_free(struct replay *);
/* Run the world until virtual second t (from the start). */
void		 replay_until(struct replay *, double t);
/* Faults, now: a link cut or repaired, a device down or up, a site's
 * path losing pct % of the packets (0: none). */
void		 replay_link(struct replay *, const char *link, int cut);
void		 replay_device(struct replay *, const char *device, int down);
void		 replay_loss(struct replay *, const char *site, double pct);
/* The faults of tests/scenarios (run.sh's verbs): a link going down
 * without its routes coming back when it is up again (a flap: only a
 * repair, replay_routes, puts them back); a site's delay; a device
 * silent (1) or only its SNMP agent (2); a UPS's upsOutputSource (3
 * mains, 5 battery; trap: upsTrapOnBattery at once); every link of a
 * site's routers down; a site's devices restarting (down 1) and back new
 * (0: links recreated, sysUpTime from zero, coldStart); everything
 * healed. */
void		 replay_link_flap(struct replay *, const char *link, int down);
void		 replay_routes(struct replay *);
void		 replay_delay(struct replay *, const char *site, double ms);
void		 replay_silent(struct replay *, const char *device, int how);
void		 replay_ups(struct replay *, const char *device, int source,
		    int trap);
void		 replay_dark(struct replay *, const char *site);
void		 replay_reboot(struct replay *, const char *site, int down);
void		 replay_restore(struct replay *);
/* Routers send linkDown/linkUp (a second after the change) and coldStart
 * traps to the monitor, when they can reach it. */
void		 replay_traps(struct replay *, int on);
/* The Wi-Fi controller's AP table (as tests/lab/wlc_table.py keeps it):
 * n APs PREFIX-AP-k of site; SELECTOR gone|back|down|up; the APs of a
 * site its controller cannot reach gone, of one it can back. */
void		 replay_aps_add(struct replay *, const char *site, int n,
		    const char *prefix);
void		 replay_aps_set(struct replay *, const char *selector,
		    const char *what);
void		 replay_aps_sync(struct replay *);
/* A maintenance window on a site from now, for ms. */
long long	 replay_maintenance(struct replay *, const char *site,
		    double ms);
/* nocwatchd killed (-9) and started again on its store. */
int		 replay_restart(struct replay *);
/* SIGHUP with the estate's configuration, without the n devices named
 * (none: all of it again) — or, restart: nocwatchd killed (-9) and
 * started on that configuration; the world is not changed by it.  -1 if
 * that configuration has errors or other links (not simulated). */
int		 replay_reload(struct replay *, const char *const *without,
		    int n, int restart);
/* store_incidents_json of the store (newest first, 200 at most); the trap
 * receiver's log lines (borrowed); the store's path; [{name, site,
 * address}] of the devices. */
json_t		*replay_snapshot(struct replay *);
json_t		*replay_log(struct replay *);
const char	*replay_db(const struct replay *);
/* REPLAY_ASYNC=1: the turns whose changes the daemon's store thread
 * committed, and how many of them failed (REPLAY_COMMIT_FAIL=PCT of them
 * find the store locked). */
unsigned long long replay_turns(const struct replay *,
		    unsigned long long *failed);
json_t		*replay_devices(struct replay *);
/* The virtual wall clock at second t of the run (ms since the epoch). */
long long	 replay_wall(const struct replay *, double t);
/* Every incident with its timeline (store_incident_json), oldest first. */
json_t		*replay_incidents(struct replay *);
/* The availability report over seconds [from, until] of the run. */
json_t		*replay_report(struct replay *, double from, double until);

#endif
