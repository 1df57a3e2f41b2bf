/*
 * One logging API for the daemon and the CLI.  Messages go to stderr
 * (foreground) or syslog (daemon); log_warn appends strerror(errno).
 */
#ifndef NOCWATCH_LOG_H
#define NOCWATCH_LOG_H

#include <stdarg.h>

#define LOG_FMT(a, b) __attribute__((format(printf, a, b)))

/* Start logging as `progname`; to_stderr selects stderr over syslog. */
void	log_init(const char *progname, int to_stderr, int verbose);
/* Raise or lower verbosity at run time (0 = info, 1+ = debug). */
void	log_setverbose(int verbose);
int	log_getverbose(void);

void	log_warn(const char *, ...) LOG_FMT(1, 2);
void	log_warnx(const char *, ...) LOG_FMT(1, 2);
void	log_info(const char *, ...) LOG_FMT(1, 2);
void	log_debug(const char *, ...) LOG_FMT(1, 2);
/* fatal/fatalx exit(1): only at start-up or for a broken invariant. */
void	fatal(const char *, ...) LOG_FMT(1, 2) __attribute__((noreturn));
void	fatalx(const char *, ...) LOG_FMT(1, 2) __attribute__((noreturn));

#endif
