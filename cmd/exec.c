/* rlite exec: run one more process in a container, with runc's options. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "runtime/container.h"

static const char exec_usage[] =
    "usage: rlite exec [options] ID COMMAND [ARGS...]\n"
    "       rlite exec [options] --process FILE ID\n"
    "\n"
    "Run a process in a created or running container: in all its namespaces,\n"
    "cgroups and root, with the user, capabilities, rlimits, seccomp filter and\n"
    "environment of its config.json's process, changed by the options below; or\n"
    "exactly as the OCI process object in FILE says (what conmon and containerd\n"
    "pass).  Exits with the process's status (its code, or 128+signal; 127/126\n"
    "when the program is not found / not executable).\n"
    "\n"
    "Options (before ID; --opt=V and --opt V both work):\n"
    "  --process, -p FILE      the process as an OCI process object (JSON)\n"
    "  --tty, -t               a terminal: proxied here, or sent over --console-socket\n"
    "  --console-socket PATH   send the pty master over this AF_UNIX socket\n"
    "  --detach, -d            return once the process runs (the caller reaps it)\n"
    "  --pid-file FILE         write its host pid to FILE\n"
    "  --pidfd-socket PATH     send a pidfd of the process to the AF_UNIX socket PATH\n"
    "  --cwd DIR               the working directory inside the container\n"
    "  --env, -e KEY=VALUE     set a variable (repeatable)\n"
    "  --user, -u UID[:GID]    the user and group, as numbers\n"
    "  --additional-gids, -g G more groups (repeatable, or G1,G2)\n"
    "  --cap, -c CAP           add a capability (repeatable)\n"
    "  --no-new-privs          set no_new_privs\n"
    "  --preserve-fds N        pass fds 3 .. 3+N-1 besides stdio\n"
    "  --cgroup [CTRL:]PATH    join this existing cgroup below the container's\n"
    "  --ignore-paused         exec into a paused container (the process waits)\n"
    "  --process-label L, --apparmor P\n"
    "                          SELinux label, AppArmor profile (refused where\n"
    "                          the host has no such module)\n"
    "  --help, -h              this text\n";

struct exec_args {
	struct rl_exec_request r;
	/* the repeatable options, collected */
	char **env, **gids, **caps;
};

static int push(char ***v, size_t *n, const char *s, struct rl_error *err)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(char *));

	if (!nv)
		return rl_error_set(err, ENOMEM, "options");
	nv[(*n)++] = (char *)s;
	*v = nv;
	return 1;
}

/* Options with one value each: name (and short name) -> where it goes. */
static int value_opt(struct exec_args *a, int argc, char **argv, int *i, struct rl_error *err)
{
	struct rl_exec_request *r = &a->r;
	const struct {
		const char *name, *shrt;
		const char **to;
	} one[] = {
	    {"process", "p", &r->process_file},
	    {"console-socket", NULL, &r->console_socket},
	    {"pid-file", NULL, &r->pid_file},
	    {"pidfd-socket", NULL, &r->pidfd_socket},
	    {"cwd", NULL, &r->cwd},
	    {"user", "u", &r->user},
	    {"cgroup", NULL, &r->cgroup},
	    {"process-label", NULL, &r->process_label},
	    {"apparmor", NULL, &r->apparmor},
	};
	const char *v = NULL;
	int rc;

	for (size_t k = 0; k < sizeof(one) / sizeof(one[0]); k++)
		if ((rc = rl_opt_value(argc, argv, i, one[k].name, one[k].to, err)) != 0 ||
		    (one[k].shrt &&
		     (rc = rl_opt_value(argc, argv, i, one[k].shrt, one[k].to, err)) != 0))
			return rc;
	if ((rc = rl_opt_value(argc, argv, i, "env", &v, err)) != 0 ||
	    (rc = rl_opt_value(argc, argv, i, "e", &v, err)) != 0)
		return rc < 0 ? -1 : push(&a->env, &r->n_env, v, err);
	if ((rc = rl_opt_value(argc, argv, i, "additional-gids", &v, err)) != 0 ||
	    (rc = rl_opt_value(argc, argv, i, "g", &v, err)) != 0)
		return rc < 0 ? -1 : push(&a->gids, &r->n_gids, v, err);
	if ((rc = rl_opt_value(argc, argv, i, "cap", &v, err)) != 0 ||
	    (rc = rl_opt_value(argc, argv, i, "c", &v, err)) != 0)
		return rc < 0 ? -1 : push(&a->caps, &r->n_caps, v, err);
	if ((rc = rl_opt_value(argc, argv, i, "preserve-fds", &v, err)) != 0)
		return rc < 0 || rl_cmd_parse_fds(v, &r->preserve_fds, err) < 0 ? -1 : 1;
	return 0;
}

static int exec_opt(void *ctx, int argc, char **argv, int *i, struct rl_error *err)
{
	struct exec_args *a = ctx;
	const char *arg = argv[*i];
	int rc = value_opt(a, argc, argv, i, err);

	if (rc != 0)
		return rc;
	if (rl_cmd_flag(arg, "tty") || rl_cmd_flag(arg, "t"))
		a->r.tty = true;
	else if (rl_cmd_flag(arg, "detach") || rl_cmd_flag(arg, "d"))
		a->r.detach = true;
	else if (rl_cmd_flag(arg, "no-new-privs"))
		a->r.no_new_privs = true;
	else if (rl_cmd_flag(arg, "ignore-paused"))
		a->r.ignore_paused = true;
	else
		return 0;
	return 1;
}

int rl_cmd_exec(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	struct exec_args a = {.r = {.root = g->root}};
	const char **pos = calloc((size_t)argc + 1, sizeof(char *));
	int status = 0, n, r = -1;

	if (!pos)
		return rl_error_set(err, ENOMEM, "exec");
	n = rl_cmd_args(argc, argv, exec_usage, exec_opt, &a, pos, 1, argc, err);
	if (n >= 1) {
		a.r.id = pos[0];
		a.r.args = (char *const *)pos + 1;
		a.r.n_args = (size_t)n - 1;
		a.r.env = a.env;
		a.r.gids = a.gids;
		a.r.caps = a.caps;
		r = rl_container_exec(&a.r, &status, err);
		/* 127/126 (not found / not executable), or 128+signal when a
		 * signal stopped the setup: the status to exit with. */
		if (r == -2)
			g->exit_code = status;
	}
	free(pos);
	free(a.env);
	free(a.gids);
	free(a.caps);
	if (n == -2)
		return 0;
	return r < 0 ? -1 : status;
}
