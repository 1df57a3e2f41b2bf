/* The subcommands of `nocwatch`; each returns the process exit status. */
#ifndef NOCWATCH_COMMANDS_H
#define NOCWATCH_COMMANDS_H

int	cmd_probe(int argc, char **argv);
int	cmd_probe_icmp(int argc, char **argv);
int	cmd_probe_tcp(int argc, char **argv);
int	cmd_probe_dns(int argc, char **argv);
int	cmd_probe_http(int argc, char **argv);
int	cmd_probe_capture(int argc, char **argv);
int	cmd_probe_snmp(int argc, char **argv);
int	cmd_traps(int argc, char **argv);
int	cmd_graph(int argc, char **argv);
int	cmd_status(int argc, char **argv);
int	cmd_incidents(int argc, char **argv);
int	cmd_incident(int argc, char **argv);
int	cmd_ack(int argc, char **argv);
int	cmd_maintenance(int argc, char **argv);
int	cmd_report(int argc, char **argv);
int	cmd_token(int argc, char **argv);
int	cmd_outbox(int argc, char **argv);
int	cmd_notify(int argc, char **argv);
#include "paths.h"

/* One request line to the daemon's control socket; the answer (free it). */
char	*control_request(const char *path, const char *req, char *err,
	    size_t errlen);

#endif
