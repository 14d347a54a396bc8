#!/usr/bin/env bats
# NOTIFY_SOCKET (runtime/notify.h): systemd's readiness protocol through the
# container, as runc has it.  A host listener (helpers/sdnotify listen)
# stands in for systemd and records every datagram and its sender; the
# container sends READY=1 with the same helper (sdnotify send), copied into
# its rootfs.  Needs root.  What a test waits for it polls with
# rr_wait_for; single commands are guarded by RR_GUARD.

# jq filters and container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load run_helpers

RL_HELPERS=${RL_HELPERS:-$BATS_TEST_DIRNAME/../../build/tests/helpers}

setup_file() {
	rr_setup_file
}

teardown_file() {
	rr_teardown_file
}

setup() {
	[ -x "$RL_HELPERS/sdnotify" ] || skip "sdnotify helper not built"
	unset NOTIFY_SOCKET
	rr_setup
	cp "$RL_HELPERS/sdnotify" "$RR_BUNDLE/rootfs/bin/"
	# made here: a root in a user namespace may not create it in the image
	mkdir -p "$RR_BUNDLE/rootfs/mnt/host"
	rr_host_dir
	NT_SOCK=$RR_DIR/host.sock
	NT_GOT=$RR_DIR/got
}

teardown() {
	if [ -n "${RR_DIR:-}" ] && [ -s "$RR_DIR/listen.pid" ]; then
		kill -9 "$(cat "$RR_DIR/listen.pid")" 2>/dev/null || true
	fi
	rr_teardown
}

# nt_listen: systemd's socket at $NT_SOCK; what it receives goes to $NT_GOT,
# the senders' pids to $NT_GOT.senders.  teardown kills it; its own time
# limit only keeps a listener from outliving a broken teardown, and is well
# beyond any test's.
nt_listen() {
	"$RL_HELPERS/sdnotify" listen -p "$RR_DIR/listen.pid" -t "$((RR_GUARD * 10))" \
		"$NT_SOCK" "$NT_GOT"
}

nt_rlite() {
	"$RLITE_BIN" --root "$RR_STATE" "$@"
}

# nt_create: `rlite create` with NOTIFY_SOCKET; its output goes to a file,
# as the created init holds create's stdout.
nt_create() {
	timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" NOTIFY_SOCKET="$NT_SOCK" \
		"$RLITE_BIN" --root "$RR_STATE" create --bundle "$RR_BUNDLE" "$RR_ID" \
		</dev/null >"$RR_DIR/create.log" 2>&1 || { cat "$RR_DIR/create.log"; return 1; }
}

# nt_wait_file FILE: until the container made it (rr_wait_for).
nt_wait_file() {
	rr_wait_for test -e "$1"
}

# The three datagrams runc sends once the container is ready.
nt_expect_relay() {
	echo "--- received:"
	cat "$NT_GOT"
	[ "$(cat "$NT_GOT")" = "READY=1"$'\n'"MAINPID=$1"$'\n'"BARRIER=1 +fd" ]
}

# The workload says READY once the test created /mnt/host/go: whatever
# returns before that cannot have waited for it.
NT_READY_ON_GO='echo "$NOTIFY_SOCKET" >/mnt/host/env; env | grep -c ^NOTIFY_SOCKET= >>/mnt/host/env
	grep " /run/notify " /proc/self/mounts >/mnt/host/mnt
	ls /proc/self/fd | sort -n | tr "\n" " " >/mnt/host/fds
	touch /mnt/host/waiting
	while [ ! -e /mnt/host/go ]; do sleep 0.05; done
	sdnotify send READY=1 && touch /mnt/host/sent
	exec sleep 1000'

@test "create + start: start returns after the READY, relayed with MAINPID the init" {
	nt_listen
	# a NOTIFY_SOCKET of the config's is replaced, not doubled
	rr_jq '.process.env += ["NOTIFY_SOCKET=/somewhere/else"]'
	rr_sh "$NT_READY_ON_GO"
	nt_create
	local pid
	pid=$(nt_rlite state "$RR_ID" | jq .pid)
	(
		nt_wait_file "$RR_HOST/waiting" >/dev/null && touch "$RR_HOST/go"
	) &
	run timeout -k 5 "$RR_GUARD" env NOTIFY_SOCKET="$NT_SOCK" "$RLITE_BIN" --root "$RR_STATE" start "$RR_ID"
	wait
	echo "start: $status $output"
	[ "$status" -eq 0 ]
	# sent is touched after the READY went: it may come after the relay
	nt_wait_file "$RR_HOST/sent"
	nt_expect_relay "$pid"
	# the container's view: the variable, the read-only mount, no fd of ours
	[ "$(cat "$RR_HOST/env")" = $'/run/notify/notify.sock\n1' ]
	cat "$RR_HOST/mnt"
	[[ " $(awk '{ print $4 }' "$RR_HOST/mnt") " == *" ro,nosuid,nodev,noexec,"* ]]
	[ "$(cat "$RR_HOST/fds")" = "0 1 2 3 " ]
	[ "$(nt_rlite state "$RR_ID" | jq -r .status)" = running ]
	# the config on disk is the bundle's: no /run/notify mount written to it
	[ "$(jq '[.mounts[].destination | select(startswith("/run"))]' -c "$RR_BUNDLE/config.json")" = '[]' ]
}

@test "start: a workload that exits without READY ends the wait, nothing relayed" {
	nt_listen
	rr_sh 'exit 0'
	nt_create
	run timeout -k 5 "$RR_GUARD" env NOTIFY_SOCKET="$NT_SOCK" "$RLITE_BIN" --root "$RR_STATE" start "$RR_ID"
	echo "start: $status $output"
	[ "$status" -eq 0 ]
	[ ! -s "$NT_GOT" ]
}

@test "run -d: returns once the READY is relayed, MAINPID the init" {
	nt_listen
	rr_sh "$NT_READY_ON_GO"
	(
		nt_wait_file "$RR_HOST/waiting" >/dev/null && touch "$RR_HOST/go"
	) &
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" NOTIFY_SOCKET="$NT_SOCK" \
		"$RLITE_BIN" --root "$RR_STATE" run -d --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	wait
	echo "run -d: $status $output"
	[ "$status" -eq 0 ]
	# sent is touched after the READY went: it may come after the relay
	nt_wait_file "$RR_HOST/sent"
	nt_expect_relay "$(nt_rlite state "$RR_ID" | jq .pid)"
	[ "$(cat "$RR_HOST/env")" = $'/run/notify/notify.sock\n1' ]
}

@test "run -d: output beyond a pipe's capacity before the READY goes on into the log" {
	nt_listen
	# 256 KiB, four times what a pipe holds: the workload blocks in its
	# write unless the monitor copies while it waits for the READY
	rr_sh 'i=0; while [ $i -lt 1024 ]; do printf "%0255d\n" $i; i=$((i + 1)); done
		sdnotify send READY=1
		exec sleep 100000'
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" NOTIFY_SOCKET="$NT_SOCK" \
		"$RLITE_BIN" --root "$RR_STATE" run -d --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	echo "run -d: $status $output"
	[ "$status" -eq 0 ]
	nt_expect_relay "$(nt_rlite state "$RR_ID" | jq .pid)"
	local log=$RR_STATE/$RR_ID/container.log
	[ "$(wc -c <"$log")" -eq $((1024 * 256)) ]
	[ "$(head -n 1 "$log")" = "$(printf '%0255d' 0)" ]
	[ "$(tail -n 1 "$log")" = "$(printf '%0255d' 1023)" ]
}

@test "run: READY relayed with MAINPID rlite itself, then it waits for the container" {
	nt_listen
	rr_sh 'sdnotify send READY=1; while [ ! -e /mnt/host/go ]; do sleep 0.05; done; echo done'
	NOTIFY_SOCKET=$NT_SOCK rr_run_bg
	local init
	# the three datagrams relayed
	rr_wait_for rr_has_lines "$NT_GOT" 3
	init=$(nt_rlite state "$RR_ID" | jq .pid)
	touch "$RR_HOST/go"
	rr_wait_bg
	[ "$status" -eq 0 ]
	[ "$output" = "done" ]
	# MAINPID is the process that sent it: rlite, not the container's init
	local rlite_pid
	rlite_pid=$(head -n 1 "$NT_GOT.senders")
	echo "rlite: $rlite_pid, init: $init"
	[ "$rlite_pid" != "$init" ]
	nt_expect_relay "$rlite_pid"
}

@test "without NOTIFY_SOCKET: no /run/notify, no variable" {
	rr_sh '[ -e /run/notify ] && echo present || echo absent; env | grep -c ^NOTIFY_SOCKET='
	rr_run
	[ "${lines[0]}" = absent ]
	[ "${lines[1]}" = 0 ]
}

@test "a container in a user namespace still reaches the socket" {
	local why
	why=$(rr_userns_reason)
	[ -z "$why" ] || skip "$why"
	nt_listen
	rr_jq '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .mounts += [{"destination": "/run", "type": "tmpfs", "source": "tmpfs",
			       "options": ["nosuid", "nodev", "mode=755"]}]'
	# /run/notify is made like any mount point: the image's /run is the
	# host root's, which the container's root may not write to; a tmpfs
	# on /run (as podman mounts one) is its own.
	rr_sh 'sdnotify send READY=1 && exec sleep 1000'
	nt_create
	run timeout -k 5 "$RR_GUARD" env NOTIFY_SOCKET="$NT_SOCK" "$RLITE_BIN" --root "$RR_STATE" start "$RR_ID"
	echo "start: $status $output"
	[ "$status" -eq 0 ]
	nt_expect_relay "$(nt_rlite state "$RR_ID" | jq .pid)"
}

@test "a NOTIFY_SOCKET nobody listens on: create, run and run -d fail naming it, nothing left" {
	rr_sh 'exit 0'
	rr_snapshot
	status=0
	timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" NOTIFY_SOCKET="$RR_DIR/none.sock" \
		"$RLITE_BIN" --root "$RR_STATE" create --bundle "$RR_BUNDLE" "$RR_ID" \
		</dev/null >"$RR_DIR/create.log" 2>&1 || status=$?
	output=$(cat "$RR_DIR/create.log")
	echo "create: $status $output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"NOTIFY_SOCKET: connect to \"$RR_DIR/none.sock\""* ]]
	rr_assert_nothing_left
	for mode in run "run -d"; do
		# shellcheck disable=SC2086 # mode is two words for run -d
		run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" NOTIFY_SOCKET="$RR_DIR/none.sock" \
			"$RLITE_BIN" --root "$RR_STATE" $mode --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
		echo "$mode: $status $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"NOTIFY_SOCKET: connect to \"$RR_DIR/none.sock\""* ]]
		rr_assert_nothing_left
	done
}

@test "NOTIFY_SOCKET without a mount namespace of the container's own: refused" {
	nt_listen
	rr_jq '.linux.namespaces |= map(select(.type != "mount"))
		| del(.linux.maskedPaths, .linux.readonlyPaths) | .mounts = []'
	rr_sh 'exit 0'
	rr_snapshot
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" NOTIFY_SOCKET="$NT_SOCK" \
		"$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"NOTIFY_SOCKET: the container has no mount namespace of its own"* ]]
	rr_assert_nothing_left
}
