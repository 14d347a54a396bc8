/* The pid-1 shim (runtime/shim.h): its options, and the real shim loop as
 * pid 1 of a new pid namespace (no rootfs needed) over workloads that exit,
 * fork orphans, get signals from outside and send some to pid 1 from
 * inside.  Every run goes through the shim's seccomp filter: a system call it
 * lacks would kill the shim and show up as a wrong status.  Root only for the
 * second part (it is skipped otherwise). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/clone.h"
#include "runtime/procid.h"
#include "runtime/conf.h"
#include "runtime/procfs.h"
#include "runtime/shim.h"
#include "tap.h"

/* How long the test waits for what must happen (a reaped orphan, a ready
 * workload): far more than a correct shim needs on a loaded machine; only
 * a bug reaches it.  Speed is `make bench`'s, not a verdict here. */
#define DEADLINE_MS 30000

/* ---- options ------------------------------------------------------------ */

static void set_annot(struct rl_config *c, char **k, char **v, size_t n)
{
	c->annotations.keys = k;
	c->annotations.values = v;
	c->annotations.n = n;
}

/* --init, rlite.conf's init, the auto list, the annotation above them. */
static void test_init_modes(void)
{
	struct rl_process p = {0};
	struct rl_config c = {.process = &p};
	char *argv[] = {"/sbin/docker-init", "--", "sh", NULL};
	char *k[1] = {RL_SHIM_ANNOT}, *v[1] = {"true"};
	struct rl_shim_opts o;
	struct rl_error e = {0};
	struct rl_conf conf = {.init_mode = RL_INIT_AUTO};
	const char *why = NULL;
	int r;

	p.args.v = argv;
	p.args.n = 3;
	r = rl_shim_config(&c, true, RL_INIT_AUTO, false, &o, &why, &e);
	ok(r == 0 && !o.enabled && why && strstr(why, "init of its own"),
	   "auto: docker-init as args[0] is pid 1 itself (%s)", why ? why : "");
	ok(rl_shim_config(&c, true, RL_INIT_ALWAYS, false, &o, &why, &e) == 0 && o.enabled,
	   "always: a shim even in front of an init");
	argv[0] = "sh";
	ok(rl_shim_config(&c, true, RL_INIT_AUTO, false, &o, &why, &e) == 0 && o.enabled,
	   "auto: a shim in front of sh");
	ok(rl_shim_config(&c, true, RL_INIT_NEVER, false, &o, &why, &e) == 0 && !o.enabled,
	   "never: no shim");
	set_annot(&c, k, v, 1);
	r = rl_shim_config(&c, true, RL_INIT_NEVER, false, &o, &why, &e);
	ok(r == 0 && o.enabled && why && strstr(why, "annotation"),
	   "the annotation wins over --init (%s)", why ? why : "");
	c.annotations = (struct rl_map){0};
	ok(rl_shim_is_init("/sbin/init") && rl_shim_is_init("/init") && rl_shim_is_init("tini") &&
	       rl_shim_is_init("/usr/libexec/podman/catatonit") &&
	       rl_shim_is_init("/lib/systemd/systemd") && rl_shim_is_init("/run/podman-init") &&
	       rl_shim_is_init("dumb-init") && rl_shim_is_init("/command/s6-svscan"),
	   "the inits of the auto list");
	ok(!rl_shim_is_init("/bin/sh") && !rl_shim_is_init("initdb") && !rl_shim_is_init(NULL) &&
	       !rl_shim_is_init("/init/sh"),
	   "... and not what merely looks like one");
	is_int(rl_init_mode_parse("never"), RL_INIT_NEVER, "init mode: never");
	is_int(rl_init_mode_parse("Auto"), -1, "init mode: Auto refused");
	ok(rl_conf_parse("# defaults\n\n  init = never  # no shim\n", "c.conf", &conf, &e) == 0 &&
	       conf.init_mode == RL_INIT_NEVER,
	   "rlite.conf: init = never, comments and blank lines");
	ok(rl_conf_parse("init = sometimes\n", "c.conf", &conf, &e) < 0, "rlite.conf: bad value");
	is_str(e.msg, "c.conf:1: init: \"sometimes\": must be auto, always or never",
	       "... naming file, line and setting");
	ok(rl_conf_parse("\nroot = /x\n", "c.conf", &conf, &e) < 0 &&
	       strcmp(e.msg, "c.conf:2: unknown setting \"root\"") == 0,
	   "rlite.conf: an unknown setting is an error (%s)", e.msg);
	ok(rl_conf_parse("init\n", "c.conf", &conf, &e) < 0 && strstr(e.msg, "not key = value"),
	   "rlite.conf: a line without '='");
}

static void test_config(void)
{
	struct rl_config c = {0};
	struct rl_shim_opts o;
	struct rl_error e = {0};
	char *k[4] = {RL_SHIM_ANNOT, RL_SHIM_ANNOT_GROUP, RL_SHIM_ANNOT_GRACE, RL_SHIM_ANNOT_DEBUG};
	char *v[4] = {"true", "true", "1500", "true"};

	ok(rl_shim_config(&c, true, RL_INIT_AUTO, false, &o, NULL, &e) == 0 && o.enabled &&
	       !o.signal_group && o.grace_ms == 0 && !o.debug && o.log_fd == -1,
	   "default: on with a new pid namespace, no group, no grace, no debug");
	ok(rl_shim_config(&c, false, RL_INIT_AUTO, false, &o, NULL, &e) == 0 && !o.enabled,
	   "no new pid namespace: no shim");
	ok(rl_shim_config(&c, true, RL_INIT_NEVER, false, &o, NULL, &e) == 0 && !o.enabled,
	   "--no-init: no shim");
	ok(rl_shim_config(&c, true, RL_INIT_AUTO, true, &o, NULL, &e) == 0 && o.debug,
	   "--debug turns debug on");
	set_annot(&c, k, v, 4);
	ok(rl_shim_config(&c, true, RL_INIT_AUTO, false, &o, NULL, &e) == 0 && o.enabled &&
	       o.signal_group && o.grace_ms == 1500 && o.debug,
	   "annotations: signal-group, grace-ms, debug");
	v[0] = "false";
	ok(rl_shim_config(&c, true, RL_INIT_AUTO, false, &o, NULL, &e) == 0 && !o.enabled,
	   "org.rlite.init \"false\": no shim");
	v[0] = "no";
	ok(rl_shim_config(&c, true, RL_INIT_AUTO, false, &o, NULL, &e) < 0,
	   "org.rlite.init \"no\": refused");
	is_str(e.msg,
	       "config.json: annotations[\"org.rlite.init\"]: \"no\": must be \"true\" or "
	       "\"false\"",
	       "... naming the annotation");
	v[0] = "true";
	v[2] = "600001";
	ok(rl_shim_config(&c, true, RL_INIT_AUTO, false, &o, NULL, &e) < 0 &&
	       strstr(e.msg, "0 .. 600000"),
	   "grace-ms above the maximum: refused (%s)", e.msg);
	v[2] = "-1";
	ok(rl_shim_config(&c, true, RL_INIT_AUTO, false, &o, NULL, &e) < 0,
	   "grace-ms \"-1\": refused");
	v[2] = "";
	ok(rl_shim_config(&c, true, RL_INIT_AUTO, false, &o, NULL, &e) < 0,
	   "grace-ms \"\": refused");
	v[2] = "99999999999999999999";
	ok(rl_shim_config(&c, true, RL_INIT_AUTO, false, &o, NULL, &e) < 0,
	   "grace-ms overflowing: refused");
	test_init_modes();
	is_int(rl_proc_status_code(42 << 8), 42, "status code: exit 42");
	is_int(rl_proc_status_code(SIGTERM), 143, "status code: SIGTERM is 143");
}

/* ---- the real shim ------------------------------------------------------- */

/* Pipes between the test (host side) and the workload. */
struct run {
	int ready[2];  /* workload -> test: one byte once it is set up */
	int result[2]; /* workload -> test: what it saw */
	pid_t shim;    /* host pid of the shim (pid 1 of its namespace) */
};

typedef int (*workload_fn)(struct run *r);

static void wbyte(int fd, char c)
{
	if (write(fd, &c, 1) != 1)
		_exit(99);
}

/* pid 1 of a new pid namespace runs rl_shim_fork; its child runs fn and
 * exits with what fn returns. */
static void start(struct run *r, const struct rl_shim_opts *o, workload_fn fn, void (*before)(void))
{
	struct rl_error e = {0};
	int locked = -1;

	if (pipe(r->ready) < 0 || pipe(r->result) < 0)
		abort();
	fflush(stdout);
	r->shim = rl_clone_spawn(CLONE_NEWPID, &e);
	if (r->shim == 0) {
		if (before)
			before();
		if (rl_shim_fork(o, &locked, &e) < 0 || rl_shim_wait(locked, &e) < 0) {
			dprintf(2, "rl_shim_fork: %s\n", e.msg);
			_exit(98);
		}
		close(r->ready[0]);
		close(r->result[0]);
		_exit(fn(r));
	}
	close(r->ready[1]);
	close(r->result[1]);
}

static bool wait_ready(struct run *r)
{
	struct pollfd p = {.fd = r->ready[0], .events = POLLIN};
	char c;

	return poll(&p, 1, DEADLINE_MS) == 1 && read(r->ready[0], &c, 1) == 1;
}

static int finish(struct run *r, char *out, size_t len)
{
	int st = 0;
	ssize_t n, got = 0;

	while (len > 1 && (n = read(r->result[0], out + got, len - 1 - (size_t)got)) > 0)
		got += n;
	if (len)
		out[got] = '\0';
	close(r->ready[0]);
	close(r->result[0]);
	if (waitpid(r->shim, &st, 0) != r->shim)
		return -1;
	return rl_proc_status_code(st);
}

static struct rl_shim_opts opts(void)
{
	return (struct rl_shim_opts){.enabled = true, .log_fd = -1, .procfd = -1};
}

static int wl_exit42(struct run *r)
{
	(void)r;
	return 42;
}

static int wl_term_self(struct run *r)
{
	(void)r;
	kill(getpid(), SIGTERM);
	pause();
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* Orphans: N children each fork a grandchild and exit at once.  The
 * grandchildren report their ppid, then all block on one pipe and exit
 * together when the workload closes it; the workload watches until the
 * shim has reaped every one (DEADLINE_MS at most). */
#define N_ORPHANS 500

static int orphans_left(const pid_t *gp)
{
	int left = 0;

	for (int i = 0; i < N_ORPHANS; i++)
		left += kill(gp[i], 0) == 0; /* a zombie still exists */
	return left;
}

static int wl_orphans(struct run *r)
{
	int gate[2], pids[2];
	pid_t gp[N_ORPHANS];
	int ppid1 = 0, left = 0;

	if (pipe(gate) < 0 || pipe(pids) < 0)
		return 90;
	for (int i = 0; i < N_ORPHANS; i++) {
		pid_t c = fork();

		if (c == 0) {
			if (fork() == 0) {
				char b;
				int me[2];

				close(gate[1]);
				while (getppid() != 1)
					usleep(1000); /* until the middle one is gone */
				me[0] = getpid();
				me[1] = getppid();
				if (write(pids[1], me, sizeof(me)) != sizeof(me))
					_exit(1);
				if (read(gate[0], &b, 1) < 0)
					_exit(1);
				_exit(0);
			}
			_exit(0);
		}
		waitpid(c, NULL, 0);
	}
	close(pids[1]);
	for (int i = 0; i < N_ORPHANS; i++) {
		int me[2];

		if (read(pids[0], me, sizeof(me)) != sizeof(me))
			return 91;
		gp[i] = me[0];
		ppid1 += me[1] == 1;
	}
	close(gate[1]); /* every grandchild exits now */
	for (double t0 = now_ms(); (left = orphans_left(gp)) > 0 && now_ms() - t0 < DEADLINE_MS;)
		usleep(5000);
	dprintf(r->result[1], "ppid1=%d left=%d", ppid1, left);
	return 0;
}

/* Records what it receives (every signal blocked, sigwaitinfo), until
 * SIGRTMIN+2: one "sig:pid " per signal. */
static int wl_record(struct run *r)
{
	sigset_t all;
	siginfo_t si;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	wbyte(r->ready[1], 'R');
	for (;;) {
		int sig = sigwaitinfo(&all, &si);

		if (sig < 0)
			continue;
		dprintf(r->result[1], "%d ", sig);
		if (sig == SIGRTMIN + 2)
			return 0;
	}
}

/* Sends pid 1 what would kill a process, from inside: the shim drops them
 * all (the workload, with default actions, would die of any). */
static int wl_inside(struct run *r)
{
	static const int sigs[] = {SIGTERM, SIGINT,  SIGHUP,  SIGSEGV, SIGABRT, SIGBUS,
				   SIGUSR1, SIGQUIT, SIGTSTP, SIGSTOP, SIGKILL};

	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		kill(1, sigs[i]);
	usleep(200000);
	dprintf(r->result[1], "shim-alive=%d", kill(1, 0) == 0);
	return 7;
}

/* signal-group: a child in the workload's group dies of the forwarded
 * SIGUSR1 too. */
static int wl_group(struct run *r)
{
	sigset_t s;
	int st = 0;
	pid_t c = fork();

	if (c == 0) {
		pause();
		_exit(0);
	}
	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	wbyte(r->ready[1], 'R');
	while (sigwaitinfo(&s, NULL) < 0)
		;
	waitpid(c, &st, 0);
	dprintf(r->result[1], "pgid=%d child=%d", getpgid(0) == getpid(), rl_proc_status_code(st));
	return 0;
}

/* The caller ignores SIGPIPE, handles SIGUSR2 and blocks SIGHUP. */
static void on_usr2(int sig)
{
	(void)sig;
}

static void caller_signals(void)
{
	sigset_t s;

	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR2, on_usr2);
	sigemptyset(&s);
	sigaddset(&s, SIGHUP);
	sigprocmask(SIG_BLOCK, &s, NULL);
}

static int wl_sigstate(struct run *r)
{
	struct sigaction pipe_sa, usr2_sa, term_sa;
	sigset_t m;
	int blocked = 0;

	sigaction(SIGPIPE, NULL, &pipe_sa);
	sigaction(SIGUSR2, NULL, &usr2_sa);
	sigaction(SIGTERM, NULL, &term_sa);
	sigprocmask(SIG_SETMASK, NULL, &m);
	for (int sig = 1; sig < NSIG; sig++)
		blocked += sigismember(&m, sig) == 1;
	dprintf(r->result[1], "pipe=%s usr2=%s term=%s blocked=%d pgid=%d",
		pipe_sa.sa_handler == SIG_IGN ? "ign" : "?",
		usr2_sa.sa_handler == SIG_DFL ? "dfl" : "?",
		term_sa.sa_handler == SIG_DFL ? "dfl" : "?", blocked, getpgid(0) == getpid());
	return 0;
}

/* Shows the shim's lockdown to the test, then waits for SIGUSR1. */
static int wl_wait_usr1(struct run *r)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGUSR1);
	sigprocmask(SIG_BLOCK, &s, NULL);
	wbyte(r->ready[1], 'R');
	while (sigwaitinfo(&s, NULL) < 0)
		;
	return 3;
}

/* grace-ms: a child that takes 300 ms to go on SIGTERM, one that ignores
 * it; the workload itself exits with 5 (6) once its child is set up. */
static void wait_byte(int fd)
{
	char c;

	while (read(fd, &c, 1) < 0)
		;
}

static int wl_grace(struct run *r)
{
	int up[2];

	if (pipe(up) < 0)
		return 90;
	if (fork() == 0) {
		sigset_t s;

		sigemptyset(&s);
		sigaddset(&s, SIGTERM);
		sigprocmask(SIG_BLOCK, &s, NULL);
		wbyte(up[1], 'U');
		while (sigwaitinfo(&s, NULL) < 0)
			;
		wbyte(r->result[1], 'T');
		usleep(300000);
		_exit(0);
	}
	wait_byte(up[0]);
	wbyte(r->ready[1], 'R');
	return 5;
}

static int wl_grace_stubborn(struct run *r)
{
	int up[2];

	if (pipe(up) < 0)
		return 90;
	if (fork() == 0) {
		signal(SIGTERM, SIG_IGN);
		wbyte(up[1], 'U');
		for (;;)
			pause();
	}
	wait_byte(up[0]);
	wbyte(r->ready[1], 'R');
	return 6;
}

static void read_status(pid_t pid, const char *key, char *out, size_t len)
{
	char path[64], line[256];
	FILE *f;

	out[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0 && line[strlen(key)] == ':') {
			snprintf(out, len, "%s", line + strlen(key) + 2);
			out[strcspn(out, "\n")] = '\0';
		}
	if (f)
		fclose(f);
}

static int count_fds(pid_t pid)
{
	char path[64];
	int n = 0;

	for (int fd = 0; fd < 1024; fd++) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
		n += access(path, F_OK) == 0;
	}
	return n;
}

static void test_exits(void)
{
	struct run r;
	struct rl_shim_opts o = opts();
	struct rl_error e = {0};
	char out[256];

	start(&r, &o, wl_exit42, NULL);
	is_int(finish(&r, out, sizeof(out)), 42, "the workload's exit code is the shim's");
	start(&r, &o, wl_term_self, NULL);
	is_int(finish(&r, out, sizeof(out)), 143, "a workload killed by SIGTERM: 143");
	/* without a procfs: every signal is taken for a handled one */
	start(&r, &o, wl_sigstate, caller_signals);
	is_int(finish(&r, out, sizeof(out)), 0, "clean signal state: ran");
	is_str(out, "pipe=ign usr2=dfl term=dfl blocked=0 pgid=1",
	       "... ignored stays ignored, handled becomes default, empty mask, own group");
	/* with one: the handled ones are read from SigCgt */
	o.procfd = rl_procfs_open(false, &e);
	ok(o.procfd >= 0, "a procfs for the shim");
	start(&r, &o, wl_sigstate, caller_signals);
	is_int(finish(&r, out, sizeof(out)), 0, "clean signal state from SigCgt: ran");
	is_str(out, "pipe=ign usr2=dfl term=dfl blocked=0 pgid=1",
	       "... the same: ignored stays ignored, handled becomes default");
	close(o.procfd);
}

static void test_orphans(void)
{
	struct run r;
	struct rl_shim_opts o = opts();
	char out[256];

	start(&r, &o, wl_orphans, NULL);
	is_int(finish(&r, out, sizeof(out)), 0, "%d orphans: ran", N_ORPHANS);
	is_str(out, "ppid1=500 left=0", "... all had ppid 1, every one reaped once they exited");
}

/* One "N " the recorder wrote, into buf (DEADLINE_MS at most). */
static bool read_token(int fd, char *buf, size_t len)
{
	size_t have = 0;

	buf[0] = '\0';
	while (have + 1 < len) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		if (poll(&p, 1, DEADLINE_MS) != 1 || read(fd, buf + have, 1) != 1)
			return false;
		buf[++have] = '\0';
		if (buf[have - 1] == ' ')
			return true;
	}
	return false;
}

static void test_forwarding(void)
{
	struct run r;
	struct rl_shim_opts o = opts();
	char out[512], want[512] = "", got[512] = "", tok[16];
	size_t n = 0, g = 0;

	/* One at a time: each is sent once the recorder got the one before.
	 * Sent faster, two could meet pending in the shim or the workload,
	 * where a stop signal discards a pending SIGCONT (and SIGCONT the
	 * stop signals): the kernel's rule, no loss of the shim's. */
	start(&r, &o, wl_record, NULL);
	ok(wait_ready(&r), "recorder ready");
	for (int sig = 1; sig < 32; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP || sig == SIGCHLD)
			continue;
		kill(r.shim, sig);
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%d ", sig);
		if (read_token(r.result[0], tok, sizeof(tok)))
			g += (size_t)snprintf(got + g, sizeof(got) - g, "%s", tok);
		else
			g += (size_t)snprintf(got + g, sizeof(got) - g, "(nothing for %d) ", sig);
	}
	kill(r.shim, SIGRTMIN + 2);
	snprintf(want + n, sizeof(want) - n, "%d ", SIGRTMIN + 2);
	is_int(finish(&r, out, sizeof(out)), 0, "recorder exited 0, the shim too");
	snprintf(got + g, sizeof(got) - g, "%s", out);
	is_str(got, want, "signals 1-31 but KILL STOP CHLD, and SIGRTMIN+2, forwarded in order");

	start(&r, &o, wl_inside, NULL);
	is_int(finish(&r, out, sizeof(out)), 7,
	       "TERM INT HUP SEGV ABRT BUS USR1 QUIT TSTP STOP KILL sent to pid 1 from inside: "
	       "dropped, the workload exits as it wanted");
	is_str(out, "shim-alive=1", "... and the shim was still there");

	o.signal_group = true;
	start(&r, &o, wl_group, NULL);
	ok(wait_ready(&r), "group workload ready");
	kill(r.shim, SIGUSR1);
	is_int(finish(&r, out, sizeof(out)), 0, "signal-group: ran");
	is_str(out, "pgid=1 child=138", "... the workload's child got the SIGUSR1 too");
}

static void test_lockdown(void)
{
	struct run r;
	struct rl_shim_opts o = opts();
	char out[64], v[128];

	start(&r, &o, wl_wait_usr1, NULL);
	ok(wait_ready(&r), "workload ready (the shim is locked down before it runs)");
	read_status(r.shim, "CapEff", v, sizeof(v));
	is_str(v, "0000000000000020", "shim CapEff: CAP_KILL only");
	read_status(r.shim, "CapBnd", v, sizeof(v));
	is_str(v, "0000000000000020", "shim CapBnd: CAP_KILL only");
	read_status(r.shim, "NoNewPrivs", v, sizeof(v));
	is_str(v, "1", "shim: no_new_privs");
	read_status(r.shim, "Seccomp", v, sizeof(v));
	is_str(v, "2", "shim: a seccomp filter");
	is_int(count_fds(r.shim), 1, "shim: one fd (the signalfd)");
	kill(r.shim, SIGUSR1);
	is_int(finish(&r, out, sizeof(out)), 3, "SIGUSR1 forwarded under the filter");
}

static void test_grace(void)
{
	struct run r;
	struct rl_shim_opts o = opts();
	char out[64];
	double t0, dt;

	/* A grace far longer than the child needs: ending before it ran out
	 * shows the shim waited for the child, not for the grace. */
	o.grace_ms = DEADLINE_MS;
	start(&r, &o, wl_grace, NULL);
	ok(wait_ready(&r), "grace: ready");
	t0 = now_ms();
	is_int(finish(&r, out, sizeof(out)), 5, "grace: the workload's status");
	dt = now_ms() - t0;
	is_str(out, "T", "grace: the rest got SIGTERM");
	/* the child takes 300 ms after its SIGTERM, which comes after "ready" */
	ok(dt >= 200 && dt < DEADLINE_MS,
	   "grace: the shim waited for them (300 ms), not the whole grace (%.0f ms)", dt);

	/* A child that ignores SIGTERM never goes on its own: the shim ends
	 * only because the grace ran out and SIGKILL followed, never before. */
	o.grace_ms = 300;
	start(&r, &o, wl_grace_stubborn, NULL);
	ok(wait_ready(&r), "grace: stubborn child ready");
	t0 = now_ms();
	is_int(finish(&r, out, sizeof(out)), 6, "grace: status with a child ignoring SIGTERM");
	dt = now_ms() - t0;
	ok(dt >= 250, "grace: ended once the 300 ms ran out (%.0f ms)", dt);
}

static void test_debug(void)
{
	struct run r;
	struct rl_shim_opts o = opts();
	char out[64], path[] = "/tmp/test_shim.XXXXXX", buf[8192] = "";
	int fd = mkstemp(path);
	ssize_t n;

	o.debug = true;
	o.log_fd = fd;
	o.id = "dbg";
	start(&r, &o, wl_wait_usr1, NULL);
	ok(wait_ready(&r), "debug: ready");
	kill(r.shim, SIGUSR1);
	is_int(finish(&r, out, sizeof(out)), 3, "debug: status");
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	ok(strstr(buf, "level=debug msg=\"shim[dbg]: forwarded SIGUSR1 to pid 2\"") != NULL,
	   "debug: the forwarded signal is logged");
	ok(strstr(buf, "msg=\"shim[dbg]: workload pid 2 exited: status 3\"") != NULL,
	   "debug: the reaped workload is logged");
	if (!strstr(buf, "forwarded"))
		printf("# log:\n%s", buf);
	close(fd);
	unlink(path);
}

int main(void)
{
	/* A shim that never ends (a lost child, a grace never over) would
	 * hang the whole run: end with a failure instead. */
	alarm(600);
	test_config();
	if (geteuid() != 0) {
		ok(1, "# SKIP the shim runs need root");
		return done_testing();
	}
	test_exits();
	test_orphans();
	test_forwarding();
	test_lockdown();
	test_grace();
	test_debug();
	return done_testing();
}
