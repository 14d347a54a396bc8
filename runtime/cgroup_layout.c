/* The host's cgroup layout, and linux.cgroupsPath -> one directory per
 * hierarchy.  See cgroup.h.
 *
 * v1, v2 or both (hybrid) are told apart from the mount table alone: a
 * "cgroup" mount is one v1 hierarchy with the controllers in its options,
 * a "cgroup2" mount is the unified one.  Which cgroup we are in comes from
 * /proc/self/cgroup, whose paths are relative to the hierarchy's root; a
 * mount of a subtree (a cgroup namespace, a bind) has that subtree as its
 * mountinfo root, which is cut off. */
#include "runtime/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/mnt.h"

void rl_cg_layout_free(struct rl_cg_layout *l)
{
	for (size_t i = 0; l && i < l->n; i++) {
		free(l->h[i].mount);
		free(l->h[i].name);
		free(l->h[i].own);
	}
	if (l) {
		free(l->h);
		*l = (struct rl_cg_layout){0};
	}
}

/* Controllers named in a comma list ("rw,cpu,cpuacct", "memory hugetlb",
 * "name=systemd"): their bits, and the name= value. */
static unsigned ctrl_bits(const char *list, const char *seps, char **name)
{
	char *copy = strdup(list ? list : ""), *save = NULL;
	unsigned bits = 0;

	if (!copy)
		return 0;
	for (char *t = strtok_r(copy, seps, &save); t; t = strtok_r(NULL, seps, &save)) {
		int c = rl_cg_ctrl_from_name(t);

		if (c >= 0)
			bits |= RL_CG_BIT(c);
		else if (name && strncmp(t, "name=", 5) == 0 && !*name)
			*name = strdup(t + 5);
	}
	free(copy);
	return bits;
}

/* The v2 controllers the root offers; the directory itself is RL_CG_CORE. */
static unsigned v2_ctrls(const char *mount)
{
	char path[PATH_MAX], buf[512] = "";

	snprintf(path, sizeof(path), "%s/cgroup.controllers", mount);
	if (rl_cg_read_path(path, buf, sizeof(buf)) < 0)
		buf[0] = '\0';
	return ctrl_bits(buf, " \n", NULL) | RL_CG_BIT(RL_CG_CORE);
}

/* The line of /proc/self/cgroup for this hierarchy: "0::/x" for v2, the
 * one whose controller list matches for v1.  NULL when none does. */
static char *own_path(const char *proc_cgroup, const struct rl_cg_hier *h)
{
	const char *line = proc_cgroup;

	while (line && *line) {
		const char *eol = strchr(line, '\n'), *c1, *c2;
		size_t len = eol ? (size_t)(eol - line) : strlen(line);

		/* Both colons within this line: a line without one must not
		 * find the next line's (tests/fuzz/cglayout_fuzz). */
		c1 = memchr(line, ':', len);
		c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 - line) - 1) : NULL;
		if (c1 && c2) {
			char *list = strndup(c1 + 1, (size_t)(c2 - c1 - 1)), *name = NULL;
			bool match;

			if (!list)
				return NULL;
			if (h->v2)
				match = strncmp(line, "0:", 2) == 0 && !*list;
			else
				match = *list && ctrl_bits(list, ",", &name) == h->ctrls &&
					((!name && !h->name) ||
					 (name && h->name && strcmp(name, h->name) == 0));
			free(list);
			free(name);
			if (match)
				return strndup(c2 + 1, len - (size_t)(c2 + 1 - line));
		}
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

/* own relative to the mount: the mount's root cut off ("/.." in a cgroup
 * namespace whose root is above ours: then the mount's root is ours).  A
 * path that is not absolute and clean ("/../x": moved out of our cgroup
 * namespace's root) says nothing usable about where we are below the
 * mount, and paths made from it would leave the hierarchy: the mount's
 * root it is too. */
static char *relative_own(const char *own, const char *root)
{
	size_t n = root ? strlen(root) : 0;

	if (!own || !*own || !rl_cg_clean_path(own))
		return strdup("/");
	if (!root || strcmp(root, "/") == 0 || n == 0)
		return strdup(own);
	if (strncmp(own, root, n) == 0 && (own[n] == '/' || own[n] == '\0'))
		return strdup(own[n] ? own + n : "/");
	return strdup("/");
}

static int add_hier(const struct rl_mnt *lm, struct rl_cg_layout *l, struct libmnt_fs *fs,
		    const char *proc_cgroup, struct rl_error *err)
{
	struct rl_cg_hier h = {0}, *v;
	char *own;

	h.v2 = strcmp(lm->fs_get_fstype(fs), "cgroup2") == 0;
	h.mount = strdup(lm->fs_get_target(fs));
	if (!h.mount)
		return rl_error_set(err, ENOMEM, "cgroup layout");
	h.ctrls = h.v2 ? v2_ctrls(h.mount) : ctrl_bits(lm->fs_get_fs_options(fs), ",", &h.name);
	own = own_path(proc_cgroup, &h);
	h.own = relative_own(own, lm->fs_get_root(fs));
	free(own);
	v = reallocarray(l->h, l->n + 1, sizeof(*v));
	if (!h.own || !v) {
		free(h.mount);
		free(h.name);
		free(h.own);
		return rl_error_set(err, ENOMEM, "cgroup layout");
	}
	l->h = v;
	l->h[l->n++] = h;
	return 0;
}

/* Same hierarchy mounted twice (a bind, or our own container's view):
 * the same superblock, hence the same device number. */
static bool seen(dev_t *devs, size_t n, dev_t d)
{
	for (size_t i = 0; i < n; i++)
		if (devs[i] == d)
			return true;
	return false;
}

static int parse_table(const struct rl_mnt *lm, struct libmnt_table *tb, const char *proc_cgroup,
		       struct rl_cg_layout *l, struct rl_error *err)
{
	struct libmnt_iter *it = lm->new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs = NULL;
	dev_t devs[64];
	size_t nd = 0;
	bool v1 = false, v2 = false;
	int r = 0;

	if (!it)
		return rl_error_set(err, ENOMEM, "cgroup layout");
	while (r == 0 && lm->table_next_fs(tb, it, &fs) == 0) {
		const char *type = lm->fs_get_fstype(fs);
		dev_t d = lm->fs_get_devno(fs);

		if (!type || (strcmp(type, "cgroup") && strcmp(type, "cgroup2")) ||
		    seen(devs, nd, d) || nd == sizeof(devs) / sizeof(devs[0]))
			continue;
		devs[nd++] = d;
		r = add_hier(lm, l, fs, proc_cgroup, err);
		if (strcmp(type, "cgroup2") == 0)
			v2 = true;
		else
			v1 = true;
	}
	lm->free_iter(it);
	l->mode = v1 && v2 ? RL_CG_HYBRID : v2 ? RL_CG_UNIFIED : v1 ? RL_CG_LEGACY : RL_CG_NONE;
	return r;
}

/* The cgroup lines of a mountinfo file: libmount then parses a handful of
 * lines instead of the whole table (which can be thousands of mounts). */
static int cgroup_lines(const char *path, char **out, size_t *len, struct rl_error *err)
{
	FILE *in = fopen(path, "re"), *f;
	char *line = NULL;
	size_t cap = 0;

	if (!in)
		return rl_error_set(err, errno, "read \"%s\"", path);
	f = open_memstream(out, len);
	if (!f) {
		fclose(in);
		return rl_error_set(err, ENOMEM, "cgroup layout");
	}
	while (getline(&line, &cap, in) > 0) {
		const char *sep = strstr(line, " - cgroup");

		if (sep && (sep[9] == ' ' || (sep[9] == '2' && sep[10] == ' ')))
			fputs(line, f);
	}
	free(line);
	fclose(in);
	if (fclose(f) != 0)
		return rl_error_set(err, ENOMEM, "cgroup layout");
	return 0;
}

int rl_cg_layout_parse(const char *mountinfo_path, const char *proc_cgroup, struct rl_cg_layout *l,
		       struct rl_error *err)
{
	const struct rl_mnt *lm = rl_mnt(err);
	struct libmnt_table *tb = lm ? lm->new_table() : NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *f = NULL;
	int r = -1;

	*l = (struct rl_cg_layout){0};
	if (!lm)
		return -1;
	if (!tb)
		return rl_error_set(err, ENOMEM, "cgroup layout");
	if (cgroup_lines(mountinfo_path, &text, &len, err) < 0)
		goto out;
	/* An empty table is no error: no cgroup mounted. */
	f = len ? fmemopen(text, len, "r") : NULL;
	if (len && (!f || lm->table_parse_stream(tb, f, mountinfo_path) != 0)) {
		rl_error_set(err, errno ? errno : EINVAL, "parse \"%s\"", mountinfo_path);
		goto out;
	}
	r = parse_table(lm, tb, proc_cgroup, l, err);
out:
	if (f)
		fclose(f);
	free(text);
	lm->unref_table(tb);
	if (r < 0)
		rl_cg_layout_free(l);
	return r;
}

int rl_cg_layout_load(struct rl_cg_layout *l, struct rl_error *err)
{
	char buf[8192];

	if (rl_cg_read_path("/proc/self/cgroup", buf, sizeof(buf)) < 0)
		return rl_error_set(err, errno, "read /proc/self/cgroup");
	return rl_cg_layout_parse("/proc/self/mountinfo", buf, l, err);
}

const struct rl_cg_hier *rl_cg_layout_find(const struct rl_cg_layout *l, enum rl_cg_ctrl c)
{
	for (size_t i = 0; l && i < l->n; i++)
		if (l->h[i].ctrls & RL_CG_BIT(c))
			return &l->h[i];
	return NULL;
}

/* ---- cgroupsPath ------------------------------------------------------------ */

/* Appends "/" + the components of p to out (which holds a clean path or
 * ""), refusing what could leave the hierarchy or break the record. */
static int append_clean(char *out, size_t outsz, const char *p, struct rl_error *err)
{
	size_t len = strlen(out);

	if (strpbrk(p, "\t\n"))
		return rl_error_set(err, 0, "must not contain tabs or newlines");
	while (*p) {
		size_t n = strcspn(p, "/");

		if (n == 2 && strncmp(p, "..", 2) == 0)
			return rl_error_set(err, 0, "must not contain \"..\"");
		if (n > NAME_MAX)
			return rl_error_set(err, ENAMETOOLONG, "component \"%.*s...\"", 32, p);
		if (n && !(n == 1 && p[0] == '.')) {
			if (len + 1 + n >= outsz)
				return rl_error_set(err, ENAMETOOLONG, "too long");
			out[len++] = '/';
			memcpy(out + len, p, n);
			out[len += n] = '\0';
		}
		p += n;
		while (*p == '/')
			p++;
	}
	return 0;
}

/* "a-b-c.slice" -> "/a.slice/a-b.slice/a-b-c.slice", as systemd nests
 * slices ("-.slice" is the root). */
static int expand_slice(const char *slice, char *out, size_t outsz, struct rl_error *err)
{
	size_t n = strlen(slice), sl = strlen(".slice");

	out[0] = '\0';
	if (strcmp(slice, "-.slice") == 0)
		return 0;
	if (n <= sl || strcmp(slice + n - sl, ".slice") != 0 || strchr(slice, '/') ||
	    slice[0] == '-' || strstr(slice, "--") || slice[n - sl - 1] == '-')
		return rl_error_set(err, 0, "invalid slice name \"%s\"", slice);
	for (size_t i = 0; i < n - sl; i++) {
		if (slice[i] != '-' && i != n - sl - 1)
			continue;
		size_t len = strlen(out), k = i + (slice[i] == '-' ? 0 : 1);

		if (len + 1 + k + sl >= outsz)
			return rl_error_set(err, ENAMETOOLONG, "slice \"%s\"", slice);
		snprintf(out + len, outsz - len, "/%.*s.slice", (int)k, slice);
	}
	return 0;
}

int rl_cg_systemd_names(const char *spec, char *slice, size_t slicesz, char *unit, size_t unitsz,
			struct rl_error *err)
{
	const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	size_t len;

	if (!c1 || !c2 || strchr(c2 + 1, ':') || !c2[1])
		return rl_error_set(
		    err, 0, "\"%s\": expected \"slice:prefix:name\" for systemd cgroups", spec);
	if ((size_t)(c1 - spec) > NAME_MAX || (size_t)(c2 - c1 - 1) > NAME_MAX ||
	    slicesz < NAME_MAX + 1 || unitsz < 2 * NAME_MAX + 16)
		return rl_error_set(err, ENAMETOOLONG, "\"%s\"", spec);
	snprintf(slice, slicesz, "%.*s", (int)(c1 - spec), spec);
	if (!slice[0])
		snprintf(slice, slicesz, "system.slice");
	len = strlen(c2 + 1);
	/* A name that is a slice is the unit itself; otherwise a scope. */
	if (len > 6 && strcmp(c2 + 1 + len - 6, ".slice") == 0)
		snprintf(unit, unitsz, "%s", c2 + 1);
	else if (c2 > c1 + 1)
		snprintf(unit, unitsz, "%.*s-%s.scope", (int)(c2 - c1 - 1), c1 + 1, c2 + 1);
	else
		snprintf(unit, unitsz, "%s.scope", c2 + 1);
	return 0;
}

int rl_cg_systemd_path(const char *spec, char *out, size_t outsz, struct rl_error *err)
{
	char slice[NAME_MAX + 1], unit[2 * NAME_MAX + 16];

	if (rl_cg_systemd_names(spec, slice, sizeof(slice), unit, sizeof(unit), err) < 0 ||
	    expand_slice(slice, out, outsz, err) < 0)
		return -1;
	return append_clean(out, outsz, unit, err) < 0 ? rl_error_prefix(err, "\"%s\"", spec) : 0;
}

/* The parent our relative paths go below: our own cgroup; on v2 its
 * parent unless it is the root, since ours holds processes and v2 lets a
 * cgroup with processes have no children with controllers. */
static void relative_base(const struct rl_cg_hier *h, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s", strcmp(h->own, "/") == 0 ? "" : h->own);
	if (h->v2 && out[0]) {
		char *slash = strrchr(out, '/');

		*slash = '\0';
	}
}

static int resolve_one(const struct rl_cg_hier *h, const char *path, bool absolute,
		       struct rl_cg_dir *d, struct rl_error *err)
{
	char buf[PATH_MAX] = "";

	if (!absolute)
		relative_base(h, buf, sizeof(buf));
	if (append_clean(buf, sizeof(buf), path, err) < 0)
		return -1;
	if (!buf[0])
		return rl_error_set(err, 0, "is the root of the hierarchy %s", h->mount);
	d->mount = strdup(h->mount);
	d->path = strdup(buf);
	d->v2 = h->v2;
	d->ctrls = h->ctrls;
	d->created = 0;
	d->name = h->name ? strdup(h->name) : NULL;
	if (!d->mount || !d->path || (h->name && !d->name))
		return rl_error_set(err, ENOMEM, "cgroup path");
	return 0;
}

int rl_cg_own(const struct rl_cg_layout *l, struct rl_cgroup *out, struct rl_error *err)
{
	*out = (struct rl_cgroup){0};
	out->d = calloc(l->n ? l->n : 1, sizeof(*out->d));
	if (!out->d)
		return rl_error_set(err, ENOMEM, "cgroups");
	for (size_t i = 0; i < l->n; i++) {
		const struct rl_cg_hier *h = &l->h[i];
		struct rl_cg_dir *d = &out->d[out->n++];

		*d = (struct rl_cg_dir){.v2 = h->v2, .ctrls = h->ctrls};
		d->mount = strdup(h->mount);
		d->path = strdup(strcmp(h->own, "/") == 0 ? "" : h->own);
		d->name = h->name ? strdup(h->name) : NULL;
		if (!d->mount || !d->path || (h->name && !d->name)) {
			rl_cg_free(out);
			return rl_error_set(err, ENOMEM, "cgroups");
		}
	}
	return 0;
}

int rl_cg_resolve(const struct rl_cg_layout *l, const char *cgroups_path, const char *id,
		  bool systemd, struct rl_cgroup *out, struct rl_error *err)
{
	char sd[PATH_MAX];
	const char *p = cgroups_path && cgroups_path[0] ? cgroups_path : id;
	bool absolute = p[0] == '/';

	*out = (struct rl_cgroup){0};
	if (systemd) {
		char def[NAME_MAX + 32];

		/* runc's default, with our name: system.slice:runc:<id> */
		snprintf(def, sizeof(def), "system.slice:rlite:%s", id);
		if (rl_cg_systemd_path(cgroups_path && cgroups_path[0] ? cgroups_path : def, sd,
				       sizeof(sd), err) < 0)
			return rl_error_prefix(err, "linux.cgroupsPath");
		p = sd;
		absolute = true;
	}
	out->d = calloc(l->n ? l->n : 1, sizeof(*out->d));
	if (!out->d)
		return rl_error_set(err, ENOMEM, "cgroup path");
	for (size_t i = 0; i < l->n; i++) {
		out->n = i + 1;
		if (resolve_one(&l->h[i], p, absolute, &out->d[i], err) < 0) {
			rl_cg_free(out);
			return rl_error_prefix(err, "linux.cgroupsPath \"%s\"", p);
		}
	}
	return 0;
}
