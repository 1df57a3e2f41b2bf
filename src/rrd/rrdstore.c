/*
 * RRD layouts (the .layout files of rrd/) and the file names derived from
 * device and metric names.  The writer is src/rrd/rrdstore_cache.c.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rrdstore.h"
#include "xmalloc.h"

static int
layout_ds(struct rrd_layout *l, char *args, char *err, size_t errlen)
{
	char name[32], type[16], hb[16], min[24], max[24];

	if (sscanf(args, "%31s %15s %15s %23s %23s", name, type, hb, min,
	    max) != 5) {
		snprintf(err, errlen, "expected 'ds NAME TYPE HEARTBEAT MIN MAX'");
		return -1;
	}
	if (strcmp(type, "GAUGE") && strcmp(type, "COUNTER") &&
	    strcmp(type, "DERIVE") && strcmp(type, "ABSOLUTE")) {
		snprintf(err, errlen, "unknown DS type '%s'", type);
		return -1;
	}
	if (strlen(name) > 19 || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != strlen(name)) {
		snprintf(err, errlen, "bad DS name '%s'", name);
		return -1;
	}
	if (l->nds == RRD_MAX_DS) {
		snprintf(err, errlen, "too many data sources");
		return -1;
	}
	snprintf(l->ds_name[l->nds], sizeof(l->ds_name[0]), "%.19s", name);
	snprintf(l->ds[l->nds++], sizeof(l->ds[0]), "DS:%s:%s:%s:%s:%s", name,
	    type, hb, min, max);
	return 0;
}

static int
layout_line(struct rrd_layout *l, char *line, char *err, size_t errlen)
{
	char cf[16];
	double xff;
	unsigned long steps, rows;

	if (strncmp(line, "step ", 5) == 0) {
		l->step = strtoul(line + 5, NULL, 10);
		if (l->step < 1 || l->step > 86400) {
			snprintf(err, errlen, "step must be 1..86400 seconds");
			return -1;
		}
		return 0;
	}
	if (strncmp(line, "ds ", 3) == 0)
		return layout_ds(l, line + 3, err, errlen);
	if (strncmp(line, "rra ", 4) == 0) {
		if (sscanf(line + 4, "%15s %lf %lu %lu", cf, &xff, &steps,
		    &rows) != 4 || xff < 0 || xff >= 1 || steps < 1 ||
		    rows < 1 || l->nrra == RRD_MAX_RRA) {
			snprintf(err, errlen, "expected 'rra CF XFF STEPS ROWS'");
			return -1;
		}
		snprintf(l->rra[l->nrra++], sizeof(l->rra[0]),
		    "RRA:%s:%g:%lu:%lu", cf, xff, steps, rows);
		return 0;
	}
	snprintf(err, errlen, "unknown line (step, ds or rra)");
	return -1;
}

int
rrdstore_layout_load(const char *path, struct rrd_layout *l, char *err,
    size_t errlen)
{
	FILE *f = fopen(path, "r");
	char line[256], why[160], *p;
	const char *base = strrchr(path, '/');
	int lineno = 0;

	memset(l, 0, sizeof(*l));
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	snprintf(l->name, sizeof(l->name), "%s", base ? base + 1 : path);
	if ((p = strstr(l->name, ".layout")) != NULL)
		*p = '\0';
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		line[strcspn(line, "#\r\n")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0')
			continue;
		if (layout_line(l, p, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s:%d: %s", path, lineno, why);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	if (l->step == 0 || l->nds == 0 || l->nrra == 0) {
		snprintf(err, errlen, "%s: needs a step, a ds and an rra", path);
		return -1;
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
rrdstore_layouts_load(const char *dir, struct rrd_layout **out, size_t *n,
    char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, path[1024];
	size_t nn = 0, i, len;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (d == NULL) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len > 7 && strcmp(de->d_name + len - 7, ".layout") == 0) {
			names = xreallocarray(names, nn + 1, sizeof(char *));
			names[nn++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	qsort(names, nn, sizeof(char *), cmp_str);
	*out = xcalloc(nn + 1, sizeof(**out));
	for (i = 0; i < nn; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (rc == 0 && rrdstore_layout_load(path, &(*out)[i], err,
		    errlen) == -1)
			rc = -1;
		free(names[i]);
	}
	free(names);
	*n = rc == 0 ? nn : 0;
	return rc;
}

const struct rrd_layout *
rrdstore_layout_find(const struct rrd_layout *ls, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(ls[i].name, name) == 0)
			return &ls[i];
	return NULL;
}

static void
safe_name(const char *in, char *out, size_t len)
{
	size_t i, o = 0;

	for (i = 0; in[i] != '\0' && o + 1 < len && o < 100; i++) {
		unsigned char c = (unsigned char)in[i];

		int keep = isalnum(c) || c == '-' || c == '_' ||
		    (c == '.' && o > 0);

		out[o++] = keep ? (char)c : '_';
	}
	if (o == 0)
		out[o++] = '_';
	out[o] = '\0';
}

int
rrdstore_path(const char *base, const char *device, const char *metric,
    char *out, size_t len)
{
	char d[128], m[128];
	int n;

	safe_name(device, d, sizeof(d));
	safe_name(metric, m, sizeof(m));
	n = snprintf(out, len, "%s/%s/%s.rrd", base, d, m);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

