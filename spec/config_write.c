/* The config writer: struct rl_config back to config.json text.
 *
 * Keys use the spec's names and a fixed order (the order of the spec's own
 * Go types), and only what is set is written, so that parsing the output
 * gives back an equal config and writing that again gives the same bytes.
 * linux.resources and linux.seccomp have their own writers
 * (config_resources.c, config_seccomp.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "config.h"
#include "config_internal.h"

/* A yajl_gen call (or an rl_gen_* helper) failed: with a valid config that
 * only happens on a bug in the writer itself, so a generic message does. */
#define GEN(x)                                                                                     \
	do {                                                                                       \
		if ((x) != 0)                                                                      \
			return rl_error_set(err, 0, "config: generating JSON failed");             \
	} while (0)

/* A sub-writer failed and already set err. */
#define SUB(x)                                                                                     \
	do {                                                                                       \
		if ((x) < 0)                                                                       \
			return -1;                                                                 \
	} while (0)

static int gen_open(yajl_gen g)
{
	return yajl_gen_map_open(g) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_close(yajl_gen g)
{
	return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_aopen(yajl_gen g)
{
	return yajl_gen_array_open(g) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_aclose(yajl_gen g)
{
	return yajl_gen_array_close(g) == yajl_gen_status_ok ? 0 : -1;
}

static int gen_u64(yajl_gen g, uint64_t v)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);

	return yajl_gen_number(g, buf, (size_t)n) == yajl_gen_status_ok ? 0 : -1;
}

static int key_opt_i64(yajl_gen g, const char *key, const struct rl_opt_i64 *o)
{
	return o->set ? rl_gen_key_i64(g, key, o->v) : 0;
}

static int key_opt_u64(yajl_gen g, const char *key, const struct rl_opt_u64 *o)
{
	return o->set ? rl_gen_key_u64(g, key, o->v) : 0;
}

static int key_opt_u32(yajl_gen g, const char *key, const struct rl_opt_u32 *o)
{
	return o->set ? rl_gen_key_u64(g, key, o->v) : 0;
}

/* [{"containerID": ..., "hostID": ..., "size": ...}, ...]; skipped when empty. */
static int write_idmaps(yajl_gen g, const char *key, const struct rl_idmap *m, size_t n)
{
	if (n == 0)
		return 0;
	if (rl_gen_key(g, key) < 0 || gen_aopen(g) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (gen_open(g) < 0 || rl_gen_key_u64(g, "containerID", m[i].container_id) < 0 ||
		    rl_gen_key_u64(g, "hostID", m[i].host_id) < 0 ||
		    rl_gen_key_u64(g, "size", m[i].size) < 0 || gen_close(g) < 0)
			return -1;
	}
	return gen_aclose(g);
}

/* ---- process --------------------------------------------------------- */

static int write_user(yajl_gen g, const struct rl_user *u, struct rl_error *err)
{
	GEN(rl_gen_key(g, "user"));
	GEN(gen_open(g));
	GEN(rl_gen_key_u64(g, "uid", u->uid));
	GEN(rl_gen_key_u64(g, "gid", u->gid));
	GEN(key_opt_u32(g, "umask", &u->umask));
	if (u->n_additional_gids) {
		GEN(rl_gen_key(g, "additionalGids"));
		GEN(gen_aopen(g));
		for (size_t i = 0; i < u->n_additional_gids; i++)
			GEN(gen_u64(g, u->additional_gids[i]));
		GEN(gen_aclose(g));
	}
	GEN(rl_gen_key_str(g, "username", u->username));
	GEN(gen_close(g));
	return 0;
}

/* One capability set as names, lowest number first; skipped when empty. */
static int write_capset(yajl_gen g, const char *key, uint64_t set, struct rl_error *err)
{
	if (set == 0)
		return 0;
	GEN(rl_gen_key(g, key));
	GEN(gen_aopen(g));
	for (int cap = 0; cap < 64; cap++) {
		const char *name;

		if (!(set & (UINT64_C(1) << cap)))
			continue;
		name = rl_cap_name(cap);
		if (!name)
			return rl_error_set(
			    err, 0, "process.capabilities.%s: unknown capability %d", key, cap);
		GEN(rl_gen_str(g, name));
	}
	GEN(gen_aclose(g));
	return 0;
}

static int write_caps(yajl_gen g, const struct rl_capabilities *c, struct rl_error *err)
{
	GEN(rl_gen_key(g, "capabilities"));
	GEN(gen_open(g));
	SUB(write_capset(g, "bounding", c->bounding, err));
	SUB(write_capset(g, "effective", c->effective, err));
	SUB(write_capset(g, "inheritable", c->inheritable, err));
	SUB(write_capset(g, "permitted", c->permitted, err));
	SUB(write_capset(g, "ambient", c->ambient, err));
	GEN(gen_close(g));
	return 0;
}

static int write_rlimits(yajl_gen g, const struct rl_process *p, struct rl_error *err)
{
	if (p->n_rlimits == 0)
		return 0;
	GEN(rl_gen_key(g, "rlimits"));
	GEN(gen_aopen(g));
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct rl_rlimit *r = &p->rlimits[i];

		GEN(gen_open(g));
		GEN(rl_gen_key_str(g, "type", r->type));
		GEN(rl_gen_key_u64(g, "hard", r->hard));
		GEN(rl_gen_key_u64(g, "soft", r->soft));
		GEN(gen_close(g));
	}
	GEN(gen_aclose(g));
	return 0;
}

static int write_scheduler(yajl_gen g, const struct rl_scheduler *s, struct rl_error *err)
{
	if (!s->set)
		return 0;
	GEN(rl_gen_key(g, "scheduler"));
	GEN(gen_open(g));
	GEN(rl_gen_key_str(g, "policy", s->policy));
	GEN(key_opt_i64(g, "nice", &s->nice));
	GEN(key_opt_i64(g, "priority", &s->priority));
	GEN(rl_gen_key_strv(g, "flags", &s->flags));
	GEN(key_opt_u64(g, "runtime", &s->runtime));
	GEN(key_opt_u64(g, "deadline", &s->deadline));
	GEN(key_opt_u64(g, "period", &s->period));
	GEN(gen_close(g));
	return 0;
}

static int write_io_priority(yajl_gen g, const struct rl_io_priority *io, struct rl_error *err)
{
	if (!io->set)
		return 0;
	GEN(rl_gen_key(g, "ioPriority"));
	GEN(gen_open(g));
	GEN(rl_gen_key_str(g, "class", io->class_name));
	GEN(rl_gen_key_i64(g, "priority", io->priority));
	GEN(gen_close(g));
	return 0;
}

static int write_process(yajl_gen g, const struct rl_process *p, struct rl_error *err)
{
	GEN(rl_gen_key(g, "process"));
	GEN(gen_open(g));
	/* Written even when false: it is the one users most often flip. */
	GEN(rl_gen_key_bool(g, "terminal", p->terminal));
	if (p->has_console_size) {
		GEN(rl_gen_key(g, "consoleSize"));
		GEN(gen_open(g));
		GEN(rl_gen_key_u64(g, "height", p->console_height));
		GEN(rl_gen_key_u64(g, "width", p->console_width));
		GEN(gen_close(g));
	}
	SUB(write_user(g, &p->user, err));
	GEN(rl_gen_key_strv(g, "args", &p->args));
	GEN(rl_gen_key_strv(g, "env", &p->env));
	GEN(rl_gen_key_str(g, "cwd", p->cwd));
	if (p->capabilities)
		SUB(write_caps(g, p->capabilities, err));
	SUB(write_rlimits(g, p, err));
	if (p->no_new_privileges)
		GEN(rl_gen_key_bool(g, "noNewPrivileges", true));
	GEN(rl_gen_key_str(g, "apparmorProfile", p->apparmor_profile));
	GEN(key_opt_i64(g, "oomScoreAdj", &p->oom_score_adj));
	SUB(write_scheduler(g, &p->scheduler, err));
	GEN(rl_gen_key_str(g, "selinuxLabel", p->selinux_label));
	SUB(write_io_priority(g, &p->io_priority, err));
	if (p->exec_cpu_affinity.initial || p->exec_cpu_affinity.final) {
		GEN(rl_gen_key(g, "execCPUAffinity"));
		GEN(gen_open(g));
		GEN(rl_gen_key_str(g, "initial", p->exec_cpu_affinity.initial));
		GEN(rl_gen_key_str(g, "final", p->exec_cpu_affinity.final));
		GEN(gen_close(g));
	}
	GEN(gen_close(g));
	return 0;
}

/* ---- root, mounts, hooks --------------------------------------------- */

static int write_root(yajl_gen g, const struct rl_root *r, struct rl_error *err)
{
	GEN(rl_gen_key(g, "root"));
	GEN(gen_open(g));
	GEN(rl_gen_key_str(g, "path", r->path));
	GEN(rl_gen_key_bool(g, "readonly", r->readonly));
	GEN(gen_close(g));
	return 0;
}

static int write_mounts(yajl_gen g, const struct rl_config *cfg, struct rl_error *err)
{
	if (cfg->n_mounts == 0)
		return 0;
	GEN(rl_gen_key(g, "mounts"));
	GEN(gen_aopen(g));
	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct rl_mount *m = &cfg->mounts[i];

		GEN(gen_open(g));
		GEN(rl_gen_key_str(g, "destination", m->destination));
		GEN(rl_gen_key_str(g, "type", m->type));
		GEN(rl_gen_key_str(g, "source", m->source));
		GEN(rl_gen_key_strv(g, "options", &m->options));
		GEN(write_idmaps(g, "uidMappings", m->uid_mappings, m->n_uid_mappings));
		GEN(write_idmaps(g, "gidMappings", m->gid_mappings, m->n_gid_mappings));
		GEN(gen_close(g));
	}
	GEN(gen_aclose(g));
	return 0;
}

static int write_hook_list(yajl_gen g, enum rl_hook_kind kind, const struct rl_hook_list *l,
			   struct rl_error *err)
{
	const char *name = rl_hook_name(kind);

	if (!name)
		return rl_error_set(err, 0, "hooks: unknown hook kind %d", (int)kind);
	GEN(rl_gen_key(g, name));
	GEN(gen_aopen(g));
	for (size_t i = 0; i < l->n; i++) {
		const struct rl_hook *h = &l->v[i];

		GEN(gen_open(g));
		GEN(rl_gen_key_str(g, "path", h->path));
		GEN(rl_gen_key_strv(g, "args", &h->args));
		GEN(rl_gen_key_strv(g, "env", &h->env));
		GEN(key_opt_i64(g, "timeout", &h->timeout));
		GEN(gen_close(g));
	}
	GEN(gen_aclose(g));
	return 0;
}

static int write_hooks(yajl_gen g, const struct rl_config *cfg, struct rl_error *err)
{
	size_t total = 0;

	for (int k = 0; k < RL_HOOK__COUNT; k++)
		total += cfg->hooks[k].n;
	if (total == 0)
		return 0;
	GEN(rl_gen_key(g, "hooks"));
	GEN(gen_open(g));
	for (int k = 0; k < RL_HOOK__COUNT; k++)
		if (cfg->hooks[k].n)
			SUB(write_hook_list(g, (enum rl_hook_kind)k, &cfg->hooks[k], err));
	GEN(gen_close(g));
	return 0;
}

/* ---- linux ----------------------------------------------------------- */

static int write_namespaces(yajl_gen g, const struct rl_linux *l, struct rl_error *err)
{
	if (l->n_namespaces == 0)
		return 0;
	GEN(rl_gen_key(g, "namespaces"));
	GEN(gen_aopen(g));
	for (size_t i = 0; i < l->n_namespaces; i++) {
		const char *type = rl_ns_name(l->namespaces[i].type);

		if (!type)
			return rl_error_set(err, 0, "linux.namespaces[%zu]: unknown type %d", i,
					    (int)l->namespaces[i].type);
		GEN(gen_open(g));
		GEN(rl_gen_key_str(g, "type", type));
		GEN(rl_gen_key_str(g, "path", l->namespaces[i].path));
		GEN(gen_close(g));
	}
	GEN(gen_aclose(g));
	return 0;
}

static int write_devices(yajl_gen g, const struct rl_linux *l, struct rl_error *err)
{
	if (l->n_devices == 0)
		return 0;
	GEN(rl_gen_key(g, "devices"));
	GEN(gen_aopen(g));
	for (size_t i = 0; i < l->n_devices; i++) {
		const struct rl_device *d = &l->devices[i];
		char type[2] = {d->type, '\0'};

		GEN(gen_open(g));
		GEN(rl_gen_key_str(g, "path", d->path));
		GEN(rl_gen_key_str(g, "type", type));
		/* A fifo has no device numbers (config-linux.md "Devices"). */
		if (d->type != 'p' || d->major || d->minor) {
			GEN(rl_gen_key_i64(g, "major", d->major));
			GEN(rl_gen_key_i64(g, "minor", d->minor));
		}
		GEN(key_opt_u32(g, "fileMode", &d->file_mode));
		GEN(key_opt_u32(g, "uid", &d->uid));
		GEN(key_opt_u32(g, "gid", &d->gid));
		GEN(gen_close(g));
	}
	GEN(gen_aclose(g));
	return 0;
}

static int write_time_offset(yajl_gen g, const char *key, const struct rl_time_offset *t)
{
	if (!t->set)
		return 0;
	if (rl_gen_key(g, key) < 0 || gen_open(g) < 0 || rl_gen_key_i64(g, "secs", t->secs) < 0 ||
	    rl_gen_key_u64(g, "nanosecs", t->nanosecs) < 0)
		return -1;
	return gen_close(g);
}

static int write_linux_tail(yajl_gen g, const struct rl_linux *l, struct rl_error *err)
{
	GEN(rl_gen_key_strv(g, "maskedPaths", &l->masked_paths));
	GEN(rl_gen_key_strv(g, "readonlyPaths", &l->readonly_paths));
	GEN(rl_gen_key_str(g, "mountLabel", l->mount_label));
	if (l->has_intel_rdt) {
		/* Only its presence is kept (the runtime refuses it). */
		GEN(rl_gen_key(g, "intelRdt"));
		GEN(gen_open(g));
		GEN(gen_close(g));
	}
	if (l->personality) {
		GEN(rl_gen_key(g, "personality"));
		GEN(gen_open(g));
		GEN(rl_gen_key_str(g, "domain", l->personality->domain));
		GEN(rl_gen_key_strv(g, "flags", &l->personality->flags));
		GEN(gen_close(g));
	}
	if (l->n_net_devices) {
		GEN(rl_gen_key(g, "netDevices"));
		GEN(gen_open(g));
		for (size_t i = 0; i < l->n_net_devices; i++) {
			GEN(rl_gen_key(g, l->net_devices[i].host));
			GEN(gen_open(g));
			GEN(rl_gen_key_str(g, "name", l->net_devices[i].name));
			GEN(gen_close(g));
		}
		GEN(gen_close(g));
	}
	if (l->memory_policy) {
		GEN(rl_gen_key(g, "memoryPolicy"));
		GEN(gen_open(g));
		GEN(rl_gen_key_str(g, "mode", l->memory_policy->mode_name));
		GEN(rl_gen_key_str(g, "nodes", l->memory_policy->nodes));
		if (l->memory_policy->flags.n)
			GEN(rl_gen_key_strv(g, "flags", &l->memory_policy->flags));
		GEN(gen_close(g));
	}
	if (l->time_boottime.set || l->time_monotonic.set) {
		GEN(rl_gen_key(g, "timeOffsets"));
		GEN(gen_open(g));
		GEN(write_time_offset(g, "boottime", &l->time_boottime));
		GEN(write_time_offset(g, "monotonic", &l->time_monotonic));
		GEN(gen_close(g));
	}
	return 0;
}

static int write_linux(yajl_gen g, const struct rl_linux *l, struct rl_error *err)
{
	GEN(rl_gen_key(g, "linux"));
	GEN(gen_open(g));
	GEN(write_idmaps(g, "uidMappings", l->uid_mappings, l->n_uid_mappings));
	GEN(write_idmaps(g, "gidMappings", l->gid_mappings, l->n_gid_mappings));
	GEN(rl_gen_key_map(g, "sysctl", &l->sysctl));
	if (l->resources) {
		GEN(rl_gen_key(g, "resources"));
		if (rl_write_resources(g, l->resources) < 0)
			return rl_error_set(err, 0, "linux.resources: generating JSON failed");
	}
	GEN(rl_gen_key_str(g, "cgroupsPath", l->cgroups_path));
	SUB(write_namespaces(g, l, err));
	SUB(write_devices(g, l, err));
	if (l->seccomp) {
		GEN(rl_gen_key(g, "seccomp"));
		if (rl_write_seccomp(g, l->seccomp) < 0)
			return rl_error_set(err, 0, "linux.seccomp: generating JSON failed");
	}
	GEN(rl_gen_key_str(g, "rootfsPropagation", l->rootfs_propagation));
	SUB(write_linux_tail(g, l, err));
	GEN(gen_close(g));
	return 0;
}

/* ---- the document ---------------------------------------------------- */

static int write_config(yajl_gen g, const struct rl_config *cfg, struct rl_error *err)
{
	GEN(gen_open(g));
	GEN(rl_gen_key_str(g, "ociVersion", cfg->oci_version));
	if (cfg->process)
		SUB(write_process(g, cfg->process, err));
	if (cfg->has_root)
		SUB(write_root(g, &cfg->root, err));
	GEN(rl_gen_key_str(g, "hostname", cfg->hostname));
	GEN(rl_gen_key_str(g, "domainname", cfg->domainname));
	SUB(write_mounts(g, cfg, err));
	SUB(write_hooks(g, cfg, err));
	GEN(rl_gen_key_map(g, "annotations", &cfg->annotations));
	if (cfg->linux_)
		SUB(write_linux(g, cfg->linux_, err));
	GEN(gen_close(g));
	return 0;
}

int rl_config_to_json(const struct rl_config *cfg, char **out, size_t *len, struct rl_error *err)
{
	const unsigned char *buf = NULL;
	size_t n = 0;
	yajl_gen g = yajl_gen_alloc(NULL);
	char *s;

	if (!g)
		return rl_error_set(err, ENOMEM, "config: generating JSON");
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	if (write_config(g, cfg, err) < 0) {
		yajl_gen_free(g);
		return -1;
	}
	yajl_gen_get_buf(g, &buf, &n);
	s = malloc(n + 1);
	if (!s) {
		yajl_gen_free(g);
		return rl_error_set(err, ENOMEM, "config: generating JSON");
	}
	memcpy(s, buf, n);
	s[n] = '\0';
	yajl_gen_free(g);
	*out = s;
	if (len)
		*len = n;
	return 0;
}
