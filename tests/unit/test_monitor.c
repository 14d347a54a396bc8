/* runtime/monitor.c: the monitor of a detached container, with fake create
 * callbacks that fork plain children instead of containers.  The test
 * process is a child subreaper, so every monitor comes back to it and its
 * exit status can be checked; a scratch --root under /tmp is removed at
 * exit, and every process made is killed. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/monitor.h"
#include "runtime/procid.h"
#include "runtime/state.h"
#include "tests/unit/tap.h"

/* Longer than anything correct takes on a loaded machine; only a bug
 * reaches it. */
#define DEADLINE_MS 60000

static char scratch[] = "/tmp/rlite-monitor-test-XXXXXX";
static bool have_scratch;
static pid_t main_pid;

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void cleanup(void)
{
	if (getpid() != main_pid)
		return;
	/* Anything left (a test that failed half-way) is ours: we are the
	 * subreaper of the monitors and of their children. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	if (have_scratch)
		nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* PID has exited: gone, or a zombie (not ours to reap: the monitor's). */
static bool gone(pid_t pid)
{
	char path[64], buf[512] = "", *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return true;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	p = strrchr(buf, ')');
	return !p || !p[1] || p[2] == 'Z' || p[2] == 'X';
}

/* ---- a container that is only a state ------------------------------------- */

static int make_state(const char *id)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT;
	struct rl_state st = {
	    .oci_version = "1.2.0",
	    .id = (char *)id,
	    .status = RL_STATUS_CREATED,
	    .bundle = "/nonexistent",
	    .rootfs = "/nonexistent/rootfs",
	    .created = "2026-11-22T02:49:26.123456789Z",
	    .owner = "root",
	};
	struct rl_error err = {0};
	int r = rl_state_create(scratch, id, NULL, &lock, &err);

	if (r == 0)
		r = rl_state_save(&lock, &st, &err);
	if (r < 0)
		printf("# make_state %s: %s\n", id, err.msg);
	rl_state_unlock(&lock);
	return r;
}

static struct rl_state *load_state(const char *id)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT;
	struct rl_state *st = NULL;
	struct rl_error err = {0};

	if (rl_state_lock(scratch, id, false, &lock, &err) < 0 ||
	    rl_state_load(&lock, &st, &err) < 0)
		printf("# load_state %s: %s\n", id, err.msg);
	rl_state_unlock(&lock);
	return st;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0, r;

	if (!f)
		return NULL;
	do {
		if (n + 65536 + 1 > cap) {
			cap = (n + 65536 + 1) * 2;
			buf = realloc(buf, cap);
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
	} while (r > 0);
	fclose(f);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
}

static char *log_of(const char *id, const char *suffix)
{
	static char buf[2][PATH_MAX];
	static int i;
	char *b = buf[i++ % 2];

	snprintf(b, PATH_MAX, "%s/%s/%s%s", scratch, id, RL_MONITOR_LOG_NAME, suffix);
	return b;
}

/* The monitor comes back to us (subreaper): its exit status, or -1. */
static int wait_monitor(pid_t pid)
{
	int st = 0;

	for (int i = 0; i < DEADLINE_MS / 10; i++) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid)
			return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		if (r < 0 && errno != EINTR)
			return -1;
		usleep(10000);
	}
	return -1;
}

/* ---- fake create callbacks -------------------------------------------------- */

enum fake_mode {
	FAKE_HELLO,
	FAKE_FAIL,
	FAKE_FLOOD,
	FAKE_SLEEP,
	FAKE_SAVE,
	FAKE_PRESERVE,
	FAKE_CWD,
	FAKE_SHIM, /* a workload behind the init, which exits as rlite's shim */
	FAKE_READY /* floods, then says it is ready; the callback waits for that */
};

struct fake {
	enum fake_mode mode;
	int exit_code;
	/* The init waits at a gate (a file the test makes) before it does
	 * anything: it surely runs while the test looks at it, however slow
	 * the machine. */
	bool gated;
	struct rl_state_lock *lock; /* FAKE_SAVE: the caller's lock */
	const char *id;
	int ready[2]; /* FAKE_READY: the child's word that it is ready */
};

static const char *gate_path(const char *id)
{
	static char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s/gate-%s", scratch, id);
	return buf;
}

static void gate_open(const char *id)
{
	int fd = open(gate_path(id), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	if (fd >= 0)
		close(fd);
}

static void gate_wait(const char *id)
{
	for (int i = 0; i < DEADLINE_MS && access(gate_path(id), F_OK) != 0; i++)
		usleep(1000);
}

#define FLOOD_LINES ((3u << 20) / 9) /* 9-byte lines, 3 MiB */

static _Noreturn void fake_child(const struct fake *f)
{
	char line[16];

	if (f->gated && f->mode != FAKE_PRESERVE)
		gate_wait(f->id);
	switch (f->mode) {
	case FAKE_FLOOD:
	case FAKE_READY: {
		FILE *out = fdopen(1, "w");

		for (unsigned i = 0; i < FLOOD_LINES; i++)
			fprintf(out, "%08u\n", i);
		fclose(out);
		if (f->mode == FAKE_READY)
			(void)!write(f->ready[1], "R", 1);
		break;
	}
	case FAKE_SLEEP:
		pause();
		break;
	case FAKE_SHIM: {
		/* exit_code < 0: the workload waits to be killed. */
		pid_t w = fork();
		int st = 0;

		if (w == 0) {
			if (f->exit_code < 0)
				pause();
			usleep(200000);
			_exit(f->exit_code);
		}
		while (waitpid(w, &st, 0) < 0 && errno == EINTR)
			;
		_exit(rl_proc_status_code(st));
	}
	case FAKE_PRESERVE:
		(void)!write(3, "preserved\n", 10);
		gate_wait(f->id);
		break;
	default:
		snprintf(line, sizeof(line), "hello out\n");
		(void)!write(1, line, strlen(line));
		snprintf(line, sizeof(line), "hello err\n");
		(void)!write(2, line, strlen(line));
	}
	_exit(f->exit_code);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* FAKE_READY, as create.c waits for a READY: until the child's word,
 * serving the output meanwhile (DEADLINE_MS at most). */
static int fake_await_ready(const struct fake *f, const struct rl_monitor_pump *pump,
			    struct rl_error *err)
{
	int64_t end = now_ms() + DEADLINE_MS;
	char c;

	while (now_ms() < end) {
		struct pollfd p[2] = {{.fd = f->ready[0], .events = POLLIN},
				      {.fd = pump->fd, .events = POLLIN}};

		if (poll(p, 2, 100) < 0 && errno != EINTR)
			return rl_error_set(err, errno, "poll");
		if (p[0].revents && read(f->ready[0], &c, 1) == 1)
			return 0;
		if (p[1].revents)
			pump->fn(pump->arg);
	}
	return rl_error_set(err, ETIMEDOUT, "the child never said it was ready");
}

/* FAKE_SAVE: saves the init pid with the caller's lock, through keep_fd. */
static int fake_save(const struct fake *f, pid_t pid, struct rl_error *err)
{
	struct rl_state *st = NULL;
	int r = rl_state_load(f->lock, &st, err);

	if (r == 0) {
		st->pid = pid;
		st->status = RL_STATUS_RUNNING;
		r = rl_state_save(f->lock, st, err);
	}
	rl_state_free(st);
	rl_state_unlock(f->lock); /* our copy only */
	return r;
}

/* As create.c does for a shim: a pidfd of the init's only child.  Here the
 * fake init forks it on its own time: wait for it (DEADLINE_MS at most). */
static void fake_workload(pid_t init, int *workload)
{
	pid_t w = 0;

	for (int i = 0; i < DEADLINE_MS && rl_proc_only_child(init, &w, NULL) != 0; i++)
		usleep(1000);
	*workload = w > 0 ? (int)syscall(SYS_pidfd_open, w, 0) : -1;
	if (*workload < 0)
		*workload = RL_MONITOR_WORKLOAD_UNKNOWN;
}

static int fake_create(void *arg, int out_fd, int err_fd, const struct rl_monitor_pump *pump,
		       pid_t *init, int *workload, struct rl_error *err)
{
	struct fake *f = arg;
	pid_t monitor = getpid(), pid;

	if (f->mode == FAKE_FAIL)
		return rl_error_set(err, EACCES, "fake create of \"%s\" failed", f->id);
	if (f->mode == FAKE_CWD && access("rel/state.json", F_OK) < 0)
		return rl_error_set(err, errno, "create: not in the caller's cwd");
	if (f->mode == FAKE_READY && pipe2(f->ready, O_CLOEXEC) < 0)
		return rl_error_set(err, errno, "pipe");
	pid = fork();
	if (pid < 0)
		return rl_error_set(err, errno, "fork");
	if (pid == 0) {
		if (dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
			_exit(99);
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		/* The monitor may have died before PDEATHSIG was set: then
		 * the signal never comes, so follow it now. */
		if (getppid() != monitor)
			_exit(98);
		fake_child(f);
	}
	*init = pid;
	if (f->mode == FAKE_SHIM)
		fake_workload(pid, workload);
	if (f->mode == FAKE_READY) {
		int r = fake_await_ready(f, pump, err);

		close(f->ready[0]);
		close(f->ready[1]);
		if (r < 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
			return -1;
		}
	}
	if (f->mode == FAKE_SAVE && fake_save(f, pid, err) < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	return 0;
}

static int preserve;
static const char *root_override;

static int spawn(const char *id, struct fake *f, size_t log_max, int keep_fd,
		 struct rl_monitor_info *info, struct rl_error *err)
{
	struct rl_monitor_opts o = {.root = root_override ? root_override : scratch,
				    .id = id,
				    .log_max = log_max,
				    .keep_fd = keep_fd,
				    .preserve_fds = preserve,
				    .create = fake_create,
				    .arg = f};

	f->id = id;
	*info = (struct rl_monitor_info){0};
	return rl_monitor_spawn(&o, info, err);
}

/* ---- tests ------------------------------------------------------------------ */

static void check_daemon(pid_t pid, int stray_fd)
{
	char path[64], link[PATH_MAX], stray[PATH_MAX];
	ssize_t n;
	int extra = 0;

	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)pid);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	is_str(link, "/", "monitor: cwd is /");
	ok(getsid(pid) == getpgid(pid) && getsid(pid) != getsid(0) && getsid(pid) != pid,
	   "monitor: in a new session, not its leader");
	snprintf(path, sizeof(path), "/proc/%d/fd/0", (int)pid);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	is_str(link, "/dev/null", "monitor: stdin is /dev/null");
	snprintf(path, sizeof(path), "/proc/self/fd/%d", stray_fd);
	n = readlink(path, stray, sizeof(stray) - 1);
	stray[n > 0 ? n : 0] = '\0';
	for (int fd = 3; fd < 64; fd++) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
		n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		extra += n > 0 && strcmp(link, stray) == 0;
	}
	is_int(extra, 0, "monitor: an inherited fd without O_CLOEXEC was closed");
}

static void test_exit_recorded(void)
{
	struct fake f = {.mode = FAKE_HELLO, .exit_code = 7, .gated = true};
	struct rl_monitor_info info;
	struct rl_error err = {0};
	struct timespec t0;
	struct rl_state *st;
	char *text;
	int stray = open("/tmp", O_RDONLY | O_DIRECTORY); /* no O_CLOEXEC, on purpose */

	ok(make_state("hello") == 0, "state made");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ok(spawn("hello", &f, 0, -1, &info, &err) == 0, "spawn: %s", err.msg);
	printf("# spawn took %.1f ms\n", ms_since(&t0));
	ok(info.monitor_pid > 0 && info.init_pid > 0 && info.monitor_start_time > 0,
	   "info: monitor %d (start %llu), init %d", (int)info.monitor_pid,
	   (unsigned long long)info.monitor_start_time, (int)info.init_pid);
	/* The init waits for the test: had spawn waited for it, it would
	 * never have returned. */
	ok(!gone(info.init_pid), "spawn returns at once, the init runs on");
	ok(rl_proc_alive(info.monitor_pid, info.monitor_start_time), "monitor alive");
	check_daemon(info.monitor_pid, stray);
	close(stray);
	gate_open("hello");
	is_int(wait_monitor(info.monitor_pid), 7, "monitor exits with the init's status");
	text = slurp(log_of("hello", ""), NULL);
	ok(text && strstr(text, "hello out\n") && strstr(text, "hello err\n"),
	   "log has stdout and stderr");
	ok(text && !strstr(text, "rlite monitor:"), "no monitor complaints in the log");
	free(text);
	st = load_state("hello");
	ok(st && st->has_exit_status, "state: has_exit_status");
	is_int(st ? st->exit_status : -1, 7, "state: exit_status 7");
	is_int(st ? st->exit_signal : -1, 0, "state: no signal");
	ok(st && st->finished && strlen(st->finished) == 30 && st->finished[29] == 'Z',
	   "state: finished \"%s\"", st && st->finished ? st->finished : "");
	is_int(st ? st->monitor_pid : -1, info.monitor_pid, "state: monitor_pid");
	ok(st && st->monitor_start_time == info.monitor_start_time, "state: monitor_start_time");
	is_int(st ? (int)st->status : -1, RL_STATUS_STOPPED, "state: status stopped");
	rl_state_free(st);
}

static void test_create_fails(void)
{
	struct fake f = {.mode = FAKE_FAIL};
	struct rl_monitor_info info;
	struct rl_error err = {0};
	pid_t p;
	int st = 0;

	ok(make_state("failing") == 0, "state made");
	ok(spawn("failing", &f, 0, -1, &info, &err) < 0, "spawn fails when create fails");
	is_int(err.errnum, EACCES, "  with the callback's errno");
	is_str(err.msg, "fake create of \"failing\" failed", "  and its message");
	p = wait(&st);
	ok(p > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 1, "  the monitor exited 1");
	ok(access(log_of("failing", ""), F_OK) < 0, "  no log left");
}

static void test_log_bound(void)
{
	struct fake f = {.mode = FAKE_FLOOD, .exit_code = 0};
	const size_t max = 1u << 20;
	struct rl_monitor_info info;
	struct rl_error err = {0};
	size_t n0 = 0, n1 = 0;
	char *cur, *old, want[16];

	ok(make_state("flood") == 0, "state made");
	ok(spawn("flood", &f, max, -1, &info, &err) == 0, "spawn: %s", err.msg);
	is_int(wait_monitor(info.monitor_pid), 0, "flood: monitor exits 0");
	cur = slurp(log_of("flood", ""), &n0);
	old = slurp(log_of("flood", ".1"), &n1);
	ok(cur && n0 <= max, "log within the bound (%zu <= %zu)", n0, max);
	ok(old && n1 == max, "one rotated log, full (%zu)", n1);
	/* old + cur are the newest n1+n0 bytes of the stream, in order. */
	if (old && cur) {
		size_t total = (size_t)FLOOD_LINES * 9, start = total - n0 - n1;
		char *all = malloc(total + 16);

		for (unsigned l = 0; all && l < FLOOD_LINES; l++)
			snprintf(all + (size_t)l * 9, 16, "%08u\n", l);
		ok(all && memcmp(all + start, old, n1) == 0 &&
		       memcmp(all + start + n1, cur, n0) == 0,
		   "the newest %zu bytes are kept, in order, nothing lost between", n0 + n1);
		snprintf(want, sizeof(want), "%08u\n", FLOOD_LINES - 1);
		ok(n0 >= 9 && memcmp(cur + n0 - 9, want, 9) == 0,
		   "the log ends with the last line");
		free(all);
	}
	free(cur);
	free(old);
}

/* What run -d does with NOTIFY_SOCKET: the callback waits for the
 * workload's READY, which comes after more output than a pipe holds; the
 * output is copied meanwhile, so the READY comes, and all of it is kept. */
static void test_output_while_waiting(void)
{
	struct fake f = {.mode = FAKE_READY, .exit_code = 0, .ready = {-1, -1}};
	const size_t total = (size_t)FLOOD_LINES * 9;
	struct rl_monitor_info info;
	struct rl_error err = {0};
	size_t n = 0;
	char *text, last[16];

	ok(make_state("ready") == 0, "state made");
	ok(spawn("ready", &f, total + 1, -1, &info, &err) == 0,
	   "spawn: the child got past %zu bytes of output to its READY: %s", total, err.msg);
	is_int(wait_monitor(info.monitor_pid), 0, "monitor exits 0");
	text = slurp(log_of("ready", ""), &n);
	ok(text && n == total, "the whole output is in the log (%zu of %zu bytes)", n, total);
	snprintf(last, sizeof(last), "%08u\n", FLOOD_LINES - 1);
	ok(text && n == total && memcmp(text, "00000000\n", 9) == 0 &&
	       memcmp(text + n - 9, last, 9) == 0,
	   "  from the first line to the last");
	free(text);
}

static void test_sigterm(void)
{
	struct fake f = {.mode = FAKE_SLEEP};
	struct rl_monitor_info info;
	struct rl_error err = {0};
	struct rl_state *st;

	ok(make_state("term") == 0, "state made");
	ok(spawn("term", &f, 0, -1, &info, &err) == 0, "spawn: %s", err.msg);
	usleep(100000);
	ok(kill(info.monitor_pid, SIGTERM) == 0, "SIGTERM to the monitor");
	is_int(wait_monitor(info.monitor_pid), 128 + SIGTERM,
	       "forwarded: init and monitor end 143");
	st = load_state("term");
	is_int(st ? st->exit_status : -1, 128 + SIGTERM, "state: exit_status 143");
	is_int(st ? st->exit_signal : -1, SIGTERM, "state: the init died of SIGTERM");
	rl_state_free(st);
}

/* Behind a shim the init exits 128+N for a workload killed by N, and with
 * 128+N for one that exited so: the workload's pidfd tells them apart. */
static void test_shim_signal(void)
{
	struct fake killed = {.mode = FAKE_SHIM, .exit_code = -1};
	struct fake exited = {.mode = FAKE_SHIM, .exit_code = 128 + SIGTERM};
	struct rl_monitor_info info;
	struct rl_error err = {0};
	struct rl_state *st;
	pid_t w = 0;

	ok(make_state("shimkill") == 0 && make_state("shimexit") == 0, "states made");
	ok(spawn("shimkill", &killed, 0, -1, &info, &err) == 0, "spawn: %s", err.msg);
	ok(rl_proc_only_child(info.init_pid, &w, &err) == 0 && kill(w, SIGTERM) == 0,
	   "SIGTERM to the workload behind the fake shim");
	is_int(wait_monitor(info.monitor_pid), 128 + SIGTERM, "the shim exits 143");
	st = load_state("shimkill");
	is_int(st ? st->exit_status : -1, 128 + SIGTERM, "state: exit_status 143");
	is_int(st ? st->exit_signal : -1, SIGTERM, "state: the workload died of SIGTERM");
	rl_state_free(st);

	ok(spawn("shimexit", &exited, 0, -1, &info, &err) == 0, "spawn: %s", err.msg);
	is_int(wait_monitor(info.monitor_pid), 128 + SIGTERM, "the shim exits 143");
	st = load_state("shimexit");
	is_int(st ? st->exit_status : -1, 128 + SIGTERM, "state: exit_status 143");
	is_int(st ? st->exit_signal : -1, 0, "state: exit(143) is no signal");
	rl_state_free(st);
}

/* The caller holds the exclusive lock across spawn, and the callback saves
 * with it through keep_fd: no deadlock, both saves land. */
static void test_lock_held(void)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT;
	struct fake f = {.mode = FAKE_SAVE, .exit_code = 3, .lock = &lock};
	struct rl_monitor_info info;
	struct rl_error err = {0};
	struct rl_state *st;

	ok(make_state("locked") == 0, "state made");
	ok(rl_state_lock(scratch, "locked", true, &lock, &err) == 0, "caller locks: %s", err.msg);
	ok(spawn("locked", &f, 0, lock.fd, &info, &err) == 0, "spawn under the lock: %s", err.msg);
	/* the init exits meanwhile; the monitor must wait for the lock */
	for (int i = 0; i < DEADLINE_MS && !gone(info.init_pid); i++)
		usleep(1000);
	ok(gone(info.init_pid), "the init has exited");
	st = NULL;
	ok(rl_state_load(&lock, &st, &err) == 0 && st->pid == info.init_pid && !st->has_exit_status,
	   "callback saved the pid with the caller's lock; monitor waited");
	rl_state_free(st);
	rl_state_unlock(&lock);
	is_int(wait_monitor(info.monitor_pid), 3, "monitor exits 3 once the lock is free");
	st = load_state("locked");
	ok(st && st->has_exit_status && st->exit_status == 3 && st->pid == info.init_pid &&
	       st->monitor_pid == info.monitor_pid,
	   "state: pid, exit_status 3 and monitor_pid all there");
	rl_state_free(st);
}

static void test_stop_and_delete(void)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT;
	struct fake f = {.mode = FAKE_SLEEP};
	struct rl_monitor_info info;
	struct rl_error err = {0};
	char dir[PATH_MAX];
	int st = 0;

	ok(make_state("stop") == 0, "state made");
	ok(spawn("stop", &f, 0, -1, &info, &err) == 0, "spawn: %s", err.msg);
	ok(rl_state_lock(scratch, "stop", true, &lock, &err) == 0, "delete: lock");
	ok(rl_monitor_stop(info.monitor_pid, info.monitor_start_time, &err) == 0,
	   "rl_monitor_stop: %s", err.msg);
	ok(waitpid(info.monitor_pid, &st, 0) == info.monitor_pid && WIFSIGNALED(st) &&
	       WTERMSIG(st) == SIGKILL,
	   "monitor killed");
	/* The init had PDEATHSIG (or saw the monitor gone before it could
	 * set it, and left: 98): it follows, and comes to us. */
	ok(waitpid(info.init_pid, &st, 0) == info.init_pid &&
	       (WIFSIGNALED(st) || (WIFEXITED(st) && WEXITSTATUS(st) == 98)),
	   "init gone too");
	ok(rl_state_remove(&lock, &err) == 0, "state removed");
	ok(rl_monitor_stop(info.monitor_pid, info.monitor_start_time, &err) == 0,
	   "rl_monitor_stop of a gone monitor: 0");
	ok(rl_monitor_stop(0, 0, &err) == 0, "rl_monitor_stop of no monitor: 0");
	snprintf(dir, sizeof(dir), "%s/stop", scratch);
	ok(access(dir, F_OK) < 0, "nothing left");
}

/* Deleted under a running monitor: the exit is not recorded anywhere, the
 * directory is not made again. */
static void test_deleted_meanwhile(void)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT;
	struct fake f = {.mode = FAKE_HELLO, .exit_code = 5, .gated = true};
	struct rl_monitor_info info;
	struct rl_error err = {0};
	char dir[PATH_MAX];

	ok(make_state("gone") == 0, "state made");
	ok(spawn("gone", &f, 0, -1, &info, &err) == 0, "spawn: %s", err.msg);
	ok(rl_state_lock(scratch, "gone", true, &lock, &err) == 0 &&
	       rl_state_remove(&lock, &err) == 0,
	   "removed while running");
	ok(!gone(info.init_pid), "... the init still waiting at its gate");
	gate_open("gone");
	is_int(wait_monitor(info.monitor_pid), 5, "monitor still exits with the status");
	snprintf(dir, sizeof(dir), "%s/gone", scratch);
	ok(access(dir, F_OK) < 0, "container not recreated");
}

/* --preserve-fds 1: fd 3 reaches the container; the monitor keeps no copy. */
static void test_preserve_fds(void)
{
	struct fake f = {.mode = FAKE_PRESERVE, .gated = true};
	struct rl_monitor_info info;
	struct rl_error err = {0};
	int saved = fcntl(3, F_DUPFD_CLOEXEC, 10), p[2];
	char buf[32] = "", path[64], link[PATH_MAX] = "", mine[PATH_MAX] = "";
	ssize_t n;

	ok(make_state("pres") == 0, "state made");
	ok(pipe2(p, O_CLOEXEC) == 0, "pipe");
	/* Neither end may be fd 3 itself. */
	for (int i = 0; i < 2; i++) {
		int hi = fcntl(p[i], F_DUPFD_CLOEXEC, 10);

		close(p[i]);
		p[i] = hi;
	}
	ok(dup2(p[1], 3) == 3, "fd 3: the pipe's write end");
	close(p[1]);
	preserve = 1;
	ok(spawn("pres", &f, 0, -1, &info, &err) == 0, "spawn with preserve_fds 1: %s", err.msg);
	preserve = 0;
	snprintf(path, sizeof(path), "/proc/%d/fd/3", (int)info.monitor_pid);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	n = readlink("/proc/self/fd/3", mine, sizeof(mine) - 1);
	mine[n > 0 ? n : 0] = '\0';
	ok(strcmp(link, mine) != 0, "monitor closed its copy of fd 3 (%s)", link);
	close(3);
	if (saved >= 0)
		dup2(saved, 3), close(saved);
	n = read(p[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	is_str(buf, "preserved\n", "the container wrote to its fd 3");
	close(p[0]);
	gate_open("pres");
	is_int(wait_monitor(info.monitor_pid), 0, "monitor exits 0");
}

/* With --preserve-fds N and some of 3 .. 3+N-1 not open, the workload's
 * pidfd lands in that range, which the monitor closes after the callback:
 * it must keep the pidfd (above the range) and still tell the signal. */
static void test_preserve_gap(void)
{
	struct fake f = {.mode = FAKE_SHIM, .exit_code = -1};
	struct rl_monitor_info info;
	struct rl_error err = {0};
	struct rl_state *st;
	int saved[3];
	pid_t w = 0;

	for (int i = 0; i < 3; i++) {
		saved[i] = fcntl(3 + i, F_DUPFD_CLOEXEC, 10);
		close(3 + i);
	}
	ok(make_state("gap") == 0, "state made");
	preserve = 3;
	ok(spawn("gap", &f, 0, -1, &info, &err) == 0, "spawn, fds 3-5 preserved and closed: %s",
	   err.msg);
	preserve = 0;
	for (int i = 0; i < 3; i++)
		if (saved[i] >= 0) {
			dup2(saved[i], 3 + i);
			close(saved[i]);
		}
	ok(rl_proc_only_child(info.init_pid, &w, &err) == 0 && kill(w, SIGTERM) == 0,
	   "SIGTERM to the workload");
	is_int(wait_monitor(info.monitor_pid), 128 + SIGTERM, "the shim exits 143");
	st = load_state("gap");
	is_int(st ? st->exit_signal : -1, SIGTERM, "state: the workload died of SIGTERM");
	rl_state_free(st);
}

/* A relative --root: the callback runs in the caller's cwd, the monitor
 * still finds the state after it moved to "/". */
static void test_relative_root(void)
{
	struct fake f = {.mode = FAKE_CWD, .exit_code = 9};
	struct rl_monitor_info info;
	struct rl_error err = {0};
	struct rl_state *st;
	char *text;
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	ok(make_state("rel") == 0, "state made");
	ok(chdir(scratch) == 0, "cd scratch");
	root_override = ".";
	ok(spawn("rel", &f, 0, -1, &info, &err) == 0, "spawn with --root .: %s", err.msg);
	root_override = NULL;
	ok(fchdir(cwd) == 0, "cd back");
	close(cwd);
	is_int(wait_monitor(info.monitor_pid), 9, "monitor exits 9");
	st = load_state("rel");
	ok(st && st->has_exit_status && st->exit_status == 9,
	   "exit recorded under the relative root");
	rl_state_free(st);
	text = slurp(log_of("rel", ""), NULL);
	ok(text && strstr(text, "hello out"), "log under the relative root");
	free(text);
}

int main(void)
{
	struct rl_error err = {0};
	char path[PATH_MAX];

	main_pid = getpid();
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!mkdtemp(scratch)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	have_scratch = true;
	atexit(cleanup);
	ok(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0, "test is a subreaper");
	ok(rl_monitor_log_path("/run/rlite", "c1", path, sizeof(path), &err) == 0 &&
	       strcmp(path, "/run/rlite/c1/container.log") == 0,
	   "log path");
	ok(rl_monitor_log_path("/r", "c1", path, 8, &err) < 0 && err.errnum == ENAMETOOLONG,
	   "log path too long");
	test_exit_recorded();
	test_create_fails();
	test_log_bound();
	test_output_while_waiting();
	test_sigterm();
	test_shim_signal();
	test_lock_held();
	test_stop_and_delete();
	test_deleted_meanwhile();
	test_preserve_fds();
	test_preserve_gap();
	test_relative_root();
	return done_testing();
}
