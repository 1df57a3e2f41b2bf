/*
 * The checks' own parts, shared by checks.c (every check's run and its
 * result) and checks_snmp.c (SNMP polls and passive captures).
 */
#ifndef NOCWATCH_CHECKS_INT_H
#define NOCWATCH_CHECKS_INT_H

#include "daemon.h"

/* Slack (s) for the clocks when a sysUpTime that went back is taken for
 * a restart. */
#define UPTIME_SLACK_S	5

struct mpoll;
struct probe_result;

void	 chk_done(struct check_rt *, enum probe_outcome, const char *,
	    double);
void	 chk_record(struct check_rt *, const char *, const char *,
	    const double *);
void	 chk_mpoll_free(struct mpoll *);
void	 chk_snmp_start(struct check_rt *);
void	 chk_pcap_start(struct check_rt *);

#endif
