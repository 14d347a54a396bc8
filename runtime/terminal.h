/* process.terminal (runtime-spec config.md "Process": terminal, consoleSize):
 * the pty made inside the container, the console socket that carries its
 * master to the caller (GUIDE §4), and the proxy of a foreground `run`.
 *
 * Who calls what, in order:
 *
 *   parent                                   container child
 *   rl_terminal_mode()  (before anything starts: refuses what runc refuses)
 *   RL_TERMINAL_SOCKET:                      fd = rl_console_connect(path)
 *                                                 (before pivot_root: host path)
 *   RL_TERMINAL_PROXY:
 *     rl_console_socketpair(sv)              fd = sv[1]  (parent closes sv[1])
 *                                            ... mounts made (devpts), before pivot_root ...
 *                                            rl_terminal_setup_child(fd, rootfd, process)
 *                                            rl_process_exec()  (uid change, execve)
 *     rl_console_recv(sv[0], &master)
 *     rl_terminal_raw(&t, 0, 1, master)
 *     rl_terminal_proxy(&t, sigfd, on_signal)   (on SIGWINCH: rl_terminal_resize)
 *     rl_terminal_restore(&t)   (on every exit path, also after errors)
 *
 * rl_terminal_setup_child() runs once the container's /dev/pts is mounted,
 * so that the pty comes from the container's own devpts instance and is
 * numbered in it (/dev/pts/0 for the first), before /dev is made read-only
 * (it binds /dev/console), and before rl_process_exec changes the uid and
 * drops capabilities (chowning the slave needs CAP_CHOWN). */
#ifndef RL_RUNTIME_TERMINAL_H
#define RL_RUNTIME_TERMINAL_H

#include <stdbool.h>
#include <stddef.h>
#include <termios.h>

#include "spec/config.h"
#include "spec/error.h"

/* ---- deciding ------------------------------------------------------------ */

enum rl_terminal_mode {
	RL_TERMINAL_NONE,   /* process.terminal false: stdio is inherited */
	RL_TERMINAL_SOCKET, /* send the master over --console-socket */
	RL_TERMINAL_PROXY,  /* foreground run on a tty: the runtime proxies */
};

/* What to do with process.terminal, as runc decides, from the process, the
 * --console-socket path (NULL: none), whether the caller returns before
 * the workload ends (create, run --detach) and the caller's stdin fd.
 * Refused with a message naming the field (-1, err set):
 *   terminal + detached without a socket,
 *   terminal + foreground without a socket when host_in is not a tty,
 *   a socket without terminal (runc: "cannot use console socket if runc
 *   will not detach or allocate tty").
 * Unlike runc, terminal + socket in a foreground run is accepted (SOCKET):
 * the caller asked for the master and gets it.
 * Otherwise returns the enum rl_terminal_mode (>= 0). */
int rl_terminal_mode(const struct rl_process *p, const char *console_socket, bool detached,
		     int host_in, struct rl_error *err);

/* ---- the console socket ---------------------------------------------------- */

/* Connects an AF_UNIX SOCK_STREAM socket (O_CLOEXEC) to path (the caller's
 * --console-socket); returns the fd, or -1 with err set.  Call it where the
 * path is reachable: in the parent, or in the child before pivot_root. */
int rl_console_connect(const char *path, struct rl_error *err);

/* A connected AF_UNIX stream pair (both O_CLOEXEC) for the foreground
 * proxy: sv[1] goes to the child as console_fd, the parent receives on
 * sv[0] and closes sv[1] after the clone. */
int rl_console_socketpair(int sv[2], struct rl_error *err);

/* Sends fd over sock as ONE message: a short non-empty payload (name,
 * e.g. "/dev/pts/0") and exactly one SCM_RIGHTS fd (GUIDE §4).  EINTR is
 * retried; -1 with err set. */
int rl_console_send(int sock, int fd, const char *name, struct rl_error *err);

/* Receives one message sent by rl_console_send (or by runc/crun): checks
 * that exactly one fd came with a non-empty payload; *master is the fd,
 * made O_CLOEXEC.  A peer that closed without sending (the child failed
 * before the pty was made) is an error with errnum 0. */
int rl_console_recv(int sock, int *master, struct rl_error *err);

/* ---- in the container child --------------------------------------------------- */

/* In the container child, with the mounts made and before pivot_root and
 * the uid change: opens the ptmx of the devpts on /dev/pts of the rootfs
 * rootfd (no symlink followed, checked to be one), unlocks it, opens the
 * slave (TIOCGPTPEER), applies process.consoleSize (TIOCSWINSZ, when both
 * are non-zero), chowns the slave to process.user.uid (the group stays the
 * devpts gid, tty when mounted with gid=5 as the default spec does; the
 * mode is devpts' mode=0620), with console binds it on /dev/console (the
 * container's init; not an exec'd process) (an existing
 * regular file or device node there is covered; a symlink or anything
 * else is refused, the target is never followed), sends the master over
 * console_fd
 * (rl_console_send, payload the slave's name, e.g. "/dev/pts/0"), closes
 * the master and console_fd, then makes the slave the controlling terminal
 * of a new session (setsid + TIOCSCTTY) and dup2s it onto 0, 1 and 2.
 * console_fd is closed in every case.  -1 with err naming the step. */
int rl_terminal_setup_child(int console_fd, int rootfd, bool console, const struct rl_process *p,
			    struct rl_error *err);

/* ---- the foreground proxy (parent) ------------------------------------------- */

#define RL_TERMINAL_BUF 8192

/* State of the proxy.  rl_terminal_init first; every field is the
 * conductor's to read, rl_terminal_* only to write. */
struct rl_terminal {
	int host_in;  /* the caller's terminal (0); not owned */
	int host_out; /* where the container's output goes (1); not owned */
	int master;   /* the pty master; owned: closed by rl_terminal_restore */
	bool raw;     /* host_in is in raw mode; saved holds its settings */
	struct termios saved;
	bool in_eof;   /* host_in reached EOF / error: no longer read */
	size_t in_off; /* pending bytes host_in -> master: in_buf[in_off..in_len) */
	size_t in_len;
	char in_buf[RL_TERMINAL_BUF];
};

/* All fds -1, nothing to restore. */
void rl_terminal_init(struct rl_terminal *t);

/* Takes ownership of master (made O_NONBLOCK), saves host_in's termios and
 * puts host_in in raw mode (cfmakeraw: no echo, no line editing, no
 * signals from ^C: they reach the container through the pty), and copies
 * host_in's window size to the master.  On failure nothing stays changed
 * except that the master is owned by t (rl_terminal_restore closes it). */
int rl_terminal_raw(struct rl_terminal *t, int host_in, int host_out, int master,
		    struct rl_error *err);

/* Puts host_in back as it was (TCSADRAIN: pending output is written first,
 * typed-ahead input is kept) and closes the master.  Idempotent, so call it on
 * every exit path; uses only async-signal-safe calls (tcsetattr, close),
 * so it may also run from a fatal signal handler. */
void rl_terminal_restore(struct rl_terminal *t);

/* Copies host_fd's window size (TIOCGWINSZ) onto master (TIOCSWINSZ), which
 * makes the kernel send SIGWINCH to the container's foreground process
 * group.  Call it on SIGWINCH.  host_fd not a tty: nothing to do, 0. */
int rl_terminal_resize(int master, int host_fd, struct rl_error *err);

/* Called by rl_terminal_proxy when extra_fd is readable (the conductor's
 * signalfd): read it, forward signals, call rl_terminal_resize on SIGWINCH,
 * reap on SIGCHLD.  Returns 0 to go on, 1 when the workload has exited (the
 * proxy then copies out what the master still holds and returns), <0 to
 * abort the proxy (err set; the proxy returns that value). */
typedef int (*rl_terminal_cb)(void *arg, struct rl_error *err);

/* Copies host_in -> master and master -> host_out with poll until the
 * master hangs up (EIO/POLLHUP once every slave fd is closed, i.e. the
 * container is gone) or cb returns 1.  extra_fd < 0 / cb NULL: none.
 * Returns 0, or <0 with err set.  Does not restore: the caller calls
 * rl_terminal_restore, whatever this returned. */
int rl_terminal_proxy(struct rl_terminal *t, int extra_fd, rl_terminal_cb cb, void *arg,
		      struct rl_error *err);

#endif
