/* spec/json.c: the JSON paths that name a field in error messages. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "spec/json.h"
#include "tap.h"

static void test_paths(void)
{
	char buf[RL_JPATH_MAX];

	is_str(rl_jpath_key(buf, "", "process"), "process", "key at the top");
	is_str(rl_jpath_key(buf, NULL, "process"), "process", "key, no parent");
	is_str(rl_jpath_key(buf, "process", "args"), "process.args", "key under a parent");
	is_str(rl_jpath_idx(buf, "process.args", 0), "process.args[0]", "index 0");
	is_str(rl_jpath_idx(buf, "mounts", 1234567), "mounts[1234567]", "index of 7 digits");
	is_str(rl_jpath_idx(buf, NULL, 3), "[3]", "index, no parent");
	is_str(rl_jpath_idx(buf, "a", SIZE_MAX), "a[18446744073709551615]", "the largest index");
}

/* Paths longer than the buffer are cut at RL_JPATH_MAX - 1 bytes, as
 * snprintf would cut them, never written past the buffer. */
static void test_cut(void)
{
	char parent[400], key[400], want[RL_JPATH_MAX], buf[RL_JPATH_MAX + 8];
	int bad = 0, n = 0;

	for (size_t pl = 0; pl < sizeof(parent); pl += 7) {
		memset(parent, 'p', pl);
		parent[pl] = '\0';
		for (size_t kl = 1; kl < sizeof(key); kl += 13, n++) {
			memset(key, 'k', kl);
			key[kl] = '\0';
			memset(buf, '#', sizeof(buf));
			snprintf(want, sizeof(want), pl ? "%s.%s" : "%s%s", parent, key);
			rl_jpath_key(buf, parent, key);
			if (strcmp(buf, want) != 0 || buf[RL_JPATH_MAX] != '#')
				bad++;
			memset(buf, '#', sizeof(buf));
			snprintf(want, sizeof(want), "%s[%zu]", parent, kl * 1000003);
			rl_jpath_idx(buf, parent, kl * 1000003);
			if (strcmp(buf, want) != 0 || buf[RL_JPATH_MAX] != '#')
				bad++;
		}
	}
	ok(bad == 0, "%d key and index paths of 0-400 bytes: as snprintf cuts them, %d differ", n,
	   bad);
}

int main(void)
{
	test_paths();
	test_cut();
	return done_testing();
}
