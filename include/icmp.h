/*
 * ICMP echo probes (IPv4 and IPv6).  One engine per event base owns one
 * socket per address family (raw where allowed, otherwise the unprivileged
 * ICMP datagram socket) and serves every target in flight; replies and
 * ICMP errors are matched back to (probe, attempt) through a sequence map.
 */
#ifndef NOCWATCH_ICMP_H
#define NOCWATCH_ICMP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "probe.h"

struct event_base;
struct icmp_engine;
struct icmp_probe;

#define ICMP_MAX_COUNT		10000
#define ICMP_MAX_SIZE		65000

struct icmp_params {
	int	count;		/* echo requests to send, 1..ICMP_MAX_COUNT */
	double	interval_ms;	/* between two requests to this target */
	double	timeout_ms;	/* wait for a reply after the last request */
	int	size;		/* payload bytes after the 8-byte header */
};

struct icmp_stats {
	uint64_t	sent;
	uint64_t	received;
	uint64_t	errors;		/* ICMP errors matched to a probe */
	uint64_t	malformed;	/* truncated or bad checksum: dropped */
	uint64_t	foreign;	/* not ours, late, duplicate or spoofed */
	uint64_t	send_failed;
};

/* Create an engine on base; sockets open on first use.  Never NULL. */
struct icmp_engine *icmp_engine_new(struct event_base *);
/* Close sockets; every probe still running must be cancelled first. */
void	icmp_engine_free(struct icmp_engine *);
void	icmp_engine_stats(const struct icmp_engine *, struct icmp_stats *);
/* "raw" or "dgram" for the family's socket once opened, else "none". */
const char *icmp_engine_mode(const struct icmp_engine *, int family);

/*
 * Start a burst to addr.  Values reported: sent, received, loss_pct,
 * rtt_min, rtt_avg, rtt_median, rtt_max, rtt_stddev, jitter (ms).  On a
 * local failure the probe still completes (outcome error) through cb.
 */
struct icmp_probe *icmp_probe_start(struct icmp_engine *, const char *target,
	    const struct sockaddr *addr, socklen_t addrlen,
	    const struct icmp_params *, probe_done_cb cb, void *arg);
/* Stop a running probe; its callback will not be called. */
void	icmp_probe_cancel(struct icmp_probe *);

/*
 * For tests: send through fn instead of a socket (none is opened), as a
 * raw (id-checked) or datagram socket would; feed replies with
 * icmp_engine_input.
 */
typedef void (*icmp_send_fn)(const uint8_t *pkt, size_t len,
	    const struct sockaddr *to, void *ctx);
void	icmp_engine_set_sender(struct icmp_engine *, icmp_send_fn, void *ctx,
	    int raw);
/* Handle one received packet as if read from the family's socket. */
void	icmp_engine_input(struct icmp_engine *, int family, const uint8_t *buf,
	    size_t len, const struct sockaddr *from);

/* Parsed form of one received ICMP message (exposed for tests and fuzzing). */
enum icmp_kind {
	ICMP_KIND_OTHER = 0,	/* not for us: echo request, redirect, ... */
	ICMP_KIND_ECHO_REPLY,
	ICMP_KIND_ERROR,	/* unreachable / time exceeded quoting an echo */
};

struct icmp_msg {
	enum icmp_kind		 kind;
	int			 type, code;
	uint16_t		 id, seq;	/* of the reply, or quoted echo */
	struct sockaddr_storage	 quoted_dst;	/* errors: original target */
	const uint8_t		*payload;	/* echo reply data */
	size_t			 payload_len;
};

/*
 * Parse an IPv4 message; has_iphdr says whether buf starts with the IP
 * header (raw sockets) or with the ICMP header (datagram sockets).  Returns
 * 0, or -1 when the message is malformed.  Never reads past len.
 */
int	icmp_parse4(const uint8_t *buf, size_t len, int has_iphdr,
	    struct icmp_msg *);
/* Parse an ICMPv6 message (no IPv6 header).  0, or -1 if malformed. */
int	icmp_parse6(const uint8_t *buf, size_t len, struct icmp_msg *);
/* The Internet checksum of buf. */
uint16_t icmp_checksum(const void *buf, size_t len);

#endif
