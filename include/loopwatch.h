/*
 * The event loop's watchdog: the daemon's callbacks say when they start
 * and end (lw_enter/lw_leave, nesting allowed); one that holds the loop
 * longer than the threshold is logged with its name and counted.  Off
 * (free) until lw_init, so the CLI's probes cost nothing.
 */
#ifndef NOCWATCH_LOOPWATCH_H
#define NOCWATCH_LOOPWATCH_H

#include <stddef.h>

struct lw_stats {
	unsigned long long	 slow;		/* callbacks over the threshold */
	double			 worst_ms;
	char			 worst[64];	/* the slowest one's name */
};

void	lw_init(double threshold_ms);		/* 0: off */
/* name must stay valid until the matching lw_leave (a literal). */
void	lw_enter(const char *name);
void	lw_leave(void);
void	lw_stats(struct lw_stats *);

#endif
