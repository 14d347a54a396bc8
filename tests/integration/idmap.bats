#!/usr/bin/env bats
# Idmapped mounts (runtime-spec config.md "Mounts": uidMappings,
# gidMappings, the idmap and ridmap options): what the container sees
# through them, what the host sees of what it made, and the refusals.
# Needs root.  Each test has its own bundle, --root and container id, and
# skips, saying why, on a kernel without idmapped mounts or user namespaces
# (decided from the kernel's own files: rr_idmap_reason, rr_userns_reason).

# jq filters and container scripts are in single quotes on purpose.
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
	local why
	why=$(rr_idmap_reason "$RR_DIR")
	[ -z "$why" ] || skip "$why"
}

teardown() {
	rr_teardown
}

# idm_vol DIR: a host directory owned by root, 0755 (only its owner may
# write in it), with a file f owned by 0:0 and a file g owned by 7:7.
idm_vol() {
	mkdir -p "$1"
	chmod 0755 "$1"
	echo f >"$1/f"
	echo g >"$1/g"
	chown 7:7 "$1/g"
}

# idm_mount OPTIONS_JSON [MAPPINGS_JSON]: mounts[7], the host directory
# $RR_VOL on /vol, with those options and, when given, those uid and gid
# mappings.
idm_mount() {
	rr_jq '.mounts += [{"destination": "/vol", "type": "bind", "source": $s,
			    "options": $o}]
		| if $m == null then . else .mounts[7] += {"uidMappings": $m, "gidMappings": $m} end' \
		--arg s "$RR_VOL" --argjson o "$1" --argjson m "${2:-null}"
}

# idm_need_userns: skips, saying why, without user namespaces.
idm_need_userns() {
	local why
	why=$(rr_userns_reason)
	[ -z "$why" ] || skip "$why"
}

idm_userns() {
	idm_need_userns
	rr_jq '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	# the container's root (host uid 100000) cannot make /vol in the rootfs
	mkdir -p "$RR_BUNDLE/rootfs/vol"
}

# idm_own_userns PID: PID is in a user namespace other than this shell's.
idm_own_userns() {
	[ "$(readlink "/proc/$1/ns/user")" != "$(readlink /proc/self/ns/user)" ]
}

MAPS='[{"containerID": 0, "hostID": 1234, "size": 1},
       {"containerID": 1, "hostID": 200001, "size": 1000}]'

@test "idmap: the mount's own mappings, no user namespace: 0 is 1234 inside, and back" {
	# a relative source is relative to the bundle, as for any bind mount
	RR_VOL=$RR_BUNDLE/vol
	idm_vol "$RR_VOL"
	idm_mount '["bind", "idmap"]' "$MAPS"
	rr_jq '.mounts[7].source = "vol" | .process.user = {"uid": 1234, "gid": 1234}'
	rr_sh 'stat -c "%n %u:%g" /vol /vol/f /vol/g; touch /vol/made && stat -c "%n %u:%g" /vol/made
		grep " /vol " /proc/self/mountinfo; ls /proc/self/fd | sort -n | tr "\n" " "'
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "/vol 1234:1234" ]
	[ "${lines[1]}" = "/vol/f 1234:1234" ]
	[ "${lines[2]}" = "/vol/g 200007:200007" ]
	[ "${lines[3]}" = "/vol/made 1234:1234" ]
	[[ "${lines[4]}" == *" /vol rw,"*idmapped* ]]
	# no tree fd reached the process: stdio and ls's own
	[ "${lines[5]}" = "0 1 2 3 " ]
	# made by uid 1234 through the mount: root's on the host
	[ "$(stat -c %u:%g "$RR_VOL/made")" = 0:0 ]
	[ "$(stat -c %u:%g "$RR_VOL/f")" = 0:0 ]
}

@test "idmap: uidMappings and gidMappings alone make an idmapped mount (as runc)" {
	RR_VOL=$RR_DIR/vol
	idm_vol "$RR_VOL"
	idm_mount '["rbind", "ro"]' "$MAPS"
	rr_sh 'stat -c "%u:%g" /vol/f; grep " /vol " /proc/self/mountinfo'
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1234:1234" ]
	[[ "${lines[1]}" == *" /vol ro,"*idmapped* ]]
}

@test "idmap: in a user namespace, no mappings of its own: the host's root is the container's" {
	idm_userns
	RR_VOL=$RR_DIR/vol
	idm_vol "$RR_VOL"
	# without idmap: the host's root is nobody inside, and /vol not writable
	idm_mount '["rbind"]'
	rr_sh 'stat -c "%u:%g" /vol/f; touch /vol/made 2>/dev/null && echo made || echo refused'
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "65534:65534" ]
	[ "${lines[1]}" = refused ]
	rr_jq '.mounts[7].options = ["rbind", "idmap"]'
	rr_sh 'stat -c "%u:%g" /vol/f /vol/g; touch /vol/made && stat -c "%u:%g" /vol/made'
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0:0" ]
	[ "${lines[1]}" = "7:7" ]
	[ "${lines[2]}" = "0:0" ]
	# made by the container's root (host uid 100000): root's on the host
	[ "$(stat -c %u:%g "$RR_VOL/made")" = 0:0 ]
}

@test "idmap: a user namespace joined by path is the mapping of a plain idmap" {
	idm_need_userns
	RR_VOL=$RR_DIR/vol
	idm_vol "$RR_VOL"
	# a user namespace held by a process of this test (the tag kills it
	# at teardown), mapped as a container's would be
	env RR_TAG="$RR_ID" unshare --user sleep 1000 &
	local holder=$!
	# until it has made its namespace
	rr_wait_for idm_own_userns "$holder"
	echo "0 100000 65536" >"/proc/$holder/uid_map"
	echo "0 100000 65536" >"/proc/$holder/gid_map"
	rr_jq '.linux.namespaces += [{"type": "user", "path": $p}]' --arg p "/proc/$holder/ns/user"
	mkdir -p "$RR_BUNDLE/rootfs/vol"
	idm_mount '["rbind", "idmap"]'
	rr_sh 'stat -c "%u:%g" /vol/f; touch /vol/made && stat -c "%u:%g" /vol/made'
	rr_run
	kill "$holder"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0:0" ]
	[ "${lines[1]}" = "0:0" ]
	[ "$(stat -c %u:%g "$RR_VOL/made")" = 0:0 ]
}

@test "idmap: ridmap idmaps the submounts of an rbind too, idmap only the top" {
	RR_VOL=$RR_DIR/tree
	idm_vol "$RR_VOL"
	mkdir -p "$RR_VOL/sub" "$RR_DIR/subsrc"
	echo s >"$RR_DIR/subsrc/s"
	mount --bind "$RR_DIR/subsrc" "$RR_VOL/sub"
	idm_mount '["rbind", "ridmap"]' "$MAPS"
	rr_sh 'stat -c "%u:%g" /vol/f /vol/sub/s; grep -c "idmapped" /proc/self/mountinfo'
	rr_snapshot
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1234:1234" ]
	[ "${lines[1]}" = "1234:1234" ]
	[ "${lines[2]}" = 2 ]
	rr_jq '.mounts[7].options = ["rbind", "idmap"]'
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "1234:1234" ]
	[ "${lines[1]}" = "0:0" ]
	[ "${lines[2]}" = 1 ]
	rr_assert_nothing_left
}

@test "idmap: refused, naming the field, with nothing left behind" {
	RR_VOL=$RR_DIR/vol
	idm_vol "$RR_VOL"
	rr_sh 'echo ran'
	rr_snapshot
	# not a bind mount
	rr_jq '.mounts += [{"destination": "/vol", "type": "tmpfs", "source": "tmpfs",
			    "options": ["idmap"]}]'
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: mounts[7].options: only bind mounts can be idmapped (type "tmpfs")'* ]]
	# one of the two mappings
	rr_jq '.mounts[7] = {"destination": "/vol", "type": "bind", "source": $s,
			     "options": ["bind"], "uidMappings": $m}' \
		--arg s "$RR_VOL" --argjson m "$MAPS"
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: mounts[7].gidMappings: required with uidMappings (an idmapped mount needs both)'* ]]
	# no mappings and no user namespace
	rr_jq '.mounts[7] |= (del(.uidMappings) | .options = ["bind", "ridmap"])'
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: mounts[7].options: idmap needs uidMappings and gidMappings, or a user namespace'* ]]
	# a source that is not there
	rr_jq '.mounts[7] += {"source": "/nonexistent-idmap", "uidMappings": $m, "gidMappings": $m}' \
		--argjson m "$MAPS"
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'mounts[7]: idmap: open_tree "/nonexistent-idmap": No such file or directory'* ]]
	# a file system that cannot be idmapped: procfs
	rr_jq '.mounts[7].source = "/proc"'
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'mounts[7]: "/proc": this file system cannot be idmapped'* ]]
	[[ "$output" != *ran* ]]
	rr_assert_nothing_left
}
