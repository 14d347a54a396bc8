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

#include <stdbool.h>
#include <stddef.h>
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
