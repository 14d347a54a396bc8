/* runtime/events_loop.c and runtime/ps.c: the event stream on scratch
 * cgroups (v2 inotify and v1 eventfd OOM notification, a real child as
 * the init, watched through its pidfd), and runc's ps table, both from
 * canned ps output and from the host's ps. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/events.h"
#include "runtime/procid.h"
#include "tests/unit/tap.h"

static char scratch[] = "/tmp/rlite-events-test-XXXXXX";
static bool have_scratch;
static pid_t main_pid;

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_scratch(void)
{
	if (have_scratch && getpid() == main_pid)
		nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void put(const char *rel, const char *text)
{
	char p[PATH_MAX];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", scratch, rel);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		printf("# put %s: %s\n", p, strerror(errno));
	if (fd >= 0)
		close(fd);
}

static void mkdir_in(const char *rel)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), "%s/%s", scratch, rel);
	mkdir(p, 0755);
}

/* ---- ps ------------------------------------------------------------------------ */

static void filter_is(const char *ps_out, const int *pids, size_t n, const char *want,
		      const char *what)
{
	struct rl_error err = {0};
	char *out = NULL;

	if (ok(rl_ps_filter(ps_out, pids, n, &out, &err) == 0, "%s: filters (%s)", what, err.msg))
		is_str(out, want, "%s: output", what);
	free(out);
}

static void test_ps_filter(void)
{
	static const char ef[] =
	    "UID          PID    PPID  C STIME TTY          TIME CMD\n"
	    "root           1       0  0 06:04 ?        00:00:04 /sbin/init splash\n"
	    "root        5627       1  0 06:12 ?        00:00:00 sleep 100\n"
	    "root        5630    5627  0 06:12 ?        00:00:00 sh -c echo 1\n"
	    "\n"
	    "root       56270       1  0 06:12 ?        00:00:00 not-5627\n";
	const int pids[] = {5627, 5630};
	struct rl_error err = {0};
	char *out = NULL;

	filter_is(ef, pids, 2,
		  "UID          PID    PPID  C STIME TTY          TIME CMD\n"
		  "root        5627       1  0 06:12 ?        00:00:00 sleep 100\n"
		  "root        5630    5627  0 06:12 ?        00:00:00 sh -c echo 1\n",
		  "ps -ef");
	filter_is(ef, NULL, 0, "UID          PID    PPID  C STIME TTY          TIME CMD\n",
		  "no pids: the header only");
	filter_is("  PID COMMAND\n 5627 sleep\n    1 init", pids, 2, "  PID COMMAND\n 5627 sleep\n",
		  "-o pid,comm, no final newline");
	filter_is("COMMAND   PID\nsleep    5630\ninit        1\n", pids, 2,
		  "COMMAND   PID\nsleep    5630\n", "PID not the first column");
	filter_is("  PID   PPID\n 5627      1\n    1   5627\n", pids, 2,
		  "  PID   PPID\n 5627      1\n", "PPID is not PID");
	ok(rl_ps_filter("COMMAND PPID\nsleep 1\n", pids, 2, &out, &err) < 0, "no PID column");
	is_str(err.msg, "couldn't find PID field in ps output", "  runc's message");
	ok(rl_ps_filter("", pids, 2, &out, &err) < 0, "empty output: no PID column either");
	ok(rl_ps_filter("PID CMD\nabc sleep\n", pids, 2, &out, &err) < 0 &&
	       strstr(err.msg, "unable to parse pid: \"abc sleep\""),
	   "a PID that is no number: %s", err.msg);
	ok(rl_ps_filter("CMD PID\nsleep\n", pids, 2, &out, &err) < 0,
	   "a line too short for the PID column: %s", err.msg);
}

/* The line of ps output (past the header) that names pid, or NULL. */
static const char *line_of(const char *out, int pid)
{
	char want[32];
	const char *p = strchr(out, '\n');

	snprintf(want, sizeof(want), " %d ", pid);
	return p && strstr(p, want) ? strstr(p, want) : NULL;
}

static void test_ps_table(void)
{
	int me[] = {getpid()};
	char *const pidcomm[] = {"-o", "pid,comm", NULL};
	char *const nopid[] = {"-o", "comm", NULL};
	char *const bogus[] = {"--no-such-option-here", NULL};
	char *const empty[] = {NULL};
	struct rl_error err = {0};
	char *out = NULL, want[64];

	ok(rl_ps_table(me, 1, NULL, &out, &err) == 0, "ps -ef: %s", err.msg);
	ok(out && strncmp(out, "UID", 3) == 0 && strstr(out, " PID "), "  header kept");
	ok(out && line_of(out, getpid()) && strstr(out, "test_events"), "  our line kept");
	ok(out && strchr(out, '\n') && strchr(strchr(out, '\n') + 1, '\n') &&
	       !strchr(strchr(strchr(out, '\n') + 1, '\n') + 1, '\n'),
	   "  and nothing else: two lines");
	free(out);
	out = NULL;

	ok(rl_ps_table(me, 1, empty, &out, &err) == 0 && strncmp(out, "UID", 3) == 0,
	   "empty args: -ef too");
	free(out);
	out = NULL;

	ok(rl_ps_table(me, 1, pidcomm, &out, &err) == 0, "ps -o pid,comm: %s", err.msg);
	snprintf(want, sizeof(want), "%5d test_events\n", getpid());
	if (!ok(out && strncmp(out, "  PID COMMAND\n", 14) == 0 && strcmp(out + 14, want) == 0,
		"  exactly the header and our line"))
		printf("# got: %s\n", out ? out : "(null)");
	free(out);
	out = NULL;

	ok(rl_ps_table(NULL, 0, pidcomm, &out, &err) == 0 && strcmp(out, "  PID COMMAND\n") == 0,
	   "no pids: the header alone");
	free(out);
	out = NULL;

	ok(rl_ps_table(me, 1, nopid, &out, &err) < 0 && !out, "ps -o comm: refused");
	is_str(err.msg, "couldn't find PID field in ps output", "  no PID column");

	ok(rl_ps_table(me, 1, bogus, &out, &err) < 0, "ps with a bad option fails");
	ok(strncmp(err.msg, "ps --no-such-option-here: exit status 1: ", 41) == 0 &&
	       strlen(err.msg) > 41 && !strchr(err.msg, '\n'),
	   "  with its exit status and the first line of its stderr: %s", err.msg);
}

/* ---- events ---------------------------------------------------------------------- */

/* What the callback saw and does: records each event's type, and acts when
 * the n-th arrives. */
struct rec {
	char types[32][8];
	int n;
	char first[4096];
	int oom_at;  /* on this stats event: simulate an OOM kill */
	int kill_at; /* on this event: kill the init */
	int fail_at; /* on this event: return an error */
	pid_t child;
	bool v1; /* v1: signal the registered eventfd, as the kernel does */
};

/* The eventfd the loop registered is named in cgroup.event_control. */
static void signal_v1(void)
{
	char p[PATH_MAX], line[64] = "";
	uint64_t one = 1;
	int efd = -1, ofd = -1;
	FILE *f;

	snprintf(p, sizeof(p), "%s/v1/c1/cgroup.event_control", scratch);
	if ((f = fopen(p, "re"))) {
		if (!fgets(line, sizeof(line), f))
			line[0] = '\0';
		fclose(f);
	}
	if (sscanf(line, "%d %d", &efd, &ofd) != 2 || write(efd, &one, sizeof(one)) < 0)
		printf("# signal the v1 eventfd (\"%s\"): %s\n", line, strerror(errno));
}

static int record(const char *json, void *arg, struct rl_error *err)
{
	struct rec *r = arg;
	const char *t = strstr(json, "\"type\":\"");
	int i = r->n++;

	if (i < 32 && t)
		snprintf(r->types[i], sizeof(r->types[i]), "%.*s", (int)strcspn(t + 8, "\""),
			 t + 8);
	if (i == 0)
		snprintf(r->first, sizeof(r->first), "%s", json);
	if (i + 1 == r->oom_at) {
		if (r->v1)
			signal_v1();
		else
			put("v2/c1/memory.events", "low 0\nhigh 0\nmax 2\noom 6\noom_kill 6\n");
	}
	if (i + 1 == r->kill_at)
		kill(r->child, SIGKILL);
	if (i + 1 == r->fail_at)
		return rl_error_set(err, EPIPE, "events: write to stdout");
	return 0;
}

static pid_t child_init(int *pidfd)
{
	struct rl_error err = {0};
	uint64_t st = 0;
	pid_t pid = fork();

	if (pid == 0) {
		for (;;)
			pause();
	}
	*pidfd = -1;
	/* the start time is only there once the child runs */
	for (int i = 0; i < 100 && rl_proc_start_time(pid, &st, &err) < 0; i++)
		usleep(1000);
	if (rl_pidfd_open(pid, st, pidfd, &err) < 0)
		printf("# pidfd: %s\n", err.msg);
	return pid;
}

static void reap(pid_t pid, int pidfd)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	if (pidfd >= 0)
		close(pidfd);
}

static bool have_pidfd(void)
{
	int fd = -1;
	pid_t pid = child_init(&fd);

	reap(pid, fd);
	return fd >= 0;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void make_v2(void)
{
	mkdir_in("v2");
	mkdir_in("v2/c1");
	put("v2/c1/memory.current", "2101248\n");
	put("v2/c1/memory.max", "max\n");
	put("v2/c1/memory.events", "low 0\nhigh 0\nmax 2\noom 5\noom_kill 5\n");
	put("v2/c1/pids.current", "1\n");
	put("v2/c1/pids.max", "max\n");
	put("v2/c1/cpu.stat", "usage_usec 10\nuser_usec 4\nsystem_usec 6\n");
}

static void test_stats_once(struct rl_cgroup *cg)
{
	static const char head[] = "{\"type\":\"stats\",\"id\":\"once\",\"data\":{\"cpu\":{"
				   "\"usage\":{\"total\":10000,\"kernel\":6000,\"user\":4000}";
	struct rl_events_opts o = {.stats_once = true};
	struct rec r = {0};
	struct rl_error err = {0};
	int pidfd = -1;
	pid_t pid = child_init(&pidfd);

	r.child = pid;
	ok(rl_events_run(cg, "once", pidfd, &o, record, &r, &err) == 0, "--stats: %s", err.msg);
	is_int(r.n, 1, "  one event");
	ok(strncmp(r.first, head, strlen(head)) == 0,
	   "  a stats event with the cgroup's values: %.100s", r.first);
	ok(strstr(r.first, "\"usage\":{\"limit\":18446744073709551615,\"usage\":2101248,"
			   "\"failcnt\":2}") &&
	       strstr(r.first, "\"pids\":{\"current\":1}"),
	   "  memory and pids too");
	ok(!strchr(r.first, '\n'), "  on one line");
	reap(pid, pidfd);
}

/* Events i.. of r are all stats: the ticks that may come between the kill
 * of the init and its exit (a loaded machine takes its time to end it). */
static bool stats_from(const struct rec *r, int i)
{
	for (; i < r->n && i < 32; i++)
		if (strcmp(r->types[i], "stats") != 0)
			return false;
	return true;
}

/* A stream: stats events every 30ms; on the 2nd the cgroup records an OOM
 * kill, on event kill_at the init is killed, and the stream must end. */
static void test_stream(struct rl_cgroup *cg, bool v1, int kill_at, const char *what)
{
	struct rl_events_opts o = {.interval_ms = 30};
	struct rec r = {.oom_at = 2, .kill_at = kill_at, .v1 = v1};
	struct rl_error err = {0};
	int pidfd = -1, ret;
	pid_t pid = child_init(&pidfd);
	double t0 = now(), dt;

	r.child = pid;
	ret = rl_events_run(cg, "s1", pidfd, &o, record, &r, &err);
	dt = now() - t0;
	ok(ret == 0, "%s: the stream ends when the init dies (%s)", what, err.msg);
	ok(r.n >= 3 && strcmp(r.types[0], "stats") == 0 && strcmp(r.types[1], "stats") == 0 &&
	       strcmp(r.types[2], "oom") == 0 && stats_from(&r, 3),
	   "%s: stats, stats, oom, then stats only until the init is gone (%d events: %s %s "
	   "%s ...)",
	   what, r.n, r.types[0], r.types[1], r.types[2]);
	/* the ticks are not early; how late they are on a loaded machine is
	 * no verdict */
	ok(dt >= 0.055, "%s: two 30ms ticks took %.3fs", what, dt);
	reap(pid, pidfd);
}

static void test_no_memory(void)
{
	struct rl_cg_dir d = {.v2 = true, .ctrls = RL_CG_BIT(RL_CG_PIDS) | RL_CG_BIT(RL_CG_CORE)};
	struct rl_cgroup cg = {.d = &d, .n = 1};
	struct rl_events_opts o = {.interval_ms = 20};
	struct rec r = {.kill_at = 2};
	struct rl_error err = {0};
	char m[PATH_MAX];
	int pidfd = -1, ret;
	pid_t pid = child_init(&pidfd);

	snprintf(m, sizeof(m), "%s/v2", scratch);
	d.mount = m;
	d.path = "/c1";
	r.child = pid;
	ret = rl_events_run(&cg, "nm", pidfd, &o, record, &r, &err);
	ok(ret == 0 && r.n >= 2 && stats_from(&r, 0),
	   "no memory controller: stats only, ends with the init (%d events)", r.n);
	reap(pid, pidfd);

	pid = child_init(&pidfd);
	r = (struct rec){.fail_at = 1, .child = pid};
	ok(rl_events_run(&cg, "nm", pidfd, &o, record, &r, &err) < 0 && err.errnum == EPIPE &&
	       r.n == 1,
	   "a callback error ends the stream with it: %s", err.msg);
	reap(pid, pidfd);
}

static void test_events(void)
{
	char m1[PATH_MAX], m2[PATH_MAX];
	struct rl_cg_dir v2 = {.mount = m2,
			       .v2 = true,
			       .ctrls = RL_CG_BIT(RL_CG_MEMORY) | RL_CG_BIT(RL_CG_PIDS) |
					RL_CG_BIT(RL_CG_CORE),
			       .path = "/c1"};
	struct rl_cg_dir v1 = {
	    .mount = m1, .v2 = false, .ctrls = RL_CG_BIT(RL_CG_MEMORY), .path = "/c1"};
	struct rl_cgroup cg2 = {.d = &v2, .n = 1}, cg1 = {.d = &v1, .n = 1};

	snprintf(m2, sizeof(m2), "%s/v2", scratch);
	snprintf(m1, sizeof(m1), "%s/v1", scratch);
	make_v2();
	if (!have_pidfd()) {
		ok(1, "# SKIP pidfd_open not available here (valgrind?)");
		return;
	}
	{
		struct rl_events_opts o = {.interval_ms = 10};
		struct rl_error err = {0};

		ok(rl_events_run(&cg2, "x", -1, &o, record, NULL, &err) < 0 && err.errnum == EBADF,
		   "a stream without a pidfd is refused, not endless: %s", err.msg);
	}
	test_stats_once(&cg2);
	test_stream(&cg2, false, 3, "v2");
	put("v2/c1/memory.events", "low 0\nhigh 0\nmax 2\noom 5\noom_kill 5\n");
	/* the OOM kill and the init's death at once: the oom event still
	 * comes before the end */
	test_stream(&cg2, false, 2, "v2, init killed with the OOM");

	mkdir_in("v1");
	mkdir_in("v1/c1");
	put("v1/c1/memory.oom_control", "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
	put("v1/c1/cgroup.event_control", "");
	put("v1/c1/memory.usage_in_bytes", "4096\n");
	test_stream(&cg1, true, 3, "v1");
	test_stream(&cg1, true, 2, "v1, init killed with the OOM");
	test_no_memory();
}

int main(void)
{
	main_pid = getpid();
	if (!mkdtemp(scratch)) {
		printf("1..0 # SKIP mkdtemp: %s\n", strerror(errno));
		return 0;
	}
	have_scratch = true;
	atexit(remove_scratch);
	test_ps_filter();
	test_ps_table();
	test_events();
	return done_testing();
}
