/*
 * A callback that holds the event loop delays every check, trap and
 * client behind it; the loop-lag timer shows that it happened, this says
 * which callback did it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "loopwatch.h"

static double threshold_ms;
static int depth;
static const char *current;
static double started_ms, last_log_ms;
static struct lw_stats st;

void
lw_init(double ms)
{
	threshold_ms = ms;
	depth = 0;
	memset(&st, 0, sizeof(st));
}

void
lw_enter(const char *name)
{
	if (threshold_ms <= 0 || depth++ > 0)
		return;
	current = name;
	started_ms = mono_ms();
}

void
lw_leave(void)
{
	double now, took;

	if (threshold_ms <= 0 || depth == 0 || --depth > 0)
		return;
	now = mono_ms();
	took = now - started_ms;
	/* The slowest is kept whatever its length: how near the line is. */
	if (took > st.worst_ms) {
		st.worst_ms = took;
		snprintf(st.worst, sizeof(st.worst), "%s", current);
	}
	if (took < threshold_ms)
		return;
	st.slow++;
	/* At most one line a second: a slow callback in a loop is one story. */
	if (now - last_log_ms >= 1000) {
		log_warnx("event loop held %.0f ms by %s (%llu callbacks over "
		    "%.0f ms so far)", took, current, st.slow, threshold_ms);
		last_log_ms = now;
	}
}

void
lw_stats(struct lw_stats *out)
{
	*out = st;
}
