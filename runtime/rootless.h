/* Rootless: rlite run by a user without root's privileges (runc's
 * --rootless).  What it changes is decided here, from pure functions the
 * unit tests drive; the callers only gather the inputs (euid, the uid map
 * of our user namespace, the environment). */
#ifndef RL_RUNTIME_ROOTLESS_H
#define RL_RUNTIME_ROOTLESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>

#include "spec/error.h"

/* --rootless true|false|auto, as runc takes it. */
enum rl_rootless_mode {
	RL_ROOTLESS_AUTO,
	RL_ROOTLESS_TRUE,
	RL_ROOTLESS_FALSE,
};

/* "true", "false", "auto" (runc also takes Go's other spellings of a
 * bool: 1, t, T, TRUE, True, 0, f, F, FALSE, False); -1 otherwise.  Pure. */
int rl_rootless_parse(const char *v);

/* True when uid_map (the text of /proc/self/uid_map) is not the initial
 * user namespace's identity map "0 0 4294967295".  Pure. */
bool rl_rootless_map_is_userns(const char *uid_map);

/* Whether this process runs in a user namespace other than the initial
 * one (reads /proc/self/uid_map once, then remembers; false when it cannot
 * be read).  For rlite's own process: a child that has entered a new user
 * namespace must not ask. */
bool rl_running_in_userns(void);

/* auto: rootless when the effective uid is not 0, or it is 0 inside a user
 * namespace (root of podman's rootless namespace is still an unprivileged
 * user on the host), as runc decides.  Pure. */
bool rl_rootless_resolve(int mode, uid_t euid, bool in_userns);

/* The default state root (--root): /run/rlite for the host's root;
 * otherwise $XDG_RUNTIME_DIR/rlite when xdg is an absolute path (the XDG
 * base directory spec says to ignore a relative one), else
 * /run/user/EUID/rlite.  Root in a user namespace honours xdg unless USER
 * is "root" (runc's rule: sudo keeps the caller's XDG_RUNTIME_DIR).
 * Pure; -1 with err set when buf is too small. */
int rl_rootless_state_root(uid_t euid, bool in_userns, const char *xdg, const char *user,
			   char *buf, size_t len, struct rl_error *err);

/* What a rootless create does when making the container's cgroups failed
 * with errnum: 1 go on without cgroups (no write access: no delegation),
 * 0 the failure stands (another error, or not rootless), -1 with err set
 * when limit (the first section of linux.resources asking for a limit, or
 * NULL) cannot be applied without them; cause is the failed operation
 * (`mkdir "/sys/fs/cgroup/memory/c1"`).  Device rules are no limit: in a
 * user namespace the container has only the host's nodes that were bound
 * for it, which the host's file permissions guard.  Pure. */
int rl_rootless_cgroup_decide(bool rootless, int errnum, const char *limit, const char *cause,
			      struct rl_error *err);

#include "spec/config.h"

/* Whether mapping m (index i of the field `what`, "linux.uidMappings")
 * may be given by newuidmap/newgidmap to user name/id: its host range is
 * the user's own id, or lies inside one line "name:start:count" (or
 * "id:start:count") of subid, the text of /etc/subuid or /etc/subgid
 * (subid(5)).  -1 with err set naming the mapping and the file.  Pure. */
int rl_subid_check(const char *subid, const char *file, const char *name, uint32_t id,
		   const struct rl_idmap *m, size_t i, const char *what, struct rl_error *err);

#endif
