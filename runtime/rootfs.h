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
	/* No mount namespace of the container's own: the caller's mount
	 * table is changed only below the rootfs (hostmounts.h), "/" keeps
	 * its propagation, and the root is entered with chroot. */
	bool shared_ns;
	bool in_userns; /* a new user namespace: devices are bind mounts */
	int procfd;	/* rlite's own procfs (procfs.h): sysctls go there */
	/* The cgroups a "cgroup" mount shows: the container's (the child is in
	 * them by then), or without any of its own the runtime's (rl_cg_own);
	 * one directory per hierarchy.  NULL: none, an empty tmpfs. */
	const struct rl_cgroup *cg;
	/* Called (with arg) right before a "cgroup" mount; NULL: none. */
	int (*before_cgroup)(void *arg, struct rl_error *err);
	void *arg;
	/* Per mounts[] index, a detached idmapped tree the runtime made
	 * (idmount.h) to be attached there, or -1; NULL: none.  Not closed
	 * here. */
	const int *idmap_fds;
	/* A detached mount the runtime made (open_tree) of a host directory
	 * the child cannot reach by its path, attached on tree_dest after
	 * mounts[] (notify.h: /run/notify); -1: none. */
	int tree;
	const char *tree_dest;
};

/* What rl_rootfs_prepare opened, for the steps after it. */
struct rl_rootfs {
	int rootfd; /* the rootfs, bound onto itself: "/" of every lookup */
	int nullfd; /* the host's null device, checked to be 1:3: every file
		     * mask is a bind mount of it, never of a path in the image */
};

/* Runs in the container child, in its own mount namespace, as (namespaced)
 * root, before pivot_root: propagation, the rootfs bind mount, every
 * mounts[] entry in order with destinations resolved inside the rootfs,
 * /dev (default devices, linux.devices, symlinks, /dev/pts + ptmx).  Fills
 * r (close it with rl_rootfs_close).
 *
 * Assumes the cwd is the bundle directory on entry: relative bind sources
 * (mounts[].source) are host paths taken from there.  The cgroup
 * namespace and network namespace, when the config asks for them, must
 * already be in effect (a "cgroup" mount shows the namespace's root; sysfs
 * in a user namespace needs the netns).  err must not be NULL. */
int rl_rootfs_prepare(const struct rl_rootfs_opts *o, struct rl_rootfs *r, struct rl_error *err);

/* After rl_rootfs_prepare (and the createContainer hooks, and the console,
 * which still write into the rootfs), still privileged and still before
 * pivot_root, so that each step names its object by an fd taken inside the
 * rootfs and none goes through the container's own /proc or /dev:
 * linux.sysctl (through o->procfd), readonlyPaths, maskedPaths, a
 * read-only /dev, root.readonly; then pivot_root (or MS_MOVE + chroot),
 * the old root unmounted, and last a shared or unbindable
 * linux.rootfsPropagation on "/" (pivot_root and bind mounts refuse
 * those).  On return "/" is the container's root and the cwd is "/";
 * r is closed. */
int rl_rootfs_finalize(const struct rl_rootfs_opts *o, struct rl_rootfs *r, struct rl_error *err);

void rl_rootfs_close(struct rl_rootfs *r);

#endif
