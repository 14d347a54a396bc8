/* The parent <-> container child channel (see sync.h). */
#include "runtime/sync.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runtime/fault.h"
#include "runtime/fds.h"

int rl_sync_pair(int fds[2], int min_fd, struct rl_error *err)
{
	int sv[2];

	/* SEQPACKET keeps message boundaries, so a short read can never split
	 * an error report, and it still gives EOF like a stream. */
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return rl_error_set(err, errno, "socketpair for the sync channel");
	if (sv[1] < min_fd) {
		int fd = fcntl(sv[1], F_DUPFD_CLOEXEC, min_fd);

		if (fd < 0) {
			int e = errno;

			close(sv[0]);
			close(sv[1]);
			return rl_error_set(err, e, "move the sync channel above fd %d", min_fd);
		}
		close(sv[1]);
		sv[1] = fd;
	}
	fds[0] = sv[0];
	fds[1] = sv[1];
	return 0;
}

int rl_sync_send(int fd, const struct rl_sync_msg *m)
{
	/* Only the used part of the text goes over the wire. */
	size_t len = offsetof(struct rl_sync_msg, text) + strnlen(m->text, sizeof(m->text)) + 1;
	ssize_t n;

	if (len > sizeof(*m))
		len = sizeof(*m);
	do
		n = send(fd, m, len, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	/* A datagram goes whole or not at all. */
	return 0;
}

int rl_sync_send_type(int fd, enum rl_sync_type type)
{
	struct rl_sync_msg m = {.type = type};

	return rl_sync_send(fd, &m);
}

int rl_sync_send_error(int fd, const struct rl_error *e, int hint)
{
	struct rl_sync_msg m = {.type = RL_SYNC_ERROR, .errnum = e->errnum, .hint = hint};

	snprintf(m.text, sizeof(m.text), "%s", e->msg);
	return rl_sync_send(fd, &m);
}

int rl_sync_fork_report(int fd, const char *what, struct rl_error *err)
{
	struct rl_sync_msg m = {.type = RL_SYNC_PID};
	int gate[2];
	ssize_t n;
	char ok;

	if (pipe2(gate, O_CLOEXEC) < 0)
		return rl_error_set(err, errno, "%s: pipe", what);
	m.pid = fork();
	if (m.pid < 0) {
		int e = errno;

		close(gate[0]);
		close(gate[1]);
		return rl_error_set(err, e, "%s", what);
	}
	if (m.pid > 0) {
		RL_FAULT_DELAY("sync.fork-report");
		if (rl_sync_send(fd, &m) < 0)
			_exit(1);
		/* The gate opens: "sent", then EOF as we exit. */
		_exit(write(gate[1], "1", 1) == 1 ? 0 : 1);
	}
	close(gate[1]);
	do
		n = read(gate[0], &ok, 1);
	while (n < 0 && errno == EINTR);
	close(gate[0]);
	/* No "sent": the runtime never learned this pid, and is gone or about
	 * to fail the create; nothing here could reach it. */
	if (n != 1)
		_exit(1);
	return 0;
}

int rl_sync_send_fds(int fd, enum rl_sync_type type, const int *fds, size_t n)
{
	struct rl_sync_msg m = {.type = type};

	return rl_send_fds(fd, fds, n, &m, offsetof(struct rl_sync_msg, text) + 1);
}

/* One message, and the fds that came with it (at most max into fds, *nfds
 * of them; any beyond max are closed and counted). */
static int recv_msg(int fd, struct rl_sync_msg *m, int *fds, size_t max, size_t *nfds,
		    struct rl_error *err)
{
	union {
		char buf[CMSG_SPACE(RL_SYNC_MAX_FDS * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = m, .iov_len = sizeof(*m)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	ssize_t n;

	memset(m, 0, sizeof(*m));
	*nfds = 0;
	do
		n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return rl_error_set(err, errno, "read the sync channel");
	*nfds = rl_take_fds(&msg, fds, max);
	if (msg.msg_flags & MSG_CTRUNC)
		(*nfds)++; /* never what the caller expects */
	return n == 0 ? 0 : (int)n;
}

int rl_sync_recv(int fd, struct rl_sync_msg *m, struct rl_error *err)
{
	size_t nfds;
	int n = recv_msg(fd, m, NULL, 0, &nfds, err);

	if (n <= 0)
		return n;
	if ((size_t)n < offsetof(struct rl_sync_msg, text) || m->type < RL_SYNC_USERNS ||
	    m->type > RL_SYNC_NETDEV)
		return rl_error_set(err, EPROTO, "sync channel: malformed message");
	m->text[sizeof(m->text) - 1] = '\0';
	return 1;
}

int rl_sync_expect_fds(int fd, enum rl_sync_type type, int *fds, size_t n, struct rl_error *err)
{
	struct rl_sync_msg m;
	size_t got = 0;
	int r = recv_msg(fd, &m, fds, n, &got, err);

	if (r > 0 && ((size_t)r < offsetof(struct rl_sync_msg, text) || m.type != type))
		r = rl_error_set(err, EPROTO, "sync channel: unexpected message %u", m.type);
	else if (r > 0 && got != n)
		r = rl_error_set(err, EPROTO, "sync channel: message %u came with %zu fds, not %zu",
				 m.type, got, n);
	else if (r == 0)
		r = rl_error_set(err, EPIPE, "sync channel: the runtime went away");
	if (r > 0)
		return 0;
	for (size_t i = 0; i < got && i < n; i++)
		close(fds[i]);
	return -1;
}

int rl_sync_expect(int fd, enum rl_sync_type type, struct rl_error *err)
{
	return rl_sync_expect_fds(fd, type, NULL, 0, err);
}

void rl_sync_to_error(const struct rl_sync_msg *m, struct rl_error *err)
{
	err->errnum = m->errnum;
	snprintf(err->msg, sizeof(err->msg), "%s", m->text);
}
