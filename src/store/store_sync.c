/*
 * Durability off the event loop.  The daemon's connection commits with
 * synchronous=NORMAL and no automatic checkpoint: in WAL mode a commit is
 * then a write into the WAL (the page cache), never an fsync, so a slow
 * or stuck disk cannot hold the loop.  This thread syncs the WAL file
 * after each commit — which is what synchronous=FULL would have done in
 * the loop — and, when the WAL has grown past 4 MB, checkpoints it into
 * the database and empties it with a connection of its own (SQLite syncs
 * both; the loop's next write then syncs the new WAL header once: the only
 * sync left on the loop, once per 4 MB of changes).  A process crash
 * (kill -9) loses nothing — the WAL is in the page cache — and a machine
 * crash at most the commits of the last few milliseconds; the notifier
 * sends only what is synced (store_durable), so the service desk never
 * hears of an incident a power cut could make the store forget.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "clock.h"
#include "log.h"
#include "probe.h"
#include "store.h"
#include "store_int.h"
#include "xmalloc.h"

#define WAL_CHECKPOINT_BYTES	(4L * 1024 * 1024)

struct store_syncer {
	pthread_t		 thread;
	char			 wal[1100];	/* the database's -wal file */
	int			 walfd;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	sqlite3			*db;
	unsigned long long	 want, done;	/* commit numbers */
	int			 stop, exited;
	double			 busy_since;	/* monotonic s; 0: idle */
	unsigned long long	 syncs, failures;
	char			 last_error[200];
};

/* Wait (mu held) for work, a second at most. */
static void
sync_wait(struct store_syncer *sy)
{
	struct timespec ts;

	if (sy->stop || sy->want != sy->done)
		return;
	deadline_in(CLOCK_MONOTONIC, 1000, &ts);
	pthread_cond_timedwait(&sy->cv, &sy->mu, &ts);
}

/* One round: the WAL synced; checkpointed and emptied when large.
 * 0, or -1 with why. */
static int
sync_round(struct store_syncer *sy, int stop, char *why, size_t len)
{
	struct stat sb;

	if (sy->walfd == -1 &&
	    (sy->walfd = open(sy->wal, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT)
			return 0;	/* nothing written yet */
		snprintf(why, len, "the WAL: %s", strerror(errno));
		return -1;
	}
	if (fdatasync(sy->walfd) == -1) {
		snprintf(why, len, "the WAL: fdatasync: %s",
		    strerror(errno));
		return -1;
	}
	if ((stop || (fstat(sy->walfd, &sb) == 0 &&
	    sb.st_size > WAL_CHECKPOINT_BYTES)) &&
	    sqlite3_wal_checkpoint_v2(sy->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK &&
	    sqlite3_errcode(sy->db) != SQLITE_BUSY) {
		snprintf(why, len, "checkpoint: %s", sqlite3_errmsg(sy->db));
		return -1;
	}
	return 0;
}

static void *
sync_main(void *arg)
{
	struct store_syncer *sy = arg;
	unsigned long long target;
	char why[200];
	int rc, stop;

	pthread_mutex_lock(&sy->mu);
	for (;;) {
		sync_wait(sy);
		target = sy->want;
		stop = sy->stop;
		sy->busy_since = mono_ms() / 1000;
		pthread_mutex_unlock(&sy->mu);

		rc = sync_round(sy, stop, why, sizeof(why));

		pthread_mutex_lock(&sy->mu);
		sy->busy_since = 0;
		if (rc == 0) {
			if (target != sy->done)
				sy->syncs++;
			sy->done = target;
		} else {
			sy->failures++;
			snprintf(sy->last_error, sizeof(sy->last_error), "%s",
			    why);
		}
		pthread_cond_broadcast(&sy->cv);
		if (stop)
			break;
	}
	sy->exited = 1;
	pthread_cond_broadcast(&sy->cv);
	pthread_mutex_unlock(&sy->mu);
	return NULL;
}

struct store_syncer *
store_syncer_start(const char *path, char *err, size_t errlen)
{
	struct store_syncer *sy = xcalloc(1, sizeof(*sy));
	pthread_condattr_t ca;

	sy->walfd = -1;
	snprintf(sy->wal, sizeof(sy->wal), "%s-wal", path);
	if (sqlite3_open_v2(path, &sy->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: the syncer: %s", path, sy->db ?
		    sqlite3_errmsg(sy->db) : "cannot open");
		sqlite3_close(sy->db);
		free(sy);
		return NULL;
	}
	/* It waits for the loop's writes, never the other way round. */
	sqlite3_busy_timeout(sy->db, 2000);
	sqlite3_exec(sy->db, "PRAGMA synchronous = FULL", NULL, NULL, NULL);
	pthread_mutex_init(&sy->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&sy->cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&sy->thread, NULL, sync_main, sy) != 0) {
		snprintf(err, errlen, "cannot start the store's syncer thread");
		sqlite3_close(sy->db);
		free(sy);
		return NULL;
	}
	return sy;
}

void
store_syncer_committed(struct store_syncer *sy, unsigned long long n)
{
	pthread_mutex_lock(&sy->mu);
	sy->want = n;
	pthread_cond_signal(&sy->cv);
	pthread_mutex_unlock(&sy->mu);
}

int
store_syncer_durable(struct store_syncer *sy)
{
	int r;

	pthread_mutex_lock(&sy->mu);
	r = sy->done == sy->want;
	pthread_mutex_unlock(&sy->mu);
	return r;
}

void
store_syncer_stats(struct store_syncer *sy, struct store_sync_stats *st)
{
	pthread_mutex_lock(&sy->mu);
	st->syncs = sy->syncs;
	st->failures = sy->failures;
	st->pending = sy->want - sy->done;
	st->busy_s = sy->busy_since > 0 ? mono_ms() / 1000 -
	    sy->busy_since : 0;
	snprintf(st->last_error, sizeof(st->last_error), "%s",
	    sy->last_error);
	pthread_mutex_unlock(&sy->mu);
}

/* A last checkpoint, then the thread stops; a stuck disk is left behind
 * after grace_ms (its commits are in the WAL: nothing is lost). */
void
store_syncer_stop(struct store_syncer *sy, int grace_ms)
{
	struct timespec ts;
	int exited;

	if (sy == NULL)
		return;
	deadline_in(CLOCK_MONOTONIC, grace_ms, &ts);
	pthread_mutex_lock(&sy->mu);
	sy->stop = 1;
	pthread_cond_signal(&sy->cv);
	while (!sy->exited &&
	    pthread_cond_timedwait(&sy->cv, &sy->mu, &ts) != ETIMEDOUT)
		;
	exited = sy->exited;
	pthread_mutex_unlock(&sy->mu);
	if (!exited) {
		log_warnx("store: the last checkpoint did not finish within "
		    "%d ms; stopping without it (the WAL keeps the changes)",
		    grace_ms);
		pthread_detach(sy->thread);
		return;
	}
	pthread_join(sy->thread, NULL);
	if (sy->walfd != -1)
		close(sy->walfd);
	sqlite3_close(sy->db);
	pthread_mutex_destroy(&sy->mu);
	pthread_cond_destroy(&sy->cv);
	free(sy);
}
