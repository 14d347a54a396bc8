/* The workload of examples/zombies: a careless parent.
 *
 *   zombie-factory [SECONDS [ORPHANS_PER_SECOND]]     (default 5 1000)
 *
 * Ten times a second it forks a helper that forks ORPHANS/10 short-lived
 * children and exits without waiting for them: they become orphans, which
 * the kernel hands to pid 1.  The factory waits for its helpers only, as a
 * program that runs shell scripts with background jobs would.  Once a second
 * it prints how many processes of the container are zombies (state Z in
 * /proc).  Whoever is pid 1 must reap the orphans: with rlite's shim the
 * count stays 0; with --no-init the factory is pid 1, never reaps them, and
 * the count climbs.  Built static by run.sh (the rootfs is busybox only). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

static void spawn_orphans(int n)
{
	pid_t helper = fork();

	if (helper == 0) {
		for (int i = 0; i < n; i++)
			if (fork() == 0)
				_exit(0);
		_exit(0); /* without waiting: the children are orphans now */
	}
	if (helper > 0)
		waitpid(helper, NULL, 0);
}

int main(int argc, char **argv)
{
	int secs = argc > 1 ? atoi(argv[1]) : 5;
	int rate = argc > 2 ? atoi(argv[2]) : 1000;
	struct timespec tick = {0, 100000000};

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid %d, %d orphans a second for %d s\n", (int)getpid(), rate, secs);
	for (int s = 1; s <= secs; s++) {
		for (int t = 0; t < 10; t++) {
			spawn_orphans(rate / 10);
			nanosleep(&tick, NULL);
		}
		printf("t=%ds orphans=%d zombies=%d\n", s, s * rate, zombies());
	}
	return 0;
}
