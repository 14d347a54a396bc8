/* libFuzzer target for the state file reader (ROOT/ID/state.json).
 *
 * Any input: rl_state_parse() returns cleanly.  An accepted state is
 * written back (rl_state_to_json with rlite's own fields, as the store
 * saves it), that text parses again and writes the same bytes; what
 * `state` and `list --long` show of it is made without fault. */
#include <string.h>

#include "spec/state.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rl_state *st = NULL, *again = NULL;
	struct rl_error err = {0};
	char *a = NULL, *b = NULL, *show = NULL, cell[64];
	size_t alen = 0, blen = 0, slen = 0;

	if (rl_state_parse((const char *)data, size, "state.json", &st, &err) < 0)
		return 0;
	if (rl_state_to_json(st, true, &a, &alen, &err) < 0)
		fuzz_fail("state_fuzz", "writing a parsed state failed", err.msg, NULL);
	if (rl_state_parse(a, alen, "written.json", &again, &err) < 0)
		fuzz_fail("state_fuzz", "the written state does not parse", err.msg, a);
	if (rl_state_to_json(again, true, &b, &blen, &err) < 0)
		fuzz_fail("state_fuzz", "writing the re-parsed state failed", err.msg, a);
	if (alen != blen || memcmp(a, b, alen) != 0)
		fuzz_fail("state_fuzz", "output changed after parse + write", a, b);
	if (rl_state_show_json(st, &show, &slen, &err) < 0)
		fuzz_fail("state_fuzz", "what state shows failed", err.msg, a);
	if (!rl_state_exit_cell(st, cell, sizeof(cell)) || !rl_state_stopped_by(st))
		fuzz_fail("state_fuzz", "list --long's cells failed", a, NULL);
	free(show);
	free(a);
	free(b);
	rl_state_free(again);
	rl_state_free(st);
	return 0;
}
