/*
 * systemd's readiness and watchdog protocol (sd_notify(3)): one datagram
 * per state to the socket in $NOTIFY_SOCKET.  The protocol is documented
 * as stable for reimplementation; this is it without libsystemd.
 */
#ifndef NOCWATCH_SDNOTIFY_H
#define NOCWATCH_SDNOTIFY_H

/* Send "READY=1", "STOPPING=1", "WATCHDOG=1", "STATUS=..." ...; 0 when no
 * one listens (no $NOTIFY_SOCKET), -1 on an error.  Never blocks. */
int	sd_notify_state(const char *state);
/* The watchdog interval systemd asked for, in ms; 0 for none. */
double	sd_watchdog_ms(void);

#endif
