/*
 * The control socket: a local unix stream socket (mode 0660) on which
 * `nocwatch status` asks "status" and reads one JSON document back, then
 * the daemon closes.  One request per connection, bounded in size, served
 * on the event loop.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <jansson.h>

#include "daemon.h"
#include "escape.h"
#include "incident.h"
#include "log.h"
#include "loopwatch.h"
#include "rrdstore.h"
#include "store.h"
#include "unixsock.h"
#include "workq.h"
#include "xmalloc.h"

#define CONTROL_MAX_REQUEST	4096
#define FLUSH_WAIT_MS		2000	/* the writer's answer, at most */
#define STATUS_WAIT_MS		10000	/* the status document, at most */

static void
control_conn_event(struct bufferevent *bev, short what, void *arg)
{
	(void)what;
	(void)arg;
	bufferevent_free(bev);
}

static void
control_written(struct bufferevent *bev, void *arg)
{
	(void)arg;
	if (evbuffer_get_length(bufferevent_get_output(bev)) == 0)
		bufferevent_free(bev);
}

/*
 * A client whose line comes later (rrd-flush, status, a command the
 * store's thread answers): a reference of ours on its connection, kept
 * until the answer, and whether it hung up meanwhile.
 */
struct held {
	struct daemon		*d;
	struct bufferevent	*bev;
	int			 gone;
};

static void
held_conn_event(struct bufferevent *bev, short what, void *arg)
{
	struct held *h = arg;

	(void)what;
	h->gone = 1;
	bufferevent_setcb(bev, NULL, NULL, NULL, NULL);
	bufferevent_free(bev);		/* ours is still held */
}

static void
held_take(struct held *h, struct daemon *d, struct bufferevent *bev)
{
	h->d = d;
	h->bev = bev;
	bufferevent_incref(bev);
	bufferevent_setcb(bev, NULL, NULL, held_conn_event, h);
}

/* The answer, one line (unless the client has gone). */
static void
held_answer(struct held *h, const char *line)
{
	if (h->gone)
		return;
	bufferevent_write(h->bev, line, strlen(line));
	bufferevent_write(h->bev, "\n", 1);
	bufferevent_setcb(h->bev, NULL, control_written, control_conn_event,
	    h->d);
	bufferevent_enable(h->bev, EV_WRITE);
}

static void
free_text(const void *data, size_t len, void *arg)
{
	(void)len;
	(void)arg;
	free((void *)(uintptr_t)data);
}

/*
 * The same with a long answer the buffer takes over instead of copying
 * (the status at 20,000 devices is 5.4 MB: copying it and freeing it held
 * the loop about 20 ms).
 */
static void
held_answer_owned(struct held *h, char *text)
{
	struct evbuffer *out = bufferevent_get_output(h->bev);

	if (h->gone || evbuffer_add_reference(out, text, strlen(text),
	    free_text, NULL) == -1)
		free(text);
	held_answer(h, "");	/* its line's end */
}

/* Not answered after all: the connection is the loop's again. */
static void
held_return(struct held *h)
{
	bufferevent_setcb(h->bev, NULL, NULL, control_conn_event, h->d);
	bufferevent_decref(h->bev);
}

/*
 * rrd-flush ({"cmd":"rrd-flush","device":..,"metric":..}, before a graph
 * is drawn) waits for the RRD writer — up to 2 s, longer behind an
 * rrdcached that does not answer — so it waits in a worker, not on the
 * loop; the client gets its line when the writer is done.
 */
struct flush_job {
	struct work		 w;
	struct held		 h;
	int			 ok;
	char			 dev[256], metric[200];
};

static void
flush_run(struct work *w)
{
	struct flush_job *j = (struct flush_job *)w;

	j->ok = rrdstore_flush_file(j->h.d->rrd, j->dev, j->metric,
	    FLUSH_WAIT_MS) == 0;
}

static void
flush_done(struct work *w)
{
	struct flush_job *j = (struct flush_job *)w;

	held_answer(&j->h, j->ok ? "{\"flushed\":true}" :
	    "{\"error\":\"the RRD writer is busy\"}");
}

static void
flush_late(struct work *w)
{
	held_answer(&((struct flush_job *)w)->h,
	    "{\"error\":\"the RRD writer is busy\"}");
}

static void
flush_release(struct work *w)
{
	struct flush_job *j = (struct flush_job *)w;

	bufferevent_decref(j->h.bev);
	free(j);
}

static const struct work_ops flush_ops = {
	flush_run, flush_done, flush_late, flush_release
};

/*
 * "status": what it shows is copied on the loop, the JSON made in the
 * worker (half a second at 10,000 devices, which held the loop before);
 * the client gets its line when it is done.
 */
struct status_job {
	struct work		 w;
	struct held		 h;
	struct status_snap	*sn;
	char			*text;
};

static void
status_run(struct work *w)
{
	struct status_job *j = (struct status_job *)w;

	j->text = daemon_status_render(j->sn);
}

static void
status_done(struct work *w)
{
	struct status_job *j = (struct status_job *)w;

	if (j->text != NULL)
		held_answer_owned(&j->h, j->text);
	else
		held_answer(&j->h, "{\"error\":\"no memory\"}");
	j->text = NULL;
}

static void
status_late(struct work *w)
{
	held_answer(&((struct status_job *)w)->h,
	    "{\"error\":\"the status took too long\"}");
}

static void
status_release(struct work *w)
{
	struct status_job *j = (struct status_job *)w;

	daemon_status_snap_free(j->sn);
	free(j->text);
	bufferevent_decref(j->h.bev);
	free(j);
}

static const struct work_ops status_ops = {
	status_run, status_done, status_late, status_release
};

/* 0: under way (answered later); -1: not, answer it here. */
static int
control_status(struct daemon *d, struct bufferevent *bev)
{
	struct status_job *j;

	if (d->control_q == NULL)
		return -1;
	j = xcalloc(1, sizeof(*j));
	j->w.ops = &status_ops;
	j->sn = daemon_status_snapshot(d);
	held_take(&j->h, d, bev);
	if (workq_submit(d->control_q, &j->w, STATUS_WAIT_MS) == -1) {
		held_return(&j->h);
		daemon_status_snap_free(j->sn);
		free(j);
		return -1;
	}
	return 0;
}

/* 0 when the command was an rrd-flush now under way (or refused). */
static int
control_flush(struct daemon *d, struct bufferevent *bev, const char *line)
{
	json_t *req = json_loads(line, 0, NULL);
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	const char *dev = json_string_value(json_object_get(req, "device"));
	const char *metric = json_string_value(json_object_get(req, "metric"));
	struct flush_job *j;

	if (cmd == NULL || strcmp(cmd, "rrd-flush") != 0 || dev == NULL ||
	    metric == NULL || d->control_q == NULL) {
		json_decref(req);
		return -1;
	}
	j = xcalloc(1, sizeof(*j));
	j->w.ops = &flush_ops;
	snprintf(j->dev, sizeof(j->dev), "%s", dev);
	snprintf(j->metric, sizeof(j->metric), "%s", metric);
	json_decref(req);
	held_take(&j->h, d, bev);
	if (workq_submit(d->control_q, &j->w, FLUSH_WAIT_MS + 1000) == -1) {
		held_answer(&j->h, "{\"error\":\"the RRD writer is busy\"}");
		bufferevent_decref(bev);
		free(j);
	}
	return 0;
}

/*
 * A command as one JSON line, {"cmd": NAME, ...arguments}: the daemon's
 * commands (daemon_command: ack, maintenance-add, maintenance-end,
 * outbox-list, outbox-retry), answered with their answer or {"error"} —
 * now, or when the store's thread has done its part (the client waits,
 * the loop does not).  rrd-flush, which answers later too, is handled
 * before this.
 */
static void
cmd_answer(void *arg, json_t *rep, int status, const char *err)
{
	struct held *h = arg;
	char text[256];
	json_t *o;
	char *out;

	(void)status;
	o = rep != NULL ? json_incref(rep) : json_pack("{s:s}", "error",
	    str_utf8_copy(text, sizeof(text), err && err[0] ? err :
	    "refused"));
	out = o != NULL ? json_dumps(o, JSON_COMPACT) : NULL;
	held_answer(h, out != NULL ? out : "{\"error\":\"no memory\"}");
	free(out);
	json_decref(o);
	bufferevent_decref(h->bev);
	free(h);
}

static void
control_command(struct daemon *d, struct bufferevent *bev, const char *line)
{
	json_t *req = json_loads(line, 0, NULL);
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	struct held *h = xcalloc(1, sizeof(*h));

	held_take(h, d, bev);
	if (req == NULL || cmd == NULL)
		cmd_answer(h, NULL, 400, "a JSON command with \"cmd\" "
		    "expected");
	else if (strcmp(cmd, "rrd-flush") == 0)
		cmd_answer(h, NULL, 400, "device and metric expected");
	else
		daemon_command(d, cmd, req, cmd_answer, h);
	json_decref(req);
}

static void
control_read_run(struct bufferevent *bev, void *arg)
{
	struct daemon *d = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	char *line = evbuffer_readln(in, NULL, EVBUFFER_EOL_ANY), *s;

	if (line == NULL) {
		if (evbuffer_get_length(in) > CONTROL_MAX_REQUEST)
			bufferevent_free(bev);
		return;
	}
	if (strcmp(line, "status") == 0 && control_status(d, bev) == 0) {
		free(line);
		return;		/* answered when the worker is done */
	} else if (strcmp(line, "status") == 0 &&
	    (s = daemon_status_json(d)) != NULL) {
		bufferevent_write(bev, s, strlen(s));
		bufferevent_write(bev, "\n", 1);
		free(s);
	} else if (line[0] == '{' && control_flush(d, bev, line) == 0) {
		free(line);
		return;		/* answered when the writer is done */
	} else if (line[0] == '{') {
		control_command(d, bev, line);
		free(line);
		return;		/* answered by cmd_answer */
	} else
		bufferevent_write(bev, "{\"error\":\"unknown request\"}\n", 28);
	free(line);
	bufferevent_setcb(bev, NULL, control_written, control_conn_event, d);
}

static void
control_read(struct bufferevent *bev, void *arg)
{
	lw_enter("the control socket");
	control_read_run(bev, arg);
	lw_leave();
}

static void
control_accept(evutil_socket_t fd, short ev, void *arg)
{
	struct daemon *d = arg;
	struct bufferevent *bev;
	int c;

	(void)ev;
	if ((c = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) == -1)
		return;
	bev = bufferevent_socket_new(d->base, c, BEV_OPT_CLOSE_ON_FREE);
	bufferevent_setcb(bev, control_read, NULL, control_conn_event, d);
	bufferevent_setwatermark(bev, EV_READ, 0, CONTROL_MAX_REQUEST + 1);
	bufferevent_enable(bev, EV_READ);
}

int
control_open(struct daemon *d, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun;
	int fd, dirfd, rc, saved;

	if (strlen(path) >= sizeof(d->control_path)) {
		snprintf(err, errlen, "%s: control socket path too long", path);
		return -1;
	}
	if (unixsock_addr(path, &sun, &dirfd, err, errlen) == -1)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1) {
		snprintf(err, errlen, "control socket: %s", strerror(errno));
		if (dirfd != -1)
			close(dirfd);
		return -1;
	}
	(void)unlink(path);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0660) == -1 || listen(fd, 16) == -1;
	saved = errno;
	if (dirfd != -1)
		close(dirfd);
	if (rc) {
		snprintf(err, errlen, "%s: %s", path, strerror(saved));
		close(fd);
		return -1;
	}
	d->control_fd = fd;
	snprintf(d->control_path, sizeof(d->control_path), "%s", path);
	d->control_ev = event_new(d->base, fd, EV_READ | EV_PERSIST,
	    control_accept, d);
	event_add(d->control_ev, NULL);
	return 0;
}

void
control_close(struct daemon *d)
{
	if (d->control_ev != NULL)
		event_free(d->control_ev);
	/* Longer than a flush may wait: the job never outlives the store. */
	workq_free(d->control_q, FLUSH_WAIT_MS + 1000);
	d->control_q = NULL;
	if (d->control_fd != -1) {
		close(d->control_fd);
		(void)unlink(d->control_path);
	}
	d->control_ev = NULL;
	d->control_fd = -1;
}
