/* The runtime's own binary out of a container's reach (CVE-2019-5736).
 *
 * The pid-1 shim is a fork of rlite, and so is the process of `rlite exec`
 * until its execve: inside the container, /proc/1/exe and /proc/<pid>/exe
 * of that process are the runtime's binary.  Non-dumpable processes keep
 * one without CAP_SYS_PTRACE from opening them at all; while the binary
 * is executed, opening it for writing fails with ETXTBSY.  Neither stops a
 * process with CAP_SYS_PTRACE that keeps an O_PATH fd to the file (or
 * hands it to a second container) until no rlite runs any more, and then
 * reopens it for writing through /proc/self/fd/N: the next rlite run on
 * the host would be its code.
 *
 * So `create`, `run` and `exec` first re-execute the runtime from a view of
 * its binary that cannot be written through, before anything else:
 *
 *   1. a read-only mount of the binary alone: open_tree(OPEN_TREE_CLONE)
 *      of /proc/self/exe, a detached copy of its mount whose root is the
 *      file, made read-only (mount_setattr, Linux 5.12), and
 *      execveat(AT_EMPTY_PATH) from it.  The open_tree fd is close-on-exec,
 *      so the execve dissolves the copy's anonymous mount namespace: the
 *      mount then belongs to no namespace, and no mount_setattr, remount,
 *      bind or move_mount can reach it (EINVAL), whatever the caller's
 *      capabilities.  An fd to the file reopened for writing gets EROFS
 *      for as long as it exists.  No copy: the cost is one more execve;
 *   2. where that is not possible (older kernels, no CAP_SYS_ADMIN over the
 *      mount namespace, an unbindable mount): a copy of the binary in a
 *      memfd, sealed against writing, shrinking and growing (F_SEAL_WRITE,
 *      F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_SEAL), executed with
 *      execveat(AT_EMPTY_PATH).  It holds the binary's size in memory for
 *      as long as the shim lives;
 *   3. neither: the command fails, saying so, rather than run unprotected.
 *
 * Whether the running binary is such a view is read from the file itself,
 * not believed: /proc/self/exe is a memfd with those seals, or it is on a
 * read-only mount (ST_RDONLY) that is not in this process's mount namespace:
 * statmount(2) of its unique mount id finds none (Linux 6.8), or, where
 * statmount cannot answer, its mount id is not in /proc/self/mountinfo
 * (whose reading costs a millisecond or more on a host with thousands of
 * mounts, on every create, run and exec).  A binary installed on a
 * read-only file system is re-executed all the same: a mount attached to a
 * namespace can be made writable again (a remount on the host), and an fd
 * a container kept would write then.  The variable
 * _RLITE_EXESEAL carries "PID:COMM" across the execve and is removed from
 * the environment at once: with this process's pid it means "already
 * re-executed", so a view that does not check out is an error instead of
 * a loop; COMM restores the name ps shows (an execveat of an fd names the
 * process after the fd number on older kernels, "memfd:rlite" for a memfd
 * on newer ones).
 *
 * /proc/<pid>/exe of the runtime's processes reads "/" (the mount's root is
 * the file) or "/memfd:rlite (deleted)".  Commands that put nothing of
 * rlite into a container (state, kill, delete, ...) run as they were
 * started.  Not covered: a container with CAP_DAC_READ_SEARCH can open
 * files by handle (open_by_handle_at) on any file system it has a mount
 * of; the default capabilities do not include it. */
#ifndef RL_RUNTIME_EXESEAL_H
#define RL_RUNTIME_EXESEAL_H

#include <stdbool.h>

#include "spec/error.h"

/* First thing of a command, with argv as main got it (NULL-terminated):
 * removes _RLITE_EXESEAL from the environment; with needed, returns 0
 * when the process runs from a read-only view of its binary, and otherwise
 * re-executes it from one with the same argv and environment (does not
 * return).  -1 with err set when neither view can be made.  Every fd it
 * opens is O_CLOEXEC and closed before it returns. */
int rl_exeseal(bool needed, char **argv, struct rl_error *err);

#endif
