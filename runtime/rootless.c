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

static bool read_in_userns(void)
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

bool rl_running_in_userns(void)
{
	/* rlite's own process never changes user namespace: read once */
	static int in = -1;

	if (in < 0)
		in = read_in_userns();
	return in;
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

/* One line of subid(5) for this user covering [lo, lo+n). */
static bool line_covers(const char *line, size_t len, const char *name, uint32_t id, uint64_t lo,
			uint64_t n)
{
	char who[256], idtxt[16];
	unsigned long long start, count;
	const char *c = memchr(line, ':', len);
	int used = 0;

	if (!c || (size_t)(c - line) >= sizeof(who))
		return false;
	memcpy(who, line, (size_t)(c - line));
	who[c - line] = '\0';
	snprintf(idtxt, sizeof(idtxt), "%u", id);
	if (strcmp(who, name ? name : "") != 0 && strcmp(who, idtxt) != 0)
		return false;
	if (sscanf(c + 1, "%llu:%llu%n", &start, &count, &used) != 2 ||
	    (size_t)(c + 1 - line) + (size_t)used != len)
		return false;
	return lo >= start && lo + n <= start + count;
}

int rl_subid_check(const char *subid, const char *file, const char *name, uint32_t id,
		   const struct rl_idmap *m, size_t i, const char *what, struct rl_error *err)
{
	const char *p = subid ? subid : "";

	if (m->host_id == id && m->size == 1)
		return 0;
	while (*p) {
		size_t len = strcspn(p, "\n");

		if (line_covers(p, len, name, id, m->host_id, m->size))
			return 0;
		p += len + (p[len] == '\n');
	}
	return rl_error_set(err, 0,
			    "config.json: %s[%zu]: host ids %u-%llu are not %s's to map (not in %s)",
			    what, i, m->host_id, (unsigned long long)m->host_id + m->size - 1,
			    name ? name : "this user", file);
}
