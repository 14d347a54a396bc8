/* The runtime's log: --log FILE, --log-format text|json, --debug (GUIDE §4).
 *
 * One line per call, written with a single write() to a file opened
 * O_APPEND, so lines of concurrent rlite processes sharing one log never
 * interleave.  Formats, as runc's logrus writes them:
 *
 *   json  {"level":"error","msg":"container does not exist","time":"<RFC3339>"}
 *   text  time="<RFC3339>" level=error msg="container does not exist"
 *
 * time is UTC with nanoseconds ("2026-11-22T03:22:57.123456789Z").
 *
 * Without a log file, warning and error lines go to stderr in text form
 * (debug lines only with --debug); nothing ever goes to stdout.  The
 * runtime never prints: it reports through rl_log() and its rl_error. */
#ifndef RL_RUNTIME_LOG_H
#define RL_RUNTIME_LOG_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "spec/error.h"

/* Opens path (O_WRONLY|O_APPEND|O_CREAT|O_CLOEXEC, 0644) as the log.
 * path NULL: no file, lines go to stderr.  format "text" (NULL too) or
 * "json".  debug: also write "debug" lines.  -1 with err set. */
int rl_log_open(const char *path, const char *format, bool debug, struct rl_error *err);

/* Closes the log file (lines go to stderr again).  A process that closes
 * or reuses file descriptors wholesale (the detached monitor) should call it
 * first.  rl_log() also checks that the fd is still the file it opened; when
 * it is not, the line is dropped (never sent to stderr instead). */
void rl_log_close(void);

/* Moves the log file's fd to lo or above (a daemon closing every fd below
 * lo keeps it); returns the fd, -1 when there is none. */
int rl_log_keep_above(int lo);

/* True when a log file is open. */
bool rl_log_has_file(void);

/* The log file's fd (-1: none) and whether its format is json: for the
 * pid-1 shim, which writes its own lines (runtime/shim.c). */
int rl_log_fd(bool *json);

/* True with --debug: lets callers skip building costly debug text. */
bool rl_log_debug_enabled(void);

/* level: "debug", "info", "warning" or "error" (anything else is logged as
 * "error").  Never fails, never changes errno. */
void rl_log(const char *level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Formats one line (with its '\n') into a malloc'd *out; pure, for tests.
 * json: the JSON format, else text.  -1 on allocation failure. */
int rl_log_format_line(bool json, const char *level, const char *msg, const struct timespec *ts,
		       char **out, size_t *len);

#endif
