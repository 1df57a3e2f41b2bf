/*
 * RRD storage: layouts read from the .layout files in rrd/, files created on the first
 * sample under a base directory with names no device string can escape,
 * updates queued by the event loop and written behind, a file's samples
 * together, by a writer thread (src/rrd/rrdstore_cache.c), directly or through
 * rrdcached.  A sample not newer than the
 * last one of its file is dropped and counted, not an error.
 */
#ifndef NOCWATCH_RRDSTORE_H
#define NOCWATCH_RRDSTORE_H

#include <stddef.h>
#include <time.h>

#define RRD_MAX_DS	16
#define RRD_MAX_RRA	16

struct rrd_layout {
	char		name[32];		/* file name without .layout */
	unsigned long	step;
	size_t		nds;
	char		ds[RRD_MAX_DS][128];	/* "DS:in:COUNTER:180:0:U" */
	char		ds_name[RRD_MAX_DS][20];
	size_t		nrra;
	char		rra[RRD_MAX_RRA][128];	/* "RRA:AVERAGE:0.5:1:2880" */
};

/* Parse one layout file; -1 with "file:line: why" in err. */
int	rrdstore_layout_load(const char *path, struct rrd_layout *, char *err,
	    size_t errlen);
/* Every *.layout in dir (sorted); -1 with err on the first bad one. */
int	rrdstore_layouts_load(const char *dir, struct rrd_layout **out, size_t *n,
	    char *err, size_t errlen);
const struct rrd_layout *rrdstore_layout_find(const struct rrd_layout *,
	    size_t n, const char *name);

/*
 * base/device/metric.rrd with every byte outside [A-Za-z0-9._-] turned to
 * '_' and no leading '.', so "..", "/" or a newline cannot escape base.
 */
int	rrdstore_path(const char *base, const char *device, const char *metric,
	    char *out, size_t len);

struct rrdstore;

/* The cache's default bound: pending sample text, not counting files. */
#define RRDSTORE_CACHE_MAX	(64UL * 1024 * 1024)

struct rrdstore_stats {
	unsigned long long	queued, written, dropped_old, errors, created;
	unsigned long long	values;		/* data-source values written */
	unsigned long long	updates;	/* rrd_update calls (files written) */
	size_t			backlog;	/* queued, not yet filed */
	size_t			pending;	/* bytes of samples held */
	size_t			cache_max;
	double			delay;		/* s a sample may wait */
	unsigned long		rrdcached_timeouts;
	int			rrdcached_down;	/* backing off after a failure */
	double			busy_s;		/* the writer's current pass */
};

/* How long the writer waits for one answer from rrdcached. */
#define RRDSTORE_RRDCACHED_TIMEOUT_MS	5000

/*
 * A writer thread with its cache; rrdcached: NULL, "unix:/path" or
 * "host:port".  Until rrdstore_set_cache, samples are written within a
 * second.
 */
struct rrdstore *rrdstore_new(const char *base, const char *rrdcached,
	    char *err, size_t errlen);
/*
 * Hold each file's samples up to delay seconds (plus up to half again of
 * jitter) and write them with one update; at most max_bytes held (0: the
 * default).  Through rrdcached the delay is rrdcached's own (-w).
 */
void	rrdstore_set_cache(struct rrdstore *, double delay, size_t max_bytes);
/*
 * Queue one sample (values in the layout's DS order; NAN is unknown).
 * Never blocks on disk and never wakes the writer; called from the loop.
 */
void	rrdstore_update(struct rrdstore *, const char *device,
	    const char *metric, const struct rrd_layout *, time_t t,
	    const double *values);
/*
 * Before reading a file (a graph, an export): write what is held for it
 * (and FLUSH it in rrdcached).  Waits at most timeout_ms; -1 if it took
 * longer (the read then shows what the file has).
 */
int	rrdstore_flush_file(struct rrdstore *, const char *device,
	    const char *metric, int timeout_ms);
/* Write everything queued and held so far, and wait for it. */
void	rrdstore_flush(struct rrdstore *);
/* The same without waiting (a reload). */
void	rrdstore_flush_async(struct rrdstore *);
void	rrdstore_stats(struct rrdstore *, struct rrdstore_stats *);
/*
 * Flush, stop the writer, free.  Waits at most grace_ms for the writer:
 * a writer stuck in a library call is left behind (logged), so a stop is
 * never held up by a disk or an rrdcached that does not answer.
 */
void	rrdstore_free(struct rrdstore *, int grace_ms);
/* The last error the writer saw, for logs ("" if none). */
void	rrdstore_last_error(struct rrdstore *, char *buf, size_t len);

#endif
