/*
 * One worker thread per queue, a pipe to wake the loop when a job is
 * finished, a libevent timer per job for its deadline.  Only the loop
 * calls done, late and release; only the thread calls run.  A job that
 * went late is never touched by the loop again until the thread hands it
 * back (then it is only released), so a thread stuck in a library call
 * costs its one job and nothing else.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "log.h"
#include "probe.h"
#include "loopwatch.h"
#include "workq.h"
#include "xmalloc.h"

struct workq {
	struct event_base	*base;
	char			 name[32];
	size_t			 max;
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 work, exited_cv;
	struct work		*head, *tail;	/* waiting */
	size_t			 nqueued;
	struct work		*running;
	double			 started;	/* monotonic s */
	int			 running_late;
	struct work		*finished;	/* handed back, newest first */
	int			 stop, exited;
	int			 pipefd[2];
	struct event		*wake;
	struct workq_stats	 st;
};

static void *
worker_main(void *arg)
{
	struct workq *q = arg;
	struct work *w;
	char c = 1;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (!q->stop && q->head == NULL)
			pthread_cond_wait(&q->work, &q->mu);
		if (q->stop)
			break;
		w = q->head;
		if ((q->head = w->next) == NULL)
			q->tail = NULL;
		q->nqueued--;
		q->running = w;
		q->running_late = 0;
		q->started = mono_ms() / 1000;
		pthread_mutex_unlock(&q->mu);

		w->ops->run(w);

		pthread_mutex_lock(&q->mu);
		q->running = NULL;
		q->running_late = 0;
		w->next = q->finished;
		q->finished = w;
		pthread_cond_broadcast(&q->exited_cv);	/* workq_drain */
		/* A full pipe already holds a wake-up. */
		(void)!write(q->pipefd[1], &c, 1);
	}
	q->exited = 1;
	pthread_cond_broadcast(&q->exited_cv);
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

/* On the loop: the jobs the thread has handed back. */
static void
wake_run(struct workq *q)
{
	struct work *list, *w, *next, *rev = NULL;
	char buf[64];

	while (read(q->pipefd[0], buf, sizeof(buf)) > 0)
		;
	pthread_mutex_lock(&q->mu);
	list = q->finished;
	q->finished = NULL;
	pthread_mutex_unlock(&q->mu);
	for (w = list; w != NULL; w = next) {	/* oldest first */
		next = w->next;
		w->next = rev;
		rev = w;
	}
	for (w = rev; w != NULL; w = next) {
		next = w->next;
		if (w->deadline != NULL) {
			event_free(w->deadline);
			w->deadline = NULL;
		}
		if (!w->is_late) {
			q->st.done++;
			w->ops->done(w);
		}
		w->ops->release(w);
	}
}

static void
wake_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	lw_enter("workq_done");
	wake_run(arg);
	lw_leave();
}

/* On the loop: a job's deadline passed, queued or running. */
static void
deadline_run(struct work *w)
{
	struct workq *q = w->q;
	struct work **pp;
	int queued = 0;

	pthread_mutex_lock(&q->mu);
	for (pp = &q->head; *pp != NULL; pp = &(*pp)->next)
		if (*pp == w) {
			*pp = w->next;
			q->nqueued--;
			queued = 1;
			break;
		}
	if (queued) {
		q->tail = NULL;
		for (pp = &q->head; *pp != NULL; pp = &(*pp)->next)
			q->tail = *pp;
	} else if (q->running == w)
		q->running_late = 1;
	pthread_mutex_unlock(&q->mu);

	q->st.late++;
	w->is_late = 1;
	event_free(w->deadline);
	w->deadline = NULL;
	w->ops->late(w);
	if (queued)
		w->ops->release(w);
	/* else the thread hands it back in its time: released then. */
}

static void
deadline_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	lw_enter("workq_deadline");
	deadline_run(arg);
	lw_leave();
}

struct workq *
workq_new(struct event_base *base, const char *name, size_t max_queued,
    char *err, size_t errlen)
{
	struct workq *q = xcalloc(1, sizeof(*q));

	q->base = base;
	snprintf(q->name, sizeof(q->name), "%s", name);
	q->max = max_queued > 0 ? max_queued : 1;
	if (pipe2(q->pipefd, O_NONBLOCK | O_CLOEXEC) == -1) {
		snprintf(err, errlen, "%s worker: pipe: %s", name,
		    strerror(errno));
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->exited_cv, NULL);
	q->wake = event_new(base, q->pipefd[0], EV_READ | EV_PERSIST,
	    wake_cb, q);
	event_add(q->wake, NULL);
	if (pthread_create(&q->thread, NULL, worker_main, q) != 0) {
		snprintf(err, errlen, "%s worker: cannot start its thread",
		    name);
		event_free(q->wake);
		close(q->pipefd[0]);
		close(q->pipefd[1]);
		free(q);
		return NULL;
	}
	return q;
}

int
workq_submit(struct workq *q, struct work *w, int timeout_ms)
{
	struct timeval tv;
	int ok;

	pthread_mutex_lock(&q->mu);
	ok = !q->stop && q->nqueued < q->max && !q->running_late;
	if (ok) {
		w->q = q;
		w->next = NULL;
		w->is_late = 0;
		w->deadline = evtimer_new(q->base, deadline_cb, w);
		tv.tv_sec = timeout_ms / 1000;
		tv.tv_usec = (timeout_ms % 1000) * 1000;
		evtimer_add(w->deadline, &tv);
		if (q->tail != NULL)
			q->tail->next = w;
		else
			q->head = w;
		q->tail = w;
		q->nqueued++;
		pthread_cond_signal(&q->work);
	}
	pthread_mutex_unlock(&q->mu);
	if (!ok)
		q->st.refused++;
	return ok ? 0 : -1;
}

void
workq_stats(struct workq *q, struct workq_stats *st)
{
	pthread_mutex_lock(&q->mu);
	*st = q->st;
	st->queued = q->nqueued;
	st->busy_s = q->running != NULL ? mono_ms() / 1000 - q->started :
	    0;
	pthread_mutex_unlock(&q->mu);
}

int
workq_drain(struct workq *q, int grace_ms)
{
	struct timespec ts;
	int idle;

	deadline_in(CLOCK_REALTIME, grace_ms, &ts);
	pthread_mutex_lock(&q->mu);
	while ((q->head != NULL || q->running != NULL) && !q->exited &&
	    pthread_cond_timedwait(&q->exited_cv, &q->mu, &ts) != ETIMEDOUT)
		;
	idle = q->head == NULL && q->running == NULL;
	pthread_mutex_unlock(&q->mu);
	return idle ? 0 : -1;
}

int
workq_free(struct workq *q, int grace_ms)
{
	struct work *w, *next;
	struct timespec ts;
	int exited;

	if (q == NULL)
		return 0;
	pthread_mutex_lock(&q->mu);
	q->stop = 1;
	w = q->head;
	q->head = q->tail = NULL;
	q->nqueued = 0;
	pthread_cond_signal(&q->work);
	pthread_mutex_unlock(&q->mu);
	for (; w != NULL; w = next) {	/* never started: late, released */
		next = w->next;
		event_free(w->deadline);
		w->deadline = NULL;
		w->is_late = 1;
		w->ops->late(w);
		w->ops->release(w);
	}

	deadline_in(CLOCK_REALTIME, grace_ms, &ts);
	pthread_mutex_lock(&q->mu);
	while (!q->exited &&
	    pthread_cond_timedwait(&q->exited_cv, &q->mu, &ts) != ETIMEDOUT)
		;
	exited = q->exited;
	w = q->running;
	pthread_mutex_unlock(&q->mu);
	if (!exited) {
		/* Stuck in a library call: leave it, and what it uses; its
		 * job's deadline is the loop's, and goes. */
		log_warnx("%s worker still busy after %d ms; not waited for",
		    q->name, grace_ms);
		if (w != NULL && w->deadline != NULL) {
			event_free(w->deadline);
			w->deadline = NULL;
		}
		pthread_detach(q->thread);
		event_free(q->wake);
		return -1;
	}
	pthread_join(q->thread, NULL);
	wake_run(q);		/* what it finished meanwhile */
	event_free(q->wake);
	close(q->pipefd[0]);
	close(q->pipefd[1]);
	pthread_mutex_destroy(&q->mu);
	pthread_cond_destroy(&q->work);
	pthread_cond_destroy(&q->exited_cv);
	free(q);
	return 0;
}
