/*
 * Least privilege for nocwatchd (the model: relayd, ntpd).  What needs
 * privilege is opened first (the trap port, the HTTP port, the control
 * socket); then the daemon becomes its own user and keeps one capability,
 * CAP_NET_RAW, for the ICMP and capture sockets a check or a reload opens
 * later.  Nothing it starts afterwards (a notify handler) inherits any.
 */
#ifndef NOCWATCH_PRIVDROP_H
#define NOCWATCH_PRIVDROP_H

#include <stddef.h>
#include <sys/types.h>

struct privdrop {
	char	 user[64];	/* who to become; "" to stay who we are */
	uid_t	 uid;
	gid_t	 gid;
	int	 root;		/* started with uid 0 */
};

/*
 * Decide who to become.  user is -u or the config's `user` (NULL: the
 * default, NOCWATCH_USER, and staying root with a warning when that user
 * does not exist); "root" says to stay root.  -1 with err when a named
 * user does not exist.
 */
int	priv_plan(const char *user, struct privdrop *, char *err, size_t errlen);
/* Become that user keeping only CAP_NET_RAW (if we had it); no new
 * privileges for anything exec'd.  Call while the process has one thread. */
int	priv_drop(const struct privdrop *, char *err, size_t errlen);
/* Make path (a file or directory the daemon creates things in) its user's
 * if it is root's; only while still root, only that one path. */
void	priv_own(const struct privdrop *, const char *path);

#endif
