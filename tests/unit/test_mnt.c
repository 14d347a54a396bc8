/* runtime/mnt.c: libmount is mapped only once asked for, and never after
 * rl_mnt_forbid (a container's child). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/mnt.h"
#include "tap.h"

static bool mapped(void)
{
	FILE *f = fopen("/proc/self/maps", "re");
	char line[512];
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, "/libmount.so") != NULL;
	if (f)
		fclose(f);
	return found;
}

/* In a child process: 0 when the check holds (rl_mnt keeps its state in
 * the process). */
static int in_child(int (*fn)(void))
{
	pid_t pid = fork();
	int st = 0;

	if (pid == 0)
		_exit(fn());
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : 99;
}

static int forbidden_first(void)
{
	struct rl_error e = {0};

	rl_mnt_forbid();
	if (rl_mnt(&e) != NULL || mapped())
		return 1;
	return strcmp(e.msg, "libmount: not loaded, and this process may not load it") == 0 ? 0 : 2;
}

static int loaded_then_forbidden(void)
{
	const struct rl_mnt *m = rl_mnt(NULL);
	const char *v = NULL;

	rl_mnt_forbid();
	if (!m || rl_mnt(NULL) != m)
		return 1;
	return m->get_library_version(&v) > 0 && v && v[0] ? 0 : 2;
}

int main(void)
{
	struct rl_error e = {0};
	const struct rl_mnt *m;

	ok(!mapped(), "libmount is not mapped at the start");
	is_int(in_child(forbidden_first), 0,
	       "forbidden before a load: NULL and a message, nothing mapped");
	m = rl_mnt(&e);
	ok(m != NULL, "rl_mnt loads it");
	ok(mapped(), "... mapped now");
	ok(rl_mnt(NULL) == m, "the same table the next time");
	is_int(in_child(loaded_then_forbidden), 0, "loaded before: still usable once forbidden");
	return done_testing();
}
