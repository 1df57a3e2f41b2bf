/*
 * libFuzzer target: the configuration language.  Bytes are written to a
 * file of this process and loaded as nocwatch.conf: the lexer, the
 * grammar, macros and includes (of files that exist or not), and the
 * whole-model checks.  Errors are expected; crashes, leaks and hangs not.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];

static void
cleanup(void)
{
	unlink(path);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config *c;
	FILE *f;

	if (path[0] == '\0') {
		snprintf(path, sizeof(path), "/tmp/nocwatch-fuzz-%d.conf",
		    (int)getpid());
		atexit(cleanup);
	}
	if ((f = fopen(path, "w")) == NULL)
		return 0;
	(void)fchmod(fileno(f), 0600);	/* macros need a private file */
	fwrite(data, 1, size, f);
	fclose(f);
	c = config_load(path);
	config_free(c);
	return 0;
}
