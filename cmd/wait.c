/* rlite wait: block until containers have stopped; print and exit with
 * their status, as a shell would give it. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "runtime/container.h"
#include "spec/stats.h"

/* timeout(1)'s status when the time runs out. */
#define WAIT_TIMEOUT_STATUS 124

static const char wait_usage[] =
    "usage: rlite wait [--timeout DURATION] ID [ID...]\n"
    "\n"
    "Block until each container has stopped, in turn, and print its exit\n"
    "status on a line of its own: the exit code, or 128+N when signal N\n"
    "ended it.  Exit with the first container's status, as a shell does\n"
    "with the last command's.  Created, running and paused containers are\n"
    "waited for; a stopped one answers at once.  wait never polls: it sleeps\n"
    "until the kernel reports the init's or the monitor's exit.\n"
    "\n"
    "Where the status comes from: a detached container (run --detach) has\n"
    "it recorded by its monitor.  Otherwise rlite is not the parent of the\n"
    "container's init; wait then reads what the kernel kept of its end\n"
    "(Linux 6.15 or later), which it can only when it was already waiting\n"
    "while the init ran.  When nobody knows the status (the container\n"
    "stopped before wait started and has no record, or its monitor was\n"
    "killed), wait prints no number: it says \"exit status unknown\" and why,\n"
    "and exits 1.  It never makes a status up.\n"
    "\n"
    "A missing container: \"container does not exist\", exit 1.  wait stops at\n"
    "the first container it cannot give a status for.\n"
    "\n"
    "Options (--opt=V and --opt V both work):\n"
    "  --timeout DURATION  give up after DURATION for all of them (a Go\n"
    "                      duration such as 500ms, 30s, 2m, or a number of\n"
    "                      seconds; 0: do not block): then \"wait: timed out\n"
    "                      after DURATION: container ID is still running\" and\n"
    "                      exit 124, as timeout(1)\n"
    "  --help, -h          this text\n";

struct wait_opts {
	const char *timeout; /* as given, for the message */
	int64_t timeout_ms;  /* -1: none */
};

static int wait_opt(void *ctx, int argc, char **argv, int *i, struct rl_error *err)
{
	struct wait_opts *o = ctx;
	int64_t ns = 0;
	int r;

	if ((r = rl_opt_value(argc, argv, i, "timeout", &o->timeout, err)) <= 0)
		return r;
	if (rl_duration_parse(o->timeout, &ns, err) < 0)
		return rl_error_prefix(err, "wait: --timeout");
	if (ns < 0)
		return rl_error_set(err, 0, "wait: --timeout \"%s\": must not be negative",
				    o->timeout);
	/* Rounded up: a timeout under a millisecond still waits. */
	o->timeout_ms = ns / 1000000 + (ns % 1000000 != 0);
	return 1;
}

int rl_cmd_wait(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	struct wait_opts o = {.timeout_ms = -1};
	const char **ids = calloc((size_t)argc, sizeof(*ids));
	int first = 0, n, r = 0;
	int64_t deadline;

	if (!ids)
		return rl_error_set(err, ENOMEM, "wait");
	n = rl_cmd_args(argc, argv, wait_usage, wait_opt, &o, ids, 1, argc, err);
	if (n < 0) {
		free(ids);
		return n == -2 ? 0 : -1;
	}
	deadline = rl_wait_deadline(o.timeout_ms);
	for (int i = 0; i < n && r == 0; i++) {
		int status = 0;

		r = rl_container_wait(g->root, ids[i], deadline, &status, err);
		if (r == 0) {
			printf("%d\n", status);
			fflush(stdout);
			first = i == 0 ? status : first;
		}
	}
	free(ids);
	if (r == -2) {
		g->exit_code = WAIT_TIMEOUT_STATUS;
		err->errnum = 0;
		return rl_error_prefix(err, "wait: timed out after %s", o.timeout);
	}
	return r < 0 ? -1 : first;
}
