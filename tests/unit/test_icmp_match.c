/*
 * The ICMP engine's matching of replies to probes, with crafted packets fed
 * in place of a socket: wrong source, wrong id, truncated, duplicate, and an
 * ICMP error naming the router.  No packet is sent anywhere.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include <event2/event.h>

#include "icmp.h"
#include "unit.h"

struct sent {
	uint8_t		pkt[128];
	size_t		len;
	int		n;
};

struct done {
	int			called;
	struct probe_result	r;
};

static void
on_send(const uint8_t *pkt, size_t len, const struct sockaddr *to, void *ctx)
{
	struct sent *s = ctx;

	(void)to;
	memcpy(s->pkt, pkt, len < sizeof(s->pkt) ? len : sizeof(s->pkt));
	s->len = len;
	s->n++;
}

static void
on_done(const struct probe_result *r, void *arg)
{
	struct done *d = arg;

	d->called++;
	d->r = *r;
}

static struct sockaddr_in
sin4(const char *a)
{
	struct sockaddr_in s;

	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	inet_pton(AF_INET, a, &s.sin_addr);
	return s;
}

/* An IPv4 packet carrying the ICMP message m (len bytes) from src. */
static size_t
wrap(uint8_t *out, const uint8_t *m, size_t len, const char *src)
{
	memset(out, 0, 20);
	out[0] = 0x45;
	out[9] = IPPROTO_ICMP;
	inet_pton(AF_INET, src, out + 12);
	memcpy(out + 20, m, len);
	return 20 + len;
}

static void
make_reply(uint8_t *m, const struct sent *s, uint16_t id_xor)
{
	uint16_t ck;

	memcpy(m, s->pkt, s->len);
	m[0] = 0;
	m[4] ^= (uint8_t)(id_xor >> 8);
	m[2] = m[3] = 0;
	ck = icmp_checksum(m, s->len);
	memcpy(m + 2, &ck, 2);
}

static const struct icmp_params params = { 1, 10, 300, 16 };

static void
test_matching(void)
{
	struct event_base *base = event_base_new();
	struct icmp_engine *e = icmp_engine_new(base);
	struct sent s = { .n = 0 };
	struct done d = { 0 };
	struct sockaddr_in to = sin4("203.0.113.9"), from;
	struct icmp_stats st;
	uint8_t m[128], pkt[256];
	size_t n;

	icmp_engine_set_sender(e, on_send, &s, 1);
	icmp_probe_start(e, "t", (struct sockaddr *)&to, sizeof(to), &params,
	    on_done, &d);
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	CHECK(s.n == 1 && s.len == 8 + 16 && s.pkt[0] == 8, "one echo request sent");

	make_reply(m, &s, 0);
	from = sin4("203.0.113.10");
	n = wrap(pkt, m, s.len, "203.0.113.10");
	icmp_engine_input(e, AF_INET, pkt, n, (struct sockaddr *)&from);
	CHECK(d.called == 0, "reply from the wrong source is not taken");

	make_reply(m, &s, 0x0100);
	from = sin4("203.0.113.9");
	n = wrap(pkt, m, s.len, "203.0.113.9");
	icmp_engine_input(e, AF_INET, pkt, n, (struct sockaddr *)&from);
	CHECK(d.called == 0, "reply with the wrong identifier is not taken");

	make_reply(m, &s, 0);
	n = wrap(pkt, m, s.len, "203.0.113.9");
	icmp_engine_input(e, AF_INET, pkt, 27, (struct sockaddr *)&from);
	CHECK(d.called == 0, "truncated reply is not taken");

	icmp_engine_input(e, AF_INET, pkt, n, (struct sockaddr *)&from);
	CHECK(d.called == 1 && d.r.outcome == PROBE_OK, "the right reply completes the probe");
	CHECK(probe_result_get(&d.r, "received")->value == 1, "received counted");
	CHECK(probe_result_get(&d.r, "rtt_min") != NULL, "rtt measured");

	icmp_engine_input(e, AF_INET, pkt, n, (struct sockaddr *)&from);
	icmp_engine_stats(e, &st);
	CHECK(d.called == 1, "a duplicate after completion changes nothing");
	CHECK(st.foreign == 3 && st.malformed == 1 && st.received == 1,
	    "foreign and malformed counted");
	icmp_engine_free(e);
	event_base_free(base);
}

static void
test_error_and_timeout(void)
{
	struct event_base *base = event_base_new();
	struct icmp_engine *e = icmp_engine_new(base);
	struct sent s = { .n = 0 };
	struct done d1 = { 0 }, d2 = { 0 };
	struct sockaddr_in a = sin4("198.18.7.7"), b = sin4("198.18.7.8");
	struct sockaddr_in router = sin4("198.51.100.2");
	uint8_t m[256], pkt[300];
	size_t qlen;
	uint16_t ck;

	icmp_engine_set_sender(e, on_send, &s, 1);
	icmp_probe_start(e, "a", (struct sockaddr *)&a, sizeof(a), &params,
	    on_done, &d1);
	event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	/* Host unreachable from the router, quoting the request to a. */
	memset(m, 0, sizeof(m));
	m[0] = 3;
	m[1] = 1;
	m[8] = 0x45;
	m[8 + 9] = IPPROTO_ICMP;
	memcpy(m + 8 + 16, &a.sin_addr, 4);
	memcpy(m + 8 + 20, s.pkt, 8);
	qlen = 8 + 20 + 8;
	ck = icmp_checksum(m, qlen);
	memcpy(m + 2, &ck, 2);
	icmp_probe_start(e, "b", (struct sockaddr *)&b, sizeof(b), &params,
	    on_done, &d2);
	icmp_engine_input(e, AF_INET, pkt, wrap(pkt, m, qlen, "198.51.100.2"),
	    (struct sockaddr *)&router);
	CHECK(d1.called == 1 && d1.r.outcome == PROBE_UNREACHABLE,
	    "ICMP host unreachable gives unreachable");
	CHECK(strstr(d1.r.detail, "reported by 198.51.100.2") != NULL,
	    "unreachable names the router");
	event_base_dispatch(base);	/* b gets no answer: times out */
	CHECK(d2.called == 1 && d2.r.outcome == PROBE_TIMEOUT, "no reply gives timeout");
	CHECK(probe_result_get(&d2.r, "loss_pct")->value == 100, "timeout is 100% loss");
	icmp_engine_free(e);
	event_base_free(base);
}

int
main(void)
{
	test_matching();
	test_error_and_timeout();
	return unit_done();
}
