/*
 * TCP connect probe: connect time, and optionally send a string and wait
 * for an expected one (a banner check).  refused, unreachable and timeout
 * are told apart.
 */
#ifndef NOCWATCH_TCP_H
#define NOCWATCH_TCP_H

#include <sys/socket.h>

#include "probe.h"

struct event_base;
struct tcp_probe;

#define TCP_MAX_RESPONSE	8192

struct tcp_params {
	double		 timeout_ms;	/* whole probe, from start */
	const char	*send;		/* may be NULL; not copied */
	size_t		 send_len;
	const char	*expect;	/* substring to wait for, or NULL */
};

/*
 * Values: connect_ms; with send/expect also response_ms and bytes.  The
 * params' strings must outlive the probe.
 */
struct tcp_probe *tcp_probe_start(struct event_base *, const char *target,
	    const struct sockaddr *, socklen_t, const struct tcp_params *,
	    probe_done_cb, void *arg);
/* Stop a running probe; its callback will not be called. */
void	tcp_probe_cancel(struct tcp_probe *);
/* The outcome a connect() errno maps to (refused, unreachable, ...). */
enum probe_outcome tcp_errno_outcome(int err);

#endif
