/* rlite list: every container under --root, as runc lists them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "runtime/container.h"

static const char list_usage[] =
    "usage: rlite list [--format|-f table|json] [--quiet|-q]\n"
    "\n"
    "List the containers under --root.  An entry that cannot be read is\n"
    "reported on stderr and skipped.\n"
    "\n"
    "Options:\n"
    "  --format, -f table|json  runc's table (default), or a JSON array of states\n"
    "  --quiet, -q              container IDs only\n"
    "  --help, -h               this text\n";

struct list_opts {
	const char *format;
	bool quiet;
};

/* runc's table is a Go tabwriter (minwidth 12, padding 3): every column
 * but the last is as wide as its widest cell plus 3, at least 12. */
#define COLS	 6
#define MINWIDTH 12
#define PADDING	 3

static void row(const int *width, const char *const *cell)
{
	for (int c = 0; c < COLS - 1; c++)
		printf("%-*s", width[c], cell[c]);
	printf("%s\n", cell[COLS - 1]);
}

static void cells(const struct rl_state *st, char *pid, size_t pid_len, const char **cell)
{
	snprintf(pid, pid_len, "%d", st->pid);
	cell[0] = st->id;
	cell[1] = pid;
	cell[2] = rl_status_name(st->status);
	cell[3] = st->bundle ? st->bundle : "";
	cell[4] = st->created ? st->created : "";
	cell[5] = st->owner ? st->owner : "";
}

static void print_table(const struct rl_state_list *l)
{
	static const char *const head[COLS] = {"ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER"};
	int width[COLS];
	const char *cell[COLS];
	char pid[16];

	for (int c = 0; c < COLS; c++)
		width[c] = (int)strlen(head[c]);
	for (size_t i = 0; i < l->n; i++) {
		cells(l->states[i], pid, sizeof(pid), cell);
		for (int c = 0; c < COLS; c++)
			if ((int)strlen(cell[c]) > width[c])
				width[c] = (int)strlen(cell[c]);
	}
	for (int c = 0; c < COLS; c++)
		width[c] = width[c] + PADDING < MINWIDTH ? MINWIDTH : width[c] + PADDING;
	row(width, head);
	for (size_t i = 0; i < l->n; i++) {
		cells(l->states[i], pid, sizeof(pid), cell);
		row(width, cell);
	}
}

static int print_json(const struct rl_state_list *l, struct rl_error *err)
{
	fputs("[", stdout);
	for (size_t i = 0; i < l->n; i++) {
		char *text = NULL;

		if (rl_state_to_json(l->states[i], false, &text, NULL, err) < 0)
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
		print_table(&l);
	rl_state_list_free(&l);
	return r;
}
