/* runtime/sync.c: messages between the runtime and the container child,
 * and the ones that carry fds (the cgroup files the child joins by). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/sync.h"
#include "tests/unit/fds.h"
#include "tap.h"

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

static void test_plain(void)
{
	struct rl_sync_msg m;
	struct rl_error e = {0};
	int sv[2];

	if (!ok(rl_sync_pair(sv, 10, &e) == 0 && sv[1] >= 10, "a pair, the child's end above 9"))
		return;
	ok(rl_sync_send_type(sv[1], RL_SYNC_READY) == 0, "send READY");
	ok(rl_sync_recv(sv[0], &m, &e) == 1 && m.type == RL_SYNC_READY, "received");
	ok(rl_sync_send_type(sv[0], RL_SYNC_PID) == 0, "send PID");
	ok(rl_sync_expect(sv[1], RL_SYNC_GO, &e) < 0 && e.errnum == EPROTO,
	   "expecting GO, PID is refused: %s", e.msg);
	close(sv[0]);
	ok(rl_sync_expect(sv[1], RL_SYNC_GO, &e) < 0 && e.errnum == EPIPE, "the other end gone: %s",
	   e.msg);
	close(sv[1]);
}

static void test_fds(void)
{
	struct rl_error e = {0};
	int sv[2], p[2], got[3] = {-1, -1, -1}, before;

	if (!ok(rl_sync_pair(sv, 3, &e) == 0 && pipe(p) == 0, "a pair and a pipe"))
		return;
	int send[3] = {p[0], p[1], p[0]};

	ok(rl_sync_send_fds(sv[0], RL_SYNC_GO, send, 3) == 0, "GO with 3 fds");
	ok(rl_sync_expect_fds(sv[1], RL_SYNC_GO, got, 3, &e) == 0, "expected with 3");
	ok(same_file(got[0], p[0]) && same_file(got[1], p[1]) && same_file(got[2], p[0]),
	   "the same files, in order");
	ok((fcntl(got[0], F_GETFD) & FD_CLOEXEC) && (fcntl(got[1], F_GETFD) & FD_CLOEXEC),
	   "received close-on-exec");
	for (int i = 0; i < 3; i++)
		close(got[i]);

	before = open_fds();
	ok(rl_sync_send_fds(sv[0], RL_SYNC_GO, send, 2) == 0, "GO with 2 fds");
	ok(rl_sync_expect_fds(sv[1], RL_SYNC_GO, got, 3, &e) < 0 && e.errnum == EPROTO,
	   "expecting 3, 2 is an error: %s", e.msg);
	is_int(open_fds(), before, "... and none of the 2 is kept");
	ok(rl_sync_send_fds(sv[0], RL_SYNC_GO, send, 3) == 0, "GO with 3 fds");
	ok(rl_sync_expect_fds(sv[1], RL_SYNC_GO, got, 2, &e) < 0 && e.errnum == EPROTO,
	   "expecting 2, 3 is an error: %s", e.msg);
	is_int(open_fds(), before, "... and none of the 3 is kept");
	ok(rl_sync_send_fds(sv[0], RL_SYNC_PID, send, 1) == 0, "PID with 1 fd");
	ok(rl_sync_expect_fds(sv[1], RL_SYNC_GO, got, 1, &e) < 0 && e.errnum == EPROTO,
	   "another type is refused: %s", e.msg);
	is_int(open_fds(), before, "... its fd not kept");
	ok(rl_sync_send_fds(sv[0], RL_SYNC_GO, NULL, 0) == 0, "GO with none");
	ok(rl_sync_expect(sv[1], RL_SYNC_GO, &e) == 0, "is a plain GO");
	ok(rl_sync_send_fds(sv[1], RL_SYNC_READY, send, 1) == 0, "the child sends an fd");
	{
		struct rl_sync_msg m;

		ok(rl_sync_recv(sv[0], &m, &e) == 1 && m.type == RL_SYNC_READY,
		   "a plain receive takes the message");
	}
	is_int(open_fds(), before, "... and closes the fd that came with it");
	ok(rl_sync_send_fds(sv[0], RL_SYNC_GO, send, RL_SYNC_MAX_FDS + 1) < 0 && errno == E2BIG,
	   "more than RL_SYNC_MAX_FDS: E2BIG");
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
}

int main(void)
{
	test_plain();
	test_fds();
	return done_testing();
}
