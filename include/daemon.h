/*
 * The daemon's runtime: the configured estate turned into devices with
 * scheduled checks, the engines they run on (one event loop), the RRD
 * store, the trap receiver and the control socket.
 */
#ifndef NOCWATCH_DAEMON_H
#define NOCWATCH_DAEMON_H

#include <stddef.h>
#include <time.h>

#include <stdint.h>

#include <jansson.h>

#include "config.h"
#include "devrt.h"
#include "incident.h"
#include "probe.h"

struct event_base;
struct evdns_base;
struct icmp_engine;
struct snmp_engine;
struct http_engine;
struct sched;
struct sched_item;
struct rrdstore;
struct rrd_layout;
struct trap_listener;
struct notifier;
struct event;
struct store;
struct storew;
struct daemon;
struct device_rt;
struct resolve_req;
struct snmp_agent;
struct privdrop;

struct daemon {
	struct event_base	*base;
	struct evdns_base	*dns;
	struct icmp_engine	*icmp;
	struct snmp_engine	*snmp;
	struct http_engine	*http;
	struct sched		*sched;
	struct rrdstore		*rrd;
	struct rrd_layout	*layouts;
	size_t			 nlayouts;
	struct trap_listener	*traps;
	struct incident_engine	*inc;
	struct store		*st;		/* the incident store */
	struct storew		*sw;		/* its thread, or NULL:
						 * writes on the caller's */
	struct notifier		*nt;		/* the outbox's deliverer */
	struct event		*eval_timer, *eval_soon;	/* the engine's */
	struct httpd		*httpd;
	struct config		*conf;
	const char		*conf_path;
	struct device_rt	*devs;
	size_t			 ndevs;
	int			 control_fd;
	char			 control_path[4096];
	struct event		*control_ev;
	struct workq		*control_q;	/* rrd-flush, status: off the loop */
	unsigned long long	 traps_rechecks;	/* traps that asked */
	unsigned long long	 traps_recheck_walks;	/* re-checks done */
	time_t			 started;
	const struct privdrop	*priv;		/* who to become, or NULL */
};

/* Start everything for conf (taken); -1 with err. */
int	daemon_start(struct daemon *, struct config *conf, char *err,
	    size_t errlen);
/* Reload from d->conf_path: a bad file keeps the running config. */
int	daemon_reload(struct daemon *);
/* A checked configuration while running (daemon_reload's part after the
 * check; the replays' reload): devices again, results carried by name,
 * the engine told; d->conf becomes nc, the caller frees the old one. */
void	daemon_apply_conf(struct daemon *, struct config *nc,
	    void (*run)(void *));
/* Stop checks, flush RRD data, free. */
void	daemon_stop(struct daemon *);
/*
 * d->devs from d->conf, each check scheduled on d->sched to call
 * run(check_rt): check_run in the daemon, a simulation's own in the
 * engine's replays.  And their end.
 */
void	daemon_devices_build(struct daemon *, void (*run)(void *));
/*
 * The incident store for d->conf, opened as the loop uses it (d->st; -1
 * with err), and the incident engine's host over it and d's checks
 * (src/daemon/inchost.c: all but soon and changed, which are the event
 * loop's).
 */
int	daemon_store_open(struct daemon *, char *err, size_t errlen);
void	daemon_inc_host(struct daemon *, struct inc_host *);
/* The JSON a notify channel is sent for one recorded change (an outbox
 * row's body; key its idempotency key). */
json_t	*daemon_notify_body(const struct inc_record *, const char *key);
void	daemon_devices_free(struct device_rt *, size_t);
/* Re-check a device now, and every device below it. */
void	daemon_recheck(struct daemon *, struct device_rt *, int by_trap);
struct device_rt *daemon_device_by_address(struct daemon *, const char *);
/*
 * The daemon's commands, one layer behind the control socket and the HTTP
 * API (dcmd.c): the arguments as a JSON object; the answer, now or once
 * the store's thread has done its part (the loop never waits for it), as
 * a JSON object (borrowed: the answer takes a reference to keep it), or
 * NULL when refused, with status (400 bad arguments, 404 no such thing,
 * 409 not now, 503 the engine or the store cannot take it) and err.
 *   ack              {id, by}                     {acknowledged: id}
 *   maintenance-add  {scope, name, starts, ends | duration, reason}
 *                    (times ISO 8601 UTC or seconds since the epoch) {id}
 *   maintenance-end  {id} | {scope, name}         {removed: [ids]}
 *   outbox-list      {}                           {dead: [...]}
 *   outbox-retry     {id}                         {requeued: id}
 */
typedef void (*daemon_answer)(void *arg, json_t *rep, int status,
		    const char *err);
void	daemon_command(struct daemon *, const char *name, json_t *args,
	    daemon_answer, void *arg);
/* Status as JSON (caller frees the string); the daemon's own part of it
 * (a new object: health, counters; no devices). */
char	*daemon_status_json(struct daemon *);
json_t	*daemon_status_self(struct daemon *);
/* The same in two halves: what it shows copied on the loop, the JSON
 * made from the copy in any thread (a worker: half a second at 10,000
 * devices). */
struct status_snap;
struct status_snap *daemon_status_snapshot(struct daemon *);
char	*daemon_status_render(const struct status_snap *);
void	 daemon_status_snap_free(struct status_snap *);

/* checks.c: start one run of a check (called by the scheduler); its end,
 * as its probe reports it (a simulation's probes report the same way). */
void	check_run(void *check_rt);
void	check_probe_done(const struct probe_result *, void *check_rt);
void	check_cancel(struct check_rt *);

/* control.c: the local control socket ("status" returns JSON). */
int	control_open(struct daemon *, const char *path, char *err,
	    size_t errlen);
void	control_close(struct daemon *);

#endif
