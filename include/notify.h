/*
 * The outbox deliverer: rows committed to the store's outbox go out on
 * their channel (webhook, exec handler, syslog) in order per incident,
 * retried with capped, jittered backoff; a row is marked sent only after
 * the receiver took it, so a crash re-sends with the same idempotency key.
 */
#ifndef NOCWATCH_NOTIFY_H
#define NOCWATCH_NOTIFY_H

#include <stddef.h>

#include "config.h"

struct event_base;
struct http_engine;
struct store;
struct notifier;

/*
 * How the notifier reaches the store: call run(st, arg) on the store's
 * thread and then done(arg, ok) on the loop (the daemon's storew_call;
 * ok 0: run may not have run).  The loop never waits for the store.
 */
struct notify_store {
	void	(*call)(void *ctx, void (*run)(struct store *, void *),
		    void (*done)(void *, int), void *arg);
	void	*ctx;
};

struct notifier	*notifier_new(struct event_base *, struct http_engine *,
		    const struct notify_store *);
/* The channels of conf (kept by the caller until the next call). */
void		 notifier_configure(struct notifier *, const struct config *);
/* Rows were added: look at once. */
void		 notifier_kick(struct notifier *);
/* Deliveries under way end (to be tried again after a start); nothing
 * new starts.  Then the store's thread is stopped, then the notifier
 * freed. */
void		 notifier_stop(struct notifier *);
void		 notifier_free(struct notifier *);
/* The outbox's rows waiting, and its dead letters, as last looked at. */
void		 notifier_counts(const struct notifier *, size_t *backlog,
		    size_t *dead);
/* "webhook:URL", "exec:PATH" or "syslog". */
void		 notify_channel_id(const struct notify_conf *, char *buf,
		    size_t len);
/* Backoff before attempt n+1 (n >= 1), capped, with jitter. */
double		 notify_backoff_ms(int attempts, double cap_ms, double r01);

#endif
