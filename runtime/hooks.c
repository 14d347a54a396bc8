/* OCI lifecycle hooks (runtime/hooks.h). */
#include "runtime/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/clock.h"
#include "runtime/log.h"

/* Without a pidfd (seccomp in the container may refuse pidfd_open for
 * startContainer hooks) the wait polls at this interval. */
#define POLL_TICK_MS 10

struct hook_run {
	const char *kind;
	const char *path;
	pid_t pid;
	int pidfd;	     /* -1 when pidfd_open is not available */
	int in_fd;	     /* write end of the hook's stdin; -1 once closed */
	int64_t deadline_ms; /* CLOCK_MONOTONIC; 0: no timeout */
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* The child, between fork and execve: only async-signal-safe calls. */
static _Noreturn void hook_child(const struct rl_hook *h, char *const argv[], int in_rd, int err_wr)
{
	static char *const empty_env[] = {NULL};
	char *const *envp = h->env.n ? h->env.v : empty_env;
	struct sigaction dfl = {.sa_handler = SIG_DFL};
	sigset_t none;
	int e;

	/* The runtime may run with signals blocked or ignored (the conductor
	 * blocks the forwarded ones, SIGPIPE is blocked around our write):
	 * both survive execve and would change how the hook behaves. */
	for (int s = 1; s < NSIG; s++) {
		struct sigaction old;

		if (sigaction(s, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			sigaction(s, &dfl, NULL);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (in_rd != STDIN_FILENO) {
		if (dup2(in_rd, STDIN_FILENO) < 0)
			goto fail;
	} else if (fcntl(in_rd, F_SETFD, 0) < 0) {
		goto fail;
	}
	/* Keep err_wr (close-on-exec) for the exec error; close the rest. */
	if (err_wr > 3 && syscall(SYS_close_range, 3, err_wr - 1, 0) < 0)
		goto fail;
	if (syscall(SYS_close_range, err_wr + 1, ~0U, 0) < 0)
		goto fail;
	execve(h->path, argv, envp);
fail:
	e = errno;
	while (write(err_wr, &e, sizeof(e)) < 0 && errno == EINTR)
		;
	_exit(127);
}

static int hook_fail(struct hook_run *r, struct rl_error *err, int errnum, const char *what)
{
	return rl_error_set(err, errnum, "%s hook \"%s\": %s", r->kind, r->path, what);
}

/* Waits for the exec: the error pipe gives EOF when it succeeded, the
 * child's errno when it did not. */
static int await_exec(struct hook_run *r, int err_rd, struct rl_error *err)
{
	int e = 0;
	ssize_t n;

	do
		n = read(err_rd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(e))
		e = n < 0 ? errno : EIO;
	return hook_fail(r, err, e, "exec");
}

static int spawn(const struct rl_hook *h, struct hook_run *r, struct rl_error *err)
{
	char *path_argv[] = {h->path, NULL};
	char *const *argv = h->args.n ? h->args.v : path_argv;
	int in[2] = {-1, -1}, ep[2] = {-1, -1};
	int rc = -1;

	if (pipe2(in, O_CLOEXEC) < 0 || pipe2(ep, O_CLOEXEC) < 0) {
		hook_fail(r, err, errno, "pipe");
		goto out;
	}
	r->pid = fork();
	if (r->pid < 0) {
		hook_fail(r, err, errno, "fork");
		goto out;
	}
	if (r->pid == 0)
		hook_child(h, argv, in[0], ep[1]);
	close_fd(&ep[1]);
	close_fd(&in[0]);
	r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
	/* Non-blocking: a hook that never reads its stdin must not hang us
	 * past its timeout. */
	if (fcntl(in[1], F_SETFL, O_NONBLOCK) < 0) {
		hook_fail(r, err, errno, "stdin pipe");
		goto out;
	}
	r->in_fd = in[1];
	in[1] = -1;
	rc = await_exec(r, ep[0], err);
out:
	close_fd(&in[0]);
	close_fd(&in[1]);
	close_fd(&ep[0]);
	close_fd(&ep[1]);
	return rc;
}

/* Writes what the pipe takes now.  A hook that exits or closes its stdin
 * without reading it all is not our failure (EPIPE; SIGPIPE is blocked). */
static void feed(struct hook_run *r, const char **data, size_t *left)
{
	while (*left > 0) {
		ssize_t w = write(r->in_fd, *data, *left);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			return;
		if (w <= 0) {
			*left = 0;
			break;
		}
		*data += w;
		*left -= (size_t)w;
	}
	close_fd(&r->in_fd);
}

/* Reaps the hook if it has exited: 1 with *status, 0 when still running. */
static int try_reap(struct hook_run *r, int *status, struct rl_error *err)
{
	pid_t p;

	do
		p = waitpid(r->pid, status, WNOHANG);
	while (p < 0 && errno == EINTR);
	if (p < 0)
		return hook_fail(r, err, errno, "waitpid");
	if (p == 0)
		return 0;
	r->pid = 0;
	return 1;
}

static int poll_timeout(const struct hook_run *r)
{
	int64_t left;

	if (r->pidfd < 0)
		return POLL_TICK_MS;
	if (!r->deadline_ms)
		return -1;
	left = r->deadline_ms - rl_now_ms();
	if (left < 0)
		return 0;
	return left > INT_MAX ? INT_MAX : (int)left;
}

/* Feeds stdin and waits for the exit or the deadline.  Returns 1 with
 * *status when the hook exited, 0 when the deadline passed, -1 on error. */
static int feed_and_wait(struct hook_run *r, const char *data, size_t left, int *status,
			 struct rl_error *err)
{
	for (;;) {
		struct pollfd pf[2];
		nfds_t n = 0;
		int rc;

		if (r->in_fd >= 0)
			feed(r, &data, &left);
		rc = try_reap(r, status, err);
		if (rc != 0)
			return rc;
		if (r->deadline_ms && rl_now_ms() >= r->deadline_ms)
			return 0;
		if (r->pidfd >= 0)
			pf[n++] = (struct pollfd){.fd = r->pidfd, .events = POLLIN};
		if (r->in_fd >= 0)
			pf[n++] = (struct pollfd){.fd = r->in_fd, .events = POLLOUT};
		if (poll(pf, n, poll_timeout(r)) < 0 && errno != EINTR)
			return hook_fail(r, err, errno, "poll");
	}
}

static int describe_status(struct hook_run *r, int status, struct rl_error *err)
{
	char what[64];

	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(what, sizeof(what), "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(what, sizeof(what), "killed by signal %d", WTERMSIG(status));
	else
		snprintf(what, sizeof(what), "wait status 0x%x", (unsigned)status);
	return hook_fail(r, err, 0, what);
}

/* Runs one hook to its end; on any failure the hook is gone when we
 * return (killed and reaped). */
static int run_one(const struct rl_hook *h, const char *kind, const char *json,
		   struct rl_error *err)
{
	struct hook_run r = {.kind = kind, .path = h->path, .pidfd = -1, .in_fd = -1};
	int status = 0, rc;

	rl_log("debug", "running %s hook \"%s\"", kind, h->path);
	if (h->timeout.set && h->timeout.v > 0)
		r.deadline_ms = rl_now_ms() + h->timeout.v * 1000;
	rc = spawn(h, &r, err);
	if (rc == 0)
		rc = feed_and_wait(&r, json ? json : "", json ? strlen(json) : 0, &status, err);
	if (rc == 0) {
		char what[64];

		snprintf(what, sizeof(what), "timed out after %llds", (long long)h->timeout.v);
		hook_fail(&r, err, 0, what);
		rc = -1;
	}
	if (r.pid > 0) {
		kill(r.pid, SIGKILL);
		while (waitpid(r.pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	close_fd(&r.in_fd);
	close_fd(&r.pidfd);
	if (rc < 0)
		return -1;
	return describe_status(&r, status, err);
}

/* A hook that closes its stdin early must not kill us with SIGPIPE: it is
 * blocked while hooks run, and one raised by our write is consumed before
 * the old mask comes back. */
struct pipe_guard {
	sigset_t old;
	bool was_pending;
};

static void guard_sigpipe(struct pipe_guard *g)
{
	sigset_t set, pend;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pend);
	g->was_pending = sigismember(&pend, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &set, &g->old);
}

static void unguard_sigpipe(struct pipe_guard *g)
{
	static const struct timespec zero = {0, 0};
	sigset_t set, pend;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	sigpending(&pend);
	if (!g->was_pending && sigismember(&pend, SIGPIPE))
		while (sigtimedwait(&set, NULL, &zero) < 0 && errno == EINTR)
			;
	pthread_sigmask(SIG_SETMASK, &g->old, NULL);
}

static int run_list(const struct rl_hook_list *list, enum rl_hook_kind kind, const char *json,
		    bool keep_going, struct rl_error *first)
{
	const char *name = rl_hook_name(kind);
	struct pipe_guard g;
	int failed = 0;

	if (!list || list->n == 0)
		return 0;
	guard_sigpipe(&g);
	for (size_t i = 0; i < list->n; i++) {
		struct rl_error e = {0};
		char buf[RL_ERROR_MSG_MAX + 128];

		if (run_one(&list->v[i], name, json, &e) == 0)
			continue;
		if (failed++ == 0 && first)
			*first = e;
		if (!keep_going)
			break;
		rl_log("warning", "%s", rl_error_text(&e, buf, sizeof(buf)));
	}
	unguard_sigpipe(&g);
	return failed;
}

int rl_hooks_run(const struct rl_hook_list *list, enum rl_hook_kind kind, const char *state_json,
		 struct rl_error *err)
{
	return run_list(list, kind, state_json, false, err) ? -1 : 0;
}

int rl_hooks_run_warn(const struct rl_hook_list *list, enum rl_hook_kind kind,
		      const char *state_json, struct rl_error *warn)
{
	return run_list(list, kind, state_json, true, warn);
}
