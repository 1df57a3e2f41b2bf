/*
 * `nocwatch ack ID [--by NAME]`: through the daemon, which records it and
 * tells the service desks.
 */
#include <stdio.h>
#include <stdlib.h>

#include <jansson.h>

#include "commands.h"
#include "config.h"
#include "store_cmds.h"

static int
cmd_ack(int argc, char **argv)
{
	struct opts o;
	long long id;
	const char *who;
	int rc = sc_parse_opts(argc, argv, &o);

	if (rc != 0 || (id = sc_id_arg(argc, argv)) < 0) {
		config_free(o.w.conf);
		if (rc == 1) {
			fputs(sc_usage, stdout);
			return 0;
		}
		return sc_usage_err();
	}
	who = o.by ? o.by : getenv("SUDO_USER") ? getenv("SUDO_USER") :
	    getenv("USER") ? getenv("USER") : "cli";
	rc = sc_send_cmd(&o, json_pack("{s:s, s:I, s:s}", "cmd", "ack", "id",
	    (json_int_t)id, "by", who));
	config_free(o.w.conf);
	return rc;
}

const struct cmd_entry cmd_ack_entry = {
	"ack", "ID [--by NAME]",
	"acknowledge an incident", cmd_ack
};
