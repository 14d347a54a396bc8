/* The pid-1 shim (runtime/shim.h).
 *
 * Order of rl_shim_fork(), and why:
 *
 *   1. find which signals have a handler here (the workload puts those
 *      back to SIG_DFL; what is ignored stays ignored, as the caller left
 *      it), build the seccomp filter (it allocates: done while malloc may
 *      still call brk/mmap);
 *   2. block every signal but the fault ones and open the signalfd, before
 *      the fork, so that nothing sent between the fork and the loop is lost;
 *   3. become a session leader: the workload gets its own process group,
 *      which in the caller's session would be a background group of the
 *      caller's terminal (a read from it would stop the workload);
 *   4. fork.  The shim locks itself down (fds, capabilities, no_new_privs,
 *      seccomp) while the child waits on a pipe: EOF on it means the shim is
 *      done, so no code of the container runs next to an unlocked shim.
 *      The child does its own process set-up in the meantime, on the
 *      other CPU, and waits on the pipe only right before the workload's
 *      execve (rl_shim_wait).
 *
 * The shim is a fork of the rlite binary: /proc/1/exe is the host's binary,
 * through the read-only view that create and run re-executed from
 * (runtime/exeseal.h).  It is non-dumpable (set by the conductor and kept
 * across fork), so a process in the container without CAP_SYS_PTRACE cannot
 * open /proc/1/exe or /proc/1/fd/<n> at all; one that can gets a file no
 * reopen writes to: ETXTBSY while the shim runs it, EROFS (or a sealed
 * memfd's EPERM) also once no rlite runs (CVE-2019-5736).  It keeps only
 * the signalfd (and the log with debug): there is no fd of the host to
 * reach (CVE-2024-21626). */
#include "runtime/shim.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <seccomp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "runtime/caps.h"
#include "runtime/procfs.h"
#include "runtime/procid.h"
#include "spec/state.h"

/* Never blocked: a fault in the shim must kill it at once, with its own
 * signal, as it would any process.  These go to on_fault(), which tells a
 * real fault (si_code > 0) from one sent by kill(2). */
static const int fault_sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS};

/* What the shim uses once locked down; every other system call kills it
 * (and so the container) rather than letting a confused or subverted shim do
 * anything else.  Checked with strace -f on every path, debug and grace
 * included. */
static const char *const shim_syscalls[] = {
    "read",
    "write",
    "close",
    "wait4",
    "kill",
    "exit_group",
    "exit",
    "getpid",
    /* the fault handler and its return; ppoll of the grace period, which the
     * kernel may restart after a stop; clock_gettime when the vDSO is not
     * there */
    "rt_sigaction",
    "rt_sigreturn",
    "ppoll",
    "restart_syscall",
    "clock_gettime",
#if defined(__SANITIZE_ADDRESS__)
    /* ASan's runtime, in `make SANITIZE=1` builds only */
    "mmap",
    "munmap",
    "madvise",
    "mprotect",
    "sigaltstack",
    "prctl",
    "futex",
    "sched_yield",
    "gettid",
    "tgkill",
#endif
};

struct prep {
	sigset_t caught; /* a handler here: SIG_DFL in the workload */
	sigset_t oldmask;
	scmp_filter_ctx filter;
	int sfd;
	int ready[2]; /* shim -> workload: EOF once locked down, else an rl_error */
};

struct shim {
	const struct rl_shim_opts *o;
	int sfd;
	pid_t child; /* the workload, in the container's pid namespace */
	bool child_done;
	int code; /* its status: code or 128+signal */
};

/* Read by the fault-signal handler: where to forward. */
static volatile sig_atomic_t fwd_pid;
static volatile sig_atomic_t fwd_group;
/* Fault signals the handler forwarded or dropped, one bit each, for the
 * debug log written by the loop (a handler must not format). */
static unsigned fault_fwd, fault_drop;

/* ---- configuration ------------------------------------------------------- */

static const char *annotation(const struct rl_config *cfg, const char *key)
{
	for (size_t i = 0; i < cfg->annotations.n; i++)
		if (strcmp(cfg->annotations.keys[i], key) == 0)
			return cfg->annotations.values[i];
	return NULL;
}

static int annot_bool(const struct rl_config *cfg, const char *key, bool *out, struct rl_error *err)
{
	const char *v = annotation(cfg, key);

	if (!v)
		return 0;
	if (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)
		return rl_error_set(err, 0,
				    "config.json: annotations[\"%s\"]: \"%s\": must be \"true\" or "
				    "\"false\"",
				    key, v);
	*out = v[0] == 't';
	return 0;
}

static int annot_ms(const struct rl_config *cfg, const char *key, unsigned *out,
		    struct rl_error *err)
{
	const char *v = annotation(cfg, key);
	unsigned long n = 0;

	if (!v)
		return 0;
	for (const char *p = v; *p && n <= RL_SHIM_GRACE_MAX; p++) {
		if (*p < '0' || *p > '9')
			return rl_error_set(err, 0,
					    "config.json: annotations[\"%s\"]: \"%s\": must be "
					    "a number of milliseconds",
					    key, v);
		n = n * 10 + (unsigned long)(*p - '0');
	}
	if (!v[0] || n > RL_SHIM_GRACE_MAX)
		return rl_error_set(err, 0,
				    "config.json: annotations[\"%s\"]: \"%s\": must be 0 .. %u",
				    key, v, RL_SHIM_GRACE_MAX);
	*out = (unsigned)n;
	return 0;
}

int rl_init_mode_parse(const char *s)
{
	static const char *const names[] = {"auto", "always", "never"};

	for (int i = 0; i < 3; i++)
		if (s && strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

bool rl_shim_is_init(const char *path)
{
	/* Each of these reaps and forwards itself, or must be pid 1 to work
	 * at all (systemd; s6-overlay's /init; tini warns when it is not). */
	static const char *const inits[] = {"tini",	 "tini-static", "docker-init",
					    "catatonit", "podman-init", "dumb-init",
					    "s6-svscan", "systemd",	"init"};
	const char *base = path ? strrchr(path, '/') : NULL;

	base = base ? base + 1 : path;
	for (size_t i = 0; base && i < sizeof(inits) / sizeof(inits[0]); i++)
		if (strcmp(base, inits[i]) == 0)
			return true;
	return false;
}

static bool init_wanted(const struct rl_config *cfg, enum rl_init_mode mode, bool on,
			bool annotated, const char **why)
{
	const char *arg0 = cfg->process && cfg->process->args.n ? cfg->process->args.v[0] : NULL;

	if (annotated) {
		*why = on ? "annotation " RL_SHIM_ANNOT " \"true\""
			  : "annotation " RL_SHIM_ANNOT " \"false\"";
		return on;
	}
	if (mode == RL_INIT_ALWAYS || mode == RL_INIT_NEVER) {
		*why = mode == RL_INIT_ALWAYS ? "--init=always" : "--init=never";
		return mode == RL_INIT_ALWAYS;
	}
	if (rl_shim_is_init(arg0)) {
		*why = "--init=auto: process.args[0] is an init of its own";
		return false;
	}
	*why = "--init=auto";
	return true;
}

int rl_shim_config(const struct rl_config *cfg, bool new_pidns, enum rl_init_mode mode, bool debug,
		   struct rl_shim_opts *o, const char **why, struct rl_error *err)
{
	bool on = true, dbg = false;
	const char *reason = "no pid namespace of its own";

	*o = (struct rl_shim_opts){.log_fd = -1, .procfd = -1};
	if (annot_bool(cfg, RL_SHIM_ANNOT, &on, err) < 0 ||
	    annot_bool(cfg, RL_SHIM_ANNOT_GROUP, &o->signal_group, err) < 0 ||
	    annot_bool(cfg, RL_SHIM_ANNOT_DEBUG, &dbg, err) < 0 ||
	    annot_ms(cfg, RL_SHIM_ANNOT_GRACE, &o->grace_ms, err) < 0)
		return -1;
	o->debug = debug || dbg;
	o->enabled = new_pidns &&
		     init_wanted(cfg, mode, on, annotation(cfg, RL_SHIM_ANNOT) != NULL, &reason);
	if (why)
		*why = reason;
	return 0;
}

/* ---- the debug log ------------------------------------------------------- */

static const char *signame(int sig, char *buf, size_t len)
{
	const char *n = sig < SIGRTMIN ? sigabbrev_np(sig) : NULL;

	if (n)
		snprintf(buf, len, "SIG%s", n);
	else if (sig >= SIGRTMIN)
		snprintf(buf, len, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, len, "signal %d", sig); /* glibc's own 32 and 33 */
	return buf;
}

/* One line in the format of runtime/log.c, with one write() to the O_APPEND
 * file.  Formatted on the stack: no malloc once the shim is locked down. */
static void shim_log(const struct shim *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void shim_log(const struct shim *s, const char *fmt, ...)
{
	char msg[256], line[512], tbuf[48];
	struct timespec ts = {0};
	const char *id = s->o->id ? s->o->id : "";
	va_list ap;
	int n;

	if (!s->o->debug || s->o->log_fd < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	clock_gettime(CLOCK_REALTIME, &ts);
	if (!rl_rfc3339_nano(ts.tv_sec, ts.tv_nsec, tbuf, sizeof(tbuf)))
		snprintf(tbuf, sizeof(tbuf), "1970-01-01T00:00:00Z");
	if (s->o->log_json)
		n = snprintf(line, sizeof(line),
			     "{\"level\":\"debug\",\"msg\":\"shim[%s]: %s\",\"time\":\"%s\"}\n", id,
			     msg, tbuf);
	else
		n = snprintf(line, sizeof(line), "time=\"%s\" level=debug msg=\"shim[%s]: %s\"\n",
			     tbuf, id, msg);
	if (n > 0 && (size_t)n < sizeof(line)) {
		ssize_t w;

		do
			w = write(s->o->log_fd, line, (size_t)n);
		while (w < 0 && errno == EINTR);
	}
}

static void log_fault_signals(const struct shim *s)
{
	unsigned f = __atomic_exchange_n(&fault_fwd, 0, __ATOMIC_RELAXED);
	unsigned d = __atomic_exchange_n(&fault_drop, 0, __ATOMIC_RELAXED);
	char nb[32];

	for (int sig = 1; sig < 32 && (f | d); sig++) {
		if (f & (1u << sig))
			shim_log(s, "forwarded %s to pid %d", signame(sig, nb, sizeof(nb)),
				 s->child);
		if (d & (1u << sig))
			shim_log(s, "dropped %s sent from inside the container",
				 signame(sig, nb, sizeof(nb)));
	}
}

/* ---- signals ------------------------------------------------------------- */

/* Async-signal-safe: also called by the fault handler. */
static void forward(int sig)
{
	pid_t pid = fwd_pid;

	if (pid <= 0)
		return;
	/* ESRCH: the workload moved to another group; it still gets it */
	if (fwd_group && kill(-pid, sig) == 0)
		return;
	kill(pid, sig);
}

/* A signal is from inside the container when a process sent it (si_code <=
 * 0: SI_USER, SI_QUEUE, SI_TKILL ...) and the sender is visible in our pid
 * namespace: the kernel reports si_pid 0 for a sender in an ancestor one
 * (rlite kill) and for signals of its own (the tty driver). */
static bool from_inside(int code, uint32_t pid)
{
	return code <= 0 && pid != 0;
}

static void on_fault(int sig, siginfo_t *si, void *uc)
{
	int saved = errno;

	(void)uc;
	if (si->si_code > 0) {
		/* A real fault.  With SIG_DFL the faulting instruction traps
		 * again and the kernel kills us: force_sig_fault() lifts pid 1's
		 * protection for a default action.  A trap that does not repeat
		 * (int3, a seccomp SIGSYS) ends here. */
		struct sigaction dfl = {.sa_handler = SIG_DFL};

		sigaction(sig, &dfl, NULL);
		if (sig != SIGSEGV && sig != SIGBUS && sig != SIGILL && sig != SIGFPE)
			_exit(128 + sig);
	} else if (from_inside(si->si_code, (uint32_t)si->si_pid)) {
		__atomic_or_fetch(&fault_drop, 1u << sig, __ATOMIC_RELAXED);
	} else {
		forward(sig);
		__atomic_or_fetch(&fault_fwd, 1u << sig, __ATOMIC_RELAXED);
	}
	errno = saved;
}

/* Without SA_RESTART: the loop's read() returns EINTR and logs at once. */
static void install_fault_handlers(void)
{
	struct sigaction sa = {.sa_sigaction = on_fault, .sa_flags = SA_SIGINFO};

	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(fault_sigs) / sizeof(fault_sigs[0]); i++)
		sigaction(fault_sigs[i], &sa, NULL);
}

/* ---- reaping and exiting --------------------------------------------------- */

/* waitpid(-1, WNOHANG) until 0 or ECHILD: one SIGCHLD may stand for many
 * exits.  true while children remain. */
static bool reap(struct shim *s)
{
	for (;;) {
		int st = 0;
		pid_t pid = waitpid(-1, &st, WNOHANG);

		if (pid < 0 && errno == EINTR)
			continue;
		if (pid == 0)
			return true;
		if (pid < 0)
			return false;
		if (pid == s->child) {
			s->child_done = true;
			s->code = rl_proc_status_code(st);
			fwd_pid = 0;
			shim_log(s, "workload pid %d exited: status %d", pid, s->code);
		} else {
			shim_log(s, "reaped pid %d: status %d", pid, rl_proc_status_code(st));
		}
	}
}

static void drain_during_grace(struct shim *s)
{
	struct signalfd_siginfo si[16];
	char nb[32];
	ssize_t n;

	do
		n = read(s->sfd, si, sizeof(si));
	while (n < 0 && errno == EINTR);
	for (ssize_t i = 0; n > 0 && i < n / (ssize_t)sizeof(si[0]); i++)
		if (si[i].ssi_signo != SIGCHLD)
			shim_log(s, "dropped %s: the workload has exited",
				 signame((int)si[i].ssi_signo, nb, sizeof(nb)));
}

/* org.rlite.init.grace-ms: SIGTERM to the rest of the container, then reap
 * until none is left or the time is up.  kill(-1) from pid 1 reaches every
 * process of the pid namespace but pid 1; anywhere else (a test outside a
 * pid namespace) it would reach the host's, so it is not sent there. */
static void grace(struct shim *s)
{
	struct timespec end, now;

	if (getpid() == 1)
		kill(-1, SIGTERM);
	shim_log(s, "grace period: SIGTERM to every other process, waiting up to %u ms",
		 s->o->grace_ms);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += s->o->grace_ms / 1000;
	end.tv_nsec += (long)(s->o->grace_ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	while (reap(s)) {
		struct pollfd p = {.fd = s->sfd, .events = POLLIN};
		struct timespec left;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = end.tv_sec - now.tv_sec;
		left.tv_nsec = end.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_sec--;
			left.tv_nsec += 1000000000L;
		}
		if (left.tv_sec < 0)
			return;
		if (ppoll(&p, 1, &left, NULL) > 0)
			drain_during_grace(s);
	}
}

static _Noreturn void finish(struct shim *s)
{
	if (s->o->grace_ms > 0 && reap(s))
		grace(s);
	shim_log(s, "exiting with status %d", s->code);
	_exit(s->code);
}

static void handle(struct shim *s, const struct signalfd_siginfo *si)
{
	int sig = (int)si->ssi_signo;
	char nb[32];

	if (sig == SIGCHLD) {
		reap(s);
		if (s->child_done)
			finish(s);
		return;
	}
	if (from_inside(si->ssi_code, si->ssi_pid)) {
		shim_log(s, "dropped %s sent by pid %u inside the container",
			 signame(sig, nb, sizeof(nb)), si->ssi_pid);
		return;
	}
	forward(sig);
	shim_log(s, "forwarded %s to %s %d", signame(sig, nb, sizeof(nb)),
		 fwd_group ? "process group" : "pid", s->child);
}

/* Cannot happen (a signalfd read fails with EINTR at most); if it does, the
 * shim still reaps and exits with the workload's status, without
 * forwarding. */
static _Noreturn void fallback_wait(struct shim *s)
{
	for (;;) {
		int st = 0;
		pid_t pid = waitpid(-1, &st, 0);

		if (pid == s->child)
			_exit(rl_proc_status_code(st));
		if (pid < 0 && errno == ECHILD)
			_exit(s->child_done ? s->code : 1);
	}
}

/* A blocking read: the shim sleeps until the kernel has something for it. */
static _Noreturn void shim_loop(struct shim *s)
{
	struct signalfd_siginfo si[16];

	for (;;) {
		ssize_t n = read(s->sfd, si, sizeof(si));

		log_fault_signals(s);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < (ssize_t)sizeof(si[0]))
			fallback_wait(s);
		for (ssize_t i = 0; i < n / (ssize_t)sizeof(si[0]); i++)
			handle(s, &si[i]);
	}
}

/* ---- lockdown ------------------------------------------------------------- */

static int build_filter(scmp_filter_ctx *out, struct rl_error *err)
{
	scmp_filter_ctx f = seccomp_init(SCMP_ACT_KILL_PROCESS);

	if (!f)
		return rl_error_set(err, ENOMEM, "shim: seccomp_init");
	for (size_t i = 0; i < sizeof(shim_syscalls) / sizeof(shim_syscalls[0]); i++) {
		int nr = seccomp_syscall_resolve_name(shim_syscalls[i]);
		int r;

		if (nr == __NR_SCMP_ERROR)
			continue; /* not on this architecture */
		r = seccomp_rule_add(f, SCMP_ACT_ALLOW, nr, 0);
		if (r < 0) {
			seccomp_release(f);
			return rl_error_set(err, -r, "shim: seccomp rule for %s", shim_syscalls[i]);
		}
	}
	*out = f;
	return 0;
}

static int cmp_int(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Closes every fd but keep[] (-1 entries ignored). */
static void close_all_but(int *keep, size_t n)
{
	unsigned lo = 0;

	qsort(keep, n, sizeof(*keep), cmp_int);
	for (size_t i = 0; i <= n; i++) {
		unsigned hi = i < n ? (unsigned)keep[i] : UINT_MAX;

		if (i < n && keep[i] < 0)
			continue;
		if (hi > lo && syscall(SYS_close_range, lo, hi - 1, 0) < 0) {
			/* ENOSYS before Linux 5.9 */
			for (unsigned fd = lo; fd < hi && fd < 65536; fd++)
				close((int)fd);
		}
		if (i < n)
			lo = hi + 1;
	}
}

/* Only CAP_KILL: to signal a workload that changed its uid and the rest of
 * the container in the grace period.  Waiting needs no capability. */
static int drop_caps(struct rl_error *err)
{
	int last = rl_caps_kernel_last();

	for (int c = 0; c <= last; c++)
		if (c != CAP_KILL && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			return rl_error_set(err, errno,
					    "shim: drop capability %d from the bounding set", c);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	capng_clear(CAPNG_SELECT_CAPS);
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_KILL) < 0 ||
	    capng_apply(CAPNG_SELECT_CAPS) < 0)
		return rl_error_set(err, EPERM, "shim: keep only CAP_KILL");
	return 0;
}

static int lockdown(struct shim *s, struct prep *p, struct rl_error *err)
{
	int keep[] = {s->sfd, p->ready[1], s->o->debug ? s->o->log_fd : -1};
	int r;

	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	close_all_but(keep, sizeof(keep) / sizeof(keep[0]));
	if (drop_caps(err) < 0)
		return -1;
	/* Rootless, `rlite exec` runs as the same user without
	 * CAP_SYS_PTRACE, and the kernel lets it open our /proc/PID/ns/ only
	 * while we are dumpable (ptrace_may_access: our mm belongs to the
	 * host's user namespace, not the container's).  Whatever could then
	 * open or trace us from the container runs as that same host user:
	 * we hold no fd but our own and CAP_KILL in a namespace the user owns,
	 * and our exe, the rlite binary, is not writable while it runs
	 * (ETXTBSY).  With root, nothing needs it: stay non-dumpable. */
	if (s->o->dumpable)
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return rl_error_set(err, errno, "shim: prctl(PR_SET_NO_NEW_PRIVS)");
	r = seccomp_load(p->filter);
	if (r < 0)
		return rl_error_set(err, -r, "shim: load the seccomp filter");
	return 0;
}

/* ---- the fork -------------------------------------------------------------- */

static void prep_undo(struct prep *p)
{
	if (p->sfd >= 0) {
		sigprocmask(SIG_SETMASK, &p->oldmask, NULL);
		close(p->sfd);
	}
	if (p->ready[0] >= 0)
		close(p->ready[0]);
	if (p->ready[1] >= 0)
		close(p->ready[1]);
	if (p->filter)
		seccomp_release(p->filter);
}

/* The signals with a handler, from SigCgt in procfd's self/status: one
 * read instead of a sigaction() for each of 64.  Bit N-1 is signal N.
 * Without procfd, or where it cannot be read: sigaction() it is. */
static void find_caught(int procfd, sigset_t *caught)
{
	char buf[4096], *line = NULL;
	struct rl_error e = {0};
	unsigned long long mask;

	sigemptyset(caught);
	if (procfd >= 0 && rl_procfs_read(procfd, "self/status", buf, sizeof(buf), &e) >= 0)
		line = strstr(buf, "\nSigCgt:\t");
	if (!line) {
		for (int sig = 1; sig < NSIG; sig++) {
			struct sigaction sa;

			if (sigaction(sig, NULL, &sa) == 0 && sa.sa_handler != SIG_IGN &&
			    sa.sa_handler != SIG_DFL)
				sigaddset(caught, sig);
		}
		return;
	}
	mask = strtoull(line + sizeof("\nSigCgt:\t") - 1, NULL, 16);
	for (int sig = 1; sig < NSIG && sig <= 64; sig++)
		if (mask & (1ULL << (sig - 1)))
			sigaddset(caught, sig);
}

static int prepare(struct prep *p, int procfd, struct rl_error *err)
{
	sigset_t all;

	find_caught(procfd, &p->caught);
	if (build_filter(&p->filter, err) < 0)
		return -1;
	if (pipe2(p->ready, O_CLOEXEC) < 0)
		return rl_error_set(err, errno, "shim: pipe");
	sigfillset(&all);
	for (size_t i = 0; i < sizeof(fault_sigs) / sizeof(fault_sigs[0]); i++)
		sigdelset(&all, fault_sigs[i]);
	if (sigprocmask(SIG_SETMASK, &all, &p->oldmask) < 0)
		return rl_error_set(err, errno, "shim: sigprocmask");
	p->sfd = signalfd(-1, &all, SFD_CLOEXEC);
	if (p->sfd < 0) {
		int e = errno;

		sigprocmask(SIG_SETMASK, &p->oldmask, NULL);
		return rl_error_set(err, e, "shim: signalfd");
	}
	/* EPERM: already the leader of a session (process.terminal made one). */
	if (setsid() < 0 && getsid(0) != getpid())
		return rl_error_set(err, errno, "shim: setsid");
	return 0;
}

/* Waits for the shim's EOF (locked down) or its error. */
static int wait_shim(int fd, struct rl_error *err)
{
	struct rl_error e = {0};
	ssize_t n;

	do
		n = read(fd, &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	if (n != (ssize_t)sizeof(e))
		return rl_error_set(err, n < 0 ? errno : EPROTO, "shim: wait for the lockdown");
	e.msg[sizeof(e.msg) - 1] = '\0';
	*err = e;
	return -1;
}

/* The workload's side: own process group, foreground on a controlling
 * terminal, then the caller's signal state minus the caller's handlers
 * (SIG_DFL for each, before the mask opens; SIG_IGN and SIG_DFL stay).
 * *ready: the end of the lockdown pipe, for rl_shim_wait. */
static int child_start(struct prep *p, int *ready)
{
	sigset_t none;

	close(p->sfd);
	close(p->ready[1]);
	/* As a shell: both sides call setpgid, whichever runs first wins. */
	setpgid(0, 0);
	/* The group is the terminal's foreground one, so ^C and ^Z from the tty
	 * driver reach the workload, not the shim.  tcsetpgrp() from a
	 * background group raises SIGTTOU, blocked here. */
	if (isatty(STDIN_FILENO) && tcgetsid(STDIN_FILENO) == getsid(0))
		tcsetpgrp(STDIN_FILENO, getpid());
	*ready = p->ready[0];
	seccomp_release(p->filter);
	for (int sig = 1; sig < NSIG; sig++) {
		struct sigaction dfl = {.sa_handler = SIG_DFL};

		if (sig != SIGKILL && sig != SIGSTOP && sigismember(&p->caught, sig))
			sigaction(sig, &dfl, NULL); /* EINVAL for glibc's own: fine */
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	return 0;
}

/* The runtime's argv strings: one area the kernel shows as
 * /proc/PID/cmdline (rl_shim_title_area). */
static char *title_area;
static size_t title_len;

void rl_shim_title_area(int argc, char **argv)
{
	char *end;

	if (argc < 1 || !argv[0])
		return;
	end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
	for (int i = 0; i < argc; i++)
		if (argv[i] < argv[0] || argv[i] >= end)
			return; /* not the kernel's one area: leave it */
	title_area = argv[0];
	title_len = (size_t)(end - argv[0]);
}

/* ps, top and `podman top` show the shim as "rlite-init", not as the
 * whole create command line it was forked from.  With the area's last byte
 * not a NUL, the kernel reads /proc/PID/cmdline up to the first NUL only
 * (fs/proc/base.c get_mm_proctitle, what setproctitle(3) relies on). */
static void set_title(void)
{
	static const char title[] = "rlite-init";

	prctl(PR_SET_NAME, title, 0, 0, 0);
	if (!title_area || title_len < sizeof(title) + 1)
		return;
	memset(title_area, 0, title_len);
	memcpy(title_area, title, sizeof(title));
	title_area[title_len - 1] = ' ';
}

static _Noreturn void shim_main(const struct rl_shim_opts *opts, struct prep *p, pid_t child)
{
	/* The id may point into argv, which set_title overwrites. */
	static char id[1025]; /* RL_ID_MAX + 1 */
	struct rl_shim_opts copy = *opts, *o = &copy;
	struct shim s = {.o = o, .sfd = p->sfd, .child = child, .code = 1};
	struct rl_error e = {0};
	ssize_t w;

	close(p->ready[0]);
	if (o->id) {
		snprintf(id, sizeof(id), "%s", o->id);
		o->id = id;
	}
	set_title();
	/* The conductor set SIGKILL on the runtime's death for the setup; from
	 * here the workload reports "ready" and the runtime (create) may leave:
	 * the shim must stay.  A runtime that dies during the setup closes the
	 * sync channel, and the workload, then the shim, exit. */
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	setpgid(child, child);
	fwd_pid = child;
	fwd_group = o->signal_group;
	install_fault_handlers();
	if (lockdown(&s, p, &e) < 0) {
		/* The child reports it over the sync channel and exits; so do
		 * we, with its status, from the loop. */
		do
			w = write(p->ready[1], &e, sizeof(e));
		while (w < 0 && errno == EINTR);
	}
	close(p->ready[1]);
	shim_log(&s, "pid 1 of the container, workload pid %d%s", child,
		 o->signal_group ? ", forwarding to its process group" : "");
	shim_loop(&s);
}

int rl_shim_wait(int ready, struct rl_error *err)
{
	int r = wait_shim(ready, err);

	close(ready);
	return r;
}

int rl_shim_fork(const struct rl_shim_opts *o, int *ready, struct rl_error *err)
{
	struct prep p = {.sfd = -1, .ready = {-1, -1}};
	pid_t pid;

	if (prepare(&p, o->procfd, err) < 0) {
		prep_undo(&p);
		return -1;
	}
	pid = fork();
	if (pid < 0) {
		int e = errno;

		prep_undo(&p);
		return rl_error_set(err, e, "shim: fork the workload");
	}
	if (pid == 0)
		return child_start(&p, ready);
	shim_main(o, &p, pid);
}
