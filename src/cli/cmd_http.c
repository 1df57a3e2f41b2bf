/* `nocwatch probe http`: status, time to first byte, body, certificate age. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "cli.h"
#include "commands.h"
#include "http.h"
#include "parse.h"

static const char http_usage[] =
"usage: nocwatch probe http [--head] [-t timeout] [-k|--insecure] [-L]\n"
"           [--status CODE] [--expect STR] [--cacert FILE]\n"
"           [--cert-warn DAYS] [--cert-crit DAYS] [-w time] [-c time]\n"
"           [--json] url ...\n"
"  --head         HEAD instead of GET\n"
"  -t timeout     whole transfer (default 10s)\n"
"  -k, --insecure do not verify the server certificate\n"
"  -L             follow up to 5 redirects\n"
"  --status CODE  require this status (default: any below 400)\n"
"  --expect STR   the body must contain STR\n"
"  --cacert FILE  also trust the certificates in FILE\n"
"  --cert-warn D, --cert-crit D  certificate expiring in under D days\n"
"  -w, -c         warning / critical total time, e.g. 500ms\n"
"Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad usage).\n";

struct http_cli {
	struct cli_common	*common;
	struct event_base	*base;
	int			 remaining;
};

static void
http_cli_done(const struct probe_result *r, void *arg)
{
	struct http_cli *hc = arg;
	const struct probe_value *tt = probe_result_get(r, "ttfb_ms");
	const struct probe_value *tot = probe_result_get(r, "total_ms");
	const struct probe_value *cd = probe_result_get(r, "cert_days");
	const struct probe_value *b = probe_result_get(r, "bytes");
	char summary[300] = "", a[16], c[16];
	int n = 0;

	if (tt != NULL && tot != NULL && b != NULL)
		n = snprintf(summary, sizeof(summary), "%s%sttfb %s ms, total "
		    "%s ms, %.0f bytes", r->outcome == PROBE_OK ? r->detail : "",
		    r->outcome == PROBE_OK ? ", " : "",
		    cli_ms(tt->value, a, 16), cli_ms(tot->value, c, 16),
		    b->value);
	if (cd != NULL && n > 0 && (size_t)n < sizeof(summary))
		snprintf(summary + n, sizeof(summary) - (size_t)n,
		    ", certificate expires in %.0f days", cd->value);
	cli_report(hc->common, r, summary);
	if (--hc->remaining == 0)
		event_base_loopexit(hc->base, NULL);
}

static int
http_url_ok(const char *u)
{
	return (strncmp(u, "http://", 7) == 0 && u[7] != '\0') ||
	    (strncmp(u, "https://", 8) == 0 && u[8] != '\0');
}

int
cmd_probe_http(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "head", no_argument, NULL, 'H' },
		{ "insecure", no_argument, NULL, 'k' },
		{ "status", required_argument, NULL, 'S' },
		{ "expect", required_argument, NULL, 'E' },
		{ "cacert", required_argument, NULL, 'A' },
		{ "cert-warn", required_argument, NULL, 'W' },
		{ "cert-crit", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_common common = { .time_key = "total_ms",
	    .min_key = "cert_days", .warn_min = -1, .crit_min = -1 };
	struct http_params hp = { .timeout_ms = 10000 };
	struct http_cli hc = { .common = &common };
	struct evdns_base *unused;
	struct http_engine *eng;
	char err[256];
	long long v;
	int ch;

	while ((ch = getopt_long(argc, argv, "kLt:w:c:h", longopts,
	    NULL)) != -1) {
		if (cli_common_opt(&common, ch, optarg, http_usage))
			continue;
		err[0] = '\0';
		switch (ch) {
		case 'H':
			hp.head = 1;
			break;
		case 'k':
			hp.insecure = 1;
			break;
		case 'L':
			hp.follow = 1;
			break;
		case 't':
			parse_duration(optarg, 1, 10, 600000, &hp.timeout_ms,
			    err, sizeof(err));
			break;
		case 'S':
			if (parse_int(optarg, 100, 599, &v, err, sizeof(err)) == 0)
				hp.expect_status = (int)v;
			break;
		case 'E':
			hp.expect_body = optarg;
			break;
		case 'A':
			hp.ca_file = optarg;
			break;
		case 'W':
		case 'C':
			if (parse_int(optarg, 0, 3650, &v, err, sizeof(err)) == 0)
				*(ch == 'W' ? &common.warn_min :
				    &common.crit_min) = (double)v;
			break;
		default:
			cli_usage_error(http_usage, "unknown option");
		}
		if (err[0] != '\0')
			cli_usage_error(http_usage, "option %s: %s",
			    argv[optind - 1], err);
	}
	if (optind >= argc)
		cli_usage_error(http_usage, "no URL given");
	for (int i = optind; i < argc; i++)
		if (!http_url_ok(argv[i]) || strlen(argv[i]) > 2000)
			cli_usage_error(http_usage, "'%.80s' is not an http:// "
			    "or https:// URL", argv[i]);
	common.single = argc - optind == 1;
	cli_loop_new(&hc.base, &unused);
	evdns_base_free(unused, 0);
	eng = http_engine_new(hc.base);
	hc.remaining = argc - optind;
	for (; optind < argc; optind++)
		http_probe_start(eng, argv[optind], &hp, http_cli_done, &hc);
	event_base_dispatch(hc.base);
	http_engine_free(eng);
	event_base_free(hc.base);
	return common.worst;
}
