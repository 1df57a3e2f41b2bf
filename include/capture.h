/*
 * Passive capture (libpcap) on one interface with an optional BPF filter:
 * counts packets, bytes, protocols and top talkers, can write a pcap file,
 * and ends "silent" when nothing matching arrived in its time.  The daemon
 * uses it to watch a link's keepalives (LACP, LLDP, BFD, a heartbeat).
 */
#ifndef NOCWATCH_CAPTURE_H
#define NOCWATCH_CAPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "probe.h"

struct event_base;
struct capture;

enum capture_proto {
	CAP_TCP, CAP_UDP, CAP_ICMP, CAP_ICMP6, CAP_ARP, CAP_LLDP, CAP_LACP,
	CAP_IP_OTHER, CAP_OTHER, CAP_PROTO_MAX
};

struct capture_params {
	const char	*iface;
	const char	*filter;	/* BPF expression or NULL */
	long		 max_packets;	/* stop after this many; 0: no limit */
	double		 duration_ms;	/* stop after this long; 0: no limit */
	const char	*write_file;	/* pcap file to write, or NULL */
	int		 promisc;
};

struct capture_talker {
	char		addr[48];
	uint64_t	packets, bytes;
};

#define CAPTURE_TOP	5

struct capture_summary {
	uint64_t		packets, bytes, malformed, dropped;
	uint64_t		proto[CAP_PROTO_MAX];
	double			elapsed_ms;
	size_t			ntop;
	struct capture_talker	top[CAPTURE_TOP];	/* by bytes */
};

/* What one frame is, as far as the summary cares (exposed for fuzzing). */
struct capture_pkt {
	enum capture_proto	proto;
	char			src[48];	/* network source, or "" */
};

/*
 * Start capturing.  Returns NULL with pcap's own message in err when the
 * interface cannot be opened or the filter does not compile; otherwise the
 * probe completes through cb with values packets, bytes, per-protocol
 * counts, dropped and seconds, and outcome ok or silent.
 */
struct capture *capture_start(struct event_base *, const struct capture_params *,
	    probe_done_cb cb, void *arg, char *err, size_t errlen);
/* Stop now and complete through the callback (e.g. on ^C). */
void	capture_stop(struct capture *);
/* Stop now without calling back; frees the capture. */
void	capture_cancel(struct capture *);
/* The running totals (valid until the callback returns). */
void	capture_get_summary(struct capture *, struct capture_summary *);
/* Classify one frame of the given DLT link type; -1 if malformed. */
int	capture_decode(int linktype, const uint8_t *data, size_t caplen,
	    struct capture_pkt *);
const char *capture_proto_name(enum capture_proto);

#endif
