/* runtime/rootless.c: --rootless values, telling a user namespace from
 * its uid map, the auto decision, the default state root, and what a
 * rootless create does when it cannot make cgroups. */
#include <errno.h>
#include <string.h>

#include "runtime/rootless.h"
#include "tests/unit/tap.h"

static void test_parse(void)
{
	is_int(rl_rootless_parse("auto"), RL_ROOTLESS_AUTO, "auto");
	is_int(rl_rootless_parse("true"), RL_ROOTLESS_TRUE, "true");
	is_int(rl_rootless_parse("1"), RL_ROOTLESS_TRUE, "1 (Go's bool)");
	is_int(rl_rootless_parse("false"), RL_ROOTLESS_FALSE, "false");
	is_int(rl_rootless_parse("F"), RL_ROOTLESS_FALSE, "F (Go's bool)");
	is_int(rl_rootless_parse("yes"), -1, "yes is refused");
	is_int(rl_rootless_parse(""), -1, "empty is refused");
	is_int(rl_rootless_parse(NULL), -1, "NULL is refused");
}

static void test_map(void)
{
	ok(!rl_rootless_map_is_userns("         0          0 4294967295\n"),
	   "the identity map is the initial namespace");
	ok(rl_rootless_map_is_userns("         0       1000          1\n"), "0 -> 1000 is not");
	ok(rl_rootless_map_is_userns("0 0 4294967295\n1 1 1\n"), "two lines are not");
	ok(rl_rootless_map_is_userns("0 0 65536\n"), "a partial identity map is not");
	ok(rl_rootless_map_is_userns(""), "an empty map is not (no ids mapped yet)");
}

static void test_resolve(void)
{
	ok(!rl_rootless_resolve(RL_ROOTLESS_AUTO, 0, false), "auto: root on the host is not");
	ok(rl_rootless_resolve(RL_ROOTLESS_AUTO, 1000, false), "auto: uid 1000 is");
	ok(rl_rootless_resolve(RL_ROOTLESS_AUTO, 0, true), "auto: root of a user namespace is");
	ok(rl_rootless_resolve(RL_ROOTLESS_TRUE, 0, false), "true wins over root");
	ok(!rl_rootless_resolve(RL_ROOTLESS_FALSE, 1000, false), "false wins over uid 1000");
}

static void root_is(uid_t euid, bool userns, const char *xdg, const char *user, const char *want,
		    const char *name)
{
	char buf[256];
	struct rl_error e = {0};

	is_int(rl_rootless_state_root(euid, userns, xdg, user, buf, sizeof(buf), &e), 0, "%s: ok",
	       name);
	is_str(buf, want, "%s", name);
}

static void test_state_root(void)
{
	char small[8];
	struct rl_error e = {0};

	root_is(0, false, "/run/user/0", "root", "/run/rlite", "host root ignores XDG_RUNTIME_DIR");
	root_is(1000, false, "/run/user/1000", "u", "/run/user/1000/rlite", "a user: XDG");
	root_is(1000, false, NULL, "u", "/run/user/1000/rlite", "a user without XDG");
	root_is(1000, false, "relative", "u", "/run/user/1000/rlite",
		"a relative XDG_RUNTIME_DIR is ignored");
	root_is(1000, false, "/tmp/x", "u", "/tmp/x/rlite", "XDG_RUNTIME_DIR elsewhere");
	root_is(0, true, "/run/user/1000", "u", "/run/user/1000/rlite", "root of a userns: XDG");
	root_is(0, true, "/run/user/0", "root", "/run/rlite", "root of a userns, USER=root");
	root_is(0, true, NULL, NULL, "/run/rlite", "root of a userns without XDG");
	is_int(rl_rootless_state_root(1000, false, "/a/long/path", "u", small, sizeof(small), &e),
	       -1, "too long: refused");
	ok(strstr(e.msg, "XDG_RUNTIME_DIR") != NULL, "... naming XDG_RUNTIME_DIR: %s", e.msg);
}

static void test_cgroup(void)
{
	struct rl_error e = {0};

	is_int(rl_rootless_cgroup_decide(false, EACCES, NULL, "mkdir", &e), 0,
	       "not rootless: the failure stands");
	is_int(rl_rootless_cgroup_decide(true, EACCES, NULL, "mkdir", &e), 1,
	       "rootless, EACCES, no limit: go on without cgroups");
	is_int(rl_rootless_cgroup_decide(true, EPERM, NULL, "mkdir", &e), 1, "... EPERM too");
	is_int(rl_rootless_cgroup_decide(true, EROFS, NULL, "mkdir", &e), 1,
	       "... EROFS (a read-only cgroup mount) too");
	is_int(rl_rootless_cgroup_decide(true, ENOSPC, NULL, "mkdir", &e), 0,
	       "rootless, ENOSPC: a real failure");
	is_int(rl_rootless_cgroup_decide(true, EACCES, "memory", "cgroup \"/sys/fs/cgroup/x\"", &e),
	       -1, "rootless, EACCES, a memory limit: refused");
	is_str(e.msg,
	       "config.json: linux.resources.memory: cannot be applied: rootless, without a "
	       "delegated cgroup (cgroup \"/sys/fs/cgroup/x\": Permission denied)",
	       "... naming the field and the cgroup");
}

static void test_subid(void)
{
	const char *text = "other:100000:65536\nalice:200000:65536\n1234:400000:10\n";
	struct rl_idmap own = {0, 1234, 1}, in = {1, 200000, 65536}, out = {1, 100000, 65536},
			over = {1, 200001, 65536}, by_id = {5, 400000, 10};
	struct rl_error e = {0};

	is_int(rl_subid_check(text, "/etc/subuid", "alice", 1234, &own, 0, "linux.uidMappings",
			      &e),
	       0, "the user's own id needs no range");
	is_int(rl_subid_check(text, "/etc/subuid", "alice", 1234, &in, 1, "linux.uidMappings", &e),
	       0, "a range inside alice's line");
	is_int(rl_subid_check(text, "/etc/subuid", "alice", 1234, &by_id, 1, "linux.uidMappings",
			      &e),
	       0, "a range inside the line for her numeric id");
	is_int(rl_subid_check(text, "/etc/subuid", "alice", 1234, &out, 1, "linux.uidMappings",
			      &e),
	       -1, "another user's range: refused");
	is_str(e.msg,
	       "config.json: linux.uidMappings[1]: host ids 100000-165535 are not alice's to map "
	       "(not in /etc/subuid)",
	       "... naming the mapping, the ids and the file");
	is_int(rl_subid_check(text, "/etc/subgid", "alice", 1234, &over, 2, "linux.gidMappings",
			      &e),
	       -1, "one past the end of her range: refused");
	is_int(rl_subid_check("", "/etc/subuid", "alice", 1234, &in, 1, "linux.uidMappings", &e),
	       -1, "an empty file gives nothing");
	is_int(rl_subid_check("alice:200000\n", "/etc/subuid", "alice", 1234, &in, 1,
			      "linux.uidMappings", &e),
	       -1, "a malformed line gives nothing");
}

int main(void)
{
	test_subid();
	test_parse();
	test_map();
	test_resolve();
	test_state_root();
	test_cgroup();
	return done_testing();
}
