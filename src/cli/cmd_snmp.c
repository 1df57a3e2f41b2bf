/* `nocwatch probe snmp`: GET, walks and tables from one agent. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/event.h>
#include <jansson.h>

#include "cli.h"
#include "commands.h"
#include "escape.h"
#include "oids.h"
#include "parse.h"
#include "resolve.h"
#include "secret.h"
#include "targets.h"
#include "snmp.h"

static const char snmp_usage[] =
"usage: nocwatch probe snmp [-v 1|2c|3] [--community-file FILE]\n"
"           [-u user -l level -a auth -x priv --secrets FILE] [-n context]\n"
"           [-t timeout] [-r retries] [--expect V] [-w N] [-c N] [--json]\n"
"           {host[:port] | -f file} {oid|name ... | --walk oid | --table name}\n"
"  -f FILE           many agents, one per line, all asked at once (GET only)\n"
"  oid|name          numeric (1.3.6.1.2.1.1.5.0) or built-in (sysName.0,\n"
"                    ifOperStatus.3, upsOutputSource.0); --list names them\n"
"  --walk OID        every object under OID (GETBULK; GETNEXT for v1)\n"
"  --table NAME      a table as rows and columns (ifTable, bsnAPTable, ...)\n"
"  -v VERSION        1, 2c (default) or 3\n"
"  --community-file  the community is its first line; else $NOCWATCH_COMMUNITY,\n"
"                    else 'public'.  It is never printed.\n"
"  -u -l -a -x       SNMPv3 user, level (noAuthNoPriv|authNoPriv|authPriv),\n"
"                    auth (MD5|SHA|SHA-224|SHA-256|SHA-384|SHA-512),\n"
"                    priv (DES|AES|AES-192|AES-256)\n"
"  --secrets FILE    lines 'auth PASSPHRASE' and 'priv PASSPHRASE'; else\n"
"                    $NOCWATCH_AUTH_PASS and $NOCWATCH_PRIV_PASS\n"
"  -t -r             timeout per try (default 1s) and retries (default 2)\n"
"  --expect V        each integer value must be V, else CRITICAL: a number,\n"
"                    the object's own label (up, established, normal), or\n"
"                    several with '|' (normal|bypass)\n"
"  -w N, -c N        warning / critical when the first numeric value exceeds N\n"
"Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (bad usage).\n";

enum snmp_mode { MODE_GET, MODE_WALK, MODE_TABLE, MODE_LIST };

struct snmp_cli {
	struct cli_common	*common;
	struct event_base	*base;
	struct snmp_engine	*eng;
	struct snmp_agent_params ap;
	struct snmp_oid		*oids;
	size_t			 noids;
	size_t			 remaining;
	enum snmp_mode		 mode;
	struct snmp_oid		 root;
	const char		*table;
	const char		*expect;	/* "3", "up", "normal|bypass" */
};

/* One agent asked, from the command line or a -f file. */
struct snmp_target {
	struct snmp_cli		*sc;
	const char		*target;	/* as given */
	char			 host[256];
	int			 port;
	struct snmp_agent	*agent;
};

static void
vb_name(const struct snmp_vb *vb, char *buf, size_t len)
{
	oid_format(&vb->name, buf, len);
}

/* Turn an SNMP response into the common result (outcome, values). */
static void
snmp_cli_result(struct snmp_cli *sc, const char *target,
    const struct snmp_response *res, struct probe_result *r)
{
	char name[160], val[200];
	double num;
	size_t i;
	int have_first = 0;

	probe_result_init(r, target);
	probe_result_set(r, res->outcome, "%s", res->detail);
	r->elapsed_ms = res->rtt_ms;
	probe_result_add(r, "rtt_ms", "ms", res->rtt_ms);
	if (res->outcome != PROBE_OK)
		return;
	for (i = 0; i < res->nvb; i++) {
		const struct snmp_vb *vb = &res->vb[i];

		vb_name(vb, name, sizeof(name));
		if (snmpval_is_exception(vb)) {
			probe_result_set(r, PROBE_BAD_RESPONSE, "%s: %s", name,
			    snmpval_type_name(vb->type));
			return;
		}
		if (!snmpval_number(vb, &num))
			continue;
		if (!have_first) {
			probe_result_add(r, "value", "", num);
			have_first = 1;
		}
		if (sc->expect != NULL && vb->type == SV_INTEGER &&
		    !oid_expect_match(oid_find_prefix(&vb->name), num,
		    sc->expect)) {
			probe_result_set(r, PROBE_BAD_RESPONSE, "%s is %s, "
			    "expected %s", name, snmpval_format(vb, val,
			    sizeof(val)), sc->expect);
			return;
		}
	}
}

static void
print_json(const struct snmp_response *res, const struct probe_result *r,
    enum plugin_status st)
{
	json_t *o = json_object(), *vals = json_array();
	size_t i;

	json_object_set_new(o, "target", json_string(r->target));
	json_object_set_new(o, "outcome",
	    json_string(probe_outcome_name(r->outcome)));
	json_object_set_new(o, "status", json_string(plugin_status_name(st)));
	json_object_set_new(o, "detail", json_string(r->detail));
	json_object_set_new(o, "rtt_ms", json_real(res->rtt_ms));
	for (i = 0; i < res->nvb; i++)
		json_array_append_new(vals, cli_vb_json(&res->vb[i]));
	json_object_set_new(o, "values", vals);
	cli_json_print(o);
}

/* Print a walked table as rows (indexes) and columns. */
static void
print_table(const struct snmp_cli *sc, const struct snmp_response *res)
{
	struct snmp_oid *cols = NULL, *rows = NULL, idx;
	size_t ncol = 0, nrow = 0, i, j, k, entry = sc->root.len + 1;
	char buf[200], val[64];

	for (i = 0; i < res->nvb; i++) {
		const struct snmp_oid *n = &res->vb[i].name;
		struct snmp_oid c;

		if (n->len <= entry)
			continue;
		c.len = entry + 1;
		memcpy(c.n, n->n, c.len * sizeof(uint32_t));
		for (j = 0; j < ncol && oid_compare(&cols[j], &c) != 0; j++)
			;
		if (j == ncol) {
			cols = realloc(cols, (ncol + 1) * sizeof(*cols));
			cols[ncol++] = c;
		}
		idx.len = n->len - c.len;
		memcpy(idx.n, n->n + c.len, idx.len * sizeof(uint32_t));
		for (j = 0; j < nrow && oid_compare(&rows[j], &idx) != 0; j++)
			;
		if (j == nrow) {
			rows = realloc(rows, (nrow + 1) * sizeof(*rows));
			rows[nrow++] = idx;
		}
	}
	printf("%-10s", "index");
	for (j = 0; j < ncol; j++) {
		oid_format(&cols[j], buf, sizeof(buf));
		printf(" | %s", buf);
	}
	putchar('\n');
	for (k = 0; k < nrow; k++) {
		printf("%-10s", oid_format_numeric(&rows[k], buf, sizeof(buf)));
		for (j = 0; j < ncol; j++) {
			const char *cell = "";

			for (i = 0; i < res->nvb; i++) {
				const struct snmp_oid *n = &res->vb[i].name;

				if (n->len == cols[j].len + rows[k].len &&
				    oid_has_prefix(n, &cols[j]) &&
				    memcmp(n->n + cols[j].len, rows[k].n,
				    rows[k].len * sizeof(uint32_t)) == 0) {
					cell = snmpval_format(&res->vb[i], val,
					    sizeof(val));
					break;
				}
			}
			printf(" | %s", cell);
		}
		putchar('\n');
	}
	free(cols);
	free(rows);
}

static void
snmp_cli_finish(struct snmp_target *t)
{
	struct snmp_cli *sc = t->sc;

	/* Closing from inside the callback is allowed by the engine. */
	snmp_agent_close(t->agent);
	t->agent = NULL;
	if (--sc->remaining == 0)
		event_base_loopexit(sc->base, NULL);
}

static void
snmp_cli_done(const struct snmp_response *res, void *arg)
{
	struct snmp_target *t = arg;
	struct snmp_cli *sc = t->sc;
	struct probe_result r;
	enum plugin_status st;
	char name[160], val[600], summary[1024] = "";
	size_t i, off = 0;

	snmp_cli_result(sc, t->target, res, &r);
	st = cli_status(sc->common, &r);
	if (sc->common->json) {
		print_json(res, &r, st);
		if (st > sc->common->worst)
			sc->common->worst = st;
		snmp_cli_finish(t);
		return;
	}
	if (sc->mode == MODE_GET && res->outcome == PROBE_OK)
		for (i = 0; i < res->nvb && off < sizeof(summary); i++) {
			vb_name(&res->vb[i], name, sizeof(name));
			off += (size_t)snprintf(summary + off,
			    sizeof(summary) - off, "%s%s = %s: %s",
			    i ? ", " : "", name,
			    snmpval_type_name(res->vb[i].type),
			    snmpval_format(&res->vb[i], val, sizeof(val)));
		}
	else if (res->outcome == PROBE_OK)
		snprintf(summary, sizeof(summary), "%zu objects%s",
		    res->nvb, res->truncated ? " (cut at the row limit)" : "");
	cli_report(sc->common, &r, summary);
	if (sc->mode == MODE_WALK)
		for (i = 0; i < res->nvb; i++) {
			vb_name(&res->vb[i], name, sizeof(name));
			printf("%s = %s: %s\n", name,
			    snmpval_type_name(res->vb[i].type),
			    snmpval_format(&res->vb[i], val, sizeof(val)));
		}
	else if (sc->mode == MODE_TABLE && res->outcome == PROBE_OK)
		print_table(sc, res);
	fflush(stdout);
	snmp_cli_finish(t);
}

static void
snmp_cli_resolved(const struct sockaddr *sa, socklen_t len, const char *why,
    void *arg)
{
	struct snmp_target *t = arg;
	struct snmp_cli *sc = t->sc;
	struct snmp_response res;
	char addr[INET6_ADDRSTRLEN], err[256];
	const void *a;

	(void)len;
	memset(&res, 0, sizeof(res));
	if (sa == NULL) {
		res.outcome = PROBE_DNS_FAILURE;
		snprintf(res.detail, sizeof(res.detail), "%s", why);
		snmp_cli_done(&res, t);
		return;
	}
	a = sa->sa_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	inet_ntop(sa->sa_family, a, addr, sizeof(addr));
	sc->ap.host = addr;
	sc->ap.port = t->port;
	if ((t->agent = snmp_agent_open(sc->eng, &sc->ap, err,
	    sizeof(err))) == NULL) {
		fprintf(stderr, "nocwatch: %s\n", err);
		sc->common->worst = STATUS_UNKNOWN;
		snmp_cli_finish(t);
		return;
	}
	if (sc->mode == MODE_GET)
		snmp_get(t->agent, sc->oids, sc->noids, snmp_cli_done, t);
	else
		snmp_walk(t->agent, &sc->root, 0, snmp_cli_done, t);
}

static void
list_catalogue(void)
{
	const struct oid_def *d;
	size_t i;

	for (i = 0; i < oid_catalogue_size(); i++) {
		d = oid_catalogue_entry(i);
		printf("%-36s %-40s %s%s\n", d->name, d->oid, d->mib,
		    d->table ? " (table)" : "");
	}
}

struct snmp_cli_opts {
	struct snmp_creds	 creds;
	const char		*community_file, *secrets;
	double			 timeout_ms;
	int			 retries;
};

static void
snmp_cli_creds(struct snmp_cli_opts *o)
{
	char err[256];

	if (o->creds.version == 3) {
		if (secret_v3(o->secrets, o->creds.auth_pass,
		    sizeof(o->creds.auth_pass), o->creds.priv_pass,
		    sizeof(o->creds.priv_pass), err, sizeof(err)) == -1)
			cli_usage_error(snmp_usage, "--secrets: %s", err);
		if (o->creds.level == 0)
			o->creds.level = o->creds.priv != SNMP_PRIV_NONE ?
			    SNMP_LEVEL_AUTHPRIV : o->creds.auth != SNMP_AUTH_NONE ?
			    SNMP_LEVEL_AUTHNOPRIV : SNMP_LEVEL_NOAUTH;
	} else if (secret_community(o->community_file, o->creds.community,
	    sizeof(o->creds.community), err, sizeof(err)) == -1)
		cli_usage_error(snmp_usage, "community: %s", err);
}

static int
snmp_cli_opt(struct snmp_cli_opts *o, int ch, const char *arg)
{
	char err[128];
	double t;
	long long v;

	switch (ch) {
	case 'v':
		if (strcmp(arg, "1") == 0)
			o->creds.version = 1;
		else if (strcmp(arg, "2c") == 0 || strcmp(arg, "2") == 0)
			o->creds.version = 2;
		else if (strcmp(arg, "3") == 0)
			o->creds.version = 3;
		else
			cli_usage_error(snmp_usage, "-v: version must be 1, 2c or 3");
		return 1;
	case 'C':
		o->community_file = arg;
		return 1;
	case 'S':
		o->secrets = arg;
		return 1;
	case 'u':
		if (strlen(arg) >= sizeof(o->creds.user))
			cli_usage_error(snmp_usage, "-u: user name too long");
		snprintf(o->creds.user, sizeof(o->creds.user), "%s", arg);
		return 1;
	case 'l':
		if (snmp_level_parse(arg, &o->creds.level) == -1)
			cli_usage_error(snmp_usage, "-l: noAuthNoPriv, authNoPriv "
			    "or authPriv");
		return 1;
	case 'a':
		if (snmp_auth_parse(arg, &o->creds.auth) == -1)
			cli_usage_error(snmp_usage, "-a: unknown protocol '%.16s'",
			    arg);
		return 1;
	case 'x':
		if (snmp_priv_parse(arg, &o->creds.priv) == -1)
			cli_usage_error(snmp_usage, "-x: unknown protocol '%.16s'",
			    arg);
		return 1;
	case 'n':
		snprintf(o->creds.context, sizeof(o->creds.context), "%s", arg);
		return 1;
	case 't':
		if (parse_duration(arg, 1000, 10, 60000, &t, err,
		    sizeof(err)) == -1)
			cli_usage_error(snmp_usage, "-t: %s", err);
		o->timeout_ms = t;
		return 1;
	case 'r':
		if (parse_int(arg, 0, 10, &v, err, sizeof(err)) == -1)
			cli_usage_error(snmp_usage, "-r: %s", err);
		o->retries = (int)v;
		return 1;
	}
	return 0;
}

int
cmd_probe_snmp(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_COMMON_LONGOPTS,
		{ "walk", required_argument, NULL, 'W' },
		{ "table", required_argument, NULL, 'T' },
		{ "expect", required_argument, NULL, 'E' },
		{ "community-file", required_argument, NULL, 'C' },
		{ "secrets", required_argument, NULL, 'S' },
		{ "list", no_argument, NULL, 'L' },
		{ NULL, 0, NULL, 0 }
	};
	struct cli_common common = { .time_key = "value", .pct_key = "value" };
	struct snmp_cli sc = { .common = &common, .mode = MODE_GET };
	struct snmp_cli_opts o = { .creds = { .version = 2 },
	    .timeout_ms = 1000, .retries = 2 };
	struct snmp_oid oids[64];
	struct evdns_base *dns;
	const struct oid_def *d;
	struct targets tg = { 0 };
	struct snmp_target *ts;
	char err[256];
	const char *walk = NULL;
	size_t n = 0, i;
	int ch;

	while ((ch = getopt_long(argc, argv, "v:u:l:a:x:n:t:r:w:c:f:h", longopts,
	    NULL)) != -1) {
		if (cli_common_opt(&common, ch, optarg, snmp_usage) ||
		    snmp_cli_opt(&o, ch, optarg))
			continue;
		switch (ch) {
		case 'W':
			sc.mode = MODE_WALK;
			walk = optarg;
			break;
		case 'T':
			sc.mode = MODE_TABLE;
			sc.table = optarg;
			break;
		case 'E':
			sc.expect = optarg;
			break;
		case 'L':
			sc.mode = MODE_LIST;
			break;
		case 'f':
			if (targets_load(&tg, optarg, err, sizeof(err)) == -1)
				cli_usage_error(snmp_usage, "-f: %s", err);
			if (tg.n == 0)
				cli_usage_error(snmp_usage, "-f: no agent in %s",
				    optarg);
			break;
		default:
			cli_usage_error(snmp_usage, "unknown option");
		}
	}
	if (sc.mode == MODE_LIST) {
		list_catalogue();
		return 0;
	}
	if (tg.n == 0) {
		if (optind >= argc)
			cli_usage_error(snmp_usage, "no agent given");
		targets_add(&tg, argv[optind++]);
	} else if (sc.mode != MODE_GET)
		cli_usage_error(snmp_usage, "-f goes with a GET, not with "
		    "--walk or --table");
	ts = calloc(tg.n, sizeof(*ts));
	for (i = 0; i < tg.n; i++) {
		ts[i].sc = &sc;
		ts[i].target = tg.v[i];
		if (parse_hostport(tg.v[i], ts[i].host, sizeof(ts[i].host),
		    &ts[i].port, 161, err, sizeof(err)) == -1)
			cli_usage_error(snmp_usage, "%s: %s", tg.v[i], err);
	}
	if (sc.mode == MODE_WALK &&
	    oid_parse(walk, &sc.root, err, sizeof(err)) == -1)
		cli_usage_error(snmp_usage, "--walk: %s", err);
	if (sc.mode == MODE_TABLE) {
		if ((d = oid_find_name(sc.table)) == NULL || !d->table)
			cli_usage_error(snmp_usage, "--table: '%.40s' is not a "
			    "known table (see --list)", sc.table);
		oid_parse(sc.table, &sc.root, err, sizeof(err));
	}
	for (; optind < argc; optind++) {
		if (sc.mode != MODE_GET)
			cli_usage_error(snmp_usage, "OIDs cannot be combined "
			    "with --walk or --table");
		if (n == 64)
			cli_usage_error(snmp_usage, "at most 64 OIDs");
		if (oid_parse(argv[optind], &oids[n++], err, sizeof(err)) == -1)
			cli_usage_error(snmp_usage, "%s", err);
		/* Labels must be the object's own ("up" for ifOperStatus). */
		if (sc.expect != NULL && oid_expect_check(oid_find_prefix(
		    &oids[n - 1]), sc.expect, err, sizeof(err)) == -1)
			cli_usage_error(snmp_usage, "--expect: %s", err);
	}
	if (sc.mode == MODE_GET && n == 0)
		cli_usage_error(snmp_usage, "no OID given");
	snmp_cli_creds(&o);
	cli_loop_new(&sc.base, &dns);
	sc.eng = snmp_engine_new(sc.base);
	sc.ap.creds = &o.creds;
	sc.ap.timeout_ms = o.timeout_ms;
	sc.ap.retries = o.retries;
	sc.oids = oids;
	sc.noids = n;
	common.single = tg.n == 1 && sc.mode == MODE_GET;
	sc.remaining = tg.n;
	/* net-snmp would resolve a name by blocking: resolve it here first. */
	for (i = 0; i < tg.n; i++)
		resolve_start(dns, ts[i].host, AF_UNSPEC, snmp_cli_resolved,
		    &ts[i]);
	if (sc.remaining > 0)
		event_base_dispatch(sc.base);
	for (i = 0; i < tg.n; i++)
		snmp_agent_close(ts[i].agent);
	free(ts);
	targets_free(&tg);
	snmp_engine_free(sc.eng);
	evdns_base_free(dns, 0);
	event_base_free(sc.base);
	memset(&o.creds, 0, sizeof(o.creds));
	return common.worst;
}
