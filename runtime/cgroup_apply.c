/* Writing a plan (cgroup_res.c) and device rules into a container's
 * cgroups, and the messages when the kernel cannot take them.  See
 * cgroup.h.
 *
 * What the plan cannot know about the host is settled here, by file name:
 * whether blkio has CFQ's or BFQ's files, whether v2 has io.bfq.weight or
 * only io.weight, whether hugetlb has .rsvd files.  A file that is missing
 * even so is a feature this kernel lacks (BFQ, swap accounting,
 * CONFIG_RT_GROUP_SCHED ...): the error names the config field and why,
 * never only the file and ENOENT. */
#include "runtime/cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- why a file is missing ------------------------------------------------- */

/* The plan's files a kernel may lack, and why.  A name ending in '*'
 * matches every file it starts.  First match wins. */
static const struct {
	const char *file;
	const char *what; /* how the message names it; NULL: the file's name */
	const char *why;
} missing_files[] = {
    /* blkio.weight and blkio.weight_device fall back to BFQ's files
     * (CFQ's went with CFQ in Linux 5.0): missing, neither is there. */
    {"blkio.weight", "blkio weight", "no BFQ on any device"},
    {"blkio.weight_device", "blkio weight_device", "no BFQ on any device"},
    {"blkio.leaf_weight*", NULL, "CFQ's, gone since Linux 5.0; BFQ has none"},
    {"blkio.throttle.*", NULL, "built without CONFIG_BLK_DEV_THROTTLING"},
    /* io.bfq.weight falls back to io.weight */
    {"io.bfq.weight", "io weight",
     "no BFQ on any device, and no io.weight: built without CONFIG_BLK_CGROUP_IOCOST"},
    {"io.max", NULL, "built without CONFIG_BLK_DEV_THROTTLING"},
    {"memory.memsw.*", NULL, "swap accounting is off in this kernel"},
    {"memory.swap.*", NULL, "swap accounting is off in this kernel"},
    {"cpu.rt_*", NULL, "built without CONFIG_RT_GROUP_SCHED"},
    {"cpu.cfs_burst_us", NULL, "Linux 5.14 or later with CONFIG_CFS_BANDWIDTH"},
    {"cpu.max.burst", NULL, "Linux 5.14 or later with CONFIG_CFS_BANDWIDTH"},
    {"cpu.cfs_*", NULL, "built without CONFIG_CFS_BANDWIDTH"},
    {"cpu.max", NULL, "built without CONFIG_CFS_BANDWIDTH"},
    {"cpu.idle", NULL, "Linux 5.15 or later"},
    {"cpu.shares", NULL, "built without CONFIG_FAIR_GROUP_SCHED"},
    {"cpu.weight", NULL, "built without CONFIG_FAIR_GROUP_SCHED"},
};

static bool name_matches(const char *pattern, const char *file)
{
	size_t n = strlen(pattern);

	if (n && pattern[n - 1] == '*')
		return strncmp(pattern, file, n - 1) == 0;
	return strcmp(pattern, file) == 0;
}

/* "hugetlb.2MB.limit_in_bytes" -> "2MB" into size; false when not hugetlb. */
static bool hugetlb_size(const char *file, char *size, size_t len)
{
	const char *s = file + strlen("hugetlb."), *dot;

	if (strncmp(file, "hugetlb.", strlen("hugetlb.")) != 0 || !(dot = strchr(s, '.')))
		return false;
	snprintf(size, len, "%.*s", (int)(dot - s), s);
	return true;
}

const char *rl_cg_missing_reason(const char *file, char *buf, size_t len)
{
	char size[32];

	if (hugetlb_size(file, size, sizeof(size))) {
		snprintf(buf, len,
			 "this kernel has no %s file (no %s huge pages on this machine: "
			 "/sys/kernel/mm/hugepages)",
			 file, size);
		return buf;
	}
	for (size_t i = 0; i < sizeof(missing_files) / sizeof(missing_files[0]); i++) {
		if (!name_matches(missing_files[i].file, file))
			continue;
		snprintf(buf, len, "this kernel has no %s file (%s)",
			 missing_files[i].what ? missing_files[i].what : file,
			 missing_files[i].why);
		return buf;
	}
	snprintf(buf, len, "this kernel has no %s file", file);
	return buf;
}

/* word in a list of words ("cpu io memory\n") */
static bool has_word(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(list, word); p; p = strstr(p + 1, word))
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\n' || !p[n]))
			return true;
	return false;
}

/* Why w's file is missing in d: on v2 a controller the parent did not
 * enable has no files at all (rl_cg_make enables what it can); else the
 * kernel lacks it. */
static const char *missing_reason(const struct rl_cg_dir *d, const struct rl_cg_write *w, char *buf,
				  size_t len)
{
	const char *name = rl_cg_ctrl_name(w->ctrl, true);
	char path[PATH_MAX], ctrls[512];

	if (d->v2 && name &&
	    rl_cg_read_path(rl_cg_dir_path(d, "cgroup.controllers", path, sizeof(path)), ctrls,
			    sizeof(ctrls)) >= 0 &&
	    !has_word(ctrls, name)) {
		snprintf(buf, len,
			 "the %s controller is not enabled for this cgroup (its parent's "
			 "cgroup.subtree_control)",
			 name);
		return buf;
	}
	return rl_cg_missing_reason(w->file, buf, len);
}

/* ---- applying the plan ------------------------------------------------------ */

/* rl_cg_write_path in d: 0, or the errno. */
static int write_file(const struct rl_cg_dir *d, const char *file, const char *value)
{
	char path[PATH_MAX];

	if (strlen(rl_cg_dir_path(d, file, path, sizeof(path))) >= sizeof(path) - 1)
		return ENAMETOOLONG;
	return rl_cg_write_path(path, value) < 0 ? errno : 0;
}

/* runc's mapping of the v1 blkio weight [10, 1000] onto io.weight
 * [1, 10000], used when the v2 fallback to io.weight applies. */
static uint64_t blkio_to_io_weight(uint64_t w)
{
	if (w < 10)
		w = 10;
	if (w > 1000)
		w = 1000;
	return 1 + (w - 10) * 9999 / 990;
}

/* "W" or "MAJ:MIN W" on the v1 scale -> the same on io.weight's scale. */
static void io_weight_value(const char *v, char *buf, size_t len)
{
	const char *sp = strrchr(v, ' ');
	const char *w = sp ? sp + 1 : v;

	snprintf(buf, len, "%.*s%" PRIu64, (int)(w - v), v,
		 blkio_to_io_weight(strtoull(w, NULL, 10)));
}

/* Files the plan names that a kernel may lack, and what to write instead:
 * CFQ's blkio files went with CFQ (5.0), BFQ has its own; on v2 only BFQ
 * takes the v1 weight scale, io.weight is the fallback (runc does both). */
static int write_fallback(const struct rl_cg_dir *d, const struct rl_cg_write *w, const char **file)
{
	char conv[128];

	if (strcmp(w->file, "blkio.weight") == 0)
		return write_file(d, *file = "blkio.bfq.weight", w->value);
	if (strcmp(w->file, "blkio.weight_device") == 0)
		return write_file(d, *file = "blkio.bfq.weight_device", w->value);
	if (strcmp(w->file, "io.bfq.weight") == 0) {
		io_weight_value(w->value, conv, sizeof(conv));
		return write_file(d, *file = "io.weight", conv);
	}
	/* hugetlb reservation files (5.7 and later) are written when present */
	if (strstr(w->file, ".rsvd."))
		return 0;
	return ENOENT;
}

/* *file: the file the error is about, the fallback's when it exists but
 * refused the value (BFQ's weight_device on a disk without BFQ). */
static int write_one(const struct rl_cg_dir *d, const struct rl_cg_write *w, const char **file)
{
	int e = write_file(d, w->file, w->value), f;

	*file = w->file;
	if (e != ENOENT)
		return e;
	f = write_fallback(d, w, file);
	if (f == ENOENT)
		*file = w->file;
	return f == ENOENT ? e : f;
}

/* The error of a write the kernel refused (e) or has no file for. */
static int write_error(const struct rl_cg_dir *d, const struct rl_cg_write *w, const char *file,
		       int e, struct rl_error *err)
{
	char why[300], conv[128];
	const char *v = w->value, *sp = strchr(v, ' ');

	if (e == ENOENT)
		return rl_error_set(err, 0, "%s: %s", w->field,
				    missing_reason(d, w, why, sizeof(why)));
	/* the io.weight fallback wrote the weight on its own scale */
	if (strcmp(w->file, "io.bfq.weight") == 0 && strcmp(file, "io.weight") == 0) {
		io_weight_value(w->value, conv, sizeof(conv));
		v = conv;
		sp = strchr(v, ' ');
	}
	/* BFQ refuses a weight for a device whose queue it does not
	 * schedule (blkg_conf_prep): say so, the errno alone does not. */
	if (e == EOPNOTSUPP && strstr(file, "bfq.weight") && sp)
		return rl_error_set(
		    err, e, "%s: BFQ does not schedule device %.*s: cgroup %s: write \"%s\"",
		    w->field, (int)(sp - v), v, file, v);
	/* Without BFQ a device's weight goes to io.weight, which takes one
	 * only for a disk iocost controls: its policy is on the disk's queue
	 * once the root's io.cost.qos names it (blkg_conf_prep). */
	if (e == EOPNOTSUPP && strcmp(file, "io.weight") == 0 && sp)
		return rl_error_set(err, e,
				    "%s: no BFQ, and iocost does not control device %.*s (the "
				    "root cgroup's io.cost.qos): cgroup %s: write \"%s\"",
				    w->field, (int)(sp - v), v, file, v);
	return rl_error_set(err, e, "%s: cgroup %s: write \"%s\"", w->field, file, v);
}

/* memory.checkBeforeUpdate (config-linux.md "Memory"): on v2 a memory.max
 * below the usage invokes the OOM killer, where v1 refuses it; the spec
 * asks the runtime to refuse it instead.  A usage it cannot read is no
 * reason to refuse. */
static int check_usage(const struct rl_cg_dir *d, const struct rl_cg_write *w, struct rl_error *err)
{
	char path[PATH_MAX], buf[32];
	uint64_t limit = strtoull(w->value, NULL, 10), usage;

	rl_cg_dir_path(d, "memory.current", path, sizeof(path));
	if (rl_cg_read_path(path, buf, sizeof(buf)) <= 0)
		return 0;
	usage = strtoull(buf, NULL, 10);
	if (limit < usage)
		return rl_error_set(err, EBUSY,
				    "linux.resources.memory.checkBeforeUpdate: the new "
				    "memory.limit %" PRIu64 " is below the current usage %" PRIu64,
				    limit, usage);
	return 0;
}

/* Writes p->w[i]; *next is the first write not done yet.  A write marked
 * swap_with_next that the kernel refuses with EINVAL goes again after the
 * next one (which may do the same with its own next). */
static int apply_from(const struct rl_cgroup *cg, const struct rl_cg_plan *p, size_t i,
		      size_t *next, struct rl_error *err)
{
	const struct rl_cg_write *w = &p->w[i];
	const struct rl_cg_dir *d = rl_cg_find(cg, w->ctrl);
	const char *file = w->file;
	int e;

	*next = i + 1;
	if (!d)
		return rl_error_set(err, 0,
				    "%s: cgroup %s: write \"%s\": the container has no %s cgroup",
				    w->field, w->file, w->value,
				    w->ctrl == RL_CG_CORE ? "v2" : rl_cg_ctrl_name(w->ctrl, false));
	if (w->check_usage && check_usage(d, w, err) < 0)
		return -1;
	e = write_one(d, w, &file);
	if (e == EINVAL && w->swap_with_next && i + 1 < p->n) {
		if (apply_from(cg, p, i + 1, next, err) < 0)
			return -1;
		e = write_one(d, w, &file);
	}
	return e ? write_error(d, w, file, e, err) : 0;
}

int rl_cg_plan_apply(const struct rl_cgroup *cg, const struct rl_cg_plan *p, struct rl_error *err)
{
	for (size_t i = 0; i < p->n;)
		if (apply_from(cg, p, i, &i, err) < 0)
			return -1;
	return 0;
}

/* ---- device rules ------------------------------------------------------------- */

/* devices.allow and devices.deny, each opened at its first rule and kept
 * for the rest: the kernel takes one rule per write(), whatever the
 * offset, so one open serves them all. */
struct device_files {
	int fd[2]; /* [0] devices.deny, [1] devices.allow; -1 until opened */
};

static int device_write(const struct rl_cg_dir *d, struct device_files *f,
			const struct rl_device_rule *r, struct rl_error *err)
{
	const char *file = r->allow ? "devices.allow" : "devices.deny";
	int *fd = &f->fd[r->allow], e;
	char line[96], path[PATH_MAX];

	if (rl_cg_device_line(r, line, sizeof(line)) < 0)
		return rl_error_set(
		    err, 0, "linux.resources.devices: cgroup %s: device rule too long", file);
	if (*fd < 0) {
		if (strlen(rl_cg_dir_path(d, file, path, sizeof(path))) >= sizeof(path) - 1)
			errno = ENAMETOOLONG;
		else
			do
				*fd = open(path, O_WRONLY | O_CLOEXEC);
			while (*fd < 0 && errno == EINTR);
	}
	e = *fd < 0 ? errno : rl_cg_write_fd(*fd, line);
	if (e)
		return rl_error_set(err, e, "linux.resources.devices: cgroup %s: write \"%s\"",
				    file, line);
	return 0;
}

static int devices_v1(const struct rl_cg_dir *d, struct device_files *f,
		      const struct rl_device_rule *rules, size_t n, struct rl_error *err)
{
	for (size_t i = 0; i < n; i++) {
		struct rl_device_rule r = rules[i];
		char line[96];

		/* The kernel reads a line starting with "a" as "everything",
		 * whatever follows: a narrower 'a' rule is its c and b halves. */
		if (rl_cg_device_line(&r, line, sizeof(line)) == 0 && strcmp(line, "a") != 0 &&
		    (r.type == 'a' || r.type == 0)) {
			r.type = 'c';
			if (device_write(d, f, &r, err) < 0)
				return -1;
			r.type = 'b';
		}
		if (device_write(d, f, &r, err) < 0)
			return -1;
	}
	return 0;
}

int rl_cg_devices_v1(const struct rl_cg_dir *d, const struct rl_device_rule *rules, size_t n,
		     struct rl_error *err)
{
	struct device_files f = {{-1, -1}};
	int rc = devices_v1(d, &f, rules, n, err);

	for (int i = 0; i < 2; i++)
		if (f.fd[i] >= 0)
			close(f.fd[i]);
	return rc;
}

/* ---- all of it ------------------------------------------------------------------ */

static int apply_devices(const struct rl_cgroup *cg, const struct rl_config *cfg,
			 const int where[RL_CG__COUNT], struct rl_error *err)
{
	const struct rl_resources *r = cfg->linux_ ? cfg->linux_->resources : NULL;
	const struct rl_cg_dir *v1 =
	    where[RL_CG_DEVICES] == 1 ? rl_cg_find(cg, RL_CG_DEVICES) : NULL;
	struct rl_device_rule *rules = NULL;
	size_t n = 0;
	int rc = 0, fd;

	/* Without rules of its own the container inherits its parent's
	 * devices (allow all, in v1 and v2 alike): nothing to write. */
	if (!r || !r->n_devices)
		return 0;
	if (rl_cg_devices(cfg, &rules, &n, err) < 0)
		return -1;
	if (v1) {
		rc = rl_cg_devices_v1(v1, rules, n, err);
	} else if (where[RL_CG_CORE] == 2 && where[RL_CG_DEVICES] == 0) {
		if ((fd = rl_cg_v2_fd(cg, err)) < 0) {
			rc = -1;
		} else {
			rc = rl_cg_bpf_attach(fd, rules, n, err);
			close(fd);
		}
	}
	free(rules);
	return rc;
}

int rl_cg_apply(const struct rl_cgroup *cg, const struct rl_resources *r,
		const struct rl_config *cfg, struct rl_error *err)
{
	struct rl_cg_plan plan = {0};
	int where[RL_CG__COUNT];
	int rc;

	rl_cg_where_dirs(cg, where);
	if (r) {
		if (rl_cg_plan_make(r, where, &plan, err) < 0)
			return -1;
		rc = rl_cg_plan_apply(cg, &plan, err);
		rl_cg_plan_free(&plan);
		if (rc < 0)
			return -1;
	}
	return cfg ? apply_devices(cg, cfg, where, err) : 0;
}
