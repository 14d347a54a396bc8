/* rlite create, and the argument parsing every lifecycle command shares. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "runtime/container.h"
#include "runtime/shim.h"

static const char create_usage[] =
    "usage: rlite create [options] ID\n"
    "\n"
    "Create a container from the bundle: everything is set up and the process\n"
    "waits before it runs until 'rlite start ID'.  Exits once the container is\n"
    "created; its init is left to the caller (the subreaper that waits on the\n"
    "pid in --pid-file).\n"
    "\n"
    "Options (--opt=V and --opt V both work):\n"
    "  --bundle, -b DIR        the bundle: DIR/config.json (default: current directory)\n"
    "  --pid-file FILE         write the init's host pid to FILE\n"
    "  --pidfd-socket PATH     send a pidfd of the init to the AF_UNIX socket PATH\n"
    "  --console-socket PATH   send the pty master of a terminal (process.terminal)\n"
    "                          over this AF_UNIX socket\n"
    "  --no-pivot              MS_MOVE + chroot instead of pivot_root (rootfs on a ramdisk)\n"
    "  --preserve-fds N        pass fds 3 .. 3+N-1 to the process besides stdio\n"
    "  --no-new-keyring        keep the caller's session keyring\n"
    "  --no-init               no pid-1 shim: the process is pid 1 (see README)\n"
    "  --help, -h              this text\n";

int rl_cmd_args(int argc, char **argv, const char *usage, rl_cmd_opt_fn *opt, void *ctx,
		const char **pos, int min, int max, struct rl_error *err)
{
	const char *cmd = argv[0];
	int n = 0;

	for (int i = 1; i < argc; i++) {
		int r = 0;

		/* Options come before the arguments, as with runc. */
		if (n == 0 && strcmp(argv[i], "--") != 0 && argv[i][0] == '-' && argv[i][1]) {
			if (rl_cmd_flag(argv[i], "help") || strcmp(argv[i], "-h") == 0)
				return rl_cmd_usage(usage) == 0 ? -2 : -1;
			if (opt)
				r = opt(ctx, argc, argv, &i, err);
			if (r < 0)
				return -1;
			if (r == 0)
				return rl_error_set(
				    err, 0, "%s: unknown option \"%s\" (see rlite %s --help)", cmd,
				    argv[i], cmd);
			continue;
		}
		if (n == 0 && strcmp(argv[i], "--") == 0 && ++i >= argc)
			break;
		if (n == max)
			return rl_error_set(err, 0, "%s: unexpected argument \"%s\"", cmd, argv[i]);
		pos[n++] = argv[i];
	}
	if (n < min)
		return rl_error_set(err, 0, "%s: a container ID is required (see rlite %s --help)",
				    cmd, cmd);
	return n;
}

int rl_cmd_parse_fds(const char *v, int *out, struct rl_error *err)
{
	char *end = NULL;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (!v[0] || *end || errno || n < 0 || n > INT_MAX - 3)
		return rl_error_set(
		    err, 0, "--preserve-fds: must be a non-negative integer, not \"%s\"", v);
	*out = (int)n;
	return 0;
}

int rl_cmd_create_opt(void *ctx, int argc, char **argv, int *i, struct rl_error *err)
{
	struct rl_run_opts *o = ctx;
	const char *v = NULL;
	int r;

	if ((r = rl_opt_value(argc, argv, i, "bundle", &o->bundle, err)) != 0 ||
	    (r = rl_opt_value(argc, argv, i, "b", &o->bundle, err)) != 0 ||
	    (r = rl_opt_value(argc, argv, i, "pid-file", &o->pid_file, err)) != 0 ||
	    (r = rl_opt_value(argc, argv, i, "pidfd-socket", &o->pidfd_socket, err)) != 0 ||
	    (r = rl_opt_value(argc, argv, i, "console-socket", &o->console_socket, err)) != 0)
		return r;
	if ((r = rl_opt_value(argc, argv, i, "preserve-fds", &v, err)) != 0)
		return r < 0 ? -1 : (rl_cmd_parse_fds(v, &o->preserve_fds, err) < 0 ? -1 : 1);
	if (rl_cmd_flag(argv[*i], "no-pivot"))
		o->no_pivot = true;
	else if (rl_cmd_flag(argv[*i], "no-new-keyring"))
		o->no_new_keyring = true;
	else if (rl_cmd_flag(argv[*i], "no-init"))
		o->init_mode = RL_INIT_NEVER;
	else
		return 0;
	return 1;
}

int rl_cmd_create(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	struct rl_run_opts o = {.root = g->root,
				.systemd_cgroup = g->systemd_cgroup,
				.no_cgroups = g->no_cgroups,
				.rootless = g->rootless,
				.init_mode = g->init_mode};
	const char *id = NULL;
	int status = 0, r;

	r = rl_cmd_args(argc, argv, create_usage, rl_cmd_create_opt, &o, &id, 1, 1, err);
	if (r < 0)
		return r == -2 ? 0 : -1;
	o.id = id;
	r = rl_container_create(&o, &status, err);
	if (r == -2)
		g->exit_code = status; /* 127/126: not found / not executable */
	return r < 0 ? -1 : 0;
}
