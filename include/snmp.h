/*
 * The SNMP engine: net-snmp's single-session asynchronous API driven by
 * the event loop.  One agent is one session (one socket, any fd number),
 * with its own retries, timeout and cap on requests in flight; a slow or
 * dead agent delays nobody else.  SNMPv3 engine-ID discovery is done
 * asynchronously here, never by net-snmp's blocking probe.
 */
#ifndef NOCWATCH_SNMP_H
#define NOCWATCH_SNMP_H

#include <stddef.h>

#include "oids.h"
#include "probe.h"
#include "snmpval.h"

struct event_base;
struct snmp_engine;
struct snmp_agent;

enum snmp_auth {
	SNMP_AUTH_NONE = 0, SNMP_AUTH_MD5, SNMP_AUTH_SHA, SNMP_AUTH_SHA224,
	SNMP_AUTH_SHA256, SNMP_AUTH_SHA384, SNMP_AUTH_SHA512
};
enum snmp_priv {
	SNMP_PRIV_NONE = 0, SNMP_PRIV_DES, SNMP_PRIV_AES, SNMP_PRIV_AES192,
	SNMP_PRIV_AES256
};
enum snmp_level {
	SNMP_LEVEL_NOAUTH = 1, SNMP_LEVEL_AUTHNOPRIV, SNMP_LEVEL_AUTHPRIV
};

struct snmp_creds {
	int		 version;	/* 1, 2 (v2c) or 3 */
	char		 community[128];
	char		 user[64];
	enum snmp_level	 level;
	enum snmp_auth	 auth;
	char		 auth_pass[128];
	enum snmp_priv	 priv;
	char		 priv_pass[128];
	char		 context[64];
};

struct snmp_agent_params {
	const char		*host;		/* numeric address or name */
	int			 port;		/* 0: 161 */
	const struct snmp_creds	*creds;		/* copied */
	double			 timeout_ms;	/* per try */
	int			 retries;
	int			 max_inflight;	/* requests at once; 0: 4 */
	int			 max_repetitions; /* GETBULK; 0: 25 */
};

struct snmp_response {
	enum probe_outcome	 outcome;
	char			 detail[200];
	int			 error_status;	/* SNMP error-status, 0 none */
	int			 error_index;
	struct snmp_vb		*vb;		/* owned by the engine */
	size_t			 nvb;
	double			 rtt_ms;	/* queued to completed */
	int			 truncated;	/* walk stopped at its row cap */
};

/* The response (and its varbinds) is valid only during the callback. */
typedef void (*snmp_cb)(const struct snmp_response *, void *arg);

struct snmp_engine_stats {
	unsigned long long	requests, responses, timeouts, errors, malformed;
};

/* Initialise net-snmp once: no MIB files, no config or state on disk. */
void	snmp_library_init(void);
/* One engine per event base; initialises net-snmp without MIB files. */
struct snmp_engine *snmp_engine_new(struct event_base *);
/* Every agent must have been closed. */
void	snmp_engine_free(struct snmp_engine *);
void	snmp_engine_stats(const struct snmp_engine *, struct snmp_engine_stats *);

/* Open a session; NULL with err on a bad address or credentials. */
struct snmp_agent *snmp_agent_open(struct snmp_engine *,
	    const struct snmp_agent_params *, char *err, size_t errlen);
/* Close; requests still queued or in flight end without callbacks. */
void	snmp_agent_close(struct snmp_agent *);

/* GET of n OIDs (n <= 64).  Completion through cb, always from the loop. */
void	snmp_get(struct snmp_agent *, const struct snmp_oid *oids, size_t n,
	    snmp_cb cb, void *arg);
/* GETNEXT of n OIDs. */
void	snmp_getnext(struct snmp_agent *, const struct snmp_oid *oids,
	    size_t n, snmp_cb cb, void *arg);
/*
 * Walk the subtree under root (GETBULK for v2c/v3, GETNEXT for v1), at
 * most max_rows varbinds (0: 100000); all rows arrive in one response.
 */
void	snmp_walk(struct snmp_agent *, const struct snmp_oid *root,
	    size_t max_rows, snmp_cb cb, void *arg);

int	snmp_auth_parse(const char *, enum snmp_auth *);
int	snmp_priv_parse(const char *, enum snmp_priv *);
int	snmp_level_parse(const char *, enum snmp_level *);

#endif
