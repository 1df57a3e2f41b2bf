/*
 * The SNMP engine on net-snmp's single-session API.
 *
 * Each agent is one net-snmp session whose socket the loop watches; its
 * retransmissions are driven by a per-agent timer armed from
 * snmp_sess_select_info2_flags.  net-snmp calls snmp_pdu_cb from inside
 * snmp_sess_read/snmp_sess_timeout: there we only record and, for walks,
 * send the next page; completion to the caller happens later from the
 * engine's flush event, so a caller may close an agent in its callback.
 *
 * SNMPv3: the session is opened with SNMP_FLAGS_DONT_PROBE, so net-snmp
 * never runs its blocking engine-ID probe.  Before the first request we
 * send the discovery probe ourselves (an empty noAuthNoPriv GET); the
 * agent's Report carries its engine ID, which net-snmp copies into the
 * session when our callback returns; then the user's keys are localised
 * and the queued requests go out.
 */
#include <sys/queue.h>
#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>

#include <event2/event.h>
#include <openssl/sha.h>

#include "clock.h"
#include "log.h"
#include "loopwatch.h"
#include "snmp.h"
#include "xmalloc.h"

#define MAX_GET_OIDS	64
#define WALK_MAX_ROWS	100000

enum req_kind { REQ_GET, REQ_GETNEXT, REQ_WALK, REQ_DISCOVER };
enum v3_state { V3_NONE, V3_NEED_DISCOVERY, V3_DISCOVERING, V3_READY };

struct snmp_req {
	TAILQ_ENTRY(snmp_req)	 entry;
	struct snmp_agent	*agent;
	enum req_kind		 kind;
	struct snmp_oid		*oids;
	size_t			 noids;
	struct snmp_oid		 root, last;
	size_t			 max_rows;
	int			 max_rep;
	snmp_cb			 cb;
	void			*arg;
	struct snmp_vb		*vb;
	size_t			 nvb, cap;
	int			 reqid;		/* net-snmp's, 0 when none */
	double			 queued_ms;
	double			 deadline_ms;	/* watchdog for this page */
	int			 done;
	struct snmp_response	 res;
};

TAILQ_HEAD(req_list, snmp_req);

struct snmp_agent {
	struct snmp_engine	*eng;
	void			*sess;
	netsnmp_session		*ss;
	int			 fd;
	struct event		*rd, *timer;
	struct req_list		 queue;		/* waiting to be sent */
	struct req_list		 sent;		/* in flight */
	int			 max_inflight;
	int			 max_rep;
	double			 timeout_ms;
	int			 retries;
	int			 version;
	enum v3_state		 v3;
	char			 peer[300];
	char			 host[256];
	int			 closing;
};

struct snmp_engine {
	struct event_base	*base;
	struct req_list		 done;
	struct event		*flush;
	netsnmp_large_fd_set	 fds;
	int			 fds_size;
	struct snmp_engine_stats st;
};

static int	snmp_pdu_cb(int, netsnmp_session *, int, netsnmp_pdu *, void *);
static void	agent_pump(struct snmp_agent *);
static void	agent_arm(struct snmp_agent *);

static int	netsnmp_ready;

static int
snmp_log_cb(int major, int minor, void *server, void *client)
{
	struct snmp_log_message *m = server;

	(void)major;
	(void)minor;
	(void)client;
	if (m != NULL && m->msg != NULL)
		log_debug("net-snmp: %.*s", (int)strcspn(m->msg, "\n"), m->msg);
	return 0;
}

void
snmp_library_init(void)
{
	if (netsnmp_ready)
		return;
	/* No MIB files, no snmp.conf, no persistent state on disk. */
	setenv("MIBS", "", 1);
	setenv("MIBDIRS", "/nonexistent", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_QUICK_PRINT, 1);
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
	    snmp_log_cb, NULL);
	snmp_enable_calllog();
	init_snmp("nocwatch");
	netsnmp_ready = 1;
}

int
snmp_auth_parse(const char *s, enum snmp_auth *a)
{
	static const struct { const char *n; enum snmp_auth a; } t[] = {
		{ "MD5", SNMP_AUTH_MD5 }, { "SHA", SNMP_AUTH_SHA },
		{ "SHA1", SNMP_AUTH_SHA }, { "SHA-1", SNMP_AUTH_SHA },
		{ "SHA-224", SNMP_AUTH_SHA224 }, { "SHA224", SNMP_AUTH_SHA224 },
		{ "SHA-256", SNMP_AUTH_SHA256 }, { "SHA256", SNMP_AUTH_SHA256 },
		{ "SHA-384", SNMP_AUTH_SHA384 }, { "SHA384", SNMP_AUTH_SHA384 },
		{ "SHA-512", SNMP_AUTH_SHA512 }, { "SHA512", SNMP_AUTH_SHA512 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcasecmp(s, t[i].n) == 0) {
			*a = t[i].a;
			return 0;
		}
	return -1;
}

int
snmp_priv_parse(const char *s, enum snmp_priv *p)
{
	static const struct { const char *n; enum snmp_priv p; } t[] = {
		{ "DES", SNMP_PRIV_DES }, { "AES", SNMP_PRIV_AES },
		{ "AES128", SNMP_PRIV_AES }, { "AES-128", SNMP_PRIV_AES },
		{ "AES192", SNMP_PRIV_AES192 }, { "AES-192", SNMP_PRIV_AES192 },
		{ "AES256", SNMP_PRIV_AES256 }, { "AES-256", SNMP_PRIV_AES256 },
	};
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcasecmp(s, t[i].n) == 0) {
			*p = t[i].p;
			return 0;
		}
	return -1;
}

int
snmp_level_parse(const char *s, enum snmp_level *l)
{
	if (strcasecmp(s, "noAuthNoPriv") == 0 || strcmp(s, "1") == 0)
		*l = SNMP_LEVEL_NOAUTH;
	else if (strcasecmp(s, "authNoPriv") == 0 || strcmp(s, "2") == 0)
		*l = SNMP_LEVEL_AUTHNOPRIV;
	else if (strcasecmp(s, "authPriv") == 0 || strcmp(s, "3") == 0)
		*l = SNMP_LEVEL_AUTHPRIV;
	else
		return -1;
	return 0;
}

static void	engine_flush_cb(evutil_socket_t, short, void *);

struct snmp_engine *
snmp_engine_new(struct event_base *base)
{
	struct snmp_engine *e = xcalloc(1, sizeof(*e));
	struct rlimit rl;

	snmp_library_init();
	/* One socket per agent: allow as many as the hard limit does. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	e->base = base;
	TAILQ_INIT(&e->done);
	e->flush = event_new(base, -1, 0, engine_flush_cb, e);
	e->fds_size = FD_SETSIZE;
	netsnmp_large_fd_set_init(&e->fds, e->fds_size);
	return e;
}

static void	ku_cache_wipe(void);

void
snmp_engine_free(struct snmp_engine *e)
{
	if (e == NULL)
		return;
	event_free(e->flush);
	netsnmp_large_fd_set_cleanup(&e->fds);
	free(e);
	ku_cache_wipe();	/* the keys go with the engine */
}

void
snmp_engine_stats(const struct snmp_engine *e, struct snmp_engine_stats *st)
{
	*st = e->st;
}

static const oid *
auth_proto(enum snmp_auth a, size_t *len)
{
	*len = USM_AUTH_PROTO_SHA_LEN;
	switch (a) {
	case SNMP_AUTH_MD5: return usmHMACMD5AuthProtocol;
	case SNMP_AUTH_SHA: return usmHMACSHA1AuthProtocol;
	case SNMP_AUTH_SHA224: return usmHMAC128SHA224AuthProtocol;
	case SNMP_AUTH_SHA256: return usmHMAC192SHA256AuthProtocol;
	case SNMP_AUTH_SHA384: return usmHMAC256SHA384AuthProtocol;
	case SNMP_AUTH_SHA512: return usmHMAC384SHA512AuthProtocol;
	default: return usmNoAuthProtocol;
	}
}

static const oid *
priv_proto(enum snmp_priv p, size_t *len)
{
	*len = USM_PRIV_PROTO_AES_LEN;
	switch (p) {
	case SNMP_PRIV_DES: return usmDESPrivProtocol;
	case SNMP_PRIV_AES: return usmAESPrivProtocol;
	case SNMP_PRIV_AES192:
		*len = 9;
		return usmAES192PrivProtocol;
	case SNMP_PRIV_AES256:
		*len = 9;
		return usmAES256PrivProtocol;
	default: return usmNoPrivProtocol;
	}
}

/*
 * Turning a passphrase into a key hashes a megabyte; an estate shares a
 * few credentials, so the last few keys are kept -- found by a digest of
 * the passphrase, never the passphrase itself, and wiped with the engine.
 */
struct ku_cache {
	enum snmp_auth	auth;
	u_char		pass_md[SHA256_DIGEST_LENGTH];
	u_char		key[USM_AUTH_KU_LEN];
	size_t		len;
};

static struct ku_cache ku_cache[8];
static unsigned ku_next;

static void
ku_cache_wipe(void)
{
	explicit_bzero(ku_cache, sizeof(ku_cache));
	ku_next = 0;
}

static int
make_ku(enum snmp_auth a, const char *pass, u_char *key, size_t *len)
{
	struct ku_cache *cache = ku_cache;
	u_char md[SHA256_DIGEST_LENGTH];
	const oid *proto;
	size_t plen, i;

	SHA256((const u_char *)pass, strlen(pass), md);
	for (i = 0; i < 8; i++)
		if (cache[i].len > 0 && cache[i].auth == a &&
		    memcmp(cache[i].pass_md, md, sizeof(md)) == 0) {
			memcpy(key, cache[i].key, cache[i].len);
			*len = cache[i].len;
			return 0;
		}
	proto = auth_proto(a, &plen);
	*len = USM_AUTH_KU_LEN;
	if (generate_Ku(proto, (u_int)plen, (const u_char *)pass, strlen(pass),
	    key, len) != SNMPERR_SUCCESS)
		return -1;
	i = ku_next++ % 8;
	cache[i].auth = a;
	memcpy(cache[i].pass_md, md, sizeof(md));
	memcpy(cache[i].key, key, *len);
	cache[i].len = *len;
	return 0;
}

static int
agent_v3_setup(netsnmp_session *s, const struct snmp_creds *c, char *err,
    size_t errlen)
{
	size_t plen;

	s->securityName = (char *)(uintptr_t)c->user;
	s->securityNameLen = strlen(c->user);
	s->securityModel = SNMP_SEC_MODEL_USM;
	s->flags |= SNMP_FLAGS_DONT_PROBE;
	if (c->context[0] != '\0') {
		s->contextName = (char *)(uintptr_t)c->context;
		s->contextNameLen = strlen(c->context);
	}
	if (c->user[0] == '\0') {
		snprintf(err, errlen, "SNMPv3 needs a user name (-u)");
		return -1;
	}
	switch (c->level) {
	case SNMP_LEVEL_AUTHPRIV:
		s->securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
		break;
	case SNMP_LEVEL_AUTHNOPRIV:
		s->securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
		break;
	default:
		s->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
		return 0;
	}
	if (c->auth == SNMP_AUTH_NONE || strlen(c->auth_pass) < 8) {
		snprintf(err, errlen, "SNMPv3 %s needs an authentication "
		    "protocol and a passphrase of at least 8 characters",
		    c->level == SNMP_LEVEL_AUTHPRIV ? "authPriv" : "authNoPriv");
		return -1;
	}
	s->securityAuthProto = (oid *)(uintptr_t)auth_proto(c->auth, &plen);
	s->securityAuthProtoLen = plen;
	if (make_ku(c->auth, c->auth_pass, s->securityAuthKey,
	    &s->securityAuthKeyLen) == -1) {
		snprintf(err, errlen, "cannot derive the authentication key");
		return -1;
	}
	if (c->level != SNMP_LEVEL_AUTHPRIV)
		return 0;
	if (c->priv == SNMP_PRIV_NONE || strlen(c->priv_pass) < 8) {
		snprintf(err, errlen, "SNMPv3 authPriv needs a privacy protocol "
		    "and a passphrase of at least 8 characters");
		return -1;
	}
	s->securityPrivProto = (oid *)(uintptr_t)priv_proto(c->priv, &plen);
	s->securityPrivProtoLen = plen;
	/* net-snmp derives the privacy key with the authentication hash. */
	if (make_ku(c->auth, c->priv_pass, s->securityPrivKey,
	    &s->securityPrivKeyLen) == -1) {
		snprintf(err, errlen, "cannot derive the privacy key");
		return -1;
	}
	return 0;
}

static void	agent_read_cb(evutil_socket_t, short, void *);
static void	agent_timer_cb(evutil_socket_t, short, void *);

struct snmp_agent *
snmp_agent_open(struct snmp_engine *e, const struct snmp_agent_params *p,
    char *err, size_t errlen)
{
	const struct snmp_creds *c = p->creds;
	struct snmp_agent *a;
	netsnmp_session s;
	netsnmp_transport *t;

	snmp_sess_init(&s);
	if (p->port < 0 || p->port > 65535 || strlen(p->host) > 255) {
		snprintf(err, errlen, "bad agent address");
		return NULL;
	}
	a = xcalloc(1, sizeof(*a));
	a->eng = e;
	if (strchr(p->host, ':') != NULL)
		snprintf(a->peer, sizeof(a->peer), "udp6:[%s]:%d", p->host,
		    p->port ? p->port : 161);
	else
		snprintf(a->peer, sizeof(a->peer), "udp:%s:%d", p->host,
		    p->port ? p->port : 161);
	s.peername = a->peer;
	s.timeout = (long)(p->timeout_ms > 0 ? p->timeout_ms * 1000 : 1000000);
	s.retries = p->retries;
	/* Every request carries its own callback; none at session level. */
	s.callback = NULL;
	s.callback_magic = NULL;
	snprintf(a->host, sizeof(a->host), "%s", p->host);
	a->version = c->version;
	switch (c->version) {
	case 1:
	case 2:
		s.version = c->version == 1 ? SNMP_VERSION_1 : SNMP_VERSION_2c;
		s.community = (u_char *)(uintptr_t)c->community;
		s.community_len = strlen(c->community);
		break;
	case 3:
		s.version = SNMP_VERSION_3;
		if (agent_v3_setup(&s, c, err, errlen) == -1) {
			free(a);
			return NULL;
		}
		a->v3 = V3_NEED_DISCOVERY;
		break;
	default:
		snprintf(err, errlen, "SNMP version must be 1, 2c or 3");
		free(a);
		return NULL;
	}
	a->sess = snmp_sess_open(&s);
	if (a->sess == NULL) {
		snprintf(err, errlen, "cannot open an SNMP session to %s: %s",
		    p->host, snmp_api_errstring(s.s_snmp_errno));
		free(a);
		return NULL;
	}
	a->ss = snmp_sess_session(a->sess);
	/*
	 * snmp_sess_open clears SNMP_FLAGS_DONT_PROBE once the session is
	 * added; without it again the first send would run net-snmp's
	 * blocking engine-ID probe (snmp_sess_synch_response) on our loop.
	 */
	if (a->version == 3)
		a->ss->flags |= SNMP_FLAGS_DONT_PROBE;
	t = snmp_sess_transport(a->sess);
	a->fd = t->sock;
	a->max_inflight = p->max_inflight > 0 ? p->max_inflight : 4;
	a->max_rep = p->max_repetitions > 0 ? p->max_repetitions : 25;
	a->timeout_ms = (double)s.timeout / 1000;
	a->retries = p->retries;
	TAILQ_INIT(&a->queue);
	TAILQ_INIT(&a->sent);
	a->rd = event_new(e->base, a->fd, EV_READ | EV_PERSIST, agent_read_cb, a);
	a->timer = evtimer_new(e->base, agent_timer_cb, a);
	event_add(a->rd, NULL);
	return a;
}

static void
req_free(struct snmp_req *r)
{
	snmpval_free_array(r->vb, r->nvb);
	free(r->oids);
	free(r);
}

void
snmp_agent_close(struct snmp_agent *a)
{
	struct snmp_req *r;

	if (a == NULL)
		return;
	/*
	 * snmp_sess_close calls back (timed out) for every request still
	 * pending: they must still exist then, and be ignored.
	 */
	a->closing = 1;
	snmp_sess_close(a->sess);
	while ((r = TAILQ_FIRST(&a->queue)) != NULL) {
		TAILQ_REMOVE(&a->queue, r, entry);
		req_free(r);
	}
	while ((r = TAILQ_FIRST(&a->sent)) != NULL) {
		TAILQ_REMOVE(&a->sent, r, entry);
		req_free(r);
	}
	TAILQ_FOREACH(r, &a->eng->done, entry)
		if (r->agent == a)
			r->agent = NULL;	/* flushed without a callback */
	event_free(a->rd);
	event_free(a->timer);
	free(a);
}

static void
req_complete(struct snmp_req *r, enum probe_outcome o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
req_complete(struct snmp_req *r, enum probe_outcome o, const char *fmt, ...)
{
	struct snmp_agent *a = r->agent;
	va_list ap;

	if (r->done)
		return;
	r->done = 1;
	r->res.outcome = o;
	va_start(ap, fmt);
	vsnprintf(r->res.detail, sizeof(r->res.detail), fmt, ap);
	va_end(ap);
	TAILQ_REMOVE(&a->sent, r, entry);
	TAILQ_INSERT_TAIL(&a->eng->done, r, entry);
	if (o == PROBE_TIMEOUT)
		a->eng->st.timeouts++;
	else if (o != PROBE_OK)
		a->eng->st.errors++;
	event_active(a->eng->flush, EV_TIMEOUT, 0);
}

static int
req_send_pdu(struct snmp_req *r, netsnmp_pdu *pdu)
{
	struct snmp_agent *a = r->agent;

	r->reqid = snmp_sess_async_send(a->sess, pdu, snmp_pdu_cb, r);
	if (r->reqid == 0) {
		snmp_free_pdu(pdu);
		return -1;
	}
	a->eng->st.requests++;
	r->deadline_ms = mono_ms() + a->timeout_ms * (a->retries + 1) +
	    a->timeout_ms;
	return 0;
}

static void
pdu_add_oid(netsnmp_pdu *pdu, const struct snmp_oid *o)
{
	oid name[OID_MAX_LEN];
	size_t i;

	for (i = 0; i < o->len; i++)
		name[i] = o->n[i];
	snmp_add_null_var(pdu, name, o->len);
}

static int
req_send(struct snmp_req *r)
{
	struct snmp_agent *a = r->agent;
	netsnmp_pdu *pdu;
	size_t i;

	switch (r->kind) {
	case REQ_DISCOVER:
		pdu = snmp_pdu_create(SNMP_MSG_GET);
		pdu->version = SNMP_VERSION_3;
		pdu->securityName = strdup("");
		pdu->securityNameLen = 0;
		pdu->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
		pdu->securityModel = SNMP_SEC_MODEL_USM;
		break;
	case REQ_GET:
	case REQ_GETNEXT:
		pdu = snmp_pdu_create(r->kind == REQ_GET ? SNMP_MSG_GET :
		    SNMP_MSG_GETNEXT);
		for (i = 0; i < r->noids; i++)
			pdu_add_oid(pdu, &r->oids[i]);
		break;
	default:
		if (a->version == 1)
			pdu = snmp_pdu_create(SNMP_MSG_GETNEXT);
		else {
			pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
			pdu->non_repeaters = 0;
			pdu->max_repetitions = r->max_rep;
		}
		pdu_add_oid(pdu, r->nvb ? &r->last : &r->root);
		break;
	}
	return req_send_pdu(r, pdu);
}

/* The empty user that the discovery probe is sent as. */
static void
ensure_probe_user(void)
{
	struct usmUser *u;

	if (usm_get_user(NULL, 0, "") != NULL)
		return;
	u = usm_create_user();
	u->name = strdup("");
	u->secName = strdup("");
	u->authProtocolLen = USM_AUTH_PROTO_NOAUTH_LEN;
	u->authProtocol = snmp_duplicate_objid(usmNoAuthProtocol,
	    USM_AUTH_PROTO_NOAUTH_LEN);
	u->privProtocolLen = USM_PRIV_PROTO_NOPRIV_LEN;
	u->privProtocol = snmp_duplicate_objid(usmNoPrivProtocol,
	    USM_PRIV_PROTO_NOPRIV_LEN);
	usm_add_user(u);
}

static void
agent_start_discovery(struct snmp_agent *a)
{
	struct snmp_req *r = xcalloc(1, sizeof(*r));

	ensure_probe_user();
	r->agent = a;
	r->kind = REQ_DISCOVER;
	r->queued_ms = mono_ms();
	a->v3 = V3_DISCOVERING;
	TAILQ_INSERT_TAIL(&a->sent, r, entry);
	if (req_send(r) == -1)
		req_complete(r, PROBE_ERROR, "cannot send the discovery probe");
}

static int
agent_inflight(const struct snmp_agent *a)
{
	const struct snmp_req *r;
	int n = 0;

	TAILQ_FOREACH(r, &a->sent, entry)
		n++;
	return n;
}

static void
agent_pump(struct snmp_agent *a)
{
	struct snmp_req *r;
	int n = agent_inflight(a);

	if (a->v3 == V3_NEED_DISCOVERY && !TAILQ_EMPTY(&a->queue))
		agent_start_discovery(a);
	if (a->v3 == V3_NEED_DISCOVERY || a->v3 == V3_DISCOVERING) {
		agent_arm(a);
		return;
	}
	while (n < a->max_inflight && (r = TAILQ_FIRST(&a->queue)) != NULL) {
		TAILQ_REMOVE(&a->queue, r, entry);
		TAILQ_INSERT_TAIL(&a->sent, r, entry);
		if (req_send(r) == -1)
			req_complete(r, PROBE_ERROR, "cannot send to %s: %s",
			    a->host, snmp_api_errstring(a->ss->s_snmp_errno));
		else
			n++;
	}
	agent_arm(a);
}

/* Arm the retransmission timer for net-snmp's next deadline. */
static void
agent_arm(struct snmp_agent *a)
{
	struct snmp_engine *e = a->eng;
	struct timeval tv = { 0, 0 };
	int numfds = 0, block = 1;

	if (TAILQ_EMPTY(&a->sent)) {
		evtimer_del(a->timer);
		return;
	}
	if (a->fd >= e->fds_size) {
		e->fds_size = a->fd + 1;
		netsnmp_large_fd_set_resize(&e->fds, e->fds_size);
	}
	snmp_sess_select_info2_flags(a->sess, &numfds, &e->fds, &tv, &block,
	    NETSNMP_SELECT_NOALARMS);
	NETSNMP_LARGE_FD_CLR(a->fd, &e->fds);
	if (block) {
		/* net-snmp has no deadline: fall back to our watchdog. */
		tv.tv_sec = (time_t)(a->timeout_ms / 1000);
		tv.tv_usec = (suseconds_t)((a->timeout_ms -
		    (double)tv.tv_sec * 1000) * 1000);
	}
	evtimer_add(a->timer, &tv);
}

static void
agent_read_cb_run(evutil_socket_t fd, short ev, void *arg)
{
	struct snmp_agent *a = arg;
	struct snmp_engine *e = a->eng;

	(void)ev;
	if (fd >= e->fds_size) {
		e->fds_size = fd + 1;
		netsnmp_large_fd_set_resize(&e->fds, e->fds_size);
	}
	NETSNMP_LARGE_FD_SET(fd, &e->fds);
	snmp_sess_read2(a->sess, &e->fds);
	NETSNMP_LARGE_FD_CLR(fd, &e->fds);
	agent_arm(a);
}

static void
agent_read_cb(evutil_socket_t fd, short ev, void *arg)
{
	lw_enter("an SNMP response");
	agent_read_cb_run(fd, ev, arg);
	lw_leave();
}

static void
agent_timer_cb_run(evutil_socket_t fd, short ev, void *arg)
{
	struct snmp_agent *a = arg;
	struct snmp_req *r, *next;
	double now = mono_ms();

	(void)fd;
	(void)ev;
	snmp_sess_timeout(a->sess);
	/*
	 * Requests net-snmp dropped without telling us (e.g. a Report after
	 * its retries) end here, in bounded time.
	 */
	for (r = TAILQ_FIRST(&a->sent); r != NULL; r = next) {
		next = TAILQ_NEXT(r, entry);
		if (!r->done && now > r->deadline_ms)
			req_complete(r, PROBE_TIMEOUT, "no usable response "
			    "from %s in %.0f ms", a->host, now - r->queued_ms);
	}
	agent_arm(a);
}

static void
agent_timer_cb(evutil_socket_t fd, short ev, void *arg)
{
	lw_enter("an SNMP retransmission");
	agent_timer_cb_run(fd, ev, arg);
	lw_leave();
}

static const char *
report_reason(netsnmp_pdu *pdu, enum probe_outcome *o)
{
	static const struct { oid last; const char *why; } t[] = {
		{ 1, "unsupported security level" },
		{ 2, "not in time window" },
		{ 3, "unknown user name" },
		{ 4, "unknown engine ID" },
		{ 5, "wrong digest (authentication passphrase or protocol)" },
		{ 6, "decryption error (privacy passphrase or protocol)" },
	};
	static const oid usm_stats[] = { 1, 3, 6, 1, 6, 3, 15, 1, 1 };
	netsnmp_variable_list *v = pdu->variables;
	size_t i;

	*o = PROBE_AUTH_FAILED;
	if (v != NULL && v->name_length >= 10 &&
	    memcmp(v->name, usm_stats, sizeof(usm_stats)) == 0)
		for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
			if (v->name[9] == t[i].last)
				return t[i].why;
	*o = PROBE_BAD_RESPONSE;
	return "unexpected report";
}

static void
req_append(struct snmp_req *r, const netsnmp_variable_list *v)
{
	if (r->nvb == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->vb = xreallocarray(r->vb, r->cap, sizeof(*r->vb));
	}
	if (snmpval_from_netsnmp(v, &r->vb[r->nvb]) == -1) {
		r->agent->eng->st.malformed++;
		return;
	}
	r->nvb++;
}

static const char *const err_names[] = {
	"noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr",
	"noAccess", "wrongType", "wrongLength", "wrongEncoding", "wrongValue",
	"noCreation", "inconsistentValue", "resourceUnavailable",
	"commitFailed", "undoFailed", "authorizationError", "notWritable",
	"inconsistentName"
};

static const char *
err_name(long e)
{
	return e >= 0 && e < 19 ? err_names[e] : "error";
}

/* A walk page arrived: keep what is inside the subtree, ask for more. */
static void
walk_page(struct snmp_req *r, netsnmp_pdu *pdu)
{
	netsnmp_variable_list *v;
	struct snmp_vb tmp;
	size_t before = r->nvb;

	for (v = pdu->variables; v != NULL; v = v->next_variable) {
		if (v->type == SNMP_ENDOFMIBVIEW || v->type == SNMP_NOSUCHOBJECT ||
		    v->type == SNMP_NOSUCHINSTANCE)
			goto finished;
		if (snmpval_from_netsnmp(v, &tmp) == -1) {
			r->agent->eng->st.malformed++;
			continue;
		}
		if (!oid_has_prefix(&tmp.name, &r->root)) {
			snmpval_clear(&tmp);
			goto finished;
		}
		if (r->nvb > 0 && oid_compare(&tmp.name, &r->last) <= 0) {
			snmpval_clear(&tmp);
			req_complete(r, PROBE_BAD_RESPONSE, "agent returned OIDs "
			    "out of order (a loop in its MIB)");
			return;
		}
		r->last = tmp.name;
		snmpval_clear(&tmp);
		req_append(r, v);
		if (r->nvb >= r->max_rows) {
			r->res.truncated = 1;
			goto finished;
		}
	}
	if (r->nvb == before)
		goto finished;
	if (req_send(r) == -1)
		req_complete(r, PROBE_ERROR, "cannot send the next page");
	return;
finished:
	req_complete(r, PROBE_OK, "%zu rows", r->nvb);
}

static void
req_response(struct snmp_req *r, netsnmp_pdu *pdu)
{
	netsnmp_variable_list *v;

	r->res.error_status = (int)pdu->errstat;
	r->res.error_index = (int)pdu->errindex;
	if (r->kind == REQ_WALK && pdu->errstat == SNMP_ERR_TOOBIG &&
	    r->max_rep > 1) {
		r->max_rep /= 2;	/* the agent's buffer is smaller */
		if (req_send(r) == -1)
			req_complete(r, PROBE_ERROR, "cannot resend");
		return;
	}
	if (r->kind == REQ_WALK && pdu->errstat == SNMP_ERR_NOSUCHNAME) {
		/* SNMPv1 ends a walk with noSuchName. */
		req_complete(r, PROBE_OK, "%zu rows", r->nvb);
		return;
	}
	if (pdu->errstat != SNMP_ERR_NOERROR) {
		req_complete(r, pdu->errstat == SNMP_ERR_AUTHORIZATIONERROR ||
		    pdu->errstat == SNMP_ERR_NOACCESS ? PROBE_AUTH_FAILED :
		    PROBE_BAD_RESPONSE, "%s (index %ld)",
		    err_name(pdu->errstat), pdu->errindex);
		return;
	}
	if (r->kind == REQ_WALK) {
		walk_page(r, pdu);
		return;
	}
	for (v = pdu->variables; v != NULL; v = v->next_variable)
		req_append(r, v);
	req_complete(r, PROBE_OK, "%zu values", r->nvb);
}

static int
snmp_pdu_cb(int op, netsnmp_session *s, int reqid, netsnmp_pdu *pdu,
    void *magic)
{
	struct snmp_req *r = magic;
	struct snmp_agent *a;
	enum probe_outcome o;
	const char *why;

	(void)s;
	(void)reqid;
	if (r == NULL || r->done || r->agent == NULL || r->agent->closing)
		return 1;
	a = r->agent;
	switch (op) {
	case NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE:
		a->eng->st.responses++;
		if (r->kind == REQ_DISCOVER) {
			/* net-snmp keeps the engine ID once we return. */
			req_complete(r, PROBE_OK, "discovered");
			break;
		}
		if (pdu->command == SNMP_MSG_REPORT) {
			why = report_reason(pdu, &o);
			/* net-snmp resends after notInTimeWindow by itself. */
			if (pdu->variables != NULL &&
			    pdu->variables->name_length >= 10 &&
			    pdu->variables->name[9] == 2)
				break;
			req_complete(r, o, "SNMPv3 report: %s", why);
			break;
		}
		req_response(r, pdu);
		break;
	case NETSNMP_CALLBACK_OP_TIMED_OUT:
		req_complete(r, PROBE_TIMEOUT, "no response from %s after %d "
		    "%s of %.0f ms%s", a->host, a->retries + 1,
		    a->retries ? "tries" : "try", a->timeout_ms,
		    a->version != 3 ? " (down, filtered, or wrong community)" :
		    "");
		break;
	case NETSNMP_CALLBACK_OP_RESEND:
		break;		/* a retransmission: nothing ends */
	case NETSNMP_CALLBACK_OP_SEC_ERROR:
		if (r->kind == REQ_DISCOVER) {
			req_complete(r, PROBE_OK, "discovered");
			break;
		}
		if (pdu != NULL && pdu->command == SNMP_MSG_REPORT &&
		    pdu->variables != NULL) {
			why = report_reason(pdu, &o);
			req_complete(r, PROBE_AUTH_FAILED, "SNMPv3: %s", why);
		} else
			req_complete(r, PROBE_AUTH_FAILED, "SNMPv3 security "
			    "error: wrong user, passphrase or protocol");
		break;
	default:
		req_complete(r, PROBE_ERROR, "send failed (%d): %s", op,
		    snmp_api_errstring(a->ss->s_snmp_errno));
		break;
	}
	return 1;
}

static void
agent_discovered(struct snmp_agent *a, const struct snmp_req *probe)
{
	struct snmp_req *r;

	if (probe->res.outcome == PROBE_OK && a->ss->securityEngineIDLen > 0 &&
	    usm_create_user_from_session(a->ss) == SNMPERR_SUCCESS) {
		a->v3 = V3_READY;
		return;
	}
	a->v3 = V3_NEED_DISCOVERY;
	/* Everything waiting fails the way the discovery did. */
	while ((r = TAILQ_FIRST(&a->queue)) != NULL) {
		TAILQ_REMOVE(&a->queue, r, entry);
		TAILQ_INSERT_TAIL(&a->sent, r, entry);
		if (probe->res.outcome == PROBE_OK)
			req_complete(r, PROBE_AUTH_FAILED, "SNMPv3 engine ID "
			    "discovery failed");
		else
			req_complete(r, probe->res.outcome, "SNMPv3 engine ID "
			    "discovery: %s", probe->res.detail);
	}
}

static void
engine_flush_cb_run(evutil_socket_t fd, short ev, void *arg)
{
	struct snmp_engine *e = arg;
	struct snmp_req *r;
	struct snmp_agent *a;

	(void)fd;
	(void)ev;
	while ((r = TAILQ_FIRST(&e->done)) != NULL) {
		TAILQ_REMOVE(&e->done, r, entry);
		a = r->agent;
		/*
		 * Refill the agent's window before the callback: the callback
		 * may close the agent, after which a must not be touched.
		 */
		if (a != NULL) {
			if (r->kind == REQ_DISCOVER)
				agent_discovered(a, r);
			agent_pump(a);
		}
		if (a != NULL && r->cb != NULL) {
			r->res.vb = r->vb;
			r->res.nvb = r->nvb;
			r->res.rtt_ms = mono_ms() - r->queued_ms;
			r->cb(&r->res, r->arg);
		}
		req_free(r);
	}
}

static void
engine_flush_cb(evutil_socket_t fd, short ev, void *arg)
{
	lw_enter("SNMP completions");
	engine_flush_cb_run(fd, ev, arg);
	lw_leave();
}

static struct snmp_req *
req_new(struct snmp_agent *a, enum req_kind kind, snmp_cb cb, void *arg)
{
	struct snmp_req *r = xcalloc(1, sizeof(*r));

	r->agent = a;
	r->kind = kind;
	r->cb = cb;
	r->arg = arg;
	r->queued_ms = mono_ms();
	return r;
}

static void
req_enqueue(struct snmp_req *r)
{
	struct snmp_agent *a = r->agent;

	TAILQ_INSERT_TAIL(&a->queue, r, entry);
	agent_pump(a);
}

static void
snmp_get_kind(struct snmp_agent *a, enum req_kind kind,
    const struct snmp_oid *oids, size_t n, snmp_cb cb, void *arg)
{
	struct snmp_req *r = req_new(a, kind, cb, arg);

	if (n > MAX_GET_OIDS)
		n = MAX_GET_OIDS;
	r->oids = xcalloc(n, sizeof(*r->oids));
	memcpy(r->oids, oids, n * sizeof(*oids));
	r->noids = n;
	req_enqueue(r);
}

void
snmp_get(struct snmp_agent *a, const struct snmp_oid *oids, size_t n,
    snmp_cb cb, void *arg)
{
	snmp_get_kind(a, REQ_GET, oids, n, cb, arg);
}

void
snmp_getnext(struct snmp_agent *a, const struct snmp_oid *oids, size_t n,
    snmp_cb cb, void *arg)
{
	snmp_get_kind(a, REQ_GETNEXT, oids, n, cb, arg);
}

void
snmp_walk(struct snmp_agent *a, const struct snmp_oid *root, size_t max_rows,
    snmp_cb cb, void *arg)
{
	struct snmp_req *r = req_new(a, REQ_WALK, cb, arg);

	r->root = *root;
	r->max_rows = max_rows ? max_rows : WALK_MAX_ROWS;
	r->max_rep = a->max_rep;
	req_enqueue(r);
}
