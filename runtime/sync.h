/* The parent <-> container child channel.
 *
 * A SOCK_SEQPACKET socketpair: every message arrives whole or not at all,
 * and EOF tells the parent that the child's last copy of its end is gone.
 * Both ends are O_CLOEXEC, so after the child reported "ready" an EOF means
 * execve succeeded (or the child died). */
#ifndef RL_RUNTIME_SYNC_H
#define RL_RUNTIME_SYNC_H

#include <stdint.h>
#include <sys/types.h>

#include "spec/error.h"

enum rl_sync_type {
	RL_SYNC_USERNS = 1, /* child -> parent: new user ns made, write my maps */
	RL_SYNC_GO,	    /* parent -> child: maps written, go on */
	RL_SYNC_PID,	    /* child -> parent: the container init is `pid` */
	RL_SYNC_READY,	    /* child -> parent: set up, about to exec */
	RL_SYNC_ERROR,	    /* child -> parent: failed; errnum, hint, text */
	RL_SYNC_CGROUP,	    /* child -> parent: answer GO with the fds I join my cgroups by */
	RL_SYNC_NETDEV,	    /* child -> parent: in my namespaces; move linux.netDevices */
};

struct rl_sync_msg {
	uint32_t type;
	int32_t errnum; /* RL_SYNC_ERROR: errno of the failure, or 0 */
	int32_t hint;	/* RL_SYNC_ERROR: exit status to use (127/126), or 0 */
	int32_t pid;	/* RL_SYNC_PID: in the parent's pid namespace */
	char text[RL_ERROR_MSG_MAX];
};

/* fds[0] is the parent's end, fds[1] the child's; both O_CLOEXEC.  The
 * child's end is moved to a number >= min_fd so that it cannot fall among
 * the fds kept by --preserve-fds. */
int rl_sync_pair(int fds[2], int min_fd, struct rl_error *err);

/* Sends one message; 0 or -1 (errno set). */
int rl_sync_send(int fd, const struct rl_sync_msg *m);
int rl_sync_send_type(int fd, enum rl_sync_type type);
int rl_sync_send_error(int fd, const struct rl_error *e, int hint);

/* Receives one message: 1, or 0 on EOF, or -1 with err set. */
int rl_sync_recv(int fd, struct rl_sync_msg *m, struct rl_error *err);

/* Child side: waits for a message of this type; -1 with err set on EOF,
 * on another type or on a failure. */
int rl_sync_expect(int fd, enum rl_sync_type type, struct rl_error *err);

/* A message of type (no text) with n fds attached (SCM_RIGHTS, at most
 * RL_SYNC_MAX_FDS); the caller keeps its own copies.  0 or -1 (errno). */
#define RL_SYNC_MAX_FDS 64 /* RL_SEND_FDS_MAX */
int rl_sync_send_fds(int fd, enum rl_sync_type type, const int *fds, size_t n);
/* rl_sync_expect for such a message: exactly n fds into fds (O_CLOEXEC),
 * else -1 with err set and none of them kept. */
int rl_sync_expect_fds(int fd, enum rl_sync_type type, int *fds, size_t n, struct rl_error *err);

/* Forks into the pid namespace the caller joined or unshared (only its
 * children enter it).  The parent side sends RL_SYNC_PID with the child's
 * pid on fd and exits; the child side returns 0, and only once that
 * message is out: a message of the child's that came first would make the
 * runtime take the exiting parent for the container's process.  -1 with
 * err set (what: the step, for the message) if the fork fails. */
int rl_sync_fork_report(int fd, const char *what, struct rl_error *err);

/* Turns a received RL_SYNC_ERROR into err. */
void rl_sync_to_error(const struct rl_sync_msg *m, struct rl_error *err);

#endif
