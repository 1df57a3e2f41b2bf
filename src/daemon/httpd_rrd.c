/*
 * Graphs and metric exports for the HTTP API, off the event loop.
 *
 * Both read RRD files through librrd (rrd_graph_v, rrd_xport) after
 * asking the RRD writer to write what it holds for the file (and FLUSH it
 * in rrdcached) — any of which can wait on the disk or on an rrdcached
 * that does not answer.  So the loop only checks the request and copies
 * what the job needs; the graph worker does the rest, and the loop sends
 * its result, or a 503 when the deadline passes first.  Nothing here
 * talks to rrdcached through librrd (its client blocks without a time-out
 * under a process-wide lock): the writer's flush has its own deadline.
 */
#include <sys/stat.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <jansson.h>
#include <rrd.h>

#include "paths.h"
#include "config.h"
#include "daemon.h"
#include "graph.h"
#include "httpd_int.h"
#include "parse.h"
#include "rrdstore.h"
#include "workq.h"
#include "xmalloc.h"


/* How long the worker waits for the writer to write a file out. */
#define FLUSH_WAIT_MS		2000

enum rrd_job_kind { JOB_EXPORT, JOB_GRAPH };

struct rrd_job {
	struct work		 w;
	enum rrd_job_kind	 kind;
	struct evhttp_request	*req;		/* NULL once answered */
	struct rrdstore		*rrd;
	char			 dev[256], metric[200];
	char			 file[1024];
	/* export */
	char			 start[32];
	size_t			 nds;
	char			 ds_name[RRD_MAX_DS][20];
	/* graph */
	char			 defs_dir[512], layout[64], title[256];
	char			 period[8];
	int			 dark;
	/* the result */
	int			 code;
	char			 err[512];
	json_t			*json;
	unsigned char		*png;
	size_t			 pnglen;
};

static void
job_export(struct rrd_job *j)
{
	char defs[RRD_MAX_DS][1200], xps[RRD_MAX_DS][64];
	char *argv[4 + 2 * RRD_MAX_DS], **legend;
	unsigned long step, ncols, i, k, rows;
	rrd_value_t *data;
	time_t t0, t1;
	json_t *o, *cols, *pts, *row;
	int argc = 0, xsize;

	argv[argc++] = "xport";
	argv[argc++] = "--start";
	argv[argc++] = j->start;
	for (k = 0; k < j->nds; k++) {
		snprintf(defs[k], sizeof(defs[k]), "DEF:v%lu=%s:%s:AVERAGE", k,
		    j->file, j->ds_name[k]);
		snprintf(xps[k], sizeof(xps[k]), "XPORT:v%lu:%s", k,
		    j->ds_name[k]);
		argv[argc++] = defs[k];
	}
	for (k = 0; k < j->nds; k++)
		argv[argc++] = xps[k];
	rrd_clear_error();
	if (rrd_xport(argc, argv, &xsize, &t0, &t1, &step, &ncols, &legend,
	    &data) != 0) {
		j->code = 500;
		snprintf(j->err, sizeof(j->err), "%s", rrd_get_error());
		return;
	}
	o = json_object();
	json_object_set_new(o, "device", json_string(j->dev));
	json_object_set_new(o, "metric", json_string(j->metric));
	json_object_set_new(o, "start", json_integer((json_int_t)t0));
	json_object_set_new(o, "end", json_integer((json_int_t)t1));
	json_object_set_new(o, "step", json_integer((json_int_t)step));
	cols = json_array();
	for (k = 0; k < ncols; k++) {
		json_array_append_new(cols, json_string(legend[k]));
		rrd_freemem(legend[k]);
	}
	rrd_freemem(legend);
	json_object_set_new(o, "columns", cols);
	pts = json_array();
	rows = step > 0 ? (unsigned long)(t1 - t0) / step : 0;
	for (i = 0; i < rows; i++) {
		row = json_array();
		json_array_append_new(row, json_integer((json_int_t)(t0 +
		    (time_t)((i + 1) * step))));
		for (k = 0; k < ncols; k++) {
			double v = data[i * ncols + k];

			json_array_append_new(row, isnan(v) ? json_null() :
			    json_real(v));
		}
		json_array_append_new(pts, row);
	}
	rrd_freemem(data);
	json_object_set_new(o, "points", pts);
	j->json = o;
	j->code = 200;
}

static void
job_graph(struct rrd_job *j)
{
	struct graph_req r;

	memset(&r, 0, sizeof(r));
	r.defs_dir = j->defs_dir;
	r.def = j->layout;
	r.rrd_file = j->file;
	r.title = j->title;
	r.period = j->period;
	r.width = 800;
	r.height = 250;
	r.out = "-";
	r.rrdcached = NULL;	/* the writer has flushed it, with a deadline */
	r.dark = j->dark;
	if (graph_render(&r, &j->png, &j->pnglen, j->err,
	    sizeof(j->err)) == -1) {
		j->code = 500;
		return;
	}
	j->code = 200;
}

/* In the worker thread. */
static void
job_run(struct work *w)
{
	struct rrd_job *j = (struct rrd_job *)w;

	/* What the write-behind cache holds for it first (bounded). */
	rrdstore_flush_file(j->rrd, j->dev, j->metric, FLUSH_WAIT_MS);
	if (j->kind == JOB_EXPORT)
		job_export(j);
	else
		job_graph(j);
}

static void
job_done(struct work *w)
{
	struct rrd_job *j = (struct rrd_job *)w;
	struct evbuffer *b;

	if (j->code != 200)
		httpd_reply_error(j->req, j->code, j->err);
	else if (j->kind == JOB_EXPORT) {
		httpd_reply_json(j->req, 200, j->json);
		j->json = NULL;
	} else {
		b = evbuffer_new();
		evbuffer_add(b, j->png, j->pnglen);
		evhttp_add_header(evhttp_request_get_output_headers(j->req),
		    "Cache-Control", "max-age=30");
		httpd_reply(j->req, 200, "image/png", b);
		evbuffer_free(b);
	}
	j->req = NULL;
}

static void
job_late(struct work *w)
{
	struct rrd_job *j = (struct rrd_job *)w;

	evhttp_add_header(evhttp_request_get_output_headers(j->req),
	    "Retry-After", "30");
	httpd_reply_error(j->req, 503, j->kind == JOB_EXPORT ?
	    "the export took too long (RRD files or rrdcached not answering)" :
	    "the graph took too long (RRD files or rrdcached not answering)");
	j->req = NULL;
}

static void
job_release(struct work *w)
{
	struct rrd_job *j = (struct rrd_job *)w;

	json_decref(j->json);
	free(j->png);
	free(j);
}

static const struct work_ops job_ops = {
	job_run, job_done, job_late, job_release
};

static struct rrd_job *
job_new(struct daemon *d, enum rrd_job_kind kind,
    struct evhttp_request *req, const char *dev, const char *metric,
    const char *file)
{
	struct rrd_job *j = xcalloc(1, sizeof(*j));

	j->w.ops = &job_ops;
	j->kind = kind;
	j->req = req;
	j->rrd = d->rrd;
	snprintf(j->dev, sizeof(j->dev), "%s", dev);
	snprintf(j->metric, sizeof(j->metric), "%s", metric);
	snprintf(j->file, sizeof(j->file), "%s", file);
	return j;
}

static void
job_submit(struct workq *q, struct rrd_job *j, struct evhttp_request *req)
{
	if (q != NULL && workq_submit(q, &j->w, HTTPD_RRD_TIMEOUT_MS) == 0)
		return;
	free(j);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", "30");
	httpd_reply_error(req, 503, "graphs and exports are busy (or stuck "
	    "on RRD files or rrdcached); try again later");
}

void
httpd_get_metrics(struct daemon *d, struct workq *q,
    struct evhttp_request *req, const char *dev, const char *metric)
{
	const struct config *c = d->conf;
	const struct rrd_layout *l;
	char layout[64], file[1024], pbuf[16], start[32];
	const char *period = httpd_query_param(req, "period", pbuf,
	    sizeof(pbuf));
	struct rrd_job *j;
	struct stat sb;
	double sec;
	size_t k;

	graph_metric_layout(metric, layout, sizeof(layout));
	if ((l = rrdstore_layout_find(d->layouts, d->nlayouts, layout)) == NULL ||
	    rrdstore_path(c->rrd_dir, dev, metric, file, sizeof(file)) == -1 ||
	    stat(file, &sb) == -1 || strchr(file, ':') != NULL) {
		httpd_reply_error(req, 404, "no such metric");
		return;
	}
	if (parse_duration(period ? period : "1h", 1000, 60000, 400 *
	    86400000.0, &sec, start, sizeof(start)) == -1) {
		httpd_reply_error(req, 400, "period: e.g. 1h, 6h, 24h");
		return;
	}
	j = job_new(d, JOB_EXPORT, req, dev, metric, file);
	snprintf(j->start, sizeof(j->start), "-%lld", (long long)(sec / 1000));
	j->nds = l->nds;
	for (k = 0; k < l->nds; k++)
		snprintf(j->ds_name[k], sizeof(j->ds_name[k]), "%s",
		    l->ds_name[k]);
	job_submit(q, j, req);
}

void
httpd_get_graph(struct daemon *d, struct workq *q,
    struct evhttp_request *req, const char *dev, const char *png_name)
{
	const struct config *c = d->conf;
	char metric[200], layout[64], file[1024], pbuf[16], tbuf[16];
	const char *period = httpd_query_param(req, "period", pbuf,
	    sizeof(pbuf));
	const char *theme = httpd_query_param(req, "theme", tbuf, sizeof(tbuf));
	static const char *periods[] = { "1h", "6h", "1d", "7d", "1m", "1y" };
	size_t i, len = strlen(png_name);
	struct rrd_job *j;
	struct stat sb;

	if (len < 5 || len - 4 >= sizeof(metric) ||
	    strcmp(png_name + len - 4, ".png") != 0) {
		httpd_reply_error(req, 404, "no such graph");
		return;
	}
	snprintf(metric, sizeof(metric), "%.*s", (int)(len - 4), png_name);
	graph_metric_layout(metric, layout, sizeof(layout));
	if (rrdstore_path(c->rrd_dir, dev, metric, file, sizeof(file)) == -1 ||
	    stat(file, &sb) == -1) {
		httpd_reply_error(req, 404, "no such metric");
		return;
	}
	for (i = 0; period != NULL && i < sizeof(periods) / sizeof(*periods);
	    i++)
		if (strcmp(period, periods[i]) == 0)
			break;
	if (period != NULL && i == sizeof(periods) / sizeof(*periods)) {
		httpd_reply_error(req, 400, "period: 1h, 6h, 1d, 7d, 1m or 1y");
		return;
	}
	j = job_new(d, JOB_GRAPH, req, dev, metric, file);
	snprintf(j->defs_dir, sizeof(j->defs_dir), "%s", c->layouts_dir ?
	    c->layouts_dir : NOCWATCH_DEFS_DIR);
	snprintf(j->layout, sizeof(j->layout), "%s", layout);
	snprintf(j->title, sizeof(j->title), "%.100s %.100s", dev, metric);
	snprintf(j->period, sizeof(j->period), "%s", period ? period : "1d");
	j->dark = theme != NULL && strcmp(theme, "dark") == 0;
	job_submit(q, j, req);
}
