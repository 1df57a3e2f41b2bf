/*
 * The incident engine replayed in virtual time (tests/unit/replay.c): the
 * fault sequences of issue 14 — a cut and its repair followed minutes
 * later by loss on the same site's path, a cut returning within the
 * reopen window, a dual-fibre site losing one fibre then the other, a
 * device failing after its site's outage, a site polled once a minute
 * whose fibre comes back — each checked for the incidents
 * it makes (how many, priority, cause, situation, title), their episodes
 * and outage times against the injected faults, and the availability
 * report.  Then many random sequences at two sites, each judged against
 * an independent model of what must come of it.  All in virtual time:
 * hours of faults in well under a second each.
 */
#include <sys/wait.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "log.h"
#include "replay.h"
#include "unit.h"

/* Detection and recovery are observed, not instantaneous: a fault is seen
 * at the next run of a check (2 s interval) and confirmed by its retry
 * (two 1 s timeouts); a repair at the next ifOperStatus poll (2 s), which
 * re-checks everything behind the link.  An episode's measured outage is
 * within this of the injected fault's (issue 14 asks for 5 s); loss is
 * judged on an 8-run window, so a degraded episode may lag by that. */
#define SLACK_S		5.0
#define SLACK_LOSS_S	30.0

static char dir[64];

static const char *
s_(json_t *o, const char *k)
{
	const char *v = json_string_value(json_object_get(o, k));

	return v ? v : "";
}

static int
has_site(json_t *inc, const char *site)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(inc, "sites"), i, v)
		if (strcmp(json_string_value(v), site) == 0)
			return 1;
	return 0;
}

/* The last incident of all in this situation, or NULL. */
static json_t *
by_situation(json_t *all, const char *sit)
{
	json_t *v, *found = NULL;
	size_t i;

	json_array_foreach(all, i, v)
		if (strcmp(s_(v, "situation"), sit) == 0)
			found = v;
	return found;
}

static int
timeline_has(json_t *inc, const char *event)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(inc, "timeline"), i, v)
		if (strcmp(s_(v, "event"), event) == 0)
			return 1;
	return 0;
}

/* The events a service desk was sent for it, "opened,resolved,...". */
static void
desk_events(json_t *inc, char *buf, size_t len)
{
	json_t *v;
	size_t i, o = 0;

	buf[0] = '\0';
	json_array_foreach(json_object_get(inc, "notifications"), i, v)
		if (o < len)
			o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? "," :
			    "", s_(v, "event"));
}

/* The desk's story of an incident with n episodes: opened, and for each
 * reopening resolved then updated, and resolved; updates (a cause
 * refined, devices added) may come between. */
static int
desk_story(json_t *inc, int n)
{
	char ev[1024], *p, *save = NULL;
	int resolved = 0, opened = 0, first = 1, last_resolved = 0;

	desk_events(inc, ev, sizeof(ev));
	for (p = strtok_r(ev, ",", &save); p != NULL;
	    p = strtok_r(NULL, ",", &save)) {
		if (first && strcmp(p, "opened") != 0)
			return 0;
		first = 0;
		if (strcmp(p, "opened") == 0)
			opened++;
		else if (strcmp(p, "resolved") == 0) {
			if (last_resolved)
				return 0;	/* resolved twice running */
			resolved++;
		}
		last_resolved = strcmp(p, "resolved") == 0;
	}
	return opened == 1 && resolved == n && last_resolved;
}

static double
ep_dur(json_t *inc, size_t k)
{
	json_t *d = json_object_get(json_array_get(json_object_get(inc,
	    "episodes"), k), "duration_s");

	return json_is_number(d) ? json_number_value(d) : -1;
}

static size_t
neps(json_t *inc)
{
	return json_array_size(json_object_get(inc, "episodes"));
}

static double
site_outage(json_t *rep, const char *site)
{
	json_t *v;
	size_t i;

	json_array_foreach(json_object_get(rep, "sites"), i, v)
		if (strcmp(s_(v, "site"), site) == 0)
			return json_number_value(json_object_get(v, "outage_s"));
	return 0;
}

/* The store of the previous replay gone. */
static void
unlink_store(void)
{
	char db[600];

	snprintf(db, sizeof(db), "%s/replay.db", dir);
	unlink(db);
	strcat(db, "-wal");
	unlink(db);
	db[strlen(db) - 4] = '\0';
	strcat(db, "-shm");
	unlink(db);
}

/* The replay's estate on a new store; more: configuration after it. */
static struct replay *
fresh_more(int reopen_s, const char *more)
{
	struct replay *r;

	unlink_store();
	r = replay_new_more(dir, reopen_s, more);
	if (r == NULL) {
		printf("FAIL the replay estate starts\n");
		exit(1);
	}
	return r;
}

static struct replay *
fresh(int reopen_s)
{
	return fresh_more(reopen_s, NULL);
}

/* Issue 14's first sequence: the fibre cut and repaired, nine minutes
 * later 30% loss on the path for ten minutes. */
static void
cut_then_loss(void)
{
	struct replay *r = fresh(15 * 60);
	json_t *all, *p1, *p4, *v, *rep;
	size_t i;
	char name[200];
	int open_mid = 0;

	replay_until(r, 60);
	replay_link(r, "lib-fibre", 1);
	replay_until(r, 120);
	replay_link(r, "lib-fibre", 0);
	replay_until(r, 660);
	replay_loss(r, "library", 30);
	replay_until(r, 1200);
	all = replay_incidents(r);
	json_array_foreach(all, i, v)
		if (strcmp(s_(v, "cause"), "link-degraded") == 0 &&
		    strcmp(s_(v, "state"), "resolved") != 0)
			open_mid = 1;
	json_decref(all);
	replay_until(r, 1260);
	replay_loss(r, "library", 0);
	replay_until(r, 1500);
	all = replay_incidents(r);
	p1 = by_situation(all, "site-down");
	p4 = by_situation(all, "link-degraded");
	CHECK(json_array_size(all) == 2, "cut, repair, loss 9 min later: "
	    "two incidents");
	CHECK(p1 && strcmp(s_(p1, "priority"), "P1") == 0 &&
	    strcmp(s_(p1, "cause"), "fibre-cut") == 0 && has_site(p1,
	    "library"), "  the cut: P1 fibre-cut at library");
	CHECK(p1 && neps(p1) == 1 && fabs(ep_dur(p1, 0) - 60) <= SLACK_S,
	    "  one episode, its outage the cut's 60 s");
	CHECK(p1 && !timeline_has(p1, "reopened") && desk_story(p1, 1),
	    "  never reopened by the loss: the desk heard opened ... resolved");
	CHECK(p4 && strcmp(s_(p4, "priority"), "P4") == 0 &&
	    strcmp(s_(p4, "cause"), "link-degraded") == 0 && has_site(p4,
	    "library") && strstr(s_(p4, "title"), "cut off") == NULL,
	    "  the loss: its own P4 link-degraded, not titled a cut");
	CHECK(open_mid, "  still open 9 minutes into the 10 minutes of loss");
	snprintf(name, sizeof(name), "  resolved once the loss ended, its "
	    "duration the loss's 600 s (%.0f)", p4 ? ep_dur(p4, 0) : -1);
	CHECK(p4 && strcmp(s_(p4, "state"), "resolved") == 0 &&
	    fabs(ep_dur(p4, 0) - 600) <= SLACK_LOSS_S, name);
	rep = replay_report(r, 0, 1500);
	snprintf(name, sizeof(name), "  the report: library cut off 60 s "
	    "in 25 minutes, the loss not counted (%.1f)", site_outage(rep,
	    "library"));
	CHECK(fabs(site_outage(rep, "library") - 60) <= SLACK_S, name);
	json_decref(rep);
	json_decref(all);
	replay_free(r);
}

/* The same fibre cut twice within the reopen window: one incident, two
 * episodes each its own length. */
static void
reopened(void)
{
	struct replay *r = fresh(15 * 60);
	json_t *all, *v, *rep;
	char name[1300], ev[1024];

	replay_until(r, 60);
	replay_link(r, "lib-fibre", 1);
	replay_until(r, 90);
	replay_link(r, "lib-fibre", 0);
	replay_until(r, 200);
	replay_link(r, "lib-fibre", 1);
	replay_until(r, 250);
	replay_link(r, "lib-fibre", 0);
	replay_until(r, 400);
	all = replay_incidents(r);
	v = json_array_get(all, 0);
	CHECK(json_array_size(all) == 1 && timeline_has(v, "reopened"),
	    "a cut again within the reopen window reopens the incident");
	desk_events(v, ev, sizeof(ev));
	snprintf(name, sizeof(name), "  the desk heard opened, resolved, "
	    "updated (reopened), resolved (%s)", ev);
	CHECK(desk_story(v, 2), name);
	snprintf(name, sizeof(name), "  two episodes of 30 s and 50 s "
	    "(%.0f, %.0f), not 190 s from the first cut", ep_dur(v, 0),
	    ep_dur(v, 1));
	CHECK(neps(v) == 2 && fabs(ep_dur(v, 0) - 30) <= SLACK_S &&
	    fabs(ep_dur(v, 1) - 50) <= SLACK_S, name);
	CHECK(strcmp(s_(v, "state"), "resolved") == 0 && fabs(json_number_value(
	    json_object_get(v, "duration_s")) - 80) <= 2 * SLACK_S,
	    "  its duration the two episodes' sum");
	rep = replay_report(r, 0, 400);
	CHECK(fabs(site_outage(rep, "library") - 80) <= 2 * SLACK_S,
	    "  the report counts the two cuts, not the stretch between");
	json_decref(rep);
	json_decref(all);
	replay_free(r);
}

/*
 * A remote site polled once a minute (its aggregation router, a switch, a
 * host behind them), its fibre watched from the datacentre's core every
 * 2 s and by the core's linkUp trap.  When the fibre comes back, the
 * outage must end then, not at the router's next poll up to a minute
 * later: the link's return (the core's ifOperStatus poll) re-checks
 * every device the outage cut off, and each device that answers
 * re-checks what hangs below it.  Checked at two repair times in
 * different places of the minute, so that no phase of the polls can make
 * it pass by luck; then with the core's linkUp trap, which re-checks the
 * core's subtree on its own.
 */
static const char slow_site[] =
"state-db \"%s/replay.db\"\n"
"rrd-dir \"%s/rrd\"\n"
"control-socket \"%s/ctl.sock\"\n"
"http-listen none\n"
"user root\n"
"incidents { correlation-window 5s  hold-down 30s  reopen-window 60s }\n"
"defaults { interval 1m  timeout 1s  retries 1 }\n"
"notify webhook \"http://127.0.0.1:9/desk\"\n"
"site \"dc\" { kind datacentre }\n"
"site \"harbour\" { kind remote  parent \"dc\" }\n"
"device \"core\" { site \"dc\" address 198.18.0.1\n"
"	snmp version 2c community \"r\"\n"
"	check icmp { interval 2s  count 5 }\n"
"	check snmp-metrics { interval 2s  oids { ifOperStatus } } }\n"
"device \"hbr-agg\" { site \"harbour\" address 198.18.3.1 parent \"core\"\n"
"	check icmp { count 5 } }\n"
"device \"hbr-sw\" { site \"harbour\" address 198.18.3.2 parent \"hbr-agg\"\n"
"	check icmp { count 5 } }\n"
"device \"hbr-host\" { site \"harbour\" address 198.18.3.3 parent \"hbr-sw\"\n"
"	check icmp { count 5 } }\n"
"link \"hbr-fibre\" { from \"core\" interface \"ge-0/0/4\"\n"
"	to \"hbr-agg\" interface \"ge-0/0/0\" }\n";

static void
slow_site_repair(double repair, int traps)
{
	char conf[sizeof(slow_site) + 600], name[400], by[32], rec[32];
	struct replay *r;
	json_t *all, *p1, *ep;
	const char *got;

	snprintf(conf, sizeof(conf), slow_site, dir, dir, dir);
	unlink_store();
	if ((r = replay_new_conf(dir, conf)) == NULL) {
		printf("FAIL the slow site's estate starts\n");
		exit(1);
	}
	replay_traps(r, traps);
	replay_until(r, 30);
	replay_link(r, "hbr-fibre", 1);
	replay_until(r, repair);
	replay_link(r, "hbr-fibre", 0);
	replay_until(r, repair + 120);
	all = replay_incidents(r);
	p1 = by_situation(all, "site-down");
	ep = json_array_get(json_object_get(p1, "episodes"),
	    neps(p1) > 0 ? neps(p1) - 1 : 0);
	got = s_(ep, "recovered_at");
	iso8601(replay_wall(r, repair + SLACK_S), by, sizeof(by));
	iso8601(replay_wall(r, repair), rec, sizeof(rec));
	snprintf(name, sizeof(name), "a site polled once a minute, its fibre "
	    "repaired at %.0f s%s: the outage ends within %.0f s of it "
	    "(%s; repaired %s)", repair, traps ? " (linkUp trap)" : "",
	    SLACK_S, got, rec);
	CHECK(p1 != NULL && json_array_size(all) == 1 &&
	    strcmp(s_(p1, "state"), "resolved") == 0 && *got != '\0' &&
	    strcmp(got, rec) >= 0 && strcmp(got, by) <= 0, name);
	json_decref(all);
	replay_free(r);
}

/* Dual fibre: one lost is P3 redundancy, the second the same incident as
 * a P1 outage; a device failing after a site's outage is its own
 * incident, the outage's never reopened as it. */
static void
escalation_and_other_situation(void)
{
	struct replay *r = fresh(15 * 60);
	json_t *all, *v, *rep;
	size_t i;
	int n_site = 0, n_dev = 0, ok_prio = 0, ok_dev = 0;
	char name[200];

	replay_until(r, 60);
	replay_link(r, "dep-fibre-1", 1);
	replay_until(r, 100);
	all = replay_incidents(r);
	v = json_array_get(all, 0);
	CHECK(json_array_size(all) == 1 && strcmp(s_(v, "priority"), "P3")
	    == 0 && strcmp(s_(v, "situation"), "redundancy-degraded") == 0,
	    "one fibre of two: P3 redundancy-degraded");
	json_decref(all);
	replay_link(r, "dep-fibre-2", 1);
	replay_until(r, 160);
	replay_link(r, "dep-fibre-1", 0);
	replay_link(r, "dep-fibre-2", 0);
	replay_until(r, 260);
	replay_device(r, "dep-sw", 1);
	replay_until(r, 320);
	replay_device(r, "dep-sw", 0);
	replay_until(r, 500);
	all = replay_incidents(r);
	json_array_foreach(all, i, v) {
		if (strcmp(s_(v, "situation"), "site-down") == 0) {
			n_site++;
			ok_prio = strcmp(s_(v, "priority"), "P1") == 0 &&
			    strcmp(s_(v, "cause"), "fibre-cut") == 0 &&
			    !timeline_has(v, "reopened");
		}
		if (strcmp(s_(v, "situation"), "device-down") == 0) {
			n_dev++;
			ok_dev = strstr(s_(v, "title"), "dep-sw") != NULL &&
			    strstr(s_(v, "title"), "cut off") == NULL &&
			    fabs(ep_dur(v, 0) - 60) <= SLACK_S;
		}
	}
	CHECK(json_array_size(all) == 2 && n_site == 1 && n_dev == 1,
	    "  the second fibre: the same incident (no second one); then "
	    "the switch: one of its own");
	CHECK(ok_prio, "  raised to P1 fibre-cut, never reopened");
	CHECK(ok_dev, "  the switch's incident names it, not a cut, 60 s");
	json_decref(all);
	/* Cut off only while both fibres were: the P3 part of the episode
	 * (one fibre, the site reachable) is no outage of the site. */
	rep = replay_report(r, 0, 500);
	snprintf(name, sizeof(name), "  the report: depot cut off for the "
	    "60 s both fibres were, not the incident's 100 s (%.0f)",
	    site_outage(rep, "depot"));
	CHECK(fabs(site_outage(rep, "depot") - 60) <= SLACK_S, name);
	json_decref(rep);
	replay_free(r);
}

/* Loss on the library's path for 5 minutes, and its fibre cut just as
 * the loss ends, before the degraded window has cleared (found by seed 62
 * of an earlier generator): the link-degraded incident ends when the cut
 * takes its devices over, and its episode does not count the cut. */
static void
loss_then_cut(void)
{
	struct replay *r = fresh(15 * 60);
	json_t *all, *p1, *p4;
	char name[200];

	replay_until(r, 60);
	replay_loss(r, "library", 20);
	replay_until(r, 360);
	replay_loss(r, "library", 0);
	replay_until(r, 364);
	replay_link(r, "lib-fibre", 1);
	replay_until(r, 484);
	replay_link(r, "lib-fibre", 0);
	replay_until(r, 700);
	all = replay_incidents(r);
	p1 = by_situation(all, "site-down");
	p4 = by_situation(all, "link-degraded");
	snprintf(name, sizeof(name), "loss for 300 s, the cut just after: "
	    "the loss's episode ends by the cut (%.0f s), not at its repair",
	    p4 ? ep_dur(p4, 0) : -1);
	CHECK(json_array_size(all) == 2 && p4 && strcmp(s_(p4, "state"),
	    "resolved") == 0 && ep_dur(p4, 0) > 300 - SLACK_S &&
	    ep_dur(p4, 0) < 300 + SLACK_LOSS_S, name);
	CHECK(p1 && fabs(ep_dur(p1, 0) - 120) <= SLACK_S,
	    "  and the cut its own P1 of 120 s");
	json_decref(all);
	replay_free(r);
}

/* Both fibres of the dual-fibre site cut (P1), one repaired: the outage
 * is over, so the P1 resolves once the hold-down has passed (its SLA met
 * or not when service came back); the fibre still cut is a P3 of its own
 * (a lesser situation, not the P1 kept open), resolved when that fibre is
 * repaired.  The report counts only the time the site was cut off. */
static void
deescalation(void)
{
	struct replay *r = fresh(15 * 60);
	json_t *all, *p1, *p3, *rep;
	char name[200];

	replay_until(r, 60);
	replay_link(r, "dep-fibre-1", 1);
	replay_link(r, "dep-fibre-2", 1);
	replay_until(r, 120);
	replay_link(r, "dep-fibre-2", 0);
	replay_until(r, 200);
	replay_link(r, "dep-fibre-1", 0);
	replay_until(r, 400);
	all = replay_incidents(r);
	p1 = json_array_get(all, 0);
	p3 = json_array_get(all, 1);
	snprintf(name, sizeof(name), "both fibres cut, then one repaired, then "
	    "the other: a P1 outage of %.0f s, resolved", p1 ? ep_dur(p1, 0) :
	    -1);
	CHECK(json_array_size(all) == 2 && strcmp(s_(p1, "priority"), "P1") ==
	    0 && strcmp(s_(p1, "state"), "resolved") == 0 &&
	    fabs(ep_dur(p1, 0) - 60) <= SLACK_S, name);
	snprintf(name, sizeof(name), "  then a P3 redundancy-degraded of its "
	    "own for the fibre still cut (%.0f s), resolved with it", p3 ?
	    ep_dur(p3, 0) : -1);
	CHECK(p3 && strcmp(s_(p3, "priority"), "P3") == 0 && strcmp(s_(p3,
	    "situation"), "redundancy-degraded") == 0 && strstr(s_(p3,
	    "title"), "cut off") == NULL && strcmp(s_(p3, "state"),
	    "resolved") == 0 && ep_dur(p3, 0) < 80 + SLACK_S, name);
	rep = replay_report(r, 0, 400);
	snprintf(name, sizeof(name), "  the report: depot cut off for the "
	    "60 s both were cut (%.0f)", site_outage(rep, "depot"));
	CHECK(fabs(site_outage(rep, "depot") - 60) <= SLACK_S, name);
	json_decref(rep);
	json_decref(all);
	replay_free(r);
}

/*
 * The same situation again within the reopen window, with another of the
 * site's in between: one fibre of the depot's two lost (P3), both (P1),
 * then the first again — the P3 comes back as its second episode, though
 * the P1 resolved after it; and the report counts only the minute both
 * were cut.
 */
static void
same_situation_across_another(void)
{
	struct replay *r = fresh(15 * 60);
	json_t *all, *p3, *p1, *rep;
	char name[400], ev[200];

	replay_until(r, 60);
	replay_link(r, "dep-fibre-1", 1);
	replay_until(r, 120);
	replay_link(r, "dep-fibre-1", 0);
	replay_until(r, 240);
	replay_link(r, "dep-fibre-1", 1);
	replay_link(r, "dep-fibre-2", 1);
	replay_until(r, 300);
	replay_link(r, "dep-fibre-1", 0);
	replay_link(r, "dep-fibre-2", 0);
	replay_until(r, 420);
	replay_link(r, "dep-fibre-1", 1);
	replay_until(r, 480);
	replay_link(r, "dep-fibre-1", 0);
	replay_until(r, 700);
	all = replay_incidents(r);
	p3 = by_situation(all, "redundancy-degraded");
	p1 = by_situation(all, "site-down");
	ev[0] = '\0';
	if (p3 != NULL)
		desk_events(p3, ev, sizeof(ev));
	snprintf(name, sizeof(name), "a fibre lost, both, the first again: "
	    "the P3 reopened as episode 2 (%zu incidents; P3 episodes %.0f "
	    "and %.0f s; the desk heard %.150s)", json_array_size(all),
	    p3 ? ep_dur(p3, 0) : -1, p3 ? ep_dur(p3, 1) : -1, ev);
	CHECK(json_array_size(all) == 2 && p3 && neps(p3) == 2 &&
	    strcmp(s_(p3, "priority"), "P3") == 0 &&
	    fabs(ep_dur(p3, 0) - 60) <= SLACK_S &&
	    fabs(ep_dur(p3, 1) - 60) <= SLACK_S && desk_story(p3, 2), name);
	snprintf(name, sizeof(name), "  the P1 between them its own, %.0f s",
	    p1 ? ep_dur(p1, 0) : -1);
	CHECK(p1 && neps(p1) == 1 && strcmp(s_(p1, "priority"), "P1") == 0 &&
	    fabs(ep_dur(p1, 0) - 60) <= SLACK_S, name);
	rep = replay_report(r, 0, 700);
	snprintf(name, sizeof(name), "  the report: depot cut off for the "
	    "60 s both were cut (%.0f)", site_outage(rep, "depot"));
	CHECK(fabs(site_outage(rep, "depot") - 60) <= SLACK_S, name);
	json_decref(rep);
	json_decref(all);
	replay_free(r);
}

/*
 * Random sequences: at library and depot, faults one after another (a cut
 * of the site's fibre(s), the switch down, loss on the path), each lasting
 * long enough to be seen (30..300 s) and followed by a healthy gap either
 * well inside the reopen window (60..120 s after the repair) or well past
 * it (>= window + 120 s).  The model, written from the rules and not from
 * the engine: a fault's situation is site-down for a cut, device-down for
 * the switch, link-degraded for loss; the same situation returning at a
 * site within the window reopens that incident as a new episode, anything
 * else is a new incident; every episode's outage is its fault's length.
 *
 * The power sequences (random_sequence(s, 1, ...)) add, on an estate with
 * a UPS at each site (below its switch): the UPS on battery until the
 * mains come back (P2 on-battery, power-loss), on battery and then dark
 * (the site's devices and links off) until the power returns — which
 * begins as on-battery and escalates in the same episode to a P1
 * site-down power-loss —, and at the depot one of its two fibres lost (P3
 * redundancy-degraded).  A fault reopens the newest incident whose
 * situation is the one it begins as, the incident then taking the
 * fault's facts (an on-battery incident that went dark is site-down from
 * then on); a site's time cut off is its cuts and its darks, not the
 * battery time before a dark.
 */
enum { F_CUT, F_DEV, F_LOSS, F_BATT, F_DARK, F_REDUND };

struct fault {
	int	 kind;
	double	 at, until, dark;	/* dark: F_DARK's dark, else -1 */
	double	 at0, until0, dark0;	/* as drawn (the others are spent) */
};

struct expect {
	int	 kind;		/* its last episode's fault: its facts */
	int	 neps;
	double	 dur[16];
	double	 last_end;
};

static const char *const sit_of[] = { "site-down", "device-down",
	"link-degraded", "on-battery", "site-down", "redundancy-degraded" };
/* The situation a fault begins as (what it reopens). */
static const char *const first_sit[] = { "site-down", "device-down",
	"link-degraded", "on-battery", "on-battery", "redundancy-degraded" };
static const char *const prio_of[] = { "P1", "P3", "P4", "P2", "P1", "P3" };
static const char *const cause_of[] = { "fibre-cut", "device-down",
	"link-degraded", "power-loss", "power-loss", "fibre-cut" };

/* A site's power off (devices and the links into them) or back. */
static void
site_power(struct replay *r, int lib, int off)
{
	static const char *const ldevs[] = { "lib-rtr", "lib-sw", "lib-cam",
	    "lib-ups" };
	static const char *const ddevs[] = { "dep-rtr", "dep-sw", "dep-ups" };
	size_t i;

	for (i = 0; i < (lib ? 4 : 3); i++)
		replay_device(r, lib ? ldevs[i] : ddevs[i], off);
	if (lib)
		replay_link(r, "lib-fibre", off);
	else {
		replay_link(r, "dep-fibre-1", off);
		replay_link(r, "dep-fibre-2", off);
	}
}

/* on: 1 the fault begins, 0 it ends, 2 F_DARK's dark. */
static void
fault_set(struct replay *r, const char *site, int kind, int on)
{
	int lib = strcmp(site, "library") == 0;
	const char *ups = lib ? "lib-ups" : "dep-ups";

	switch (kind) {
	case F_BATT:
		replay_ups(r, ups, on ? 5 : 3, on);
		break;
	case F_DARK:
		if (on == 2)
			site_power(r, lib, 1);
		else if (on) {
			replay_ups(r, ups, 5, 1);
		} else {
			site_power(r, lib, 0);
			replay_ups(r, ups, 3, 0);
		}
		break;
	case F_REDUND:
		replay_link(r, "dep-fibre-1", on);
		break;
	case F_CUT:
		if (lib)
			replay_link(r, "lib-fibre", on);
		else {
			replay_link(r, "dep-fibre-1", on);
			replay_link(r, "dep-fibre-2", on);
		}
		break;
	case F_DEV:
		replay_device(r, lib ? "lib-sw" : "dep-sw", on);
		break;
	default:
		replay_loss(r, site, on ? 20 : 0);
	}
}

static unsigned seed;
static double virtual_s;	/* the random sequences' virtual time */
/* Every other sequence is committed by the daemon's store thread, one
 * turn of its loop at a time, one turn in ten of them finding the store
 * locked and failing (memory goes back; the next evaluation makes the
 * change again): the incidents must come out the same. */
static unsigned long long turns, turns_failed;

static double
urand(double a, double b)
{
	seed = seed * 1664525u + 1013904223u;
	return a + (b - a) * ((seed >> 8) & 0xffff) / 65535.0;
}

static int
judge_site(json_t *all, const char *site, const struct expect *ex,
    size_t nex, char *why, size_t whylen)
{
	json_t *v, *got[32];
	size_t i, n = 0, k;

	json_array_foreach(all, i, v)
		if (has_site(v, site) && n < 32)
			got[n++] = v;
	if (n != nex) {
		snprintf(why, whylen, "%s: %zu incidents, the model says %zu",
		    site, n, nex);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(s_(got[i], "situation"), sit_of[ex[i].kind]) != 0) {
			snprintf(why, whylen, "%s #%zu: %s, the model says %s",
			    site, i, s_(got[i], "situation"),
			    sit_of[ex[i].kind]);
			return 0;
		}
		if (strcmp(s_(got[i], "priority"), prio_of[ex[i].kind]) != 0 ||
		    strcmp(s_(got[i], "cause"), cause_of[ex[i].kind]) != 0 ||
		    (strcmp(sit_of[ex[i].kind], "site-down") != 0 &&
		    strstr(s_(got[i], "title"), "cut off") != NULL)) {
			snprintf(why, whylen, "%s #%zu (%s): %s %s \"%.60s\"",
			    site, i, sit_of[ex[i].kind], s_(got[i], "priority"),
			    s_(got[i], "cause"), s_(got[i], "title"));
			return 0;
		}
		if (strcmp(s_(got[i], "state"), "resolved") != 0) {
			snprintf(why, whylen, "%s #%zu still %s after healing",
			    site, i, s_(got[i], "state"));
			return 0;
		}
		if ((int)neps(got[i]) != ex[i].neps) {
			snprintf(why, whylen, "%s #%zu (%s): %zu episodes, the "
			    "model says %d", site, i, sit_of[ex[i].kind],
			    neps(got[i]), ex[i].neps);
			return 0;
		}
		if (!desk_story(got[i], ex[i].neps)) {
			char ev[1024];

			desk_events(got[i], ev, sizeof(ev));
			snprintf(why, whylen, "%s #%zu (%s): the desk heard %.200s",
			    site, i, sit_of[ex[i].kind], ev);
			return 0;
		}
		for (k = 0; k < (size_t)ex[i].neps; k++) {
			double slack = ex[i].kind == F_LOSS ? SLACK_LOSS_S :
			    SLACK_S;

			if (fabs(ep_dur(got[i], k) - ex[i].dur[k]) > slack) {
				snprintf(why, whylen, "%s #%zu (%s) episode %zu: "
				    "%.0f s, the fault lasted %.0f s", site, i,
				    sit_of[ex[i].kind], k, ep_dur(got[i], k),
				    ex[i].dur[k]);
				return 0;
			}
		}
	}
	return 1;
}

/* REPLAY_SEED=N: one sequence, its faults and incidents printed. */
static void
dump(struct fault f[2][12], const size_t *nf, json_t *all,
    const char *const *sites)
{
	static const char *const kind[] = { "cut", "switch down", "loss",
	    "on battery", "on battery then dark", "one fibre of two" };
	json_t *v, *e;
	size_t i, j, k;

	for (j = 0; j < 2; j++)
		for (k = 0; k < nf[j]; k++) {
			printf("# fault %s %s %.0f..%.0f (%.0f s)", sites[j],
			    kind[f[j][k].kind], f[j][k].at0, f[j][k].until0,
			    f[j][k].until0 - f[j][k].at0);
			if (f[j][k].kind == F_DARK)
				printf(", dark from %.0f", f[j][k].dark0);
			printf("\n");
		}
	json_array_foreach(all, i, v) {
		printf("# incident %s %s %s %s \"%s\":", s_(v, "priority"),
		    s_(v, "situation"), s_(v, "state"), s_(v, "opened_at"),
		    s_(v, "title"));
		json_array_foreach(json_object_get(v, "episodes"), j, e)
			printf(" [%s +%.0f]", s_(e, "started_at"),
			    json_number_value(json_object_get(e,
			    "duration_s")));
		printf("\n");
	}
}

/* What the replay's estate gains for the power sequences: a UPS at each
 * site, below its switch. */
static const char power_estate[] =
"device \"lib-ups\" { site \"library\" address 198.18.1.4 parent \"lib-sw\"\n"
"	snmp version 2c community \"r\"\n"
"	check icmp { count 5 }\n"
"	check snmp-status \"upsOutputSource.0\" { expect 3 } }\n"
"device \"dep-ups\" { site \"depot\" address 198.18.2.4 parent \"dep-sw\"\n"
"	snmp version 2c community \"r\"\n"
"	check icmp { count 5 }\n"
"	check snmp-status \"upsOutputSource.0\" { expect 3 } }\n";

/* The faults drawn for one site, and the model's incidents of them. */
static double
draw_site(int j, int power, double window, struct fault *f, size_t *nf,
    struct expect *ex, size_t *nex)
{
	/* What the power sequences draw from, at each site (the depot has
	 * two fibres to lose one of). */
	static const int pk[2][5] = {
		{ F_CUT, F_DEV, F_BATT, F_DARK, F_DARK },
		{ F_CUT, F_DEV, F_BATT, F_DARK, F_REDUND } };
	double t = urand(30, 90);
	size_t k;
	int last;

	for (k = 0; k < 1 + (size_t)urand(0, 5.99); k++) {
		struct fault *x = &f[(*nf)++];
		struct expect *e;

		x->kind = power ? pk[j][(int)urand(0, 4.99)] :
		    (int)urand(0, 2.99);
		/* The last incident of the situation this fault begins as:
		 * the fault returns well inside its window or well past it,
		 * never near the edge (the repair is seen, and the hold-down
		 * runs, within seconds either way). */
		for (last = (int)*nex - 1; last >= 0 && strcmp(
		    sit_of[ex[last].kind], first_sit[x->kind]) != 0; last--)
			;
		if (last >= 0 && t - ex[last].last_end > window - 90 &&
		    t - ex[last].last_end < window + 150)
			t = ex[last].last_end + window + 150;
		x->at = t;
		x->dark = -1;
		if (x->kind == F_DARK) {
			x->dark = t + urand(15, 40);
			x->until = x->dark + urand(30, 240);
		} else
			x->until = t + urand(x->kind == F_LOSS ? 200 : 30,
			    300);
		x->at0 = x->at;
		x->until0 = x->until;
		x->dark0 = x->dark;
		/* Reopened: the same situation within the window; it takes
		 * this fault's facts. */
		if (last >= 0 && x->at - ex[last].last_end < window &&
		    ex[last].neps < 16) {
			e = &ex[last];
		} else {
			e = &ex[(*nex)++];
			memset(e, 0, sizeof(*e));
		}
		e->kind = x->kind;
		e->dur[e->neps++] = x->until - x->at;
		e->last_end = x->until;
		t = x->until + (urand(0, 1) < 0.5 ? urand(90, 150) :
		    window + urand(150, 400));
	}
	return t;
}

/*
 * One random sequence (power: with the UPS faults, on the estate with
 * UPSes), judged against the model: 1 if it matches, else 0 and why.
 */
static int
random_sequence(unsigned s, int power, char *why, size_t whylen)
{
	static const char *const sites[] = { "library", "depot" };
	const double window = 600;
	struct fault f[2][12];
	struct expect ex[2][12];
	size_t nf[2] = { 0, 0 }, nex[2] = { 0, 0 }, i, k;
	struct replay *r;
	json_t *all, *rep;
	double end = 0, t;
	int ok = 1, j;

	seed = s;
	for (j = 0; j < 2; j++)
		if ((t = draw_site(j, power, window, f[j], &nf[j], ex[j],
		    &nex[j])) > end)
			end = t;
	if (getenv("REPLAY_ASYNC_ALL") == NULL) {
		setenv("REPLAY_ASYNC", s % 2 ? "0" : "1", 1);
		setenv("REPLAY_COMMIT_FAIL", "10", 1);
	}
	r = fresh_more((int)window, power ? power_estate : NULL);
	/* Play both sites' faults in time order. */
	for (;;) {
		double next = 1e18;
		int js = -1, on = 0;
		size_t ks = 0;

		for (j = 0; j < 2; j++)
			for (k = 0; k < nf[j]; k++) {
				struct fault *x = &f[j][k];

				if (x->at >= 0 && x->at < next) {
					next = x->at;
					js = j, ks = k, on = 1;
				} else if (x->at < 0 && x->dark >= 0 &&
				    x->dark < next) {
					next = x->dark;
					js = j, ks = k, on = 2;
				} else if (x->at < 0 && x->dark < 0 &&
				    x->until >= 0 && x->until < next) {
					next = x->until;
					js = j, ks = k, on = 0;
				}
			}
		if (js < 0)
			break;
		replay_until(r, next);
		fault_set(r, sites[js], f[js][ks].kind, on);
		if (on == 1)
			f[js][ks].at = -1;
		else if (on == 2)
			f[js][ks].dark = -1;
		else
			f[js][ks].until = -1;
	}
	replay_until(r, end + 120);
	virtual_s += end + 120;
	all = replay_incidents(r);
	for (i = 0; i < 2 && ok; i++)
		ok = judge_site(all, sites[i], ex[i], nex[i], why, whylen);
	/* The report: each site's outage is the time it was cut off (its
	 * cuts, its darks), nothing else. */
	rep = replay_report(r, 0, end + 120);
	for (i = 0; i < 2 && ok; i++) {
		double cut = 0;
		int ncut = 0;

		for (k = 0; k < nf[i]; k++)
			if (f[i][k].kind == F_CUT || f[i][k].kind == F_DARK) {
				cut += f[i][k].until0 - (f[i][k].kind ==
				    F_DARK ? f[i][k].dark0 : f[i][k].at0);
				ncut++;
			}
		if (fabs(site_outage(rep, sites[i]) - cut) > SLACK_S *
		    (ncut > 0 ? ncut : 1)) {
			snprintf(why, whylen, "%s: the report's outage %.0f s, "
			    "it was cut off %.0f s", sites[i],
			    site_outage(rep, sites[i]), cut);
			ok = 0;
		}
	}
	json_decref(rep);
	if (getenv("REPLAY_SEED") != NULL)
		dump(f, nf, all, sites);
	json_decref(all);
	{
		unsigned long long tf, tn = replay_turns(r, &tf);

		turns += tn;
		turns_failed += tf;
	}
	replay_free(r);
	unsetenv("REPLAY_ASYNC");
	unsetenv("REPLAY_COMMIT_FAIL");
	return ok;
}

static int
make_dir(void)
{
	/* In memory where there is a tmpfs (the store syncs every change),
	 * else on the disk. */
	snprintf(dir, sizeof(dir), "/dev/shm/nocwatch-replay.XXXXXX");
	if (mkdtemp(dir) != NULL)
		return 0;
	snprintf(dir, sizeof(dir), "/tmp/nocwatch-replay.XXXXXX");
	if (mkdtemp(dir) != NULL)
		return 0;
	perror("mkdtemp");
	return -1;
}

/* What one process of the random phase found. */
struct tally {
	int		 passed, ran;
	unsigned	 first_bad;
	double		 virtual_s;
	unsigned long long turns, turns_failed;
	char		 why[300];
	char		 dir[64];
};

static void clean(void);

static double
real_mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Seeds 1..n, dealt to nproc processes (one per core: the sequences are
 * independent, each with its own store in its own directory); their
 * tallies come back through a pipe.
 */
static void
random_phase(int n, int power, int nproc, struct tally *all)
{
	int fd[2], k, status;
	pid_t pid;
	unsigned s;

	memset(all, 0, sizeof(*all));
	if (pipe(fd) == -1) {
		perror("pipe");
		exit(1);
	}
	fflush(NULL);
	for (k = 0; k < nproc; k++) {
		if ((pid = fork()) == -1) {
			perror("fork");
			exit(1);
		}
		if (pid == 0) {
			struct tally t;

			close(fd[0]);
			memset(&t, 0, sizeof(t));
			if (k > 0 && make_dir() == -1)
				_exit(1);
#if !defined(__SANITIZE_ADDRESS__)
			if (k > 0) {
				char log[100];

				snprintf(log, sizeof(log), "%s/engine.log",
				    dir);
				if (freopen(log, "w", stderr) == NULL)
					_exit(1);
			}
#endif
			virtual_s = 0;
			for (s = 1 + (unsigned)k; s <= (unsigned)n;
			    s += (unsigned)nproc) {
				char w[300];

				t.ran++;
				if (random_sequence(s, power, w, sizeof(w))) {
					t.passed++;
					continue;
				}
				printf("# miss: %sseed %u: %s\n", power ?
				    "power " : "", s, w);
				fflush(stdout);
				if (t.first_bad == 0 || s < t.first_bad) {
					t.first_bad = s;
					snprintf(t.why, sizeof(t.why), "%s", w);
				}
			}
			t.virtual_s = virtual_s;
			t.turns = turns;
			t.turns_failed = turns_failed;
			snprintf(t.dir, sizeof(t.dir), "%s", dir);
			if (k > 0 && t.passed == t.ran)
				clean();
			if (write(fd[1], &t, sizeof(t)) != (ssize_t)sizeof(t))
				_exit(1);
			_exit(0);
		}
	}
	close(fd[1]);
	for (k = 0; k < nproc; k++) {
		struct tally t;

		if (read(fd[0], &t, sizeof(t)) != (ssize_t)sizeof(t))
			break;
		all->passed += t.passed;
		all->ran += t.ran;
		all->virtual_s += t.virtual_s;
		all->turns += t.turns;
		all->turns_failed += t.turns_failed;
		if (t.first_bad != 0 && (all->first_bad == 0 ||
		    t.first_bad < all->first_bad)) {
			all->first_bad = t.first_bad;
			snprintf(all->why, sizeof(all->why), "%s", t.why);
			snprintf(all->dir, sizeof(all->dir), "%s", t.dir);
		}
	}
	close(fd[0]);
	while (wait(&status) > 0)
		;
}

static void
clean(void)
{
	static const char *const files[] = { "replay.conf", "replay.db",
	    "replay.db-wal", "replay.db-shm", "engine.log" };
	char path[600];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int
main(void)
{
	/*
	 * 51: four cuts of the library in an hour and its camera, polled
	 * every 5 minutes, taken for flapping (the last incident held open
	 * past its SLA).  2725, 3116, 6489, 12009 (21 of the first 20,000
	 * seeds): the same camera re-checked at each fault of the switch or
	 * fibre above it, its failures counted as its own state changes —
	 * taken for flapping, it held the incident open (for good, or 15
	 * minutes), or folded a later fault into it.  Power 43: the depot's
	 * fibre cut while the library was dark on battery, taken for a power
	 * loss by the library's UPS (another outage's evidence); power 27: a
	 * lost fibre's P3 starting at the last poll that saw it down (5 s
	 * short), not the first.
	 */
	static const struct {
		unsigned	 seed;
		int		 power;
		const char	*what;
	} kept[] = {
		{ 51, 0, "a slow poll taken for flapping" },
		{ 2725, 0, "a camera below three faults taken for flapping" },
		{ 3116, 0, "a camera below three faults taken for flapping" },
		{ 6489, 0, "a camera below three faults taken for flapping" },
		{ 12009, 0, "a camera below three faults taken for flapping" },
		{ 43, 1, "another site's UPS taken for this one's power" },
		{ 27, 1, "a lost fibre's start at its latest poll" },
	};
	char why[300], name[600];
	int n = 100, nproc, power;
	size_t i;
	struct tally t[2];
	double t0, secs;

	if (make_dir() == -1)
		return 1;
#if defined(__SANITIZE_ADDRESS__)
	/* Under the sanitizers every allocation unwinds its stack: fewer
	 * sequences (the plain build runs them all), and stderr kept for
	 * what the sanitizers say. */
	n = 12;
#else
	/* The engine's log (every incident opened, resolved, ...) to a file
	 * beside the store: thousands of lines. */
	snprintf(name, sizeof(name), "%s/engine.log", dir);
	if (freopen(name, "w", stderr) == NULL)
		return 1;
#endif
	log_init("test_replay", 1, 0);
	cut_then_loss();
	reopened();
	escalation_and_other_situation();
	deescalation();
	same_situation_across_another();
	loss_then_cut();
	slow_site_repair(137, 0);
	slow_site_repair(171, 0);
	slow_site_repair(171, 1);
	why[0] = '\0';
	if (getenv("REPLAY_N") != NULL)		/* more sequences, by hand */
		n = atoi(getenv("REPLAY_N"));
	/* REPLAY_SEED=N, or REPLAY_SEED=pN for a power sequence. */
	if (getenv("REPLAY_SEED") != NULL) {
		const char *a = getenv("REPLAY_SEED");
		unsigned s;

		power = a[0] == 'p';
		s = (unsigned)atoi(a + power);

		printf("# %sseed %u: %s\n", power ? "power " : "", s,
		    random_sequence(s, power, why, sizeof(why)) ?
		    "as the model says" : why);
		return 0;
	}
	nproc = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nproc < 1)
		nproc = 1;
	if (nproc > 8)
		nproc = 8;
	for (power = 0; power < 2; power++) {
		/* The real time the phase takes (the clock module's is
		 * virtual). */
		t0 = real_mono_s();
		turns = turns_failed = 0;
		random_phase(n, power, nproc, &t[power]);
		secs = real_mono_s() - t0;
		printf("# %d random %ssequences (%.0f hours of virtual time) "
		    "in %.2f s on %d processes: %.0f sequences a second\n",
		    t[power].ran, power ? "power " : "",
		    t[power].virtual_s / 3600, secs, nproc, secs > 0 ?
		    t[power].ran / secs : 0);
		printf("# half of them committed a turn at a time by the "
		    "daemon's store thread: %llu turns, %llu of them failed "
		    "and made again\n", t[power].turns, t[power].turns_failed);
		snprintf(name, sizeof(name), "the %ssequences committed as "
		    "the daemon does ran, with failed commits among them",
		    power ? "power " : "");
		CHECK(t[power].turns > 0 && t[power].turns_failed > 0, name);
	}
	/* Seeds that found faults, kept whatever n is. */
	for (i = 0; i < sizeof(kept) / sizeof(kept[0]); i++) {
		int ok;

		why[0] = '\0';
		ok = random_sequence(kept[i].seed, kept[i].power, why,
		    sizeof(why));
		snprintf(name, sizeof(name), "%sseed %u (%s) as the model "
		    "says%s%s", kept[i].power ? "power " : "", kept[i].seed,
		    kept[i].what, ok ? "" : ": ", ok ? "" : why);
		CHECK(ok, name);
	}
	why[0] = '\0';
	for (power = 0; power < 2; power++) {
		snprintf(name, sizeof(name), "random %sfault sequences at two "
		    "sites match the model (%d of %d; first miss: seed %s%u: "
		    "%s)", power ? "power " : "", t[power].passed, n,
		    power ? "p" : "", t[power].first_bad,
		    t[power].first_bad ? t[power].why : "none");
		CHECK(t[power].passed == n && t[power].ran == n, name);
		if (t[power].first_bad != 0 && strcmp(t[power].dir, dir) != 0)
			printf("# the engine's log of that process: "
			    "%s/engine.log\n", t[power].dir);
	}
	if (unit_failed)
		printf("# the engine's log: %s/engine.log\n", dir);
	else
		clean();
	return unit_done();
}
