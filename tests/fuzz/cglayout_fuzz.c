/* libFuzzer target for the mountinfo and /proc/PID/cgroup parsers behind
 * the cgroup layout (rl_cg_layout_parse, through libmount), and for the
 * linux.cgroupsPath resolution on top of it (rl_cg_resolve, plain and
 * systemd's "slice:prefix:name"), whose result names directories rlite
 * makes and removes.
 *
 * Input: mountinfo, NUL, /proc/self/cgroup, NUL, cgroupsPath, NUL, a
 * flag byte (bit 0: --systemd-cgroup).  Everything must return cleanly;
 * an accepted resolution gives each hierarchy one directory, an
 * absolute clean path below its mount that is not the mount itself. */
#include <string.h>

#include "runtime/cgroup.h"
#include "tests/fuzz/fuzz.h"
#include "tests/fuzz/scratch.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char *const subdirs[] = {"proc", NULL};

	(void)argc;
	(void)argv;
	scratch_init("cglayout_fuzz", subdirs);
	return 0;
}

static char *dup_part(const char *s, size_t len)
{
	char *p = s ? strndup(s, len) : NULL;

	return p;
}

static void check(const struct rl_cgroup *cg, const char *cgpath)
{
	for (size_t i = 0; i < cg->n; i++) {
		const char *p = cg->d[i].path;

		if (!p || p[0] != '/' || strcmp(p, "/") == 0 || strstr(p, "/../") ||
		    (strlen(p) >= 3 && strcmp(p + strlen(p) - 3, "/..") == 0))
			fuzz_fail("cglayout_fuzz", "a cgroup path that leaves its hierarchy", p,
				  cgpath);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *part;
	size_t len = 0;
	char mi[512], *cgfile = NULL, *cgpath = NULL, sd[4096];
	struct rl_cg_layout lay = {0};
	struct rl_cgroup cg = {0}, own = {0};
	struct rl_error err = {0};
	bool systemd = false;

	part = next_part(&p, end, &len);
	scratch_write("proc", "mountinfo", part ? part : "", part ? len : 0);
	part = next_part(&p, end, &len);
	cgfile = dup_part(part ? part : "", part ? len : 0);
	part = next_part(&p, end, &len);
	cgpath = part ? dup_part(part, len) : NULL;
	part = next_part(&p, end, &len);
	systemd = part && len && (part[0] & 1);
	snprintf(mi, sizeof(mi), "%s/proc/mountinfo", scratch_dir);
	if (cgfile && rl_cg_layout_parse(mi, cgfile, &lay, &err) == 0) {
		if (rl_cg_own(&lay, &own, &err) == 0)
			rl_cg_free(&own);
		if (rl_cg_resolve(&lay, cgpath, "fuzz-id", systemd, &cg, &err) == 0) {
			check(&cg, cgpath);
			rl_cg_free(&cg);
		}
		rl_cg_layout_free(&lay);
	}
	if (cgpath)
		rl_cg_systemd_path(cgpath, sd, sizeof(sd), &err);
	free(cgfile);
	free(cgpath);
	return 0;
}
