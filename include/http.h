/*
 * HTTP(S) probe: GET or HEAD of a URL through libcurl's multi interface,
 * driven by the event loop.  Certificates are verified unless insecure.
 */
#ifndef NOCWATCH_HTTP_H
#define NOCWATCH_HTTP_H

#include "probe.h"

struct event_base;
struct http_engine;
struct http_probe;

#define HTTP_MAX_BODY	(1024 * 1024)	/* kept for matching; rest counted */

struct http_params {
	int		 head;		/* HEAD instead of GET */
	double		 timeout_ms;	/* whole transfer */
	int		 insecure;	/* skip certificate verification */
	int		 follow;	/* follow up to 5 redirects */
	int		 expect_status;	/* 0: any status below 400 */
	const char	*expect_body;	/* substring the body must contain */
	const char	*ca_file;	/* extra trust anchors, or NULL */
	/* Outbound use (webhooks, service desks): a body, a method, extra
	 * header lines, and the reply handed back. */
	const char	*post_body;	/* copied; POST instead of GET */
	const char	*method;	/* "PATCH", "PUT"...; NULL: GET/POST */
	const char *const *headers;	/* "Name: value", NULL-terminated */
	struct http_reply *reply;	/* filled before the callback, or NULL */
	/* E-mail instead (an smtp:// or smtps:// URL): post_body is the
	 * whole message; STARTTLS is required on smtp:// unless
	 * mail_plain; user and password when the server asks. */
	const char	*mail_from;
	const char *const *mail_rcpt;	/* NULL-terminated */
	int		 mail_plain;
	const char	*user, *password;
};

/* What a server answered, for an API client to judge. */
struct http_reply {
	long		 status;	/* 0: no answer */
	char		*body;		/* NUL-terminated (free it), or NULL */
	size_t		 len;
	double		 retry_after_s;	/* Retry-After, 0 if none */
};

/* An engine (one curl multi handle) per event base.  Never NULL. */
struct http_engine *http_engine_new(struct event_base *);
/* Every probe must have completed or been cancelled. */
void	http_engine_free(struct http_engine *);
/*
 * Values: status, connect_ms, tls_ms (https), ttfb_ms, total_ms, bytes and,
 * for https, cert_days (days until the server certificate expires).
 * url and the params' strings are copied.
 */
struct http_probe *http_probe_start(struct http_engine *, const char *url,
	    const struct http_params *, probe_done_cb, void *arg);
/* Stop a running probe; its callback will not be called. */
void	http_probe_cancel(struct http_probe *);
/* Days from now until an OpenSSL/curl date ("Nov 23 12:00:00 2027 GMT"). */
int	http_cert_days(const char *date, time_t now, double *days);

#endif
