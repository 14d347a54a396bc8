/* linux.resources.devices on cgroup v2: v2 has no devices controller, the
 * kernel asks a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the
 * cgroup instead.  The program is written here instruction by instruction
 * (no libbpf, no compiler), loaded with bpf(2) and attached.  See cgroup.h.
 *
 * It behaves as the v1 controller with an inherited "a *:* rwm": the rules
 * are tried from the last to the first, the first that matches decides,
 * and a request no rule matches is allowed. */
#include "runtime/cgroup.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The program's registers: r1 is the context (struct bpf_cgroup_dev_ctx)
 * until the three fields are loaded, then scratch. */
#define R_CTX	 BPF_REG_1
#define R_TMP	 BPF_REG_1
#define R_TYPE	 BPF_REG_2 /* BPF_DEVCG_DEV_BLOCK or _CHAR */
#define R_ACCESS BPF_REG_3 /* BPF_DEVCG_ACC_* bits asked for */
#define R_MAJOR	 BPF_REG_4
#define R_MINOR	 BPF_REG_5

#define ACC_ALL (BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE)

struct prog {
	struct bpf_insn *v;
	size_t n, cap;
};

static int emit(struct prog *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct bpf_insn *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -1;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n++] =
	    (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
	return 0;
}

static unsigned access_bits(const char *access)
{
	unsigned bits = 0;

	for (const char *s = access ? access : "rwm"; *s; s++)
		bits |= *s == 'r'   ? BPF_DEVCG_ACC_READ
			: *s == 'w' ? BPF_DEVCG_ACC_WRITE
			: *s == 'm' ? BPF_DEVCG_ACC_MKNOD
				    : 0;
	return bits;
}

/* The conditions of one rule, each a jump to the next rule when it does not
 * hold (patched once the block's length is known).  *n_jumps of them. */
static int emit_conditions(struct prog *p, const struct rl_device_rule *r, size_t *jumps,
			   size_t *n_jumps)
{
	const uint8_t jne = BPF_JMP32 | BPF_JNE | BPF_K;
	unsigned acc = access_bits(r->access);
	size_t k = 0;
	int rc = 0;

	if (r->type == 'b' || r->type == 'c') {
		jumps[k++] = p->n;
		rc |= emit(p, jne, R_TYPE, 0, 0,
			   r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
	}
	if (r->major.set && r->major.v >= 0) {
		jumps[k++] = p->n;
		rc |= emit(p, jne, R_MAJOR, 0, 0, (int32_t)(uint32_t)r->major.v);
	}
	if (r->minor.set && r->minor.v >= 0) {
		jumps[k++] = p->n;
		rc |= emit(p, jne, R_MINOR, 0, 0, (int32_t)(uint32_t)r->minor.v);
	}
	/* The kernel always asks for at least one access, so a rule with all
	 * three needs no test.  allow: every bit asked for is in the rule;
	 * deny: any of them is. */
	if (acc != ACC_ALL) {
		rc |= emit(p, BPF_ALU64 | BPF_MOV | BPF_X, R_TMP, R_ACCESS, 0, 0);
		rc |= emit(p, BPF_ALU64 | BPF_AND | BPF_K, R_TMP, 0, 0,
			   (int32_t)(r->allow ? ~acc & ACC_ALL : acc));
		jumps[k++] = p->n;
		rc |= emit(p, BPF_JMP | (r->allow ? BPF_JNE : BPF_JEQ) | BPF_K, R_TMP, 0, 0, 0);
	}
	*n_jumps = k;
	return rc ? -1 : 0;
}

static int emit_return(struct prog *p, int v)
{
	if (emit(p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, v) < 0 ||
	    emit(p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0) < 0)
		return -1;
	return 0;
}

/* Emits one rule; *final when it matches every request, so that the rules
 * before it can never decide (and the verifier refuses dead code). */
static int emit_rule(struct prog *p, const struct rl_device_rule *r, bool *final)
{
	size_t jumps[4], n_jumps;

	/* No access at all: the rule can never match (nor does it in v1). */
	if (r->access && !access_bits(r->access))
		return 0;
	if (emit_conditions(p, r, jumps, &n_jumps) < 0 || emit_return(p, r->allow ? 1 : 0) < 0)
		return -1;
	for (size_t i = 0; i < n_jumps; i++)
		p->v[jumps[i]].off = (int16_t)(p->n - jumps[i] - 1);
	*final = n_jumps == 0;
	return 0;
}

static int check_rule(const struct rl_device_rule *r, size_t i, struct rl_error *err)
{
	/* device numbers are 32 bits in the context (and far less in dev_t) */
	if ((r->major.set && r->major.v > UINT32_MAX) || (r->minor.set && r->minor.v > UINT32_MAX))
		return rl_error_set(err, 0, "device rule %zu: device number out of range", i);
	if (r->type && !strchr("abc", r->type))
		return rl_error_set(err, 0, "device rule %zu: unknown type '%c'", i, r->type);
	return 0;
}

int rl_cg_bpf_build(const struct rl_device_rule *rules, size_t n, void **insns, size_t *n_insns,
		    struct rl_error *err)
{
	const uint8_t ldx = BPF_LDX | BPF_MEM | BPF_W;
	struct prog p = {0};
	bool final = false;
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		if (check_rule(&rules[i], i, err) < 0)
			return -1;
	/* access_type is (access << 16) | type */
	rc |= emit(&p, ldx, R_TYPE, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
	rc |= emit(&p, BPF_ALU64 | BPF_MOV | BPF_X, R_ACCESS, R_TYPE, 0, 0);
	rc |= emit(&p, BPF_ALU64 | BPF_AND | BPF_K, R_TYPE, 0, 0, 0xffff);
	rc |= emit(&p, BPF_ALU64 | BPF_RSH | BPF_K, R_ACCESS, 0, 0, 16);
	rc |= emit(&p, ldx, R_MAJOR, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, major), 0);
	rc |= emit(&p, ldx, R_MINOR, R_CTX, offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
	for (size_t i = n; rc == 0 && !final && i-- > 0;)
		rc = emit_rule(&p, &rules[i], &final);
	/* nothing matched: allowed, as under v1's inherited "a *:* rwm" */
	if (rc < 0 || (!final && emit_return(&p, 1) < 0)) {
		free(p.v);
		return rl_error_set(err, ENOMEM, "device program: build");
	}
	*insns = p.v;
	*n_insns = p.n;
	return 0;
}

/* ---- loading and attaching --------------------------------------------- */

static int sys_bpf(int cmd, union bpf_attr *a)
{
	long r;

	do
		r = syscall(SYS_bpf, cmd, a, sizeof(*a));
	while (r < 0 && errno == EINTR);
	return (int)r;
}

/* What the verifier said: the last line that is not its statistics (the
 * first lines are the instructions it walked). */
static const char *verifier_reason(char *log)
{
	char *line = NULL, *save = NULL;

	for (char *s = strtok_r(log, "\n", &save); s; s = strtok_r(NULL, "\n", &save))
		if (strncmp(s, "processed ", 10) != 0 && strncmp(s, "verification time", 17) != 0)
			line = s;
	return line;
}

/* The kernel makes every bpf fd close-on-exec. */
static int prog_load(const struct bpf_insn *insns, size_t n, struct rl_error *err)
{
	const size_t log_size = 1 << 16;
	union bpf_attr a;
	char *log;
	const char *why;
	int fd, e;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = (uint32_t)n;
	a.license = (uint64_t)(uintptr_t) "GPL";
	if ((fd = sys_bpf(BPF_PROG_LOAD, &a)) >= 0)
		return fd;
	e = errno;
	/* again with the verifier's log, only to say why */
	if (!(log = calloc(1, log_size)))
		return rl_error_set(err, e, "device program: load");
	a.log_buf = (uint64_t)(uintptr_t)log;
	a.log_size = (uint32_t)log_size;
	a.log_level = 1;
	if ((fd = sys_bpf(BPF_PROG_LOAD, &a)) >= 0) {
		free(log);
		return fd;
	}
	why = verifier_reason(log);
	if (why)
		rl_error_set(err, e, "device program: load: verifier: %s", why);
	else
		rl_error_set(err, e, "device program: load");
	free(log);
	return -1;
}

/* The ids of the device programs attached to the cgroup now. */
static int prog_query(int dirfd, uint32_t **ids, uint32_t *n, struct rl_error *err)
{
	uint32_t cap = 8;
	union bpf_attr a;

	for (;;) {
		uint32_t *v = realloc(*ids, cap * sizeof(*v));

		if (!v)
			return rl_error_set(err, ENOMEM, "device program: query");
		*ids = v;
		memset(&a, 0, sizeof(a));
		a.query.target_fd = (uint32_t)dirfd;
		a.query.attach_type = BPF_CGROUP_DEVICE;
		a.query.prog_ids = (uint64_t)(uintptr_t)v;
		a.query.prog_cnt = cap;
		if (sys_bpf(BPF_PROG_QUERY, &a) == 0) {
			*n = a.query.prog_cnt;
			return 0;
		}
		/* more than we made room for: prog_cnt says how many there are */
		if (errno != ENOSPC || cap >= 65536)
			return rl_error_set(err, errno, "device program: query the attached ones");
		cap = a.query.prog_cnt > cap ? a.query.prog_cnt : cap * 2;
	}
}

/* Detaches the program with this id; one gone meanwhile is fine. */
static int prog_detach(int dirfd, uint32_t id, struct rl_error *err)
{
	union bpf_attr a;
	int fd, rc;

	memset(&a, 0, sizeof(a));
	a.prog_id = id;
	if ((fd = sys_bpf(BPF_PROG_GET_FD_BY_ID, &a)) < 0)
		return errno == ENOENT ? 0
				       : rl_error_set(err, errno, "device program %u: open", id);
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)dirfd;
	a.attach_bpf_fd = (uint32_t)fd;
	a.attach_type = BPF_CGROUP_DEVICE;
	rc = sys_bpf(BPF_PROG_DETACH, &a);
	if (rc < 0 && errno != ENOENT)
		rc = rl_error_set(err, errno, "device program %u: detach the previous one", id);
	else
		rc = 0;
	close(fd);
	return rc;
}

/* The new program goes on before the old ones come off, so the cgroup is
 * never without one (while both are there a device needs both to allow
 * it).  runc replaces its programs the same way. */
static int attach_replacing(int dirfd, int prog, struct rl_error *err)
{
	uint32_t *old = NULL, n_old = 0;
	union bpf_attr a;
	int rc = 0;

	if (prog_query(dirfd, &old, &n_old, err) < 0) {
		free(old);
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)dirfd;
	a.attach_bpf_fd = (uint32_t)prog;
	a.attach_type = BPF_CGROUP_DEVICE;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	if (sys_bpf(BPF_PROG_ATTACH, &a) < 0)
		rc = rl_error_set(err, errno, "device program: attach");
	for (uint32_t i = 0; rc == 0 && i < n_old; i++)
		rc = prog_detach(dirfd, old[i], err);
	free(old);
	return rc;
}

int rl_cg_bpf_attach(int dirfd, const struct rl_device_rule *rules, size_t n, struct rl_error *err)
{
	void *insns = NULL;
	size_t n_insns = 0;
	int prog, rc;

	if (rl_cg_bpf_build(rules, n, &insns, &n_insns, err) < 0)
		return -1;
	prog = prog_load(insns, n_insns, err);
	free(insns);
	if (prog < 0)
		return -1;
	/* the attachment holds the program; our fd is not needed after */
	rc = attach_replacing(dirfd, prog, err);
	close(prog);
	return rc;
}
