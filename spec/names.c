/* Name tables of the config model: capabilities, namespaces, hooks, rlimits,
 * seccomp actions and operators.
 *
 * spec/ is pure, so the capability table is our own rather than libcap-ng's:
 * the numbers are the kernel ABI (include/uapi/linux/capability.h) and never
 * change once assigned, so a table is as good as the library and keeps the
 * parser free of a runtime dependency.  The unit test checks it against the
 * system header. */
#include "config.h"

#include <string.h>
#include <sys/resource.h>

static const char *const cap_names[] = {
    "CAP_CHOWN",	      /* 0 */
    "CAP_DAC_OVERRIDE",	      /* 1 */
    "CAP_DAC_READ_SEARCH",    /* 2 */
    "CAP_FOWNER",	      /* 3 */
    "CAP_FSETID",	      /* 4 */
    "CAP_KILL",		      /* 5 */
    "CAP_SETGID",	      /* 6 */
    "CAP_SETUID",	      /* 7 */
    "CAP_SETPCAP",	      /* 8 */
    "CAP_LINUX_IMMUTABLE",    /* 9 */
    "CAP_NET_BIND_SERVICE",   /* 10 */
    "CAP_NET_BROADCAST",      /* 11 */
    "CAP_NET_ADMIN",	      /* 12 */
    "CAP_NET_RAW",	      /* 13 */
    "CAP_IPC_LOCK",	      /* 14 */
    "CAP_IPC_OWNER",	      /* 15 */
    "CAP_SYS_MODULE",	      /* 16 */
    "CAP_SYS_RAWIO",	      /* 17 */
    "CAP_SYS_CHROOT",	      /* 18 */
    "CAP_SYS_PTRACE",	      /* 19 */
    "CAP_SYS_PACCT",	      /* 20 */
    "CAP_SYS_ADMIN",	      /* 21 */
    "CAP_SYS_BOOT",	      /* 22 */
    "CAP_SYS_NICE",	      /* 23 */
    "CAP_SYS_RESOURCE",	      /* 24 */
    "CAP_SYS_TIME",	      /* 25 */
    "CAP_SYS_TTY_CONFIG",     /* 26 */
    "CAP_MKNOD",	      /* 27 */
    "CAP_LEASE",	      /* 28 */
    "CAP_AUDIT_WRITE",	      /* 29 */
    "CAP_AUDIT_CONTROL",      /* 30 */
    "CAP_SETFCAP",	      /* 31 */
    "CAP_MAC_OVERRIDE",	      /* 32 */
    "CAP_MAC_ADMIN",	      /* 33 */
    "CAP_SYSLOG",	      /* 34 */
    "CAP_WAKE_ALARM",	      /* 35 */
    "CAP_BLOCK_SUSPEND",      /* 36 */
    "CAP_AUDIT_READ",	      /* 37 */
    "CAP_PERFMON",	      /* 38 */
    "CAP_BPF",		      /* 39 */
    "CAP_CHECKPOINT_RESTORE", /* 40 */
};

#define N_CAPS ((int)(sizeof(cap_names) / sizeof(cap_names[0])))

/* The sets are uint64_t bit masks (struct rl_capabilities). */
_Static_assert(sizeof(cap_names) / sizeof(cap_names[0]) <= 64, "capability masks are 64 bits");

int rl_cap_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < N_CAPS; i++)
		if (strcmp(cap_names[i], name) == 0)
			return i;
	return -1;
}

const char *rl_cap_name(int cap)
{
	if (cap < 0 || cap >= N_CAPS)
		return NULL;
	return cap_names[cap];
}

int rl_cap_last(void)
{
	return N_CAPS - 1;
}

/* config-linux.md "Namespaces": the spec's type names, in enum order. */
static const char *const ns_names[RL_NS__COUNT] = {
    [RL_NS_PID] = "pid",       [RL_NS_NETWORK] = "network", [RL_NS_MOUNT] = "mount",
    [RL_NS_IPC] = "ipc",       [RL_NS_UTS] = "uts",	    [RL_NS_USER] = "user",
    [RL_NS_CGROUP] = "cgroup", [RL_NS_TIME] = "time",
};

int rl_ns_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < RL_NS__COUNT; i++)
		if (strcmp(ns_names[i], name) == 0)
			return i;
	return -1;
}

const char *rl_ns_name(enum rl_ns_type type)
{
	if ((int)type < 0 || type >= RL_NS__COUNT)
		return NULL;
	return ns_names[type];
}

/* config.md "POSIX-platform Hooks": the member names of "hooks". */
static const char *const hook_names[RL_HOOK__COUNT] = {
    [RL_HOOK_PRESTART] = "prestart",
    [RL_HOOK_CREATE_RUNTIME] = "createRuntime",
    [RL_HOOK_CREATE_CONTAINER] = "createContainer",
    [RL_HOOK_START_CONTAINER] = "startContainer",
    [RL_HOOK_POSTSTART] = "poststart",
    [RL_HOOK_POSTSTOP] = "poststop",
};

const char *rl_hook_name(enum rl_hook_kind kind)
{
	if ((int)kind < 0 || kind >= RL_HOOK__COUNT)
		return NULL;
	return hook_names[kind];
}

/* getrlimit(2) names; the numbers come from the C library's header, which is
 * what setrlimit() in the runtime will be called with. */
static const struct {
	const char *name;
	int resource;
} rlimits[] = {
    {"RLIMIT_CPU", RLIMIT_CPU},		  {"RLIMIT_FSIZE", RLIMIT_FSIZE},
    {"RLIMIT_DATA", RLIMIT_DATA},	  {"RLIMIT_STACK", RLIMIT_STACK},
    {"RLIMIT_CORE", RLIMIT_CORE},	  {"RLIMIT_RSS", RLIMIT_RSS},
    {"RLIMIT_NPROC", RLIMIT_NPROC},	  {"RLIMIT_NOFILE", RLIMIT_NOFILE},
    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},	  {"RLIMIT_AS", RLIMIT_AS},
    {"RLIMIT_LOCKS", RLIMIT_LOCKS},	  {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},	  {"RLIMIT_RTTIME", RLIMIT_RTTIME},
};

int rl_rlimit_from_name(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++)
		if (strcmp(rlimits[i].name, name) == 0)
			return rlimits[i].resource;
	return -1;
}

/* config-linux.md "Seccomp": action and operator names, in enum order. */
static const char *const scmp_actions[] = {
    [RL_SCMP_ACT_KILL] = "SCMP_ACT_KILL",
    [RL_SCMP_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [RL_SCMP_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [RL_SCMP_ACT_TRAP] = "SCMP_ACT_TRAP",
    [RL_SCMP_ACT_ERRNO] = "SCMP_ACT_ERRNO",
    [RL_SCMP_ACT_TRACE] = "SCMP_ACT_TRACE",
    [RL_SCMP_ACT_ALLOW] = "SCMP_ACT_ALLOW",
    [RL_SCMP_ACT_LOG] = "SCMP_ACT_LOG",
    [RL_SCMP_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const scmp_ops[] = {
    [RL_SCMP_CMP_NE] = "SCMP_CMP_NE",
    [RL_SCMP_CMP_LT] = "SCMP_CMP_LT",
    [RL_SCMP_CMP_LE] = "SCMP_CMP_LE",
    [RL_SCMP_CMP_EQ] = "SCMP_CMP_EQ",
    [RL_SCMP_CMP_GE] = "SCMP_CMP_GE",
    [RL_SCMP_CMP_GT] = "SCMP_CMP_GT",
    [RL_SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static int table_find(const char *const *table, size_t n, const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (table[i] && strcmp(table[i], name) == 0)
			return (int)i;
	return -1;
}

int rl_seccomp_action_from_name(const char *name)
{
	return table_find(scmp_actions, sizeof(scmp_actions) / sizeof(scmp_actions[0]), name);
}

const char *rl_seccomp_action_name(enum rl_seccomp_action a)
{
	if ((size_t)a >= sizeof(scmp_actions) / sizeof(scmp_actions[0]))
		return NULL;
	return scmp_actions[a];
}

int rl_seccomp_op_from_name(const char *name)
{
	return table_find(scmp_ops, sizeof(scmp_ops) / sizeof(scmp_ops[0]), name);
}

const char *rl_seccomp_op_name(enum rl_seccomp_op op)
{
	if ((size_t)op >= sizeof(scmp_ops) / sizeof(scmp_ops[0]))
		return NULL;
	return scmp_ops[op];
}
