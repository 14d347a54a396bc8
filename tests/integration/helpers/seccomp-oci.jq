# A Docker/podman seccomp profile (containers-common's seccomp.json) turned
# into the linux.seccomp of a config.json, the way podman and docker do it
# for one container: a rule applies on x86_64 when the container has every
# capability of its includes.caps and none of its excludes.caps.
#
#   jq --argjson caps '["CAP_KILL", ...]' -f seccomp-oci.jq seccomp.json

def has_all($want): all($want[]; . as $c | $caps | index($c) != null);
def has_none($want): all($want[]; . as $c | $caps | index($c) == null);
def on_amd64: (.includes.arches // []) as $a | ($a | length == 0) or ($a | index("amd64") != null);
def not_amd64_excluded: (.excludes.arches // []) | index("amd64") == null;

{
	defaultAction: .defaultAction,
	architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
	syscalls: [
		.syscalls[]
		| select(on_amd64 and not_amd64_excluded
			and has_all(.includes.caps // []) and has_none(.excludes.caps // []))
		| {names, action}
		+ (if .errnoRet != null then {errnoRet} else {} end)
		+ (if (.args // []) | length > 0
		   then {args: [.args[] | {index, value, valueTwo, op}]} else {} end)
	]
}
+ (if .defaultErrnoRet != null then {defaultErrnoRet} else {} end)
