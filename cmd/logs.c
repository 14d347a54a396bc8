/* rlite logs: what a detached container wrote, from the log its monitor
 * keeps (runtime/monitor.h): ROOT/ID/container.log, and before it the
 * rotated container.log.1 when the log outgrew its bound.
 *
 * This command reads files itself (the only cmd/ file that does): the log
 * is plain bytes meant for the terminal, nothing to interpret. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "runtime/monitor.h"
#include "runtime/procid.h"
#include "runtime/state.h"
#include "runtime/fds.h"

#define FOLLOW_POLL_US 200000

static const char logs_usage[] =
    "usage: rlite logs [options] ID\n"
    "\n"
    "Print what the process of a detached container (run --detach) wrote to\n"
    "its stdout and stderr, as its monitor logged it.  The log keeps the newest\n"
    "output: at most 1 MiB in ROOT/ID/container.log and the 1 MiB before it in\n"
    "container.log.1.\n"
    "\n"
    "Options:\n"
    "  --follow, -f   keep printing what comes, until the container's monitor\n"
    "                 exits or the container is deleted\n"
    "  --help, -h     this text\n";

struct logs {
	struct rl_globals *g;
	const char *id;
	char path[PATH_MAX];
	int fd; /* the current log, -1 when none */
	pid_t monitor_pid;
	uint64_t monitor_start_time;
};

/* Everything from fd's offset to its end goes to stdout. */
static int copy_out(int fd, struct rl_error *err)
{
	char buf[65536];
	ssize_t n;

	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return rl_error_set(err, errno, "read log");
		if (n == 0)
			return 0;
		if (rl_write_all(STDOUT_FILENO, buf, (size_t)n) < 0)
			return rl_error_set(err, errno, "write to stdout");
	}
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Opens both logs under a shared lock (a delete cannot remove them under
 * us), and learns who the monitor is for --follow.  The lock is not held
 * while printing: a slow reader must not hold up the container's commands. */
static int open_logs(struct logs *l, int *old_fd, struct rl_error *err)
{
	struct rl_state_lock lk _rl_state_lock_ = RL_STATE_LOCK_INIT;
	struct rl_state *st = NULL;
	char old[PATH_MAX + 2];

	if (rl_state_lock(l->g->root, l->id, false, &lk, err) < 0 ||
	    rl_monitor_log_path(l->g->root, l->id, l->path, sizeof(l->path), err) < 0)
		return -1;
	if (rl_state_load(&lk, &st, err) == 0) {
		l->monitor_pid = st->monitor_pid;
		l->monitor_start_time = st->monitor_start_time;
		rl_state_free(st);
	}
	/* The log first: rotated between the two opens, it is the .1 we then
	 * open (skipped), and nothing is missed. */
	l->fd = open(l->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (l->fd < 0 && errno != ENOENT)
		return rl_error_set(err, errno, "open \"%s\"", l->path);
	snprintf(old, sizeof(old), "%s.1", l->path);
	*old_fd = open(old, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (*old_fd >= 0 && l->fd >= 0 && same_file(*old_fd, l->fd)) {
		close(*old_fd);
		*old_fd = -1;
	}
	if (l->fd < 0 && *old_fd < 0)
		return rl_error_set(err, 0,
				    "container \"%s\" has no log: only a detached container "
				    "(run --detach) keeps one",
				    l->id);
	return 0;
}

/* Was the log rotated (the name now holds another file)?  Then the rest of
 * the old one, and on with the new one from its start. */
static int follow_rotation(struct logs *l, struct rl_error *err)
{
	struct stat mine, now;
	int fd;

	if (stat(l->path, &now) < 0)
		return 0;
	if (l->fd >= 0 && fstat(l->fd, &mine) == 0 && mine.st_dev == now.st_dev &&
	    mine.st_ino == now.st_ino)
		return 0;
	fd = open(l->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	if (l->fd >= 0) {
		copy_out(l->fd, err);
		close(l->fd);
	}
	l->fd = fd;
	return 1;
}

/* Until the monitor has exited (its last words are in the log by then) or
 * the container is gone. */
static int follow(struct logs *l, struct rl_error *err)
{
	for (;;) {
		bool alive = rl_proc_alive(l->monitor_pid, l->monitor_start_time);
		struct stat sb;

		if ((l->fd >= 0 && copy_out(l->fd, err) < 0) || follow_rotation(l, err) < 0)
			return -1;
		if (l->fd >= 0 && copy_out(l->fd, err) < 0)
			return -1;
		if (!alive || (l->fd >= 0 && fstat(l->fd, &sb) == 0 && sb.st_nlink == 0))
			return 0;
		usleep(FOLLOW_POLL_US);
	}
}

static int parse_args(int argc, char **argv, const char **id, bool *follow_on, struct rl_error *err)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return 1;
		if (strcmp(a, "--follow") == 0 || strcmp(a, "-follow") == 0 ||
		    strcmp(a, "-f") == 0) {
			*follow_on = true;
		} else if (a[0] == '-' && strcmp(a, "--") != 0) {
			return rl_error_set(
			    err, 0, "logs: unknown option \"%s\" (see rlite logs --help)", a);
		} else {
			i += strcmp(a, "--") == 0;
			if (i + 1 < argc)
				return rl_error_set(err, 0, "logs: one container ID, please");
			*id = i < argc ? argv[i] : NULL;
			break;
		}
	}
	if (!*id)
		return rl_error_set(err, 0, "logs: a container ID is required");
	return 0;
}

int rl_cmd_logs(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	struct logs l = {.g = g, .fd = -1};
	bool follow_on = false;
	int old_fd = -1, r;

	r = parse_args(argc, argv, &l.id, &follow_on, err);
	if (r != 0)
		return r > 0 ? rl_cmd_usage(logs_usage) : -1;
	r = open_logs(&l, &old_fd, err);
	if (r == 0 && old_fd >= 0)
		r = copy_out(old_fd, err);
	if (r == 0 && l.fd >= 0)
		r = copy_out(l.fd, err);
	if (r == 0 && follow_on)
		r = follow(&l, err);
	if (old_fd >= 0)
		close(old_fd);
	if (l.fd >= 0)
		close(l.fd);
	return r < 0 ? -1 : 0;
}
