/*
 * The HTTP server on the daemon's event loop (evhttp).
 *
 *   GET  /api/v1/health | sites | devices | devices/NAME
 *   GET  /api/v1/incidents[?state=..&priority=P1] | incidents/ID
 *   POST /api/v1/incidents/ID/ack              (write token)
 *   POST /api/v1/maintenance, DELETE /api/v1/maintenance[/ID] (write token)
 *   GET  /api/v1/metrics/DEVICE/METRIC?period=1h   (src/daemon/httpd_rrd.c)
 *   GET  /graph/DEVICE/METRIC.png?period=1d         (src/daemon/httpd_rrd.c)
 *   GET  /api/v1/events                             (server-sent events)
 *   GET  /, /static/FILE                            (the wall display)
 *
 * Tokens are compared by SHA-256 (the configuration holds only hashes);
 * a token comes as "Authorization: Bearer T" or, for the wall display's
 * EventSource which cannot set headers, as ?token=T.  Requests are bounded
 * in size and header count and rate-limited per client address.
 */
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <jansson.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>

#include "clock.h"
#include "paths.h"
#include "daemon.h"
#include "escape.h"
#include "httpd.h"
#include "httpd_int.h"
#include "incident.h"
#include "log.h"
#include "loopwatch.h"
#include "parse.h"
#include "scheduler.h"
#include "secret.h"
#include "store.h"
#include "workq.h"
#include "xmalloc.h"


#define MAX_HEADERS_SIZE	8192
#define MAX_HEADERS		64
#define MAX_BODY		16384
#define RATE_SLOTS		256
#define MAX_STREAMS		64
#define MAX_STREAMS_CLIENT	8	/* a wall or two, with tabs */
#define CONN_DEADLINE_S		10	/* a first request, headers and body */
#define MAX_CONN_CLIENT		32	/* connections from one address */

/* Every connection evhttp accepted, until it lets it go. */
struct hconn {
	TAILQ_ENTRY(hconn)	 entry;
	struct bufferevent	*bev;		/* one reference is ours */
	double			 born;		/* monotonic s */
	int			 served;	/* a request reached route() */
	int			 cut;		/* shut down by us */
	char			 peer[48];	/* "" until looked up */
};
TAILQ_HEAD(hconns, hconn);

static const char csp[] = "default-src 'none'; script-src 'self'; "
    "style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

struct bucket {
	char		 addr[64];
	double		 tokens, at;
};

struct stream {
	struct evhttp_request	*req;
	struct httpd		*h;
	char			 addr[64];	/* the client */
	double			 since;
	int			 fed;		/* has had a summary */
};

struct httpd {
	struct daemon		*d;
	struct evhttp		*http;
	struct bucket		 rate[RATE_SLOTS];
	struct stream		 streams[MAX_STREAMS];
	struct event		*tick;
	SSL_CTX			*tls;
	char			*last;
	unsigned long long	 requests, limited, denied;
	struct evconnlistener	*lev;		/* evhttp's own listener */
	struct event		*resume;	/* accepting again after a pause */
	unsigned long long	 accept_errors, accept_told;
	double			 accept_logged;	/* monotonic s */
	int			 fd_paused;	/* descriptors kept for checks */
	unsigned long long	 fd_pauses;
	struct hconns		 conns;
	size_t			 nconns;
	unsigned long long	 slow_cut, client_cut;
	struct workq		*rq;		/* graphs and exports */
	struct hstore		*sq;		/* store reads */
	int			 sum_busy, sum_again;	/* streams' summary */
};

enum scope { SCOPE_PUBLIC, SCOPE_READ, SCOPE_WRITE };

static void	conns_sweep(struct httpd *);
static void	conn_served(struct httpd *, struct evhttp_request *);

/* --- replies ---------------------------------------------------------- */

void
httpd_reply(struct evhttp_request *req, int code, const char *type,
    struct evbuffer *body)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	/* One request per connection: every request is then a first one,
	 * which must arrive whole within the deadline (a kept-alive
	 * connection could trickle its second request for ever). */
	evhttp_add_header(h, "Connection", "close");
	/* An HTTP/1.0 request that asked to be kept alive would otherwise
	 * get libevent's "Connection: keep-alive" beside it: the client
	 * then sends its next request on a connection being closed (ab -k
	 * saw half its requests fail). */
	evhttp_remove_header(evhttp_request_get_input_headers(req),
	    "Connection");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	if (strncmp(type, "text/html", 9) == 0) {
		evhttp_add_header(h, "Content-Security-Policy", csp);
		evhttp_add_header(h, "X-Frame-Options", "DENY");
	}
	if (strncmp(type, "application/json", 16) == 0)
		evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_send_reply(req, code, NULL, body);
}

void
httpd_reply_json(struct evhttp_request *req, int code, json_t *j)
{
	struct evbuffer *b;
	char *s = j != NULL ? json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII) :
	    NULL;

	if (s == NULL) {	/* never NULL to strlen: a plain 500 */
		json_decref(j);
		s = strdup("{\"error\":\"internal error\",\"status\":500}");
		code = 500;
		if (s == NULL)
			return;
	}
	b = evbuffer_new();
	evbuffer_add(b, s, strlen(s));
	evbuffer_add(b, "\n", 1);
	httpd_reply(req, code, "application/json; charset=utf-8", b);
	evbuffer_free(b);
	free(s);
	json_decref(j);
}

void
httpd_reply_error(struct evhttp_request *req, int code, const char *msg)
{
	char text[512];

	if (code == 401)
		evhttp_add_header(evhttp_request_get_output_headers(req),
		    "WWW-Authenticate", "Bearer realm=\"nocwatch\"");
	/* A message may quote a client's bytes, cut anywhere: valid UTF-8
	 * only, or jansson returns nothing. */
	str_utf8_copy(text, sizeof(text), msg);
	httpd_reply_json(req, code, json_pack("{s:s, s:i}", "error", text, "status",
	    code));
}

/* --- who is asking ----------------------------------------------------- */

static int
is_loopback(const char *a)
{
	return strncmp(a, "127.", 4) == 0 || strcmp(a, "::1") == 0 ||
	    strncmp(a, "::ffff:127.", 11) == 0;
}

static void
client_addr(struct httpd *h, struct evhttp_request *req, char *out,
    size_t len)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	char *peer = NULL;
	const char *xff;
	ev_uint16_t port;

	evhttp_connection_get_peer(c, &peer, &port);
	snprintf(out, len, "%s", peer ? peer : "?");
	/* X-Forwarded-For only from the configured proxy. */
	xff = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "X-Forwarded-For");
	if (xff != NULL && h->d->conf->trust_proxy != NULL && peer != NULL &&
	    strcmp(peer, h->d->conf->trust_proxy) == 0) {
		size_t n = strcspn(xff, ", ");

		if (n > 0 && n < len)
			snprintf(out, len, "%.*s", (int)n, xff);
	}
}

static int
rate_ok(struct httpd *h, const char *addr)
{
	unsigned int hash = 5381;
	const char *p;
	struct bucket *b;
	double now = mono_s(), rate = h->d->conf->http_rate;

	if (rate <= 0)
		return 1;
	for (p = addr; *p; p++)
		hash = hash * 33 + (unsigned char)*p;
	b = &h->rate[hash % RATE_SLOTS];
	if (strcmp(b->addr, addr) != 0) {
		snprintf(b->addr, sizeof(b->addr), "%s", addr);
		b->tokens = 2 * rate;
		b->at = now;
	}
	b->tokens += (now - b->at) * rate;
	if (b->tokens > 2 * rate)
		b->tokens = 2 * rate;
	b->at = now;
	if (b->tokens < 1)
		return 0;
	b->tokens -= 1;
	return 1;
}

const char *
httpd_query_param(struct evhttp_request *req, const char *name, char *buf,
    size_t len)
{
	const char *q = evhttp_uri_get_query(evhttp_request_get_evhttp_uri(req));
	struct evkeyvalq kv;
	const char *v;

	if (q == NULL)
		return NULL;
	TAILQ_INIT(&kv);
	if (evhttp_parse_query_str(q, &kv) != 0)
		return NULL;
	v = evhttp_find_header(&kv, name);
	if (v != NULL)
		snprintf(buf, len, "%s", v);
	evhttp_clear_headers(&kv);
	return v ? buf : NULL;
}

/*
 * 0 when the request may go on; else the reply is sent.  No token
 * configured at all: reads are open from loopback, writes are refused.
 */
static int
authorize(struct httpd *h, struct evhttp_request *req, const char *addr,
    enum scope need)
{
	const struct config *c = h->d->conf;
	const char *auth = evhttp_find_header(evhttp_request_get_input_headers(
	    req), "Authorization");
	char tok[256] = "", qbuf[256], hash[80];
	unsigned char md[32];
	size_t i;
	int k;

	if (need == SCOPE_PUBLIC)
		return 0;
	if (auth != NULL && strncmp(auth, "Bearer ", 7) == 0)
		snprintf(tok, sizeof(tok), "%s", auth + 7);
	else if (httpd_query_param(req, "token", qbuf, sizeof(qbuf)) != NULL)
		snprintf(tok, sizeof(tok), "%s", qbuf);
	if (tok[0] == '\0') {
		if (need == SCOPE_READ && is_loopback(addr) &&
		    (c->read_open_local || c->ntokens == 0))
			return 0;
		h->denied++;
		httpd_reply_error(req, 401, "a token is needed (Authorization: "
		    "Bearer TOKEN)");
		return -1;
	}
	api_token_hash(tok, hash, sizeof(hash));
	for (k = 0; k < 32; k++) {
		unsigned int x;

		sscanf(hash + 7 + 2 * k, "%2x", &x);
		md[k] = (unsigned char)x;
	}
	for (i = 0; i < c->ntokens; i++)
		if (CRYPTO_memcmp(md, c->tokens[i].sha256, 32) == 0) {
			if (need == SCOPE_WRITE && !c->tokens[i].write) {
				h->denied++;
				httpd_reply_error(req, 403, "this token may only "
				    "read");
				return -1;
			}
			return 0;
		}
	h->denied++;
	httpd_reply_error(req, 401, "unknown token");
	return -1;
}

/* --- handlers ----------------------------------------------------------- */

static json_t *
health_json(struct httpd *h)
{
	/* The daemon's part only: the whole status lists every check (half
	 * a second of the loop at 10,000 devices, made and parsed again). */
	json_t *o = daemon_status_self(h->d);
	struct workq_stats ws;

	json_object_set_new(o, "http", json_pack("{s:I, s:I, s:I, s:I, s:I, "
	    "s:b, s:I, s:I, s:I}", "requests", (json_int_t)h->requests,
	    "rate_limited", (json_int_t)h->limited, "denied",
	    (json_int_t)h->denied, "accept_errors",
	    (json_int_t)h->accept_errors, "fd_pauses",
	    (json_int_t)h->fd_pauses, "accepting", !h->fd_paused,
	    "connections", (json_int_t)h->nconns, "cut_slow",
	    (json_int_t)h->slow_cut, "cut_per_client",
	    (json_int_t)h->client_cut));
	workq_stats(h->rq, &ws);
	json_object_set_new(o, "graphs", json_pack("{s:I, s:I, s:I, s:I, "
	    "s:f}", "done", (json_int_t)ws.done, "late", (json_int_t)ws.late,
	    "refused", (json_int_t)ws.refused, "queued",
	    (json_int_t)ws.queued, "busy_s", ws.busy_s));
	httpd_store_stats(h->sq, &ws);
	json_object_set_new(o, "store_reads", json_pack("{s:I, s:I, s:I, "
	    "s:I, s:f}", "done", (json_int_t)ws.done, "late",
	    (json_int_t)ws.late, "refused", (json_int_t)ws.refused, "queued",
	    (json_int_t)ws.queued, "busy_s", ws.busy_s));
	return o;
}

static void
get_incidents(struct httpd *h, struct evhttp_request *req)
{
	char sbuf[32], pbuf[8];
	const char *state = httpd_query_param(req, "state", sbuf, sizeof(sbuf));
	const char *prio = httpd_query_param(req, "priority", pbuf, sizeof(pbuf));
	struct hstore_query q;
	int p = 0;

	if (state != NULL && strcmp(state, "open") != 0 && strcmp(state,
	    "acknowledged") != 0 && strcmp(state, "resolved") != 0 &&
	    strcmp(state, "active") != 0) {
		httpd_reply_error(req, 400, "state is open, acknowledged, resolved "
		    "or active");
		return;
	}
	if (prio != NULL) {
		if ((prio[0] != 'P' && prio[0] != 'p') || prio[1] < '1' ||
		    prio[1] > '4' || prio[2] != '\0') {
			httpd_reply_error(req, 400, "priority is P1 to P4");
			return;
		}
		p = prio[1] - '0';
	}
	memset(&q, 0, sizeof(q));
	q.kind = HS_INCIDENTS;
	snprintf(q.state, sizeof(q.state), "%s", state ? state : "");
	q.prio = p;
	q.limit = 500;
	httpd_store_reply(h->sq, req, &q);
}

static int
parse_id(const char *s, long long *id)
{
	char err[64];

	return parse_int(s, 1, (long long)1 << 53, id, err, sizeof(err));
}

static json_t *
read_body_json(struct evhttp_request *req)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(req);
	size_t n = evbuffer_get_length(in);
	char *buf;
	json_t *j;

	if (n == 0 || n > MAX_BODY)
		return NULL;
	buf = xmalloc(n + 1);
	evbuffer_remove(in, buf, n);
	buf[n] = '\0';
	j = json_loads(buf, 0, NULL);
	free(buf);
	return j;
}

/* --- server-sent events ------------------------------------------------- */

/* The wall's state: the sites as the engine sees them now, the active
 * incidents and the dead letters as the store has them (read off the
 * loop). */
static void
summary_query(struct httpd *h, struct hstore_query *q)
{
	memset(q, 0, sizeof(*q));
	q->kind = HS_SUMMARY;
	q->limit = 100;
	q->sites = incident_sites_json(h->d->inc);
}

static void	summary_request(struct httpd *);

static void
stream_closed(struct evhttp_connection *c, void *arg)
{
	struct stream *s = arg;

	(void)c;
	s->req = NULL;
}

static void
stream_send(struct stream *s, const char *data)
{
	struct evbuffer *b = evbuffer_new();

	evbuffer_add_printf(b, "event: state\ndata: %s\n\n", data);
	evhttp_send_reply_chunk(s->req, b);
	evbuffer_free(b);
}

/* End a stream from our side (its slot is wanted). */
static void
stream_end(struct stream *s)
{
	struct evhttp_request *req = s->req;

	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
	    NULL, NULL);
	s->req = NULL;
	evhttp_send_reply_end(req);
}

/*
 * A slot for addr's new stream, or NULL.  One client holds at most
 * MAX_STREAMS_CLIENT (its oldest ends for its newest); when every slot is
 * taken, a client with fewer streams takes the oldest one of the client
 * with the most, so one client cannot lock the wall display out.
 */
static struct stream *
stream_slot(struct httpd *h, const char *addr)
{
	struct stream *free_slot = NULL, *own = NULL, *victim = NULL;
	int i, j, mine = 0, most = 0, n;

	for (i = 0; i < MAX_STREAMS; i++) {
		struct stream *s = &h->streams[i];

		if (s->req == NULL) {
			free_slot = free_slot ? free_slot : s;
			continue;
		}
		for (n = 0, j = 0; j < MAX_STREAMS; j++)
			n += h->streams[j].req != NULL &&
			    strcmp(h->streams[j].addr, s->addr) == 0;
		if (strcmp(s->addr, addr) == 0) {
			mine = n;
			if (own == NULL || s->since < own->since)
				own = s;
		} else if (n > most || (n == most && victim != NULL &&
		    s->since < victim->since)) {
			most = n;
			victim = s;
		}
	}
	if (mine >= MAX_STREAMS_CLIENT)
		victim = own;
	else if (free_slot != NULL)
		return free_slot;
	else if (victim == NULL || most <= mine + 1)
		return NULL;
	stream_end(victim);
	return victim;
}

static void
get_events(struct httpd *h, struct evhttp_request *req)
{
	struct evkeyvalq *hd = evhttp_request_get_output_headers(req);
	struct stream *s;
	char addr[64];

	client_addr(h, req, addr, sizeof(addr));
	if ((s = stream_slot(h, addr)) == NULL) {
		httpd_reply_error(req, 503, "too many event streams");
		return;
	}
	s->req = req;
	s->h = h;
	snprintf(s->addr, sizeof(s->addr), "%s", addr);
	s->since = mono_s();
	evhttp_add_header(hd, "Content-Type", "text/event-stream");
	evhttp_add_header(hd, "Cache-Control", "no-store");
	evhttp_add_header(hd, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply_start(req, 200, "OK");
	evhttp_connection_set_closecb(evhttp_request_get_connection(req),
	    stream_closed, s);
	/* Its first summary as soon as the store has answered. */
	s->fed = 0;
	summary_request(h);
}

static void
fd_pause(struct httpd *h, long n, const struct rlimit *rl)
{
	h->fd_paused = 1;
	h->fd_pauses++;
	evconnlistener_disable(h->lev);
	log_warnx("http: %ld of %llu descriptors in use; new connections wait "
	    "until some close", n, (unsigned long long)rl->rlim_cur);
}

/*
 * At each accepted connection (evhttp asks us for its bufferevent): the
 * lowest free descriptor is about the number in use.  Past 3/4 of the
 * limit the listener pauses, before a burst can take them all.
 */
static void
fd_guard(struct httpd *h)
{
	struct rlimit rl;
	int fd;

	if (h->fd_paused || h->lev == NULL || getrlimit(RLIMIT_NOFILE,
	    &rl) == -1 || rl.rlim_cur == RLIM_INFINITY)
		return;
	fd = fcntl(evconnlistener_get_fd(h->lev), F_DUPFD_CLOEXEC, 0);
	if (fd != -1)
		close(fd);
	if (fd == -1 || fd > (long)(rl.rlim_cur * 3 / 4))
		fd_pause(h, fd == -1 ? (long)rl.rlim_cur : fd, &rl);
}

/*
 * Clients must not take the descriptors the checks need: past 3/4 of the
 * limit in use, new HTTP connections wait in the kernel's backlog until
 * the count falls under 3/5 (the idle ones time out meanwhile).
 */
static void
fd_headroom(struct httpd *h)
{
	struct rlimit rl;
	long n = 0;
	DIR *dir;

	if (h->lev == NULL || getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    rl.rlim_cur == RLIM_INFINITY || (dir = opendir("/proc/self/fd")) ==
	    NULL)
		return;
	while (readdir(dir) != NULL)
		n++;
	closedir(dir);
	n -= 3;		/* ".", ".." and the directory's own */
	if (!h->fd_paused && n > (long)(rl.rlim_cur * 3 / 4))
		fd_pause(h, n, &rl);
	else if (h->fd_paused && n < (long)(rl.rlim_cur * 3 / 5)) {
		h->fd_paused = 0;
		evconnlistener_enable(h->lev);
		log_info("http: accepting connections again (%ld descriptors in "
		    "use)", n);
	}
}

/* The store's answer: to every stream when it changed, and to the new
 * ones. */
static void
summary_answer(void *arg, json_t *j)
{
	struct httpd *h = arg;
	struct stream *s;
	char *txt;
	int i, changed;

	h->sum_busy = 0;
	if (j != NULL) {
		txt = json_dumps(j, JSON_COMPACT | JSON_ENSURE_ASCII);
		json_decref(j);
		changed = h->last == NULL || strcmp(h->last, txt) != 0;
		for (i = 0; i < MAX_STREAMS; i++) {
			s = &h->streams[i];
			if (s->req != NULL && (changed || !s->fed)) {
				stream_send(s, txt);
				s->fed = 1;
			}
		}
		free(h->last);
		h->last = txt;
	}
	if (h->sum_again) {
		h->sum_again = 0;
		summary_request(h);
	}
}

/* One summary query at a time; asked for again meanwhile, one more. */
static void
summary_request(struct httpd *h)
{
	struct hstore_query q;

	if (h->sum_busy) {
		h->sum_again = 1;
		return;
	}
	summary_query(h, &q);
	if (httpd_store_call(h->sq, &q, summary_answer, h) == 0)
		h->sum_busy = 1;
}

static void
tick_run(evutil_socket_t fd, short what, void *arg)
{
	struct httpd *h = arg;
	int i, any = 0;

	(void)fd;
	(void)what;
	fd_headroom(h);
	conns_sweep(h);
	for (i = 0; i < MAX_STREAMS; i++)
		any |= h->streams[i].req != NULL;
	if (any)
		summary_request(h);
}

static void
tick(evutil_socket_t fd, short what, void *arg)
{
	lw_enter("the HTTP event streams");
	tick_run(fd, what, arg);
	lw_leave();
}

void
httpd_changed(struct httpd *h)
{
	if (h != NULL)
		event_active(h->tick, 0, 0);
}

/* --- static files ------------------------------------------------------- */

static void
get_file(struct httpd *h, struct evhttp_request *req, const char *name)
{
	static const struct { const char *ext, *type; } types[] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
	};
	const char *dir = h->d->conf->web_dir ? h->d->conf->web_dir :
	    NOCWATCH_WEB_DIR, *type = NULL;
	char path[1024];
	struct evbuffer *b;
	struct stat sb;
	size_t i, n = strlen(name);
	int fd;

	/* Only plain names from the web directory. */
	if (n == 0 || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-_.")
	    != n || name[0] == '.') {
		httpd_reply_error(req, 404, "not found");
		return;
	}
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (n > strlen(types[i].ext) && strcmp(name + n -
		    strlen(types[i].ext), types[i].ext) == 0)
			type = types[i].type;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (type == NULL || (fd = open(path, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1) {
		httpd_reply_error(req, 404, "not found");
		return;
	}
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode)) {
		close(fd);
		httpd_reply_error(req, 404, "not found");
		return;
	}
	b = evbuffer_new();
	evbuffer_add_file(b, fd, 0, sb.st_size);	/* takes fd */
	httpd_reply(req, 200, type, b);
	evbuffer_free(b);
}

/* --- routing ------------------------------------------------------------ */

/* Split "/a/b/c" into at most n decoded parts; the count, or -1. */
static int
split_path(const char *path, char parts[][256], int n)
{
	const char *p = path, *e;
	char raw[768], *dec;
	size_t len;
	int k = 0;

	while (*p == '/')
		p++;
	while (*p) {
		e = strchrnul(p, '/');
		if (k == n || (size_t)(e - p) >= sizeof(raw))
			return -1;
		snprintf(raw, sizeof(raw), "%.*s", (int)(e - p), p);
		if ((dec = evhttp_uridecode(raw, 0, &len)) == NULL)
			return -1;
		/* No NUL, no slash and no dot-segment hiding inside. */
		if (len >= 256 || len != strlen(dec) || strchr(dec, '/') ||
		    strcmp(dec, "..") == 0 || strcmp(dec, ".") == 0) {
			free(dec);
			return -1;
		}
		snprintf(parts[k++], 256, "%s", dec);
		free(dec);
		p = *e ? e + 1 : e;
	}
	return k;
}

/*
 * The API under /api/v1, one handler per route (the model: tmux's command
 * table).  A route names its method, its number of path segments, its
 * resource (the third segment) and, for /api/v1/RESOURCE/ID/VERB, the
 * verb; `changes` wakes the wall's event stream after it.
 */
typedef void (*api_fn)(struct httpd *, struct evhttp_request *,
    char (*)[256]);

enum { API_GET = 1, API_POST, API_DELETE };

/*
 * One of the daemon's commands (daemon_command), as the control socket
 * runs them: answered with code and the command's answer, or its refusal
 * — now or when the store's thread has done its part (libevent keeps the
 * request until it is answered, even when the client has gone).  An
 * acknowledgement is answered with the incident as GET
 * /api/v1/incidents/ID shows it: the store has the ack, committed before
 * the answer.
 */
struct api_call {
	struct httpd		*h;
	struct evhttp_request	*req;
	int			 code, show_incident;
};

static void
api_answer(void *arg, json_t *rep, int status, const char *err)
{
	struct api_call *c = arg;
	struct hstore_query q;

	if (rep == NULL) {
		if (status == 503)
			evhttp_add_header(evhttp_request_get_output_headers(
			    c->req), "Retry-After", "1");
		httpd_reply_error(c->req, status, err);
	} else if (c->show_incident) {
		memset(&q, 0, sizeof(q));
		q.kind = HS_INCIDENT;
		q.id = json_integer_value(json_object_get(rep, "acknowledged"));
		httpd_store_reply(c->h->sq, c->req, &q);
	} else
		httpd_reply_json(c->req, c->code, json_incref(rep));
	free(c);
}

static void
api_command(struct httpd *h, struct evhttp_request *req, const char *name,
    json_t *args, int code)
{
	struct api_call *c = xcalloc(1, sizeof(*c));

	c->h = h;
	c->req = req;
	c->code = code;
	c->show_incident = strcmp(name, "ack") == 0;
	daemon_command(h->d, name, args, api_answer, c);
}

static void
api_health(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	(void)part;
	httpd_reply_json(req, 200, health_json(h));
}

static void
api_state(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	struct hstore_query q;

	(void)part;
	summary_query(h, &q);
	httpd_store_reply(h->sq, req, &q);
}

static void
api_wall(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	(void)part;
	httpd_reply_json(req, 200, incident_wall_json(h->d->inc));
}

static void
api_sites(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	(void)part;
	httpd_reply_json(req, 200, incident_sites_json(h->d->inc));
}

static void
api_devices(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	(void)part;
	httpd_reply_json(req, 200, incident_devices_json(h->d->inc, NULL));
}

static void
api_device(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	json_t *j;

	if ((j = incident_devices_json(h->d->inc, part[3])) == NULL)
		httpd_reply_error(req, 404, "no such device");
	else
		httpd_reply_json(req, 200, j);
}

static void
api_incidents(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	(void)part;
	get_incidents(h, req);
}

static void
api_incident(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	struct hstore_query q;

	memset(&q, 0, sizeof(q));
	q.kind = HS_INCIDENT;
	if (parse_id(part[3], &q.id) == -1)
		httpd_reply_error(req, 404, "no such incident");
	else
		httpd_store_reply(h->sq, req, &q);
}

static void
api_ack(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	json_t *body = read_body_json(req), *a = json_pack("{s:s,s:O?}", "id",
	    part[3], "by", json_object_get(body, "by"));

	api_command(h, req, "ack", a, 200);
	json_decref(a);
	json_decref(body);
}

static void
api_maint_add(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	json_t *body = read_body_json(req);

	(void)part;
	api_command(h, req, "maintenance-add", body, 201);
	json_decref(body);
}
static void
api_maint_end(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	json_t *body = read_body_json(req);
	char ibuf[24];
	const char *q = httpd_query_param(req, "id", ibuf, sizeof(ibuf));

	(void)part;
	if (body == NULL)
		body = json_object();
	if (q != NULL)
		json_object_set_new(body, "id", json_string(q));
	api_command(h, req, "maintenance-end", body, 200);
	json_decref(body);
}
/* A command on what the path names: /api/v1/RESOURCE/ID[/VERB]. */
static void
api_on_id(struct httpd *h, struct evhttp_request *req, const char *name,
    const char *id)
{
	json_t *a = json_pack("{s:s}", "id", id);

	api_command(h, req, name, a, 200);
	json_decref(a);
}

static void
api_maint_remove(struct httpd *h, struct evhttp_request *req,
    char (*part)[256])
{
	api_on_id(h, req, "maintenance-end", part[3]);
}

static void
api_outbox(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	(void)part;
	api_command(h, req, "outbox-list", NULL, 200);
}

static void
api_outbox_retry(struct httpd *h, struct evhttp_request *req,
    char (*part)[256])
{
	api_on_id(h, req, "outbox-retry", part[3]);
}

static void
api_maint_list(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	struct hstore_query q;

	(void)part;
	memset(&q, 0, sizeof(q));
	q.kind = HS_MAINT;
	httpd_store_reply(h->sq, req, &q);
}

static void
api_metrics(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	httpd_get_metrics(h->d, h->rq, req, part[3], part[4]);
}

static void
api_events(struct httpd *h, struct evhttp_request *req, char (*part)[256])
{
	(void)part;
	get_events(h, req);
}

static const struct api_route {
	int		 method;
	int		 nparts;
	const char	*resource;
	const char	*verb;		/* part[4], or NULL */
	int		 changes;
	api_fn		 fn;
} api_routes[] = {
	{ API_GET,	3, "health",	  NULL,  0, api_health },
	{ API_GET,	3, "state",	  NULL,  0, api_state },
	{ API_GET,	3, "wall",	  NULL,  0, api_wall },
	{ API_GET,	3, "sites",	  NULL,  0, api_sites },
	{ API_GET,	3, "devices",	  NULL,  0, api_devices },
	{ API_GET,	4, "devices",	  NULL,  0, api_device },
	{ API_GET,	3, "incidents",	  NULL,  0, api_incidents },
	{ API_GET,	4, "incidents",	  NULL,  0, api_incident },
	{ API_POST,	5, "incidents",	  "ack", 1, api_ack },
	{ API_GET,	3, "maintenance", NULL,  0, api_maint_list },
	{ API_POST,	3, "maintenance", NULL,  1, api_maint_add },
	{ API_DELETE,	3, "maintenance", NULL,  1, api_maint_end },
	{ API_DELETE,	4, "maintenance", NULL,  1, api_maint_remove },
	{ API_GET,	3, "outbox",	  NULL,  0, api_outbox },
	{ API_POST,	5, "outbox",	  "retry", 1, api_outbox_retry },
	{ API_GET,	5, "metrics",	  NULL,  0, api_metrics },
	{ API_GET,	3, "events",	  NULL,  0, api_events },
};

/* The route for this method and path; a path some route has, asked with
 * another method, is a 405. */
static void
api_dispatch(struct httpd *h, struct evhttp_request *req,
    enum evhttp_cmd_type m, char (*part)[256], int n)
{
	const struct api_route *r;
	int method = m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD ? API_GET :
	    m == EVHTTP_REQ_POST ? API_POST : m == EVHTTP_REQ_DELETE ?
	    API_DELETE : 0, path_known = 0;
	size_t i;

	for (i = 0; i < sizeof(api_routes) / sizeof(api_routes[0]); i++) {
		r = &api_routes[i];
		if (r->nparts != n || strcmp(r->resource, part[2]) != 0 ||
		    (r->verb != NULL && strcmp(r->verb, part[4]) != 0))
			continue;
		path_known = 1;
		if (r->method != method)
			continue;
		r->fn(h, req, part);
		if (r->changes)
			httpd_changed(h);
		return;
	}
	if (path_known)
		httpd_reply_error(req, 405, "method not allowed");
	else
		httpd_reply_error(req, 404, "not found");
}

static void
route_run(struct evhttp_request *req, void *arg)
{
	struct httpd *h = arg;
	struct daemon *d = h->d;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
	const char *path = uri ? evhttp_uri_get_path(uri) : NULL;
	enum evhttp_cmd_type m = evhttp_request_get_command(req);
	struct evkeyval *kv;
	char addr[64], part[6][256];
	int n, nh = 0, get = m == EVHTTP_REQ_GET || m == EVHTTP_REQ_HEAD;

	h->requests++;
	client_addr(h, req, addr, sizeof(addr));
	if (!rate_ok(h, addr)) {
		h->limited++;
		httpd_reply_error(req, 429, "too many requests");
		return;
	}
	TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next)
		nh++;
	if (nh > MAX_HEADERS) {
		httpd_reply_error(req, 431, "too many header fields");
		return;
	}
	if (path == NULL || (n = split_path(path, part, 6)) < 0) {
		httpd_reply_error(req, 400, "bad path");
		return;
	}
	if (n == 0 && get) {
		get_file(h, req, "index.html");
		return;
	}
	if (n == 2 && strcmp(part[0], "static") == 0 && get) {
		get_file(h, req, part[1]);
		return;
	}
	if (n == 3 && strcmp(part[0], "graph") == 0 && get) {
		if (authorize(h, req, addr, SCOPE_READ) == 0)
			httpd_get_graph(h->d, h->rq, req, part[1], part[2]);
		return;
	}
	if (n < 3 || strcmp(part[0], "api") != 0 || strcmp(part[1], "v1") != 0) {
		httpd_reply_error(req, 404, "not found");
		return;
	}
	if (authorize(h, req, addr, get ? SCOPE_READ : SCOPE_WRITE) == -1)
		return;
	if (d->inc == NULL) {
		httpd_reply_error(req, 503, "the incident engine is not running");
		return;
	}
	api_dispatch(h, req, m, part, n);
}

static void
route(struct evhttp_request *req, void *arg)
{
	lw_enter("an HTTP API request");
	conn_served(arg, req);
	route_run(req, arg);
	lw_leave();
}

/*
 * evhttp (libevent 2.1) has no hook per connection, but asks us for each
 * one's bufferevent: we keep a reference to it, so we can see when evhttp
 * lets it go (its callbacks are cleared) and cut one that misbehaves
 * (shutdown: evhttp then frees it as if the client had left).
 */
static struct bufferevent *
conn_bev(struct event_base *base, void *arg)
{
	struct httpd *h = arg;
	struct bufferevent *bev;
	struct hconn *hc;

	fd_guard(h);
	if (h->tls == NULL)
		bev = bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
	else
		bev = bufferevent_openssl_socket_new(base, -1, SSL_new(h->tls),
		    BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL)
		return NULL;
	hc = xcalloc(1, sizeof(*hc));
	hc->bev = bev;
	hc->born = mono_s();
	bufferevent_incref(bev);
	TAILQ_INSERT_TAIL(&h->conns, hc, entry);
	h->nconns++;
	return bev;
}

static void
conn_served(struct httpd *h, struct evhttp_request *req)
{
	struct evhttp_connection *c = evhttp_request_get_connection(req);
	struct bufferevent *bev = c ? evhttp_connection_get_bufferevent(c) :
	    NULL;
	struct hconn *hc;

	TAILQ_FOREACH_REVERSE(hc, &h->conns, hconns, entry)
		if (hc->bev == bev) {
			hc->served = 1;
			return;
		}
}

static void
addr_string(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a;

	buf[0] = '\0';
	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6)
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	else
		return;
	if (inet_ntop(sa->sa_family, a, buf, (socklen_t)len) == NULL)
		buf[0] = '\0';
}

static void
conn_cut(struct hconn *hc)
{
	evutil_socket_t fd = bufferevent_getfd(hc->bev);

	if (fd != -1)
		(void)shutdown(fd, SHUT_RDWR);
	hc->cut = 1;
}

/*
 * Once a second: forget what evhttp let go; cut a connection that sent no
 * whole request within CONN_DEADLINE_S (a slowloris trickling headers
 * resets evhttp's idle timeout for ever); and cut the newest connections
 * of an address holding more than MAX_CONN_CLIENT without a request.
 */
static void
conns_sweep(struct httpd *h)
{
	struct hconn *hc, *next, *o;
	bufferevent_data_cb rd, wr;
	bufferevent_event_cb ev;
	struct sockaddr_storage ss;
	socklen_t sl;
	double now = mono_s();
	size_t n;

	for (hc = TAILQ_FIRST(&h->conns); hc != NULL; hc = next) {
		next = TAILQ_NEXT(hc, entry);
		bufferevent_getcb(hc->bev, &rd, &wr, &ev, NULL);
		if (rd == NULL && wr == NULL && ev == NULL) {
			TAILQ_REMOVE(&h->conns, hc, entry);
			h->nconns--;
			bufferevent_decref(hc->bev);	/* closes it */
			free(hc);
			continue;
		}
		if (hc->peer[0] == '\0' && bufferevent_getfd(hc->bev) != -1) {
			sl = sizeof(ss);
			if (getpeername(bufferevent_getfd(hc->bev),
			    (struct sockaddr *)&ss, &sl) == 0)
				addr_string((struct sockaddr *)&ss, hc->peer,
				    sizeof(hc->peer));
		}
		if (!hc->served && !hc->cut && now - hc->born >
		    CONN_DEADLINE_S) {
			conn_cut(hc);
			h->slow_cut++;
		}
	}
	/* Only connections still without a whole request count: one whose
	 * request arrived is being answered, and what it may wait for is
	 * bounded on its own (the store's and the graphs' queues and
	 * deadlines, event streams per client).  Counting them cut, without
	 * an answer, the 33rd of 40 API requests a wall sent at once. */
	TAILQ_FOREACH_REVERSE(hc, &h->conns, hconns, entry) {
		if (hc->cut || hc->served || hc->peer[0] == '\0')
			continue;
		n = 0;
		TAILQ_FOREACH(o, &h->conns, entry)
			if (!o->cut && !o->served &&
			    strcmp(o->peer, hc->peer) == 0)
				n++;
		if (n > MAX_CONN_CLIENT) {
			conn_cut(hc);
			h->client_cut++;
		}
	}
}

static int
tls_setup(struct httpd *h, char *err, size_t errlen)
{
	const struct config *c = h->d->conf;
	unsigned long e;

	if (c->tls_cert == NULL)
		return 0;
	h->tls = SSL_CTX_new(TLS_server_method());
	SSL_CTX_set_min_proto_version(h->tls, TLS1_2_VERSION);
	if (SSL_CTX_use_certificate_chain_file(h->tls, c->tls_cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(h->tls, c->tls_key,
	    SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(h->tls) != 1) {
		e = ERR_get_error();
		snprintf(err, errlen, "http TLS: %s / %s: %s", c->tls_cert,
		    c->tls_key, e ? ERR_reason_error_string(e) : "bad key");
		return -1;
	}
	return 0;
}

static void
accept_resume(evutil_socket_t fd, short ev, void *arg)
{
	struct httpd *h = arg;

	(void)fd;
	(void)ev;
	if (!h->fd_paused)
		evconnlistener_enable(h->lev);
}

/*
 * accept() failed for a reason that does not pass (out of descriptors:
 * EMFILE/ENFILE, or out of memory).  libevent would retry at once, for as
 * long as the connection waits in the backlog: a spin that wrote millions
 * of log lines.  Pause the listener for a second instead, and say so at
 * most every 10 s with the count.
 */
/* The listener's argument is evhttp's own; there is one server. */
static struct httpd *accept_owner;

static void
accept_error(struct evconnlistener *lev, void *arg)
{
	struct httpd *h = accept_owner;
	struct timeval tv = { 1, 0 };
	int e = EVUTIL_SOCKET_ERROR();
	double now = mono_s();

	(void)arg;
	if (h == NULL)
		return;
	h->accept_errors++;
	evconnlistener_disable(lev);
	evtimer_add(h->resume, &tv);
	if (now - h->accept_logged >= 10) {
		log_warnx("http: cannot accept a connection: %s (%llu times "
		    "since the last message); new connections wait 1 s",
		    strerror(e), h->accept_errors - h->accept_told);
		h->accept_logged = now;
		h->accept_told = h->accept_errors;
	}
}

struct httpd *
httpd_start(struct daemon *d, char *err, size_t errlen)
{
	const char *listen = d->conf->http_listen;
	struct evhttp_bound_socket *bound;
	struct httpd *h;
	struct timeval tv = { 1, 0 };
	char host[256], perr[160];
	int port;

	if (listen == NULL || strcmp(listen, "none") == 0)
		return NULL;
	if (parse_hostport(listen, host, sizeof(host), &port, 8080, perr,
	    sizeof(perr)) == -1) {
		snprintf(err, errlen, "http-listen: %s", perr);
		return NULL;
	}
	h = xcalloc(1, sizeof(*h));
	h->d = d;
	TAILQ_INIT(&h->conns);
	h->http = evhttp_new(d->base);
	evhttp_set_max_headers_size(h->http, MAX_HEADERS_SIZE);
	evhttp_set_max_body_size(h->http, MAX_BODY);
	evhttp_set_timeout(h->http, 30);
	evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD |
	    EVHTTP_REQ_POST | EVHTTP_REQ_DELETE);
	evhttp_set_gencb(h->http, route, h);
	evhttp_set_bevcb(h->http, conn_bev, h);
	if (tls_setup(h, err, errlen) == -1) {
		evhttp_free(h->http);
		SSL_CTX_free(h->tls);
		free(h);
		return NULL;
	}
	if ((bound = evhttp_bind_socket_with_handle(h->http, host,
	    (ev_uint16_t)port)) == NULL) {
		snprintf(err, errlen, "http-listen %s: cannot listen (%s)",
		    listen, strerror(errno));
		evhttp_free(h->http);
		SSL_CTX_free(h->tls);
		free(h);
		return NULL;
	}
	h->lev = evhttp_bound_socket_get_listener(bound);
	h->resume = evtimer_new(d->base, accept_resume, h);
	accept_owner = h;
	evconnlistener_set_error_cb(h->lev, accept_error);
	h->tick = event_new(d->base, -1, EV_PERSIST, tick, h);
	event_add(h->tick, &tv);
	log_info("http%s: listening on %s", h->tls ? "s" : "", listen);
	return h;
}

/* The graph worker: a thread, so started once privileges are dropped. */
int
httpd_workers(struct httpd *h, char *err, size_t errlen)
{
	if (h == NULL)
		return 0;
	if ((h->rq = workq_new(h->d->base, "graph", HTTPD_RRD_QUEUE, err,
	    errlen)) == NULL)
		return -1;
	h->sq = httpd_store_new(h->d->base, h->d->conf->state_db, err, errlen);
	return h->sq != NULL ? 0 : -1;
}

void
httpd_free(struct httpd *h)
{
	struct hconn *hc;

	if (h == NULL)
		return;
	event_free(h->tick);
	event_free(h->resume);
	if (accept_owner == h)
		accept_owner = NULL;
	/* Before evhttp_free: a job's request is answered (or given up). */
	workq_free(h->rq, 2000);
	httpd_store_free(h->sq);
	evhttp_free(h->http);	/* closes the streams too */
	while ((hc = TAILQ_FIRST(&h->conns)) != NULL) {
		TAILQ_REMOVE(&h->conns, hc, entry);
		bufferevent_decref(hc->bev);
		free(hc);
	}
	SSL_CTX_free(h->tls);
	free(h->last);
	free(h);
}
