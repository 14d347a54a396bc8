/* Unit tests of runtime/mountopt.c: option strings -> flags, propagation,
 * recursive attributes and fs data. */
#include <string.h>
#include <sys/mount.h>

#include "runtime/mountopt.h"
#include "tap.h"

static int parse(struct rl_mountopt *m, char **opts, size_t n)
{
	struct rl_strv v = {.v = opts, .n = n};

	return rl_mountopt_parse(&v, m, NULL);
}

#define PARSE(m, ...)                                                                              \
	({                                                                                         \
		char *o_[] = {__VA_ARGS__, NULL};                                                  \
		parse((m), o_, sizeof(o_) / sizeof(o_[0]) - 1);                                    \
	})

static void test_runc_defaults(void)
{
	struct rl_mountopt m;

	is_int(PARSE(&m, "nosuid", "strictatime", "mode=755", "size=65536k"), 0, "/dev options");
	ok(m.flags == (MS_NOSUID | MS_STRICTATIME), "nosuid,strictatime -> flags");
	is_str(m.data, "mode=755,size=65536k", "fs options go to data in order");
	is_int(m.n_prop, 0, "no propagation");
	rl_mountopt_free(&m);

	is_int(PARSE(&m, "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"),
	       0, "devpts options");
	ok(m.flags == (MS_NOSUID | MS_NOEXEC), "devpts flags");
	is_str(m.data, "newinstance,ptmxmode=0666,mode=0620,gid=5", "devpts data");
	rl_mountopt_free(&m);

	is_int(PARSE(&m, "nosuid", "noexec", "nodev", "relatime", "ro"), 0, "cgroup options");
	ok(m.flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RELATIME | MS_RDONLY), "cgroup flags");
	ok(m.data == NULL, "no data");
	rl_mountopt_free(&m);
}

static void test_bind_and_propagation(void)
{
	struct rl_mountopt m = {0};
	struct rl_mount mnt = {.destination = "/x"};
	unsigned long f = 0;

	is_int(PARSE(&m, "rbind", "ro", "rprivate", "shared"), 0, "bind options");
	ok(m.flags == (MS_BIND | MS_REC | MS_RDONLY), "rbind,ro -> MS_BIND|MS_REC|MS_RDONLY");
	is_int(m.n_prop, 2, "two propagation changes");
	ok(m.prop[0] == (MS_PRIVATE | MS_REC) && m.prop[1] == MS_SHARED,
	   "rprivate then shared, in order, MS_REC kept apart from rbind");
	ok(rl_mountopt_needs_remount(&m), "ro on a bind needs a remount");
	rl_mountopt_free(&m);

	is_int(PARSE(&m, "bind", "rw"), 0, "bind,rw");
	ok(m.flags == MS_BIND && m.cleared == MS_RDONLY, "rw clears MS_RDONLY");
	ok(!rl_mountopt_needs_remount(&m), "bind,rw: no remount");
	rl_mountopt_free(&m);

	is_int(PARSE(&m, "ro", "rw", "nodev", "dev"), 0, "later options win");
	ok(m.flags == 0 && m.cleared == (MS_RDONLY | MS_NODEV), "ro,rw,nodev,dev");
	rl_mountopt_free(&m);

	ok(rl_mountopt_propagation("rslave", &f) == 0 && f == (MS_SLAVE | MS_REC), "rslave");
	ok(rl_mountopt_propagation("unbindable", &f) == 0 && f == MS_UNBINDABLE, "unbindable");
	ok(rl_mountopt_propagation("ro", &f) < 0, "ro is not a propagation");
	ok(rl_mountopt_propagation("bogus", &f) < 0, "unknown propagation");

	mnt.type = "bind";
	ok(rl_mountopt_is_bind(&mnt), "type bind");
	mnt.type = "none";
	mnt.options = (struct rl_strv){.v = (char *[]){"rbind", NULL}, .n = 1};
	ok(rl_mountopt_is_bind(&mnt), "option rbind");
	mnt.type = "tmpfs";
	mnt.options = (struct rl_strv){.v = (char *[]){"ro", NULL}, .n = 1};
	ok(!rl_mountopt_is_bind(&mnt), "tmpfs is not a bind");
}

static void test_extensions(void)
{
	struct rl_mountopt m;

	is_int(PARSE(&m, "rro", "rnosuid", "rnoatime", "tmpcopyup", "defaults", "x-foo=bar",
		     "nofail", "size=1m"),
	       0, "recursive, extension and userspace options");
	ok(m.attr_set == (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME),
	   "rro,rnosuid,rnoatime -> attr_set");
	ok(m.attr_clr == MOUNT_ATTR__ATIME, "atime mode cleared first");
	ok(m.tmpcopyup, "tmpcopyup seen");
	ok(m.flags == 0, "recursive options are not MS_ flags");
	is_str(m.data, "size=1m", "defaults, x-*, nofail dropped");
	rl_mountopt_free(&m);

	is_int(PARSE(&m, "idmap"), 0, "idmap");
	ok(m.idmap && !m.ridmap, "idmap seen, not recursive");
	rl_mountopt_free(&m);
	is_int(PARSE(&m, "rbind", "ridmap"), 0, "ridmap");
	ok(m.idmap && m.ridmap && m.flags == (MS_BIND | MS_REC), "ridmap seen, recursive");
	ok(m.data == NULL, "idmap and ridmap are no fs data");
	rl_mountopt_free(&m);

	is_int(PARSE(&m, "mode=1777,size=10%", "context=\"system_u:object_r:x:s0:c1,c2\""), 0,
	       "comma lists and quoted values");
	is_str(m.data, "mode=1777,size=10%,context=\"system_u:object_r:x:s0:c1,c2\"",
	       "quoted comma stays in its value");
	rl_mountopt_free(&m);

	is_int(PARSE(&m, "ro=1"), 0, "a VFS name with a value");
	ok(m.flags == 0, "ro=1 is not ro");
	is_str(m.data, "ro=1", "... it goes to data");
	rl_mountopt_free(&m);

	is_int(rl_mountopt_parse(NULL, &m, NULL), 0, "no options");
	ok(m.flags == 0 && m.data == NULL, "empty result");
	rl_mountopt_free(&m);
}

static void test_too_many_prop(void)
{
	struct rl_mountopt m;
	struct rl_error e = {0};
	char *o[] = {"private", "private", "private", "private", "private",
		     "private", "private", "private", "private"};
	struct rl_strv v = {.v = o, .n = 9};

	is_int(rl_mountopt_parse(&v, &m, &e), -1, "nine propagation options refused");
	ok(strstr(e.msg, "too many propagation options") != NULL, "error says why: %s", e.msg);
}

int main(void)
{
	test_runc_defaults();
	test_bind_and_propagation();
	test_extensions();
	test_too_many_prop();
	return done_testing();
}
