/* `rlite events` for a container: its cgroups and init from the state
 * store, then the stream of events_loop.c. */
#include "runtime/events.h"

#include <errno.h>
#include <stdint.h>

#include "runtime/container.h"
#include "runtime/procid.h"
#include "runtime/safepath.h"

int rl_container_events(const char *root, const char *id, const struct rl_events_opts *o,
			rl_events_cb cb, void *arg, struct rl_error *err)
{
	struct rl_cgroup cg = {0};
	uint64_t start = 0;
	_rl_fd_ int pidfd = -1;
	int pid = 0, r;

	if (rl_container_cgroup(root, id, &cg, &pid, &start, err) < 0)
		return -1;
	/* runc checks the status first: a stopped container is "not
	 * running" whether or not it had cgroups. */
	if (pid <= 0)
		r = rl_error_set(err, ESRCH, "container not running");
	else if (cg.n == 0)
		r = rl_error_set(err, 0, "container has no cgroups");
	else if ((r = rl_pidfd_open(pid, start, &pidfd, err)) == 0)
		r = rl_events_run(&cg, id, pidfd, o, cb, arg, err);
	rl_cg_free(&cg);
	return r;
}
