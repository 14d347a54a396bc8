/* Idmapped mounts (runtime-spec config.md "Mounts": mounts[].uidMappings
 * and gidMappings, the "idmap" and "ridmap" options).
 *
 * MOUNT_ATTR_IDMAP needs CAP_SYS_ADMIN in the user namespace that owns the
 * filesystem, which the container child, in a new user namespace of its
 * own, no longer has.  So the runtime makes each idmapped mount on the
 * host, before the clone: a detached copy of the source (open_tree with
 * OPEN_TREE_CLONE) carrying the mapping of a user namespace made for it
 * (mount_setattr).  The child inherits the fds and attaches the copies
 * where the mounts go (rootfs.c), then closes them. */
#ifndef RL_RUNTIME_IDMOUNT_H
#define RL_RUNTIME_IDMOUNT_H

#include <stddef.h>

#include "runtime/clone.h"
#include "spec/config.h"
#include "spec/error.h"

/* Where the mapping of an idmapped mount comes from. */
enum rl_idmount_kind {
	RL_IDMOUNT_NONE,      /* not idmapped */
	RL_IDMOUNT_OWN,	      /* its own uidMappings and gidMappings */
	RL_IDMOUNT_CONTAINER, /* linux.uidMappings/gidMappings (new user ns) */
	RL_IDMOUNT_JOINED,    /* the user namespace the container joins */
};

/* Is mounts[i] idmapped, and with which mapping?  "idmap" or "ridmap",
 * or uidMappings/gidMappings alone (runc takes those as "idmap"); without
 * mappings of its own, the container's user namespace's (the spec's MAY),
 * and with neither an error (MUST).  Refused, naming the field: a mount
 * that is not a bind mount, one of the two mappings without the other,
 * malformed mappings.  Pure (plan from rl_clone_flags). */
int rl_idmount_kind(const struct rl_config *cfg, size_t i, const struct rl_ns_plan *plan,
		    struct rl_error *err);

/* rl_idmount_kind of every mount: 0 when all are fine. */
int rl_idmount_check(const struct rl_config *cfg, const struct rl_ns_plan *plan,
		     struct rl_error *err);

/* Parent, before the clone, after rl_ns_open (a joined user namespace is
 * taken from plan->fd): makes every idmapped mount as a detached tree and
 * sets *fds to an array of cfg->n_mounts fds (O_CLOEXEC, all >= min_fd),
 * -1 where a mount is not idmapped; *fds stays NULL when none is.
 * Relative sources are relative to bundle.  On failure nothing is left
 * (the trees vanish with their fds). */
int rl_idmount_open(const struct rl_config *cfg, const struct rl_ns_plan *plan, const char *bundle,
		    int min_fd, int **fds, struct rl_error *err);

/* Closes every fd of the array and frees it; *fds is NULL after. */
void rl_idmount_close(int **fds, size_t n);

#endif
