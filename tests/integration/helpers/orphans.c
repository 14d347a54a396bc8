/* A workload that makes orphans, for shim.bats.  Runs inside the busybox
 * rootfs: built static (GNUmakefile STATIC_HELPERS).
 *
 *   orphans N
 *
 * Forks N children; each forks a grandchild and exits at once, so the N
 * grandchildren are orphans, reparented to pid 1.  Each reports its ppid;
 * then all wait on one pipe, which the workload closes: they exit at the
 * same moment.  100 ms later it counts the processes in state Z in /proc
 * (the container's).  Prints
 *
 *   orphans N ppid1 K        K of them had ppid 1 while alive
 *   zombies Z                processes in state Z 100 ms after they exited
 *
 * and exits 0.  Its own children it reaps itself: only the orphans are left
 * to pid 1. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void grandchild(int gate, int report)
{
	char b;
	int ppid;

	/* until the middle process is gone and we belong to pid 1 */
	while ((ppid = getppid()) != 1) {
		struct timespec ts = {0, 1000000};

		nanosleep(&ts, NULL);
	}
	if (write(report, &ppid, sizeof(ppid)) != sizeof(ppid))
		_exit(1);
	while (read(gate, &b, 1) < 0)
		;
	_exit(0);
}

static int zombies(void)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d))) {
		char path[64], buf[512], *p;
		FILE *f;

		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		/* "pid (comm) S ...": the state follows the last ')' */
		if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) && p[1] && p[2] == 'Z')
			n++;
		fclose(f);
	}
	if (d)
		closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000, gate[2], report[2], ppid1 = 0;
	struct timespec ts = {0, 100000000};

	if (n <= 0 || pipe(gate) < 0 || pipe(report) < 0)
		return 2;
	for (int i = 0; i < n; i++) {
		pid_t c = fork();

		if (c < 0)
			return 3;
		if (c == 0) {
			close(gate[1]);
			close(report[0]);
			if (fork() == 0)
				grandchild(gate[0], report[1]);
			_exit(0);
		}
		waitpid(c, NULL, 0);
	}
	close(gate[0]);
	close(report[1]);
	for (int i = 0; i < n; i++) {
		int p;

		if (read(report[0], &p, sizeof(p)) != sizeof(p))
			return 4;
		ppid1 += p == 1;
	}
	printf("orphans %d ppid1 %d\n", n, ppid1);
	fflush(stdout);
	close(gate[1]); /* all of them exit now */
	nanosleep(&ts, NULL);
	printf("zombies %d\n", zombies());
	return 0;
}
