/* create and run: a launch (launch.c) plus its record in the state
 * store.
 *
 *   create   reserve the id, make the exec fifo, clone, wait for "ready",
 *            record the state (created), write the pid file, return: the
 *            init stays blocked on the fifo until `start`, and is left to
 *            the caller's subreaper.
 *   run      reserve the id, clone, wait for "ready", record the state
 *            (running) once, release the init over the sync channel (no
 *            fifo round trip), wait for it, remove the state.
 *   run -d   the same up to the release, inside a monitor daemon
 *            (runtime/monitor.h) that then waits and records the exit.
 *
 * With NOTIFY_SOCKET (runtime/notify.h), `run` waits for the container's
 * READY after the release and relays it (MAINPID: rlite itself), `run -d`
 * too before it reports (MAINPID: the init); `create` leaves it to `start`.
 *
 * A failure at any point kills the child and releases the id: nothing is
 * left behind. */
#include "runtime/container.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "runtime/fault.h"
#include "runtime/hooks.h"
#include "runtime/hostmounts.h"
#include "runtime/launch.h"
#include "runtime/log.h"
#include "runtime/monitor.h"
#include "runtime/notify.h"
#include "runtime/procid.h"
#include "runtime/safepath.h"
#include "runtime/state.h"
#include "runtime/fds.h"

/* A launch and what the store knows of it. */
struct conductor {
	struct rl_launch l;
	const char *root;
	bool recorded;	     /* state.json written; the lock may be released */
	bool poststop;	     /* a container was made and is not handed over */
	uint64_t start_time; /* of the init, as recorded */
	int pidfd_sock;	     /* --pidfd-socket, connected; -1: none */
};

static void conductor_init(struct conductor *c, const struct rl_run_opts *o,
			   enum rl_launch_mode mode)
{
	rl_launch_init(&c->l, o, mode);
	c->root = NULL;
	c->recorded = false;
	c->poststop = false;
	c->start_time = 0;
	c->pidfd_sock = -1;
	c->l.notify.host = rl_notify_env();
}

static const char *root_of(const struct rl_run_opts *o)
{
	return o->root && o->root[0] ? o->root : RL_STATE_ROOT_DEFAULT;
}

/* The lock was released after the record (run): take it again, and keep
 * it (to remove the entry and the cgroups) only if the entry is still ours
 * (same init), not a container that was deleted and created anew under the
 * id meanwhile, whose cgroups must not be touched either. */
static void relock_recorded(struct conductor *c)
{
	struct rl_state *st = NULL;

	if (rl_state_lock(c->root, c->l.o->id, true, &c->l.lock, NULL) == 0 &&
	    (rl_state_load(&c->l.lock, &st, NULL) < 0 || st->init_start_time != c->start_time))
		rl_state_unlock(&c->l.lock);
	rl_state_free(st);
	if (c->l.lock.fd < 0)
		c->l.cg_made = false; /* deleted already (delete --force), or not ours */
}

/* runtime.md "Lifecycle" step 9: the poststart hooks, once the process
 * runs.  A failing one is an error (runtime-spec 1.3: generate an error,
 * stop the container): the init is killed here, the caller fails and the
 * container goes on to delete. */
static int poststart(struct rl_launch *l, struct rl_error *err)
{
	char *json = NULL;
	int r;

	if (l->cfg->hooks[RL_HOOK_POSTSTART].n == 0)
		return 0;
	if (rl_launch_state_json(l, RL_STATUS_RUNNING, l->init, &json, err) < 0)
		return -1;
	r = rl_hooks_run(&l->cfg->hooks[RL_HOOK_POSTSTART], RL_HOOK_POSTSTART, json, err);
	free(json);
	if (r < 0 && l->init > 0)
		kill(l->init, SIGKILL);
	return r < 0 ? rl_error_prefix(err, "the container was stopped") : 0;
}

/* Kills the child (if still ours), then releases the id.  A container
 * that was made and not handed over is now destroyed: its poststop hooks
 * run (runtime.md "Lifecycle" step 13, also after a failed create:
 * steps 3-5 -> 12 -> 13), with the state made while the launch was still
 * whole and the config kept from rl_launch_cleanup for that. */
static void conductor_cleanup(struct conductor *c)
{
	struct rl_config *cfg = NULL;
	struct rl_error e = {0};
	char *json = NULL;

	if (c->poststop && c->l.cfg && c->l.cfg->hooks[RL_HOOK_POSTSTOP].n) {
		if (rl_launch_state_json(&c->l, RL_STATUS_STOPPED, 0, &json, &e) == 0) {
			cfg = c->l.cfg;
			c->l.cfg = NULL;
		} else {
			rl_log("warning", "poststop hooks: %s", e.msg);
		}
	}
	if (c->l.lock.fd < 0 && c->recorded)
		relock_recorded(c);
	rl_launch_cleanup(&c->l);
	if (c->pidfd_sock >= 0)
		close(c->pidfd_sock);
	if (c->l.lock.fd >= 0 && rl_hostmounts_undo(c->l.lock.fd, &e) < 0)
		rl_log("warning", "%s", e.msg);
	if (c->l.lock.fd >= 0)
		rl_state_remove(&c->l.lock, NULL);
	rl_state_unlock(&c->l.lock);
	if (cfg) {
		rl_hooks_run_warn(&cfg->hooks[RL_HOOK_POSTSTOP], RL_HOOK_POSTSTOP, json, NULL);
		rl_config_free(cfg);
		free(json);
	}
}

/* state.json with status and the init, under the lock taken at
 * reservation.  Annotations are lent by the config for the moment of the
 * write. */
static int record(struct conductor *c, enum rl_status status, struct rl_error *err)
{
	struct rl_launch *l = &c->l;
	struct rl_state st = rl_launch_state(l, status, l->init);
	int r;

	st.annotations = l->cfg->annotations;

	if (rl_proc_start_time(l->init, &st.init_start_time, err) < 0)
		return rl_error_prefix(err, "container init");
	/* run --detach: we are the monitor (rl_monitor_spawn calls us), and
	 * the container counts as detached from its first record on, so that
	 * a monitor killed at once still shows as gone (lifecycle.c). */
	if (l->detached) {
		st.monitor_pid = getpid();
		if (rl_proc_start_time(st.monitor_pid, &st.monitor_start_time, err) < 0)
			return rl_error_prefix(err, "monitor");
	}
	r = rl_state_save(&l->lock, &st, err);
	if (r == 0) {
		c->recorded = true;
		c->start_time = st.init_start_time;
	}
	return r;
}

/* The exec fifo in the container's directory, and an O_PATH fd of it for
 * the child: it reopens that for writing after pivot_root, when the host
 * path no longer resolves.  Mode 0622: a root mapped by a user namespace
 * is "other" to this file and must still be able to open it; nobody else
 * can reach it through the 0700 directory. */
static int make_fifo(struct rl_launch *l, struct rl_error *err)
{
	if (mkfifoat(l->lock.fd, RL_EXEC_FIFO, 0600) < 0)
		return rl_error_set(err, errno, "mkfifo \"%s/" RL_EXEC_FIFO "\"", l->lock.dir);
	if (fchmodat(l->lock.fd, RL_EXEC_FIFO, 0622, 0) < 0)
		return rl_error_set(err, errno, "chmod \"%s/" RL_EXEC_FIFO "\"", l->lock.dir);
	l->fifo_fd = openat(l->lock.fd, RL_EXEC_FIFO, O_PATH | O_CLOEXEC);
	if (l->fifo_fd < 0)
		return rl_error_set(err, errno, "open \"%s/" RL_EXEC_FIFO "\"", l->lock.dir);
	return 0;
}

/* The id with a first state (creating, no init yet): from this moment a
 * runtime killed at any point leaves an entry that list shows (broken)
 * and delete --force removes. */
static int reserve(struct conductor *c, struct rl_error *err)
{
	struct rl_launch *l = &c->l;
	struct rl_state first = rl_launch_state(l, RL_STATUS_CREATING, 0);

	c->root = root_of(l->o);
	return rl_state_create(c->root, l->o->id, &first, &l->lock, err);
}

static int send_pidfd(struct conductor *c, struct rl_error *err)
{
	int sock = c->pidfd_sock;

	c->pidfd_sock = -1; /* closed by it */
	return rl_pidfd_socket_send(sock, c->l.init, "standard", err);
}

/* Up to "ready": the child is set up and waits to be released. */
static int launch(struct conductor *c, int *status, struct rl_error *err)
{
	int r;

	*status = 0;
	if (rl_launch_prepare(&c->l, err) < 0)
		return -1;
	/* run --detach connected it before the monitor existed */
	if (c->l.o->pidfd_socket && !c->l.detached) {
		c->pidfd_sock =
		    rl_pidfd_socket_connect(c->l.o->pidfd_socket, 3 + c->l.o->preserve_fds, err);
		if (c->pidfd_sock < 0)
			return -1;
	}
	/* a NOTIFY_SOCKET nobody listens on: before anything exists */
	if (rl_notify_connect(&c->l.notify, err) < 0 || reserve(c, err) < 0)
		return -1;
	RL_FAULT_POINT("create.reserved");
	if (c->l.mode == RL_LAUNCH_CREATE && make_fifo(&c->l, err) < 0)
		return -1;
	if (rl_notify_setup(&c->l.notify, c->l.lock.fd, c->l.lock.dir, c->l.cfg,
			    3 + c->l.o->preserve_fds, c->l.plan.present[RL_NS_MOUNT], err) < 0 ||
	    (c->l.mode == RL_LAUNCH_RUN &&
	     rl_notify_bind(&c->l.notify, c->l.lock.fd, c->l.lock.dir, err) < 0))
		return -1;
	if (rl_launch_cgroups(&c->l, err) < 0)
		return -1;
	RL_FAULT_POINT("create.cgroups");
	if (!c->l.plan.present[RL_NS_MOUNT] &&
	    rl_hostmounts_save(c->l.lock.fd, c->l.rootfs, err) < 0)
		return -1;
	if (rl_launch_spawn(&c->l, err) < 0)
		return -1;
	c->poststop = true;
	RL_FAULT_POINT("create.spawned");
	if (rl_launch_cgroups_late(&c->l, err) < 0)
		return -1;
	r = rl_launch_await(&c->l, status, err);
	if (r == 0)
		return rl_error_set(err, EPROTO, "container init ran without being released");
	return r < 0 ? r : 0;
}

/* NOTIFY_SOCKET, once the process runs: the container's READY relayed
 * (or its init ended), serving fd with on_fd meanwhile (run: the signals;
 * run -d: the output).  A relay that fails leaves the container running,
 * as runc does (it ignores the error): a warning. */
static void await_ready(struct conductor *c, pid_t mainpid, int fd, void (*on_fd)(void *),
			void *arg)
{
	struct rl_error e = {0};
	int pidfd;

	if (c->l.notify.sock_fd < 0)
		return;
	pidfd = (int)syscall(SYS_pidfd_open, c->l.init, 0);
	if (pidfd < 0 || rl_notify_relay(&c->l.notify, pidfd, mainpid, fd, on_fd, arg, &e) < 0)
		rl_log("warning", "%s", pidfd < 0 ? "NOTIFY_SOCKET: pidfd_open" : e.msg);
	if (pidfd >= 0)
		close(pidfd);
	rl_notify_close(&c->l.notify);
}

int rl_container_create(const struct rl_run_opts *o, int *status, struct rl_error *err)
{
	struct conductor c __attribute__((cleanup(conductor_cleanup)));
	int r;

	conductor_init(&c, o, RL_LAUNCH_CREATE);
	r = launch(&c, status, err);
	if (r < 0)
		return r;
	if (record(&c, RL_STATUS_CREATED, err) < 0)
		return -1;
	RL_FAULT_POINT("create.recorded");
	if (o->pid_file && rl_pid_file_write(o->pid_file, c.l.init, err) < 0)
		return -1;
	if (c.pidfd_sock >= 0 && send_pidfd(&c, err) < 0)
		return -1;
	/* Success: the init is the caller's now, and the entry and the
	 * cgroups stay. */
	c.l.init = 0;
	c.l.cg_made = false;
	c.recorded = false;
	c.poststop = false;
	rl_state_unlock(&c.l.lock);
	return 0;
}

/* run --keep: the process has ended and was reaped; the container stays,
 * stopped, with its exit status, for `state`, `wait` and `delete` (which
 * removes the cgroups and runs the poststop hooks). */
static int keep_stopped(struct conductor *c, int status, struct rl_error *err)
{
	struct rl_state *st = NULL;
	struct timespec ts;
	char now[40];
	int r;

	relock_recorded(c);
	if (c->l.lock.fd < 0)
		return 0; /* deleted meanwhile (delete --force): nothing to keep */
	r = rl_state_load(&c->l.lock, &st, err);
	if (r == 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		free(st->finished);
		st->finished = strdup(rl_rfc3339_nano(ts.tv_sec, ts.tv_nsec, now, sizeof(now)));
		st->has_exit_status = true;
		st->exit_status = status;
		st->status = RL_STATUS_STOPPED;
		r = st->finished ? rl_state_save(&c->l.lock, st, err)
				 : rl_error_set(err, ENOMEM, "state");
	}
	rl_state_free(st);
	if (r < 0)
		return -1;
	c->l.cg_made = false;
	c->recorded = false;
	c->poststop = false;
	rl_state_unlock(&c->l.lock);
	return 0;
}

int rl_container_run(const struct rl_run_opts *o, int *status, struct rl_error *err)
{
	struct conductor c __attribute__((cleanup(conductor_cleanup)));
	int r;

	conductor_init(&c, o, RL_LAUNCH_RUN);
	r = launch(&c, status, err);
	if (r < 0)
		return r;
	if (record(&c, RL_STATUS_RUNNING, err) < 0)
		return -1;
	RL_FAULT_POINT("run.recorded");
	/* Unlocked while it runs, so that state, kill and delete --force
	 * from elsewhere can act on it. */
	rl_state_unlock(&c.l.lock);
	if (o->pid_file && rl_pid_file_write(o->pid_file, c.l.init, err) < 0)
		return -1;
	if (c.pidfd_sock >= 0 && send_pidfd(&c, err) < 0)
		return -1;
	if (rl_launch_release(&c.l, err) < 0)
		return -1;
	RL_FAULT_POINT("run.released");
	r = rl_launch_await(&c.l, status, err);
	if (r < 0)
		return r;
	if (poststart(&c.l, err) < 0) {
		struct rl_error e = {0};

		rl_launch_wait(&c.l, status, &e); /* reap it: delete follows */
		return -1;
	}
	await_ready(&c, getpid(), c.l.sigfd, rl_launch_forward_signals, &c.l);
	r = rl_launch_wait(&c.l, status, err);
	if (r < 0 || !o->keep)
		return r;
	return keep_stopped(&c, *status, err);
}

/* With the pid-1 shim, the workload is its only child at "ready" (it sent
 * it, blocked before its execve): a pidfd of it, opened before it can
 * exit, lets the monitor read how it ended (rl_proc_exit_signal). */
static int workload_pidfd(const struct rl_launch *l)
{
	pid_t w = 0;
	int fd;

	if (!l->shim.enabled)
		return RL_MONITOR_NO_WORKLOAD;
	if (rl_proc_only_child(l->init, &w, NULL) != 0)
		return RL_MONITOR_WORKLOAD_UNKNOWN;
	fd = (int)syscall(SYS_pidfd_open, w, 0);
	return fd >= 0 ? fd : RL_MONITOR_WORKLOAD_UNKNOWN;
}

/* In the monitor (rl_monitor_spawn): the container's stdout and stderr
 * are the log pipes.  They are put on our fds 1 and 2 only for the clone,
 * so that the monitor holds no write end afterwards and sees EOF when the
 * container's last copy closes. */
static int detached_create(void *arg, int out_fd, int err_fd, const struct rl_monitor_pump *pump,
			   pid_t *init, int *workload, struct rl_error *err)
{
	struct conductor c __attribute__((cleanup(conductor_cleanup)));
	int saved[2] = {dup(1), dup(2)}, status = 0, r = -1;

	conductor_init(&c, arg, RL_LAUNCH_RUN);
	c.l.detached = true;
	if (saved[0] < 0 || saved[1] < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
		rl_error_set(err, errno, "dup2 the log pipes");
	else
		r = launch(&c, &status, err);
	for (int fd = 1; fd <= 2; fd++)
		if (saved[fd - 1] >= 0) {
			dup2(saved[fd - 1], fd);
			close(saved[fd - 1]);
		}
	if (r < 0 || record(&c, RL_STATUS_RUNNING, err) < 0)
		return -1;
	rl_state_unlock(&c.l.lock);
	*workload = workload_pidfd(&c.l);
	if (rl_launch_release(&c.l, err) < 0 || rl_launch_await(&c.l, &status, err) < 0) {
		if (*workload >= 0)
			close(*workload);
		*workload = RL_MONITOR_NO_WORKLOAD;
		return -1;
	}
	if (poststart(&c.l, err) < 0)
		return -1;
	/* `run -d` returns once the READY is relayed: before we report; what
	 * the workload writes before it goes on into the log */
	await_ready(&c, c.l.init, pump->fd, pump->fn, pump->arg);
	*init = c.l.init;
	c.l.init = 0;
	c.l.cg_made = false;
	c.recorded = false;
	c.poststop = false;
	return 0;
}

int rl_container_run_detached(const struct rl_run_opts *o, struct rl_error *err)
{
	struct rl_monitor_opts mo = {.root = root_of(o),
				     .id = o->id,
				     .keep_fd = -1,
				     .preserve_fds = o->preserve_fds,
				     .create = detached_create,
				     .arg = (void *)o};
	struct rl_monitor_info info = {0};

	int sock = -1;

	if (rl_id_validate(o->id, err) < 0)
		return -1;
	/* Before the container exists: a socket nobody listens on leaves
	 * nothing behind.  Above the fds the monitor keeps, so it closes it. */
	if (o->pidfd_socket) {
		sock = rl_pidfd_socket_connect(o->pidfd_socket, 3 + o->preserve_fds, err);
		if (sock < 0)
			return -1;
	}
	if (rl_monitor_spawn(&mo, &info, err) < 0 ||
	    (o->pid_file && rl_pid_file_write(o->pid_file, info.init_pid, err) < 0)) {
		if (sock >= 0)
			close(sock);
		return -1;
	}
	return sock >= 0 ? rl_pidfd_socket_send(sock, info.init_pid, "standard", err) : 0;
}
