/* Unit tests of the pure parts of runtime/process.c, seccomp.c and fds.c:
 * PATH lookup against a scratch directory, the environment, seccomp name and
 * action mapping, LISTEN_FDS parsing. */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/fds.h"
#include "runtime/process.h"
#include "runtime/seccomp.h"
#include "tap.h"

static char dir[] = "/tmp/rl-test-process-XXXXXX";

static void touch(const char *name, mode_t mode)
{
	char p[256];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd >= 0) {
		if (write(fd, "#!/bin/sh\n", 10) != 10)
			perror("write");
		close(fd);
	}
	chmod(p, mode);
}

static int lookup(const char *arg0, const char *path_env, char **out, struct rl_error *err)
{
	char env_path[512];
	char *args[] = {(char *)arg0, NULL};
	char *env[] = {env_path, NULL};
	struct rl_process p = {.args = {args, 1}, .env = {env, path_env ? 1 : 0}};

	snprintf(env_path, sizeof(env_path), "PATH=%s", path_env ? path_env : "");
	*out = NULL;
	return rl_process_lookup(&p, out, err);
}

static void test_lookup(void)
{
	struct rl_error err = {0};
	char search[300], want[300], *got = NULL;
	int rc;

	touch("prog", 0755);
	touch("noexec", 0644);
	snprintf(want, sizeof(want), "%s/sub", dir);
	mkdir(want, 0755);
	snprintf(search, sizeof(search), "/nonexistent:%s", dir);

	rc = lookup("prog", search, &got, &err);
	snprintf(want, sizeof(want), "%s/prog", dir);
	is_int(rc, 0, "lookup finds an executable in the second PATH entry");
	is_str(got, want, "lookup returns dir/name");
	free(got);

	rc = lookup("missing", search, &got, &err);
	is_int(rc, -127, "missing command: -127");
	is_str(err.msg, "exec \"missing\": executable file not found in $PATH", "message");
	is_int(err.errnum, 0, "no errno suffix");

	/* as root too: X_OK needs at least one x bit */
	rc = lookup("noexec", search, &got, &err);
	is_int(rc, -126, "non-executable match: -126");
	is_int(err.errnum, EACCES, "Permission denied");

	rc = lookup("sub", search, &got, &err);
	is_int(rc, -126, "a directory in PATH: -126 (execve gives EACCES)");

	rc = lookup("/etc/passwd", NULL, &got, &err);
	is_int(rc, -126, "/etc/passwd: -126");
	is_str(err.msg, "exec \"/etc/passwd\"", "message names the path");
	is_int(err.errnum, EACCES, "errno EACCES");

	rc = lookup("/nonexistent/x", NULL, &got, &err);
	is_int(rc, -127, "slash path missing: -127");
	/* runc's words, lower case: docker's client matches them (exit 127) */
	is_str(err.msg, "exec \"/nonexistent/x\": stat /nonexistent/x: no such file or directory",
	       "message as runc's");
	is_int(err.errnum, 0, "no errno: the message says it");

	rc = lookup("sh", NULL, &got, &err);
	is_int(rc, 0, "no PATH in env: default PATH finds sh");
	ok(got && strcmp(got + strlen(got) - 3, "/sh") == 0, "resolved to %s", got ? got : "-");
	free(got);

	/* POSIX: an empty entry is the cwd */
	if (chdir(dir) == 0) {
		rc = lookup("prog", ":/nonexistent", &got, &err);
		is_int(rc, 0, "empty PATH entry searches the cwd");
		is_str(got, "./prog", "as ./prog");
		free(got);
		if (chdir("/") < 0)
			perror("chdir");
	}

	rc = lookup("", NULL, &got, &err);
	is_int(rc, -127, "empty args[0]");
}

static void test_env(void)
{
	char *env[] = {"A=1", "LISTEN_FDS=9", "PATH=/bin", NULL};
	struct rl_process p = {.env = {env, 3}};
	struct rl_error err = {0};
	char buf[64], **out = NULL;

	is_int(rl_process_env(&p, 0, 42, NULL, buf, &out, &err), 0, "env without listen fds");
	ok(out && out[0] == env[0] && out[1] == env[1] && out[2] == env[2] && !out[3],
	   "exactly process.env");
	free(out);

	is_int(rl_process_env(&p, 2, 42, NULL, buf, &out, &err), 0, "env with listen fds");
	is_str(out[0], "A=1", "first kept");
	is_str(out[1], "PATH=/bin", "config LISTEN_FDS replaced");
	is_str(out[2], "LISTEN_FDS=2", "LISTEN_FDS added");
	is_str(out[3], "LISTEN_PID=42", "LISTEN_PID is the process' pid");
	ok(out[4] == NULL, "terminated");
	free(out);

	p.env = (struct rl_strv){NULL, 0};
	is_int(rl_process_env(&p, 0, 1, NULL, buf, &out, &err), 0, "empty env");
	ok(out && out[0] == NULL, "empty env is an empty array");
	free(out);
}

static void test_env_home(void)
{
	char *none[] = {"A=1", NULL}, *empty[] = {"HOME=", "A=1", NULL},
	     *set[] = {"HOME=/x", "A=1", NULL};
	struct rl_process p = {.env = {none, 1}};
	struct rl_error err = {0};
	char buf[64], **out = NULL;

	ok(rl_process_needs_home(&p), "no HOME: needs one");
	is_int(rl_process_env(&p, 0, 1, "HOME=/root", buf, &out, &err), 0, "env with a home");
	is_str(out[0], "A=1", "the config's first");
	is_str(out[1], "HOME=/root", "HOME added");
	ok(out[2] == NULL, "terminated");
	free(out);

	p.env = (struct rl_strv){empty, 2};
	ok(rl_process_needs_home(&p), "an empty HOME: needs one");
	is_int(rl_process_env(&p, 0, 1, "HOME=/root", buf, &out, &err), 0, "env, HOME empty");
	is_str(out[0], "A=1", "the empty HOME dropped");
	is_str(out[1], "HOME=/root", "HOME added in its place");
	ok(out[2] == NULL, "no other");
	free(out);

	p.env = (struct rl_strv){set, 2};
	ok(!rl_process_needs_home(&p), "HOME set: needs none");
	is_int(rl_process_env(&p, 0, 1, "HOME=/root", buf, &out, &err), 0, "env, HOME set");
	ok(out[0] == set[0] && out[1] == set[1] && !out[2], "the config's HOME stays, none added");
	free(out);
}

/* rl_passwd_home on text written to a file of dir. */
static int passwd_home(const char *text, uint32_t uid, char *home, size_t size)
{
	char path[300];
	int fd, r;

	snprintf(path, sizeof(path), "%s/passwd", dir);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) ||
	    lseek(fd, 0, SEEK_SET) != 0) {
		perror(path);
		return -2;
	}
	r = rl_passwd_home(fd, uid, home, size);
	close(fd);
	return r;
}

static void test_passwd_home(void)
{
	const char *pw = "root:x:0:0:root:/root:/bin/sh\n"
			 "# not an entry\n"
			 "short:x:7\n"
			 "neg:x:-5:0::/neg:/bin/sh\n"
			 "nohome:x:9:9:::/bin/sh\n"
			 "u1:x:1000:1000:U One:/home/u1:/bin/sh\n"
			 "u1b:x:1000:1000::/home/second:/bin/sh\n"
			 "big:x:4294967296:0::/big:/bin/sh\n"
			 "last:x:42:42::/home/last:/bin/sh";
	char home[64], *huge;
	size_t n = RL_PASSWD_LINE + 100;

	is_int(passwd_home(pw, 0, home, sizeof(home)), 0, "uid 0 found");
	is_str(home, "/root", "its home");
	is_int(passwd_home(pw, 1000, home, sizeof(home)), 0, "uid 1000 found");
	is_str(home, "/home/u1", "the first entry of a uid wins");
	is_int(passwd_home(pw, 42, home, sizeof(home)), 0, "the last line without a newline");
	is_str(home, "/home/last", "its home");
	is_int(passwd_home(pw, 9, home, sizeof(home)), -1, "an empty home is none");
	is_int(passwd_home(pw, 7, home, sizeof(home)), -1, "a short line is no entry");
	is_int(passwd_home(pw, 4294967295u, home, sizeof(home)), -1, "no such uid");
	is_int(passwd_home(pw, 0, home, 5), -1, "a home that does not fit");
	is_int(passwd_home("", 0, home, sizeof(home)), -1, "an empty file");

	/* A line longer than RL_PASSWD_LINE is skipped whole; the next one
	 * counts. */
	huge = malloc(n + 64);
	if (!huge)
		return;
	memset(huge, 'a', n);
	memcpy(huge, "x:x:5:5::/", 10);
	snprintf(huge + n, 64, "\nfive:x:5:5::/home/five:\n");
	is_int(passwd_home(huge, 5, home, sizeof(home)), 0, "after an overlong line");
	is_str(home, "/home/five", "the next line's home");
	free(huge);
}

static void test_listen(void)
{
	unsetenv("LISTEN_FDS");
	is_int(rl_fds_listen_count(), 0, "no LISTEN_FDS");
	setenv("LISTEN_FDS", "3", 1);
	is_int(rl_fds_listen_count(), 3, "LISTEN_FDS=3");
	setenv("LISTEN_FDS", "3x", 1);
	is_int(rl_fds_listen_count(), 0, "garbage ignored");
	setenv("LISTEN_FDS", "-1", 1);
	is_int(rl_fds_listen_count(), 0, "negative ignored");
	unsetenv("LISTEN_FDS");
}

static void test_seccomp_names(void)
{
	struct rl_error err = {0};
	struct rl_opt_u32 none = {0}, e38 = {true, 38};
	char buf[32];
	uint32_t act = 0;

	is_int(rl_seccomp_arch_token("SCMP_ARCH_X86_64", buf, sizeof(buf)), 0, "arch token");
	is_str(buf, "x86_64", "SCMP_ARCH_X86_64 -> x86_64");
	ok(seccomp_arch_resolve_name(buf) == SCMP_ARCH_X86_64, "libseccomp resolves it");
	rl_seccomp_arch_token("SCMP_ARCH_AARCH64", buf, sizeof(buf));
	ok(seccomp_arch_resolve_name(buf) == SCMP_ARCH_AARCH64, "aarch64 too");
	is_int(rl_seccomp_arch_token("X86_64", buf, sizeof(buf)), -1, "prefix required");

	rl_seccomp_action(RL_SCMP_ACT_ERRNO, &none, "f", &act, &err);
	ok(act == SCMP_ACT_ERRNO(EPERM), "ERRNO defaults to EPERM");
	rl_seccomp_action(RL_SCMP_ACT_ERRNO, &e38, "f", &act, &err);
	ok(act == SCMP_ACT_ERRNO(38), "ERRNO with errnoRet 38");
	rl_seccomp_action(RL_SCMP_ACT_TRACE, &e38, "f", &act, &err);
	ok(act == SCMP_ACT_TRACE(38), "TRACE takes errnoRet as the message");
	rl_seccomp_action(RL_SCMP_ACT_KILL, &none, "f", &act, &err);
	ok(act == SCMP_ACT_KILL_THREAD, "KILL is KILL_THREAD");
	rl_seccomp_action(RL_SCMP_ACT_KILL_PROCESS, &none, "f", &act, &err);
	ok(act == SCMP_ACT_KILL_PROCESS, "KILL_PROCESS");
	is_int(rl_seccomp_action(RL_SCMP_ACT_ALLOW, &e38, "linux.seccomp.syscalls[0]", &act, &err),
	       -1, "errnoRet with ALLOW is refused");
	ok(strstr(err.msg, "linux.seccomp.syscalls[0]: errnoRet") != NULL, "names the field: %s",
	   err.msg);
}

static void test_seccomp_build(void)
{
	char *names[] = {"mkdir", "no_such_syscall_xyz", NULL};
	char *archs[] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", NULL};
	char *bad_flags[] = {"SECCOMP_FILTER_FLAG_BOGUS", NULL};
	struct rl_seccomp_arg arg = {.index = 0, .value = 0xffffffff, .op = RL_SCMP_CMP_EQ};
	struct rl_seccomp_syscall sc[] = {
	    {.names = {names, 2}, .action = RL_SCMP_ACT_ERRNO, .errno_ret = {true, 38}},
	    {.names = {names, 1}, .action = RL_SCMP_ACT_ALLOW}, /* = default: skipped */
	    {.names = {names, 1}, .action = RL_SCMP_ACT_KILL, .args = &arg, .n_args = 1},
	};
	struct rl_seccomp s = {.default_action = RL_SCMP_ACT_ALLOW,
			       .architectures = {archs, 2},
			       .syscalls = sc,
			       .n_syscalls = 3};
	struct rl_seccomp_filter *f = NULL;
	struct rl_error err = {0};

	is_int(rl_seccomp_build(&s, &f, &err), 0, "filter builds (unknown name skipped): %s",
	       err.msg);
	rl_seccomp_filter_free(f);
	f = NULL;
	s.flags = (struct rl_strv){bad_flags, 1};
	is_int(rl_seccomp_build(&s, &f, &err), -1, "unknown flag refused");
	is_str(err.msg, "linux.seccomp.flags[0]: \"SECCOMP_FILTER_FLAG_BOGUS\": unknown flag",
	       "message");
	s.flags = (struct rl_strv){NULL, 0};
	sc[0].action = RL_SCMP_ACT_NOTIFY;
	sc[0].errno_ret.set = false;
	is_int(rl_seccomp_build(&s, &f, &err), -1, "NOTIFY without listenerPath refused");
	is_str(err.msg, "linux.seccomp.listenerPath: required when SCMP_ACT_NOTIFY is used",
	       "message");
	s.default_action = RL_SCMP_ACT_NOTIFY;
	is_int(rl_seccomp_build(&s, &f, &err), -1, "NOTIFY as default refused");
}

int main(void)
{
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	test_lookup();
	test_env();
	test_env_home();
	test_passwd_home();
	test_listen();
	test_seccomp_names();
	test_seccomp_build();
	{
		char cmd[300];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		if (system(cmd) != 0)
			fprintf(stderr, "cleanup of %s failed\n", dir);
	}
	return done_testing();
}
