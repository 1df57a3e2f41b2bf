/*
 * The RRD writer: write-behind, one file at a time.
 *
 * The event loop appends formatted samples to a queue under a mutex and
 * never wakes the writer for them: the writer thread wakes once a second
 * (or at once for a flush), takes the whole queue, and files each sample
 * under its RRD file.  A file's samples are written together — one
 * rrd_update with every "t:v:v" — when the file's delay has passed
 * (write-delay with up to half again of jitter, so files do not all come
 * due together), when the cache holds more than its bound, when someone
 * is about to read that file (rrdstore_flush_file: a graph, an export),
 * and on rrdstore_flush/rrdstore_free.  So librrd opens and maps a file
 * once per delay, not once per sample (collectd's CacheTimeout, rrdcached's
 * -w).  A kill -9 loses at most the samples of the last delay and a half.
 *
 * Through rrdcached the writer sends each file's samples every tick (one
 * UPDATE with all of them) and leaves the delay to rrdcached; a read
 * asks it to FLUSH the file.
 *
 * The writer remembers each file's newest timestamp, so a sample not
 * newer than the last is dropped before librrd sees it.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>
#include "clock.h"
#include "log.h"
#include "rrdcc.h"
#include "rrdstore.h"
#include "xmalloc.h"

#define FILE_BUCKETS	8192
#define MAX_FILE_REQS	32

struct sample {
	struct sample		*next;
	const struct rrd_layout	*layout;
	time_t			 t;
	char			*values;	/* "t:v:v", in the same block */
	char			 path[];
};

/* One RRD file the writer knows; only the writer thread touches these. */
struct rrd_file {
	struct rrd_file		*next;
	char			*path;
	time_t			 last;		/* newest sample accepted */
	size_t			 nds;
	char			*buf;		/* pending "t:v:v\0t:v:v\0..." */
	size_t			 len, cap, npending;
	double			 due;		/* monotonic s: write by then */
	int			 dirty;		/* rrdcached: not FLUSHed yet */
};

struct rrdstore {
	char			 base[256];
	char			*daemon;
	struct rrdcc		*cc;		/* the writer's, through rrdcached */
	double			 delay;		/* s; 0: every tick */
	size_t			 cache_max;	/* bytes of pending samples */
	pthread_t		 thread;
	pthread_mutex_t		 mu;
	pthread_cond_t		 work, idle;
	struct sample		*head, *tail;
	int			 stop, exited;
	unsigned		 flush_req, flush_done;	/* everything */
	unsigned		 file_req, file_done;	/* some files */
	char			*want[MAX_FILE_REQS];
	size_t			 nwant;
	unsigned long long	 seq_queued, seq_done;
	double			 pass_started;	/* monotonic s; 0: asleep */
	struct rrdstore_stats	 st;
	char			 last_error[1024];
	/* the writer's own */
	struct rrd_file		*files[FILE_BUCKETS];
	size_t			 pending_bytes;
	unsigned		 rnd;
	unsigned		 cache_gen, writer_gen;	/* set_cache calls */
	double			 wdelay;	/* the writer's copies */
	size_t			 wmax;
	double			 logged_at;	/* the last error logged */
	unsigned long		 unlogged;
};

static unsigned
path_hash(const char *p)
{
	unsigned h = 2166136261u;

	while (*p)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h % FILE_BUCKETS;
}

/* In the writer: counted, kept for status, logged at most once a minute. */
static void
store_error(struct rrdstore *s, const char *path, const char *why)
{
	double now = mono_s();

	pthread_mutex_lock(&s->mu);
	s->st.errors++;
	snprintf(s->last_error, sizeof(s->last_error), "%.500s: %.400s", path,
	    why ? why : "");
	pthread_mutex_unlock(&s->mu);
	s->unlogged++;
	if (s->logged_at > 0 && now - s->logged_at < 60)
		return;
	if (s->unlogged > 1)
		log_warnx("rrd: %lu write errors in the last minute; the last: "
		    "%.300s: %.400s", s->unlogged, path, why ? why : "");
	else
		log_warnx("rrd: %.300s: %.400s", path, why ? why : "");
	s->logged_at = now;
	s->unlogged = 0;
}

/* The device directory must be a real directory, never a symlink. */
static int
ensure_dir(const char *path)
{
	char dir[512], *slash;
	struct stat st;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL)
		return -1;
	*slash = '\0';
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		return -1;
	if (lstat(dir, &st) == -1 || !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		return -1;
	}
	return 0;
}

static int
file_create(struct rrdstore *s, const struct sample *x)
{
	const char *argv[RRD_MAX_DS + RRD_MAX_RRA];
	const struct rrd_layout *l = x->layout;
	char err[512];
	size_t i, n = 0;
	int rc;

	for (i = 0; i < l->nds; i++)
		argv[n++] = l->ds[i];
	for (i = 0; i < l->nrra; i++)
		argv[n++] = l->rra[i];
	rrd_clear_error();
	if (s->cc != NULL)
		rc = rrdcc_create(s->cc, x->path, l->step, x->t - 1, n, argv,
		    err, sizeof(err));
	else if ((rc = rrd_create_r2(x->path, l->step, x->t - 1, 1, NULL,
	    NULL, (int)n, argv)) != 0)
		snprintf(err, sizeof(err), "%s", rrd_get_error());
	if (rc != 0) {
		store_error(s, x->path, err);
		return -1;
	}
	pthread_mutex_lock(&s->mu);
	s->st.created++;
	pthread_mutex_unlock(&s->mu);
	return 0;
}

static struct rrd_file *
file_find(struct rrdstore *s, const char *path)
{
	struct rrd_file *f;

	for (f = s->files[path_hash(path)]; f != NULL; f = f->next)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}

/* First sight of a file: make it if missing, learn its last update. */
static struct rrd_file *
file_open(struct rrdstore *s, const struct sample *x)
{
	struct rrd_file *f = file_find(s, x->path);
	char err[512];
	time_t last;
	unsigned h;
	int fd;

	if (f != NULL)
		return f;
	if (ensure_dir(x->path) == -1) {
		store_error(s, x->path, strerror(errno));
		return NULL;
	}
	fd = open(x->path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd == -1 && errno != ENOENT) {
		store_error(s, x->path, strerror(errno));	/* ELOOP: a symlink */
		return NULL;
	}
	if (fd != -1)
		close(fd);
	if (fd == -1 && file_create(s, x) == -1)
		return NULL;
	if (s->cc == NULL)
		last = rrd_last_r(x->path);
	else if ((last = rrdcc_last(s->cc, x->path, err, sizeof(err))) ==
	    -1) {
		/* Not known yet (rrdcached down): dropped, asked again. */
		store_error(s, x->path, err);
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->path = xstrdup(x->path);
	f->nds = x->layout->nds;
	f->last = last;
	h = path_hash(x->path);
	f->next = s->files[h];
	s->files[h] = f;
	return f;
}

/* File one queued sample under its RRD file (or drop it, counted). */
static void
file_add(struct rrdstore *s, struct sample *x, double now)
{
	struct rrd_file *f = file_open(s, x);
	size_t n;

	if (f == NULL)
		return;
	if (x->t <= f->last) {
		pthread_mutex_lock(&s->mu);
		s->st.dropped_old++;
		pthread_mutex_unlock(&s->mu);
		return;
	}
	n = strlen(x->values) + 1;
	if (f->len + n > f->cap) {
		f->cap = f->cap ? f->cap * 2 : 256;
		while (f->cap < f->len + n)
			f->cap *= 2;
		f->buf = xreallocarray(f->buf, f->cap, 1);
	}
	memcpy(f->buf + f->len, x->values, n);
	f->len += n;
	s->pending_bytes += n;
	if (f->npending++ == 0) {
		s->rnd = s->rnd * 1103515245u + 12345u;
		f->due = now + s->wdelay * (1.0 + (s->rnd >> 16) % 1000 / 2000.0);
	}
	f->last = x->t;
}

/* Write a file's pending samples with one update, oldest first. */
static void
file_write(struct rrdstore *s, struct rrd_file *f)
{
	const char **argv;
	char err[512];
	size_t i, off;
	int rc;

	if (f->npending == 0)
		return;
	argv = xreallocarray(NULL, f->npending, sizeof(*argv));
	for (i = 0, off = 0; i < f->npending; i++) {
		argv[i] = f->buf + off;
		off += strlen(f->buf + off) + 1;
	}
	rrd_clear_error();
	if (s->cc != NULL)
		rc = rrdcc_update(s->cc, f->path, f->npending, argv, err,
		    sizeof(err));
	else if ((rc = rrd_update_r(f->path, NULL, (int)f->npending,
	    argv)) != 0)
		snprintf(err, sizeof(err), "%s", rrd_get_error());
	free(argv);
	if (rc != 0)
		store_error(s, f->path, err);
	pthread_mutex_lock(&s->mu);
	s->st.updates++;
	if (rc == 0) {
		s->st.written += f->npending;
		s->st.values += f->npending * f->nds;
	}
	pthread_mutex_unlock(&s->mu);
	s->pending_bytes -= f->len;
	f->len = 0;
	f->npending = 0;
	f->dirty = 1;
	if (f->cap > 4096) {	/* a burst's buffer is not kept */
		free(f->buf);
		f->buf = NULL;
		f->cap = 0;
	}
}

/*
 * Write what is due: every file with samples when all is set; otherwise
 * those whose time has come, and all of them while the cache is over
 * its bound.
 */
static void
files_write_due(struct rrdstore *s, double now, int all)
{
	struct rrd_file *f;
	size_t i;

	if (s->pending_bytes > s->wmax)
		all = 1;
	for (i = 0; i < FILE_BUCKETS; i++)
		for (f = s->files[i]; f != NULL; f = f->next)
			if (f->npending > 0 && (all || f->due <= now))
				file_write(s, f);
}

/* A reader's files: written now, and through rrdcached FLUSHed. */
static void
files_write_wanted(struct rrdstore *s, char **want, size_t n)
{
	struct rrd_file *f;
	char err[512];
	size_t i;

	for (i = 0; i < n; i++) {
		if ((f = file_find(s, want[i])) != NULL) {
			file_write(s, f);
			if (s->cc != NULL && rrdcc_flush(s->cc, f->path, err,
			    sizeof(err)) != 0)
				store_error(s, f->path, err);
			f->dirty = 0;
		}
		free(want[i]);
	}
}

/* Ask rrdcached to write out every file updated since the last flush. */
static void
files_flush_daemon(struct rrdstore *s)
{
	struct rrd_file *f;
	char err[512];
	size_t i;

	for (i = 0; i < FILE_BUCKETS; i++)
		for (f = s->files[i]; f != NULL; f = f->next)
			if (f->dirty) {
				if (rrdcc_flush(s->cc, f->path, err,
				    sizeof(err)) != 0)
					store_error(s, f->path, err);
				f->dirty = 0;
			}
}

static void
files_free(struct rrdstore *s)
{
	struct rrd_file *f;
	size_t i;

	for (i = 0; i < FILE_BUCKETS; i++)
		while ((f = s->files[i]) != NULL) {
			s->files[i] = f->next;
			free(f->path);
			free(f->buf);
			free(f);
		}
}

/* A shorter delay applies to what is already held too. */
static void
files_clamp_due(struct rrdstore *s, double now)
{
	struct rrd_file *f;
	size_t i;

	for (i = 0; i < FILE_BUCKETS; i++)
		for (f = s->files[i]; f != NULL; f = f->next)
			if (f->npending > 0 && f->due > now + s->wdelay * 1.5)
				f->due = now + s->wdelay;
}

/* Sleep until the next tick, a flush request or the stop (mu held). */
static void
writer_wait(struct rrdstore *s)
{
	struct timespec ts;

	if (s->stop || s->flush_req != s->flush_done ||
	    s->file_req != s->file_done)
		return;
	deadline_in(CLOCK_MONOTONIC, 1000, &ts);
	pthread_cond_timedwait(&s->work, &s->mu, &ts);
}

static void *
writer_main(void *arg)
{
	struct rrdstore *s = arg;
	struct sample *batch, *x, *next;
	char *want[MAX_FILE_REQS];
	unsigned flushes, files;
	unsigned long long n;
	size_t nwant;
	double now;
	unsigned gen;
	int stop;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		writer_wait(s);
		batch = s->head;
		s->head = s->tail = NULL;
		flushes = s->flush_req;
		files = s->file_req;
		nwant = s->nwant;
		memcpy(want, s->want, nwant * sizeof(*want));
		s->nwant = 0;
		stop = s->stop;
		gen = s->cache_gen;
		s->wdelay = s->delay;
		s->wmax = s->cache_max;
		now = mono_s();
		s->pass_started = now;
		pthread_mutex_unlock(&s->mu);

		if (gen != s->writer_gen) {
			s->writer_gen = gen;
			files_clamp_due(s, now);
		}
		for (n = 0, x = batch; x != NULL; x = next, n++) {
			next = x->next;
			file_add(s, x, now);
			free(x);
		}
		files_write_wanted(s, want, nwant);
		files_write_due(s, now, stop || s->wdelay <= 0 ||
		    flushes != s->flush_done);
		if (s->daemon != NULL && flushes != s->flush_done)
			files_flush_daemon(s);

		pthread_mutex_lock(&s->mu);
		s->pass_started = 0;
		if (s->cc != NULL) {
			s->st.rrdcached_timeouts = rrdcc_timeouts(s->cc);
			s->st.rrdcached_down = rrdcc_down(s->cc);
		}
		s->seq_done += n;
		s->st.pending = s->pending_bytes;
		s->flush_done = flushes;
		s->file_done = files;
		pthread_cond_broadcast(&s->idle);
		if (stop && s->head == NULL && s->nwant == 0)
			break;
	}
	s->exited = 1;
	pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->mu);
	files_free(s);
	return NULL;
}

struct rrdstore *
rrdstore_new(const char *base, const char *rrdcached, char *err, size_t errlen)
{
	struct rrdstore *s;
	pthread_condattr_t ca;

	if (mkdir(base, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", base, strerror(errno));
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	snprintf(s->base, sizeof(s->base), "%s", base);
	s->cache_max = RRDSTORE_CACHE_MAX;
	s->rnd = (unsigned)getpid() ^ (unsigned)time(NULL);
	if (rrdcached != NULL) {
		s->daemon = xstrdup(rrdcached);
		s->cc = rrdcc_new(rrdcached, RRDSTORE_RRDCACHED_TIMEOUT_MS);
		if (rrdcc_connect(s->cc, err, errlen) != 0) {
			rrdcc_free(s->cc);
			free(s->daemon);
			free(s);
			return NULL;
		}
	}
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->work, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&s->idle, NULL);
	if (pthread_create(&s->thread, NULL, writer_main, s) != 0) {
		snprintf(err, errlen, "cannot start the RRD writer thread");
		rrdcc_free(s->cc);
		free(s->daemon);
		free(s);
		return NULL;
	}
	return s;
}

void
rrdstore_set_cache(struct rrdstore *s, double delay, size_t max_bytes)
{
	pthread_mutex_lock(&s->mu);
	s->delay = s->daemon != NULL || delay < 0 ? 0 : delay;
	s->cache_max = max_bytes > 0 ? max_bytes : RRDSTORE_CACHE_MAX;
	s->cache_gen++;
	pthread_mutex_unlock(&s->mu);
}

static void
format_values(char *buf, size_t len, time_t t, const double *v, size_t n)
{
	size_t i, off;

	off = (size_t)snprintf(buf, len, "%lld", (long long)t);
	for (i = 0; i < n && off < len; i++)
		off += (size_t)(isnan(v[i]) ? snprintf(buf + off, len - off,
		    ":U") : snprintf(buf + off, len - off, ":%.10g", v[i]));
}

void
rrdstore_update(struct rrdstore *s, const char *device, const char *metric,
    const struct rrd_layout *l, time_t t, const double *values)
{
	char path[512], vals[RRD_MAX_DS * 24 + 32];
	size_t plen, vlen;
	struct sample *x;

	if (rrdstore_path(s->base, device, metric, path, sizeof(path)) == -1)
		return;
	format_values(vals, sizeof(vals), t, values, l->nds);
	plen = strlen(path) + 1;
	vlen = strlen(vals) + 1;
	x = xmalloc(sizeof(*x) + plen + vlen);
	x->next = NULL;
	x->layout = l;
	x->t = t;
	memcpy(x->path, path, plen);
	x->values = x->path + plen;
	memcpy(x->values, vals, vlen);
	/* No wake-up: the writer takes the queue on its next tick. */
	pthread_mutex_lock(&s->mu);
	if (s->tail != NULL)
		s->tail->next = x;
	else
		s->head = x;
	s->tail = x;
	s->seq_queued++;
	s->st.queued++;
	pthread_mutex_unlock(&s->mu);
}

/* Wait (mu held) until the writer has done request want of *done, or
 * until the deadline (monotonic; 0: none).  0 when done, -1 on time-out. */
static int
wait_done(struct rrdstore *s, const unsigned *done, unsigned want,
    unsigned long long target, double deadline)
{
	struct timespec ts;
	int late = 0;

	while ((s->seq_done < target || (int)(*done - want) < 0) && !late) {
		if (deadline <= 0) {
			pthread_cond_wait(&s->idle, &s->mu);
			continue;
		}
		/* idle uses the realtime clock: bounded waits, re-checked. */
		deadline_in(CLOCK_REALTIME, 100, &ts);
		pthread_cond_timedwait(&s->idle, &s->mu, &ts);
		late = mono_s() >= deadline;
	}
	return s->seq_done >= target && (int)(*done - want) >= 0 ? 0 : -1;
}

void
rrdstore_flush(struct rrdstore *s)
{
	unsigned want;

	pthread_mutex_lock(&s->mu);
	want = ++s->flush_req;
	pthread_cond_signal(&s->work);
	wait_done(s, &s->flush_done, want, s->seq_queued, 0);
	pthread_mutex_unlock(&s->mu);
}

void
rrdstore_flush_async(struct rrdstore *s)
{
	pthread_mutex_lock(&s->mu);
	s->flush_req++;
	pthread_cond_signal(&s->work);
	pthread_mutex_unlock(&s->mu);
}

int
rrdstore_flush_file(struct rrdstore *s, const char *device,
    const char *metric, int timeout_ms)
{
	char path[512];
	unsigned want;
	int rc;

	if (rrdstore_path(s->base, device, metric, path, sizeof(path)) == -1)
		return -1;
	pthread_mutex_lock(&s->mu);
	if (s->nwant < MAX_FILE_REQS)
		s->want[s->nwant++] = xstrdup(path);
	else
		s->flush_req++;		/* many readers at once: all of it */
	want = ++s->file_req;
	pthread_cond_signal(&s->work);
	rc = wait_done(s, &s->file_done, want, s->seq_queued,
	    mono_s() + timeout_ms / 1000.0);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

void
rrdstore_stats(struct rrdstore *s, struct rrdstore_stats *st)
{
	pthread_mutex_lock(&s->mu);
	*st = s->st;
	st->backlog = (size_t)(s->seq_queued - s->seq_done);
	st->delay = s->delay;
	st->cache_max = s->cache_max;
	st->busy_s = s->pass_started > 0 ? mono_s() - s->pass_started : 0;
	pthread_mutex_unlock(&s->mu);
}

void
rrdstore_last_error(struct rrdstore *s, char *buf, size_t len)
{
	pthread_mutex_lock(&s->mu);
	snprintf(buf, len, "%s", s->last_error);
	pthread_mutex_unlock(&s->mu);
}

/* Wait (mu held) until the writer has exited, or the deadline. */
static int
wait_exit(struct rrdstore *s, double deadline)
{
	struct timespec ts;

	while (!s->exited && mono_s() < deadline) {
		deadline_in(CLOCK_REALTIME, 100, &ts);
		pthread_cond_timedwait(&s->idle, &s->mu, &ts);
	}
	return s->exited;
}

void
rrdstore_free(struct rrdstore *s, int grace_ms)
{
	double deadline = mono_s() + grace_ms / 1000.0;
	unsigned want;
	size_t i;

	if (s == NULL)
		return;
	/* Everything, through rrdcached too; then stop. */
	pthread_mutex_lock(&s->mu);
	want = ++s->flush_req;
	pthread_cond_signal(&s->work);
	wait_done(s, &s->flush_done, want, s->seq_queued, deadline);
	s->stop = 1;
	pthread_cond_signal(&s->work);
	if (!wait_exit(s, deadline)) {
		pthread_mutex_unlock(&s->mu);
		/* Stuck in librrd or on the disk: left behind, with s. */
		log_warnx("the RRD writer did not finish within %d ms; "
		    "stopping without it (samples it held are lost)",
		    grace_ms);
		pthread_detach(s->thread);
		return;
	}
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	for (i = 0; i < s->nwant; i++)
		free(s->want[i]);
	rrdcc_free(s->cc);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->work);
	pthread_cond_destroy(&s->idle);
	free(s->daemon);
	free(s);
}
