/*
 * The outage scenarios (the .scn files of tests/scenarios) replayed in virtual time:
 * the same files, the same estate (tests/lab/estate.sh's demo estate: two
 * datacentres, six remote sites, their routers, switches, UPSes and the
 * Wi-Fi controller with its 25 APs), the same faults (run.sh's verbs,
 * each changing the simulated world of replay.c as the lab's command
 * changes the namespaces) and the same judge (tests/scenarios/judge.py,
 * given what the lab's watcher and facts would give it: snapshots of the
 * store's incidents every 0.25 s, the faults' times, the devices, the
 * trap receiver's log lines, the maintenance windows, the store itself
 * for `nocwatch incident` and `nocwatch report`).  Everything but the
 * network is real: configuration, checks and their states, scheduler,
 * incident engine, SQLite store.  A scenario that takes minutes in the
 * lab takes milliseconds here, and every run is the same run; the
 * namespace scenarios stay the end-to-end proof.
 *
 * The engine's changes are committed by the daemon's store thread, a
 * turn of its loop at a time, the engine waiting to hear how each went
 * (one turn in ten finding the store locked and failing here: memory goes
 * back, the next evaluation makes the change again; REPLAY_ASYNC=0
 * commits each change at once, as the engine's own contract allows).
 *
 * Not replayed: `no-spike` (RRD files: the replay writes none) and `late`
 * (a simulated check is never late); both are left to the lab.
 *
 * usage: test_incident [SCENARIO.scn ...]   (all of them by default)
 */
#include <sys/stat.h>

#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "log.h"
#include "parse.h"
#include "replay.h"
#include "unit.h"

#define POLL		"2s"
#define MAX_AT		32

static char dir[64];
static char nocwatch[PATH_MAX];

static const char *const sites[] = { "library-central", "depot-east",
    "school-hill", "townhall-west", "leisure-centre", "harbour-office" };
static const char *const codes[] = { "lib", "dep", "sch", "twn", "lei",
    "hbr" };
static const char *const dcs[] = { "north", "north", "north", "south",
    "south", "south" };
static const struct { const char *site; int n; const char *prefix; }
    aps[] = { { "dc-north", 4, "DCN" }, { "library-central", 4, "LIB" },
    { "depot-east", 9, "DEP" }, { "school-hill", 2, "SCH" },
    { "townhall-west", 2, "TWN" }, { "leisure-centre", 2, "LEI" },
    { "harbour-office", 2, "HBR" } };

/* tests/lab/estate.sh's estate_conf, for the replay's directory. */
static char *
estate_conf(const char *d, int ifpoll, const char *reopen)
{
	const char *ifoids = ifpoll ? "ifHCInOctets ifHCOutOctets ifInErrors "
	    "ifOutErrors ifOperStatus" : "ifHCInOctets ifHCOutOctets";
	char *buf;
	size_t len;
	FILE *f = open_memstream(&buf, &len);
	int k;

	fprintf(f,
"state-db \"%s/nocwatch.db\"\n"
"rrd-dir \"%s/rrd\"\n"
"control-socket \"%s/nocwatchd.sock\"\n"
"http-listen none\n"
"user root\n"
"incidents { correlation-window 2s  hold-down 4s  reopen-window %s  "
"wifi-ap-down 30%%\n"
"	wifi-ap-rejoin 20s }\n"
"defaults { interval " POLL "  timeout 1s  retries 1 }\n"
"notify exec \"/bin/cat\"\n"
"template \"router\" {\n"
"	snmp version 2c community \"labread\"\n"
"	check icmp { interval " POLL " timeout 1s count 3 warning 60ms,10%% "
"critical 400ms,60%% }\n"
"	check snmp-metrics { interval " POLL " timeout 1s oids { %s } }\n"
"}\n"
"template \"switch\" {\n"
"	snmp version 2c community \"labread\"\n"
"	check icmp { interval " POLL " timeout 1s count 3 }\n"
"	check snmp-status \"ifOperStatus.1\" { interval " POLL " timeout 1s "
"expect 1 }\n"
"}\n"
"template \"ups\" {\n"
"	snmp version 2c community \"labread\"\n"
"	check icmp { interval " POLL " timeout 1s count 3 }\n"
"	check snmp-status \"upsOutputSource.0\" { interval " POLL " timeout 1s "
"expect 3 }\n"
"	check snmp-metrics { interval " POLL " timeout 1s oids { "
"upsEstimatedMinutesRemaining.0 upsEstimatedChargeRemaining.0 "
"upsBatteryStatus.0 } }\n"
"}\n"
"template \"wlc\" {\n"
"	snmp version 2c community \"labread\"\n"
"	check icmp { interval " POLL " timeout 1s count 3 }\n"
"	check snmp-metrics { interval " POLL " timeout 1s oids { "
"bsnAPOperationStatus } }\n"
"}\n"
"site \"dc-north\" { kind datacentre  tags { \"north\" }  aps { \"DCN-*\" } }\n"
"site \"dc-south\" { kind datacentre  parent \"dc-north\"  tags { \"south\" } }\n"
"device \"core-north\" { site \"dc-north\" address 198.18.100.1 template \"router\" }\n"
"device \"sw-dcn-1\" { site \"dc-north\" address 198.18.100.2 parent \"core-north\" template \"switch\" }\n"
"device \"sw-dcn-2\" { site \"dc-north\" address 198.18.100.3 parent \"core-north\" template \"switch\" }\n"
"device \"ups-dc-north\" { site \"dc-north\" address 198.18.100.4 parent \"core-north\" template \"ups\" }\n"
"device \"wlc-north\" { site \"dc-north\" address 198.18.100.5 parent \"core-north\" template \"wlc\" }\n"
"device \"core-south\" { site \"dc-south\" address 198.18.101.1 parent \"core-north\" template \"router\" }\n"
"device \"sw-dcs-1\" { site \"dc-south\" address 198.18.101.2 parent \"core-south\" template \"switch\" }\n"
"device \"sw-dcs-2\" { site \"dc-south\" address 198.18.101.3 parent \"core-south\" template \"switch\" }\n"
"device \"ups-dc-south\" { site \"dc-south\" address 198.18.101.4 parent \"core-south\" template \"ups\" }\n"
"link \"dc-interconnect\" { from \"core-north\" interface \"x0\" to \"core-south\" interface \"x0\" }\n",
	    d, d, d, reopen, ifoids);
	for (k = 1; k <= 6; k++) {
		char up[8];
		size_t i;

		snprintf(up, sizeof(up), "%s", codes[k - 1]);
		for (i = 0; up[i]; i++)
			up[i] = (char)(up[i] - 'a' + 'A');
		fprintf(f,
"site \"%s\" { kind remote  parent \"dc-%s\"  tags { \"%s\" }  aps { \"%s-*\" } }\n"
"device \"wan-%s\" { site \"%s\" address 198.18.%d.1 parent \"core-%s\" template \"router\" }\n"
"device \"sw-%s-1\" { site \"%s\" address 198.18.%d.2 parent \"wan-%s\" template \"switch\" }\n"
"device \"sw-%s-2\" { site \"%s\" address 198.18.%d.3 parent \"wan-%s\" template \"switch\" }\n"
"device \"ups-%s\" { site \"%s\" address 198.18.%d.4 parent \"wan-%s\" template \"ups\" }\n"
"link \"fibre-%s\" { from \"core-%s\" interface \"f%d\" to \"wan-%s\" interface \"up0\" }\n",
		    sites[k - 1], dcs[k - 1], dcs[k - 1], up,
		    codes[k - 1], sites[k - 1], k, dcs[k - 1],
		    codes[k - 1], sites[k - 1], k, codes[k - 1],
		    codes[k - 1], sites[k - 1], k, codes[k - 1],
		    codes[k - 1], sites[k - 1], k, codes[k - 1],
		    codes[k - 1], dcs[k - 1], k, codes[k - 1]);
	}
	fprintf(f, "link \"fibre-lib-b\" { from \"core-south\" interface \"b1\" "
	    "to \"wan-lib\" interface \"up1\" }\n");
	fclose(f);
	return buf;
}

struct at {
	double	 t;
	char	 verb[16];
	char	 arg[4][64];
	int	 nargs;
};

struct scn {
	char		 name[64];
	char		 path[PATH_MAX];
	int		 traps_only;
	char		 reopen[16];
	double		 hold;
	double		 wait_s;	/* the largest resolve<= + 10 */
	struct at	 at[MAX_AT];
	int		 nat;
	int		 skipped;	/* expectations left to the lab */
};

static int
scn_read(const char *path, struct scn *s, const char *filtered)
{
	FILE *f = fopen(path, "r"), *o = fopen(filtered, "w");
	char line[1024], *p, *w;
	double rs = 20;

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	snprintf(s->name, sizeof(s->name), "%s", basename(s->path));
	if ((p = strstr(s->name, ".scn")) != NULL)
		*p = '\0';
	snprintf(s->reopen, sizeof(s->reopen), "3s");
	s->hold = 3;
	if (f == NULL || o == NULL) {
		if (f)
			fclose(f);
		if (o)
			fclose(o);
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char copy[1024], *save = NULL;

		snprintf(copy, sizeof(copy), "%s", line);
		if ((p = strchr(copy, '#')) != NULL)
			*p = '\0';
		/* The RRD files and lateness are the lab's to judge. */
		if (strncmp(copy, "expect no-spike", 15) == 0 ||
		    strncmp(copy, "expect late", 11) == 0) {
			s->skipped++;
			continue;
		}
		fputs(line, o);
		for (p = copy; (p = strstr(p, "resolve<=")) != NULL; p += 9)
			if (atof(p + 9) > rs)
				rs = atof(p + 9);
		if ((w = strtok_r(copy, " \t\n", &save)) == NULL)
			continue;
		if (strcmp(w, "estate") == 0) {
			while ((w = strtok_r(NULL, " \t\n", &save)) != NULL) {
				if (strcmp(w, "traps-only") == 0)
					s->traps_only = 1;
				else if (strncmp(w, "reopen=", 7) == 0)
					snprintf(s->reopen, sizeof(s->reopen),
					    "%s", w + 7);
			}
		} else if (strcmp(w, "hold") == 0 &&
		    (w = strtok_r(NULL, " \t\n", &save)) != NULL) {
			s->hold = atof(w);
		} else if (strcmp(w, "at") == 0 && s->nat < MAX_AT) {
			struct at *a = &s->at[s->nat++];

			if ((w = strtok_r(NULL, " \t\n", &save)) != NULL)
				a->t = atof(w);
			if ((w = strtok_r(NULL, " \t\n", &save)) != NULL)
				snprintf(a->verb, sizeof(a->verb), "%s", w);
			while (a->nargs < 4 &&
			    (w = strtok_r(NULL, " \t\n", &save)) != NULL)
				snprintf(a->arg[a->nargs++], sizeof(a->arg[0]),
				    "%s", w);
		}
	}
	s->wait_s = rs + 10;
	fclose(f);
	fclose(o);
	return 0;
}

/* --- the run: the world moved while the watcher takes snapshots ------ */

struct watch {
	struct replay	*r;
	FILE		*out;
	char		*last;
	double		 next;	/* run second of the next snapshot */
};

static double
wall_s(struct watch *w, double t)
{
	return replay_wall(w->r, t) / 1000.0;
}

/* Run to second t, a snapshot every 0.25 s when the incidents changed. */
static void
until(struct watch *w, double t)
{
	while (w->next <= t) {
		json_t *inc, *line;
		char *text;

		replay_until(w->r, w->next);
		inc = replay_snapshot(w->r);
		text = json_dumps(inc, JSON_COMPACT);
		if (text != NULL && (w->last == NULL || strcmp(text,
		    w->last) != 0)) {
			line = json_pack("{s:f, s:o}", "t", wall_s(w, w->next),
			    "incidents", json_incref(inc));
			json_dumpf(line, w->out, JSON_COMPACT);
			fputc('\n', w->out);
			json_decref(line);
			free(w->last);
			w->last = text;
		} else
			free(text);
		json_decref(inc);
		w->next += 0.25;
	}
	replay_until(w->r, t);
}

static const char *
ups_of(const char *site)
{
	static char name[80];
	int k;

	for (k = 0; k < 6; k++)
		if (strcmp(site, sites[k]) == 0) {
			snprintf(name, sizeof(name), "ups-%s", codes[k]);
			return name;
		}
	snprintf(name, sizeof(name), "ups-%s", site);
	return name;
}

static const char *
fibre_of(const char *site, int n)
{
	static char name[80];
	int k;

	for (k = 0; k < 6; k++)
		if (strcmp(site, sites[k]) == 0) {
			if (n == 2)
				snprintf(name, sizeof(name), "fibre-%s-b",
				    codes[k]);
			else
				snprintf(name, sizeof(name), "fibre-%s",
				    codes[k]);
			return name;
		}
	return site;
}

/* One fault (run.sh's run_fault); *repair: when its repair began. */
static int
fault(struct watch *w, const struct at *a, double now, double *repair)
{
	struct replay *r = w->r;
	double ms, x, half;
	char err[100];
	int down;

	*repair = now;
	if (strcmp(a->verb, "cut") == 0) {
		replay_link(r, fibre_of(a->arg[0], a->nargs > 1 ?
		    atoi(a->arg[1]) : 1), 1);
		replay_aps_sync(r);
	} else if (strcmp(a->verb, "cutlink") == 0) {
		replay_link(r, a->arg[0], 1);
		replay_aps_sync(r);
	} else if (strcmp(a->verb, "dark") == 0) {
		replay_dark(r, a->arg[0]);
		replay_aps_sync(r);
	} else if (strcmp(a->verb, "powercut") == 0) {
		replay_ups(r, ups_of(a->arg[0]), 5, 1);
		replay_dark(r, a->arg[0]);
		replay_aps_sync(r);
	} else if (strcmp(a->verb, "ups") == 0) {
		replay_ups(r, ups_of(a->arg[0]), strcmp(a->arg[1], "battery") ==
		    0 ? 5 : 3, a->nargs > 2 && strcmp(a->arg[2], "trap") == 0);
	} else if (strcmp(a->verb, "aps") == 0) {
		replay_aps_set(r, a->arg[0], a->arg[1]);
	} else if (strcmp(a->verb, "blackhole") == 0) {
		replay_silent(r, a->arg[0], a->nargs > 1 &&
		    strcmp(a->arg[1], "snmp") == 0 ? 2 : 1);
	} else if (strcmp(a->verb, "loss") == 0) {
		replay_loss(r, a->arg[0], atof(a->arg[1]));
	} else if (strcmp(a->verb, "delay") == 0) {
		replay_delay(r, a->arg[0], atof(a->arg[1]));
	} else if (strcmp(a->verb, "flap") == 0) {
		/* Down and up every PERIOD for SECONDS (the command lasts
		 * that long), then the routes back: the repair. */
		half = (a->nargs > 2 ? atof(a->arg[2]) : 2) / 2;
		for (x = 0, down = 1; x < atof(a->arg[1]); x += half,
		    down = !down) {
			until(w, now + x);
			replay_link_flap(r, fibre_of(a->arg[0], 1), down);
		}
		until(w, now + x);
		replay_link_flap(r, fibre_of(a->arg[0], 1), 0);
		*repair = now + x;
		replay_routes(r);
	} else if (strcmp(a->verb, "reboot") == 0) {
		replay_reboot(r, a->arg[0], 1);
		until(w, now + atof(a->arg[1]));
		*repair = now + atof(a->arg[1]);
		replay_reboot(r, a->arg[0], 0);
	} else if (strcmp(a->verb, "maintenance") == 0) {
		if (parse_duration(a->arg[1], 1000, 1000, 1e12, &ms, err,
		    sizeof(err)) == -1 || replay_maintenance(r, a->arg[0],
		    ms) < 0)
			return -1;
	} else if (strcmp(a->verb, "restore") == 0) {
		replay_restore(r);
	} else if (strcmp(a->verb, "restart") == 0 && a->nargs == 0) {
		if (replay_restart(r) == -1)
			return -1;
	} else if (strcmp(a->verb, "reload") == 0 ||
	    strcmp(a->verb, "restart") == 0) {
		const char *without[4];
		int i, n = 0;

		for (i = 1; a->nargs > 1 && strcmp(a->arg[0], "without") == 0 &&
		    i < a->nargs; i++)
			without[n++] = a->arg[i];
		if (replay_reload(r, without, n, strcmp(a->verb, "restart") ==
		    0) == -1)
			return -1;
	} else
		return -1;
	return 0;
}

static int
open_count(struct replay *r)
{
	json_t *inc = replay_snapshot(r), *v;
	size_t i;
	int n = 0;

	json_array_foreach(inc, i, v)
		n += strcmp(json_string_value(json_object_get(v, "state")),
		    "resolved") != 0;
	json_decref(inc);
	return n;
}

static double
real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static double engine_ms, judge_ms, virtual_s;
static unsigned long long turns, turns_failed;

static void
scenario(const char *path)
{
	char sdir[200], file[300], filtered[300], watchf[300], factsf[300];
	char cmd[PATH_MAX + 1000], line[2000], name[2600];
	struct scn s;
	struct watch w;
	json_t *faults = json_array(), *facts, *maint;
	double t0, start, rep, now, end, cur;
	char *conf;
	int k, ok = 1;
	FILE *p;

	snprintf(sdir, sizeof(sdir), "%s/%s", dir, basename(strdupa(path)));
	mkdir(sdir, 0700);
	snprintf(filtered, sizeof(filtered), "%s/scenario.scn", sdir);
	if (scn_read(path, &s, filtered) == -1) {
		snprintf(name, sizeof(name), "%s: the scenario is read", path);
		CHECK(0, name);
		return;
	}
	t0 = real_ms();
	conf = estate_conf(sdir, !s.traps_only, s.reopen);
	memset(&w, 0, sizeof(w));
	w.r = replay_new_conf(sdir, conf);
	free(conf);
	if (w.r == NULL) {
		snprintf(name, sizeof(name), "%s: the replay starts", s.name);
		CHECK(0, name);
		return;
	}
	replay_traps(w.r, 1);
	for (k = 0; k < (int)(sizeof(aps) / sizeof(aps[0])); k++)
		replay_aps_add(w.r, aps[k].site, aps[k].n, aps[k].prefix);
	/* Healthy first, as the lab waits for it: every check has run. */
	replay_until(w.r, 20);
	snprintf(name, sizeof(name), "%s: the estate is healthy before the "
	    "faults", s.name);
	CHECK(open_count(w.r) == 0, name);
	snprintf(watchf, sizeof(watchf), "%s/watch.jsonl", sdir);
	w.out = fopen(watchf, "w");
	start = cur = 20;
	w.next = start;
	for (k = 0; k < s.nat && ok; k++) {
		/* In turn: a fault that lasts (a flap) delays the next. */
		now = start + s.at[k].t > cur ? start + s.at[k].t : cur;
		until(&w, now);
		ok = fault(&w, &s.at[k], now, &rep) == 0;
		end = rep > now ? rep : now;
		if (end > now)
			until(&w, end);
		cur = end;
		json_array_append_new(faults, json_pack("{s:f, s:f, s:f, "
		    "s:s, s:[ssss]}", "t", wall_s(&w, now), "end", wall_s(&w,
		    end), "repair", wall_s(&w, rep), "verb", s.at[k].verb,
		    "args", s.at[k].arg[0], s.at[k].arg[1], s.at[k].arg[2],
		    s.at[k].arg[3]));
		/* Unused arguments: none (the judge reads the verb only). */
	}
	snprintf(name, sizeof(name), "%s: every fault replayed", s.name);
	CHECK(ok, name);
	/* hold, then as long as the lab would wait for the resolutions. */
	now = cur + s.hold;
	until(&w, now);
	for (end = now + s.wait_s; now < end; now += 1) {
		until(&w, now);
		if (open_count(w.r) == 0)
			break;
	}
	until(&w, now + 0.5);
	virtual_s += now + 0.5 - start;
	fclose(w.out);
	maint = json_loads("[]", 0, NULL);
	facts = json_pack("{s:s, s:f, s:o, s:i, s:o, s:i, s:i, s:O, s:o, "
	    "s:s, s:s, s:s}", "name", s.name, "start", wall_s(&w, start),
	    "faults", faults, "baseline", 0, "devices",
	    replay_devices(w.r), "late_before", 0, "late_after", 0, "log",
	    replay_log(w.r), "maintenance", maint, "rrd", sdir, "nocwatch",
	    nocwatch, "db", replay_db(w.r));
	snprintf(factsf, sizeof(factsf), "%s/facts.json", sdir);
	free(w.last);
	{
		unsigned long long tf, tn = replay_turns(w.r, &tf);

		turns += tn;
		turns_failed += tf;
	}
	replay_free(w.r);
	engine_ms += real_ms() - t0;

	/* The maintenance windows, as the lab's facts have them. */
	snprintf(file, sizeof(file), "%s/nocwatch.db", sdir);
	snprintf(cmd, sizeof(cmd), "'%s' maintenance list --all --json --db "
	    "'%s' 2>/dev/null", nocwatch, file);
	if ((p = popen(cmd, "r")) != NULL) {
		json_t *m = json_loadf(p, 0, NULL);

		if (m != NULL)
			json_object_set_new(facts, "maintenance", m);
		pclose(p);
	}
	json_dump_file(facts, factsf, JSON_COMPACT);
	json_decref(facts);

	t0 = real_ms();
	snprintf(cmd, sizeof(cmd), "python3 tests/scenarios/judge.py final "
	    "'%s' '%s' '%s' 2>&1", filtered, watchf, factsf);
	if ((p = popen(cmd, "r")) == NULL) {
		CHECK(0, "the judge runs");
		return;
	}
	k = 0;
	while (fgets(line, sizeof(line), p) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strncmp(line, "PASS ", 5) == 0) {
			CHECK(1, line + 5);
			k++;
		} else if (strncmp(line, "FAIL ", 5) == 0) {
			snprintf(name, sizeof(name), "%s (the store, snapshots "
			    "and facts: %s)", line + 5, sdir);
			CHECK(0, name);
			k++;
		} else
			printf("# %s\n", line);
	}
	snprintf(name, sizeof(name), "%s: the judge ran and judged (%d "
	    "expectations%s)", s.name, k, s.skipped ? "; no-spike and late "
	    "left to the lab" : "");
	CHECK(pclose(p) != -1 && k > 0, name);
	judge_ms += real_ms() - t0;
}

int
main(int argc, char **argv)
{
	char self[PATH_MAX], logf[128];
	glob_t g;
	size_t i, n;

	snprintf(dir, sizeof(dir), "/dev/shm/nocwatch-scn.XXXXXX");
	if (mkdtemp(dir) == NULL) {
		snprintf(dir, sizeof(dir), "/tmp/nocwatch-scn.XXXXXX");
		if (mkdtemp(dir) == NULL) {
			perror("mkdtemp");
			return 1;
		}
	}
	if (getenv("NOCWATCH") != NULL)
		snprintf(nocwatch, sizeof(nocwatch), "%s", getenv("NOCWATCH"));
	else if (realpath(argv[0], self) != NULL)
		snprintf(nocwatch, sizeof(nocwatch), "%s/../nocwatch",
		    dirname(self));
#if !defined(__SANITIZE_ADDRESS__)
	snprintf(logf, sizeof(logf), "%s/engine.log", dir);
	if (freopen(logf, "w", stderr) == NULL)
		return 1;
#else
	(void)logf;
#endif
	log_init("test_incident", 1, 0);
	setenv("REPLAY_ASYNC", "1", 0);
	setenv("REPLAY_COMMIT_FAIL", "10", 0);
	memset(&g, 0, sizeof(g));
	if (argc > 1) {
		for (i = 1; i < (size_t)argc; i++)
			scenario(argv[i]);
		n = (size_t)argc - 1;
	} else {
		if (glob("tests/scenarios/*.scn", 0, NULL, &g) != 0) {
			CHECK(0, "the scenarios are found (run from the "
			    "source tree)");
			return unit_done();
		}
		for (i = 0; i < g.gl_pathc; i++)
			scenario(g.gl_pathv[i]);
		n = g.gl_pathc;
		globfree(&g);
	}
	printf("# %zu scenarios, %.0f s of virtual time: replayed in %.0f ms, "
	    "judged in %.0f ms (judge.py, as in the lab)\n", n, virtual_s,
	    engine_ms, judge_ms);
	printf("# committed a turn at a time: %llu turns, %llu of them failed "
	    "and made again\n", turns, turns_failed);
	if (unit_failed) {
		printf("# the replays' stores, snapshots and facts: %s\n", dir);
	} else {
		char cmd[200];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", dir);
	}
	return unit_done();
}
