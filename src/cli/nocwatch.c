/* nocwatch: the command engineers run. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "paths.h"
#include "commands.h"
#include "log.h"
#include "threshold.h"


static const char main_usage[] =
"usage: nocwatch command [arguments]\n"
"commands:\n"
"  probe icmp|tcp|dns|http|capture|snmp ...  run one probe now (--help)\n"
"  traps listen [ADDR:]PORT              print SNMP traps as they arrive\n"
"  graph DEVICE METRIC -o FILE.png       render a metric from its RRD file\n"
"  status [--json]                       the running daemon's devices and checks\n"
"  incidents [--open] [--json]           incidents from the store\n"
"  incident ID                           one incident: timeline and evidence\n"
"  ack ID [--by NAME]                    acknowledge an incident\n"
"  maintenance add|list|remove ...       maintenance windows\n"
"  report [--from TIME] [--until TIME]   incidents against their SLA, site availability\n"
"  token [read|write]                    a new API token and its config line\n"
"  outbox list|retry ID                  dead letters: notifications given up\n"
"  notify test CHANNEL -f CONFIG         send a test event to a service desk\n"
"  version                               print the version\n";

static const char probe_usage[] =
"usage: nocwatch probe icmp|tcp|dns|http|capture|snmp [options] ...\n"
"  nocwatch probe TYPE --help   describes each probe\n";

int
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

int
main(int argc, char **argv)
{
	log_init("nocwatch", 1, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		fputs(main_usage, argc < 2 ? stderr : stdout);
		return argc < 2 ? STATUS_UNKNOWN : 0;
	}
	if (strcmp(argv[1], "probe") == 0)
		return cmd_probe(argc - 1, argv + 1);
	if (strcmp(argv[1], "status") == 0)
		return cmd_status(argc - 1, argv + 1);
	if (strcmp(argv[1], "incidents") == 0)
		return cmd_incidents(argc - 1, argv + 1);
	if (strcmp(argv[1], "incident") == 0)
		return cmd_incident(argc - 1, argv + 1);
	if (strcmp(argv[1], "ack") == 0)
		return cmd_ack(argc - 1, argv + 1);
	if (strcmp(argv[1], "maintenance") == 0)
		return cmd_maintenance(argc - 1, argv + 1);
	if (strcmp(argv[1], "report") == 0)
		return cmd_report(argc - 1, argv + 1);
	if (strcmp(argv[1], "token") == 0)
		return cmd_token(argc - 1, argv + 1);
	if (strcmp(argv[1], "outbox") == 0)
		return cmd_outbox(argc - 1, argv + 1);
	if (strcmp(argv[1], "notify") == 0)
		return cmd_notify(argc - 1, argv + 1);
	if (strcmp(argv[1], "graph") == 0)
		return cmd_graph(argc - 1, argv + 1);
	if (strcmp(argv[1], "traps") == 0)
		return cmd_traps(argc - 1, argv + 1);
	if (strcmp(argv[1], "version") == 0 ||
	    strcmp(argv[1], "--version") == 0) {
		printf("nocwatch %s\n", NOCWATCH_VERSION);
		return 0;
	}
	fprintf(stderr, "nocwatch: unknown command '%.32s'\n%s", argv[1],
	    main_usage);
	return STATUS_UNKNOWN;
}
