#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "escape.h"
#include "snmpval.h"
#include "xmalloc.h"

static const char *const type_names[] = {
	[SV_NULL] = "NULL", [SV_INTEGER] = "INTEGER", [SV_STRING] = "STRING",
	[SV_OID] = "OID", [SV_IPADDR] = "IpAddress",
	[SV_COUNTER32] = "Counter32", [SV_GAUGE32] = "Gauge32",
	[SV_TIMETICKS] = "Timeticks", [SV_OPAQUE] = "Opaque",
	[SV_COUNTER64] = "Counter64", [SV_FLOAT] = "Float",
	[SV_DOUBLE] = "Double", [SV_NOSUCHOBJECT] = "noSuchObject",
	[SV_NOSUCHINSTANCE] = "noSuchInstance",
	[SV_ENDOFMIBVIEW] = "endOfMibView", [SV_UNKNOWN] = "unknown",
};

const char *
snmpval_type_name(enum snmp_vtype t)
{
	return (unsigned)t <= SV_UNKNOWN ? type_names[t] : "unknown";
}

static void
copy_bytes(struct snmp_vb *vb, const u_char *p, size_t n)
{
	if (n > SNMP_MAX_STRING) {
		n = SNMP_MAX_STRING;
		vb->truncated = 1;
	}
	vb->str = xmalloc(n + 1);
	if (n > 0 && p != NULL)
		memcpy(vb->str, p, n);
	vb->str[n] = '\0';
	vb->len = n;
}

int
snmpval_from_netsnmp(const struct variable_list *v, struct snmp_vb *vb)
{
	size_t i;

	memset(vb, 0, sizeof(*vb));
	if (v->name_length > OID_MAX_LEN)
		return -1;
	for (i = 0; i < v->name_length; i++)
		vb->name.n[i] = (uint32_t)v->name[i];
	vb->name.len = v->name_length;
	switch (v->type) {
	case ASN_NULL:
		vb->type = SV_NULL;
		break;
	case ASN_INTEGER:
		if (v->val.integer == NULL)
			return -1;
		vb->type = SV_INTEGER;
		vb->i = *v->val.integer;
		break;
	case ASN_OCTET_STR:
	case ASN_BIT_STR:
		vb->type = SV_STRING;
		copy_bytes(vb, v->val.string, v->val_len);
		break;
	case ASN_OPAQUE:
		vb->type = SV_OPAQUE;
		copy_bytes(vb, v->val.string, v->val_len);
		break;
	case ASN_IPADDRESS:
		if (v->val_len != 4 || v->val.string == NULL)
			return -1;
		vb->type = SV_IPADDR;
		copy_bytes(vb, v->val.string, 4);
		break;
	case ASN_OBJECT_ID:
		if (v->val.objid == NULL ||
		    v->val_len / sizeof(oid) > OID_MAX_LEN)
			return -1;
		vb->type = SV_OID;
		vb->oid = xcalloc(1, sizeof(*vb->oid));
		vb->oid->len = v->val_len / sizeof(oid);
		for (i = 0; i < vb->oid->len; i++)
			vb->oid->n[i] = (uint32_t)v->val.objid[i];
		break;
	case ASN_COUNTER:
	case ASN_GAUGE:
	case ASN_TIMETICKS:
	case ASN_UINTEGER:
		if (v->val.integer == NULL)
			return -1;
		vb->type = v->type == ASN_COUNTER ? SV_COUNTER32 :
		    v->type == ASN_TIMETICKS ? SV_TIMETICKS : SV_GAUGE32;
		vb->u = (uint32_t)*v->val.integer;
		break;
	case ASN_COUNTER64:
#ifdef NETSNMP_WITH_OPAQUE_SPECIAL_TYPES
	case ASN_OPAQUE_COUNTER64:
	case ASN_OPAQUE_U64:
#endif
		if (v->val.counter64 == NULL)
			return -1;
		vb->type = SV_COUNTER64;
		vb->u = (uint64_t)v->val.counter64->high << 32 |
		    (uint32_t)v->val.counter64->low;
		break;
#ifdef NETSNMP_WITH_OPAQUE_SPECIAL_TYPES
	case ASN_OPAQUE_FLOAT:
		if (v->val.floatVal == NULL)
			return -1;
		vb->type = SV_FLOAT;
		vb->d = *v->val.floatVal;
		break;
	case ASN_OPAQUE_DOUBLE:
		if (v->val.doubleVal == NULL)
			return -1;
		vb->type = SV_DOUBLE;
		vb->d = *v->val.doubleVal;
		break;
#endif
	case SNMP_NOSUCHOBJECT:
		vb->type = SV_NOSUCHOBJECT;
		break;
	case SNMP_NOSUCHINSTANCE:
		vb->type = SV_NOSUCHINSTANCE;
		break;
	case SNMP_ENDOFMIBVIEW:
		vb->type = SV_ENDOFMIBVIEW;
		break;
	default:
		vb->type = SV_UNKNOWN;
		copy_bytes(vb, v->val.string, v->val.string ? v->val_len : 0);
		break;
	}
	return 0;
}

void
snmpval_clear(struct snmp_vb *vb)
{
	free(vb->str);
	free(vb->oid);
	vb->str = NULL;
	vb->oid = NULL;
	vb->len = 0;
}

void
snmpval_free_array(struct snmp_vb *vbs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		snmpval_clear(&vbs[i]);
	free(vbs);
}

void
snmpval_copy(struct snmp_vb *dst, const struct snmp_vb *src)
{
	*dst = *src;
	if (src->str != NULL) {
		dst->str = xmalloc(src->len + 1);
		memcpy(dst->str, src->str, src->len + 1);
	}
	if (src->oid != NULL) {
		dst->oid = xmalloc(sizeof(*dst->oid));
		*dst->oid = *src->oid;
	}
}

int
snmpval_number(const struct snmp_vb *vb, double *out)
{
	switch (vb->type) {
	case SV_INTEGER:
		*out = (double)vb->i;
		return 1;
	case SV_COUNTER32:
	case SV_GAUGE32:
	case SV_TIMETICKS:
	case SV_COUNTER64:
		*out = (double)vb->u;
		return 1;
	case SV_FLOAT:
	case SV_DOUBLE:
		*out = vb->d;
		return 1;
	default:
		return 0;
	}
}

int
snmpval_is_exception(const struct snmp_vb *vb)
{
	return vb->type == SV_NOSUCHOBJECT || vb->type == SV_NOSUCHINSTANCE ||
	    vb->type == SV_ENDOFMIBVIEW;
}

static int
mostly_binary(const uint8_t *s, size_t n)
{
	size_t i, bad = 0;

	for (i = 0; i < n; i++)
		if ((s[i] < 0x20 || s[i] >= 0x7f) && s[i] != '\t' &&
		    s[i] != '\r' && s[i] != '\n')
			bad++;
	/* Trailing NULs are common in device strings; MACs are all binary. */
	return n > 0 && bad * 4 > n;
}

static char *
format_hex(const uint8_t *s, size_t n, char *buf, size_t len)
{
	size_t i, off = 0;

	buf[0] = '\0';
	for (i = 0; i < n && off + 4 < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%02x",
		    i ? ":" : "", s[i]);
	if (i < n && len > 4)
		snprintf(buf + (off > len - 4 ? len - 4 : off), 4, "...");
	return buf;
}

char *
snmpval_format(const struct snmp_vb *vb, char *buf, size_t len)
{
	const struct oid_def *d;
	const char *label;
	char tmp[256];
	uint64_t t;

	switch (vb->type) {
	case SV_INTEGER:
		d = oid_find_prefix(&vb->name);
		label = oid_enum_label(d, (long)vb->i);
		if (label != NULL)
			snprintf(buf, len, "%s(%lld)", label, (long long)vb->i);
		else
			snprintf(buf, len, "%lld", (long long)vb->i);
		break;
	case SV_STRING:
	case SV_OPAQUE:
	case SV_UNKNOWN:
		if (mostly_binary(vb->str, vb->len))
			format_hex(vb->str, vb->len, buf, len);
		else {
			char *e = xmalloc(len);

			str_escape(e, len > 2 ? len - 2 : 1, vb->str, vb->len);
			snprintf(buf, len, "\"%s\"", e);
			free(e);
		}
		break;
	case SV_IPADDR:
		snprintf(buf, len, "%u.%u.%u.%u", vb->str[0], vb->str[1],
		    vb->str[2], vb->str[3]);
		break;
	case SV_OID:
		oid_format(vb->oid, tmp, sizeof(tmp));
		snprintf(buf, len, "%s", tmp);
		break;
	case SV_TIMETICKS:
		t = vb->u / 100;
		snprintf(buf, len, "%llu (%llud %02llu:%02llu:%02llu.%02llu)",
		    (unsigned long long)vb->u, (unsigned long long)(t / 86400),
		    (unsigned long long)(t / 3600 % 24),
		    (unsigned long long)(t / 60 % 60),
		    (unsigned long long)(t % 60),
		    (unsigned long long)(vb->u % 100));
		break;
	case SV_COUNTER32:
	case SV_GAUGE32:
	case SV_COUNTER64:
		snprintf(buf, len, "%llu", (unsigned long long)vb->u);
		break;
	case SV_FLOAT:
	case SV_DOUBLE:
		snprintf(buf, len, "%g", vb->d);
		break;
	default:
		snprintf(buf, len, "%s", snmpval_type_name(vb->type));
		break;
	}
	return buf;
}

enum counter_status
counter_rate(const struct counter_sample *prev, const struct counter_sample *cur,
    int bits, double max_rate, double *rate)
{
	double dt = (cur->t_ms - prev->t_ms) / 1000, r;
	uint64_t delta;

	if (dt <= 0)
		return COUNTER_INVALID;
	/* sysUpTime going backwards: the agent restarted, counters restarted. */
	if (prev->uptime != 0 && cur->uptime != 0 && cur->uptime < prev->uptime)
		return COUNTER_RESET;
	if (cur->value >= prev->value) {
		r = (double)(cur->value - prev->value) / dt;
		if (max_rate > 0 && r > max_rate)
			return COUNTER_INVALID;
		*rate = r;
		return COUNTER_OK;
	}
	if (bits != 32 || prev->value > UINT32_MAX || cur->value > UINT32_MAX)
		return COUNTER_RESET;
	delta = (uint64_t)UINT32_MAX - prev->value + cur->value + 1;
	r = (double)delta / dt;
	/* A "wrap" faster than the line could carry is really a reset. */
	if (max_rate > 0 && r > max_rate)
		return COUNTER_RESET;
	*rate = r;
	return COUNTER_WRAPPED;
}

double
if_speed_bps(uint64_t if_speed, int has_high, uint64_t if_high_speed)
{
	if (has_high && if_high_speed > 0)
		return (double)if_high_speed * 1e6;
	return (double)if_speed;
}

double
sensor_value(int64_t raw, int scale, int precision)
{
	/* ENTITY-SENSOR-MIB SensorDataScale: yocto(1) .. units(9) .. yotta(17) */
	int exp = 0;

	if (scale >= 1 && scale <= 17)
		exp = (scale - 9) * 3;
	/* The MIB lists exa(14) before peta(15). */
	if (scale == 14)
		exp = 18;
	else if (scale == 15)
		exp = 15;
	if (precision < -8 || precision > 9)
		precision = 0;
	return (double)raw * pow(10, exp) / pow(10, precision);
}
