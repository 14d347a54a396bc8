/* The container state: what `rlite state` prints (runtime-spec runtime.md
 * "State") and what the state store keeps in /run/rlite/<id>/state.json.
 *
 * The state file holds the OCI fields plus rlite's own, under "rlite."
 * keys; rl_state_to_json(..., false) writes only the OCI fields (hooks get
 * that), rl_state_show_json() the OCI fields and how a stopped container
 * ended (`state`, `list --format json`). */
#ifndef RL_SPEC_STATE_H
#define RL_SPEC_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "error.h"

enum rl_status {
	RL_STATUS_CREATING,
	RL_STATUS_CREATED,
	RL_STATUS_RUNNING,
	RL_STATUS_PAUSED,
	RL_STATUS_STOPPED,
	/* Not OCI's, never stored: a container whose create was interrupted
	 * (the runtime killed before it recorded it created or running),
	 * as `state` and `list` show it; `delete --force` removes it. */
	RL_STATUS_BROKEN,
};

struct rl_state {
	char *oci_version;
	char *id;
	enum rl_status status;
	int pid;       /* host pid of the container's init; 0 when none */
	char *bundle;  /* absolute */
	char *rootfs;  /* absolute */
	char *created; /* RFC 3339 with nanoseconds, UTC */
	char *owner;   /* user name of the creator, "" when unknown */
	struct rl_map annotations;

	/* rlite's own, kept in the state file only */
	uint64_t init_start_time; /* field 22 of /proc/<pid>/stat */
	bool has_exit_status;	  /* recorded by a detached container's monitor */
	int exit_status;	  /* code, or 128+signal */
	int exit_signal;	  /* the signal that ended it; 0: it exited, or unknown */
	char *finished;		  /* RFC 3339, when has_exit_status */
	int kill_signal;	  /* the last signal `rlite kill` sent the init, or 0 */
	int monitor_pid;	  /* detached containers: the monitor, else 0 */
	uint64_t monitor_start_time;
	/* Whether the config had poststart and poststop hooks at create
	 * (stored as "rlite.hooks", the list of those it had): start and
	 * delete read the bundle's config again only to run them.  Not
	 * recorded (a state file of an older rlite): they read it to know. */
	bool hooks_recorded;
	bool poststart_hooks, poststop_hooks;

	/* Never stored: set by the runtime for `state` and `list`.  Why a
	 * stopped container that had a monitor has no exit status ("monitor
	 * gone"); NULL: nothing to say. */
	const char *exit_unknown;
};

const char *rl_status_name(enum rl_status s); /* "created", ... */
int rl_status_from_name(const char *name);

/* Indented JSON.  with_private: also rlite's own fields (the state file). */
int rl_state_to_json(const struct rl_state *st, bool with_private, char **out, size_t *len,
		     struct rl_error *err);

/* What `rlite state` prints: the OCI fields, in the order and with the
 * meaning of rl_state_to_json(st, false), then, for a container whose end
 * was recorded (has_exit_status):
 *   "rlite.exitStatus"        the exit code, or 128+N for signal N
 *   "rlite.exitSignal"        "SIGTERM"   only when a signal ended it
 *   "rlite.exitSignalNumber"  15          (rl_proc_exit_signal)
 *   "rlite.finished"          RFC 3339 with nanoseconds, UTC
 *   "rlite.stoppedBy"         rl_state_stopped_by()
 * or, without one, "rlite.exitStatusUnknown": st->exit_unknown when set.
 * Nothing else: no exit status is ever made up.  The "rlite." prefix keeps
 * the keys from matching any field of the structs callers decode the
 * state into (Go's decoder matches keys case-insensitively, and CRI-O's
 * own state struct has "finished" and "exitCode"). */
int rl_state_show_json(const struct rl_state *st, char **out, size_t *len, struct rl_error *err);

/* Who ended a container whose end was recorded: "rlite kill" when it died
 * of the signal `rlite kill` last sent it, else "itself" (it exited, or
 * died of a signal rlite did not send: the OOM killer, kill(1), abort()). */
const char *rl_state_stopped_by(const struct rl_state *st);

/* The EXIT cell of `list --long`: "3", "143/SIGTERM", "unknown" (exit_unknown
 * set), or "-" (nothing recorded).  No spaces, so a table stays split by
 * whitespace.  buf: at least 32 bytes. */
const char *rl_state_exit_cell(const struct rl_state *st, char *buf, size_t len);

/* "SIGTERM", "SIGRTMIN+3" or "SIG99" for a signal number.  buf: at least 16
 * bytes. */
const char *rl_signal_name(int sig, char *buf, size_t len);

/* Parses a state file; `name` prefixes the errors. */
int rl_state_parse(const char *text, size_t len, const char *name, struct rl_state **out,
		   struct rl_error *err);

void rl_state_free(struct rl_state *st);

/* Formats a CLOCK_REALTIME time as RFC 3339 with nanoseconds in UTC,
 * e.g. "2026-11-22T02:49:26.123456789Z".  buf must hold 40 bytes. */
const char *rl_rfc3339_nano(int64_t sec, long nsec, char *buf, size_t len);

#endif
