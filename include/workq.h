/*
 * Work the event loop must not wait for (a graph, an export: librrd
 * reading files, rrdcached answering) done by one worker thread, with a
 * deadline kept on the loop.
 *
 * The loop submits a job; the thread runs it and the loop hears of it
 * (done) on its next turn.  When the deadline passes first the loop is
 * told at once (late) and gets on with its work; whenever the thread
 * finishes that job after all, it is only freed.  The queue is bounded:
 * a full queue, or a thread stuck on one job past its deadline, refuses
 * new work at once instead of piling it up.
 */
#ifndef NOCWATCH_WORKQ_H
#define NOCWATCH_WORKQ_H

#include <stddef.h>

struct event_base;
struct event;

struct work;

/* What a kind of job does: one static const table per kind. */
struct work_ops {
	void		(*run)(struct work *);	/* in the worker thread */
	void		(*done)(struct work *);	/* on the loop, in time */
	void		(*late)(struct work *);	/* on the loop, deadline passed */
	void		(*release)(struct work *);	/* on the loop, last */
};

struct work {
	const struct work_ops	*ops;		/* set by the submitter */
	/* the queue's own */
	struct work	 *next;
	struct workq	 *q;
	struct event	 *deadline;
	int		  is_late;
};

struct workq_stats {
	unsigned long long	 done, late, refused;
	size_t			 queued;
	double			 busy_s;	/* the current job's age, 0: idle */
};

struct workq	*workq_new(struct event_base *, const char *name,
		    size_t max_queued, char *err, size_t errlen);
/* 0: queued (done or late then release will be called); -1: refused,
 * nothing will be called. */
int		 workq_submit(struct workq *, struct work *, int timeout_ms);
void		 workq_stats(struct workq *, struct workq_stats *);
/* Wait up to grace_ms for the queue to empty and the thread to idle
 * (0), or not (-1); what finished is handed back at the loop's next
 * turn, or by workq_free. */
int		 workq_drain(struct workq *, int grace_ms);
/* Stop: queued jobs are dropped (late, release); waits grace_ms for the
 * job running, and leaves a thread stuck past it behind: -1 then (what
 * that job uses must be left too), else 0. */
int		 workq_free(struct workq *, int grace_ms);

#endif
