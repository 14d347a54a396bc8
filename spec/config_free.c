/* rl_config_free(): releases a config however far the parser got.  Every
 * function is NULL-safe and relies on the parser's invariant that an array's
 * count covers only zeroed or fully owned entries. */
#include "config_internal.h"

#include <stdlib.h>

static void mount_free(struct rl_mount *m)
{
	free(m->destination);
	free(m->type);
	free(m->source);
	rl_strv_free(&m->options);
	free(m->uid_mappings);
	free(m->gid_mappings);
}

void rl_process_free(struct rl_process *p)
{
	if (!p)
		return;
	free(p->user.additional_gids);
	free(p->user.username);
	rl_strv_free(&p->args);
	rl_strv_free(&p->env);
	free(p->cwd);
	free(p->capabilities);
	for (size_t i = 0; i < p->n_rlimits; i++)
		free(p->rlimits[i].type);
	free(p->rlimits);
	free(p->apparmor_profile);
	free(p->selinux_label);
	free(p->io_priority.class_name);
	free(p->scheduler.policy);
	free(p->exec_cpu_affinity.initial);
	free(p->exec_cpu_affinity.final);
	rl_strv_free(&p->scheduler.flags);
	free(p);
}

static void hooks_free(struct rl_hook_list *list)
{
	for (size_t i = 0; i < list->n; i++) {
		free(list->v[i].path);
		rl_strv_free(&list->v[i].args);
		rl_strv_free(&list->v[i].env);
	}
	free(list->v);
	list->v = NULL;
	list->n = 0;
}

static void linux_free(struct rl_linux *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n_namespaces; i++)
		free(l->namespaces[i].path);
	free(l->namespaces);
	free(l->uid_mappings);
	free(l->gid_mappings);
	for (size_t i = 0; i < l->n_devices; i++)
		free(l->devices[i].path);
	free(l->devices);
	free(l->cgroups_path);
	rl_resources_free(l->resources);
	free(l->rootfs_propagation);
	rl_seccomp_free(l->seccomp);
	rl_map_free(&l->sysctl);
	rl_strv_free(&l->masked_paths);
	rl_strv_free(&l->readonly_paths);
	free(l->mount_label);
	for (size_t i = 0; i < l->n_net_devices; i++) {
		free(l->net_devices[i].host);
		free(l->net_devices[i].name);
	}
	free(l->net_devices);
	if (l->memory_policy) {
		free(l->memory_policy->mode_name);
		free(l->memory_policy->nodes);
		rl_strv_free(&l->memory_policy->flags);
		free(l->memory_policy);
	}
	if (l->personality) {
		free(l->personality->domain);
		rl_strv_free(&l->personality->flags);
		free(l->personality);
	}
	free(l);
}

void rl_config_free(struct rl_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->oci_version);
	free(cfg->root.path);
	for (size_t i = 0; i < cfg->n_mounts; i++)
		mount_free(&cfg->mounts[i]);
	free(cfg->mounts);
	rl_process_free(cfg->process);
	free(cfg->hostname);
	free(cfg->domainname);
	for (int k = 0; k < RL_HOOK__COUNT; k++)
		hooks_free(&cfg->hooks[k]);
	rl_map_free(&cfg->annotations);
	linux_free(cfg->linux_);
	free(cfg);
}
