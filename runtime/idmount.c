/* Idmapped mounts, made by the runtime before the clone (see idmount.h). */
#include "runtime/idmount.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/mountopt.h"
#include "runtime/procfs.h"
#include "runtime/safepath.h"
#include "runtime/userns.h"

/* ---- which mounts, which mapping (pure) --------------------------------- */

static int check_maps(const struct rl_mount *m, size_t i, struct rl_error *err)
{
	char what[64], buf[4096];

	if (!m->n_uid_mappings || !m->n_gid_mappings)
		return rl_error_set(err, 0,
				    "config.json: mounts[%zu].%s: required with %s (an idmapped "
				    "mount needs both)",
				    i, m->n_uid_mappings ? "gidMappings" : "uidMappings",
				    m->n_uid_mappings ? "uidMappings" : "gidMappings");
	snprintf(what, sizeof(what), "mounts[%zu].uidMappings", i);
	if (rl_userns_format(m->uid_mappings, m->n_uid_mappings, what, buf, sizeof(buf), err) < 0)
		return -1;
	snprintf(what, sizeof(what), "mounts[%zu].gidMappings", i);
	return rl_userns_format(m->gid_mappings, m->n_gid_mappings, what, buf, sizeof(buf), err);
}

int rl_idmount_kind(const struct rl_config *cfg, size_t i, const struct rl_ns_plan *plan,
		    struct rl_error *err)
{
	const struct rl_mount *m = &cfg->mounts[i];
	struct rl_mountopt mo;
	bool opt, maps = m->n_uid_mappings || m->n_gid_mappings;

	if (rl_mountopt_parse(&m->options, &mo, err) < 0)
		return rl_error_prefix(err, "config.json: mounts[%zu].options", i);
	opt = mo.idmap;
	rl_mountopt_free(&mo);
	if (!opt && !maps)
		return RL_IDMOUNT_NONE;
	/* config.md: "idmap" and "ridmap" are for bind mounts; the kernel
	 * idmaps a mount, not a new filesystem. */
	if (!rl_mountopt_is_bind(m))
		return rl_error_set(err, 0,
				    "config.json: mounts[%zu].%s: only bind mounts can be "
				    "idmapped (type \"%s\")",
				    i,
				    opt			? "options"
				    : m->n_uid_mappings ? "uidMappings"
							: "gidMappings",
				    m->type ? m->type : "");
	if (maps)
		return check_maps(m, i, err) < 0 ? -1 : RL_IDMOUNT_OWN;
	if (plan->present[RL_NS_USER])
		return plan->path[RL_NS_USER] ? RL_IDMOUNT_JOINED : RL_IDMOUNT_CONTAINER;
	return rl_error_set(err, 0,
			    "config.json: mounts[%zu].options: idmap needs uidMappings and "
			    "gidMappings, or a user namespace",
			    i);
}

int rl_idmount_check(const struct rl_config *cfg, const struct rl_ns_plan *plan,
		     struct rl_error *err)
{
	for (size_t i = 0; i < cfg->n_mounts; i++)
		if (rl_idmount_kind(cfg, i, plan, err) < 0)
			return -1;
	return 0;
}

/* ---- making them (parent) ----------------------------------------------- */

static pid_t waitpid_eintr(pid_t pid)
{
	pid_t r;

	do
		r = waitpid(pid, NULL, 0);
	while (r < 0 && errno == EINTR);
	return r;
}

/* "ns/user" is a magic link, which rl_procfs_openat does not follow: its
 * directory is opened beneath our procfs, the link from there, and what
 * it leads to is checked to be a user namespace. */
static int open_userns(int procfd, pid_t pid, struct rl_error *err)
{
	_rl_fd_ int dir = -1, fd = -1;
	char path[32];

	snprintf(path, sizeof(path), "%d/ns", (int)pid);
	dir = rl_procfs_openat(procfd, path, O_PATH | O_DIRECTORY, err);
	if (dir < 0)
		return -1;
	fd = openat(dir, "user", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rl_error_set(err, errno, "open \"/proc/%d/ns/user\"", (int)pid);
	if (ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWUSER)
		return rl_error_set(err, 0, "\"/proc/%d/ns/user\": not a user namespace", (int)pid);
	return rl_fd_steal(&fd);
}

/* A user namespace holding the mappings, as an fd: a child made in a new
 * one waits on a pipe while we write its maps and open its ns file, and
 * goes once the pipe closes (also when we die).  The namespace lives on
 * as long as the fd, and in the mounts idmapped with it. */
static int userns_fd(const struct rl_idmap *u, size_t nu, const char *uw, const struct rl_idmap *g,
		     size_t ng, const char *gw, struct rl_error *err)
{
	_rl_fd_ int rd = -1, wr = -1, procfd = -1;
	int p[2], fd = -1;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return rl_error_set(err, errno, "pipe");
	rd = p[0];
	wr = p[1];
	procfd = rl_procfs_open(false, err);
	if (procfd < 0)
		return -1;
	pid = rl_clone_spawn(CLONE_NEWUSER, err);
	if (pid < 0)
		return rl_error_prefix(err, "a user namespace for the mapping");
	if (pid == 0) {
		char b;

		close(wr);
		while (read(rd, &b, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	if (rl_userns_write_idmaps(pid, u, nu, uw, g, ng, gw, err) == 0)
		fd = open_userns(procfd, pid, err);
	close(wr);
	wr = -1;
	waitpid_eintr(pid);
	return fd;
}

/* The source as the child's bind_entry would take it: relative to the
 * bundle. */
static char *source_path(const struct rl_mount *m, const char *bundle)
{
	char *p = NULL;

	if (m->source[0] == '/')
		return strdup(m->source);
	return asprintf(&p, "%s/%s", bundle, m->source) < 0 ? NULL : p;
}

/* A detached copy of the source (the whole tree with "rbind"), idmapped
 * on its top mount, or on every mount of it with "ridmap". */
static int idmapped_tree(const struct rl_mount *m, size_t i, int userns, const char *bundle,
			 struct rl_error *err)
{
	struct mount_attr a = {.attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns};
	struct rl_mountopt mo;
	_rl_fd_ int tree = -1;
	unsigned int rec;
	bool rrec;
	char *src;
	int rc;

	if (!m->source || !m->source[0])
		return rl_error_set(err, 0, "config.json: mounts[%zu].source: required", i);
	if (rl_mountopt_parse(&m->options, &mo, err) < 0)
		return -1;
	rec = mo.flags & MS_REC ? AT_RECURSIVE : 0;
	rrec = mo.ridmap;
	rl_mountopt_free(&mo);
	src = source_path(m, bundle);
	if (!src)
		return rl_error_set(err, ENOMEM, "mounts[%zu]", i);
	tree = open_tree(AT_FDCWD, src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | rec);
	free(src);
	if (tree < 0)
		return rl_error_set(err, errno, "mounts[%zu]: idmap: open_tree \"%s\"", i,
				    m->source);
	rc = mount_setattr(tree, "", AT_EMPTY_PATH | (rrec ? AT_RECURSIVE : 0), &a, sizeof(a));
	/* EINVAL: the filesystem does not allow it (no FS_ALLOW_IDMAP:
	 * proc, sysfs, ..., tmpfs before 6.3), or a mount of the tree is
	 * idmapped already. */
	if (rc < 0 && errno == EINVAL)
		return rl_error_set(err, 0,
				    "mounts[%zu]: \"%s\": this file system cannot be idmapped%s", i,
				    m->source, rrec ? " (or one below it)" : "");
	if (rc < 0)
		return rl_error_set(err, errno, "mounts[%zu]: idmap: mount_setattr \"%s\"", i,
				    m->source);
	return rl_fd_steal(&tree);
}

static int move_above(int *fd, int min, struct rl_error *err)
{
	int n;

	if (*fd >= min)
		return 0;
	n = fcntl(*fd, F_DUPFD_CLOEXEC, min);
	if (n < 0)
		return rl_error_set(err, errno, "fcntl(F_DUPFD_CLOEXEC)");
	close(*fd);
	*fd = n;
	return 0;
}

/* The user namespace of mounts[i]'s mapping, or -1 with err set.  The
 * container's is made once and kept in *shared; a joined one is the
 * plan's fd; both stay open (owned elsewhere).  *own gets a fresh one the
 * caller closes. */
static int userns_for(const struct rl_config *cfg, size_t i, int kind,
		      const struct rl_ns_plan *plan, int *shared, int *own, struct rl_error *err)
{
	const struct rl_mount *m = &cfg->mounts[i];
	const struct rl_linux *lx = cfg->linux_;
	char uw[48], gw[48];

	if (kind == RL_IDMOUNT_JOINED)
		return plan->fd[RL_NS_USER];
	if (kind == RL_IDMOUNT_CONTAINER) {
		if (*shared < 0)
			*shared = userns_fd(lx->uid_mappings, lx->n_uid_mappings,
					    "linux.uidMappings", lx->gid_mappings,
					    lx->n_gid_mappings, "linux.gidMappings", err);
		return *shared;
	}
	snprintf(uw, sizeof(uw), "mounts[%zu].uidMappings", i);
	snprintf(gw, sizeof(gw), "mounts[%zu].gidMappings", i);
	*own = userns_fd(m->uid_mappings, m->n_uid_mappings, uw, m->gid_mappings, m->n_gid_mappings,
			 gw, err);
	return *own;
}

static int open_all(const struct rl_config *cfg, const struct rl_ns_plan *plan, const char *bundle,
		    int min_fd, int *fds, struct rl_error *err)
{
	_rl_fd_ int shared = -1;

	for (size_t i = 0; i < cfg->n_mounts; i++) {
		int kind = rl_idmount_kind(cfg, i, plan, err), userns;
		_rl_fd_ int own = -1;

		if (kind < 0)
			return -1;
		if (kind == RL_IDMOUNT_NONE)
			continue;
		userns = userns_for(cfg, i, kind, plan, &shared, &own, err);
		if (userns < 0)
			return rl_error_prefix(err, "mounts[%zu]: idmap", i);
		fds[i] = idmapped_tree(&cfg->mounts[i], i, userns, bundle, err);
		if (fds[i] < 0 || move_above(&fds[i], min_fd, err) < 0)
			return -1;
	}
	return 0;
}

int rl_idmount_open(const struct rl_config *cfg, const struct rl_ns_plan *plan, const char *bundle,
		    int min_fd, int **fds, struct rl_error *err)
{
	size_t i;

	*fds = NULL;
	for (i = 0; i < cfg->n_mounts; i++) {
		struct rl_error e = {0};

		if (rl_idmount_kind(cfg, i, plan, &e) != RL_IDMOUNT_NONE)
			break;
	}
	if (i == cfg->n_mounts)
		return 0;
	*fds = malloc(cfg->n_mounts * sizeof(**fds));
	if (!*fds)
		return rl_error_set(err, ENOMEM, "idmapped mounts");
	for (i = 0; i < cfg->n_mounts; i++)
		(*fds)[i] = -1;
	if (open_all(cfg, plan, bundle, min_fd, *fds, err) < 0) {
		rl_idmount_close(fds, cfg->n_mounts);
		return -1;
	}
	return 0;
}

void rl_idmount_close(int **fds, size_t n)
{
	for (size_t i = 0; *fds && i < n; i++)
		if ((*fds)[i] >= 0)
			close((*fds)[i]);
	free(*fds);
	*fds = NULL;
}
