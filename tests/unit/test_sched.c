/* The scheduler: even spread, no burst on interval change, run-now, lag. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

#include "clock.h"
#include "probe.h"
#include "scheduler.h"
#include "unit.h"

#define N_SPREAD	10000

static struct sched_item *items[N_SPREAD];
static double runs_at[4096];
static int nruns;
static int per_item[256];

static void
noop(void *arg)
{
	(void)arg;
}

static void
record(void *arg)
{
	int i = (int)(long)arg;

	if (nruns < 4096)
		runs_at[nruns++] = mono_ms();
	per_item[i]++;
}

static void
stop(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	event_base_loopexit(arg, NULL);
}

static void
test_spread(struct event_base *base, struct sched *s)
{
	int buckets[60] = { 0 }, i, b, worst = 0, soon = 0;
	char key[64];
	double next;

	for (i = 0; i < N_SPREAD; i++) {
		snprintf(key, sizeof(key), "device-%d/icmp", i);
		items[i] = sched_add(s, key, 60000, noop, NULL);
		b = (int)(sched_next_in(items[i]) / 1000);
		if (b >= 0 && b < 60)
			buckets[b]++;
	}
	for (b = 0; b < 60; b++) {
		int d = buckets[b] > 167 ? buckets[b] - 167 : 167 - buckets[b];

		if (d > worst)
			worst = d;
	}
	printf("# 10000 checks over 60 s: worst 1-second bucket off by %d "
	    "from 167\n", worst);
	CHECK(worst < 67, "10000 checks spread evenly over 60 s (each second "
	    "within 40% of its share)");
	/* Halving the interval: no burst of runs right after the change. */
	for (i = 0; i < N_SPREAD; i++)
		sched_set_interval(items[i], 30000);
	for (i = 0; i < N_SPREAD; i++) {
		next = sched_next_in(items[i]);
		if (next < 300)
			soon++;
	}
	printf("# after 60 s -> 30 s: %d of 10000 due in the next 300 ms\n",
	    soon);
	CHECK(soon < 3 * N_SPREAD * 300 / 30000, "interval change: no burst");
	for (i = 0; i < N_SPREAD; i++)
		sched_remove(items[i]);
	(void)base;
}

static void
test_runs(struct event_base *base, struct sched *s)
{
	struct timeval tv = { 1, 50000 };
	int i, bins[120] = { 0 }, max = 0, ok = 1;
	double t0 = mono_ms();
	char key[32];

	for (i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "c%d", i);
		items[i] = sched_add(s, key, 100, record, (void *)(long)i);
	}
	event_base_once(base, -1, EV_TIMEOUT, stop, base, &tv);
	event_base_dispatch(base);
	for (i = 0; i < 200; i++) {
		if (per_item[i] < 9 || per_item[i] > 12)
			ok = 0;
		sched_remove(items[i]);
	}
	for (i = 0; i < 200 && !ok; i++)
		if (per_item[i] < 9 || per_item[i] > 12)
			printf("# item %d ran %d times\n", i, per_item[i]);
	CHECK(ok, "each 100 ms check ran 10 times in a second");
	for (i = 0; i < nruns; i++) {
		int b = (int)((runs_at[i] - t0) / 10);

		if (b >= 0 && b < 100)
			bins[b]++;
	}
	for (i = 0; i < 100; i++)
		if (bins[i] > max)
			max = bins[i];
	printf("# 200 checks every 100 ms: at most %d in any 10 ms "
	    "(average 20)\n", max);
	CHECK(max <= 50, "runs spread within the interval (no herd)");
}

static int now_ran;
static double now_at;

static void
mark(void *arg)
{
	(void)arg;
	now_ran++;
	now_at = mono_ms();
}

static void
busy(void *arg)
{
	struct timespec ts = { 0, 60 * 1000000 };

	(void)arg;
	nanosleep(&ts, NULL);	/* a callback that blocks the loop */
}

static void
test_now_and_lag(struct event_base *base, struct sched *s)
{
	struct sched_item *a = sched_add(s, "trap-target", 600000, mark, NULL);
	struct sched_item *b[20];
	struct sched_stats st;
	struct timeval tv = { 0, 300000 };
	double t0 = mono_ms();
	char key[16];
	int i;

	sched_run_now(a);
	for (i = 0; i < 20; i++) {
		snprintf(key, sizeof(key), "busy%d", i);
		b[i] = sched_add(s, key, 50, i == 0 ? busy : noop, NULL);
	}
	event_base_once(base, -1, EV_TIMEOUT, stop, base, &tv);
	event_base_dispatch(base);
	CHECK(now_ran == 1 && now_at - t0 < 100, "run-now runs at once, "
	    "not at its 10-minute slot");
	CHECK(sched_next_in(a) > 1000, "and then keeps its slot");
	sched_stats(s, &st);
	CHECK(st.late > 0 && st.max_late_ms >= 40, "a blocking callback shows "
	    "as late runs");
	sched_remove(a);
	for (i = 0; i < 20; i++)
		sched_remove(b[i]);
}

int
main(void)
{
	struct event_base *base = event_base_new();
	struct sched *s = sched_new(base, 20);

	test_spread(base, s);
	test_runs(base, s);
	test_now_and_lag(base, s);
	CHECK(sched_phase("a", 1000) == sched_phase("a", 1000) &&
	    sched_phase("a", 1000) != sched_phase("b", 1000),
	    "phase is stable per key");
	sched_free(s);
	event_base_free(base);
	return unit_done();
}
