/* Process identity: (pid, start time) pairs and pidfds.  See procid.h. */
#include "procid.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/fds.h"
#include "runtime/safepath.h"

/* The stat line is ~50 numbers after comm; comm is at most 64 bytes (kernel
 * thread names), so 4 KiB holds it with room to spare. */
#define STAT_MAX 4096

/* Reads /proc/<pid>/stat into buf, NUL-terminated. */
static int read_stat(pid_t pid, char *buf, size_t size, struct rl_error *err)
{
	char path[64];
	size_t len = 0;
	_rl_fd_ int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rl_error_set(err, errno, "open \"%s\"", path);
	while (len < size - 1) {
		ssize_t n = read(fd, buf + len, size - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		/* ESRCH: the process went away after the open. */
		if (n < 0)
			return rl_error_set(err, errno == ESRCH ? ENOENT : errno, "read \"%s\"",
					    path);
		if (n == 0)
			break;
		len += (size_t)n;
		/* The kernel makes the whole line at the first read: a
		 * complete line is the end, without a read that returns 0. */
		if (buf[len - 1] == '\n')
			break;
	}
	buf[len] = '\0';
	return 0;
}

/* Parses state (field 3) and starttime (field 22).  comm (field 2) is
 * "(name)" where name may hold spaces and ')' itself, so the fields after it
 * are found from the last ')' of the line, never by counting spaces from
 * the start. */
static int parse_stat(const char *line, char *state, uint64_t *start)
{
	const char *p = strrchr(line, ')');
	char *end = NULL;

	if (!p || p[1] != ' ' || !p[2])
		return -1;
	*state = p[2];
	p += 2;
	/* From field 3, 19 more separators lead to field 22. */
	for (int field = 3; field < 22; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -1;
		p++;
	}
	errno = 0;
	*start = strtoull(p, &end, 10);
	if (errno || end == p || (*end != ' ' && *end != '\n' && *end != '\0'))
		return -1;
	return 0;
}

static int proc_stat(pid_t pid, char *state, uint64_t *start, struct rl_error *err)
{
	char buf[STAT_MAX];

	if (pid <= 0)
		return rl_error_set(err, ESRCH, "process %d", (int)pid);
	if (read_stat(pid, buf, sizeof(buf), err) < 0)
		return -1;
	if (parse_stat(buf, state, start) < 0)
		return rl_error_set(err, 0, "/proc/%d/stat: unexpected format", (int)pid);
	return 0;
}

int rl_proc_start_time(pid_t pid, uint64_t *ticks, struct rl_error *err)
{
	char state = 0;

	return proc_stat(pid, &state, ticks, err);
}

bool rl_proc_alive(pid_t pid, uint64_t start_time)
{
	char state = 0;
	uint64_t start = 0;

	if (start_time == 0 || proc_stat(pid, &state, &start, NULL) < 0)
		return false;
	return state != 'Z' && state != 'X' && start == start_time;
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int rl_pidset_read(struct rl_pidset *s)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	size_t cap = 0;
	int saved;

	*s = (struct rl_pidset){0};
	if (!d)
		return -1;
	while ((errno = 0, de = readdir(d))) {
		char *end = NULL;
		long pid;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = strtol(de->d_name, &end, 10);
		if (*end || pid <= 0)
			continue;
		if (s->n == cap) {
			pid_t *v = reallocarray(s->v, cap ? cap * 2 : 256, sizeof(*v));

			if (!v)
				break; /* errno ENOMEM */
			s->v = v;
			cap = cap ? cap * 2 : 256;
		}
		s->v[s->n++] = (pid_t)pid;
	}
	saved = errno;
	closedir(d);
	if (saved) {
		rl_pidset_free(s);
		errno = saved;
		return -1;
	}
	if (s->n)
		qsort(s->v, s->n, sizeof(*s->v), cmp_pid);
	return 0;
}

bool rl_pidset_has(const struct rl_pidset *s, pid_t pid)
{
	return s->n && bsearch(&pid, s->v, s->n, sizeof(*s->v), cmp_pid) != NULL;
}

void rl_pidset_free(struct rl_pidset *s)
{
	free(s->v);
	*s = (struct rl_pidset){0};
}

static int not_running(struct rl_error *err)
{
	return rl_error_set(err, ESRCH, "container not running");
}

int rl_pidfd_open(pid_t pid, uint64_t start_time, int *fd, struct rl_error *err)
{
	_rl_fd_ int pfd = -1;

	if (pid <= 0)
		return not_running(err);
	/* pidfd_open(2) sets O_CLOEXEC on the fd by itself. */
	pfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pfd < 0)
		return errno == ESRCH ? not_running(err)
				      : rl_error_set(err, errno, "pidfd_open %d", (int)pid);
	/* Only now is the check race-free: had the process exited and its pid
	 * been reused before pidfd_open, the fd names the newcomer, whose start
	 * time differs; if the check passes, the fd names the init and keeps
	 * naming it whatever happens to the pid later. */
	if (!rl_proc_alive(pid, start_time))
		return not_running(err);
	*fd = rl_fd_steal(&pfd);
	return 0;
}

int rl_pidfd_signal(int pidfd, int sig, struct rl_error *err)
{
	if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
		return errno == ESRCH ? not_running(err)
				      : rl_error_set(err, errno, "pidfd_send_signal %d", sig);
	return 0;
}

int rl_proc_status_code(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}

/* GUIDE §4: the host pid, decimal, no newline, appearing whole (temp file
 * + rename), since the caller may read it the moment create returns. */
int rl_pid_file_write(const char *path, pid_t pid, struct rl_error *err)
{
	char *tmp = NULL, buf[32];
	int fd, n = snprintf(buf, sizeof(buf), "%d", (int)pid);

	if (asprintf(&tmp, "%s.XXXXXX", path) < 0)
		return rl_error_set(err, ENOMEM, "pid file \"%s\"", path);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		rl_error_set(err, errno, "pid file \"%s\"", path);
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0644) < 0 || rl_write_all(fd, buf, (size_t)n) < 0 || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		rl_error_set(err, errno, "pid file \"%s\"", path);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

/* <linux/pidfd.h> of Linux 6.15; Debian 12's headers predate it.  The
 * ioctl's size is that of the first version of the struct (64 bytes): a
 * newer kernel fills what the caller's size holds. */
struct rl_pidfd_info {
	uint64_t mask;
	uint64_t cgroupid;
	uint32_t pid, tgid, ppid, ruid, rgid, euid, egid, suid, sgid, fsuid, fsgid;
	int32_t exit_code;
};
#define RL_PIDFD_GET_INFO  _IOWR(0xFF, 11, struct rl_pidfd_info)
#define RL_PIDFD_INFO_EXIT (1ULL << 3)

int rl_pidfd_exit_status(int pidfd, int *wstatus, struct rl_error *err)
{
	struct rl_pidfd_info info = {.mask = RL_PIDFD_INFO_EXIT};

	if (ioctl(pidfd, RL_PIDFD_GET_INFO, &info) < 0) {
		/* Before 6.13 the ioctl does not exist: the kernel keeps no
		 * exit status for us to read. */
		if (errno == ENOTTY || errno == EINVAL || errno == ESRCH)
			return 1;
		return rl_error_set(err, errno, "pidfd: PIDFD_GET_INFO");
	}
	if (!(info.mask & RL_PIDFD_INFO_EXIT))
		return 1;
	*wstatus = info.exit_code;
	return 0;
}

int rl_proc_only_child(pid_t pid, pid_t *child, struct rl_error *err)
{
	char path[64], buf[64];
	_rl_fd_ int fd = -1;
	ssize_t n;
	int a = 0, b = 0, k;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rl_error_set(err, errno, "open \"%s\"", path);
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return rl_error_set(err, errno, "read \"%s\"", path);
	buf[n] = '\0';
	/* "PID PID ... " with a trailing space; a second number, or a list
	 * too long for buf, is more than one child. */
	k = sscanf(buf, "%d %d", &a, &b);
	if (k != 1 || a <= 0 || (size_t)n == sizeof(buf) - 1)
		return 1;
	*child = (pid_t)a;
	return 0;
}

int rl_proc_exit_signal(int init_ws, int work_ws, int kill_signal)
{
	int code;

	if (WIFSIGNALED(init_ws))
		return WTERMSIG(init_ws);
	if (!WIFEXITED(init_ws))
		return 0;
	code = WEXITSTATUS(init_ws);
	if (code <= 128)
		return 0;
	if (work_ws >= 0)
		return WIFSIGNALED(work_ws) && code == 128 + WTERMSIG(work_ws) ? WTERMSIG(work_ws)
									       : 0;
	if (work_ws == RL_WS_UNKNOWN && kill_signal > 0 && code == 128 + kill_signal)
		return kill_signal;
	return 0;
}

int rl_pidfd_socket_connect(const char *path, int min_fd, struct rl_error *err)
{
	int sock, fd;

	if (!*path)
		return rl_error_set(err, 0, "--pidfd-socket: empty path");
	sock = rl_unix_connect(path, "--pidfd-socket", err);
	if (sock < 0 || sock >= min_fd)
		return sock;
	fd = fcntl(sock, F_DUPFD_CLOEXEC, min_fd);
	close(sock);
	if (fd < 0)
		return rl_error_set(err, errno, "--pidfd-socket: dup");
	return fd;
}

int rl_pidfd_socket_send(int sock, pid_t pid, const char *kind, struct rl_error *err)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0), r = 0;

	if (fd < 0)
		r = rl_error_set(err, errno, "--pidfd-socket: pidfd_open %d", (int)pid);
	else if (rl_send_fd(sock, fd, kind, strlen(kind)) < 0)
		r = rl_error_set(err, errno, "--pidfd-socket: send the pidfd");
	if (fd >= 0)
		close(fd);
	close(sock);
	return r;
}
