/* A container's cgroups: names, directories, making, recording, joining,
 * acting on their processes, removing.  See cgroup.h. */
#include "runtime/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/clock.h"
#include "runtime/fds.h"
#include "runtime/procid.h"

#define RECORD	   "cgroups"
#define RECORD_TMP ".cgroups.tmp"

static const struct {
	const char *v1, *v2;
} ctrl_names[RL_CG__COUNT] = {
    [RL_CG_CPU] = {"cpu", "cpu"},
    [RL_CG_CPUACCT] = {"cpuacct", NULL},
    [RL_CG_CPUSET] = {"cpuset", "cpuset"},
    [RL_CG_MEMORY] = {"memory", "memory"},
    [RL_CG_DEVICES] = {"devices", NULL},
    [RL_CG_FREEZER] = {"freezer", NULL},
    [RL_CG_BLKIO] = {"blkio", "io"},
    [RL_CG_PIDS] = {"pids", "pids"},
    [RL_CG_HUGETLB] = {"hugetlb", "hugetlb"},
    [RL_CG_NET_CLS] = {"net_cls", NULL},
    [RL_CG_NET_PRIO] = {"net_prio", NULL},
    [RL_CG_RDMA] = {"rdma", "rdma"},
    [RL_CG_PERF_EVENT] = {"perf_event", "perf_event"},
    [RL_CG_MISC] = {"misc", "misc"},
    [RL_CG_CORE] = {NULL, NULL},
};

const char *rl_cg_ctrl_name(enum rl_cg_ctrl c, bool v2)
{
	if ((unsigned)c >= RL_CG__COUNT)
		return NULL;
	return v2 ? ctrl_names[c].v2 : ctrl_names[c].v1;
}

int rl_cg_ctrl_from_name(const char *name)
{
	for (int c = 0; c < RL_CG__COUNT; c++)
		if ((ctrl_names[c].v1 && strcmp(ctrl_names[c].v1, name) == 0) ||
		    (ctrl_names[c].v2 && strcmp(ctrl_names[c].v2, name) == 0))
			return c;
	return -1;
}

const char *rl_cg_dir_path(const struct rl_cg_dir *d, const char *file, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s", d->mount, d->path, file ? "/" : "", file ? file : "");
	return buf;
}

const struct rl_cg_dir *rl_cg_find(const struct rl_cgroup *cg, enum rl_cg_ctrl c)
{
	for (size_t i = 0; cg && i < cg->n; i++)
		if (cg->d[i].ctrls & RL_CG_BIT(c))
			return &cg->d[i];
	return NULL;
}

void rl_cg_free(struct rl_cgroup *cg)
{
	for (size_t i = 0; cg && i < cg->n; i++) {
		free(cg->d[i].mount);
		free(cg->d[i].path);
		free(cg->d[i].name);
	}
	if (cg) {
		free(cg->d);
		cg->d = NULL;
		cg->n = 0;
	}
}

/* ---- small file helpers ------------------------------------------------------ */

int rl_cg_read_path(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;

	if (fd < 0)
		return -1;
	while (got < len - 1) {
		ssize_t n = read(fd, buf + got, len - 1 - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	return (int)got;
}

int rl_cg_write_fd(int fd, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;

	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? errno : (size_t)n != len ? EIO : 0;
}

int rl_cg_write_path(const char *path, const char *value)
{
	int fd, e;

	do
		fd = open(path, O_WRONLY | O_CLOEXEC);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -1;
	e = rl_cg_write_fd(fd, value);
	close(fd);
	errno = e;
	return e ? -1 : 0;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* ---- making ---------------------------------------------------------------- */

/* A directory whose cgroup.procs lists anybody belongs to someone else. */
static int refuse_in_use(const struct rl_cg_dir *d, struct rl_error *err)
{
	char path[PATH_MAX], buf[16];

	rl_cg_dir_path(d, "cgroup.procs", path, sizeof(path));
	if (rl_cg_read_path(path, buf, sizeof(buf)) <= 0)
		return 0;
	return rl_error_set(err, EBUSY, "cgroup \"%s\": already in use by other processes",
			    rl_cg_dir_path(d, NULL, path, sizeof(path)));
}

/* A new v1 cpuset directory has empty cpus and mems, and nothing can join
 * it until they are set: inherit the parent's, as runc does. */
static int cpuset_inherit(const char *dir, struct rl_error *err)
{
	static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
	char path[PATH_MAX], parent[PATH_MAX], buf[4096];

	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		if (rl_cg_read_path(path, buf, sizeof(buf)) < 0 || (buf[0] && buf[0] != '\n'))
			continue;
		snprintf(parent, sizeof(parent), "%s", dir);
		*strrchr(parent, '/') = '\0';
		snprintf(parent + strlen(parent), sizeof(parent) - strlen(parent), "/%s", files[i]);
		if (rl_cg_read_path(parent, buf, sizeof(buf)) < 0 ||
		    rl_cg_write_path(path, buf) < 0)
			return rl_error_set(err, errno, "cgroup %s: inherit from the parent", path);
	}
	return 0;
}

/* word in a space separated list ("cpu io memory\n") */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* v2: a controller works in a directory only when its parent lists it in
 * cgroup.subtree_control; enable what each level offers, top-down.  A
 * level that cannot (it holds processes) is left: a resource that then
 * has no file fails by name when it is written.  One write per
 * controller: a write of several is all or nothing, and in a delegated
 * subtree an unprivileged user may enable some and not others (cpuset
 * fails there with EIO on Linux 6.1), which must not cost it the rest. */
static void v2_enable(const struct rl_cg_dir *d)
{
	char dir[PATH_MAX], path[PATH_MAX], ctrls[512], on[512], want[64];
	size_t len = strlen(d->mount);

	snprintf(dir, sizeof(dir), "%s%s", d->mount, d->path);
	for (char *slash = dir + len; slash; slash = strchr(slash + 1, '/')) {
		char save = *slash, *save_p = NULL;

		*slash = '\0';
		snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
		if (rl_cg_read_path(path, ctrls, sizeof(ctrls)) > 0) {
			snprintf(path, sizeof(path), "%s/cgroup.subtree_control", dir);
			if (rl_cg_read_path(path, on, sizeof(on)) < 0)
				on[0] = '\0';
			/* Only what is not on yet: a write takes the cgroup lock
			 * and rebinds, even when it changes nothing. */
			for (char *t = strtok_r(ctrls, " \n", &save_p); t;
			     t = strtok_r(NULL, " \n", &save_p))
				if (!has_word(on, t)) {
					snprintf(want, sizeof(want), "+%s", t);
					rl_cg_write_path(path, want);
				}
		}
		*slash = save;
	}
}

/* Where mkdir -p of dir starts: the component after the deepest one that
 * exists, as rl_cg_prepare counted them (created), else the first. */
static char *first_missing(char *dir, size_t mount_len, int created)
{
	char *slash = strchr(dir + mount_len + 1, '/');
	int total = 1;

	for (char *p = slash; p; p = strchr(p + 1, '/'))
		total++;
	for (int k = 0; created > 0 && k < total - created; k++)
		slash = strchr(slash + 1, '/');
	return slash;
}

/* mkdir -p of one directory, counting the components it made. */
static int make_one(struct rl_cg_dir *d, bool adopted, struct rl_error *err)
{
	char dir[PATH_MAX];
	size_t len = strlen(d->mount);
	int made = 0;

	snprintf(dir, sizeof(dir), "%s%s", d->mount, d->path);
	for (char *slash = first_missing(dir, len, d->created);; slash = strchr(slash + 1, '/')) {
		if (slash)
			*slash = '\0';
		if (mkdir(dir, 0755) == 0) {
			made++;
			if (!d->v2 && (d->ctrls & RL_CG_BIT(RL_CG_CPUSET)) &&
			    cpuset_inherit(dir, err) < 0) {
				d->created = made;
				return -1;
			}
		} else if (errno != EEXIST) {
			d->created = made;
			return rl_error_set(err, errno, "cgroup \"%s\": mkdir", dir);
		}
		if (!slash)
			break;
		*slash = '/';
	}
	/* The count of rl_cg_prepare stays: a level someone else made
	 * between the two is one this container asked for too. */
	d->created = made > d->created ? made : d->created;
	if (!made && !adopted && refuse_in_use(d, err) < 0)
		return -1;
	if (d->v2)
		v2_enable(d);
	return 0;
}

/* rmdir of dir and up to levels-1 of its parents, never the mount
 * (mount_len bytes of dir); stops at the first that stays (in use). */
static void rmdir_up(char *dir, size_t mount_len, int levels)
{
	for (int k = 0; k < levels && strlen(dir) > mount_len; k++) {
		if (rmdir(dir) < 0)
			return;
		*strrchr(dir, '/') = '\0';
	}
}

/* Whether this call of make_dirs makes d: not yet made, and v2 if only
 * the v2 directories are asked for. */
static bool wanted(const struct rl_cg_dir *d, bool v2_only)
{
	return !d->made && (!v2_only || d->v2);
}

/* Undoes a failed make_dirs: only the levels it made, so that a
 * directory that was there (another container's) is never touched. */
static void unmake(const struct rl_cgroup *cg, size_t n, bool v2_only)
{
	char dir[PATH_MAX];

	for (size_t i = 0; i < n; i++) {
		if (!wanted(&cg->d[i], v2_only))
			continue;
		rl_cg_dir_path(&cg->d[i], NULL, dir, sizeof(dir));
		rmdir_up(dir, strlen(cg->d[i].mount), cg->d[i].created);
	}
}

/* How many trailing components of d's path are missing. */
static int missing(const struct rl_cg_dir *d)
{
	char dir[PATH_MAX];
	size_t len = strlen(d->mount);
	struct stat st;
	int n = 0;

	rl_cg_dir_path(d, NULL, dir, sizeof(dir));
	while (strlen(dir) > len && stat(dir, &st) < 0 && errno == ENOENT) {
		n++;
		*strrchr(dir, '/') = '\0';
	}
	return n;
}

int rl_cg_prepare(struct rl_cgroup *cg, struct rl_error *err)
{
	for (size_t i = 0; i < cg->n; i++) {
		cg->d[i].created = missing(&cg->d[i]);
		if (cg->d[i].created == 0 && refuse_in_use(&cg->d[i], err) < 0)
			return -1;
	}
	return 0;
}

void rl_cg_adopt(struct rl_cgroup *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		cg->d[i].created = missing(&cg->d[i]);
	cg->adopted = true;
}

static int make_dirs(struct rl_cgroup *cg, bool v2_only, struct rl_error *err)
{
	for (size_t i = 0; i < cg->n; i++) {
		if (wanted(&cg->d[i], v2_only) && make_one(&cg->d[i], cg->adopted, err) < 0) {
			unmake(cg, i + 1, v2_only);
			return -1;
		}
	}
	for (size_t i = 0; i < cg->n; i++)
		if (wanted(&cg->d[i], v2_only))
			cg->d[i].made = true;
	return 0;
}

int rl_cg_make(struct rl_cgroup *cg, struct rl_error *err)
{
	return make_dirs(cg, false, err);
}

int rl_cg_make_v2(struct rl_cgroup *cg, struct rl_error *err)
{
	return make_dirs(cg, true, err);
}

/* ---- the record -------------------------------------------------------------- */

int rl_cg_record_format(const struct rl_cgroup *cg, char **out, size_t *len, struct rl_error *err)
{
	FILE *f = open_memstream(out, len);

	if (!f)
		return rl_error_set(err, ENOMEM, "cgroup record");
	for (size_t i = 0; i < cg->n; i++)
		fprintf(f, "%s\t%x\t%d\t%s\t%s\n", cg->d[i].v2 ? "v2" : "v1", cg->d[i].ctrls,
			cg->d[i].created, cg->d[i].mount, cg->d[i].path);
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return rl_error_set(err, ENOMEM, "cgroup record");
	}
	return 0;
}

int rl_cg_save(int dirfd, const struct rl_cgroup *cg, struct rl_error *err)
{
	char *text = NULL;
	size_t len = 0;
	int fd, r = 0;

	if (rl_cg_record_format(cg, &text, &len, err) < 0)
		return -1;
	fd = openat(dirfd, RECORD_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || rl_write_all(fd, text, len) < 0 || close(fd) < 0) {
		r = rl_error_set(err, errno, "write the cgroup record \"" RECORD "\"");
		unlinkat(dirfd, RECORD_TMP, 0);
	} else if (renameat(dirfd, RECORD_TMP, dirfd, RECORD) < 0) {
		r = rl_error_set(err, errno, "write the cgroup record \"" RECORD "\"");
		unlinkat(dirfd, RECORD_TMP, 0);
	}
	free(text);
	return r;
}

/* A number field of the record: decimal (created) or hex (ctrls), all of
 * it, in range. */
static int parse_num(const char *s, int base, unsigned long max, unsigned long *v)
{
	char *end = NULL;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	errno = 0;
	*v = strtoul(s, &end, base);
	return errno || *end || *v > max ? -1 : 0;
}

bool rl_cg_clean_path(const char *p)
{
	if (p[0] != '/')
		return false;
	for (const char *c = p + 1;; c++) {
		const char *e = strchrnul(c, '/');
		size_t n = (size_t)(e - c);

		if (n == 0 && *e == '\0' && c == p + 1)
			return true; /* "/" */
		if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
			return false;
		if (*e == '\0')
			return true;
		c = e;
	}
}

static int parse_line(char *line, struct rl_cg_dir *d)
{
	char *f[5], *save = NULL;
	unsigned long ctrls = 0, created = 0;

	for (int i = 0; i < 5; i++) {
		f[i] = strtok_r(i ? NULL : line, "\t", &save);
		if (!f[i])
			return -1;
	}
	if (strtok_r(NULL, "\t", &save))
		return -1;
	if ((strcmp(f[0], "v1") && strcmp(f[0], "v2")) || !rl_cg_clean_path(f[3]) ||
	    !rl_cg_clean_path(f[4]) || strcmp(f[4], "/") == 0 ||
	    strlen(f[3]) + strlen(f[4]) >= PATH_MAX ||
	    parse_num(f[1], 16, RL_CG_BIT(RL_CG__COUNT) - 1, &ctrls) < 0 ||
	    parse_num(f[2], 10, PATH_MAX, &created) < 0)
		return -1;
	d->v2 = f[0][1] == '2';
	d->ctrls = (unsigned)ctrls;
	d->created = (int)created;
	d->mount = strdup(f[3]);
	d->path = strdup(f[4]);
	return d->mount && d->path ? 0 : -1;
}

int rl_cg_record_parse(const char *text, size_t len, struct rl_cgroup *cg, struct rl_error *err)
{
	char *buf, *save = NULL;
	size_t lines = 1;

	*cg = (struct rl_cgroup){0};
	if (memchr(text, '\0', len))
		return rl_error_set(err, EINVAL, "\"" RECORD "\": corrupt (a NUL byte)");
	buf = strndup(text, len);
	if (!buf)
		return rl_error_set(err, ENOMEM, "read \"" RECORD "\"");
	for (size_t i = 0; i < len; i++)
		lines += buf[i] == '\n';
	cg->d = calloc(lines, sizeof(*cg->d));
	if (!cg->d) {
		free(buf);
		return rl_error_set(err, ENOMEM, "read \"" RECORD "\"");
	}
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (cg->n == lines || parse_line(l, &cg->d[cg->n++]) < 0) {
			size_t n = cg->n;

			rl_cg_free(cg);
			free(buf);
			return rl_error_set(err, EINVAL, "\"" RECORD "\": corrupt (line %zu)", n);
		}
	}
	free(buf);
	return 0;
}

int rl_cg_load(int dirfd, struct rl_cgroup *cg, struct rl_error *err)
{
	char buf[64 * 1024];
	int fd = openat(dirfd, RECORD, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	size_t len = 0;

	*cg = (struct rl_cgroup){0};
	if (fd < 0)
		return errno == ENOENT ? 0 : rl_error_set(err, errno, "read \"" RECORD "\"");
	while (len < sizeof(buf)) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			close(fd);
			return rl_error_set(err, e, "read \"" RECORD "\"");
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (len == sizeof(buf))
		return rl_error_set(err, EFBIG, "\"" RECORD "\": corrupt (too long)");
	return rl_cg_record_parse(buf, len, cg, err);
}

/* ---- joining ------------------------------------------------------------------ */

int rl_cg_open_join(const struct rl_cgroup *cg, bool no_v2, int *fds, struct rl_error *err)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < cg->n; i++)
		fds[i] = -1;
	for (size_t i = 0; i < cg->n; i++) {
		if (no_v2 && cg->d[i].v2)
			continue;
		rl_cg_dir_path(&cg->d[i], cg->d[i].v2 ? "cgroup.procs" : "tasks", path,
			       sizeof(path));
		fds[i] = open(path, O_WRONLY | O_CLOEXEC);
		if (fds[i] < 0) {
			int e = errno;

			for (size_t j = 0; j < i; j++)
				if (fds[j] >= 0)
					close(fds[j]);
			return rl_error_set(err, e, "cgroup %s: open", path);
		}
	}
	return 0;
}

int rl_cg_join_fds(const struct rl_cgroup *cg, int *fds, struct rl_error *err)
{
	char path[PATH_MAX];
	int r = 0;

	for (size_t i = 0; i < cg->n; i++) {
		ssize_t n;

		if (fds[i] < 0)
			continue;
		do
			n = write(fds[i], "0", 1);
		while (n < 0 && errno == EINTR);
		if (n < 0 && r == 0)
			r = rl_error_set(err, errno, "join cgroup \"%s\"",
					 rl_cg_dir_path(&cg->d[i], NULL, path, sizeof(path)));
		close(fds[i]);
		fds[i] = -1;
	}
	return r;
}

int rl_cg_move(const struct rl_cgroup *cg, pid_t pid, struct rl_error *err)
{
	char path[PATH_MAX], text[16];

	snprintf(text, sizeof(text), "%d", (int)pid);
	for (size_t i = 0; i < cg->n; i++)
		if (rl_cg_write_path(rl_cg_dir_path(&cg->d[i], "cgroup.procs", path, sizeof(path)),
				     text) < 0)
			return rl_error_set(err, errno, "move %d into cgroup \"%s\"", (int)pid,
					    rl_cg_dir_path(&cg->d[i], NULL, path, sizeof(path)));
	return 0;
}

int rl_cg_v2_fd(const struct rl_cgroup *cg, struct rl_error *err)
{
	const struct rl_cg_dir *d = rl_cg_find(cg, RL_CG_CORE);
	char path[PATH_MAX];
	int fd;

	if (!d)
		return -1;
	rl_cg_dir_path(d, NULL, path, sizeof(path));
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		rl_error_set(err, errno, "cgroup \"%s\": open", path);
	return fd;
}

/* ---- processes ---------------------------------------------------------------- */

/* Where membership is read: the v2 directory (it sees every process),
 * else the freezer's (what is frozen is what we list), else any. */
static const struct rl_cg_dir *members_dir(const struct rl_cgroup *cg)
{
	const struct rl_cg_dir *d = rl_cg_find(cg, RL_CG_CORE);

	if (!d)
		d = rl_cg_find(cg, RL_CG_FREEZER);
	return d ? d : (cg->n ? &cg->d[0] : NULL);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

int rl_cg_pids(const struct rl_cgroup *cg, pid_t **pids, size_t *n, struct rl_error *err)
{
	const struct rl_cg_dir *d = members_dir(cg);
	char path[PATH_MAX], *line = NULL;
	size_t cap = 0, len = 0;
	FILE *f;

	*pids = NULL;
	*n = 0;
	if (!d)
		return 0;
	rl_cg_dir_path(d, "cgroup.procs", path, sizeof(path));
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? 0 : rl_error_set(err, errno, "cgroup %s: read", path);
	while (getline(&line, &len, f) > 0) {
		long pid = strtol(line, NULL, 10);

		if (pid <= 0)
			continue;
		if (*n == cap) {
			pid_t *v = reallocarray(*pids, cap ? cap * 2 : 16, sizeof(*v));

			if (!v) {
				fclose(f);
				free(line);
				free(*pids);
				*pids = NULL;
				return rl_error_set(err, ENOMEM, "cgroup %s: read", path);
			}
			*pids = v;
			cap = cap ? cap * 2 : 16;
		}
		(*pids)[(*n)++] = (pid_t)pid;
	}
	fclose(f);
	free(line);
	if (*n)
		qsort(*pids, *n, sizeof(**pids), cmp_pid);
	return 0;
}

/* ---- freezing ---------------------------------------------------------------- */

static bool read_frozen(const struct rl_cg_dir *d)
{
	char path[PATH_MAX], buf[512];

	if (!d->v2) {
		rl_cg_dir_path(d, "freezer.state", path, sizeof(path));
		return rl_cg_read_path(path, buf, sizeof(buf)) > 0 &&
		       strncmp(buf, "FROZEN", 6) == 0;
	}
	rl_cg_dir_path(d, "cgroup.events", path, sizeof(path));
	return rl_cg_read_path(path, buf, sizeof(buf)) > 0 && strstr(buf, "frozen 1");
}

static const struct rl_cg_dir *freezer_dir(const struct rl_cgroup *cg)
{
	const struct rl_cg_dir *d = rl_cg_find(cg, RL_CG_FREEZER);

	return d && !d->v2 ? d : rl_cg_find(cg, RL_CG_CORE);
}

bool rl_cg_frozen(const struct rl_cgroup *cg)
{
	const struct rl_cg_dir *d = freezer_dir(cg);

	return d && read_frozen(d);
}

/* The kernel freezes asynchronously (v1 passes FREEZING, v2 reports
 * "frozen 1" in cgroup.events once every task stopped); a task in an
 * uninterruptible sleep can hold it up, so the write is repeated, as runc
 * does, for up to a few seconds. */
int rl_cg_freeze(const struct rl_cgroup *cg, bool freeze, struct rl_error *err)
{
	const struct rl_cg_dir *d = freezer_dir(cg);
	const char *file, *value;
	char path[PATH_MAX];
	int64_t deadline = rl_now_ms() + 5000;
	long wait = 1;

	if (!d)
		return rl_error_set(err, ENOTSUP, "no freezer for this container's cgroups");
	file = d->v2 ? "cgroup.freeze" : "freezer.state";
	value = d->v2 ? (freeze ? "1" : "0") : (freeze ? "FROZEN" : "THAWED");
	rl_cg_dir_path(d, file, path, sizeof(path));
	for (;;) {
		if (rl_cg_write_path(path, value) < 0)
			return rl_error_set(err, errno, "cgroup %s: write \"%s\"", file, value);
		if (read_frozen(d) == freeze)
			return 0;
		if (rl_now_ms() > deadline)
			return rl_error_set(err, EBUSY, "cgroup %s: %s did not complete", file,
					    freeze ? "freeze" : "thaw");
		sleep_ms(wait);
		wait = wait < 64 ? wait * 2 : wait;
	}
}

/* ---- killing ----------------------------------------------------------------- */

static bool in(const pid_t *v, size_t n, pid_t p)
{
	return bsearch(&p, v, n, sizeof(*v), cmp_pid) != NULL;
}

/* Without a freezer: signal, read again, signal who is new, until nobody
 * new shows up (a bounded number of rounds).  Each through a pidfd of the
 * identity just read, so a recycled pid is left alone. */
static int kill_unfrozen(const struct rl_cgroup *cg, int sig, struct rl_error *err)
{
	pid_t *done = NULL;
	size_t n_done = 0;

	for (int round = 0; round < 16; round++) {
		pid_t *now = NULL;
		size_t n = 0, fresh = 0;

		if (rl_cg_pids(cg, &now, &n, err) < 0) {
			free(done);
			return -1;
		}
		for (size_t i = 0; i < n; i++) {
			uint64_t start = 0;
			int fd = -1;

			if (in(done, n_done, now[i]))
				continue;
			fresh++;
			if (rl_proc_start_time(now[i], &start, NULL) == 0 &&
			    rl_pidfd_open(now[i], start, &fd, NULL) == 0) {
				rl_pidfd_signal(fd, sig, NULL);
				close(fd);
			}
		}
		free(done);
		done = now;
		n_done = n;
		if (!fresh)
			break;
	}
	free(done);
	return 0;
}

int rl_cg_kill(const struct rl_cgroup *cg, int sig, struct rl_error *err)
{
	const struct rl_cg_dir *v2 = rl_cg_find(cg, RL_CG_CORE);
	char path[PATH_MAX];
	pid_t *pids = NULL;
	size_t n = 0;
	bool was_frozen;
	int r;

	if (!cg->n)
		return 0;
	if (sig == SIGKILL && v2) {
		/* Atomic in the kernel: forks racing with it are caught too. */
		rl_cg_dir_path(v2, "cgroup.kill", path, sizeof(path));
		/* A task frozen by the v1 freezer of a hybrid host dies only
		 * once thawed. */
		if (rl_cg_write_path(path, "1") == 0)
			return rl_cg_frozen(cg) ? rl_cg_freeze(cg, false, err) : 0;
		if (errno != ENOENT)
			return rl_error_set(err, errno, "cgroup cgroup.kill: write \"1\"");
	}
	if (!freezer_dir(cg))
		return kill_unfrozen(cg, sig, err);
	/* Nobody left (the usual case once the init is gone): an empty cgroup
	 * gains members only by migration, which is no concern here. */
	if (rl_cg_pids(cg, &pids, &n, err) < 0)
		return -1;
	free(pids);
	pids = NULL;
	if (n == 0)
		return 0;
	/* Frozen, nobody can fork or exit, so the list is complete and no pid
	 * in it can be recycled before the signal lands. */
	was_frozen = rl_cg_frozen(cg);
	if (!was_frozen && rl_cg_freeze(cg, true, err) < 0)
		return -1;
	r = rl_cg_pids(cg, &pids, &n, err);
	for (size_t i = 0; r == 0 && i < n; i++)
		kill(pids[i], sig);
	free(pids);
	/* A SIGKILLed v1 task dies only once thawed; otherwise a paused
	 * container stays paused. */
	if ((!was_frozen || sig == SIGKILL) && rl_cg_freeze(cg, false, r < 0 ? NULL : err) < 0)
		return -1;
	return r;
}

/* ---- removing ---------------------------------------------------------------- */

/* rmdir, retried while the kernel still counts exiting tasks (EBUSY). */
static int rmdir_wait(const char *dir, int64_t deadline)
{
	long wait = 1;

	for (;;) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY || rl_now_ms() >= deadline)
			return -1;
		sleep_ms(wait);
		wait = wait < 32 ? wait * 2 : wait;
	}
}

int rl_cg_remove(const struct rl_cgroup *cg, int timeout_ms, struct rl_error *err)
{
	int64_t deadline = rl_now_ms() + timeout_ms;
	char dir[PATH_MAX];
	int r = 0;

	for (size_t i = 0; i < cg->n; i++) {
		const struct rl_cg_dir *d = &cg->d[i];
		size_t len = strlen(d->mount);

		rl_cg_dir_path(d, NULL, dir, sizeof(dir));
		if (rmdir_wait(dir, deadline) < 0) {
			if (r == 0)
				r = rl_error_set(err, errno, "cgroup \"%s\": remove", dir);
			continue;
		}
		/* Parents this container made, while nobody else uses them. */
		*strrchr(dir, '/') = '\0';
		rmdir_up(dir, len, d->created - 1);
	}
	return r;
}
