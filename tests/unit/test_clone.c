/* Unit tests of the pure helpers of the container conductor: clone flags
 * and the namespace plan, config checks done before anything starts, id
 * validation, uid/gid map text, the sync channel, and rl_container_run's
 * refusals that happen before the clone. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/check.h"
#include "runtime/clone.h"
#include "runtime/container.h"
#include "runtime/sync.h"
#include "runtime/userns.h"
#include "tap.h"

#define ALL_NEW (CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS)

struct fixture {
	struct rl_config cfg;
	struct rl_process proc;
	struct rl_linux lx;
	struct rl_namespace ns[RL_NS__COUNT + 1];
	struct rl_idmap map;
	struct rl_personality pers;
};

static void ns_add(struct fixture *f, enum rl_ns_type t, const char *path)
{
	f->ns[f->lx.n_namespaces].type = t;
	f->ns[f->lx.n_namespaces].path = (char *)path;
	f->lx.n_namespaces++;
}

/* A config `run` accepts: pid, net, mount, ipc, uts namespaces. */
static void fixture_init(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	f->cfg.process = &f->proc;
	f->cfg.has_root = true;
	f->cfg.root.path = (char *)"rootfs";
	f->cfg.linux_ = &f->lx;
	f->lx.namespaces = f->ns;
	ns_add(f, RL_NS_PID, NULL);
	ns_add(f, RL_NS_NETWORK, NULL);
	ns_add(f, RL_NS_MOUNT, NULL);
	ns_add(f, RL_NS_IPC, NULL);
	ns_add(f, RL_NS_UTS, NULL);
	f->map = (struct rl_idmap){.container_id = 0, .host_id = 100000, .size = 65536};
}

static const char *check(struct fixture *f, struct rl_error *err)
{
	struct rl_ns_plan plan;

	memset(err, 0, sizeof(*err));
	return rl_container_check_config(&f->cfg, &plan, err) == 0 ? "ok" : err->msg;
}

static void test_flags(void)
{
	struct fixture f;
	struct rl_ns_plan plan;
	struct rl_error err = {0};

	is_int(rl_clone_flags(NULL, &plan, &err), 0, "no linux section: no namespaces");
	is_int(plan.new_flags, 0, "... and no flags");
	is_int(plan.fd[RL_NS_NETWORK], -1, "... and fds at -1");

	fixture_init(&f);
	ns_add(&f, RL_NS_USER, NULL);
	ns_add(&f, RL_NS_CGROUP, NULL);
	is_int(rl_clone_flags(&f.lx, &plan, &err), 0, "all namespaces new");
	is_int(plan.new_flags, ALL_NEW | CLONE_NEWUSER | CLONE_NEWCGROUP, "one flag per namespace");
	ok(!(plan.new_flags & CLONE_FS), "never CLONE_FS");
	ok(!plan.join_any && !rl_clone_needs_fork(&plan), "fast path: one clone, no fork");

	fixture_init(&f);
	ns_add(&f, RL_NS_TIME, NULL);
	rl_clone_flags(&f.lx, &plan, &err);
	ok(plan.new_time, "time namespace: made by the child");
	ok(!(plan.new_flags & CLONE_NEWTIME), "CLONE_NEWTIME is not a clone() flag (CSIGNAL)");

	fixture_init(&f);
	f.ns[1].path = (char *)"/var/run/netns/x";
	rl_clone_flags(&f.lx, &plan, &err);
	is_int(plan.new_flags, ALL_NEW & ~CLONE_NEWNET, "joined net: not in the clone flags");
	ok(plan.join_any && plan.present[RL_NS_NETWORK], "joined net: present, slow path");
	is_str(plan.path[RL_NS_NETWORK], "/var/run/netns/x", "joined net: path kept");
	ok(rl_clone_needs_fork(&plan), "slow path with a pid namespace: the init is forked");

	f.ns[0].type = RL_NS_NETWORK;
	ok(rl_clone_flags(&f.lx, &plan, &err) < 0, "duplicate namespace refused");
	is_str(err.msg, "config.json: linux.namespaces[1]: duplicate \"network\" namespace",
	       "... naming the entry");

	is_int(rl_ns_flag(RL_NS_MOUNT), CLONE_NEWNS, "mount is CLONE_NEWNS");
	is_int(rl_ns_flag(RL_NS_TIME), CLONE_NEWTIME, "time is CLONE_NEWTIME");
}

static void test_ids(void)
{
	static const char *good[] = {"a", "t1", "A-b_c.d+e", "0"};
	static const char *bad[] = {"", ".", "..", ".hidden", "a/b", "a b", "x\n", "é"};
	struct rl_error err = {0};
	char big[1100];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		is_int(rl_container_check_id(good[i], &err), 0, "id \"%s\" accepted", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(rl_container_check_id(bad[i], &err) < 0 &&
		       strncmp(err.msg, "invalid container id \"", 22) == 0,
		   "bad id %zu refused", i);
	rl_container_check_id("a/b", &err);
	is_str(err.msg, "invalid container id \"a/b\": must not contain '/'", "'/' named");
	memset(big, 'a', 1024);
	big[1024] = '\0';
	is_int(rl_container_check_id(big, &err), 0, "1024 characters accepted");
	big[1024] = 'a';
	big[1025] = '\0';
	ok(rl_container_check_id(big, &err) < 0, "1025 characters refused");
}

static void test_check_config(void)
{
	struct fixture f;
	struct rl_error err;

	fixture_init(&f);
	is_str(check(&f, &err), "ok", "a plain config passes");
	f.cfg.process = NULL;
	is_str(check(&f, &err), "config.json: process: is required to run a container",
	       "no process");
	fixture_init(&f);
	f.proc.terminal = true;
	/* decided with --console-socket by rl_terminal_mode (test_terminal.c) */
	is_str(check(&f, &err), "ok", "terminal left to rl_terminal_mode");
	fixture_init(&f);
	f.lx.has_intel_rdt = true;
	is_str(check(&f, &err),
	       "config.json: linux.intelRdt: not supported by rlite (no resctrl support)",
	       "intelRdt refused");
	fixture_init(&f);
	f.lx.personality = &f.pers;
	f.pers.domain = (char *)"LINUX32";
	is_str(check(&f, &err), "ok", "personality LINUX32 accepted");
	f.pers.domain = (char *)"BSD";
	is_str(check(&f, &err), "config.json: linux.personality.domain: must be LINUX or LINUX32",
	       "unknown personality domain");
	{
		char *flags[] = {(char *)"ADDR_NO_RANDOMIZE", NULL};

		f.pers.domain = (char *)"LINUX";
		f.pers.flags = (struct rl_strv){.v = flags, .n = 1};
		is_str(check(&f, &err),
		       "config.json: linux.personality.flags: not supported (runtime-spec defines "
		       "no flag)",
		       "personality flags refused");
	}
	fixture_init(&f);
	f.ns[2].type = RL_NS_CGROUP;
	is_str(check(&f, &err), "ok", "no mount namespace: the caller's is shared");
	{
		char *masked[] = {(char *)"/proc/kcore"};

		f.lx.masked_paths.v = masked;
		f.lx.masked_paths.n = 1;
		is_str(check(&f, &err),
		       "config.json: linux.maskedPaths: needs a mount namespace of the container's "
		       "own (linux.namespaces has no \"mount\")",
		       "no mount namespace: maskedPaths refused");
		f.lx.masked_paths.n = 0;
		f.lx.readonly_paths.v = masked;
		f.lx.readonly_paths.n = 1;
		is_str(
		    check(&f, &err),
		    "config.json: linux.readonlyPaths: needs a mount namespace of the container's "
		    "own (linux.namespaces has no \"mount\")",
		    "no mount namespace: readonlyPaths refused");
		f.lx.readonly_paths.n = 0;
	}
	fixture_init(&f);
	f.cfg.hostname = (char *)"box";
	is_str(check(&f, &err), "ok", "hostname with a uts namespace");
	f.lx.n_namespaces = 4;
	is_str(check(&f, &err),
	       "config.json: hostname: cannot be set without a private uts namespace",
	       "hostname without a uts namespace");
	fixture_init(&f);
	f.lx.time_boottime = (struct rl_time_offset){.set = true, .secs = 10};
	is_str(check(&f, &err), "config.json: linux.timeOffsets: needs a new time namespace",
	       "time offsets without a time namespace");
	ns_add(&f, RL_NS_TIME, NULL);
	is_str(check(&f, &err), "ok", "time offsets with a new time namespace");
	fixture_init(&f);
	ns_add(&f, RL_NS_USER, NULL);
	is_str(check(&f, &err),
	       "config.json: linux.uidMappings: required with a new user namespace",
	       "new user namespace without maps");
	f.lx.uid_mappings = f.lx.gid_mappings = &f.map;
	f.lx.n_uid_mappings = f.lx.n_gid_mappings = 1;
	is_str(check(&f, &err), "ok", "new user namespace with maps");
	{
		/* a mount's gid= names an id of the new namespace */
		static char *opts[] = {"nosuid", "gid=5", NULL};
		struct rl_mount m = {.destination = "/dev/pts", .type = "devpts",
				     .options = {.v = opts, .n = 2}};
		struct rl_idmap one = {.container_id = 0, .host_id = 1000, .size = 1};

		f.cfg.mounts = &m;
		f.cfg.n_mounts = 1;
		is_str(check(&f, &err), "ok", "gid=5 of a mount, mapped");
		f.lx.gid_mappings = &one;
		is_str(check(&f, &err),
		       "config.json: mounts[0].options[1]: \"gid=5\": gid 5 is not mapped in "
		       "linux.gidMappings",
		       "gid=5 of a mount, not mapped: refused naming the option");
		opts[1] = "uid=0";
		is_str(check(&f, &err), "ok", "uid=0 of a mount, mapped");
		f.cfg.mounts = NULL;
		f.cfg.n_mounts = 0;
		f.lx.gid_mappings = &f.map;
	}
	{
		/* process.user's ids are the new namespace's too */
		uint32_t groups[] = {5, 70000};

		f.proc.user.uid = 65536;
		is_str(check(&f, &err),
		       "config.json: process.user.uid: 65536 is not mapped in linux.uidMappings",
		       "process.user.uid not mapped: refused naming it");
		f.proc.user.uid = 1000;
		f.proc.user.gid = 70000;
		is_str(check(&f, &err),
		       "config.json: process.user.gid: 70000 is not mapped in linux.gidMappings",
		       "process.user.gid not mapped: refused naming it");
		f.proc.user.gid = 1000;
		f.proc.user.additional_gids = groups;
		f.proc.user.n_additional_gids = 2;
		is_str(check(&f, &err),
		       "config.json: process.user.additionalGids[1]: 70000 is not mapped in "
		       "linux.gidMappings",
		       "an additional gid not mapped: refused naming which");
		f.proc.user.n_additional_gids = 1;
		/* as root (CAP_SETGID), setgroups is not denied */
		is_str(check(&f, &err), "ok", "mapped ids: accepted");
		f.proc.user = (struct rl_user){0};
	}
	f.lx.n_namespaces--;
	is_str(check(&f, &err), "config.json: linux.uidMappings: set without a user namespace",
	       "maps without a user namespace");
}

/* linux.sysctl: only keys of the container's own namespaces. */
static const char *check_sysctl(struct fixture *f, const char *key, struct rl_error *err)
{
	static char *keys[1], *values[1] = {(char *)"1"};

	keys[0] = (char *)key;
	f->lx.sysctl = (struct rl_map){.keys = keys, .values = values, .n = 1};
	return check(f, err);
}

static void test_check_sysctl(void)
{
	static const char *ok_keys[] = {"net.ipv4.ip_forward", "net.ipv4.conf.eth0/1.rp_filter",
					"kernel.shm_rmid_forced", "kernel.msgmax", "kernel.sem",
					"fs.mqueue.msg_max", "kernel.domainname"};
	static const char *host_keys[] = {"vm.swappiness", "kernel.pid_max", "fs.file-max",
					  "kernel.shm_rmid_forced.x", "net", "kernel.core_pattern"};
	struct fixture f;
	struct rl_error err;
	char want[256];

	for (size_t i = 0; i < sizeof(ok_keys) / sizeof(ok_keys[0]); i++) {
		fixture_init(&f);
		is_str(check_sysctl(&f, ok_keys[i], &err), "ok", "sysctl %s accepted", ok_keys[i]);
	}
	for (size_t i = 0; i < sizeof(host_keys) / sizeof(host_keys[0]); i++) {
		fixture_init(&f);
		snprintf(want, sizeof(want),
			 "config.json: linux.sysctl: \"%s\": not in a namespace of the container "
			 "(it is the host's setting)",
			 host_keys[i]);
		is_str(check_sysctl(&f, host_keys[i], &err), want, "sysctl %s refused",
		       host_keys[i]);
	}
	/* '/' stands for '.' in a name: "//" would be ".." in the path. */
	fixture_init(&f);
	is_str(check_sysctl(&f, "net.//.vm.swappiness", &err),
	       "config.json: linux.sysctl: \"net.//.vm.swappiness\": not a sysctl name",
	       "a key whose path climbs out of net/ refused");
	is_str(check_sysctl(&f, "net./.ipv4.ip_forward", &err),
	       "config.json: linux.sysctl: \"net./.ipv4.ip_forward\": not a sysctl name",
	       "a \".\" component refused");
	is_str(check_sysctl(&f, "net..ipv4", &err),
	       "config.json: linux.sysctl: \"net..ipv4\": not a sysctl name",
	       "an empty component refused");
	is_str(check_sysctl(&f, "kernel.hostname", &err),
	       "config.json: linux.sysctl: \"kernel.hostname\": use the hostname field",
	       "kernel.hostname refused: it has its field");
	/* fixture: pid, net, mount, ipc, uts; drop net (index 1), then ipc. */
	fixture_init(&f);
	f.ns[1] = f.ns[4];
	f.lx.n_namespaces = 4;
	is_str(check_sysctl(&f, "net.ipv4.ip_forward", &err),
	       "config.json: linux.sysctl: \"net.ipv4.ip_forward\": needs the container's own "
	       "network namespace (linux.namespaces has no \"network\")",
	       "net.* without a network namespace refused");
	fixture_init(&f);
	f.ns[3] = f.ns[4];
	f.lx.n_namespaces = 4;
	is_str(check_sysctl(&f, "kernel.shm_rmid_forced", &err),
	       "config.json: linux.sysctl: \"kernel.shm_rmid_forced\": needs the container's own "
	       "ipc namespace (linux.namespaces has no \"ipc\")",
	       "an ipc sysctl without an ipc namespace refused");
}

/* A net.* sysctl with the host's network namespace joined by path. */
static void test_check_sysctl_netns(void)
{
	struct fixture f;
	struct rl_error err = {0};
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	fixture_init(&f);
	check_sysctl(&f, "net.ipv4.ip_forward", &err);
	ok(self >= 0, "open our own network namespace");
	ok(rl_container_check_sysctl_netns(&f.cfg, self, &err) < 0, "the host's: refused");
	is_str(err.msg,
	       "config.json: linux.sysctl: \"net.ipv4.ip_forward\": the network namespace joined "
	       "is the host's",
	       "... naming the key");
	is_int(rl_container_check_sysctl_netns(&f.cfg, -1, &err), 0, "a new namespace: fine");
	check_sysctl(&f, "kernel.sem", &err);
	is_int(rl_container_check_sysctl_netns(&f.cfg, self, &err), 0,
	       "no net.* key: the namespace does not matter");
	if (self >= 0)
		close(self);
}

static void test_userns(void)
{
	struct rl_idmap m[2] = {{0, 100000, 1}, {1, 200000, 65535}};
	struct rl_error err = {0};
	char buf[256];

	is_int(rl_userns_format(m, 2, "linux.uidMappings", buf, sizeof(buf), &err), 0,
	       "two mappings");
	is_str(buf, "0 100000 1\n1 200000 65535\n", "uid_map text");
	ok(rl_userns_maps_root(m, 2), "id 0 mapped");
	ok(!rl_userns_maps_root(m + 1, 1), "id 0 not mapped");
	m[1].size = 0;
	ok(rl_userns_format(m, 2, "linux.gidMappings", buf, sizeof(buf), &err) < 0,
	   "size 0 refused");
	is_str(err.msg, "config.json: linux.gidMappings[1].size: must not be 0", "... named");
	m[1] = (struct rl_idmap){4294967295u, 1, 2};
	ok(rl_userns_format(m, 2, "linux.uidMappings", buf, sizeof(buf), &err) < 0,
	   "wrapping range refused");
}

static void test_sync(void)
{
	struct rl_sync_msg m;
	struct rl_error err = {0}, e2 = {0};
	int fds[2];

	is_int(rl_sync_pair(fds, 50, &err), 0, "socketpair");
	ok(fds[1] >= 50, "child end moved above the preserved fds");
	ok(fcntl(fds[0], F_GETFD) & FD_CLOEXEC && fcntl(fds[1], F_GETFD) & FD_CLOEXEC,
	   "both ends O_CLOEXEC");
	rl_error_set(&err, ENOENT, "exec \"nope\"");
	rl_sync_send_error(fds[1], &err, 127);
	rl_sync_send_type(fds[1], RL_SYNC_READY);
	is_int(rl_sync_recv(fds[0], &m, &e2), 1, "error message received");
	is_int(m.hint, 127, "... with its exit hint");
	rl_sync_to_error(&m, &e2);
	is_str(e2.msg, "exec \"nope\"", "... text");
	is_int(e2.errnum, ENOENT, "... errno");
	is_int(rl_sync_recv(fds[0], &m, &e2), 1, "next message whole");
	is_int(m.type, RL_SYNC_READY, "... ready");
	close(fds[1]);
	is_int(rl_sync_recv(fds[0], &m, &e2), 0, "EOF when the child end is gone");
	close(fds[0]);
}

static void test_run_refusals(void)
{
	char dir[] = "/tmp/rl-test-clone-XXXXXX", path[256];
	struct rl_run_opts o = {.id = "t1"};
	struct rl_error err = {0};
	int status = -1;
	FILE *f;

	o.id = "a/b";
	is_int(rl_container_run(&o, &status, &err), -1, "bad id refused");
	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	o.id = "t1";
	o.bundle = "/nonexistent/bundle";
	rl_container_run(&o, &status, &err);
	is_str(err.msg, "bundle \"/nonexistent/bundle\"", "missing bundle named");
	o.bundle = dir;
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "w");
	fputs("{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, \"process\": "
	      "{\"cwd\": \"/\", \"args\": [\"sh\"]}, \"linux\": {\"namespaces\": "
	      "[{\"type\": \"mount\"}]}}",
	      f);
	fclose(f);
	is_int(rl_container_run(&o, &status, &err), -1, "missing rootfs refused");
	snprintf(path, sizeof(path), "rootfs \"%s/rootfs\"", dir);
	is_str(err.msg, path, "... naming the path");
	is_int(err.errnum, ENOENT, "... ENOENT");
	snprintf(path, sizeof(path), "%s/config.json", dir);
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_flags();
	test_ids();
	test_check_config();
	test_check_sysctl();
	test_check_sysctl_netns();
	test_userns();
	test_sync();
	test_run_refusals();
	return done_testing();
}
