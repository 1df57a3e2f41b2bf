/* `nocwatch probe capture`: a live summary of an interface's traffic. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "capture.h"
#include "cli.h"
#include "commands.h"
#include "parse.h"

static const char capture_usage[] =
"usage: nocwatch probe capture iface [BPF filter ...] [-c count]\n"
"           [-t seconds] [-w file.pcap] [-p] [--live] [--json]\n"
"  -c count    stop after count matching packets\n"
"  -t seconds  stop after this long (default 10 unless -c is given);\n"
"              nothing matching by then gives the verdict 'silent'\n"
"  -w file     also write the packets to a pcap file\n"
"  -p          promiscuous mode\n"
"  --live      print running totals every second (default on a terminal)\n"
"Exit status: 0 OK, 2 CRITICAL (silent), 3 UNKNOWN (bad interface or\n"
"filter; pcap's own message is shown).\n";

struct capture_cli {
	struct cli_common	*common;
	struct event_base	*base;
	struct capture		*cap;
	int			 live;
};

static void
capture_cli_done(const struct probe_result *r, void *arg)
{
	struct capture_cli *cc = arg;
	struct capture_summary s;
	char summary[512];
	size_t n, i;
	int k;

	capture_get_summary(cc->cap, &s);
	n = (size_t)snprintf(summary, sizeof(summary), "%llu packets, %llu "
	    "bytes in %.1f s (", (unsigned long long)s.packets,
	    (unsigned long long)s.bytes, s.elapsed_ms / 1000);
	for (k = 0; k < CAP_PROTO_MAX && n < sizeof(summary); k++)
		if (s.proto[k] > 0)
			n += (size_t)snprintf(summary + n, sizeof(summary) - n,
			    "%s%s %llu", summary[n - 1] == '(' ? "" : ", ",
			    capture_proto_name(k),
			    (unsigned long long)s.proto[k]);
	if (n < sizeof(summary))
		n += (size_t)snprintf(summary + n, sizeof(summary) - n, ")%s",
		    s.dropped ? ", some dropped by the kernel" : "");
	cli_report(cc->common, r, r->outcome == PROBE_OK ? summary : "");
	if (!cc->common->json)
		for (i = 0; i < s.ntop; i++)
			printf("  top talker %zu: %s, %llu packets, %llu bytes\n",
			    i + 1, s.top[i].addr,
			    (unsigned long long)s.top[i].packets,
			    (unsigned long long)s.top[i].bytes);
	event_base_loopexit(cc->base, NULL);
}

static void
capture_cli_tick(evutil_socket_t fd, short ev, void *arg)
{
	struct capture_cli *cc = arg;
	struct capture_summary s;

	(void)fd;
	(void)ev;
	capture_get_summary(cc->cap, &s);
	fprintf(stderr, "capture: %llu packets, %llu bytes, %.1f s%s\n",
	    (unsigned long long)s.packets, (unsigned long long)s.bytes,
	    s.elapsed_ms / 1000, s.ntop ? "" : "");
}

static void
capture_cli_sigint(evutil_socket_t fd, short ev, void *arg)
{
	struct capture_cli *cc = arg;

	(void)fd;
	(void)ev;
	capture_stop(cc->cap);
}

static char *
join_args(int argc, char **argv)
{
	size_t len = 1;
	char *s;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	s = calloc(1, len);
	if (s == NULL)
		return NULL;
	for (i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

int
cmd_probe_capture(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ "live", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_common common = { 0 };
	struct capture_params cp = { 0 };
	struct capture_cli cc = { .common = &common };
	struct event *tick = NULL, *sig;
	struct evdns_base *unused;
	struct timeval one = { 1, 0 };
	char err[512] = "", *filter;
	long long v;
	int ch, timed = 0;

	cc.live = isatty(STDERR_FILENO);
	while ((ch = getopt_long(argc, argv, "c:t:w:ph", longopts,
	    NULL)) != -1) {
		/* -c and -w are count and file here, not thresholds. */
		if (ch != 'c' && ch != 'w' && cli_common_opt(&common, ch, optarg,
		    capture_usage))
			continue;
		err[0] = '\0';
		switch (ch) {
		case 'c':
			if (parse_int(optarg, 1, 1000000000, &v, err,
			    sizeof(err)) == 0)
				cp.max_packets = (long)v;
			break;
		case 't':
			timed = parse_duration(optarg, 1000, 100, 86400000,
			    &cp.duration_ms, err, sizeof(err)) == 0;
			break;
		case 'w':
			cp.write_file = optarg;
			break;
		case 'p':
			cp.promisc = 1;
			break;
		case 'V':
			cc.live = 1;
			break;
		default:
			cli_usage_error(capture_usage, "unknown option");
		}
		if (err[0] != '\0')
			cli_usage_error(capture_usage, "-%c: %s", ch, err);
	}
	if (optind >= argc)
		cli_usage_error(capture_usage, "no interface given");
	cp.iface = argv[optind++];
	filter = join_args(argc - optind, argv + optind);
	cp.filter = filter;
	if (!timed && cp.max_packets == 0)
		cp.duration_ms = 10000;
	cli_loop_new(&cc.base, &unused);
	evdns_base_free(unused, 0);
	cc.cap = capture_start(cc.base, &cp, capture_cli_done, &cc, err,
	    sizeof(err));
	if (cc.cap == NULL) {
		fprintf(stderr, "nocwatch: capture: %s\n", err);
		free(filter);
		event_base_free(cc.base);
		return STATUS_UNKNOWN;
	}
	if (cc.live) {
		tick = event_new(cc.base, -1, EV_PERSIST, capture_cli_tick, &cc);
		event_add(tick, &one);
	}
	sig = evsignal_new(cc.base, SIGINT, capture_cli_sigint, &cc);
	event_add(sig, NULL);
	event_base_dispatch(cc.base);
	if (tick != NULL)
		event_free(tick);
	event_free(sig);
	event_base_free(cc.base);
	free(filter);
	return common.worst;
}
