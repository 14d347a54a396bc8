/* The command table and what every subcommand receives. */
#ifndef RL_CMD_H
#define RL_CMD_H

#include <stdbool.h>

#include "spec/error.h"

/* Global flags, given before the subcommand (GUIDE §4). */
struct rl_globals {
	const char *root; /* state directory */
	const char *log;  /* NULL: stderr only */
	const char *log_format; /* "text" or "json" */
	bool debug;
	bool systemd_cgroup;
	const char *cgroup_manager;
	bool rootless;
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
};

rl_cmd_fn rl_cmd_spec;
rl_cmd_fn rl_cmd_run;

/* A subcommand's --help text goes to stdout and is not an error. */
int rl_cmd_usage(const char *text);

/* Tells apart an option that takes a value in both "--opt V" and "--opt=V"
 * forms.  On a match, *val is set, *i advanced past the value, and 1 is
 * returned; 0 when arg is not this option; -1 (err set) when the value is
 * missing. */
int rl_opt_value(int argc, char **argv, int *i, const char *name, const char **val,
		 struct rl_error *err);

#endif
