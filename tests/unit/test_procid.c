/* runtime/procid.c: process identity (pid and start time), pidfds, the
 * exit status a pidfd keeps, and which signal ended a container. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/procid.h"
#include "tests/unit/tap.h"

/* An independent reading of starttime: sscanf over the fields after comm. */
static unsigned long long start_time_sscanf(pid_t pid)
{
	char path[64], buf[4096];
	unsigned long long t = 0;
	FILE *f;
	size_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2,
			 "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu",
			 &t) != 1)
		return 0;
	return t;
}

static pid_t fork_waiting(int *go_w, const char *comm)
{
	int go[2];
	pid_t pid;

	if (pipe2(go, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char c;

		close(go[1]);
		if (comm)
			prctl(PR_SET_NAME, comm);
		while (read(go[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	close(go[0]);
	*go_w = go[1];
	return pid;
}

static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	FILE *f;
	size_t n;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p ? p[2] : 0;
}

static bool comm_is(pid_t pid, const char *want)
{
	char path[64], buf[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, want) == 0;
}

static void test_start_time(void)
{
	struct rl_error err = {0};
	uint64_t t = 0, tc = 0;
	int go = -1;
	pid_t pid;

	ok(rl_proc_start_time(getpid(), &t, &err) == 0 && t > 0, "start time of self: %" PRIu64, t);
	is_int(t, start_time_sscanf(getpid()), "  matches an independent reading");
	ok(rl_proc_alive(getpid(), t), "  self is alive with it");
	ok(!rl_proc_alive(getpid(), t + 1), "  not with another start time (recycled pid)");
	ok(!rl_proc_alive(getpid(), 0), "  not with an unknown (0) start time");

	pid = fork_waiting(&go, "a) b (c) d");
	/* until it has renamed itself */
	for (int i = 0; i < 30000 && !comm_is(pid, "a) b (c) d"); i++)
		usleep(1000);
	ok(comm_is(pid, "a) b (c) d"), "  the child's comm has spaces and ')'");
	ok(rl_proc_start_time(pid, &tc, &err) == 0 && tc == start_time_sscanf(pid) && tc > 0,
	   "comm with spaces and ')' parsed from the last ')': %" PRIu64, tc);
	ok(rl_proc_alive(pid, tc), "  the waiting child is alive");
	close(go);
	for (int i = 0; i < 30000 && proc_state(pid) != 'Z'; i++)
		usleep(1000);
	is_int(proc_state(pid), 'Z', "  exited, not reaped: a zombie");
	ok(!rl_proc_alive(pid, tc), "  a zombie is not alive");
	waitpid(pid, NULL, 0);
	ok(!rl_proc_alive(pid, tc), "  reaped: not alive");
	ok(rl_proc_start_time(pid, &tc, &err) < 0 && err.errnum == ENOENT,
	   "  start time of a reaped pid: ENOENT (%s)", err.msg);
	ok(!rl_proc_alive(0, 1) && !rl_proc_alive(-1, 1), "pid 0 and -1 are never alive");
}

static bool sorted_pids(const struct rl_pidset *s)
{
	for (size_t i = 1; i < s->n; i++)
		if (s->v[i - 1] >= s->v[i])
			return false;
	return true;
}

static void test_pidset(void)
{
	struct rl_pidset s = {0};
	int go = -1;
	pid_t pid = fork_waiting(&go, NULL);

	ok(rl_pidset_read(&s) == 0 && s.n > 1, "the pids of /proc: %zu", s.n);
	ok(sorted_pids(&s), "  sorted, each once");
	ok(rl_pidset_has(&s, getpid()) && rl_pidset_has(&s, getppid()), "  self and parent in it");
	ok(pid > 0 && rl_pidset_has(&s, pid), "  a child in it");
	ok(!rl_pidset_has(&s, 0) && !rl_pidset_has(&s, -1), "  no pid 0 or -1");
	rl_pidset_free(&s);
	ok(s.n == 0 && !s.v, "  freed: empty");
	close(go);
	waitpid(pid, NULL, 0);
	ok(rl_pidset_read(&s) == 0 && !rl_pidset_has(&s, pid), "a reaped child: not in it");
	rl_pidset_free(&s);
}

static void test_pidfd(void)
{
	struct rl_error err = {0};
	uint64_t t = 0;
	int go = -1, fd = -1, st = 0;
	pid_t pid;

	/* valgrind 3.19 (Debian 12) does not know pidfd_open: ENOSYS. */
	fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (fd < 0 && errno == ENOSYS) {
		ok(1, "# SKIP pidfd_open not available here (valgrind?)");
		return;
	}
	close(fd);
	fd = -1;
	pid = fork_waiting(&go, NULL);
	rl_proc_start_time(pid, &t, &err);
	ok(rl_pidfd_open(pid, t + 1, &fd, &err) < 0, "pidfd of a live pid, wrong start time");
	is_str(err.msg, "container not running", "  container not running");
	ok(rl_pidfd_open(pid, t, &fd, &err) == 0 && fd >= 0, "pidfd of the live child");
	ok(fcntl(fd, F_GETFD) == FD_CLOEXEC, "  close-on-exec");
	ok(rl_pidfd_signal(fd, SIGTERM, &err) == 0, "  SIGTERM sent through it");
	waitpid(pid, &st, 0);
	ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "  the child died of SIGTERM");
	ok(rl_pidfd_signal(fd, SIGTERM, &err) < 0, "signal after the child was reaped");
	is_str(err.msg, "container not running", "  container not running");
	is_int(err.errnum, ESRCH, "  errnum ESRCH");
	close(fd);
	close(go);
	err = (struct rl_error){0};
	ok(rl_pidfd_open(pid, t, &fd, &err) < 0, "pidfd of the reaped pid");
	is_str(err.msg, "container not running", "  container not running");
}

/* rl_proc_exit_signal: which signal, if any, ended a container. */
static void test_exit_signal(void)
{
	const int exit3 = 3 << 8, exit143 = 143 << 8, exit137 = 137 << 8;

	is_int(rl_proc_exit_signal(exit3, RL_WS_NONE, 0), 0, "exit 3: no signal");
	is_int(rl_proc_exit_signal(SIGTERM, RL_WS_NONE, 0), SIGTERM,
	       "init killed by TERM (no shim): TERM");
	is_int(rl_proc_exit_signal(SIGKILL, RL_WS_UNKNOWN, SIGTERM), SIGKILL,
	       "shim killed by KILL from outside: KILL, whatever rlite kill sent");
	is_int(rl_proc_exit_signal(exit143, RL_WS_NONE, SIGTERM), 0,
	       "no shim: exit(143) is an exit, even after rlite kill TERM");
	is_int(rl_proc_exit_signal(exit143, SIGTERM, 0), SIGTERM,
	       "shim 143, workload killed by TERM: TERM");
	is_int(rl_proc_exit_signal(exit143, exit143, SIGTERM), 0,
	       "shim 143, workload exited 143: no signal, even after rlite kill TERM");
	is_int(rl_proc_exit_signal(exit137, SIGTERM, 0), 0,
	       "shim 137 but workload died of TERM: inconsistent, no signal claimed");
	is_int(rl_proc_exit_signal(exit143, RL_WS_UNKNOWN, SIGTERM), SIGTERM,
	       "shim 143, workload unknown, rlite kill sent TERM: TERM");
	is_int(rl_proc_exit_signal(exit143, RL_WS_UNKNOWN, SIGINT), 0,
	       "shim 143, workload unknown, rlite kill sent INT: unknown, no signal");
	is_int(rl_proc_exit_signal(exit143, RL_WS_UNKNOWN, 0), 0,
	       "shim 143, workload unknown, no rlite kill: no signal claimed");
	is_int(rl_proc_exit_signal(128 << 8, RL_WS_UNKNOWN, 0), 0, "exit 128: no signal 0");
}

/* A child that forks a grandchild exiting with 7 and reaps it only when
 * told: the grandchild is not ours, as a container init is not wait's. */
static void test_pidfd_exit(void)
{
	struct rl_error err = {0};
	int go[2], info[2], ws = -1, fd = -1, r;
	struct pollfd p;
	pid_t mid, gc = 0, only = 0;

	if (pipe(go) < 0 || pipe(info) < 0)
		return;
	mid = fork();
	if (mid == 0) {
		char c;
		pid_t k = fork();

		if (k == 0) {
			close(go[0]);
			_exit(7);
		}
		write(info[1], &k, sizeof(k));
		read(go[0], &c, 1);
		waitpid(k, NULL, 0);
		read(go[0], &c, 1);
		_exit(0);
	}
	close(info[1]);
	read(info[0], &gc, sizeof(gc));
	ok(rl_proc_only_child(mid, &only, &err) == 0 && only == gc, "the only child of a process");
	fd = (int)syscall(SYS_pidfd_open, gc, 0);
	ok(fd >= 0, "pidfd of the grandchild (a zombie by now or soon)");
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	ok(poll(&p, 1, 30000) == 1, "  readable once it exited");
	r = rl_pidfd_exit_status(fd, &ws, &err);
	ok(r == 1, "  a zombie: the kernel keeps no exit status yet (%d)", r);
	write(go[1], "x", 1);
	/* Reaped: the pidfd hangs up.  It is readable all along (POLLIN since
	 * the exit), so poll returns at once: look again every 2 ms, 30 s at
	 * most. */
	for (int i = 0; i < 15000 && !(p.revents & POLLHUP); i++) {
		usleep(2000);
		if (poll(&p, 1, 0) < 0)
			break;
	}
	ok(p.revents & POLLHUP, "  hangs up once its parent reaped it");
	r = rl_pidfd_exit_status(fd, &ws, &err);
	if (r == 1) {
		ok(1, "# SKIP this kernel keeps no exit status for a pidfd (before 6.15)");
	} else {
		ok(r == 0 && WIFEXITED(ws) && WEXITSTATUS(ws) == 7,
		   "  then its exit status, for anyone with the pidfd: exit 7");
	}
	write(go[1], "x", 1);
	waitpid(mid, NULL, 0);
	ok(rl_proc_only_child(mid, &only, &err) < 0, "only child of a reaped pid: an error");
	close(fd);
	close(go[0]);
	close(go[1]);
	close(info[0]);
}

int main(void)
{
	/* A child that never ends would hang the test: end with a failure. */
	alarm(600);
	test_start_time();
	test_pidset();
	test_pidfd();
	test_pidfd_exit();
	test_exit_signal();
	return done_testing();
}
