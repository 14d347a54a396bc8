/* runtime/cgroup_stats.c on scratch directories that look like cgroups:
 * every v1 and v2 file it reads, with contents as the kernel writes them,
 * each value checked after conversion; missing files, bad contents, the
 * hugepage size names; and the OOM notification (v2 inotify on a regular
 * file, v1 eventfd registration), with what poll() and the checks really
 * report.  The scratch tree is removed at exit. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/cgroup_stats.h"
#include "tests/unit/tap.h"

static char scratch[] = "/tmp/rlite-cgstats-test-XXXXXX";
static bool have_scratch;

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_scratch(void)
{
	if (have_scratch)
		nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A path under the scratch directory, in a rotating static buffer. */
static const char *vspath(const char *fmt, va_list ap)
{
	static char bufs[4][PATH_MAX];
	static int i;
	char *b = bufs[i++ % 4];
	int n = snprintf(b, PATH_MAX, "%s/", scratch);

	vsnprintf(b + n, PATH_MAX - (size_t)n, fmt, ap);
	return b;
}

static const char *spath(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *spath(const char *fmt, ...)
{
	va_list ap;
	const char *p;

	va_start(ap, fmt);
	p = vspath(fmt, ap);
	va_end(ap);
	return p;
}

/* mkdir -p of a path under the scratch directory */
static void mkdirs(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void mkdirs(const char *fmt, ...)
{
	va_list ap;
	char p[PATH_MAX];

	va_start(ap, fmt);
	snprintf(p, sizeof(p), "%s", vspath(fmt, ap));
	va_end(ap);
	for (char *s = p + strlen(scratch) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

/* Writes text to dir/file (truncating: the way the kernel's value changes
 * as far as an inotify watch sees it). */
static void put(const char *dir, const char *file, const char *text)
{
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s/%s", scratch, dir, file);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		printf("# put %s: %s\n", p, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static char *get(const char *dir, const char *file)
{
	static char buf[256];
	char p[PATH_MAX];
	FILE *f;
	size_t n = 0;

	snprintf(p, sizeof(p), "%s/%s/%s", scratch, dir, file);
	buf[0] = '\0';
	if ((f = fopen(p, "re"))) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static struct rl_cg_dir dir(const char *mount, bool v2, unsigned ctrls)
{
	char m[PATH_MAX];

	snprintf(m, sizeof(m), "%s/%s", scratch, mount);
	return (struct rl_cg_dir){
	    .mount = strdup(m), .v2 = v2, .ctrls = ctrls, .path = strdup("/c1")};
}

/* The host's hugepage sizes: the stats code reads the real sysfs list. */
static char **host_sizes;
static size_t n_host_sizes;

/* ---- v1 ---------------------------------------------------------------------- */

static void make_v1(void)
{
	mkdirs("v1/cpu/c1");
	put("v1/cpu/c1", "cpu.stat",
	    "nr_periods 120\nnr_throttled 7\nthrottled_time 3500000\nnr_bursts 0\nburst_time 0\n");
	mkdirs("v1/cpuacct/c1");
	put("v1/cpuacct/c1", "cpuacct.usage", "15617577\n");
	put("v1/cpuacct/c1", "cpuacct.usage_percpu", "11539918 4077659 \n");
	put("v1/cpuacct/c1", "cpuacct.usage_percpu_sys", "7981271 0 \n");
	put("v1/cpuacct/c1", "cpuacct.usage_percpu_user", "4000000 12 \n");
	put("v1/cpuacct/c1", "cpuacct.stat", "user 3\nsystem 1\n");
	mkdirs("v1/cpuset/c1");
	put("v1/cpuset/c1", "cpuset.cpus", "0-2,5\n");
	put("v1/cpuset/c1", "cpuset.mems", "0\n");
	put("v1/cpuset/c1", "cpuset.cpu_exclusive", "0\n");
	put("v1/cpuset/c1", "cpuset.mem_hardwall", "1\n");
	put("v1/cpuset/c1", "cpuset.mem_exclusive", "0\n");
	put("v1/cpuset/c1", "cpuset.memory_migrate", "1\n");
	put("v1/cpuset/c1", "cpuset.memory_spread_page", "0\n");
	put("v1/cpuset/c1", "cpuset.memory_spread_slab", "0\n");
	put("v1/cpuset/c1", "cpuset.memory_pressure", "42\n");
	put("v1/cpuset/c1", "cpuset.sched_load_balance", "1\n");
	put("v1/cpuset/c1", "cpuset.sched_relax_domain_level", "-1\n");
	mkdirs("v1/memory/c1");
	put("v1/memory/c1", "memory.usage_in_bytes", "819200\n");
	put("v1/memory/c1", "memory.max_usage_in_bytes", "2248704\n");
	put("v1/memory/c1", "memory.limit_in_bytes", "67108864\n");
	put("v1/memory/c1", "memory.failcnt", "3\n");
	put("v1/memory/c1", "memory.memsw.usage_in_bytes", "1019200\n");
	put("v1/memory/c1", "memory.memsw.max_usage_in_bytes", "2448704\n");
	put("v1/memory/c1", "memory.memsw.limit_in_bytes", "9223372036854771712\n");
	put("v1/memory/c1", "memory.memsw.failcnt", "0\n");
	put("v1/memory/c1", "memory.kmem.usage_in_bytes", "483328\n");
	put("v1/memory/c1", "memory.kmem.max_usage_in_bytes", "598016\n");
	put("v1/memory/c1", "memory.kmem.limit_in_bytes", "9223372036854771712\n");
	put("v1/memory/c1", "memory.kmem.failcnt", "0\n");
	put("v1/memory/c1", "memory.kmem.tcp.usage_in_bytes", "0\n");
	put("v1/memory/c1", "memory.kmem.tcp.max_usage_in_bytes", "0\n");
	put("v1/memory/c1", "memory.kmem.tcp.limit_in_bytes", "9223372036854771712\n");
	put("v1/memory/c1", "memory.kmem.tcp.failcnt", "1\n");
	put("v1/memory/c1", "memory.stat",
	    "cache 1720320\nrss 57344\nrss_huge 0\nmapped_file 1155072\npgfault 672\n"
	    "hierarchical_memory_limit 67108864\n"
	    "hierarchical_memsw_limit 9223372036854771712\ntotal_cache 1720320\n");
	mkdirs("v1/pids/c1");
	put("v1/pids/c1", "pids.current", "4\n");
	put("v1/pids/c1", "pids.max", "max\n");
	mkdirs("v1/blkio/c1");
	put("v1/blkio/c1", "blkio.throttle.io_service_bytes_recursive",
	    "8:0 Read 4096\n8:0 Write 8192\n8:0 Sync 0\n8:0 Async 12288\n8:0 Discard 0\n"
	    "8:0 Total 12288\nTotal 12288\n");
	put("v1/blkio/c1", "blkio.throttle.io_serviced_recursive",
	    "8:0 Read 1\n8:0 Write 2\nTotal 3\n");
	mkdirs("v1/hugetlb/c1");
	for (size_t i = 0; i < n_host_sizes; i++) {
		char f[64];

		snprintf(f, sizeof(f), "hugetlb.%s.usage_in_bytes", host_sizes[i]);
		put("v1/hugetlb/c1", f, i == 0 ? "2097152\n" : "0\n");
		snprintf(f, sizeof(f), "hugetlb.%s.max_usage_in_bytes", host_sizes[i]);
		put("v1/hugetlb/c1", f, i == 0 ? "4194304\n" : "0\n");
		snprintf(f, sizeof(f), "hugetlb.%s.failcnt", host_sizes[i]);
		put("v1/hugetlb/c1", f, i == 0 ? "5\n" : "0\n");
	}
}

static void cg_v1(struct rl_cgroup *cg)
{
	static struct rl_cg_dir d[7];

	d[0] = dir("v1/cpu", false, RL_CG_BIT(RL_CG_CPU));
	d[1] = dir("v1/cpuacct", false, RL_CG_BIT(RL_CG_CPUACCT));
	d[2] = dir("v1/cpuset", false, RL_CG_BIT(RL_CG_CPUSET));
	d[3] = dir("v1/memory", false, RL_CG_BIT(RL_CG_MEMORY));
	d[4] = dir("v1/pids", false, RL_CG_BIT(RL_CG_PIDS));
	d[5] = dir("v1/blkio", false, RL_CG_BIT(RL_CG_BLKIO));
	d[6] = dir("v1/hugetlb", false, RL_CG_BIT(RL_CG_HUGETLB));
	cg->d = d;
	cg->n = 7;
}

static bool u64v_is(const struct rl_u64v *v, size_t n, const uint64_t *want)
{
	if (v->n != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (v->v[i] != want[i])
			return false;
	return true;
}

static bool blkio_is(const struct rl_blkio_entry *e, uint64_t maj, uint64_t min, const char *op,
		     uint64_t v)
{
	return e->major == maj && e->minor == min && strcmp(e->op, op) == 0 && e->value == v;
}

static void check_v1_cpu_memory(const struct rl_stats *s)
{
	long hz = sysconf(_SC_CLK_TCK);

	is_int(s->cpu.usage.total, 15617577, "v1 cpuacct.usage -> total");
	ok(u64v_is(&s->cpu.usage.percpu, 2, (uint64_t[]){11539918, 4077659}), "v1 percpu");
	ok(u64v_is(&s->cpu.usage.percpu_kernel, 2, (uint64_t[]){7981271, 0}), "v1 percpu_kernel");
	ok(u64v_is(&s->cpu.usage.percpu_user, 2, (uint64_t[]){4000000, 12}), "v1 percpu_user");
	is_int(s->cpu.usage.user, 3 * (1000000000 / hz), "v1 cpuacct.stat user ticks -> ns");
	is_int(s->cpu.usage.kernel, 1 * (1000000000 / hz), "v1 cpuacct.stat system -> kernel");
	is_int(s->cpu.throttling.periods, 120, "v1 nr_periods");
	is_int(s->cpu.throttling.throttled_periods, 7, "v1 nr_throttled");
	is_int(s->cpu.throttling.throttled_time, 3500000, "v1 throttled_time (ns already)");
	ok(s->memory.usage.usage == 819200 && s->memory.usage.max == 2248704 &&
	       s->memory.usage.limit == 67108864 && s->memory.usage.failcnt == 3,
	   "v1 memory usage/max/limit/failcnt");
	ok(s->memory.swap.usage == 1019200 && s->memory.swap.max == 2448704 &&
	       s->memory.swap.limit == 9223372036854771712ull && s->memory.swap.failcnt == 0,
	   "v1 memsw -> swap, as it is (memory + swap)");
	ok(s->memory.kernel.usage == 483328 && s->memory.kernel.max == 598016, "v1 kmem -> kernel");
	ok(s->memory.kernel_tcp.failcnt == 1 &&
	       s->memory.kernel_tcp.limit == 9223372036854771712ull,
	   "v1 kmem.tcp -> kernelTCP");
	is_int(s->memory.cache, 1720320, "v1 cache from memory.stat \"cache\"");
	is_int(s->memory.raw.n, 8, "v1 memory.stat: every line in raw");
	ok(rl_u64map_get(&s->memory.raw, "hierarchical_memsw_limit") == 9223372036854771712ull,
	   "raw keeps large values");
}

static void check_v1_rest(const struct rl_stats *s)
{
	ok(s->cpuset.cpus.n == 4 && s->cpuset.cpus.v[0] == 0 && s->cpuset.cpus.v[2] == 2 &&
	       s->cpuset.cpus.v[3] == 5,
	   "v1 cpuset.cpus 0-2,5 expanded");
	ok(s->cpuset.mems.n == 1 && s->cpuset.mems.v[0] == 0, "v1 cpuset.mems");
	ok(s->cpuset.mem_hardwall == 1 && s->cpuset.memory_migrate == 1 &&
	       s->cpuset.memory_pressure == 42 && s->cpuset.sched_load_balance == 1 &&
	       s->cpuset.cpu_exclusive == 0,
	   "v1 cpuset flags");
	is_int(s->cpuset.sched_relax_domain_level, -1, "v1 sched_relax_domain_level is signed");
	is_int(s->pids.current, 4, "v1 pids.current");
	is_int(s->pids.limit, 0, "v1 pids.max \"max\" -> 0, as runc");
	ok(s->blkio.service_bytes.n == 6 &&
	       blkio_is(&s->blkio.service_bytes.e[0], 8, 0, "Read", 4096) &&
	       blkio_is(&s->blkio.service_bytes.e[5], 8, 0, "Total", 12288),
	   "v1 throttle io_service_bytes_recursive, the Total line skipped");
	ok(s->blkio.serviced.n == 2 && blkio_is(&s->blkio.serviced.e[1], 8, 0, "Write", 2),
	   "v1 throttle io_serviced_recursive");
	if (n_host_sizes == 0) {
		ok(s->hugetlb.n == 0, "no hugepage sizes on this host: no hugetlb entries");
		return;
	}
	is_int(s->hugetlb.n, n_host_sizes, "v1 hugetlb: one entry per host page size");
	ok(strcmp(s->hugetlb.e[0].size, host_sizes[0]) == 0 && s->hugetlb.e[0].usage == 2097152 &&
	       s->hugetlb.e[0].max == 4194304 && s->hugetlb.e[0].failcnt == 5,
	   "v1 hugetlb.%s.* values", host_sizes[0]);
}

static void test_v1(void)
{
	struct rl_cgroup cg;
	struct rl_stats s;
	struct rl_error err = {0};

	make_v1();
	cg_v1(&cg);
	if (!ok(rl_cg_stats(&cg, &s, &err) == 0, "v1 stats: %s", err.msg))
		return;
	check_v1_cpu_memory(&s);
	check_v1_rest(&s);
	rl_stats_free(&s);

	/* BFQ's files win over the throttling layer's, as with runc */
	put("v1/blkio/c1", "blkio.bfq.io_service_bytes_recursive",
	    "8:16 Read 512\n8:16 Write 0\nTotal 512\n");
	put("v1/blkio/c1", "blkio.bfq.io_serviced_recursive", "8:16 Read 1\nTotal 1\n");
	ok(rl_cg_stats(&cg, &s, &err) == 0, "v1 stats with bfq files");
	ok(s.blkio.service_bytes.n == 2 &&
	       blkio_is(&s.blkio.service_bytes.e[0], 8, 16, "Read", 512) && s.blkio.serviced.n == 1,
	   "v1 bfq files used instead of throttle ones");
	rl_stats_free(&s);

	/* CFQ's set (before 5.0) fills the other lists; no-op files too */
	put("v1/blkio/c1", "blkio.io_service_bytes_recursive", "8:0 Read 9\nTotal 9\n");
	put("v1/blkio/c1", "blkio.time_recursive", "8:0 777\n");
	put("v1/blkio/c1", "blkio.sectors_recursive", "8:0 3\n");
	unlink(spath("v1/blkio/c1/blkio.bfq.io_service_bytes_recursive"));
	ok(rl_cg_stats(&cg, &s, &err) == 0, "v1 stats with cfq files");
	ok(s.blkio.service_bytes.n == 1 && s.blkio.service_bytes.e[0].value == 9 &&
	       s.blkio.time.n == 1 && blkio_is(&s.blkio.time.e[0], 8, 0, "", 777) &&
	       s.blkio.sectors.n == 1 && s.blkio.serviced.n == 0,
	   "v1 cfq files: lines without op, missing ones empty");
	rl_stats_free(&s);
}

/* ---- v2 ----------------------------------------------------------------------- */

static void make_v2(void)
{
	mkdirs("v2/c1");
	put("v2/c1", "cpu.stat",
	    "usage_usec 43256\nuser_usec 24889\nsystem_usec 18366\nnice_usec 0\n"
	    "nr_periods 50\nnr_throttled 2\nthrottled_usec 1500\nnr_bursts 0\nburst_usec 0\n");
	put("v2/c1", "memory.current", "2101248\n");
	put("v2/c1", "memory.max", "67108864\n");
	put("v2/c1", "memory.peak", "2637824\n");
	put("v2/c1", "memory.swap.current", "4096\n");
	put("v2/c1", "memory.swap.max", "max\n");
	put("v2/c1", "memory.events",
	    "low 0\nhigh 0\nmax 9\noom 1\noom_kill 1\noom_group_kill 0\n");
	put("v2/c1", "memory.stat",
	    "anon 57344\nfile 1720320\nkernel 483328\nsock 0\nshmem 0\nfile_mapped 1155072\n"
	    "pgfault 672\n");
	put("v2/c1", "pids.current", "3\n");
	put("v2/c1", "pids.max", "100\n");
	put("v2/c1", "io.stat",
	    "8:0 rbytes=1048576 wbytes=4096 rios=12 wios=1 dbytes=0 dios=0\n"
	    "259:0 rbytes=0 wbytes=0 rios=0 wios=0 dbytes=0 dios=0\n");
	for (size_t i = 0; i < n_host_sizes; i++) {
		char f[64];

		snprintf(f, sizeof(f), "hugetlb.%s.current", host_sizes[i]);
		put("v2/c1", f, i == 0 ? "4194304\n" : "0\n");
		snprintf(f, sizeof(f), "hugetlb.%s.max", host_sizes[i]);
		put("v2/c1", f, "max\n");
		snprintf(f, sizeof(f), "hugetlb.%s.events", host_sizes[i]);
		put("v2/c1", f, i == 0 ? "max 2\n" : "max 0\n");
	}
}

static void check_v2(const struct rl_stats *s)
{
	is_int(s->cpu.usage.total, 43256000, "v2 usage_usec -> ns");
	is_int(s->cpu.usage.user, 24889000, "v2 user_usec -> ns");
	is_int(s->cpu.usage.kernel, 18366000, "v2 system_usec -> kernel ns");
	ok(s->cpu.usage.percpu.n == 0, "v2 has no per-cpu usage");
	ok(s->cpu.throttling.periods == 50 && s->cpu.throttling.throttled_periods == 2 &&
	       s->cpu.throttling.throttled_time == 1500000,
	   "v2 throttling, throttled_usec -> ns");
	ok(s->memory.usage.usage == 2101248 && s->memory.usage.limit == 67108864 &&
	       s->memory.usage.max == 2637824,
	   "v2 memory.current/max/peak");
	is_int(s->memory.usage.failcnt, 9, "v2 memory.events max -> failcnt");
	is_int(s->memory.swap.usage, 2101248 + 4096, "v2 swap usage = memory + swap, as v1");
	ok(s->memory.swap.limit == UINT64_MAX, "v2 swap \"max\" stays 2^64-1");
	is_int(s->memory.cache, 1720320, "v2 cache from memory.stat \"file\"");
	is_int(rl_u64map_get(&s->memory.raw, "anon"), 57344, "v2 raw");
	is_int(s->memory.raw.n, 7, "v2 memory.stat: every line in raw");
	ok(s->pids.current == 3 && s->pids.limit == 100, "v2 pids");
	ok(s->blkio.service_bytes.n == 4 &&
	       blkio_is(&s->blkio.service_bytes.e[0], 8, 0, "Read", 1048576) &&
	       blkio_is(&s->blkio.service_bytes.e[1], 8, 0, "Write", 4096) &&
	       blkio_is(&s->blkio.service_bytes.e[3], 259, 0, "Write", 0),
	   "v2 io.stat rbytes/wbytes -> ioServiceBytesRecursive Read/Write");
	ok(s->blkio.serviced.n == 4 && blkio_is(&s->blkio.serviced.e[0], 8, 0, "Read", 12) &&
	       blkio_is(&s->blkio.serviced.e[1], 8, 0, "Write", 1),
	   "v2 io.stat rios/wios -> ioServicedRecursive");
	ok(s->cpuset.cpus.n == 0 && s->memory.kernel.usage == 0, "v2: no cpuset, no kmem");
	if (n_host_sizes)
		ok(s->hugetlb.n == n_host_sizes && s->hugetlb.e[0].usage == 4194304 &&
		       s->hugetlb.e[0].max == 0 && s->hugetlb.e[0].failcnt == 2,
		   "v2 hugetlb current -> usage, events max -> failcnt, .max (a limit) unused");
}

static void test_v2(void)
{
	struct rl_cg_dir d =
	    dir("v2", true,
		RL_CG_BIT(RL_CG_CPU) | RL_CG_BIT(RL_CG_MEMORY) | RL_CG_BIT(RL_CG_PIDS) |
		    RL_CG_BIT(RL_CG_BLKIO) | RL_CG_BIT(RL_CG_HUGETLB) | RL_CG_BIT(RL_CG_CORE));
	struct rl_cgroup cg = {.d = &d, .n = 1};
	struct rl_stats s;
	struct rl_error err = {0};

	make_v2();
	if (ok(rl_cg_stats(&cg, &s, &err) == 0, "v2 stats: %s", err.msg)) {
		check_v2(&s);
		rl_stats_free(&s);
	}

	/* the cpu controller not enabled: cpu.stat still has the usage */
	d.ctrls = RL_CG_BIT(RL_CG_CORE);
	ok(rl_cg_stats(&cg, &s, &err) == 0 && s.cpu.usage.total == 43256000 &&
	       s.memory.usage.usage == 0 && s.pids.current == 0,
	   "v2 without controllers: cpu usage from cpu.stat, nothing else");
	rl_stats_free(&s);

	/* swap limited: the limit is reported as memory + swap */
	d.ctrls = RL_CG_BIT(RL_CG_MEMORY);
	put("v2/c1", "memory.swap.max", "1048576\n");
	ok(rl_cg_stats(&cg, &s, &err) == 0 && s.memory.swap.limit == 67108864 + 1048576,
	   "v2 swap limit = memory.max + memory.swap.max");
	rl_stats_free(&s);
	free(d.mount);
	free(d.path);
}

/* A hybrid host like this one: v1 controllers, hugetlb on v2. */
static void test_hybrid(void)
{
	struct rl_cg_dir d[2] = {dir("v1/memory", false, RL_CG_BIT(RL_CG_MEMORY)),
				 dir("v2", true, RL_CG_BIT(RL_CG_HUGETLB) | RL_CG_BIT(RL_CG_CORE))};
	struct rl_cgroup cg = {.d = d, .n = 2};
	struct rl_stats s;
	struct rl_error err = {0};

	ok(rl_cg_stats(&cg, &s, &err) == 0, "hybrid stats: %s", err.msg);
	ok(s.memory.usage.usage == 819200 && s.memory.cache == 1720320,
	   "hybrid: memory from the v1 spelling");
	ok(s.cpu.usage.total == 43256000, "hybrid: no v1 cpu, so v2 cpu.stat");
	ok(n_host_sizes == 0 || (s.hugetlb.n == n_host_sizes && s.hugetlb.e[0].failcnt == 2),
	   "hybrid: hugetlb from the v2 spelling");
	rl_stats_free(&s);
	for (int i = 0; i < 2; i++) {
		free(d[i].mount);
		free(d[i].path);
	}
}

static void test_missing_and_bad(void)
{
	struct rl_cg_dir d[2] = {
	    dir("empty1", false, RL_CG_BIT(RL_CG_MEMORY) | RL_CG_BIT(RL_CG_CPU)),
	    dir("empty2", true, RL_CG_BIT(RL_CG_PIDS) | RL_CG_BIT(RL_CG_BLKIO))};
	struct rl_cgroup cg = {.d = d, .n = 2}, none = {0};
	struct rl_stats s;
	struct rl_error err = {0};

	mkdirs("empty1/c1");
	mkdirs("empty2/c1");
	ok(rl_cg_stats(&cg, &s, &err) == 0 && s.memory.usage.limit == 0 && s.pids.limit == 0 &&
	       s.memory.raw.n == 0 && s.blkio.service_bytes.n == 0,
	   "missing files: success, fields 0 (%s)", err.msg);
	rl_stats_free(&s);
	ok(rl_cg_stats(&none, &s, &err) == 0, "no cgroups at all: success, all 0");
	rl_stats_free(&s);

	put("empty2/c1", "pids.current", "lots\n");
	ok(rl_cg_stats(&cg, &s, &err) < 0, "a non-number is an error");
	ok(strstr(err.msg, "cgroup stats: read \"") && strstr(err.msg, "empty2/c1/pids.current") &&
	       strstr(err.msg, "unexpected content \"lots\""),
	   "  naming the file: %s", err.msg);
	unlink(spath("empty2/c1/pids.current"));

	put("empty2/c1", "io.stat", "garbage\n");
	ok(rl_cg_stats(&cg, &s, &err) < 0 && strstr(err.msg, "io.stat"), "bad io.stat: %s",
	   err.msg);
	unlink(spath("empty2/c1/io.stat"));

	put("empty1/c1", "cpu.stat", "nr_periods -3\n");
	ok(rl_cg_stats(&cg, &s, &err) < 0 && strstr(err.msg, "cpu.stat"), "a negative counter: %s",
	   err.msg);
	unlink(spath("empty1/c1/cpu.stat"));

	mkdirs("empty1/c1/memory.stat"); /* read() of a directory: EISDIR */
	ok(rl_cg_stats(&cg, &s, &err) < 0 && err.errnum == EISDIR && strstr(err.msg, "memory.stat"),
	   "a read error other than a missing file is reported: %s", err.msg);
	rmdir(spath("empty1/c1/memory.stat"));
	for (int i = 0; i < 2; i++) {
		free(d[i].mount);
		free(d[i].path);
	}
}

static void test_hugepage_sizes(void)
{
	struct rl_error err = {0};
	char **v = NULL, buf[16];
	size_t n = 9;

	is_str(rl_hugepage_name(2048, buf, sizeof(buf)), "2MB", "2048kB -> 2MB");
	is_str(rl_hugepage_name(1048576, buf, sizeof(buf)), "1GB", "1048576kB -> 1GB");
	is_str(rl_hugepage_name(64, buf, sizeof(buf)), "64KB", "64kB -> 64KB");
	is_str(rl_hugepage_name(32768, buf, sizeof(buf)), "32MB", "32768kB -> 32MB");
	is_str(rl_hugepage_name(16777216, buf, sizeof(buf)), "16GB", "16GB");

	mkdirs("hp/hugepages-2048kB");
	mkdirs("hp/hugepages-1048576kB");
	mkdirs("hp/hugepages-64kB");
	mkdirs("hp/hugepages-12MB");
	mkdirs("hp/other");
	ok(rl_hugepage_sizes(spath("hp"), &v, &n, &err) == 0 && n == 3,
	   "three hugepages-<N>kB entries");
	ok(v && n == 3 && strcmp(v[0], "1GB") == 0 && strcmp(v[1], "2MB") == 0 &&
	       strcmp(v[2], "64KB") == 0 && v[3] == NULL,
	   "named as runc, sorted, NULL-terminated");
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
	ok(rl_hugepage_sizes(spath("hp/nope"), &v, &n, &err) == 0 && n == 0 && v && !v[0],
	   "no hugepages directory: no sizes");
	free(v);
}

/* ---- OOM --------------------------------------------------------------------- */

static bool readable(int fd)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void test_oom_v2(void)
{
	struct rl_cg_dir d = dir("oom2", true, RL_CG_BIT(RL_CG_MEMORY) | RL_CG_BIT(RL_CG_CORE));
	struct rl_cgroup cg = {.d = &d, .n = 1};
	struct rl_error err = {0};
	uint64_t last = RL_CG_OOM_UNSET;
	bool oom = true;
	int fd = -1;

	mkdirs("oom2/c1");
	put("oom2/c1", "memory.events", "low 0\nhigh 0\nmax 0\noom 3\noom_kill 3\n");
	ok(rl_cg_oom_open(&cg, &fd, &err) == 0 && fd >= 0, "v2 oom open: %s", err.msg);
	ok((fcntl(fd, F_GETFD) & FD_CLOEXEC) && (fcntl(fd, F_GETFL) & O_NONBLOCK),
	   "  close-on-exec and non-blocking");
	ok(!readable(fd), "  nothing pending after open");
	ok(rl_cg_oom_check(&cg, fd, &last, &oom, &err) == 0 && !oom && last == 3,
	   "first check records the count (3) and reports no OOM");

	put("oom2/c1", "memory.events", "low 0\nhigh 0\nmax 1\noom 4\noom_kill 4\n");
	ok(readable(fd), "a write to memory.events makes the fd readable");
	ok(rl_cg_oom_check(&cg, fd, &last, &oom, &err) == 0 && oom && last == 4,
	   "oom_kill 3 -> 4: an OOM");
	ok(!readable(fd), "the check drained the fd");
	ok(rl_cg_oom_check(&cg, fd, &last, &oom, &err) == 0 && !oom, "checked again: no OOM");

	put("oom2/c1", "memory.events", "low 0\nhigh 7\nmax 1\noom 4\noom_kill 4\n");
	ok(readable(fd), "another counter changing: readable too");
	ok(rl_cg_oom_check(&cg, fd, &last, &oom, &err) == 0 && !oom,
	   "  but oom_kill unchanged: no OOM");

	put("oom2/c1", "memory.events", "low 0\nhigh 7\nmax 3\noom 6\noom_kill 6\n");
	ok(rl_cg_oom_check(&cg, fd, &last, &oom, &err) == 0 && oom && last == 6,
	   "two kills between checks: one OOM reported");

	unlink(spath("oom2/c1/memory.events"));
	ok(readable(fd), "the file removed (IN_IGNORED): readable");
	ok(rl_cg_oom_check(&cg, fd, &last, &oom, &err) == 0 && !oom && !readable(fd),
	   "  not an OOM, not an error, drained");
	close(fd);

	fd = 7;
	ok(rl_cg_oom_open(&cg, &fd, &err) < 0 && fd == -1 && err.errnum == ENOENT &&
	       strstr(err.msg, "memory.events"),
	   "no memory.events: error naming it (%s)", err.msg);
	free(d.mount);
	free(d.path);
}

static void test_oom_v1(void)
{
	struct rl_cg_dir d = dir("oom1", false, RL_CG_BIT(RL_CG_MEMORY));
	struct rl_cgroup cg = {.d = &d, .n = 1}, none = {0};
	struct rl_error err = {0};
	uint64_t last = RL_CG_OOM_UNSET, one = 1;
	bool oom = true;
	char link[64], want[32];
	int fd = -1, efd = -1, ofd = -1;
	ssize_t n;

	mkdirs("oom1/c1");
	put("oom1/c1", "memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
	put("oom1/c1", "cgroup.event_control", "");
	ok(rl_cg_oom_open(&cg, &fd, &err) == 0 && fd >= 0, "v1 oom open: %s", err.msg);
	snprintf(want, sizeof(want), "/proc/self/fd/%d", fd);
	n = readlink(want, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	is_str(link, "anon_inode:[eventfd]", "  the fd is an eventfd");
	ok(sscanf(get("oom1/c1", "cgroup.event_control"), "%d %d", &efd, &ofd) == 2 && efd == fd &&
	       ofd >= 0,
	   "  registered as \"<eventfd> <oom_control fd>\" (\"%s\")",
	   get("oom1/c1", "cgroup.event_control"));
	ok(fcntl(ofd, F_GETFD) < 0, "  the oom_control fd is closed again");
	ok(rl_cg_oom_check(&cg, fd, &last, &oom, &err) == 0 && !oom, "nothing pending: no OOM");

	/* what the kernel does on an OOM: add to the eventfd counter */
	ok(write(fd, &one, sizeof(one)) == sizeof(one) && readable(fd), "signalled: readable");
	ok(rl_cg_oom_check(&cg, fd, &last, &oom, &err) == 0 && oom, "  an OOM");
	ok(!readable(fd) && rl_cg_oom_check(&cg, fd, &last, &oom, &err) == 0 && !oom,
	   "  consumed once");

	/* and when the cgroup is removed */
	unlink(spath("oom1/c1/cgroup.event_control"));
	ok(write(fd, &one, sizeof(one)) == sizeof(one), "signalled after removal");
	ok(rl_cg_oom_check(&cg, fd, &last, &oom, &err) == 0 && !oom, "  not an OOM");
	close(fd);

	ok(rl_cg_oom_open(&cg, &fd, &err) < 0 && strstr(err.msg, "cgroup.event_control"),
	   "no cgroup.event_control: error (%s)", err.msg);
	fd = 5;
	ok(rl_cg_oom_open(&none, &fd, &err) == 0 && fd == -1, "no memory controller: fd -1");
	ok(rl_cg_oom_check(&none, -1, &last, &oom, &err) == 0 && !oom, "  and never an OOM");
	free(d.mount);
	free(d.path);
}

int main(void)
{
	struct rl_error err = {0};

	if (!mkdtemp(scratch)) {
		printf("1..0 # SKIP mkdtemp: %s\n", strerror(errno));
		return 0;
	}
	have_scratch = true;
	atexit(remove_scratch);
	if (rl_hugepage_sizes("/sys/kernel/mm/hugepages", &host_sizes, &n_host_sizes, &err) < 0)
		printf("# host hugepage sizes: %s\n", err.msg);
	test_v1();
	test_v2();
	test_hybrid();
	test_missing_and_bad();
	test_hugepage_sizes();
	test_oom_v2();
	test_oom_v1();
	for (size_t i = 0; i < n_host_sizes; i++)
		free(host_sizes[i]);
	free(host_sizes);
	return done_testing();
}
