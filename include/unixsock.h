/*
 * Unix socket addresses for any path: sun_path holds 107 bytes, a build
 * or state directory may be deeper than that.  A longer path is reached
 * through a descriptor of its directory (/proc/self/fd/N/NAME), which
 * bind() and connect() follow as they would the path itself.
 */
#ifndef NOCWATCH_UNIXSOCK_H
#define NOCWATCH_UNIXSOCK_H

#include <stddef.h>
#include <sys/un.h>

/*
 * Fill sun for path.  *dirfd is the directory descriptor a long path needs
 * (the caller closes it once bind or connect returned) or -1.  Returns 0,
 * or -1 with err filled (no such directory, a name too long even so).
 */
int	unixsock_addr(const char *path, struct sockaddr_un *sun, int *dirfd,
	    char *err, size_t errlen);

#endif
