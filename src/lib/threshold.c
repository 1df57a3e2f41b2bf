#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "threshold.h"

static int
threshold_part(const char *p, struct threshold *t, char *err, size_t errlen)
{
	size_t n = strlen(p);
	long long pct;
	char buf[32];

	if (n > 0 && p[n - 1] == '%') {
		if (n >= sizeof(buf)) {
			snprintf(err, errlen, "threshold '%.40s' too long", p);
			return -1;
		}
		memcpy(buf, p, n - 1);
		buf[n - 1] = '\0';
		if (parse_int(buf, 0, 100, &pct, err, errlen) == -1)
			return -1;
		t->has_pct = 1;
		t->pct = (double)pct;
		return 0;
	}
	if (parse_duration(p, 1, 0, 86400000, &t->time_ms, err, errlen) == -1)
		return -1;
	t->has_time = 1;
	return 0;
}

int
threshold_parse(const char *s, struct threshold *t, char *err, size_t errlen)
{
	char buf[128], *comma;

	memset(t, 0, sizeof(*t));
	if (strlen(s) >= sizeof(buf) || *s == '\0') {
		snprintf(err, errlen, "threshold '%.40s' empty or too long", s);
		return -1;
	}
	strcpy(buf, s);
	comma = strchr(buf, ',');
	if (comma != NULL) {
		*comma = '\0';
		if (strchr(comma + 1, ',') != NULL) {
			snprintf(err, errlen, "threshold '%.40s' has more "
			    "than two parts", s);
			return -1;
		}
		if (threshold_part(comma + 1, t, err, errlen) == -1)
			return -1;
	}
	return threshold_part(buf, t, err, errlen);
}

int
threshold_exceeded(const struct threshold *t, double time_ms, double pct)
{
	if (t->has_time && time_ms >= 0 && time_ms > t->time_ms)
		return 1;
	if (t->has_pct && pct >= 0 && pct > t->pct)
		return 1;
	return 0;
}

const char *
plugin_status_name(enum plugin_status s)
{
	switch (s) {
	case STATUS_OK:
		return "OK";
	case STATUS_WARNING:
		return "WARNING";
	case STATUS_CRITICAL:
		return "CRITICAL";
	default:
		return "UNKNOWN";
	}
}
