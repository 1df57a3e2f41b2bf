/*
 * Graphs from RRD files with librrd's rrd_graph, using the definitions in
 * rrd/NAME.graph: option lines ("title ...", "vertical-label ...",
 * "lower-limit N") and rrd_graph elements with {file} for the RRD file.
 */
#ifndef NOCWATCH_GRAPH_H
#define NOCWATCH_GRAPH_H

#include <stddef.h>

struct graph_req {
	const char	*defs_dir;	/* where NAME.graph files are */
	const char	*def;		/* NAME: the layout of the metric */
	const char	*rrd_file;
	const char	*title;		/* prefixed to the definition's title */
	const char	*period;	/* "1h", "1d", "7d", ... */
	int		 width, height;
	const char	*out;		/* a PNG file, or "-" for memory */
	const char	*rrdcached;	/* flush through it first, or NULL */
	int		 dark;		/* colours for a dark wall display */
};

/*
 * Render; 0, or -1 with err.  With out "-", *png and *pnglen receive the
 * image (free with free()).
 */
int	graph_render(const struct graph_req *, unsigned char **png,
	    size_t *pnglen, char *err, size_t errlen);
/* The layout a metric uses: its name up to the first '.'. */
void	graph_metric_layout(const char *metric, char *out, size_t len);

#endif
