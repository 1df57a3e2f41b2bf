/*
 * HTTP probe on curl's multi interface: curl tells us which sockets to
 * watch (socket callback) and when to wake it (timer callback); we tell it
 * what happened with curl_multi_socket_action and collect finished
 * transfers from curl_multi_info_read.  Nothing here blocks the loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <event2/event.h>

#include "clock.h"
#include "escape.h"
#include "loopwatch.h"
#include "http.h"
#include "xmalloc.h"

struct http_engine {
	struct event_base	*base;
	CURLM			*multi;
	struct event		*timer;
};

struct http_probe {
	struct http_engine	*eng;
	CURL			*easy;
	struct curl_slist	*rcpt;		/* e-mail */
	char			*upload;	/* e-mail: the message */
	size_t			 upload_len, upload_off;
	struct http_params	 p;
	char			*url, *expect_body, *ca_file;
	struct curl_slist	*headers;
	probe_done_cb		 cb;
	void			*arg;
	char			*body;
	size_t			 body_len, bytes;
	char			 errbuf[CURL_ERROR_SIZE];
	double			 started_ms;
	struct probe_result	 res;
};

/* Per-socket state handed to curl as its socketp. */
struct http_sock {
	struct event	*ev;
};

static void	http_check_done(struct http_engine *);
static void	http_mail_setup(struct http_probe *,
		    const struct http_params *);

int
http_cert_days(const char *date, time_t now, double *days)
{
	struct tm tm;
	const char *end;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	end = strptime(date, "%b %d %H:%M:%S %Y", &tm);
	if (end == NULL)
		return -1;
	t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*days = difftime(t, now) / 86400.0;
	return 0;
}

static void
http_event_cb_run(evutil_socket_t fd, short what, void *arg)
{
	struct http_engine *e = arg;
	int running, flags = 0;

	if (what & EV_READ)
		flags |= CURL_CSELECT_IN;
	if (what & EV_WRITE)
		flags |= CURL_CSELECT_OUT;
	curl_multi_socket_action(e->multi, fd, flags, &running);
	http_check_done(e);
}

static void
http_event_cb(evutil_socket_t fd, short what, void *arg)
{
	lw_enter("an HTTP check");
	http_event_cb_run(fd, what, arg);
	lw_leave();
}

static void
http_timer_cb_run(evutil_socket_t fd, short what, void *arg)
{
	struct http_engine *e = arg;
	int running;

	(void)fd;
	(void)what;
	curl_multi_socket_action(e->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	http_check_done(e);
}

static void
http_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	lw_enter("the HTTP check timer");
	http_timer_cb_run(fd, what, arg);
	lw_leave();
}

static int
http_socket_fn(CURL *easy, curl_socket_t s, int what, void *userp,
    void *socketp)
{
	struct http_engine *e = userp;
	struct http_sock *hs = socketp;
	short ev = EV_PERSIST;

	(void)easy;
	if (what == CURL_POLL_REMOVE) {
		if (hs != NULL) {
			event_free(hs->ev);
			free(hs);
		}
		curl_multi_assign(e->multi, s, NULL);
		return 0;
	}
	if (what & CURL_POLL_IN)
		ev |= EV_READ;
	if (what & CURL_POLL_OUT)
		ev |= EV_WRITE;
	if (hs == NULL) {
		hs = xcalloc(1, sizeof(*hs));
		curl_multi_assign(e->multi, s, hs);
	} else
		event_free(hs->ev);
	hs->ev = event_new(e->base, s, ev, http_event_cb, e);
	event_add(hs->ev, NULL);
	return 0;
}

static int
http_timer_fn(CURLM *multi, long timeout_ms, void *userp)
{
	struct http_engine *e = userp;
	struct timeval tv;

	(void)multi;
	if (timeout_ms < 0) {
		evtimer_del(e->timer);
		return 0;
	}
	tv.tv_sec = timeout_ms / 1000;
	tv.tv_usec = (timeout_ms % 1000) * 1000;
	evtimer_add(e->timer, &tv);
	return 0;
}

struct http_engine *
http_engine_new(struct event_base *base)
{
	struct http_engine *e = xcalloc(1, sizeof(*e));
	static int inited;

	if (!inited) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		inited = 1;
	}
	e->base = base;
	e->multi = curl_multi_init();
	e->timer = evtimer_new(base, http_timer_cb, e);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETFUNCTION, http_socket_fn);
	curl_multi_setopt(e->multi, CURLMOPT_SOCKETDATA, e);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERFUNCTION, http_timer_fn);
	curl_multi_setopt(e->multi, CURLMOPT_TIMERDATA, e);
	return e;
}

void
http_engine_free(struct http_engine *e)
{
	if (e == NULL)
		return;
	curl_multi_cleanup(e->multi);
	event_free(e->timer);
	free(e);
}

static size_t
http_write_fn(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct http_probe *h = arg;
	size_t n = size * nmemb, keep;

	h->bytes += n;
	if (h->body_len < HTTP_MAX_BODY) {
		keep = n < HTTP_MAX_BODY - h->body_len ? n :
		    HTTP_MAX_BODY - h->body_len;
		memcpy(h->body + h->body_len, ptr, keep);
		h->body_len += keep;
	}
	return n;
}

static enum probe_outcome
http_curl_outcome(CURLcode cc, long os_errno)
{
	switch (cc) {
	case CURLE_COULDNT_RESOLVE_HOST:
		return PROBE_DNS_FAILURE;
	case CURLE_COULDNT_CONNECT:
		if (os_errno == EHOSTUNREACH || os_errno == ENETUNREACH)
			return PROBE_UNREACHABLE;
		if (os_errno == ETIMEDOUT)
			return PROBE_TIMEOUT;
		return PROBE_REFUSED;
	case CURLE_OPERATION_TIMEDOUT:
		return PROBE_TIMEOUT;
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return PROBE_TLS_FAILURE;
	case CURLE_LOGIN_DENIED:
		return PROBE_AUTH_FAILED;
	default:
		return PROBE_BAD_RESPONSE;
	}
}

static void
http_add_times(struct http_probe *h)
{
	struct probe_result *r = &h->res;
	double connect = 0, tls = 0, ttfb = 0, total = 0;

	curl_easy_getinfo(h->easy, CURLINFO_CONNECT_TIME, &connect);
	curl_easy_getinfo(h->easy, CURLINFO_APPCONNECT_TIME, &tls);
	curl_easy_getinfo(h->easy, CURLINFO_STARTTRANSFER_TIME, &ttfb);
	curl_easy_getinfo(h->easy, CURLINFO_TOTAL_TIME, &total);
	probe_result_add(r, "connect_ms", "ms", connect * 1000);
	if (tls > 0)
		probe_result_add(r, "tls_ms", "ms", tls * 1000);
	probe_result_add(r, "ttfb_ms", "ms", ttfb * 1000);
	probe_result_add(r, "total_ms", "ms", total * 1000);
	probe_result_add(r, "bytes", "B", (double)h->bytes);
}

static void
http_add_cert(struct http_probe *h)
{
	struct curl_certinfo *ci = NULL;
	struct curl_slist *s;
	double days;

	if (curl_easy_getinfo(h->easy, CURLINFO_CERTINFO, &ci) != CURLE_OK ||
	    ci == NULL || ci->num_of_certs < 1)
		return;
	for (s = ci->certinfo[0]; s != NULL; s = s->next)
		if (strncmp(s->data, "Expire date:", 12) == 0 &&
		    http_cert_days(s->data + 12, time(NULL), &days) == 0) {
			probe_result_add(&h->res, "cert_days", "d", days);
			return;
		}
}

static void
http_finish(struct http_probe *h, CURLcode cc)
{
	struct probe_result *r = &h->res;
	long status = 0, os_errno = 0;
	char esc[200], *ip = NULL;

	r->elapsed_ms = mono_ms() - h->started_ms;
	curl_easy_getinfo(h->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(h->easy, CURLINFO_OS_ERRNO, &os_errno);
	if (curl_easy_getinfo(h->easy, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK &&
	    ip != NULL)
		snprintf(r->address, sizeof(r->address), "%s", ip);
	if (cc != CURLE_OK) {
		str_escape(esc, sizeof(esc), h->errbuf[0] ? h->errbuf :
		    curl_easy_strerror(cc), strlen(h->errbuf[0] ? h->errbuf :
		    curl_easy_strerror(cc)));
		probe_result_set(r, http_curl_outcome(cc, os_errno), "%s", esc);
		if (status > 0)
			probe_result_add(r, "status", "", (double)status);
		goto out;
	}
	probe_result_add(r, "status", "", (double)status);
	http_add_times(h);
	http_add_cert(h);
	if (h->upload != NULL)		/* e-mail: the server took it */
		probe_result_set(r, PROBE_OK, "SMTP %ld", status);
	else if (status == 401 || status == 407)
		probe_result_set(r, PROBE_AUTH_FAILED, "HTTP %ld", status);
	else if (h->p.expect_status ? status != h->p.expect_status :
	    status >= 400)
		probe_result_set(r, PROBE_BAD_RESPONSE, "HTTP %ld%s", status,
		    h->p.expect_status ? " (unexpected status)" : "");
	else if (h->expect_body != NULL && (h->body_len == 0 ||
	    memmem(h->body, h->body_len, h->expect_body,
	    strlen(h->expect_body)) == NULL))
		probe_result_set(r, PROBE_BAD_RESPONSE, "HTTP %ld, body lacks "
		    "\"%s\"", status, str_escape(esc, 64, h->expect_body,
		    strlen(h->expect_body)));
	else
		probe_result_set(r, PROBE_OK, "HTTP %ld", status);
out:
	if (h->p.reply != NULL) {
		curl_off_t ra = 0;

		h->p.reply->status = status;
		h->p.reply->len = h->body_len;
		h->p.reply->body = xmalloc(h->body_len + 1);
		memcpy(h->p.reply->body, h->body, h->body_len);
		h->p.reply->body[h->body_len] = '\0';
		if (curl_easy_getinfo(h->easy, CURLINFO_RETRY_AFTER, &ra) ==
		    CURLE_OK && ra > 0)
			h->p.reply->retry_after_s = (double)ra;
	}
	h->cb(r, h->arg);
	http_probe_cancel(h);
}

static void
http_check_done(struct http_engine *e)
{
	CURLMsg *m;
	int left;
	struct http_probe *h;

	while ((m = curl_multi_info_read(e->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		h = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&h);
		if (h != NULL)
			http_finish(h, m->data.result);
	}
}

struct http_probe *
http_probe_start(struct http_engine *e, const char *url,
    const struct http_params *p, probe_done_cb cb, void *arg)
{
	struct http_probe *h = xcalloc(1, sizeof(*h));
	CURL *c;

	h->eng = e;
	h->p = *p;
	h->url = xstrdup(url);
	h->expect_body = p->expect_body ? xstrdup(p->expect_body) : NULL;
	h->ca_file = p->ca_file ? xstrdup(p->ca_file) : NULL;
	h->cb = cb;
	h->arg = arg;
	h->body = xmalloc(HTTP_MAX_BODY);
	h->started_ms = mono_ms();
	probe_result_init(&h->res, url);
	h->easy = c = curl_easy_init();
	curl_easy_setopt(c, CURLOPT_URL, h->url);
	curl_easy_setopt(c, CURLOPT_PRIVATE, h);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, h->errbuf);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	/* A probe measures the path to the server: never an environment proxy. */
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "nocwatch-probe/0.1");
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)p->timeout_ms);
	curl_easy_setopt(c, CURLOPT_NOBODY, p->head ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, p->follow ? 1L : 0L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, p->insecure ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, p->insecure ? 0L : 2L);
	if (h->ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, h->ca_file);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_write_fn);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, h);
	if (p->post_body != NULL || p->method != NULL) {
		/*
		 * A connection of its own: on a kept-alive one that the server
		 * closes without an answer, libcurl sends the request again by
		 * itself -- a second ticket on a service desk that had made the
		 * first.  A failure must come back to the caller, which looks
		 * the ticket up before it creates one again.
		 */
		curl_easy_setopt(c, CURLOPT_FRESH_CONNECT, 1L);
		curl_easy_setopt(c, CURLOPT_FORBID_REUSE, 1L);
	}
	if (p->mail_from != NULL && p->mail_rcpt != NULL &&
	    p->post_body != NULL)
		http_mail_setup(h, p);
	else if (p->post_body != NULL) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE,
		    (long)strlen(p->post_body));
		curl_easy_setopt(c, CURLOPT_COPYPOSTFIELDS, p->post_body);
		curl_easy_setopt(c, CURLOPT_USERAGENT, "nocwatch/0.1");
	}
	if (p->method != NULL)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, p->method);

	for (size_t i = 0; p->headers != NULL && p->headers[i] != NULL; i++)
		h->headers = curl_slist_append(h->headers, p->headers[i]);
	if (h->headers != NULL)
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, h->headers);
	h->p.post_body = NULL;
	h->p.headers = NULL;
	h->p.method = NULL;
	h->p.mail_from = NULL;
	h->p.mail_rcpt = NULL;
	h->p.user = NULL;
	h->p.password = NULL;
	curl_multi_add_handle(e->multi, c);
	return h;
}

static size_t
http_read_fn(char *buf, size_t size, size_t nmemb, void *arg)
{
	struct http_probe *h = arg;
	size_t n = size * nmemb, left = h->upload_len - h->upload_off;

	if (n > left)
		n = left;
	memcpy(buf, h->upload + h->upload_off, n);
	h->upload_off += n;
	return n;
}

/* An e-mail through the same engine: SMTP with STARTTLS (libcurl). */
static void
http_mail_setup(struct http_probe *h, const struct http_params *p)
{
	CURL *c = h->easy;
	size_t i;

	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, p->mail_from);
	for (i = 0; p->mail_rcpt[i] != NULL; i++)
		h->rcpt = curl_slist_append(h->rcpt, p->mail_rcpt[i]);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, h->rcpt);
	h->upload = xstrdup(p->post_body);
	h->upload_len = strlen(h->upload);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, http_read_fn);
	curl_easy_setopt(c, CURLOPT_READDATA, h);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, p->mail_plain ?
	    (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	if (p->user != NULL)
		curl_easy_setopt(c, CURLOPT_USERNAME, p->user);
	if (p->password != NULL)
		curl_easy_setopt(c, CURLOPT_PASSWORD, p->password);
}

void
http_probe_cancel(struct http_probe *h)
{
	if (h == NULL)
		return;
	curl_multi_remove_handle(h->eng->multi, h->easy);
	curl_easy_cleanup(h->easy);
	curl_slist_free_all(h->headers);
	curl_slist_free_all(h->rcpt);
	if (h->upload != NULL)
		explicit_bzero(h->upload, h->upload_len);
	free(h->upload);
	free(h->url);
	free(h->expect_body);
	free(h->ca_file);
	free(h->body);
	free(h);
}
