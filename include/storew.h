/*
 * The incident store's writer thread (storew.c): the engine's changes of
 * one turn of the loop committed in one transaction off the loop.
 */
#ifndef NOCWATCH_STOREW_H
#define NOCWATCH_STOREW_H

#include <stddef.h>

struct daemon;
struct event_base;
struct inc_record;
struct inc_evid;
struct store_ap;
struct storew;
struct store;

struct storew_stats {
	unsigned long long	 commits, failures, records;
	size_t			 queued;	/* transactions waiting */
	double			 busy_s;	/* the one running, 0: idle */
};

struct storew	*storew_new(struct daemon *, struct event_base *,
		    const char *path, char *err, size_t errlen);
void		 storew_free(struct storew *, int grace_ms);
/* Queued for this turn's transaction: INC_RECORD_QUEUED. */
int		 storew_record(struct storew *, const struct inc_record *);
void		 storew_evidence(struct storew *, long long incident,
		    const struct inc_evid *);
void		 storew_suppressed(struct storew *, long long maint,
		    const char *key, const char *cause, const char *detail,
		    long long at);
void		 storew_aps(struct storew *, const char *controller,
		    const struct store_ap *, size_t n);
/*
 * run(st, arg) in the thread, after this turn's transaction (it sees what
 * that committed; st is the thread's connection), then done(arg, ok) on
 * the loop after the engine heard how the transaction went (ok 0: it
 * failed, or the store could not be opened: run may not have run; at a
 * stop, done may be called without run).
 */
void		 storew_call(struct storew *, void (*run)(struct store *,
		    void *), void (*done)(void *, int), void *arg);
void		 storew_stats(struct storew *, struct storew_stats *);
/* Something queued, or not yet done (on the loop's next turns). */
int		 storew_busy(const struct storew *);
/* How long a transaction waits for another's lock, how many times, and
 * the pause between (1000 ms, 10, 200 ms; a replay's are shorter). */
void		 storew_patience(struct storew *, int busy_ms, int tries,
		    int pause_ms);

#endif
