/* The parent side of a launch (runtime/launch.h): cloning the container
 * child (child.c has what it runs), serving its sync channel, and for
 * `run` forwarding signals, proxying a terminal and waiting for the init.
 * See child.c for the whole sequence. */
#include "runtime/launch.h"

#include <errno.h>
#include <pwd.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/caps.h"
#include "runtime/check.h"
#include "runtime/clone.h"
#include "runtime/fault.h"
#include "runtime/idmount.h"
#include "runtime/fg.h"
#include "runtime/hooks.h"
#include "runtime/log.h"
#include "runtime/mnt.h"
#include "runtime/lsm.h"
#include "runtime/netdev.h"
#include "runtime/process.h"
#include "runtime/safepath.h"
#include "runtime/state.h"
#include "runtime/sync.h"
#include "runtime/systemd.h"
#include "runtime/terminal.h"
#include "runtime/rootless.h"
#include "runtime/userns.h"
#include "runtime/procid.h"

/* Signals `run` passes on to the container init, as runc does. */
/* ---- the parent -------------------------------------------------------- */

static pid_t waitpid_eintr(pid_t pid, int *st, int flags)
{
	pid_t r;

	do
		r = waitpid(pid, st, flags);
	while (r < 0 && errno == EINTR);
	return r;
}

/* rl_fg_signal_fn: once the workload runs, forwarded signals go to it.
 * Before that the init is our own code, and as pid 1 of a new pid
 * namespace it would not even receive them (pid_namespaces(7): only
 * signals it has a handler for): a terminating one aborts the setup, the
 * others wait for the execve. */
static void on_signal(void *arg, int sig)
{
	struct rl_launch *c = arg;

	if (c->init <= 0)
		return;
	if (c->execed)
		kill(c->init, sig);
	else if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT)
		c->abort_sig = c->abort_sig ? c->abort_sig : sig;
	else
		sigaddset(&c->deferred, sig);
}

static void forward_signals(struct rl_launch *c)
{
	rl_fg_signals(c->sigfd, &c->term, on_signal, c);
}

static void forward_deferred(struct rl_launch *c)
{
	c->execed = true;
	for (size_t i = 0; i < sizeof(rl_fg_forwarded) / sizeof(rl_fg_forwarded[0]); i++)
		if (sigismember(&c->deferred, rl_fg_forwarded[i]))
			kill(c->init, rl_fg_forwarded[i]);
	sigemptyset(&c->deferred); /* once: rl_launch_forward_signals came first */
}

/* The child closed the channel before "ready": it died. */
static int setup_died(struct rl_launch *c, struct rl_error *err)
{
	int st = 0;
	pid_t pid = c->init;

	c->init = 0;
	if (waitpid_eintr(pid, &st, 0) < 0)
		return rl_error_set(err, errno, "wait for the container init");
	if (WIFSIGNALED(st))
		return rl_error_set(err, 0, "container init killed by signal %d during setup",
				    WTERMSIG(st));
	return rl_error_set(err, 0, "container init exited with status %d during setup",
			    rl_proc_status_code(st));
}

/* runtime.md "Lifecycle" steps 3-4 (config.md "Prestart", "CreateRuntime
 * Hooks"): in the runtime namespace, the deprecated prestart first, as
 * runc.  Status "created": runtime.md "State" defines it as "after step 2
 * in the lifecycle" (the environment made, the program not run), and these
 * are steps 3 and 4.  crun says "created" too; runc 1.1 says "creating". */
static int run_create_hooks(struct rl_launch *c, struct rl_error *err)
{
	const struct rl_hook_list *h = c->cfg->hooks;
	char *json = NULL;
	int r;

	if (rl_launch_state_json(c, RL_STATUS_CREATED, c->init, &json, err) < 0)
		return -1;
	r = rl_hooks_run(&h[RL_HOOK_PRESTART], RL_HOOK_PRESTART, json, err);
	if (r == 0)
		r = rl_hooks_run(&h[RL_HOOK_CREATE_RUNTIME], RL_HOOK_CREATE_RUNTIME, json, err);
	free(json);
	return r;
}

/* The init record (state.h) for the init we know now: delete --force
 * finds it there if we die before the state names it. */
static int record_init(struct rl_launch *c, struct rl_error *err)
{
	uint64_t start = 0;

	if (c->lock.fd < 0 || !c->lock.exclusive)
		return 0;
	if (rl_proc_start_time(c->init, &start, err) < 0)
		return rl_error_prefix(err, "container init");
	return rl_state_save_init(&c->lock, c->init, start, err) < 0 ? -1 : 0;
}

/* The sync message m arrived (fault injection: tests/integration/faults.bats). */
static void fault_msg(const struct rl_sync_msg *m)
{
	static const char *const names[] = {
	    [RL_SYNC_USERNS] = "sync.userns", [RL_SYNC_PID] = "sync.pid",
	    [RL_SYNC_HOOKS] = "sync.hooks",   [RL_SYNC_CGROUP] = "sync.cgroup",
	    [RL_SYNC_READY] = "sync.ready",
	};

	if (m->type < sizeof(names) / sizeof(names[0]) && names[m->type])
		RL_FAULT_POINT(names[m->type]);
}

static int send_join_fds(struct rl_launch *c, struct rl_error *err);

/* rl_fg_msg_fn: one message from the child.  0: go on, 1: ready, <0:
 * failure. */
static int handle_msg(void *arg, const struct rl_sync_msg *m, struct rl_error *err)
{
	struct rl_launch *c = arg;

	fault_msg(m);
	switch (m->type) {
	case RL_SYNC_USERNS:
		if (rl_userns_write_maps(c->init, c->cfg->linux_, err) < 0)
			return -1;
		if (rl_sync_send_type(c->sync[0], RL_SYNC_GO) < 0)
			return rl_error_set(err, errno, "sync channel: send");
		return 0;
	case RL_SYNC_PID: {
		/* The helper forked the init and exits: reap it, the init is
		 * now ours (we are its subreaper). */
		pid_t helper = c->init;

		c->init = m->pid;
		waitpid_eintr(helper, NULL, 0);
		return record_init(c, err);
	}
	case RL_SYNC_HOOKS:
		if (run_create_hooks(c, err) < 0)
			return -1;
		RL_FAULT_POINT("hooks.ran");
		if (rl_sync_send_type(c->sync[0], RL_SYNC_GO) < 0)
			return rl_error_set(err, errno, "sync channel: send");
		return 0;
	case RL_SYNC_NETDEV:
		/* the sender is the init, in its final network namespace */
		if (rl_netdev_move(c->cfg->linux_, c->init, err) < 0)
			return -1;
		if (rl_sync_send_type(c->sync[0], RL_SYNC_GO) < 0)
			return rl_error_set(err, errno, "sync channel: send");
		return 0;
	case RL_SYNC_CGROUP:
		/* rl_launch_cgroups_late made them before we got here */
		return send_join_fds(c, err);
	case RL_SYNC_READY:
		c->ready = true;
		return 1;
	default:
		return rl_error_set(err, EPROTO, "sync channel: unexpected message %u", m->type);
	}
}

int rl_launch_await(struct rl_launch *c, int *status, struct rl_error *err)
{
	int r = rl_fg_await(c->sync[0], c->sigfd, &c->term, on_signal, handle_msg, c, &c->abort_sig,
			    status, err);

	if (r == 0)
		return c->ready ? 0 : setup_died(c, err);
	return r;
}

int rl_launch_release(struct rl_launch *c, struct rl_error *err)
{
	if (rl_sync_send_type(c->sync[0], RL_SYNC_GO) < 0)
		return rl_error_set(err, errno, "sync channel: send");
	return 0;
}

void rl_launch_forward_signals(void *launch)
{
	struct rl_launch *c = launch;

	forward_deferred(c);
	forward_signals(c);
}

int rl_launch_wait(struct rl_launch *c, int *status, struct rl_error *err)
{
	forward_deferred(c);
	return rl_fg_wait(c->sigfd, &c->term, &c->console_recv, &c->init, c->subreaper, on_signal,
			  c, status, err);
}

/* ---- setting up and tearing down ----------------------------------------- */

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void close_cg_fds(struct rl_launch *c)
{
	for (size_t i = 0; c->cg_fds && i < c->cg.n; i++)
		close_fd(&c->cg_fds[i]);
	free(c->cg_fds);
	c->cg_fds = NULL;
	close_fd(&c->cg_v2fd);
}

void rl_launch_init(struct rl_launch *c, const struct rl_run_opts *o, enum rl_launch_mode mode)
{
	*c = (struct rl_launch){.o = o,
				.mode = mode,
				.sync = {-1, -1},
				.sigfd = -1,
				.listener_fd = -1,
				.fifo_fd = -1,
				.console_fd = -1,
				.console_recv = -1,
				.cg_v2fd = -1,
				.shim_ready = -1,
				.procfd = -1,
				.host_procfd = -1,
				.notify = RL_NOTIFY_INIT,
				.lock = RL_STATE_LOCK_INIT};
	for (int t = 0; t < RL_NS__COUNT; t++)
		c->plan.fd[t] = -1;
	sigemptyset(&c->deferred);
	rl_terminal_init(&c->term);
}

void rl_launch_cleanup(struct rl_launch *c)
{
	/* First: whatever failed, the caller's terminal is usable again. */
	rl_terminal_restore(&c->term);
	if (c->init > 0) {
		kill(c->init, SIGKILL);
		waitpid_eintr(c->init, NULL, 0);
	}
	/* Once the init is reaped: a zombie keeps its cgroup busy. */
	rl_launch_cgroups_remove(c);
	if (c->sigfd >= 0) {
		c->init = 0;
		forward_signals(c); /* drain: nothing left to deliver once unblocked */
		close(c->sigfd);
	}
	if (c->masked)
		sigprocmask(SIG_SETMASK, &c->oldmask, NULL);
	if (c->subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	close_fd(&c->sync[0]);
	close_fd(&c->sync[1]);
	close_fd(&c->fifo_fd);
	close_fd(&c->console_fd);
	close_fd(&c->console_recv);
	rl_notify_close(&c->notify);
	close_cg_fds(c);
	rl_idmount_close(&c->idmap_fds, c->cfg ? c->cfg->n_mounts : 0);
	rl_cg_free(&c->cg);
	rl_cg_free(&c->cg_own);
	rl_ns_close(&c->plan);
	rl_config_free(c->cfg);
	free(c->owner);
	free(c->bundle);
	free(c->rootfs);
}

static int load_bundle(struct rl_launch *c, struct rl_error *err)
{
	const char *b = c->o->bundle && c->o->bundle[0] ? c->o->bundle : ".";
	char *path = NULL;
	int r;

	c->bundle = realpath(b, NULL);
	if (!c->bundle)
		return rl_error_set(err, errno, "bundle \"%s\"", b);
	if (asprintf(&path, "%s/config.json", c->bundle) < 0)
		return rl_error_set(err, ENOMEM, "bundle \"%s\"", b);
	r = rl_config_load(path, &c->cfg, err);
	free(path);
	return r < 0 ? -1 : 0;
}

/* root.path is relative to the bundle unless absolute (config.md "Root"). */
static int resolve_rootfs(struct rl_launch *c, struct rl_error *err)
{
	const char *rp = c->cfg->root.path;
	char *joined = NULL;
	struct stat st;

	if (rp[0] == '/')
		joined = strdup(rp);
	else if (asprintf(&joined, "%s/%s", c->bundle, rp) < 0)
		joined = NULL;
	if (!joined)
		return rl_error_set(err, ENOMEM, "rootfs \"%s\"", rp);
	c->rootfs = realpath(joined, NULL);
	if (!c->rootfs || stat(c->rootfs, &st) < 0) {
		rl_error_set(err, errno, "rootfs \"%s\"", joined);
		free(joined);
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		rl_error_set(err, ENOTDIR, "rootfs \"%s\"", joined);
		free(joined);
		return -1;
	}
	free(joined);
	return 0;
}

/* Blocked from before the clone, so no signal sent between the clone and
 * the wait is lost; the child restores the old mask first thing. */
static int block_signals(struct rl_launch *c, struct rl_error *err)
{
	c->sigfd = rl_fg_block_signals(&c->oldmask, err);
	if (c->sigfd < 0)
		return -1;
	c->masked = true;
	return 0;
}

/* fds the child uses must stay clear of 3 .. 3+preserve_fds-1, which
 * are the workload's. */
static int move_above(int *fd, int min, struct rl_error *err)
{
	int n;

	if (*fd < 0 || *fd >= min)
		return 0;
	n = fcntl(*fd, F_DUPFD_CLOEXEC, min);
	if (n < 0)
		return rl_error_set(err, errno, "fcntl(F_DUPFD_CLOEXEC)");
	close(*fd);
	*fd = n;
	return 0;
}

/* --console-socket: connected here, where the host path resolves; the
 * child gets the fd.  PROXY: the child sends the master to ourselves, over
 * a socketpair, the same way. */
static int open_console(struct rl_launch *c, struct rl_error *err)
{
	if (c->term_mode == RL_TERMINAL_PROXY) {
		struct rl_process *p = c->cfg->process;
		struct winsize ws;
		int sv[2];

		/* The pty gets the caller's size before the workload starts (the
		 * child applies consoleSize): sized later, by the proxy, a
		 * workload would first see 0x0, and a SIGWINCH it did not ask
		 * for whenever its handler happens to be in place already. */
		if (!(p->has_console_size && p->console_height && p->console_width) &&
		    ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
			p->has_console_size = true;
			p->console_height = ws.ws_row;
			p->console_width = ws.ws_col;
		}
		if (rl_console_socketpair(sv, err) < 0)
			return -1;
		c->console_recv = sv[0];
		c->console_fd = sv[1];
	}
	if (c->term_mode == RL_TERMINAL_SOCKET) {
		c->console_fd = rl_console_connect(c->o->console_socket, err);
		if (c->console_fd < 0)
			return -1;
	}
	return 0;
}

static const char *owner_name(void)
{
	struct passwd *pw = getpwuid(getuid());

	return pw && pw->pw_name ? pw->pw_name : "";
}

int rl_launch_prepare(struct rl_launch *c, struct rl_error *err)
{
	const char *why = "";
	struct timespec ts;

	if (rl_container_check_id(c->o->id, err) < 0)
		return -1;
	/* Here, before the child exists: it may use libmount, never load it
	 * (mnt.h). */
	if (!rl_mnt(err))
		return -1;
	/* Asked once, here: the shim and the workload's process inherit it. */
	rl_caps_kernel_last();
	if (c->o->preserve_fds < 0)
		return rl_error_set(err, 0, "--preserve-fds: must not be negative");
	if (load_bundle(c, err) < 0 || rl_container_check_config(c->cfg, &c->plan, err) < 0 ||
	    rl_lsm_check(c->cfg, err) < 0 || rl_netdev_check(c->cfg->linux_, err) < 0 ||
	    rl_process_check_memory_policy(c->cfg->linux_ ? c->cfg->linux_->memory_policy : NULL,
					   err) < 0 ||
	    resolve_rootfs(c, err) < 0)
		return -1;
	c->owner = strdup(owner_name());
	if (!c->owner)
		return rl_error_set(err, ENOMEM, "owner");
	clock_gettime(CLOCK_REALTIME, &ts);
	rl_rfc3339_nano(ts.tv_sec, ts.tv_nsec, c->created, sizeof(c->created));
	/* The pid-1 shim needs a pid namespace of its own (runtime/shim.h). */
	if (rl_shim_config(c->cfg, c->plan.present[RL_NS_PID] && !c->plan.path[RL_NS_PID],
			   (enum rl_init_mode)c->o->init_mode, rl_log_debug_enabled(), &c->shim,
			   &why, err) < 0)
		return -1;
	rl_log("debug", "%s: %s shim (%s)", c->o->id, c->shim.enabled ? "a pid-1" : "no", why);
	c->shim.id = c->o->id;
	c->shim.dumpable = c->o->rootless && c->plan.present[RL_NS_USER];
	c->runtime_in_userns = rl_running_in_userns();
	c->shim.log_fd = rl_log_fd(&c->shim.log_json);
	/* Decided before anything exists; connected in rl_launch_spawn. */
	c->term_mode = rl_terminal_mode(c->cfg->process, c->o->console_socket,
					c->mode == RL_LAUNCH_CREATE || c->detached, 0, err);
	return c->term_mode < 0 ? -1 : 0;
}

/* ---- cgroups ------------------------------------------------------------ */

static bool memory_set(const struct rl_memory *m)
{
	return m->limit.set || m->reservation.set || m->swap.set || m->kernel.set ||
	       m->kernel_tcp.set || m->swappiness.set || m->disable_oom_killer.set ||
	       m->use_hierarchy.set;
}

static bool cpu_set(const struct rl_cpu *c)
{
	return c->shares.set || c->quota.set || c->burst.set || c->period.set ||
	       c->realtime_runtime.set || c->realtime_period.set || (c->cpus && c->cpus[0]) ||
	       (c->mems && c->mems[0]) || c->idle.set;
}

static bool block_io_set(const struct rl_block_io *b)
{
	return b->weight.set || b->leaf_weight.set || b->n_weight_device ||
	       b->n_throttle_read_bps || b->n_throttle_write_bps || b->n_throttle_read_iops ||
	       b->n_throttle_write_iops;
}

/* The first section of linux.resources that asks for a limit, NULL when
 * none does (empty sections ask for nothing; device rules are no limit:
 * the container has only the devices it was given). */
static const char *first_limit(const struct rl_config *cfg)
{
	const struct rl_resources *r = cfg->linux_ ? cfg->linux_->resources : NULL;

	if (!r)
		return NULL;
	if (r->has_memory && memory_set(&r->memory))
		return "memory";
	if (r->has_cpu && cpu_set(&r->cpu))
		return "cpu";
	if (r->pids_limit.set)
		return "pids";
	if (r->has_block_io && block_io_set(&r->block_io))
		return "blockIO";
	if (r->n_hugepage_limits)
		return "hugepageLimits";
	if (r->has_network && (r->network.class_id.set || r->network.n_priorities))
		return "network";
	if (r->n_rdma)
		return "rdma";
	return r->unified.n ? "unified" : NULL;
}

/* What the child writes itself into (rl_cg_open_join), opened here: the
 * kernel checks the opener, so this holds in a user namespace.  After the
 * clone (late mode) only what the child still joins (rl_launch_joins). */
static int open_join(struct rl_launch *c, struct rl_error *err)
{
	c->cg_fds = calloc(c->cg.n, sizeof(*c->cg_fds));
	if (!c->cg_fds)
		return rl_error_set(err, ENOMEM, "cgroups");
	if (rl_cg_open_join(&c->cg, c->cg_into, c->cg_fds, err) < 0) {
		free(c->cg_fds);
		c->cg_fds = NULL;
		return -1;
	}
	return 0;
}

/* The v2 directory for CLONE_INTO_CGROUP, above the workload's preserved
 * fds (the child inherits it). */
static int open_v2_for_clone(struct rl_launch *c, struct rl_error *err)
{
	c->cg_v2fd = rl_cg_v2_fd(&c->cg, NULL);
	return move_above(&c->cg_v2fd, 3 + c->o->preserve_fds, err);
}

/* Before the clone: the fds to join, inherited by the child, and the v2
 * directory; all above the workload's preserved fds. */
static int open_for_child(struct rl_launch *c, struct rl_error *err)
{
	if (open_join(c, err) < 0)
		return -1;
	for (size_t i = 0; i < c->cg.n; i++)
		if (move_above(&c->cg_fds[i], 3 + c->o->preserve_fds, err) < 0)
			return -1;
	return open_v2_for_clone(c, err);
}

/* Late mode, on the child's RL_SYNC_CGROUP: GO, with the fds it joins by,
 * in order (open_join left only those, rl_launch_joins). */
static int send_join_fds(struct rl_launch *c, struct rl_error *err)
{
	int fds[RL_SYNC_MAX_FDS];
	size_t n = 0;

	for (size_t i = 0; c->cg_fds && i < c->cg.n; i++)
		if (c->cg_fds[i] >= 0 && n++ < RL_SYNC_MAX_FDS)
			fds[n - 1] = c->cg_fds[i];
	if (rl_sync_send_fds(c->sync[0], RL_SYNC_GO, fds, n) < 0)
		return rl_error_set(err, errno, "sync channel: send the cgroup fds");
	close_cg_fds(c);
	return 0;
}

static int make_cgroups(struct rl_launch *c, struct rl_error *err);

/* --systemd-cgroup: the cgroup is a transient unit of systemd's, started
 * with rlite itself as a scope's first process: a scope cannot be empty,
 * and the cgroup must exist before the clone, so that the child is born
 * in it (CLONE_INTO_CGROUP, and an init that is a grandchild, which a
 * later move of the child would miss); the clone puts the child there
 * too, and rlite leaves again (leave_scope).  Recorded first, for delete
 * --force. */
static int systemd_unit(struct rl_launch *c, bool v2, struct rl_error *err)
{
	const struct rl_linux *lx = c->cfg->linux_;
	const char *path = lx && lx->cgroups_path && lx->cgroups_path[0] ? lx->cgroups_path : NULL;
	char def[300], slice[NAME_MAX + 1];
	struct rl_systemd_unit u = {.id = c->o->id, .v2 = v2, .res = lx ? lx->resources : NULL};
	bool made;
	int r;

	if (c->o->rootless)
		return rl_error_set(err, 0,
				    "--systemd-cgroup: rootless, a user's own systemd manager "
				    "is not supported");
	snprintf(def, sizeof(def), "system.slice:rlite:%s", c->o->id);
	if (rl_cg_systemd_names(path ? path : def, slice, sizeof(slice), c->sd_unit,
				sizeof(c->sd_unit), err) < 0)
		return rl_error_prefix(err, "linux.cgroupsPath");
	u.unit = c->sd_unit;
	u.slice = slice;
	/* a slice is made empty; the child joins it the cgroupfs way */
	if (strcmp(strrchr(c->sd_unit, '.'), ".slice") != 0)
		u.pid = getpid();
	if (rl_systemd_record_save(c->lock.fd, c->sd_unit, err) < 0)
		return -1;
	r = rl_systemd_start(&u, &made, err);
	if (r < 0 && !made) {
		/* another's unit of that name, or none: not ours to stop */
		unlinkat(c->lock.fd, RL_SYSTEMD_RECORD, 0);
		c->sd_unit[0] = '\0';
		return -1;
	}
	/* made, even if its job failed: ours, stopped on failure after rlite
	 * left it */
	c->sd_inside = u.pid != 0;
	c->cg_made = true;
	if (r < 0)
		return -1;
	rl_cg_adopt(&c->cg);
	return rl_cg_save(c->lock.fd, &c->cg, err);
}

/* Back to the cgroups rlite came from, so that it and what it starts
 * later (hooks, the monitor) are not counted in the container's. */
static int leave_scope(struct rl_launch *c, struct rl_error *err)
{
	if (!c->sd_inside)
		return 0;
	if (rl_cg_move(&c->cg_own, getpid(), err) < 0)
		return rl_error_prefix(err, "--systemd-cgroup: leave the unit's cgroup");
	c->sd_inside = false;
	return 0;
}

static bool has_cgroup_mount(const struct rl_config *cfg)
{
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (cfg->mounts[i].type && strcmp(cfg->mounts[i].type, "cgroup") == 0)
			return true;
	return false;
}

int rl_launch_cgroups(struct rl_launch *c, struct rl_error *err)
{
	const struct rl_linux *lx = c->cfg->linux_;
	struct rl_cg_layout lay;
	bool v2;
	int r;

	/* Without cgroups a limit would be left out without a word: refused,
	 * as podman refuses limits with --cgroups=disabled. */
	if (c->o->no_cgroups && first_limit(c->cfg))
		return rl_error_set(err, 0,
				    "config.json: linux.resources.%s: cannot be applied with "
				    "--cgroup-manager disabled (no cgroups)",
				    first_limit(c->cfg));
	if (c->o->no_cgroups && !has_cgroup_mount(c->cfg))
		return 0;
	if (rl_cg_layout_load(&lay, err) < 0)
		return rl_error_prefix(err, "cgroups");
	r = rl_cg_own(&lay, &c->cg_own, err);
	if (r == 0 && !c->o->no_cgroups)
		r = rl_cg_resolve(&lay, lx ? lx->cgroups_path : NULL, c->o->id,
				  c->o->systemd_cgroup, &c->cg, err);
	/* Late mode: with v1 hierarchies the directories are made after the
	 * clone, in parallel with the child's first mounts, and the child
	 * writes itself into them when it must be there (rl_cg_open_join);
	 * a hybrid host's v2 directory is made before, for clone3 to put the
	 * child into.  A grandchild init (a pid namespace joined by path) is
	 * not the process that would write; rootless falls back to no
	 * cgroups, which the child must know before it mounts. */
	c->cg_late = c->cg.n && lay.mode != RL_CG_UNIFIED && !c->plan.join_any && !c->o->rootless;
	v2 = lay.mode == RL_CG_UNIFIED;
	rl_cg_layout_free(&lay);
	if (r < 0 || !c->cg.n)
		return r;
	/* Recorded first: a runtime killed from here on leaves what `delete
	 * --force` needs to find and remove the directories. */
	if (rl_cg_prepare(&c->cg, err) < 0 || rl_cg_save(c->lock.fd, &c->cg, err) < 0 ||
	    (c->o->systemd_cgroup && systemd_unit(c, v2, err) < 0))
		return -1;
	if (!c->cg_late)
		return make_cgroups(c, err);
	if (rl_cg_make_v2(&c->cg, err) < 0)
		return -1;
	c->cg_made = true;
	return open_v2_for_clone(c, err);
}

/* Makes the directories and applies linux.resources. */
static int make_cgroups(struct rl_launch *c, struct rl_error *err)
{
	const struct rl_linux *lx = c->cfg->linux_;

	if (rl_cg_make(&c->cg, err) < 0) {
		struct rl_error e = {0};
		int r = rl_rootless_cgroup_decide(c->o->rootless, err->errnum, first_limit(c->cfg),
						  err->msg, &e);

		/* Rootless without delegation: runc goes on without cgroups
		 * unless resources were asked for. */
		if (r < 0)
			*err = e;
		if (r <= 0)
			return -1;
		rl_log("debug", "cgroups: %s: rootless, going on without", err->msg);
		rl_cg_free(&c->cg);
		return rl_cg_save(c->lock.fd, &c->cg, err); /* an empty record */
	}
	c->cg_made = true;
	if (rl_cg_apply(&c->cg, lx ? lx->resources : NULL, c->cfg, err) < 0)
		return -1;
	return c->cg_late ? open_join(c, err) : open_for_child(c, err);
}

int rl_launch_cgroups_late(struct rl_launch *c, struct rl_error *err)
{
	return c->cg_late ? make_cgroups(c, err) : 0;
}

void rl_launch_cgroups_remove(struct rl_launch *c)
{
	struct rl_error e = {0};

	/* out of the scope first: stopping it kills what is inside */
	if (leave_scope(c, &e) < 0)
		rl_log("warning", "%s", e.msg);
	e = (struct rl_error){0};
	if (!c->cg_made)
		return;
	close_cg_fds(c);
	if (rl_cg_kill(&c->cg, SIGKILL, &e) < 0 || rl_cg_remove(&c->cg, 2000, &e) < 0)
		rl_log("warning", "%s", e.msg);
	e = (struct rl_error){0};
	if (c->sd_unit[0] && rl_systemd_stop(c->sd_unit, &e) < 0)
		rl_log("warning", "%s", e.msg);
	c->cg_made = false;
}

/* The monitor of a detached container is one; it must stay one. */
static bool already_subreaper(void)
{
	int on = 0;

	return prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0) == 0 && on;
}

int rl_launch_spawn(struct rl_launch *c, struct rl_error *err)
{
	int min_fd = 3 + c->o->preserve_fds;
	unsigned long flags;
	pid_t pid;

	/* Idmapped mounts: after rl_ns_open (a joined user namespace is their
	 * mapping), before the signals are blocked (the helper children). */
	if (rl_ns_open(&c->plan, err) < 0 ||
	    rl_container_check_sysctl_netns(c->cfg, c->plan.fd[RL_NS_NETWORK], err) < 0 ||
	    rl_idmount_open(c->cfg, &c->plan, c->bundle, min_fd, &c->idmap_fds, err) < 0 ||
	    open_console(c, err) < 0 || move_above(&c->console_fd, min_fd, err) < 0 ||
	    move_above(&c->fifo_fd, min_fd, err) < 0)
		return -1;
	/* The init of the slow path is our grandchild; to wait for it we
	 * must be the one it is reparented to. */
	if (rl_clone_needs_fork(&c->plan) && !already_subreaper()) {
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
			return rl_error_set(err, errno, "prctl(PR_SET_CHILD_SUBREAPER)");
		c->subreaper = true;
	}
	if (block_signals(c, err) < 0 || rl_sync_pair(c->sync, min_fd, err) < 0)
		return -1;
	/* Fast path: one clone makes every namespace.  Slow path: the child
	 * joins first and unshares after (rl_ns_join). */
	flags = c->plan.join_any ? 0 : c->plan.new_flags;
	/* A cgroup namespace is rooted at the cgroup of the task that makes
	 * it: the child makes it once it joined the container's cgroups. */
	if (c->cg.n && (flags & CLONE_NEWCGROUP)) {
		flags &= ~(unsigned long)CLONE_NEWCGROUP;
		c->cg_newns = true;
	}
	pid = rl_clone_spawn_into(flags, c->cg_v2fd, &c->cg_into, err);
	if (pid < 0)
		return -1;
	if (pid == 0)
		rl_child_run(c);
	c->init = pid;
	if (record_init(c, err) < 0 || leave_scope(c, err) < 0)
		return -1;
	close_cg_fds(c);
	close(c->sync[1]);
	c->sync[1] = -1;
	/* Only the child uses these. */
	close_fd(&c->fifo_fd);
	close_fd(&c->console_fd);
	rl_idmount_close(&c->idmap_fds, c->cfg->n_mounts);
	rl_ns_close(&c->plan);
	return 0;
}
