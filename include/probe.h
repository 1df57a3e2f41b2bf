/*
 * The probe interface shared by the CLI and the daemon.
 *
 * A probe is started with its parameters and one completion callback.  It
 * ends exactly once, by calling that callback with a result (unless it was
 * cancelled first, in which case the callback is never called).  The result
 * belongs to the probe and is valid only during the callback: copy what you
 * keep.  Probe failures are data: an outcome plus values plus a detail.
 */
#ifndef NOCWATCH_PROBE_H
#define NOCWATCH_PROBE_H

#include <stddef.h>
#include <time.h>

enum probe_outcome {
	PROBE_OK = 0,
	PROBE_TIMEOUT,
	PROBE_REFUSED,
	PROBE_UNREACHABLE,
	PROBE_BAD_RESPONSE,
	PROBE_DNS_FAILURE,
	PROBE_TLS_FAILURE,
	PROBE_AUTH_FAILED,
	PROBE_SILENT,
	PROBE_ERROR,		/* local failure: socket, permission, ... */
	PROBE_OUTCOME_MAX
};

#define PROBE_MAX_VALUES	24
#define PROBE_NAME_MAX		32

struct probe_value {
	char		 name[PROBE_NAME_MAX];	/* e.g. "rtt_avg" */
	const char	*unit;			/* static: "ms", "%", "", ... */
	double		 value;
};

struct probe_result {
	enum probe_outcome	outcome;
	char			target[256];	/* as the user named it */
	char			address[64];	/* numeric address probed, if any */
	char			detail[256];	/* short, human, already bounded */
	struct timespec		started;	/* wall clock (UTC) at start */
	double			elapsed_ms;	/* monotonic, start to end */
	size_t			nvalues;
	struct probe_value	values[PROBE_MAX_VALUES];
};

typedef void (*probe_done_cb)(const struct probe_result *, void *arg);

/* Stable lower-case name of an outcome ("timeout", "bad-response", ...). */
const char	*probe_outcome_name(enum probe_outcome);
/* Clear a result and stamp its start (wall clock). */
void		 probe_result_init(struct probe_result *, const char *target);
/* Set the outcome and a printf-style detail (truncated to fit). */
void		 probe_result_set(struct probe_result *, enum probe_outcome,
		    const char *, ...) __attribute__((format(printf, 3, 4)));
/* Append a named value; silently ignored past PROBE_MAX_VALUES. */
void		 probe_result_add(struct probe_result *, const char *name,
		    const char *unit, double value);
/* Find a value by name, or NULL. */
const struct probe_value *probe_result_get(const struct probe_result *,
		    const char *name);

#endif
