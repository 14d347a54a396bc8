/* Mount options -> mount(2) flags, propagation and data, with libmount's own
 * tables so that the spelling matches mount(8) exactly. */
#include "mountopt.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "runtime/mnt.h"

#define PROP_MASK (MS_SHARED | MS_SLAVE | MS_PRIVATE | MS_UNBINDABLE)

/* The recursive flags runc and crun accept (runtime-spec config.md lists
 * "rro", "rnosuid", ...).  mount(2) has no recursive form of them, so they
 * are applied with mount_setattr(AT_RECURSIVE) (Linux 5.12). */
static const struct {
	const char *name;
	uint64_t set;
	uint64_t clr;
} rec_opts[] = {
    {"rro", MOUNT_ATTR_RDONLY, 0},
    {"rrw", 0, MOUNT_ATTR_RDONLY},
    {"rnosuid", MOUNT_ATTR_NOSUID, 0},
    {"rsuid", 0, MOUNT_ATTR_NOSUID},
    {"rnodev", MOUNT_ATTR_NODEV, 0},
    {"rdev", 0, MOUNT_ATTR_NODEV},
    {"rnoexec", MOUNT_ATTR_NOEXEC, 0},
    {"rexec", 0, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", MOUNT_ATTR_NODIRATIME, 0},
    {"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
    /* The atime modes are one field: clearing MOUNT_ATTR__ATIME and
     * setting the mode is how mount_setattr(2) says "change it". */
    {"rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
    {"rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0},
    {"rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
};

/* Finds name[=value] in a libmount map.  Entry names may end in "=" (value
 * required) or "[=]" (value optional); MNT_PREFIX entries ("x-") match any
 * option starting with them. */
static const struct libmnt_optmap *map_find(const struct libmnt_optmap *map, const char *name,
					    size_t namesz, bool has_value)
{
	const struct libmnt_optmap *ent;

	for (ent = map; ent && ent->name; ent++) {
		size_t len = strcspn(ent->name, "=[");
		bool opt_value = strstr(ent->name, "[=]") != NULL;
		bool need_value = !opt_value && ent->name[len] == '=';

		if (strncmp(name, ent->name, len) != 0)
			continue;
		if (ent->mask & MNT_PREFIX) {
			if (namesz >= len)
				return ent;
			continue;
		}
		if (len != namesz || (has_value && !opt_value && !need_value) ||
		    (!has_value && need_value))
			continue;
		return ent;
	}
	return NULL;
}

static int append_data(char **data, const char *opt, size_t len)
{
	size_t old = *data ? strlen(*data) : 0;
	char *p = realloc(*data, old + len + 2);

	if (!p)
		return -1;
	if (old)
		p[old++] = ',';
	memcpy(p + old, opt, len);
	p[old + len] = '\0';
	*data = p;
	return 0;
}

static bool rec_opt(struct rl_mountopt *m, const char *name, size_t namesz)
{
	size_t i;

	for (i = 0; i < sizeof(rec_opts) / sizeof(rec_opts[0]); i++) {
		if (strlen(rec_opts[i].name) != namesz ||
		    strncmp(rec_opts[i].name, name, namesz) != 0)
			continue;
		m->attr_set = (m->attr_set & ~rec_opts[i].clr) | rec_opts[i].set;
		/* A later "rro" undoes an earlier "rrw"; the atime field
		 * stays cleared as a whole (the kernel checks for that). */
		if (!rec_opts[i].clr)
			m->attr_clr &= ~rec_opts[i].set;
		m->attr_clr |= rec_opts[i].clr;
		return true;
	}
	return false;
}

static bool named(const char *name, size_t namesz, const char *want)
{
	return strlen(want) == namesz && strncmp(name, want, namesz) == 0;
}

/* One option: VFS flag, propagation, recursive attr, OCI extension,
 * userspace-only (dropped) or fs data, in that order. */
static int one_option(const struct rl_mnt *lm, struct rl_mountopt *m, const char *opt,
		      size_t optlen, const char *name, size_t namesz, bool has_value,
		      struct rl_error *err)
{
	const struct libmnt_optmap *ent;

	ent = map_find(lm->get_builtin_optmap(MNT_LINUX_MAP), name, namesz, has_value);
	if (ent && (ent->id & PROP_MASK)) {
		if (m->n_prop == RL_MOUNTOPT_MAX_PROP)
			return rl_error_set(err, 0, "option \"%.*s\": too many propagation options",
					    (int)optlen, opt);
		m->prop[m->n_prop++] = (unsigned long)ent->id;
		return 0;
	}
	if (ent) {
		if (ent->mask & MNT_INVERT) {
			m->flags &= ~(unsigned long)ent->id;
			m->cleared |= (unsigned long)ent->id;
		} else {
			m->flags |= (unsigned long)ent->id;
			m->cleared &= ~(unsigned long)ent->id;
		}
		return 0;
	}
	if (!has_value && rec_opt(m, name, namesz))
		return 0;
	if (!has_value && named(name, namesz, "tmpcopyup")) {
		m->tmpcopyup = true;
		return 0;
	}
	if (!has_value && (named(name, namesz, "idmap") || named(name, namesz, "ridmap"))) {
		m->idmap = true;
		m->ridmap = m->ridmap || namesz == strlen("ridmap");
		return 0;
	}
	/* "defaults", "nofail", "x-*" ... mean something to mount(8) and
	 * fstab only; the kernel would reject them as fs data. */
	if (map_find(lm->get_builtin_optmap(MNT_USERSPACE_MAP), name, namesz, has_value))
		return 0;
	if (append_data(&m->data, opt, optlen) < 0)
		return rl_error_set(err, ENOMEM, "option \"%.*s\"", (int)optlen, opt);
	return 0;
}

/* An element may itself hold several comma-separated options (and quoted
 * values, as SELinux contexts do); libmount's tokenizer handles both. */
static int one_element(const struct rl_mnt *lm, struct rl_mountopt *m, const char *elem,
		       struct rl_error *err)
{
	char *copy = strdup(elem);
	char *p = copy, *name, *value;
	size_t namesz, valuesz;
	int rc, ret = 0;

	if (!copy)
		return rl_error_set(err, ENOMEM, "option \"%s\"", elem);
	while ((rc = lm->optstr_next_option(&p, &name, &namesz, &value, &valuesz)) == 0) {
		size_t optlen = value ? (size_t)(value + valuesz - name) : namesz;

		if (namesz == 0)
			continue;
		ret = one_option(lm, m, name, optlen, name, namesz, value != NULL, err);
		if (ret < 0)
			break;
	}
	if (ret == 0 && rc < 0)
		ret = rl_error_set(err, EINVAL, "option \"%s\"", elem);
	free(copy);
	return ret;
}

int rl_mountopt_parse(const struct rl_strv *options, struct rl_mountopt *out, struct rl_error *err)
{
	const struct rl_mnt *lm = rl_mnt(err);
	size_t i;

	memset(out, 0, sizeof(*out));
	if (!lm)
		return -1;
	for (i = 0; options && i < options->n; i++) {
		if (one_element(lm, out, options->v[i], err) < 0) {
			rl_mountopt_free(out);
			return -1;
		}
	}
	return 0;
}

void rl_mountopt_free(struct rl_mountopt *m)
{
	free(m->data);
	memset(m, 0, sizeof(*m));
}

int rl_mountopt_propagation(const char *name, unsigned long *flag)
{
	const struct rl_mnt *lm = rl_mnt(NULL);
	const struct libmnt_optmap *ent;

	if (!name || !lm)
		return -1;
	ent = map_find(lm->get_builtin_optmap(MNT_LINUX_MAP), name, strlen(name), false);
	if (!ent || !(ent->id & PROP_MASK))
		return -1;
	*flag = (unsigned long)ent->id;
	return 0;
}

/* The order is libmount's map, then the recursive forms, then "defaults",
 * "idmap" and "ridmap"; `rlite features` sorts them. */
const char *rl_mountopt_name(size_t i)
{
	const struct rl_mnt *lm = rl_mnt(NULL);
	const struct libmnt_optmap *ent = lm ? lm->get_builtin_optmap(MNT_LINUX_MAP) : NULL;
	const size_t n_rec = sizeof(rec_opts) / sizeof(rec_opts[0]);

	for (; ent && ent->name; ent++) {
		/* rootfs.c drops MS_REMOUNT: every mount of a container
		 * is a new one, so "remount" does nothing. */
		if (ent->id == MS_REMOUNT)
			continue;
		if (i-- == 0)
			return ent->name;
	}
	if (i < n_rec)
		return rec_opts[i].name;
	/* "defaults" asks for rw,suid,dev,exec,async: what mount(2) does
	 * with no flags, so dropping it is applying it.  "tmpcopyup":
	 * rootfs.c copies the directory into the tmpfs; idmount.c makes
	 * "idmap" and "ridmap", launch.c before the clone. */
	if (i == n_rec)
		return "defaults";
	if (i == n_rec + 1)
		return "tmpcopyup";
	return i == n_rec + 2 ? "idmap" : i == n_rec + 3 ? "ridmap" : NULL;
}

bool rl_mountopt_needs_remount(const struct rl_mountopt *m)
{
	/* As runc: "rw" alone keeps what the source has, no remount. */
	return (m->flags & ~(unsigned long)(MS_BIND | MS_REC | MS_REMOUNT)) != 0;
}

bool rl_mountopt_is_bind(const struct rl_mount *m)
{
	struct rl_mountopt mo;
	bool bind;

	if (m->type && strcmp(m->type, "bind") == 0)
		return true;
	if (rl_mountopt_parse(&m->options, &mo, NULL) < 0)
		return false;
	bind = (mo.flags & MS_BIND) != 0;
	rl_mountopt_free(&mo);
	return bind;
}
