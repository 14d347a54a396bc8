/* Fault injection for the test build; see fault.h.  Compiled to nothing
 * but this comment's translation unit without -DRL_FAULT. */
#include "runtime/fault.h"

#ifdef RL_FAULT

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static pid_t runtime_pid;
static unsigned hits;
/* RLITE_FAULT_LOG, opened by the runtime: a container child after its
 * pivot_root (or chroot) no longer reaches the path, but has this copy. */
static int log_fd = -1;
static struct stat log_st;

static bool log_kept(void)
{
	struct stat st;

	return log_fd >= 0 && fstat(log_fd, &st) == 0 && st.st_dev == log_st.st_dev &&
	       st.st_ino == log_st.st_ino;
}

void rl_fault_runtime(pid_t pid)
{
	const char *log = getenv("RLITE_FAULT_LOG");
	int fd;

	runtime_pid = pid;
	if (!log)
		return;
	fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	if (log_kept())
		close(log_fd);
	log_fd = fd;
	if (fstat(fd, &log_st) < 0)
		log_fd = -1;
}

/* "NAME" or "NAME@N": does this hit of name match? */
static int wanted(const char *spec, const char *name)
{
	size_t n = strlen(name);
	const char *at;

	if (strncmp(spec, name, n) != 0 || (spec[n] != '\0' && spec[n] != '@'))
		return 0;
	hits++;
	at = spec[n] == '@' ? spec + n + 1 : NULL;
	return at ? hits == strtoul(at, NULL, 10) : hits == 1;
}

static void note(const char *name)
{
	const char *log = getenv("RLITE_FAULT_LOG");
	char line[256];
	int fd, len;

	if (!log)
		return;
	len = snprintf(line, sizeof(line), "%s %d\n", name, (int)getpid());
	fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0 && log_kept())
		fd = dup(log_fd);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)len) < 0)
		len = 0;
	close(fd);
}

/* Another process is the runtime: kill it and wait until it is gone (a
 * pidfd turns readable then), as if it had died at this very moment. */
static void kill_runtime(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd p;

	if (fd < 0)
		return;
	if (syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) == 0) {
		p = (struct pollfd){.fd = fd, .events = POLLIN};
		while (poll(&p, 1, 5000) < 0 && errno == EINTR)
			;
	}
	close(fd);
}

void rl_fault_point(const char *name)
{
	const char *spec = getenv("RLITE_FAULT");
	int saved = errno;

	if (!spec || !wanted(spec, name)) {
		errno = saved;
		return;
	}
	note(name);
	if (runtime_pid > 0 && runtime_pid != getpid()) {
		kill_runtime(runtime_pid);
		errno = saved;
		return;
	}
	raise(SIGKILL);
	for (;;)
		pause();
}

void rl_fault_delay(const char *name)
{
	const char *spec = getenv("RLITE_FAULT_DELAY");
	size_t n = strlen(name);
	int saved = errno;
	struct timespec ts;
	unsigned long ms;

	if (!spec || strncmp(spec, name, n) != 0 || spec[n] != ':')
		return;
	ms = strtoul(spec + n + 1, NULL, 10);
	note(name);
	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
	errno = saved;
}

#else
typedef int rl_fault_unused;
#endif
