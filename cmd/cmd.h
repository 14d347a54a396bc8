/* The command table and what every subcommand receives. */
#ifndef RL_CMD_H
#define RL_CMD_H

#include <stdbool.h>

#include "spec/error.h"

/* Global flags, given before the subcommand (GUIDE §4). */
struct rl_globals {
	const char *root;	/* state directory; the default depends on rootless */
	const char *log;	/* NULL: stderr only */
	const char *log_format; /* "text" or "json" */
	bool debug;
	bool systemd_cgroup;
	bool no_cgroups; /* --cgroup-manager disabled */
	int rootless_mode; /* enum rl_rootless_mode: --rootless */
	bool rootless;	   /* resolved (runtime/rootless.h) */
	int init_mode; /* enum rl_init_mode: rlite.conf, then --init */
	/* Set by a subcommand that returns -1: main prints err and exits with
	 * this status instead of 1 (run: 127/126 when the program was not
	 * found / not executable). */
	int exit_code;
};

/* A subcommand returns the process exit status (>= 0), or -1 with err set;
 * main prints err and exits 1.  argv[0] is the subcommand's name. */
typedef int rl_cmd_fn(struct rl_globals *g, int argc, char **argv, struct rl_error *err);

struct rl_command {
	const char *name;
	rl_cmd_fn *fn;
	const char *summary;
	/* The command puts rlite's own image into a container (the pid-1
	 * shim, the process of exec on its way in): it first re-executes
	 * from a read-only view of its binary (runtime/exeseal.h). */
	bool seal;
};

rl_cmd_fn rl_cmd_spec;
rl_cmd_fn rl_cmd_run;
rl_cmd_fn rl_cmd_create;
rl_cmd_fn rl_cmd_start;
rl_cmd_fn rl_cmd_state;
rl_cmd_fn rl_cmd_kill;
rl_cmd_fn rl_cmd_delete;
rl_cmd_fn rl_cmd_list;
rl_cmd_fn rl_cmd_logs;
rl_cmd_fn rl_cmd_pause;
rl_cmd_fn rl_cmd_resume;
rl_cmd_fn rl_cmd_update;
rl_cmd_fn rl_cmd_events;
rl_cmd_fn rl_cmd_ps;
rl_cmd_fn rl_cmd_exec;
rl_cmd_fn rl_cmd_wait;
rl_cmd_fn rl_cmd_features;

/* A subcommand's --help text goes to stdout and is not an error. */
int rl_cmd_usage(const char *text);

/* Tells apart an option that takes a value in both "--opt V" and "--opt=V"
 * forms.  On a match, *val is set, *i advanced past the value, and 1 is
 * returned; 0 when arg is not this option; -1 (err set) when the value is
 * missing. */
int rl_opt_value(int argc, char **argv, int *i, const char *name, const char **val,
		 struct rl_error *err);

/* "--name" or "-name" exactly (runc's flag parser takes one dash too). */
bool rl_cmd_flag(const char *arg, const char *name);

/* One option at argv[*i] for rl_cmd_args: 1 handled (*i advanced past a
 * value), 0 not known, -1 error. */
typedef int rl_cmd_opt_fn(void *ctx, int argc, char **argv, int *i, struct rl_error *err);

/* The options and arguments of a subcommand (cmd/create.c): options first
 * (through opt, which may be NULL), "--help"/"-h" prints usage, then
 * between min and max arguments into pos.  Returns their number, -2 when
 * the usage was printed (exit 0), -1 with err set. */
int rl_cmd_args(int argc, char **argv, const char *usage, rl_cmd_opt_fn *opt, void *ctx,
		const char **pos, int min, int max, struct rl_error *err);

/* --preserve-fds N: a non-negative count, 0 or -1 with err set. */
int rl_cmd_parse_fds(const char *v, int *out, struct rl_error *err);

/* create's and run's shared options; ctx is a struct rl_run_opts. */
int rl_cmd_create_opt(void *ctx, int argc, char **argv, int *i, struct rl_error *err);

#endif
