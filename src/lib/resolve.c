#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/util.h>

#include "resolve.h"
#include "xmalloc.h"

struct resolve_req {
	resolve_cb	 cb;		/* NULL once cancelled */
	void		*arg;
	int		 family;
	struct evdns_getaddrinfo_request *req;
};

static void
resolve_done(int err, struct evutil_addrinfo *ai, void *arg)
{
	struct resolve_req *rq = arg;
	struct evutil_addrinfo *a, *pick = NULL;

	if (rq->cb == NULL) {
		if (ai != NULL)
			evutil_freeaddrinfo(ai);
		free(rq);
		return;
	}
	if (err != 0) {
		rq->cb(NULL, 0, err == EVUTIL_EAI_NONAME ||
		    err == EVUTIL_EAI_NODATA ? "unknown host" :
		    evutil_gai_strerror(err), rq->arg);
		free(rq);
		return;
	}
	/* With no family asked for, prefer IPv4 as ping does. */
	for (a = ai; a != NULL; a = a->ai_next)
		if (a->ai_family == AF_INET || pick == NULL)
			if (pick == NULL || pick->ai_family != AF_INET)
				pick = a;
	if (pick == NULL)
		rq->cb(NULL, 0, "no address", rq->arg);
	else
		rq->cb(pick->ai_addr, (socklen_t)pick->ai_addrlen, NULL,
		    rq->arg);
	if (ai != NULL)
		evutil_freeaddrinfo(ai);
	free(rq);
}

struct resolve_req *
resolve_start(struct evdns_base *dns, const char *host, int family,
    resolve_cb cb, void *arg)
{
	struct evutil_addrinfo hints;
	struct evdns_getaddrinfo_request *req;
	struct resolve_req *rq;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;

	/* Numeric addresses need no resolver (and thousands are common). */
	memset(&sin, 0, sizeof(sin));
	if (family != AF_INET6 && inet_pton(AF_INET, host, &sin.sin_addr) == 1) {
		sin.sin_family = AF_INET;
		cb((struct sockaddr *)&sin, sizeof(sin), NULL, arg);
		return NULL;
	}
	memset(&sin6, 0, sizeof(sin6));
	if (family != AF_INET && inet_pton(AF_INET6, host, &sin6.sin6_addr) == 1) {
		sin6.sin6_family = AF_INET6;
		cb((struct sockaddr *)&sin6, sizeof(sin6), NULL, arg);
		return NULL;
	}
	rq = xcalloc(1, sizeof(*rq));

	rq->cb = cb;
	rq->arg = arg;
	rq->family = family;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	/* evdns may answer at once (hosts file): rq is then already freed. */
	req = evdns_getaddrinfo(dns, host, NULL, &hints, resolve_done, rq);
	if (req == NULL)
		return NULL;
	rq->req = req;
	return rq;
}

void
resolve_cancel(struct resolve_req *rq)
{
	if (rq == NULL)
		return;
	rq->cb = NULL;
	/* evdns then calls resolve_done with EVUTIL_EAI_CANCEL, which frees. */
	evdns_getaddrinfo_cancel(rq->req);
}
