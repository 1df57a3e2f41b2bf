/*
 * `nocwatch incidents` (a list from the store) and `nocwatch incident ID`
 * (one, with its timeline, evidence and notifications).
 */
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "commands.h"
#include "config.h"
#include "store.h"
#include "store_cmds.h"

static void
print_list(json_t *a)
{
	json_t *o, *x;
	size_t i, j;
	char t[80], s[200], b[64];

	printf("%-6s %-3s %-14s %-13s %-20s %-40s %s\n", "id", "pri", "cause",
	    "state", "opened", "title", "sites");
	json_array_foreach(a, i, o) {
		s[0] = '\0';
		json_array_foreach(json_object_get(o, "sites"), j, x) {
			if (strlen(s) > 150)
				break;
			snprintf(s + strlen(s), sizeof(s) - strlen(s), "%s%s",
			    j ? "," : "", sc_esc(json_string_value(x), b,
			    sizeof(b)));
		}
		printf("%-6lld %-3s %-14s %-13s %-20s %-40s %s%s\n",
		    json_integer_value(json_object_get(o, "id")),
		    sc_jstr(o, "priority"), sc_jstr(o, "cause"), sc_jstr(o, "state"),
		    sc_jstr(o, "opened_at"), sc_esc(sc_jstr(o, "title"), t, 41), s,
		    json_is_true(json_object_get(o, "flapping")) ?
		    " (flapping)" : "");
	}
}

static int
cmd_incidents(int argc, char **argv)
{
	struct opts o;
	struct store *st;
	json_t *a;
	int status;

	if (sc_no_operands(argc, argv, &o, &status) == -1)
		return status;
	if ((st = sc_open_db(&o.w)) == NULL) {
		config_free(o.w.conf);
		return STATUS_UNKNOWN;
	}
	a = store_incidents_json(st, o.state, o.priority, o.limit);
	if (o.json) {
		json_dumpf(a, stdout, JSON_INDENT(2));
		putchar('\n');
	} else
		print_list(a);
	json_decref(a);
	store_close(st);
	config_free(o.w.conf);
	return 0;
}

const struct cmd_entry cmd_incidents_entry = {
	"incidents", "[--open] [--json]",
	"incidents from the store", cmd_incidents
};

static void
print_rows(const char *title, json_t *a, const char *k1, const char *k2)
{
	json_t *x;
	size_t i;
	char b1[200], b2[400];

	printf("%s:\n", title);
	json_array_foreach(a, i, x)
		printf("  %s  %-16s %s\n", sc_jstr(x, "at"), sc_esc(sc_jstr(x, k1), b1,
		    sizeof(b1)), sc_esc(sc_jstr(x, k2), b2, sizeof(b2)));
}

static void
print_one(json_t *o)
{
	json_t *x;
	size_t i;
	char b[400];

	printf("incident %lld  %s %s  %s%s\n", json_integer_value(
	    json_object_get(o, "id")), sc_jstr(o, "priority"), sc_jstr(o, "cause"),
	    sc_jstr(o, "state"), json_is_true(json_object_get(o, "flapping")) ?
	    " (flapping)" : "");
	printf("  %s\n", sc_esc(sc_jstr(o, "title"), b, sizeof(b)));
	printf("  started %s, opened %s, acknowledged %s, resolved %s\n",
	    sc_jstr(o, "started_at"), sc_jstr(o, "opened_at"),
	    sc_jstr(o, "acknowledged_at"), sc_jstr(o, "resolved_at"));
	printf("  SLA: respond by %s, resolve by %s\n", sc_jstr(o,
	    "sla_respond_by"), sc_jstr(o, "sla_resolve_by"));
	if (json_is_number(json_object_get(o, "duration_s")))
		printf("  outage lasted %.0f s\n", json_number_value(
		    json_object_get(o, "duration_s")));
	printf("  sites:");
	json_array_foreach(json_object_get(o, "sites"), i, x)
		printf(" %s", sc_esc(json_string_value(x), b, sizeof(b)));
	printf("\n  devices:");
	json_array_foreach(json_object_get(o, "devices"), i, x)
		printf(" %s", sc_esc(json_string_value(x), b, sizeof(b)));
	printf("\n");
	print_rows("timeline", json_object_get(o, "timeline"), "event",
	    "detail");
	print_rows("evidence", json_object_get(o, "evidence"), "source",
	    "observation");
	print_rows("notifications", json_object_get(o, "notifications"),
	    "event", "delivery");
}

static int
cmd_incident(int argc, char **argv)
{
	struct opts o;
	struct store *st;
	json_t *j;
	long long id;
	int rc = sc_parse_opts(argc, argv, &o);

	if (rc == 1) {
		fputs(sc_usage, stdout);
		config_free(o.w.conf);
		return 0;
	}
	if (rc != 0 || (id = sc_id_arg(argc, argv)) < 0) {
		config_free(o.w.conf);
		return sc_usage_err();
	}
	if ((st = sc_open_db(&o.w)) == NULL) {
		config_free(o.w.conf);
		return STATUS_UNKNOWN;
	}
	if ((j = store_incident_json(st, id)) == NULL) {
		fprintf(stderr, "nocwatch: no incident %lld\n", id);
		rc = STATUS_WARNING;
	} else if (o.json) {
		json_dumpf(j, stdout, JSON_INDENT(2));
		putchar('\n');
	} else
		print_one(j);
	json_decref(j);
	store_close(st);
	config_free(o.w.conf);
	return rc;
}

const struct cmd_entry cmd_incident_entry = {
	"incident", "ID",
	"one incident: timeline and evidence", cmd_incident
};
