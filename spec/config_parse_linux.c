/* The "linux" object of config.json (runtime-spec config-linux.md), except
 * linux.resources (config_resources.c) and linux.seccomp
 * (config_seccomp.c).  Same rules as config_parse.c. */
#include "config_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* A required string member, borrowed from the tree (for names that are
 * checked against a table and not kept). */
static const char *str_view_req(struct rl_jctx *c, yajl_val obj, const char *parent,
				const char *key)
{
	char p[RL_JPATH_MAX];
	yajl_val v = rl_jget(obj, key);

	rl_jpath_key(p, parent, key);
	if (!v) {
		rl_jerr(c, p, "is required");
		return NULL;
	}
	if (!YAJL_IS_STRING(v)) {
		rl_jerr(c, p, "must be a string");
		return NULL;
	}
	return v->u.string;
}

/* config-linux.md "User namespace mappings"; the same object is used by
 * idmapped mounts (config.md "POSIX-platform Mounts", v1.1). */
int rl_parse_idmaps(struct rl_jctx *c, yajl_val v, const char *path, struct rl_idmap **out,
		    size_t *n)
{
	char p[RL_JPATH_MAX];
	void *a = NULL;

	if (rl_parse_array(c, v, path, sizeof(struct rl_idmap), &a, n) < 0)
		return -1;
	*out = a;
	for (size_t i = 0; i < *n; i++) {
		yajl_val m = v->u.array.values[i];
		uint64_t cid = 0, hid = 0, size = 0;

		rl_jpath_idx(p, path, i);
		if (rl_jexpect_object(c, m, p) < 0)
			return -1;
		if (rl_parse_uint_req(c, m, p, "containerID", UINT32_MAX, &cid) < 0 ||
		    rl_parse_uint_req(c, m, p, "hostID", UINT32_MAX, &hid) < 0 ||
		    rl_parse_uint_req(c, m, p, "size", UINT32_MAX, &size) < 0)
			return -1;
		(*out)[i].container_id = (uint32_t)cid;
		(*out)[i].host_id = (uint32_t)hid;
		(*out)[i].size = (uint32_t)size;
	}
	return 0;
}

static int parse_namespace(struct rl_jctx *c, yajl_val v, const char *path, unsigned *seen,
			   struct rl_namespace *ns)
{
	char p[RL_JPATH_MAX];
	const char *type;
	int t;

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	type = str_view_req(c, v, path, "type");
	if (!type)
		return -1;
	t = rl_ns_from_name(type);
	if (t < 0)
		return rl_jerr(c, rl_jpath_key(p, path, "type"), "unknown namespace type \"%s\"",
			       type);
	/* config-linux.md "Namespaces": a duplicated type MUST be an error. */
	if (*seen & (1u << t))
		return rl_jerr(c, rl_jpath_key(p, path, "type"), "duplicate namespace type \"%s\"",
			       type);
	*seen |= 1u << t;
	ns->type = (enum rl_ns_type)t;
	if (rl_jstr_opt(c, v, path, "path", &ns->path) < 0)
		return -1;
	/* path is resolved in the runtime mount namespace and MUST be absolute. */
	if (ns->path && rl_jabs_path(c, rl_jpath_key(p, path, "path"), ns->path) < 0)
		return -1;
	return 0;
}

static int parse_namespaces(struct rl_jctx *c, yajl_val lv, struct rl_linux *l)
{
	char p[RL_JPATH_MAX];
	yajl_val v = rl_jget(lv, "namespaces");
	unsigned seen = 0;
	void *a = NULL;

	if (!v)
		return 0;
	if (rl_parse_array(c, v, "linux.namespaces", sizeof(struct rl_namespace), &a,
			   &l->n_namespaces) < 0)
		return -1;
	l->namespaces = a;
	for (size_t i = 0; i < l->n_namespaces; i++)
		if (parse_namespace(c, v->u.array.values[i], rl_jpath_idx(p, "linux.namespaces", i),
				    &seen, &l->namespaces[i]) < 0)
			return -1;
	return 0;
}

static int parse_time_offset(struct rl_jctx *c, yajl_val v, const char *path,
			     struct rl_time_offset *t)
{
	struct rl_opt_i64 secs = {0};
	struct rl_opt_u64 nsecs = {0};

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	/* /proc/<pid>/timens_offsets takes nanoseconds below one second. */
	if (rl_ji64_opt(c, v, path, "secs", INT64_MIN, INT64_MAX, &secs) < 0 ||
	    rl_ju64_opt(c, v, path, "nanosecs", 999999999, &nsecs) < 0)
		return -1;
	t->set = true;
	t->secs = secs.v;
	t->nanosecs = (uint32_t)nsecs.v;
	return 0;
}

/* config-linux.md "Offset for Time Namespace" (v1.1): only CLOCK_BOOTTIME
 * and CLOCK_MONOTONIC can be offset; another clock name cannot be honoured,
 * so it is an invalid value rather than an unknown property. */
static int parse_time_offsets(struct rl_jctx *c, yajl_val lv, struct rl_linux *l)
{
	char p[RL_JPATH_MAX];
	yajl_val v = rl_jget(lv, "timeOffsets");

	if (!v)
		return 0;
	if (rl_jexpect_object(c, v, "linux.timeOffsets") < 0)
		return -1;
	for (size_t i = 0; i < v->u.object.len; i++) {
		const char *k = v->u.object.keys[i];
		yajl_val x = v->u.object.values[i];
		struct rl_time_offset *t;

		rl_jpath_key(p, "linux.timeOffsets", k);
		if (strcmp(k, "boottime") == 0)
			t = &l->time_boottime;
		else if (strcmp(k, "monotonic") == 0)
			t = &l->time_monotonic;
		else
			return rl_jerr(c, p, "unknown clock (want boottime or monotonic)");
		if (YAJL_IS_NULL(x))
			continue;
		if (parse_time_offset(c, x, p, t) < 0)
			return -1;
	}
	return 0;
}

static int parse_device_number(struct rl_jctx *c, yajl_val v, const char *path, const char *key,
			       char type, int64_t *out)
{
	char p[RL_JPATH_MAX];
	yajl_val x = rl_jget(v, key);

	rl_jpath_key(p, path, key);
	if (!x) {
		/* config-linux.md "Devices": REQUIRED for c, b and u only. */
		if (type == 'p')
			return 0;
		return rl_jerr(c, p, "is required for type \"%c\"", type);
	}
	/* makedev(3) takes unsigned int halves. */
	return rl_jint(c, x, p, 0, UINT32_MAX, out);
}

static int parse_device(struct rl_jctx *c, yajl_val v, const char *path, struct rl_device *d)
{
	char p[RL_JPATH_MAX];
	const char *type;

	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	if (rl_jstr_req(c, v, path, "path", &d->path) < 0 ||
	    rl_jabs_path(c, rl_jpath_key(p, path, "path"), d->path) < 0)
		return -1;
	type = str_view_req(c, v, path, "type");
	if (!type)
		return -1;
	if (strlen(type) != 1 || !strchr("cbup", type[0]))
		return rl_jerr(c, rl_jpath_key(p, path, "type"),
			       "unknown device type \"%s\" (want c, b, u or p)", type);
	d->type = type[0];
	if (parse_device_number(c, v, path, "major", d->type, &d->major) < 0 ||
	    parse_device_number(c, v, path, "minor", d->type, &d->minor) < 0)
		return -1;
	if (rl_ju32_opt(c, v, path, "fileMode", &d->file_mode) < 0 ||
	    rl_ju32_opt(c, v, path, "uid", &d->uid) < 0 ||
	    rl_ju32_opt(c, v, path, "gid", &d->gid) < 0)
		return -1;
	return 0;
}

static int parse_devices(struct rl_jctx *c, yajl_val lv, struct rl_linux *l)
{
	char p[RL_JPATH_MAX];
	yajl_val v = rl_jget(lv, "devices");
	void *a = NULL;

	if (!v)
		return 0;
	if (rl_parse_array(c, v, "linux.devices", sizeof(struct rl_device), &a, &l->n_devices) < 0)
		return -1;
	l->devices = a;
	for (size_t i = 0; i < l->n_devices; i++)
		if (parse_device(c, v->u.array.values[i], rl_jpath_idx(p, "linux.devices", i),
				 &l->devices[i]) < 0)
			return -1;
	return 0;
}

/* config-linux.md "Rootfs Mount Propagation". */
static int parse_propagation(struct rl_jctx *c, yajl_val lv, struct rl_linux *l)
{
	static const char *const modes[] = {"private", "rprivate", "shared",	 "rshared",
					    "slave",   "rslave",   "unbindable", "runbindable"};
	const char *path = "linux.rootfsPropagation";

	if (rl_jstr_opt(c, lv, "linux", "rootfsPropagation", &l->rootfs_propagation) < 0)
		return -1;
	if (!l->rootfs_propagation)
		return 0;
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(l->rootfs_propagation, modes[i]) == 0)
			return 0;
	return rl_jerr(c, path, "unknown propagation \"%s\"", l->rootfs_propagation);
}

/* maskedPaths / readonlyPaths: paths inside the container, absolute. */
static int parse_abs_paths(struct rl_jctx *c, yajl_val lv, const char *key, struct rl_strv *sv)
{
	char p[RL_JPATH_MAX], q[RL_JPATH_MAX];

	if (rl_jstrv_opt(c, lv, "linux", key, sv) < 0)
		return -1;
	rl_jpath_key(p, "linux", key);
	for (size_t i = 0; i < sv->n; i++)
		if (rl_jabs_path(c, rl_jpath_idx(q, p, i), sv->v[i]) < 0)
			return -1;
	return 0;
}

/* config-linux.md "Personality" (v1.1): personality(2) execution domains. */
static int parse_personality(struct rl_jctx *c, yajl_val lv, struct rl_linux *l)
{
	const char *path = "linux.personality";
	yajl_val v = rl_jget(lv, "personality");
	struct rl_personality *pers;

	if (!v)
		return 0;
	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	pers = calloc(1, sizeof(*pers));
	if (!pers)
		return rl_parse_oom(c, path);
	l->personality = pers;
	if (rl_jstr_req(c, v, path, "domain", &pers->domain) < 0)
		return -1;
	if (strcmp(pers->domain, "LINUX") != 0 && strcmp(pers->domain, "LINUX32") != 0)
		return rl_jerr(c, "linux.personality.domain",
			       "unknown domain \"%s\" (want LINUX or LINUX32)", pers->domain);
	return rl_jstrv_opt(c, v, path, "flags", &pers->flags);
}

/* An interface name as the kernel takes one (dev_valid_name): 1 to 15
 * bytes, not "." or "..", no '/', ':' or white space.  template: "%d" may
 * stand for a number the kernel picks (once). */
static bool valid_ifname(const char *s, bool template)
{
	const char *pct = strchr(s, '%');

	if (!*s || strlen(s) > 15 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0)
		return false;
	for (const char *p = s; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return false;
	if (!pct)
		return true;
	return template && pct[1] == 'd' && !strchr(pct + 1, '%');
}

/* config-linux.md "Network Devices" (1.3): host name -> {"name": ...}.  A
 * repeated key: the last one wins, as for every JSON object here. */
static int parse_net_devices(struct rl_jctx *c, yajl_val lv, struct rl_linux *l)
{
	yajl_val v = rl_jget(lv, "netDevices");
	char p[RL_JPATH_MAX], q[RL_JPATH_MAX];
	size_t n;

	if (!v)
		return 0;
	if (rl_jexpect_object(c, v, "linux.netDevices") < 0)
		return -1;
	n = v->u.object.len;
	l->net_devices = calloc(n ? n : 1, sizeof(*l->net_devices));
	if (!l->net_devices)
		return rl_parse_oom(c, "linux.netDevices");
	for (size_t i = 0; i < n; i++) {
		const char *host = v->u.object.keys[i];
		yajl_val d = v->u.object.values[i];
		struct rl_net_device *nd = NULL;

		rl_jpath_key(p, "linux.netDevices", host);
		if (!valid_ifname(host, false))
			return rl_jerr(
			    c, p,
			    "not a network interface name (1 to 15 bytes; no \"/\", \":\" or "
			    "white space)");
		if (rl_jexpect_object(c, d, p) < 0)
			return -1;
		for (size_t k = 0; k < l->n_net_devices && !nd; k++)
			if (strcmp(l->net_devices[k].host, host) == 0)
				nd = &l->net_devices[k];
		if (!nd) {
			nd = &l->net_devices[l->n_net_devices++];
			nd->host = strdup(host);
			if (!nd->host)
				return rl_parse_oom(c, p);
		}
		free(nd->name);
		nd->name = NULL;
		if (rl_jstr_opt(c, d, p, "name", &nd->name) < 0)
			return -1;
		if (nd->name && !valid_ifname(nd->name, true))
			return rl_jerr(
			    c, rl_jpath_key(q, p, "name"),
			    "\"%s\": not a network interface name (1 to 15 bytes; no \"/\", "
			    "\":\" or white space; \"%%d\" at most once)",
			    nd->name);
	}
	return 0;
}

/* resources and seccomp leave *out alone on failure; assign on success. */
static int parse_resources_seccomp(struct rl_jctx *c, yajl_val lv, struct rl_linux *l)
{
	yajl_val v = rl_jget(lv, "resources");

	if (v) {
		struct rl_resources *r = NULL;

		if (rl_parse_resources(c, v, "linux.resources", &r) < 0)
			return -1;
		l->resources = r;
	}
	v = rl_jget(lv, "seccomp");
	if (v) {
		struct rl_seccomp *s = NULL;

		if (rl_parse_seccomp(c, v, "linux.seccomp", &s) < 0)
			return -1;
		l->seccomp = s;
	}
	return 0;
}

int rl_parse_id_list(const char *s, unsigned long *mask, size_t nbits)
{
	const size_t per = 8 * sizeof(unsigned long);

	memset(mask, 0, (nbits + per - 1) / per * sizeof(unsigned long));
	if (!*s)
		return 0;
	for (;;) {
		char *end = NULL;
		unsigned long a, b;

		if (*s < '0' || *s > '9')
			return -1;
		a = b = strtoul(s, &end, 10);
		if (*end == '-') {
			s = end + 1;
			if (*s < '0' || *s > '9')
				return -1;
			b = strtoul(s, &end, 10);
		}
		if (a > b || b >= nbits)
			return -1;
		for (unsigned long n = a; n <= b; n++)
			mask[n / per] |= 1UL << (n % per);
		if (*end == '\0')
			return 0;
		if (*end != ',')
			return -1;
		s = end + 1;
	}
}

/* config-linux.md "Memory policy" (1.3): the constants of set_mempolicy(2),
 * numbered as <linux/mempolicy.h> has them. */
static const char *const mpol_modes[] = {
    "MPOL_DEFAULT",	   "MPOL_PREFERRED",	       "MPOL_BIND", "MPOL_INTERLEAVE", "MPOL_LOCAL",
    "MPOL_PREFERRED_MANY", "MPOL_WEIGHTED_INTERLEAVE",
};
static const struct {
	const char *name;
	unsigned bit;
} mpol_flags[] = {
    {"MPOL_F_NUMA_BALANCING", 1u << 13},
    {"MPOL_F_RELATIVE_NODES", 1u << 14},
    {"MPOL_F_STATIC_NODES", 1u << 15},
};

const char *rl_mpol_mode_name(size_t i)
{
	return i < sizeof(mpol_modes) / sizeof(mpol_modes[0]) ? mpol_modes[i] : NULL;
}

const char *rl_mpol_flag_name(size_t i)
{
	return i < sizeof(mpol_flags) / sizeof(mpol_flags[0]) ? mpol_flags[i].name : NULL;
}

#define NODES_MAX 1024 /* the kernel's MAX_NUMNODES is at most 1 << 10 */

static int mpol_mode(const char *name)
{
	for (int i = 0; i < (int)(sizeof(mpol_modes) / sizeof(mpol_modes[0])); i++)
		if (strcmp(name, mpol_modes[i]) == 0)
			return i;
	return -1;
}

static int parse_memory_policy(struct rl_jctx *c, yajl_val lv, struct rl_linux *l)
{
	const char *path = "linux.memoryPolicy";
	yajl_val v = rl_jget(lv, "memoryPolicy");
	unsigned long mask[NODES_MAX / (8 * sizeof(unsigned long))];
	struct rl_memory_policy *mp;
	char p[RL_JPATH_MAX];
	bool none;

	if (!v)
		return 0;
	if (rl_jexpect_object(c, v, path) < 0)
		return -1;
	mp = calloc(1, sizeof(*mp));
	if (!mp)
		return rl_parse_oom(c, path);
	l->memory_policy = mp;
	if (rl_jstr_req(c, v, path, "mode", &mp->mode_name) < 0 ||
	    rl_jstr_opt(c, v, path, "nodes", &mp->nodes) < 0 ||
	    rl_jstrv_opt(c, v, path, "flags", &mp->flags) < 0)
		return -1;
	mp->mode = mpol_mode(mp->mode_name);
	if (mp->mode < 0)
		return rl_jerr(c, "linux.memoryPolicy.mode", "unknown mode \"%s\"", mp->mode_name);
	if (mp->nodes && rl_parse_id_list(mp->nodes, mask, NODES_MAX) < 0)
		return rl_jerr(c, "linux.memoryPolicy.nodes", "\"%s\": not a node list (\"0-3,7\")",
			       mp->nodes);
	/* set_mempolicy(2): these two take no nodes, these four at least one */
	none = !mp->nodes || !mp->nodes[0];
	if (!none && (mp->mode == 0 || mp->mode == 4))
		return rl_jerr(c, "linux.memoryPolicy.nodes", "%s takes no nodes", mp->mode_name);
	if (none && (mp->mode == 2 || mp->mode == 3 || mp->mode >= 5))
		return rl_jerr(c, "linux.memoryPolicy.nodes", "%s needs at least one node",
			       mp->mode_name);
	for (size_t i = 0; i < mp->flags.n; i++) {
		size_t k = 0;

		while (k < sizeof(mpol_flags) / sizeof(mpol_flags[0]) &&
		       strcmp(mp->flags.v[i], mpol_flags[k].name) != 0)
			k++;
		if (k == sizeof(mpol_flags) / sizeof(mpol_flags[0]))
			return rl_jerr(c, rl_jpath_idx(p, "linux.memoryPolicy.flags", i),
				       "unknown flag \"%s\"", mp->flags.v[i]);
		mp->flag_bits |= mpol_flags[k].bit;
	}
	return 0;
}

int rl_parse_linux(struct rl_jctx *c, yajl_val top, struct rl_config *cfg)
{
	yajl_val v = rl_jget(top, "linux");
	struct rl_linux *l;
	yajl_val x;

	if (!v)
		return 0;
	if (rl_jexpect_object(c, v, "linux") < 0)
		return -1;
	l = calloc(1, sizeof(*l));
	if (!l)
		return rl_parse_oom(c, "linux");
	cfg->linux_ = l;
	if (parse_namespaces(c, v, l) < 0)
		return -1;
	x = rl_jget(v, "uidMappings");
	if (x &&
	    rl_parse_idmaps(c, x, "linux.uidMappings", &l->uid_mappings, &l->n_uid_mappings) < 0)
		return -1;
	x = rl_jget(v, "gidMappings");
	if (x &&
	    rl_parse_idmaps(c, x, "linux.gidMappings", &l->gid_mappings, &l->n_gid_mappings) < 0)
		return -1;
	if (parse_time_offsets(c, v, l) < 0 || parse_devices(c, v, l) < 0)
		return -1;
	if (rl_jstr_opt(c, v, "linux", "cgroupsPath", &l->cgroups_path) < 0 ||
	    parse_resources_seccomp(c, v, l) < 0 || parse_propagation(c, v, l) < 0)
		return -1;
	if (rl_jmap_opt(c, v, "linux", "sysctl", &l->sysctl) < 0 ||
	    parse_abs_paths(c, v, "maskedPaths", &l->masked_paths) < 0 ||
	    parse_abs_paths(c, v, "readonlyPaths", &l->readonly_paths) < 0)
		return -1;
	if (rl_jstr_opt(c, v, "linux", "mountLabel", &l->mount_label) < 0 ||
	    parse_personality(c, v, l) < 0 || parse_memory_policy(c, v, l) < 0 ||
	    parse_net_devices(c, v, l) < 0)
		return -1;
	/* Intel RDT needs resctrl, which rlite does not drive: remember that it
	 * was asked for so that validation can refuse it with a clear message
	 * instead of silently running without it. */
	l->has_intel_rdt = rl_jget(v, "intelRdt") != NULL;
	return 0;
}
