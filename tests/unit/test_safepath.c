/* Unit tests of runtime/safepath.c: lexical cleaning, and creation inside
 * a scratch "rootfs" whose symlinks try to leave it. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

int main(void)
{
	test_clean();
	test_create();
	return done_testing();
}
