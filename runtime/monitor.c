/* The monitor of a detached container: a daemon that makes the container
 * through a callback, copies its output into a bounded log, reaps it and
 * records its exit in the state.  See monitor.h. */
#include "monitor.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/clock.h"
#include "runtime/fault.h"
#include "runtime/log.h"
#include "runtime/procid.h"
#include "runtime/safepath.h"
#include "runtime/state.h"
#include "runtime/fds.h"

#define REPORT_MAX     (RL_ERROR_MSG_MAX + 128) /* one line, < PIPE_BUF: atomic */
#define LOCK_RETRY_MS  10
#define COPY_CHUNK     (64 * 1024)
#define MONITOR_PREFIX "rlite monitor: "

/* ---- small helpers -------------------------------------------------------- */

static pid_t waitpid_eintr(pid_t pid, int *st, int flags)
{
	pid_t r;

	do
		r = waitpid(pid, st, flags);
	while (r < 0 && errno == EINTR);
	return r;
}

int rl_monitor_log_path(const char *root, const char *id, char *buf, size_t len,
			struct rl_error *err)
{
	int n = snprintf(buf, len, "%s/%s/%s", root, id, RL_MONITOR_LOG_NAME);

	if (n < 0 || (size_t)n >= len)
		return rl_error_set(err, ENAMETOOLONG, "log of container \"%s\"", id);
	return 0;
}

/* ---- the original process: reading the report ------------------------------ */

/* The monitor writes, one line each and in this order:
 *   "pid PID"                        as soon as it exists
 *   "ok PID STARTTIME INIT"          the callback succeeded
 *   "err ERRNUM MESSAGE"             it failed (newlines in MESSAGE blanked)
 * The pid lets us watch the monitor through a pidfd: should it die without
 * a word while a process of the container still holds the pipe's write end
 * (a pid-1 shim forked before execve keeps it), EOF would never come. */
struct report {
	char buf[2 * REPORT_MAX];
	size_t len;
	int pidfd;
	bool done;
};

static int parse_line(struct report *rp, char *line, struct rl_monitor_info *info,
		      struct rl_error *err)
{
	int n = 0, errnum = 0, pid = 0, init = 0;
	uint64_t start = 0;

	if (sscanf(line, "pid %d%n", &pid, &n) == 1 && line[n] == '\0') {
		if (rp->pidfd < 0 && pid > 0)
			rp->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
		return 0;
	}
	if (sscanf(line, "ok %d %" SCNu64 " %d%n", &pid, &start, &init, &n) == 3 &&
	    line[n] == '\0') {
		rp->done = true;
		if (info)
			*info = (struct rl_monitor_info){pid, start, init};
		return 0;
	}
	rp->done = true;
	if (sscanf(line, "err %d %n", &errnum, &n) == 1 && n > 0)
		return rl_error_set(err, errnum, "%s", line + n);
	return rl_error_set(err, EPROTO, "monitor: bad report \"%.100s\"", line);
}

/* Takes every complete line out of rp->buf. */
static int parse_lines(struct report *rp, struct rl_monitor_info *info, struct rl_error *err)
{
	char *nl;

	while (!rp->done && (nl = memchr(rp->buf, '\n', rp->len)) != NULL) {
		size_t n = (size_t)(nl - rp->buf) + 1;

		*nl = '\0';
		if (parse_line(rp, rp->buf, info, err) < 0)
			return -1;
		memmove(rp->buf, rp->buf + n, rp->len - n);
		rp->len -= n;
	}
	if (!rp->done && rp->len == sizeof(rp->buf))
		return rl_error_set(err, EPROTO, "monitor: report too long");
	return 0;
}

static int read_report(int fd, struct rl_monitor_info *info, struct rl_error *err)
{
	struct report rp = {.pidfd = -1};
	bool dead = false;
	int r = -1;

	while (!rp.done) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
				      {.fd = rp.pidfd, .events = POLLIN}};
		ssize_t n;

		if (poll(p, 2, dead ? 0 : -1) < 0) {
			if (errno == EINTR)
				continue;
			rl_error_set(err, errno, "monitor: poll");
			break;
		}
		if (!p[0].revents) {
			if (dead) {
				rl_error_set(err, 0, "monitor exited before it reported");
				break;
			}
			dead = p[1].revents != 0;
			continue;
		}
		n = read(fd, rp.buf + rp.len, sizeof(rp.buf) - rp.len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rl_error_set(err, n < 0 ? errno : 0, "monitor exited before it reported");
			break;
		}
		rp.len += (size_t)n;
		if (parse_lines(&rp, info, err) < 0)
			break;
		r = rp.done ? 0 : -1;
	}
	if (rp.pidfd >= 0)
		close(rp.pidfd);
	return rp.done ? r : -1;
}

/* ---- the monitor: reporting ------------------------------------------------- */

static void report_line(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void report_line(int fd, const char *fmt, ...)
{
	char buf[REPORT_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(buf) - 1)
		n = (int)sizeof(buf) - 2;
	for (int i = 0; i < n; i++)
		if (buf[i] == '\n')
			buf[i] = ' ';
	buf[n++] = '\n';
	/* Nobody may read (the original process died): SIGPIPE is ignored
	 * or still default here; either way, nothing to do about it. */
	rl_write_all(fd, buf, (size_t)n);
}

static _Noreturn void report_error(int fd, const struct rl_error *e)
{
	report_line(fd, "err %d %s", e->errnum, e->msg[0] ? e->msg : "monitor: failed");
	_exit(1);
}

/* ---- the monitor: its state ------------------------------------------------- */

struct mon {
	const struct rl_monitor_opts *o;
	char root[4096]; /* o->root made absolute: we leave the caller's cwd */
	char log_path[4096];
	int log_fd;
	size_t log_size, log_max;
	int out_r, err_r; /* -1 once at EOF */
	int sfd;
	pid_t init;
	bool init_done;
	int status;	     /* the init's: code or 128+signal */
	int init_ws;	     /* the init's wait status */
	int work_fd;	     /* the shim's workload: pidfd, or RL_MONITOR_*WORKLOAD* */
	int work_ws;	     /* its wait status, or RL_WS_NONE / RL_WS_UNKNOWN */
	bool self_recorded;  /* monitor_pid is in the state (or never will be) */
	uint64_t start_time; /* ours */
};

/* ---- the monitor: the bounded log ------------------------------------------- */

static void log_open(struct mon *m, int flags)
{
	struct stat sb;

	m->log_fd =
	    open(m->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | flags, 0600);
	m->log_size = m->log_fd >= 0 && fstat(m->log_fd, &sb) == 0 ? (size_t)sb.st_size : 0;
}

/* The log is full: it becomes LOG.1 (one generation is kept) and a new one
 * starts, so the newest output is always there.  Should the rename fail,
 * the log is emptied instead: the bound is never exceeded. */
static void log_rotate(struct mon *m)
{
	char old[sizeof(m->log_path) + 2];

	snprintf(old, sizeof(old), "%s.1", m->log_path);
	if (rename(m->log_path, old) == 0) {
		close(m->log_fd);
		log_open(m, O_TRUNC);
	} else if (ftruncate(m->log_fd, 0) == 0) {
		m->log_size = 0;
	}
}

/* Writes never block the copy for long (a regular file) and never fail it:
 * data that cannot be written (disk full) is dropped, so that the
 * container never blocks on a full pipe. */
static void log_write(struct mon *m, const char *buf, size_t n)
{
	while (n > 0 && m->log_fd >= 0) {
		size_t k;

		if (m->log_size >= m->log_max)
			log_rotate(m);
		if (m->log_fd < 0 || m->log_size >= m->log_max)
			return;
		k = m->log_max - m->log_size;
		k = k < n ? k : n;
		if (rl_write_all(m->log_fd, buf, k) < 0)
			return;
		m->log_size += k;
		buf += k;
		n -= k;
	}
}

/* The monitor's own messages (it has no terminal): into the log. */
static void log_error(struct mon *m, const struct rl_error *e)
{
	char text[RL_ERROR_MSG_MAX + 128], line[sizeof(text) + 32];
	int n = snprintf(line, sizeof(line), MONITOR_PREFIX "%s\n",
			 rl_error_text(e, text, sizeof(text)));

	if (n > 0)
		log_write(m, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

/* One read from a pipe into the log; EOF closes it. */
static void pump(struct mon *m, int *fd)
{
	static char buf[COPY_CHUNK];
	ssize_t n = read(*fd, buf, sizeof(buf));

	if (n > 0) {
		log_write(m, buf, (size_t)n);
		return;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	close(*fd);
	*fd = -1;
}

/* ---- the monitor: the state ------------------------------------------------- */

/* The exclusive state lock without waiting (1: busy, try again), so the log
 * copy goes on while the caller holds it.  Same checks as rl_state_lock(). */
static int try_lock(struct mon *m, struct rl_state_lock *lk, struct rl_error *err)
{
	struct stat mine, now;
	char *dir = NULL;
	int fd;

	if (asprintf(&dir, "%s/%s", m->root, m->o->id) < 0)
		return rl_error_set(err, ENOMEM, "container \"%s\"", m->o->id);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;

		close(fd);
		free(dir);
		if (e == EWOULDBLOCK || e == EINTR)
			return 1;
		return rl_error_set(err, e, "flock \"%s/%s\"", m->root, m->o->id);
	}
	if (fd < 0 || fstat(fd, &mine) < 0 || mine.st_nlink == 0 || stat(dir, &now) < 0 ||
	    now.st_ino != mine.st_ino || now.st_dev != mine.st_dev) {
		if (fd >= 0)
			close(fd);
		free(dir);
		return rl_error_set(err, ENOENT, "container does not exist");
	}
	*lk = (struct rl_state_lock){.fd = fd, .dir = dir, .exclusive = true};
	return 0;
}

/* Is this state still our container's?  A container deleted and made
 * again under the same id is not, and must not get our records. */
static bool ours(const struct mon *m, const struct rl_state *st)
{
	if (st->monitor_pid != 0 && st->monitor_pid != getpid())
		return false;
	return st->pid == 0 || st->pid == m->init;
}

/* Load, change, save, under the lock.  1: busy (wait = false only). */
static int update_state(struct mon *m, bool wait, bool exited, struct rl_error *err)
{
	struct rl_state_lock lk _rl_state_lock_ = RL_STATE_LOCK_INIT;
	struct rl_state *st = NULL;
	char now[40];
	struct timespec ts;
	int r = wait ? rl_state_lock(m->root, m->o->id, true, &lk, err) : try_lock(m, &lk, err);

	if (r != 0 || (r = rl_state_load(&lk, &st, err)) < 0)
		return r;
	if (ours(m, st)) {
		st->monitor_pid = getpid();
		st->monitor_start_time = m->start_time;
		if (exited) {
			clock_gettime(CLOCK_REALTIME, &ts);
			free(st->finished);
			st->finished =
			    strdup(rl_rfc3339_nano(ts.tv_sec, ts.tv_nsec, now, sizeof(now)));
			st->has_exit_status = true;
			st->exit_status = m->status;
			st->exit_signal =
			    rl_proc_exit_signal(m->init_ws, m->work_ws, st->kill_signal);
			st->status = RL_STATUS_STOPPED;
		}
		r = st->finished || !exited ? rl_state_save(&lk, st, err)
					    : rl_error_set(err, ENOMEM, "state");
	}
	rl_state_free(st);
	return r;
}

static void record_self(struct mon *m)
{
	struct rl_error e = {0};
	int r = update_state(m, false, false, &e);

	if (r == 1)
		return;
	/* Done, or never: a deleted container (ENOENT) is not an error. */
	m->self_recorded = true;
	if (r < 0 && e.errnum != ENOENT)
		log_error(m, &e);
}

static void record_exit(struct mon *m)
{
	struct rl_error e = {0};

	if (update_state(m, true, true, &e) < 0 && e.errnum != ENOENT)
		log_error(m, &e);
}

/* ---- the monitor: signals and children -------------------------------------- */

/* Behind a shim, the workload's own end: the shim reaped it before it
 * exited, so the kernel has its status by now (if it keeps one). */
static void workload_status(struct mon *m)
{
	m->work_ws = m->work_fd == RL_MONITOR_NO_WORKLOAD ? RL_WS_NONE : RL_WS_UNKNOWN;
	if (m->work_fd >= 0) {
		if (rl_pidfd_exit_status(m->work_fd, &m->work_ws, NULL) != 0)
			m->work_ws = RL_WS_UNKNOWN;
		close(m->work_fd);
		m->work_fd = RL_MONITOR_WORKLOAD_UNKNOWN;
	}
}

/* Every child that exited; the init's status is kept.  Until 0 or ECHILD:
 * SIGCHLDs coalesce, one wakeup may stand for many children. */
static void reap(struct mon *m)
{
	int st;
	pid_t p;

	while ((p = waitpid_eintr(-1, &st, WNOHANG)) > 0) {
		if (p == m->init && !m->init_done) {
			m->init_done = true;
			m->init_ws = st;
			m->status = rl_proc_status_code(st);
			workload_status(m);
		}
	}
}

static void read_signals(struct mon *m)
{
	struct signalfd_siginfo si;
	ssize_t n;

	while ((n = read(m->sfd, &si, sizeof(si))) == (ssize_t)sizeof(si) ||
	       (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		/* SIGTERM/SIGINT: stopping the monitor stops the container,
		 * whose exit is then recorded as usual.  The init is our
		 * child and not reaped yet: its pid is still its own. */
		if ((si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT) && !m->init_done)
			kill(m->init, (int)si.ssi_signo);
	}
	reap(m);
}

static int poll_timeout(const struct mon *m, int64_t deadline)
{
	int t = -1;

	if (m->init_done) {
		int64_t left = deadline - rl_now_ms();

		t = left < 0 ? 0 : (int)left;
	}
	if (!m->self_recorded && (t < 0 || t > LOCK_RETRY_MS))
		t = LOCK_RETRY_MS;
	return t;
}

/* Copies output and reaps until the init has exited and the pipes are at
 * EOF, or RL_MONITOR_DRAIN_MS after the init exited: a process that
 * escaped the container (no pid namespace) may hold them open forever. */
static void monitor_loop(struct mon *m)
{
	int64_t deadline = 0;

	reap(m); /* the init may have exited before SIGCHLD was blocked */
	for (;;) {
		struct pollfd p[3] = {{.fd = m->sfd, .events = POLLIN},
				      {.fd = m->out_r, .events = POLLIN},
				      {.fd = m->err_r, .events = POLLIN}};

		if (m->init_done && deadline == 0)
			deadline = rl_now_ms() + RL_MONITOR_DRAIN_MS;
		if (m->init_done && ((m->out_r < 0 && m->err_r < 0) || rl_now_ms() >= deadline))
			break;
		if (poll(p, 3, poll_timeout(m, deadline)) < 0 && errno != EINTR)
			break;
		if (p[1].revents)
			pump(m, &m->out_r);
		if (p[2].revents)
			pump(m, &m->err_r);
		if (p[0].revents)
			read_signals(m);
		if (!m->self_recorded)
			record_self(m);
	}
}

/* ---- the monitor: becoming a daemon, making the container ------------------- */

static int int_cmp(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Closes every fd from lo up but a, b and c (-1: none). */
static void close_from(int lo, int a, int b, int c)
{
	int keep[3] = {a, b, c};

	qsort(keep, 3, sizeof(int), int_cmp);
	for (int i = 0; i < 3; i++) {
		if (keep[i] < lo)
			continue;
		if (keep[i] > lo)
			close_range((unsigned)lo, (unsigned)keep[i] - 1, 0);
		lo = keep[i] + 1;
	}
	close_range((unsigned)lo, ~0U, 0);
}

/* Moves *fd to lo or above (O_CLOEXEC), out of the preserved range. */
static int move_above(int *fd, int lo)
{
	int n;

	if (*fd >= lo)
		return 0;
	n = fcntl(*fd, F_DUPFD_CLOEXEC, lo);
	if (n < 0)
		return -1;
	close(*fd);
	*fd = n;
	return 0;
}

static int daemonize(const struct rl_monitor_opts *o, int report, struct rl_error *err)
{
	sigset_t none;
	int null;

	umask(022);
	/* The --log file stays open, out of the preserved range: the
	 * container's pid-1 shim writes its debug lines there (shim.c). */
	close_from(3 + o->preserve_fds, report, o->keep_fd, rl_log_keep_above(3 + o->preserve_fds));
	null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return rl_error_set(err, errno, "monitor: open \"/dev/null\"");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(null, fd) < 0)
			return rl_error_set(err, errno, "monitor: dup2 /dev/null");
	if (null > 2)
		close(null);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
		return rl_error_set(err, errno, "monitor: prctl(PR_SET_CHILD_SUBREAPER)");
	/* What the container inherits through execve: default dispositions
	 * (SIG_IGN would survive it) and an empty mask.  SIGHUP only comes
	 * with a controlling terminal, which no session leader's child can get,
	 * or to an orphaned process group with a stopped member. */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (int sig = 1; sig < _NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			signal(sig, SIG_DFL);
	return 0;
}

/* After the callback: our own signal handling, which the container did not
 * inherit. */
static int monitor_signals(struct mon *m, struct rl_error *err)
{
	sigset_t set;

	signal(SIGHUP, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return rl_error_set(err, errno, "monitor: sigprocmask");
	m->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (m->sfd < 0)
		return rl_error_set(err, errno, "monitor: signalfd");
	return 0;
}

/* The callback has closed keep_fd itself if it is no longer that file. */
static void close_keep_fd(int fd, const struct stat *before)
{
	struct stat now;

	if (fd >= 0 && fstat(fd, &now) == 0 && now.st_dev == before->st_dev &&
	    now.st_ino == before->st_ino)
		close(fd);
}

/* rl_monitor_pump's fn: the output so far into the log, which opens on
 * first use (the callback calls it once ROOT/ID exists). */
static void pump_output(void *arg)
{
	struct mon *m = arg;

	if (m->log_fd < 0)
		log_open(m, 0);
	if (m->out_r >= 0)
		pump(m, &m->out_r);
	if (m->err_r >= 0)
		pump(m, &m->err_r);
}

/* One fd readable when either read end is (rl_monitor_pump), above lo. */
static int pump_fd(const struct mon *m, int lo)
{
	int fd = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event ev = {.events = EPOLLIN};

	for (int i = 0; fd >= 0 && i < 2; i++) {
		ev.data.fd = i ? m->err_r : m->out_r;
		if (epoll_ctl(fd, EPOLL_CTL_ADD, ev.data.fd, &ev) < 0) {
			close(fd);
			return -1;
		}
	}
	if (fd >= 0 && move_above(&fd, lo) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int make_container(struct mon *m, struct rl_error *err)
{
	int out[2] = {-1, -1}, errp[2] = {-1, -1};
	struct rl_monitor_pump p = {.fd = -1, .fn = pump_output, .arg = m};
	struct stat keep = {0};
	int r;

	int lo = 3 + m->o->preserve_fds;

	if (pipe2(out, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 ||
	    move_above(&out[0], lo) < 0 || move_above(&out[1], lo) < 0 ||
	    move_above(&errp[0], lo) < 0 || move_above(&errp[1], lo) < 0)
		return rl_error_set(err, errno, "monitor: pipe");
	m->out_r = out[0];
	m->err_r = errp[0];
	fcntl(m->out_r, F_SETFL, O_NONBLOCK);
	fcntl(m->err_r, F_SETFL, O_NONBLOCK);
	p.fd = pump_fd(m, lo);
	if (p.fd < 0)
		return rl_error_set(err, errno, "monitor: epoll");
	if (m->o->keep_fd >= 0)
		fstat(m->o->keep_fd, &keep);
	r = m->o->create(m->o->arg, out[1], errp[1], &p, &m->init, &m->work_fd, err);
	close(p.fd);
	close(out[1]);
	close(errp[1]);
	close_keep_fd(m->o->keep_fd, &keep);
	/* The workload's pidfd may have taken a free number in the preserved
	 * range, which is closed next. */
	if (m->work_fd >= 0 && move_above(&m->work_fd, lo) < 0) {
		close(m->work_fd);
		m->work_fd = RL_MONITOR_WORKLOAD_UNKNOWN;
	}
	/* The container has its own copies of the preserved fds. */
	for (int fd = 3; fd < lo; fd++)
		if (fd != m->o->keep_fd)
			close(fd);
	if (r < 0)
		return -1;
	if (m->init <= 0)
		return rl_error_set(err, 0, "monitor: create gave no init pid");
	return 0;
}

/* Once the container exists: the callback ran in the caller's cwd (its
 * relative paths, a bundle ".", still meant what they say); the daemon
 * must not pin it.  Then the log, which opens only now because the
 * callback may be the one that made ROOT/ID.  Without a log there is no
 * point in the container. */
static int settle(struct mon *m, struct rl_error *err)
{
	int r = -1;

	if (chdir("/") < 0) {
		rl_error_set(err, errno, "monitor: chdir \"/\"");
	} else {
		if (m->log_fd < 0)
			log_open(m, 0);
		if (m->log_fd < 0)
			rl_error_set(err, errno, "open \"%s\"", m->log_path);
		else
			r = monitor_signals(m, err);
	}
	if (r == 0)
		return 0;
	/* Unwatched, the container would be nobody's: it goes. */
	kill(m->init, SIGKILL);
	waitpid_eintr(m->init, NULL, 0);
	return -1;
}

/* path, made absolute against the cwd, into buf. */
static int absolute(const char *path, char *buf, size_t len, struct rl_error *err)
{
	char cwd[4096];
	int n;

	if (path[0] == '/')
		n = snprintf(buf, len, "%s", path);
	else if (getcwd(cwd, sizeof(cwd)))
		n = snprintf(buf, len, "%s/%s", cwd, path);
	else
		return rl_error_set(err, errno, "monitor: getcwd");
	if (n < 0 || (size_t)n >= len)
		return rl_error_set(err, ENAMETOOLONG, "monitor: \"%s\"", path);
	return 0;
}

static int paths(struct mon *m, struct rl_error *err)
{
	char log[sizeof(m->log_path)];

	if (absolute(m->o->root, m->root, sizeof(m->root), err) < 0)
		return -1;
	if (!m->o->log_path)
		return rl_monitor_log_path(m->root, m->o->id, m->log_path, sizeof(m->log_path),
					   err);
	if (absolute(m->o->log_path, log, sizeof(log), err) < 0)
		return -1;
	memcpy(m->log_path, log, sizeof(log));
	return 0;
}

static _Noreturn void monitor_main(const struct rl_monitor_opts *o, int report)
{
	struct mon m = {.o = o,
			.log_fd = -1,
			.out_r = -1,
			.err_r = -1,
			.sfd = -1,
			.work_fd = RL_MONITOR_NO_WORKLOAD};
	struct rl_error e = {0};

	m.log_max = o->log_max ? o->log_max : RL_MONITOR_LOG_MAX;
	if (paths(&m, &e) < 0 || daemonize(o, report, &e) < 0)
		report_error(report, &e);
	RL_FAULT_RUNTIME(getpid()); /* the monitor is the runtime from here */
	RL_FAULT_POINT("monitor.daemonized");
	report_line(report, "pid %d", (int)getpid());
	if (make_container(&m, &e) < 0 || settle(&m, &e) < 0)
		report_error(report, &e);
	if (rl_proc_start_time(getpid(), &m.start_time, &e) < 0)
		log_error(&m, &e);
	report_line(report, "ok %d %" PRIu64 " %d", (int)getpid(), m.start_time, (int)m.init);
	close(report);
	RL_FAULT_POINT("monitor.running");
	monitor_loop(&m);
	RL_FAULT_POINT("monitor.exited");
	record_exit(&m);
	RL_FAULT_POINT("monitor.recorded");
	_exit(m.init_done ? m.status : 1);
}

/* ---- spawn and stop ------------------------------------------------------- */

/* The first child: a new session without a terminal, then the monitor is
 * forked from it, so that it is no session leader and can never acquire a
 * controlling terminal.  SIGHUP is ignored until the monitor is on its own:
 * this child's exit orphans the process group. */
static _Noreturn void middle_main(const struct rl_monitor_opts *o, int report)
{
	struct rl_error e = {0};
	pid_t pid;

	if (setsid() < 0) {
		rl_error_set(&e, errno, "monitor: setsid");
		report_error(report, &e);
	}
	signal(SIGHUP, SIG_IGN);
	pid = fork();
	if (pid < 0) {
		rl_error_set(&e, errno, "monitor: fork");
		report_error(report, &e);
	}
	if (pid == 0)
		monitor_main(o, report);
	_exit(0);
}

int rl_monitor_spawn(const struct rl_monitor_opts *o, struct rl_monitor_info *info,
		     struct rl_error *err)
{
	int rp[2] = {-1, -1}, r;
	pid_t mid;

	if (!o->create || !o->root || !o->id)
		return rl_error_set(err, EINVAL, "monitor: root, id and create are required");
	if ((o->keep_fd >= 0 && o->keep_fd < 3) || o->preserve_fds < 0)
		return rl_error_set(err, EINVAL, "monitor: bad keep_fd or preserve_fds");
	if (pipe2(rp, O_CLOEXEC) < 0)
		return rl_error_set(err, errno, "monitor: pipe");
	/* Above stdio, which the monitor points at /dev/null, and above the
	 * preserved fds. */
	if (move_above(&rp[1], 3 + (o->preserve_fds > 0 ? o->preserve_fds : 0)) < 0) {
		close(rp[0]);
		close(rp[1]);
		return rl_error_set(err, errno, "monitor: pipe");
	}
	mid = fork();
	if (mid == 0) {
		close(rp[0]);
		middle_main(o, rp[1]);
	}
	if (mid < 0)
		rl_error_set(err, errno, "monitor: fork");
	close(rp[1]);
	/* The middle child exits at once; a SIGCHLD of SIG_IGN makes the
	 * kernel reap it (ECHILD), which is fine too. */
	r = mid < 0 ? -1 : read_report(rp[0], info, err);
	if (mid > 0)
		waitpid_eintr(mid, NULL, 0);
	close(rp[0]);
	return r;
}

int rl_monitor_stop(pid_t pid, uint64_t start_time, struct rl_error *err)
{
	_rl_fd_ int fd = -1;
	struct pollfd p;
	int r;

	if (pid <= 0)
		return 0;
	if (rl_pidfd_open(pid, start_time, &fd, err) < 0)
		return err->errnum == ESRCH ? 0 : -1;
	if (rl_pidfd_signal(fd, SIGKILL, err) < 0)
		return err->errnum == ESRCH ? 0 : -1;
	/* A pidfd polls readable once the process has exited, also when it
	 * is not our child. */
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	do
		r = poll(&p, 1, RL_MONITOR_STOP_MS);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return rl_error_set(err, errno, "monitor %d: poll", (int)pid);
	if (r == 0)
		return rl_error_set(err, ETIMEDOUT, "monitor %d did not exit", (int)pid);
	return 0;
}
