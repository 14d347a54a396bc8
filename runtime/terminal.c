/* process.terminal: the pty inside the container, the console socket that
 * hands its master to the caller, and the proxy of a foreground `run`.
 *
 * The pty is made by the container child, right before pivot_root, from
 * the container's own devpts instance (its /dev/pts mount, newinstance,
 * ptmxmode=0666), reached through the rootfs fd: a pty from the host's
 * devpts would carry a host pty number and be invisible under the
 * container's /dev/pts, so `tty` inside would print "not a tty".  This is
 * what runc and crun do, though after pivot_root and by path. */
#include "terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <unistd.h>

#include "safepath.h"
#include "runtime/fds.h"

/* ---- deciding ---------------------------------------------------------------- */

int rl_terminal_mode(const struct rl_process *p, const char *console_socket, bool detached,
		     int host_in, struct rl_error *err)
{
	bool terminal = p && p->terminal;

	if (!terminal && console_socket)
		return rl_error_set(err, 0,
				    "--console-socket: cannot use a console socket if "
				    "process.terminal is false (set terminal to true)");
	if (!terminal)
		return RL_TERMINAL_NONE;
	/* runc refuses a console socket in a foreground run; we accept it,
	 * the caller asked for the master and gets it. */
	if (console_socket)
		return RL_TERMINAL_SOCKET;
	if (detached)
		return rl_error_set(err, 0,
				    "config.json: process.terminal: cannot allocate a tty "
				    "for a detached container without --console-socket");
	if (!isatty(host_in))
		return rl_error_set(err, 0,
				    "config.json: process.terminal: stdin is not a terminal and "
				    "no --console-socket was given (set terminal to false)");
	return RL_TERMINAL_PROXY;
}

/* ---- the console socket ---------------------------------------------------------- */

int rl_console_connect(const char *path, struct rl_error *err)
{
	if (!path || !*path)
		return rl_error_set(err, EINVAL, "--console-socket: empty path");
	return rl_unix_connect(path, "--console-socket", err);
}

int rl_console_socketpair(int sv[2], struct rl_error *err)
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return rl_error_set(err, errno, "terminal: socketpair");
	return 0;
}

int rl_console_send(int sock, int fd, const char *name, struct rl_error *err)
{
	/* GUIDE §4: one message, a short non-empty payload, one fd. */
	const char *payload = name && *name ? name : "pty";

	if (rl_send_fd(sock, fd, payload, strlen(payload)) < 0)
		return rl_error_set(err, errno, "console socket: send the pty master");
	return 0;
}

int rl_console_recv(int sock, int *master, struct rl_error *err)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} u;
	char payload[256];
	struct iovec iov = {.iov_base = payload, .iov_len = sizeof(payload)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	int fds[4];
	ssize_t n;
	size_t nfds;

	*master = -1;
	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return rl_error_set(err, errno, "console socket: receive the pty master");
	nfds = rl_take_fds(&msg, fds, 4);
	if (n == 0 && nfds == 0)
		return rl_error_set(err, 0,
				    "console socket: closed before the pty master was sent");
	if (n > 0 && nfds == 1 && !(msg.msg_flags & MSG_CTRUNC)) {
		*master = fds[0];
		return 0;
	}
	for (size_t i = 0; i < nfds && i < 4; i++)
		close(fds[i]);
	return rl_error_set(err, EBADMSG,
			    "console socket: expected one fd and a name, got %zu fd(s) and %zd "
			    "byte(s)",
			    nfds, n);
}

/* ---- in the container child --------------------------------------------------------- */

/* The slave of master, O_RDWR|O_NOCTTY|O_CLOEXEC.  TIOCGPTPEER (4.13)
 * opens it from the master itself, with no path lookup: before pivot_root
 * "/dev/pts/N" would name the host's pty, and after it the image could
 * have put anything there. */
static int open_slave(int master, struct rl_error *err)
{
	int fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return rl_error_set(err, errno, "terminal: open the pty slave (TIOCGPTPEER)");
	return fd;
}

/* A new session with the slave as its controlling terminal, so the
 * workload gets ^C as SIGINT and job control works (credentials(7)). */
static int make_ctty(int slave, const char *name, struct rl_error *err)
{
	/* EPERM: already a process group leader; fine if we already lead the
	 * session (the conductor may have called setsid itself). */
	if (setsid() < 0 && !(errno == EPERM && getsid(0) == getpid()))
		return rl_error_set(err, errno, "terminal: setsid");
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		return rl_error_set(err, errno, "terminal: make \"%s\" the controlling terminal",
				    name);
	return 0;
}

/* dup2 onto 0, 1, 2 (dup2 clears close-on-exec on the new fd).  dup2 of
 * an fd onto itself keeps its flags, so a slave that already is 0..2
 * gets close-on-exec cleared by hand.  Returns 0 or -1. */
static int dup_stdio(int *slave, struct rl_error *err)
{
	for (int i = 0; i <= 2; i++)
		if (*slave != i && dup2(*slave, i) < 0)
			return rl_error_set(err, errno, "terminal: dup2 the pty slave onto fd %d",
					    i);
	if (*slave <= 2) {
		if (fcntl(*slave, F_SETFD, 0) < 0)
			return rl_error_set(err, errno, "terminal: fcntl fd %d", *slave);
		*slave = -1; /* it is stdio now, not ours to close */
	}
	return 0;
}

/* The container's own devpts instance, reached from the rootfs without
 * following any symlink (the image's dev/ptmx is not used), and checked:
 * the ptmx of a devpts. */
static int open_master(int rootfd, char *name, size_t len, struct rl_error *err)
{
	struct open_how how = {
	    .flags = O_RDWR | O_NOCTTY | O_CLOEXEC,
	    .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	_rl_fd_ int master = (int)syscall(SYS_openat2, rootfd, "/dev/pts/ptmx", &how, sizeof(how));
	unsigned n = 0;
	struct statfs sf;
	struct stat st;

	if (master < 0)
		return rl_error_set(
		    err, errno,
		    "terminal: open \"/dev/pts/ptmx\" in the rootfs (process.terminal "
		    "needs a devpts mount on /dev/pts)");
	if (fstatfs(master, &sf) < 0 || fstat(master, &st) < 0)
		return rl_error_set(err, errno, "terminal: stat \"/dev/pts/ptmx\"");
	if (sf.f_type != DEVPTS_SUPER_MAGIC || !S_ISCHR(st.st_mode) || st.st_rdev != makedev(5, 2))
		return rl_error_set(err, 0,
				    "terminal: \"/dev/pts/ptmx\" in the rootfs: not "
				    "the ptmx of a devpts mount");
	if (unlockpt(master) < 0)
		return rl_error_set(err, errno, "terminal: unlockpt");
	/* ptsname(3) would stat the name, which is the host's until
	 * pivot_root: the number is all we need. */
	if (ioctl(master, TIOCGPTN, &n) < 0)
		return rl_error_set(err, errno, "terminal: TIOCGPTN");
	snprintf(name, len, "/dev/pts/%u", n);
	return rl_fd_steal(&master);
}

/* /dev/console is the pty (runtime-spec config.md "process.terminal", as
 * runc and crun do): the slave rlite opened, bound on a target that is
 * never followed.  An image's dev/console that is a regular file or a
 * device node is covered; a symlink, a directory or anything else is
 * refused, naming what it is. */
static int bind_console(int rootfd, int slave, struct rl_error *err)
{
	struct stat st;
	_rl_fd_ int dst = rl_safepath_leaf(rootfd, "/dev/console", &st, err);
	char what[64];

	if (dst < 0)
		return rl_error_prefix(err, "terminal");
	if (!S_ISREG(st.st_mode) && !S_ISCHR(st.st_mode))
		return rl_error_set(err, 0,
				    "terminal: rootfs dev/console: %s, not a regular file or a "
				    "character device",
				    rl_describe(&st, what, sizeof(what)));
	if (rl_mount_bind_fd(slave, dst, false, 0) < 0)
		return rl_error_set(err, errno, "terminal: bind the pty on \"/dev/console\"");
	return 0;
}

int rl_terminal_setup_child(int console_fd, int rootfd, bool console, const struct rl_process *p,
			    struct rl_error *err)
{
	_rl_fd_ int sock = console_fd;
	_rl_fd_ int master = -1;
	_rl_fd_ int slave = -1;
	char name[64];

	master = open_master(rootfd, name, sizeof(name), err);
	if (master < 0)
		return -1;
	slave = open_slave(master, err);
	if (slave < 0)
		return -1;
	/* config.md: consoleSize is in characters; runc applies it only when
	 * both are set, 0x0 meaning "unknown". */
	if (p->has_console_size && p->console_height && p->console_width) {
		struct winsize ws = {.ws_row = p->console_height, .ws_col = p->console_width};

		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			return rl_error_set(err, errno, "terminal: set process.consoleSize");
	}
	/* As runc: the workload's user owns its terminal (so mesg, write and
	 * tty(1)-based tools work); the group stays devpts' gid=5 (tty). */
	if (fchown(slave, p->user.uid, (gid_t)-1) < 0)
		return rl_error_set(err, errno, "terminal: chown \"%s\" to uid %u", name,
				    p->user.uid);
	if (console && bind_console(rootfd, slave, err) < 0)
		return -1;
	if (rl_console_send(sock, master, name, err) < 0)
		return -1;
	/* Closed before the dup2s: with stdio closed by the caller, master or
	 * sock may sit on 0..2, where the slave is about to go. */
	close(rl_fd_steal(&master));
	close(rl_fd_steal(&sock));
	return make_ctty(slave, name, err) < 0 || dup_stdio(&slave, err) < 0 ? -1 : 0;
}

/* ---- the foreground proxy ------------------------------------------------------------ */

void rl_terminal_init(struct rl_terminal *t)
{
	memset(t, 0, sizeof(*t));
	t->host_in = -1;
	t->host_out = -1;
	t->master = -1;
}

int rl_terminal_resize(int master, int host_fd, struct rl_error *err)
{
	struct winsize ws;

	if (ioctl(host_fd, TIOCGWINSZ, &ws) < 0) {
		if (errno == ENOTTY || errno == EINVAL)
			return 0;
		return rl_error_set(err, errno, "terminal: get the window size");
	}
	if (ioctl(master, TIOCSWINSZ, &ws) < 0)
		return rl_error_set(err, errno, "terminal: set the window size");
	return 0;
}

int rl_terminal_raw(struct rl_terminal *t, int host_in, int host_out, int master,
		    struct rl_error *err)
{
	struct termios raw;
	int fl;

	t->host_in = host_in;
	t->host_out = host_out;
	t->master = master;
	/* Non-blocking: a workload that does not read its input must not
	 * stop us from copying its output (the two queues are separate). */
	fl = fcntl(master, F_GETFL);
	if (fl < 0 || fcntl(master, F_SETFL, fl | O_NONBLOCK) < 0)
		return rl_error_set(err, errno, "terminal: make the pty master non-blocking");
	if (tcgetattr(host_in, &t->saved) < 0)
		return rl_error_set(err, errno, "terminal: stdin: get the terminal attributes");
	raw = t->saved;
	/* No echo, no line editing, no ISIG: ^C, ^Z and ^\ reach the
	 * container's pty as bytes, and its line discipline turns them into
	 * signals for the workload.  OPOST off: the inner pty already did
	 * the \n -> \r\n translation. */
	cfmakeraw(&raw);
	if (tcsetattr(host_in, TCSADRAIN, &raw) < 0)
		return rl_error_set(err, errno, "terminal: stdin: set raw mode");
	t->raw = true;
	return rl_terminal_resize(master, host_in, err);
}

void rl_terminal_restore(struct rl_terminal *t)
{
	if (t->raw) {
		/* EINTR: tcsetattr is an ioctl and may be interrupted while
		 * draining; retrying is harmless. */
		while (tcsetattr(t->host_in, TCSADRAIN, &t->saved) < 0 && errno == EINTR)
			;
		t->raw = false;
	}
	if (t->master >= 0)
		close(t->master);
	t->master = -1;
}

/* master -> host_out, one buffer.  Returns 1 when the master hung up (EIO
 * once every slave fd is closed, or POLLHUP with nothing left to read),
 * 0 when there is nothing more for now, -1 on error. */
static int copy_out(struct rl_terminal *t, bool hup, struct rl_error *err)
{
	char buf[RL_TERMINAL_BUF];
	ssize_t n;

	do
		n = read(t->master, buf, sizeof(buf));
	while (n < 0 && errno == EINTR);
	if (n == 0 || (n < 0 && errno == EIO) || (n < 0 && errno == EAGAIN && hup))
		return 1;
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n < 0)
		return rl_error_set(err, errno, "terminal: read from the pty master");
	if (rl_write_all(t->host_out, buf, (size_t)n) < 0)
		return rl_error_set(err, errno, "terminal: write the container's output");
	return 0;
}

/* Copies what the master still holds once the workload has exited: its
 * output is already queued (the slave closed at its exit), so poll with
 * no timeout.  Bounded, since a process left behind could keep writing. */
static int drain_out(struct rl_terminal *t, struct rl_error *err)
{
	struct pollfd pf = {.fd = t->master, .events = POLLIN};

	for (int i = 0; i < 4096; i++) {
		int r;

		if (poll(&pf, 1, 0) <= 0 || !(pf.revents & (POLLIN | POLLHUP | POLLERR)))
			return 0;
		r = copy_out(t, (pf.revents & (POLLHUP | POLLERR)) != 0, err);
		if (r != 0)
			return r < 0 ? -1 : 0;
	}
	return 0;
}

/* host_in -> in_buf.  EOF or a hung-up terminal stop the reading only. */
static int read_in(struct rl_terminal *t, struct rl_error *err)
{
	ssize_t n;

	do
		n = read(t->host_in, t->in_buf, sizeof(t->in_buf));
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n == 0 || (n < 0 && errno == EIO)) {
		t->in_eof = true;
		return 0;
	}
	if (n < 0)
		return rl_error_set(err, errno, "terminal: read stdin");
	t->in_off = 0;
	t->in_len = (size_t)n;
	return 0;
}

/* in_buf -> master, as much as it takes without blocking. */
static int flush_in(struct rl_terminal *t, struct rl_error *err)
{
	ssize_t n;

	do
		n = write(t->master, t->in_buf + t->in_off, t->in_len - t->in_off);
	while (n < 0 && errno == EINTR);
	if (n < 0 && errno == EAGAIN)
		return 0;
	if (n < 0 && errno == EIO) { /* hung up: the output side will see it */
		t->in_off = t->in_len = 0;
		return 0;
	}
	if (n < 0)
		return rl_error_set(err, errno, "terminal: write to the pty master");
	t->in_off += (size_t)n;
	if (t->in_off == t->in_len)
		t->in_off = t->in_len = 0;
	return 0;
}

enum { PF_MASTER, PF_IN, PF_EXTRA };

/* One poll round; returns 1 when done (hang-up or the workload exited),
 * 0 to go on, <0 on error. */
static int proxy_round(struct rl_terminal *t, int extra_fd, rl_terminal_cb cb, void *arg,
		       struct rl_error *err)
{
	bool pending = t->in_len > t->in_off;
	struct pollfd pf[3] = {
	    [PF_MASTER] = {.fd = t->master, .events = POLLIN | (pending ? POLLOUT : 0)},
	    [PF_IN] = {.fd = t->in_eof || pending ? -1 : t->host_in, .events = POLLIN},
	    [PF_EXTRA] = {.fd = cb ? extra_fd : -1, .events = POLLIN},
	};
	short rev;
	int r;

	if (poll(pf, 3, -1) < 0)
		return errno == EINTR ? 0 : rl_error_set(err, errno, "terminal: poll");
	rev = pf[PF_MASTER].revents;
	if (rev & (POLLIN | POLLHUP | POLLERR)) {
		r = copy_out(t, (rev & (POLLHUP | POLLERR)) && !(rev & POLLIN), err);
		if (r != 0)
			return r;
	}
	if ((rev & POLLOUT) && flush_in(t, err) < 0)
		return -1;
	if ((pf[PF_IN].revents & (POLLIN | POLLHUP | POLLERR)) && read_in(t, err) < 0)
		return -1;
	if (pf[PF_IN].revents & POLLNVAL)
		t->in_eof = true;
	if (pf[PF_EXTRA].revents) {
		r = cb(arg, err);
		if (r < 0)
			return r;
		if (r > 0)
			return drain_out(t, err) < 0 ? -1 : 1;
	}
	return 0;
}

int rl_terminal_proxy(struct rl_terminal *t, int extra_fd, rl_terminal_cb cb, void *arg,
		      struct rl_error *err)
{
	int r;

	if (t->master < 0)
		return rl_error_set(err, EBADF, "terminal: no pty master to proxy");
	do
		r = proxy_round(t, extra_fd, cb, arg, err);
	while (r == 0);
	return r < 0 ? r : 0;
}
