# Helpers of the cgroup v2 lane's bats files (tests/v2/*.bats), which run
# only inside its guest.  Load with `load v2_helpers`.

# jq filters are in single quotes on purpose; the CG_* variables set here
# are cgroup_helpers'.
# shellcheck disable=SC2016,SC2034

load ../integration/run_helpers
load ../integration/cgroup_helpers

CG=/sys/fs/cgroup

# v2_setup: a test's setup in the guest (skips elsewhere): its bundle, the
# host directory the workload writes to, cgroup_helpers' variables.
v2_setup() {
	[ "$(stat -f -c %T $CG)" = cgroup2fs ] || skip "not the v2 lane's guest: $CG is no cgroup2"
	rr_setup
	rr_host_dir
	CG_HOST=$RR_HOST
	CG_EVENTS=
	CG_SLICE=rlt$$s$BATS_TEST_NUMBER
}

# v2_dir: the container's cgroup2 directory (of its init, CG_PID).
v2_dir() {
	echo "$CG$(cg_path_of "$CG_PID" "")"
}

# v2_is FILE VALUE: the container's FILE holds VALUE (its first line).
v2_is() {
	local got
	got=$(head -n 1 "$(v2_dir)/$1")
	[ "$got" = "$2" ] || {
		echo "$1: \"$got\", not \"$2\""
		return 1
	}
}

# v2_key FILE KEY: the value of "KEY VALUE" in the container's FILE.
v2_key() {
	awk -v k="$2" '$1 == k { print $2; exit }' "$(v2_dir)/$1"
}

# The guest's disk, MAJ:MIN, given to the container as /dev/vda.
v2_disk() {
	[ -b /dev/vda ] || skip "no /dev/vda in this guest"
	V2_MAJ=$(($(stat -c %t /dev/vda | sed 's/^/0x/')))
	V2_MIN=$(($(stat -c %T /dev/vda | sed 's/^/0x/')))
	rr_jq '.linux.devices += [{"path": "/dev/vda", "type": "b", "major": $M, "minor": $m,
				   "fileMode": 432, "uid": 0, "gid": 0}]' \
		--argjson M "$V2_MAJ" --argjson m "$V2_MIN"
}
