/* Allocation wrappers that never return NULL: running out of memory is fatal. */
#ifndef NOCWATCH_XMALLOC_H
#define NOCWATCH_XMALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
/* xstrdup of a string that may be absent: NULL stays NULL. */
char	*xstrdup_null(const char *);

#endif
