/*
 * SNMP checks (status, metrics, the multi-OID polls) and passive
 * captures.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "capture.h"
#include "checks_int.h"
#include "clock.h"
#include "daemon.h"
#include "dns.h"
#include "escape.h"
#include "http.h"
#include "icmp.h"
#include "log.h"
#include "oids.h"
#include "resolve.h"
#include "scheduler.h"
#include "rrdstore.h"
#include "snmp.h"
#include "store.h"
#include "tcp.h"
#include "xmalloc.h"


static void
snmp_status_done(const struct snmp_response *res, void *arg)
{
	struct check_rt *c = arg;
	char name[160], shown[200];
	double v[1];
	char metric[64];

	c->snmp_busy = 0;
	if (res->outcome != PROBE_OK || res->nvb == 0) {
		chk_done(c, res->outcome, res->detail, res->rtt_ms);
		return;
	}
	oid_format(&res->vb[0].name, name, sizeof(name));
	snmpval_format(&res->vb[0], shown, sizeof(shown));
	if (snmpval_is_exception(&res->vb[0])) {
		chk_done(c, PROBE_BAD_RESPONSE, snmpval_type_name(
		    res->vb[0].type), res->rtt_ms);
		return;
	}
	if (!snmpval_number(&res->vb[0], &v[0])) {
		/* A string (sysName, ifAlias, ...): compared as text. */
		const struct snmp_vb *vb = &res->vb[0];

		if (c->conf->expect != NULL && (vb->type != SV_STRING ||
		    vb->len != strlen(c->conf->expect) || memcmp(vb->str,
		    c->conf->expect, vb->len) != 0)) {
			snprintf(c->detail, sizeof(c->detail), "%.60s is "
			    "%.120s, expected %.40s", name, shown,
			    c->conf->expect);
			chk_done(c, PROBE_BAD_RESPONSE, c->detail,
			    res->rtt_ms);
		} else
			chk_done(c, PROBE_OK, shown, res->rtt_ms);
		return;
	}
	c->value = v[0];
	if (c->conf->expect != NULL && !oid_expect_match(
	    oid_find_prefix(&res->vb[0].name), v[0], c->conf->expect)) {
		snprintf(c->detail, sizeof(c->detail), "%.80s is %.80s, "
		    "expected %.40s", name, shown, c->conf->expect);
		chk_done(c, PROBE_BAD_RESPONSE, c->detail, res->rtt_ms);
	} else
		chk_done(c, PROBE_OK, shown, res->rtt_ms);
	snprintf(metric, sizeof(metric), "generic.status-%d",
	    (int)(c - c->dev->checks));
	chk_record(c, metric, "generic", v);
}

struct mpoll {
	struct check_rt	*c;
	int		 pending;
	enum probe_outcome o;
	char		 detail[200];
	double		 started;
	struct snmp_vb	*vb;
	size_t		 n;
	int		 truncated;	/* a walk stopped at its row limit */
};

struct ifrow {
	uint32_t	 index;
	double		 v[7];	/* in, out, in/out errors, oper, in/out discards */
	int		 hc_in, hc_out;
	char		 name[64];
};

/*
 * An agent may keep a removed interface's row beside the new one under
 * the same name (net-snmp does after an interface is re-created; routers
 * after a module swap): the highest ifIndex with the name is the live one,
 * and the other rows must not make its link look down.
 */
static int
ifrow_stale(const struct ifrow *rows, size_t n, size_t i)
{
	size_t j;

	if (rows[i].name[0] == '\0')
		return 0;
	for (j = 0; j < n; j++)
		if (j != i && rows[j].index > rows[i].index &&
		    strcmp(rows[j].name, rows[i].name) == 0)
			return 1;
	return 0;
}

static struct ifrow *
ifrow_get(struct ifrow **rows, size_t *n, uint32_t index)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if ((*rows)[i].index == index)
			return &(*rows)[i];
	*rows = xreallocarray(*rows, *n + 1, sizeof(**rows));
	memset(&(*rows)[*n], 0, sizeof(**rows));
	(*rows)[*n].index = index;
	for (i = 0; i < 7; i++)
		(*rows)[*n].v[i] = NAN;
	return &(*rows)[(*n)++];
}

/* An IF-MIB column value into its row; 1 if it was one. */
static int
ifmib_take(struct ifrow **rows, size_t *n, const struct snmp_vb *vb)
{
	static const uint32_t iftab[] = { 1, 3, 6, 1, 2, 1, 2, 2, 1 };
	static const uint32_t ifx[] = { 1, 3, 6, 1, 2, 1, 31, 1, 1, 1 };
	const struct snmp_oid *o = &vb->name;
	struct ifrow *r;
	double x = NAN;
	uint32_t col;

	snmpval_number(vb, &x);
	if (o->len == 11 && memcmp(o->n, iftab, sizeof(iftab)) == 0) {
		r = ifrow_get(rows, n, o->n[10]);
		col = o->n[9];
		if (col == 10 && !r->hc_in)
			r->v[0] = x;
		else if (col == 16 && !r->hc_out)
			r->v[1] = x;
		else if (col == 14 || col == 20 || col == 8)
			r->v[col == 14 ? 2 : col == 20 ? 3 : 4] = x;
		else if (col == 13 || col == 19)
			r->v[col == 13 ? 5 : 6] = x;
		return 1;
	}
	if (o->len == 12 && memcmp(o->n, ifx, sizeof(ifx)) == 0) {
		r = ifrow_get(rows, n, o->n[11]);
		col = o->n[10];
		if (col == 6 || col == 10) {
			r->v[col == 6 ? 0 : 1] = x;
			*(col == 6 ? &r->hc_in : &r->hc_out) = 1;
		} else if (col == 1 && vb->type == SV_STRING)
			snprintf(r->name, sizeof(r->name), "%.*s",
			    (int)vb->len, (const char *)vb->str);
		return 1;
	}
	return 0;
}


/*
 * The AP tables of Wi-Fi controllers: a status column and the name column
 * of the same row (the index is the AP's MAC address on both Cisco's
 * bsnAPTable and Aruba's wlsxWlanAPTable).
 */
static const struct {
	const char	*status, *name;
} ap_tables[] = {
	{ "bsnAPOperationStatus", "bsnAPName" },
	{ "wlanAPStatus", "wlanAPName" },
};

static struct ap_row *
aprow_get(struct ap_row **rows, size_t *n, const char *index)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*rows)[i].index, index) == 0)
			return &(*rows)[i];
	*rows = xreallocarray(*rows, *n + 1, sizeof(**rows));
	memset(&(*rows)[*n], 0, sizeof(**rows));
	snprintf((*rows)[*n].index, sizeof((*rows)[*n].index), "%s", index);
	(*rows)[*n].status = -1;
	return &(*rows)[(*n)++];
}

/* An AP table value into its row; 1 if it was one. */
static int
aptable_take(struct ap_row **rows, size_t *n, const struct snmp_vb *vb)
{
	struct snmp_oid col;
	char err[64], index[48];
	size_t t, k, o;
	double x;

	for (t = 0; t < sizeof(ap_tables) / sizeof(ap_tables[0]); t++)
		for (k = 0; k < 2; k++) {
			if (oid_parse(k ? ap_tables[t].name :
			    ap_tables[t].status, &col, err, sizeof(err)) ==
			    -1 || !oid_has_prefix(&vb->name, &col) ||
			    vb->name.len == col.len)
				continue;
			index[0] = '\0';
			for (o = col.len; o < vb->name.len && strlen(index) <
			    sizeof(index) - 12; o++)
				snprintf(index + strlen(index), sizeof(index) -
				    strlen(index), "%s%u", o > col.len ? "." :
				    "", (unsigned)vb->name.n[o]);
			if (k == 0 && snmpval_number(vb, &x))
				aprow_get(rows, n, index)->status = (int)x;
			else if (k == 1 && vb->type == SV_STRING)
				/* A device string: printable ASCII from here
				 * on (logs, JSON, patterns). */
				str_escape(aprow_get(rows, n, index)->name,
				    sizeof(rows[0]->name), vb->str, vb->len);
			return 1;
		}
	return 0;
}

/*
 * 1 if a walk of oid brings an AP status column; *name_walk is then the
 * name column to walk beside it, or NULL when the walk brings it too.
 */
static int
aptable_walk(const char *oid, const char **name_walk)
{
	struct snmp_oid a, st, nm;
	char err[64];
	size_t t;

	if (oid_parse(oid, &a, err, sizeof(err)) == -1)
		return 0;
	for (t = 0; t < sizeof(ap_tables) / sizeof(ap_tables[0]); t++)
		if (oid_parse(ap_tables[t].status, &st, err, sizeof(err)) ==
		    0 && oid_parse(ap_tables[t].name, &nm, err, sizeof(err)) ==
		    0 && oid_has_prefix(&st, &a)) {
			*name_walk = oid_has_prefix(&nm, &a) ? NULL :
			    ap_tables[t].name;
			return 1;
		}
	return 0;
}

/* UPS, Wi-Fi controller and anything else numeric. */
static void
mpoll_other(struct check_rt *c, const struct snmp_vb *vb, double *ups,
    double *ap, int *n_generic)
{
	char name[160], metric[200];
	double x, norm;
	enum ups_reading r;

	if (!snmpval_number(vb, &x))
		return;
	/* UPS-MIB and PowerNet-MIB readings, in UPS-MIB terms. */
	if ((r = oid_ups_reading(&vb->name, x, &norm)) != UPS_NONE) {
		if (!isnan(norm))
			ups[r] = norm;
	} else if (oid_under(&vb->name, "bsnDot11EssNumberOfMobileStations"))
		ap[2] = (isnan(ap[2]) ? 0 : ap[2]) + x;
	else if (!oid_under(&vb->name, "sysUpTime") && (*n_generic)++ < 64) {
		oid_format(&vb->name, name, sizeof(name));
		snprintf(metric, sizeof(metric), "generic.%s", name);
		chk_record(c, metric, "generic", &x);
	}
}

/* Receive power of the link ends on this device, to the incident engine. */
static void
mpoll_rx_power(struct check_rt *c, const struct snmp_vb *vb, size_t n)
{
	const struct config *cf = c->dev->d->conf;
	struct snmp_oid o;
	char err[64];
	size_t i, k;
	double x;
	int e;

	for (i = 0; i < cf->nlinks; i++)
		for (e = 0; e < 2; e++) {
			const struct link_conf *l = &cf->links[i];

			if (l->rx_oid[e] == NULL || l->dev[e] == NULL ||
			    strcmp(l->dev[e], c->dev->conf->name) != 0 ||
			    oid_parse(l->rx_oid[e], &o, err, sizeof(err)) == -1)
				continue;
			for (k = 0; k < n; k++)
				if (vb[k].name.len == o.len &&
				    memcmp(vb[k].name.n, o.n, o.len *
				    sizeof(o.n[0])) == 0 &&
				    snmpval_number(&vb[k], &x))
					incident_rxpower(c->dev, l, e, x /
					    pow(10, l->rx_precision[e]));
		}
}

static void
mpoll_finish(struct mpoll *m)
{
	struct check_rt *c = m->c;
	struct ifrow *rows = NULL;
	size_t nrows = 0, i;
	double ups[4] = { NAN, NAN, NAN, NAN }, ap[3] = { NAN, NAN, NAN }, up;
	struct ap_row *aps = NULL;
	size_t naps = 0;
	char metric[96];
	int reset = 0, restarted = 0, ngen = 0;
	double now = mono_ms();

	for (i = 0; i < m->n; i++)
		if (oid_under(&m->vb[i].name, "sysUpTime") &&
		    snmpval_number(&m->vb[i], &up)) {
			/* sysUpTime went back: counters restarted, no spike. */
			reset = c->last_uptime != 0 && up < c->last_uptime;
			/* A restart since the last poll: the agent has been
			 * up no longer than the time between them (slack
			 * for clocks).  A step back larger than that is not
			 * a restart (another agent answering for the
			 * address while routes change, a clock stepped). */
			restarted = reset && up / 100 <= (now -
			    c->last_uptime_at) / 1000 + UPTIME_SLACK_S;
			if (reset && !restarted)
				log_info("%s: sysUpTime went back from %lu to "
				    "%.0f, more than the %.0f s since the last "
				    "poll: not taken as a restart",
				    c->dev->conf->name, c->last_uptime, up,
				    (now - c->last_uptime_at) / 1000);
			c->last_uptime = (unsigned long)up;
			c->last_uptime_at = now;
		}
	for (i = 0; i < m->n; i++)
		if (!ifmib_take(&rows, &nrows, &m->vb[i]) &&
		    !aptable_take(&aps, &naps, &m->vb[i]))
			mpoll_other(c, &m->vb[i], ups, ap, &ngen);
	mpoll_rx_power(c, m->vb, m->n);
	if (restarted)
		incident_restarted(c->dev, "sysUpTime went back (poll)");
	for (i = 0; i < nrows; i++) {
		if (ifrow_stale(rows, nrows, i))
			continue;	/* nor its counters in the graph */
		if (!isnan(rows[i].v[4]))
			incident_ifstatus(c->dev, (long)rows[i].index,
			    rows[i].name, (int)rows[i].v[4]);
		else	/* traps name the interface by ifIndex alone */
			incident_ifname(c->dev, (long)rows[i].index,
			    rows[i].name);
		if (reset)
			rows[i].v[0] = rows[i].v[1] = rows[i].v[2] =
			    rows[i].v[3] = rows[i].v[5] = rows[i].v[6] = NAN;
		if (rows[i].name[0] != '\0')
			snprintf(metric, sizeof(metric), "if.%s", rows[i].name);
		else
			snprintf(metric, sizeof(metric), "if.%u", rows[i].index);
		chk_record(c, metric, "if", rows[i].v);
	}
	if (!isnan(ups[0]) || !isnan(ups[1]) || !isnan(ups[2]) ||
	    !isnan(ups[3])) {
		chk_record(c, "ups", "ups", ups);
		incident_ups(c->dev, ups[2], ups[3], ups[1], "UPS poll");
	}
	if (c->ap_table) {
		/* Down counts the APs that left the table (gone) too. */
		incident_aps(c->dev, aps, naps, m->o == PROBE_OK &&
		    !m->truncated);
		ap[0] = c->dev->obs.ap_up;
		ap[1] = c->dev->obs.ap_down;
	}
	if (!isnan(ap[0]) || !isnan(ap[1]) || !isnan(ap[2])) {
		if (isnan(ap[0]))
			ap[0] = 0;
		if (isnan(ap[1]))
			ap[1] = 0;
		chk_record(c, "ap", "ap", ap);
	}
	free(aps);
	c->value = (double)nrows;
	if (m->o == PROBE_OK)	/* else the detail says what failed */
		snprintf(m->detail, sizeof(m->detail), "%zu values%s", m->n,
		    reset ? ", agent restarted" : "");
	chk_done(c, m->o, m->detail, mono_ms() - m->started);
	c->mpoll = NULL;
	free(rows);
	snmpval_free_array(m->vb, m->n);
	free(m);
}

static void
mpoll_part(const struct snmp_response *res, void *arg)
{
	struct mpoll *m = arg;
	size_t i;

	if (res->outcome != PROBE_OK && m->o == PROBE_OK) {
		m->o = res->outcome;
		snprintf(m->detail, sizeof(m->detail), "%s", res->detail);
	}
	if (res->truncated)
		m->truncated = 1;
	m->vb = xreallocarray(m->vb, m->n + res->nvb + 1, sizeof(*m->vb));
	for (i = 0; i < res->nvb; i++)
		if (!snmpval_is_exception(&res->vb[i]))
			snmpval_copy(&m->vb[m->n++], &res->vb[i]);
	if (--m->pending == 0)
		mpoll_finish(m);
}

/* The agent was closed under a poll: its parts will never come. */
void
chk_mpoll_free(struct mpoll *m)
{
	snmpval_free_array(m->vb, m->n);
	free(m);
}

static int
oids_has(const struct check_conf *k, const char *name)
{
	size_t i;

	for (i = 0; i < k->noids; i++)
		if (strcmp(k->oids[i], name) == 0)
			return 1;
	return 0;
}

void
chk_snmp_start(struct check_rt *c)
{
	const struct check_conf *k = c->conf;
	struct snmp_oid gets[64], o;
	struct mpoll *m;
	size_t i, ng = 0;
	char err[160];
	const char *apname;
	int want_names = 0;

	if (c->dev->agent == NULL) {
		chk_done(c, PROBE_ERROR, "no SNMP session", 0);
		return;
	}
	c->running = NULL;	/* SNMP requests end with their agent */
	if (k->type == CHECK_SNMP_STATUS) {
		if (oid_parse(k->target, &o, err, sizeof(err)) == 0) {
			c->snmp_busy = 1;
			snmp_get(c->dev->agent, &o, 1, snmp_status_done, c);
		}
		return;
	}
	m = xcalloc(1, sizeof(*m));
	c->mpoll = m;
	m->c = c;
	m->o = PROBE_OK;
	m->started = mono_ms();
	oid_parse("sysUpTime.0", &gets[ng++], err, sizeof(err));
	for (i = 0; i < k->noids; i++) {
		if (oid_parse(k->oids[i], &o, err, sizeof(err)) == -1)
			continue;
		if (strchr(k->oids[i], '.') != NULL && ng < 64)
			gets[ng++] = o;
		else {
			m->pending++;
			snmp_walk(c->dev->agent, &o, 10000, mpoll_part, m);
			if (strncmp(k->oids[i], "if", 2) == 0)
				want_names = 1;
			if (aptable_walk(k->oids[i], &apname)) {
				c->ap_table = 1;
				if (apname != NULL && !oids_has(k, apname) &&
				    oid_parse(apname, &o, err, sizeof(err)) ==
				    0) {
					m->pending++;
					snmp_walk(c->dev->agent, &o, 10000,
					    mpoll_part, m);
				}
			}
		}
	}
	/* Optical receive power of the link ends on this device. */
	for (i = 0; i < c->dev->d->conf->nlinks; i++) {
		const struct link_conf *l = &c->dev->d->conf->links[i];
		int e;

		for (e = 0; e < 2; e++)
			if (l->rx_oid[e] != NULL && l->dev[e] != NULL &&
			    strcmp(l->dev[e], c->dev->conf->name) == 0 &&
			    ng < 64 && oid_parse(l->rx_oid[e], &o, err,
			    sizeof(err)) == 0)
				gets[ng++] = o;
	}
	if (want_names && oid_parse("ifName", &o, err, sizeof(err)) == 0) {
		m->pending++;
		snmp_walk(c->dev->agent, &o, 10000, mpoll_part, m);
	}
	m->pending++;
	snmp_get(c->dev->agent, gets, ng, mpoll_part, m);
}

void
chk_pcap_start(struct check_rt *c)
{
	const struct check_conf *k = c->conf;
	struct capture_params p = { .iface = k->target, .filter = k->filter,
	    .max_packets = 1, .duration_ms = k->silent_ms > 0 ? k->silent_ms :
	    k->timeout_ms };
	char err[512];

	c->running = capture_start(c->dev->d->base, &p, check_probe_done, c, err,
	    sizeof(err));
	if (c->running == NULL)
		chk_done(c, PROBE_ERROR, err, 0);
}
