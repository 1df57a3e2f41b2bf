/*
 * Where nocwatch looks for its files, from one place: the Makefile passes
 * the install's directories (SYSCONFDIR, LOCALSTATEDIR, RUNSTATEDIR,
 * DATADIR) and the version; the defaults below are those of a plain
 * `make install` (PREFIX=/usr/local).  The generated systemd unit and the
 * Debian package use the same variables.
 */
#ifndef NOCWATCH_PATHS_H
#define NOCWATCH_PATHS_H

/* The build's own (make writes it); without it, the defaults below. */
#if defined(__has_include)
#if __has_include("nocwatch_paths.h")
#include "nocwatch_paths.h"
#endif
#endif

#ifndef NOCWATCH_VERSION
#define NOCWATCH_VERSION	"0.2"
#endif
#ifndef NOCWATCH_SYSCONFDIR
#define NOCWATCH_SYSCONFDIR	"/usr/local/etc"
#endif
#ifndef NOCWATCH_STATEDIR
#define NOCWATCH_STATEDIR	"/var/lib/nocwatch"
#endif
#ifndef NOCWATCH_RUNDIR
#define NOCWATCH_RUNDIR		"/run/nocwatch"
#endif
#ifndef NOCWATCH_DEFS_DIR
#define NOCWATCH_DEFS_DIR	"/usr/local/share/nocwatch/rrd"
#endif
#ifndef NOCWATCH_WEB_DIR
#define NOCWATCH_WEB_DIR	"/usr/local/share/nocwatch/web"
#endif
/* The user nocwatchd runs as when started as root, unless told. */
#ifndef NOCWATCH_USER
#define NOCWATCH_USER		"nocwatch"
#endif

#define NOCWATCH_CONF_FILE	NOCWATCH_SYSCONFDIR "/nocwatch/nocwatch.conf"
#define NOCWATCH_RRD_DIR	NOCWATCH_STATEDIR "/rrd"
#define NOCWATCH_STATE_DB	NOCWATCH_STATEDIR "/nocwatch.db"
#define NOCWATCH_CONTROL_SOCK	NOCWATCH_RUNDIR "/nocwatchd.sock"

#endif
