/* The pid-1 shim: rlite's own init for containers with a new pid namespace.
 *
 * A container's pid 1 must reap every orphan the kernel hands it and act on
 * signals (pid_namespaces(7): pid 1 ignores every signal it has no handler
 * for, so `kill` and Ctrl-C would do nothing to a plain workload).  The
 * conductor forks here, in the container child, once the rootfs is final and
 * before rl_process_exec() applies the process settings: the shim keeps none
 * of the workload's restrictions that would get in its way (seccomp profile,
 * dropped capabilities, another uid), and takes its own instead.
 *
 *   container child (pid 1)
 *     rl_shim_fork()
 *       parent: the shim, pid 1.  Locks itself down, then only reaps and
 *               forwards; _exits with the workload's status.  Never returns.
 *       child:  the workload's process.  Gets a clean signal state, its own
 *               process group (the terminal's foreground one), returns 0 ->
 *               rl_process_exec(), and waits until the shim is locked down
 *               (rl_shim_wait) right before the execve.
 *
 * Signals, in the shim:
 *   - SIGCHLD: waitpid(-1, WNOHANG) until 0 or ECHILD, so coalesced SIGCHLDs
 *     lose nothing;
 *   - sent from outside the container (rlite kill, the kernel: si_pid 0 as
 *     seen in the container's pid namespace) -> forwarded to the workload, or
 *     to its process group with org.rlite.init.signal-group;
 *   - sent from inside the container (si_pid > 0) -> dropped: the container's
 *     processes can signal the workload directly, and none of them may stop
 *     or kill the shim;
 *   - SEGV BUS ILL FPE ABRT TRAP SYS are never blocked: a real fault in the
 *     shim kills it as it would any process; sent by kill(2) they go to a
 *     handler that applies the rules above;
 *   - SIGKILL from outside kills the shim, and the kernel then kills the whole
 *     pid namespace; SIGSTOP from outside stops the shim only (no process can
 *     catch it): use `rlite pause` or `kill --all`.
 *
 * Annotations (config.md "annotations"), all optional:
 *   org.rlite.init               "false": no shim, the workload is pid 1 (as
 *                                 `run --no-init` / `create --no-init`);
 *                                 "true" is the default.  Without a new pid
 *                                 namespace there is never a shim.
 *   org.rlite.init.signal-group  "true": forward to the workload's process
 *                                 group instead of the workload alone.
 *   org.rlite.init.grace-ms      "N" (0 .. 600000): when the workload has
 *                                 exited, SIGTERM every other process of the
 *                                 container and wait up to N ms for them before
 *                                 exiting (pid 1 exiting makes the kernel
 *                                 SIGKILL the rest).  Default 0: exit at once.
 *   org.rlite.init.debug         "true": log each reaped pid and forwarded or
 *                                 dropped signal to the runtime's --log file
 *                                 (also on with the global --debug). */
#ifndef RL_RUNTIME_SHIM_H
#define RL_RUNTIME_SHIM_H

#include <stdbool.h>

#include "spec/config.h"
#include "spec/error.h"

#define RL_SHIM_ANNOT	    "org.rlite.init"
#define RL_SHIM_ANNOT_GROUP "org.rlite.init.signal-group"
#define RL_SHIM_ANNOT_GRACE "org.rlite.init.grace-ms"
#define RL_SHIM_ANNOT_DEBUG "org.rlite.init.debug"
#define RL_SHIM_GRACE_MAX   600000u

struct rl_shim_opts {
	bool enabled;	   /* fork a shim at all */
	bool signal_group; /* forward to the workload's process group */
	unsigned grace_ms; /* on exit: SIGTERM the rest, wait up to this */
	bool debug;	   /* log reaped pids and signals to log_fd */
	int log_fd;	   /* the runtime's --log file (O_APPEND), or -1 */
	bool log_json;	   /* --log-format json */
	const char *id;	   /* the container id, for the log lines; may be NULL */
	bool dumpable;	   /* rootless: stay dumpable (shim.c, lockdown) */
	int procfd;	   /* a procfs (procfs.h) for self/status, or -1 */
};

/* Whether a container gets the shim (--init, rlite.conf's init): always,
 * never, or auto: not when process.args[0] is an init of its own (tini,
 * docker-init, catatonit, dumb-init, s6-svscan, s6-overlay's /init,
 * systemd, /sbin/init), which must be pid 1 itself. */
enum rl_init_mode { RL_INIT_AUTO, RL_INIT_ALWAYS, RL_INIT_NEVER };

/* "auto", "always", "never" -> the mode; -1 for anything else.  Pure. */
int rl_init_mode_parse(const char *s);

/* True when path's last component names an init (the auto list).  Pure. */
bool rl_shim_is_init(const char *path);

/* Fills *o from the annotations of cfg.  enabled: only with new_pidns (the
 * container gets its own pid namespace); then the annotation
 * org.rlite.init ("true"/"false", what this container's caller asked for)
 * if present, else mode.  *why (may be NULL) says what decided, for the
 * debug log.  debug starts as the caller's --debug; log_fd -1.  A
 * malformed value is an error naming it:
 * `config.json: annotations["org.rlite.init.grace-ms"]: ...`.  Pure. */
int rl_shim_config(const struct rl_config *cfg, bool new_pidns, enum rl_init_mode mode, bool debug,
		   struct rl_shim_opts *o, const char **why, struct rl_error *err);

/* Once, from main: where the runtime's argv strings are, so that the shim
 * can show itself as "rlite-init" in ps and /proc/PID/cmdline. */
void rl_shim_title_area(int argc, char **argv);

/* In the container child, as pid 1, after the rootfs is final and before
 * rl_process_exec().  Forks: returns 0 in the child, which is to become the
 * workload; the parent becomes the shim and never returns (it _exits with
 * the workload's status).  -1 with err set: nothing forked.  The fds of the
 * caller are left alone in the child; the shim closes all but its own.
 *
 * The child does not wait for the shim's lockdown here: it gets *ready and
 * goes on with its own set-up (user, caps, seccomp, the program lookup)
 * while the shim locks itself down on the other CPU, and must call
 * rl_shim_wait(*ready) before it runs anything of the workload. */
int rl_shim_fork(const struct rl_shim_opts *o, int *ready, struct rl_error *err);
/* Waits for the shim's lockdown and closes ready.  -1 with err set: the
 * shim could not lock itself down (it then exits with the child's status). */
int rl_shim_wait(int ready, struct rl_error *err);

#endif
