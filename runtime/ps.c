/* `rlite ps` in table form: the host's ps(1), cut down to the container's
 * processes, as runc does it (ps.go): ps runs on the host with the
 * caller's arguments, its header line stays, and a line stays when the
 * value in the column titled PID is one of the container's pids. */
#include "runtime/events.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/procid.h"
#include "runtime/safepath.h"

/* ps output of a host with a million processes is ~100 MB; more than that
 * is not ps. */
#define PS_OUTPUT_MAX (256u << 20)

extern char **environ;

/* The index of the whitespace-separated field of header that is "PID". */
static int pid_column(const char *header, size_t len)
{
	int col = 0;

	for (size_t i = 0; i < len;) {
		size_t j;

		while (i < len && isspace((unsigned char)header[i]))
			i++;
		if (i == len)
			break;
		for (j = i; j < len && !isspace((unsigned char)header[j]); j++)
			;
		if (j - i == 3 && strncmp(header + i, "PID", 3) == 0)
			return col;
		col++;
		i = j;
	}
	return -1;
}

/* The pid in field col of line [s, s+len): 0, or -1 when there is none. */
static int line_pid(const char *s, size_t len, int col, long *pid)
{
	char field[24];
	char *end = NULL;
	size_t i = 0, j;

	for (int c = 0;; c++) {
		while (i < len && isspace((unsigned char)s[i]))
			i++;
		if (i == len)
			return -1;
		for (j = i; j < len && !isspace((unsigned char)s[j]); j++)
			;
		if (c == col)
			break;
		i = j;
	}
	if (j - i >= sizeof(field))
		return -1;
	memcpy(field, s + i, j - i);
	field[j - i] = '\0';
	errno = 0;
	*pid = strtol(field, &end, 10);
	return errno || end == field || *end ? -1 : 0;
}

static bool has_pid(const int *pids, size_t n, long pid)
{
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

int rl_ps_filter(const char *text, const int *pids, size_t n, char **out, struct rl_error *err)
{
	size_t hlen = strcspn(text, "\n"), olen;
	const char *p = text + hlen;
	int col = pid_column(text, hlen);
	char *o;

	if (col < 0)
		return rl_error_set(err, 0, "couldn't find PID field in ps output");
	if (!(o = malloc(strlen(text) + 2)))
		return rl_error_set(err, ENOMEM, "ps");
	memcpy(o, text, hlen);
	o[hlen] = '\n';
	olen = hlen + 1;
	while (*p) {
		size_t len;
		long pid = 0;

		p += *p == '\n';
		len = strcspn(p, "\n");
		if (len == 0)
			continue;
		if (line_pid(p, len, col, &pid) < 0) {
			free(o);
			return rl_error_set(err, 0, "unable to parse pid: \"%.*s\"",
					    (int)(len > 80 ? 80 : len), p);
		}
		if (has_pid(pids, n, pid)) {
			memcpy(o + olen, p, len);
			o[olen + len] = '\n';
			olen += len + 1;
		}
		p += len;
	}
	o[olen] = '\0';
	*out = o;
	return 0;
}

/* Reads fd to its end into *out (NUL-terminated). */
static int read_all(int fd, char **out, struct rl_error *err)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap), *nb;

	for (;;) {
		ssize_t r;

		if (!buf)
			return rl_error_set(err, ENOMEM, "ps: read its output");
		r = read(fd, buf + len, cap - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			return rl_error_set(err, errno, "ps: read its output");
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == cap - 1) {
			if (cap >= PS_OUTPUT_MAX) {
				free(buf);
				return rl_error_set(err, EFBIG, "ps: read its output");
			}
			nb = realloc(buf, cap * 2);
			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
		}
	}
	buf[len] = '\0';
	*out = buf;
	return 0;
}

/* "ps -ef" for messages */
static void command_text(char *const *argv, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int i = 0; argv[i] && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? " " : "", argv[i]);
}

/* The reason ps gave: the first line of what it wrote to stderr (fd). */
static void first_line(int fd, char *buf, size_t len)
{
	ssize_t n;

	do
		n = pread(fd, buf, len - 1, 0);
	while (n < 0 && errno == EINTR);
	buf[n > 0 ? n : 0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* posix_spawn with stdout to out, stderr to errfd, stdin from /dev/null
 * and no blocked signals (a caller's mask must not reach ps). */
static int spawn(char *const *argv, int out, int errfd, pid_t *pid, struct rl_error *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none;
	int r;

	sigemptyset(&none);
	if ((r = posix_spawn_file_actions_init(&fa)) != 0)
		return rl_error_set(err, r, "run ps");
	if ((r = posix_spawnattr_init(&at)) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return rl_error_set(err, r, "run ps");
	}
	r = posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, out, 1);
	if (!r)
		r = posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	if (!r)
		r = posix_spawnattr_setsigmask(&at, &none);
	if (!r)
		r = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
	if (!r)
		r = posix_spawnp(pid, argv[0], &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return r ? rl_error_set(err, r, "run ps") : 0;
}

/* Runs ps with argv; its stdout into *out.  Fails on a non-zero exit. */
static int run_ps(char *const *argv, char **out, struct rl_error *err)
{
	_rl_fd_ int rd = -1;
	_rl_fd_ int wr = -1;
	_rl_fd_ int efd = memfd_create("ps-stderr", MFD_CLOEXEC);
	int fds[2], status = 0, r;
	char cmd[256], why[256];
	pid_t pid = -1;

	if (efd < 0 || pipe2(fds, O_CLOEXEC) < 0)
		return rl_error_set(err, errno, "run ps");
	rd = fds[0];
	wr = fds[1];
	if (spawn(argv, wr, efd, &pid, err) < 0)
		return -1;
	close(rl_fd_steal(&wr)); /* so that the read sees EOF when ps exits */
	r = read_all(rd, out, err);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (r < 0)
		return -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	free(*out);
	*out = NULL;
	command_text(argv, cmd, sizeof(cmd));
	first_line(efd, why, sizeof(why));
	return rl_error_set(err, 0, "%s: exit status %d%s%s", cmd, rl_proc_status_code(status),
			    why[0] ? ": " : "", why);
}

int rl_ps_table(const int *pids, size_t n, char *const *ps_args, char **out, struct rl_error *err)
{
	size_t nargs = 0;
	char **argv;
	char *text = NULL;
	int r;

	while (ps_args && ps_args[nargs])
		nargs++;
	if (!(argv = calloc(nargs + 3, sizeof(*argv))))
		return rl_error_set(err, ENOMEM, "run ps");
	argv[0] = "ps";
	if (nargs == 0)
		argv[1] = "-ef"; /* runc's default */
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = ps_args[i];
	r = run_ps(argv, &text, err);
	free(argv);
	if (r < 0)
		return -1;
	r = rl_ps_filter(text, pids, n, out, err);
	free(text);
	return r;
}
