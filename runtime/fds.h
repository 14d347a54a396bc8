/* File descriptor hygiene for the container process: what survives execve. */
#ifndef RL_RUNTIME_FDS_H
#define RL_RUNTIME_FDS_H

#include <stddef.h>

#include "spec/error.h"

/* How many socket-activation fds (3 .. 3+N-1) the runtime was handed by its
 * caller, from LISTEN_FDS in the runtime's own environment (sd_listen_fds(3)).
 * 0 when absent or malformed. */
int rl_fds_listen_count(void);

/* Keeps fds 0, 1, 2 and 3 .. 3+n_keep-1 open across execve (their
 * close-on-exec flag is cleared) and marks every fd from 3+n_keep up
 * close-on-exec.  keep_fd (the sync channel, -1 when none) stays open until
 * execve but is always close-on-exec, so the parent sees EOF exactly when
 * the exec succeeds.  procfd (procfs.h) lists the fds where close_range is
 * missing; never the container's /proc, whose self/fd a mount could hide
 * an fd from. */
int rl_fds_prepare(int n_keep, int keep_fd, int procfd, struct rl_error *err);

/* Writes all of buf, retrying EINTR and short writes; 0, or -1 with errno
 * set (EAGAIN on a non-blocking fd that is full). */
int rl_write_all(int fd, const void *buf, size_t len);

/* Sends n fds (at most RL_SEND_FDS_MAX, else E2BIG; none when n is 0)
 * over the AF_UNIX socket sock as one SCM_RIGHTS message whose data is
 * payload (non-empty); a payload the socket does not take whole in the
 * first message follows on the stream.  0, or -1 with errno set. */
#define RL_SEND_FDS_MAX 64
int rl_send_fds(int sock, const int *fds, size_t n, const void *payload, size_t len);
/* rl_send_fds of one fd. */
int rl_send_fd(int sock, int fd, const void *payload, size_t len);

struct msghdr;
/* The fds of the SCM_RIGHTS messages in a received msg, at most max into
 * fds; any beyond max are closed at once.  Returns how many came in all. */
size_t rl_take_fds(struct msghdr *msg, int *fds, size_t max);

/* Connects an AF_UNIX stream socket (O_CLOEXEC) to path and returns it.
 * `what` names the socket in errors ("--console-socket: connect to
 * \"/run/x.sock\": Connection refused"). */
int rl_unix_connect(const char *path, const char *what, struct rl_error *err);

#endif
