/* The features document writer (runtime-spec features.md,
 * features-linux.md).
 *
 * Members come in the order of the spec's Go types (runc's too), so that
 * the output compares line by line with `runc features`.  Lists of names
 * are the tables the parser itself looks names up in, never a copy: a name
 * added to a table shows up here. */
#include "features.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "config.h"
#include "config_internal.h"

static int gen_ok(yajl_gen_status s)
{
	return s == yajl_gen_status_ok ? 0 : -1;
}

/* The name tables of names.c, as "i-th name or NULL" functions. */
typedef const char *name_at_fn(size_t i);
typedef bool keep_fn(const char *name);

static const char *cap_at(size_t i)
{
	return i <= (size_t)rl_cap_last() ? rl_cap_name((int)i) : NULL;
}

static const char *ns_at(size_t i)
{
	return i < RL_NS__COUNT ? rl_ns_name((enum rl_ns_type)i) : NULL;
}

static const char *hook_at(size_t i)
{
	return i < RL_HOOK__COUNT ? rl_hook_name((enum rl_hook_kind)i) : NULL;
}

static const char *action_at(size_t i)
{
	return i < INT_MAX ? rl_seccomp_action_name((enum rl_seccomp_action)i) : NULL;
}

static const char *op_at(size_t i)
{
	return i < INT_MAX ? rl_seccomp_op_name((enum rl_seccomp_op)i) : NULL;
}

/* "key": [every name of the table that keep (when given) accepts] */
static int gen_names(yajl_gen g, const char *key, name_at_fn *at, keep_fn *keep)
{
	const char *name;

	if (rl_gen_key(g, key) < 0 || gen_ok(yajl_gen_array_open(g)) < 0)
		return -1;
	for (size_t i = 0; (name = at(i)) != NULL; i++)
		if ((!keep || keep(name)) && rl_gen_str(g, name) < 0)
			return -1;
	return gen_ok(yajl_gen_array_close(g));
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* mountOptions, sorted as in features.md's example: the runtime's list is
 * libmount's table followed by rlite's own additions. */
static int gen_mount_options(yajl_gen g, const struct rl_features *f, struct rl_error *err)
{
	const char **v;
	size_t n = 0;
	int r = 0;

	if (!f->mount_option)
		return 0;
	while (f->mount_option(n))
		n++;
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v)
		return rl_error_set(err, ENOMEM, "features: mountOptions");
	for (size_t i = 0; i < n; i++)
		v[i] = f->mount_option(i);
	qsort(v, n, sizeof(*v), cmp_name);
	if (rl_gen_key(g, "mountOptions") < 0 || gen_ok(yajl_gen_array_open(g)) < 0)
		r = -1;
	for (size_t i = 0; r == 0 && i < n; i++)
		r = rl_gen_str(g, v[i]);
	if (r == 0)
		r = gen_ok(yajl_gen_array_close(g));
	free(v);
	return r < 0 ? rl_error_set(err, 0, "features: generating JSON failed") : 0;
}

/* "key": {"enabled": v} */
static int gen_enabled(yajl_gen g, const char *key, bool v)
{
	if (rl_gen_key(g, key) < 0 || gen_ok(yajl_gen_map_open(g)) < 0 ||
	    rl_gen_key_bool(g, "enabled", v) < 0)
		return -1;
	return gen_ok(yajl_gen_map_close(g));
}

static int gen_cgroup(yajl_gen g, const struct rl_features *f)
{
	if (rl_gen_key(g, "cgroup") < 0 || gen_ok(yajl_gen_map_open(g)) < 0 ||
	    rl_gen_key_bool(g, "v1", f->cgroup_v1) < 0 ||
	    rl_gen_key_bool(g, "v2", f->cgroup_v2) < 0 ||
	    rl_gen_key_bool(g, "systemd", f->cgroup_systemd) < 0 ||
	    rl_gen_key_bool(g, "systemdUser", f->cgroup_systemd_user) < 0 ||
	    rl_gen_key_bool(g, "rdma", f->cgroup_rdma) < 0)
		return -1;
	return gen_ok(yajl_gen_map_close(g));
}

/* knownFlags are those the parser accepts; supportedFlags those of them
 * the runtime can set here (features-linux.md: "may be a subset of
 * knownFlags due to some flags not supported by the current kernel and/or
 * libseccomp").  An architecture the parser knows but this libseccomp
 * does not would fail at create, so archs lists only the usable ones. */
static int gen_seccomp(yajl_gen g, const struct rl_features *f)
{
	if (rl_gen_key(g, "seccomp") < 0 || gen_ok(yajl_gen_map_open(g)) < 0 ||
	    rl_gen_key_bool(g, "enabled", f->seccomp) < 0)
		return -1;
	if (f->seccomp &&
	    (gen_names(g, "actions", action_at, NULL) < 0 ||
	     gen_names(g, "operators", op_at, NULL) < 0 ||
	     gen_names(g, "archs", rl_seccomp_arch_name, f->seccomp_arch) < 0 ||
	     gen_names(g, "knownFlags", rl_seccomp_flag_name, NULL) < 0 ||
	     gen_names(g, "supportedFlags", rl_seccomp_flag_name, f->seccomp_flag) < 0))
		return -1;
	return gen_ok(yajl_gen_map_close(g));
}

static int gen_mount_extensions(yajl_gen g, const struct rl_features *f)
{
	if (rl_gen_key(g, "mountExtensions") < 0 || gen_ok(yajl_gen_map_open(g)) < 0 ||
	    gen_enabled(g, "idmap", f->idmap_mounts) < 0)
		return -1;
	return gen_ok(yajl_gen_map_close(g));
}

/* 1.3: schemata and enableMonitoring are parts of linux.intelRdt, which
 * rlite refuses whole. */
static int gen_intel_rdt(yajl_gen g, const struct rl_features *f)
{
	if (rl_gen_key(g, "intelRdt") < 0 || gen_ok(yajl_gen_map_open(g)) < 0 ||
	    rl_gen_key_bool(g, "enabled", f->intel_rdt) < 0 ||
	    rl_gen_key_bool(g, "schemata", f->intel_rdt) < 0 ||
	    rl_gen_key_bool(g, "monitoring", f->intel_rdt) < 0)
		return -1;
	return gen_ok(yajl_gen_map_close(g));
}

/* The parser's modes and flags: each one is handed to set_mempolicy(2),
 * which may still refuse one the host's kernel lacks (features-linux.md:
 * "Includes policies that may not be supported by the host"). */
static int gen_memory_policy(yajl_gen g)
{
	if (rl_gen_key(g, "memoryPolicy") < 0 || gen_ok(yajl_gen_map_open(g)) < 0 ||
	    gen_names(g, "modes", rl_mpol_mode_name, NULL) < 0 ||
	    gen_names(g, "flags", rl_mpol_flag_name, NULL) < 0)
		return -1;
	return gen_ok(yajl_gen_map_close(g));
}

static int gen_linux(yajl_gen g, const struct rl_features *f)
{
	if (rl_gen_key(g, "linux") < 0 || gen_ok(yajl_gen_map_open(g)) < 0 ||
	    gen_names(g, "namespaces", ns_at, NULL) < 0 ||
	    gen_names(g, "capabilities", cap_at, NULL) < 0 || gen_cgroup(g, f) < 0 ||
	    gen_seccomp(g, f) < 0 || gen_enabled(g, "apparmor", f->apparmor) < 0 ||
	    gen_enabled(g, "selinux", f->selinux) < 0 || gen_intel_rdt(g, f) < 0 ||
	    gen_mount_extensions(g, f) < 0 || gen_memory_policy(g) < 0 ||
	    gen_enabled(g, "netDevices", f->net_devices) < 0)
		return -1;
	return gen_ok(yajl_gen_map_close(g));
}

static int gen_annotations(yajl_gen g, const struct rl_features *f)
{
	size_t n = f->n_annotations < RL_FEATURES_ANNOTATIONS_MAX ? f->n_annotations
								  : RL_FEATURES_ANNOTATIONS_MAX;

	if (rl_gen_key(g, "annotations") < 0 || gen_ok(yajl_gen_map_open(g)) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (rl_gen_key_str(g, f->annotations[i].key, f->annotations[i].value) < 0)
			return -1;
	return gen_ok(yajl_gen_map_close(g));
}

static int gen_unsafe_annotations(yajl_gen g, const struct rl_features *f)
{
	if (rl_gen_key(g, "potentiallyUnsafeConfigAnnotations") < 0 ||
	    gen_ok(yajl_gen_array_open(g)) < 0)
		return -1;
	for (const char *const *p = f->unsafe_annotations; p && *p; p++)
		if (rl_gen_str(g, *p) < 0)
			return -1;
	return gen_ok(yajl_gen_array_close(g));
}

static int write_features(yajl_gen g, const struct rl_features *f, struct rl_error *err)
{
	/* features.md: both versions are ones the parser MUST accept as
	 * ociVersion; ociVersionMax is the version rlite implements. */
	if (gen_ok(yajl_gen_map_open(g)) < 0 ||
	    rl_gen_key_str(g, "ociVersionMin", RL_OCI_VERSION_MIN) < 0 ||
	    rl_gen_key_str(g, "ociVersionMax", RL_OCI_VERSION) < 0 ||
	    gen_names(g, "hooks", hook_at, NULL) < 0)
		return rl_error_set(err, 0, "features: generating JSON failed");
	if (gen_mount_options(g, f, err) < 0)
		return -1;
	if (gen_linux(g, f) < 0 || gen_annotations(g, f) < 0 || gen_unsafe_annotations(g, f) < 0 ||
	    gen_ok(yajl_gen_map_close(g)) < 0)
		return rl_error_set(err, 0, "features: generating JSON failed");
	return 0;
}

int rl_features_to_json(const struct rl_features *f, char **out, size_t *len, struct rl_error *err)
{
	const unsigned char *buf = NULL;
	size_t n = 0;
	yajl_gen g = yajl_gen_alloc(NULL);
	char *s = NULL;

	if (!g)
		return rl_error_set(err, ENOMEM, "features: generating JSON");
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	if (write_features(g, f, err) < 0) {
		yajl_gen_free(g);
		return -1;
	}
	yajl_gen_get_buf(g, &buf, &n);
	s = malloc(n + 1);
	if (s) {
		memcpy(s, buf, n);
		s[n] = '\0';
	}
	yajl_gen_free(g);
	if (!s)
		return rl_error_set(err, ENOMEM, "features: generating JSON");
	*out = s;
	if (len)
		*len = n;
	return 0;
}
