#!/usr/bin/env bats
# linux.seccomp with the profiles users have (config-linux.md "Seccomp"):
# Debian's podman profile, containerd's default as `ctr run --seccomp`
# writes it, a profile without faccessat2, and a minimal allow-list of only
# what the workload needs (and execve) with each default action; each with
# noNewPrivileges true and false, each running /bin/true, a bare `sh -c`, a
# #! script and a program that is not there.  The filter is the container
# process's, not rlite's: whatever rlite calls to set the process up must
# not be judged by it (process.c).  compat.bats runs runc on the same
# profiles.  Needs root.

# jq filters and container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load run_helpers

RL_HELPERS=${RL_HELPERS:-$BATS_TEST_DIRNAME/../../build/tests/helpers}

setup_file() {
	rr_setup_file
	local caps
	caps=$("$RLITE_BIN" spec --bundle "$RR_BASE" >/dev/null &&
		jq -c .process.capabilities.bounding "$RR_BASE/config.json")
	"$BATS_TEST_DIRNAME/helpers/seccomp-profiles" "$RR_BASE/profiles" "$RR_CACHE" "$caps"
}

teardown_file() {
	rr_teardown_file
}

setup() {
	rr_setup
	printf '#!/bin/sh\necho script\n' >"$RR_BUNDLE/rootfs/script.sh"
	chmod 0755 "$RR_BUNDLE/rootfs/script.sh"
}

teardown() {
	if [ -n "${RR_DIR:-}" ] && [ -s "$RR_DIR/agent.pid" ]; then
		kill -9 "$(cat "$RR_DIR/agent.pid")" 2>/dev/null || true
	fi
	rr_teardown
}

# sc_profile NAME NNP: the bundle gets profiles/NAME.json as linux.seccomp
# and noNewPrivileges NNP; skips when this machine could not make it.
sc_profile() {
	local f=$RR_BASE/profiles/$1.json
	case $1 in
	podman | nofaccessat2) [ -s "$f" ] || skip "no /usr/share/containers/seccomp.json (containers-common)" ;;
	containerd) [ -s "$f" ] || skip "no containerd and ctr to take the profile from" ;;
	esac
	rr_jq '.linux.seccomp = $s[0] | .process.noNewPrivileges = $nnp' \
		--slurpfile s "$f" --argjson nnp "$2"
}

# sc_workloads: the four programs, one `rlite run` each; every one must
# behave as it does without a filter.
sc_workloads() {
	rr_jq '.process.args = ["/bin/true"]'
	rr_run
	[ "$status" -eq 0 ]
	[ -z "$output" ]

	rr_jq '.process.args = ["sh", "-c", "echo hi"]'
	rr_run
	[ "$status" -eq 0 ]
	[ "$output" = hi ]

	rr_jq '.process.args = ["/script.sh"]'
	rr_run
	[ "$status" -eq 0 ]
	[ "$output" = script ]

	rr_jq '.process.args = ["/bin/nosuch"]'
	rr_run -127
	[[ "$output" == *'exec "/bin/nosuch": stat /bin/nosuch: no such file or directory'* ]]
}

@test "seccomp: podman's profile, noNewPrivileges true" {
	sc_profile podman true
	sc_workloads
}

@test "seccomp: podman's profile, noNewPrivileges false" {
	sc_profile podman false
	sc_workloads
}

@test "seccomp: containerd's default profile, noNewPrivileges true" {
	sc_profile containerd true
	sc_workloads
}

@test "seccomp: containerd's default profile, noNewPrivileges false" {
	sc_profile containerd false
	sc_workloads
}

@test "seccomp: a profile without faccessat2 (EPERM for the rest), noNewPrivileges true" {
	sc_profile nofaccessat2 true
	sc_workloads
}

@test "seccomp: a profile without faccessat2 (EPERM for the rest), noNewPrivileges false" {
	sc_profile nofaccessat2 false
	sc_workloads
}

@test "seccomp: only the workload's calls, default ERRNO, noNewPrivileges true" {
	sc_profile minimal-ERRNO true
	sc_workloads
}

@test "seccomp: only the workload's calls, default ERRNO, noNewPrivileges false" {
	sc_profile minimal-ERRNO false
	sc_workloads
}

@test "seccomp: only the workload's calls, default KILL, noNewPrivileges true" {
	sc_profile minimal-KILL true
	sc_workloads
}

@test "seccomp: only the workload's calls, default KILL, noNewPrivileges false" {
	sc_profile minimal-KILL false
	sc_workloads
}

@test "seccomp: only the workload's calls, default KILL_PROCESS, noNewPrivileges true" {
	sc_profile minimal-KILL_PROCESS true
	sc_workloads
}

@test "seccomp: only the workload's calls, default KILL_PROCESS, noNewPrivileges false" {
	sc_profile minimal-KILL_PROCESS false
	sc_workloads
}

@test "seccomp: only the workload's calls, default TRAP, noNewPrivileges true" {
	sc_profile minimal-TRAP true
	sc_workloads
}

@test "seccomp: only the workload's calls, default TRAP, noNewPrivileges false" {
	sc_profile minimal-TRAP false
	sc_workloads
}

@test "seccomp: only the workload's calls, default LOG, noNewPrivileges true" {
	sc_profile minimal-LOG true
	sc_workloads
}

@test "seccomp: only the workload's calls, default LOG, noNewPrivileges false" {
	sc_profile minimal-LOG false
	sc_workloads
}

@test "seccomp: the filter is really there: a call outside the minimal list is refused" {
	sc_profile minimal-ERRNO false
	# mkdir is not in the list: EPERM, the default errno
	rr_jq '.process.args = ["mkdir", "/tmp/x"]'
	rr_run
	[ "$status" -eq 1 ]
	[[ "$output" == *"can't create directory '/tmp/x': Operation not permitted"* ]]
}

# With noNewPrivileges false the filter needs CAP_SYS_ADMIN to load, which
# rlite keeps until then; execve must leave none of it behind.
@test "seccomp: noNewPrivileges false: after execve the capabilities are exactly the config's" {
	sc_profile podman false
	rr_sh 'grep ^Cap /proc/self/status'
	rr_run
	[ "$status" -eq 0 ]
	local want
	want=$(printf '%016x' "$(jq '[.process.capabilities.bounding[] | {
		"CAP_CHOWN":0,"CAP_DAC_OVERRIDE":1,"CAP_FOWNER":3,"CAP_FSETID":4,"CAP_KILL":5,
		"CAP_SETGID":6,"CAP_SETUID":7,"CAP_SETPCAP":8,"CAP_NET_BIND_SERVICE":10,
		"CAP_NET_RAW":13,"CAP_SYS_CHROOT":18,"CAP_MKNOD":27,"CAP_AUDIT_WRITE":29,
		"CAP_SETFCAP":31}[.]] | map(pow(2; .)) | add' "$RR_BUNDLE/config.json")")
	[ "$(rr_line_of CapEff)" = "$want" ]
	[ "$(rr_line_of CapPrm)" = "$want" ]
	[ "$(rr_line_of CapBnd)" = "$want" ]
	[ "$(rr_line_of CapAmb)" = 0000000000000000 ]

	# and as another user: nothing at all (no ambient set)
	rr_jq '.process.user.uid = 1000 | .process.user.gid = 1000'
	rr_run
	[ "$status" -eq 0 ]
	[ "$(rr_line_of CapEff)" = 0000000000000000 ]
	[ "$(rr_line_of CapPrm)" = 0000000000000000 ]
}

@test "seccomp: SCMP_ACT_NOTIFY: the agent gets the listener and the state, and answers" {
	[ -x "$RL_HELPERS/seccomp-agent" ] || skip "seccomp-agent helper not built"
	local sock=$RR_DIR/agent.sock
	"$RL_HELPERS/seccomp-agent" -o "$RR_DIR/agent.out" -p "$RR_DIR/agent.pid" -v 4242 "$sock"
	rr_jq '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p,
				"listenerMetadata": "from-the-test",
				"syscalls": [{"names": ["getppid"], "action": "SCMP_ACT_NOTIFY"}]}
	       | .process.noNewPrivileges = false' --arg p "$sock"
	rr_sh 'echo "ppid=$PPID"'
	rr_run
	[ "$status" -eq 0 ]
	[ "$output" = "ppid=4242" ]
	cat "$RR_DIR/agent.out"
	jq -e --arg id "$RR_ID" --arg b "$RR_BUNDLE" '.fds == ["seccompFd"] and .metadata == "from-the-test"
		and .state.id == $id and .state.status == "created" and .state.bundle == $b
		and .pid == .state.pid and .pid > 2' "$RR_DIR/agent.out"
}
