/* rlite: global flags, the command table, and the only place that turns an
 * error into a message and an exit status. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <seccomp.h>
#include <yajl/yajl_version.h>

#include "cmd/cmd.h"
#include "runtime/conf.h"
#include "runtime/exeseal.h"
#include "runtime/fault.h"
#include "runtime/log.h"
#include "runtime/mnt.h"
#include "runtime/rootless.h"
#include "runtime/shim.h"
#include "spec/config.h"

/* The build passes git's description of the source (GNUmakefile). */
#ifndef RL_COMMIT
#define RL_COMMIT "unknown"
#endif

static const struct rl_command commands[] = {
    {"spec", rl_cmd_spec, "write a default config.json for a bundle", false},
    {"run", rl_cmd_run, "create a container and run its process in the foreground", true},
    {"create", rl_cmd_create, "create a container; its process waits for 'start'", true},
    {"start", rl_cmd_start, "run the process of a created container", false},
    {"exec", rl_cmd_exec, "run one more process in a created or running container", true},
    {"state", rl_cmd_state, "print the state of a container as JSON", false},
    {"kill", rl_cmd_kill, "send a signal to a container's init (or all its processes)", false},
    {"delete", rl_cmd_delete, "remove a stopped container (--force: stop it first)", false},
    {"list", rl_cmd_list, "list the containers under --root", false},
    {"logs", rl_cmd_logs, "print what a detached container wrote (--follow)", false},
    {"wait", rl_cmd_wait, "wait until containers have stopped; print and exit with their status",
     false},
    {"pause", rl_cmd_pause, "freeze every process of a container", false},
    {"resume", rl_cmd_resume, "thaw a paused container", false},
    {"update", rl_cmd_update, "change the resource limits of a running container", false},
    {"ps", rl_cmd_ps, "show the processes of a container (ps table, or pids as JSON)", false},
    {"events", rl_cmd_events, "print a container's resource stats and OOM kills as JSON", false},
    {"features", rl_cmd_features, "print the OCI features document: what rlite supports", false},
};

static const char usage_text[] =
    "usage: rlite [global options] COMMAND [options] [ARGS]\n"
    "\n"
    "A small OCI container runtime with runc's command line.\n"
    "\n"
    "Global options (before COMMAND; --opt=V and --opt V both work):\n"
    "  --root DIR              state directory (default /run/rlite; rootless:\n"
    "                          $XDG_RUNTIME_DIR/rlite, or /run/user/UID/rlite)\n"
    "  --log FILE              append errors (and debug lines) to FILE; without\n"
    "                          it they go to stderr\n"
    "  --log-format text|json  format of the --log lines (default text)\n"
    "  --debug                 also log debug lines\n"
    "  --systemd-cgroup        the cgroup is a systemd unit; linux.cgroupsPath is\n"
    "                          \"slice:prefix:name\"\n"
    "  --cgroup-manager M      cgroupfs (default), systemd (= --systemd-cgroup),\n"
    "                          or disabled (no cgroups at all)\n"
    "  --init auto|always|never\n"
    "                          the pid-1 shim (default auto: not when the process\n"
    "                          is an init itself); also init = in rlite.conf\n"
    "  --rootless [true|false|auto]\n"
    "                          run as an unprivileged user: without a delegated\n"
    "                          cgroup, no cgroups (default auto: when not root,\n"
    "                          or root of a user namespace)\n"
    "  --criu PATH             accepted for runc compatibility, not acted on\n"
    "  --no-subreaper          accepted for runc compatibility, not acted on\n"
    "  --version, -v           print the versions of rlite, its commit, the OCI\n"
    "                          runtime spec and the libraries\n"
    "  --help, -h              this text\n"
    "\n"
    "Commands:\n";

static void print_usage(FILE *f)
{
	fputs(usage_text, f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\nRun 'rlite COMMAND --help' for a command's options.\n", f);
}

static void print_version(void)
{
	const struct scmp_version *sv = seccomp_version();
	const struct rl_mnt *lm = rl_mnt(NULL);
	const char *mver = NULL;

	if (lm)
		lm->get_library_version(&mver);
	printf("rlite version %s\n", RL_VERSION);
	printf("commit: %s\n", RL_COMMIT);
	printf("spec: %s\n", RL_OCI_VERSION);
	printf("yajl: %d.%d.%d\n", YAJL_MAJOR, YAJL_MINOR, YAJL_MICRO);
	printf("libmount: %s\n", mver ? mver : "unknown");
	printf("libseccomp: %u.%u.%u\n", sv ? sv->major : 0, sv ? sv->minor : 0,
	       sv ? sv->micro : 0);
	printf("libcap-ng: %s (built with)\n", RL_CAPNG_VERSION);
}

int rl_cmd_usage(const char *text)
{
	fputs(text, stdout);
	return 0;
}

/* An option's name without its dashes; NULL when arg is no option.  runc's
 * flag parser takes "--root" and "-root" alike. */
static const char *option_name(const char *arg)
{
	if (arg[0] == '-' && arg[1] == '-')
		return arg + 2;
	if (arg[0] == '-')
		return arg + 1;
	return NULL;
}

int rl_opt_value(int argc, char **argv, int *i, const char *name, const char **val,
		 struct rl_error *err)
{
	const char *arg = option_name(argv[*i]);
	size_t n = strlen(name);

	if (!arg || strncmp(arg, name, n) != 0)
		return 0;
	if (arg[n] == '=') {
		*val = arg + n + 1;
		return 1;
	}
	if (arg[n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		return rl_error_set(err, 0, "option --%s needs a value", name);
	*i += 1;
	*val = argv[*i];
	return 1;
}

bool rl_cmd_flag(const char *arg, const char *name)
{
	const char *n = option_name(arg);

	return n && strcmp(n, name) == 0;
}

/* Parses the global flags; returns the index of the subcommand, -1 with
 * err set, or -2 when --help or --version printed what they print. */
static int parse_globals(int argc, char **argv, struct rl_globals *g, struct rl_error *err)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *v = NULL;
		int r;

		if (strcmp(argv[i], "--") == 0)
			return i + 1;
		if ((r = rl_opt_value(argc, argv, &i, "root", &g->root, err)) != 0) {
			if (r < 0)
				return -1;
			/* The runtime would fall back to the default root: a
			 * caller's empty variable must not reach /run/rlite. */
			if (!g->root[0])
				return rl_error_set(err, 0, "--root: must not be empty");
		} else if ((r = rl_opt_value(argc, argv, &i, "log", &g->log, err)) != 0) {
			if (r < 0)
				return -1;
		} else if ((r = rl_opt_value(argc, argv, &i, "log-format", &v, err)) != 0) {
			if (r < 0)
				return -1;
			if (strcmp(v, "text") != 0 && strcmp(v, "json") != 0)
				return rl_error_set(
				    err, 0, "--log-format: must be text or json, not \"%s\"", v);
			g->log_format = v;
		} else if ((r = rl_opt_value(argc, argv, &i, "cgroup-manager", &v, err)) != 0) {
			if (r < 0)
				return -1;
			if (strcmp(v, "cgroupfs") && strcmp(v, "systemd") && strcmp(v, "disabled"))
				return rl_error_set(
				    err, 0,
				    "--cgroup-manager: must be cgroupfs, systemd or "
				    "disabled, not \"%s\"",
				    v);
			g->systemd_cgroup = strcmp(v, "systemd") == 0;
			g->no_cgroups = strcmp(v, "disabled") == 0;
		} else if ((r = rl_opt_value(argc, argv, &i, "init", &v, err)) != 0) {
			if (r < 0)
				return -1;
			g->init_mode = rl_init_mode_parse(v);
			if (g->init_mode < 0)
				return rl_error_set(
				    err, 0, "--init: must be auto, always or never, not \"%s\"", v);
		} else if ((r = rl_opt_value(argc, argv, &i, "criu", &v, err)) != 0) {
			if (r < 0)
				return -1;
		} else if (strncmp(argv[i], "--rootless=", 11) == 0 ||
			   strncmp(argv[i], "-rootless=", 10) == 0) {
			v = strchr(argv[i], '=') + 1;
			if ((g->rootless_mode = rl_rootless_parse(v)) < 0)
				return rl_error_set(
				    err, 0, "--rootless: must be true, false or auto, not \"%s\"", v);
		} else if (rl_cmd_flag(argv[i], "rootless")) {
			g->rootless_mode = RL_ROOTLESS_TRUE;
			/* runc's --rootless takes its value as the next word too */
			if (i + 1 < argc && rl_rootless_parse(argv[i + 1]) >= 0)
				g->rootless_mode = rl_rootless_parse(argv[++i]);
		} else if (rl_cmd_flag(argv[i], "debug")) {
			g->debug = true;
		} else if (rl_cmd_flag(argv[i], "systemd-cgroup")) {
			g->systemd_cgroup = true;
		} else if (rl_cmd_flag(argv[i], "no-subreaper")) {
			/* runc's own legacy flag; nothing to do */
		} else if (rl_cmd_flag(argv[i], "help") || strcmp(argv[i], "-h") == 0) {
			print_usage(stdout);
			return -2;
		} else if (rl_cmd_flag(argv[i], "version") || strcmp(argv[i], "-v") == 0) {
			print_version();
			return -2;
		} else {
			/* runc's words (Go's flag package): the name, one dash */
			const char *name = option_name(argv[i]);

			return rl_error_set(err, 0, "flag provided but not defined: -%.*s",
					    (int)strcspn(name, "="), name);
		}
	}
	return i;
}

/* Rootless or not (--rootless, else as runc decides: rootless.h), and the
 * state root that goes with it when --root was not given. */
static int set_rootless(struct rl_globals *g, char *buf, size_t len, struct rl_error *err)
{
	bool in_userns = rl_running_in_userns();

	g->rootless = rl_rootless_resolve(g->rootless_mode, geteuid(), in_userns);
	if (g->root)
		return 0;
	if (rl_rootless_state_root(geteuid(), in_userns, getenv("XDG_RUNTIME_DIR"),
				   getenv("USER"), buf, len, err) < 0)
		return -1;
	g->root = buf;
	return 0;
}

/* GUIDE §4: a failure is one error line in the log (callers such as conmon
 * read its msg) and the plain message on stderr; success prints nothing. */
static int fail(const struct rl_globals *g, const struct rl_error *err)
{
	char buf[RL_ERROR_MSG_MAX + 128];
	const char *text = rl_error_text(err, buf, sizeof(buf));

	if (rl_log_has_file())
		rl_log("error", "%s", text);
	fprintf(stderr, "rlite: %s\n", text);
	return g->exit_code ? g->exit_code : 1;
}

int main(int argc, char **argv)
{
	struct rl_globals g = {.log_format = "text", .rootless_mode = RL_ROOTLESS_AUTO};
	char root[4096];
	struct rl_error err = {0};
	int first, status = -1;

	struct rl_conf conf = {.init_mode = RL_INIT_AUTO};

	rl_shim_title_area(argc, argv);
	/* Test builds (make FAULT=1): the process that points kill. */
	RL_FAULT_RUNTIME(getpid());
	/* This machine's defaults first; the command line overrides them. */
	first = rl_conf_load(&conf, &err);
	g.init_mode = conf.init_mode;
	if (first == 0)
		first = parse_globals(argc, argv, &g, &err);
	if (first == -2)
		return 0;
	/* Opened even when a later global flag was bad, so that error is
	 * logged too. */
	if (g.log && rl_log_open(g.log, g.log_format, g.debug, &err) < 0)
		return fail(&g, &err);
	if (!g.log)
		rl_log_open(NULL, g.log_format, g.debug, NULL);
	if (first >= 0 && set_rootless(&g, root, sizeof(root), &err) < 0)
		first = -1;
	if (first >= 0 && first >= argc) {
		print_usage(stderr);
		return 2;
	}
	if (first >= 0) {
		const struct rl_command *cmd = NULL;

		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (strcmp(argv[first], commands[i].name) == 0)
				cmd = &commands[i];
		if (!cmd) {
			/* runc's words and exit status */
			g.exit_code = 3;
			rl_error_set(&err, 0, "No help topic for '%s'", argv[first]);
		} else if (rl_exeseal(cmd->seal, argv, &err) == 0) {
			status = cmd->fn(&g, argc - first, argv + first, &err);
		}
	}
	if (status >= 0)
		return status;
	return fail(&g, &err);
}
