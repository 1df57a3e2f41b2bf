/*
 * `nocwatch incidents`, `nocwatch incident ID`, `nocwatch ack ID` and
 * `nocwatch maintenance add|list|remove`.  Lists are read from the store
 * itself (read-only, so they work while the daemon is down, for a
 * post-mortem); changes go through the daemon's control socket so that the
 * daemon records and notifies them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "clock.h"
#include "paths.h"
#include "commands.h"
#include "config.h"
#include "escape.h"
#include "parse.h"
#include "report.h"
#include "secret.h"
#include "store.h"
#include "threshold.h"
#include "xmalloc.h"

#define DEFAULT_DB	NOCWATCH_STATE_DB

struct where {
	const char	*db;
	const char	*sock;
	struct config	*conf;
};

static const char incidents_usage[] =
"usage: nocwatch incidents [--open] [--state open|acknowledged|resolved]\n"
"                          [--priority P1..P4] [--limit N] [--json]\n"
"                          [--db FILE | -f CONFIG]\n"
"       nocwatch incident ID [--json] [--db FILE | -f CONFIG]\n"
"       nocwatch ack ID [--by NAME] [--socket PATH | -f CONFIG]\n"
"       nocwatch maintenance add --site NAME|--device NAME\n"
"                 (--for DURATION | --until TIME) [--from TIME] [--reason TEXT]\n"
"       nocwatch maintenance list [--all] [--json]\n"
"       nocwatch maintenance remove ID\n"
"       nocwatch report [--from TIME] [--until TIME] [--json]\n"
"                 [--db FILE | -f CONFIG]   (the last 30 days by default)\n"
"  --db FILE       the incident store (default " DEFAULT_DB ")\n"
"  --socket PATH   the daemon's control socket (default " NOCWATCH_CONTROL_SOCK ")\n"
"  -f CONFIG       take both from nocwatchd's configuration\n"
"  TIME            2026-11-24T18:00:00Z (UTC) or seconds since the epoch\n";

/* Device and site strings are shown escaped: no terminal control codes. */
static const char *
esc(const char *s, char *buf, size_t len)
{
	return s ? str_escape(buf, len, s, strlen(s)) : "-";
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
}

static int
where_option(struct where *w, int ch, const char *arg)
{
	if (ch == 'D')
		w->db = arg;
	else if (ch == 'S')
		w->sock = arg;
	else if (ch == 'f') {
		config_free(w->conf);
		w->conf = config_load(arg);
		if (w->conf->nerrors > 0) {
			fprintf(stderr, "nocwatch: %s\n", w->conf->errors[0]);
			return -1;
		}
		w->db = w->conf->state_db;
		w->sock = w->conf->control;
	} else
		return -1;
	return 0;
}

static struct store *
open_db(struct where *w)
{
	char err[512];
	struct store *st = store_open(w->db ? w->db : DEFAULT_DB, 1, err,
	    sizeof(err));

	if (st == NULL)
		fprintf(stderr, "nocwatch: %s\n", err);
	return st;
}

static void
print_list(json_t *a)
{
	json_t *o, *x;
	size_t i, j;
	char t[80], s[200], b[64];

	printf("%-6s %-3s %-14s %-13s %-20s %-40s %s\n", "id", "pri", "cause",
	    "state", "opened", "title", "sites");
	json_array_foreach(a, i, o) {
		s[0] = '\0';
		json_array_foreach(json_object_get(o, "sites"), j, x) {
			if (strlen(s) > 150)
				break;
			snprintf(s + strlen(s), sizeof(s) - strlen(s), "%s%s",
			    j ? "," : "", esc(json_string_value(x), b,
			    sizeof(b)));
		}
		printf("%-6lld %-3s %-14s %-13s %-20s %-40s %s%s\n",
		    json_integer_value(json_object_get(o, "id")),
		    jstr(o, "priority"), jstr(o, "cause"), jstr(o, "state"),
		    jstr(o, "opened_at"), esc(jstr(o, "title"), t, 41), s,
		    json_is_true(json_object_get(o, "flapping")) ?
		    " (flapping)" : "");
	}
}

static int
usage_err(void)
{
	fputs(incidents_usage, stderr);
	return STATUS_UNKNOWN;
}

static const struct option common_opts[] = {
	{ "db", required_argument, NULL, 'D' },
	{ "socket", required_argument, NULL, 'S' },
	{ "json", no_argument, NULL, 'J' },
	{ "open", no_argument, NULL, 'O' },
	{ "state", required_argument, NULL, 's' },
	{ "priority", required_argument, NULL, 'p' },
	{ "limit", required_argument, NULL, 'l' },
	{ "by", required_argument, NULL, 'b' },
	{ "site", required_argument, NULL, 'T' },
	{ "device", required_argument, NULL, 'V' },
	{ "for", required_argument, NULL, 'F' },
	{ "until", required_argument, NULL, 'U' },
	{ "from", required_argument, NULL, 'B' },
	{ "reason", required_argument, NULL, 'R' },
	{ "all", no_argument, NULL, 'A' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

struct opts {
	struct where	 w;
	int		 json, all, priority, limit;
	const char	*state, *by, *site, *device, *reason;
	double		 for_ms;
	long long	 from, until;
};

static int
parse_time(const char *s, long long *ms)
{
	struct tm tm;
	char *end;
	long long n;

	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm)) != NULL &&
	    *end == '\0') {
		*ms = (long long)timegm(&tm) * 1000;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	if ((end = strptime(s, "%Y-%m-%dT%H:%MZ", &tm)) != NULL && *end == '\0') {
		*ms = (long long)timegm(&tm) * 1000;
		return 0;
	}
	n = strtoll(s, &end, 10);
	if (end != s && *end == '\0' && n > 0) {
		*ms = n * 1000;
		return 0;
	}
	return -1;
}

/* Options common to the four commands; -1 on a bad one, 1 for --help. */
static int
parse_opts(int argc, char **argv, struct opts *o)
{
	char err[160];
	long long n;
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "f:h", common_opts, NULL)) != -1) {
		switch (ch) {
		case 'D': case 'S': case 'f':
			if (where_option(&o->w, ch, optarg) == -1)
				return -1;
			break;
		case 'J': o->json = 1; break;
		case 'A': o->all = 1; break;
		case 'O': o->state = "active"; break;
		case 's':
			if (strcmp(optarg, "open") != 0 && strcmp(optarg,
			    "acknowledged") != 0 && strcmp(optarg, "resolved"))
				return -1;
			o->state = optarg;
			break;
		case 'p':
			if ((optarg[0] != 'P' && optarg[0] != 'p') ||
			    optarg[1] < '1' || optarg[1] > '4' || optarg[2])
				return -1;
			o->priority = optarg[1] - '0';
			break;
		case 'l':
			if (parse_int(optarg, 1, 100000, &n, err,
			    sizeof(err)) == -1)
				return -1;
			o->limit = (int)n;
			break;
		case 'b': o->by = optarg; break;
		case 'T': o->site = optarg; break;
		case 'V': o->device = optarg; break;
		case 'R': o->reason = optarg; break;
		case 'F':
			if (parse_duration(optarg, 60000, 1000, 366 * 86400000.0,
			    &o->for_ms, err, sizeof(err)) == -1) {
				fprintf(stderr, "nocwatch: --for: %s\n", err);
				return -1;
			}
			break;
		case 'U': case 'B':
			if (parse_time(optarg, ch == 'U' ? &o->until :
			    &o->from) == -1) {
				fprintf(stderr, "nocwatch: bad time '%.40s'\n",
				    optarg);
				return -1;
			}
			break;
		case 'h':
			return 1;
		default:
			return -1;
		}
	}
	return 0;
}

/* The options of a command without operands: 0 to go on, or -1 with the
 * exit status (0 after --help, else a usage error). */
static int
no_operands(int argc, char **argv, struct opts *o, int *status)
{
	int rc = parse_opts(argc, argv, o);

	if (rc == 0 && optind == argc)
		return 0;
	config_free(o->w.conf);
	if (rc == 1) {
		fputs(incidents_usage, stdout);
		*status = 0;
	} else
		*status = usage_err();
	return -1;
}

static long long
id_arg(int argc, char **argv)
{
	char err[160];
	long long id;

	if (optind != argc - 1 || parse_int(argv[optind], 1, (long long)1 << 53,
	    &id, err, sizeof(err)) == -1)
		return -1;
	return id;
}

int
cmd_incidents(int argc, char **argv)
{
	struct opts o;
	struct store *st;
	json_t *a;
	int status;

	if (no_operands(argc, argv, &o, &status) == -1)
		return status;
	if ((st = open_db(&o.w)) == NULL) {
		config_free(o.w.conf);
		return STATUS_UNKNOWN;
	}
	a = store_incidents_json(st, o.state, o.priority, o.limit);
	if (o.json) {
		json_dumpf(a, stdout, JSON_INDENT(2));
		putchar('\n');
	} else
		print_list(a);
	json_decref(a);
	store_close(st);
	config_free(o.w.conf);
	return 0;
}

static void
print_rows(const char *title, json_t *a, const char *k1, const char *k2)
{
	json_t *x;
	size_t i;
	char b1[200], b2[400];

	printf("%s:\n", title);
	json_array_foreach(a, i, x)
		printf("  %s  %-16s %s\n", jstr(x, "at"), esc(jstr(x, k1), b1,
		    sizeof(b1)), esc(jstr(x, k2), b2, sizeof(b2)));
}

static void
print_one(json_t *o)
{
	json_t *x;
	size_t i;
	char b[400];

	printf("incident %lld  %s %s  %s%s\n", json_integer_value(
	    json_object_get(o, "id")), jstr(o, "priority"), jstr(o, "cause"),
	    jstr(o, "state"), json_is_true(json_object_get(o, "flapping")) ?
	    " (flapping)" : "");
	printf("  %s\n", esc(jstr(o, "title"), b, sizeof(b)));
	printf("  started %s, opened %s, acknowledged %s, resolved %s\n",
	    jstr(o, "started_at"), jstr(o, "opened_at"),
	    jstr(o, "acknowledged_at"), jstr(o, "resolved_at"));
	printf("  SLA: respond by %s, resolve by %s\n", jstr(o,
	    "sla_respond_by"), jstr(o, "sla_resolve_by"));
	if (json_is_number(json_object_get(o, "duration_s")))
		printf("  outage lasted %.0f s\n", json_number_value(
		    json_object_get(o, "duration_s")));
	printf("  sites:");
	json_array_foreach(json_object_get(o, "sites"), i, x)
		printf(" %s", esc(json_string_value(x), b, sizeof(b)));
	printf("\n  devices:");
	json_array_foreach(json_object_get(o, "devices"), i, x)
		printf(" %s", esc(json_string_value(x), b, sizeof(b)));
	printf("\n");
	print_rows("timeline", json_object_get(o, "timeline"), "event",
	    "detail");
	print_rows("evidence", json_object_get(o, "evidence"), "source",
	    "observation");
	print_rows("notifications", json_object_get(o, "notifications"),
	    "event", "delivery");
}

int
cmd_incident(int argc, char **argv)
{
	struct opts o;
	struct store *st;
	json_t *j;
	long long id;
	int rc = parse_opts(argc, argv, &o);

	if (rc == 1) {
		fputs(incidents_usage, stdout);
		config_free(o.w.conf);
		return 0;
	}
	if (rc != 0 || (id = id_arg(argc, argv)) < 0) {
		config_free(o.w.conf);
		return usage_err();
	}
	if ((st = open_db(&o.w)) == NULL) {
		config_free(o.w.conf);
		return STATUS_UNKNOWN;
	}
	if ((j = store_incident_json(st, id)) == NULL) {
		fprintf(stderr, "nocwatch: no incident %lld\n", id);
		rc = STATUS_WARNING;
	} else if (o.json) {
		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
	} else
		print_one(j);
	json_decref(j);
	store_close(st);
	config_free(o.w.conf);
	return rc;
}

/* Send a command; 0 and the answer printed, or an error. */
static int
send_cmd(struct opts *o, json_t *req)
{
	char *line = json_dumps(req, JSON_COMPACT), *ans, err[300];
	json_t *rep;
	int rc = 0;

	json_decref(req);
	ans = control_request(o->w.sock ? o->w.sock : NOCWATCH_CONTROL_SOCK,
	    line, err, sizeof(err));
	free(line);
	if (ans == NULL) {
		fprintf(stderr, "nocwatch: %s\n", err);
		return STATUS_CRITICAL;
	}
	if ((rep = json_loads(ans, 0, NULL)) == NULL) {
		fprintf(stderr, "nocwatch: bad answer from the daemon\n");
		rc = STATUS_UNKNOWN;
	} else if (json_object_get(rep, "error") != NULL) {
		fprintf(stderr, "nocwatch: %s\n", jstr(rep, "error"));
		rc = STATUS_WARNING;
	} else if (o->json)
		printf("%s", ans);
	else if (json_object_get(rep, "acknowledged"))
		printf("incident %lld acknowledged\n", json_integer_value(
		    json_object_get(rep, "acknowledged")));
	else if (json_object_get(rep, "removed"))
		printf("maintenance %lld removed\n", json_integer_value(
		    json_object_get(rep, "removed")));
	else
		printf("maintenance %lld added\n", json_integer_value(
		    json_object_get(rep, "id")));
	json_decref(rep);
	free(ans);
	return rc;
}

int
cmd_ack(int argc, char **argv)
{
	struct opts o;
	long long id;
	const char *who;
	int rc = parse_opts(argc, argv, &o);

	if (rc != 0 || (id = id_arg(argc, argv)) < 0) {
		config_free(o.w.conf);
		if (rc == 1) {
			fputs(incidents_usage, stdout);
			return 0;
		}
		return usage_err();
	}
	who = o.by ? o.by : getenv("SUDO_USER") ? getenv("SUDO_USER") :
	    getenv("USER") ? getenv("USER") : "cli";
	rc = send_cmd(&o, json_pack("{s:s, s:I, s:s}", "cmd", "ack", "id",
	    (json_int_t)id, "by", who));
	config_free(o.w.conf);
	return rc;
}

static void
print_maint(json_t *a)
{
	json_t *x;
	size_t i;
	char b1[80], b2[200];

	printf("%-5s %-7s %-20s %-21s %-21s %-7s %-10s %s\n", "id", "scope",
	    "name", "starts", "ends", "active", "suppressed", "reason");
	json_array_foreach(a, i, x)
		printf("%-5lld %-7s %-20s %-21s %-21s %-7s %-10lld %s\n",
		    json_integer_value(json_object_get(x, "id")),
		    jstr(x, "scope"), esc(jstr(x, "name"), b1, 21),
		    jstr(x, "starts"), jstr(x, "ends"),
		    json_is_true(json_object_get(x, "active")) ? "yes" : "no",
		    json_integer_value(json_object_get(x, "suppressed")),
		    esc(jstr(x, "reason"), b2, sizeof(b2)));
}

int
cmd_maintenance(int argc, char **argv)
{
	struct opts o;
	struct store *st;
	const char *sub = argc > 1 ? argv[1] : "";
	long long now = wall_ms(), id;
	json_t *a;
	int rc;

	if (argc < 2)
		return usage_err();
	rc = parse_opts(argc - 1, argv + 1, &o);
	if (rc == 1) {
		config_free(o.w.conf);
		fputs(incidents_usage, stdout);
		return 0;
	}
	if (rc != 0)
		goto bad;
	if (strcmp(sub, "list") == 0 && optind == argc - 1) {
		if ((st = open_db(&o.w)) == NULL) {
			config_free(o.w.conf);
			return STATUS_UNKNOWN;
		}
		a = store_maint_json(st, o.all);
		if (o.json) {
			json_dumpf(a, stdout, JSON_INDENT(2));
			putchar('\n');
		} else
			print_maint(a);
		json_decref(a);
		store_close(st);
		rc = 0;
	} else if (strcmp(sub, "add") == 0 && optind == argc - 1 &&
	    (o.site != NULL) != (o.device != NULL) &&
	    (o.for_ms > 0) != (o.until > 0)) {
		if (o.from == 0)
			o.from = now;
		if (o.until == 0)
			o.until = o.from + (long long)o.for_ms;
		rc = send_cmd(&o, json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}",
		    "cmd", "maintenance-add", "scope", o.site ? "site" :
		    "device", "name", o.site ? o.site : o.device, "starts",
		    (json_int_t)o.from, "ends", (json_int_t)o.until, "reason",
		    o.reason ? o.reason : ""));
	} else if (strcmp(sub, "remove") == 0 &&
	    (id = id_arg(argc - 1, argv + 1)) > 0)
		rc = send_cmd(&o, json_pack("{s:s, s:I}", "cmd",
		    "maintenance-remove", "id", (json_int_t)id));
	else
		goto bad;
	config_free(o.w.conf);
	return rc;
bad:
	config_free(o.w.conf);
	return usage_err();
}

/* `nocwatch token [read|write] [TOKEN]`: a new token and its config line. */
int
cmd_token(int argc, char **argv)
{
	unsigned char raw[24];
	char tok[64], hash[80];
	const char *scope = argc > 1 ? argv[1] : "read";
	size_t i;

	if ((strcmp(scope, "read") != 0 && strcmp(scope, "write") != 0) ||
	    argc > 3) {
		fputs("usage: nocwatch token [read|write] [TOKEN]\n", stderr);
		return STATUS_UNKNOWN;
	}
	if (argc == 3)
		snprintf(tok, sizeof(tok), "%.60s", argv[2]);
	else {
		if (getentropy(raw, sizeof(raw)) == -1) {
			perror("nocwatch: getentropy");
			return STATUS_UNKNOWN;
		}
		for (i = 0; i < sizeof(raw); i++)
			snprintf(tok + 2 * i, sizeof(tok) - 2 * i, "%02x", raw[i]);
	}
	api_token_hash(tok, hash, sizeof(hash));
	printf("token: %s\n", tok);
	printf("api-token %s \"%s\"\n", scope, hash);
	return 0;
}

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
		printf("%-24s %8lld %14s %12.3f%%\n", esc(json_string_value(
		    json_object_get(x, "site")), n, 25),
		    json_integer_value(json_object_get(x, "outages")),
		    dur_text(json_real_value(json_object_get(x, "outage_s")), b,
		    sizeof(b)), json_real_value(json_object_get(x,
		    "availability_pct")));
}

int
cmd_report(int argc, char **argv)
{
	struct opts o;
	struct store *st;
	const char **sites = NULL;
	size_t nsites = 0, i;
	json_t *r;
	char f[40], u[40];
	int status;

	if (no_operands(argc, argv, &o, &status) == -1)
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
	if ((st = open_db(&o.w)) == NULL) {
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
