#include <stdio.h>
#include "commands.h"
int
cmd_probe_dns(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "nocwatch: probe dns: not built yet\n");
	return 3;
}
