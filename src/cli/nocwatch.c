/* nocwatch: the command engineers run: a table of commands (commands.h). */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "paths.h"
#include "commands.h"
#include "log.h"
#include "threshold.h"


static const char probe_usage[] =
"usage: nocwatch probe icmp|tcp|dns|http|capture|snmp [options] ...\n"
"  nocwatch probe TYPE --help   describes each probe\n";

static int
cmd_probe(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} probes[] = {
		{ "icmp", cmd_probe_icmp },
		{ "tcp", cmd_probe_tcp },
		{ "dns", cmd_probe_dns },
		{ "http", cmd_probe_http },
		{ "capture", cmd_probe_capture },
		{ "snmp", cmd_probe_snmp },
	};
	size_t i;

	if (argc < 2) {
		fputs(probe_usage, stderr);
		return STATUS_UNKNOWN;
	}
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (strcmp(argv[1], probes[i].name) == 0)
			return probes[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "nocwatch: unknown probe '%.32s'\n%s", argv[1],
	    probe_usage);
	return STATUS_UNKNOWN;
}

const struct cmd_entry cmd_probe_entry = {
	"probe", "icmp|tcp|dns|http|capture|snmp ...",
	"run one probe now (--help)", cmd_probe
};

static int
cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("nocwatch %s\n", NOCWATCH_VERSION);
	return 0;
}

const struct cmd_entry cmd_version_entry = {
	"version", "", "print the version", cmd_version
};

static const struct cmd_entry *const cmd_table[] = {
	&cmd_probe_entry, &cmd_traps_entry, &cmd_graph_entry,
	&cmd_status_entry, &cmd_incidents_entry, &cmd_incident_entry,
	&cmd_ack_entry, &cmd_maintenance_entry, &cmd_report_entry,
	&cmd_token_entry, &cmd_outbox_entry, &cmd_notify_entry,
	&cmd_version_entry,
};
#define NCMDS	(sizeof(cmd_table) / sizeof(cmd_table[0]))

/* The usage, made of the table: each command, what follows it, what it
 * does, in one aligned column. */
static void
usage(FILE *f)
{
	char head[80];
	size_t i;
	int w = 0, n;

	for (i = 0; i < NCMDS; i++)
		if ((n = (int)strlen(cmd_table[i]->name) + 1 +
		    (int)strlen(cmd_table[i]->args)) > w)
			w = n;
	fputs("usage: nocwatch command [arguments]\ncommands:\n", f);
	for (i = 0; i < NCMDS; i++) {
		snprintf(head, sizeof(head), "%s%s%s", cmd_table[i]->name,
		    cmd_table[i]->args[0] ? " " : "", cmd_table[i]->args);
		fprintf(f, "  %-*s  %s\n", w, head, cmd_table[i]->summary);
	}
}

int
main(int argc, char **argv)
{
	size_t i;

	log_init("nocwatch", 1, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? STATUS_UNKNOWN : 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(argc - 1, argv + 1);
	for (i = 0; i < NCMDS; i++)
		if (strcmp(argv[1], cmd_table[i]->name) == 0)
			return cmd_table[i]->exec(argc - 1, argv + 1);
	fprintf(stderr, "nocwatch: unknown command '%.32s'\n", argv[1]);
	usage(stderr);
	return STATUS_UNKNOWN;
}
