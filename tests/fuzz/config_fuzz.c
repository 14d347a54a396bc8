/* libFuzzer target for the config parser and writer.
 *
 * Any input: rl_config_parse() must return cleanly (the sanitizers catch
 * memory errors and leaks).  An input it accepts must be written by
 * rl_config_to_json(), that text must parse again, and writing the result
 * must give the same bytes: the writer and the parser agree on everything
 * the parser keeps. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *what, const struct rl_error *err, const char *a, const char *b)
{
	fprintf(stderr, "config_fuzz: %s: %s\n", what, err ? err->msg : "");
	if (a)
		fprintf(stderr, "--- first output ---\n%s\n", a);
	if (b)
		fprintf(stderr, "--- second output ---\n%s\n", b);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rl_config *cfg = NULL, *again = NULL;
	struct rl_error err = {0};
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;

	if (rl_config_parse((const char *)data, size, "fuzz.json", &cfg, &err) < 0)
		return 0;
	if (rl_config_to_json(cfg, &a, &alen, &err) < 0)
		fail("writing a parsed config failed", &err, NULL, NULL);
	if (rl_config_parse(a, alen, "written.json", &again, &err) < 0)
		fail("the written config does not parse", &err, a, NULL);
	if (rl_config_to_json(again, &b, &blen, &err) < 0)
		fail("writing the re-parsed config failed", &err, a, NULL);
	if (alen != blen || memcmp(a, b, alen) != 0)
		fail("output changed after parse + write", NULL, a, b);
	free(a);
	free(b);
	rl_config_free(again);
	rl_config_free(cfg);
	return 0;
}
