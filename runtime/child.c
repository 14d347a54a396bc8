/* The container child (runtime/child.h): what the clone runs inside its
 * new namespaces, step by step, up to the execve of the process.  The
 * parent side is launch.c, which create.c drives for `create` and `run`
 * (lifecycle.c has the commands that act on an existing container).
 *
 * Parent (launch.c, create.c)           Child (this file: the container init)
 * ---------------------------           -------------------------------------
 * validate config, open ns paths
 * idmapped mounts as detached trees     (attached by rootfs.c, idmount.h)
 * block signals, sync socketpair
 * clone(CLONE_NEW*) ------------------> non-dumpable, pdeathsig, old sigmask
 *                                       [slow path: setns joins, unshare]
 *   write uid/gid maps  <-- USERNS ---- (new user ns)
 *                       --- GO ------>  become root of the user ns
 *                                       time ns: unshare + offsets
 *   new init pid        <-- PID ------- [slow path with a pid ns: fork]
 *                                       keyring, hostname
 *   prestart, createRuntime <- HOOKS -  [only when the config has them]
 *                       --- GO ------>  createContainer hooks
 *                                       rootfs, personality
 *                                       [console: pty, master sent]
 *                                       [new pid ns: fork; the parent stays
 *                                        as pid 1, the reaper of shim.c]
 *                                       rl_process_exec: rlimits, cwd, user,
 *                                       caps, early seccomp, args[0] lookup,
 *                                       LSM label, then its before_exec
 *                                       (child_ready):
 *                       <-- READY ----
 *   run: record state   --- GO ------>  run: released over the channel
 *   create: record state, exit          create: open exec.fifo for writing,
 *   start: read exec.fifo ------------>   blocks until `start` reads it
 *                                       startContainer hooks
 *   start: reads "0"    <-- "0" ------  (create: through the fifo)
 *                       <-- ERROR ----  (any step; then _exit)
 *   EOF = execve done                   late seccomp, execve
 *   poststart hooks
 * run: forward signals, wait, exit status; poststop hooks
 *
 * Everything the child mounted lives in its mount namespace and goes away
 * with it, so tearing down is killing and reaping the child. */
#include "runtime/child.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/clone.h"
#include "runtime/fault.h"
#include "runtime/hooks.h"
#include "runtime/idmount.h"
#include "runtime/mnt.h"
#include "runtime/netns.h"
#include "runtime/process.h"
#include "runtime/procfs.h"
#include "runtime/rootfs.h"
#include "runtime/safepath.h"
#include "runtime/seccomp.h"
#include "runtime/state.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"
#include "runtime/userns.h"

/* ---- the child --------------------------------------------------------- */

/* A new time namespace, with linux.timeOffsets.  unshare(CLONE_NEWTIME)
 * only sets the namespace for children; offsets can be written until the
 * first task enters it, which is our execve (Linux >= 6.0 switches there)
 * or the fork of the slow path. */
static int child_timens(const struct rl_linux *lx, int procfd, struct rl_error *err)
{
	char buf[128] = "";
	int n = 0;

	if (unshare(CLONE_NEWTIME) < 0)
		return rl_error_set(err, errno, "unshare time namespace");
	if (lx->time_monotonic.set)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "monotonic %lld %u\n",
			      (long long)lx->time_monotonic.secs, lx->time_monotonic.nanosecs);
	if (lx->time_boottime.set)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, "boottime %lld %u\n",
			      (long long)lx->time_boottime.secs, lx->time_boottime.nanosecs);
	if (n == 0)
		return 0;
	if (rl_procfs_write(procfd, "self/timens_offsets", buf, err) < 0)
		return rl_error_prefix(err, "linux.timeOffsets");
	return 0;
}

/* The new user namespace is useless until the parent wrote its maps: files
 * we create would have no owner (EOVERFLOW).  The maps of a non-dumpable
 * task are owned by the global root, so be dumpable while they are written:
 * nothing of the container runs yet. */
static int child_userns(struct rl_launch *c, struct rl_error *err)
{
	const struct rl_linux *lx = c->cfg->linux_;
	int fd = c->sync[1];

	if (!c->plan.present[RL_NS_USER])
		return 0;
	if (c->plan.path[RL_NS_USER])
		return rl_userns_become_root(false, err);
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (rl_sync_send_type(fd, RL_SYNC_USERNS) < 0)
		return rl_error_set(err, errno, "sync channel: send");
	if (rl_sync_expect(fd, RL_SYNC_GO, err) < 0)
		return -1;
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	return rl_userns_become_root(rl_userns_maps_root(lx->uid_mappings, lx->n_uid_mappings) &&
					 rl_userns_maps_root(lx->gid_mappings, lx->n_gid_mappings),
				     err);
}

/* Namespaces: joined ones first (slow path), then the new ones, so that
 * these are owned by the right user namespace; then the user ns maps. */
static int child_namespaces(struct rl_launch *c, struct rl_error *err)
{
	if (c->plan.join_any) {
		if (rl_ns_join(&c->plan, err) < 0)
			return -1;
		if (c->plan.new_flags && unshare((int)c->plan.new_flags) < 0)
			return rl_error_set(err, errno, "unshare namespaces");
	}
	if (child_userns(c, err) < 0)
		return -1;
	/* setresuid() cleared the parent-death signal; set it again. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (c->plan.new_time && child_timens(c->cfg->linux_, c->procfd, err) < 0)
		return -1;
	if (rl_clone_needs_fork(&c->plan)) {
		/* A joined or unshared pid namespace only takes our children
		 * (pid_namespaces(7)): the container init is our child, and
		 * we leave it to the runtime, a subreaper. */
		if (rl_sync_fork_report(c->sync[1], "fork into the pid namespace", err) < 0)
			return -1;
	}
	return 0;
}

static int child_identity(const struct rl_config *cfg, struct rl_error *err)
{
	if (cfg->hostname && sethostname(cfg->hostname, strlen(cfg->hostname)) < 0)
		return rl_error_set(err, errno, "sethostname \"%s\"", cfg->hostname);
	if (cfg->domainname && setdomainname(cfg->domainname, strlen(cfg->domainname)) < 0)
		return rl_error_set(err, errno, "setdomainname \"%s\"", cfg->domainname);
	return 0;
}

static const struct rl_seccomp *seccomp_of(const struct rl_config *cfg)
{
	return cfg->linux_ ? cfg->linux_->seccomp : NULL;
}

static bool wants_notify(const struct rl_seccomp *s)
{
	for (size_t i = 0; s && i < s->n_syscalls; i++)
		if (s->syscalls[i].action == RL_SCMP_ACT_NOTIFY)
			return true;
	return false;
}

struct rl_state rl_launch_state(const struct rl_launch *l, enum rl_status status, int pid)
{
	return (struct rl_state){.oci_version = (char *)RL_OCI_VERSION,
				 .id = (char *)l->o->id,
				 .status = status,
				 .pid = pid,
				 .bundle = l->bundle,
				 .rootfs = l->rootfs,
				 .created = (char *)l->created,
				 .owner = l->owner,
				 .hooks_recorded = true,
				 .poststart_hooks = l->cfg->hooks[RL_HOOK_POSTSTART].n > 0,
				 .poststop_hooks = l->cfg->hooks[RL_HOOK_POSTSTOP].n > 0};
}

/* For the hooks the parent runs (launch.c, create.c) and those the child
 * runs (child_hooks). */
int rl_launch_state_json(const struct rl_launch *l, enum rl_status status, int pid, char **json,
			 struct rl_error *err)
{
	struct rl_state st = rl_launch_state(l, status, pid);
	size_t len = 0;

	st.annotations = l->cfg->annotations;
	return rl_state_to_json(&st, false, json, &len, err) < 0 ? -1 : 0;
}

/* Runs the config's hooks of one kind from inside the container, with
 * the state as runc gives it there: the pid is the init's as it sees
 * itself (getpid), the status the one the spec gives for that kind. */
static int child_hooks(struct rl_launch *c, enum rl_hook_kind kind, enum rl_status status,
		       struct rl_error *err)
{
	const struct rl_hook_list *list = &c->cfg->hooks[kind];
	char *json = NULL;
	int r;

	if (list->n == 0)
		return 0;
	if (rl_launch_state_json(c, status, (int)getpid(), &json, err) < 0)
		return -1;
	r = rl_hooks_run(list, kind, json, err);
	free(json);
	return r;
}

/* create: blocks until `start` opens the FIFO for reading (runc's
 * exec.fifo).  The O_PATH fd was opened on the host before pivot_root;
 * reopening it through "self/fd" of rlite's own procfs gives a writable fd
 * without a host path, works after the uid change and without
 * capabilities (a task may always reopen its own fds; the fifo is 0622),
 * and needs nothing of the container's /proc. */
static int child_wait_start(struct rl_launch *c, struct rl_error *err)
{
	int fd = rl_procfs_reopen(c->procfd, c->fifo_fd, O_WRONLY, err);

	if (fd < 0)
		return rl_error_prefix(err, "exec fifo");
	close(c->fifo_fd);
	c->fifo_fd = fd;
	c->released = true;
	return 0;
}

/* What `start` reads from the fifo: "0" = on to execve; "1" and a message
 * = failed (a startContainer hook).  One write below PIPE_BUF: whole. */
static void child_tell_start(struct rl_launch *c, const struct rl_error *e)
{
	char buf[RL_ERROR_MSG_MAX + 160] = "0";
	size_t len = 1;
	ssize_t n;

	if (c->fifo_fd < 0 || !c->released)
		return;
	if (e) {
		buf[0] = '1';
		rl_error_text(e, buf + 1, sizeof(buf) - 1);
		len = strlen(buf);
	}
	do
		n = write(c->fifo_fd, buf, len);
	while (n < 0 && errno == EINTR);
	close(c->fifo_fd);
	c->fifo_fd = -1;
}

static int fifo_check(struct rl_launch *c, struct rl_error *err)
{
	_rl_fd_ int dir = rl_procfs_openat(c->procfd, "self/fd", O_PATH | O_DIRECTORY, err);
	char name[16];

	if (dir < 0)
		return rl_error_prefix(err, "exec fifo");
	snprintf(name, sizeof(name), "%d", c->fifo_fd);
	if (faccessat(dir, name, W_OK, AT_EACCESS) < 0)
		return rl_error_set(err, errno, "exec fifo: open for writing");
	return 0;
}

/* rl_exec_opts.before_exec: everything is applied, args[0] found, so every
 * setup error has reached create's (or run's) caller already.  Reports
 * ready and waits to be released: run, by the parent over the channel
 * once the state is recorded (no extra round trip); create, by `start`
 * through the fifo.  Then the startContainer hooks (runtime.md step 7). */
static int child_ready(void *arg, struct rl_error *err)
{
	struct rl_launch *c = arg;

	/* The container user must be able to open the fifo for writing once
	 * `start` comes: find out now, while create can still fail. */
	if (c->mode == RL_LAUNCH_CREATE && fifo_check(c, err) < 0)
		return -1;
	/* The shim locked itself down while we set the process up. */
	if (c->shim_ready >= 0) {
		int r = rl_shim_wait(c->shim_ready, err);

		c->shim_ready = -1;
		if (r < 0)
			return -1;
	}
	/* From here on the runtime going away must not kill the workload,
	 * as with runc run; and create exits right after READY. */
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (rl_sync_send_type(c->sync[1], RL_SYNC_READY) < 0)
		return rl_error_set(err, errno, "sync channel: send");
	if (c->mode == RL_LAUNCH_CREATE) {
		if (child_wait_start(c, err) < 0)
			return -1;
	} else if (rl_sync_expect(c->sync[1], RL_SYNC_GO, err) < 0) {
		return -1;
	}
	if (child_hooks(c, RL_HOOK_START_CONTAINER, RL_STATUS_CREATED, err) < 0)
		return -1;
	child_tell_start(c, NULL);
	return 0;
}

/* prestart and createRuntime run in the parent (runtime namespace), now
 * that the namespaces exist; createContainer here, in the container's
 * namespaces with the host's filesystem still reachable (config.md
 * "createContainer Hooks": the path resolves in the runtime namespace).
 * After the mounts and before pivot_root, as runc does.  Without hooks: no
 * round trip. */
static int child_create_hooks(struct rl_launch *c, struct rl_error *err)
{
	const struct rl_hook_list *h = c->cfg->hooks;

	if (h[RL_HOOK_PRESTART].n || h[RL_HOOK_CREATE_RUNTIME].n) {
		if (rl_sync_send_type(c->sync[1], RL_SYNC_HOOKS) < 0)
			return rl_error_set(err, errno, "sync channel: send");
		if (rl_sync_expect(c->sync[1], RL_SYNC_GO, err) < 0)
			return -1;
	}
	/* step 5, "created" as prestart and createRuntime (launch.c) */
	return child_hooks(c, RL_HOOK_CREATE_CONTAINER, RL_STATUS_CREATED, err);
}

/* In the container's cgroups now: the cgroup namespace, rooted there. */
static int child_cgroups_joined(struct rl_launch *c, struct rl_error *err)
{
	c->cg_joined = true;
	if (c->cg_newns && unshare(CLONE_NEWCGROUP) < 0)
		return rl_error_set(err, errno, "unshare cgroup namespace");
	return 0;
}

/* First thing: into the container's cgroups, so that everything from
 * here on, the workload above all, is accounted and limited. */
static int child_cgroups(struct rl_launch *c, struct rl_error *err)
{
	if (!c->cg_fds)
		return 0; /* none, or late (child_cgroups_late) */
	for (size_t i = 0; i < c->cg.n; i++)
		if (!rl_launch_joins(c, i) && c->cg_fds[i] >= 0) {
			close(c->cg_fds[i]);
			c->cg_fds[i] = -1;
		}
	if (c->cg_v2fd >= 0)
		close(c->cg_v2fd);
	c->cg_v2fd = -1;
	if (rl_cg_join_fds(&c->cg, c->cg_fds, err) < 0)
		return -1;
	return child_cgroups_joined(c, err);
}

/* Late mode (child.h): the parent makes the cgroups while we mount, and
 * answers with the fds we join them by; we ask only where it matters: the
 * cgroup mount (its view is our cgroup), the cgroup namespace (rooted
 * where we are when we make it) and the shim's fork (the workload must be
 * born inside).  Once. */
static int child_cgroups_late(void *arg, struct rl_error *err)
{
	struct rl_launch *c = arg;
	int got[RL_SYNC_MAX_FDS], fds[RL_SYNC_MAX_FDS];
	size_t n = 0, k = 0;

	if (!c->cg_late || c->cg_joined)
		return 0;
	if (c->cg.n > RL_SYNC_MAX_FDS)
		return rl_error_set(err, E2BIG, "cgroups: %zu directories", c->cg.n);
	/* in the parent's order (send_join_fds) */
	for (size_t i = 0; i < c->cg.n; i++)
		n += rl_launch_joins(c, i);
	if (rl_sync_send_type(c->sync[1], RL_SYNC_CGROUP) < 0)
		return rl_error_set(err, errno, "sync channel: send");
	if (rl_sync_expect_fds(c->sync[1], RL_SYNC_GO, got, n, err) < 0)
		return -1;
	for (size_t i = 0; i < c->cg.n; i++)
		fds[i] = rl_launch_joins(c, i) ? got[k++] : -1;
	if (rl_cg_join_fds(&c->cg, fds, err) < 0)
		return -1;
	return child_cgroups_joined(c, err);
}

/* The rootfs, in the order runtime.md "Lifecycle" and runc give: mounts
 * and /dev, the createContainer hooks, the console, then the read-only and
 * masked paths and pivot_root.  The console comes before the last step
 * because it binds /dev/console, which a read-only /dev or root forbids. */
static int child_rootfs(struct rl_launch *c, struct rl_error *err)
{
	const struct rl_config *cfg = c->cfg;
	struct rl_rootfs_opts ro = {.cfg = cfg,
				    .rootfs = c->rootfs,
				    .no_pivot = c->o->no_pivot,
				    .shared_ns = !c->plan.present[RL_NS_MOUNT],
				    .in_userns = c->plan.present[RL_NS_USER] || c->runtime_in_userns,
				    .procfd = c->procfd,
				    .cg = c->cg.n ? &c->cg : &c->cg_own,
				    .idmap_fds = c->idmap_fds,
				    .before_cgroup = child_cgroups_late,
				    .arg = c,
				    .tree = c->notify.tree_fd,
				    .tree_dest = RL_NOTIFY_MOUNT};
	struct rl_rootfs r = {.rootfd = -1, .nullfd = -1};
	int rc = rl_rootfs_prepare(&ro, &r, err);

	/* Attached (or failed): none of them may reach the container. */
	rl_idmount_close(&c->idmap_fds, cfg->n_mounts);
	if (rc == 0)
		rc = child_create_hooks(c, err);
	if (rc == 0 && c->console_fd >= 0) {
		rc = rl_terminal_setup_child(c->console_fd, r.rootfd, true, cfg->process, err);
		c->console_fd = -1; /* closed by rl_terminal_setup_child */
	}
	if (rc < 0) {
		rl_rootfs_close(&r);
		return -1;
	}
	return rl_rootfs_finalize(&ro, &r, err);
}

static int child_setup(struct rl_launch *c, struct rl_error *err)
{
	const struct rl_config *cfg = c->cfg;

	/* Before any mount of the container exists, and before the fork into
	 * a joined pid namespace (one fd serves both sides of it). */
	c->procfd = rl_procfs_open(true, err);
	if (c->procfd < 0)
		return -1;
	if (child_cgroups(c, err) < 0 || child_namespaces(c, err) < 0)
		return -1;
	RL_FAULT_DELAY("child.namespaces");
	/* A fresh anonymous session keyring, so the container does not see
	 * (or fill) the caller's; ENOSYS: keyrings not built in. */
	if (!c->o->no_new_keyring &&
	    syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL, 0, 0, 0) < 0 && errno != ENOSYS)
		return rl_error_set(err, errno, "join a new session keyring");
	if (child_identity(cfg, err) < 0)
		return -1;
	if ((c->plan.new_flags & CLONE_NEWNET) && rl_loopback_up(err) < 0)
		return -1;
	/* linux.netDevices: the parent moves them into our namespace now */
	if (cfg->linux_ && cfg->linux_->n_net_devices) {
		if (rl_sync_send_type(c->sync[1], RL_SYNC_NETDEV) < 0)
			return rl_error_set(err, errno, "sync channel: send");
		if (rl_sync_expect(c->sync[1], RL_SYNC_GO, err) < 0)
			return -1;
	}
	/* Relative bind mount sources are relative to the bundle (config.md
	 * "Mounts"); after the joins, since setns(CLONE_NEWNS) moves the cwd. */
	if (chdir(c->bundle) < 0)
		return rl_error_set(err, errno, "chdir to the bundle \"%s\"", c->bundle);
	/* The seccomp agent's socket is a host path: connect while the host
	 * filesystem is still reachable, before pivot_root. */
	if (wants_notify(seccomp_of(cfg))) {
		c->listener_fd = rl_seccomp_connect_listener(seccomp_of(cfg)->listener_path, err);
		if (c->listener_fd < 0)
			return -1;
		/* where "self" is the pid the agent knows us by (process.h) */
		c->host_procfd = rl_procfs_open(false, err);
		if (c->host_procfd < 0)
			return -1;
	}
	if (child_rootfs(c, err) < 0 || child_cgroups_late(c, err) < 0)
		return -1;
	RL_FAULT_DELAY("child.rootfs");
	if (cfg->linux_ && cfg->linux_->personality) {
		bool is32 = strcmp(cfg->linux_->personality->domain, "LINUX32") == 0;

		if (personality(is32 ? PER_LINUX32 : PER_LINUX) < 0)
			return rl_error_set(err, errno, "personality %s",
					    cfg->linux_->personality->domain);
	}
	return 0;
}

_Noreturn void rl_child_run(struct rl_launch *c)
{
	/* for a seccomp agent: the filter is loaded once `start` or run has
	 * released the container, so it is "created" */
	struct rl_state agent = rl_launch_state(c, RL_STATUS_CREATED, 0);
	struct rl_error e = {0};
	struct rl_exec_opts eo = {.process = c->cfg->process,
				  .preserve_fds = c->o->preserve_fds,
				  .keep_fd = c->sync[1],
				  .procfd = -1,
				  .host_procfd = -1,
				  .state = &agent,
				  .seccomp = seccomp_of(c->cfg),
				  .memory_policy =
				      c->cfg->linux_ ? c->cfg->linux_->memory_policy : NULL,
				  .seccomp_listener_fd = -1,
				  .before_exec = child_ready,
				  .arg = c};
	char msg[RL_ERROR_MSG_MAX + 128];
	int r, hint = 0;

	agent.annotations = c->cfg->annotations;
	/* Non-dumpable until execve (which resets it): nothing that runs in
	 * the container without CAP_SYS_PTRACE may open /proc/<pid>/exe of
	 * this copy of the runtime; one with it gets the read-only view the
	 * runtime runs from, which no reopen writes to (CVE-2019-5736,
	 * exeseal.h). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* libmount was loaded before the clone; a load from here on could
	 * come from the container's root (mnt.h) */
	rl_mnt_forbid();
	close(c->sync[0]);
	close(c->sigfd);
	if (c->console_recv >= 0)
		close(c->console_recv);
	if (c->notify.host_fd >= 0)
		close(c->notify.host_fd);
	if (c->notify.sock_fd >= 0)
		close(c->notify.sock_fd);
	if (c->notify.dir_fd >= 0)
		close(c->notify.dir_fd);
	sigprocmask(SIG_SETMASK, &c->oldmask, NULL);
	/* The store's lock fd came with the clone: holding it while blocked
	 * on the exec fifo would make `start` wait for the lock forever. */
	if (c->lock.fd >= 0)
		close(c->lock.fd);
	r = child_setup(c, &e);
	/* attached on /run/notify by now */
	if (c->notify.tree_fd >= 0)
		close(c->notify.tree_fd);
	eo.seccomp_listener_fd = c->listener_fd;
	eo.procfd = c->procfd;
	eo.host_procfd = c->host_procfd;
	/* The pid-1 shim forks off here: the rootfs is final, and none of the
	 * process settings (user, caps, seccomp) are applied yet. */
	c->shim.procfd = c->procfd;
	if (r == 0 && c->shim.enabled)
		r = rl_shim_fork(&c->shim, &c->shim_ready, &e);
	if (r == 0)
		r = rl_process_exec(&eo, &e);
	if (r == -127 || r == -126)
		hint = -r;
	/* Released by `start`, the create that would read the channel is
	 * long gone: `start` if it still waits for the fifo, else the
	 * container's stderr is the only place left. */
	if (c->released && c->fifo_fd >= 0)
		child_tell_start(c, &e);
	else if (c->released)
		dprintf(2, "rlite: %s\n", rl_error_text(&e, msg, sizeof(msg)));
	rl_sync_send_error(c->sync[1], &e, hint);
	_exit(hint ? hint : 1);
}
