/* NOTIFY_SOCKET through the container (runtime/notify.h). */
#include "runtime/notify.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "runtime/safepath.h"

#define NOTIFY_ENV "NOTIFY_SOCKET=" RL_NOTIFY_MOUNT "/" RL_NOTIFY_SOCK

const char *rl_notify_env(void)
{
	const char *s = getenv("NOTIFY_SOCKET");

	return s && *s ? s : NULL;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

void rl_notify_close(struct rl_notify *n)
{
	close_fd(&n->host_fd);
	close_fd(&n->dir_fd);
	close_fd(&n->sock_fd);
	close_fd(&n->tree_fd);
}

int rl_notify_connect(struct rl_notify *n, struct rl_error *err)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t len;

	if (!n->host || n->host_fd >= 0)
		return 0;
	len = strlen(n->host);
	if (len >= sizeof(sa.sun_path))
		return rl_error_set(err, ENAMETOOLONG, "NOTIFY_SOCKET \"%s\"", n->host);
	memcpy(sa.sun_path, n->host, len);
	/* sd_notify(3): "@" names a socket in the abstract namespace */
	if (n->host[0] == '@')
		sa.sun_path[0] = '\0';
	n->host_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (n->host_fd < 0)
		return rl_error_set(err, errno, "NOTIFY_SOCKET: socket");
	if (connect(n->host_fd, (struct sockaddr *)&sa,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len)) < 0) {
		rl_error_set(err, errno, "NOTIFY_SOCKET: connect to \"%s\"", n->host);
		close_fd(&n->host_fd);
		return -1;
	}
	return 0;
}

/* ---- the container's side: mount and env ------------------------------- */

/* Replaces an entry NOTIFY_SOCKET=... of the config's, or appends one. */
static int set_env(struct rl_process *p)
{
	char *s = strdup(NOTIFY_ENV), **v;

	if (!s)
		return -1;
	for (size_t i = 0; i < p->env.n; i++)
		if (strncmp(p->env.v[i], "NOTIFY_SOCKET=", 14) == 0) {
			free(p->env.v[i]);
			p->env.v[i] = s;
			return 0;
		}
	v = reallocarray(p->env.v, p->env.n + 2, sizeof(*v));
	if (!v) {
		free(s);
		return -1;
	}
	v[p->env.n++] = s;
	v[p->env.n] = NULL;
	p->env.v = v;
	return 0;
}

/* The directory as a detached mount with the flags runc gives it
 * (bind,nosuid,noexec,nodev,ro), above min_fd. */
static int clone_tree(struct rl_notify *n, int statedir, const char *dir, int min_fd,
		      struct rl_error *err)
{
	struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
					   MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC};
	int fd = open_tree(statedir, RL_NOTIFY_DIR, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

	if (fd < 0)
		return rl_error_set(err, errno, "open_tree \"%s/" RL_NOTIFY_DIR "\"", dir);
	n->tree_fd = fd >= min_fd ? fd : fcntl(fd, F_DUPFD_CLOEXEC, min_fd);
	if (n->tree_fd != fd)
		close(fd);
	if (n->tree_fd < 0)
		return rl_error_set(err, errno, "fcntl(F_DUPFD_CLOEXEC)");
	if (mount_setattr(n->tree_fd, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0)
		return rl_error_set(err, errno, "mount_setattr \"%s/" RL_NOTIFY_DIR "\"", dir);
	return 0;
}

int rl_notify_setup(struct rl_notify *n, int statedir, const char *dir, struct rl_config *cfg,
		    int min_fd, bool mntns, struct rl_error *err)
{
	if (!n->host)
		return 0;
	if (!mntns)
		return rl_error_set(err, 0,
				    "NOTIFY_SOCKET: the container has no mount namespace of its "
				    "own (linux.namespaces): %s cannot be mounted in it",
				    RL_NOTIFY_MOUNT);
	/* 0755 as in runc; the 0700 state directory above keeps others out */
	if (mkdirat(statedir, RL_NOTIFY_DIR, 0755) < 0 && errno != EEXIST)
		return rl_error_set(err, errno, "mkdir \"%s/" RL_NOTIFY_DIR "\"", dir);
	if (clone_tree(n, statedir, dir, min_fd, err) < 0)
		return -1;
	if (cfg->process && set_env(cfg->process) < 0)
		return rl_error_set(err, ENOMEM, "NOTIFY_SOCKET");
	return 0;
}

/* ---- the socket ----------------------------------------------------------- */

int rl_notify_bind(struct rl_notify *n, int statedir, const char *dir, struct rl_error *err)
{
	/* Through the directory's fd: ROOT/ID/notify/notify.sock may well be
	 * longer than sun_path's 108 bytes, "/proc/self/fd/N/notify.sock" is
	 * not. */
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	char p[RL_FDPATH_MAX];

	if (!n->host)
		return 0;
	if (n->dir_fd < 0) {
		n->dir_fd =
		    openat(statedir, RL_NOTIFY_DIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (n->dir_fd < 0)
			return rl_error_set(err, errno, "open \"%s/" RL_NOTIFY_DIR "\"", dir);
	}
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/" RL_NOTIFY_SOCK, rl_fdpath(n->dir_fd, p));
	/* a stale one, of a `start` that failed or was killed */
	unlink(sa.sun_path);
	n->sock_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (n->sock_fd < 0)
		return rl_error_set(err, errno, "notify socket");
	if (bind(n->sock_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return rl_error_set(err, errno, "bind \"%s/" RL_NOTIFY_DIR "/" RL_NOTIFY_SOCK "\"",
				    dir);
	/* any uid in the container may notify, as with systemd's own socket */
	if (chmod(sa.sun_path, 0777) < 0)
		return rl_error_set(err, errno, "chmod \"%s/" RL_NOTIFY_DIR "/" RL_NOTIFY_SOCK "\"",
				    dir);
	return 0;
}

/* ---- the relay ------------------------------------------------------------- */

/* One datagram: its line "READY=..." copied to line (NUL-terminated), 1;
 * 0 when it has none. */
static int read_ready(int fd, char *line, size_t size)
{
	char buf[4096];
	ssize_t len = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	if (len <= 0)
		return 0;
	buf[len] = '\0';
	for (char *s = buf, *e; s && *s; s = e ? e + 1 : NULL) {
		e = strchr(s, '\n');
		if (e)
			*e = '\0';
		if (strncmp(s, "READY=", 6) == 0) {
			snprintf(line, size, "%s", s);
			return 1;
		}
	}
	return 0;
}

static int send_host(struct rl_notify *n, const char *msg, struct rl_error *err)
{
	if (send(n->host_fd, msg, strlen(msg), MSG_NOSIGNAL) < 0)
		return rl_error_set(err, errno, "NOTIFY_SOCKET: send to \"%s\"", n->host);
	return 0;
}

/* sd_notify_barrier(3): "BARRIER=1" with the write end of a pipe; the
 * caller closes it once it processed everything we sent before.  A caller
 * that does not know the protocol never does: after the timeout we go on,
 * as runc (which warns). */
static int barrier(struct rl_notify *n, struct rl_error *err)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u = {0};
	char msg[] = "BARRIER=1";
	struct iovec iov = {.iov_base = msg, .iov_len = strlen(msg)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	struct pollfd pfd = {.events = POLLIN};
	int pipefd[2], r;
	char c;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return rl_error_set(err, errno, "NOTIFY_SOCKET: pipe");
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &pipefd[1], sizeof(int));
	r = (int)sendmsg(n->host_fd, &mh, MSG_NOSIGNAL);
	close(pipefd[1]);
	if (r < 0) {
		close(pipefd[0]);
		return rl_error_set(err, errno, "NOTIFY_SOCKET: send to \"%s\"", n->host);
	}
	pfd.fd = pipefd[0];
	do
		r = poll(&pfd, 1, RL_NOTIFY_BARRIER_MS);
	while (r < 0 && errno == EINTR);
	if (r > 0 && read(pipefd[0], &c, 1) > 0)
		r = rl_error_set(err, EPROTO, "NOTIFY_SOCKET: \"%s\" wrote to the barrier pipe",
				 n->host);
	else
		r = 0;
	close(pipefd[0]);
	return r;
}

static int forward(struct rl_notify *n, const char *ready, pid_t mainpid, struct rl_error *err)
{
	char line[4200], pid[32];

	snprintf(line, sizeof(line), "%s\n", ready);
	snprintf(pid, sizeof(pid), "MAINPID=%d\n", (int)mainpid);
	if (send_host(n, line, err) < 0 || send_host(n, pid, err) < 0)
		return -1;
	return barrier(n, err);
}

int rl_notify_relay(struct rl_notify *n, int init_pidfd, pid_t mainpid, int extra_fd,
		    void (*on_extra)(void *), void *arg, struct rl_error *err)
{
	char ready[4096];

	if (!n->host || n->sock_fd < 0)
		return 0;
	for (;;) {
		struct pollfd p[3] = {{.fd = n->sock_fd, .events = POLLIN},
				      {.fd = init_pidfd, .events = POLLIN},
				      {.fd = on_extra ? extra_fd : -1, .events = POLLIN}};

		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return rl_error_set(err, errno, "NOTIFY_SOCKET: poll");
		}
		/* the datagrams first: a READY sent right before the init
		 * exited still counts */
		if (p[0].revents && read_ready(n->sock_fd, ready, sizeof(ready)))
			return forward(n, ready, mainpid, err);
		if (p[0].revents)
			continue;
		if (p[1].revents)
			return 0;
		if (p[2].revents)
			on_extra(arg);
	}
}
