/*
 * libFuzzer target: whole SNMP messages into nocwatch's own trap listener,
 * over loopback UDP — net-snmp's message parsing, SNMPv3 USM (user lookup,
 * digest, decryption, timeliness), then our authorisation by community,
 * source, user and level, the conversion and the event classification.
 * The listener knows a v2c community and two v3 users (authPriv with an
 * engine ID, authNoPriv without), as a daemon would.
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "snmp.h"
#include "trap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct event_base *base;
static struct trap_listener *listener;
static int out = -1;
static struct sockaddr_in to;
static unsigned long long seen;

static void
got(const struct trap *t, void *arg)
{
	char line[1024];

	(void)arg;
	trap_format(t, line, sizeof(line));
	if (memchr(line, '\0', sizeof(line)) == NULL)
		__builtin_trap();
	seen++;
}

static int
setup(void)
{
	static const char *const comms[] = { "labtrap from 127.0.0.0/8" };
	static const char *const users[] = {
	    "-e 0x8000000001020304 trapv3 SHA-256 trap-auth-pass AES "
	    "trap-priv-pass from 127.0.0.1",
	    "inform SHA inform-pass-1" };
	struct trap_auth auth = { comms, 1, users, 2, 0 };
	socklen_t len = sizeof(to);
	char err[256];
	int port;

	base = event_base_new();
	for (port = 20000 + getpid() % 20000; port < 65000; port += 7) {
		char where[64];

		snprintf(where, sizeof(where), "127.0.0.1:%d", port);
		if ((listener = trap_listen(base, where, &auth, got, NULL, err,
		    sizeof(err))) != NULL)
			break;
	}
	if (listener == NULL)
		return -1;
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((uint16_t)port);
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	out = socket(AF_INET, SOCK_DGRAM, 0);
	(void)len;
	return out == -1 ? -1 : 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (base == NULL && setup() == -1)
		abort();
	if (size == 0 || size > 65000)
		return 0;
	if (sendto(out, data, size, 0, (struct sockaddr *)&to,
	    sizeof(to)) == -1)
		return 0;
	/* Loopback delivers at once: one pass reads and handles it. */
	event_base_loop(base, EVLOOP_NONBLOCK);
	event_base_loop(base, EVLOOP_NONBLOCK);
	if (getenv("FUZZ_USM_VERBOSE") != NULL)
		fprintf(stderr, "fuzz_usm: %llu accepted so far\n", seen);
	return 0;
}
