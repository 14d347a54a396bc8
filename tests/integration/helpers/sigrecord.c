/* A workload that records every signal it receives, for shim.bats.  Runs
 * inside the busybox rootfs: built static (GNUmakefile STATIC_HELPERS).
 *
 *   sigrecord [LAST]
 *
 * Blocks every signal, prints "ready", then one line per signal taken with
 * sigwaitinfo(): "sig N code C pid P" (si_code and si_pid as the kernel
 * reported them).  Exits 0 after signal LAST (default SIGRTMIN+3).  stdout
 * is flushed after every line. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	int last = argc > 1 ? atoi(argv[1]) : SIGRTMIN + 3;
	sigset_t all;
	siginfo_t si;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("ready\n");
	for (;;) {
		int sig = sigwaitinfo(&all, &si);

		if (sig < 0)
			continue;
		printf("sig %d code %d pid %d\n", sig, si.si_code, (int)si.si_pid);
		if (sig == last)
			return 0;
	}
}
