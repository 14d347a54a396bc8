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

/* A pidfd (O_CLOEXEC, as pidfd_open always sets) for the process
 * (pid, start_time).  The start time is checked again after the fd is
 * open: from then on the fd pins that very process, so if the check passes
 * the fd cannot refer to a later holder of the pid.  A missing, zombie or
 * different process: -1, errnum ESRCH, message "container not running". */
int rl_pidfd_open(pid_t pid, uint64_t start_time, int *fd, struct rl_error *err);

/* pidfd_send_signal(2).  A process that exited meanwhile: errnum ESRCH,
 * message "container not running". */
int rl_pidfd_signal(int pidfd, int sig, struct rl_error *err);

/* GUIDE §4: writes pid to path as decimal digits with no newline,
 * atomically (temp file + rename): a caller may read it the moment the
 * command returns. */
int rl_pid_file_write(const char *path, pid_t pid, struct rl_error *err);

/* The exit status a wait status stands for, as a shell reports it: the exit
 * code, or 128 + the signal that killed the process.  Pure. */
int rl_proc_status_code(int wstatus);

#endif
