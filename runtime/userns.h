/* User namespace id maps (runtime-spec config-linux.md, "User namespace
 * mappings"). */
#ifndef RL_RUNTIME_USERNS_H
#define RL_RUNTIME_USERNS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "spec/config.h"
#include "spec/error.h"

/* The kernel takes at most this many lines in one uid_map/gid_map write
 * (since Linux 4.15; user_namespaces(7)). */
#define RL_USERNS_MAX_LINES 340

/* Formats mappings as uid_map/gid_map text ("inside outside count\n" per
 * line) into buf.  Pure.  -1 with err set when there are none, too many,
 * a zero size, a range that wraps, or buf is too small; `what` names the
 * field in messages ("linux.uidMappings"). */
int rl_userns_format(const struct rl_idmap *m, size_t n, const char *what, char *buf, size_t len,
		     struct rl_error *err);

/* True when container id 0 is inside the mappings: the child can then
 * become root of its new user namespace.  Pure. */
bool rl_userns_maps_root(const struct rl_idmap *m, size_t n);

/* True when container id `id` is inside the mappings.  Pure. */
bool rl_userns_maps_id(const struct rl_idmap *m, size_t n, uint32_t id);

/* True when the gid_map of a new user namespace with these mappings is
 * written by this process without CAP_SETGID (rootless, only its own gid
 * mapped): the kernel then wants "deny" in setgroups first, and setgroups(2)
 * fails in the namespace for good (user_namespaces(7)). */
bool rl_userns_denies_setgroups(const struct rl_idmap *gid, size_t n_gid);

/* Parent side: writes /proc/<pid>/uid_map and gid_map from linux.uidMappings
 * and linux.gidMappings for a child that just made a new user namespace.
 * "deny" goes to setgroups first only when the kernel requires it: when
 * this process lacks CAP_SETGID in its own user namespace (rootless). */
int rl_userns_write_maps(pid_t pid, const struct rl_linux *lx, struct rl_error *err);

/* The same from any pair of mappings (an idmapped mount's, idmount.c);
 * uid_what and gid_what name the fields in messages. */
int rl_userns_write_idmaps(pid_t pid, const struct rl_idmap *uid, size_t n_uid,
			   const char *uid_what, const struct rl_idmap *gid, size_t n_gid,
			   const char *gid_what, struct rl_error *err);

/* Child side, in its new (or joined) user namespace: become root of it,
 * so that files it creates have a mapped owner.  `required`: fail when id 0
 * is not mapped, else skip quietly. */
int rl_userns_become_root(bool required, struct rl_error *err);

#endif
