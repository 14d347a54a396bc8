/* The container child: what the clone runs inside its new namespaces,
 * step by step (child.c), and the launch it is given.
 *
 * struct rl_launch is the state of one launch: the parent side (launch.c,
 * driven by create.c) fills it, and the child works on its own copy,
 * which it got with the clone.  This file calls nothing of launch.c; the
 * child reaches the parent only over the sync channel (sync.h).
 *
 * A launch ends in one of two ways once the child reported "ready":
 *   RL_LAUNCH_RUN     the parent releases the init over the sync channel
 *                     (RL_SYNC_GO) and stays to forward signals and wait;
 *   RL_LAUNCH_CREATE  the parent returns and exits; the init waits for
 *                     `start` on the exec FIFO (runc's exec.fifo) before
 *                     it runs the process. */
#ifndef RL_RUNTIME_CHILD_H
#define RL_RUNTIME_CHILD_H

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
	int *cg_fds;   /* what the child joins each directory by (rl_cg_open_join); or NULL */
	int cg_v2fd;   /* the v2 directory for CLONE_INTO_CGROUP, or -1 */
	bool cg_into;  /* the clone put the child into cg_v2fd's cgroup */
	bool cg_newns; /* child: unshare the cgroup namespace once joined */
	bool cg_made;  /* directories may exist: cleanup removes them */
	/* v1 hierarchies: the directories are made after the clone
	 * (rl_launch_cgroups_late), while the child sets up its mounts;
	 * before anything that needs them it asks (RL_SYNC_CGROUP) and gets
	 * the fds it joins by.  A hybrid host's v2 directory is made before,
	 * CLONE_INTO_CGROUP; v2 alone: all made before. */
	bool cg_late;
	bool cg_joined;	 /* child: in its cgroups */
	/* --systemd-cgroup: the unit (systemd.h), once asked for; sd_inside:
	 * rlite itself is the new scope's first process, until the clone
	 * has put the child there too */
	char sd_unit[2 * 255 + 16];
	bool sd_inside;
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

/* Whether the child joins directory i of cg by writing itself into it:
 * every one but the v2 directory clone3 already put it into. */
static inline bool rl_launch_joins(const struct rl_launch *c, size_t i)
{
	return !(c->cg_into && c->cg.d[i].v2);
}

/* What every state of this launch has, recorded or handed out: status
 * and pid as given, the strings borrowed from l, the hooks start and
 * delete run (spec/state.h).  Annotations are the caller's to lend: the
 * first, creating record has none. */
struct rl_state rl_launch_state(const struct rl_launch *l, enum rl_status status, int pid);

/* The OCI state of this launch as hooks get it on stdin
 * (rl_state_to_json(..., false)): status and pid as given.  free(*json). */
int rl_launch_state_json(const struct rl_launch *l, enum rl_status status, int pid, char **json,
			 struct rl_error *err);

/* In the clone: sets up the container and execs its process; never
 * returns. */
_Noreturn void rl_child_run(struct rl_launch *l);

#endif
