/* config.json -> struct rl_config: the top level, root, mounts, process and
 * hooks.  The "linux" object is in config_parse_linux.c, linux.resources
 * and linux.seccomp in their own files.
 *
 * Rules followed throughout (runtime-spec config.md):
 *  - unknown members are ignored ("Extensibility"), JSON null is "absent";
 *  - a present member of the wrong type, a missing required member or an
 *    invalid value is an error ("Valid values": runtimes MUST generate an
 *    error), reported as "<name>: <json path>: <rule>" on one line;
 *  - on failure the partial config is freed, the caller's *out untouched. */
#include "config_internal.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A config.json is a few KiB; 16 MiB leaves room for huge seccomp profiles
 * and annotations while bounding what a hostile bundle can make us read. */
#define CONFIG_MAX_SIZE (16u << 20)

/* yajl parses iteratively but yajl_tree_free() recurses once per level, so
 * an unbounded nesting depth would overflow our stack.  Real configs are
 * under ten levels deep. */
#define JSON_MAX_DEPTH 1000

static void freep(void *p)
{
	free(*(void **)p);
}

static void closep(const int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

#define _cleanup_free_	__attribute__((cleanup(freep)))
#define _cleanup_close_ __attribute__((cleanup(closep)))

/* ---- shared helpers (declared in config_internal.h) -------------------- */

int rl_parse_oom(struct rl_jctx *c, const char *path)
{
	if (path && *path)
		return rl_error_set(c->err, ENOMEM, "%s: %s", c->name, path);
	return rl_error_set(c->err, ENOMEM, "%s", c->name);
}

int rl_parse_array(struct rl_jctx *c, yajl_val v, const char *path, size_t size, void **out,
		   size_t *n)
{
	void *a = NULL;

	if (rl_jexpect_array(c, v, path) < 0)
		return -1;
	if (v->u.array.len) {
		a = calloc(v->u.array.len, size);
		if (!a)
			return rl_parse_oom(c, path);
	}
	*out = a;
	*n = v->u.array.len;
	return 0;
}

int rl_parse_uint_req(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		      uint64_t max, uint64_t *out)
{
	char p[RL_JPATH_MAX];
	yajl_val v = rl_jget(obj, key);

	rl_jpath_key(p, parent, key);
	if (!v)
		return rl_jerr(c, p, "is required");
	return rl_juint(c, v, p, max, out);
}

static int u32_req(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
		   uint32_t *out)
{
	uint64_t v = 0;

	if (rl_parse_uint_req(c, obj, parent, key, UINT32_MAX, &v) < 0)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* rl_jstr_req plus "not empty": an empty path or name is never meant. */
static int str_req_nonempty(struct rl_jctx *c, yajl_val obj, const char *parent, const char *key,
			    char **out)
{
	char p[RL_JPATH_MAX];

	if (rl_jstr_req(c, obj, parent, key, out) < 0)
		return -1;
	if (!**out)
		return rl_jerr(c, rl_jpath_key(p, parent, key), "must be a non-empty string");
	return 0;
}

/* ---- ociVersion, root, mounts ------------------------------------------ */

/* config.md "Specification version": SemVer, and compatibility holds only
 * within a major version, so anything but 1.x is refused. */
static int parse_version(struct rl_jctx *c, yajl_val top, struct rl_config *cfg)
{
	const char *s;
	char *end = NULL;
	unsigned long major;

	if (str_req_nonempty(c, top, "", "ociVersion", &cfg->oci_version) < 0)
		return -1;
	s = cfg->oci_version;
	if (!isdigit((unsigned char)s[0]))
		return rl_jerr(c, "ociVersion", "\"%s\" is not a semantic version", s);
	errno = 0;
	major = strtoul(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]))
		return rl_jerr(c, "ociVersion", "\"%s\" is not a semantic version", s);
	if (errno || major != 1)
		return rl_jerr(c, "ociVersion", "unsupported version \"%s\" (want 1.x)", s);
	return 0;
}

/* config.md "Root": optional only on Windows/Hyper-V, so required here. */
static int parse_root(struct rl_jctx *c, yajl_val top, struct rl_config *cfg)
{
	yajl_val v = rl_jget(top, "root");

	if (!v)
		return rl_jerr(c, "root", "is required");
	if (rl_jexpect_object(c, v, "root") < 0)
		return -1;
	if (str_req_nonempty(c, v, "root", "path", &cfg->root.path) < 0)
		return -1;
	if (rl_jbool_opt(c, v, "root", "readonly", &cfg->root.readonly) < 0)
		return -1;
	cfg->has_root = true;
	return 0;
}

static int parse_mount_idmaps(struct rl_jctx *c, yajl_val v, const char *path, struct rl_mount *m)
{
	char p[RL_JPATH_MAX];
	yajl_val x;

	x = rl_jget(v, "uidMappings");
	if (x && rl_parse_idmaps(c, x, rl_jpath_key(p, path, "uidMappings"), &m->uid_mappings,
				 &m->n_uid_mappings) < 0)
		return -1;
	x = rl_jget(v, "gidMappings");
	if (x && rl_parse_idmaps(c, x, rl_jpath_key(p, path, "gidMappings"), &m->gid_mappings,
				 &m->n_gid_mappings) < 0)
		return -1;
	return 0;
}

/* config.md "Mounts".  Since v1.1 a Linux destination SHOULD be absolute and
 * a relative one is taken from "/": it is kept as written for the runtime
 * to resolve. */
static int parse_mount(struct rl_jctx *c, yajl_val v, const char *path, struct rl_mount *m)
{
	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	if (str_req_nonempty(c, v, path, "destination", &m->destination) < 0)
		return -1;
	if (rl_jstr_opt(c, v, path, "type", &m->type) < 0)
		return -1;
	if (rl_jstr_opt(c, v, path, "source", &m->source) < 0)
		return -1;
	if (rl_jstrv_opt(c, v, path, "options", &m->options) < 0)
		return -1;
	return parse_mount_idmaps(c, v, path, m);
}

static int parse_mounts(struct rl_jctx *c, yajl_val top, struct rl_config *cfg)
{
	char p[RL_JPATH_MAX];
	yajl_val v = rl_jget(top, "mounts");
	void *a = NULL;

	if (!v)
		return 0;
	if (rl_parse_array(c, v, "mounts", sizeof(struct rl_mount), &a, &cfg->n_mounts) < 0)
		return -1;
	cfg->mounts = a;
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (parse_mount(c, v->u.array.values[i], rl_jpath_idx(p, "mounts", i),
				&cfg->mounts[i]) < 0)
			return -1;
	return 0;
}

/* ---- process ----------------------------------------------------------- */

static int parse_console_size(struct rl_jctx *c, yajl_val proc, struct rl_process *p)
{
	const char *path = "process.consoleSize";
	yajl_val v = rl_jget(proc, "consoleSize");

	if (!v)
		return 0;
	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	if (u32_req(c, v, path, "height", &p->console_height) < 0 ||
	    u32_req(c, v, path, "width", &p->console_width) < 0)
		return -1;
	p->has_console_size = true;
	return 0;
}

static int parse_gids(struct rl_jctx *c, yajl_val v, const char *path, struct rl_user *u)
{
	char p[RL_JPATH_MAX];
	void *a = NULL;

	if (rl_parse_array(c, v, path, sizeof(uint32_t), &a, &u->n_additional_gids) < 0)
		return -1;
	u->additional_gids = a;
	for (size_t i = 0; i < u->n_additional_gids; i++) {
		uint64_t gid = 0;

		if (rl_juint(c, v->u.array.values[i], rl_jpath_idx(p, path, i), UINT32_MAX, &gid) <
		    0)
			return -1;
		u->additional_gids[i] = (uint32_t)gid;
	}
	return 0;
}

/* config.md "POSIX-platform User": uid and gid are required in "user". */
static int parse_user(struct rl_jctx *c, yajl_val proc, struct rl_user *u)
{
	const char *path = "process.user";
	yajl_val v = rl_jget(proc, "user");
	struct rl_opt_u64 umask = {0};
	yajl_val gids;

	if (!v)
		return 0;
	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	if (u32_req(c, v, path, "uid", &u->uid) < 0 || u32_req(c, v, path, "gid", &u->gid) < 0)
		return -1;
	if (rl_ju64_opt(c, v, path, "umask", 07777, &umask) < 0)
		return -1;
	if (umask.set) {
		u->umask.set = true;
		u->umask.v = (uint32_t)umask.v;
	}
	gids = rl_jget(v, "additionalGids");
	if (gids && parse_gids(c, gids, "process.user.additionalGids", u) < 0)
		return -1;
	return rl_jstr_opt(c, v, path, "username", &u->username);
}

static int parse_cap_set(struct rl_jctx *c, yajl_val caps, const char *key, uint64_t *mask)
{
	char p[RL_JPATH_MAX], q[RL_JPATH_MAX];
	yajl_val v = rl_jget(caps, key);

	if (!v)
		return 0;
	rl_jpath_key(p, "process.capabilities", key);
	if (rl_jexpect_array(c, v, p) < 0)
		return -1;
	for (size_t i = 0; i < v->u.array.len; i++) {
		yajl_val s = v->u.array.values[i];
		int cap;

		rl_jpath_idx(q, p, i);
		if (!YAJL_IS_STRING(s))
			return rl_jerr(c, q, "must be a string");
		/* config.md: a value that cannot be mapped MUST be an error. */
		cap = rl_cap_from_name(s->u.string);
		if (cap < 0)
			return rl_jerr(c, q, "unknown capability \"%s\"", s->u.string);
		*mask |= UINT64_C(1) << cap;
	}
	return 0;
}

static int parse_capabilities(struct rl_jctx *c, yajl_val proc, struct rl_process *p)
{
	yajl_val v = rl_jget(proc, "capabilities");
	struct rl_capabilities *caps;

	if (!v)
		return 0;
	if (rl_jexpect_object(c, v, "process.capabilities") < 0)
		return -1;
	caps = calloc(1, sizeof(*caps));
	if (!caps)
		return rl_parse_oom(c, "process.capabilities");
	p->capabilities = caps;
	if (parse_cap_set(c, v, "bounding", &caps->bounding) < 0 ||
	    parse_cap_set(c, v, "effective", &caps->effective) < 0 ||
	    parse_cap_set(c, v, "inheritable", &caps->inheritable) < 0 ||
	    parse_cap_set(c, v, "permitted", &caps->permitted) < 0 ||
	    parse_cap_set(c, v, "ambient", &caps->ambient) < 0)
		return -1;
	return 0;
}

static int parse_rlimit(struct rl_jctx *c, yajl_val v, const char *path, struct rl_rlimit *r)
{
	char p[RL_JPATH_MAX];

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	if (rl_jstr_req(c, v, path, "type", &r->type) < 0)
		return -1;
	/* config.md "POSIX process": a type that cannot be mapped to a kernel
	 * interface MUST be an error. */
	r->resource = rl_rlimit_from_name(r->type);
	if (r->resource < 0)
		return rl_jerr(c, rl_jpath_key(p, path, "type"), "unknown rlimit \"%s\"", r->type);
	if (rl_parse_uint_req(c, v, path, "soft", UINT64_MAX, &r->soft) < 0 ||
	    rl_parse_uint_req(c, v, path, "hard", UINT64_MAX, &r->hard) < 0)
		return -1;
	/* setrlimit(2) fails with EINVAL for this; say it before anything runs. */
	if (r->soft > r->hard)
		return rl_jerr(c, path, "soft limit %llu is above hard limit %llu",
			       (unsigned long long)r->soft, (unsigned long long)r->hard);
	return 0;
}

static int parse_rlimits(struct rl_jctx *c, yajl_val proc, struct rl_process *p)
{
	char path[RL_JPATH_MAX], tp[RL_JPATH_MAX];
	yajl_val v = rl_jget(proc, "rlimits");
	void *a = NULL;

	if (!v)
		return 0;
	if (rl_parse_array(c, v, "process.rlimits", sizeof(struct rl_rlimit), &a, &p->n_rlimits) <
	    0)
		return -1;
	p->rlimits = a;
	for (size_t i = 0; i < p->n_rlimits; i++) {
		rl_jpath_idx(path, "process.rlimits", i);
		if (parse_rlimit(c, v->u.array.values[i], path, &p->rlimits[i]) < 0)
			return -1;
		/* config.md: duplicated types MUST be an error. */
		for (size_t j = 0; j < i; j++)
			if (p->rlimits[j].resource == p->rlimits[i].resource)
				return rl_jerr(c, rl_jpath_key(tp, path, "type"),
					       "duplicate rlimit \"%s\"", p->rlimits[i].type);
	}
	return 0;
}

/* config.md "Linux Process" ioPriority (v1.1): ioprio_set(2) classes. */
static int parse_io_priority(struct rl_jctx *c, yajl_val proc, struct rl_io_priority *io)
{
	static const char *const classes[] = {"IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE",
					      "IOPRIO_CLASS_IDLE"};
	const char *path = "process.ioPriority";
	yajl_val v = rl_jget(proc, "ioPriority");
	int64_t prio = 0;
	yajl_val x;

	if (!v)
		return 0;
	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	if (rl_jstr_req(c, v, path, "class", &io->class_name) < 0)
		return -1;
	io->class = 0;
	for (int i = 0; i < 3; i++)
		if (strcmp(io->class_name, classes[i]) == 0)
			io->class = i + 1; /* IOPRIO_CLASS_RT is 1 in the kernel */
	if (!io->class)
		return rl_jerr(c, "process.ioPriority.class", "unknown class \"%s\"",
			       io->class_name);
	x = rl_jget(v, "priority");
	if (!x)
		return rl_jerr(c, "process.ioPriority.priority", "is required");
	if (rl_jint(c, x, "process.ioPriority.priority", 0, 7, &prio) < 0)
		return -1;
	io->priority = (int)prio;
	io->set = true;
	return 0;
}

static int sched_policy_id(const char *name)
{
	/* sched(7) numbering; SCHED_ISO (4) is reserved but named by the spec. */
	static const char *const policies[] = {"SCHED_OTHER",	"SCHED_FIFO", "SCHED_RR",
					       "SCHED_BATCH",	"SCHED_ISO",  "SCHED_IDLE",
					       "SCHED_DEADLINE"};

	for (int i = 0; i < (int)(sizeof(policies) / sizeof(policies[0])); i++)
		if (strcmp(name, policies[i]) == 0)
			return i;
	return -1;
}

static bool sched_flag_known(const char *name)
{
	static const char *const flags[] = {
	    "SCHED_FLAG_RESET_ON_FORK",	 "SCHED_FLAG_RECLAIM",	   "SCHED_FLAG_DL_OVERRUN",
	    "SCHED_FLAG_KEEP_POLICY",	 "SCHED_FLAG_KEEP_PARAMS", "SCHED_FLAG_UTIL_CLAMP_MIN",
	    "SCHED_FLAG_UTIL_CLAMP_MAX",
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (strcmp(name, flags[i]) == 0)
			return true;
	return false;
}

/* config.md "Linux Process" scheduler (v1.2): sched_setattr(2). */
static int parse_scheduler(struct rl_jctx *c, yajl_val proc, struct rl_scheduler *s)
{
	const char *path = "process.scheduler";
	yajl_val v = rl_jget(proc, "scheduler");
	char p[RL_JPATH_MAX];

	if (!v)
		return 0;
	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	if (rl_jstr_req(c, v, path, "policy", &s->policy) < 0)
		return -1;
	s->policy_id = sched_policy_id(s->policy);
	if (s->policy_id < 0)
		return rl_jerr(c, "process.scheduler.policy", "unknown policy \"%s\"", s->policy);
	/* The kernel clamps nice to [-20, 19] and real-time priorities are
	 * 1..99 (0 for the others): values outside are mistakes. */
	if (rl_ji64_opt(c, v, path, "nice", -20, 19, &s->nice) < 0 ||
	    rl_ji64_opt(c, v, path, "priority", 0, 99, &s->priority) < 0 ||
	    rl_jstrv_opt(c, v, path, "flags", &s->flags) < 0)
		return -1;
	for (size_t i = 0; i < s->flags.n; i++)
		if (!sched_flag_known(s->flags.v[i]))
			return rl_jerr(c, rl_jpath_idx(p, "process.scheduler.flags", i),
				       "unknown flag \"%s\"", s->flags.v[i]);
	if (rl_ju64_opt(c, v, path, "runtime", UINT64_MAX, &s->runtime) < 0 ||
	    rl_ju64_opt(c, v, path, "deadline", UINT64_MAX, &s->deadline) < 0 ||
	    rl_ju64_opt(c, v, path, "period", UINT64_MAX, &s->period) < 0)
		return -1;
	s->set = true;
	return 0;
}

#define CPUS_MAX 8192 /* the kernel's NR_CPUS is at most 1 << 13 */

/* config.md "process" execCPUAffinity (1.2.1): two CPU lists. */
static int parse_exec_cpu_affinity(struct rl_jctx *c, yajl_val proc, struct rl_exec_cpu_affinity *a)
{
	const char *path = "process.execCPUAffinity";
	yajl_val v = rl_jget(proc, "execCPUAffinity");
	unsigned long mask[CPUS_MAX / (8 * sizeof(unsigned long))];
	char p[RL_JPATH_MAX];

	if (!v)
		return 0;
	if (rl_jexpect_object(c, v, path) < 0 ||
	    rl_jstr_opt(c, v, path, "initial", &a->initial) < 0 ||
	    rl_jstr_opt(c, v, path, "final", &a->final) < 0)
		return -1;
	if (a->initial && rl_parse_id_list(a->initial, mask, CPUS_MAX) < 0)
		return rl_jerr(c, rl_jpath_key(p, path, "initial"),
			       "\"%s\": not a CPU list (\"0-3,7\")", a->initial);
	if (a->final && rl_parse_id_list(a->final, mask, CPUS_MAX) < 0)
		return rl_jerr(c, rl_jpath_key(p, path, "final"),
			       "\"%s\": not a CPU list (\"0-3,7\")", a->final);
	return 0;
}

/* args is REQUIRED with at least one entry on POSIX (config.md "Process");
 * args[0] is the file given to execvp and cannot be empty. */
static int parse_args(struct rl_jctx *c, yajl_val proc, struct rl_process *p)
{
	yajl_val v = rl_jget(proc, "args");

	if (!v)
		return rl_jerr(c, "process.args", "is required");
	if (rl_jstrv(c, v, "process.args", true, &p->args) < 0)
		return -1;
	if (!p->args.v[0][0])
		return rl_jerr(c, "process.args[0]", "must be a non-empty string");
	return 0;
}

/* The value of "process", into *out (allocated here, owned by the caller
 * even on failure). */
static int parse_process_value(struct rl_jctx *c, yajl_val v, struct rl_process **out)
{
	const char *path = "process";
	struct rl_process *p;

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	p = calloc(1, sizeof(*p));
	if (!p)
		return rl_parse_oom(c, path);
	*out = p;
	if (rl_jbool_opt(c, v, path, "terminal", &p->terminal) < 0 ||
	    parse_console_size(c, v, p) < 0 || parse_user(c, v, &p->user) < 0 ||
	    parse_args(c, v, p) < 0 || rl_jstrv_opt(c, v, path, "env", &p->env) < 0)
		return -1;
	if (rl_jstr_req(c, v, path, "cwd", &p->cwd) < 0 ||
	    rl_jabs_path(c, "process.cwd", p->cwd) < 0)
		return -1;
	if (parse_capabilities(c, v, p) < 0 || parse_rlimits(c, v, p) < 0)
		return -1;
	if (rl_jbool_opt(c, v, path, "noNewPrivileges", &p->no_new_privileges) < 0 ||
	    rl_jstr_opt(c, v, path, "apparmorProfile", &p->apparmor_profile) < 0 ||
	    rl_jstr_opt(c, v, path, "selinuxLabel", &p->selinux_label) < 0)
		return -1;
	/* The kernel's OOM_SCORE_ADJ_MIN / _MAX. */
	if (rl_ji64_opt(c, v, path, "oomScoreAdj", -1000, 1000, &p->oom_score_adj) < 0)
		return -1;
	if (parse_io_priority(c, v, &p->io_priority) < 0 ||
	    parse_scheduler(c, v, &p->scheduler) < 0 ||
	    parse_exec_cpu_affinity(c, v, &p->exec_cpu_affinity) < 0)
		return -1;
	return 0;
}

static int parse_process(struct rl_jctx *c, yajl_val top, struct rl_config *cfg)
{
	yajl_val v = rl_jget(top, "process");

	return v ? parse_process_value(c, v, &cfg->process) : 0;
}

/* ---- hooks, annotations ------------------------------------------------ */

/* config.md "POSIX-platform Hooks": path MUST be absolute, timeout MUST be
 * greater than zero. */
static int parse_hook(struct rl_jctx *c, yajl_val v, const char *path, struct rl_hook *h)
{
	char p[RL_JPATH_MAX];

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	if (rl_jstr_req(c, v, path, "path", &h->path) < 0 ||
	    rl_jabs_path(c, rl_jpath_key(p, path, "path"), h->path) < 0)
		return -1;
	if (rl_jstrv_opt(c, v, path, "args", &h->args) < 0 ||
	    rl_jstrv_opt(c, v, path, "env", &h->env) < 0)
		return -1;
	return rl_ji64_opt(c, v, path, "timeout", 1, INT32_MAX, &h->timeout);
}

static int parse_hooks(struct rl_jctx *c, yajl_val top, struct rl_config *cfg)
{
	char p[RL_JPATH_MAX], q[RL_JPATH_MAX];
	yajl_val v = rl_jget(top, "hooks");

	if (!v)
		return 0;
	if (rl_jexpect_object(c, v, "hooks") < 0)
		return -1;
	for (int k = 0; k < RL_HOOK__COUNT; k++) {
		struct rl_hook_list *list = &cfg->hooks[k];
		yajl_val x = rl_jget(v, rl_hook_name(k));
		void *a = NULL;

		if (!x)
			continue;
		rl_jpath_key(p, "hooks", rl_hook_name(k));
		if (rl_parse_array(c, x, p, sizeof(struct rl_hook), &a, &list->n) < 0)
			return -1;
		list->v = a;
		for (size_t i = 0; i < list->n; i++)
			if (parse_hook(c, x->u.array.values[i], rl_jpath_idx(q, p, i),
				       &list->v[i]) < 0)
				return -1;
	}
	return 0;
}

/* config.md "Annotations": keys MUST NOT be empty. */
static int parse_annotations(struct rl_jctx *c, yajl_val top, struct rl_config *cfg)
{
	if (rl_jmap_opt(c, top, "", "annotations", &cfg->annotations) < 0)
		return -1;
	for (size_t i = 0; i < cfg->annotations.n; i++)
		if (!cfg->annotations.keys[i][0])
			return rl_jerr(c, "annotations", "keys must not be empty");
	return 0;
}

/* ---- the document ------------------------------------------------------ */

/* yajl's message is several lines (the text and a caret); keep the first. */
static int json_error(struct rl_jctx *c, const char *msg)
{
	size_t n = strcspn(msg, "\r\n");

	while (n && isspace((unsigned char)msg[n - 1]))
		n--;
	if (!n)
		return rl_jerr(c, "", "invalid JSON");
	return rl_jerr(c, "", "invalid JSON: %.*s", (int)n, msg);
}

static yajl_val parse_tree(struct rl_jctx *c, const char *text, size_t len)
{
	_cleanup_free_ char *buf = NULL;
	const char *nul = memchr(text, '\0', len);
	char ebuf[512] = "";
	yajl_val tree;

	/* yajl_tree_parse() takes a C string: a NUL would silently cut it. */
	if (nul) {
		rl_jerr(c, "", "invalid JSON: NUL byte at offset %zu", (size_t)(nul - text));
		return NULL;
	}
	if (rl_json_check_depth(c, text, len, JSON_MAX_DEPTH) < 0)
		return NULL;
	buf = malloc(len + 1);
	if (!buf) {
		rl_parse_oom(c, "");
		return NULL;
	}
	memcpy(buf, text, len);
	buf[len] = '\0';
	tree = yajl_tree_parse(buf, ebuf, sizeof(ebuf));
	if (!tree)
		json_error(c, ebuf);
	return tree;
}

static int parse_document(struct rl_jctx *c, yajl_val top, struct rl_config *cfg)
{
	if (rl_jexpect_object(c, top, "") < 0)
		return -1;
	if (parse_version(c, top, cfg) < 0 || parse_root(c, top, cfg) < 0 ||
	    parse_mounts(c, top, cfg) < 0 || parse_process(c, top, cfg) < 0)
		return -1;
	if (rl_jstr_opt(c, top, "", "hostname", &cfg->hostname) < 0 ||
	    rl_jstr_opt(c, top, "", "domainname", &cfg->domainname) < 0)
		return -1;
	if (parse_hooks(c, top, cfg) < 0 || parse_annotations(c, top, cfg) < 0)
		return -1;
	return rl_parse_linux(c, top, cfg);
}

int rl_config_parse(const char *text, size_t len, const char *name, struct rl_config **out,
		    struct rl_error *err)
{
	struct rl_jctx c = {.name = name ? name : "config.json", .err = err};
	struct rl_config *cfg;
	yajl_val tree;
	int rc;

	if (!text)
		len = 0;
	tree = parse_tree(&c, text ? text : "", len);
	if (!tree)
		return -1;
	cfg = calloc(1, sizeof(*cfg));
	if (!cfg) {
		yajl_tree_free(tree);
		return rl_parse_oom(&c, "");
	}
	rc = parse_document(&c, tree, cfg);
	yajl_tree_free(tree);
	if (rc < 0) {
		rl_config_free(cfg);
		return -1;
	}
	*out = cfg;
	return 0;
}

/* Reads at most CONFIG_MAX_SIZE bytes.  The size from fstat() is only the
 * first guess (the file may change under us); the bound is enforced on what
 * is actually read. */
static int read_bounded(int fd, const char *path, size_t hint, char **out, size_t *len,
			struct rl_error *err)
{
	size_t cap = hint < 4096 ? 4096 : hint + 1, n = 0;
	_cleanup_free_ char *buf = malloc(cap);

	if (!buf)
		return rl_error_set(err, ENOMEM, "read \"%s\"", path);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *nbuf;

			if (cap > CONFIG_MAX_SIZE)
				return rl_error_set(err, 0, "read \"%s\": larger than %u MiB", path,
						    CONFIG_MAX_SIZE >> 20);
			cap = cap * 2 > CONFIG_MAX_SIZE + 1 ? CONFIG_MAX_SIZE + 1 : cap * 2;
			nbuf = realloc(buf, cap);
			if (!nbuf)
				return rl_error_set(err, ENOMEM, "read \"%s\"", path);
			buf = nbuf;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return rl_error_set(err, errno, "read \"%s\"", path);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*out = buf;
	buf = NULL;
	*len = n;
	return 0;
}

/* A regular file of at most CONFIG_MAX_SIZE bytes into *text. */
static int read_file(const char *path, char **text, size_t *len, struct rl_error *err)
{
	/* O_NONBLOCK: opening a FIFO for reading would wait for a writer; it
	 * changes nothing for the regular file we then insist on. */
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return rl_error_set(err, errno, "open \"%s\"", path);
	if (fstat(fd, &st) < 0)
		return rl_error_set(err, errno, "stat \"%s\"", path);
	/* A FIFO or a device could block or never end. */
	if (S_ISDIR(st.st_mode))
		return rl_error_set(err, EISDIR, "read \"%s\"", path);
	if (!S_ISREG(st.st_mode))
		return rl_error_set(err, 0, "read \"%s\": not a regular file", path);
	if (st.st_size > (off_t)CONFIG_MAX_SIZE)
		return rl_error_set(err, 0, "read \"%s\": larger than %u MiB", path,
				    CONFIG_MAX_SIZE >> 20);
	return read_bounded(fd, path, (size_t)st.st_size, text, len, err);
}

int rl_config_load(const char *path, struct rl_config **out, struct rl_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;

	if (read_file(path, &text, &len, err) < 0)
		return -1;
	return rl_config_parse(text, len, path, out, err);
}

/* ---- a resources document (rlite update --resources) --------------------- */

int rl_resources_parse(const char *text, size_t len, const char *name, struct rl_resources **out,
		       struct rl_error *err)
{
	struct rl_jctx c = {.name = name ? name : "resources", .err = err};
	yajl_val tree = parse_tree(&c, text ? text : "", text ? len : 0);
	int rc;

	if (!tree)
		return -1;
	rc = rl_parse_resources(&c, tree, "", out);
	yajl_tree_free(tree);
	return rc;
}

int rl_resources_load(const char *path, struct rl_resources **out, struct rl_error *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	bool in = strcmp(path, "-") == 0;
	size_t len = 0;

	fd = in ? dup(0) : open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return rl_error_set(err, errno, "open \"%s\"", path);
	/* stdin may be a pipe: read_bounded enforces the size on what comes. */
	if (read_bounded(fd, in ? "stdin" : path, 0, &text, &len, err) < 0)
		return -1;
	return rl_resources_parse(text, len, in ? "stdin" : path, out, err);
}

/* ---- a process document (rlite exec --process) ---------------------------- */

int rl_process_parse(const char *text, size_t len, const char *name, struct rl_process **out,
		     struct rl_error *err)
{
	struct rl_jctx c = {.name = name ? name : "process.json", .err = err, .strip = "process"};
	yajl_val tree = parse_tree(&c, text ? text : "", text ? len : 0);
	struct rl_process *p = NULL;
	int rc;

	if (!tree)
		return -1;
	rc = parse_process_value(&c, tree, &p);
	yajl_tree_free(tree);
	if (rc < 0) {
		rl_process_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int rl_process_load(const char *path, struct rl_process **out, struct rl_error *err)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;

	if (read_file(path, &text, &len, err) < 0)
		return -1;
	return rl_process_parse(text, len, path, out, err);
}
