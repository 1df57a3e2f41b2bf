/*
 * A tiny unit-test header: CHECK prints "PASS name" or "FAIL name" with
 * the place, which tests/run.sh counts; unit_done() is main's return.
 */
#ifndef NOCWATCH_UNIT_H
#define NOCWATCH_UNIT_H

#include <stdio.h>

static int unit_failed;

#define CHECK(cond, name) do {						\
	if (cond)							\
		printf("PASS %s\n", name);				\
	else {								\
		printf("FAIL %s: %s (%s:%d)\n", name, #cond,		\
		    __FILE__, __LINE__);				\
		unit_failed++;						\
	}								\
} while (0)

static inline int
unit_done(void)
{
	fflush(stdout);
	return unit_failed ? 1 : 0;
}

#endif
