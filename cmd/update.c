/* rlite update: change the resource limits of a running container, with
 * runc's options. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "runtime/container.h"

static const char update_usage[] =
    "usage: rlite update [options] ID\n"
    "\n"
    "Change the cgroup limits of a running (or paused, or created) container.\n"
    "--resources takes a linux.resources object as in config.json; the other\n"
    "options override what it sets.  Sizes take k, m, g, t suffixes (1024s);\n"
    "a memory size of 0 leaves it unchanged, as with runc.\n"
    "\n"
    "Options (--opt=V and --opt V both work):\n"
    "  --resources, -r FILE    linux.resources JSON from FILE ('-': stdin)\n"
    "  --memory SIZE           memory limit (-1: none)\n"
    "  --memory-reservation SIZE  soft limit\n"
    "  --memory-swap SIZE      memory plus swap limit (-1: none)\n"
    "  --kernel-memory-tcp SIZE   kernel TCP buffer limit (v1)\n"
    "  --kernel-memory SIZE    obsolete: a limit is refused (-1 and 0 are accepted)\n"
    "  --cpu-shares, --cpu-share N\n"
    "                          relative CPU weight (v2: converted to cpu.weight)\n"
    "  --cpu-quota US          CFS quota per period (-1: none)\n"
    "  --cpu-period US         CFS period\n"
    "  --cpu-burst US          CFS burst\n"
    "  --cpu-rt-period US, --cpu-rt-runtime US   real-time scheduling (v1)\n"
    "  --cpuset-cpus LIST, --cpuset-mems LIST    e.g. 0-1\n"
    "  --cpu-idle 0|1          SCHED_IDLE for the cgroup\n"
    "  --blkio-weight N        block I/O weight, 10-1000\n"
    "  --pids-limit N          maximum number of processes (-1: none; 0: unchanged,\n"
    "                          as runc; a --resources pids.limit 0 is a limit of 0)\n"
    "  --l3-cache-schema S, --mem-bw-schema S\n"
    "                          refused: rlite has no Intel RDT support\n"
    "  --help, -h              this text\n";

struct update_args {
	const char *resources;
	struct rl_resources *r; /* the flags, applied over --resources */
	struct rl_resources flags;
	bool has_flags;
};

/* runc's sizes (go-units RAMInBytes): a number with an optional binary
 * suffix k, m, g, t, p and an optional b; "-1" for unlimited. */
static int parse_size(const char *opt, const char *v, int64_t *out, struct rl_error *err)
{
	char *end = NULL;
	long double n;
	int64_t mult = 1;

	errno = 0;
	n = strtold(v, &end);
	if (end == v || errno || n < -1)
		goto bad;
	if (n == -1 && !*end) {
		*out = -1;
		return 0;
	}
	switch (*end | 0x20) {
	case 'k':
		mult = 1LL << 10;
		break;
	case 'm':
		mult = 1LL << 20;
		break;
	case 'g':
		mult = 1LL << 30;
		break;
	case 't':
		mult = 1LL << 40;
		break;
	case 'p':
		mult = 1LL << 50;
		break;
	}
	if (mult > 1 || (*end | 0x20) == 'b')
		end += (mult > 1 && (end[1] | 0x20) == 'b') ? 2 : 1;
	if (*end || n < 0 || n * mult > (long double)INT64_MAX)
		goto bad;
	*out = (int64_t)(n * mult);
	return 0;
bad:
	return rl_error_set(err, 0, "--%s: invalid size \"%s\"", opt, v);
}

static int parse_int(const char *opt, const char *v, int64_t min, int64_t *out,
		     struct rl_error *err)
{
	char *end = NULL;
	long long n;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (!v[0] || *end || errno || n < min)
		return rl_error_set(err, 0, "--%s: must be an integer >= %lld, not \"%s\"", opt,
				    (long long)min, v);
	*out = n;
	return 0;
}

static int set_str(char **dst, const char *v, struct rl_error *err)
{
	free(*dst);
	*dst = strdup(v);
	return *dst ? 0 : rl_error_set(err, ENOMEM, "update");
}

/* One numeric option: name, where it goes, how it is read.  SIZE and INT
 * fill a struct rl_opt_i64, UINT a struct rl_opt_u64, WEIGHT (10..1000) a
 * struct rl_opt_u32. */
enum kind { SIZE, INT, UINT, WEIGHT };
struct num_opt {
	const char *name;
	enum kind kind;
	size_t off;   /* of the rl_opt_* in rl_resources */
	char section; /* 'm' memory, 'c' cpu, 'b' block io, 'p' pids */
};

#define R(f) offsetof(struct rl_resources, f)
static const struct num_opt nums[] = {
    {"memory", SIZE, R(memory.limit), 'm'},
    {"memory-reservation", SIZE, R(memory.reservation), 'm'},
    {"memory-swap", SIZE, R(memory.swap), 'm'},
    {"kernel-memory", SIZE, R(memory.kernel), 'm'},
    {"kernel-memory-tcp", SIZE, R(memory.kernel_tcp), 'm'},
    {"cpu-shares", UINT, R(cpu.shares), 'c'},
    {"cpu-share", UINT, R(cpu.shares), 'c'},
    {"cpu-quota", INT, R(cpu.quota), 'c'},
    {"cpu-period", UINT, R(cpu.period), 'c'},
    {"cpu-burst", UINT, R(cpu.burst), 'c'},
    {"cpu-rt-period", UINT, R(cpu.realtime_period), 'c'},
    {"cpu-rt-runtime", INT, R(cpu.realtime_runtime), 'c'},
    {"cpu-idle", INT, R(cpu.idle), 'c'},
    {"blkio-weight", WEIGHT, R(block_io.weight), 'b'},
    {"pids-limit", INT, R(pids_limit), 'p'},
};
#undef R

static int set_num(struct update_args *a, const struct num_opt *o, const char *v,
		   struct rl_error *err)
{
	char *base = (char *)&a->flags + o->off;
	int64_t n = 0;

	if (o->kind == SIZE ? parse_size(o->name, v, &n, err) < 0
			    : parse_int(o->name, v, o->kind == INT ? -1 : 0, &n, err) < 0)
		return -1;
	/* runc's --pids-limit 0 is its flag's default, "not given"; a
	 * resources document's pids.limit 0 is a real limit of 0. */
	if (strcmp(o->name, "pids-limit") == 0 && n == 0)
		return 0;
	if (o->kind == WEIGHT) {
		if (n < 10 || n > 1000)
			return rl_error_set(err, 0, "--%s: must be 10-1000, not %s", o->name, v);
		*(struct rl_opt_u32 *)base = (struct rl_opt_u32){true, (uint32_t)n};
	} else if (o->kind == UINT) {
		*(struct rl_opt_u64 *)base = (struct rl_opt_u64){true, (uint64_t)n};
	} else {
		*(struct rl_opt_i64 *)base = (struct rl_opt_i64){true, n};
	}
	a->flags.has_memory |= o->section == 'm';
	a->flags.has_cpu |= o->section == 'c';
	a->flags.has_block_io |= o->section == 'b';
	a->has_flags = true;
	return 0;
}

static int update_opt(void *ctx, int argc, char **argv, int *i, struct rl_error *err)
{
	struct update_args *a = ctx;
	const char *v = NULL;
	int r;

	if ((r = rl_opt_value(argc, argv, i, "resources", &a->resources, err)) != 0 ||
	    (r = rl_opt_value(argc, argv, i, "r", &a->resources, err)) != 0)
		return r;
	for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++)
		if ((r = rl_opt_value(argc, argv, i, nums[k].name, &v, err)) != 0)
			return r < 0 || set_num(a, &nums[k], v, err) < 0 ? -1 : 1;
	for (int k = 0; k < 2; k++) {
		char **dst = k ? &a->flags.cpu.mems : &a->flags.cpu.cpus;

		r = rl_opt_value(argc, argv, i, k ? "cpuset-mems" : "cpuset-cpus", &v, err);
		if (r == 0)
			continue;
		if (r < 0 || set_str(dst, v, err) < 0)
			return -1;
		a->flags.has_cpu = a->has_flags = true;
		return 1;
	}
	if ((r = rl_opt_value(argc, argv, i, "l3-cache-schema", &v, err)) != 0 ||
	    (r = rl_opt_value(argc, argv, i, "mem-bw-schema", &v, err)) != 0)
		return r < 0 ? -1 : rl_error_set(err, 0, "%s: intelRdt is not supported", argv[*i]);
	return 0;
}

/* Flags override what --resources set, field by field (each rl_opt_*
 * begins with its "set"). */
static void merge(struct rl_resources *to, struct rl_resources *from)
{
	for (size_t k = 0; k < sizeof(nums) / sizeof(nums[0]); k++) {
		size_t size = nums[k].kind == UINT     ? sizeof(struct rl_opt_u64)
			      : nums[k].kind == WEIGHT ? sizeof(struct rl_opt_u32)
						       : sizeof(struct rl_opt_i64);
		const bool *set = (const bool *)((char *)from + nums[k].off);

		if (*set)
			memcpy((char *)to + nums[k].off, set, size);
	}
	for (int k = 0; k < 2; k++) {
		char **t = k ? &to->cpu.mems : &to->cpu.cpus,
		     **f = k ? &from->cpu.mems : &from->cpu.cpus;

		if (*f) {
			free(*t);
			*t = *f;
			*f = NULL;
		}
	}
	to->has_memory |= from->has_memory;
	to->has_cpu |= from->has_cpu;
	to->has_block_io |= from->has_block_io;
}

int rl_cmd_update(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	struct update_args a = {0};
	const char *id = NULL;
	int r = rl_cmd_args(argc, argv, update_usage, update_opt, &a, &id, 1, 1, err);

	if (r < 0)
		goto out;
	if (!a.resources && !a.has_flags) {
		r = rl_error_set(err, 0, "update: nothing to change (see rlite update --help)");
		goto out;
	}
	if (a.resources && rl_resources_load(a.resources, &a.r, err) < 0) {
		r = -1;
		goto out;
	}
	if (a.r)
		merge(a.r, &a.flags);
	r = rl_container_update(g->root, id, a.r ? a.r : &a.flags, err);
out:
	free(a.flags.cpu.cpus);
	free(a.flags.cpu.mems);
	rl_resources_free(a.r);
	return r < 0 ? (r == -2 ? 0 : -1) : 0;
}
