/*
 * The whole model checked once parsed: references, ranges, cycles.
 */
#include <sys/stat.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "paths.h"
#include "config.h"
#include "config_int.h"
#include "oids.h"
#include "parse.h"
#include "xmalloc.h"

#define AT(obj)	(obj)->file, (obj)->line

static void
check_defaults(struct parser *p, struct device_conf *d, struct check_conf *c)
{
	char err[160];
	int port;
	struct snmp_oid o;
	const struct oid_def *def;

	if (c->interval_ms < 0)
		c->interval_ms = p->defaults.interval_ms;
	if (c->timeout_ms < 0)
		c->timeout_ms = p->defaults.timeout_ms;
	if (c->retries < 0)
		c->retries = p->defaults.retries;
	if (c->count == 0)
		c->count = 3;
	if (c->timeout_ms >= c->interval_ms)
		cf_error(p, AT(c), "%s check on '%s': timeout must be shorter "
		    "than the interval", check_type_name(c->type), d->name);
	if ((c->type == CHECK_SNMP_STATUS || c->type == CHECK_SNMP_METRICS) &&
	    !d->has_snmp)
		cf_error(p, AT(c), "%s check on '%s' needs 'snmp' settings",
		    check_type_name(c->type), d->name);
	if (c->type == CHECK_SNMP_STATUS &&
	    oid_parse(c->target, &o, err, sizeof(err)) == -1)
		cf_error(p, AT(c), "%s", err);
	else if (c->type == CHECK_SNMP_STATUS && c->expect != NULL &&
	    (def = oid_find_prefix(&o)) != NULL && def->enums != NULL &&
	    oid_expect_check(def, c->expect, err, sizeof(err)) == -1)
		cf_error(p, AT(c), "snmp-status check on '%s': expect %s",
		    d->name, err);
	if (c->type == CHECK_SNMP_METRICS && c->noids == 0)
		cf_error(p, AT(c), "snmp-metrics check on '%s' lists no oids",
		    d->name);
	if (c->type == CHECK_TCP &&
	    parse_port(c->target, &port, err, sizeof(err)) == -1)
		cf_error(p, AT(c), "tcp check on '%s': %s", d->name, err);
	if (c->type == CHECK_HTTP && strncmp(c->target, "http://", 7) != 0 &&
	    strncmp(c->target, "https://", 8) != 0)
		cf_error(p, AT(c), "http check on '%s': '%.60s' is not an "
		    "http:// or https:// URL", d->name, c->target);
}

static int
address_ok(const char *a)
{
	unsigned char buf[16];
	const char *s;

	if (inet_pton(AF_INET, a, buf) == 1 || inet_pton(AF_INET6, a, buf) == 1)
		return 1;
	if (strspn(a, "0123456789.") == strlen(a) || strchr(a, ':') != NULL)
		return 0;	/* looks numeric but is not an address */
	for (s = a; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '.')
			return 0;
	return s != a && s - a < 254;
}

static void
snmp_creds_check(struct parser *p, const struct device_conf *d)
{
	const struct snmp_creds *c = &d->snmp;

	if (!d->has_snmp || c->version != 3)
		return;
	if (c->user[0] == '\0')
		cf_error(p, AT(d), "device '%s': SNMPv3 needs a user", d->name);
	if (c->level >= SNMP_LEVEL_AUTHNOPRIV && (c->auth == SNMP_AUTH_NONE ||
	    strlen(c->auth_pass) < 8))
		cf_error(p, AT(d), "device '%s': SNMPv3 %s needs auth and an "
		    "auth-passphrase of 8 or more characters", d->name,
		    c->level == SNMP_LEVEL_AUTHPRIV ? "authPriv" : "authNoPriv");
	if (c->level == SNMP_LEVEL_AUTHPRIV && (c->priv == SNMP_PRIV_NONE ||
	    strlen(c->priv_pass) < 8))
		cf_error(p, AT(d), "device '%s': SNMPv3 authPriv needs priv "
		    "and a priv-passphrase of 8 or more characters", d->name);
}

static void
device_check(struct parser *p, struct device_conf *d)
{
	struct config *c = p->conf;
	const struct device_conf *up;
	size_t i, hops;

	if (d->site == NULL)
		cf_error(p, AT(d), "device '%s' has no site", d->name);
	else if (config_site(c, d->site) == NULL)
		cf_error(p, AT(d), "device '%s': no site '%s'", d->name,
		    d->site);
	if (d->address == NULL)
		cf_error(p, AT(d), "device '%s' has no address", d->name);
	else if (!address_ok(d->address))
		cf_error(p, AT(d), "device '%s': '%.60s' is not an address "
		    "or host name", d->name, d->address);
	if (d->parent != NULL && config_device(c, d->parent) == NULL)
		cf_error(p, AT(d), "device '%s': no parent device '%s'",
		    d->name, d->parent);
	/* Walk up the parents: a cycle never reaches the top. */
	for (up = d, hops = 0; up != NULL && up->parent != NULL &&
	    hops <= c->ndevices; hops++)
		up = config_device(c, up->parent);
	if (hops > c->ndevices)
		cf_error(p, AT(d), "device '%s': its parents form a loop",
		    d->name);
	snmp_creds_check(p, d);
	for (i = 0; i < d->nchecks; i++)
		check_defaults(p, d, &d->checks[i]);
}

static void
site_check(struct parser *p, const struct site_conf *s)
{
	const struct site_conf *up;

	if (s->parent == NULL)
		return;
	if ((up = config_site(p->conf, s->parent)) == NULL)
		cf_error(p, AT(s), "site '%s': no parent site '%s'", s->name,
		    s->parent);
	else if (up == s)
		cf_error(p, AT(s), "site '%s' is its own parent", s->name);
	else {
		/* A remote site may hang off a hub site (which hangs off a
		 * datacentre ...), but the chain must end. */
		size_t hops = 0;

		while (up != NULL && up != s && hops++ < p->conf->nsites)
			up = up->parent ? config_site(p->conf, up->parent) :
			    NULL;
		if (up != NULL)
			cf_error(p, AT(s), "site '%s': its parents loop back "
			    "to it", s->name);
	}
}

static void
link_check(struct parser *p, const struct link_conf *l)
{
	int e;

	for (e = 0; e < 2; e++) {
		if (l->dev[e] == NULL || l->ifname[e] == NULL)
			cf_error(p, AT(l), "link '%s' needs '%s DEVICE "
			    "interface NAME'", l->name, e ? "to" : "from");
		else if (config_device(p->conf, l->dev[e]) == NULL)
			cf_error(p, AT(l), "link '%s': no device '%s'",
			    l->name, l->dev[e]);
	}
}

/*
 * Names defined twice: each later definition named with the first, in
 * the order of the file.  By sorting (name, then position): an estate of
 * 20,000 devices took seconds compared pair by pair (minutes under the
 * sanitizers).
 */
struct dupe_key {
	const char	*name;
	size_t		 i;
};

static int
dupe_cmp(const void *a, const void *b)
{
	const struct dupe_key *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : x->i < y->i ? -1 : x->i > y->i;
}

static int
dupe_pair_cmp(const void *a, const void *b)
{
	const size_t *x = a, *y = b;

	return x[0] < y[0] ? -1 : x[0] > y[0];
}

/* pairs: [later, first] for each later definition; their number. */
static size_t
dupes(const char *(*name_of)(const void *, size_t), const void *arr,
    size_t n, size_t (**pairs)[2])
{
	struct dupe_key *k = xcalloc(n + 1, sizeof(*k));
	size_t i, first = 0, np = 0;

	*pairs = xcalloc(n + 1, sizeof(**pairs));
	for (i = 0; i < n; i++) {
		k[i].name = name_of(arr, i);
		k[i].i = i;
	}
	qsort(k, n, sizeof(*k), dupe_cmp);
	for (i = 1; i < n; i++) {
		if (strcmp(k[i].name, k[first].name) != 0) {
			first = i;
			continue;
		}
		(*pairs)[np][0] = k[i].i;
		(*pairs)[np][1] = k[first].i;
		np++;
	}
	qsort(*pairs, np, sizeof(**pairs), dupe_pair_cmp);
	free(k);
	return np;
}

#define DUPE_NAME_FN(fn, type)						\
static const char *							\
fn(const void *arr, size_t i)						\
{									\
	return ((const type *)arr)[i].name;				\
}
DUPE_NAME_FN(site_name_of, struct site_conf)
DUPE_NAME_FN(device_name_of, struct device_conf)
DUPE_NAME_FN(link_name_of, struct link_conf)

#define DUPES(arr, n, what, fn) do {					\
	size_t (*pr_)[2], np_, k_;					\
	np_ = dupes(fn, (arr), (n), &pr_);				\
	for (k_ = 0; k_ < np_; k_++)					\
		cf_error(p, AT(&(arr)[pr_[k_][0]]), "%s '%s' is already " \
		    "defined at %s:%d", what, (arr)[pr_[k_][0]].name,	\
		    (arr)[pr_[k_][1]].file, (arr)[pr_[k_][1]].line);	\
	free(pr_);							\
} while (0)

void
cf_config_validate(struct parser *p)
{
	struct config *c = p->conf;
	size_t i;

	DUPES(c->sites, c->nsites, "site", site_name_of);
	DUPES(c->devices, c->ndevices, "device", device_name_of);
	DUPES(c->templates, c->ntemplates, "template", device_name_of);
	DUPES(c->links, c->nlinks, "link", link_name_of);
	for (i = 0; i < c->nsites; i++)
		site_check(p, &c->sites[i]);
	for (i = 0; i < c->ndevices; i++)
		device_check(p, &c->devices[i]);
	for (i = 0; i < c->nlinks; i++)
		link_check(p, &c->links[i]);
	if ((c->tls_cert == NULL) != (c->tls_key == NULL))
		cf_error(p, c->nfiles ? c->files[0] : "?", 0, "http-tls-cert and http-tls-key "
		    "go together");
}
