/* The runtime's side of the features document: facts spec/ cannot know
 * (features.md "Features Structure" and features-linux.md).  Each false
 * below is something a config can ask for and rlite does not do; the spec
 * wants the runtime's implementation reported, not the host's. */
#include "runtime/features.h"

#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <yajl/yajl_version.h>

#include "runtime/mnt.h"
#include "runtime/mountopt.h"
#include "runtime/seccomp.h"
#include "runtime/shim.h"

/* The config.json annotations the shim reads (shim.h): they turn the pid-1
 * shim off or change how it forwards signals and ends the container. */
static const char *const unsafe_annotations[] = {RL_SHIM_ANNOT, RL_SHIM_ANNOT ".", NULL};

static void annotate(struct rl_features *f, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void annotate(struct rl_features *f, const char *key, const char *fmt, ...)
{
	struct rl_features_annotation *a;
	va_list ap;

	if (f->n_annotations >= RL_FEATURES_ANNOTATIONS_MAX)
		return;
	a = &f->annotations[f->n_annotations++];
	a->key = key;
	va_start(ap, fmt);
	vsnprintf(a->value, sizeof(a->value), fmt, ap);
	va_end(ap);
}

/* The versions in the spirit of runc's "org.opencontainers.runc.version",
 * under the prefix of rlite's own config annotations (org.rlite.init).
 * libseccomp's key is the one runc and crun use.  The libraries are the
 * ones loaded, but for libcap-ng, which cannot tell its version. */
static void versions(struct rl_features *f)
{
	const struct scmp_version *sv = seccomp_version();
	const struct rl_mnt *lm = rl_mnt(NULL);
	const char *mver = NULL;
	int y = yajl_version();

	if (lm)
		lm->get_library_version(&mver);
	annotate(f, "org.rlite.version", "%s", RL_VERSION);
	annotate(f, "io.github.seccomp.libseccomp.version", "%u.%u.%u", sv ? sv->major : 0,
		 sv ? sv->minor : 0, sv ? sv->micro : 0);
	annotate(f, "org.rlite.libmount.version", "%s", mver ? mver : "unknown");
	annotate(f, "org.rlite.yajl.version", "%d.%d.%d", y / 10000, y / 100 % 100, y % 100);
	annotate(f, "org.rlite.libcap-ng.version", "%s", RL_CAPNG_VERSION);
}

void rl_features_gather(struct rl_features *f)
{
	*f = (struct rl_features){
	    .mount_option = rl_mountopt_name,
	    /* process.c loads linux.seccomp; libseccomp is a build dependency */
	    .seccomp = true,
	    .seccomp_arch = rl_seccomp_arch_supported,
	    .seccomp_flag = rl_seccomp_flag_supported,
	    /* cgroup_layout.c drives v1, v2 and hybrid hierarchies and
	     * cgroup_res.c writes rdma.max on both.  --systemd-cgroup starts
	     * a transient unit of the system manager (systemd.c); a user's
	     * manager (rootless) is refused. */
	    .cgroup_v1 = true,
	    .cgroup_v2 = true,
	    .cgroup_systemd = true,
	    .cgroup_systemd_user = false,
	    .cgroup_rdma = true,
	    /* lsm.c applies process.apparmorProfile and process.selinuxLabel
	     * where the host has the module (features.md: whether the support
	     * is built in, not whether the host has it); linux.mountLabel is
	     * refused.  check.c refuses linux.intelRdt. */
	    .apparmor = true,
	    .selinux = true,
	    .intel_rdt = false,
	    /* idmount.c makes idmap, ridmap and mounts[].uidMappings */
	    .idmap_mounts = true,
	    /* netdev.c moves linux.netDevices */
	    .net_devices = true,
	    .unsafe_annotations = unsafe_annotations,
	};
	versions(f);
}
