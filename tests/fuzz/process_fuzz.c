/* libFuzzer target for the process document of `rlite exec --process
 * FILE` (process.json, as conmon and containerd's shim write it).
 *
 * Any input: rl_process_parse() returns cleanly.  An accepted process,
 * put into the default config, is written by the config writer, and that
 * text parses as a config and writes the same bytes again: exec and
 * create agree on what a process is. */
#include <string.h>

#include "spec/config.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rl_process *p = NULL;
	struct rl_config *cfg = NULL, *again = NULL;
	struct rl_error err = {0};
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;

	if (rl_process_parse((const char *)data, size, "process.json", &p, &err) < 0)
		return 0;
	cfg = rl_config_default();
	if (!cfg)
		fuzz_fail("process_fuzz", "no default config", NULL, NULL);
	rl_process_free(cfg->process);
	cfg->process = p;
	if (rl_config_to_json(cfg, &a, &alen, &err) < 0)
		fuzz_fail("process_fuzz", "writing the process failed", err.msg, NULL);
	if (rl_config_parse(a, alen, "written.json", &again, &err) < 0)
		fuzz_fail("process_fuzz", "the written process does not parse in a config", err.msg,
			  a);
	if (rl_config_to_json(again, &b, &blen, &err) < 0)
		fuzz_fail("process_fuzz", "writing again failed", err.msg, a);
	if (alen != blen || memcmp(a, b, alen) != 0)
		fuzz_fail("process_fuzz", "output changed after parse + write", a, b);
	free(a);
	free(b);
	rl_config_free(again);
	rl_config_free(cfg);
	return 0;
}
