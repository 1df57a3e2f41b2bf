/* `nocwatch status`: the running daemon's estate, over its control socket. */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "commands.h"
#include "escape.h"
#include "threshold.h"
#include "unixsock.h"

static const char status_usage[] =
"usage: nocwatch status [--socket PATH] [--json]\n"
"  --socket PATH  the daemon's control socket (default " NOCWATCH_CONTROL_SOCK ")\n"
"  --json         the daemon's status document as it is\n";

char *
control_request(const char *path, const char *req, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct timeval tv = { 10, 0 };
	size_t len = 0, cap = 65536;
	char *buf;
	ssize_t n = 0;
	int fd = -1, dirfd, rc, saved;

	if (unixsock_addr(path, &sun, &dirfd, err, errlen) == -1)
		return NULL;
	rc = (fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    write(fd, req, strlen(req)) != (ssize_t)strlen(req) ||
	    write(fd, "\n", 1) != 1;
	saved = errno;
	if (dirfd != -1)
		close(dirfd);
	if (rc) {
		snprintf(err, errlen, "%s: %s (is nocwatchd running?)", path,
		    strerror(saved));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	/* A daemon whose loop is blocked must not hang the engineer too. */
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	buf = malloc(cap);
	while (buf != NULL && (n = read(fd, buf + len, cap - len - 1)) > 0) {
		len += (size_t)n;
		if (len + 1 == cap && cap < (64u << 20))
			buf = realloc(buf, cap *= 2);
	}
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
		snprintf(err, errlen, "%s: no answer within %ld s (nocwatchd is "
		    "busy, or its event loop is blocked)", path,
		    (long)tv.tv_sec);
		free(buf);
		close(fd);
		return NULL;
	}
	close(fd);
	if (buf != NULL)
		buf[len] = '\0';
	return buf;
}

json_t *
control_call(const char *path, json_t *req, int *status)
{
	char *line = json_dumps(req, JSON_COMPACT), *ans, err[300];
	const char *why;
	json_t *rep;

	json_decref(req);
	ans = line ? control_request(path ? path : NOCWATCH_CONTROL_SOCK, line,
	    err, sizeof(err)) : NULL;
	if (line == NULL)
		snprintf(err, sizeof(err), "out of memory");
	free(line);
	if (ans == NULL) {
		fprintf(stderr, "nocwatch: %s\n", err);
		*status = STATUS_CRITICAL;
		return NULL;
	}
	rep = json_loads(ans, 0, NULL);
	free(ans);
	if (rep == NULL || json_object_get(rep, "error") != NULL) {
		why = rep ? json_string_value(json_object_get(rep, "error")) :
		    NULL;
		fprintf(stderr, "nocwatch: %s\n", rep == NULL ? "bad answer "
		    "from the daemon" : why ? why : "refused");
		*status = rep ? STATUS_WARNING : STATUS_UNKNOWN;
		json_decref(rep);
		return NULL;
	}
	*status = 0;
	return rep;
}

static void
status_print(json_t *o)
{
	json_t *d = json_object_get(o, "daemon"), *devs, *dev, *checks, *c;
	json_t *sc = json_object_get(d, "scheduler"), *rrd = json_object_get(d, "rrd");
	const char *integ;
	size_t i, j;
	char a[80], b[80], t[80];

	printf("nocwatchd up %llds: %lld devices, %lld checks; %lld runs, %lld "
	    "late, loop lag %.1f ms (max %.1f); RRD %lld written, backlog %lld, "
	    "%lld errors\n",
	    json_integer_value(json_object_get(d, "uptime_s")),
	    json_integer_value(json_object_get(d, "devices")),
	    json_integer_value(json_object_get(d, "checks")),
	    json_integer_value(json_object_get(sc, "runs")),
	    json_integer_value(json_object_get(sc, "late")),
	    json_real_value(json_object_get(sc, "loop_lag_ms")),
	    json_real_value(json_object_get(sc, "max_loop_lag_ms")),
	    json_integer_value(json_object_get(rrd, "written")),
	    json_integer_value(json_object_get(rrd, "backlog")),
	    json_integer_value(json_object_get(rrd, "errors")));
	printf("RRD cache: %.1f of %.0f MB held, written every %.0f s "
	    "(%lld updates for %lld samples)\n",
	    json_integer_value(json_object_get(rrd, "cache_bytes")) / 1048576.0,
	    json_integer_value(json_object_get(rrd, "cache_max_bytes")) /
	    1048576.0, json_real_value(json_object_get(rrd, "write_delay_s")),
	    json_integer_value(json_object_get(rrd, "updates")),
	    json_integer_value(json_object_get(rrd, "written")));
	if (json_object_get(rrd, "rrdcached_timeouts") != NULL)
		printf("rrdcached: %s, %lld requests timed out%s\n",
		    json_is_true(json_object_get(rrd, "rrdcached_down")) ?
		    "NOT ANSWERING (writes dropped, retried with back-off)" :
		    "answering", json_integer_value(json_object_get(rrd,
		    "rrdcached_timeouts")), json_real_value(json_object_get(rrd,
		    "writer_busy_s")) > 10 ? "; the writer is stuck" : "");
	printf("incidents: %lld open, %lld notifications waiting\n",
	    json_integer_value(json_object_get(json_object_get(d, "incidents"),
	    "open")), json_integer_value(json_object_get(json_object_get(d,
	    "incidents"), "outbox_backlog")));
	if (json_integer_value(json_object_get(json_object_get(d, "incidents"),
	    "dead_letters")) > 0)
		printf("notifications: %lld DEAD LETTERS, not delivered and "
		    "given up (nocwatch outbox list; retry ID once fixed)\n",
		    json_integer_value(json_object_get(json_object_get(d,
		    "incidents"), "dead_letters")));
	if (json_integer_value(json_object_get(sc, "slow_callbacks")) > 0)
		printf("event loop: %lld callbacks held it over 100 ms; the "
		    "slowest, %.0f ms: %s\n",
		    json_integer_value(json_object_get(sc, "slow_callbacks")),
		    json_real_value(json_object_get(sc, "slowest_callback_ms")),
		    json_string_value(json_object_get(sc, "slowest_callback")) ?
		    json_string_value(json_object_get(sc, "slowest_callback")) :
		    "?");
	integ = json_string_value(json_object_get(json_object_get(d,
	    "incidents"), "store_integrity"));
	if (integ != NULL && strcmp(integ, "ok") != 0)
		printf("STORE DAMAGED: %s\n", integ);
	printf("sites:");
	json_array_foreach(json_object_get(o, "sites"), i, dev) {
		const char *par = json_string_value(json_object_get(dev,
		    "parent"));

		str_escape(a, 40, json_string_value(json_object_get(dev,
		    "name")), strlen(json_string_value(json_object_get(dev,
		    "name"))));
		printf(" %s (%s%s%s)", a, json_string_value(json_object_get(dev,
		    "kind")), par ? ", via " : "", par ? par : "");
	}
	printf("\n");
	printf("%-18s %-16s %-14s %-12s %-20s %8s  %s\n", "device", "site",
	    "check", "outcome", "last run", "next in", "detail");
	devs = json_object_get(o, "devices");
	json_array_foreach(devs, i, dev) {
		checks = json_object_get(dev, "checks");
		json_array_foreach(checks, j, c) {
			const char *out = json_string_value(json_object_get(c,
			    "outcome"));
			const char *last = json_string_value(json_object_get(c,
			    "last_run"));
			const char *det = json_string_value(json_object_get(c,
			    "detail"));

			/* Names come from the config, details from devices. */
			str_escape(a, 19, json_string_value(json_object_get(dev,
			    "name")), strlen(json_string_value(
			    json_object_get(dev, "name"))));
			str_escape(b, 17, json_string_value(json_object_get(dev,
			    "site")), strlen(json_string_value(
			    json_object_get(dev, "site"))));
			str_escape(t, 60, det ? det : "", det ? strlen(det) : 0);
			printf("%-18s %-16s %-14s %-12s %-20s %7.1fs  %s\n", a,
			    b, json_string_value(json_object_get(c, "type")),
			    out ? out : "pending", last ? last : "never",
			    json_real_value(json_object_get(c, "next_in_ms")) /
			    1000, t);
		}
	}
}

static int
cmd_status(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "socket", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *path = NOCWATCH_CONTROL_SOCK;
	char err[300], *doc;
	json_error_t je;
	json_t *o;
	int ch, json = 0;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (ch == 'S')
			path = optarg;
		else if (ch == 'J')
			json = 1;
		else if (ch == 'h') {
			fputs(status_usage, stdout);
			return 0;
		} else {
			fputs(status_usage, stderr);
			return STATUS_UNKNOWN;
		}
	}
	if ((doc = control_request(path, "status", err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "nocwatch: status: %s\n", err);
		return STATUS_CRITICAL;
	}
	if (json)
		fputs(doc, stdout);
	else if ((o = json_loads(doc, 0, &je)) == NULL) {
		fprintf(stderr, "nocwatch: status: bad answer: %s\n", je.text);
		free(doc);
		return STATUS_UNKNOWN;
	} else {
		status_print(o);
		json_decref(o);
	}
	free(doc);
	return 0;
}

const struct cmd_entry cmd_status_entry = {
	"status", "[--json]",
	"the running daemon's devices and checks", cmd_status
};
