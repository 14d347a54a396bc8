/* What `rlite features` says of the runtime itself and of the libraries it
 * runs with here (spec/features.h has the document). */
#ifndef RL_RUNTIME_FEATURES_H
#define RL_RUNTIME_FEATURES_H

#include "spec/features.h"

/* Fills *f: the mount options rootfs.c applies, the seccomp architectures
 * and flags libseccomp and the kernel take, what the cgroup code
 * implements, what rlite does not apply, the library versions and the
 * config annotations rlite acts on.  Loads nothing, changes nothing. */
void rl_features_gather(struct rl_features *f);

#endif
