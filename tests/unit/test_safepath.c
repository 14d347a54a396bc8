/* Unit tests of runtime/safepath.c: lexical cleaning, and creation inside
 * a scratch "rootfs" whose symlinks try to leave it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runtime/safepath.h"
#include "tap.h"

static const char *clean(const char *p)
{
	static char buf[256];

	return rl_path_clean(p, buf, sizeof(buf)) == 0 ? buf : NULL;
}

static void test_clean(void)
{
	char small[4];

	is_str(clean("/dev/null"), "/dev/null", "clean path unchanged");
	is_str(clean("dev//./null/"), "/dev/null", "relative, //, ., trailing /");
	is_str(clean("/dev/../etc/x"), "/etc/x", "dotdot removes a component");
	is_str(clean("/../../.."), "/", "dotdot stops at /");
	is_str(clean(""), "/", "empty is /");
	ok(rl_path_clean("/abcdef", small, sizeof(small)) < 0, "too long refused");
	ok(rl_path_is_under("/dev/fuse", "/dev"), "/dev/fuse under /dev");
	ok(rl_path_is_under("/dev", "/dev"), "/dev under itself");
	ok(!rl_path_is_under("/devices/x", "/dev"), "/devices not under /dev");
	ok(!rl_path_is_under("/etc/x", "/dev"), "/etc/x not under /dev");
}

static bool exists(const char *base, const char *rel, mode_t type)
{
	char p[512];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", base, rel);
	return lstat(p, &st) == 0 && (st.st_mode & S_IFMT) == type;
}

static void test_create(void)
{
	char tmpl[] = "/tmp/rl-safepath-XXXXXX", root[600], outside[600], p[700], cmd[700];
	struct rl_error e = {0};
	int rootfd, fd;

	if (!mkdtemp(tmpl)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(root, sizeof(root), "%s/root", tmpl);
	snprintf(outside, sizeof(outside), "%s/outside", tmpl);
	mkdir(root, 0755);
	mkdir(outside, 0755);
	/* evil -> /../../<tmpl>/outside: on the host this is the sibling dir */
	snprintf(p, sizeof(p), "%s/evil", root);
	snprintf(cmd, sizeof(cmd), "/../../../..%s", outside);
	ok(symlink(cmd, p) == 0, "symlink evil -> %s", cmd);
	snprintf(p, sizeof(p), "%s/up", root);
	ok(symlink("../../../outside", p) == 0, "symlink up -> ../../../outside");
	rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);

	fd = rl_safepath_create(rootfd, "/a/b/c", RL_SAFEPATH_DIR, 0755, &e);
	ok(fd >= 0 && exists(root, "a/b/c", S_IFDIR), "plain mkdir -p");
	close(fd);

	fd = rl_safepath_create(rootfd, "/evil/x", RL_SAFEPATH_DIR, 0755, &e);
	ok(fd >= 0, "through a dangling absolute symlink: %s", fd < 0 ? e.msg : "ok");
	snprintf(p, sizeof(p), "%s/x", outside + 1);
	ok(exists(root, p, S_IFDIR), "... created inside the root");
	ok(!exists(outside, "x", S_IFDIR), "... nothing outside");
	close(fd);

	fd = rl_safepath_create(rootfd, "/up/y/f", RL_SAFEPATH_FILE, 0644, &e);
	ok(fd >= 0 && exists(root, "outside/y/f", S_IFREG), "relative symlink with .. stays in");
	ok(!exists(outside, "y", S_IFDIR), "... nothing outside");
	close(fd);

	fd = rl_safepath_create(rootfd, "../../../../z", RL_SAFEPATH_DIR, 0755, &e);
	ok(fd >= 0 && exists(root, "z", S_IFDIR), "leading .. clamps to the root");
	close(fd);

	fd = rl_safepath_open(rootfd, "/missing", 0, &e);
	ok(fd < 0 && e.errnum == ENOENT, "open of a missing path: ENOENT");

	snprintf(p, sizeof(p), "%s/loop", root);
	ok(symlink("loop", p) == 0, "symlink loop -> loop");
	fd = rl_safepath_create(rootfd, "/loop/x", RL_SAFEPATH_DIR, 0755, &e);
	ok(fd < 0 && e.errnum == ELOOP, "symlink loop refused: %s", e.msg);

	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	ok(system(cmd) == 0, "cleanup");
}

/* rl_safepath_leaf: the target of a device or console bind mount is never
 * followed, nor is a symlink on the way to it; rl_describe names what is
 * there. */
static void test_leaf(void)
{
	char tmpl[] = "/tmp/rl-leaf-XXXXXX", p[700], cmd[700], what[64];
	struct rl_error e = {0};
	struct stat st;
	int rootfd, fd;

	if (!mkdtemp(tmpl)) {
		ok(0, "mkdtemp");
		return;
	}
	snprintf(p, sizeof(p), "%s/dev", tmpl);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/dev/null", tmpl);
	ok(symlink("/proc/sys/kernel/core_pattern", p) == 0, "dev/null -> core_pattern");
	snprintf(p, sizeof(p), "%s/dev/dir", tmpl);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/devlink", tmpl);
	ok(symlink("dev", p) == 0, "devlink -> dev");
	rootfd = open(tmpl, O_PATH | O_DIRECTORY | O_CLOEXEC);

	fd = rl_safepath_leaf(rootfd, "/dev/null", &st, &e);
	ok(fd >= 0 && S_ISLNK(st.st_mode), "a symlink leaf is opened as itself, not followed");
	is_str(rl_describe(&st, what, sizeof(what)), "a symlink", "described as a symlink");
	close(fd);

	fd = rl_safepath_leaf(rootfd, "/dev/dir", &st, &e);
	ok(fd >= 0 && S_ISDIR(st.st_mode), "a directory leaf is reported as one");
	is_str(rl_describe(&st, what, sizeof(what)), "a directory", "described as a directory");
	close(fd);

	fd = rl_safepath_leaf(rootfd, "/dev/console", &st, &e);
	ok(fd >= 0 && S_ISREG(st.st_mode) && st.st_size == 0, "a missing leaf: an empty file");
	ok(exists(tmpl, "dev/console", S_IFREG), "... made in the rootfs");
	close(fd);

	fd = rl_safepath_leaf(rootfd, "/new/sub/x", &st, &e);
	ok(fd >= 0 && exists(tmpl, "new/sub/x", S_IFREG), "missing parents are made");
	close(fd);

	fd = rl_safepath_leaf(rootfd, "/devlink/console", &st, &e);
	ok(fd < 0 && strstr(e.msg, "a symlink on the way there"), "a symlink on the way: %s",
	   e.msg);

	fd = rl_safepath_leaf(rootfd, "/", &st, &e);
	ok(fd < 0, "\"/\" is not a leaf");

	st.st_mode = S_IFCHR;
	st.st_rdev = makedev(1, 3);
	is_str(rl_describe(&st, what, sizeof(what)), "the character device 1:3",
	       "a device is described by its numbers");

	close(rootfd);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	ok(system(cmd) == 0, "cleanup");
}

int main(void)
{
	test_clean();
	test_create();
	test_leaf();
	return done_testing();
}
