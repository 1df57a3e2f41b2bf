/*
 * The incident store: SQLite in WAL mode with synchronous=FULL, a versioned
 * schema migrated on open, and one transaction per incident change holding
 * the incident row, its timeline row and its outbox rows together.
 */
#ifndef NOCWATCH_STORE_H
#define NOCWATCH_STORE_H

#include <stddef.h>

#include <jansson.h>

#include "model.h"

struct incident;
struct store;

#define STORE_SCHEMA_VERSION	4

struct outbox_row {
	long long	 id;
	long long	 incident;
	char		 channel[64];
	char		 event[24];
	char		 idem_key[96];
	char		*body;		/* caller frees */
	int		 attempts;
};

/* readonly opens an existing store for queries (the CLI). */
struct store	*store_open(const char *path, int readonly, char *err,
		    size_t errlen);
/*
 * How long a write waits for another process's lock (5 s from
 * store_open).  The daemon's store thread waits 1 s a try (storew.c), its
 * start-up connection and a replay's 100 ms.
 */
void		 store_set_busy_ms(struct store *, int ms);

void		 store_close(struct store *);
int		 store_schema_version(struct store *);
/* PRAGMA quick_check's finding at open: "ok", or "corrupt: ...". */
const char	*store_integrity(const struct store *);

/* The last error on this connection, in SQLite's words. */
const char	*store_error(struct store *);
int		 store_begin(struct store *);
int		 store_commit(struct store *);
void		 store_rollback(struct store *);

/* Insert (id 0: sets it) or update the incident row. */
int		 store_incident_save(struct store *, struct incident *);
/* A timeline row; its id, or -1. */
long long	 store_timeline(struct store *, long long incident,
		    long long at, const char *event, const char *detail);
int		 store_evidence(struct store *, long long incident,
		    long long at, const char *source, const char *text);
int		 store_outbox_add(struct store *, long long incident,
		    long long timeline, const char *channel, const char *event,
		    const char *idem_key, const char *body);
/* Incidents not resolved, or resolved at or after since (ms). */
int		 store_load_incidents(struct store *, long long since,
		    void (*cb)(struct incident *, void *), void *arg);

/* Due outbox rows of a channel, the oldest pending one per incident. */
size_t		 store_outbox_due(struct store *, const char *channel,
		    double now, struct outbox_row *rows, size_t max);
int		 store_outbox_sent(struct store *, long long id, long long at);
int		 store_outbox_retry(struct store *, long long id, int attempts,
		    double next_at, const char *error, int give_up);
size_t		 store_outbox_backlog(struct store *);
/* Dead letters: rows given up on; listed, counted, put back in the queue
 * (0, or -1 when id is not a dead letter). */
json_t		*store_outbox_dead(struct store *);
size_t		 store_outbox_dead_count(struct store *);
int		 store_outbox_requeue(struct store *, long long id);
/* A service desk's reference (its ticket) for an incident on a channel:
 * 0 and ref, or -1 when there is none. */
int		 store_desk_ref(struct store *, const char *channel,
		    long long incident, char *ref, size_t len);
int		 store_desk_ref_set(struct store *, const char *channel,
		    long long incident, const char *ref);

long long	 store_maint_add(struct store *, const char *scope,
		    const char *name, long long starts, long long ends,
		    const char *reason, long long now);
int		 store_maint_remove(struct store *, long long id, long long now);
/* The windows in force at now or still to come (oldest start first);
 * the engine works out which are in force from its clock. */
size_t		 store_maint_upcoming(struct store *, long long now,
		    struct maint_row **rows);
int		 store_suppressed(struct store *, long long maint,
		    const char *key, const char *cause, const char *detail,
		    long long at);

/* A Wi-Fi controller's AP inventory, kept over restarts (a controller may
 * have deleted the rows of the APs that left it: only we remember them). */
/* Replace the controller's stored APs with these n; 0 or -1. */
int		 store_aps_save(struct store *, const char *controller,
		    const struct store_ap *, size_t n);
/* fn for each stored AP of the controller; how many, or -1. */
int		 store_aps_load(struct store *, const char *controller,
		    void (*fn)(const struct store_ap *, void *), void *arg);

/* JSON for the CLI and the API (new references; NULL on error). */
json_t		*store_incidents_json(struct store *, const char *state,
		    int priority, int limit);
json_t		*store_incident_json(struct store *, long long id);
json_t		*store_maint_json(struct store *, int all);
json_t		*incident_to_json(const struct incident *);

#endif
