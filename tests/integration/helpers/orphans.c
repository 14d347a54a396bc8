/* A workload that makes orphans, for shim.bats and `make bench`.  Runs
 * inside the busybox rootfs: built static (GNUmakefile STATIC_HELPERS).
 *
 *   orphans N [exited]
 *
 * Forks N children; each forks a grandchild and exits at once, so the N
 * grandchildren are orphans, reparented to pid 1.  Each reports its ppid;
 * then all wait on one pipe, which the workload closes: they exit at the
 * same moment.  Then it watches the container's /proc until every orphan
 * has exited and, without "exited", until pid 1 has reaped them all (no
 * process left but pid 1 and itself); for DEADLINE_MS at most, a bound that
 * only a lost orphan reaches.  Prints
 *
 *   orphans N ppid1 K        K of them had ppid 1 while alive
 *   zombies Z                processes in state Z when it stopped watching
 *   left L                   processes (not zombies) still there then
 *   waited MS                how long that took: a figure for `make bench`,
 *                            no test's verdict
 *
 * and exits 0.  Its own children it reaps itself: only the orphans are left
 * to pid 1. */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEADLINE_MS 30000

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

/* The container's processes but pid 1 and this one: how many are
 * zombies, how many are not. */
static void count(int *zombies, int *alive)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int self = (int)getpid();

	*zombies = *alive = 0;
	while (d && (e = readdir(d))) {
		char path[64], buf[512], *p;
		int pid = atoi(e->d_name);
		FILE *f;

		if (pid <= 1 || pid == self)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/stat", pid);
		f = fopen(path, "r");
		if (!f)
			continue; /* reaped meanwhile */
		/* "pid (comm) S ...": the state follows the last ')' */
		if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')) && p[1] && p[2]) {
			if (p[2] == 'Z')
				++*zombies;
			else if (p[2] != 'X')
				++*alive;
		}
		fclose(f);
	}
	if (d)
		closedir(d);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 2000, gate[2], report[2], ppid1 = 0, z = 0, alive = 0;
	bool reaped = !(argc > 2 && strcmp(argv[2], "exited") == 0);
	long t0;

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
	t0 = now_ms();
	close(gate[1]); /* all of them exit now */
	for (;;) {
		struct timespec ts = {0, 5000000};

		count(&z, &alive);
		if (alive == 0 && (!reaped || z == 0))
			break;
		if (now_ms() - t0 > DEADLINE_MS)
			break;
		nanosleep(&ts, NULL);
	}
	printf("zombies %d\nleft %d\nwaited %ld\n", z, alive, now_ms() - t0);
	return 0;
}
