/*
 * The built-in OID catalogue: the objects nocwatch uses, by name and by
 * number, so no MIB file is needed at run time.  Names accept an index
 * suffix ("ifOperStatus.3"); numeric OIDs always work.
 */
#ifndef NOCWATCH_OIDS_H
#define NOCWATCH_OIDS_H

#include <stddef.h>
#include <stdint.h>

#define OID_MAX_LEN	128

struct snmp_oid {
	uint32_t	n[OID_MAX_LEN];
	size_t		len;
};

struct oid_def {
	const char	*name;
	const char	*oid;		/* dotted, no leading dot */
	const char	*mib;
	const char	*enums;		/* "1:up,2:down,..." or NULL */
	int		 table;		/* 1: a table (its entry is oid.1) */
};

/*
 * Parse "1.3.6.1.2.1.1.5.0", ".1.3.6...", "sysName.0", "ifOperStatus.3" or
 * "ifTable" into out.  0, or -1 with a reason in err.
 */
int	oid_parse(const char *s, struct snmp_oid *out, char *err, size_t errlen);
/* The catalogue entry with this name (case-sensitive), or NULL. */
const struct oid_def *oid_find_name(const char *name);
/* The entry whose OID is the longest prefix of o, or NULL. */
const struct oid_def *oid_find_prefix(const struct snmp_oid *o);
/* "sysName.0" when known, else the dotted number. */
char	*oid_format(const struct snmp_oid *o, char *buf, size_t len);
/* The dotted number, "1.3.6.1.2.1.1.5.0". */
char	*oid_format_numeric(const struct snmp_oid *o, char *buf, size_t len);
/* The enumeration label for v ("down"), or NULL. */
const char *oid_enum_label(const struct oid_def *, long v);
/*
 * Does value v of an object (d, or NULL when not catalogued) meet expect:
 * a number or one of d's labels ("up", "established", "normal"), or
 * several separated by '|' ("normal|bypass")?
 */
int	oid_expect_match(const struct oid_def *d, double v, const char *expect);
/* 0 if each word of expect is a number or a label of d; else -1, err. */
int	oid_expect_check(const struct oid_def *d, const char *expect,
	    char *err, size_t errlen);
/* 1 if o starts with prefix. */
int	oid_has_prefix(const struct snmp_oid *o, const struct snmp_oid *prefix);
/* 1 if o is under prefix, a name or a dotted number ("sysUpTime"). */
int	oid_under(const struct snmp_oid *o, const char *prefix);
/* <0, 0, >0 as a is before, equal to, after b in lexicographic order. */
int	oid_compare(const struct snmp_oid *a, const struct snmp_oid *b);
/*
 * UPSes of RFC 1628 (UPS-MIB) and of APC's PowerNet-MIB as one model: which
 * reading o is, and v in UPS-MIB terms in *norm (upsOutputSource and
 * upsBatteryStatus codes, minutes, percent), NAN when v says nothing
 * (unknown, rebooting).  UPS_NONE when o is none of the four readings.
 */
enum ups_reading {
	UPS_NONE = -1, UPS_CHARGE, UPS_MINUTES, UPS_SOURCE, UPS_BATTERY
};
enum ups_reading oid_ups_reading(const struct snmp_oid *o, double v,
	    double *norm);
/* 1 if o is under a Wi-Fi controller's AP group (Cisco bsnAP*, Aruba). */
int	oid_is_ap(const struct snmp_oid *o);
/* 1 if o is under UPS-MIB or PowerNet-MIB's UPS group. */
int	oid_is_ups(const struct snmp_oid *o);
/* The number of catalogue entries, and entry i (for listings). */
size_t	oid_catalogue_size(void);
const struct oid_def *oid_catalogue_entry(size_t i);

#endif
