#!/usr/bin/env bats
# Detached containers (`run --detach`) and `logs`, with real busybox
# containers: the monitor (runtime/monitor.h) that survives the session that
# started it, captures the output into a bounded log, records the exit
# status, and goes away with `delete`.
#
# Every test has its own --root, bundle and id (run_helpers.bash); teardown
# deletes the container with --force and kills every process that carries
# the test's tag, the monitor included (it inherits the environment).

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
}

teardown() {
	rr_teardown
}

# Skips a test that needs `run --detach` while the binary lacks it.
need_detach() {
	if "$RLITE_BIN" run --help | grep -qi 'detach.*not supported'; then
		skip "run --detach is not wired to the monitor yet"
	fi
}

# rd_run_d: `rlite run -d` of the test's bundle; its stdout and stderr
# apart in $RR_DIR/d.out and d.err, its status in $status; how long it took
# is printed (a figure, not a verdict).
rd_run_d() {
	local t0 t1
	t0=$(date +%s%N)
	status=0
	timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" \
		"$RLITE_BIN" --root "$RR_STATE" run -d --bundle "$RR_BUNDLE" "$RR_ID" \
		</dev/null >"$RR_DIR/d.out" 2>"$RR_DIR/d.err" || status=$?
	t1=$(date +%s%N)
	echo "--- run -d: status $status in $(((t1 - t0) / 1000000)) ms"
	echo "--- stdout:"; cat "$RR_DIR/d.out"
	echo "--- stderr:"; cat "$RR_DIR/d.err"
}

rd_rlite() {
	"$RLITE_BIN" --root "$RR_STATE" "$@"
}

rd_state_file() {
	cat "$RR_STATE/$RR_ID/state.json"
}

rd_status() {
	rd_rlite state "$RR_ID" | jq -r .status
}

rd_status_is() {
	[ "$(rd_status 2>/dev/null)" = "$1" ]
}

# rd_wait_status S [SECONDS]: until `state` says S.
rd_wait_status() {
	rr_wait_for -t "${2:-$RR_DEADLINE}" rd_status_is "$1" || {
		echo "status is \"$(rd_status 2>&1)\", not \"$1\""
		return 1
	}
}

rd_log_has() {
	rd_rlite logs "$RR_ID" 2>/dev/null | grep -qF -- "$1"
}

# rd_wait_log TEXT: until `logs` shows TEXT.
rd_wait_log() {
	rr_wait_for rd_log_has "$1" || {
		echo "logs never showed \"$1\"; they are:"
		rd_rlite logs "$RR_ID"
		return 1
	}
}

# A live, non-zombie process.
rd_alive() {
	! rr_gone "$1"
}

# rd_wait_gone PID: until PID has exited (reaped or a zombie).
rd_wait_gone() {
	rr_wait_for rr_gone "$1" || {
		echo "process $1 still runs: $(tr '\0' ' ' <"/proc/$1/cmdline")"
		return 1
	}
}

@test "logs: a missing container, a container without a log" {
	run "$RLITE_BIN" --root "$RR_STATE" logs nosuch
	[ "$status" -ne 0 ]
	[[ "$output" == *"container does not exist"* ]]

	run "$RLITE_BIN" --root "$RR_STATE" logs
	[ "$status" -ne 0 ]
	[[ "$output" == *"container ID is required"* ]]

	# A state directory of a container that was never detached.
	mkdir -m 0700 "$RR_STATE/plain"
	echo '{"ociVersion":"1.2.0","id":"plain","status":"stopped","pid":0,"bundle":"/b","rootfs":"/b/r","created":"2026-11-22T02:49:26.123456789Z","owner":"root"}' \
		>"$RR_STATE/plain/state.json"
	run "$RLITE_BIN" --root "$RR_STATE" logs plain
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *'container "plain" has no log'* ]]
}

@test "run -d: returns at once and prints nothing; state, list and logs see it" {
	need_detach
	rr_sh 'echo hello-out; echo hello-err >&2; exec sleep 300'
	rd_run_d
	[ "$status" -eq 0 ]
	[ ! -s "$RR_DIR/d.out" ]
	[ ! -s "$RR_DIR/d.err" ]

	# "at once": it returned while the workload (300 s) still runs
	[ "$(rd_status)" = running ]
	pid=$(rd_rlite state "$RR_ID" | jq -r .pid)
	rd_alive "$pid"
	rd_rlite list -q | grep -qx "$RR_ID"
	rd_rlite list --format json | jq -e --arg id "$RR_ID" \
		'.[] | select(.id == $id) | .status == "running"'

	# The monitor: recorded, alive, the init's parent, in its own session,
	# its cwd "/".
	mon=$(rd_state_file | jq -r '."rlite.monitorPid"')
	[ "$mon" -gt 0 ]
	rd_alive "$mon"
	[ "$(awk '{ print $4 }' "/proc/$pid/stat")" = "$mon" ]
	[ "$(ps -o sid= -p "$mon" | tr -d ' ')" != "$(ps -o sid= -p $$ | tr -d ' ')" ]
	[ "$(readlink "/proc/$mon/cwd")" = / ]

	rd_wait_log hello-out
	rd_wait_log hello-err
	[ -f "$RR_STATE/$RR_ID/container.log" ]
}

@test "run -d: the exit status is recorded; delete removes state, log and monitor" {
	need_detach
	rr_sh 'echo bye; sleep 0.5; exit 7'
	rd_run_d
	[ "$status" -eq 0 ]
	[ ! -s "$RR_DIR/d.out" ]
	mon=$(rd_state_file | jq -r '."rlite.monitorPid"')
	rd_wait_status stopped
	rd_wait_gone "$mon"
	rd_state_file | jq .
	[ "$(rd_state_file | jq -r '."rlite.exitStatus"')" = 7 ]
	rd_state_file | jq -er '."rlite.finished" | test("^[0-9-]+T[0-9:.]+Z$")'
	rd_rlite list --format json | jq -e --arg id "$RR_ID" \
		'.[] | select(.id == $id) | .status == "stopped"'
	run "$RLITE_BIN" --root "$RR_STATE" logs "$RR_ID"
	[ "$status" -eq 0 ]
	[ "$output" = bye ]

	rd_rlite delete "$RR_ID"
	[ ! -e "$RR_STATE/$RR_ID" ]
	[ -z "$(rr_tagged_pids)" ]
	run "$RLITE_BIN" --root "$RR_STATE" logs "$RR_ID"
	[[ "$output" == *"container does not exist"* ]]
}

@test "run -d: the container survives the session that started it" {
	need_detach
	rr_sh 'exec sleep 100000'
	rr_run_d_in_session
	script_pid=$RR_SCRIPT_PID
	cat "$RR_DIR/d.out"
	[ "$(cat "$RR_DIR/d.status")" = 0 ]
	sh_pid=$(cat "$RR_DIR/sh.pid")
	pid=$(rd_rlite state "$RR_ID" | jq -r .pid)
	mon=$(rd_state_file | jq -r '."rlite.monitorPid"')
	[ "$(ps -o sid= -p "$mon" | tr -d ' ')" != "$sh_pid" ]

	rr_hangup_session "$sh_pid" "$script_pid"
	rd_wait_gone "$sh_pid"
	sleep 1
	rd_alive "$pid"
	rd_alive "$mon"
	[ "$(rd_status)" = running ]
}

@test "run -d: delete --force stops the container and its monitor" {
	need_detach
	rr_sh 'trap "" TERM; echo up; exec sleep 100000'
	rd_run_d
	[ "$status" -eq 0 ]
	pid=$(rd_rlite state "$RR_ID" | jq -r .pid)
	mon=$(rd_state_file | jq -r '."rlite.monitorPid"')
	rd_alive "$pid"
	rd_alive "$mon"
	run "$RLITE_BIN" --root "$RR_STATE" delete "$RR_ID"
	[ "$status" -ne 0 ] # running: refused without --force
	rd_rlite delete --force "$RR_ID"
	rd_wait_gone "$pid"
	rd_wait_gone "$mon"
	[ ! -e "$RR_STATE/$RR_ID" ]
	[ -z "$(rr_tagged_pids)" ]
}

@test "run -d: SIGTERM to the monitor goes to the container; the exit is recorded" {
	need_detach
	# A handler: pid 1 of a pid namespace gets no signal it has none for.
	rr_sh 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.1; done'
	rd_run_d
	[ "$status" -eq 0 ]
	rd_wait_log ready
	mon=$(rd_state_file | jq -r '."rlite.monitorPid"')
	kill -TERM "$mon"
	rd_wait_gone "$mon"
	rd_wait_status stopped
	[ "$(rd_state_file | jq -r '."rlite.exitStatus"')" = 3 ]
	rd_rlite logs "$RR_ID" | grep -qx got-term
}

@test "run -d: the log is bounded, the newest output kept" {
	need_detach
	# 3.2 MB of numbered 8-byte lines, then a last line.
	rr_sh 'seq 1000000 1400000; echo LAST'
	rd_run_d
	[ "$status" -eq 0 ]
	rd_wait_status stopped 60
	mon=$(rd_state_file | jq -r '."rlite.monitorPid"')
	rd_wait_gone "$mon"
	log=$RR_STATE/$RR_ID/container.log
	ls -l "$log" "$log.1"
	[ "$(stat -c %s "$log")" -le 1048576 ]
	[ "$(stat -c %s "$log.1")" -eq 1048576 ]
	[ "$(rd_rlite logs "$RR_ID" | tail -n 1)" = LAST ]
	# .1 then the log: consecutive lines, nothing lost at the seam.
	rd_rlite logs "$RR_ID" | sed -e '1d' -e '$d' | awk 'NR > 1 && $1 != prev + 1 { bad = 1 } { prev = $1 } END { exit bad }'
}

@test "logs --follow: prints as it comes, returns when the monitor exits" {
	need_detach
	rr_sh 'echo first; sleep 1; echo second; sleep 1; echo third; exit 0'
	rd_run_d
	[ "$status" -eq 0 ]
	run timeout "$RR_GUARD" "$RLITE_BIN" --root "$RR_STATE" logs --follow "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'first\nsecond\nthird')" ]
}

@test "run -d: a container that cannot start fails run -d and leaves nothing" {
	need_detach
	rr_jq '.process.args = ["/nonexistent"]'
	rd_run_d
	[ "$status" -ne 0 ]
	grep -qi "no such file" "$RR_DIR/d.err"
	[ ! -s "$RR_DIR/d.out" ]
	rr_wait_for rr_no_tagged_pids
	[ ! -e "$RR_STATE/$RR_ID" ]
}
