#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int
parse_int(const char *s, long long min, long long max, long long *out,
    char *err, size_t errlen)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) {
		snprintf(err, errlen, "empty number");
		return -1;
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		snprintf(err, errlen, "'%.64s' is not a whole number", s);
		return -1;
	}
	if (errno == ERANGE || v < min || v > max) {
		snprintf(err, errlen, "%.64s is out of range (%lld..%lld)", s,
		    min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int
parse_duration(const char *s, double default_unit_ms, double min_ms,
    double max_ms, double *out_ms, char *err, size_t errlen)
{
	char *end;
	double v, unit;

	if (s == NULL || *s == '\0' || isspace((unsigned char)*s) ||
	    *s == '-' || *s == '+') {
		snprintf(err, errlen, "'%.64s' is not a duration", s ? s : "");
		return -1;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno == ERANGE || !isfinite(v)) {
		snprintf(err, errlen, "'%.64s' is not a duration", s);
		return -1;
	}
	if (*end == '\0')
		unit = default_unit_ms;
	else if (strcmp(end, "ms") == 0)
		unit = 1;
	else if (strcmp(end, "us") == 0)
		unit = 0.001;
	else if (strcmp(end, "s") == 0)
		unit = 1000;
	else if (strcmp(end, "m") == 0 || strcmp(end, "min") == 0)
		unit = 60000;
	else if (strcmp(end, "h") == 0)
		unit = 3600000;
	else if (strcmp(end, "d") == 0)
		unit = 86400000;
	else {
		snprintf(err, errlen, "'%.64s': unknown unit '%.8s' "
		    "(use us, ms, s, m, h or d)", s, end);
		return -1;
	}
	v *= unit;
	if (v < min_ms || v > max_ms) {
		snprintf(err, errlen, "%.64s is out of range (%gms..%gms)", s,
		    min_ms, max_ms);
		return -1;
	}
	*out_ms = v;
	return 0;
}

int
parse_port(const char *s, int *out, char *err, size_t errlen)
{
	long long v;
	char e[128];

	if (parse_int(s, 1, 65535, &v, e, sizeof(e)) == -1) {
		snprintf(err, errlen, "port %s", e);
		return -1;
	}
	*out = (int)v;
	return 0;
}

int
parse_hostport(const char *s, char *host, size_t hostlen, int *port,
    int default_port, char *err, size_t errlen)
{
	const char *colon, *hend, *pstr = NULL;
	size_t n;

	if (s == NULL || *s == '\0') {
		snprintf(err, errlen, "empty host");
		return -1;
	}
	if (*s == '[') {
		hend = strchr(s, ']');
		if (hend == NULL) {
			snprintf(err, errlen, "'%.64s': missing ']'", s);
			return -1;
		}
		if (hend[1] == ':')
			pstr = hend + 2;
		else if (hend[1] != '\0') {
			snprintf(err, errlen, "'%.64s': junk after ']'", s);
			return -1;
		}
		s++;
	} else {
		colon = strchr(s, ':');
		/* Two or more colons without brackets: a bare IPv6 address. */
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			hend = colon;
			pstr = colon + 1;
		} else
			hend = s + strlen(s);
	}
	n = (size_t)(hend - s);
	if (n == 0 || n >= hostlen) {
		snprintf(err, errlen, "host name empty or too long");
		return -1;
	}
	memcpy(host, s, n);
	host[n] = '\0';
	*port = default_port;
	if (pstr != NULL && parse_port(pstr, port, err, errlen) == -1)
		return -1;
	return 0;
}
