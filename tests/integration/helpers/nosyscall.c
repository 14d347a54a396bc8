/* nosyscall: runs a command as a kernel without some system calls would.
 *
 *   nosyscall NR[,NR...] COMMAND [ARG...]
 *
 * Loads a seccomp filter under which each system call NR (this
 * architecture's numbers) fails with ENOSYS and every other is allowed,
 * then executes COMMAND.  Sets no_new_privs, which the filter needs
 * without CAP_SYS_ADMIN and which the command keeps. */
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#define MAX_NR 16

int main(int argc, char **argv)
{
	struct sock_filter f[2 + 2 * MAX_NR];
	struct sock_fprog prog = {.filter = f};
	unsigned n = 0, len = 0;
	char *list, *tok, *save = NULL;

	if (argc < 3) {
		fprintf(stderr, "usage: nosyscall NR[,NR...] COMMAND [ARG...]\n");
		return 2;
	}
	f[len++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						offsetof(struct seccomp_data, nr));
	list = strdup(argv[1]);
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		unsigned long nr = strtoul(tok, &end, 10);

		if (*end || end == tok || n == MAX_NR) {
			fprintf(stderr, "nosyscall: %s: not a system call number\n", tok);
			return 2;
		}
		f[len++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (__u32)nr, 0, 1);
		f[len++] = (struct sock_filter)BPF_STMT(
		    BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA));
		n++;
	}
	f[len++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	prog.len = (unsigned short)len;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) < 0) {
		perror("nosyscall: seccomp");
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "nosyscall: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
