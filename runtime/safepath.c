/* Resolution and creation of paths inside the rootfs; see safepath.h. */
#include "safepath.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#define MAX_LINKS 40 /* the kernel's own limit (MAXSYMLINKS) */
#define RESTART	  -2 /* walk() rewrote the path through a dangling symlink */

int rl_path_clean(const char *path, char *out, size_t outsz)
{
	size_t o = 0;
	const char *p = path;

	if (outsz < 2)
		return -1;
	out[o++] = '/';
	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		len = strcspn(p, "/");
		if (len == 0 || (len == 1 && p[0] == '.')) {
			p += len;
			continue;
		}
		if (len == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 1 && out[o - 1] != '/')
				o--;
			if (o > 1)
				o--; /* the '/' before the dropped component */
			p += len;
			continue;
		}
		if (o > 1)
			out[o++] = '/';
		if (o + len + 1 > outsz)
			return -1;
		memcpy(out + o, p, len);
		o += len;
		p += len;
	}
	out[o] = '\0';
	return 0;
}

bool rl_path_is_under(const char *clean, const char *dir)
{
	size_t n = strlen(dir);

	if (strcmp(dir, "/") == 0)
		return true;
	return strncmp(clean, dir, n) == 0 && (clean[n] == '\0' || clean[n] == '/');
}

const char *rl_fdpath(int fd, char buf[RL_FDPATH_MAX])
{
	snprintf(buf, RL_FDPATH_MAX, "/proc/self/fd/%d", fd);
	return buf;
}

/* openat2 with the rootfs fd as "/": RESOLVE_IN_ROOT scopes "..", absolute
 * symlinks and "/" to rootfd; RESOLVE_NO_MAGICLINKS refuses /proc/<pid>/fd
 * style links, which would jump anywhere.  EAGAIN means a concurrent rename
 * made ".." resolution unsafe to check; the kernel asks us to retry. */
static int open_in_root(int rootfd, const char *path, int flags)
{
	struct open_how how = {
	    .flags = (uint64_t)(O_PATH | O_CLOEXEC | flags),
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	int tries = 0, fd;

	do
		fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN && ++tries < 16);
	return fd;
}

int rl_safepath_open(int rootfd, const char *path, int flags, struct rl_error *err)
{
	int fd = open_in_root(rootfd, path, flags);

	if (fd < 0)
		return rl_error_set(err, errno, "open \"%s\" in the rootfs", path);
	return fd;
}

/* parent/comp exists but could not be opened as a path: if it is a
 * dangling symlink, rewrite path to go through its target instead (relative
 * targets are relative to the link's directory, `dir`).  rest is what came
 * after comp in path. */
static int follow_dangling(int parent, const char *comp, const char *dir, const char *rest,
			   char *path, struct rl_error *err)
{
	char target[PATH_MAX], next[PATH_MAX];
	ssize_t n = readlinkat(parent, comp, target, sizeof(target) - 1);
	int len;

	if (n < 0)
		return rl_error_set(err, errno == EINVAL ? ENOENT : errno, "create \"%s\"", path);
	target[n] = '\0';
	if (target[0] == '/')
		len = snprintf(next, sizeof(next), "%s/%s", target, rest);
	else
		len = snprintf(next, sizeof(next), "%s/%s/%s", dir, target, rest);
	if (len < 0 || (size_t)len >= sizeof(next))
		return rl_error_set(err, ENAMETOOLONG, "create \"%s\"", path);
	memcpy(path, next, (size_t)len + 1);
	return RESTART;
}

/* Creates comp in parent: a directory, or an empty file when it is the
 * last component of a RL_SAFEPATH_FILE.  EEXIST is fine: the caller opens
 * it again and then sees what is there. */
static int create_one(int parent, const char *comp, bool file, mode_t mode)
{
	int fd;

	if (!file)
		return mkdirat(parent, comp, mode) < 0 && errno != EEXIST ? -1 : 0;
	fd = openat(parent, comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0)
		return errno == EEXIST ? 0 : -1;
	close(fd);
	return 0;
}

/* One pass over path (PATH_MAX buffer, rewritten on RESTART).  Each prefix
 * is opened from rootfd with RESOLVE_IN_ROOT, so whatever symlinks earlier
 * components are, the parent we create in is inside the rootfs; the name
 * we create is a single component, which cannot escape it. */
static int walk(int rootfd, char *path, bool file, mode_t mode, struct rl_error *err)
{
	char prefix[PATH_MAX] = "", comp[NAME_MAX + 1];
	const char *p = path;
	_rl_fd_ int parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);

	if (parent < 0)
		return rl_error_set(err, errno, "create \"%s\"", path);
	for (;;) {
		size_t len, plen = strlen(prefix);
		int next;

		p += strspn(p, "/");
		len = strcspn(p, "/");
		if (len == 0)
			return rl_fd_steal(&parent);
		if (len > NAME_MAX || plen + len + 2 > sizeof(prefix))
			return rl_error_set(err, ENAMETOOLONG, "create \"%s\"", path);
		memcpy(comp, p, len);
		comp[len] = '\0';
		p += len;
		snprintf(prefix + plen, sizeof(prefix) - plen, "/%s", comp);
		next = open_in_root(rootfd, prefix, 0);
		if (next < 0 && errno == ENOENT) {
			bool last = p[strspn(p, "/")] == '\0';

			if (create_one(parent, comp, file && last, mode) < 0)
				return rl_error_set(err, errno, "create \"%s\"", prefix);
			next = open_in_root(rootfd, prefix, 0);
			if (next < 0 && errno == ENOENT) {
				prefix[plen] = '\0';
				return follow_dangling(parent, comp, prefix, p, path, err);
			}
		}
		if (next < 0)
			return rl_error_set(err, errno, "open \"%s\" in the rootfs", prefix);
		close(parent);
		parent = next;
	}
}

int rl_safepath_create(int rootfd, const char *path, enum rl_safepath_kind kind, mode_t mode,
		       struct rl_error *err)
{
	char cur[PATH_MAX];
	int fd, links;

	fd = open_in_root(rootfd, path, 0);
	if (fd >= 0 || errno != ENOENT) {
		if (fd < 0)
			return rl_error_set(err, errno, "open \"%s\" in the rootfs", path);
		return fd;
	}
	if (strlen(path) >= sizeof(cur))
		return rl_error_set(err, ENAMETOOLONG, "create \"%s\"", path);
	strcpy(cur, path);
	for (links = 0; links <= MAX_LINKS; links++) {
		fd = walk(rootfd, cur, kind == RL_SAFEPATH_FILE, mode, err);
		if (fd != RESTART)
			return fd;
	}
	return rl_error_set(err, ELOOP, "create \"%s\"", path);
}

/* A directory inside the rootfs reached without any symlink. */
static int open_nofollow(int rootfd, const char *dir)
{
	struct open_how how = {
	    .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	int tries = 0, fd;

	do
		fd = (int)syscall(SYS_openat2, rootfd, dir, &how, sizeof(how));
	while (fd < 0 && errno == EAGAIN && ++tries < 16);
	return fd;
}

int rl_safepath_parent(int rootfd, const char *path, char base[NAME_MAX + 1], struct rl_error *err)
{
	char clean[PATH_MAX], *slash;
	const char *dir;
	int fd;

	if (rl_path_clean(path, clean, sizeof(clean)) < 0 || strcmp(clean, "/") == 0)
		return rl_error_set(err, EINVAL, "\"%s\" in the rootfs: not a file name", path);
	slash = strrchr(clean, '/');
	if (strlen(slash + 1) > NAME_MAX)
		return rl_error_set(err, ENAMETOOLONG, "\"%s\" in the rootfs", path);
	strcpy(base, slash + 1);
	*slash = '\0';
	dir = clean[0] ? clean : "/";
	fd = open_nofollow(rootfd, dir);
	if (fd < 0 && errno == ENOENT) {
		_rl_fd_ int made = rl_safepath_create(rootfd, dir, RL_SAFEPATH_DIR, 0755, err);

		if (made < 0)
			return -1;
		fd = open_nofollow(rootfd, dir);
	}
	if (fd < 0 && errno == ELOOP)
		return rl_error_set(
		    err, 0, "\"%s\" in the rootfs: a symlink on the way there, not followed", path);
	if (fd < 0)
		return rl_error_set(err, errno, "open \"%s\" in the rootfs", dir);
	return fd;
}

int rl_safepath_leaf(int rootfd, const char *path, struct stat *st, struct rl_error *err)
{
	char base[NAME_MAX + 1];
	_rl_fd_ int parent = rl_safepath_parent(rootfd, path, base, err);
	_rl_fd_ int fd = -1;

	if (parent < 0)
		return -1;
	/* O_CREAT|O_EXCL never follows the name; EEXIST leaves what is there
	 * for the caller to judge. */
	fd = openat(parent, base, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0);
	if (fd < 0 && errno != EEXIST)
		return rl_error_set(err, errno, "create \"%s\" in the rootfs", path);
	if (fd >= 0)
		close(rl_fd_steal(&fd));
	fd = openat(parent, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, st) < 0)
		return rl_error_set(err, errno, "open \"%s\" in the rootfs", path);
	return rl_fd_steal(&fd);
}

const char *rl_describe(const struct stat *st, char *buf, size_t len)
{
	const char *what = "a file of unknown type";

	switch (st->st_mode & S_IFMT) {
	case S_IFLNK:
		what = "a symlink";
		break;
	case S_IFDIR:
		what = "a directory";
		break;
	case S_IFREG:
		what = "a regular file";
		break;
	case S_IFIFO:
		what = "a fifo";
		break;
	case S_IFSOCK:
		what = "a socket";
		break;
	case S_IFCHR:
	case S_IFBLK:
		snprintf(buf, len, "the %s device %u:%u",
			 S_ISCHR(st->st_mode) ? "character" : "block", major(st->st_rdev),
			 minor(st->st_rdev));
		return buf;
	}
	snprintf(buf, len, "%s", what);
	return buf;
}

int rl_mount_bind_fd(int src, int target, bool recursive, unsigned long long attr_set)
{
	unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH;
	_rl_fd_ int tree = open_tree(src, "", flags | (recursive ? AT_RECURSIVE : 0));

	if (tree < 0)
		return -1;
	if (attr_set) {
		struct mount_attr a = {.attr_set = attr_set};

		if (mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
			return -1;
	}
	return move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}
