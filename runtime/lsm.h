/* The security labels of config.md "process" (apparmorProfile,
 * selinuxLabel) and config-linux.md (mountLabel): applied where the host
 * has the module, refused, naming the field, where it does not.  Running a
 * process unconfined while the caller asked for a profile would lie to it. */
#ifndef RL_RUNTIME_LSM_H
#define RL_RUNTIME_LSM_H

#include <stdbool.h>

#include "spec/config.h"
#include "spec/error.h"

/* The host's modules, from /sys (AppArmor: its module parameter "enabled";
 * SELinux: selinuxfs mounted). */
bool rl_lsm_apparmor(void);
bool rl_lsm_selinux(void);

/* What cannot be applied here is an error naming prefix and the field
 * ("config.json: process.apparmorProfile: ...", or "process.json: ...").
 * An AppArmor profile "unconfined" asks for nothing and passes anywhere.
 * mountLabel: rlite does not label mounts, so it is refused whenever it is
 * set. */
int rl_lsm_check_process(const struct rl_process *p, const char *prefix, struct rl_error *err);
int rl_lsm_check(const struct rl_config *cfg, struct rl_error *err);

/* Before the caller's before_exec (process.c): the labels the process
 * gets at its execve, through rlite's own procfs (procfs.h):
 * "exec PROFILE" into attr/apparmor/exec (attr/exec on older kernels), the
 * SELinux label into attr/exec.  A profile the kernel does not have is
 * "process.apparmorProfile: "P": the profile is not loaded". */
int rl_lsm_apply(int procfd, const struct rl_process *p, struct rl_error *err);

#endif
