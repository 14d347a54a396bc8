/* Private to the conductor (create.c drives create and run on top of
 * it): the parent side of a launch (launch.c), which clones the child
 * (child.h: struct rl_launch, and what the clone runs), serves its sync
 * channel and, for `run`, forwards signals and waits.  The arrows run one
 * way: create.c -> launch.c -> child.c. */
#ifndef RL_RUNTIME_LAUNCH_H
#define RL_RUNTIME_LAUNCH_H

#include "runtime/child.h"
#include "runtime/container.h"
#include "spec/error.h"

/* Zeroes l and sets every fd to -1. */
void rl_launch_init(struct rl_launch *l, const struct rl_run_opts *o, enum rl_launch_mode mode);

/* Loads bundle/config.json, checks it, resolves the rootfs.  Starts
 * nothing. */
int rl_launch_prepare(struct rl_launch *l, struct rl_error *err);

/* Finds the layout, resolves linux.cgroupsPath, records the directories
 * in the state directory, makes them, applies linux.resources and opens
 * what the child needs to join (after the caller reserved the id, before
 * rl_launch_spawn).  --cgroup-manager disabled: nothing. */
int rl_launch_cgroups(struct rl_launch *l, struct rl_error *err);

/* Late mode (l->cg_late), right after rl_launch_spawn: makes the
 * directories, applies linux.resources and opens the files the child
 * joins them by (sent when it asks, RL_SYNC_CGROUP).  Nothing to do
 * otherwise. */
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

/* Kills an init that is still ours (l->init > 0), then the rest of its
 * cgroups and removes them unless handed over (l->cg_made cleared),
 * restores the signal mask, closes and frees everything.  Leaves the state
 * store alone. */
void rl_launch_cleanup(struct rl_launch *l);

#endif
