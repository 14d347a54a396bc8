/* rlite events: a running container's resource statistics and OOM kills,
 * one JSON object per line, as runc events prints them. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "runtime/events.h"
#include "spec/stats.h"

static const char events_usage[] =
    "usage: rlite events [--stats] [--interval DURATION] ID\n"
    "\n"
    "Print the container's events as JSON, one object per line: its resource\n"
    "statistics every interval ({\"type\":\"stats\",\"id\":ID,\"data\":{...}}) and\n"
    "each OOM kill in it ({\"type\":\"oom\",\"id\":ID}), until its init exits.\n"
    "\n"
    "Options (--opt=V and --opt V both work):\n"
    "  --stats              print the statistics once and exit\n"
    "  --interval DURATION  time between statistics (default 5s): a Go duration\n"
    "                       such as 500ms, 5s, 1m30s, or a number of seconds\n"
    "  --help, -h           this text\n";

/* --interval as runc takes it; below a millisecond counts as one. */
static int parse_interval(const char *v, unsigned *ms, struct rl_error *err)
{
	int64_t ns = 0;
	uint64_t m;

	if (rl_duration_parse(v, &ns, err) < 0)
		return rl_error_prefix(err, "events: --interval");
	if (ns <= 0)
		return rl_error_set(err, 0, "events: duration interval must be greater than 0");
	m = ((uint64_t)ns + 999999) / 1000000;
	if (m > UINT_MAX)
		return rl_error_set(err, 0, "events: --interval \"%s\": too long", v);
	*ms = (unsigned)m;
	return 0;
}

static int events_opt(void *ctx, int argc, char **argv, int *i, struct rl_error *err)
{
	struct rl_events_opts *o = ctx;
	const char *v = NULL;
	int r;

	if (rl_cmd_flag(argv[*i], "stats")) {
		o->stats_once = true;
		return 1;
	}
	if ((r = rl_opt_value(argc, argv, i, "interval", &v, err)) <= 0)
		return r;
	return parse_interval(v, &o->interval_ms, err) < 0 ? -1 : 1;
}

/* Each event is flushed at once: callers read the stream line by line. */
static int print_event(const char *json, void *arg, struct rl_error *err)
{
	(void)arg;
	if (printf("%s\n", json) < 0 || fflush(stdout) == EOF)
		return rl_error_set(err, errno, "events: write to stdout");
	return 0;
}

int rl_cmd_events(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	struct rl_events_opts o = {.interval_ms = 5000};
	const char *id = NULL;
	int r = rl_cmd_args(argc, argv, events_usage, events_opt, &o, &id, 1, 1, err);

	if (r < 0)
		return r == -2 ? 0 : -1;
	return rl_container_events(g->root, id, &o, print_event, NULL, err) < 0 ? -1 : 0;
}
