/* The event stream of `rlite events`: stats on a timer, OOM kills as they
 * happen, until the container's init exits.  One poll() loop over three
 * fds (the init's pidfd, a timerfd, the OOM notification fd), so nothing
 * is missed between two waits and the stream ends the moment the init is
 * gone, never on a recycled pid.  Apart from events.c, which finds the
 * container, so that the unit tests drive it on scratch cgroups. */
#include "runtime/events.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "runtime/cgroup_stats.h"
#include "runtime/safepath.h"
#include "spec/stats.h"

#define INTERVAL_DEFAULT_MS 5000

static int emit_stats(const struct rl_cgroup *cg, const char *id, rl_events_cb cb, void *arg,
		      struct rl_error *err)
{
	struct rl_stats s;
	char *json = NULL;
	int r;

	if (rl_cg_stats(cg, &s, err) < 0)
		return -1;
	r = rl_stats_event_json(id, &s, &json, err);
	rl_stats_free(&s);
	if (r == 0)
		r = cb(json, arg, err);
	free(json);
	return r < 0 ? -1 : 0;
}

/* An oom event when fd reports an OOM kill since the last check. */
static int check_oom(const struct rl_cgroup *cg, const char *id, int fd, uint64_t *last,
		     rl_events_cb cb, void *arg, struct rl_error *err)
{
	bool oom = false;
	char *json = NULL;
	int r;

	if (rl_cg_oom_check(cg, fd, last, &oom, err) < 0)
		return -1;
	if (!oom)
		return 0;
	if (rl_oom_event_json(id, &json, err) < 0)
		return -1;
	r = cb(json, arg, err);
	free(json);
	return r < 0 ? -1 : 0;
}

static int timer_open(unsigned ms, int *fd, struct rl_error *err)
{
	struct itimerspec its = {
	    .it_interval = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000},
	};
	_rl_fd_ int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);

	its.it_value = its.it_interval;
	if (tfd < 0)
		return rl_error_set(err, errno, "events: timerfd_create");
	if (timerfd_settime(tfd, 0, &its, NULL) < 0)
		return rl_error_set(err, errno, "events: timerfd_settime");
	*fd = rl_fd_steal(&tfd);
	return 0;
}

/* Consumes the expirations; several missed ticks still make one event,
 * as a Go ticker drops ticks a slow reader misses. */
static void timer_drain(int fd)
{
	uint64_t n;

	while (read(fd, &n, sizeof(n)) < 0 && errno == EINTR)
		;
}

/* Waits for the next of: init exit, tick, OOM.  revents in p[]. */
static int wait_any(struct pollfd *p, nfds_t n, struct rl_error *err)
{
	for (;;) {
		if (poll(p, n, -1) >= 0)
			return 0;
		if (errno != EINTR)
			return rl_error_set(err, errno, "events: poll");
	}
}

int rl_events_run(const struct rl_cgroup *cg, const char *id, int pidfd,
		  const struct rl_events_opts *o, rl_events_cb cb, void *arg, struct rl_error *err)
{
	unsigned ms = o->interval_ms ? o->interval_ms : INTERVAL_DEFAULT_MS;
	uint64_t last = RL_CG_OOM_UNSET;
	_rl_fd_ int oomfd = -1;
	_rl_fd_ int tfd = -1;

	if (o->stats_once)
		return emit_stats(cg, id, cb, arg, err);
	/* poll() skips a negative fd: without the pidfd nothing would end
	 * the stream */
	if (pidfd < 0)
		return rl_error_set(err, EBADF, "events: no pidfd of the init");
	/* The first check sets the v2 baseline: OOM kills from before we
	 * started watching are not news. */
	if (rl_cg_oom_open(cg, &oomfd, err) < 0 ||
	    check_oom(cg, id, oomfd, &last, cb, arg, err) < 0 || timer_open(ms, &tfd, err) < 0)
		return -1;
	for (;;) {
		struct pollfd p[3] = {
		    {.fd = pidfd, .events = POLLIN},
		    {.fd = tfd, .events = POLLIN},
		    {.fd = oomfd, .events = POLLIN},
		};

		if (wait_any(p, oomfd >= 0 ? 3 : 2, err) < 0)
			return -1;
		if (p[2].revents && check_oom(cg, id, oomfd, &last, cb, arg, err) < 0)
			return -1;
		/* An OOM kill of the init itself is counted before the kill
		 * lands, so one last check after its exit still reports it. */
		if (p[0].revents)
			return check_oom(cg, id, oomfd, &last, cb, arg, err);
		if (p[1].revents) {
			timer_drain(tfd);
			if (emit_stats(cg, id, cb, arg, err) < 0)
				return -1;
		}
	}
}
