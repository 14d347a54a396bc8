#!/usr/bin/env bats
# process.apparmorProfile and exec's --apparmor where the kernel has
# AppArmor: the v2 lane's guest, whose Debian kernel boots with it on
# (tests/v2/guest mounts securityfs; apparmor_parser comes with the host's
# /usr).  The host's own kernel has none, so there only the refusal is
# tested (tests/integration/run.bats, exec.bats).
#
# Each test loads a profile of its own that allows everything but reading
# one file of the image, /secret, and asserts what the workload lives
# through: the read refused, /proc/self/attr/current naming the profile;
# the last one asks for a profile that is not loaded.  The teardown
# removes the profiles (apparmor_parser -R) after the containers, also
# after a failure.

# jq filters and container scripts are in single quotes on purpose; the
# CG_* variables set here are cgroup_helpers'.
# shellcheck disable=SC2016,SC2034

load v2_helpers

setup_file() {
	rr_setup_file
	mkdir -p "$RR_BASE/apparmor"
}

teardown_file() {
	rr_teardown_file
}

setup() {
	v2_setup
	AA_LOADED=()
	[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] ||
		skip "no AppArmor in this kernel (/sys/module/apparmor/parameters/enabled)"
	command -v apparmor_parser >/dev/null ||
		skip "no apparmor_parser (make deps installs apparmor)"
	[ -e /sys/kernel/security/apparmor/profiles ] ||
		skip "no securityfs on /sys/kernel/security: AppArmor's policy cannot be loaded"
	echo hush >"$RR_BUNDLE/rootfs/secret"
}

teardown() {
	cg_teardown
	local f
	for f in "${AA_LOADED[@]}"; do
		apparmor_parser -R "$f" || true
	done
}

# aa_load NAME: loads the profile NAME (enforce mode) that allows everything
# but reading and writing /secret; removed at teardown.
aa_load() {
	local f=$RR_BASE/apparmor/$1
	cat >"$f" <<-END
		abi <abi/3.0>,
		profile $1 flags=(attach_disconnected,mediate_deleted) {
		  file,
		  capability,
		  network,
		  signal,
		  ptrace,
		  unix,
		  mount,
		  umount,
		  pivot_root,
		  deny /secret rw,
		}
	END
	apparmor_parser -K -a "$f"
	AA_LOADED+=("$f")
	grep -qx "$1 (enforce)" /sys/kernel/security/apparmor/profiles
}

# aa_ex ARGS...: `rlite exec ARGS` through bats' run; prints what happened.
aa_ex() {
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" \
		exec "$@" </dev/null
	echo "--- exec $*: $status"
	printf '%s\n' "$output"
}

# aa_process_json FILE PROFILE: the container's process as a process.json
# (conmon's and containerd's form of exec), with apparmorProfile PROFILE
# (none when empty), reading attr/current and /secret.
aa_process_json() {
	jq '.process | .args = ["sh", "-c", "cat /proc/self/attr/current; cat /secret"]
		| if $p == "" then del(.apparmorProfile) else .apparmorProfile = $p end' \
		--arg p "$2" "$RR_BUNDLE/config.json" >"$1"
}

# aa_confined PROFILE: $output is that of `cat /proc/self/attr/current;
# cat /secret` under PROFILE: the label, then the read refused.
aa_confined() {
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "$1 (enforce)" ]
	[[ "$output" == *"/secret': Permission denied"* ]]
	[[ "$output" != *hush* ]]
}

# aa_unconfined: the same, unconfined: the file is read.
aa_unconfined() {
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = unconfined ]
	[ "${lines[1]}" = hush ]
}

@test "apparmor: process.apparmorProfile confines the workload: attr/current names the profile, the denied file is refused" {
	local p=rlt-deny-$BATS_TEST_NUMBER
	aa_load "$p"
	rr_sh 'cat /proc/self/attr/current; cat /secret'
	rr_run
	aa_unconfined
	rr_jq '.process.apparmorProfile = $p' --arg p "$p"
	rr_run
	aa_confined "$p"
	# create, then start: the label set at create is the workload's
	rr_sh 'cat /proc/self/attr/current >/mnt/host/out; cat /secret >>/mnt/host/out 2>&1'
	timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" \
		create --bundle "$RR_BUNDLE" "$RR_ID" </dev/null >"$RR_DIR/create.out" 2>&1 ||
		{ cat "$RR_DIR/create.out"; false; }
	cg_rlite start "$RR_ID"
	rr_wait_for rr_has_lines "$RR_HOST/out" 2
	cat "$RR_HOST/out"
	[ "$(head -n 1 "$RR_HOST/out")" = "$p (enforce)" ]
	grep -q "/secret': Permission denied" "$RR_HOST/out"
}

@test "apparmor: exec --apparmor, and a process.json with apparmorProfile, run confined by that profile" {
	local p=rlt-exec-$BATS_TEST_NUMBER
	aa_load "$p"
	rr_sh 'exec sleep 100000'
	cg_run_d
	aa_ex "$RR_ID" sh -c 'cat /proc/self/attr/current; cat /secret'
	aa_unconfined
	aa_ex --apparmor "$p" "$RR_ID" sh -c 'cat /proc/self/attr/current; cat /secret'
	aa_confined "$p"
	aa_process_json "$RR_DIR/process.json" "$p"
	aa_ex --process "$RR_DIR/process.json" "$RR_ID"
	aa_confined "$p"
	# the container's own process stays unconfined
	[ "$(cat "/proc/$CG_PID/attr/current")" = unconfined ]
}

@test "apparmor: exec into a confined container is confined by the container's profile, as in runc" {
	local p=rlt-ctr-$BATS_TEST_NUMBER
	aa_load "$p"
	rr_jq '.process.apparmorProfile = $p' --arg p "$p"
	rr_sh 'exec sleep 100000'
	cg_run_d
	# the workload, below the shim
	[ "$(cat "/proc/$(pgrep -P "$CG_PID" -x sleep)/attr/current")" = "$p (enforce)" ]
	aa_ex "$RR_ID" sh -c 'cat /proc/self/attr/current; cat /secret'
	aa_confined "$p"
	# a process.json without apparmorProfile too (runc's newInitConfig)
	aa_process_json "$RR_DIR/process.json" ""
	aa_ex --process "$RR_DIR/process.json" "$RR_ID"
	aa_confined "$p"
}

@test "apparmor: a profile that is not loaded: run, create and exec fail naming process.apparmorProfile, nothing left behind" {
	local p=rlt-nosuch-$BATS_TEST_NUMBER
	rr_jq '.process.apparmorProfile = $p' --arg p "$p"
	rr_sh 'echo ran'
	rr_snapshot
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.apparmorProfile: \"$p\": the profile is not loaded"* ]]
	[[ "$output" != *ran* ]]
	[ -z "$(cg_rlite list -q)" ]
	cg_none_left
	rr_assert_nothing_left
	# create fails itself, not the start after it
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" \
		create --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	echo "--- create: $status"
	printf '%s\n' "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.apparmorProfile: \"$p\": the profile is not loaded"* ]]
	[ -z "$(cg_rlite list -q)" ]
	cg_none_left
	rr_assert_nothing_left
	# exec: refused, the container goes on
	rr_jq 'del(.process.apparmorProfile)'
	rr_sh 'exec sleep 100000'
	cg_run_d
	local procs
	procs=$(cat "$(v2_dir)/cgroup.procs")
	aa_ex --apparmor "$p" "$RR_ID" echo ran
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.apparmorProfile: \"$p\": the profile is not loaded"* ]]
	[[ "$output" != *ran* ]]
	cg_status_is running
	[ "$(cat "$(v2_dir)/cgroup.procs")" = "$procs" ]
}
