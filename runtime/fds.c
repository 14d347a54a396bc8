/* File descriptor hygiene before execve.
 *
 * Nothing the runtime opened may leak into the container: an inherited
 * directory fd or a host socket is an escape route (CVE-2024-21626 was a
 * leaked cgroup directory fd used as the cwd).  The runtime opens everything
 * O_CLOEXEC already; this is the belt to those braces, for fds inherited from
 * whoever started the runtime. */
#include "fds.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "procfs.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int rl_fds_listen_count(void)
{
	const char *s = getenv("LISTEN_FDS");
	char *end = NULL;
	long n;

	if (!s || !*s)
		return 0;
	errno = 0;
	n = strtol(s, &end, 10);
	/* sd_listen_fds() refuses garbage; so do we, rather than keeping a
	 * random number of fds open. */
	if (errno || *end || n <= 0 || n > INT_MAX - 3)
		return 0;
	return (int)n;
}

static int set_cloexec(int fd, bool on)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl < 0)
		return -1;
	if (!!(fl & FD_CLOEXEC) == on)
		return 0;
	return fcntl(fd, F_SETFD, on ? fl | FD_CLOEXEC : fl & ~FD_CLOEXEC);
}

/* Without close_range (kernel < 5.11, or a seccomp profile of the runtime's
 * caller returning ENOSYS for it): walk /proc/self/fd. */
static int cloexec_from_slow(int first, int procfd, struct rl_error *err)
{
	int dfd = rl_procfs_openat(procfd, "self/fd", O_RDONLY | O_DIRECTORY, err);
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return rl_error_prefix(err, "fds");
	}
	while ((de = readdir(d))) {
		char *end = NULL;
		long fd = strtol(de->d_name, &end, 10);

		if (*end || end == de->d_name || fd < first || fd == dirfd(d))
			continue;
		if (set_cloexec((int)fd, true) < 0 && errno != EBADF) {
			int e = errno;

			closedir(d);
			return rl_error_set(err, e, "fds: mark fd %ld close-on-exec", fd);
		}
	}
	closedir(d);
	return 0;
}

int rl_fds_prepare(int n_keep, int keep_fd, int procfd, struct rl_error *err)
{
	int first;

	if (n_keep < 0 || n_keep > INT_MAX - 3)
		return rl_error_set(err, EINVAL, "fds: %d fds to preserve", n_keep);
	first = 3 + n_keep;
	/* Mark rather than close: keep_fd must stay usable to report an error
	 * after this point, and libraries may hold fds of their own. */
	if (close_range((unsigned)first, ~0U, CLOSE_RANGE_CLOEXEC) < 0) {
		if (errno != ENOSYS && errno != EINVAL)
			return rl_error_set(err, errno, "fds: close_range %d..: mark close-on-exec",
					    first);
		if (cloexec_from_slow(first, procfd, err) < 0)
			return -1;
	}
	/* The preserved fds and stdio must really survive execve: a caller may
	 * well have opened them O_CLOEXEC.  A gap in the range is allowed (EBADF),
	 * as with runc's --preserve-fds. */
	for (int fd = 0; fd < first; fd++) {
		if (fd == keep_fd)
			continue;
		if (set_cloexec(fd, false) < 0 && errno != EBADF)
			return rl_error_set(err, errno, "fds: clear close-on-exec on fd %d", fd);
	}
	if (keep_fd >= 0 && set_cloexec(keep_fd, true) < 0)
		return rl_error_set(err, errno, "fds: mark sync fd %d close-on-exec", keep_fd);
	return 0;
}

int rl_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int rl_send_fds(int sock, const int *fds, size_t n, const void *payload, size_t len)
{
	union {
		char buf[CMSG_SPACE(RL_SEND_FDS_MAX * sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = (void *)payload, .iov_len = len};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
	struct cmsghdr *c;
	ssize_t r;

	if (n > RL_SEND_FDS_MAX) {
		errno = E2BIG;
		return -1;
	}
	if (n) {
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.buf;
		msg.msg_controllen = CMSG_SPACE(n * sizeof(int));
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	}
	/* MSG_NOSIGNAL: a peer that went away is an error, not a SIGPIPE. */
	do
		r = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	while (r >= 0 && (size_t)r < len) {
		ssize_t m = send(sock, (const char *)payload + r, len - (size_t)r, MSG_NOSIGNAL);

		if (m < 0 && errno == EINTR)
			continue;
		if (m < 0)
			return -1;
		r += m;
	}
	return r < 0 ? -1 : 0;
}

int rl_send_fd(int sock, int fd, const void *payload, size_t len)
{
	return rl_send_fds(sock, &fd, 1, payload, len);
}

size_t rl_take_fds(struct msghdr *msg, int *fds, size_t max)
{
	size_t n = 0;

	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		for (size_t i = 0; i < k; i++, n++) {
			int fd;

			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (n < max)
				fds[n] = fd;
			else
				close(fd);
		}
	}
	return n;
}

int rl_unix_connect(const char *path, const char *what, struct rl_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return rl_error_set(err, ENAMETOOLONG, "%s \"%s\"", what, path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return rl_error_set(err, errno, "%s: socket", what);
	/* connect() is not restartable after EINTR (the connection may be
	 * under way); callers block signals around it. */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int e = errno;

		close(fd);
		return rl_error_set(err, e, "%s: connect to \"%s\"", what, path);
	}
	return fd;
}
