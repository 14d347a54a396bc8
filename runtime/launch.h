/* Private to the conductor (container.c builds the container, create.c
 * drives create and run on top of it): the state of one launch.
 *
 * A launch ends in one of two ways once the child reported "ready":
 *   RL_LAUNCH_RUN     the parent releases the init over the sync channel
 *                     (RL_SYNC_GO) and stays to forward signals and wait;
 *   RL_LAUNCH_CREATE  the parent returns and exits; the init waits for
 *                     `start` on the exec FIFO (runc's exec.fifo) before
 *                     it runs the process. */
#ifndef RL_RUNTIME_LAUNCH_H
#define RL_RUNTIME_LAUNCH_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "runtime/cgroup.h"
#include "runtime/clone.h"
#include "runtime/container.h"
#include "runtime/notify.h"
#include "runtime/shim.h"
#include "runtime/state.h"
#include "runtime/terminal.h"
#include "spec/config.h"
#include "spec/error.h"

/* child -> parent "your turn": the namespaces exist, run the prestart and
 * createRuntime hooks, then answer RL_SYNC_GO (or nothing: the parent
 * fails and kills us).  sync.h's GO, which the child never sends
 * otherwise: rl_sync_recv accepts only sync.h's types. */
#define RL_SYNC_HOOKS RL_SYNC_GO

enum rl_launch_mode {
	RL_LAUNCH_RUN,
	RL_LAUNCH_CREATE,
};

struct rl_launch {
	const struct rl_run_opts *o;
	enum rl_launch_mode mode;
	bool detached; /* run --detach: nobody waits in the foreground */
	/* rlite itself runs in a user namespace other than the initial one
	 * (podman's rootless one): mknod is refused there too (dev.c) */
	bool runtime_in_userns;
	struct rl_config *cfg;
	char *bundle;	  /* absolute */
	char *rootfs;	  /* absolute, symlinks resolved */
	char *owner;	  /* user name of the caller, "" when unknown */
	char created[40]; /* RFC 3339 nano, when rl_launch_prepare ran */
	struct rl_ns_plan plan;
	struct rl_shim_opts shim; /* the pid-1 shim (runtime/shim.h) */
	int sync[2];		  /* [0] parent end, [1] child end */
	int sigfd;
	bool masked; /* oldmask must be restored */
	sigset_t oldmask;
	bool subreaper;
	bool execed;	   /* the workload runs: signals go to it */
	sigset_t deferred; /* non-fatal signals seen during setup */
	int abort_sig;	   /* a terminating signal seen during setup */
	pid_t init;	   /* the container init as far as we know it; 0 when none */
	int listener_fd;   /* child: socket to linux.seccomp.listenerPath, or -1 */
	/* create: the exec FIFO, O_PATH, for the child; once released (by
	 * `start`), its write end until the answer is written; or -1 */
	int fifo_fd;
	int term_mode;		 /* enum rl_terminal_mode, from rl_launch_prepare */
	int console_fd;		 /* the child's console socket (--console-socket or PROXY); or -1 */
	int console_recv;	 /* PROXY: our end of the pair the master comes over; or -1 */
	struct rl_terminal term; /* PROXY: the caller's terminal and the master */
	bool ready;		 /* parent: the child reported ready */
	bool released;		 /* child: `start` opened the FIFO (create mode) */
	/* The reservation in the state store; the child closes its copy first
	 * thing, or `start` would wait for the lock forever. */
	struct rl_state_lock lock;
	/* The container's cgroups: made and recorded before the clone, joined
	 * by the child before anything else (rl_launch_cgroups). */
	struct rl_cgroup cg;
	/* Without cgroups of its own (none made, none on the host): ours,
	 * which a "cgroup" mount then shows (rl_cg_own). */
	struct rl_cgroup cg_own;
	int *cg_fds;   /* cgroup.procs of each directory, for the child; or NULL */
	int cg_v2fd;   /* the v2 directory for CLONE_INTO_CGROUP, or -1 */
	bool cg_into;  /* the clone put the child into cg_v2fd's cgroup */
	bool cg_newns; /* child: unshare the cgroup namespace once joined */
	bool cg_made;  /* directories may exist: cleanup removes them */
	/* v1 hierarchies: the directories are made and the child moved into
	 * them after the clone (rl_launch_cgroups_late), while the child sets
	 * up its mounts; it waits for that (RL_SYNC_CGROUP) before anything
	 * that needs them.  v2 alone: made before, CLONE_INTO_CGROUP. */
	bool cg_late;
	bool cg_joined;	 /* child: in its cgroups */
	int shim_ready;	 /* workload: the shim lockdown pipe (rl_shim_wait), or -1 */
	int procfd;	 /* child: rlite's own procfs (procfs.h), or -1 */
	int host_procfd; /* child, for a seccomp agent: the runtime's /proc, or -1 */
	/* Idmapped mounts, made before the clone (idmount.h): a detached tree
	 * per mounts[] index, -1 where none; NULL when no mount is idmapped.
	 * The child attaches and closes them, the parent closes its copies
	 * right after the clone. */
	int *idmap_fds;
	/* NOTIFY_SOCKET (notify.h): the child closes the host's socket and
	 * ours first thing, the notify directory once it is mounted */
	struct rl_notify notify;
};

/* Zeroes l and sets every fd to -1. */
void rl_launch_init(struct rl_launch *l, const struct rl_run_opts *o, enum rl_launch_mode mode);

/* Loads bundle/config.json, checks it, resolves the rootfs.  Starts
 * nothing. */
int rl_launch_prepare(struct rl_launch *l, struct rl_error *err);

/* The OCI state of this launch as hooks get it on stdin
 * (rl_state_to_json(..., false)): status and pid as given.  free(*json). */
int rl_launch_state_json(const struct rl_launch *l, enum rl_status status, int pid, char **json,
			 struct rl_error *err);

/* Finds the layout, resolves linux.cgroupsPath, records the directories
 * in the state directory, makes them, applies linux.resources and opens
 * what the child needs to join (after the caller reserved the id, before
 * rl_launch_spawn).  --cgroup-manager disabled: nothing. */
int rl_launch_cgroups(struct rl_launch *l, struct rl_error *err);

/* Late mode (l->cg_late), right after rl_launch_spawn: makes the
 * directories, applies linux.resources and moves the child into them.
 * Nothing to do otherwise. */
int rl_launch_cgroups_late(struct rl_launch *l, struct rl_error *err);

/* Kills whatever is left in the container's cgroups and removes them
 * (once the init is gone); safe when there are none. */
void rl_launch_cgroups_remove(struct rl_launch *l);

/* Clones the container child (after the caller reserved the id). */
int rl_launch_spawn(struct rl_launch *l, struct rl_error *err);

/* Serves the child: 1 once it is ready (set up, waiting to be released),
 * 0 when the execve happened (EOF after ready), <0 on failure: -2 with
 * *status set (127/126, or 128+signal for an interrupted setup). */
int rl_launch_await(struct rl_launch *l, int *status, struct rl_error *err);

/* Run mode: lets the ready child go on to execve. */
int rl_launch_release(struct rl_launch *l, struct rl_error *err);

/* Run mode, after the release, for a wait of the caller's own (the
 * NOTIFY_SOCKET relay): forwards the signals that came to the init. */
void rl_launch_forward_signals(void *launch);

/* Waits for the init, forwarding signals; *status: code or 128+signal.
 * PROXY terminal mode: receives the pty master, puts the caller's terminal
 * in raw mode and copies between them until the init exited (restoring the
 * terminal before returning). */
int rl_launch_wait(struct rl_launch *l, int *status, struct rl_error *err);

/* In the clone: sets up the container and execs its process; never
 * returns (container.c). */
_Noreturn void rl_launch_child(struct rl_launch *l);

/* Kills an init that is still ours (l->init > 0), then the rest of its
 * cgroups and removes them unless handed over (l->cg_made cleared),
 * restores the signal mask, closes and frees everything.  Leaves the state
 * store alone. */
void rl_launch_cleanup(struct rl_launch *l);

#endif
