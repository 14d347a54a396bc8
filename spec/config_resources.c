/* linux.resources: the cgroup settings of runtime-spec v1.2 config-linux.md
 * ("Control groups" through "Unified"), parsed into struct rl_resources and
 * written back.
 *
 * The parser checks types, required members and the ranges the spec gives;
 * whether a value makes sense for the cgroup version in use (v1 blkio weight
 * 10..1000 vs v2 io.weight 1..10000, ...) is left to the cgroup code, which
 * knows the version.  Unknown members are ignored, as the spec asks. */
#include "config_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

typedef int (*elem_parse_fn)(struct rl_jctx *c, yajl_val v, const char *path, void *elem);
typedef void (*elem_free_fn)(void *elem);

static int enomem(struct rl_jctx *c, const char *path)
{
	return rl_error_set(c->err, ENOMEM, "%s: %s", c->name, path);
}

/* obj[key] as an array of objects, each read by fn into one element of
 * `size` bytes.  Absent: *out and *n are left alone.  On failure every
 * element, the partly read one included, goes through fr. */
static int parse_objects(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
			 size_t size, elem_parse_fn fn, elem_free_fn fr, void **out, size_t *n)
{
	char p[RL_JPATH_MAX], q[RL_JPATH_MAX];
	yajl_val v = rl_jget(obj, key);
	char *arr = NULL;
	size_t len;

	if (!v)
		return 0;
	rl_jpath_key(p, parent, key);
	if (rl_jexpect_array(c, v, p) < 0)
		return -1;
	len = v->u.array.len;
	if (len && !(arr = calloc(len, size)))
		return enomem(c, p);
	for (size_t i = 0; i < len; i++) {
		yajl_val e = v->u.array.values[i];

		rl_jpath_idx(q, p, i);
		if (rl_jexpect_object(c, e, q) < 0 || fn(c, e, q, arr + i * size) < 0) {
			for (size_t j = 0; fr && j <= i; j++)
				fr(arr + j * size);
			free(arr);
			return -1;
		}
	}
	*out = arr;
	*n = len;
	return 0;
}

static int req_i64(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		   int64_t min, int64_t max, int64_t *out)
{
	char p[RL_JPATH_MAX];
	struct rl_opt_i64 o = {0};

	if (rl_ji64_opt(c, obj, parent, key, min, max, &o) < 0)
		return -1;
	if (!o.set)
		return rl_jerr(c, rl_jpath_key(p, parent, key), "is required");
	*out = o.v;
	return 0;
}

static int req_u64(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		   uint64_t max, uint64_t *out)
{
	char p[RL_JPATH_MAX];
	struct rl_opt_u64 o = {0};

	if (rl_ju64_opt(c, obj, parent, key, max, &o) < 0)
		return -1;
	if (!o.set)
		return rl_jerr(c, rl_jpath_key(p, parent, key), "is required");
	*out = o.v;
	return 0;
}

/* A blkio weight is a uint16 in the spec.  The schema dropped its old
 * 10..1000 range when cgroup v2 (io.weight 1..10000) came in, so only the
 * type is checked here. */
static int opt_u16(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		   struct rl_opt_u32 *out)
{
	struct rl_opt_u64 o = {0};

	if (rl_ju64_opt(c, obj, parent, key, UINT16_MAX, &o) < 0)
		return -1;
	if (o.set)
		*out = (struct rl_opt_u32){.set = true, .v = (uint32_t)o.v};
	return 0;
}

/* ---- devices ---------------------------------------------------------- */

static void device_rule_free(void *elem)
{
	free(((struct rl_device_rule *)elem)->access);
}

/* "access" is a combination of r, w and m (config-linux.md, "Allowed
 * Device list"); the kernel refuses anything else in devices.allow. */
static int check_access(struct rl_jctx *c, const char *path, const char *access)
{
	for (const char *s = access; *s; s++) {
		if (!strchr("rwm", *s) || strchr(s + 1, *s))
			return rl_jerr(
			    c, path, "must be a combination of \"r\", \"w\" and \"m\", not \"%s\"",
			    access);
	}
	return 0;
}

static int parse_device_rule(struct rl_jctx *c, yajl_val v, const char *path, void *elem)
{
	struct rl_device_rule *d = elem;
	char p[RL_JPATH_MAX];
	char *type = NULL;
	yajl_val allow = rl_jget(v, "allow");

	rl_jpath_key(p, path, "allow");
	if (!allow)
		return rl_jerr(c, p, "is required");
	if (rl_jbool(c, allow, p, &d->allow) < 0)
		return -1;
	/* Unset type, major and minor all mean "any" (spec: maps to 'a'/'*'). */
	d->type = 'a';
	if (rl_jstr_opt(c, v, path, "type", &type) < 0)
		return -1;
	if (type) {
		bool known = strlen(type) == 1 && strchr("acb", type[0]);

		if (known)
			d->type = type[0];
		else
			rl_jerr(c, rl_jpath_key(p, path, "type"),
				"must be \"a\", \"c\" or \"b\", not \"%s\"", type);
		free(type);
		if (!known)
			return -1;
	}
	/* -1 is the other spelling of the wildcard; it is kept as written. */
	if (rl_ji64_opt(c, v, path, "major", -1, INT64_MAX, &d->major) < 0 ||
	    rl_ji64_opt(c, v, path, "minor", -1, INT64_MAX, &d->minor) < 0 ||
	    rl_jstr_opt(c, v, path, "access", &d->access) < 0)
		return -1;
	if (d->access && check_access(c, rl_jpath_key(p, path, "access"), d->access) < 0)
		return -1;
	return 0;
}

/* ---- memory, cpu, pids ------------------------------------------------ */

static int parse_memory(struct rl_jctx *c, yajl_val v, const char *path, struct rl_memory *m)
{
	/* "Values for memory specify the limit in bytes, or -1 for unlimited" */
	const char *const keys[] = {"limit", "reservation", "swap", "kernel", "kernelTCP"};
	struct rl_opt_i64 *const vals[] = {&m->limit, &m->reservation, &m->swap, &m->kernel,
					   &m->kernel_tcp};

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (rl_ji64_opt(c, v, path, keys[i], -1, INT64_MAX, vals[i]) < 0)
			return -1;
	if (rl_ju64_opt(c, v, path, "swappiness", 100, &m->swappiness) < 0 ||
	    rl_jbool_opt2(c, v, path, "disableOOMKiller", &m->disable_oom_killer) < 0 ||
	    rl_jbool_opt2(c, v, path, "useHierarchy", &m->use_hierarchy) < 0 ||
	    rl_jbool_opt2(c, v, path, "checkBeforeUpdate", &m->check_before_update) < 0)
		return -1;
	return 0;
}

static int parse_cpu(struct rl_jctx *c, yajl_val v, const char *path, struct rl_cpu *cpu)
{
	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	if (rl_ju64_opt(c, v, path, "shares", UINT64_MAX, &cpu->shares) < 0 ||
	    rl_ji64_opt(c, v, path, "quota", INT64_MIN, INT64_MAX, &cpu->quota) < 0 ||
	    rl_ju64_opt(c, v, path, "burst", UINT64_MAX, &cpu->burst) < 0 ||
	    rl_ju64_opt(c, v, path, "period", UINT64_MAX, &cpu->period) < 0 ||
	    rl_ji64_opt(c, v, path, "realtimeRuntime", INT64_MIN, INT64_MAX,
			&cpu->realtime_runtime) < 0 ||
	    rl_ju64_opt(c, v, path, "realtimePeriod", UINT64_MAX, &cpu->realtime_period) < 0 ||
	    rl_jstr_opt(c, v, path, "cpus", &cpu->cpus) < 0 ||
	    rl_jstr_opt(c, v, path, "mems", &cpu->mems) < 0 ||
	    rl_ji64_opt(c, v, path, "idle", INT64_MIN, INT64_MAX, &cpu->idle) < 0)
		return -1;
	return 0;
}

/* pids.limit: -1 (any negative) is "max"; 0 is a limit like any other
 * (runtime-spec 1.3 config-linux.md "PIDs": SHOULD be treated as such;
 * 1.2 made it REQUIRED, 1.3 OPTIONAL). */
static int parse_pids(struct rl_jctx *c, yajl_val v, const char *path, struct rl_opt_i64 *limit)
{
	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	return rl_ji64_opt(c, v, path, "limit", INT64_MIN, INT64_MAX, limit);
}

/* ---- blockIO ---------------------------------------------------------- */

static int parse_weight_device(struct rl_jctx *c, yajl_val v, const char *path, void *elem)
{
	struct rl_weight_device *d = elem;

	if (req_i64(c, v, path, "major", 0, INT64_MAX, &d->major) < 0 ||
	    req_i64(c, v, path, "minor", 0, INT64_MAX, &d->minor) < 0 ||
	    opt_u16(c, v, path, "weight", &d->weight) < 0 ||
	    opt_u16(c, v, path, "leafWeight", &d->leaf_weight) < 0)
		return -1;
	/* "You MUST specify at least one of weight or leafWeight" */
	if (!d->weight.set && !d->leaf_weight.set)
		return rl_jerr(c, path, "must set weight or leafWeight");
	return 0;
}

static int parse_throttle_device(struct rl_jctx *c, yajl_val v, const char *path, void *elem)
{
	struct rl_throttle_device *d = elem;

	if (req_i64(c, v, path, "major", 0, INT64_MAX, &d->major) < 0 ||
	    req_i64(c, v, path, "minor", 0, INT64_MAX, &d->minor) < 0 ||
	    req_u64(c, v, path, "rate", UINT64_MAX, &d->rate) < 0)
		return -1;
	return 0;
}

static int parse_throttle(struct rl_jctx *c, yajl_val v, const char *path, const char *key,
			  struct rl_throttle_device **out, size_t *n)
{
	void *arr = NULL;

	if (parse_objects(c, v, path, key, sizeof(**out), parse_throttle_device, NULL, &arr, n) < 0)
		return -1;
	if (arr)
		*out = arr;
	return 0;
}

static int parse_block_io(struct rl_jctx *c, yajl_val v, const char *path, struct rl_block_io *b)
{
	void *arr = NULL;

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	if (opt_u16(c, v, path, "weight", &b->weight) < 0 ||
	    opt_u16(c, v, path, "leafWeight", &b->leaf_weight) < 0)
		return -1;
	if (parse_objects(c, v, path, "weightDevice", sizeof(*b->weight_device),
			  parse_weight_device, NULL, &arr, &b->n_weight_device) < 0)
		return -1;
	b->weight_device = arr;
	/* The IOPS keys are spelled with capitals in the spec, Bps not. */
	if (parse_throttle(c, v, path, "throttleReadBpsDevice", &b->throttle_read_bps,
			   &b->n_throttle_read_bps) < 0 ||
	    parse_throttle(c, v, path, "throttleWriteBpsDevice", &b->throttle_write_bps,
			   &b->n_throttle_write_bps) < 0 ||
	    parse_throttle(c, v, path, "throttleReadIOPSDevice", &b->throttle_read_iops,
			   &b->n_throttle_read_iops) < 0 ||
	    parse_throttle(c, v, path, "throttleWriteIOPSDevice", &b->throttle_write_iops,
			   &b->n_throttle_write_iops) < 0)
		return -1;
	return 0;
}

/* ---- hugepageLimits, network, rdma ------------------------------------- */

static void hugepage_free(void *elem)
{
	free(((struct rl_hugepage_limit *)elem)->page_size);
}

/* The page size names a cgroup file (hugetlb.<size>.limit_in_bytes), so
 * only "<digits><K|M|G|T|P>B" gets through: no '/' or ".." can reach a
 * path built from it. */
static bool page_size_ok(const char *s)
{
	size_t digits = strspn(s, "0123456789");

	return digits > 0 && s[digits] && strchr("KMGTP", s[digits]) && s[digits + 1] == 'B' &&
	       s[digits + 2] == '\0';
}

static int parse_hugepage(struct rl_jctx *c, yajl_val v, const char *path, void *elem)
{
	struct rl_hugepage_limit *h = elem;
	char p[RL_JPATH_MAX];

	if (rl_jstr_req(c, v, path, "pageSize", &h->page_size) < 0)
		return -1;
	if (!page_size_ok(h->page_size))
		return rl_jerr(c, rl_jpath_key(p, path, "pageSize"),
			       "must be a size like \"2MB\" or \"1GB\", not \"%s\"", h->page_size);
	return req_u64(c, v, path, "limit", UINT64_MAX, &h->limit);
}

static void priority_free(void *elem)
{
	free(((struct rl_net_priority *)elem)->name);
}

static int parse_priority(struct rl_jctx *c, yajl_val v, const char *path, void *elem)
{
	struct rl_net_priority *pr = elem;
	char p[RL_JPATH_MAX];
	uint64_t prio = 0;

	if (rl_jstr_req(c, v, path, "name", &pr->name) < 0)
		return -1;
	if (!pr->name[0])
		return rl_jerr(c, rl_jpath_key(p, path, "name"), "must be a non-empty string");
	if (req_u64(c, v, path, "priority", UINT32_MAX, &prio) < 0)
		return -1;
	pr->priority = (uint32_t)prio;
	return 0;
}

static int parse_network(struct rl_jctx *c, yajl_val v, const char *path, struct rl_network *n)
{
	void *arr = NULL;

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	if (rl_ju32_opt(c, v, path, "classID", &n->class_id) < 0)
		return -1;
	if (parse_objects(c, v, path, "priorities", sizeof(*n->priorities), parse_priority,
			  priority_free, &arr, &n->n_priorities) < 0)
		return -1;
	n->priorities = arr;
	return 0;
}

/* rdma is a map from device name to limits; the last duplicate key wins,
 * as rl_jget() decides elsewhere. */
static int parse_rdma(struct rl_jctx *c, yajl_val v, const char *path, struct rl_resources *r)
{
	char p[RL_JPATH_MAX];
	size_t len;

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	len = v->u.object.len;
	if (len && !(r->rdma = calloc(len, sizeof(*r->rdma))))
		return enomem(c, path);
	for (size_t i = 0; i < len; i++) {
		const char *key = v->u.object.keys[i];
		yajl_val e = v->u.object.values[i];
		struct rl_rdma *d = &r->rdma[r->n_rdma];

		if (rl_jget(v, key) != e)
			continue; /* a later duplicate (or a null) */
		rl_jpath_key(p, path, key);
		r->n_rdma++;
		if (!(d->device = strdup(key)))
			return enomem(c, p);
		if (rl_jexpect_object(c, e, p) < 0 ||
		    rl_ju32_opt(c, e, p, "hcaHandles", &d->hca_handles) < 0 ||
		    rl_ju32_opt(c, e, p, "hcaObjects", &d->hca_objects) < 0)
			return -1;
		/* "You MUST specify at least one of the hcaHandles or hcaObjects" */
		if (!d->hca_handles.set && !d->hca_objects.set)
			return rl_jerr(c, p, "must set hcaHandles or hcaObjects");
	}
	return 0;
}

/* ---- the resources object --------------------------------------------- */

void rl_resources_free(struct rl_resources *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_devices; i++)
		device_rule_free(&r->devices[i]);
	free(r->devices);
	free(r->cpu.cpus);
	free(r->cpu.mems);
	free(r->block_io.weight_device);
	free(r->block_io.throttle_read_bps);
	free(r->block_io.throttle_write_bps);
	free(r->block_io.throttle_read_iops);
	free(r->block_io.throttle_write_iops);
	for (size_t i = 0; i < r->n_hugepage_limits; i++)
		hugepage_free(&r->hugepage_limits[i]);
	free(r->hugepage_limits);
	for (size_t i = 0; i < r->network.n_priorities; i++)
		priority_free(&r->network.priorities[i]);
	free(r->network.priorities);
	for (size_t i = 0; i < r->n_rdma; i++)
		free(r->rdma[i].device);
	free(r->rdma);
	rl_map_free(&r->unified);
	free(r);
}

static void resources_freep(struct rl_resources **r)
{
	rl_resources_free(*r);
}

/* Each optional object member: absent (or null) leaves has_* false. */
static int parse_sections(struct rl_jctx *c, yajl_val v, const char *path, struct rl_resources *r)
{
	char p[RL_JPATH_MAX];
	yajl_val s;

	if ((s = rl_jget(v, "memory"))) {
		r->has_memory = true;
		if (parse_memory(c, s, rl_jpath_key(p, path, "memory"), &r->memory) < 0)
			return -1;
	}
	if ((s = rl_jget(v, "cpu"))) {
		r->has_cpu = true;
		if (parse_cpu(c, s, rl_jpath_key(p, path, "cpu"), &r->cpu) < 0)
			return -1;
	}
	if ((s = rl_jget(v, "pids")) &&
	    parse_pids(c, s, rl_jpath_key(p, path, "pids"), &r->pids_limit) < 0)
		return -1;
	if ((s = rl_jget(v, "blockIO"))) {
		r->has_block_io = true;
		if (parse_block_io(c, s, rl_jpath_key(p, path, "blockIO"), &r->block_io) < 0)
			return -1;
	}
	if ((s = rl_jget(v, "network"))) {
		r->has_network = true;
		if (parse_network(c, s, rl_jpath_key(p, path, "network"), &r->network) < 0)
			return -1;
	}
	if ((s = rl_jget(v, "rdma")) && parse_rdma(c, s, rl_jpath_key(p, path, "rdma"), r) < 0)
		return -1;
	return 0;
}

int rl_parse_resources(struct rl_jctx *c, yajl_val v, const char *path, struct rl_resources **out)
{
	struct rl_resources *r __attribute__((cleanup(resources_freep))) = NULL;
	void *arr = NULL;

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	if (!(r = calloc(1, sizeof(*r))))
		return enomem(c, path);
	if (parse_objects(c, v, path, "devices", sizeof(*r->devices), parse_device_rule,
			  device_rule_free, &arr, &r->n_devices) < 0)
		return -1;
	r->devices = arr;
	arr = NULL;
	if (parse_objects(c, v, path, "hugepageLimits", sizeof(*r->hugepage_limits), parse_hugepage,
			  hugepage_free, &arr, &r->n_hugepage_limits) < 0)
		return -1;
	r->hugepage_limits = arr;
	if (parse_sections(c, v, path, r) < 0 ||
	    rl_jmap_opt(c, v, path, "unified", &r->unified) < 0)
		return -1;
	*out = r;
	r = NULL;
	return 0;
}

/* ---- writing ---------------------------------------------------------- */

static int gen_ok(yajl_gen_status s)
{
	return s == yajl_gen_status_ok ? 0 : -1;
}

static int gen_opt_i64(yajl_gen g, const char *key, const struct rl_opt_i64 *o)
{
	return o->set ? rl_gen_key_i64(g, key, o->v) : 0;
}

static int gen_opt_u64(yajl_gen g, const char *key, const struct rl_opt_u64 *o)
{
	return o->set ? rl_gen_key_u64(g, key, o->v) : 0;
}

static int gen_opt_u32(yajl_gen g, const char *key, const struct rl_opt_u32 *o)
{
	return o->set ? rl_gen_key_u64(g, key, o->v) : 0;
}

static int gen_opt_bool(yajl_gen g, const char *key, const struct rl_opt_bool *o)
{
	return o->set ? rl_gen_key_bool(g, key, o->v) : 0;
}

static int gen_device_rules(yajl_gen g, const struct rl_resources *r)
{
	char type[2] = {0};

	if (r->n_devices == 0)
		return 0;
	if (rl_gen_key(g, "devices") < 0 || gen_ok(yajl_gen_array_open(g)) < 0)
		return -1;
	for (size_t i = 0; i < r->n_devices; i++) {
		const struct rl_device_rule *d = &r->devices[i];

		type[0] = d->type ? d->type : 'a';
		if (gen_ok(yajl_gen_map_open(g)) < 0 || rl_gen_key_bool(g, "allow", d->allow) < 0 ||
		    rl_gen_key_str(g, "type", type) < 0 || gen_opt_i64(g, "major", &d->major) < 0 ||
		    gen_opt_i64(g, "minor", &d->minor) < 0 ||
		    rl_gen_key_str(g, "access", d->access) < 0 || gen_ok(yajl_gen_map_close(g)) < 0)
			return -1;
	}
	return gen_ok(yajl_gen_array_close(g));
}

static int gen_memory(yajl_gen g, const struct rl_memory *m)
{
	if (rl_gen_key(g, "memory") < 0 || gen_ok(yajl_gen_map_open(g)) < 0 ||
	    gen_opt_i64(g, "limit", &m->limit) < 0 ||
	    gen_opt_i64(g, "reservation", &m->reservation) < 0 ||
	    gen_opt_i64(g, "swap", &m->swap) < 0 || gen_opt_i64(g, "kernel", &m->kernel) < 0 ||
	    gen_opt_i64(g, "kernelTCP", &m->kernel_tcp) < 0 ||
	    gen_opt_u64(g, "swappiness", &m->swappiness) < 0 ||
	    gen_opt_bool(g, "disableOOMKiller", &m->disable_oom_killer) < 0 ||
	    gen_opt_bool(g, "useHierarchy", &m->use_hierarchy) < 0 ||
	    gen_opt_bool(g, "checkBeforeUpdate", &m->check_before_update) < 0)
		return -1;
	return gen_ok(yajl_gen_map_close(g));
}

static int gen_cpu(yajl_gen g, const struct rl_cpu *cpu)
{
	if (rl_gen_key(g, "cpu") < 0 || gen_ok(yajl_gen_map_open(g)) < 0 ||
	    gen_opt_u64(g, "shares", &cpu->shares) < 0 ||
	    gen_opt_i64(g, "quota", &cpu->quota) < 0 || gen_opt_u64(g, "burst", &cpu->burst) < 0 ||
	    gen_opt_u64(g, "period", &cpu->period) < 0 ||
	    gen_opt_i64(g, "realtimeRuntime", &cpu->realtime_runtime) < 0 ||
	    gen_opt_u64(g, "realtimePeriod", &cpu->realtime_period) < 0 ||
	    rl_gen_key_str(g, "cpus", cpu->cpus) < 0 || rl_gen_key_str(g, "mems", cpu->mems) < 0 ||
	    gen_opt_i64(g, "idle", &cpu->idle) < 0)
		return -1;
	return gen_ok(yajl_gen_map_close(g));
}

static int gen_throttle(yajl_gen g, const char *key, const struct rl_throttle_device *d, size_t n)
{
	if (n == 0)
		return 0;
	if (rl_gen_key(g, key) < 0 || gen_ok(yajl_gen_array_open(g)) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (gen_ok(yajl_gen_map_open(g)) < 0 ||
		    rl_gen_key_i64(g, "major", d[i].major) < 0 ||
		    rl_gen_key_i64(g, "minor", d[i].minor) < 0 ||
		    rl_gen_key_u64(g, "rate", d[i].rate) < 0 || gen_ok(yajl_gen_map_close(g)) < 0)
			return -1;
	return gen_ok(yajl_gen_array_close(g));
}

static int gen_weight_devices(yajl_gen g, const struct rl_block_io *b)
{
	if (b->n_weight_device == 0)
		return 0;
	if (rl_gen_key(g, "weightDevice") < 0 || gen_ok(yajl_gen_array_open(g)) < 0)
		return -1;
	for (size_t i = 0; i < b->n_weight_device; i++) {
		const struct rl_weight_device *d = &b->weight_device[i];

		if (gen_ok(yajl_gen_map_open(g)) < 0 || rl_gen_key_i64(g, "major", d->major) < 0 ||
		    rl_gen_key_i64(g, "minor", d->minor) < 0 ||
		    gen_opt_u32(g, "weight", &d->weight) < 0 ||
		    gen_opt_u32(g, "leafWeight", &d->leaf_weight) < 0 ||
		    gen_ok(yajl_gen_map_close(g)) < 0)
			return -1;
	}
	return gen_ok(yajl_gen_array_close(g));
}

static int gen_block_io(yajl_gen g, const struct rl_block_io *b)
{
	if (rl_gen_key(g, "blockIO") < 0 || gen_ok(yajl_gen_map_open(g)) < 0 ||
	    gen_opt_u32(g, "weight", &b->weight) < 0 ||
	    gen_opt_u32(g, "leafWeight", &b->leaf_weight) < 0 || gen_weight_devices(g, b) < 0 ||
	    gen_throttle(g, "throttleReadBpsDevice", b->throttle_read_bps, b->n_throttle_read_bps) <
		0 ||
	    gen_throttle(g, "throttleWriteBpsDevice", b->throttle_write_bps,
			 b->n_throttle_write_bps) < 0 ||
	    gen_throttle(g, "throttleReadIOPSDevice", b->throttle_read_iops,
			 b->n_throttle_read_iops) < 0 ||
	    gen_throttle(g, "throttleWriteIOPSDevice", b->throttle_write_iops,
			 b->n_throttle_write_iops) < 0)
		return -1;
	return gen_ok(yajl_gen_map_close(g));
}

static int gen_hugepages(yajl_gen g, const struct rl_resources *r)
{
	if (r->n_hugepage_limits == 0)
		return 0;
	if (rl_gen_key(g, "hugepageLimits") < 0 || gen_ok(yajl_gen_array_open(g)) < 0)
		return -1;
	for (size_t i = 0; i < r->n_hugepage_limits; i++) {
		const struct rl_hugepage_limit *h = &r->hugepage_limits[i];

		if (gen_ok(yajl_gen_map_open(g)) < 0 ||
		    rl_gen_key_str(g, "pageSize", h->page_size) < 0 ||
		    rl_gen_key_u64(g, "limit", h->limit) < 0 || gen_ok(yajl_gen_map_close(g)) < 0)
			return -1;
	}
	return gen_ok(yajl_gen_array_close(g));
}

static int gen_network(yajl_gen g, const struct rl_network *n)
{
	if (rl_gen_key(g, "network") < 0 || gen_ok(yajl_gen_map_open(g)) < 0 ||
	    gen_opt_u32(g, "classID", &n->class_id) < 0)
		return -1;
	if (n->n_priorities) {
		if (rl_gen_key(g, "priorities") < 0 || gen_ok(yajl_gen_array_open(g)) < 0)
			return -1;
		for (size_t i = 0; i < n->n_priorities; i++)
			if (gen_ok(yajl_gen_map_open(g)) < 0 ||
			    rl_gen_key_str(g, "name", n->priorities[i].name) < 0 ||
			    rl_gen_key_u64(g, "priority", n->priorities[i].priority) < 0 ||
			    gen_ok(yajl_gen_map_close(g)) < 0)
				return -1;
		if (gen_ok(yajl_gen_array_close(g)) < 0)
			return -1;
	}
	return gen_ok(yajl_gen_map_close(g));
}

static int gen_rdma(yajl_gen g, const struct rl_resources *r)
{
	if (r->n_rdma == 0)
		return 0;
	if (rl_gen_key(g, "rdma") < 0 || gen_ok(yajl_gen_map_open(g)) < 0)
		return -1;
	for (size_t i = 0; i < r->n_rdma; i++) {
		const struct rl_rdma *d = &r->rdma[i];

		if (rl_gen_key(g, d->device) < 0 || gen_ok(yajl_gen_map_open(g)) < 0 ||
		    gen_opt_u32(g, "hcaHandles", &d->hca_handles) < 0 ||
		    gen_opt_u32(g, "hcaObjects", &d->hca_objects) < 0 ||
		    gen_ok(yajl_gen_map_close(g)) < 0)
			return -1;
	}
	return gen_ok(yajl_gen_map_close(g));
}

int rl_write_resources(yajl_gen g, const struct rl_resources *r)
{
	if (gen_ok(yajl_gen_map_open(g)) < 0 || gen_device_rules(g, r) < 0 ||
	    (r->has_memory && gen_memory(g, &r->memory) < 0) ||
	    (r->has_cpu && gen_cpu(g, &r->cpu) < 0))
		return -1;
	if (r->pids_limit.set &&
	    (rl_gen_key(g, "pids") < 0 || gen_ok(yajl_gen_map_open(g)) < 0 ||
	     rl_gen_key_i64(g, "limit", r->pids_limit.v) < 0 || gen_ok(yajl_gen_map_close(g)) < 0))
		return -1;
	if ((r->has_block_io && gen_block_io(g, &r->block_io) < 0) || gen_hugepages(g, r) < 0 ||
	    (r->has_network && gen_network(g, &r->network) < 0) || gen_rdma(g, r) < 0 ||
	    rl_gen_key_map(g, "unified", &r->unified) < 0)
		return -1;
	return gen_ok(yajl_gen_map_close(g));
}
