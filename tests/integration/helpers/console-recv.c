/* A test receiver for --console-socket (GUIDE §4), standing in for conmon or
 * containerd's shim.
 *
 *   console-recv [-P] [-o FILE] [-p PIDFILE] [-i INPUT] [-t SECONDS] SOCKET
 *
 * Listens on SOCKET (a stale file is removed first), then goes to the
 * background and exits 0 once the socket accepts connections, so a test can
 * run `rlite create --console-socket SOCKET` right after it.  In the
 * background it accepts one connection and receives one message, which must
 * carry a non-empty payload and exactly one SCM_RIGHTS fd, and writes to
 * FILE (default: stdout):
 *
 *   payload: <the payload, e.g. /dev/pts/0>
 *   fds: 1
 *   winsize: <rows> <cols>          (TIOCGWINSZ on the received master)
 *   ---
 *   <everything read from the master>
 *
 * With -P it stands in for a --pidfd-socket caller instead: the fd must be
 * a pidfd, and FILE gets, after the two lines above,
 *
 *   pid: <the pid it refers to, from /proc/self/fdinfo; -1 once reaped>
 *   exited                          (once it polls readable: the process ended)
 *
 * PIDFILE gets the pid of the background receiver, for the test's cleanup.
 * INPUT, when given, is written into the master first (what a user types).
 * The copying ends when the pty hangs up (every slave closed: the container
 * is gone), or after SECONDS (default 20).  Exit status: 0, or 1 with a
 * message on stderr for a malformed message (then FILE says "error: ..."). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static FILE *out;

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(out ? out : stderr, "error: ");
	vfprintf(out ? out : stderr, fmt, ap);
	fprintf(out ? out : stderr, "\n");
	va_end(ap);
	if (out)
		fflush(out);
	exit(1);
}

static int listen_on(const char *path)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		die("%s: path too long", path);
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 1) < 0)
		die("listen on %s: %s", path, strerror(errno));
	return fd;
}

/* One message; checks one fd and a non-empty payload. */
static int receive(int conn, char *payload, size_t len)
{
	union {
		char buf[CMSG_SPACE(8 * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = payload, .iov_len = len - 1};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	int nfds = 0, fd = -1;
	ssize_t n;

	do
		n = recvmsg(conn, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("recvmsg: %s", strerror(errno));
	payload[n] = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfds += (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	}
	fprintf(out, "payload: %s\nfds: %d\n", payload, nfds);
	if (n == 0)
		die("empty payload");
	if (nfds != 1 || (msg.msg_flags & MSG_CTRUNC))
		die("expected exactly one fd, got %d", nfds);
	return fd;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

/* -P: what the pidfd refers to, then its end (or the deadline). */
static void pidfd_out(int fd, long deadline)
{
	char path[64], line[256];
	struct pollfd pf = {.fd = fd, .events = POLLIN};
	FILE *f;
	long pid = 0, left;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "Pid: %ld", &pid) == 1) {
			found = 1;
			break;
		}
	if (f)
		fclose(f);
	if (!found)
		die("the received fd is not a pidfd (no Pid: in %s)", path);
	/* "Pid: -1": a pidfd whose process is gone already (a workload that
	 * exits at once, reaped before we got here) */
	fprintf(out, "pid: %ld\n", pid);
	fflush(out);
	while ((left = deadline - now_ms()) > 0) {
		if (poll(&pf, 1, (int)left) > 0) {
			fprintf(out, "exited\n");
			return;
		}
	}
	fprintf(out, "[timeout]\n");
}

/* master -> out until hang-up or the deadline. */
static void copy_out(int master, long deadline)
{
	char buf[4096];

	for (;;) {
		struct pollfd pf = {.fd = master, .events = POLLIN};
		long left = deadline - now_ms();
		ssize_t n;

		if (left <= 0) {
			fprintf(out, "\n[timeout]\n");
			return;
		}
		if (poll(&pf, 1, (int)left) < 0 && errno != EINTR)
			die("poll: %s", strerror(errno));
		if (!pf.revents)
			continue;
		n = read(master, buf, sizeof(buf));
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n <= 0) /* EIO: every slave fd is closed */
			return;
		fwrite(buf, 1, (size_t)n, out);
		fflush(out);
	}
}

static void background(const char *file, const char *pidfile)
{
	pid_t pid = fork();
	int null;

	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid > 0) {
		FILE *pf = pidfile ? fopen(pidfile, "we") : NULL;

		if (pf) {
			fprintf(pf, "%d\n", (int)pid);
			fclose(pf);
		}
		_exit(pidfile && !pf ? 1 : 0); /* the socket listens already */
	}
	setsid();
	null = open("/dev/null", O_RDWR);
	dup2(null, 0);
	if (file) {
		dup2(null, 1);
		dup2(null, 2);
	}
	if (null > 2)
		close(null);
}

int main(int argc, char **argv)
{
	const char *file = NULL, *input = NULL, *pidfile = NULL;
	long seconds = 20;
	char payload[256];
	struct winsize ws = {0};
	int opt, l, conn, master;
	int pidfd_mode = 0;

	while ((opt = getopt(argc, argv, "o:p:i:t:P")) != -1) {
		if (opt == 'P')
			pidfd_mode = 1;
		else if (opt == 'o')
			file = optarg;
		else if (opt == 'p')
			pidfile = optarg;
		else if (opt == 'i')
			input = optarg;
		else if (opt == 't')
			seconds = atol(optarg);
		else
			return 2;
	}
	if (optind != argc - 1) {
		fprintf(stderr, "usage: console-recv [-P] [-o FILE] [-p PIDFILE] [-i INPUT] [-t "
				"SECONDS] SOCKET\n");
		return 2;
	}
	out = file ? fopen(file, "we") : stdout;
	if (!out)
		die("%s: %s", file, strerror(errno));
	l = listen_on(argv[optind]);
	background(file, pidfile);
	conn = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		die("accept: %s", strerror(errno));
	master = receive(conn, payload, sizeof(payload));
	if (pidfd_mode) {
		pidfd_out(master, now_ms() + seconds * 1000);
		unlink(argv[optind]);
		return 0;
	}
	if (ioctl(master, TIOCGWINSZ, &ws) < 0)
		die("TIOCGWINSZ on the received fd: %s", strerror(errno));
	fprintf(out, "winsize: %u %u\n---\n", ws.ws_row, ws.ws_col);
	fflush(out);
	if (input && write(master, input, strlen(input)) != (ssize_t)strlen(input))
		die("write to the master: %s", strerror(errno));
	copy_out(master, now_ms() + seconds * 1000);
	unlink(argv[optind]);
	return 0;
}
