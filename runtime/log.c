/* The runtime's log (runtime/log.h). */
#include "runtime/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "spec/state.h"
#include "runtime/fds.h"

/* The log is process-wide state: one per rlite invocation, like stderr. */
static struct {
	int fd; /* -1: no file */
	dev_t dev;
	ino_t ino;
	bool json;
	bool debug;
} lg = {.fd = -1};

int rl_log_open(const char *path, const char *format, bool debug, struct rl_error *err)
{
	struct stat st;
	int fd;

	rl_log_close();
	lg.json = format && strcmp(format, "json") == 0;
	lg.debug = debug;
	if (!path)
		return 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0644);
	if (fd < 0)
		return rl_error_set(err, errno, "open log file \"%s\"", path);
	if (fstat(fd, &st) < 0) {
		rl_error_set(err, errno, "stat log file \"%s\"", path);
		close(fd);
		return -1;
	}
	lg.fd = fd;
	lg.dev = st.st_dev;
	lg.ino = st.st_ino;
	return 0;
}

void rl_log_close(void)
{
	if (lg.fd >= 0)
		close(lg.fd);
	lg.fd = -1;
}

int rl_log_keep_above(int lo)
{
	int n;

	if (lg.fd < 0 || lg.fd >= lo)
		return lg.fd;
	n = fcntl(lg.fd, F_DUPFD_CLOEXEC, lo);
	close(lg.fd);
	lg.fd = n; /* -1 when the dup failed: no log rather than a wrong one */
	return n;
}

bool rl_log_has_file(void)
{
	return lg.fd >= 0;
}

int rl_log_fd(bool *json)
{
	*json = lg.json;
	return lg.fd;
}

bool rl_log_debug_enabled(void)
{
	return lg.debug;
}

static const char *level_name(const char *level)
{
	static const char *const names[] = {"debug", "info", "warning", "error"};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (level && strcmp(level, names[i]) == 0)
			return names[i];
	return "error";
}

/* yajl writes bytes >= 0x80 as they are; a message with invalid UTF-8
 * (a path from the user) would make the whole line invalid JSON, so
 * such a message goes out with those bytes replaced. */
static int gen_msg(yajl_gen g, const char *msg)
{
	size_t n = strlen(msg);
	char *copy;
	int r;

	if (yajl_gen_string(g, (const unsigned char *)msg, n) == yajl_gen_status_ok)
		return 0;
	copy = strdup(msg);
	if (!copy)
		return -1;
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	r = yajl_gen_string(g, (unsigned char *)copy, n) == yajl_gen_status_ok ? 0 : -1;
	free(copy);
	return r;
}

static int gen_kv(yajl_gen g, const char *k, const char *v)
{
	if (yajl_gen_string(g, (const unsigned char *)k, strlen(k)) != yajl_gen_status_ok)
		return -1;
	return gen_msg(g, v);
}

/* Keys in logrus's order (sorted): level, msg, time. */
static int format_json(const char *level, const char *msg, const char *time, char **out,
		       size_t *len)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	const unsigned char *buf = NULL;
	size_t n = 0;
	int r = -1;

	if (!g)
		return -1;
	yajl_gen_config(g, yajl_gen_validate_utf8, 1);
	if (yajl_gen_map_open(g) == yajl_gen_status_ok && gen_kv(g, "level", level) == 0 &&
	    gen_kv(g, "msg", msg) == 0 && gen_kv(g, "time", time) == 0 &&
	    yajl_gen_map_close(g) == yajl_gen_status_ok &&
	    yajl_gen_get_buf(g, &buf, &n) == yajl_gen_status_ok) {
		*out = malloc(n + 2);
		if (*out) {
			memcpy(*out, buf, n);
			(*out)[n] = '\n';
			(*out)[n + 1] = '\0';
			*len = n + 1;
			r = 0;
		}
	}
	yajl_gen_free(g);
	return r;
}

/* A double-quoted value as logrus's text formatter writes it (Go's %q):
 * backslash escapes for '"', '\\' and control characters. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", f);
			break;
		case '\\':
			fputs("\\\\", f);
			break;
		case '\n':
			fputs("\\n", f);
			break;
		case '\r':
			fputs("\\r", f);
			break;
		case '\t':
			fputs("\\t", f);
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				fprintf(f, "\\x%02x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static int format_text(const char *level, const char *msg, const char *time, char **out,
		       size_t *len)
{
	FILE *f = open_memstream(out, len);

	if (!f)
		return -1;
	fprintf(f, "time=\"%s\" level=%s msg=", time, level);
	put_quoted(f, msg);
	fputc('\n', f);
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

int rl_log_format_line(bool json, const char *level, const char *msg, const struct timespec *ts,
		       char **out, size_t *len)
{
	char tbuf[48];

	*out = NULL;
	*len = 0;
	level = level_name(level);
	if (!rl_rfc3339_nano(ts->tv_sec, ts->tv_nsec, tbuf, sizeof(tbuf)))
		snprintf(tbuf, sizeof(tbuf), "1970-01-01T00:00:00Z");
	if (json)
		return format_json(level, msg ? msg : "", tbuf, out, len);
	return format_text(level, msg ? msg : "", tbuf, out, len);
}

/* The fd may have been closed and its number reused behind our back (a
 * process that closes every fd): write only to the file we opened. */
static bool fd_still_ours(void)
{
	struct stat st;

	return fstat(lg.fd, &st) == 0 && st.st_dev == lg.dev && st.st_ino == lg.ino;
}

void rl_log(const char *level, const char *fmt, ...)
{
	int saved = errno;
	struct timespec ts = {0};
	char *msg = NULL, *line = NULL;
	size_t len = 0;
	va_list ap;
	bool to_file = lg.fd >= 0;

	level = level_name(level);
	if (strcmp(level, "debug") == 0 && !lg.debug)
		goto out;
	/* Lines meant for the file never go elsewhere (in the monitor,
	 * stderr is the container's log). */
	if (to_file && !fd_still_ours())
		goto out;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	if (!msg)
		goto out;
	clock_gettime(CLOCK_REALTIME, &ts);
	/* stderr gets text: it is read by people (and by callers that show it
	 * as the error), json goes to the file callers parse. */
	if (rl_log_format_line(to_file && lg.json, level, msg, &ts, &line, &len) == 0)
		(void)rl_write_all(to_file ? lg.fd : STDERR_FILENO, line,
				   len); /* best effort: a lost log line is no error */
out:
	free(line);
	free(msg);
	errno = saved;
}
