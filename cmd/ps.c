/* rlite ps: the processes of a container, as runc ps shows them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "runtime/container.h"
#include "runtime/events.h"

static const char ps_usage[] =
    "usage: rlite ps [--format|-f table|json] ID [--] [PS_ARGS...]\n"
    "\n"
    "Show the processes of a container.  table (the default) runs ps(1) on the\n"
    "host with PS_ARGS (default -ef) and keeps its header and the lines of the\n"
    "container's processes; json prints their host pids as a JSON array.\n"
    "\n"
    "Options:\n"
    "  --format, -f table|json  output format (default table)\n"
    "  --help, -h               this text\n";

static int ps_opt(void *ctx, int argc, char **argv, int *i, struct rl_error *err)
{
	int r;

	if ((r = rl_opt_value(argc, argv, i, "format", ctx, err)) != 0 ||
	    (r = rl_opt_value(argc, argv, i, "f", ctx, err)) != 0)
		return r;
	return 0;
}

/* [1234,1235] and a newline, as Go's json.Encoder writes runc's []int.
 * No pids: [] (runc 1.1 prints null for its nil slice; callers such as
 * go-runc decode both to an empty list). */
static void print_pids(const int *pids, size_t n)
{
	putchar('[');
	for (size_t i = 0; i < n; i++)
		printf("%s%d", i ? "," : "", pids[i]);
	puts("]");
}

int rl_cmd_ps(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	const char *format = "table", **pos = calloc((size_t)argc + 1, sizeof(*pos));
	char **ps_args;
	char *table = NULL;
	int *pids = NULL;
	size_t n = 0;
	int r;

	if (!pos)
		return rl_error_set(err, ENOMEM, "ps");
	r = rl_cmd_args(argc, argv, ps_usage, ps_opt, &format, pos, 1, argc, err);
	if (r < 0 || (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)) {
		if (r >= 0)
			rl_error_set(err, 0, "ps: --format: must be table or json, not \"%s\"",
				     format);
		free(pos);
		return r == -2 ? 0 : -1;
	}
	/* what follows the id goes to ps; a "--" first only separates it */
	ps_args = (char **)pos + 1 + (r > 1 && strcmp(pos[1], "--") == 0);
	r = rl_container_pids(g->root, pos[0], &pids, &n, err);
	if (r == 0 && strcmp(format, "json") == 0)
		print_pids(pids, n);
	else if (r == 0 && (r = rl_ps_table(pids, n, ps_args, &table, err)) == 0)
		fputs(table, stdout);
	free(table);
	free(pids);
	free(pos);
	return r < 0 ? -1 : 0;
}
