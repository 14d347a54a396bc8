/* What create and run refuse before anything starts (runtime/check.h):
 * config.json held against the namespaces it asks for.  Below the launch
 * (launch.c calls these), above nothing of it. */
#include "runtime/check.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runtime/idmount.h"
#include "runtime/state.h"
#include "runtime/userns.h"

int rl_container_check_id(const char *id, struct rl_error *err)
{
	return rl_id_validate(id, err);
}

/* Whether container id `id` is inside linux.uidMappings (uid) or
 * linux.gidMappings. */
static bool mapped(const struct rl_linux *lx, bool uid, uint32_t id)
{
	return uid ? rl_userns_maps_id(lx->uid_mappings, lx->n_uid_mappings, id)
		   : rl_userns_maps_id(lx->gid_mappings, lx->n_gid_mappings, id);
}

/* A mount's uid=N / gid=N (tmpfs, devpts ...) names an id of the new user
 * namespace, where the kernel refuses one that is not mapped with a bare
 * EINVAL; say which.  runc's rootless validator checks the same. */
static int check_mount_ids(const struct rl_config *cfg, struct rl_error *err)
{
	const struct rl_linux *lx = cfg->linux_;

	for (size_t i = 0; i < cfg->n_mounts; i++) {
		const struct rl_strv *o = &cfg->mounts[i].options;

		for (size_t j = 0; j < o->n; j++) {
			bool uid = strncmp(o->v[j], "uid=", 4) == 0;
			char *end = NULL;
			unsigned long id;

			if (!uid && strncmp(o->v[j], "gid=", 4) != 0)
				continue;
			errno = 0;
			id = strtoul(o->v[j] + 4, &end, 10);
			if (errno || end == o->v[j] + 4 || *end || id > UINT32_MAX)
				continue; /* not a number: the file system's to judge */
			if (mapped(lx, uid, (uint32_t)id))
				continue;
			return rl_error_set(err, 0,
					    "config.json: mounts[%zu].options[%zu]: \"%s\": %s %lu "
					    "is not mapped in linux.%s",
					    i, j, o->v[j], uid ? "uid" : "gid", id,
					    uid ? "uidMappings" : "gidMappings");
		}
	}
	return 0;
}

/* process.user's ids are ids of the new user namespace.  One that is not
 * mapped fails setresgid, setgroups or setresuid in the child with a bare
 * EINVAL, with the container half made; and where the namespace will deny
 * setgroups (rl_userns_denies_setgroups), additionalGids cannot be given at
 * all.  Both said here, naming the field, before anything starts. */
/* field (a printf format with the index, when it has one) names id. */
static int check_mapped(const struct rl_linux *lx, bool uid, uint32_t id, const char *field,
			size_t i, struct rl_error *err)
{
	char name[64];

	if (mapped(lx, uid, id))
		return 0;
	snprintf(name, sizeof(name), field, i);
	return rl_error_set(err, 0, "config.json: process.user.%s: %u is not mapped in linux.%s",
			    name, id, uid ? "uidMappings" : "gidMappings");
}

static int check_user_ids(const struct rl_config *cfg, struct rl_error *err)
{
	const struct rl_linux *lx = cfg->linux_;
	const struct rl_user *u = &cfg->process->user;

	if (check_mapped(lx, true, u->uid, "uid", 0, err) < 0 ||
	    check_mapped(lx, false, u->gid, "gid", 0, err) < 0)
		return -1;
	for (size_t i = 0; i < u->n_additional_gids; i++)
		if (check_mapped(lx, false, u->additional_gids[i], "additionalGids[%zu]", i, err) <
		    0)
			return -1;
	if (u->n_additional_gids &&
	    rl_userns_denies_setgroups(lx->gid_mappings, lx->n_gid_mappings))
		return rl_error_set(err, 0,
				    "config.json: process.user.additionalGids: cannot be set: with "
				    "only its own gid mapped and no CAP_SETGID, the user namespace "
				    "has to deny setgroups (user_namespaces(7)); map more gids "
				    "through /etc/subgid (newgidmap)");
	return 0;
}

static int check_userns(const struct rl_config *cfg, const struct rl_ns_plan *plan,
			struct rl_error *err)
{
	const struct rl_linux *lx = cfg->linux_;
	char buf[64];
	size_t nu = lx ? lx->n_uid_mappings : 0, ng = lx ? lx->n_gid_mappings : 0;

	if (plan->present[RL_NS_USER] && !plan->path[RL_NS_USER]) {
		/* Only the size is of interest here; the real text is written
		 * by rl_userns_write_maps. */
		struct rl_error e = {0};

		if (rl_userns_format(lx->uid_mappings, nu, "linux.uidMappings", buf, sizeof(buf),
				     &e) < 0 &&
		    e.errnum != E2BIG)
			return rl_error_set(err, 0, "%s", e.msg);
		if (rl_userns_format(lx->gid_mappings, ng, "linux.gidMappings", buf, sizeof(buf),
				     &e) < 0 &&
		    e.errnum != E2BIG)
			return rl_error_set(err, 0, "%s", e.msg);
		return check_mount_ids(cfg, err) < 0 ? -1 : check_user_ids(cfg, err);
	} else if (!plan->present[RL_NS_USER] && (nu || ng)) {
		return rl_error_set(err, 0, "config.json: linux.%s: set without a user namespace",
				    nu ? "uidMappings" : "gidMappings");
	}
	return 0;
}

/* The namespace a sysctl key belongs to, as runc's validator has it: the
 * System V IPC and POSIX message queue limits are the ipc namespace's,
 * net.* the network namespace's, kernel.domainname (and kernel.hostname,
 * which has its own field) the uts namespace's.  Everything else
 * (vm.*, kernel.pid_max, fs.file-max ...) is the host's: one value for
 * the whole machine.  KEY is looked at as the path write_sysctl (rootfs.c)
 * writes, split into components: a '/' in a key stands for a '.', so
 * "net.//.vm.swappiness" is net/../vm/swappiness, which is no net key but
 * an escape, refused here with any empty, "." or ".." component.
 * Returns the namespace, RL_NS__COUNT for the host's, -1 for a bad key. */
static int sysctl_namespace(const char *key)
{
	static const char *const ipc[] = {"msgmax", "msgmnb", "msgmni", "sem",
					  "shmall", "shmmax", "shmmni", "shm_rmid_forced"};
	char comp[3][64];
	size_t n = 0, len = 0;

	for (const char *k = key;; k++) {
		if (*k == '.' || *k == '\0') {
			if (len == 0 || (len == 1 && k[-1] == '/') ||
			    (len == 2 && k[-1] == '/' && k[-2] == '/'))
				return -1;
			if (n < 3) {
				memcpy(comp[n], k - len, len < 63 ? len : 63);
				comp[n][len < 63 ? len : 63] = '\0';
			}
			n++;
			len = 0;
			if (*k == '\0')
				break;
			continue;
		}
		len++;
	}
	if (strcmp(comp[0], "net") == 0 && n >= 2)
		return RL_NS_NETWORK;
	if (strcmp(comp[0], "fs") == 0 && n >= 3 && strcmp(comp[1], "mqueue") == 0)
		return RL_NS_IPC;
	if (strcmp(comp[0], "kernel") != 0 || n != 2)
		return RL_NS__COUNT;
	for (size_t i = 0; i < sizeof(ipc) / sizeof(ipc[0]); i++)
		if (strcmp(comp[1], ipc[i]) == 0)
			return RL_NS_IPC;
	if (strcmp(comp[1], "domainname") == 0 || strcmp(comp[1], "hostname") == 0)
		return RL_NS_UTS;
	return RL_NS__COUNT;
}

/* linux.sysctl (config-linux.md "Sysctl"): a container may set only what
 * its own namespaces hold.  Anything else is the host's setting, which
 * writing from the container would change for every process of the
 * machine; runc refuses the same keys. */
static int check_sysctls(const struct rl_linux *lx, const struct rl_ns_plan *plan,
			 struct rl_error *err)
{
	for (size_t i = 0; lx && i < lx->sysctl.n; i++) {
		const char *key = lx->sysctl.keys[i];
		int ns = sysctl_namespace(key);

		if (ns < 0)
			return rl_error_set(
			    err, 0, "config.json: linux.sysctl: \"%s\": not a sysctl name", key);
		if (ns == RL_NS__COUNT)
			return rl_error_set(
			    err, 0,
			    "config.json: linux.sysctl: \"%s\": not in a namespace of "
			    "the container (it is the host's setting)",
			    key);
		if (!plan->present[ns])
			return rl_error_set(
			    err, 0,
			    "config.json: linux.sysctl: \"%s\": needs the container's "
			    "own %s namespace (linux.namespaces has no \"%s\")",
			    key, rl_ns_name(ns), rl_ns_name(ns));
		if (strcmp(key, "kernel.hostname") == 0)
			return rl_error_set(
			    err, 0,
			    "config.json: linux.sysctl: \"kernel.hostname\": use the "
			    "hostname field");
	}
	return 0;
}

int rl_container_check_sysctl_netns(const struct rl_config *cfg, int netns_fd, struct rl_error *err)
{
	const struct rl_linux *lx = cfg->linux_;
	struct stat mine, theirs;

	if (netns_fd < 0 || !lx)
		return 0;
	for (size_t i = 0; i < lx->sysctl.n; i++) {
		if (sysctl_namespace(lx->sysctl.keys[i]) != RL_NS_NETWORK)
			continue;
		if (fstat(netns_fd, &theirs) < 0 || stat("/proc/self/ns/net", &mine) < 0)
			return rl_error_set(err, errno, "linux.sysctl: compare network namespaces");
		if (mine.st_dev == theirs.st_dev && mine.st_ino == theirs.st_ino)
			return rl_error_set(
			    err, 0,
			    "config.json: linux.sysctl: \"%s\": the network namespace "
			    "joined is the host's",
			    lx->sysctl.keys[i]);
		return 0;
	}
	return 0;
}

static int check_linux(const struct rl_config *cfg, const struct rl_ns_plan *plan,
		       struct rl_error *err)
{
	const struct rl_linux *lx = cfg->linux_;

	if (check_sysctls(lx, plan, err) < 0)
		return -1;

	if (lx && lx->has_intel_rdt)
		return rl_error_set(err, 0,
				    "config.json: linux.intelRdt: not supported by rlite "
				    "(no resctrl support)");
	if (lx && lx->personality) {
		const char *d = lx->personality->domain;

		if (!d || (strcmp(d, "LINUX") != 0 && strcmp(d, "LINUX32") != 0))
			return rl_error_set(err, 0,
					    "config.json: linux.personality.domain: must "
					    "be LINUX or LINUX32");
		if (lx->personality->flags.n)
			return rl_error_set(err, 0,
					    "config.json: linux.personality.flags: not "
					    "supported (runtime-spec defines no flag)");
	}
	/* Without a mount namespace of its own the container shares the
	 * caller's (config-linux.md "Namespaces"; hostmounts.h): a path can
	 * then not be hidden or made read-only for the container alone, and
	 * runc refuses these too. */
	if (!plan->present[RL_NS_MOUNT] && lx && (lx->masked_paths.n || lx->readonly_paths.n))
		return rl_error_set(err, 0,
				    "config.json: linux.%s: needs a mount namespace of the "
				    "container's own (linux.namespaces has no \"mount\")",
				    lx->masked_paths.n ? "maskedPaths" : "readonlyPaths");
	if (lx && lx->n_net_devices && !plan->present[RL_NS_NETWORK])
		return rl_error_set(
		    err, 0,
		    "config.json: linux.netDevices: needs a network namespace of the "
		    "container's own (linux.namespaces has no \"network\")");
	if ((cfg->hostname || cfg->domainname) && !plan->present[RL_NS_UTS])
		return rl_error_set(err, 0,
				    "config.json: %s: cannot be set without a private "
				    "uts namespace",
				    cfg->hostname ? "hostname" : "domainname");
	/* config-linux.md "Offset for Time Namespace": only for a new one;
	 * offsets of an existing namespace are frozen. */
	if (lx && (lx->time_boottime.set || lx->time_monotonic.set) && !plan->new_time)
		return rl_error_set(err, 0,
				    "config.json: linux.timeOffsets: needs a new time "
				    "namespace");
	return check_userns(cfg, plan, err);
}

int rl_container_check_config(const struct rl_config *cfg, struct rl_ns_plan *plan,
			      struct rl_error *err)
{
	if (!cfg->process)
		return rl_error_set(err, 0, "config.json: process: is required to run a container");
	/* process.terminal depends on --console-socket and on who waits:
	 * rl_terminal_mode decides it in rl_launch_prepare. */
	if (!cfg->has_root || !cfg->root.path || !cfg->root.path[0])
		return rl_error_set(err, 0, "config.json: root.path: is required");
	/* Idmapped mounts are checked here, made by the parent (idmount.h). */
	if (rl_clone_flags(cfg->linux_, plan, err) < 0 || rl_idmount_check(cfg, plan, err) < 0)
		return -1;
	return check_linux(cfg, plan, err);
}
