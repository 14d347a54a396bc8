/* AppArmor and SELinux labels; see lsm.h. */
#include "runtime/lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/procfs.h"
#include "runtime/safepath.h"

bool rl_lsm_apparmor(void)
{
	char c = 0;
	int fd = open("/sys/module/apparmor/parameters/enabled", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == 'Y';
}

bool rl_lsm_selinux(void)
{
	struct stat st;

	return stat("/sys/fs/selinux/enforce", &st) == 0;
}

static bool set(const char *s)
{
	return s && s[0];
}

int rl_lsm_check_process(const struct rl_process *p, const char *prefix, struct rl_error *err)
{
	if (set(p->apparmor_profile) && strcmp(p->apparmor_profile, "unconfined") != 0 &&
	    !rl_lsm_apparmor())
		return rl_error_set(
		    err, 0, "%sapparmorProfile: \"%s\": AppArmor is not enabled on this host",
		    prefix, p->apparmor_profile);
	if (set(p->selinux_label) && !rl_lsm_selinux())
		return rl_error_set(err, 0,
				    "%sselinuxLabel: \"%s\": SELinux is not enabled on this host",
				    prefix, p->selinux_label);
	return 0;
}

int rl_lsm_check(const struct rl_config *cfg, struct rl_error *err)
{
	const char *label = cfg->linux_ ? cfg->linux_->mount_label : NULL;

	if (cfg->process && rl_lsm_check_process(cfg->process, "config.json: process.", err) < 0)
		return -1;
	if (set(label))
		return rl_error_set(err, 0, "config.json: linux.mountLabel: \"%s\": %s", label,
				    rl_lsm_selinux() ? "rlite does not label mounts"
						     : "SELinux is not enabled on this host");
	return 0;
}

static int write_attr(int procfd, const char *file, const char *text, const char *field,
		      struct rl_error *err)
{
	if (rl_procfs_write(procfd, file, text, err) < 0)
		return rl_error_prefix(err, "%s", field);
	return 0;
}

/* "exec PROFILE" into attr/apparmor/exec (Linux 5.8, so that a stacked
 * module does not share the file), into attr/exec only where that file does
 * not exist: the write to an existing one fails with ENOENT as well when
 * the profile is not loaded, and that must not read as a missing file. */
static int apparmor_exec(int procfd, const char *profile, struct rl_error *err)
{
	const char *file = "self/attr/apparmor/exec";
	_rl_fd_ int fd = rl_procfs_openat(procfd, file, O_WRONLY, err);
	char text[4096];
	int n = snprintf(text, sizeof(text), "exec %s", profile);
	ssize_t w;

	if (fd < 0 && err->errnum == ENOENT) {
		file = "self/attr/exec";
		fd = rl_procfs_openat(procfd, file, O_WRONLY, err);
	}
	if (fd < 0)
		return rl_error_prefix(err, "process.apparmorProfile");
	if (n < 0 || (size_t)n >= sizeof(text))
		return rl_error_set(err, ENAMETOOLONG, "process.apparmorProfile");
	do
		w = write(fd, text, (size_t)n);
	while (w < 0 && errno == EINTR);
	if (w < 0 && errno == ENOENT)
		return rl_error_set(
		    err, 0, "process.apparmorProfile: \"%s\": the profile is not loaded", profile);
	if (w != n)
		return rl_error_set(err, w < 0 ? errno : EIO,
				    "process.apparmorProfile: \"%s\": write /proc/%s", profile,
				    file);
	return 0;
}

int rl_lsm_apply(int procfd, const struct rl_process *p, struct rl_error *err)
{
	if (set(p->apparmor_profile) && strcmp(p->apparmor_profile, "unconfined") != 0 &&
	    apparmor_exec(procfd, p->apparmor_profile, err) < 0)
		return -1;
	if (set(p->selinux_label) &&
	    write_attr(procfd, "self/attr/exec", p->selinux_label, "process.selinuxLabel", err) < 0)
		return -1;
	return 0;
}
