/*
 * One libevent timer per item (libevent keeps them in a min-heap).  Due
 * times are absolute on the monotonic clock: phase + k * interval, so a
 * slow callback delays only its own run and never shifts the grid.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "clock.h"
#include "loopwatch.h"
#include "probe.h"
#include "scheduler.h"
#include "xmalloc.h"

struct sched_item {
	struct sched	*s;
	struct event	*ev;
	double		 interval_ms;
	double		 due_ms;
	double		 frac;		/* phase as a share of the interval */
	sched_fn	 fn;
	void		*arg;
};

struct sched {
	struct event_base	*base;
	struct event		*lag_ev;
	double			 lag_due;
	double			 late_ms;
	struct sched_stats	 st;
	sched_fn		 tick;		/* every lag measurement */
	void			*tick_arg;
};

#define LAG_PERIOD_MS	1000.0

double
sched_phase(const char *key, double interval_ms)
{
	uint64_t h = 1469598103934665603ULL;	/* FNV-1a 64 */
	const unsigned char *p;

	for (p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211ULL;
	/* Mix the high bits down: FNV's low bits alone spread poorly. */
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return (double)(h % 1000000ULL) / 1000000.0 * interval_ms;
}

static void
arm(struct sched_item *it)
{
	double ms = it->due_ms - mono_ms();
	struct timeval tv;

	if (ms < 0)
		ms = 0;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)((ms - (double)tv.tv_sec * 1000) * 1000);
	evtimer_add(it->ev, &tv);
}

/* The first slot on the grid (phase + k * interval) after t.  Strictly
 * after: with t exactly on a slot, rounding in the division can give that
 * slot back (a virtual clock standing on it then fired the item for ever). */
static double
next_slot(const struct sched_item *it, double t)
{
	double phase = it->frac * it->interval_ms;
	double k = floor((t - phase) / it->interval_ms) + 1, slot;

	while ((slot = phase + k * it->interval_ms) <= t)
		k++;
	return slot;
}

static void
item_fire_run(evutil_socket_t fd, short ev, void *arg)
{
	struct sched_item *it = arg;
	struct sched *s = it->s;
	double now = mono_ms(), late = now - it->due_ms;

	(void)fd;
	(void)ev;
	s->st.runs++;
	if (late > s->late_ms)
		s->st.late++;
	if (late > s->st.max_late_ms)
		s->st.max_late_ms = late;
	/* The timer may fire a hair early: never take the same slot twice. */
	it->due_ms = next_slot(it, now > it->due_ms ? now : it->due_ms);
	arm(it);
	it->fn(it->arg);	/* last: it may remove the item */
}

static void
item_fire(evutil_socket_t fd, short ev, void *arg)
{
	lw_enter("a check's start (scheduler)");
	item_fire_run(fd, ev, arg);
	lw_leave();
}

static void
lag_fire(evutil_socket_t fd, short ev, void *arg)
{
	struct sched *s = arg;
	double now = mono_ms();
	struct timeval tv = { 1, 0 };

	(void)fd;
	(void)ev;
	/* A timer may fire a hair early: that is no lag. */
	s->st.loop_lag_ms = now > s->lag_due ? now - s->lag_due : 0;
	if (s->st.loop_lag_ms > s->st.max_loop_lag_ms)
		s->st.max_loop_lag_ms = s->st.loop_lag_ms;
	s->lag_due = now + LAG_PERIOD_MS;
	evtimer_add(s->lag_ev, &tv);
	if (s->tick != NULL)
		s->tick(s->tick_arg);
}

void
sched_on_tick(struct sched *s, sched_fn fn, void *arg)
{
	s->tick = fn;
	s->tick_arg = arg;
}

struct sched *
sched_new(struct event_base *base, double late_ms)
{
	struct sched *s = xcalloc(1, sizeof(*s));
	struct timeval tv = { 1, 0 };

	s->base = base;
	s->late_ms = late_ms;
	s->lag_ev = evtimer_new(base, lag_fire, s);
	s->lag_due = mono_ms() + LAG_PERIOD_MS;
	evtimer_add(s->lag_ev, &tv);
	return s;
}

void
sched_free(struct sched *s)
{
	if (s == NULL)
		return;
	event_free(s->lag_ev);
	free(s);
}

struct sched_item *
sched_add(struct sched *s, const char *key, double interval_ms, sched_fn fn,
    void *arg)
{
	struct sched_item *it = xcalloc(1, sizeof(*it));

	it->s = s;
	it->interval_ms = interval_ms > 1 ? interval_ms : 1;
	it->frac = sched_phase(key, 1.0);
	it->fn = fn;
	it->arg = arg;
	it->ev = evtimer_new(s->base, item_fire, it);
	it->due_ms = next_slot(it, mono_ms());
	arm(it);
	return it;
}

void
sched_set_interval(struct sched_item *it, double interval_ms)
{
	double old_due = it->due_ms, now = mono_ms();

	if (interval_ms < 1 || interval_ms == it->interval_ms)
		return;
	it->interval_ms = interval_ms;
	it->due_ms = next_slot(it, now);
	/* Shortening must not fire sooner than the old schedule would. */
	while (it->due_ms < old_due && it->due_ms + it->interval_ms <= old_due)
		it->due_ms += it->interval_ms;
	arm(it);
}

void
sched_run_now(struct sched_item *it)
{
	evtimer_del(it->ev);
	it->due_ms = mono_ms();
	arm(it);
}

void
sched_fire(struct sched_item *it)
{
	evtimer_del(it->ev);
	item_fire_run(-1, 0, it);
}

void
sched_remove(struct sched_item *it)
{
	if (it == NULL)
		return;
	event_free(it->ev);
	free(it);
}

double
sched_next_in(const struct sched_item *it)
{
	return it->due_ms - mono_ms();
}

double
sched_due(const struct sched_item *it)
{
	return it->due_ms;
}

void
sched_stats(const struct sched *s, struct sched_stats *st)
{
	*st = s->st;
}
