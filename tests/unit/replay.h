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
void		 replay_free(struct replay *);
/* Run the world until virtual second t (from the start). */
void		 replay_until(struct replay *, double t);
/* Faults, now: a link cut or repaired, a device down or up, a site's
 * path losing pct % of the packets (0: none). */
void		 replay_link(struct replay *, const char *link, int cut);
void		 replay_device(struct replay *, const char *device, int down);
void		 replay_loss(struct replay *, const char *site, double pct);
/* The virtual wall clock at second t of the run (ms since the epoch). */
long long	 replay_wall(const struct replay *, double t);
/* Every incident with its timeline (store_incident_json), oldest first. */
json_t		*replay_incidents(struct replay *);
/* The availability report over seconds [from, until] of the run. */
json_t		*replay_report(struct replay *, double from, double until);

#endif
