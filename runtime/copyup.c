/* tmpcopyup: the content of a directory copied into the tmpfs mounted on
 * it.  The directory is the image's, so every step goes through fds and
 * refuses to follow symlinks: a link in the image is copied as a link,
 * never read through. */
#include "runtime/copyup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

/* Deeper trees than this are refused rather than risk the fd limit. */
#define COPYUP_DEPTH_MAX 64

struct walk {
	char path[PATH_MAX]; /* below the mount point, for the messages */
	const char *dest;
	struct rl_error *err;
};

static int fail(struct walk *w, const char *what)
{
	return rl_error_set(w->err, errno, "tmpcopyup of \"%s\": %s \"%s\"", w->dest, what,
			    w->path[0] ? w->path : ".");
}

/* Owner, mode and times of name in to, as from has them.  The mode after
 * the owner: chown clears the set-id bits. */
static int attrs(int to, const char *name, const struct stat *st, struct walk *w)
{
	struct timespec ts[2] = {st->st_atim, st->st_mtim};

	if (fchownat(to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(w, "chown");
	if (!S_ISLNK(st->st_mode) && fchmodat(to, name, st->st_mode & 07777, 0) < 0)
		return fail(w, "chmod");
	if (utimensat(to, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(w, "set the times of");
	return 0;
}

static int copy_file(int from, int to, const char *name, const struct stat *st, struct walk *w)
{
	int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
	int out = -1, rc = -1;
	off_t left = st->st_size;

	if (in < 0) {
		fail(w, "open");
		goto done;
	}
	out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		fail(w, "create");
		goto done;
	}
	while (left > 0) {
		ssize_t n = sendfile(out, in, NULL, (size_t)(left > (1 << 30) ? (1 << 30) : left));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fail(w, "copy");
			goto done;
		}
		if (n == 0) /* the file shrank while we copied */
			break;
		left -= n;
	}
	rc = 0;
done:
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return rc;
}

static int copy_dir(int from, int to, int depth, struct walk *w);

static int copy_entry(int from, int to, const char *name, int depth, struct walk *w)
{
	size_t len = strlen(w->path);
	struct stat st;
	int rc = -1;

	if (snprintf(w->path + len, sizeof(w->path) - len, "%s%s", len ? "/" : "", name) >=
	    (int)(sizeof(w->path) - len)) {
		errno = ENAMETOOLONG;
		return fail(w, "path");
	}
	if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		fail(w, "stat");
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		int sub_from = -1, sub_to = -1;

		if (mkdirat(to, name, 0700) < 0) {
			fail(w, "mkdir");
			goto out;
		}
		sub_from = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		sub_to = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (sub_from < 0 || sub_to < 0)
			fail(w, "open");
		else
			rc = copy_dir(sub_from, sub_to, depth + 1, w);
		if (sub_from >= 0)
			close(sub_from);
		if (sub_to >= 0)
			close(sub_to);
		if (rc < 0)
			goto out;
		rc = -1;
	} else if (S_ISREG(st.st_mode)) {
		if (copy_file(from, to, name, &st, w) < 0)
			goto out;
	} else if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t n = readlinkat(from, name, target, sizeof(target) - 1);

		if (n < 0) {
			fail(w, "read the link");
			goto out;
		}
		target[n] = '\0';
		if (symlinkat(target, to, name) < 0) {
			fail(w, "make the link");
			goto out;
		}
	} else if (mknodat(to, name, st.st_mode & S_IFMT, st.st_rdev) < 0) {
		/* fifos, sockets, device nodes (those need CAP_MKNOD) */
		fail(w, "make the node");
		goto out;
	}
	rc = attrs(to, name, &st, w);
out:
	w->path[len] = '\0';
	return rc;
}

static int copy_dir(int from, int to, int depth, struct walk *w)
{
	int fd;
	DIR *d;
	struct dirent *de;
	int rc = 0;

	if (depth > COPYUP_DEPTH_MAX) {
		errno = ELOOP;
		return fail(w, "more than 64 directories deep at");
	}
	/* readdir closes its fd with the DIR: a copy of ours */
	fd = openat(from, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return fail(w, "read the directory");
	}
	errno = 0;
	while (rc == 0 && (de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		rc = copy_entry(from, to, de->d_name, depth, w);
		errno = 0;
	}
	if (rc == 0 && errno)
		rc = fail(w, "read the directory");
	closedir(d);
	return rc;
}

int rl_copyup(int from, int to, const char *dest, struct rl_error *err)
{
	struct walk w = {.path = "", .dest = dest, .err = err};

	return copy_dir(from, to, 0, &w);
}
