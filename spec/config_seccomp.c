/* linux.seccomp of runtime-spec v1.2 config-linux.md ("Seccomp"), parsed into
 * struct rl_seccomp and written back.
 *
 * Names (actions, operators, architectures, flags) are checked here against
 * the lists of the spec, so that a typo is a config error naming its JSON
 * path rather than a libseccomp EINVAL at container start.  Architectures and
 * flags are kept as written; the runtime maps them when it loads the filter. */
#include "config_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The SCMP_ARCH_* names libseccomp 2.5+ knows. */
static const char *const arch_names[] = {
    "SCMP_ARCH_X86",	 "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",		"SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",	"SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",	 "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",	 "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",	"SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",	 "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64",	"SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",	 "SCMP_ARCH_SH",       "SCMP_ARCH_SHEB",	NULL,
};

/* The seccomp(2) filter flags the spec lists. */
static const char *const flag_names[] = {
    "SECCOMP_FILTER_FLAG_TSYNC",
    "SECCOMP_FILTER_FLAG_LOG",
    "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
    NULL,
};

static const char *list_at(const char *const *list, size_t n, size_t i)
{
	return i < n ? list[i] : NULL;
}

const char *rl_seccomp_arch_name(size_t i)
{
	return list_at(arch_names, sizeof(arch_names) / sizeof(arch_names[0]) - 1, i);
}

const char *rl_seccomp_flag_name(size_t i)
{
	return list_at(flag_names, sizeof(flag_names) / sizeof(flag_names[0]) - 1, i);
}

static int enomem(struct rl_jctx *c, const char *path)
{
	return rl_error_set(c->err, ENOMEM, "%s: %s", c->name, path);
}

static bool in_list(const char *const *list, const char *name)
{
	for (; *list; list++)
		if (strcmp(*list, name) == 0)
			return true;
	return false;
}

/* obj[key], an optional array of names each of which must be in `list`. */
static int parse_names(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		       const char *const *list, const char *what, struct rl_strv *out)
{
	char p[RL_JPATH_MAX], q[RL_JPATH_MAX];

	if (rl_jstrv_opt(c, obj, parent, key, out) < 0)
		return -1;
	rl_jpath_key(p, parent, key);
	for (size_t i = 0; i < out->n; i++)
		if (!in_list(list, out->v[i]))
			return rl_jerr(c, rl_jpath_idx(q, p, i),
				       "must be a known seccomp %s, not \"%s\"", what, out->v[i]);
	return 0;
}

/* A required action name at obj[key]. */
static int parse_action(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
			enum rl_seccomp_action *out)
{
	char p[RL_JPATH_MAX];
	char *name = NULL;
	int a;

	if (rl_jstr_req(c, obj, parent, key, &name) < 0)
		return -1;
	a = rl_seccomp_action_from_name(name);
	if (a < 0)
		rl_jerr(c, rl_jpath_key(p, parent, key),
			"must be a known seccomp action, not \"%s\"", name);
	free(name);
	if (a < 0)
		return -1;
	*out = (enum rl_seccomp_action)a;
	return 0;
}

/* "Some actions like SCMP_ACT_ERRNO and SCMP_ACT_TRACE allow to specify the
 * errno code to return.  When the action doesn't support an errno, the
 * runtime MUST print and error and fail." */
static int parse_errno_ret(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
			   enum rl_seccomp_action action, struct rl_opt_u32 *out)
{
	char p[RL_JPATH_MAX];

	if (rl_ju32_opt(c, obj, parent, key, out) < 0)
		return -1;
	if (out->set && action != RL_SCMP_ACT_ERRNO && action != RL_SCMP_ACT_TRACE)
		return rl_jerr(c, rl_jpath_key(p, parent, key),
			       "is only allowed with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s",
			       rl_seccomp_action_name(action));
	return 0;
}

static int parse_arg(struct rl_jctx *c, yajl_val v, const char *path, struct rl_seccomp_arg *a)
{
	char p[RL_JPATH_MAX];
	struct rl_opt_u64 index = {0}, value = {0}, two = {0};
	char *op = NULL;
	int n;

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	/* The kernel passes six syscall arguments: index 0..5. */
	if (rl_ju64_opt(c, v, path, "index", 5, &index) < 0)
		return -1;
	if (!index.set)
		return rl_jerr(c, rl_jpath_key(p, path, "index"), "is required");
	if (rl_ju64_opt(c, v, path, "value", UINT64_MAX, &value) < 0)
		return -1;
	if (!value.set)
		return rl_jerr(c, rl_jpath_key(p, path, "value"), "is required");
	if (rl_ju64_opt(c, v, path, "valueTwo", UINT64_MAX, &two) < 0 ||
	    rl_jstr_req(c, v, path, "op", &op) < 0)
		return -1;
	n = rl_seccomp_op_from_name(op);
	if (n < 0)
		rl_jerr(c, rl_jpath_key(p, path, "op"),
			"must be a known seccomp operator, not \"%s\"", op);
	free(op);
	if (n < 0)
		return -1;
	*a = (struct rl_seccomp_arg){.index = (uint32_t)index.v,
				     .value = value.v,
				     .value_two = two.v,
				     .op = (enum rl_seccomp_op)n};
	return 0;
}

static int parse_args(struct rl_jctx *c, yajl_val v, const char *path,
		      struct rl_seccomp_syscall *sc)
{
	char p[RL_JPATH_MAX], q[RL_JPATH_MAX];
	yajl_val args = rl_jget(v, "args");

	if (!args)
		return 0;
	rl_jpath_key(p, path, "args");
	if (rl_jexpect_array(c, args, p) < 0)
		return -1;
	if (args->u.array.len == 0)
		return 0;
	if (!(sc->args = calloc(args->u.array.len, sizeof(*sc->args))))
		return enomem(c, p);
	sc->n_args = args->u.array.len;
	for (size_t i = 0; i < sc->n_args; i++)
		if (parse_arg(c, args->u.array.values[i], rl_jpath_idx(q, p, i), &sc->args[i]) < 0)
			return -1;
	return 0;
}

/* One syscalls[] entry; `listener` is the seccomp object's listenerPath. */
static int parse_syscall(struct rl_jctx *c, yajl_val v, const char *path, const char *seccomp_path,
			 const char *listener, struct rl_seccomp_syscall *sc)
{
	char p[RL_JPATH_MAX], q[RL_JPATH_MAX];
	yajl_val names = rl_jget(v, "names");

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	rl_jpath_key(p, path, "names");
	if (!names)
		return rl_jerr(c, p, "is required");
	if (rl_jstrv(c, names, p, true, &sc->names) < 0)
		return -1;
	for (size_t i = 0; i < sc->names.n; i++)
		if (!sc->names.v[i][0])
			return rl_jerr(c, rl_jpath_idx(q, p, i), "must be a non-empty string");
	if (parse_action(c, v, path, "action", &sc->action) < 0)
		return -1;
	/* listenerPath "specifies the path of UNIX domain socket over which the
	 * runtime will send the container process state ... when the
	 * SCMP_ACT_NOTIFY action is used": without it the fd has nowhere to go. */
	if (sc->action == RL_SCMP_ACT_NOTIFY && !listener)
		return rl_jerr(c, rl_jpath_key(p, path, "action"),
			       "SCMP_ACT_NOTIFY needs %s.listenerPath", seccomp_path);
	if (parse_errno_ret(c, v, path, "errnoRet", sc->action, &sc->errno_ret) < 0)
		return -1;
	return parse_args(c, v, path, sc);
}

static int parse_syscalls(struct rl_jctx *c, yajl_val v, const char *path, struct rl_seccomp *s)
{
	char p[RL_JPATH_MAX], q[RL_JPATH_MAX];
	yajl_val arr = rl_jget(v, "syscalls");

	if (!arr)
		return 0;
	rl_jpath_key(p, path, "syscalls");
	if (rl_jexpect_array(c, arr, p) < 0)
		return -1;
	if (arr->u.array.len == 0)
		return 0;
	if (!(s->syscalls = calloc(arr->u.array.len, sizeof(*s->syscalls))))
		return enomem(c, p);
	s->n_syscalls = arr->u.array.len;
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (parse_syscall(c, arr->u.array.values[i], rl_jpath_idx(q, p, i), path,
				  s->listener_path, &s->syscalls[i]) < 0)
			return -1;
	return 0;
}

void rl_seccomp_free(struct rl_seccomp *s)
{
	if (!s)
		return;
	rl_strv_free(&s->architectures);
	rl_strv_free(&s->flags);
	free(s->listener_path);
	free(s->listener_metadata);
	for (size_t i = 0; i < s->n_syscalls; i++) {
		rl_strv_free(&s->syscalls[i].names);
		free(s->syscalls[i].args);
	}
	free(s->syscalls);
	free(s);
}

static void seccomp_freep(struct rl_seccomp **s)
{
	rl_seccomp_free(*s);
}

/* listenerPath and listenerMetadata; read before syscalls[], whose
 * SCMP_ACT_NOTIFY entries need the path. */
static int parse_listener(struct rl_jctx *c, yajl_val v, const char *path, struct rl_seccomp *s)
{
	char p[RL_JPATH_MAX];

	if (rl_jstr_opt(c, v, path, "listenerPath", &s->listener_path) < 0)
		return -1;
	if (s->listener_path &&
	    rl_jabs_path(c, rl_jpath_key(p, path, "listenerPath"), s->listener_path) < 0)
		return -1;
	if (rl_jstr_opt(c, v, path, "listenerMetadata", &s->listener_metadata) < 0)
		return -1;
	/* "This field MUST NOT be set if listenerPath is not set." */
	if (s->listener_metadata && !s->listener_path)
		return rl_jerr(c, rl_jpath_key(p, path, "listenerMetadata"),
			       "needs %s.listenerPath", path);
	return 0;
}

int rl_parse_seccomp(struct rl_jctx *c, yajl_val v, const char *path, struct rl_seccomp **out)
{
	struct rl_seccomp *s __attribute__((cleanup(seccomp_freep))) = NULL;
	char p[RL_JPATH_MAX];

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	if (!(s = calloc(1, sizeof(*s))))
		return enomem(c, path);
	if (parse_action(c, v, path, "defaultAction", &s->default_action) < 0)
		return -1;
	/* The notify fd comes from the rule that matched; the kernel has no
	 * way to hand one out for the default action (libseccomp refuses it). */
	if (s->default_action == RL_SCMP_ACT_NOTIFY)
		return rl_jerr(c, rl_jpath_key(p, path, "defaultAction"),
			       "SCMP_ACT_NOTIFY cannot be the default action");
	if (parse_errno_ret(c, v, path, "defaultErrnoRet", s->default_action,
			    &s->default_errno_ret) < 0 ||
	    parse_names(c, v, path, "architectures", arch_names, "architecture",
			&s->architectures) < 0 ||
	    parse_names(c, v, path, "flags", flag_names, "flag", &s->flags) < 0 ||
	    parse_listener(c, v, path, s) < 0 || parse_syscalls(c, v, path, s) < 0)
		return -1;
	*out = s;
	s = NULL;
	return 0;
}

/* ---- writing ---------------------------------------------------------- */

static int gen_ok(yajl_gen_status st)
{
	return st == yajl_gen_status_ok ? 0 : -1;
}

static int gen_action(yajl_gen g, const char *key, enum rl_seccomp_action a)
{
	const char *name = rl_seccomp_action_name(a);

	/* An action outside the table is a caller bug; refuse to write a
	 * document that would not parse back. */
	if (!name)
		return -1;
	return rl_gen_key_str(g, key, name);
}

static int gen_args(yajl_gen g, const struct rl_seccomp_syscall *sc)
{
	if (sc->n_args == 0)
		return 0;
	if (rl_gen_key(g, "args") < 0 || gen_ok(yajl_gen_array_open(g)) < 0)
		return -1;
	for (size_t i = 0; i < sc->n_args; i++) {
		const struct rl_seccomp_arg *a = &sc->args[i];
		const char *op = rl_seccomp_op_name(a->op);

		/* valueTwo absent reads as 0, so 0 need not be written. */
		if (!op || gen_ok(yajl_gen_map_open(g)) < 0 ||
		    rl_gen_key_u64(g, "index", a->index) < 0 ||
		    rl_gen_key_u64(g, "value", a->value) < 0 ||
		    (a->value_two && rl_gen_key_u64(g, "valueTwo", a->value_two) < 0) ||
		    rl_gen_key_str(g, "op", op) < 0 || gen_ok(yajl_gen_map_close(g)) < 0)
			return -1;
	}
	return gen_ok(yajl_gen_array_close(g));
}

static int gen_syscalls(yajl_gen g, const struct rl_seccomp *s)
{
	if (s->n_syscalls == 0)
		return 0;
	if (rl_gen_key(g, "syscalls") < 0 || gen_ok(yajl_gen_array_open(g)) < 0)
		return -1;
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct rl_seccomp_syscall *sc = &s->syscalls[i];

		if (gen_ok(yajl_gen_map_open(g)) < 0 ||
		    rl_gen_key_strv(g, "names", &sc->names) < 0 ||
		    gen_action(g, "action", sc->action) < 0 ||
		    (sc->errno_ret.set && rl_gen_key_u64(g, "errnoRet", sc->errno_ret.v) < 0) ||
		    gen_args(g, sc) < 0 || gen_ok(yajl_gen_map_close(g)) < 0)
			return -1;
	}
	return gen_ok(yajl_gen_array_close(g));
}

int rl_write_seccomp(yajl_gen g, const struct rl_seccomp *s)
{
	if (gen_ok(yajl_gen_map_open(g)) < 0 ||
	    gen_action(g, "defaultAction", s->default_action) < 0 ||
	    (s->default_errno_ret.set &&
	     rl_gen_key_u64(g, "defaultErrnoRet", s->default_errno_ret.v) < 0) ||
	    rl_gen_key_strv(g, "architectures", &s->architectures) < 0 ||
	    rl_gen_key_strv(g, "flags", &s->flags) < 0 ||
	    rl_gen_key_str(g, "listenerPath", s->listener_path) < 0 ||
	    rl_gen_key_str(g, "listenerMetadata", s->listener_metadata) < 0 ||
	    gen_syscalls(g, s) < 0)
		return -1;
	return gen_ok(yajl_gen_map_close(g));
}
