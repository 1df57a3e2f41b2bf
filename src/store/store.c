/*
 * The incident store on SQLite.  WAL mode lets the CLI read while the daemon
 * writes; synchronous=FULL makes a committed change survive a crash of the
 * process or the machine (the daemon commits on a thread of its own,
 * src/daemon/storew.c, so that wait is never the loop's).  The schema version is
 * PRAGMA user_version and each migration runs in its own transaction.
 */
#include <sys/stat.h>

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "clock.h"
#include "escape.h"
#include "model.h"
#include "log.h"
#include "store.h"
#include "xmalloc.h"

struct store {
	sqlite3		*db;
	int		 readonly;
	char		 path[1024];
	char		 integrity[256];	/* "ok" or quick_check's finding */
};

/*
 * PRAGMA quick_check at open: a damaged page would otherwise show only
 * when a write or a read happens to touch it, perhaps mid-outage.
 */
static void
store_quick_check(struct store *st, const char *path)
{
	sqlite3_stmt *s;
	const unsigned char *t;
	int rc, n = 0;

	snprintf(st->integrity, sizeof(st->integrity), "unchecked");
	if (sqlite3_prepare_v2(st->db, "PRAGMA quick_check(3)", -1, &s,
	    NULL) != SQLITE_OK) {
		snprintf(st->integrity, sizeof(st->integrity), "corrupt: %s",
		    sqlite3_errmsg(st->db));
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		t = sqlite3_column_text(s, 0);
		if (n++ == 0)
			snprintf(st->integrity, sizeof(st->integrity), "%s",
			    t ? (const char *)t : "?");
		else if (strlen(st->integrity) + 3 < sizeof(st->integrity))
			snprintf(st->integrity + strlen(st->integrity),
			    sizeof(st->integrity) - strlen(st->integrity),
			    "; %s", t ? (const char *)t : "?");
	}
	if (rc != SQLITE_DONE)
		snprintf(st->integrity, sizeof(st->integrity), "corrupt: %s",
		    sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	if (strcmp(st->integrity, "ok") != 0 && strncmp(st->integrity,
	    "corrupt: ", 9) != 0) {
		char tmp[sizeof(st->integrity)];

		snprintf(tmp, sizeof(tmp), "corrupt: %.240s", st->integrity);
		snprintf(st->integrity, sizeof(st->integrity), "%s", tmp);
	}
out:
	if (strcmp(st->integrity, "ok") != 0)
		log_warnx("store: %s is damaged (%s); the daemon goes on, but "
		    "incidents may not be recorded: stop it, keep a copy and "
		    "recover the file (sqlite3 %s .recover)", path,
		    st->integrity, path);
}

const char *
store_integrity(const struct store *st)
{
	return st->integrity[0] != '\0' ? st->integrity : "unchecked";
}

static const char *const migrations[] = {
	/* 1: incidents, their timeline and evidence, outbox, maintenance */
	"CREATE TABLE incidents ("
	"  id INTEGER PRIMARY KEY, key TEXT NOT NULL, cause TEXT NOT NULL,"
	"  situation TEXT NOT NULL, priority INTEGER NOT NULL,"
	"  state TEXT NOT NULL, title TEXT NOT NULL,"
	"  sites TEXT NOT NULL DEFAULT '[]', devices TEXT NOT NULL DEFAULT '[]',"
	"  flapping INTEGER NOT NULL DEFAULT 0,"
	"  started_at INTEGER, opened_at INTEGER, acknowledged_at INTEGER,"
	"  ack_by TEXT, recovered_at INTEGER, resolved_at INTEGER,"
	"  respond_by INTEGER, resolve_by INTEGER, updated_at INTEGER);"
	"CREATE INDEX incidents_key ON incidents(key, state);"
	"CREATE TABLE timeline ("
	"  id INTEGER PRIMARY KEY, incident INTEGER NOT NULL REFERENCES"
	"  incidents(id), at INTEGER NOT NULL, event TEXT NOT NULL,"
	"  detail TEXT);"
	"CREATE INDEX timeline_incident ON timeline(incident, id);"
	"CREATE TABLE evidence ("
	"  id INTEGER PRIMARY KEY, incident INTEGER NOT NULL REFERENCES"
	"  incidents(id), at INTEGER NOT NULL, source TEXT NOT NULL,"
	"  observation TEXT NOT NULL);"
	"CREATE INDEX evidence_incident ON evidence(incident, id);"
	"CREATE TABLE outbox ("
	"  id INTEGER PRIMARY KEY, incident INTEGER NOT NULL,"
	"  timeline INTEGER NOT NULL, channel TEXT NOT NULL,"
	"  event TEXT NOT NULL, idem_key TEXT NOT NULL, body TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'pending',"
	"  attempts INTEGER NOT NULL DEFAULT 0, next_at REAL NOT NULL DEFAULT 0,"
	"  last_error TEXT, created_at INTEGER, sent_at INTEGER,"
	"  UNIQUE(channel, idem_key));"
	"CREATE INDEX outbox_pending ON outbox(channel, state, incident, id);"
	"CREATE TABLE maintenance ("
	"  id INTEGER PRIMARY KEY, scope TEXT NOT NULL, name TEXT NOT NULL,"
	"  starts INTEGER NOT NULL, ends INTEGER NOT NULL, reason TEXT,"
	"  created_at INTEGER, removed_at INTEGER);"
	"CREATE TABLE suppressed ("
	"  maintenance INTEGER NOT NULL, key TEXT NOT NULL, cause TEXT,"
	"  detail TEXT, first_at INTEGER, last_at INTEGER, count INTEGER,"
	"  PRIMARY KEY(maintenance, key));",
	/* 2: Wi-Fi controllers' AP inventories */
	"CREATE TABLE aps ("
	"  controller TEXT NOT NULL, idx TEXT NOT NULL, name TEXT NOT NULL,"
	"  up INTEGER NOT NULL, gone INTEGER NOT NULL, since INTEGER,"
	"  seen INTEGER, PRIMARY KEY(controller, idx));",
	/* 3: an incident's fault episodes, [[start, recovery], ...] (ms) */
	"ALTER TABLE incidents ADD COLUMN episodes TEXT;",
	/* 4: a service desk's own reference for an incident (its ticket) */
	"CREATE TABLE desk_refs ("
	"  channel TEXT NOT NULL, incident INTEGER NOT NULL, ref TEXT NOT NULL,"
	"  at INTEGER, PRIMARY KEY(channel, incident));"
	/* which SLA deadlines passed: 1 respond-by, 2 resolve-by */
	"ALTER TABLE incidents ADD COLUMN sla_breached INTEGER NOT NULL"
	"  DEFAULT 0;",
};

static int
exec_sql(struct store *st, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(st->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
		log_warnx("store: %s", msg ? msg : sqlite3_errmsg(st->db));
		sqlite3_free(msg);
		return -1;
	}
	return 0;
}

int
store_schema_version(struct store *st)
{
	sqlite3_stmt *s;
	int v = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	if (sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static int
migrate(struct store *st, char *err, size_t errlen)
{
	int v = store_schema_version(st), n = (int)(sizeof(migrations) /
	    sizeof(migrations[0]));
	char sql[64];

	if (v > n) {
		snprintf(err, errlen, "the store has schema version %d, newer "
		    "than this nocwatch (%d)", v, n);
		return -1;
	}
	for (; v < n; v++) {
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (exec_sql(st, "BEGIN IMMEDIATE") == -1 ||
		    exec_sql(st, migrations[v]) == -1 || exec_sql(st, sql) == -1 ||
		    exec_sql(st, "COMMIT") == -1) {
			exec_sql(st, "ROLLBACK");
			snprintf(err, errlen, "migration to schema %d failed: %s",
			    v + 1, sqlite3_errmsg(st->db));
			return -1;
		}
		log_info("store: schema migrated to version %d", v + 1);
	}
	return 0;
}

struct store *
store_open(const char *path, int readonly, char *err, size_t errlen)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int flags = readonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

	st->readonly = readonly;
	snprintf(st->path, sizeof(st->path), "%s", path);
	if (!readonly) {
		/* Like the RRD directory: made when missing, for the daemon. */
		char dir[1024], *slash;

		snprintf(dir, sizeof(dir), "%s", path);
		if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
			*slash = '\0';
			if (mkdir(dir, 0750) == -1 && errno != EEXIST)
				log_warnx("store: %s: %s", dir, strerror(errno));
		}
	}
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOFOLLOW,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", path, st->db ?
		    sqlite3_errmsg(st->db) : "cannot open");
		store_close(st);
		return NULL;
	}
	sqlite3_busy_timeout(st->db, 5000);
	if (!readonly && (exec_sql(st, "PRAGMA journal_mode = WAL") == -1 ||
	    exec_sql(st, "PRAGMA synchronous = FULL") == -1 ||
	    exec_sql(st, "PRAGMA foreign_keys = ON") == -1 ||
	    migrate(st, err, errlen) == -1)) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s: %s", path,
			    sqlite3_errmsg(st->db));
		store_close(st);
		return NULL;
	}
	if (!readonly)
		store_quick_check(st, path);
	if (readonly && store_schema_version(st) < 1) {
		snprintf(err, errlen, "%s: not a nocwatch store (yet)", path);
		store_close(st);
		return NULL;
	}
	return st;
}

void
store_close(struct store *st)
{
	if (st == NULL)
		return;
	sqlite3_close(st->db);
	free(st);
}

void
store_set_busy_ms(struct store *st, int ms)
{
	sqlite3_busy_timeout(st->db, ms);
}

const char *
store_error(struct store *st)
{
	return sqlite3_errmsg(st->db);
}

int
store_begin(struct store *st)
{
	return exec_sql(st, "BEGIN IMMEDIATE");
}

int
store_commit(struct store *st)
{
	if (exec_sql(st, "COMMIT") == -1) {
		store_rollback(st);
		return -1;
	}
	return 0;
}

void
store_rollback(struct store *st)
{
	(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

static char *
strset_json(const struct strset *s)
{
	json_t *a = json_array();
	char *out;
	size_t i;

	for (i = 0; i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	out = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return out;
}

static void
strset_from_json(struct strset *s, const char *text)
{
	json_t *a = text ? json_loads(text, 0, NULL) : NULL;
	size_t i;

	for (i = 0; a != NULL && i < json_array_size(a); i++)
		if (json_is_string(json_array_get(a, i)))
			strset_add(s, json_string_value(json_array_get(a, i)));
	json_decref(a);
}

static void
bind_ms(sqlite3_stmt *s, int i, long long v)
{
	if (v > 0)
		sqlite3_bind_int64(s, i, v);
	else
		sqlite3_bind_null(s, i);
}

static char *
episodes_json(const struct incident *in)
{
	json_t *a = json_array();
	char *out;
	int i;

	for (i = 0; i < in->neps; i++)
		json_array_append_new(a, json_pack("[I,I,I]",
		    (json_int_t)in->eps[i].start, (json_int_t)in->eps[i].rec,
		    (json_int_t)in->eps[i].down));
	out = json_dumps(a, JSON_COMPACT);
	json_decref(a);
	return out;
}

/* A row from before episodes were kept is one episode; an episode from
 * before their cut-off moment was kept ([start, rec]) was cut off from its
 * start if the incident is a site-down one (as the report counted it). */
static void
episodes_from_json(struct incident *in, const char *text)
{
	json_t *a = text != NULL && *text ? json_loads(text, 0, NULL) : NULL;
	json_t *x;
	size_t i;

	in->neps = 0;
	json_array_foreach(a, i, x) {
		if (in->neps >= INC_MAX_EPISODES)
			break;
		in->eps[in->neps].start = json_integer_value(
		    json_array_get(x, 0));
		in->eps[in->neps].rec = json_integer_value(json_array_get(x, 1));
		in->eps[in->neps].down = json_array_size(x) > 2 ?
		    json_integer_value(json_array_get(x, 2)) : in->sit ==
		    SIT_SITE_DOWN ? in->eps[in->neps].start : 0;
		in->neps++;
	}
	json_decref(a);
	if (in->neps == 0) {
		in->eps[0].start = in->started_at > 0 ? in->started_at :
		    in->opened_at;
		in->eps[0].rec = in->recovered_at;
		in->eps[0].down = in->sit == SIT_SITE_DOWN ? in->eps[0].start :
		    0;
		in->neps = 1;
	}
}

int
store_incident_save(struct store *st, struct incident *in)
{
	static const char *ins = "INSERT INTO incidents (key, cause, "
	    "situation, priority, state, title, sites, devices, flapping, "
	    "started_at, opened_at, acknowledged_at, ack_by, recovered_at, "
	    "resolved_at, respond_by, resolve_by, updated_at, episodes, "
	    "sla_breached) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,"
	    "?14,?15,?16,?17,?18,?20,?21)";
	static const char *upd = "UPDATE incidents SET key=?1, cause=?2, "
	    "situation=?3, priority=?4, state=?5, title=?6, sites=?7, "
	    "devices=?8, flapping=?9, started_at=?10, opened_at=?11, "
	    "acknowledged_at=?12, ack_by=?13, recovered_at=?14, "
	    "resolved_at=?15, respond_by=?16, resolve_by=?17, updated_at=?18, "
	    "episodes=?20, sla_breached=?21 WHERE id=?19";
	sqlite3_stmt *s;
	char *sites = strset_json(&in->sites), *devs = strset_json(&in->devices);
	char *eps = episodes_json(in);
	int rc;

	if (sqlite3_prepare_v2(st->db, in->id ? upd : ins, -1, &s, NULL) !=
	    SQLITE_OK) {
		free(sites);
		free(devs);
		free(eps);
		return -1;
	}
	sqlite3_bind_text(s, 1, in->key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, cause_name(in->cause), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 3, situation_name(in->sit), -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 4, in->priority);
	sqlite3_bind_text(s, 5, inc_state_name(in->state), -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 6, in->title, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 7, sites, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 8, devs, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 9, in->flapping);
	bind_ms(s, 10, in->started_at);
	bind_ms(s, 11, in->opened_at);
	bind_ms(s, 12, in->acked_at);
	if (in->ack_by[0] != '\0')
		sqlite3_bind_text(s, 13, in->ack_by, -1, SQLITE_TRANSIENT);
	bind_ms(s, 14, in->recovered_at);
	bind_ms(s, 15, in->resolved_at);
	bind_ms(s, 16, in->respond_by);
	bind_ms(s, 17, in->resolve_by);
	sqlite3_bind_int64(s, 18, wall_ms());
	if (in->id)
		sqlite3_bind_int64(s, 19, in->id);
	sqlite3_bind_text(s, 20, eps, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 21, in->sla_breached);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	if (rc == 0 && in->id == 0)
		in->id = sqlite3_last_insert_rowid(st->db);
	if (rc == -1)
		log_warnx("store: incident: %s", sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	free(sites);
	free(devs);
	free(eps);
	return rc;
}

long long
store_timeline(struct store *st, long long incident, long long at,
    const char *event, const char *detail)
{
	sqlite3_stmt *s;
	long long id = -1;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO timeline (incident, at, "
	    "event, detail) VALUES (?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, incident);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_text(s, 3, event, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, detail, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(st->db);
	sqlite3_finalize(s);
	return id;
}

int
store_evidence(struct store *st, long long incident, long long at,
    const char *source, const char *text)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO evidence (incident, at, "
	    "source, observation) VALUES (?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, incident);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_text(s, 3, source, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, text, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(s);
	return rc;
}

int
store_outbox_add(struct store *st, long long incident, long long timeline,
    const char *channel, const char *event, const char *idem_key,
    const char *body)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO outbox (incident, "
	    "timeline, channel, event, idem_key, body, created_at) VALUES "
	    "(?,?,?,?,?,?,?)", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, incident);
	sqlite3_bind_int64(s, 2, timeline);
	sqlite3_bind_text(s, 3, channel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, event, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 5, idem_key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 6, body, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 7, wall_ms());
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(s);
	return rc;
}

static long long
col_ms(sqlite3_stmt *s, int i)
{
	return sqlite3_column_type(s, i) == SQLITE_NULL ? 0 :
	    sqlite3_column_int64(s, i);
}

static const char *
col_text(sqlite3_stmt *s, int i)
{
	const unsigned char *t = sqlite3_column_text(s, i);

	return t ? (const char *)t : "";
}

#define INCIDENT_COLS	"id, key, cause, situation, priority, state, title, " \
	"sites, devices, flapping, started_at, opened_at, acknowledged_at, " \
	"ack_by, recovered_at, resolved_at, respond_by, resolve_by, episodes, " \
	"sla_breached"

static void
row_incident(sqlite3_stmt *s, struct incident *in)
{
	const char *st = col_text(s, 5);
	int c = cause_parse(col_text(s, 2)), sit = situation_parse(col_text(s,
	    3));

	in->id = sqlite3_column_int64(s, 0);
	str_utf8_copy(in->key, sizeof(in->key), col_text(s, 1));
	in->cause = c >= 0 ? (enum inc_cause)c : CAUSE_DEVICE_DOWN;
	in->sit = sit >= 0 ? (enum situation)sit : SIT_DEVICE_DOWN;
	in->priority = sqlite3_column_int(s, 4);
	in->state = strcmp(st, "open") == 0 ? INC_OPEN : strcmp(st,
	    "acknowledged") == 0 ? INC_ACKNOWLEDGED : INC_RESOLVED;
	str_utf8_copy(in->title, sizeof(in->title), col_text(s, 6));
	strset_from_json(&in->sites, col_text(s, 7));
	strset_from_json(&in->devices, col_text(s, 8));
	in->flapping = sqlite3_column_int(s, 9);
	in->started_at = col_ms(s, 10);
	in->opened_at = col_ms(s, 11);
	in->acked_at = col_ms(s, 12);
	str_utf8_copy(in->ack_by, sizeof(in->ack_by), col_text(s, 13));
	in->recovered_at = col_ms(s, 14);
	in->resolved_at = col_ms(s, 15);
	in->respond_by = col_ms(s, 16);
	in->resolve_by = col_ms(s, 17);
	episodes_from_json(in, col_text(s, 18));
	in->sla_breached = sqlite3_column_int(s, 19);
}

int
store_load_incidents(struct store *st, long long since,
    void (*cb)(struct incident *, void *), void *arg)
{
	sqlite3_stmt *s, *e;
	struct incident *in;
	int n = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT " INCIDENT_COLS " FROM "
	    "incidents WHERE state != 'resolved' OR resolved_at >= ? "
	    "ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return -1;
	if (sqlite3_prepare_v2(st->db, "SELECT source || ': ' || observation "
	    "FROM evidence WHERE incident = ?", -1, &e, NULL) != SQLITE_OK) {
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_bind_int64(s, 1, since);
	while (sqlite3_step(s) == SQLITE_ROW) {
		in = xcalloc(1, sizeof(*in));
		row_incident(s, in);
		sqlite3_bind_int64(e, 1, in->id);
		while (sqlite3_step(e) == SQLITE_ROW)
			strset_add(&in->evidence, col_text(e, 0));
		sqlite3_reset(e);
		cb(in, arg);
		n++;
	}
	sqlite3_finalize(e);
	sqlite3_finalize(s);
	return n;
}

size_t
store_outbox_due(struct store *st, const char *channel, double now,
    struct outbox_row *rows, size_t max)
{
	sqlite3_stmt *s;
	size_t n = 0;

	/* In order per incident: only the oldest row not yet sent may go,
	 * so a dead letter holds the incident's later events back until it
	 * is retried (a desk's update needs the ticket its opening made). */
	if (sqlite3_prepare_v2(st->db, "SELECT o.id, o.incident, o.channel, "
	    "o.event, o.idem_key, o.body, o.attempts FROM outbox o WHERE "
	    "o.channel = ?1 AND o.state = 'pending' AND o.next_at <= ?2 AND "
	    "o.id = (SELECT MIN(p.id) FROM outbox p WHERE p.channel = ?1 AND "
	    "p.state IN ('pending', 'failed') AND p.incident = o.incident) "
	    "ORDER BY o.id LIMIT ?3", -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_text(s, 1, channel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_double(s, 2, now);
	sqlite3_bind_int64(s, 3, (long long)max);
	while (n < max && sqlite3_step(s) == SQLITE_ROW) {
		struct outbox_row *r = &rows[n++];

		r->id = sqlite3_column_int64(s, 0);
		r->incident = sqlite3_column_int64(s, 1);
		str_utf8_copy(r->channel, sizeof(r->channel), col_text(s, 2));
		str_utf8_copy(r->event, sizeof(r->event), col_text(s, 3));
		str_utf8_copy(r->idem_key, sizeof(r->idem_key), col_text(s, 4));
		r->body = xstrdup(col_text(s, 5));
		r->attempts = sqlite3_column_int(s, 6);
	}
	sqlite3_finalize(s);
	return n;
}

static int
exec_bound(struct store *st, const char *sql, long long a, long long b,
    double c, const char *t)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	sqlite3_bind_double(s, 3, c);
	if (t != NULL)
		sqlite3_bind_text(s, 4, t, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	if (rc == -1)
		log_warnx("store: %s", sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	return rc;
}

int
store_outbox_sent(struct store *st, long long id, long long at)
{
	return exec_bound(st, "UPDATE outbox SET state = 'sent', sent_at = ?2,"
	    " attempts = attempts + 1 WHERE id = ?1 AND ?3 = ?3", id, at, 0,
	    NULL);
}

int
store_outbox_retry(struct store *st, long long id, int attempts,
    double next_at, const char *error, int give_up)
{
	return exec_bound(st, give_up ? "UPDATE outbox SET state = 'failed', "
	    "attempts = ?2, next_at = ?3, last_error = ?4 WHERE id = ?1" :
	    "UPDATE outbox SET attempts = ?2, next_at = ?3, last_error = ?4 "
	    "WHERE id = ?1", id, attempts, next_at, error);
}

int
store_desk_ref(struct store *st, const char *channel, long long incident,
    char *ref, size_t len)
{
	sqlite3_stmt *s;
	int rc = -1;

	if (sqlite3_prepare_v2(st->db, "SELECT ref FROM desk_refs WHERE "
	    "channel = ?1 AND incident = ?2", -1, &s, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, channel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, incident);
	if (sqlite3_step(s) == SQLITE_ROW) {
		str_utf8_copy(ref, len, col_text(s, 0));
		rc = 0;
	}
	sqlite3_finalize(s);
	return rc;
}

int
store_desk_ref_set(struct store *st, const char *channel, long long incident,
    const char *ref)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "INSERT OR REPLACE INTO desk_refs "
	    "(channel, incident, ref, at) VALUES (?1, ?2, ?3, ?4)", -1, &s,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, channel, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 2, incident);
	sqlite3_bind_text(s, 3, ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 4, wall_ms());
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	if (rc == -1)
		log_warnx("store: %s", sqlite3_errmsg(st->db));
	sqlite3_finalize(s);
	return rc;
}

json_t *
store_outbox_dead(struct store *st)
{
	sqlite3_stmt *s;
	json_t *a = json_array();

	if (sqlite3_prepare_v2(st->db, "SELECT id, incident, channel, event, "
	    "attempts, last_error, created_at FROM outbox WHERE state = "
	    "'failed' ORDER BY id", -1, &s, NULL) != SQLITE_OK)
		return a;
	while (sqlite3_step(s) == SQLITE_ROW) {
		json_t *o = json_object();
		char buf[512];

		json_object_set_new(o, "id", json_integer(
		    sqlite3_column_int64(s, 0)));
		json_object_set_new(o, "incident", json_integer(
		    sqlite3_column_int64(s, 1)));
		json_object_set_new(o, "channel", json_string(str_utf8_copy(buf,
		    sizeof(buf), col_text(s, 2))));
		json_object_set_new(o, "event", json_string(str_utf8_copy(buf,
		    sizeof(buf), col_text(s, 3))));
		json_object_set_new(o, "attempts", json_integer(
		    sqlite3_column_int(s, 4)));
		json_object_set_new(o, "error", json_string(str_utf8_copy(buf,
		    sizeof(buf), col_text(s, 5))));
		json_object_set_new(o, "created_at", json_integer(
		    sqlite3_column_int64(s, 6)));
		json_array_append_new(a, o);
	}
	sqlite3_finalize(s);
	return a;
}

int
store_outbox_requeue(struct store *st, long long id)
{
	if (exec_bound(st, "UPDATE outbox SET state = 'pending', attempts = 0,"
	    " next_at = ?3, last_error = NULL WHERE id = ?1 AND state = "
	    "'failed' AND ?2 = ?2", id, 0, 0, NULL) == -1)
		return -1;
	return sqlite3_changes(st->db) == 1 ? 0 : -1;
}

size_t
store_outbox_dead_count(struct store *st)
{
	sqlite3_stmt *s;
	size_t n = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT COUNT(*) FROM outbox WHERE "
	    "state = 'failed'", -1, &s, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = (size_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

size_t
store_outbox_backlog(struct store *st)
{
	sqlite3_stmt *s;
	size_t n = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT COUNT(*) FROM outbox WHERE "
	    "state = 'pending'", -1, &s, NULL) != SQLITE_OK)
		return 0;
	if (sqlite3_step(s) == SQLITE_ROW)
		n = (size_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

long long
store_maint_add(struct store *st, const char *scope, const char *name,
    long long starts, long long ends, const char *reason, long long now)
{
	sqlite3_stmt *s;
	long long id = -1;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO maintenance (scope, name, "
	    "starts, ends, reason, created_at) VALUES (?,?,?,?,?,?)", -1, &s,
	    NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, scope, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 3, starts);
	sqlite3_bind_int64(s, 4, ends);
	sqlite3_bind_text(s, 5, reason ? reason : "", -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 6, now);
	if (sqlite3_step(s) == SQLITE_DONE)
		id = sqlite3_last_insert_rowid(st->db);
	sqlite3_finalize(s);
	return id;
}

int
store_maint_remove(struct store *st, long long id, long long now)
{
	int rc = exec_bound(st, "UPDATE maintenance SET removed_at = ?2 WHERE "
	    "id = ?1 AND removed_at IS NULL AND ?3 = ?3", id, now, 0, NULL);

	return rc == 0 && sqlite3_changes(st->db) == 1 ? 0 : -1;
}

size_t
store_maint_upcoming(struct store *st, long long now, struct maint_row **rows)
{
	sqlite3_stmt *s;
	size_t n = 0;

	*rows = NULL;
	if (sqlite3_prepare_v2(st->db, "SELECT id, scope, name, starts, ends "
	    "FROM maintenance WHERE removed_at IS NULL AND ends > ?1 "
	    "ORDER BY starts, id", -1, &s, NULL) != SQLITE_OK)
		return 0;
	sqlite3_bind_int64(s, 1, now);
	while (sqlite3_step(s) == SQLITE_ROW) {
		struct maint_row *r;

		*rows = xreallocarray(*rows, n + 1, sizeof(**rows));
		r = &(*rows)[n++];
		r->id = sqlite3_column_int64(s, 0);
		str_utf8_copy(r->scope, sizeof(r->scope), col_text(s, 1));
		str_utf8_copy(r->name, sizeof(r->name), col_text(s, 2));
		r->starts = sqlite3_column_int64(s, 3);
		r->ends = sqlite3_column_int64(s, 4);
	}
	sqlite3_finalize(s);
	return n;
}

int
store_suppressed(struct store *st, long long maint, const char *key,
    const char *cause, const char *detail, long long at)
{
	sqlite3_stmt *s;
	int rc;

	if (sqlite3_prepare_v2(st->db, "INSERT INTO suppressed (maintenance, "
	    "key, cause, detail, first_at, last_at, count) VALUES "
	    "(?1,?2,?3,?4,?5,?5,1) ON CONFLICT(maintenance, key) DO UPDATE SET "
	    "last_at = ?5, count = count + 1, detail = ?4", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_int64(s, 1, maint);
	sqlite3_bind_text(s, 2, key, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, cause, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, detail, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(s, 5, at);
	rc = sqlite3_step(s) == SQLITE_DONE ? 0 : -1;
	sqlite3_finalize(s);
	return rc;
}

/* --- JSON ------------------------------------------------------------ */

static void
set_time(json_t *o, const char *k, long long ms)
{
	char buf[32];

	json_object_set_new(o, k, ms > 0 ? json_string(iso8601(ms, buf,
	    sizeof(buf))) : json_null());
}

static json_t *
strset_to_json(const struct strset *s)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < s->n; i++)
		json_array_append_new(a, json_string(s->v[i]));
	return a;
}

json_t *
incident_to_json(const struct incident *in)
{
	json_t *o = json_object(), *eps, *br;
	char p[4];
	long long end = in->recovered_at > 0 ? in->recovered_at : 0;
	int i;

	snprintf(p, sizeof(p), "P%d", in->priority);
	json_object_set_new(o, "id", json_integer(in->id));
	json_object_set_new(o, "key", json_string(in->key));
	json_object_set_new(o, "priority", json_string(p));
	json_object_set_new(o, "cause", json_string(cause_name(in->cause)));
	json_object_set_new(o, "situation", json_string(situation_name(
	    in->sit)));
	json_object_set_new(o, "state", json_string(inc_state_name(in->state)));
	json_object_set_new(o, "title", json_string(in->title));
	json_object_set_new(o, "sites", strset_to_json(&in->sites));
	json_object_set_new(o, "devices", strset_to_json(&in->devices));
	json_object_set_new(o, "flapping", json_boolean(in->flapping));
	set_time(o, "started_at", in->started_at);
	set_time(o, "opened_at", in->opened_at);
	set_time(o, "acknowledged_at", in->acked_at);
	json_object_set_new(o, "acknowledged_by", in->ack_by[0] ?
	    json_string(in->ack_by) : json_null());
	set_time(o, "recovered_at", in->recovered_at);
	set_time(o, "resolved_at", in->resolved_at);
	set_time(o, "sla_respond_by", in->respond_by);
	set_time(o, "sla_resolve_by", in->resolve_by);
	br = json_array();
	if (in->sla_breached & SLA_BREACHED_RESPOND)
		json_array_append_new(br, json_string("respond"));
	if (in->sla_breached & SLA_BREACHED_RESOLVE)
		json_array_append_new(br, json_string("resolve"));
	json_object_set_new(o, "sla_breached", br);
	/* Outage duration: each episode from its fault to service back
	 * (not the hold-down), summed. */
	json_object_set_new(o, "duration_s", in->state == INC_RESOLVED &&
	    end > 0 ? json_real((double)incident_outage_ms(in, end) / 1000) :
	    json_null());
	eps = json_array();
	for (i = 0; i < in->neps; i++) {
		json_t *x = json_object();

		set_time(x, "started_at", in->eps[i].start);
		set_time(x, "recovered_at", in->eps[i].rec);
		set_time(x, "cut_off_at", in->eps[i].down);
		json_object_set_new(x, "duration_s", in->eps[i].rec > 0 ?
		    json_real((double)(in->eps[i].rec - in->eps[i].start) /
		    1000) : json_null());
		json_array_append_new(eps, x);
	}
	json_object_set_new(o, "episodes", eps);
	return o;
}

json_t *
store_incidents_json(struct store *st, const char *state, int priority,
    int limit)
{
	sqlite3_stmt *s;
	json_t *a = json_array();
	struct incident in;

	if (sqlite3_prepare_v2(st->db, "SELECT " INCIDENT_COLS " FROM "
	    "incidents WHERE (?1 IS NULL OR state = ?1 OR (?1 = 'active' AND "
	    "state != 'resolved')) AND (?2 = 0 OR priority = ?2) ORDER BY id "
	    "DESC LIMIT ?3", -1, &s, NULL) != SQLITE_OK) {
		json_decref(a);
		return NULL;
	}
	if (state != NULL)
		sqlite3_bind_text(s, 1, state, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(s, 2, priority);
	sqlite3_bind_int(s, 3, limit > 0 ? limit : 1000);
	while (sqlite3_step(s) == SQLITE_ROW) {
		memset(&in, 0, sizeof(in));
		row_incident(s, &in);
		json_array_append_new(a, incident_to_json(&in));
		strset_free(&in.sites);
		strset_free(&in.devices);
	}
	sqlite3_finalize(s);
	return a;
}

static json_t *
rows_json(struct store *st, const char *sql, long long id, const char *k1,
    const char *k2)
{
	sqlite3_stmt *s;
	json_t *a = json_array(), *o;
	char buf[32];

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK)
		return a;
	sqlite3_bind_int64(s, 1, id);
	while (sqlite3_step(s) == SQLITE_ROW) {
		o = json_object();
		json_object_set_new(o, "at", json_string(iso8601(
		    sqlite3_column_int64(s, 0), buf, sizeof(buf))));
		json_object_set_new(o, k1, json_string(col_text(s, 1)));
		json_object_set_new(o, k2, json_string(col_text(s, 2)));
		json_array_append_new(a, o);
	}
	sqlite3_finalize(s);
	return a;
}

json_t *
store_incident_json(struct store *st, long long id)
{
	sqlite3_stmt *s;
	struct incident in;
	json_t *o = NULL;

	if (sqlite3_prepare_v2(st->db, "SELECT " INCIDENT_COLS " FROM "
	    "incidents WHERE id = ?", -1, &s, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW) {
		memset(&in, 0, sizeof(in));
		row_incident(s, &in);
		o = incident_to_json(&in);
		strset_free(&in.sites);
		strset_free(&in.devices);
		json_object_set_new(o, "timeline", rows_json(st, "SELECT at, "
		    "event, detail FROM timeline WHERE incident = ? ORDER BY id",
		    id, "event", "detail"));
		json_object_set_new(o, "evidence", rows_json(st, "SELECT at, "
		    "source, observation FROM evidence WHERE incident = ? ORDER "
		    "BY id", id, "source", "observation"));
		json_object_set_new(o, "notifications", rows_json(st, "SELECT "
		    "COALESCE(sent_at, created_at), event, channel || ' ' || "
		    "state || ' after ' || attempts || ' attempt(s)' || "
		    "COALESCE(CASE WHEN state = 'sent' THEN ' (earlier: ' || "
		    "last_error || ')' ELSE ': ' || last_error END, '') FROM "
		    "outbox WHERE "
		    "incident = ? ORDER BY id", id, "event", "delivery"));
	}
	sqlite3_finalize(s);
	return o;
}

json_t *
store_maint_json(struct store *st, int all)
{
	sqlite3_stmt *s;
	json_t *a = json_array(), *o;
	long long now = wall_ms();

	if (sqlite3_prepare_v2(st->db, "SELECT m.id, m.scope, m.name, "
	    "m.starts, m.ends, m.reason, m.removed_at, (SELECT COALESCE("
	    "SUM(count), 0) FROM suppressed x WHERE x.maintenance = m.id) "
	    "FROM maintenance m WHERE ?1 OR (m.removed_at IS NULL AND m.ends > "
	    "?2) ORDER BY m.id", -1, &s, NULL) != SQLITE_OK)
		return a;
	sqlite3_bind_int(s, 1, all);
	sqlite3_bind_int64(s, 2, now);
	while (sqlite3_step(s) == SQLITE_ROW) {
		o = json_object();
		json_object_set_new(o, "id", json_integer(
		    sqlite3_column_int64(s, 0)));
		json_object_set_new(o, "scope", json_string(col_text(s, 1)));
		json_object_set_new(o, "name", json_string(col_text(s, 2)));
		set_time(o, "starts", sqlite3_column_int64(s, 3));
		set_time(o, "ends", sqlite3_column_int64(s, 4));
		json_object_set_new(o, "reason", json_string(col_text(s, 5)));
		set_time(o, "removed_at", col_ms(s, 6));
		json_object_set_new(o, "active", json_boolean(col_ms(s, 6) == 0 &&
		    sqlite3_column_int64(s, 3) <= now &&
		    sqlite3_column_int64(s, 4) > now));
		json_object_set_new(o, "suppressed", json_integer(
		    sqlite3_column_int64(s, 7)));
		json_array_append_new(a, o);
	}
	sqlite3_finalize(s);
	return a;
}

int
store_aps_save(struct store *st, const char *controller,
    const struct store_ap *aps, size_t n)
{
	sqlite3_stmt *s = NULL;
	size_t i;
	int rc = -1;

	if (store_begin(st) == -1)
		return -1;
	if (sqlite3_prepare_v2(st->db, "DELETE FROM aps WHERE controller = ?1",
	    -1, &s, NULL) != SQLITE_OK)
		goto out;
	sqlite3_bind_text(s, 1, controller, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(s) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(s);
	if (sqlite3_prepare_v2(st->db, "INSERT INTO aps (controller, idx, name,"
	    " up, gone, since, seen) VALUES (?1,?2,?3,?4,?5,?6,?7)", -1, &s,
	    NULL) != SQLITE_OK) {
		s = NULL;
		goto out;
	}
	for (i = 0; i < n; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1, controller, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 2, aps[i].index, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(s, 3, aps[i].name, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int(s, 4, aps[i].up);
		sqlite3_bind_int(s, 5, aps[i].gone);
		sqlite3_bind_int64(s, 6, aps[i].since);
		sqlite3_bind_int64(s, 7, aps[i].seen);
		if (sqlite3_step(s) != SQLITE_DONE)
			goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	if (rc == 0)
		return store_commit(st);
	log_warnx("store: AP inventory of %s: %s", controller,
	    sqlite3_errmsg(st->db));
	store_rollback(st);
	return -1;
}

int
store_aps_load(struct store *st, const char *controller,
    void (*fn)(const struct store_ap *, void *), void *arg)
{
	sqlite3_stmt *s;
	struct store_ap a;
	int n = 0;

	if (sqlite3_prepare_v2(st->db, "SELECT idx, name, up, gone, since, seen"
	    " FROM aps WHERE controller = ?1 ORDER BY idx", -1, &s, NULL) !=
	    SQLITE_OK)
		return -1;
	sqlite3_bind_text(s, 1, controller, -1, SQLITE_TRANSIENT);
	while (sqlite3_step(s) == SQLITE_ROW) {
		a.index = (const char *)sqlite3_column_text(s, 0);
		a.name = (const char *)sqlite3_column_text(s, 1);
		a.up = sqlite3_column_int(s, 2);
		a.gone = sqlite3_column_int(s, 3);
		a.since = sqlite3_column_int64(s, 4);
		a.seen = sqlite3_column_int64(s, 5);
		if (a.index != NULL && a.name != NULL) {
			fn(&a, arg);
			n++;
		}
	}
	sqlite3_finalize(s);
	return n;
}
