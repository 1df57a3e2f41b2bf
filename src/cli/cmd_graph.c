/* `nocwatch graph`: one metric of one device as a PNG. */
#include <sys/stat.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "paths.h"
#include "commands.h"
#include "graph.h"
#include "rrdstore.h"
#include "threshold.h"


static const char graph_usage[] =
"usage: nocwatch graph device metric -o file.png [--period 1d]\n"
"           [--rrd-dir DIR] [--defs DIR] [--rrdcached ADDR] [--size WxH]\n"
"           [--socket PATH]\n"
"  metric       icmp, if.NAME, ups, ap or generic.NAME: the part before the\n"
"               first '.' names the graph definition (rrd/NAME.graph)\n"
"  --period P   1h, 6h, 1d (default), 7d, 1m, 1y\n"
"  --rrd-dir    where nocwatchd keeps its RRD files (" NOCWATCH_RRD_DIR ")\n"
"  --defs       graph definitions (" NOCWATCH_DEFS_DIR ", else ./rrd)\n"
"  --rrdcached  flush the file through rrdcached first (unix:/path)\n"
"  --socket     nocwatchd's control socket (" NOCWATCH_CONTROL_SOCK "): the\n"
"               daemon writes what it holds for the file first, if it runs\n";

/*
 * nocwatchd holds samples for a while before writing them (write-behind):
 * ask it to write this file's now.  No daemon there is not an error.
 */
static void
graph_flush(const char *sock, const char *dev, const char *metric)
{
	json_t *req = json_pack("{s:s, s:s, s:s}", "cmd", "rrd-flush",
	    "device", dev, "metric", metric);
	char *line = req ? json_dumps(req, JSON_COMPACT) : NULL, err[256];
	char *ans = line ? control_request(sock, line, err, sizeof(err)) : NULL;

	if (ans != NULL && strstr(ans, "\"flushed\"") == NULL)
		fprintf(stderr, "nocwatch: graph: the daemon did not flush: "
		    "%.200s\n", ans);
	free(ans);
	free(line);
	json_decref(req);
}

static int
cmd_graph(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "rrd-dir", required_argument, NULL, 'D' },
		{ "defs", required_argument, NULL, 'G' },
		{ "rrdcached", required_argument, NULL, 'C' },
		{ "size", required_argument, NULL, 's' },
		{ "socket", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct graph_req r = { .period = "1d", .width = 800, .height = 250 };
	const char *dir = NOCWATCH_RRD_DIR, *sock = NOCWATCH_CONTROL_SOCK;
	char layout[64], file[1024], err[512], title[300];
	struct stat st;
	int ch;

	r.defs_dir = stat(NOCWATCH_DEFS_DIR, &st) == 0 ? NOCWATCH_DEFS_DIR :
	    "rrd";
	while ((ch = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			r.out = optarg;
			break;
		case 'p':
			r.period = optarg;
			break;
		case 'D':
			dir = optarg;
			break;
		case 'G':
			r.defs_dir = optarg;
			break;
		case 'C':
			r.rrdcached = optarg;
			break;
		case 'S':
			sock = optarg;
			break;
		case 's':
			if (sscanf(optarg, "%dx%d", &r.width, &r.height) != 2 ||
			    r.width < 100 || r.width > 8000 || r.height < 50 ||
			    r.height > 4000) {
				fprintf(stderr, "nocwatch: --size: WxH, e.g. "
				    "800x250\n%s", graph_usage);
				return STATUS_UNKNOWN;
			}
			break;
		case 'h':
			fputs(graph_usage, stdout);
			return 0;
		default:
			fputs(graph_usage, stderr);
			return STATUS_UNKNOWN;
		}
	}
	if (argc - optind != 2 || r.out == NULL) {
		fprintf(stderr, "nocwatch: graph: give a device, a metric and "
		    "-o FILE\n%s", graph_usage);
		return STATUS_UNKNOWN;
	}
	graph_flush(sock, argv[optind], argv[optind + 1]);
	graph_metric_layout(argv[optind + 1], layout, sizeof(layout));
	r.def = layout;
	if (rrdstore_path(dir, argv[optind], argv[optind + 1], file,
	    sizeof(file)) == -1 || stat(file, &st) == -1) {
		fprintf(stderr, "nocwatch: graph: no data for %s %s (%s)\n",
		    argv[optind], argv[optind + 1], file);
		return STATUS_CRITICAL;
	}
	snprintf(title, sizeof(title), "%.100s %.100s", argv[optind],
	    argv[optind + 1]);
	r.title = title;
	r.rrd_file = file;
	if (graph_render(&r, NULL, NULL, err, sizeof(err)) == -1) {
		fprintf(stderr, "nocwatch: graph: %s\n", err);
		return STATUS_UNKNOWN;
	}
	return 0;
}

const struct cmd_entry cmd_graph_entry = {
	"graph", "DEVICE METRIC -o FILE.png",
	"render a metric from its RRD file", cmd_graph
};
