/* The container's filesystem: propagation, mounts[], /dev, then sysctl,
 * read-only and masked paths, then pivot_root.  Runs in the container
 * child, in its own mount namespace.
 *
 * Every destination named by config.json is resolved inside the rootfs
 * (safepath.c) to an O_PATH fd and mounted on through that fd, so a symlink
 * or ".." in the rootfs can never make us mount on the host.  Where mount(2)
 * needs a path, it is "/proc/self/fd/N" of such an fd, and every one of
 * those calls happens before pivot_root, while "/proc" is still the host's:
 * after pivot_root, "/proc" and "/dev" are the container's, and an image or
 * a mounts[] entry could have stacked anything on a file there.  So nothing
 * is mounted after pivot_root, and what rlite binds into the container it
 * opened itself and checked (the null device, the console). */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "copyup.h"
#include "dev.h"
#include "fault.h"
#include "mnt.h"
#include "mountopt.h"
#include "procfs.h"
#include "safepath.h"

#define ATIME_MASK (MS_NOATIME | MS_RELATIME | MS_STRICTATIME)

struct ctx {
	const struct rl_rootfs_opts *o;
	const struct rl_config *cfg;
	int rootfd;
	bool cgroupns; /* the container has its own cgroup namespace */
	bool netns;    /* ... its own network namespace */
};

/* One mount being made, for the error messages. */
struct target {
	const char *src;  /* as written in config.json */
	const char *dest; /* as written in config.json */
};

static void mountoptp(struct rl_mountopt *m)
{
	rl_mountopt_free(m);
}

static bool has_ns(const struct rl_config *cfg, enum rl_ns_type type)
{
	size_t i;

	for (i = 0; cfg->linux_ && i < cfg->linux_->n_namespaces; i++)
		if (cfg->linux_->namespaces[i].type == type)
			return true;
	return false;
}

static int mount_fd(const char *src, int fd, const char *type, unsigned long flags,
		    const char *data)
{
	char p[RL_FDPATH_MAX];

	return mount(src, rl_fdpath(fd, p), type, flags, data);
}

static int mount_error(struct rl_error *err, const struct target *t)
{
	return rl_error_set(err, errno, "mount \"%s\" on \"%s\"", t->src, t->dest);
}

/* Flags a bind remount must repeat.  MS_REMOUNT sets the mount's flags to
 * exactly what is passed, and in a user namespace the kernel refuses to
 * clear nodev/nosuid/noexec/ro/atime flags that came locked from a more
 * privileged mount (fs/namespace.c can_change_locked_flags).  So whatever
 * the source mount has and the config did not explicitly turn off is kept,
 * as runc does. */
static unsigned long locked_flags(int fd, const struct rl_mountopt *mo)
{
	static const struct {
		unsigned long st, ms;
	} map[] = {
	    {ST_RDONLY, MS_RDONLY}, {ST_NOSUID, MS_NOSUID},	    {ST_NODEV, MS_NODEV},
	    {ST_NOEXEC, MS_NOEXEC}, {ST_NODIRATIME, MS_NODIRATIME},
	};
	unsigned long asked = mo ? mo->flags | mo->cleared : 0, flags = 0;
	struct statvfs sv;
	size_t i;

	if (fstatvfs(fd, &sv) < 0)
		return 0;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if ((sv.f_flag & map[i].st) && !(asked & map[i].ms))
			flags |= map[i].ms;
	if (!(asked & ATIME_MASK)) {
		if (sv.f_flag & ST_NOATIME)
			flags |= MS_NOATIME;
		else if (sv.f_flag & ST_RELATIME)
			flags |= MS_RELATIME;
		else
			flags |= MS_STRICTATIME;
	}
	return flags;
}

/* With MS_BIND the kernel ignores every flag but MS_REC; ro, nosuid, ...
 * take a second call on the new mount (mount(8) does the same). */
static int remount_bind(int fd, unsigned long flags, const struct rl_mountopt *mo)
{
	flags &= ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT);
	return mount_fd(NULL, fd, NULL, MS_BIND | MS_REMOUNT | flags | locked_flags(fd, mo), NULL);
}

/* The fd taken before mount(2) still names the directory underneath the
 * new mount (the magic link leads to that mount and dentry, it does not
 * cross onto what is mounted there), so remounts and propagation changes
 * need a fresh resolution of the destination. */
static int reopen(struct ctx *c, const char *dest, struct rl_error *err)
{
	return rl_safepath_open(c->rootfd, dest, 0, err);
}

/* Propagation options ("rprivate") and the recursive attributes ("rro")
 * are separate calls on the mount just made. */
static int mount_finish(int fd, const struct rl_mountopt *mo, const struct target *t,
			struct rl_error *err)
{
	size_t i;

	for (i = 0; i < mo->n_prop; i++)
		if (mount_fd(NULL, fd, NULL, mo->prop[i], NULL) < 0)
			return rl_error_set(err, errno, "set propagation of \"%s\"", t->dest);
	if (mo->attr_set || mo->attr_clr) {
		struct mount_attr a = {.attr_set = mo->attr_set, .attr_clr = mo->attr_clr};

		if (mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
			return rl_error_set(err, errno, "set recursive options of \"%s\"", t->dest);
	}
	return 0;
}

/* ---- bind mounts ---------------------------------------------------- */

/* What follows a bind mount on t->dest: the flags it takes a remount for,
 * then propagation and the recursive attributes. */
static int bind_finish(struct ctx *c, const struct target *t, const struct rl_mountopt *mo,
		       unsigned long flags, struct rl_error *err)
{
	_rl_fd_ int mnt = reopen(c, t->dest, err);

	if (mnt < 0)
		return -1;
	if ((flags & ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT)) &&
	    remount_bind(mnt, flags, mo) < 0)
		return rl_error_set(err, errno, "remount \"%s\"", t->dest);
	return mount_finish(mnt, mo, t, err);
}

/* The source is a host path (relative ones relative to the cwd, which the
 * caller set to the bundle).  It is opened once so that the type checked
 * and the object mounted are the same. */
static int bind_entry(struct ctx *c, const struct target *t, const struct rl_mountopt *mo,
		      unsigned long flags, struct rl_error *err)
{
	_rl_fd_ int src = open(t->src, O_PATH | O_CLOEXEC);
	_rl_fd_ int dst = -1;
	char p[RL_FDPATH_MAX];
	struct stat st;

	if (src < 0 || fstat(src, &st) < 0)
		return mount_error(err, t);
	dst =
	    rl_safepath_create(c->rootfd, t->dest,
			       S_ISDIR(st.st_mode) ? RL_SAFEPATH_DIR : RL_SAFEPATH_FILE, 0755, err);
	if (dst < 0)
		return -1;
	if (mount_fd(rl_fdpath(src, p), dst, NULL, MS_BIND | (flags & MS_REC), NULL) < 0)
		return mount_error(err, t);
	return bind_finish(c, t, mo, flags, err);
}

/* A detached tree the runtime made before the clone (idmount.h, notify.h)
 * attached on dest, resolved inside the rootfs as a directory or a file
 * after the tree's own type.  what names it in the error. */
static int attach_tree(int rootfd, int tree, const char *what, const char *dest,
		       struct rl_error *err)
{
	_rl_fd_ int dst = -1;
	struct stat st;

	if (fstat(tree, &st) < 0)
		return rl_error_set(err, errno, "attach %s on \"%s\"", what, dest);
	dst = rl_safepath_create(
	    rootfd, dest, S_ISDIR(st.st_mode) ? RL_SAFEPATH_DIR : RL_SAFEPATH_FILE, 0755, err);
	if (dst < 0)
		return -1;
	if (move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return rl_error_set(err, errno, "attach %s on \"%s\"", what, dest);
	return 0;
}

/* An idmapped bind mount: attached like bind_entry's mount would be made,
 * with the same flags and propagation. */
static int idmap_entry(struct ctx *c, const struct target *t, const struct rl_mountopt *mo,
		       unsigned long flags, int tree, struct rl_error *err)
{
	char what[PATH_MAX + 32];

	snprintf(what, sizeof(what), "the idmapped \"%s\"", t->src);
	if (attach_tree(c->rootfd, tree, what, t->dest, err) < 0)
		return -1;
	return bind_finish(c, t, mo, flags, err);
}

/* ---- cgroup ----------------------------------------------------------- */

/* cpu,cpuacct is reachable as cpu and cpuacct too, as on the host. */
static void cgroup_links(int dir, const char *name)
{
	char buf[NAME_MAX + 1], *tok, *save = NULL;

	if (!strchr(name, ',') || snprintf(buf, sizeof(buf), "%s", name) >= (int)sizeof(buf))
		return;
	/* Best effort, like runc.  The result is looked at all the same: with
	 * _FORTIFY_SOURCE (Debian's build flags) glibc insists on it. */
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (strncmp(tok, "name=", 5) != 0 && symlinkat(name, dir, tok) < 0)
			continue;
}

/* One hierarchy under the tmpfs at dir, from the container's directory in
 * it (rl_rootfs_opts.cg): in a cgroup namespace a new mount of the same
 * hierarchy (same controllers), which shows the namespace's root; without
 * one, the container's cgroup bound, so that it looks like the root (as
 * runc). */
static int cgroup_one(struct ctx *c, int dir, const struct rl_cg_dir *d, unsigned long flags,
		      const char *dest, struct rl_error *err)
{
	struct open_how how = {.flags = O_PATH | O_CLOEXEC,
			       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
	const char *name = strrchr(d->mount, '/') + 1;
	char sub[PATH_MAX], src[PATH_MAX], data[256] = "";
	struct target t = {.src = src, .dest = sub};
	_rl_fd_ int fd = -1;

	snprintf(sub, sizeof(sub), "%s/%s", dest, name);
	if (mkdirat(dir, name, 0755) < 0 && errno != EEXIST)
		return rl_error_set(err, errno, "mkdir \"%s\"", sub);
	fd = (int)syscall(SYS_openat2, dir, name, &how, sizeof(how));
	if (fd < 0)
		return rl_error_set(err, errno, "open \"%s\"", sub);
	if (c->cgroupns) {
		for (int k = 0; !d->v2 && k < RL_CG__COUNT; k++)
			if ((d->ctrls & RL_CG_BIT(k)) && rl_cg_ctrl_name(k, false))
				snprintf(data + strlen(data), sizeof(data) - strlen(data), "%s%s",
					 data[0] ? "," : "", rl_cg_ctrl_name(k, false));
		if (d->name)
			snprintf(data + strlen(data), sizeof(data) - strlen(data), "%sname=%s",
				 data[0] ? "," : "", d->name);
		snprintf(src, sizeof(src), "%s", d->v2 ? "cgroup2" : "cgroup");
		if (mount_fd(src, fd, src, flags, data[0] ? data : NULL) < 0)
			return mount_error(err, &t);
	} else {
		/* The flags come after all of them, in one call (cgroup_attrs). */
		rl_cg_dir_path(d, NULL, src, sizeof(src));
		if (mount_fd(src, fd, NULL, MS_BIND, NULL) < 0)
			return mount_error(err, &t);
	}
	cgroup_links(dir, name);
	return 0;
}

/* The per-mount flags of the binds under the tmpfs, and the tmpfs's own,
 * in one recursive mount_setattr (Linux 5.12) instead of a remount each;
 * before that, one remount of each bind. */
static int cgroup_attrs(struct ctx *c, int dir, unsigned long flags, struct rl_error *err)
{
	struct mount_attr a = {.attr_clr = MOUNT_ATTR__ATIME};

	a.attr_set |= flags & MS_RDONLY ? MOUNT_ATTR_RDONLY : 0;
	a.attr_set |= flags & MS_NOSUID ? MOUNT_ATTR_NOSUID : 0;
	a.attr_set |= flags & MS_NODEV ? MOUNT_ATTR_NODEV : 0;
	a.attr_set |= flags & MS_NOEXEC ? MOUNT_ATTR_NOEXEC : 0;
	a.attr_set |= flags & MS_NOATIME       ? MOUNT_ATTR_NOATIME
		      : flags & MS_STRICTATIME ? MOUNT_ATTR_STRICTATIME
					       : MOUNT_ATTR_RELATIME;
	if (mount_setattr(dir, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) == 0)
		return 0;
	if (errno != ENOSYS)
		return rl_error_set(err, errno, "set the flags of the cgroup mounts");
	for (size_t i = 0; c->o->cg && i < c->o->cg->n; i++) {
		struct open_how how = {.flags = O_PATH | O_CLOEXEC,
				       .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
		const char *name = strrchr(c->o->cg->d[i].mount, '/') + 1;
		_rl_fd_ int fd = (int)syscall(SYS_openat2, dir, name, &how, sizeof(how));

		if (fd >= 0 && remount_bind(fd, flags, NULL) < 0)
			return rl_error_set(err, errno, "remount the cgroup mount \"%s\"", name);
	}
	return 0;
}

/* Every hierarchy mounted right below /sys/fs/cgroup. */
static int cgroup_v1(struct ctx *c, int dir, unsigned long flags, const char *dest,
		     struct rl_error *err)
{
	for (size_t i = 0; c->o->cg && i < c->o->cg->n; i++) {
		const struct rl_cg_dir *d = &c->o->cg->d[i];
		const char *slash = strrchr(d->mount, '/');

		if (!slash || (size_t)(slash - d->mount) != strlen("/sys/fs/cgroup") ||
		    strncmp(d->mount, "/sys/fs/cgroup", (size_t)(slash - d->mount)) != 0)
			continue;
		if (cgroup_one(c, dir, d, flags, dest, err) < 0)
			return -1;
	}
	return c->cgroupns ? 0 : cgroup_attrs(c, dir, flags, err);
}

/* mounts[] type "cgroup" (runtime-spec config-linux.md "cgroups"): on a
 * unified host, cgroup2 itself; on a v1/hybrid host a tmpfs holding each
 * hierarchy, read-only when asked, after the hierarchies are in. */
static int cgroup_entry(struct ctx *c, const struct target *t, const struct rl_mountopt *mo,
			unsigned long flags, struct rl_error *err)
{
	unsigned long hflags = flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | ATIME_MASK);
	_rl_fd_ int dst = rl_safepath_create(c->rootfd, t->dest, RL_SAFEPATH_DIR, 0755, err);
	_rl_fd_ int mnt = -1;
	struct statfs sf;

	if (dst < 0)
		return -1;
	if (c->o->before_cgroup && c->o->before_cgroup(c->o->arg, err) < 0)
		return -1;
	if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC) {
		if (mount_fd("cgroup2", dst, "cgroup2", flags, NULL) == 0)
			return 0;
		/* Without a cgroup namespace a user namespace may not mount
		 * cgroup2 (EPERM); runc binds the host's then. */
		if ((errno != EPERM && errno != EBUSY) ||
		    mount_fd("/sys/fs/cgroup", dst, NULL, MS_BIND | MS_REC, NULL) < 0)
			return mount_error(err, t);
		mnt = reopen(c, t->dest, err);
		return mnt < 0 || remount_bind(mnt, flags, mo) < 0 ? mount_error(err, t) : 0;
	}
	if (mount_fd("tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") < 0)
		return mount_error(err, t);
	mnt = reopen(c, t->dest, err);
	if (mnt < 0 || cgroup_v1(c, mnt, hflags, t->dest, err) < 0)
		return -1;
	if ((flags & MS_RDONLY) && remount_bind(mnt, hflags, mo) < 0)
		return rl_error_set(err, errno, "remount \"%s\"", t->dest);
	return mount_finish(mnt, mo, t, err);
}

/* ---- mounts[] ---------------------------------------------------------- */

/* Any other type: one mount(2) with flags and data. */
static int fs_entry(struct ctx *c, const struct target *t, const char *type,
		    const struct rl_mountopt *mo, unsigned long flags, struct rl_error *err)
{
	_rl_fd_ int dst = rl_safepath_create(c->rootfd, t->dest, RL_SAFEPATH_DIR, 0755, err);
	_rl_fd_ int mnt = -1;

	if (dst < 0)
		return -1;
	if (mount_fd(t->src, dst, type, flags, mo->data) < 0)
		return mount_error(err, t);
	if (!mo->n_prop && !mo->attr_set && !mo->attr_clr)
		return 0;
	mnt = reopen(c, t->dest, err);
	return mnt < 0 ? -1 : mount_finish(mnt, mo, t, err);
}

/* tmpcopyup: the tmpfs is mounted writable on the directory, gets its
 * content (read through an fd taken before the mount hid it), and only
 * then becomes read-only if asked. */
static int copyup_entry(struct ctx *c, const struct target *t, const struct rl_mountopt *mo,
			unsigned long flags, struct rl_error *err)
{
	_rl_fd_ int dst = rl_safepath_create(c->rootfd, t->dest, RL_SAFEPATH_DIR, 0755, err);
	_rl_fd_ int under = -1, mnt = -1, top = -1;

	if (dst < 0)
		return -1;
	under = openat(dst, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (under < 0)
		return rl_error_set(err, errno, "tmpcopyup: open \"%s\"", t->dest);
	if (mount_fd(t->src, dst, "tmpfs", flags & ~(unsigned long)MS_RDONLY, mo->data) < 0)
		return mount_error(err, t);
	mnt = reopen(c, t->dest, err);
	if (mnt < 0)
		return -1;
	top = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (top < 0)
		return rl_error_set(err, errno, "tmpcopyup: open the tmpfs on \"%s\"", t->dest);
	if (rl_copyup(under, top, t->dest, err) < 0)
		return -1;
	if ((flags & MS_RDONLY) && remount_bind(mnt, flags, mo) < 0)
		return rl_error_set(err, errno, "remount \"%s\"", t->dest);
	return mount_finish(mnt, mo, t, err);
}

static int mount_entry(struct ctx *c, size_t i, struct rl_error *err)
{
	const struct rl_mount *m = &c->cfg->mounts[i];
	__attribute__((cleanup(mountoptp))) struct rl_mountopt mo = {0};
	struct target t = {.src = m->source, .dest = m->destination};
	const char *type = m->type ? m->type : "";
	unsigned long flags;

	if (rl_mountopt_parse(&m->options, &mo, err) < 0)
		return -1;
	flags = mo.flags & ~(unsigned long)MS_REMOUNT;
	if (!t.src)
		t.src = m->type ? m->type : "none";
	if (c->o->idmap_fds && c->o->idmap_fds[i] >= 0)
		return idmap_entry(c, &t, &mo, flags | MS_BIND, c->o->idmap_fds[i], err);
	/* rl_idmount_check let it through, rl_idmount_open did not make it */
	if (mo.idmap || m->n_uid_mappings)
		return rl_error_set(err, EINVAL, "idmapped mount on \"%s\": not prepared", t.dest);
	if (mo.tmpcopyup && (rl_mountopt_is_bind(m) || strcmp(type, "tmpfs") != 0))
		return rl_error_set(err, EINVAL,
				    "options: tmpcopyup: only a tmpfs mount can be copied up, "
				    "not type \"%s\"",
				    rl_mountopt_is_bind(m) ? "bind" : type);
	if (mo.tmpcopyup)
		return copyup_entry(c, &t, &mo, flags, err);
	if (rl_mountopt_is_bind(m))
		return bind_entry(c, &t, &mo, flags | MS_BIND, err);
	if (strcmp(type, "cgroup") == 0)
		return cgroup_entry(c, &t, &mo, flags, err);
	if (!m->type)
		return rl_error_set(err, 0, "mount \"%s\" on \"%s\": no type", t.src, t.dest);
	/* A read-only /dev is first mounted rw so the devices can be made,
	 * then remounted by rl_rootfs_finalize (runc does the same). */
	if ((int)i == rl_dev_find_mount(c->cfg, "/dev"))
		flags &= ~(unsigned long)MS_RDONLY;
	/* A user namespace may mount sysfs only when it owns the network
	 * namespace too (sysfs shows the netns' devices); runc binds /sys
	 * otherwise, and so do we, also when the kernel says EPERM. */
	if (strcmp(type, "sysfs") == 0 && c->o->in_userns) {
		if (c->netns) {
			int rc = fs_entry(c, &t, type, &mo, flags, err);

			if (rc == 0 || err->errnum != EPERM)
				return rc;
		}
		t.src = "/sys";
		return bind_entry(c, &t, &mo, flags | MS_BIND | MS_REC, err);
	}
	return fs_entry(c, &t, type, &mo, flags, err);
}

static int mount_all(struct ctx *c, struct rl_error *err)
{
	size_t i;

	for (i = 0; i < c->cfg->n_mounts; i++) {
		RL_FAULT_DELAY("child.mount");
		if (!c->cfg->mounts[i].destination)
			return rl_error_set(err, 0, "mounts[%zu]: no destination", i);
		if (mount_entry(c, i, err) < 0)
			return rl_error_prefix(err, "mounts[%zu]", i);
	}
	return 0;
}

/* ---- propagation, pivot ------------------------------------------------ */

static int root_propagation(const struct rl_config *cfg, unsigned long *flag, struct rl_error *err)
{
	const char *name = cfg->linux_ ? cfg->linux_->rootfs_propagation : NULL;

	/* The default keeps host mounts visible as they change but sends
	 * nothing of ours back: rslave. */
	*flag = MS_SLAVE | MS_REC;
	if (name && rl_mountopt_propagation(name, flag) < 0)
		return rl_error_set(err, 0, "linux.rootfsPropagation: unknown value \"%s\"", name);
	return 0;
}

/* With a shared "/", the mount holding the rootfs may still be shared: our
 * bind mount would then propagate to its peers on the host, and
 * pivot_root(2) refuses a new root whose parent mount is shared. */
static int parent_private(const char *rootfs, struct rl_error *err)
{
	const struct rl_mnt *lm = rl_mnt(err);
	struct libmnt_table *tb = lm ? lm->new_table_from_file("/proc/self/mountinfo") : NULL;
	struct libmnt_fs *fs = tb ? lm->table_find_mountpoint(tb, rootfs, MNT_ITER_BACKWARD) : NULL;
	unsigned long prop = 0;
	int r = 0;

	if (!lm)
		return -1;
	if (!fs)
		r = rl_error_set(err, errno ? errno : ENOENT, "find the mount of \"%s\"", rootfs);
	else if (lm->fs_get_propagation(fs, &prop) == 0 && !(prop & MS_SHARED))
		r = 0;
	else if (mount(NULL, lm->fs_get_target(fs), NULL, MS_PRIVATE, NULL) < 0)
		r = rl_error_set(err, errno, "make \"%s\" private", lm->fs_get_target(fs));
	lm->unref_table(tb);
	return r;
}

/* Propagation types given to the new root only at the very end
 * (rl_rootfs_finalize): pivot_root(2) refuses shared mounts, and an
 * unbindable tree refuses the bind mounts of the rootfs, of mounts[] and of
 * readonlyPaths. */
#define LATE_PROP (MS_SHARED | MS_UNBINDABLE)

static int prepare_root(const struct rl_rootfs_opts *o, unsigned long prop, int *rootfd,
			struct rl_error *err)
{
	/* Until then, rslave: nothing we mount reaches the host.  Unless "/"
	 * is the host's own: runc sets rslave on it then, for everybody; we
	 * leave it alone. */
	if (prop & MS_UNBINDABLE)
		prop = MS_SLAVE | MS_REC;
	if (!o->shared_ns && mount(NULL, "/", NULL, prop, NULL) < 0)
		return rl_error_set(err, errno, "set propagation of \"/\"");
	if (!o->shared_ns && (prop & MS_SHARED) && parent_private(o->rootfs, err) < 0)
		return -1;
	/* pivot_root(2) needs new_root to be a mount point. */
	if (mount(o->rootfs, o->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		return rl_error_set(err, errno, "mount \"%s\" on \"%s\"", o->rootfs, o->rootfs);
	*rootfd = open(o->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*rootfd < 0)
		return rl_error_set(err, errno, "open \"%s\"", o->rootfs);
	return 0;
}

/* pivot_root(".", ".") stacks the old root on top of the new one at "/";
 * from the old root (still our cwd after fchdir) it is unmounted lazily.
 * It is made rslave first so the unmount does not travel to the host's
 * mounts through shared peers. */
static int pivot(int rootfd, struct rl_error *err)
{
	_rl_fd_ int oldroot = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);

	if (oldroot < 0)
		return rl_error_set(err, errno, "open \"/\"");
	if (fchdir(rootfd) < 0)
		return rl_error_set(err, errno, "chdir to the rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return rl_error_set(err, errno, "pivot_root");
	if (fchdir(oldroot) < 0)
		return rl_error_set(err, errno, "chdir to the old root");
	if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
		return rl_error_set(err, errno, "make the old root rslave");
	if (umount2(".", MNT_DETACH) < 0)
		return rl_error_set(err, errno, "unmount the old root");
	return 0;
}

/* --no-pivot: for roots pivot_root(2) cannot leave (e.g. a ramfs initrd);
 * and without a mount namespace, where pivot_root or a move onto "/" would
 * change the root of everybody in it: chroot only.  The old root stays
 * reachable to anyone able to escape the chroot. */
static int move_root(int rootfd, bool shared_ns, struct rl_error *err)
{
	if (fchdir(rootfd) < 0)
		return rl_error_set(err, errno, "chdir to the rootfs");
	if (!shared_ns && mount(".", "/", NULL, MS_MOVE, NULL) < 0)
		return rl_error_set(err, errno, "move the rootfs to \"/\"");
	if (chroot(".") < 0)
		return rl_error_set(err, errno, "chroot");
	return 0;
}

void rl_rootfs_close(struct rl_rootfs *r)
{
	if (r->rootfd >= 0)
		close(r->rootfd);
	if (r->nullfd >= 0)
		close(r->nullfd);
	r->rootfd = r->nullfd = -1;
}

/* The source of every file mask: the host's null device, opened before
 * anything of the container is mounted, and checked.  Never the rootfs's
 * dev/null: an image can make that a symlink to any file, and the masks
 * would then show that file instead of hiding theirs (CVE-2025-31133). */
static int open_null(struct rl_error *err)
{
	_rl_fd_ int fd = open("/dev/null", O_PATH | O_CLOEXEC);
	struct stat st;
	char what[64];

	if (fd < 0 || fstat(fd, &st) < 0)
		return rl_error_set(err, errno, "open the host's /dev/null");
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
		return rl_error_set(err, 0, "the host's /dev/null: %s, not the null device (1:3)",
				    rl_describe(&st, what, sizeof(what)));
	return rl_fd_steal(&fd);
}

int rl_rootfs_prepare(const struct rl_rootfs_opts *o, struct rl_rootfs *r, struct rl_error *err)
{
	struct ctx c = {.o = o, .cfg = o->cfg};
	unsigned long prop;

	r->rootfd = -1;
	r->nullfd = open_null(err);
	if (r->nullfd < 0)
		return -1;
	c.cgroupns = has_ns(o->cfg, RL_NS_CGROUP);
	c.netns = has_ns(o->cfg, RL_NS_NETWORK);
	if (root_propagation(o->cfg, &prop, err) < 0 || prepare_root(o, prop, &r->rootfd, err) < 0)
		return -1;
	c.rootfd = r->rootfd;
	if (mount_all(&c, err) < 0 || rl_dev_setup(r->rootfd, o->cfg, o->in_userns, err) < 0)
		return -1;
	if (o->tree >= 0 &&
	    attach_tree(r->rootfd, o->tree, "a runtime mount", o->tree_dest, err) < 0)
		return -1;
	return 0;
}

/* ---- finalize ------------------------------------------------------------ */

/* "net.ipv4.ip_forward" -> net/ipv4/ip_forward; a '/' in a key stands for a
 * '.' inside a name, as sysctl(8) has it ("net.ipv4.conf.eth0/1.rp_filter").
 * Opened beneath rlite's own /proc/sys (procfs.h), so a key like "x.//.y"
 * (x/../y) stays inside it, and no mount of the container is in the way. */
static int write_sysctl(int dir, const char *key, const char *value, struct rl_error *err)
{
	char path[PATH_MAX];
	size_t i, len = strlen(value);
	_rl_fd_ int fd = -1;
	ssize_t n;

	if (snprintf(path, sizeof(path), "%s", key) >= (int)sizeof(path))
		return rl_error_set(err, ENAMETOOLONG, "linux.sysctl \"%s\"", key);
	for (i = 0; path[i]; i++)
		path[i] = path[i] == '.' ? '/' : path[i] == '/' ? '.' : path[i];
	fd = rl_procfs_openat(dir, path, O_WRONLY | O_TRUNC, err);
	if (fd < 0)
		return rl_error_prefix(err, "linux.sysctl \"%s\"", key);
	do
		n = write(fd, value, len);
	while (n < 0 && errno == EINTR);
	if (n < 0 || (size_t)n != len)
		return rl_error_set(err, n < 0 ? errno : EIO, "linux.sysctl \"%s\": write", key);
	return 0;
}

static int sysctls(const struct rl_rootfs_opts *o, struct rl_error *err)
{
	const struct rl_linux *lx = o->cfg->linux_;
	_rl_fd_ int dir = -1;
	size_t i;

	if (!lx || lx->sysctl.n == 0)
		return 0;
	dir = rl_procfs_openat(o->procfd, "sys", O_PATH | O_DIRECTORY, err);
	if (dir < 0)
		return rl_error_prefix(err, "linux.sysctl");
	for (i = 0; i < lx->sysctl.n; i++)
		if (write_sysctl(dir, lx->sysctl.keys[i], lx->sysctl.values[i], err) < 0)
			return -1;
	return 0;
}

/* maskedPaths (config-linux.md): files get the null device bound over
 * them, directories an empty read-only tmpfs; what does not exist is
 * skipped.  The path is resolved inside the rootfs (a symlink in it
 * leads to another file of the container, which is then hidden instead:
 * never to the host); the null device is rlite's own (open_null). */
static int mask_path(struct rl_rootfs *r, const char *path, size_t i, struct rl_error *err)
{
	_rl_fd_ int fd = rl_safepath_open(r->rootfd, path, 0, err);
	struct stat st;
	int rc;

	if (fd < 0)
		return err->errnum == ENOENT ? 0
					     : rl_error_prefix(err, "linux.maskedPaths[%zu]", i);
	if (fstat(fd, &st) < 0)
		return rl_error_set(err, errno, "linux.maskedPaths[%zu]: stat \"%s\"", i, path);
	if (S_ISDIR(st.st_mode))
		rc = mount_fd("tmpfs", fd, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
			      NULL);
	else
		rc = rl_mount_bind_fd(r->nullfd, fd, false, 0);
	if (rc < 0)
		return rl_error_set(err, errno, "linux.maskedPaths[%zu]: mount \"%s\" on \"%s\"", i,
				    S_ISDIR(st.st_mode) ? "tmpfs" : "/dev/null", path);
	return 0;
}

/* readonlyPaths: a copy of the path's mounts bound onto it, its top one
 * read-only before it is attached (as runc: mounts below keep their
 * flags).  Without mount_setattr (Linux < 5.12): bind, then remount. */
static int readonly_path(int rootfd, const char *path, size_t i, struct rl_error *err)
{
	_rl_fd_ int fd = rl_safepath_open(rootfd, path, 0, err);
	_rl_fd_ int mnt = -1;
	char p[RL_FDPATH_MAX];

	if (fd < 0)
		return err->errnum == ENOENT ? 0
					     : rl_error_prefix(err, "linux.readonlyPaths[%zu]", i);
	if (rl_mount_bind_fd(fd, fd, true, MOUNT_ATTR_RDONLY) == 0)
		return 0;
	if (errno != ENOSYS)
		return rl_error_set(err, errno, "linux.readonlyPaths[%zu]: bind \"%s\" read-only",
				    i, path);
	if (mount_fd(rl_fdpath(fd, p), fd, NULL, MS_BIND | MS_REC, NULL) < 0)
		return rl_error_set(err, errno, "linux.readonlyPaths[%zu]: mount \"%s\" on \"%s\"",
				    i, path, path);
	mnt = rl_safepath_open(rootfd, path, 0, err);
	if (mnt < 0)
		return rl_error_prefix(err, "linux.readonlyPaths[%zu]", i);
	if (remount_bind(mnt, MS_RDONLY, NULL) < 0)
		return rl_error_set(err, errno, "linux.readonlyPaths[%zu]: remount \"%s\"", i,
				    path);
	return 0;
}

static int remount_ro(int rootfd, const char *path, struct rl_error *err)
{
	_rl_fd_ int fd = rl_safepath_open(rootfd, path, 0, err);

	if (fd < 0)
		return -1;
	if (remount_bind(fd, MS_RDONLY, NULL) < 0)
		return rl_error_set(err, errno, "remount \"%s\" read-only", path);
	return 0;
}

static bool dev_readonly(const struct rl_config *cfg)
{
	int idx = rl_dev_find_mount(cfg, "/dev");
	struct rl_mountopt mo;
	bool ro;

	if (idx < 0 || rl_mountopt_is_bind(&cfg->mounts[idx]) ||
	    rl_mountopt_parse(&cfg->mounts[idx].options, &mo, NULL) < 0)
		return false;
	ro = (mo.flags & MS_RDONLY) != 0;
	rl_mountopt_free(&mo);
	return ro;
}

/* Order as runc: sysctls while /proc/sys is writable, then read-only and
 * masked paths, then the read-only /dev and root; but all of it before
 * pivot_root (see the top of this file). */
static int finalize(const struct rl_rootfs_opts *o, struct rl_rootfs *r, struct rl_error *err)
{
	const struct rl_linux *lx = o->cfg->linux_;
	size_t i;

	if (sysctls(o, err) < 0)
		return -1;
	for (i = 0; lx && i < lx->readonly_paths.n; i++)
		if (readonly_path(r->rootfd, lx->readonly_paths.v[i], i, err) < 0)
			return -1;
	for (i = 0; lx && i < lx->masked_paths.n; i++)
		if (mask_path(r, lx->masked_paths.v[i], i, err) < 0)
			return -1;
	if (dev_readonly(o->cfg) && remount_ro(r->rootfd, "/dev", err) < 0)
		return -1;
	/* The rootfs bind mount itself, through the fd that names it. */
	if (o->cfg->root.readonly && remount_bind(r->rootfd, MS_RDONLY, NULL) < 0)
		return rl_error_set(err, errno, "root.readonly: remount \"/\" read-only");
	return 0;
}

int rl_rootfs_finalize(const struct rl_rootfs_opts *o, struct rl_rootfs *r, struct rl_error *err)
{
	unsigned long prop;
	int rc;

	rc = finalize(o, r, err);
	if (rc == 0)
		rc = o->no_pivot || o->shared_ns ? move_root(r->rootfd, o->shared_ns, err)
						 : pivot(r->rootfd, err);
	rl_rootfs_close(r);
	if (rc < 0)
		return -1;
	if (chdir("/") < 0)
		return rl_error_set(err, errno, "chdir \"/\"");
	if (root_propagation(o->cfg, &prop, err) < 0)
		return -1;
	if ((prop & LATE_PROP) && mount(NULL, "/", NULL, prop, NULL) < 0)
		return rl_error_set(err, errno,
				    "linux.rootfsPropagation: set propagation of \"/\"");
	return 0;
}
