/* rlite delete: remove a stopped container (--force: stop it first). */
#include "cmd/cmd.h"
#include "runtime/container.h"

static const char delete_usage[] =
    "usage: rlite delete [--force|-f] ID\n"
    "\n"
    "Remove a stopped container and what it left on the host.  A created one\n"
    "is killed first, as with runc.\n"
    "\n"
    "Options:\n"
    "  --force, -f  kill a running container first (SIGKILL); a missing\n"
    "               container is then not an error\n"
    "  --help, -h   this text\n";

static int delete_opt(void *ctx, int argc, char **argv, int *i, struct rl_error *err)
{
	(void)argc;
	(void)err;
	if (!rl_cmd_flag(argv[*i], "force") && !rl_cmd_flag(argv[*i], "f"))
		return 0;
	*(bool *)ctx = true;
	return 1;
}

int rl_cmd_delete(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	const char *id = NULL;
	bool force = false;
	int r = rl_cmd_args(argc, argv, delete_usage, delete_opt, &force, &id, 1, 1, err);

	if (r < 0)
		return r == -2 ? 0 : -1;
	return rl_container_delete(g->root, id, force, err) < 0 ? -1 : 0;
}
