#!/usr/bin/env bats
# process.terminal (config.md "Process": terminal, consoleSize): the pty made
# inside the container, its master delivered over --console-socket (GUIDE §4)
# to a test receiver standing in for conmon, and the foreground `run` on a
# terminal, which proxies the pty itself.  Checked from inside the container
# (tty, stty) and from the receiving side.  Needs root.

# jq filters and container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load run_helpers

RL_HELPERS=${RL_HELPERS:-$BATS_TEST_DIRNAME/../../build/tests/helpers}
RT_RECV=$RL_HELPERS/console-recv

setup_file() {
	if [ ! -x "$RT_RECV" ]; then
		echo "$RT_RECV: not built (make build/tests/helpers/console-recv)" >&2
		return 1
	fi
	rr_setup_file
}

teardown_file() {
	rr_teardown_file
}

setup() {
	rr_setup
	RT_SOCK=$RR_DIR/console.sock
	RT_OUT=$RR_DIR/console.out
}

teardown() {
	if [ -n "${RR_DIR:-}" ] && [ -s "$RR_DIR/recv.pid" ]; then
		kill -9 "$(cat "$RR_DIR/recv.pid")" 2>/dev/null || true
	fi
	rr_teardown
}

# rt_recv [ARGS]: the receiver listens on $RT_SOCK (in the background once
# it does), writing what it got to $RT_OUT.
rt_recv() {
	"$RT_RECV" -o "$RT_OUT" -p "$RR_DIR/recv.pid" -t "$RR_GUARD" "$@" "$RT_SOCK"
}

# rt_rlite CMD [ARGS]: rlite CMD with the test's --root, through bats' run.
rt_rlite() {
	local cmd=$1
	shift
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" "$cmd" "$@" \
		</dev/null
	echo "--- rlite $cmd exited $status:"
	printf '%s\n' "$output"
}

# rt_wait_for TEXT: until $RT_OUT holds TEXT, then prints it with the
# pty's \r removed.
rt_wait_for() {
	rr_wait_for grep -q -- "$1" "$RT_OUT" || true
	echo "--- the receiver got:"
	tr -d '\r' <"$RT_OUT"
	grep -q -- "$1" "$RT_OUT"
}

# rt_script CMDLINE: CMDLINE under util-linux script, i.e. on a pty, the way
# a person at a terminal runs it; status and output through bats' run.
# script's stdin is a FIFO opened read-write, which never reaches EOF: on
# EOF script would type the EOF character into the pty, and the container's
# pty would echo it into the output.
rt_script() {
	mkfifo "$RR_DIR/stdin"
	run timeout -k 5 "$RR_GUARD" script -qec "$1" /dev/null <>"$RR_DIR/stdin"
	output=$(printf '%s\n' "$output" | tr -d '\r')
	mapfile -t lines <<<"$output"
	echo "--- script exited $status; output:"
	printf '%s\n' "$output"
}

# The foreground run as a command line for rt_script.
rt_run_cmd() {
	printf 'env RR_TAG=%q %q --root %q run --bundle %q %q' \
		"$RR_ID" "$RLITE_BIN" "$RR_STATE" "$RR_BUNDLE" "$RR_ID"
}

# ---- --console-socket ---------------------------------------------------------

@test "terminal: create --console-socket sends the master; tty, consoleSize, owner inside" {
	rr_jq '.process.terminal = true | .process.consoleSize = {height: 33, width: 111}
		| .process.user.uid = 1000 | .process.user.gid = 1000'
	rr_sh 'tty; stty size; stat -c "owner=%u group=%g mode=%a" "$(tty)"; echo END'
	rt_recv
	rt_rlite create --bundle "$RR_BUNDLE" --console-socket "$RT_SOCK" \
		--pid-file "$RR_DIR/pid" "$RR_ID"
	[ "$status" -eq 0 ]
	# delivered by create itself, before start: one fd, a name, the
	# consoleSize already on the pty
	rt_wait_for "^winsize:"
	grep -qx 'fds: 1' "$RT_OUT"
	grep -q '^payload: .' "$RT_OUT"
	grep -qx 'winsize: 33 111' "$RT_OUT"
	rt_rlite start "$RR_ID"
	[ "$status" -eq 0 ]
	rt_wait_for "^END"
	local got
	got=$(sed -e '1,/^---$/d' "$RT_OUT" | tr -d '\r')
	# the container's own devpts: its first pty, owned by the process's
	# user, group tty (gid=5) and mode 620 from the devpts mount
	printf '%s\n' "$got" | grep -qx '/dev/pts/0'
	printf '%s\n' "$got" | grep -qx '33 111'
	printf '%s\n' "$got" | grep -qx 'owner=1000 group=5 mode=620'
}

@test "terminal: /dev/console is the container's pty, also over an image's own dev/console" {
	# The image brings /dev (no tmpfs on it) with a regular file as its
	# console, as some images ship.
	rr_jq '.process.terminal = true | .mounts |= map(select(.destination != "/dev"))'
	mkdir -p "$RR_BUNDLE/rootfs/dev/pts" "$RR_BUNDLE/rootfs/dev/shm" \
		"$RR_BUNDLE/rootfs/dev/mqueue"
	echo "image console" >"$RR_BUNDLE/rootfs/dev/console"
	rr_sh 'echo "console=$(stat -c %t:%T /dev/console) tty=$(stat -c %t:%T "$(tty)")"
	       echo hi >/dev/console; echo END'
	rt_recv
	rt_rlite create --bundle "$RR_BUNDLE" --console-socket "$RT_SOCK" "$RR_ID"
	[ "$status" -eq 0 ]
	rt_rlite start "$RR_ID"
	[ "$status" -eq 0 ]
	rt_wait_for "^END"
	local got
	got=$(sed -e '1,/^---$/d' "$RT_OUT" | tr -d '\r')
	printf '%s\n' "$got" | grep -Eqx 'console=([0-9a-f]+:[0-9a-f]+) tty=\1'
	printf '%s\n' "$got" | grep -qx 'hi'
	[ "$(cat "$RR_BUNDLE/rootfs/dev/console")" = "image console" ]
}

@test "terminal: what the receiver types reaches the container's stdin" {
	rr_jq '.process.terminal = true'
	rr_sh 'read -r line; echo "got:$line"; echo END'
	rt_recv -i $'hello\n'
	rt_rlite create --bundle "$RR_BUNDLE" --console-socket "$RT_SOCK" \
		--pid-file "$RR_DIR/pid" "$RR_ID"
	[ "$status" -eq 0 ]
	rt_rlite start "$RR_ID"
	[ "$status" -eq 0 ]
	rt_wait_for "^END"
	tr -d '\r' <"$RT_OUT" | grep -qx 'got:hello'
}

@test "terminal: run --detach --console-socket delivers the master too" {
	rr_jq '.process.terminal = true'
	rr_sh 'tty; echo END'
	rt_recv
	rt_rlite run --detach --bundle "$RR_BUNDLE" --console-socket "$RT_SOCK" "$RR_ID"
	[ "$status" -eq 0 ]
	rt_wait_for "^END"
	grep -qx 'fds: 1' "$RT_OUT"
	tr -d '\r' <"$RT_OUT" | grep -qx '/dev/pts/0'
}

@test "terminal: a console socket nobody listens on fails, naming it, leaving nothing" {
	rr_jq '.process.terminal = true'
	rr_sh 'true'
	rr_snapshot
	rt_rlite create --bundle "$RR_BUNDLE" --console-socket "$RR_DIR/nobody.sock" \
		--pid-file "$RR_DIR/pid" "$RR_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$RR_DIR/nobody.sock"* ]]
	[ ! -e "$RR_DIR/pid" ]
	rr_assert_nothing_left
}

# ---- refusals, as runc ------------------------------------------------------------

@test "terminal: create with terminal true and no --console-socket is refused" {
	rr_jq '.process.terminal = true'
	rr_snapshot
	rt_rlite create --bundle "$RR_BUNDLE" --pid-file "$RR_DIR/pid" "$RR_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.terminal"* ]]
	[[ "$output" == *"--console-socket"* ]]
	rr_assert_nothing_left
}

@test "terminal: --console-socket with terminal false is refused" {
	rt_recv
	rr_snapshot
	rt_rlite create --bundle "$RR_BUNDLE" --console-socket "$RT_SOCK" \
		--pid-file "$RR_DIR/pid" "$RR_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"--console-socket"* ]]
	[[ "$output" == *"terminal"* ]]
	rr_assert_nothing_left
}

@test "terminal: foreground run, terminal true, stdin not a tty: refused clearly" {
	rr_jq '.process.terminal = true'
	rr_sh 'echo SHOULD-NOT-RUN'
	rr_snapshot
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.terminal"* ]]
	[[ "$output" == *"console-socket"* ]]
	[[ "$output" != *"SHOULD-NOT-RUN"* ]]
	rr_assert_nothing_left
}

# ---- foreground run on a terminal -------------------------------------------------

@test "terminal: foreground run on a pty: tty inside, host size, exit status, restored" {
	rr_jq '.process.terminal = true'
	rr_sh 'tty; stty size; exit 3'
	local d=$RR_DIR
	rt_script "stty rows 40 cols 100; stty -g >$d/before; $(rt_run_cmd); echo rc=\$?;
		stty -g >$d/after"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -qx '/dev/pts/0'
	# the caller's window size, copied onto the container's pty
	printf '%s\n' "$output" | grep -qx '40 100'
	printf '%s\n' "$output" | grep -qx 'rc=3'
	# raw mode undone: the caller's terminal is as it was
	diff "$d/before" "$d/after"
}

@test "terminal: foreground run: input is proxied, a window change reaches the container" {
	rr_host_dir
	rr_jq '.process.terminal = true'
	# the workload marks in /mnt/host that its trap is set; it waits for
	# the change at most RR_DEADLINE seconds
	rr_sh 'trap "stty size; exit 0" WINCH; stty size; echo READY; touch /mnt/host/ready
		i=0; while [ $i -lt $((10 * DEADLINE)) ]; do sleep 0.1; i=$((i+1)); done; exit 9'
	rr_jq '.process.env += ["DEADLINE=" + $d]' --arg d "$RR_DEADLINE"
	# then the caller's terminal (script's pty) is resized: the runtime
	# gets SIGWINCH and copies the new size
	rt_script "stty rows 40 cols 100
		(n=0; while [ ! -e '$RR_HOST/ready' ] && [ \$n -lt $((20 * RR_DEADLINE)) ]; do
			sleep 0.05; n=\$((n + 1)); done; stty rows 51 cols 120
		) </dev/tty >/dev/null 2>&1 &
		$(rt_run_cmd); echo rc=\$?"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" | grep -qx '40 100'
	printf '%s\n' "$output" | grep -qx 'READY'
	printf '%s\n' "$output" | grep -qx '51 120'
	printf '%s\n' "$output" | grep -qx 'rc=0'
}

# rt_running COMM: a process of the test named COMM runs (one that lives
# long enough to be found: a loop of short sleeps may never be).
rt_running() {
	rr_tagged_pids | while read -r p; do cat "/proc/$p/comm"; done 2>/dev/null | grep -qx "$1"
}

# rt_typist TEXT [COMM]: waits until the runtime has the caller's terminal
# in raw mode (it proxies: before that, ^C would reach the runtime) and,
# with COMM, until the workload runs a process of that name (it is ready),
# then prints TEXT (printf escapes) once; for script's stdin.
rt_typist() {
	[ -z "${2:-}" ] || rr_wait_for rt_running "$2" >/dev/null
	rr_wait_for rr_tagged_raw_tty >/dev/null
	printf "$1"
}

@test "terminal: foreground run: what the caller types reaches the container" {
	rr_jq '.process.terminal = true'
	# typed into script's pty, i.e. the caller's terminal, once it is
	# proxied; the container's pty keeps it until read
	rr_sh 'read -r line; echo "got:$line"'
	run timeout -k 5 "$RR_GUARD" script -qec "$(rt_run_cmd); echo rc=\$?" /dev/null \
		< <(rt_typist 'typed\r')
	output=$(printf '%s\n' "$output" | tr -d '\r')
	echo "--- exited $status; output:"
	printf '%s\n' "$output"
	printf '%s\n' "$output" | grep -qx 'got:typed'
	printf '%s\n' "$output" | grep -qx 'rc=0'
}

@test "terminal: foreground run: ^C goes to the container, not to the runtime" {
	rr_jq '.process.terminal = true'
	# sleep runs once the trap is set; it waits for the ^C RR_DEADLINE s
	rr_sh "trap 'echo got-INT; exit 5' INT; sleep $RR_DEADLINE; exit 9"
	run timeout -k 5 "$RR_GUARD" script -qec "$(rt_run_cmd); echo rc=\$?" /dev/null \
		< <(rt_typist '\003' sleep)
	output=$(printf '%s\n' "$output" | tr -d '\r')
	echo "--- exited $status; output:"
	printf '%s\n' "$output"
	# the container's own pty echoed ^C and turned it into SIGINT for its
	# foreground process group
	printf '%s\n' "$output" | grep -qxF '^Cgot-INT'
	printf '%s\n' "$output" | grep -qx 'rc=5'
}
