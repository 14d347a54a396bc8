/* rlite's own procfs handle; see procfs.h. */
#include "procfs.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "safepath.h"

/* fs/proc/root.c: the root directory of every procfs instance. */
#define PROC_ROOT_INO 1

/* A procfs instance nobody else can see or mount anything on.  The kernel
 * refuses it (EPERM) where mounting proc would reveal more than the
 * namespace already shows (mount_too_revealing), and without the new
 * mount API (ENOSYS): then the caller falls back to "/proc". */
static int private_instance(void)
{
	_rl_fd_ int fs = fsopen("proc", FSOPEN_CLOEXEC);

	if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	return fsmount(fs, FSMOUNT_CLOEXEC,
		       MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

int rl_procfs_open(bool private, struct rl_error *err)
{
	_rl_fd_ int fd = private ? private_instance() : -1;
	struct statfs sf;
	struct stat st;

	if (fd < 0)
		fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return rl_error_set(err, errno, "open /proc");
	if (fstatfs(fd, &sf) < 0 || fstat(fd, &st) < 0)
		return rl_error_set(err, errno, "stat /proc");
	if (sf.f_type != PROC_SUPER_MAGIC || st.st_ino != PROC_ROOT_INO)
		return rl_error_set(err, EXDEV, "/proc: not the root of a procfs");
	return rl_fd_steal(&fd);
}

/* The object behind fd is a file of the procfs that dirfd is on. */
static int on_procfs(int dirfd, int fd, const char *path, struct rl_error *err)
{
	struct stat root, st;
	struct statfs sf;

	if (fstat(dirfd, &root) < 0 || fstat(fd, &st) < 0 || fstatfs(fd, &sf) < 0)
		return rl_error_set(err, errno, "stat /proc/%s", path);
	if (sf.f_type != PROC_SUPER_MAGIC || st.st_dev != root.st_dev)
		return rl_error_set(err, EXDEV, "/proc/%s: not a file of rlite's procfs", path);
	return 0;
}

int rl_procfs_openat(int dirfd, const char *path, int flags, struct rl_error *err)
{
	/* openat2 refuses (EINVAL) any flag O_PATH does not take. */
	struct open_how how = {
	    .flags = (uint64_t)(flags | O_CLOEXEC | (flags & O_PATH ? 0 : O_NOCTTY)),
	    .resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
	};
	_rl_fd_ int fd = -1;

	do
		fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	while (fd < 0 && (errno == EINTR || errno == EAGAIN));
	if (fd < 0)
		return rl_error_set(err, errno, "open /proc/%s", path);
	if (on_procfs(dirfd, fd, path, err) < 0)
		return -1;
	return rl_fd_steal(&fd);
}

int rl_procfs_write(int procfd, const char *path, const char *text, struct rl_error *err)
{
	_rl_fd_ int fd = rl_procfs_openat(procfd, path, O_WRONLY, err);
	size_t len = strlen(text);
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = write(fd, text, len);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len)
		return rl_error_set(err, n < 0 ? errno : EIO, "write /proc/%s", path);
	return 0;
}

ssize_t rl_procfs_read(int procfd, const char *path, char *buf, size_t len, struct rl_error *err)
{
	_rl_fd_ int fd = rl_procfs_openat(procfd, path, O_RDONLY, err);
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, len - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return rl_error_set(err, errno, "read /proc/%s", path);
	buf[n] = '\0';
	return n;
}

/* "self/fd" is checked like any other directory; its entry N is a magic
 * link, which RESOLVE_NO_MAGICLINKS would refuse, so the last step is a
 * plain openat in a directory that is our own fd table. */
int rl_procfs_reopen(int procfd, int fd, int flags, struct rl_error *err)
{
	_rl_fd_ int dir = rl_procfs_openat(procfd, "self/fd", O_PATH | O_DIRECTORY, err);
	char name[16];
	int r;

	if (dir < 0)
		return -1;
	snprintf(name, sizeof(name), "%d", fd);
	do
		r = openat(dir, name, flags | O_CLOEXEC | O_NOCTTY);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return rl_error_set(err, errno, "reopen fd %d through /proc/self/fd", fd);
	return r;
}
