/* Container lifecycle conductor: `run` in the foreground.
 *
 * Parent (this process)                 Child (the container init)
 * ---------------------                 --------------------------
 * validate config, open ns paths
 * block signals, sync socketpair
 * clone(CLONE_NEW*) ------------------> non-dumpable, pdeathsig, old sigmask
 *                                       [slow path: setns joins, unshare]
 *   write uid/gid maps  <-- USERNS ---- (new user ns)
 *                       --- GO ------>  become root of the user ns
 *                                       time ns: unshare + offsets
 *   new init pid        <-- PID ------- [slow path with a pid ns: fork]
 *                                       keyring, hostname, rootfs, personality
 *                       <-- READY ----
 *                       <-- ERROR ----  (any step; then _exit)
 *   EOF = execve done                   rl_process_exec -> execve
 * forward signals, wait, exit status
 *
 * Everything the child mounted lives in its mount namespace and goes away
 * with it, so tearing down is killing and reaping the child. */
#include "runtime/container.h"

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
#include "runtime/process.h"
#include "runtime/rootfs.h"
#include "runtime/seccomp.h"
#include "runtime/sync.h"
#include "runtime/userns.h"

#define ID_MAX 1024

/* Signals `run` passes on to the container init, as runc does. */
static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

struct run_ctx {
	const struct rl_run_opts *o;
	struct rl_config *cfg;
	char *bundle; /* absolute */
	char *rootfs; /* absolute, symlinks resolved */
	struct rl_ns_plan plan;
	int sync[2]; /* [0] parent end, [1] child end */
	int sigfd;
	bool masked; /* oldmask must be restored */
	sigset_t oldmask;
	bool subreaper;
	bool execed;	   /* the workload runs: signals go to it */
	sigset_t deferred; /* non-fatal signals seen during setup */
	int abort_sig;	   /* a terminating signal seen during setup */
	pid_t init;	   /* the container init as far as we know it; 0 when none */
	int listener_fd;   /* child: socket to linux.seccomp.listenerPath, or -1 */
};

/* ---- validation (pure) ------------------------------------------------ */

int rl_container_check_id(const char *id, struct rl_error *err)
{
	size_t len = id ? strlen(id) : 0;

	if (len == 0)
		return rl_error_set(err, 0, "invalid container id \"\": must not be empty");
	if (len > ID_MAX)
		return rl_error_set(err, 0,
				    "invalid container id \"%.32s...\": longer than %d "
				    "characters",
				    id, ID_MAX);
	if (strchr(id, '/'))
		return rl_error_set(err, 0, "invalid container id \"%s\": must not contain '/'",
				    id);
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return rl_error_set(err, 0,
				    "invalid container id \"%s\": must not be \".\" or "
				    "\"..\"",
				    id);
	if (id[0] == '.')
		return rl_error_set(err, 0, "invalid container id \"%s\": must not start with '.'",
				    id);
	for (const char *p = id; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || strchr("_.+-", ch)))
			return rl_error_set(err, 0,
					    "invalid container id \"%s\": only "
					    "[A-Za-z0-9_.+-] are allowed",
					    id);
	}
	return 0;
}

static int check_userns(const struct rl_linux *lx, const struct rl_ns_plan *plan,
			struct rl_error *err)
{
	char buf[64];
	size_t nu = lx ? lx->n_uid_mappings : 0, ng = lx ? lx->n_gid_mappings : 0;

	if (plan->present[RL_NS_USER] && !plan->path[RL_NS_USER]) {
		/* Only the size is of interest here; the real text is written
		 * by rl_userns_write_maps. */
		struct rl_error e = {0};

		if (rl_userns_format(lx->uid_mappings, nu, "linux.uidMappings", buf, sizeof(buf),
				     &e) < 0 &&
		    e.errnum != E2BIG)
			return rl_error_set(err, 0, "%s", e.msg);
		if (rl_userns_format(lx->gid_mappings, ng, "linux.gidMappings", buf, sizeof(buf),
				     &e) < 0 &&
		    e.errnum != E2BIG)
			return rl_error_set(err, 0, "%s", e.msg);
	} else if (!plan->present[RL_NS_USER] && (nu || ng)) {
		return rl_error_set(err, 0, "config.json: linux.%s: set without a user namespace",
				    nu ? "uidMappings" : "gidMappings");
	}
	return 0;
}

static int check_linux(const struct rl_config *cfg, const struct rl_ns_plan *plan,
		       struct rl_error *err)
{
	const struct rl_linux *lx = cfg->linux_;

	if (lx && lx->has_intel_rdt)
		return rl_error_set(err, 0, "config.json: linux.intelRdt: not supported");
	if (lx && lx->personality) {
		const char *d = lx->personality->domain;

		if (!d || (strcmp(d, "LINUX") != 0 && strcmp(d, "LINUX32") != 0))
			return rl_error_set(err, 0,
					    "config.json: linux.personality.domain: must "
					    "be LINUX or LINUX32");
		if (lx->personality->flags.n)
			return rl_error_set(err, 0,
					    "config.json: linux.personality.flags: not "
					    "supported");
	}
	/* Without its own mount namespace the rootfs setup (pivot_root,
	 * mounts) would happen in the host's. */
	if (!plan->present[RL_NS_MOUNT])
		return rl_error_set(err, 0,
				    "config.json: linux.namespaces: a \"mount\" "
				    "namespace is required");
	if ((cfg->hostname || cfg->domainname) && !plan->present[RL_NS_UTS])
		return rl_error_set(err, 0,
				    "config.json: %s: cannot be set without a private "
				    "uts namespace",
				    cfg->hostname ? "hostname" : "domainname");
	/* config-linux.md "Offset for Time Namespace": only for a new one;
	 * offsets of an existing namespace are frozen. */
	if (lx && (lx->time_boottime.set || lx->time_monotonic.set) && !plan->new_time)
		return rl_error_set(err, 0,
				    "config.json: linux.timeOffsets: needs a new time "
				    "namespace");
	return check_userns(lx, plan, err);
}

int rl_container_check_config(const struct rl_config *cfg, struct rl_ns_plan *plan,
			      struct rl_error *err)
{
	if (!cfg->process)
		return rl_error_set(err, 0, "config.json: process: is required to run a container");
	/* A terminal needs a console socket or a pty owned by us; that is a
	 * later issue, so refuse like runc without --console-socket. */
	if (cfg->process->terminal)
		return rl_error_set(err, 0,
				    "config.json: process.terminal: a terminal needs "
				    "--console-socket (or set terminal to false)");
	if (!cfg->has_root || !cfg->root.path || !cfg->root.path[0])
		return rl_error_set(err, 0, "config.json: root.path: is required");
	if (rl_clone_flags(cfg->linux_, plan, err) < 0)
		return -1;
	return check_linux(cfg, plan, err);
}

/* ---- the child --------------------------------------------------------- */

static int write_file(const char *path, const char *text, struct rl_error *err)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(text);
	ssize_t n;

	if (fd < 0)
		return rl_error_set(err, errno, "open %s", path);
	do
		n = write(fd, text, len);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len) {
		int e = n < 0 ? errno : EIO;

		close(fd);
		return rl_error_set(err, e, "write %s", path);
	}
	close(fd);
	return 0;
}

/* A new time namespace, with linux.timeOffsets.  unshare(CLONE_NEWTIME)
 * only sets the namespace for children; offsets can be written until the
 * first task enters it, which is our execve (Linux >= 6.0 switches there)
 * or the fork of the slow path. */
static int child_timens(const struct rl_linux *lx, struct rl_error *err)
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
	if (write_file("/proc/self/timens_offsets", buf, err) < 0)
		return rl_error_prefix(err, "linux.timeOffsets");
	return 0;
}

/* The new user namespace is useless until the parent wrote its maps: files
 * we create would have no owner (EOVERFLOW).  The maps of a non-dumpable
 * task are owned by the global root, so be dumpable while they are written:
 * nothing of the container runs yet. */
static int child_userns(struct run_ctx *c, struct rl_error *err)
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
static int child_namespaces(struct run_ctx *c, struct rl_error *err)
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
	if (c->plan.new_time && child_timens(c->cfg->linux_, err) < 0)
		return -1;
	if (rl_clone_needs_fork(&c->plan)) {
		/* A joined or unshared pid namespace only takes our children
		 * (pid_namespaces(7)): the container init is our child, and
		 * we leave it to the runtime, a subreaper. */
		struct rl_sync_msg m = {.type = RL_SYNC_PID};
		pid_t pid = fork();

		if (pid < 0)
			return rl_error_set(err, errno, "fork into the pid namespace");
		if (pid > 0) {
			m.pid = pid;
			_exit(rl_sync_send(c->sync[1], &m) < 0 ? 1 : 0);
		}
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

static int child_setup(struct run_ctx *c, struct rl_error *err)
{
	const struct rl_config *cfg = c->cfg;
	struct rl_rootfs_opts ro = {.cfg = cfg,
				    .rootfs = c->rootfs,
				    .no_pivot = c->o->no_pivot,
				    .in_userns = c->plan.present[RL_NS_USER]};

	if (child_namespaces(c, err) < 0)
		return -1;
	/* A fresh anonymous session keyring, so the container does not see
	 * (or fill) the caller's; ENOSYS: keyrings not built in. */
	if (!c->o->no_new_keyring &&
	    syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL, 0, 0, 0) < 0 && errno != ENOSYS)
		return rl_error_set(err, errno, "join a new session keyring");
	if (child_identity(cfg, err) < 0)
		return -1;
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
	}
	if (rl_rootfs_prepare(&ro, err) < 0 || rl_rootfs_finalize(&ro, err) < 0)
		return -1;
	if (cfg->linux_ && cfg->linux_->personality) {
		bool is32 = strcmp(cfg->linux_->personality->domain, "LINUX32") == 0;

		if (personality(is32 ? PER_LINUX32 : PER_LINUX) < 0)
			return rl_error_set(err, errno, "personality %s",
					    cfg->linux_->personality->domain);
	}
	/* From here on the runtime going away must not kill the workload,
	 * as with runc run. */
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (rl_sync_send_type(c->sync[1], RL_SYNC_READY) < 0)
		return rl_error_set(err, errno, "sync channel: send");
	return 0;
}

static _Noreturn void child_main(struct run_ctx *c)
{
	struct rl_error e = {0};
	struct rl_exec_opts eo = {.process = c->cfg->process,
				  .preserve_fds = c->o->preserve_fds,
				  .keep_fd = c->sync[1],
				  .seccomp = seccomp_of(c->cfg),
				  .seccomp_listener_fd = -1};
	int r, hint = 0;

	/* Non-dumpable until execve (which resets it): nothing that runs in
	 * the container may open /proc/<pid>/exe of this copy of the runtime
	 * and write through it (CVE-2019-5736). */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	close(c->sync[0]);
	close(c->sigfd);
	sigprocmask(SIG_SETMASK, &c->oldmask, NULL);
	r = child_setup(c, &e);
	eo.seccomp_listener_fd = c->listener_fd;
	if (r == 0)
		r = rl_process_exec(&eo, &e);
	if (r == -127 || r == -126)
		hint = -r;
	rl_sync_send_error(c->sync[1], &e, hint);
	_exit(hint ? hint : 1);
}

/* ---- the parent -------------------------------------------------------- */

static int status_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 1;
}

static pid_t waitpid_eintr(pid_t pid, int *st, int flags)
{
	pid_t r;

	do
		r = waitpid(pid, st, flags);
	while (r < 0 && errno == EINTR);
	return r;
}

/* Reads what the signalfd holds.  Once the workload runs, forwarded
 * signals go to it.  Before that the init is our own code, and as pid 1 of
 * a new pid namespace it would not even receive them (pid_namespaces(7):
 * only signals it has a handler for): a terminating one aborts the setup,
 * the others wait for the execve.  SIGCHLD only wakes us: the callers look
 * at waitpid. */
static void forward_signals(struct run_ctx *c)
{
	struct signalfd_siginfo si;

	for (;;) {
		ssize_t n = read(c->sigfd, &si, sizeof(si));
		int sig = (int)si.ssi_signo;

		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(si))
			return; /* EAGAIN: drained */
		if (sig == SIGCHLD || c->init <= 0)
			continue;
		if (c->execed)
			kill(c->init, sig);
		else if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT)
			c->abort_sig = c->abort_sig ? c->abort_sig : sig;
		else
			sigaddset(&c->deferred, sig);
	}
}

static void forward_deferred(struct run_ctx *c)
{
	c->execed = true;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		if (sigismember(&c->deferred, forwarded[i]))
			kill(c->init, forwarded[i]);
}

/* The child closed the channel before "ready": it died. */
static int setup_died(struct run_ctx *c, struct rl_error *err)
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
			    status_code(st));
}

/* One message from the child.  1: go on, 0: exec done, <0: failure
 * (-2: exec lookup failed, *status set). */
static int handle_msg(struct run_ctx *c, const struct rl_sync_msg *m, bool *ready, int *status,
		      struct rl_error *err)
{
	switch (m->type) {
	case RL_SYNC_USERNS:
		if (rl_userns_write_maps(c->init, c->cfg->linux_, err) < 0)
			return -1;
		if (rl_sync_send_type(c->sync[0], RL_SYNC_GO) < 0)
			return rl_error_set(err, errno, "sync channel: send");
		return 1;
	case RL_SYNC_PID: {
		/* The helper forked the init and exits: reap it, the init is
		 * now ours (we are its subreaper). */
		pid_t helper = c->init;

		c->init = m->pid;
		waitpid_eintr(helper, NULL, 0);
		return 1;
	}
	case RL_SYNC_READY:
		*ready = true;
		return 1;
	case RL_SYNC_ERROR:
		rl_sync_to_error(m, err);
		if (m->hint == 127 || m->hint == 126) {
			*status = m->hint;
			return -2;
		}
		return -1;
	default:
		return rl_error_set(err, EPROTO, "sync channel: unexpected message %u", m->type);
	}
}

/* Serves the child until execve happened (0) or setup failed (<0). */
static int await_exec(struct run_ctx *c, int *status, struct rl_error *err)
{
	bool ready = false;

	for (;;) {
		struct pollfd p[2] = {{.fd = c->sync[0], .events = POLLIN},
				      {.fd = c->sigfd, .events = POLLIN}};
		struct rl_sync_msg m;
		int r;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return rl_error_set(err, errno, "poll");
		}
		if (p[1].revents & POLLIN)
			forward_signals(c);
		if (c->abort_sig) {
			/* The caller kills the child; exit as if it had died of
			 * the signal, like a shell. */
			*status = 128 + c->abort_sig;
			rl_error_set(err, 0, "interrupted by signal %d (%s) during setup",
				     c->abort_sig, strsignal(c->abort_sig));
			return -2;
		}
		if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		r = rl_sync_recv(c->sync[0], &m, err);
		if (r < 0)
			return -1;
		if (r == 0)
			return ready ? 0 : setup_died(c, err);
		r = handle_msg(c, &m, &ready, status, err);
		if (r <= 0)
			return r;
	}
}

/* Waits for the init, forwarding signals; reaps orphans that came to us
 * as subreaper on the way. */
static int wait_init(struct run_ctx *c, int *status, struct rl_error *err)
{
	for (;;) {
		int st = 0;
		pid_t pid = waitpid_eintr(c->subreaper ? -1 : c->init, &st, WNOHANG);
		struct pollfd p = {.fd = c->sigfd, .events = POLLIN};

		if (pid < 0)
			return rl_error_set(err, errno, "wait for the container init");
		if (pid == c->init) {
			c->init = 0;
			*status = status_code(st);
			return 0;
		}
		if (pid > 0)
			continue;
		/* Any SIGCHLD after the waitpid above is pending on sigfd. */
		if (poll(&p, 1, -1) < 0 && errno != EINTR)
			return rl_error_set(err, errno, "poll");
		forward_signals(c);
	}
}

/* ---- rl_container_run -------------------------------------------------- */

static void ctx_cleanup(struct run_ctx *c)
{
	if (c->init > 0) {
		kill(c->init, SIGKILL);
		waitpid_eintr(c->init, NULL, 0);
	}
	if (c->sigfd >= 0) {
		c->init = 0;
		forward_signals(c); /* drain: nothing left to deliver once unblocked */
		close(c->sigfd);
	}
	if (c->masked)
		sigprocmask(SIG_SETMASK, &c->oldmask, NULL);
	if (c->subreaper)
		prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0);
	for (int i = 0; i < 2; i++)
		if (c->sync[i] >= 0)
			close(c->sync[i]);
	rl_ns_close(&c->plan);
	rl_config_free(c->cfg);
	free(c->bundle);
	free(c->rootfs);
}

static int load_bundle(struct run_ctx *c, struct rl_error *err)
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
static int resolve_rootfs(struct run_ctx *c, struct rl_error *err)
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
static int block_signals(struct run_ctx *c, struct rl_error *err)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++)
		sigaddset(&set, forwarded[i]);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, &c->oldmask) < 0)
		return rl_error_set(err, errno, "sigprocmask");
	c->masked = true;
	c->sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (c->sigfd < 0)
		return rl_error_set(err, errno, "signalfd");
	return 0;
}

static int start(struct run_ctx *c, struct rl_error *err)
{
	pid_t pid;

	if (rl_ns_open(&c->plan, err) < 0)
		return -1;
	/* The init of the slow path is our grandchild; to wait for it we
	 * must be the one it is reparented to. */
	if (rl_clone_needs_fork(&c->plan)) {
		if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
			return rl_error_set(err, errno, "prctl(PR_SET_CHILD_SUBREAPER)");
		c->subreaper = true;
	}
	if (block_signals(c, err) < 0 || rl_sync_pair(c->sync, 3 + c->o->preserve_fds, err) < 0)
		return -1;
	/* Fast path: one clone makes every namespace.  Slow path: the child
	 * joins first and unshares after (rl_ns_join). */
	pid = rl_clone_spawn(c->plan.join_any ? 0 : c->plan.new_flags, err);
	if (pid < 0)
		return -1;
	if (pid == 0)
		child_main(c);
	c->init = pid;
	close(c->sync[1]);
	c->sync[1] = -1;
	rl_ns_close(&c->plan);
	return 0;
}

int rl_container_run(const struct rl_run_opts *o, int *status, struct rl_error *err)
{
	struct run_ctx c __attribute__((cleanup(ctx_cleanup))) = {
	    .o = o, .sync = {-1, -1}, .sigfd = -1, .listener_fd = -1};
	int r;

	for (int t = 0; t < RL_NS__COUNT; t++)
		c.plan.fd[t] = -1;
	sigemptyset(&c.deferred);
	*status = 0;
	if (rl_container_check_id(o->id, err) < 0)
		return -1;
	if (o->preserve_fds < 0)
		return rl_error_set(err, 0, "--preserve-fds: must not be negative");
	if (load_bundle(&c, err) < 0 || rl_container_check_config(c.cfg, &c.plan, err) < 0 ||
	    resolve_rootfs(&c, err) < 0 || start(&c, err) < 0)
		return -1;
	r = await_exec(&c, status, err);
	if (r < 0)
		return r;
	forward_deferred(&c);
	return wait_init(&c, status, err);
}
