/*
 * Configuration parser: a lexer over a stack of files (include), macros
 * expanded by the lexer, a recursive-descent parser that records every
 * error as file:line and resynchronises at the end of the block, then a
 * check of the whole model (references, ranges, cycles).
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

static void conf_mask_macros(struct parser *, char *, size_t);

void
cf_error(struct parser *p, const char *file, int line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	size_t n;

	if (p->conf->nerrors >= CONFIG_MAX_ERRORS)
		return;
	n = (size_t)snprintf(msg, sizeof(msg), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	conf_mask_macros(p, msg + n, sizeof(msg) - n);
	p->conf->errors[p->conf->nerrors++] = xstrdup(msg);
}

/*
 * A message quoting a value that came from a macro names the macro
 * instead: "$v3_auth", never the passphrase it holds (every error path,
 * whatever it quotes).  Values shorter than 6 bytes are left alone, so
 * that a "2c" or a "60s" cannot garble the words of a message.
 */
static void
conf_mask_macros(struct parser *p, char *msg, size_t len)
{
	char out[512], *q;
	const char *v, *from;
	size_t i, o, vl;

	for (i = 0; i < p->nmacros; i++) {
		v = p->macros[i].value;
		if ((vl = strlen(v)) < 6 || strstr(msg, v) == NULL)
			continue;
		for (o = 0, from = msg; (q = strstr(from, v)) != NULL &&
		    o < sizeof(out) - 1; from = q + vl)
			o += (size_t)snprintf(out + o, sizeof(out) - o,
			    "%.*s$%s", (int)(q - from), from, p->macros[i].name);
		if (o < sizeof(out) - 1)
			snprintf(out + o, sizeof(out) - o, "%s", from);
		snprintf(msg, len, "%s", out);
	}
}


static const char *
conf_keep_file(struct config *c, const char *path)
{
	c->files = xreallocarray(c->files, c->nfiles + 1, sizeof(char *));
	c->files[c->nfiles] = xstrdup(path);
	return c->files[c->nfiles++];
}

/*
 * A configuration file must be a regular file nobody else can change: a
 * world-writable include could add a 'notify exec' that nocwatchd runs.
 */
static int
src_check(struct parser *p, FILE *f, struct stat *st, const char *path,
    const char *from, int fline)
{
	if (fstat(fileno(f), st) == -1) {
		cf_error(p, from, fline, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st->st_mode)) {
		cf_error(p, from, fline, "%s: not a regular file", path);
		return -1;
	}
	if (st->st_mode & S_IWOTH) {
		cf_error(p, from, fline, "%s: writable by everyone (mode %04o); "
		    "chmod o-w it", path, (unsigned)(st->st_mode & 07777));
		return -1;
	}
	if (st->st_size > MAX_FILE_SIZE) {
		cf_error(p, from, fline, "%s: too large", path);
		return -1;
	}
	return 0;
}

/* A NUL byte would end the text early and silently: an error at its line. */
static void
src_check_nul(struct parser *p, const struct src *s)
{
	const char *nul = memchr(s->buf, '\0', s->len);
	const char *q;
	int line = 1;

	if (nul == NULL)
		return;
	for (q = s->buf; q < nul; q++)
		line += *q == '\n';
	cf_error(p, s->file, line, "a NUL byte: not a text file");
}

int
cf_src_push(struct parser *p, const char *path, const char *from, int fline)
{
	struct src *s;
	struct stat st;
	FILE *f;
	int i;

	for (i = 0; i <= p->depth; i++)
		if (strcmp(p->stack[i].file, path) == 0) {
			cf_error(p, from, fline, "include loop: %s", path);
			return -1;
		}
	if (p->depth + 1 >= MAX_INCLUDE_DEPTH) {
		cf_error(p, from, fline, "includes nested too deep");
		return -1;
	}
	if ((f = fopen(path, "r")) == NULL) {
		cf_error(p, from, fline, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (src_check(p, f, &st, path, from, fline) == -1) {
		fclose(f);
		return -1;
	}
	s = &p->stack[++p->depth];
	s->file = conf_keep_file(p->conf, path);
	s->buf = xmalloc((size_t)st.st_size + 1);
	s->len = fread(s->buf, 1, (size_t)st.st_size, f);
	s->buf[s->len] = '\0';
	s->pos = 0;
	s->line = 1;
	s->mode = st.st_mode;
	s->told_secret = 0;
	if (s->len != (size_t)st.st_size)
		cf_error(p, from, fline, "%s: read %zu of %lld bytes", path,
		    s->len, (long long)st.st_size);
	src_check_nul(p, s);
	fclose(f);
	return 0;
}

const char *
cf_macro_get(struct parser *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nmacros; i++)
		if (strcmp(p->macros[i].name, name) == 0)
			return p->macros[i].value;
	return NULL;
}

static int
is_word_char(int c)
{
	/* strchr finds the terminating NUL too: a word at the very end of
	 * a file would run past its buffer. */
	return c != '\0' && (isalnum(c) || strchr("._-:/%,@+[]*!", c) != NULL);
}

static enum tok
lex_string(struct parser *p, struct src *s)
{
	size_t n = 0;
	int c;

	s->pos++;
	while ((c = s->buf[s->pos]) != '"') {
		if (c == '\0' || c == '\n') {
			ERR(p, "unterminated string");
			return T_ERROR;
		}
		if (c == '\\' && (s->buf[s->pos + 1] == '"' ||
		    s->buf[s->pos + 1] == '\\'))
			c = s->buf[++s->pos];
		if (n + 1 >= sizeof(p->text)) {
			ERR(p, "string too long");
			return T_ERROR;
		}
		p->text[n++] = (char)c;
		s->pos++;
	}
	s->pos++;
	p->text[n] = '\0';
	return T_STRING;
}

static enum tok
lex_word(struct parser *p, struct src *s, int macro)
{
	size_t n = 0;
	const char *v;

	while (is_word_char((unsigned char)s->buf[s->pos])) {
		if (n + 1 >= sizeof(p->text)) {
			ERR(p, "word too long");
			return T_ERROR;
		}
		p->text[n++] = s->buf[s->pos++];
	}
	p->text[n] = '\0';
	if (!macro)
		return T_WORD;
	if ((v = cf_macro_get(p, p->text)) == NULL) {
		ERR(p, "macro '%s' is not defined", p->text);
		return T_ERROR;
	}
	snprintf(p->text, sizeof(p->text), "%s", v);
	return T_STRING;
}

static enum tok
lex(struct parser *p)
{
	struct src *s;
	int c;

	for (;;) {
		if (p->depth < 0)
			return T_EOF;
		s = &p->stack[p->depth];
		c = s->buf[s->pos];
		if (c == '\0') {
			free(s->buf);
			p->depth--;
			continue;
		}
		if (c == '\n')
			s->line++;
		if (isspace(c)) {
			s->pos++;
			continue;
		}
		if (c == '#') {
			while (s->buf[s->pos] != '\0' && s->buf[s->pos] != '\n')
				s->pos++;
			continue;
		}
		if (c == '\\' && s->buf[s->pos + 1] == '\n') {
			s->pos += 2;	/* a line continued */
			s->line++;
			continue;
		}
		break;
	}
	p->tfile = s->file;
	p->tline = s->line;
	if (c == '{' || c == '}' || c == '=') {
		s->pos++;
		snprintf(p->text, sizeof(p->text), "%c", c);
		return c == '{' ? T_LBRACE : c == '}' ? T_RBRACE : T_EQ;
	}
	if (c == '"')
		return lex_string(p, s);
	if (c == '$') {
		s->pos++;
		return lex_word(p, s, 1);
	}
	if (is_word_char(c))
		return lex_word(p, s, 0);
	s->pos++;
	ERR(p, "unexpected character '%c'", isprint(c) ? c : '?');
	return T_ERROR;
}

enum tok
cf_next(struct parser *p)
{
	if (p->peeked)
		p->peeked = 0;
	else
		p->tok = lex(p);
	return p->tok;
}

void
cf_unget(struct parser *p)
{
	p->peeked = 1;
}

/* Skip to the end of the block we are in (depth counts braces). */
void
cf_resync(struct parser *p, int depth)
{
	while (p->tok != T_EOF) {
		if (p->tok == T_LBRACE)
			depth++;
		else if (p->tok == T_RBRACE && --depth <= 0)
			return;
		cf_next(p);
	}
}

/* A value: a word, a string or an expanded macro.  NULL on error. */
char *
cf_value(struct parser *p, const char *what)
{
	enum tok t = cf_next(p);

	if (t == T_WORD || t == T_STRING)
		return xstrdup(p->text);
	if (t != T_ERROR)
		ERR(p, "%s expected", what);
	return NULL;
}

int
cf_duration(struct parser *p, const char *what, double min, double max,
    double *out)
{
	char *v = cf_value(p, what), err[160];
	int rc = -1;

	if (v != NULL && parse_duration(v, 1000, min, max, out, err,
	    sizeof(err)) == -1)
		ERR(p, "%s: %s", what, err);
	else if (v != NULL)
		rc = 0;
	free(v);
	return rc;
}

int
cf_integer(struct parser *p, const char *what, long long min, long long max,
    int *out)
{
	char *v = cf_value(p, what), err[160];
	long long n;
	int rc = -1;

	if (v != NULL && parse_int(v, min, max, &n, err, sizeof(err)) == -1)
		ERR(p, "%s: %s", what, err);
	else if (v != NULL) {
		*out = (int)n;
		rc = 0;
	}
	free(v);
	return rc;
}

int
cf_expect_lbrace(struct parser *p, const char *what)
{
	if (cf_next(p) == T_LBRACE)
		return 0;
	ERR(p, "'{' expected after %s", what);
	return -1;
}


static void
object_rule(struct parser *p, const char *kw)
{
	struct config *c = p->conf;
	const char *file = p->tfile;
	int line = p->tline;
	char *name = cf_object_name(p, kw);

	if (name == NULL) {
		cf_resync(p, 0);
		return;
	}
	if (strcmp(kw, "site") == 0) {
		struct site_conf *s;

		c->sites = xreallocarray(c->sites, c->nsites + 1, sizeof(*s));
		s = memset(&c->sites[c->nsites++], 0, sizeof(*s));
		*s = (struct site_conf){ .name = name, .file = file, .line = line };
		cf_site_body(p, s);
	} else if (strcmp(kw, "link") == 0) {
		struct link_conf *l;

		c->links = xreallocarray(c->links, c->nlinks + 1, sizeof(*l));
		l = memset(&c->links[c->nlinks++], 0, sizeof(*l));
		*l = (struct link_conf){ .name = name, .file = file, .line = line };
		cf_link_body(p, l);
	} else {
		struct device_conf **arr = strcmp(kw, "device") == 0 ?
		    &c->devices : &c->templates;
		size_t *n = arr == &c->devices ? &c->ndevices : &c->ntemplates;
		struct device_conf *d;

		/* Grown by doubling (a size that is a power of two is full):
		 * one more at a time copied 20,000 devices 20,000 times. */
		if ((*n & (*n - 1)) == 0)
			*arr = xreallocarray(*arr, *n ? *n * 2 : 1,
			    sizeof(**arr));
		d = memset(&(*arr)[(*n)++], 0, sizeof(*d));
		d->name = name;
		d->file = file;
		d->line = line;
		cf_device_body(p, d);
	}
}

/* rrd-cache-max: a size in bytes with K, M or G, 1M..16G. */
static void
cache_size(struct parser *p, size_t *out)
{
	char *v = cf_value(p, "a size (e.g. 64M)"), *end;
	unsigned long long n;

	if (v == NULL)
		return;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (end != v && (*end == 'K' || *end == 'k'))
		n <<= 10, end++;
	else if (end != v && (*end == 'M' || *end == 'm'))
		n <<= 20, end++;
	else if (end != v && (*end == 'G' || *end == 'g'))
		n <<= 30, end++;
	if (end == v || *end != '\0' || errno != 0 || v[0] == '-' ||
	    n < (1ULL << 20) || n > (16ULL << 30))
		ERR(p, "rrd-cache-max: a size from 1M to 16G expected, not '%s'",
		    v);
	else
		*out = (size_t)n;
	free(v);
}

static const char *const auth_names[] = { [SNMP_AUTH_MD5] = "MD5",
    [SNMP_AUTH_SHA] = "SHA", [SNMP_AUTH_SHA224] = "SHA-224",
    [SNMP_AUTH_SHA256] = "SHA-256", [SNMP_AUTH_SHA384] = "SHA-384",
    [SNMP_AUTH_SHA512] = "SHA-512" };
static const char *const priv_names[] = { [SNMP_PRIV_DES] = "DES",
    [SNMP_PRIV_AES] = "AES", [SNMP_PRIV_AES192] = "AES-192",
    [SNMP_PRIV_AES256] = "AES-256" };

/*
 * trap-user NAME [engine-id HEX] [auth P auth-passphrase S [priv P
 * priv-passphrase S]] [from ADDR[/LEN]]: a user v3 traps and informs may
 * come from, as a net-snmp createUser line the listener hands on.
 */
static void
trap_user_rule(struct parser *p, struct config *c)
{
	struct device_conf d = { 0 };
	char *name, *engine = NULL, *from = NULL, line[1024];
	const char *file = p->tfile, *q;
	int n, bad = 0, quote = 0, at = p->tline;

	if ((name = cf_value(p, "a user name")) == NULL)
		return;
	snprintf(d.snmp.user, sizeof(d.snmp.user), "%s", name);
	while (cf_next(p) == T_WORD) {
		if (strcmp(p->text, "engine-id") == 0) {
			free(engine);
			if ((engine = cf_value(p, "an engine ID")) == NULL)
				break;
		} else if (strcmp(p->text, "from") == 0) {
			free(from);
			if ((from = cf_value(p, "an address")) == NULL)
				break;
		} else if (strcmp(p->text, "auth") == 0 ||
		    strcmp(p->text, "priv") == 0 ||
		    strcmp(p->text, "auth-passphrase") == 0 ||
		    strcmp(p->text, "priv-passphrase") == 0) {
			if (cf_snmp_option(p, &d) == -1)
				break;
		} else
			break;
	}
	cf_unget(p);
	if (name[0] == '\0' || strpbrk(name, " \t\"'\\") != NULL) {
		cf_error(p, file, at, "trap-user: a user name without "
		    "spaces or quotes");
		bad = 1;
	}
	if (engine != NULL && (strncmp(engine, "0x", 2) != 0 ||
	    strlen(engine) < 12 || strlen(engine) > 66 || strlen(engine) % 2 ||
	    strspn(engine + 2, "0123456789abcdefABCDEF") != strlen(engine) - 2)) {
		cf_error(p, file, at, "trap-user '%s': engine-id must be "
		    "0x and 5..32 bytes in hex", name);
		bad = 1;
	}
	for (q = d.snmp.auth_pass; *q != '\0'; q++)
		if (*q == '"' || *q == '\\')
			quote = 1;
	for (q = d.snmp.priv_pass; *q != '\0'; q++)
		if (*q == '"' || *q == '\\')
			quote = 1;
	if (quote) {
		cf_error(p, file, at, "trap-user '%s': a passphrase cannot "
		    "hold a double quote or a backslash", name);
		bad = 1;
	}
	if (!bad && ((d.snmp.auth != SNMP_AUTH_NONE &&
	    strlen(d.snmp.auth_pass) < 8) || (d.snmp.priv != SNMP_PRIV_NONE &&
	    (d.snmp.auth == SNMP_AUTH_NONE || strlen(d.snmp.priv_pass) < 8)))) {
		cf_error(p, file, at, "trap-user '%s': auth needs an "
		    "auth-passphrase of 8 or "
		    "more characters, priv needs auth and a priv-passphrase of "
		    "8 or more", name);
		bad = 1;
	}
	if (!bad) {
		n = snprintf(line, sizeof(line), "%s%s%s%s", engine ? "-e " :
		    "", engine ? engine : "", engine ? " " : "", name);
		if (d.snmp.auth != SNMP_AUTH_NONE)
			n += snprintf(line + n, sizeof(line) - (size_t)n,
			    " %s \"%s\"", auth_names[d.snmp.auth],
			    d.snmp.auth_pass);
		if (d.snmp.priv != SNMP_PRIV_NONE)
			n += snprintf(line + n, sizeof(line) - (size_t)n,
			    " %s \"%s\"", priv_names[d.snmp.priv],
			    d.snmp.priv_pass);
		if (from != NULL)
			snprintf(line + n, sizeof(line) - (size_t)n,
			    " from %s", from);
		c->trap_users = xreallocarray(c->trap_users,
		    c->ntrap_users + 1, sizeof(char *));
		c->trap_users[c->ntrap_users++] = xstrdup(line);
	}
	explicit_bzero(line, sizeof(line));
	explicit_bzero(&d.snmp, sizeof(d.snmp));
	free(name);
	free(engine);
	free(from);
}

/* A daemon setting at the top level; -1 if kw is not one. */
static int
global_rule(struct parser *p, const char *kw)
{
	static const char *const keys[] = { "rrd-dir", "layouts",
	    "rrdcached", "control-socket", "trap-listen", "user", NULL };
	struct config *c = p->conf;
	char **slots[] = { &c->rrd_dir, &c->layouts_dir, &c->rrdcached,
	    &c->control, &c->trap_listen, &c->user };
	char *v, *from;
	int i;

	if (strcmp(kw, "rrd-write-delay") == 0) {
		cf_duration(p, "rrd-write-delay", 0, 3600 * 1000.0,
		    &c->rrd_write_delay);
		return 0;
	}
	if (strcmp(kw, "rrd-cache-max") == 0) {
		cache_size(p, &c->rrd_cache_max);
		return 0;
	}
	if (strcmp(kw, "trap-user") == 0) {
		trap_user_rule(p, c);
		return 0;
	}
	if (strcmp(kw, "trap-v3-level") == 0) {
		enum snmp_level lv;

		if ((v = cf_value(p, "a level")) == NULL)
			return 0;
		if (snmp_level_parse(v, &lv) == -1)
			ERR(p, "trap-v3-level must be noAuthNoPriv, authNoPriv "
			    "or authPriv");
		else
			c->trap_v3_level = (int)lv;
		free(v);
		return 0;
	}
	if (strcmp(kw, "trap-community") == 0) {
		if ((v = cf_value(p, "a community")) == NULL)
			return 0;
		if (cf_next(p) == T_WORD && strcmp(p->text, "from") == 0 &&
		    (from = cf_value(p, "an address")) != NULL) {
			char rule[600];

			snprintf(rule, sizeof(rule), "%.250s from %.250s", v, from);
			free(v);
			free(from);
			v = xstrdup(rule);
		} else if (p->tok != T_WORD || strcmp(p->text, "from") != 0)
			cf_unget(p);
		c->trap_communities = xreallocarray(c->trap_communities,
		    c->ntrap_communities + 1, sizeof(char *));
		c->trap_communities[c->ntrap_communities++] = v;
		return 0;
	}
	for (i = 0; keys[i] != NULL; i++)
		if (strcmp(kw, keys[i]) == 0) {
			if (*slots[i] != NULL)
				ERR(p, "'%s' given twice", kw);
			free(*slots[i]);
			*slots[i] = cf_value(p, kw);
			return 0;
		}
	return -1;
}

static void
parse_top(struct parser *p)
{
	char kw[MAX_TOKEN];
	const char *file;
	int line;

	while (cf_next(p) != T_EOF) {
		if (p->tok == T_ERROR)
			continue;
		if (p->tok != T_WORD) {
			ERR(p, "unexpected '%s'", p->text);
			continue;
		}
		snprintf(kw, sizeof(kw), "%s", p->text);
		file = p->tfile;
		line = p->tline;
		if (strcmp(kw, "include") == 0)
			cf_include_rule(p);
		else if (global_rule(p, kw) == 0)
			;
		else if (cf_incident_rule(p, kw) == 0)
			;
		else if (strcmp(kw, "defaults") == 0)
			cf_defaults_rule(p);
		else if (strcmp(kw, "site") == 0 || strcmp(kw, "device") == 0 ||
		    strcmp(kw, "template") == 0 || strcmp(kw, "link") == 0)
			object_rule(p, kw);
		else if (cf_next(p) == T_EQ)
			cf_macro_rule(p, kw);
		else {
			cf_error(p, file, line, "unknown keyword '%s'", kw);
			cf_unget(p);
		}
	}
}

static struct device_conf *
find_dev(struct device_conf *arr, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(arr[i].name, name) == 0)
			return &arr[i];
	return NULL;
}

const struct site_conf *
config_site(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nsites; i++)
		if (strcmp(c->sites[i].name, name) == 0)
			return &c->sites[i];
	return NULL;
}

const struct device_conf *
config_device(const struct config *c, const char *name)
{
	return find_dev(c->devices, c->ndevices, name);
}

static void
check_copy(struct check_conf *dst, const struct check_conf *src)
{
	size_t i;

	*dst = *src;
	dst->target = src->target ? xstrdup(src->target) : NULL;
	dst->expect = src->expect ? xstrdup(src->expect) : NULL;
	dst->server = src->server ? xstrdup(src->server) : NULL;
	dst->filter = src->filter ? xstrdup(src->filter) : NULL;
	dst->oids = src->noids ? xcalloc(src->noids, sizeof(char *)) : NULL;
	for (i = 0; i < src->noids; i++)
		dst->oids[i] = xstrdup(src->oids[i]);
}

/* A device takes its template's SNMP settings and, first, its checks. */
static void
apply_template(struct parser *p, struct device_conf *d)
{
	const struct device_conf *t;
	struct check_conf *all;
	size_t i;

	if (d->templ == NULL)
		return;
	t = find_dev(p->conf->templates, p->conf->ntemplates, d->templ);
	if (t == NULL) {
		cf_error(p, d->file, d->line, "device '%s': no template "
		    "'%s'", d->name, d->templ);
		return;
	}
	for (i = 0; i < SIT_MAX; i++)
		if (d->priority[i] == 0)
			d->priority[i] = t->priority[i];
	if (!d->has_snmp && t->has_snmp) {
		d->has_snmp = 1;
		d->snmp = t->snmp;
		d->snmp_port = t->snmp_port;
	}
	all = xcalloc(t->nchecks + d->nchecks + 1, sizeof(*all));
	for (i = 0; i < t->nchecks; i++)
		check_copy(&all[i], &t->checks[i]);
	if (d->nchecks > 0)
		memcpy(all + t->nchecks, d->checks, d->nchecks * sizeof(*all));
	free(d->checks);
	d->checks = all;
	d->nchecks += t->nchecks;
}


/* What a check holds (not the check itself). */
static void
checks_free_one(struct check_conf *c)
{
	size_t j;

	free(c->target);
	free(c->expect);
	free(c->server);
	free(c->filter);
	for (j = 0; j < c->noids; j++)
		free(c->oids[j]);
	free(c->oids);
}

static void
checks_free(struct check_conf *cs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		checks_free_one(&cs[i]);
	free(cs);
}

struct config *
config_load(const char *path)
{
	struct parser p;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.conf = xcalloc(1, sizeof(*p.conf));
	p.depth = -1;
	p.defaults.interval_ms = 60000;
	p.defaults.timeout_ms = 2000;
	p.defaults.retries = 2;
	cf_incident_defaults(&p.conf->inc);
	p.conf->http_rate = 50;
	p.conf->rrd_write_delay = 60000;
	p.conf->rrd_cache_max = 64UL << 20;
	if (cf_src_push(&p, path, path, 0) == 0)
		parse_top(&p);
	while (p.depth >= 0)
		free(p.stack[p.depth--].buf);
	for (i = 0; i < p.conf->ndevices; i++)
		apply_template(&p, &p.conf->devices[i]);
	cf_config_validate(&p);
	if (p.conf->rrd_dir == NULL)
		p.conf->rrd_dir = xstrdup(NOCWATCH_RRD_DIR);
	if (p.conf->http_listen == NULL)
		p.conf->http_listen = xstrdup("127.0.0.1:8080");
	if (p.conf->state_db == NULL)
		p.conf->state_db = xstrdup(NOCWATCH_STATE_DB);
	if (p.conf->control == NULL)
		p.conf->control = xstrdup(NOCWATCH_CONTROL_SOCK);
	for (i = 0; i < p.nmacros; i++) {
		free(p.macros[i].name);
		free(p.macros[i].value);
	}
	free(p.macros);
	checks_free_one(&p.defaults);
	return p.conf;
}

static void
devices_free(struct device_conf *ds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(ds[i].name);
		free(ds[i].site);
		free(ds[i].address);
		free(ds[i].parent);
		free(ds[i].templ);
		checks_free(ds[i].checks, ds[i].nchecks);
	}
	free(ds);
}

void
config_free(struct config *c)
{
	size_t i, j;

	if (c == NULL)
		return;
	free(c->rrd_dir);
	free(c->layouts_dir);
	free(c->rrdcached);
	free(c->control);
	free(c->user);
	free(c->trap_listen);
	free(c->state_db);
	cf_notifies_free(c->notifies, c->nnotifies);
	free(c->http_listen);
	free(c->web_dir);
	free(c->trust_proxy);
	free(c->tls_cert);
	free(c->tls_key);
	for (i = 0; i < c->ntokens; i++)
		free(c->tokens[i].name);
	free(c->tokens);
	for (i = 0; i < c->ntrap_communities; i++)
		free(c->trap_communities[i]);
	free(c->trap_communities);
	for (i = 0; i < c->ntrap_users; i++) {
		explicit_bzero(c->trap_users[i], strlen(c->trap_users[i]));
		free(c->trap_users[i]);
	}
	free(c->trap_users);
	for (i = 0; i < c->nsites; i++) {
		free(c->sites[i].name);
		free(c->sites[i].parent);
		for (j = 0; j < c->sites[i].ntags; j++)
			free(c->sites[i].tags[j]);
		free(c->sites[i].tags);
		for (j = 0; j < c->sites[i].naps; j++)
			free(c->sites[i].aps[j]);
		free(c->sites[i].aps);
	}
	free(c->sites);
	devices_free(c->devices, c->ndevices);
	devices_free(c->templates, c->ntemplates);
	for (i = 0; i < c->nlinks; i++) {
		free(c->links[i].name);
		for (j = 0; j < 2; j++) {
			free(c->links[i].dev[j]);
			free(c->links[i].ifname[j]);
			free(c->links[i].rx_oid[j]);
		}
		free(c->links[i].group);
	}
	free(c->links);
	for (i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	for (i = 0; i < c->nerrors; i++)
		free(c->errors[i]);
	free(c);
}
