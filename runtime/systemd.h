/* --systemd-cgroup: the container's cgroup as a transient unit of the
 * host's systemd, started over D-Bus as runc and crun do, so that systemd
 * knows the cgroup is taken (Delegate=yes) and does not reset its limits.
 *
 * libsystemd is opened (dlopen) only here, only when --systemd-cgroup is
 * given: the rest of rlite does not pay for it.  The bus is systemd's
 * private socket (/run/systemd/private, root only, no dbus-daemon needed,
 * as systemctl uses it), else the system bus. */
#ifndef RL_RUNTIME_SYSTEMD_H
#define RL_RUNTIME_SYSTEMD_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/config.h"
#include "spec/error.h"

/* The unit's name in the state directory (RL_SYSTEMD_RECORD), written
 * before the unit is started: delete --force of a create killed at any
 * point finds the unit to stop. */
#define RL_SYSTEMD_RECORD     "systemd-unit"
#define RL_SYSTEMD_RECORD_TMP ".systemd-unit.tmp"

struct rl_systemd_unit {
	const char *unit;   /* "rlite-ID.scope" or "x.slice" */
	const char *slice;  /* the parent slice of a scope */
	const char *id;	    /* the container, for the Description */
	pid_t pid;	    /* a scope's first process (rlite itself); 0 for a slice */
	bool v2;	    /* the unified hierarchy holds the controllers */
	const struct rl_resources *res; /* as unit properties; may be NULL */
};

/* StartTransientUnit (mode "fail"), a scope with Delegate=yes, and the limits
 * systemd has a property for, then waits for the job to finish (30 s).
 * The error names --systemd-cgroup: no systemd (no bus), a unit of the
 * same name, a job that failed.  *made: systemd took the call (the unit
 * exists, or did, even when its job failed or outlived the wait). */
int rl_systemd_start(const struct rl_systemd_unit *u, bool *made, struct rl_error *err);

/* `update` of a container whose cgroup is unit: SetUnitProperties
 * (runtime) with the limits of res that systemd has a property for. */
int rl_systemd_update(const char *unit, const struct rl_resources *res, bool v2,
		      struct rl_error *err);

/* StopUnit; a unit that is already gone (a scope whose processes all
 * died is collected by systemd) is no error. */
int rl_systemd_stop(const char *unit, struct rl_error *err);

/* The record in the state directory dirfd: written (atomically), read
 * (0 and unit[0] == '\0' when there is none). */
int rl_systemd_record_save(int dirfd, const char *unit, struct rl_error *err);
int rl_systemd_record_load(int dirfd, char *unit, size_t unitsz, struct rl_error *err);

#endif
