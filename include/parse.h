/*
 * Bounded parsers for command-line and configuration values.  Each returns
 * 0 and fills *out, or -1 and writes a one-line reason into err.
 */
#ifndef NOCWATCH_PARSE_H
#define NOCWATCH_PARSE_H

#include <stddef.h>

/* A whole decimal integer within [min, max]. */
int	parse_int(const char *s, long long min, long long max, long long *out,
	    char *err, size_t errlen);
/*
 * A duration such as "250ms", "2s", "1.5s", "1m" or a bare number taken in
 * default_unit_ms units; result in milliseconds within [min_ms, max_ms].
 */
int	parse_duration(const char *s, double default_unit_ms, double min_ms,
	    double max_ms, double *out_ms, char *err, size_t errlen);
/* A TCP/UDP port 1..65535. */
int	parse_port(const char *s, int *out, char *err, size_t errlen);
/*
 * Split "HOST:PORT", "[V6]:PORT" or "HOST" (port then stays default_port)
 * into host (copied, bounded) and port.
 */
int	parse_hostport(const char *s, char *host, size_t hostlen, int *port,
	    int default_port, char *err, size_t errlen);

#endif
