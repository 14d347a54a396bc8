/* The OCI runtime configuration (config.json), as Linux uses it.
 *
 * Covers runtime-spec v1.0 to v1.2.  Every pointer is owned by the struct
 * that holds it; rl_config_free() releases all of it.  Arrays come as a
 * pointer plus a count; string lists (struct rl_strv) are also
 * NULL-terminated so they can go to execve() as they are.
 *
 * An optional scalar is kept with a "set" flag (struct rl_opt_*), because the
 * spec gives absent and zero different meanings (e.g. a memory limit of 0 vs
 * no limit). */
#ifndef RL_SPEC_CONFIG_H
#define RL_SPEC_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define RL_OCI_VERSION "1.3.0"
/* The oldest ociVersion rlite reads: the parser takes every 1.x. */
#define RL_OCI_VERSION_MIN "1.0.0"
/* The ociVersion of the default config (`rlite spec`): the last 1.0
 * release, which both runc 1.1 and crun 1.8 run.  runc takes any; crun 1.8
 * refuses a version without the text "1.0" in it (a strstr(), not a
 * comparison: "1.2.0" and "1.1.1" are refused, "1.1.0" passes by accident).
 * The default config uses nothing newer than 1.0.2. */
#define RL_OCI_VERSION_DEFAULT "1.0.2"

struct rl_opt_i64 {
	bool set;
	int64_t v;
};

struct rl_opt_u64 {
	bool set;
	uint64_t v;
};

struct rl_opt_u32 {
	bool set;
	uint32_t v;
};

struct rl_opt_bool {
	bool set;
	bool v;
};

struct rl_strv {
	char **v; /* n entries followed by NULL; NULL itself when n == 0 */
	size_t n;
};

/* A string-to-string map kept in document order (annotations, sysctl,
 * resources.unified).  Duplicate keys: the last one wins, as in JSON
 * decoders generally; the parser keeps only one entry per key. */
struct rl_map {
	char **keys;
	char **values;
	size_t n;
};

/* ---- root, mounts ---------------------------------------------------- */

struct rl_root {
	char *path; /* required; relative to the bundle unless absolute */
	bool readonly;
};

struct rl_idmap {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct rl_mount {
	char *destination; /* required; relative ones are taken from "/" */
	char *type;	   /* NULL when absent */
	char *source;	   /* NULL when absent */
	struct rl_strv options;
	struct rl_idmap *uid_mappings; /* idmapped mounts (v1.1) */
	size_t n_uid_mappings;
	struct rl_idmap *gid_mappings;
	size_t n_gid_mappings;
};

/* ---- process --------------------------------------------------------- */

/* Capability sets as bit masks indexed by capability number (CAP_CHOWN = 0
 * ... CAP_LAST_CAP); see rl_cap_from_name(). */
struct rl_capabilities {
	uint64_t bounding;
	uint64_t effective;
	uint64_t inheritable;
	uint64_t permitted;
	uint64_t ambient;
};

struct rl_rlimit {
	char *type;   /* e.g. "RLIMIT_NOFILE", as written */
	int resource; /* the RLIMIT_* number */
	uint64_t hard;
	uint64_t soft;
};

struct rl_user {
	uint32_t uid;
	uint32_t gid;
	struct rl_opt_u32 umask;
	uint32_t *additional_gids;
	size_t n_additional_gids;
	char *username; /* Windows only in the spec; kept, unused */
};

struct rl_io_priority {
	bool set;
	int class;	  /* IOPRIO_CLASS_RT/BE/IDLE: 1, 2, 3 */
	char *class_name; /* as written, e.g. "IOPRIO_CLASS_BE" */
	int priority;	  /* 0..7 */
};

struct rl_scheduler {
	bool set;
	char *policy; /* "SCHED_OTHER", ... as written */
	int policy_id;
	struct rl_opt_i64 nice;
	struct rl_opt_i64 priority;
	struct rl_strv flags; /* "SCHED_FLAG_RESET_ON_FORK", ... */
	struct rl_opt_u64 runtime;
	struct rl_opt_u64 deadline;
	struct rl_opt_u64 period;
};

/* process.execCPUAffinity (1.2.1): for exec only; the CPU lists as written
 * ("0-3,7"), syntax checked; NULL when absent. */
struct rl_exec_cpu_affinity {
	char *initial;
	char *final;
};

struct rl_process {
	bool terminal;
	bool has_console_size;
	uint32_t console_height;
	uint32_t console_width;
	struct rl_user user;
	struct rl_strv args; /* required, non-empty */
	struct rl_strv env;
	char *cwd;			      /* required, absolute */
	struct rl_capabilities *capabilities; /* NULL when absent */
	struct rl_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	char *apparmor_profile;
	struct rl_opt_i64 oom_score_adj; /* -1000..1000 */
	char *selinux_label;
	struct rl_io_priority io_priority;
	struct rl_scheduler scheduler;
	struct rl_exec_cpu_affinity exec_cpu_affinity;
};

/* ---- hooks ----------------------------------------------------------- */

enum rl_hook_kind {
	RL_HOOK_PRESTART,
	RL_HOOK_CREATE_RUNTIME,
	RL_HOOK_CREATE_CONTAINER,
	RL_HOOK_START_CONTAINER,
	RL_HOOK_POSTSTART,
	RL_HOOK_POSTSTOP,
	RL_HOOK__COUNT
};

struct rl_hook {
	char *path; /* required, absolute */
	struct rl_strv args;
	struct rl_strv env;
	struct rl_opt_i64 timeout; /* seconds, > 0 */
};

struct rl_hook_list {
	struct rl_hook *v;
	size_t n;
};

/* ---- linux ----------------------------------------------------------- */

enum rl_ns_type {
	RL_NS_PID,
	RL_NS_NETWORK,
	RL_NS_MOUNT,
	RL_NS_IPC,
	RL_NS_UTS,
	RL_NS_USER,
	RL_NS_CGROUP,
	RL_NS_TIME,
	RL_NS__COUNT
};

struct rl_namespace {
	enum rl_ns_type type;
	char *path; /* NULL: create a new one; else join this one */
};

struct rl_time_offset {
	bool set;
	int64_t secs;
	uint32_t nanosecs;
};

struct rl_device {
	char *path;    /* required, absolute */
	char type;     /* 'c', 'b', 'u' or 'p' */
	int64_t major; /* required unless type is 'p' */
	int64_t minor;
	struct rl_opt_u32 file_mode;
	struct rl_opt_u32 uid;
	struct rl_opt_u32 gid;
};

/* linux.resources.devices[] (the device cgroup rules) */
struct rl_device_rule {
	bool allow;
	char type;		 /* 'a', 'c' or 'b'; 'a' when absent */
	struct rl_opt_i64 major; /* unset: wildcard */
	struct rl_opt_i64 minor;
	char *access; /* subset of "rwm"; NULL when absent */
};

struct rl_memory {
	struct rl_opt_i64 limit;
	struct rl_opt_i64 reservation;
	struct rl_opt_i64 swap;
	struct rl_opt_i64 kernel; /* obsolete */
	struct rl_opt_i64 kernel_tcp;
	struct rl_opt_u64 swappiness; /* 0..100 */
	struct rl_opt_bool disable_oom_killer;
	struct rl_opt_bool use_hierarchy;
	struct rl_opt_bool check_before_update;
};

struct rl_cpu {
	struct rl_opt_u64 shares;
	struct rl_opt_i64 quota;
	struct rl_opt_u64 burst;
	struct rl_opt_u64 period;
	struct rl_opt_i64 realtime_runtime;
	struct rl_opt_u64 realtime_period;
	char *cpus;
	char *mems;
	struct rl_opt_i64 idle;
};

struct rl_weight_device {
	int64_t major;
	int64_t minor;
	struct rl_opt_u32 weight; /* 10..1000 (v1), 1..10000 (v2) */
	struct rl_opt_u32 leaf_weight;
};

struct rl_throttle_device {
	int64_t major;
	int64_t minor;
	uint64_t rate;
};

struct rl_block_io {
	struct rl_opt_u32 weight;
	struct rl_opt_u32 leaf_weight;
	struct rl_weight_device *weight_device;
	size_t n_weight_device;
	struct rl_throttle_device *throttle_read_bps;
	size_t n_throttle_read_bps;
	struct rl_throttle_device *throttle_write_bps;
	size_t n_throttle_write_bps;
	struct rl_throttle_device *throttle_read_iops;
	size_t n_throttle_read_iops;
	struct rl_throttle_device *throttle_write_iops;
	size_t n_throttle_write_iops;
};

struct rl_hugepage_limit {
	char *page_size; /* "2MB", "1GB", ... */
	uint64_t limit;
};

struct rl_net_priority {
	char *name;
	uint32_t priority;
};

struct rl_network {
	struct rl_opt_u32 class_id;
	struct rl_net_priority *priorities;
	size_t n_priorities;
};

struct rl_rdma {
	char *device;
	struct rl_opt_u32 hca_handles;
	struct rl_opt_u32 hca_objects;
};

struct rl_resources {
	struct rl_device_rule *devices;
	size_t n_devices;
	bool has_memory;
	struct rl_memory memory;
	bool has_cpu;
	struct rl_cpu cpu;
	struct rl_opt_i64 pids_limit; /* resources.pids.limit */
	bool has_block_io;
	struct rl_block_io block_io;
	struct rl_hugepage_limit *hugepage_limits;
	size_t n_hugepage_limits;
	bool has_network;
	struct rl_network network;
	struct rl_rdma *rdma;
	size_t n_rdma;
	struct rl_map unified;
};

enum rl_seccomp_action {
	RL_SCMP_ACT_KILL, /* = KILL_THREAD */
	RL_SCMP_ACT_KILL_PROCESS,
	RL_SCMP_ACT_KILL_THREAD,
	RL_SCMP_ACT_TRAP,
	RL_SCMP_ACT_ERRNO,
	RL_SCMP_ACT_TRACE,
	RL_SCMP_ACT_ALLOW,
	RL_SCMP_ACT_LOG,
	RL_SCMP_ACT_NOTIFY,
};

enum rl_seccomp_op {
	RL_SCMP_CMP_NE,
	RL_SCMP_CMP_LT,
	RL_SCMP_CMP_LE,
	RL_SCMP_CMP_EQ,
	RL_SCMP_CMP_GE,
	RL_SCMP_CMP_GT,
	RL_SCMP_CMP_MASKED_EQ,
};

struct rl_seccomp_arg {
	uint32_t index; /* 0..5 */
	uint64_t value;
	uint64_t value_two;
	enum rl_seccomp_op op;
};

struct rl_seccomp_syscall {
	struct rl_strv names; /* required, non-empty */
	enum rl_seccomp_action action;
	struct rl_opt_u32 errno_ret;
	struct rl_seccomp_arg *args;
	size_t n_args;
};

struct rl_seccomp {
	enum rl_seccomp_action default_action;
	struct rl_opt_u32 default_errno_ret;
	struct rl_strv architectures; /* "SCMP_ARCH_X86_64", ... as written */
	struct rl_strv flags;	      /* "SECCOMP_FILTER_FLAG_LOG", ... */
	char *listener_path;
	char *listener_metadata;
	struct rl_seccomp_syscall *syscalls;
	size_t n_syscalls;
};

struct rl_personality {
	char *domain; /* "LINUX" or "LINUX32" */
	struct rl_strv flags;
};

/* linux.memoryPolicy (1.3), for set_mempolicy(2). */
struct rl_memory_policy {
	char *mode_name; /* "MPOL_BIND" ... */
	int mode;	 /* MPOL_* of <linux/mempolicy.h> */
	char *nodes;	 /* as written, syntax checked; NULL when absent */
	struct rl_strv flags;
	unsigned flag_bits; /* MPOL_F_* */
};

/* linux.netDevices (1.3): a host interface moved into the container's
 * network namespace, renamed to name (NULL: keeps its own; "%d" in it: the
 * kernel picks a free number). */
struct rl_net_device {
	char *host;
	char *name;
};

struct rl_linux {
	struct rl_namespace *namespaces;
	size_t n_namespaces;
	struct rl_idmap *uid_mappings;
	size_t n_uid_mappings;
	struct rl_idmap *gid_mappings;
	size_t n_gid_mappings;
	struct rl_time_offset time_boottime;
	struct rl_time_offset time_monotonic;
	struct rl_device *devices;
	size_t n_devices;
	char *cgroups_path;
	struct rl_resources *resources; /* NULL when absent */
	char *rootfs_propagation;	/* validated name, or NULL */
	struct rl_seccomp *seccomp;	/* NULL when absent */
	struct rl_map sysctl;
	struct rl_strv masked_paths;
	struct rl_strv readonly_paths;
	char *mount_label;
	struct rl_personality *personality;	/* parsed; refused by the runtime */
	struct rl_memory_policy *memory_policy; /* NULL when absent */
	struct rl_net_device *net_devices;	/* in document order, one per key */
	size_t n_net_devices;
	bool has_intel_rdt; /* present: refused at validation */
};

/* ---- the whole document ---------------------------------------------- */

struct rl_config {
	char *oci_version; /* required */
	struct rl_root root;
	bool has_root;
	struct rl_mount *mounts;
	size_t n_mounts;
	struct rl_process *process; /* NULL when absent (allowed for create?) */
	char *hostname;
	char *domainname;
	struct rl_hook_list hooks[RL_HOOK__COUNT];
	struct rl_map annotations;
	struct rl_linux *linux_; /* NULL when absent */
};

/* A CPU or memory node list as the kernel prints one ("0-3,7"): sets bit n
 * of mask (nbits bits) for each n.  -1 on a syntax error or a number at or
 * above nbits.  Pure. */
int rl_parse_id_list(const char *s, unsigned long *mask, size_t nbits);

/* ---- names ----------------------------------------------------------- */

/* Tables shared by the parser, the writers and the runtime.  Each lookup
 * returns -1 (or NULL) for an unknown name or value.  The tables are dense,
 * so the name functions also enumerate them: 0, 1, ... until NULL. */
int rl_cap_from_name(const char *name); /* "CAP_CHOWN" -> 0 */
const char *rl_cap_name(int cap);	/* 0 -> "CAP_CHOWN" */
int rl_cap_last(void);			/* highest capability number known */
int rl_ns_from_name(const char *name);	/* "pid" -> RL_NS_PID */
const char *rl_ns_name(enum rl_ns_type type);
const char *rl_hook_name(enum rl_hook_kind kind); /* "createRuntime" */
int rl_rlimit_from_name(const char *name);	  /* "RLIMIT_NOFILE" */
int rl_seccomp_action_from_name(const char *name);
const char *rl_seccomp_action_name(enum rl_seccomp_action a);
int rl_seccomp_op_from_name(const char *name);
const char *rl_seccomp_op_name(enum rl_seccomp_op op);
/* The i-th SCMP_ARCH_* / SECCOMP_FILTER_FLAG_* name linux.seccomp accepts,
 * NULL past the end (config_seccomp.c). */
const char *rl_seccomp_arch_name(size_t i);
const char *rl_seccomp_flag_name(size_t i);
/* The i-th mode / flag linux.memoryPolicy accepts, NULL past the end
 * (config_parse_linux.c). */
const char *rl_mpol_mode_name(size_t i);
const char *rl_mpol_flag_name(size_t i);

/* ---- parse, validate, write, free ------------------------------------ */

/* Parses a config document.  `name` is used as the prefix of every error
 * ("config.json: process.args: must be a non-empty array").  On failure
 * returns -1 with err set and *out untouched; nothing is leaked. */
int rl_config_parse(const char *text, size_t len, const char *name, struct rl_config **out,
		    struct rl_error *err);

/* Reads and parses a file; errors name the file. */
int rl_config_load(const char *path, struct rl_config **out, struct rl_error *err);

/* Writes the config as indented JSON into a malloc'd NUL-terminated buffer.
 * Parsing the result gives back an equal config. */
int rl_config_to_json(const struct rl_config *cfg, char **out, size_t *len, struct rl_error *err);

/* A linux.resources object on its own (rlite update --resources): errors
 * name `name` and the member ("r.json: memory.limit: must be an integer").
 * rl_resources_load reads a file, or stdin for "-". */
int rl_resources_parse(const char *text, size_t len, const char *name, struct rl_resources **out,
		       struct rl_error *err);
int rl_resources_load(const char *path, struct rl_resources **out, struct rl_error *err);
void rl_resources_free(struct rl_resources *r);

/* A process object on its own (rlite exec --process FILE, as conmon and
 * containerd's shim write it): the same checks as config.json's
 * "process", with errors naming `name` and the member without the
 * "process." ("process.json: args: is required").  rl_process_load reads
 * a regular file. */
int rl_process_parse(const char *text, size_t len, const char *name, struct rl_process **out,
		     struct rl_error *err);
int rl_process_load(const char *path, struct rl_process **out, struct rl_error *err);
void rl_process_free(struct rl_process *p);

/* The default config, as `rlite spec` writes it: busybox sh in ./rootfs,
 * the default mounts, masked and read-only paths, capabilities and
 * namespaces, noNewPrivileges. */
struct rl_config *rl_config_default(void);

/* The rootless default (`rlite spec --rootless`, as runc's): a new user
 * namespace mapping uid and gid (the caller's) to 0, no network namespace,
 * /sys bound from the host, no uid=/gid= mount options.  Pure. */
struct rl_config *rl_config_default_rootless(uint32_t uid, uint32_t gid);

void rl_config_free(struct rl_config *cfg);

/* Helpers for cleanup attributes. */
static inline void rl_config_freep(struct rl_config **p)
{
	rl_config_free(*p);
}
#define _rl_config_cleanup_ __attribute__((cleanup(rl_config_freep)))

#endif
