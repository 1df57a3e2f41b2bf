/*
 * `nocwatch maintenance add|list|remove`: windows added and removed
 * through the daemon, listed from the store.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "clock.h"
#include "commands.h"
#include "config.h"
#include "store.h"
#include "store_cmds.h"

static void
print_maint(json_t *a)
{
	json_t *x;
	size_t i;
	char b1[80], b2[200];

	printf("%-5s %-7s %-20s %-21s %-21s %-7s %-10s %s\n", "id", "scope",
	    "name", "starts", "ends", "active", "suppressed", "reason");
	json_array_foreach(a, i, x)
		printf("%-5lld %-7s %-20s %-21s %-21s %-7s %-10lld %s\n",
		    json_integer_value(json_object_get(x, "id")),
		    sc_jstr(x, "scope"), sc_esc(sc_jstr(x, "name"), b1, 21),
		    sc_jstr(x, "starts"), sc_jstr(x, "ends"),
		    json_is_true(json_object_get(x, "active")) ? "yes" : "no",
		    json_integer_value(json_object_get(x, "suppressed")),
		    sc_esc(sc_jstr(x, "reason"), b2, sizeof(b2)));
}

static int
cmd_maintenance(int argc, char **argv)
{
	struct opts o;
	struct store *st;
	const char *sub = argc > 1 ? argv[1] : "";
	long long now = wall_ms(), id;
	json_t *a;
	int rc;

	if (argc < 2)
		return sc_usage_err();
	rc = sc_parse_opts(argc - 1, argv + 1, &o);
	if (rc == 1) {
		config_free(o.w.conf);
		fputs(sc_usage, stdout);
		return 0;
	}
	if (rc != 0)
		goto bad;
	if (strcmp(sub, "list") == 0 && optind == argc - 1) {
		if ((st = sc_open_db(&o.w)) == NULL) {
			config_free(o.w.conf);
			return STATUS_UNKNOWN;
		}
		a = store_maint_json(st, o.all);
		if (o.json) {
			json_dumpf(a, stdout, JSON_INDENT(2));
			putchar('\n');
		} else
			print_maint(a);
		json_decref(a);
		store_close(st);
		rc = 0;
	} else if (strcmp(sub, "add") == 0 && optind == argc - 1 &&
	    (o.site != NULL) != (o.device != NULL) &&
	    (o.for_ms > 0) != (o.until > 0)) {
		if (o.from == 0)
			o.from = now;
		if (o.until == 0)
			o.until = o.from + (long long)o.for_ms;
		rc = sc_send_cmd(&o, json_pack("{s:s, s:s, s:s, s:I, s:I, s:s}",
		    "cmd", "maintenance-add", "scope", o.site ? "site" :
		    "device", "name", o.site ? o.site : o.device, "starts",
		    (json_int_t)(o.from / 1000), "ends", (json_int_t)(o.until /
		    1000), "reason", o.reason ? o.reason : ""));
	} else if (strcmp(sub, "remove") == 0 &&
	    (id = sc_id_arg(argc - 1, argv + 1)) > 0)
		rc = sc_send_cmd(&o, json_pack("{s:s, s:I}", "cmd",
		    "maintenance-end", "id", (json_int_t)id));
	else
		goto bad;
	config_free(o.w.conf);
	return rc;
bad:
	config_free(o.w.conf);
	return sc_usage_err();
}

const struct cmd_entry cmd_maintenance_entry = {
	"maintenance", "add|list|remove ...",
	"maintenance windows", cmd_maintenance
};
