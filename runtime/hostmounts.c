/* Mounts of a container in the caller's mount namespace; see hostmounts.h. */
#include "hostmounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime/fds.h"
#include "runtime/mnt.h"
#include "runtime/safepath.h"

#define RECORD	   "hostmounts"
#define RECORD_TMP ".hostmounts.tmp"
#define MAX_PASSES 8

/* libmount's functions, set by mountinfo(): every user of a table got it
 * from there. */
static const struct rl_mnt *lm;

static void tablep(struct libmnt_table **t)
{
	if (*t)
		lm->unref_table(*t);
}

static struct libmnt_table *mountinfo(struct rl_error *err)
{
	struct libmnt_table *tb;

	lm = rl_mnt(err);
	if (!lm)
		return NULL;
	tb = lm->new_table_from_file("/proc/self/mountinfo");
	if (!tb)
		rl_error_set(err, errno ? errno : EIO, "read /proc/self/mountinfo");
	return tb;
}

int rl_hostmounts_save(int dirfd, const char *rootfs, struct rl_error *err)
{
	__attribute__((cleanup(tablep))) struct libmnt_table *tb = mountinfo(err);
	struct libmnt_iter *it = NULL;
	struct libmnt_fs *fs;
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int fd, r = 0;

	if (!tb)
		return -1;
	f = open_memstream(&text, &len);
	it = lm->new_iter(MNT_ITER_FORWARD);
	if (!f || !it) {
		if (f)
			fclose(f);
		free(text);
		lm->free_iter(it);
		return rl_error_set(err, ENOMEM, "mount record");
	}
	fprintf(f, "%s\n", rootfs);
	while (lm->table_next_fs(tb, it, &fs) == 0)
		if (rl_path_is_under(lm->fs_get_target(fs), rootfs))
			fprintf(f, "%d\n", lm->fs_get_id(fs));
	lm->free_iter(it);
	if (fclose(f) != 0) {
		free(text);
		return rl_error_set(err, ENOMEM, "mount record");
	}
	fd = openat(dirfd, RECORD_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || rl_write_all(fd, text, len) < 0 || close(fd) < 0 ||
	    renameat(dirfd, RECORD_TMP, dirfd, RECORD) < 0)
		r = rl_error_set(err, errno, "write the mount record \"" RECORD "\"");
	free(text);
	return r;
}

struct record {
	char rootfs[PATH_MAX];
	int *ids; /* the mounts that were there before */
	size_t n;
};

static int load(int dirfd, struct record *rec, struct rl_error *err)
{
	FILE *f;
	int fd = openat(dirfd, RECORD, O_RDONLY | O_CLOEXEC);
	char line[PATH_MAX + 2];
	size_t cap = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : rl_error_set(err, errno, "read \"" RECORD "\"");
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return rl_error_set(err, errno, "read \"" RECORD "\"");
	}
	if (!fgets(rec->rootfs, sizeof(rec->rootfs), f) || rec->rootfs[0] != '/') {
		fclose(f);
		return rl_error_set(err, EINVAL, "\"" RECORD "\": no rootfs");
	}
	rec->rootfs[strcspn(rec->rootfs, "\n")] = '\0';
	while (fgets(line, sizeof(line), f)) {
		if (rec->n == cap) {
			int *ids = realloc(rec->ids, (cap = cap ? 2 * cap : 16) * sizeof(*ids));

			if (!ids) {
				fclose(f);
				return rl_error_set(err, ENOMEM, "\"" RECORD "\"");
			}
			rec->ids = ids;
		}
		rec->ids[rec->n++] = atoi(line);
	}
	fclose(f);
	return 1;
}

static bool was_there(const struct record *rec, int id)
{
	for (size_t i = 0; i < rec->n; i++)
		if (rec->ids[i] == id)
			return true;
	return false;
}

/* Unmounts the mount id at target, if target (reached without a symlink)
 * is still the root of that very mount.  1: unmounted, 0: not (any more)
 * there. */
static int unmount_checked(const char *target, int id, struct rl_error *err)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	_rl_fd_ int fd = (int)syscall(SYS_openat2, AT_FDCWD, target, &how, sizeof(how));
	char p[RL_FDPATH_MAX];
	struct statx sx;

	if (fd < 0 || statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &sx) < 0)
		return 0;
	if (!(sx.stx_mask & STATX_MNT_ID) || sx.stx_mnt_id != (uint64_t)id ||
	    !(sx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return 0;
	if (umount2(rl_fdpath(fd, p), MNT_DETACH) < 0)
		return rl_error_set(err, errno, "unmount \"%s\"", target);
	return 1;
}

/* One pass, newest mount first; 1 when something was unmounted. */
static int pass(const struct record *rec, struct rl_error *err)
{
	__attribute__((cleanup(tablep))) struct libmnt_table *tb = mountinfo(err);
	struct libmnt_iter *it = tb ? lm->new_iter(MNT_ITER_BACKWARD) : NULL;
	struct libmnt_fs *fs;
	int done = 0, r = 0;

	if (!tb)
		return -1;
	if (!it)
		return rl_error_set(err, ENOMEM, "mount record");
	while (r >= 0 && lm->table_next_fs(tb, it, &fs) == 0) {
		const char *target = lm->fs_get_target(fs);

		if (!target || !rl_path_is_under(target, rec->rootfs) ||
		    was_there(rec, lm->fs_get_id(fs)))
			continue;
		r = unmount_checked(target, lm->fs_get_id(fs), err);
		done |= r > 0;
	}
	lm->free_iter(it);
	return r < 0 ? -1 : done;
}

int rl_hostmounts_undo(int dirfd, struct rl_error *err)
{
	struct record rec = {0};
	int r = load(dirfd, &rec, err);

	/* A lazy unmount takes the mounts below with it; what sat under
	 * another mount shows up in the next pass. */
	for (int i = 0; r > 0 && i < MAX_PASSES; i++)
		r = pass(&rec, err);
	free(rec.ids);
	return r < 0 ? -1 : 0;
}
