/*
 * The event loop's watchdog: a callback over the threshold is counted and
 * named; a quick one, a nested one and a disabled watchdog are not.
 */
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "loopwatch.h"
#include "unit.h"

static void
slow_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	lw_enter("the slow one");
	lw_enter("nested inside it");
	usleep(150 * 1000);
	lw_leave();
	lw_leave();
}

static void
quick_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	lw_enter("the quick one");
	usleep(2 * 1000);
	lw_leave();
}

static void
run(event_callback_fn cb)
{
	struct event_base *b = event_base_new();
	struct timeval tv = { 0, 1000 };

	event_base_once(b, -1, EV_TIMEOUT, cb, NULL, &tv);
	event_base_dispatch(b);
	event_base_free(b);
}

int
main(void)
{
	struct lw_stats st;

	log_init("test_loopwatch", 1, 0);
	lw_init(0);
	run(slow_cb);
	lw_stats(&st);
	CHECK(st.slow == 0, "off until lw_init: nothing counted");
	lw_init(100);
	run(quick_cb);
	lw_stats(&st);
	CHECK(st.slow == 0, "a 2 ms callback is not slow");
	CHECK(strcmp(st.worst, "the quick one") == 0 && st.worst_ms >= 2,
	    "but it is the slowest so far, named with its length");
	run(slow_cb);
	lw_stats(&st);
	CHECK(st.slow == 1, "a 150 ms callback is counted once (nested)");
	CHECK(strcmp(st.worst, "the slow one") == 0,
	    "and named by the outermost callback");
	CHECK(st.worst_ms >= 150 && st.worst_ms < 10000,
	    "with how long it held the loop");
	return unit_done();
}
