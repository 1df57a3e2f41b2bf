/*
 * Delivering the outbox.  A one-second timer (and a kick after each
 * change) asks the store for due rows per channel; each row is in flight
 * at most once, and only the oldest pending row of an incident is ever
 * due, so events reach a receiver in order per incident.
 *
 *   webhook: POST of the JSON with Idempotency-Key, through the shared
 *            libcurl multi engine (certificates verified); 2xx/3xx is
 *            delivered, 4xx other than 408/429 gives up after 3 attempts;
 *   exec:    execve of a fixed argv, the JSON on stdin, no shell, a
 *            minimal environment; exit 0 is delivered;
 *   syslog:  one line at LOG_ALERT..LOG_NOTICE by priority; always taken;
 *   hornbill, servicenow, pagerduty, alertmanager: the desk's own API
 *            (desk.c), a call or a few per event, success as that API
 *            defines it; the desk's reference (its ticket) kept in the
 *            store; Retry-After honoured; a permanent failure is a dead
 *            letter (listed, counted, `nocwatch outbox retry ID`).
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <event2/event.h>
#include <jansson.h>

#include "clock.h"
#include "desk.h"
#include "http.h"
#include "log.h"
#include "loopwatch.h"
#include "notify.h"
#include "store.h"
#include "xmalloc.h"

#define NOTIFY_BATCH		16
#define NOTIFY_MAX_INFLIGHT	64
#define NOTIFY_4XX_ATTEMPTS	3
#define NOTIFY_EXEC_ATTEMPTS	20
/* Alertmanager forgets an alert not posted again within its
 * resolve_timeout (5 min by default): open incidents are posted again
 * every `repost` (60 s by default). */
#define NOTIFY_AM_INFLIGHT	8
#define NOTIFY_AM_CHANNELS	16

struct notifier;

struct delivery {
	struct notifier		*n;
	const struct notify_conf *conf;
	struct outbox_row	 row;
	struct http_probe	*http;
	pid_t			 pid;
	int			 fd;		/* exec: stdin pipe */
	size_t			 off;		/* exec: bytes written */
	double			 deadline;
	struct event		*ev;		/* exec: write / wait timer */
	int			 used;
	/* service desks */
	json_t			*event;		/* the row's JSON */
	struct desk_state	 ds;
	struct desk_req		 req;
	struct http_reply	 rep;
	int			 calls;
	double			 retry_after_ms;
};

struct notifier {
	struct event_base	*base;
	struct http_engine	*http;
	struct notify_store	 ns;		/* the store, on its thread */
	const struct config	*conf;
	unsigned		 gen;		/* configurations taken */
	struct event		*timer;
	struct event		*kick;
	int			 looking, again;	/* a look at the outbox */
	long long		*settling;	/* rows delivered or failed, */
	size_t			 nsettling;	/* their update not yet done */
	size_t			 backlog, dead;	/* as of the last look */
	int			 reposting;
	struct delivery		 inflight[NOTIFY_MAX_INFLIGHT];
	struct event		*repost;	/* alertmanager, while open */
	double			 am_last[NOTIFY_AM_CHANNELS];
	struct http_probe	*am[NOTIFY_AM_INFLIGHT];
	struct desk_req		 am_req[NOTIFY_AM_INFLIGHT];
	int			 stopping;
};

void
notify_channel_id(const struct notify_conf *c, char *buf, size_t len)
{
	static const char *const desk[] = { [NOTIFY_HORNBILL] = "hornbill",
	    [NOTIFY_SERVICENOW] = "servicenow", [NOTIFY_PAGERDUTY] =
	    "pagerduty", [NOTIFY_ALERTMANAGER] = "alertmanager",
	    [NOTIFY_EMAIL] = "email" };

	if (c->type >= NOTIFY_HORNBILL && c->type <= NOTIFY_EMAIL)
		snprintf(buf, len, "%s:%.200s", desk[c->type], c->url);
	else if (c->type == NOTIFY_WEBHOOK)
		snprintf(buf, len, "webhook:%.200s", c->url);
	else if (c->type == NOTIFY_EXEC)
		snprintf(buf, len, "exec:%.200s", c->argv[0]);
	else
		snprintf(buf, len, "syslog");
}

double
notify_backoff_ms(int attempts, double cap_ms, double r01)
{
	double d = 1000 * pow(2, attempts > 30 ? 30 : attempts - 1);

	if (d > cap_ms)
		d = cap_ms;
	/* Full jitter over the upper half: spread, but never immediate. */
	return d / 2 + d / 2 * r01;
}

/* A row being delivered, or delivered (or failed) and its update not
 * yet written: a look that began before the update must not start it
 * again. */
static int
inflight(struct notifier *n, long long id)
{
	size_t i;

	for (i = 0; i < NOTIFY_MAX_INFLIGHT; i++)
		if (n->inflight[i].used && n->inflight[i].row.id == id)
			return 1;
	for (i = 0; i < n->nsettling; i++)
		if (n->settling[i] == id)
			return 1;
	return 0;
}

/* --- the store, on its thread ------------------------------------------ */

/* A row's outcome, written on the store's thread. */
struct settle {
	struct notifier	*n;
	long long	 id, at;
	int		 ok, attempts, permanent;
	double		 next_at;
	char		 why[300];
};

static void
settle_run(struct store *st, void *arg)
{
	struct settle *x = arg;

	if (x->ok)
		store_outbox_sent(st, x->id, x->at);
	else
		store_outbox_retry(st, x->id, x->attempts, x->next_at, x->why,
		    x->permanent);
}

static void
settle_done(void *arg, int ok)
{
	struct settle *x = arg;
	struct notifier *n = x->n;
	size_t i;

	(void)ok;	/* not written: the row is due again, same key */
	for (i = 0; i < n->nsettling; i++)
		if (n->settling[i] == x->id) {
			n->settling[i] = n->settling[--n->nsettling];
			break;
		}
	free(x);
	if (!n->stopping)
		event_active(n->kick, 0, 0);
}

static void
settle(struct notifier *n, const struct delivery *dl, int ok, int attempts,
    double next_at, const char *why, int permanent)
{
	struct settle *x = xcalloc(1, sizeof(*x));

	x->n = n;
	x->id = dl->row.id;
	x->at = wall_ms();
	x->ok = ok;
	x->attempts = attempts;
	x->next_at = next_at;
	x->permanent = permanent;
	snprintf(x->why, sizeof(x->why), "%s", why ? why : "");
	n->settling = xreallocarray(n->settling, n->nsettling + 1,
	    sizeof(*n->settling));
	n->settling[n->nsettling++] = x->id;
	n->ns.call(n->ns.ctx, settle_run, settle_done, x);
}

/* A desk's ticket, known: kept before anything else is sent (in order on
 * the store's thread), so a crash from here on finds it. */
struct refset {
	long long	 incident;
	char		 channel[64], ref[128];
	int		 rc;
};

static void
refset_run(struct store *st, void *arg)
{
	struct refset *x = arg;

	x->rc = store_desk_ref_set(st, x->channel, x->incident, x->ref);
}

static void
refset_done(void *arg, int ok)
{
	struct refset *x = arg;

	if (ok && x->rc == 0)
		log_info("notify: incident %lld is %s on %s", x->incident,
		    x->ref, x->channel);
	free(x);
}

static struct delivery *
slot(struct notifier *n)
{
	int i;

	for (i = 0; i < NOTIFY_MAX_INFLIGHT; i++)
		if (!n->inflight[i].used)
			return &n->inflight[i];
	return NULL;
}

static void
finish(struct delivery *dl, int ok, int permanent, const char *why)
{
	struct notifier *n = dl->n;
	int attempts = dl->row.attempts + 1;
	double wait, now = (double)wall_ms();

	if (ok) {
		settle(n, dl, 1, attempts, 0, NULL, 0);
		log_info("notify: %s %s of incident %lld delivered (%s)",
		    dl->row.channel, dl->row.event, dl->row.incident,
		    dl->row.idem_key);
	} else {
		wait = notify_backoff_ms(attempts, dl->conf ?
		    dl->conf->retry_max_ms : 300000, (double)random() /
		    RAND_MAX);
		if (dl->retry_after_ms > wait)	/* the server said when */
			wait = dl->retry_after_ms;
		settle(n, dl, 0, attempts, now + wait, why, permanent);
		if (permanent)
			log_warnx("notify: %s %s of incident %lld: %s; a dead "
			    "letter now (nocwatch outbox retry %lld once it "
			    "is fixed)", dl->row.channel, dl->row.event,
			    dl->row.incident, why, dl->row.id);
		else
			log_warnx("notify: %s %s of incident %lld: %s; will "
			    "retry in %.0f s", dl->row.channel, dl->row.event,
			    dl->row.incident, why, wait / 1000);
	}
	if (dl->http != NULL)
		http_probe_cancel(dl->http);
	json_decref(dl->event);
	desk_req_clear(&dl->req);
	free(dl->rep.body);
	if (dl->ev != NULL)
		event_free(dl->ev);
	if (dl->fd != -1)
		close(dl->fd);
	free(dl->row.body);
	memset(dl, 0, sizeof(*dl));
	dl->fd = -1;
	if (!n->stopping)
		event_active(n->kick, 0, 0);
}

/* --- webhook --------------------------------------------------------- */

static void
webhook_done(const struct probe_result *r, void *arg)
{
	struct delivery *dl = arg;
	const struct probe_value *v = probe_result_get(r, "status");
	long status = v ? (long)v->value : 0;
	int permanent;
	char why[300];

	dl->http = NULL;	/* the engine frees it after this returns */
	if (r->outcome == PROBE_OK) {
		finish(dl, 1, 0, NULL);
		return;
	}
	permanent = status >= 400 && status < 500 && status != 408 &&
	    status != 429 && dl->row.attempts + 1 >= NOTIFY_4XX_ATTEMPTS;
	snprintf(why, sizeof(why), "%s", r->detail);
	finish(dl, 0, permanent, why);
}

static void
webhook_start(struct delivery *dl)
{
	const struct notify_conf *c = dl->conf;
	char idem[160], auth[600];
	const char *hdrs[5] = { "Content-Type: application/json", idem,
	    NULL, NULL, NULL };
	struct http_params p = { .timeout_ms = c->timeout_ms, .insecure =
	    c->insecure, .ca_file = c->ca_file, .post_body = dl->row.body,
	    .headers = hdrs };

	snprintf(idem, sizeof(idem), "Idempotency-Key: %s", dl->row.idem_key);
	if (c->token != NULL) {
		snprintf(auth, sizeof(auth), "Authorization: Bearer %.500s",
		    c->token);
		hdrs[2] = auth;
	}
	dl->http = http_probe_start(dl->n->http, c->url, &p, webhook_done, dl);
}

/* --- service desks --------------------------------------------------- */

static void	desk_step(struct delivery *);

static void
desk_done(const struct probe_result *r, void *arg)
{
	struct delivery *dl = arg;
	char why[300] = "";
	enum desk_verdict v;

	(void)r;
	dl->http = NULL;	/* the engine frees it after this returns */
	v = desk_judge(dl->conf, dl->event, &dl->ds, &dl->rep, why,
	    sizeof(why));
	dl->retry_after_ms = dl->rep.retry_after_s * 1000;
	free(dl->rep.body);
	memset(&dl->rep, 0, sizeof(dl->rep));
	/* The ticket is known: recorded before anything else is sent, so a
	 * crash from here on finds it without asking the desk. */
	if (dl->ds.ref_new) {
		struct refset *x = xcalloc(1, sizeof(*x));

		x->incident = dl->row.incident;
		snprintf(x->channel, sizeof(x->channel), "%s",
		    dl->row.channel);
		snprintf(x->ref, sizeof(x->ref), "%s", dl->ds.ref);
		dl->n->ns.call(dl->n->ns.ctx, refset_run, refset_done, x);
		dl->ds.ref_new = 0;
	}
	if (v == DESK_CALL)
		desk_step(dl);
	else
		finish(dl, v == DESK_DONE, v == DESK_FAIL, why);
}

static void
desk_step(struct delivery *dl)
{
	const struct notify_conf *c = dl->conf;
	const char *hdrs[DESK_MAX_HEADERS + 1];
	char why[300] = "";
	struct http_params p = { .timeout_ms = c->timeout_ms, .insecure =
	    c->insecure, .ca_file = c->ca_file, .headers = hdrs };
	enum desk_verdict v;
	int i;

	v = desk_next(c, dl->event, &dl->ds, &dl->req, why, sizeof(why));
	if (v != DESK_CALL) {
		finish(dl, v == DESK_DONE, v == DESK_FAIL, why);
		return;
	}
	if (dl->req.url[0] == '\0' || ++dl->calls > 8) {
		finish(dl, 0, 1, dl->calls > 8 ? "more than 8 calls for one "
		    "event" : "the request could not be built");
		return;
	}
	for (i = 0; i < dl->req.nhdr; i++)
		hdrs[i] = dl->req.hdr[i];
	hdrs[i] = NULL;
	p.post_body = dl->req.body;
	p.method = dl->req.method;
	p.reply = &dl->rep;
	dl->http = http_probe_start(dl->n->http, dl->req.url, &p, desk_done,
	    dl);
}

static void
desk_start(struct delivery *dl)
{
	if ((dl->event = json_loads(dl->row.body, 0, NULL)) == NULL) {
		finish(dl, 0, 1, "the stored event is not JSON");
		return;
	}
	desk_step(dl);		/* ds.ref: read with the row */
}

/* --- Alertmanager, while an incident is open ------------------------- */

static void
repost_done(const struct probe_result *r, void *arg)
{
	struct desk_req *q = arg;

	if (r->outcome != PROBE_OK)
		log_debug("notify: alertmanager re-post: %s", r->detail);
	desk_req_clear(q);
	q->nhdr = -1;	/* marks the slot's probe gone (see repost_slot) */
}

static int
repost_slot(struct notifier *n)
{
	int i;

	for (i = 0; i < NOTIFY_AM_INFLIGHT; i++) {
		if (n->am[i] != NULL && n->am_req[i].nhdr == -1) {
			n->am[i] = NULL;	/* finished: the engine freed it */
			n->am_req[i].nhdr = 0;
		}
		if (n->am[i] == NULL)
			return i;
	}
	return -1;
}

/* Every open incident to each Alertmanager channel again, outside the
 * outbox: a repetition, nothing a receiver must see exactly once.  The
 * open incidents are read on the store's thread. */
struct reread {
	struct notifier	*n;
	json_t		*incs;
};

static void	repost_with(struct notifier *, json_t *);

static void
reread_run(struct store *st, void *arg)
{
	struct reread *x = arg;

	x->incs = store_incidents_json(st, "active", 0, 100);
}

static void
reread_done(void *arg, int ok)
{
	struct reread *x = arg;

	x->n->reposting = 0;
	if (ok && x->incs != NULL && !x->n->stopping && x->n->conf != NULL)
		repost_with(x->n, x->incs);
	json_decref(x->incs);
	free(x);
}

static void
repost(struct notifier *n)
{
	struct reread *x;
	size_t i;

	if (n->conf == NULL || n->stopping || n->reposting)
		return;
	for (i = 0; i < n->conf->nnotifies; i++)
		if (n->conf->notifies[i].type == NOTIFY_ALERTMANAGER)
			break;
	if (i == n->conf->nnotifies)
		return;		/* no store query for nothing */
	x = xcalloc(1, sizeof(*x));
	x->n = n;
	n->reposting = 1;
	n->ns.call(n->ns.ctx, reread_run, reread_done, x);
}

static void
repost_with(struct notifier *n, json_t *incs)
{
	json_t *ev;
	const char *hdrs[DESK_MAX_HEADERS + 1];
	struct desk_state ds;
	char why[64];
	size_t i, k;
	int s, h;

	for (i = 0; i < n->conf->nnotifies && i < NOTIFY_AM_CHANNELS; i++) {
		const struct notify_conf *c = &n->conf->notifies[i];
		struct http_params p = { .timeout_ms = c->timeout_ms,
		    .insecure = c->insecure, .ca_file = c->ca_file,
		    .headers = hdrs };

		/* Half a tick of slack: the 1 s timer's ticks drift by a few
		 * ms, and without it "every 2 s" came out every 3 s. */
		if (c->type != NOTIFY_ALERTMANAGER ||
		    mono_ms() - n->am_last[i] + 500 < c->repost_ms)
			continue;
		n->am_last[i] = mono_ms();
		for (k = 0; k < json_array_size(incs); k++) {
			if ((s = repost_slot(n)) == -1)
				break;
			ev = json_pack("{s:s,s:s,s:s,s:O,s:[]}", "event",
			    "updated", "change", "still-open", "detail",
			    "still open", "incident", json_array_get(incs, k),
			    "evidence");
			memset(&ds, 0, sizeof(ds));
			if (ev != NULL && desk_next(c, ev, &ds, &n->am_req[s],
			    why, sizeof(why)) == DESK_CALL &&
			    n->am_req[s].url[0] != '\0') {
				for (h = 0; h < n->am_req[s].nhdr; h++)
					hdrs[h] = n->am_req[s].hdr[h];
				hdrs[h] = NULL;
				p.post_body = n->am_req[s].body;
				n->am[s] = http_probe_start(n->http,
				    n->am_req[s].url, &p, repost_done,
				    &n->am_req[s]);
			} else
				desk_req_clear(&n->am_req[s]);
			json_decref(ev);
		}
	}
}

static void
repost_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	lw_enter("the alertmanager re-post");
	repost(arg);
	lw_leave();
}

/* --- e-mail ---------------------------------------------------------- */

static void
mail_done(const struct probe_result *r, void *arg)
{
	struct delivery *dl = arg;
	long code = dl->rep.status;
	char why[300];

	dl->http = NULL;
	if (r->outcome == PROBE_OK) {
		finish(dl, 1, 0, NULL);
		return;
	}
	/* An SMTP 5xx is the server's final word; after 3 of them, a dead
	 * letter.  Anything else (no answer, 4xx) is tried again. */
	snprintf(why, sizeof(why), "%s%s", r->detail, code >= 500 ?
	    " (SMTP 5xx)" : "");
	finish(dl, 0, code >= 500 && dl->row.attempts + 1 >= NOTIFY_4XX_ATTEMPTS,
	    why);
}

static void
mail_start(struct delivery *dl)
{
	const struct notify_conf *c = dl->conf;
	struct http_params p = { .timeout_ms = c->timeout_ms, .insecure =
	    c->insecure, .ca_file = c->ca_file, .mail_from = c->mail_from,
	    .mail_rcpt = (const char *const *)c->mail_to, .mail_plain =
	    c->mail_plain, .user = c->user, .password = c->password,
	    .reply = &dl->rep };
	char **rcpt;
	size_t i;

	if ((dl->event = json_loads(dl->row.body, 0, NULL)) == NULL ||
	    (dl->req.body = desk_mail(c, dl->event, dl->row.idem_key)) ==
	    NULL) {
		finish(dl, 0, 1, "the stored event is not JSON");
		return;
	}
	/* curl wants a NULL-terminated list */
	rcpt = xcalloc(c->nmail_to + 1, sizeof(*rcpt));
	for (i = 0; i < c->nmail_to; i++)
		rcpt[i] = c->mail_to[i];
	p.mail_rcpt = (const char *const *)rcpt;
	p.post_body = dl->req.body;
	dl->http = http_probe_start(dl->n->http, c->url, &p, mail_done, dl);
	free(rcpt);
}

/* --- exec ------------------------------------------------------------ */

static void
exec_poll_run(evutil_socket_t fd, short what, void *arg)
{
	struct delivery *dl = arg;
	size_t len = strlen(dl->row.body);
	ssize_t w;
	int status;
	char why[64];
	pid_t r;

	(void)fd;
	(void)what;
	while (dl->fd != -1 && dl->off < len) {
		w = write(dl->fd, dl->row.body + dl->off, len - dl->off);
		if (w > 0)
			dl->off += (size_t)w;
		else if (w == -1 && errno == EINTR)
			continue;
		else if (w == -1 && errno == EAGAIN)
			break;
		else {
			close(dl->fd);	/* the handler stopped reading */
			dl->fd = -1;
		}
	}
	if (dl->fd != -1 && dl->off >= len) {
		close(dl->fd);
		dl->fd = -1;
	}
	r = waitpid(dl->pid, &status, WNOHANG);
	if (r == dl->pid) {
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
			finish(dl, 1, 0, NULL);
		else {
			if (WIFEXITED(status))
				snprintf(why, sizeof(why), "handler exited %d",
				    WEXITSTATUS(status));
			else
				snprintf(why, sizeof(why), "handler killed by "
				    "signal %d", WTERMSIG(status));
			finish(dl, 0, dl->row.attempts + 1 >=
			    NOTIFY_EXEC_ATTEMPTS, why);
		}
		return;
	}
	if (mono_ms() > dl->deadline) {
		kill(dl->pid, SIGKILL);
		waitpid(dl->pid, &status, 0);
		finish(dl, 0, dl->row.attempts + 1 >= NOTIFY_EXEC_ATTEMPTS,
		    "handler timed out");
	}
}

static void
exec_poll(evutil_socket_t fd, short what, void *arg)
{
	lw_enter("a notify exec handler");
	exec_poll_run(fd, what, arg);
	lw_leave();
}

static void
exec_start(struct delivery *dl)
{
	const struct notify_conf *c = dl->conf;
	char ev[64], inc[64], key[160];
	char *envp[] = { "PATH=/usr/bin:/bin", "LANG=C.UTF-8", ev, inc, key,
	    NULL };
	struct timeval tv = { 0, 50000 };
	int pfd[2], devnull, fd;
	pid_t pid;

	snprintf(ev, sizeof(ev), "NOCWATCH_EVENT=%s", dl->row.event);
	snprintf(inc, sizeof(inc), "NOCWATCH_INCIDENT=%lld", dl->row.incident);
	snprintf(key, sizeof(key), "NOCWATCH_IDEMPOTENCY_KEY=%s",
	    dl->row.idem_key);
	if (pipe2(pfd, O_CLOEXEC) == -1) {
		finish(dl, 0, 0, strerror(errno));
		return;
	}
	if ((pid = fork()) == -1) {
		close(pfd[0]);
		close(pfd[1]);
		finish(dl, 0, 0, strerror(errno));
		return;
	}
	if (pid == 0) {
		devnull = open("/dev/null", O_RDWR);
		dup2(pfd[0], 0);
		if (devnull != -1) {
			dup2(devnull, 1);
			dup2(devnull, 2);
		}
		/* Nothing of the daemon's but the event on stdin: not the
		 * trap, SNMP or HTTP sockets, not libevent's socketpair. */
		if (close_range(3, ~0U, 0) == -1)
			for (fd = 3; fd < 1024; fd++)
				close(fd);
		execve(c->argv[0], c->argv, envp);
		_exit(127);
	}
	close(pfd[0]);
	(void)fcntl(pfd[1], F_SETFL, O_NONBLOCK);
	dl->fd = pfd[1];
	dl->pid = pid;
	dl->deadline = mono_ms() + c->timeout_ms;
	dl->ev = event_new(dl->n->base, -1, EV_PERSIST, exec_poll, dl);
	event_add(dl->ev, &tv);
	exec_poll(-1, 0, dl);
}

/* --- syslog ---------------------------------------------------------- */

static void
syslog_send(struct delivery *dl)
{
	json_t *j = json_loads(dl->row.body, 0, NULL), *in;
	const char *prio = "P?", *title = "", *cause = "";
	char clean[400];
	size_t i;
	int level = LOG_NOTICE;

	in = j ? json_object_get(j, "incident") : NULL;
	if (in != NULL) {
		prio = json_string_value(json_object_get(in, "priority"));
		title = json_string_value(json_object_get(in, "title"));
		cause = json_string_value(json_object_get(in, "cause"));
	}
	if (prio == NULL || title == NULL || cause == NULL)
		prio = title = cause = "?";
	level = prio[1] == '1' ? LOG_ALERT : prio[1] == '2' ? LOG_CRIT :
	    prio[1] == '3' ? LOG_WARNING : LOG_NOTICE;
	/* Never a control character in a log line. */
	snprintf(clean, sizeof(clean), "%s", title);
	for (i = 0; clean[i] != '\0'; i++)
		if ((unsigned char)clean[i] < 0x20 || clean[i] == 0x7f)
			clean[i] = '?';
	openlog("nocwatchd", LOG_PID | LOG_NDELAY, LOG_DAEMON);
	syslog(level, "incident %lld %s %s %s: %s [%s]", dl->row.incident,
	    dl->row.event, prio, cause, clean, dl->row.idem_key);
	json_decref(j);
	finish(dl, 1, 0, NULL);
}

/* --- the loop -------------------------------------------------------- */

/*
 * A look at the outbox, on the store's thread: each channel's due rows
 * (with a desk's ticket for each), and the counts status shows.  One at a
 * time; a kick meanwhile asks for another when it is done.
 */
struct look {
	struct notifier		*n;
	unsigned		 gen;
	double			 now;
	size_t			 nch;
	char			(*chans)[256];
	int			*desk;
	struct outbox_row	*rows;		/* nch × NOTIFY_BATCH */
	char			(*refs)[128];
	size_t			*got;
	size_t			 backlog, dead;
};

static void
look_run(struct store *st, void *arg)
{
	struct look *l = arg;
	struct outbox_row *r;
	size_t i, k;

	for (i = 0; i < l->nch; i++) {
		r = &l->rows[i * NOTIFY_BATCH];
		l->got[i] = store_outbox_due(st, l->chans[i], l->now, r,
		    NOTIFY_BATCH);
		for (k = 0; l->desk[i] && k < l->got[i]; k++)
			if (store_desk_ref(st, r[k].channel, r[k].incident,
			    l->refs[i * NOTIFY_BATCH + k], sizeof(l->refs[0])) ==
			    -1)
				l->refs[i * NOTIFY_BATCH + k][0] = '\0';
	}
	l->backlog = store_outbox_backlog(st);
	l->dead = store_outbox_dead_count(st);
}

static void
look_free(struct look *l)
{
	size_t i, k;

	for (i = 0; i < l->nch; i++)
		for (k = 0; k < l->got[i]; k++)
			free(l->rows[i * NOTIFY_BATCH + k].body);
	free(l->chans);
	free(l->desk);
	free(l->rows);
	free(l->refs);
	free(l->got);
	free(l);
}

static void	run(struct notifier *);

static void
look_done(void *arg, int ok)
{
	struct look *l = arg;
	struct notifier *n = l->n;
	struct outbox_row *r;
	struct delivery *dl;
	size_t i, k;

	n->looking = 0;
	if (ok) {
		n->backlog = l->backlog;
		n->dead = l->dead;
	}
	/* A configuration taken meanwhile: its channels are others. */
	for (i = 0; ok && !n->stopping && n->conf != NULL && l->gen ==
	    n->gen && i < l->nch; i++) {
		const struct notify_conf *c = &n->conf->notifies[i];

		for (k = 0; k < l->got[i]; k++) {
			r = &l->rows[i * NOTIFY_BATCH + k];
			if (inflight(n, r->id) || (dl = slot(n)) == NULL)
				continue;
			memset(dl, 0, sizeof(*dl));
			dl->used = 1;
			dl->n = n;
			dl->conf = c;
			dl->fd = -1;
			dl->row = *r;
			r->body = NULL;		/* the delivery's now */
			snprintf(dl->ds.ref, sizeof(dl->ds.ref), "%s",
			    l->refs[i * NOTIFY_BATCH + k]);
			if (c->type == NOTIFY_WEBHOOK)
				webhook_start(dl);
			else if (c->type == NOTIFY_EMAIL)
				mail_start(dl);
			else if (c->type >= NOTIFY_HORNBILL)
				desk_start(dl);
			else if (c->type == NOTIFY_EXEC)
				exec_start(dl);
			else
				syslog_send(dl);
		}
	}
	look_free(l);
	if (n->again && !n->stopping) {
		n->again = 0;
		run(n);
	}
}

static void
run(struct notifier *n)
{
	struct look *l;
	size_t i, nch;

	if (n->conf == NULL || n->stopping || n->conf->nnotifies == 0)
		return;
	if (n->looking) {
		n->again = 1;
		return;
	}
	nch = n->conf->nnotifies;
	l = xcalloc(1, sizeof(*l));
	l->n = n;
	l->gen = n->gen;
	l->now = (double)wall_ms();
	l->nch = nch;
	l->chans = xreallocarray(NULL, nch, sizeof(*l->chans));
	l->desk = xcalloc(nch, sizeof(*l->desk));
	l->rows = xcalloc(nch * NOTIFY_BATCH, sizeof(*l->rows));
	l->refs = xcalloc(nch * NOTIFY_BATCH, sizeof(*l->refs));
	l->got = xcalloc(nch, sizeof(*l->got));
	for (i = 0; i < nch; i++) {
		notify_channel_id(&n->conf->notifies[i], l->chans[i],
		    sizeof(l->chans[i]));
		l->desk[i] = n->conf->notifies[i].type >= NOTIFY_HORNBILL &&
		    n->conf->notifies[i].type != NOTIFY_EMAIL;
	}
	n->looking = 1;
	n->again = 0;
	n->ns.call(n->ns.ctx, look_run, look_done, l);
}

static void
tick_run(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	run(arg);
}

static void
tick(evutil_socket_t fd, short what, void *arg)
{
	lw_enter("the notifier");
	tick_run(fd, what, arg);
	lw_leave();
}

struct notifier *
notifier_new(struct event_base *base, struct http_engine *http,
    const struct notify_store *ns)
{
	struct notifier *n = xcalloc(1, sizeof(*n));
	struct timeval tv = { 1, 0 };
	int i;

	n->base = base;
	n->http = http;
	n->ns = *ns;
	for (i = 0; i < NOTIFY_MAX_INFLIGHT; i++)
		n->inflight[i].fd = -1;
	n->timer = event_new(base, -1, EV_PERSIST, tick, n);
	n->kick = event_new(base, -1, 0, tick, n);
	event_add(n->timer, &tv);
	n->repost = event_new(base, -1, EV_PERSIST, repost_cb, n);
	event_add(n->repost, &tv);
	for (i = 0; i < NOTIFY_AM_CHANNELS; i++)
		n->am_last[i] = mono_ms();
	return n;
}

void
notifier_configure(struct notifier *n, const struct config *c)
{
	int i;

	/* Deliveries under way keep a pointer into the old config: let
	 * them end as failures to retry (same key) on the new one. */
	for (i = 0; i < NOTIFY_MAX_INFLIGHT; i++)
		if (n->inflight[i].used) {
			if (n->inflight[i].http != NULL)
				http_probe_cancel(n->inflight[i].http);
			n->inflight[i].http = NULL;
			if (n->inflight[i].pid > 0) {
				int status;

				kill(n->inflight[i].pid, SIGKILL);
				waitpid(n->inflight[i].pid, &status, 0);
			}
			n->inflight[i].conf = NULL;
			finish(&n->inflight[i], 0, 0, "reconfigured");
		}
	n->conf = c;
	n->gen++;
	notifier_kick(n);
}

void
notifier_kick(struct notifier *n)
{
	if (n != NULL && !n->stopping)
		event_active(n->kick, 0, 0);
}

void
notifier_stop(struct notifier *n)
{
	if (n == NULL || n->stopping)
		return;
	n->stopping = 1;
	notifier_configure(n, NULL);
}

void
notifier_counts(const struct notifier *n, size_t *backlog, size_t *dead)
{
	*backlog = n != NULL ? n->backlog : 0;
	*dead = n != NULL ? n->dead : 0;
}

void
notifier_free(struct notifier *n)
{
	int i;

	if (n == NULL)
		return;
	notifier_stop(n);
	for (i = 0; i < NOTIFY_AM_INFLIGHT; i++) {
		if (n->am[i] != NULL && n->am_req[i].nhdr != -1)
			http_probe_cancel(n->am[i]);
		desk_req_clear(&n->am_req[i]);
	}
	event_free(n->repost);
	event_free(n->timer);
	event_free(n->kick);
	free(n->settling);
	free(n);
}
