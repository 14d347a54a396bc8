/* The "tmpcopyup" mount option (a runc extension, listed in runtime-spec
 * config.md): a tmpfs mounted on a directory of the image starts with that
 * directory's content, as podman's and docker's tmpfs volumes do. */
#ifndef RL_RUNTIME_COPYUP_H
#define RL_RUNTIME_COPYUP_H

#include "spec/error.h"

/* Copies the tree below the directory fd from into the directory fd to:
 * directories, regular files, symlinks (as links), fifos, sockets and
 * device nodes, each with its owner, mode and times (no xattrs; a hard link
 * becomes a second file).  Nothing is followed.  dest (the mount's
 * destination) is for the error messages, which name the entry that
 * failed. */
int rl_copyup(int from, int to, const char *dest, struct rl_error *err);

#endif
