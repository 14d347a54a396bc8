/* Container lifecycle conductor: the OCI lifecycle (runtime-spec
 * runtime.md "Operations") on top of the state store (runtime/state.h).
 * create.c: create and run; lifecycle.c: start, state, kill, delete, list. */
#ifndef RL_RUNTIME_CONTAINER_H
#define RL_RUNTIME_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>

#include "runtime/state.h"
#include "spec/config.h"
#include "spec/error.h"
#include "spec/state.h"

struct rl_run_opts {
	const char *root; /* state directory (--root); NULL: RL_STATE_ROOT_DEFAULT */
	const char *id;
	const char *bundle; /* directory holding config.json */
	bool no_pivot;
	int preserve_fds;
	int init_mode;		    /* enum rl_init_mode (shim.h): --init, --no-init */
	bool no_new_keyring;	    /* keep the caller's session keyring */
	bool keep;		    /* run: keep the stopped container (--keep) */
	const char *pid_file;	    /* NULL: none */
	const char *pidfd_socket;   /* --pidfd-socket: gets a pidfd of the init; NULL: none */
	const char *console_socket; /* NULL: none */
	/* cgroups (runtime/cgroup.h): linux.cgroupsPath in systemd's
	 * "slice:prefix:name" form (--systemd-cgroup); none at all
	 * (--cgroup-manager disabled) */
	bool systemd_cgroup;
	bool no_cgroups;
	/* rootless (runtime/rootless.h): cgroups only where delegated, the
	 * shim dumpable so that the user's own exec can join it */
	bool rootless;
};

/* run --detach: as rl_container_run up to the release, inside a monitor
 * daemon (runtime/monitor.h) that is the container's subreaper parent,
 * writes its output to ROOT/ID/container.log and records its exit in the
 * state.  Returns once the process runs. */
int rl_container_run_detached(const struct rl_run_opts *o, struct rl_error *err);

/* create: builds the container as run does, records it (status created)
 * under root, writes the pid file and returns with the init blocked
 * before execve until rl_container_start.  Nothing of ours stays behind:
 * the init is left to the caller's subreaper.  On failure the child is
 * killed and the id released.  Errors as rl_container_run (-2: the
 * program was not found / not executable, *status 127/126). */
int rl_container_create(const struct rl_run_opts *o, int *status, struct rl_error *err);

/* start: created -> running.  Opens the exec fifo, which releases the
 * init, and waits for its byte or its death (pidfd), never hanging on a
 * dead init. */
int rl_container_start(const char *root, const char *id, struct rl_error *err);

/* The state of id with the status computed now (rl_state_status) and pid
 * 0 once stopped, as runc shows it; a stopped detached container without a
 * record of its end and whose monitor is gone gets exit_unknown "monitor
 * gone".  rl_state_free(*out). */
int rl_container_state(const char *root, const char *id, struct rl_state **out,
		       struct rl_error *err);

/* Every container under root, statuses computed now as above; corrupt
 * entries become warnings (rl_state_list). */
int rl_container_list(const char *root, struct rl_state_list *out, struct rl_error *err);

/* Sends sig to the init through a pidfd (a recycled pid is never hit);
 * all: to every process of the container's pid namespace.  A stopped
 * container: "container not running".  A signal other than 0 is recorded
 * in the state (kill_signal). */
int rl_container_kill(const char *root, const char *id, int sig, bool all, struct rl_error *err);

/* Removes a stopped container.  created: killed and removed, as runc does
 * (containerd deletes a never-started task without --force).  running or
 * paused: refused unless force, which SIGKILLs the init and waits for it.
 * A missing container is success with force. */
int rl_container_delete(const char *root, const char *id, bool force, struct rl_error *err);

/* wait: blocks until container id has stopped, then *status is how it
 * ended: the exit code, or 128+signal.  It wakes on events only (the
 * init's and the monitor's pidfds; runtime/wait.c), never on a timer.
 * The status comes from the monitor's record (run --detach); without one
 * (not detached, the monitor gone, the container deleted meanwhile), from
 * what the kernel kept of the init's end, when wait watched the init and
 * its parent reaped it (rl_pidfd_exit_status); else it is unknown: -1,
 * "container ID: exit status unknown: WHY", never a guess.  deadline: from
 * rl_wait_deadline; once it passed: -2, errnum ETIMEDOUT, "container ID is
 * still running" (or what it is).  A missing container: "container does
 * not exist". */
int rl_container_wait(const char *root, const char *id, int64_t deadline, int *status,
		      struct rl_error *err);

/* The deadline of a wait timeout_ms from now, one for several waits in
 * turn; timeout_ms < 0: none. */
int64_t rl_wait_deadline(int64_t timeout_ms);

/* A signal by number ("15") or name ("TERM", "SIGTERM", "sigterm",
 * "RTMIN+3", "SIGRTMAX-1"), as runc's kill.  Pure. */
int rl_signal_parse(const char *s, int *sig, struct rl_error *err);

/* Creates the container from bundle/config.json (recorded under root
 * while it runs, so state, list and kill see it), runs its process in the
 * foreground with the caller's stdio, waits for it and removes the
 * container.  *status: exit code, or 128+signal.  Returns -1 with err set
 * when the container could not be made; exit codes 127/126 come back
 * through *status with err set too and return value -2, so that the caller
 * prints the reason and exits with that code; so does 128+signal when
 * SIGINT/SIGTERM/SIGHUP/SIGQUIT interrupted the setup (before execve). */
int rl_container_run(const struct rl_run_opts *o, int *status, struct rl_error *err);

struct rl_cgroup;
/* The container's cgroups as recorded when it was made (rl_cg_load; empty
 * when it has none), and its init's pid and start time (pid 0 once
 * stopped).  rl_cg_free(cg). */
int rl_container_cgroup(const char *root, const char *id, struct rl_cgroup *cg, int *pid,
			uint64_t *start_time, struct rl_error *err);

/* The host pids of every process of the container, sorted: its cgroup, or
 * without one its pid namespace.  A stopped container: none.  free(*pids). */
int rl_container_pids(const char *root, const char *id, int **pids, size_t *n,
		      struct rl_error *err);

/* pause / resume: freezes or thaws every process of a running (paused)
 * container; the state then shows paused (running).  Without a freezer:
 * errnum ENOTSUP. */
int rl_container_pause(const char *root, const char *id, bool pause, struct rl_error *err);

/* update: applies resources to a running, paused or created container's
 * cgroups (devices excepted, as runc). */
int rl_container_update(const char *root, const char *id, const struct rl_resources *r,
			struct rl_error *err);

/* exec: one more process in a created or running container (exec.c). */
struct rl_exec_request {
	const char *root; /* NULL: RL_STATE_ROOT_DEFAULT */
	const char *id;
	/* -p FILE: the process object as conmon and containerd write it;
	 * NULL: config.json's process with args and runc's flags below. */
	const char *process_file;
	char *const *args; /* COMMAND [ARGS...]; n_args 0 with process_file */
	size_t n_args;
	bool tty;	  /* -t: process.terminal */
	const char *cwd;  /* --cwd */
	char *const *env; /* -e KEY=VALUE, replacing KEY */
	size_t n_env;
	const char *user;  /* -u UID[:GID] */
	char *const *gids; /* -g GID[,GID...], added */
	size_t n_gids;
	char *const *caps; /* -c CAP_X, added to bounding/effective/permitted */
	size_t n_caps;
	bool no_new_privs;	    /* --no-new-privs */
	const char *process_label;  /* --process-label: SELinux label (lsm.c) */
	const char *apparmor;	    /* --apparmor: AppArmor profile (lsm.c) */
	bool detach;		    /* -d: return once it runs */
	const char *pid_file;	    /* its host pid, atomically */
	const char *pidfd_socket;   /* gets a pidfd of it */
	const char *console_socket; /* with a terminal: where the pty master goes */
	int preserve_fds;	    /* fds 3 .. 3+N-1 pass through */
	bool ignore_paused;	    /* exec into a paused (frozen) container */
	const char *cgroup;	    /* --cgroup [CONTROLLER:]PATH below the container's */
};

/* Runs the process in every namespace, the cgroups and the root of the
 * container id, with its user, capabilities, seccomp filter ...  Foreground:
 * waits and gives its status in *status (code, or 128+signal); detach:
 * returns once it runs, *status 0.  -1 with err set when it could not be
 * started; -2 with *status 127/126 when the program was not found / not
 * executable, as rl_container_run. */
int rl_container_exec(const struct rl_exec_request *r, int *status, struct rl_error *err);

/* The process an exec runs: process_file loaded, with cfg's AppArmor
 * profile and SELinux label where it sets none, or cfg's process (taken
 * out of cfg) with r's args and flags applied as runc applies them.  Pure
 * but for reading process_file.  rl_process_free(*out). */
int rl_exec_process(const struct rl_exec_request *r, struct rl_config *cfg, struct rl_process **out,
		    struct rl_error *err);

#endif
