/* subreaper: stands in for conmon or containerd's shim around a detached
 * `rlite exec`: becomes a child subreaper, runs the command, then reads the
 * pid the command wrote to PIDFILE and waits for that process, which the
 * kernel hands to us once the command has exited.
 *
 *   subreaper PIDFILE CMD [ARGS...]
 *
 * Prints "cmd N" (the command's exit status) and "pid P status S" (the
 * process's, as a shell gives it: code or 128+signal); exits 0 when both
 * were collected, 1 otherwise.  Gives up after 30 s. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int code(int st)
{
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	int st = 0, pid = 0;
	pid_t cmd;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: subreaper PIDFILE CMD [ARGS...]\n");
		return 2;
	}
	if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
		perror("subreaper: prctl");
		return 1;
	}
	alarm(30);
	cmd = fork();
	if (cmd == 0) {
		execvp(argv[2], argv + 2);
		perror("subreaper: exec");
		_exit(127);
	}
	if (cmd < 0 || waitpid(cmd, &st, 0) < 0) {
		perror("subreaper: run");
		return 1;
	}
	printf("cmd %d\n", code(st));
	fflush(stdout);
	f = fopen(argv[1], "r");
	if (!f || fscanf(f, "%d", &pid) != 1 || pid <= 0) {
		fprintf(stderr, "subreaper: no pid in %s\n", argv[1]);
		return 1;
	}
	fclose(f);
	/* It is our child now: the command that started it has exited. */
	if (waitpid(pid, &st, 0) < 0) {
		fprintf(stderr, "subreaper: wait for %d: %m\n", pid);
		return 1;
	}
	printf("pid %d status %d\n", pid, code(st));
	return 0;
}
