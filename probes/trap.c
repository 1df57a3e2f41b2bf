/*
 * Trap receiver on a net-snmp server transport.  net-snmp parses and, for
 * SNMPv3, authenticates; we check communities, convert, classify, answer
 * informs and count what is dropped.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include <event2/event.h>

#include "log.h"
#include "loopwatch.h"
#include "snmp.h"
#include "trap.h"
#include "xmalloc.h"

/* An accepted community, from any source or from one address range. */
struct trap_community {
	char		*name;
	int		 family;	/* 0: any source */
	uint8_t		 addr[16];
	int		 prefix;
};

struct trap_listener {
	struct event_base	*base;
	void			*sess;
	int			 fd;
	struct event		*rd;
	struct trap_community	*communities;
	size_t			 ncommunities;
	struct trap_community	*users;		/* v3 user names, sources */
	size_t			 nusers;
	int			 min_level;	/* SNMP_SEC_LEVEL_* */
	trap_cb			 cb;
	void			*arg;
	struct trap_stats	 st;
	netsnmp_large_fd_set	 fds;
};

static const char *const event_names[] = {
	[TRAP_EV_OTHER] = "other",
	[TRAP_EV_LINK_DOWN] = "link-down",
	[TRAP_EV_LINK_UP] = "link-up",
	[TRAP_EV_UPS_ON_BATTERY] = "ups-on-battery",
	[TRAP_EV_UPS_BATTERY_LOW] = "ups-battery-low",
	[TRAP_EV_UPS_ON_UTILITY] = "ups-on-utility",
	[TRAP_EV_AP_DISASSOCIATED] = "ap-disassociated",
	[TRAP_EV_AP_ASSOCIATED] = "ap-associated",
	[TRAP_EV_COLD_START] = "cold-start",
	[TRAP_EV_WARM_START] = "warm-start",
	[TRAP_EV_AUTH_FAILURE] = "authentication-failure",
	[TRAP_EV_BGP_DOWN] = "bgp-down",
	[TRAP_EV_BGP_UP] = "bgp-up",
};

const char *
trap_event_name(enum trap_event e)
{
	return (unsigned)e < TRAP_EV_COUNT ? event_names[e] : "other";
}

static int
oid_is(const struct snmp_oid *o, const char *dotted)
{
	struct snmp_oid x;
	char err[64];

	return oid_parse(dotted, &x, err, sizeof(err)) == 0 &&
	    oid_compare(o, &x) == 0;
}

/* The UPS alarm a upsTrapAlarmEntry{Added,Removed} is about, if named. */
static const struct snmp_vb *
ups_alarm_descr(const struct trap *t)
{
	size_t i;

	for (i = 0; i < t->nvb; i++)
		if (oid_under(&t->vb[i].name, "1.3.6.1.2.1.33.1.6.2.1.2") &&
		    t->vb[i].type == SV_OID)
			return &t->vb[i];
	return NULL;
}

static void
trap_classify(struct trap *t)
{
	const struct snmp_vb *d;
	size_t i;

	t->event = TRAP_EV_OTHER;
	t->if_index = -1;
	if (oid_is(&t->oid, "1.3.6.1.6.3.1.1.5.3") ||
	    oid_is(&t->oid, "1.3.6.1.6.3.1.1.5.4")) {
		t->event = t->oid.n[9] == 3 ? TRAP_EV_LINK_DOWN : TRAP_EV_LINK_UP;
		/* ifIndex.N, or any ifTable column's instance. */
		for (i = 0; i < t->nvb; i++)
			if (oid_under(&t->vb[i].name, "1.3.6.1.2.1.2.2.1") &&
			    t->vb[i].name.len == 11) {
				t->if_index = (long)t->vb[i].name.n[10];
				break;
			}
	} else if (oid_is(&t->oid, "1.3.6.1.6.3.1.1.5.1"))
		t->event = TRAP_EV_COLD_START;
	else if (oid_is(&t->oid, "1.3.6.1.6.3.1.1.5.2"))
		t->event = TRAP_EV_WARM_START;
	else if (oid_is(&t->oid, "1.3.6.1.6.3.1.1.5.5"))
		t->event = TRAP_EV_AUTH_FAILURE;
	else if (oid_is(&t->oid, "1.3.6.1.2.1.33.2.1"))
		t->event = TRAP_EV_UPS_ON_BATTERY;
	else if (oid_is(&t->oid, "1.3.6.1.2.1.33.2.3") &&
	    (d = ups_alarm_descr(t)) != NULL) {
		if (oid_is(d->oid, "1.3.6.1.2.1.33.1.6.3.2"))
			t->event = TRAP_EV_UPS_ON_BATTERY;
		else if (oid_is(d->oid, "1.3.6.1.2.1.33.1.6.3.3") ||
		    oid_is(d->oid, "1.3.6.1.2.1.33.1.6.3.4"))
			t->event = TRAP_EV_UPS_BATTERY_LOW;
	} else if (oid_is(&t->oid, "1.3.6.1.2.1.33.2.4") &&
	    (d = ups_alarm_descr(t)) != NULL &&
	    oid_is(d->oid, "1.3.6.1.2.1.33.1.6.3.2"))
		t->event = TRAP_EV_UPS_ON_UTILITY;
	/* APC PowerNet-MIB (v1 traps, enterprise apc, in their v2 form):
	 * upsOnBattery 5, lowBattery 7, powerRestored 9. */
	else if (oid_is(&t->oid, "1.3.6.1.4.1.318.0.5"))
		t->event = TRAP_EV_UPS_ON_BATTERY;
	else if (oid_is(&t->oid, "1.3.6.1.4.1.318.0.7"))
		t->event = TRAP_EV_UPS_BATTERY_LOW;
	else if (oid_is(&t->oid, "1.3.6.1.4.1.318.0.9"))
		t->event = TRAP_EV_UPS_ON_UTILITY;
	else if (oid_is(&t->oid, "1.3.6.1.4.1.14179.2.6.3.8"))
		t->event = TRAP_EV_AP_DISASSOCIATED;
	else if (oid_is(&t->oid, "1.3.6.1.4.1.14179.2.6.3.7"))
		t->event = TRAP_EV_AP_ASSOCIATED;
	/* BGP4-MIB: RFC 4273's notifications, and RFC 1657's older numbers
	 * that many routers still send. */
	else if (oid_is(&t->oid, "1.3.6.1.2.1.15.0.2") ||
	    oid_is(&t->oid, "1.3.6.1.2.1.15.7.2"))
		t->event = TRAP_EV_BGP_DOWN;
	else if (oid_is(&t->oid, "1.3.6.1.2.1.15.0.1") ||
	    oid_is(&t->oid, "1.3.6.1.2.1.15.7.1"))
		t->event = TRAP_EV_BGP_UP;
}

static void
trap_add_vb(struct trap *t, const netsnmp_variable_list *v)
{
	struct snmp_vb vb;

	if (snmpval_from_netsnmp(v, &vb) == -1)
		return;
	t->vb = xreallocarray(t->vb, t->nvb + 1, sizeof(*t->vb));
	t->vb[t->nvb++] = vb;
}

/* RFC 3584 section 3.1: the v2 form of a v1 trap. */
static int
trap_from_v1(const netsnmp_pdu *pdu, struct trap *t)
{
	size_t i;

	if (pdu->enterprise_length > OID_MAX_LEN - 2 ||
	    pdu->trap_type < 0 || pdu->trap_type > 6)
		return -1;
	t->uptime = (uint32_t)pdu->time;
	if (pdu->trap_type < 6) {
		static const uint32_t base[] = { 1, 3, 6, 1, 6, 3, 1, 1, 5 };

		memcpy(t->oid.n, base, sizeof(base));
		t->oid.n[9] = (uint32_t)pdu->trap_type + 1;
		t->oid.len = 10;
	} else {
		for (i = 0; i < pdu->enterprise_length; i++)
			t->oid.n[i] = (uint32_t)pdu->enterprise[i];
		t->oid.n[i++] = 0;
		t->oid.n[i++] = (uint32_t)pdu->specific_type;
		t->oid.len = i;
	}
	return 0;
}

int
trap_from_pdu(const struct snmp_pdu *pdu, const char *source, struct trap *t)
{
	const netsnmp_variable_list *v;
	struct snmp_vb vb;
	static const uint32_t uptime0[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };
	static const uint32_t trapoid0[] = { 1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0 };

	memset(t, 0, sizeof(*t));
	snprintf(t->source, sizeof(t->source), "%s", source ? source : "?");
	t->version = pdu->version == SNMP_VERSION_1 ? 1 :
	    pdu->version == SNMP_VERSION_3 ? 3 : 2;
	t->inform = pdu->command == SNMP_MSG_INFORM;
	if (pdu->command == SNMP_MSG_TRAP) {
		if (trap_from_v1(pdu, t) == -1)
			return -1;
		for (v = pdu->variables; v != NULL; v = v->next_variable)
			trap_add_vb(t, v);
	} else if (pdu->command == SNMP_MSG_TRAP2 ||
	    pdu->command == SNMP_MSG_INFORM) {
		/* sysUpTime.0 then snmpTrapOID.0 must lead (RFC 3416 4.2.6). */
		v = pdu->variables;
		if (v == NULL || snmpval_from_netsnmp(v, &vb) == -1)
			return -1;
		if (vb.name.len != 9 || memcmp(vb.name.n, uptime0,
		    sizeof(uptime0)) != 0 || vb.type != SV_TIMETICKS) {
			snmpval_clear(&vb);
			return -1;
		}
		t->uptime = (uint32_t)vb.u;
		v = v->next_variable;
		if (v == NULL || snmpval_from_netsnmp(v, &vb) == -1)
			return -1;
		if (vb.name.len != 11 || memcmp(vb.name.n, trapoid0,
		    sizeof(trapoid0)) != 0 || vb.type != SV_OID) {
			snmpval_clear(&vb);
			return -1;
		}
		t->oid = *vb.oid;
		snmpval_clear(&vb);
		for (v = v->next_variable; v != NULL; v = v->next_variable)
			trap_add_vb(t, v);
	} else
		return -1;
	trap_classify(t);
	return 0;
}

void
trap_clear(struct trap *t)
{
	snmpval_free_array(t->vb, t->nvb);
	t->vb = NULL;
	t->nvb = 0;
}

char *
trap_format(const struct trap *t, char *buf, size_t len)
{
	char name[160], val[256];
	size_t i, off;
	int n;

	oid_format(&t->oid, name, sizeof(name));
	n = snprintf(buf, len, "%s v%s %s %s event=%s", t->source,
	    t->version == 2 ? "2c" : t->version == 1 ? "1" : "3",
	    t->inform ? "inform" : "trap", name, trap_event_name(t->event));
	off = n > 0 ? (size_t)n : 0;
	if (t->if_index >= 0 && off < len)
		off += (size_t)snprintf(buf + off, len - off, " ifIndex=%ld",
		    t->if_index);
	for (i = 0; i < t->nvb && off < len; i++) {
		oid_format(&t->vb[i].name, name, sizeof(name));
		off += (size_t)snprintf(buf + off, len - off, " %s=%s", name,
		    snmpval_format(&t->vb[i], val, sizeof(val)));
	}
	return buf;
}

static void
source_string(const netsnmp_pdu *pdu, char *buf, size_t len)
{
	const struct sockaddr *sa = pdu->transport_data;
	const void *a;

	snprintf(buf, len, "?");
	if (sa == NULL || pdu->transport_data_length <
	    (int)sizeof(struct sockaddr_in))
		return;
	if (sa->sa_family == AF_INET)
		a = &((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else if (sa->sa_family == AF_INET6 && pdu->transport_data_length >=
	    (int)sizeof(struct sockaddr_in6))
		a = &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	else
		return;
	inet_ntop(sa->sa_family, a, buf, (socklen_t)len);
}

/* "NAME" or "NAME from ADDR[/LEN]" into c; -1 on a bad line. */
static int
community_parse(const char *line, struct trap_community *c)
{
	char name[256], addr[64], extra[8];
	char *slash;
	int n, max;

	memset(c, 0, sizeof(*c));
	n = sscanf(line, "%255s from %63s %7s", name, addr, extra);
	if (n == 1 && strstr(line, " from") == NULL) {
		c->name = xstrdup(name);
		return 0;
	}
	if (n != 2)
		return -1;
	c->prefix = -1;
	if ((slash = strchr(addr, '/')) != NULL) {
		*slash = '\0';
		c->prefix = atoi(slash + 1);
	}
	if (inet_pton(AF_INET, addr, c->addr) == 1)
		c->family = AF_INET;
	else if (inet_pton(AF_INET6, addr, c->addr) == 1)
		c->family = AF_INET6;
	else
		return -1;
	max = c->family == AF_INET ? 32 : 128;
	if (c->prefix < 0)
		c->prefix = max;
	if (c->prefix > max)
		return -1;
	c->name = xstrdup(name);
	return 0;
}

static int
source_matches(const struct trap_community *c, const netsnmp_pdu *pdu)
{
	const struct sockaddr *sa = pdu->transport_data;
	const uint8_t *a;
	int bits = c->prefix, i;

	if (c->family == 0)
		return 1;
	if (sa == NULL || sa->sa_family != c->family)
		return 0;
	if (sa->sa_family == AF_INET)
		a = (const uint8_t *)&((const struct sockaddr_in *)(const void *)sa)->sin_addr;
	else
		a = (const uint8_t *)&((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr;
	for (i = 0; bits > 0; i++, bits -= 8) {
		uint8_t mask = bits >= 8 ? 0xff : (uint8_t)(0xff << (8 - bits));

		if ((a[i] & mask) != (c->addr[i] & mask))
			return 0;
	}
	return 1;
}

/* A rule for this name whose source matches: 1; the name only: -1; 0. */
static int
rule_match(const struct trap_community *rules, size_t n, const char *name,
    size_t len, const netsnmp_pdu *pdu)
{
	size_t i;
	int named = 0;

	for (i = 0; i < n; i++) {
		if (len != strlen(rules[i].name) ||
		    memcmp(name, rules[i].name, len) != 0)
			continue;
		if (source_matches(&rules[i], pdu))
			return 1;
		named = 1;
	}
	return named ? -1 : 0;
}

/*
 * The configuration's rules, for every version: v1/v2c by community and
 * source; v3 by user (net-snmp's USM has checked the digest and decrypted
 * by then, but it also accepts noAuthNoPriv messages naming any user it
 * knows, the poller's discovery user "" included), source and level.
 */
static int
trap_allowed(struct trap_listener *l, const netsnmp_pdu *pdu)
{
	int m;

	if (pdu->version != SNMP_VERSION_3) {
		m = rule_match(l->communities, l->ncommunities,
		    (const char *)pdu->community, pdu->community_len, pdu);
		if (m == 1)
			return 1;
		if (m == -1)
			l->st.bad_source++;
		else
			l->st.bad_community++;
		return 0;
	}
	if (pdu->securityModel != SNMP_SEC_MODEL_USM ||
	    pdu->securityName == NULL || pdu->securityNameLen == 0 ||
	    (m = rule_match(l->users, l->nusers, pdu->securityName,
	    pdu->securityNameLen, pdu)) == 0) {
		l->st.v3_bad_user++;
		return 0;
	}
	if (m == -1) {
		l->st.bad_source++;
		return 0;
	}
	if (pdu->securityLevel < l->min_level) {
		l->st.v3_low_level++;
		return 0;
	}
	return 1;
}

static void
trap_ack(struct trap_listener *l, netsnmp_pdu *pdu)
{
	netsnmp_pdu *reply = snmp_clone_pdu(pdu);

	if (reply == NULL)
		return;
	reply->command = SNMP_MSG_RESPONSE;
	reply->errstat = 0;
	reply->errindex = 0;
	if (snmp_sess_send(l->sess, reply) == 0)
		snmp_free_pdu(reply);
	else
		l->st.informs_acked++;
}

static int
trap_input(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu,
    void *magic)
{
	struct trap_listener *l = magic;
	struct trap t;
	char src[INET6_ADDRSTRLEN];

	(void)reqid;
	if (op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE || pdu == NULL)
		return 1;
	/*
	 * net-snmp's USM hands a message whose digest failed to the session
	 * callback too, as "received" with s_snmp_errno set (snmptrapd sends
	 * an authenticationFailure from there): it is a forgery, never a trap.
	 */
	if (s != NULL && s->s_snmp_errno == SNMPERR_USM_AUTHENTICATIONFAILURE) {
		l->st.v3_auth_failed++;
		return 1;
	}
	if (!trap_allowed(l, pdu))
		return 1;
	source_string(pdu, src, sizeof(src));
	if (trap_from_pdu(pdu, src, &t) == -1) {
		l->st.dropped++;
		return 1;
	}
	if (t.inform)
		trap_ack(l, pdu);
	l->st.accepted++;
	l->cb(&t, l->arg);
	trap_clear(&t);
	return 1;
}

static int
trap_pre_parse(netsnmp_session *s, netsnmp_transport *t, void *data, int len)
{
	(void)t;
	(void)data;
	(void)len;
	((struct trap_listener *)s->callback_magic)->st.packets++;
	return 1;
}

static void
trap_read_cb_run(evutil_socket_t fd, short ev, void *arg)
{
	struct trap_listener *l = arg;

	(void)ev;
	NETSNMP_LARGE_FD_SET(fd, &l->fds);
	snmp_sess_read2(l->sess, &l->fds);
	NETSNMP_LARGE_FD_CLR(fd, &l->fds);
}

static void
trap_read_cb(evutil_socket_t fd, short ev, void *arg)
{
	lw_enter("the trap receiver");
	trap_read_cb_run(fd, ev, arg);
	lw_leave();
}

/*
 * Each v3 user line into net-snmp's user table (without its "from"
 * clause) and into l->users (name and source).
 */
static int
trap_add_users(struct trap_listener *l, const struct trap_auth *auth,
    char *err, size_t errlen)
{
	char line[512], rule[600], name[256], *from;
	const char *p;
	size_t i;

	l->users = xcalloc(auth->nv3_users + 1, sizeof(*l->users));
	for (i = 0; i < auth->nv3_users; i++) {
		if (strlen(auth->v3_users[i]) >= sizeof(line)) {
			snprintf(err, errlen, "SNMPv3 user line too long");
			return -1;
		}
		snprintf(line, sizeof(line), "%s", auth->v3_users[i]);
		if ((from = strstr(line, " from ")) != NULL)
			*from++ = '\0';
		p = line + strspn(line, " \t");
		if (strncmp(p, "-e ", 3) == 0) {
			p += 3 + strspn(p + 3, " \t");
			p += strcspn(p, " \t");
			p += strspn(p, " \t");
		}
		if (sscanf(p, "%255s", name) != 1 || name[0] == '-') {
			snprintf(err, errlen, "SNMPv3 user %zu: expected "
			    "'[-e ENGINEID] NAME PROTO PASSPHRASE [PROTO "
			    "PASSPHRASE] [from ADDR[/LEN]]'", i + 1);
			return -1;
		}
		snprintf(rule, sizeof(rule), "%s%s%s", name, from ? " " : "",
		    from ? from : "");
		if (community_parse(rule, &l->users[l->nusers]) == -1) {
			snprintf(err, errlen, "SNMPv3 user %zu: bad 'from' "
			    "address", i + 1);
			return -1;
		}
		l->nusers++;
		usm_parse_create_usmUser("createUser", line);
	}
	return 0;
}

struct trap_listener *
trap_listen(struct event_base *base, const char *where,
    const struct trap_auth *auth, trap_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct trap_listener *l;
	netsnmp_transport *tr;
	netsnmp_session s;
	char spec[300];
	size_t i;

	snmp_library_init();
	l = xcalloc(1, sizeof(*l));
	l->base = base;
	l->cb = cb;
	l->arg = arg;
	switch (auth->v3_min_level) {
	case SNMP_LEVEL_NOAUTH:
		l->min_level = SNMP_SEC_LEVEL_NOAUTH;
		break;
	case SNMP_LEVEL_AUTHPRIV:
		l->min_level = SNMP_SEC_LEVEL_AUTHPRIV;
		break;
	default:
		l->min_level = SNMP_SEC_LEVEL_AUTHNOPRIV;
		break;
	}
	if (trap_add_users(l, auth, err, errlen) == -1) {
		trap_listener_free(l);
		return NULL;
	}
	l->communities = xcalloc(auth->ncommunities + 1,
	    sizeof(*l->communities));
	for (i = 0; i < auth->ncommunities; i++, l->ncommunities++)
		if (community_parse(auth->communities[i],
		    &l->communities[i]) == -1) {
			snprintf(err, errlen, "community rule %zu: expected "
			    "'COMMUNITY' or 'COMMUNITY from ADDR[/LEN]'", i + 1);
			trap_listener_free(l);
			return NULL;
		}
	if (strchr(where, '[') != NULL)
		snprintf(spec, sizeof(spec), "udp6:%s", where);
	else
		snprintf(spec, sizeof(spec), "udp:%s", where);
	tr = netsnmp_transport_open_server("nocwatch", spec);
	if (tr == NULL) {
		snprintf(err, errlen, "cannot listen on %s", where);
		trap_listener_free(l);
		return NULL;
	}
	snmp_sess_init(&s);
	s.peername = SNMP_DEFAULT_PEERNAME;
	s.version = SNMP_DEFAULT_VERSION;
	s.community_len = SNMP_DEFAULT_COMMUNITY_LEN;
	s.retries = SNMP_DEFAULT_RETRIES;
	s.timeout = SNMP_DEFAULT_TIMEOUT;
	s.callback = trap_input;
	s.callback_magic = l;
	s.authenticator = NULL;
	s.isAuthoritative = SNMP_SESS_UNKNOWNAUTH;
	l->sess = snmp_sess_add(&s, tr, trap_pre_parse, NULL);
	if (l->sess == NULL) {
		snprintf(err, errlen, "cannot start the trap session");
		trap_listener_free(l);
		return NULL;
	}
	l->fd = tr->sock;
	netsnmp_large_fd_set_init(&l->fds, l->fd + 1);
	l->rd = event_new(base, l->fd, EV_READ | EV_PERSIST, trap_read_cb, l);
	event_add(l->rd, NULL);
	return l;
}

void
trap_listener_free(struct trap_listener *l)
{
	size_t i;

	if (l == NULL)
		return;
	if (l->rd != NULL) {
		event_free(l->rd);
		netsnmp_large_fd_set_cleanup(&l->fds);
	}
	if (l->sess != NULL)
		snmp_sess_close(l->sess);
	for (i = 0; i < l->ncommunities; i++)
		free(l->communities[i].name);
	free(l->communities);
	for (i = 0; i < l->nusers; i++)
		free(l->users[i].name);
	free(l->users);
	free(l);
}

/*
 * Datagrams the kernel dropped because the socket's buffer was full (a
 * flood the loop did not read in time): the "drops" column of the
 * socket's row in /proc/net/udp or udp6, found by its inode.
 */
static unsigned long long
trap_kernel_drops(int fd)
{
	static const char *const files[] = { "/proc/self/net/udp",
	    "/proc/self/net/udp6" };
	unsigned long long drops = 0, d;
	unsigned long inode;
	char line[512];
	struct stat sb;
	size_t i;
	FILE *f;
	int n;

	if (fd == -1 || fstat(fd, &sb) == -1)
		return 0;
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if ((f = fopen(files[i], "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), f) != NULL) {
			/* sl local rem st tx:rx tr:when retr uid timeout
			 * inode ref pointer drops */
			n = sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %*s %*s "
			    "%lu %*s %*s %llu", &inode, &d);
			if (n == 2 && inode == (unsigned long)sb.st_ino)
				drops = d;
		}
		fclose(f);
	}
	return drops;
}

void
trap_listener_stats(const struct trap_listener *l, struct trap_stats *st)
{
	unsigned long long seen = l->st.accepted + l->st.bad_community +
	    l->st.dropped + l->st.bad_source + l->st.v3_bad_user +
	    l->st.v3_low_level + l->st.v3_auth_failed;

	*st = l->st;
	/* Packets net-snmp could not parse or authenticate never reach us. */
	if (l->st.packets > seen)
		st->dropped += l->st.packets - seen;
	st->kernel_drops = trap_kernel_drops(l->fd);
}
