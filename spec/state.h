/* The container state: what `rlite state` prints (runtime-spec runtime.md
 * "State") and what the state store keeps in /run/rlite/<id>/state.json.
 *
 * The state file holds the OCI fields plus rlite's own, under keys that the
 * OCI output never shows; rl_state_to_json(..., false) writes only the OCI
 * fields. */
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
};

struct rl_state {
	char *oci_version;
	char *id;
	enum rl_status status;
	int pid;      /* host pid of the container's init; 0 when none */
	char *bundle; /* absolute */
	char *rootfs; /* absolute */
	char *created; /* RFC 3339 with nanoseconds, UTC */
	char *owner;   /* user name of the creator, "" when unknown */
	struct rl_map annotations;

	/* rlite's own, kept in the state file only */
	uint64_t init_start_time; /* field 22 of /proc/<pid>/stat */
	bool has_exit_status;
	int exit_status; /* code, or 128+signal */
	char *finished;	 /* RFC 3339, when has_exit_status */
	int monitor_pid; /* detached containers: the monitor, else 0 */
	uint64_t monitor_start_time;
};

const char *rl_status_name(enum rl_status s); /* "created", ... */
int rl_status_from_name(const char *name);

/* Indented JSON.  with_private: also rlite's own fields (the state file). */
int rl_state_to_json(const struct rl_state *st, bool with_private, char **out, size_t *len,
		     struct rl_error *err);

/* Parses a state file; `name` prefixes the errors. */
int rl_state_parse(const char *text, size_t len, const char *name, struct rl_state **out,
		   struct rl_error *err);

void rl_state_free(struct rl_state *st);

/* Formats a CLOCK_REALTIME time as RFC 3339 with nanoseconds in UTC,
 * e.g. "2026-11-22T02:49:26.123456789Z".  buf must hold 40 bytes. */
const char *rl_rfc3339_nano(int64_t sec, long nsec, char *buf, size_t len);

#endif
