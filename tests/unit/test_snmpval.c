/*
 * SNMP values and traps with crafted inputs: oversized and binary
 * strings, hostile device names, every type, counters that wrap or reset,
 * the OID catalogue, and notifications built as net-snmp PDUs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include "oids.h"
#include "snmp.h"
#include "snmpval.h"
#include "trap.h"
#include "unit.h"

static netsnmp_variable_list *
var(const char *dotted, u_char type, const void *val, size_t len)
{
	netsnmp_variable_list *v = calloc(1, sizeof(*v));
	struct snmp_oid o;
	oid name[OID_MAX_LEN];
	char err[64];
	size_t i;

	oid_parse(dotted, &o, err, sizeof(err));
	for (i = 0; i < o.len; i++)
		name[i] = o.n[i];
	snmp_set_var_objid(v, name, o.len);
	snmp_set_var_typed_value(v, type, val, len);
	return v;
}

static void
test_strings(void)
{
	const char hostile[] = "<script>alert(1)</script>\x1b[2J\r\n";
	char big[70000], out[256];
	netsnmp_variable_list *v;
	struct snmp_vb vb;
	const u_char bin[] = { 0x00, 0x1b, 0x21, 0xff, 0xfe, 0x80 };
	const u_char latin1[] = "caf\xe9 in the library \xff\xfe";

	v = var("sysName.0", ASN_OCTET_STR, hostile, strlen(hostile));
	CHECK(snmpval_from_netsnmp(v, &vb) == 0 && vb.type == SV_STRING,
	    "hostile sysName decodes as a string");
	snmpval_format(&vb, out, sizeof(out));
	CHECK(strcmp(out, "\"<script>alert(1)</script>\\x1b[2J\\x0d\\x0a\"") == 0,
	    "control characters escaped, markup kept as text");
	snmpval_clear(&vb);
	snmp_free_var(v);

	memset(big, 'A', sizeof(big));
	v = var("sysDescr.0", ASN_OCTET_STR, big, sizeof(big));
	CHECK(snmpval_from_netsnmp(v, &vb) == 0 && vb.len == SNMP_MAX_STRING &&
	    vb.truncated, "oversized string is cut and flagged");
	snmpval_format(&vb, out, sizeof(out));
	CHECK(strlen(out) < sizeof(out) && strstr(out, "...") != NULL,
	    "oversized string display is bounded");
	snmpval_clear(&vb);
	snmp_free_var(v);

	v = var("ifPhysAddress.1", ASN_OCTET_STR, bin, sizeof(bin));
	snmpval_from_netsnmp(v, &vb);
	CHECK(strcmp(snmpval_format(&vb, out, sizeof(out)),
	    "00:1b:21:ff:fe:80") == 0, "binary string shown as hex");
	snmpval_clear(&vb);
	snmp_free_var(v);

	v = var("sysLocation.0", ASN_OCTET_STR, latin1, sizeof(latin1) - 1);
	snmpval_from_netsnmp(v, &vb);
	snmpval_format(&vb, out, sizeof(out));
	CHECK(strcmp(out, "\"caf\\xe9 in the library \\xff\\xfe\"") == 0,
	    "non-UTF-8 bytes escaped");
	snmpval_clear(&vb);
	snmp_free_var(v);
}

static void
test_types(void)
{
	long i = 2;
	u_long u = 4294967295UL;
	struct counter64 c64 = { 0x1, 0x2 };
	oid o[] = { 1, 3, 6, 1, 2, 1, 33, 1, 6, 3, 3 };
	u_char ip[] = { 198, 51, 100, 7 };
	netsnmp_variable_list *v;
	struct snmp_vb vb;
	char out[128];
	double d;

	v = var("ifOperStatus.3", ASN_INTEGER, &i, sizeof(i));
	snmpval_from_netsnmp(v, &vb);
	CHECK(vb.type == SV_INTEGER && vb.i == 2 &&
	    strcmp(snmpval_format(&vb, out, sizeof(out)), "down(2)") == 0,
	    "enumeration labelled");
	snmp_free_var(v);
	v = var("ifInOctets.3", ASN_COUNTER, &u, sizeof(u));
	snmpval_from_netsnmp(v, &vb);
	CHECK(vb.type == SV_COUNTER32 && vb.u == 4294967295ULL &&
	    snmpval_number(&vb, &d) && d == 4294967295.0, "Counter32 max");
	snmp_free_var(v);
	v = var("ifHCInOctets.3", ASN_COUNTER64, &c64, sizeof(c64));
	snmpval_from_netsnmp(v, &vb);
	CHECK(vb.type == SV_COUNTER64 && vb.u == 0x100000002ULL, "Counter64");
	snmp_free_var(v);
	v = var("upsAlarmDescr.1", ASN_OBJECT_ID, o, sizeof(o));
	snmpval_from_netsnmp(v, &vb);
	CHECK(vb.type == SV_OID && strcmp(snmpval_format(&vb, out,
	    sizeof(out)), "upsAlarmLowBattery") == 0, "OID value named");
	snmpval_clear(&vb);
	snmp_free_var(v);
	v = var("1.3.6.1.4.1.9.1", ASN_IPADDRESS, ip, sizeof(ip));
	snmpval_from_netsnmp(v, &vb);
	CHECK(strcmp(snmpval_format(&vb, out, sizeof(out)), "198.51.100.7") == 0,
	    "IpAddress");
	snmpval_clear(&vb);
	snmp_free_var(v);
	u = 8640123;
	v = var("sysUpTime.0", ASN_TIMETICKS, &u, sizeof(u));
	snmpval_from_netsnmp(v, &vb);
	CHECK(strcmp(snmpval_format(&vb, out, sizeof(out)),
	    "8640123 (1d 00:00:01.23)") == 0, "TimeTicks as days and time");
	snmp_free_var(v);
	v = var("sysName.0", SNMP_NOSUCHINSTANCE, NULL, 0);
	snmpval_from_netsnmp(v, &vb);
	CHECK(snmpval_is_exception(&vb) && !snmpval_number(&vb, &d),
	    "noSuchInstance is an exception, not a number");
	snmp_free_var(v);
}

static void
test_counters(void)
{
	struct counter_sample a = { 4294967000ULL, 1000, 0 };
	struct counter_sample b = { 704ULL, 7000, 60000 };
	double rate = -1;

	CHECK(counter_rate(&a, &b, 32, 1e9, &rate) == COUNTER_WRAPPED &&
	    fabs(rate - 1000.0 / 60) < 1e-9, "Counter32 wrap gives the true rate");
	b.uptime = 500;		/* sysUpTime went backwards: a restart */
	CHECK(counter_rate(&a, &b, 32, 1e9, &rate) == COUNTER_RESET,
	    "agent restart is a reset, not a spike");
	b.uptime = 7000;
	CHECK(counter_rate(&a, &b, 64, 1e9, &rate) == COUNTER_RESET,
	    "Counter64 going down is a reset");
	a.value = 100;
	b.value = 4000000000ULL;
	CHECK(counter_rate(&a, &b, 32, 1e6, &rate) == COUNTER_INVALID,
	    "rate above the line's maximum is refused");
	b.value = 700;
	CHECK(counter_rate(&a, &b, 32, 0, &rate) == COUNTER_OK &&
	    fabs(rate - 10) < 1e-9, "plain rate");
	b.t_ms = a.t_ms;
	CHECK(counter_rate(&a, &b, 32, 0, &rate) == COUNTER_INVALID,
	    "no time passed");
	a.value = 4294967000ULL;
	a.uptime = 0;
	b.value = 5;
	b.uptime = 0;
	b.t_ms = 1000;
	CHECK(counter_rate(&a, &b, 32, 1e3, &rate) == COUNTER_WRAPPED &&
	    fabs(rate - 301) < 1e-9, "a plausible wrap without uptime");
	CHECK(counter_rate(&a, &b, 32, 100, &rate) == COUNTER_RESET,
	    "an implausible wrap without uptime is a reset");
	CHECK(if_speed_bps(4294967295ULL, 1, 10000) == 1e10,
	    "ifHighSpeed preferred over a saturated ifSpeed");
	CHECK(if_speed_bps(100000000ULL, 1, 0) == 1e8,
	    "ifSpeed when ifHighSpeed is 0");
	CHECK(fabs(sensor_value(-1234, 9, 2) - -12.34) < 1e-9,
	    "sensor value with precision (dBm)");
	CHECK(fabs(sensor_value(5, 8, 0) - 0.005) < 1e-12, "milli scale");
}

/*
 * Every catalogue entry: its number parses, no two share a name or a
 * number, and a number shows as its own name.  Spot checks against the
 * RFC texts, where a slip would go unseen (a wrong UPS alarm).
 */
static void
test_catalogue(void)
{
	const struct oid_def *a, *b;
	struct snmp_oid o;
	char err[128], buf[160];
	size_t i, j, n = oid_catalogue_size(), bad = 0, dup = 0, named = 0;
	static const char *const rfc[][2] = {
		{ "upsAlarmShutdownImminent", "1.3.6.1.2.1.33.1.6.3.23" },
		{ "upsAlarmDiagnosticTestFailed", "1.3.6.1.2.1.33.1.6.3.19" },
		{ "upsAlarmOnBypass", "1.3.6.1.2.1.33.1.6.3.9" },
		{ "upsOutputPercentLoad", "1.3.6.1.2.1.33.1.4.4.1.5" },
		{ "ifHCOutBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.13" },
		{ "ifCounterDiscontinuityTime", "1.3.6.1.2.1.31.1.1.1.19" },
		{ "bgpPeerState", "1.3.6.1.2.1.15.3.1.2" },
		{ "bgpBackwardTransNotification", "1.3.6.1.2.1.15.0.2" },
		{ "entPhysicalSerialNum", "1.3.6.1.2.1.47.1.1.1.1.11" },
		{ "hrDeviceStatus", "1.3.6.1.2.1.25.3.2.1.5" },
		{ "snmpInBadCommunityNames", "1.3.6.1.2.1.11.4" },
	};

	for (i = 0; i < n; i++) {
		a = oid_catalogue_entry(i);
		if (oid_parse(a->oid, &o, err, sizeof(err)) == -1)
			bad++;
		else if (strcmp(oid_format(&o, buf, sizeof(buf)), a->name) == 0)
			named++;
		for (j = i + 1; j < n; j++) {
			b = oid_catalogue_entry(j);
			dup += strcmp(a->name, b->name) == 0 ||
			    strcmp(a->oid, b->oid) == 0;
		}
	}
	CHECK(n > 150 && bad == 0, "every catalogue number parses");
	CHECK(dup == 0, "no two catalogue entries share a name or a number");
	CHECK(named == n, "each catalogue number shows as its name");
	for (i = 0; i < sizeof(rfc) / sizeof(rfc[0]); i++)
		if ((a = oid_find_name(rfc[i][0])) == NULL ||
		    strcmp(a->oid, rfc[i][1]) != 0)
			break;
	CHECK(i == sizeof(rfc) / sizeof(rfc[0]), "catalogue numbers as the RFCs give them");
	a = oid_find_name("upsOutputSource");
	CHECK(oid_expect_match(a, 3, "normal") && oid_expect_match(a, 4,
	    "normal|bypass") && oid_expect_match(a, 4, "3, 4") &&
	    !oid_expect_match(a, 5, "normal|bypass") &&
	    !oid_expect_match(a, 5, "3") && oid_expect_match(NULL, 7, "7"),
	    "expectations: numbers, labels, several");
	CHECK(oid_expect_check(a, "Normal|4", err, sizeof(err)) == 0 &&
	    oid_expect_check(a, "normal|mains", err, sizeof(err)) == -1 &&
	    strstr(err, "'mains'") != NULL &&
	    oid_expect_check(NULL, "up", err, sizeof(err)) == -1 &&
	    oid_expect_check(a, "3 4", err, sizeof(err)) == -1 &&
	    oid_expect_check(a, "3|", err, sizeof(err)) == -1,
	    "expectations checked: unknown labels, bad separators");
	CHECK(oid_parse("bgpPeerState.198.51.100.9", &o, err, sizeof(err)) == 0 &&
	    (a = oid_find_prefix(&o)) != NULL &&
	    strcmp(oid_enum_label(a, 6), "established") == 0,
	    "bgpPeerState of a peer, and its established(6)");
}

static void
test_oids(void)
{
	struct snmp_oid o, p;
	char err[128], buf[128];

	CHECK(oid_parse("ifOperStatus.3", &o, err, sizeof(err)) == 0 &&
	    strcmp(oid_format_numeric(&o, buf, sizeof(buf)),
	    "1.3.6.1.2.1.2.2.1.8.3") == 0, "name with index");
	CHECK(oid_parse(".1.3.6.1.2.1.33.1.4.1.0", &o, err, sizeof(err)) == 0 &&
	    strcmp(oid_format(&o, buf, sizeof(buf)), "upsOutputSource.0") == 0,
	    "numeric with a leading dot, shown by name");
	CHECK(oid_parse("1.3.6.1.4.1.99999.1", &o, err, sizeof(err)) == 0 &&
	    strcmp(oid_format(&o, buf, sizeof(buf)), "1.3.6.1.4.1.99999.1") == 0,
	    "unknown OID stays numeric");
	CHECK(oid_parse("IF-MIB::ifOperStatus.3", &o, err, sizeof(err)) == 0 &&
	    strcmp(oid_format_numeric(&o, buf, sizeof(buf)),
	    "1.3.6.1.2.1.2.2.1.8.3") == 0, "MODULE::name, as net-snmp writes it");
	CHECK(oid_parse("SNMPv2-SMI::enterprises.9.9.91.1.1.1.1.4.1001", &o,
	    err, sizeof(err)) == 0 && strcmp(oid_format(&o, buf, sizeof(buf)),
	    "entSensorValue.1001") == 0 &&
	    oid_parse("iso.3.6.1.2.1.1.3.0", &o, err, sizeof(err)) == 0 &&
	    strcmp(oid_format(&o, buf, sizeof(buf)), "sysUpTime.0") == 0,
	    "registration tree nodes (iso, enterprises), shown by object name");
	CHECK(oid_parse("::sysName.0", &o, err, sizeof(err)) == -1 &&
	    oid_parse("IF MIB::ifIndex.1", &o, err, sizeof(err)) == -1,
	    "a malformed module prefix is refused");
	CHECK(oid_parse("1.3..6", &o, err, sizeof(err)) == -1, "empty arc");
	CHECK(oid_parse("1.3.6.", &o, err, sizeof(err)) == -1, "trailing dot");
	CHECK(oid_parse("1.3.99999999999", &o, err, sizeof(err)) == -1,
	    "sub-identifier over 32 bits");
	CHECK(oid_parse("bogusName.0", &o, err, sizeof(err)) == -1 &&
	    strstr(err, "unknown object name") != NULL, "unknown name");
	oid_parse("ifTable", &p, err, sizeof(err));
	oid_parse("ifDescr.2", &o, err, sizeof(err));
	CHECK(oid_has_prefix(&o, &p) && oid_compare(&p, &o) < 0,
	    "prefix and order");
	CHECK(oid_find_name("bsnAPOperationStatus") != NULL &&
	    oid_find_name("upsEstimatedMinutesRemaining") != NULL &&
	    oid_find_name("entSensorValue") != NULL &&
	    oid_find_name("hrProcessorLoad") != NULL &&
	    oid_find_name("ifHCInOctets") != NULL, "catalogue covers the MIBs");
	test_catalogue();
}

/* UPS readings of both MIBs in UPS-MIB terms. */
static void
test_ups(void)
{
	struct snmp_oid o;
	char err[160];
	double n;

	oid_parse("upsOutputSource.0", &o, err, sizeof(err));
	CHECK(oid_ups_reading(&o, 5, &n) == UPS_SOURCE && n == 5,
	    "UPS-MIB upsOutputSource battery(5)");
	oid_parse("1.3.6.1.2.1.33.1.2.3.0", &o, err, sizeof(err));
	CHECK(oid_ups_reading(&o, 42, &n) == UPS_MINUTES && n == 42 &&
	    oid_is_ups(&o), "UPS-MIB minutes, given by number");
	oid_parse("upsBasicOutputStatus.0", &o, err, sizeof(err));
	CHECK(oid_ups_reading(&o, 3, &n) == UPS_SOURCE && n == 5,
	    "APC onBattery(3) reads as battery(5)");
	CHECK(oid_ups_reading(&o, 2, &n) == UPS_SOURCE && n == 3,
	    "APC onLine(2) as normal(3)");
	CHECK(oid_ups_reading(&o, 12, &n) == UPS_SOURCE && n == 7,
	    "APC onSmartTrim(12) as reducer(7)");
	CHECK(oid_ups_reading(&o, 7, &n) == UPS_SOURCE && n == 2,
	    "APC off(7) as none(2): the load has no power");
	CHECK(oid_ups_reading(&o, 8, &n) == UPS_SOURCE && isnan(n),
	    "APC rebooting(8) says nothing");
	oid_parse("1.3.6.1.4.1.318.1.1.1.2.2.3.0", &o, err, sizeof(err));
	CHECK(oid_ups_reading(&o, 190200, &n) == UPS_MINUTES && n == 31.7,
	    "APC run time: TimeTicks to minutes");
	oid_parse("upsBasicBatteryStatus.0", &o, err, sizeof(err));
	CHECK(oid_ups_reading(&o, 3, &n) == UPS_BATTERY && n == 3,
	    "APC batteryLow(3)");
	oid_parse("sysUpTime.0", &o, err, sizeof(err));
	CHECK(oid_ups_reading(&o, 3, &n) == UPS_NONE && !oid_is_ups(&o),
	    "sysUpTime is no UPS reading");
}

/* A v1 enterprise-specific trap. */
static netsnmp_pdu *
v1_trap(const oid *ent, size_t len, long specific)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_TRAP);

	pdu->version = SNMP_VERSION_1;
	pdu->enterprise = snmp_duplicate_objid(ent, len);
	pdu->enterprise_length = len;
	pdu->trap_type = 6;
	pdu->specific_type = specific;
	return pdu;
}

static netsnmp_pdu *
v2_trap(const char *trapoid)
{
	netsnmp_pdu *pdu = snmp_pdu_create(SNMP_MSG_TRAP2);
	oid up[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };
	oid to[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };
	struct snmp_oid t;
	oid val[OID_MAX_LEN];
	char err[64];
	u_long ticks = 12345;
	size_t i;

	pdu->version = SNMP_VERSION_2c;
	snmp_pdu_add_variable(pdu, up, 9, ASN_TIMETICKS, &ticks, sizeof(ticks));
	oid_parse(trapoid, &t, err, sizeof(err));
	for (i = 0; i < t.len; i++)
		val[i] = t.n[i];
	snmp_pdu_add_variable(pdu, to, 11, ASN_OBJECT_ID, val,
	    t.len * sizeof(oid));
	return pdu;
}

static void
test_traps(void)
{
	netsnmp_pdu *pdu;
	struct trap t;
	long idx = 7;
	oid ifidx[] = { 1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 7 };
	oid ent[] = { 1, 3, 6, 1, 4, 1, 9 };
	oid apc[] = { 1, 3, 6, 1, 4, 1, 318 };
	char line[512];

	pdu = v2_trap("linkDown");
	snmp_pdu_add_variable(pdu, ifidx, 11, ASN_INTEGER, &idx, sizeof(idx));
	CHECK(trap_from_pdu(pdu, "203.0.113.1", &t) == 0 &&
	    t.event == TRAP_EV_LINK_DOWN && t.if_index == 7 && t.uptime == 12345,
	    "v2c linkDown with ifIndex");
	trap_format(&t, line, sizeof(line));
	CHECK(strstr(line, "linkDown event=link-down ifIndex=7") != NULL,
	    "trap line");
	trap_clear(&t);
	snmp_free_pdu(pdu);

	pdu = v1_trap(ent, 7, 42);
	CHECK(trap_from_pdu(pdu, "x", &t) == 0 &&
	    strcmp(oid_format_numeric(&t.oid, line, sizeof(line)),
	    "1.3.6.1.4.1.9.0.42") == 0, "v1 enterprise-specific trap to v2 form");
	trap_clear(&t);
	pdu->trap_type = 0;
	CHECK(trap_from_pdu(pdu, "x", &t) == 0 && t.event == TRAP_EV_COLD_START,
	    "v1 generic coldStart");
	trap_clear(&t);
	pdu->trap_type = 9;
	CHECK(trap_from_pdu(pdu, "x", &t) == -1, "v1 generic type out of range");
	snmp_free_pdu(pdu);

	/* An APC UPS's v1 upsOnBattery (enterprise apc, specific 5). */
	pdu = v1_trap(apc, 7, 5);
	CHECK(trap_from_pdu(pdu, "x", &t) == 0 &&
	    t.event == TRAP_EV_UPS_ON_BATTERY, "APC upsOnBattery (v1)");
	trap_clear(&t);
	pdu->specific_type = 9;
	CHECK(trap_from_pdu(pdu, "x", &t) == 0 &&
	    t.event == TRAP_EV_UPS_ON_UTILITY, "APC powerRestored (v1)");
	trap_clear(&t);
	snmp_free_pdu(pdu);

	pdu = snmp_pdu_create(SNMP_MSG_TRAP2);
	pdu->version = SNMP_VERSION_2c;
	snmp_pdu_add_variable(pdu, ifidx, 11, ASN_INTEGER, &idx, sizeof(idx));
	CHECK(trap_from_pdu(pdu, "x", &t) == -1,
	    "v2 trap without sysUpTime and snmpTrapOID is malformed");
	snmp_free_pdu(pdu);

	pdu = v2_trap("bsnAPAssociated");
	CHECK(trap_from_pdu(pdu, "x", &t) == 0 && t.event == TRAP_EV_AP_ASSOCIATED,
	    "AP associated");
	trap_clear(&t);
	snmp_free_pdu(pdu);
	pdu = v2_trap("bgpBackwardTransNotification");
	CHECK(trap_from_pdu(pdu, "x", &t) == 0 && t.event == TRAP_EV_BGP_DOWN &&
	    strcmp(trap_event_name(t.event), "bgp-down") == 0,
	    "BGP session down (RFC 4273)");
	trap_clear(&t);
	snmp_free_pdu(pdu);
	pdu = v2_trap("1.3.6.1.2.1.15.7.1");
	CHECK(trap_from_pdu(pdu, "x", &t) == 0 && t.event == TRAP_EV_BGP_UP,
	    "BGP session established (RFC 1657 number)");
	trap_clear(&t);
	snmp_free_pdu(pdu);
	pdu = snmp_pdu_create(SNMP_MSG_GET);
	CHECK(trap_from_pdu(pdu, "x", &t) == -1, "a GET is not a notification");
	snmp_free_pdu(pdu);
}

int
main(void)
{
	snmp_library_init();
	test_strings();
	test_types();
	test_counters();
	test_oids();
	test_ups();
	test_traps();
	return unit_done();
}
