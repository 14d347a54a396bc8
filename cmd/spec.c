/* rlite spec: write a default config.json into a bundle directory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "spec/config.h"
#include "runtime/fds.h"

static const char spec_usage[] =
    "usage: rlite spec [--bundle DIR] [--force] [--rootless]\n"
    "\n"
    "Writes a default config.json into the bundle directory: sh from ./rootfs\n"
    "(read-only), the usual /proc, /dev, /sys mounts, runc's default capabilities,\n"
    "namespaces, masked and read-only paths, and noNewPrivileges.\n"
    "\n"
    "Unlike runc, process.terminal is false: rlite run is mostly used without a\n"
    "terminal (scripts, CI).  Set it to true for an interactive shell.\n"
    "\n"
    "Options:\n"
    "  --bundle, -b DIR   the bundle directory (default: the current directory)\n"
    "  --force            overwrite an existing config.json\n"
    "  --rootless         a config for a non-root user, as runc's: a user namespace\n"
    "                     mapping the caller's uid and gid to 0, no network\n"
    "                     namespace, /sys bound from the host\n"
    "  --help, -h         this text\n";

/* Moves tmp to dst; without force, never over an existing file, even one
 * that appeared since the first check (RENAME_NOREPLACE, or link() where
 * the file system lacks it). */
static int install(const char *tmp, const char *dst, bool force)
{
	if (force)
		return rename(tmp, dst);
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dst, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	if (link(tmp, dst) < 0)
		return -1;
	unlink(tmp);
	return 0;
}

static int exists_error(const char *dir, struct rl_error *err)
{
	return rl_error_set(err, 0,
			    "config.json already exists in \"%s\" (use --force to overwrite)", dir);
}

/* Writes the text to dir/config.json through a temporary file in the same
 * directory, so that a reader never sees half a file. */
static int write_config_file(const char *dir, const char *text, size_t len, bool force,
			     struct rl_error *err)
{
	char dst[4096], tmp[4096];
	int fd, e;

	if ((size_t)snprintf(dst, sizeof(dst), "%s/config.json", dir) >= sizeof(dst) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s/.config.json.XXXXXX", dir) >= sizeof(tmp))
		return rl_error_set(err, ENAMETOOLONG, "write config.json in \"%s\"", dir);
	if (!force && access(dst, F_OK) == 0)
		return exists_error(dir, err);
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return rl_error_set(err, errno, "write config.json in \"%s\"", dir);
	if (fchmod(fd, 0644) < 0 || rl_write_all(fd, text, len) < 0 || fsync(fd) < 0) {
		e = errno;
		close(fd);
		unlink(tmp);
		return rl_error_set(err, e, "write config.json in \"%s\"", dir);
	}
	if (close(fd) < 0) {
		e = errno;
		unlink(tmp);
		return rl_error_set(err, e, "write config.json in \"%s\"", dir);
	}
	if (install(tmp, dst, force) < 0) {
		e = errno;
		unlink(tmp);
		if (e == EEXIST)
			return exists_error(dir, err);
		return rl_error_set(err, e, "write config.json in \"%s\"", dir);
	}
	return 0;
}

int rl_cmd_spec(struct rl_globals *g, int argc, char **argv, struct rl_error *err)
{
	const char *bundle = ".";
	bool force = false, rootless = false;
	_rl_config_cleanup_ struct rl_config *cfg = NULL;
	char *text = NULL;
	size_t len = 0;
	int r;

	(void)g;
	for (int i = 1; i < argc; i++) {
		if ((r = rl_opt_value(argc, argv, &i, "bundle", &bundle, err)) != 0 ||
		    (r = rl_opt_value(argc, argv, &i, "b", &bundle, err)) != 0) {
			if (r < 0)
				return -1;
		} else if (strcmp(argv[i], "--force") == 0 || strcmp(argv[i], "-force") == 0) {
			force = true;
		} else if (strcmp(argv[i], "--rootless") == 0 ||
			   strcmp(argv[i], "-rootless") == 0) {
			rootless = true;
		} else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			return rl_cmd_usage(spec_usage);
		} else if (argv[i][0] == '-') {
			return rl_error_set(
			    err, 0, "spec: unknown option \"%s\" (see rlite spec --help)", argv[i]);
		} else {
			return rl_error_set(err, 0, "spec: unexpected argument \"%s\"", argv[i]);
		}
	}
	if (*bundle == '\0')
		return rl_error_set(err, 0, "--bundle: must not be empty");
	/* The ids of whoever runs rlite spec, effective ones as runc's. */
	cfg = rootless ? rl_config_default_rootless(geteuid(), getegid()) : rl_config_default();
	if (!cfg)
		return rl_error_set(err, ENOMEM, "spec: default config");
	if (rl_config_to_json(cfg, &text, &len, err) < 0)
		return -1;
	r = write_config_file(bundle, text, len, force, err);
	free(text);
	return r < 0 ? -1 : 0;
}
