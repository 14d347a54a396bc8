/* The container's filesystem view: everything done inside the new mount
 * namespace before the process is set up. */
#ifndef RL_RUNTIME_ROOTFS_H
#define RL_RUNTIME_ROOTFS_H

#include <stdbool.h>

#include "runtime/cgroup.h"
#include "spec/config.h"
#include "spec/error.h"

struct rl_rootfs_opts {
	const struct rl_config *cfg;
	const char *rootfs; /* absolute host path of root.path */
	bool no_pivot;	    /* --no-pivot: MS_MOVE + chroot */
	bool in_userns;	    /* a new user namespace: devices are bind mounts */
	/* The cgroups a "cgroup" mount shows: the container's (the child is in
	 * them by then), or without any of its own the runtime's (rl_cg_own);
	 * one directory per hierarchy.  NULL: none, an empty tmpfs. */
	const struct rl_cgroup *cg;
	/* Called (with arg) right before a "cgroup" mount; NULL: none. */
	int (*before_cgroup)(void *arg, struct rl_error *err);
	/* Called after every mount and /dev, right before pivot_root, with
	 * the host's filesystem still reachable: where the prestart,
	 * createRuntime and createContainer hooks run (runtime.md
	 * "Lifecycle" steps 3-5).  NULL: none.  <0 (err set) fails. */
	int (*before_pivot)(void *arg, struct rl_error *err);
	void *arg;
};

/* Runs in the container child, in its own mount namespace, as (namespaced)
 * root: propagation, the rootfs bind mount, every mounts[] entry in order
 * with destinations resolved inside the rootfs, /dev (default devices,
 * linux.devices, symlinks, /dev/pts + ptmx), then pivot_root (or MS_MOVE +
 * chroot) and the old root unmounted.  On return "/" is the container's
 * root and the cwd is "/".
 *
 * Assumes the cwd is the bundle directory on entry: relative bind sources
 * (mounts[].source) are host paths taken from there.  The cgroup
 * namespace and network namespace, when the config asks for them, must
 * already be in effect (a "cgroup" mount shows the namespace's root; sysfs
 * in a user namespace needs the netns).  err must not be NULL. */
int rl_rootfs_prepare(const struct rl_rootfs_opts *o, struct rl_error *err);

/* After rl_rootfs_prepare, still privileged: linux.sysctl, readonlyPaths,
 * maskedPaths, a read-only /dev, root.readonly, and last a shared or
 * unbindable linux.rootfsPropagation on "/" (given only now because
 * pivot_root and bind mounts refuse those).  Needs /proc mounted in the
 * container for maskedPaths/readonlyPaths that exist. */
int rl_rootfs_finalize(const struct rl_rootfs_opts *o, struct rl_error *err);

#endif
