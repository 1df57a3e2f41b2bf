#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "probe.h"

static const char *const outcome_names[PROBE_OUTCOME_MAX] = {
	[PROBE_OK] = "ok",
	[PROBE_TIMEOUT] = "timeout",
	[PROBE_REFUSED] = "refused",
	[PROBE_UNREACHABLE] = "unreachable",
	[PROBE_BAD_RESPONSE] = "bad-response",
	[PROBE_DNS_FAILURE] = "dns-failure",
	[PROBE_TLS_FAILURE] = "tls-failure",
	[PROBE_AUTH_FAILED] = "auth-failed",
	[PROBE_SILENT] = "silent",
	[PROBE_ERROR] = "error",
};

const char *
probe_outcome_name(enum probe_outcome o)
{
	if ((unsigned)o >= PROBE_OUTCOME_MAX)
		return "invalid";
	return outcome_names[o];
}

void
probe_result_init(struct probe_result *r, const char *target)
{
	memset(r, 0, sizeof(*r));
	str_copy(r->target, sizeof(r->target), target);
	clock_gettime(CLOCK_REALTIME, &r->started);
}

void
probe_result_set(struct probe_result *r, enum probe_outcome o,
    const char *fmt, ...)
{
	va_list ap;

	r->outcome = o;
	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
}

void
probe_result_add(struct probe_result *r, const char *name, const char *unit,
    double value)
{
	struct probe_value *v;

	if (r->nvalues >= PROBE_MAX_VALUES)
		return;
	v = &r->values[r->nvalues++];
	str_copy(v->name, sizeof(v->name), name);
	v->unit = unit ? unit : "";
	v->value = value;
}

const struct probe_value *
probe_result_get(const struct probe_result *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nvalues; i++)
		if (strcmp(r->values[i].name, name) == 0)
			return &r->values[i];
	return NULL;
}

