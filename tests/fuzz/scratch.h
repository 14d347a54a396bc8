/* A scratch directory for the targets whose parsers read files (cgroup
 * files, mountinfo): on /dev/shm, one per fuzzer process, removed at
 * exit.  The parsers are the same code that reads the kernel's files. */
#ifndef RL_TESTS_FUZZ_SCRATCH_H
#define RL_TESTS_FUZZ_SCRATCH_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char scratch_dir[64];

static void scratch_clean_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char p[512];

	if (!d)
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (unlink(p) < 0 && errno == EISDIR) {
			scratch_clean_dir(p);
			rmdir(p);
		}
	}
	closedir(d);
}

static void scratch_remove(void)
{
	if (!scratch_dir[0])
		return;
	scratch_clean_dir(scratch_dir);
	rmdir(scratch_dir);
}

/* Makes the directory and its subdirectories (NULL-terminated list). */
static void scratch_init(const char *target, const char *const *subdirs)
{
	char p[512];

	snprintf(scratch_dir, sizeof(scratch_dir), "/dev/shm/%s.%d", target, (int)getpid());
	if (mkdir(scratch_dir, 0700) < 0 && errno != EEXIST) {
		perror(scratch_dir);
		abort();
	}
	for (size_t i = 0; subdirs && subdirs[i]; i++) {
		snprintf(p, sizeof(p), "%s/%s", scratch_dir, subdirs[i]);
		mkdir(p, 0700);
	}
	atexit(scratch_remove);
}

/* Writes len bytes to dir/name (dir under the scratch directory). */
static void scratch_write(const char *sub, const char *name, const char *data, size_t len)
{
	char p[512];
	int fd;

	snprintf(p, sizeof(p), "%s/%s/%s", scratch_dir, sub, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		perror(p);
		abort();
	}
	while (len > 0) {
		ssize_t n = write(fd, data, len);

		if (n <= 0) {
			perror(p);
			abort();
		}
		data += n;
		len -= (size_t)n;
	}
	close(fd);
}

/* The next part of the input, up to a NUL byte (or its end). */
static const char *next_part(const char **p, const char *end, size_t *len)
{
	const char *s = *p, *nul;

	if (s >= end)
		return NULL;
	nul = memchr(s, '\0', (size_t)(end - s));
	*len = (size_t)((nul ? nul : end) - s);
	*p = nul ? nul + 1 : end;
	return s;
}

#endif
