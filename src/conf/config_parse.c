/*
 * Sites, devices and their checks, links, templates, macros and
 * includes.
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

static const char *const check_names[CHECK_TYPE_MAX] = {
	[CHECK_ICMP] = "icmp", [CHECK_TCP] = "tcp", [CHECK_DNS] = "dns",
	[CHECK_HTTP] = "http", [CHECK_SNMP_METRICS] = "snmp-metrics",
	[CHECK_SNMP_STATUS] = "snmp-status", [CHECK_PCAP] = "pcap",
};

const char *
check_type_name(enum check_type t)
{
	return (unsigned)t < CHECK_TYPE_MAX ? check_names[t] : "?";
}

static int
threshold_value(struct parser *p, const char *what, struct threshold *t)
{
	char *v = cf_value(p, what), err[160];
	int rc = -1;

	if (v != NULL && threshold_parse(v, t, err, sizeof(err)) == -1)
		ERR(p, "%s: %s", what, err);
	else if (v != NULL)
		rc = 0;
	free(v);
	return rc;
}

static void
check_oids(struct parser *p, struct check_conf *c)
{
	struct snmp_oid o;
	char err[160];

	if (cf_expect_lbrace(p, "oids") == -1)
		return;
	while (cf_next(p) == T_WORD || p->tok == T_STRING) {
		if (oid_parse(p->text, &o, err, sizeof(err)) == -1)
			ERR(p, "%s", err);
		c->oids = xreallocarray(c->oids, c->noids + 1, sizeof(char *));
		c->oids[c->noids++] = xstrdup(p->text);
	}
	if (p->tok != T_RBRACE)
		ERR(p, "'}' expected after the OIDs");
}

/* One option inside a check's braces; -1 to stop the block. */
/* A string option; given again, the last one holds. */
static int
string_option(struct parser *p, const char *what, char **dst)
{
	char *v = cf_value(p, what);

	if (v == NULL)
		return -1;
	free(*dst);
	*dst = v;
	return 0;
}

static int
check_option(struct parser *p, struct check_conf *c)
{
	const char *k = p->text;

	if (strcmp(k, "interval") == 0)
		return cf_duration(p, "interval", 1000, 86400000, &c->interval_ms);
	if (strcmp(k, "timeout") == 0)
		return cf_duration(p, "timeout", 10, 600000, &c->timeout_ms);
	if (strcmp(k, "retries") == 0)
		return cf_integer(p, "retries", 0, 10, &c->retries);
	if (strcmp(k, "count") == 0)
		return cf_integer(p, "count", 1, 100, &c->count);
	if (strcmp(k, "warning") == 0) {
		c->has_warn = 1;
		return threshold_value(p, "warning", &c->warn);
	}
	if (strcmp(k, "critical") == 0) {
		c->has_crit = 1;
		return threshold_value(p, "critical", &c->crit);
	}
	if (strcmp(k, "silent") == 0)
		return cf_duration(p, "silent", 1000, 86400000, &c->silent_ms);
	if (strcmp(k, "expect") == 0)
		return string_option(p, "expect", &c->expect);
	if (strcmp(k, "server") == 0)
		return string_option(p, "server", &c->server);
	if (strcmp(k, "filter") == 0)
		return string_option(p, "filter", &c->filter);
	if (strcmp(k, "oids") == 0) {
		check_oids(p, c);
		return 0;
	}
	ERR(p, "unknown check option '%s'", k);
	return -1;
}

static int
check_type_parse(const char *s, enum check_type *t)
{
	int i;

	for (i = 0; i < CHECK_TYPE_MAX; i++)
		if (strcmp(s, check_names[i]) == 0) {
			*t = (enum check_type)i;
			return 0;
		}
	return -1;
}

static void
check_block(struct parser *p, struct check_conf *c)
{
	while (cf_next(p) == T_WORD) {
		if (check_option(p, c) == -1) {
			cf_resync(p, 1);
			return;
		}
	}
	if (p->tok != T_RBRACE) {
		ERR(p, "'}' expected at the end of the check");
		cf_resync(p, 1);
	}
}

/* check TYPE [TARGET] [{ options }] */
static void
check_rule(struct parser *p, struct device_conf *d)
{
	struct check_conf c;

	memset(&c, 0, sizeof(c));
	c.file = p->tfile;
	c.line = p->tline;
	c.interval_ms = c.timeout_ms = -1;
	c.retries = -1;
	if (cf_next(p) != T_WORD || check_type_parse(p->text, &c.type) == -1) {
		ERR(p, "unknown check type '%s' (icmp, tcp, dns, http, "
		    "snmp-metrics, snmp-status, pcap)", p->text);
		return;
	}
	if (c.type != CHECK_ICMP && c.type != CHECK_SNMP_METRICS &&
	    (c.target = cf_value(p, "the check's target")) == NULL)
		return;
	if (cf_next(p) == T_LBRACE)
		check_block(p, &c);
	else
		cf_unget(p);
	d->checks = xreallocarray(d->checks, d->nchecks + 1, sizeof(c));
	d->checks[d->nchecks++] = c;
}

int
cf_snmp_option(struct parser *p, struct device_conf *d)
{
	char k[MAX_TOKEN];
	char *v;
	int rc = 0;

	/* cf_value() reuses p->text: keep the keyword. */
	snprintf(k, sizeof(k), "%s", p->text);
	if (strcmp(k, "port") == 0)
		return cf_integer(p, "port", 1, 65535, &d->snmp_port);
	if ((v = cf_value(p, k)) == NULL)
		return -1;
	if (strcmp(k, "version") == 0) {
		d->snmp.version = strcmp(v, "1") == 0 ? 1 : strcmp(v, "2c") == 0 ?
		    2 : strcmp(v, "3") == 0 ? 3 : 0;
		if (d->snmp.version == 0)
			ERR(p, "SNMP version must be 1, 2c or 3");
	} else if (strcmp(k, "community") == 0)
		snprintf(d->snmp.community, sizeof(d->snmp.community), "%s", v);
	else if (strcmp(k, "user") == 0)
		snprintf(d->snmp.user, sizeof(d->snmp.user), "%s", v);
	else if (strcmp(k, "level") == 0)
		rc = snmp_level_parse(v, &d->snmp.level);
	else if (strcmp(k, "auth") == 0)
		rc = snmp_auth_parse(v, &d->snmp.auth);
	else if (strcmp(k, "priv") == 0)
		rc = snmp_priv_parse(v, &d->snmp.priv);
	else if (strcmp(k, "auth-passphrase") == 0)
		snprintf(d->snmp.auth_pass, sizeof(d->snmp.auth_pass), "%s", v);
	else if (strcmp(k, "priv-passphrase") == 0)
		snprintf(d->snmp.priv_pass, sizeof(d->snmp.priv_pass), "%s", v);
	else if (strcmp(k, "context") == 0)
		snprintf(d->snmp.context, sizeof(d->snmp.context), "%s", v);
	if (rc == -1)
		ERR(p, "bad SNMP %s '%.40s'", k, v);
	free(v);
	return rc;
}

static int
is_snmp_option(const char *k)
{
	static const char *const opts[] = { "version", "community", "user",
	    "level", "auth", "priv", "auth-passphrase", "priv-passphrase",
	    "context", "port", NULL };
	int i;

	for (i = 0; opts[i] != NULL; i++)
		if (strcmp(k, opts[i]) == 0)
			return 1;
	return 0;
}

/* snmp OPTION VALUE ... (as many as follow) */
static void
snmp_rule(struct parser *p, struct device_conf *d)
{
	d->has_snmp = 1;
	if (d->snmp.version == 0)
		d->snmp.version = 2;
	while (cf_next(p) == T_WORD && is_snmp_option(p->text))
		if (cf_snmp_option(p, d) == -1)
			break;
	cf_unget(p);
}

static char **
name_slot(struct device_conf *d, const char *k)
{
	if (strcmp(k, "site") == 0)
		return &d->site;
	if (strcmp(k, "address") == 0)
		return &d->address;
	if (strcmp(k, "parent") == 0)
		return &d->parent;
	if (strcmp(k, "template") == 0)
		return &d->templ;
	return NULL;
}

void
cf_device_body(struct parser *p, struct device_conf *d)
{
	char **slot;

	if (cf_expect_lbrace(p, "the name") == -1)
		return;
	while (cf_next(p) == T_WORD) {
		if ((slot = name_slot(d, p->text)) != NULL) {
			if (*slot != NULL)
				ERR(p, "'%s' given twice", p->text);
			free(*slot);
			*slot = cf_value(p, p->text);
		} else if (strcmp(p->text, "snmp") == 0)
			snmp_rule(p, d);
		else if (strcmp(p->text, "check") == 0)
			check_rule(p, d);
		else if (strcmp(p->text, "priority") == 0) {
			if (cf_next(p) != T_WORD || cf_priority_rule(p,
			    d->priority) == -1) {
				if (p->tok != T_WORD)
					ERR(p, "a situation expected after "
					    "'priority'");
				cf_resync(p, 1);
				return;
			}
		} else {
			ERR(p, "unknown keyword '%s'", p->text);
			cf_resync(p, 1);
			return;
		}
	}
	if (p->tok != T_RBRACE) {
		ERR(p, "'}' expected");
		cf_resync(p, 1);
	}
}

void
cf_site_body(struct parser *p, struct site_conf *s)
{
	char *v;

	if (cf_expect_lbrace(p, "the name") == -1)
		return;
	while (cf_next(p) == T_WORD) {
		if (strcmp(p->text, "kind") == 0) {
			if ((v = cf_value(p, "kind")) == NULL)
				continue;
			if (strcmp(v, "datacentre") == 0 ||
			    strcmp(v, "datacenter") == 0)
				s->kind = SITE_DATACENTRE;
			else if (strcmp(v, "remote") == 0)
				s->kind = SITE_REMOTE;
			else
				ERR(p, "kind must be datacentre or remote");
			free(v);
		} else if (strcmp(p->text, "parent") == 0) {
			free(s->parent);
			s->parent = cf_value(p, "parent site");
		} else if (strcmp(p->text, "tags") == 0) {
			if (cf_expect_lbrace(p, "tags") == -1)
				continue;
			while (cf_next(p) == T_WORD || p->tok == T_STRING) {
				s->tags = xreallocarray(s->tags, s->ntags + 1,
				    sizeof(char *));
				s->tags[s->ntags++] = xstrdup(p->text);
			}
			if (p->tok != T_RBRACE)
				ERR(p, "'}' expected after the tags");
		} else if (strcmp(p->text, "aps") == 0) {
			/* The site's access points, by name pattern. */
			if (cf_expect_lbrace(p, "aps") == -1)
				continue;
			while (cf_next(p) == T_WORD || p->tok == T_STRING) {
				if (p->text[0] == '\0' ||
				    strlen(p->text) > 63) {
					ERR(p, "an AP name pattern must be 1 to "
					    "63 characters");
					continue;
				}
				s->aps = xreallocarray(s->aps, s->naps + 1,
				    sizeof(char *));
				s->aps[s->naps++] = xstrdup(p->text);
			}
			if (p->tok != T_RBRACE)
				ERR(p, "'}' expected after the AP patterns");
		} else if (strcmp(p->text, "priority") == 0) {
			if (cf_next(p) != T_WORD || cf_priority_rule(p,
			    s->priority) == -1) {
				if (p->tok != T_WORD)
					ERR(p, "a situation expected after "
					    "'priority'");
				cf_resync(p, 1);
				return;
			}
		} else {
			ERR(p, "unknown keyword '%s'", p->text);
			cf_resync(p, 1);
			return;
		}
	}
	if (p->tok != T_RBRACE) {
		ERR(p, "'}' expected");
		cf_resync(p, 1);
	}
}

static void
link_end(struct parser *p, struct link_conf *l, int end)
{
	if (l->dev[end] != NULL) {
		ERR(p, "'%s' given twice", end ? "to" : "from");
		free(l->dev[end]);
		free(l->ifname[end]);
		l->ifname[end] = NULL;
	}
	l->dev[end] = cf_value(p, "a device");
	if (cf_next(p) != T_WORD || strcmp(p->text, "interface") != 0) {
		ERR(p, "'interface' expected after the device");
		cf_unget(p);
		return;
	}
	l->ifname[end] = cf_value(p, "an interface");
}

/* rx-power OID [precision N] [los DBM], for the end named last. */
static int
link_rx_option(struct parser *p, struct link_conf *l, int end)
{
	struct snmp_oid o;
	char err[160], *v, *x;
	int n;

	if (end < 0) {
		ERR(p, "'%s' goes after 'from' or 'to'", p->text);
		return -1;
	}
	if (strcmp(p->text, "rx-power") == 0) {
		if ((v = cf_value(p, "a sensor OID")) == NULL)
			return -1;
		if (oid_parse(v, &o, err, sizeof(err)) == -1)
			ERR(p, "rx-power: %s", err);
		free(l->rx_oid[end]);
		l->rx_oid[end] = v;
		return 0;
	}
	if (strcmp(p->text, "precision") == 0)
		return cf_integer(p, "precision", 0, 9, &l->rx_precision[end]);
	if ((v = cf_value(p, "a level in dBm")) == NULL)
		return -1;
	n = 0;
	l->los_dbm[end] = strtod(v, &x);
	if (x == v || (*x != '\0' && strcmp(x, "dBm") != 0)) {
		ERR(p, "los: '%.20s' is not a level in dBm", v);
		n = -1;
	}
	free(v);
	return n;
}

void
cf_link_body(struct parser *p, struct link_conf *l)
{
	int last = -1;

	l->los_dbm[0] = l->los_dbm[1] = -30;
	if (cf_expect_lbrace(p, "the name") == -1)
		return;
	while (cf_next(p) == T_WORD) {
		if (strcmp(p->text, "from") == 0)
			link_end(p, l, last = 0);
		else if (strcmp(p->text, "to") == 0)
			link_end(p, l, last = 1);
		else if (strcmp(p->text, "rx-power") == 0 ||
		    strcmp(p->text, "precision") == 0 ||
		    strcmp(p->text, "los") == 0) {
			if (link_rx_option(p, l, last) == -1) {
				cf_resync(p, 1);
				return;
			}
		}
		else if (strcmp(p->text, "group") == 0) {
			free(l->group);
			l->group = cf_value(p, "a group name");
		} else {
			ERR(p, "unknown keyword '%s'", p->text);
			cf_resync(p, 1);
			return;
		}
	}
	if (p->tok != T_RBRACE) {
		ERR(p, "'}' expected");
		cf_resync(p, 1);
	}
}

char *
cf_object_name(struct parser *p, const char *what)
{
	char label[48], *n;

	snprintf(label, sizeof(label), "a name after '%.20s'", what);
	n = cf_value(p, label);
	if (n != NULL && (strlen(n) == 0 || strlen(n) >= CONFIG_NAME_MAX)) {
		ERR(p, "%s name must be 1 to %d characters", what,
		    CONFIG_NAME_MAX - 1);
		free(n);
		return NULL;
	}
	return n;
}

void
cf_include_rule(struct parser *p)
{
	char path[4096], dir[4096];
	const char *file = p->tfile;
	int line = p->tline;
	char *v = cf_value(p, "a file name");

	if (v == NULL)
		return;
	if (v[0] == '/')
		snprintf(path, sizeof(path), "%s", v);
	else {
		snprintf(dir, sizeof(dir), "%s", file);
		snprintf(path, sizeof(path), "%s/%s", dirname(dir), v);
	}
	free(v);
	cf_src_push(p, path, file, line);
}

void
cf_macro_rule(struct parser *p, const char *name)
{
	char *v;

	struct src *s = &p->stack[p->depth];

	if ((v = cf_value(p, "a macro value")) == NULL)
		return;
	/* Macros hold the secrets: communities, passphrases, tokens. */
	if ((s->mode & S_IROTH) && !s->told_secret) {
		ERR(p, "%s defines '%s' but is readable by everyone (mode %04o):"
		    " secrets belong in a file of mode 0600 or 0640; chmod o-r "
		    "it", s->file, name, (unsigned)(s->mode & 07777));
		s->told_secret = 1;
	}
	if (cf_macro_get(p, name) != NULL)
		ERR(p, "macro '%s' defined twice", name);
	p->macros = xreallocarray(p->macros, p->nmacros + 1,
	    sizeof(*p->macros));
	p->macros[p->nmacros].name = xstrdup(name);
	p->macros[p->nmacros++].value = v;
}

void
cf_defaults_rule(struct parser *p)
{
	if (cf_expect_lbrace(p, "defaults") == -1)
		return;
	check_block(p, &p->defaults);
	if (p->defaults.expect != NULL || p->defaults.server != NULL ||
	    p->defaults.filter != NULL || p->defaults.noids > 0 ||
	    p->defaults.has_warn || p->defaults.has_crit)
		ERR(p, "'defaults' sets interval, timeout and retries only");
}
