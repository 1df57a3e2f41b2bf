/*
 * What the commands that read the incident store or ask the daemon share
 * (incidents, incident, ack, maintenance, report, token): their options,
 * where the store and the control socket are, times, and one request to
 * the daemon.  Lists are read from the store itself (read-only, so they
 * work while the daemon is down, for a post-mortem); changes go through
 * the daemon's control socket so that the daemon records and notifies
 * them.
 */
#ifndef NOCWATCH_STORE_CMDS_H
#define NOCWATCH_STORE_CMDS_H

#include <jansson.h>

#include "config.h"
#include "paths.h"

#define DEFAULT_DB	NOCWATCH_STATE_DB

struct where {
	const char	*db;
	const char	*sock;
	struct config	*conf;
};

struct opts {
	struct where	 w;
	int		 json, all, priority, limit;
	const char	*state, *by, *site, *device, *reason;
	double		 for_ms;
	long long	 from, until;
};

extern const char sc_usage[];

const char	*sc_esc(const char *s, char *buf, size_t len);
const char	*sc_jstr(json_t *o, const char *k);
int	 sc_where_option(struct where *w, int ch, const char *arg);
struct store	*sc_open_db(struct where *w);
int	 sc_usage_err(void);
int	 sc_parse_time(const char *s, long long *ms);
int	 sc_parse_opts(int argc, char **argv, struct opts *o);
int	 sc_no_operands(int argc, char **argv, struct opts *o, int *status);
long long	 sc_id_arg(int argc, char **argv);
int	 sc_send_cmd(struct opts *o, json_t *req);

#endif
