/* libFuzzer target for the command line: the global flags, the command
 * table and every command's options and arguments (cmd/), as far as they
 * go before the runtime acts.
 *
 * The input is split at NUL bytes into argv[1..] (at most 64 words) and
 * given to rlite's main (compiled as rlite_main).  What the commands
 * would do is stubbed here: each stub of the runtime records nothing and
 * either fails with "stub" or, for the reporting commands (state, list,
 * ps), returns a fixed answer so that their printing runs too.  Nothing
 * touches a container, a cgroup or a file: stdin is /dev/null, and the
 * one command that writes a file itself (`spec`) has its mkostemp stubbed
 * to fail (the link wraps it).  The linker takes these definitions over the library's
 * (--allow-multiple-definition, this file first).  Every input must end
 * with main returning a status. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "runtime/conf.h"
#include "runtime/container.h"
#include "runtime/events.h"
#include "runtime/exeseal.h"
#include "runtime/log.h"
#include "runtime/monitor.h"
#include "runtime/procid.h"
#include "runtime/shim.h"
#include "runtime/state.h"
#include "tests/fuzz/fuzz.h"

int rlite_main(int argc, char **argv);
int __wrap_mkostemp(char *tmpl, int flags);

#define MAX_ARGS 64

static int stub(struct rl_error *err)
{
	return rl_error_set(err, ENOSYS, "stub");
}

int __wrap_mkostemp(char *tmpl, int flags)
{
	(void)tmpl;
	(void)flags;
	errno = EROFS;
	return -1;
}

/* A state as `state` and `list` get it: every field set, a recorded end. */
static struct rl_state *fake_state(const char *id, enum rl_status s)
{
	struct rl_state *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	st->oci_version = strdup("1.2.0");
	st->id = strdup(id ? id : "x");
	st->status = s;
	st->pid = s == RL_STATUS_STOPPED ? 0 : 4242;
	st->bundle = strdup("/b");
	st->rootfs = strdup("/b/rootfs");
	st->created = strdup("2026-01-01T00:00:00.000000000Z");
	st->owner = strdup("root");
	if (s == RL_STATUS_STOPPED) {
		st->has_exit_status = true;
		st->exit_status = 143;
		st->exit_signal = 15;
		st->kill_signal = 15;
		st->finished = strdup("2026-01-01T00:00:01.000000000Z");
	}
	return st;
}

/* run, create and exec would re-execute the process (the fuzzer) from a
 * read-only view of its binary: nothing to do here. */
int rl_exeseal(bool needed, char **argv, struct rl_error *err)
{
	(void)needed;
	(void)argv;
	(void)err;
	return 0;
}

int rl_conf_load(struct rl_conf *c, struct rl_error *err)
{
	(void)c;
	(void)err;
	return 0;
}

int rl_container_create(const struct rl_run_opts *o, int *status, struct rl_error *err)
{
	(void)o;
	*status = 0;
	return stub(err);
}

int rl_container_run(const struct rl_run_opts *o, int *status, struct rl_error *err)
{
	(void)o;
	*status = 0;
	return stub(err);
}

int rl_container_run_detached(const struct rl_run_opts *o, struct rl_error *err)
{
	(void)o;
	return stub(err);
}

int rl_container_start(const char *root, const char *id, struct rl_error *err)
{
	(void)root;
	(void)id;
	return stub(err);
}

int rl_container_state(const char *root, const char *id, struct rl_state **out,
		       struct rl_error *err)
{
	(void)root;
	*out = fake_state(id, RL_STATUS_STOPPED);
	return *out ? 0 : stub(err);
}

int rl_container_list(const char *root, struct rl_state_list *out, struct rl_error *err)
{
	(void)root;
	*out = (struct rl_state_list){0};
	out->states = calloc(2, sizeof(*out->states));
	out->warnings = calloc(1, sizeof(*out->warnings));
	if (!out->states || !out->warnings)
		return stub(err);
	out->states[out->n++] = fake_state("a", RL_STATUS_RUNNING);
	out->states[out->n++] = fake_state("b", RL_STATUS_STOPPED);
	out->warnings[out->n_warnings++] = strdup("skipping \"c\": corrupt");
	return 0;
}

void rl_state_list_free(struct rl_state_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		rl_state_free(l->states[i]);
	for (size_t i = 0; i < l->n_warnings; i++)
		free(l->warnings[i]);
	free(l->states);
	free(l->warnings);
	*l = (struct rl_state_list){0};
}

int rl_container_kill(const char *root, const char *id, int sig, bool all, struct rl_error *err)
{
	(void)root;
	(void)id;
	(void)sig;
	(void)all;
	return stub(err);
}

int rl_container_delete(const char *root, const char *id, bool force, struct rl_error *err)
{
	(void)root;
	(void)id;
	(void)force;
	return stub(err);
}

int rl_container_wait(const char *root, const char *id, int64_t deadline, int *status,
		      struct rl_error *err)
{
	(void)root;
	(void)id;
	(void)deadline;
	*status = 0;
	return stub(err);
}

int64_t rl_wait_deadline(int64_t timeout_ms)
{
	return timeout_ms;
}

int rl_container_pids(const char *root, const char *id, int **pids, size_t *n, struct rl_error *err)
{
	(void)root;
	(void)id;
	*pids = calloc(2, sizeof(**pids));
	if (!*pids)
		return stub(err);
	(*pids)[0] = 1;
	(*pids)[1] = 4242;
	*n = 2;
	return 0;
}

int rl_ps_table(const int *pids, size_t n, char *const *ps_args, char **out, struct rl_error *err)
{
	(void)pids;
	(void)n;
	(void)ps_args;
	*out = strdup("UID PID CMD\nroot 1 init\n");
	return *out ? 0 : stub(err);
}

int rl_container_pause(const char *root, const char *id, bool pause, struct rl_error *err)
{
	(void)root;
	(void)id;
	(void)pause;
	return stub(err);
}

int rl_container_update(const char *root, const char *id, const struct rl_resources *r,
			struct rl_error *err)
{
	(void)root;
	(void)id;
	(void)r;
	return stub(err);
}

int rl_container_exec(const struct rl_exec_request *r, int *status, struct rl_error *err)
{
	(void)r;
	*status = 0;
	return stub(err);
}

int rl_container_events(const char *root, const char *id, const struct rl_events_opts *o,
			rl_events_cb cb, void *arg, struct rl_error *err)
{
	(void)root;
	(void)id;
	(void)o;
	(void)cb;
	(void)arg;
	return stub(err);
}

int rl_state_lock(const char *root, const char *id, bool exclusive, struct rl_state_lock *lock,
		  struct rl_error *err)
{
	(void)root;
	(void)id;
	(void)exclusive;
	(void)lock;
	return rl_error_set(err, ENOENT, "container does not exist");
}

int rl_state_load(const struct rl_state_lock *lock, struct rl_state **out, struct rl_error *err)
{
	(void)lock;
	(void)out;
	return stub(err);
}

void rl_state_unlock(struct rl_state_lock *lock)
{
	lock->fd = -1;
}

int rl_monitor_log_path(const char *root, const char *id, char *buf, size_t len,
			struct rl_error *err)
{
	(void)root;
	(void)id;
	(void)buf;
	(void)len;
	return stub(err);
}

bool rl_proc_alive(pid_t pid, uint64_t start_time)
{
	(void)pid;
	(void)start_time;
	return false;
}

int rl_log_open(const char *path, const char *format, bool debug, struct rl_error *err)
{
	(void)path;
	(void)format;
	(void)debug;
	(void)err;
	return 0;
}

bool rl_log_has_file(void)
{
	return false;
}

void rl_log(const char *level, const char *fmt, ...)
{
	(void)level;
	(void)fmt;
}

void rl_shim_title_area(int argc, char **argv)
{
	(void)argc;
	(void)argv;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	(void)argc;
	(void)argv;
	/* stdin for --resources -; what the commands print goes where
	 * -close_fd_mask sends it. */
	if (null < 0 || dup2(null, STDIN_FILENO) < 0)
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy = malloc(size + 1), *argv[MAX_ARGS + 2];
	int argc = 1, r;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[0] = "rlite";
	for (char *p = copy; p <= copy + size && argc <= MAX_ARGS; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	r = rlite_main(argc, argv);
	if (r < 0 || r > 255)
		fuzz_fail("argv_fuzz", "main returned an impossible status", NULL, NULL);
	free(copy);
	return 0;
}
