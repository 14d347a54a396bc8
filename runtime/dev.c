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

/* In a user namespace mknod is refused (only the initial namespace may
 * make device nodes), so the host's node is bind-mounted onto an empty
 * file, as runc does.  Its mode and owner are then the host's. */
static int bind_node(int rootfd, const struct node *n, struct rl_error *err)
{
	char p[RL_FDPATH_MAX];
	_rl_fd_ int fd = rl_safepath_create(rootfd, n->path, RL_SAFEPATH_FILE, 0, err);

	if (fd < 0)
		return -1;
	if (mount(n->path, rl_fdpath(fd, p), NULL, MS_BIND, NULL) < 0)
		return rl_error_set(err, errno, "mount \"%s\" on \"%s\"", n->path, n->path);
	return 0;
}

static int make_node(int rootfd, const struct node *n, bool in_userns, struct rl_error *err)
{
	char dir[PATH_MAX];
	const char *base = strrchr(n->path, '/') + 1;
	_rl_fd_ int parent = -1;

	if (in_userns)
		return bind_node(rootfd, n, err);
	memcpy(dir, n->path, (size_t)(base - n->path));
	dir[base - n->path] = '\0';
	parent = rl_safepath_create(rootfd, dir, RL_SAFEPATH_DIR, 0755, err);
	if (parent < 0)
		return -1;
	/* An existing node is kept, as runc does: the rootfs (or an earlier
	 * entry) already provides it. */
	if (mknodat(parent, base, n->type | n->perm, n->dev) < 0) {
		if (errno == EEXIST)
			return 0;
		return rl_error_set(err, errno, "mknod \"%s\"", n->path);
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
