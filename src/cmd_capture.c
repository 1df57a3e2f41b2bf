#include <stdio.h>
#include "commands.h"
int
cmd_probe_capture(int argc, char **argv)
{
	(void)argc; (void)argv;
	fprintf(stderr, "nocwatch: probe capture: not built yet\n");
	return 3;
}
