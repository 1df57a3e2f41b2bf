/*
 * `nocwatch token [read|write] [TOKEN]`: a new API token and the line
 * that makes the configuration accept it (its hash, never the token).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "secret.h"
#include "store_cmds.h"

/* `nocwatch token [read|write] [TOKEN]`: a new token and its config line. */
static int
cmd_token(int argc, char **argv)
{
	unsigned char raw[24];
	char tok[64], hash[80];
	const char *scope = argc > 1 ? argv[1] : "read";
	size_t i;

	if ((strcmp(scope, "read") != 0 && strcmp(scope, "write") != 0) ||
	    argc > 3) {
		fputs("usage: nocwatch token [read|write] [TOKEN]\n", stderr);
		return STATUS_UNKNOWN;
	}
	if (argc == 3)
		snprintf(tok, sizeof(tok), "%.60s", argv[2]);
	else {
		if (getentropy(raw, sizeof(raw)) == -1) {
			perror("nocwatch: getentropy");
			return STATUS_UNKNOWN;
		}
		for (i = 0; i < sizeof(raw); i++)
			snprintf(tok + 2 * i, sizeof(tok) - 2 * i, "%02x", raw[i]);
	}
	api_token_hash(tok, hash, sizeof(hash));
	printf("token: %s\n", tok);
	printf("api-token %s \"%s\"\n", scope, hash);
	return 0;
}

const struct cmd_entry cmd_token_entry = {
	"token", "[read|write]",
	"a new API token and its config line", cmd_token
};
