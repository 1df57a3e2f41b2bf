/*
 * The configuration: a small language in the style of OpenBSD's relayd
 * and bgpd, parsed into the estate model (sites, devices, links, checks).
 *
 *   include "secrets.conf"
 *   ro = "labread"                        # a macro, used as $ro
 *   template "wan-router" { snmp community $ro  check icmp { interval 5s } }
 *   site "dc-north" { kind datacentre  tags { "north" } }
 *   site "library" { kind remote  parent "dc-north" }
 *   device "lib-rtr" { site "library"  address 203.0.113.2
 *                      template "wan-router"  parent "core-north" }
 *   link "library-fibre" { from "core-north" interface "c1"
 *                          to "lib-rtr" interface "r1"  group "library" }
 *
 * Every error is collected as "file:line: message"; a configuration with
 * any error is rejected whole, so a reload never half-applies.
 */
#ifndef NOCWATCH_CONFIG_H
#define NOCWATCH_CONFIG_H

#include <stddef.h>

#include "snmp.h"
#include "threshold.h"

#define CONFIG_NAME_MAX		64
#define CONFIG_MAX_ERRORS	100

enum site_kind { SITE_REMOTE = 0, SITE_DATACENTRE };

enum check_type {
	CHECK_ICMP, CHECK_TCP, CHECK_DNS, CHECK_HTTP, CHECK_SNMP_METRICS,
	CHECK_SNMP_STATUS, CHECK_PCAP, CHECK_TYPE_MAX
};

/* What an outage is, for priorities: see the incident engine. */
enum situation {
	SIT_SITE_DOWN,		/* a site cut off (no redundancy left) */
	SIT_REDUNDANCY,		/* a site lost a link but is still reachable */
	SIT_ON_BATTERY,		/* a site's UPS on battery, site still up */
	SIT_WIFI,		/* controller down or too many APs down */
	SIT_DEVICE_DOWN,	/* one device down, its parent up */
	SIT_LINK_DEGRADED,	/* loss or latency over thresholds */
	SIT_SERVICE_DOWN,	/* tcp/http/dns/status failing, host up */
	SIT_MAX
};

enum notify_type { NOTIFY_WEBHOOK, NOTIFY_EXEC, NOTIFY_SYSLOG,
	NOTIFY_HORNBILL, NOTIFY_SERVICENOW, NOTIFY_PAGERDUTY,
	NOTIFY_ALERTMANAGER, NOTIFY_EMAIL };

/* A service desk's own ID for a site (Hornbill siteId). */
struct notify_site_id {
	char		*site;
	char		*id;
};

struct notify_conf {
	enum notify_type type;
	char		*name;		/* "webhook", "exec" or "syslog" + n */
	char		*url;		/* webhook */
	char		*token;		/* webhook: Authorization: Bearer */
	char		*ca_file;	/* webhook: extra trust anchors */
	int		 insecure;
	char		**argv;		/* exec: argv[0] is the program */
	size_t		 argc;
	/* service desks (src/notify/desk.c says what each one sends) */
	char		*api_key;	/* hornbill api-key, pagerduty
					 * routing-key */
	char		*user, *password;	/* servicenow (basic auth) */
	char		*key_field;	/* hornbill: the request field that
					 * holds nocwatch's key */
	char		*prio[4];	/* per P1..P4: hornbill priorityId,
					 * pagerduty severity, servicenow
					 * "IMPACT/URGENCY" */
	char		*service_id, *team_id, *category_id;	/* hornbill */
	struct notify_site_id *site_ids;			/* hornbill */
	size_t		 nsite_ids;
	char		*group;		/* servicenow assignment group */
	char		*close_code;	/* servicenow close code */
	char		*mail_from;	/* email: From, and the envelope's */
	char		**mail_to;	/* email: recipients */
	size_t		 nmail_to;
	int		 mail_plain;	/* email: no STARTTLS (a local relay) */
	double		 repost_ms;	/* alertmanager: open alerts again */
	double		 timeout_ms;
	double		 retry_max_ms;	/* cap of the backoff */
	int		 line;
	const char	*file;
};

struct incident_conf {
	double		 correlation_ms;	/* default 5 s */
	double		 hold_down_ms;		/* recovery must hold, 30 s */
	double		 reopen_ms;		/* recurrence reopens, 15 min */
	double		 flap_high, flap_low;	/* % of state changes */
	double		 wifi_ap_down_pct;	/* default 30% */
	double		 wifi_ap_forget_ms;	/* a gone AP is forgotten, 1 d */
	double		 wifi_ap_rejoin_ms;	/* APs of a site back from dark */
	int		 priority[SIT_MAX];	/* 1..4 */
	double		 sla_respond_ms[5];	/* by priority 1..4 */
	double		 sla_resolve_ms[5];
	double		 sla_repeat_ms[5];	/* reminders until acked, 0 */
};

struct check_conf {
	enum check_type	 type;
	char		*target;	/* port, URL, name, OID or interface */
	double		 interval_ms;
	double		 timeout_ms;
	int		 retries;
	int		 has_warn, has_crit;
	struct threshold warn, crit;
	int		 count;		/* icmp */
	char		*expect;	/* tcp/http/dns/snmp-status */
	char		*server;	/* dns */
	char		*filter;	/* pcap */
	double		 silent_ms;	/* pcap */
	char		**oids;		/* snmp-metrics */
	size_t		 noids;
	int		 line;
	const char	*file;
};

struct site_conf {
	char		*name;
	enum site_kind	 kind;
	char		*parent;	/* datacentre site, or NULL */
	char		**tags;
	size_t		 ntags;
	int		 priority[SIT_MAX];	/* overrides, 0: none */
	char		**aps;		/* AP name patterns (fnmatch) */
	size_t		 naps;
	int		 line;
	const char	*file;
};

struct device_conf {
	char		*name;
	char		*site;
	char		*address;
	char		*parent;	/* uplink device, or NULL */
	char		*templ;
	int		 has_snmp;
	struct snmp_creds snmp;
	int		 snmp_port;
	struct check_conf *checks;
	size_t		 nchecks;
	int		 priority[SIT_MAX];	/* overrides, 0: none */
	int		 line;
	const char	*file;
};

struct link_conf {
	char		*name;
	char		*dev[2];
	char		*ifname[2];
	char		*group;		/* redundancy group, or NULL */
	/* Optical receive power at each end: a sensor OID (dBm after
	 * dividing by 10^precision) and the loss-of-signal level. */
	char		*rx_oid[2];
	int		 rx_precision[2];
	double		 los_dbm[2];
	int		 line;
	const char	*file;
};

struct api_token {
	int		 write;		/* 0: read, 1: read and write */
	unsigned char	 sha256[32];
	char		*name;		/* for the log */
};

struct config {
	/* HTTP API and wall display */
	char			*http_listen;	/* default 127.0.0.1:8080, "none" */
	char			*web_dir;	/* the wall display's files */
	struct api_token	*tokens;
	size_t			 ntokens;
	int			 read_open_local; /* reads from loopback: no token */
	char			*trust_proxy;	/* X-Forwarded-For from it only */
	int			 http_rate;	/* requests/s per client, 0: off */
	char			*tls_cert, *tls_key;	/* HTTPS when both set */
	/* daemon settings */
	char			*rrd_dir;	/* default /var/lib/nocwatch/rrd */
	char			*layouts_dir;	/* default: installed rrd/ */
	char			*rrdcached;	/* NULL, unix:/path, host:port */
	double			 rrd_write_delay; /* ms a sample may be held */
	size_t			 rrd_cache_max;	/* bytes held at most */
	char			*control;	/* the control socket */
	char			*user;		/* run as, when started as root */
	char			*trap_listen;	/* [ADDR:]PORT, or NULL */
	char			**trap_communities;	/* "NAME [from ADDR]" */
	size_t			 ntrap_communities;
	char			**trap_users;	/* createUser line [from ADDR] */
	size_t			 ntrap_users;
	int			 trap_v3_level;	/* enum snmp_level, 0: authNoPriv */
	char			*state_db;	/* the SQLite incident store */
	struct incident_conf	 inc;
	struct notify_conf	*notifies;
	size_t			 nnotifies;
	struct site_conf	*sites;
	size_t			 nsites;
	struct device_conf	*devices;	/* templates applied */
	size_t			 ndevices;
	struct device_conf	*templates;
	size_t			 ntemplates;
	struct link_conf	*links;
	size_t			 nlinks;
	char			**files;	/* every file read, for messages */
	size_t			 nfiles;
	char			*errors[CONFIG_MAX_ERRORS];
	size_t			 nerrors;
};

/*
 * Parse path and everything it includes.  Always returns a config; it is
 * usable only when nerrors == 0.  Free with config_free.
 */
struct config	*config_load(const char *path);
void		 config_free(struct config *);
const char	*check_type_name(enum check_type);
const char	*situation_name(enum situation);
int		 situation_parse(const char *);	/* -1 if unknown */
const struct site_conf *config_site(const struct config *, const char *name);
const struct device_conf *config_device(const struct config *,
		    const char *name);

#endif
