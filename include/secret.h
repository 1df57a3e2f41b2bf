/*
 * Secrets: SNMP communities and SNMPv3 passphrases for the command line
 * come from files or the environment, never from argv, and are never
 * printed; an API token is kept only as its hash.
 */
#ifndef NOCWATCH_SECRET_H
#define NOCWATCH_SECRET_H

#include <stddef.h>

/*
 * The community: the first line of file if given, else $NOCWATCH_COMMUNITY,
 * else "public".  0, or -1 with err.
 */
int	secret_community(const char *file, char *out, size_t outlen,
	    char *err, size_t errlen);
/*
 * SNMPv3 passphrases: "auth PASS" and "priv PASS" lines of file if given;
 * $NOCWATCH_AUTH_PASS and $NOCWATCH_PRIV_PASS fill what the file did not.
 */
int	secret_v3(const char *file, char *auth, size_t authlen, char *priv,
	    size_t privlen, char *err, size_t errlen);
/* An API token as the configuration keeps it: "sha256:" and its hex. */
void	api_token_hash(const char *token, char *out, size_t len);

#endif
