/* The default config, as `rlite spec` writes it.
 *
 * The content follows what `runc spec` writes so that a bundle made for one
 * works with the other, with one difference: process.terminal is false,
 * because `rlite run` is mostly used non-interactively (scripts, CI) where
 * there is no terminal to hand over.  Unlike runc, the cgroup namespace is
 * always asked for, whatever the host's cgroup layout.
 *
 * The rootless default (`rlite spec --rootless`) is runc's (its
 * specconv.ToRootless): a new user namespace mapping the caller's uid and
 * gid to 0, and no network namespace (an unprivileged user could only give
 * it a loopback device); /sys bound recursively from the host, since
 * sysfs may only be mounted by the owner of the network namespace; no uid=
 * or gid= mount option, which would name ids the namespace does not map;
 * no linux.resources (there are none in the default anyway). */
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <linux/capability.h>

#include "config.h"

/* Everything is allocated one piece at a time with the allocator
 * rl_config_free() releases; a failure only clears `ok`, and the caller
 * frees the partial config once at the end. */
struct builder {
	bool ok;
	bool rootless;
	uint32_t uid, gid; /* rootless: mapped to 0 */
};

static char *xdup(struct builder *b, const char *s)
{
	char *r = strdup(s);

	if (!r)
		b->ok = false;
	return r;
}

static void *zalloc(struct builder *b, size_t n, size_t size)
{
	void *p = calloc(n, size);

	if (!p)
		b->ok = false;
	return p;
}

/* A NULL-terminated list of literals into an rl_strv. */
static void strv(struct builder *b, struct rl_strv *sv, const char *const *list)
{
	size_t n = 0;

	while (list[n])
		n++;
	sv->v = zalloc(b, n + 1, sizeof(char *));
	if (!sv->v)
		return;
	for (sv->n = 0; sv->n < n; sv->n++)
		sv->v[sv->n] = xdup(b, list[sv->n]);
}

#define LIST(...) ((const char *const[]){__VA_ARGS__, NULL})

static const struct {
	const char *destination, *type, *source;
	const char *const *options;
} default_mounts[] = {
    {"/proc", "proc", "proc", NULL},
    {"/dev", "tmpfs", "tmpfs", LIST("nosuid", "strictatime", "mode=755", "size=65536k")},
    {"/dev/pts", "devpts", "devpts",
     LIST("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")},
    {"/dev/shm", "tmpfs", "shm", LIST("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")},
    {"/dev/mqueue", "mqueue", "mqueue", LIST("nosuid", "noexec", "nodev")},
    {"/sys", "sysfs", "sysfs", LIST("nosuid", "noexec", "nodev", "ro")},
    {"/sys/fs/cgroup", "cgroup", "cgroup", LIST("nosuid", "noexec", "nodev", "relatime", "ro")},
};

/* Rootless: runc's replacements. */
static const struct {
	const char *destination, *type, *source;
	const char *const *options;
} rootless_mounts[] = {
    {"/proc", "proc", "proc", NULL},
    {"/dev", "tmpfs", "tmpfs", LIST("nosuid", "strictatime", "mode=755", "size=65536k")},
    {"/dev/pts", "devpts", "devpts",
     LIST("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")},
    {"/dev/shm", "tmpfs", "shm", LIST("nosuid", "noexec", "nodev", "mode=1777", "size=65536k")},
    {"/dev/mqueue", "mqueue", "mqueue", LIST("nosuid", "noexec", "nodev")},
    {"/sys", "none", "/sys", LIST("rbind", "nosuid", "noexec", "nodev", "ro")},
    {"/sys/fs/cgroup", "cgroup", "cgroup", LIST("nosuid", "noexec", "nodev", "relatime", "ro")},
};

/* Paths of /proc and /sys that leak host information or give a way out
 * (runc's lists). */
static const char *const masked_paths[] = {
    "/proc/acpi",
    "/proc/asound",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/sys/firmware",
    "/proc/scsi",
    "/sys/devices/virtual/tpm",
    NULL,
};

static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static const enum rl_ns_type default_namespaces[] = {
    RL_NS_PID, RL_NS_NETWORK, RL_NS_IPC, RL_NS_UTS, RL_NS_MOUNT, RL_NS_CGROUP,
};

static const enum rl_ns_type rootless_namespaces[] = {
    RL_NS_PID, RL_NS_IPC, RL_NS_UTS, RL_NS_MOUNT, RL_NS_CGROUP, RL_NS_USER,
};

static struct rl_process *default_process(struct builder *b)
{
	/* runc's default set: enough for a shell, a kill and a low port. */
	const uint64_t caps = UINT64_C(1) << CAP_AUDIT_WRITE | UINT64_C(1) << CAP_KILL |
			      UINT64_C(1) << CAP_NET_BIND_SERVICE;
	struct rl_process *p = zalloc(b, 1, sizeof(*p));

	if (!p)
		return NULL;
	p->terminal = false;
	strv(b, &p->args, LIST("sh"));
	strv(b, &p->env,
	     LIST("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		  "TERM=xterm"));
	p->cwd = xdup(b, "/");
	p->capabilities = zalloc(b, 1, sizeof(*p->capabilities));
	if (p->capabilities) {
		p->capabilities->bounding = caps;
		p->capabilities->effective = caps;
		p->capabilities->permitted = caps;
	}
	p->rlimits = zalloc(b, 1, sizeof(*p->rlimits));
	if (p->rlimits) {
		p->n_rlimits = 1;
		p->rlimits[0].type = xdup(b, "RLIMIT_NOFILE");
		p->rlimits[0].resource = RLIMIT_NOFILE;
		p->rlimits[0].hard = 1024;
		p->rlimits[0].soft = 1024;
	}
	p->no_new_privileges = true;
	return p;
}

static void default_mount_list(struct builder *b, struct rl_config *cfg)
{
	size_t n = b->rootless ? sizeof(rootless_mounts) / sizeof(rootless_mounts[0])
			       : sizeof(default_mounts) / sizeof(default_mounts[0]);

	cfg->mounts = zalloc(b, n, sizeof(*cfg->mounts));
	if (!cfg->mounts)
		return;
	for (cfg->n_mounts = 0; cfg->n_mounts < n; cfg->n_mounts++) {
		struct rl_mount *m = &cfg->mounts[cfg->n_mounts];
		size_t i = cfg->n_mounts;
		const char *const *opts =
		    b->rootless ? rootless_mounts[i].options : default_mounts[i].options;

		m->destination = xdup(b, b->rootless ? rootless_mounts[i].destination
						     : default_mounts[i].destination);
		m->type = xdup(b, b->rootless ? rootless_mounts[i].type : default_mounts[i].type);
		m->source =
		    xdup(b, b->rootless ? rootless_mounts[i].source : default_mounts[i].source);
		if (opts)
			strv(b, &m->options, opts);
	}
}

/* One line: the caller's id is 0 in the container. */
static struct rl_idmap *one_map(struct builder *b, uint32_t host_id, size_t *n)
{
	struct rl_idmap *m = zalloc(b, 1, sizeof(*m));

	if (!m)
		return NULL;
	m->container_id = 0;
	m->host_id = host_id;
	m->size = 1;
	*n = 1;
	return m;
}

static struct rl_linux *default_linux(struct builder *b)
{
	const enum rl_ns_type *ns = b->rootless ? rootless_namespaces : default_namespaces;
	size_t n = b->rootless ? sizeof(rootless_namespaces) / sizeof(rootless_namespaces[0])
			       : sizeof(default_namespaces) / sizeof(default_namespaces[0]);
	struct rl_linux *l = zalloc(b, 1, sizeof(*l));

	if (!l)
		return NULL;
	l->namespaces = zalloc(b, n, sizeof(*l->namespaces));
	if (l->namespaces) {
		for (l->n_namespaces = 0; l->n_namespaces < n; l->n_namespaces++)
			l->namespaces[l->n_namespaces].type = ns[l->n_namespaces];
	}
	if (b->rootless) {
		l->uid_mappings = one_map(b, b->uid, &l->n_uid_mappings);
		l->gid_mappings = one_map(b, b->gid, &l->n_gid_mappings);
	}
	strv(b, &l->masked_paths, masked_paths);
	strv(b, &l->readonly_paths, readonly_paths);
	return l;
}

static struct rl_config *build(struct builder *b)
{
	struct rl_config *cfg = zalloc(b, 1, sizeof(*cfg));

	if (!cfg)
		return NULL;
	cfg->oci_version = xdup(b, RL_OCI_VERSION_DEFAULT);
	cfg->process = default_process(b);
	cfg->has_root = true;
	cfg->root.path = xdup(b, "rootfs");
	cfg->root.readonly = true;
	cfg->hostname = xdup(b, "rlite");
	default_mount_list(b, cfg);
	cfg->linux_ = default_linux(b);
	if (!b->ok) {
		rl_config_free(cfg);
		return NULL;
	}
	return cfg;
}

struct rl_config *rl_config_default(void)
{
	struct builder b = {.ok = true};

	return build(&b);
}

struct rl_config *rl_config_default_rootless(uint32_t uid, uint32_t gid)
{
	struct builder b = {.ok = true, .rootless = true, .uid = uid, .gid = gid};

	return build(&b);
}
