/* cgroups: where a container's cgroups are, making and removing them,
 * joining them, and acting on every process in them (kill --all, pause,
 * ps).  v1, v2 and hybrid hosts alike: the layout is found at run time.
 *
 *   cgroup_layout.c  the host's hierarchies (mountinfo through libmount,
 *                    /proc/self/cgroup) and cgroupsPath -> one directory
 *                    per hierarchy (pure parts unit-tested)
 *   cgroup.c         make, record, load, join, pids, freeze, kill, remove
 *   cgroup_res.c     linux.resources -> the files to write, spelled for v1
 *                    or v2 (the one place that converts); device rule lists
 *   cgroup_apply.c   writing them, the fallbacks by file name, and errors
 *                    that name the config field and why the kernel refused
 *   cgroup_bpf.c     linux.resources.devices on v2: an eBPF device program
 *   cgroup_stats.c   runc's stats object (events --stats), oom events
 *
 * Every directory is addressed as mount + "/" + path, so the unit tests
 * point a hierarchy at a scratch directory and exercise the same code. */
#ifndef RL_RUNTIME_CGROUP_H
#define RL_RUNTIME_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/config.h"
#include "spec/error.h"

/* Controllers rlite knows.  RL_CG_CORE is not a controller: it stands for
 * the v2 directory itself (cgroup.* files, "unified" keys without a
 * controller of their own). */
enum rl_cg_ctrl {
	RL_CG_CPU,
	RL_CG_CPUACCT, /* v1 only; v2 has cpu.stat */
	RL_CG_CPUSET,
	RL_CG_MEMORY,
	RL_CG_DEVICES, /* v1 only; v2 uses an eBPF program */
	RL_CG_FREEZER, /* v1 only; v2 has cgroup.freeze */
	RL_CG_BLKIO,   /* v1 "blkio", v2 "io" */
	RL_CG_PIDS,
	RL_CG_HUGETLB,
	RL_CG_NET_CLS,	/* v1 only */
	RL_CG_NET_PRIO, /* v1 only */
	RL_CG_RDMA,
	RL_CG_PERF_EVENT,
	RL_CG_MISC,
	RL_CG_CORE,
	RL_CG__COUNT
};

#define RL_CG_BIT(c) (1u << (c))

/* "cpu", "blkio" (v1) / "io" (v2), ...; NULL for RL_CG_CORE. */
const char *rl_cg_ctrl_name(enum rl_cg_ctrl c, bool v2);
/* Inverse of rl_cg_ctrl_name for either spelling; -1 when unknown. */
int rl_cg_ctrl_from_name(const char *name);

/* One mounted hierarchy. */
struct rl_cg_hier {
	char *mount; /* mount point, e.g. "/sys/fs/cgroup/memory" */
	bool v2;
	unsigned ctrls; /* RL_CG_BIT()s: v1 from the mount options, v2 from
			 * cgroup.controllers of its root (plus RL_CG_CORE) */
	char *name;	/* v1 named hierarchy ("systemd" for name=systemd), else NULL */
	char *own;	/* our own cgroup in it, relative to the mount ("/" or
			 * "/a/b"), from /proc/self/cgroup and the mount's root */
};

enum rl_cg_mode { RL_CG_NONE, RL_CG_LEGACY, RL_CG_HYBRID, RL_CG_UNIFIED };

struct rl_cg_layout {
	struct rl_cg_hier *h;
	size_t n;
	enum rl_cg_mode mode;
};

/* The host's layout: /proc/self/mountinfo (libmount) and /proc/self/cgroup.
 * Only the first mount of each hierarchy counts (a bind mount elsewhere is
 * the same hierarchy).  No cgroup mounted at all: mode RL_CG_NONE, n 0. */
int rl_cg_layout_load(struct rl_cg_layout *l, struct rl_error *err);
/* The same from given files: a mountinfo file and the text of a
 * /proc/PID/cgroup.  v2 controllers are read from <mount>/cgroup.controllers
 * when readable (scratch directories in the unit tests). */
int rl_cg_layout_parse(const char *mountinfo_path, const char *proc_cgroup, struct rl_cg_layout *l,
		       struct rl_error *err);
void rl_cg_layout_free(struct rl_cg_layout *l);
/* The hierarchy holding controller c (RL_CG_CORE: the v2 one), or NULL. */
const struct rl_cg_hier *rl_cg_layout_find(const struct rl_cg_layout *l, enum rl_cg_ctrl c);

/* ---- a container's cgroups ----------------------------------------------- */

/* One directory of the container, in one hierarchy. */
struct rl_cg_dir {
	char *mount; /* the hierarchy's mount point */
	bool v2;
	unsigned ctrls; /* as struct rl_cg_hier */
	char *path;	/* relative to mount, starting with '/', never "/" */
	int created;	/* how many trailing components of path we made */
	char *name;	/* a named v1 hierarchy's name (rl_cg_resolve), else NULL */
	bool made;	/* rl_cg_make made (or found) it in this process */
};

struct rl_cgroup {
	struct rl_cg_dir *d;
	size_t n;
	/* a systemd unit's (rl_cg_adopt): directories that exist, with
	 * rlite itself in them, are the unit's, not someone else's */
	bool adopted;
};

/* How linux.cgroupsPath becomes a path:
 *   absolute "/a/b"      the same path in every hierarchy;
 *   relative "a/b"       below our own cgroup in each hierarchy (on v2 below
 *                        its parent when ours is not the root: ours holds
 *                        processes, runc does the same);
 *   NULL or ""           the relative path "<id>" (runc's default);
 *   systemd (--systemd-cgroup) "slice:prefix:name", mapped to the path
 *                        systemd would give the unit:
 *                        "a-b.slice:pre:x" -> "/a.slice/a-b.slice/pre-x.scope"
 *                        (empty slice: "system.slice"; empty prefix:
 *                        "x.scope"; a name ending in ".slice": that slice).
 * Refused: "..", a component longer than NAME_MAX, tabs or newlines, a
 * path that ends up as a hierarchy's root.  Pure but for nothing: it reads
 * nothing. */
int rl_cg_resolve(const struct rl_cg_layout *l, const char *cgroups_path, const char *id,
		  bool systemd, struct rl_cgroup *out, struct rl_error *err);
/* The cgroups this process is in, one directory per hierarchy ("" as the
 * path of a hierarchy's root): what a container made without cgroups of
 * its own sees of them. */
int rl_cg_own(const struct rl_cg_layout *l, struct rl_cgroup *out, struct rl_error *err);

/* The path of a "slice:prefix:name" in the systemd tree (see above). */
/* runc's mapping of cpu.shares [2, 262144] onto cpu.weight [1, 10000]
 * (out-of-range shares are clamped). */
uint64_t rl_cg_shares_to_weight(uint64_t shares);

/* "slice:prefix:name" as systemd's names: the slice ("" -> "system.slice")
 * and the unit ("prefix-name.scope", "name.scope" without a prefix, or the
 * name itself when it ends in ".slice").  slice: NAME_MAX + 1 bytes, unit:
 * 2 * NAME_MAX + 16. */
int rl_cg_systemd_names(const char *spec, char *slice, size_t slicesz, char *unit, size_t unitsz,
			struct rl_error *err);
int rl_cg_systemd_path(const char *spec, char *out, size_t outsz, struct rl_error *err);

/* A cgroup file, read whole into buf (NUL-terminated, at most len-1
 * bytes): its length, or -1 with errno set. */
int rl_cg_read_path(const char *path, char *buf, size_t len);
/* value written with one open and one write(2) (a cgroup file takes a value
 * per write; a short write would be another value): 0, or -1 with errno. */
int rl_cg_write_path(const char *path, const char *value);
/* value written to an open cgroup file with one write(2): 0, or an errno. */
int rl_cg_write_fd(int fd, const char *value);

/* An absolute path without "." or ".." components and without empty ones
 * ("//", a trailing "/"), or "/": a cgroup path that stays where it says.
 * The record's paths must be such (delete removes what they name), and so
 * must our own cgroup as /proc/self/cgroup gives it before anything is
 * made below it.  Pure. */
bool rl_cg_clean_path(const char *p);

/* mount + path into buf; the file name too when file != NULL. */
const char *rl_cg_dir_path(const struct rl_cg_dir *d, const char *file, char *buf, size_t len);
/* The directory holding controller c (RL_CG_CORE: the v2 one), or NULL. */
const struct rl_cg_dir *rl_cg_find(const struct rl_cgroup *cg, enum rl_cg_ctrl c);

/* After systemd made the directories of a unit (--systemd-cgroup): what
 * exists now is systemd's, not ours to remove (created recounted), and
 * rl_cg_make does not refuse them for holding processes. */
void rl_cg_adopt(struct rl_cgroup *cg);

/* Makes every directory (parents as needed, recording how many it made),
 * enables the v2 controllers along the way, gives new v1 cpuset
 * directories their parent's cpus and mems.  A directory that already
 * holds processes is refused: "cgroup \"DIR\": already in use by other
 * processes".  On failure what it made is removed. */
int rl_cg_make(struct rl_cgroup *cg, struct rl_error *err);
/* The same for the v2 directory alone (the one clone3 can put a child
 * into); a later rl_cg_make makes the others and leaves it. */
int rl_cg_make_v2(struct rl_cgroup *cg, struct rl_error *err);
/* Before anything is made or recorded: counts the components of each path
 * that do not exist yet (created, which rl_cg_make then starts from), and
 * refuses a directory that holds processes as rl_cg_make does: a record
 * naming another container's cgroup would let `delete --force` of this
 * one kill that one. */
int rl_cg_prepare(struct rl_cgroup *cg, struct rl_error *err);

/* The record of a container's cgroups in its state directory (file
 * "cgroups" under dirfd), written before rl_cg_make so that a runtime
 * killed at any point leaves enough for `delete --force`.  One line per
 * directory: "v1|v2 <TAB> ctrls-hex <TAB> created <TAB> mount <TAB> path". */
int rl_cg_save(int dirfd, const struct rl_cgroup *cg, struct rl_error *err);
/* Missing file: 0 with cg empty (a container made without cgroups).  A
 * record that is not what rl_cg_save writes (a line without its five
 * fields, a number out of range, a path that is not absolute and clean:
 * "..", "//", a trailing "/") is refused whole: errnum EINVAL, "\"cgroups\":
 * corrupt (line N)". */
int rl_cg_load(int dirfd, struct rl_cgroup *cg, struct rl_error *err);
/* The two halves of save and load, pure (tests/fuzz/cgrecord_fuzz.c):
 * the text of a record (free(*out)), and a record's text parsed. */
int rl_cg_record_format(const struct rl_cgroup *cg, char **out, size_t *len, struct rl_error *err);
int rl_cg_record_parse(const char *text, size_t len, struct rl_cgroup *cg, struct rl_error *err);

/* For a process that joins by itself (rl_cg_join_fds): the file of each
 * directory it writes "0" to, opened for writing by the runtime, so that
 * the permission (checked against the opener) holds in a user namespace
 * too.  n fds (cg->n), O_CLOEXEC.
 *
 * A v1 directory's is `tasks`: a thread that moves itself there takes no
 * global lock, where a write to cgroup.procs takes cgroup_threadgroup_rwsem
 * for writing, and the first such write after a quiet while waits for an
 * RCU grace period (milliseconds; it was the largest single cost of a
 * container's start on v1 and hybrid hosts).  Moving the thread is moving
 * the process only because the joiner is single-threaded, as every rlite
 * process is.  A v2 directory's is cgroup.procs (cgroup.threads cannot
 * leave the threaded domain): clone3 puts the child there instead where it
 * can (rl_cg_v2_fd); no_v2 when it already has, -1 there. */
int rl_cg_open_join(const struct rl_cgroup *cg, bool no_v2, int *fds, struct rl_error *err);
/* In the joining process: writes "0" (itself) to each fd >= 0 and closes it. */
int rl_cg_join_fds(const struct rl_cgroup *cg, int *fds, struct rl_error *err);
/* Moves process pid into every directory (its cgroup.procs). */
int rl_cg_move(const struct rl_cgroup *cg, pid_t pid, struct rl_error *err);
/* O_DIRECTORY fd of the v2 directory (for clone3 CLONE_INTO_CGROUP and
 * the device program), or -1 when there is none. */
int rl_cg_v2_fd(const struct rl_cgroup *cg, struct rl_error *err);

/* Every pid in the container's cgroup (the v2 directory, else the first v1
 * hierarchy that has the freezer, else the first one), sorted.  free(*pids). */
int rl_cg_pids(const struct rl_cgroup *cg, pid_t **pids, size_t *n, struct rl_error *err);
/* Freezes (true) or thaws every process: v1 freezer.state, else v2
 * cgroup.freeze; waits until the kernel reports it done.  No freezer at all:
 * errnum ENOTSUP. */
int rl_cg_freeze(const struct rl_cgroup *cg, bool freeze, struct rl_error *err);
/* True when the container's processes are frozen now. */
bool rl_cg_frozen(const struct rl_cgroup *cg);
/* sig to every process: SIGKILL through v2 cgroup.kill when there is one;
 * otherwise freeze, signal each pid, thaw (a process cannot fork away
 * while frozen).  Without a freezer: signals until no new pid shows up. */
int rl_cg_kill(const struct rl_cgroup *cg, int sig, struct rl_error *err);
/* Removes the directories, deepest first, then the parents this container
 * made (leaving those in use); waits up to timeout_ms for exiting
 * processes to leave.  ENOENT is success. */
int rl_cg_remove(const struct rl_cgroup *cg, int timeout_ms, struct rl_error *err);
void rl_cg_free(struct rl_cgroup *cg);

/* ---- resources (cgroup_res.c) ------------------------------------------- */

/* One file write of the plan. */
struct rl_cg_write {
	enum rl_cg_ctrl ctrl; /* which directory gets it */
	char *field;	      /* the config field: "linux.resources.memory.limit" */
	char *file;	      /* "memory.limit_in_bytes" */
	char *value;	      /* "4096" */
	/* The next write must go first when this one fails with EINVAL, then
	 * this one is retried (v1 memory vs memsw, cfs period vs quota). */
	bool swap_with_next;
	/* memory.checkBeforeUpdate on v2: the applier refuses a memory.max
	 * below memory.current (v1 refuses that by itself, EBUSY). */
	bool check_usage;
};

struct rl_cg_plan {
	struct rl_cg_write *w;
	size_t n;
};

/* Which version holds each controller: where[c] is 1 (v1), 2 (v2) or 0
 * (not available); filled from a layout by rl_cg_where. */
void rl_cg_where(const struct rl_cg_layout *l, int where[RL_CG__COUNT]);
/* The same from a container's directories. */
void rl_cg_where_dirs(const struct rl_cgroup *cg, int where[RL_CG__COUNT]);

/* linux.resources -> writes, in the order they must happen, each spelled
 * for the version that holds its controller (shares -> cpu.weight on v2,
 * quota/period -> cpu.max, swap -> memory.swap.max = swap - limit, blkio
 * weight -> io.weight, ...).  Device rules are not in it (rl_cg_devices).
 * A resource whose controller is not available, or that the version cannot
 * express, fails naming the field: "linux.resources.network.classID: the
 * net_cls controller is not available"; so does an obsolete one
 * (memory.kernel).  Nothing is left out without a word.  Pure. */
int rl_cg_plan_make(const struct rl_resources *r, const int where[RL_CG__COUNT],
		    struct rl_cg_plan *out, struct rl_error *err);
void rl_cg_plan_free(struct rl_cg_plan *p);

/* Writes the plan into the container's directories (cgroup_apply.c).
 * Errors name the config field, then the file and value the kernel refused:
 * `linux.resources.memory.limit: cgroup memory.limit_in_bytes: write
 * "4096": Device or resource busy`; a file the kernel does not have (after
 * the fallbacks: BFQ's blkio files, io.weight) says why instead, errnum 0:
 * `linux.resources.blockIO.weight: this kernel has no blkio weight file (no
 * BFQ on any device)`; memory.checkBeforeUpdate names itself and the
 * usage.  What was written stays: the caller removes the cgroup. */
int rl_cg_plan_apply(const struct rl_cgroup *cg, const struct rl_cg_plan *p, struct rl_error *err);
/* "this kernel has no FILE file (WHY)" for a file of the plan that is
 * missing where its controller is (WHY when known: BFQ, swap accounting,
 * a kernel option, the huge page size ...).  Pure; returns buf. */
const char *rl_cg_missing_reason(const char *file, char *buf, size_t len);

/* The device rules the container gets: linux.resources.devices as given,
 * followed by allow rules for the devices every container has (null, zero,
 * full, random, urandom, tty, console, ptmx, pts/<n>) and for linux.devices,
 * as runc does.  free(*out) (the access strings are static or borrowed). */
int rl_cg_devices(const struct rl_config *cfg, struct rl_device_rule **out, size_t *n,
		  struct rl_error *err);
/* v1: each rule written to devices.allow / devices.deny in order ("a" for
 * a full wildcard, "c 1:3 rwm", "*" for an unset major or minor). */
int rl_cg_devices_v1(const struct rl_cg_dir *d, const struct rl_device_rule *rules, size_t n,
		     struct rl_error *err);
/* The v1 line for one rule: "c 1:3 rwm", "a *:* rwm" ("a" alone for
 * allow/deny of everything).  Pure. */
int rl_cg_device_line(const struct rl_device_rule *r, char *buf, size_t len);

/* All of the above for a new container (and for update, which passes
 * cfg == NULL: no device rules): plan, apply, device rules on v1 and as an
 * eBPF program on the v2 directory when devices are not on v1.  Warnings
 * go to the log. */
int rl_cg_apply(const struct rl_cgroup *cg, const struct rl_resources *r,
		const struct rl_config *cfg, struct rl_error *err);

/* ---- v2 devices (cgroup_bpf.c) ------------------------------------------- */

/* Builds the eBPF program for rules (last matching rule wins, as the v1
 * controller behaves; nothing matching: allowed, as an empty list is in
 * v1).  *insns is malloc'd, *n instructions (struct bpf_insn).  Pure. */
int rl_cg_bpf_build(const struct rl_device_rule *rules, size_t n, void **insns, size_t *n_insns,
		    struct rl_error *err);
/* Loads it and attaches it to the v2 directory fd (BPF_CGROUP_DEVICE,
 * BPF_F_ALLOW_MULTI), replacing a program rlite attached before. */
int rl_cg_bpf_attach(int dirfd, const struct rl_device_rule *rules, size_t n, struct rl_error *err);

#endif
