/* rlite run: create a container from a bundle and run its process in the
 * foreground (create + start + wait + delete). */
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "runtime/container.h"

static const char run_usage[] =
    "usage: rlite run [options] ID\n"
    "\n"
    "Create a container from the bundle and run its process in the foreground,\n"
    "with this terminal's stdio; exit with the process's status (its exit code,\n"
    "or 128+signal).  127/126: the program was not found / not executable.\n"
    "While it runs, 'rlite state', 'list' and 'kill' see it under --root.\n"
    "\n"
    "Options (--opt=V and --opt V both work):\n"
    "  --bundle, -b DIR        the bundle: DIR/config.json (default: current directory)\n"
    "  --detach, -d            return once the container runs; a monitor waits\n"
    "  --keep                  keep the container once it stopped (delete removes it)\n"
    "  --pid-file FILE         write the init's host pid to FILE\n"
    "  --pidfd-socket PATH     send a pidfd of the init to the AF_UNIX socket PATH\n"
    "  --console-socket PATH   send the pty master of a terminal over this socket\n"
    "  --no-pivot              MS_MOVE + chroot instead of pivot_root (rootfs on a ramdisk)\n"
    "  --preserve-fds N        pass fds 3 .. 3+N-1 to the process besides stdio\n"
    "  --no-new-keyring        keep the caller's session keyring\n"
    "  --no-init               no pid-1 shim: the process is pid 1 (see README)\n"
    "  --help, -h              this text\n";

struct run_args {
	struct rl_run_opts o;
	bool detach;
};

static int run_opt(void *ctx, int argc, char **argv, int *i, struct rl_error *err)
{
	struct run_args *a = ctx;

	if (rl_cmd_flag(argv[*i], "detach") || rl_cmd_flag(argv[*i], "d")) {
		a->detach = true;
		return 1;
	}
	if (rl_cmd_flag(argv[*i], "keep")) {
		a->o.keep = true;
		return 1;
	}
	return rl_cmd_create_opt(&a->o, argc, argv, i, err);
}

int rl_cmd_run(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	struct run_args a = {.o = {.root = g->root,
				   .init_mode = g->init_mode,
				   .systemd_cgroup = g->systemd_cgroup,
				   .no_cgroups = g->no_cgroups,
				   .rootless = g->rootless}};
	const char *id = NULL;
	int status = 0, r;

	r = rl_cmd_args(argc, argv, run_usage, run_opt, &a, &id, 1, 1, err);
	if (r < 0)
		return r == -2 ? 0 : -1;
	a.o.id = id;
	if (a.detach && a.o.keep)
		return rl_error_set(err, 0,
				    "--keep: not with --detach (a detached container is kept "
				    "until delete anyway)");
	if (a.detach)
		return rl_container_run_detached(&a.o, err) < 0 ? -1 : 0;
	r = rl_container_run(&a.o, &status, err);
	if (r == -2) {
		/* The program was not found or not executable (127/126), or
		 * a signal interrupted the setup (128+signal): the message,
		 * and the status a shell would give. */
		g->exit_code = status;
		return -1;
	}
	return r < 0 ? -1 : status;
}
