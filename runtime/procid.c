/* Process identity: (pid, start time) pairs and pidfds.  See procid.h. */
#include "procid.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
