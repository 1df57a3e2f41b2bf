/* `nocwatch probe tcp`: connect time, refused/unreachable/timeout, banners. */
#include <sys/socket.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "cli.h"
#include "commands.h"
#include "escape.h"
#include "parse.h"
#include "targets.h"
#include "tcp.h"

static const char tcp_usage[] =
"usage: nocwatch probe tcp [-46] [-p port] [-t timeout] [--send STR]\n"
"           [--expect STR] [-w time] [-c time] [--json] [-f file]\n"
"           host[:port] ...\n"
"  -p port        port for targets given without one\n"
"  -t timeout     whole probe (default 3s)\n"
"  --send STR     send STR after connecting (\\r \\n \\t \\\\ \\xNN escapes)\n"
"  --expect STR   wait for STR in the response (a banner check)\n"
"  -w, -c         warning / critical connect time, e.g. 200ms\n"
"Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad usage).\n";

static int
tcp_cli_start(struct cli_run *run, const char *target,
    const struct sockaddr *sa, socklen_t len, probe_done_cb cb, void *arg)
{
	return tcp_probe_start(run->base, target, sa, len, run->ctx, cb, arg) ?
	    0 : -1;
}

static void
tcp_cli_summary(const struct probe_result *r, char *buf, size_t len)
{
	const struct probe_value *c = probe_result_get(r, "connect_ms");
	const struct probe_value *resp = probe_result_get(r, "response_ms");
	char a[16], b[16];

	if (c == NULL)
		return;
	if (resp != NULL)
		snprintf(buf, len, "connect %s ms, response %s ms",
		    cli_ms(c->value, a, 16),
		    cli_ms(resp->value, b, 16));
	else
		snprintf(buf, len, "connect %s ms", cli_ms(c->value, a, 16));
}

int
cmd_probe_tcp(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "send", required_argument, NULL, 'S' },
		{ "expect", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 }
	};
	static char sendbuf[4096], expectbuf[1024];
	struct cli_common common = { .time_key = "connect_ms" };
	struct tcp_params tp = { .timeout_ms = 3000 };
	struct cli_run run = { .common = &common, .family = AF_UNSPEC,
	    .gap_ms = 0, .want_port = 1, .start = tcp_cli_start,
	    .summary = tcp_cli_summary, .ctx = &tp };
	struct targets tg = { 0 };
	char err[256];
	long n;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "46p:t:f:w:c:h", longopts,
	    NULL)) != -1) {
		if (cli_common_opt(&common, ch, optarg, tcp_usage))
			continue;
		err[0] = '\0';
		switch (ch) {
		case '4':
			run.family = AF_INET;
			break;
		case '6':
			run.family = AF_INET6;
			break;
		case 'p':
			parse_port(optarg, &run.default_port, err, sizeof(err));
			break;
		case 't':
			parse_duration(optarg, 1, 1, 600000, &tp.timeout_ms,
			    err, sizeof(err));
			break;
		case 'S':
			if ((n = str_unescape(sendbuf, sizeof(sendbuf),
			    optarg)) < 0)
				snprintf(err, sizeof(err), "bad escape or "
				    "longer than %zu bytes", sizeof(sendbuf) - 1);
			tp.send = sendbuf;
			tp.send_len = (size_t)n;
			break;
		case 'E':
			if ((n = str_unescape(expectbuf, sizeof(expectbuf),
			    optarg)) <= 0)
				snprintf(err, sizeof(err), "empty, bad escape "
				    "or too long");
			tp.expect = expectbuf;
			break;
		case 'f':
			targets_load(&tg, optarg, err, sizeof(err));
			break;
		default:
			cli_usage_error(tcp_usage, "unknown option");
		}
		if (err[0] != '\0' && (ch == 'S' || ch == 'E'))
			cli_usage_error(tcp_usage, "%s: %s", ch == 'S' ?
			    "--send" : "--expect", err);
		if (err[0] != '\0')
			cli_usage_error(tcp_usage, "-%c: %s", ch, err);
	}
	for (; optind < argc; optind++)
		targets_add(&tg, argv[optind]);
	if (tg.n == 0)
		cli_usage_error(tcp_usage, "no target given");
	cli_loop_new(&run.base, &run.dns);
	rc = cli_run_targets(&run, &tg);
	evdns_base_free(run.dns, 0);
	event_base_free(run.base);
	targets_free(&tg);
	return rc;
}
