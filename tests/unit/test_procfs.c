/* runtime/procfs.c: rlite's own procfs, and that nothing opened through it
 * leaves it (no "..", no magic link, no other mount). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/procfs.h"
#include "tap.h"

static void test_open(bool private_instance)
{
	const char *kind = private_instance ? "private" : "/proc";
	struct rl_error e = {0};
	char buf[64], want[32];
	int procfd = rl_procfs_open(private_instance, &e);
	int fd;

	ok(procfd >= 0, "%s: opened: %s", kind, e.msg);
	if (procfd < 0)
		return;
	ok(rl_procfs_read(procfd, "self/stat", buf, sizeof(buf), &e) > 0, "%s: self/stat read",
	   kind);
	snprintf(want, sizeof(want), "%d ", (int)getpid());
	ok(strncmp(buf, want, strlen(want)) == 0, "%s: self is this process (%.20s)", kind, buf);

	fd = rl_procfs_openat(procfd, "../etc/passwd", O_RDONLY, &e);
	ok(fd < 0 && e.errnum == EXDEV, "%s: .. out of the procfs refused: %s", kind, e.msg);
	fd = rl_procfs_openat(procfd, "self/root/etc/passwd", O_RDONLY, &e);
	ok(fd < 0 && e.errnum == ELOOP, "%s: a magic link refused: %s", kind, e.msg);
	fd = rl_procfs_openat(procfd, "sys/kernel/../../self/../sys/kernel/ostype", O_RDONLY, &e);
	ok(fd >= 0, "%s: .. that stays inside is fine", kind);
	if (fd >= 0)
		close(fd);

	ok(rl_procfs_write(procfd, "self/comm", "rl-procfs-test", &e) == 0, "%s: write self/comm",
	   kind);
	ok(rl_procfs_read(procfd, "self/comm", buf, sizeof(buf), &e) > 0 &&
	       strcmp(buf, "rl-procfs-test\n") == 0,
	   "%s: ... read back", kind);

	fd = open("/etc/hostname", O_PATH | O_CLOEXEC);
	int re = rl_procfs_reopen(procfd, fd, O_RDONLY, &e);

	ok(re >= 0 && read(re, buf, 1) == 1, "%s: an O_PATH fd reopened for reading", kind);
	if (re >= 0)
		close(re);
	close(fd);
	close(procfd);
}

/* In a private mount namespace, a tmpfs mounted on the /proc of that
 * namespace's self/fd does not fool rlite's own procfs, and a mount below
 * the /proc fallback is never crossed. */
static void test_mount_in_the_way(void)
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0) {
		struct rl_error e = {0};
		char p[64], buf[64];
		int procfd = rl_procfs_open(true, &e), host, fd;

		if (procfd < 0 || unshare(CLONE_NEWNS) < 0 ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
			_exit(2);
		snprintf(p, sizeof(p), "/proc/%d/comm", (int)getpid());
		if (mount("/etc/hostname", p, NULL, MS_BIND, NULL) < 0)
			_exit(3);
		/* the private instance sees the real file */
		if (rl_procfs_read(procfd, "self/comm", buf, sizeof(buf), &e) <= 0)
			_exit(4);
		/* the namespace's /proc refuses to cross the bind mount */
		host = rl_procfs_open(false, &e);
		fd = host < 0 ? -1 : rl_procfs_openat(host, "self/comm", O_RDONLY, &e);
		_exit(fd < 0 && e.errnum == EXDEV ? 0 : 5);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	   "a mount on a /proc file: not crossed, the private instance unaffected (exit %d)",
	   WIFEXITED(st) ? WEXITSTATUS(st) : -1);
}

int main(void)
{
	test_open(true);
	test_open(false);
	if (geteuid() == 0)
		test_mount_in_the_way();
	return done_testing();
}
