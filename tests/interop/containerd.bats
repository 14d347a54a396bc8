#!/usr/bin/env bats
# containerd 1.6 on the runtime under test, through its runc shim v2 and
# ctr: run in the foreground and detached, task ls, ps, exec, pause and
# resume, kill (TERM, KILL, --all), metrics, terminals, delete, and a task
# that ends on its own.  containerd is the file's own (setup_file starts
# it, teardown_file stops it: containerd_helpers.bash).
# INTEROP_RUNTIME=runc runs the same against runc.

# Container scripts are in single quotes on purpose; stderr is bats' (run).
# shellcheck disable=SC2016,SC2154

load containerd_helpers

setup_file() {
	ct_setup_file
}

teardown_file() {
	ct_teardown_file
}

setup() {
	ct_setup
}

teardown() {
	ct_teardown
}

# cr_detached [CTR RUN OPTIONS] -- COMMAND...: `ctr run -d` of the test's
# container CT_ID, its stdout and stderr to CT_T/out.
cr_detached() {
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	io_run -0 ct_run -d --log-uri "file://$CT_T/out" "${opts[@]}" -- "$CT_ID" "$@"
	ct_wait_status "$CT_ID" RUNNING
}

# A loop that keeps the task busy until it is killed.
CR_LOOP='echo ready; while :; do sleep 0.1; done'

@test "ctr run --rm: the workload's stdout, stderr and exit status; nothing is left" {
	io_run -3 ct_run --rm -- "$CT_ID" sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'
	[ "$output" = to-stdout ]
	[ "$stderr" = to-stderr ]
	ct_assert_gone "$CT_ID"
}

@test "ctr run: a missing program fails the run with the runtime's error" {
	# The shim reads the error from the runtime's --log (JSON) and ctr
	# prints it.
	io_run ct_run --rm -- "$CT_ID" /no/such-program
	[ "$status" -ne 0 ]
	[[ "$stderr" == *'OCI runtime create failed'*'/no/such-program'* ]]
	ct_assert_gone "$CT_ID"
}

@test "ctr run -d: task ls shows it RUNNING; task ps lists its init and the workload" {
	cr_detached -- sh -c 'sleep 1000 & '"$CR_LOOP"
	io_wait_until 10 ct_log_has ready
	io_run -0 ct task ls
	local pid
	pid=$(ct_task_pid "$CT_ID")
	[[ "$output" == *"$CT_ID"*"$pid"*RUNNING* ]]
	# The task's pid is pid 1 of the container's pid namespace (with rlite:
	# rlite's pid-1 shim, with the workload as its child).
	io_ns_pid1 "$pid"
	io_run -0 ct task ps "$CT_ID"
	[[ "$output" == *"$pid"* ]]
	ct_pid_of_cmd "$CT_ID" "sleep 1000"
	ct_pid_of_cmd "$CT_ID" "sh -c sleep 1000 & $CR_LOOP"
}

@test "ctr task exec: output and exit status; with -t a terminal" {
	cr_detached -- sh -c "$CR_LOOP"
	io_run -4 ct task exec --exec-id e1 "$CT_ID" sh -c 'echo in-exec; echo exec-err >&2; exit 4'
	[ "$output" = in-exec ]
	[ "$stderr" = exec-err ]
	io_run -5 ct_tty task exec -t --exec-id e2 "$CT_ID" sh -c 'tty; [ -t 0 ] && echo stdin-tty; exit 5' </dev/null
	[[ "$output" == *'/dev/pts/'* ]]
	[[ "$output" == *stdin-tty* ]]
	ct_status_is "$CT_ID" RUNNING
}

@test "ctr task pause, resume: PAUSED and frozen, then RUNNING again" {
	cr_detached -- sh -c "$CR_LOOP"
	local pid
	pid=$(ct_task_pid "$CT_ID")
	io_run -0 ct task pause "$CT_ID"
	io_run -0 ct_task_status "$CT_ID"
	[ "$output" = PAUSED ]
	io_frozen "$pid"
	io_run -0 ct task resume "$CT_ID"
	io_run -0 ct_task_status "$CT_ID"
	[ "$output" = RUNNING ]
	run ! io_frozen "$pid"
}

@test "ctr task kill: TERM reaches the workload's handler; its exit status comes at delete" {
	cr_detached -- sh -c 'trap "echo got-TERM; exit 9" TERM; '"$CR_LOOP"
	io_wait_until 10 ct_log_has ready
	io_run -0 ct task kill "$CT_ID"
	ct_wait_status "$CT_ID" STOPPED
	ct_log_has got-TERM
	io_run -0 ct task delete "$CT_ID"
	[[ "$stderr" == *"task $CT_ID exit with non-zero exit code 9"* ]]
	io_run -0 ct container delete "$CT_ID"
	ct_assert_gone "$CT_ID"
}

@test "ctr task kill -s KILL: the task stops with 137; task delete and container delete leave nothing" {
	cr_detached -- sh -c "$CR_LOOP"
	io_run -0 ct task kill --signal KILL "$CT_ID"
	ct_wait_status "$CT_ID" STOPPED
	io_run -0 ct task delete "$CT_ID"
	[[ "$stderr" == *"task $CT_ID exit with non-zero exit code 137"* ]]
	io_run -0 ct task ls
	[[ "$output" != *"$CT_ID"* ]]
	io_run -0 ct container delete "$CT_ID"
	io_run -0 ct container ls -q
	[[ "$output" != *"$CT_ID"* ]]
	ct_assert_gone "$CT_ID"
}

@test "ctr task kill --all: every process of the container gets the signal, not only its init" {
	cr_detached -- sh -c 'trap "echo init-got-TERM" TERM; sleep 1000 & '"$CR_LOOP"
	io_wait_until 10 ct_log_has ready
	local sleeper
	sleeper=$(ct_pid_of_cmd "$CT_ID" "sleep 1000")
	# Without --all only the init's workload gets it: its handler runs, the
	# background sleep lives on.
	io_run -0 ct task kill --signal TERM "$CT_ID"
	io_wait_until 10 ct_log_has init-got-TERM
	kill -0 "$sleeper"
	ct_status_is "$CT_ID" RUNNING
	# With --all, the sleep (no handler) dies of it too; the init's
	# workload handles it and goes on.
	io_run -0 ct task kill --all --signal TERM "$CT_ID"
	io_wait_until 10 ct_pid_gone "$sleeper"
	ct_status_is "$CT_ID" RUNNING
	io_run -0 ct task kill --all --signal KILL "$CT_ID"
	ct_wait_status "$CT_ID" STOPPED
}

@test "ctr task metrics: the container's cgroup, with the --memory-limit applied" {
	# The runc shim reads these from the cgroup of the task's init pid
	# itself (it never asks the runtime for `events --stats`): they show
	# that the runtime put the container where containerd expects and
	# applied the limit.
	cr_detached --memory-limit 67108864 -- sh -c 'sleep 1000 & '"$CR_LOOP"
	io_wait_until 10 ct_log_has ready
	io_run -0 ct task metrics "$CT_ID"
	printf '%s\n' "${lines[@]}" | grep -Eq '^memory\.(limit_in_bytes|limit) +67108864 *$'
	local pids
	pids=$(printf '%s\n' "${lines[@]}" | awk '$1 == "pids.current" { print $2 }')
	[ "$pids" -ge 3 ]
	io_run -0 ct task metrics --format json "$CT_ID"
	[ "$(jq -r '.memory.usage.limit // .memory.usage_limit' <<<"$output")" = 67108864 ]
}

@test "ctr run --tty: the workload has a terminal, and its exit status comes back" {
	io_run -6 ct_tty run --rm --tty --runc-binary "$IO_RUNTIME_BIN" --runc-root "$CT_DIR/runtime-state" \
		--fifo-dir "$CT_DIR/fifo" --env PATH=/bin --rootfs "$CT_ROOTFS" "$CT_ID" \
		sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-tty; exit 6' </dev/null
	[[ "$output" == *'/dev/pts/0'* ]]
	[[ "$output" == *both-tty* ]]
	ct_assert_gone "$CT_ID"
}

@test "ctr run -d: a task that exits on its own is STOPPED, its status reported at delete" {
	cr_detached -- sh -c 'echo ready; while [ ! -e /go ]; do sleep 0.05; done; echo leaving; exit 5'
	io_wait_until 10 ct_log_has ready
	# It cannot end before /go exists in its root (the test's rootfs).
	ct_status_is "$CT_ID" RUNNING
	touch "$CT_ROOTFS/go"
	ct_wait_status "$CT_ID" STOPPED
	ct_log_has leaving
	io_run -0 ct task delete "$CT_ID"
	[[ "$stderr" == *"task $CT_ID exit with non-zero exit code 5"* ]]
	io_run -0 ct container delete "$CT_ID"
	ct_assert_gone "$CT_ID"
}
