/*
 * `nocwatch report`: incidents against their SLA per priority, and each
 * site's outages and availability, from the store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <jansson.h>

#include "clock.h"
#include "commands.h"
#include "config.h"
#include "report.h"
#include "store.h"
#include "store_cmds.h"
#include "xmalloc.h"

/* A duration as "3d 4h", "2h 05m", "4m 12s" or "12.3s". */
static const char *
dur_text(double s, char *buf, size_t len)
{
	long long n = (long long)(s + 0.5);

	if (s < 60)
		snprintf(buf, len, "%.1fs", s);
	else if (n < 3600)
		snprintf(buf, len, "%lldm %02llds", n / 60, n % 60);
	else if (n < 86400)
		snprintf(buf, len, "%lldh %02lldm", n / 3600, n % 3600 / 60);
	else
		snprintf(buf, len, "%lldd %lldh", n / 86400, n % 86400 / 3600);
	return buf;
}

static void
print_report(json_t *r, const char *from, const char *until, double days)
{
	json_t *x, *v;
	size_t i;
	char b[64], n[200];

	if (days < 2)
		printf("report %s .. %s (%.1f hours)\n\n", from, until,
		    days * 24);
	else
		printf("report %s .. %s (%.1f days)\n\n", from, until, days);
	printf("%-8s %7s %9s %10s %9s %16s %9s\n", "priority", "opened",
	    "resolved", "in SLA", "% in SLA", "mean outage", "open now");
	json_array_foreach(json_object_get(r, "priorities"), i, x) {
		v = json_object_get(x, "pct_within_sla");
		printf("%-8s %7lld %9lld %10lld %9s %16s %9lld\n",
		    json_string_value(json_object_get(x, "priority")),
		    json_integer_value(json_object_get(x, "opened")),
		    json_integer_value(json_object_get(x, "resolved")),
		    json_integer_value(json_object_get(x,
		    "resolved_within_sla")), json_is_null(v) ? "-" :
		    (snprintf(n, sizeof(n), "%.1f", json_real_value(v)), n),
		    json_is_null(json_object_get(x, "mean_outage_s")) ? "-" :
		    dur_text(json_real_value(json_object_get(x,
		    "mean_outage_s")), b, sizeof(b)),
		    json_integer_value(json_object_get(x, "open_at_end")));
	}
	printf("\n%-24s %8s %14s %13s\n", "site", "outages", "time cut off",
	    "availability");
	json_array_foreach(json_object_get(r, "sites"), i, x)
		printf("%-24s %8lld %14s %12.3f%%\n", sc_esc(json_string_value(
		    json_object_get(x, "site")), n, 25),
		    json_integer_value(json_object_get(x, "outages")),
		    dur_text(json_real_value(json_object_get(x, "outage_s")), b,
		    sizeof(b)), json_real_value(json_object_get(x,
		    "availability_pct")));
}

static int
cmd_report(int argc, char **argv)
{
	struct opts o;
	struct store *st;
	const char **sites = NULL;
	size_t nsites = 0, i;
	json_t *r;
	char f[40], u[40];
	int status;

	if (sc_no_operands(argc, argv, &o, &status) == -1)
		return status;
	if (o.until == 0)
		o.until = (long long)time(NULL) * 1000;
	if (o.from == 0)
		o.from = o.until - 30LL * 86400000;
	if (o.from >= o.until) {
		fprintf(stderr, "nocwatch: report: --from must be before --until\n");
		config_free(o.w.conf);
		return STATUS_UNKNOWN;
	}
	if ((st = sc_open_db(&o.w)) == NULL) {
		config_free(o.w.conf);
		return STATUS_UNKNOWN;
	}
	if (o.w.conf != NULL) {
		nsites = o.w.conf->nsites;
		sites = xcalloc(nsites + 1, sizeof(*sites));
		for (i = 0; i < nsites; i++)
			sites[i] = o.w.conf->sites[i].name;
	}
	r = report_build(st, o.from, o.until, sites, nsites);
	free(sites);
	store_close(st);
	if (r == NULL) {
		fprintf(stderr, "nocwatch: report: cannot read the store\n");
		config_free(o.w.conf);
		return STATUS_UNKNOWN;
	}
	iso8601(o.from, f, sizeof(f));
	iso8601(o.until, u, sizeof(u));
	json_object_set_new(r, "from", json_string(f));
	json_object_set_new(r, "until", json_string(u));
	if (o.json) {
		json_dumpf(r, stdout, JSON_INDENT(2));
		putchar('\n');
	} else
		print_report(r, f, u, (double)(o.until - o.from) / 86400000);
	json_decref(r);
	config_free(o.w.conf);
	return 0;
}

const struct cmd_entry cmd_report_entry = {
	"report", "[--from TIME] [--until TIME]",
	"incidents against their SLA, site availability", cmd_report
};
