/* The parent side of a process waited for in the foreground, shared by
 * `run` (launch.c) and `exec` (exec.c): the signals a caller sends are
 * blocked into a signalfd before the process exists (none is lost) and
 * forwarded once it runs, the pty is proxied, and the exit status is
 * collected, reaping whatever else comes to us as subreaper. */
#ifndef RL_RUNTIME_FG_H
#define RL_RUNTIME_FG_H

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "runtime/terminal.h"
#include "spec/error.h"

/* The signals forwarded: SIGINT SIGTERM SIGHUP SIGQUIT SIGUSR1 SIGUSR2
 * SIGWINCH (the pty's size rather than a kill). */
extern const int rl_fg_forwarded[7];

/* Blocks the forwarded signals and SIGCHLD (the old mask to *oldmask) and
 * returns a non-blocking signalfd for them, or -1 with err set. */
int rl_fg_block_signals(sigset_t *oldmask, struct rl_error *err);

/* Called for each signal read from the signalfd, but SIGCHLD, and
 * SIGWINCH when a pty is proxied (which resizes it). */
typedef void (*rl_fg_signal_fn)(void *arg, int sig);

/* Drains the signalfd. */
void rl_fg_signals(int sigfd, const struct rl_terminal *term, rl_fg_signal_fn fn, void *arg);

struct rl_sync_msg;
/* What the parent does with one message of the child's (RL_SYNC_ERROR
 * aside: rl_fg_await handles it): 0 to go on, > 0 once the setup has
 * come as far as the caller waits for (rl_fg_await returns it), < 0 on a
 * failure, with err set. */
typedef int (*rl_fg_msg_fn)(void *arg, const struct rl_sync_msg *m, struct rl_error *err);

/* Serves the sync channel of a process being set up, run's (launch.c) or
 * exec's (exec.c): each message goes to on_msg, and signals are forwarded
 * through fn meanwhile (both get arg), until on_msg returns non-zero (its
 * value), EOF (0) or a failure: -1 with err set, or -2 with *status set and
 * err saying why, once fn has set *abort_sig (a terminating signal during
 * the setup: 128+signal, as a shell reports it) or when the child sent an
 * RL_SYNC_ERROR with the exit status 127 or 126 (the program was not found
 * / not executable). */
int rl_fg_await(int sync, int sigfd, const struct rl_terminal *term, rl_fg_signal_fn fn,
		rl_fg_msg_fn on_msg, void *arg, const int *abort_sig, int *status,
		struct rl_error *err);

/* Reaps without blocking: 1 once *pid has exited (*pid = 0, *status its
 * code or 128+signal), 0 while it runs, -1 on failure.  any: every child
 * (orphans that came to us as subreaper). */
int rl_fg_reap(pid_t *pid, bool any, int *status, struct rl_error *err);

/* Until *pid exits: with console_recv >= 0 receives the pty master from
 * it (closing it), puts the caller's terminal (fd 0) in raw mode in term
 * and proxies until the process exits; forwards signals through fn. */
int rl_fg_wait(int sigfd, struct rl_terminal *term, int *console_recv, pid_t *pid, bool any,
	       rl_fg_signal_fn fn, void *arg, int *status, struct rl_error *err);

#endif
