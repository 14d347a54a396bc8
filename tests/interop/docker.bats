#!/usr/bin/env bats
# docker (dockerd 20.10, its own containerd, the runc shim v2) on the
# runtime under test, added with --add-runtime and chosen with `docker run
# --runtime`: run in the foreground and detached, stop (with and without a
# TERM handler), --init, exec (and exec -it), kill, rm -f, inspect, top, a
# healthcheck, and an entrypoint that must be pid 1.  dockerd is the file's
# own, in a network namespace of its own (setup_file starts it,
# teardown_file stops it and removes what it made: docker_helpers.bash).
# Every test ends with nothing of its containers left (dk_teardown).
# INTEROP_RUNTIME=runc runs the same against runc.

# Container scripts are in single quotes on purpose; stderr is bats' (run).
# shellcheck disable=SC2016,SC2154

load docker_helpers

setup_file() {
	dk_setup_file
}

teardown_file() {
	dk_teardown_file
}

setup() {
	dk_setup
}

teardown() {
	dk_teardown
}

# dr_detached NAME [DOCKER RUN OPTIONS] -- COMMAND...: `docker run -d` of
# the image; fails unless docker printed the id (DR_ID).
dr_detached() {
	local name=$1
	shift
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	io_run -0 dk run -d --name "$name" "${opts[@]}" "$DK_IMAGE" "$@"
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	DR_ID=$output
}

# A loop that keeps the container busy until it is stopped; TERM ends it
# with status 0 (a handler, so that this holds for a workload that is pid 1
# too, as with runc, which ignores signals it has no handler for).
DR_LOOP='trap "exit 0" TERM; echo ready; while :; do sleep 0.1; done'

@test "docker run --rm: the workload's stdout, stderr and exit status" {
	io_run -3 dk run --rm "$DK_IMAGE" sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'
	[ "$output" = to-stdout ]
	[ "$stderr" = to-stderr ]
}

@test "docker run: a missing program is exit status 127, with the runtime's message" {
	# dockerd maps the runtime's "no such file or directory" to 127.
	io_run -127 dk run --rm "$DK_IMAGE" /no/such-program
	[[ "$stderr" == *'/no/such-program'*'no such file or directory'* ]]
}

@test "docker run -d: ps shows it up; inspect: running, its pid the container's pid 1; logs; top" {
	dr_detached c1 -- sh -c 'echo hello-log; sleep 1000 & '"$DR_LOOP"
	io_wait_until 10 dk_logs_have c1 ready
	io_run -0 dk ps --format '{{.ID}} {{.Names}} {{.Status}}'
	[[ "$output" == "${DR_ID:0:12} c1 Up "* ]]
	io_run -0 dk_inspect c1 '{{.State.Status}} {{.State.Running}} {{.State.ExitCode}}'
	[ "$output" = "running true 0" ]
	# State.Pid is the container's init as the host sees it: pid 1 of its
	# pid namespace (with rlite: rlite's pid-1 shim, the workload its
	# child).
	local pid
	pid=$(dk_inspect c1 '{{.State.Pid}}')
	[ "$pid" -gt 1 ]
	io_ns_pid1 "$pid"
	# dockerd 20.10 gives every runtime name, runc's and the added ones,
	# the same state root below its exec root (runtime-runc); the shim
	# adds containerd's namespace (moby).
	io_run -0 "$IO_RUNTIME_BIN" --root "$DK_DIR/exec/runtime-runc/moby" state "$DR_ID"
	[ "$(jq -r '.status, .pid' <<<"$output" | paste -sd ' ')" = "running $pid" ]
	io_run -0 dk logs c1
	[ "${lines[0]}" = hello-log ]
	io_run -0 dk top c1 -o pid,args
	printf '%s\n' "${lines[@]}" | grep -Eq '^ *[0-9]+ +sleep 1000 *$'
}

@test "docker stop: TERM reaches the workload's handler at once; its status is the exit code" {
	dr_detached c1 -- sh -c 'trap "echo got-TERM; exit 7" TERM; echo ready; while :; do sleep 0.1; done'
	io_wait_until 10 dk_logs_have c1 ready
	local t0=$SECONDS
	io_run -0 dk stop -t 30 c1
	[ "$output" = c1 ]
	# Long before the timeout: no KILL was needed.
	[ $((SECONDS - t0)) -lt 10 ]
	io_run -0 dk_inspect c1 '{{.State.Status}} {{.State.ExitCode}}'
	[ "$output" = "exited 7" ]
	dk_logs_have c1 got-TERM
}

@test "docker stop -t: a workload that ignores TERM is killed after the timeout, and stop returns" {
	dr_detached c1 -- sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
	io_wait_until 10 dk_logs_have c1 ready
	local t0=$SECONDS
	io_run -0 dk stop -t 2 c1
	local took=$((SECONDS - t0))
	[ "$took" -ge 2 ]
	[ "$took" -lt 15 ]
	io_run -0 dk_inspect c1 '{{.State.Status}} {{.State.ExitCode}}'
	[ "$output" = "exited 137" ]
}

@test "docker run --init: docker-init is pid 1, the workload its child, and tini does not warn" {
	# dockerd bind-mounts docker-init (tini) on /sbin/docker-init and makes
	# it process.args[0].  rlite's default (--init=auto) sees an init of the
	# caller's own there and adds no pid-1 shim: tini is pid 1, as with
	# runc, and has nothing to warn about.
	io_run -0 dk run --rm --init "$DK_IMAGE" sh -c 'tr "\0" " " </proc/1/cmdline; echo; echo $PPID; echo $$'
	[[ "${lines[0]}" == '/sbin/docker-init -- sh -c '* ]]
	[ "${lines[1]}" = 1 ]
	[ "${lines[2]}" != 1 ]
	[[ "$stderr" != *WARN* ]]
}

@test "docker run: an entrypoint that must be pid 1, on the runtime added with runtimeArgs --init=never" {
	# The image's entrypoint refuses to run unless it is pid 1 (as
	# systemd, s6-overlay's /init and the like do).  docker cannot pass
	# annotations: daemon.json's runtimeArgs choose for the runtime name.
	tar -C "$IO_BASE/rootfs" -c . |
		dk import --change 'ENTRYPOINT ["/bin/sh", "-c", "[ $$ = 1 ] || { echo not pid 1: $$ >&2; exit 1; }; echo pid1-ok"]' \
			- rlite-interop-pid1:latest >/dev/null
	io_run -0 dk run --rm --runtime "$DK_RT_PID1" rlite-interop-pid1:latest
	dk rmi rlite-interop-pid1:latest >/dev/null
	[ "$output" = pid1-ok ]
}

@test "docker exec: output, exit status, user, env and workdir" {
	dr_detached c1 -- sh -c "$DR_LOOP"
	io_run -4 dk exec c1 sh -c 'echo in-exec; echo exec-err >&2; exit 4'
	[ "$output" = in-exec ]
	[ "$stderr" = exec-err ]
	io_run -0 dk exec -u 1000:1000 -e FOO='a b' -w /tmp c1 sh -c 'id -u; id -g; echo "$FOO"; pwd'
	[ "${lines[*]}" = '1000 1000 a b /tmp' ]
	dk_status_is c1 running
}

@test "docker exec -it: a terminal, and what is typed reaches the process" {
	dr_detached c1 -- sh -c "$DR_LOOP"
	io_run -5 dk_tty exec -it c1 sh -c 'tty; read -r line; echo "got:$line"; exit 5' < <(echo typed-in)
	[[ "$output" == *'/dev/pts/'* ]]
	[[ "$output" == *'got:typed-in'* ]]
	dk_status_is c1 running
}

@test "docker kill: -s reaches the workload's handler; plain kill ends it with 137" {
	dr_detached c1 -- sh -c 'trap "echo got-USR1" USR1; '"$DR_LOOP"
	io_wait_until 10 dk_logs_have c1 ready
	io_run -0 dk kill -s USR1 c1
	io_wait_until 10 dk_logs_have c1 got-USR1
	dk_status_is c1 running
	io_run -0 dk kill c1
	io_wait_until 10 dk_status_is c1 exited
	io_run -0 dk_inspect c1 '{{.State.ExitCode}}'
	[ "$output" = 137 ]
}

@test "docker rm -f: a running container is stopped and removed at once" {
	dr_detached c1 -- sh -c 'trap "" TERM; echo ready; while :; do sleep 0.1; done'
	io_wait_until 10 dk_logs_have c1 ready
	local t0=$SECONDS
	io_run -0 dk rm -f c1
	[ "$output" = c1 ]
	[ $((SECONDS - t0)) -lt 10 ]
	io_run -0 dk ps -aq
	[ -z "$output" ]
	# teardown asserts that nothing of it is left.
}

@test "docker run --health-cmd: the container becomes healthy as its check says" {
	# The health check is an exec into the container.
	dr_detached c1 --health-cmd 'test -e /tmp/healthy' --health-interval 1s --health-retries 1 \
		-- sh -c 'touch /tmp/healthy; '"$DR_LOOP"
	io_wait_until 20 dk_health_is c1 healthy
}

dk_health_is() {
	[ "$(dk_inspect "$1" '{{.State.Health.Status}}')" = "$2" ]
}
