#include <stdio.h>
#include "commands.h"
int
cmd_probe_http(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "nocwatch: probe http: not built yet\n");
	return 3;
}
