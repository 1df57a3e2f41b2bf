/*
 * The service managers' report on a real SQLite store holding crafted
 * incidents over a 10-hour period: per priority the counts, the share
 * resolved within the SLA (one late P1 of two) and the mean time to
 * resolve; per site the outage time of site-down incidents clipped to the
 * period (one began before it, one is still open at its end), other
 * situations not counted as outages, and a configured site with none.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "incident.h"
#include "report.h"
#include "store.h"
#include "unit.h"

#define H	3600000LL
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
	in.resolve_by = resolve_by;
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
	const char *sites[] = { "school", "depot" };
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

	r = report_build(st, T0, T0 + 10 * H, sites, 2);
	CHECK(r != NULL, "the report is built");
	if (r == NULL)
		return unit_done();
	p1 = find(json_object_get(r, "priorities"), "priority", "P1");
	p2 = find(json_object_get(r, "priorities"), "priority", "P2");
	p3 = find(json_object_get(r, "priorities"), "priority", "P3");
	CHECK(p1 && num(p1, "opened") == 2 && num(p1, "resolved") == 2 &&
	    num(p1, "open_at_end") == 1, "P1: 2 opened in the period, 2 "
	    "resolved in it, 1 open at its end");
	CHECK(p1 && num(p1, "resolved_within_sla") == 1 &&
	    fabs(num(p1, "pct_within_sla") - 50) < 1e-9,
	    "P1: one of the two resolved within its SLA (50%)");
	CHECK(p1 && fabs(num(p1, "mean_resolve_s") - 1.5 * 3600) < 1e-6,
	    "P1: mean from first fault to resolution 1.5 h (1 h and 2 h)");
	CHECK(p2 && num(p2, "resolved") == 1 &&
	    fabs(num(p2, "pct_within_sla") - 100) < 1e-9 &&
	    fabs(num(p2, "mean_resolve_s") - 1800) < 1e-6, "P2: 100%, 30 min");
	CHECK(p3 && num(p3, "opened") == 0 && num(p3, "resolved") == 0 &&
	    json_is_null(json_object_get(p3, "pct_within_sla")),
	    "P3: nothing in the period (one before, one after)");

	s = find(json_object_get(r, "sites"), "site", "depot");
	CHECK(s && fabs(num(s, "outage_s") - 3600) < 1e-6 &&
	    fabs(num(s, "availability_pct") - 90) < 1e-9 &&
	    num(s, "outages") == 1,
	    "depot: 1 h cut off of 10 h (on battery is not an outage): 90%");
	s = find(json_object_get(r, "sites"), "site", "library");
	CHECK(s && fabs(num(s, "outage_s") - 3600) < 1e-6,
	    "library: only the hour inside the period counts");
	s = find(json_object_get(r, "sites"), "site", "harbour");
	CHECK(s && fabs(num(s, "outage_s") - 3600) < 1e-6,
	    "harbour: still open, counted to the period's end");
	s = find(json_object_get(r, "sites"), "site", "school");
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
