/*
 * The incident engine.  Every half second (and soon after a trap) it
 * computes the estate's problems from hard check states and the topology:
 *
 *   - a device is DOWN when all its reachability checks (icmp, else snmp,
 *     else tcp) failed hard; DOWN below a DOWN ancestor is UNREACHABLE;
 *   - the DOWN devices with no DOWN ancestor are roots; the roots that are
 *     the edges of a site whose edges are all down make the site dark, and
 *     each dark site (or lone root) is one group with everything below it;
 *   - a group's cause comes from evidence: a UPS at a cut site on battery
 *     before it went dark is power-loss, else the near end of a link into
 *     the group reporting it down is fibre-cut, else a controller is
 *     wifi-degraded, else device-down;
 *   - beside outages: a site with one uplink of several down (redundancy),
 *     a UPS on battery at a site that is up, a controller with too many
 *     APs down, a WAN edge over its loss/latency thresholds, and a failing
 *     tcp/http/dns/status check on a host that is up.
 *
 * Problems are keyed ("site:NAME" for a site's outage and what escalates
 * into one — a lost fibre, a UPS on battery —, "degraded:NAME" for a lossy
 * WAN link, "device:NAME", "wifi:NAME", "service:CHECK") and reconciled
 * with the open incidents: a new key opens one (after the correlation
 * window, or at once when every root's parent has been re-checked since
 * it failed), a known key updates it (affected lists only grow, priority
 * only rises within an episode), a key that is gone — or now stands for
 * a lesser situation — and whose devices are all up resolves it after the
 * hold-down, and the same situation returning within the reopen window
 * reopens it as a new episode that takes the facts of the moment.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fnmatch.h>
#include <math.h>
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


struct incident_engine *
ie_engine_of(struct device_rt *dev)
{
	return dev->inc;
}

static int
dev_index(struct incident_engine *e, struct device_rt *dev)
{
	long i = dev - e->rt;

	return i >= 0 && (size_t)i < e->ndevs && e->devs[i].rt == dev ?
	    (int)i : -1;
}

static void
eval_soon(struct incident_engine *e)
{
	if (e != NULL && e->host.soon != NULL)
		e->host.soon(e->host.arg);
}

/* --- topology ---------------------------------------------------------- */

int
ie_find_site(struct incident_engine *e, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < e->nsites; i++)
		if (strcmp(e->sites[i].conf->name, name) == 0)
			return (int)i;
	return -1;
}

int
ie_find_dev(struct incident_engine *e, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < e->ndevs; i++)
		if (strcmp(e->devs[i].rt->conf->name, name) == 0)
			return (int)i;
	return -1;
}

/* A configured OID (a name or numbers), or NULL: 1 if it parses. */
static int
oid_text(const char *text, struct snmp_oid *o)
{
	char err[64];

	return text != NULL && oid_parse(text, o, err, sizeof(err)) == 0;
}

/* A configured OID of a Wi-Fi controller's AP group. */
static int
oid_text_is_ap(const char *text)
{
	struct snmp_oid o;

	return oid_text(text, &o) && oid_is_ap(&o);
}

/* A configured OID of a UPS MIB (UPS-MIB, PowerNet-MIB). */
static int
oid_text_is_ups(const char *text)
{
	struct snmp_oid o;

	return oid_text(text, &o) && oid_is_ups(&o);
}

static void
classify(struct tdev *t)
{
	const struct device_conf *dc = t->rt->conf;
	size_t i, j;
	int have[CHECK_TYPE_MAX] = { 0 };

	for (i = 0; i < dc->nchecks; i++) {
		const struct check_conf *k = &dc->checks[i];

		have[k->type]++;
		/* By number, so that numeric OIDs classify too. */
		for (j = 0; j < k->noids; j++) {
			if (oid_text_is_ups(k->oids[j]))
				t->is_ups = 1;
			if (oid_text_is_ap(k->oids[j]))
				t->is_wlc = 1;
		}
		if (k->type == CHECK_SNMP_STATUS && oid_text_is_ups(k->target))
			t->is_ups = 1;
	}
	t->reach = xcalloc(dc->nchecks + 1, sizeof(int));
	for (i = 0; i < dc->nchecks; i++) {
		enum check_type ty = dc->checks[i].type;

		if (have[CHECK_ICMP] ? ty == CHECK_ICMP :
		    (have[CHECK_SNMP_METRICS] || have[CHECK_SNMP_STATUS]) ?
		    (ty == CHECK_SNMP_METRICS || ty == CHECK_SNMP_STATUS) :
		    ty == CHECK_TCP)
			t->reach[t->nreach++] = (int)i;
	}
}

void
ie_topo_free(struct incident_engine *e)
{
	size_t i;

	for (i = 0; i < e->ndevs; i++)
		free(e->devs[i].reach);
	free(e->devs);
	free(e->sites);
	e->devs = NULL;
	e->sites = NULL;
	e->ndevs = e->nsites = 0;
}

static void	aps_load(struct incident_engine *, struct device_rt *);

/* Is device a below device b (b one of its ancestors)? */
static int
dev_below(const struct incident_engine *e, int a, int b)
{
	int p, hops = 0;

	for (p = e->devs[a].parent; p >= 0 && hops++ < (int)e->ndevs;
	    p = e->devs[p].parent)
		if (p == b)
			return 1;
	return 0;
}

void
ie_topo_build(struct incident_engine *e)
{
	const struct config *c = e->conf;
	struct tlink *old = e->links;
	size_t i, j, nold = e->nlinks;
	int end;

	ie_topo_free(e);
	e->topo_gen++;
	e->nsites = c->nsites;
	e->sites = xcalloc(c->nsites + 1, sizeof(*e->sites));
	for (i = 0; i < c->nsites; i++)
		e->sites[i].conf = &c->sites[i];
	for (i = 0; i < c->nsites; i++)
		e->sites[i].parent = ie_find_site(e, c->sites[i].parent);
	e->ndevs = e->nrt;
	e->devs = xcalloc(e->nrt + 1, sizeof(*e->devs));
	for (i = 0; i < e->nrt; i++) {
		e->devs[i].rt = &e->rt[i];
		e->rt[i].inc = e;	/* the devices know their judge */
		classify(&e->devs[i]);
		if (e->devs[i].is_wlc)
			aps_load(e, &e->rt[i]);
	}
	for (i = 0; i < e->nrt; i++) {
		struct tdev *t = &e->devs[i];

		t->parent = ie_find_dev(e, t->rt->conf->parent);
		t->site = ie_find_site(e, t->rt->conf->site);
		t->edge = t->parent < 0 || e->devs[t->parent].site != t->site;
	}
	/* Links keep their observed state over a reload, by name. */
	e->nlinks = c->nlinks;
	e->links = xcalloc(c->nlinks + 1, sizeof(*e->links));
	for (i = 0; i < c->nlinks; i++) {
		struct tlink *l = &e->links[i];
		int s0, s1;

		l->conf = &c->links[i];
		l->rx_dbm[0] = l->rx_dbm[1] = NAN;
		l->dev[0] = ie_find_dev(e, l->conf->dev[0]);
		l->dev[1] = ie_find_dev(e, l->conf->dev[1]);
		for (j = 0; j < nold; j++)
			if (strcmp(old[j].conf->name, l->conf->name) == 0) {
				memcpy(l->oper, old[j].oper, sizeof(l->oper));
				memcpy(l->rx_dbm, old[j].rx_dbm,
				    sizeof(l->rx_dbm));
				memcpy(l->at, old[j].at, sizeof(l->at));
				memcpy(l->down_since, old[j].down_since,
				    sizeof(l->down_since));
				memcpy(l->how, old[j].how, sizeof(l->how));
				memcpy(l->hist, old[j].hist, sizeof(l->hist));
				memcpy(l->hist_at, old[j].hist_at,
				    sizeof(l->hist_at));
				memcpy(l->nhist, old[j].nhist, sizeof(l->nhist));
				memcpy(l->flap, old[j].flap, sizeof(l->flap));
				l->flapping = old[j].flapping;
			}
		s0 = l->dev[0] >= 0 ? e->devs[l->dev[0]].site : -1;
		s1 = l->dev[1] >= 0 ? e->devs[l->dev[1]].site : -1;
		/* The far site is the end further from the monitor: the one
		 * below the other in the devices' tree; else the one that is
		 * not a datacentre; else the "to" end. */
		if (l->dev[0] >= 0 && l->dev[1] >= 0 &&
		    dev_below(e, l->dev[0], l->dev[1]))
			end = 0;
		else if (l->dev[0] >= 0 && l->dev[1] >= 0 &&
		    dev_below(e, l->dev[1], l->dev[0]))
			end = 1;
		else
			end = (s1 >= 0 && e->sites[s1].conf->kind ==
			    SITE_DATACENTRE && s0 >= 0 && e->sites[s0].conf->kind
			    != SITE_DATACENTRE) ? 0 : 1;
		l->far_site = end ? s1 : s0;
		if (l->far_site >= 0 && s0 != s1)
			e->sites[l->far_site].nuplinks++;
	}
	free(old);
}

/* --- observations -------------------------------------------------------- */

int
ie_flap_changes(uint32_t h, int n)
{
	uint32_t x = n > 1 ? (h ^ (h >> 1)) & ((1u << (n - 1)) - 1) : 0;
	int changes = 0;

	while (x) {
		changes += (int)(x & 1);
		x >>= 1;
	}
	return changes;
}

/*
 * A new result in a flap history (newest in bit 0, with its time): it
 * flaps when the state changes among the last FLAP_HISTORY results reach
 * the high mark, until they fall under the low mark.  Only results of the
 * last FLAP_WINDOW_MS count: a check polled every 5 minutes has its last
 * 21 results spread over 105 minutes, and four clean outages in an hour
 * are four outages, not a flap that keeps the last one open.
 */
static int
flap_update(uint32_t *hist, double *at, int *nhist, int *flapping, int bit,
    double high, double low)
{
	uint32_t h = (*hist << 1) | (bit ? 1u : 0u);
	int n = *nhist < FLAP_HISTORY ? *nhist + 1 : FLAP_HISTORY, changes = 0,
	    recent;
	double pct, now = mono_ms();

	h &= (1u << FLAP_HISTORY) - 1;
	*hist = h;
	*nhist = n;
	memmove(at + 1, at, (FLAP_HISTORY - 1) * sizeof(*at));
	at[0] = now;
	for (recent = 0; recent < n && now - at[recent] <= FLAP_WINDOW_MS;
	    recent++)
		;
	/* Over the whole window even while it fills: two changes among
	 * the first few results are a fault and its repair, not a flap. */
	if (n < 3)
		return *flapping;
	changes = ie_flap_changes(h, recent);
	pct = 100.0 * changes / (FLAP_HISTORY - 1);
	if (!*flapping && pct >= high)
		*flapping = 1;
	else if (*flapping && pct < low)
		*flapping = 0;
	return *flapping;
}

/* Is the host itself failing to answer (a reachability check failing, even
 * softly)? */
int
ie_host_failing(const struct tdev *t)
{
	size_t k;

	for (k = 0; k < t->nreach; k++)
		if (t->rt->checks[t->reach[k]].st.fails > 0)
			return 1;
	return 0;
}

/*
 * Is something above the device failing — one of its parents?  Then the
 * device's own failures are that one's, not its own: a camera polled
 * every 5 minutes, re-checked at each of three faults of the switch above
 * it, has changed state six times in a quarter of an hour without
 * flapping once.
 */
static int
above_failing(const struct incident_engine *e, int di)
{
	int p;

	for (p = e->devs[di].parent; p >= 0; p = e->devs[p].parent)
		if (ie_host_failing(&e->devs[p]))
			return 1;
	return 0;
}

static int
is_down_outcome(enum probe_outcome o)
{
	return o == PROBE_TIMEOUT || o == PROBE_UNREACHABLE;
}

int
ie_is_reach(const struct tdev *t, int check)
{
	size_t i;

	for (i = 0; i < t->nreach; i++)
		if (t->reach[i] == check)
			return 1;
	return 0;
}

/* Is this end of the link reporting it down (status, or light lost)? */
int
ie_end_down(const struct tlink *l, int end)
{
	return l->oper[end] == 2 || (!isnan(l->rx_dbm[end]) &&
	    l->rx_dbm[end] < l->conf->los_dbm[end]);
}

/* A link into this device is reported down by its other, live end. */
static int
uplink_down(struct incident_engine *e, int di)
{
	size_t i;
	int end;

	for (i = 0; i < e->nlinks; i++)
		for (end = 0; end < 2; end++)
			if (e->links[i].dev[end] == di &&
			    ie_end_down(&e->links[i], !end) &&
			    e->links[i].dev[!end] >= 0 &&
			    e->devs[e->links[i].dev[!end]].state != DS_DOWN)
				return 1;
	return 0;
}

static void
recheck_dev(struct incident_engine *e, struct device_rt *dev)
{
	size_t i;

	for (i = 0; i < dev->nchecks; i++)
		if (dev->checks[i].conf->type != CHECK_PCAP) {
			dev->checks[i].rerun = 1;
			e->host.run_now(e->host.arg, &dev->checks[i]);
		}
}

/*
 * A path came back (a link into a site reported up, a device of an
 * outage answering again): every device an open incident lists as cut
 * off, and every device of the link's far site, is checked now rather
 * than at its own next poll, so the resolution waits for nothing but the
 * hold-down.  Devices already up cost one run each.
 */
static void
recheck_outage_of(struct incident_engine *e, int di, int far_site)
{
	const char *name = e->devs[di].rt->conf->name;
	struct incident *in;
	size_t i;
	int k;

	for (i = 0; i < e->ndevs; i++)
		if (far_site >= 0 && e->devs[i].site == far_site &&
		    e->devs[i].state == DS_DOWN)
			recheck_dev(e, e->devs[i].rt);
	for (in = e->incs; in != NULL; in = in->next) {
		if (in->state == INC_RESOLVED || (!strset_has(&in->devices,
		    name) && !(far_site >= 0 && strset_has(&in->sites,
		    e->sites[far_site].conf->name))))
			continue;
		for (i = 0; i < in->devices.n; i++)
			if ((k = ie_find_dev(e, in->devices.v[i])) >= 0 &&
			    k != di && e->devs[k].state == DS_DOWN)
				recheck_dev(e, e->devs[k].rt);
	}
}

/* A UPS status check's value, as power evidence. */
static void
ups_status(struct check_rt *c)
{
	struct snmp_oid o;
	char how[96], name[64];
	double norm;
	enum ups_reading r;
	const char *dot;

	if (!oid_text(c->conf->target, &o) || isnan(c->value))
		return;
	r = oid_ups_reading(&o, c->value, &norm);
	oid_format(&o, name, sizeof(name));
	if ((dot = strrchr(name, '.')) != NULL && strcmp(dot, ".0") == 0)
		name[dot - name] = '\0';
	snprintf(how, sizeof(how), "%s poll", name);
	if (r == UPS_SOURCE)
		incident_ups(c->dev, norm, NAN, NAN, how);
	else if (r == UPS_BATTERY)
		incident_ups(c->dev, NAN, norm, NAN, how);
	else if (r == UPS_MINUTES)
		incident_ups(c->dev, NAN, NAN, norm, how);
}

static int
dbl_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * Link-degraded is judged on the last CHECK_DEGRADE_WINDOW runs: the mean
 * loss and the median latency.  It starts when the window is full, they
 * cross the check's warning (else critical) threshold and at least half
 * the runs in it did on their own (a couple of bad runs as a path comes
 * back are not a degraded link); it ends only when they are back under a
 * lower mark — half the loss, three quarters of the time — so one good
 * run in the middle of a lossy hour ends nothing.  A run that got no
 * reply at all is the reachability check's business, not a sample; a
 * hard failure (the device down) empties the window, and the window
 * starts again when it is back, so an outage never becomes a "degraded"
 * link after it.
 */
static void
degrade_update(struct check_state *s, const struct check_conf *k, int fail,
    int back, const double *rtt_loss)
{
	const struct threshold *th = k->has_warn ? &k->warn : k->has_crit ?
	    &k->crit : NULL;
	struct threshold low;
	double rtts[CHECK_DEGRADE_WINDOW], loss = 0, med = -1;
	int i, nr = 0, over = 0;

	if (fail || back) {
		if (s->hard || back) {
			s->nwin = s->win_pos = 0;
			s->degraded = 0;
		}
		return;
	}
	if (th == NULL)
		return;
	s->win_rtt[s->win_pos] = rtt_loss[0];
	s->win_loss[s->win_pos] = isnan(rtt_loss[1]) ? 0 : rtt_loss[1];
	s->win_pos = (s->win_pos + 1) % CHECK_DEGRADE_WINDOW;
	if (s->nwin < CHECK_DEGRADE_WINDOW)
		s->nwin++;
	for (i = 0; i < s->nwin; i++) {
		loss += s->win_loss[i];
		if (!isnan(s->win_rtt[i]))
			rtts[nr++] = s->win_rtt[i];
		over += threshold_exceeded(th, isnan(s->win_rtt[i]) ? -1 :
		    s->win_rtt[i], s->win_loss[i]);
	}
	loss /= s->nwin;
	if (nr > 0) {
		qsort(rtts, (size_t)nr, sizeof(*rtts), dbl_cmp);
		med = nr % 2 ? rtts[nr / 2] : (rtts[nr / 2 - 1] +
		    rtts[nr / 2]) / 2;
	}
	s->last_rtt = med;
	s->last_loss = loss;
	low = *th;
	low.time_ms *= 0.75;
	low.pct *= 0.5;
	if (!s->degraded && s->nwin == CHECK_DEGRADE_WINDOW &&
	    2 * over >= s->nwin && threshold_exceeded(th, med, loss)) {
		s->degraded = 1;
		s->deg_rtt = med;	/* what it crossed with: the evidence */
		s->deg_loss = loss;
		s->deg_since = wall_ms();
	}
	else if (s->degraded && !threshold_exceeded(&low, med, loss))
		s->degraded = 0;
}

void
incident_check_result(struct check_rt *c)
{
	const double *rtt_loss = c->rtt_loss;
	struct incident_engine *e = ie_engine_of(c->dev);
	struct check_state *s = &c->st;
	const struct check_conf *k = c->conf;
	int di, idx = (int)(c - c->dev->checks), reach, fail, p;
	int back = 0;
	double now = mono_ms();

	s->done_ms = now;
	if (e == NULL || (di = dev_index(e, c->dev)) < 0)
		return;
	reach = ie_is_reach(&e->devs[di], idx);
	fail = reach ? is_down_outcome(c->outcome) : c->outcome != PROBE_OK;
	/* UPS status checks are power evidence, not service faults. */
	if (k->type == CHECK_SNMP_STATUS && oid_text_is_ups(k->target)) {
		if (c->outcome == PROBE_OK || c->outcome == PROBE_BAD_RESPONSE)
			ups_status(c);
		fail = 0;
	}
	/* A failure explained from above is left out of the flap history
	 * (so is the success after it, being no change). */
	if (!fail || !above_failing(e, di))
		flap_update(&s->hist, s->hist_at, &s->nhist, &s->flapping,
		    fail, e->conf->inc.flap_high, e->conf->inc.flap_low);
	if (!fail) {
		if (s->hard) {
			/* Back: what hangs below it is re-checked now, so
			 * that its stale failures do not outlive it. */
			back = 1;
			s->recovered_ms = now;
			if (reach) {
				e->host.recheck(e->host.arg, c->dev);
				recheck_outage_of(e, di, -1);
			}
			eval_soon(e);
		}
		s->fails = 0;
		s->hard = 0;
		s->first_fail = 0;
		s->ok_begun_ms = now - (c->last_ms > 0 ? c->last_ms : 0);
	} else {
		if (s->fails++ == 0) {
			s->first_fail = now;
			s->first_fail_start = now - (c->last_ms > 0 ?
			    c->last_ms : 0);
			s->first_fail_wall = wall_ms();
			/* Re-check the parents at once, not in polling order. */
			if (reach)
				for (p = e->devs[di].parent; p >= 0;
				    p = e->devs[p].parent)
					recheck_dev(e, e->devs[p].rt);
		}
		if (!s->hard && (s->fails > k->retries || (reach &&
		    (uplink_down(e, di) || (e->devs[di].parent >= 0 &&
		    e->devs[e->devs[di].parent].state == DS_DOWN))))) {
			s->hard = 1;
			eval_soon(e);
		} else if (!s->hard)
			e->host.run_now(e->host.arg, c);	/* at once */
	}
	if (k->type == CHECK_ICMP)
		degrade_update(s, k, fail, back, rtt_loss);
}

static struct if_obs *
if_obs_get(struct dev_obs *o, long index, const char *name)
{
	size_t i;

	for (i = 0; i < o->nifs; i++)
		if ((index >= 0 && o->ifs[i].index == index) ||
		    (index < 0 && name != NULL && strcmp(o->ifs[i].name, name) ==
		    0))
			return &o->ifs[i];
	if (index < 0)
		return NULL;
	o->ifs = xreallocarray(o->ifs, o->nifs + 1, sizeof(*o->ifs));
	memset(&o->ifs[o->nifs], 0, sizeof(o->ifs[0]));
	o->ifs[o->nifs].index = index;
	return &o->ifs[o->nifs++];
}

/*
 * A new ifOperStatus for an interface.  It went down at this moment when
 * it was up before, or when the agent said so itself (a linkDown trap);
 * a first poll finding it down says nothing of when.
 */
static void
if_obs_oper(struct if_obs *io, int oper, int announced, const char *how)
{
	int down = oper == 2 || oper == 7;

	if (down && (announced || io->oper == 1) && io->down_at == 0) {
		io->down_at = wall_ms();
		snprintf(io->down_how, sizeof(io->down_how), "%s", how);
	} else if (!down)
		io->down_at = 0;
	io->oper = oper;
}

int
ie_ifname_matches(const char *conf, const struct if_obs *i)
{
	char *end;
	long n;

	if (strcmp(conf, i->name) == 0)
		return 1;
	/* Or its ifIndex, written as a plain decimal number. */
	if (conf[0] < '0' || conf[0] > '9' || (conf[0] == '0' && conf[1]))
		return 0;
	errno = 0;
	n = strtol(conf, &end, 10);
	return errno == 0 && *end == '\0' && n == i->index;
}

/* When the end went down: at the word that it did (the first word on it
 * finding it down says no more), kept while it stays down. */
static void
end_since(struct tlink *l, int end, int was)
{
	if (!ie_end_down(l, end))
		l->down_since[end] = 0;
	else if (!was || l->down_since[end] == 0)
		l->down_since[end] = l->at[end];
}

static void
link_observe(struct incident_engine *e, int di, const struct if_obs *io,
    const char *how)
{
	size_t i;
	int was, end, st = io->oper == 1 ? 1 : (io->oper == 2 || io->oper == 7) ?
	    2 : 0;

	if (st == 0)
		return;
	for (i = 0; i < e->nlinks; i++)
		for (end = 0; end < 2; end++) {
			struct tlink *l = &e->links[i];

			if (l->dev[end] != di || !ie_ifname_matches(
			    l->conf->ifname[end], io))
				continue;
			was = ie_end_down(l, end);
			if (l->oper[end] != st) {
				log_info("link %s: %s end %s is %s (%s)",
				    l->conf->name, l->conf->dev[end],
				    l->conf->ifname[end], st == 1 ? "up" :
				    "down", how);
				eval_soon(e);
				if (st == 1 && l->oper[end] == 2)
					recheck_outage_of(e, di, l->far_site);
			}
			l->oper[end] = st;
			l->at[end] = wall_ms();
			end_since(l, end, was);
			str_copy(l->how[end], sizeof(l->how[end]), how);
			/* Per end: the two ends disagreeing for a while
			 * (one still reporting an old state) is not a flap. */
			flap_update(&l->hist[end], l->hist_at[end],
			    &l->nhist[end], &l->flap[end], st == 2,
			    e->conf->inc.flap_high, e->conf->inc.flap_low);
			l->flapping = l->flap[0] || l->flap[1];
		}
}

void
incident_ifstatus(struct device_rt *dev, long index, const char *name,
    int oper)
{
	struct incident_engine *e = ie_engine_of(dev);
	struct if_obs *io = if_obs_get(&dev->obs, index, NULL);
	int di;

	if (name != NULL && name[0] != '\0')
		snprintf(io->name, sizeof(io->name), "%s", name);
	if_obs_oper(io, oper, 0, "ifOperStatus poll");
	if (e != NULL && (di = dev_index(e, dev)) >= 0)
		link_observe(e, di, io, "ifOperStatus poll");
}

void
incident_ifname(struct device_rt *dev, long index, const char *name)
{
	struct if_obs *io;

	if (name == NULL || name[0] == '\0')
		return;
	io = if_obs_get(&dev->obs, index, NULL);
	snprintf(io->name, sizeof(io->name), "%s", name);
}

void
incident_ups(struct device_rt *dev, double source, double status,
    double minutes, const char *how)
{
	struct dev_obs *o = &dev->obs;
	int was = o->on_battery || o->battery_low;

	/* RFC 1628 upsOutputSource: battery(5), or none(2) (the output is
	 * off: the load has lost power) are power problems; normal(3),
	 * bypass(4), booster(6) and reducer(7) all run from the mains. */
	if (!isnan(source)) {
		int src = (int)source;

		if ((src == 5 || src == 2) && !o->on_battery) {
			o->on_battery = 1;
			o->battery_since = wall_ms();
			snprintf(o->ups_source, sizeof(o->ups_source), "%s%s",
			    how, src == 2 ? ", output off" : "");
		} else if (src == 3 || src == 4 || src == 6 || src == 7) {
			o->on_battery = 0;
			o->battery_low = 0;
		}
	}
	if (!isnan(status)) {
		o->battery_low = (int)status == 3 || (int)status == 4;
		if (o->battery_low && o->battery_since == 0)
			o->battery_since = wall_ms();
	}
	if (!isnan(minutes))
		o->minutes_left = minutes;
	if (!o->on_battery && !o->battery_low)
		o->battery_since = 0;
	if (was != (o->on_battery || o->battery_low)) {
		log_info("%s: %s (%s)", dev->conf->name, o->on_battery ?
		    "on battery" : o->battery_low ? "battery low" :
		    "on utility power", how);
		eval_soon(ie_engine_of(dev));
	}
}

void
incident_rxpower(struct device_rt *dev, const struct link_conf *lc, int end,
    double dbm)
{
	struct incident_engine *e = ie_engine_of(dev);
	struct tlink *l;
	size_t i;
	int was;

	for (i = 0; e != NULL && i < e->nlinks; i++) {
		l = &e->links[i];
		if (l->conf != lc)
			continue;
		was = ie_end_down(l, end);
		l->rx_dbm[end] = dbm;
		if (was != ie_end_down(l, end)) {
			log_info("link %s: %s end receives %.1f dBm (%s loss of "
			    "signal at %.1f dBm)", lc->name, lc->dev[end], dbm,
			    dbm < lc->los_dbm[end] ? "below" : "above",
			    lc->los_dbm[end]);
			l->at[end] = wall_ms();
			snprintf(l->how[end], sizeof(l->how[end]), "receive "
			    "power %.1f dBm, loss of signal below %.1f dBm",
			    dbm, lc->los_dbm[end]);
			eval_soon(e);
		}
		end_since(l, end, was);
	}
}

static struct ap_obs *
ap_obs_get(struct dev_obs *o, const char *index, long long now)
{
	size_t i;
	struct ap_obs *a;

	for (i = 0; i < o->naps; i++)
		if (strcmp(o->aps[i].index, index) == 0)
			return &o->aps[i];
	o->aps = xreallocarray(o->aps, o->naps + 1, sizeof(*o->aps));
	a = memset(&o->aps[o->naps++], 0, sizeof(*a));
	snprintf(a->index, sizeof(a->index), "%s", index);
	a->up = -1;
	a->since = now;
	a->site = -1;
	return a;
}

/* Log what changed in one poll, a few names at most (a controller losing
 * 300 APs is one line, not 300). */
static void
aps_log(struct device_rt *dev, const char *what, const char *names, int n)
{
	if (n > 0)
		log_info("%s: %d AP%s %s: %s%s", dev->conf->name, n, n == 1 ?
		    "" : "s", what, names, n > 5 ? ", ..." : "");
}

static void
aps_name_add(char *buf, size_t len, int *n, const struct ap_obs *a)
{
	if ((*n)++ < 5)
		snprintf(buf + strlen(buf), len - strlen(buf), "%s%s",
		    buf[0] ? ", " : "", a->name[0] ? a->name : a->index);
}

/* The counts from the inventory (down includes gone). */
static void
aps_count(struct dev_obs *o)
{
	size_t i;

	o->ap_up = o->ap_down = 0;
	for (i = 0; i < o->naps; i++) {
		if (o->aps[i].up == 1)
			o->ap_up++;
		else
			o->ap_down++;
	}
}

/* The inventory to the store, on a change: a restart must not forget the
 * APs whose rows the controller deleted. */
static void
aps_save(struct incident_engine *e, struct device_rt *dev)
{
	struct dev_obs *o = &dev->obs;
	struct store_ap *v = xcalloc(o->naps + 1, sizeof(*v));
	size_t i;

	for (i = 0; i < o->naps; i++) {
		v[i].index = o->aps[i].index;
		v[i].name = o->aps[i].name;
		v[i].up = o->aps[i].up == 1;
		v[i].gone = o->aps[i].gone;
		v[i].since = o->aps[i].since;
		v[i].seen = o->aps[i].seen;
	}
	if (e->host.aps_save != NULL)
		e->host.aps_save(e->host.arg, dev->conf->name, v, o->naps);
	free(v);
}

static void
aps_loaded(const struct store_ap *s, void *arg)
{
	struct dev_obs *o = arg;
	struct ap_obs *a = ap_obs_get(o, s->index, s->since);

	snprintf(a->name, sizeof(a->name), "%s", s->name);
	a->up = s->up ? 1 : 0;
	a->gone = s->gone;
	a->since = s->since;
	a->seen = s->seen;
}

static void
aps_carried(struct device_rt *dev, int n)
{
	struct dev_obs *o = &dev->obs;
	size_t i;
	int gone = 0;

	aps_count(o);
	for (i = 0; i < o->naps; i++)
		gone += o->aps[i].gone;
	log_info("%s: %d APs carried over from the store (%d gone)",
	    dev->conf->name, n, gone);
}

/* A controller's inventory as the store kept it (at start, or when a
 * reload adds the controller: then the host may read it later, and
 * incident_aps_stored() brings it). */
static void
aps_load(struct incident_engine *e, struct device_rt *dev)
{
	int n;

	if (e->host.aps_load == NULL || dev->obs.naps > 0 ||
	    (n = e->host.aps_load(e->host.arg, dev->conf->name, aps_loaded,
	    &dev->obs)) <= 0)
		return;
	aps_carried(dev, n);
}

void
incident_aps_stored(struct incident_engine *e, const char *controller,
    const struct store_ap *v, size_t n)
{
	struct device_rt *dev;
	size_t i, k;
	int d, added = 0;

	if (e == NULL || (d = ie_find_dev(e, controller)) < 0)
		return;
	dev = e->devs[d].rt;
	/* The controller may have answered first: what it listed stands,
	 * and the APs it no longer lists come from the store (its next
	 * complete table finds them gone). */
	for (i = 0; i < n; i++) {
		for (k = 0; k < dev->obs.naps; k++)
			if (strcmp(dev->obs.aps[k].index, v[i].index) == 0)
				break;
		if (k == dev->obs.naps) {
			aps_loaded(&v[i], &dev->obs);
			added++;
		}
	}
	if (added > 0)
		aps_carried(dev, added);
}

void
incident_aps(struct device_rt *dev, const struct ap_row *rows, size_t n,
    int complete)
{
	struct dev_obs *o = &dev->obs;
	struct incident_engine *e = ie_engine_of(dev);
	long long now = wall_ms();
	double forget = dev->inc->conf->inc.wifi_ap_forget_ms;
	char lost[200] = "", back[200] = "";
	int nlost = 0, nback = 0, up, changed = 0;
	size_t i, k;
	struct ap_obs *a;

	for (i = 0; i < n; i++) {
		if (rows[i].status < 0)
			continue;	/* a name without a status: not serving */
		a = ap_obs_get(o, rows[i].index, now);
		if (rows[i].name[0] != '\0' && strcmp(a->name, rows[i].name)) {
			snprintf(a->name, sizeof(a->name), "%s", rows[i].name);
			a->site_gen = 0;	/* match its site again */
			changed = 1;
		}
		up = rows[i].status == 1;
		if (a->up != up || a->gone) {
			if (a->up == 1 && !up)
				aps_name_add(lost, sizeof(lost), &nlost, a);
			else if (up && (a->up == 0 || a->gone))
				aps_name_add(back, sizeof(back), &nback, a);
			if (a->up != up)
				a->since = now;
			changed = 1;
		}
		a->up = up;
		a->gone = 0;
		a->seen = now;
	}
	/* Rows a complete poll did not bring: the AP left the controller. */
	for (i = 0, k = 0; i < o->naps; i++) {
		a = &o->aps[i];
		if (complete && a->seen != now && !a->gone) {
			if (a->up == 1)
				aps_name_add(lost, sizeof(lost), &nlost, a);
			a->gone = 1;
			a->up = 0;
			a->since = now;
			changed = 1;
		}
		if (a->gone && now - a->seen > forget) {
			changed = 1;	/* removed for good, presumably */
			continue;
		}
		o->aps[k++] = *a;
	}
	o->naps = k;
	aps_count(o);
	aps_log(dev, "lost or down", lost, nlost);
	aps_log(dev, "back", back, nback);
	if (changed && e != NULL) {
		aps_save(e, dev);
		eval_soon(e);
	}
}

void
incident_trap(struct incident_engine *e, struct device_rt *dev,
    const struct trap *t)
{
	static const uint32_t ifoper[] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 8 };
	static const uint32_t ifdescr[] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 2 };
	static const uint32_t ifname[] = { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1 };
	struct if_obs *io;
	char how[96];
	size_t i;
	double x;
	int di, oper;

	if (e == NULL || dev == NULL || (di = dev_index(e, dev)) < 0)
		return;
	switch (t->event) {
	case TRAP_EV_LINK_DOWN:
	case TRAP_EV_LINK_UP:
		if (t->if_index < 0)
			break;
		io = if_obs_get(&dev->obs, t->if_index, NULL);
		oper = t->event == TRAP_EV_LINK_DOWN ? 2 : 1;
		/* RFC 2863: the trap carries ifOperStatus; believe it over
		 * the trap's name (an agent may say linkUp for dormant). */
		for (i = 0; i < t->nvb; i++) {
			const struct snmp_vb *vb = &t->vb[i];

			if (vb->name.len == 11 && memcmp(vb->name.n, ifoper,
			    sizeof(ifoper)) == 0 && snmpval_number(vb, &x))
				oper = (int)x;
			/* Many agents add ifName or ifDescr: the name the
			 * link ends are configured with, when no poll has
			 * told it yet.  ifName wins over ifDescr. */
			if (vb->type == SV_STRING && vb->len > 0 &&
			    vb->len < sizeof(io->name) && ((vb->name.len == 11 &&
			    memcmp(vb->name.n, ifdescr, sizeof(ifdescr)) == 0 &&
			    io->name[0] == '\0') || (vb->name.len == 12 &&
			    memcmp(vb->name.n, ifname, sizeof(ifname)) == 0))) {
				memcpy(io->name, vb->str, vb->len);
				io->name[vb->len] = '\0';
			}
		}
		snprintf(how, sizeof(how), "%s trap from %s",
		    t->event == TRAP_EV_LINK_DOWN ? "linkDown" : "linkUp",
		    t->source);
		if_obs_oper(io, oper, 1, how);
		link_observe(e, di, io, how);
		break;
	case TRAP_EV_COLD_START:
	case TRAP_EV_WARM_START:
		snprintf(how, sizeof(how), "%s trap from %s", t->event ==
		    TRAP_EV_COLD_START ? "coldStart" : "warmStart", t->source);
		incident_restarted(dev, how);
		break;
	case TRAP_EV_UPS_ON_BATTERY:
	case TRAP_EV_UPS_BATTERY_LOW:
	case TRAP_EV_UPS_ON_UTILITY:
		snprintf(how, sizeof(how), "%s trap from %s", t->event ==
		    TRAP_EV_UPS_ON_UTILITY ? "on-utility" : t->event ==
		    TRAP_EV_UPS_ON_BATTERY ? "on-battery" : "battery-low",
		    t->source);
		incident_ups(dev, t->event == TRAP_EV_UPS_ON_UTILITY ? 3 : 5,
		    t->event == TRAP_EV_UPS_BATTERY_LOW ? 3 : NAN, NAN, how);
		break;
	default:
		break;
	}
	eval_soon(e);
}

