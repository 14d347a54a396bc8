/* rlbench: the timing driver of `make bench` (tests/bench/bench.sh).
 *
 *   rlbench MODE [-r ROUNDS] [-n N] [-k FIRST] [-t SECONDS] [-f TRUE]
 *           -w WORKDIR -b BUNDLE -i IDPREFIX [-s SET] NAME=RUNTIME...
 *   rlbench stats KEY NAME            (numbers on stdin)
 *
 * Every NAME=RUNTIME is a binary with runc's command line (rlite, runc,
 * crun).  Each one is driven as
 *
 *   RUNTIME --root WORKDIR/SET/NAME --log WORKDIR/log/NAME.log CMD ... ID
 *
 * with stdin and stdout on /dev/null and stderr in WORKDIR/err/NAME.err.
 * Rounds are interleaved: round 1 of every runtime, then round 2 of every
 * runtime, so a drift of the machine (page cache, cpu frequency, a cron job)
 * spreads over all of them alike; and each round starts with the next
 * runtime (rlite, runc, crun; then runc, crun, rlite; ...), so that none
 * always has the same place in the round.
 *
 * Modes, and the figures they print (one JSON object a line on stdout:
 * {"key", "runtime", "n", "median", "min", "max"}):
 *
 *   run    `run --bundle B ID` of the bundle (/bin/true) once per round:
 *          run.ms, run.maxrss_kb.  With -f TRUE also the floor:
 *          `unshare -p -f -m -u -i -n TRUE`, no runtime at all, as "floor";
 *          with -K KFLOOR also `KFLOOR BUNDLE/rootfs` (kfloor.c: the
 *          kernel's part of the whole bundle's run), as "kfloor".
 *   cold   as run, but with the kernel's caches dropped before each
 *          command (untimed: sync, then 3 to /proc/sys/vm/drop_caches), so
 *          the runtime, its libraries and the rootfs come from the disk
 *          again, as for the first container after boot: cold.run.ms.
 *   life   `create --pid-file`, `start`, then (untimed) the wait for the
 *          container's init to exit, then `delete` of the stopped container:
 *          create.ms, start.ms, delete.ms and their .maxrss_kb.
 *   par    N `run`s started at once per round; the round lasts until the
 *          last one exits: par.N.per_s (containers a second) and
 *          par.N.failures (non-zero exits, summed over the rounds).
 *   fill   untimed: create + start + wait for containers FIRST..N-1 (ids
 *          IDPREFIX-q-NAME-K), leaving them stopped, for `query`.
 *   query  `list` and `state IDPREFIX-q-NAME-0` once per round, with N
 *          containers present: list.N.ms, state.N.ms and their .maxrss_kb.
 *   density  for each runtime in turn, N detached containers of the bundle
 *          (-b: one whose process sleeps): `run --detach --bundle B ID`
 *          of each, one after another (dens.N.start_s, the total, and
 *          dens.N.run_d.ms, each command), `list` with all N running
 *          (dens.N.list.ms, -r rounds), `kill ID KILL` of each
 *          (dens.N.kill_s), then `delete --force ID` of each
 *          (dens.N.delete_s).  Not interleaved: while one runtime's N
 *          containers run, the -x hook (untimed) samples what the host
 *          holds for them, so no other runtime's may be there.  The hook
 *          runs as `HOOK before|running NAME N` with this driver's stdout.
 *   stats  median, min and max of the numbers on stdin, as one such line.
 *
 * Times come from CLOCK_MONOTONIC just before posix_spawn and just after
 * wait4 returns the command; peak memory is wait4's ru_maxrss, i.e. the
 * command's process and every process it waited for itself.
 *
 * The driver is a child subreaper (PR_SET_CHILD_SUBREAPER): `create` leaves
 * the container's init to its caller, as conmon or containerd's shim would
 * be, and here the caller is this process, which reaps it.  Each command has
 * a timeout (-t, default 30 s); a command that hangs is killed and counts
 * as a failure.  A failure outside `par` ends the driver at once with
 * status 1, after printing the command, its stderr and the end of its
 * --log file; `par` counts failures, prints the first and exits 3 at the
 * end.  SIGINT or SIGTERM kills the commands in flight and exits 130. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

#define MAX_RT	 8
#define MAX_PAR	 256
#define MAX_ARGV 16

struct rt {
	const char *name;
	const char *bin;
	char root[PATH_MAX];
	char log[PATH_MAX];
	char err[PATH_MAX];
	char pidfile[PATH_MAX];
};

struct job {
	pid_t pid;
	int status;
	int done;
	int timed_out;
	struct rusage ru;
	struct timespec t0, t1;
	int errfd;
	const struct rt *rt;
	char *argv[MAX_ARGV];
	char id[128];
	char errpath[PATH_MAX];
};

/* A series of samples of one figure of one runtime. */
struct series {
	double *v;
	size_t n, cap;
};

static struct {
	const char *mode;
	int rounds;
	int n;
	int first;
	int timeout;
	const char *floor_true;
	const char *kfloor;
	const char *work;
	const char *bundle;
	const char *prefix;
	const char *set;
	const char *hook;
	struct rt rt[MAX_RT];
	int nrt;
} opt = {.rounds = 10, .n = 1, .timeout = 30, .set = "seq"};

static int devnull = -1;
static sigset_t waitset;
/* The container init `life` and `fill` wait for; any reap loop may reap it. */
static pid_t watch_pid;
static int watch_done;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "rlbench: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: rlbench run|cold|life|par|exec|fill|query|density [-r ROUNDS] [-n N]\n"
		"         [-k FIRST] [-t SECONDS] [-f TRUE] [-K KFLOOR] [-x HOOK] -w WORKDIR\n"
		"         -b BUNDLE -i IDPREFIX [-s SET]\n"
		"         NAME=RUNTIME...\n"
		"       rlbench stats KEY NAME < numbers\n");
	exit(2);
}

static double ms_between(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e3 + (double)(b->tv_nsec - a->tv_nsec) / 1e6;
}

static void series_add(struct series *s, double v)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		if (!s->v)
			die("out of memory");
	}
	s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void series_print(const char *key, const char *name, struct series *s)
{
	double med;

	if (s->n == 0)
		return;
	qsort(s->v, s->n, sizeof(*s->v), cmp_double);
	med = s->n % 2 ? s->v[s->n / 2] : (s->v[s->n / 2 - 1] + s->v[s->n / 2]) / 2;
	printf("{\"key\":\"%s\",\"runtime\":\"%s\",\"n\":%zu,\"median\":%.3f,\"min\":%.3f,"
	       "\"max\":%.3f}\n",
	       key, name, s->n, med, s->v[0], s->v[s->n - 1]);
	fflush(stdout);
}

static void write_tail(const char *what, const char *path, long max_bytes)
{
	char buf[4096];
	FILE *f = fopen(path, "re");
	long size;
	size_t got;

	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	if (size <= 0) {
		fclose(f);
		return;
	}
	fprintf(stderr, "--- %s (%s%s):\n", what, path, size > max_bytes ? ", its end" : "");
	fseek(f, size > max_bytes ? size - max_bytes : 0, SEEK_SET);
	while ((got = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, got, stderr);
	fclose(f);
	fprintf(stderr, "---\n");
}

static void report_failure(const struct job *j)
{
	fprintf(stderr, "rlbench: %s failed:", j->rt->name);
	for (int i = 0; j->argv[i]; i++)
		fprintf(stderr, " %s", j->argv[i]);
	if (j->timed_out)
		fprintf(stderr, ": timed out after %d s, killed\n", opt.timeout);
	else if (WIFEXITED(j->status))
		fprintf(stderr, ": exit status %d\n", WEXITSTATUS(j->status));
	else
		fprintf(stderr, ": killed by signal %d\n", WTERMSIG(j->status));
	write_tail("stderr", j->errpath, 4096);
	write_tail("log", j->rt->log, 4096);
}

static int job_failed(const struct job *j)
{
	return j->timed_out || !WIFEXITED(j->status) || WEXITSTATUS(j->status) != 0;
}

/* The argv of one runtime command: global flags, then CMD and its args. */
static void job_argv(struct job *j, const struct rt *rt, const char *const *cmd)
{
	int a = 0;

	j->rt = rt;
	j->argv[a++] = (char *)rt->bin;
	j->argv[a++] = "--root";
	j->argv[a++] = (char *)rt->root;
	j->argv[a++] = "--log";
	j->argv[a++] = (char *)rt->log;
	for (int i = 0; cmd[i] && a < MAX_ARGV - 1; i++)
		j->argv[a++] = (char *)cmd[i];
	j->argv[a] = NULL;
}

/* The stderr file is opened before the clock starts; the spawn is timed. */
static void job_spawn(struct job *j, const char *errpath)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dfl;
	int rc;

	snprintf(j->errpath, sizeof(j->errpath), "%s", errpath);
	j->errfd = open(errpath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (j->errfd < 0)
		die("%s: %s", errpath, strerror(errno));
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, devnull, 0);
	posix_spawn_file_actions_adddup2(&fa, devnull, 1);
	posix_spawn_file_actions_adddup2(&fa, j->errfd, 2);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGCHLD);
	sigaddset(&dfl, SIGINT);
	sigaddset(&dfl, SIGTERM);
	sigaddset(&dfl, SIGPIPE);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dfl);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	j->done = j->timed_out = 0;
	clock_gettime(CLOCK_MONOTONIC, &j->t0);
	rc = posix_spawn(&j->pid, j->argv[0], &fa, &attr, j->argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0)
		die("%s: %s", j->argv[0], strerror(rc));
}

static void kill_pending(struct job *jobs, int n)
{
	for (int i = 0; i < n; i++)
		if (!jobs[i].done && jobs[i].pid > 0) {
			kill(jobs[i].pid, SIGKILL);
			jobs[i].timed_out = 1;
		}
}

/* Reaps everything that has exited: the jobs, the watched init, and any
 * other orphan handed to this subreaper.  Returns -1 once no child is left. */
static int reap_ready(struct job *jobs, int n)
{
	struct rusage ru;
	int st;

	for (;;) {
		pid_t pid = wait4(-1, &st, WNOHANG, &ru);
		struct timespec now;

		if (pid == 0)
			return 0;
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (pid == watch_pid)
			watch_done = 1;
		for (int i = 0; i < n; i++)
			if (jobs[i].pid == pid && !jobs[i].done) {
				jobs[i].done = 1;
				jobs[i].status = st;
				jobs[i].ru = ru;
				jobs[i].t1 = now;
				close(jobs[i].errfd);
			}
	}
}

static int all_done(const struct job *jobs, int n, int want_watch)
{
	for (int i = 0; i < n; i++)
		if (!jobs[i].done)
			return 0;
	return !want_watch || watch_done;
}

/* Waits until every job (and, with want_watch, the watched init) is reaped,
 * for at most opt.timeout seconds; then kills what is left. */
static void wait_jobs(struct job *jobs, int n, int want_watch)
{
	struct timespec deadline, now;
	int killed = 0, polling = 0;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += opt.timeout;
	for (;;) {
		struct timespec left;
		siginfo_t si;
		int sig;

		if (reap_ready(jobs, n) < 0 && want_watch && !watch_done) {
			/* Not our child after all: poll until it is gone. */
			polling = 1;
			if (kill(watch_pid, 0) < 0 && errno == ESRCH)
				watch_done = 1;
		}
		if (all_done(jobs, n, want_watch))
			return;
		clock_gettime(CLOCK_MONOTONIC, &now);
		left.tv_sec = deadline.tv_sec - now.tv_sec;
		left.tv_nsec = deadline.tv_nsec - now.tv_nsec;
		if (left.tv_nsec < 0) {
			left.tv_nsec += 1000000000L;
			left.tv_sec--;
		}
		if (left.tv_sec < 0) {
			if (killed)
				die("commands still not reaped %d s after SIGKILL", opt.timeout);
			kill_pending(jobs, n);
			if (want_watch && !watch_done)
				kill(watch_pid, SIGKILL);
			killed = 1;
			deadline = now;
			deadline.tv_sec += opt.timeout;
			continue;
		}
		if (polling && (left.tv_sec > 0 || left.tv_nsec > 10000000L)) {
			left.tv_sec = 0;
			left.tv_nsec = 10000000L;
		}
		sig = sigtimedwait(&waitset, &si, &left);
		if (sig == SIGINT || sig == SIGTERM) {
			kill_pending(jobs, n);
			for (int i = 0; i < n; i++)
				if (jobs[i].pid > 0 && !jobs[i].done)
					waitpid(jobs[i].pid, NULL, 0);
			fprintf(stderr, "rlbench: interrupted\n");
			exit(130);
		}
	}
}

static void run_one(struct job *j, const struct rt *rt, const char *const *cmd, int want_watch)
{
	job_argv(j, rt, cmd);
	job_spawn(j, rt->err);
	wait_jobs(j, 1, want_watch);
	if (job_failed(j)) {
		report_failure(j);
		exit(1);
	}
}

static const struct rt floor_rt = {.name = "floor", .bin = "/usr/bin/unshare", .log = "/dev/null"};
static const struct rt kfloor_rt = {.name = "kfloor", .log = "/dev/null"};

/* The floors, no runtime: 0, the bundle's namespaces and its /bin/true
 * (unshare); 1, kfloor's system calls for the whole bundle (kfloor.c). */
static void run_floor(int which, struct job *j, const char *errpath)
{
	static char rootfs[PATH_MAX];

	snprintf(rootfs, sizeof(rootfs), "%s/rootfs", opt.bundle);
	if (which == 0)
		*j = (struct job){.rt = &floor_rt,
				  .argv = {(char *)floor_rt.bin, "-p", "-f", "-m", "-u", "-i", "-n",
					   (char *)opt.floor_true, NULL}};
	else
		*j = (struct job){.rt = &kfloor_rt, .argv = {(char *)opt.kfloor, rootfs, NULL}};
	job_spawn(j, errpath);
	wait_jobs(j, 1, 0);
	if (job_failed(j)) {
		report_failure(j);
		exit(1);
	}
}

/* Page cache, dentries and inodes dropped: what a first run after boot
 * finds.  Untimed. */
static void drop_caches(void)
{
	int fd;

	sync();
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "3", 1) != 1)
		die("/proc/sys/vm/drop_caches: %s", strerror(errno));
	close(fd);
}

/* The runtime in a place of round r: each round starts one runtime
 * further on, so that over the rounds each one takes every place alike
 * (the first after the floor, the one after a slow one...). */
static int turn(int r, int place)
{
	return (r + place) % opt.nrt;
}

/* run and cold: `run` of the bundle per runtime and round, and the
 * floors; cold drops the caches before each and reports no memory figure. */
static void mode_run(bool cold)
{
	struct series ms[MAX_RT + 2] = {0}, rss[MAX_RT + 2] = {0};
	const char *key = cold ? "cold.run.ms" : "run.ms";
	const char *floor[2] = {opt.floor_true, opt.kfloor};
	char errpath[PATH_MAX];

	snprintf(errpath, sizeof(errpath), "%s/err/floor.err", opt.work);
	for (int r = 0; r < opt.rounds; r++) {
		for (int place = 0; place < opt.nrt; place++) {
			int i = turn(r, place);
			struct job j = {0};
			const char *cmd[] = {"run", "--bundle", opt.bundle, j.id, NULL};

			snprintf(j.id, sizeof(j.id), "%s-%c-%s-%d", opt.prefix, cold ? 'c' : 'r',
				 opt.rt[i].name, r);
			if (cold)
				drop_caches();
			run_one(&j, &opt.rt[i], cmd, 0);
			series_add(&ms[i], ms_between(&j.t0, &j.t1));
			series_add(&rss[i], (double)j.ru.ru_maxrss);
		}
		for (int f = 0; f < 2; f++) {
			struct job j = {0};

			if (!floor[f])
				continue;
			if (cold)
				drop_caches();
			run_floor(f, &j, errpath);
			series_add(&ms[opt.nrt + f], ms_between(&j.t0, &j.t1));
			series_add(&rss[opt.nrt + f], (double)j.ru.ru_maxrss);
		}
	}
	for (int i = 0; i < opt.nrt + 2; i++) {
		const char *name = i < opt.nrt ? opt.rt[i].name : i == opt.nrt ? "floor" : "kfloor";

		if (i >= opt.nrt && !floor[i - opt.nrt])
			continue;
		series_print(key, name, &ms[i]);
		if (!cold)
			series_print("run.maxrss_kb", name, &rss[i]);
	}
}

static pid_t read_pidfile(const struct rt *rt)
{
	char buf[32] = {0};
	int fd = open(rt->pidfile, O_RDONLY | O_CLOEXEC);
	ssize_t got;
	long pid;

	if (fd < 0)
		die("%s: %s: %s", rt->name, rt->pidfile, strerror(errno));
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	pid = got > 0 ? strtol(buf, NULL, 10) : 0;
	if (pid <= 0)
		die("%s: %s: no pid in it", rt->name, rt->pidfile);
	return (pid_t)pid;
}

/* create + start of ID, then the wait for its init to exit: a stopped
 * container.  With t (3 entries), the two commands' jobs are kept. */
static void create_started(const struct rt *rt, const char *id, struct job *t)
{
	struct job c = {0}, s = {0};
	const char *create[] = {
	    "create", "--bundle", opt.bundle, "--pid-file", rt->pidfile, id, NULL,
	};
	const char *start[] = {"start", id, NULL};

	unlink(rt->pidfile);
	watch_pid = 0;
	watch_done = 0;
	run_one(&c, rt, create, 0);
	watch_pid = read_pidfile(rt);
	run_one(&s, rt, start, 0);
	/* /bin/true ends by itself; wait for the init, untimed. */
	wait_jobs(NULL, 0, 1);
	watch_pid = 0;
	if (t) {
		t[0] = c;
		t[1] = s;
	}
}

static void mode_life(void)
{
	static const char *const keys[3] = {"create", "start", "delete"};
	struct series ms[MAX_RT][3] = {0}, rss[MAX_RT][3] = {0};

	for (int r = 0; r < opt.rounds; r++) {
		for (int place = 0; place < opt.nrt; place++) {
			int i = turn(r, place);
			struct job t[3] = {0};
			char id[128];
			const char *del[] = {"delete", id, NULL};

			snprintf(id, sizeof(id), "%s-l-%s-%d", opt.prefix, opt.rt[i].name, r);
			create_started(&opt.rt[i], id, t);
			run_one(&t[2], &opt.rt[i], del, 0);
			for (int k = 0; k < 3; k++) {
				series_add(&ms[i][k], ms_between(&t[k].t0, &t[k].t1));
				series_add(&rss[i][k], (double)t[k].ru.ru_maxrss);
			}
		}
	}
	for (int i = 0; i < opt.nrt; i++)
		for (int k = 0; k < 3; k++) {
			char key[64];

			snprintf(key, sizeof(key), "%s.ms", keys[k]);
			series_print(key, opt.rt[i].name, &ms[i][k]);
			snprintf(key, sizeof(key), "%s.maxrss_kb", keys[k]);
			series_print(key, opt.rt[i].name, &rss[i][k]);
		}
}

static void mode_par(void)
{
	static struct job jobs[MAX_PAR];
	struct series rate[MAX_RT] = {0};
	int failures[MAX_RT] = {0}, reported = 0;

	if (opt.n < 1 || opt.n > MAX_PAR)
		die("-n: 1 .. %d", MAX_PAR);
	for (int r = 0; r < opt.rounds; r++) {
		for (int place = 0; place < opt.nrt; place++) {
			int i = turn(r, place);
			struct timespec first, last;

			for (int k = 0; k < opt.n; k++) {
				struct job *j = &jobs[k];
				const char *cmd[] = {"run", "--bundle", opt.bundle, j->id, NULL};
				char errpath[PATH_MAX];

				memset(j, 0, sizeof(*j));
				snprintf(j->id, sizeof(j->id), "%s-p%d-%s-%d-%d", opt.prefix, opt.n,
					 opt.rt[i].name, r, k);
				snprintf(errpath, sizeof(errpath), "%s/err/%s.%d.err", opt.work,
					 opt.rt[i].name, k);
				job_argv(j, &opt.rt[i], cmd);
				job_spawn(j, errpath);
			}
			wait_jobs(jobs, opt.n, 0);
			first = jobs[0].t0;
			last = jobs[0].t1;
			for (int k = 0; k < opt.n; k++) {
				if (ms_between(&last, &jobs[k].t1) > 0)
					last = jobs[k].t1;
				if (job_failed(&jobs[k])) {
					failures[i]++;
					if (!reported++)
						report_failure(&jobs[k]);
				}
			}
			series_add(&rate[i], opt.n * 1e3 / ms_between(&first, &last));
		}
	}
	for (int i = 0; i < opt.nrt; i++) {
		char key[64];
		struct series f = {0};

		snprintf(key, sizeof(key), "par.%d.per_s", opt.n);
		series_print(key, opt.rt[i].name, &rate[i]);
		snprintf(key, sizeof(key), "par.%d.failures", opt.n);
		series_add(&f, failures[i]);
		series_print(key, opt.rt[i].name, &f);
	}
	if (reported)
		exit(3);
}

/* exec of /bin/true into a running container (-b: a bundle whose process
 * sleeps), one per runtime, interleaved; the containers are made and
 * removed untimed. */
static void mode_exec(void)
{
	struct series ms[MAX_RT] = {0}, rss[MAX_RT] = {0};
	char ids[MAX_RT][128];

	for (int i = 0; i < opt.nrt; i++) {
		struct job c = {0}, st = {0};
		const char *create[] = {"create", "--bundle", opt.bundle, ids[i], NULL};
		const char *start[] = {"start", ids[i], NULL};

		snprintf(ids[i], sizeof(ids[i]), "%s-x-%s", opt.prefix, opt.rt[i].name);
		run_one(&c, &opt.rt[i], create, 0);
		run_one(&st, &opt.rt[i], start, 0);
	}
	for (int r = 0; r < opt.rounds; r++)
		for (int place = 0; place < opt.nrt; place++) {
			int i = turn(r, place);
			struct job j = {0};
			const char *cmd[] = {"exec", ids[i], "/bin/true", NULL};

			run_one(&j, &opt.rt[i], cmd, 0);
			series_add(&ms[i], ms_between(&j.t0, &j.t1));
			series_add(&rss[i], (double)j.ru.ru_maxrss);
		}
	for (int i = 0; i < opt.nrt; i++) {
		struct job d = {0};
		const char *del[] = {"delete", "--force", ids[i], NULL};

		run_one(&d, &opt.rt[i], del, 0);
		series_print("exec.ms", opt.rt[i].name, &ms[i]);
		series_print("exec.maxrss_kb", opt.rt[i].name, &rss[i]);
	}
}

static void mode_fill(void)
{
	for (int k = opt.first; k < opt.n; k++)
		for (int i = 0; i < opt.nrt; i++) {
			char id[128];

			snprintf(id, sizeof(id), "%s-q-%s-%d", opt.prefix, opt.rt[i].name, k);
			create_started(&opt.rt[i], id, NULL);
		}
}

static void mode_query(void)
{
	struct series list[MAX_RT] = {0}, state[MAX_RT] = {0};
	struct series lrss[MAX_RT] = {0}, srss[MAX_RT] = {0};
	char key[64];

	for (int r = 0; r < opt.rounds; r++) {
		for (int place = 0; place < opt.nrt; place++) {
			int i = turn(r, place);
			struct job l = {0}, s = {0};
			char id[128];
			const char *lcmd[] = {"list", NULL};
			const char *scmd[] = {"state", id, NULL};

			snprintf(id, sizeof(id), "%s-q-%s-0", opt.prefix, opt.rt[i].name);
			run_one(&l, &opt.rt[i], lcmd, 0);
			run_one(&s, &opt.rt[i], scmd, 0);
			series_add(&list[i], ms_between(&l.t0, &l.t1));
			series_add(&state[i], ms_between(&s.t0, &s.t1));
			series_add(&lrss[i], (double)l.ru.ru_maxrss);
			series_add(&srss[i], (double)s.ru.ru_maxrss);
		}
	}
	for (int i = 0; i < opt.nrt; i++) {
		snprintf(key, sizeof(key), "list.%d.ms", opt.n);
		series_print(key, opt.rt[i].name, &list[i]);
		snprintf(key, sizeof(key), "state.%d.ms", opt.n);
		series_print(key, opt.rt[i].name, &state[i]);
		snprintf(key, sizeof(key), "list.%d.maxrss_kb", opt.n);
		series_print(key, opt.rt[i].name, &lrss[i]);
		snprintf(key, sizeof(key), "state.%d.maxrss_kb", opt.n);
		series_print(key, opt.rt[i].name, &srss[i]);
	}
}

/* HOOK PHASE NAME N, untimed, its stdout this driver's (the figures). */
static void run_hook(const char *phase, const struct rt *rt)
{
	char n[16];
	char *argv[] = {(char *)opt.hook, (char *)phase, (char *)rt->name, n, NULL};
	posix_spawnattr_t attr;
	sigset_t none;
	pid_t pid;
	int st, rc;

	if (!opt.hook)
		return;
	snprintf(n, sizeof(n), "%d", opt.n);
	fflush(stdout);
	sigemptyset(&none);
	posix_spawnattr_init(&attr);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawn(&pid, opt.hook, NULL, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	if (rc != 0)
		die("%s: %s", opt.hook, strerror(rc));
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			die("waitpid %s: %s", opt.hook, strerror(errno));
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		die("%s %s %s: failed", opt.hook, phase, rt->name);
}

/* The same command for ids PREFIX-d-NAME-0 .. N-1, one after another:
 * "{}" in cmd stands for the id.  Returns the seconds from the first spawn
 * to the last exit. */
static double each_container(const struct rt *rt, const char *const *cmd, struct series *ms)
{
	struct timespec first = {0}, last = {0};

	for (int k = 0; k < opt.n; k++) {
		struct job j = {0};
		const char *c[MAX_ARGV] = {0};

		snprintf(j.id, sizeof(j.id), "%s-d-%s-%d", opt.prefix, rt->name, k);
		for (int a = 0; a < MAX_ARGV - 1 && cmd[a]; a++)
			c[a] = strcmp(cmd[a], "{}") == 0 ? j.id : cmd[a];
		run_one(&j, rt, c, 0);
		if (k == 0)
			first = j.t0;
		last = j.t1;
		if (ms)
			series_add(ms, ms_between(&j.t0, &j.t1));
	}
	return ms_between(&first, &last) / 1e3;
}

static void mode_density(void)
{
	for (int i = 0; i < opt.nrt; i++) {
		const struct rt *rt = &opt.rt[i];
		const char *run[] = {"run", "--detach", "--bundle", opt.bundle, "{}", NULL};
		const char *kill9[] = {"kill", "{}", "KILL", NULL};
		const char *del[] = {"delete", "--force", "{}", NULL};
		const char *list[] = {"list", NULL};
		struct series start = {0}, each = {0}, ls = {0}, kill = {0}, delete = {0};
		char key[64];

		run_hook("before", rt);
		series_add(&start, each_container(rt, run, &each));
		for (int r = 0; r < opt.rounds; r++) {
			struct job j = {0};

			run_one(&j, rt, list, 0);
			series_add(&ls, ms_between(&j.t0, &j.t1));
		}
		run_hook("running", rt);
		series_add(&kill, each_container(rt, kill9, NULL));
		series_add(&delete, each_container(rt, del, NULL));
		snprintf(key, sizeof(key), "dens.%d.start_s", opt.n);
		series_print(key, rt->name, &start);
		snprintf(key, sizeof(key), "dens.%d.run_d.ms", opt.n);
		series_print(key, rt->name, &each);
		snprintf(key, sizeof(key), "dens.%d.list.ms", opt.n);
		series_print(key, rt->name, &ls);
		snprintf(key, sizeof(key), "dens.%d.kill_s", opt.n);
		series_print(key, rt->name, &kill);
		snprintf(key, sizeof(key), "dens.%d.delete_s", opt.n);
		series_print(key, rt->name, &delete);
	}
}

static void mode_stats(int argc, char **argv)
{
	struct series s = {0};
	double v;

	if (argc != 4)
		usage();
	while (scanf("%lf", &v) == 1)
		series_add(&s, v);
	series_print(argv[2], argv[3], &s);
}

static int int_arg(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0 || v > INT_MAX)
		die("%s: not a count: %s", what, s);
	return (int)v;
}

static void add_runtime(const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct rt *rt;

	if (!eq || eq == arg || !eq[1])
		die("%s: want NAME=RUNTIME", arg);
	if (opt.nrt == MAX_RT)
		die("at most %d runtimes", MAX_RT);
	rt = &opt.rt[opt.nrt++];
	rt->name = strndup(arg, (size_t)(eq - arg));
	rt->bin = eq + 1;
	snprintf(rt->root, sizeof(rt->root), "%s/%s/%s", opt.work, opt.set, rt->name);
	snprintf(rt->log, sizeof(rt->log), "%s/log/%s.log", opt.work, rt->name);
	snprintf(rt->err, sizeof(rt->err), "%s/err/%s.err", opt.work, rt->name);
	snprintf(rt->pidfile, sizeof(rt->pidfile), "%s/pid/%s.pid", opt.work, rt->name);
}

static void mkdirs(void)
{
	static const char *const sub[] = {"", "/log", "/err", "/pid"};
	char path[PATH_MAX];

	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", opt.work, sub[i]);
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			die("%s: %s", path, strerror(errno));
	}
	snprintf(path, sizeof(path), "%s/%s", opt.work, opt.set);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		die("%s: %s", path, strerror(errno));
}

static void noop(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	struct sigaction sa = {.sa_handler = noop};
	int c;

	if (argc < 2)
		usage();
	opt.mode = argv[1];
	if (strcmp(opt.mode, "stats") == 0) {
		mode_stats(argc, argv);
		return 0;
	}
	optind = 2;
	while ((c = getopt(argc, argv, "r:n:k:t:f:K:x:w:b:i:s:")) != -1) {
		switch (c) {
		case 'r':
			opt.rounds = int_arg(optarg, "-r");
			break;
		case 'n':
			opt.n = int_arg(optarg, "-n");
			break;
		case 'k':
			opt.first = int_arg(optarg, "-k");
			break;
		case 't':
			opt.timeout = int_arg(optarg, "-t");
			break;
		case 'f':
			opt.floor_true = optarg;
			break;
		case 'K':
			opt.kfloor = optarg;
			break;
		case 'x':
			opt.hook = optarg;
			break;
		case 'w':
			opt.work = optarg;
			break;
		case 'b':
			opt.bundle = optarg;
			break;
		case 'i':
			opt.prefix = optarg;
			break;
		case 's':
			opt.set = optarg;
			break;
		default:
			usage();
		}
	}
	if (!opt.work || !opt.bundle || !opt.prefix || optind == argc)
		usage();
	mkdirs();
	for (int i = optind; i < argc; i++)
		add_runtime(argv[i]);

	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		die("/dev/null: %s", strerror(errno));
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("PR_SET_CHILD_SUBREAPER: %s", strerror(errno));
	/* SIGCHLD, SIGINT and SIGTERM are taken with sigtimedwait only. */
	/* SIGINT and SIGTERM may come in ignored (a background job of a shell). */
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&waitset);
	sigaddset(&waitset, SIGCHLD);
	sigaddset(&waitset, SIGINT);
	sigaddset(&waitset, SIGTERM);
	sigprocmask(SIG_BLOCK, &waitset, NULL);

	if (strcmp(opt.mode, "run") == 0 || strcmp(opt.mode, "cold") == 0)
		mode_run(strcmp(opt.mode, "cold") == 0);
	else if (strcmp(opt.mode, "life") == 0)
		mode_life();
	else if (strcmp(opt.mode, "par") == 0)
		mode_par();
	else if (strcmp(opt.mode, "fill") == 0)
		mode_fill();
	else if (strcmp(opt.mode, "exec") == 0)
		mode_exec();
	else if (strcmp(opt.mode, "query") == 0)
		mode_query();
	else if (strcmp(opt.mode, "density") == 0)
		mode_density();
	else
		usage();
	return 0;
}
