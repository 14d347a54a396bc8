/* Unit tests of the name tables of spec/names.c: capabilities against
 * <linux/capability.h>, namespaces, hooks, rlimits against
 * <sys/resource.h>, seccomp actions and operators. */
#include <linux/capability.h>
#include <stdio.h>
#include <sys/resource.h>

#include "spec/config.h"
#include "tap.h"

static void test_cap_names(void)
{
#define C(x)                                                                                       \
	{                                                                                          \
		x, #x                                                                              \
	}
	static const struct {
		int num;
		const char *name;
	} caps[] = {
	    C(CAP_CHOWN),
	    C(CAP_DAC_OVERRIDE),
	    C(CAP_DAC_READ_SEARCH),
	    C(CAP_FOWNER),
	    C(CAP_FSETID),
	    C(CAP_KILL),
	    C(CAP_SETGID),
	    C(CAP_SETUID),
	    C(CAP_SETPCAP),
	    C(CAP_LINUX_IMMUTABLE),
	    C(CAP_NET_BIND_SERVICE),
	    C(CAP_NET_BROADCAST),
	    C(CAP_NET_ADMIN),
	    C(CAP_NET_RAW),
	    C(CAP_IPC_LOCK),
	    C(CAP_IPC_OWNER),
	    C(CAP_SYS_MODULE),
	    C(CAP_SYS_RAWIO),
	    C(CAP_SYS_CHROOT),
	    C(CAP_SYS_PTRACE),
	    C(CAP_SYS_PACCT),
	    C(CAP_SYS_ADMIN),
	    C(CAP_SYS_BOOT),
	    C(CAP_SYS_NICE),
	    C(CAP_SYS_RESOURCE),
	    C(CAP_SYS_TIME),
	    C(CAP_SYS_TTY_CONFIG),
	    C(CAP_MKNOD),
	    C(CAP_LEASE),
	    C(CAP_AUDIT_WRITE),
	    C(CAP_AUDIT_CONTROL),
	    C(CAP_SETFCAP),
	    C(CAP_MAC_OVERRIDE),
	    C(CAP_MAC_ADMIN),
	    C(CAP_SYSLOG),
	    C(CAP_WAKE_ALARM),
	    C(CAP_BLOCK_SUSPEND),
	    C(CAP_AUDIT_READ),
	    C(CAP_PERFMON),
	    C(CAP_BPF),
	    C(CAP_CHECKPOINT_RESTORE),
	};
#undef C
	size_t n = sizeof(caps) / sizeof(caps[0]);
	int bad = 0;

	for (size_t i = 0; i < n; i++) {
		if (rl_cap_from_name(caps[i].name) != caps[i].num || !rl_cap_name(caps[i].num) ||
		    strcmp(rl_cap_name(caps[i].num), caps[i].name)) {
			printf("# mismatch: %s = %d\n", caps[i].name, caps[i].num);
			bad++;
		}
	}
	ok(bad == 0, "all %zu capabilities numbered as in <linux/capability.h>", n);
	is_int(rl_cap_last(), 40, "rl_cap_last() is CAP_CHECKPOINT_RESTORE");
	ok(rl_cap_last() <= CAP_LAST_CAP, "no capability beyond the header's CAP_LAST_CAP");
	ok(rl_cap_name(41) == NULL && rl_cap_name(-1) == NULL, "out of range: NULL");
	is_int(rl_cap_from_name("CAP_NOPE"), -1, "unknown: -1");
	is_int(rl_cap_from_name("chown"), -1, "names are exact");
	is_int(rl_cap_from_name(NULL), -1, "NULL: -1");
}

static void test_other_names(void)
{
	static const char *const ns[] = {"pid", "network", "mount",  "ipc",
					 "uts", "user",	   "cgroup", "time"};
	static const char *const hooks[] = {"prestart",	      "createRuntime", "createContainer",
					    "startContainer", "poststart",     "poststop"};
	static const struct {
		const char *name;
		int num;
	} rl[] = {
	    {"RLIMIT_CPU", RLIMIT_CPU},		  {"RLIMIT_FSIZE", RLIMIT_FSIZE},
	    {"RLIMIT_DATA", RLIMIT_DATA},	  {"RLIMIT_STACK", RLIMIT_STACK},
	    {"RLIMIT_CORE", RLIMIT_CORE},	  {"RLIMIT_RSS", RLIMIT_RSS},
	    {"RLIMIT_NPROC", RLIMIT_NPROC},	  {"RLIMIT_NOFILE", RLIMIT_NOFILE},
	    {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},	  {"RLIMIT_AS", RLIMIT_AS},
	    {"RLIMIT_LOCKS", RLIMIT_LOCKS},	  {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
	    {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},
	    {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},	  {"RLIMIT_RTTIME", RLIMIT_RTTIME},
	};
	static const char *const acts[] = {
	    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
	    "SCMP_ACT_TRAP",  "SCMP_ACT_ERRNO",	       "SCMP_ACT_TRACE",
	    "SCMP_ACT_ALLOW", "SCMP_ACT_LOG",	       "SCMP_ACT_NOTIFY"};
	static const char *const ops[] = {"SCMP_CMP_NE",       "SCMP_CMP_LT", "SCMP_CMP_LE",
					  "SCMP_CMP_EQ",       "SCMP_CMP_GE", "SCMP_CMP_GT",
					  "SCMP_CMP_MASKED_EQ"};
	int bad = 0;

	for (int i = 0; i < RL_NS__COUNT; i++)
		bad += rl_ns_from_name(ns[i]) != i || strcmp(rl_ns_name(i), ns[i]) != 0;
	ok(!bad, "namespace names round-trip");
	ok(rl_ns_from_name("net") == -1 && rl_ns_name(RL_NS__COUNT) == NULL, "unknown namespace");
	bad = 0;
	for (int i = 0; i < RL_HOOK__COUNT; i++)
		bad += strcmp(rl_hook_name(i), hooks[i]) != 0;
	ok(!bad && rl_hook_name(RL_HOOK__COUNT) == NULL, "hook names");
	bad = 0;
	for (size_t i = 0; i < sizeof(rl) / sizeof(rl[0]); i++)
		bad += rl_rlimit_from_name(rl[i].name) != rl[i].num;
	ok(!bad, "rlimit names map to <sys/resource.h>");
	ok(rl_rlimit_from_name("RLIMIT_NLIMITS") == -1 && rl_rlimit_from_name(NULL) == -1,
	   "unknown rlimit");
	bad = 0;
	for (int i = 0; i < 9; i++)
		bad += rl_seccomp_action_from_name(acts[i]) != i ||
		       strcmp(rl_seccomp_action_name(i), acts[i]) != 0;
	ok(!bad, "seccomp action names round-trip");
	ok(rl_seccomp_action_from_name("SCMP_ACT_NOPE") == -1 && rl_seccomp_action_name(9) == NULL,
	   "unknown seccomp action");
	bad = 0;
	for (int i = 0; i < 7; i++)
		bad += rl_seccomp_op_from_name(ops[i]) != i ||
		       strcmp(rl_seccomp_op_name(i), ops[i]) != 0;
	ok(!bad, "seccomp operator names round-trip");
	ok(rl_seccomp_op_from_name("SCMP_CMP_XX") == -1 && rl_seccomp_op_name(7) == NULL,
	   "unknown seccomp operator");
}

int main(void)
{
	test_cap_names();
	test_other_names();
	return done_testing();
}
