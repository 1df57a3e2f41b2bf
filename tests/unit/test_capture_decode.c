/* The capture frame decoder on crafted frames, and cert date parsing. */
#include <pcap/pcap.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "http.h"
#include "unit.h"

static size_t
eth(uint8_t *f, uint16_t et)
{
	memset(f, 0, 14);
	f[12] = (uint8_t)(et >> 8);
	f[13] = (uint8_t)et;
	return 14;
}

static void
test_frames(void)
{
	uint8_t f[128];
	struct capture_pkt pk;
	size_t o, n;
	int bad = 0;

	o = eth(f, 0x0800);
	memset(f + o, 0, 20);
	f[o] = 0x45;
	f[o + 9] = 1;
	f[o + 12] = 198; f[o + 13] = 51; f[o + 14] = 100; f[o + 15] = 7;
	CHECK(capture_decode(DLT_EN10MB, f, o + 28, &pk) == 0 &&
	    pk.proto == CAP_ICMP && strcmp(pk.src, "198.51.100.7") == 0,
	    "ethernet IPv4 ICMP with its source");
	for (n = 0; n < o + 20; n++)
		if (capture_decode(DLT_EN10MB, f, n, &pk) != -1)
			bad++;
	CHECK(bad == 0, "every truncation of the IPv4 frame is malformed");

	o = eth(f, 0x8100);		/* a VLAN tag, then IPv4 UDP */
	f[o + 2] = 0x08; f[o + 3] = 0x00;
	memset(f + o + 4, 0, 20);
	f[o + 4] = 0x45;
	f[o + 4 + 9] = 17;
	CHECK(capture_decode(DLT_EN10MB, f, o + 24, &pk) == 0 &&
	    pk.proto == CAP_UDP, "802.1Q tagged UDP");
	CHECK(capture_decode(DLT_EN10MB, f, o + 3, &pk) == -1, "cut VLAN tag");

	o = eth(f, 0x8809);
	f[o] = 1;
	CHECK(capture_decode(DLT_EN10MB, f, o + 1, &pk) == 0 &&
	    pk.proto == CAP_LACP, "LACP");
	eth(f, 0x88cc);
	CHECK(capture_decode(DLT_EN10MB, f, 14, &pk) == 0 &&
	    pk.proto == CAP_LLDP, "LLDP");
	eth(f, 0x0806);
	CHECK(capture_decode(DLT_EN10MB, f, 14, &pk) == 0 &&
	    pk.proto == CAP_ARP && pk.src[0] == '\0', "short ARP counted, no source");
	o = eth(f, 0x86dd);
	memset(f + o, 0, 40);
	f[o] = 0x60;
	f[o + 6] = 58;
	CHECK(capture_decode(DLT_EN10MB, f, o + 40, &pk) == 0 &&
	    pk.proto == CAP_ICMP6, "IPv6 ICMPv6");
	CHECK(capture_decode(DLT_EN10MB, f, o + 39, &pk) == -1, "short IPv6");
	f[o] = 0x45;		/* IHL 20 but the frame is IPv4 in an IPv6 type */
	f[o] = 0x4f;
	CHECK(capture_decode(DLT_RAW, f + o, 30, &pk) == -1, "IHL past the end");
	CHECK(capture_decode(DLT_LINUX_SLL, f, 10, &pk) == -1, "short SLL");
	CHECK(capture_decode(12345, f, 10, &pk) == 0 && pk.proto == CAP_OTHER,
	    "unknown link type is other");
}

static void
test_cert_days(void)
{
	double d;
	time_t now = 1700000000;	/* 2023-11-14T22:13:20Z */

	CHECK(http_cert_days("Nov 24 22:13:20 2023 GMT", now, &d) == 0 &&
	    d > 9.99 && d < 10.01, "ten days left");
	CHECK(http_cert_days("Nov  4 22:13:20 2023 GMT", now, &d) == 0 &&
	    d < -9.99 && d > -10.01, "expired ten days ago");
	CHECK(http_cert_days("garbage", now, &d) == -1, "bad date");
}

int
main(void)
{
	test_frames();
	test_cert_days();
	return unit_done();
}
