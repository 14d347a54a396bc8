/* Namespaces of the container and the clone (see clone.h). */
#include "runtime/clone.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

unsigned long rl_ns_flag(enum rl_ns_type type)
{
	switch (type) {
	case RL_NS_PID:
		return CLONE_NEWPID;
	case RL_NS_NETWORK:
		return CLONE_NEWNET;
	case RL_NS_MOUNT:
		return CLONE_NEWNS;
	case RL_NS_IPC:
		return CLONE_NEWIPC;
	case RL_NS_UTS:
		return CLONE_NEWUTS;
	case RL_NS_USER:
		return CLONE_NEWUSER;
	case RL_NS_CGROUP:
		return CLONE_NEWCGROUP;
	case RL_NS_TIME:
		return CLONE_NEWTIME;
	case RL_NS__COUNT:
		break;
	}
	return 0;
}

int rl_clone_flags(const struct rl_linux *lx, struct rl_ns_plan *plan, struct rl_error *err)
{
	memset(plan, 0, sizeof(*plan));
	for (int t = 0; t < RL_NS__COUNT; t++)
		plan->fd[t] = -1;
	for (size_t i = 0; lx && i < lx->n_namespaces; i++) {
		const struct rl_namespace *ns = &lx->namespaces[i];

		if ((unsigned)ns->type >= RL_NS__COUNT)
			return rl_error_set(err, 0, "config.json: linux.namespaces[%zu]: bad type",
					    i);
		if (plan->present[ns->type])
			return rl_error_set(err, 0,
					    "config.json: linux.namespaces[%zu]: duplicate \"%s\" "
					    "namespace",
					    i, rl_ns_name(ns->type));
		plan->present[ns->type] = true;
		if (ns->path) {
			plan->path[ns->type] = ns->path;
			plan->join_any = true;
		} else if (ns->type == RL_NS_TIME) {
			/* CLONE_NEWTIME (0x80) lies inside CSIGNAL, the exit
			 * signal byte of clone(2), so only clone3 or unshare can
			 * ask for it; and offsets can only be written before a
			 * task enters the namespace.  The child unshares it and
			 * enters it at execve (Linux >= 6.0) or fork. */
			plan->new_time = true;
		} else {
			plan->new_flags |= rl_ns_flag(ns->type);
		}
	}
	/* CLONE_FS is never used: it would share root, cwd and umask with the
	 * runtime, so the container's pivot_root/chdir would move the runtime
	 * too, and the kernel refuses it with CLONE_NEWNS or CLONE_NEWUSER
	 * anyway (EINVAL, clone(2)). */
	return 0;
}

bool rl_clone_needs_fork(const struct rl_ns_plan *plan)
{
	return plan->join_any && plan->present[RL_NS_PID];
}

int rl_ns_open(struct rl_ns_plan *plan, struct rl_error *err)
{
	for (int t = 0; t < RL_NS__COUNT; t++) {
		const char *p = plan->path[t];
		int type;

		if (!p)
			continue;
		plan->fd[t] = open(p, O_RDONLY | O_CLOEXEC);
		if (plan->fd[t] < 0)
			return rl_error_set(err, errno, "%s namespace \"%s\"", rl_ns_name(t), p);
		/* NS_GET_NSTYPE (Linux 4.11) names the type of an nsfs file;
		 * ENOTTY means it is not one. */
		type = ioctl(plan->fd[t], NS_GET_NSTYPE);
		if (type < 0)
			return rl_error_set(err, errno == ENOTTY ? 0 : errno,
					    "%s namespace \"%s\": not a namespace file",
					    rl_ns_name(t), p);
		if ((unsigned long)type != rl_ns_flag(t))
			return rl_error_set(err, 0, "%s namespace \"%s\": is of another type",
					    rl_ns_name(t), p);
	}
	return 0;
}

void rl_ns_close(struct rl_ns_plan *plan)
{
	for (int t = 0; t < RL_NS__COUNT; t++) {
		if (plan->fd[t] >= 0)
			close(plan->fd[t]);
		plan->fd[t] = -1;
	}
}

int rl_ns_join(struct rl_ns_plan *plan, struct rl_error *err)
{
	/* User first: it gives us the capabilities that setns into the
	 * namespaces it owns requires.  Mount last: setns(CLONE_NEWNS) also
	 * moves our root and cwd to that namespace's root.  A pid namespace
	 * joined here only applies to children (setns(2)), hence the fork in
	 * the caller.  All fds were opened before the first join. */
	static const enum rl_ns_type order[] = {RL_NS_USER, RL_NS_IPC,	  RL_NS_UTS,  RL_NS_NETWORK,
						RL_NS_PID,  RL_NS_CGROUP, RL_NS_TIME, RL_NS_MOUNT};

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum rl_ns_type t = order[i];

		if (plan->fd[t] < 0)
			continue;
		if (setns(plan->fd[t], (int)rl_ns_flag(t)) < 0)
			return rl_error_set(err, errno, "join %s namespace \"%s\"", rl_ns_name(t),
					    plan->path[t]);
		close(plan->fd[t]);
		plan->fd[t] = -1;
	}
	return 0;
}

pid_t rl_clone_spawn(unsigned long flags, struct rl_error *err)
{
	return rl_clone_spawn_into(flags, -1, NULL, err);
}

pid_t rl_clone_spawn_into(unsigned long flags, int cgroup_fd, bool *into, struct rl_error *err)
{
	/* No stack and no CLONE_VM: the child gets a copy-on-write copy of
	 * our memory and returns here like from fork(). */
	struct clone_args ca = {.flags = flags, .exit_signal = SIGCHLD};
	long pid = -1;

	if (into)
		*into = false;
	if (cgroup_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cgroup_fd;
		pid = syscall(SYS_clone3, &ca, sizeof(ca));
		if (pid >= 0 && into)
			*into = true;
		ca.flags = flags;
		ca.cgroup = 0;
	}
	if (pid < 0)
		pid = syscall(SYS_clone3, &ca, sizeof(ca));

	/* clone3 is Linux 5.3; seccomp filters of outer runtimes (and
	 * valgrind) may answer ENOSYS for it. */
	if (pid < 0 && errno == ENOSYS) {
#if defined(__s390__) || defined(__CRIS__)
		pid = syscall(SYS_clone, 0, flags | SIGCHLD, NULL, NULL, NULL);
#else
		pid = syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
#endif
	}
	if (pid < 0)
		return rl_error_set(err, errno, "clone");
	return (pid_t)pid;
}
