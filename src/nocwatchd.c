/*
 * nocwatchd: the daemon.  This version checks configurations (-n); the
 * polling loop, RRD storage and traps wiring are being built (see the
 * README) and it says so instead of pretending to run.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "log.h"

static const char usage[] =
"usage: nocwatchd [-dn] [-f file]\n"
"  -f file  configuration (default /etc/nocwatch/nocwatch.conf)\n"
"  -n       check the configuration, print 'configuration OK' or every\n"
"           error as file:line: message, and exit\n"
"  -d       stay in the foreground with debug logging\n";

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
	config_free(c);
	log_warnx("the polling loop is not built yet: only -n works in this "
	    "version");
	return 1;
}
