/* The runtime re-executed from a read-only view of its binary (exeseal.h). */
#include "runtime/exeseal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/mount.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/log.h"
#include "runtime/safepath.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U /* Linux 6.3, uapi linux/memfd.h */
#endif
#ifndef STATX_MNT_ID_UNIQUE
#define STATX_MNT_ID_UNIQUE 0x4000U /* Linux 6.8, uapi linux/stat.h */
#endif
/* statmount(2), Linux 6.8: the number is the same on every architecture
 * but alpha and mips, which keep their own offsets. */
#if !defined(SYS_statmount) && !defined(__alpha__) && !defined(__mips__)
#define SYS_statmount 457
#endif

extern char **environ;

static const char mark_name[] = "_RLITE_EXESEAL";

/* What a sealed copy must carry: no write, no size change, no unsealing. */
static const int base_seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;

enum view { VIEW_WRITABLE, VIEW_MOUNT, VIEW_MEMFD };

/* Takes _RLITE_EXESEAL out of the environment.  True when it is this
 * process's own, set before the re-execution; comm gets the name the
 * process had then. */
static bool take_mark(char comm[16])
{
	const char *v = getenv(mark_name);
	char *end = NULL;
	long pid;
	bool ours = false;

	if (!v)
		return false;
	pid = strtol(v, &end, 10);
	if (end != v && *end == ':' && pid == (long)getpid()) {
		ours = true;
		snprintf(comm, 16, "%s", end + 1);
	}
	unsetenv(mark_name);
	return ours;
}

static int set_mark(struct rl_error *err)
{
	char comm[16] = "", v[48];

	prctl(PR_GET_NAME, comm, 0, 0, 0);
	snprintf(v, sizeof(v), "%ld:%s", (long)getpid(), comm);
	if (setenv(mark_name, v, 1) < 0)
		return rl_error_set(err, errno, "setenv %s", mark_name);
	return 0;
}

/* 1 when the mount with this id (the old kind, reused) is in our mount
 * namespace, 0 when not: one line of /proc/self/mountinfo each.  A host
 * with thousands of mounts makes that milliseconds. */
static int mountinfo_has(uint64_t id, struct rl_error *err)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int found = 0;

	if (!f)
		return rl_error_set(err, errno, "open /proc/self/mountinfo");
	while (!found && getline(&line, &cap, f) > 0) {
		char *end;
		uint64_t v = strtoull(line, &end, 10);

		found = end != line && *end == ' ' && v == id;
	}
	free(line);
	fclose(f);
	return found;
}

/* The same asked of the kernel by the mount's unique id (Linux 6.8):
 * statmount(2) looks for it in our mount namespace alone, so ENOENT is
 * "not attached here".  -1 when it cannot tell (an older kernel, a
 * caller's seccomp filter, EPERM). */
static int statmount_has(uint64_t unique_id)
{
#ifdef SYS_statmount
	struct {
		uint32_t size, spare;
		uint64_t mnt_id, param;
	} req = {.size = 24, .mnt_id = unique_id, .param = 1 /* STATMOUNT_SB_BASIC */};
	uint64_t buf[128]; /* struct statmount without its strings: 512 bytes */

	if (syscall(SYS_statmount, &req, buf, sizeof(buf), 0) == 0)
		return 1;
	if (errno == ENOENT)
		return 0;
#else
	(void)unique_id;
#endif
	return -1;
}

/* 1 when the mount exe is on is attached to our mount namespace, 0 when
 * not (a detached copy).  One statx asks for both ids: a kernel before
 * 6.8 ignores STATX_MNT_ID_UNIQUE and gives the old one; only where
 * statmount cannot answer is the old id asked for again. */
static int exe_mount_attached(int exe, struct rl_error *err)
{
	unsigned want = STATX_MNT_ID | STATX_MNT_ID_UNIQUE;
	struct statx sx;
	int r;

	if (statx(exe, "", AT_EMPTY_PATH, want, &sx) < 0)
		return rl_error_set(err, errno, "statx /proc/self/exe");
	if (sx.stx_mask & STATX_MNT_ID_UNIQUE) {
		r = statmount_has(sx.stx_mnt_id);
		if (r >= 0)
			return r;
		if (statx(exe, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0)
			return rl_error_set(err, errno, "statx /proc/self/exe");
	}
	if (!(sx.stx_mask & STATX_MNT_ID)) /* before Linux 5.8: cannot tell */
		return 1;
	return mountinfo_has(sx.stx_mnt_id, err);
}

/* Which view of the binary exe (an fd of /proc/self/exe) is. */
static int view_of(int exe, struct rl_error *err)
{
	struct statvfs sv;
	int seals = fcntl(exe, F_GET_SEALS), r;

	/* a memfd, whose seals count; EINVAL for any other file */
	if (seals >= 0)
		return (seals & base_seals) == base_seals ? VIEW_MEMFD : VIEW_WRITABLE;
	if (fstatvfs(exe, &sv) < 0)
		return rl_error_set(err, errno, "statvfs /proc/self/exe");
	if (!(sv.f_flag & ST_RDONLY))
		return VIEW_WRITABLE;
	r = exe_mount_attached(exe, err);
	return r < 0 ? -1 : r ? VIEW_WRITABLE : VIEW_MOUNT;
}

/* A read-only mount of the binary alone, then execveat from it.  Returns
 * only on failure.  The copy is private: nothing propagates into it in the
 * moment before the execve dissolves its namespace. */
static int exec_mount(int exe, char **argv, struct rl_error *err)
{
	struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY, .propagation = MS_PRIVATE};
	_rl_fd_ int tree = open_tree(exe, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (tree < 0)
		return rl_error_set(err, errno, "open_tree");
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return rl_error_set(err, errno, "mount_setattr");
	execveat(tree, "", argv, environ, AT_EMPTY_PATH);
	return rl_error_set(err, errno, "execveat");
}

/* A sealed copy of the binary in memory, then execveat from it.  Returns
 * only on failure. */
static int exec_memfd(int exe, char **argv, struct rl_error *err)
{
	_rl_fd_ int m = memfd_create("rlite", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
	struct stat st;
	off_t off = 0;

	/* EINVAL: before Linux 6.3 there is no MFD_EXEC; every memfd is
	 * executable then */
	if (m < 0 && errno == EINVAL)
		m = memfd_create("rlite", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (m < 0)
		return rl_error_set(err, errno, "memfd_create");
	if (fstat(exe, &st) < 0)
		return rl_error_set(err, errno, "stat /proc/self/exe");
	while (off < st.st_size) {
		ssize_t n = sendfile(m, exe, &off, (size_t)(st.st_size - off));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rl_error_set(err, n < 0 ? errno : EIO, "copy /proc/self/exe");
	}
	if (fcntl(m, F_ADD_SEALS, base_seals) < 0)
		return rl_error_set(err, errno, "seal the copy");
	execveat(m, "", argv, environ, AT_EMPTY_PATH);
	return rl_error_set(err, errno, "execveat");
}

int rl_exeseal(bool needed, char **argv, struct rl_error *err)
{
	struct rl_error em = {0}, ec = {0};
	char comm[16] = "";
	bool again = take_mark(comm);
	_rl_fd_ int exe = -1;
	int view;

	if (again && comm[0])
		prctl(PR_SET_NAME, comm, 0, 0, 0);
	if (!needed)
		return 0;
	exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (exe < 0)
		return rl_error_set(err, errno, "open /proc/self/exe");
	view = view_of(exe, err);
	if (view < 0)
		return -1;
	if (view != VIEW_WRITABLE) {
		rl_log("debug", "running from a %s (CVE-2019-5736)",
		       view == VIEW_MOUNT ? "read-only mount of its binary"
					  : "sealed copy of its binary in memory");
		return 0;
	}
	if (again)
		return rl_error_set(err, 0,
				    "re-executed from a read-only view of its binary, "
				    "/proc/self/exe is still writable");
	if (set_mark(err) < 0)
		return -1;
	exec_mount(exe, argv, &em);
	rl_log("debug", "no read-only mount of the binary (%s: %s): a sealed copy in memory",
	       em.msg, strerror(em.errnum));
	exec_memfd(exe, argv, &ec);
	unsetenv(mark_name);
	return rl_error_set(err, ec.errnum,
			    "cannot keep the rlite binary out of the container's reach "
			    "(CVE-2019-5736): no read-only mount of it (%s: %s), no sealed "
			    "copy (%s)",
			    em.msg, strerror(em.errnum), ec.msg);
}
