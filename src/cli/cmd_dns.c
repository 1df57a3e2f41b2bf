/* `nocwatch probe dns`: one query against one server, with time and rcode. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "cli.h"
#include "commands.h"
#include "dns.h"
#include "parse.h"

static const char dns_usage[] =
"usage: nocwatch probe dns [-s server[:port]] [-q A|AAAA|PTR] [-t timeout]\n"
"           [-r attempts] [--expect address] [-w time] [-c time] [--json]\n"
"           name ...\n"
"  -s server     the DNS server to ask (default: /etc/resolv.conf)\n"
"  -q type       A (default), AAAA, or PTR (name is then an address)\n"
"  -t timeout    per attempt (default 2s); -r attempts (default 1)\n"
"  --expect ADDR the answer must include ADDR\n"
"  -w, -c        warning / critical response time, e.g. 100ms\n"
"Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad usage).\n";

struct dns_cli {
	struct cli_common	*common;
	struct event_base	*base;
	int			 remaining;
};

static void
dns_cli_done(const struct probe_result *r, void *arg)
{
	struct dns_cli *dc = arg;
	const struct probe_value *t = probe_result_get(r, "time_ms");
	const struct probe_value *rc = probe_result_get(r, "rcode");
	const struct probe_value *ttl = probe_result_get(r, "ttl");
	char summary[400] = "", ms[16];

	if (t != NULL && rc != NULL)
		snprintf(summary, sizeof(summary), "%s%s%s in %s ms",
		    r->outcome == PROBE_OK ? r->detail : "",
		    r->outcome == PROBE_OK ? ", " : "",
		    rc->value == 0 ? "NOERROR" : rc->value == 3 ? "NXDOMAIN" :
		    rc->value == 2 ? "SERVFAIL" : rc->value == 5 ? "REFUSED" :
		    "error", cli_ms(t->value, ms, sizeof(ms)));
	if (ttl != NULL) {
		size_t n = strlen(summary);

		snprintf(summary + n, sizeof(summary) - n, ", ttl %.0f s",
		    ttl->value);
	}
	cli_report(dc->common, r, summary);
	if (--dc->remaining == 0)
		event_base_loopexit(dc->base, NULL);
}

int
cmd_probe_dns(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "expect", required_argument, NULL, 'E' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_common common = { .time_key = "time_ms" };
	struct dns_params dp = { .timeout_ms = 2000, .attempts = 1 };
	struct dns_cli dc = { .common = &common };
	struct evdns_base *unused;
	char err[256], host[256];
	long long v;
	int ch, port;

	while ((ch = getopt_long(argc, argv, "s:q:t:r:w:c:h", longopts,
	    NULL)) != -1) {
		if (cli_common_opt(&common, ch, optarg, dns_usage))
			continue;
		err[0] = '\0';
		switch (ch) {
		case 's':
			if (parse_hostport(optarg, host, sizeof(host), &port,
			    53, err, sizeof(err)) == 0)
				dp.server = optarg;
			break;
		case 'q':
			if (dns_qtype_parse(optarg, &dp.qtype) == -1)
				snprintf(err, sizeof(err), "unsupported query "
				    "type '%.16s' (A, AAAA or PTR)", optarg);
			break;
		case 't':
			parse_duration(optarg, 1, 10, 60000, &dp.timeout_ms,
			    err, sizeof(err));
			break;
		case 'r':
			if (parse_int(optarg, 1, 10, &v, err, sizeof(err)) == 0)
				dp.attempts = (int)v;
			break;
		case 'E':
			dp.expect = optarg;
			break;
		default:
			cli_usage_error(dns_usage, "unknown option");
		}
		if (err[0] != '\0')
			cli_usage_error(dns_usage, "-%c: %s", ch, err);
	}
	if (optind >= argc)
		cli_usage_error(dns_usage, "no name given");
	common.single = argc - optind == 1;
	cli_loop_new(&dc.base, &unused);
	evdns_base_free(unused, 0);
	dc.remaining = argc - optind;
	for (; optind < argc; optind++) {
		if (strlen(argv[optind]) > 253)
			cli_usage_error(dns_usage, "name too long");
		dns_probe_start(dc.base, argv[optind], &dp, dns_cli_done, &dc);
	}
	event_base_dispatch(dc.base);
	event_base_free(dc.base);
	return common.worst;
}
