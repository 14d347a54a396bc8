#!/usr/bin/env bats
# rlite features: the OCI features document (runtime-spec features.md) as a
# caller reads it with jq, and what it lists checked against real
# containers.  Needs root for those.

# jq filters are in single quotes on purpose.
# shellcheck disable=SC2016

load run_helpers

setup_file() {
	rr_setup_file
}

teardown_file() {
	rr_teardown_file
}

setup() {
	rr_setup
	"$RLITE_BIN" features >"$RR_DIR/features.json"
}

teardown() {
	rr_teardown
}

# fq FILTER: jq -r on the document.
fq() {
	jq -r "$@" "$RR_DIR/features.json"
}

@test "features: one JSON object on stdout, nothing on stderr, exit 0" {
	run -0 --separate-stderr "$RLITE_BIN" features
	[ -z "$stderr" ]
	jq -e 'type == "object"' <<<"$output"
	# indented, as runc prints it
	[ "${lines[1]}" = '  "ociVersionMin": "1.0.0",' ]
}

@test "features: ociVersionMax is the spec version rlite implements; ociVersionMin 1.0.0" {
	run -0 "$RLITE_BIN" --version
	[[ "$output" == *$'\n'"spec: $(fq .ociVersionMax)"$'\n'* ]]
	[ "$(fq .ociVersionMin)" = 1.0.0 ]
	# rlite spec writes a version between the two (1.0.2, for crun 1.8)
	v=$(jq -r .ociVersion "$RR_BUNDLE/config.json")
	[ "$(printf '%s\n' "$(fq .ociVersionMin)" "$v" "$(fq .ociVersionMax)" | sort -V)" = \
		"$(printf '%s\n' "$(fq .ociVersionMin)" "$v" "$(fq .ociVersionMax)")" ]
}

# runtime-spec v1.3.0 features.md and features-linux.md (schema/
# features-schema.json and features-linux.json): the required members, the
# types of the others, and nothing that version does not define.
@test "features: the members of runtime-spec v1.3 with their types, and no others" {
	fq -e 'has("ociVersionMin") and has("ociVersionMax")
		and (.ociVersionMin | type == "string") and (.ociVersionMax | type == "string")'
	[ "$(fq -c 'keys')" = '["annotations","hooks","linux","mountOptions","ociVersionMax","ociVersionMin","potentiallyUnsafeConfigAnnotations"]' ]
	[ "$(fq -c '.linux | keys')" = '["apparmor","capabilities","cgroup","intelRdt","memoryPolicy","mountExtensions","namespaces","netDevices","seccomp","selinux"]' ]
	[ "$(fq -c '.linux.cgroup | keys')" = '["rdma","systemd","systemdUser","v1","v2"]' ]
	[ "$(fq -c '.linux.seccomp | keys')" = '["actions","archs","enabled","knownFlags","operators","supportedFlags"]' ]
	[ "$(fq -c '.linux.mountExtensions | keys, (.idmap | keys)')" = '["idmap"]
["enabled"]' ]
	fq -e '[.linux.apparmor, .linux.selinux, .linux.netDevices] | all(keys == ["enabled"])'
	[ "$(fq -c '.linux.intelRdt | keys')" = '["enabled","monitoring","schemata"]' ]
	[ "$(fq -c '.linux.memoryPolicy | keys')" = '["flags","modes"]' ]
	fq -e '[.linux.cgroup[], .linux.seccomp.enabled, .linux.apparmor.enabled,
		.linux.selinux.enabled, .linux.intelRdt[], .linux.netDevices.enabled,
		.linux.mountExtensions.idmap.enabled] | all(type == "boolean")'
	fq -e '[.hooks, .mountOptions, .linux.namespaces, .linux.capabilities,
		.potentiallyUnsafeConfigAnnotations, .linux.memoryPolicy.modes,
		.linux.memoryPolicy.flags,
		(.linux.seccomp | .actions, .operators, .archs, .knownFlags, .supportedFlags)]
		| all(type == "array" and all(type == "string"))'
	fq -e '.annotations | type == "object" and all(.[]; type == "string")'
	fq -e '.linux.capabilities | all(test("^CAP_[A-Z_]+$"))'
}

@test "features: namespaces, hooks, capabilities, seccomp actions and operators" {
	[ "$(fq -c '.linux.namespaces | sort')" = '["cgroup","ipc","mount","network","pid","time","user","uts"]' ]
	[ "$(fq -c .hooks)" = '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]' ]
	[ "$(fq -c '.linux.seccomp.actions | sort')" = '["SCMP_ACT_ALLOW","SCMP_ACT_ERRNO","SCMP_ACT_KILL","SCMP_ACT_KILL_PROCESS","SCMP_ACT_KILL_THREAD","SCMP_ACT_LOG","SCMP_ACT_NOTIFY","SCMP_ACT_TRACE","SCMP_ACT_TRAP"]' ]
	[ "$(fq -c '.linux.seccomp.operators | sort')" = '["SCMP_CMP_EQ","SCMP_CMP_GE","SCMP_CMP_GT","SCMP_CMP_LE","SCMP_CMP_LT","SCMP_CMP_MASKED_EQ","SCMP_CMP_NE"]' ]
	[ "$(fq '.linux.capabilities | length')" -ge 41 ]
	fq -e '.linux.capabilities | index("CAP_SYS_ADMIN") and index("CAP_CHECKPOINT_RESTORE")'
	# every capability of the default config is one rlite lists
	jq -e --slurpfile f "$RR_DIR/features.json" \
		'.process.capabilities.bounding - $f[0].linux.capabilities == []' \
		"$RR_BUNDLE/config.json"
}

@test "features: seccomp flags and architectures" {
	fq -e '.linux.seccomp.enabled'
	fq -e '.linux.seccomp | (.supportedFlags - .knownFlags) == []'
	[ "$(fq -c '.linux.seccomp.knownFlags | sort')" = '["SECCOMP_FILTER_FLAG_LOG","SECCOMP_FILTER_FLAG_SPEC_ALLOW","SECCOMP_FILTER_FLAG_TSYNC","SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]' ]
	fq -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_LOG")'
	# libseccomp 2.5 (Debian 12) has no attribute for it: known, refused
	if "$RLITE_BIN" --version | grep -q '^libseccomp: 2\.[0-5]\.'; then
		fq -e '.linux.seccomp.supportedFlags | index("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") | not'
	fi
	fq -e '.linux.seccomp.archs | index("SCMP_ARCH_X86_64") and index("SCMP_ARCH_AARCH64")'
}

@test "features: remount is not a mount option; tmpcopyup, idmap, ridmap and idmap mounts are" {
	fq -e '.mountOptions | index("remount") | not'
	fq -e '.linux.mountExtensions.idmap.enabled == true'
	fq -e '.mountOptions | index("rro") and index("rbind") and index("rprivate")
		and index("nosymfollow") and index("defaults") and index("tmpcopyup")
		and index("idmap") and index("ridmap")'
	# nothing that goes to the file system as data ("mode=755")
	fq -e '.mountOptions | all(contains("=") | not)'
}

@test "features: AppArmor, SELinux and systemd's system manager are built in; Intel RDT and a user's manager are not" {
	# features.md: built in, whatever the host has (lsm.c refuses a label
	# the host cannot apply, systemd.c a host without systemd)
	fq -e '.linux | .apparmor.enabled == true and .selinux.enabled == true
		and .intelRdt.enabled == false'
	fq -e '.linux.cgroup | .v1 and .v2 and .rdma and .systemd == true
		and .systemdUser == false'
}

@test "features: netDevices are moved; each memoryPolicy mode listed is one a config can use" {
	fq -e '.linux.netDevices.enabled == true'
	fq -e '.linux.intelRdt | .schemata == false and .monitoring == false'
	[ -r /sys/devices/system/node/online ] || skip "this kernel has no NUMA (CONFIG_NUMA)"
	local mode nodes
	for mode in $(fq -r '.linux.memoryPolicy.modes[]'); do
		case $mode in
		MPOL_DEFAULT | MPOL_LOCAL) nodes='' ;;
		*) nodes=0 ;;
		esac
		rr_jq '.linux.memoryPolicy = {"mode": $m} | if $n != "" then .linux.memoryPolicy.nodes = $n else . end' \
			--arg m "$mode" --arg n "$nodes"
		rr_sh 'grep -m1 " stack" /proc/self/numa_maps'
		run timeout "$RR_GUARD" "$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
		echo "$mode: $status $output"
		# a mode this kernel lacks (MPOL_WEIGHTED_INTERLEAVE is 6.9) is the
		# kernel's refusal, naming the field, never the parser's
		[ "$status" -eq 0 ] || [[ "$output" == *'linux.memoryPolicy'* && "$output" != *'unknown mode'* ]]
	done
}

@test "features: annotations carry the versions rlite --version prints" {
	run -0 "$RLITE_BIN" --version
	[ "$(fq '.annotations["org.rlite.version"]')" = "${lines[0]#rlite version }" ]
	[[ "$output" == *$'\n'"libseccomp: $(fq '.annotations["io.github.seccomp.libseccomp.version"]')"* ]]
	[[ "$output" == *$'\n'"libmount: $(fq '.annotations["org.rlite.libmount.version"]')"* ]]
	[ "$(fq -c .potentiallyUnsafeConfigAnnotations)" = '["org.rlite.init","org.rlite.init."]' ]
}

@test "features --help prints the usage; an argument is refused" {
	run -0 --separate-stderr "$RLITE_BIN" features --help
	[[ "${lines[0]}" == "usage: rlite features" ]]
	[ -z "$stderr" ]
	run -1 --separate-stderr "$RLITE_BIN" features extra
	[ "$stderr" = 'rlite: features: unexpected argument "extra"' ]
	[ -z "$output" ]
	run -0 "$RLITE_BIN" --help
	[[ "$output" =~ $'\n'\ +features\ +print\ the\ OCI\ features\ document ]]
}

# What the document promises, in a real container: one tmpfs per listed
# mount option (a bind of a host directory for bind and rbind), all in one
# config, each mounted with its option.  idmap and ridmap need a kernel
# that makes idmapped mounts (rr_idmap_reason): without one they are left
# out, saying so.
@test "features: every mount option listed works in a container" {
	mkdir -p "$RR_DIR/src"
	local why idm=true
	why=$(rr_idmap_reason "$RR_DIR/src")
	if [ -n "$why" ]; then
		echo "idmap and ridmap not tried: $why"
		idm=false
	fi
	rr_jq '.mounts += [$f[0].mountOptions[] |
		if (. == "idmap" or . == "ridmap") and ($idm | not) then
			empty
		elif . == "bind" or . == "rbind" then
			{"destination": ("/m/" + .), "type": "bind", "source": $src, "options": [.]}
		elif . == "idmap" or . == "ridmap" then
			{"destination": ("/m/" + .), "type": "bind", "source": $src,
			 "options": ["rbind", .], "uidMappings": $map, "gidMappings": $map}
		else
			{"destination": ("/m/" + .), "type": "tmpfs", "source": "tmpfs", "options": [.]}
		end]' --slurpfile f "$RR_DIR/features.json" --arg src "$RR_DIR/src" \
		--argjson map '[{"containerID": 0, "hostID": 1234, "size": 1}]' --argjson idm "$idm"
	rr_sh 'cat /proc/self/mounts'
	rr_run -0
	[[ "$(rr_mount_of /m/ro)" == "tmpfs ro,"* ]]
	[[ "$(rr_mount_of /m/rro)" == "tmpfs ro,"* ]]
	[[ "$(rr_mount_of /m/nosuid)" == *,nosuid,* ]]
	[[ "$(rr_mount_of /m/nosymfollow)" == *,nosymfollow* ]]
	[[ "$(rr_mount_of /m/noatime)" == *,noatime* ]]
	if [ "$idm" = true ]; then
		[[ "$(rr_mount_of /m/idmap)" == *,idmapped* ]]
		[[ "$(rr_mount_of /m/ridmap)" == *,idmapped* ]]
	fi
	# one mount per option tried
	local n
	n=$(printf '%s\n' "$output" | awk '$2 ~ "^/m/" { print $2 }' | sort -u | wc -l)
	[ "$n" -eq "$(fq --argjson idm "$idm" \
		'.mountOptions | map(select($idm or (. != "idmap" and . != "ridmap"))) | length')" ]
}

@test "features: idmap on a tmpfs is refused at create: only bind mounts are idmapped" {
	rr_jq '.mounts += [{"destination": "/m", "type": "tmpfs", "source": "tmpfs",
			    "options": ["idmap"]}]'
	rr_run -1
	[[ "$output" == *'config.json: mounts[7].options: only bind mounts can be idmapped (type "tmpfs")'* ]]
}

@test "features: against runc features, where runc has the command" {
	runc features >"$RR_DIR/runc.json" 2>/dev/null || skip "runc has no features command"
	# the same hooks, capabilities, seccomp actions and operators
	local k
	for k in .hooks .linux.capabilities '.linux.seccomp.actions | sort' \
		'.linux.seccomp.operators | sort'; do
		[ "$(fq -c "$k")" = "$(jq -c "$k" "$RR_DIR/runc.json")" ]
	done
	# rlite lists no mount option runc does not but idmap and ridmap
	# (runc 1.2); runc lists some rlite does not apply (acl, ratime,
	# remount ...)
	jq -e --slurpfile r "$RR_DIR/runc.json" \
		'.mountOptions - $r[0].mountOptions - ["idmap", "ridmap"] == []' "$RR_DIR/features.json"
	# rlite has the time namespace on top
	jq -e --slurpfile r "$RR_DIR/runc.json" \
		'(.linux.namespaces - $r[0].linux.namespaces) == ["time"]' "$RR_DIR/features.json"
}
