/* The state store: one directory per container under the root (--root,
 * default /run/rlite), ROOT/ID/state.json inside it.
 *
 *   - An id is reserved by making ROOT/ID appear atomically (rl_state_create);
 *     of any number of concurrent creators of one id exactly one wins, the
 *     others get "container with given ID already exists".
 *   - Every command on an id holds a flock on an fd of ROOT/ID for as long
 *     as it works on the container (rl_state_lock): exclusive to change it,
 *     shared to read it, so commands on one id are serialised.
 *   - state.json is replaced atomically (temp file, rename): a reader sees
 *     the old state or the new one, never a mix.  Not fsynced: what it
 *     describes does not survive a crash of the machine either.
 *   - Names under ROOT starting with '.' are the store's own (ids never start
 *     with '.'): reservations in progress.  Listings skip them.
 *
 *   state.c      ids, the root, locks and reserving an id, state.json,
 *                the init record, listing, status
 *   state_dir.c  ROOT/ID entry by entry: what delete --force accepts as
 *                rlite's own, removal
 *
 * The pure helpers (rl_id_validate, rl_state_status) are unit-tested with
 * the rest in tests/unit/test_state_store.c. */
#ifndef RL_RUNTIME_STATE_H
#define RL_RUNTIME_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec/error.h"
#include "spec/state.h"

#define RL_STATE_ROOT_DEFAULT "/run/rlite"
#define RL_ID_MAX	      1024
/* state.json, and the name each new one is written under before the
 * rename that replaces it. */
#define RL_STATE_FILE "state.json"
#define RL_STATE_TMP  ".state.json.tmp"
/* The files rlite keeps in ROOT/ID besides state.json: create's exec fifo
 * (child.h), the cgroup record (cgroup.h), the mount record
 * (hostmounts.h), the init record and start's mark (below), a detached
 * container's log (monitor.h), and one directory, NOTIFY_SOCKET's
 * (notify.h: "notify", holding "notify.sock").  Nothing else is ever there, which is how delete
 * --force tells a broken container from a directory that is not one. */
#define RL_EXEC_FIFO   "exec.fifo"
#define RL_INIT_RECORD "init"
#define RL_INIT_TMP    ".init.tmp" /* written, then renamed to RL_INIT_RECORD */
/* Made by start before it releases the init, removed once the state says
 * running: "created" with it still there is a start killed half-way. */
#define RL_START_MARK "starting"

/* Container ids: non-empty, at most RL_ID_MAX bytes of [A-Za-z0-9_.+-],
 * not "." or "..", not starting with '.'.  Error:
 * `invalid container id "X": <rule>`.  Pure. */
int rl_id_validate(const char *id, struct rl_error *err);

/* Creates root (and missing parents) with mode 0700 when it does not exist;
 * an existing root is left as it is. */
int rl_state_root_ensure(const char *root, struct rl_error *err);

/* A held lock on one container.  Owns the fd and the path. */
struct rl_state_lock {
	int fd;	   /* O_DIRECTORY of ROOT/ID, flocked; -1 when not held */
	char *dir; /* "ROOT/ID", for messages and the final rmdir */
	bool exclusive;
};

#define RL_STATE_LOCK_INIT                                                                         \
	{                                                                                          \
		.fd = -1, .dir = NULL, .exclusive = false                                          \
	}

/* The lock belongs to the open file behind lock->fd.  fork() shares it: a
 * child forked while the lock is held holds it too, until the child closes
 * its copy (exec does, the fd is O_CLOEXEC) or exits.  A forked child that
 * lives on without exec (the monitor of a detached container) must call
 * rl_state_unlock() on its copy first, or every later command on the id
 * blocks forever.  rl_state_unlock() closes and never uses LOCK_UN, which
 * would drop the lock for the parent as well.
 *
 * Releases the lock (closing the fd drops the flock) and frees the path.
 * Safe on an initialised lock that is not held, and twice. */
void rl_state_unlock(struct rl_state_lock *lock);
#define _rl_state_lock_ __attribute__((cleanup(rl_state_unlock)))

/* Reserves id: creates root if needed, then makes ROOT/ID (mode 0700) appear
 * already locked exclusively, so no other command can see the container
 * before its creator holds it, and with first (status creating) already
 * saved as its state.json when first is not NULL: a runtime killed at any
 * moment from here on leaves an entry that list shows and delete --force
 * removes.  The caller keeps the lock until the container is created.
 * Taken id: errnum EEXIST, message "container with given ID already
 * exists", followed by what is there when that is not a plain container
 * (": it is broken: ..."). */
int rl_state_create(const char *root, const char *id, const struct rl_state *first,
		    struct rl_state_lock *lock, struct rl_error *err);

/* The init record (ROOT/ID/init): "PID STARTTIME\n", written once, as soon
 * as the container's init exists, under the exclusive lock.  Apart from
 * state.json, which is rewritten at every step: delete --force still finds
 * the init through it when state.json is missing or corrupt. */
int rl_state_save_init(const struct rl_state_lock *lock, int pid, uint64_t start_time,
		       struct rl_error *err);
/* 0 with *pid and *start_time; -1 when there is none or it is unreadable. */
int rl_state_load_init(const struct rl_state_lock *lock, int *pid, uint64_t *start_time);

/* True when every entry of the locked directory is a file rlite keeps
 * there (see RL_EXEC_FIFO): what delete --force requires of a directory
 * without a readable state.json before it removes it.  *stranger: the
 * first entry that is not (a pointer into a static buffer), or NULL. */
bool rl_state_dir_is_ours(const struct rl_state_lock *lock, const char **stranger);

/* Locks an existing container, blocking until the lock is free.  A missing
 * container, or one deleted while we waited for the lock: errnum ENOENT,
 * message "container does not exist". */
int rl_state_lock(const char *root, const char *id, bool exclusive, struct rl_state_lock *lock,
		  struct rl_error *err);

/* Replaces state.json atomically.  Needs an exclusive lock, and st->id
 * must be the locked id. */
int rl_state_save(const struct rl_state_lock *lock, const struct rl_state *st,
		  struct rl_error *err);

/* Reads state.json; errors name the file ("ROOT/ID/state.json: ..."). */
int rl_state_load(const struct rl_state_lock *lock, struct rl_state **out, struct rl_error *err);

/* Removes everything in ROOT/ID (files, and the files of subdirectories one
 * level down), state.json last, then ROOT/ID itself, and releases the lock:
 * a delete killed half-way leaves an entry still known as the container.
 * Needs an exclusive lock.  Waiting lockers then get "container does not
 * exist". */
int rl_state_remove(struct rl_state_lock *lock, struct rl_error *err);

/* ---- listing ----------------------------------------------------------- */

struct rl_state_list {
	struct rl_state **states; /* loaded entries, in id order */
	size_t n;
	char **warnings; /* one message per entry that could not be loaded */
	size_t n_warnings;
};

/* Every container under root, in id (strcmp) order.  An entry that cannot
 * be loaded (corrupt, unreadable, not a directory, bad name) does not fail
 * the listing: it is left out and described in warnings, which the caller
 * prints.  Entries deleted while listing vanish silently.  A missing root
 * lists nothing.  Fails only when root cannot be read or memory runs out.
 *
 * Each entry is read under a shared lock; when the lock is taken by a
 * command working on that container, the file is read without waiting
 * (rename keeps it whole), so a slow or hung command never stalls the
 * listing.  An entry being created is listed as creating (its first
 * state is there from the start), one whose create was interrupted as
 * broken (RL_STATUS_BROKEN), and so is one without state.json that no
 * command holds: its id, its init's pid from the init record, empty
 * strings for what is not known.  One without state.json that a command
 * holds (a delete's last moment) is left out. */
int rl_state_list(const char *root, struct rl_state_list *out, struct rl_error *err);
void rl_state_list_free(struct rl_state_list *l);

/* ---- status ------------------------------------------------------------ */

/* The status a command reports now, from a loaded state: the stored status
 * (created, running, paused, creating) while the init recorded in it, the
 * pair (pid, init_start_time), is alive; stopped otherwise: no init yet or
 * any more, a zombie init not reaped yet, or a recycled pid (its start time
 * differs).  Broken stays broken.  Reads /proc.
 *
 * rl_state_load already corrects two stored statuses that a runtime
 * killed between two steps leaves behind: "creating" read under a lock
 * nobody else holds is broken (its creator is gone); "created" once
 * `start` removed the exec fifo is running (it released the init), and
 * with start's mark but the fifo still there broken (the init may or may
 * not have been released: nobody can tell, and a second start would wait
 * for an answer that never comes). */
enum rl_status rl_state_status(const struct rl_state *st);
/* The same, with the pids of /proc read once for many states: an init
 * whose pid is not in live is not alive, without a look at /proc.  live
 * must have been read after st was. */
struct rl_pidset;
enum rl_status rl_state_status_in(const struct rl_state *st, const struct rl_pidset *live);

#endif
