/* spec/stats.c: the stats and oom event objects byte for byte as runc
 * prints them, their values read back through yajl's tree, the list
 * builders, and the --interval duration parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "spec/stats.h"
#include "tests/unit/tap.h"

/* What `runc events --stats` (1.1.5) printed for a busybox `sleep` on this
 * kind of host (hybrid, memory limit 64M, pids limit 50); the stats below
 * are those values, so the two lines must match exactly. */
static const char runc_line[] =
    "{\"type\":\"stats\",\"id\":\"cgsref\",\"data\":{\"cpu\":{\"usage\":{\"total\":15617577,"
    "\"percpu\":[11539918,4077659],\"percpu_kernel\":[7981271,0],\"percpu_user\":[4000000,0],"
    "\"kernel\":10000000,\"user\":0},\"throttling\":{}},\"cpuset\":{\"cpus\":[0,1],"
    "\"cpu_exclusive\":0,\"mems\":[0],\"mem_hardwall\":0,\"mem_exclusive\":0,"
    "\"memory_migrate\":0,\"memory_spread_page\":0,\"memory_spread_slab\":0,"
    "\"memory_pressure\":0,\"sched_load_balance\":1,\"sched_relax_domain_level\":-1},"
    "\"memory\":{\"usage\":{\"limit\":67108864,\"usage\":819200,\"max\":2248704,"
    "\"failcnt\":0},\"swap\":{\"limit\":9223372036854771712,\"usage\":819200,\"max\":2248704,"
    "\"failcnt\":0},\"kernel\":{\"limit\":9223372036854771712,\"usage\":483328,"
    "\"max\":598016,\"failcnt\":0},\"kernelTCP\":{\"limit\":9223372036854771712,"
    "\"failcnt\":0},\"raw\":{\"active_anon\":4096,\"cache\":0,"
    "\"hierarchical_memory_limit\":67108864,\"pgfault\":664,\"total_rss\":53248}},"
    "\"pids\":{\"current\":1,\"limit\":50},\"blkio\":{},\"hugetlb\":{},\"intel_rdt\":{},"
    "\"network_interfaces\":null}}";

static void runc_stats(struct rl_stats *s)
{
	struct rl_error err = {0};
	const uint64_t big = 9223372036854771712ull;

	s->cpu.usage.total = 15617577;
	rl_u64v_add(&s->cpu.usage.percpu, 11539918, &err);
	rl_u64v_add(&s->cpu.usage.percpu, 4077659, &err);
	rl_u64v_add(&s->cpu.usage.percpu_kernel, 7981271, &err);
	rl_u64v_add(&s->cpu.usage.percpu_kernel, 0, &err);
	rl_u64v_add(&s->cpu.usage.percpu_user, 4000000, &err);
	rl_u64v_add(&s->cpu.usage.percpu_user, 0, &err);
	s->cpu.usage.kernel = 10000000;
	rl_u16v_add(&s->cpuset.cpus, 0, &err);
	rl_u16v_add(&s->cpuset.cpus, 1, &err);
	rl_u16v_add(&s->cpuset.mems, 0, &err);
	s->cpuset.sched_load_balance = 1;
	s->cpuset.sched_relax_domain_level = -1;
	s->memory.usage = (struct rl_mem_entry){67108864, 819200, 2248704, 0};
	s->memory.swap = (struct rl_mem_entry){big, 819200, 2248704, 0};
	s->memory.kernel = (struct rl_mem_entry){big, 483328, 598016, 0};
	s->memory.kernel_tcp = (struct rl_mem_entry){big, 0, 0, 0};
	/* added out of order: the writer sorts, as Go does */
	rl_u64map_set(&s->memory.raw, "total_rss", 53248, &err);
	rl_u64map_set(&s->memory.raw, "pgfault", 1, &err);
	rl_u64map_set(&s->memory.raw, "cache", 0, &err);
	rl_u64map_set(&s->memory.raw, "hierarchical_memory_limit", 67108864, &err);
	rl_u64map_set(&s->memory.raw, "active_anon", 4096, &err);
	rl_u64map_set(&s->memory.raw, "pgfault", 664, &err); /* replaces */
	s->pids.current = 1;
	s->pids.limit = 50;
}

static void test_runc_line(void)
{
	struct rl_stats s = {0};
	struct rl_error err = {0};
	char *json = NULL;

	runc_stats(&s);
	is_int(s.memory.raw.n, 5, "a repeated raw key is set, not added");
	is_int(rl_u64map_get(&s.memory.raw, "pgfault"), 664, "rl_u64map_get");
	is_int(rl_u64map_get(&s.memory.raw, "nope"), 0, "rl_u64map_get of a missing key");
	ok(rl_stats_event_json("cgsref", &s, &json, &err) == 0, "stats event: %s", err.msg);
	is_str(json, runc_line, "the same bytes as runc's line");
	ok(json && !strchr(json, '\n'), "one line, no newline");
	free(json);
	rl_stats_free(&s);
	ok(s.memory.raw.n == 0 && !s.cpu.usage.percpu.v, "rl_stats_free zeroes");
}

static void test_empty(void)
{
	struct rl_stats s = {0};
	struct rl_error err = {0};
	char *json = NULL;

	ok(rl_stats_event_json("c1", &s, &json, &err) == 0, "empty stats");
	is_str(json,
	       "{\"type\":\"stats\",\"id\":\"c1\",\"data\":{\"cpu\":{\"usage\":{\"kernel\":0,"
	       "\"user\":0},\"throttling\":{}},\"cpuset\":{\"cpu_exclusive\":0,"
	       "\"mem_hardwall\":0,\"mem_exclusive\":0,\"memory_migrate\":0,"
	       "\"memory_spread_page\":0,\"memory_spread_slab\":0,\"memory_pressure\":0,"
	       "\"sched_load_balance\":0,\"sched_relax_domain_level\":0},\"memory\":{"
	       "\"usage\":{\"limit\":0,\"failcnt\":0},\"swap\":{\"limit\":0,\"failcnt\":0},"
	       "\"kernel\":{\"limit\":0,\"failcnt\":0},\"kernelTCP\":{\"limit\":0,"
	       "\"failcnt\":0}},\"pids\":{},\"blkio\":{},\"hugetlb\":{},\"intel_rdt\":{},"
	       "\"network_interfaces\":null}}",
	       "zero stats: omitempty members left out, the others 0");
	free(json);
	json = NULL;
	ok(rl_oom_event_json("c1", &json, &err) == 0, "oom event");
	is_str(json, "{\"type\":\"oom\",\"id\":\"c1\"}", "oom event has no data");
	free(json);
}

static yajl_val at(yajl_val root, const char **path)
{
	return yajl_tree_get(root, path, yajl_t_any);
}

static uint64_t u64_at(yajl_val root, const char **path)
{
	yajl_val v = at(root, path);

	/* yajl keeps the text of numbers beyond long long */
	return v && YAJL_IS_NUMBER(v) ? strtoull(YAJL_GET_NUMBER(v), NULL, 10) : 0;
}

static void fill_rest(struct rl_stats *s)
{
	struct rl_error err = {0};
	struct rl_hugetlb_entry *h;

	s->cpu.throttling.periods = 10;
	s->cpu.throttling.throttled_periods = 3;
	s->cpu.throttling.throttled_time = 123456789;
	s->memory.cache = 4096;
	rl_blkio_add(&s->blkio.service_bytes, 8, 0, "Read", 1048576, &err);
	rl_blkio_add(&s->blkio.service_bytes, 8, 0, "Write", 0, &err);
	rl_blkio_add(&s->blkio.serviced, 259, 1, "Total", 17, &err);
	rl_blkio_add(&s->blkio.time, 8, 16, NULL, 99, &err);
	rl_blkio_add(&s->blkio.sectors, 8, 0, "an-op-name-longer-than-the-field", 5, &err);
	h = rl_hugetlb_get(s, "2MB", &err);
	h->usage = 2097152;
	h->max = 4194304;
	h->failcnt = 2;
	rl_hugetlb_get(s, "1GB", &err)->failcnt = 0;
	/* h may have moved when 1GB was added */
	h = rl_hugetlb_get(s, "2MB", &err);
	ok(h && h->usage == 2097152 && s->hugetlb.n == 2, "rl_hugetlb_get finds an existing size");
	s->memory.usage.limit = UINT64_MAX;
}

static void test_values(void)
{
	struct rl_stats s = {0};
	struct rl_error err = {0};
	char *json = NULL, ebuf[256];
	yajl_val root;

	runc_stats(&s);
	fill_rest(&s);
	ok(rl_stats_event_json("full", &s, &json, &err) == 0, "full stats");
	root = json ? yajl_tree_parse(json, ebuf, sizeof(ebuf)) : NULL;
	ok(root != NULL, "parses back: %s", root ? "" : ebuf);
	if (!root) {
		free(json);
		rl_stats_free(&s);
		return;
	}
	is_str(YAJL_GET_STRING(at(root, (const char *[]){"type", NULL})), "stats", "type");
	is_str(YAJL_GET_STRING(at(root, (const char *[]){"id", NULL})), "full", "id");
	is_int(u64_at(root, (const char *[]){"data", "cpu", "throttling", "periods", NULL}), 10,
	       "throttling.periods");
	is_int(
	    u64_at(root, (const char *[]){"data", "cpu", "throttling", "throttledPeriods", NULL}),
	    3, "throttling.throttledPeriods");
	is_int(u64_at(root, (const char *[]){"data", "cpu", "throttling", "throttledTime", NULL}),
	       123456789, "throttling.throttledTime");
	is_int(u64_at(root, (const char *[]){"data", "memory", "cache", NULL}), 4096,
	       "memory.cache");
	ok(u64_at(root, (const char *[]){"data", "memory", "usage", "limit", NULL}) == UINT64_MAX,
	   "a limit of 2^64-1 keeps every digit");
	{
		yajl_val b =
		    at(root, (const char *[]){"data", "blkio", "ioServiceBytesRecursive", NULL});
		yajl_val e0 =
		    b && YAJL_IS_ARRAY(b) && b->u.array.len == 2 ? b->u.array.values[0] : NULL;
		yajl_val e1 = e0 ? b->u.array.values[1] : NULL;

		ok(e0 != NULL, "two ioServiceBytesRecursive entries");
		is_int(u64_at(e0, (const char *[]){"major", NULL}), 8, "major");
		is_str(YAJL_GET_STRING(at(e0, (const char *[]){"op", NULL})), "Read", "op");
		is_int(u64_at(e0, (const char *[]){"value", NULL}), 1048576, "value");
		ok(e1 && !at(e1, (const char *[]){"value", NULL}) &&
		       !at(e1, (const char *[]){"minor", NULL}),
		   "a zero value and minor are left out (omitempty)");
	}
	ok(strstr(json, "\"ioServicedRecursive\":[{\"major\":259,\"minor\":1,\"op\":\"Total\","
			"\"value\":17}]") != NULL,
	   "ioServicedRecursive");
	ok(strstr(json, "\"ioTimeRecursive\":[{\"major\":8,\"minor\":16,\"value\":99}]") != NULL,
	   "an entry without op has no op key");
	ok(strstr(json, "\"op\":\"an-op-name-long\"") != NULL, "a long op is cut to the field");
	ok(strstr(json, "\"hugetlb\":{\"1GB\":{\"failcnt\":0},\"2MB\":{\"usage\":2097152,"
			"\"max\":4194304,\"failcnt\":2}}") != NULL,
	   "hugetlb sizes sorted, zero usage/max left out");
	yajl_tree_free(root);
	free(json);
	rl_stats_free(&s);
}

static void duration_is(const char *s, int64_t want)
{
	struct rl_error err = {0};
	int64_t ns = -12345;
	int r = rl_duration_parse(s, &ns, &err);

	ok(r == 0 && ns == want, "duration \"%s\" = %lld ns (got %lld, %s)", s, (long long)want,
	   (long long)ns, r ? err.msg : "ok");
}

static void duration_bad(const char *s, const char *msg)
{
	struct rl_error err = {0};
	int64_t ns = 0;

	ok(rl_duration_parse(s, &ns, &err) < 0 && strstr(err.msg, msg),
	   "duration \"%s\" refused: %s", s, err.msg);
}

static void test_durations(void)
{
	duration_is("5s", 5000000000);
	duration_is("500ms", 500000000);
	duration_is("1m", 60000000000);
	duration_is("1m30s", 90000000000);
	duration_is("1.5h", 5400000000000);
	duration_is("250us", 250000);
	duration_is("250\u00b5s", 250000);
	duration_is("3ns", 3);
	duration_is("0", 0);
	duration_is("-2s", -2000000000);
	duration_is("+2s", 2000000000);
	duration_is(".5s", 500000000);
	duration_is("5", 5000000000);
	duration_is("0.25", 250000000);
	duration_is("2562047h", 2562047ll * 3600 * 1000000000);
	duration_bad("", "invalid duration");
	duration_bad("s", "invalid duration");
	duration_bad("5x", "unknown unit \"x\"");
	duration_bad("1m5", "missing unit");
	duration_bad("2562048h", "too large");
	duration_bad("99999999999999999999s", "too large");
	duration_bad("-", "invalid duration");
}

int main(void)
{
	test_runc_line();
	test_empty();
	test_values();
	test_durations();
	return done_testing();
}
