/* The state store's directory of one container, ROOT/ID, entry by entry:
 * what delete --force accepts as rlite's own, and removing it all.  See
 * state.h; state.c has the rest of the store. */
#include "runtime/state.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/fault.h"
#include "runtime/fds.h"
#include "runtime/safepath.h"
#include "runtime/systemd.h"

static void freep(void *p)
{
	free(*(void **)p);
}
#define _free_ __attribute__((cleanup(freep)))

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define _closedir_ __attribute__((cleanup(closedirp)))

static char *join(const char *a, const char *b)
{
	char *s = NULL;

	return asprintf(&s, "%s/%s", a, b) < 0 ? NULL : s;
}

/* ---- what is rlite's own ------------------------------------------------ */

/* What rlite ever keeps in ROOT/ID (state.h), with the temporary names
 * of the files it replaces by rename. */
static const char *const own_names[] = {
    RL_STATE_FILE,     RL_STATE_TMP,	RL_EXEC_FIFO,	   RL_INIT_RECORD,
    RL_INIT_TMP,       "cgroups",	".cgroups.tmp",	   "hostmounts",
    ".hostmounts.tmp", "container.log", "container.log.1", RL_START_MARK,
    RL_SYSTEMD_RECORD, RL_SYSTEMD_RECORD_TMP,
};

/* The one directory rlite makes in ROOT/ID, and what it holds: NOTIFY_SOCKET's
 * (runtime/notify.h: RL_NOTIFY_DIR, RL_NOTIFY_SOCK). */
static const char *const notify_names[] = {"notify.sock"};
#define NOTIFY_DIR "notify"

static bool is_dir_at(int dirfd, const struct dirent *de)
{
	struct stat sb;

	if (de->d_type != DT_UNKNOWN)
		return de->d_type == DT_DIR;
	return fstatat(dirfd, de->d_name, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(sb.st_mode);
}

static bool listed(const char *name, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, names[i]) == 0)
			return true;
	return false;
}

/* Every entry of dirfd one of names (no directory), or, at the top, the
 * notify directory holding only its own names.  *stranger: the first
 * that is not (a static buffer). */
static bool only_ours(int dirfd, const char *const *names, size_t n, bool top,
		      const char **stranger)
{
	static char name[256];
	_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	while ((de = readdir(d))) {
		const char *e = de->d_name;
		bool dir, ours;
		int sub;

		if (!strcmp(e, ".") || !strcmp(e, ".."))
			continue;
		dir = is_dir_at(dirfd, de);
		ours = !dir && listed(e, names, n);
		if (!ours && dir && top && !strcmp(e, NOTIFY_DIR)) {
			sub = openat(dirfd, e, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			ours = sub >= 0 && only_ours(sub, notify_names,
						     sizeof(notify_names) / sizeof(notify_names[0]),
						     false, stranger);
			if (sub >= 0)
				close(sub);
			if (!ours && *stranger)
				return false;
		}
		if (!ours) {
			snprintf(name, sizeof(name), "%s%s", top ? "" : NOTIFY_DIR "/", e);
			*stranger = name;
			return false;
		}
	}
	return true;
}

bool rl_state_dir_is_ours(const struct rl_state_lock *lock, const char **stranger)
{
	*stranger = NULL;
	return only_ours(lock->fd, own_names, sizeof(own_names) / sizeof(own_names[0]), true,
			 stranger);
}

/* ---- removal ------------------------------------------------------------ */

static int empty_dir(int dirfd, const char *dir, bool subdirs, struct rl_error *err);

static int remove_subdir(int dirfd, const char *dir, const char *name, struct rl_error *err)
{
	_free_ char *sub = join(dir, name);
	_rl_fd_ int fd = -1;

	if (!sub)
		return rl_error_set(err, ENOMEM, "remove \"%s/%s\"", dir, name);
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return rl_error_set(err, errno, "open \"%s\"", sub);
	if (empty_dir(fd, sub, false, err) < 0)
		return -1;
	if (unlinkat(dirfd, name, AT_REMOVEDIR) < 0)
		return rl_error_set(err, errno, "rmdir \"%s\"", sub);
	return 0;
}

/* Unlinks every non-directory in dir; with subdirs, also empties and
 * removes its subdirectories (one level: the store never nests deeper, so
 * anything deeper was not put there by rlite and makes rmdir fail). */
static int empty_dir(int dirfd, const char *dir, bool subdirs, struct rl_error *err)
{
	_closedir_ DIR *d = NULL;
	struct dirent *de;
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return rl_error_set(err, errno, "open \"%s\"", dir);
	}
	while ((errno = 0, de = readdir(d))) {
		const char *n = de->d_name;

		if (strcmp(n, ".") == 0 || strcmp(n, "..") == 0 ||
		    (subdirs && strcmp(n, RL_STATE_FILE) == 0))
			continue;
		/* d_type may be DT_UNKNOWN: unlink answers EISDIR for a dir. */
		if (de->d_type != DT_DIR && unlinkat(dirfd, n, 0) == 0)
			continue;
		if (de->d_type != DT_DIR && errno != EISDIR)
			return rl_error_set(err, errno, "unlink \"%s/%s\"", dir, n);
		if (!subdirs) {
			if (unlinkat(dirfd, n, AT_REMOVEDIR) < 0)
				return rl_error_set(err, errno, "rmdir \"%s/%s\"", dir, n);
			continue;
		}
		if (remove_subdir(dirfd, dir, n, err) < 0)
			return -1;
	}
	if (errno)
		return rl_error_set(err, errno, "read directory \"%s\"", dir);
	return 0;
}

int rl_state_remove(struct rl_state_lock *lock, struct rl_error *err)
{
	if (lock->fd < 0 || !lock->exclusive)
		return rl_error_set(err, EINVAL, "remove \"%s\": not locked exclusively",
				    lock->dir ? lock->dir : "");
	if (empty_dir(lock->fd, lock->dir, true, err) < 0)
		return -1;
	RL_FAULT_POINT("delete.emptied");
	/* state.json last: until here the entry is still a container that
	 * list shows and delete --force finds, if we are killed. */
	if (unlinkat(lock->fd, RL_STATE_FILE, 0) < 0 && errno != ENOENT)
		return rl_error_set(err, errno, "unlink \"%s/" RL_STATE_FILE "\"", lock->dir);
	/* Still under the lock: whoever waits on it wakes up to a directory
	 * with nlink 0 and reports the container gone (still_there). */
	if (rmdir(lock->dir) < 0)
		return rl_error_set(err, errno, "rmdir \"%s\"", lock->dir);
	rl_state_unlock(lock);
	return 0;
}
