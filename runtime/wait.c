/* wait: block until a container has stopped and say how it ended.
 *
 * Nothing here wakes on a timer.  Each phase sleeps in poll or epoll on
 * something the kernel signals:
 *
 *   live      (created, running, paused): a pidfd of the init, opened for
 *             its recorded identity (procid.h), turns readable when it exits;
 *   recording (a detached container that stopped, its record not written
 *             yet): a pidfd of its monitor, which exits right after it
 *             wrote the record;
 *   reaped    (no record will come: not detached, the monitor is gone, or
 *             the container was deleted meanwhile): the init's pidfd hangs
 *             up once whoever is its parent reaped it; then the kernel has
 *             its wait status for us (rl_pidfd_exit_status).
 *
 * Between phases the state is read again under its lock, so what was
 * recorded meanwhile is never missed. */
#include "runtime/container.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "runtime/clock.h"
#include "runtime/procid.h"
#include "runtime/safepath.h"

/* How long a stopped init's parent gets to reap it before wait gives up on
 * its exit status: conmon, containerd's shim and pid 1 reap at once. */
#define REAP_WAIT_MS 2000

struct watch {
	const char *root;
	const char *id;
	int64_t deadline;    /* CLOCK_MONOTONIC ms, or -1: none */
	int init_fd;	     /* pidfd of the init once seen live, or -1 */
	uint64_t init_start; /* its start time: the init we watch */
	int mon_fd;	     /* pidfd of the monitor, or -1 */
	bool was_live;	     /* seen not stopped: gone later means deleted */
	bool timed_out;
};

#define DAY_MS 86400000

/* A poll timeout: what is left of the deadline (none: -1), at most cap
 * (-1: no cap), and at most a day (poll takes an int; await_fd then comes
 * back for the rest). */
static int left_ms(const struct watch *w, int cap)
{
	int64_t left;

	if (w->deadline < 0)
		return cap;
	left = w->deadline - rl_now_ms();
	if (left < 0)
		left = 0;
	if (left > DAY_MS)
		left = DAY_MS;
	return cap >= 0 && left > cap ? cap : (int)left;
}

/* Until fd is readable or the deadline: 1 readable, 0 timed out. */
static int await_fd(struct watch *w, int fd, struct rl_error *err)
{
	struct pollfd p = {.fd = fd, .events = POLLIN};
	int r;

	for (;;) {
		r = poll(&p, 1, left_ms(w, -1));
		if (r > 0)
			return 1;
		if (r == 0) {
			/* An infinite wait never returns 0; a deadline a day
			 * away comes back here until it has passed. */
			if (w->deadline >= 0 && rl_now_ms() >= w->deadline)
				return 0;
			continue;
		}
		if (errno != EINTR)
			return rl_error_set(err, errno, "wait: poll");
	}
}

static int timed_out(struct watch *w, const char *what, struct rl_error *err)
{
	w->timed_out = true;
	rl_error_set(err, ETIMEDOUT, "container %s is still %s", w->id, what);
	return -1;
}

/* live: until the init exits. */
static int watch_live(struct watch *w, const struct rl_state *st, struct rl_error *err)
{
	struct rl_error e = {0};
	int r;

	w->was_live = true;
	if (w->init_fd < 0 && rl_pidfd_open(st->pid, st->init_start_time, &w->init_fd, &e) < 0) {
		if (e.errnum == ESRCH)
			return 0; /* it stopped just now: look again */
		*err = e;
		return -1;
	}
	w->init_start = st->init_start_time;
	r = await_fd(w, w->init_fd, err);
	if (r <= 0)
		return r < 0 ? -1 : timed_out(w, rl_status_name(st->status), err);
	return 0;
}

/* recording: until the monitor, alive when the state was read, exits. */
static int watch_monitor(struct watch *w, const struct rl_state *st, struct rl_error *err)
{
	struct rl_error e = {0};
	int r;

	if (w->mon_fd < 0 &&
	    rl_pidfd_open(st->monitor_pid, st->monitor_start_time, &w->mon_fd, &e) < 0) {
		if (e.errnum == ESRCH)
			return 0; /* exited just now: its record is there, or never */
		*err = e;
		return -1;
	}
	r = await_fd(w, w->mon_fd, err);
	if (r <= 0)
		return r < 0 ? -1 : timed_out(w, "stopped, its exit not recorded yet", err);
	return 0;
}

/* reaped: the init's pidfd is readable since it exited; an edge-triggered
 * epoll sees the next change, the hang-up when it is reaped.  1 reaped,
 * 0 not within REAP_WAIT_MS (or the deadline). */
static int await_reap(struct watch *w, struct rl_error *err)
{
	struct epoll_event ev = {.events = EPOLLIN | EPOLLET};
	_rl_fd_ int ep = epoll_create1(EPOLL_CLOEXEC);
	int64_t until = rl_now_ms() + REAP_WAIT_MS;

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, w->init_fd, &ev) < 0)
		return rl_error_set(err, errno, "wait: epoll");
	for (;;) {
		int64_t left = until - rl_now_ms();
		int r;

		if (left < 0)
			left = 0;
		r = epoll_wait(ep, &ev, 1, left_ms(w, (int)left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return rl_error_set(err, errno, "wait: epoll_wait");
		if (r > 0 && (ev.events & EPOLLHUP))
			return 1;
		if (r == 0)
			return 0;
	}
}

/* No record: what the kernel kept of the init's end, if wait watched it.
 * why: why there is no record.  Never a guess: without the kernel's word
 * the status is unknown, and an error. */
static int from_kernel(struct watch *w, const char *why, int *status, struct rl_error *err)
{
	int ws = 0, r;

	if (w->init_fd < 0)
		return rl_error_set(err, 0, "container %s: exit status unknown: %s", w->id, why);
	r = await_reap(w, err);
	if (r < 0)
		return -1;
	if (r == 0 && w->deadline >= 0 && rl_now_ms() >= w->deadline)
		return timed_out(w, "stopped, its init not reaped yet", err);
	if (r == 0)
		return rl_error_set(err, 0,
				    "container %s: exit status unknown: %s, and its init was not "
				    "reaped within %d ms",
				    w->id, why, REAP_WAIT_MS);
	r = rl_pidfd_exit_status(w->init_fd, &ws, err);
	if (r < 0)
		return -1;
	if (r > 0)
		return rl_error_set(err, 0,
				    "container %s: exit status unknown: %s, and the kernel keeps "
				    "none (Linux < 6.15)",
				    w->id, why);
	*status = rl_proc_status_code(ws);
	return 0;
}

#define WHY_DELETED "the container was deleted before its end was recorded"

/* One look at the state and what follows from it: 1 done (*status set),
 * 0 look again, -1 error. */
static int step(struct watch *w, int *status, struct rl_error *err)
{
	struct rl_state *st = NULL;
	struct rl_error e = {0};
	int r;

	if (rl_container_state(w->root, w->id, &st, &e) < 0) {
		if (e.errnum != ENOENT || !w->was_live) {
			*err = e;
			return -1;
		}
		/* Deleted since we saw it live: delete --force, or the end of
		 * a foreground run. */
		return from_kernel(w, WHY_DELETED, status, err) < 0 ? -1 : 1;
	}
	/* Deleted and made again under the id since: ours is gone. */
	if (w->init_fd >= 0 && st->init_start_time != w->init_start) {
		rl_state_free(st);
		return from_kernel(w, WHY_DELETED, status, err) < 0 ? -1 : 1;
	}
	if (st->status == RL_STATUS_BROKEN || (st->status != RL_STATUS_STOPPED && st->pid <= 0)) {
		/* No process to watch and no end that anyone will record. */
		r = rl_error_set(err, 0,
				 "container %s is %s (its create or start was interrupted): no exit "
				 "status will come; `rlite delete --force %s` removes it",
				 w->id, rl_status_name(st->status), w->id);
	} else if (st->status != RL_STATUS_STOPPED) {
		r = watch_live(w, st, err);
	} else if (st->has_exit_status) {
		*status = st->exit_status;
		r = 1;
	} else if (st->monitor_pid && !st->exit_unknown) {
		r = watch_monitor(w, st, err);
	} else {
		r = from_kernel(w,
				st->exit_unknown ? st->exit_unknown
						 : "not detached (no monitor recorded its end), "
						   "and it stopped before wait began watching",
				status, err);
		r = r < 0 ? -1 : 1;
	}
	rl_state_free(st);
	return r;
}

int64_t rl_wait_deadline(int64_t timeout_ms)
{
	return timeout_ms < 0 ? -1 : rl_now_ms() + timeout_ms;
}

int rl_container_wait(const char *root, const char *id, int64_t deadline, int *status,
		      struct rl_error *err)
{
	struct watch w = {
	    .root = root, .id = id, .deadline = deadline, .init_fd = -1, .mon_fd = -1};
	int r;

	while ((r = step(&w, status, err)) == 0)
		;
	if (w.init_fd >= 0)
		close(w.init_fd);
	if (w.mon_fd >= 0)
		close(w.mon_fd);
	return r > 0 ? 0 : (w.timed_out ? -2 : -1);
}
