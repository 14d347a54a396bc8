#!/usr/bin/env bats
# podman run -d on the runtime under test: the container's life as a user
# drives and watches it (ps, logs, exec, top, stats, pause, stop, kill,
# restart, wait, rm, inspect, healthcheck).  conmon is the container's
# parent and calls the runtime (create, start, exec, kill, pause, resume,
# delete); podman reads cgroups and /proc itself for top and stats.
# INTEROP_RUNTIME=runc runs the same against runc.

# Container scripts are in single quotes on purpose; stderr is bats' (run).
# shellcheck disable=SC2016,SC2154

load podman_helpers

setup_file() {
	pm_setup_file
}

teardown_file() {
	pm_teardown_file
}

# Every test gets a host directory, bind-mounted on /io in the containers
# that use pd_run -v, where the workload leaves what the test reads and
# finds what the test gives it.
setup() {
	pm_setup
	PD_DIR=$IO_BASE/t$BATS_TEST_NUMBER
	mkdir -p "$PD_DIR"
	PD_BG=
}

teardown() {
	if [ -n "${PD_BG:-}" ]; then
		kill -9 "$PD_BG" 2>/dev/null || true
		wait "$PD_BG" 2>/dev/null || true
	fi
	pm_teardown
}

# pd_run NAME [PODMAN RUN OPTIONS] -- COMMAND...: `podman run -d` of the
# image with /io bound to PD_DIR; fails unless podman printed the id.
pd_run() {
	local name=$1
	shift
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	io_run -0 pm run -d --name "$name" -v "$PD_DIR:/io" "${opts[@]}" "$PM_IMAGE" "$@"
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	PD_ID=$output
}

# pd_logs_have NAME LINE: `podman logs NAME` has the line LINE.
pd_logs_have() {
	pm logs "$1" 2>&1 | grep -qx -- "$2"
}

# pd_logs_count_is NAME LINE N: the logs have LINE N times.
pd_logs_count_is() {
	[ "$(pm logs "$1" 2>&1 | grep -cx -- "$2")" = "$3" ]
}

# pd_counter_above N: the workload's counter in PD_DIR/n is above N.
pd_counter_above() {
	[ "$(cat "$PD_DIR/n")" -gt "$1" ]
}

pd_not_running() {
	! kill -0 "$1" 2>/dev/null
}

# A loop that keeps the container busy until it is stopped; TERM ends it
# with status 0 (so that stop is quick with either runtime: runc's pid 1
# would ignore a TERM it has no handler for).
PD_LOOP='trap "exit 0" TERM; echo ready; while :; do sleep 0.1; done'

@test "podman run -d: ps shows it up; inspect: running, its pid 1, exit code 0; logs" {
	pd_run c1 -- sh -c 'echo hello-log; '"$PD_LOOP"
	io_wait_until 10 pd_logs_have c1 ready
	io_run -0 pm ps --format '{{.ID}} {{.Names}} {{.Status}}'
	[[ "$output" == "${PD_ID:0:12} c1 Up "* ]]
	io_run -0 pm_inspect c1 '{{.Id}} {{.State.Status}} {{.State.Running}} {{.State.ExitCode}}'
	[ "$output" = "$PD_ID running true 0" ]
	# State.Pid is the container's init as the host sees it: pid 1 of the
	# container's pid namespace (with rlite: rlite's pid-1 shim).
	local pid
	pid=$(pm_inspect c1 '{{.State.Pid}}')
	[ "$pid" -gt 1 ]
	io_ns_pid1 "$pid"
	io_run -0 pm logs c1
	[ "${lines[0]}" = hello-log ]
}

@test "podman create, start, kill: inspect's State.Status, ExitCode and Pid along the way" {
	io_run -0 pm create --name c1 "$PM_IMAGE" sh -c "$PD_LOOP"
	io_run -0 pm_inspect c1 '{{.State.Status}} {{.State.Pid}}'
	[ "$output" = "created 0" ]
	io_run -0 pm start c1
	io_run -0 pm_inspect c1 '{{.State.Status}}'
	[ "$output" = running ]
	[ "$(pm_inspect c1 '{{.State.Pid}}')" -gt 1 ]
	io_run -0 pm kill -s KILL c1
	io_wait_until 10 pm_status_is c1 exited
	io_run -0 pm_inspect c1 '{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}'
	[ "$output" = "exited 137 0" ]
	io_run -0 pm ps -a --format '{{.Names}} {{.Status}}'
	[[ "$output" == 'c1 Exited (137) '* ]]
}

@test "podman logs -f: follows the output until the container exits" {
	pd_run c1 -- sh -c 'echo one; while [ ! -e /io/go ]; do sleep 0.05; done; echo two'
	pm logs -f c1 >"$PD_DIR/follow" 2>&1 &
	PD_BG=$!
	io_wait_until 10 grep -qx one "$PD_DIR/follow"
	# Still following: the container cannot end before /io/go exists.
	kill -0 "$PD_BG"
	touch "$PD_DIR/go"
	io_wait_until 20 pd_not_running "$PD_BG"
	wait "$PD_BG"
	PD_BG=
	[ "$(cat "$PD_DIR/follow")" = "$(printf 'one\ntwo')" ]
}

@test "podman exec: output, exit status, user, env and workdir; exec -it has a terminal" {
	pd_run c1 -- sh -c "$PD_LOOP"
	io_run -5 pm exec c1 sh -c 'echo in-exec; exit 5'
	[ "$output" = in-exec ]
	io_run -0 pm exec --user 65534 -e EXECVAR=v1 --workdir /tmp c1 sh -c 'echo $(id -u) $EXECVAR $(pwd)'
	[ "$output" = "65534 v1 /tmp" ]
	io_run -4 pm_tty exec -it c1 sh -c 'tty; [ -t 0 ] && echo stdin-tty; exit 4' </dev/null
	[[ "$output" == *'/dev/pts/'* ]]
	[[ "$output" == *stdin-tty* ]]
	# The container is unharmed.
	pm_status_is c1 running
}

@test "podman top: the container's processes, the workload among them" {
	pd_run c1 -- sh -c 'sleep 1000 & '"$PD_LOOP"
	io_wait_until 10 pd_logs_have c1 ready
	io_run -0 pm top c1 pid args
	# With rlite, pid 1 is its pid-1 shim, listed as rlite-init, and the
	# workload is pid 2; with runc the workload is pid 1.
	printf '%s\n' "${lines[@]}" | grep -Eq '^ *[0-9]+ +sh -c sleep 1000 & trap "exit 0" TERM; echo ready'
	printf '%s\n' "${lines[@]}" | grep -Eq '^ *[0-9]+ +sleep 1000 *$'
	case $INTEROP_RUNTIME in
	rlite) printf '%s\n' "${lines[@]}" | grep -Eq '^ *1 +rlite-init *$' ;;
	esac
}

@test "podman stats --no-stream: the container's pids and its memory limit" {
	pd_run c1 --memory 64m -- sh -c 'sleep 1000 & sleep 1000 & '"$PD_LOOP"
	io_wait_until 10 pd_logs_have c1 ready
	io_run -0 pm stats --no-stream --format '{{.Name}}|{{.PIDs}}|{{.MemUsage}}' c1
	local pids=${output#c1|}
	pids=${pids%%|*}
	# sh, two sleeps, the loop's sleep (and rlite's shim)
	[ "$pids" -ge 3 ]
	[ "$pids" -le 6 ]
	[[ "$output" == *' / 67.11MB' ]]
}

@test "podman pause, unpause: the container is frozen, then goes on" {
	pd_run c1 -- sh -c 'trap "exit 0" TERM; i=0
		while :; do i=$((i + 1)); echo $i >/io/n.new; mv /io/n.new /io/n; sleep 0.05; done'
	io_wait_until 10 test -s "$PD_DIR/n"
	local pid
	pid=$(pm_inspect c1 '{{.State.Pid}}')
	io_run -0 pm pause c1
	io_run -0 pm_inspect c1 '{{.State.Status}} {{.State.Paused}}'
	[ "$output" = "paused true" ]
	io_frozen "$pid"
	io_run -255 pm exec c1 true
	[[ "$stderr" == *'container state improper'* ]]

	io_run -0 pm unpause c1
	pm_status_is c1 running
	run ! io_frozen "$pid"
	local n
	n=$(cat "$PD_DIR/n")
	io_wait_until 10 pd_counter_above "$n"
}

@test "podman stop: TERM reaches the workload, whose handler's status is the exit code" {
	pd_run c1 -- sh -c 'trap "echo got-TERM; exit 42" TERM; echo ready; while :; do sleep 0.1; done'
	io_wait_until 10 pd_logs_have c1 ready
	io_run -0 pm stop -t 30 c1
	io_run -0 pm_inspect c1 '{{.State.Status}} {{.State.ExitCode}}'
	[ "$output" = "exited 42" ]
	pd_logs_have c1 got-TERM
}

@test "podman stop -t: a workload that ignores TERM is killed after the timeout" {
	pd_run c1 -- sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
	io_wait_until 10 pd_logs_have c1 ready
	local t0 t1
	t0=$(date +%s%N)
	io_run -0 pm stop -t 2 c1
	t1=$(date +%s%N)
	echo "stop took $(((t1 - t0) / 1000000)) ms"
	[ $((t1 - t0)) -ge 2000000000 ]
	[ $((t1 - t0)) -lt 30000000000 ]
	[[ "$stderr" == *'resorting to SIGKILL'* ]]
	io_run -0 pm_inspect c1 '{{.State.Status}} {{.State.ExitCode}}'
	[ "$output" = "exited 137" ]
}

@test "podman kill -s: the signal reaches the workload; plain kill ends it (137)" {
	pd_run c1 -- sh -c 'trap "echo got-USR1" USR1; '"$PD_LOOP"
	io_wait_until 10 pd_logs_have c1 ready
	io_run -0 pm kill -s USR1 c1
	io_wait_until 10 pd_logs_have c1 got-USR1
	pm_status_is c1 running
	io_run -0 pm kill c1
	io_run -0 pm wait c1
	[ "$output" = 137 ]
}

@test "podman restart: the container runs again, with a new pid" {
	pd_run c1 -- sh -c "$PD_LOOP"
	io_wait_until 10 pd_logs_have c1 ready
	local pid1 pid2
	pid1=$(pm_inspect c1 '{{.State.Pid}}')
	io_run -0 pm restart -t 10 c1
	io_wait_until 10 pd_logs_count_is c1 ready 2
	io_run -0 pm_inspect c1 '{{.State.Status}}'
	[ "$output" = running ]
	pid2=$(pm_inspect c1 '{{.State.Pid}}')
	[ "$pid2" != "$pid1" ]
	io_ns_pid1 "$pid2"
	run ! kill -0 "$pid1"
}

@test "podman wait: blocks until the container exits on its own, prints its status" {
	pd_run c1 -- sh -c 'echo ready; while [ ! -e /io/go ]; do sleep 0.05; done; exit 7'
	io_wait_until 10 pd_logs_have c1 ready
	pm wait c1 >"$PD_DIR/wait" 2>&1 &
	PD_BG=$!
	# It waits: the container cannot exit before /io/go exists.
	pm_status_is c1 running
	kill -0 "$PD_BG"
	touch "$PD_DIR/go"
	io_wait_until 20 pd_not_running "$PD_BG"
	wait "$PD_BG"
	PD_BG=
	[ "$(cat "$PD_DIR/wait")" = 7 ]
	io_run -0 pm_inspect c1 '{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}'
	[ "$output" = "exited 7 0" ]
}

@test "podman rm -f: a running container is stopped and removed, nothing is left" {
	pd_run c1 -- sh -c "$PD_LOOP"
	io_wait_until 10 pd_logs_have c1 ready
	io_run -0 pm rm -f c1
	[ "$output" = c1 ]
	pm_assert_gone "$PD_ID"
	io_run -0 pm ps -a -q
	[ -z "$output" ]
}

@test "podman healthcheck run: unhealthy, then healthy, as the health command says" {
	# No systemd here: podman schedules healthchecks with systemd timers,
	# so the interval is disabled and the test runs them itself.
	pd_run c1 --health-cmd 'test -e /tmp/healthy' --health-interval disable --health-retries 1 \
		-- sh -c "$PD_LOOP"
	io_run -1 pm healthcheck run c1
	[ "$output" = unhealthy ]
	io_run -0 pm_inspect c1 '{{.State.Health.Status}}'
	[ "$output" = unhealthy ]
	io_run -0 pm exec c1 touch /tmp/healthy
	io_run -0 pm healthcheck run c1
	io_run -0 pm_inspect c1 '{{.State.Health.Status}}'
	[ "$output" = healthy ]
}
