/*
 * Inside the incident store: its syncer thread (src/store/store_sync.c), which
 * makes the daemon's commits durable off the event loop.
 */
#ifndef NOCWATCH_STORE_INT_H
#define NOCWATCH_STORE_INT_H

#include <stddef.h>

struct store_syncer;
struct store_sync_stats;

struct store_syncer *store_syncer_start(const char *path, char *err,
	    size_t errlen);
/* The loop committed its n-th transaction. */
void	store_syncer_committed(struct store_syncer *, unsigned long long n);
/* Every commit so far is checkpointed (synced). */
int	store_syncer_durable(struct store_syncer *);
void	store_syncer_stats(struct store_syncer *, struct store_sync_stats *);
void	store_syncer_stop(struct store_syncer *, int grace_ms);

#endif
