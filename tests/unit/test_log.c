/* runtime/log.c: line formats (json parsed back with yajl, text as logrus
 * writes it), escaping, levels, --debug, and the log file itself. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "runtime/log.h"
#include "tests/unit/tap.h"

static char scratch[] = "/tmp/rlite-log-test-XXXXXX";
static char logpath[600];

static void remove_scratch(void)
{
	unlink(logpath);
	rmdir(scratch);
}

static const char *jstr(yajl_val obj, const char *key)
{
	const char *path[] = {key, NULL};
	yajl_val v = yajl_tree_get(obj, path, yajl_t_string);

	return v ? YAJL_GET_STRING(v) : NULL;
}

/* Parses one json line; checks it has exactly level, msg, time. */
static yajl_val parse_line(const char *line)
{
	char ebuf[256];
	yajl_val v = yajl_tree_parse(line, ebuf, sizeof(ebuf));

	if (!v || !YAJL_IS_OBJECT(v) || v->u.object.len != 3) {
		yajl_tree_free(v);
		return NULL;
	}
	return v;
}

static void test_json_format(void)
{
	struct timespec ts = {.tv_sec = 1795318977, .tv_nsec = 123456789};
	const char *msg = "say \"hi\"\nback\\slash\ttab \x01 /path";
	char *line = NULL;
	size_t len = 0;
	yajl_val v;

	is_int(rl_log_format_line(true, "error", msg, &ts, &line, &len), 0, "json line formatted");
	ok(line && len == strlen(line) && strchr(line, '\n') == line + len - 1,
	   "exactly one line, ending in a newline");
	v = parse_line(line);
	ok(v != NULL, "parses as one JSON object with three keys");
	is_str(jstr(v, "level"), "error", "level");
	is_str(jstr(v, "msg"), msg, "msg round-trips quotes, newline, backslash, controls");
	is_str(jstr(v, "time"), "2026-11-22T03:42:57.123456789Z", "time: RFC3339 nano, UTC");
	ok(line && strncmp(line, "{\"level\":\"error\",\"msg\":", 22) == 0,
	   "keys in logrus order, compact");
	yajl_tree_free(v);
	free(line);

	is_int(rl_log_format_line(true, "bogus", "x", &ts, &line, &len), 0, "unknown level");
	v = parse_line(line);
	is_str(jstr(v, "level"), "error", "an unknown level is logged as error");
	yajl_tree_free(v);
	free(line);

	is_int(rl_log_format_line(true, "warning", "bad \xff\xfe utf8", &ts, &line, &len), 0,
	       "invalid UTF-8 formatted");
	v = parse_line(line);
	ok(v != NULL, "invalid UTF-8 still gives valid JSON");
	is_str(jstr(v, "msg"), "bad ?? utf8", "bad bytes replaced");
	yajl_tree_free(v);
	free(line);
}

static void test_text_format(void)
{
	struct timespec ts = {.tv_sec = 1795318977, .tv_nsec = 5};
	char *line = NULL;
	size_t len = 0;

	is_int(rl_log_format_line(false, "warning", "a \"q\"\nb\\c", &ts, &line, &len), 0,
	       "text line formatted");
	is_str(
	    line,
	    "time=\"2026-11-22T03:42:57.000000005Z\" level=warning msg=\"a \\\"q\\\"\\nb\\\\c\"\n",
	    "logrus text layout with Go-style quoting");
	free(line);
}

static char *slurp(const char *path)
{
	static char buf[8192];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = 0, r;

	buf[0] = '\0';
	if (fd < 0)
		return buf;
	while ((r = read(fd, buf + n, sizeof(buf) - 1 - (size_t)n)) > 0)
		n += r;
	close(fd);
	buf[n] = '\0';
	return buf;
}

static int count_lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void test_file(void)
{
	struct rl_error err = {0};
	struct stat st;
	char *s, *nl;
	yajl_val v;
	int fd;

	is_int(rl_log_open(logpath, "json", false, &err), 0, "log file opened");
	ok(stat(logpath, &st) == 0 && (st.st_mode & 07777) == 0644, "created with mode 0644");
	ok(rl_log_has_file(), "has a file");
	rl_log("debug", "not without --debug");
	errno = EBUSY;
	rl_log("error", "first %d", 1);
	is_int(errno, EBUSY, "rl_log keeps errno");
	rl_log("warning", "second");
	s = slurp(logpath);
	is_int(count_lines(s), 2, "two lines, no debug line");
	nl = strchr(s, '\n');
	*nl = '\0';
	v = parse_line(s);
	is_str(jstr(v, "msg"), "first 1", "first line's msg");
	yajl_tree_free(v);
	v = parse_line(nl + 1);
	is_str(jstr(v, "level"), "warning", "second line's level");
	yajl_tree_free(v);

	is_int(rl_log_open(logpath, "text", true, &err), 0, "reopened, text, --debug");
	rl_log("debug", "dbg");
	ok(strstr(slurp(logpath), "level=debug msg=\"dbg\"\n") != NULL,
	   "debug line appended with --debug");
	is_int(count_lines(slurp(logpath)), 3, "appended, not truncated");

	/* The fd is closed and its number reused for another file behind the
	 * log's back (a daemon closing every fd): nothing goes there. */
	close(3);
	for (int i = 4; i < 64; i++)
		if (fcntl(i, F_GETFD) >= 0)
			close(i);
	fd = open("/dev/null", O_WRONLY);
	rl_log("error", "must not land in a reused fd");
	ok(fd >= 0, "reused an fd");
	is_int(count_lines(slurp(logpath)), 3, "nothing written through a reused fd");
	if (fd >= 0)
		close(fd);
	rl_log_close();
	ok(!rl_log_has_file(), "closed");

	is_int(rl_log_open("/nonexistent/dir/log", "json", false, &err), -1, "bad path fails");
	{
		char buf[RL_ERROR_MSG_MAX + 128];

		is_str(rl_error_text(&err, buf, sizeof(buf)),
		       "open log file \"/nonexistent/dir/log\": No such file or directory",
		       "open error names the file");
	}
}

int main(void)
{
	if (!mkdtemp(scratch)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	snprintf(logpath, sizeof(logpath), "%s/log", scratch);
	atexit(remove_scratch);
	umask(022);
	test_json_format();
	test_text_format();
	test_file();
	return done_testing();
}
