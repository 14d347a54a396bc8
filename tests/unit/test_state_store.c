/* runtime/state.c and runtime/state_dir.c: ids, reservation, locking, save
 * and load, removal, listing, status, the init record.  Works in a scratch
 * root under /tmp that is removed at exit, whatever the outcome.  Process
 * identity and pidfds (runtime/procid.c): test_procid.c. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runtime/procid.h"
#include "runtime/state.h"
#include "tests/unit/fds.h"
#include "tests/unit/tap.h"

static char scratch[] = "/tmp/rlite-state-test-XXXXXX";
static bool have_scratch;
static pid_t main_pid;

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

static void remove_scratch(void)
{
	/* Forked children exit through _exit, but be sure only the test
	 * process itself cleans up. */
	if (have_scratch && getpid() == main_pid)
		nftw(scratch, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static char *path_in(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A path under the scratch directory, in a rotating static buffer. */
static char *path_in(const char *fmt, ...)
{
	static char bufs[4][4096];
	static int i;
	char *b = bufs[i++ % 4];
	int n = snprintf(b, sizeof(bufs[0]), "%s/", scratch);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(b + n, sizeof(bufs[0]) - (size_t)n, fmt, ap);
	va_end(ap);
	return b;
}

/* The root of one test: a path under the scratch directory that, unlike
 * path_in()'s, stays put while the test makes other paths. */
static const char *root_path(const char *name)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf), "%s/%s", scratch, name);
	return buf;
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "we");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static struct rl_state sample(const char *id)
{
	struct rl_state st = {
	    .oci_version = "1.2.0",
	    .id = (char *)id,
	    .status = RL_STATUS_CREATED,
	    .pid = 4242,
	    .bundle = "/srv/bundles/web",
	    .rootfs = "/srv/bundles/web/rootfs",
	    .created = "2026-11-22T02:49:26.123456789Z",
	    .owner = "root",
	    .init_start_time = 987654,
	};
	return st;
}

/* Creates id under root with a sample state of status s saved; 0 on
 * success. */
static int make_container_as(const char *root, const char *id, enum rl_status s)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT;
	struct rl_state st = sample(id);
	struct rl_error err = {0};
	int r = rl_state_create(root, id, NULL, &lock, &err);

	st.status = s;

	if (r == 0)
		r = rl_state_save(&lock, &st, &err);
	if (r < 0)
		printf("# make_container %s: %s\n", id, err.msg);
	rl_state_unlock(&lock);
	return r;
}

static int make_container(const char *root, const char *id)
{
	return make_container_as(root, id, RL_STATUS_CREATED);
}

/* ---- ids, root ------------------------------------------------------------ */

static void test_ids(void)
{
	static const char *good[] = {"a", "web-1", "A_b.c+d-e", "x.", "0", "a..b"};
	static const struct {
		const char *id, *msg;
	} bad[] = {
	    {"", "invalid container id \"\": must not be empty"},
	    {".", "invalid container id \".\": must not be \".\" or \"..\""},
	    {"..", "invalid container id \"..\": must not be \".\" or \"..\""},
	    {".hidden", "invalid container id \".hidden\": must not start with '.'"},
	    {"a/b", "invalid container id \"a/b\": must not contain '/'"},
	    {"../etc", "invalid container id \"../etc\": must not start with '.'"},
	    {"a b", "invalid container id \"a b\": only [A-Za-z0-9_.+-] are allowed"},
	    {"caf\xc3\xa9",
	     "invalid container id \"caf\xc3\xa9\": only [A-Za-z0-9_.+-] are allowed"},
	    {"a\nb", "invalid container id \"a\nb\": only [A-Za-z0-9_.+-] are allowed"},
	};
	struct rl_error err = {0};
	char longid[RL_ID_MAX + 2];

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ok(rl_id_validate(good[i], &err) == 0, "id \"%s\" is valid", good[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err = (struct rl_error){0};
		ok(rl_id_validate(bad[i].id, &err) < 0, "id #%zu refused", i);
		is_str(err.msg, bad[i].msg, "  with its rule");
	}
	memset(longid, 'a', sizeof(longid));
	longid[RL_ID_MAX] = '\0';
	ok(rl_id_validate(longid, &err) == 0, "id of %d bytes is valid", RL_ID_MAX);
	longid[RL_ID_MAX] = 'a';
	longid[RL_ID_MAX + 1] = '\0';
	ok(rl_id_validate(longid, &err) < 0, "id of %d bytes refused", RL_ID_MAX + 1);
	is_str(err.msg,
	       "invalid container id \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...\": longer than 1024 "
	       "characters",
	       "  cut in the message");
	ok(rl_id_validate(NULL, &err) < 0, "NULL id refused");
}

static void test_root(void)
{
	struct rl_error err = {0};
	struct stat s;
	const char *root = root_path("r/a/b");

	ok(rl_state_root_ensure(root, &err) == 0, "missing root and parents created");
	ok(stat(root, &s) == 0 && S_ISDIR(s.st_mode) && (s.st_mode & 07777) == 0700,
	   "  root is a directory with mode 0700");
	ok(stat(path_in("r/a"), &s) == 0 && (s.st_mode & 07777) == 0700, "  parents 0700 too");
	ok(rl_state_root_ensure(root, &err) == 0, "existing root accepted");
	write_file(path_in("file"), "x");
	ok(rl_state_root_ensure(path_in("file"), &err) < 0 && err.errnum == ENOTDIR,
	   "a file as root refused");
	ok(strstr(err.msg, path_in("file")) != NULL, "  message names the path: %s", err.msg);
	ok(rl_state_root_ensure(path_in("file/sub"), &err) < 0 && err.errnum == ENOTDIR &&
	       strstr(err.msg, "mkdir \"") && strstr(err.msg, "file/sub\""),
	   "a root under a file: mkdir error naming the path: %s", err.msg);
}

/* ---- reservation, locking ------------------------------------------------ */

static void test_create_twice(void)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT, lock2 = RL_STATE_LOCK_INIT;
	struct rl_error err = {0};
	const char *root = root_path("c");
	struct stat s;

	ok(rl_state_create(root, "c1", NULL, &lock, &err) == 0,
	   "create c1 (root made on demand): %s", err.msg);
	ok(lock.fd >= 0 && lock.exclusive, "  held exclusively");
	ok(fcntl(lock.fd, F_GETFD) == FD_CLOEXEC, "  lock fd is close-on-exec");
	ok(stat(path_in("c/c1"), &s) == 0 && (s.st_mode & 07777) == 0700, "  ROOT/c1 mode 0700");
	ok(rl_state_create(root, "c1", NULL, &lock2, &err) < 0, "create c1 again refused");
	is_str(err.msg, "container with given ID already exists", "  exact message");
	is_int(err.errnum, EEXIST, "  errnum EEXIST");
	ok(lock2.fd < 0 && lock2.dir == NULL, "  loser holds nothing");
	rl_state_unlock(&lock);
	rl_state_unlock(&lock);
	ok(rl_state_create(root, "c1", NULL, &lock2, &err) < 0, "still refused after unlock");
	ok(rl_state_create(root, "../x", NULL, &lock2, &err) < 0 && strstr(err.msg, "invalid"),
	   "create validates the id");
	ok(access(path_in("c/.new-XXXXXX"), F_OK) < 0, "no reservation temp left behind");
}

static void test_create_race(void)
{
	enum { N = 20 };
	const char *root = root_path("race");
	int go[2], wins = 0, losses = 0, others = 0;
	pid_t pids[N];

	if (pipe2(go, O_CLOEXEC) < 0)
		return;
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		if (pids[i] == 0) {
			struct rl_state_lock lock = RL_STATE_LOCK_INIT;
			struct rl_error err = {0};
			char c;
			int r;

			close(go[1]);
			while (read(go[0], &c, 1) < 0 && errno == EINTR)
				;
			struct rl_state first = sample("one");

			r = rl_state_create(root, "one", &first, &lock, &err);
			rl_state_unlock(&lock);
			if (r == 0)
				_exit(0);
			_exit(strcmp(err.msg, "container with given ID already exists") == 0 ? 1
											     : 2);
		}
	}
	close(go[0]);
	close(go[1]); /* all start together */
	for (int i = 0; i < N; i++) {
		int st = 0;

		if (pids[i] < 0 || waitpid(pids[i], &st, 0) < 0 || !WIFEXITED(st))
			others++;
		else if (WEXITSTATUS(st) == 0)
			wins++;
		else if (WEXITSTATUS(st) == 1)
			losses++;
		else
			others++;
	}
	is_int(wins, 1, "%d concurrent creators of one id: exactly one wins", N);
	is_int(losses, N - 1, "  the others get \"already exists\"");
	is_int(others, 0, "  nothing else happened");
}

/* Forks a child that locks id and reports the outcome on a pipe: "OK" or
 * the error message.  Returns the read end.  The child first drops its copy
 * of the parent's lock: a flock belongs to the open file, which fork shares,
 * so with the copy open the child would hold the very lock it waits for. */
static int lock_in_child(const char *root, const char *id, struct rl_state_lock *held, pid_t *pid)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) < 0)
		return -1;
	*pid = fork();
	if (*pid == 0) {
		struct rl_state_lock lock = RL_STATE_LOCK_INIT;
		struct rl_error err = {0};
		char msg[RL_ERROR_MSG_MAX + 16];
		int r;

		alarm(30); /* a bug here must not hang the test run */
		rl_state_unlock(held);
		r = rl_state_lock(root, id, true, &lock, &err);
		snprintf(msg, sizeof(msg), "%s %d", r == 0 ? "OK" : err.msg, err.errnum);
		rl_state_unlock(&lock);
		if (write(p[1], msg, strlen(msg)) < 0)
			_exit(2);
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static int readable_within(int fd, int ms)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};

	return poll(&pfd, 1, ms) == 1;
}

static void read_msg(int fd, pid_t pid, char *buf, size_t size)
{
	ssize_t n;

	do
		n = read(fd, buf, size - 1);
	while (n < 0 && errno == EINTR);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	waitpid(pid, NULL, 0);
}

static void test_lock_serialises(void)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT;
	struct rl_error err = {0};
	const char *root = root_path("l");
	char buf[RL_ERROR_MSG_MAX + 32];
	pid_t pid;
	int fd;

	make_container(root, "x");
	ok(rl_state_lock(root, "x", true, &lock, &err) == 0, "lock x exclusively");
	fd = lock_in_child(root, "x", &lock, &pid);
	ok(!readable_within(fd, 100), "  a second locker waits");
	rl_state_unlock(&lock);
	ok(readable_within(fd, 30000), "  and gets the lock once released");
	read_msg(fd, pid, buf, sizeof(buf));
	is_str(buf, "OK 0", "  successfully");

	ok(rl_state_lock(root, "nope", false, &lock, &err) < 0, "lock of a missing container");
	is_str(err.msg, "container does not exist", "  exact message");
	is_int(err.errnum, ENOENT, "  errnum ENOENT");
	ok(rl_state_lock(path_in("no-root"), "x", false, &lock, &err) < 0 &&
	       strcmp(err.msg, "container does not exist") == 0,
	   "lock under a missing root: does not exist");
	ok(rl_state_lock(root, "a/b", false, &lock, &err) < 0 && strstr(err.msg, "invalid"),
	   "lock validates the id");
}

/* A locker that waited while the container was deleted must not go on
 * with a directory that no longer exists; nor with a new container that
 * took the same id meanwhile. */
static void test_lock_delete_race(void)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT;
	struct rl_error err = {0};
	const char *root = root_path("d");
	char buf[RL_ERROR_MSG_MAX + 32];
	pid_t pid;
	int fd;

	make_container(root, "gone");
	ok(rl_state_lock(root, "gone", true, &lock, &err) == 0, "lock gone");
	fd = lock_in_child(root, "gone", &lock, &pid);
	ok(!readable_within(fd, 100), "  a second locker waits");
	ok(rl_state_remove(&lock, &err) == 0, "  remove under the lock: %s", err.msg);
	ok(lock.fd < 0, "  remove released the lock");
	read_msg(fd, pid, buf, sizeof(buf));
	is_str(buf, "container does not exist 2", "  waiter: container does not exist (ENOENT)");

	make_container(root, "again");
	ok(rl_state_lock(root, "again", true, &lock, &err) == 0, "lock again");
	fd = lock_in_child(root, "again", &lock, &pid);
	ok(!readable_within(fd, 100), "  a second locker waits");
	ok(rl_state_remove(&lock, &err) == 0, "  remove it");
	ok(make_container(root, "again") == 0, "  and create a new one with the same id");
	read_msg(fd, pid, buf, sizeof(buf));
	ok(strcmp(buf, "container does not exist 2") == 0 || strcmp(buf, "OK 0") == 0,
	   "  waiter: gone, or (if it woke late) the new one: %s", buf);
}

/* ---- save, load, remove --------------------------------------------------- */

static void test_roundtrip(void)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT;
	struct rl_state st = sample("rt"), *got = NULL;
	struct rl_error err = {0};
	const char *root = root_path("rt");
	struct stat s;

	st.status = RL_STATUS_RUNNING;
	st.has_exit_status = true;
	st.exit_status = 137;
	st.finished = "2026-11-22T03:00:00.000000001Z";
	st.monitor_pid = 77;
	st.monitor_start_time = 55;
	ok(rl_state_create(root, "rt", NULL, &lock, &err) == 0, "create rt");
	ok(rl_state_save(&lock, &st, &err) == 0, "save: %s", err.msg);
	ok(stat(path_in("rt/rt/state.json"), &s) == 0 && (s.st_mode & 07777) == 0600,
	   "  state.json mode 0600");
	ok(access(path_in("rt/rt/.state.json.tmp"), F_OK) < 0, "  no temp file left");
	st.id = "other";
	ok(rl_state_save(&lock, &st, &err) < 0 && strstr(err.msg, "its id is \"other\""),
	   "  a state with another id is refused: %s", err.msg);
	st.id = "rt";
	ok(rl_state_load(&lock, &got, &err) == 0, "load: %s", err.msg);
	if (got) {
		is_str(got->id, "rt", "  id");
		is_int(got->status, RL_STATUS_RUNNING, "  status");
		is_int(got->pid, 4242, "  pid");
		is_str(got->bundle, st.bundle, "  bundle");
		is_str(got->rootfs, st.rootfs, "  rootfs");
		is_str(got->created, st.created, "  created");
		is_int(got->init_start_time, 987654, "  init start time");
		ok(got->has_exit_status && got->exit_status == 137, "  exit status");
		is_str(got->finished, st.finished, "  finished");
		ok(got->monitor_pid == 77 && got->monitor_start_time == 55, "  monitor");
		rl_state_free(got);
	}
	rl_state_unlock(&lock);
	ok(rl_state_lock(root, "rt", false, &lock, &err) == 0, "shared lock");
	ok(rl_state_save(&lock, &st, &err) < 0 && strstr(err.msg, "not locked exclusively"),
	   "  save refused under a shared lock");
	ok(rl_state_remove(&lock, &err) < 0, "  remove refused under a shared lock");
	rl_state_unlock(&lock);
}

static void test_load_errors(void)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT;
	struct rl_state *got = NULL;
	struct rl_error err = {0};
	const char *root = root_path("le");

	ok(rl_state_create(root, "empty", NULL, &lock, &err) == 0, "create without saving");
	ok(rl_state_load(&lock, &got, &err) < 0 && err.errnum == ENOENT, "load: ENOENT");
	ok(strstr(err.msg, "open \"") && strstr(err.msg, "/le/empty/state.json\""),
	   "  message names the file: %s", err.msg);
	write_file(path_in("le/empty/state.json"), "{\"ociVersion\": \"1.2.0\", \"id\": \"emp");
	ok(rl_state_load(&lock, &got, &err) < 0 && strstr(err.msg, "/le/empty/state.json"),
	   "torn file: error names the file: %s", err.msg);
	rl_state_unlock(&lock);
}

static void test_remove(void)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT;
	struct rl_error err = {0};
	const char *root = root_path("rm");

	make_container(root, "x");
	write_file(path_in("rm/x/pidfile"), "1");
	mkdir(path_in("rm/x/sub"), 0700);
	write_file(path_in("rm/x/sub/f"), "1");
	symlink("/etc/passwd", path_in("rm/x/link"));
	mkfifo(path_in("rm/x/fifo"), 0600);
	ok(rl_state_lock(root, "x", true, &lock, &err) == 0, "lock x");
	ok(rl_state_remove(&lock, &err) == 0, "remove x with files, a subdir, link, fifo: %s",
	   err.msg);
	ok(access(path_in("rm/x"), F_OK) < 0 && errno == ENOENT, "  ROOT/x is gone");
	ok(access("/etc/passwd", F_OK) == 0, "  the symlink target is untouched");
	ok(rl_state_lock(root, "x", true, &lock, &err) < 0 &&
	       strcmp(err.msg, "container does not exist") == 0,
	   "  lock afterwards: container does not exist");
	ok(rl_state_create(root, "x", NULL, &lock, &err) == 0, "  the id is free again");
	rl_state_unlock(&lock);
}

/* ---- listing -------------------------------------------------------------- */

static bool has_warning(const struct rl_state_list *l, const char *a, const char *b)
{
	for (size_t i = 0; i < l->n_warnings; i++)
		if (strstr(l->warnings[i], a) && strstr(l->warnings[i], b))
			return true;
	return false;
}

static void test_list(void)
{
	struct rl_state_lock busy = RL_STATE_LOCK_INIT, creating = RL_STATE_LOCK_INIT;
	struct rl_state_lock crashed = RL_STATE_LOCK_INIT;
	struct rl_state_list l = {0};
	struct rl_error err = {0};
	const char *root = root_path("ls");

	ok(rl_state_list(path_in("nothing-here"), &l, &err) == 0 && l.n == 0 && l.n_warnings == 0,
	   "missing root lists nothing");
	make_container(root, "b");
	make_container(root, "a");
	make_container(root, "c");
	make_container(root, "torn");
	write_file(path_in("ls/torn/state.json"), "{\"ociVersion\": \"1.2.0\", \"id\": \"to");
	write_file(path_in("ls/junk"), "not a container");
	mkdir(path_in("ls/.new-abcdef"), 0700);
	mkdir(path_in("ls/bad name"), 0700);
	rl_state_create(root, "crashed", NULL, &crashed, &err); /* never saved, then let go */
	rl_state_unlock(&crashed);
	ok(rl_state_lock(root, "b", true, &busy, &err) == 0, "b is busy (locked exclusively)");
	ok(rl_state_create(root, "d-creating", NULL, &creating, &err) == 0,
	   "d-creating not saved yet");

	ok(rl_state_list(root, &l, &err) == 0, "list: %s", err.msg);
	is_int(l.n, 4, "  four containers listed");
	if (l.n == 4)
		ok(!strcmp(l.states[0]->id, "a") && !strcmp(l.states[1]->id, "b") &&
		       !strcmp(l.states[2]->id, "c") && !strcmp(l.states[3]->id, "crashed"),
		   "  a, b (busy, read without waiting), c, crashed: in id order");
	if (l.n == 4)
		ok(l.states[3]->status == RL_STATUS_BROKEN && l.states[3]->pid == 0 &&
		       !strcmp(l.states[3]->bundle, ""),
		   "  crashed (no state.json, nobody holds it) is broken, nothing made up");
	for (size_t i = 0; i < l.n_warnings; i++)
		printf("# warning: %s\n", l.warnings[i]);
	is_int(l.n_warnings, 3, "  three warnings");
	ok(has_warning(&l, "/ls/torn/state.json", "invalid JSON"), "  torn state.json reported");
	ok(has_warning(&l, "/ls/junk", "Not a directory"), "  a file in the root reported");
	ok(has_warning(&l, "/ls/bad name", "invalid container id"), "  a bad name reported");
	ok(!has_warning(&l, "creating", "") && !has_warning(&l, ".new", ""),
	   "  a creation in progress and the store's own names are not");
	rl_state_list_free(&l);
	rl_state_unlock(&busy);
	rl_state_unlock(&creating);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

static void list_fds(void);

static void test_list_many(void)
{
	enum { N = 1000 };
	struct rl_state_list l = {0};
	struct rl_error err = {0};
	const char *root = root_path("many");
	char id[16];
	struct timespec t0;
	int made = 0;
	bool sorted = true;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = N - 1; i >= 0; i--) {
		snprintf(id, sizeof(id), "c%04d", i);
		made += make_container(root, id) == 0;
	}
	printf("# created and saved %d containers in %.1f ms\n", made, ms_since(&t0));
	is_int(made, N, "%d containers created", N);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ok(rl_state_list(root, &l, &err) == 0, "list them");
	printf("# listed %zu containers in %.2f ms\n", l.n, ms_since(&t0));
	is_int(l.n, N, "  all listed");
	is_int(l.n_warnings, 0, "  no warnings");
	for (size_t i = 0; i < l.n; i++) {
		snprintf(id, sizeof(id), "c%04zu", i);
		sorted = sorted && strcmp(l.states[i]->id, id) == 0;
	}
	ok(sorted, "  in id order");
	rl_state_list_free(&l);
	list_fds();
}

/* The listing closes its state.json fds in batches: with fds of the
 * caller's among and above them, under a low RLIMIT_NOFILE, nothing of the
 * caller's is closed, nothing of the listing's stays open, and every
 * container is listed, those read without the lock (stopped) and those
 * read under it (created) alike. */
static void list_fds(void)
{
	const size_t n = 300;
	const char *root = root_path("fds");
	struct rl_state_list l = {0};
	struct rl_error err = {0};
	struct rlimit old, low;
	int a, b, keep, before, high, r, made = 0;
	char id[16];

	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "f%03zu", i);
		made +=
		    make_container_as(root, id, i % 7 ? RL_STATUS_STOPPED : RL_STATUS_CREATED) == 0;
	}
	is_int(made, n, "%zu containers, one in 7 created, the others stopped", n);
	a = open("/dev/null", O_RDONLY | O_CLOEXEC);
	b = open("/dev/null", O_RDONLY | O_CLOEXEC);
	keep = open("/dev/null", O_RDONLY | O_CLOEXEC);

	/* two free fds below keep: the listing's first fds take them, then
	 * go on above it */
	close(a);
	close(b);
	before = open_fds();
	r = rl_state_list(root, &l, &err);
	ok(r == 0 && l.n == n && l.n_warnings == 0,
	   "list with a fd of the caller's among its own: %zu listed, %zu warnings", l.n,
	   l.n_warnings);
	rl_state_list_free(&l);
	ok(fcntl(keep, F_GETFD) >= 0, "  the caller's fd is still open");
	is_int(open_fds(), before, "  no fd of the listing left open");

	high = dup2(keep, 200);
	getrlimit(RLIMIT_NOFILE, &old);
	low = old;
	low.rlim_cur = (rlim_t)before + 20; /* far fewer than one batch */
	ok(high == 200 && setrlimit(RLIMIT_NOFILE, &low) == 0, "RLIMIT_NOFILE down to %d",
	   (int)low.rlim_cur);
	r = rl_state_list(root, &l, &err);
	ok(r == 0 && l.n == n && l.n_warnings == 0, "  list: %zu listed, %zu warnings", l.n,
	   l.n_warnings);
	if (r < 0 || l.n_warnings)
		printf("#   %s\n", r < 0 ? err.msg : l.warnings[0]);
	rl_state_list_free(&l);
	setrlimit(RLIMIT_NOFILE, &old);
	ok(fcntl(keep, F_GETFD) >= 0 && fcntl(high, F_GETFD) >= 0,
	   "  the caller's fds are still open");
	is_int(open_fds(), before + 1, "  no fd of the listing left open");
	close(high);
	close(keep);
}

static void test_status(void)
{
	struct rl_state st = sample("s");
	uint64_t t = 0;

	rl_proc_start_time(getpid(), &t, NULL);
	st.pid = getpid();
	st.init_start_time = t;
	st.status = RL_STATUS_RUNNING;
	is_int(rl_state_status(&st), RL_STATUS_RUNNING, "live init: running as stored");
	st.status = RL_STATUS_PAUSED;
	is_int(rl_state_status(&st), RL_STATUS_PAUSED, "live init: paused as stored");
	st.status = RL_STATUS_CREATED;
	is_int(rl_state_status(&st), RL_STATUS_CREATED, "live init: created as stored");
	st.init_start_time = t + 1;
	is_int(rl_state_status(&st), RL_STATUS_STOPPED, "recycled pid: stopped");
	st.pid = 0;
	is_int(rl_state_status(&st), RL_STATUS_STOPPED, "no init: stopped");

	/* with the pids of /proc read once, as list does */
	st.pid = getpid();
	st.init_start_time = t;
	st.status = RL_STATUS_RUNNING;
	{
		struct rl_pidset live = {0}, none = {0};

		ok(rl_pidset_read(&live) == 0, "read the pids of /proc");
		is_int(rl_state_status_in(&st, &live), RL_STATUS_RUNNING,
		       "  live init in the set: running as stored");
		is_int(rl_state_status_in(&st, &none), RL_STATUS_STOPPED,
		       "  an init missing from the set: stopped, whatever /proc says now");
		st.init_start_time = t + 1;
		is_int(rl_state_status_in(&st, &live), RL_STATUS_STOPPED,
		       "  in the set with another start time (recycled pid): stopped");
		st.status = RL_STATUS_BROKEN;
		is_int(rl_state_status_in(&st, &none), RL_STATUS_BROKEN, "  broken stays broken");
		rl_pidset_free(&live);
	}
}

/* ---- interrupted creates: record strictness, broken entries ------------- */

/* A creator killed at once: its first state is there, and reads as
 * broken under a lock nobody else holds; as creating while it is held. */
static void test_first_state(void)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT, lock2 = RL_STATE_LOCK_INIT;
	struct rl_state first = sample("fs");
	struct rl_state_list l = {0};
	struct rl_state *got = NULL;
	struct rl_error err = {0};
	const char *root = root_path("fs");

	first.status = RL_STATUS_CREATING;
	first.pid = 0;
	ok(rl_state_create(root, "fs", &first, &lock, &err) == 0, "create with a first state: %s",
	   err.msg);
	ok(access(path_in("fs/fs/state.json"), F_OK) == 0, "  state.json is there at once");
	ok(rl_state_list(root, &l, &err) == 0 && l.n == 1 &&
	       l.states[0]->status == RL_STATUS_CREATING,
	   "  listed as creating while its creator holds it");
	if (l.n == 1)
		is_int(rl_state_status(l.states[0]), RL_STATUS_CREATING,
		       "  and rl_state_status keeps it (no init yet is not stopped)");
	rl_state_list_free(&l);
	rl_state_unlock(&lock); /* the creator dies */
	ok(rl_state_list(root, &l, &err) == 0 && l.n == 1 &&
	       l.states[0]->status == RL_STATUS_BROKEN,
	   "  listed as broken once nobody holds it");
	rl_state_list_free(&l);
	ok(rl_state_lock(root, "fs", false, &lock, &err) == 0 &&
	       rl_state_load(&lock, &got, &err) == 0 && got->status == RL_STATUS_BROKEN,
	   "  loaded under the lock: broken");
	if (got)
		is_int(rl_state_status(got), RL_STATUS_BROKEN, "  broken stays broken");
	rl_state_free(got);
	rl_state_unlock(&lock);
	ok(rl_state_create(root, "fs", &first, &lock2, &err) < 0 && err.errnum == EEXIST &&
	       strstr(err.msg, "container with given ID already exists: it is broken") &&
	       strstr(err.msg, "delete --force"),
	   "  a second create says what is there: %s", err.msg);
	write_file(path_in("fs/fs/state.json"), "{\"ociVersion\": \"1.2.0\", \"id\": \"f");
	ok(rl_state_create(root, "fs", &first, &lock2, &err) < 0 &&
	       strstr(err.msg, "it is broken: ") && strstr(err.msg, "invalid JSON"),
	   "  and with a corrupt state.json why: %s", err.msg);
	first.id = "other";
	ok(rl_state_create(root, "fs2", &first, &lock2, &err) < 0 && err.errnum == EINVAL,
	   "  a first state with another id is refused");
	ok(access(path_in("fs/fs2"), F_OK) < 0, "  and reserves nothing");
}

/* A start killed between removing the fifo and saving "running". */
static void test_created_without_fifo(void)
{
	struct rl_state_lock lock = RL_STATE_LOCK_INIT;
	struct rl_state st = sample("cf");
	struct rl_state *got = NULL;
	struct rl_error err = {0};
	const char *root = root_path("cf");

	ok(rl_state_create(root, "cf", &st, &lock, &err) == 0, "created, recorded");
	mkfifo(path_in("cf/cf/" RL_EXEC_FIFO), 0622);
	ok(rl_state_load(&lock, &got, &err) == 0 && got->status == RL_STATUS_CREATED,
	   "  with its exec fifo: created");
	rl_state_free(got);
	got = NULL;
	write_file(path_in("cf/cf/" RL_START_MARK), "");
	ok(rl_state_load(&lock, &got, &err) == 0 && got->status == RL_STATUS_BROKEN,
	   "  with its fifo and start's mark (start killed around the release): broken");
	rl_state_free(got);
	got = NULL;
	unlink(path_in("cf/cf/" RL_EXEC_FIFO));
	ok(rl_state_load(&lock, &got, &err) == 0 && got->status == RL_STATUS_RUNNING,
	   "  without the fifo, mark or not (start released it): running");
	rl_state_free(got);
	st.status = RL_STATUS_BROKEN;
	ok(rl_state_save(&lock, &st, &err) < 0 && err.errnum == EINVAL,
	   "  broken is never saved: %s", err.msg);
	rl_state_unlock(&lock);
}

static void test_init_record(void)
{
	static const char *const bad[] = {
	    "",	     "\n",	 "0 5\n",	    "-1 5\n",	"12 \n",
	    "12 5",  "12 5\n\n", "12  5\n",	    "12 5 7\n", "012 5\n",
	    "x 5\n", "12 5x\n",	 "99999999999 5\n", "12\n",
	};
	struct rl_state_lock lock = RL_STATE_LOCK_INIT;
	struct rl_state st = sample("ir");
	struct rl_error err = {0};
	const char *root = root_path("ir");
	const char *stranger = NULL;
	uint64_t t = 0;
	int pid = 0;

	ok(rl_state_create(root, "ir", &st, &lock, &err) == 0, "create ir");
	ok(rl_state_load_init(&lock, &pid, &t) < 0, "  no init record: -1");
	ok(rl_state_save_init(&lock, 4242, 987654321ULL, &err) == 0, "  save the init record");
	ok(rl_state_load_init(&lock, &pid, &t) == 0 && pid == 4242 && t == 987654321ULL,
	   "  read back: %d %" PRIu64, pid, t);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(path_in("ir/ir/" RL_INIT_RECORD), bad[i]);
		ok(rl_state_load_init(&lock, &pid, &t) < 0, "  corrupt record %zu refused", i);
	}
	ok(rl_state_dir_is_ours(&lock, &stranger) && !stranger, "  only rlite's files: ours");
	write_file(path_in("ir/ir/cgroups"), "");
	mkfifo(path_in("ir/ir/" RL_EXEC_FIFO), 0622);
	write_file(path_in("ir/ir/container.log"), "");
	ok(rl_state_dir_is_ours(&lock, &stranger), "  with the records, fifo and log: ours");
	write_file(path_in("ir/ir/passwd"), "root:x:0:0::/root:/bin/sh\n");
	ok(!rl_state_dir_is_ours(&lock, &stranger) && stranger && !strcmp(stranger, "passwd"),
	   "  a stranger file: not ours, and named");
	unlink(path_in("ir/ir/passwd"));
	mkdir(path_in("ir/ir/notify"), 0700);
	write_file(path_in("ir/ir/notify/notify.sock"), "");
	ok(rl_state_dir_is_ours(&lock, &stranger), "  with NOTIFY_SOCKET's directory: ours");
	write_file(path_in("ir/ir/notify/shadow"), "");
	ok(!rl_state_dir_is_ours(&lock, &stranger) && stranger &&
	       !strcmp(stranger, "notify/shadow"),
	   "  a stranger in it: not ours, and named");
	unlink(path_in("ir/ir/notify/shadow"));
	mkdir(path_in("ir/ir/cgroups.d"), 0700);
	ok(!rl_state_dir_is_ours(&lock, &stranger), "  a subdirectory: not ours");
	rmdir(path_in("ir/ir/cgroups.d"));
	ok(rl_state_remove(&lock, &err) == 0 && access(path_in("ir/ir"), F_OK) < 0,
	   "  removed whole: %s", err.msg);
}

int main(void)
{
	main_pid = getpid();
	if (!mkdtemp(scratch)) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	have_scratch = true;
	atexit(remove_scratch);
	/* A locking bug shows as a hang: end with a failure instead (the
	 * scratch root is then left; its name is in the first line). */
	printf("# scratch root %s\n", scratch);
	alarm(600);
	test_ids();
	test_root();
	test_create_twice();
	test_create_race();
	test_lock_serialises();
	test_lock_delete_race();
	test_roundtrip();
	test_load_errors();
	test_remove();
	test_list();
	test_list_many();
	test_status();
	test_first_state();
	test_created_without_fifo();
	test_init_record();
	return done_testing();
}
