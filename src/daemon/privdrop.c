/*
 * Dropping privilege: setgroups/setresgid/setresuid with the permitted
 * capabilities kept across the change (PR_SET_KEEPCAPS), then libcap
 * narrows them to CAP_NET_RAW, the bounding set loses everything else,
 * the ambient set is emptied and no_new_privs is set, so an exec'd notify
 * handler starts with nothing.
 */
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "paths.h"
#include "privdrop.h"

int
priv_plan(const char *user, struct privdrop *pd, char *err, size_t errlen)
{
	const char *who = user != NULL ? user : NOCWATCH_USER;
	struct passwd *pw;

	memset(pd, 0, sizeof(*pd));
	pd->root = geteuid() == 0;
	if (!pd->root || strcmp(who, "root") == 0)
		return 0;	/* already someone, or told to stay root */
	errno = 0;
	if ((pw = getpwnam(who)) == NULL) {
		if (user == NULL) {
			log_warnx("running as root: there is no user '%s' to "
			    "run as (create it: useradd --system --no-create-home "
			    "%s; or say `user root` to mean it)", who, who);
			return 0;
		}
		snprintf(err, errlen, "user '%.64s' does not exist", who);
		return -1;
	}
	if (pw->pw_uid == 0) {
		snprintf(err, errlen, "user '%.64s' is root: name an "
		    "unprivileged user or say `user root`", who);
		return -1;
	}
	snprintf(pd->user, sizeof(pd->user), "%s", who);
	pd->uid = pw->pw_uid;
	pd->gid = pw->pw_gid;
	return 0;
}

void
priv_own(const struct privdrop *pd, const char *path)
{
	struct stat st;

	if (pd->user[0] == '\0' || lstat(path, &st) == -1 || st.st_uid != 0)
		return;
	if (lchown(path, pd->uid, pd->gid) == -1)
		log_warn("%s: cannot give it to user %s", path, pd->user);
}

/* Every capability but CAP_NET_RAW leaves the bounding set (needs
 * CAP_SETPCAP, so while still root). */
static int
bound_narrow(char *err, size_t errlen)
{
	cap_value_t c;

	for (c = 0; cap_valid(c); c++) {
		if (c == CAP_NET_RAW || CAP_IS_SUPPORTED(c) == 0)
			continue;
		if (cap_drop_bound(c) == -1 && errno != EINVAL) {
			snprintf(err, errlen, "cannot narrow the capability "
			    "bounding set: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int
become(const struct privdrop *pd, char *err, size_t errlen)
{
	if (prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L) == -1 ||
	    setgroups(1, &pd->gid) == -1 ||
	    setresgid(pd->gid, pd->gid, pd->gid) == -1 ||
	    setresuid(pd->uid, pd->uid, pd->uid) == -1) {
		snprintf(err, errlen, "cannot become user %s: %s", pd->user,
		    strerror(errno));
		return -1;
	}
	(void)prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L);
	/* Paranoia, as ntpd: there must be no way back. */
	if (setuid(0) == 0 || seteuid(0) == 0) {
		snprintf(err, errlen, "could become root again after "
		    "dropping to %s", pd->user);
		return -1;
	}
	return 0;
}

/* Keep CAP_NET_RAW if we have it, and nothing else, in any set. */
static int
caps_narrow(char *err, size_t errlen)
{
	cap_t caps = cap_get_proc(), keep = cap_init();
	cap_flag_value_t have = CAP_CLEAR;
	cap_value_t raw = CAP_NET_RAW;
	int rc = 0;

	if (caps == NULL || keep == NULL) {
		snprintf(err, errlen, "capabilities: %s", strerror(errno));
		rc = -1;
		goto out;
	}
	(void)cap_get_flag(caps, CAP_NET_RAW, CAP_PERMITTED, &have);
	if (have == CAP_SET &&
	    (cap_set_flag(keep, CAP_PERMITTED, 1, &raw, CAP_SET) == -1 ||
	    cap_set_flag(keep, CAP_EFFECTIVE, 1, &raw, CAP_SET) == -1))
		rc = -1;
	if (rc == 0 && cap_set_proc(keep) == -1)
		rc = -1;
	if (rc == -1)
		snprintf(err, errlen, "cannot set capabilities: %s",
		    strerror(errno));
out:
	/* Ambient capabilities (systemd's AmbientCapabilities=) would pass
	 * to what we exec: none. */
	(void)prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0L, 0L, 0L);
	if (caps != NULL)
		cap_free(caps);
	if (keep != NULL)
		cap_free(keep);
	return rc;
}

int
priv_drop(const struct privdrop *pd, char *err, size_t errlen)
{
	if (pd->user[0] != '\0') {
		if (bound_narrow(err, errlen) == -1 ||
		    become(pd, err, errlen) == -1 ||
		    caps_narrow(err, errlen) == -1)
			return -1;
	} else if (!pd->root && caps_narrow(err, errlen) == -1)
		return -1;	/* e.g. systemd's User= with ambient caps */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L) == -1) {
		snprintf(err, errlen, "no_new_privs: %s", strerror(errno));
		return -1;
	}
	if (pd->user[0] != '\0')
		log_info("running as user %s (uid %u), keeping CAP_NET_RAW "
		    "only", pd->user, (unsigned)pd->uid);
	return 0;
}
