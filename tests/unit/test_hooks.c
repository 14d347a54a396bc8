/* runtime/hooks.c: hooks as small /bin/sh scripts in a scratch directory:
 * argv and env exactly as configured, the state on stdin, order, failure
 * messages, timeouts, hooks that ignore or close their stdin, fds and the
 * signal mask the hook starts with. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/hooks.h"
#include "runtime/log.h"
#include "tests/unit/tap.h"

static const char state_json[] = "{\"ociVersion\":\"1.2.0\",\"id\":\"hk\",\"status\":\"creating\","
				 "\"pid\":42,\"bundle\":\"/b\"}";

static char scratch[] = "/tmp/rlite-hooks-test-XXXXXX";
static pid_t main_pid;

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_scratch(void)
{
	if (getpid() == main_pid)
		nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* A path under the scratch directory, in a rotating static buffer. */
static char *sp(const char *name)
{
	static char bufs[8][512];
	static int i;
	char *b = bufs[i++ % 8];

	snprintf(b, sizeof(bufs[0]), "%s/%s", scratch, name);
	return b;
}

/* Writes an executable "#!/bin/sh" script; "@" in body becomes the scratch
 * directory.  Returns its path (static storage, rotating). */
static char *script(const char *name, const char *body)
{
	char *path = sp(name);
	FILE *f = fopen(path, "w");

	if (!f)
		return path;
	fputs("#!/bin/sh\n", f);
	for (const char *p = body; *p; p++)
		if (*p == '@')
			fputs(scratch, f);
		else
			fputc(*p, f);
	fclose(f);
	chmod(path, 0755);
	return path;
}

/* The whole file, or "" (static buffer). */
static const char *slurp(const char *name)
{
	static char buf[8192];
	int fd = open(sp(name), O_RDONLY | O_CLOEXEC);
	ssize_t n = 0, r;

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	while ((r = read(fd, buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
		n += r;
	close(fd);
	buf[n] = '\0';
	return buf;
}

static struct rl_hook hook(char *path)
{
	return (struct rl_hook){.path = path};
}

static struct rl_hook_list list_of(struct rl_hook *v, size_t n)
{
	return (struct rl_hook_list){.v = v, .n = n};
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *text(const struct rl_error *e)
{
	static char buf[RL_ERROR_MSG_MAX + 128];

	return rl_error_text(e, buf, sizeof(buf));
}

static void test_argv_env(void)
{
	char *argv[] = {"my-argv0",
			"-c",
			"tr '\\000' '\\n' </proc/$$/cmdline >@/argv; "
			"/usr/bin/env | grep -v '^PWD=' | sort >@/env",
			"x",
			"a b",
			NULL};
	char *envp[] = {"FOO=bar", "SPACED=1 2", NULL};
	char body[512];
	struct rl_hook h = hook("/bin/sh");
	struct rl_hook_list l = list_of(&h, 1);
	struct rl_error err = {0};

	snprintf(body, sizeof(body), "%s", argv[2]);
	for (char *p; (p = strchr(body, '@'));) {
		char rest[512];

		snprintf(rest, sizeof(rest), "%s%s", scratch, p + 1);
		strcpy(p, rest);
	}
	argv[2] = body;
	h.args = (struct rl_strv){.v = argv, .n = 5};
	h.env = (struct rl_strv){.v = envp, .n = 2};
	setenv("RL_MUST_NOT_LEAK", "1", 1);
	is_int(rl_hooks_run(&l, RL_HOOK_PRESTART, state_json, &err), 0, "args+env hook runs");
	{
		char want[1024];

		snprintf(want, sizeof(want), "my-argv0\n-c\n%s\nx\na b\n", body);
		is_str(slurp("argv"), want, "argv is args exactly, args[0] as argv[0]");
	}
	is_str(slurp("env"), "FOO=bar\nSPACED=1 2\n", "env is the hook's env exactly");
}

static void test_defaults(void)
{
	char *path = script("noargs", "echo \"$0|$#\" >@/noargs.out; /usr/bin/env | "
				      "grep -v '^PWD=' | wc -l >>@/noargs.out\n");
	struct rl_hook h = hook(path);
	struct rl_hook_list l = list_of(&h, 1);
	struct rl_error err = {0};
	char want[600];

	is_int(rl_hooks_run(&l, RL_HOOK_CREATE_RUNTIME, state_json, &err), 0,
	       "hook without args/env runs");
	snprintf(want, sizeof(want), "%s|0\n0\n", path);
	is_str(slurp("noargs.out"), want, "absent args: argv = {path}; absent env: empty");
	is_int(rl_hooks_run(NULL, RL_HOOK_POSTSTART, state_json, &err), 0, "NULL list: nothing");
}

static void test_stdin_order(void)
{
	struct rl_hook h[3] = {hook(script("s1", "cat >@/stdin.out; echo 1 >>@/order\n")),
			       hook(script("s2", "echo 2 >>@/order\n")),
			       hook(script("s3", "echo 3 >>@/order\n"))};
	struct rl_hook_list l = list_of(h, 3);
	struct rl_error err = {0};

	is_int(rl_hooks_run(&l, RL_HOOK_CREATE_CONTAINER, state_json, &err), 0, "three hooks");
	is_str(slurp("stdin.out"), state_json, "stdin receives the state JSON, then EOF");
	is_str(slurp("order"), "1\n2\n3\n", "hooks run in order");
}

static void test_failures(void)
{
	char *p3 = script("exit3", "exit 3\n");
	char *p9 = script("sig9", "kill -9 $$\n");
	struct rl_hook h[2] = {hook(p3), hook(script("after", "echo ran >@/after.out\n"))};
	struct rl_hook_list l = list_of(h, 2);
	struct rl_error err = {0};
	char want[600];

	is_int(rl_hooks_run(&l, RL_HOOK_PRESTART, state_json, &err), -1, "exit 3 fails");
	snprintf(want, sizeof(want), "prestart hook \"%s\": exited with status 3", p3);
	is_str(text(&err), want, "message names kind, path and status");
	is_str(slurp("after.out"), "", "hooks after a failure do not run");

	h[0] = hook(p9);
	l = list_of(h, 1);
	is_int(rl_hooks_run(&l, RL_HOOK_START_CONTAINER, state_json, &err), -1, "signal fails");
	snprintf(want, sizeof(want), "startContainer hook \"%s\": killed by signal 9", p9);
	is_str(text(&err), want, "killed by signal 9");

	h[0] = hook("/nonexistent/rlite-hook");
	is_int(rl_hooks_run(&l, RL_HOOK_POSTSTOP, state_json, &err), -1, "missing path fails");
	is_str(text(&err),
	       "poststop hook \"/nonexistent/rlite-hook\": exec: No such file or directory",
	       "missing path message");
}

static void test_timeout(void)
{
	char *p = script("slow", "echo $$ >@/slow.pid; exec sleep 60\n");
	struct rl_hook h = hook(p);
	struct rl_hook_list l = list_of(&h, 1);
	struct rl_error err = {0};
	char want[600];
	double t0 = now_s(), dt;
	int pid;

	h.timeout = (struct rl_opt_i64){.set = true, .v = 1};
	is_int(rl_hooks_run(&l, RL_HOOK_CREATE_RUNTIME, state_json, &err), -1, "timeout fails");
	dt = now_s() - t0;
	/* Not before its second; and before the 60 s the hook would take by
	 * itself: it was killed, not waited out.  How soon after the second
	 * depends on the machine's load, and is no verdict. */
	ok(dt >= 0.9 && dt < 60.0, "killed at the 1 s timeout, not waited out (took %.2f s)", dt);
	snprintf(want, sizeof(want), "createRuntime hook \"%s\": timed out after 1s", p);
	is_str(text(&err), want, "timeout message");
	pid = atoi(slurp("slow.pid"));
	ok(pid > 0 && kill(pid, 0) < 0 && errno == ESRCH, "the hook is killed and reaped");

	/* A timeout that is not reached changes nothing (a generous one: the
	 * quick hook must not miss it on a loaded machine). */
	h.path = script("quick", "cat >/dev/null\n");
	h.timeout.v = 60;
	is_int(rl_hooks_run(&l, RL_HOOK_CREATE_RUNTIME, state_json, &err), 0,
	       "a quick hook with a timeout succeeds");
}

static void test_stdin_closed(void)
{
	size_t big = 1 << 20; /* far more than a pipe holds */
	char *json = malloc(big + 1);
	struct rl_hook h[2] = {hook(script("closer", "exec 0<&-; sleep 0.2; exit 0\n")),
			       hook(script("ignorer", "exit 0\n"))};
	struct rl_hook_list l = list_of(h, 2);
	struct rl_error err = {0};
	sigset_t pend;

	memset(json, ' ', big);
	json[0] = '{';
	json[big - 1] = '}';
	json[big] = '\0';
	/* SIGPIPE at its default action would kill this test process. */
	signal(SIGPIPE, SIG_DFL);
	is_int(rl_hooks_run(&l, RL_HOOK_PRESTART, json, &err), 0,
	       "hooks that close or ignore stdin do not break us");
	sigpending(&pend);
	ok(!sigismember(&pend, SIGPIPE), "no SIGPIPE left pending");
	free(json);
}

static void test_fds_and_mask(void)
{
	char *p = script("fds", "if [ -e /proc/$$/fd/7 ]; then echo leaked; else echo closed; fi "
				">@/fds.out; grep SigBlk /proc/self/status >>@/fds.out\n");
	struct rl_hook h = hook(p);
	struct rl_hook_list l = list_of(&h, 1);
	struct rl_error err = {0};
	sigset_t set, old;
	int fd = open("/dev/null", O_RDONLY);

	if (fd >= 0 && fd != 7) {
		dup2(fd, 7); /* not close-on-exec */
		close(fd);
	}
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, &old);
	is_int(rl_hooks_run(&l, RL_HOOK_POSTSTART, state_json, &err), 0, "fd hook runs");
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(7);
	is_str(slurp("fds.out"), "closed\nSigBlk:\t0000000000000000\n",
	       "fds beyond 2 are closed and no signal is blocked in the hook");
}

static void test_warn(void)
{
	char *bad = script("bad", "exit 4\n");
	struct rl_hook h[2] = {hook(bad), hook(script("good", "echo ran >@/warn.out\n"))};
	struct rl_hook_list l = list_of(h, 2);
	struct rl_error warn = {0}, err = {0};
	char want[600];

	is_int(rl_log_open(sp("hooks.log"), "json", false, &err), 0, "log opened");
	is_int(rl_hooks_run_warn(&l, RL_HOOK_POSTSTOP, state_json, &warn), 1,
	       "poststop: one failure counted");
	rl_log_close();
	snprintf(want, sizeof(want), "poststop hook \"%s\": exited with status 4", bad);
	is_str(text(&warn), want, "first failure returned");
	is_str(slurp("warn.out"), "ran\n", "later hooks still run");
	ok(strstr(slurp("hooks.log"), "\"level\":\"warning\"") &&
	       strstr(slurp("hooks.log"), "exited with status 4"),
	   "failure logged as a warning");
}

int main(void)
{
	main_pid = getpid();
	if (!mkdtemp(scratch)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	atexit(remove_scratch);
	test_argv_env();
	test_defaults();
	test_stdin_order();
	test_failures();
	test_timeout();
	test_stdin_closed();
	test_fds_and_mask();
	test_warn();
	return done_testing();
}
