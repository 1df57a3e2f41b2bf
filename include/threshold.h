/*
 * Monitoring-plugin thresholds: "-w 100ms,20%" means warn when the measured
 * time exceeds 100 ms or the measured share exceeds 20%.  Either part may be
 * left out ("-c 500ms" or "-c 60%").
 */
#ifndef NOCWATCH_THRESHOLD_H
#define NOCWATCH_THRESHOLD_H

#include <stddef.h>

struct threshold {
	int	has_time;
	double	time_ms;
	int	has_pct;
	double	pct;
};

enum plugin_status {
	STATUS_OK = 0,
	STATUS_WARNING = 1,
	STATUS_CRITICAL = 2,
	STATUS_UNKNOWN = 3,
};

int	threshold_parse(const char *s, struct threshold *t, char *err,
	    size_t errlen);
/* 1 when time_ms or pct (pass a negative value for "not measured") exceed. */
int	threshold_exceeded(const struct threshold *t, double time_ms,
	    double pct);
const char *plugin_status_name(enum plugin_status);

#endif
