/*
 * The incident store on a real SQLite file: schema version and a second
 * open that migrates nothing, WAL mode, incidents with their timeline,
 * evidence and outbox in one transaction (and a rolled-back one that leaves
 * nothing), the outbox handing out only the oldest pending row per
 * incident, retries and give-up, reload of open incidents, maintenance
 * windows, the JSON of the CLI/API, and the webhook backoff.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "clock.h"
#include "model.h"
#include "log.h"
#include "notify.h"
#include "store.h"
#include "unit.h"

static char dir[] = "/tmp/nocwatch-store.XXXXXX";

static int nloaded;
static struct incident *loaded_in;

static void
on_load(struct incident *in, void *arg)
{
	(void)arg;
	nloaded++;
	if (loaded_in == NULL)
		loaded_in = in;
	else
		incident_free(in);
}

static int napseen, apgone;
static char lastname[64];

static void
on_ap(const struct store_ap *a, void *arg)
{
	(void)arg;
	napseen++;
	apgone += a->gone && !a->up;
	snprintf(lastname, sizeof(lastname), "%s", a->name);
}

static long long
count(const char *path, const char *sql)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	long long n = -1;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return n;
}

static int
wal(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *s;
	int ok = 0;

	if (sqlite3_open(path, &db) != SQLITE_OK)
		return 0;
	if (sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, NULL) ==
	    SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		ok = strcmp((const char *)sqlite3_column_text(s, 0), "wal") == 0;
	sqlite3_finalize(s);
	sqlite3_close(db);
	return ok;
}

/*
 * A store with a damaged middle page opens (the daemon must keep
 * monitoring) but says so: quick_check's finding, not "ok".
 */
static void
test_corrupt(void)
{
	char path[256], err[256] = "", junk[4096];
	struct store *st;
	struct incident in;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/corrupt.db", dir);
	st = store_open(path, 0, err, sizeof(err));
	CHECK(st != NULL && strcmp(store_integrity(st), "ok") == 0,
	    "a new store's quick_check is ok");
	if (st == NULL)
		return;
	store_begin(st);
	for (i = 0; i < 200; i++) {
		memset(&in, 0, sizeof(in));
		snprintf(in.key, sizeof(in.key), "site:s%d", i);
		snprintf(in.title, sizeof(in.title), "site s%d cut off: a title "
		    "long enough to fill pages", i);
		in.priority = 1;
		in.state = INC_OPEN;
		in.started_at = in.opened_at = 1000 + i;
		store_incident_save(st, &in);
	}
	store_commit(st);
	store_close(st);
	/* Page 3 onwards is table data: overwrite one page with junk. */
	memset(junk, 0xa5, sizeof(junk));
	f = fopen(path, "r+");
	CHECK(f != NULL && fseek(f, 4096L * 3, SEEK_SET) == 0 &&
	    fwrite(junk, 1, sizeof(junk), f) == sizeof(junk), "a page damaged");
	if (f != NULL)
		fclose(f);
	st = store_open(path, 0, err, sizeof(err));
	CHECK(st != NULL, "the damaged store still opens");
	if (st == NULL)
		return;
	CHECK(strncmp(store_integrity(st), "corrupt: ", 9) == 0,
	    "and says it is damaged");
	fprintf(stderr, "  quick_check: %s\n", store_integrity(st));
	store_close(st);
}

/*
 * The daemon writes on one connection (its store thread) and reads on
 * others (the API's worker, the CLI): each commit is seen by another
 * connection at once (WAL), and all of it after a close.
 */
static void
test_two_connections(void)
{
	char path[256], err[256] = "";
	struct store *st, *rd;
	struct incident in;
	json_t *j;
	int i, seen = 0;

	snprintf(path, sizeof(path), "%s/two.db", dir);
	st = store_open(path, 0, err, sizeof(err));
	rd = st ? store_open(path, 1, err, sizeof(err)) : NULL;
	CHECK(st != NULL && rd != NULL, "a writer and a reader on one store");
	if (st == NULL || rd == NULL) {
		store_close(st);
		return;
	}
	for (i = 0; i < 20; i++) {
		memset(&in, 0, sizeof(in));
		snprintf(in.key, sizeof(in.key), "site:s%d", i);
		snprintf(in.title, sizeof(in.title), "s%d cut off", i);
		in.priority = 1;
		in.state = INC_OPEN;
		in.started_at = in.opened_at = 1000 + i;
		store_begin(st);
		store_incident_save(st, &in);
		store_commit(st);
		j = store_incidents_json(rd, NULL, 0, 100);
		seen += json_array_size(j) == (size_t)i + 1;
		json_decref(j);
	}
	CHECK(seen == 20, "the reader sees each of 20 commits at once");
	store_close(rd);
	store_close(st);
	st = store_open(path, 0, err, sizeof(err));
	j = st ? store_incidents_json(st, NULL, 0, 100) : NULL;
	CHECK(json_array_size(j) == 20, "all 20 there after a close");
	json_decref(j);
	store_close(st);
}

int
main(void)
{
	char path[256], err[256] = "", sql[128];
	struct store *st;
	struct incident in, in2;
	struct outbox_row rows[8];
	struct maint_row *mr;
	json_t *j, *one;
	long long tl, now = wall_ms(), mid;
	size_t n, i;
	double b;

	log_init("test_store", 1, 0);
	if (mkdtemp(dir) == NULL)
		return 1;
	test_corrupt();
	test_two_connections();
	snprintf(path, sizeof(path), "%s/nocwatch.db", dir);
	st = store_open(path, 0, err, sizeof(err));
	CHECK(st != NULL, "a new store opens");
	if (st == NULL)
		return unit_done();
	CHECK(store_schema_version(st) == STORE_SCHEMA_VERSION,
	    "schema version set by the migrations");

	memset(&in, 0, sizeof(in));
	snprintf(in.key, sizeof(in.key), "site:library");
	in.cause = CAUSE_FIBRE_CUT;
	in.sit = SIT_SITE_DOWN;
	in.priority = 1;
	in.state = INC_OPEN;
	snprintf(in.title, sizeof(in.title), "library cut off");
	strset_add(&in.sites, "library");
	strset_add(&in.devices, "lib-rtr");
	strset_add(&in.devices, "lib-sw");
	CHECK(strset_add(&in.devices, "lib-sw") == 0, "a set keeps one copy");
	in.started_at = now - 5000;
	in.opened_at = now;
	in.resolve_by = now + 4 * 3600000LL;
	CHECK(store_begin(st) == 0 && store_incident_save(st, &in) == 0 &&
	    in.id > 0, "insert sets the id");
	tl = store_timeline(st, in.id, now, "opened", "library cut off");
	CHECK(tl > 0, "timeline row");
	CHECK(store_evidence(st, in.id, now, "core", "ge-0/0/1 down") == 0,
	    "evidence row");
	CHECK(store_outbox_add(st, in.id, tl, "webhook:x", "opened", "k-1-1",
	    "{\"event\":\"opened\"}") == 0 && store_outbox_add(st, in.id, tl,
	    "syslog", "opened", "k-1-1", "{}") == 0, "outbox rows");
	CHECK(store_outbox_add(st, in.id, tl, "webhook:x", "opened", "k-1-1",
	    "{}") == -1, "the same key twice on a channel is refused");
	CHECK(store_commit(st) == 0, "commit");
	/* A second change, rolled back: it leaves nothing behind. */
	store_begin(st);
	store_timeline(st, in.id, now, "updated", "never");
	store_rollback(st);
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM timeline");
	CHECK(count(path, sql) == 1, "a rolled-back change leaves no row");
	CHECK(wal(path), "the store is in WAL mode");

	/* Two more events for the same incident, one for another one. */
	store_begin(st);
	tl = store_timeline(st, in.id, now + 1, "updated", "sites +x");
	store_outbox_add(st, in.id, tl, "webhook:x", "updated", "k-1-2", "{}");
	memset(&in2, 0, sizeof(in2));
	snprintf(in2.key, sizeof(in2.key), "device:sw");
	in2.priority = 3;
	in2.sit = SIT_DEVICE_DOWN;
	in2.cause = CAUSE_DEVICE_DOWN;
	snprintf(in2.title, sizeof(in2.title), "sw down");
	in2.opened_at = now;
	store_incident_save(st, &in2);
	tl = store_timeline(st, in2.id, now, "opened", "sw down");
	store_outbox_add(st, in2.id, tl, "webhook:x", "opened", "k-2-1", "{}");
	store_commit(st);
	n = store_outbox_due(st, "webhook:x", (double)wall_ms(), rows, 8);
	CHECK(n == 2 && strcmp(rows[0].idem_key, "k-1-1") == 0 &&
	    strcmp(rows[1].idem_key, "k-2-1") == 0,
	    "due: the oldest pending row of each incident only");
	for (i = 0; i < n; i++)
		free(rows[i].body);
	/* The first fails and waits: nothing of that incident is due. */
	CHECK(store_outbox_retry(st, rows[0].id, 1, (double)wall_ms() +
	    60000, "HTTP 503", 0) == 0, "retry recorded");
	n = store_outbox_due(st, "webhook:x", (double)wall_ms(), rows, 8);
	CHECK(n == 1 && strcmp(rows[0].idem_key, "k-2-1") == 0,
	    "a waiting row holds back its incident's later events");
	for (i = 0; i < n; i++)
		free(rows[i].body);
	n = store_outbox_due(st, "webhook:x", (double)wall_ms() + 61000,
	    rows, 8);
	CHECK(n == 2 && rows[0].attempts == 1, "due again after its backoff");
	store_outbox_sent(st, rows[0].id, now);
	for (i = 0; i < n; i++)
		free(rows[i].body);
	n = store_outbox_due(st, "webhook:x", (double)wall_ms() + 61000,
	    rows, 8);
	CHECK(n == 2 && strcmp(rows[0].idem_key, "k-1-2") == 0,
	    "sent: the next event of the incident is due");
	store_outbox_retry(st, rows[0].id, 3, 0, "HTTP 400", 1);
	for (i = 0; i < n; i++)
		free(rows[i].body);
	CHECK(store_outbox_backlog(st) == 2, "backlog counts pending rows");

	/* Resolve the second; reload: the open one and the recent one. */
	in2.state = INC_RESOLVED;
	in2.resolved_at = now;
	store_incident_save(st, &in2);
	nloaded = 0;
	store_load_incidents(st, now + 1, on_load, NULL);
	CHECK(nloaded == 1 && loaded_in != NULL && loaded_in->id == in.id &&
	    loaded_in->devices.n == 2 && loaded_in->evidence.n == 1 &&
	    loaded_in->started_at == in.started_at &&
	    loaded_in->cause == CAUSE_FIBRE_CUT, "reload: the open incident, "
	    "whole");
	nloaded = 0;
	store_load_incidents(st, now - 1, on_load, NULL);
	CHECK(nloaded == 2, "reload: and one resolved within the window");

	/* Maintenance. */
	mid = store_maint_add(st, "site", "library", now - 1000, now + 60000,
	    "fibre works", now);
	CHECK(mid > 0, "maintenance added");
	n = store_maint_upcoming(st, now, &mr);
	CHECK(n == 1 && strcmp(mr[0].name, "library") == 0, "active window");
	free(mr);
	CHECK(store_suppressed(st, mid, "site:library", "fibre-cut", "x",
	    now) == 0 && store_suppressed(st, mid, "site:library",
	    "fibre-cut", "x", now + 1) == 0, "suppressions recorded");
	j = store_maint_json(st, 0);
	CHECK(json_array_size(j) == 1 && json_integer_value(json_object_get(
	    json_array_get(j, 0), "suppressed")) == 2 && json_is_true(
	    json_object_get(json_array_get(j, 0), "active")),
	    "maintenance JSON counts suppressions");
	json_decref(j);
	CHECK(store_maint_remove(st, mid, now) == 0 &&
	    store_maint_remove(st, mid, now) == -1, "removed once");
	n = store_maint_upcoming(st, now, &mr);
	CHECK(n == 0, "no active window after removal");
	free(mr);

	/* JSON for the CLI and the API. */
	j = store_incidents_json(st, "active", 0, 0);
	CHECK(json_array_size(j) == 1, "filter: active incidents");
	json_decref(j);
	j = store_incidents_json(st, NULL, 3, 0);
	CHECK(json_array_size(j) == 1 && strcmp(json_string_value(
	    json_object_get(json_array_get(j, 0), "priority")), "P3") == 0,
	    "filter: by priority");
	json_decref(j);
	one = store_incident_json(st, in.id);
	CHECK(one != NULL && json_array_size(json_object_get(one,
	    "timeline")) == 2 && json_array_size(json_object_get(one,
	    "evidence")) == 1 && strcmp(json_string_value(json_object_get(one,
	    "cause")), "fibre-cut") == 0 && json_is_string(json_object_get(
	    one, "sla_resolve_by")) && strlen(json_string_value(
	    json_object_get(one, "opened_at"))) == 20, "one incident's JSON, "
	    "ISO 8601 times");
	json_decref(one);
	CHECK(store_incident_json(st, 999) == NULL, "no such incident");

	/* A controller's AP inventory: replaced whole, read back as saved. */
	{
		struct store_ap aps[3] = {
			{ "0.26.161.2.1.1", "LIB-AP-1", 1, 0, now - 9000, now },
			{ "0.26.161.2.1.2", "LIB-AP-2", 0, 1, now - 4000, now - 4000 },
			{ "0.26.161.2.1.3", "<b>AP'3", 0, 0, now, now },
		};

		CHECK(store_aps_save(st, "wlc-north", aps, 3) == 0 &&
		    store_aps_save(st, "wlc-south", aps, 1) == 0 &&
		    store_aps_save(st, "wlc-north", aps, 2) == 0,
		    "AP inventories saved, one replaced");
		napseen = 0;
		CHECK(store_aps_load(st, "wlc-north", on_ap, NULL) == 2 &&
		    napseen == 2 && apgone == 1, "and loaded back: the gone "
		    "AP still gone, the replaced row gone");
		CHECK(store_aps_load(st, "wlc-east", on_ap, NULL) == 0,
		    "a controller never saved has none");
		CHECK(store_aps_save(st, "wlc-north", aps + 2, 1) == 0 &&
		    store_aps_load(st, "wlc-north", on_ap, NULL) == 1 &&
		    strcmp(lastname, "<b>AP'3") == 0,
		    "a hostile name is stored as data");
	}
	store_close(st);

	/* A second open migrates nothing and finds the same rows. */
	st = store_open(path, 0, err, sizeof(err));
	CHECK(st != NULL && store_schema_version(st) == STORE_SCHEMA_VERSION,
	    "reopen keeps the schema");
	store_close(st);
	st = store_open(path, 1, err, sizeof(err));
	CHECK(st != NULL, "read-only open for the CLI");
	store_close(st);
	snprintf(sql, sizeof(sql), "%s/none.db", dir);
	CHECK(store_open(sql, 1, err, sizeof(err)) == NULL && err[0] != '\0',
	    "read-only open of a missing store fails with a message");
	CHECK(count(path, "SELECT COUNT(*) FROM incidents") == 2,
	    "rows on disk");

	/* Backoff: doubling from 1 s, capped, jitter in the upper half. */
	b = notify_backoff_ms(1, 300000, 0);
	CHECK(b == 500, "first retry after 0.5..1 s");
	b = notify_backoff_ms(4, 300000, 1);
	CHECK(b == 8000, "fourth retry after up to 8 s");
	b = notify_backoff_ms(30, 5000, 0.5);
	CHECK(b == 3750, "capped by retry-max");

	strset_free(&in.sites);
	strset_free(&in.devices);
	if (loaded_in != NULL) {
		strset_free(&loaded_in->sites);
		strset_free(&loaded_in->devices);
		strset_free(&loaded_in->evidence);
		free(loaded_in);
	}
	(void)!system("rm -rf /tmp/nocwatch-store.*");
	return unit_done();
}
