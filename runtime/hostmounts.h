/* The mounts of a container without a mount namespace of its own.
 *
 * A namespace left out of linux.namespaces is the caller's (config-linux.md
 * "Namespaces"), the mount namespace too: then every mounts[] entry, the
 * devices, the console are mounted below the rootfs in the caller's mount
 * table, where everybody sees them, and they stay there when the
 * container's processes are gone.  They are the container's resources all
 * the same, which delete must remove (runtime.md "Delete").
 *
 * Before anything is mounted, the record (file "hostmounts" in the state
 * directory) keeps the rootfs and the mounts at or below it that were
 * there already; undoing unmounts every mount at or below the rootfs that
 * is not in it, each checked to be that very mount (its id) through an fd
 * taken without following a symlink, so that a container process that
 * rearranged its rootfs cannot turn it onto a mount of the host. */
#ifndef RL_RUNTIME_HOSTMOUNTS_H
#define RL_RUNTIME_HOSTMOUNTS_H

#include "spec/error.h"

/* Writes the record into the state directory dirfd (before the clone). */
int rl_hostmounts_save(int dirfd, const char *rootfs, struct rl_error *err);

/* Unmounts what the container mounted (lazily, MNT_DETACH), newest first.
 * No record: nothing to do. */
int rl_hostmounts_undo(int dirfd, struct rl_error *err);

#endif
