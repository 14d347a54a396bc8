/* The stats model, its event JSON and the --interval parser; see stats.h.
 *
 * Go's encoding/json decides the shape of runc's output, and callers
 * compare against it: a struct member is always written (a struct is never
 * "empty" to omitempty), an omitempty number only when non-zero, an
 * omitempty slice or map only when non-empty, a nil slice without
 * omitempty as null, and map keys in byte order. */
#include "stats.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "config_internal.h"

/* ---- building ------------------------------------------------------------ */

/* Grows an array of n elements of size sz by one; -1 on ENOMEM. */
static int grow(void **v, size_t n, size_t sz, struct rl_error *err)
{
	void *p = reallocarray(*v, n + 1, sz);

	if (!p)
		return rl_error_set(err, ENOMEM, "stats");
	*v = p;
	return 0;
}

int rl_u64v_add(struct rl_u64v *v, uint64_t x, struct rl_error *err)
{
	if (grow((void **)&v->v, v->n, sizeof(*v->v), err) < 0)
		return -1;
	v->v[v->n++] = x;
	return 0;
}

int rl_u16v_add(struct rl_u16v *v, uint16_t x, struct rl_error *err)
{
	if (grow((void **)&v->v, v->n, sizeof(*v->v), err) < 0)
		return -1;
	v->v[v->n++] = x;
	return 0;
}

int rl_blkio_add(struct rl_blkio_list *l, uint64_t major, uint64_t minor, const char *op,
		 uint64_t value, struct rl_error *err)
{
	struct rl_blkio_entry *e;

	if (grow((void **)&l->e, l->n, sizeof(*l->e), err) < 0)
		return -1;
	e = &l->e[l->n++];
	e->major = major;
	e->minor = minor;
	snprintf(e->op, sizeof(e->op), "%s", op ? op : "");
	e->value = value;
	return 0;
}

int rl_u64map_set(struct rl_u64map *m, const char *key, uint64_t value, struct rl_error *err)
{
	char *k;

	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], key) == 0) {
			m->values[i] = value;
			return 0;
		}
	if (grow((void **)&m->keys, m->n, sizeof(*m->keys), err) < 0 ||
	    grow((void **)&m->values, m->n, sizeof(*m->values), err) < 0)
		return -1;
	if (!(k = strdup(key)))
		return rl_error_set(err, ENOMEM, "stats");
	m->keys[m->n] = k;
	m->values[m->n++] = value;
	return 0;
}

uint64_t rl_u64map_get(const struct rl_u64map *m, const char *key)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->keys[i], key) == 0)
			return m->values[i];
	return 0;
}

struct rl_hugetlb_entry *rl_hugetlb_get(struct rl_stats *s, const char *size, struct rl_error *err)
{
	struct rl_hugetlb_entry *e;

	for (size_t i = 0; i < s->hugetlb.n; i++)
		if (strcmp(s->hugetlb.e[i].size, size) == 0)
			return &s->hugetlb.e[i];
	if (grow((void **)&s->hugetlb.e, s->hugetlb.n, sizeof(*s->hugetlb.e), err) < 0)
		return NULL;
	e = &s->hugetlb.e[s->hugetlb.n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->size, sizeof(e->size), "%s", size);
	return e;
}

void rl_stats_free(struct rl_stats *s)
{
	struct rl_blkio_list *b[] = {&s->blkio.service_bytes, &s->blkio.serviced,  &s->blkio.queued,
				     &s->blkio.service_time,  &s->blkio.wait_time, &s->blkio.merged,
				     &s->blkio.time,	      &s->blkio.sectors};

	free(s->cpu.usage.percpu.v);
	free(s->cpu.usage.percpu_kernel.v);
	free(s->cpu.usage.percpu_user.v);
	free(s->cpuset.cpus.v);
	free(s->cpuset.mems.v);
	for (size_t i = 0; i < s->memory.raw.n; i++)
		free(s->memory.raw.keys[i]);
	free(s->memory.raw.keys);
	free(s->memory.raw.values);
	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		free(b[i]->e);
	free(s->hugetlb.e);
	memset(s, 0, sizeof(*s));
}

/* ---- JSON ---------------------------------------------------------------- */

/* Every writer below returns 0, or non-zero when yajl_gen failed (a bug or
 * ENOMEM); they chain with || and the entry points make that one error. */

static int ok(yajl_gen_status st)
{
	return st == yajl_gen_status_ok ? 0 : -1;
}

static int num(yajl_gen g, uint64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, v);

	return ok(yajl_gen_number(g, buf, (size_t)n));
}

static int open_map(yajl_gen g, const char *key)
{
	return rl_gen_key(g, key) || ok(yajl_gen_map_open(g));
}

static int close_map(yajl_gen g)
{
	return ok(yajl_gen_map_close(g));
}

/* `json:"key,omitempty"` on a number */
static int u64_omit(yajl_gen g, const char *key, uint64_t v)
{
	return v ? rl_gen_key_u64(g, key, v) : 0;
}

static int u64v_omit(yajl_gen g, const char *key, const struct rl_u64v *v)
{
	if (v->n == 0)
		return 0;
	if (rl_gen_key(g, key) || ok(yajl_gen_array_open(g)))
		return -1;
	for (size_t i = 0; i < v->n; i++)
		if (num(g, v->v[i]))
			return -1;
	return ok(yajl_gen_array_close(g));
}

static int u16v_omit(yajl_gen g, const char *key, const struct rl_u16v *v)
{
	if (v->n == 0)
		return 0;
	if (rl_gen_key(g, key) || ok(yajl_gen_array_open(g)))
		return -1;
	for (size_t i = 0; i < v->n; i++)
		if (num(g, v->v[i]))
			return -1;
	return ok(yajl_gen_array_close(g));
}

static int write_cpu(yajl_gen g, const struct rl_stats *s)
{
	const __typeof__(s->cpu.usage) *u = &s->cpu.usage;
	const __typeof__(s->cpu.throttling) *t = &s->cpu.throttling;

	return open_map(g, "cpu") || open_map(g, "usage") || u64_omit(g, "total", u->total) ||
	       u64v_omit(g, "percpu", &u->percpu) ||
	       u64v_omit(g, "percpu_kernel", &u->percpu_kernel) ||
	       u64v_omit(g, "percpu_user", &u->percpu_user) ||
	       rl_gen_key_u64(g, "kernel", u->kernel) || rl_gen_key_u64(g, "user", u->user) ||
	       close_map(g) || open_map(g, "throttling") || u64_omit(g, "periods", t->periods) ||
	       u64_omit(g, "throttledPeriods", t->throttled_periods) ||
	       u64_omit(g, "throttledTime", t->throttled_time) || close_map(g) || close_map(g);
}

static int write_cpuset(yajl_gen g, const struct rl_stats *s)
{
	const __typeof__(s->cpuset) *c = &s->cpuset;

	return open_map(g, "cpuset") || u16v_omit(g, "cpus", &c->cpus) ||
	       rl_gen_key_u64(g, "cpu_exclusive", c->cpu_exclusive) ||
	       u16v_omit(g, "mems", &c->mems) ||
	       rl_gen_key_u64(g, "mem_hardwall", c->mem_hardwall) ||
	       rl_gen_key_u64(g, "mem_exclusive", c->mem_exclusive) ||
	       rl_gen_key_u64(g, "memory_migrate", c->memory_migrate) ||
	       rl_gen_key_u64(g, "memory_spread_page", c->memory_spread_page) ||
	       rl_gen_key_u64(g, "memory_spread_slab", c->memory_spread_slab) ||
	       rl_gen_key_u64(g, "memory_pressure", c->memory_pressure) ||
	       rl_gen_key_u64(g, "sched_load_balance", c->sched_load_balance) ||
	       rl_gen_key_i64(g, "sched_relax_domain_level", c->sched_relax_domain_level) ||
	       close_map(g);
}

static int write_mem_entry(yajl_gen g, const char *key, const struct rl_mem_entry *e)
{
	return open_map(g, key) || rl_gen_key_u64(g, "limit", e->limit) ||
	       u64_omit(g, "usage", e->usage) || u64_omit(g, "max", e->max) ||
	       rl_gen_key_u64(g, "failcnt", e->failcnt) || close_map(g);
}

static int cmp_key(const void *a, const void *b, void *keys)
{
	char **k = keys;

	return strcmp(k[*(const size_t *)a], k[*(const size_t *)b]);
}

/* Go writes a map's keys in byte order. */
static int write_raw(yajl_gen g, const struct rl_u64map *m)
{
	size_t *idx;
	int r = 0;

	if (m->n == 0)
		return 0;
	if (!(idx = calloc(m->n, sizeof(*idx))))
		return -1;
	for (size_t i = 0; i < m->n; i++)
		idx[i] = i;
	qsort_r(idx, m->n, sizeof(*idx), cmp_key, m->keys);
	r = open_map(g, "raw");
	for (size_t i = 0; !r && i < m->n; i++)
		r = rl_gen_key_u64(g, m->keys[idx[i]], m->values[idx[i]]);
	free(idx);
	return r || close_map(g);
}

static int write_memory(yajl_gen g, const struct rl_stats *s)
{
	const __typeof__(s->memory) *m = &s->memory;

	return open_map(g, "memory") || u64_omit(g, "cache", m->cache) ||
	       write_mem_entry(g, "usage", &m->usage) || write_mem_entry(g, "swap", &m->swap) ||
	       write_mem_entry(g, "kernel", &m->kernel) ||
	       write_mem_entry(g, "kernelTCP", &m->kernel_tcp) || write_raw(g, &m->raw) ||
	       close_map(g);
}

static int write_blkio_list(yajl_gen g, const char *key, const struct rl_blkio_list *l)
{
	if (l->n == 0)
		return 0;
	if (rl_gen_key(g, key) || ok(yajl_gen_array_open(g)))
		return -1;
	for (size_t i = 0; i < l->n; i++) {
		const struct rl_blkio_entry *e = &l->e[i];

		if (ok(yajl_gen_map_open(g)) || u64_omit(g, "major", e->major) ||
		    u64_omit(g, "minor", e->minor) ||
		    (e->op[0] && rl_gen_key_str(g, "op", e->op)) ||
		    u64_omit(g, "value", e->value) || close_map(g))
			return -1;
	}
	return ok(yajl_gen_array_close(g));
}

static int write_blkio(yajl_gen g, const struct rl_stats *s)
{
	const __typeof__(s->blkio) *b = &s->blkio;

	return open_map(g, "blkio") ||
	       write_blkio_list(g, "ioServiceBytesRecursive", &b->service_bytes) ||
	       write_blkio_list(g, "ioServicedRecursive", &b->serviced) ||
	       write_blkio_list(g, "ioQueueRecursive", &b->queued) ||
	       write_blkio_list(g, "ioServiceTimeRecursive", &b->service_time) ||
	       write_blkio_list(g, "ioWaitTimeRecursive", &b->wait_time) ||
	       write_blkio_list(g, "ioMergedRecursive", &b->merged) ||
	       write_blkio_list(g, "ioTimeRecursive", &b->time) ||
	       write_blkio_list(g, "sectorsRecursive", &b->sectors) || close_map(g);
}

static int cmp_size(const void *a, const void *b)
{
	const struct rl_hugetlb_entry *const *x = a, *const *y = b;

	return strcmp((*x)->size, (*y)->size);
}

/* Always an object: runc makes the map even when it stays empty. */
static int write_hugetlb(yajl_gen g, const struct rl_stats *s)
{
	const struct rl_hugetlb_entry **v = NULL;
	size_t n = s->hugetlb.n;
	int r;

	if (n && !(v = calloc(n, sizeof(*v))))
		return -1;
	for (size_t i = 0; i < n; i++)
		v[i] = &s->hugetlb.e[i];
	if (n)
		qsort(v, n, sizeof(*v), cmp_size);
	r = open_map(g, "hugetlb");
	for (size_t i = 0; !r && i < n; i++)
		r = open_map(g, v[i]->size) || u64_omit(g, "usage", v[i]->usage) ||
		    u64_omit(g, "max", v[i]->max) || rl_gen_key_u64(g, "failcnt", v[i]->failcnt) ||
		    close_map(g);
	free(v);
	return r || close_map(g);
}

/* intel_rdt is a struct of omitempty members only, network_interfaces a
 * slice without omitempty that rlite never fills: {} and null, as runc
 * prints them when it has neither. */
static int write_data(yajl_gen g, const struct rl_stats *s)
{
	return open_map(g, "data") || write_cpu(g, s) || write_cpuset(g, s) || write_memory(g, s) ||
	       open_map(g, "pids") || u64_omit(g, "current", s->pids.current) ||
	       u64_omit(g, "limit", s->pids.limit) || close_map(g) || write_blkio(g, s) ||
	       write_hugetlb(g, s) || open_map(g, "intel_rdt") || close_map(g) ||
	       rl_gen_key(g, "network_interfaces") || ok(yajl_gen_null(g)) || close_map(g);
}

/* {"type":TYPE,"id":ID[,"data":...]} into *out. */
static int event_json(const char *type, const char *id, const struct rl_stats *s, char **out,
		      struct rl_error *err)
{
	const unsigned char *buf = NULL;
	size_t n = 0;
	yajl_gen g = yajl_gen_alloc(NULL);
	int r;

	if (!g)
		return rl_error_set(err, ENOMEM, "%s event", type);
	r = ok(yajl_gen_map_open(g)) || rl_gen_key_str(g, "type", type) ||
	    rl_gen_key_str(g, "id", id) || (s && write_data(g, s)) || close_map(g);
	if (r) {
		yajl_gen_free(g);
		return rl_error_set(err, 0, "%s event: generating JSON failed", type);
	}
	yajl_gen_get_buf(g, &buf, &n);
	*out = strndup((const char *)buf, n);
	yajl_gen_free(g);
	if (!*out)
		return rl_error_set(err, ENOMEM, "%s event", type);
	return 0;
}

int rl_stats_event_json(const char *id, const struct rl_stats *s, char **out, struct rl_error *err)
{
	return event_json("stats", id, s, out, err);
}

int rl_oom_event_json(const char *id, char **out, struct rl_error *err)
{
	return event_json("oom", id, NULL, out, err);
}

/* ---- durations ------------------------------------------------------------ */

static const struct {
	const char *name;
	uint64_t ns;
} units[] = {
    {"ns", 1},	       {"us", 1000},	  {"\u00b5s", 1000}, /* micro sign, as Go accepts */
    {"\u03bcs", 1000},					     /* Greek mu */
    {"ms", 1000000},   {"s", 1000000000}, {"m", 60ull * 1000000000}, {"h", 3600ull * 1000000000},
};

/* The unit of the text [p, p+len); 0 when unknown. */
static uint64_t unit_ns(const char *p, size_t len)
{
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == len && strncmp(units[i].name, p, len) == 0)
			return units[i].ns;
	return 0;
}

/* One "<number>[.<fraction>]<unit>" at *p, added to *total.  The unit may
 * be missing only when the number is the whole duration (plain seconds). */
static int duration_part(const char *s, const char **p, bool whole, unsigned __int128 *total,
			 struct rl_error *err)
{
	unsigned __int128 v = 0, f = 0, scale = 1;
	const char *q = *p, *u;
	bool digits = false;
	uint64_t unit;

	for (; isdigit((unsigned char)*q); q++, digits = true)
		if ((v = v * 10 + (unsigned)(*q - '0')) > INT64_MAX)
			return rl_error_set(err, 0, "invalid duration \"%s\": too large", s);
	if (*q == '.')
		for (q++; isdigit((unsigned char)*q); q++, digits = true)
			if (scale < 1000000000000000000ull) { /* further digits are below 1ns */
				f = f * 10 + (unsigned)(*q - '0');
				scale *= 10;
			}
	if (!digits)
		return rl_error_set(err, 0, "invalid duration \"%s\"", s);
	for (u = q; *q && *q != '.' && !isdigit((unsigned char)*q); q++)
		;
	if (q == u && whole && !*q)
		unit = 1000000000;
	else if (q == u)
		return rl_error_set(err, 0, "invalid duration \"%s\": missing unit", s);
	else if (!(unit = unit_ns(u, (size_t)(q - u))))
		return rl_error_set(err, 0, "invalid duration \"%s\": unknown unit \"%.*s\"", s,
				    (int)(q - u), u);
	*total += v * unit + f * unit / scale;
	if (*total > (unsigned __int128)INT64_MAX)
		return rl_error_set(err, 0, "invalid duration \"%s\": too large", s);
	*p = q;
	return 0;
}

int rl_duration_parse(const char *s, int64_t *ns, struct rl_error *err)
{
	unsigned __int128 total = 0;
	const char *p = s;
	bool neg = false;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (strcmp(p, "0") == 0) {
		*ns = 0;
		return 0;
	}
	if (!*p)
		return rl_error_set(err, 0, "invalid duration \"%s\"", s);
	for (bool first = true; *p; first = false)
		if (duration_part(s, &p, first, &total, err) < 0)
			return -1;
	*ns = neg ? -(int64_t)total : (int64_t)total;
	return 0;
}
