/* Unit tests of runtime/exec_process.c: the labels of a process.json that
 * `rlite exec --process` runs next to the container's (runc's
 * newInitConfig: the file's own win, the container's fill in). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/container.h"
#include "tap.h"

static char file[] = "/tmp/rl-test-exec-process-XXXXXX";

static void write_file(const char *json)
{
	FILE *f = fopen(file, "w");

	if (f) {
		fputs(json, f);
		fclose(f);
	}
}

/* The process exec runs for a process.json of json, in a container whose
 * process has the labels aa and se. */
static struct rl_process *exec_process(const char *json, const char *aa, const char *se)
{
	struct rl_process ctr = {.apparmor_profile = (char *)aa, .selinux_label = (char *)se};
	struct rl_config cfg = {.process = &ctr};
	struct rl_exec_request r = {.id = "c", .process_file = file};
	struct rl_process *p = NULL;
	struct rl_error err = {0};

	write_file(json);
	if (rl_exec_process(&r, &cfg, &p, &err) < 0)
		printf("# %s\n", err.msg);
	return p;
}

int main(void)
{
	struct rl_process *p;
	int fd = mkstemp(file);

	if (fd < 0)
		return 1;
	close(fd);

	p = exec_process("{\"args\": [\"true\"], \"cwd\": \"/\"}", "ctr-aa", "ctr_t");
	ok(p != NULL, "process.json without labels: loaded");
	is_str(p ? p->apparmor_profile : NULL, "ctr-aa", "no apparmorProfile: the container's");
	is_str(p ? p->selinux_label : NULL, "ctr_t", "no selinuxLabel: the container's");
	rl_process_free(p);

	p = exec_process("{\"args\": [\"true\"], \"cwd\": \"/\", \"apparmorProfile\": \"own\","
			 " \"selinuxLabel\": \"own_t\"}",
			 "ctr-aa", "ctr_t");
	is_str(p ? p->apparmor_profile : NULL, "own", "its own apparmorProfile wins");
	is_str(p ? p->selinux_label : NULL, "own_t", "its own selinuxLabel wins");
	rl_process_free(p);

	p = exec_process("{\"args\": [\"true\"], \"cwd\": \"/\", \"apparmorProfile\": \"\"}", NULL,
			 NULL);
	ok(p && !(p->apparmor_profile && p->apparmor_profile[0]) && !p->selinux_label,
	   "an unconfined container: none");
	rl_process_free(p);

	unlink(file);
	return done_testing();
}
