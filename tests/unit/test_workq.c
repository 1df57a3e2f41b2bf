/*
 * The worker queue on a real event loop and thread: a job is done on the
 * loop after it ran; a job past its deadline is answered late at the
 * deadline while the thread is still in it, released once the thread
 * lets go, and meanwhile new work is refused at once; a full queue
 * refuses; a stop with a stuck job returns after its grace.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "workq.h"
#include "unit.h"

struct job {
	struct work	 w;
	int		 sleep_ms;
	volatile int	 ran;
	int		 done, late, released;
	double		 late_at, done_at, released_at;	/* ms since t0 */
};

static struct event_base *base;
static double t0;

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6 - t0;
}

static void
j_run(struct work *w)
{
	struct job *j = (struct job *)w;

	usleep((useconds_t)j->sleep_ms * 1000);
	j->ran = 1;
}

static void
j_done(struct work *w)
{
	struct job *j = (struct job *)w;

	j->done++;
	j->done_at = now_ms();
}

static void
j_late(struct work *w)
{
	struct job *j = (struct job *)w;

	j->late++;
	j->late_at = now_ms();
}

static void
j_release(struct work *w)
{
	struct job *j = (struct job *)w;

	j->released++;
	j->released_at = now_ms();
}

static const struct work_ops j_ops = {
	j_run, j_done, j_late, j_release
};

static void
job_init(struct job *j, int sleep_ms)
{
	memset(j, 0, sizeof(*j));
	j->w.ops = &j_ops;
	j->sleep_ms = sleep_ms;
}

/* Run the loop until cond or ms pass. */
#define LOOP_UNTIL(cond, ms) do {					\
	double until_ = now_ms() + (ms);				\
	while (!(cond) && now_ms() < until_)				\
		event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK),	\
		    usleep(1000);					\
} while (0)

int
main(void)
{
	struct job a, b, c, d, e, f;
	struct workq_stats st;
	struct workq *q;
	char err[256];
	double t;

	log_init("test_workq", 1, 0);
	base = event_base_new();
	t0 = 0;
	t0 = now_ms();
	q = workq_new(base, "test", 2, err, sizeof(err));
	CHECK(q != NULL, "a queue with its thread starts");

	job_init(&a, 50);
	CHECK(workq_submit(q, &a.w, 2000) == 0, "a job is taken");
	LOOP_UNTIL(a.released, 3000);
	CHECK(a.ran && a.done == 1 && a.late == 0 && a.released == 1,
	    "  it ran, and the loop heard: done, then released");
	CHECK(a.done_at >= 50 && a.done_at < 1000,
	    "  done after its 50 ms of work, not at the deadline");

	/* A job stuck past its deadline. */
	job_init(&b, 1200);
	t = now_ms();
	CHECK(workq_submit(q, &b.w, 200) == 0, "a slow job is taken");
	LOOP_UNTIL(b.late, 3000);
	CHECK(b.late == 1 && b.done == 0 && !b.ran,
	    "  late at its deadline while the thread is still in it");
	CHECK(b.late_at - t >= 190 && b.late_at - t < 600,
	    "  late 200 ms after it was taken (not when the work ended)");
	CHECK(b.released == 0, "  not released while the thread holds it");
	job_init(&c, 0);
	CHECK(workq_submit(q, &c.w, 1000) == -1,
	    "  new work is refused at once while the thread is stuck");
	LOOP_UNTIL(b.released, 3000);
	CHECK(b.released == 1 && b.done == 0 && b.ran,
	    "  released, never done, once the thread lets go");
	CHECK(workq_submit(q, &c.w, 1000) == 0, "then work is taken again");
	LOOP_UNTIL(c.released, 2000);
	CHECK(c.done == 1, "  and done");

	/* A full queue: one running, two waiting, the next refused. */
	job_init(&d, 300);
	job_init(&e, 0);
	job_init(&f, 0);
	workq_submit(q, &d.w, 2000);
	usleep(50 * 1000);		/* d is running */
	CHECK(workq_submit(q, &e.w, 2000) == 0 &&
	    workq_submit(q, &f.w, 2000) == 0, "two may wait behind one");
	job_init(&c, 0);
	CHECK(workq_submit(q, &c.w, 2000) == -1, "  a third is refused");
	LOOP_UNTIL(f.released, 3000);
	CHECK(d.done && e.done && f.done && e.done_at <= f.done_at,
	    "  all three done, in order");
	workq_stats(q, &st);
	CHECK(st.done == 5 && st.late == 1 && st.refused == 2 &&
	    st.queued == 0, "counted: 5 done, 1 late, 2 refused");

	/* A stop while the thread is stuck returns after its grace. */
	job_init(&d, 3000);
	job_init(&e, 0);
	workq_submit(q, &d.w, 10000);
	workq_submit(q, &e.w, 10000);
	usleep(50 * 1000);
	t = now_ms();
	workq_free(q, 300);
	t = now_ms() - t;
	CHECK(t >= 250 && t < 1500, "a stop with a stuck job waits its "
	    "grace (300 ms), not the job's 3 s");
	CHECK(e.late == 1 && e.released == 1 && e.done == 0,
	    "  the job never started is answered late and released");

	q = workq_new(base, "test2", 4, err, sizeof(err));
	job_init(&a, 100);
	workq_submit(q, &a.w, 5000);
	usleep(20 * 1000);
	workq_free(q, 2000);
	CHECK(a.done == 1 && a.released == 1,
	    "a stop lets the running job finish and answers it");
	event_base_free(base);
	return unit_done();
}
