/*
 * The incident model's names and helpers (include/model.h).
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xmalloc.h"

static const char *const cause_names[CAUSE_MAX] = {
	"fibre-cut", "power-loss", "device-down", "wifi-degraded",
	"link-degraded", "service-down",
};

const char *
cause_name(enum inc_cause c)
{
	return (unsigned)c < CAUSE_MAX ? cause_names[c] : "?";
}

int
cause_parse(const char *s)
{
	int i;

	for (i = 0; i < CAUSE_MAX; i++)
		if (strcmp(s, cause_names[i]) == 0)
			return i;
	return -1;
}

const char *
inc_state_name(enum inc_state s)
{
	return s == INC_OPEN ? "open" : s == INC_ACKNOWLEDGED ?
	    "acknowledged" : "resolved";
}

int
strset_has(const struct strset *s, const char *v)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i], v) == 0)
			return 1;
	return 0;
}

int
strset_add(struct strset *s, const char *v)
{
	if (strset_has(s, v))
		return 0;
	s->v = xreallocarray(s->v, s->n + 1, sizeof(char *));
	s->v[s->n++] = xstrdup(v);
	return 1;
}

void
strset_free(struct strset *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

void
dev_obs_free(struct dev_obs *o)
{
	free(o->ifs);
	o->ifs = NULL;
	o->nifs = 0;
	free(o->aps);
	o->aps = NULL;
	o->naps = 0;
}

void
incident_copy(struct incident *dst, const struct incident *src)
{
	size_t i;

	*dst = *src;
	memset(&dst->sites, 0, sizeof(dst->sites));
	memset(&dst->devices, 0, sizeof(dst->devices));
	memset(&dst->evidence, 0, sizeof(dst->evidence));
	dst->next = NULL;
	for (i = 0; i < src->sites.n; i++)
		strset_add(&dst->sites, src->sites.v[i]);
	for (i = 0; i < src->devices.n; i++)
		strset_add(&dst->devices, src->devices.v[i]);
	for (i = 0; i < src->evidence.n; i++)
		strset_add(&dst->evidence, src->evidence.v[i]);
}

void
incident_clear(struct incident *in)
{
	strset_free(&in->sites);
	strset_free(&in->devices);
	strset_free(&in->evidence);
}

void
incident_free(struct incident *in)
{
	incident_clear(in);
	free(in);
}

long long
incident_outage_ms(const struct incident *in, long long now)
{
	long long sum = 0, end;
	int i;

	for (i = 0; i < in->neps; i++) {
		end = in->eps[i].rec > 0 ? in->eps[i].rec : now;
		if (end > in->eps[i].start)
			sum += end - in->eps[i].start;
	}
	return sum;
}

long long
incident_episode_ms(const struct incident *in, long long now)
{
	const struct episode *ep;
	long long end;

	if (in->neps == 0)
		return 0;
	ep = &in->eps[in->neps - 1];
	end = ep->rec > 0 ? ep->rec : now;
	return end > ep->start ? end - ep->start : 0;
}
