/* Mount option strings (config.json mounts[].options, runtime-spec
 * config.md "Mounts") turned into what mount(2) and mount_setattr(2) take.
 * Pure: no syscalls, unit-tested in tests/unit/test_mountopt.c. */
#ifndef RL_RUNTIME_MOUNTOPT_H
#define RL_RUNTIME_MOUNTOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/config.h"
#include "spec/error.h"

#define RL_MOUNTOPT_MAX_PROP 8

struct rl_mountopt {
	unsigned long flags;   /* MS_* to set (MS_BIND, MS_REC, MS_RDONLY, ...) */
	unsigned long cleared; /* MS_* explicitly turned off ("rw", "dev", "atime", ...) */
	/* Propagation changes in the order given ("rprivate" is
	 * MS_PRIVATE|MS_REC); each needs its own mount(2) call. */
	unsigned long prop[RL_MOUNTOPT_MAX_PROP];
	size_t n_prop;
	/* Recursive variants ("rro", "rnosuid", ...): MOUNT_ATTR_* for
	 * mount_setattr(AT_RECURSIVE) after the mount. */
	uint64_t attr_set;
	uint64_t attr_clr;
	char *data;	/* fs-specific options ("mode=755,size=65536k"), NULL if none */
	bool tmpcopyup; /* runc extension: copy the old content into a tmpfs */
	bool idmap;	/* "idmap" / "ridmap": idmapped mount asked (idmount.h) */
	bool ridmap;	/* "ridmap": ... on every mount of the tree */
};

/* Parses the options.  Known VFS options (libmount's Linux map) go to
 * flags/cleared/prop, userspace-only ones ("defaults", "x-*", "nofail") are
 * dropped, everything else goes to data in order.  On failure (too many
 * propagation options, no memory) returns -1 with err set; out is then
 * empty. */
int rl_mountopt_parse(const struct rl_strv *options, struct rl_mountopt *out, struct rl_error *err);

void rl_mountopt_free(struct rl_mountopt *m);

/* The i-th option name that rl_mountopt_parse() turns into something the
 * mounts apply, NULL past the end: `rlite features` reports them as
 * mountOptions (features.md "Mount Options").  Those are libmount's VFS
 * flags and propagation types, the recursive forms ("rro", ...),
 * "defaults", "tmpcopyup", "idmap" and "ridmap" (idmount.h).  Left out,
 * since asking for them changes nothing: "remount" (dropped), the
 * userspace-only options of mount(8)
 * ("nofail", "x-*", ...: dropped) and filesystem data (features.md: not
 * listed). */
const char *rl_mountopt_name(size_t i);

/* linux.rootfsPropagation name ("rslave") to its MS_* value; -1 when the
 * name is not a propagation type. */
int rl_mountopt_propagation(const char *name, unsigned long *flag);

/* True when the flags ask for something a bind mount needs a second,
 * MS_REMOUNT call for (the kernel ignores them with MS_BIND). */
bool rl_mountopt_needs_remount(const struct rl_mountopt *m);

/* True for a bind mount: type "bind" or a "bind"/"rbind" option
 * (runtime-spec leaves the type free for bind mounts; runc and crun key on
 * the option). */
bool rl_mountopt_is_bind(const struct rl_mount *m);

#endif
