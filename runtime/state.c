/* The state store: ids, the root, locking, ROOT/ID/state.json, the init
 * record, listing.  See state.h; state_dir.c goes through ROOT/ID entry by
 * entry (delete). */
#include "state.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/openat2.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "spec/config.h"
#include "runtime/procid.h"
#include "runtime/safepath.h"
#include "runtime/fds.h"

#define STATE_SIZE_MAX (16 << 20) /* annotations can be big, not this big */

static void freep(void *p)
{
	free(*(void **)p);
}
#define _free_ __attribute__((cleanup(freep)))

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}
#define _closedir_ __attribute__((cleanup(closedirp)))

static void state_freep(struct rl_state **st)
{
	rl_state_free(*st);
}
#define _state_free_ __attribute__((cleanup(state_freep)))

static int no_container(struct rl_error *err)
{
	return rl_error_set(err, ENOENT, "container does not exist");
}

/* ---- ids and the root --------------------------------------------------- */

static bool id_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '.' || c == '+' || c == '-';
}

int rl_id_validate(const char *id, struct rl_error *err)
{
	size_t len = id ? strlen(id) : 0;

	if (len == 0)
		return rl_error_set(err, 0, "invalid container id \"\": must not be empty");
	/* The id becomes a path component; a long one is cut in the message. */
	if (len > RL_ID_MAX)
		return rl_error_set(err, 0,
				    "invalid container id \"%.32s...\": longer than %d "
				    "characters",
				    id, RL_ID_MAX);
	if (strcmp(id, ".") == 0 || strcmp(id, "..") == 0)
		return rl_error_set(err, 0,
				    "invalid container id \"%s\": must not be \".\" or "
				    "\"..\"",
				    id);
	/* Dot names under the root belong to the store (reservations). */
	if (id[0] == '.')
		return rl_error_set(err, 0, "invalid container id \"%s\": must not start with '.'",
				    id);
	if (strchr(id, '/'))
		return rl_error_set(err, 0, "invalid container id \"%s\": must not contain '/'",
				    id);
	for (const char *p = id; *p; p++)
		if (!id_char((unsigned char)*p))
			return rl_error_set(err, 0,
					    "invalid container id \"%s\": only "
					    "[A-Za-z0-9_.+-] are allowed",
					    id);
	return 0;
}

static int check_dir(const char *path, struct rl_error *err)
{
	struct stat s;

	if (stat(path, &s) < 0)
		return rl_error_set(err, errno, "stat \"%s\"", path);
	if (!S_ISDIR(s.st_mode))
		return rl_error_set(err, ENOTDIR, "state root \"%s\"", path);
	return 0;
}

int rl_state_root_ensure(const char *root, struct rl_error *err)
{
	_free_ char *path = NULL;

	if (!root || !*root)
		return rl_error_set(err, EINVAL, "state root \"\"");
	/* The usual case: the root exists, or only its last component is
	 * missing. */
	if (mkdir(root, 0700) == 0)
		return 0;
	if (errno == EEXIST)
		return check_dir(root, err);
	if (errno != ENOENT)
		return rl_error_set(err, errno, "mkdir \"%s\"", root);
	/* Parents missing too: make each missing component, 0700 as runc does;
	 * existing ones answer EEXIST and are left alone. */
	path = strdup(root);
	if (!path)
		return rl_error_set(err, ENOMEM, "state root \"%s\"", root);
	for (char *p = path + 1;; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		/* A user's default root, /run/user/UID/rlite, lacks its parent
		 * where no login manager made it: name the root too. */
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return rl_error_set(err, errno, "state root \"%s\": mkdir \"%s\"", root,
					    path);
		*p = c;
		if (c == '\0')
			break;
	}
	return check_dir(root, err);
}

static int save_at(int dirfd, const char *dir, const struct rl_state *st, struct rl_error *err);
static int load_at(int dirfd, const char *dir, struct rl_state **out, struct rl_error *err);

/* ---- locks -------------------------------------------------------------- */

void rl_state_unlock(struct rl_state_lock *lock)
{
	if (lock->fd >= 0)
		close(lock->fd);
	lock->fd = -1;
	free(lock->dir);
	lock->dir = NULL;
	lock->exclusive = false;
}

static int flock_retry(int fd, int op)
{
	int r;

	do
		r = flock(fd, op);
	while (r < 0 && errno == EINTR);
	return r;
}

/* After the lock is ours: is the directory we locked still ROOT/ID?  A
 * delete that held the lock before us removed it (nlink 0), and a create
 * may even have made a new ROOT/ID since (another inode under the name).
 * Either way the container we waited for is gone. */
static bool still_there(int fd, int atfd, const char *name)
{
	struct stat mine, now;

	if (fstat(fd, &mine) < 0 || mine.st_nlink == 0)
		return false;
	if (fstatat(atfd, name, &now, AT_SYMLINK_NOFOLLOW) < 0)
		return false;
	return mine.st_dev == now.st_dev && mine.st_ino == now.st_ino;
}

static char *join(const char *a, const char *b)
{
	char *s = NULL;

	return asprintf(&s, "%s/%s", a, b) < 0 ? NULL : s;
}

int rl_state_lock(const char *root, const char *id, bool exclusive, struct rl_state_lock *lock,
		  struct rl_error *err)
{
	_free_ char *dir = NULL;
	_rl_fd_ int fd = -1;

	if (rl_id_validate(id, err) < 0)
		return -1;
	dir = join(root, id);
	if (!dir)
		return rl_error_set(err, ENOMEM, "container \"%s\"", id);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno == ENOENT ? no_container(err)
				       : rl_error_set(err, errno, "open \"%s\"", dir);
	if (flock_retry(fd, exclusive ? LOCK_EX : LOCK_SH) < 0)
		return rl_error_set(err, errno, "flock \"%s\"", dir);
	if (!still_there(fd, AT_FDCWD, dir))
		return no_container(err);
	lock->fd = rl_fd_steal(&fd);
	lock->dir = dir;
	dir = NULL;
	lock->exclusive = exclusive;
	return 0;
}

/* Filesystems without RENAME_NOREPLACE: mkdir reserves the id just as
 * atomically, but the lock comes a moment after the name appears. */
static int create_by_mkdir(const char *dir, const struct rl_state *first,
			   struct rl_state_lock *lock, struct rl_error *err)
{
	_rl_fd_ int fd = -1;

	if (mkdir(dir, 0700) < 0)
		return errno == EEXIST
			   ? rl_error_set(err, EEXIST, "container with given ID already exists")
			   : rl_error_set(err, errno, "mkdir \"%s\"", dir);
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return rl_error_set(err, errno, "open \"%s\"", dir);
	if (flock_retry(fd, LOCK_EX) < 0)
		return rl_error_set(err, errno, "flock \"%s\"", dir);
	/* Someone deleted it in that moment: we lost the id as a creator would
	 * have. */
	if (!still_there(fd, AT_FDCWD, dir))
		return rl_error_set(err, EEXIST, "container with given ID already exists");
	if (first && save_at(fd, dir, first, err) < 0) {
		rmdir(dir);
		return -1;
	}
	lock->fd = rl_fd_steal(&fd);
	return 0;
}

/* The reservation is built under a private name, locked and given its
 * first state.json before it takes the id's name with one
 * rename(RENAME_NOREPLACE): the name appears locked and with a state, so
 * no command ever sees a container without one (a creator killed right
 * after the rename leaves an entry that reads as broken), and of
 * concurrent creators exactly one rename succeeds. */
static int create_by_rename(const char *root, const char *dir, const struct rl_state *first,
			    struct rl_state_lock *lock, struct rl_error *err)
{
	_free_ char *tmp = join(root, ".new-XXXXXX");
	_rl_fd_ int fd = -1;
	int r = -1;

	if (!tmp)
		return rl_error_set(err, ENOMEM, "reserve \"%s\"", dir);
	if (!mkdtemp(tmp)) /* mode 0700 */
		return rl_error_set(err, errno, "mkdir \"%s\"", tmp);
	fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		rl_error_set(err, errno, "open \"%s\"", tmp);
	} else if (flock_retry(fd, LOCK_EX) < 0) {
		rl_error_set(err, errno, "flock \"%s\"", tmp);
	} else if (first && save_at(fd, tmp, first, err) < 0) {
		/* reported */
	} else if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_NOREPLACE) == 0) {
		lock->fd = rl_fd_steal(&fd);
		return 0;
	} else if (errno == EEXIST) {
		rl_error_set(err, EEXIST, "container with given ID already exists");
	} else if (errno == EINVAL || errno == ENOSYS) {
		r = 1; /* no RENAME_NOREPLACE (or renameat2) here */
	} else {
		rl_error_set(err, errno, "rename \"%s\" to \"%s\"", tmp, dir);
	}
	if (fd >= 0)
		unlinkat(fd, RL_STATE_FILE, 0);
	rmdir(tmp);
	return r;
}

/* What a creator that lost the id is told when the entry there is not a
 * container that a command is working on or that was recorded: a broken
 * one (a create killed half-way), and how to get rid of it. */
static int taken(const char *dir, struct rl_error *err)
{
	static const char base[] = "container with given ID already exists";
	_state_free_ struct rl_state *st = NULL;
	struct rl_error e = {0};
	_rl_fd_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0 || flock_retry(fd, LOCK_SH | LOCK_NB) < 0)
		return rl_error_set(err, EEXIST, base); /* busy: a command owns it */
	if (load_at(fd, dir, &st, &e) < 0)
		return rl_error_set(err, EEXIST, "%s: it is broken: %s (delete --force removes it)",
				    base, e.msg);
	if (st->status == RL_STATUS_CREATING)
		return rl_error_set(err, EEXIST,
				    "%s: it is broken: its create was interrupted (delete "
				    "--force removes it)",
				    base);
	return rl_error_set(err, EEXIST, base);
}

int rl_state_create(const char *root, const char *id, const struct rl_state *first,
		    struct rl_state_lock *lock, struct rl_error *err)
{
	_free_ char *dir = NULL;
	int r;

	if (rl_id_validate(id, err) < 0 || rl_state_root_ensure(root, err) < 0)
		return -1;
	dir = join(root, id);
	if (!dir)
		return rl_error_set(err, ENOMEM, "container \"%s\"", id);
	if (first && (!first->id || strcmp(first->id, id) != 0))
		return rl_error_set(err, EINVAL, "save state of \"%s\": its id is \"%s\"", dir,
				    first->id ? first->id : "");
	r = create_by_rename(root, dir, first, lock, err);
	if (r > 0)
		r = create_by_mkdir(dir, first, lock, err);
	if (r < 0)
		return err && err->errnum == EEXIST ? taken(dir, err) : -1;
	lock->dir = dir;
	dir = NULL;
	lock->exclusive = true;
	return 0;
}

/* ---- state.json --------------------------------------------------------- */

static int write_tmp(int dirfd, const char *dir, const char *text, size_t len, struct rl_error *err)
{
	_rl_fd_ int fd = -1;
	int r;

	fd = openat(dirfd, RL_STATE_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	if (fd < 0)
		return rl_error_set(err, errno, "open \"%s/" RL_STATE_TMP "\"", dir);
	if (rl_write_all(fd, text, len) < 0)
		return rl_error_set(err, errno, "write \"%s/" RL_STATE_TMP "\"", dir);
	/* No fsync: the state describes processes, which do not outlive the
	 * machine, so there is nothing to recover after a crash (the root is
	 * normally a tmpfs under /run anyway).  Readers are protected by the
	 * rename alone; on a disk the fsyncs cost milliseconds per create. */
	r = close(rl_fd_steal(&fd));
	if (r < 0)
		return rl_error_set(err, errno, "close \"%s/" RL_STATE_TMP "\"", dir);
	return 0;
}

/* st as dir/state.json, through dirfd; dir names it in messages. */
static int save_at(int dirfd, const char *dir, const struct rl_state *st, struct rl_error *err)
{
	_free_ char *text = NULL;
	size_t len = 0;

	/* Broken is what a reader concludes, never a recorded step. */
	if (st->status == RL_STATUS_BROKEN)
		return rl_error_set(err, EINVAL, "save state of \"%s\": status broken", dir);
	if (rl_state_to_json(st, true, &text, &len, err) < 0)
		return -1;
	if (write_tmp(dirfd, dir, text, len, err) < 0) {
		unlinkat(dirfd, RL_STATE_TMP, 0);
		return -1;
	}
	if (renameat(dirfd, RL_STATE_TMP, dirfd, RL_STATE_FILE) < 0) {
		rl_error_set(err, errno,
			     "rename \"%s/" RL_STATE_TMP "\" to \"%s/" RL_STATE_FILE "\"", dir,
			     dir);
		unlinkat(dirfd, RL_STATE_TMP, 0);
		return -1;
	}
	return 0;
}

int rl_state_save(const struct rl_state_lock *lock, const struct rl_state *st, struct rl_error *err)
{
	const char *slash;

	if (lock->fd < 0 || !lock->exclusive)
		return rl_error_set(err, EINVAL, "save state of \"%s\": not locked exclusively",
				    lock->dir ? lock->dir : "");
	/* A state under another id's name would be refused by every listing. */
	slash = strrchr(lock->dir, '/');
	if (!st->id || !slash || strcmp(st->id, slash + 1) != 0)
		return rl_error_set(err, EINVAL, "save state of \"%s\": its id is \"%s\"",
				    lock->dir, st->id ? st->id : "");
	return save_at(lock->fd, lock->dir, st, err);
}

static int read_all(int fd, char **out, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -1;
	for (;;) {
		ssize_t r;

		if (n == cap) {
			char *p = cap >= STATE_SIZE_MAX ? NULL : realloc(buf, cap * 2);

			if (!p) {
				free(buf);
				errno = cap >= STATE_SIZE_MAX ? EFBIG : ENOMEM;
				return -1;
			}
			buf = p;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	*out = buf;
	*len = n;
	return 0;
}

/* Loads dir/state.json through dirfd.  errnum ENOENT only when the file is
 * missing. */
static int load_at(int dirfd, const char *dir, struct rl_state **out, struct rl_error *err)
{
	_free_ char *text = NULL;
	_free_ char *name = join(dir, RL_STATE_FILE);
	_rl_fd_ int fd = -1;
	size_t len = 0;

	if (!name)
		return rl_error_set(err, ENOMEM, "%s/" RL_STATE_FILE, dir);
	fd = openat(dirfd, RL_STATE_FILE, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return rl_error_set(err, errno, "open \"%s\"", name);
	if (read_all(fd, &text, &len) < 0)
		return rl_error_set(err, errno, "read \"%s\"", name);
	return rl_state_parse(text, len, name, out, err);
}

/* The two statuses a runtime killed between two steps leaves stored (see
 * rl_state_status).  Only for a state read under the lock: then nobody
 * else is in the middle of a step. */
static void correct(int dirfd, struct rl_state *st)
{
	if (st->status == RL_STATUS_CREATING)
		st->status = RL_STATUS_BROKEN;
	else if (st->status != RL_STATUS_CREATED)
		return;
	else if (faccessat(dirfd, RL_EXEC_FIFO, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
		st->status = RL_STATUS_RUNNING;
	else if (faccessat(dirfd, RL_START_MARK, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
		st->status = RL_STATUS_BROKEN;
}

int rl_state_load(const struct rl_state_lock *lock, struct rl_state **out, struct rl_error *err)
{
	if (lock->fd < 0)
		return rl_error_set(err, EINVAL, "load state: not locked");
	if (load_at(lock->fd, lock->dir, out, err) < 0)
		return -1;
	correct(lock->fd, *out);
	return 0;
}

/* ---- the init record ---------------------------------------------------- */

int rl_state_save_init(const struct rl_state_lock *lock, int pid, uint64_t start_time,
		       struct rl_error *err)
{
	char text[64];
	int len = snprintf(text, sizeof(text), "%d %llu\n", pid, (unsigned long long)start_time);
	_rl_fd_ int fd = -1;

	if (lock->fd < 0 || !lock->exclusive)
		return rl_error_set(err, EINVAL, "save the init record: not locked exclusively");
	fd = openat(lock->fd, RL_INIT_TMP, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
		    0600);
	if (fd < 0)
		return rl_error_set(err, errno, "open \"%s/" RL_INIT_TMP "\"", lock->dir);
	if (rl_write_all(fd, text, (size_t)len) < 0 || close(rl_fd_steal(&fd)) < 0 ||
	    renameat(lock->fd, RL_INIT_TMP, lock->fd, RL_INIT_RECORD) < 0) {
		rl_error_set(err, errno, "write \"%s/" RL_INIT_RECORD "\"", lock->dir);
		unlinkat(lock->fd, RL_INIT_TMP, 0);
		return -1;
	}
	return 0;
}

/* Strict: "PID STARTTIME\n", both decimal, pid > 0, nothing else. */
static int parse_init(const char *s, int *pid, uint64_t *start_time)
{
	unsigned long long t;
	char *end = NULL;
	long p;

	if (*s < '1' || *s > '9')
		return -1;
	errno = 0;
	p = strtol(s, &end, 10);
	if (errno || p <= 0 || p > INT32_MAX || *end != ' ' || end[1] < '0' || end[1] > '9')
		return -1;
	t = strtoull(end + 1, &end, 10);
	if (errno || strcmp(end, "\n") != 0)
		return -1;
	*pid = (int)p;
	*start_time = t;
	return 0;
}

int rl_state_load_init(const struct rl_state_lock *lock, int *pid, uint64_t *start_time)
{
	_rl_fd_ int fd = openat(lock->fd, RL_INIT_RECORD, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	char buf[64];
	ssize_t n;

	if (fd < 0)
		return -1;
	do
		n = read(fd, buf, sizeof(buf) - 1);
	while (n < 0 && errno == EINTR);
	if (n <= 0 || n == sizeof(buf) - 1)
		return -1;
	buf[n] = '\0';
	return parse_init(buf, pid, start_time);
}

/* ---- listing ------------------------------------------------------------ */

/* Arrays grow at 8, 16, 32, ... entries. */
static void *grow(void *v, size_t n, size_t size)
{
	if (n != 0 && (n < 8 || (n & (n - 1)) != 0))
		return v;
	return reallocarray(v, n ? n * 2 : 8, size);
}

static int add_warning(struct rl_state_list *l, struct rl_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int add_warning(struct rl_state_list *l, struct rl_error *err, const char *fmt, ...)
{
	char **v = grow(l->warnings, l->n_warnings, sizeof(*v));
	char *s = NULL;
	va_list ap;
	int r;

	if (!v)
		return rl_error_set(err, ENOMEM, "list containers");
	l->warnings = v;
	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (r < 0)
		return rl_error_set(err, ENOMEM, "list containers");
	l->warnings[l->n_warnings++] = s;
	return 0;
}

static int add_state(struct rl_state_list *l, struct rl_state **st, struct rl_error *err)
{
	struct rl_state **v = grow(l->states, l->n, sizeof(*v));

	if (!v)
		return rl_error_set(err, ENOMEM, "list containers");
	l->states = v;
	l->states[l->n++] = *st;
	*st = NULL;
	return 0;
}

static int warn_error(struct rl_state_list *l, const struct rl_error *e, struct rl_error *err)
{
	char buf[RL_ERROR_MSG_MAX + 64];

	return add_warning(l, err, "%s", rl_error_text(e, buf, sizeof(buf)));
}

/* An entry without state.json that no command holds: broken (state.json
 * removed or never written), with its init from the init record.  Only
 * what is known is filled in. */
static int placeholder(int fd, const char *name, struct rl_state **out)
{
	struct rl_state_lock lock = {.fd = fd};
	struct rl_state *st = calloc(1, sizeof(*st));

	if (!st)
		return -1;
	st->oci_version = strdup(RL_OCI_VERSION);
	st->id = strdup(name);
	st->bundle = strdup("");
	st->rootfs = strdup("");
	st->created = strdup("");
	st->owner = strdup("");
	if (!st->oci_version || !st->id || !st->bundle || !st->rootfs || !st->created ||
	    !st->owner) {
		rl_state_free(st);
		return -1;
	}
	st->status = RL_STATUS_BROKEN;
	/* Only while it is that process: a pid is shown for what it is. */
	if (rl_state_load_init(&lock, &st->pid, &st->init_start_time) < 0 ||
	    !rl_proc_alive(st->pid, st->init_start_time))
		st->pid = 0;
	*out = st;
	return 0;
}

/* The state.json fds of the listing, closed FD_BATCH at a time: fds opened
 * one after another are mostly consecutive numbers, and one close_range
 * closes each run of consecutive ones in the batch (one system call where
 * a close of each costs one per entry).  A run holds only fds of the
 * batch, so nothing else is ever closed. */
#define FD_BATCH 64

struct fd_batch {
	int v[FD_BATCH];
	size_t n;
};

static int cmp_fd(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

static void fd_batch_close(struct fd_batch *b)
{
	qsort(b->v, b->n, sizeof(b->v[0]), cmp_fd);
	for (size_t i = 0, j; i < b->n; i = j) {
		for (j = i + 1; j < b->n && b->v[j] == b->v[j - 1] + 1; j++)
			;
		if (j - i == 1 || syscall(SYS_close_range, b->v[i], b->v[j - 1], 0) < 0)
			for (size_t k = i; k < j; k++) /* close_range: Linux 5.9 */
				close(b->v[k]);
	}
	b->n = 0;
}

static void fd_batch_add(struct fd_batch *b, int fd)
{
	if (b->n == FD_BATCH)
		fd_batch_close(b);
	b->v[b->n++] = fd;
}

/* Most entries need no lock.  state.json is only ever replaced by rename,
 * so a read without the lock sees a whole file, and a stored status other
 * than creating or created is not one correct() changes.  So ROOT/ID/
 * state.json is read with one openat2 (below ROOT, no symlink on the way)
 * and one read, without opening, locking and checking ROOT/ID first, and
 * its fd goes to fds, closed with others: 2 system calls an entry where
 * the locked way makes 9.  NULL: the entry takes the locked way (no
 * state.json, one that does not parse or is another id's, or a status to
 * correct), which also says what is wrong. */
static struct rl_state *list_fast(int rootfd, const char *name, struct fd_batch *fds)
{
	struct open_how how = {.flags = O_RDONLY | O_CLOEXEC,
			       .resolve =
				   RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS};
	char path[NAME_MAX + sizeof("/" RL_STATE_FILE)];
	_state_free_ struct rl_state *st = NULL;
	struct rl_state *out;
	struct rl_error e = {0};
	char text[8192];
	ssize_t len;
	int fd;

	if (snprintf(path, sizeof(path), "%s/" RL_STATE_FILE, name) >= (int)sizeof(path))
		return NULL;
	/* EMFILE too: the locked way closes the batch first. */
	fd = (int)syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
	if (fd < 0)
		return NULL;
	/* One read: shorter than the buffer is the whole file.  Were it ever
	 * cut short, the JSON would not parse and the locked way reads it
	 * again, to its end. */
	len = read(fd, text, sizeof(text));
	fd_batch_add(fds, fd);
	if (len <= 0 || (size_t)len == sizeof(text) ||
	    rl_state_parse(text, (size_t)len, path, &st, &e) < 0)
		return NULL;
	if (st->status == RL_STATUS_CREATING || st->status == RL_STATUS_CREATED || !st->id ||
	    strcmp(st->id, name) != 0)
		return NULL;
	out = st;
	st = NULL;
	return out;
}

/* One entry of the root.  Returns -1 only when out of memory: whatever is
 * wrong with the entry itself becomes a warning. */
static int list_entry(int rootfd, const char *dir, const char *name, struct fd_batch *fds,
		      struct rl_state_list *l, struct rl_error *err)
{
	struct rl_error e = {0};
	_state_free_ struct rl_state *st = NULL;
	_rl_fd_ int fd = -1;
	bool locked;

	if (rl_id_validate(name, &e) < 0)
		return add_warning(l, err, "skipping \"%s\": %s", dir, e.msg);
	st = list_fast(rootfd, name, fds);
	if (st)
		return add_state(l, &st, err);
	/* The locked way needs fds of its own, under whatever limit. */
	fd_batch_close(fds);
	fd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0 && errno == ENOENT)
		return 0; /* deleted since readdir */
	if (fd < 0)
		return add_warning(l, err, "skipping \"%s\": %s", dir, strerror(errno));
	/* Never wait: a command holding the lock may take long (a create runs
	 * hooks) or hang.  Without the lock the file is still whole, since it
	 * is only ever replaced by rename. */
	locked = flock_retry(fd, LOCK_SH | LOCK_NB) == 0;
	if (!locked && errno != EWOULDBLOCK)
		return add_warning(l, err, "skipping \"%s\": flock: %s", dir, strerror(errno));
	if (locked && !still_there(fd, rootfd, name))
		return 0; /* deleted before we got the lock */
	if (load_at(fd, dir, &st, &e) < 0) {
		if (e.errnum != ENOENT)
			return warn_error(l, &e, err);
		/* Busy: a delete about to remove the directory, or a create on
		 * a store without RENAME_NOREPLACE before its first save. */
		if (!locked)
			return 0;
		if (placeholder(fd, name, &st) < 0)
			return rl_error_set(err, ENOMEM, "list containers");
		return add_state(l, &st, err);
	}
	if (!st->id || strcmp(st->id, name) != 0)
		return add_warning(l, err, "skipping \"%s\": its state has id \"%s\"", dir,
				   st->id ? st->id : "");
	if (locked)
		correct(fd, st);
	return add_state(l, &st, err);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* The entry names of d, without the store's own dot names, sorted. */
static int read_names(DIR *d, const char *root, char ***out, size_t *n_out, struct rl_error *err)
{
	char **names = NULL, **v;
	size_t n = 0;
	struct dirent *de;

	while ((errno = 0, de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		v = grow(names, n, sizeof(*v));
		if (!v || !(v[n] = strdup(de->d_name))) {
			free_names(v ? v : names, n);
			return rl_error_set(err, ENOMEM, "list \"%s\"", root);
		}
		names = v;
		n++;
	}
	if (errno) {
		free_names(names, n);
		return rl_error_set(err, errno, "read directory \"%s\"", root);
	}
	if (n)
		qsort(names, n, sizeof(*names), cmp_names);
	*out = names;
	*n_out = n;
	return 0;
}

static int list_names(int rootfd, const char *root, char **names, size_t n, struct rl_state_list *l,
		      struct rl_error *err)
{
	struct fd_batch fds = {.n = 0};
	int r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		_free_ char *dir = join(root, names[i]);

		r = dir ? list_entry(rootfd, dir, names[i], &fds, l, err)
			: rl_error_set(err, ENOMEM, "list \"%s\"", root);
	}
	fd_batch_close(&fds);
	return r;
}

int rl_state_list(const char *root, struct rl_state_list *out, struct rl_error *err)
{
	struct rl_state_list l = {0};
	_closedir_ DIR *d = NULL;
	char **names = NULL;
	size_t n = 0;
	int fd, r;

	*out = l;
	fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? 0 : rl_error_set(err, errno, "open \"%s\"", root);
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return rl_error_set(err, errno, "open \"%s\"", root);
	}
	if (read_names(d, root, &names, &n, err) < 0)
		return -1;
	r = list_names(dirfd(d), root, names, n, &l, err);
	free_names(names, n);
	if (r < 0) {
		rl_state_list_free(&l);
		return -1;
	}
	*out = l;
	return 0;
}

void rl_state_list_free(struct rl_state_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		rl_state_free(l->states[i]);
	free(l->states);
	for (size_t i = 0; i < l->n_warnings; i++)
		free(l->warnings[i]);
	free(l->warnings);
	*l = (struct rl_state_list){0};
}

/* ---- status ------------------------------------------------------------- */

enum rl_status rl_state_status_in(const struct rl_state *st, const struct rl_pidset *live)
{
	/* Not a live container's status to correct: broken until deleted,
	 * and creating (its creator at work, read without the lock) before
	 * there is an init to look at. */
	if (st->status == RL_STATUS_BROKEN || (st->status == RL_STATUS_CREATING && st->pid == 0))
		return st->status;
	if (st->pid > 0 && (!live || rl_pidset_has(live, st->pid)) &&
	    rl_proc_alive(st->pid, st->init_start_time))
		return st->status;
	return RL_STATUS_STOPPED;
}

enum rl_status rl_state_status(const struct rl_state *st)
{
	return rl_state_status_in(st, NULL);
}
