/* runtime/hostmounts.c in a private mount namespace of a forked child:
 * the record keeps what was mounted below the rootfs before, undo removes
 * exactly the rest, nested ones and stacked ones included. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/hostmounts.h"
#include "tap.h"

static bool is_mountpoint(const char *root, const char *rel)
{
	char path[512], line[4096];
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "r");

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	while (f && fgets(line, sizeof(line), f)) {
		char target[512];

		if (sscanf(line, "%*s %*s %*s %*s %511s", target) == 1 && strcmp(target, path) == 0)
			found = true;
	}
	if (f)
		fclose(f);
	return found;
}

static void mk(const char *root, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	mkdir(p, 0755);
}

static int tmpfs(const char *root, const char *rel)
{
	char p[512];

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	return mount("tmpfs", p, "tmpfs", 0, NULL);
}

/* In the child: 0 when all holds, else the number of the step that did
 * not. */
static int child(const char *root, int dirfd)
{
	struct rl_error e = {0};

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return 1;
	mk(root, "pre");
	mk(root, "a");
	if (tmpfs(root, "pre") < 0)
		return 2;
	if (rl_hostmounts_save(dirfd, root, &e) < 0)
		return 3;
	/* what the container mounts: one, one nested in it, two stacked */
	if (tmpfs(root, "a") < 0)
		return 4;
	mk(root, "a/b");
	if (tmpfs(root, "a/b") < 0 || tmpfs(root, "a/b") < 0)
		return 5;
	if (rl_hostmounts_undo(dirfd, &e) < 0)
		return 6;
	if (is_mountpoint(root, "a") || is_mountpoint(root, "a/b"))
		return 7;
	if (!is_mountpoint(root, "pre"))
		return 8;
	return 0;
}

int main(void)
{
	char root[] = "/tmp/rl-hostmounts-XXXXXX", state[] = "/tmp/rl-hostmounts-st-XXXXXX";
	char cmd[128];
	int dirfd, st = 0;
	pid_t pid;

	if (geteuid() != 0) {
		printf("1..0 # SKIP needs root (mounts)\n");
		return 0;
	}
	ok(mkdtemp(root) && mkdtemp(state), "scratch directories");
	dirfd = open(state, O_DIRECTORY | O_CLOEXEC);
	pid = fork();
	if (pid == 0)
		_exit(child(root, dirfd));
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "undo removes the mounts made after the record, keeps the one before (step %d)",
	   WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	{
		struct rl_error e = {0};

		unlinkat(dirfd, "hostmounts", 0);
		ok(rl_hostmounts_undo(dirfd, &e) == 0, "no record: nothing to do");
	}
	close(dirfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' '%s'", root, state);
	ok(system(cmd) == 0, "cleanup");
	return done_testing();
}
