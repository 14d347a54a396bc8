/* Capabilities of the container process, with libcap-ng.
 *
 * config.md "process.capabilities": each set is given by name; the parser
 * turned them into bit masks by capability number.  A capability newer than
 * the running kernel is skipped silently, as runc does, so that one config
 * works across kernels (forward compatibility).  When process.capabilities
 * is absent the process gets none: runc drops all capabilities then too, and
 * it is the safe reading of an absent set. */
#include "caps.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

/* The last capability the running kernel knows: PR_CAPBSET_READ fails
 * with EINVAL past it.  Asked of the kernel rather than read from
 * /proc/sys/kernel/cap_last_cap: inside the container that file is
 * reached through the container's own mounts, and a smaller number there
 * would leave the newer capabilities in the bounding set.  A binary search
 * (6 calls, not 41), and asked once per process: the answer cannot change,
 * and a fork inherits it. */
int rl_caps_kernel_last(void)
{
	static int last = -1;
	int lo = 0, hi = 63;

	if (last >= 0)
		return last;
	/* capability 0 always exists; find the largest readable one */
	while (lo < hi) {
		int mid = lo + (hi - lo + 1) / 2;

		if (prctl(PR_CAPBSET_READ, mid, 0, 0, 0) < 0)
			hi = mid - 1;
		else
			lo = mid;
	}
	last = lo;
	return last;
}

static const char *cap_label(int cap, char *buf, size_t len)
{
	const char *n = rl_cap_name(cap);

	if (n)
		return n;
	snprintf(buf, len, "capability %d", cap);
	return buf;
}

static bool has(uint64_t mask, int cap)
{
	return (mask >> cap) & 1;
}

/* Drops every capability not in the bounding set asked for, one
 * PR_CAPBSET_DROP each: a drop that returns 0 is done (dropping one that
 * is not there succeeds too), so each result is the check that nothing
 * stays behind, and no read-back is needed. */
int rl_caps_apply_bounding(const struct rl_capabilities *c, struct rl_error *err)
{
	int last = rl_caps_kernel_last();
	uint64_t bnd = c ? c->bounding : 0;

	for (int cap = 0; cap <= last; cap++) {
		char b[32];

		if (has(bnd, cap) || prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		return rl_error_set(err, errno,
				    "process.capabilities.bounding: drop %s from the bounding set%s",
				    cap_label(cap, b, sizeof(b)),
				    errno == EPERM ? " (CAP_SETPCAP not in the effective set)" : "");
	}
	return 0;
}

static int check_subsets(const struct rl_capabilities *c, uint64_t known, struct rl_error *err)
{
	char b[32];

	/* capabilities(7): the kernel refuses (EPERM) an inheritable set
	 * outside the bounding set, and an effective set outside the
	 * permitted one; name the capability instead of a bare EPERM. */
	for (int cap = 0; cap < 64; cap++) {
		if (!has(known, cap))
			continue;
		if (has(c->effective, cap) && !has(c->permitted, cap))
			return rl_error_set(
			    err, 0, "process.capabilities.effective: %s is not in permitted",
			    cap_label(cap, b, sizeof(b)));
		if (has(c->inheritable, cap) && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0)
			return rl_error_set(
			    err, 0,
			    "process.capabilities.inheritable: %s is not in the bounding set",
			    cap_label(cap, b, sizeof(b)));
	}
	return 0;
}

static int update_sets(const struct rl_capabilities *c, int last, struct rl_error *err)
{
	static const struct {
		size_t off;
		capng_type_t type;
	} sets[] = {
	    {offsetof(struct rl_capabilities, effective), CAPNG_EFFECTIVE},
	    {offsetof(struct rl_capabilities, permitted), CAPNG_PERMITTED},
	    {offsetof(struct rl_capabilities, inheritable), CAPNG_INHERITABLE},
	    {offsetof(struct rl_capabilities, ambient), CAPNG_AMBIENT},
	};

	for (size_t i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
		uint64_t mask = *(const uint64_t *)((const char *)c + sets[i].off);

		/* The kernel raises an ambient capability only when it is in
		 * both permitted and inheritable (capabilities(7)).  runc's
		 * own default config lists ambient capabilities with no
		 * inheritable set, and runc then goes on without them; do the
		 * same rather than refuse every bundle `runc spec` makes. */
		if (sets[i].type == CAPNG_AMBIENT)
			mask &= c->permitted & c->inheritable;

		for (int cap = 0; cap <= last; cap++)
			if (has(mask, cap) && capng_update(CAPNG_ADD, sets[i].type, cap) < 0)
				return rl_error_set(err, errno ? errno : EINVAL,
						    "process.capabilities: libcap-ng: add %d", cap);
	}
	return 0;
}

int rl_caps_apply(const struct rl_capabilities *c, uint64_t hold, struct rl_error *err)
{
	static const struct rl_capabilities none;
	int last = rl_caps_kernel_last();
	uint64_t known = last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
	struct rl_capabilities sets;

	if (!c)
		c = &none;
	if (check_subsets(c, known, err) < 0)
		return -1;
	sets = *c;
	sets.effective |= hold;
	sets.permitted |= hold;
	capng_clear(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT);
	if (update_sets(&sets, last, err) < 0)
		return -1;
	/* One capset for the three sets: the old permitted set (kept across
	 * the uid change by PR_SET_KEEPCAPS) is what allows raising
	 * inheritable, so they cannot be done one by one. */
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return rl_error_set(err, errno, "process.capabilities: capset");
	/* Ambient last: PR_CAP_AMBIENT_RAISE needs the capability in both the
	 * permitted and the inheritable set already (capabilities(7)). */
	if (capng_apply(CAPNG_SELECT_AMBIENT) < 0)
		return rl_error_set(err, errno, "process.capabilities.ambient: raise");
	return 0;
}
