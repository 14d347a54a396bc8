/* Rootless decisions (see rootless.h). */
#include "runtime/rootless.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runtime/safepath.h"

int rl_rootless_parse(const char *v)
{
	static const char *const yes[] = {"true", "1", "t", "T", "TRUE", "True"};
	static const char *const no[] = {"false", "0", "f", "F", "FALSE", "False"};

	if (!v)
		return -1;
	if (strcmp(v, "auto") == 0)
		return RL_ROOTLESS_AUTO;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcmp(v, yes[i]) == 0)
			return RL_ROOTLESS_TRUE;
		if (strcmp(v, no[i]) == 0)
			return RL_ROOTLESS_FALSE;
	}
	return -1;
}

bool rl_rootless_map_is_userns(const char *uid_map)
{
	unsigned long inside = 1, outside = 1, count = 0;
	int used = 0;

	/* The initial namespace maps every id to itself in one line; any
	 * other map (fewer ids, more lines) is a namespace of its own. */
	if (sscanf(uid_map, " %lu %lu %lu %n", &inside, &outside, &count, &used) != 3)
		return true;
	return inside != 0 || outside != 0 || count != 4294967295UL || uid_map[used] != '\0';
}

bool rl_running_in_userns(void)
{
	_rl_fd_ int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	char buf[4096];
	ssize_t n;

	if (fd < 0)
		return false;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	return rl_rootless_map_is_userns(buf);
}

bool rl_rootless_resolve(int mode, uid_t euid, bool in_userns)
{
	if (mode == RL_ROOTLESS_TRUE)
		return true;
	if (mode == RL_ROOTLESS_FALSE)
		return false;
	return euid != 0 || in_userns;
}

int rl_rootless_state_root(uid_t euid, bool in_userns, const char *xdg, const char *user,
			   char *buf, size_t len, struct rl_error *err)
{
	bool honour = euid != 0 || (in_userns && !(user && strcmp(user, "root") == 0));
	int w;

	if (honour && xdg && xdg[0] == '/')
		w = snprintf(buf, len, "%s/rlite", xdg);
	else if (euid != 0)
		w = snprintf(buf, len, "/run/user/%u/rlite", (unsigned)euid);
	else
		w = snprintf(buf, len, "/run/rlite");
	if (w < 0 || (size_t)w >= len)
		return rl_error_set(err, ENAMETOOLONG, "state root: XDG_RUNTIME_DIR \"%s\"",
				    xdg ? xdg : "");
	return 0;
}

int rl_rootless_cgroup_decide(bool rootless, int errnum, const char *limit, const char *cause,
			      struct rl_error *err)
{
	/* Only "no write access" means no delegation; ENOSPC, EBUSY ... are
	 * real failures whoever runs rlite. */
	if (!rootless || (errnum != EACCES && errnum != EPERM && errnum != EROFS))
		return 0;
	if (!limit)
		return 1;
	return rl_error_set(err, 0,
			    "config.json: linux.resources.%s: cannot be applied: rootless, "
			    "without a delegated cgroup (%s: %s)",
			    limit, cause ? cause : "cgroup", strerror(errnum));
}
