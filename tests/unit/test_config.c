/*
 * The configuration parser: the sample estate, and bad configurations
 * each with the file:line error they must produce.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "unit.h"

static char dir[] = "/tmp/nocwatch-conf.XXXXXX";

static const char *
write_file(const char *name, const char *text)
{
	static char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	chmod(path, 0600);	/* secrets (macros) need a private file */
	return path;
}

/* 1 if some error is exactly "FILE:LINE: ..." and contains what. */
static int
has_error(const struct config *c, const char *file, int line, const char *what)
{
	char prefix[600];
	size_t i;

	snprintf(prefix, sizeof(prefix), "%s/%s:%d: ", dir, file, line);
	for (i = 0; i < c->nerrors; i++)
		if (strncmp(c->errors[i], prefix, strlen(prefix)) == 0 &&
		    strstr(c->errors[i], what) != NULL)
			return 1;
	for (i = 0; i < c->nerrors; i++)
		fprintf(stderr, "  got: %s\n", c->errors[i]);
	return 0;
}

static const char base[] =
    "site \"dc\" { kind datacentre }\n"
    "site \"lib\" { kind remote parent \"dc\" }\n";

static void
bad(const char *body, int line, const char *what, const char *name)
{
	char text[4096];
	struct config *c;

	snprintf(text, sizeof(text), "%s%s", base, body);
	write_file("bad.conf", text);
	c = config_load(write_file("bad.conf", text));
	CHECK(c->nerrors > 0 && has_error(c, "bad.conf", line, what), name);
	config_free(c);
}

static void
test_sample(void)
{
	const struct device_conf *d;
	const struct site_conf *s;
	struct config *c;
	char cmd[1200];

	/* A checkout's files are 0644: install them as make install does. */
	snprintf(cmd, sizeof(cmd), "cp etc/nocwatch.conf etc/nocwatch.secrets.conf"
	    " %s/ && chmod 600 %s/nocwatch.secrets.conf", dir, dir);
	CHECK(system(cmd) == 0, "the sample copied");
	snprintf(cmd, sizeof(cmd), "%s/nocwatch.conf", dir);
	c = config_load(cmd);

	CHECK(c->nerrors == 0, "the sample estate parses");
	CHECK(c->nsites == 8 && c->ndevices == 25 && c->nlinks == 8,
	    "8 sites, 25 devices, 8 links");
	d = config_device(c, "wan-library");
	CHECK(d != NULL && d->nchecks == 2 && d->checks[0].type == CHECK_ICMP &&
	    d->checks[0].interval_ms == 5000 && d->checks[0].has_warn,
	    "template checks applied");
	CHECK(d != NULL && d->has_snmp && strcmp(d->snmp.community,
	    "change-me") == 0, "macro from an included file");
	d = config_device(c, "sw-depot");
	CHECK(d != NULL && d->checks[0].interval_ms == 30000 &&
	    d->checks[0].timeout_ms == 2000 && d->checks[0].retries == 2,
	    "defaults fill what a check leaves out");
	d = config_device(c, "core-north");
	CHECK(d != NULL && d->snmp.version == 3 && d->snmp.level ==
	    SNMP_LEVEL_AUTHPRIV && d->snmp.auth == SNMP_AUTH_SHA256,
	    "SNMPv3 settings over a continued line");
	s = config_site(c, "library-central");
	CHECK(s != NULL && s->kind == SITE_REMOTE && s->ntags == 2 &&
	    strcmp(s->parent, "dc-north") == 0, "site with parent and tags");
	CHECK(strcmp(c->links[1].group, "library-uplinks") == 0 &&
	    strcmp(c->links[0].group, "library-uplinks") == 0,
	    "redundancy group on both library fibres");
	config_free(c);
}

static void
test_bad(void)
{
	struct config *c;
	char text[1024];

	bad("bogus 1\n", 3, "unknown keyword 'bogus'", "unknown keyword");
	bad("device \"r\" { site \"lib\" address $nope }\n", 3,
	    "macro 'nope' is not defined", "undefined macro");
	bad("device \"r\" {\n site \"nowhere\"\n address 203.0.113.2 }\n", 3,
	    "no site 'nowhere'", "unknown site");
	bad("device \"a\" { site \"lib\" address 203.0.113.2 parent \"b\" }\n"
	    "device \"b\" { site \"lib\" address 203.0.113.3 parent \"a\" }\n",
	    3, "parents form a loop", "parent loop");
	bad("device \"r\" { site \"lib\" address 203.0.113.2\n"
	    "  check icmp { interval 0s } }\n", 4, "interval", "interval 0");
	bad("device \"r\" { site \"lib\" address 203.0.113.2\n"
	    "  check icmp { interval 5s timeout 5s } }\n", 4,
	    "timeout must be shorter", "timeout not below interval");
	bad("device \"r\" { site \"lib\" address 203.0.113.2 }\n\n"
	    "device \"r\" { site \"lib\" address 203.0.113.3 }\n", 5,
	    "already defined at", "duplicate device");
	bad("include \"missing.conf\"\n", 3, "missing.conf", "missing include");
	bad("device \"r\" { site \"lib\" address \"203.0.113.2 }\n", 3,
	    "unterminated string", "unterminated string");
	bad("device \"r\" { site \"lib\" address 999.1.1.1 }\n", 3,
	    "not an address", "malformed address");
	bad("device \"r\" { site \"lib\" address 203.0.113.2\n"
	    " check snmp-status \"ifOperStatus.1\" }\n", 4,
	    "needs 'snmp' settings", "snmp check without snmp");
	bad("device \"r\" { site \"lib\" address 203.0.113.2\n"
	    " snmp version 3 user \"u\" level authPriv auth SHA priv AES }\n",
	    3, "needs auth and an auth-passphrase", "v3 without passphrases");
	bad("link \"f\" { from \"x\" interface \"e0\" to \"y\" interface \"e1\" }\n",
	    3, "no device 'x'", "link to an unknown device");
	bad("site \"s1\" { kind remote parent \"s2\" }\n"
	    "site \"s2\" { kind remote parent \"s1\" }\n", 3,
	    "parents loop back", "site parents in a loop");
	snprintf(text, sizeof(text), "%s%s", base,
	    "site \"spoke\" { kind remote parent \"lib\" }\n");
	c = config_load(write_file("hub.conf", text));
	CHECK(c->nerrors == 0 && config_site(c, "spoke") != NULL &&
	    strcmp(config_site(c, "spoke")->parent, "lib") == 0,
	    "a remote site behind a hub site");
	config_free(c);
	bad("device \"r\" { site \"lib\" address 203.0.113.2\n"
	    " check icmp { warning 10q } }\n", 4, "warning", "bad threshold");
	bad("device \"r\" { site \"lib\" address 203.0.113.2\n"
	    " check tcp 70000 }\n", 4, "out of range", "tcp port out of range");
	bad("device \"r\" { site \"lib\" address 203.0.113.2\n"
	    " check smtp 25 }\n", 4, "unknown check type 'smtp'",
	    "unknown check type");
	bad("device \"r\" { site \"lib\" address 203.0.113.2 template \"t\" }\n",
	    3, "no template 't'", "unknown template");
	/* A word at the very end of a file, no newline after it: the lexer
	 * once read past the buffer there (found by fuzz_config). */
	bad("device \"a\" { site \"lib\" address 203.0.113.2 }\n"
	    "link \"f\" { from \"a\" interface \"e0\" to \"a\" interface \"e1\"\n"
	    " to \"a\" interface \"e2\" }\n", 5, "'to' given twice",
	    "a link with two 'to' ends (leaked once: fuzz_config)");
	bad("defaults { interval 10s expect 3 }\n", 3,
	    "'defaults' sets interval, timeout and retries only",
	    "defaults with a check's own option (leaked once: fuzz_config)");
	bad("device \"r\" { site \"lib\" address 203.0.113.2\n"
	    " check http \"http://203.0.113.2/\" { expect \"a\" expect \"b\" }\n"
	    " check tcp 99999 }\n", 5, "out of range",
	    "an option given twice, the last holding (leaked once: fuzz_config)");
	bad("notify webhook \"https://hook.example/\" { ca-file \"/a\"\n"
	    " ca-file \"/b\" token \"t\" token \"u\" }\n", 4,
	    "'ca-file' given twice", "a notify channel's ca-file given twice "
	    "(leaked once: make fuzz, 300 s)");
	bad("device", 3, "a name after 'device' expected",
	    "a file ending in a keyword, without a newline");
	bad("device \"r\" { site \"lib\" address 203.0.113.2 }\nsla P1 { respond 15m resolve 4",
	    4, "'}' expected", "a file ending in a number, without a newline");
	bad("device \"r\" { site \"lib\" address 203.0.113.2\n"
	    " snmp version 2c community \"c\"\n"
	    " check snmp-status \"ifOperStatus.3\" { expect upp } }\n", 5,
	    "'upp' is not a number or a value of ifOperStatus",
	    "snmp-status expecting a label its object does not have");
	snprintf(text, sizeof(text), "%s%s", base,
	    "device \"r\" { site \"lib\" address 203.0.113.2\n"
	    " snmp version 2c community \"c\"\n"
	    " check snmp-status \"ifOperStatus.3\" { expect up }\n"
	    " check snmp-status \"bgpPeerState.198.51.100.9\" { expect Established }\n"
	    " check snmp-status \"upsOutputSource.0\" { expect \"normal|bypass\" }\n"
	    " check snmp-status \"sysName.0\" { expect \"core-north\" } }\n");
	c = config_load(write_file("labels.conf", text));
	CHECK(c->nerrors == 0, "snmp-status expecting labels, several values, "
	    "and a string");
	config_free(c);
}

static void
test_several_and_includes(void)
{
	struct config *c;

	write_file("a.conf", "include \"b.conf\"\n");
	write_file("b.conf", "\n\ninclude \"a.conf\"\n");
	c = config_load(write_file("a.conf", "include \"b.conf\"\n"));
	CHECK(has_error(c, "b.conf", 3, "include loop"), "include loop named "
	    "at the including line");
	config_free(c);

	write_file("inc.conf", "\n\nbogus\n");
	c = config_load(write_file("main.conf",
	    "include \"inc.conf\"\nalso_bad {\n"));
	CHECK(has_error(c, "inc.conf", 3, "unknown keyword 'bogus'"),
	    "error inside an included file names that file");
	CHECK(has_error(c, "main.conf", 2, "unknown keyword 'also_bad'"),
	    "and parsing goes on in the including file");
	config_free(c);

	c = config_load("/nonexistent/nocwatch.conf");
	CHECK(c->nerrors == 1 && strstr(c->errors[0], "No such file") != NULL,
	    "a missing file is one clear error");
	config_free(c);
}

/* Files that are not text, or that anyone could change, are refused. */
static void
test_strict_files(void)
{
	char path[600];
	struct config *c;
	FILE *f;

	snprintf(path, sizeof(path), "%s/nul.conf", dir);
	f = fopen(path, "w");
	fputs("site \"dc\" { kind datacentre }\n\n", f);
	fputc('\0', f);
	fputs("\nsite \"lost\" { kind remote parent \"dc\" }\n", f);
	fclose(f);
	c = config_load(path);
	CHECK(has_error(c, "nul.conf", 3, "NUL byte"),
	    "a NUL byte is an error at its line (not the end of the file)");
	config_free(c);

	c = config_load(dir);
	CHECK(c->nerrors == 1 && strstr(c->errors[0], "not a regular file"),
	    "a directory is not a configuration");
	config_free(c);
	c = config_load("/dev/urandom");
	CHECK(c->nerrors == 1 && strstr(c->errors[0], "not a regular file"),
	    "nor is /dev/urandom");
	config_free(c);

	write_file("open.conf", "site \"dc\" { kind datacentre }\n");
	snprintf(path, sizeof(path), "%s/open.conf", dir);
	chmod(path, 0666);
	c = config_load(write_file("main2.conf", "\ninclude \"open.conf\"\n"));
	CHECK(has_error(c, "main2.conf", 2, "writable by everyone (mode 0666)"),
	    "a world-writable include is refused at the including line");
	config_free(c);
	chmod(path, 0644);
	c = config_load(write_file("main2.conf", "\ninclude \"open.conf\"\n"));
	CHECK(c->nerrors == 0, "the same include, mode 0644, is fine");
	config_free(c);

	write_file("sec.conf", "# secrets\n\nro = \"s3cret-value\"\nrw = \"x\"\n");
	snprintf(path, sizeof(path), "%s/sec.conf", dir);
	chmod(path, 0644);
	c = config_load(write_file("main3.conf", "include \"sec.conf\"\n"));
	CHECK(has_error(c, "sec.conf", 3, "readable by everyone (mode 0644)") &&
	    c->nerrors == 1, "secrets readable by everyone: refused, once, at "
	    "the first definition");
	CHECK(c->nerrors == 1 && strstr(c->errors[0], "s3cret") == NULL,
	    "  without the value");
	config_free(c);
	chmod(path, 0640);
	c = config_load(write_file("main3.conf", "include \"sec.conf\"\n"));
	CHECK(c->nerrors == 0, "the same secrets, mode 0640, are fine");
	config_free(c);
}

/* A secret used in the wrong place is named in the error, never shown. */
static void
test_secret_not_echoed(void)
{
	struct config *c;
	size_t i;
	int shown = 0, named = 0;

	c = config_load(write_file("sec.conf",
	    "v3_auth = \"hunter2-passphrase\"\n"
	    "site \"dc\" { kind datacentre }\n"
	    "device \"r\" { site \"dc\" address 203.0.113.1 check icmp { "
	    "interval $v3_auth } }\n"
	    "device \"s\" { site $v3_auth address 203.0.113.2 }\n"));
	for (i = 0; i < c->nerrors; i++) {
		shown += strstr(c->errors[i], "hunter2") != NULL;
		named += strstr(c->errors[i], "$v3_auth") != NULL;
	}
	CHECK(c->nerrors >= 2 && shown == 0 && named >= 2,
	    "a macro's value in an error message is shown as its name");
	config_free(c);
}

static void
test_incident_settings(void)
{
	struct config *c;
	const struct site_conf *s;
	const struct device_conf *d;
	char text[4096];

	bad("priority { site-down P5 }\n", 3, "P1, P2, P3 or P4",
	    "priority out of range");
	bad("priority { power-cut P1 }\n", 3, "unknown situation 'power-cut'",
	    "unknown situation");
	bad("incidents { hold-down forever }\n", 3, "hold-down",
	    "bad hold-down");
	bad("incidents { flapping 10% 20% }\n", 3, "low mark",
	    "flapping marks reversed");
	bad("incidents { wifi-ap-forget 10s }\n", 3, "wifi-ap-forget",
	    "an AP forgotten too soon");
	bad("site \"s\" { kind remote aps { \"\" } }\n", 3,
	    "AP name pattern", "an empty AP pattern");
	bad("site \"s\" { kind remote aps \"LIB-*\" }\n", 3, "'{'",
	    "AP patterns need braces");
	bad("notify pager \"x\"\n", 3, "unknown notify kind 'pager'",
	    "unknown notify kind");
	bad("notify exec \"ticket.sh\"\n", 3, "absolute path",
	    "exec needs an absolute path");
	bad("notify webhook \"ftp://desk\"\n", 3, "not an http",
	    "webhook needs http(s)");
	bad("sla P2 { respond 1m answer 2m }\n", 3, "unknown sla setting",
	    "unknown sla setting");
	bad("api-token admin \"sha256:00\"\n", 3, "read or write",
	    "api-token scope");
	bad("api-token read \"s3cret\"\n", 3, "store the hash",
	    "api-token in clear is refused");
	bad("api-read-open everywhere\n", 3, "localhost or none",
	    "api-read-open value");
	bad("http-rate-limit lots\n", 3, "http-rate-limit",
	    "http-rate-limit needs a number");
	bad("rrd-write-delay 2h\n", 3, "rrd-write-delay",
	    "rrd-write-delay over an hour is refused");
	bad("rrd-cache-max 12Q\n", 3, "from 1M to 16G",
	    "rrd-cache-max needs a size");
	bad("rrd-cache-max 100K\n", 3, "from 1M to 16G",
	    "rrd-cache-max below 1M is refused");
	bad("device \"r\" { site \"lib\" address 203.0.113.2 }\n"
	    "link \"f\" { rx-power \"1.3.6.1.2.1.1.3.0\" from \"r\" interface "
	    "\"a\" to \"r\" interface \"b\" }\n", 4, "goes after 'from' or 'to'",
	    "rx-power before an end");
	bad("device \"r\" { site \"lib\" address 203.0.113.2 }\n"
	    "link \"f\" { from \"r\" interface \"a\" los weak to \"r\" "
	    "interface \"b\" }\n", 4, "not a level in dBm", "bad los level");
	snprintf(text, sizeof(text), "%s%s", base,
	    "state-db \"/tmp/x.db\"\n"
	    "incidents { correlation-window 2s hold-down 10s reopen-window 5m "
	    "flapping 40% 20% wifi-ap-down 25% wifi-ap-forget 2d "
	    "wifi-ap-rejoin 90s }\n"
	    "priority { on-battery P1 device-down P4 }\n"
	    "sla P1 { respond 5m resolve 1h }\n"
	    "http-listen \"127.0.0.1:8081\"\n"
	    "http-rate-limit 200\n"
	    "rrd-write-delay 90s\n"
	    "rrd-cache-max 2G\n"
	    "api-token read \"sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08\" name \"wall\"\n"
	    "api-read-open localhost\n"
	    "notify webhook \"https://desk.example/hook\" { token \"t0k\" "
	    "timeout 3s retry-max 30s }\n"
	    "notify exec \"/usr/local/bin/ticket\" { args { \"-q\" \"noc\" } }\n"
	    "notify syslog\n"
	    "site \"school\" { kind remote parent \"dc\" priority site-down P2 "
	    "aps { \"SCH-*\" \"school-ap-?\" } }\n"
	    "template \"t\" { priority device-down P2 }\n"
	    "device \"r\" { site \"lib\" address 203.0.113.2 template \"t\" }\n");
	c = config_load(write_file("inc.conf", text));
	CHECK(c->nerrors == 0, "incident settings parse");
	CHECK(strcmp(c->state_db, "/tmp/x.db") == 0, "state-db");
	CHECK(strcmp(c->http_listen, "127.0.0.1:8081") == 0 &&
	    c->ntokens == 1 && !c->tokens[0].write &&
	    strcmp(c->tokens[0].name, "wall") == 0 &&
	    c->tokens[0].sha256[0] == 0x9f && c->tokens[0].sha256[31] == 0x08 &&
	    c->read_open_local == 1, "api settings: listen, hashed token");
	CHECK(c->http_rate == 200, "http-rate-limit");
	CHECK(c->rrd_write_delay == 90000 && c->rrd_cache_max == (2ULL << 30),
	    "rrd-write-delay and rrd-cache-max");
	CHECK(c->inc.correlation_ms == 2000 && c->inc.hold_down_ms == 10000 &&
	    c->inc.reopen_ms == 300000 && c->inc.flap_high == 40 &&
	    c->inc.flap_low == 20 && c->inc.wifi_ap_down_pct == 25 &&
	    c->inc.wifi_ap_forget_ms == 2 * 86400000.0 &&
	    c->inc.wifi_ap_rejoin_ms == 90000, "incidents block values");
	CHECK(c->inc.priority[SIT_ON_BATTERY] == 1 &&
	    c->inc.priority[SIT_DEVICE_DOWN] == 4 &&
	    c->inc.priority[SIT_SITE_DOWN] == 1 &&
	    c->inc.priority[SIT_WIFI] == 2 &&
	    c->inc.priority[SIT_LINK_DEGRADED] == 4,
	    "priority rules over the defaults");
	CHECK(c->inc.sla_respond_ms[1] == 300000 &&
	    c->inc.sla_resolve_ms[1] == 3600000 &&
	    c->inc.sla_resolve_ms[2] == 8 * 3600000.0, "sla per priority");
	CHECK(c->nnotifies == 3 && c->notifies[0].type == NOTIFY_WEBHOOK &&
	    strcmp(c->notifies[0].token, "t0k") == 0 &&
	    c->notifies[0].timeout_ms == 3000 &&
	    c->notifies[0].retry_max_ms == 30000 &&
	    c->notifies[1].type == NOTIFY_EXEC && c->notifies[1].argc == 3 &&
	    strcmp(c->notifies[1].argv[2], "noc") == 0 &&
	    c->notifies[1].argv[3] == NULL &&
	    c->notifies[2].type == NOTIFY_SYSLOG, "notify channels");
	s = config_site(c, "school");
	d = config_device(c, "r");
	CHECK(s != NULL && s->priority[SIT_SITE_DOWN] == 2 &&
	    s->priority[SIT_DEVICE_DOWN] == 0, "site priority override");
	CHECK(s != NULL && s->naps == 2 && strcmp(s->aps[0], "SCH-*") == 0 &&
	    strcmp(s->aps[1], "school-ap-?") == 0, "a site's AP name patterns");
	CHECK(d != NULL && d->priority[SIT_DEVICE_DOWN] == 2,
	    "device priority override from its template");
	config_free(c);
	c = config_load(write_file("inc.conf", base));
	CHECK(c->nerrors == 0 && c->inc.correlation_ms == 5000 &&
	    c->inc.hold_down_ms == 30000 && c->inc.priority[SIT_SITE_DOWN] == 1 &&
	    c->inc.priority[SIT_REDUNDANCY] == 3 &&
	    c->inc.priority[SIT_ON_BATTERY] == 2 &&
	    c->inc.priority[SIT_DEVICE_DOWN] == 3 &&
	    c->inc.priority[SIT_LINK_DEGRADED] == 4 &&
	    strcmp(c->state_db, "/var/lib/nocwatch/nocwatch.db") == 0,
	    "incident defaults");
	config_free(c);
}

/* trap-user becomes a createUser line with its source; bad ones are errors. */
static void
test_trap_users(void)
{
	char text[2048];
	struct config *c;

	snprintf(text, sizeof(text), "%s"
	    "trap-user \"ops\" engine-id \"0x8000000001020304\" auth SHA-256 "
	    "auth-passphrase \"auth pass 1\" priv AES-256 priv-passphrase "
	    "\"privpass2\" from 203.0.113.0/24\n"
	    "trap-user \"inf\" auth SHA auth-passphrase \"informpass\"\n"
	    "trap-v3-level authPriv\n", base);
	c = config_load(write_file("t.conf", text));
	CHECK(c->nerrors == 0 && c->ntrap_users == 2, "two trap users");
	if (c->ntrap_users == 2) {
		CHECK(strcmp(c->trap_users[0], "-e 0x8000000001020304 ops "
		    "SHA-256 \"auth pass 1\" AES-256 \"privpass2\" from "
		    "203.0.113.0/24") == 0, "trap user as a createUser line");
		CHECK(strcmp(c->trap_users[1], "inf SHA \"informpass\"") == 0,
		    "trap user without engine ID, privacy or source");
	}
	CHECK(c->trap_v3_level == SNMP_LEVEL_AUTHPRIV, "trap-v3-level");
	config_free(c);
	bad("trap-user \"x\" priv AES priv-passphrase \"longenough\"\n", 3,
	    "priv needs auth", "trap-user priv without auth");
	bad("trap-user \"x\" auth SHA auth-passphrase \"a\\\"bcdefghij\"\n",
	    3, "double quote", "trap-user passphrase with a quote");
	bad("trap-user \"x\" engine-id \"0x80000000010\" auth SHA "
	    "auth-passphrase \"abcdefghij\"\n", 3, "engine-id",
	    "trap-user odd engine-id");
}

int
main(void)
{
	if (mkdtemp(dir) == NULL)
		return 1;
	test_sample();
	test_bad();
	test_several_and_includes();
	test_strict_files();
	test_secret_not_echoed();
	test_incident_settings();
	test_trap_users();
	(void)!system("rm -rf /tmp/nocwatch-conf.*");
	return unit_done();
}
