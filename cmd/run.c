/* rlite run: create a container from a bundle and run its process in the
 * foreground. */
#include <errno.h>
#include <limits.h>
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
    "\n"
    "Options (--opt=V and --opt V both work):\n"
    "  --bundle, -b DIR     the bundle: DIR/config.json (default: current directory)\n"
    "  --no-pivot           MS_MOVE + chroot instead of pivot_root (rootfs on a ramdisk)\n"
    "  --preserve-fds N     pass fds 3 .. 3+N-1 to the process besides stdio\n"
    "  --no-new-keyring     keep the caller's session keyring\n"
    "  --help, -h           this text\n";

static int is_flag(const char *arg, const char *name)
{
	if (arg[0] == '-' && arg[1] == '-')
		arg += 2;
	else if (arg[0] == '-')
		arg += 1;
	else
		return 0;
	return strcmp(arg, name) == 0;
}

static int parse_fds(const char *v, int *out, struct rl_error *err)
{
	char *end = NULL;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (!v[0] || *end || errno || n < 0 || n > INT_MAX - 3)
		return rl_error_set(err, 0,
				    "--preserve-fds: must be a non-negative integer, not "
				    "\"%s\"",
				    v);
	*out = (int)n;
	return 0;
}

/* One option at argv[*i]: 1 handled, 0 not an option we know, -1 error. */
static int parse_opt(int argc, char **argv, int *i, struct rl_run_opts *o, struct rl_error *err)
{
	const char *v = NULL;
	int r;

	if ((r = rl_opt_value(argc, argv, i, "bundle", &o->bundle, err)) != 0 ||
	    (r = rl_opt_value(argc, argv, i, "b", &o->bundle, err)) != 0)
		return r;
	if ((r = rl_opt_value(argc, argv, i, "preserve-fds", &v, err)) != 0)
		return r < 0 ? -1 : (parse_fds(v, &o->preserve_fds, err) < 0 ? -1 : 1);
	if (is_flag(argv[*i], "no-pivot"))
		o->no_pivot = true;
	else if (is_flag(argv[*i], "no-new-keyring"))
		o->no_new_keyring = true;
	else
		return 0;
	return 1;
}

int rl_cmd_run(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	struct rl_run_opts o = {.root = g->root};
	const char *id = NULL;
	int status = 0, r;

	for (int i = 1; i < argc; i++) {
		bool rest = strcmp(argv[i], "--") == 0;

		if (!rest && argv[i][0] == '-' && argv[i][1]) {
			if (is_flag(argv[i], "help") || strcmp(argv[i], "-h") == 0)
				return rl_cmd_usage(run_usage);
			r = parse_opt(argc, argv, &i, &o, err);
			if (r < 0)
				return -1;
			if (r == 0)
				return rl_error_set(err, 0,
						    "run: unknown option \"%s\" (see rlite "
						    "run --help)",
						    argv[i]);
			continue;
		}
		/* Options come before the ID, as with runc. */
		i += rest;
		if (i + 1 < argc)
			return rl_error_set(err, 0,
					    "run: unexpected argument \"%s\" after the "
					    "container ID",
					    argv[i + 1]);
		id = i < argc ? argv[i] : NULL;
		break;
	}
	if (!id)
		return rl_error_set(err, 0,
				    "run: a container ID is required (see rlite run --help)");
	o.id = id;
	r = rl_container_run(&o, &status, err);
	if (r == -2) {
		/* The program was not found or not executable (127/126), or
		 * a signal interrupted the setup (128+signal): the message,
		 * and the status a shell would give. */
		g->exit_code = status;
		return -1;
	}
	return r < 0 ? -1 : status;
}
