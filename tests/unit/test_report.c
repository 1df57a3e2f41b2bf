/*
 * The service managers' report on a real SQLite store holding crafted
 * incidents over a 10-hour period: per priority the counts, the share
 * resolved within the SLA (one late P1 of two) and the mean outage; per
 * site the outage time of site-down episodes clipped to the period (one
 * began before it, one is still open at its end), the hold-down before
 * resolution and the quiet time between a reopened incident's episodes
 * not counted, two incidents naming a site at once counted once, other
 * situations not counted as outages, and a configured site with none.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "config.h"
#include "model.h"
#include "report.h"
#include "store.h"
#include "unit.h"

#define H	3600000LL
#define M	60000LL
#define T0	1795000000000LL		/* the period's start, ms */

static char dir[] = "/tmp/nocwatch-report.XXXXXX";

static void
add(struct store *st, int prio, enum situation sit, const char *site,
    long long started, long long resolved, long long resolve_by)
{
	struct incident in;

	memset(&in, 0, sizeof(in));
	snprintf(in.key, sizeof(in.key), "site:%s:%lld", site, started);
	in.cause = CAUSE_FIBRE_CUT;
	in.sit = sit;
	in.priority = prio;
	in.state = resolved ? INC_RESOLVED : INC_OPEN;
	snprintf(in.title, sizeof(in.title), "%s", site);
	strset_add(&in.sites, site);
	in.started_at = started;
	in.opened_at = started + 3000;
	in.resolved_at = resolved;
	/* Recovered 60 s before it resolved: the hold-down. */
	in.recovered_at = resolved ? resolved - 60000 : 0;
	in.resolve_by = resolve_by;
	in.eps[0].start = started;
	in.eps[0].rec = in.recovered_at;
	in.eps[0].down = sit == SIT_SITE_DOWN ? started : 0;
	in.neps = 1;
	store_incident_save(st, &in);
	strset_free(&in.sites);
}

/* A resolved P1 site-down at site with these episodes: opened 3 s into
 * the first, resolved 30 s after the last recovery, 4 h to resolve. */
static void
add_episodes(struct store *st, const char *site, const struct episode *eps,
    int n)
{
	struct incident in;

	memset(&in, 0, sizeof(in));
	snprintf(in.key, sizeof(in.key), "site:%s", site);
	in.cause = CAUSE_FIBRE_CUT;
	in.sit = SIT_SITE_DOWN;
	in.priority = 1;
	in.state = INC_RESOLVED;
	snprintf(in.title, sizeof(in.title), "%s cut off", site);
	strset_add(&in.sites, site);
	memcpy(in.eps, eps, (size_t)n * sizeof(*eps));
	in.neps = n;
	in.started_at = in.eps[0].start;
	in.opened_at = in.started_at + 3000;
	in.recovered_at = in.eps[n - 1].rec;
	in.resolved_at = in.recovered_at + 30000;
	in.resolve_by = in.opened_at + 4 * H;
	store_incident_save(st, &in);
	strset_free(&in.sites);
}

static json_t *
find(json_t *a, const char *key, const char *val)
{
	json_t *x;
	size_t i;

	json_array_foreach(a, i, x)
		if (strcmp(json_string_value(json_object_get(x, key)), val) == 0)
			return x;
	return NULL;
}

static double
num(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return json_is_null(v) || v == NULL ? NAN : json_number_value(v);
}

int
main(void)
{
	char path[128], err[256];
	const char *sites[] = { "quay", "depot" };
	/* { start, recovery, cut off } */
	static const struct episode school[] = {
		{ T0 + 6 * H, T0 + 6 * H + 10 * M, T0 + 6 * H },
		{ T0 + 7 * H, T0 + 7 * H + 5 * M, T0 + 7 * H },
		{ T0 + 7 * H + 20 * M, T0 + 7 * H + 23 * M, T0 + 7 * H + 20 * M },
	}, mill[] = {
		{ T0 + 4 * H, T0 + 4 * H + 30 * M, T0 + 4 * H + 20 * M },
	};
	struct store *st;
	json_t *r, *p1, *p2, *p3, *s;

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/r.db", dir);
	st = store_open(path, 0, err, sizeof(err));
	CHECK(st != NULL, "store opens");
	if (st == NULL)
		return unit_done();
	/* P1 at depot: 1 h, resolved within its 4 h SLA. */
	add(st, 1, SIT_SITE_DOWN, "depot", T0 + 1 * H, T0 + 2 * H, T0 + 5 * H);
	/* P1 at library: began 1 h before the period, resolved 1 h in,
	 * after its resolve-by: late; 1 h of it inside the period. */
	add(st, 1, SIT_SITE_DOWN, "library", T0 - 1 * H, T0 + 1 * H,
	    T0 + 30 * 60000);
	/* P2 at depot: on battery, not an outage; resolved in 30 min. */
	add(st, 2, SIT_ON_BATTERY, "depot", T0 + 3 * H, T0 + 3 * H + 1800000,
	    T0 + 11 * H);
	/* P1 at harbour: opened 9 h in, still open at the end: 1 h. */
	add(st, 1, SIT_SITE_DOWN, "harbour", T0 + 9 * H, 0, T0 + 13 * H);
	/* Resolved long before the period: not in it at all. */
	add(st, 3, SIT_DEVICE_DOWN, "depot", T0 - 50 * H, T0 - 49 * H,
	    T0 - 10 * H);
	/* Opened after the period: not in it. */
	add(st, 3, SIT_DEVICE_DOWN, "depot", T0 + 11 * H, 0, T0 + 90 * H);
	/* A P1 at school reopened twice: 10, 5 and 3 minutes of outage
	 * between 6 h and 8 h in; resolved 30 s after the last recovery. */
	add_episodes(st, "school", school, 3);
	/* And a device-down... no: a second site-down incident naming school
	 * during its first episode (a shared upstream): counted once. */
	add(st, 1, SIT_SITE_DOWN, "school", T0 + 6 * H + 5 * 60000,
	    T0 + 6 * H + 8 * 60000 + 60000, T0 + 10 * H);
	/* mill: one fibre of two lost 4 h in (P3, still reachable), the
	 * other 20 minutes later (P1), both back 10 minutes after that:
	 * one episode of 30 minutes, 10 of them cut off. */
	add_episodes(st, "mill", mill, 1);
	/* A store written before episodes kept their cut-off moment
	 * ([start, recovery]): a site-down incident's episodes count from
	 * their start, as they did. */
	{
		sqlite3 *db;

		CHECK(sqlite3_open(path, &db) == SQLITE_OK && sqlite3_exec(db,
		    "UPDATE incidents SET episodes = '[[' || "
		    "json_extract(episodes, '$[0][0]') || ',' || "
		    "json_extract(episodes, '$[0][1]') || ']]' "
		    "WHERE title = 'harbour'", NULL, NULL, NULL) == SQLITE_OK &&
		    sqlite3_changes(db) == 1, "harbour's episodes written as "
		    "before (no cut-off moment)");
		sqlite3_close(db);
	}

	r = report_build(st, T0, T0 + 10 * H, sites, 2);
	CHECK(r != NULL, "the report is built");
	if (r == NULL)
		return unit_done();
	p1 = find(json_object_get(r, "priorities"), "priority", "P1");
	p2 = find(json_object_get(r, "priorities"), "priority", "P2");
	p3 = find(json_object_get(r, "priorities"), "priority", "P3");
	CHECK(p1 && num(p1, "opened") == 5 && num(p1, "resolved") == 5 &&
	    num(p1, "open_at_end") == 1, "P1: 5 opened in the period, 5 "
	    "resolved in it, 1 open at its end");
	CHECK(p1 && num(p1, "resolved_within_sla") == 4 &&
	    fabs(num(p1, "pct_within_sla") - 80) < 1e-9,
	    "P1: four of the five resolved within their SLA (80%)");
	/* Outages: 1 h - 1 min, 2 h - 1 min, 18 min, 3 min, and mill's
	 * whole episode (the incident's outage, P3 part and all). */
	CHECK(p1 && fabs(num(p1, "mean_outage_s") - (3600 - 60 + 7200 - 60 +
	    18 * 60 + 3 * 60 + 30 * 60) / 5.0) < 1e-6,
	    "P1: mean outage from each fault to its recovery, episodes "
	    "summed, no hold-down");
	CHECK(p2 && num(p2, "resolved") == 1 &&
	    fabs(num(p2, "pct_within_sla") - 100) < 1e-9 &&
	    fabs(num(p2, "mean_outage_s") - 1740) < 1e-6, "P2: 100%, 29 min");
	CHECK(p3 && num(p3, "opened") == 0 && num(p3, "resolved") == 0 &&
	    json_is_null(json_object_get(p3, "pct_within_sla")),
	    "P3: nothing in the period (one before, one after)");

	s = find(json_object_get(r, "sites"), "site", "depot");
	CHECK(s && fabs(num(s, "outage_s") - 3540) < 1e-6 &&
	    num(s, "outages") == 1,
	    "depot: 59 min cut off (the hold-down and on battery are not "
	    "outage)");
	s = find(json_object_get(r, "sites"), "site", "library");
	CHECK(s && fabs(num(s, "outage_s") - 3540) < 1e-6,
	    "library: only the time inside the period counts, to recovery");
	s = find(json_object_get(r, "sites"), "site", "school");
	CHECK(s && fabs(num(s, "outage_s") - 18 * 60) < 1e-6 &&
	    num(s, "outages") == 4 &&
	    fabs(num(s, "availability_pct") - 100 * (1 - 18.0 / 600)) < 1e-9,
	    "school: 18 min over three episodes (not the 1 h 23 m from first "
	    "fault to last recovery), the overlapping incident counted once");
	CHECK(json_is_string(json_object_get(r, "counting")),
	    "the report says how it counted");
	s = find(json_object_get(r, "sites"), "site", "harbour");
	CHECK(s && fabs(num(s, "outage_s") - 3600) < 1e-6,
	    "harbour: still open, counted to the period's end (an episode "
	    "stored without its cut-off moment counts from its start)");
	s = find(json_object_get(r, "sites"), "site", "mill");
	CHECK(s && fabs(num(s, "outage_s") - 600) < 1e-6 &&
	    num(s, "outages") == 1, "mill: 10 min cut off, not the P3 "
	    "part of its 30-minute episode before the escalation");
	s = find(json_object_get(r, "sites"), "site", "quay");
	CHECK(s && num(s, "outage_s") == 0 &&
	    fabs(num(s, "availability_pct") - 100) < 1e-9,
	    "a configured site with no incident: 100%");
	json_decref(r);
	CHECK(report_build(st, T0, T0, NULL, 0) == NULL,
	    "an empty period is refused");
	store_close(st);
	remove(path);
	snprintf(path, sizeof(path), "%s/r.db-wal", dir);
	remove(path);
	snprintf(path, sizeof(path), "%s/r.db-shm", dir);
	remove(path);
	rmdir(dir);
	return unit_done();
}
