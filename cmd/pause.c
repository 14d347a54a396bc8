/* rlite pause / resume: freeze and thaw every process of a container. */
#include "cmd/cmd.h"
#include "runtime/container.h"

static const char pause_usage[] =
    "usage: rlite pause ID\n"
    "\n"
    "Freeze every process of a running container (the cgroup v1 freezer, or\n"
    "cgroup.freeze on v2); 'rlite state' then shows \"paused\".\n"
    "\n"
    "Options:\n"
    "  --help, -h   this text\n";

static const char resume_usage[] =
    "usage: rlite resume ID\n"
    "\n"
    "Thaw the processes of a paused container; it is \"running\" again.\n"
    "\n"
    "Options:\n"
    "  --help, -h   this text\n";

static int freeze_cmd(struct rl_globals *g, int argc, char **argv, bool pause, struct rl_error *err)
{
	const char *id = NULL;
	int r =
	    rl_cmd_args(argc, argv, pause ? pause_usage : resume_usage, NULL, NULL, &id, 1, 1, err);

	if (r < 0)
		return r == -2 ? 0 : -1;
	return rl_container_pause(g->root, id, pause, err) < 0 ? -1 : 0;
}

int rl_cmd_pause(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	return freeze_cmd(g, argc, argv, true, err);
}

int rl_cmd_resume(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	return freeze_cmd(g, argc, argv, false, err);
}
