/*
 * TCP probe: a non-blocking connect watched for writability, then an
 * optional send and a read until the expected string, all under one
 * deadline taken from the monotonic start.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "escape.h"
#include "loopwatch.h"
#include "tcp.h"
#include "xmalloc.h"

enum tcp_phase { TCP_CONNECTING, TCP_SENDING, TCP_READING };

struct tcp_probe {
	struct event_base	*base;
	struct tcp_params	 p;
	probe_done_cb		 cb;
	void			*arg;
	int			 fd;
	struct event		*ev;
	enum tcp_phase		 phase;
	double			 started_ms, connected_ms;
	size_t			 sent;
	size_t			 rlen;
	char			 rbuf[TCP_MAX_RESPONSE + 1];
	int			 early_errno;
	struct probe_result	 res;
};

static void	tcp_event_cb(evutil_socket_t, short, void *);

enum probe_outcome
tcp_errno_outcome(int err)
{
	switch (err) {
	case ECONNREFUSED:
	case ECONNRESET:
		return PROBE_REFUSED;
	case EHOSTUNREACH:
	case ENETUNREACH:
	case EHOSTDOWN:
	case ENETDOWN:
		return PROBE_UNREACHABLE;
	case ETIMEDOUT:
		return PROBE_TIMEOUT;
	default:
		return PROBE_ERROR;
	}
}

static void
tcp_end(struct tcp_probe *t, enum probe_outcome o, const char *detail)
{
	struct probe_result *r = &t->res;

	r->elapsed_ms = mono_ms() - t->started_ms;
	if (t->connected_ms > 0)
		probe_result_add(r, "connect_ms", "ms",
		    t->connected_ms - t->started_ms);
	if (t->p.expect != NULL || t->p.send != NULL) {
		if (o == PROBE_OK)
			probe_result_add(r, "response_ms", "ms", r->elapsed_ms);
		probe_result_add(r, "bytes", "B", (double)t->rlen);
	}
	probe_result_set(r, o, "%s", detail);
	t->cb(r, t->arg);
	tcp_probe_cancel(t);
}

static void
tcp_rearm(struct tcp_probe *t, short what)
{
	double left = t->p.timeout_ms - (mono_ms() - t->started_ms);
	struct timeval tv;

	if (left < 0)
		left = 0;
	tv.tv_sec = (time_t)(left / 1000);
	tv.tv_usec = (suseconds_t)((left - (double)tv.tv_sec * 1000) * 1000);
	if (t->ev != NULL)
		event_free(t->ev);
	t->ev = event_new(t->base, t->fd, what, tcp_event_cb, t);
	event_add(t->ev, &tv);
}

static void
tcp_after_connect(struct tcp_probe *t)
{
	char d[64];

	t->connected_ms = mono_ms();
	if (t->p.send == NULL && t->p.expect == NULL) {
		snprintf(d, sizeof(d), "connected");
		tcp_end(t, PROBE_OK, d);
		return;
	}
	t->phase = t->p.send != NULL ? TCP_SENDING : TCP_READING;
	tcp_rearm(t, t->phase == TCP_SENDING ? EV_WRITE : EV_READ);
}

static void
tcp_do_send(struct tcp_probe *t)
{
	ssize_t n = send(t->fd, t->p.send + t->sent, t->p.send_len - t->sent,
	    MSG_NOSIGNAL | MSG_DONTWAIT);
	char d[128];

	if (n == -1 && errno != EAGAIN && errno != EINTR) {
		snprintf(d, sizeof(d), "send: %s", strerror(errno));
		tcp_end(t, tcp_errno_outcome(errno) == PROBE_ERROR ?
		    PROBE_BAD_RESPONSE : tcp_errno_outcome(errno), d);
		return;
	}
	if (n > 0)
		t->sent += (size_t)n;
	if (t->sent < t->p.send_len) {
		tcp_rearm(t, EV_WRITE);
		return;
	}
	if (t->p.expect == NULL) {
		tcp_end(t, PROBE_OK, "sent");
		return;
	}
	t->phase = TCP_READING;
	tcp_rearm(t, EV_READ);
}

static void
tcp_do_read(struct tcp_probe *t)
{
	char d[200], esc[120];
	ssize_t n;

	n = recv(t->fd, t->rbuf + t->rlen, TCP_MAX_RESPONSE - t->rlen,
	    MSG_DONTWAIT);
	if (n == -1 && (errno == EAGAIN || errno == EINTR)) {
		tcp_rearm(t, EV_READ);
		return;
	}
	if (n > 0) {
		t->rlen += (size_t)n;
		t->rbuf[t->rlen] = '\0';
		/* A NUL in the stream must not hide a later match. */
		if (memmem(t->rbuf, t->rlen, t->p.expect,
		    strlen(t->p.expect)) != NULL) {
			tcp_end(t, PROBE_OK, "expected response");
			return;
		}
		if (t->rlen < TCP_MAX_RESPONSE) {
			tcp_rearm(t, EV_READ);
			return;
		}
	}
	str_escape(esc, sizeof(esc), t->rbuf, t->rlen);
	snprintf(d, sizeof(d), "%s without the expected string; got \"%s\"",
	    n == 0 ? "closed" : n > 0 ? "response too long" : "read error",
	    esc);
	tcp_end(t, PROBE_BAD_RESPONSE, d);
}

static void
tcp_event_cb_run(evutil_socket_t fd, short what, void *arg)
{
	struct tcp_probe *t = arg;
	int err = 0;
	socklen_t el = sizeof(err);
	char d[200], esc[120];

	if (t->early_errno != 0) {
		snprintf(d, sizeof(d), "connect: %s", strerror(t->early_errno));
		tcp_end(t, tcp_errno_outcome(t->early_errno), d);
		return;
	}
	if (what & EV_TIMEOUT) {
		if (t->phase == TCP_CONNECTING) {
			snprintf(d, sizeof(d), "no answer to connect within "
			    "%.0f ms", t->p.timeout_ms);
			tcp_end(t, PROBE_TIMEOUT, d);
		} else {
			str_escape(esc, sizeof(esc), t->rbuf, t->rlen);
			snprintf(d, sizeof(d), "connected, but no expected "
			    "response within %.0f ms; got \"%s\"",
			    t->p.timeout_ms, esc);
			tcp_end(t, PROBE_TIMEOUT, d);
		}
		return;
	}
	switch (t->phase) {
	case TCP_CONNECTING:
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) == -1)
			err = errno;
		if (err != 0) {
			snprintf(d, sizeof(d), "connect: %s", strerror(err));
			tcp_end(t, tcp_errno_outcome(err), d);
			return;
		}
		tcp_after_connect(t);
		break;
	case TCP_SENDING:
		tcp_do_send(t);
		break;
	case TCP_READING:
		tcp_do_read(t);
		break;
	}
}

static void
tcp_event_cb(evutil_socket_t fd, short what, void *arg)
{
	lw_enter("a TCP check");
	tcp_event_cb_run(fd, what, arg);
	lw_leave();
}

struct tcp_probe *
tcp_probe_start(struct event_base *base, const char *target,
    const struct sockaddr *sa, socklen_t salen, const struct tcp_params *p,
    probe_done_cb cb, void *arg)
{
	struct tcp_probe *t = xcalloc(1, sizeof(*t));
	char host[INET6_ADDRSTRLEN] = "?";
	const void *a = sa->sa_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;

	t->base = base;
	t->p = *p;
	t->cb = cb;
	t->arg = arg;
	t->started_ms = mono_ms();
	probe_result_init(&t->res, target);
	inet_ntop(sa->sa_family, a, host, sizeof(host));
	snprintf(t->res.address, sizeof(t->res.address), "%s", host);
	t->fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (t->fd == -1)
		t->early_errno = errno;
	else if (connect(t->fd, sa, salen) == -1 && errno != EINPROGRESS)
		t->early_errno = errno;
	if (t->early_errno != 0) {
		/* Report from the loop, never from inside the caller. */
		t->ev = evtimer_new(base, tcp_event_cb, t);
		event_active(t->ev, EV_TIMEOUT, 0);
	} else
		tcp_rearm(t, EV_WRITE);
	return t;
}

void
tcp_probe_cancel(struct tcp_probe *t)
{
	if (t == NULL)
		return;
	if (t->ev != NULL)
		event_free(t->ev);
	if (t->fd != -1)
		close(t->fd);
	free(t);
}
