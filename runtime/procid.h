/* Process identity: a pid alone does not name a process, since the kernel
 * recycles pids.  The pair (pid, start time) does: the start time (field 22
 * of /proc/<pid>/stat, clock ticks since boot) of a new process carrying a
 * recycled pid differs from the old one's.  The state store records the pair
 * for the container init, and everything that acts on the init (status,
 * kill) checks both, so a recycled pid is never reported as the container
 * nor signalled. */
#ifndef RL_RUNTIME_PROCID_H
#define RL_RUNTIME_PROCID_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/error.h"

/* Field 22 (starttime) of /proc/<pid>/stat.  err->errnum is ENOENT when
 * there is no such process. */
int rl_proc_start_time(pid_t pid, uint64_t *ticks, struct rl_error *err);

/* True only when pid exists, is not a zombie (state 'Z', or 'X' dead) and
 * started at start_time.  A zombie init has exited; its parent just has not
 * reaped it yet, and runc reports such a container as stopped too.
 * start_time 0 (unknown) never matches: without an identity we cannot tell
 * the init from a stranger that got its pid. */
bool rl_proc_alive(pid_t pid, uint64_t start_time);

/* The pids in /proc (thread-group leaders, as the kernel lists them),
 * sorted: one pass over the directory, where asking about many pids one
 * by one costs an open each.  A pid absent from the set had no process
 * when the set was read.  0, or -1 with errno set and the set empty. */
struct rl_pidset {
	pid_t *v;
	size_t n;
};
int rl_pidset_read(struct rl_pidset *s);
bool rl_pidset_has(const struct rl_pidset *s, pid_t pid);
void rl_pidset_free(struct rl_pidset *s);

/* A pidfd (O_CLOEXEC, as pidfd_open always sets) for the process
 * (pid, start_time).  The start time is checked again after the fd is
 * open: from then on the fd pins that very process, so if the check passes
 * the fd cannot refer to a later holder of the pid.  A missing, zombie or
 * different process: -1, errnum ESRCH, message "container not running". */
int rl_pidfd_open(pid_t pid, uint64_t start_time, int *fd, struct rl_error *err);

/* pidfd_send_signal(2).  A process that exited meanwhile: errnum ESRCH,
 * message "container not running". */
int rl_pidfd_signal(int pidfd, int sig, struct rl_error *err);

/* --pidfd-socket PATH (runc 1.2), in two steps so that a socket nobody
 * listens on fails the command before it made anything: connect returns
 * the AF_UNIX socket connected to path, at an fd >= min_fd (above the fds
 * a container is given); send sends a pidfd of pid over it, one SCM_RIGHTS
 * message whose payload is kind, as runc's ("standard" for a container's
 * init, "setns" for an exec'd process), and closes it. */
int rl_pidfd_socket_connect(const char *path, int min_fd, struct rl_error *err);
int rl_pidfd_socket_send(int sock, pid_t pid, const char *kind, struct rl_error *err);

/* GUIDE §4: writes pid to path as decimal digits with no newline,
 * atomically (temp file + rename): a caller may read it the moment the
 * command returns. */
int rl_pid_file_write(const char *path, pid_t pid, struct rl_error *err);

/* The exit status a wait status stands for, as a shell reports it: the exit
 * code, or 128 + the signal that killed the process.  Pure. */
int rl_proc_status_code(int wstatus);

/* What the kernel kept of an exited process's end: its wait status, as
 * waitpid would give it to the parent, read through a pidfd by anyone
 * holding one (PIDFD_GET_INFO with PIDFD_INFO_EXIT, Linux 6.15).  The
 * kernel records it when the parent reaps the process, so a zombie has
 * none yet.  0 with *wstatus set; 1 when there is none (not reaped yet,
 * or an older kernel); -1 with err set on any other failure. */
int rl_pidfd_exit_status(int pidfd, int *wstatus, struct rl_error *err);

/* The only child of pid (/proc/PID/task/PID/children): 0 with *child set;
 * 1 when pid has no child or more than one; -1 with err set. */
int rl_proc_only_child(pid_t pid, pid_t *child, struct rl_error *err);

/* work_ws for rl_proc_exit_signal when there is no workload apart from the
 * init, or when there is one but its wait status is not known. */
#define RL_WS_NONE    (-1)
#define RL_WS_UNKNOWN (-2)

/* The signal that ended a container whose init ended with wait status
 * init_ws, or 0 when it exited (or nobody can tell): the init's own signal
 * (no shim, or a shim killed from outside); else, with rlite's pid-1 shim,
 * which exits with 128+N when its workload died of signal N, the
 * workload's signal from its wait status work_ws (RL_WS_NONE: the init is
 * the workload; RL_WS_UNKNOWN: the kernel kept none).  A shim exit code
 * 128+N alone does not tell "killed by N" from "exit(128+N)"; without the
 * workload's status it counts as signal N only when N is kill_signal, the
 * signal `rlite kill` sent and the shim forwarded (0: none).  Pure. */
int rl_proc_exit_signal(int init_ws, int work_ws, int kill_signal);

#endif
