#!/usr/bin/env bats
# How a container ended, where a user sees it: `state`, `list` and `wait`,
# with real busybox containers (README "Detached containers").
#
# Every test has its own --root, bundle and ids (run_helpers.bash); its
# containers are named $RR_ID or $RR_ID-SOMETHING and carry the test's tag,
# and teardown deletes every container under the test's --root before
# rr_teardown kills whatever still carries the tag (monitors and waiters
# included: they inherit it) and removes the rest.  Nothing waits a fixed
# time for a property: every wait is a poll with a deadline.

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
	rr_host_dir
}

teardown() {
	local id
	if [ -n "${RR_STATE:-}" ] && [ -d "$RR_STATE" ]; then
		for id in $("$RLITE_BIN" --root "$RR_STATE" list -q 2>/dev/null); do
			timeout -k 5 "$RR_GUARD" "$RLITE_BIN" --root "$RR_STATE" delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	rr_teardown
}

# wt ARGS: rlite with the test's --root, tagged so that teardown finds what
# it leaves running (a monitor, a waiter).
wt() {
	env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" "$@"
}

# wt_run_d ID: `run -d` of the bundle as container ID; must succeed.
wt_run_d() {
	wt run -d --bundle "$RR_BUNDLE" "$1" </dev/null
}

wt_state() {
	wt state "$1"
}

# wt_field ID KEY: one key of `state`, "null" when absent.
wt_field() {
	wt state "$1" | jq -r --arg k "$2" '.[$k]'
}

wt_monitor() {
	jq -r '."rlite.monitorPid"' "$RR_STATE/$1/state.json"
}

# A live, non-zombie process.
wt_alive() {
	[ -e "/proc/$1/stat" ] && ! awk '{ exit !($3 == "Z" || $3 == "X") }' "/proc/$1/stat"
}

wt_status_is() {
	[ "$(wt_field "$1" status)" = "$2" ]
}

# wt_wait_bg NAME ID...: `rlite wait ID...` in the background; its stdout,
# stderr and exit status land in $RR_DIR/NAME.{out,err,rc}.
wt_wait_bg() {
	local name=$1
	shift
	# bats waits for whatever holds its fd 3: not for a waiter.
	(
		rc=0
		wt wait "$@" >"$RR_DIR/$name.out" 2>"$RR_DIR/$name.err" || rc=$?
		echo "$rc" >"$RR_DIR/$name.rc"
	) </dev/null >/dev/null 2>&1 3>&- &
}

wt_bg_done() {
	[ -s "$RR_DIR/$1.rc" ]
}

wt_bg_running() {
	[ ! -s "$RR_DIR/$1.rc" ]
}

# wt_blocked PID: PID sleeps in the kernel (state S), not on the CPU.
wt_blocked() {
	[ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = S ]
}

# The pid of a background waiter: the rlite process whose parent is the
# subshell of wt_wait_bg.
wt_waiter_pid() {
	pgrep -P "$1" -f "wait" | head -n 1
}

# wt_asleep SUBSHELL: until the waiter wt_wait_bg started in SUBSHELL ($!)
# runs and sleeps in the kernel.
wt_asleep() {
	local sub=$1
	rr_wait_for eval '[ -n "$(wt_waiter_pid "$sub")" ]' &&
		rr_wait_for wt_blocked "$(wt_waiter_pid "$sub")"
}

# Whether this kernel keeps exit statuses for pidfds (Linux 6.15).
wt_kernel_keeps_exit() {
	local v
	v=$(uname -r | awk -F'[.-]' '{ printf "%d%03d", $1, $2 }')
	[ "$v" -ge 6015 ]
}

@test "run -d: exit codes 0, 3 and 255 in wait, state and list" {
	for code in 0 3 255; do
		rr_sh "echo ran-$code; exit $code"
		wt_run_d "$RR_ID-$code"
	done
	for code in 0 3 255; do
		run wt wait "$RR_ID-$code"
		echo "wait $code: $status: $output"
		[ "$status" -eq "$code" ]
		[ "$output" = "$code" ]
		wt_state "$RR_ID-$code"
		[ "$(wt_field "$RR_ID-$code" status)" = stopped ]
		[ "$(wt_field "$RR_ID-$code" rlite.exitStatus)" = "$code" ]
		[ "$(wt_field "$RR_ID-$code" rlite.exitSignal)" = null ]
		[ "$(wt_field "$RR_ID-$code" rlite.stoppedBy)" = itself ]
		wt_field "$RR_ID-$code" rlite.finished | grep -Eq '^[0-9]{4}-[0-9-]{5}T[0-9:]{8}\.[0-9]{9}Z$'
		[ "$(wt logs "$RR_ID-$code")" = "ran-$code" ]
	done
	# runc's fields come first, in runc's order, as before.
	[ "$(wt state "$RR_ID-3" | jq -c 'keys_unsorted')" = \
		'["ociVersion","id","pid","status","bundle","rootfs","created","owner","rlite.exitStatus","rlite.finished","rlite.stoppedBy"]' ]
	[ "$(wt_field "$RR_ID-3" pid)" = 0 ]
	# list --format json: the same fields.
	wt list --format json | jq -e --arg id "$RR_ID-255" \
		'.[] | select(.id == $id) | ."rlite.exitStatus" == 255 and ."rlite.stoppedBy" == "itself"'
	# list --long: EXIT and FINISHED.
	run wt list --long
	echo "$output"
	[ "$(echo "${lines[0]}" | awk '{ print $7, $8 }')" = "EXIT FINISHED" ]
	[ "$(echo "$output" | awk -v id="$RR_ID-3" '$1 == id { print $7 }')" = 3 ]
	[ "$(echo "$output" | awk -v id="$RR_ID-255" '$1 == id { print $7 }')" = 255 ]
	[ "$(echo "$output" | awk -v id="$RR_ID-0" '$1 == id { print $7 }')" = 0 ]
	[ "$(echo "$output" | awk -v id="$RR_ID-3" '$1 == id { print $8 }')" = \
		"$(wt_field "$RR_ID-3" rlite.finished)" ]
}

@test "list: the table without --long stays runc's" {
	rr_sh 'exit 3'
	wt_run_d "$RR_ID"
	wt wait "$RR_ID" || true
	run wt list
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
	[ "$(echo "${lines[1]}" | awk '{ print NF }')" = 6 ]
	[[ "$output" != *EXIT* && "$output" != *FINISHED* ]]
}

@test "kill TERM: 143, the signal named, stopped by rlite kill" {
	rr_sh 'echo up; exec sleep 60'
	wt_run_d "$RR_ID"
	rr_wait_for wt_status_is "$RR_ID" running
	wt kill "$RR_ID" TERM
	run wt wait "$RR_ID"
	echo "$output"
	[ "$status" -eq 143 ]
	[ "$output" = 143 ]
	wt_state "$RR_ID"
	[ "$(wt_field "$RR_ID" rlite.exitStatus)" = 143 ]
	[ "$(wt_field "$RR_ID" rlite.exitSignal)" = SIGTERM ]
	[ "$(wt_field "$RR_ID" rlite.exitSignalNumber)" = 15 ]
	[ "$(wt_field "$RR_ID" rlite.stoppedBy)" = "rlite kill" ]
	[ "$(wt list --long | awk -v id="$RR_ID" '$1 == id { print $7 }')" = 143/SIGTERM ]
}

@test "kill KILL: 137, SIGKILL, stopped by rlite kill" {
	rr_sh 'trap "" TERM; exec sleep 60'
	wt_run_d "$RR_ID"
	rr_wait_for wt_status_is "$RR_ID" running
	wt kill "$RR_ID" KILL
	run wt wait "$RR_ID"
	[ "$status" -eq 137 ]
	[ "$output" = 137 ]
	wt_state "$RR_ID"
	[ "$(wt_field "$RR_ID" rlite.exitSignal)" = SIGKILL ]
	[ "$(wt_field "$RR_ID" rlite.exitSignalNumber)" = 9 ]
	[ "$(wt_field "$RR_ID" rlite.stoppedBy)" = "rlite kill" ]
}

@test "a signal rlite did not send: named, stopped by itself; exit(143) is no signal" {
	rr_sh 'exec sleep 100000'
	wt_run_d "$RR_ID"
	rr_wait_for wt_status_is "$RR_ID" running
	init=$(wt_field "$RR_ID" pid)
	# The workload, behind the pid-1 shim: its only child.
	work=$(awk '{ print $1 }' "/proc/$init/task/$init/children")
	[ -n "$work" ]
	kill -TERM "$work"
	run wt wait "$RR_ID"
	[ "$status" -eq 143 ]
	[ "$(wt_field "$RR_ID" rlite.exitSignal)" = SIGTERM ]
	[ "$(wt_field "$RR_ID" rlite.stoppedBy)" = itself ]

	rr_sh 'exit 143'
	wt_run_d "$RR_ID-exit"
	run wt wait "$RR_ID-exit"
	[ "$status" -eq 143 ]
	wt_state "$RR_ID-exit"
	[ "$(wt_field "$RR_ID-exit" rlite.exitStatus)" = 143 ]
	[ "$(wt_field "$RR_ID-exit" rlite.exitSignal)" = null ]
	[ "$(wt_field "$RR_ID-exit" rlite.stoppedBy)" = itself ]
}

@test "wait: a running container, woken by its end, asleep until then" {
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done; exit 4'
	wt_run_d "$RR_ID"
	rr_wait_for wt_status_is "$RR_ID" running
	wt_wait_bg w "$RR_ID"
	sub=$!
	wt_asleep "$sub"
	waiter=$(wt_waiter_pid "$sub")
	# Asleep and still waiting while the container runs.
	[ "$(wt_field "$RR_ID" status)" = running ]
	wt_bg_running w
	touch "$RR_HOST/go"
	rr_wait_for wt_bg_done w
	cat "$RR_DIR/w.err"
	[ "$(cat "$RR_DIR/w.rc")" = 4 ]
	[ "$(cat "$RR_DIR/w.out")" = 4 ]
}

@test "wait: no wake-ups while it waits (context switches over 2 s)" {
	rr_sh 'exec sleep 100000'
	wt_run_d "$RR_ID"
	rr_wait_for wt_status_is "$RR_ID" running
	wt_wait_bg w "$RR_ID"
	sub=$!
	wt_asleep "$sub"
	waiter=$(wt_waiter_pid "$sub")
	a=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$waiter/status")
	t0=$(awk '{ print $14 + $15 }' "/proc/$waiter/stat")
	# The measurement window: a poller every few ms would switch hundreds
	# of times in it.
	sleep 2
	b=$(awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$waiter/status")
	t1=$(awk '{ print $14 + $15 }' "/proc/$waiter/stat")
	echo "voluntary context switches: $a -> $b; utime+stime ticks: $t0 -> $t1"
	[ "$b" -eq "$a" ]
	[ "$t1" -eq "$t0" ]
	wt_bg_running w
	wt kill "$RR_ID" KILL
	rr_wait_for wt_bg_done w
	[ "$(cat "$RR_DIR/w.rc")" = 137 ]
}

@test "wait: two waiters on one container both get its status" {
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done; exit 42'
	wt_run_d "$RR_ID"
	rr_wait_for wt_status_is "$RR_ID" running
	wt_wait_bg w1 "$RR_ID"
	wt_asleep $!
	wt_wait_bg w2 "$RR_ID"
	wt_asleep $!
	wt_bg_running w1
	touch "$RR_HOST/go"
	rr_wait_for wt_bg_done w1
	rr_wait_for wt_bg_done w2
	[ "$(cat "$RR_DIR/w1.rc")" = 42 ]
	[ "$(cat "$RR_DIR/w2.rc")" = 42 ]
	[ "$(cat "$RR_DIR/w1.out")" = 42 ]
	[ "$(cat "$RR_DIR/w2.out")" = 42 ]
}

@test "wait: a created container (create, start) gets the kernel's record of its end" {
	if ! wt_kernel_keeps_exit; then
		skip "the kernel keeps no exit status for pidfds before Linux 6.15"
	fi
	rr_sh 'exit 5'
	wt create --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	[ "$(wt_field "$RR_ID" status)" = created ]
	wt_wait_bg w "$RR_ID"
	wt_asleep $!
	wt_bg_running w
	wt start "$RR_ID"
	rr_wait_for wt_bg_done w
	cat "$RR_DIR/w.err"
	[ "$(cat "$RR_DIR/w.rc")" = 5 ]
	[ "$(cat "$RR_DIR/w.out")" = 5 ]
	# Not detached: no monitor recorded it, and state invents nothing.
	wt_state "$RR_ID"
	[ "$(wt_state "$RR_ID" | jq -c '[keys_unsorted[] | select(startswith("rlite."))]')" = '[]' ]
	# A wait that starts now did not see it end: unknown, and no number.
	run wt wait "$RR_ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = "rlite: container $RR_ID: exit status unknown: not detached (no monitor recorded its end), and it stopped before wait began watching" ]
}

@test "wait: a stopped container answers at once; missing ones as the other commands" {
	rr_sh 'exit 3'
	wt_run_d "$RR_ID"
	rr_wait_for eval '[ "$(wt_field "$RR_ID" rlite.exitStatus)" = 3 ]'
	# at once: it does not block for an end that came already (the guard
	# only stops a hung run)
	run timeout -k 5 "$RR_GUARD" "$RLITE_BIN" --root "$RR_STATE" wait "$RR_ID"
	[ "$status" -eq 3 ]
	[ "$output" = 3 ]

	run "$RLITE_BIN" --root "$RR_STATE" wait nosuch
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "$("$RLITE_BIN" --root "$RR_STATE" state nosuch 2>&1)" ]
	[[ "$output" == *"container does not exist"* ]]

	# Several: in turn, one line each, the first one's status; the first
	# it cannot wait for ends it.
	rr_sh 'exit 7'
	wt_run_d "$RR_ID-b"
	run wt wait "$RR_ID" "$RR_ID-b"
	[ "$status" -eq 3 ]
	[ "$output" = "$(printf '3\n7')" ]
	run wt wait "$RR_ID" nosuch "$RR_ID-b"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = 3 ]
	[[ "${lines[1]}" == *"container does not exist"* ]]
	[ "${#lines[@]}" -eq 2 ]
}

@test "wait --timeout: 124 and a message when it expires; 0 does not block" {
	rr_sh 'exec sleep 100000'
	wt_run_d "$RR_ID"
	rr_wait_for wt_status_is "$RR_ID" running
	t0=$(date +%s%N)
	run wt wait --timeout 300ms "$RR_ID"
	t1=$(date +%s%N)
	echo "$output ($(((t1 - t0) / 1000000)) ms)"
	[ "$status" -eq 124 ]
	[ "$output" = "rlite: wait: timed out after 300ms: container $RR_ID is still running" ]
	[ $(((t1 - t0) / 1000000)) -ge 300 ]
	[ "$(wt_field "$RR_ID" status)" = running ]
	run wt wait --timeout 0 "$RR_ID"
	[ "$status" -eq 124 ]
	run wt wait --timeout -1s "$RR_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"must not be negative"* ]]
	# Within the timeout: the status, as without one.
	wt kill "$RR_ID" KILL
	run wt wait --timeout "${RR_DEADLINE}s" "$RR_ID"
	[ "$status" -eq 137 ]
	[ "$output" = 137 ]
}

@test "wait: delete --force while waited for: 137" {
	rr_sh 'trap "" TERM; exec sleep 60'
	wt_run_d "$RR_ID"
	rr_wait_for wt_status_is "$RR_ID" running
	wt_wait_bg w "$RR_ID"
	wt_asleep $!
	wt delete --force "$RR_ID"
	rr_wait_for wt_bg_done w
	cat "$RR_DIR/w.err"
	if wt_kernel_keeps_exit; then
		[ "$(cat "$RR_DIR/w.rc")" = 137 ]
		[ "$(cat "$RR_DIR/w.out")" = 137 ]
	else
		[ "$(cat "$RR_DIR/w.rc")" = 1 ]
		grep -q "exit status unknown: the container was deleted" "$RR_DIR/w.err"
	fi
}

@test "the monitor killed: state and list say so, wait invents nothing" {
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done; exit 9'
	wt_run_d "$RR_ID"
	rr_wait_for wt_status_is "$RR_ID" running
	mon=$(wt_monitor "$RR_ID")
	wt_wait_bg early "$RR_ID"
	wt_asleep $!
	kill -KILL "$mon"
	rr_wait_for eval '! wt_alive "$mon"'
	# The container runs on without it (the shim has no parent-death
	# signal any more), and nobody records its end.
	[ "$(wt_field "$RR_ID" status)" = running ]
	touch "$RR_HOST/go"
	rr_wait_for wt_status_is "$RR_ID" stopped
	wt_state "$RR_ID"
	[ "$(wt_field "$RR_ID" rlite.exitStatusUnknown)" = "monitor gone" ]
	[ "$(wt_field "$RR_ID" rlite.exitStatus)" = null ]
	[ "$(wt_field "$RR_ID" rlite.finished)" = null ]
	[ "$(wt list --long | awk -v id="$RR_ID" '$1 == id { print $7, $8 }')" = "unknown -" ]
	run wt wait "$RR_ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[ "$output" = "rlite: container $RR_ID: exit status unknown: monitor gone" ]
	# A waiter that watched the init to its end has the kernel's record
	# (its new parent, pid 1 here, reaped it).
	rr_wait_for wt_bg_done early
	cat "$RR_DIR/early.err"
	if wt_kernel_keeps_exit; then
		[ "$(cat "$RR_DIR/early.rc")" = 9 ]
		[ "$(cat "$RR_DIR/early.out")" = 9 ]
	else
		[ "$(cat "$RR_DIR/early.rc")" = 1 ]
	fi
}

@test "run -d: the container survives a hangup of its session; its end is recorded" {
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done; exit 6'
	rr_run_d_in_session
	script_pid=$RR_SCRIPT_PID
	cat "$RR_DIR/d.out"
	[ "$(cat "$RR_DIR/d.status")" = 0 ]
	sh_pid=$(cat "$RR_DIR/sh.pid")
	pid=$(wt_field "$RR_ID" pid)
	mon=$(wt_monitor "$RR_ID")
	rr_hangup_session "$sh_pid" "$script_pid"
	rr_wait_for eval '! wt_alive "$sh_pid"'
	wt_alive "$pid"
	wt_alive "$mon"
	[ "$(wt_field "$RR_ID" status)" = running ]
	touch "$RR_HOST/go"
	run wt wait --timeout "${RR_DEADLINE}s" "$RR_ID"
	[ "$status" -eq 6 ]
	[ "$output" = 6 ]
	[ "$(wt_field "$RR_ID" rlite.exitStatus)" = 6 ]
	[ "$(wt_field "$RR_ID" rlite.stoppedBy)" = itself ]
}

@test "wait --help says what it does" {
	run "$RLITE_BIN" wait --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: rlite wait [--timeout DURATION] ID [ID...]" ]]
	[[ "$output" == *"exit status unknown"* ]]
	[[ "$output" == *"exit 124"* ]]
	run "$RLITE_BIN" wait
	[ "$status" -eq 1 ]
	[[ "$output" == *"container ID is required"* ]]
}
