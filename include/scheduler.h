/*
 * The check scheduler: every item runs once per interval on the monotonic
 * clock, at a phase taken from a hash of its key, so thousands of checks
 * spread evenly over their interval (no thundering herd) and keep their
 * phase across a reload or an interval change (no burst).
 */
#ifndef NOCWATCH_SCHEDULER_H
#define NOCWATCH_SCHEDULER_H

#include <stdint.h>

struct event_base;
struct sched;
struct sched_item;

typedef void (*sched_fn)(void *arg);

struct sched_stats {
	unsigned long long	runs;
	unsigned long long	late;		/* ran over late_ms after due */
	double			max_late_ms;
	double			loop_lag_ms;	/* last measured event-loop lag */
	double			max_loop_lag_ms;
};

struct sched	*sched_new(struct event_base *, double late_ms);
/* Every item must have been removed. */
void		 sched_free(struct sched *);
/* fn(arg) once a second from the loop-lag timer: proof the loop turns
 * (systemd's watchdog). */
void		 sched_on_tick(struct sched *, sched_fn, void *);
/* Run fn(arg) every interval_ms; key fixes the phase (e.g. hash of names). */
struct sched_item *sched_add(struct sched *, const char *key,
		    double interval_ms, sched_fn fn, void *arg);
/* Change the interval; the next run keeps the phase, never comes sooner
 * than it would have under the old interval (no burst). */
void		 sched_set_interval(struct sched_item *, double interval_ms);
/* Run now (a trap or a confirmation), then carry on at the phase. */
void		 sched_run_now(struct sched_item *);
void		 sched_remove(struct sched_item *);
/* Milliseconds (monotonic) until the item's next run. */
double		 sched_next_in(const struct sched_item *);
/* When it runs next: monotonic ms (mono_ms()'s clock). */
double		 sched_due(const struct sched_item *);
void		 sched_stats(const struct sched *, struct sched_stats *);
/* Run the item now as its timer would (then at its next slot): for a
 * simulation that moves a virtual clock and never runs the loop. */
void		 sched_fire(struct sched_item *);
/* The phase of key in an interval, in [0, interval_ms). */
double		 sched_phase(const char *key, double interval_ms);

#endif
