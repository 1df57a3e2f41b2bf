/*
 * RRD storage: layouts read from the .layout files in rrd/, files created on the first
 * sample under a base directory with names no device string can escape,
 * updates queued by the event loop and written in batches by a worker
 * thread, directly or through rrdcached.  A sample not newer than the
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
int	rrd_layout_load(const char *path, struct rrd_layout *, char *err,
	    size_t errlen);
/* Every *.layout in dir (sorted); -1 with err on the first bad one. */
int	rrd_layouts_load(const char *dir, struct rrd_layout **out, size_t *n,
	    char *err, size_t errlen);
const struct rrd_layout *rrd_layout_find(const struct rrd_layout *,
	    size_t n, const char *name);

/*
 * base/device/metric.rrd with every byte outside [A-Za-z0-9._-] turned to
 * '_' and no leading '.', so "..", "/" or a newline cannot escape base.
 */
int	rrd_path(const char *base, const char *device, const char *metric,
	    char *out, size_t len);

struct rrdstore;

struct rrdstore_stats {
	unsigned long long	queued, written, dropped_old, errors, created;
	unsigned long long	values;		/* data-source values written */
	size_t			backlog;
};

/* rrdcached: NULL, "unix:/path" or "host:port". */
struct rrdstore *rrdstore_new(const char *base, const char *rrdcached,
	    char *err, size_t errlen);
/*
 * Queue one sample (values in the layout's DS order; NAN is unknown).
 * Never blocks on disk; called from the event loop.
 */
void	rrdstore_update(struct rrdstore *, const char *device,
	    const char *metric, const struct rrd_layout *, time_t t,
	    const double *values);
/* Wait until everything queued so far is written (and flushed in rrdcached). */
void	rrdstore_flush(struct rrdstore *);
void	rrdstore_stats(struct rrdstore *, struct rrdstore_stats *);
/* Flush, stop the worker, free. */
void	rrdstore_free(struct rrdstore *);
/* The last error the worker saw, for logs ("" if none). */
void	rrdstore_last_error(struct rrdstore *, char *buf, size_t len);

#endif
