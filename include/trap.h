/*
 * The trap receiver: listens on a UDP port, takes SNMPv1, v2c and v3 traps
 * and informs (acknowledging informs), turns v1 traps into v2 form, checks
 * the community or user, and maps the notifications nocwatch acts on to
 * events.  Unknown or malformed packets are counted and dropped.
 */
#ifndef NOCWATCH_TRAP_H
#define NOCWATCH_TRAP_H

#include <stddef.h>
#include <stdint.h>

#include "oids.h"
#include "snmpval.h"

struct event_base;
struct trap_listener;
struct snmp_pdu;

enum trap_event {
	TRAP_EV_OTHER = 0,
	TRAP_EV_LINK_DOWN,
	TRAP_EV_LINK_UP,
	TRAP_EV_UPS_ON_BATTERY,
	TRAP_EV_UPS_BATTERY_LOW,
	TRAP_EV_UPS_ON_UTILITY,
	TRAP_EV_AP_DISASSOCIATED,
	TRAP_EV_AP_ASSOCIATED,
	TRAP_EV_COLD_START,
	TRAP_EV_WARM_START,
	TRAP_EV_AUTH_FAILURE,
	TRAP_EV_BGP_DOWN,		/* a BGP session left established */
	TRAP_EV_BGP_UP,			/* a BGP session established */
	TRAP_EV_COUNT
};

struct trap {
	int		 version;	/* 1, 2 (v2c) or 3 */
	int		 inform;
	char		 source[64];	/* sender's address */
	uint32_t	 uptime;	/* sysUpTime.0 of the sender, ticks */
	struct snmp_oid	 oid;		/* snmpTrapOID.0 (v1 converted) */
	enum trap_event	 event;
	long		 if_index;	/* link traps, else -1 */
	struct snmp_vb	*vb;		/* the other varbinds, owned */
	size_t		 nvb;
};

struct trap_auth {
	/* Accepted v1/v2c communities: "NAME" from anywhere, or
	 * "NAME from ADDR[/LEN]" from that source only. */
	const char	*const *communities;
	size_t		 ncommunities;
	/*
	 * SNMPv3: net-snmp createUser lines ("[-e ENGINEID] NAME PROTO PASS
	 * [PROTO PASS]"), each optionally ending in " from ADDR[/LEN]".  A v3
	 * message is accepted only from one of these users (never the empty
	 * user the poller discovers engine IDs with), from its source, and at
	 * v3_min_level or above (0: authNoPriv).
	 */
	const char	*const *v3_users;
	size_t		 nv3_users;
	int		 v3_min_level;		/* enum snmp_level */
};

struct trap_stats {
	unsigned long long	packets, accepted, bad_community, dropped,
				informs_acked;
	/* Rejected after net-snmp parsed (and for v3, authenticated) them. */
	unsigned long long	bad_source;	/* known name, other source */
	unsigned long long	v3_bad_user;	/* not a configured user */
	unsigned long long	v3_low_level;	/* under the minimum level */
	unsigned long long	v3_auth_failed;	/* wrong digest (USM) */
	unsigned long long	kernel_drops;	/* the socket's buffer overflowed */
};

/* trap and its varbinds are valid only during the call. */
typedef void (*trap_cb)(const struct trap *, void *arg);

/*
 * Listen on "[ADDR:]PORT" (IPv4 or [IPv6]).  auth is copied.  NULL with
 * err when the port cannot be bound or a v3 user line is bad.
 */
struct trap_listener *trap_listen(struct event_base *, const char *where,
	    const struct trap_auth *auth, trap_cb cb, void *arg, char *err,
	    size_t errlen);
void	trap_listener_free(struct trap_listener *);
void	trap_listener_stats(const struct trap_listener *, struct trap_stats *);

/*
 * Decode a received PDU into t (v1 converted to v2 form); 0, or -1 when it
 * is not a notification or is malformed.  Free with trap_clear.
 */
int	trap_from_pdu(const struct snmp_pdu *, const char *source,
	    struct trap *t);
void	trap_clear(struct trap *);
/* Stable event names: "link-down", "ups-on-battery", ..., "other". */
const char *trap_event_name(enum trap_event);
/* One display line (device strings escaped), bounded by len. */
char	*trap_format(const struct trap *, char *buf, size_t len);

#endif
