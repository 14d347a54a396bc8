/* Unit tests of the features document (spec/features.c) and of what the
 * runtime puts in it (runtime/features.c): valid JSON with every member
 * runtime-spec v1.2 defines and no other, lists that are the parser's and
 * the runtime's own tables, every name listed accepted by the parser, and
 * nothing listed that rlite ignores or refuses. */
#include <errno.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "runtime/features.h"
#include "runtime/mnt.h"
#include "runtime/mountopt.h"
#include "runtime/seccomp.h"
#include "runtime/shim.h"
#include "spec/config.h"
#include "spec/features.h"
#include "tap.h"

/* ---- reading the document ------------------------------------------------ */

static yajl_val parse_doc(const struct rl_features *f)
{
	struct rl_error err = {0};
	char *text = NULL, ebuf[256];
	yajl_val v;

	if (rl_features_to_json(f, &text, NULL, &err) < 0) {
		printf("# rl_features_to_json: %s\n", err.msg);
		return NULL;
	}
	v = yajl_tree_parse(text, ebuf, sizeof(ebuf));
	if (!v)
		printf("# not JSON: %s\n%s\n", ebuf, text);
	free(text);
	return v;
}

/* The member at a path of keys ("linux", "seccomp", NULL), or NULL. */
static yajl_val get(yajl_val v, const char *const *path)
{
	return yajl_tree_get(v, (const char **)path, yajl_t_any);
}

#define GET(v, ...) get((v), (const char *const[]){__VA_ARGS__, NULL})

/* A string value, "" for anything else (YAJL_GET_STRING gives NULL). */
static const char *str(yajl_val v)
{
	return YAJL_IS_STRING(v) ? v->u.string : "";
}

static bool in_array(yajl_val arr, const char *s)
{
	if (!YAJL_IS_ARRAY(arr))
		return false;
	for (size_t i = 0; i < arr->u.array.len; i++)
		if (YAJL_IS_STRING(arr->u.array.values[i]) &&
		    strcmp(str(arr->u.array.values[i]), s) == 0)
			return true;
	return false;
}

static size_t array_len(yajl_val arr)
{
	return YAJL_IS_ARRAY(arr) ? arr->u.array.len : (size_t)-1;
}

/* The object has exactly these keys (a NULL-terminated list). */
static bool has_keys(yajl_val obj, const char *const *keys)
{
	size_t n = 0;

	if (!YAJL_IS_OBJECT(obj))
		return false;
	for (; keys[n]; n++) {
		const char *const path[] = {keys[n], NULL};

		if (!get(obj, path))
			return false;
	}
	return obj->u.object.len == n;
}

#define KEYS(obj, ...) has_keys((obj), (const char *const[]){__VA_ARGS__, NULL})

static bool is_bool(yajl_val v, bool want)
{
	return want ? YAJL_IS_TRUE(v) : YAJL_IS_FALSE(v);
}

/* ---- a document from made-up runtime facts ------------------------------- */

static const char *fake_option(size_t i)
{
	static const char *const opts[] = {"ro", "rbind", "bind", NULL};

	return i < 3 ? opts[i] : NULL;
}

static bool only_x86_64(const char *name)
{
	return strcmp(name, "SCMP_ARCH_X86_64") == 0;
}

static bool only_log(const char *name)
{
	return strcmp(name, "SECCOMP_FILTER_FLAG_LOG") == 0;
}

static struct rl_features fake(void)
{
	struct rl_features f = {
	    .mount_option = fake_option,
	    .seccomp = true,
	    .seccomp_arch = only_x86_64,
	    .seccomp_flag = only_log,
	    .cgroup_v1 = true,
	    .cgroup_rdma = true,
	    .selinux = true,
	    .n_annotations = 1,
	};

	f.annotations[0].key = "org.example.version";
	strcpy(f.annotations[0].value, "1.2.3");
	return f;
}

/* features.md and features-linux.md of runtime-spec v1.3.0: these members
 * and no others ("MUST NOT contain properties that are not defined in this
 * version"). */
static void check_members(yajl_val d, const char *w)
{
	ok(KEYS(d, "ociVersionMin", "ociVersionMax", "hooks", "mountOptions", "linux",
		"annotations", "potentiallyUnsafeConfigAnnotations"),
	   "%s: the top-level members of v1.3", w);
	ok(KEYS(GET(d, "linux"), "namespaces", "capabilities", "cgroup", "seccomp", "apparmor",
		"selinux", "intelRdt", "mountExtensions", "memoryPolicy", "netDevices"),
	   "%s: the linux members of v1.3", w);
	ok(KEYS(GET(d, "linux", "cgroup"), "v1", "v2", "systemd", "systemdUser", "rdma"),
	   "%s: linux.cgroup members", w);
	ok(KEYS(GET(d, "linux", "seccomp"), "enabled", "actions", "operators", "archs",
		"knownFlags", "supportedFlags"),
	   "%s: linux.seccomp members", w);
	ok(KEYS(GET(d, "linux", "apparmor"), "enabled") &&
	       KEYS(GET(d, "linux", "selinux"), "enabled") &&
	       KEYS(GET(d, "linux", "intelRdt"), "enabled", "schemata", "monitoring") &&
	       KEYS(GET(d, "linux", "netDevices"), "enabled"),
	   "%s: apparmor, selinux, netDevices: enabled; intelRdt: schemata, monitoring too", w);
	ok(KEYS(GET(d, "linux", "memoryPolicy"), "modes", "flags") &&
	       array_len(GET(d, "linux", "memoryPolicy", "modes")) == 7 &&
	       in_array(GET(d, "linux", "memoryPolicy", "modes"), "MPOL_WEIGHTED_INTERLEAVE") &&
	       array_len(GET(d, "linux", "memoryPolicy", "flags")) == 3 &&
	       in_array(GET(d, "linux", "memoryPolicy", "flags"), "MPOL_F_STATIC_NODES"),
	   "%s: memoryPolicy: the parser's 7 modes and 3 flags", w);
	ok(KEYS(GET(d, "linux", "mountExtensions"), "idmap") &&
	       KEYS(GET(d, "linux", "mountExtensions", "idmap"), "enabled"),
	   "%s: mountExtensions.idmap.enabled", w);
	is_str(str(GET(d, "ociVersionMin")), "1.0.0", "%s: ociVersionMin", w);
	is_str(str(GET(d, "ociVersionMax")), RL_OCI_VERSION,
	       "%s: ociVersionMax is the version rlite implements", w);
}

/* Every name of spec/'s tables is listed, and nothing else. */
static void check_tables(yajl_val d, const char *w)
{
	yajl_val caps = GET(d, "linux", "capabilities"), ns = GET(d, "linux", "namespaces");
	yajl_val hooks = GET(d, "hooks"), sc = GET(d, "linux", "seccomp");
	bool all = true;
	size_t n;

	for (int i = 0; i <= rl_cap_last(); i++)
		all &= in_array(caps, rl_cap_name(i));
	ok(all && array_len(caps) == (size_t)rl_cap_last() + 1, "%s: capabilities are names.c's %d",
	   w, rl_cap_last() + 1);
	all = true;
	for (int i = 0; i < RL_NS__COUNT; i++)
		all &= in_array(ns, rl_ns_name((enum rl_ns_type)i));
	ok(all && array_len(ns) == RL_NS__COUNT && in_array(ns, "time"),
	   "%s: namespaces are names.c's %d, time included", w, RL_NS__COUNT);
	all = true;
	for (int i = 0; i < RL_HOOK__COUNT; i++)
		all &= in_array(hooks, rl_hook_name((enum rl_hook_kind)i));
	ok(all && array_len(hooks) == RL_HOOK__COUNT, "%s: the six hooks", w);
	all = true;
	for (n = 0; rl_seccomp_action_name((enum rl_seccomp_action)n); n++)
		all &=
		    in_array(GET(sc, "actions"), rl_seccomp_action_name((enum rl_seccomp_action)n));
	ok(all && array_len(GET(sc, "actions")) == n && n == 9, "%s: the 9 seccomp actions", w);
	all = true;
	for (n = 0; rl_seccomp_op_name((enum rl_seccomp_op)n); n++)
		all &= in_array(GET(sc, "operators"), rl_seccomp_op_name((enum rl_seccomp_op)n));
	ok(all && array_len(GET(sc, "operators")) == n && n == 7, "%s: the 7 operators", w);
	all = true;
	for (n = 0; rl_seccomp_flag_name(n); n++)
		all &= in_array(GET(sc, "knownFlags"), rl_seccomp_flag_name(n));
	ok(all && array_len(GET(sc, "knownFlags")) == n && n == 4,
	   "%s: knownFlags are the 4 the parser accepts", w);
}

static void test_fake(void)
{
	struct rl_features f = fake();
	yajl_val d = parse_doc(&f), mo, sc;

	ok(d != NULL, "fake: valid JSON");
	if (!d)
		return;
	check_members(d, "fake");
	check_tables(d, "fake");
	mo = GET(d, "mountOptions");
	ok(array_len(mo) == 3 && strcmp(str(mo->u.array.values[0]), "bind") == 0 &&
	       strcmp(str(mo->u.array.values[2]), "ro") == 0,
	   "fake: mountOptions are the runtime's, sorted");
	sc = GET(d, "linux", "seccomp");
	ok(array_len(GET(sc, "archs")) == 1 && in_array(GET(sc, "archs"), "SCMP_ARCH_X86_64"),
	   "fake: archs are the parser's the runtime can use");
	ok(array_len(GET(sc, "supportedFlags")) == 1 &&
	       in_array(GET(sc, "supportedFlags"), "SECCOMP_FILTER_FLAG_LOG"),
	   "fake: supportedFlags are the known ones the runtime can set");
	ok(is_bool(GET(d, "linux", "cgroup", "v1"), true) &&
	       is_bool(GET(d, "linux", "cgroup", "v2"), false) &&
	       is_bool(GET(d, "linux", "cgroup", "rdma"), true) &&
	       is_bool(GET(d, "linux", "selinux", "enabled"), true) &&
	       is_bool(GET(d, "linux", "apparmor", "enabled"), false) &&
	       is_bool(GET(d, "linux", "mountExtensions", "idmap", "enabled"), false),
	   "fake: the booleans as given");
	is_str(str(GET(d, "annotations", "org.example.version")), "1.2.3", "fake: annotations");
	ok(array_len(GET(d, "potentiallyUnsafeConfigAnnotations")) == 0,
	   "fake: no unsafe annotations is an empty list");
	yajl_tree_free(d);

	f.seccomp = false;
	f.mount_option = NULL;
	d = parse_doc(&f);
	ok(d && KEYS(GET(d, "linux", "seccomp"), "enabled") &&
	       is_bool(GET(d, "linux", "seccomp", "enabled"), false),
	   "seccomp off: enabled false and no lists");
	ok(d && !GET(d, "mountOptions"), "no mount option function: no mountOptions");
	yajl_tree_free(d);
}

/* ---- every name listed goes through the parser --------------------------- */

static void gstr(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gcopy(yajl_gen g, yajl_val arr)
{
	yajl_gen_array_open(g);
	for (size_t i = 0; i < array_len(arr); i++)
		gstr(g, str(arr->u.array.values[i]));
	yajl_gen_array_close(g);
}

static void gen_seccomp(yajl_gen g, yajl_val sc)
{
	yajl_val actions = GET(sc, "actions"), ops = GET(sc, "operators");

	gstr(g, "seccomp");
	yajl_gen_map_open(g);
	gstr(g, "defaultAction");
	gstr(g, "SCMP_ACT_ALLOW");
	gstr(g, "architectures");
	gcopy(g, GET(sc, "archs"));
	gstr(g, "flags");
	gcopy(g, GET(sc, "knownFlags"));
	gstr(g, "listenerPath");
	gstr(g, "/run/agent.sock");
	gstr(g, "syscalls");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < array_len(actions); i++) {
		yajl_gen_map_open(g);
		gstr(g, "names");
		yajl_gen_array_open(g);
		gstr(g, "getpid");
		yajl_gen_array_close(g);
		gstr(g, "action");
		gstr(g, str(actions->u.array.values[i]));
		gstr(g, "args");
		yajl_gen_array_open(g);
		for (size_t j = 0; j < array_len(ops) && j < 6; j++) {
			yajl_gen_map_open(g);
			gstr(g, "index");
			yajl_gen_integer(g, (long long)j);
			gstr(g, "value");
			yajl_gen_integer(g, 1);
			gstr(g, "op");
			gstr(g, str(ops->u.array.values[(i + j) % array_len(ops)]));
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

static void gen_hooks(yajl_gen g, yajl_val hooks)
{
	gstr(g, "hooks");
	yajl_gen_map_open(g);
	for (size_t i = 0; i < array_len(hooks); i++) {
		gstr(g, str(hooks->u.array.values[i]));
		yajl_gen_array_open(g);
		yajl_gen_map_open(g);
		gstr(g, "path");
		gstr(g, "/bin/true");
		yajl_gen_map_close(g);
		yajl_gen_array_close(g);
	}
	yajl_gen_map_close(g);
}

/* A config.json that uses every name of the document at once. */
static char *config_using(yajl_val d, const char *version)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	yajl_val ns = GET(d, "linux", "namespaces");
	const unsigned char *buf;
	size_t len;
	char *out;

	yajl_gen_map_open(g);
	gstr(g, "ociVersion");
	gstr(g, version);
	gstr(g, "root");
	yajl_gen_map_open(g);
	gstr(g, "path");
	gstr(g, "rootfs");
	yajl_gen_map_close(g);
	gstr(g, "mounts");
	yajl_gen_array_open(g);
	yajl_gen_map_open(g);
	gstr(g, "destination");
	gstr(g, "/m");
	gstr(g, "type");
	gstr(g, "tmpfs");
	gstr(g, "options");
	gcopy(g, GET(d, "mountOptions"));
	yajl_gen_map_close(g);
	yajl_gen_array_close(g);
	gstr(g, "process");
	yajl_gen_map_open(g);
	gstr(g, "args");
	yajl_gen_array_open(g);
	gstr(g, "sh");
	yajl_gen_array_close(g);
	gstr(g, "cwd");
	gstr(g, "/");
	gstr(g, "capabilities");
	yajl_gen_map_open(g);
	gstr(g, "bounding");
	gcopy(g, GET(d, "linux", "capabilities"));
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	gen_hooks(g, GET(d, "hooks"));
	gstr(g, "linux");
	yajl_gen_map_open(g);
	gstr(g, "namespaces");
	yajl_gen_array_open(g);
	for (size_t i = 0; i < array_len(ns); i++) {
		yajl_gen_map_open(g);
		gstr(g, "type");
		gstr(g, str(ns->u.array.values[i]));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	gen_seccomp(g, GET(d, "linux", "seccomp"));
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	yajl_gen_get_buf(g, &buf, &len);
	out = strndup((const char *)buf, len);
	yajl_gen_free(g);
	return out;
}

static void check_parser_accepts(yajl_val d)
{
	const char *versions[] = {str(GET(d, "ociVersionMin")), str(GET(d, "ociVersionMax"))};

	for (size_t i = 0; i < 2; i++) {
		struct rl_error err = {0};
		struct rl_config *cfg = NULL;
		char *text = config_using(d, versions[i]);
		int r = rl_config_parse(text, strlen(text), "config.json", &cfg, &err);

		is_int(r, 0, "a config with ociVersion %s and every name listed parses: %s",
		       versions[i], err.msg);
		ok(cfg && cfg->process && cfg->process->capabilities &&
		       cfg->process->capabilities->bounding ==
			   (rl_cap_last() == 63 ? ~0ULL : (1ULL << (rl_cap_last() + 1)) - 1) &&
		       cfg->linux_ && cfg->linux_->n_namespaces == RL_NS__COUNT &&
		       cfg->linux_->seccomp && cfg->linux_->seccomp->flags.n == 4,
		   "... and keeps every capability, namespace and flag");
		rl_config_free(cfg);
		free(text);
	}
}

/* ---- what the runtime puts in --------------------------------------------- */

/* The mount options: every VFS flag and propagation type of libmount's
 * table but remount is listed; each listed one is applied (a flag, a
 * propagation change, a recursive attribute or an idmapping: nothing ends
 * up as fs data and nothing is refused or ignored). */
static void check_mount_options(yajl_val mo)
{
	const struct rl_mnt *lm = rl_mnt(NULL);
	const struct libmnt_optmap *ent = lm ? lm->get_builtin_optmap(MNT_LINUX_MAP) : NULL;
	const char *const never[] = {"remount", "nofail", "x-foo", "mode=755", NULL};
	bool all = true;

	ok(ent != NULL, "libmount loaded, its table of options read");
	for (; ent && ent->name; ent++)
		if (strcmp(ent->name, "remount") != 0 && !in_array(mo, ent->name)) {
			printf("# not listed: %s\n", ent->name);
			all = false;
		}
	ok(all, "mountOptions: libmount's flags and propagation types but remount");
	all = true;
	for (size_t i = 0; i < array_len(mo); i++) {
		char *name = (char *)str(mo->u.array.values[i]);
		struct rl_strv v = {.v = &name, .n = 1};
		struct rl_mountopt m;
		bool applied;

		if (rl_mountopt_parse(&v, &m, NULL) < 0) {
			printf("# refused: %s\n", name);
			all = false;
			continue;
		}
		applied = m.flags || m.cleared || m.n_prop || m.attr_set || m.attr_clr || m.idmap ||
			  m.tmpcopyup || strcmp(name, "defaults") == 0;
		if (!applied || m.data || (m.flags & MS_REMOUNT)) {
			printf("# not applied as asked: %s\n", name);
			all = false;
		}
		rl_mountopt_free(&m);
	}
	ok(all && array_len(mo) > 50, "mountOptions: each of the %zu is applied", array_len(mo));
	all = true;
	for (size_t i = 0; never[i]; i++)
		if (in_array(mo, never[i])) {
			printf("# listed: %s\n", never[i]);
			all = false;
		}
	ok(all, "mountOptions: not remount, userspace or fs data");
	ok(in_array(mo, "rro") && in_array(mo, "rbind") && in_array(mo, "rprivate") &&
	       in_array(mo, "nosymfollow") && in_array(mo, "defaults") && in_array(mo, "idmap") &&
	       in_array(mo, "ridmap") && in_array(mo, "tmpcopyup"),
	   "mountOptions: recursive forms, propagation, defaults, idmap, ridmap, tmpcopyup");
}

static struct rl_seccomp scratch_seccomp(char **arch, char **flag)
{
	return (struct rl_seccomp){.default_action = RL_SCMP_ACT_ALLOW,
				   .architectures = {.v = arch, .n = arch ? 1 : 0},
				   .flags = {.v = flag, .n = flag ? 1 : 0}};
}

/* Builds a filter (nothing is loaded) with one architecture or one flag;
 * the errno of the failure, 0 for a refusal without one, -1 on success. */
static int build_errno(char *arch, char *flag)
{
	struct rl_seccomp s = scratch_seccomp(arch ? &arch : NULL, flag ? &flag : NULL);
	struct rl_seccomp_filter *f = NULL;
	struct rl_error err = {0};
	int r = rl_seccomp_build(&s, &f, &err);

	rl_seccomp_filter_free(f);
	return r == 0 ? -1 : err.errnum;
}

/* archs: the parser's architectures this libseccomp knows.  A filter can
 * cover each of those with the native byte order; the others fail with
 * EDOM (byte order: a host matter, like the kernel's), never as unknown.
 * The parser's architectures left out are those libseccomp does not know. */
static void check_archs(yajl_val archs)
{
	bool all = true;

	for (size_t i = 0; rl_seccomp_arch_name(i); i++) {
		char *a = (char *)rl_seccomp_arch_name(i);
		bool listed = in_array(archs, a);
		int e = build_errno(a, NULL);

		if (listed != rl_seccomp_arch_supported(a) || (listed && e != -1 && e != EDOM) ||
		    (!listed && e != 0)) {
			printf("# %s: listed %d, build errno %d\n", a, listed, e);
			all = false;
		}
	}
	ok(all, "archs: the parser's architectures libseccomp knows, each usable");
#ifdef __x86_64__
	ok(in_array(archs, "SCMP_ARCH_X86_64") && in_array(archs, "SCMP_ARCH_X86") &&
	       in_array(archs, "SCMP_ARCH_X32") && build_errno((char *)"SCMP_ARCH_X86", NULL) == -1,
	   "archs: the native ones, usable");
#endif
}

static void check_seccomp(yajl_val sc)
{
	bool all = true;

	check_archs(GET(sc, "archs"));
	for (size_t i = 0; rl_seccomp_flag_name(i); i++) {
		char *fl = (char *)rl_seccomp_flag_name(i);
		bool listed = in_array(GET(sc, "supportedFlags"), fl);

		if (listed != (build_errno(NULL, fl) == -1)) {
			printf("# %s: listed %d\n", fl, listed);
			all = false;
		}
	}
	ok(all, "supportedFlags: exactly the known flags a filter here takes");
#if SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR < 6
	ok(in_array(GET(sc, "knownFlags"), "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") &&
	       !in_array(GET(sc, "supportedFlags"), "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"),
	   "WAIT_KILLABLE_RECV: known, not supported with libseccomp %d.%d", SCMP_VER_MAJOR,
	   SCMP_VER_MINOR);
#endif
}

static void check_runtime_facts(yajl_val d)
{
	const struct scmp_version *sv = seccomp_version();
	yajl_val unsafe = GET(d, "potentiallyUnsafeConfigAnnotations");
	char buf[64];

	ok(is_bool(GET(d, "linux", "seccomp", "enabled"), true), "seccomp enabled");
	ok(is_bool(GET(d, "linux", "cgroup", "v1"), true) &&
	       is_bool(GET(d, "linux", "cgroup", "v2"), true) &&
	       is_bool(GET(d, "linux", "cgroup", "rdma"), true),
	   "cgroup v1, v2 and rdma implemented");
	ok(is_bool(GET(d, "linux", "cgroup", "systemd"), true) &&
	       is_bool(GET(d, "linux", "cgroup", "systemdUser"), false),
	   "systemd's system manager (a transient unit), not a user's");
	ok(is_bool(GET(d, "linux", "apparmor", "enabled"), true) &&
	       is_bool(GET(d, "linux", "selinux", "enabled"), true) &&
	       is_bool(GET(d, "linux", "intelRdt", "enabled"), false) &&
	       is_bool(GET(d, "linux", "mountExtensions", "idmap", "enabled"), true),
	   "apparmor and selinux labels, idmapped mounts built in; intelRdt: false");
	is_str(str(GET(d, "annotations", "org.rlite.version")), RL_VERSION,
	       "annotations: org.rlite.version");
	snprintf(buf, sizeof(buf), "%u.%u.%u", sv->major, sv->minor, sv->micro);
	is_str(str(GET(d, "annotations", "io.github.seccomp.libseccomp.version")), buf,
	       "annotations: the libseccomp loaded, under runc's and crun's key");
	ok(GET(d, "annotations", "org.rlite.libmount.version") &&
	       GET(d, "annotations", "org.rlite.yajl.version") &&
	       GET(d, "annotations", "org.rlite.libcap-ng.version"),
	   "annotations: libmount, yajl, libcap-ng");
	ok(in_array(unsafe, RL_SHIM_ANNOT) && in_array(unsafe, RL_SHIM_ANNOT ".") &&
	       strncmp(RL_SHIM_ANNOT_GROUP, RL_SHIM_ANNOT ".", sizeof(RL_SHIM_ANNOT)) == 0 &&
	       strncmp(RL_SHIM_ANNOT_GRACE, RL_SHIM_ANNOT ".", sizeof(RL_SHIM_ANNOT)) == 0 &&
	       strncmp(RL_SHIM_ANNOT_DEBUG, RL_SHIM_ANNOT ".", sizeof(RL_SHIM_ANNOT)) == 0,
	   "potentiallyUnsafeConfigAnnotations cover the shim's annotations");
}

static void test_runtime(void)
{
	struct rl_features f;
	yajl_val d;

	rl_features_gather(&f);
	d = parse_doc(&f);
	ok(d != NULL, "runtime: valid JSON");
	if (!d)
		return;
	check_members(d, "runtime");
	check_tables(d, "runtime");
	check_mount_options(GET(d, "mountOptions"));
	check_seccomp(GET(d, "linux", "seccomp"));
	check_runtime_facts(d);
	check_parser_accepts(d);
	yajl_tree_free(d);
}

int main(void)
{
	test_fake();
	test_runtime();
	return done_testing();
}
