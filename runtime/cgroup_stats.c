/* Statistics and OOM notification from a container's cgroups; see
 * cgroup_stats.h.  The conversions follow runc's libcontainer/cgroups fs
 * (v1) and fs2 (v2) readers, so that `rlite events` and `runc events`
 * report the same numbers for the same cgroup. */
#include "runtime/cgroup_stats.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "runtime/fds.h"
#include "runtime/safepath.h"

#define HUGEPAGES_DIR "/sys/kernel/mm/hugepages"
/* No cgroup file comes near this; a bound keeps a bad mount from making
 * us read forever. */
#define TEXT_MAX (16u << 20)

static void freep(void *p)
{
	free(*(void **)p);
}
#define _free_ __attribute__((cleanup(freep)))

/* ---- reading files --------------------------------------------------------- */

/* A counter the kernel does not have is a file that is not there (ENOENT),
 * or on some kernels one that refuses to be read (ENODEV, EOPNOTSUPP: e.g.
 * kmem accounting compiled out); either way the field stays 0. */
static bool absent(int e)
{
	return e == ENOENT || e == ENODEV || e == EOPNOTSUPP;
}

static int read_fd(int fd, const char *path, char **out, struct rl_error *err)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *p;

	if (!buf)
		return rl_error_set(err, ENOMEM, "read \"%s\"", path);
	for (;;) {
		ssize_t n = read(fd, buf + len, cap - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			return absent(e) ? 0 : rl_error_set(err, e, "read \"%s\"", path);
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == cap - 1) {
			if (cap >= TEXT_MAX || !(p = realloc(buf, cap * 2))) {
				free(buf);
				return rl_error_set(err, cap >= TEXT_MAX ? EFBIG : ENOMEM,
						    "read \"%s\"", path);
			}
			buf = p;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	*out = buf;
	return 1;
}

/* d's file into *out (malloc'd, NUL-terminated): 1, 0 when absent, -1. */
static int read_text(const struct rl_cg_dir *d, const char *file, char **out, struct rl_error *err)
{
	char path[PATH_MAX];
	_rl_fd_ int fd = -1;

	rl_cg_dir_path(d, file, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return absent(errno) ? 0 : rl_error_set(err, errno, "open \"%s\"", path);
	return read_fd(fd, path, out, err);
}

static int bad_content(const struct rl_cg_dir *d, const char *file, const char *text,
		       struct rl_error *err)
{
	char path[PATH_MAX];

	return rl_error_set(err, 0, "read \"%s\": unexpected content \"%.40s\"",
			    rl_cg_dir_path(d, file, path, sizeof(path)), text);
}

/* A decimal counter, or "max" (2^64-1, as runc reads it).  Pure. */
static int parse_u64(const char *s, uint64_t *v)
{
	char *end = NULL;

	if (strcmp(s, "max") == 0) {
		*v = UINT64_MAX;
		return 0;
	}
	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

/* The next line of *p, cut at its newline; NULL at the end.  Empty lines
 * are skipped. */
static char *next_line(char **p)
{
	char *s = *p, *nl;

	while (*s == '\n')
		s++;
	if (!*s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = s + strlen(s);
	}
	return s;
}

/* A file holding one value ("4096\n", "max\n"): 1 read, 0 absent, -1. */
static int read_u64(const struct rl_cg_dir *d, const char *file, uint64_t *v, struct rl_error *err)
{
	_free_ char *text = NULL;
	char *p;
	int r = read_text(d, file, &text, err);

	if (r <= 0)
		return r;
	p = text + strcspn(text, "\n");
	*p = '\0';
	if (parse_u64(text, v) < 0)
		return bad_content(d, file, text, err);
	return 1;
}

/* One field of struct rl_stats filled from a file or a key. */
struct field {
	const char *name;
	size_t off;   /* offsetof(struct rl_stats, ...) of a uint64_t */
	uint64_t mul; /* unit conversion; 0 means 1 */
};

#define F(member) offsetof(struct rl_stats, member)

static uint64_t *field_ptr(struct rl_stats *s, const struct field *f)
{
	return (uint64_t *)((char *)s + f->off);
}

static int read_fields(const struct rl_cg_dir *d, const struct field *f, size_t n,
		       struct rl_stats *s, struct rl_error *err)
{
	for (size_t i = 0; i < n; i++)
		if (read_u64(d, f[i].name, field_ptr(s, &f[i]), err) < 0)
			return -1;
	return 0;
}

/* A flat-keyed file ("nr_periods 10\n..."): the keys listed in f go to their
 * fields, times their unit; other keys are ignored. */
static int read_keyed(const struct rl_cg_dir *d, const char *file, const struct field *f, size_t n,
		      struct rl_stats *s, struct rl_error *err)
{
	_free_ char *text = NULL;
	char *p, *line;
	int r = read_text(d, file, &text, err);

	if (r <= 0)
		return r;
	for (p = text; (line = next_line(&p));) {
		char *val = strchr(line, ' ');
		uint64_t v = 0;

		if (!val)
			continue;
		*val++ = '\0';
		for (size_t i = 0; i < n; i++) {
			if (strcmp(f[i].name, line) != 0)
				continue;
			if (parse_u64(val, &v) < 0)
				return bad_content(d, file, val, err);
			*field_ptr(s, &f[i]) = v * (f[i].mul ? f[i].mul : 1);
		}
	}
	return 1;
}

/* One key of a flat-keyed file: 1 found, 0 absent (file or key), -1. */
static int read_key(const struct rl_cg_dir *d, const char *file, const char *key, uint64_t *v,
		    struct rl_error *err)
{
	_free_ char *text = NULL;
	char *p, *line;
	size_t klen = strlen(key);
	int r = read_text(d, file, &text, err);

	if (r <= 0)
		return r;
	for (p = text; (line = next_line(&p));)
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			if (parse_u64(line + klen + 1, v) < 0)
				return bad_content(d, file, line, err);
			return 1;
		}
	return 0;
}

/* Space-separated counters, one per cpu ("123 456 \n"). */
static int read_list(const struct rl_cg_dir *d, const char *file, struct rl_u64v *v,
		     struct rl_error *err)
{
	_free_ char *text = NULL;
	char *save = NULL, *tok;
	int r = read_text(d, file, &text, err);

	if (r <= 0)
		return r;
	for (tok = strtok_r(text, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
		uint64_t x = 0;

		if (parse_u64(tok, &x) < 0)
			return bad_content(d, file, tok, err);
		if (rl_u64v_add(v, x, err) < 0)
			return -1;
	}
	return 1;
}

/* ---- cpu -------------------------------------------------------------------- */

static int stat_cpuacct_v1(const struct rl_cg_dir *d, struct rl_stats *s, struct rl_error *err)
{
	/* cpuacct.stat counts USER_HZ ticks; runc turns them into ns. */
	long hz = sysconf(_SC_CLK_TCK);
	uint64_t tick = 1000000000ull / (uint64_t)(hz > 0 ? hz : 100);
	const struct field stat[] = {
	    {"user", F(cpu.usage.user), tick},
	    {"system", F(cpu.usage.kernel), tick},
	};

	if (read_u64(d, "cpuacct.usage", &s->cpu.usage.total, err) < 0 ||
	    read_list(d, "cpuacct.usage_percpu", &s->cpu.usage.percpu, err) < 0 ||
	    read_list(d, "cpuacct.usage_percpu_sys", &s->cpu.usage.percpu_kernel, err) < 0 ||
	    read_list(d, "cpuacct.usage_percpu_user", &s->cpu.usage.percpu_user, err) < 0 ||
	    read_keyed(d, "cpuacct.stat", stat, 2, s, err) < 0)
		return -1;
	return 0;
}

static const struct field cpu_stat_v1[] = {
    {"nr_periods", F(cpu.throttling.periods), 1},
    {"nr_throttled", F(cpu.throttling.throttled_periods), 1},
    {"throttled_time", F(cpu.throttling.throttled_time), 1},
};

/* v2 cpu.stat has the usage too, in microseconds. */
static const struct field cpu_stat_v2[] = {
    {"usage_usec", F(cpu.usage.total), 1000},
    {"user_usec", F(cpu.usage.user), 1000},
    {"system_usec", F(cpu.usage.kernel), 1000},
    {"nr_periods", F(cpu.throttling.periods), 1},
    {"nr_throttled", F(cpu.throttling.throttled_periods), 1},
    {"throttled_usec", F(cpu.throttling.throttled_time), 1000},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int stat_cpu(const struct rl_cgroup *cg, struct rl_stats *s, struct rl_error *err)
{
	const struct rl_cg_dir *cpu = rl_cg_find(cg, RL_CG_CPU);
	const struct rl_cg_dir *acct = rl_cg_find(cg, RL_CG_CPUACCT);

	/* v2 has cpu.stat's usage lines in every directory, with the cpu
	 * controller enabled or not (runc reads it either way); use it when
	 * v1 has neither cpu nor cpuacct. */
	if (!cpu && !acct)
		cpu = rl_cg_find(cg, RL_CG_CORE);
	if (cpu && cpu->v2)
		return read_keyed(cpu, "cpu.stat", cpu_stat_v2, N(cpu_stat_v2), s, err) < 0 ? -1
											    : 0;
	if (cpu && read_keyed(cpu, "cpu.stat", cpu_stat_v1, N(cpu_stat_v1), s, err) < 0)
		return -1;
	if (acct && !acct->v2)
		return stat_cpuacct_v1(acct, s, err);
	return 0;
}

/* ---- cpuset (v1; runc has no v2 cpuset stats) --------------------------- */

/* "0-3,7\n" -> 0 1 2 3 7.  -1 when malformed. */
static int parse_ranges(char *text, struct rl_u16v *v, struct rl_error *err)
{
	char *save = NULL, *tok;

	for (tok = strtok_r(text, ",\n", &save); tok; tok = strtok_r(NULL, ",\n", &save)) {
		unsigned long a, b;
		char *end = NULL;

		if (!isdigit((unsigned char)*tok))
			return 1;
		a = b = strtoul(tok, &end, 10);
		if (*end == '-') {
			if (!isdigit((unsigned char)end[1]))
				return 1;
			b = strtoul(end + 1, &end, 10);
		}
		if (*end || a > b || b > UINT16_MAX)
			return 1;
		for (unsigned long i = a; i <= b; i++)
			if (rl_u16v_add(v, (uint16_t)i, err) < 0)
				return -1;
	}
	return 0;
}

static int read_ranges(const struct rl_cg_dir *d, const char *file, struct rl_u16v *v,
		       struct rl_error *err)
{
	_free_ char *text = NULL;
	int r = read_text(d, file, &text, err);

	if (r <= 0)
		return r;
	r = parse_ranges(text, v, err);
	if (r > 0)
		return bad_content(d, file, text, err);
	return r;
}

static const struct field cpuset_v1[] = {
    {"cpuset.cpu_exclusive", F(cpuset.cpu_exclusive), 1},
    {"cpuset.mem_hardwall", F(cpuset.mem_hardwall), 1},
    {"cpuset.mem_exclusive", F(cpuset.mem_exclusive), 1},
    {"cpuset.memory_migrate", F(cpuset.memory_migrate), 1},
    {"cpuset.memory_spread_page", F(cpuset.memory_spread_page), 1},
    {"cpuset.memory_spread_slab", F(cpuset.memory_spread_slab), 1},
    {"cpuset.memory_pressure", F(cpuset.memory_pressure), 1},
    {"cpuset.sched_load_balance", F(cpuset.sched_load_balance), 1},
};

static int stat_cpuset(const struct rl_cgroup *cg, struct rl_stats *s, struct rl_error *err)
{
	const struct rl_cg_dir *d = rl_cg_find(cg, RL_CG_CPUSET);
	_free_ char *text = NULL;
	char *end = NULL;
	int r;

	if (!d || d->v2)
		return 0;
	if (read_ranges(d, "cpuset.cpus", &s->cpuset.cpus, err) < 0 ||
	    read_ranges(d, "cpuset.mems", &s->cpuset.mems, err) < 0 ||
	    read_fields(d, cpuset_v1, N(cpuset_v1), s, err) < 0)
		return -1;
	/* the one signed value: -1 means the system default */
	if ((r = read_text(d, "cpuset.sched_relax_domain_level", &text, err)) <= 0)
		return r;
	errno = 0;
	s->cpuset.sched_relax_domain_level = strtoll(text, &end, 10);
	if (errno || end == text || (*end && *end != '\n'))
		return bad_content(d, "cpuset.sched_relax_domain_level", text, err);
	return 0;
}

/* ---- memory ----------------------------------------------------------------- */

/* memory.stat into raw; its page cache line is "cache" on v1, "file" on v2. */
static int read_memory_stat(const struct rl_cg_dir *d, struct rl_stats *s, struct rl_error *err)
{
	_free_ char *text = NULL;
	char *p, *line;
	int r = read_text(d, "memory.stat", &text, err);

	if (r <= 0)
		return r;
	for (p = text; (line = next_line(&p));) {
		char *val = strchr(line, ' ');
		uint64_t v = 0;

		/* a line that is not "name number" is not a counter: skipped */
		if (!val)
			continue;
		*val++ = '\0';
		if (parse_u64(val, &v) == 0 && rl_u64map_set(&s->memory.raw, line, v, err) < 0)
			return -1;
	}
	s->memory.cache = rl_u64map_get(&s->memory.raw, d->v2 ? "file" : "cache");
	return 0;
}

/* v1: memory.<prefix>{usage_in_bytes,max_usage_in_bytes,failcnt,limit_in_bytes}. */
static int mem_entry_v1(const struct rl_cg_dir *d, const char *prefix, struct rl_mem_entry *e,
			struct rl_error *err)
{
	static const char *const names[] = {"usage_in_bytes", "max_usage_in_bytes", "failcnt",
					    "limit_in_bytes"};
	uint64_t *v[] = {&e->usage, &e->max, &e->failcnt, &e->limit};
	char file[64];

	for (size_t i = 0; i < N(names); i++) {
		snprintf(file, sizeof(file), "memory.%s%s", prefix, names[i]);
		if (read_u64(d, file, v[i], err) < 0)
			return -1;
	}
	return 0;
}

/* v2: memory.<prefix>{current,max,peak} (peak since 5.19, swap.peak 6.5). */
static int mem_entry_v2(const struct rl_cg_dir *d, const char *prefix, struct rl_mem_entry *e,
			struct rl_error *err)
{
	static const char *const names[] = {"current", "max", "peak"};
	uint64_t *v[] = {&e->usage, &e->limit, &e->max};
	char file[64];

	for (size_t i = 0; i < N(names); i++) {
		snprintf(file, sizeof(file), "memory.%s%s", prefix, names[i]);
		if (read_u64(d, file, v[i], err) < 0)
			return -1;
	}
	return 0;
}

static int stat_memory(const struct rl_cgroup *cg, struct rl_stats *s, struct rl_error *err)
{
	const struct rl_cg_dir *d = rl_cg_find(cg, RL_CG_MEMORY);
	struct rl_mem_entry *u = &s->memory.usage, *sw = &s->memory.swap;

	if (!d)
		return 0;
	if (read_memory_stat(d, s, err) < 0)
		return -1;
	if (!d->v2)
		return mem_entry_v1(d, "", u, err) < 0 || mem_entry_v1(d, "memsw.", sw, err) < 0 ||
			       mem_entry_v1(d, "kmem.", &s->memory.kernel, err) < 0 ||
			       mem_entry_v1(d, "kmem.tcp.", &s->memory.kernel_tcp, err) < 0
			   ? -1
			   : 0;
	if (mem_entry_v2(d, "", u, err) < 0 || mem_entry_v2(d, "swap.", sw, err) < 0 ||
	    read_key(d, "memory.events", "max", &u->failcnt, err) < 0)
		return -1;
	/* v1's memsw counts memory and swap together, v2's swap.* only swap:
	 * report the sum, as runc does, so that both read alike. */
	sw->usage += u->usage;
	if (sw->limit != UINT64_MAX)
		sw->limit = u->limit == UINT64_MAX ? UINT64_MAX : sw->limit + u->limit;
	return 0;
}

/* ---- pids, io ---------------------------------------------------------------- */

static int stat_pids(const struct rl_cgroup *cg, struct rl_stats *s, struct rl_error *err)
{
	const struct rl_cg_dir *d = rl_cg_find(cg, RL_CG_PIDS);

	if (!d)
		return 0;
	if (read_u64(d, "pids.current", &s->pids.current, err) < 0 ||
	    read_u64(d, "pids.max", &s->pids.limit, err) < 0)
		return -1;
	/* no limit is "max"; runc has always reported it as 0 */
	if (s->pids.limit == UINT64_MAX)
		s->pids.limit = 0;
	return 0;
}

/* A v1 blkio file: "8:0 Read 4096", "8:0 4096" (no op) or "Total 4096". */
static int read_blkio_v1(const struct rl_cg_dir *d, const char *file, struct rl_blkio_list *l,
			 struct rl_error *err)
{
	_free_ char *text = NULL;
	char *p, *line;
	int r = read_text(d, file, &text, err);

	if (r <= 0)
		return r;
	for (p = text; (line = next_line(&p));) {
		char op[16] = "", val[24] = "";
		uint64_t maj = 0, min = 0, v = 0;
		int n;

		if (strncmp(line, "Total ", 6) == 0)
			continue;
		n = sscanf(line, "%" SCNu64 ":%" SCNu64 " %15s %23s", &maj, &min, op, val);
		if (n == 3) { /* no op: the number was read as op */
			memcpy(val, op, sizeof(op));
			op[0] = '\0';
		} else if (n != 4) {
			return bad_content(d, file, line, err);
		}
		if (parse_u64(val, &v) < 0)
			return bad_content(d, file, line, err);
		if (rl_blkio_add(l, maj, min, op, v, err) < 0)
			return -1;
	}
	return 1;
}

/* Of the v1 file sets, the first that the kernel has, as runc picks: BFQ's
 * (the scheduler since 5.0), CFQ's (before), then the throttling layer's,
 * which every kernel with blkio has. */
static int stat_blkio_v1(const struct rl_cg_dir *d, struct rl_stats *s, struct rl_error *err)
{
	struct rl_blkio_list *const bytes = &s->blkio.service_bytes, *const ios =
									 &s->blkio.serviced;
	const struct {
		const char *file;
		struct rl_blkio_list *l;
	} sets[][8] = {
	    {{"blkio.bfq.io_service_bytes_recursive", bytes},
	     {"blkio.bfq.io_serviced_recursive", ios}},
	    {{"blkio.io_service_bytes_recursive", bytes},
	     {"blkio.io_serviced_recursive", ios},
	     {"blkio.io_queued_recursive", &s->blkio.queued},
	     {"blkio.io_service_time_recursive", &s->blkio.service_time},
	     {"blkio.io_wait_time_recursive", &s->blkio.wait_time},
	     {"blkio.io_merged_recursive", &s->blkio.merged},
	     {"blkio.time_recursive", &s->blkio.time},
	     {"blkio.sectors_recursive", &s->blkio.sectors}},
	    {{"blkio.throttle.io_service_bytes_recursive", bytes},
	     {"blkio.throttle.io_serviced_recursive", ios}},
	};

	for (size_t i = 0; i < N(sets); i++) {
		int r = read_blkio_v1(d, sets[i][0].file, sets[i][0].l, err);

		if (r < 0)
			return -1;
		if (r == 0)
			continue;
		for (size_t j = 1; j < N(sets[i]) && sets[i][j].file; j++)
			if (read_blkio_v1(d, sets[i][j].file, sets[i][j].l, err) < 0)
				return -1;
		return 0;
	}
	return 0;
}

/* v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per
 * device; bytes and ios go to runc's Read and Write entries. */
static int stat_io_v2(const struct rl_cg_dir *d, struct rl_stats *s, struct rl_error *err)
{
	_free_ char *text = NULL;
	char *p, *line;
	int r = read_text(d, "io.stat", &text, err);

	if (r <= 0)
		return r;
	for (p = text; (line = next_line(&p));) {
		uint64_t maj = 0, min = 0;
		char *save = NULL, *kv = strtok_r(line, " ", &save);

		if (!kv || sscanf(kv, "%" SCNu64 ":%" SCNu64, &maj, &min) != 2)
			return bad_content(d, "io.stat", line, err);
		while ((kv = strtok_r(NULL, " ", &save))) {
			char *eq = strchr(kv, '=');
			struct rl_blkio_list *l = NULL;
			const char *op = NULL;
			uint64_t v = 0;

			if (!eq)
				continue;
			*eq = '\0';
			if (strcmp(kv, "rbytes") == 0 || strcmp(kv, "wbytes") == 0)
				l = &s->blkio.service_bytes;
			else if (strcmp(kv, "rios") == 0 || strcmp(kv, "wios") == 0)
				l = &s->blkio.serviced;
			else
				continue;
			op = kv[0] == 'r' ? "Read" : "Write";
			if (parse_u64(eq + 1, &v) < 0)
				return bad_content(d, "io.stat", eq + 1, err);
			if (rl_blkio_add(l, maj, min, op, v, err) < 0)
				return -1;
		}
	}
	return 0;
}

static int stat_blkio(const struct rl_cgroup *cg, struct rl_stats *s, struct rl_error *err)
{
	const struct rl_cg_dir *d = rl_cg_find(cg, RL_CG_BLKIO);

	if (!d)
		return 0;
	return d->v2 ? stat_io_v2(d, s, err) : stat_blkio_v1(d, s, err);
}

/* ---- hugetlb ------------------------------------------------------------------ */

const char *rl_hugepage_name(uint64_t kb, char *buf, size_t len)
{
	static const char *const unit[] = {"KB", "MB", "GB", "TB", "PB"};
	size_t u = 0;

	/* runc prints the size with the largest unit it divides evenly into
	 * (Go's units.CustomSize on 1024s; page sizes are powers of two) */
	while (kb >= 1024 && kb % 1024 == 0 && u + 1 < N(unit)) {
		kb /= 1024;
		u++;
	}
	snprintf(buf, len, "%" PRIu64 "%s", kb, unit[u]);
	return buf;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int rl_hugepage_sizes(const char *dir, char ***sizes, size_t *n, struct rl_error *err)
{
	DIR *dp = opendir(dir);
	struct dirent *de;
	char **v = calloc(1, sizeof(*v)), **nv, name[32];
	size_t k = 0;

	if (!v || (!dp && errno != ENOENT)) {
		int e = v ? errno : ENOMEM;

		free(v);
		if (dp)
			closedir(dp);
		return rl_error_set(err, e, "open \"%s\"", dir);
	}
	while (dp && (de = readdir(dp))) {
		uint64_t kb = 0;
		char tail[4] = "";

		if (sscanf(de->d_name, "hugepages-%" SCNu64 "%3s", &kb, tail) != 2 ||
		    strcmp(tail, "kB") != 0)
			continue;
		if (!(nv = reallocarray(v, k + 2, sizeof(*v))) ||
		    !(nv[k] = strdup(rl_hugepage_name(kb, name, sizeof(name))))) {
			strv_free(nv ? nv : v, k);
			closedir(dp);
			return rl_error_set(err, ENOMEM, "read \"%s\"", dir);
		}
		v = nv;
		v[++k] = NULL;
	}
	if (dp)
		closedir(dp);
	qsort(v, k, sizeof(*v), cmp_str);
	*sizes = v;
	*n = k;
	return 0;
}

/* v1 hugetlb.<size>.{usage_in_bytes,max_usage_in_bytes,failcnt}; v2
 * hugetlb.<size>.current and the "max" count of .events.  v2 keeps no
 * high-water mark (its .max is the limit), so max stays 0 there, as with
 * runc.  A size without a usage file is left out. */
static int stat_hugetlb_size(const struct rl_cg_dir *d, const char *size, struct rl_stats *s,
			     struct rl_error *err)
{
	uint64_t usage = 0, max = 0, failcnt = 0;
	struct rl_hugetlb_entry *e;
	char file[64];
	int r;

	snprintf(file, sizeof(file), "hugetlb.%s.%s", size, d->v2 ? "current" : "usage_in_bytes");
	if ((r = read_u64(d, file, &usage, err)) <= 0)
		return r;
	if (d->v2) {
		snprintf(file, sizeof(file), "hugetlb.%s.events", size);
		r = read_key(d, file, "max", &failcnt, err);
	} else {
		snprintf(file, sizeof(file), "hugetlb.%s.max_usage_in_bytes", size);
		r = read_u64(d, file, &max, err);
		snprintf(file, sizeof(file), "hugetlb.%s.failcnt", size);
		if (r >= 0)
			r = read_u64(d, file, &failcnt, err);
	}
	if (r < 0 || !(e = rl_hugetlb_get(s, size, err)))
		return -1;
	e->usage = usage;
	e->max = max;
	e->failcnt = failcnt;
	return 0;
}

static int stat_hugetlb(const struct rl_cgroup *cg, struct rl_stats *s, struct rl_error *err)
{
	const struct rl_cg_dir *d = rl_cg_find(cg, RL_CG_HUGETLB);
	char **sizes = NULL;
	size_t n = 0;
	int r = 0;

	if (!d)
		return 0;
	if (rl_hugepage_sizes(HUGEPAGES_DIR, &sizes, &n, err) < 0)
		return -1;
	for (size_t i = 0; r >= 0 && i < n; i++)
		r = stat_hugetlb_size(d, sizes[i], s, err);
	strv_free(sizes, n);
	return r < 0 ? -1 : 0;
}

int rl_cg_stats(const struct rl_cgroup *cg, struct rl_stats *out, struct rl_error *err)
{
	memset(out, 0, sizeof(*out));
	if (stat_cpu(cg, out, err) < 0 || stat_cpuset(cg, out, err) < 0 ||
	    stat_memory(cg, out, err) < 0 || stat_pids(cg, out, err) < 0 ||
	    stat_blkio(cg, out, err) < 0 || stat_hugetlb(cg, out, err) < 0) {
		rl_stats_free(out);
		return rl_error_prefix(err, "cgroup stats");
	}
	return 0;
}

/* ---- OOM notification ------------------------------------------------------- */

/* v1 (Documentation/admin-guide/cgroup-v1/memory.rst, "Memory thresholds"
 * and "OOM Control"): writing "<eventfd> <fd of memory.oom_control>" to
 * cgroup.event_control makes the kernel signal the eventfd on every OOM of
 * the cgroup.  The oom_control fd is only needed for the registration; the
 * registration lives as long as the eventfd. */
static int oom_open_v1(const struct rl_cg_dir *d, int *fd, struct rl_error *err)
{
	char path[PATH_MAX], line[32];
	_rl_fd_ int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	_rl_fd_ int ofd = -1;
	_rl_fd_ int cfd = -1;
	int n;

	if (efd < 0)
		return rl_error_set(err, errno, "OOM notification: eventfd");
	rl_cg_dir_path(d, "memory.oom_control", path, sizeof(path));
	if ((ofd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return rl_error_set(err, errno, "OOM notification: open \"%s\"", path);
	rl_cg_dir_path(d, "cgroup.event_control", path, sizeof(path));
	if ((cfd = open(path, O_WRONLY | O_CLOEXEC)) < 0)
		return rl_error_set(err, errno, "OOM notification: open \"%s\"", path);
	n = snprintf(line, sizeof(line), "%d %d", efd, ofd);
	if (rl_write_all(cfd, line, (size_t)n) < 0)
		return rl_error_set(err, errno, "OOM notification: write \"%s\" to \"%s\"", line,
				    path);
	*fd = rl_fd_steal(&efd);
	return 0;
}

/* v2 has no notification of its own: memory.events changes (the kernel
 * sends a modify event for it, cgroup_file_notify) and its oom_kill count
 * tells an OOM kill from the other events counted there. */
static int oom_open_v2(const struct rl_cg_dir *d, int *fd, struct rl_error *err)
{
	char path[PATH_MAX];
	_rl_fd_ int ifd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	if (ifd < 0)
		return rl_error_set(err, errno, "OOM notification: inotify_init1");
	rl_cg_dir_path(d, "memory.events", path, sizeof(path));
	if (inotify_add_watch(ifd, path, IN_MODIFY) < 0)
		return rl_error_set(err, errno, "OOM notification: watch \"%s\"", path);
	*fd = rl_fd_steal(&ifd);
	return 0;
}

int rl_cg_oom_open(const struct rl_cgroup *cg, int *fd, struct rl_error *err)
{
	const struct rl_cg_dir *d = rl_cg_find(cg, RL_CG_MEMORY);

	*fd = -1;
	if (!d)
		return 0;
	return d->v2 ? oom_open_v2(d, fd, err) : oom_open_v1(d, fd, err);
}

static int oom_check_v1(const struct rl_cg_dir *d, int fd, bool *oom, struct rl_error *err)
{
	char path[PATH_MAX];
	uint64_t count = 0;
	ssize_t n;

	do
		n = read(fd, &count, sizeof(count));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n != (ssize_t)sizeof(count))
		return rl_error_set(err, n < 0 ? errno : EIO, "OOM notification: read eventfd");
	/* The kernel also signals when the cgroup goes away
	 * (memcg_event_remove): an OOM only if the cgroup is still there. */
	rl_cg_dir_path(d, "cgroup.event_control", path, sizeof(path));
	*oom = count > 0 && access(path, F_OK) == 0;
	return 0;
}

static int oom_check_v2(const struct rl_cg_dir *d, int fd, uint64_t *last, bool *oom,
			struct rl_error *err)
{
	/* inotify events are read whole: a buffer aligned for them */
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	uint64_t kills = 0;
	ssize_t n;
	int r;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0)
			return rl_error_set(err, n < 0 ? errno : EIO,
					    "OOM notification: read inotify");
	}
	/* gone (IN_IGNORED after a removal) or no such key: nothing new */
	if ((r = read_key(d, "memory.events", "oom_kill", &kills, err)) <= 0)
		return r;
	*oom = *last != RL_CG_OOM_UNSET && kills > *last;
	*last = kills;
	return 0;
}

int rl_cg_oom_check(const struct rl_cgroup *cg, int fd, uint64_t *last, bool *oom,
		    struct rl_error *err)
{
	const struct rl_cg_dir *d = rl_cg_find(cg, RL_CG_MEMORY);

	*oom = false;
	if (!d || fd < 0)
		return 0;
	return d->v2 ? oom_check_v2(d, fd, last, oom, err) : oom_check_v1(d, fd, oom, err);
}
