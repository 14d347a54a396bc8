/* Unit tests of runtime/cgroup_apply.c: a plan and device rules written
 * to scratch directories (the fallbacks by file name; the errors, which
 * name the config field and, for a file the kernel lacks, why), and, as
 * root, the v1 memory and devices controllers of this host. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/unit/resources.h"
#include "tap.h"

static void test_missing_reasons(void)
{
	static const char *const cases[][2] = {
	    {"blkio.weight", "this kernel has no blkio weight file (no BFQ on any device)"},
	    {"blkio.weight_device",
	     "this kernel has no blkio weight_device file (no BFQ on any device)"},
	    {"blkio.leaf_weight", "this kernel has no blkio.leaf_weight file (CFQ's, gone since "
				  "Linux 5.0; BFQ has none)"},
	    {"blkio.leaf_weight_device", "this kernel has no blkio.leaf_weight_device file (CFQ's, "
					 "gone since Linux 5.0; BFQ has none)"},
	    {"blkio.throttle.read_bps_device", "this kernel has no blkio.throttle.read_bps_device "
					       "file (built without CONFIG_BLK_DEV_THROTTLING)"},
	    {"io.bfq.weight", "this kernel has no io weight file (no BFQ on any device, and no "
			      "io.weight: built without CONFIG_BLK_CGROUP_IOCOST)"},
	    {"io.max", "this kernel has no io.max file (built without CONFIG_BLK_DEV_THROTTLING)"},
	    {"memory.memsw.limit_in_bytes", "this kernel has no memory.memsw.limit_in_bytes file "
					    "(swap accounting is off in this kernel)"},
	    {"memory.swap.max",
	     "this kernel has no memory.swap.max file (swap accounting is off in this kernel)"},
	    {"cpu.rt_runtime_us",
	     "this kernel has no cpu.rt_runtime_us file (built without CONFIG_RT_GROUP_SCHED)"},
	    {"cpu.rt_period_us",
	     "this kernel has no cpu.rt_period_us file (built without CONFIG_RT_GROUP_SCHED)"},
	    {"cpu.cfs_quota_us",
	     "this kernel has no cpu.cfs_quota_us file (built without CONFIG_CFS_BANDWIDTH)"},
	    {"cpu.cfs_burst_us", "this kernel has no cpu.cfs_burst_us file (Linux 5.14 or later "
				 "with CONFIG_CFS_BANDWIDTH)"},
	    {"cpu.max", "this kernel has no cpu.max file (built without CONFIG_CFS_BANDWIDTH)"},
	    {"cpu.max.burst", "this kernel has no cpu.max.burst file (Linux 5.14 or later with "
			      "CONFIG_CFS_BANDWIDTH)"},
	    {"cpu.idle", "this kernel has no cpu.idle file (Linux 5.15 or later)"},
	    {"cpu.weight",
	     "this kernel has no cpu.weight file (built without CONFIG_FAIR_GROUP_SCHED)"},
	    {"hugetlb.1GB.limit_in_bytes",
	     "this kernel has no hugetlb.1GB.limit_in_bytes file (no 1GB huge pages on this "
	     "machine: /sys/kernel/mm/hugepages)"},
	    {"hugetlb.64KB.max", "this kernel has no hugetlb.64KB.max file (no 64KB huge pages on "
				 "this machine: /sys/kernel/mm/hugepages)"},
	    {"memory.kmem.tcp.limit_in_bytes",
	     "this kernel has no memory.kmem.tcp.limit_in_bytes file"},
	    {"pids.max", "this kernel has no pids.max file"},
	};
	char buf[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		is_str(rl_cg_missing_reason(cases[i][0], buf, sizeof(buf)), cases[i][1],
		       "missing %s: why", cases[i][0]);
	ok(rl_cg_missing_reason("blkio.weight", buf, 8) == buf && strlen(buf) == 7,
	   "a short buffer is cut, not overrun");
}

/* ---- applying, on scratch directories ------------------------------------------- */

static char scratch[64];

static void touch(const char *dir, const char *file)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) >= 0)
		close(fd);
}

static void write_file_text(const char *dir, const char *file, const char *text)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror(p);
		close(fd);
	}
}

static const char *slurp(const char *dir, const char *file)
{
	static char buf[512];
	char p[256];
	ssize_t n = -1;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	if ((fd = open(p, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	buf[n < 0 ? 0 : n] = '\0';
	return n < 0 ? NULL : buf;
}

/* A container cgroup of one directory, scratch + "/c", holding ctrls. */
static struct rl_cgroup scratch_cg(struct rl_cg_dir *d, bool v2, unsigned ctrls, char *dir)
{
	*d = (struct rl_cg_dir){.mount = scratch, .v2 = v2, .ctrls = ctrls, .path = "/c"};
	snprintf(dir, 128, "%s/c", scratch);
	return (struct rl_cgroup){.d = d, .n = 1};
}

static int apply(const struct rl_cgroup *cg, const char *snippet, const int *where,
		 struct rl_error *e)
{
	struct rl_resources *r = parse_res(snippet);
	struct rl_cg_plan p = {0};
	int rc = -1;

	*e = (struct rl_error){0};
	if (r && rl_cg_plan_make(r, where, &p, e) == 0)
		rc = rl_cg_plan_apply(cg, &p, e);
	rl_cg_plan_free(&p);
	rl_resources_free(r);
	return rc;
}

static void test_apply_v1(void)
{
	const unsigned all = RL_CG_BIT(RL_CG_MEMORY) | RL_CG_BIT(RL_CG_PIDS) |
			     RL_CG_BIT(RL_CG_BLKIO) | RL_CG_BIT(RL_CG_HUGETLB);
	struct rl_error e = {0};
	struct rl_cg_dir d;
	char dir[128], text[512];
	struct rl_cgroup cg = scratch_cg(&d, false, all, dir);

	mkdir(dir, 0755);
	touch(dir, "memory.limit_in_bytes");
	touch(dir, "memory.memsw.limit_in_bytes");
	touch(dir, "pids.max");
	touch(dir, "blkio.bfq.weight");
	touch(dir, "hugetlb.2MB.limit_in_bytes");
	ok(apply(
	       &cg,
	       "{'memory': {'limit': 4096, 'swap': 8192}, 'pids': {'limit': 42},"
	       " 'blockIO': {'weight': 300}, 'hugepageLimits': [{'pageSize': '2MB', 'limit': 7}]}",
	       V1, &e) == 0,
	   "apply a v1 plan: %s", e.msg);
	is_str(slurp(dir, "memory.limit_in_bytes"), "4096", "memory.limit_in_bytes written");
	is_str(slurp(dir, "memory.memsw.limit_in_bytes"), "8192", "memsw written");
	is_str(slurp(dir, "pids.max"), "42", "pids.max written");
	is_str(slurp(dir, "blkio.bfq.weight"), "300", "no blkio.weight: blkio.bfq.weight");
	is_str(slurp(dir, "hugetlb.2MB.limit_in_bytes"), "7", "hugetlb limit written");
	ok(!slurp(dir, "hugetlb.2MB.rsvd.limit_in_bytes"), "a missing .rsvd file is skipped");
	touch(dir, "hugetlb.2MB.rsvd.limit_in_bytes");
	ok(apply(&cg, "{'hugepageLimits': [{'pageSize': '2MB', 'limit': 9}]}", V1, &e) == 0,
	   "apply again");
	is_str(slurp(dir, "hugetlb.2MB.rsvd.limit_in_bytes"), "9", "... a present one written");

	unlink(strcat(strcpy(text, dir), "/blkio.bfq.weight"));
	ok(apply(&cg, "{'blockIO': {'weight': 500}}", V1, &e) < 0, "neither weight file: fails");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.blockIO.weight: this kernel has no blkio weight file (no BFQ on "
	       "any device)",
	       "... naming the field and why, not ENOENT");
	is_int(e.errnum, 0, "... a missing feature, no errno");
	ok(apply(&cg, "{'blockIO': {'weightDevice': [{'major': 8, 'minor': 0, 'weight': 20}]}}", V1,
		 &e) < 0,
	   "neither weight_device file: fails");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.blockIO.weightDevice[0].weight: this kernel has no blkio "
	       "weight_device file (no BFQ on any device)",
	       "... naming the device entry");
	ok(apply(&cg, "{'blockIO': {'leafWeight': 500}}", V1, &e) < 0, "no leaf_weight: fails");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.blockIO.leafWeight: this kernel has no blkio.leaf_weight file "
	       "(CFQ's, gone since Linux 5.0; BFQ has none)",
	       "... CFQ's");
	ok(apply(&cg,
		 "{'blockIO': {'throttleWriteBpsDevice': [{'major': 8, 'minor': 0, 'rate': 1}]}}",
		 V1, &e) < 0,
	   "no throttle files: fails");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.blockIO.throttleWriteBpsDevice[0]: this kernel has no "
	       "blkio.throttle.write_bps_device file (built without CONFIG_BLK_DEV_THROTTLING)",
	       "... the throttle entry");
	ok(apply(&cg, "{'hugepageLimits': [{'pageSize': '1GB', 'limit': 0}]}", V1, &e) < 0,
	   "a huge page size without its file: fails");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.hugepageLimits[0]: this kernel has no hugetlb.1GB.limit_in_bytes "
	       "file (no 1GB huge pages on this machine: /sys/kernel/mm/hugepages)",
	       "... the page size");
	unlink(strcat(strcpy(text, dir), "/memory.memsw.limit_in_bytes"));
	ok(apply(&cg, "{'memory': {'limit': 4096, 'swap': 8192}}", V1, &e) < 0,
	   "no swap accounting: fails");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.memory.swap: this kernel has no memory.memsw.limit_in_bytes file "
	       "(swap accounting is off in this kernel)",
	       "... the swap field");
	touch(dir, "memory.memsw.limit_in_bytes");
	unlink(strcat(strcpy(text, dir), "/pids.max"));
	mkdir(text, 0755); /* a directory: open for writing fails with EISDIR */
	ok(apply(&cg, "{'pids': {'limit': 42}}", V1, &e) < 0, "a write the kernel refuses: fails");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.pids.limit: cgroup pids.max: write \"42\": Is a directory",
	       "... the field, the file, the value and the errno");
	rmdir(strcat(strcpy(text, dir), "/pids.max"));
	touch(dir, "pids.max");
	touch(dir, "blkio.bfq.weight_device");
	ok(apply(&cg, "{'blockIO': {'weightDevice': [{'major': 8, 'minor': 0, 'weight': 20}]}}", V1,
		 &e) == 0,
	   "weight_device falls back too: %s", e.msg);
	is_str(slurp(dir, "blkio.bfq.weight_device"), "8:0 20", "... to blkio.bfq.weight_device");
	ok(apply(&cg, "{'cpu': {'shares': 5}}", V1, &e) < 0, "a controller the cgroup lacks");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.cpu.shares: cgroup cpu.shares: write \"5\": the container has no "
	       "cpu cgroup",
	       "... message");
}

static void test_apply_v2(void)
{
	const unsigned all =
	    RL_CG_BIT(RL_CG_BLKIO) | RL_CG_BIT(RL_CG_MEMORY) | RL_CG_BIT(RL_CG_CORE);
	const char *const w[][2] = {{"10", "1"},     {"5", "1"},	{"100", "910"},
				    {"500", "4950"}, {"1000", "10000"}, {"65535", "10000"}};
	struct rl_error e = {0};
	struct rl_cg_dir d;
	char dir[128], json[128], want[32], text[512];
	struct rl_cgroup cg = scratch_cg(&d, true, all, dir);

	mkdir(dir, 0755);
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		touch(dir, "io.weight");
		snprintf(json, sizeof(json), "{'blockIO': {'weight': %s}}", w[i][0]);
		ok(apply(&cg, json, V2, &e) == 0, "weight %s without BFQ: %s", w[i][0], e.msg);
		is_str(slurp(dir, "io.weight"), w[i][1], "... io.weight %s", w[i][1]);
	}
	touch(dir, "io.weight");
	ok(apply(&cg, "{'blockIO': {'weightDevice': [{'major': 8, 'minor': 16, 'weight': 500}]}}",
		 V2, &e) == 0,
	   "a device weight without BFQ: %s", e.msg);
	snprintf(want, sizeof(want), "8:16 4950");
	is_str(slurp(dir, "io.weight"), want, "... io.weight MAJ:MIN converted");
	touch(dir, "io.bfq.weight");
	ok(apply(&cg, "{'blockIO': {'weight': 500}}", V2, &e) == 0, "with BFQ");
	is_str(slurp(dir, "io.bfq.weight"), "500", "... io.bfq.weight takes the v1 scale");
	touch(dir, "cgroup.max.depth");
	ok(apply(&cg, "{'unified': {'cgroup.max.depth': '3'}}", V2, &e) == 0, "unified cgroup.*");
	is_str(slurp(dir, "cgroup.max.depth"), "3", "... written to the v2 directory");

	touch(dir, "memory.max");
	write_file_text(dir, "memory.current", "8192\n");
	ok(apply(&cg, "{'memory': {'limit': 4096, 'checkBeforeUpdate': true}}", V2, &e) < 0,
	   "checkBeforeUpdate: a limit below the usage is refused");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.memory.checkBeforeUpdate: the new memory.limit 4096 is below the "
	       "current usage 8192: Device or resource busy",
	       "... naming the field");
	is_str(slurp(dir, "memory.max"), "", "... memory.max untouched");
	ok(apply(&cg, "{'memory': {'limit': 16384, 'checkBeforeUpdate': true}}", V2, &e) == 0,
	   "... one above it is written: %s", e.msg);
	is_str(slurp(dir, "memory.max"), "16384", "... memory.max");
	ok(apply(&cg, "{'memory': {'limit': 4096}}", V2, &e) == 0,
	   "without checkBeforeUpdate the kernel decides: %s", e.msg);
	unlink(strcat(strcpy(text, dir), "/io.bfq.weight"));
	unlink(strcat(strcpy(text, dir), "/io.weight"));
	ok(apply(&cg, "{'blockIO': {'weight': 500}}", V2, &e) < 0, "neither io weight file: fails");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.blockIO.weight: this kernel has no io weight file (no BFQ on any "
	       "device, and no io.weight: built without CONFIG_BLK_CGROUP_IOCOST)",
	       "... naming the field and why");
	ok(apply(&cg, "{'pids': {'limit': 42}}", V2, &e) < 0, "a controller the directory lacks");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.pids.limit: cgroup pids.max: write \"42\": the container has no "
	       "pids cgroup",
	       "... message");
	touch(dir, "cgroup.controllers"); /* empty: the parent enabled nothing */
	ok(apply(&cg, "{'blockIO': {'weight': 500}}", V2, &e) < 0, "io not enabled: fails");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.blockIO.weight: the io controller is not enabled for this cgroup "
	       "(its parent's cgroup.subtree_control)",
	       "... saying so, not that the kernel lacks the file");
}

/* ---- device rules ---------------------------------------------------------------- */

static void test_devices_v1_scratch(void)
{
	struct rl_device_rule deny_all = {.allow = false, .type = 'a'};
	struct rl_device_rule mknod_any = {.allow = true, .type = 'a', .access = "m"};
	struct rl_device_rule c13 = {.allow = true, .type = 'c', .major = {1, 1}, .minor = {1, 3}};
	struct rl_error e = {0};
	struct rl_cg_dir d;
	char dir[128], text[256];

	scratch_cg(&d, false, RL_CG_BIT(RL_CG_DEVICES), dir);
	mkdir(dir, 0755);
	touch(dir, "devices.allow");
	touch(dir, "devices.deny");
	/* Each file is opened once per call and takes one rule per write, as
	 * the kernel's do; a regular file shows a call's rules one after the
	 * other (and a new call's from the start). */
	ok(rl_cg_devices_v1(&d, &deny_all, 1, &e) == 0, "deny all");
	is_str(slurp(dir, "devices.deny"), "a", "... devices.deny gets \"a\"");
	ok(rl_cg_devices_v1(&d, &c13, 1, &e) == 0, "allow c 1:3");
	is_str(slurp(dir, "devices.allow"), "c 1:3 rwm", "... devices.allow gets it");
	touch(dir, "devices.allow");
	ok(rl_cg_devices_v1(&d, &mknod_any, 1, &e) == 0, "allow a *:* m");
	is_str(slurp(dir, "devices.allow"), "c *:* mb *:* m",
	       "... written as c then b, through one open");
	unlink(strcat(strcpy(text, dir), "/devices.deny"));
	ok(rl_cg_devices_v1(&d, &deny_all, 1, &e) < 0, "no devices.deny: fails");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.devices: cgroup devices.deny: write \"a\": No such file or "
	       "directory",
	       "... message");
}

/* ---- this host's v1 controllers (root) ------------------------------------------- */

static bool v1_dir(const char *ctrl, char *dir, size_t len)
{
	char probe[128];

	snprintf(probe, sizeof(probe), "/sys/fs/cgroup/%s/cgroup.procs", ctrl);
	if (geteuid() != 0 || access(probe, F_OK) != 0)
		return false;
	snprintf(dir, len, "/sys/fs/cgroup/%s/rlite-unit-res-%d", ctrl, (int)getpid());
	return mkdir(dir, 0755) == 0;
}

/* A limit above the current memsw is refused with EINVAL: the applier
 * writes memsw first and retries. */
static void test_kernel_memsw(void)
{
	struct rl_cg_dir d = {.mount = "/sys/fs/cgroup/memory", .ctrls = RL_CG_BIT(RL_CG_MEMORY)};
	struct rl_cgroup cg = {.d = &d, .n = 1};
	struct rl_cg_write lone = {.ctrl = RL_CG_MEMORY,
				   .field = "linux.resources.memory.limit",
				   .file = "memory.limit_in_bytes",
				   .value = "536870912"};
	struct rl_cg_plan p = {.w = &lone, .n = 1};
	struct rl_error e = {0};
	char dir[128], path[64], text[256];

	if (!v1_dir("memory", dir, sizeof(dir))) {
		ok(1, "# SKIP needs root and a v1 memory controller");
		return;
	}
	if (access(strcat(strcpy(text, dir), "/memory.memsw.limit_in_bytes"), F_OK) != 0) {
		ok(1, "# SKIP the kernel has no swap accounting");
		rmdir(dir);
		return;
	}
	snprintf(path, sizeof(path), "/rlite-unit-res-%d", (int)getpid());
	d.path = path;
	ok(apply(&cg, "{'memory': {'limit': 67108864, 'swap': 67108864}}", V1, &e) == 0,
	   "64M / 64M: %s", e.msg);
	ok(apply(&cg, "{'memory': {'limit': 134217728, 'swap': 268435456}}", V1, &e) == 0,
	   "raise to 128M / 256M: the limit is refused first, memsw goes before: %s", e.msg);
	is_str(slurp(dir, "memory.limit_in_bytes"), "134217728\n", "... limit 128M");
	is_str(slurp(dir, "memory.memsw.limit_in_bytes"), "268435456\n", "... memsw 256M");
	ok(rl_cg_plan_apply(&cg, &p, &e) < 0, "without the swap flag the kernel refuses");
	is_str(rl_error_text(&e, text, sizeof(text)),
	       "linux.resources.memory.limit: cgroup memory.limit_in_bytes: write \"536870912\": "
	       "Invalid argument",
	       "... with the field, the file and the value named");
	ok(apply(&cg, "{'memory': {'limit': 33554432, 'swap': 33554432}}", V1, &e) == 0,
	   "lower both to 32M: %s", e.msg);
	is_str(slurp(dir, "memory.memsw.limit_in_bytes"), "33554432\n", "... memsw 32M");
	ok(rmdir(dir) == 0, "scratch memory cgroup removed");
}

/* rl_cg_apply with a config: the kernel's devices.list shows the result. */
static void test_kernel_devices(void)
{
	struct rl_device_rule rules[] = {
	    {.allow = false, .type = 'a', .access = "rwm"},
	    {.allow = true, .type = 'c', .major = {1, 10}, .minor = {1, 200}, .access = "rw"},
	    {.allow = true, .type = 'a', .access = "m"}};
	struct rl_device devs[] = {{.path = "/dev/fuse", .type = 'c', .major = 10, .minor = 229}};
	struct rl_resources res = {.devices = rules, .n_devices = 3};
	struct rl_linux lx = {.resources = &res, .devices = devs, .n_devices = 1};
	struct rl_config cfg = {.linux_ = &lx};
	struct rl_cg_dir d = {.mount = "/sys/fs/cgroup/devices", .ctrls = RL_CG_BIT(RL_CG_DEVICES)};
	struct rl_cgroup cg = {.d = &d, .n = 1};
	struct rl_error e = {0};
	char dir[128], path[64];

	if (!v1_dir("devices", dir, sizeof(dir))) {
		ok(1, "# SKIP needs root and a v1 devices controller");
		return;
	}
	snprintf(path, sizeof(path), "/rlite-unit-res-%d", (int)getpid());
	d.path = path;
	ok(rl_cg_apply(&cg, &res, &cfg, &e) == 0, "rl_cg_apply with device rules: %s", e.msg);
	is_str(slurp(dir, "devices.list"),
	       "c 10:200 rw\nc *:* m\nb *:* m\nc 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\nc 1:8 rwm\n"
	       "c 1:9 rwm\nc 5:0 rwm\nc 5:1 rwm\nc 5:2 rwm\nc 136:* rwm\nc 10:229 rwm\n",
	       "devices.list: the rules, defaults and linux.devices");
	ok(rmdir(dir) == 0, "scratch devices cgroup removed");
}

int main(void)
{
	char tmpl[] = "/tmp/rl-cgapply-XXXXXX", cmd[96];

	test_missing_reasons();
	if (ok(mkdtemp(tmpl) != NULL, "scratch directory")) {
		snprintf(scratch, sizeof(scratch), "%s", tmpl);
		test_apply_v1();
		test_apply_v2();
		test_devices_v1_scratch();
		snprintf(cmd, sizeof(cmd), "rm -rf %s", scratch);
		if (system(cmd) != 0)
			printf("# could not remove %s\n", scratch);
	}
	test_kernel_memsw();
	test_kernel_devices();
	return done_testing();
}
