/* pause: the process of a pod sandbox, built static for the suite's own
 * pause image (no registry here, and Debian ships no pause image).
 *
 * It holds the pod's namespaces open and does nothing else: it sleeps until
 * SIGINT or SIGTERM (then exits 0, as the Kubernetes pause does) and reaps
 * every child it is handed, which happens when it is pid 1 of a pod whose
 * containers share its pid namespace.  The signals are blocked and taken
 * with sigwaitinfo(): a blocked signal reaches pid 1 of a namespace even
 * without a handler (the kernel only drops the unhandled ones), and no
 * handler means no async-signal-safety to think about. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	sigset_t set;

	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		puts("rlite-test-pause");
		return 0;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0) {
		perror("pause: sigprocmask");
		return 1;
	}
	for (;;) {
		int sig = sigwaitinfo(&set, NULL);

		if (sig < 0) {
			if (errno == EINTR)
				continue;
			perror("pause: sigwaitinfo");
			return 1;
		}
		if (sig == SIGCHLD) {
			/* SIGCHLDs coalesce: reap until there is nothing left. */
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
			continue;
		}
		fprintf(stderr, "pause: shutting down, got signal %d\n", sig);
		return 0;
	}
}
