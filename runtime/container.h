/* Container lifecycle conductor. */
#ifndef RL_RUNTIME_CONTAINER_H
#define RL_RUNTIME_CONTAINER_H

#include <stdbool.h>

#include "spec/config.h"
#include "spec/error.h"

struct rl_run_opts {
	const char *root;   /* state directory (--root) */
	const char *id;
	const char *bundle; /* directory holding config.json */
	bool no_pivot;
	int preserve_fds;
	bool no_new_keyring; /* keep the caller's session keyring */
};

/* Creates the container from bundle/config.json, runs its process in the
 * foreground with the caller's stdio, waits for it and removes the
 * container.  *status: exit code, or 128+signal.  Returns -1 with err set
 * when the container could not be made; exit codes 127/126 come back
 * through *status with err set too and return value -2, so that the caller
 * prints the reason and exits with that code; so does 128+signal when
 * SIGINT/SIGTERM/SIGHUP/SIGQUIT interrupted the setup (before execve). */
int rl_container_run(const struct rl_run_opts *o, int *status, struct rl_error *err);

/* Container ids: non-empty, at most 1024 characters of [A-Za-z0-9_.+-],
 * not starting with '.' (so neither "." nor ".."); -1 with err set. */
int rl_container_check_id(const char *id, struct rl_error *err);

struct rl_ns_plan;
/* What `run` refuses before starting anything, naming the field: no
 * process, process.terminal, linux.intelRdt, a bad personality, no mount
 * namespace, hostname without a uts namespace, ...  Fills *plan from
 * linux.namespaces (runtime/clone.h).  Pure. */
int rl_container_check_config(const struct rl_config *cfg, struct rl_ns_plan *plan,
			      struct rl_error *err);

#endif
