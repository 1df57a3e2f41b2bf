/*
 * DNS probe on evdns.  Each probe has its own evdns base naming only the
 * server under test, so the system's resolver never answers for it.  The
 * evdns callback only records; the report and the teardown run from a
 * zero-delay event, since an evdns base is not freed from its own callback.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/dns.h>
#include <event2/event.h>

#include "clock.h"
#include "dns.h"
#include "loopwatch.h"
#include "xmalloc.h"

struct dns_probe {
	struct event_base	*base;
	struct evdns_base	*dns;
	struct evdns_request	*req;
	struct event		*done_ev;
	struct dns_params	 p;
	char			*expect;
	probe_done_cb		 cb;
	void			*arg;
	double			 started_ms;
	int			 result;	/* DNS_ERR_* */
	int			 found;		/* expect matched */
	int			 count;
	int			 ttl;
	double			 answered_ms;
	char			 answers[256];
	struct probe_result	 res;
};

int
dns_qtype_parse(const char *s, enum dns_qtype *t)
{
	if (strcasecmp(s, "A") == 0)
		*t = DNS_QTYPE_A;
	else if (strcasecmp(s, "AAAA") == 0)
		*t = DNS_QTYPE_AAAA;
	else if (strcasecmp(s, "PTR") == 0)
		*t = DNS_QTYPE_PTR;
	else
		return -1;
	return 0;
}

static void
dns_add_answer(struct dns_probe *d, const char *a)
{
	size_t n = strlen(d->answers);

	if (d->expect != NULL && strcmp(a, d->expect) == 0)
		d->found = 1;
	snprintf(d->answers + n, sizeof(d->answers) - n, "%s%s",
	    n ? " " : "", a);
}

static void
dns_answer_cb(int result, char type, int count, int ttl, void *addrs,
    void *arg)
{
	struct dns_probe *d = arg;
	char buf[INET6_ADDRSTRLEN], name[256];
	int i;

	d->req = NULL;
	d->answered_ms = mono_ms();
	d->result = result;
	d->ttl = ttl;
	if (result == DNS_ERR_NONE && count > 0 && addrs != NULL) {
		d->count = count;
		for (i = 0; i < count && i < 32; i++) {
			if (type == DNS_IPv4_A)
				inet_ntop(AF_INET, (char *)addrs + 4 * i, buf,
				    sizeof(buf));
			else if (type == DNS_IPv6_AAAA)
				inet_ntop(AF_INET6, (char *)addrs + 16 * i,
				    buf, sizeof(buf));
			else if (type == DNS_PTR && i == 0) {
				/* Names from the wire: keep them printable. */
				snprintf(name, sizeof(name), "%s",
				    *(char **)addrs);
				for (char *c = name; *c; c++)
					if (*c < 0x21 || *c > 0x7e)
						*c = '?';
				snprintf(buf, sizeof(buf), "%.45s", name);
			} else
				continue;
			dns_add_answer(d, buf);
		}
	}
	event_active(d->done_ev, EV_TIMEOUT, 0);
}

static const char *
dns_rcode_name(int rcode)
{
	switch (rcode) {
	case 0: return "NOERROR";
	case 1: return "FORMERR";
	case 2: return "SERVFAIL";
	case 3: return "NXDOMAIN";
	case 4: return "NOTIMP";
	case 5: return "REFUSED";
	default: return "?";
	}
}

static void
dns_done_cb_run(evutil_socket_t fd, short ev, void *arg)
{
	struct dns_probe *d = arg;
	struct probe_result *r = &d->res;
	int rc = d->result;

	(void)fd;
	(void)ev;
	r->elapsed_ms = mono_ms() - d->started_ms;
	if (rc == DNS_ERR_TIMEOUT) {
		probe_result_set(r, PROBE_TIMEOUT, "no answer from %s in %d "
		    "attempt%s of %.0f ms", d->p.server ? d->p.server :
		    "the resolver", d->p.attempts, d->p.attempts > 1 ? "s" : "",
		    d->p.timeout_ms);
		goto out;
	}
	if (rc == DNS_ERR_NODATA)
		rc = DNS_ERR_NONE;	/* NOERROR with no answer */
	probe_result_add(r, "time_ms", "ms", d->answered_ms - d->started_ms);
	if (rc > 5) {
		probe_result_set(r, PROBE_BAD_RESPONSE, "%s",
		    evdns_err_to_string(d->result));
		goto out;
	}
	probe_result_add(r, "rcode", "", rc);
	probe_result_add(r, "answers", "", d->count);
	if (d->count > 0)
		probe_result_add(r, "ttl", "s", d->ttl);
	if (rc == DNS_ERR_NOTEXIST)
		probe_result_set(r, PROBE_DNS_FAILURE, "NXDOMAIN");
	else if (rc != DNS_ERR_NONE)
		probe_result_set(r, PROBE_BAD_RESPONSE, "%s", dns_rcode_name(rc));
	else if (d->count == 0)
		probe_result_set(r, PROBE_DNS_FAILURE, "NOERROR, no answer");
	else if (d->expect != NULL && !d->found)
		probe_result_set(r, PROBE_BAD_RESPONSE, "%s not in answer: %s",
		    d->expect, d->answers);
	else
		probe_result_set(r, PROBE_OK, "%s", d->answers);
out:
	d->cb(r, d->arg);
	dns_probe_cancel(d);
}

static void
dns_done_cb(evutil_socket_t fd, short ev, void *arg)
{
	lw_enter("a DNS check");
	dns_done_cb_run(fd, ev, arg);
	lw_leave();
}

static void
dns_fail_now(struct dns_probe *d, enum probe_outcome o, const char *why)
{
	d->result = -1;
	probe_result_set(&d->res, o, "%s", why);
	d->cb(&d->res, d->arg);
	dns_probe_cancel(d);
}

static void
dns_early_cb_run(evutil_socket_t fd, short ev, void *arg)
{
	struct dns_probe *d = arg;

	(void)fd;
	(void)ev;
	dns_fail_now(d, d->result == -2 ? PROBE_ERROR : PROBE_BAD_RESPONSE,
	    d->res.detail);
}

static void
dns_early_cb(evutil_socket_t fd, short ev, void *arg)
{
	lw_enter("a DNS check");
	dns_early_cb_run(fd, ev, arg);
	lw_leave();
}

static int
dns_setup(struct dns_probe *d, const char *name)
{
	char buf[16];
	struct in_addr a4;
	struct in6_addr a6;

	if (d->p.server != NULL) {
		if (evdns_base_nameserver_ip_add(d->dns, d->p.server) != 0) {
			snprintf(d->res.detail, sizeof(d->res.detail),
			    "bad server address '%.64s'", d->p.server);
			return -1;
		}
	} else if (evdns_base_resolv_conf_parse(d->dns, DNS_OPTIONS_ALL,
	    "/etc/resolv.conf") != 0) {
		snprintf(d->res.detail, sizeof(d->res.detail),
		    "no usable /etc/resolv.conf");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%.3f", d->p.timeout_ms / 1000);
	evdns_base_set_option(d->dns, "timeout:", buf);
	snprintf(buf, sizeof(buf), "%d", d->p.attempts);
	evdns_base_set_option(d->dns, "attempts:", buf);
	switch (d->p.qtype) {
	case DNS_QTYPE_A:
		d->req = evdns_base_resolve_ipv4(d->dns, name,
		    DNS_QUERY_NO_SEARCH, dns_answer_cb, d);
		break;
	case DNS_QTYPE_AAAA:
		d->req = evdns_base_resolve_ipv6(d->dns, name,
		    DNS_QUERY_NO_SEARCH, dns_answer_cb, d);
		break;
	case DNS_QTYPE_PTR:
		if (inet_pton(AF_INET, name, &a4) == 1)
			d->req = evdns_base_resolve_reverse(d->dns, &a4, 0,
			    dns_answer_cb, d);
		else if (inet_pton(AF_INET6, name, &a6) == 1)
			d->req = evdns_base_resolve_reverse_ipv6(d->dns, &a6,
			    0, dns_answer_cb, d);
		else {
			snprintf(d->res.detail, sizeof(d->res.detail),
			    "PTR needs an address, not '%.64s'", name);
			return -1;
		}
		break;
	}
	if (d->req == NULL && d->result == 0 && d->answered_ms == 0) {
		snprintf(d->res.detail, sizeof(d->res.detail),
		    "cannot send the query");
		return -1;
	}
	return 0;
}

struct dns_probe *
dns_probe_start(struct event_base *base, const char *name,
    const struct dns_params *p, probe_done_cb cb, void *arg)
{
	struct dns_probe *d = xcalloc(1, sizeof(*d));

	d->base = base;
	d->p = *p;
	d->p.server = p->server ? xstrdup(p->server) : NULL;
	d->expect = p->expect ? xstrdup(p->expect) : NULL;
	if (d->p.attempts < 1)
		d->p.attempts = 1;
	d->cb = cb;
	d->arg = arg;
	d->started_ms = mono_ms();
	probe_result_init(&d->res, name);
	if (p->server != NULL)
		snprintf(d->res.address, sizeof(d->res.address), "%s",
		    p->server);
	d->done_ev = evtimer_new(base, dns_done_cb, d);
	d->dns = evdns_base_new(base, EVDNS_BASE_DISABLE_WHEN_INACTIVE);
	if (dns_setup(d, name) == -1) {
		event_free(d->done_ev);
		d->result = -2;
		d->done_ev = evtimer_new(base, dns_early_cb, d);
		event_active(d->done_ev, EV_TIMEOUT, 0);
	}
	return d;
}

void
dns_probe_cancel(struct dns_probe *d)
{
	if (d == NULL)
		return;
	/*
	 * Not evdns_cancel_request(): it schedules the callback for later,
	 * after d is gone.  Freeing the base drops the request silently.
	 */
	if (d->dns != NULL)
		evdns_base_free(d->dns, 0);
	event_free(d->done_ev);
	free((char *)(uintptr_t)d->p.server);
	free(d->expect);
	free(d);
}
