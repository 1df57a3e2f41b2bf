/*
 * The service managers' report over a period, from the incident store:
 * per priority, the incidents opened and resolved, how many were resolved
 * within their SLA and how long resolution took; per site, the time it was
 * cut off (site-down incidents, from the first fault to service back,
 * clipped to the period) and its availability.
 */
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "config.h"
#include "incident.h"
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

struct site_acc {
	char		*name;
	long long	 down_ms;
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
	(*s)[*n].down_ms = 0;
	(*s)[*n].outages = 0;
	return &(*s)[(*n)++];
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
		double sum_s = 0;
		json_t *x = json_object();
		char name[16];

		for (i = 0; i < c.n; i++) {
			const struct incident *in = c.v[i];
			long long from = in->started_at > 0 ? in->started_at :
			    in->opened_at;

			if (in->priority != p)
				continue;
			if (in->opened_at >= since && in->opened_at <= until)
				opened++;
			if (in->resolved_at > 0 && in->resolved_at >= since &&
			    in->resolved_at <= until) {
				resolved++;
				sum_s += (double)(in->resolved_at - from) / 1000;
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
		json_object_set_new(x, "mean_resolve_s", resolved ?
		    json_real(sum_s / (double)resolved) : json_null());
		json_object_set_new(x, "open_at_end", json_integer(open_now));
		json_array_append_new(pa, x);
	}
	json_object_set_new(o, "priorities", pa);

	/* A site's outage: site-down incidents naming it, clipped. */
	for (i = 0; i < c.n; i++) {
		const struct incident *in = c.v[i];
		long long from = in->started_at > 0 ? in->started_at :
		    in->opened_at, to = in->resolved_at > 0 ? in->resolved_at :
		    until;

		if (in->sit != SIT_SITE_DOWN)
			continue;
		if (from < since)
			from = since;
		if (to > until)
			to = until;
		for (k = 0; k < in->sites.n; k++) {
			struct site_acc *a = site_get(&acc, &nacc,
			    in->sites.v[k]);

			if (to > from)
				a->down_ms += to - from;
			a->outages++;
		}
	}
	sa = json_array();
	for (i = 0; i < nacc; i++) {
		json_t *x = json_object();
		long long down = acc[i].down_ms > period ? period :
		    acc[i].down_ms;

		json_object_set_new(x, "site", json_string(acc[i].name));
		json_object_set_new(x, "outages", json_integer(acc[i].outages));
		json_object_set_new(x, "outage_s", json_real((double)down /
		    1000));
		json_object_set_new(x, "availability_pct", json_real(100.0 *
		    (double)(period - down) / (double)period));
		json_array_append_new(sa, x);
		free(acc[i].name);
	}
	json_object_set_new(o, "sites", sa);
	free(acc);
	for (i = 0; i < c.n; i++)
		incident_free(c.v[i]);
	free(c.v);
	return o;
}
