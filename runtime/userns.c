/* User namespace id maps (see userns.h). */
#include "runtime/userns.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/procfs.h"
#include "runtime/rootless.h"

/* One line is at most 3 * 10 digits + 3 separators; the kernel reads a map
 * in one write of at most a page. */
#define MAP_BUF 4096

static void close_fdp(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _cleanup_fd_ __attribute__((cleanup(close_fdp)))

int rl_userns_format(const struct rl_idmap *m, size_t n, const char *what, char *buf, size_t len,
		     struct rl_error *err)
{
	size_t off = 0;

	if (n == 0)
		return rl_error_set(err, 0, "config.json: %s: required with a new user namespace",
				    what);
	if (n > RL_USERNS_MAX_LINES)
		return rl_error_set(err, 0, "config.json: %s: more than %d mappings", what,
				    RL_USERNS_MAX_LINES);
	for (size_t i = 0; i < n; i++) {
		int w;

		if (m[i].size == 0)
			return rl_error_set(err, 0, "config.json: %s[%zu].size: must not be 0",
					    what, i);
		if ((uint64_t)m[i].container_id + m[i].size > UINT32_MAX ||
		    (uint64_t)m[i].host_id + m[i].size > UINT32_MAX)
			return rl_error_set(err, 0, "config.json: %s[%zu]: range out of bounds",
					    what, i);
		w = snprintf(buf + off, len - off, "%u %u %u\n", m[i].container_id, m[i].host_id,
			     m[i].size);
		if (w < 0 || (size_t)w >= len - off)
			return rl_error_set(err, E2BIG, "config.json: %s", what);
		off += (size_t)w;
	}
	return 0;
}

bool rl_userns_maps_root(const struct rl_idmap *m, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (m[i].container_id == 0 && m[i].size > 0)
			return true;
	return false;
}

bool rl_userns_maps_id(const struct rl_idmap *m, size_t n, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (id >= m[i].container_id && (uint64_t)id < (uint64_t)m[i].container_id + m[i].size)
			return true;
	return false;
}

/* The whole map must go in a single write(): the kernel accepts a map once
 * and refuses a partial one (user_namespaces(7)); rl_procfs_write makes
 * one.  Through a procfs checked to be one, never a path some mount could
 * cover. */
static int write_proc(int procfd, pid_t pid, const char *name, const char *text,
		      struct rl_error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "%d/%s", (int)pid, name);
	return rl_procfs_write(procfd, path, text, err);
}

/* cap in our own user namespace, in the effective set. */
static bool have_cap(int cap)
{
	struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct data[2] = {{0}};

	if (syscall(SYS_capget, &hdr, data) < 0)
		return false;
	return (data[cap / 32].effective & (1u << (cap % 32))) != 0;
}

/* ---- newuidmap / newgidmap (rootless, more than the user's own id) ---- */

static int read_small(const char *path, char *buf, size_t len)
{
	_cleanup_fd_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t have = 0;

	if (fd < 0)
		return errno == ENOENT ? (buf[0] = '\0', 0) : -1;
	for (;;) {
		ssize_t n = read(fd, buf + have, len - 1 - have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0 || (have += (size_t)n) == len - 1)
			break;
	}
	buf[have] = '\0';
	return 0;
}

/* Every line must be the user's own id or inside its range in file:
 * checked here to name the mapping; newuidmap checks again. */
static int check_subids(const struct rl_idmap *m, size_t n, const char *what, const char *file,
			uint32_t id, struct rl_error *err)
{
	char text[MAP_BUF * 4], pwbuf[1024];
	struct passwd pw, *res = NULL;

	if (read_small(file, text, sizeof(text)) < 0)
		return rl_error_set(err, errno, "config.json: %s: read \"%s\"", what, file);
	getpwuid_r(geteuid(), &pw, pwbuf, sizeof(pwbuf), &res);
	for (size_t i = 0; i < n; i++)
		if (rl_subid_check(text, file, res ? res->pw_name : NULL, id, &m[i], i, what,
				   err) < 0)
			return -1;
	return 0;
}

/* newuidmap PID inside outside count ... (shadow's setuid helper). */
static int run_helper(const char *tool, pid_t pid, const struct rl_idmap *m, size_t n,
		      const char *what, struct rl_error *err)
{
	char *argv[2 + 3 * RL_USERNS_MAX_LINES + 1];
	char nums[3 * RL_USERNS_MAX_LINES + 1][12];
	size_t a = 0;
	pid_t child;
	int st;

	argv[a++] = (char *)tool;
	snprintf(nums[0], sizeof(nums[0]), "%d", (int)pid);
	argv[a++] = nums[0];
	for (size_t i = 0; i < n; i++) {
		uint32_t v[3] = {m[i].container_id, m[i].host_id, m[i].size};

		for (int k = 0; k < 3; k++) {
			snprintf(nums[1 + 3 * i + k], sizeof(nums[0]), "%u", v[k]);
			argv[a++] = nums[1 + 3 * i + k];
		}
	}
	argv[a] = NULL;
	child = fork();
	if (child < 0)
		return rl_error_set(err, errno, "config.json: %s: fork %s", what, tool);
	if (child == 0) {
		sigset_t none;

		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		execvp(tool, argv);
		_exit(127);
	}
	while (waitpid(child, &st, 0) < 0)
		if (errno != EINTR)
			return rl_error_set(err, errno, "config.json: %s: wait for %s", what, tool);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
		return rl_error_set(err, 0,
				    "config.json: %s: more than the user's own id needs %s, "
				    "which is not installed (Debian: uidmap)",
				    what, tool);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return rl_error_set(err, 0, "config.json: %s: %s failed (status %d)", what, tool,
				    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return 0;
}

/* Only one line mapping exactly this id: the kernel lets its owner write
 * that itself. */
static bool own_only(const struct rl_idmap *m, size_t n, uint32_t id)
{
	return n == 1 && m[0].host_id == id && m[0].size == 1;
}

bool rl_userns_denies_setgroups(const struct rl_idmap *gid, size_t n_gid)
{
	return !have_cap(CAP_SETGID) && own_only(gid, n_gid, (uint32_t)getegid());
}

int rl_userns_write_idmaps(pid_t pid, const struct rl_idmap *uid, size_t n_uid,
			   const char *uid_what, const struct rl_idmap *gid, size_t n_gid,
			   const char *gid_what, struct rl_error *err)
{
	_cleanup_fd_ int procfd = rl_procfs_open(false, err);
	char buf[MAP_BUF];

	bool uid_direct = have_cap(CAP_SETUID) || own_only(uid, n_uid, (uint32_t)geteuid());
	bool gid_direct = have_cap(CAP_SETGID) || own_only(gid, n_gid, (uint32_t)getegid());

	if (procfd < 0)
		return -1;
	if (rl_userns_format(uid, n_uid, uid_what, buf, sizeof(buf), err) < 0 ||
	    rl_userns_format(gid, n_gid, gid_what, buf, sizeof(buf), err) < 0)
		return -1;
	/* Rootless with more than the user's own id: the setuid helpers,
	 * allowed the ranges /etc/subuid and /etc/subgid give the user. */
	if (!uid_direct && (check_subids(uid, n_uid, uid_what, "/etc/subuid",
					 (uint32_t)geteuid(), err) < 0 ||
			    run_helper("newuidmap", pid, uid, n_uid, uid_what, err) < 0))
		return -1;
	if (!gid_direct && (check_subids(gid, n_gid, gid_what, "/etc/subgid",
					 (uint32_t)getegid(), err) < 0 ||
			    run_helper("newgidmap", pid, gid, n_gid, gid_what, err) < 0))
		return -1;
	/* Since Linux 3.19 an unprivileged writer of gid_map must first deny
	 * setgroups(2) in the namespace (CVE-2014-8989); with CAP_SETGID in the
	 * parent namespace that is not needed, and denying would break
	 * process.user.additionalGids.  newgidmap, setuid root, is such a
	 * writer: after it setgroups stays allowed. */
	if (rl_userns_denies_setgroups(gid, n_gid) &&
	    write_proc(procfd, pid, "setgroups", "deny", err) < 0)
		return -1;
	if (uid_direct) {
		rl_userns_format(uid, n_uid, uid_what, buf, sizeof(buf), err);
		if (write_proc(procfd, pid, "uid_map", buf, err) < 0)
			return rl_error_prefix(err, "config.json: %s", uid_what);
	}
	if (gid_direct) {
		rl_userns_format(gid, n_gid, gid_what, buf, sizeof(buf), err);
		if (write_proc(procfd, pid, "gid_map", buf, err) < 0)
			return rl_error_prefix(err, "config.json: %s", gid_what);
	}
	return 0;
}

int rl_userns_write_maps(pid_t pid, const struct rl_linux *lx, struct rl_error *err)
{
	return rl_userns_write_idmaps(pid, lx->uid_mappings, lx->n_uid_mappings,
				      "linux.uidMappings", lx->gid_mappings, lx->n_gid_mappings,
				      "linux.gidMappings", err);
}

int rl_userns_become_root(bool required, struct rl_error *err)
{
	/* Our credentials still hold the host ids, which the new namespace
	 * may not map: files we would create get EOVERFLOW.  setres[ug]id(0)
	 * inside it moves us to the host ids mapped to 0; capabilities in the
	 * namespace stay (the owner of a user ns has them all). */
	if (setresgid(0, 0, 0) < 0) {
		if (!required && errno == EINVAL)
			return 0;
		return rl_error_set(err, errno, "setresgid(0) in the user namespace");
	}
	if (setresuid(0, 0, 0) < 0) {
		if (!required && errno == EINVAL)
			return 0;
		return rl_error_set(err, errno, "setresuid(0) in the user namespace");
	}
	return 0;
}
