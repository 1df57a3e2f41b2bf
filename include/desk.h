/*
 * Service desk connectors: an incident's events as each desk's own API
 * calls (Hornbill's XMLMC in its JSON form, ServiceNow's Table API,
 * PagerDuty's Events API v2, Alertmanager's /api/v2/alerts), each answer
 * judged the way that API defines success.  Pure request building and
 * reply judging: src/notify/notify.c makes the calls, keeps the desk's
 * reference for the incident (its ticket) in the store, and retries.
 *
 * One event may take several calls: with no reference known for the
 * incident, Hornbill and ServiceNow are first asked for a ticket carrying
 * nocwatch's key (a crash between creating one and recording it must not
 * make a second), then one is created if none exists, then the event's
 * own call (a timeline entry, the priority, the resolution) is made.
 */
#ifndef NOCWATCH_DESK_H
#define NOCWATCH_DESK_H

#include <stddef.h>

#include <jansson.h>

#include "config.h"

struct http_reply;

#define DESK_MAX_HEADERS	6

struct desk_req {
	char		 url[1536];
	const char	*method;	/* NULL: POST with a body, else GET */
	char		*body;		/* malloc'd JSON, or NULL */
	char		 hdr[DESK_MAX_HEADERS][640];
	int		 nhdr;
};

/* Where a delivery is; starts zeroed, with ref from the store ("" if
 * the incident has none on this channel yet). */
struct desk_state {
	int		 step;
	char		 ref[128];	/* the desk's ticket / dedup key */
	int		 ref_new;	/* ref learned now: record it */
	int		 prio_done;	/* hornbill: priority call made */
	int		 replaced;	/* reopen refused: a new ticket */
};

enum desk_verdict {
	DESK_CALL,	/* make the request in *req */
	DESK_DONE,	/* delivered */
	DESK_RETRY,	/* a transient failure: back off and try again */
	DESK_FAIL	/* permanent: a dead letter */
};

/* The next call for event ev (the outbox row's JSON), or DESK_DONE. */
enum desk_verdict desk_next(const struct notify_conf *, const json_t *ev,
		    struct desk_state *, struct desk_req *, char *why,
		    size_t whylen);
/* Judge the reply to the call desk_next asked for; DESK_CALL means go on
 * with desk_next. */
enum desk_verdict desk_judge(const struct notify_conf *, const json_t *ev,
		    struct desk_state *, const struct http_reply *, char *why,
		    size_t whylen);
void		 desk_req_clear(struct desk_req *);
/* An e-mail for event ev: the whole message (headers, a blank line, a
 * plain-text body, CRLF lines), its Message-ID from key; free it. */
char		*desk_mail(const struct notify_conf *, const json_t *ev,
		    const char *key);
/* A test event (nocwatch notify test), as the outbox would hold it. */
json_t		*desk_test_event(void);

#endif
