/* OCI lifecycle hooks (runtime-spec config.md "POSIX-platform Hooks",
 * runtime.md "Lifecycle").
 *
 * Each hook runs as fork + execve(path, args, env): argv is hook.args as
 * given (args[0] is argv[0]; absent args: argv = {path}), the environment is
 * exactly hook.env (empty when absent, nothing of ours leaks in), the state
 * JSON is written to its stdin which is then closed, stdout and stderr are
 * the runtime's own, every other fd is closed, the signal mask is empty and
 * ignored signals are reset to their default.  With hook.timeout the hook
 * is killed with SIGKILL once it runs longer, and that is a failure.
 *
 * The state JSON is the caller's: rl_state_to_json(st, false, ...), with the
 * status the spec gives at that point (runc: "creating" for prestart,
 * createRuntime and createContainer; "created" for startContainer;
 * "running" for poststart; "stopped" for poststop).
 *
 * WHERE each kind is called, in this order (runtime.md "Lifecycle" steps;
 * config.md gives the namespaces):
 *
 *   prestart         DEPRECATED, still honoured.  `create`, after the
 *                    container's namespaces exist, before pivot_root, and
 *                    before the createRuntime hooks (step 3).  Runtime
 *                    namespace: called by the runtime (parent) process.
 *   createRuntime    `create`, right after prestart (step 4).  Runtime
 *                    namespace, parent process.  Typical use: set up the
 *                    container's network namespace from the host.
 *   createContainer  `create`, after createRuntime (step 5).  Executed in
 *                    the CONTAINER's namespaces: called by the container
 *                    child after its mounts are set up and BEFORE
 *                    pivot_root (so the path still resolves against the
 *                    host's filesystem, as the spec requires: "the path
 *                    MUST resolve in the runtime namespace").  The parent
 *                    must make the state JSON before the clone, or send it
 *                    to the child over the sync channel.
 *   startContainer   `start`, in the container child after it was released
 *                    by start and AFTER pivot_root (the path resolves in the
 *                    container), as the very last step before the user
 *                    process execs (step 7).  It runs with the process's
 *                    final credentials and seccomp filter, as in runc.
 *   poststart        `start`, in the runtime (parent) after the user process
 *                    has exec'd and before `start` returns (step 9).
 *   poststop         `delete` (and the end of a foreground `run`), after the
 *                    container was destroyed, before delete returns
 *                    (step 13).  Runtime namespace.
 *
 * Failure handling (runtime.md): a failing prestart, createRuntime,
 * createContainer or startContainer hook fails the operation: the runtime
 * MUST stop the container and destroy it (steps 12, 13: poststop still
 * runs).  A failing poststart or poststop hook only produces a warning and
 * the remaining hooks still run: use rl_hooks_run_warn() for those.
 *
 * Messages name the kind and the path:
 *   createRuntime hook "/usr/bin/x": exited with status 3
 *   createRuntime hook "/usr/bin/x": killed by signal 9
 *   createRuntime hook "/usr/bin/x": timed out after 5s
 *   createRuntime hook "/usr/bin/x": exec: No such file or directory
 */
#ifndef RL_RUNTIME_HOOKS_H
#define RL_RUNTIME_HOOKS_H

#include "spec/config.h"
#include "spec/error.h"

/* Runs the hooks of `kind` from list (the config's hooks[kind] list is
 * expected; list may be NULL or empty) one after the other, each with
 * state_json on its stdin.  Stops at the first failure: -1 with err set. */
int rl_hooks_run(const struct rl_hook_list *list, enum rl_hook_kind kind, const char *state_json,
		 struct rl_error *err);

/* For poststart and poststop: runs every hook even after failures.  Each
 * failure is logged as a warning through runtime/log.h (never to stdout);
 * the caller need not log it again.  Returns the number of hooks that
 * failed (0 when all succeeded); when warn is non-NULL it receives the
 * first failure's message. */
int rl_hooks_run_warn(const struct rl_hook_list *list, enum rl_hook_kind kind,
		      const char *state_json, struct rl_error *warn);

#endif
