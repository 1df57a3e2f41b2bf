/*
 * nocwatchd: the daemon.  Runs in the foreground (systemd's Type=simple),
 * logging to stderr; -n checks a configuration; SIGHUP reloads (a bad file
 * keeps the running configuration); SIGTERM stops after writing every
 * queued RRD sample.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>

#include "config.h"
#include "daemon.h"
#include "log.h"
#include "loopwatch.h"

static const char usage[] =
"usage: nocwatchd [-dn] [-f file]\n"
"  -f file  configuration (default /etc/nocwatch/nocwatch.conf)\n"
"  -n       check the configuration, print 'configuration OK' or every\n"
"           error as file:line: message, and exit\n"
"  -d       debug logging\n"
"Signals: HUP reloads the configuration, TERM and INT stop.\n";

static void
on_signal_run(evutil_socket_t sig, short ev, void *arg)
{
	struct daemon *d = arg;

	(void)ev;
	if (sig == SIGHUP) {
		log_info("SIGHUP: reloading %s", d->conf_path);
		daemon_reload(d);
		return;
	}
	log_info("stopping");
	event_base_loopexit(d->base, NULL);
}

static void
on_signal(evutil_socket_t sig, short ev, void *arg)
{
	lw_enter("a signal (reload or stop)");
	on_signal_run(sig, ev, arg);
	lw_leave();
}

static int
run(const char *file, struct config *c)
{
	struct daemon d;
	struct event *sig[3];
	const int sigs[3] = { SIGHUP, SIGTERM, SIGINT };
	char err[512];
	int i, rc = 0;

	memset(&d, 0, sizeof(d));
	d.conf_path = file;
	d.base = event_base_new();
	signal(SIGPIPE, SIG_IGN);
	lw_init(100);
	if (daemon_start(&d, c, err, sizeof(err)) == -1) {
		log_warnx("cannot start: %s", err);
		rc = 1;
	} else {
		for (i = 0; i < 3; i++) {
			sig[i] = evsignal_new(d.base, sigs[i], on_signal, &d);
			event_add(sig[i], NULL);
		}
		event_base_dispatch(d.base);
		for (i = 0; i < 3; i++)
			event_free(sig[i]);
	}
	daemon_stop(&d);
	event_base_free(d.base);
	log_info("stopped");
	return rc;
}

int
main(int argc, char **argv)
{
	const char *file = "/etc/nocwatch/nocwatch.conf";
	struct config *c;
	int ch, check = 0, debug = 0;
	size_t i;

	while ((ch = getopt(argc, argv, "df:nh")) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'f':
			file = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		default:
			fputs(usage, stderr);
			return 1;
		}
	}
	if (optind != argc) {
		fputs(usage, stderr);
		return 1;
	}
	log_init("nocwatchd", 1, debug);
	c = config_load(file);
	for (i = 0; i < c->nerrors; i++)
		fprintf(stderr, "%s\n", c->errors[i]);
	if (c->nerrors > 0) {
		config_free(c);
		return 1;
	}
	if (check) {
		printf("configuration OK: %zu sites, %zu devices, %zu links\n",
		    c->nsites, c->ndevices, c->nlinks);
		config_free(c);
		return 0;
	}
	return run(file, c);
}
