/* The monitor of a detached container (`rlite run --detach`, GUIDE §3).
 *
 * rl_monitor_spawn() makes a daemon the classic way (fork, setsid, SIGHUP
 * ignored, fork again, umask 022, every fd closed, stdio on /dev/null) and,
 * inside that daemon, calls back the caller's create function, so that the
 * container's init becomes the monitor's child.  The callback still runs in
 * the caller's cwd (a relative --bundle or --root keeps its meaning); the
 * monitor moves to "/" right after it, so that it pins no mount.  How
 * the container is made is the callback's business; the monitor only
 * provides the process it runs in and the two pipes for the container's
 * stdout and stderr.  The monitor then:
 *
 *   - is a child subreaper (PR_SET_CHILD_SUBREAPER): orphans of the container
 *     come to it, and it reaps everything (signalfd + waitpid(-1, WNOHANG)
 *     until 0 or ECHILD);
 *   - copies the container's stdout and stderr, as they come, into the log
 *     file (ROOT/ID/container.log by default), bounded: a log that reaches
 *     log_max bytes is renamed to LOG.1 (replacing an older LOG.1) and
 *     started afresh, so at most 2 * log_max bytes are kept, the newest;
 *   - records its own identity (monitor_pid, monitor_start_time) in the
 *     state as soon as it can take the state lock, without ever blocking the
 *     log copy for it;
 *   - when the init exits: copies what is left in the pipes (until EOF, at
 *     most RL_MONITOR_DRAIN_MS), records has_exit_status, exit_status (code,
 *     or 128+signal), exit_signal (rl_proc_exit_signal: the init's signal,
 *     or the workload's behind a shim, read through the callback's
 *     workload pidfd), finished (RFC 3339 with ns) and status stopped in the
 *     state under the exclusive lock, and _exit()s with the init's status.
 *     A container deleted meanwhile is not recreated: nothing is recorded,
 *     nor into a new container made under the same id since (its pid or
 *     monitor_pid differ from ours).
 *   - has no terminal: its own problems after the report (a failed state
 *     save, ...) go into the log as lines "rlite monitor: MESSAGE".
 *   - Processes that escaped the container (no pid namespace) and still run
 *     when the monitor exits are reparented further up; the monitor does not
 *     wait for them.
 *
 * Signals to the monitor: SIGTERM and SIGINT are forwarded to the init (the
 * init is our unreaped child, so its pid cannot have been recycled); the
 * monitor then records the exit as usual.  As pid 1 of its pid namespace
 * the init only gets a signal it has a handler for (pid_namespaces(7)), as
 * with `rlite kill`: a bare `sleep` ignores SIGTERM.  SIGHUP is ignored.
 * SIGKILL (rl_monitor_stop) ends the monitor without recording anything;
 * the init then gets the parent-death signal the create code set, if any
 * is still set: rlite's pid-1 shim loses it when it drops its capabilities
 * (the kernel clears it on a change of credentials), so a container with
 * a shim runs on, reparented, until it writes to its stdout or stderr,
 * whose pipes nobody reads any more (SIGPIPE); nobody records its end
 * (`state` says "monitor gone" once it stopped).
 *
 * Ownership and locking, the contract with the caller:
 *   - The state (ROOT/ID/state.json) exists before rl_monitor_spawn, or the
 *     callback makes it; either way it exists when the callback returns.
 *   - The caller may hold the exclusive state lock across rl_monitor_spawn
 *     and save the state (init pid, start time, status, and the monitor
 *     identity from struct rl_monitor_info) after it returns: the monitor
 *     takes the lock only after the callback returned and its report was
 *     sent, with a non-blocking try, retried every few ms while it keeps
 *     copying output; only once the init has exited and the output is
 *     copied does it wait for the lock.  So there is no deadlock (delete,
 *     which holds the lock, ends the monitor with SIGKILL: rl_monitor_stop),
 *     and every save of the
 *     monitor is a load-modify-save under the lock: it never overwrites what
 *     the caller saved.  The caller, for its part, must not save an older
 *     copy of the state after it released the lock once (load it again).
 *   - keep_fd (e.g. the caller's lock fd, so that the callback can save the
 *     state with the caller's lock) survives the fd closing in the monitor;
 *     the monitor closes it right after the callback returns, unless the
 *     callback closed it itself (rl_state_unlock on its copy: that closes
 *     the monitor's copy only, the caller keeps the lock; state.h).
 *
 * The report: the monitor writes to a pipe the original process reads;
 * rl_monitor_spawn returns when the callback succeeded (0) or failed (-1,
 * with the callback's error, errno and text), or when the monitor died
 * before it could say (-1, "monitor exited ...").  The original process
 * reaps the intermediate child; the monitor itself is reparented to the
 * nearest subreaper (usually pid 1), never left a zombie of the caller. */
#ifndef RL_RUNTIME_MONITOR_H
#define RL_RUNTIME_MONITOR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/error.h"

#define RL_MONITOR_LOG_NAME "container.log" /* in ROOT/ID */
#define RL_MONITOR_LOG_MAX  (1024 * 1024)   /* default log_max */
#define RL_MONITOR_DRAIN_MS 1000	    /* pipes after the init exited */
#define RL_MONITOR_STOP_MS  5000	    /* rl_monitor_stop's wait */

/* Makes the container inside the monitor.  Runs in the monitor process,
 * with fd 0 on /dev/null and no fds open but 0, 1, 2 (/dev/null), keep_fd,
 * 3 .. 3+preserve_fds-1, out_fd and err_fd (both above that range), no
 * --log file (rl_log_close() was called: rl_log lines go to /dev/null),
 * and an empty signal mask with default dispositions (so that what the
 * container inherits is clean).
 *
 * out_fd / err_fd: the write ends of the pipes to the log (O_CLOEXEC); the
 * callback dup2()s them onto the container's fds 1 and 2 (and fd 0 onto its
 * 0, /dev/null).  It must not close them: the monitor closes its copies
 * after the callback returns.
 *
 * On success it returns 0 with *init set: the container's init, a child of
 * the calling process (or a descendant that becomes one: the monitor is a
 * subreaper), running (or created, when the caller starts it later).  On
 * failure -1 with err set, and it must have reaped or killed what it
 * forked.  It must not exit the process.
 *
 * pump: while the callback waits for something the running container
 * does (its READY, runtime/notify.h), the container's output must go on
 * flowing, or a workload that writes more than a pipe holds first blocks
 * and never gets there.  pump->fd polls readable when there is output;
 * pump->fn(pump->arg) copies what is there into the log.  Only once the
 * state directory exists (the log may live in it).
 *
 * *workload starts as RL_MONITOR_NO_WORKLOAD: the init is the workload.
 * When the init is a pid-1 shim in front of it, the callback sets a pidfd
 * of the workload, opened before it could exit (the monitor reads its exit
 * status through it, rl_pidfd_exit_status, and closes it), or
 * RL_MONITOR_WORKLOAD_UNKNOWN when it could not open one. */
#define RL_MONITOR_NO_WORKLOAD	    (-1)
#define RL_MONITOR_WORKLOAD_UNKNOWN (-2)
struct rl_monitor_pump {
	int fd;
	void (*fn)(void *arg);
	void *arg;
};
typedef int rl_monitor_create_fn(void *arg, int out_fd, int err_fd,
				 const struct rl_monitor_pump *pump, pid_t *init, int *workload,
				 struct rl_error *err);

struct rl_monitor_opts {
	const char *root;     /* state store root (--root) */
	const char *id;	      /* container id */
	const char *log_path; /* NULL: ROOT/ID/container.log */
	size_t log_max;	      /* bytes per log file; 0: RL_MONITOR_LOG_MAX */
	int keep_fd;	      /* -1, or an fd the callback needs (see above) */
	/* --preserve-fds N: 3 .. 3+N-1 stay open for the callback; the
	 * monitor closes its copies after it returned. */
	int preserve_fds;
	rl_monitor_create_fn *create;
	void *arg;
};

/* What the original process learns from a monitor that started. */
struct rl_monitor_info {
	pid_t monitor_pid;
	uint64_t monitor_start_time; /* /proc/PID/stat field 22 */
	pid_t init_pid;		     /* as the callback returned it */
};

/* Starts the monitor and waits for its report (see above); returns 0 once
 * the callback succeeded, with *info filled (info may be NULL).  Failure:
 * -1 with err set; the monitor has exited and nothing runs.  Prints nothing
 * and leaves no child of the caller behind. */
int rl_monitor_spawn(const struct rl_monitor_opts *o, struct rl_monitor_info *info,
		     struct rl_error *err);

/* "ROOT/ID/container.log" into buf (len bytes); -1 (ENAMETOOLONG) when it
 * does not fit.  The rotated log is the same name + ".1". */
int rl_monitor_log_path(const char *root, const char *id, char *buf, size_t len,
			struct rl_error *err);

/* For delete: ends the monitor (pid, start_time) if it still runs, by
 * SIGKILL through a pidfd (a recycled pid is never hit), and waits until
 * it has exited (at most RL_MONITOR_STOP_MS).  pid 0 or a monitor already
 * gone: 0.  The monitor is not the caller's child; its parent (pid 1 or a
 * subreaper) reaps it.  Call it with the state lock held, after the init was
 * killed (delete --force) or has exited, before rl_state_remove(): then no
 * monitor writes the log or the state afterwards. */
int rl_monitor_stop(pid_t pid, uint64_t start_time, struct rl_error *err);

#endif
