/*
 * The SNMP engine's life cycle without an agent: requests to a loopback
 * port where nobody answers time out through the callback in bounded
 * time, and an agent closed with requests queued and in flight calls
 * nobody back and frees everything (ASan checks the latter).
 */
#include <string.h>

#include <event2/event.h>

#include "clock.h"
#include "snmp.h"
#include "unit.h"

static int calls;
static enum probe_outcome last;

static void
cb(const struct snmp_response *r, void *arg)
{
	calls++;
	last = r->outcome;
	/* The agent's socket keeps the loop alive: stop it here. */
	if (arg != NULL)
		event_base_loopexit(arg, NULL);
}

static void
stop(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	event_base_loopexit(arg, NULL);
}

int
main(void)
{
	struct event_base *base = event_base_new();
	struct snmp_engine *e = snmp_engine_new(base);
	struct snmp_creds c = { .version = 2, .community = "public" };
	struct snmp_agent_params p = { .host = "127.0.0.1", .port = 9,
	    .creds = &c, .timeout_ms = 100, .retries = 1, .max_inflight = 2 };
	struct snmp_oid o;
	struct timeval tv = { 0, 50000 };
	struct snmp_agent *a;
	char err[128];
	double t0;
	int i;

	oid_parse("sysUpTime.0", &o, err, sizeof(err));
	a = snmp_agent_open(e, &p, err, sizeof(err));
	CHECK(a != NULL, "agent opens");
	t0 = mono_ms();
	snmp_get(a, &o, 1, cb, base);
	event_base_once(base, -1, EV_TIMEOUT, stop, base, &(struct timeval){ 5, 0 });
	event_base_dispatch(base);
	CHECK(calls == 1 && last == PROBE_TIMEOUT, "silent agent: one timeout");
	CHECK(mono_ms() - t0 < 1000, "timeout after 2 tries of 100 ms, "
	    "well under a second");

	calls = 0;
	for (i = 0; i < 5; i++)
		snmp_get(a, &o, 1, cb, NULL);	/* 2 in flight, 3 queued */
	event_base_once(base, -1, EV_TIMEOUT, stop, base, &tv);
	event_base_dispatch(base);
	snmp_agent_close(a);
	event_base_loop(base, EVLOOP_NONBLOCK);
	CHECK(calls == 0, "closing with requests pending calls nobody back");

	p.creds = &c;
	c.version = 3;
	c.level = SNMP_LEVEL_AUTHPRIV;
	CHECK(snmp_agent_open(e, &p, err, sizeof(err)) == NULL &&
	    strstr(err, "user name") != NULL, "v3 without a user is refused");
	snprintf(c.user, sizeof(c.user), "u");
	CHECK(snmp_agent_open(e, &p, err, sizeof(err)) == NULL &&
	    strstr(err, "passphrase") != NULL, "v3 authPriv without passphrases is refused");
	c.version = 5;
	CHECK(snmp_agent_open(e, &p, err, sizeof(err)) == NULL,
	    "unknown version is refused");
	snmp_engine_free(e);
	event_base_free(base);
	return unit_done();
}
