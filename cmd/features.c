/* rlite features: the OCI features document (runtime-spec features.md). */
#include <stdio.h>
#include <stdlib.h>

#include "cmd/cmd.h"
#include "runtime/features.h"

static const char features_usage[] =
    "usage: rlite features\n"
    "\n"
    "Print what this rlite recognises and applies, as the OCI features document\n"
    "(runtime-spec features.md) in JSON: the spec versions it reads, hooks, mount\n"
    "options, namespaces, capabilities, cgroup managers, seccomp actions,\n"
    "operators, architectures and flags, whether AppArmor, SELinux, Intel RDT\n"
    "and idmapped mounts are applied, and the versions of rlite and its\n"
    "libraries.  What rlite does not apply is reported as false.\n"
    "\n"
    "Options:\n"
    "  --help, -h   this text\n";

int rl_cmd_features(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	struct rl_features f;
	char *text = NULL;
	int r = rl_cmd_args(argc, argv, features_usage, NULL, NULL, NULL, 0, 0, err);

	(void)g;
	if (r < 0)
		return r == -2 ? 0 : -1;
	rl_features_gather(&f);
	if (rl_features_to_json(&f, &text, NULL, err) < 0)
		return -1;
	printf("%s\n", text);
	free(text);
	return 0;
}
