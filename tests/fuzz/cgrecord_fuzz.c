/* libFuzzer target for the cgroup record (ROOT/ID/cgroups), the file
 * `delete --force`, `kill --all`, `exec` and `update` trust to find a
 * container's cgroup directories.
 *
 * Any input: rl_cg_record_parse() returns cleanly.  An accepted record
 * names only absolute, clean paths (no "..", no empty component), is
 * written back by rl_cg_record_format() and that text parses to the same
 * record (the same text again). */
#include <string.h>

#include "runtime/cgroup.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_path(const char *p, const char *text)
{
	if (p[0] != '/' || strstr(p, "//") || strstr(p, "/../") || strstr(p, "/./") ||
	    (strlen(p) > 1 && p[strlen(p) - 1] == '/'))
		fuzz_fail("cgrecord_fuzz", "an unclean path was accepted", p, text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rl_cgroup cg = {0}, again = {0};
	struct rl_error err = {0};
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;

	if (rl_cg_record_parse((const char *)data, size, &cg, &err) < 0)
		return 0;
	if (rl_cg_record_format(&cg, &a, &alen, &err) < 0)
		fuzz_fail("cgrecord_fuzz", "formatting a parsed record failed", err.msg, NULL);
	for (size_t i = 0; i < cg.n; i++) {
		check_path(cg.d[i].mount, a);
		check_path(cg.d[i].path, a);
		if (strcmp(cg.d[i].path, "/") == 0 || cg.d[i].created < 0)
			fuzz_fail("cgrecord_fuzz", "a root path or a negative count", a, NULL);
	}
	if (rl_cg_record_parse(a, alen, &again, &err) < 0)
		fuzz_fail("cgrecord_fuzz", "the formatted record does not parse", err.msg, a);
	if (rl_cg_record_format(&again, &b, &blen, &err) < 0)
		fuzz_fail("cgrecord_fuzz", "formatting again failed", err.msg, a);
	if (alen != blen || memcmp(a, b, alen) != 0)
		fuzz_fail("cgrecord_fuzz", "the record changed after parse + format", a, b);
	free(a);
	free(b);
	rl_cg_free(&again);
	rl_cg_free(&cg);
	return 0;
}
