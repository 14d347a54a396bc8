/* A container's resource statistics as `runc events` reports them, and the
 * event objects that command prints.
 *
 * The model follows runc's types.Stats (types/events.go), the stable form
 * callers such as containerd decode; runtime/cgroup_stats.c fills it from
 * cgroup v1 or v2 files.  The JSON writer reproduces what Go's
 * encoding/json makes of those types: the same keys in the same order,
 * "omitempty" members left out when zero or empty, maps with sorted keys,
 * and one object per line. */
#ifndef RL_SPEC_STATS_H
#define RL_SPEC_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* A list of counters, one per cpu. */
struct rl_u64v {
	uint64_t *v;
	size_t n;
};

/* CPU or memory node numbers, as cpuset.cpus "0-3,7" expands. */
struct rl_u16v {
	uint16_t *v;
	size_t n;
};

/* One line of a blkio file: "8:0 Read 4096" (op is "" in files that have
 * none, such as blkio.time_recursive). */
struct rl_blkio_entry {
	uint64_t major, minor;
	char op[16];
	uint64_t value;
};

struct rl_blkio_list {
	struct rl_blkio_entry *e;
	size_t n;
};

/* name -> counter, in the order added (memory.stat). */
struct rl_u64map {
	char **keys;
	uint64_t *values;
	size_t n;
};

/* usage, max usage, limit and failure count of one memory counter. */
struct rl_mem_entry {
	uint64_t limit, usage, max, failcnt;
};

struct rl_hugetlb_entry {
	char size[16]; /* "2MB", "1GB" */
	uint64_t usage, max, failcnt;
};

struct rl_stats {
	struct {
		struct {
			uint64_t total; /* nanoseconds, as every cpu time here */
			struct rl_u64v percpu, percpu_kernel, percpu_user;
			uint64_t kernel, user;
		} usage;
		struct {
			uint64_t periods, throttled_periods, throttled_time;
		} throttling;
	} cpu;
	struct {
		struct rl_u16v cpus, mems;
		uint64_t cpu_exclusive, mem_hardwall, mem_exclusive, memory_migrate,
		    memory_spread_page, memory_spread_slab, memory_pressure, sched_load_balance;
		int64_t sched_relax_domain_level;
	} cpuset;
	struct {
		uint64_t cache;
		/* swap is memory + swap, as v1's memsw counts it (v2 values are
		 * converted so that both read the same). */
		struct rl_mem_entry usage, swap, kernel, kernel_tcp;
		struct rl_u64map raw; /* memory.stat */
	} memory;
	struct {
		uint64_t current, limit; /* limit 0: none */
	} pids;
	struct {
		struct rl_blkio_list service_bytes, serviced, queued, service_time, wait_time,
		    merged, time, sectors;
	} blkio;
	struct {
		struct rl_hugetlb_entry *e;
		size_t n;
	} hugetlb;
};

/* Appends to the lists of a struct rl_stats; 0, or -1 (ENOMEM) with err. */
int rl_u64v_add(struct rl_u64v *v, uint64_t x, struct rl_error *err);
int rl_u16v_add(struct rl_u16v *v, uint16_t x, struct rl_error *err);
/* op is cut to fit. */
int rl_blkio_add(struct rl_blkio_list *l, uint64_t major, uint64_t minor, const char *op,
		 uint64_t value, struct rl_error *err);
/* A key already present gets the new value. */
int rl_u64map_set(struct rl_u64map *m, const char *key, uint64_t value, struct rl_error *err);
/* The entry for size, added (zeroed) when missing; NULL with err on ENOMEM.
 * Adding one may move the others. */
struct rl_hugetlb_entry *rl_hugetlb_get(struct rl_stats *s, const char *size, struct rl_error *err);
/* The value of key, or 0 when absent. */
uint64_t rl_u64map_get(const struct rl_u64map *m, const char *key);

/* Frees what the lists hold and zeroes *s. */
void rl_stats_free(struct rl_stats *s);

/* {"type":"stats","id":ID,"data":{...}} on one line, without a newline.
 * free(*out). */
int rl_stats_event_json(const char *id, const struct rl_stats *s, char **out, struct rl_error *err);
/* {"type":"oom","id":ID}. free(*out). */
int rl_oom_event_json(const char *id, char **out, struct rl_error *err);

/* A Go duration as runc's --interval takes it ("5s", "500ms", "1m30s",
 * "1.5h", "250us", "0"), or a plain number of seconds ("5", "0.5").
 * Negative values are returned as such; *ns is signed.  Pure. */
int rl_duration_parse(const char *s, int64_t *ns, struct rl_error *err);

#endif
