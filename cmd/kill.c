/* rlite kill: send a signal to a container's init, or to all its
 * processes. */
#include "cmd/cmd.h"
#include "runtime/container.h"

static const char kill_usage[] =
    "usage: rlite kill [--all|-a] ID [SIGNAL]\n"
    "\n"
    "Send SIGNAL (default TERM) to the container's init.  SIGNAL is a number\n"
    "(15) or a name (TERM, SIGTERM, KILL, RTMIN+3 ...).\n"
    "\n"
    "Options:\n"
    "  --all, -a    signal every process of the container (its pid namespace)\n"
    "  --help, -h   this text\n";

static int kill_opt(void *ctx, int argc, char **argv, int *i, struct rl_error *err)
{
	(void)argc;
	(void)err;
	if (!rl_cmd_flag(argv[*i], "all") && !rl_cmd_flag(argv[*i], "a"))
		return 0;
	*(bool *)ctx = true;
	return 1;
}

int rl_cmd_kill(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	const char *pos[2] = {NULL, "TERM"};
	bool all = false;
	int sig = 0, r = rl_cmd_args(argc, argv, kill_usage, kill_opt, &all, pos, 1, 2, err);

	if (r < 0)
		return r == -2 ? 0 : -1;
	if (rl_signal_parse(pos[1], &sig, err) < 0)
		return -1;
	return rl_container_kill(g->root, pos[0], sig, all, err) < 0 ? -1 : 0;
}
