/* Paths resolved inside the container's rootfs.
 *
 * Everything the runtime creates or mounts at a path named by config.json
 * goes through here: openat2(RESOLVE_IN_ROOT) makes the kernel treat the
 * rootfs fd as "/" for ".." and for absolute symlinks, so neither
 * "/../../etc" nor a symlink "evil -> /../../tmp" can reach the host.  The
 * result is an O_PATH fd; mount(2) is then aimed at "/proc/self/fd/N",
 * which the kernel follows to exactly that object. */
#ifndef RL_RUNTIME_SAFEPATH_H
#define RL_RUNTIME_SAFEPATH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include "spec/error.h"

#define RL_FDPATH_MAX 32 /* "/proc/self/fd/" + an int */

enum rl_safepath_kind {
	RL_SAFEPATH_DIR,
	RL_SAFEPATH_FILE,
};

/* Lexical cleaning: makes path absolute, collapses "//", "." and "..";
 * ".." at "/" stays at "/".  -1 when out is too small. */
int rl_path_clean(const char *path, char *out, size_t outsz);

/* True when clean is dir itself or below it (both cleaned). */
bool rl_path_is_under(const char *clean, const char *dir);

/* Opens path inside the tree of rootfd (O_PATH plus extra flags, e.g.
 * O_DIRECTORY or O_NOFOLLOW).  Returns the fd, or -1 with err set
 * (err->errnum ENOENT for a missing path). */
int rl_safepath_open(int rootfd, const char *path, int flags, struct rl_error *err);

/* As rl_safepath_open, but creates what is missing first, one component
 * at a time: directories, and for RL_SAFEPATH_FILE an empty regular file as
 * the last one.  A dangling symlink on the way is followed the way the
 * kernel would, inside the rootfs, and its target is created there. */
int rl_safepath_create(int rootfd, const char *path, enum rl_safepath_kind kind, mode_t mode,
		       struct rl_error *err);

/* The directory holding path's last component, which goes to base: made
 * where missing, and reached without any symlink ("a symlink on the way
 * there" is an error).  Returns an O_PATH fd. */
int rl_safepath_parent(int rootfd, const char *path, char base[NAME_MAX + 1], struct rl_error *err);

/* Opens the last component of path inside the rootfs without following
 * it, nor any symlink on the way (missing parent directories are made):
 * the target of a device node or console bind mount.  Missing, an empty
 * regular file is created (mode 0).  Returns an O_PATH fd and *st; what
 * is there may be anything, the caller judges it (rl_describe). */
int rl_safepath_leaf(int rootfd, const char *path, struct stat *st, struct rl_error *err);

/* "a symlink", "a directory", "the character device 1:3" ... for errors. */
const char *rl_describe(const struct stat *st, char *buf, size_t len);

/* Mounts a copy of what src names (a file, or a directory tree with
 * recursive) on the object target names, both fds, no path involved
 * (open_tree + move_mount, Linux 5.2); attr_set (MOUNT_ATTR_*) is given
 * to the copy's top mount before it is attached (Linux 5.12).  -1 with
 * errno set on failure. */
int rl_mount_bind_fd(int src, int target, bool recursive, unsigned long long attr_set);

/* "/proc/self/fd/N" for fd, in buf; returns buf. */
const char *rl_fdpath(int fd, char buf[RL_FDPATH_MAX]);

static inline void rl_fd_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}
#define _rl_fd_ __attribute__((cleanup(rl_fd_closep)))

static inline int rl_fd_steal(int *fd)
{
	int r = *fd;

	*fd = -1;
	return r;
}

#endif
