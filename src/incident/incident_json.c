/*
 * The estate as the API shows it: sites, devices with their checks and
 * observations, the wall's key graphs.
 */
#include <sys/stat.h>

#include <fnmatch.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "clock.h"
#include "devrt.h"
#include "escape.h"
#include "incident.h"
#include "incident_int.h"
#include "log.h"
#include "oids.h"
#include "rrdstore.h"
#include "snmpval.h"
#include "trap.h"
#include "xmalloc.h"

static const char *
dev_state_name(const struct tdev *t)
{
	if (t->maint)
		return "maintenance";
	if (t->state == DS_DOWN)
		return t->unreach ? "unreachable" : "down";
	return t->state == DS_UP ? "up" : "unknown";
}

json_t *
incident_sites_json(struct incident_engine *e)
{
	json_t *a = json_array(), *o, *tags;
	struct incident *in;
	size_t i, k;

	for (i = 0; i < e->nsites; i++) {
		const struct site_conf *sc = e->sites[i].conf;
		int total = 0, down = 0, known = 0, inc = 0;
		const char *state;

		for (k = 0; k < e->ndevs; k++) {
			if (e->devs[k].site != (int)i)
				continue;
			total++;
			if (e->devs[k].state != DS_UNKNOWN)
				known++;
			if (e->devs[k].state == DS_DOWN)
				down++;
		}
		for (in = e->incs; in != NULL; in = in->next)
			if (in->state != INC_RESOLVED && in->id != 0 &&
			    strset_has(&in->sites, sc->name))
				inc = 1;
		if (ie_site_in_maint(e, (int)i))
			state = "maintenance";
		else if (e->sites[i].dark)
			state = "down";
		else if (down > 0 || inc)
			state = "degraded";
		else if (known == 0)
			state = "unknown";
		else
			state = "up";
		o = json_object();
		json_object_set_new(o, "name", json_string(sc->name));
		json_object_set_new(o, "kind", json_string(sc->kind ==
		    SITE_DATACENTRE ? "datacentre" : "remote"));
		json_object_set_new(o, "state", json_string(state));
		json_object_set_new(o, "parent", sc->parent ?
		    json_string(sc->parent) : json_null());
		tags = json_array();
		for (k = 0; k < sc->ntags; k++)
			json_array_append_new(tags, json_string(sc->tags[k]));
		json_object_set_new(o, "tags", tags);
		json_object_set_new(o, "devices_total", json_integer(total));
		json_object_set_new(o, "devices_down", json_integer(down));
		/* Its access points (site "aps" patterns), when it has any. */
		json_object_set_new(o, "aps_total", e->sites[i].ap_total ?
		    json_integer(e->sites[i].ap_total) : json_null());
		json_object_set_new(o, "aps_down", e->sites[i].ap_total ?
		    json_integer(e->sites[i].ap_down) : json_null());
		json_array_append_new(a, o);
	}
	return a;
}

/* A controller's AP table as the engine knows it (names are device
 * strings: JSON-escaped here, shown as text by the wall). */
static json_t *
aps_json(struct incident_engine *e, const struct dev_obs *ob)
{
	json_t *a = json_array(), *x;
	char when[32];
	size_t k;
	int s;

	for (k = 0; k < ob->naps; k++) {
		const struct ap_obs *ap = &ob->aps[k];

		s = ap->site_gen == e->topo_gen ? ap->site : -1;
		x = json_object();
		json_object_set_new(x, "name", json_string(ap->name));
		json_object_set_new(x, "index", json_string(ap->index));
		json_object_set_new(x, "state", json_string(ap->gone ? "gone" :
		    ap->up == 1 ? "up" : "down"));
		json_object_set_new(x, "site", s >= 0 ? json_string(ie_sname(e,
		    s)) : json_null());
		json_object_set_new(x, "since", json_string(iso8601(ap->since,
		    when, sizeof(when))));
		json_array_append_new(a, x);
	}
	return a;
}

static json_t *
device_json(struct incident_engine *e, int i, int full)
{
	const struct tdev *t = &e->devs[i];
	const struct device_rt *dv = t->rt;
	json_t *o = json_object(), *cs = json_array(), *c, *x;
	char when[32];
	size_t k;

	json_object_set_new(o, "name", json_string(dv->conf->name));
	json_object_set_new(o, "site", json_string(ie_sname(e, t->site)));
	json_object_set_new(o, "address", json_string(dv->conf->address));
	json_object_set_new(o, "parent", dv->conf->parent ?
	    json_string(dv->conf->parent) : json_null());
	json_object_set_new(o, "state", json_string(dev_state_name(t)));
	json_object_set_new(o, "flapping", json_boolean(t->flapping));
	for (k = 0; k < dv->nchecks; k++) {
		const struct check_rt *ck = &dv->checks[k];

		c = json_object();
		json_object_set_new(c, "type", json_string(check_type_name(
		    ck->conf->type)));
		json_object_set_new(c, "target", ck->conf->target ?
		    json_string(ck->conf->target) : json_null());
		json_object_set_new(c, "outcome", ck->nruns ? json_string(
		    probe_outcome_name(ck->outcome)) : json_null());
		/* Device strings go out as JSON strings; shown as text. */
		json_object_set_new(c, "detail", json_string(ck->detail));
		json_object_set_new(c, "hard", json_boolean(ck->st.hard));
		json_object_set_new(c, "flapping", json_boolean(
		    ck->st.flapping));
		json_object_set_new(c, "value", isnan(ck->value) ?
		    json_null() : json_real(ck->value));
		json_object_set_new(c, "last_run", ck->last_run ? json_string(
		    iso8601((long long)ck->last_run * 1000, when,
		    sizeof(when))) : json_null());
		json_array_append_new(cs, c);
	}
	json_object_set_new(o, "checks", cs);
	if (full) {
		const struct dev_obs *ob = &dv->obs;

		x = json_object();
		if (t->is_ups) {
			json_object_set_new(x, "on_battery", json_boolean(
			    ob->on_battery));
			json_object_set_new(x, "battery_low", json_boolean(
			    ob->battery_low));
			json_object_set_new(x, "minutes_left",
			    isnan(ob->minutes_left) ? json_null() :
			    json_real(ob->minutes_left));
		}
		if (t->is_wlc) {
			json_object_set_new(x, "aps_up", isnan(ob->ap_up) ?
			    json_null() : json_real(ob->ap_up));
			json_object_set_new(x, "aps_down", isnan(ob->ap_down) ?
			    json_null() : json_real(ob->ap_down));
			json_object_set_new(x, "aps", aps_json(e, ob));
		}
		c = json_array();
		for (k = 0; k < ob->nifs; k++) {
			json_t *f = json_object();

			json_object_set_new(f, "index", json_integer(
			    ob->ifs[k].index));
			json_object_set_new(f, "name", json_string(
			    ob->ifs[k].name));
			json_object_set_new(f, "oper", json_integer(
			    ob->ifs[k].oper));
			json_array_append_new(c, f);
		}
		json_object_set_new(x, "interfaces", c);
		json_object_set_new(o, "observed", x);
	}
	return o;
}

json_t *
incident_devices_json(struct incident_engine *e, const char *name)
{
	json_t *a;
	size_t i;
	int k;

	if (name != NULL)
		return (k = ie_find_dev(e, name)) >= 0 ? device_json(e, k, 1) :
		    NULL;
	a = json_array();
	for (i = 0; i < e->ndevs; i++)
		json_array_append_new(a, device_json(e, (int)i, 0));
	return a;
}

static void
wall_add(struct incident_engine *e, json_t *a, int dev, const char *metric,
    const char *title)
{
	char file[1024];
	struct stat sb;

	if (rrdstore_path(e->conf->rrd_dir, ie_dname(e, dev), metric, file,
	    sizeof(file)) == -1 || stat(file, &sb) == -1)
		return;
	json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "device",
	    ie_dname(e, dev), "metric", metric, "title", title));
}

/* The key graphs of the wall: datacentre links, WAN edges, APs, UPSes. */
json_t *
incident_wall_json(struct incident_engine *e)
{
	json_t *a = json_array();
	char metric[96], title[200];
	size_t i;
	int end, n;

	for (i = 0, n = 0; i < e->nlinks && n < 2; i++)
		for (end = 0; end < 2; end++) {
			int dv = e->links[i].dev[end];

			if (dv < 0 || e->devs[dv].site < 0 ||
			    e->sites[e->devs[dv].site].conf->kind !=
			    SITE_DATACENTRE)
				continue;
			snprintf(metric, sizeof(metric), "if.%.80s",
			    e->links[i].conf->ifname[end]);
			snprintf(title, sizeof(title), "%.60s traffic (%.60s "
			    "%.60s)", e->links[i].conf->name, ie_dname(e, dv),
			    e->links[i].conf->ifname[end]);
			wall_add(e, a, dv, metric, title);
			n++;
			break;
		}
	for (i = 0, n = 0; i < e->ndevs && n < 2; i++)
		if (e->devs[i].edge && e->devs[i].parent >= 0 &&
		    e->devs[i].site >= 0 &&
		    e->sites[e->devs[i].site].conf->kind == SITE_REMOTE) {
			snprintf(title, sizeof(title), "%.60s WAN latency and "
			    "loss", ie_dname(e, (int)i));
			wall_add(e, a, (int)i, "icmp", title);
			n++;
		}
	for (i = 0; i < e->ndevs; i++)
		if (e->devs[i].is_wlc) {
			snprintf(title, sizeof(title), "%.60s APs and clients",
			    ie_dname(e, (int)i));
			wall_add(e, a, (int)i, "ap", title);
			break;
		}
	for (i = 0; i < e->ndevs; i++)
		if (e->devs[i].is_ups) {
			snprintf(title, sizeof(title), "%.60s UPS charge and "
			    "runtime", ie_dname(e, (int)i));
			wall_add(e, a, (int)i, "ups", title);
			break;
		}
	return a;
}
