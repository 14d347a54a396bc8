/* Small yajl_gen helpers shared by every JSON writer in spec/.
 *
 * Each returns 0, or -1 when yajl_gen refuses the call (a writer bug such as
 * a key outside a map, or an allocation failure); callers chain them with
 * `||` and turn -1 into one error for the whole document. */
#include "config_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static int gen_ok(yajl_gen_status s)
{
	return s == yajl_gen_status_ok ? 0 : -1;
}

/* A NULL string becomes JSON null rather than a crash: writers only pass
 * NULL by mistake, and null is what the parsers read as "absent". */
int rl_gen_str(yajl_gen g, const char *s)
{
	if (!s)
		return gen_ok(yajl_gen_null(g));
	return gen_ok(yajl_gen_string(g, (const unsigned char *)s, strlen(s)));
}

int rl_gen_key(yajl_gen g, const char *key)
{
	return rl_gen_str(g, key);
}

int rl_gen_key_str(yajl_gen g, const char *key, const char *value)
{
	if (!value)
		return 0;
	if (rl_gen_key(g, key) < 0)
		return -1;
	return rl_gen_str(g, value);
}

int rl_gen_key_bool(yajl_gen g, const char *key, bool value)
{
	if (rl_gen_key(g, key) < 0)
		return -1;
	return gen_ok(yajl_gen_bool(g, value));
}

int rl_gen_key_i64(yajl_gen g, const char *key, int64_t value)
{
	if (rl_gen_key(g, key) < 0)
		return -1;
	return gen_ok(yajl_gen_integer(g, (long long)value));
}

/* yajl_gen_integer takes a long long, so values above INT64_MAX (an
 * unlimited rlimit, a seccomp mask of all ones) go out as their decimal
 * text; the parsers read that text back exactly. */
int rl_gen_key_u64(yajl_gen g, const char *key, uint64_t value)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%" PRIu64, value);

	if (rl_gen_key(g, key) < 0)
		return -1;
	return gen_ok(yajl_gen_number(g, buf, (size_t)n));
}

int rl_gen_key_strv(yajl_gen g, const char *key, const struct rl_strv *sv)
{
	if (!sv || sv->n == 0)
		return 0;
	if (rl_gen_key(g, key) < 0 || gen_ok(yajl_gen_array_open(g)) < 0)
		return -1;
	for (size_t i = 0; i < sv->n; i++)
		if (rl_gen_str(g, sv->v[i]) < 0)
			return -1;
	return gen_ok(yajl_gen_array_close(g));
}

int rl_gen_key_map(yajl_gen g, const char *key, const struct rl_map *m)
{
	if (!m || m->n == 0)
		return 0;
	if (rl_gen_key(g, key) < 0 || gen_ok(yajl_gen_map_open(g)) < 0)
		return -1;
	for (size_t i = 0; i < m->n; i++)
		if (rl_gen_str(g, m->keys[i]) < 0 || rl_gen_str(g, m->values[i]) < 0)
			return -1;
	return gen_ok(yajl_gen_map_close(g));
}
