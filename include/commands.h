/* The commands of `nocwatch`. */
#ifndef NOCWATCH_COMMANDS_H
#define NOCWATCH_COMMANDS_H

#include <stddef.h>

#include <jansson.h>

/*
 * A command of `nocwatch` (the model: tmux's cmd_entry): its name, what
 * follows it and what it does (the usage is made of them), and its
 * function, which returns the process exit status.  Each command's file
 * defines its entry; nocwatch.c lists them.
 */
struct cmd_entry {
	const char	*name;
	const char	*args;
	const char	*summary;
	int		(*exec)(int argc, char **argv);
};

extern const struct cmd_entry cmd_probe_entry, cmd_traps_entry,
	cmd_graph_entry, cmd_status_entry, cmd_incidents_entry,
	cmd_incident_entry, cmd_ack_entry, cmd_maintenance_entry,
	cmd_report_entry, cmd_token_entry, cmd_outbox_entry, cmd_notify_entry,
	cmd_version_entry;

/* The probes behind `nocwatch probe TYPE`. */
int	cmd_probe_icmp(int argc, char **argv);
int	cmd_probe_tcp(int argc, char **argv);
int	cmd_probe_dns(int argc, char **argv);
int	cmd_probe_http(int argc, char **argv);
int	cmd_probe_capture(int argc, char **argv);
int	cmd_probe_snmp(int argc, char **argv);
#include "paths.h"

/* One request line to the daemon's control socket; the answer (free it). */
char	*control_request(const char *path, const char *req, char *err,
	    size_t errlen);
/*
 * A JSON command (taken) to the daemon at path (NULL: the default socket):
 * its answer, or NULL with the refusal or failure said on stderr and
 * *status the exit status for it.
 */
json_t	*control_call(const char *path, json_t *req, int *status);

#endif
