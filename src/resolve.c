#include <sys/socket.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include <event2/dns.h>
#include <event2/util.h>

#include "resolve.h"
#include "xmalloc.h"

struct resolve_req {
	resolve_cb	 cb;
	void		*arg;
	int		 family;
};

static void
resolve_done(int err, struct evutil_addrinfo *ai, void *arg)
{
	struct resolve_req *rq = arg;
	struct evutil_addrinfo *a, *pick = NULL;

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

void
resolve_start(struct evdns_base *dns, const char *host, int family,
    resolve_cb cb, void *arg)
{
	struct evutil_addrinfo hints;
	struct resolve_req *rq = xcalloc(1, sizeof(*rq));

	rq->cb = cb;
	rq->arg = arg;
	rq->family = family;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_protocol = IPPROTO_TCP;
	(void)evdns_getaddrinfo(dns, host, NULL, &hints, resolve_done, rq);
}
