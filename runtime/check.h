/* The checks create and run make before anything starts (check.c): the
 * container id, and config.json against the namespaces it asks for.
 * launch.c calls them; they call nothing of the launch. */
#ifndef RL_RUNTIME_CHECK_H
#define RL_RUNTIME_CHECK_H

#include "runtime/clone.h"
#include "spec/config.h"
#include "spec/error.h"

/* Container ids: rl_id_validate. */
int rl_container_check_id(const char *id, struct rl_error *err);

/* What `run` refuses before starting anything, naming the field: no
 * process, linux.intelRdt, a bad personality, no mount
 * namespace, hostname without a uts namespace, a sysctl that is not in a
 * namespace of the container's own, ...  Fills *plan from
 * linux.namespaces (runtime/clone.h).  Pure. */
int rl_container_check_config(const struct rl_config *cfg, struct rl_ns_plan *plan,
			      struct rl_error *err);

/* A net.* key of linux.sysctl with a network namespace joined by path
 * (NETNS_FD, from rl_ns_open) that is rlite's own, the host's: refused,
 * as the write would change the host's setting. */
int rl_container_check_sysctl_netns(const struct rl_config *cfg, int netns_fd,
				    struct rl_error *err);

#endif
