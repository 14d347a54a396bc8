/* `rlite events` and `rlite ps`: watching a running container's resource
 * use and OOM kills, and listing its processes, as runc does.
 *
 *   events.c       rl_container_events: finds the container
 *   events_loop.c  the stats / oom event stream
 *   ps.c           ps(1) output cut down to a container's processes */
#ifndef RL_RUNTIME_EVENTS_H
#define RL_RUNTIME_EVENTS_H

#include <stdbool.h>
#include <stddef.h>

#include "runtime/cgroup.h"
#include "spec/error.h"

struct rl_events_opts {
	bool stats_once;      /* one stats event, then return */
	unsigned interval_ms; /* between stats events; 0: 5000, runc's default */
};

/* Called with each event, one JSON object without a newline.  A negative
 * return (err set) ends the stream with that error. */
typedef int (*rl_events_cb)(const char *json, void *arg, struct rl_error *err);

/* The events of container id: with stats_once a single stats event;
 * otherwise a stats event every interval (the first one interval after the
 * start, as runc's ticker) and an oom event for each OOM kill, until the
 * container's init exits (then 0).  A stopped container: errnum ESRCH,
 * "container not running"; one without cgroups: "container has no
 * cgroups". */
int rl_container_events(const char *root, const char *id, const struct rl_events_opts *o,
			rl_events_cb cb, void *arg, struct rl_error *err);

/* The same for given cgroups and a pidfd of the init (which it does not
 * close): the part rl_container_events runs once it has found them. */
int rl_events_run(const struct rl_cgroup *cg, const char *id, int pidfd,
		  const struct rl_events_opts *o, rl_events_cb cb, void *arg, struct rl_error *err);

/* runc's `ps` table: runs ps(1) with ps_args (NULL-terminated; NULL or
 * empty: "-ef") and keeps its header and the lines whose PID column holds
 * one of pids.  *out is that text, each line ending in a newline;
 * free(*out).  ps failing: its exit status and first line of stderr. */
int rl_ps_table(const int *pids, size_t n, char *const *ps_args, char **out, struct rl_error *err);

/* The filtering part of rl_ps_table, on ps output already read.  No column
 * titled PID in the header: "couldn't find PID field in ps output".  Pure. */
int rl_ps_filter(const char *ps_output, const int *pids, size_t n, char **out,
		 struct rl_error *err);

#endif
