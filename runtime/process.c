/* The last steps before execve: everything in config.md "process" that the
 * kernel attaches to a process rather than to its namespaces.
 *
 * The order is the point of this file.  Each step needs some privilege
 * that a later step takes away, so they run from "needs the most" to
 * "needs nothing" (the reference is runc's standard_init_linux.go and
 * finalizeNamespace in init_linux.go):
 *
 *   1. build the seccomp filter (and its BPF program), the env (HOME
 *      from the image's /etc/passwd when it has none, read as root),
 *      close-on-exec the fds: no privilege, and every config error
 *      surfaces before anything changes;
 *   2. oomScoreAdj, rlimits, ioPriority, scheduler: lowering oom_score_adj,
 *      raising a hard rlimit, RT classes and policies need CAP_SYS_RESOURCE,
 *      CAP_SYS_ADMIN or CAP_SYS_NICE, which the capability step may drop;
 *   3. cwd is created and entered as root (the user may lack search rights on
 *      a parent; a permission failure is retried after the uid change);
 *   4. PR_SET_NO_NEW_PRIVS when noNewPrivileges is true;
 *   5. the bounding set is cut while CAP_SETPCAP is still effective;
 *   6. groups, gid, uid with PR_SET_KEEPCAPS, so that the permitted set
 *      survives the uid change (setresuid from 0 clears it otherwise), then
 *      the capability sets as given, ambient last; with a filter and
 *      noNewPrivileges false, CAP_SYS_ADMIN stays effective as well
 *      (below);
 *   7. umask, and args[0] resolved as the container user; the AppArmor
 *      profile or SELinux label for the execve (lsm.h), so that one the
 *      kernel refuses fails create, not start; then the caller's
 *      before_exec (the conductor reports "ready", waits to be started,
 *      runs the startContainer hooks, which get the label too, as in
 *      runc);
 *   8. the seccomp filter, loaded last: one seccomp(2) call;
 *   9. execve.
 *
 * config-linux.md "Seccomp" gives the filter to the container process,
 * not to the runtime, and a profile written for the workload knows
 * nothing of what rlite calls to set it up (faccessat2 for the lookup of
 * args[0], openat for the exec fifo, ...).  So nothing of rlite's runs
 * under it: after step 8 the only calls are execve and, with
 * SCMP_ACT_NOTIFY, the sendmsg that hands the listener to the agent
 * (seccomp.c); if execve fails, the report of that failure.
 *
 * Without no_new_privs, seccomp(2) demands CAP_SYS_ADMIN, which step 6
 * would have dropped: runc loads the filter before its capability and uid
 * changes for that reason, and they then run under it.  rlite instead
 * keeps CAP_SYS_ADMIN in the effective and permitted sets until the
 * load.  That costs nothing: execve(2) computes the new permitted and
 * effective sets from the bounding, inheritable and ambient sets and the
 * file (capabilities(7)), never from the old permitted and effective
 * ones, and CAP_SYS_ADMIN is in none of those unless the config says so. */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <limits.h>
#include <linux/magic.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caps.h"
#include "fault.h"
#include "fds.h"
#include "lsm.h"
#include "procfs.h"
#include "safepath.h"
#include "seccomp.h"

/* The PATH a process without one gets, as runc and the Go and musl libcs. */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ __attribute__((cleanup(freep)))

static void filterp(struct rl_seccomp_filter **f)
{
	rl_seccomp_filter_free(*f);
}

/* ---- args[0] -> path ------------------------------------------------- */

static const char *env_get(const struct rl_strv *env, const char *key)
{
	size_t klen = strlen(key);

	/* the first one wins, as getenv(3) in the process will see it */
	for (size_t i = 0; i < env->n; i++)
		if (strncmp(env->v[i], key, klen) == 0 && env->v[i][klen] == '=')
			return env->v[i] + klen + 1;
	return NULL;
}

/* 0: a regular file we may execute; else the errno execve would give. */
static int check_exec(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return errno;
	/* execve(2) gives EACCES for anything but a regular file */
	if (!S_ISREG(st.st_mode))
		return EACCES;
	/* AT_EACCESS: judge as the effective ids, which execve uses */
	if (faccessat(AT_FDCWD, path, X_OK, AT_EACCESS) < 0)
		return errno;
	return 0;
}

static int lookup_path(const char *name, const char *search, char **out, struct rl_error *err)
{
	size_t nlen = strlen(name);
	bool denied = false;
	const char *dir = search;

	for (;;) {
		const char *end = strchrnul(dir, ':');
		size_t dlen = (size_t)(end - dir);
		char *cand = malloc(dlen + nlen + 3);
		int e;

		if (!cand)
			return rl_error_set(err, ENOMEM, "exec \"%s\"", name);
		/* POSIX: an empty PATH entry is the current directory */
		if (dlen == 0)
			sprintf(cand, "./%s", name);
		else
			sprintf(cand, "%.*s/%s", (int)dlen, dir, name);
		e = check_exec(cand);
		if (e == 0) {
			*out = cand;
			return 0;
		}
		free(cand);
		/* execvp(3): a match we may not run is remembered, the search
		 * goes on, and EACCES is the result if nothing better shows up */
		if (e == EACCES)
			denied = true;
		if (!*end)
			break;
		dir = end + 1;
	}
	if (denied) {
		rl_error_set(err, EACCES, "exec \"%s\"", name);
		return -126;
	}
	rl_error_set(err, 0, "exec \"%s\": executable file not found in $PATH", name);
	return -127;
}

int rl_process_lookup(const struct rl_process *p, char **path, struct rl_error *err)
{
	const char *name = p->args.n ? p->args.v[0] : NULL;
	const char *search;
	int e;

	if (!name || !*name) {
		rl_error_set(err, 0, "process.args[0]: empty");
		return -127;
	}
	if (!strchr(name, '/')) {
		search = env_get(&p->env, "PATH");
		return lookup_path(name, search ? search : DEFAULT_PATH, path, err);
	}
	/* a name with a slash is used as it is, relative to the cwd */
	e = check_exec(name);
	if (e == ENOENT) {
		/* In the words of runc's (Go's) error, all lower case: the docker
		 * client matches "no such file or directory" in the runtime's
		 * message, case and all, to exit 127 rather than 125 (GUIDE §4). */
		rl_error_set(err, 0, "exec \"%s\": stat %s: no such file or directory", name, name);
		return -127;
	}
	if (e) {
		rl_error_set(err, e, "exec \"%s\"", name);
		return e == ENOTDIR ? -127 : -126;
	}
	*path = strdup(name);
	if (!*path)
		return rl_error_set(err, ENOMEM, "exec \"%s\"", name);
	return 0;
}

/* ---- HOME ------------------------------------------------------------ */

/* One passwd(5) line, "name:password:uid:gid:gecos:home:shell": its home
 * when its uid is uid and the home fits in size. */
static bool passwd_line_home(char *line, uint32_t uid, char *home, size_t size)
{
	char *f[7], *rest = line, *end = NULL;
	unsigned long long v;

	for (size_t i = 0; i < 7; i++)
		if (!(f[i] = strsep(&rest, ":")))
			return false;
	if (!f[2][0] || f[2][strspn(f[2], "0123456789")] != '\0')
		return false;
	errno = 0;
	v = strtoull(f[2], &end, 10);
	if (errno || v != uid || !f[5][0] || strlen(f[5]) >= size)
		return false;
	memcpy(home, f[5], strlen(f[5]) + 1);
	return true;
}

int rl_passwd_home(int fd, uint32_t uid, char *home, size_t size)
{
	char buf[RL_PASSWD_LINE + 1];
	size_t len = 0, total = 0;
	bool overlong = false; /* in a line that did not fit: skipped */

	for (;;) {
		ssize_t r = read(fd, buf + len, RL_PASSWD_LINE - len);
		char *start = buf, *nl;

		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			break;
		if (r < 0 || (total += (size_t)r) > RL_PASSWD_MAX)
			return -1;
		len += (size_t)r;
		while ((nl = memchr(start, '\n', len - (size_t)(start - buf)))) {
			*nl = '\0';
			if (!overlong && passwd_line_home(start, uid, home, size))
				return 0;
			overlong = false;
			start = nl + 1;
		}
		len -= (size_t)(start - buf);
		memmove(buf, start, len);
		if (len == RL_PASSWD_LINE) {
			overlong = true;
			len = 0;
		}
	}
	/* the last line, without a newline */
	buf[len] = '\0';
	return len && !overlong && passwd_line_home(buf, uid, home, size) ? 0 : -1;
}

/* "HOME=..." for a process whose env has no HOME (or an empty one), as
 * runc and crun set it: the home of process.user.uid in the container's
 * /etc/passwd, "/" without one.  docker sets no HOME of its own and its
 * users count on it (`cd ~`, ~/.config).  The file is the image's: found
 * inside the root (which is the container's by now) without magic links,
 * a regular file only (no FIFO to block on, no device to open) and not on
 * a procfs (a symlink to /proc/self/environ would read rlite's own
 * environment, the caller's), reopened through rlite's procfs, and read up
 * to RL_PASSWD_MAX bytes.  Whatever fails leaves "/". */
static void home_env(const struct rl_process *p, int procfd, char *kv, size_t size)
{
	struct rl_error ignored = {0};
	_rl_fd_ int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_rl_fd_ int path = -1;
	_rl_fd_ int fd = -1;
	struct stat st;
	struct statfs sf;

	snprintf(kv, size, "HOME=/");
	if (root < 0 || procfd < 0)
		return;
	path = rl_safepath_open(root, "/etc/passwd", 0, &ignored);
	if (path < 0 || fstat(path, &st) < 0 || !S_ISREG(st.st_mode) || fstatfs(path, &sf) < 0 ||
	    sf.f_type == PROC_SUPER_MAGIC)
		return;
	fd = rl_procfs_reopen(procfd, path, O_RDONLY, &ignored);
	/* it writes only what it found */
	if (fd >= 0)
		(void)rl_passwd_home(fd, p->user.uid, kv + 5, size - 5);
}

/* ---- env ------------------------------------------------------------- */

bool rl_process_needs_home(const struct rl_process *p)
{
	const char *home = env_get(&p->env, "HOME");

	return !home || !*home;
}

int rl_process_env(const struct rl_process *p, int n_listen, int pid, const char *home, char *buf,
		   char ***out, struct rl_error *err)
{
	char **envp = calloc(p->env.n + 4, sizeof(char *));
	size_t n = 0;

	if (!envp)
		return rl_error_set(err, ENOMEM, "process.env");
	if (home && !rl_process_needs_home(p))
		home = NULL;
	for (size_t i = 0; i < p->env.n; i++) {
		const char *e = p->env.v[i];

		/* ours replace the config's: two LISTEN_FDS would be ambiguous */
		if (n_listen > 0 &&
		    (strncmp(e, "LISTEN_FDS=", 11) == 0 || strncmp(e, "LISTEN_PID=", 11) == 0))
			continue;
		/* an empty HOME is replaced, as runc's os.Setenv does */
		if (home && strncmp(e, "HOME=", 5) == 0)
			continue;
		envp[n++] = p->env.v[i];
	}
	if (home)
		envp[n++] = (char *)home;
	if (n_listen > 0) {
		/* sd_listen_fds(3) checks LISTEN_PID against getpid(); execve
		 * keeps the pid, so the caller's pid is the right one (runc
		 * writes 1, which is wrong behind a pid-1 shim). */
		int k = snprintf(buf, 64, "LISTEN_FDS=%d", n_listen);

		snprintf(buf + k + 1, 64 - (size_t)k - 1, "LISTEN_PID=%d", pid);
		envp[n++] = buf;
		envp[n++] = buf + k + 1;
	}
	envp[n] = NULL;
	*out = envp;
	return 0;
}

/* ---- resources: oom, rlimits, io priority, scheduler ----------------- */

static int set_oom_score_adj(const struct rl_process *p, int procfd, struct rl_error *err)
{
	char val[32];

	if (!p->oom_score_adj.set)
		return 0;
	snprintf(val, sizeof(val), "%lld", (long long)p->oom_score_adj.v);
	/* proc(5): lowering it below the lowest value set since the last
	 * CAP_SYS_RESOURCE needs that capability, else EACCES */
	if (rl_procfs_write(procfd, "self/oom_score_adj", val, err) < 0)
		return rl_error_prefix(err, "process.oomScoreAdj \"%s\"", val);
	return 0;
}

static int set_rlimits(const struct rl_process *p, struct rl_error *err)
{
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct rl_rlimit *r = &p->rlimits[i];
		/* RLIM_INFINITY is ~0 like the spec's uint64 maximum */
		struct rlimit rl = {.rlim_cur = (rlim_t)r->soft, .rlim_max = (rlim_t)r->hard};

		if (setrlimit((__rlimit_resource_t)r->resource, &rl) < 0)
			return rl_error_set(err, errno, "process.rlimits: %s: setrlimit %llu/%llu",
					    r->type ? r->type : "?", (unsigned long long)r->soft,
					    (unsigned long long)r->hard);
	}
	return 0;
}

static int set_io_priority(const struct rl_process *p, struct rl_error *err)
{
	const struct rl_io_priority *io = &p->io_priority;
	/* include/uapi/linux/ioprio.h: class in the top 3 of 16 bits */
	int value = (io->class << 13) | io->priority;

	if (!io->set)
		return 0;
	if (syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, value) < 0)
		return rl_error_set(err, errno, "process.ioPriority: ioprio_set %s %d",
				    io->class_name ? io->class_name : "?", io->priority);
	return 0;
}

/* struct sched_attr, SCHED_ATTR_SIZE_VER1, of include/uapi/linux/sched/types.h:
 * glibc < 2.41 has no sched_setattr() and its <sched.h> clashes with the uapi
 * header, so the ABI layout is spelled out here. */
struct rl_sched_attr {
	uint32_t size;
	uint32_t sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime;
	uint64_t sched_deadline;
	uint64_t sched_period;
	uint32_t sched_util_min;
	uint32_t sched_util_max;
};

/* the SCHED_FLAG_* bits of include/uapi/linux/sched.h */
static const struct {
	const char *name;
	uint64_t bit;
} sched_flags[] = {
    {"SCHED_FLAG_RESET_ON_FORK", 0x01},	 {"SCHED_FLAG_RECLAIM", 0x02},
    {"SCHED_FLAG_DL_OVERRUN", 0x04},	 {"SCHED_FLAG_KEEP_POLICY", 0x08},
    {"SCHED_FLAG_KEEP_PARAMS", 0x10},	 {"SCHED_FLAG_UTIL_CLAMP_MIN", 0x20},
    {"SCHED_FLAG_UTIL_CLAMP_MAX", 0x40},
};

static int set_scheduler(const struct rl_process *p, struct rl_error *err)
{
	const struct rl_scheduler *s = &p->scheduler;
	struct rl_sched_attr a = {.size = sizeof(a), .sched_policy = (uint32_t)s->policy_id};

	if (!s->set)
		return 0;
	for (size_t i = 0; i < s->flags.n; i++) {
		size_t k = 0;

		while (k < sizeof(sched_flags) / sizeof(sched_flags[0]) &&
		       strcmp(sched_flags[k].name, s->flags.v[i]) != 0)
			k++;
		if (k == sizeof(sched_flags) / sizeof(sched_flags[0]))
			return rl_error_set(err, 0, "process.scheduler.flags[%zu]: \"%s\": unknown",
					    i, s->flags.v[i]);
		a.sched_flags |= sched_flags[k].bit;
	}
	/* sched(7): nice is for SCHED_OTHER/BATCH, priority for FIFO/RR,
	 * runtime/deadline/period for DEADLINE; the kernel checks which. */
	a.sched_nice = s->nice.set ? (int32_t)s->nice.v : 0;
	a.sched_priority = s->priority.set ? (uint32_t)s->priority.v : 0;
	a.sched_runtime = s->runtime.set ? s->runtime.v : 0;
	a.sched_deadline = s->deadline.set ? s->deadline.v : 0;
	a.sched_period = s->period.set ? s->period.v : 0;
	if (syscall(SYS_sched_setattr, 0, &a, 0) < 0)
		return rl_error_set(err, errno, "process.scheduler: sched_setattr %s",
				    s->policy ? s->policy : "?");
	return 0;
}

#define NODES_MAX 1024
#define CPUS_MAX  8192
#define LONG_BITS (8 * sizeof(unsigned long))

int rl_process_check_memory_policy(const struct rl_memory_policy *mp, struct rl_error *err)
{
	unsigned long want[NODES_MAX / LONG_BITS], have[NODES_MAX / LONG_BITS];
	char online[256] = "";
	int fd;
	ssize_t n = -1;

	if (!mp || !mp->nodes || !mp->nodes[0] || (mp->flag_bits & (1u << 14)))
		return 0; /* no nodes, or MPOL_F_RELATIVE_NODES */
	fd = open("/sys/devices/system/node/online", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, online, sizeof(online) - 1);
		close(fd);
	}
	if (n <= 0)
		return rl_error_set(err, 0,
				    "config.json: linux.memoryPolicy: this kernel has no NUMA (no "
				    "/sys/devices/system/node/online)");
	online[n] = '\0';
	online[strcspn(online, "\n")] = '\0';
	if (rl_parse_id_list(mp->nodes, want, NODES_MAX) < 0 ||
	    rl_parse_id_list(online, have, NODES_MAX) < 0)
		return rl_error_set(err, 0, "config.json: linux.memoryPolicy.nodes: \"%s\"",
				    mp->nodes);
	for (size_t i = 0; i < NODES_MAX / LONG_BITS; i++)
		if (want[i] & ~have[i])
			return rl_error_set(
			    err, 0,
			    "config.json: linux.memoryPolicy.nodes: \"%s\": this host has the "
			    "nodes \"%s\"",
			    mp->nodes, online);
	return 0;
}

/* config-linux.md "Memory policy": set_mempolicy(2), inherited across
 * execve.  maxnode counts one bit more than the mask holds: the kernel
 * reads maxnode - 1 bits. */
static int set_memory_policy(const struct rl_memory_policy *mp, struct rl_error *err)
{
	unsigned long mask[NODES_MAX / LONG_BITS] = {0};

	if (!mp)
		return 0;
	if (mp->nodes && rl_parse_id_list(mp->nodes, mask, NODES_MAX) < 0)
		return rl_error_set(err, EINVAL, "linux.memoryPolicy.nodes: \"%s\"", mp->nodes);
	if (syscall(SYS_set_mempolicy, mp->mode | (int)mp->flag_bits,
		    mp->nodes && mp->nodes[0] ? mask : NULL, NODES_MAX + 1) < 0)
		return rl_error_set(err, errno, "linux.memoryPolicy: set_mempolicy %s",
				    mp->mode_name);
	return 0;
}

int rl_process_set_affinity(const char *cpus, const char *field, struct rl_error *err)
{
	unsigned long mask[CPUS_MAX / LONG_BITS];

	if (!cpus || !cpus[0])
		return 0;
	if (rl_parse_id_list(cpus, mask, CPUS_MAX) < 0)
		return rl_error_set(err, EINVAL, "%s: \"%s\"", field, cpus);
	if (sched_setaffinity(0, sizeof(mask), (cpu_set_t *)mask) < 0)
		return rl_error_set(err, errno, "%s: sched_setaffinity \"%s\"", field, cpus);
	return 0;
}

static int set_resources(const struct rl_process *p, int procfd, struct rl_error *err)
{
	if (set_oom_score_adj(p, procfd, err) < 0 || set_rlimits(p, err) < 0 ||
	    set_io_priority(p, err) < 0 || set_scheduler(p, err) < 0)
		return -1;
	return 0;
}

/* ---- user and groups ------------------------------------------------- */

/* user_namespaces(7): after "deny" is written to /proc/PID/setgroups (an
 * unprivileged user namespace), setgroups(2) fails with EPERM for good. */
static bool setgroups_denied(int procfd)
{
	char buf[8] = "";
	struct rl_error e = {0};

	return rl_procfs_read(procfd, "self/setgroups", buf, sizeof(buf), &e) > 0 &&
	       strncmp(buf, "deny", 4) == 0;
}

static int set_groups(const struct rl_user *u, int procfd, struct rl_error *err)
{
	_cleanup_free_ gid_t *gids = NULL;

	if (u->n_additional_gids == 0) {
		/* no additionalGids: none, not the runtime's own groups */
		if (setgroups(0, NULL) < 0 && !(errno == EPERM && setgroups_denied(procfd)))
			return rl_error_set(err, errno,
					    "process.user.additionalGids: setgroups []");
		return 0;
	}
	if (u->n_additional_gids > (size_t)sysconf(_SC_NGROUPS_MAX))
		return rl_error_set(err, EINVAL, "process.user.additionalGids: %zu groups",
				    u->n_additional_gids);
	gids = calloc(u->n_additional_gids, sizeof(*gids));
	if (!gids)
		return rl_error_set(err, ENOMEM, "process.user.additionalGids");
	for (size_t i = 0; i < u->n_additional_gids; i++)
		gids[i] = u->additional_gids[i];
	if (setgroups(u->n_additional_gids, gids) < 0)
		return rl_error_set(err, errno,
				    "process.user.additionalGids: setgroups (%zu groups)",
				    u->n_additional_gids);
	return 0;
}

/* Groups first, then gid, then uid: each needs CAP_SETGID / CAP_SETUID,
 * which the uid change takes out of the effective set.  libcap-ng's
 * capng_change_id() is not used: with CAPNG_DROP_SUPP_GRP it would clear the
 * groups set here, and it applies its own idea of the capability sets. */
static int set_user(const struct rl_user *u, int procfd, struct rl_error *err)
{
	/* capabilities(7): without KEEPCAPS, leaving uid 0 empties the
	 * permitted set and the sets of process.capabilities are gone */
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return rl_error_set(err, errno, "process.user: prctl PR_SET_KEEPCAPS");
	if (set_groups(u, procfd, err) < 0)
		return -1;
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return rl_error_set(err, errno, "process.user.gid: setresgid %u", u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return rl_error_set(err, errno, "process.user.uid: setresuid %u", u->uid);
	/* KEEPCAPS is cleared by execve anyway; clear it now so that nothing
	 * in between relies on it */
	if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		return rl_error_set(err, errno, "process.user: prctl PR_SET_KEEPCAPS 0");
	return 0;
}

/* ---- cwd ------------------------------------------------------------- */

/* The cwd must be inside the container's root: a directory fd leaked into
 * the container and used as cwd is how CVE-2024-21626 escaped; getcwd(2)
 * then reports "(unreachable)" or ENOENT instead of an absolute path. */
static int check_cwd(const char *cwd, struct rl_error *err)
{
	char buf[PATH_MAX];

	if (!getcwd(buf, sizeof(buf)))
		return rl_error_set(err, errno, "process.cwd: \"%s\": getcwd", cwd);
	if (buf[0] != '/')
		return rl_error_set(err, EPERM, "process.cwd: \"%s\": outside the container root",
				    cwd);
	return 0;
}

/* 0: done; 1: permission denied as root, try again as the user.  Made
 * and entered through an fd resolved with "/" (the container's root) as
 * the root of the lookup: an image's symlink on the way leads to another
 * directory of the container, never through a magic link of /proc to a
 * directory outside it. */
static int enter_cwd(const char *cwd, bool again, struct rl_error *err)
{
	_rl_fd_ int root = -1;
	_rl_fd_ int fd = -1;

	if (!cwd || cwd[0] != '/')
		return rl_error_set(err, EINVAL, "process.cwd: \"%s\": must be absolute",
				    cwd ? cwd : "");
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return rl_error_set(err, errno, "process.cwd: open \"/\"");
	fd = again ? rl_safepath_open(root, cwd, O_DIRECTORY, err)
		   : rl_safepath_create(root, cwd, RL_SAFEPATH_DIR, 0755, err);
	if (fd >= 0 && fchdir(fd) < 0)
		rl_error_set(err, errno, "chdir \"%s\"", cwd);
	else if (fd >= 0)
		return check_cwd(cwd, err);
	/* runc does the same: with a root-squashing or idmapped mount only
	 * the container user may be able to enter the directory */
	if (!again && err->errnum == EACCES)
		return 1;
	return rl_error_prefix(err, "process.cwd");
}

/* ---- the sequence ---------------------------------------------------- */

struct exec_ctx {
	const struct rl_exec_opts *o;
	const struct rl_process *p;
	struct rl_seccomp_filter *filter; /* NULL: no linux.seccomp */
	char **envp;
	int listener_fd;	     /* for SCMP_ACT_NOTIFY; -1 when none */
	struct rl_state agent_state; /* ... and what the agent is told */
	char listen_env[64];
	char home_env[PATH_MAX + 6]; /* "HOME=" and a path */
	bool cwd_again;		     /* chdir was denied as root: retry as the user */
};

/* runtime.md "State": the agent runs in the runtime's namespaces, so the
 * pid it gets is ours as the runtime sees it, not getpid() in the
 * container's pid namespace. */
static void agent_state(struct exec_ctx *c)
{
	char buf[16] = "";
	ssize_t n = -1;

	if (c->o->state)
		c->agent_state = *c->o->state;
	c->agent_state.pid = (int)getpid();
	if (c->o->host_procfd >= 0)
		n = readlinkat(c->o->host_procfd, "self", buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = '\0';
		c->agent_state.pid = atoi(buf);
	}
}

/* Step 1: nothing here changes the process in a way that matters. */
static int prepare(struct exec_ctx *c, struct rl_error *err)
{
	int n_listen = rl_fds_listen_count();

	if (!c->p)
		return rl_error_set(err, EINVAL, "process: absent");
	if (c->o->preserve_fds < 0 || c->o->preserve_fds > INT_MAX - 3 - n_listen)
		return rl_error_set(err, EINVAL, "preserve-fds: %d", c->o->preserve_fds);
	if (c->o->seccomp && rl_seccomp_build(c->o->seccomp, &c->filter, err) < 0)
		return -1;
	if (rl_process_needs_home(c->p))
		home_env(c->p, c->o->procfd, c->home_env, sizeof(c->home_env));
	if (rl_process_env(c->p, n_listen, (int)getpid(), c->home_env[0] ? c->home_env : NULL,
			   c->listen_env, &c->envp, err) < 0)
		return -1;
	/* As runc: socket-activation fds come first (3 .. 3+L-1), the
	 * --preserve-fds ones right after them. */
	if (rl_fds_prepare(n_listen + c->o->preserve_fds, c->o->keep_fd, c->o->procfd, err) < 0)
		return -1;
	/* Connected now, after the fd sweep (the socket is O_CLOEXEC and must
	 * stay so) and while still root: the agent's socket is judged against
	 * the runtime's credentials, not the container user's, and a late
	 * filter does not have to allow socket(2) and connect(2). */
	c->listener_fd = c->o->seccomp_listener_fd;
	if (rl_seccomp_uses_notify(c->filter))
		agent_state(c);
	if (c->listener_fd <= 0 && rl_seccomp_uses_notify(c->filter)) {
		c->listener_fd = rl_seccomp_connect_listener(c->o->seccomp->listener_path, err);
		if (c->listener_fd < 0)
			return -1;
	}
	return 0;
}

/* Steps 2-4, while the process still has every capability it came with. */
static int privileged(struct exec_ctx *c, struct rl_error *err)
{
	int r;

	if (set_resources(c->p, c->o->procfd, err) < 0 ||
	    set_memory_policy(c->o->memory_policy, err) < 0)
		return -1;
	r = enter_cwd(c->p->cwd, false, err);
	if (r < 0)
		return -1;
	c->cwd_again = r == 1;
	if (c->p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return rl_error_set(err, errno, "process.noNewPrivileges: prctl");
	return 0;
}

/* Steps 5-7: give up what the spec does not grant, but what loading the
 * filter needs (see the top of this file). */
static int unprivileged(struct exec_ctx *c, struct rl_error *err)
{
	const struct rl_user *u = &c->p->user;
	uint64_t hold = c->filter && !c->p->no_new_privileges ? 1ULL << CAP_SYS_ADMIN : 0;

	if (rl_caps_apply_bounding(c->p->capabilities, err) < 0 ||
	    set_user(u, c->o->procfd, err) < 0 || rl_caps_apply(c->p->capabilities, hold, err) < 0)
		return -1;
	if (c->cwd_again && enter_cwd(c->p->cwd, true, err) < 0)
		return -1;
	/* config.md "user": umask defaults to 0022 when absent */
	umask(u->umask.set ? (mode_t)(u->umask.v & 07777) : 022);
	return 0;
}

int rl_process_exec(const struct rl_exec_opts *o, struct rl_error *err)
{
	__attribute__((cleanup(filterp))) struct rl_seccomp_filter *filter = NULL;
	_cleanup_free_ char **envp = NULL;
	_cleanup_free_ char *path = NULL;
	struct exec_ctx c = {.o = o, .p = o->process, .listener_fd = -1};
	int rc;

	rc = prepare(&c, err);
	filter = c.filter;
	envp = c.envp;
	if (rc < 0 || privileged(&c, err) < 0 || unprivileged(&c, err) < 0)
		return -1;
	/* Resolved now, as the container user and before the filter, so
	 * that neither the user's permissions nor the profile are bypassed
	 * nor in the way (runc does LookPath at the same point). */
	rc = rl_process_lookup(c.p, &path, err);
	if (rc < 0)
		return rc;
	/* The labels take effect at execve (lsm.h). */
	if (rl_lsm_apply(o->procfd, c.p, err) < 0)
		return -1;
	RL_FAULT_DELAY("process.ready");
	if (o->before_exec) {
		rc = o->before_exec(o->arg, err);
		if (rc < 0)
			return rc;
	}
	/* Steps 8 and 9: from here on, nothing but execve. */
	if (filter && rl_seccomp_install(filter, c.listener_fd, &c.agent_state, err) < 0)
		return -1;
	execve(path, c.p->args.v, envp);
	rc = errno;
	rl_error_set(err, rc, "exec \"%s\"", path);
	/* what the shells do, and what callers (docker, podman) match on:
	 * 126 found but not runnable, 127 not there (e.g. a missing #!
	 * interpreter or ELF loader) */
	if (rc == EACCES)
		return -126;
	return rc == ENOENT ? -127 : -1;
}
