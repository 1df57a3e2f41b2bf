/*
 * A client of rrdcached's line protocol (rrdcached(1): UPDATE, FLUSH,
 * CREATE, LAST) in which every request has a deadline.  librrd's own
 * client blocks in fgets() on a socket without a time-out and holds a
 * process-wide lock meanwhile, so an rrdcached that accepts and never
 * answers would stop the RRD writer and every graph for good.
 *
 * A request that times out or fails on the socket closes the connection
 * and marks rrdcached down for a while (5 s, doubling to 60 s): requests
 * meanwhile fail at once, so a dead rrdcached costs one time-out per
 * back-off, not one per file.  One connection per client; not shared
 * between threads.
 */
#ifndef NOCWATCH_RRDCC_H
#define NOCWATCH_RRDCC_H

#include <stddef.h>
#include <time.h>

struct rrdcc;

/* addr: "unix:/path", "/path", "host", "host:port", "[v6addr]:port". */
struct rrdcc	*rrdcc_new(const char *addr, int timeout_ms);
void		 rrdcc_free(struct rrdcc *);
/* 0 when connected (or connectable now); -1 with err. */
int		 rrdcc_connect(struct rrdcc *, char *err, size_t errlen);
int		 rrdcc_update(struct rrdcc *, const char *path, size_t n,
		    const char *const *values, char *err, size_t errlen);
int		 rrdcc_flush(struct rrdcc *, const char *path, char *err,
		    size_t errlen);
int		 rrdcc_create(struct rrdcc *, const char *path,
		    unsigned long step, time_t start, size_t n,
		    const char *const *defs, char *err, size_t errlen);
/* The file's last update, or -1 with err. */
time_t		 rrdcc_last(struct rrdcc *, const char *path, char *err,
		    size_t errlen);
/* Time-outs so far, and whether it is marked down now. */
unsigned long	 rrdcc_timeouts(struct rrdcc *);
int		 rrdcc_down(struct rrdcc *);

#endif
