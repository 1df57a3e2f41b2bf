/*
 * The service managers' report over a period, from the incident store:
 * per priority, the incidents opened and resolved, how many were resolved
 * within their SLA and their outage time; per site, the time it was cut
 * off and its availability.  Outage time is counted by episode: from each
 * fault's start to its recovery (everything affected answering again),
 * never the hold-down after it nor the quiet time between the episodes
 * of a reopened incident; a site's time is its site-down episodes from
 * the moment it was cut off in each (an episode that escalated, P3 one
 * fibre or P2 on battery first, counts from the escalation), clipped to
 * the period, overlaps counted once.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "model.h"
#include "report.h"
#include "store.h"
#include "xmalloc.h"

struct collect {
	long long		 since, until;
	struct incident		**v;
	size_t			 n;
};

static void
take(struct incident *in, void *arg)
{
	struct collect *c = arg;

	if (in->opened_at > c->until) {
		incident_free(in);
		return;
	}
	c->v = xreallocarray(c->v, c->n + 1, sizeof(*c->v));
	c->v[c->n++] = in;
}

struct span {
	long long	 from, to;
};

struct site_acc {
	char		*name;
	struct span	*v;		/* its outage spans, in the period */
	size_t		 n;
	int		 outages;
};

static struct site_acc *
site_get(struct site_acc **s, size_t *n, const char *name)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strcmp((*s)[i].name, name) == 0)
			return &(*s)[i];
	*s = xreallocarray(*s, *n + 1, sizeof(**s));
	(*s)[*n].name = xstrdup(name);
	(*s)[*n].v = NULL;
	(*s)[*n].n = 0;
	(*s)[*n].outages = 0;
	return &(*s)[(*n)++];
}

static int
span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->from < y->from ? -1 : x->from > y->from;
}

/* The union's length: two incidents naming a site at once count once. */
static long long
spans_ms(struct span *v, size_t n)
{
	long long sum = 0, from = 0, to = 0;
	size_t i;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(*v), span_cmp);
	for (i = 0; i < n; i++) {
		if (i == 0 || v[i].from > to) {
			sum += to - from;
			from = v[i].from;
			to = v[i].to;
		} else if (v[i].to > to)
			to = v[i].to;
	}
	return n > 0 ? sum + to - from : 0;
}

json_t *
report_build(struct store *st, long long since, long long until,
    const char *const *sites, size_t nsites)
{
	struct collect c = { since, until, NULL, 0 };
	struct site_acc *acc = NULL;
	size_t nacc = 0, i, k;
	long long period = until - since;
	json_t *o, *pa, *sa;
	int p;

	if (period <= 0 || store_load_incidents(st, since, take, &c) < 0)
		return NULL;
	for (i = 0; i < nsites; i++)
		site_get(&acc, &nacc, sites[i]);
	o = json_object();
	json_object_set_new(o, "since_ms", json_integer(since));
	json_object_set_new(o, "until_ms", json_integer(until));
	pa = json_array();
	for (p = 1; p <= 4; p++) {
		long long opened = 0, resolved = 0, in_sla = 0, open_now = 0;
		double sum_s = 0;	/* outage of those resolved */
		json_t *x = json_object();
		char name[16];

		for (i = 0; i < c.n; i++) {
			const struct incident *in = c.v[i];

			if (in->priority != p)
				continue;
			if (in->opened_at >= since && in->opened_at <= until)
				opened++;
			if (in->resolved_at > 0 && in->resolved_at >= since &&
			    in->resolved_at <= until) {
				resolved++;
				sum_s += (double)incident_outage_ms(in,
				    in->resolved_at) / 1000;
				if (in->resolve_by <= 0 ||
				    in->resolved_at <= in->resolve_by)
					in_sla++;
			}
			if (in->opened_at <= until && (in->resolved_at == 0 ||
			    in->resolved_at > until))
				open_now++;
		}
		snprintf(name, sizeof(name), "P%d", p);
		json_object_set_new(x, "priority", json_string(name));
		json_object_set_new(x, "opened", json_integer(opened));
		json_object_set_new(x, "resolved", json_integer(resolved));
		json_object_set_new(x, "resolved_within_sla",
		    json_integer(in_sla));
		json_object_set_new(x, "pct_within_sla", resolved ?
		    json_real(100.0 * (double)in_sla / (double)resolved) :
		    json_null());
		json_object_set_new(x, "mean_outage_s", resolved ?
		    json_real(sum_s / (double)resolved) : json_null());
		json_object_set_new(x, "open_at_end", json_integer(open_now));
		json_array_append_new(pa, x);
	}
	json_object_set_new(o, "priorities", pa);

	/* A site's outage: the episodes naming it in which it was cut off,
	 * from that moment (an escalated episode: not while it was still
	 * reachable), clipped. */
	for (i = 0; i < c.n; i++) {
		const struct incident *in = c.v[i];
		int ep;

		for (ep = 0; ep < in->neps; ep++) {
			long long from = in->eps[ep].down, to = in->eps[ep].rec;

			if (from <= 0)
				continue;
			if (to <= 0)	/* still out (or never recovered) */
				to = in->resolved_at > 0 ? in->resolved_at :
				    until;
			if (from < since)
				from = since;
			if (to > until)
				to = until;
			if (to <= from)
				continue;
			for (k = 0; k < in->sites.n; k++) {
				struct site_acc *a = site_get(&acc, &nacc,
				    in->sites.v[k]);

				a->v = xreallocarray(a->v, a->n + 1,
				    sizeof(*a->v));
				a->v[a->n].from = from;
				a->v[a->n++].to = to;
				a->outages++;
			}
		}
	}
	sa = json_array();
	for (i = 0; i < nacc; i++) {
		json_t *x = json_object();
		long long down = spans_ms(acc[i].v, acc[i].n);

		if (down > period)
			down = period;

		json_object_set_new(x, "site", json_string(acc[i].name));
		json_object_set_new(x, "outages", json_integer(acc[i].outages));
		json_object_set_new(x, "outage_s", json_real((double)down /
		    1000));
		json_object_set_new(x, "availability_pct", json_real(100.0 *
		    (double)(period - down) / (double)period));
		json_array_append_new(sa, x);
		free(acc[i].name);
		free(acc[i].v);
	}
	json_object_set_new(o, "sites", sa);
	json_object_set_new(o, "counting", json_string("outage time runs from "
	    "each fault's start to its recovery (every affected device "
	    "answering), summed over an incident's episodes; the hold-down "
	    "before resolution and the time between episodes are not "
	    "outage; a site's availability counts its site-down episodes "
	    "from the moment it was cut off in each (not the part of an "
	    "escalated episode before it), clipped to the period, "
	    "overlapping ones once"));
	free(acc);
	for (i = 0; i < c.n; i++)
		incident_free(c.v[i]);
	free(c.v);
	return o;
}
