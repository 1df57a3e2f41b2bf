/*
 * SNMP values as nocwatch holds them, independent of net-snmp's types:
 * decoding from net-snmp varbinds (bounded), display with device strings
 * escaped, numeric views, and counter rates that survive wraps and
 * agent restarts.
 */
#ifndef NOCWATCH_SNMPVAL_H
#define NOCWATCH_SNMPVAL_H

#include <stddef.h>
#include <stdint.h>

#include "oids.h"

#define SNMP_MAX_STRING	65535	/* longer strings are cut and flagged */

enum snmp_vtype {
	SV_NULL = 0, SV_INTEGER, SV_STRING, SV_OID, SV_IPADDR, SV_COUNTER32,
	SV_GAUGE32, SV_TIMETICKS, SV_OPAQUE, SV_COUNTER64, SV_FLOAT, SV_DOUBLE,
	SV_NOSUCHOBJECT, SV_NOSUCHINSTANCE, SV_ENDOFMIBVIEW, SV_UNKNOWN
};

struct snmp_vb {
	struct snmp_oid	 name;
	enum snmp_vtype	 type;
	int64_t		 i;		/* INTEGER */
	uint64_t	 u;		/* Counter32/64, Gauge32, TimeTicks */
	double		 d;		/* Opaque float/double */
	uint8_t		*str;		/* STRING, Opaque, IpAddress: owned */
	size_t		 len;
	int		 truncated;
	struct snmp_oid	*oid;		/* OBJECT IDENTIFIER value: owned */
};

struct variable_list;

/* Copy a net-snmp varbind into vb (allocates); -1 if it is malformed. */
int	snmpval_from_netsnmp(const struct variable_list *, struct snmp_vb *);
/* Free what vb owns (not vb itself). */
void	snmpval_clear(struct snmp_vb *);
void	snmpval_free_array(struct snmp_vb *, size_t n);
/* Deep copy. */
void	snmpval_copy(struct snmp_vb *dst, const struct snmp_vb *src);
const char *snmpval_type_name(enum snmp_vtype);
/* 1 and *out for numeric types (INTEGER, counters, gauges, ticks, floats). */
int	snmpval_number(const struct snmp_vb *, double *out);
/* 1 for the v2 exceptions (noSuchObject, noSuchInstance, endOfMibView). */
int	snmpval_is_exception(const struct snmp_vb *);
/*
 * The value alone, for display: enumerations labelled ("down(2)"),
 * strings quoted with control and non-ASCII bytes escaped (or as hex when
 * mostly binary), ticks as days and time.  Never longer than len.
 */
char	*snmpval_format(const struct snmp_vb *, char *buf, size_t len);

/* One reading of a counter, with the agent's sysUpTime when known. */
struct counter_sample {
	uint64_t	value;
	uint32_t	uptime;		/* sysUpTime in ticks; 0: unknown */
	double		t_ms;		/* when read (monotonic ms) */
};

enum counter_status {
	COUNTER_OK = 0,
	COUNTER_WRAPPED,	/* a 32-bit counter wrapped once: rate is right */
	COUNTER_RESET,		/* the agent restarted: no rate this time */
	COUNTER_INVALID,	/* no time passed, or above max_rate */
};

/*
 * Per-second rate between two readings of a counter of `bits` (32 or 64).
 * A decrease is a wrap for Counter32 unless sysUpTime went backwards or the
 * wrapped rate exceeds max_rate (a restart, not traffic); for Counter64 a
 * decrease is always a reset.  *rate is set only for OK and WRAPPED.
 */
enum counter_status counter_rate(const struct counter_sample *prev,
	    const struct counter_sample *cur, int bits, double max_rate,
	    double *rate);
/* Interface speed in bit/s: ifHighSpeed (Mbit/s) when set, else ifSpeed. */
double	if_speed_bps(uint64_t if_speed, int has_high, uint64_t if_high_speed);
/* An ENTITY-SENSOR value with its scale (enum 1..17) and precision. */
double	sensor_value(int64_t raw, int scale, int precision);

#endif
