/* kfloor: the kernel's part of the bench's `run`, with no runtime around it.
 *
 *   kfloor ROOTFS
 *
 * The system calls any runtime has to make to run the bench's bundle (runc
 * spec's config, /bin/true) on a cgroup v1 host, made with as little work
 * of its own as a program can: nothing parsed, nothing recorded, no pid-1
 * shim, a static binary.  What it stands for is written out here, not read
 * from config.json:
 *
 *   - a clone into new pid, mount, uts, ipc and network namespaces;
 *   - in the parent, while the child mounts: a directory in every v1
 *     hierarchy at the caller's place (cpuset's cpus and mems copied, the
 *     devices list denied and the default nodes allowed), the child moved
 *     into each; after the child's exit, the directories removed;
 *   - in the child: the rootfs bound to itself, /proc, /dev (tmpfs) with
 *     pts, shm and mqueue, /sys read-only, /sys/fs/cgroup (a tmpfs with
 *     each hierarchy's new directory bound read-only), six device nodes and
 *     the standard links, the masked paths (tmpfs over a directory,
 *     /dev/null over a file) and the read-only paths that this kernel
 *     has, pivot_root and the old
 *     root detached, / read-only, the hostname, RLIMIT_NOFILE, the bounding
 *     set cut to three capabilities, no_new_privs, execve of /bin/true.
 *
 * A lower bound of `run` for every runtime on this kernel: bench.sh times
 * it next to the runtimes as "kernel floor" (figure 1).  Exit status: the
 * child's; 1 with the failed step on stderr. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#define CGROUP_SUPER_MAGIC 0x27e0eb
#define MAX_H		   16

struct hier {
	char name[64]; /* under /sys/fs/cgroup */
	char dir[512]; /* the new directory */
};

static struct hier h[MAX_H];
static int nh, made;
static pid_t kid; /* in the parent, once cloned */

static void remove_cgroups(void)
{
	for (int i = 0; i < made; i++)
		for (int try = 0; rmdir(h[i].dir) < 0 && errno == EBUSY && try < 1000; try++)
			usleep(1000);
}

/* In the parent, nothing is left: the child is killed, its cgroups go. */
static void die(const char *what)
{
	fprintf(stderr, "kfloor: %s: %s\n", what, strerror(errno));
	if (kid > 0) {
		kill(kid, SIGKILL);
		waitpid(kid, NULL, 0);
		remove_cgroups();
	}
	exit(1);
}

static void put(const char *dir, const char *file, const char *val)
{
	char p[600];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", dir, file);
	fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, val, strlen(val)) < 0)
		die(p);
	close(fd);
}

static void copy(const char *from, const char *to, const char *file)
{
	char p[600], buf[256];
	ssize_t n;
	int fd;

	snprintf(p, sizeof(p), "%s/%s", from, file);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) < 0)
		die(p);
	close(fd);
	buf[n] = '\0';
	put(to, file, buf);
}

/* The v1 hierarchies, from /proc/self/cgroup: "N:controllers:path". */
static void find_hierarchies(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/cgroup", "re");

	if (!f)
		die("/proc/self/cgroup");
	while (nh < MAX_H && fgets(line, sizeof(line), f)) {
		char *ctl = strchr(line, ':'), *path, base[128];
		struct statfs sf;

		if (!ctl || !(path = strchr(++ctl, ':')) || path == ctl)
			continue;
		*path++ = '\0';
		path[strcspn(path, "\n")] = '\0';
		if (strncmp(ctl, "name=", 5) == 0)
			ctl += 5;
		snprintf(base, sizeof(base), "/sys/fs/cgroup/%s", ctl);
		if (statfs(base, &sf) < 0 || sf.f_type != CGROUP_SUPER_MAGIC)
			continue;
		snprintf(h[nh].name, sizeof(h[nh].name), "%s", ctl);
		snprintf(h[nh].dir, sizeof(h[nh].dir), "%s%s/kfloor-%d", base,
			 strcmp(path, "/") ? path : "", (int)getpid());
		nh++;
	}
	fclose(f);
}

static const char *const allow[] = {
    "c *:* m",	 "b *:* m",   "c 1:3 rwm",   "c 1:5 rwm", "c 1:7 rwm",	  "c 1:8 rwm",
    "c 1:9 rwm", "c 5:0 rwm", "c 136:* rwm", "c 5:2 rwm", "c 10:200 rwm",
};

static void make_cgroups(pid_t child)
{
	char pid[16];

	snprintf(pid, sizeof(pid), "%d", (int)child);
	for (int i = 0; i < nh; i++) {
		if (mkdir(h[i].dir, 0755) < 0)
			die(h[i].dir);
		made = i + 1;
		if (strcmp(h[i].name, "cpuset") == 0) {
			char up[512];

			snprintf(up, sizeof(up), "%s", h[i].dir);
			*strrchr(up, '/') = '\0';
			copy(up, h[i].dir, "cpuset.cpus");
			copy(up, h[i].dir, "cpuset.mems");
		}
		if (strcmp(h[i].name, "devices") == 0) {
			put(h[i].dir, "devices.deny", "a");
			for (size_t a = 0; a < sizeof(allow) / sizeof(allow[0]); a++)
				put(h[i].dir, "devices.allow", allow[a]);
		}
		put(h[i].dir, "cgroup.procs", pid);
	}
}

static void mnt(const char *src, const char *dst, const char *type, unsigned long fl,
		const char *data)
{
	if (mount(src, dst, type, fl, data) < 0)
		die(dst);
}

static void bind_ro(const char *src, const char *dst, unsigned long extra)
{
	mnt(src, dst, NULL, MS_BIND | MS_REC, NULL);
	mnt(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY | extra, NULL);
}

static const char *const masked[] = {
    "proc/acpi",       "proc/asound",	   "proc/kcore",       "proc/keys",    "proc/latency_stats",
    "proc/timer_list", "proc/timer_stats", "proc/sched_debug", "sys/firmware", "proc/scsi",
};
static const char *const readonly[] = {
    "proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger",
};

static int child(const char *rootfs, int sync)
{
	static const struct {
		const char *path;
		unsigned maj, min;
	} dev[] = {{"dev/null", 1, 3},	 {"dev/zero", 1, 5},	{"dev/full", 1, 7},
		   {"dev/random", 1, 8}, {"dev/urandom", 1, 9}, {"dev/tty", 5, 0}};
	static const char *const link[][2] = {
	    {"/proc/self/fd", "dev/fd"},       {"/proc/self/fd/0", "dev/stdin"},
	    {"/proc/self/fd/1", "dev/stdout"}, {"/proc/self/fd/2", "dev/stderr"},
	    {"pts/ptmx", "dev/ptmx"},	       {"/proc/kcore", "dev/core"},
	};
	const unsigned long nse = MS_NOSUID | MS_NOEXEC | MS_NODEV;
	struct __user_cap_header_struct hd = {.version = _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct cd[2] = {{0}};
	struct rlimit nofile = {1024, 1024};
	char *const argv[] = {"/bin/true", NULL};
	char *const envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			      NULL};
	char c;

	mnt(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL);
	mnt(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
	if (chdir(rootfs) < 0)
		die(rootfs);
	mnt("proc", "proc", "proc", nse, NULL);
	mnt("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
	if (mkdir("dev/pts", 0755) < 0 || mkdir("dev/shm", 0755) < 0 ||
	    mkdir("dev/mqueue", 0755) < 0)
		die("mkdir dev/...");
	mnt("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
	    "newinstance,ptmxmode=0666,mode=0620,gid=5");
	mnt("shm", "dev/shm", "tmpfs", nse, "mode=1777,size=65536k");
	mnt("mqueue", "dev/mqueue", "mqueue", nse, NULL);
	mnt("sysfs", "sys", "sysfs", nse | MS_RDONLY, NULL);
	for (size_t i = 0; i < sizeof(dev) / sizeof(dev[0]); i++)
		if (mknod(dev[i].path, S_IFCHR | 0666, makedev(dev[i].maj, dev[i].min)) < 0)
			die(dev[i].path);
	for (size_t i = 0; i < sizeof(link) / sizeof(link[0]); i++)
		if (symlink(link[i][0], link[i][1]) < 0)
			die(link[i][1]);
	/* The cgroups exist from here on. */
	if (read(sync, &c, 1) != 1)
		die("wait for the cgroups");
	mnt("tmpfs", "sys/fs/cgroup", "tmpfs", nse, "mode=755");
	for (int i = 0; i < nh; i++) {
		char at[128];

		snprintf(at, sizeof(at), "sys/fs/cgroup/%.63s", h[i].name);
		if (mkdir(at, 0755) < 0)
			die(at);
		bind_ro(h[i].dir, at, nse);
	}
	mnt(NULL, "sys/fs/cgroup", NULL, MS_REMOUNT | MS_RDONLY | nse, "mode=755");
	for (size_t i = 0; i < sizeof(masked) / sizeof(masked[0]); i++) {
		struct stat sb;

		if (stat(masked[i], &sb) < 0)
			continue;
		if (S_ISDIR(sb.st_mode))
			mnt("tmpfs", masked[i], "tmpfs", MS_RDONLY, NULL);
		else
			mnt("dev/null", masked[i], NULL, MS_BIND, NULL);
	}
	for (size_t i = 0; i < sizeof(readonly) / sizeof(readonly[0]); i++)
		if (access(readonly[i], F_OK) == 0)
			bind_ro(readonly[i], readonly[i], 0);
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0 || chdir("/") < 0)
		die("detach the old root");
	mnt(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
	if (sethostname("runc", 4) < 0 || setrlimit(RLIMIT_NOFILE, &nofile) < 0)
		die("hostname, rlimit");
	for (int cap = 0; prctl(PR_CAPBSET_READ, cap) >= 0; cap++)
		if (cap != CAP_AUDIT_WRITE && cap != CAP_KILL && cap != CAP_NET_BIND_SERVICE &&
		    prctl(PR_CAPBSET_DROP, cap) < 0)
			die("drop a capability");
	cd[0].effective = cd[0].permitted =
	    1u << CAP_AUDIT_WRITE | 1u << CAP_KILL | 1u << CAP_NET_BIND_SERVICE;
	if (syscall(SYS_capset, &hd, cd) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("capset, no_new_privs");
	execve(argv[0], argv, envp);
	die("execve /bin/true");
	return 1;
}

int main(int argc, char **argv)
{
	int sv[2], st;
	pid_t pid;

	if (argc != 2) {
		fprintf(stderr, "usage: kfloor ROOTFS\n");
		return 2;
	}
	find_hierarchies();
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair");
	pid = (pid_t)syscall(SYS_clone,
			     CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC |
				 CLONE_NEWNET | SIGCHLD,
			     NULL, NULL, NULL, 0);
	if (pid < 0)
		die("clone");
	if (pid == 0) {
		close(sv[0]);
		return child(argv[1], sv[1]);
	}
	close(sv[1]);
	kid = pid;
	make_cgroups(pid);
	if (write(sv[0], "1", 1) != 1)
		die("release the child");
	if (waitpid(pid, &st, 0) < 0)
		die("waitpid");
	kid = 0;
	remove_cgroups();
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}
