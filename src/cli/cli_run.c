/*
 * The multi-target driver behind `nocwatch probe icmp|tcp HOST...`: resolve
 * each target on the loop, start its probe at its slot, report each result
 * as it completes, stop when the last one has.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "cli.h"
#include "parse.h"
#include "resolve.h"
#include "targets.h"
#include "xmalloc.h"

struct run_target {
	struct cli_run	*run;
	const char	*name;
	char		 host[256];
	int		 port;
	struct event	*ev;
	size_t		*remaining;
};

static void
run_done(const struct probe_result *r, void *arg)
{
	struct run_target *t = arg;
	char summary[512] = "";

	if (r->outcome != PROBE_DNS_FAILURE || r->nvalues > 0)
		t->run->summary(r, summary, sizeof(summary));
	cli_report(t->run->common, r, summary);
	if (--*t->remaining == 0)
		event_base_loopexit(t->run->base, NULL);
}

static void
run_fail(struct run_target *t, enum probe_outcome o, const char *why)
{
	struct probe_result r;

	probe_result_init(&r, t->name);
	probe_result_set(&r, o, "%s", why);
	run_done(&r, t);
}

static void
run_resolved(const struct sockaddr *sa, socklen_t len, const char *err,
    void *arg)
{
	struct run_target *t = arg;
	struct sockaddr_storage ss;

	if (sa == NULL) {
		run_fail(t, PROBE_DNS_FAILURE, err);
		return;
	}
	memcpy(&ss, sa, len);
	if (ss.ss_family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)t->port);
	else if (ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)t->port);
	if (t->run->start(t->run, t->name, (struct sockaddr *)&ss, len,
	    run_done, t) == -1)
		run_fail(t, PROBE_ERROR, "cannot start the probe");
}

static void
run_start_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct run_target *t = arg;

	(void)fd;
	(void)ev;
	resolve_start(t->run->dns, t->host, t->run->family, run_resolved, t);
}

/* Reject what can be neither an address nor a host name before any lookup. */
static int
run_check_host(const char *h, char *err, size_t errlen)
{
	struct in6_addr a6;
	struct in_addr a4;
	const char *p;

	if (strspn(h, "0123456789.") == strlen(h)) {
		if (inet_pton(AF_INET, h, &a4) != 1) {
			snprintf(err, errlen, "'%.64s' is not a valid address", h);
			return -1;
		}
		return 0;
	}
	if (strchr(h, ':') != NULL) {
		if (inet_pton(AF_INET6, h, &a6) != 1) {
			snprintf(err, errlen, "'%.64s' is not a valid address", h);
			return -1;
		}
		return 0;
	}
	for (p = h; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
		    *p == '_'))
			break;
	if (*p != '\0' || p - h > 253 || *h == '.' || *h == '-') {
		snprintf(err, errlen, "'%.64s' is not a valid host name", h);
		return -1;
	}
	return 0;
}

enum plugin_status
cli_run_targets(struct cli_run *run, const struct targets *tg)
{
	struct run_target *ts = xcalloc(tg->n, sizeof(*ts));
	size_t i, remaining = tg->n;
	char err[256];
	struct timeval tv;
	double at;

	run->common->single = tg->n == 1;
	for (i = 0; i < tg->n; i++) {
		struct run_target *t = &ts[i];

		t->run = run;
		t->name = tg->v[i];
		t->remaining = &remaining;
		if (run->want_port) {
			if (parse_hostport(t->name, t->host, sizeof(t->host),
			    &t->port, run->default_port, err, sizeof(err)) == -1)
				cli_usage_error("", "%s: %s", t->name, err);
			if (t->port == 0)
				cli_usage_error("", "%s: no port given",
				    t->name);
		} else
			snprintf(t->host, sizeof(t->host), "%s", t->name);
		if (run_check_host(t->host, err, sizeof(err)) == -1)
			cli_usage_error("", "%s", err);
		at = run->gap_ms * (double)i;
		tv.tv_sec = (time_t)(at / 1000);
		tv.tv_usec = (suseconds_t)((at - (double)tv.tv_sec * 1000) * 1000);
		t->ev = evtimer_new(run->base, run_start_cb, t);
		evtimer_add(t->ev, &tv);
	}
	if (tg->n > 0)
		event_base_dispatch(run->base);
	for (i = 0; i < tg->n; i++)
		event_free(ts[i].ev);
	free(ts);
	return run->common->worst;
}
