#include "json.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rl_jerr(struct rl_jctx *c, const char *path, const char *fmt, ...)
{
	char msg[RL_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (path && c->strip) {
		size_t n = strlen(c->strip);

		if (strncmp(path, c->strip, n) == 0 && (path[n] == '\0' || path[n] == '.'))
			path += path[n] ? n + 1 : n;
	}
	if (path && *path)
		return rl_error_set(c->err, 0, "%s: %s: %s", c->name, path, msg);
	return rl_error_set(c->err, 0, "%s: %s", c->name, msg);
}

int rl_json_check_depth(struct rl_jctx *c, const char *s, size_t len, size_t max)
{
	size_t depth = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"') {
			for (i++; i < len && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
		} else if (s[i] == '/' && i + 1 < len && s[i + 1] == '*') {
			for (i += 2; i + 1 < len && !(s[i] == '*' && s[i + 1] == '/'); i++)
				;
			i++;
		} else if (s[i] == '/' && i + 1 < len && s[i + 1] == '/') {
			while (i < len && s[i] != '\n')
				i++;
		} else if (s[i] == '[' || s[i] == '{') {
			if (++depth > max)
				return rl_jerr(c, "", "invalid JSON: nested deeper than %zu levels",
					       max);
		} else if ((s[i] == ']' || s[i] == '}') && depth) {
			depth--;
		}
	}
	return 0;
}

/* Paths are built for every member read, and read only when it fails:
 * plain copies, no printf (a sixth of `rlite list`'s state parsing went
 * to snprintf).  put() appends s at *n, cut to what the buffer holds. */
static void put(char *buf, size_t *n, const char *s, size_t len)
{
	if (len > RL_JPATH_MAX - 1 - *n)
		len = RL_JPATH_MAX - 1 - *n;
	memmove(buf + *n, s, len);
	*n += len;
}

const char *rl_jpath_key(char *buf, const char *parent, const char *key)
{
	size_t n = 0;

	/* A path longer than the buffer is cut: it only names a place in an
	 * error message. */
	if (parent && *parent) {
		put(buf, &n, parent, strlen(parent));
		put(buf, &n, ".", 1);
	}
	put(buf, &n, key, strlen(key));
	buf[n] = '\0';
	return buf;
}

const char *rl_jpath_idx(char *buf, const char *parent, size_t i)
{
	char num[24];
	size_t n = 0, d = sizeof(num);

	num[--d] = ']';
	do
		num[--d] = (char)('0' + i % 10);
	while ((i /= 10) > 0);
	num[--d] = '[';
	if (parent)
		put(buf, &n, parent, strlen(parent));
	put(buf, &n, num + d, sizeof(num) - d);
	buf[n] = '\0';
	return buf;
}

yajl_val rl_jget(yajl_val obj, const char *key)
{
	if (!YAJL_IS_OBJECT(obj))
		return NULL;
	/* The last duplicate wins, as with most JSON decoders. */
	for (size_t i = obj->u.object.len; i-- > 0;) {
		if (strcmp(obj->u.object.keys[i], key) == 0) {
			yajl_val v = obj->u.object.values[i];
			return YAJL_IS_NULL(v) ? NULL : v;
		}
	}
	return NULL;
}

int rl_jexpect_object(struct rl_jctx *c, yajl_val v, const char *path)
{
	if (!YAJL_IS_OBJECT(v))
		return rl_jerr(c, path, "must be an object");
	return 0;
}

int rl_jexpect_array(struct rl_jctx *c, yajl_val v, const char *path)
{
	if (!YAJL_IS_ARRAY(v))
		return rl_jerr(c, path, "must be an array");
	return 0;
}

int rl_jstr(struct rl_jctx *c, yajl_val v, const char *path, char **out)
{
	char *s;

	if (!YAJL_IS_STRING(v))
		return rl_jerr(c, path, "must be a string");
	s = strdup(v->u.string);
	if (!s)
		return rl_error_set(c->err, ENOMEM, "%s: %s", c->name, path);
	free(*out);
	*out = s;
	return 0;
}

int rl_jbool(struct rl_jctx *c, yajl_val v, const char *path, bool *out)
{
	if (!YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
		return rl_jerr(c, path, "must be a boolean");
	*out = YAJL_IS_TRUE(v);
	return 0;
}

/* yajl keeps the literal text of every number; read it ourselves so that
 * integers beyond long long (e.g. an rlimit of 2^64-1) and fractions are
 * told apart precisely. */
static int number_text(struct rl_jctx *c, yajl_val v, const char *path, const char **text)
{
	if (!YAJL_IS_NUMBER(v))
		return rl_jerr(c, path, "must be an integer");
	if (!YAJL_IS_INTEGER(v) && !(v->u.number.flags & YAJL_NUMBER_INT_VALID)) {
		/* yajl marks integers that overflow long long as not valid;
		 * a fraction or exponent is never an integer. */
		const char *r = v->u.number.r;
		if (strpbrk(r, ".eE"))
			return rl_jerr(c, path, "must be an integer, not \"%s\"", r);
	}
	*text = v->u.number.r;
	return 0;
}

int rl_jint(struct rl_jctx *c, yajl_val v, const char *path, int64_t min, int64_t max, int64_t *out)
{
	const char *text = NULL;
	char *end = NULL;
	long long n;

	if (number_text(c, v, path, &text) < 0)
		return -1;
	errno = 0;
	n = strtoll(text, &end, 10);
	if (errno || *end || n < min || n > max)
		return rl_jerr(c, path, "%s is out of range [%lld, %lld]", text, (long long)min,
			       (long long)max);
	*out = n;
	return 0;
}

int rl_juint(struct rl_jctx *c, yajl_val v, const char *path, uint64_t max, uint64_t *out)
{
	const char *text = NULL;
	char *end = NULL;
	unsigned long long n;

	if (number_text(c, v, path, &text) < 0)
		return -1;
	errno = 0;
	if (text[0] == '-')
		return rl_jerr(c, path, "%s is out of range [0, %llu]", text,
			       (unsigned long long)max);
	n = strtoull(text, &end, 10);
	if (errno || *end || n > max)
		return rl_jerr(c, path, "%s is out of range [0, %llu]", text,
			       (unsigned long long)max);
	*out = n;
	return 0;
}

int rl_jstr_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key, char **out)
{
	char p[RL_JPATH_MAX];
	yajl_val v = rl_jget(obj, key);

	if (!v)
		return 0;
	return rl_jstr(c, v, rl_jpath_key(p, parent, key), out);
}

int rl_jstr_req(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key, char **out)
{
	char p[RL_JPATH_MAX];
	yajl_val v = rl_jget(obj, key);

	rl_jpath_key(p, parent, key);
	if (!v)
		return rl_jerr(c, p, "is required");
	return rl_jstr(c, v, p, out);
}

int rl_jbool_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key, bool *out)
{
	char p[RL_JPATH_MAX];
	yajl_val v = rl_jget(obj, key);

	if (!v)
		return 0;
	return rl_jbool(c, v, rl_jpath_key(p, parent, key), out);
}

int rl_jbool_opt2(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		  struct rl_opt_bool *out)
{
	char p[RL_JPATH_MAX];
	yajl_val v = rl_jget(obj, key);

	if (!v)
		return 0;
	if (rl_jbool(c, v, rl_jpath_key(p, parent, key), &out->v) < 0)
		return -1;
	out->set = true;
	return 0;
}

int rl_ji64_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key, int64_t min,
		int64_t max, struct rl_opt_i64 *out)
{
	char p[RL_JPATH_MAX];
	yajl_val v = rl_jget(obj, key);

	if (!v)
		return 0;
	if (rl_jint(c, v, rl_jpath_key(p, parent, key), min, max, &out->v) < 0)
		return -1;
	out->set = true;
	return 0;
}

int rl_ju64_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key, uint64_t max,
		struct rl_opt_u64 *out)
{
	char p[RL_JPATH_MAX];
	yajl_val v = rl_jget(obj, key);

	if (!v)
		return 0;
	if (rl_juint(c, v, rl_jpath_key(p, parent, key), max, &out->v) < 0)
		return -1;
	out->set = true;
	return 0;
}

int rl_ju32_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		struct rl_opt_u32 *out)
{
	struct rl_opt_u64 v = {0};

	if (rl_ju64_opt(c, obj, parent, key, UINT32_MAX, &v) < 0)
		return -1;
	if (v.set) {
		out->set = true;
		out->v = (uint32_t)v.v;
	}
	return 0;
}

int rl_jstrv(struct rl_jctx *c, yajl_val v, const char *path, bool nonempty, struct rl_strv *out)
{
	char p[RL_JPATH_MAX];
	struct rl_strv sv = {0};
	size_t n;

	if (rl_jexpect_array(c, v, path) < 0)
		return -1;
	n = v->u.array.len;
	if (nonempty && n == 0)
		return rl_jerr(c, path, "must be a non-empty array");
	if (n) {
		sv.v = calloc(n + 1, sizeof(char *));
		if (!sv.v)
			return rl_error_set(c->err, ENOMEM, "%s: %s", c->name, path);
	}
	for (size_t i = 0; i < n; i++) {
		if (rl_jstr(c, v->u.array.values[i], rl_jpath_idx(p, path, i), &sv.v[i]) < 0) {
			rl_strv_free(&sv);
			return -1;
		}
		sv.n = i + 1;
	}
	rl_strv_free(out);
	*out = sv;
	return 0;
}

int rl_jstrv_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		 struct rl_strv *out)
{
	char p[RL_JPATH_MAX];
	yajl_val v = rl_jget(obj, key);

	if (!v)
		return 0;
	return rl_jstrv(c, v, rl_jpath_key(p, parent, key), false, out);
}

struct key_pos {
	const char *key;
	size_t pos;
};

static int key_pos_cmp(const void *a, const void *b)
{
	const struct key_pos *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	if (r)
		return r;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Marks, for each key of a JSON object, whether it is the last occurrence
 * (the one rl_jget returns).  Sorting keeps this O(n log n): a hostile
 * document with 10^5 annotations must not take minutes. */
static bool *last_occurrences(yajl_val v)
{
	size_t n = v->u.object.len;
	struct key_pos *kp = calloc(n, sizeof(*kp));
	bool *keep = calloc(n, sizeof(*keep));

	if (!kp || !keep) {
		free(kp);
		free(keep);
		return NULL;
	}
	for (size_t i = 0; i < n; i++)
		kp[i] = (struct key_pos){v->u.object.keys[i], i};
	qsort(kp, n, sizeof(*kp), key_pos_cmp);
	for (size_t i = 0; i < n; i++)
		if (i + 1 == n || strcmp(kp[i].key, kp[i + 1].key) != 0)
			keep[kp[i].pos] = true;
	free(kp);
	return keep;
}

int rl_jmap_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		struct rl_map *out)
{
	char p[RL_JPATH_MAX], q[RL_JPATH_MAX];
	yajl_val v = rl_jget(obj, key);
	struct rl_map m = {0};
	bool *keep = NULL;
	size_t n;

	if (!v)
		return 0;
	rl_jpath_key(p, parent, key);
	if (rl_jexpect_object(c, v, p) < 0)
		return -1;
	n = v->u.object.len;
	if (n == 0)
		goto done;
	m.keys = calloc(n, sizeof(char *));
	m.values = calloc(n, sizeof(char *));
	keep = last_occurrences(v);
	if (!m.keys || !m.values || !keep)
		goto nomem;
	for (size_t i = 0; i < n; i++) {
		const char *k = v->u.object.keys[i];

		if (!keep[i])
			continue;
		if (rl_jstr(c, v->u.object.values[i], rl_jpath_key(q, p, k), &m.values[m.n]) < 0)
			goto fail;
		m.keys[m.n] = strdup(k);
		m.n++;
		if (!m.keys[m.n - 1])
			goto nomem;
	}
	free(keep);
done:
	rl_map_free(out);
	*out = m;
	return 0;
nomem:
	rl_error_set(c->err, ENOMEM, "%s: %s", c->name, p);
fail:
	free(keep);
	rl_map_free(&m);
	return -1;
}

int rl_jabs_path(struct rl_jctx *c, const char *path, const char *value)
{
	if (!value || value[0] != '/')
		return rl_jerr(c, path, "must be an absolute path, not \"%s\"", value ? value : "");
	return 0;
}

void rl_strv_free(struct rl_strv *sv)
{
	for (size_t i = 0; i < sv->n; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->n = 0;
}

void rl_map_free(struct rl_map *m)
{
	for (size_t i = 0; i < m->n; i++) {
		free(m->keys[i]);
		free(m->values[i]);
	}
	free(m->keys);
	free(m->values);
	m->keys = m->values = NULL;
	m->n = 0;
}
