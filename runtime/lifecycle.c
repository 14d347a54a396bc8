/* The commands that act on an existing container: start, state, list,
 * kill, delete.  Each works under the container's lock (runtime/state.h)
 * and reaches the init only through a pidfd opened for its recorded
 * identity (pid + start time, runtime/procid.h), so a recycled pid is
 * never signalled nor mistaken for the container. */
#include "runtime/container.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "runtime/systemd.h"
#include "runtime/fault.h"
#include "runtime/hooks.h"
#include "runtime/hostmounts.h"
#include "runtime/log.h"
#include "runtime/notify.h"
#include "runtime/monitor.h"
#include "runtime/procid.h"
#include "runtime/safepath.h"
#include "runtime/state.h"

/* How long delete --force waits for a SIGKILLed init: only a process stuck
 * in the kernel (D state, e.g. a dead NFS server) takes longer. */
#define KILL_WAIT_MS 10000

static const char *root_or_default(const char *root)
{
	return root && root[0] ? root : RL_STATE_ROOT_DEFAULT;
}

static void state_freep(struct rl_state **st)
{
	rl_state_free(*st);
}
#define _state_free_ __attribute__((cleanup(state_freep)))

/* ---- signal names (pure) ------------------------------------------------- */

static int bad_signal(const char *s, struct rl_error *err)
{
	return rl_error_set(err, 0, "unknown signal \"%s\"", s);
}

/* "RTMIN", "RTMIN+n", "RTMAX", "RTMAX-n" (glibc's SIGRTMIN: the first two
 * real-time signals belong to the thread library, as in runc's table). */
static int parse_rt(const char *name, int *sig)
{
	bool min = strncasecmp(name, "RTMIN", 5) == 0;
	const char *p = name + 5;
	char *end = NULL;
	long n = 0;

	if (!min && strncasecmp(name, "RTMAX", 5) != 0)
		return -1;
	if (*p) {
		if (*p != (min ? '+' : '-') || !isdigit((unsigned char)p[1]))
			return -1;
		errno = 0;
		n = strtol(p + 1, &end, 10);
		if (errno || *end || n > SIGRTMAX - SIGRTMIN)
			return -1;
	}
	*sig = min ? SIGRTMIN + (int)n : SIGRTMAX - (int)n;
	return 0;
}

static int parse_name(const char *name, int *sig)
{
	static const struct {
		const char *alias;
		int sig;
	} aliases[] = {{"IOT", SIGABRT}, {"CLD", SIGCHLD}, {"POLL", SIGIO}};

	for (int i = 1; i < SIGRTMIN; i++) {
		const char *abbrev = sigabbrev_np(i);

		if (abbrev && strcasecmp(abbrev, name) == 0) {
			*sig = i;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcasecmp(aliases[i].alias, name) == 0) {
			*sig = aliases[i].sig;
			return 0;
		}
	return parse_rt(name, sig);
}

int rl_signal_parse(const char *s, int *sig, struct rl_error *err)
{
	const char *name = s;

	if (!s || !*s)
		return rl_error_set(err, 0, "unknown signal \"\"");
	if (isdigit((unsigned char)s[0])) {
		char *end = NULL;
		long n;

		errno = 0;
		n = strtol(s, &end, 10);
		/* 0 is kill(2)'s existence check: it signals nothing and fails
		 * with "container not running" when the init is gone, as
		 * runc's kill does for callers that probe with it. */
		if (errno || *end || n < 0 || n > SIGRTMAX)
			return rl_error_set(
			    err, 0, "unknown signal \"%s\": numbers go from 0 to %d", s, SIGRTMAX);
		*sig = (int)n;
		return 0;
	}
	if (strncasecmp(name, "SIG", 3) == 0)
		name += 3;
	if (!*name || parse_name(name, sig) < 0)
		return bad_signal(s, err);
	return 0;
}

/* ---- state, list ------------------------------------------------------- */

#define MONITOR_GONE "monitor gone"

/* What runc shows: the live status, and no pid once stopped.  And for a
 * detached container that stopped without a record of its end: whether
 * its monitor is gone (killed: nobody will ever record it).  Only true
 * when st was loaded under the lock, which the monitor needs to record. */
static void make_live(struct rl_state *st, const struct rl_pidset *live)
{
	st->status = rl_state_status_in(st, live);
	if (st->status != RL_STATUS_STOPPED)
		return;
	st->pid = 0;
	if (!st->has_exit_status && st->monitor_pid &&
	    !rl_proc_alive(st->monitor_pid, st->monitor_start_time))
		st->exit_unknown = MONITOR_GONE;
}

int rl_container_state(const char *root, const char *id, struct rl_state **out,
		       struct rl_error *err)
{
	struct rl_state_lock lock _rl_state_lock_ = RL_STATE_LOCK_INIT;

	if (rl_state_lock(root_or_default(root), id, false, &lock, err) < 0 ||
	    rl_state_load(&lock, out, err) < 0)
		return -1;
	make_live(*out, NULL);
	return 0;
}

/* From this many containers on, list reads the pids of /proc once rather
 * than open /proc/PID/stat of each (an init that has exited costs a failed
 * open each otherwise). */
#define LIST_PIDSET_MIN 16

int rl_container_list(const char *root, struct rl_state_list *out, struct rl_error *err)
{
	struct rl_pidset live = {0};
	bool have_live;

	if (rl_state_list(root_or_default(root), out, err) < 0)
		return -1;
	/* Read after every state: a pid missing from it had no process
	 * after its state was read. */
	have_live = out->n >= LIST_PIDSET_MIN && rl_pidset_read(&live) == 0;
	for (size_t i = 0; i < out->n; i++) {
		struct rl_state *again = NULL;

		make_live(out->states[i], have_live ? &live : NULL);
		/* The listing read the file without the lock: the monitor may
		 * have recorded the end and exited since.  Read it again under
		 * the lock before calling it gone. */
		if (!out->states[i]->exit_unknown ||
		    rl_container_state(root, out->states[i]->id, &again, NULL) < 0)
			continue;
		rl_state_free(out->states[i]);
		out->states[i] = again;
	}
	rl_pidset_free(&live);
	return 0;
}

/* ---- start --------------------------------------------------------------- */

static int not_created(enum rl_status s, struct rl_error *err)
{
	if (s == RL_STATUS_STOPPED)
		return rl_error_set(err, 0, "cannot start a container that has stopped");
	if (s == RL_STATUS_RUNNING)
		return rl_error_set(err, 0, "cannot start an already running container");
	return rl_error_set(err, 0, "cannot start a container in the %s state", rl_status_name(s));
}

/* The init's answer on the fifo: "0" (going on to execve), or "1" and
 * why it failed (a startContainer hook).  An EOF with nothing: it died. */
static int fifo_answer(int fd, const struct rl_state_lock *lock, struct rl_error *err)
{
	char buf[RL_ERROR_MSG_MAX + 160];
	size_t len = 0;

	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return 1; /* not all there yet */
		if (n < 0)
			return rl_error_set(err, errno, "read \"%s/" RL_EXEC_FIFO "\"", lock->dir);
		len += (size_t)n;
		if (len > 0 && buf[0] == '0')
			return 0;
		if (n == 0 || len == sizeof(buf) - 1)
			break;
	}
	buf[len] = '\0';
	if (len > 1)
		return rl_error_set(err, 0, "%s", buf + 1);
	return rl_error_set(err, 0, "container init failed to start");
}

/* Opening the fifo for reading lets the init's blocking open for writing
 * return; its answer comes after the startContainer hooks.  Non-blocking,
 * and polled together with the init's pidfd: an init that died (or dies
 * now) never answers, and start must not hang on it. */
static int release_init(const struct rl_state_lock *lock, int pidfd, struct rl_error *err)
{
	_rl_fd_ int fd = openat(lock->fd, RL_EXEC_FIFO, O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return rl_error_set(err, errno, "open \"%s/" RL_EXEC_FIFO "\"", lock->dir);
	for (;;) {
		struct pollfd p[2] = {{.fd = fd, .events = POLLIN},
				      {.fd = pidfd, .events = POLLIN}};
		int r;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return rl_error_set(err, errno, "poll");
		}
		/* A fifo only hangs up once a writer came and went
		 * (pipe_poll), not for a reader waiting for the first one. */
		if (p[0].revents) {
			r = fifo_answer(fd, lock, err);
			if (r <= 0)
				return r;
		}
		if (p[1].revents)
			return rl_error_set(err, ESRCH, "container init exited before start");
	}
}

/* Whether a recorded container may have hooks of a kind: the config had
 * some at create, or its state does not say (an older rlite's). */
static bool later_hooks(const struct rl_state *st, bool had)
{
	return !st->hooks_recorded || had;
}

/* Hooks that only warn (poststop), from a recorded container:
 * its config is read again from the bundle. */
static void hooks_warn(const struct rl_state *st, enum rl_hook_kind kind, const char *json)
{
	struct rl_config *cfg = NULL;
	struct rl_error e = {0};
	char *path = NULL;

	if (asprintf(&path, "%s/config.json", st->bundle) < 0)
		return;
	/* A bundle removed before delete (runc keeps the config in its state;
	 * we read it again): no hooks to run, nothing to warn about. */
	if (rl_config_load(path, &cfg, &e) < 0 && e.errnum != ENOENT)
		rl_log("warning", "%s hooks: %s", rl_hook_name(kind), e.msg);
	else if (cfg)
		rl_hooks_run_warn(&cfg->hooks[kind], kind, json, NULL);
	rl_config_free(cfg);
	free(path);
}

/* The poststart hooks of a recorded container (its config read again
 * from the bundle), failing on the first that fails. */
static int poststart(const struct rl_state *st, const char *json, struct rl_error *err)
{
	struct rl_config *cfg = NULL;
	char *path = NULL;
	int r = 0;

	if (asprintf(&path, "%s/config.json", st->bundle) < 0)
		return rl_error_set(err, ENOMEM, "poststart hooks");
	if (rl_config_load(path, &cfg, err) < 0)
		r = rl_error_prefix(err, "poststart hooks");
	else
		r = rl_hooks_run(&cfg->hooks[RL_HOOK_POSTSTART], RL_HOOK_POSTSTART, json, err);
	rl_config_free(cfg);
	free(path);
	return r;
}

static char *state_json(struct rl_state *st, enum rl_status status)
{
	enum rl_status saved = st->status;
	struct rl_error e = {0};
	char *json = NULL;
	size_t len = 0;

	st->status = status;
	if (rl_state_to_json(st, false, &json, &len, &e) < 0)
		rl_log("warning", "state of %s: %s", st->id, e.msg);
	st->status = saved;
	return json;
}

static void notify_closep(struct rl_notify *n)
{
	rl_notify_close(n);
}

/* NOTIFY_SOCKET (runtime/notify.h), as runc's start: bound before the
 * release, READY awaited after it.  A container created without it has no
 * /run/notify: nothing to wait for. */
static int notify_bind(struct rl_notify *n, const struct rl_state_lock *lock, struct rl_error *err)
{
	struct stat sb;

	n->host = rl_notify_env();
	if (!n->host || fstatat(lock->fd, RL_NOTIFY_DIR, &sb, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	return rl_notify_connect(n, err) < 0 ? -1 : rl_notify_bind(n, lock->fd, lock->dir, err);
}

static int mark_start(const struct rl_state_lock *lock, struct rl_error *err)
{
	int fd = openat(lock->fd, RL_START_MARK, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0)
		return rl_error_set(err, errno, "create \"%s/" RL_START_MARK "\"", lock->dir);
	close(fd);
	return 0;
}

int rl_container_start(const char *root, const char *id, struct rl_error *err)
{
	struct rl_notify notify __attribute__((cleanup(notify_closep))) = RL_NOTIFY_INIT;
	struct rl_state_lock lock _rl_state_lock_ = RL_STATE_LOCK_INIT;
	_state_free_ struct rl_state *st = NULL;
	_rl_fd_ int pidfd = -1;
	char *json = NULL;
	enum rl_status s;
	int r;

	if (rl_state_lock(root_or_default(root), id, true, &lock, err) < 0 ||
	    rl_state_load(&lock, &st, err) < 0)
		return -1;
	s = rl_state_status(st);
	if (s != RL_STATUS_CREATED)
		return not_created(s, err);
	if (rl_pidfd_open(st->pid, st->init_start_time, &pidfd, err) < 0)
		return not_created(RL_STATUS_STOPPED, err);
	if (notify_bind(&notify, &lock, err) < 0)
		return -1;
	/* The mark tells a start killed from here on from one never tried
	 * (rl_state_status). */
	if (mark_start(&lock, err) < 0)
		return -1;
	RL_FAULT_POINT("start.marked");
	r = release_init(&lock, pidfd, err);
	if (r < 0) {
		unlinkat(lock.fd, RL_START_MARK, 0);
		return -1;
	}
	RL_FAULT_POINT("start.released");
	/* Done with it; delete would remove it anyway. */
	unlinkat(lock.fd, RL_EXEC_FIFO, 0);
	RL_FAULT_POINT("start.unlinked");
	st->status = RL_STATUS_RUNNING;
	r = rl_state_save(&lock, st, err);
	unlinkat(lock.fd, RL_START_MARK, 0);
	if (r < 0)
		return -1;
	/* runtime.md step 9: poststart, after the process was executed (it
	 * answered "0" right before its execve), before start returns.
	 * Unlocked: a hook may well ask `rlite state` about us. */
	rl_state_unlock(&lock);
	r = 0;
	if (later_hooks(st, st->poststart_hooks)) {
		json = state_json(st, RL_STATUS_RUNNING);
		r = json ? poststart(st, json, err) : 0;
		free(json);
	}
	/* runtime-spec 1.3: a failing poststart hook stops the container. */
	if (r < 0) {
		rl_pidfd_signal(pidfd, SIGKILL, NULL);
		return rl_error_prefix(err, "the container was stopped");
	}
	/* start returns once the container said READY, or its init ended */
	return rl_notify_relay(&notify, pidfd, st->pid, -1, NULL, NULL, err);
}

/* ---- kill ------------------------------------------------------------------ */

static int ns_of(pid_t pid, struct stat *s)
{
	char path[64];

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/ns/pid");
	return stat(path, s);
}

/* One process found in /proc: signalled through a pidfd opened for its
 * identity, so a pid recycled since readdir is left alone.  Vanished
 * processes are not an error. */
static void signal_member(pid_t pid, int sig)
{
	_rl_fd_ int fd = -1;
	uint64_t start = 0;

	if (rl_proc_start_time(pid, &start, NULL) < 0 || rl_pidfd_open(pid, start, &fd, NULL) < 0)
		return;
	rl_pidfd_signal(fd, sig, NULL);
}

/* A container made without cgroups (--cgroup-manager disabled): its
 * processes are those of its pid namespace, every /proc/PID whose ns/pid
 * is the init's, the init excepted; fn gets each.  A container sharing the
 * host's pid namespace has only its init. */
static int each_in_pidns(pid_t init, void (*fn)(pid_t pid, void *arg), void *arg,
			 struct rl_error *err)
{
	struct stat mine, ns, host;
	struct dirent *de;
	DIR *d;

	if (ns_of(init, &mine) < 0 || ns_of(0, &host) < 0)
		return rl_error_set(err, errno, "pid namespace of %d", (int)init);
	if (mine.st_ino == host.st_ino && mine.st_dev == host.st_dev)
		return 0;
	d = opendir("/proc");
	if (!d)
		return rl_error_set(err, errno, "open /proc");
	while ((de = readdir(d))) {
		char *end = NULL;
		long pid = strtol(de->d_name, &end, 10);

		if (*end || pid <= 0 || pid == init || pid > INT_MAX)
			continue;
		if (ns_of((pid_t)pid, &ns) == 0 && ns.st_ino == mine.st_ino &&
		    ns.st_dev == mine.st_dev)
			fn((pid_t)pid, arg);
	}
	closedir(d);
	return 0;
}

static void signal_one(pid_t pid, void *arg)
{
	signal_member(pid, *(int *)arg);
}

static void cg_freep(struct rl_cgroup *cg)
{
	rl_cg_free(cg);
}
#define _cg_free_ __attribute__((cleanup(cg_freep)))

static int send_kill(const struct rl_state_lock *lock, const struct rl_state *st, int pidfd,
		     int sig, bool all, struct rl_error *err)
{
	_cg_free_ struct rl_cgroup cg = {0};

	if (!all)
		return rl_pidfd_signal(pidfd, sig, err);
	if (rl_cg_load(lock->fd, &cg, err) < 0)
		return -1;
	/* Every process of the cgroup, the ones that daemonized away from the
	 * init and those in nested pid namespaces included. */
	if (cg.n)
		return rl_cg_kill(&cg, sig, err);
	/* The others first: once pid 1 of a namespace dies the kernel kills
	 * the rest, and /proc no longer shows who they were. */
	if (each_in_pidns(st->pid, signal_one, &sig, err) < 0)
		return -1;
	return rl_pidfd_signal(pidfd, sig, err);
}

/* kill --all once the init has exited: what is left in the cgroup (the
 * init's children that daemonized, processes of a container without a pid
 * namespace).  runc does the same, and containerd's shim relies on it to
 * clean up after an init that exited.  "container not running" only when
 * nothing is left. */
static int kill_leftovers(const struct rl_state_lock *lock, int sig, struct rl_error *err)
{
	_cg_free_ struct rl_cgroup cg = {0};
	pid_t *pids = NULL;
	size_t n = 0;

	if (rl_cg_load(lock->fd, &cg, err) < 0)
		return -1;
	if (cg.n && rl_cg_pids(&cg, &pids, &n, err) < 0)
		return -1;
	free(pids);
	if (n == 0)
		return rl_error_set(err, ESRCH, "container not running");
	return rl_cg_kill(&cg, sig, err);
}

/* The signal is recorded (kill_signal) so that the end it causes can be
 * told from one the container chose (rl_state_stopped_by).  The lock is
 * exclusive and held from the signal to the save: a monitor recording the
 * exit (it needs the lock) reads the state with the signal in it. */
int rl_container_kill(const char *root, const char *id, int sig, bool all, struct rl_error *err)
{
	struct rl_state_lock lock _rl_state_lock_ = RL_STATE_LOCK_INIT;
	_state_free_ struct rl_state *st = NULL;
	_rl_fd_ int pidfd = -1;
	struct rl_error e = {0};

	if (rl_state_lock(root_or_default(root), id, true, &lock, err) < 0 ||
	    rl_state_load(&lock, &st, err) < 0)
		return -1;
	if (rl_pidfd_open(st->pid, st->init_start_time, &pidfd, err) < 0)
		return all && err->errnum == ESRCH ? kill_leftovers(&lock, sig, err) : -1;
	if (send_kill(&lock, st, pidfd, sig, all, err) < 0)
		return -1;
	if (sig == 0 || sig == st->kill_signal)
		return 0;
	st->kill_signal = sig;
	/* The signal went out: a failed record does not make kill fail. */
	if (rl_state_save(&lock, st, &e) < 0)
		rl_log("warning", "kill %s: recording the signal: %s", id, e.msg);
	return 0;
}

/* ---- cgroups: pids, pause, update ------------------------------------------ */

/* The container under a lock, with its cgroups; status (and pid) the live
 * ones (make_live). */
static int load_cg(const char *root, const char *id, bool exclusive, struct rl_state_lock *lock,
		   struct rl_state **st, struct rl_cgroup *cg, struct rl_error *err)
{
	*cg = (struct rl_cgroup){0};
	if (rl_state_lock(root_or_default(root), id, exclusive, lock, err) < 0 ||
	    rl_state_load(lock, st, err) < 0 || rl_cg_load(lock->fd, cg, err) < 0)
		return -1;
	make_live(*st, NULL);
	return 0;
}

int rl_container_cgroup(const char *root, const char *id, struct rl_cgroup *cg, int *pid,
			uint64_t *start_time, struct rl_error *err)
{
	struct rl_state_lock lock _rl_state_lock_ = RL_STATE_LOCK_INIT;
	_state_free_ struct rl_state *st = NULL;

	if (load_cg(root, id, false, &lock, &st, cg, err) < 0)
		return -1;
	*pid = st->pid;
	*start_time = st->pid ? st->init_start_time : 0;
	return 0;
}

struct pid_vec {
	int *v;
	size_t n;
	bool nomem;
};

static void add_pid(pid_t pid, void *arg)
{
	struct pid_vec *p = arg;
	int *v = reallocarray(p->v, p->n + 1, sizeof(*v));

	if (!v) {
		p->nomem = true;
		return;
	}
	p->v = v;
	p->v[p->n++] = (int)pid;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int rl_container_pids(const char *root, const char *id, int **pids, size_t *n, struct rl_error *err)
{
	_cg_free_ struct rl_cgroup cg = {0};
	struct pid_vec p = {0};
	uint64_t start = 0;
	int init = 0;

	*pids = NULL;
	*n = 0;
	if (rl_container_cgroup(root, id, &cg, &init, &start, err) < 0)
		return -1;
	if (!init)
		return 0;
	if (cg.n) {
		pid_t *v = NULL;

		if (rl_cg_pids(&cg, &v, n, err) < 0)
			return -1;
		*pids = (int *)v;
		return 0;
	}
	add_pid(init, &p);
	if (each_in_pidns(init, add_pid, &p, err) < 0 || p.nomem) {
		free(p.v);
		return p.nomem ? rl_error_set(err, ENOMEM, "list processes") : -1;
	}
	qsort(p.v, p.n, sizeof(*p.v), cmp_int);
	*pids = p.v;
	*n = p.n;
	return 0;
}

int rl_container_pause(const char *root, const char *id, bool pause, struct rl_error *err)
{
	struct rl_state_lock lock _rl_state_lock_ = RL_STATE_LOCK_INIT;
	_state_free_ struct rl_state *st = NULL;
	_cg_free_ struct rl_cgroup cg = {0};
	enum rl_status want = pause ? RL_STATUS_RUNNING : RL_STATUS_PAUSED;

	if (load_cg(root, id, true, &lock, &st, &cg, err) < 0)
		return -1;
	if (st->status == RL_STATUS_STOPPED)
		return rl_error_set(err, ESRCH, "container not running");
	if (st->status != want)
		return rl_error_set(err, 0, "container %s is %s, not %s", id,
				    rl_status_name(st->status), rl_status_name(want));
	if (!cg.n)
		return rl_error_set(err, ENOTSUP, "container %s has no cgroups to freeze", id);
	if (rl_cg_freeze(&cg, pause, err) < 0)
		return -1;
	st->status = pause ? RL_STATUS_PAUSED : RL_STATUS_RUNNING;
	return rl_state_save(&lock, st, err);
}

int rl_container_update(const char *root, const char *id, const struct rl_resources *r,
			struct rl_error *err)
{
	struct rl_state_lock lock _rl_state_lock_ = RL_STATE_LOCK_INIT;
	_state_free_ struct rl_state *st = NULL;
	_cg_free_ struct rl_cgroup cg = {0};
	char unit[2 * NAME_MAX + 16];

	if (load_cg(root, id, true, &lock, &st, &cg, err) < 0)
		return -1;
	if (st->status == RL_STATUS_STOPPED)
		return rl_error_set(err, ESRCH, "container not running");
	if (!cg.n)
		return rl_error_set(err, ENOTSUP, "container %s has no cgroups to update", id);
	if (rl_cg_apply(&cg, r, NULL, err) < 0 ||
	    rl_systemd_record_load(lock.fd, unit, sizeof(unit), err) < 0)
		return -1;
	/* --systemd-cgroup: systemd's properties too, or a daemon-reload
	 * would put the old limits back */
	if (unit[0]) {
		const struct rl_cg_dir *mem = rl_cg_find(&cg, RL_CG_MEMORY);

		return rl_systemd_update(unit, r, mem ? mem->v2 : true, err);
	}
	return 0;
}

/* ---- delete ---------------------------------------------------------------- */

/* SIGKILL, then wait until the init is gone.  It is not our child (its
 * parent is the caller's subreaper), so waitpid cannot; its pidfd turns
 * readable when it exits. */
static int kill_and_wait(const struct rl_state *st, struct rl_error *err)
{
	_rl_fd_ int fd = -1;
	struct pollfd p;
	int r;

	if (rl_pidfd_open(st->pid, st->init_start_time, &fd, NULL) < 0)
		return 0; /* gone already */
	if (rl_pidfd_signal(fd, SIGKILL, NULL) < 0)
		return 0;
	p = (struct pollfd){.fd = fd, .events = POLLIN};
	do
		r = poll(&p, 1, KILL_WAIT_MS);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return rl_error_set(err, errno, "poll");
	if (r == 0)
		return rl_error_set(err, ETIMEDOUT, "container init %d did not exit after SIGKILL",
				    st->pid);
	return 0;
}

/* How long delete waits for the last processes to leave the cgroups. */
#define CGROUP_WAIT_MS 2000

/* Kills whatever is in the cgroups (a stopped container too: what escaped
 * the init's pid namespace, or one whose init was never recorded), then
 * the init of a live one (st: not stopped; NULL when there is no state),
 * and removes the cgroups.  The cgroups first: a paused init dies only
 * once thawed. */
static int stop_and_remove(const struct rl_state_lock *lock, const struct rl_state *st,
			   struct rl_error *err)
{
	_cg_free_ struct rl_cgroup cg = {0};

	char unit[2 * NAME_MAX + 16];

	if (rl_cg_load(lock->fd, &cg, err) < 0 || rl_cg_kill(&cg, SIGKILL, err) < 0 ||
	    (st && kill_and_wait(st, err) < 0))
		return -1;
	/* Without a mount namespace of its own, what it mounted is in ours. */
	if (rl_hostmounts_undo(lock->fd, err) < 0 ||
	    rl_systemd_record_load(lock->fd, unit, sizeof(unit), err) < 0)
		return -1;
	/* --systemd-cgroup: the unit goes (a scope whose processes died is
	 * gone already); systemd unreachable now: its directories are still
	 * removed, with a warning */
	if (unit[0]) {
		struct rl_error e = {0};

		if (rl_systemd_stop(unit, &e) < 0)
			rl_log("warning", "%s", e.msg);
	}
	return rl_cg_remove(&cg, CGROUP_WAIT_MS, err);
}

/* The init of an entry whose state does not name one (broken: no state,
 * a corrupt one, or a create killed before its record): the init
 * record's, when that process is still the one recorded. */
static bool init_from_record(const struct rl_state_lock *lock, struct rl_state *st)
{
	int pid = 0;
	uint64_t start = 0;

	if (rl_state_load_init(lock, &pid, &start) < 0 || !rl_proc_alive(pid, start))
		return false;
	st->pid = pid;
	st->init_start_time = start;
	return true;
}

/* delete --force of an entry without a readable state.json: only a
 * directory holding nothing but rlite's own files is removed (a --root
 * pointed at the wrong place must not have its files unlinked), after its
 * cgroups and its init, found through the init record. */
static int delete_unreadable(struct rl_state_lock *lock, const struct rl_error *why,
			     struct rl_error *err)
{
	struct rl_state st = {0};
	const char *stranger = NULL;
	struct rl_error copy = *why;

	if (!rl_state_dir_is_ours(lock, &stranger))
		return rl_error_set(err, copy.errnum,
				    "%s; not removing \"%s\": \"%s\" is not rlite's", copy.msg,
				    lock->dir, stranger ? stranger : "?");
	if (stop_and_remove(lock, init_from_record(lock, &st) ? &st : NULL, err) < 0)
		return -1;
	return rl_state_remove(lock, err);
}

int rl_container_delete(const char *root, const char *id, bool force, struct rl_error *err)
{
	struct rl_state_lock lock _rl_state_lock_ = RL_STATE_LOCK_INIT;
	_state_free_ struct rl_state *st = NULL;
	struct rl_error e = {0};
	char *json = NULL;
	enum rl_status s;
	int r;

	if (rl_state_lock(root_or_default(root), id, true, &lock, &e) < 0) {
		if (force && e.errnum == ENOENT)
			return 0;
		*err = e;
		return -1;
	}
	/* A broken entry (no or corrupt state.json) may still have cgroups,
	 * and processes in them, and its init. */
	if (rl_state_load(&lock, &st, err) < 0)
		return force ? delete_unreadable(&lock, err, err) : -1;
	s = rl_state_status(st);
	if (s == RL_STATUS_BROKEN && !force)
		return rl_error_set(err, 0,
				    "container %s is broken (its create was interrupted): "
				    "delete --force removes it",
				    id);
	if (s == RL_STATUS_RUNNING || s == RL_STATUS_PAUSED || s == RL_STATUS_CREATING) {
		if (!force)
			return rl_error_set(err, 0,
					    "cannot delete container %s that is not stopped: %s",
					    id, rl_status_name(s));
	}
	/* Broken before its record named the init: the init record does. */
	if (s == RL_STATUS_BROKEN && st->pid == 0 && !init_from_record(&lock, st))
		s = RL_STATUS_STOPPED;
	if (stop_and_remove(&lock, s != RL_STATUS_STOPPED ? st : NULL, err) < 0)
		return -1;
	RL_FAULT_POINT("delete.stopped");
	/* A detached container's monitor: gone before its log and state are,
	 * so it writes neither afterwards. */
	if (st->monitor_pid && rl_monitor_stop(st->monitor_pid, st->monitor_start_time, err) < 0)
		return -1;
	st->pid = 0;
	json = later_hooks(st, st->poststop_hooks) ? state_json(st, RL_STATUS_STOPPED) : NULL;
	r = rl_state_remove(&lock, err);
	rl_state_unlock(&lock);
	/* runtime.md step 13: poststop, once the container is deleted. */
	if (r == 0 && json)
		hooks_warn(st, RL_HOOK_POSTSTOP, json);
	free(json);
	return r;
}
