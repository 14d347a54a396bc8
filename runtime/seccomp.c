/* The seccomp filter of the container process, with libseccomp.
 *
 * config-linux.md "Seccomp".  Forward compatibility as runc: a syscall name
 * libseccomp does not know (newer than the library, or absent on this
 * architecture) is skipped, so one profile serves many hosts.  A rule whose
 * action equals the default action is skipped too: libseccomp refuses it and
 * it would change nothing. */
#include "seccomp.h"
#include "runtime/fds.h"
#include "runtime/safepath.h"

#include <ctype.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

struct rl_seccomp_filter {
	scmp_filter_ctx ctx;
	const struct rl_seccomp *spec;
	bool notify;		/* some rule uses SCMP_ACT_NOTIFY */
	struct sock_fprog prog; /* the BPF program, exported once built */
	unsigned int flags;	/* SECCOMP_FILTER_FLAG_* for seccomp(2) */
	char *payload;		/* NOTIFY: the message for the agent */
};

int rl_seccomp_arch_token(const char *spec_name, char *buf, size_t len)
{
	static const char prefix[] = "SCMP_ARCH_";
	size_t n;

	if (!spec_name || strncmp(spec_name, prefix, sizeof(prefix) - 1) != 0)
		return -1;
	spec_name += sizeof(prefix) - 1;
	n = strlen(spec_name);
	if (n == 0 || n >= len)
		return -1;
	for (size_t i = 0; i <= n; i++)
		buf[i] = (char)tolower((unsigned char)spec_name[i]);
	return 0;
}

int rl_seccomp_action(enum rl_seccomp_action a, const struct rl_opt_u32 *errno_ret,
		      const char *field, uint32_t *out, struct rl_error *err)
{
	/* config-linux.md: "If not specified then its default value is EPERM" */
	uint32_t ret = errno_ret && errno_ret->set ? errno_ret->v : EPERM;

	if (errno_ret && errno_ret->set && a != RL_SCMP_ACT_ERRNO && a != RL_SCMP_ACT_TRACE)
		return rl_error_set(err, 0,
				    "%s: errnoRet is only valid with SCMP_ACT_ERRNO and "
				    "SCMP_ACT_TRACE, not %s",
				    field, rl_seccomp_action_name(a));
	/* The kernel keeps 16 bits of SECCOMP_RET_DATA. */
	if (ret > 0xffff)
		return rl_error_set(err, 0, "%s: errnoRet %u out of range", field, ret);
	switch (a) {
	case RL_SCMP_ACT_KILL: /* the spec's KILL is the thread-kill of old */
	case RL_SCMP_ACT_KILL_THREAD:
		*out = SCMP_ACT_KILL_THREAD;
		return 0;
	case RL_SCMP_ACT_KILL_PROCESS:
		*out = SCMP_ACT_KILL_PROCESS;
		return 0;
	case RL_SCMP_ACT_TRAP:
		*out = SCMP_ACT_TRAP;
		return 0;
	case RL_SCMP_ACT_ERRNO:
		*out = SCMP_ACT_ERRNO(ret);
		return 0;
	case RL_SCMP_ACT_TRACE:
		*out = SCMP_ACT_TRACE(ret);
		return 0;
	case RL_SCMP_ACT_ALLOW:
		*out = SCMP_ACT_ALLOW;
		return 0;
	case RL_SCMP_ACT_LOG:
		*out = SCMP_ACT_LOG;
		return 0;
	case RL_SCMP_ACT_NOTIFY:
		*out = SCMP_ACT_NOTIFY;
		return 0;
	}
	return rl_error_set(err, 0, "%s: unknown action %d", field, (int)a);
}

/* libseccomp's token for an SCMP_ARCH_* name; 0 when this libseccomp does
 * not know it (the parser knows newer ones: "SCMP_ARCH_LOONGARCH64" needs
 * libseccomp 2.6). */
static uint32_t arch_resolve(const char *spec_name)
{
	char tok[32];

	if (rl_seccomp_arch_token(spec_name, tok, sizeof(tok)) < 0)
		return 0;
	return seccomp_arch_resolve_name(tok);
}

bool rl_seccomp_arch_supported(const char *spec_name)
{
	return arch_resolve(spec_name) != 0;
}

static int add_arches(struct rl_seccomp_filter *f, struct rl_error *err)
{
	const struct rl_strv *archs = &f->spec->architectures;

	for (size_t i = 0; i < archs->n; i++) {
		uint32_t arch = arch_resolve(archs->v[i]);
		int rc;

		if (arch == 0)
			return rl_error_set(
			    err, 0,
			    "linux.seccomp.architectures[%zu]: \"%s\": not known to "
			    "libseccomp",
			    i, archs->v[i]);
		rc = seccomp_arch_add(f->ctx, arch);
		/* the native architecture is in every new filter already */
		if (rc < 0 && rc != -EEXIST)
			/* EDOM: one BPF program reads the syscall arguments
			 * in one byte order, the native one's */
			return rl_error_set(
			    err, -rc, "linux.seccomp.architectures[%zu]: add \"%s\"%s", i,
			    archs->v[i],
			    rc == -EDOM ? " (its byte order is not the native one's)" : "");
	}
	return 0;
}

/* config-linux.md: flags are the SECCOMP_FILTER_FLAG_* of seccomp(2); each
 * maps to a libseccomp attribute that sets it at load time.  0: a flag
 * this libseccomp has no attribute for (WAIT_KILLABLE_RECV before 2.6), -1:
 * a name rlite does not know. */
static int flag_attr(const char *name, enum scmp_filter_attr *attr)
{
	if (strcmp(name, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
		*attr = SCMP_FLTATR_CTL_TSYNC;
	else if (strcmp(name, "SECCOMP_FILTER_FLAG_LOG") == 0)
		*attr = SCMP_FLTATR_CTL_LOG;
	else if (strcmp(name, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
		*attr = SCMP_FLTATR_CTL_SSB;
	else if (strcmp(name, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
		*attr = SCMP_FLTATR_CTL_WAITKILL;
#else
		return 0;
#endif
	else
		return -1;
	return 1;
}

/* libseccomp checks that the kernel has the flag when the attribute is
 * set (seccomp_attr_set(3): EOPNOTSUPP), so a scratch filter answers for
 * both; nothing is loaded. */
bool rl_seccomp_flag_supported(const char *name)
{
	enum scmp_filter_attr attr;
	scmp_filter_ctx ctx;
	int rc;

	if (flag_attr(name, &attr) <= 0)
		return false;
	ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return false;
	rc = seccomp_attr_set(ctx, attr, 1);
	seccomp_release(ctx);
	return rc == 0;
}

static int set_flags(struct rl_seccomp_filter *f, struct rl_error *err)
{
	const struct rl_strv *fl = &f->spec->flags;

	for (size_t i = 0; i < fl->n; i++) {
		enum scmp_filter_attr attr;
		int known = flag_attr(fl->v[i], &attr), rc;

		if (known < 0)
			return rl_error_set(
			    err, 0, "linux.seccomp.flags[%zu]: \"%s\": unknown flag", i, fl->v[i]);
		if (known == 0)
			return rl_error_set(err, 0,
					    "linux.seccomp.flags[%zu]: \"%s\": not supported by "
					    "libseccomp %d.%d",
					    i, fl->v[i], SCMP_VER_MAJOR, SCMP_VER_MINOR);
		rc = seccomp_attr_set(f->ctx, attr, 1);
		if (rc < 0)
			return rl_error_set(err, -rc, "linux.seccomp.flags[%zu]: \"%s\": set", i,
					    fl->v[i]);
	}
	return 0;
}

static const enum scmp_compare ops[] = {
    [RL_SCMP_CMP_NE] = SCMP_CMP_NE,
    [RL_SCMP_CMP_LT] = SCMP_CMP_LT,
    [RL_SCMP_CMP_LE] = SCMP_CMP_LE,
    [RL_SCMP_CMP_EQ] = SCMP_CMP_EQ,
    [RL_SCMP_CMP_GE] = SCMP_CMP_GE,
    [RL_SCMP_CMP_GT] = SCMP_CMP_GT,
    [RL_SCMP_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
};

static int to_conds(const struct rl_seccomp_syscall *sc, size_t idx, struct scmp_arg_cmp *c,
		    bool *same_index, struct rl_error *err)
{
	unsigned seen = 0;

	*same_index = false;
	for (size_t j = 0; j < sc->n_args; j++) {
		const struct rl_seccomp_arg *a = &sc->args[j];

		if (a->index > 5 || (size_t)a->op >= sizeof(ops) / sizeof(ops[0]))
			return rl_error_set(err, 0,
					    "linux.seccomp.syscalls[%zu].args[%zu]: "
					    "index %u or op %d out of range",
					    idx, j, a->index, (int)a->op);
		if (seen & (1U << a->index))
			*same_index = true;
		seen |= 1U << a->index;
		/* SCMP_CMP_MASKED_EQ: (arg & datum_a) == datum_b, so value is
		 * the mask and valueTwo the expected result, as in runc. */
		c[j] = (struct scmp_arg_cmp){.arg = a->index,
					     .op = ops[a->op],
					     .datum_a = a->value,
					     .datum_b = a->value_two};
	}
	return 0;
}

static int add_one(struct rl_seccomp_filter *f, size_t idx, const char *name, uint32_t act,
		   unsigned n, const struct scmp_arg_cmp *c, struct rl_error *err)
{
	int nr = seccomp_syscall_resolve_name(name);
	int rc;

	if (nr == __NR_SCMP_ERROR)
		return 0; /* unknown to libseccomp: skipped (forward compatibility) */
	rc = seccomp_rule_add_array(f->ctx, act, nr, n, c);
	if (rc < 0)
		return rl_error_set(err, -rc, "linux.seccomp.syscalls[%zu]: add rule for \"%s\"",
				    idx, name);
	return 0;
}

static int add_syscall(struct rl_seccomp_filter *f, size_t idx, uint32_t def, struct rl_error *err)
{
	const struct rl_seccomp_syscall *sc = &f->spec->syscalls[idx];
	struct scmp_arg_cmp conds[6];
	char field[64];
	bool same_index = false;
	uint32_t act;

	snprintf(field, sizeof(field), "linux.seccomp.syscalls[%zu]", idx);
	if (rl_seccomp_action(sc->action, &sc->errno_ret, field, &act, err) < 0)
		return -1;
	if (act == def)
		return 0;
	if (sc->n_args > 6)
		return rl_error_set(err, 0, "%s.args: more than 6 conditions", field);
	if (to_conds(sc, idx, conds, &same_index, err) < 0)
		return -1;
	f->notify |= act == SCMP_ACT_NOTIFY;
	for (size_t k = 0; k < sc->names.n; k++) {
		/* All conditions of one rule must hold together (AND).  Several
		 * on the same argument are read as alternatives (OR), one rule
		 * each, as runc does: libseccomp cannot AND two comparisons of
		 * one argument, and profiles rely on the OR reading. */
		if (!same_index) {
			if (add_one(f, idx, sc->names.v[k], act, (unsigned)sc->n_args, conds, err) <
			    0)
				return -1;
			continue;
		}
		for (size_t j = 0; j < sc->n_args; j++)
			if (add_one(f, idx, sc->names.v[k], act, 1, &conds[j], err) < 0)
				return -1;
	}
	return 0;
}

void rl_seccomp_filter_free(struct rl_seccomp_filter *f)
{
	if (!f)
		return;
	if (f->ctx)
		seccomp_release(f->ctx);
	free(f->prog.filter);
	free(f->payload);
	free(f);
}

static int build_ctx(struct rl_seccomp_filter *f, struct rl_error *err)
{
	const struct rl_seccomp *s = f->spec;
	uint32_t def;

	if (rl_seccomp_action(s->default_action, &s->default_errno_ret,
			      "linux.seccomp.defaultAction", &def, err) < 0)
		return -1;
	/* seccomp_unotify(2): a listener needs a filter rule to notify on;
	 * libseccomp refuses NOTIFY as the default action. */
	if (def == SCMP_ACT_NOTIFY)
		return rl_error_set(err, 0,
				    "linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot "
				    "be the default action");
	f->ctx = seccomp_init(def);
	if (!f->ctx)
		return rl_error_set(err, EINVAL, "linux.seccomp: seccomp_init");
	/* no_new_privs is process.noNewPrivileges' business: libseccomp
	 * would otherwise set it on every load.  SYSRAWRC: report the
	 * kernel's errno from seccomp_load, not a generic ECANCELED. */
	if (seccomp_attr_set(f->ctx, SCMP_FLTATR_CTL_NNP, 0) < 0 ||
	    seccomp_attr_set(f->ctx, SCMP_FLTATR_API_SYSRAWRC, 1) < 0)
		return rl_error_set(err, EINVAL, "linux.seccomp: set filter attributes");
	if (add_arches(f, err) < 0 || set_flags(f, err) < 0)
		return -1;
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (add_syscall(f, i, def, err) < 0)
			return -1;
	if (f->notify && !s->listener_path)
		return rl_error_set(err, 0,
				    "linux.seccomp.listenerPath: required when "
				    "SCMP_ACT_NOTIFY is used");
	return 0;
}

/* The flags seccomp_load(3) would give seccomp(2) for the attributes
 * set_flags made. */
static unsigned int load_flags(const struct rl_seccomp_filter *f)
{
	uint32_t v;
	unsigned int flags = 0;

	if (seccomp_attr_get(f->ctx, SCMP_FLTATR_CTL_TSYNC, &v) == 0 && v)
		flags |= SECCOMP_FILTER_FLAG_TSYNC;
	if (seccomp_attr_get(f->ctx, SCMP_FLTATR_CTL_LOG, &v) == 0 && v)
		flags |= SECCOMP_FILTER_FLAG_LOG;
	if (seccomp_attr_get(f->ctx, SCMP_FLTATR_CTL_SSB, &v) == 0 && v)
		flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 6)
	if (seccomp_attr_get(f->ctx, SCMP_FLTATR_CTL_WAITKILL, &v) == 0 && v)
		flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
#endif
	if (f->notify) {
		flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
		/* seccomp(2): TSYNC and NEW_LISTENER together only this way */
		if (flags & SECCOMP_FILTER_FLAG_TSYNC)
			flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
	}
	return flags;
}

/* The program libseccomp generates, taken out once (seccomp_export_bpf)
 * so that loading it later is a single seccomp(2) call of our own, with
 * nothing of the library in between: after that call the filter judges
 * every call of ours (rl_seccomp_install). */
static int export_prog(struct rl_seccomp_filter *f, struct rl_error *err)
{
	_rl_fd_ int fd = memfd_create("rlite-seccomp", MFD_CLOEXEC);
	size_t size, have = 0;
	struct stat st;
	int rc;

	if (fd < 0)
		return rl_error_set(err, errno, "linux.seccomp: memfd_create");
	rc = seccomp_export_bpf(f->ctx, fd);
	if (rc < 0)
		return rl_error_set(err, -rc, "linux.seccomp: generate the filter");
	if (fstat(fd, &st) < 0)
		return rl_error_set(err, errno, "linux.seccomp: stat the filter");
	size = (size_t)st.st_size;
	if (size == 0 || size % sizeof(struct sock_filter) != 0)
		return rl_error_set(err, EINVAL, "linux.seccomp: a filter of %zu bytes", size);
	if (size / sizeof(struct sock_filter) > BPF_MAXINSNS)
		return rl_error_set(err, E2BIG,
				    "linux.seccomp: %zu instructions, the kernel takes at most %d",
				    size / sizeof(struct sock_filter), BPF_MAXINSNS);
	f->prog.filter = malloc(size);
	if (!f->prog.filter)
		return rl_error_set(err, ENOMEM, "linux.seccomp: the filter");
	while (have < size) {
		ssize_t n = pread(fd, (char *)f->prog.filter + have, size - have, (off_t)have);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return rl_error_set(err, n < 0 ? errno : EIO,
					    "linux.seccomp: read the filter");
		have += (size_t)n;
	}
	f->prog.len = (unsigned short)(size / sizeof(struct sock_filter));
	f->flags = load_flags(f);
	return 0;
}

int rl_seccomp_build(const struct rl_seccomp *s, struct rl_seccomp_filter **out,
		     struct rl_error *err)
{
	struct rl_seccomp_filter *f = calloc(1, sizeof(*f));

	if (!f)
		return rl_error_set(err, ENOMEM, "linux.seccomp: allocate filter");
	f->spec = s;
	if (build_ctx(f, err) < 0 || export_prog(f, err) < 0) {
		rl_seccomp_filter_free(f);
		return -1;
	}
	*out = f;
	return 0;
}

/* ---- SCMP_ACT_NOTIFY: hand the listener fd to the agent --------------- */

static void gen_str(yajl_gen g, const char *s)
{
	yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

static void gen_state(yajl_gen g, const struct rl_state *st, int pid)
{
	yajl_gen_map_open(g);
	gen_str(g, "ociVersion");
	gen_str(g, st && st->oci_version ? st->oci_version : RL_OCI_VERSION);
	gen_str(g, "id");
	gen_str(g, st && st->id ? st->id : "");
	gen_str(g, "status");
	gen_str(g, st ? rl_status_name(st->status) : "created");
	gen_str(g, "pid");
	yajl_gen_integer(g, pid);
	gen_str(g, "bundle");
	gen_str(g, st && st->bundle ? st->bundle : "");
	if (st && st->annotations.n) {
		gen_str(g, "annotations");
		yajl_gen_map_open(g);
		for (size_t i = 0; i < st->annotations.n; i++) {
			gen_str(g, st->annotations.keys[i]);
			gen_str(g, st->annotations.values[i]);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
}

/* runtime.md "Container process state" / config-linux.md "Seccomp": the
 * message carries this JSON, and the fds array names the SCM_RIGHTS fds in
 * order. */
static char *notify_payload(const struct rl_seccomp *s, const struct rl_state *st, size_t *len)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	int pid = st && st->pid > 0 ? st->pid : (int)getpid();
	const unsigned char *buf;
	char *out = NULL;

	if (!g)
		return NULL;
	yajl_gen_map_open(g);
	gen_str(g, "ociVersion");
	gen_str(g, RL_OCI_VERSION);
	gen_str(g, "fds");
	yajl_gen_array_open(g);
	gen_str(g, "seccompFd");
	yajl_gen_array_close(g);
	gen_str(g, "pid");
	yajl_gen_integer(g, pid);
	if (s->listener_metadata) {
		gen_str(g, "metadata");
		gen_str(g, s->listener_metadata);
	}
	gen_str(g, "state");
	gen_state(g, st, pid);
	yajl_gen_map_close(g);
	if (yajl_gen_get_buf(g, &buf, len) == yajl_gen_status_ok) {
		out = malloc(*len + 1);
		if (out)
			memcpy(out, buf, *len + 1);
	}
	yajl_gen_free(g);
	return out;
}

bool rl_seccomp_uses_notify(const struct rl_seccomp_filter *f)
{
	return f && f->notify;
}

int rl_seccomp_connect_listener(const char *path, struct rl_error *err)
{
	return rl_unix_connect(path, "linux.seccomp.listenerPath", err);
}

/* config-linux.md "Seccomp": the filter is the last thing before the
 * container's program runs, and it judges every call made after it,
 * rlite's own included.  So everything that can be done before is: the
 * agent's message is built and its socket connected first, and what is
 * left after the load is the seccomp(2) call itself, with NOTIFY the one
 * sendmsg(2) that hands the listener to the agent (which runc makes under
 * the filter too), then the caller's execve.  Nothing is closed here: the
 * listener fd and the socket are close-on-exec. */
int rl_seccomp_install(struct rl_seccomp_filter *f, int listener_fd, const struct rl_state *state,
		       struct rl_error *err)
{
	int sock = listener_fd;
	size_t len = 0;
	long nfd;

	if (f->notify) {
		f->payload = notify_payload(f->spec, state, &len);
		if (!f->payload)
			return rl_error_set(err, ENOMEM, "linux.seccomp: listener payload");
		if (sock <= 0)
			sock = rl_seccomp_connect_listener(f->spec->listener_path, err);
		if (sock < 0)
			return -1;
	}
	nfd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &f->prog);
	if (nfd < 0)
		/* seccomp(2): without no_new_privs, loading a filter needs
		 * CAP_SYS_ADMIN (process.c keeps it effective until here). */
		return rl_error_set(err, errno, "linux.seccomp: load filter%s",
				    errno == EACCES
					? " (noNewPrivileges is false and CAP_SYS_ADMIN "
					  "is not effective)"
					: "");
	if (f->notify && rl_send_fd(sock, (int)nfd, f->payload, len) < 0)
		return rl_error_set(err, errno, "linux.seccomp.listenerPath: send to \"%s\"",
				    f->spec->listener_path);
	return 0;
}
