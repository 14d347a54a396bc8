/* linux.netDevices (config-linux.md "Network Devices", runtime-spec 1.3):
 * host interfaces moved into the container's network namespace, renamed
 * where the config says, with their permanent global addresses and up.
 * Done by the runtime side over rtnetlink, so that it holds with a user
 * namespace too (moving needs CAP_NET_ADMIN over the host's namespace).
 * Nothing moves them back: the spec leaves that to the kernel, which
 * returns a physical device to the initial namespace when the container's
 * is freed and destroys a virtual one. */
#ifndef RL_RUNTIME_NETDEV_H
#define RL_RUNTIME_NETDEV_H

#include <sys/types.h>

#include "spec/config.h"
#include "spec/error.h"

/* Before anything is made: each host interface exists here.  An error
 * names the field: linux.netDevices.eth9: no such network interface. */
int rl_netdev_check(const struct rl_linux *lx, struct rl_error *err);

/* Moves every device into the network namespace of pid (a process of the
 * container, already in its final namespaces), renames it, gives it back
 * its permanent addresses of global scope and brings it up. */
int rl_netdev_move(const struct rl_linux *lx, pid_t pid, struct rl_error *err);

#endif
