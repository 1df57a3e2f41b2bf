#ifndef NOCWATCH_REPORT_H
#define NOCWATCH_REPORT_H

#include <stddef.h>

#include <jansson.h>

struct store;

/*
 * The report over [since, until] (ms since the epoch): per priority the
 * incidents opened, resolved, resolved within their SLA (resolve-by), the
 * mean time from first fault to resolution and those open at the end; per
 * site (the given ones, plus any an incident names) its outages in
 * site-down incidents, their time clipped to the period, and its
 * availability.  NULL for an empty period or a store error.
 */
json_t	*report_build(struct store *, long long since, long long until,
	    const char *const *sites, size_t nsites);

#endif
