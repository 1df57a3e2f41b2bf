/*
 * The daemon's HTTP server (libevent's evhttp): the JSON API under
 * /api/v1, graphs, server-sent events and the wall display's files.
 */
#ifndef NOCWATCH_HTTPD_H
#define NOCWATCH_HTTPD_H

#include <stddef.h>

struct daemon;
struct httpd;

/* Listen on d->conf->http_listen ("none": no server); NULL with err. */
struct httpd	*httpd_start(struct daemon *, char *err, size_t errlen);
/* Start its worker thread (after the privilege drop); -1 with err. */
int		 httpd_workers(struct httpd *, char *err, size_t errlen);
void		 httpd_free(struct httpd *);
/* Something changed: push to the event streams soon. */
void		 httpd_changed(struct httpd *);

#endif
