/* Unit tests of runtime/cgroup_bpf.c: the device program's decisions (run
 * by a small interpreter of the instructions it uses), the real verifier
 * accepting it, and the kernel enforcing it on a scratch cgroup v2. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cgroup.h"
#include "tap.h"

#define RULE(al, t, maj, min, acc)                                                                 \
	{                                                                                          \
		.allow = (al), .type = (t), .major = {(maj) >= 0, (maj)},                          \
		.minor = {(min) >= 0, (min)}, .access = (acc)                                      \
	}

enum { R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE, M = BPF_DEVCG_ACC_MKNOD };
enum { CHR = BPF_DEVCG_DEV_CHAR, BLK = BPF_DEVCG_DEV_BLOCK };

/* Runs the program on one request.  Only the instructions the builder
 * emits are known; anything else fails the run (-1). */
static int run(const struct bpf_insn *p, size_t n, int type, unsigned acc, uint32_t maj,
	       uint32_t min)
{
	struct bpf_cgroup_dev_ctx ctx = {(acc << 16) | (unsigned)type, maj, min};
	uint64_t r[11] = {0};
	size_t pc = 0;

	r[1] = (uintptr_t)&ctx;
	for (int steps = 0; pc < n && steps < 100000; steps++) {
		const struct bpf_insn *i = &p[pc++];
		uint64_t *d = &r[i->dst_reg], imm = (uint64_t)(int64_t)i->imm;

		switch (i->code) {
		case BPF_LDX | BPF_MEM | BPF_W:
			*d = *(const uint32_t *)(uintptr_t)(r[i->src_reg] + (uint64_t)i->off);
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
			*d = r[i->src_reg];
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			*d = imm;
			break;
		case BPF_ALU64 | BPF_AND | BPF_K:
			*d &= imm;
			break;
		case BPF_ALU64 | BPF_RSH | BPF_K:
			*d >>= i->imm;
			break;
		case BPF_JMP32 | BPF_JNE | BPF_K:
			pc += (uint32_t)*d != (uint32_t)i->imm ? i->off : 0;
			break;
		case BPF_JMP | BPF_JNE | BPF_K:
			pc += *d != imm ? i->off : 0;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += *d == imm ? i->off : 0;
			break;
		case BPF_JMP | BPF_EXIT:
			return (int)r[0];
		default:
			return -1;
		}
	}
	return -1;
}

struct built {
	void *insns;
	size_t n;
};

static struct built build(const struct rl_device_rule *rules, size_t n)
{
	struct built b = {0};
	struct rl_error e = {0};

	if (rl_cg_bpf_build(rules, n, &b.insns, &b.n, &e) < 0)
		printf("# build: %s\n", e.msg);
	return b;
}

static int decide(struct built b, int type, unsigned acc, uint32_t maj, uint32_t min)
{
	return run(b.insns, b.n, type, acc, maj, min);
}

static void test_semantics(void)
{
	const struct rl_device_rule docker[] = {
	    RULE(false, 'a', -1, -1, "rwm"), RULE(true, 'c', 1, 3, "rwm"),
	    RULE(true, 'c', 136, -1, "rwm"), RULE(true, 'b', 8, 0, "r"),
	    RULE(true, 'c', -1, -1, "m"),
	};
	const struct rl_device_rule deny_w[] = {RULE(false, 'c', 1, 5, "w")};
	const struct rl_device_rule order[] = {RULE(true, 'c', 1, 5, "rwm"),
					       RULE(false, 'c', 1, -1, NULL)};
	const struct rl_device_rule none[] = {RULE(false, 'a', -1, -1, "")};
	const struct rl_device_rule shadowed[] = {RULE(true, 'c', 1, 3, NULL),
						  RULE(false, 'a', -1, -1, NULL)};
	struct built b = build(NULL, 0);

	is_int(decide(b, CHR, R | W, 1, 5), 1, "no rules: everything allowed");
	is_int(decide(b, BLK, M, 8, 0), 1, "no rules: block mknod allowed");
	free(b.insns);

	b = build(docker, 5);
	is_int(decide(b, CHR, R | W, 1, 3), 1, "deny all + allow c 1:3: /dev/null rw");
	is_int(decide(b, CHR, R, 1, 5), 0, "... /dev/zero denied");
	is_int(decide(b, CHR, R | W, 136, 7), 1, "... c 136:* matches any minor");
	is_int(decide(b, BLK, R, 8, 0), 1, "... b 8:0 r: read allowed");
	is_int(decide(b, BLK, R | W, 8, 0), 0, "... b 8:0 r: read+write needs every bit");
	is_int(decide(b, BLK, R, 8, 1), 0, "... b 8:1 denied (minor differs)");
	is_int(decide(b, CHR, R, 8, 0), 0, "... c 8:0 denied (type differs)");
	is_int(decide(b, CHR, M, 42, 42), 1, "... c *:* m: mknod of any char device");
	is_int(decide(b, BLK, M, 42, 42), 0, "... but not of a block device");
	free(b.insns);

	b = build(deny_w, 1);
	is_int(decide(b, CHR, R, 1, 5), 1, "deny c 1:5 w: read still allowed");
	is_int(decide(b, CHR, R | W, 1, 5), 0, "... read+write denied (any bit)");
	is_int(decide(b, CHR, W, 1, 6), 1, "... another minor allowed");
	free(b.insns);

	b = build(order, 2);
	is_int(decide(b, CHR, R, 1, 5), 0, "the last matching rule wins (deny c 1:*)");
	is_int(decide(b, CHR, R, 2, 5), 1, "no match: allowed");
	free(b.insns);

	b = build(none, 1);
	is_int(decide(b, CHR, R, 1, 5), 1, "a rule with empty access never matches");
	free(b.insns);

	b = build(shadowed, 2);
	is_int(decide(b, CHR, R, 1, 3), 0, "allow c 1:3 then deny a: the deny decides");
	ok(b.n == 6 + 2, "... and the shadowed rule is not emitted (%zu insns)", b.n);
	free(b.insns);
}

static void test_build_errors(void)
{
	const struct rl_device_rule big[] = {RULE(true, 'c', 1, 3, NULL),
					     RULE(true, 'c', 4294967296LL, 1, NULL)};
	struct rl_error e = {0};
	void *insns = NULL;
	size_t n = 0;

	ok(rl_cg_bpf_build(big, 2, &insns, &n, &e) < 0 && !insns, "major above 2^32-1 refused");
	is_str(e.msg, "device rule 1: device number out of range", "... message");
}

/* ---- the real kernel ----------------------------------------------------- */

static int sys_bpf(int cmd, union bpf_attr *a)
{
	return (int)syscall(SYS_bpf, cmd, a, sizeof(*a));
}

static int load(struct built b, char *log, size_t log_size)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uintptr_t)b.insns;
	a.insn_cnt = (uint32_t)b.n;
	a.license = (uintptr_t) "GPL";
	log[0] = '\0';
	if ((fd = sys_bpf(BPF_PROG_LOAD, &a)) >= 0)
		return fd;
	/* again, for the verifier's log (with a log, a long one fails) */
	a.log_buf = (uintptr_t)log;
	a.log_size = (uint32_t)log_size;
	a.log_level = 1;
	sys_bpf(BPF_PROG_LOAD, &a);
	return -1;
}

static void test_verifier(void)
{
	struct rl_device_rule many[300];
	const struct rl_device_rule mixed[] = {
	    RULE(false, 'a', -1, -1, NULL),	 RULE(true, 'a', -1, -1, "m"),
	    RULE(true, 'b', 7, -1, "rw"),	 RULE(false, 'c', 10, 200, "w"),
	    RULE(true, 'c', 4095, 1048575, "r"),
	};
	static char log[1 << 16];
	struct built b;
	int fd;

	for (size_t i = 0; i < 300; i++)
		many[i] = (struct rl_device_rule)RULE(i % 2, i % 3 ? 'c' : 'b', (int64_t)i,
						      (int64_t)i - 100, i % 5 ? "rw" : NULL);
	b = build(NULL, 0);
	fd = load(b, log, sizeof(log));
	ok(fd >= 0, "empty list loads in the verifier: %s", fd < 0 ? log : "ok");
	close(fd);
	free(b.insns);
	b = build(mixed, 5);
	fd = load(b, log, sizeof(log));
	ok(fd >= 0, "mixed rules load: %s", fd < 0 ? log : "ok");
	close(fd);
	free(b.insns);
	b = build(&mixed[1], 4);
	fd = load(b, log, sizeof(log));
	ok(fd >= 0, "rules without a final catch-all load: %s", fd < 0 ? log : "ok");
	close(fd);
	free(b.insns);
	b = build(many, 300);
	fd = load(b, log, sizeof(log));
	ok(fd >= 0, "300 rules (%zu insns) load: %s", b.n, fd < 0 ? log : "ok");
	close(fd);
	free(b.insns);
}

static uint32_t attached(int dirfd, uint32_t *first)
{
	uint32_t ids[16] = {0};
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)dirfd;
	a.query.attach_type = BPF_CGROUP_DEVICE;
	a.query.prog_ids = (uintptr_t)ids;
	a.query.prog_cnt = 16;
	if (sys_bpf(BPF_PROG_QUERY, &a) < 0)
		return UINT32_MAX;
	*first = ids[0];
	return a.query.prog_cnt;
}

/* A child joins the cgroup and opens two devices.  Its exit status: 1
 * /dev/null opened, 2 /dev/zero opened, 4 /dev/zero failed with EPERM,
 * 0x80 it could not join. */
static int probe(const char *cg)
{
	char procs[512];
	pid_t pid;
	int st;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", cg);
	if ((pid = fork()) == 0) {
		int fd = open(procs, O_WRONLY | O_CLOEXEC), res = 0;

		alarm(60); /* a hang here must not hang the run */
		if (fd < 0 || write(fd, "0", 1) != 1)
			_exit(0x80);
		close(fd);
		if ((fd = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
			res |= 1, close(fd);
		if ((fd = open("/dev/zero", O_RDONLY | O_CLOEXEC)) >= 0)
			res |= 2, close(fd);
		else if (errno == EPERM)
			res |= 4;
		_exit(res);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void enforce(const char *cg, int dirfd)
{
	const struct rl_device_rule only_null[] = {RULE(false, 'a', -1, -1, NULL),
						   RULE(true, 'c', 1, 3, "rw")};
	const struct rl_device_rule all[] = {RULE(true, 'a', -1, -1, NULL)};
	struct rl_error e = {0};
	uint32_t first = 0, id1 = 0;
	int r;

	ok(rl_cg_bpf_attach(dirfd, only_null, 2, &e) == 0, "attach deny-all-but-null: %s", e.msg);
	is_int(attached(dirfd, &id1), 1, "one device program attached");
	r = probe(cg);
	ok(r >= 0 && (r & 1), "in the cgroup /dev/null opens (status %#x)", r);
	ok(r >= 0 && !(r & 2) && (r & 4), "... and /dev/zero fails with EPERM");

	ok(rl_cg_bpf_attach(dirfd, all, 1, &e) == 0, "attach allow-all: %s", e.msg);
	is_int(attached(dirfd, &first), 1, "still one program: the old one was detached");
	ok(first != id1, "... and it is the new one (%u, was %u)", first, id1);
	r = probe(cg);
	ok(r >= 0 && (r & 1) && (r & 2), "now /dev/zero opens too (status %#x)", r);
}

/* The cgroup2 mount: /sys/fs/cgroup/unified on a hybrid host, else
 * /sys/fs/cgroup itself. */
static const char *v2_mount(void)
{
	const char *c[] = {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"};
	struct statfs s;

	for (size_t i = 0; i < 2; i++)
		if (statfs(c[i], &s) == 0 && s.f_type == CGROUP2_SUPER_MAGIC)
			return c[i];
	return NULL;
}

static void test_kernel(void)
{
	const char *mnt = v2_mount();
	char cg[256];
	int dirfd;

	if (geteuid() != 0 || !mnt) {
		ok(1, "# SKIP needs root and a cgroup v2 mount");
		return;
	}
	test_verifier();
	snprintf(cg, sizeof(cg), "%s/rlite-unit-bpf-%d", mnt, (int)getpid());
	if (!ok(mkdir(cg, 0755) == 0, "mkdir %s", cg))
		return;
	if ((dirfd = open(cg, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		enforce(cg, dirfd);
		close(dirfd);
	}
	ok(rmdir(cg) == 0, "scratch cgroup removed");
}

int main(void)
{
	test_semantics();
	test_build_errors();
	test_kernel();
	return done_testing();
}
