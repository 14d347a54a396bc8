/* The container state: its JSON form, both the OCI one `rlite state`
 * prints and the state file the store keeps. */
#include "state.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "config_internal.h"
#include "json.h"

/* rlite's own keys.  The "rlite." prefix keeps them apart from any field a
 * later runtime-spec may add to the state. */
#define K_INIT_START	"rlite.initStartTime"
#define K_EXIT_STATUS	"rlite.exitStatus"
#define K_EXIT_SIGNUM	"rlite.exitSignalNumber"
#define K_FINISHED	"rlite.finished"
#define K_KILL_SIGNAL	"rlite.killSignal"
#define K_MONITOR_PID	"rlite.monitorPid"
#define K_MONITOR_START "rlite.monitorStartTime"
#define K_HOOKS		"rlite.hooks"
/* Shown by `state` only, never stored: derived from the above. */
#define K_EXIT_SIGNAL  "rlite.exitSignal"
#define K_STOPPED_BY   "rlite.stoppedBy"
#define K_EXIT_UNKNOWN "rlite.exitStatusUnknown"

/* Signal numbers a state may hold: 1 .. the kernel's _NSIG - 1. */
#define SIGNAL_MAX 64

/* What write_state writes besides the OCI fields. */
enum state_form {
	FORM_OCI,  /* nothing: hooks, runc's callers */
	FORM_SHOW, /* how a stopped container ended: `state`, `list` */
	FORM_FILE, /* everything rlite keeps: state.json */
};

static const char *const status_names[] = {
    [RL_STATUS_CREATING] = "creating", [RL_STATUS_CREATED] = "created",
    [RL_STATUS_RUNNING] = "running",   [RL_STATUS_PAUSED] = "paused",
    [RL_STATUS_STOPPED] = "stopped",   [RL_STATUS_BROKEN] = "broken",
};

#define N_STATUS (sizeof(status_names) / sizeof(status_names[0]))

const char *rl_status_name(enum rl_status s)
{
	if ((size_t)s >= N_STATUS)
		return NULL;
	return status_names[s];
}

int rl_status_from_name(const char *name)
{
	for (size_t i = 0; name && i < N_STATUS; i++)
		if (strcmp(name, status_names[i]) == 0)
			return (int)i;
	return -1;
}

/* The UTC date of a day count from 1970-01-01, by arithmetic alone
 * (days counted in 400-year eras of 146097 days, years starting on March 1
 * so that the leap day is the last of a year).  Not gmtime_r: its first
 * call reads the local time zone, /etc/localtime, which is work for
 * nothing here, and after pivot_root a file of the image's. */
static void civil(int64_t days, int64_t *y, int *m, int *d)
{
	int64_t z = days + 719468; /* days from 0000-03-01 */
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;					     /* [0, 146096] */
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);		     /* [0, 365] */
	int64_t mp = (5 * doy + 2) / 153;				     /* March is 0 */

	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

const char *rl_rfc3339_nano(int64_t sec, long nsec, char *buf, size_t len)
{
	int64_t days = sec / 86400, rem = sec % 86400, y;
	int m, d, n;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	civil(days, &y, &m, &d);
	/* RFC 3339 years have four digits */
	if (len < 40 || nsec < 0 || nsec > 999999999 || y < 0 || y > 9999)
		return NULL;
	n = snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%09ldZ", (int)y, m, d,
		     (int)(rem / 3600), (int)(rem % 3600 / 60), (int)(rem % 60), nsec);
	return n > 0 && (size_t)n < len ? buf : NULL;
}

const char *rl_signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sig > 0 && sig < SIGRTMIN ? sigabbrev_np(sig) : NULL;

	/* Real-time signals as `kill` takes them (glibc's SIGRTMIN, see
	 * rl_signal_parse): the first two belong to the thread library. */
	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else if (sig == SIGRTMIN)
		snprintf(buf, len, "SIGRTMIN");
	else if (sig > SIGRTMIN && sig <= SIGRTMAX)
		snprintf(buf, len, "SIGRTMIN+%d", sig - SIGRTMIN);
	else
		snprintf(buf, len, "SIG%d", sig);
	return buf;
}

const char *rl_state_stopped_by(const struct rl_state *st)
{
	if (st->exit_signal > 0 && st->exit_signal == st->kill_signal)
		return "rlite kill";
	return "itself";
}

const char *rl_state_exit_cell(const struct rl_state *st, char *buf, size_t len)
{
	char name[16];

	if (st->has_exit_status && st->exit_signal > 0)
		snprintf(buf, len, "%d/%s", st->exit_status,
			 rl_signal_name(st->exit_signal, name, sizeof(name)));
	else if (st->has_exit_status)
		snprintf(buf, len, "%d", st->exit_status);
	else
		snprintf(buf, len, "%s", st->exit_unknown ? "unknown" : "-");
	return buf;
}

/* ---- writer ---------------------------------------------------------- */

/* One key for both kinds, an array of the kinds the config had: every
 * key costs `list` a little, for each container it lists. */
static int write_hooks(yajl_gen g, const struct rl_state *st)
{
	if (!st->hooks_recorded)
		return 0;
	if (rl_gen_key(g, K_HOOKS) < 0 || yajl_gen_array_open(g) != yajl_gen_status_ok ||
	    (st->poststart_hooks && rl_gen_str(g, rl_hook_name(RL_HOOK_POSTSTART)) < 0) ||
	    (st->poststop_hooks && rl_gen_str(g, rl_hook_name(RL_HOOK_POSTSTOP)) < 0))
		return -1;
	return yajl_gen_array_close(g) == yajl_gen_status_ok ? 0 : -1;
}

static int write_private(yajl_gen g, const struct rl_state *st)
{
	if (rl_gen_key_u64(g, K_INIT_START, st->init_start_time) < 0)
		return -1;
	if (st->has_exit_status && rl_gen_key_i64(g, K_EXIT_STATUS, st->exit_status) < 0)
		return -1;
	if (st->exit_signal && rl_gen_key_i64(g, K_EXIT_SIGNUM, st->exit_signal) < 0)
		return -1;
	if (rl_gen_key_str(g, K_FINISHED, st->finished) < 0)
		return -1;
	if (st->kill_signal && rl_gen_key_i64(g, K_KILL_SIGNAL, st->kill_signal) < 0)
		return -1;
	if (st->monitor_pid && (rl_gen_key_i64(g, K_MONITOR_PID, st->monitor_pid) < 0 ||
				rl_gen_key_u64(g, K_MONITOR_START, st->monitor_start_time) < 0))
		return -1;
	return write_hooks(g, st);
}

/* How it ended, for people and scripts (rl_state_show_json). */
static int write_exit(yajl_gen g, const struct rl_state *st)
{
	char name[16];

	if (!st->has_exit_status)
		return rl_gen_key_str(g, K_EXIT_UNKNOWN, st->exit_unknown);
	if (rl_gen_key_i64(g, K_EXIT_STATUS, st->exit_status) < 0)
		return -1;
	if (st->exit_signal > 0 &&
	    (rl_gen_key_str(g, K_EXIT_SIGNAL, rl_signal_name(st->exit_signal, name, sizeof(name))) <
		 0 ||
	     rl_gen_key_i64(g, K_EXIT_SIGNUM, st->exit_signal) < 0))
		return -1;
	if (rl_gen_key_str(g, K_FINISHED, st->finished) < 0)
		return -1;
	return rl_gen_key_str(g, K_STOPPED_BY, rl_state_stopped_by(st));
}

/* The OCI fields in runc's order; annotations only when there are some,
 * as runc does. */
static int write_state(yajl_gen g, const struct rl_state *st, enum state_form form)
{
	const char *status = rl_status_name(st->status);

	if (!status || yajl_gen_map_open(g) != yajl_gen_status_ok ||
	    rl_gen_key_str(g, "ociVersion", st->oci_version) < 0 ||
	    rl_gen_key_str(g, "id", st->id) < 0 || rl_gen_key_i64(g, "pid", st->pid) < 0 ||
	    rl_gen_key_str(g, "status", status) < 0 ||
	    rl_gen_key_str(g, "bundle", st->bundle) < 0 ||
	    rl_gen_key_str(g, "rootfs", st->rootfs) < 0 ||
	    rl_gen_key_str(g, "created", st->created) < 0 ||
	    rl_gen_key_str(g, "owner", st->owner) < 0 ||
	    rl_gen_key_map(g, "annotations", &st->annotations) < 0)
		return -1;
	if (form == FORM_FILE && write_private(g, st) < 0)
		return -1;
	if (form == FORM_SHOW && write_exit(g, st) < 0)
		return -1;
	return yajl_gen_map_close(g) == yajl_gen_status_ok ? 0 : -1;
}

static int to_json(const struct rl_state *st, enum state_form form, char **out, size_t *len,
		   struct rl_error *err)
{
	const unsigned char *buf = NULL;
	size_t n = 0;
	yajl_gen g = yajl_gen_alloc(NULL);
	char *s = NULL;

	if (!g)
		return rl_error_set(err, ENOMEM, "state: generating JSON");
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	if (write_state(g, st, form) < 0) {
		yajl_gen_free(g);
		return rl_error_set(err, 0, "state of \"%s\": generating JSON failed",
				    st->id ? st->id : "");
	}
	yajl_gen_get_buf(g, &buf, &n);
	s = malloc(n + 1);
	if (s) {
		memcpy(s, buf, n);
		s[n] = '\0';
	}
	yajl_gen_free(g);
	if (!s)
		return rl_error_set(err, ENOMEM, "state: generating JSON");
	*out = s;
	if (len)
		*len = n;
	return 0;
}

int rl_state_to_json(const struct rl_state *st, bool with_private, char **out, size_t *len,
		     struct rl_error *err)
{
	return to_json(st, with_private ? FORM_FILE : FORM_OCI, out, len, err);
}

int rl_state_show_json(const struct rl_state *st, char **out, size_t *len, struct rl_error *err)
{
	return to_json(st, FORM_SHOW, out, len, err);
}

/* ---- parser ---------------------------------------------------------- */

static int parse_int(struct rl_jctx *c, yajl_val root, const char *key, int64_t min, int64_t max,
		     bool required, int64_t *out, bool *found)
{
	yajl_val v = rl_jget(root, key);

	if (found)
		*found = v != NULL;
	if (!v)
		return required ? rl_jerr(c, key, "is required") : 0;
	return rl_jint(c, v, key, min, max, out);
}

static int parse_u64(struct rl_jctx *c, yajl_val root, const char *key, uint64_t *out)
{
	yajl_val v = rl_jget(root, key);

	return v ? rl_juint(c, v, key, UINT64_MAX, out) : 0;
}

static int parse_oci(struct rl_jctx *c, yajl_val root, struct rl_state *st)
{
	char *status = NULL;
	int64_t pid = 0;
	int s;

	if (rl_jstr_req(c, root, "", "ociVersion", &st->oci_version) < 0 ||
	    rl_jstr_req(c, root, "", "id", &st->id) < 0 ||
	    rl_jstr_req(c, root, "", "status", &status) < 0)
		goto fail;
	s = rl_status_from_name(status);
	if (s < 0 || s == RL_STATUS_BROKEN) {
		rl_jerr(c, "status", "unknown status \"%s\"", status);
		goto fail;
	}
	st->status = (enum rl_status)s;
	free(status);
	status = NULL;
	if (parse_int(c, root, "pid", 0, INT_MAX, true, &pid, NULL) < 0)
		goto fail;
	st->pid = (int)pid;
	if (rl_jstr_req(c, root, "", "bundle", &st->bundle) < 0 ||
	    rl_jstr_opt(c, root, "", "rootfs", &st->rootfs) < 0 ||
	    rl_jstr_opt(c, root, "", "created", &st->created) < 0 ||
	    rl_jstr_opt(c, root, "", "owner", &st->owner) < 0 ||
	    rl_jmap_opt(c, root, "", "annotations", &st->annotations) < 0)
		goto fail;
	if (!st->owner && !(st->owner = strdup("")))
		return rl_error_set(c->err, ENOMEM, "%s", c->name);
	return 0;
fail:
	free(status);
	return -1;
}

static int parse_hooks(struct rl_jctx *c, yajl_val root, struct rl_state *st)
{
	yajl_val v = rl_jget(root, K_HOOKS);
	const char *start = rl_hook_name(RL_HOOK_POSTSTART), *stop = rl_hook_name(RL_HOOK_POSTSTOP);
	char p[RL_JPATH_MAX];

	if (!v)
		return 0;
	if (rl_jexpect_array(c, v, K_HOOKS) < 0)
		return -1;
	st->hooks_recorded = true;
	for (size_t i = 0; i < v->u.array.len; i++) {
		const char *kind = YAJL_GET_STRING(v->u.array.values[i]);

		if (kind && strcmp(kind, start) == 0)
			st->poststart_hooks = true;
		else if (kind && strcmp(kind, stop) == 0)
			st->poststop_hooks = true;
		else
			return rl_jerr(c, rl_jpath_idx(p, K_HOOKS, i), "must be \"%s\" or \"%s\"",
				       start, stop);
	}
	return 0;
}

/* rlite's own keys: all optional (a state file from an older rlite lacks
 * some), but strictly typed when present. */
static int parse_private(struct rl_jctx *c, yajl_val root, struct rl_state *st)
{
	int64_t v = 0;
	bool found = false;

	if (parse_u64(c, root, K_INIT_START, &st->init_start_time) < 0)
		return -1;
	if (parse_int(c, root, K_EXIT_STATUS, 0, 255, false, &v, &found) < 0)
		return -1;
	st->has_exit_status = found;
	st->exit_status = (int)v;
	v = 0;
	if (parse_int(c, root, K_EXIT_SIGNUM, 0, SIGNAL_MAX, false, &v, NULL) < 0)
		return -1;
	st->exit_signal = (int)v;
	if (rl_jstr_opt(c, root, "", K_FINISHED, &st->finished) < 0)
		return -1;
	v = 0;
	if (parse_int(c, root, K_KILL_SIGNAL, 0, SIGNAL_MAX, false, &v, NULL) < 0)
		return -1;
	st->kill_signal = (int)v;
	v = 0;
	if (parse_int(c, root, K_MONITOR_PID, 0, INT_MAX, false, &v, NULL) < 0)
		return -1;
	st->monitor_pid = (int)v;
	if (parse_hooks(c, root, st) < 0)
		return -1;
	return parse_u64(c, root, K_MONITOR_START, &st->monitor_start_time);
}

/* A state is two levels deep: refuse deep nesting (rl_json_check_depth). */
#define STATE_MAX_DEPTH 16

int rl_state_parse(const char *text, size_t len, const char *name, struct rl_state **out,
		   struct rl_error *err)
{
	struct rl_jctx c = {.name = name, .err = err};
	char ebuf[256] = "";
	struct rl_state *st = NULL;
	yajl_val root = NULL;
	char *copy = NULL;
	int r = -1;

	/* yajl_tree_parse wants a NUL-terminated string; the copy also stops
	 * a NUL inside the input from hiding the rest of it silently. */
	if (memchr(text, '\0', len))
		return rl_jerr(&c, "", "invalid JSON: contains a NUL byte");
	if (rl_json_check_depth(&c, text, len, STATE_MAX_DEPTH) < 0)
		return -1;
	copy = strndup(text, len);
	st = calloc(1, sizeof(*st));
	if (!copy || !st) {
		rl_error_set(err, ENOMEM, "%s", name);
		goto out;
	}
	root = yajl_tree_parse(copy, ebuf, sizeof(ebuf));
	if (!root) {
		ebuf[strcspn(ebuf, "\n")] = '\0';
		rl_jerr(&c, "", "invalid JSON: %s", ebuf);
		goto out;
	}
	if (rl_jexpect_object(&c, root, "") < 0 || parse_oci(&c, root, st) < 0 ||
	    parse_private(&c, root, st) < 0)
		goto out;
	*out = st;
	st = NULL;
	r = 0;
out:
	yajl_tree_free(root);
	free(copy);
	rl_state_free(st);
	return r;
}

void rl_state_free(struct rl_state *st)
{
	if (!st)
		return;
	free(st->oci_version);
	free(st->id);
	free(st->bundle);
	free(st->rootfs);
	free(st->created);
	free(st->owner);
	rl_map_free(&st->annotations);
	free(st->finished);
	free(st);
}
