/* spec/config_write.c and spec/default.c: the default config, and the
 * writer's round trip parse(to_json(cfg)) == cfg with byte-identical
 * output, for the default and for a config with every field set. */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <linux/capability.h>
#include <yajl/yajl_tree.h>

#include "spec/config.h"
#include "tests/unit/tap.h"

/* Every field the model has, in the writer's key order but compact. */
static const char rich[] =
    "{\"ociVersion\":\"1.2.0\","
    "\"process\":{\"terminal\":true,\"consoleSize\":{\"height\":24,\"width\":80},"
    "\"user\":{\"uid\":1000,\"gid\":100,\"umask\":18,\"additionalGids\":[5,10,4294967295],"
    "\"username\":\"alice\"},"
    "\"args\":[\"/bin/sh\",\"-c\",\"echo \\\"h\\u00e9\\\" \\\\ there\\n\\t/x\"],"
    "\"env\":[\"PATH=/bin\",\"HOME=/home/alice\",\"EMPTY=\"],\"cwd\":\"/home/alice\","
    "\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_KILL\",\"CAP_SYS_ADMIN\"],"
    "\"effective\":[\"CAP_KILL\"],\"inheritable\":[\"CAP_NET_BIND_SERVICE\"],"
    "\"permitted\":[\"CAP_CHOWN\",\"CAP_KILL\"],\"ambient\":[\"CAP_AUDIT_WRITE\"]},"
    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":4096,\"soft\":1024},"
    "{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":0}],"
    "\"noNewPrivileges\":true,\"apparmorProfile\":\"rlite-default\",\"oomScoreAdj\":-500,"
    "\"scheduler\":{\"policy\":\"SCHED_DEADLINE\",\"nice\":-5,\"priority\":0,"
    "\"flags\":[\"SCHED_FLAG_RESET_ON_FORK\"],\"runtime\":10000000,\"deadline\":20000000,"
    "\"period\":30000000},"
    "\"selinuxLabel\":\"system_u:system_r:container_t:s0\","
    "\"ioPriority\":{\"class\":\"IOPRIO_CLASS_BE\",\"priority\":4},"
    "\"execCPUAffinity\":{\"initial\":\"0\",\"final\":\"0-3,7\"}},"
    "\"root\":{\"path\":\"/srv/rootfs\",\"readonly\":false},"
    "\"hostname\":\"box\",\"domainname\":\"example.org\","
    "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/data\",\"type\":\"none\",\"source\":\"/srv/data\","
    "\"options\":[\"rbind\",\"ro\",\"idmap\"],"
    "\"uidMappings\":[{\"containerID\":0,\"hostID\":100000,\"size\":65536}],"
    "\"gidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":1000}]},"
    "{\"destination\":\"/tmp\",\"type\":\"tmpfs\"}],"
    "\"hooks\":{\"prestart\":[{\"path\":\"/usr/bin/net-setup\",\"args\":[\"net-setup\",\"-v\"],"
    "\"env\":[\"A=1\"],\"timeout\":5}],"
    "\"createRuntime\":[{\"path\":\"/bin/cr1\"},{\"path\":\"/bin/cr2\"}],"
    "\"createContainer\":[{\"path\":\"/bin/cc\"}],\"startContainer\":[{\"path\":\"/bin/sc\"}],"
    "\"poststart\":[{\"path\":\"/bin/ps\"}],\"poststop\":[{\"path\":\"/bin/pstop\","
    "\"timeout\":2147483647}]},"
    "\"annotations\":{\"org.example.key\":\"value\",\"other\":\"\"},"
    "\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1},"
    "{\"containerID\":1,\"hostID\":100000,\"size\":65535}],"
    "\"gidMappings\":[{\"containerID\":0,\"hostID\":1000,\"size\":1}],"
    "\"sysctl\":{\"net.ipv4.ip_forward\":\"1\",\"kernel.msgmax\":\"8192\"},"
    "\"resources\":{"
    "\"devices\":[{\"allow\":false,\"type\":\"a\",\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rw\"},"
    "{\"allow\":true,\"type\":\"b\",\"major\":8,\"access\":\"r\"}],"
    "\"memory\":{\"limit\":536870912,\"reservation\":268435456,\"swap\":1073741824,"
    "\"kernel\":-1,\"kernelTCP\":-1,\"swappiness\":60,\"disableOOMKiller\":false,"
    "\"useHierarchy\":true,\"checkBeforeUpdate\":true},"
    "\"cpu\":{\"shares\":1024,\"quota\":50000,\"burst\":10000,\"period\":100000,"
    "\"realtimeRuntime\":950000,\"realtimePeriod\":1000000,\"cpus\":\"0-1\",\"mems\":\"0\","
    "\"idle\":0},"
    "\"pids\":{\"limit\":100},"
    "\"blockIO\":{\"weight\":500,\"leafWeight\":300,"
    "\"weightDevice\":[{\"major\":8,\"minor\":0,\"weight\":600,\"leafWeight\":300}],"
    "\"throttleReadBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":1048576}],"
    "\"throttleWriteBpsDevice\":[{\"major\":8,\"minor\":0,\"rate\":2097152}],"
    "\"throttleReadIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":100}],"
    "\"throttleWriteIOPSDevice\":[{\"major\":8,\"minor\":16,\"rate\":200}]},"
    "\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":209715200}],"
    "\"network\":{\"classID\":1048577,\"priorities\":[{\"name\":\"eth0\",\"priority\":500}]},"
    "\"rdma\":{\"mlx5_1\":{\"hcaHandles\":3,\"hcaObjects\":10000}},"
    "\"unified\":{\"memory.high\":\"400000000\",\"io.weight\":\"default 100\"}},"
    "\"cgroupsPath\":\"/rlite/box\","
    "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\",\"path\":\"/var/run/netns/n1\"},"
    "{\"type\":\"mount\"},{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"user\"},"
    "{\"type\":\"cgroup\"},{\"type\":\"time\"}],"
    "\"devices\":[{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229,"
    "\"fileMode\":438,\"uid\":0,\"gid\":0},"
    "{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0},"
    "{\"path\":\"/dev/myfifo\",\"type\":\"p\"}],"
    "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
    "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\"],"
    "\"flags\":[\"SECCOMP_FILTER_FLAG_LOG\"],"
    "\"listenerPath\":\"/run/seccomp.sock\",\"listenerMetadata\":\"meta\","
    "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
    "{\"names\":[\"personality\"],\"action\":\"SCMP_ACT_ALLOW\","
    "\"args\":[{\"index\":0,\"value\":8,\"op\":\"SCMP_CMP_EQ\"},"
    "{\"index\":1,\"value\":18446744073709551615,\"valueTwo\":4,"
    "\"op\":\"SCMP_CMP_MASKED_EQ\"}]},"
    "{\"names\":[\"mkdir\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":38}]},"
    "\"rootfsPropagation\":\"rslave\","
    "\"maskedPaths\":[\"/proc/kcore\",\"/sys/firmware\"],"
    "\"readonlyPaths\":[\"/proc/sys\"],"
    "\"mountLabel\":\"system_u:object_r:container_file_t:s0\","
    "\"intelRdt\":{},"
    "\"personality\":{\"domain\":\"LINUX32\",\"flags\":[]},"
    "\"netDevices\":{\"eth1\":{\"name\":\"ctr%d\"},\"eth2\":{\"name\":\"eth2\"}},"
    "\"memoryPolicy\":{\"mode\":\"MPOL_INTERLEAVE\",\"nodes\":\"0\","
    "\"flags\":[\"MPOL_F_STATIC_NODES\"]},"
    "\"timeOffsets\":{\"boottime\":{\"secs\":-3600,\"nanosecs\":0},"
    "\"monotonic\":{\"secs\":86400,\"nanosecs\":999999999}}}}";

/* What the default config must contain, compared as JSON values. */
static const char default_expected[] =
    "{\"ociVersion\":\"" RL_OCI_VERSION_DEFAULT "\","
    "\"process\":{\"terminal\":false,\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"],"
    "\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\","
    "\"TERM=xterm\"],\"cwd\":\"/\","
    "\"capabilities\":{"
    "\"bounding\":[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\",\"CAP_AUDIT_WRITE\"],"
    "\"effective\":[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\",\"CAP_AUDIT_WRITE\"],"
    "\"permitted\":[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\",\"CAP_AUDIT_WRITE\"]},"
    "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1024,\"soft\":1024}],"
    "\"noNewPrivileges\":true},"
    "\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
    "\"hostname\":\"rlite\","
    "\"mounts\":["
    "{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    "{\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
    "\"options\":[\"nosuid\",\"strictatime\",\"mode=755\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
    "\"options\":[\"nosuid\",\"noexec\",\"newinstance\",\"ptmxmode=0666\",\"mode=0620\","
    "\"gid=5\"]},"
    "{\"destination\":\"/dev/shm\",\"type\":\"tmpfs\",\"source\":\"shm\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"mode=1777\",\"size=65536k\"]},"
    "{\"destination\":\"/dev/mqueue\",\"type\":\"mqueue\",\"source\":\"mqueue\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\"]},"
    "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"ro\"]},"
    "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\",\"source\":\"cgroup\","
    "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"relatime\",\"ro\"]}],"
    "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
    "{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"cgroup\"}],"
    "\"maskedPaths\":[\"/proc/acpi\",\"/proc/asound\",\"/proc/kcore\",\"/proc/keys\","
    "\"/proc/latency_stats\",\"/proc/timer_list\",\"/proc/timer_stats\",\"/proc/sched_debug\","
    "\"/sys/firmware\",\"/proc/scsi\",\"/sys/devices/virtual/tpm\"],"
    "\"readonlyPaths\":[\"/proc/bus\",\"/proc/fs\",\"/proc/irq\",\"/proc/sys\","
    "\"/proc/sysrq-trigger\"]}}";

/* ---- JSON value comparison ---------------------------------------------- */

static int jeq(yajl_val a, yajl_val b, char *where, size_t wlen);

/* Objects are equal when they have the same keys with equal values; the
 * order is checked separately where it matters. */
static int jeq_object(yajl_val a, yajl_val b, char *where, size_t wlen)
{
	if (a->u.object.len != b->u.object.len) {
		snprintf(where, wlen, "object sizes %zu vs %zu", a->u.object.len, b->u.object.len);
		return 0;
	}
	for (size_t i = 0; i < a->u.object.len; i++) {
		const char *path[] = {a->u.object.keys[i], NULL};
		yajl_val bv = yajl_tree_get(b, path, yajl_t_any);

		if (!bv) {
			snprintf(where, wlen, "missing key \"%s\"", path[0]);
			return 0;
		}
		if (!jeq(a->u.object.values[i], bv, where, wlen)) {
			size_t n = strlen(where);
			char tmp[512];

			snprintf(tmp, sizeof(tmp), "%s: %.*s", path[0], (int)n, where);
			snprintf(where, wlen, "%s", tmp);
			return 0;
		}
	}
	return 1;
}

static int jeq(yajl_val a, yajl_val b, char *where, size_t wlen)
{
	if (a->type != b->type) {
		snprintf(where, wlen, "types %d vs %d", a->type, b->type);
		return 0;
	}
	switch (a->type) {
	case yajl_t_string:
		if (strcmp(a->u.string, b->u.string) == 0)
			return 1;
		snprintf(where, wlen, "\"%s\" vs \"%s\"", a->u.string, b->u.string);
		return 0;
	case yajl_t_number:
		if (strcmp(a->u.number.r, b->u.number.r) == 0)
			return 1;
		snprintf(where, wlen, "%s vs %s", a->u.number.r, b->u.number.r);
		return 0;
	case yajl_t_object:
		return jeq_object(a, b, where, wlen);
	case yajl_t_array:
		if (a->u.array.len != b->u.array.len) {
			snprintf(where, wlen, "array lengths %zu vs %zu", a->u.array.len,
				 b->u.array.len);
			return 0;
		}
		for (size_t i = 0; i < a->u.array.len; i++)
			if (!jeq(a->u.array.values[i], b->u.array.values[i], where, wlen))
				return 0;
		return 1;
	default:
		return 1; /* true, false, null: the type says it all */
	}
}

/* Compares two JSON texts as values; empty arrays and objects in `want`
 * are dropped first since the writer leaves empty lists out. */
static void drop_empty(yajl_val v)
{
	if (YAJL_IS_OBJECT(v)) {
		size_t j = 0;

		for (size_t i = 0; i < v->u.object.len; i++) {
			yajl_val x = v->u.object.values[i];

			drop_empty(x);
			if ((YAJL_IS_ARRAY(x) && x->u.array.len == 0) ||
			    (YAJL_IS_OBJECT(x) && x->u.object.len == 0 &&
			     strcmp(v->u.object.keys[i], "intelRdt") != 0)) {
				free((char *)v->u.object.keys[i]);
				yajl_tree_free(x);
				continue;
			}
			v->u.object.keys[j] = v->u.object.keys[i];
			v->u.object.values[j++] = x;
		}
		v->u.object.len = j;
	} else if (YAJL_IS_ARRAY(v)) {
		for (size_t i = 0; i < v->u.array.len; i++)
			drop_empty(v->u.array.values[i]);
	}
}

static void json_same(const char *got, const char *want, const char *what)
{
	char ebuf[256], where[1024] = "";
	yajl_val g = got ? yajl_tree_parse(got, ebuf, sizeof(ebuf)) : NULL;
	yajl_val w = yajl_tree_parse(want, ebuf, sizeof(ebuf));

	ok(g && w, "%s: both parse as JSON", what);
	if (g && w) {
		drop_empty(w);
		if (!ok(jeq(w, g, where, sizeof(where)), "%s: same JSON value", what))
			printf("#   %s\n", where);
	}
	yajl_tree_free(g);
	yajl_tree_free(w);
}

/* ---- round trips ------------------------------------------------------------ */

/* to_json(cfg) -> parse -> to_json: the two texts must be byte-identical.
 * Returns the first text (caller frees). */
static char *roundtrip(const struct rl_config *cfg, const char *what)
{
	struct rl_config *again = NULL;
	struct rl_error err = {0};
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;

	if (!ok(rl_config_to_json(cfg, &a, &alen, &err) == 0, "%s: written: %s", what, err.msg))
		return NULL;
	ok(alen == strlen(a), "%s: length is the text's", what);
	ok(alen > 0 && a[alen - 1] == '\n', "%s: ends with a newline", what);
	if (!ok(rl_config_parse(a, alen, "out.json", &again, &err) == 0, "%s: parses back: %s",
		what, err.msg)) {
		printf("# %s\n", a);
		return a;
	}
	ok(rl_config_to_json(again, &b, &blen, &err) == 0, "%s: written again", what);
	is_str(b, a, "%s: byte-identical after parse + write", what);
	free(b);
	rl_config_free(again);
	return a;
}

static void test_default(void)
{
	struct rl_config *cfg = rl_config_default();
	struct rl_process *p = cfg ? cfg->process : NULL;
	const uint64_t caps = UINT64_C(1) << CAP_AUDIT_WRITE | UINT64_C(1) << CAP_KILL |
			      UINT64_C(1) << CAP_NET_BIND_SERVICE;
	char *text;

	if (!ok(cfg && p && cfg->linux_, "default config made"))
		return;
	is_str(cfg->oci_version, RL_OCI_VERSION_DEFAULT, "ociVersion");
	ok(!p->terminal, "terminal is false (rlite run is mostly non-interactive)");
	ok(p->args.n == 1 && p->args.v[1] == NULL, "args are NULL-terminated");
	ok(p->env.n == 2 && p->env.v[2] == NULL, "env is NULL-terminated");
	ok(p->capabilities && p->capabilities->bounding == caps &&
	       p->capabilities->effective == caps && p->capabilities->permitted == caps &&
	       !p->capabilities->inheritable && !p->capabilities->ambient,
	   "runc's default capabilities");
	ok(p->n_rlimits == 1 && p->rlimits[0].resource == RLIMIT_NOFILE, "RLIMIT_NOFILE resolved");
	ok(p->no_new_privileges, "noNewPrivileges");
	ok(cfg->has_root && cfg->root.readonly, "root is read-only");
	is_int(cfg->n_mounts, 7, "seven mounts");
	ok(cfg->mounts[0].options.n == 0 && cfg->mounts[0].options.v == NULL, "/proc: no options");
	is_int(cfg->linux_->n_namespaces, 6, "six namespaces");
	ok(cfg->linux_->namespaces[5].type == RL_NS_CGROUP && !cfg->linux_->namespaces[5].path,
	   "a new cgroup namespace");
	ok(!cfg->linux_->resources && !cfg->linux_->seccomp, "no resources, no seccomp");

	text = roundtrip(cfg, "default");
	json_same(text, default_expected, "default");
	ok(text && strstr(text, "{\n  \"ociVersion\": \"" RL_OCI_VERSION_DEFAULT "\",\n  \"process\": {\n"
				"    \"terminal\": false,\n"),
	   "indented by two spaces, ociVersion first");
	free(text);
	rl_config_free(cfg);
}

static bool has_option(const struct rl_mount *m, const char *prefix)
{
	for (size_t i = 0; i < m->options.n; i++)
		if (strncmp(m->options.v[i], prefix, strlen(prefix)) == 0)
			return true;
	return false;
}

/* runc's rootless default: user namespace with the caller's ids as 0, no
 * network namespace, /sys bound, no uid=/gid= options. */
static void test_default_rootless(void)
{
	struct rl_config *cfg = rl_config_default_rootless(1234, 5678);
	const struct rl_linux *l = cfg ? cfg->linux_ : NULL;
	bool net = false, user = false, ids = false;
	char *text;

	if (!ok(cfg && l, "rootless default made"))
		return;
	for (size_t i = 0; i < l->n_namespaces; i++) {
		net |= l->namespaces[i].type == RL_NS_NETWORK;
		user |= l->namespaces[i].type == RL_NS_USER && !l->namespaces[i].path;
	}
	ok(user && !net, "a new user namespace, no network namespace");
	is_int(l->n_namespaces, 6, "six namespaces");
	ok(l->n_uid_mappings == 1 && l->uid_mappings[0].container_id == 0 &&
	       l->uid_mappings[0].host_id == 1234 && l->uid_mappings[0].size == 1,
	   "uid 1234 is 0 inside, one id");
	ok(l->n_gid_mappings == 1 && l->gid_mappings[0].container_id == 0 &&
	       l->gid_mappings[0].host_id == 5678 && l->gid_mappings[0].size == 1,
	   "gid 5678 is 0 inside, one id");
	is_int(cfg->n_mounts, 7, "seven mounts");
	is_str(cfg->mounts[5].destination, "/sys", "mounts[5] is /sys");
	is_str(cfg->mounts[5].source, "/sys", "... bound from the host's /sys");
	ok(cfg->mounts[5].options.n == 5 && strcmp(cfg->mounts[5].options.v[0], "rbind") == 0 &&
	       strcmp(cfg->mounts[5].options.v[4], "ro") == 0,
	   "... rbind, nosuid, noexec, nodev, ro");
	for (size_t i = 0; i < cfg->n_mounts; i++)
		ids |= has_option(&cfg->mounts[i], "uid=") || has_option(&cfg->mounts[i], "gid=");
	ok(!ids, "no uid= or gid= option (devpts' gid=5 is not mapped)");
	ok(!l->resources, "no resources");
	text = roundtrip(cfg, "rootless default");
	ok(text && strstr(text, "\"hostID\": 1234") && strstr(text, "\"type\": \"user\""),
	   "the JSON has the user namespace and the mapping");
	free(text);
	rl_config_free(cfg);
}

/* The order of the top-level keys in the output. */
static void test_key_order(const char *text)
{
	static const char *want[] = {"ociVersion", "process",	  "root",
				     "hostname",   "domainname",  "mounts",
				     "hooks",	   "annotations", "linux"};
	char ebuf[128];
	yajl_val v = text ? yajl_tree_parse(text, ebuf, sizeof(ebuf)) : NULL;
	int good = v && YAJL_IS_OBJECT(v) && v->u.object.len == 9;

	for (size_t i = 0; good && i < 9; i++)
		good = strcmp(v->u.object.keys[i], want[i]) == 0;
	ok(good, "top-level keys in the spec's order");
	yajl_tree_free(v);
}

static void test_rich(void)
{
	struct rl_config *cfg = NULL;
	struct rl_error err = {0};
	char *text;

	if (!ok(rl_config_parse(rich, strlen(rich), "rich.json", &cfg, &err) == 0,
		"rich config parses: %s", err.msg))
		return;
	text = roundtrip(cfg, "rich");
	json_same(text, rich, "rich: every field written back");
	test_key_order(text);
	ok(text && strstr(text, "\"hard\": 18446744073709551615"), "u64 max written exactly");
	ok(text && strstr(text, "echo \\\"h\xc3\xa9\\\" \\\\ there\\n\\t/x"),
	   "strings escaped, UTF-8 kept, no escaped solidus");
	free(text);
	rl_config_free(cfg);
}

static void test_minimal(void)
{
	static const char in[] = "{\"ociVersion\": \"1.0.0\", \"root\": {\"path\": \"r\"}, "
				 "\"hooks\": {}, \"annotations\": {}, \"mounts\": []}";
	static const char want[] = "{\n"
				   "  \"ociVersion\": \"1.0.0\",\n"
				   "  \"root\": {\n"
				   "    \"path\": \"r\",\n"
				   "    \"readonly\": false\n"
				   "  }\n"
				   "}\n";
	struct rl_config *cfg = NULL;
	struct rl_error err = {0};
	char *text;

	if (!ok(rl_config_parse(in, strlen(in), "min.json", &cfg, &err) == 0,
		"minimal config parses: %s", err.msg))
		return;
	text = roundtrip(cfg, "minimal");
	is_str(text, want, "only what is set is written");
	free(text);
	rl_config_free(cfg);
}

int main(void)
{
	test_default();
	test_default_rootless();
	test_rich();
	test_minimal();
	return done_testing();
}
