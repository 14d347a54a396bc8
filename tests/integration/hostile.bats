#!/usr/bin/env bats
# A hostile image: a rootfs, valid by the spec, whose files try to redirect
# what rlite mounts or writes (the classes of CVE-2025-31133 maskedPaths
# through /dev/null, CVE-2025-52565 /dev/console, CVE-2025-52881 procfs
# writes through the container's mounts).  Each test asserts from inside
# that every mask is the null device (or the run was refused with a message
# that names the file and what it is), and from the host that the host's
# core_pattern reads the same before and after.  No test writes
# core_pattern or anything else under the host's /proc/sys, and nothing
# here points at /proc/sysrq-trigger.  Needs root.

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
	HS_CORE=$(cat /proc/sys/kernel/core_pattern)
	HS_ROOTFS=$RR_BUNDLE/rootfs
}

teardown() {
	if [ -n "${RR_DIR:-}" ] && [ -s "$RR_DIR/recv.pid" ]; then
		kill -9 "$(cat "$RR_DIR/recv.pid")" 2>/dev/null || true
	fi
	rr_teardown
	# Never written by a test: checked after every one of them.
	[ "$(cat /proc/sys/kernel/core_pattern)" = "$HS_CORE" ]
}

# The image brings its own /dev: no tmpfs on /dev in mounts[] (devpts, shm
# and mqueue stay, on directories of the image).
hs_image_dev() {
	rr_jq '.mounts |= map(select(.destination != "/dev"))'
	mkdir -p "$HS_ROOTFS/dev/pts" "$HS_ROOTFS/dev/shm" "$HS_ROOTFS/dev/mqueue"
}

# The workload reports each masked path that exists: "PATH TYPE MAJ:MIN
# BYTES", BYTES what a read of it gave.  It writes nowhere but stdout.
hs_report_masks() {
	rr_jq '.process.args = ["sh", "-c", $s, "sh"] + .linux.maskedPaths' --arg s '
		for p in "$@"; do
			[ -e "$p" ] || continue
			if [ -d "$p" ]; then
				echo "$p dir $(ls -A "$p" | wc -l) $(stat -f -c %T "$p")"
			else
				echo "$p $(stat -c "%F %t:%T" "$p") $(head -c 64 "$p" | wc -c)"
			fi
		done'
}

# Every file mask is the null device and reads nothing; every directory
# mask is an empty tmpfs.
hs_assert_masked() {
	local line n=0
	while read -r line; do
		case $line in
		/*" dir 0 tmpfs") ;;
		/*" character special file 1:3 0") ;;
		*)
			echo "not masked: $line"
			return 1
			;;
		esac
		n=$((n + 1))
	done <<<"$output"
	# /proc/keys and /proc/timer_list exist on every kernel rlite runs on
	[ "$n" -ge 2 ]
	[[ "$output" == *"/proc/keys character special file 1:3 0"* ]]
}

# The init's host pid once the workload printed its first line.
hs_started() {
	local pid
	pid=$("$RLITE_BIN" --root "$RR_STATE" state "$RR_ID" 2>/dev/null | jq -r '.pid // empty')
	[ -n "$pid" ] && [ "$pid" != 0 ] && [ -s "$RR_DIR/bg.out" ] && echo "$pid"
}

# After rr_run_bg: waits (RR_DEADLINE at most) until the workload printed
# its first line, then prints the init's host pid.
hs_wait_output() {
	rr_wait_for hs_started >/dev/null && hs_started
}

@test "hostile: dev/null -> /proc/sys/kernel/core_pattern: every mask is still the null device" {
	hs_image_dev
	rm -f "$HS_ROOTFS/dev/null"
	ln -s /proc/sys/kernel/core_pattern "$HS_ROOTFS/dev/null"
	hs_report_masks
	rr_run
	[ "$status" -eq 0 ]
	hs_assert_masked
	[[ "$output" != *"$HS_CORE"* ]] || [ -z "$HS_CORE" ]
}

@test "hostile: dev/null -> a file of the rootfs: masks are the null device, the file untouched" {
	hs_image_dev
	echo "image secret" >"$HS_ROOTFS/etc/secret"
	ln -s /etc/secret "$HS_ROOTFS/dev/null"
	hs_report_masks
	rr_run
	[ "$status" -eq 0 ]
	hs_assert_masked
	[ "$(cat "$HS_ROOTFS/etc/secret")" = "image secret" ]
}

@test "hostile: dev/null -> /proc/self/environ: masks are the null device" {
	hs_image_dev
	ln -s /proc/self/environ "$HS_ROOTFS/dev/null"
	hs_report_masks
	rr_run
	[ "$status" -eq 0 ]
	hs_assert_masked
	[[ "$output" != *RR_TAG* ]]
}

@test "hostile: dev/null a regular file: masks are the null device, the file untouched" {
	hs_image_dev
	echo "not a device" >"$HS_ROOTFS/dev/null"
	hs_report_masks
	rr_run
	[ "$status" -eq 0 ]
	hs_assert_masked
	[ "$(cat "$HS_ROOTFS/dev/null")" = "not a device" ]
}

@test "hostile: a masked path that is a symlink to a procfs file masks that file, inside the container" {
	ln -s /proc/sys/kernel/core_pattern "$HS_ROOTFS/etc/hidden"
	rr_jq '.linux.maskedPaths += ["/etc/hidden"]'
	rr_sh 'stat -L -c "%F %t:%T" /etc/hidden /proc/sys/kernel/core_pattern
	       echo "core=[$(cat /proc/sys/kernel/core_pattern)]"'
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "character special file 1:3" ]
	[ "${lines[1]}" = "character special file 1:3" ]
	[ "${lines[2]}" = "core=[]" ]
}

@test "hostile: linux.devices over an image's dev/null symlink is refused, naming it" {
	hs_image_dev
	ln -s /proc/sys/kernel/core_pattern "$HS_ROOTFS/dev/null"
	rr_jq '.linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3}]'
	rr_sh 'echo ran'
	rr_snapshot
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.devices[0]: rootfs dev/null: a symlink, not the character device 1:3 (null)'* ]]
	[[ "$output" != *ran* ]]
	rr_assert_nothing_left
	[ -L "$HS_ROOTFS/dev/null" ]
}

@test "hostile: in a user namespace, a device bound over an image's dev/null symlink is refused" {
	hs_image_dev
	ln -s /proc/sys/kernel/core_pattern "$HS_ROOTFS/dev/null"
	rr_jq '.linux.namespaces += [{"type": "user"}]
	       | .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
	       | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
	       | .linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3}]'
	rr_sh 'echo ran'
	rr_snapshot
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.devices[0]: rootfs dev/null: a symlink, not the character device 1:3 (null)'* ]]
	rr_assert_nothing_left
}

@test "hostile: in a user namespace, a device bound onto an image's empty dev/null file is the device" {
	hs_image_dev
	: >"$HS_ROOTFS/dev/null"
	rr_jq '.linux.namespaces += [{"type": "user"}]
	       | .linux.uidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
	       | .linux.gidMappings = [{"containerID": 0, "hostID": 0, "size": 65536}]
	       | .linux.devices = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3}]'
	rr_sh 'stat -c "%F %t:%T" /dev/null; echo x >/dev/null && echo written'
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "character special file 1:3" ]
	[ "${lines[1]}" = "written" ]
	[ ! -s "$HS_ROOTFS/dev/null" ]
}

@test "hostile: dev/console a symlink with terminal true is refused, naming it, leaving nothing" {
	[ -x "$RL_HELPERS/console-recv" ] || skip "console-recv helper not built"
	hs_image_dev
	ln -s /proc/sys/kernel/core_pattern "$HS_ROOTFS/dev/console"
	rr_jq '.process.terminal = true'
	rr_sh 'echo ran'
	"$RL_HELPERS/console-recv" -o "$RR_DIR/console.out" -p "$RR_DIR/recv.pid" -t "$RR_GUARD" \
		"$RR_DIR/console.sock"
	rr_snapshot
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create \
		--bundle "$RR_BUNDLE" --console-socket "$RR_DIR/console.sock" "$RR_ID" </dev/null
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *'rootfs dev/console: a symlink, not a regular file or a character device'* ]]
	rr_assert_nothing_left
	[ -L "$HS_ROOTFS/dev/console" ]
}

@test "hostile: a mount over /proc/sys does not catch rlite's sysctl write" {
	echo untouched >"$RR_BUNDLE/fake"
	rr_jq '.mounts += [{"destination": "/proc/sys/net/ipv4/ip_forward", "type": "bind",
			    "source": "fake", "options": ["bind"]}]
	       | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	rr_sh 'cat /proc/sys/net/ipv4/ip_forward; sleep 30'
	rr_run_bg
	local pid
	pid=$(hs_wait_output)
	# The host's /proc/sys, read from inside the container's network
	# namespace, shows that namespace's value.
	[ "$(nsenter -t "$pid" -n cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	"$RLITE_BIN" --root "$RR_STATE" kill "$RR_ID" KILL
	rr_wait_bg
	[ "$(cat "$RR_BUNDLE/fake")" = untouched ]
	[ "${lines[0]}" = untouched ]
}

@test "hostile: a mount over /proc/1/oom_score_adj does not catch rlite's write" {
	echo untouched >"$RR_BUNDLE/fake"
	rr_jq '.annotations["org.rlite.init"] = "false"
	       | .mounts += [{"destination": "/proc/1/oom_score_adj", "type": "bind",
			      "source": "fake", "options": ["bind"]}]
	       | .process.oomScoreAdj = 500'
	rr_sh 'cat /proc/1/oom_score_adj; sleep 30'
	rr_run_bg
	local pid
	pid=$(hs_wait_output)
	[ "$(cat "/proc/$pid/oom_score_adj")" = 500 ]
	"$RLITE_BIN" --root "$RR_STATE" kill "$RR_ID" KILL
	rr_wait_bg
	[ "$(cat "$RR_BUNDLE/fake")" = untouched ]
	[ "${lines[0]}" = untouched ]
}

# CVE-2024-21626: an fd of the runtime still open when the process's cwd
# is entered (O_CLOEXEC closes it only at execve) let `cwd:
# /proc/self/fd/N` start the process in a host directory.  For every N,
# the process either does not start or starts inside the container: its
# getcwd is never "(unreachable)...", and `..` from there never leaves
# the container's root (the host's /etc/hostname is not reachable).
hs_cwd_fd_check() {
	local n=$1 rc=$2 out=$3
	echo "--- cwd /proc/self/fd/$n -> $rc: $out"
	if [[ "$out" == *unreachable* ]] || [[ "$out" == *HOSTNAME-SEEN* ]]; then
		echo "fd $n: the process started outside the container"
		return 1
	fi
	# It ran: it must have reported a cwd; or it did not: rlite said why,
	# naming the field.
	if [ "$rc" -eq 0 ]; then
		[[ "$out" == *"CWD="* ]]
	else
		[[ "$out" == *"process.cwd: "*"/proc/self/fd/$n"* ]]
	fi
}

hs_cwd_script='echo "CWD=$(pwd)"; cd ../../../../../../..; [ "$(cat etc/hostname 2>/dev/null)" = "$1" ] && echo HOSTNAME-SEEN; true'

@test "hostile: cwd /proc/self/fd/N (N 3..20) never starts run's process outside the container" {
	local n rc out host
	host=$(cat /etc/hostname)
	rr_jq '.hostname = "inside"'
	for n in $(seq 3 20); do
		rr_jq '.process.cwd = $c | .process.args = ["sh", "-c", $s, "sh", $h]' \
			--arg c "/proc/self/fd/$n" --arg s "$hs_cwd_script" --arg h "$host"
		rc=0
		out=$(timeout -k 5 30 env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" run \
			--bundle "$RR_BUNDLE" "$RR_ID" </dev/null 2>&1) || rc=$?
		hs_cwd_fd_check "$n" "$rc" "$out"
		"$RLITE_BIN" --root "$RR_STATE" delete --force "$RR_ID"
	done
}

@test "hostile: cwd /proc/self/fd/N (N 3..20) never starts an exec'd process outside the container" {
	local n rc out host
	host=$(cat /etc/hostname)
	rr_sh 'sleep 100'
	timeout -k 5 20 env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null >"$RR_DIR/create.out" 2>&1
	"$RLITE_BIN" --root "$RR_STATE" start "$RR_ID"
	for n in $(seq 3 20); do
		jq -n '{args: ["sh", "-c", $s, "sh", $h], cwd: $c, env: ["PATH=/bin:/usr/bin"]}' \
			--arg c "/proc/self/fd/$n" --arg s "$hs_cwd_script" --arg h "$host" \
			>"$RR_DIR/p.json"
		rc=0
		out=$(timeout -k 5 30 "$RLITE_BIN" --root "$RR_STATE" exec --process "$RR_DIR/p.json" \
			"$RR_ID" </dev/null 2>&1) || rc=$?
		hs_cwd_fd_check "$n" "$rc" "$out"
	done
}

@test "hostile: an /etc/passwd that is a FIFO or leads to rlite's environ: HOME is /, nothing hangs" {
	rr_sh 'echo "HOME=$HOME"'
	rm -f "$HS_ROOTFS/etc/passwd"
	mkfifo "$HS_ROOTFS/etc/passwd"
	rr_run
	[ "$status" -eq 0 ]
	[ "$output" = HOME=/ ]
	# /proc/self/environ, read by rlite before the exec, is the caller's
	# environment: a line of it that looks like root's entry stays out.
	rm -f "$HS_ROOTFS/etc/passwd"
	ln -s /proc/self/environ "$HS_ROOTFS/etc/passwd"
	HS_PW=$'\nroot:x:0:0::/from-the-host:/bin/sh\n' rr_run
	[ "$status" -eq 0 ]
	[ "$output" = HOME=/ ]
}

@test "hostile: a hook gets stdio and its state on stdin, no other fd of rlite" {
	local kind
	rr_sh 'true'
	for kind in createRuntime poststart poststop; do
		rr_jq '.hooks[$k] = [{"path": "/bin/sh",
				       "args": ["sh", "-c", "ls /proc/self/fd | sort -n | tr \"\\n\" \" \" >" + $f]}]' \
			--arg k "$kind" --arg f "$RR_DIR/$kind.fds"
	done
	rr_run
	[ "$status" -eq 0 ]
	for kind in createRuntime poststart poststop; do
		echo "$kind: $(cat "$RR_DIR/$kind.fds")"
		# ls's own directory fd takes 3
		[ "$(cat "$RR_DIR/$kind.fds")" = "0 1 2 3 " ]
	done
}
