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

#endif
