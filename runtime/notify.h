/* systemd's readiness protocol (sd_notify(3)) through the container, as
 * runc does it (runc's notify_socket.go).
 *
 * When rlite's own environment has NOTIFY_SOCKET (systemd's Type=notify,
 * podman --sdnotify=container, Quadlet Notify=), `create` and `run`:
 *   - connect to it first (a socket nobody listens on fails the command
 *     before anything exists);
 *   - make ROOT/ID/notify, bind it read-only on /run/notify in the
 *     container and set NOTIFY_SOCKET=/run/notify/notify.sock in the
 *     process env, in the config in memory only (what `state` or a hook
 *     sees of the config is the bundle's);
 *   - `run` binds ROOT/ID/notify/notify.sock (unixgram, mode 0777) before
 *     the release; `create` leaves that to `start`.
 * Then (start; run; run -d before the command returns) the runtime waits,
 * while the init lives, for a datagram with a line "READY=...", and sends
 * the caller that line, "MAINPID=<pid>" and "BARRIER=1" with the write end
 * of a pipe, waiting (at most RL_NOTIFY_BARRIER_MS) until the caller closed
 * it (sd_notify_barrier(3)).  An init that dies first ends the wait with
 * nothing sent, as in runc.  Only READY is relayed: STATUS=, WATCHDOG= and
 * later messages of the container are not (runc neither).  While `run -d`
 * waits, its monitor goes on copying the container's output into the log
 * (rl_monitor_pump): a workload may write any amount before its READY.
 *
 * The mount is not a mounts[] entry: the state directory is 0700 and a
 * container root in a user namespace cannot traverse it, and a bind of
 * "/proc/self/fd/N" of a directory fd the parent opened fails (EINVAL:
 * mount(2) binds only from the caller's own mount namespace, and the
 * child has a new one by then).  So the parent clones the directory into
 * a detached mount (open_tree(OPEN_TREE_CLONE), read-only, nosuid, nodev,
 * noexec), the child inherits that fd and attaches it with move_mount
 * (rootfs.h, rl_rootfs_opts.tree), which a detached mount allows into any
 * namespace the caller may mount in. */
#ifndef RL_RUNTIME_NOTIFY_H
#define RL_RUNTIME_NOTIFY_H

#include <stdbool.h>
#include <sys/types.h>

#include "spec/config.h"
#include "spec/error.h"

#define RL_NOTIFY_DIR	     "notify"
#define RL_NOTIFY_SOCK	     "notify.sock"
#define RL_NOTIFY_MOUNT	     "/run/notify"
#define RL_NOTIFY_BARRIER_MS 30000

struct rl_notify {
	const char *host; /* the caller's NOTIFY_SOCKET; NULL: nothing to do */
	int host_fd;	  /* connected to it, or -1 */
	int dir_fd;	  /* O_PATH of ROOT/ID/notify, or -1 */
	int sock_fd;	  /* bound ROOT/ID/notify/notify.sock, or -1 */
	int tree_fd;	  /* the detached mount of the directory, or -1 */
};

#define RL_NOTIFY_INIT                                                                             \
	{                                                                                          \
		.host = NULL, .host_fd = -1, .dir_fd = -1, .sock_fd = -1, .tree_fd = -1            \
	}

/* NOTIFY_SOCKET from our environment, or NULL when unset or empty. */
const char *rl_notify_env(void);

/* Connects to the caller's socket n->host is set to (a path, or an
 * abstract name when it starts with '@').  Nothing to do without
 * n->host.  Errors name NOTIFY_SOCKET and the path. */
int rl_notify_connect(struct rl_notify *n, struct rl_error *err);

/* After the id was reserved (statedir, dir: the locked state directory):
 * makes the notify directory, its detached mount at an fd >= min_fd
 * (above the fds the workload keeps), and sets the env entry in cfg.
 * mntns: the container has a mount namespace of its own (refused
 * otherwise: /run/notify would be mounted on the host).  Nothing to do
 * without n->host. */
int rl_notify_setup(struct rl_notify *n, int statedir, const char *dir, struct rl_config *cfg,
		    int min_fd, bool mntns, struct rl_error *err);

/* Binds notify.sock in the notify directory of statedir (removing a stale
 * one).  Nothing to do without n->host. */
int rl_notify_bind(struct rl_notify *n, int statedir, const char *dir, struct rl_error *err);

/* The wait and the relay (above), for a bound socket; mainpid is what the
 * caller is told to watch.  init_pidfd: the container init.  extra_fd and
 * on_extra (may be -1 / NULL): a further fd to serve while waiting (the
 * signals of `run`).  0 also when the init died first. */
int rl_notify_relay(struct rl_notify *n, int init_pidfd, pid_t mainpid, int extra_fd,
		    void (*on_extra)(void *), void *arg, struct rl_error *err);

/* Closes what is open; n->host stays. */
void rl_notify_close(struct rl_notify *n);

#endif
