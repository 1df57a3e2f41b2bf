/* The ICMP reply parser against crafted packets. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "icmp.h"
#include "unit.h"

static size_t
ip4(uint8_t *b, int optwords, const char *src, const char *dst, size_t payload)
{
	size_t hl = 20 + 4 * (size_t)optwords;

	memset(b, 0, hl);
	b[0] = (uint8_t)(0x40 | (hl / 4));
	b[2] = (uint8_t)((hl + payload) >> 8);
	b[3] = (uint8_t)(hl + payload);
	b[8] = 64;
	b[9] = IPPROTO_ICMP;
	inet_pton(AF_INET, src, b + 12);
	inet_pton(AF_INET, dst, b + 16);
	if (optwords > 0)
		memset(b + 20, 1, 4 * (size_t)optwords);	/* NOP options */
	return hl;
}

static void
icmp_hdr(uint8_t *b, int type, int code, uint16_t id, uint16_t seq,
    size_t len)
{
	uint16_t ck;

	b[0] = (uint8_t)type;
	b[1] = (uint8_t)code;
	b[2] = b[3] = 0;
	b[4] = (uint8_t)(id >> 8);
	b[5] = (uint8_t)id;
	b[6] = (uint8_t)(seq >> 8);
	b[7] = (uint8_t)seq;
	ck = icmp_checksum(b, len);
	memcpy(b + 2, &ck, 2);
}

static void
test_echo_reply(void)
{
	uint8_t b[128];
	struct icmp_msg m;
	size_t hl = ip4(b, 0, "203.0.113.2", "198.51.100.1", 8 + 16);

	memset(b + hl + 8, 0xab, 16);
	icmp_hdr(b + hl, 0, 0, 0x1234, 77, 8 + 16);
	CHECK(icmp_parse4(b, hl + 24, 1, &m) == 0, "echo reply parses");
	CHECK(m.kind == ICMP_KIND_ECHO_REPLY, "echo reply kind");
	CHECK(m.id == 0x1234 && m.seq == 77, "echo reply id and seq");
	CHECK(m.payload_len == 16 && m.payload[0] == 0xab, "echo payload");
	/* The datagram-socket form has no IP header. */
	CHECK(icmp_parse4(b + hl, 24, 0, &m) == 0 && m.seq == 77,
	    "echo reply without IP header");
	b[hl + 10] ^= 0xff;	/* corrupt the payload: checksum now wrong */
	CHECK(icmp_parse4(b, hl + 24, 1, &m) == -1, "bad checksum is malformed");
}

static void
test_truncated(void)
{
	uint8_t b[128];
	struct icmp_msg m;
	size_t hl = ip4(b, 0, "203.0.113.2", "198.51.100.1", 8);
	size_t n;
	int bad = 0;

	icmp_hdr(b + hl, 0, 0, 1, 2, 8);
	for (n = 0; n < hl + 8; n++)
		if (icmp_parse4(b, n, 1, &m) != -1)
			bad++;
	CHECK(bad == 0, "every truncation of an echo reply is malformed");
	b[0] = 0x4f;		/* IHL 60 bytes, longer than the packet */
	CHECK(icmp_parse4(b, hl + 8, 1, &m) == -1, "IHL past the end");
	b[0] = 0x44;		/* IHL 16 bytes: below the minimum */
	CHECK(icmp_parse4(b, hl + 8, 1, &m) == -1, "IHL below 20");
	b[0] = 0x65;
	CHECK(icmp_parse4(b, hl + 8, 1, &m) == -1, "not IPv4");
}

static size_t
unreach(uint8_t *b, int qopt, uint16_t id, uint16_t seq, int code)
{
	size_t hl = ip4(b, 0, "198.51.100.2", "198.51.100.1", 0), qhl;
	uint8_t *q = b + hl + 8;

	qhl = ip4(q, qopt, "198.51.100.1", "198.18.7.7", 8 + 56);
	q[qhl] = 8;		/* our echo request */
	q[qhl + 4] = (uint8_t)(id >> 8);
	q[qhl + 5] = (uint8_t)id;
	q[qhl + 6] = (uint8_t)(seq >> 8);
	q[qhl + 7] = (uint8_t)seq;
	icmp_hdr(b + hl, 3, code, 0, 0, 8 + qhl + 8);
	return hl + 8 + qhl + 8;
}

static void
test_errors(void)
{
	uint8_t b[256];
	struct icmp_msg m;
	char a[INET_ADDRSTRLEN];
	size_t n;

	n = unreach(b, 0, 0x4242, 9, 1);
	CHECK(icmp_parse4(b, n, 1, &m) == 0, "host unreachable parses");
	CHECK(m.kind == ICMP_KIND_ERROR && m.type == 3 && m.code == 1,
	    "host unreachable kind, type, code");
	CHECK(m.id == 0x4242 && m.seq == 9, "quoted id and seq");
	inet_ntop(AF_INET, &((struct sockaddr_in *)&m.quoted_dst)->sin_addr,
	    a, sizeof(a));
	CHECK(strcmp(a, "198.18.7.7") == 0, "quoted destination");

	n = unreach(b, 3, 0x4242, 10, 13);	/* quoted header has options */
	CHECK(icmp_parse4(b, n, 1, &m) == 0 && m.seq == 10 && m.code == 13,
	    "quoted IP header with options is skipped by its IHL");
	CHECK(icmp_parse4(b, n - 1, 1, &m) == -1,
	    "quote cut inside the echo header is malformed");

	n = unreach(b, 0, 1, 1, 1);
	b[20 + 8 + 20] = 0;	/* quoted packet was an echo reply, not ours */
	/* Recompute the outer checksum after editing the quote. */
	b[20 + 2] = b[20 + 3] = 0;
	{
		uint16_t ck = icmp_checksum(b + 20, n - 20);
		memcpy(b + 22, &ck, 2);
	}
	CHECK(icmp_parse4(b, n, 1, &m) == 0 && m.kind == ICMP_KIND_OTHER,
	    "error about somebody else's packet is ignored");
}

static void
test_other_types(void)
{
	uint8_t b[64];
	struct icmp_msg m;
	size_t hl = ip4(b, 0, "198.51.100.1", "203.0.113.2", 8);

	icmp_hdr(b + hl, 8, 0, 1, 1, 8);	/* our own echo request */
	CHECK(icmp_parse4(b, hl + 8, 1, &m) == 0 && m.kind == ICMP_KIND_OTHER,
	    "echo request is not a reply");
	b[9] = IPPROTO_UDP;
	CHECK(icmp_parse4(b, hl + 8, 1, &m) == -1, "not ICMP is malformed");
}

static void
test_v6(void)
{
	uint8_t b[128];
	struct icmp_msg m;

	memset(b, 0, sizeof(b));
	b[0] = 129;
	b[4] = 0x12; b[5] = 0x34; b[6] = 0; b[7] = 5;
	CHECK(icmp_parse6(b, 8, &m) == 0 && m.kind == ICMP_KIND_ECHO_REPLY &&
	    m.seq == 5 && m.id == 0x1234, "ICMPv6 echo reply");
	CHECK(icmp_parse6(b, 7, &m) == -1, "ICMPv6 truncated header");
	memset(b, 0, sizeof(b));
	b[0] = 1;			/* destination unreachable */
	b[1] = 3;
	b[8] = 0x60;			/* quoted IPv6 header */
	b[8 + 6] = IPPROTO_ICMPV6;
	b[8 + 24 + 15] = 7;		/* quoted destination ::7 */
	b[8 + 40] = 128;		/* our echo request */
	b[8 + 40 + 7] = 42;
	CHECK(icmp_parse6(b, 8 + 40 + 8, &m) == 0 && m.kind == ICMP_KIND_ERROR &&
	    m.seq == 42, "ICMPv6 unreachable quoting our echo");
	CHECK(icmp_parse6(b, 8 + 40 + 7, &m) == -1,
	    "ICMPv6 unreachable with a short quote");
	b[8] = 0x40;
	CHECK(icmp_parse6(b, 8 + 40 + 8, &m) == -1, "quote that is not IPv6");
}

static void
test_checksum(void)
{
	/* RFC 1071 example bytes. */
	const uint8_t d[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	CHECK(ntohs(icmp_checksum(d, sizeof(d))) == (uint16_t)~0xddf2,
	    "RFC 1071 checksum");
}

int
main(void)
{
	test_echo_reply();
	test_truncated();
	test_errors();
	test_other_types();
	test_v6();
	test_checksum();
	return unit_done();
}
