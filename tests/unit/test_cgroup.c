/* runtime/cgroup.c and cgroup_layout.c: the layout from mountinfo and
 * /proc/self/cgroup, cgroupsPath resolution (absolute, relative, default,
 * systemd), the record, making and removing directories in a scratch tree,
 * and, as root, freezing and killing through a real cgroup v2 directory. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "tap.h"

static char scratch[PATH_MAX];

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static char *get(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, len - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static bool is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* This machine's layout, as its mountinfo shows it, plus a bind mount of
 * the memory hierarchy that must not count twice. */
static const char hybrid_mi[] =
    "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
    "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
    "33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct\n"
    "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
    "37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer\n"
    "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
    "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
    "50 23 0:32 /x /mnt/mem rw,relatime - cgroup cgroup rw,memory\n";
static const char hybrid_pc[] = "9:name=systemd:/\n"
				"6:freezer:/\n"
				"4:memory:/process_api/abc\n"
				"2:cpuacct:/\n"
				"1:cpu:/user/1\n"
				"0::/\n";

static void write_mi(const char *text, char *path)
{
	snprintf(path, PATH_MAX, "%s/mountinfo", scratch);
	put(path, text);
}

static void test_names(void)
{
	is_str(rl_cg_ctrl_name(RL_CG_BLKIO, false), "blkio", "blkio on v1");
	is_str(rl_cg_ctrl_name(RL_CG_BLKIO, true), "io", "io on v2");
	ok(rl_cg_ctrl_name(RL_CG_FREEZER, true) == NULL, "no freezer controller on v2");
	is_int(rl_cg_ctrl_from_name("io"), RL_CG_BLKIO, "io is blkio");
	is_int(rl_cg_ctrl_from_name("net_prio"), RL_CG_NET_PRIO, "net_prio");
	is_int(rl_cg_ctrl_from_name("bogus"), -1, "unknown controller");
}

static void test_layout_hybrid(void)
{
	struct rl_cg_layout l;
	struct rl_error e = {0};
	char mi[PATH_MAX];
	const struct rl_cg_hier *h;

	write_mi(hybrid_mi, mi);
	ok(rl_cg_layout_parse(mi, hybrid_pc, &l, &e) == 0, "hybrid layout parses: %s", e.msg);
	is_int(l.mode, RL_CG_HYBRID, "hybrid: v1 and cgroup2 mounts");
	is_int(l.n, 6, "six hierarchies, the bind mount of memory not counted");
	h = rl_cg_layout_find(&l, RL_CG_MEMORY);
	ok(h && strcmp(h->mount, "/sys/fs/cgroup/memory") == 0, "memory at its first mount");
	ok(h && strcmp(h->own, "/process_api/abc") == 0, "own memory cgroup");
	h = rl_cg_layout_find(&l, RL_CG_CPU);
	ok(h && strcmp(h->own, "/user/1") == 0 && h->ctrls == RL_CG_BIT(RL_CG_CPU),
	   "cpu: its own cgroup, only cpu");
	h = rl_cg_layout_find(&l, RL_CG_CORE);
	ok(h && h->v2 && strcmp(h->mount, "/sys/fs/cgroup/unified") == 0, "the v2 one");
	ok(h && strcmp(h->own, "/") == 0, "v2: at the root");
	h = NULL;
	for (size_t i = 0; i < l.n; i++)
		if (l.h[i].name)
			h = &l.h[i];
	ok(h && strcmp(h->name, "systemd") == 0 && h->ctrls == 0, "name=systemd, no controllers");
	ok(rl_cg_layout_find(&l, RL_CG_NET_CLS) == NULL, "net_cls is not mounted");
	rl_cg_layout_free(&l);
}

/* A unified host whose v2 controllers come from cgroup.controllers; and a
 * cgroup namespace view, whose mount root is "/.." of our cgroup. */
static void test_layout_unified(void)
{
	struct rl_cg_layout l;
	struct rl_error e = {0};
	char mi[PATH_MAX], text[2 * PATH_MAX + 128], dir[PATH_MAX], f[PATH_MAX + 32];

	snprintf(dir, sizeof(dir), "%s/u", scratch);
	mkdir(dir, 0755);
	snprintf(f, sizeof(f), "%s/cgroup.controllers", dir);
	put(f, "cpuset cpu io memory hugetlb pids rdma misc\n");
	snprintf(text, sizeof(text), "30 23 0:26 / %s rw - cgroup2 cgroup2 rw\n", dir);
	write_mi(text, mi);
	ok(rl_cg_layout_parse(mi, "0::/user.slice/session-1.scope\n", &l, &e) == 0,
	   "unified layout parses: %s", e.msg);
	is_int(l.mode, RL_CG_UNIFIED, "unified");
	is_int(l.n, 1, "one hierarchy");
	ok(l.n == 1 && (l.h[0].ctrls & RL_CG_BIT(RL_CG_BLKIO)) &&
	       (l.h[0].ctrls & RL_CG_BIT(RL_CG_MEMORY)) && (l.h[0].ctrls & RL_CG_BIT(RL_CG_CORE)),
	   "controllers from cgroup.controllers, io as blkio");
	ok(l.n == 1 && !(l.h[0].ctrls & RL_CG_BIT(RL_CG_FREEZER)), "no freezer controller");
	rl_cg_layout_free(&l);

	snprintf(text, sizeof(text), "30 23 0:26 /.. %s rw - cgroup2 cgroup2 rw\n", dir);
	write_mi(text, mi);
	ok(rl_cg_layout_parse(mi, "0::/a/b\n", &l, &e) == 0 && l.n == 1 &&
	       strcmp(l.h[0].own, "/") == 0,
	   "a mount whose root is not ours: our cgroup is its root");
	rl_cg_layout_free(&l);

	/* Found by tests/fuzz/cglayout_fuzz: an own cgroup that is not a
	 * clean absolute path ("/.." of a process moved out of its cgroup
	 * namespace's root) made cgroupsPath resolve outside the mount. */
	snprintf(text, sizeof(text), "30 23 0:26 / %s rw - cgroup2 cgroup2 rw\n", dir);
	write_mi(text, mi);
	ok(rl_cg_layout_parse(mi, "0::/../../x\n", &l, &e) == 0 && l.n == 1 &&
	       strcmp(l.h[0].own, "/") == 0,
	   "our cgroup outside the namespace's root (/../../x): the mount's root");
	{
		struct rl_cgroup cg = {0};

		ok(rl_cg_resolve(&l, "c1", "id", false, &cg, &e) == 0 && cg.n == 1 &&
		       strcmp(cg.d[0].path, "/c1") == 0,
		   "and a relative cgroupsPath stays below the mount: %s",
		   cg.n ? cg.d[0].path : e.msg);
		rl_cg_free(&cg);
	}
	rl_cg_layout_free(&l);
	/* Found by tests/fuzz/cglayout_fuzz: a line without its two colons
	 * took the next line's, and read past the end of the text. */
	ok(rl_cg_layout_parse(mi, "garbage\n0::/a\n", &l, &e) == 0 && l.n == 1 &&
	       strcmp(l.h[0].own, "/a") == 0,
	   "a line without colons before ours is skipped");
	rl_cg_layout_free(&l);
	ok(rl_cg_layout_parse(mi, "1\n2:\n", &l, &e) == 0 && l.n == 1 &&
	       strcmp(l.h[0].own, "/") == 0,
	   "lines with fewer than two colons: no own cgroup, the mount's root");
	rl_cg_layout_free(&l);
	ok(rl_cg_layout_parse(mi, "0::x/\n", &l, &e) == 0 && l.n == 1 &&
	       strcmp(l.h[0].own, "/") == 0,
	   "a relative own cgroup (x/): the mount's root");
	rl_cg_layout_free(&l);

	write_mi("22 1 0:5 / / rw - ext4 /dev/vda rw\n", mi);
	ok(rl_cg_layout_parse(mi, "", &l, &e) == 0 && l.mode == RL_CG_NONE && l.n == 0,
	   "no cgroup mounted: none");
	rl_cg_layout_free(&l);
}

static void test_systemd_path(void)
{
	struct rl_error e = {0};
	char p[PATH_MAX];

	ok(rl_cg_systemd_path("system.slice:docker:abc", p, sizeof(p), &e) == 0, "docker form");
	is_str(p, "/system.slice/docker-abc.scope", "a scope in system.slice");
	rl_cg_systemd_path("kubepods-burstable-pod12.slice:cri-containerd:x1", p, sizeof(p), &e);
	is_str(p,
	       "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod12.slice/"
	       "cri-containerd-x1.scope",
	       "nested slices are expanded as systemd does");
	rl_cg_systemd_path(":libpod:x", p, sizeof(p), &e);
	is_str(p, "/system.slice/libpod-x.scope", "empty slice: system.slice");
	rl_cg_systemd_path("machine.slice::x", p, sizeof(p), &e);
	is_str(p, "/machine.slice/x.scope", "empty prefix: the name alone");
	rl_cg_systemd_path("-.slice:p:x", p, sizeof(p), &e);
	is_str(p, "/p-x.scope", "the root slice");
	rl_cg_systemd_path("user.slice:p:pod.slice", p, sizeof(p), &e);
	is_str(p, "/user.slice/pod.slice", "a name that is a slice");
	ok(rl_cg_systemd_path("/a/b", p, sizeof(p), &e) < 0, "a plain path is refused");
	is_str(e.msg, "\"/a/b\": expected \"slice:prefix:name\" for systemd cgroups",
	       "and the message says which form");
	ok(rl_cg_systemd_path("a--b.slice:p:x", p, sizeof(p), &e) < 0, "a bad slice name");
	is_str(e.msg, "invalid slice name \"a--b.slice\"", "is named");
	ok(rl_cg_systemd_path("sys.slice:p:a/../../x", p, sizeof(p), &e) < 0,
	   "no escape through the name");
}

/* The names StartTransientUnit gets (runtime/systemd.c). */
static void test_systemd_names(void)
{
	struct rl_error e = {0};
	char slice[NAME_MAX + 1], unit[2 * NAME_MAX + 16];

	ok(rl_cg_systemd_names("kubepods-besteffort.slice:cri-containerd:ab", slice,
			       sizeof(slice), unit, sizeof(unit), &e) == 0,
	   "kubelet form");
	is_str(slice, "kubepods-besteffort.slice", "the slice as given");
	is_str(unit, "cri-containerd-ab.scope", "the unit: prefix-name.scope");
	rl_cg_systemd_names("::x", slice, sizeof(slice), unit, sizeof(unit), &e);
	is_str(slice, "system.slice", "empty slice: system.slice");
	is_str(unit, "x.scope", "empty prefix: name.scope");
	rl_cg_systemd_names("machine.slice:p:pod1.slice", slice, sizeof(slice), unit,
			    sizeof(unit), &e);
	is_str(unit, "pod1.slice", "a name that is a slice is the unit");
	ok(rl_cg_systemd_names("a:b", slice, sizeof(slice), unit, sizeof(unit), &e) < 0,
	   "two fields are refused");
	ok(rl_cg_systemd_names("a:b:c", slice, 8, unit, sizeof(unit), &e) < 0,
	   "a buffer too small is refused, not overrun");
}

static void layout_of(struct rl_cg_layout *l)
{
	struct rl_error e = {0};
	char mi[PATH_MAX];

	write_mi(hybrid_mi, mi);
	rl_cg_layout_parse(mi, hybrid_pc, l, &e);
}

static const char *path_in(const struct rl_cgroup *cg, enum rl_cg_ctrl c)
{
	const struct rl_cg_dir *d = rl_cg_find(cg, c);

	return d ? d->path : "(none)";
}

static void test_resolve(void)
{
	struct rl_cg_layout l;
	struct rl_cgroup cg;
	struct rl_error e = {0};

	layout_of(&l);
	ok(rl_cg_resolve(&l, "/k8s//pod1/c1/", "id", false, &cg, &e) == 0, "absolute: %s", e.msg);
	is_int(cg.n, l.n, "one directory per hierarchy");
	is_str(path_in(&cg, RL_CG_MEMORY), "/k8s/pod1/c1", "absolute, cleaned, in memory");
	is_str(path_in(&cg, RL_CG_CORE), "/k8s/pod1/c1", "and in v2");
	rl_cg_free(&cg);

	ok(rl_cg_resolve(&l, NULL, "web1", false, &cg, &e) == 0, "no cgroupsPath");
	is_str(path_in(&cg, RL_CG_MEMORY), "/process_api/abc/web1",
	       "default: the id, below our own cgroup");
	is_str(path_in(&cg, RL_CG_CPU), "/user/1/web1", "per hierarchy");
	is_str(path_in(&cg, RL_CG_FREEZER), "/web1", "our cgroup at the root");
	rl_cg_free(&cg);

	ok(rl_cg_resolve(&l, "x/./y", "id", false, &cg, &e) == 0, "relative");
	is_str(path_in(&cg, RL_CG_CPU), "/user/1/x/y", "below our own, '.' dropped");
	rl_cg_free(&cg);

	ok(rl_cg_resolve(&l, "machine.slice:libpod:abc", "id", true, &cg, &e) == 0, "systemd");
	is_str(path_in(&cg, RL_CG_MEMORY), "/machine.slice/libpod-abc.scope",
	       "systemd form: the unit's path, from the root");
	rl_cg_free(&cg);
	ok(rl_cg_resolve(&l, NULL, "c9", true, &cg, &e) == 0, "systemd, no cgroupsPath");
	is_str(path_in(&cg, RL_CG_CPU), "/system.slice/rlite-c9.scope", "runc's default, ours");
	rl_cg_free(&cg);

	ok(rl_cg_resolve(&l, "/a/../b", "id", false, &cg, &e) < 0, "\"..\" refused");
	is_str(e.msg, "linux.cgroupsPath \"/a/../b\": must not contain \"..\"", "named");
	ok(rl_cg_resolve(&l, "/", "id", false, &cg, &e) < 0, "the root refused");
	ok(strstr(e.msg, "is the root of the hierarchy") != NULL, "as the root: %s", e.msg);
	ok(rl_cg_resolve(&l, "/a\tb", "id", false, &cg, &e) < 0, "a tab refused");
	ok(rl_cg_resolve(&l, "/a/b", "id", true, &cg, &e) < 0, "systemd wants its form");
	rl_cg_layout_free(&l);
}

/* v2 relative paths go below the parent of our cgroup: ours has
 * processes and so can have no child with controllers. */
static void test_resolve_v2_parent(void)
{
	struct rl_cg_layout l;
	struct rl_cgroup cg;
	struct rl_error e = {0};
	char mi[PATH_MAX];

	write_mi("30 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n", mi);
	rl_cg_layout_parse(mi, "0::/user.slice/session-1.scope\n", &l, &e);
	ok(rl_cg_resolve(&l, "c1", "id", false, &cg, &e) == 0, "relative on v2");
	is_str(cg.n ? cg.d[0].path : "", "/user.slice/c1", "below the parent of our own");
	rl_cg_free(&cg);
	rl_cg_layout_free(&l);
}

/* A scratch "hierarchy" that rl_cg_make and rl_cg_remove work in. */
static void fake(struct rl_cgroup *cg, const char *mount, const char *path, bool v2, unsigned ctrls)
{
	cg->d = calloc(1, sizeof(*cg->d));
	cg->n = 1;
	cg->d[0].mount = strdup(mount);
	cg->d[0].path = strdup(path);
	cg->d[0].v2 = v2;
	cg->d[0].ctrls = ctrls;
}

static void test_make_remove(void)
{
	struct rl_cgroup cg;
	struct rl_error e = {0};
	char h[PATH_MAX], p[2 * PATH_MAX], buf[256];

	snprintf(h, sizeof(h), "%s/h1", scratch);
	mkdir(h, 0755);
	snprintf(p, sizeof(p), "%s/a", h);
	mkdir(p, 0755);
	fake(&cg, h, "/a/b/c", false, RL_CG_BIT(RL_CG_PIDS));
	ok(rl_cg_make(&cg, &e) == 0, "make: %s", e.msg);
	is_int(cg.d[0].created, 2, "b and c were made, a was there");
	snprintf(p, sizeof(p), "%s/a/b/c", h);
	ok(is_dir(p), "the directory exists");

	ok(rl_cg_remove(&cg, 0, &e) == 0, "remove: %s", e.msg);
	ok(!is_dir(p), "the leaf is gone");
	snprintf(p, sizeof(p), "%s/a/b", h);
	ok(!is_dir(p), "so is the parent it made");
	snprintf(p, sizeof(p), "%s/a", h);
	ok(is_dir(p), "the one that was there stays");
	ok(rl_cg_remove(&cg, 0, &e) == 0, "removing again: nothing to do");
	rl_cg_free(&cg);

	/* rl_cg_prepare counts before anything is made (for the record). */
	fake(&cg, h, "/a/p/q/r", false, RL_CG_BIT(RL_CG_PIDS));
	ok(rl_cg_prepare(&cg, &e) == 0 && cg.d[0].created == 3, "prepare: 3 levels to make");
	snprintf(p, sizeof(p), "%s/a/p", h);
	ok(!is_dir(p), "and makes none of them");
	ok(rl_cg_make(&cg, &e) == 0 && cg.d[0].created == 3, "make takes it from there");
	snprintf(p, sizeof(p), "%s/a/p/q/r", h);
	ok(is_dir(p), "all made");
	ok(rl_cg_remove(&cg, 0, &e) == 0, "removed");
	snprintf(p, sizeof(p), "%s/a/p", h);
	ok(!is_dir(p), "with the levels it made");
	rl_cg_free(&cg);

	/* A leaf that exists and has processes belongs to someone else. */
	snprintf(p, sizeof(p), "%s/a/busy", h);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/a/busy/cgroup.procs", h);
	put(p, "4242\n");
	fake(&cg, h, "/a/busy", false, RL_CG_BIT(RL_CG_PIDS));
	ok(rl_cg_prepare(&cg, &e) < 0 && e.errnum == EBUSY, "prepare refuses it too");
	ok(rl_cg_make(&cg, &e) < 0, "a cgroup in use is refused");
	snprintf(buf, sizeof(buf), "%s", e.msg);
	ok(strstr(buf, "already in use by other processes") && e.errnum == EBUSY, "as in use: %s",
	   buf);
	rl_cg_free(&cg);

	snprintf(p, sizeof(p), "%s/a/busy/cgroup.procs", h);
	put(p, "");
	fake(&cg, h, "/a/busy", false, RL_CG_BIT(RL_CG_PIDS));
	ok(rl_cg_make(&cg, &e) == 0 && cg.d[0].created == 0, "an empty one is taken as it is");
	put(p, "7\n12\n3\n");
	{
		pid_t *pids = NULL;
		size_t n = 0;

		ok(rl_cg_pids(&cg, &pids, &n, &e) == 0 && n == 3 && pids[0] == 3 && pids[1] == 7 &&
		       pids[2] == 12,
		   "pids from cgroup.procs, sorted");
		free(pids);
	}
	rl_cg_free(&cg);
}

/* Late mode's order: the v2 directory first (the child is born in it),
 * the v1 ones after; each joined through its own file. */
static void test_make_v2_first(void)
{
	struct rl_cgroup cg = {0};
	struct rl_error e = {0};
	char h1[PATH_MAX], h2[PATH_MAX], p[2 * PATH_MAX], buf[64];
	int fds[2];

	snprintf(h1, sizeof(h1), "%s/v1h", scratch);
	snprintf(h2, sizeof(h2), "%s/v2h", scratch);
	mkdir(h1, 0755);
	mkdir(h2, 0755);
	cg.n = 2;
	cg.d = calloc(2, sizeof(*cg.d));
	cg.d[0] = (struct rl_cg_dir){
	    .mount = strdup(h1), .path = strdup("/c"), .ctrls = RL_CG_BIT(RL_CG_PIDS)};
	cg.d[1] = (struct rl_cg_dir){
	    .mount = strdup(h2), .path = strdup("/c"), .v2 = true, .ctrls = RL_CG_BIT(RL_CG_CORE)};
	ok(rl_cg_prepare(&cg, &e) == 0, "prepare: %s", e.msg);
	ok(rl_cg_make_v2(&cg, &e) == 0, "the v2 directory alone: %s", e.msg);
	snprintf(p, sizeof(p), "%s/c", h2);
	ok(is_dir(p), "... is made");
	snprintf(p, sizeof(p), "%s/c", h1);
	ok(!is_dir(p), "... and no v1 one");
	/* the child is in it now: not someone else's */
	snprintf(p, sizeof(p), "%s/c/cgroup.procs", h2);
	put(p, "4242\n");
	ok(rl_cg_make(&cg, &e) == 0, "then the rest, the v2 one left as made: %s", e.msg);
	snprintf(p, sizeof(p), "%s/c", h1);
	ok(is_dir(p), "... the v1 directory is made");

	snprintf(p, sizeof(p), "%s/c/tasks", h1);
	put(p, "");
	snprintf(p, sizeof(p), "%s/c/cgroup.procs", h2);
	put(p, "");
	ok(rl_cg_open_join(&cg, false, fds, &e) == 0, "open what a process joins by: %s", e.msg);
	ok(rl_cg_join_fds(&cg, fds, &e) == 0 && fds[0] == -1 && fds[1] == -1,
	   "join writes and closes each");
	snprintf(p, sizeof(p), "%s/c/tasks", h1);
	is_str(get(p, buf, sizeof(buf)), "0",
	       "v1: \"0\" to tasks (the thread itself, no global lock)");
	snprintf(p, sizeof(p), "%s/c/cgroup.procs", h2);
	is_str(get(p, buf, sizeof(buf)), "0", "v2: \"0\" to cgroup.procs");
	snprintf(p, sizeof(p), "%s/c/tasks", h1);
	unlink(p);
	ok(rl_cg_open_join(&cg, false, fds, &e) < 0 && e.errnum == ENOENT && fds[1] == -1,
	   "a file that cannot be opened: an error, nothing left open: %s", e.msg);
	snprintf(p, sizeof(p), "%s/c/cgroup.procs", h2);
	unlink(p);
	ok(rl_cg_remove(&cg, 0, &e) == 0, "removed: %s", e.msg);
	rl_cg_free(&cg);

	/* a failure of the rest undoes only what that call made */
	cg.n = 2;
	cg.d = calloc(2, sizeof(*cg.d));
	cg.d[0] = (struct rl_cg_dir){.mount = strdup("/nonexistent-rlite-mount"),
				     .path = strdup("/c"),
				     .ctrls = RL_CG_BIT(RL_CG_PIDS)};
	cg.d[1] = (struct rl_cg_dir){.mount = strdup(h2),
				     .path = strdup("/d/e"),
				     .v2 = true,
				     .ctrls = RL_CG_BIT(RL_CG_CORE)};
	ok(rl_cg_prepare(&cg, &e) == 0 && rl_cg_make_v2(&cg, &e) == 0, "v2 first: %s", e.msg);
	ok(rl_cg_make(&cg, &e) < 0 && e.errnum == ENOENT, "the v1 mkdir fails: %s", e.msg);
	snprintf(p, sizeof(p), "%s/d/e", h2);
	ok(is_dir(p), "the v2 directory made before stays (the child is in it)");
	ok(rl_cg_remove(&cg, 0, &e) == 0, "removed with the rest: %s", e.msg);
	snprintf(p, sizeof(p), "%s/d", h2);
	ok(!is_dir(p), "... with the level it made");
	rl_cg_free(&cg);
}

static void test_record(void)
{
	struct rl_cgroup a = {0}, b = {0};
	struct rl_error e = {0};
	char p[PATH_MAX];
	int dir = open(scratch, O_DIRECTORY | O_RDONLY | O_CLOEXEC);

	ok(rl_cg_load(dir, &b, &e) == 0 && b.n == 0, "no record: no cgroups");
	a.d = calloc(2, sizeof(*a.d));
	a.n = 2;
	a.d[0] = (struct rl_cg_dir){.mount = strdup("/sys/fs/cgroup/memory"),
				    .ctrls = RL_CG_BIT(RL_CG_MEMORY),
				    .path = strdup("/x/y"),
				    .created = 2};
	a.d[1] = (struct rl_cg_dir){.mount = strdup("/sys/fs/cgroup/unified"),
				    .v2 = true,
				    .ctrls = RL_CG_BIT(RL_CG_CORE) | RL_CG_BIT(RL_CG_HUGETLB),
				    .path = strdup("/x y/z"),
				    .created = 0};
	ok(rl_cg_save(dir, &a, &e) == 0, "save: %s", e.msg);
	ok(rl_cg_load(dir, &b, &e) == 0, "load: %s", e.msg);
	ok(b.n == 2 && !b.d[0].v2 && b.d[1].v2, "versions");
	ok(b.n == 2 && strcmp(b.d[0].mount, "/sys/fs/cgroup/memory") == 0 &&
	       strcmp(b.d[1].path, "/x y/z") == 0,
	   "paths, with a space");
	ok(b.n == 2 && b.d[0].created == 2 && b.d[1].ctrls == a.d[1].ctrls, "counts, controllers");
	rl_cg_free(&b);
	snprintf(p, sizeof(p), "%s/cgroups", scratch);
	put(p, "v3\tbad\n");
	ok(rl_cg_load(dir, &b, &e) < 0 && strstr(e.msg, "corrupt"), "a corrupt record: %s", e.msg);
	/* What delete --force trusts to rmdir: nothing but clean paths. */
	{
		static const char *const bad[] = {
		    "v1\t8\t1\t/sys/fs/cgroup/memory\t/x/../../../etc\n",
		    "v1\t8\t1\t/sys/fs/cgroup/memory\t/\n",
		    "v1\t8\t1\t/sys/fs/cgroup/memory\t/x//y\n",
		    "v1\t8\t1\trelative\t/x\n",
		    "v1\t8\t-1\t/sys/fs/cgroup/memory\t/x\n",
		    "v1\tzz\t1\t/sys/fs/cgroup/memory\t/x\n",
		    "v1\t8\t1\t/sys/fs/cgroup/memory\t/x\textra\n",
		    "v1\t8\t1\t/sys/fs/cgroup/memory\n",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			put(p, bad[i]);
			ok(rl_cg_load(dir, &b, &e) < 0 && strstr(e.msg, "corrupt (line 1)"),
			   "refused: %.*s", (int)strlen(bad[i]) - 1, bad[i]);
			rl_cg_free(&b);
		}
		put(p, "v1\t8\t1\t/sys/fs/cgroup/memory\t/x");
		ok(rl_cg_load(dir, &b, &e) == 0 && b.n == 1, "a last line without newline: %s",
		   e.msg);
		rl_cg_free(&b);
	}
	rl_cg_free(&a);
	close(dir);
}

/* ---- as root, on the real cgroup v2 hierarchy ------------------------------- */

static const char *v2_mount(void)
{
	static const char *const cands[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
	char p[PATH_MAX];

	for (size_t i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/cgroup.controllers", cands[i]);
		if (access(p, F_OK) == 0)
			return cands[i];
	}
	return NULL;
}

static pid_t child_in(const struct rl_cgroup *cg)
{
	int fds[1] = {-1}, sync[2];
	pid_t pid;
	char c;

	if (pipe(sync) < 0 || rl_cg_open_join(cg, false, fds, NULL) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		struct rl_cgroup copy = *cg;

		rl_cg_join_fds(&copy, fds, NULL);
		close(sync[0]);
		close(sync[1]);
		for (;;)
			pause();
	}
	close(fds[0]);
	close(sync[1]);
	read(sync[0], &c, 1); /* EOF once the child joined */
	close(sync[0]);
	return pid;
}

static void test_v2_real(void)
{
	const char *m = v2_mount();
	struct rl_cgroup cg = {0};
	struct rl_error e = {0};
	char path[64], buf[256], f[PATH_MAX];
	pid_t pid;
	int st = 0;

	if (geteuid() != 0 || !m) {
		ok(1, "# SKIP needs root and a cgroup v2 hierarchy");
		return;
	}
	snprintf(path, sizeof(path), "/rlite-unit-%d", (int)getpid());
	fake(&cg, m, path, true, RL_CG_BIT(RL_CG_CORE));
	if (!ok(rl_cg_make(&cg, &e) == 0, "a real v2 cgroup: %s", e.msg))
		return;
	rl_cg_dir_path(&cg.d[0], "cgroup.freeze", f, sizeof(f));
	if (access(f, F_OK) != 0) {
		ok(1, "# SKIP no cgroup.freeze on this kernel (the v2 freezer is Linux 5.2)");
		ok(rl_cg_remove(&cg, 2000, &e) == 0, "removed: %s", e.msg);
		rl_cg_free(&cg);
		return;
	}
	pid = child_in(&cg);
	{
		pid_t *pids = NULL;
		size_t n = 0;

		ok(rl_cg_pids(&cg, &pids, &n, &e) == 0 && n == 1 && pids[0] == pid,
		   "the child joined through its cgroup.procs fd");
		free(pids);
	}
	ok(rl_cg_freeze(&cg, true, &e) == 0 && rl_cg_frozen(&cg), "cgroup.freeze: frozen: %s",
	   e.msg);
	rl_cg_dir_path(&cg.d[0], "cgroup.events", f, sizeof(f));
	ok(strstr(get(f, buf, sizeof(buf)), "frozen 1") != NULL, "the kernel says frozen");
	/* A signal through freeze-signal-thaw leaves a paused cgroup asked to
	 * be frozen (cgroup.freeze); the v2 freezer lets a task with a fatal
	 * signal go and die even so, which is what follows. */
	ok(rl_cg_kill(&cg, SIGUSR1, &e) == 0, "signal while paused: %s", e.msg);
	rl_cg_dir_path(&cg.d[0], "cgroup.freeze", f, sizeof(f));
	is_str(get(f, buf, sizeof(buf)), "1\n", "a paused container stays paused after kill");
	ok(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1,
	   "the fatal signal reached the frozen process");
	ok(rl_cg_freeze(&cg, false, &e) == 0 && !rl_cg_frozen(&cg), "thawed");

	pid = child_in(&cg);
	ok(rl_cg_kill(&cg, SIGKILL, &e) == 0, "SIGKILL through cgroup.kill: %s", e.msg);
	ok(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "killed");
	ok(rl_cg_remove(&cg, 2000, &e) == 0, "removed: %s", e.msg);
	snprintf(f, sizeof(f), "%s%s", m, path);
	ok(!is_dir(f), "gone from the hierarchy");
	rl_cg_free(&cg);
}

int main(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/rlite-cgroup-test.XXXXXX");
	if (!mkdtemp(scratch))
		return 1;
	test_names();
	test_layout_hybrid();
	test_layout_unified();
	test_systemd_path();
	test_systemd_names();
	test_resolve();
	test_resolve_v2_parent();
	test_make_remove();
	test_make_v2_first();
	test_record();
	test_v2_real();
	{
		char cmd[PATH_MAX + 16];

		snprintf(cmd, sizeof(cmd), "rm -rf %s", scratch);
		if (system(cmd) != 0)
			fprintf(stderr, "# could not remove %s\n", scratch);
	}
	return done_testing();
}
