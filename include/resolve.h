/*
 * Asynchronous name resolution on the event loop (evdns_getaddrinfo), for
 * probe targets.  Numeric addresses complete at once, before resolve_start
 * returns.
 */
#ifndef NOCWATCH_RESOLVE_H
#define NOCWATCH_RESOLVE_H

#include <sys/socket.h>

struct evdns_base;

/*
 * addr is NULL on failure, with errstr naming why ("unknown host", ...).
 * The address is valid only during the call.
 */
typedef void (*resolve_cb)(const struct sockaddr *addr, socklen_t addrlen,
	    const char *errstr, void *arg);

struct resolve_req;

/*
 * family: AF_UNSPEC (IPv4 preferred), AF_INET or AF_INET6.  Returns a
 * handle while the lookup is under way, NULL when cb was already called.
 */
struct resolve_req *resolve_start(struct evdns_base *, const char *host,
	    int family, resolve_cb cb, void *arg);
/* Forget a lookup under way: cb will not be called. */
void	resolve_cancel(struct resolve_req *);

#endif
