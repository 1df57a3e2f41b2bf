/*
 * The incident engine's evaluation (see incident.c for the model): the
 * problems computed from the estate every half second, their reconciliation
 * with the open incidents (open, update, resolve, reopen), the SLA clocks,
 * and the commands (acknowledge, maintenance windows).
 */
#include <sys/stat.h>

#include <fnmatch.h>
#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "clock.h"
#include "devrt.h"
#include "escape.h"
#include "incident.h"
#include "incident_int.h"
#include "log.h"
#include "oids.h"
#include "rrdstore.h"
#include "snmpval.h"
#include "trap.h"
#include "xmalloc.h"

static void
problem_free(struct problem *p)
{
	strset_free(&p->sites);
	strset_free(&p->devices);
	strset_free(&p->subjects);
}

static void
evid_add(struct problem *p, long long at, const char *source,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
evid_add(struct problem *p, long long at, const char *source,
    const char *fmt, ...)
{
	va_list ap;
	struct evid *v;

	if (p->nev >= MAX_EVIDENCE)
		return;
	v = &p->ev[p->nev++];
	v->at = at > 0 ? at : wall_ms();
	str_copy(v->source, sizeof(v->source), source);
	va_start(ap, fmt);
	vsnprintf(v->text, sizeof(v->text), fmt, ap);
	va_end(ap);
}

const char *
ie_dname(struct incident_engine *e, int i)
{
	return e->devs[i].rt->conf->name;
}

const char *
ie_sname(struct incident_engine *e, int i)
{
	return i >= 0 ? e->sites[i].conf->name : "?";
}

static int
has_ancestor_in(struct incident_engine *e, int i, const int *marks)
{
	int p, hops = 0;

	for (p = e->devs[i].parent; p >= 0 && hops++ < (int)e->ndevs;
	    p = e->devs[p].parent)
		if (marks[p])
			return 1;
	return 0;
}

static int
prio_for(struct incident_engine *e, enum situation sit,
    const struct problem *p)
{
	const struct config *c = e->conf;
	int best = 0, x, i;
	size_t k;

	for (k = 0; k < p->subjects.n; k++)
		if ((i = ie_find_dev(e, p->subjects.v[k])) >= 0 &&
		    (x = e->devs[i].rt->conf->priority[sit]) > 0 &&
		    (best == 0 || x < best))
			best = x;
	for (k = 0; k < p->sites.n; k++)
		if ((i = ie_find_site(e, p->sites.v[k])) >= 0 &&
		    (x = e->sites[i].conf->priority[sit]) > 0 &&
		    (best == 0 || x < best))
			best = x;
	return best > 0 ? best : c->inc.priority[sit];
}

/* Does maintenance row m, a site window, cover site s or a site it hangs
 * off? */
static int
maint_covers_site(struct incident_engine *e, size_t m, int s)
{
	int hops = 0;

	if (strcmp(e->maint[m].scope, "site") != 0)
		return 0;
	for (; s >= 0 && hops++ <= (int)e->nsites; s = e->sites[s].parent)
		if (strcmp(e->maint[m].name, ie_sname(e, s)) == 0)
			return 1;
	return 0;
}

static long long
maint_of_dev(struct incident_engine *e, int i)
{
	size_t m;
	int p, hops = 0;

	for (p = i; p >= 0 && hops++ <= (int)e->ndevs; p = e->devs[p].parent)
		for (m = 0; m < e->nmaint; m++)
			if ((strcmp(e->maint[m].scope, "device") == 0 &&
			    strcmp(e->maint[m].name, ie_dname(e, p)) == 0) ||
			    maint_covers_site(e, m, e->devs[p].site))
				return e->maint[m].id;
	return 0;
}

static struct problem *
problem_new(struct incident_engine *e, const char *key)
{
	struct problem *p;
	size_t i;

	/* One problem per key: a second finding joins the first. */
	for (i = 0; i < e->nprobs; i++)
		if (strcmp(e->probs[i].key, key) == 0)
			return &e->probs[i];
	if (e->nprobs == e->cprobs) {
		e->cprobs = e->cprobs ? e->cprobs * 2 : 16;
		e->probs = xreallocarray(e->probs, e->cprobs, sizeof(*e->probs));
	}
	p = memset(&e->probs[e->nprobs++], 0, offsetof(struct problem, ev));
	str_copy(p->key, sizeof(p->key), key);
	p->prio = 9;
	return p;
}

/* Set what the problem is, unless it already is something graver. */
static int
problem_set(struct incident_engine *e, struct problem *p, enum inc_cause c,
    enum situation sit)
{
	int prio;

	prio = e->conf->inc.priority[sit];
	if (p->prio != 9 && p->prio <= prio)
		return 0;
	p->cause = c;
	p->sit = sit;
	p->prio = prio;
	return 1;
}

static void
list_names(struct strset *s, char *buf, size_t len, size_t max)
{
	size_t i, o = 0;

	buf[0] = '\0';
	for (i = 0; i < s->n && i < max && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "",
		    s->v[i]);
	if (s->n > max && o < len)
		snprintf(buf + o, len - o, " and %zu more", s->n - max);
}

/* When the last successful run of its reachability checks began. */
static double
last_ok_begun(const struct tdev *t)
{
	double m = 0;
	size_t k;

	for (k = 0; k < t->nreach; k++)
		if (t->rt->checks[t->reach[k]].st.ok_begun_ms > m)
			m = t->rt->checks[t->reach[k]].st.ok_begun_ms;
	return m;
}

/* When its last completed reachability run began (the newest of them). */
static double
last_begun(const struct tdev *t)
{
	double m = 0;
	size_t k;

	for (k = 0; k < t->nreach; k++) {
		const struct check_rt *c = &t->rt->checks[t->reach[k]];
		double at = c->st.done_ms - (c->last_ms > 0 ? c->last_ms : 0);

		if (c->st.done_ms > 0 && at > m)
			m = at;
	}
	return m;
}

static double
last_recovered(const struct tdev *t)
{
	double m = 0;
	size_t k;

	for (k = 0; k < t->nreach; k++)
		if (t->rt->checks[t->reach[k]].st.recovered_ms > m)
			m = t->rt->checks[t->reach[k]].st.recovered_ms;
	return m;
}

/* --- device states ------------------------------------------------------- */

static void
states(struct incident_engine *e)
{
	size_t i, k;
	int hops;

	for (i = 0; i < e->ndevs; i++) {
		struct tdev *t = &e->devs[i];
		int up = 0, hard = 0, unknown = 0;

		t->first_fail = 0;
		t->first_fail_start = 0;
		t->first_fail_wall = 0;
		t->flapping = 0;
		for (k = 0; k < t->nreach; k++) {
			const struct check_rt *c = &t->rt->checks[t->reach[k]];

			if (c->st.flapping)
				t->flapping = 1;
			if (c->nruns == 0)
				unknown++;
			else if (c->st.hard) {
				hard++;
				if (t->first_fail == 0 ||
				    c->st.first_fail < t->first_fail) {
					t->first_fail = c->st.first_fail;
					t->first_fail_start =
					    c->st.first_fail_start;
					t->first_fail_wall =
					    c->st.first_fail_wall;
				}
			} else
				up++;
		}
		t->state = up ? DS_UP : hard ? DS_DOWN : t->nreach == 0 ?
		    DS_UP : DS_UNKNOWN;
		(void)unknown;
	}
	for (i = 0; i < e->ndevs; i++) {
		struct tdev *t = &e->devs[i];
		int p;

		t->unreach = 0;
		t->maint = maint_of_dev(e, (int)i);
		if (t->state != DS_DOWN)
			continue;
		for (p = t->parent, hops = 0; p >= 0 && hops++ <
		    (int)e->ndevs; p = e->devs[p].parent)
			if (e->devs[p].state == DS_DOWN ||
			    last_recovered(&e->devs[p]) > last_begun(t))
				/* Down above, or its last failing run began
				 * before the parent's recovery: not a root
				 * (yet); the re-check will tell. */
				t->unreach = 1;
	}
	for (i = 0; i < e->nsites; i++) {
		struct tsite *s = &e->sites[i];
		int edges = 0, down = 0;

		s->dark_wall = 0;
		for (k = 0; k < e->ndevs; k++) {
			if (e->devs[k].site != (int)i || !e->devs[k].edge)
				continue;
			edges++;
			if (e->devs[k].state == DS_DOWN) {
				down++;
				if (s->dark_wall == 0 ||
				    e->devs[k].first_fail_wall < s->dark_wall)
					s->dark_wall =
					    e->devs[k].first_fail_wall;
			}
		}
		s->dark = edges > 0 && down == edges;
		if (s->dark)
			s->dark_last = mono_ms();
		s->mark = 0;
	}
}


/* Why this end says the link is down: its status, or its light. */
static void
end_evidence(struct incident_engine *e, struct problem *p,
    const struct tlink *l, int end)
{
	if (l->oper[end] == 2)
		evid_add(p, l->at[end], ie_dname(e, l->dev[end]), "%s %s down "
		    "(%s), link %s", ie_dname(e, l->dev[end]),
		    l->conf->ifname[end], l->how[end], l->conf->name);
	else
		evid_add(p, l->at[end], ie_dname(e, l->dev[end]), "%s %s "
		    "receives %.1f dBm, under loss of signal (%.1f dBm), link "
		    "%s", ie_dname(e, l->dev[end]), l->conf->ifname[end],
		    l->rx_dbm[end], l->conf->los_dbm[end], l->conf->name);
}

/* --- outages ------------------------------------------------------------- */

/* Is interface io of device di the end of a declared link? */
static int
declared_end(struct incident_engine *e, int di, const struct if_obs *io)
{
	size_t i;
	int end;

	for (i = 0; i < e->nlinks; i++)
		for (end = 0; end < 2; end++)
			if (e->links[i].dev[end] == di &&
			    ie_ifname_matches(e->links[i].conf->ifname[end], io))
				return 1;
	return 0;
}

/* The longest a root's reachability checks wait between runs. */
static long long
reach_interval_ms(const struct tdev *t)
{
	long long w = 0;
	size_t k;

	for (k = 0; k < t->nreach; k++)
		if (t->rt->checks[t->reach[k]].conf->interval_ms > w)
			w = t->rt->checks[t->reach[k]].conf->interval_ms;
	return w;
}

/*
 * A cut-off site with no link declared for it: the live parent of one of
 * its roots saw a port go down (a linkDown trap, or a poll that found it
 * up before) no earlier than the root's last good run could have been —
 * its longest poll interval and a few seconds before it failed.  That
 * port's light is gone: the fibre to the site is the likely cause, with
 * the port named.  Ports of declared links are judged by their links.
 */
static int
port_went_down(struct incident_engine *e, const int *marks, long long started,
    char *ftxt, size_t len, struct problem *p)
{
	const struct if_obs *best = NULL;
	int i, pa, best_pa = -1;
	size_t k;

	for (i = 0; i < (int)e->ndevs; i++) {
		const struct tdev *t = &e->devs[i];
		long long from = started - reach_interval_ms(t) - 5000;

		if (marks[i] != 2 || (pa = t->parent) < 0 || marks[pa] ||
		    e->devs[pa].state == DS_DOWN)
			continue;
		for (k = 0; k < e->devs[pa].rt->obs.nifs; k++) {
			const struct if_obs *io = &e->devs[pa].rt->obs.ifs[k];

			if (io->down_at == 0 || io->down_at < from ||
			    declared_end(e, pa, io))
				continue;
			if (best == NULL || llabs(io->down_at - started) <
			    llabs(best->down_at - started)) {
				best = io;
				best_pa = pa;
			}
		}
	}
	if (best == NULL)
		return 0;
	snprintf(ftxt, len, "%.60s %.60s down", ie_dname(e, best_pa),
	    best->name[0] ? best->name : "an interface");
	evid_add(p, best->down_at, ie_dname(e, best_pa), "%s (ifIndex %ld) went "
	    "down as the site went dark (%s); no link is declared on it",
	    best->name[0] ? best->name : "interface", best->index,
	    best->down_how);
	return 1;
}

static void
outage(struct incident_engine *e, int root, int *marks)
{
	struct tdev *r = &e->devs[root];
	struct problem *p;
	struct tsite *rs = r->site >= 0 ? &e->sites[r->site] : NULL;
	char key[160], names[200], why[240], ftxt[200] = "";
	size_t i, k;
	int site_group = r->edge && rs != NULL && rs->dark, confirmed = 1;
	int ncut = 0, power = 0, fibre = 0, wlc = 0, end;
	long long started = 0;
	double now = mono_ms();

	if (site_group)
		snprintf(key, sizeof(key), "site:%s", rs->conf->name);
	else
		snprintf(key, sizeof(key), "%s:%s", r->is_wlc ? "wifi" :
		    "device", ie_dname(e, root));
	p = problem_new(e, key);
	memset(marks, 0, e->ndevs * sizeof(int));
	/* The roots: this one, or every down edge of its dark site. */
	for (i = 0; i < e->ndevs; i++) {
		struct tdev *t = &e->devs[i];

		if ((int)i != root && !(site_group && t->site == r->site &&
		    t->edge && t->state == DS_DOWN && !t->unreach))
			continue;
		marks[i] = 2;
		strset_add(&p->subjects, ie_dname(e, (int)i));
		if (started == 0 || (t->first_fail_wall > 0 &&
		    t->first_fail_wall < started))
			started = t->first_fail_wall;
		/* Confirmed: a run of the parent that began after the
		 * failing run of this one began was answered (so this one
		 * failed while its parent was up), e.g. when a trap
		 * re-checked both at once. */
		if (t->parent >= 0 && !(e->devs[t->parent].state == DS_UP &&
		    last_ok_begun(&e->devs[t->parent]) >= t->first_fail_start))
			confirmed = 0;
		if (t->is_wlc)
			wlc = 1;
	}
	/* Everything below the roots, and the whole dark site. */
	for (i = 0; i < e->ndevs; i++)
		if (!marks[i] && ((site_group && e->devs[i].site == r->site) ||
		    has_ancestor_in(e, (int)i, marks)))
			marks[i] = 1;
	for (i = 0; i < e->ndevs; i++)
		if (marks[i])
			strset_add(&p->devices, ie_dname(e, (int)i));
	for (k = 0; k < e->nsites; k++) {
		int all = 1, any = 0;

		for (i = 0; i < e->ndevs; i++)
			if (e->devs[i].site == (int)k) {
				any = 1;
				if (!marks[i])
					all = 0;
			}
		if (any && all) {
			e->sites[k].mark = 1;
			strset_add(&p->sites, ie_sname(e, (int)k));
			ncut++;
		}
	}
	if (ncut == 0 && r->site >= 0)
		strset_add(&p->sites, ie_sname(e, r->site));
	/* Evidence: power first (a UPS warned before the dark) — a UPS of
	 * this outage's own devices: a site that another outage of the
	 * same moment cut off (marked before this one) says nothing of
	 * this one's power. */
	for (i = 0; i < e->ndevs; i++) {
		struct tdev *t = &e->devs[i];
		struct dev_obs *o = &t->rt->obs;

		if (!t->is_ups || !(o->on_battery || o->battery_low) ||
		    !marks[i])
			continue;
		if (o->battery_since > started + POWER_SLACK_MS)
			continue;
		power = 1;
		evid_add(p, o->battery_since, ie_dname(e, (int)i), "UPS %s%s "
		    "(%s)", o->on_battery ? "on battery" : "battery low",
		    isnan(o->minutes_left) ? "" : ", minutes left reported",
		    o->ups_source);
	}
	/* A link into the group reported down by its live end. */
	for (i = 0; i < e->nlinks; i++) {
		struct tlink *l = &e->links[i];

		for (end = 0; end < 2; end++) {
			int far = l->dev[end], near = l->dev[!end];

			if (far < 0 || near < 0 || !marks[far] || marks[near] ||
			    e->devs[near].state == DS_DOWN)
				continue;
			/* The live end's word on the link predates the
			 * failure: wait for its next one (the parent's
			 * re-check brings it), within the correlation
			 * window, rather than open as device-down. */
			if (l->oper[!end] == 1 && l->at[!end] < started)
				confirmed = 0;
			if (ie_end_down(l, !end)) {
				if (!fibre)
					snprintf(ftxt, sizeof(ftxt), "%.60s "
					    "%.60s %s, link %.60s",
					    ie_dname(e, near),
					    l->conf->ifname[!end],
					    l->oper[!end] == 2 ? "down" :
					    "lost light", l->conf->name);
				fibre = 1;
				end_evidence(e, p, l, !end);
			}
			if (l->flapping)
				p->flapping = 1;
		}
	}
	if (!fibre && !power && ncut > 0 &&
	    port_went_down(e, marks, started, ftxt, sizeof(ftxt), p))
		fibre = 1;
	for (i = 0; i < e->ndevs; i++)
		if (marks[i] == 2) {
			const struct check_rt *c = e->devs[i].nreach ?
			    &e->devs[i].rt->checks[e->devs[i].reach[0]] : NULL;

			evid_add(p, e->devs[i].first_fail_wall, ie_dname(e, (int)i),
			    "%s: %s", c ? check_type_name(c->conf->type) :
			    "check", c && c->detail[0] ? c->detail :
			    probe_outcome_name(c ? c->outcome : PROBE_TIMEOUT));
		}
	for (i = 0; i < e->ndevs; i++)
		if (marks[i] && e->devs[i].flapping)
			p->flapping = 1;
	if (ncut > 0) {
		list_names(&p->sites, names, sizeof(names), 3);
		if (power)
			snprintf(why, sizeof(why), "power loss (UPS on battery "
			    "before it went dark)");
		else if (fibre)
			snprintf(why, sizeof(why), "fibre cut (%s)", ftxt);
		else
			snprintf(why, sizeof(why), "%s down", ie_dname(e, root));
		if (problem_set(e, p, power ? CAUSE_POWER_LOSS : fibre ?
		    CAUSE_FIBRE_CUT : CAUSE_DEVICE_DOWN, SIT_SITE_DOWN))
			snprintf(p->title, sizeof(p->title), "%.60s cut off: "
			    "%.200s", names, why);
	} else if (problem_set(e, p, fibre ? CAUSE_FIBRE_CUT : wlc ?
	    CAUSE_WIFI_DEGRADED : CAUSE_DEVICE_DOWN, wlc ? SIT_WIFI :
	    SIT_DEVICE_DOWN)) {
		list_names(&p->subjects, names, sizeof(names), 3);
		snprintf(p->title, sizeof(p->title), "%s%s down%s%s", wlc ?
		    "Wi-Fi controller " : "", names, fibre ? ": fibre cut" : "",
		    p->devices.n > p->subjects.n ? ", with what is behind it" :
		    "");
	}
	if (p->started_at == 0 || (started > 0 && started < p->started_at))
		p->started_at = started;
	p->confirmed = confirmed;
	p->maint = 1;
	for (i = 0; i < e->ndevs; i++)
		if (marks[i] == 2 && e->devs[i].maint == 0)
			p->maint = 0;
	if (p->maint)
		for (i = 0; i < e->ndevs; i++)
			if (marks[i] == 2)
				p->maint = e->devs[i].maint;
	(void)now;
}

/* --- the other findings -------------------------------------------------- */

static void
redundancy(struct incident_engine *e)
{
	struct problem *p;
	char key[160];
	size_t i;
	int end, fe;

	for (i = 0; i < e->nlinks; i++) {
		struct tlink *l = &e->links[i];
		struct tsite *s;

		if (l->far_site < 0 || (s = &e->sites[l->far_site])->dark ||
		    s->mark)
			continue;
		if (l->flapping) {
			/* Up and down too often to be an outage: degraded. */
			snprintf(key, sizeof(key), "site:%s", s->conf->name);
			p = problem_new(e, key);
			strset_add(&p->sites, s->conf->name);
			for (end = 0; end < 2; end++)
				if (l->dev[end] >= 0 &&
				    e->devs[l->dev[end]].site == l->far_site) {
					strset_add(&p->devices,
					    ie_dname(e, l->dev[end]));
					strset_add(&p->subjects,
					    ie_dname(e, l->dev[end]));
					p->maint = e->devs[l->dev[end]].maint;
				}
			fe = l->flap[0] ? 0 : 1;	/* the end that flaps */
			evid_add(p, 0, l->conf->name, "link flapping: %d state "
			    "changes in its last %d observations (%s)",
			    ie_flap_changes(l->hist[fe], l->nhist[fe]),
			    l->nhist[fe], l->how[0][0] ? l->how[0] : l->how[1]);
			p->flapping = 1;
			if (problem_set(e, p, CAUSE_LINK_DEGRADED,
			    SIT_LINK_DEGRADED))
				snprintf(p->title, sizeof(p->title), "%s: link "
				    "%s flapping", s->conf->name, l->conf->name);
			if (p->started_at == 0)
				p->started_at = wall_ms();
		}
		if (s->nuplinks < 2)
			continue;
		end = l->dev[1] >= 0 && e->devs[l->dev[1]].site == l->far_site ?
		    1 : 0;
		if (l->dev[!end] < 0 || !ie_end_down(l, !end) ||
		    e->devs[l->dev[!end]].state == DS_DOWN)
			continue;
		snprintf(key, sizeof(key), "site:%s", s->conf->name);
		p = problem_new(e, key);
		strset_add(&p->sites, s->conf->name);
		if (l->dev[end] >= 0)
			strset_add(&p->subjects, ie_dname(e, l->dev[end]));
		end_evidence(e, p, l, !end);
		if (l->flapping)
			p->flapping = 1;
		if (problem_set(e, p, CAUSE_FIBRE_CUT, SIT_REDUNDANCY))
			snprintf(p->title, sizeof(p->title), "%s lost fibre %s; "
			    "still reachable over its other link(s)",
			    s->conf->name, l->conf->name);
		/* Since the fibre went, or since the site answered again
		 * if it was cut off then (that time was the outage's). */
		if (p->started_at == 0) {
			long long since = l->down_since[!end] ?
			    l->down_since[!end] : l->at[!end], back;

			back = s->dark_last > 0 ? wall_ms() - (long long)(
			    mono_ms() - s->dark_last) : 0;
			p->started_at = back > since ? back : since;
		}
		p->maint = l->dev[end] >= 0 ? e->devs[l->dev[end]].maint : 0;
	}
}

static struct incident *incident_by_key(struct incident_engine *,
    const char *, int, int);

/* A device of the site is failing, or down while the site is not dark: the
 * site may be going dark. */
static int
site_in_doubt(const struct incident_engine *e, int site)
{
	size_t i, k;

	for (i = 0; i < e->ndevs; i++) {
		const struct tdev *t = &e->devs[i];

		if (t->site != site)
			continue;
		if (t->state == DS_DOWN)
			return 1;	/* part of it down: dark next? */
		for (k = 0; k < t->nreach; k++) {
			const struct check_state *st =
			    &t->rt->checks[t->reach[k]].st;

			if (st->fails > 0 && !st->hard)
				return 1;
		}
	}
	return 0;
}

/* Every edge of the site answered a run begun after wall (ms since the
 * epoch): the site is up after something happened there. */
static int
site_answered_since(struct incident_engine *e, int s, long long wall)
{
	double begun = mono_ms() - (double)(wall_ms() - wall);
	size_t i;
	int edges = 0;

	for (i = 0; i < e->ndevs; i++) {
		if (e->devs[i].site != s || !e->devs[i].edge ||
		    e->devs[i].nreach == 0)
			continue;
		edges++;
		if (e->devs[i].state != DS_UP ||
		    last_ok_begun(&e->devs[i]) < begun)
			return 0;
	}
	return edges > 0;
}

/*
 * A UPS on battery at a site that is up: its warning (key: the site's, in
 * key) is raised once the site has answered since and unless it may be
 * going dark (10 s at most), or when an incident of that key is open; so a
 * power cut that takes the site down at once is one P1 power-loss from the
 * start, not a P2 raised a moment before it.
 */
static int
battery_warning(struct incident_engine *e, const struct tdev *t, char *key,
    size_t len, int *answered)
{
	const struct dev_obs *o = &t->rt->obs;

	if (!t->is_ups || !(o->on_battery || o->battery_low) || t->site < 0 ||
	    e->sites[t->site].dark || e->sites[t->site].mark)
		return 0;
	snprintf(key, len, "site:%s", ie_sname(e, t->site));
	/* The site answered a run begun half a second after the UPS went
	 * on battery (a power cut darkens a site within milliseconds). */
	*answered = site_answered_since(e, t->site, o->battery_since + 500);
	return (!site_in_doubt(e, t->site) && *answered) ||
	    wall_ms() - o->battery_since > POWER_SLACK_MS ||
	    incident_by_key(e, key, 0, -1) != NULL;
}

static void
power(struct incident_engine *e)
{
	struct problem *p;
	char key[160];
	size_t i;
	int answered;

	for (i = 0; i < e->ndevs; i++) {
		struct tdev *t = &e->devs[i];
		struct dev_obs *o = &t->rt->obs;

		if (battery_warning(e, t, key, sizeof(key), &answered)) {
			p = problem_new(e, key);
			strset_add(&p->sites, ie_sname(e, t->site));
			strset_add(&p->devices, ie_dname(e, (int)i));
			strset_add(&p->subjects, ie_dname(e, (int)i));
			evid_add(p, o->battery_since, ie_dname(e, (int)i),
			    "UPS %s (%s)", o->battery_low ? "battery low" :
			    "on battery", o->ups_source);
			if (problem_set(e, p, CAUSE_POWER_LOSS, SIT_ON_BATTERY)) {
				if (isnan(o->minutes_left))
					snprintf(p->title, sizeof(p->title),
					    "%s running on battery%s",
					    ie_sname(e, t->site), o->battery_low ?
					    ", battery low" : "");
				else
					snprintf(p->title, sizeof(p->title),
					    "%s running on battery, %.0f minutes "
					    "left", ie_sname(e, t->site),
					    o->minutes_left);
			}
			if (p->started_at == 0)
				p->started_at = o->battery_since;
			p->maint = t->maint;
			/* The site answered after the UPS went on battery:
			 * nothing to wait for (no correlation window). */
			p->confirmed = answered;
		}
	}
}

/* --- Wi-Fi ---------------------------------------------------------------- */

int
ie_site_in_maint(struct incident_engine *e, int s)
{
	size_t m;

	for (m = 0; m < e->nmaint; m++)
		if (maint_covers_site(e, m, s))
			return 1;
	return 0;
}

/* The site an AP belongs to by its name (site "aps" patterns), cached. */
static int
ap_site(struct incident_engine *e, struct ap_obs *a)
{
	size_t s, k;

	if (a->site_gen == e->topo_gen)
		return a->site;
	a->site = -1;
	a->site_gen = e->topo_gen;
	for (s = 0; s < e->nsites && a->site < 0 && a->name[0]; s++)
		for (k = 0; k < e->sites[s].conf->naps; k++)
			if (fnmatch(e->sites[s].conf->aps[k], a->name,
			    FNM_CASEFOLD) == 0) {
				a->site = (int)s;
				break;
			}
	return a->site;
}

/* Controllers whose AP table is worth reading now: polled, and up. */
static int
wlc_readable(const struct tdev *t)
{
	return t->is_wlc && t->state == DS_UP && t->rt->obs.naps > 0;
}

/* Count each site's APs over every controller. */
static void
wifi_count(struct incident_engine *e)
{
	size_t i, k;
	int s;

	for (k = 0; k < e->nsites; k++) {
		e->sites[k].ap_total = e->sites[k].ap_down = 0;
		e->sites[k].ap_down_since = 0;
		e->sites[k].ap_wlc = -1;
	}
	for (i = 0; i < e->ndevs; i++) {
		struct dev_obs *o = &e->devs[i].rt->obs;

		if (!wlc_readable(&e->devs[i]))
			continue;
		for (k = 0; k < o->naps; k++) {
			struct tsite *ts;

			if ((s = ap_site(e, &o->aps[k])) < 0)
				continue;
			ts = &e->sites[s];
			ts->ap_total++;
			if (ts->ap_wlc < 0)
				ts->ap_wlc = (int)i;
			if (o->aps[k].up == 1)
				continue;
			ts->ap_down++;
			if (o->aps[k].since > ts->ap_down_since)
				ts->ap_down_since = o->aps[k].since;
		}
	}
}

/* A device of the site failing now, or down for under 10 s: the site may
 * be going dark (after that, a device down does not hide a Wi-Fi loss). */
static int
site_failing_lately(const struct incident_engine *e, int site)
{
	size_t i;

	if (!site_in_doubt(e, site))
		return 0;
	for (i = 0; i < e->ndevs; i++)
		if (e->devs[i].site == site && e->devs[i].state == DS_DOWN &&
		    wall_ms() - e->devs[i].first_fail_wall >
		    POWER_SLACK_MS)
			return 0;
	return 1;
}

/*
 * A site's lost APs are not a Wi-Fi problem of their own when the site is
 * cut off (its outage incident says so), is in maintenance, came back from
 * dark a moment ago (APs take minutes to boot and rejoin), or may be going
 * dark (a device failing).
 */
static int
wifi_excused(struct incident_engine *e, int s)
{
	const struct tsite *ts = &e->sites[s];

	return ts->dark || ts->mark || ie_site_in_maint(e, s) ||
	    (ts->dark_last > 0 && mono_ms() - ts->dark_last <
	    e->conf->inc.wifi_ap_rejoin_ms) || site_failing_lately(e, s);
}

/* A site whose APs are all gone while the site itself answers. */
static void
wifi_site(struct incident_engine *e, int s)
{
	struct tsite *ts = &e->sites[s];
	struct problem *p;
	char key[160];
	const char *wlc = ie_dname(e, ts->ap_wlc);

	snprintf(key, sizeof(key), "wifi-site:%s", ie_sname(e, s));
	p = problem_new(e, key);
	strset_add(&p->sites, ie_sname(e, s));
	strset_add(&p->devices, wlc);
	strset_add(&p->subjects, wlc);
	evid_add(p, ts->ap_down_since, wlc, "all %d APs of %s down or gone "
	    "from the AP table, while the site answers", ts->ap_total,
	    ie_sname(e, s));
	if (problem_set(e, p, CAUSE_WIFI_DEGRADED, SIT_WIFI))
		snprintf(p->title, sizeof(p->title), "%s: no Wi-Fi, all %d APs "
		    "down (%s)", ie_sname(e, s), ts->ap_total, wlc);
	if (p->started_at == 0)
		p->started_at = ts->ap_down_since;
	p->confirmed = 1;
	p->maint = 0;
}

/* The outage that cut the site off names its lost APs. */
static void
wifi_outage_evidence(struct incident_engine *e, int s)
{
	const struct tsite *ts = &e->sites[s];
	size_t i;

	for (i = 0; i < e->nprobs; i++)
		if (e->probs[i].sit == SIT_SITE_DOWN &&
		    strset_has(&e->probs[i].sites, ie_sname(e, s)))
			evid_add(&e->probs[i], ts->ap_down_since,
			    ie_dname(e, ts->ap_wlc), "all %d APs of %s lost by "
			    "the controller", ts->ap_total, ie_sname(e, s));
}

/* One controller's share of APs down, leaving out the excused sites (and
 * those whose APs went too recently to tell). */
static void
wifi_controller(struct incident_engine *e, int i)
{
	const struct incident_conf *ic = &e->conf->inc;
	struct tdev *t = &e->devs[i];
	struct dev_obs *o = &t->rt->obs;
	struct strset where = { NULL, 0 };
	struct problem *p;
	char key[160];
	int total = 0, down = 0, left_out = 0, s;
	size_t k;

	for (k = 0; k < o->naps; k++) {
		s = ap_site(e, &o->aps[k]);
		if (s >= 0 && e->sites[s].ap_excused) {
			left_out++;
			continue;
		}
		total++;
		if (o->aps[k].up != 1) {
			down++;
			if (s >= 0)
				strset_add(&where, ie_sname(e, s));
		}
	}
	if (total == 0 || down == 0 || 100.0 * down / total <
	    ic->wifi_ap_down_pct) {
		strset_free(&where);
		return;
	}
	snprintf(key, sizeof(key), "wifi:%s", ie_dname(e, i));
	p = problem_new(e, key);
	if (t->site >= 0)
		strset_add(&p->sites, ie_sname(e, t->site));
	for (k = 0; k < where.n; k++)
		strset_add(&p->sites, where.v[k]);
	strset_free(&where);
	strset_add(&p->devices, ie_dname(e, i));
	strset_add(&p->subjects, ie_dname(e, i));
	evid_add(p, 0, ie_dname(e, i), "%d of %d APs down (AP table poll)", down,
	    total);
	if (left_out > 0)
		evid_add(p, 0, ie_dname(e, i), "%d more APs not counted: their "
		    "sites are cut off, rejoining, in maintenance or without "
		    "Wi-Fi as a whole", left_out);
	if (problem_set(e, p, CAUSE_WIFI_DEGRADED, SIT_WIFI))
		snprintf(p->title, sizeof(p->title), "Wi-Fi controller %s: %d "
		    "of %d APs down", ie_dname(e, i), down, total);
	if (p->started_at == 0)
		p->started_at = wall_ms();
	p->maint = t->maint;
}

/*
 * Access points: a site whose APs all went while it answers has no Wi-Fi
 * (one incident for the site); a site cut off loses its APs as part of its
 * outage (evidence in that incident, no Wi-Fi incident beside it); what is
 * left counts towards each controller's share of APs down.
 */
static void
wifi(struct incident_engine *e)
{
	size_t i;

	wifi_count(e);
	for (i = 0; i < e->nsites; i++) {
		struct tsite *ts = &e->sites[i];

		ts->ap_excused = 0;
		if (ts->ap_down == 0)
			continue;
		if (wifi_excused(e, (int)i)) {
			ts->ap_excused = 1;
			if ((ts->dark || ts->mark) &&
			    ts->ap_down == ts->ap_total)
				wifi_outage_evidence(e, (int)i);
		} else if (!site_answered_since(e, (int)i, ts->ap_down_since) &&
		    wall_ms() - ts->ap_down_since < WIFI_CONFIRM_MS) {
			/* Not counted until the wired side has answered a
			 * run begun after the APs went: the site may be
			 * going dark, its routers not polled since. */
			ts->ap_excused = 1;
		} else if (ts->ap_down == ts->ap_total) {
			ts->ap_excused = 1;	/* its own incident */
			wifi_site(e, (int)i);
		}
	}
	for (i = 0; i < e->ndevs; i++)
		if (wlc_readable(&e->devs[i]))
			wifi_controller(e, (int)i);
}

/* The site's link-degraded problem of this evaluation, if any. */
static struct problem *
degraded_problem(struct incident_engine *e, int site)
{
	char key[200];
	size_t i;

	snprintf(key, sizeof(key), "degraded:%s", ie_sname(e, site));
	for (i = 0; i < e->nprobs; i++)
		if (strcmp(e->probs[i].key, key) == 0 && e->probs[i].prio != 9)
			return &e->probs[i];
	return NULL;
}

/* A WAN edge whose loss or latency is over its threshold (with hysteresis). */
static void
degraded(struct incident_engine *e)
{
	struct problem *p;
	char key[200];
	size_t i, k;

	for (i = 0; i < e->ndevs; i++) {
		struct tdev *t = &e->devs[i];
		int wan = t->edge;

		if (t->state == DS_DOWN)
			continue;
		for (k = 0; k < e->nlinks; k++)
			if (e->links[k].dev[0] == (int)i ||
			    e->links[k].dev[1] == (int)i)
				wan = wan || e->links[k].far_site == t->site;
		for (k = 0; k < t->rt->nchecks; k++) {
			const struct check_rt *c = &t->rt->checks[k];
			const struct check_conf *cc = c->conf;

			if (cc->type == CHECK_ICMP && wan &&
			    t->site >= 0 && c->st.degraded) {
				/* Its own situation: never the site's outage
				 * incident, open or within its reopen window. */
				snprintf(key, sizeof(key), "degraded:%s",
				    ie_sname(e, t->site));
				p = problem_new(e, key);
				strset_add(&p->sites, ie_sname(e, t->site));
				strset_add(&p->devices, ie_dname(e, (int)i));
				strset_add(&p->subjects, ie_dname(e, (int)i));
				evid_add(p, 0, ie_dname(e, (int)i), "icmp: median "
				    "%.1f ms, %.0f%% loss over its last %d runs",
				    c->st.deg_rtt, c->st.deg_loss,
				    CHECK_DEGRADE_WINDOW);
				if (problem_set(e, p, CAUSE_LINK_DEGRADED,
				    SIT_LINK_DEGRADED))
					snprintf(p->title, sizeof(p->title),
					    "%s WAN link degraded: %.0f%% loss, "
					    "median %.0f ms", ie_sname(e, t->site),
					    c->st.deg_loss, c->st.deg_rtt);
				if (p->started_at == 0)
					p->started_at = c->st.deg_since;
				p->maint = t->maint;
			}
		}
	}
}

/*
 * Is the site's WAN link losing packets — its edge's ICMP window over
 * half the loss threshold, degraded or not yet?  Then a service at the
 * site that only times out is the link's symptom.
 */
static int
site_lossy(struct incident_engine *e, int site)
{
	const struct check_rt *c;
	const struct threshold *th;
	size_t i, k;

	for (i = 0; i < e->ndevs; i++) {
		if (e->devs[i].site != site || !e->devs[i].edge)
			continue;
		for (k = 0; k < e->devs[i].rt->nchecks; k++) {
			c = &e->devs[i].rt->checks[k];
			th = c->conf->has_warn ? &c->conf->warn :
			    c->conf->has_crit ? &c->conf->crit : NULL;
			if (c->conf->type != CHECK_ICMP || th == NULL ||
			    c->st.nwin == 0)
				continue;
			if (c->st.degraded || (th->has_pct &&
			    c->st.last_loss >= th->pct / 2))
				return 1;
		}
	}
	return 0;
}

/* When the device last came back from a hard failure (monotonic ms). */
static double
dev_back_ms(const struct tdev *t)
{
	double b = 0, r;
	size_t k;

	for (k = 0; k < t->nreach; k++)
		if ((r = t->rt->checks[t->reach[k]].st.recovered_ms) > b)
			b = r;
	return b;
}

/*
 * A failing tcp/http/dns/status check on a host that is up.  A failure
 * whose last run began before its host came back is the outage's tail:
 * judged again on the check's next run, never a second incident; one on
 * a host failing to answer is reachability's to judge.  One that
 * only times out behind a degraded WAN link is that link's symptom: its
 * evidence, not a fault of its own (run after degraded()).
 */
static void
services(struct incident_engine *e)
{
	struct problem *p;
	char key[200];
	size_t i, k;

	for (i = 0; i < e->ndevs; i++) {
		struct tdev *t = &e->devs[i];

		if (t->state == DS_DOWN)
			continue;
		for (k = 0; k < t->rt->nchecks; k++) {
			const struct check_rt *c = &t->rt->checks[k];
			const struct check_conf *cc = c->conf;

			if (!c->st.hard || ie_is_reach(t, (int)k) ||
			    t->is_ups || cc->type == CHECK_ICMP ||
			    cc->type == CHECK_PCAP ||
			    cc->type == CHECK_SNMP_METRICS ||
			    c->st.done_ms - c->last_ms < dev_back_ms(t) ||
			    ie_host_failing(t))
				continue;
			if (c->outcome == PROBE_TIMEOUT && t->site >= 0 &&
			    site_lossy(e, t->site)) {
				if ((p = degraded_problem(e, t->site)) != NULL)
					evid_add(p, 0, ie_dname(e, (int)i), "%s %s "
					    "timing out behind the degraded link",
					    check_type_name(cc->type),
					    cc->target ? cc->target : "");
				continue;
			}
			snprintf(key, sizeof(key), "service:%.150s", c->key);
			p = problem_new(e, key);
			if (t->site >= 0)
				strset_add(&p->sites, ie_sname(e, t->site));
			strset_add(&p->devices, ie_dname(e, (int)i));
			strset_add(&p->subjects, ie_dname(e, (int)i));
			evid_add(p, c->st.first_fail_wall, ie_dname(e, (int)i),
			    "%s %s: %s", check_type_name(cc->type), cc->target ?
			    cc->target : "", c->detail);
			if (problem_set(e, p, CAUSE_SERVICE_DOWN,
			    SIT_SERVICE_DOWN))
				snprintf(p->title, sizeof(p->title), "%s: %s "
				    "%.60s failing: %.150s", ie_dname(e, (int)i),
				    check_type_name(cc->type), cc->target ?
				    cc->target : "", c->detail[0] ? c->detail :
				    probe_outcome_name(c->outcome));
			if (p->started_at == 0)
				p->started_at = c->st.first_fail_wall;
			p->maint = t->maint;
		}
	}
}

/* --- reconciliation ------------------------------------------------------ */

/*
 * Record one change of an incident in one transaction (the host's): the
 * row, a timeline entry, the evidence new to it and, when event is not
 * NULL, a notification per channel.  saved: the incident as it was before
 * the change (NULL: a new one).  0: committed, the evidence counted as the
 * incident's and the notifier told; -1: not; 1: queued by the host, the
 * journal keeps saved (moved) until incident_committed() says.
 */
static int
record(struct incident_engine *e, struct incident *in, struct incident *saved,
    const char *tl_event, const char *detail, const char *event,
    const struct problem *p)
{
	struct inc_evid ev[MAX_EVIDENCE];
	struct inc_record rec;
	struct jentry *j;
	char src[MAX_EVIDENCE][400];
	size_t i, n = 0, k;
	int r;

	for (i = 0; p != NULL && (int)i < p->nev && n < MAX_EVIDENCE; i++) {
		snprintf(src[n], sizeof(src[n]), "%s: %s", p->ev[i].source,
		    p->ev[i].text);
		if (strset_has(&in->evidence, src[n]))
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(src[k], src[n]) == 0)
				break;
		if (k < n)
			continue;
		ev[n].at = p->ev[i].at;
		ev[n].source = p->ev[i].source;
		ev[n].text = p->ev[i].text;
		n++;
	}
	memset(&rec, 0, sizeof(rec));
	rec.in = in;
	rec.tl_event = tl_event;
	rec.detail = detail;
	rec.event = event;
	rec.ev = ev;
	rec.nev = n;
	r = e->host.record == NULL ? -1 : e->host.record(e->host.arg, &rec);
	if (r == -1) {
		log_warnx("incident %lld: could not record '%s'", in->id,
		    tl_event);
		return -1;
	}
	/* Queued or committed, the evidence is the incident's (a second
	 * change in the same transaction must not store it again); a
	 * transaction that fails takes it back with the rest. */
	for (i = 0; i < n; i++)
		strset_add(&in->evidence, src[i]);
	if (r == INC_RECORD_QUEUED) {
		if (e->njrn == e->cjrn) {
			e->cjrn = e->cjrn ? e->cjrn * 2 : 8;
			e->jrn = xreallocarray(e->jrn, e->cjrn,
			    sizeof(*e->jrn));
		}
		j = &e->jrn[e->njrn++];
		memset(j, 0, sizeof(*j));
		j->in = in;
		j->is_new = saved == NULL;
		if (saved != NULL)
			j->saved = *saved;	/* its sets move with it */
		j->event = event != NULL;
		return 1;
	}
	if (event != NULL && e->host.changed != NULL)
		e->host.changed(e->host.arg);
	return 0;
}

static void
sla_set(struct incident_engine *e, struct incident *in)
{
	const struct incident_conf *ic = &e->conf->inc;

	in->respond_by = in->opened_at + (long long)ic->sla_respond_ms[
	    in->priority];
	in->resolve_by = in->opened_at + (long long)ic->sla_resolve_ms[
	    in->priority];
}

static struct pending *
pending_get(struct incident_engine *e, const char *key, double now)
{
	size_t i;

	for (i = 0; i < e->npend; i++)
		if (strcmp(e->pend[i].key, key) == 0) {
			e->pend[i].gen = e->gen;
			return &e->pend[i];
		}
	e->pend = xreallocarray(e->pend, e->npend + 1, sizeof(*e->pend));
	snprintf(e->pend[e->npend].key, sizeof(e->pend[0].key), "%s", key);
	e->pend[e->npend].first = now;
	e->pend[e->npend].gen = e->gen;
	return &e->pend[e->npend++];
}

static void
pending_prune(struct incident_engine *e)
{
	size_t i, o = 0;

	for (i = 0; i < e->npend; i++)
		if (e->pend[i].gen == e->gen)
			e->pend[o++] = e->pend[i];
	e->npend = o;
}

/* The newest incident of the key, open or resolved; sit: of that
 * situation only, or -1. */
static struct incident *
incident_by_key(struct incident_engine *e, const char *key, int resolved,
    int sit)
{
	struct incident *in, *best = NULL;

	for (in = e->incs; in != NULL; in = in->next)
		if (strcmp(in->key, key) == 0 && (resolved ? in->state ==
		    INC_RESOLVED : in->state != INC_RESOLVED) && (sit < 0 ||
		    (int)in->sit == sit))
			if (best == NULL || in->id > best->id)
				best = in;
	return best;
}

/*
 * A change is made in memory first and then recorded; when the record
 * cannot be committed (the store locked, a write failed) memory goes back
 * to the copy taken before, so it says what the store says and the next
 * evaluation makes the same change again.
 */
static void
inc_back(struct incident *in, struct incident *saved)
{
	struct incident *next = in->next;
	int seen = in->seen;

	incident_clear(in);
	*in = *saved;
	in->next = next;
	in->seen = seen;
}

/* record(), and on failure memory back to saved; saved is used up (or
 * kept by the journal until the host's transaction ends). */
static int
record_or_back(struct incident_engine *e, struct incident *in,
    struct incident *saved, const char *tl_event, const char *detail,
    const char *event, const struct problem *p)
{
	switch (record(e, in, saved, tl_event, detail, event, p)) {
	case -1:
		inc_back(in, saved);
		return -1;
	case 0:
		incident_clear(saved);
		break;
	}
	return 0;
}

/*
 * The SLA's clocks: an incident still unacknowledged past its respond-by,
 * or unresolved past its resolve-by, raises an `sla-breach` event to its
 * channels, once for each deadline (kept in the store: a restart does not
 * raise it again); a priority with `repeat` reminds its channels at that
 * interval until someone acknowledges.
 */
static void
sla_check(struct incident_engine *e)
{
	const struct incident_conf *ic = &e->conf->inc;
	long long now = wall_ms(), since;
	struct incident *in, saved;
	char detail[300], when[32];
	double rep;

	for (in = e->incs; in != NULL; in = in->next) {
		if (in->state == INC_RESOLVED)
			continue;
		if (in->acked_at == 0 && in->respond_by > 0 &&
		    now > in->respond_by &&
		    !(in->sla_breached & SLA_BREACHED_RESPOND)) {
			incident_copy(&saved, in);
			in->sla_breached |= SLA_BREACHED_RESPOND;
			snprintf(detail, sizeof(detail), "respond-by %s passed "
			    "without an acknowledgement (P%d)", iso8601(
			    in->respond_by, when, sizeof(when)), in->priority);
			if (record_or_back(e, in, &saved, "sla-breach", detail,
			    "sla-breach", NULL) == 0)
				log_warnx("incident %lld: SLA breached: %s",
				    in->id, detail);
		}
		if (in->resolve_by > 0 && now > in->resolve_by &&
		    !(in->sla_breached & SLA_BREACHED_RESOLVE)) {
			incident_copy(&saved, in);
			in->sla_breached |= SLA_BREACHED_RESOLVE;
			snprintf(detail, sizeof(detail), "resolve-by %s passed "
			    "(P%d)", iso8601(in->resolve_by, when, sizeof(when)),
			    in->priority);
			if (record_or_back(e, in, &saved, "sla-breach", detail,
			    "sla-breach", NULL) == 0)
				log_warnx("incident %lld: SLA breached: %s",
				    in->id, detail);
		}
		rep = ic->sla_repeat_ms[in->priority];
		since = in->last_repeat > in->opened_at ? in->last_repeat :
		    in->opened_at;
		if (in->acked_at == 0 && rep > 0 && since > 0 &&
		    now - since >= (long long)rep) {
			incident_copy(&saved, in);
			in->last_repeat = now;
			snprintf(detail, sizeof(detail), "P%d still "
			    "unacknowledged after %lld min", in->priority,
			    (now - in->opened_at) / 60000);
			if (record_or_back(e, in, &saved, "repeat", detail,
			    "repeat", NULL) == -1)
				in->last_repeat = now;	/* not in a loop */
		}
	}
}

static void
log_opened(const struct incident *in)
{
	log_warnx("incident %lld opened: P%d %s: %s", in->id, in->priority,
	    cause_name(in->cause), in->title);
}

static void
open_incident(struct incident_engine *e, struct problem *p)
{
	struct incident *in = xcalloc(1, sizeof(*in));
	size_t i;

	snprintf(in->key, sizeof(in->key), "%s", p->key);
	in->cause = p->cause;
	in->sit = p->sit;
	in->priority = p->prio;
	in->state = INC_OPEN;
	snprintf(in->title, sizeof(in->title), "%s", p->title);
	for (i = 0; i < p->sites.n; i++)
		strset_add(&in->sites, p->sites.v[i]);
	for (i = 0; i < p->devices.n; i++)
		strset_add(&in->devices, p->devices.v[i]);
	in->flapping = p->flapping;
	in->opened_at = wall_ms();
	in->started_at = p->started_at > 0 && p->started_at <= in->opened_at ?
	    p->started_at : in->opened_at;
	in->eps[0].start = in->started_at;
	in->eps[0].down = in->sit == SIT_SITE_DOWN ? in->started_at : 0;
	in->neps = 1;
	sla_set(e, in);
	in->seen = 1;
	switch (record(e, in, NULL, "opened", in->title, "opened", p)) {
	case -1:
		incident_free(in);
		return;
	case 0:
		log_opened(in);
		break;
	}
	in->next = e->incs;
	e->incs = in;
}

/*
 * A device-down names no reason; when the evidence for one (a link end
 * reporting the fibre down, a UPS on battery before the dark) comes in
 * soon after the incident opened, the incident takes that cause.  Never
 * after a restart corrected the cause, and never later than
 * CAUSE_REFINE_MS: an hour into an outage a port shut by an engineer is
 * not why the site went dark.
 */
static int
cause_refined(const struct incident *in, const struct problem *p)
{
	return in->cause == CAUSE_DEVICE_DOWN && !in->cause_fixed &&
	    (p->cause == CAUSE_FIBRE_CUT || p->cause == CAUSE_POWER_LOSS) &&
	    p->sit == in->sit && p->prio == in->priority &&
	    wall_ms() - in->eps[in->neps - 1].start < CAUSE_REFINE_MS;
}

static void
update_incident(struct incident_engine *e, struct incident *in,
    struct problem *p)
{
	char detail[400], added[300];
	struct strset news = { NULL, 0 }, newd = { NULL, 0 };
	const char *event = NULL, *what = NULL;
	struct incident saved;
	struct episode *ep;
	size_t i;
	int changed = 0, newev = 0, cut_off;

	in->seen = 1;
	if (in->recovered_at != 0) {
		incident_copy(&saved, in);
		in->recovered_at = 0;
		in->absent_since = 0;
		in->eps[in->neps - 1].rec = 0;
		if (record_or_back(e, in, &saved, "fault-returned", "the fault "
		    "came back before the hold-down ended", NULL, p) == -1)
			return;
	}
	for (i = 0; i < p->sites.n; i++)
		if (!strset_has(&in->sites, p->sites.v[i]))
			strset_add(&news, p->sites.v[i]);
	for (i = 0; i < p->devices.n; i++)
		if (!strset_has(&in->devices, p->devices.v[i]))
			strset_add(&newd, p->devices.v[i]);
	for (i = 0; i < (size_t)p->nev; i++) {
		snprintf(detail, sizeof(detail), "%s: %s", p->ev[i].source,
		    p->ev[i].text);
		if (!strset_has(&in->evidence, detail))
			newev = 1;
	}
	/* The site cut off in this episode from now (an escalation). */
	ep = &in->eps[in->neps - 1];
	cut_off = p->sit == SIT_SITE_DOWN && ep->down == 0;
	if (p->prio < in->priority || cause_refined(in, p) || news.n > 0 ||
	    newd.n > 0 || p->flapping != in->flapping || newev || cut_off)
		incident_copy(&saved, in);	/* a change: recorded below */
	else {
		strset_free(&news);
		strset_free(&newd);
		return;
	}
	if (cut_off)
		ep->down = p->started_at > ep->start && p->started_at <=
		    wall_ms() ? p->started_at : wall_ms();
	if (p->prio < in->priority) {
		snprintf(detail, sizeof(detail), "P%d -> P%d: %s (%s)",
		    in->priority, p->prio, p->title, cause_name(p->cause));
		in->priority = p->prio;
		in->cause = p->cause;
		in->sit = p->sit;
		snprintf(in->title, sizeof(in->title), "%s", p->title);
		sla_set(e, in);
		event = "updated";
		what = "priority";
		changed = 1;
	} else if (cause_refined(in, p)) {
		/* The first look lacked the evidence (the live end of the
		 * link polled a moment after the dark devices failed). */
		snprintf(detail, sizeof(detail), "cause %s -> %s: %s",
		    cause_name(in->cause), cause_name(p->cause), p->title);
		in->cause = p->cause;
		snprintf(in->title, sizeof(in->title), "%s", p->title);
		event = "updated";
		what = "cause";
		changed = 1;
	}
	if (news.n > 0) {
		list_names(&news, added, sizeof(added), 10);
		if (!changed)
			snprintf(detail, sizeof(detail), "sites affected: +%s",
			    added);
		if (!changed && p->prio == in->priority) {
			/* The title names the sites: take the new one. */
			snprintf(in->title, sizeof(in->title), "%s", p->title);
		}
		event = "updated";
		what = what ? what : "sites-added";
		changed = 1;
	}
	if (newd.n > 0 && !changed) {
		list_names(&newd, added, sizeof(added), 10);
		snprintf(detail, sizeof(detail), "devices affected: +%s", added);
		what = "devices-added";
		changed = 1;
	}
	for (i = 0; i < news.n; i++)
		strset_add(&in->sites, news.v[i]);
	for (i = 0; i < newd.n; i++)
		strset_add(&in->devices, newd.v[i]);
	if (p->flapping != in->flapping) {
		in->flapping = p->flapping;
		if (!changed) {
			snprintf(detail, sizeof(detail), "%s", p->flapping ?
			    "flapping: repeated state changes" :
			    "no longer flapping");
			what = p->flapping ? "flapping" : "stable";
			changed = 1;
		}
	}
	if (!changed && cut_off) {
		snprintf(detail, sizeof(detail), "cut off: %s", p->title);
		what = "cut-off";
		changed = 1;
	}
	if (!changed && newev) {
		snprintf(detail, sizeof(detail), "new evidence");
		what = "evidence";
		changed = 1;
	}
	if (changed)
		record_or_back(e, in, &saved, what, detail, event, p);
	else
		incident_clear(&saved);
	strset_free(&news);
	strset_free(&newd);
}

/*
 * Is everything the incident covers back?  Each device up, and none of
 * its reachability checks failing even softly: a soft failure is the
 * fault going on while its retries run (after a restart, the hard state
 * is not known again until they are used up), never a recovery.  A
 * device is up only by a check that has run in this process, and a service
 * incident needs its own check to have passed since the start: after a
 * restart nothing resolves on checks that have not run yet.
 */
static int
all_up(struct incident_engine *e, const struct incident *in)
{
	const struct tdev *t;
	const struct check_rt *c;
	size_t i, k;
	int j;

	for (i = 0; i < in->devices.n; i++) {
		if ((j = ie_find_dev(e, in->devices.v[i])) < 0)
			continue;
		t = &e->devs[j];
		if (t->state != DS_UP || ie_host_failing(t))
			return 0;
		if (strncmp(in->key, "service:", 8) != 0)
			continue;
		for (k = 0; k < t->rt->nchecks; k++) {
			c = &t->rt->checks[k];
			if (strcmp(c->key, in->key + 8) == 0 &&
			    (c->nruns == 0 || c->st.fails > 0))
				return 0;
		}
	}
	return 1;
}

/* Is anything the incident covers still flapping? */
static int
flapping_now(struct incident_engine *e, const struct incident *in)
{
	size_t i;
	int k;

	for (i = 0; i < in->devices.n; i++)
		if ((k = ie_find_dev(e, in->devices.v[i])) >= 0 &&
		    e->devs[k].flapping)
			return 1;
	for (i = 0; i < e->nlinks; i++)
		if (e->links[i].flapping && e->links[i].far_site >= 0 &&
		    strset_has(&in->sites, ie_sname(e, e->links[i].far_site)))
			return 1;
	return 0;
}

/*
 * Has a different situation taken over what this incident covers?  A
 * lossy path whose site is then cut off, a switch down when its whole
 * site goes dark: the loss can no longer be measured, the switch no longer
 * told apart — its problem is gone because another, with its own incident
 * (an outage of the site or of a device above), covers the same devices.
 * This one's episode then ends when its problem went, rather than lasting
 * (and counting) through the other's outage; if it is still there once
 * the outage is over, it comes back within the reopen window as a new
 * episode.
 */
static int
superseded(struct incident_engine *e, const struct incident *in)
{
	const struct incident *o;
	size_t i;

	if (in->sit == SIT_SITE_DOWN)
		return 0;
	for (o = e->incs; o != NULL; o = o->next) {
		if (o == in || o->state == INC_RESOLVED || strcmp(o->key,
		    in->key) == 0 || (o->sit != SIT_SITE_DOWN &&
		    o->sit != SIT_DEVICE_DOWN) || o->recovered_at != 0)
			continue;
		for (i = 0; i < in->devices.n; i++)
			if (strset_has(&o->devices, in->devices.v[i]))
				return 1;
	}
	return 0;
}

/*
 * None of what the incident covers is in the configuration any more (a
 * reload took the devices out; or they were gone from it when the daemon
 * started again).  Nothing can be seen to recover: closed at once, saying
 * so, rather than taken for "every device answers" and reported as
 * "service back".  Its outage is counted to here, the last moment it was
 * known.
 */
static int
unmonitored(struct incident_engine *e, const struct incident *in)
{
	size_t i;

	if (in->devices.n == 0)
		return 0;
	for (i = 0; i < in->devices.n; i++)
		if (ie_find_dev(e, in->devices.v[i]) >= 0)
			return 0;
	return 1;
}

static void
close_unmonitored(struct incident_engine *e, struct incident *in)
{
	struct incident saved;
	char detail[300], names[160];

	incident_copy(&saved, in);
	list_names(&in->devices, names, sizeof(names), 3);
	in->state = INC_RESOLVED;
	in->resolved_at = wall_ms();
	if (in->recovered_at == 0) {
		in->recovered_at = in->resolved_at;
		in->eps[in->neps - 1].rec = in->recovered_at;
	}
	in->absent_since = 0;
	snprintf(detail, sizeof(detail), "no longer monitored: %s not in the "
	    "configuration; closed without the fault seen to end (%.0f s of "
	    "outage counted to here)", names, (double)incident_episode_ms(in,
	    in->recovered_at) / 1000);
	if (record_or_back(e, in, &saved, "resolved", detail, "resolved",
	    NULL) == 0)
		log_warnx("incident %lld closed: %s", in->id, detail);
}

static void
recover(struct incident_engine *e, struct incident *in, double now)
{
	const struct incident_conf *ic = &e->conf->inc;
	char detail[200];
	double secs;

	struct incident saved;

	if (unmonitored(e, in)) {
		close_unmonitored(e, in);
		return;
	}

	if (in->flapping && !flapping_now(e, in)) {
		incident_copy(&saved, in);
		in->flapping = 0;
		if (record_or_back(e, in, &saved, "stable", "no longer "
		    "flapping", NULL, NULL) == -1)
			return;
	}
	if ((!all_up(e, in) && !superseded(e, in)) || in->flapping) {
		if (in->recovered_at != 0) {
			incident_copy(&saved, in);
			in->recovered_at = 0;
			in->absent_since = 0;
			in->eps[in->neps - 1].rec = 0;
			record_or_back(e, in, &saved, "fault-returned", "not "
			    "everything affected is back", NULL, NULL);
		}
		return;
	}
	if (in->absent_since == 0) {
		incident_copy(&saved, in);
		in->absent_since = now;
		in->recovered_at = wall_ms();
		in->eps[in->neps - 1].rec = in->recovered_at;
		record_or_back(e, in, &saved, "recovering", "everything "
		    "affected answers; hold-down started", NULL, NULL);
		return;
	}
	if (now - in->absent_since < ic->hold_down_ms)
		return;
	incident_copy(&saved, in);
	in->state = INC_RESOLVED;
	in->resolved_at = wall_ms();
	/* This episode's fault to its recovery; the hold-down is not
	 * outage.  A reopened incident also says its whole outage time. */
	secs = (double)incident_episode_ms(in, in->recovered_at) / 1000;
	if (in->neps > 1)
		snprintf(detail, sizeof(detail), "service back after %.0f s "
		    "(%s); %d episodes, %.0f s of outage in all", secs,
		    cause_name(in->cause), in->neps, (double)
		    incident_outage_ms(in, in->recovered_at) / 1000);
	else
		snprintf(detail, sizeof(detail), "service back after %.0f s "
		    "(%s)", secs, cause_name(in->cause));
	/* Not committed, not done: memory goes back to what the store
	 * says, and the next evaluation tries again (the service desk must
	 * hear of it exactly once, not never). */
	if (record_or_back(e, in, &saved, "resolved", detail, "resolved",
	    NULL) == 0)
		log_warnx("incident %lld resolved: %s", in->id, detail);
}

/*
 * The same situation came back within the reopen window: a new episode
 * of the same incident, which takes what is true now — priority, cause,
 * situation and title, lower as well as higher — and tells the desk the
 * old and the new.  The SLA's resolve clock counts outage time: what the
 * earlier episodes used is taken off the target.
 */
static void
reopen(struct incident_engine *e, struct incident *in, struct problem *p)
{
	const struct incident_conf *ic = &e->conf->inc;
	struct incident saved;
	char detail[700];
	long long now = wall_ms(), used, start;
	size_t n;

	incident_copy(&saved, in);
	used = incident_outage_ms(in, now);
	n = (size_t)snprintf(detail, sizeof(detail), "the fault returned "
	    "within the reopen window (episode %d)", in->neps + 1);
	if (p->prio != in->priority || p->cause != in->cause ||
	    strcmp(p->title, in->title) != 0)
		snprintf(detail + n, sizeof(detail) - n, ": P%d %s \"%.200s\" "
		    "-> P%d %s \"%.200s\"", in->priority, cause_name(in->cause),
		    in->title, p->prio, cause_name(p->cause), p->title);
	in->state = in->acked_at ? INC_ACKNOWLEDGED : INC_OPEN;
	in->resolved_at = 0;
	in->recovered_at = 0;
	in->absent_since = 0;
	in->seen = 1;
	in->priority = p->prio;
	in->cause = p->cause;
	in->sit = p->sit;
	in->cause_fixed = 0;
	snprintf(in->title, sizeof(in->title), "%s", p->title);
	in->flapping = p->flapping;
	start = p->started_at > saved.eps[saved.neps - 1].rec &&
	    p->started_at <= now ? p->started_at : now;
	if (in->neps < INC_MAX_EPISODES) {
		in->eps[in->neps].start = start;
		in->eps[in->neps].rec = 0;
		in->eps[in->neps].down = 0;
		in->neps++;
	} else
		in->eps[in->neps - 1].rec = 0;
	if (p->sit == SIT_SITE_DOWN && in->eps[in->neps - 1].down == 0)
		in->eps[in->neps - 1].down = start;
	in->resolve_by = now + ((long long)ic->sla_resolve_ms[in->priority] >
	    used ? (long long)ic->sla_resolve_ms[in->priority] - used : 0);
	if (in->acked_at == 0 && in->respond_by < now)
		in->respond_by = in->opened_at +
		    (long long)ic->sla_respond_ms[in->priority];
	if (record_or_back(e, in, &saved, "reopened", detail, "updated",
	    p) == -1)
		return;		/* still resolved: tried again next time */
	log_warnx("incident %lld reopened: %s", in->id, detail);
	update_incident(e, in, p);
}

/*
 * The maintenance windows are read from the store when the engine starts,
 * when one is added or removed (both come through the engine) and once a
 * minute besides (a store edited by hand); which of them are in force is
 * worked out from the clock at every evaluation, without a query: the
 * store is not read on the loop every few seconds, and a window starts
 * and ends on time.
 */
static void
maint_in_force(struct incident_engine *e)
{
	long long now = wall_ms();
	size_t i;

	e->nmaint = 0;
	for (i = 0; i < e->nmaint_all; i++)
		if (e->maint_all[i].starts <= now && e->maint_all[i].ends > now)
			e->maint[e->nmaint++] = e->maint_all[i];
}

/* The windows in force or to come (rows: malloc'd, the engine's now). */
void
incident_maint_windows(struct incident_engine *e, struct maint_row *rows,
    size_t n)
{
	free(e->maint_all);
	e->maint_all = rows;
	e->nmaint_all = n;
	free(e->maint);
	e->maint = xreallocarray(NULL, e->nmaint_all + 1, sizeof(*e->maint));
	maint_in_force(e);
}

static void
maint_reload(struct incident_engine *e, double now)
{
	struct maint_row *rows = NULL;
	size_t n;

	e->maint_at = now;
	n = e->host.maint_windows == NULL ? 0 : e->host.maint_windows(
	    e->host.arg, wall_ms(), &rows);
	if (n == INC_MAINT_LATER)
		return;		/* incident_maint_windows() when read */
	incident_maint_windows(e, rows, n);
}

static void
forget_old(struct incident_engine *e)
{
	struct incident **pp = &e->incs, *in;
	long long cutoff = wall_ms() - (long long)e->conf->inc.reopen_ms;

	while ((in = *pp) != NULL) {
		if (in->state == INC_RESOLVED && in->resolved_at < cutoff) {
			*pp = in->next;
			incident_free(in);
		} else
			pp = &in->next;
	}
}

static void
evaluate(struct incident_engine *e)
{
	const struct incident_conf *ic = &e->conf->inc;
	struct incident *in;
	struct pending *pd;
	int *marks;
	size_t i;
	double now = mono_ms();

	e->gen++;
	if (e->maint_at == 0 || now - e->maint_at > MAINT_RELOAD_MS)
		maint_reload(e, now);
	maint_in_force(e);
	states(e);
	marks = xcalloc(e->ndevs + 1, sizeof(int));
	for (i = 0; i < e->ndevs; i++)
		if (e->devs[i].state == DS_DOWN && !e->devs[i].unreach)
			outage(e, (int)i, marks);
	free(marks);
	redundancy(e);
	power(e);
	wifi(e);
	degraded(e);
	services(e);
	for (in = e->incs; in != NULL; in = in->next)
		in->seen = 0;
	for (i = 0; i < e->nprobs; i++) {
		struct problem *p = &e->probs[i];

		if (p->prio == 9)
			continue;
		p->prio = prio_for(e, p->sit, p);
		if ((in = incident_by_key(e, p->key, 0, -1)) != NULL) {
			/*
			 * Less grave than the incident and another situation
			 * (a site that was cut off is reachable again, one of
			 * its fibres still down): what the incident is about
			 * has ended, so it recovers; the lesser problem is
			 * its own incident once this one has resolved.
			 */
			if (p->prio > in->priority && p->sit != in->sit)
				continue;
			update_incident(e, in, p);
			continue;
		}
		if (p->maint) {
			if (e->host.suppressed != NULL)
				e->host.suppressed(e->host.arg, p->maint,
				    p->key, cause_name(p->cause), p->title,
				    wall_ms());
			continue;
		}
		pd = pending_get(e, p->key, now);
		/* Only the same situation reopens (a P1 outage is not
		 * reopened by a lossy link or a lost fibre of the same site),
		 * though another of the site's came and went since. */
		if ((in = incident_by_key(e, p->key, 1, (int)p->sit)) != NULL &&
		    in->resolved_at >= wall_ms() - (long long)ic->reopen_ms) {
			/* Confirmed as an opening is: its cause is news. */
			if (p->confirmed || now - pd->first >= ic->correlation_ms)
				reopen(e, in, p);
			continue;
		}
		if (p->confirmed || now - pd->first >= ic->correlation_ms)
			open_incident(e, p);
	}
	for (in = e->incs; in != NULL; in = in->next)
		if (in->state != INC_RESOLVED && !in->seen)
			recover(e, in, now);
	sla_check(e);
	for (i = 0; i < e->nprobs; i++)
		problem_free(&e->probs[i]);
	e->nprobs = 0;
	pending_prune(e);
	forget_old(e);
}

/*
 * A device announced that it restarted (coldStart/warmStart, or its
 * sysUpTime went back).  An open fibre-cut incident it is part of was not a
 * fibre cut: the link went down because the device did (a reboot, or a
 * power cycle without a UPS to say so).  The cause is corrected, with the
 * evidence, and the service desk told.
 */
static void
restarted(struct incident_engine *e, const char *name, const char *how)
{
	struct incident *in;
	char detail[400], names[200], ev[300];
	struct incident saved;

	for (in = e->incs; in != NULL; in = in->next) {
		if (in->state == INC_RESOLVED || in->cause != CAUSE_FIBRE_CUT ||
		    !strset_has(&in->devices, name))
			continue;
		incident_copy(&saved, in);
		in->cause = CAUSE_DEVICE_DOWN;
		in->cause_fixed = 1;
		list_names(&in->sites, names, sizeof(names), 3);
		if (in->sit == SIT_SITE_DOWN)
			snprintf(in->title, sizeof(in->title), "%s cut off: %s "
			    "restarted", names, name);
		else
			snprintf(in->title, sizeof(in->title), "%s restarted",
			    name);
		snprintf(ev, sizeof(ev), "restarted (%s): its links went "
		    "down because it did", how);
		snprintf(detail, sizeof(detail), "%s: %s", name, ev);
		if (!strset_has(&in->evidence, detail) &&
		    e->host.evidence != NULL) {
			struct inc_evid x = { wall_ms(), name, ev };

			if (e->host.evidence(e->host.arg, in->id, &x) == 0)
				strset_add(&in->evidence, detail);
		}
		snprintf(detail, sizeof(detail), "cause fibre-cut -> "
		    "device-down: %s restarted (%s)", name, how);
		if (record_or_back(e, in, &saved, "cause", detail, "updated",
		    NULL) == 0)
			log_info("incident %lld: %s", in->id, detail);
	}
}

void
incident_restarted(struct device_rt *dev, const char *how)
{
	struct incident_engine *e = ie_engine_of(dev);
	struct restart_q *q;

	if (e == NULL)
		return;
	if (!incident_busy(e)) {
		restarted(e, dev->conf->name, how);
		return;
	}
	/* A commit in flight: after it (a restart is news once). */
	e->rq = xreallocarray(e->rq, e->nrq + 1, sizeof(*e->rq));
	q = &e->rq[e->nrq++];
	snprintf(q->dev, sizeof(q->dev), "%s", dev->conf->name);
	snprintf(q->how, sizeof(q->how), "%s", how);
	if (e->host.soon != NULL)
		e->host.soon(e->host.arg);
}

void
incident_evaluate(struct incident_engine *e)
{
	size_t i;

	/* Nothing changes while the store has not said how the last
	 * changes went: the next evaluation starts from what it holds. */
	if (incident_busy(e))
		return;
	for (i = 0; i < e->nrq && !incident_busy(e); i++)
		restarted(e, e->rq[i].dev, e->rq[i].how);
	if (i > 0) {
		memmove(e->rq, e->rq + i, (e->nrq - i) * sizeof(*e->rq));
		e->nrq -= i;
	}
	if (!incident_busy(e))
		evaluate(e);
}

int
incident_busy(const struct incident_engine *e)
{
	return e != NULL && e->njrn > 0;
}

void
incident_committed(struct incident_engine *e, int ok, const long long *ids,
    size_t nids)
{
	struct incident **pp;
	struct jentry *j;
	size_t k;
	int told = 0;

	if (ok) {
		for (k = 0; k < e->njrn; k++) {
			j = &e->jrn[k];
			if (j->is_new) {
				if (k < nids)
					j->in->id = ids[k];
				log_opened(j->in);
			} else
				incident_clear(&j->saved);
			told |= j->event;
		}
	} else {
		log_warnx("store: %zu incident changes were not committed; "
		    "the next evaluation makes them again", e->njrn);
		for (k = e->njrn; k-- > 0;) {
			j = &e->jrn[k];
			if (!j->is_new) {
				inc_back(j->in, &j->saved);
				continue;
			}
			for (pp = &e->incs; *pp != NULL; pp = &(*pp)->next)
				if (*pp == j->in) {
					*pp = j->in->next;
					break;
				}
			incident_free(j->in);
		}
	}
	e->njrn = 0;
	if (told && e->host.changed != NULL)
		e->host.changed(e->host.arg);
	if (e->host.soon != NULL)
		e->host.soon(e->host.arg);
}

/* --- the engine ---------------------------------------------------------- */

static void
loaded(struct incident *in, void *arg)
{
	struct incident_engine *e = arg;

	in->next = e->incs;
	e->incs = in;
}

struct incident_engine *
incident_engine_new(const struct config *conf, struct device_rt *devs,
    size_t ndevs, const struct inc_host *host, char *err, size_t errlen)
{
	struct incident_engine *e = xcalloc(1, sizeof(*e));
	struct incident *in;
	int n;

	e->conf = conf;
	e->rt = devs;
	e->nrt = ndevs;
	e->host = *host;
	if (host->load == NULL || host->record == NULL) {
		snprintf(err, errlen, "the incident engine needs a store");
		free(e);
		return NULL;
	}
	n = host->load(host->arg, wall_ms() - (long long)conf->inc.reopen_ms,
	    loaded, e);
	if (n < 0) {
		snprintf(err, errlen, "the store's incidents could not be read");
		free(e);
		return NULL;
	}
	for (in = e->incs; in != NULL; in = in->next)
		in->absent_since = 0;
	if (n > 0)
		log_info("store: %d incidents carried over", n);
	ie_topo_build(e);
	maint_reload(e, mono_ms());	/* before the first evaluation */
	return e;
}

void
incident_engine_reload(struct incident_engine *e, const struct config *conf,
    struct device_rt *devs, size_t ndevs)
{
	if (e == NULL)
		return;
	e->conf = conf;
	e->rt = devs;
	e->nrt = ndevs;
	ie_topo_build(e);
}

void
incident_engine_free(struct incident_engine *e)
{
	struct incident *in;
	size_t i;

	if (e == NULL)
		return;
	for (i = 0; i < e->njrn; i++)
		if (!e->jrn[i].is_new)
			incident_clear(&e->jrn[i].saved);
	free(e->jrn);
	free(e->rq);
	while ((in = e->incs) != NULL) {
		e->incs = in->next;
		incident_free(in);
	}
	ie_topo_free(e);
	free(e->links);
	free(e->pend);
	free(e->probs);
	free(e->maint);
	free(e->maint_all);
	free(e);
}

size_t
incident_open_count(struct incident_engine *e)
{
	struct incident *in;
	size_t n = 0;

	/* An opening not yet committed (no id yet) is not shown. */
	for (in = e ? e->incs : NULL; in != NULL; in = in->next)
		if (in->state != INC_RESOLVED && in->id != 0)
			n++;
	return n;
}

int
incident_ack(struct incident_engine *e, long long id, const char *by,
    char *err, size_t errlen)
{
	struct incident *in, saved;
	char detail[128];

	for (in = e->incs; in != NULL; in = in->next)
		if (in->id == id)
			break;
	if (in == NULL || in->state == INC_RESOLVED) {
		snprintf(err, errlen, "incident %lld is not open", id);
		return -1;
	}
	if (in->state == INC_ACKNOWLEDGED) {
		snprintf(err, errlen, "incident %lld is already acknowledged "
		    "by %s", id, in->ack_by);
		return -1;
	}
	if (incident_busy(e)) {
		snprintf(err, errlen, "the store is committing; try again");
		return -2;
	}
	incident_copy(&saved, in);
	in->state = INC_ACKNOWLEDGED;
	in->acked_at = wall_ms();
	/* Cut on a character, never mid-sequence: jansson refuses
	 * invalid UTF-8, and the stored row is read back on every start. */
	str_utf8_copy(in->ack_by, sizeof(in->ack_by), by && *by ? by :
	    "unknown");
	snprintf(detail, sizeof(detail), "by %s", in->ack_by);
	if (record_or_back(e, in, &saved, "acknowledged", detail,
	    "acknowledged", NULL) == -1) {
		snprintf(err, errlen, "the store refused the change");
		return -2;
	}
	log_info("incident %lld acknowledged %s", id, detail);
	return 0;
}

int
incident_maint_check(struct incident_engine *e, const char *scope,
    const char *name, long long starts, long long ends, char *err,
    size_t errlen)
{
	if (strcmp(scope, "site") == 0 ? ie_find_site(e, name) < 0 :
	    strcmp(scope, "device") == 0 ? ie_find_dev(e, name) < 0 : 1) {
		snprintf(err, errlen, "no %s '%.64s'", strcmp(scope, "site") ==
		    0 || strcmp(scope, "device") == 0 ? scope : "site or device",
		    name);
		return -1;
	}
	if (starts < 0 || ends > MAINT_TIME_MAX) {
		snprintf(err, errlen, "times between 1970 and 9999 expected");
		return -1;
	}
	if (ends <= starts) {
		snprintf(err, errlen, "the window ends before it starts");
		return -1;
	}
	return 0;
}

long long
incident_maint_add(struct incident_engine *e, const char *scope,
    const char *name, long long starts, long long ends, const char *reason,
    char *err, size_t errlen)
{
	long long id;

	if (incident_maint_check(e, scope, name, starts, ends, err,
	    errlen) == -1)
		return -1;
	if (e->host.maint_add == NULL || (id = e->host.maint_add(e->host.arg,
	    scope, name, starts, ends, reason)) < 0) {
		snprintf(err, errlen, "the store refused the window");
		return -1;
	}
	log_info("maintenance %lld: %s %s", id, scope, name);
	maint_reload(e, mono_ms());
	return id;
}

int
incident_maint_remove(struct incident_engine *e, long long id, char *err,
    size_t errlen)
{
	if (e->host.maint_remove == NULL || e->host.maint_remove(e->host.arg,
	    id) == -1) {
		snprintf(err, errlen, "no active maintenance window %lld", id);
		return -1;
	}
	log_info("maintenance %lld removed", id);
	maint_reload(e, mono_ms());
	return 0;
}
