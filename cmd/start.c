/* rlite start: run the process of a created container. */
#include "cmd/cmd.h"
#include "runtime/container.h"

static const char start_usage[] =
    "usage: rlite start ID\n"
    "\n"
    "Run the process of a container made by 'rlite create' (created -> running).\n"
    "\n"
    "Options:\n"
    "  --help, -h   this text\n";

int rl_cmd_start(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	const char *id = NULL;
	int r = rl_cmd_args(argc, argv, start_usage, NULL, NULL, &id, 1, 1, err);

	if (r < 0)
		return r == -2 ? 0 : -1;
	return rl_container_start(g->root, id, err) < 0 ? -1 : 0;
}
