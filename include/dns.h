/*
 * DNS probe: one query (A, AAAA or PTR) against one named server, through
 * libevent's evdns.  Reports the response code, the answers and the time.
 */
#ifndef NOCWATCH_DNS_H
#define NOCWATCH_DNS_H

#include "probe.h"

struct event_base;
struct dns_probe;

enum dns_qtype { DNS_QTYPE_A, DNS_QTYPE_AAAA, DNS_QTYPE_PTR };

struct dns_params {
	const char	*server;	/* "ADDR" or "ADDR:PORT"; NULL: resolv.conf */
	enum dns_qtype	 qtype;
	double		 timeout_ms;	/* per attempt */
	int		 attempts;
	const char	*expect;	/* an address the answers must hold */
};

/*
 * Values: time_ms, rcode (0 NOERROR, 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED),
 * answers, ttl.  The detail lists the answers.  name and the params'
 * strings are copied.
 */
struct dns_probe *dns_probe_start(struct event_base *, const char *name,
	    const struct dns_params *, probe_done_cb, void *arg);
/* Stop a running probe; its callback will not be called. */
void	dns_probe_cancel(struct dns_probe *);
/* Parse "A", "AAAA" or "PTR" (any case); -1 if unsupported. */
int	dns_qtype_parse(const char *, enum dns_qtype *);

#endif
