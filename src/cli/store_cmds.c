/*
 * What the store's and the daemon's commands share (store_cmds.h).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "commands.h"
#include "config.h"
#include "escape.h"
#include "parse.h"
#include "store.h"
#include "store_cmds.h"

const char sc_usage[] =
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

static const struct option sc_opts[] = {
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

/* Device and site strings are shown escaped: no terminal control codes. */
const char *
sc_esc(const char *s, char *buf, size_t len)
{
	return s ? str_escape(buf, len, s, strlen(s)) : "-";
}

const char *
sc_jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "-";
}

int
sc_where_option(struct where *w, int ch, const char *arg)
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

struct store *
sc_open_db(struct where *w)
{
	char err[512];
	struct store *st = store_open(w->db ? w->db : DEFAULT_DB, 1, err,
	    sizeof(err));

	if (st == NULL)
		fprintf(stderr, "nocwatch: %s\n", err);
	return st;
}

int
sc_usage_err(void)
{
	fputs(sc_usage, stderr);
	return STATUS_UNKNOWN;
}

int
sc_parse_time(const char *s, long long *ms)
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
int
sc_parse_opts(int argc, char **argv, struct opts *o)
{
	char err[160];
	long long n;
	int ch;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "f:h", sc_opts, NULL)) != -1) {
		switch (ch) {
		case 'D': case 'S': case 'f':
			if (sc_where_option(&o->w, ch, optarg) == -1)
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
			if (sc_parse_time(optarg, ch == 'U' ? &o->until :
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
int
sc_no_operands(int argc, char **argv, struct opts *o, int *status)
{
	int rc = sc_parse_opts(argc, argv, o);

	if (rc == 0 && optind == argc)
		return 0;
	config_free(o->w.conf);
	if (rc == 1) {
		fputs(sc_usage, stdout);
		*status = 0;
	} else
		*status = sc_usage_err();
	return -1;
}

long long
sc_id_arg(int argc, char **argv)
{
	char err[160];
	long long id;

	if (optind != argc - 1 || parse_int(argv[optind], 1, (long long)1 << 53,
	    &id, err, sizeof(err)) == -1)
		return -1;
	return id;
}

/* Send a command; 0 and the answer printed, or an error. */
int
sc_send_cmd(struct opts *o, json_t *req)
{
	json_t *rep, *v;
	size_t i;
	char *text;
	int rc;

	if ((rep = control_call(o->w.sock, req, &rc)) == NULL)
		return rc;
	if (o->json) {
		if ((text = json_dumps(rep, JSON_COMPACT)) != NULL)
			printf("%s\n", text);
		free(text);
	} else if (json_object_get(rep, "acknowledged"))
		printf("incident %lld acknowledged\n", json_integer_value(
		    json_object_get(rep, "acknowledged")));
	else if (json_object_get(rep, "removed"))
		json_array_foreach(json_object_get(rep, "removed"), i, v)
			printf("maintenance %lld removed\n",
			    json_integer_value(v));
	else
		printf("maintenance %lld added\n", json_integer_value(
		    json_object_get(rep, "id")));
	json_decref(rep);
	return 0;
}
