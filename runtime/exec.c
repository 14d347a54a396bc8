/* rlite exec: one more process in a created or running container.
 *
 *   parent (rlite exec)              helper                   the process
 *   ------------------               ------                   -----------
 *   state (shared lock), config
 *   the process (exec_process.c)
 *   the init: pidfd, its ns and
 *   root through our own /proc,
 *   checked alive after
 *   cgroup.procs fds, console
 *   subreaper, signals to a signalfd
 *   clone (into the v2 cgroup) --->  non-dumpable, pdeathsig
 *                                    join the v1 cgroups
 *                                    setns: user first, mnt last
 *                                    fork ------------------>  chroot to the container
 *    <-- PID (host pid) ------------  exit                     root; pty; rl_process_exec:
 *   reap it; the process is ours                               user, caps, args[0]
 *   (subreaper)
 *    <-- READY ----------------------------------------------
 *    --- GO ------------------------------------------------>  seccomp, execve
 *    <-- ERROR, or EOF: execve done ---------------------------
 *   detach: pid file, return
 *   foreground: pid file, forward signals, proxy the pty, wait
 *
 * The helper is needed because setns(CLONE_NEWPID) only moves the children
 * of the caller.  The process, the helper's child, cannot have the
 * runtime's death as its parent-death signal; the GO stands for it: a
 * runtime that died during the set-up never sends it, the channel ends,
 * and the process exits without its execve.  Nothing of the container is reached by a path: the
 * namespaces and the root are fds of the init taken while a pidfd pinned it
 * (a recycled pid is never joined), /proc accesses go through the host's
 * procfs that rlite verified (procfs.h), and no fd of the runtime survives
 * execve (fds.c).  Orphans the process leaves in the container are
 * reparented to the container's pid 1, the shim, which reaps them. */
#include "runtime/container.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "runtime/clone.h"
#include "runtime/fault.h"
#include "runtime/fg.h"
#include "runtime/lsm.h"
#include "runtime/mnt.h"
#include "runtime/process.h"
#include "runtime/procfs.h"
#include "runtime/procid.h"
#include "runtime/safepath.h"
#include "runtime/seccomp.h"
#include "runtime/state.h"
#include "runtime/sync.h"
#include "runtime/terminal.h"

struct xc {
	const struct rl_exec_request *r;
	struct rl_state_lock lock;
	struct rl_state *st;
	struct rl_config *cfg;	/* the container's config.json */
	struct rl_process *p;	/* what runs */
	struct rl_ns_plan plan; /* the init's namespaces that are not ours */
	int procfd;		/* the host's /proc, verified */
	int pidfd;		/* the init, pinned */
	int rootfd;		/* its root directory */
	struct rl_cgroup cg;
	int *cg_fds;
	int cg_v2fd;
	bool cg_into;
	int listener_fd; /* seccomp agent, connected on the host */
	int pidfd_sock;	 /* --pidfd-socket, connected before anything runs */
	int sync[2];
	int sigfd;
	sigset_t oldmask;
	bool masked;
	bool subreaper;
	int term_mode;
	int console_fd;	  /* the process's end: socket or pair */
	int console_recv; /* PROXY: ours */
	struct rl_terminal term;
	pid_t helper;
	pid_t pid; /* the process, host pid */
	int abort_sig;
};

static void xc_init(struct xc *c, const struct rl_exec_request *r)
{
	*c = (struct xc){.r = r,
			 .lock = RL_STATE_LOCK_INIT,
			 .procfd = -1,
			 .pidfd = -1,
			 .rootfd = -1,
			 .cg_v2fd = -1,
			 .listener_fd = -1,
			 .pidfd_sock = -1,
			 .sync = {-1, -1},
			 .sigfd = -1,
			 .console_fd = -1,
			 .console_recv = -1};
	for (int t = 0; t < RL_NS__COUNT; t++)
		c->plan.fd[t] = -1;
	rl_terminal_init(&c->term);
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void on_signal(void *arg, int sig);

static void xc_cleanup(struct xc *c)
{
	rl_terminal_restore(&c->term);
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	if (c->helper > 0) {
		kill(c->helper, SIGKILL);
		waitpid(c->helper, NULL, 0);
	}
	if (c->sigfd >= 0) /* drain: nothing left to deliver once unblocked */
		rl_fg_signals(c->sigfd, NULL, on_signal, c);
	if (c->masked)
		sigprocmask(SIG_SETMASK, &c->oldmask, NULL);
	if (c->subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	for (size_t i = 0; c->cg_fds && i < c->cg.n; i++)
		if (c->cg_fds[i] >= 0)
			close(c->cg_fds[i]);
	free(c->cg_fds);
	rl_cg_free(&c->cg);
	rl_ns_close(&c->plan);
	close_fd(&c->cg_v2fd);
	close_fd(&c->procfd);
	close_fd(&c->pidfd);
	close_fd(&c->pidfd_sock);
	close_fd(&c->rootfd);
	close_fd(&c->listener_fd);
	close_fd(&c->sync[0]);
	close_fd(&c->sync[1]);
	close_fd(&c->sigfd);
	close_fd(&c->console_fd);
	close_fd(&c->console_recv);
	rl_process_free(c->p);
	rl_config_free(c->cfg);
	rl_state_free(c->st);
	rl_state_unlock(&c->lock);
}

/* ---- what runs, and where ------------------------------------------------ */

static int exiting(struct rl_error *err);

static int set_label(char **field, const char *flag, struct rl_error *err)
{
	char *v;

	if (!flag || !flag[0])
		return 0;
	v = strdup(flag);
	if (!v)
		return rl_error_set(err, ENOMEM, "exec");
	free(*field);
	*field = v;
	return 0;
}

/* runc's words for the refusals (and the GUIDE's "container not running",
 * which callers match on). */
static int load(struct xc *c, struct rl_error *err)
{
	const struct rl_exec_request *r = c->r;
	char path[4096];
	enum rl_status s;

	if (rl_state_lock(r->root ? r->root : RL_STATE_ROOT_DEFAULT, r->id, false, &c->lock, err) <
		0 ||
	    rl_state_load(&c->lock, &c->st, err) < 0)
		return -1;
	s = rl_state_status(c->st);
	if (s == RL_STATUS_STOPPED)
		return exiting(err);
	if (s == RL_STATUS_PAUSED && !r->ignore_paused)
		return rl_error_set(err, 0,
				    "cannot exec in a paused container (use --ignore-paused "
				    "to override)");
	snprintf(path, sizeof(path), "%s/config.json", c->st->bundle);
	if (rl_config_load(path, &c->cfg, err) < 0 || rl_exec_process(r, c->cfg, &c->p, err) < 0)
		return -1;
	/* The flags set the labels as in runc; what the host cannot apply is
	 * refused (lsm.h), never run unconfined. */
	if (set_label(&c->p->apparmor_profile, r->apparmor, err) < 0 ||
	    set_label(&c->p->selinux_label, r->process_label, err) < 0)
		return -1;
	return rl_lsm_check_process(c->p, r->process_file ? "process.json: " : "process.", err);
}

/* /proc/<pid>/ns has one file per type, with the kernel's short names. */
static const char *const ns_file[RL_NS__COUNT] = {
    [RL_NS_PID] = "pid", [RL_NS_NETWORK] = "net", [RL_NS_MOUNT] = "mnt",     [RL_NS_IPC] = "ipc",
    [RL_NS_UTS] = "uts", [RL_NS_USER] = "user",	  [RL_NS_CGROUP] = "cgroup", [RL_NS_TIME] = "time",
};

/* The init's namespaces that differ from ours (setns into the user
 * namespace we are in is an error, and joining our own others is a no-op),
 * and its root. */
static int open_init_ns(struct xc *c, int piddir, struct rl_error *err)
{
	_rl_fd_ int nsdir = rl_procfs_openat(piddir, "ns", O_PATH | O_DIRECTORY, err);
	_rl_fd_ int selfns = rl_procfs_openat(c->procfd, "self/ns", O_PATH | O_DIRECTORY, err);

	if (nsdir < 0 || selfns < 0)
		return -1;
	for (int t = 0; t < RL_NS__COUNT; t++) {
		struct stat a, b;
		int fd = openat(nsdir, ns_file[t], O_RDONLY | O_CLOEXEC);

		if (fd < 0 && errno == ENOENT)
			continue; /* a kernel without this type */
		if (fd < 0 || fstat(fd, &a) < 0 || fstatat(selfns, ns_file[t], &b, 0) < 0) {
			int e = errno;

			if (fd >= 0)
				close(fd);
			return rl_error_set(err, e, "open the container's %s namespace",
					    rl_ns_name(t));
		}
		if (a.st_ino == b.st_ino && a.st_dev == b.st_dev) {
			close(fd);
			continue;
		}
		c->plan.fd[t] = fd;
		c->plan.path[t] = rl_ns_name(t);
	}
	c->rootfd = openat(piddir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->rootfd < 0)
		return rl_error_set(err, errno, "open the container's root");
	return 0;
}

/* An init that is exiting (its pid namespace being torn down, say) has no
 * root and no namespaces any more, but is not a zombie yet. */
static int exiting(struct rl_error *err)
{
	return rl_error_set(err, 0, "cannot exec in a stopped container: container not running");
}

static int open_init(struct xc *c, struct rl_error *err)
{
	char name[16];
	_rl_fd_ int piddir = -1;

	if (rl_pidfd_open(c->st->pid, c->st->init_start_time, &c->pidfd, err) < 0)
		return rl_error_prefix(err, "cannot exec");
	c->procfd = rl_procfs_open(false, err);
	if (c->procfd < 0)
		return -1;
	snprintf(name, sizeof(name), "%d", c->st->pid);
	piddir = rl_procfs_openat(c->procfd, name, O_PATH | O_DIRECTORY, err);
	if (piddir < 0 || open_init_ns(c, piddir, err) < 0)
		return err->errnum == ENOENT ? exiting(err) : -1;
	/* The pidfd pinned the init while we opened its files: alive now, it
	 * was the same process all along. */
	if (rl_pidfd_signal(c->pidfd, 0, err) < 0)
		return rl_error_prefix(err, "cannot exec");
	return 0;
}

/* --cgroup [CONTROLLER:]PATH: an existing cgroup below the container's, in
 * every hierarchy or in the one of CONTROLLER (v1) or "" (the v2 one). */
static int sub_cgroup(struct xc *c, const char *spec, struct rl_error *err)
{
	const char *colon = strchr(spec, ':'), *sub = colon ? colon + 1 : spec;
	char clean[4096];
	int ctrl = -1;

	if (colon && colon != spec) {
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)(colon - spec), spec);
		ctrl = rl_cg_ctrl_from_name(name);
		if (ctrl < 0)
			return rl_error_set(err, 0, "--cgroup: unknown controller \"%s\"", name);
	}
	if (rl_path_clean(sub, clean, sizeof(clean)) < 0 || strcmp(clean, "/") == 0 ||
	    strstr(sub, ".."))
		return rl_error_set(err, 0, "--cgroup: \"%s\": not a path below the container's",
				    sub);
	for (size_t i = 0; i < c->cg.n; i++) {
		struct rl_cg_dir *d = &c->cg.d[i];
		char *np;

		if (ctrl >= 0 ? !(d->ctrls & RL_CG_BIT(ctrl)) : (colon && !d->v2))
			continue;
		if (asprintf(&np, "%s%s", d->path, clean) < 0)
			return rl_error_set(err, ENOMEM, "--cgroup");
		free(d->path);
		d->path = np;
	}
	return 0;
}

static int open_cgroups(struct xc *c, struct rl_error *err)
{
	if (rl_cg_load(c->lock.fd, &c->cg, err) < 0)
		return -1;
	if (!c->cg.n) {
		if (c->r->cgroup)
			return rl_error_set(err, 0, "--cgroup: the container has no cgroups");
		return 0;
	}
	if (c->r->cgroup && sub_cgroup(c, c->r->cgroup, err) < 0)
		return -1;
	c->cg_fds = calloc(c->cg.n, sizeof(int));
	if (!c->cg_fds)
		return rl_error_set(err, ENOMEM, "cgroups");
	for (size_t i = 0; i < c->cg.n; i++)
		c->cg_fds[i] = -1;
	if (rl_cg_open_join(&c->cg, false, c->cg_fds, err) < 0)
		return rl_error_prefix(err, c->r->cgroup ? "--cgroup" : "exec");
	/* For clone3 CLONE_INTO_CGROUP; without it the helper joins the v2
	 * directory through its cgroup.procs (the v1 ones through tasks). */
	c->cg_v2fd = rl_cg_v2_fd(&c->cg, NULL);
	return 0;
}

/* ---- the terminal ------------------------------------------------------------ */

/* As for run and create (terminal.h): the master goes to --console-socket,
 * or to us for a foreground exec on a terminal, sized as ours. */
static int open_console(struct xc *c, struct rl_error *err)
{
	struct winsize ws;
	int sv[2];

	c->term_mode = rl_terminal_mode(c->p, c->r->console_socket, c->r->detach, 0, err);
	if (c->term_mode < 0)
		return -1;
	if (c->term_mode == RL_TERMINAL_SOCKET) {
		c->console_fd = rl_console_connect(c->r->console_socket, err);
		return c->console_fd < 0 ? -1 : 0;
	}
	if (c->term_mode != RL_TERMINAL_PROXY)
		return 0;
	if (!(c->p->has_console_size && c->p->console_height && c->p->console_width) &&
	    ioctl(0, TIOCGWINSZ, &ws) == 0 && ws.ws_row && ws.ws_col) {
		c->p->has_console_size = true;
		c->p->console_height = ws.ws_row;
		c->p->console_width = ws.ws_col;
	}
	if (rl_console_socketpair(sv, err) < 0)
		return -1;
	c->console_recv = sv[0];
	c->console_fd = sv[1];
	return 0;
}

/* ---- the process's side ---------------------------------------------------- */

/* rl_exec_opts.before_exec: set up; the runtime's GO (or EOF: it is gone,
 * and so are we). */
static int await_go(void *arg, struct rl_error *err)
{
	const struct xc *c = arg;

	if (rl_sync_send_type(c->sync[1], RL_SYNC_READY) < 0)
		return rl_error_set(err, errno, "sync channel: send");
	return rl_sync_expect(c->sync[1], RL_SYNC_GO, err);
}

/* In the container's namespaces now: its root, the pty, then the same last
 * steps as the container's own process (process.c). */
static int child_run(struct xc *c, struct rl_error *err)
{
	const struct rl_linux *lx = c->cfg->linux_;
	/* what a seccomp agent is told */
	struct rl_state agent = {.oci_version = (char *)RL_OCI_VERSION,
				 .id = c->st->id,
				 .status = RL_STATUS_RUNNING,
				 .bundle = c->st->bundle,
				 .rootfs = c->st->rootfs,
				 .created = c->st->created,
				 .owner = c->st->owner,
				 .annotations = c->st->annotations};
	struct rl_exec_opts eo = {.process = c->p,
				  .preserve_fds = c->r->preserve_fds,
				  .keep_fd = c->sync[1],
				  .procfd = c->procfd,
				  .host_procfd = c->procfd,
				  .seccomp = lx ? lx->seccomp : NULL,
				  .memory_policy = lx ? lx->memory_policy : NULL,
				  .seccomp_listener_fd = c->listener_fd,
				  .state = &agent,
				  .before_exec = await_go,
				  .arg = c};
	_rl_fd_ int root = -1;

	if (fchdir(c->rootfd) < 0 || chroot(".") < 0 || chdir("/") < 0)
		return rl_error_set(err, errno, "enter the container's root");
	close_fd(&c->rootfd);
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return rl_error_set(err, errno, "open \"/\"");
	if (c->console_fd >= 0) {
		int r = rl_terminal_setup_child(c->console_fd, root, false, c->p, err);

		c->console_fd = -1; /* closed by it */
		if (r < 0)
			return -1;
	}
	/* In the container's cgroups now: final, or without it every CPU its
	 * cpuset allows, not the initial ones (config.md execCPUAffinity). */
	if (rl_process_set_affinity(c->p->exec_cpu_affinity.final ? c->p->exec_cpu_affinity.final
				    : c->p->exec_cpu_affinity.initial ? "0-8191"
								      : NULL,
				    "process.execCPUAffinity.final", err) < 0)
		return -1;
	return rl_process_exec(&eo, err);
}

/* The helper: into the container's cgroups and namespaces, then the
 * process, forked so that it is in the pid namespace too. */
static _Noreturn void helper(struct xc *c)
{
	struct rl_error e = {0};
	int r = 0, hint = 0;

	/* Nothing in the container without CAP_SYS_PTRACE may ptrace or open
	 * /proc/<pid>/exe of a copy of the runtime (CVE-2019-5736); one with
	 * it gets the read-only view exec runs from (exeseal.h).  execve
	 * resets it. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* it joins the container: nothing may be loaded from its root (mnt.h) */
	rl_mnt_forbid();
	close_fd(&c->sync[0]);
	close_fd(&c->sigfd);
	close_fd(&c->console_recv);
	sigprocmask(SIG_SETMASK, &c->oldmask, NULL);
	for (size_t i = 0; c->cg_into && i < c->cg.n; i++)
		if (c->cg.d[i].v2)
			close_fd(&c->cg_fds[i]);
	if ((c->cg_fds && rl_cg_join_fds(&c->cg, c->cg_fds, &e) < 0) ||
	    rl_ns_join(&c->plan, &e) < 0) {
		rl_sync_send_error(c->sync[1], &e, 0);
		_exit(1);
	}
	if (rl_sync_fork_report(c->sync[1], "fork into the container", &e) == 0)
		r = child_run(c, &e);
	if (r == -127 || r == -126)
		hint = -r;
	rl_sync_send_error(c->sync[1], &e, hint);
	_exit(hint ? hint : 1);
}

/* ---- the parent ------------------------------------------------------------ */

static int block_signals(struct xc *c, struct rl_error *err)
{
	c->sigfd = rl_fg_block_signals(&c->oldmask, err);
	if (c->sigfd < 0)
		return -1;
	c->masked = true;
	return 0;
}

/* The process is the helper's child: once the helper exits it is ours
 * only if we are a subreaper (a detached exec leaves it to ours). */
static int spawn(struct xc *c, struct rl_error *err)
{
	int on = 0;

	if (prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0) == 0 && !on) {
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
			return rl_error_set(err, errno, "prctl(PR_SET_CHILD_SUBREAPER)");
		c->subreaper = true;
	}
	if (block_signals(c, err) < 0 || rl_sync_pair(c->sync, 3 + c->r->preserve_fds, err) < 0)
		return -1;
	/* config.md execCPUAffinity.initial: where the runtime runs until the
	 * process is in the container's cgroups; the helper inherits it. */
	if (rl_process_set_affinity(c->p->exec_cpu_affinity.initial,
				    "process.execCPUAffinity.initial", err) < 0)
		return -1;
	c->helper = rl_clone_spawn_into(0, c->cg_v2fd, &c->cg_into, err);
	if (c->helper < 0)
		return -1;
	if (c->helper == 0)
		helper(c);
	close_fd(&c->sync[1]);
	close_fd(&c->console_fd);
	close_fd(&c->rootfd);
	rl_ns_close(&c->plan);
	return 0;
}

/* rl_fg_signal_fn: signals for the process; during the setup a
 * terminating one stops it. */
static void on_signal(void *arg, int sig)
{
	struct xc *c = arg;

	if (c->pid > 0)
		kill(c->pid, sig);
	else if (sig != SIGWINCH && sig != SIGUSR1 && sig != SIGUSR2 && !c->abort_sig)
		c->abort_sig = sig;
}

/* rl_fg_msg_fn: the helper's one message, the process's pid; then the
 * process's READY, answered with the GO to its execve. */
static int handle(void *arg, const struct rl_sync_msg *m, struct rl_error *err)
{
	struct xc *c = arg;

	if (m->type == RL_SYNC_PID) {
		c->pid = m->pid;
		waitpid(c->helper, NULL, 0);
		c->helper = 0;
		return 0;
	}
	if (m->type == RL_SYNC_READY && c->pid > 0) {
		RL_FAULT_POINT("exec.ready");
		/* EPIPE: it died meanwhile; EOF follows */
		if (rl_sync_send_type(c->sync[0], RL_SYNC_GO) < 0 && errno != EPIPE)
			return rl_error_set(err, errno, "sync channel: send");
		return 0;
	}
	return rl_error_set(err, EPROTO, "sync channel: unexpected message %u", m->type);
}

/* Until execve (EOF with the process known), or a failure. */
static int await(struct xc *c, int *status, struct rl_error *err)
{
	int r = rl_fg_await(c->sync[0], c->sigfd, &c->term, on_signal, handle, c, &c->abort_sig,
			    status, err);

	if (r == 0 && c->pid <= 0)
		return rl_error_set(err, 0, "exec: the setup died without a word");
	return r;
}

static int prepare(struct xc *c, struct rl_error *err)
{
	const struct rl_seccomp *sc = c->cfg->linux_ ? c->cfg->linux_->seccomp : NULL;

	if (c->r->preserve_fds < 0)
		return rl_error_set(err, 0, "--preserve-fds: must not be negative");
	if (open_init(c, err) < 0 || open_cgroups(c, err) < 0 || open_console(c, err) < 0)
		return -1;
	if (c->r->pidfd_socket) {
		c->pidfd_sock =
		    rl_pidfd_socket_connect(c->r->pidfd_socket, 3 + c->r->preserve_fds, err);
		if (c->pidfd_sock < 0)
			return -1;
	}
	/* A seccomp agent's socket is a host path: connected here. */
	for (size_t i = 0; sc && i < sc->n_syscalls; i++)
		if (sc->syscalls[i].action == RL_SCMP_ACT_NOTIFY) {
			c->listener_fd = rl_seccomp_connect_listener(sc->listener_path, err);
			return c->listener_fd < 0 ? -1 : 0;
		}
	return 0;
}

int rl_container_exec(const struct rl_exec_request *r, int *status, struct rl_error *err)
{
	struct xc c __attribute__((cleanup(xc_cleanup)));
	int rc;

	*status = 0;
	xc_init(&c, r);
	if (load(&c, err) < 0 || prepare(&c, err) < 0)
		return -1;
	/* From here on the pidfd and the fds of the cgroups stand for the
	 * container.  Other commands must not wait for us: resume of a paused
	 * container (--ignore-paused: the process waits for that) above all,
	 * and delete --force. */
	rl_state_unlock(&c.lock);
	if (spawn(&c, err) < 0)
		return -1;
	RL_FAULT_POINT("exec.spawned");
	rc = await(&c, status, err);
	if (rc < 0)
		return rc;
	RL_FAULT_POINT("exec.started");
	if (r->pid_file && rl_pid_file_write(r->pid_file, c.pid, err) < 0)
		return -1;
	if (c.pidfd_sock >= 0) {
		int sock = c.pidfd_sock;

		c.pidfd_sock = -1; /* closed by it */
		if (rl_pidfd_socket_send(sock, c.pid, "setns", err) < 0)
			return -1;
	}
	if (r->detach) {
		c.pid = 0; /* the caller's subreaper's now */
		return 0;
	}
	return rl_fg_wait(c.sigfd, &c.term, &c.console_recv, &c.pid, true, on_signal, &c, status,
			  err);
}
