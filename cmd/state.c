/* rlite state: the OCI state of a container (runtime-spec runtime.md
 * "State"), with its status as it is now. */
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "runtime/container.h"

static const char state_usage[] =
    "usage: rlite state ID\n"
    "\n"
    "Print the state of a container as JSON: ociVersion, id, pid, status\n"
    "(created, running, paused, stopped), bundle, rootfs, created, owner,\n"
    "annotations, as runc does.  A stopped detached container (run --detach)\n"
    "also shows how it ended: rlite.exitStatus (code, or 128+signal),\n"
    "rlite.exitSignal and rlite.exitSignalNumber when a signal ended it,\n"
    "rlite.finished, rlite.stoppedBy (\"rlite kill\" or \"itself\"); or\n"
    "rlite.exitStatusUnknown: \"monitor gone\" when its monitor was killed.\n"
    "\n"
    "Options:\n"
    "  --help, -h   this text\n";

int rl_cmd_state(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	struct rl_state *st = NULL;
	const char *id = NULL;
	char *text = NULL;
	int r = rl_cmd_args(argc, argv, state_usage, NULL, NULL, &id, 1, 1, err);

	if (r < 0)
		return r == -2 ? 0 : -1;
	if (rl_container_state(g->root, id, &st, err) < 0)
		return -1;
	r = rl_state_show_json(st, &text, NULL, err);
	rl_state_free(st);
	if (r < 0)
		return -1;
	printf("%s\n", text);
	free(text);
	return 0;
}
