/* linux.resources -> cgroup files (runtime-spec config-linux.md, "Control
 * groups" through "Unified"), spelled for the version that holds each
 * controller, each with the config field it comes from; and the device
 * rules a container gets.  See cgroup.h.
 *
 * rl_cg_plan_make is the one place that converts; it reads nothing, so what
 * it cannot know about the host (whether blkio has the CFQ or the BFQ
 * files, whether hugetlb has .rsvd files) is left to the applier
 * (cgroup_apply.c), which falls back by file name.  Zero means "not set"
 * where runc reads it that way (memory sizes, cpu shares, quota and period,
 * blkio weight), so a config means the same under both runtimes. */
#include "runtime/cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RES "linux.resources."

/* The kernel's default CFS period (cpu.max without one keeps "100000"). */
#define CFS_PERIOD_DEFAULT 100000

/* ---- where each controller is ------------------------------------------ */

static void where_add(int where[RL_CG__COUNT], bool v2, unsigned ctrls)
{
	for (int c = 0; c < RL_CG__COUNT; c++) {
		if (!(ctrls & RL_CG_BIT(c)) || c == RL_CG_CORE)
			continue;
		/* v1 wins: a controller bound to a v1 hierarchy is not usable on v2 */
		if (!v2)
			where[c] = 1;
		else if (where[c] == 0)
			where[c] = 2;
	}
	if (v2)
		where[RL_CG_CORE] = 2;
}

void rl_cg_where(const struct rl_cg_layout *l, int where[RL_CG__COUNT])
{
	memset(where, 0, sizeof(int) * RL_CG__COUNT);
	for (size_t i = 0; l && i < l->n; i++)
		where_add(where, l->h[i].v2, l->h[i].ctrls);
}

void rl_cg_where_dirs(const struct rl_cgroup *cg, int where[RL_CG__COUNT])
{
	memset(where, 0, sizeof(int) * RL_CG__COUNT);
	for (size_t i = 0; cg && i < cg->n; i++)
		where_add(where, cg->d[i].v2, cg->d[i].ctrls);
}

/* ---- building the plan ------------------------------------------------- */

struct builder {
	struct rl_cg_plan p;
	const int *where;
	bool v2only; /* a pure v2 host: controllers are named the v2 way */
	struct rl_error *err;
};

static int oom(struct builder *b)
{
	return rl_error_set(b->err, ENOMEM, "linux.resources: planning the cgroup writes");
}

/* One write: file gets the value, for the config field (its path below
 * "linux.resources.") that asked for it, which the applier's errors name. */
static int add(struct builder *b, enum rl_cg_ctrl c, const char *field, const char *file,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int add(struct builder *b, enum rl_cg_ctrl c, const char *field, const char *file,
	       const char *fmt, ...)
{
	struct rl_cg_write *w = realloc(b->p.w, (b->p.n + 1) * sizeof(*w));
	va_list ap;
	int r;

	if (!w)
		return oom(b);
	b->p.w = w;
	w = &w[b->p.n];
	*w = (struct rl_cg_write){.ctrl = c};
	va_start(ap, fmt);
	r = vasprintf(&w->value, fmt, ap);
	va_end(ap);
	if (r < 0)
		return oom(b);
	w->file = strdup(file);
	if (!w->file || asprintf(&w->field, RES "%s", field) < 0) {
		free(w->file);
		free(w->value);
		return oom(b);
	}
	b->p.n++;
	return 0;
}

/* The last write must follow the next one when the kernel refuses it with
 * EINVAL (see rl_cg_write.swap_with_next). */
static void swap_last(struct builder *b, bool next_follows)
{
	if (next_follows && b->p.n)
		b->p.w[b->p.n - 1].swap_with_next = true;
}

/* 0 when controller c can take field; else the error naming the field. */
static int need(struct builder *b, enum rl_cg_ctrl c, const char *field)
{
	const char *v2name = rl_cg_ctrl_name(c, true);

	if (b->where[c] == 1 || (b->where[c] == 2 && v2name))
		return 0;
	if (!v2name && (b->where[c] == 2 || b->v2only))
		return rl_error_set(b->err, 0, RES "%s: not supported on cgroup v2", field);
	return rl_error_set(b->err, 0, RES "%s: the %s controller is not available", field,
			    rl_cg_ctrl_name(c, b->v2only));
}

/* One optional field of a section: whether it asks for a write. */
struct field {
	bool set;
	const char *name;
};

static const char *first_set(const struct field *f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (f[i].set)
			return f[i].name;
	return NULL;
}

#define FIRST_SET(...)                                                                             \
	first_set((const struct field[]){__VA_ARGS__},                                             \
		  sizeof((const struct field[]){__VA_ARGS__}) / sizeof(struct field))

/* Memory values are bytes or -1 for unlimited (config-linux.md, "Memory"). */
static const char *lim(int64_t v, bool v2, char buf[24])
{
	if (v < 0)
		return v2 ? "max" : "-1";
	snprintf(buf, 24, "%" PRId64, v);
	return buf;
}

/* ---- memory ------------------------------------------------------------- */

static int memory_v1(struct builder *b, const struct rl_memory *m)
{
	const enum rl_cg_ctrl M = RL_CG_MEMORY;
	char n[24];

	/* memory.limit_in_bytes may not go above memory.memsw.limit_in_bytes,
	 * nor memsw below the limit: which goes first depends on the current
	 * values, so the limit goes first and the applier swaps on EINVAL.
	 * OCI swap is the memsw total already ("memory+swap"). */
	if (m->limit.set) {
		if (add(b, M, "memory.limit", "memory.limit_in_bytes", "%s",
			lim(m->limit.v, false, n)) < 0)
			return -1;
		swap_last(b, m->swap.set);
	}
	if (m->swap.set && add(b, M, "memory.swap", "memory.memsw.limit_in_bytes", "%s",
			       lim(m->swap.v, false, n)) < 0)
		return -1;
	if (m->reservation.set && add(b, M, "memory.reservation", "memory.soft_limit_in_bytes",
				      "%s", lim(m->reservation.v, false, n)) < 0)
		return -1;
	if (m->swappiness.set &&
	    add(b, M, "memory.swappiness", "memory.swappiness", "%" PRIu64, m->swappiness.v) < 0)
		return -1;
	if (m->kernel_tcp.set && add(b, M, "memory.kernelTCP", "memory.kmem.tcp.limit_in_bytes",
				     "%s", lim(m->kernel_tcp.v, false, n)) < 0)
		return -1;
	if (m->disable_oom_killer.set && add(b, M, "memory.disableOOMKiller", "memory.oom_control",
					     "%d", m->disable_oom_killer.v) < 0)
		return -1;
	if (m->use_hierarchy.set &&
	    add(b, M, "memory.useHierarchy", "memory.use_hierarchy", "%d", m->use_hierarchy.v) < 0)
		return -1;
	return 0;
}

/* v2 keeps swap apart (memory.swap.max) where OCI gives memory + swap. */
static int swap_v2(struct builder *b, const struct rl_memory *m)
{
	if (m->swap.v < 0)
		return add(b, RL_CG_MEMORY, "memory.swap", "memory.swap.max", "max");
	if (!m->limit.set || m->limit.v < 0)
		return rl_error_set(b->err, 0,
				    RES "memory.swap: needs a memory.limit on cgroup v2 "
					"(memory.swap.max is swap - limit)");
	if (m->swap.v < m->limit.v)
		return rl_error_set(b->err, 0,
				    RES "memory.swap: must be at least memory.limit "
					"(it is memory + swap)");
	return add(b, RL_CG_MEMORY, "memory.swap", "memory.swap.max", "%" PRId64,
		   m->swap.v - m->limit.v);
}

static int memory_v2(struct builder *b, const struct rl_memory *m)
{
	char n[24];

	if (m->limit.set) {
		if (add(b, RL_CG_MEMORY, "memory.limit", "memory.max", "%s",
			lim(m->limit.v, true, n)) < 0)
			return -1;
		b->p.w[b->p.n - 1].check_usage =
		    m->check_before_update.set && m->check_before_update.v && m->limit.v >= 0;
	}
	if (m->reservation.set && add(b, RL_CG_MEMORY, "memory.reservation", "memory.low", "%s",
				      lim(m->reservation.v, true, n)) < 0)
		return -1;
	if (m->swap.set && swap_v2(b, m) < 0)
		return -1;
	/* No v2 file for these (runc drops them without a word): refused, so
	 * that a caller does not believe them applied.  Values that ask for
	 * what v2 does anyway are fine. */
	if (m->swappiness.set)
		return rl_error_set(b->err, 0, RES "memory.swappiness: not supported on cgroup v2");
	if (m->kernel_tcp.set && m->kernel_tcp.v >= 0)
		return rl_error_set(b->err, 0, RES "memory.kernelTCP: not supported on cgroup v2");
	if (m->disable_oom_killer.set && m->disable_oom_killer.v)
		return rl_error_set(b->err, 0,
				    RES "memory.disableOOMKiller: not supported on cgroup v2");
	if (m->use_hierarchy.set && !m->use_hierarchy.v)
		return rl_error_set(b->err, 0,
				    RES "memory.useHierarchy: false is not supported on cgroup v2 "
					"(always hierarchical)");
	return 0;
}

/* A size of 0 is "not set", as runc reads every memory size, in a config
 * and in `update` (where 0 leaves a value alone): dockerd's `docker update
 * --cpus 1` passes memory {limit 0, reservation 0, kernel 0} for the
 * memory it does not change.  No cgroup can run under a limit of 0 bytes,
 * so no caller means one. */
static struct rl_memory memory_sizes_set(const struct rl_memory *m)
{
	struct rl_memory n = *m;
	struct rl_opt_i64 *const sizes[] = {&n.limit, &n.reservation, &n.swap, &n.kernel,
					    &n.kernel_tcp};

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		if (sizes[i]->set && sizes[i]->v == 0)
			sizes[i]->set = false;
	return n;
}

static int plan_memory(struct builder *b, const struct rl_memory *mem)
{
	const struct rl_memory set = memory_sizes_set(mem), *m = &set;
	const char *first =
	    FIRST_SET({m->limit.set, "memory.limit"}, {m->reservation.set, "memory.reservation"},
		      {m->swap.set, "memory.swap"}, {m->kernel_tcp.set, "memory.kernelTCP"},
		      {m->swappiness.set, "memory.swappiness"},
		      {m->disable_oom_killer.set, "memory.disableOOMKiller"},
		      {m->use_hierarchy.set, "memory.useHierarchy"});

	/* Deprecated by the spec; the kernel takes memory.kmem.limit_in_bytes
	 * and limits nothing (5.16 and later): a limit is refused rather than
	 * ignored, -1 (no limit) is what every cgroup has. */
	if (m->kernel.set && m->kernel.v >= 0)
		return rl_error_set(b->err, 0,
				    RES "memory.kernel: kernel memory limits are obsolete, "
					"Linux no longer enforces them");
	if (!first)
		return 0;
	if (need(b, RL_CG_MEMORY, first) < 0)
		return -1;
	return b->where[RL_CG_MEMORY] == 2 ? memory_v2(b, m) : memory_v1(b, m);
}

/* ---- cpu, cpuset ---------------------------------------------------------- */

uint64_t rl_cg_shares_to_weight(uint64_t shares)
{
	if (shares < 2)
		shares = 2;
	if (shares > 262144)
		shares = 262144;
	return 1 + ((shares - 2) * 9999) / 262142;
}

static int cpu_v1(struct builder *b, const struct rl_cpu *c)
{
	const enum rl_cg_ctrl C = RL_CG_CPU;
	bool quota = c->quota.set && c->quota.v, period = c->period.set && c->period.v;
	bool rt_runtime = c->realtime_runtime.set && c->realtime_runtime.v;

	if (c->shares.set && c->shares.v &&
	    add(b, C, "cpu.shares", "cpu.shares", "%" PRIu64, c->shares.v) < 0)
		return -1;
	/* A shorter period can exceed the parent's quota until the new quota is
	 * in (EINVAL), and a lower quota can fall below the current burst:
	 * each goes first and is retried after the next one when refused. */
	if (period) {
		if (add(b, C, "cpu.period", "cpu.cfs_period_us", "%" PRIu64, c->period.v) < 0)
			return -1;
		swap_last(b, quota);
	}
	if (quota) {
		if (add(b, C, "cpu.quota", "cpu.cfs_quota_us", "%" PRId64, c->quota.v) < 0)
			return -1;
		swap_last(b, c->burst.set);
	}
	if (c->burst.set && add(b, C, "cpu.burst", "cpu.cfs_burst_us", "%" PRIu64, c->burst.v) < 0)
		return -1;
	/* rt_runtime_us must fit the period: the same dance as above. */
	if (c->realtime_period.set && c->realtime_period.v) {
		if (add(b, C, "cpu.realtimePeriod", "cpu.rt_period_us", "%" PRIu64,
			c->realtime_period.v) < 0)
			return -1;
		swap_last(b, rt_runtime);
	}
	if (rt_runtime && add(b, C, "cpu.realtimeRuntime", "cpu.rt_runtime_us", "%" PRId64,
			      c->realtime_runtime.v) < 0)
		return -1;
	return 0;
}

static int cpu_v2(struct builder *b, const struct rl_cpu *c)
{
	const enum rl_cg_ctrl C = RL_CG_CPU;
	bool quota = c->quota.set && c->quota.v, period = c->period.set && c->period.v;
	char q[24] = "max";

	if (c->realtime_runtime.set && c->realtime_runtime.v)
		return rl_error_set(b->err, 0,
				    RES "cpu.realtimeRuntime: not supported on cgroup v2");
	if (c->realtime_period.set && c->realtime_period.v)
		return rl_error_set(b->err, 0,
				    RES "cpu.realtimePeriod: not supported on cgroup v2");
	if (c->shares.set && c->shares.v &&
	    add(b, C, "cpu.shares", "cpu.weight", "%" PRIu64, rl_cg_shares_to_weight(c->shares.v)) <
		0)
		return -1;
	if (quota || period) {
		if (quota && c->quota.v > 0)
			snprintf(q, sizeof(q), "%" PRId64, c->quota.v);
		if (add(b, C, quota ? "cpu.quota" : "cpu.period", "cpu.max", "%s %" PRIu64, q,
			period ? c->period.v : CFS_PERIOD_DEFAULT) < 0)
			return -1;
		/* a lower quota can fall below the current burst (EINVAL) */
		swap_last(b, c->burst.set);
	}
	if (c->burst.set && add(b, C, "cpu.burst", "cpu.max.burst", "%" PRIu64, c->burst.v) < 0)
		return -1;
	return 0;
}

static int plan_cpu(struct builder *b, const struct rl_cpu *c)
{
	const char *first = FIRST_SET(
	    {c->shares.set && c->shares.v, "cpu.shares"}, {c->quota.set && c->quota.v, "cpu.quota"},
	    {c->period.set && c->period.v, "cpu.period"}, {c->burst.set, "cpu.burst"},
	    {c->realtime_runtime.set && c->realtime_runtime.v, "cpu.realtimeRuntime"},
	    {c->realtime_period.set && c->realtime_period.v, "cpu.realtimePeriod"},
	    {c->idle.set, "cpu.idle"});
	const char *first_cpuset =
	    FIRST_SET({c->cpus && c->cpus[0], "cpu.cpus"}, {c->mems && c->mems[0], "cpu.mems"});

	if (first && need(b, RL_CG_CPU, first) < 0)
		return -1;
	if (first_cpuset && need(b, RL_CG_CPUSET, first_cpuset) < 0)
		return -1;
	if (first && (b->where[RL_CG_CPU] == 2 ? cpu_v2(b, c) : cpu_v1(b, c)) < 0)
		return -1;
	/* cpuset files are spelled the same on v1 and v2 */
	if (c->cpus && c->cpus[0] &&
	    add(b, RL_CG_CPUSET, "cpu.cpus", "cpuset.cpus", "%s", c->cpus) < 0)
		return -1;
	if (c->mems && c->mems[0] &&
	    add(b, RL_CG_CPUSET, "cpu.mems", "cpuset.mems", "%s", c->mems) < 0)
		return -1;
	if (c->idle.set && add(b, RL_CG_CPU, "cpu.idle", "cpu.idle", "%" PRId64, c->idle.v) < 0)
		return -1;
	return 0;
}

/* ---- pids ----------------------------------------------------------------- */

static int plan_pids(struct builder *b, const struct rl_opt_i64 *limit)
{
	/* A negative limit is "max"; 0 is pids.max 0, no new process at all
	 * (runtime-spec 1.3; runc 1.1 left pids.max alone for 0). */
	if (!limit->set)
		return 0;
	if (need(b, RL_CG_PIDS, "pids.limit") < 0)
		return -1;
	if (limit->v < 0)
		return add(b, RL_CG_PIDS, "pids.limit", "pids.max", "max");
	return add(b, RL_CG_PIDS, "pids.limit", "pids.max", "%" PRId64, limit->v);
}

/* ---- blockIO -------------------------------------------------------------- */

static const struct {
	const char *key, *v1, *v2;
} throttles[] = {
    {"throttleReadBpsDevice", "blkio.throttle.read_bps_device", "rbps"},
    {"throttleWriteBpsDevice", "blkio.throttle.write_bps_device", "wbps"},
    {"throttleReadIOPSDevice", "blkio.throttle.read_iops_device", "riops"},
    {"throttleWriteIOPSDevice", "blkio.throttle.write_iops_device", "wiops"},
};

static void throttle_list(const struct rl_block_io *io, size_t i,
			  const struct rl_throttle_device **v, size_t *n)
{
	const struct rl_throttle_device *lists[] = {io->throttle_read_bps, io->throttle_write_bps,
						    io->throttle_read_iops,
						    io->throttle_write_iops};
	const size_t counts[] = {io->n_throttle_read_bps, io->n_throttle_write_bps,
				 io->n_throttle_read_iops, io->n_throttle_write_iops};

	*v = lists[i];
	*n = counts[i];
}

static int throttles_add(struct builder *b, const struct rl_block_io *io, bool v2)
{
	for (size_t i = 0; i < sizeof(throttles) / sizeof(throttles[0]); i++) {
		const struct rl_throttle_device *t;
		size_t n;

		throttle_list(io, i, &t, &n);
		for (size_t j = 0; j < n; j++) {
			char field[64];
			int r;

			snprintf(field, sizeof(field), "blockIO.%s[%zu]", throttles[i].key, j);
			r = v2 ? add(b, RL_CG_BLKIO, field, "io.max",
				     "%" PRId64 ":%" PRId64 " %s=%" PRIu64, t[j].major, t[j].minor,
				     throttles[i].v2, t[j].rate)
			       : add(b, RL_CG_BLKIO, field, throttles[i].v1,
				     "%" PRId64 ":%" PRId64 " %" PRIu64, t[j].major, t[j].minor,
				     t[j].rate);
			if (r < 0)
				return -1;
		}
	}
	return 0;
}

/* v1: the CFQ names; the applier falls back to the BFQ ones (blkio.bfq.*)
 * where CFQ is gone (every kernel since 5.0). */
static int blkio_v1(struct builder *b, const struct rl_block_io *io)
{
	const enum rl_cg_ctrl B = RL_CG_BLKIO;

	if (io->weight.set && io->weight.v &&
	    add(b, B, "blockIO.weight", "blkio.weight", "%" PRIu32, io->weight.v) < 0)
		return -1;
	if (io->leaf_weight.set && io->leaf_weight.v &&
	    add(b, B, "blockIO.leafWeight", "blkio.leaf_weight", "%" PRIu32, io->leaf_weight.v) < 0)
		return -1;
	for (size_t i = 0; i < io->n_weight_device; i++) {
		const struct rl_weight_device *d = &io->weight_device[i];
		char fw[64], fl[64];

		snprintf(fw, sizeof(fw), "blockIO.weightDevice[%zu].weight", i);
		snprintf(fl, sizeof(fl), "blockIO.weightDevice[%zu].leafWeight", i);
		if (d->weight.set &&
		    add(b, B, fw, "blkio.weight_device", "%" PRId64 ":%" PRId64 " %" PRIu32,
			d->major, d->minor, d->weight.v) < 0)
			return -1;
		if (d->leaf_weight.set &&
		    add(b, B, fl, "blkio.leaf_weight_device", "%" PRId64 ":%" PRId64 " %" PRIu32,
			d->major, d->minor, d->leaf_weight.v) < 0)
			return -1;
	}
	return throttles_add(b, io, false);
}

/* v2: BFQ's io.bfq.weight takes the v1 scale as it is; without BFQ the
 * applier writes io.weight, converted to its scale. */
static int blkio_v2(struct builder *b, const struct rl_block_io *io)
{
	const enum rl_cg_ctrl B = RL_CG_BLKIO;

	if (io->weight.set && io->weight.v &&
	    add(b, B, "blockIO.weight", "io.bfq.weight", "%" PRIu32, io->weight.v) < 0)
		return -1;
	if (io->leaf_weight.set && io->leaf_weight.v)
		return rl_error_set(b->err, 0,
				    RES "blockIO.leafWeight: not supported on cgroup v2");
	for (size_t i = 0; i < io->n_weight_device; i++) {
		const struct rl_weight_device *d = &io->weight_device[i];
		char fw[64];

		snprintf(fw, sizeof(fw), "blockIO.weightDevice[%zu].weight", i);
		if (d->weight.set &&
		    add(b, B, fw, "io.bfq.weight", "%" PRId64 ":%" PRId64 " %" PRIu32, d->major,
			d->minor, d->weight.v) < 0)
			return -1;
		if (d->leaf_weight.set)
			return rl_error_set(b->err, 0,
					    RES
					    "blockIO.weightDevice[%zu].leafWeight: not supported "
					    "on cgroup v2",
					    i);
	}
	return throttles_add(b, io, true);
}

static int plan_blkio(struct builder *b, const struct rl_block_io *io)
{
	const char *first =
	    FIRST_SET({io->weight.set && io->weight.v, "blockIO.weight"},
		      {io->leaf_weight.set && io->leaf_weight.v, "blockIO.leafWeight"},
		      {io->n_weight_device > 0, "blockIO.weightDevice"},
		      {io->n_throttle_read_bps > 0, "blockIO.throttleReadBpsDevice"},
		      {io->n_throttle_write_bps > 0, "blockIO.throttleWriteBpsDevice"},
		      {io->n_throttle_read_iops > 0, "blockIO.throttleReadIOPSDevice"},
		      {io->n_throttle_write_iops > 0, "blockIO.throttleWriteIOPSDevice"});

	if (!first)
		return 0;
	if (need(b, RL_CG_BLKIO, first) < 0)
		return -1;
	return b->where[RL_CG_BLKIO] == 2 ? blkio_v2(b, io) : blkio_v1(b, io);
}

/* ---- hugetlb, network, rdma ------------------------------------------------ */

/* The .rsvd files (reservations, 5.7 and later) get the same limit, as
 * runc does; the applier skips them where the kernel has none. */
static int plan_hugetlb(struct builder *b, const struct rl_resources *r)
{
	bool v2 = b->where[RL_CG_HUGETLB] == 2;
	char f[96], rsvd[96];

	if (r->n_hugepage_limits && need(b, RL_CG_HUGETLB, "hugepageLimits") < 0)
		return -1;
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const struct rl_hugepage_limit *h = &r->hugepage_limits[i];
		char field[48];

		snprintf(field, sizeof(field), "hugepageLimits[%zu]", i);
		snprintf(f, sizeof(f), "hugetlb.%s.%s", h->page_size,
			 v2 ? "max" : "limit_in_bytes");
		snprintf(rsvd, sizeof(rsvd), "hugetlb.%s.rsvd.%s", h->page_size,
			 v2 ? "max" : "limit_in_bytes");
		if (add(b, RL_CG_HUGETLB, field, f, "%" PRIu64, h->limit) < 0 ||
		    add(b, RL_CG_HUGETLB, field, rsvd, "%" PRIu64, h->limit) < 0)
			return -1;
	}
	return 0;
}

/* A name that goes into a "NAME VALUE" line must be one word. */
static bool one_word(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || *s == 0x7f)
			return false;
	return true;
}

static int plan_network(struct builder *b, const struct rl_network *n)
{
	if (n->class_id.set) {
		if (need(b, RL_CG_NET_CLS, "network.classID") < 0)
			return -1;
		if (add(b, RL_CG_NET_CLS, "network.classID", "net_cls.classid", "%" PRIu32,
			n->class_id.v) < 0)
			return -1;
	}
	if (n->n_priorities && need(b, RL_CG_NET_PRIO, "network.priorities") < 0)
		return -1;
	for (size_t i = 0; i < n->n_priorities; i++) {
		const struct rl_net_priority *p = &n->priorities[i];
		char field[48];

		if (!one_word(p->name))
			return rl_error_set(b->err, 0,
					    RES "network.priorities[%zu].name: \"%s\" is not an "
						"interface name",
					    i, p->name);
		snprintf(field, sizeof(field), "network.priorities[%zu]", i);
		if (add(b, RL_CG_NET_PRIO, field, "net_prio.ifpriomap", "%s %" PRIu32, p->name,
			p->priority) < 0)
			return -1;
	}
	return 0;
}

/* rdma.max is spelled the same on v1 and v2: "DEV hca_handle=N hca_object=M"
 * with only the limits given (the others keep their value). */
static int plan_rdma(struct builder *b, const struct rl_resources *r)
{
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct rl_rdma *d = &r->rdma[i];
		char h[32] = "", o[32] = "", field[256];

		if (!d->hca_handles.set && !d->hca_objects.set)
			continue;
		snprintf(field, sizeof(field), "rdma.\"%s\"", d->device);
		if (need(b, RL_CG_RDMA, field) < 0)
			return -1;
		if (!one_word(d->device))
			return rl_error_set(b->err, 0, RES "%s: not a device name", field);
		if (d->hca_handles.set)
			snprintf(h, sizeof(h), " hca_handle=%" PRIu32, d->hca_handles.v);
		if (d->hca_objects.set)
			snprintf(o, sizeof(o), " hca_object=%" PRIu32, d->hca_objects.v);
		if (add(b, RL_CG_RDMA, field, "rdma.max", "%s%s%s", d->device, h, o) < 0)
			return -1;
	}
	return 0;
}

/* ---- unified ---------------------------------------------------------------- */

/* The controller a unified key belongs to, by its prefix: "cgroup.*" is the
 * v2 directory itself; anything else must be a v2 controller on the v2
 * hierarchy, so that the write lands where the key says. */
static int unified_ctrl(struct builder *b, const char *key)
{
	const char *dot = strchr(key, '.');
	char prefix[32];
	int c;

	if (!key[0] || strchr(key, '/') || strstr(key, ".."))
		return rl_error_set(b->err, 0, RES "unified.\"%s\": not a cgroup file name", key);
	if (!dot || dot == key || !dot[1] || (size_t)(dot - key) >= sizeof(prefix))
		return rl_error_set(b->err, 0,
				    RES "unified.\"%s\": not of the form CONTROLLER.FILE", key);
	memcpy(prefix, key, (size_t)(dot - key));
	prefix[dot - key] = '\0';
	if (strcmp(prefix, "cgroup") == 0)
		return RL_CG_CORE;
	c = rl_cg_ctrl_from_name(prefix);
	if (c < 0 || !rl_cg_ctrl_name(c, true) || strcmp(rl_cg_ctrl_name(c, true), prefix) != 0)
		return rl_error_set(b->err, 0, RES "unified.\"%s\": no cgroup v2 controller \"%s\"",
				    key, prefix);
	if (b->where[c] != 2)
		return rl_error_set(b->err, 0,
				    RES "unified.\"%s\": the %s controller is not available on "
					"cgroup v2",
				    key, prefix);
	return c;
}

/* Last, so that a key overrides what the fields above wrote (runc, crun). */
static int plan_unified(struct builder *b, const struct rl_map *u)
{
	if (!u->n)
		return 0;
	if (b->where[RL_CG_CORE] != 2)
		return rl_error_set(b->err, 0, RES "unified: needs cgroup v2");
	for (size_t i = 0; i < u->n; i++) {
		int c = unified_ctrl(b, u->keys[i]);
		char field[300];

		snprintf(field, sizeof(field), "unified.\"%s\"", u->keys[i]);
		if (c < 0 || add(b, (enum rl_cg_ctrl)c, field, u->keys[i], "%s", u->values[i]) < 0)
			return -1;
	}
	return 0;
}

int rl_cg_plan_make(const struct rl_resources *r, const int where[RL_CG__COUNT],
		    struct rl_cg_plan *out, struct rl_error *err)
{
	struct builder b = {.where = where, .err = err};

	b.v2only = where[RL_CG_CORE] == 2;
	for (int c = 0; c < RL_CG__COUNT; c++)
		if (where[c] == 1)
			b.v2only = false;
	if ((r->has_memory && plan_memory(&b, &r->memory) < 0) ||
	    (r->has_cpu && plan_cpu(&b, &r->cpu) < 0) || plan_pids(&b, &r->pids_limit) < 0 ||
	    (r->has_block_io && plan_blkio(&b, &r->block_io) < 0) || plan_hugetlb(&b, r) < 0 ||
	    (r->has_network && plan_network(&b, &r->network) < 0) || plan_rdma(&b, r) < 0 ||
	    plan_unified(&b, &r->unified) < 0) {
		rl_cg_plan_free(&b.p);
		return -1;
	}
	*out = b.p;
	return 0;
}

void rl_cg_plan_free(struct rl_cg_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		free(p->w[i].field);
		free(p->w[i].file);
		free(p->w[i].value);
	}
	free(p->w);
	*p = (struct rl_cg_plan){0};
}

/* ---- device rules ------------------------------------------------------------- */

/* The devices every container gets (runc's AllowedDevices, less the
 * wildcard mknod and tun ones): null, zero, full, random, urandom, tty,
 * console, ptmx, pts/<n>. */
static const struct {
	int64_t major, minor; /* minor -1: any */
} default_devices[] = {
    {1, 3}, {1, 5}, {1, 7}, {1, 8}, {1, 9}, {5, 0}, {5, 1}, {5, 2}, {136, -1},
};

#define N_DEFAULT_DEVICES (sizeof(default_devices) / sizeof(default_devices[0]))

static struct rl_device_rule allow_rule(char type, int64_t major, int64_t minor)
{
	return (struct rl_device_rule){
	    .allow = true,
	    .type = type,
	    .major = {.set = true, .v = major},
	    .minor = {.set = minor >= 0, .v = minor},
	    .access = "rwm",
	};
}

int rl_cg_devices(const struct rl_config *cfg, struct rl_device_rule **out, size_t *n,
		  struct rl_error *err)
{
	const struct rl_linux *lx = cfg ? cfg->linux_ : NULL;
	const struct rl_resources *r = lx ? lx->resources : NULL;
	size_t n_rules = r ? r->n_devices : 0, n_devs = lx ? lx->n_devices : 0, k = 0;
	struct rl_device_rule *v = calloc(n_rules + N_DEFAULT_DEVICES + n_devs, sizeof(*v));

	if (!v)
		return rl_error_set(err, ENOMEM, "linux.resources.devices: building the rules");
	for (size_t i = 0; i < n_rules; i++)
		v[k++] = r->devices[i];
	for (size_t i = 0; i < N_DEFAULT_DEVICES; i++)
		v[k++] = allow_rule('c', default_devices[i].major, default_devices[i].minor);
	/* linux.devices: the container can use what it was given ('u' is an
	 * unbuffered character device; a fifo needs no rule). */
	for (size_t i = 0; i < n_devs; i++) {
		const struct rl_device *d = &lx->devices[i];

		if (d->type == 'c' || d->type == 'u' || d->type == 'b')
			v[k++] = allow_rule(d->type == 'b' ? 'b' : 'c', d->major, d->minor);
	}
	*out = v;
	*n = k;
	return 0;
}

static bool wildcard(const struct rl_opt_i64 *o)
{
	return !o->set || o->v < 0; /* -1 is the spec's other spelling of "any" */
}

static bool full_access(const char *a)
{
	return strchr(a, 'r') && strchr(a, 'w') && strchr(a, 'm');
}

int rl_cg_device_line(const struct rl_device_rule *r, char *buf, size_t len)
{
	const char *access = r->access ? r->access : "rwm";
	char type = r->type ? r->type : 'a', maj[24] = "*", min[24] = "*";
	int n;

	if (type == 'a' && wildcard(&r->major) && wildcard(&r->minor) && full_access(access)) {
		n = snprintf(buf, len, "a");
	} else {
		if (!wildcard(&r->major))
			snprintf(maj, sizeof(maj), "%" PRId64, r->major.v);
		if (!wildcard(&r->minor))
			snprintf(min, sizeof(min), "%" PRId64, r->minor.v);
		n = snprintf(buf, len, "%c %s:%s %s", type, maj, min, access);
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
