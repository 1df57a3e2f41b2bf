/* Unix socket addresses longer than sun_path (see unixsock.h). */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "unixsock.h"

int
unixsock_addr(const char *path, struct sockaddr_un *sun, int *dirfd,
    char *err, size_t errlen)
{
	char dir[PATH_MAX];
	const char *base;
	size_t dlen;
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	*dirfd = -1;
	if (*path == '\0') {
		snprintf(err, errlen, "empty socket path");
		return -1;
	}
	if (strlen(path) < sizeof(sun->sun_path)) {
		memcpy(sun->sun_path, path, strlen(path) + 1);
		return 0;
	}
	if ((base = strrchr(path, '/')) == NULL || base[1] == '\0') {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	dlen = base == path ? 1 : (size_t)(base - path);
	if (dlen >= sizeof(dir)) {
		snprintf(err, errlen, "%s: socket path too long", path);
		return -1;
	}
	memcpy(dir, path, dlen);
	dir[dlen] = '\0';
	if ((*dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	n = snprintf(sun->sun_path, sizeof(sun->sun_path), "/proc/self/fd/%d/%s",
	    *dirfd, base + 1);
	if (n < 0 || (size_t)n >= sizeof(sun->sun_path)) {
		snprintf(err, errlen, "%s: socket name too long", path);
		close(*dirfd);
		*dirfd = -1;
		return -1;
	}
	return 0;
}
