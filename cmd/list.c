/* rlite list: every container under --root, as runc lists them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "runtime/container.h"

static const char list_usage[] =
    "usage: rlite list [--format|-f table|json] [--quiet|-q] [--long]\n"
    "\n"
    "List the containers under --root.  An entry that cannot be read is\n"
    "reported on stderr and skipped.\n"
    "\n"
    "Options:\n"
    "  --format, -f table|json  runc's table (default), or a JSON array of states\n"
    "                           (each as `rlite state` prints it)\n"
    "  --quiet, -q              container IDs only\n"
    "  --long                   the table with two more columns: EXIT (3, 143/SIGTERM,\n"
    "                           unknown when the monitor is gone, - when nothing was\n"
    "                           recorded) and FINISHED, for detached containers\n"
    "  --help, -h               this text\n";

struct list_opts {
	const char *format;
	bool quiet;
	bool wide; /* --long */
};

/* runc's table is a Go tabwriter (minwidth 12, padding 3): every column
 * but the last is as wide as its widest cell plus 3, at least 12.  Without
 * --long it is runc's table exactly, for scripts that parse it. */
#define COLS	  6
#define COLS_LONG 8
#define MINWIDTH  12
#define PADDING	  3

struct row_buf {
	char pid[16];
	char exit[32];
};

static void row(int ncols, const int *width, const char *const *cell)
{
	for (int c = 0; c < ncols - 1; c++)
		printf("%-*s", width[c], cell[c]);
	printf("%s\n", cell[ncols - 1]);
}

static void cells(const struct rl_state *st, struct row_buf *b, const char **cell)
{
	snprintf(b->pid, sizeof(b->pid), "%d", st->pid);
	cell[0] = st->id;
	cell[1] = b->pid;
	cell[2] = rl_status_name(st->status);
	cell[3] = st->bundle ? st->bundle : "";
	cell[4] = st->created ? st->created : "";
	cell[5] = st->owner ? st->owner : "";
	cell[6] = rl_state_exit_cell(st, b->exit, sizeof(b->exit));
	cell[7] = st->has_exit_status && st->finished ? st->finished : "-";
}

static void print_table(const struct rl_state_list *l, bool wide)
{
	static const char *const head[COLS_LONG] = {"ID",      "PID",	"STATUS", "BUNDLE",
						    "CREATED", "OWNER", "EXIT",	  "FINISHED"};
	int ncols = wide ? COLS_LONG : COLS, width[COLS_LONG];
	const char *cell[COLS_LONG];
	struct row_buf b;

	for (int c = 0; c < ncols; c++)
		width[c] = (int)strlen(head[c]);
	for (size_t i = 0; i < l->n; i++) {
		cells(l->states[i], &b, cell);
		for (int c = 0; c < ncols; c++)
			if ((int)strlen(cell[c]) > width[c])
				width[c] = (int)strlen(cell[c]);
	}
	for (int c = 0; c < ncols; c++)
		width[c] = width[c] + PADDING < MINWIDTH ? MINWIDTH : width[c] + PADDING;
	row(ncols, width, head);
	for (size_t i = 0; i < l->n; i++) {
		cells(l->states[i], &b, cell);
		row(ncols, width, cell);
	}
}

static int print_json(const struct rl_state_list *l, struct rl_error *err)
{
	fputs("[", stdout);
	for (size_t i = 0; i < l->n; i++) {
		char *text = NULL;

		if (rl_state_show_json(l->states[i], &text, NULL, err) < 0)
			return -1;
		printf("%s%s", i ? "," : "", text);
		free(text);
	}
	fputs("]\n", stdout);
	return 0;
}

static int list_opt(void *ctx, int argc, char **argv, int *i, struct rl_error *err)
{
	struct list_opts *o = ctx;
	int r;

	if ((r = rl_opt_value(argc, argv, i, "format", &o->format, err)) != 0 ||
	    (r = rl_opt_value(argc, argv, i, "f", &o->format, err)) != 0)
		return r;
	if (rl_cmd_flag(argv[*i], "long")) {
		o->wide = true;
		return 1;
	}
	if (!rl_cmd_flag(argv[*i], "quiet") && !rl_cmd_flag(argv[*i], "q"))
		return 0;
	o->quiet = true;
	return 1;
}

int rl_cmd_list(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	struct list_opts o = {.format = "table"};
	struct rl_state_list l = {0};
	int r = rl_cmd_args(argc, argv, list_usage, list_opt, &o, NULL, 0, 0, err);

	if (r < 0)
		return r == -2 ? 0 : -1;
	if (strcmp(o.format, "table") != 0 && strcmp(o.format, "json") != 0)
		return rl_error_set(err, 0, "list: --format: must be table or json, not \"%s\"",
				    o.format);
	if (rl_container_list(g->root, &l, err) < 0)
		return -1;
	for (size_t i = 0; i < l.n_warnings; i++)
		fprintf(stderr, "rlite: list: %s\n", l.warnings[i]);
	r = 0;
	if (o.quiet)
		for (size_t i = 0; i < l.n; i++)
			printf("%s\n", l.states[i]->id);
	else if (strcmp(o.format, "json") == 0)
		r = print_json(&l, err);
	else
		print_table(&l, o.wide);
	rl_state_list_free(&l);
	return r;
}
