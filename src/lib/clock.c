/*
 * The clocks (include/clock.h).
 */
#include <stdio.h>
#include <time.h>

#include "clock.h"

static struct {
	int		 on;
	double		 mono;		/* ms */
	double		 wall;		/* ms since the epoch */
} virt;

void
clock_virtual(double mono, long long wall)
{
	virt.on = 1;
	virt.mono = mono;
	virt.wall = (double)wall;
}

void
clock_advance(double ms)
{
	virt.mono += ms;
	virt.wall += ms;
}

double
mono_ms(void)
{
	struct timespec ts;

	if (virt.on)
		return virt.mono;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

double
mono_s(void)
{
	struct timespec ts;

	if (virt.on)
		return virt.mono / 1e3;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long long
wall_ms(void)
{
	struct timespec ts;

	if (virt.on)
		return (long long)virt.wall;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
deadline_in(clockid_t clk, long ms, struct timespec *ts)
{
	clock_gettime(clk, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

char *
iso8601(long long ms, char *buf, size_t len)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	if (ms <= 0 || gmtime_r(&t, &tm) == NULL)
		snprintf(buf, len, "-");
	else
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}
