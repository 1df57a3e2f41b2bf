/*
 * rrdcached's protocol: one line per command, arguments separated by
 * spaces (a space or backslash inside one escaped with a backslash); the
 * answer's first line is "STATUS message", and a positive STATUS says how
 * many lines follow.  A negative STATUS is rrdcached refusing the command:
 * the connection stays good.  A command line is at most 4096 bytes
 * (RRD_CMD_MAX), so an update of many values goes as several.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "probe.h"
#include "rrdcc.h"
#include "xmalloc.h"

#define CMD_MAX		4096
#define DOWN_MIN_S	5.0
#define DOWN_MAX_S	60.0

struct rrdcc {
	char		*addr;
	int		 timeout_ms;
	int		 fd;
	char		 in[CMD_MAX];
	size_t		 inlen;
	double		 down_until, backoff;
	unsigned long	 timeouts;
};

struct rrdcc *
rrdcc_new(const char *addr, int timeout_ms)
{
	struct rrdcc *c = xcalloc(1, sizeof(*c));

	c->addr = xstrdup(addr);
	c->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	c->fd = -1;
	return c;
}

static void
cc_close(struct rrdcc *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->inlen = 0;
}

/* A failure on the socket: closed, and down for the back-off. */
static int
cc_down(struct rrdcc *c, int timed_out, char *err, size_t errlen,
    const char *what)
{
	cc_close(c);
	c->backoff = c->backoff <= 0 ? DOWN_MIN_S :
	    c->backoff * 2 > DOWN_MAX_S ? DOWN_MAX_S : c->backoff * 2;
	c->down_until = mono_ms() / 1000 + c->backoff;
	if (timed_out) {
		c->timeouts++;
		snprintf(err, errlen, "rrdcached %s: no answer to %s within "
		    "%d ms; not tried again for %.0f s", c->addr, what,
		    c->timeout_ms, c->backoff);
	} else
		snprintf(err, errlen, "rrdcached %s: %s: %s; not tried again "
		    "for %.0f s", c->addr, what, strerror(errno), c->backoff);
	return -1;
}

/* Wait for fd to be ready until the deadline: 1 ready, 0 time-out. */
static int
wait_fd(int fd, short ev, double deadline)
{
	struct pollfd p = { .fd = fd, .events = ev };
	double left;
	int n;

	for (;;) {
		left = deadline - mono_ms() / 1000;
		if (left <= 0)
			return 0;
		n = poll(&p, 1, (int)(left * 1000) + 1);
		if (n > 0)
			return 1;
		if (n == -1 && errno != EINTR)
			return -1;
	}
}

static int
open_unix(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 &&
	    errno != EINPROGRESS && errno != EAGAIN) {
		close(fd);
		return -1;
	}
	return fd;
}

/* host, host:port, [v6]:port; the name is resolved here (a thread). */
static int
open_inet(const char *addr)
{
	char host[256], *name = host, *port = NULL, *p;
	struct addrinfo hints, *res, *ai;
	int fd = -1;

	snprintf(host, sizeof(host), "%s", addr);
	if (host[0] == '[') {			/* [v6]:port */
		if ((p = strchr(host, ']')) == NULL) {
			errno = EINVAL;
			return -1;
		}
		*p = '\0';
		name = host + 1;
		if (p[1] == ':')
			port = p + 2;
	} else if ((p = strrchr(host, ':')) != NULL &&
	    strchr(host, ':') == p) {		/* host:port */
		*p = '\0';
		port = p + 1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, port ? port : "42217", &hints, &res) != 0) {
		errno = EHOSTUNREACH;
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (fd == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    errno == EINPROGRESS)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int
rrdcc_connect(struct rrdcc *c, char *err, size_t errlen)
{
	double deadline;
	socklen_t sl;
	int r, soerr = 0;

	if (c->fd != -1)
		return 0;
	if (mono_ms() / 1000 < c->down_until) {
		snprintf(err, errlen, "rrdcached %s: down (next try in %.0f s)",
		    c->addr, c->down_until - mono_ms() / 1000);
		return -1;
	}
	deadline = mono_ms() / 1000 + c->timeout_ms / 1000.0;
	if (strncmp(c->addr, "unix:", 5) == 0)
		c->fd = open_unix(c->addr + 5);
	else if (c->addr[0] == '/')
		c->fd = open_unix(c->addr);
	else
		c->fd = open_inet(c->addr);
	if (c->fd == -1)
		return cc_down(c, 0, err, errlen, "connect");
	if ((r = wait_fd(c->fd, POLLOUT, deadline)) != 1)
		return cc_down(c, r == 0, err, errlen, "connect");
	sl = sizeof(soerr);
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1 ||
	    soerr != 0) {
		errno = soerr ? soerr : errno;
		return cc_down(c, 0, err, errlen, "connect");
	}
	return 0;
}

/* Read one line (without its newline) into line, until the deadline. */
static int
read_line(struct rrdcc *c, char *line, size_t len, double deadline,
    int *timed_out)
{
	char *nl;
	ssize_t n;
	size_t k;
	int r;

	*timed_out = 0;
	for (;;) {
		if ((nl = memchr(c->in, '\n', c->inlen)) != NULL) {
			k = (size_t)(nl - c->in);
			snprintf(line, len, "%.*s", (int)k, c->in);
			memmove(c->in, nl + 1, c->inlen - k - 1);
			c->inlen -= k + 1;
			return 0;
		}
		if (c->inlen == sizeof(c->in)) {
			errno = EMSGSIZE;
			return -1;
		}
		n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
		if (n > 0) {
			c->inlen += (size_t)n;
			continue;
		}
		if (n == 0) {
			errno = ECONNRESET;
			return -1;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -1;
		if ((r = wait_fd(c->fd, POLLIN, deadline)) != 1) {
			*timed_out = r == 0;
			return -1;
		}
	}
}

/*
 * Send one command line and read its answer.  Returns rrdcached's status
 * (>= 0), or -1 with err: rrdcached's refusal (connection kept) or a
 * socket failure (connection closed, down for the back-off).
 */
static int
request(struct rrdcc *c, const char *cmd, size_t len, const char *what,
    char *msg, size_t msglen, char *err, size_t errlen)
{
	char line[CMD_MAX], *end;
	double deadline;
	size_t off = 0;
	ssize_t n;
	long status, i;
	int r, to;

	if (rrdcc_connect(c, err, errlen) == -1)
		return -1;
	deadline = mono_ms() / 1000 + c->timeout_ms / 1000.0;
	while (off < len) {
		n = send(c->fd, cmd + off, len - off, MSG_NOSIGNAL);
		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n == -1 && errno != EAGAIN && errno != EINTR)
			return cc_down(c, 0, err, errlen, what);
		if ((r = wait_fd(c->fd, POLLOUT, deadline)) != 1)
			return cc_down(c, r == 0, err, errlen, what);
	}
	if (read_line(c, line, sizeof(line), deadline, &to) == -1)
		return cc_down(c, to, err, errlen, what);
	errno = 0;
	status = strtol(line, &end, 10);
	if (end == line || errno != 0) {
		errno = EPROTO;
		return cc_down(c, 0, err, errlen, what);
	}
	for (i = 0; i < status; i++)	/* lines we do not use */
		if (read_line(c, line, sizeof(line), deadline, &to) == -1)
			return cc_down(c, to, err, errlen, what);
	c->backoff = 0;
	while (*end == ' ')
		end++;
	if (status < 0) {
		snprintf(err, errlen, "rrdcached: %s", end);
		return -1;
	}
	if (msg != NULL)
		snprintf(msg, msglen, "%s", end);
	return (int)status;
}

/* Append one argument, escaped; -1 if the line would be too long. */
static int
add_arg(char *buf, size_t *off, const char *arg)
{
	size_t o = *off;

	if (o > 0) {
		if (o + 1 >= CMD_MAX)
			return -1;
		buf[o++] = ' ';
	}
	for (; *arg != '\0'; arg++) {
		if (o + 3 >= CMD_MAX)
			return -1;
		if (*arg == ' ' || *arg == '\\')
			buf[o++] = '\\';
		if (*arg == '\n' || *arg == '\r')
			return -1;
		buf[o++] = *arg;
	}
	*off = o;
	return 0;
}

static int
too_long(char *err, size_t errlen, const char *path)
{
	snprintf(err, errlen, "rrdcached: a command for %.300s would be over "
	    "%d bytes (or holds a newline)", path, CMD_MAX);
	return -1;
}

/* A command with the path and extra arguments. */
static int
simple(struct rrdcc *c, const char *verb, const char *path, char *msg,
    size_t msglen, char *err, size_t errlen)
{
	char buf[CMD_MAX];
	size_t off = 0;

	if (add_arg(buf, &off, verb) == -1 || add_arg(buf, &off, path) == -1)
		return too_long(err, errlen, path);
	buf[off++] = '\n';
	return request(c, buf, off, verb, msg, msglen, err, errlen) < 0 ?
	    -1 : 0;
}

int
rrdcc_update(struct rrdcc *c, const char *path, size_t n,
    const char *const *values, char *err, size_t errlen)
{
	char buf[CMD_MAX];
	size_t off, i = 0, first;

	while (i < n) {
		off = 0;
		if (add_arg(buf, &off, "UPDATE") == -1 ||
		    add_arg(buf, &off, path) == -1)
			return too_long(err, errlen, path);
		first = i;
		while (i < n) {
			size_t save = off;

			if (add_arg(buf, &off, values[i]) == -1 ||
			    off + 1 >= CMD_MAX) {
				off = save;
				break;
			}
			i++;
		}
		if (i == first)
			return too_long(err, errlen, path);
		buf[off++] = '\n';
		if (request(c, buf, off, "UPDATE", NULL, 0, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int
rrdcc_flush(struct rrdcc *c, const char *path, char *err, size_t errlen)
{
	return simple(c, "FLUSH", path, NULL, 0, err, errlen);
}

int
rrdcc_create(struct rrdcc *c, const char *path, unsigned long step,
    time_t start, size_t n, const char *const *defs, char *err,
    size_t errlen)
{
	char buf[CMD_MAX], num[32];
	size_t off = 0, i;

	if (add_arg(buf, &off, "CREATE") == -1 ||
	    add_arg(buf, &off, path) == -1)
		return too_long(err, errlen, path);
	snprintf(num, sizeof(num), "%lu", step);
	if (add_arg(buf, &off, "-s") == -1 || add_arg(buf, &off, num) == -1)
		return too_long(err, errlen, path);
	snprintf(num, sizeof(num), "%lld", (long long)start);
	if (add_arg(buf, &off, "-b") == -1 || add_arg(buf, &off, num) == -1 ||
	    add_arg(buf, &off, "-O") == -1)
		return too_long(err, errlen, path);
	for (i = 0; i < n; i++)
		if (add_arg(buf, &off, defs[i]) == -1)
			return too_long(err, errlen, path);
	if (off + 1 >= CMD_MAX)
		return too_long(err, errlen, path);
	buf[off++] = '\n';
	return request(c, buf, off, "CREATE", NULL, 0, err, errlen) < 0 ?
	    -1 : 0;
}

time_t
rrdcc_last(struct rrdcc *c, const char *path, char *err, size_t errlen)
{
	char msg[256], *end;
	long long t;

	if (simple(c, "LAST", path, msg, sizeof(msg), err, errlen) == -1)
		return -1;
	errno = 0;
	t = strtoll(msg, &end, 10);
	if (end == msg || errno != 0 || t < 0) {
		snprintf(err, errlen, "rrdcached: LAST %.300s: \"%.60s\"", path,
		    msg);
		return -1;
	}
	return (time_t)t;
}

unsigned long
rrdcc_timeouts(struct rrdcc *c)
{
	return c->timeouts;
}

int
rrdcc_down(struct rrdcc *c)
{
	return c->fd == -1 && mono_ms() / 1000 < c->down_until;
}

void
rrdcc_free(struct rrdcc *c)
{
	if (c == NULL)
		return;
	cc_close(c);
	free(c->addr);
	free(c);
}
