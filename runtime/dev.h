/* /dev inside the container, the way runc builds it. */
#ifndef RL_RUNTIME_DEV_H
#define RL_RUNTIME_DEV_H

#include <stdbool.h>

#include "spec/config.h"
#include "spec/error.h"

/* Index of the last mounts[] entry whose destination is dest (both compared
 * lexically cleaned), or -1.  The last one wins as it is mounted on top. */
int rl_dev_find_mount(const struct rl_config *cfg, const char *dest);

/* After mounts[] are in place, before pivot_root; rootfd is the rootfs.
 *   - /dev a bind mount in mounts[]: the user brings their /dev; nothing.
 *   - /dev another mount (a tmpfs): the default devices (null zero full
 *     random urandom tty), linux.devices[], the /dev/fd, stdin, stdout,
 *     stderr, core symlinks, and /dev/ptmx -> pts/ptmx when /dev/pts is a
 *     mount too.
 *   - /dev not in mounts[]: what the rootfs has, plus linux.devices[].
 * Devices are mknod'ed, or bind mounts of the host's node in a user
 * namespace (mknod is not allowed there).  A linux.devices[].path must stay
 * under /dev. */
int rl_dev_setup(int rootfd, const struct rl_config *cfg, bool in_userns, struct rl_error *err);

#endif
