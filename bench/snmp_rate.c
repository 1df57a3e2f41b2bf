/*
 * Benchmark driver for the SNMP engine: GET round trips per second and CPU
 * per request against many agents at once, for a fixed time.
 *   snmp_rate -f AGENTS -d SECONDS [-k INFLIGHT] [-c COMMUNITY] OID
 * Prints "requests ok timeouts seconds cpu_s".
 */
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "oids.h"
#include "snmp.h"
#include "targets.h"

struct slot {
	struct snmp_agent	*agent;
	struct snmp_oid		*oid;
};

static unsigned long long ok, failed;
static int stopping;

static void
done(const struct snmp_response *r, void *arg)
{
	struct slot *s = arg;

	if (r->outcome == PROBE_OK)
		ok++;
	else
		failed++;
	if (!stopping)
		snmp_get(s->agent, s->oid, 1, done, s);
}

static void
stop(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	stopping = 1;
	event_base_loopexit(arg, NULL);
}

static double
cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	struct targets tg = { 0 };
	struct snmp_creds creds = { .version = 2 };
	struct snmp_agent_params ap = { .timeout_ms = 1000, .retries = 0 };
	struct snmp_oid oid;
	struct event_base *base;
	struct snmp_engine *eng;
	struct slot *slots;
	struct timeval tv = { 10, 0 };
	char err[256];
	double c0, t0, secs;
	struct timespec ts;
	size_t i;
	int ch, k = 2, j;

	snprintf(creds.community, sizeof(creds.community), "public");
	while ((ch = getopt(argc, argv, "f:d:k:c:")) != -1) {
		switch (ch) {
		case 'f':
			if (targets_load(&tg, optarg, err, sizeof(err)) == -1) {
				fprintf(stderr, "%s\n", err);
				return 2;
			}
			break;
		case 'd':
			tv.tv_sec = atoi(optarg);
			break;
		case 'k':
			k = atoi(optarg);
			break;
		case 'c':
			snprintf(creds.community, sizeof(creds.community), "%s",
			    optarg);
			break;
		default:
			return 2;
		}
	}
	if (optind >= argc || tg.n == 0 ||
	    oid_parse(argv[optind], &oid, err, sizeof(err)) == -1) {
		fprintf(stderr, "usage: snmp_rate -f AGENTS -d SECONDS OID\n");
		return 2;
	}
	base = event_base_new();
	eng = snmp_engine_new(base);
	slots = calloc(tg.n * (size_t)k, sizeof(*slots));
	ap.creds = &creds;
	ap.max_inflight = k;
	c0 = cpu_s();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	t0 = (double)ts.tv_sec + ts.tv_nsec / 1e9;
	for (i = 0; i < tg.n; i++) {
		ap.host = tg.v[i];
		struct snmp_agent *a = snmp_agent_open(eng, &ap, err, sizeof(err));

		if (a == NULL) {
			fprintf(stderr, "%s: %s\n", tg.v[i], err);
			return 1;
		}
		for (j = 0; j < k; j++) {
			slots[i * (size_t)k + (size_t)j].agent = a;
			slots[i * (size_t)k + (size_t)j].oid = &oid;
			snmp_get(a, &oid, 1, done, &slots[i * (size_t)k + (size_t)j]);
		}
	}
	event_base_once(base, -1, EV_TIMEOUT, stop, base, &tv);
	event_base_dispatch(base);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	secs = (double)ts.tv_sec + ts.tv_nsec / 1e9 - t0;
	printf("%llu %llu %llu %.3f %.3f\n", ok + failed, ok, failed, secs,
	    cpu_s() - c0);
	for (i = 0; i < tg.n; i++)
		snmp_agent_close(slots[i * (size_t)k].agent);
	snmp_engine_free(eng);
	event_base_free(base);
	free(slots);
	targets_free(&tg);
	return 0;
}
