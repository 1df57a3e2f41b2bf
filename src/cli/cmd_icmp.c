/* `nocwatch probe icmp`: echo bursts to many targets at once, like fping. */
#include <sys/socket.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "cli.h"
#include "commands.h"
#include "icmp.h"
#include "parse.h"
#include "targets.h"

static const char icmp_usage[] =
"usage: nocwatch probe icmp [-46] [-n count] [-i interval] [-t timeout]\n"
"           [-s size] [-g gap] [-w time,loss%] [-c time,loss%] [--json]\n"
"           [-f file] host ...\n"
"  -n count     echo requests per target (1..10000, default 5)\n"
"  -i interval  between requests to one target (default 200ms, min 1ms)\n"
"  -t timeout   wait for the last reply (default 1s)\n"
"  -s size      payload bytes (0..65000, default 56)\n"
"  -g gap       between two targets' first requests (default 1ms); a\n"
"               target's interval is stretched to targets x gap\n"
"  -f file      read targets from file, one per line ('-' for stdin)\n"
"  -w, -c       warning / critical: average RTT and/or loss, e.g. 100ms,20%\n"
"  --json       one JSON object per target\n"
"Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad usage).\n";

struct icmp_cli {
	struct icmp_engine	*eng;
	struct icmp_params	 p;
};

static int
icmp_cli_start(struct cli_run *run, const char *target,
    const struct sockaddr *sa, socklen_t len, probe_done_cb cb, void *arg)
{
	struct icmp_cli *ic = run->ctx;

	return icmp_probe_start(ic->eng, target, sa, len, &ic->p, cb, arg) ?
	    0 : -1;
}

static void
icmp_cli_summary(const struct probe_result *r, char *buf, size_t len)
{
	const struct probe_value *sent = probe_result_get(r, "sent");
	const struct probe_value *rcv = probe_result_get(r, "received");
	const struct probe_value *loss = probe_result_get(r, "loss_pct");
	const struct probe_value *mn = probe_result_get(r, "rtt_min");
	char a[16], b[16], c[16], d[16], j[16];
	int n;

	if (sent == NULL || rcv == NULL || loss == NULL)
		return;
	n = snprintf(buf, len, "%d/%d received, %.0f%% loss", (int)rcv->value,
	    (int)sent->value, loss->value);
	if (mn != NULL && n > 0 && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, ", rtt min/avg/med/max "
		    "%s/%s/%s/%s ms, jitter %s ms", cli_ms(mn->value, a, 16),
		    cli_ms(probe_result_get(r, "rtt_avg")->value, b, 16),
		    cli_ms(probe_result_get(r, "rtt_median")->value, c, 16),
		    cli_ms(probe_result_get(r, "rtt_max")->value, d, 16),
		    cli_ms(probe_result_get(r, "jitter")->value, j, 16));
}

int
cmd_probe_icmp(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cli_common common = { .time_key = "rtt_avg",
	    .pct_key = "loss_pct" };
	struct icmp_cli ic = { .p = { 5, 200, 1000, 56 } };
	struct cli_run run = { .common = &common, .family = AF_UNSPEC,
	    .gap_ms = 1, .start = icmp_cli_start, .summary = icmp_cli_summary,
	    .ctx = &ic };
	struct targets tg = { 0 };
	char err[256];
	long long v;
	double min_interval;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "46n:i:t:s:g:f:w:c:h", longopts,
	    NULL)) != -1) {
		if (cli_common_opt(&common, ch, optarg, icmp_usage))
			continue;
		err[0] = '\0';
		switch (ch) {
		case '4':
			run.family = AF_INET;
			break;
		case '6':
			run.family = AF_INET6;
			break;
		case 'n':
			if (parse_int(optarg, 1, ICMP_MAX_COUNT, &v, err,
			    sizeof(err)) == 0)
				ic.p.count = (int)v;
			break;
		case 'i':
			parse_duration(optarg, 1, 1, 60000, &ic.p.interval_ms,
			    err, sizeof(err));
			break;
		case 't':
			parse_duration(optarg, 1, 1, 60000, &ic.p.timeout_ms,
			    err, sizeof(err));
			break;
		case 's':
			if (parse_int(optarg, 0, ICMP_MAX_SIZE, &v, err,
			    sizeof(err)) == 0)
				ic.p.size = (int)v;
			break;
		case 'g':
			parse_duration(optarg, 1, 0, 10000, &run.gap_ms, err,
			    sizeof(err));
			break;
		case 'f':
			targets_load(&tg, optarg, err, sizeof(err));
			break;
		default:
			cli_usage_error(icmp_usage, "unknown option");
		}
		if (err[0] != '\0')
			cli_usage_error(icmp_usage, "-%c: %s", ch, err);
	}
	for (; optind < argc; optind++)
		targets_add(&tg, argv[optind]);
	if (tg.n == 0)
		cli_usage_error(icmp_usage, "no target given");
	/* Never send faster than one request per gap, over all targets. */
	min_interval = run.gap_ms * (double)tg.n;
	if (ic.p.interval_ms < min_interval)
		ic.p.interval_ms = min_interval;
	cli_loop_new(&run.base, &run.dns);
	ic.eng = icmp_engine_new(run.base);
	rc = cli_run_targets(&run, &tg);
	icmp_engine_free(ic.eng);
	evdns_base_free(run.dns, 0);
	event_base_free(run.base);
	targets_free(&tg);
	return rc;
}
