#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rrd.h>

#include "graph.h"
#include "xmalloc.h"

#define GRAPH_MAX_ARGS	96

void
graph_metric_layout(const char *metric, char *out, size_t len)
{
	snprintf(out, len, "%.*s", (int)strcspn(metric, "."), metric);
}

/* rrd_graph separates with ':' — a path may not carry one unescaped. */
static void
escape_colons(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in != '\0' && o + 2 < len; in++) {
		if (*in == ':')
			out[o++] = '\\';
		out[o++] = *in;
	}
	out[o] = '\0';
}

static char *
subst_file(const char *line, const char *file)
{
	const char *at = strstr(line, "{file}");
	size_t n;
	char *s;

	if (at == NULL)
		return xstrdup(line);
	n = strlen(line) + strlen(file);
	s = xmalloc(n + 1);
	snprintf(s, n + 1, "%.*s%s%s", (int)(at - line), line, file, at + 6);
	return s;
}

/* Read the definition into argv (options first, then elements). */
static int
graph_def(const struct graph_req *r, const char *file, char **argv, int *argc,
    char *err, size_t errlen)
{
	char path[1024], line[512], *p, title[300];
	FILE *f;
	int lineno = 0;

	snprintf(path, sizeof(path), "%s/%s.graph", r->defs_dir, r->def);
	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "no graph definition %s: %s", path,
		    strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL && *argc < GRAPH_MAX_ARGS - 2) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		for (p = line; isspace((unsigned char)*p); p++)
			;
		if (*p == '\0' || *p == '#')
			continue;
		if (strncmp(p, "title ", 6) == 0) {
			snprintf(title, sizeof(title), "%s%s%s", r->title ?
			    r->title : "", r->title ? " - " : "", p + 6);
			argv[(*argc)++] = xstrdup("--title");
			argv[(*argc)++] = xstrdup(title);
		} else if (strncmp(p, "vertical-label ", 15) == 0) {
			argv[(*argc)++] = xstrdup("--vertical-label");
			argv[(*argc)++] = xstrdup(p + 15);
		} else if (strncmp(p, "lower-limit ", 12) == 0) {
			argv[(*argc)++] = xstrdup("--lower-limit");
			argv[(*argc)++] = xstrdup(p + 12);
		} else if (isupper((unsigned char)*p))
			argv[(*argc)++] = subst_file(p, file);
		else {
			snprintf(err, errlen, "%s:%d: unknown line", path, lineno);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

static int
period_ok(const char *p)
{
	size_t n = strspn(p, "0123456789");

	return n > 0 && n < 6 && (strcmp(p + n, "h") == 0 ||
	    strcmp(p + n, "d") == 0 || strcmp(p + n, "w") == 0 ||
	    strcmp(p + n, "m") == 0 || strcmp(p + n, "y") == 0 ||
	    strcmp(p + n, "min") == 0);
}

int
graph_render(const struct graph_req *r, unsigned char **png, size_t *pnglen,
    char *err, size_t errlen)
{
	char *argv[GRAPH_MAX_ARGS], file[1100], start[32], wh[2][16];
	rrd_info_t *info, *i;
	int argc = 0, rc = -1;

	if (!period_ok(r->period)) {
		snprintf(err, errlen, "period '%.20s': use e.g. 1h, 1d, 7d, 1m",
		    r->period);
		return -1;
	}
	escape_colons(r->rrd_file, file, sizeof(file));
	snprintf(start, sizeof(start), "-%s", r->period);
	snprintf(wh[0], sizeof(wh[0]), "%d", r->width > 0 ? r->width : 800);
	snprintf(wh[1], sizeof(wh[1]), "%d", r->height > 0 ? r->height : 250);
	argv[argc++] = xstrdup("graph");
	argv[argc++] = xstrdup(r->out);
	argv[argc++] = xstrdup("--imgformat=PNG");
	argv[argc++] = xstrdup("--start");
	argv[argc++] = xstrdup(start);
	argv[argc++] = xstrdup("--end");
	argv[argc++] = xstrdup("now");
	argv[argc++] = xstrdup("--width");
	argv[argc++] = xstrdup(wh[0]);
	argv[argc++] = xstrdup("--height");
	argv[argc++] = xstrdup(wh[1]);
	if (r->dark) {
		/* The wall's own colours (web/wall.css), so a graph is not a
		 * white block on a dark screen across the room. */
		static const char *const dark[] = { "BACK#151a22",
		    "CANVAS#0b0e13", "SHADEA#151a22", "SHADEB#151a22",
		    "FONT#e8edf3", "AXIS#8b96a5", "ARROW#8b96a5",
		    "GRID#2a313c", "MGRID#444d5a", "FRAME#151a22" };
		size_t k;

		for (k = 0; k < sizeof(dark) / sizeof(dark[0]); k++) {
			argv[argc++] = xstrdup("--color");
			argv[argc++] = xstrdup(dark[k]);
		}
		argv[argc++] = xstrdup("--border");
		argv[argc++] = xstrdup("0");
	}
	if (r->rrdcached != NULL) {
		/* rrd_graph asks rrdcached to flush the file before reading. */
		argv[argc++] = xstrdup("--daemon");
		argv[argc++] = xstrdup(r->rrdcached);
	}
	if (graph_def(r, file, argv, &argc, err, errlen) == 0) {
		rrd_clear_error();
		info = rrd_graph_v(argc, argv);
		if (info == NULL)
			snprintf(err, errlen, "%s", rrd_get_error());
		else {
			for (i = info; i != NULL; i = i->next)
				if (png != NULL && strcmp(i->key, "image") == 0 &&
				    i->type == RD_I_BLO) {
					*png = xmalloc(i->value.u_blo.size);
					memcpy(*png, i->value.u_blo.ptr,
					    i->value.u_blo.size);
					*pnglen = i->value.u_blo.size;
				}
			rrd_info_free(info);
			rc = 0;
		}
	}
	while (argc > 0)
		free(argv[--argc]);
	return rc;
}
