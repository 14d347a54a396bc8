/* libFuzzer target for the parsers of cgroup files (`rlite events
 * --stats`): cpuacct.*, cpu.stat, cpuset.*, memory.*, pids.*, blkio.*,
 * io.stat, hugetlb.*, as the kernel writes them and as a hostile or
 * broken cgroup file system could.
 *
 * The first byte picks which directory holds which controllers; the rest
 * is split at NUL bytes, and the parts become, in order, the files of a v1
 * directory and of a v2 one.  rl_cg_stats()
 * must return cleanly either way, and an accepted read must become runc's
 * stats object (rl_stats_event_json). */
#include "runtime/cgroup.h"
#include "runtime/cgroup_stats.h"
#include "spec/stats.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/scratch.h"

static const char *const v1_files[] = {"cpuacct.usage",
				       "cpuacct.usage_percpu",
				       "cpuacct.usage_percpu_user",
				       "cpuacct.usage_percpu_sys",
				       "cpuacct.stat",
				       "cpu.stat",
				       "cpuset.cpus",
				       "cpuset.mems",
				       "cpuset.cpu_exclusive",
				       "cpuset.mem_exclusive",
				       "cpuset.memory_pressure",
				       "memory.stat",
				       "memory.usage_in_bytes",
				       "memory.max_usage_in_bytes",
				       "memory.failcnt",
				       "memory.limit_in_bytes",
				       "memory.memsw.usage_in_bytes",
				       "memory.memsw.limit_in_bytes",
				       "memory.kmem.usage_in_bytes",
				       "memory.kmem.tcp.usage_in_bytes",
				       "memory.oom_control",
				       "pids.current",
				       "pids.max",
				       "blkio.io_service_bytes_recursive",
				       "blkio.io_serviced_recursive",
				       "blkio.io_queued_recursive",
				       "blkio.sectors_recursive",
				       "blkio.throttle.io_service_bytes_recursive",
				       "blkio.throttle.io_serviced_recursive",
				       "blkio.bfq.io_service_bytes_recursive",
				       "hugetlb.2MB.usage_in_bytes",
				       "hugetlb.2MB.max_usage_in_bytes",
				       "hugetlb.2MB.failcnt",
				       NULL};
static const char *const v2_files[] = {"cpu.stat",
				       "cpuset.cpus.effective",
				       "cpuset.mems.effective",
				       "memory.stat",
				       "memory.current",
				       "memory.max",
				       "memory.peak",
				       "memory.swap.current",
				       "memory.swap.max",
				       "memory.events",
				       "pids.current",
				       "pids.max",
				       "io.stat",
				       "hugetlb.2MB.current",
				       "hugetlb.2MB.events",
				       NULL};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const subdirs[] = {"v1", "v2", NULL};

	(void)argc;
	(void)argv;
	scratch_init("cgstats_fuzz", subdirs);
	return 0;
}

/* The next part into the next file of the list; no part left: the file
 * is removed (absent files are a case of their own). */
static void fill(const char *sub, const char *const *files, const char **p, const char *end)
{
	char path[512];

	for (size_t i = 0; files[i]; i++) {
		size_t len = 0;
		const char *part = next_part(p, end, &len);

		if (part) {
			scratch_write(sub, files[i], part, len);
		} else {
			snprintf(path, sizeof(path), "%s/%s/%s", scratch_dir, sub, files[i]);
			unlink(path);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;
	char mount[128];
	struct rl_cg_dir dirs[2] = {
	    {.mount = mount, .v2 = false, .path = "/v1", .created = 1},
	    {.mount = mount, .v2 = true, .path = "/v2", .created = 1},
	};
	struct rl_cgroup cg = {.d = dirs, .n = 2};
	struct rl_stats st;
	struct rl_error err = {0};
	char *json = NULL;

	snprintf(mount, sizeof(mount), "%s", scratch_dir);
	/* v1 holds every v1 controller; v2 the rest and itself (the first
	 * directory holding a controller is the one read). */
	for (int c = 0; c < RL_CG__COUNT; c++) {
		if (c != RL_CG_CORE && rl_cg_ctrl_name((enum rl_cg_ctrl)c, false))
			dirs[0].ctrls |= RL_CG_BIT(c);
		else
			dirs[1].ctrls |= RL_CG_BIT(c);
	}
	/* The first byte picks which one holds memory, blkio and hugetlb, so
	 * both spellings are read. */
	if (size && (data[0] & 1)) {
		unsigned move = RL_CG_BIT(RL_CG_MEMORY) | RL_CG_BIT(RL_CG_BLKIO) |
				RL_CG_BIT(RL_CG_HUGETLB) | RL_CG_BIT(RL_CG_PIDS) |
				RL_CG_BIT(RL_CG_CPU) | RL_CG_BIT(RL_CG_CPUSET);

		dirs[0].ctrls &= ~move;
		dirs[1].ctrls |= move;
	}
	if (size)
		p++;
	fill("v1", v1_files, &p, end);
	fill("v2", v2_files, &p, end);
	if (rl_cg_stats(&cg, &st, &err) < 0)
		return 0;
	if (rl_stats_event_json("fuzz", &st, &json, &err) < 0)
		fuzz_fail("cgstats_fuzz", "stats read, but not written", err.msg, NULL);
	free(json);
	rl_stats_free(&st);
	return 0;
}
