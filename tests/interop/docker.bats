#!/usr/bin/env bats
# docker (dockerd 20.10, its own containerd, the runc shim v2) on the
# runtime under test, added with --add-runtime and chosen with `docker run
# --runtime`: run in the foreground and detached, stop (with and without a
# TERM handler), --init, exec (and exec -it), kill, rm -f, inspect, top, a
# healthcheck, and an entrypoint that must be pid 1; then the run options
# of every day (--hostname, --user, --workdir, -e, --read-only, --tmpfs,
# -v, --cap-add/--cap-drop, no-new-privileges, --memory, --pids-limit,
# --cpus, -t, --privileged where the bounding set is full) and logs, top,
# stats, pause/unpause, restart, wait, update and an image's HEALTHCHECK,
# each checked from what docker or the container shows.  Cgroup limits
# are read inside the container where the kernel has the controller (the
# test skips, saying so, where not).  dockerd is the file's
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

# dr_caps OPTIONS...: a container with OPTIONS tries chown and taking its
# lo down, saying what worked; its CapEff goes to DR_CAPEFF.
dr_caps() {
	io_run -0 dk run --rm "$@" "$DK_IMAGE" sh -c \
		'touch /tmp/f; chown 1000 /tmp/f && echo chown-ok; ip link set lo down && echo netadmin-ok; grep ^CapEff: /proc/self/status'
	DR_CAPEFF=$((16#$(printf '%s\n' "${lines[@]}" | awk '$1 == "CapEff:" { print $2 }')))
}

# A loop that keeps the container busy until it is stopped; TERM ends it
# with status 0 (a handler, so that this holds for a workload that is pid 1
# too, as with runc, which ignores signals it has no handler for).
DR_LOOP='trap "exit 0" TERM; echo ready; while :; do sleep 0.1; done'

# A workload whose processes stay the same while it runs (no sleep a tick).
DR_STILL='sleep 1000 & echo ready; wait'

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
	io_run -0 dk exec -u 1000:1000 -e FOO='a b' -w /tmp c1 sh -c 'id -u; id -g; echo "$FOO"; pwd; echo "$HOME"'
	# HOME: uid 1000 has no entry in the image's /etc/passwd.
	[ "${lines[*]}" = '1000 1000 a b /tmp /' ]
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

@test "docker run --hostname: the container's hostname, /etc/hostname and \$HOSTNAME" {
	io_run -0 dk run --rm --hostname box-1 "$DK_IMAGE" sh -c 'hostname; cat /etc/hostname; echo "$HOSTNAME"'
	[ "${lines[*]}" = 'box-1 box-1 box-1' ]
}

@test "docker run --user uid:gid: id, HOME, the owner of what it creates, no capabilities" {
	io_run -0 dk run --rm -u 1000:1000 "$DK_IMAGE" sh -c \
		'id; echo "HOME=$HOME"; touch /tmp/f; stat -c %u:%g /tmp/f; grep ^CapEff: /proc/self/status'
	[ "${lines[0]}" = 'uid=1000 gid=1000 groups=1000' ]
	# No entry in the image's /etc/passwd: HOME is /.
	[ "${lines[1]}" = HOME=/ ]
	[ "${lines[2]}" = 1000:1000 ]
	[[ "${lines[3]}" =~ ^CapEff:[[:space:]]+0+$ ]]
	# nobody's entry names its home.
	io_run -0 dk run --rm -u 65534 "$DK_IMAGE" sh -c 'id -u; echo "HOME=$HOME"'
	[ "${lines[*]}" = '65534 HOME=/nonexistent' ]
}

@test "docker run --workdir: the workload starts there, docker made the directory" {
	io_run -0 dk run --rm -w /some/new/dir "$DK_IMAGE" sh -c 'pwd; touch here; ls /some/new/dir'
	[ "${lines[*]}" = '/some/new/dir here' ]
}

@test "docker run -e: the variables given, one taken from the client's environment, docker's own" {
	DK_FROM_CLIENT='from client' io_run -0 dk run --rm -e FOO='a b' -e EMPTY= -e DK_FROM_CLIENT \
		"$DK_IMAGE" sh -c 'env; echo "hostname=$(hostname)"'
	printf '%s\n' "${lines[@]}" | grep -qx 'FOO=a b'
	printf '%s\n' "${lines[@]}" | grep -qx 'EMPTY='
	printf '%s\n' "${lines[@]}" | grep -qx 'DK_FROM_CLIENT=from client'
	printf '%s\n' "${lines[@]}" | grep -qx 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	# docker sets no HOME: the runtime does, from the image's /etc/passwd.
	printf '%s\n' "${lines[@]}" | grep -qx 'HOME=/root'
	# HOSTNAME is the short container id, and the hostname.
	local h
	h=$(printf '%s\n' "${lines[@]}" | sed -n 's/^HOSTNAME=//p')
	[[ "$h" =~ ^[0-9a-f]{12}$ ]]
	printf '%s\n' "${lines[@]}" | grep -qx "hostname=$h"
}

@test "docker run --read-only: a write to / fails with EROFS; /dev and /dev/shm stay writable" {
	io_run -1 dk run --rm --read-only "$DK_IMAGE" sh -c \
		'awk "\$5 == \"/\" { print \$6 }" /proc/self/mountinfo; echo x >/dev/shm/f && cat /dev/shm/f; touch /x'
	[[ "${lines[0]}" == ro,* ]]
	[ "${lines[1]}" = x ]
	[ "$stderr" = 'touch: /x: Read-only file system' ]
}

@test "docker run --tmpfs: a writable tmpfs, also under --read-only" {
	io_run -1 dk run --rm --read-only --tmpfs /x "$DK_IMAGE" sh -c \
		'awk "\$2 == \"/x\" { print \$1, \$3, \$4 }" /proc/mounts; echo in-tmpfs >/x/f && cat /x/f; touch /y'
	[[ "${lines[0]}" == 'tmpfs tmpfs rw,'* ]]
	[ "${lines[1]}" = in-tmpfs ]
	[ "$stderr" = 'touch: /y: Read-only file system' ]
}

@test "docker run -v: a bind mount reads and writes the host's directory; :ro refuses writes" {
	mkdir "$DK_T/rw" "$DK_T/ro"
	echo from-host >"$DK_T/rw/host.txt"
	echo from-host-ro >"$DK_T/ro/host.txt"
	io_run -1 dk run --rm -v "$DK_T/rw:/data" -v "$DK_T/ro:/ro:ro" "$DK_IMAGE" sh -c \
		'cat /data/host.txt /ro/host.txt; echo from-container >/data/ctr.txt; touch /ro/x'
	[ "${lines[*]}" = 'from-host from-host-ro' ]
	[ "$stderr" = 'touch: /ro/x: Read-only file system' ]
	[ "$(cat "$DK_T/rw/ctr.txt")" = from-container ]
	[ ! -e "$DK_T/ro/x" ]
}

@test "docker run --cap-drop/--cap-add: CapEff and what the workload may do change by that capability" {
	dr_caps
	local base=$DR_CAPEFF
	[[ "$output" == *chown-ok* ]]
	[[ "$output" != *netadmin-ok* ]]
	[[ "$stderr" == *'Operation not permitted'* ]]
	# CAP_CHOWN is 0, CAP_NET_ADMIN 12.
	[ $((base & 1)) = 1 ]
	[ $((base & 1 << 12)) = 0 ]
	dr_caps --cap-drop CHOWN --cap-add NET_ADMIN
	[ "$DR_CAPEFF" = $(((base & ~1) | 1 << 12)) ]
	[[ "$output" != *chown-ok* ]]
	[[ "$stderr" == *'chown: /tmp/f: Operation not permitted'* ]]
	[[ "$output" == *netadmin-ok* ]]
}

@test "docker run --security-opt no-new-privileges: NoNewPrivs is 1 (0 without it)" {
	io_run -0 dk run --rm --security-opt no-new-privileges "$DK_IMAGE" grep ^NoNewPrivs: /proc/self/status
	[[ "$output" =~ ^NoNewPrivs:[[:space:]]+1$ ]]
	io_run -0 dk run --rm "$DK_IMAGE" grep ^NoNewPrivs: /proc/self/status
	[[ "$output" =~ ^NoNewPrivs:[[:space:]]+0$ ]]
}

@test "docker run --memory: the cgroup's limit, and a workload above it is OOM-killed" {
	dk_need_controller memory
	# --memory-swap the same: no swap on top of the limit, where there is
	# swap.  dd's buffer is bs bytes, all written to.
	io_run -0 dk run --rm --memory 64m --memory-swap 64m "$DK_IMAGE" sh -c \
		"cat $(dk_cg_files memory); dd if=/dev/zero of=/dev/null bs=96M count=1 2>/dev/null; echo dd-status=\$?"
	[ "${lines[*]}" = '67108864 dd-status=137' ]
}

@test "docker run --pids-limit: the cgroup's limit, and forks beyond it fail" {
	dk_need_controller pids
	# The shell gives up at the first fork that fails: status 2.
	io_run -2 dk run --rm --pids-limit 8 "$DK_IMAGE" sh -c \
		"cat $(dk_cg_files pids); i=0; while [ \$i -lt 10 ]; do sleep 60 & i=\$((i + 1)); done; echo all-forked"
	[ "${lines[0]}" = 8 ]
	[[ "$output" != *all-forked* ]]
	[[ "$stderr" == *"can't fork"* ]]
}

@test "docker run --cpus: the cgroup's CFS quota and period" {
	dk_need_controller cpu
	local files
	mapfile -t files < <(dk_cg_files cpu)
	io_run -0 dk run --rm --cpus 0.5 "$DK_IMAGE" cat "${files[@]}"
	[ "${lines[*]}" = '50000 100000' ]
}

@test "docker update: new memory, pid and CPU limits of a running container; what it leaves out stays" {
	dk_need_controller memory
	dk_need_controller pids
	dk_need_controller cpu
	dr_detached c1 --memory 64m --pids-limit 20 -- sh -c "$DR_STILL"
	io_wait_until 10 dk_logs_have c1 ready
	local files
	mapfile -t files < <(dk_cg_files memory; dk_cg_files pids; dk_cg_files cpu)
	io_run -0 dk update --memory 128m --memory-swap 256m --pids-limit 50 c1
	# (then the daemon's warnings: this one runs without IP forwarding)
	[ "${lines[0]}" = c1 ]
	io_run -0 dk exec c1 cat "${files[@]}"
	[ "${lines[*]}" = '134217728 50 -1 100000' ]
	# dockerd passes 0 for every memory value it does not change: the
	# limit must stay.
	io_run -0 dk update --cpus 1.5 c1
	io_run -0 dk exec c1 cat "${files[@]}"
	[ "${lines[*]}" = '134217728 50 150000 100000' ]
	io_run -0 dk_inspect c1 '{{.HostConfig.Memory}} {{.HostConfig.PidsLimit}} {{.HostConfig.NanoCpus}}'
	[ "$output" = '134217728 50 1500000000' ]
}

@test "docker run -t: the workload has a terminal, in the foreground and detached (logs)" {
	# No -i: stdin is not attached, nothing waits for the client's input.
	io_run -3 dk run --rm -t "$DK_IMAGE" sh -c 'test -t 0 && test -t 1 && tty; exit 3'
	[[ "$output" =~ ^/dev/pts/[0-9]+$'\r'?$ ]]
	dr_detached c1 -t -- sh -c 'test -t 1 && echo tty-out; echo tty-err >&2; '"$DR_LOOP"
	io_wait_until 10 dk_logs_have c1 $'ready\r'
	# A terminal has one stream: stderr comes with stdout.
	io_run -0 dk logs c1
	[ "$output" = $'tty-out\r\ntty-err\r\nready\r' ]
	[ -z "$stderr" ]
}

@test "docker logs: a detached container's stdout and stderr, apart, each in order, after it exited" {
	# (Across the two streams docker keeps no order: each has its own pipe
	# and copier.)
	dr_detached c1 -- sh -c 'echo out-1; echo err-1 >&2; echo out-2; echo err-2 >&2'
	io_wait_until 20 dk_status_is c1 exited
	io_run -0 dk logs c1
	[ "$output" = $'out-1\nout-2' ]
	[ "$stderr" = $'err-1\nerr-2' ]
}

@test "docker top: every process of the container, with its parent, as the host sees them" {
	# A uid the host has no name for: ps prints it as it is.
	dr_detached c1 -u 54321:54321 -- sh -c "$DR_STILL"
	io_wait_until 10 dk_logs_have c1 ready
	local pid
	pid=$(dk_inspect c1 '{{.State.Pid}}')
	io_run -0 dk top c1
	[[ "${lines[0]}" =~ ^UID\ +PID\ +PPID\ +C\ +STIME\ +TTY\ +TIME\ +CMD$ ]]
	# The PID column is the processes in the container's pid namespace
	# (with rlite its pid-1 shim too, rlite-init, the workload its child).
	local listed inns
	listed=$(printf '%s\n' "${lines[@]:1}" | awk '{ print $2 }' | sort -n | paste -sd ' ')
	inns=$(dk_pids_in_ns_of "$pid" | sort -n | paste -sd ' ')
	[ "$listed" = "$inns" ]
	[[ " $listed " == *" $pid "* ]]
	local sh sleep
	sh=$(printf '%s\n' "${lines[@]:1}" | awk '$NF == "wait" && $1 == 54321 { print $2, $3 }')
	sleep=$(printf '%s\n' "${lines[@]:1}" | awk '$(NF-1) == "sleep" && $NF == 1000 && $1 == 54321 { print $2, $3 }')
	[ -n "$sh" ]
	[ -n "$sleep" ]
	# sleep's parent is the shell; the shell is the container's init or
	# its child.
	[ "${sleep#* }" = "${sh% *}" ]
	[ "${sh% *}" = "$pid" ] || [ "${sh#* }" = "$pid" ]
}

@test "docker stats --no-stream: CPU, memory and pid numbers of a running container" {
	dr_detached c1 -- sh -c "$DR_STILL"
	io_wait_until 10 dk_logs_have c1 ready
	io_run -0 dk stats --no-stream --format '{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}|{{.MemPerc}}|{{.PIDs}}' c1
	[[ "$output" =~ ^c1\|[0-9]+\.[0-9]+%\|([0-9.]+)([KMG]i)?B\ /\ [0-9.]+([KMG]i)?B\|[0-9]+\.[0-9]+%\|([0-9]+)$ ]]
	# Memory in use, and at least the shell and its sleep.
	[ "${BASH_REMATCH[1]}" != 0 ]
	[ "${BASH_REMATCH[4]}" -ge 2 ]
}

@test "docker pause/unpause: Paused, the processes frozen and a counter stopped; then it runs on" {
	mkdir "$DK_T/w"
	dr_detached c1 -v "$DK_T/w:/w" -- sh -c \
		'n=0; while :; do n=$((n + 1)); echo $n >/w/n.new; mv /w/n.new /w/n; sleep 0.1; done'
	io_wait_until 10 dk_counter_above "$DK_T/w/n" 0
	local pid
	pid=$(dk_inspect c1 '{{.State.Pid}}')
	io_run -0 dk pause c1
	[ "$output" = c1 ]
	io_run -0 dk_inspect c1 '{{.State.Status}} {{.State.Paused}}'
	[ "$output" = "paused true" ]
	io_run -0 dk ps --format '{{.Names}} {{.Status}}'
	[[ "$output" == 'c1 Up '*'(Paused)' ]]
	io_frozen "$pid"
	io_run -0 "$IO_RUNTIME_BIN" --root "$DK_DIR/exec/runtime-runc/moby" state "$DR_ID"
	[ "$(jq -r .status <<<"$output")" = paused ]
	# The counter ticks ten times a second when it runs: a second without
	# a tick is the freeze.
	local n
	n=$(cat "$DK_T/w/n")
	sleep 1
	[ "$(cat "$DK_T/w/n")" = "$n" ]
	io_run -0 dk unpause c1
	io_run -0 dk_inspect c1 '{{.State.Status}} {{.State.Paused}}'
	[ "$output" = "running false" ]
	io_wait_until 10 dk_counter_above "$DK_T/w/n" "$n"
}

@test "docker restart: the same container with a new init process, the workload started again" {
	dr_detached c1 -- sh -c "$DR_LOOP"
	io_wait_until 10 dk_logs_have c1 ready
	local pid started
	pid=$(dk_inspect c1 '{{.State.Pid}}')
	started=$(dk_inspect c1 '{{.State.StartedAt}}')
	io_run -0 dk restart -t 30 c1
	[ "$output" = c1 ]
	io_run -0 dk_inspect c1 '{{.Id}} {{.State.Status}} {{.State.ExitCode}}'
	[ "$output" = "$DR_ID running 0" ]
	local pid2
	pid2=$(dk_inspect c1 '{{.State.Pid}}')
	[ "$pid2" != "$pid" ]
	io_ns_pid1 "$pid2"
	io_run ! kill -0 "$pid"
	[ "$(dk_inspect c1 '{{.State.StartedAt}}')" != "$started" ]
	# Its log goes on: the workload's second start wrote ready again.
	io_wait_until 10 dk_logs_count c1 ready 2
}

@test "docker wait: returns once the container exits, printing its exit code" {
	dr_detached c1 -- sh -c 'echo ready; while [ ! -e /tmp/go ]; do sleep 0.1; done; exit 42'
	io_wait_until 10 dk_logs_have c1 ready
	dk wait c1 >"$DK_T/wait.out" 2>&1 &
	local waiter=$!
	dk_status_is c1 running
	io_run -0 dk exec c1 touch /tmp/go
	wait "$waiter"
	[ "$(cat "$DK_T/wait.out")" = 42 ]
	# Once more on the exited container: the same code, at once.
	io_run -0 dk wait c1
	[ "$output" = 42 ]
	io_run -0 dk_inspect c1 '{{.State.Status}} {{.State.ExitCode}}'
	[ "$output" = "exited 42" ]
}

@test "docker run --privileged: every capability, host devices, /sys writable" {
	# --privileged asks for every capability the kernel knows: where the
	# bounding set lacks one, capset fails with EPERM (with runc too).
	local last bnd full
	last=$(cat /proc/sys/kernel/cap_last_cap)
	bnd=$((16#$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)))
	full=$(((1 << (last + 1)) - 1))
	if [ "$bnd" != "$full" ]; then
		skip "$(printf 'the capability bounding set (CapBnd %016x) lacks %016x%s' "$bnd" \
			$((full & ~bnd)) "$(dk_capsh_decode $((full & ~bnd)))"): --privileged cannot have every capability"
	fi
	io_run -0 dk run --rm --privileged "$DK_IMAGE" sh -c \
		'grep ^CapEff: /proc/self/status; awk "\$5 == \"/sys\" { print \$6 }" /proc/self/mountinfo; ls /dev'
	[ "$((16#$(awk '$1 == "CapEff:" { print $2 }' <<<"$output")))" = "$full" ]
	[[ "${lines[1]}" == rw,* ]]
	# The host's devices (a default container has none of these).
	local d
	for d in kmsg mem loop-control; do
		[ ! -c "/dev/$d" ] || printf '%s\n' "${lines[@]:2}" | grep -qx "$d"
	done
}

@test "docker: an image's HEALTHCHECK goes from starting and unhealthy to healthy" {
	tar -C "$IO_BASE/rootfs" -c . |
		dk import --change 'HEALTHCHECK --interval=1s --retries=1 CMD test -e /tmp/healthy' \
			- rlite-interop-health:latest >/dev/null
	io_run -0 dk run -d --name c1 rlite-interop-health:latest sh -c "$DR_LOOP"
	local s
	s=$(dk_inspect c1 '{{.State.Health.Status}}')
	[ "$s" = starting ] || [ "$s" = unhealthy ]
	io_wait_until 20 dk_health_is c1 unhealthy
	[ "$(dk_inspect c1 '{{.State.Health.FailingStreak}}')" -ge 1 ]
	# The check is an exec into the container: make it pass.
	io_run -0 dk exec c1 touch /tmp/healthy
	io_wait_until 20 dk_health_is c1 healthy
	io_run -0 dk_inspect c1 '{{.State.Health.FailingStreak}} {{range .State.Health.Log}}{{.ExitCode}} {{end}}'
	[[ "$output" =~ ^0\ (1\ )+(0\ )+$ ]]
	dk rm -f c1 >/dev/null
	dk rmi rlite-interop-health:latest >/dev/null
}
