/*
 * The clocks, in one place: the monotonic clock for every interval, timer
 * and deadline (it never jumps), the wall clock only for what is recorded
 * or shown (timestamps in the store, the API, the journal).
 */
#ifndef NOCWATCH_CLOCK_H
#define NOCWATCH_CLOCK_H

#include <stddef.h>
#include <time.h>

double		 mono_ms(void);		/* CLOCK_MONOTONIC, milliseconds */
double		 mono_s(void);		/* CLOCK_MONOTONIC, seconds */
long long	 wall_ms(void);		/* CLOCK_REALTIME, ms since the epoch */
/*
 * A simulation's clock: from clock_virtual() on, mono_ms(), mono_s() and
 * wall_ms() return virtual time, moved only by clock_advance() (the
 * incident engine's replays, tests/unit/test_replay.c).  Never in the
 * daemon or the command.
 */
void		 clock_virtual(double mono_ms, long long wall_ms);
void		 clock_advance(double ms);
/* *ts = now on CLK plus ms: a deadline for pthread_cond_timedwait(); on
 * the real clock always (threads wait in real time). */
void		 deadline_in(clockid_t clk, long ms, struct timespec *ts);

/* ISO 8601 UTC of ms since the epoch ("2026-11-24T03:59:56Z"; "-" for
 * none). */
char		*iso8601(long long ms, char *buf, size_t len);

#endif
