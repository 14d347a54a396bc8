/* The foreground wait of run and exec; see fg.h. */
#include "runtime/fg.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/procid.h"
#include "runtime/sync.h"

const int rl_fg_forwarded[7] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

int rl_fg_block_signals(sigset_t *oldmask, struct rl_error *err)
{
	sigset_t set;
	int fd;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(rl_fg_forwarded) / sizeof(rl_fg_forwarded[0]); i++)
		sigaddset(&set, rl_fg_forwarded[i]);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, oldmask) < 0)
		return rl_error_set(err, errno, "sigprocmask");
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0) {
		int e = errno;

		sigprocmask(SIG_SETMASK, oldmask, NULL);
		return rl_error_set(err, e, "signalfd");
	}
	return fd;
}

void rl_fg_signals(int sigfd, const struct rl_terminal *term, rl_fg_signal_fn fn, void *arg)
{
	struct signalfd_siginfo si;

	for (;;) {
		ssize_t n = read(sigfd, &si, sizeof(si));
		int sig = (int)si.ssi_signo;

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si))
			return; /* EAGAIN: drained */
		if (sig == SIGCHLD)
			continue; /* only wakes us: the callers look at waitpid */
		/* The pty, not the process, gets the window size; the kernel
		 * then signals the foreground process group. */
		if (sig == SIGWINCH && term && term->master >= 0)
			rl_terminal_resize(term->master, term->host_in, NULL);
		else
			fn(arg, sig);
	}
}

/* The next message on the sync channel, with signals forwarded through fn
 * meanwhile: 1 with *m, 0 on EOF, -1 with err set; -2 once fn has set
 * *abort_sig, *status 128+signal and err saying so. */
static int recv_msg(int sync, int sigfd, const struct rl_terminal *term, rl_fg_signal_fn fn,
		    void *arg, const int *abort_sig, struct rl_sync_msg *m, int *status,
		    struct rl_error *err)
{
	for (;;) {
		struct pollfd p[2] = {{.fd = sync, .events = POLLIN},
				      {.fd = sigfd, .events = POLLIN}};

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return rl_error_set(err, errno, "poll");
		}
		if (p[1].revents & POLLIN)
			rl_fg_signals(sigfd, term, fn, arg);
		if (*abort_sig) {
			/* The caller kills the child; exit as if it had died
			 * of the signal, like a shell. */
			*status = 128 + *abort_sig;
			rl_error_set(err, 0, "interrupted by signal %d (%s) during setup",
				     *abort_sig, strsignal(*abort_sig));
			return -2;
		}
		if (p[0].revents & (POLLIN | POLLHUP | POLLERR))
			return rl_sync_recv(sync, m, err);
	}
}

int rl_fg_await(int sync, int sigfd, const struct rl_terminal *term, rl_fg_signal_fn fn,
		rl_fg_msg_fn on_msg, void *arg, const int *abort_sig, int *status,
		struct rl_error *err)
{
	for (;;) {
		struct rl_sync_msg m;
		int r = recv_msg(sync, sigfd, term, fn, arg, abort_sig, &m, status, err);

		if (r <= 0)
			return r;
		if (m.type == RL_SYNC_ERROR) {
			rl_sync_to_error(&m, err);
			if (m.hint == 127 || m.hint == 126) {
				*status = m.hint;
				return -2;
			}
			return -1;
		}
		r = on_msg(arg, &m, err);
		if (r != 0)
			return r;
	}
}

int rl_fg_reap(pid_t *pid, bool any, int *status, struct rl_error *err)
{
	for (;;) {
		int st = 0;
		pid_t r = waitpid(any ? -1 : *pid, &st, WNOHANG);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return rl_error_set(err, errno, "wait for process %d", (int)*pid);
		if (r == 0)
			return 0;
		if (r == *pid) {
			*pid = 0;
			*status = rl_proc_status_code(st);
			return 1;
		}
	}
}

struct proxy_arg {
	int sigfd;
	const struct rl_terminal *term;
	pid_t *pid;
	bool any;
	rl_fg_signal_fn fn;
	void *arg;
	int *status;
};

/* rl_terminal_cb: the signalfd is readable. */
static int proxy_cb(void *arg, struct rl_error *err)
{
	struct proxy_arg *a = arg;

	rl_fg_signals(a->sigfd, a->term, a->fn, a->arg);
	return rl_fg_reap(a->pid, a->any, a->status, err);
}

/* The process sent the master before it ran, so it waits on our end.  The
 * proxy ends when the process exited (what it still wrote is copied out
 * first) or when every slave fd is closed; the process may then live on
 * without a terminal, and the loop below waits for it. */
static int proxy(struct proxy_arg *a, struct rl_terminal *term, int *console_recv,
		 struct rl_error *err)
{
	int master = -1, r = rl_console_recv(*console_recv, &master, err);

	close(*console_recv);
	*console_recv = -1;
	if (r < 0)
		return rl_error_prefix(err, "receive the pty master");
	if (rl_terminal_raw(term, 0, 1, master, err) < 0)
		return -1;
	r = rl_terminal_proxy(term, a->sigfd, proxy_cb, a, err);
	rl_terminal_restore(term);
	return r < 0 ? -1 : 0;
}

int rl_fg_wait(int sigfd, struct rl_terminal *term, int *console_recv, pid_t *pid, bool any,
	       rl_fg_signal_fn fn, void *arg, int *status, struct rl_error *err)
{
	struct proxy_arg a = {.sigfd = sigfd,
			      .term = term,
			      .pid = pid,
			      .any = any,
			      .fn = fn,
			      .arg = arg,
			      .status = status};

	if (*console_recv >= 0 && proxy(&a, term, console_recv, err) < 0)
		return -1;
	while (*pid > 0) {
		struct pollfd p = {.fd = sigfd, .events = POLLIN};
		int r = rl_fg_reap(pid, any, status, err);

		if (r != 0)
			return r < 0 ? -1 : 0;
		/* Any SIGCHLD after the waitpid above is pending on sigfd. */
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return rl_error_set(err, errno, "poll");
		rl_fg_signals(sigfd, term, fn, arg);
	}
	return 0;
}
