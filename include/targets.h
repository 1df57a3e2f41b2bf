/*
 * A list of probe targets from the command line and from files (one per
 * line, '#' comments), as used by `nocwatch probe icmp HOST... -f FILE`.
 */
#ifndef NOCWATCH_TARGETS_H
#define NOCWATCH_TARGETS_H

#include <stddef.h>

struct targets {
	char	**v;
	size_t	  n, cap;
};

/* Append a copy of s. */
void	targets_add(struct targets *, const char *s);
/* Append every target in file ("-" is stdin); -1 with err on failure. */
int	targets_load(struct targets *, const char *path, char *err,
	    size_t errlen);
void	targets_free(struct targets *);

#endif
