/* Typed access to a yajl tree with JSON-path error messages.
 *
 * Every reader takes the path of the node it reads ("process.args[0]") so
 * that a failure names it: "config.json: process.args[0]: must be a string".
 * Paths are built with rl_jpath_key()/rl_jpath_idx() into caller buffers of
 * RL_JPATH_MAX bytes; a path that does not fit is cut, never overflowed.
 *
 * Readers of a member ("_member" / "_opt") take the parent object and the
 * key; absent members (or JSON null) are "not set" and return 0 leaving the
 * output untouched, unless the reader is the required kind. */
#ifndef RL_SPEC_JSON_H
#define RL_SPEC_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "config.h"
#include "error.h"

#define RL_JPATH_MAX 256

struct rl_jctx {
	const char *name; /* document name, the first part of every message */
	struct rl_error *err;
	/* A document that is one member of config.json on its own (a
	 * process.json): this leading member name is dropped from the paths
	 * of messages ("process.args" -> "args"); NULL: none. */
	const char *strip;
};

/* "name: path: message"; returns -1.  An empty path gives "name: message". */
int rl_jerr(struct rl_jctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* yajl builds and frees its tree recursively, so a deeply nested document
 * could overflow the stack: refuses nesting deeper than max before yajl
 * sees the text ("name: invalid JSON: nested deeper than N levels").
 * Follows yajl's lexer: brackets inside strings and inside the comments
 * yajl_tree_parse() allows do not count. */
int rl_json_check_depth(struct rl_jctx *c, const char *s, size_t len, size_t max);

/* Child paths: "parent.key" (or "key" when parent is empty), "parent[i]". */
const char *rl_jpath_key(char *buf, const char *parent, const char *key);
const char *rl_jpath_idx(char *buf, const char *parent, size_t i);

/* Member lookup in an object; NULL when absent or JSON null. */
yajl_val rl_jget(yajl_val obj, const char *key);

/* Type checks on a present value; the message names the expected type. */
int rl_jexpect_object(struct rl_jctx *c, yajl_val v, const char *path);
int rl_jexpect_array(struct rl_jctx *c, yajl_val v, const char *path);

/* Scalars from a present value. */
int rl_jstr(struct rl_jctx *c, yajl_val v, const char *path, char **out); /* strdup */
int rl_jbool(struct rl_jctx *c, yajl_val v, const char *path, bool *out);
/* Integers must be JSON integers within [min, max]. */
int rl_jint(struct rl_jctx *c, yajl_val v, const char *path, int64_t min, int64_t max,
	    int64_t *out);
int rl_juint(struct rl_jctx *c, yajl_val v, const char *path, uint64_t max, uint64_t *out);

/* Members.  The _opt forms leave *out alone when the key is absent; the
 * _req forms fail with "<path>: is required". */
int rl_jstr_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key, char **out);
int rl_jstr_req(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key, char **out);
int rl_jbool_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key, bool *out);
int rl_ji64_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key, int64_t min,
		int64_t max, struct rl_opt_i64 *out);
int rl_ju64_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key, uint64_t max,
		struct rl_opt_u64 *out);
int rl_ju32_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		struct rl_opt_u32 *out);
int rl_jbool_opt2(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		  struct rl_opt_bool *out);

/* An array of strings.  With nonempty, an empty array is an error; absent is
 * left to the caller (use rl_jget first when the member is required). */
int rl_jstrv(struct rl_jctx *c, yajl_val v, const char *path, bool nonempty, struct rl_strv *out);
int rl_jstrv_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		 struct rl_strv *out);

/* An object whose members are all strings (annotations, sysctl, unified). */
int rl_jmap_opt(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		struct rl_map *out);

/* An absolute path check on an already-read string. */
int rl_jabs_path(struct rl_jctx *c, const char *path, const char *value);

void rl_strv_free(struct rl_strv *sv);
void rl_map_free(struct rl_map *m);

#endif
