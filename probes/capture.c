/*
 * Passive capture: pcap in non-blocking immediate mode, its selectable fd
 * watched by the loop; each frame is classified by a bounded decoder and
 * counted, and optionally written to a pcap file.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <pcap/pcap.h>

#include "clock.h"
#include "capture.h"
#include "xmalloc.h"

#define TALKER_SLOTS	4096

struct capture {
	struct event_base	*base;
	struct capture_params	 p;
	probe_done_cb		 cb;
	void			*arg;
	pcap_t			*pcap;
	pcap_dumper_t		*dump;
	int			 linktype;
	struct event		*rd, *deadline;
	double			 started_ms;
	int			 done;
	struct capture_summary	 sum;
	struct capture_talker	*talkers;	/* open addressing by addr */
	size_t			 ntalkers;
	struct probe_result	 res;
};

static const char *const proto_names[CAP_PROTO_MAX] = {
	"tcp", "udp", "icmp", "icmp6", "arp", "lldp", "lacp", "ip-other",
	"other"
};

const char *
capture_proto_name(enum capture_proto p)
{
	return (unsigned)p < CAP_PROTO_MAX ? proto_names[p] : "?";
}

static uint16_t
be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int
decode_ip(const uint8_t *d, size_t len, struct capture_pkt *pk)
{
	size_t hl;
	int proto;

	if (len < 1)
		return -1;
	if ((d[0] >> 4) == 4) {
		if (len < 20 || (hl = (size_t)(d[0] & 0x0f) * 4) < 20 ||
		    hl > len)
			return -1;
		inet_ntop(AF_INET, d + 12, pk->src, sizeof(pk->src));
		proto = d[9];
	} else if ((d[0] >> 4) == 6) {
		if (len < 40)
			return -1;
		inet_ntop(AF_INET6, d + 8, pk->src, sizeof(pk->src));
		proto = d[6];
	} else
		return -1;
	switch (proto) {
	case IPPROTO_TCP: pk->proto = CAP_TCP; break;
	case IPPROTO_UDP: pk->proto = CAP_UDP; break;
	case IPPROTO_ICMP: pk->proto = CAP_ICMP; break;
	case IPPROTO_ICMPV6: pk->proto = CAP_ICMP6; break;
	default: pk->proto = CAP_IP_OTHER; break;
	}
	return 0;
}

static int
decode_ethertype(uint16_t et, const uint8_t *d, size_t len,
    struct capture_pkt *pk)
{
	switch (et) {
	case 0x0800:
	case 0x86dd:
		return decode_ip(d, len, pk);
	case 0x0806:
		pk->proto = CAP_ARP;
		if (len >= 28 && be16(d + 2) == 0x0800 && d[5] == 4)
			inet_ntop(AF_INET, d + 14, pk->src, sizeof(pk->src));
		return 0;
	case 0x88cc:
		pk->proto = CAP_LLDP;
		return 0;
	case 0x8809:
		pk->proto = len >= 1 && d[0] == 1 ? CAP_LACP : CAP_OTHER;
		return 0;
	default:
		pk->proto = CAP_OTHER;
		return 0;
	}
}

int
capture_decode(int linktype, const uint8_t *d, size_t len,
    struct capture_pkt *pk)
{
	uint16_t et;
	size_t off;
	int vlans = 0;

	memset(pk, 0, sizeof(*pk));
	pk->proto = CAP_OTHER;
	switch (linktype) {
	case DLT_EN10MB:
		if (len < 14)
			return -1;
		et = be16(d + 12);
		off = 14;
		while ((et == 0x8100 || et == 0x88a8) && vlans++ < 2) {
			if (len < off + 4)
				return -1;
			et = be16(d + off + 2);
			off += 4;
		}
		if (et < 0x0600)	/* 802.3 length field: LLC/STP/... */
			return 0;
		return decode_ethertype(et, d + off, len - off, pk);
	case DLT_LINUX_SLL:
		if (len < 16)
			return -1;
		return decode_ethertype(be16(d + 14), d + 16, len - 16, pk);
	case DLT_LINUX_SLL2:
		if (len < 20)
			return -1;
		return decode_ethertype(be16(d), d + 20, len - 20, pk);
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return decode_ip(d, len, pk);
	default:
		return 0;
	}
}

static void
capture_count_talker(struct capture *c, const char *src, uint32_t bytes)
{
	uint32_t h = 2166136261u;
	const char *s;
	size_t i, slot;

	for (s = src; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	for (i = 0; i < TALKER_SLOTS; i++) {
		slot = (h + i) % TALKER_SLOTS;
		if (c->talkers[slot].addr[0] == '\0') {
			if (c->ntalkers >= TALKER_SLOTS * 3 / 4)
				return;	/* table full enough: stop adding */
			snprintf(c->talkers[slot].addr,
			    sizeof(c->talkers[slot].addr), "%s", src);
			c->ntalkers++;
		} else if (strcmp(c->talkers[slot].addr, src) != 0)
			continue;
		c->talkers[slot].packets++;
		c->talkers[slot].bytes += bytes;
		return;
	}
}

static void
capture_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct capture *c = (struct capture *)user;
	struct capture_pkt pk;

	if (c->done)
		return;
	if (c->dump != NULL)
		pcap_dump((u_char *)c->dump, h, data);
	c->sum.packets++;
	c->sum.bytes += h->len;
	if (capture_decode(c->linktype, data, h->caplen, &pk) == -1) {
		c->sum.malformed++;
		return;
	}
	c->sum.proto[pk.proto]++;
	if (pk.src[0] != '\0')
		capture_count_talker(c, pk.src, h->len);
	if (c->p.max_packets > 0 && c->sum.packets >= (uint64_t)c->p.max_packets)
		capture_stop(c);
}

static int
cmp_talker(const void *a, const void *b)
{
	const struct capture_talker *x = a, *y = b;

	return x->bytes < y->bytes ? 1 : x->bytes > y->bytes ? -1 : 0;
}

void
capture_get_summary(struct capture *c, struct capture_summary *s)
{
	struct capture_talker *tmp;
	struct pcap_stat ps;
	size_t i, n = 0;

	c->sum.elapsed_ms = mono_ms() - c->started_ms;
	if (pcap_stats(c->pcap, &ps) == 0)
		c->sum.dropped = ps.ps_drop;
	tmp = xcalloc(c->ntalkers + 1, sizeof(*tmp));
	for (i = 0; i < TALKER_SLOTS && n < c->ntalkers; i++)
		if (c->talkers[i].addr[0] != '\0')
			tmp[n++] = c->talkers[i];
	qsort(tmp, n, sizeof(*tmp), cmp_talker);
	c->sum.ntop = n < CAPTURE_TOP ? n : CAPTURE_TOP;
	memcpy(c->sum.top, tmp, c->sum.ntop * sizeof(*tmp));
	free(tmp);
	*s = c->sum;
}

static void
capture_free(struct capture *c)
{
	if (c->rd != NULL)
		event_free(c->rd);
	if (c->deadline != NULL)
		event_free(c->deadline);
	if (c->dump != NULL)
		pcap_dump_close(c->dump);
	pcap_close(c->pcap);
	free(c->talkers);
	free(c);
}

static void
capture_finish_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct capture *c = arg;
	struct probe_result *r = &c->res;
	struct capture_summary s;
	int i;

	(void)fd;
	(void)ev;
	/* Take what the kernel still holds before counting. */
	c->done = 0;
	pcap_dispatch(c->pcap, -1, capture_packet, (u_char *)c);
	c->done = 1;
	capture_get_summary(c, &s);
	r->elapsed_ms = s.elapsed_ms;
	probe_result_add(r, "packets", "", (double)s.packets);
	probe_result_add(r, "bytes", "B", (double)s.bytes);
	for (i = 0; i < CAP_PROTO_MAX; i++)
		probe_result_add(r, proto_names[i], "", (double)s.proto[i]);
	probe_result_add(r, "malformed", "", (double)s.malformed);
	probe_result_add(r, "dropped", "", (double)s.dropped);
	probe_result_add(r, "seconds", "s", s.elapsed_ms / 1000);
	if (s.packets == 0)
		probe_result_set(r, PROBE_SILENT, "no matching packet in %.1f s",
		    s.elapsed_ms / 1000);
	else
		probe_result_set(r, PROBE_OK, "%llu packets",
		    (unsigned long long)s.packets);
	c->cb(r, c->arg);
	capture_free(c);
}

void
capture_stop(struct capture *c)
{
	if (c->done)
		return;
	c->done = 1;
	/* Finish from the loop: we may be inside pcap_dispatch. */
	event_del(c->rd);
	evtimer_del(c->deadline);
	event_free(c->deadline);
	c->deadline = evtimer_new(c->base, capture_finish_cb, c);
	event_active(c->deadline, EV_TIMEOUT, 0);
}

void
capture_cancel(struct capture *c)
{
	if (c != NULL)
		capture_free(c);
}

static void
capture_read_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct capture *c = arg;

	(void)fd;
	(void)ev;
	pcap_dispatch(c->pcap, 1000, capture_packet, (u_char *)c);
}

static void
capture_deadline_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	capture_stop(arg);
}

static pcap_t *
capture_open(const struct capture_params *p, char *err, size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *pc = pcap_create(p->iface, ebuf);

	if (pc == NULL) {
		snprintf(err, errlen, "%s", ebuf);
		return NULL;
	}
	pcap_set_snaplen(pc, p->write_file ? 262144 : 256);
	pcap_set_promisc(pc, p->promisc);
	pcap_set_immediate_mode(pc, 1);
	pcap_set_timeout(pc, 100);
	if (pcap_activate(pc) < 0) {
		snprintf(err, errlen, "%s: %s", p->iface, pcap_geterr(pc));
		pcap_close(pc);
		return NULL;
	}
	return pc;
}

static int
capture_filter(pcap_t *pc, const char *filter, char *err, size_t errlen)
{
	struct bpf_program prog;

	if (filter == NULL || *filter == '\0')
		return 0;
	if (pcap_compile(pc, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "filter: %s", pcap_geterr(pc));
		return -1;
	}
	if (pcap_setfilter(pc, &prog) == -1) {
		snprintf(err, errlen, "filter: %s", pcap_geterr(pc));
		pcap_freecode(&prog);
		return -1;
	}
	pcap_freecode(&prog);
	return 0;
}

struct capture *
capture_start(struct event_base *base, const struct capture_params *p,
    probe_done_cb cb, void *arg, char *err, size_t errlen)
{
	struct capture *c;
	pcap_t *pc;
	char ebuf[PCAP_ERRBUF_SIZE];
	struct timeval tv;
	int fd;

	if ((pc = capture_open(p, err, errlen)) == NULL)
		return NULL;
	if (capture_filter(pc, p->filter, err, errlen) == -1 ||
	    pcap_setnonblock(pc, 1, ebuf) == -1 ||
	    (fd = pcap_get_selectable_fd(pc)) == -1) {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s: cannot poll", p->iface);
		pcap_close(pc);
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	c->talkers = xcalloc(TALKER_SLOTS, sizeof(*c->talkers));
	c->base = base;
	c->p = *p;
	c->cb = cb;
	c->arg = arg;
	c->pcap = pc;
	c->linktype = pcap_datalink(pc);
	if (p->write_file != NULL &&
	    (c->dump = pcap_dump_open(pc, p->write_file)) == NULL) {
		snprintf(err, errlen, "%s", pcap_geterr(pc));
		pcap_close(pc);
		free(c->talkers);
		free(c);
		return NULL;
	}
	c->started_ms = mono_ms();
	probe_result_init(&c->res, p->iface);
	c->rd = event_new(base, fd, EV_READ | EV_PERSIST, capture_read_cb, c);
	event_add(c->rd, NULL);
	c->deadline = evtimer_new(base, capture_deadline_cb, c);
	if (p->duration_ms > 0) {
		tv.tv_sec = (time_t)(p->duration_ms / 1000);
		tv.tv_usec = (suseconds_t)((p->duration_ms -
		    (double)tv.tv_sec * 1000) * 1000);
		evtimer_add(c->deadline, &tv);
	}
	return c;
}
