/* The network namespace as a new container gets it. */
#ifndef RL_RUNTIME_NETNS_H
#define RL_RUNTIME_NETNS_H

#include "spec/error.h"

/* Brings the loopback interface up.  A new network namespace starts with
 * "lo" down; runc and crun bring it up, and programs expect 127.0.0.1 to
 * answer.  Call in the container child, inside the new namespace. */
int rl_loopback_up(struct rl_error *err);

#endif
