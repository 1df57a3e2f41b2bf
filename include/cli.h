/*
 * Shared parts of the `nocwatch` commands: the options every probe takes
 * (--json, -w, -c), plugin exit statuses, and printing one result.
 */
#ifndef NOCWATCH_CLI_H
#define NOCWATCH_CLI_H

#include "probe.h"
#include "threshold.h"

struct event_base;
struct evdns_base;

struct cli_common {
	int			 json;
	int			 have_warn, have_crit;
	struct threshold	 warn, crit;
	const char		*time_key;	/* value compared to thresholds */
	const char		*pct_key;
	const char		*min_key;	/* value that must stay above: */
	double			 warn_min, crit_min;	/* < 0: unset */
	int			 single;	/* one target: add perfdata */
	enum plugin_status	 worst;
};

/* Options every probe shares, for getopt_long tables. */
#define CLI_COMMON_LONGOPTS				\
	{ "json", no_argument, NULL, 'J' },		\
	{ "help", no_argument, NULL, 'h' },		\
	{ "warning", required_argument, NULL, 'w' },	\
	{ "critical", required_argument, NULL, 'c' }

/*
 * Handle a shared option; returns 1 if it was one.  A bad value prints
 * usage and exits 3 (UNKNOWN).
 */
int	cli_common_opt(struct cli_common *, int ch, const char *arg,
	    const char *usage);
/* Print "nocwatch: <message>" and the usage to stderr, exit 3. */
void	cli_usage_error(const char *usage, const char *, ...)
	    __attribute__((format(printf, 2, 3), noreturn));
/* Status of one result: outcome, then critical, then warning thresholds. */
enum plugin_status cli_status(const struct cli_common *,
	    const struct probe_result *);
/*
 * Print one result: a human line "TARGET : STATUS summary" (summary from
 * the caller) or one JSON object per line; folds the status into worst.
 */
void	cli_report(struct cli_common *, const struct probe_result *,
	    const char *summary);
struct json_t;
struct snmp_vb;
/* Print a JSON object on one line (ASCII-safe) and release it. */
void	cli_json_print(struct json_t *);
/* One varbind as {name, oid, type, value, display}; strings escaped. */
struct json_t *cli_vb_json(const struct snmp_vb *);
/* A new event base and a DNS base reading /etc/resolv.conf. */
void	cli_loop_new(struct event_base **, struct evdns_base **);
/* Format a value in ms with sensible precision into buf. */
const char *cli_ms(double ms, char *buf, size_t len);

#endif

struct targets;

/* Run one probe per target, all in flight together, starts spread by gap. */
struct cli_run {
	struct cli_common	*common;
	struct event_base	*base;
	struct evdns_base	*dns;
	int			 family;	/* AF_UNSPEC, AF_INET, AF_INET6 */
	double			 gap_ms;	/* between two targets' starts */
	int			 want_port;	/* targets are HOST:PORT */
	int			 default_port;	/* when HOST has no :PORT */
	/* Start the probe (addr carries the port); returns 0 or -1. */
	int			(*start)(struct cli_run *, const char *target,
				    const struct sockaddr *, socklen_t,
				    probe_done_cb, void *arg);
	/* One-line human summary of a result. */
	void			(*summary)(const struct probe_result *,
				    char *buf, size_t len);
	void			*ctx;
};

/* Returns the worst plugin status over all targets. */
enum plugin_status cli_run_targets(struct cli_run *, const struct targets *);
