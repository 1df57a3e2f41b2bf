/*
 * The RRD store on real RRD files: layouts, safe names, files created on
 * the first sample with the layout's data sources and RRAs, values read
 * back, old samples dropped, symlinks refused, and a graph rendered;
 * the write-behind cache: samples held for the delay and then written
 * with one update per file, written at once for a reader, when the cache
 * is over its bound, and when the store is closed.
 * With $NOCWATCH_TEST_RRDCACHED set, the same goes through rrdcached.
 */
#include <sys/stat.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rrd.h>

#include "graph.h"
#include "rrdstore.h"
#include "unit.h"

static char dir[] = "/tmp/nocwatch-rrd.XXXXXX";

static void
test_layouts(struct rrd_layout **ls, size_t *n)
{
	char err[512], path[600];
	struct rrd_layout l;
	FILE *f;

	CHECK(rrdstore_layouts_load("rrd", ls, n, err, sizeof(err)) == 0 && *n == 5,
	    "the five layouts in rrd/ load");
	CHECK(rrdstore_layout_find(*ls, *n, "icmp") != NULL &&
	    rrdstore_layout_find(*ls, *n, "icmp")->step == 60 &&
	    rrdstore_layout_find(*ls, *n, "generic")->step == 300,
	    "1-minute ICMP layout, 5-minute generic layout");
	snprintf(path, sizeof(path), "%s/bad.layout", dir);
	f = fopen(path, "w");
	fputs("step 60\nds x GAUGE 120 0 U\nds y SPEEDOMETER 120 0 U\n", f);
	fclose(f);
	CHECK(rrdstore_layout_load(path, &l, err, sizeof(err)) == -1 &&
	    strstr(err, "bad.layout:3: unknown DS type 'SPEEDOMETER'") != NULL,
	    "a bad layout line is named by file and line");
}

static void
test_names(void)
{
	char p[512];

	rrdstore_path("/base", "../../etc", "passwd\n", p, sizeof(p));
	CHECK(strcmp(p, "/base/_._.._etc/passwd_.rrd") == 0,
	    "'..' cannot climb out");
	CHECK(strchr(p + 6, '/') == strrchr(p, '/'), "no extra directory level");
	CHECK(strchr(p, '\n') == NULL, "no newline in a file name");
	rrdstore_path("/base", "/etc", "x", p, sizeof(p));
	CHECK(strcmp(p, "/base/_etc/x.rrd") == 0, "absolute name made relative");
	rrdstore_path("/base", "", ".hidden", p, sizeof(p));
	CHECK(strcmp(p, "/base/_/_hidden.rrd") == 0, "empty and dot names");
}

static double
fetch_avg(const char *file, const char *ds, time_t start, time_t end)
{
	time_t s = start, e = end;
	unsigned long step = 0, nds = 0, i, k, n = 0;
	char **names = NULL;
	rrd_value_t *data = NULL;
	double sum = 0;

	if (rrd_fetch_r(file, "AVERAGE", &s, &e, &step, &nds, &names,
	    &data) != 0)
		return NAN;
	for (k = 0; k < nds; k++)
		if (strcmp(names[k], ds) == 0)
			break;
	for (i = 0; k < nds && i < (unsigned long)(e - s) / step; i++)
		if (!isnan(data[i * nds + k])) {
			sum += data[i * nds + k];
			n++;
		}
	for (i = 0; i < nds; i++)
		rrd_freemem(names[i]);
	rrd_freemem(names);
	rrd_freemem(data);
	return n ? sum / n : NAN;
}

static void
test_store(const struct rrd_layout *ls, size_t n, const char *daemon)
{
	const struct rrd_layout *icmp = rrdstore_layout_find(ls, n, "icmp");
	const struct rrd_layout *ifl = rrdstore_layout_find(ls, n, "if");
	struct rrdstore_stats st;
	struct rrdstore *s;
	char err[512], base[600], file[700], link[700];
	time_t t0 = (time(NULL) / 60) * 60 - 3600;
	double v[7];
	rrd_info_t *info, *i;
	int ok = 0, rras = 0, j;

	snprintf(base, sizeof(base), "%s/%s", dir, daemon ? "cached" : "direct");
	s = rrdstore_new(base, daemon, err, sizeof(err));
	CHECK(s != NULL, daemon ? "store through rrdcached" : "store opens");
	if (s == NULL)
		return;
	for (j = 0; j < 60; j++) {
		v[0] = 10 + j % 5;	/* median */
		v[1] = 5;
		v[2] = 20;
		v[3] = j % 10 == 0 ? 50 : 0;
		rrdstore_update(s, "wan/library", "icmp", icmp, t0 + 60 * j, v);
		v[0] = v[1] = 125000.0 * j;	/* octets: 2083.33 B/s */
		v[2] = v[3] = v[5] = v[6] = 0;
		v[4] = 1;
		rrdstore_update(s, "core-north", "if.ge-0_0_1", ifl, t0 + 60 * j, v);
	}
	rrdstore_update(s, "wan/library", "icmp", icmp, t0 + 600, v);
	snprintf(link, sizeof(link), "%s/evil", base);
	mkdir(base, 0755);
	symlink("/tmp", link);
	rrdstore_update(s, "evil", "icmp", icmp, t0, v);
	rrdstore_flush(s);
	rrdstore_stats(s, &st);
	printf("# written %llu created %llu dropped %llu errors %llu\n",
	    st.written, st.created, st.dropped_old, st.errors);
	CHECK(st.written == 120 && st.created == 2, "120 samples in 2 new files");
	CHECK(st.values == 60 * 4 + 60 * 7, "every data-source value counted");
	CHECK(st.dropped_old == 1, "a sample not newer than the last is dropped");
	CHECK(st.errors == 1 && st.backlog == 0, "the symlinked directory is refused");
	CHECK(access("/tmp/icmp.rrd", F_OK) != 0, "nothing written through it");
	rrdstore_path(base, "wan/library", "icmp", file, sizeof(file));
	info = rrd_info_r(file);
	for (i = info; i != NULL; i = i->next) {
		if (strcmp(i->key, "step") == 0 && i->value.u_cnt == 60)
			ok++;
		if (strcmp(i->key, "ds[rtt_median].type") == 0 &&
		    strcmp(i->value.u_str, "GAUGE") == 0)
			ok++;
		if (strcmp(i->key, "ds[loss_pct].max") == 0 &&
		    i->value.u_val == 100)
			ok++;
		if (strncmp(i->key, "rra[", 4) == 0 && strstr(i->key, "].cf"))
			rras++;
	}
	rrd_info_free(info);
	CHECK(ok == 3 && rras == 7, "the file has the layout's step, DS and RRAs");
	CHECK(fabs(fetch_avg(file, "rtt_median", t0 + 60, t0 + 3540) - 12) < 0.5,
	    "median latency reads back");
	rrdstore_path(base, "core-north", "if.ge-0_0_1", file, sizeof(file));
	CHECK(fabs(fetch_avg(file, "in", t0 + 120, t0 + 3480) - 2083.333) < 1,
	    "octet counter reads back as bytes per second");
	if (!daemon) {
		struct graph_req g = { .defs_dir = "rrd", .def = "if",
		    .rrd_file = file, .title = "core-north", .period = "1d",
		    .out = "-" };
		unsigned char *png = NULL;
		size_t len = 0;

		CHECK(graph_render(&g, &png, &len, err, sizeof(err)) == 0 &&
		    len > 1000 && memcmp(png, "\x89PNG", 4) == 0,
		    "traffic graph rendered to memory as a PNG");
		free(png);
		g.period = "1x";
		CHECK(graph_render(&g, &png, &len, err, sizeof(err)) == -1,
		    "bad period refused");
	}
	rrdstore_free(s, 60000);
}

static time_t
file_last(const char *base, const char *dev, const char *metric)
{
	char file[700];

	rrdstore_path(base, dev, metric, file, sizeof(file));
	return rrd_last_r(file);
}

static void
test_cache(const struct rrd_layout *ls, size_t n)
{
	const struct rrd_layout *icmp = rrdstore_layout_find(ls, n, "icmp");
	struct rrdstore_stats st;
	struct rrdstore *s;
	char err[512], base[600];
	time_t t0 = (time(NULL) / 60) * 60 - 7200, created;
	double v[4] = { 1, 1, 2, 0 };
	int j;

	snprintf(base, sizeof(base), "%s/cache", dir);
	if ((s = rrdstore_new(base, NULL, err, sizeof(err))) == NULL) {
		CHECK(0, "cache: store opens");
		return;
	}
	rrdstore_set_cache(s, 3600, 0);
	for (j = 0; j < 30; j++)
		rrdstore_update(s, "held", "icmp", icmp, t0 + 60 * j, v);
	sleep(2);	/* two writer ticks */
	rrdstore_stats(s, &st);
	created = file_last(base, "held", "icmp");
	CHECK(st.created == 1 && created == t0 - 1 && st.written == 0,
	    "cache: the file is made, its samples held for the delay");
	CHECK(st.pending >= 30 * 10 && st.backlog == 0 && st.delay == 3600,
	    "cache: the held samples are counted (bytes)");
	CHECK(rrdstore_flush_file(s, "held", "icmp", 5000) == 0 &&
	    file_last(base, "held", "icmp") == t0 + 60 * 29,
	    "cache: a reader's flush writes that file at once");
	rrdstore_stats(s, &st);
	CHECK(st.written == 30 && st.updates == 1 && st.pending == 0,
	    "cache: 30 samples in one update");

	rrdstore_set_cache(s, 3600, 200);	/* bytes: a few samples */
	for (j = 30; j < 60; j++)
		rrdstore_update(s, "bounded", "icmp", icmp, t0 + 60 * j, v);
	sleep(2);
	CHECK(file_last(base, "bounded", "icmp") == t0 + 60 * 59,
	    "cache: over its bound, the cache is written out");

	rrdstore_set_cache(s, 3600, 0);
	for (j = 0; j < 10; j++)
		rrdstore_update(s, "closing", "icmp", icmp, t0 + 60 * j, v);
	rrdstore_free(s, 60000);
	CHECK(file_last(base, "closing", "icmp") == t0 + 60 * 9,
	    "cache: closing the store writes what it held");
}

int
main(void)
{
	struct rrd_layout *ls;
	size_t n;
	const char *daemon = getenv("NOCWATCH_TEST_RRDCACHED");

	if (mkdtemp(dir) == NULL)
		return 1;
	test_layouts(&ls, &n);
	if (daemon == NULL)
		test_names();
	test_store(ls, n, daemon);
	if (daemon == NULL)
		test_cache(ls, n);
	free(ls);
	if (getenv("NOCWATCH_TEST_KEEP") == NULL) {
		char cmd[100];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
		(void)!system(cmd);
	} else
		printf("# kept %s\n", dir);
	return unit_done();
}
