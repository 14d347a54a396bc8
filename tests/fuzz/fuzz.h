/* What every libFuzzer target of tests/fuzz/ shares: the entry point's
 * prototype and a failure that shows what went wrong before abort(). */
#ifndef RL_TESTS_FUZZ_H
#define RL_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static inline _Noreturn void fuzz_fail(const char *target, const char *what, const char *a,
				       const char *b)
{
	fprintf(stderr, "%s: %s\n", target, what);
	if (a)
		fprintf(stderr, "--- first ---\n%s\n", a);
	if (b)
		fprintf(stderr, "--- second ---\n%s\n", b);
	abort();
}

#endif
