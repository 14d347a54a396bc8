/* The OCI features document (runtime-spec v1.2 features.md and
 * features-linux.md; v1.3 for memoryPolicy and netDevices): what rlite recognises and applies, for
 * callers that ask before they write a config.json.
 *
 * The names the parser accepts (hooks, namespaces, capabilities, seccomp
 * actions, operators, architectures and flags) come from spec/'s own
 * tables; what spec/ cannot know (which mount options the mounts apply,
 * what libseccomp and the kernel here take, what the runtime implements)
 * comes in a struct rl_features that runtime/features.c fills. */
#ifndef RL_SPEC_FEATURES_H
#define RL_SPEC_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define RL_FEATURES_ANNOTATIONS_MAX 8

struct rl_features_annotation {
	const char *key;
	char value[64];
};

struct rl_features {
	/* mountOptions: the i-th option the mounts apply, NULL past the end */
	const char *(*mount_option)(size_t i);
	/* linux.seccomp: whether filters are applied at all, and which of the
	 * architectures and flags the parser accepts can really be used */
	bool seccomp;
	bool (*seccomp_arch)(const char *name);
	bool (*seccomp_flag)(const char *name);
	/* linux.cgroup: the cgroup managers the runtime implements */
	bool cgroup_v1;
	bool cgroup_v2;
	bool cgroup_systemd;
	bool cgroup_systemd_user;
	bool cgroup_rdma;
	/* linux.apparmor, linux.selinux, linux.intelRdt: applied or not */
	bool apparmor;
	bool selinux;
	bool intel_rdt;
	/* linux.mountExtensions.idmap: mounts[].uidMappings/gidMappings */
	bool idmap_mounts;
	/* linux.netDevices (1.3): host interfaces moved into the container */
	bool net_devices;
	/* annotations: the runtime's own metadata (versions) */
	struct rl_features_annotation annotations[RL_FEATURES_ANNOTATIONS_MAX];
	size_t n_annotations;
	/* potentiallyUnsafeConfigAnnotations: config.json annotations that
	 * change what the runtime does; a name ending in "." is a prefix.
	 * NULL-terminated; NULL for none. */
	const char *const *unsafe_annotations;
};

/* The document as indented JSON in a malloc'd NUL-terminated buffer.  Only
 * members runtime-spec RL_OCI_VERSION defines are written (features.md:
 * "MUST NOT contain properties that are not defined in this version"). */
int rl_features_to_json(const struct rl_features *f, char **out, size_t *len, struct rl_error *err);

#endif
