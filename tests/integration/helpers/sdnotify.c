/* Both ends of sd_notify(3) for notify.bats: systemd's listener on the host
 * and a service's sender in the container (busybox has no datagram sender).
 * Static: the sender runs inside the busybox rootfs.
 *
 *   sdnotify listen [-p PIDFILE] [-t SECONDS] SOCKET FILE
 *	Binds a unixgram SOCKET (a stale file is removed first), then goes to
 *	the background (the parent exits 0 once the socket exists).  Each
 *	datagram is written to FILE as its text (a trailing newline dropped,
 *	inner ones kept), one datagram per line; one that carries fds gets
 *	" +fd" appended, and then (after the line is written) its fds are
 *	closed, which is how systemd answers BARRIER=1 (sd_notify_barrier(3)).
 *	FILE.senders gets the pid of each datagram's sender (SCM_CREDENTIALS),
 *	one a line.  Exits after SECONDS (default 30).
 *	PIDFILE gets the pid of the background listener.
 *
 *   sdnotify send MESSAGE
 *	Sends MESSAGE as one datagram to $NOTIFY_SOCKET (a path, or an
 *	abstract name when it starts with '@').  Exit 1 with a message on
 *	failure. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static socklen_t address(const char *path, struct sockaddr_un *sa)
{
	size_t len = strlen(path);

	if (len >= sizeof(sa->sun_path)) {
		fprintf(stderr, "sdnotify: %s: path too long\n", path);
		exit(1);
	}
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	memcpy(sa->sun_path, path, len);
	if (path[0] == '@')
		sa->sun_path[0] = '\0';
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + (path[0] != '@'));
}

static int do_send(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa;
	socklen_t len;
	int fd;

	if (!path || !*path) {
		fprintf(stderr, "sdnotify: NOTIFY_SOCKET is not set\n");
		return 1;
	}
	len = address(path, &sa);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sa, len) < 0) {
		fprintf(stderr, "sdnotify: send to %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

/* One datagram to out and its sender to senders; its fds closed. */
static void record(int fd, FILE *out, FILE *senders)
{
	union {
		char buf[CMSG_SPACE(16 * sizeof(int)) + CMSG_SPACE(sizeof(struct ucred))];
		struct cmsghdr align;
	} u;
	char text[4096];
	struct iovec iov = {.iov_base = text, .iov_len = sizeof(text) - 1};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf)};
	ssize_t n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
	int fds[16], nfds = 0;
	struct ucred cred = {0};

	if (n < 0)
		return;
	text[n] = '\0';
	if (n > 0 && text[n - 1] == '\n')
		text[n - 1] = '\0';
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_CREDENTIALS)
			memcpy(&cred, CMSG_DATA(cm), sizeof(cred));
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t i = 0; i < (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int) && nfds < 16; i++)
			memcpy(&fds[nfds++], CMSG_DATA(cm) + i * sizeof(int), sizeof(int));
	}
	fprintf(senders, "%d\n", (int)cred.pid);
	fflush(senders);
	fprintf(out, "%s%s\n", text, nfds ? " +fd" : "");
	fflush(out);
	while (nfds > 0)
		close(fds[--nfds]);
}

static int do_listen(int argc, char **argv)
{
	const char *pidfile = NULL;
	int seconds = 30, opt, fd;
	struct sockaddr_un sa;
	time_t end;
	FILE *out, *senders, *pf;
	char name[4096];
	int on = 1;
	pid_t pid;

	while ((opt = getopt(argc, argv, "p:t:")) != -1) {
		if (opt == 'p')
			pidfile = optarg;
		else if (opt == 't')
			seconds = atoi(optarg);
		else
			return 2;
	}
	if (argc - optind != 2) {
		fprintf(stderr, "usage: sdnotify listen [-p PIDFILE] [-t SECONDS] SOCKET FILE\n");
		return 2;
	}
	out = fopen(argv[optind + 1], "w");
	snprintf(name, sizeof(name), "%s.senders", argv[optind + 1]);
	senders = fopen(name, "w");
	if (!out || !senders) {
		fprintf(stderr, "sdnotify: %s: %s\n", argv[optind + 1], strerror(errno));
		return 1;
	}
	unlink(argv[optind]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, address(argv[optind], &sa)) < 0) {
		fprintf(stderr, "sdnotify: bind %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	pid = fork();
	if (pid < 0)
		return 1;
	if (pid > 0) {
		if (pidfile && (pf = fopen(pidfile, "w"))) {
			fprintf(pf, "%d\n", (int)pid);
			fclose(pf);
		}
		return 0;
	}
	setsid();
	for (int i = 0; i < 3; i++) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, i);
		if (null > 2)
			close(null);
	}
	end = time(NULL) + seconds;
	while (time(NULL) < end) {
		struct pollfd p = {.fd = fd, .events = POLLIN};

		if (poll(&p, 1, 200) > 0)
			record(fd, out, senders);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "send") == 0)
		return do_send(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "listen") == 0)
		return do_listen(argc - 1, argv + 1);
	fprintf(stderr, "usage: sdnotify send MESSAGE | sdnotify listen ...\n");
	return 2;
}
