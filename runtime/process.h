/* The last steps before execve, inside the container after the rootfs is
 * final: oom_score_adj, rlimits, user and groups, umask, capabilities,
 * no_new_privs, seccomp, env, cwd, fds, and the exec itself. */
#ifndef RL_RUNTIME_PROCESS_H
#define RL_RUNTIME_PROCESS_H

#include "spec/config.h"
#include "spec/error.h"
#include "spec/state.h"

struct rl_exec_opts {
	const struct rl_process *process;
	int preserve_fds;		  /* fds 3 .. 3+N-1 survive besides stdio */
	int keep_fd;			  /* the sync channel fd, closed on exec; -1 when none */
	int procfd;			  /* rlite's own procfs (procfs.h): every /proc access */
	const struct rl_seccomp *seccomp; /* linux.seccomp; NULL: no filter */
	const struct rl_memory_policy *memory_policy; /* linux.memoryPolicy; NULL: none */
	/* SCMP_ACT_NOTIFY only: a socket the conductor connected to
	 * linux.seccomp.listenerPath before pivot_root, when the host path was
	 * still reachable (closed after use); <= 0 (fd 0 is stdin, never the
	 * listener): rl_process_exec connects to the path itself, as root. */
	int seccomp_listener_fd;
	/* For the seccomp agent (SCMP_ACT_NOTIFY): id, status, bundle and
	 * annotations, and host_procfd, a procfs of the runtime's pid
	 * namespace, where "self" is the pid the agent knows us by.  state
	 * may be NULL, host_procfd -1 (then the pid is getpid()). */
	const struct rl_state *state;
	int host_procfd;
	/* Called once everything is applied (resources, cwd, user, groups,
	 * capabilities, umask, an early seccomp filter) and args[0] was found,
	 * right before the late (noNewPrivileges) filter and execve: where runc
	 * waits on its exec fifo (standard_init_linux.go), so that every setup
	 * error is known before the container counts as created.  <0 (err set)
	 * aborts the exec with that value.  NULL: none. */
	int (*before_exec)(void *arg, struct rl_error *err);
	void *arg;
};

/* Resolves process.args[0] like execvp (PATH from process.env, else a
 * default PATH) inside the current root.  On failure sets err and returns
 * -127 (not found) or -126 (found, not executable). */
int rl_process_lookup(const struct rl_process *p, char **path, struct rl_error *err);

/* True when process.env has no HOME, or an empty one: runc and crun then
 * set it from the user's passwd entry, and so does rlite. */
bool rl_process_needs_home(const struct rl_process *p);

/* What rl_passwd_home reads at most: lines (longer ones are skipped) and
 * the whole file. */
#define RL_PASSWD_LINE 4096
#define RL_PASSWD_MAX  (16 << 20)

/* The home directory of uid in the passwd(5) file read from fd: the first
 * entry with that uid, as getpwuid(3) finds it, copied to home (size
 * bytes).  0 when found; -1 when no entry has uid, its home is empty or
 * does not fit, or the file is unreadable. */
int rl_passwd_home(int fd, uint32_t uid, char *home, size_t size);

/* The environment of the process: exactly process.env, plus home ("HOME=
 * ...") when it has no HOME or an empty one (which home replaces; NULL:
 * nothing to add), and LISTEN_FDS=n and LISTEN_PID=pid when n_listen > 0
 * (socket activation passed through, as runc).  *out is one malloc'd array
 * of pointers into p->env, home and buf (which must hold 64 bytes);
 * free(*out) only. */
int rl_process_env(const struct rl_process *p, int n_listen, int pid, const char *home, char *buf,
		   char ***out, struct rl_error *err);

/* linux.memoryPolicy against this host's NUMA nodes (/sys): a node it does
 * not have is an error naming the field (relative nodes are not checked:
 * the kernel maps them onto what there is). */
int rl_process_check_memory_policy(const struct rl_memory_policy *mp, struct rl_error *err);

/* A CPU list ("0-3,7") as the affinity of the calling process; field names
 * it in errors. */
int rl_process_set_affinity(const char *cpus, const char *field, struct rl_error *err);

/* Applies everything, calls before_exec, and calls execve; returns only on
 * failure, with err set: -127 / -126 as rl_process_lookup, what before_exec
 * returned, -1 otherwise. */
int rl_process_exec(const struct rl_exec_opts *o, struct rl_error *err);

#endif
