/* libFuzzer target for the `update --resources` document (a
 * linux.resources object on its own).
 *
 * Any input: rl_resources_parse() returns cleanly.  An accepted document
 * is turned into the cgroup file writes for a v1, a v2 and a hybrid host
 * (rl_cg_plan_make, what update applies) without fault; every planned
 * write names a file of the container's directory (no '/', no newline). */
#include <string.h>

#include "runtime/cgroup.h"
#include "spec/config.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void plan(const struct rl_resources *r, const int where[RL_CG__COUNT])
{
	struct rl_cg_plan p = {0};
	struct rl_error err = {0};

	if (rl_cg_plan_make(r, where, &p, &err) == 0) {
		for (size_t i = 0; i < p.n; i++)
			if (!p.w[i].file || !p.w[i].value || strchr(p.w[i].file, '\n') ||
			    strchr(p.w[i].file, '/') || strstr(p.w[i].file, ".."))
				fuzz_fail("resources_fuzz", "a bad planned write", p.w[i].file,
					  p.w[i].value);
	}
	rl_cg_plan_free(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rl_resources *r = NULL;
	struct rl_error err = {0};
	int v1[RL_CG__COUNT], v2[RL_CG__COUNT], hybrid[RL_CG__COUNT];

	if (rl_resources_parse((const char *)data, size, "resources.json", &r, &err) < 0)
		return 0;
	for (int c = 0; c < RL_CG__COUNT; c++) {
		v1[c] = c == RL_CG_CORE ? 0 : 1;
		v2[c] = rl_cg_ctrl_name((enum rl_cg_ctrl)c, true) || c == RL_CG_CORE ? 2 : 0;
		hybrid[c] = c == RL_CG_HUGETLB || c == RL_CG_CORE ? 2 : 1;
	}
	plan(r, v1);
	plan(r, v2);
	plan(r, hybrid);
	rl_resources_free(r);
	return 0;
}
