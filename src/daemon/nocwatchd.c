/*
 * nocwatchd: the daemon.  Runs in the foreground (systemd's Type=notify:
 * READY=1 once the configuration is loaded and every socket bound,
 * WATCHDOG=1 from the loop-lag timer, STOPPING=1), logging to stderr (with
 * the journal's priority prefixes under systemd); -n checks a
 * configuration; started as root it binds what needs root and becomes its
 * own user; SIGHUP reloads (a bad file keeps the running configuration);
 * SIGTERM stops after writing every queued RRD sample.
 */
#include <sys/stat.h>

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
#include "paths.h"
#include "privdrop.h"
#include "scheduler.h"
#include "sdnotify.h"

static const char usage[] =
"usage: nocwatchd [-dnV] [-f file] [-u user]\n"
"  -f file  configuration (default " NOCWATCH_CONF_FILE ")\n"
"  -n       check the configuration, print 'configuration OK' or every\n"
"           error as file:line: message, and exit\n"
"  -u user  started as root, run as this user (default: the config's\n"
"           `user`, else " NOCWATCH_USER "); 'root' stays root\n"
"  -d       debug logging\n"
"  -V       print the version and exit\n"
"Signals: HUP reloads the configuration, TERM and INT stop.\n";

/* The loop-lag timer turned (once a second): tell systemd's watchdog. */
static void
watchdog_tick(void *arg)
{
	(void)arg;
	(void)sd_notify_state("WATCHDOG=1");
}

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
	(void)sd_notify_state("STOPPING=1");
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
run(const char *file, struct config *c, const struct privdrop *pd)
{
	struct daemon d;
	struct event *sig[3];
	const int sigs[3] = { SIGHUP, SIGTERM, SIGINT };
	char err[512];
	double wd;
	int i, rc = 0;

	memset(&d, 0, sizeof(d));
	d.conf_path = file;
	d.priv = pd;
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
		if ((wd = sd_watchdog_ms()) > 0) {
			sched_on_tick(d.sched, watchdog_tick, NULL);
			if (wd < 2000)
				log_warnx("WatchdogSec=%.1fs: under 2 s, and "
				    "the watchdog is told once a second", wd / 1000);
		}
		if (sd_notify_state("READY=1") == -1)
			log_warn("NOTIFY_SOCKET");
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
	const char *file = NOCWATCH_CONF_FILE, *user = NULL;
	struct privdrop pd;
	struct config *c;
	char err[512];
	int ch, check = 0, debug = 0;
	size_t i;

	while ((ch = getopt(argc, argv, "df:nhu:V")) != -1) {
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
		case 'u':
			user = optarg;
			break;
		case 'V':
			printf("nocwatchd %s\n", NOCWATCH_VERSION);
			return 0;
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
	/* Incidents, RRD files and sockets for the daemon's user and group
	 * (engineers in it read them), not for everyone. */
	umask(027);
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
	/* -u, else the configuration, else $NOCWATCHD_USER (the lab and the
	 * demo say root there: their files are root's even on a machine
	 * where the package made a nocwatch user). */
	if (user == NULL)
		user = c->user;
	if (user == NULL && getenv("NOCWATCHD_USER") != NULL &&
	    getenv("NOCWATCHD_USER")[0] != '\0')
		user = getenv("NOCWATCHD_USER");
	if (priv_plan(user, &pd, err, sizeof(err)) == -1) {
		log_warnx("cannot start: %s", err);
		config_free(c);
		return 1;
	}
	return run(file, c, &pd);
}
