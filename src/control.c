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
#include "unixsock.h"

#define CONTROL_MAX_REQUEST	4096

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
 * A command as one JSON line: {"cmd":"ack","id":N,"by":"NAME"},
 * {"cmd":"maintenance-add","scope":"site"|"device","name":..,"starts":MS,
 * "ends":MS,"reason":..}, {"cmd":"maintenance-remove","id":N} or
 * {"cmd":"rrd-flush","device":..,"metric":..} (before a graph is drawn).
 */
static char *
control_command(struct daemon *d, const char *line)
{
	json_t *req = json_loads(line, 0, NULL), *rep = json_object();
	const char *cmd = json_string_value(json_object_get(req, "cmd"));
	const char *str;
	char err[256] = "";
	long long id;
	char *out;

	if (req == NULL || cmd == NULL)
		snprintf(err, sizeof(err), "a JSON command with \"cmd\" expected");
	else if (strcmp(cmd, "rrd-flush") == 0) {
		const char *dev = json_string_value(json_object_get(req,
		    "device")), *metric = json_string_value(json_object_get(req,
		    "metric"));

		if (dev == NULL || metric == NULL)
			snprintf(err, sizeof(err), "device and metric expected");
		else if (rrdstore_flush_file(d->rrd, dev, metric, 2000) == -1)
			snprintf(err, sizeof(err), "the RRD writer is busy");
		else
			json_object_set_new(rep, "flushed", json_true());
	} else if (d->inc == NULL)
		snprintf(err, sizeof(err), "the incident engine is not running");
	else if (strcmp(cmd, "ack") == 0) {
		id = json_integer_value(json_object_get(req, "id"));
		str = json_string_value(json_object_get(req, "by"));
		if (incident_ack(d->inc, id, str, err, sizeof(err)) == 0)
			json_object_set_new(rep, "acknowledged", json_integer(id));
	} else if (strcmp(cmd, "maintenance-add") == 0) {
		const char *scope = json_string_value(json_object_get(req,
		    "scope")), *name = json_string_value(json_object_get(req,
		    "name"));

		if (scope == NULL || name == NULL)
			snprintf(err, sizeof(err), "scope and name expected");
		else if ((id = incident_maint_add(d->inc, scope, name,
		    json_integer_value(json_object_get(req, "starts")),
		    json_integer_value(json_object_get(req, "ends")),
		    json_string_value(json_object_get(req, "reason")), err,
		    sizeof(err))) > 0)
			json_object_set_new(rep, "id", json_integer(id));
	} else if (strcmp(cmd, "maintenance-remove") == 0) {
		id = json_integer_value(json_object_get(req, "id"));
		if (incident_maint_remove(d->inc, id, err, sizeof(err)) == 0)
			json_object_set_new(rep, "removed", json_integer(id));
	} else
		snprintf(err, sizeof(err), "unknown command");
	if (err[0] != '\0') {
		char text[sizeof(err)];

		json_object_set_new(rep, "error", json_string(str_utf8_copy(text,
		    sizeof(text), err)));
	}
	out = json_dumps(rep, JSON_COMPACT);
	json_decref(rep);
	json_decref(req);
	return out;
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
	if (strcmp(line, "status") == 0 && (s = daemon_status_json(d)) != NULL) {
		bufferevent_write(bev, s, strlen(s));
		bufferevent_write(bev, "\n", 1);
		free(s);
	} else if (line[0] == '{' && (s = control_command(d, line)) != NULL) {
		bufferevent_write(bev, s, strlen(s));
		bufferevent_write(bev, "\n", 1);
		free(s);
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
	if (d->control_fd != -1) {
		close(d->control_fd);
		(void)unlink(d->control_path);
	}
	d->control_ev = NULL;
	d->control_fd = -1;
}
