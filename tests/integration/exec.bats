#!/usr/bin/env bats
# rlite exec: one more process in a running container, as runc exec does it
# for podman exec, ctr task exec and kubectl exec.  Each test starts a
# detached container (rlite run -d) that sleeps, and looks from inside the
# exec'd process and from the host.  Needs root.

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
	rr_setup
	rr_host_dir
	rr_jq '.hostname = "exectest"'
}

teardown() {
	if [ -n "${RR_DIR:-}" ] && [ -s "$RR_DIR/recv.pid" ]; then
		kill -9 "$(cat "$RR_DIR/recv.pid")" 2>/dev/null || true
	fi
	rr_teardown
}

ex_rlite() {
	"$RLITE_BIN" --root "$RR_STATE" "$@"
}

# ex_start [SCRIPT]: the container runs SCRIPT (default: sleep), detached.
# shellcheck disable=SC2120 # no test gives one yet
ex_start() {
	rr_sh "${1:-exec sleep 1000}"
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" run --detach \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	echo "run -d: $status $output"
	[ "$status" -eq 0 ]
}

# ex [-N] ARGS...: `rlite exec ARGS` through bats' run (-N: run's check
# of the exit status, needed for 127); prints what happened.
ex() {
	local want=()
	if [[ "$1" =~ ^-[0-9]+$ ]]; then
		want=("$1")
		shift
	fi
	run "${want[@]}" timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" \
		exec "$@" </dev/null
	echo "--- exec $*: $status"
	printf '%s\n' "$output"
}

# The pid of the container's init on the host.
ex_init() {
	ex_rlite state "$RR_ID" | jq -r .pid
}

# Zombies in the container's pid namespace (host view).
ex_zombies() {
	local ns p n=0
	ns=$(readlink "/proc/$(ex_init)/ns/pid")
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] || continue
		[ "$(awk '{print $3}' "$p/stat" 2>/dev/null)" = Z ] && n=$((n + 1))
	done
	echo "$n"
}

ex_status_is() {
	[ "$(ex_rlite state "$RR_ID" | jq -r .status)" = "$1" ]
}

# No zombie in the container, and only the shim and the workload in it.
ex_only_init_left() {
	[ "$(ex_zombies)" = 0 ] && [ "$(ex_rlite ps --format json "$RR_ID" | jq length)" -eq 2 ]
}

@test "exec: id, pwd and env run in the container, as its config says" {
	ex_start
	ex "$RR_ID" id
	[ "$status" -eq 0 ]
	[ "$output" = "uid=0(root) gid=0(root)" ]
	ex "$RR_ID" pwd
	[ "$output" = / ]
	ex "$RR_ID" env
	[[ "$output" == *"RR_TAG=$RR_ID"* ]]
	[[ "$output" == *PATH=* ]]
}

@test "exec: exit codes 0, 3, 127 (named), 137" {
	ex_start
	ex "$RR_ID" true
	[ "$status" -eq 0 ]
	ex "$RR_ID" sh -c 'exit 3'
	[ "$status" -eq 3 ]
	ex -127 "$RR_ID" nosuchprogram
	[[ "$output" == *'"nosuchprogram": executable file not found in $PATH'* ]]
	ex "$RR_ID" sh -c 'kill -9 $$'
	[ "$status" -eq 137 ]
}

@test "exec: the process sees the container's hostname, mounts, pid namespace and cgroup" {
	ex_start
	ex "$RR_ID" sh -c 'hostname; readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt
		readlink /proc/self/ns/cgroup; cat /proc/self/cgroup; ps -o pid,comm'
	[ "$status" -eq 0 ]
	local init
	init=$(ex_init)
	[ "${lines[0]}" = exectest ]
	[ "${lines[1]}" = "$(readlink "/proc/$init/ns/pid")" ]
	[ "${lines[2]}" = "$(readlink "/proc/$init/ns/mnt")" ]
	[ "${lines[3]}" = "$(readlink "/proc/$init/ns/cgroup")" ]
	# the same cgroups as the init, on the host
	local p
	p=$(rr_tagged_pids | while read -r x; do
		[ "$(tr '\0' ' ' <"/proc/$x/cmdline")" = "sleep 1000 " ] && echo "$x"; done | head -1)
	[ -n "$p" ]
	# in the container's pid namespace: its own processes only
	[[ "$output" == *" 1 rlite"* ]]
	[[ "$output" == *"sleep"* ]]
}

@test "exec: --user, --additional-gids, --cwd, --env and --cap" {
	ex_start
	ex --user 1000:1001 --additional-gids 10 -g 20,30 --cwd /mnt/host/newdir -e FOO=bar \
		--env PATH=/bin "$RR_ID" sh -c 'id; pwd; echo "$FOO $PATH"'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "uid=1000 gid=1001 groups=10,20,30" ]
	[ "${lines[1]}" = /mnt/host/newdir ]
	[ "${lines[2]}" = "bar /bin" ]
	# CAP_SYS_ADMIN (bit 21) is not in the default set; --cap adds it
	ex "$RR_ID" sh -c 'grep CapEff /proc/self/status'
	local plain
	plain=$(awk '{print $2}' <<<"$output")
	ex --cap CAP_SYS_ADMIN "$RR_ID" sh -c 'grep CapEff /proc/self/status'
	[ "$status" -eq 0 ]
	[ $((0x$(awk '{print $2}' <<<"$output") & (1 << 21))) -ne 0 ]
	[ $((0x$plain & (1 << 21))) -eq 0 ]
	ex --cap CAP_NOPE "$RR_ID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *'--cap: unknown capability "CAP_NOPE"'* ]]
}

@test "exec: --process FILE as conmon writes it; a bad one names the field" {
	ex_start
	jq '.process | .args = ["sh", "-c", "echo from-file; id -u"] | .user.uid = 7' \
		"$RR_BUNDLE/config.json" >"$RR_DIR/process.json"
	ex --process "$RR_DIR/process.json" "$RR_ID"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = from-file ]
	[ "${lines[1]}" = 7 ]
	jq 'del(.args)' "$RR_DIR/process.json" >"$RR_DIR/bad.json"
	ex -p "$RR_DIR/bad.json" "$RR_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$RR_DIR/bad.json: args: is required"* ]]
	jq '.user.uid = "x"' "$RR_DIR/process.json" >"$RR_DIR/bad.json"
	ex -p "$RR_DIR/bad.json" "$RR_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"bad.json: user.uid: "* ]]
}

@test "exec: --detach --pid-file: the caller's subreaper reaps the process and gets its status" {
	[ -x "$RL_HELPERS/subreaper" ] || skip "subreaper helper not built"
	ex_start
	run timeout -k 5 "$RR_GUARD" "$RL_HELPERS/subreaper" "$RR_DIR/exec.pid" env RR_TAG="$RR_ID" \
		"$RLITE_BIN" --root "$RR_STATE" exec --detach --pid-file "$RR_DIR/exec.pid" \
		"$RR_ID" sh -c 'sleep 0.2; exit 7' </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "cmd 0" ]
	[[ "${lines[1]}" =~ ^pid\ [0-9]+\ status\ 7$ ]]
	# the pid file: digits only, no newline
	grep -Eq '^[0-9]+$' "$RR_DIR/exec.pid"
	[ "$(wc -c <"$RR_DIR/exec.pid")" -eq "$(tr -d '\n' <"$RR_DIR/exec.pid" | wc -c)" ]
}

@test "exec: -t with --console-socket sends the pty master; the process has a terminal" {
	[ -x "$RL_HELPERS/console-recv" ] || skip "console-recv helper not built"
	ex_start
	"$RL_HELPERS/console-recv" -o "$RR_DIR/console.out" -p "$RR_DIR/recv.pid" -t "$RR_GUARD" \
		"$RR_DIR/console.sock"
	ex -t --console-socket "$RR_DIR/console.sock" "$RR_ID" sh -c 'tty; echo END'
	[ "$status" -eq 0 ]
	rr_wait_for grep -q END "$RR_DIR/console.out"
	grep -qx 'fds: 1' "$RR_DIR/console.out"
	tr -d '\r' <"$RR_DIR/console.out" | grep -qx '/dev/pts/[0-9]*'
}

@test "exec: -t in the foreground proxies the pty like run" {
	command -v script >/dev/null || skip "no script(1)"
	ex_start
	run timeout -k 5 "$RR_GUARD" script -qec "stty rows 21 cols 77; env RR_TAG=$RR_ID $RLITE_BIN \
		--root $RR_STATE exec -t $RR_ID sh -c 'tty; stty size; exit 4'; echo rc=\$?" /dev/null
	output=$(tr -d '\r' <<<"$output")
	echo "$output"
	[[ "$output" == *"/dev/pts/"* ]]
	[[ "$output" == *"21 77"* ]]
	[[ "$output" == *"rc=4"* ]]
}

@test "exec: refused for a paused (unless --ignore-paused), a stopped and a missing container" {
	ex_start
	ex_rlite pause "$RR_ID"
	ex "$RR_ID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot exec in a paused container (use --ignore-paused to override)"* ]]
	# with --ignore-paused it waits for the thaw
	(timeout -k 5 "$RR_GUARD" "$RLITE_BIN" --root "$RR_STATE" exec --ignore-paused "$RR_ID" \
		sh -c 'echo thawed' </dev/null >"$RR_DIR/ip.out" 2>&1; echo "rc=$?" >>"$RR_DIR/ip.out") &
	sleep 0.5
	[ ! -s "$RR_DIR/ip.out" ]
	ex_rlite resume "$RR_ID"
	wait
	cat "$RR_DIR/ip.out"
	grep -qx thawed "$RR_DIR/ip.out"
	grep -qx rc=0 "$RR_DIR/ip.out"
	ex_rlite kill "$RR_ID" KILL
	rr_wait_for ex_status_is stopped
	ex "$RR_ID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot exec in a stopped container: container not running"* ]]
	ex "nosuch-$RR_ID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"container does not exist"* ]]
}

@test "exec: no fd of the runtime reaches the process; its exe is the container's" {
	ex_start
	ex --preserve-fds 1 "$RR_ID" sh -c 'ls /proc/self/fd; readlink /proc/self/exe' 3</dev/null
	[ "$status" -eq 0 ]
	# ls's own directory fd is the one above 3
	[ "$(head -5 <<<"$output" | tr '\n' ' ')" = "0 1 2 3 4 " ]
	[ "${lines[5]}" = /bin/busybox ]
	ex "$RR_ID" sh -c 'ls /proc/self/fd'
	[ "$(tr '\n' ' ' <<<"$output")" = "0 1 2 3 " ]
}

@test "exec: 50 execs leave no zombie and no process behind" {
	ex_start
	for _ in $(seq 50); do
		timeout -k 5 "$RR_GUARD" "$RLITE_BIN" --root "$RR_STATE" exec "$RR_ID" sh -c 'sleep 0.01 &' \
			</dev/null >/dev/null 2>&1
	done
	# what they backgrounded was reparented to the shim, which reaps it:
	# no zombie, and the shim and the workload, nothing else
	rr_wait_for ex_only_init_left
}

@test "exec: the container's seccomp filter applies to the process" {
	rr_jq '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
				 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO",
					       "errnoRet": 13}]}'
	ex_start
	ex "$RR_ID" mkdir /tmp/x
	[ "$status" -eq 1 ]
	[[ "$output" == *"Permission denied"* ]]
}

@test "exec: --cgroup joins an existing cgroup below the container's" {
	local dir
	dir=$(ls -d /sys/fs/cgroup/pids 2>/dev/null) || skip "no v1 pids hierarchy"
	ex_start
	dir=$(awk -F: '$2 == "pids" {print $3}' "/proc/$(ex_init)/cgroup")
	mkdir "/sys/fs/cgroup/pids$dir/sub"
	ex --cgroup pids:sub "$RR_ID" sh -c 'grep :pids: /proc/self/cgroup'
	rmdir "/sys/fs/cgroup/pids$dir/sub" 2>/dev/null || true
	[ "$status" -eq 0 ]
	[[ "$output" == *":pids:/sub" ]]
	ex --cgroup pids:nosuch "$RR_ID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"--cgroup"* ]]
}

@test "exec: --apparmor and --process-label where the host has no such module are refused" {
	ex_start
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
		ex --apparmor docker-default "$RR_ID" true
		[ "$status" -ne 0 ]
		[[ "$output" == *'process.apparmorProfile: "docker-default": AppArmor is not enabled on this host'* ]]
	fi
	# unconfined asks for nothing
	ex --apparmor unconfined "$RR_ID" true
	[ "$status" -eq 0 ]
	[ -e /sys/fs/selinux/enforce ] && skip "SELinux is enabled here"
	ex --process-label system_u:system_r:container_t:s0 "$RR_ID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *'process.selinuxLabel: "system_u:system_r:container_t:s0": SELinux is not enabled on this host'* ]]
}

# The CPUs this process may run on, one per line ("0-2,5" -> 0 1 2 5).
ex_allowed_cpus() {
	local r
	awk '/^Cpus_allowed_list:/ { gsub(",", "\n", $2); print $2 }' /proc/self/status |
		while read -r r; do
			seq "${r%-*}" "${r#*-}"
		done
}

@test "exec: process.execCPUAffinity: final is where the process runs; without it, every CPU" {
	# two CPUs this test may use (a machine, or a cpuset, may leave out 0 or 1)
	local cpus
	mapfile -t cpus < <(ex_allowed_cpus)
	[ "${#cpus[@]}" -ge 2 ] || skip "needs two CPUs this process may run on"
	ex_start
	jq '.process | .args = ["sh", "-c", "grep Cpus_allowed_list /proc/self/status"] |
		.execCPUAffinity = {"initial": $i, "final": $f}' --arg i "${cpus[0]}" --arg f "${cpus[1]}" \
		"$RR_BUNDLE/config.json" >"$RR_DIR/process.json"
	ex --process "$RR_DIR/process.json" "$RR_ID"
	[ "$status" -eq 0 ]
	[[ "$output" == *$'Cpus_allowed_list:\t'"${cpus[1]}"* ]]
	jq '.execCPUAffinity = {"initial": $i}' --arg i "${cpus[0]}" "$RR_DIR/process.json" >"$RR_DIR/p2.json"
	ex --process "$RR_DIR/p2.json" "$RR_ID"
	[ "$status" -eq 0 ]
	local init_cpus
	init_cpus=$(grep Cpus_allowed_list "/proc/$(ex_rlite state "$RR_ID" | jq .pid)/status")
	[[ "$output" == *"$init_cpus"* ]]
	jq '.execCPUAffinity = {"final": "0-x"}' "$RR_DIR/process.json" >"$RR_DIR/bad.json"
	ex --process "$RR_DIR/bad.json" "$RR_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *'bad.json: execCPUAffinity.final: '* ]]
}

@test "exec --pidfd-socket: the caller gets a pidfd of the exec'd process" {
	[ -x "$RL_HELPERS/console-recv" ] || skip "console-recv helper not built"
	ex_start
	"$RL_HELPERS/console-recv" -P -o "$RR_DIR/pidfd.out" -p "$RR_DIR/recv.pid" -t "$RR_GUARD" \
		"$RR_DIR/pidfd.sock"
	# The process outlives the helper's look at the pidfd, then the pidfd
	# tells the helper when it ends.
	ex_rlite exec --detach --pidfd-socket "$RR_DIR/pidfd.sock" --pid-file "$RR_DIR/exec.pid" \
		"$RR_ID" sleep 600 </dev/null >"$RR_DIR/exec.log" 2>&1
	rr_wait_for grep -q '^pid: ' "$RR_DIR/pidfd.out"
	cat "$RR_DIR/pidfd.out"
	[ "$(cat "$RR_DIR/pidfd.out")" = $'payload: setns\nfds: 1\npid: '"$(cat "$RR_DIR/exec.pid")" ]
	kill -9 "$(cat "$RR_DIR/exec.pid")"
	rr_wait_for grep -qx exited "$RR_DIR/pidfd.out"
	[ "$(tail -n1 "$RR_DIR/pidfd.out")" = exited ]
	ex --pidfd-socket "$RR_DIR/none.sock" "$RR_ID" true
	[ "$status" -ne 0 ]
	[[ "$output" == *"--pidfd-socket: connect to \"$RR_DIR/none.sock\""* ]]
}
