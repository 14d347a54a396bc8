/* /dev: default devices, linux.devices[], the standard symlinks. */
#include "dev.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mountopt.h"
#include "safepath.h"

struct node {
	const char *path; /* cleaned, under /dev */
	mode_t type;	  /* S_IFCHR, S_IFBLK, S_IFIFO */
	dev_t dev;
	mode_t perm;
	uid_t uid;
	gid_t gid;
};

/* The devices every container gets (runtime-spec config-linux.md "Default
 * Devices"), all c 0666 root:root. */
static const struct {
	const char *path;
	unsigned major, minor;
} default_devs[] = {
    {"/dev/null", 1, 3},   {"/dev/zero", 1, 5},	   {"/dev/full", 1, 7},
    {"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
};

/* runc makes the same links; /dev/core for the tools that look there. */
static const struct {
	const char *name, *target;
} dev_links[] = {
    {"fd", "/proc/self/fd"},	   {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"}, {"core", "/proc/kcore"},
};

int rl_dev_find_mount(const struct rl_config *cfg, const char *dest)
{
	char a[PATH_MAX], b[PATH_MAX];
	int found = -1;
	size_t i;

	if (rl_path_clean(dest, a, sizeof(a)) < 0)
		return -1;
	for (i = 0; i < cfg->n_mounts; i++) {
		const char *d = cfg->mounts[i].destination;

		if (d && rl_path_clean(d, b, sizeof(b)) == 0 && strcmp(a, b) == 0)
			found = (int)i;
	}
	return found;
}

/* "rootfs dev/null: a symlink, not the null device (1:3)". */
static int not_the_node(const struct node *n, const struct stat *st, struct rl_error *err)
{
	char what[64];

	if (n->type == S_IFIFO)
		return rl_error_set(err, 0, "rootfs %s: %s, not a fifo", n->path + 1,
				    rl_describe(st, what, sizeof(what)));
	return rl_error_set(err, 0, "rootfs %s: %s, not the %s device %u:%u%s", n->path + 1,
			    rl_describe(st, what, sizeof(what)),
			    n->type == S_IFCHR ? "character" : "block", major(n->dev),
			    minor(n->dev),
			    n->type == S_IFCHR && n->dev == makedev(1, 3) ? " (null)" : "");
}

static bool is_node(const struct node *n, const struct stat *st)
{
	return (st->st_mode & S_IFMT) == n->type && (n->type == S_IFIFO || st->st_rdev == n->dev);
}

/* In a user namespace mknod is refused (only the initial namespace may
 * make device nodes), so the host's node is bind-mounted onto an empty
 * file, as runc does.  Its mode and owner are then the host's.  Both ends
 * are checked: the host's path must be that very device, and the target
 * in the rootfs is never followed (an image's dev/null -> elsewhere would
 * otherwise carry the device there); an empty file or the same device
 * already there is fine, anything else is refused. */
static int bind_node(int rootfd, const struct node *n, struct rl_error *err)
{
	_rl_fd_ int src = open(n->path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	_rl_fd_ int dst = -1;
	struct stat st;
	char what[64];

	if (src < 0 || fstat(src, &st) < 0)
		return rl_error_set(err, errno, "open the host's %s", n->path);
	if (!is_node(n, &st))
		return rl_error_set(err, 0, "the host's %s: %s, not the device of the config",
				    n->path, rl_describe(&st, what, sizeof(what)));
	dst = rl_safepath_leaf(rootfd, n->path, &st, err);
	if (dst < 0)
		return -1;
	if (!S_ISREG(st.st_mode) && !is_node(n, &st))
		return not_the_node(n, &st, err);
	if (rl_mount_bind_fd(src, dst, false, 0) < 0)
		return rl_error_set(err, errno, "mount \"%s\" on \"%s\"", n->path, n->path);
	return 0;
}

static int make_node(int rootfd, const struct node *n, bool in_userns, struct rl_error *err)
{
	char base[NAME_MAX + 1];
	_rl_fd_ int parent = -1;
	struct stat st;

	if (in_userns)
		return bind_node(rootfd, n, err);
	parent = rl_safepath_parent(rootfd, n->path, base, err);
	if (parent < 0)
		return -1;
	/* mknodat never follows the name.  A node already there (from the
	 * rootfs or an earlier mounts[] entry) is kept when it is this very
	 * device, as runc keeps it; anything else is refused. */
	if (mknodat(parent, base, n->type | n->perm, n->dev) < 0) {
		if (errno != EEXIST)
			return rl_error_set(err, errno, "mknod \"%s\"", n->path);
		if (fstatat(parent, base, &st, AT_SYMLINK_NOFOLLOW) < 0)
			return rl_error_set(err, errno, "stat \"%s\"", n->path);
		return is_node(n, &st) ? 0 : not_the_node(n, &st, err);
	}
	if (fchownat(parent, base, n->uid, n->gid, AT_SYMLINK_NOFOLLOW) < 0)
		return rl_error_set(err, errno, "chown \"%s\"", n->path);
	return 0;
}

static bool in_config(const struct rl_linux *lx, const char *path)
{
	char c[PATH_MAX];
	size_t i;

	for (i = 0; lx && i < lx->n_devices; i++)
		if (rl_path_clean(lx->devices[i].path, c, sizeof(c)) == 0 && strcmp(c, path) == 0)
			return true;
	return false;
}

static int default_devices(int rootfd, const struct rl_config *cfg, bool in_userns,
			   struct rl_error *err)
{
	size_t i;

	for (i = 0; i < sizeof(default_devs) / sizeof(default_devs[0]); i++) {
		struct node n = {
		    .path = default_devs[i].path,
		    .type = S_IFCHR,
		    .dev = makedev(default_devs[i].major, default_devs[i].minor),
		    .perm = 0666,
		};

		/* linux.devices[] may redefine one (other mode, owner). */
		if (in_config(cfg->linux_, n.path))
			continue;
		if (make_node(rootfd, &n, in_userns, err) < 0)
			return -1;
	}
	return 0;
}

static int config_device(int rootfd, const struct rl_device *d, size_t i, bool in_userns,
			 struct rl_error *err)
{
	char clean[PATH_MAX];
	struct node n = {.path = clean, .perm = 0666};

	/* Lexically first: "/dev/../etc/x" names /etc/x.  Symlinks inside
	 * /dev are then resolved by the safe walk, inside the rootfs. */
	if (!d->path || rl_path_clean(d->path, clean, sizeof(clean)) < 0 ||
	    !rl_path_is_under(clean, "/dev") || strcmp(clean, "/dev") == 0)
		return rl_error_set(err, 0, "linux.devices[%zu].path: \"%s\" is outside /dev", i,
				    d->path ? d->path : "");
	switch (d->type) {
	case 'c':
	case 'u':
		n.type = S_IFCHR;
		break;
	case 'b':
		n.type = S_IFBLK;
		break;
	case 'p':
		n.type = S_IFIFO;
		break;
	default:
		return rl_error_set(err, 0, "linux.devices[%zu].type: unknown type '%c'", i,
				    d->type);
	}
	if (d->type != 'p')
		n.dev = makedev((unsigned)d->major, (unsigned)d->minor);
	if (d->file_mode.set)
		n.perm = d->file_mode.v & 07777;
	n.uid = d->uid.set ? d->uid.v : 0;
	n.gid = d->gid.set ? d->gid.v : 0;
	if (make_node(rootfd, &n, in_userns, err) < 0)
		return rl_error_prefix(err, "linux.devices[%zu]", i);
	return 0;
}

static int dev_links_make(int rootfd, bool ptmx, struct rl_error *err)
{
	_rl_fd_ int dev = rl_safepath_open(rootfd, "/dev", O_DIRECTORY, err);
	size_t i;

	if (dev < 0)
		return -1;
	for (i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++)
		if (symlinkat(dev_links[i].target, dev, dev_links[i].name) < 0 && errno != EEXIST)
			return rl_error_set(err, errno, "symlink \"/dev/%s\"", dev_links[i].name);
	if (!ptmx)
		return 0;
	/* With a private devpts instance (newinstance), /dev/ptmx must be
	 * the instance's ptmx, or ptys are allocated from the host's devpts
	 * (Documentation/filesystems/devpts.rst). */
	if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
		return rl_error_set(err, errno, "remove \"/dev/ptmx\"");
	if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
		return rl_error_set(err, errno, "symlink \"/dev/ptmx\"");
	return 0;
}

static int dev_setup(int rootfd, const struct rl_config *cfg, bool in_userns, bool dev_tmpfs,
		     struct rl_error *err)
{
	const struct rl_linux *lx = cfg->linux_;
	size_t i;

	if (dev_tmpfs && default_devices(rootfd, cfg, in_userns, err) < 0)
		return -1;
	for (i = 0; lx && i < lx->n_devices; i++)
		if (config_device(rootfd, &lx->devices[i], i, in_userns, err) < 0)
			return -1;
	if (dev_tmpfs && dev_links_make(rootfd, rl_dev_find_mount(cfg, "/dev/pts") >= 0, err) < 0)
		return -1;
	return 0;
}

int rl_dev_setup(int rootfd, const struct rl_config *cfg, bool in_userns, struct rl_error *err)
{
	int idx = rl_dev_find_mount(cfg, "/dev");
	mode_t old;
	int rc;

	if (idx >= 0 && rl_mountopt_is_bind(&cfg->mounts[idx]))
		return 0;
	/* Modes from the config are meant literally (fileMode 0666 is 0666),
	 * so the process umask must not cut them. */
	old = umask(0);
	rc = dev_setup(rootfd, cfg, in_userns, idx >= 0, err);
	umask(old);
	return rc;
}
