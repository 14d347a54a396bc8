/* Namespaces of the container: which to create (clone flags), which to join
 * by path, and the clone itself. */
#ifndef RL_RUNTIME_CLONE_H
#define RL_RUNTIME_CLONE_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/config.h"
#include "spec/error.h"

struct rl_ns_plan {
	/* CLONE_NEW* of the namespaces to create, never CLONE_NEWTIME (see
	 * rl_clone_flags) and never CLONE_FS. */
	unsigned long new_flags;
	bool new_time;			/* a new time namespace (made by unshare) */
	bool present[RL_NS__COUNT];	/* listed in linux.namespaces */
	const char *path[RL_NS__COUNT]; /* non-NULL: join this one */
	int fd[RL_NS__COUNT];		/* rl_ns_open(): open path, else -1 */
	bool join_any;			/* some namespace has a path */
};

/* CLONE_NEW* for a namespace type (CLONE_NEWTIME for time).  Pure. */
unsigned long rl_ns_flag(enum rl_ns_type type);

/* Builds the plan from linux.namespaces (lx may be NULL: no namespaces).
 * Pure; fds are set to -1.  Fails on a duplicate type. */
int rl_clone_flags(const struct rl_linux *lx, struct rl_ns_plan *plan, struct rl_error *err);

/* The container init is a grandchild: a pid namespace is entered by a
 * fork after setns/unshare, which only the slow path (some namespace joined
 * by path) does; the fast path's clone(CLONE_NEWPID) needs no fork.  Pure. */
bool rl_clone_needs_fork(const struct rl_ns_plan *plan);

/* Parent: opens every path (O_CLOEXEC) and checks it is a namespace of the
 * right type, so a bad path is reported before anything is started. */
int rl_ns_open(struct rl_ns_plan *plan, struct rl_error *err);
void rl_ns_close(struct rl_ns_plan *plan);

/* Child: setns() into every opened namespace, user first, mount last, and
 * closes the fds. */
int rl_ns_join(struct rl_ns_plan *plan, struct rl_error *err);

/* fork()-like clone with `flags` (CLONE_NEW*) and SIGCHLD as exit signal:
 * returns the pid in the parent, 0 in the child, -1 with err set. */
pid_t rl_clone_spawn(unsigned long flags, struct rl_error *err);

/* The same, and with cgroup_fd >= 0 (a v2 directory) the child starts in
 * that cgroup (clone3 CLONE_INTO_CGROUP, Linux 5.7), never running a
 * moment outside it.  *into tells, in parent and child alike, whether that
 * happened: when the kernel refuses it, the clone is made without and the
 * child has to join by itself. */
pid_t rl_clone_spawn_into(unsigned long flags, int cgroup_fd, bool *into, struct rl_error *err);

#endif
