/* seccomp-agent: a seccomp user-notification agent for the tests
 * (config-linux.md "Seccomp", listenerPath).
 *
 *   seccomp-agent -o OUT -p PIDFILE -v VALUE SOCKET
 *
 * Listens on SOCKET (AF_UNIX stream), goes to the background once it does
 * (writing its pid to PIDFILE), accepts one connection, receives the
 * listener fd with the container process state, writes that JSON payload
 * to OUT, then answers every notification as if the call had succeeded and
 * returned VALUE, until the listener is closed (the container is gone) or
 * 30 s pass. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int recv_fd(int sock, char *buf, size_t len)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct iovec iov = {.iov_base = buf, .iov_len = len - 1};
	struct msghdr msg = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.b, .msg_controllen = sizeof(u.b)};
	struct cmsghdr *c;
	ssize_t n = recvmsg(sock, &msg, 0);
	int fd = -1;

	if (n <= 0)
		return -1;
	buf[n] = '\0';
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(fd));
	return fd;
}

static void serve(int nfd, long long value)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	for (;;) {
		struct pollfd p = {.fd = nfd, .events = POLLIN};

		if (poll(&p, 1, 30000) <= 0 || (p.revents & (POLLHUP | POLLERR)))
			return;
		memset(&req, 0, sizeof(req));
		if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR || errno == ENOENT)
				continue;
			return;
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.val = value;
		ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
	}
}

int main(int argc, char **argv)
{
	const char *out = NULL, *pidfile = NULL;
	long long value = 0;
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char buf[65536];
	int opt, l, s, nfd;
	FILE *f;

	while ((opt = getopt(argc, argv, "o:p:v:")) != -1) {
		if (opt == 'o')
			out = optarg;
		else if (opt == 'p')
			pidfile = optarg;
		else if (opt == 'v')
			value = atoll(optarg);
		else
			return 2;
	}
	if (optind != argc - 1 || !out || !pidfile || strlen(argv[optind]) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "usage: seccomp-agent -o OUT -p PIDFILE -v VALUE SOCKET\n");
		return 2;
	}
	strcpy(sa.sun_path, argv[optind]);
	l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 1) < 0) {
		perror("seccomp-agent: listen");
		return 1;
	}
	if (fork() > 0)
		return 0;
	setsid();
	f = fopen(pidfile, "w");
	if (f) {
		fprintf(f, "%d\n", (int)getpid());
		fclose(f);
	}
	s = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (s < 0)
		return 1;
	nfd = recv_fd(s, buf, sizeof(buf));
	f = fopen(out, "w");
	if (f) {
		fprintf(f, "%s\n", buf);
		fclose(f);
	}
	if (nfd >= 0)
		serve(nfd, value);
	unlink(argv[optind]);
	return 0;
}
