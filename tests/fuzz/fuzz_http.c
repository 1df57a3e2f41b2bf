/*
 * libFuzzer target: the HTTP API as a client sees it.  One nocwatchd is
 * started (an estate of two sites and two loopback devices without checks,
 * its store in a temporary directory, a read and a write token, no rate
 * limit); each input is sent as raw bytes on a new loopback connection to
 * it, the write side is closed, and the loop runs until the daemon has
 * answered and closed, or for a bounded number of turns.  This reaches
 * evhttp's request parser, the routes, the token checks, query strings,
 * JSON bodies (ack, maintenance), rrd_xport and rrd_graph on missing
 * files, and the static files.  Tokens for the seeds:
 *   read  "fuzz-read-token-0123456789"
 *   write "fuzz-write-token-0123456789"
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "daemon.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct daemon d;
static int port;
static char dir[] = "/tmp/nocwatch-fuzz-http.XXXXXX";

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

/* The daemon's files go with the fuzzer (it ends with exit()). */
static void
cleanup(void)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A loopback port nothing listens on: the kernel's pick for port 0. */
static int
free_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0), p = -1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd != -1 && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		p = ntohs(sin.sin_port);
	if (fd != -1)
		close(fd);
	return p;
}

static int
setup(void)
{
	char conf[128], cwd[1024], err[512];
	struct config *c;
	FILE *f;

	if (mkdtemp(dir) == NULL || getcwd(cwd, sizeof(cwd)) == NULL)
		return -1;
	atexit(cleanup);
	if ((port = free_port()) == -1)
		return -1;
	snprintf(conf, sizeof(conf), "%s/n.conf", dir);
	if ((f = fopen(conf, "w")) == NULL)
		return -1;
	fprintf(f, "rrd-dir \"%s/rrd\"\nlayouts \"%s/rrd\"\n"
	    "web-dir \"%s/web\"\nstate-db \"%s/n.db\"\n"
	    "control-socket \"%s/ctl.sock\"\n"
	    "http-listen \"127.0.0.1:%d\"\nhttp-rate-limit 0\n"
	    "api-token read \"sha256:1a09aa3a6a494c4cfff071c8b045e51fa72ed1de"
	    "973ace5c601037204e41a517\" name \"wall\"\n"
	    "api-token write \"sha256:ef4915338dd6ecb58e294abd9aed7453a53a1f2f"
	    "9ab5cc73b1299af9b03bd85e\" name \"desk\"\n"
	    "site \"dc\" { kind datacentre tags { \"north\" } }\n"
	    "site \"lib\" { kind remote parent \"dc\" }\n"
	    "device \"core\" { site \"dc\" address 127.0.0.1 }\n"
	    "device \"lib-rtr\" { site \"lib\" address 127.0.0.2 "
	    "parent \"core\" }\n", dir, cwd, cwd, dir, dir, port);
	fclose(f);
	c = config_load(conf);
	if (c->nerrors > 0) {
		fprintf(stderr, "fuzz_http: %s\n", c->errors[0]);
		return -1;
	}
	d.conf_path = strdup(conf);
	d.base = event_base_new();
	if (daemon_start(&d, c, err, sizeof(err)) == -1) {
		fprintf(stderr, "fuzz_http: cannot start: %s\n", err);
		return -1;
	}
	return 0;
}

/* Let the daemon run a turn, then see whether it answered and closed. */
static int
turn(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char buf[4096];
	ssize_t n;

	event_base_loop(d.base, EVLOOP_NONBLOCK);
	if (poll(&p, 1, 1) == 1) {
		n = read(fd, buf, sizeof(buf) - 1);
		/* NOCWATCH_FUZZ_SHOW=1: print the answers (seeds, coverage). */
		if (n > 0 && getenv("NOCWATCH_FUZZ_SHOW") != NULL) {
			buf[n] = '\0';
			printf("%.*s\n", (int)strcspn(buf, "\r"), buf);
		}
		if (n == 0 || (n == -1 && errno != EAGAIN))
			return 1;
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct sockaddr_in sin;
	size_t off = 0;
	ssize_t n;
	int fd, i;

	if (!ready) {
		signal(SIGPIPE, SIG_IGN);
		log_init("fuzz_http", 1, 0);
		if (setup() == -1)
			abort();
		ready = 1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return 0;
	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		close(fd);
		return 0;
	}
	fcntl(fd, F_SETFL, O_NONBLOCK);
	for (i = 0; off < size && i < 200; i++) {
		n = write(fd, data + off, size - off);
		if (n > 0)
			off += (size_t)n;
		else if (n == -1 && errno != EAGAIN)
			break;
		if (turn(fd))
			break;
	}
	shutdown(fd, SHUT_WR);
	for (i = 0; i < 300 && !turn(fd); i++)
		;
	close(fd);
	/* The daemon sees the close. */
	for (i = 0; i < 3; i++)
		event_base_loop(d.base, EVLOOP_NONBLOCK);
	return 0;
}
