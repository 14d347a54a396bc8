/* A container's resource statistics and OOM notifications, read from its
 * cgroups (see cgroup.h) for `rlite events`.
 *
 * Each controller is read in the directory of whichever hierarchy holds
 * it, with that version's file names, and converted to runc's units and
 * meanings (spec/stats.h): cpu times in nanoseconds, swap as memory+swap,
 * "max" limits as 2^64-1 (a pids limit of "max" as 0).  A file that does
 * not exist leaves its fields 0, as an older kernel or a disabled
 * accounting option gives. */
#ifndef RL_RUNTIME_CGROUP_STATS_H
#define RL_RUNTIME_CGROUP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "runtime/cgroup.h"
#include "spec/error.h"
#include "spec/stats.h"

/* Fills *out (zeroed first); rl_stats_free(out) after success.  Errors
 * name the file: `cgroup stats: read "/sys/fs/cgroup/memory/c1/memory.stat":
 * Permission denied`. */
int rl_cg_stats(const struct rl_cgroup *cg, struct rl_stats *out, struct rl_error *err);

/* The hugepage sizes the kernel has, from the hugepages-<N>kB entries of
 * dir (normally /sys/kernel/mm/hugepages), named as runc names them:
 * "64KB", "2MB", "1GB".  No such dir: none.  *sizes is NULL-terminated;
 * free each entry and the array. */
int rl_hugepage_sizes(const char *dir, char ***sizes, size_t *n, struct rl_error *err);
/* kB -> "2MB"; returns buf. */
const char *rl_hugepage_name(uint64_t kb, char *buf, size_t len);

/* OOM notification.  *fd becomes readable (poll POLLIN) after an OOM kill
 * in the container's memory cgroup:
 *   v1  an eventfd registered through cgroup.event_control for
 *       memory.oom_control;
 *   v2  an inotify watch (IN_MODIFY) on memory.events, whose oom_kill
 *       count rl_cg_oom_check compares.
 * No memory controller: *fd = -1 and success.  O_CLOEXEC, O_NONBLOCK. */
int rl_cg_oom_open(const struct rl_cgroup *cg, int *fd, struct rl_error *err);

/* *last before the first check: on v2 that check only records the
 * current count, so OOM kills from before the watch are not reported. */
#define RL_CG_OOM_UNSET UINT64_MAX

/* Consumes what is pending on fd and sets *oom when an OOM kill happened
 * since the last call.  *last carries the v2 oom_kill count from call to
 * call (unused on v1).  Never blocks.  The cgroup being removed (v1
 * signals the eventfd then, v2 the watch) is not an OOM. */
int rl_cg_oom_check(const struct rl_cgroup *cg, int fd, uint64_t *last, bool *oom,
		    struct rl_error *err);

#endif
