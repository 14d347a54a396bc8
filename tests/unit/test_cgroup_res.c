/* Unit tests of runtime/cgroup_res.c: where each controller is, the plan
 * of file writes for every linux.resources field on v1 and on v2 (files,
 * values, order, swap flags, the config field of each, warnings, exact
 * errors), and the device rules a container gets.  Writing a plan:
 * test_cgroup_apply.c. */
#include "tests/unit/resources.h"
#include "tap.h"

/* The controller a file name says it belongs to ("cgroup.*": the v2 dir). */
static int ctrl_of(const char *file)
{
	char prefix[32];
	size_t n = strcspn(file, ".");

	snprintf(prefix, sizeof(prefix), "%.*s", (int)n, file);
	return strcmp(prefix, "cgroup") == 0 ? RL_CG_CORE : rl_cg_ctrl_from_name(prefix);
}

/* The plan as text, one "file=value" line per write (" (swap)" when
 * swap_with_next, " @ctrl" when the write goes to another controller than
 * its name says, " (check)" when check_usage); or "error: ...". */
static const char *planned(const char *snippet, const int *where)
{
	static char out[8192];
	struct rl_resources *r = parse_res(snippet);
	struct rl_cg_plan p = {0};
	struct rl_error e = {0};
	size_t len = 0;

	out[0] = '\0';
	if (!r)
		return "bad snippet";
	if (rl_cg_plan_make(r, where, &p, &e) < 0) {
		snprintf(out, sizeof(out), "error: %s", e.msg);
		if (p.n || p.w)
			snprintf(out, sizeof(out), "error left a plan behind");
	}
	for (size_t i = 0; i < p.n; i++)
		len += (size_t)snprintf(
		    out + len, sizeof(out) - len, "%s=%s%s%s%s%s\n", p.w[i].file, p.w[i].value,
		    p.w[i].swap_with_next ? " (swap)" : "", p.w[i].check_usage ? " (check)" : "",
		    ctrl_of(p.w[i].file) == (int)p.w[i].ctrl ? "" : " @",
		    ctrl_of(p.w[i].file) == (int)p.w[i].ctrl ? ""
							     : rl_cg_ctrl_name(p.w[i].ctrl, false));
	rl_cg_plan_free(&p);
	rl_resources_free(r);
	return out;
}

/* The config field of each write of the plan, one "file <- field" line
 * each (without the "linux.resources." every one starts with). */
static const char *fields(const char *snippet, const int *where)
{
	static char out[4096];
	struct rl_resources *r = parse_res(snippet);
	struct rl_cg_plan p = {0};
	struct rl_error e = {0};
	size_t len = 0;

	out[0] = '\0';
	if (!r || rl_cg_plan_make(r, where, &p, &e) < 0)
		snprintf(out, sizeof(out), "error: %s", r ? e.msg : "bad snippet");
	for (size_t i = 0; i < p.n; i++) {
		const char *f = p.w[i].field ? p.w[i].field : "(none)";

		if (strncmp(f, "linux.resources.", 16) == 0)
			f += 16;
		else
			f = "(not below linux.resources)";
		len += (size_t)snprintf(out + len, sizeof(out) - len, "%s <- %s\n", p.w[i].file, f);
	}
	rl_cg_plan_free(&p);
	rl_resources_free(r);
	return out;
}

/* ---- where ---------------------------------------------------------------- */

static void test_where(void)
{
	struct rl_cg_hier h[] = {
	    {.mount = "/sys/fs/cgroup/memory", .ctrls = RL_CG_BIT(RL_CG_MEMORY)},
	    {.mount = "/sys/fs/cgroup/cpu",
	     .ctrls = RL_CG_BIT(RL_CG_CPU) | RL_CG_BIT(RL_CG_CPUACCT)},
	    {.mount = "/sys/fs/cgroup/systemd", .name = "systemd"},
	    {.mount = "/sys/fs/cgroup/unified",
	     .v2 = true,
	     .ctrls = RL_CG_BIT(RL_CG_HUGETLB) | RL_CG_BIT(RL_CG_MEMORY) | RL_CG_BIT(RL_CG_CORE)},
	};
	struct rl_cg_layout l = {.h = h, .n = 4, .mode = RL_CG_HYBRID};
	struct rl_cg_dir d[] = {
	    {.mount = "/m", .path = "/c", .v2 = true, .ctrls = RL_CG_BIT(RL_CG_PIDS)},
	    {.mount = "/p", .path = "/c", .ctrls = RL_CG_BIT(RL_CG_PIDS)},
	};
	struct rl_cgroup cg = {.d = d, .n = 2};
	int w[RL_CG__COUNT];

	rl_cg_where(&l, w);
	ok(w[RL_CG_MEMORY] == 1, "memory on v1 and v2: v1 wins");
	ok(w[RL_CG_CPU] == 1 && w[RL_CG_CPUACCT] == 1, "cpu,cpuacct on v1");
	ok(w[RL_CG_HUGETLB] == 2, "hugetlb on v2");
	ok(w[RL_CG_CORE] == 2, "a v2 hierarchy: core is 2");
	ok(w[RL_CG_PIDS] == 0 && w[RL_CG_DEVICES] == 0, "the others absent");
	l.n = 3;
	rl_cg_where(&l, w);
	ok(w[RL_CG_CORE] == 0 && w[RL_CG_HUGETLB] == 0, "no v2 hierarchy: core 0");
	rl_cg_where(NULL, w);
	ok(memcmp(w, NONE, sizeof(w)) == 0, "no layout: nothing");

	rl_cg_where_dirs(&cg, w);
	ok(w[RL_CG_PIDS] == 1 && w[RL_CG_CORE] == 2, "dirs: pids v1 wins over v2, core 2");
	cg.n = 1;
	rl_cg_where_dirs(&cg, w);
	ok(w[RL_CG_PIDS] == 2 && w[RL_CG_MEMORY] == 0, "dirs: pids on v2 only");
}

/* ---- memory --------------------------------------------------------------- */

static void test_memory(void)
{
	is_str(planned("{'memory': {'limit': 4096, 'reservation': 1024, 'swap': 8192,"
		       " 'swappiness': 60, 'kernelTCP': 2048, 'disableOOMKiller': true,"
		       " 'useHierarchy': true, 'kernel': -1}}",
		       V1),
	       "memory.limit_in_bytes=4096 (swap)\n"
	       "memory.memsw.limit_in_bytes=8192\n"
	       "memory.soft_limit_in_bytes=1024\n"
	       "memory.swappiness=60\n"
	       "memory.kmem.tcp.limit_in_bytes=2048\n"
	       "memory.oom_control=1\n"
	       "memory.use_hierarchy=1\n",
	       "v1 memory: every field, limit before memsw with the swap flag; kernel -1 is "
	       "nothing to do");
	is_str(planned("{'memory': {'limit': 4096, 'kernel': 100}}", V1),
	       "error: linux.resources.memory.kernel: kernel memory limits are obsolete, Linux no "
	       "longer enforces them",
	       "memory.kernel: a limit is refused");
	is_str(planned("{'memory': {'kernel': 100}}", V2),
	       "error: linux.resources.memory.kernel: kernel memory limits are obsolete, Linux no "
	       "longer enforces them",
	       "memory.kernel: on v2 as well");
	/* What dockerd's `docker update --cpus 1` passes for the memory it
	 * leaves alone. */
	is_str(planned("{'memory': {'limit': 0, 'reservation': 0, 'swap': 0, 'kernel': 0,"
		       " 'kernelTCP': 0}, 'cpu': {'shares': 0, 'quota': 100000, 'period': 100000},"
		       " 'blockIO': {'weight': 0}}",
		       V1),
	       "cpu.cfs_period_us=100000 (swap)\ncpu.cfs_quota_us=100000\n",
	       "v1: memory sizes of 0 are not set, as runc reads them (docker update)");
	is_str(
	    planned("{'memory': {'limit': 0, 'reservation': 0, 'kernel': 0, 'kernelTCP': 0}}", V2),
	    "", "v2: memory sizes of 0 are not set, kernel and kernelTCP too");
	is_str(planned("{'memory': {'limit': 4096, 'checkBeforeUpdate': true}}", V1),
	       "memory.limit_in_bytes=4096\n", "v1: checkBeforeUpdate is the kernel's own rule");
	is_str(planned("{'memory': {'limit': -1, 'swap': -1, 'reservation': -1, 'kernelTCP': -1,"
		       " 'disableOOMKiller': false, 'useHierarchy': false}}",
		       V1),
	       "memory.limit_in_bytes=-1 (swap)\n"
	       "memory.memsw.limit_in_bytes=-1\n"
	       "memory.soft_limit_in_bytes=-1\n"
	       "memory.kmem.tcp.limit_in_bytes=-1\n"
	       "memory.oom_control=0\n"
	       "memory.use_hierarchy=0\n",
	       "v1: -1 is written as -1");
	is_str(planned("{'memory': {'limit': 4096}}", V1), "memory.limit_in_bytes=4096\n",
	       "v1: limit alone has no swap flag");
	is_str(planned("{'memory': {'swap': 8192}}", V1), "memory.memsw.limit_in_bytes=8192\n",
	       "v1: swap alone");
	is_str(planned("{'memory': {'limit': 0, 'swap': 8192}}", V1),
	       "memory.memsw.limit_in_bytes=8192\n",
	       "v1: a limit of 0 is no limit (runc's reading)");

	is_str(planned("{'memory': {'limit': 4096, 'reservation': 1024, 'swap': 8192,"
		       " 'useHierarchy': true}}",
		       V2),
	       "memory.max=4096\nmemory.low=1024\nmemory.swap.max=4096\n",
	       "v2: max, low, swap.max = swap - limit; useHierarchy true is a no-op");
	is_str(planned("{'memory': {'limit': -1, 'swap': -1, 'reservation': -1}}", V2),
	       "memory.max=max\nmemory.low=max\nmemory.swap.max=max\n", "v2: -1 is max");
	is_str(planned("{'memory': {'limit': 4096, 'swap': 4096}}", V2),
	       "memory.max=4096\nmemory.swap.max=0\n", "v2: swap == limit: no swap");
	is_str(planned("{'memory': {'swap': -1}}", V2), "memory.swap.max=max\n",
	       "v2: swap -1 needs no limit");
	is_str(planned("{'memory': {'swap': 8192}}", V2),
	       "error: linux.resources.memory.swap: needs a memory.limit on cgroup v2 "
	       "(memory.swap.max is swap - limit)",
	       "v2: swap without a limit");
	is_str(planned("{'memory': {'limit': -1, 'swap': 8192}}", V2),
	       "error: linux.resources.memory.swap: needs a memory.limit on cgroup v2 "
	       "(memory.swap.max is swap - limit)",
	       "v2: swap with an unlimited limit");
	is_str(planned("{'memory': {'limit': 8192, 'swap': 4096}}", V2),
	       "error: linux.resources.memory.swap: must be at least memory.limit "
	       "(it is memory + swap)",
	       "v2: swap below the limit");
	is_str(planned("{'memory': {'swappiness': 10}}", V2),
	       "error: linux.resources.memory.swappiness: not supported on cgroup v2",
	       "v2: swappiness refused");
	is_str(planned("{'memory': {'kernelTCP': 1}}", V2),
	       "error: linux.resources.memory.kernelTCP: not supported on cgroup v2",
	       "v2: kernelTCP refused");
	is_str(planned("{'memory': {'disableOOMKiller': true}}", V2),
	       "error: linux.resources.memory.disableOOMKiller: not supported on cgroup v2",
	       "v2: disableOOMKiller true refused");
	is_str(planned("{'memory': {'useHierarchy': false}}", V2),
	       "error: linux.resources.memory.useHierarchy: false is not supported on cgroup v2 "
	       "(always hierarchical)",
	       "v2: useHierarchy false refused");
	is_str(planned("{'memory': {'kernelTCP': -1, 'kernel': -1, 'useHierarchy': true}}", V2), "",
	       "v2: what v2 does anyway is quiet");
	is_str(planned("{'memory': {'limit': 4096, 'checkBeforeUpdate': true}}", V2),
	       "memory.max=4096 (check)\n", "v2: checkBeforeUpdate marks memory.max");
	is_str(planned("{'memory': {'limit': -1, 'checkBeforeUpdate': true}}", V2),
	       "memory.max=max\n", "v2: no limit, nothing to check");
	is_str(planned("{'memory': {'limit': 4096, 'checkBeforeUpdate': false}}", V2),
	       "memory.max=4096\n", "v2: checkBeforeUpdate false");
	is_str(planned("{'memory': {'disableOOMKiller': false}}", V2), "",
	       "v2: disableOOMKiller false is quiet");
}

/* ---- cpu -------------------------------------------------------------------- */

static void test_cpu(void)
{
	is_str(planned("{'cpu': {'shares': 1024, 'quota': 50000, 'period': 100000, 'burst': 1000,"
		       " 'realtimeRuntime': 950000, 'realtimePeriod': 1000000, 'cpus': '0-1',"
		       " 'mems': '0', 'idle': 1}}",
		       V1),
	       "cpu.shares=1024\n"
	       "cpu.cfs_period_us=100000 (swap)\n"
	       "cpu.cfs_quota_us=50000 (swap)\n"
	       "cpu.cfs_burst_us=1000\n"
	       "cpu.rt_period_us=1000000 (swap)\n"
	       "cpu.rt_runtime_us=950000\n"
	       "cpuset.cpus=0-1\n"
	       "cpuset.mems=0\n"
	       "cpu.idle=1\n",
	       "v1 cpu: every field, in order, with swap flags");
	is_str(planned("{'cpu': {'period': 100000, 'realtimePeriod': 1000000, 'quota': -1}}", V1),
	       "cpu.cfs_period_us=100000 (swap)\ncpu.cfs_quota_us=-1\ncpu.rt_period_us=1000000\n",
	       "v1: no swap flag without the write that follows");
	is_str(
	    planned("{'cpu': {'shares': 0, 'quota': 0, 'period': 0, 'cpus': '', 'mems': ''}}", V1),
	    "", "v1: zero shares/quota/period and empty cpus/mems are not set (runc)");

	is_str(planned("{'cpu': {'shares': 1024, 'quota': 50000, 'period': 200000, 'burst': 1000,"
		       " 'cpus': '0-1', 'mems': '0', 'idle': 0}}",
		       V2),
	       "cpu.weight=39\n"
	       "cpu.max=50000 200000 (swap)\n"
	       "cpu.max.burst=1000\n"
	       "cpuset.cpus=0-1\n"
	       "cpuset.mems=0\n"
	       "cpu.idle=0\n",
	       "v2 cpu: weight, max (swap before burst), cpuset, idle");
	is_str(planned("{'cpu': {'quota': 50000}}", V2), "cpu.max=50000 100000\n",
	       "v2: quota alone gets the default period");
	is_str(planned("{'cpu': {'quota': -1, 'period': 250000}}", V2), "cpu.max=max 250000\n",
	       "v2: quota -1 is max");
	is_str(planned("{'cpu': {'period': 250000}}", V2), "cpu.max=max 250000\n",
	       "v2: period alone is max PERIOD");
	is_str(planned("{'cpu': {'quota': -1}}", V2), "cpu.max=max 100000\n", "v2: -1 alone");
	is_str(planned("{'cpu': {'shares': 2}}", V2), "cpu.weight=1\n", "weight: shares 2 -> 1");
	is_str(planned("{'cpu': {'shares': 1}}", V2), "cpu.weight=1\n", "weight: 1 clamps to 1");
	is_str(planned("{'cpu': {'shares': 512}}", V2), "cpu.weight=20\n", "weight: 512 -> 20");
	is_str(planned("{'cpu': {'shares': 262144}}", V2), "cpu.weight=10000\n",
	       "weight: 262144 -> 10000");
	is_str(planned("{'cpu': {'shares': 18446744073709551615}}", V2), "cpu.weight=10000\n",
	       "weight: the largest shares clamp to 10000");
	is_str(planned("{'cpu': {'shares': 0}}", V2), "", "weight: shares 0 is no write");
	is_str(planned("{'cpu': {'realtimeRuntime': 950000, 'shares': 2}}", V2),
	       "error: linux.resources.cpu.realtimeRuntime: not supported on cgroup v2",
	       "v2: realtime runtime refused");
	is_str(planned("{'cpu': {'realtimePeriod': 1000000}}", V2),
	       "error: linux.resources.cpu.realtimePeriod: not supported on cgroup v2",
	       "v2: realtime period refused");
	is_str(planned("{'cpu': {'cpus': '1'}}", HYBRID), "cpuset.cpus=1\n",
	       "cpus goes to the cpuset controller");
}

/* ---- pids, blockIO ------------------------------------------------------------ */

static void test_pids_blkio(void)
{
	is_str(planned("{'pids': {'limit': 100}}", V1), "pids.max=100\n", "pids 100");
	is_str(planned("{'pids': {'limit': -1}}", V2), "pids.max=max\n", "pids -1: max");
	is_str(planned("{'pids': {'limit': -5}}", V1), "pids.max=max\n", "pids < 0: max");
	is_str(planned("{'pids': {'limit': 0}}", V1), "pids.max=0\n",
	       "pids 0: a limit of 0 (runtime-spec 1.3)");
	is_str(planned("{'pids': {}}", NONE), "",
	       "pids without a limit: nothing, even unavailable");

	is_str(
	    planned("{'blockIO': {'weight': 500, 'leafWeight': 300,"
		    " 'weightDevice': [{'major': 8, 'minor': 0, 'weight': 600, 'leafWeight': 700},"
		    "  {'major': 8, 'minor': 16, 'leafWeight': 10}],"
		    " 'throttleReadBpsDevice': [{'major': 8, 'minor': 0, 'rate': 1048576}],"
		    " 'throttleWriteBpsDevice': [{'major': 8, 'minor': 0, 'rate': 2}],"
		    " 'throttleReadIOPSDevice': [{'major': 8, 'minor': 0, 'rate': 3}],"
		    " 'throttleWriteIOPSDevice': [{'major': 8, 'minor': 0, 'rate': 4},"
		    "  {'major': 8, 'minor': 16, 'rate': 5}]}}",
		    V1),
	    "blkio.weight=500\n"
	    "blkio.leaf_weight=300\n"
	    "blkio.weight_device=8:0 600\n"
	    "blkio.leaf_weight_device=8:0 700\n"
	    "blkio.leaf_weight_device=8:16 10\n"
	    "blkio.throttle.read_bps_device=8:0 1048576\n"
	    "blkio.throttle.write_bps_device=8:0 2\n"
	    "blkio.throttle.read_iops_device=8:0 3\n"
	    "blkio.throttle.write_iops_device=8:0 4\n"
	    "blkio.throttle.write_iops_device=8:16 5\n",
	    "v1 blkio: every field");
	is_str(planned("{'blockIO': {'weight': 500,"
		       " 'weightDevice': [{'major': 8, 'minor': 0, 'weight': 600}],"
		       " 'throttleReadBpsDevice': [{'major': 8, 'minor': 0, 'rate': 1048576}],"
		       " 'throttleWriteBpsDevice': [{'major': 8, 'minor': 0, 'rate': 2}],"
		       " 'throttleReadIOPSDevice': [{'major': 8, 'minor': 0, 'rate': 3}],"
		       " 'throttleWriteIOPSDevice': [{'major': 8, 'minor': 0, 'rate': 4}]}}",
		       V2),
	       "io.bfq.weight=500\n"
	       "io.bfq.weight=8:0 600\n"
	       "io.max=8:0 rbps=1048576\n"
	       "io.max=8:0 wbps=2\n"
	       "io.max=8:0 riops=3\n"
	       "io.max=8:0 wiops=4\n",
	       "v2 io: bfq weights, io.max lines");
	is_str(planned("{'blockIO': {'leafWeight': 300}}", V2),
	       "error: linux.resources.blockIO.leafWeight: not supported on cgroup v2",
	       "v2: leafWeight refused");
	is_str(planned("{'blockIO': {'weightDevice': [{'major': 8, 'minor': 0, 'weight': 5},"
		       " {'major': 8, 'minor': 16, 'leafWeight': 700}]}}",
		       V2),
	       "error: linux.resources.blockIO.weightDevice[1].leafWeight: not supported on "
	       "cgroup v2",
	       "v2: a device leafWeight refused, by index");
	is_str(planned("{'blockIO': {'weight': 0}}", NONE), "", "blkio weight 0: not set");
}

/* ---- hugetlb, network, rdma, unified -------------------------------------------- */

static void test_hugetlb_network(void)
{
	is_str(planned("{'hugepageLimits': [{'pageSize': '2MB', 'limit': 2097152},"
		       " {'pageSize': '1GB', 'limit': 0}]}",
		       V1),
	       "hugetlb.2MB.limit_in_bytes=2097152\nhugetlb.2MB.rsvd.limit_in_bytes=2097152\n"
	       "hugetlb.1GB.limit_in_bytes=0\nhugetlb.1GB.rsvd.limit_in_bytes=0\n",
	       "v1 hugetlb, with the reservation files");
	is_str(planned("{'hugepageLimits': [{'pageSize': '2MB', 'limit': 2097152}]}", HYBRID),
	       "hugetlb.2MB.max=2097152\nhugetlb.2MB.rsvd.max=2097152\n", "v2 hugetlb");

	is_str(planned("{'network': {'classID': 1048577, 'priorities': [{'name': 'eth0', "
		       "'priority': 5}, {'name': 'lo', 'priority': 2}]}}",
		       V1),
	       "net_cls.classid=1048577\nnet_prio.ifpriomap=eth0 5\nnet_prio.ifpriomap=lo 2\n",
	       "v1 network");
	is_str(planned("{'network': {'classID': 1}}", V2),
	       "error: linux.resources.network.classID: not supported on cgroup v2",
	       "v2: classID refused");
	is_str(planned("{'network': {'priorities': [{'name': 'eth0', 'priority': 5}]}}", V2),
	       "error: linux.resources.network.priorities: not supported on cgroup v2",
	       "v2: priorities refused");
	is_str(planned("{'network': {'classID': 1}}", HYBRID),
	       "error: linux.resources.network.classID: the net_cls controller is not available",
	       "hybrid without net_cls: not available");
	is_str(planned("{'network': {'priorities': [{'name': 'a b', 'priority': 5}]}}", V1),
	       "error: linux.resources.network.priorities[0].name: \"a b\" is not an "
	       "interface name",
	       "an interface name with a space");
	is_str(planned("{'network': {}}", NONE), "", "an empty network section needs nothing");
}

static void test_rdma_unified(void)
{
	is_str(planned("{'rdma': {'mlx5_1': {'hcaHandles': 3, 'hcaObjects': 10000},"
		       " 'mlx4_0': {'hcaObjects': 1000}, 'rxe3': {'hcaHandles': 0}}}",
		       V2),
	       "rdma.max=mlx5_1 hca_handle=3 hca_object=10000\n"
	       "rdma.max=mlx4_0 hca_object=1000\n"
	       "rdma.max=rxe3 hca_handle=0\n",
	       "rdma: only the limits given");
	is_str(planned("{'rdma': {'mlx5_1': {'hcaHandles': 3}}}", HYBRID),
	       "error: linux.resources.rdma.\"mlx5_1\": the rdma controller is not available",
	       "rdma unavailable");

	is_str(planned("{'unified': {'hugetlb.2MB.max': '4096', 'cgroup.max.depth': '3',"
		       " 'memory.high': '1G'}}",
		       V2),
	       "hugetlb.2MB.max=4096\ncgroup.max.depth=3\nmemory.high=1G\n",
	       "unified keys as they are, each to its controller");
	is_str(planned("{'pids': {'limit': 5}, 'unified': {'pids.max': '7'}}", V2),
	       "pids.max=5\npids.max=7\n", "unified comes last, so it wins");
	is_str(planned("{'unified': {'hugetlb.2MB.max': '4096'}}", V1),
	       "error: linux.resources.unified: needs cgroup v2", "unified without v2");
	is_str(planned("{'unified': {'memory.high': '1G'}}", HYBRID),
	       "error: linux.resources.unified.\"memory.high\": the memory controller is not "
	       "available on cgroup v2",
	       "unified: a controller on v1");
	is_str(planned("{'unified': {'../memory.max': '1'}}", V2),
	       "error: linux.resources.unified.\"../memory.max\": not a cgroup file name",
	       "unified: ..");
	is_str(planned("{'unified': {'a/b.max': '1'}}", V2),
	       "error: linux.resources.unified.\"a/b.max\": not a cgroup file name", "unified: /");
	is_str(planned("{'unified': {'': '1'}}", V2),
	       "error: linux.resources.unified.\"\": not a cgroup file name", "unified: empty");
	is_str(planned("{'unified': {'nodot': '1'}}", V2),
	       "error: linux.resources.unified.\"nodot\": not of the form CONTROLLER.FILE",
	       "unified: no controller prefix");
	is_str(planned("{'unified': {'blkio.weight': '1'}}", V2),
	       "error: linux.resources.unified.\"blkio.weight\": no cgroup v2 controller "
	       "\"blkio\"",
	       "unified: a v1 spelling");
	is_str(planned("{'unified': {'io.max': '8:0 rbps=1'}}", V2), "io.max=8:0 rbps=1\n",
	       "unified: io is blkio's v2 name");
}

static void test_unavailable(void)
{
	is_str(planned("{'memory': {'reservation': 1, 'limit': 2}}", NONE),
	       "error: linux.resources.memory.limit: the memory controller is not available",
	       "memory unavailable: the first field set is named");
	is_str(planned("{'memory': {'kernel': -1}}", NONE), "",
	       "memory.kernel -1 alone needs no controller");
	is_str(planned("{'memory': {}, 'cpu': {}, 'blockIO': {}, 'hugepageLimits': [],"
		       " 'rdma': {}, 'unified': {}}",
		       NONE),
	       "", "empty sections need nothing");
	is_str(planned("{'cpu': {'idle': 1}}", NONE),
	       "error: linux.resources.cpu.idle: the cpu controller is not available", "cpu");
	is_str(planned("{'cpu': {'mems': '0'}}", NONE),
	       "error: linux.resources.cpu.mems: the cpuset controller is not available", "cpuset");
	is_str(planned("{'pids': {'limit': 1}}", NONE),
	       "error: linux.resources.pids.limit: the pids controller is not available", "pids");
	is_str(planned("{'blockIO': {'throttleReadIOPSDevice': [{'major': 8, 'minor': 0, "
		       "'rate': 3}]}}",
		       NONE),
	       "error: linux.resources.blockIO.throttleReadIOPSDevice: the blkio controller is "
	       "not available",
	       "blkio");
	is_str(planned("{'blockIO': {'weight': 5}}", (const int[RL_CG__COUNT]){[RL_CG_CORE] = 2}),
	       "error: linux.resources.blockIO.weight: the io controller is not available",
	       "a v2-only host names the v2 controller");
	is_str(planned("{'hugepageLimits': [{'pageSize': '2MB', 'limit': 1}]}", NONE),
	       "error: linux.resources.hugepageLimits: the hugetlb controller is not available",
	       "hugetlb");
}

/* ---- the config field of each write ---------------------------------------------- */

static void test_fields(void)
{
	is_str(fields("{'memory': {'limit': 4096, 'reservation': 1024, 'swap': 8192,"
		      " 'swappiness': 60, 'kernelTCP': 2048, 'disableOOMKiller': true,"
		      " 'useHierarchy': true}}",
		      V1),
	       "memory.limit_in_bytes <- memory.limit\n"
	       "memory.memsw.limit_in_bytes <- memory.swap\n"
	       "memory.soft_limit_in_bytes <- memory.reservation\n"
	       "memory.swappiness <- memory.swappiness\n"
	       "memory.kmem.tcp.limit_in_bytes <- memory.kernelTCP\n"
	       "memory.oom_control <- memory.disableOOMKiller\n"
	       "memory.use_hierarchy <- memory.useHierarchy\n",
	       "v1 memory: each file names its field");
	is_str(fields("{'memory': {'limit': 4096, 'reservation': 1024, 'swap': 8192}}", V2),
	       "memory.max <- memory.limit\nmemory.low <- memory.reservation\n"
	       "memory.swap.max <- memory.swap\n",
	       "v2 memory");
	is_str(fields("{'cpu': {'shares': 1024, 'quota': 50000, 'period': 100000, 'burst': 1000,"
		      " 'realtimeRuntime': 950000, 'realtimePeriod': 1000000, 'cpus': '0',"
		      " 'mems': '0', 'idle': 1}}",
		      V1),
	       "cpu.shares <- cpu.shares\n"
	       "cpu.cfs_period_us <- cpu.period\n"
	       "cpu.cfs_quota_us <- cpu.quota\n"
	       "cpu.cfs_burst_us <- cpu.burst\n"
	       "cpu.rt_period_us <- cpu.realtimePeriod\n"
	       "cpu.rt_runtime_us <- cpu.realtimeRuntime\n"
	       "cpuset.cpus <- cpu.cpus\n"
	       "cpuset.mems <- cpu.mems\n"
	       "cpu.idle <- cpu.idle\n",
	       "v1 cpu");
	is_str(fields("{'cpu': {'shares': 1024, 'quota': 50000, 'burst': 1}}", V2),
	       "cpu.weight <- cpu.shares\ncpu.max <- cpu.quota\ncpu.max.burst <- cpu.burst\n",
	       "v2 cpu: cpu.max is the quota's");
	is_str(fields("{'cpu': {'period': 250000}}", V2), "cpu.max <- cpu.period\n",
	       "v2 cpu: cpu.max of a period alone is the period's");
	is_str(fields("{'pids': {'limit': 3}}", V2), "pids.max <- pids.limit\n", "pids");
	is_str(fields("{'blockIO': {'weight': 500, 'leafWeight': 300,"
		      " 'weightDevice': [{'major': 8, 'minor': 0, 'weight': 600},"
		      "  {'major': 8, 'minor': 16, 'weight': 5, 'leafWeight': 10}],"
		      " 'throttleReadBpsDevice': [{'major': 8, 'minor': 0, 'rate': 1}],"
		      " 'throttleWriteIOPSDevice': [{'major': 8, 'minor': 0, 'rate': 4},"
		      "  {'major': 8, 'minor': 16, 'rate': 5}]}}",
		      V1),
	       "blkio.weight <- blockIO.weight\n"
	       "blkio.leaf_weight <- blockIO.leafWeight\n"
	       "blkio.weight_device <- blockIO.weightDevice[0].weight\n"
	       "blkio.weight_device <- blockIO.weightDevice[1].weight\n"
	       "blkio.leaf_weight_device <- blockIO.weightDevice[1].leafWeight\n"
	       "blkio.throttle.read_bps_device <- blockIO.throttleReadBpsDevice[0]\n"
	       "blkio.throttle.write_iops_device <- blockIO.throttleWriteIOPSDevice[0]\n"
	       "blkio.throttle.write_iops_device <- blockIO.throttleWriteIOPSDevice[1]\n",
	       "v1 blkio: device entries by index");
	is_str(fields("{'blockIO': {'weight': 500, 'weightDevice': [{'major': 8, 'minor': 0,"
		      " 'weight': 600}], 'throttleReadIOPSDevice': [{'major': 8, 'minor': 0,"
		      " 'rate': 3}]}}",
		      V2),
	       "io.bfq.weight <- blockIO.weight\n"
	       "io.bfq.weight <- blockIO.weightDevice[0].weight\n"
	       "io.max <- blockIO.throttleReadIOPSDevice[0]\n",
	       "v2 io");
	is_str(fields("{'hugepageLimits': [{'pageSize': '2MB', 'limit': 1},"
		      " {'pageSize': '1GB', 'limit': 0}]}",
		      HYBRID),
	       "hugetlb.2MB.max <- hugepageLimits[0]\nhugetlb.2MB.rsvd.max <- hugepageLimits[0]\n"
	       "hugetlb.1GB.max <- hugepageLimits[1]\nhugetlb.1GB.rsvd.max <- hugepageLimits[1]\n",
	       "hugetlb");
	is_str(fields("{'network': {'classID': 1, 'priorities': [{'name': 'lo', 'priority': 2}]},"
		      " 'rdma': {'mlx5_1': {'hcaHandles': 3}}}",
		      V1),
	       "net_cls.classid <- network.classID\n"
	       "net_prio.ifpriomap <- network.priorities[0]\n"
	       "rdma.max <- rdma.\"mlx5_1\"\n",
	       "network, rdma");
	is_str(fields("{'unified': {'memory.high': '1G'}}", V2),
	       "memory.high <- unified.\"memory.high\"\n", "unified");
}

/* ---- device rules ---------------------------------------------------------------- */

static const char *line(struct rl_device_rule r)
{
	static char buf[64];

	return rl_cg_device_line(&r, buf, sizeof(buf)) == 0 ? buf : "(too long)";
}

static void test_device_lines(void)
{
	char tiny[4];
	const struct rl_device_rule c13 = {.type = 'c', .major = {1, 1}, .minor = {1, 3}};

	is_str(line((struct rl_device_rule){.type = 'a'}), "a", "type a, no numbers: a");
	is_str(line((struct rl_device_rule){.type = 0, .access = "mwr"}), "a", "absent type too");
	is_str(line((struct rl_device_rule){.type = 'a', .access = "m"}), "a *:* m",
	       "type a with partial access keeps it");
	is_str(line(c13), "c 1:3 rwm", "c 1:3, access NULL is rwm");
	is_str(line((struct rl_device_rule){.type = 'b', .major = {1, 8}, .access = "r"}),
	       "b 8:* r", "unset minor is *");
	is_str(line((struct rl_device_rule){.type = 'c', .major = {1, -1}, .minor = {1, 5}}),
	       "c *:5 rwm", "-1 is * too");
	ok(rl_cg_device_line(&c13, tiny, sizeof(tiny)) < 0, "a buffer too small fails");
}

static void test_devices_list(void)
{
	struct rl_device_rule cfg_rules[] = {
	    {.allow = false, .type = 'a', .access = "rwm"},
	    {.allow = true, .type = 'c', .major = {1, 10}, .minor = {1, 200}, .access = "rw"}};
	struct rl_device devs[] = {{.path = "/dev/fuse", .type = 'c', .major = 10, .minor = 229},
				   {.path = "/dev/sda", .type = 'b', .major = 8, .minor = 0},
				   {.path = "/dev/ttyX", .type = 'u', .major = 4, .minor = 64},
				   {.path = "/dev/fifo", .type = 'p'}};
	struct rl_resources res = {.devices = cfg_rules, .n_devices = 2};
	struct rl_linux lx = {.resources = &res, .devices = devs, .n_devices = 4};
	struct rl_config cfg = {.linux_ = &lx};
	struct rl_device_rule *v = NULL;
	struct rl_error e = {0};
	char all[1024] = "";
	size_t n = 0;

	ok(rl_cg_devices(&cfg, &v, &n, &e) == 0, "rl_cg_devices");
	for (size_t i = 0; i < n; i++)
		snprintf(all + strlen(all), sizeof(all) - strlen(all), "%s%s\n",
			 v[i].allow ? "+" : "-", line(v[i]));
	is_str(all,
	       "-a\n+c 10:200 rw\n+c 1:3 rwm\n+c 1:5 rwm\n+c 1:7 rwm\n+c 1:8 rwm\n+c 1:9 rwm\n"
	       "+c 5:0 rwm\n+c 5:1 rwm\n+c 5:2 rwm\n+c 136:* rwm\n+c 10:229 rwm\n+b 8:0 rwm\n"
	       "+c 4:64 rwm\n",
	       "config rules, then the defaults, then linux.devices (u as c, no fifo)");
	ok(v && v[1].access == cfg_rules[1].access, "access strings are borrowed");
	free(v);
	ok(rl_cg_devices(NULL, &v, &n, &e) == 0 && n == 9, "no config: the 9 defaults");
	free(v);
}

int main(void)
{
	test_where();
	test_memory();
	test_cpu();
	test_pids_blkio();
	test_hugetlb_network();
	test_rdma_unified();
	test_unavailable();
	test_fields();
	test_device_lines();
	test_devices_list();
	return done_testing();
}
