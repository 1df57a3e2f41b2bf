/* `nocwatch traps listen`: print SNMP traps and informs as they arrive. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>
#include <jansson.h>

#include "cli.h"
#include "commands.h"
#include "escape.h"
#include "parse.h"
#include "targets.h"
#include "trap.h"

static const char traps_usage[] =
"usage: nocwatch traps listen [addr:]port [--json] [--community-file FILE]\n"
"           [--v3-users FILE] [-c count] [-t seconds]\n"
"  port               UDP port (162 needs root); addr 0.0.0.0 by default\n"
"  --community-file   accepted communities, one per line: COMMUNITY, or\n"
"                     COMMUNITY from ADDR[/LEN] for one source (default:\n"
"                     $NOCWATCH_COMMUNITY, else 'public'); others are counted\n"
"                     and dropped\n"
"  --v3-users FILE    SNMPv3 users, one per line in net-snmp's createUser form:\n"
"                     [-e ENGINEID] user SHA-256 authpass AES privpass\n"
"  -c count, -t secs  stop after count traps or after secs\n";

struct traps_cli {
	struct event_base	*base;
	int			 json;
	long			 max, seen;
};

static void
traps_print_json(const struct trap *t)
{
	json_t *o = json_object(), *vbs = json_array();
	char name[160], num[600];
	char ts[32];
	time_t now = time(NULL);
	struct tm tm;
	size_t i;

	gmtime_r(&now, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
	json_object_set_new(o, "time", json_string(ts));
	json_object_set_new(o, "source", json_string(t->source));
	json_object_set_new(o, "version", json_string(t->version == 2 ? "2c" :
	    t->version == 1 ? "1" : "3"));
	json_object_set_new(o, "inform", json_boolean(t->inform));
	json_object_set_new(o, "trap", json_string(oid_format(&t->oid, name,
	    sizeof(name))));
	json_object_set_new(o, "trap_oid", json_string(
	    oid_format_numeric(&t->oid, num, sizeof(num))));
	json_object_set_new(o, "event", json_string(trap_event_name(t->event)));
	if (t->if_index >= 0)
		json_object_set_new(o, "if_index", json_integer(t->if_index));
	json_object_set_new(o, "uptime", json_integer(t->uptime));
	for (i = 0; i < t->nvb; i++)
		json_array_append_new(vbs, cli_vb_json(&t->vb[i]));
	json_object_set_new(o, "varbinds", vbs);
	cli_json_print(o);
}

static void
traps_cb(const struct trap *t, void *arg)
{
	struct traps_cli *tc = arg;
	char line[2048], ts[32];
	time_t now = time(NULL);
	struct tm tm;

	if (tc->json)
		traps_print_json(t);
	else {
		gmtime_r(&now, &tm);
		strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm);
		printf("%s %s\n", ts, trap_format(t, line, sizeof(line)));
	}
	fflush(stdout);
	if (tc->max > 0 && ++tc->seen >= tc->max)
		event_base_loopexit(tc->base, NULL);
}

/* Every non-empty, non-comment line of path. */
static int
read_lines(const char *path, struct targets *out, char *err, size_t errlen)
{
	char line[512];
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		snprintf(err, errlen, "cannot read %s", path);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] != '\0' && line[0] != '#')
			targets_add(out, line);
	}
	fclose(f);
	return 0;
}

static void
traps_stop(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	event_base_loopexit(arg, NULL);
}

static int
cmd_traps(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ "community-file", required_argument, NULL, 'C' },
		{ "v3-users", required_argument, NULL, 'U' },
		{ NULL, 0, NULL, 0 }
	};
	struct traps_cli tc = { 0 };
	struct targets comms = { 0 }, users = { 0 };
	struct trap_auth auth;
	struct trap_listener *l;
	struct trap_stats st;
	struct event *sig_int, *sig_term, *deadline = NULL;
	struct timeval tv;
	char err[256], where[300], host[256];
	const char *env;
	double secs = 0;
	long long v;
	int ch, port;

	if (argc < 2 || strcmp(argv[1], "listen") != 0) {
		fputs(traps_usage, argc >= 2 && strcmp(argv[1], "--help") == 0 ?
		    stdout : stderr);
		return argc >= 2 && strcmp(argv[1], "--help") == 0 ? 0 :
		    STATUS_UNKNOWN;
	}
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "c:t:h", longopts, NULL)) != -1) {
		err[0] = '\0';
		switch (ch) {
		case 'J':
			tc.json = 1;
			break;
		case 'h':
			fputs(traps_usage, stdout);
			return 0;
		case 'C':
			if (read_lines(optarg, &comms, err, sizeof(err)) == 0 &&
			    comms.n == 0)
				snprintf(err, sizeof(err), "no community in %s",
				    optarg);
			break;
		case 'U':
			read_lines(optarg, &users, err, sizeof(err));
			break;
		case 'c':
			if (parse_int(optarg, 1, 1000000000, &v, err,
			    sizeof(err)) == 0)
				tc.max = (long)v;
			break;
		case 't':
			parse_duration(optarg, 1000, 100, 86400000 * 365.0,
			    &secs, err, sizeof(err));
			break;
		default:
			cli_usage_error(traps_usage, "unknown option");
		}
		if (err[0] != '\0')
			cli_usage_error(traps_usage, "%s", err);
	}
	if (optind != argc - 1)
		cli_usage_error(traps_usage, "give one [addr:]port");
	if (strchr(argv[optind], ':') == NULL && strchr(argv[optind], '[') == NULL) {
		if (parse_port(argv[optind], &port, err, sizeof(err)) == -1)
			cli_usage_error(traps_usage, "%s", err);
		snprintf(where, sizeof(where), "0.0.0.0:%d", port);
	} else {
		if (parse_hostport(argv[optind], host, sizeof(host), &port, 0,
		    err, sizeof(err)) == -1 || port == 0)
			cli_usage_error(traps_usage, "'%.64s': %s", argv[optind],
			    port == 0 ? "no port" : err);
		snprintf(where, sizeof(where), strchr(host, ':') ? "[%s]:%d" :
		    "%s:%d", host, port);
	}
	if (comms.n == 0)
		targets_add(&comms, (env = getenv("NOCWATCH_COMMUNITY")) ?
		    env : "public");
	auth.communities = (const char *const *)comms.v;
	/* comms and users are freed once the listener has copied them. */
	auth.ncommunities = comms.n;
	auth.v3_users = (const char *const *)users.v;
	auth.nv3_users = users.n;
	tc.base = event_base_new();
	l = trap_listen(tc.base, where, &auth, traps_cb, &tc, err, sizeof(err));
	targets_free(&comms);
	targets_free(&users);
	if (l == NULL) {
		fprintf(stderr, "nocwatch: traps: %s\n", err);
		event_base_free(tc.base);
		return STATUS_UNKNOWN;
	}
	fprintf(stderr, "nocwatch: listening for traps on %s\n", where);
	sig_int = evsignal_new(tc.base, SIGINT, traps_stop, tc.base);
	sig_term = evsignal_new(tc.base, SIGTERM, traps_stop, tc.base);
	event_add(sig_int, NULL);
	event_add(sig_term, NULL);
	if (secs > 0) {
		tv.tv_sec = (time_t)(secs / 1000);
		tv.tv_usec = (suseconds_t)((secs - (double)tv.tv_sec * 1000) * 1000);
		deadline = evtimer_new(tc.base, traps_stop, tc.base);
		evtimer_add(deadline, &tv);
	}
	event_base_dispatch(tc.base);
	trap_listener_stats(l, &st);
	fprintf(stderr, "nocwatch: traps: %llu packets, %llu accepted, %llu "
	    "bad community, %llu from a wrong source, %llu unknown v3 user, "
	    "%llu under the v3 level, %llu failed v3 authentication, %llu "
	    "dropped, %llu informs acknowledged\n", st.packets, st.accepted,
	    st.bad_community, st.bad_source, st.v3_bad_user, st.v3_low_level,
	    st.v3_auth_failed, st.dropped, st.informs_acked);
	trap_listener_free(l);
	event_free(sig_int);
	event_free(sig_term);
	if (deadline != NULL)
		event_free(deadline);
	event_base_free(tc.base);
	return 0;
}

const struct cmd_entry cmd_traps_entry = {
	"traps", "listen [ADDR:]PORT",
	"print SNMP traps as they arrive", cmd_traps
};
