/* runtime/terminal.c on the host: the console socket message (one fd, a
 * non-empty payload), the pty made by rl_terminal_setup_child in a forked
 * child from a scratch root's own devpts and bound on its dev/console, raw mode and its restoration
 * on a pty standing in for the caller's terminal, and the proxy copying both ways. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "runtime/terminal.h"
#include "tap.h"

/* A pty pair from the host's /dev/ptmx; -1 when there is none. */
static int host_pty(int *master, int *slave)
{
	char name[64];

	*master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || unlockpt(*master) < 0 || ptsname_r(*master, name, sizeof(name)) != 0)
		return -1;
	*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	return *slave < 0 ? -1 : 0;
}

/* Reads from fd until want appears or 30 s pass (only a bug takes that
 * long); out holds what came. */
static bool read_until(int fd, const char *want, char *out, size_t len)
{
	size_t have = 0;

	out[0] = 0;
	while (have + 1 < len) {
		struct pollfd pf = {.fd = fd, .events = POLLIN};
		ssize_t n;

		if (poll(&pf, 1, 30000) <= 0)
			return false;
		n = read(fd, out + have, len - have - 1);
		if (n <= 0)
			return false;
		have += (size_t)n;
		out[have] = 0;
		if (strstr(out, want))
			return true;
	}
	return false;
}

static void test_send_recv(void)
{
	struct rl_error e = {0};
	int sv[2], master = -1, pm, ps;
	struct stat a, b;

	ok(rl_console_socketpair(sv, &e) == 0, "socketpair");
	ok(fcntl(sv[0], F_GETFD) & FD_CLOEXEC, "socketpair: close-on-exec");
	ok(host_pty(&pm, &ps) == 0, "a host pty");
	ok(rl_console_send(sv[1], pm, "/dev/pts/7", &e) == 0, "send the master");
	ok(rl_console_recv(sv[0], &master, &e) == 0, "receive it: %s", e.msg);
	ok(master >= 0 && fstat(master, &a) == 0 && fstat(pm, &b) == 0 && a.st_rdev == b.st_rdev,
	   "the received fd is the same pty master");
	ok(fcntl(master, F_GETFD) & FD_CLOEXEC, "received fd is close-on-exec");
	close(master);

	/* two fds in one message: refused, both closed */
	{
		union {
			char buf[CMSG_SPACE(2 * sizeof(int))];
			struct cmsghdr align;
		} u = {0};
		int two[2] = {pm, ps};
		struct iovec iov = {.iov_base = "x", .iov_len = 1};
		struct msghdr msg = {.msg_iov = &iov,
				     .msg_iovlen = 1,
				     .msg_control = u.buf,
				     .msg_controllen = sizeof(u.buf)};
		struct cmsghdr *c = CMSG_FIRSTHDR(&msg);

		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(two));
		memcpy(CMSG_DATA(c), two, sizeof(two));
		ok(sendmsg(sv[1], &msg, 0) == 1, "send two fds");
		ok(rl_console_recv(sv[0], &master, &e) < 0 && master == -1, "two fds refused");
		ok(strstr(e.msg, "got 2 fd(s)") != NULL, "message counts the fds: %s", e.msg);
	}
	/* payload without an fd: refused */
	ok(write(sv[1], "abc", 3) == 3, "send a payload alone");
	ok(rl_console_recv(sv[0], &master, &e) < 0, "no fd refused: %s", e.msg);
	/* peer gone: says so */
	close(sv[1]);
	ok(rl_console_recv(sv[0], &master, &e) < 0 && strstr(e.msg, "closed before"),
	   "closed socket: %s", e.msg);
	close(sv[0]);
	close(pm);
	close(ps);
}

static void test_connect(void)
{
	struct rl_error e = {0};
	char dir[] = "/tmp/rl-term-XXXXXX", path[128];
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int l, c;

	ok(mkdtemp(dir) != NULL, "temp dir");
	snprintf(path, sizeof(path), "%s/console.sock", dir);
	ok(rl_console_connect(path, &e) < 0 && e.errnum == ENOENT, "connect to nothing: %s", e.msg);
	strcpy(sa.sun_path, path);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ok(l >= 0 && bind(l, (struct sockaddr *)&sa, sizeof(sa)) == 0 && listen(l, 1) == 0,
	   "listen");
	c = rl_console_connect(path, &e);
	ok(c >= 0, "connect: %s", e.msg);
	ok(c >= 0 && (fcntl(c, F_GETFD) & FD_CLOEXEC), "connected fd is close-on-exec");
	close(c);
	close(l);
	unlink(path);
	rmdir(dir);
}

/* A scratch root with its own devpts on dev/pts, in a private mount
 * namespace of this (forked) process, as the container child has it
 * before pivot_root.  console: what dev/console is beforehand ("" none,
 * "symlink", "dir", "file").  Returns the root's fd, or -1. */
static int scratch_root(const char *dir, const char *console)
{
	char p[256];

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/dev", dir);
	if (mkdir(p, 0755) < 0 || mount("tmpfs", p, "tmpfs", 0, "mode=755") < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/dev/pts", dir);
	if (mkdir(p, 0755) < 0 ||
	    mount("devpts", p, "devpts", 0, "newinstance,ptmxmode=0666,mode=0620") < 0)
		return -1;
	snprintf(p, sizeof(p), "%s/dev/console", dir);
	if (strcmp(console, "symlink") == 0 && symlink("/etc/hostname", p) < 0)
		return -1;
	if (strcmp(console, "dir") == 0 && mkdir(p, 0755) < 0)
		return -1;
	if (strcmp(console, "file") == 0 && close(open(p, O_CREAT | O_WRONLY, 0644)) < 0)
		return -1;
	return open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/* What scratch_root left on the disk: the mount points (the mounts went
 * with the child's namespace). */
static void rm_scratch(const char *dir)
{
	char p[256];

	snprintf(p, sizeof(p), "%s/dev", dir);
	rmdir(p);
	rmdir(dir);
}

/* The child side: a forked child makes the pty from the scratch root's
 * devpts, binds it on dev/console, sends the master, and reports what its
 * stdio became by writing to it. */
static void setup_child(const char *console)
{
	struct rl_error e = {0};
	struct rl_process p = {
	    .terminal = true, .has_console_size = true, .console_height = 33, .console_width = 111};
	char dir[] = "/tmp/rl-term.XXXXXX";
	int sv[2], errp[2], master = -1;
	struct winsize ws = {0};
	char out[512];
	pid_t pid;

	p.user.uid = 4242;
	if (!mkdtemp(dir) || pipe2(errp, O_CLOEXEC) < 0) {
		ok(0, "mkdtemp");
		return;
	}
	rl_console_socketpair(sv, &e);
	pid = fork();
	if (pid == 0) {
		struct rl_error ce = {0};
		struct stat st, cst;
		char path[256];
		int root = scratch_root(dir, console);

		close(sv[0]);
		close(errp[0]);
		if (root < 0 || rl_terminal_setup_child(sv[1], root, true, &p, &ce) < 0) {
			dprintf(errp[1], "%s", root < 0 ? "scratch root" : ce.msg);
			_exit(1);
		}
		/* stdio is the slave now: report to the master side */
		fstat(0, &st);
		snprintf(path, sizeof(path), "%s/dev/console", dir);
		printf("ctty=%d uid=%u tty=%s console=%d sid=%d\n", tcgetpgrp(0) == getpgrp(),
		       (unsigned)st.st_uid, isatty(1) && isatty(2) ? "yes" : "no",
		       stat(path, &cst) == 0 && cst.st_rdev == st.st_rdev, getsid(0) == getpid());
		fflush(stdout);
		/* wait for the parent's input, echo it, exit */
		char line[64] = "";

		if (fgets(line, sizeof(line), stdin))
			printf("got:%s", line);
		fflush(stdout);
		_exit(0);
	}
	close(sv[1]);
	close(errp[1]);
	if (strcmp(console, "symlink") == 0 || strcmp(console, "dir") == 0) {
		ssize_t n = read(errp[0], out, sizeof(out) - 1);
		int st = 0;

		out[n > 0 ? n : 0] = '\0';
		waitpid(pid, &st, 0);
		ok(WIFEXITED(st) && WEXITSTATUS(st) == 1, "dev/console a %s: refused", console);
		ok(strstr(out, "rootfs dev/console: a ") &&
		       strstr(out, console[0] == 's' ? "a symlink" : "a directory"),
		   "dev/console a %s: the error says what it is (%s)", console, out);
		close(sv[0]);
		close(errp[0]);
		rm_scratch(dir);
		return;
	}
	close(errp[0]);
	ok(rl_console_recv(sv[0], &master, &e) == 0, "setup_child: master received: %s", e.msg);
	if (master >= 0)
		ioctl(master, TIOCGWINSZ, &ws);
	ok(ws.ws_row == 33 && ws.ws_col == 111, "consoleSize 33x111 set (got %ux%u)", ws.ws_row,
	   ws.ws_col);
	ok(read_until(master, "sid=", out, sizeof(out)), "child reports over the pty");
	ok(strstr(out, "ctty=1") != NULL, "slave is the controlling terminal, foreground");
	ok(strstr(out, "uid=4242") != NULL, "slave chowned to process.user.uid");
	ok(strstr(out, "tty=yes") != NULL, "stdout and stderr are the pty");
	ok(strstr(out, "console=1") != NULL, "dev/console (%s before) is the pty",
	   console[0] ? console : "none");
	ok(strstr(out, "sid=1") != NULL, "child leads a new session");
	ok(write(master, "hello\n", 6) == 6, "type a line");
	ok(read_until(master, "got:hello", out, sizeof(out)), "child read it from its stdin");
	int st = 0;

	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child exit 0");
	close(master);
	close(sv[0]);
	rm_scratch(dir);
}

static void test_setup_child(void)
{
	setup_child("");
	setup_child("file");
	setup_child("symlink");
	setup_child("dir");
}

static void test_mode(void)
{
	struct rl_error e = {0};
	struct rl_process off = {.terminal = false}, on = {.terminal = true};
	int pm, ps, pp[2];

	host_pty(&pm, &ps);
	ok(pipe2(pp, O_CLOEXEC) == 0, "pipe");
	is_int(rl_terminal_mode(&off, NULL, false, pp[0], &e), RL_TERMINAL_NONE, "no terminal");
	is_int(rl_terminal_mode(&on, "/s", true, pp[0], &e), RL_TERMINAL_SOCKET, "socket");
	is_int(rl_terminal_mode(&on, NULL, false, ps, &e), RL_TERMINAL_PROXY, "proxy on a tty");
	ok(rl_terminal_mode(&off, "/s", true, ps, &e) < 0 && strstr(e.msg, "--console-socket"),
	   "socket without terminal refused: %s", e.msg);
	ok(rl_terminal_mode(&on, NULL, true, ps, &e) < 0 && strstr(e.msg, "process.terminal"),
	   "detached without socket refused: %s", e.msg);
	ok(rl_terminal_mode(&on, NULL, false, pp[0], &e) < 0 &&
	       strstr(e.msg, "stdin is not a terminal"),
	   "foreground without a tty refused: %s", e.msg);
	close(pp[0]);
	close(pp[1]);
	close(pm);
	close(ps);
}

/* The caller's terminal is the slave hs of a host pty; the container's pty
 * is im/is. */
static void test_raw_restore(void)
{
	struct rl_error e = {0};
	struct rl_terminal t;
	struct termios before, during, after;
	struct winsize ws = {.ws_row = 40, .ws_col = 120}, got = {0};
	int hm, hs, im, is;

	host_pty(&hm, &hs);
	host_pty(&im, &is);
	ioctl(hs, TIOCSWINSZ, &ws);
	tcgetattr(hs, &before);
	rl_terminal_init(&t);
	ok(rl_terminal_raw(&t, hs, hs, im, &e) == 0, "raw: %s", e.msg);
	tcgetattr(hs, &during);
	ok(!(during.c_lflag & (ECHO | ICANON | ISIG)), "raw: no echo, no line editing, no ISIG");
	ok(!(during.c_oflag & OPOST), "raw: no output processing");
	ok(fcntl(im, F_GETFL) & O_NONBLOCK, "raw: master non-blocking");
	ioctl(is, TIOCGWINSZ, &got);
	ok(got.ws_row == 40 && got.ws_col == 120, "raw: window size copied (%ux%u)", got.ws_row,
	   got.ws_col);
	ws.ws_row = 50;
	ws.ws_col = 70;
	ioctl(hs, TIOCSWINSZ, &ws);
	ok(rl_terminal_resize(im, hs, &e) == 0, "resize");
	ioctl(is, TIOCGWINSZ, &got);
	ok(got.ws_row == 50 && got.ws_col == 70, "resize: SIGWINCH's new size copied (%ux%u)",
	   got.ws_row, got.ws_col);
	rl_terminal_restore(&t);
	tcgetattr(hs, &after);
	ok(after.c_lflag == before.c_lflag && after.c_iflag == before.c_iflag &&
	       after.c_oflag == before.c_oflag,
	   "restore: the caller's terminal is as before");
	ok(t.master == -1 && fcntl(im, F_GETFD) < 0 && errno == EBADF, "restore closes master");
	rl_terminal_restore(&t); /* idempotent */
	ok(!t.raw, "restore twice is harmless");
	/* not a tty: refused, nothing changed */
	{
		int pp[2];

		ok(pipe2(pp, O_CLOEXEC) == 0, "pipe");
		host_pty(&im, &is);
		rl_terminal_init(&t);
		ok(rl_terminal_raw(&t, pp[0], 1, im, &e) < 0 && !t.raw, "raw on a pipe: %s", e.msg);
		rl_terminal_restore(&t);
		close(pp[0]);
		close(pp[1]);
		close(is);
	}
	close(hm);
	close(hs);
}

/* A child on the inner pty's slave, as the container would be. */
static pid_t spawn_on(int slave, void (*body)(void *), void *arg)
{
	pid_t pid = fork();

	if (pid == 0) {
		setsid();
		ioctl(slave, TIOCSCTTY, 0);
		dup2(slave, 0);
		dup2(slave, 1);
		dup2(slave, 2);
		body(arg);
		_exit(0);
	}
	return pid;
}

static void echo_line(void *arg)
{
	char line[64] = "";

	(void)arg;
	if (fgets(line, sizeof(line), stdin))
		printf("echo:%s", line);
	fflush(stdout);
	_exit(7);
}

static void say_and_wait(void *arg)
{
	int *fd = arg;

	printf("bye-from-child\n");
	fflush(stdout);
	ok(write(*fd, "x", 1) == 1, "signal the parent");
	sleep(30);
}

static int on_extra(void *arg, struct rl_error *err)
{
	char c;

	(void)err;
	return read(*(int *)arg, &c, 1) == 1 ? 1 : -1;
}

static void test_proxy(void)
{
	struct rl_error e = {0};
	struct rl_terminal t;
	char out[1024];
	int hm, hs, im, is, st = 0, pp[2];
	pid_t pid;

	/* both ways, ends on the master's hang-up */
	host_pty(&hm, &hs);
	host_pty(&im, &is);
	pid = spawn_on(is, echo_line, NULL);
	close(is);
	rl_terminal_init(&t);
	ok(rl_terminal_raw(&t, hs, hs, im, &e) == 0, "proxy: raw: %s", e.msg);
	ok(write(hm, "ping\n", 5) == 5, "proxy: the user types");
	ok(rl_terminal_proxy(&t, -1, NULL, NULL, &e) == 0, "proxy ends on hang-up: %s", e.msg);
	rl_terminal_restore(&t);
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 7, "proxy: child exit 7");
	ok(read_until(hm, "echo:ping", out, sizeof(out)), "proxy: stdin -> master -> stdout");
	close(hm);
	close(hs);

	/* the callback says the workload exited: pending output still comes */
	host_pty(&hm, &hs);
	host_pty(&im, &is);
	ok(pipe2(pp, O_CLOEXEC) == 0, "pipe");
	pid = spawn_on(is, say_and_wait, &pp[1]);
	close(is);
	close(pp[1]);
	rl_terminal_init(&t);
	rl_terminal_raw(&t, hs, hs, im, &e);
	ok(rl_terminal_proxy(&t, pp[0], on_extra, &pp[0], &e) == 0,
	   "proxy returns when the callback says so: %s", e.msg);
	rl_terminal_restore(&t);
	ok(read_until(hm, "bye-from-child", out, sizeof(out)), "proxy: output drained");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	close(pp[0]);
	close(hm);
	close(hs);
}

int main(void)
{
	int m, s;

	if (host_pty(&m, &s) < 0) {
		printf("1..0 # SKIP no /dev/ptmx\n");
		return 0;
	}
	close(m);
	close(s);
	test_send_recv();
	test_connect();
	if (geteuid() == 0)
		test_setup_child();
	test_mode();
	test_raw_restore();
	test_proxy();
	return done_testing();
}
