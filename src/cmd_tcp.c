#include <stdio.h>
#include "commands.h"
int
cmd_probe_tcp(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "nocwatch: probe tcp: not built yet\n");
	return 3;
}
