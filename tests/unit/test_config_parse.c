/* Unit tests of the config.json parser (spec/config_parse*.c,
 * config_free.c): a config that sets every field, the example from the
 * runtime-spec, a table of malformed documents with their exact message,
 * the versions accepted, the process document of exec, the CPU and node
 * lists.  Nesting and size limits and rl_config_load():
 * test_config_limits.c; the name tables (names.c): test_names.c. */
#include <linux/capability.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/resource.h>

#include "spec/config.h"
#include "spec/config_internal.h"
#include "tap.h"
#include "bad_configs.h"

/* Documents are written with ' for "; see bad_configs.h. */
static char *dq(const char *s)
{
	char *d = strdup(s);

	for (char *p = d; p && *p; p++)
		if (*p == '\'')
			*p = '"';
	return d;
}

/* Parses a '-quoted document; returns the config or NULL with err set. */
static struct rl_config *parse_q(const char *doc, struct rl_error *err)
{
	struct rl_config *cfg = NULL;
	char *d = dq(doc);

	if (rl_config_parse(d, strlen(d), "config.json", &cfg, err) < 0)
		cfg = NULL;
	free(d);
	return cfg;
}

static const char *errtext(const struct rl_error *err)
{
	static char buf[RL_ERROR_MSG_MAX + 128];

	return rl_error_text(err, buf, sizeof(buf));
}

#define CAPBIT(c) (UINT64_C(1) << (c))

/* Sets every field the model has, plus members the parser must ignore. */
static const char good_doc[] =
    "{"
    "'ociVersion': '1.2.0',"
    "'root': {'path': 'rootfs', 'readonly': true},"
    "'mounts': ["
    "  {'destination': '/proc', 'type': 'proc', 'source': 'proc'},"
    "  {'destination': 'data', 'source': '/src', 'options': ['rbind', 'ro'],"
    "   'uidMappings': [{'containerID': 0, 'hostID': 100000, 'size': 65536}],"
    "   'gidMappings': [{'containerID': 1, 'hostID': 200000, 'size': 1000}],"
    "   'futureField': {'x': [1]}}"
    "],"
    "'process': {"
    "  'terminal': true,"
    "  'consoleSize': {'height': 25, 'width': 4294967295},"
    "  'user': {'uid': 1000, 'gid': 1001, 'umask': 18, 'additionalGids': [5, 4294967295],"
    "           'username': 'bob'},"
    "  'args': ['sh', '-c', 'echo hi'],"
    "  'env': ['PATH=/bin', 'TERM=xterm'],"
    "  'cwd': '/home/bob',"
    "  'capabilities': {"
    "    'bounding': ['CAP_CHOWN', 'CAP_CHECKPOINT_RESTORE'],"
    "    'effective': ['CAP_KILL'],"
    "    'inheritable': [],"
    "    'permitted': ['CAP_NET_BIND_SERVICE', 'CAP_SYS_ADMIN', 'CAP_SYS_ADMIN'],"
    "    'ambient': ['CAP_BPF']"
    "  },"
    "  'rlimits': ["
    "    {'type': 'RLIMIT_NOFILE', 'soft': 1024, 'hard': 4096},"
    "    {'type': 'RLIMIT_CORE', 'soft': 0, 'hard': 18446744073709551615}"
    "  ],"
    "  'noNewPrivileges': true,"
    "  'apparmorProfile': 'prof',"
    "  'oomScoreAdj': -1000,"
    "  'selinuxLabel': 'label',"
    "  'ioPriority': {'class': 'IOPRIO_CLASS_BE', 'priority': 7},"
    "  'scheduler': {'policy': 'SCHED_DEADLINE', 'nice': -20, 'priority': 0,"
    "                'flags': ['SCHED_FLAG_RESET_ON_FORK', 'SCHED_FLAG_RECLAIM'],"
    "                'runtime': 1000, 'deadline': 2000, 'period': 3000},"
    "  'commandLine': 'windows only, ignored'"
    "},"
    "'hostname': 'box',"
    "'domainname': 'example.org',"
    "'hooks': {"
    "  'prestart': [{'path': '/bin/pre', 'args': ['pre', '1'], 'env': ['A=1'], 'timeout': 1}],"
    "  'createRuntime': [{'path': '/bin/cr1'}, {'path': '/bin/cr2', 'timeout': 2147483647}],"
    "  'createContainer': [{'path': '/bin/cc'}],"
    "  'startContainer': [{'path': '/bin/sc'}],"
    "  'poststart': [{'path': '/bin/ps'}],"
    "  'poststop': [{'path': '/bin/pst', 'args': ['pst']}]"
    "},"
    "'annotations': {'com.x': '1', 'org.y': '', 'com.x': '3'},"
    "'linux': {"
    "  'namespaces': [{'type': 'pid'}, {'type': 'network', 'path': '/var/run/netns/x'},"
    "                 {'type': 'mount'}, {'type': 'ipc'}, {'type': 'uts'}, {'type': 'user'},"
    "                 {'type': 'cgroup'}, {'type': 'time'}],"
    "  'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 1},"
    "                  {'containerID': 1, 'hostID': 100000, 'size': 65536}],"
    "  'gidMappings': [{'containerID': 0, 'hostID': 4294967295, 'size': 1}],"
    "  'timeOffsets': {'boottime': {'secs': -5, 'nanosecs': 999999999},"
    "                  'monotonic': {'secs': 86400}},"
    "  'devices': [{'path': '/dev/fuse', 'type': 'c', 'major': 10, 'minor': 229,"
    "               'fileMode': 438, 'uid': 0, 'gid': 5},"
    "              {'path': '/dev/fifo', 'type': 'p'},"
    "              {'path': '/dev/sda', 'type': 'b', 'major': 8, 'minor': 0},"
    "              {'path': '/dev/u', 'type': 'u', 'major': 4294967295, 'minor': 1}],"
    "  'cgroupsPath': '/rlite/test',"
    "  'resources': {'pids': {'limit': 100}},"
    "  'rootfsPropagation': 'rslave',"
    "  'seccomp': {'defaultAction': 'SCMP_ACT_ERRNO', 'architectures': ['SCMP_ARCH_X86_64'],"
    "              'syscalls': [{'names': ['getpid'], 'action': 'SCMP_ACT_ALLOW'}]},"
    "  'sysctl': {'net.ipv4.ip_forward': '1', 'kernel.msgmax': '8192'},"
    "  'maskedPaths': ['/proc/kcore'],"
    "  'readonlyPaths': ['/proc/sys', '/proc/bus'],"
    "  'mountLabel': 'mlabel',"
    "  'personality': {'domain': 'LINUX32', 'flags': ['SOME_FLAG']},"
    "  'intelRdt': {'closID': 'guaranteed_group'},"
    "  'memoryPolicy': {'mode': 'MPOL_BIND', 'nodes': '0'},"
    "  'netDevices': {'eth1': {'name': 'ctr1'}}"
    "},"
    "'windows': {'layerFolders': ['C:\\\\x']},"
    "'vm': {'kernel': {'path': '/k'}},"
    "'future': null"
    "}";

static void test_good_top_and_mounts(const struct rl_config *cfg)
{
	const struct rl_mount *m = cfg->mounts;

	is_str(cfg->oci_version, "1.2.0", "ociVersion");
	ok(cfg->has_root, "has_root");
	is_str(cfg->root.path, "rootfs", "root.path");
	ok(cfg->root.readonly, "root.readonly");
	is_str(cfg->hostname, "box", "hostname");
	is_str(cfg->domainname, "example.org", "domainname");
	is_int(cfg->n_mounts, 2, "two mounts");
	is_str(m[0].destination, "/proc", "mounts[0].destination");
	is_str(m[0].type, "proc", "mounts[0].type");
	is_str(m[0].source, "proc", "mounts[0].source");
	ok(m[0].options.n == 0 && m[0].options.v == NULL, "mounts[0] has no options");
	ok(m[0].n_uid_mappings == 0 && m[0].uid_mappings == NULL, "mounts[0] no idmap");
	is_str(m[1].destination, "data", "relative destination kept as written");
	ok(m[1].type == NULL, "absent type is NULL");
	is_str(m[1].source, "/src", "mounts[1].source");
	is_int(m[1].options.n, 2, "mounts[1] two options");
	is_str(m[1].options.v[0], "rbind", "options[0]");
	is_str(m[1].options.v[1], "ro", "options[1]");
	ok(m[1].options.v[2] == NULL, "options NULL-terminated");
	is_int(m[1].n_uid_mappings, 1, "mount uidMappings");
	is_int(m[1].uid_mappings[0].container_id, 0, "mount uid containerID");
	is_int(m[1].uid_mappings[0].host_id, 100000, "mount uid hostID");
	is_int(m[1].uid_mappings[0].size, 65536, "mount uid size");
	is_int(m[1].n_gid_mappings, 1, "mount gidMappings");
	is_int(m[1].gid_mappings[0].container_id, 1, "mount gid containerID");
	is_int(m[1].gid_mappings[0].host_id, 200000, "mount gid hostID");
	is_int(m[1].gid_mappings[0].size, 1000, "mount gid size");
	is_int(cfg->annotations.n, 2, "duplicate annotation key kept once");
	is_str(cfg->annotations.keys[0], "org.y", "annotations key 0");
	is_str(cfg->annotations.values[0], "", "empty annotation value allowed");
	is_str(cfg->annotations.keys[1], "com.x", "annotations key 1");
	is_str(cfg->annotations.values[1], "3", "last duplicate wins");
}

static void test_good_process(const struct rl_process *p)
{
	ok(p->terminal, "terminal");
	ok(p->has_console_size, "consoleSize");
	is_int(p->console_height, 25, "consoleSize.height");
	is_int(p->console_width, UINT32_MAX, "consoleSize.width");
	is_int(p->user.uid, 1000, "uid");
	is_int(p->user.gid, 1001, "gid");
	ok(p->user.umask.set, "umask set");
	is_int(p->user.umask.v, 022, "umask");
	is_int(p->user.n_additional_gids, 2, "additionalGids");
	is_int(p->user.additional_gids[0], 5, "additionalGids[0]");
	is_int(p->user.additional_gids[1], UINT32_MAX, "additionalGids[1]");
	is_str(p->user.username, "bob", "username");
	is_int(p->args.n, 3, "args");
	is_str(p->args.v[2], "echo hi", "args[2]");
	ok(p->args.v[3] == NULL, "args NULL-terminated");
	is_int(p->env.n, 2, "env");
	is_str(p->env.v[1], "TERM=xterm", "env[1]");
	is_str(p->cwd, "/home/bob", "cwd");
	ok(p->capabilities != NULL, "capabilities");
	is_int(p->capabilities->bounding, CAPBIT(CAP_CHOWN) | CAPBIT(CAP_CHECKPOINT_RESTORE),
	       "bounding");
	is_int(p->capabilities->effective, CAPBIT(CAP_KILL), "effective");
	is_int(p->capabilities->inheritable, 0, "inheritable empty");
	is_int(p->capabilities->permitted, CAPBIT(CAP_NET_BIND_SERVICE) | CAPBIT(CAP_SYS_ADMIN),
	       "permitted (repeat is harmless)");
	is_int(p->capabilities->ambient, CAPBIT(CAP_BPF), "ambient");
	is_int(p->n_rlimits, 2, "rlimits");
	is_str(p->rlimits[0].type, "RLIMIT_NOFILE", "rlimits[0].type");
	is_int(p->rlimits[0].resource, RLIMIT_NOFILE, "rlimits[0].resource");
	is_int(p->rlimits[0].soft, 1024, "rlimits[0].soft");
	is_int(p->rlimits[0].hard, 4096, "rlimits[0].hard");
	is_int(p->rlimits[1].resource, RLIMIT_CORE, "rlimits[1].resource");
	ok(p->rlimits[1].hard == UINT64_MAX, "rlimits[1].hard is 2^64-1 (unlimited)");
	ok(p->no_new_privileges, "noNewPrivileges");
	is_str(p->apparmor_profile, "prof", "apparmorProfile");
	ok(p->oom_score_adj.set && p->oom_score_adj.v == -1000, "oomScoreAdj");
	is_str(p->selinux_label, "label", "selinuxLabel");
	ok(p->io_priority.set, "ioPriority set");
	is_int(p->io_priority.class, 2, "ioPriority.class BE = 2");
	is_str(p->io_priority.class_name, "IOPRIO_CLASS_BE", "ioPriority class name");
	is_int(p->io_priority.priority, 7, "ioPriority.priority");
	ok(p->scheduler.set, "scheduler set");
	is_str(p->scheduler.policy, "SCHED_DEADLINE", "scheduler.policy");
	is_int(p->scheduler.policy_id, 6, "SCHED_DEADLINE = 6");
	ok(p->scheduler.nice.set && p->scheduler.nice.v == -20, "scheduler.nice");
	ok(p->scheduler.priority.set && p->scheduler.priority.v == 0, "scheduler.priority");
	is_int(p->scheduler.flags.n, 2, "scheduler.flags");
	is_str(p->scheduler.flags.v[1], "SCHED_FLAG_RECLAIM", "scheduler.flags[1]");
	ok(p->scheduler.runtime.set && p->scheduler.runtime.v == 1000, "scheduler.runtime");
	ok(p->scheduler.deadline.set && p->scheduler.deadline.v == 2000, "scheduler.deadline");
	ok(p->scheduler.period.set && p->scheduler.period.v == 3000, "scheduler.period");
}

static void test_good_hooks(const struct rl_config *cfg)
{
	const struct rl_hook_list *h = cfg->hooks;

	is_int(h[RL_HOOK_PRESTART].n, 1, "prestart");
	is_str(h[RL_HOOK_PRESTART].v[0].path, "/bin/pre", "prestart path");
	is_int(h[RL_HOOK_PRESTART].v[0].args.n, 2, "prestart args");
	is_str(h[RL_HOOK_PRESTART].v[0].args.v[1], "1", "prestart args[1]");
	is_str(h[RL_HOOK_PRESTART].v[0].env.v[0], "A=1", "prestart env");
	ok(h[RL_HOOK_PRESTART].v[0].timeout.set && h[RL_HOOK_PRESTART].v[0].timeout.v == 1,
	   "prestart timeout");
	is_int(h[RL_HOOK_CREATE_RUNTIME].n, 2, "createRuntime");
	is_str(h[RL_HOOK_CREATE_RUNTIME].v[1].path, "/bin/cr2", "createRuntime[1]");
	ok(!h[RL_HOOK_CREATE_RUNTIME].v[0].timeout.set, "no timeout: unset");
	is_int(h[RL_HOOK_CREATE_RUNTIME].v[1].timeout.v, INT32_MAX, "largest timeout");
	is_str(h[RL_HOOK_CREATE_CONTAINER].v[0].path, "/bin/cc", "createContainer");
	is_str(h[RL_HOOK_START_CONTAINER].v[0].path, "/bin/sc", "startContainer");
	is_str(h[RL_HOOK_POSTSTART].v[0].path, "/bin/ps", "poststart");
	is_str(h[RL_HOOK_POSTSTOP].v[0].path, "/bin/pst", "poststop");
	is_str(h[RL_HOOK_POSTSTOP].v[0].args.v[0], "pst", "poststop args");
}

static void test_good_linux(const struct rl_linux *l)
{
	static const enum rl_ns_type ns[] = {RL_NS_PID, RL_NS_NETWORK, RL_NS_MOUNT,  RL_NS_IPC,
					     RL_NS_UTS, RL_NS_USER,    RL_NS_CGROUP, RL_NS_TIME};

	is_int(l->n_namespaces, 8, "eight namespaces");
	for (size_t i = 0; i < 8; i++)
		is_int(l->namespaces[i].type, ns[i], "namespaces[%zu] is %s", i, rl_ns_name(ns[i]));
	ok(l->namespaces[0].path == NULL, "no path: new namespace");
	is_str(l->namespaces[1].path, "/var/run/netns/x", "namespace path");
	is_int(l->n_uid_mappings, 2, "uidMappings");
	is_int(l->uid_mappings[1].host_id, 100000, "uidMappings[1].hostID");
	is_int(l->uid_mappings[1].size, 65536, "uidMappings[1].size");
	is_int(l->n_gid_mappings, 1, "gidMappings");
	is_int(l->gid_mappings[0].host_id, UINT32_MAX, "gidMappings[0].hostID");
	ok(l->time_boottime.set, "boottime offset");
	is_int(l->time_boottime.secs, -5, "boottime secs");
	is_int(l->time_boottime.nanosecs, 999999999, "boottime nanosecs");
	ok(l->time_monotonic.set, "monotonic offset");
	is_int(l->time_monotonic.secs, 86400, "monotonic secs");
	is_int(l->time_monotonic.nanosecs, 0, "monotonic nanosecs default 0");
	is_int(l->n_devices, 4, "devices");
	is_str(l->devices[0].path, "/dev/fuse", "devices[0].path");
	is_int(l->devices[0].type, 'c', "devices[0].type");
	is_int(l->devices[0].major, 10, "devices[0].major");
	is_int(l->devices[0].minor, 229, "devices[0].minor");
	ok(l->devices[0].file_mode.set && l->devices[0].file_mode.v == 0666, "devices[0].fileMode");
	ok(l->devices[0].uid.set && l->devices[0].uid.v == 0, "devices[0].uid");
	ok(l->devices[0].gid.set && l->devices[0].gid.v == 5, "devices[0].gid");
	is_int(l->devices[1].type, 'p', "fifo device without numbers");
	ok(!l->devices[1].file_mode.set && !l->devices[1].uid.set, "fifo: unset options");
	is_int(l->devices[2].type, 'b', "block device");
	is_int(l->devices[3].type, 'u', "unbuffered char device");
	is_int(l->devices[3].major, UINT32_MAX, "largest major");
	is_str(l->cgroups_path, "/rlite/test", "cgroupsPath");
	ok(l->resources && l->resources->pids_limit.set && l->resources->pids_limit.v == 100,
	   "resources handed to rl_parse_resources");
	is_str(l->rootfs_propagation, "rslave", "rootfsPropagation");
	ok(l->seccomp && l->seccomp->default_action == RL_SCMP_ACT_ERRNO &&
	       l->seccomp->n_syscalls == 1,
	   "seccomp handed to rl_parse_seccomp");
	is_int(l->sysctl.n, 2, "sysctl");
	is_str(l->sysctl.keys[1], "kernel.msgmax", "sysctl key");
	is_str(l->sysctl.values[1], "8192", "sysctl value");
	is_int(l->masked_paths.n, 1, "maskedPaths");
	is_str(l->masked_paths.v[0], "/proc/kcore", "maskedPaths[0]");
	is_int(l->readonly_paths.n, 2, "readonlyPaths");
	is_str(l->readonly_paths.v[1], "/proc/bus", "readonlyPaths[1]");
	is_str(l->mount_label, "mlabel", "mountLabel");
	ok(l->personality != NULL, "personality");
	is_str(l->personality->domain, "LINUX32", "personality.domain");
	is_str(l->personality->flags.v[0], "SOME_FLAG", "personality.flags");
	ok(l->has_intel_rdt, "intelRdt noticed");
}

static void test_good(void)
{
	struct rl_error err = {0};
	struct rl_config *cfg = parse_q(good_doc, &err);

	if (!ok(cfg != NULL, "full config parses"))
		printf("#   %s\n", errtext(&err));
	if (!cfg)
		return;
	test_good_top_and_mounts(cfg);
	ok(cfg->process != NULL, "process");
	if (cfg->process)
		test_good_process(cfg->process);
	test_good_hooks(cfg);
	ok(cfg->linux_ != NULL, "linux");
	if (cfg->linux_)
		test_good_linux(cfg->linux_);
	rl_config_free(cfg);
}

/* config.md "Configuration Schema Example" (runtime-spec), as published;
 * only its ociVersion ("0.5.0-dev" in old revisions) reads "1.0.1" as in
 * current ones, because a 0.x version is refused. */
static const char oci_example[] =
    "{\n"
    "  'ociVersion': '1.0.1',\n"
    "  'process': {\n"
    "    'terminal': true,\n"
    "    'user': {'uid': 1, 'gid': 1, 'additionalGids': [5, 6]},\n"
    "    'args': ['sh'],\n"
    "    'env': [\n"
    "      'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',\n"
    "      'TERM=xterm'\n"
    "    ],\n"
    "    'cwd': '/',\n"
    "    'capabilities': {\n"
    "      'bounding': ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],\n"
    "      'permitted': ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],\n"
    "      'inheritable': ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'],\n"
    "      'effective': ['CAP_AUDIT_WRITE', 'CAP_KILL'],\n"
    "      'ambient': ['CAP_NET_BIND_SERVICE']\n"
    "    },\n"
    "    'rlimits': [\n"
    "      {'type': 'RLIMIT_CORE', 'hard': 1024, 'soft': 1024},\n"
    "      {'type': 'RLIMIT_NOFILE', 'hard': 1024, 'soft': 1024}\n"
    "    ],\n"
    "    'apparmorProfile': 'acme_secure_profile',\n"
    "    'oomScoreAdj': 100,\n"
    "    'selinuxLabel': 'system_u:system_r:svirt_lxc_net_t:s0:c124,c675',\n"
    "    'noNewPrivileges': true\n"
    "  },\n"
    "  'root': {'path': 'rootfs', 'readonly': true},\n"
    "  'hostname': 'slartibartfast',\n"
    "  'mounts': [\n"
    "    {'destination': '/proc', 'type': 'proc', 'source': 'proc'},\n"
    "    {\n"
    "      'destination': '/dev',\n"
    "      'type': 'tmpfs',\n"
    "      'source': 'tmpfs',\n"
    "      'options': ['nosuid', 'strictatime', 'mode=755', 'size=65536k']\n"
    "    },\n"
    "    {\n"
    "      'destination': '/dev/pts',\n"
    "      'type': 'devpts',\n"
    "      'source': 'devpts',\n"
    "      'options': [\n"
    "        'nosuid',\n"
    "        'noexec',\n"
    "        'newinstance',\n"
    "        'ptmxmode=0666',\n"
    "        'mode=0620',\n"
    "        'gid=5'\n"
    "      ]\n"
    "    },\n"
    "    {\n"
    "      'destination': '/dev/shm',\n"
    "      'type': 'tmpfs',\n"
    "      'source': 'shm',\n"
    "      'options': ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k']\n"
    "    },\n"
    "    {\n"
    "      'destination': '/dev/mqueue',\n"
    "      'type': 'mqueue',\n"
    "      'source': 'mqueue',\n"
    "      'options': ['nosuid', 'noexec', 'nodev']\n"
    "    },\n"
    "    {\n"
    "      'destination': '/sys',\n"
    "      'type': 'sysfs',\n"
    "      'source': 'sysfs',\n"
    "      'options': ['nosuid', 'noexec', 'nodev']\n"
    "    },\n"
    "    {\n"
    "      'destination': '/sys/fs/cgroup',\n"
    "      'type': 'cgroup',\n"
    "      'source': 'cgroup',\n"
    "      'options': ['nosuid', 'noexec', 'nodev', 'relatime', 'ro']\n"
    "    }\n"
    "  ],\n"
    "  'hooks': {\n"
    "    'prestart': [\n"
    "      {\n"
    "        'path': '/usr/bin/fix-mounts',\n"
    "        'args': ['fix-mounts', 'arg1', 'arg2'],\n"
    "        'env': ['key1=value1']\n"
    "      },\n"
    "      {'path': '/usr/bin/setup-network'}\n"
    "    ],\n"
    "    'poststart': [{'path': '/usr/bin/notify-start', 'timeout': 5}],\n"
    "    'poststop': [{'path': '/usr/sbin/cleanup.sh', 'args': ['cleanup.sh', '-f']}]\n"
    "  },\n"
    "  'linux': {\n"
    "    'devices': [\n"
    "      {\n"
    "        'path': '/dev/fuse',\n"
    "        'type': 'c',\n"
    "        'major': 10,\n"
    "        'minor': 229,\n"
    "        'fileMode': 438,\n"
    "        'uid': 0,\n"
    "        'gid': 0\n"
    "      },\n"
    "      {\n"
    "        'path': '/dev/sda',\n"
    "        'type': 'b',\n"
    "        'major': 8,\n"
    "        'minor': 0,\n"
    "        'fileMode': 432,\n"
    "        'uid': 0,\n"
    "        'gid': 0\n"
    "      }\n"
    "    ],\n"
    "    'uidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 32000}],\n"
    "    'gidMappings': [{'containerID': 0, 'hostID': 1000, 'size': 32000}],\n"
    "    'sysctl': {'net.ipv4.ip_forward': '1', 'net.core.somaxconn': '256'},\n"
    "    'cgroupsPath': '/myRuntime/myContainer',\n"
    "    'resources': {\n"
    "      'network': {\n"
    "        'classID': 1048577,\n"
    "        'priorities': [\n"
    "          {'name': 'eth0', 'priority': 500},\n"
    "          {'name': 'eth1', 'priority': 1000}\n"
    "        ]\n"
    "      },\n"
    "      'pids': {'limit': 32771},\n"
    "      'hugepageLimits': [{'pageSize': '2MB', 'limit': 9223372036854772000}],\n"
    "      'memory': {\n"
    "        'limit': 536870912,\n"
    "        'reservation': 536870912,\n"
    "        'swap': 536870912,\n"
    "        'kernel': -1,\n"
    "        'kernelTCP': -1,\n"
    "        'swappiness': 0,\n"
    "        'disableOOMKiller': false\n"
    "      },\n"
    "      'cpu': {\n"
    "        'shares': 1024,\n"
    "        'quota': 1000000,\n"
    "        'period': 500000,\n"
    "        'realtimeRuntime': 950000,\n"
    "        'realtimePeriod': 1000000,\n"
    "        'cpus': '2-3',\n"
    "        'mems': '0-7'\n"
    "      },\n"
    "      'devices': [\n"
    "        {'allow': false, 'access': 'rwm'},\n"
    "        {'allow': true, 'type': 'c', 'major': 10, 'minor': 229, 'access': 'rw'},\n"
    "        {'allow': true, 'type': 'b', 'major': 8, 'minor': 0, 'access': 'r'}\n"
    "      ],\n"
    "      'blockIO': {\n"
    "        'weight': 10,\n"
    "        'leafWeight': 10,\n"
    "        'weightDevice': [\n"
    "          {'major': 8, 'minor': 0, 'weight': 500, 'leafWeight': 300},\n"
    "          {'major': 8, 'minor': 16, 'weight': 500}\n"
    "        ],\n"
    "        'throttleReadBpsDevice': [{'major': 8, 'minor': 0, 'rate': 600}],\n"
    "        'throttleWriteIOPSDevice': [{'major': 8, 'minor': 16, 'rate': 300}]\n"
    "      }\n"
    "    },\n"
    "    'rootfsPropagation': 'slave',\n"
    "    'seccomp': {\n"
    "      'defaultAction': 'SCMP_ACT_ALLOW',\n"
    "      'architectures': ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'],\n"
    "      'syscalls': [{'names': ['getcwd', 'chmod'], 'action': 'SCMP_ACT_ERRNO'}]\n"
    "    },\n"
    "    'namespaces': [\n"
    "      {'type': 'pid'},\n"
    "      {'type': 'network'},\n"
    "      {'type': 'ipc'},\n"
    "      {'type': 'uts'},\n"
    "      {'type': 'mount'},\n"
    "      {'type': 'user'},\n"
    "      {'type': 'cgroup'}\n"
    "    ],\n"
    "    'maskedPaths': [\n"
    "      '/proc/kcore',\n"
    "      '/proc/latency_stats',\n"
    "      '/proc/timer_stats',\n"
    "      '/proc/sched_debug'\n"
    "    ],\n"
    "    'readonlyPaths': [\n"
    "      '/proc/asound',\n"
    "      '/proc/bus',\n"
    "      '/proc/fs',\n"
    "      '/proc/irq',\n"
    "      '/proc/sys',\n"
    "      '/proc/sysrq-trigger'\n"
    "    ],\n"
    "    'mountLabel': 'system_u:object_r:svirt_sandbox_file_t:s0:c715,c811'\n"
    "  },\n"
    "  'annotations': {'com.example.key1': 'value1', 'com.example.key2': 'value2'}\n"
    "}\n";

static void test_oci_example(void)
{
	struct rl_error err = {0};
	struct rl_config *cfg = parse_q(oci_example, &err);
	const struct rl_process *p;
	const struct rl_linux *l;

	if (!ok(cfg != NULL, "runtime-spec example parses"))
		printf("#   %s\n", errtext(&err));
	if (!cfg)
		return;
	p = cfg->process;
	l = cfg->linux_;
	is_str(cfg->oci_version, "1.0.1", "example: ociVersion");
	ok(p->terminal && p->user.uid == 1 && p->user.gid == 1, "example: user 1:1, terminal");
	is_int(p->user.n_additional_gids, 2, "example: additionalGids");
	is_str(p->args.v[0], "sh", "example: args");
	is_str(p->cwd, "/", "example: cwd");
	is_int(p->capabilities->bounding,
	       CAPBIT(CAP_AUDIT_WRITE) | CAPBIT(CAP_KILL) | CAPBIT(CAP_NET_BIND_SERVICE),
	       "example: bounding");
	is_int(p->capabilities->ambient, CAPBIT(CAP_NET_BIND_SERVICE), "example: ambient");
	is_int(p->n_rlimits, 2, "example: rlimits");
	is_int(p->rlimits[0].resource, RLIMIT_CORE, "example: RLIMIT_CORE");
	is_int(p->oom_score_adj.v, 100, "example: oomScoreAdj");
	ok(p->no_new_privileges, "example: noNewPrivileges");
	ok(cfg->root.readonly, "example: root readonly");
	is_str(cfg->hostname, "slartibartfast", "example: hostname");
	is_int(cfg->n_mounts, 7, "example: seven mounts");
	is_str(cfg->mounts[6].destination, "/sys/fs/cgroup", "example: last mount");
	is_int(cfg->mounts[2].options.n, 6, "example: devpts options");
	is_int(cfg->hooks[RL_HOOK_PRESTART].n, 2, "example: prestart hooks");
	is_int(cfg->hooks[RL_HOOK_POSTSTART].v[0].timeout.v, 5, "example: poststart timeout");
	is_int(cfg->hooks[RL_HOOK_POSTSTOP].v[0].args.n, 2, "example: poststop args");
	is_int(l->n_devices, 2, "example: devices");
	is_int(l->devices[1].file_mode.v, 432, "example: /dev/sda fileMode");
	is_int(l->uid_mappings[0].size, 32000, "example: uidMappings");
	is_int(l->sysctl.n, 2, "example: sysctl");
	is_str(l->cgroups_path, "/myRuntime/myContainer", "example: cgroupsPath");
	ok(l->resources != NULL, "example: resources");
	is_str(l->rootfs_propagation, "slave", "example: rootfsPropagation");
	ok(l->seccomp != NULL, "example: seccomp");
	is_int(l->n_namespaces, 7, "example: namespaces");
	is_int(l->namespaces[6].type, RL_NS_CGROUP, "example: cgroup namespace");
	is_int(l->masked_paths.n, 4, "example: maskedPaths");
	is_int(l->readonly_paths.n, 6, "example: readonlyPaths");
	ok(l->mount_label != NULL, "example: mountLabel");
	is_int(cfg->annotations.n, 2, "example: annotations");
	rl_config_free(cfg);
}

static void test_bad_configs(void)
{
	size_t n = sizeof(bad_configs) / sizeof(bad_configs[0]);

	ok(n >= 60, "at least 60 malformed documents (%zu)", n);
	for (size_t i = 0; i < n; i++) {
		struct rl_error err = {0};
		char *want = dq(bad_configs[i].want);
		struct rl_config *cfg = parse_q(bad_configs[i].doc, &err);

		ok(cfg == NULL, "bad[%zu] refused", i);
		is_str(errtext(&err), want, "bad[%zu] message: %s", i, want);
		ok(!strchr(err.msg, '\n'), "bad[%zu] message is one line", i);
		rl_config_free(cfg);
		free(want);
	}
}

/* Every 1.x the runtime-spec released or tagged, from 1.0.0 to 1.2.x, and
 * what runc and crun write (runc 1.1: "1.0.2-dev"). */
static void test_versions(void)
{
	static const char *const good[] = {
	    RL_OCI_VERSION_MIN,
	    "1.0.1",
	    "1.0.2",
	    "1.0.2-dev",
	    "1.1.0-rc.1",
	    "1.1.0",
	    "1.2.0",
	    "1.2.1",
	    "1.2.99",
	    RL_OCI_VERSION,
	    RL_OCI_VERSION_DEFAULT,
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char doc[128];
		struct rl_error err = {0};
		struct rl_config *cfg;

		snprintf(doc, sizeof(doc), "{'ociVersion':'%s','root':{'path':'r'}}", good[i]);
		cfg = parse_q(doc, &err);
		if (!ok(cfg != NULL, "ociVersion %s accepted", good[i]))
			printf("#   %s\n", errtext(&err));
		else
			is_str(cfg->oci_version, good[i], "ociVersion %s kept as it is", good[i]);
		rl_config_free(cfg);
	}
}

/* The document name is the prefix; *out is untouched on failure. */
static void test_name_and_out(void)
{
	struct rl_config *sentinel = (struct rl_config *)&sentinel, *cfg = sentinel;
	struct rl_error err = {0};

	ok(rl_config_parse("{}", 2, "bundle/config.json", &cfg, &err) < 0, "fails");
	is_str(err.msg, "bundle/config.json: ociVersion: is required", "name is the prefix");
	ok(cfg == sentinel, "*out untouched on failure");
	ok(rl_config_parse("[", 1, NULL, &cfg, &err) < 0, "NULL name");
	is_str(err.msg, "config.json: invalid JSON: parse error: premature EOF",
	       "NULL name reads config.json");
	ok(rl_config_parse(NULL, 0, NULL, &cfg, &err) < 0, "NULL text is invalid JSON");
	/* A NUL inside the buffer would cut yajl's C string short. */
	ok(rl_config_parse("{}\0{", 4, NULL, &cfg, &err) < 0, "embedded NUL refused");
	is_str(err.msg, "config.json: invalid JSON: NUL byte at offset 2", "NUL offset named");
	/* len is honoured: the text need not be NUL-terminated. */
	{
		char *d = dq("{'ociVersion':'1.0.0','root':{'path':'r'}}garbage");

		ok(rl_config_parse(d, strlen(d) - 7, NULL, &cfg, &err) == 0, "len bounds the text");
		ok(cfg != sentinel && cfg->process == NULL && cfg->linux_ == NULL,
		   "minimal config: no process, no linux");
		rl_config_free(cfg);
		free(d);
	}
	rl_config_free(NULL);
	ok(1, "rl_config_free(NULL) is a no-op");
}

/* A process object on its own (rlite exec -p): the same rules as
 * config.json's "process", messages without the "process." prefix. */
static void test_process_doc(void)
{
	static const struct {
		const char *json, *msg;
	} bad[] = {
	    {"{\"cwd\": \"/\"}", "p.json: args: is required"},
	    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"user\": {\"uid\": \"x\", \"gid\": 0}}",
	     "p.json: user.uid: "},
	    {"{\"args\": [\"sh\"]}", "p.json: cwd: is required"},
	    {"{\"args\": [\"sh\"], \"cwd\": \"rel\"}", "p.json: cwd: "},
	    {"[1]", "p.json: must be an object"},
	    {"{\"args\": [\"sh\"], \"cwd\": \"/\", \"rlimits\": [{\"type\": \"RLIMIT_NOPE\", "
	     "\"soft\": 1, \"hard\": 1}]}",
	     "p.json: rlimits[0].type: unknown rlimit"},
	};
	const char *good =
	    "{\"args\": [\"sh\", \"-c\", \"id\"], \"cwd\": \"/tmp\", \"env\": [\"A=1\"],"
	    " \"user\": {\"uid\": 7, \"gid\": 8, \"additionalGids\": [9]},"
	    " \"capabilities\": {\"bounding\": [\"CAP_KILL\"]}, \"noNewPrivileges\": true}";
	struct rl_process *p = NULL;
	struct rl_error e = {0};

	ok(rl_process_parse(good, strlen(good), "p.json", &p, &e) == 0, "process doc: parses: %s",
	   e.msg);
	ok(p && p->args.n == 3 && strcmp(p->cwd, "/tmp") == 0 && p->user.uid == 7 &&
	       p->user.gid == 8 && p->user.n_additional_gids == 1 && p->no_new_privileges &&
	       p->capabilities && p->capabilities->bounding == (1ULL << 5),
	   "process doc: every member read");
	rl_process_free(p);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		p = NULL;
		memset(&e, 0, sizeof(e));
		ok(rl_process_parse(bad[i].json, strlen(bad[i].json), "p.json", &p, &e) < 0 && !p &&
		       strncmp(e.msg, bad[i].msg, strlen(bad[i].msg)) == 0,
		   "process doc %zu refused: \"%s\" (want \"%s...\")", i, e.msg, bad[i].msg);
	}
}

/* ---- 1.2/1.3 fields: CPU and node lists --------------------------------- */

static void test_id_lists(void)
{
	static const struct {
		const char *s;
		int ret;
		unsigned long w0; /* bits 0..63 */
	} cases[] = {
	    {"", 0, 0},	   {"0", 0, 1},		 {"0-3,7", 0, 0x8f}, {"5,1-2", 0, 0x26},
	    {"3-3", 0, 8}, {"63", 0, 1UL << 63}, {"1-0", -1, 0},     {"0,", -1, 0},
	    {",0", -1, 0}, {"0--1", -1, 0},	 {"x", -1, 0},	     {"0 ", -1, 0},
	    {"-1", -1, 0}, {"127", 0, 0},	 {"128", -1, 0},     {"0-128", -1, 0},
	};
	struct rl_error err = {0};
	struct rl_config *cfg;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unsigned long m[128 / (8 * sizeof(unsigned long))];
		int r = rl_parse_id_list(cases[i].s, m, 128);

		ok(r == cases[i].ret && (r < 0 || m[0] == cases[i].w0), "id list \"%s\" -> %d %#lx",
		   cases[i].s, r, r < 0 ? 0 : m[0]);
	}
	cfg = parse_q("{'ociVersion':'1.3.0','root':{'path':'r'},'process':{'args':['sh'],"
		      "'cwd':'/','execCPUAffinity':{'initial':'0','final':'0-1'}},"
		      "'linux':{'memoryPolicy':{'mode':'MPOL_PREFERRED_MANY','nodes':'0-1',"
		      "'flags':['MPOL_F_STATIC_NODES','MPOL_F_NUMA_BALANCING']}}}",
		      &err);
	if (!ok(cfg != NULL, "execCPUAffinity and memoryPolicy parse"))
		printf("#   %s\n", errtext(&err));
	if (cfg) {
		const struct rl_memory_policy *mp = cfg->linux_->memory_policy;

		is_str(cfg->process->exec_cpu_affinity.initial, "0", "execCPUAffinity.initial");
		is_str(cfg->process->exec_cpu_affinity.final, "0-1", "execCPUAffinity.final");
		ok(mp && mp->mode == 5 && strcmp(mp->nodes, "0-1") == 0 &&
		       mp->flag_bits == ((1u << 15) | (1u << 13)),
		   "memoryPolicy: mode 5, nodes, the two flag bits");
		rl_config_free(cfg);
	}
	cfg = parse_q("{'ociVersion':'1.3.0','root':{'path':'r'},'process':{'args':['sh'],"
		      "'cwd':'/'},'linux':{'netDevices':{'eth1':{'name':'x'},'eth2':{},"
		      "'eth1':{'name':'ctr%d'}}}}",
		      &err);
	if (!ok(cfg != NULL, "netDevices parse"))
		printf("#   %s\n", errtext(&err));
	if (cfg) {
		const struct rl_linux *l = cfg->linux_;

		ok(l->n_net_devices == 2 && strcmp(l->net_devices[0].host, "eth1") == 0 &&
		       strcmp(l->net_devices[0].name, "ctr%d") == 0 &&
		       strcmp(l->net_devices[1].host, "eth2") == 0 && !l->net_devices[1].name,
		   "netDevices: two devices, a repeated key's last value wins, no name is NULL");
		rl_config_free(cfg);
	}
}

int main(void)
{
	test_process_doc();
	test_good();
	test_oci_example();
	test_bad_configs();
	test_versions();
	test_name_and_out();
	test_id_lists();
	return done_testing();
}
