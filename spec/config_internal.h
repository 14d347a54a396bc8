/* Pieces of the config parser and writer shared between spec/ files.
 * Not for use outside spec/ (and its unit tests). */
#ifndef RL_SPEC_CONFIG_INTERNAL_H
#define RL_SPEC_CONFIG_INTERNAL_H

#include <yajl/yajl_gen.h>

#include "config.h"
#include "json.h"

/* linux.resources (v is the present value at `path`, any type: checked). */
int rl_parse_resources(struct rl_jctx *c, yajl_val v, const char *path, struct rl_resources **out);
void rl_resources_free(struct rl_resources *r);
/* Writes the "resources" value (the object itself, not its key). */
int rl_write_resources(yajl_gen g, const struct rl_resources *r);

/* linux.seccomp */
int rl_parse_seccomp(struct rl_jctx *c, yajl_val v, const char *path, struct rl_seccomp **out);
void rl_seccomp_free(struct rl_seccomp *s);
int rl_write_seccomp(yajl_gen g, const struct rl_seccomp *s);

/* The parser is split in config_parse.c (top level, process, hooks) and
 * config_parse_linux.c (the "linux" object); these are shared by both. */
int rl_parse_linux(struct rl_jctx *c, yajl_val top, struct rl_config *cfg);
/* uidMappings / gidMappings (linux.* and mounts[].*): v is present. */
int rl_parse_idmaps(struct rl_jctx *c, yajl_val v, const char *path, struct rl_idmap **out,
		    size_t *n);
/* Checks that v is an array and allocates its length of zeroed elements,
 * so that a failure on any element leaves every entry freeable. */
int rl_parse_array(struct rl_jctx *c, yajl_val v, const char *path, size_t size, void **out,
		   size_t *n);
/* A required unsigned integer member in [0, max]. */
int rl_parse_uint_req(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		      uint64_t max, uint64_t *out);
/* "<name>: <path>: Cannot allocate memory" */
int rl_parse_oom(struct rl_jctx *c, const char *path);

/* Small yajl_gen helpers; each returns 0 or -1 (a yajl_gen failure). */
int rl_gen_str(yajl_gen g, const char *s);
int rl_gen_key_str(yajl_gen g, const char *key, const char *value); /* skips NULL value */
int rl_gen_key_bool(yajl_gen g, const char *key, bool value);
int rl_gen_key_i64(yajl_gen g, const char *key, int64_t value);
int rl_gen_key_u64(yajl_gen g, const char *key, uint64_t value);
int rl_gen_key_strv(yajl_gen g, const char *key, const struct rl_strv *sv); /* skips empty */
int rl_gen_key_map(yajl_gen g, const char *key, const struct rl_map *m);    /* skips empty */
int rl_gen_key(yajl_gen g, const char *key);

#endif
