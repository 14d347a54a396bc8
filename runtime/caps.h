/* Capability sets of the container process (libcap-ng). */
#ifndef RL_RUNTIME_CAPS_H
#define RL_RUNTIME_CAPS_H

#include <stdint.h>

#include "spec/config.h"
#include "spec/error.h"

/* The highest capability number the running kernel knows (probed with
 * PR_CAPBSET_READ). */
int rl_caps_kernel_last(void);

/* Drops every capability not in c->bounding from the bounding set; c NULL:
 * drops them all.  Needs CAP_SETPCAP in the effective set, so it runs
 * before the uid change. */
int rl_caps_apply_bounding(const struct rl_capabilities *c, struct rl_error *err);

/* Sets effective, permitted and inheritable as given, then the ambient
 * set; c NULL: all empty.  hold (a mask) is kept in effective and
 * permitted on top, for what the runtime itself still has to do before
 * execve (process.c).  Runs after the uid change. */
int rl_caps_apply(const struct rl_capabilities *c, uint64_t hold, struct rl_error *err);

#endif
