/* A procfs of rlite's own, for every read and write the runtime makes under
 * /proc inside the container's namespaces.
 *
 * The container's /proc is a mount in its mount table: later mounts[]
 * entries, bind mounts through symlinks of the image, or another container
 * sharing the mounts can stack something on a file below it, and a write to
 * "/proc/self/attr/..." or "/proc/sys/..." would then land wherever that
 * leads (the class of CVE-2025-52881).  So the runtime never goes through
 * that path: it opens a procfs before any mount of the container is made
 * (a private, detached instance when the kernel allows, else the /proc of
 * the namespace it started in), checks that it is the root of a procfs,
 * and opens every file beneath it without crossing a mount point, checking
 * the result again. */
#ifndef RL_RUNTIME_PROCFS_H
#define RL_RUNTIME_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "spec/error.h"

/* An fd on the root of a procfs, verified (PROC_SUPER_MAGIC, the root
 * inode).  private_instance: a new detached instance (fsopen/fsmount,
 * Linux 5.2) that is in no mount table at all, for the container child,
 * falling back to "/proc" where the kernel refuses it; else "/proc" as it
 * is, for the runtime in the host's namespaces.  "self" in it is whoever
 * reads it, so one fd serves across forks. */
int rl_procfs_open(bool private_instance, struct rl_error *err);

/* Opens path beneath dirfd, the procfs root or a directory opened from it
 * ("self/oom_score_adj", "sys/net/ipv4/ip_forward"): nothing above dirfd,
 * no magic links, no mount crossed (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS
 * | RESOLVE_NO_XDEV), and the file must be on the same procfs.  Returns
 * the fd or -1 with err set. */
int rl_procfs_openat(int dirfd, const char *path, int flags, struct rl_error *err);

/* Writes text (whole, in one write as procfs wants) to path under procfd. */
int rl_procfs_write(int procfd, const char *path, const char *text, struct rl_error *err);

/* Reads up to len-1 bytes of path under procfd into buf, NUL-terminated. */
ssize_t rl_procfs_read(int procfd, const char *path, char *buf, size_t len, struct rl_error *err);

/* Reopens one of our own fds (an O_PATH fd, say) with new flags through
 * "self/fd/N" of procfd: the magic link leads to exactly that object. */
int rl_procfs_reopen(int procfd, int fd, int flags, struct rl_error *err);

#endif
