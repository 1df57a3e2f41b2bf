/*
 * ICMP echo: one socket per family, any number of targets in flight.
 *
 * Every request takes a free 16-bit sequence number from the engine's map,
 * which records (probe, attempt, send time); a reply or an ICMP error that
 * quotes our request finds its probe through it, and must also come from
 * (or quote) the probe's address.  Entries are released when the attempt is
 * answered or the probe ends, so a late or duplicate reply is "foreign".
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <linux/errqueue.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "icmp.h"
#include "log.h"
#include "loopwatch.h"
#include "xmalloc.h"

#define SEQMAP_SIZE	65536
#define RECV_BATCH	512
#define COOKIE_LEN	8

enum attempt_state { ATT_PENDING = 0, ATT_REPLIED, ATT_ERROR, ATT_UNSENT };

struct seq_entry {
	struct icmp_probe	*probe;
	uint32_t		 attempt;
	double			 sent_ms;
};

struct icmp_sock {
	int		 fd;		/* -1 until opened */
	int		 raw;		/* 1 raw, 0 datagram */
	struct event	*ev;
	int		 failed_errno;	/* open failed: reported per probe */
};

struct icmp_engine {
	struct event_base	*base;
	struct icmp_sock	 s4, s6;
	uint16_t		 ident;
	uint8_t			 cookie[COOKIE_LEN];
	uint32_t		 next_seq;
	struct seq_entry	*map;		/* SEQMAP_SIZE entries */
	struct icmp_stats	 st;
	uint8_t			*sendbuf;
	uint8_t			*recvbuf;
	icmp_send_fn		 test_send;	/* tests only */
	void			*test_ctx;
};

struct icmp_probe {
	struct icmp_engine	*eng;
	struct sockaddr_storage	 addr;
	socklen_t		 addrlen;
	struct icmp_params	 p;
	probe_done_cb		 cb;
	void			*arg;
	struct event		*timer;
	int			 sent, replied, errored;
	double			 started_ms, last_send_ms;
	uint8_t			*state;		/* per attempt */
	uint32_t		*seq;		/* per attempt, or UINT32_MAX */
	double			*rtt;		/* per attempt */
	int			 send_errno;
	int			 err_type, err_code;
	char			 err_from[INET6_ADDRSTRLEN];
	struct probe_result	 res;
};

static void	icmp_read_cb(evutil_socket_t, short, void *);
static void	icmp_timer_cb(evutil_socket_t, short, void *);
static void	icmp_finish(struct icmp_probe *);

uint16_t
icmp_checksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint32_t sum = 0;

	while (len > 1) {
		sum += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len == 1)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

int
icmp_parse4(const uint8_t *buf, size_t len, int has_iphdr, struct icmp_msg *m)
{
	size_t hl = 0, qhl;
	const uint8_t *icmp, *q;
	size_t ilen;
	struct sockaddr_in *sin;

	memset(m, 0, sizeof(*m));
	if (has_iphdr) {
		if (len < 20 || (buf[0] >> 4) != 4)
			return -1;
		hl = (size_t)(buf[0] & 0x0f) * 4;
		if (hl < 20 || len < hl || buf[9] != IPPROTO_ICMP)
			return -1;
	}
	icmp = buf + hl;
	ilen = len - hl;
	if (ilen < 8)
		return -1;
	m->type = icmp[0];
	m->code = icmp[1];
	/* Datagram sockets have the kernel check the sum; raw ones do not. */
	if (has_iphdr && icmp_checksum(icmp, ilen) != 0)
		return -1;
	switch (m->type) {
	case ICMP_ECHOREPLY:
		m->kind = ICMP_KIND_ECHO_REPLY;
		m->id = get16(icmp + 4);
		m->seq = get16(icmp + 6);
		m->payload = icmp + 8;
		m->payload_len = ilen - 8;
		return 0;
	case ICMP_DEST_UNREACH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_SOURCE_QUENCH:
	case ICMP_PARAMETERPROB:
		break;
	default:
		return 0;	/* ICMP_KIND_OTHER */
	}
	/* Quoted: the original IP header (maybe with options) + 8 bytes. */
	q = icmp + 8;
	if (ilen - 8 < 20 || (q[0] >> 4) != 4)
		return -1;
	qhl = (size_t)(q[0] & 0x0f) * 4;
	if (qhl < 20 || ilen - 8 < qhl + 8)
		return -1;
	if (q[9] != IPPROTO_ICMP || q[qhl] != ICMP_ECHO)
		return 0;	/* an error about somebody else's packet */
	m->kind = ICMP_KIND_ERROR;
	m->id = get16(q + qhl + 4);
	m->seq = get16(q + qhl + 6);
	sin = (struct sockaddr_in *)&m->quoted_dst;
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, q + 16, 4);
	return 0;
}

int
icmp_parse6(const uint8_t *buf, size_t len, struct icmp_msg *m)
{
	const uint8_t *q;
	struct sockaddr_in6 *sin6;

	memset(m, 0, sizeof(*m));
	if (len < 8)
		return -1;
	m->type = buf[0];
	m->code = buf[1];
	switch (m->type) {
	case ICMP6_ECHO_REPLY:
		m->kind = ICMP_KIND_ECHO_REPLY;
		m->id = get16(buf + 4);
		m->seq = get16(buf + 6);
		m->payload = buf + 8;
		m->payload_len = len - 8;
		return 0;
	case ICMP6_DST_UNREACH:
	case ICMP6_TIME_EXCEEDED:
	case ICMP6_PACKET_TOO_BIG:
	case ICMP6_PARAM_PROB:
		break;
	default:
		return 0;
	}
	/* Quoted: the IPv6 header (40 bytes), then our echo request. */
	q = buf + 8;
	if (len - 8 < 40 + 8 || (q[0] >> 4) != 6)
		return -1;
	if (q[6] != IPPROTO_ICMPV6 || q[40] != ICMP6_ECHO_REQUEST)
		return 0;
	m->kind = ICMP_KIND_ERROR;
	m->id = get16(q + 40 + 4);
	m->seq = get16(q + 40 + 6);
	sin6 = (struct sockaddr_in6 *)&m->quoted_dst;
	sin6->sin6_family = AF_INET6;
	memcpy(&sin6->sin6_addr, q + 24, 16);
	return 0;
}

struct icmp_engine *
icmp_engine_new(struct event_base *base)
{
	struct icmp_engine *e = xcalloc(1, sizeof(*e));

	e->base = base;
	e->s4.fd = e->s6.fd = -1;
	e->map = xcalloc(SEQMAP_SIZE, sizeof(*e->map));
	e->sendbuf = xmalloc(8 + ICMP_MAX_SIZE);
	e->recvbuf = xmalloc(65536);
	evutil_secure_rng_get_bytes(&e->ident, sizeof(e->ident));
	evutil_secure_rng_get_bytes(e->cookie, sizeof(e->cookie));
	evutil_secure_rng_get_bytes(&e->next_seq, sizeof(e->next_seq));
	e->next_seq &= 0xffff;
	return e;
}

static void
icmp_sock_close(struct icmp_sock *s)
{
	if (s->ev != NULL)
		event_free(s->ev);
	if (s->fd != -1)
		close(s->fd);
	s->ev = NULL;
	s->fd = -1;
}

void
icmp_engine_free(struct icmp_engine *e)
{
	if (e == NULL)
		return;
	icmp_sock_close(&e->s4);
	icmp_sock_close(&e->s6);
	free(e->map);
	free(e->sendbuf);
	free(e->recvbuf);
	free(e);
}

void
icmp_engine_stats(const struct icmp_engine *e, struct icmp_stats *st)
{
	*st = e->st;
}

const char *
icmp_engine_mode(const struct icmp_engine *e, int family)
{
	const struct icmp_sock *s = family == AF_INET6 ? &e->s6 : &e->s4;

	if (s->fd == -1)
		return "none";
	return s->raw ? "raw" : "dgram";
}

static int
icmp_sock_open(struct icmp_engine *e, int family)
{
	struct icmp_sock *s = family == AF_INET6 ? &e->s6 : &e->s4;
	int proto = family == AF_INET6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP;
	int one = 1, rcvbuf = 4 * 1024 * 1024;

	if (s->fd != -1 || e->test_send != NULL)
		return 0;
	if (s->failed_errno != 0) {
		errno = s->failed_errno;
		return -1;
	}
	s->raw = 1;
	s->fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, proto);
	if (s->fd == -1 && (errno == EPERM || errno == EACCES)) {
		/* Unprivileged: the ping socket (net.ipv4.ping_group_range). */
		s->raw = 0;
		s->fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    proto);
	}
	if (s->fd == -1) {
		s->failed_errno = errno;
		return -1;
	}
	(void)setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (family == AF_INET6 && s->raw) {
		struct icmp6_filter f;

		ICMP6_FILTER_SETBLOCKALL(&f);
		ICMP6_FILTER_SETPASS(ICMP6_ECHO_REPLY, &f);
		ICMP6_FILTER_SETPASS(ICMP6_DST_UNREACH, &f);
		ICMP6_FILTER_SETPASS(ICMP6_TIME_EXCEEDED, &f);
		ICMP6_FILTER_SETPASS(ICMP6_PACKET_TOO_BIG, &f);
		(void)setsockopt(s->fd, IPPROTO_ICMPV6, ICMP6_FILTER, &f,
		    sizeof(f));
	}
	if (!s->raw) {
		/* Errors then arrive on the socket's error queue. */
		if (family == AF_INET6)
			(void)setsockopt(s->fd, IPPROTO_IPV6, IPV6_RECVERR,
			    &one, sizeof(one));
		else
			(void)setsockopt(s->fd, IPPROTO_IP, IP_RECVERR, &one,
			    sizeof(one));
	}
	s->ev = event_new(e->base, s->fd, EV_READ | EV_PERSIST, icmp_read_cb, e);
	event_add(s->ev, NULL);
	log_debug("icmp: %s %s socket open", family == AF_INET6 ? "v6" : "v4",
	    s->raw ? "raw" : "datagram");
	return 0;
}

static int
addr_equal(const struct sockaddr_storage *a, const struct sockaddr *b)
{
	if (a->ss_family != b->sa_family)
		return 0;
	if (b->sa_family == AF_INET)
		return memcmp(&((const struct sockaddr_in *)a)->sin_addr,
		    &((const struct sockaddr_in *)(const void *)b)->sin_addr,
		    4) == 0;
	if (b->sa_family == AF_INET6)
		return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		    &((const struct sockaddr_in6 *)(const void *)b)->sin6_addr,
		    16) == 0;
	return 0;
}

static void
addr_string(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *src = sa->sa_family == AF_INET6 ?
	    (const void *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr :
	    (const void *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;

	if (inet_ntop(sa->sa_family, src, buf, (socklen_t)len) == NULL)
		snprintf(buf, len, "?");
}

static void
seq_release(struct icmp_engine *e, struct icmp_probe *p, int attempt)
{
	uint32_t s = p->seq[attempt];

	if (s != UINT32_MAX && e->map[s].probe == p)
		e->map[s].probe = NULL;
	p->seq[attempt] = UINT32_MAX;
}

static int
seq_alloc(struct icmp_engine *e, struct icmp_probe *p, int attempt,
    double now)
{
	uint32_t i, s;

	for (i = 0; i < SEQMAP_SIZE; i++) {
		s = (e->next_seq + i) & 0xffff;
		if (e->map[s].probe == NULL) {
			e->next_seq = (s + 1) & 0xffff;
			e->map[s].probe = p;
			e->map[s].attempt = (uint32_t)attempt;
			e->map[s].sent_ms = now;
			p->seq[attempt] = s;
			return (int)s;
		}
	}
	return -1;
}

static void
icmp_send_one(struct icmp_probe *p)
{
	struct icmp_engine *e = p->eng;
	struct icmp_sock *s = p->addr.ss_family == AF_INET6 ? &e->s6 : &e->s4;
	int attempt = p->sent, seq, i;
	uint8_t *b = e->sendbuf;
	size_t len = 8 + (size_t)p->p.size;
	double now = mono_ms();

	p->sent++;
	seq = seq_alloc(e, p, attempt, now);
	if (seq < 0) {
		p->state[attempt] = ATT_UNSENT;
		p->send_errno = ENOBUFS;
		e->st.send_failed++;
		return;
	}
	b[0] = p->addr.ss_family == AF_INET6 ? ICMP6_ECHO_REQUEST : ICMP_ECHO;
	b[1] = 0;
	b[2] = b[3] = 0;
	b[4] = (uint8_t)(e->ident >> 8);
	b[5] = (uint8_t)e->ident;
	b[6] = (uint8_t)(seq >> 8);
	b[7] = (uint8_t)seq;
	for (i = 0; i < p->p.size; i++)
		b[8 + i] = i < COOKIE_LEN ? e->cookie[i] : (uint8_t)i;
	if (p->addr.ss_family == AF_INET) {
		uint16_t ck = icmp_checksum(b, len);

		memcpy(b + 2, &ck, 2);
	}
	p->last_send_ms = now;
	if (e->test_send != NULL) {
		e->test_send(b, len, (struct sockaddr *)&p->addr, e->test_ctx);
		e->st.sent++;
		return;
	}
	if (sendto(s->fd, b, len, 0, (struct sockaddr *)&p->addr,
	    p->addrlen) == -1) {
		p->send_errno = errno;
		p->state[attempt] = ATT_UNSENT;
		seq_release(e, p, attempt);
		e->st.send_failed++;
		return;
	}
	e->st.sent++;
}

static int
icmp_all_answered(const struct icmp_probe *p)
{
	int i;

	if (p->sent < p->p.count)
		return 0;
	for (i = 0; i < p->sent; i++)
		if (p->state[i] == ATT_PENDING)
			return 0;
	return 1;
}

static void
icmp_arm(struct icmp_probe *p)
{
	struct timeval tv;
	double ms;

	if (p->sent < p->p.count)
		ms = p->p.interval_ms;
	else
		ms = p->p.timeout_ms - (mono_ms() - p->last_send_ms);
	if (ms < 0)
		ms = 0;
	tv.tv_sec = (time_t)(ms / 1000);
	tv.tv_usec = (suseconds_t)((ms - (double)tv.tv_sec * 1000) * 1000);
	evtimer_add(p->timer, &tv);
}

static void
icmp_timer_cb_run(evutil_socket_t fd, short ev, void *arg)
{
	struct icmp_probe *p = arg;

	(void)fd;
	(void)ev;
	if (p->sent < p->p.count) {
		icmp_send_one(p);
		if (!icmp_all_answered(p)) {
			icmp_arm(p);
			return;
		}
	}
	icmp_finish(p);
}

static void
icmp_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	lw_enter("the ICMP timer");
	icmp_timer_cb_run(fd, ev, arg);
	lw_leave();
}

static void
icmp_match(struct icmp_engine *e, const struct icmp_msg *m,
    const struct sockaddr *from, int raw, double now)
{
	struct seq_entry *se = &e->map[m->seq];
	struct icmp_probe *p = se->probe;
	int a;

	if (m->kind == ICMP_KIND_OTHER)
		return;
	if (p == NULL || (raw && m->id != e->ident)) {
		e->st.foreign++;
		return;
	}
	a = (int)se->attempt;
	if (m->kind == ICMP_KIND_ECHO_REPLY) {
		if (!addr_equal(&p->addr, from) ||
		    (m->payload_len >= COOKIE_LEN &&
		    memcmp(m->payload, e->cookie, COOKIE_LEN) != 0)) {
			e->st.foreign++;
			return;
		}
		p->state[a] = ATT_REPLIED;
		p->rtt[a] = now - se->sent_ms;
		p->replied++;
		e->st.received++;
	} else {
		if (!addr_equal(&p->addr, (const struct sockaddr *)&m->quoted_dst)) {
			e->st.foreign++;
			return;
		}
		p->state[a] = ATT_ERROR;
		p->errored++;
		p->err_type = m->type;
		p->err_code = m->code;
		addr_string(from, p->err_from, sizeof(p->err_from));
		e->st.errors++;
	}
	seq_release(e, p, a);
	if (icmp_all_answered(p)) {
		evtimer_del(p->timer);
		icmp_finish(p);
	}
}

/* Datagram sockets report ICMP errors on the error queue, not as data. */
static void
icmp_read_errqueue(struct icmp_engine *e, struct icmp_sock *s, int family)
{
	uint8_t data[512], cbuf[512];
	struct sockaddr_storage dst;
	struct iovec iov = { data, sizeof(data) };
	struct msghdr msg;
	struct cmsghdr *c;
	struct sock_extended_err *ee;
	struct icmp_msg m;
	ssize_t n;
	int i;

	for (i = 0; i < RECV_BATCH; i++) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &dst;
		msg.msg_namelen = sizeof(dst);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		n = recvmsg(s->fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT);
		if (n < 8)
			return;
		for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
			if (!((c->cmsg_level == IPPROTO_IP &&
			    c->cmsg_type == IP_RECVERR) ||
			    (c->cmsg_level == IPPROTO_IPV6 &&
			    c->cmsg_type == IPV6_RECVERR)))
				continue;
			ee = (struct sock_extended_err *)(void *)CMSG_DATA(c);
			if (ee->ee_origin != SO_EE_ORIGIN_ICMP &&
			    ee->ee_origin != SO_EE_ORIGIN_ICMP6)
				continue;
			memset(&m, 0, sizeof(m));
			m.kind = ICMP_KIND_ERROR;
			m.type = ee->ee_type;
			m.code = ee->ee_code;
			m.seq = get16(data + 6);
			memcpy(&m.quoted_dst, &dst, sizeof(dst));
			(void)family;
			icmp_match(e, &m, SO_EE_OFFENDER(ee), 0, mono_ms());
		}
	}
}

void
icmp_engine_set_sender(struct icmp_engine *e, icmp_send_fn fn, void *ctx,
    int raw)
{
	e->test_send = fn;
	e->test_ctx = ctx;
	e->s4.raw = e->s6.raw = raw;
}

void
icmp_engine_input(struct icmp_engine *e, int family, const uint8_t *buf,
    size_t len, const struct sockaddr *from)
{
	struct icmp_sock *s = family == AF_INET6 ? &e->s6 : &e->s4;
	struct icmp_msg m;
	int rc;

	if (family == AF_INET6)
		rc = icmp_parse6(buf, len, &m);
	else
		rc = icmp_parse4(buf, len, s->raw, &m);
	if (rc == -1) {
		e->st.malformed++;
		return;
	}
	icmp_match(e, &m, from, s->raw, mono_ms());
}

static void
icmp_read_cb_run(evutil_socket_t fd, short ev, void *arg)
{
	struct icmp_engine *e = arg;
	struct icmp_sock *s = fd == e->s6.fd ? &e->s6 : &e->s4;
	int family = s == &e->s6 ? AF_INET6 : AF_INET;
	struct sockaddr_storage from;
	socklen_t fl;
	ssize_t n;
	int i;

	(void)ev;
	for (i = 0; i < RECV_BATCH; i++) {
		fl = sizeof(from);
		n = recvfrom(fd, e->recvbuf, 65536, MSG_DONTWAIT,
		    (struct sockaddr *)&from, &fl);
		if (n == -1)
			break;
		icmp_engine_input(e, family, e->recvbuf, (size_t)n,
		    (struct sockaddr *)&from);
	}
	if (!s->raw)
		icmp_read_errqueue(e, s, family);
}

static void
icmp_read_cb(evutil_socket_t fd, short ev, void *arg)
{
	lw_enter("an ICMP reply");
	icmp_read_cb_run(fd, ev, arg);
	lw_leave();
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
icmp_stats_fill(struct icmp_probe *p)
{
	struct probe_result *r = &p->res;
	double *v = xcalloc((size_t)p->p.count, sizeof(double));
	double sum = 0, sq = 0, jit = 0, prev = -1, med, mean, sd;
	int i, n = 0, njit = 0;

	for (i = 0; i < p->sent; i++) {
		if (p->state[i] != ATT_REPLIED)
			continue;
		v[n++] = p->rtt[i];
		sum += p->rtt[i];
		if (prev >= 0) {
			jit += fabs(p->rtt[i] - prev);
			njit++;
		}
		prev = p->rtt[i];
	}
	probe_result_add(r, "sent", "", p->sent);
	probe_result_add(r, "received", "", n);
	probe_result_add(r, "loss_pct", "%",
	    p->sent ? 100.0 * (p->sent - n) / p->sent : 100.0);
	if (n > 0) {
		qsort(v, (size_t)n, sizeof(double), cmp_double);
		mean = sum / n;
		for (i = 0; i < n; i++)
			sq += (v[i] - mean) * (v[i] - mean);
		sd = sqrt(sq / n);
		med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
		probe_result_add(r, "rtt_min", "ms", v[0]);
		probe_result_add(r, "rtt_avg", "ms", mean);
		probe_result_add(r, "rtt_median", "ms", med);
		probe_result_add(r, "rtt_max", "ms", v[n - 1]);
		probe_result_add(r, "rtt_stddev", "ms", sd);
		probe_result_add(r, "jitter", "ms", njit ? jit / njit : 0);
	}
	free(v);
}

static const char *
icmp_error_text(int family, int type, int code)
{
	if (family == AF_INET6) {
		if (type == ICMP6_TIME_EXCEEDED)
			return "time exceeded";
		if (type == ICMP6_DST_UNREACH && code == ICMP6_DST_UNREACH_ADMIN)
			return "administratively prohibited";
		if (type == ICMP6_DST_UNREACH && code == ICMP6_DST_UNREACH_NOROUTE)
			return "no route to destination";
		return "destination unreachable";
	}
	if (type == ICMP_TIME_EXCEEDED)
		return "time exceeded";
	if (type != ICMP_DEST_UNREACH)
		return "ICMP error";
	switch (code) {
	case ICMP_NET_UNREACH:
		return "network unreachable";
	case ICMP_HOST_UNREACH:
		return "host unreachable";
	case ICMP_PKT_FILTERED:
	case ICMP_NET_ANO:
	case ICMP_HOST_ANO:
		return "administratively prohibited";
	default:
		return "destination unreachable";
	}
}

static void
icmp_finish(struct icmp_probe *p)
{
	struct probe_result *r = &p->res;
	int i;

	for (i = 0; i < p->sent; i++)
		seq_release(p->eng, p, i);
	r->elapsed_ms = mono_ms() - p->started_ms;
	icmp_stats_fill(p);
	if (p->replied > 0)
		probe_result_set(r, PROBE_OK, "%d/%d replies", p->replied,
		    p->sent);
	else if (p->errored > 0)
		probe_result_set(r, PROBE_UNREACHABLE, "%s (reported by %s)",
		    icmp_error_text(p->addr.ss_family, p->err_type,
		    p->err_code), p->err_from);
	else if (p->send_errno == EHOSTUNREACH || p->send_errno == ENETUNREACH)
		probe_result_set(r, PROBE_UNREACHABLE, "%s (local route)",
		    strerror(p->send_errno));
	else if (p->send_errno != 0)
		probe_result_set(r, PROBE_ERROR, "send: %s",
		    strerror(p->send_errno));
	else
		probe_result_set(r, PROBE_TIMEOUT, "no reply to %d request%s "
		    "within %.0f ms", p->sent, p->sent == 1 ? "" : "s",
		    p->p.timeout_ms);
	p->cb(r, p->arg);
	icmp_probe_cancel(p);
}

struct icmp_probe *
icmp_probe_start(struct icmp_engine *e, const char *target,
    const struct sockaddr *addr, socklen_t addrlen,
    const struct icmp_params *params, probe_done_cb cb, void *arg)
{
	struct icmp_probe *p = xcalloc(1, sizeof(*p));
	int i, n = params->count;

	p->eng = e;
	p->p = *params;
	p->cb = cb;
	p->arg = arg;
	p->started_ms = mono_ms();
	probe_result_init(&p->res, target);
	if (addrlen > sizeof(p->addr))
		addrlen = sizeof(p->addr);
	memcpy(&p->addr, addr, addrlen);
	p->addrlen = addrlen;
	addr_string(addr, p->res.address, sizeof(p->res.address));
	if (n < 1)
		n = p->p.count = 1;
	p->state = xcalloc((size_t)n, 1);
	p->seq = xcalloc((size_t)n, sizeof(uint32_t));
	p->rtt = xcalloc((size_t)n, sizeof(double));
	for (i = 0; i < n; i++)
		p->seq[i] = UINT32_MAX;
	p->timer = evtimer_new(e->base, icmp_timer_cb, p);
	if ((addr->sa_family != AF_INET && addr->sa_family != AF_INET6) ||
	    icmp_sock_open(e, addr->sa_family) == -1) {
		/* Complete from the loop, never from inside the caller. */
		p->send_errno = addr->sa_family == AF_INET ||
		    addr->sa_family == AF_INET6 ? errno : EAFNOSUPPORT;
		p->p.count = 0;		/* nothing to send: finish at once */
	}
	event_active(p->timer, EV_TIMEOUT, 0);
	return p;
}

void
icmp_probe_cancel(struct icmp_probe *p)
{
	int i;

	if (p == NULL)
		return;
	for (i = 0; i < p->sent; i++)
		seq_release(p->eng, p, i);
	event_free(p->timer);
	free(p->state);
	free(p->seq);
	free(p->rtt);
	free(p);
}
