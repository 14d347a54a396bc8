#!/usr/bin/env bats
# The pid-1 shim (runtime/shim.h): real busybox containers, checked from
# inside (ps, /proc, what the workload receives) and from the host (rlite
# kill, exit statuses, the binary's checksum).  Needs root.
#
# Two static helpers run inside the container (GNUmakefile STATIC_HELPERS):
# orphans (makes orphaned grandchildren, watches them go) and sigrecord
# (logs every signal it receives).
#
# What a test waits for it polls, with rr_wait_for's deadline; how fast the
# shim reaps is a figure of `make bench`, not a verdict here.

# jq filters and container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load run_helpers

RL_HELPERS=${RL_HELPERS:-$BATS_TEST_DIRNAME/../../build/tests/helpers}
# The shim is a fork of the runtime that names itself rlite-init (comm and
# /proc/PID/cmdline), whatever the binary is called.
SH_COMM=rlite-init

setup_file() {
	local h
	for h in orphans sigrecord; do
		if [ ! -x "$RL_HELPERS/$h" ]; then
			echo "$RL_HELPERS/$h: not built (make build/tests/helpers/$h)" >&2
			return 1
		fi
	done
	rr_setup_file
}

teardown_file() {
	rr_teardown_file
}

setup() {
	rr_setup
	cp "$RL_HELPERS/orphans" "$RL_HELPERS/sigrecord" "$RR_BUNDLE/rootfs/bin/"
}

teardown() {
	rr_teardown
}

# sh_run [RUN OPTIONS]: rr_run with options of `rlite run` (e.g. --no-init).
sh_run() {
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" \
		"$RLITE_BIN" --root "$RR_STATE" run "$@" --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	rr_show
}

# sh_run_bg: as rr_run_bg, keeping a non-zero status too
# (under bats' set -e a failing command would end rr_run_bg's subshell
# before it records the status); then rr_wait_bg.
sh_run_bg() {
	(
		rc=0
		timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" \
			"$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID" \
			</dev/null >"$RR_DIR/bg.out" 2>&1 || rc=$?
		echo "$rc" >"$RR_DIR/bg.status"
	) &
	RR_BG_PID=$!
}

sh_rlite() {
	"$RLITE_BIN" --root "$RR_STATE" "$@"
}

# sh_wait_output TEXT: until the background run's output holds TEXT.
sh_wait_output() {
	rr_wait_for grep -q -- "$1" "$RR_DIR/bg.out" || {
		echo "--- output so far:"
		cat "$RR_DIR/bg.out"
		return 1
	}
}

# sh_find COMM [N]: the host pid of the test's process named COMM; with N,
# succeeds only once there are N such processes.
sh_find() {
	local p found=''
	local -i n=0
	for p in $(rr_tagged_pids); do
		if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$1" ]; then
			n+=1
			found=${found:-$p}
		fi
	done
	[ "$n" -ge "${2:-1}" ] && echo "$found"
}

# sh_pid_of COMM: host pid of the test's process named COMM, once there is
# one.
sh_pid_of() {
	rr_wait_for sh_find "$1" >/dev/null && sh_find "$1"
}

# sh_state PID: the state letter of a host pid (R, S, T, Z ...).
sh_state() {
	sed 's/.*) //' "/proc/$1/stat" | cut -d' ' -f1
}

sh_state_is() {
	[ "$(sh_state "$1")" = "$2" ]
}

sh_wait_state() {
	rr_wait_for sh_state_is "$1" "$2" || {
		echo "pid $1 is in state $(sh_state "$1"), not $2"
		return 1
	}
}

# sh_line TEXT: $output has the line TEXT.
sh_line() {
	printf '%s\n' "$output" | grep -qxF -- "$1"
}

# ---- pid 1 -----------------------------------------------------------------------

@test "shim: the workload is pid 2, a child of the shim (pid 1)" {
	rr_sh 'echo "me=$$ parent=$PPID init=$(cat /proc/1/comm)"'
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[-1]}" = "me=2 parent=1 init=$SH_COMM" ]
}

@test "shim: ps shows it as rlite-init, not the runtime's command line" {
	rr_jq '.process.args = ["sleep", "100"]'
	sh_run_bg
	local shim
	shim=$(sh_pid_of rlite-init)
	[ "$(ps -o args= -p "$shim")" = rlite-init ]
	[ "$(tr '\0' '|' <"/proc/$shim/cmdline")" = "rlite-init|" ]
	sh_rlite kill "$RR_ID" KILL
	rr_wait_bg
}

# A stand-in for an init the caller brought (docker run --init's
# docker-init, tini, catatonit ...): a script called tini in the rootfs.
sh_fake_tini() {
	printf '#!/bin/sh\necho "pid=$$"\n' >"$RR_BUNDLE/rootfs/bin/tini"
	chmod 0755 "$RR_BUNDLE/rootfs/bin/tini"
	rr_jq '.process.args = ["/bin/tini"]'
}

@test "shim: --init=auto leaves pid 1 to an init the caller brought, and says so in --debug" {
	sh_fake_tini
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" --debug \
		--log "$RR_DIR/log" run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = pid=1 ]
	grep -q "no shim (--init=auto: process.args\[0\] is an init of its own)" "$RR_DIR/log"
	# the default is auto: the same without --init
	sh_run
	[ "$output" = pid=1 ]
	# a plain workload keeps the shim
	rr_sh 'echo "pid=$$"'
	sh_run
	[ "$output" = pid=2 ]
}

@test "shim: --init=always and --init=never; the annotation wins over both" {
	sh_fake_tini
	run timeout -k 5 "$RR_GUARD" "$RLITE_BIN" --root "$RR_STATE" --init=always run --bundle "$RR_BUNDLE" \
		"$RR_ID" </dev/null
	[ "$output" = pid=2 ]
	rr_sh 'echo "pid=$$"'
	run timeout -k 5 "$RR_GUARD" "$RLITE_BIN" --root "$RR_STATE" --init never run --bundle "$RR_BUNDLE" \
		"$RR_ID" </dev/null
	[ "$output" = pid=1 ]
	rr_jq '.annotations["org.rlite.init"] = "true"'
	run timeout -k 5 "$RR_GUARD" "$RLITE_BIN" --root "$RR_STATE" --init never run --bundle "$RR_BUNDLE" \
		"$RR_ID" </dev/null
	[ "$output" = pid=2 ]
	run "$RLITE_BIN" --init=sometimes list
	[ "$status" -ne 0 ]
	[[ "$output" == *'--init: must be auto, always or never, not "sometimes"'* ]]
}

@test "shim: rlite.conf's init sets the default; --init overrides it; a bad file is an error" {
	rr_sh 'echo "pid=$$"'
	printf '# this machine\ninit = never\n' >"$RR_DIR/rlite.conf"
	run timeout -k 5 "$RR_GUARD" env RLITE_CONFIG="$RR_DIR/rlite.conf" "$RLITE_BIN" --root "$RR_STATE" \
		run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	[ "$output" = pid=1 ]
	run timeout -k 5 "$RR_GUARD" env RLITE_CONFIG="$RR_DIR/rlite.conf" "$RLITE_BIN" --root "$RR_STATE" \
		--init=always run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	[ "$output" = pid=2 ]
	printf 'init = never\nshim = off\n' >"$RR_DIR/rlite.conf"
	run env RLITE_CONFIG="$RR_DIR/rlite.conf" "$RLITE_BIN" --root "$RR_STATE" list
	[ "$status" -ne 0 ]
	[[ "$output" == *"$RR_DIR/rlite.conf:2: unknown setting \"shim\""* ]]
}

@test "shim: with --no-init, or org.rlite.init false, the workload is pid 1" {
	rr_sh 'echo "me=$$"'
	sh_run --no-init
	[ "$status" -eq 0 ]
	[[ "$output" == *"me=1"* ]]
	sh_run
	[[ "$output" == *"me=2"* ]]
	rr_jq '.annotations["org.rlite.init"] = "false"'
	sh_run
	[ "$status" -eq 0 ]
	[[ "$output" == *"me=1"* ]]
}

@test "shim: a malformed annotation is refused, naming it" {
	rr_jq '.annotations["org.rlite.init.grace-ms"] = "soon"'
	rr_sh 'true'
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'annotations["org.rlite.init.grace-ms"]: "soon"'* ]]
}

@test "shim: no shim without a new pid namespace" {
	rr_jq '.linux.namespaces |= map(select(.type != "pid")) | .process.args = ["sleep", "100"]'
	sh_run_bg
	sh_pid_of sleep >/dev/null
	# the runtime's `run` only: no shim
	[ "$(for p in $(rr_tagged_pids); do cat "/proc/$p/comm"; done | grep -cx "$SH_COMM")" = 0 ]
	sh_rlite kill "$RR_ID" KILL
	rr_wait_bg
	[ "$status" -eq 137 ]
}

# ---- reaping -----------------------------------------------------------------------

# orphans watches until the shim has reaped them all (30 s at most, then it
# reports what is left); how long that took is a figure for `make bench`.
@test "shim: 2,000 orphans exit at once: every one is reaped, ppid 1 while alive" {
	rr_jq '.process.args = ["/bin/orphans", "2000"]'
	rr_run
	[ "$status" -eq 0 ]
	sh_line "orphans 2000 ppid1 2000"
	sh_line "left 0"
	sh_line "zombies 0"
}

@test "shim: with --no-init the same orphans stay zombies (the workload is pid 1)" {
	# orphans watches until they have all exited, then counts the zombies
	rr_jq '.process.args = ["/bin/orphans", "500", "exited"]'
	sh_run --no-init
	[ "$status" -eq 0 ]
	sh_line "orphans 500 ppid1 500"
	sh_line "left 0"
	sh_line "zombies 500"
}

# ---- exit status -----------------------------------------------------------------------

@test "shim: exit codes 0..255 pass through (a sample)" {
	local code
	for code in 0 1 2 42 126 127 128 200 255; do
		rr_sh "exit $code"
		rr_run "-$code"
		[ "$status" -eq "$code" ]
	done
}

@test "shim: a workload killed by a signal gives 128+signal (kill -9 \$\$ is 137)" {
	rr_sh 'kill -9 $$; echo survived'
	rr_run
	[ "$status" -eq 137 ]
	[[ "$output" != *survived* ]]
	rr_sh 'kill -SEGV $$'
	rr_run
	[ "$status" -eq 139 ]
}

@test "shim: the workload starts with an empty mask; what the caller ignored stays ignored" {
	# grep as the workload itself: a shell would set dispositions of its own
	rr_jq '.process.args = ["grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"]'
	# the caller ignores SIGINT (bit 2) and SIGUSR2 (bit 12), and blocks
	# SIGHUP: rlite itself handles nothing the workload would inherit
	local caller='use POSIX; $SIG{INT} = $SIG{USR2} = "IGNORE";
		sigprocmask(SIG_BLOCK, POSIX::SigSet->new(SIGHUP));
		exec @ARGV' want ign
	# what that caller ignores in all, through the same wrappers (it
	# inherits the test's own; timeout catches SIGHUP, which its command
	# then finds at SIG_DFL however the test had it)
	want=$(timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" perl -e "$caller" \
		awk '$1 == "SigIgn:" { print $2 }' /proc/self/status)
	echo "the caller ignores: $want"
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" perl -e "$caller" \
		"$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	rr_show
	[ "$status" -eq 0 ]
	[[ "$output" == *$'SigBlk:\t0000000000000000'* ]]
	ign=$(printf '%s\n' "$output" | awk '$1 == "SigIgn:" { print $2 }')
	[ $((16#$want & 16#802)) = $((16#802)) ]
	# exactly the caller's: rlite adds no SIG_IGN of its own, drops none
	[ "$ign" = "$want" ]
}

# ---- signals from outside --------------------------------------------------------------

@test "shim: sleep stops on rlite kill TERM (143) and on INT (130)" {
	local sig want
	for sig in TERM:143 INT:130; do
		want=${sig#*:}
		sig=${sig%:*}
		rr_jq '.process.args = ["sleep", "100"]'
		sh_run_bg
		sh_pid_of sleep >/dev/null
		sh_rlite kill "$RR_ID" "$sig"
		rr_wait_bg
		[ "$status" -eq "$want" ]
	done
}

@test "shim: signals 1-31 but KILL STOP CHLD, and RTMIN+3, reach the workload via rlite kill" {
	local sig want=""
	rr_jq '.process.args = ["/bin/sigrecord"]'
	sh_run_bg
	sh_wait_output ready
	for sig in $(seq 1 31) RTMIN+3; do
		case $sig in 9 | 17 | 19) continue ;; esac
		sh_rlite kill "$RR_ID" "$sig"
		# one at a time, so that the order is the order sent
		[ "$sig" = RTMIN+3 ] && sig=$(($(kill -l RTMIN) + 3))
		sh_wait_output "^sig $sig "
		want+="sig $sig code 0 pid 1"$'\n'
	done
	rr_wait_bg
	[ "$status" -eq 0 ]
	# every one sent by the shim (si_pid 1, SI_USER), in order
	diff <(printf '%s' "$want") <(grep '^sig ' "$RR_DIR/bg.out")
}

@test "shim: rlite kill KILL stops the container at once (137)" {
	rr_jq '.process.args = ["sleep", "100"]'
	rr_snapshot
	sh_run_bg
	sh_pid_of sleep >/dev/null
	sh_rlite kill "$RR_ID" KILL
	rr_wait_bg
	[ "$status" -eq 137 ]
	rr_assert_nothing_left
}

@test "shim: kill --all and delete --force stop every process of the container" {
	local how
	for how in "kill --all $RR_ID KILL" "delete --force $RR_ID"; do
		rr_sh 'sleep 100 & sleep 100 & (sleep 100 &) ; trap "" TERM; wait'
		sh_run_bg
		# all three there, the double-forked one too
		rr_wait_for sh_find sleep 3 >/dev/null
		# shellcheck disable=SC2086 # two words on purpose
		sh_rlite $how
		rr_wait_bg
		[ "$status" -eq 137 ]
		[ -z "$(rr_tagged_pids)" ]
	done
}

@test "shim: signals sent to pid 1 from inside are dropped; the shim survives" {
	rr_sh 'for s in SEGV ABRT BUS FPE ILL TRAP SYS TERM INT HUP QUIT USR1 TSTP STOP KILL; do
			kill -$s 1 || echo "kill -$s failed"
		done
		sleep 0.3
		kill -0 1 && echo "shim alive: $(cat /proc/1/comm)"
		echo "workload alive"; exit 3'
	rr_run
	[ "$status" -eq 3 ]
	[[ "$output" == *"shim alive: $SH_COMM"* ]]
	[[ "$output" == *"workload alive"* ]]
	[[ "$output" != *failed* ]]
}

@test "shim: grace-ms: the rest get SIGTERM and time to exit; without it they get SIGKILL" {
	# the workload exits once the rest has its trap (its mark in /dev/shm)
	rr_sh '(trap "echo rest-got-TERM; exit 0" TERM; touch /dev/shm/ready
		while :; do sleep 0.05; done) &
		while [ ! -e /dev/shm/ready ]; do sleep 0.05; done; exit 3'
	rr_run
	[ "$status" -eq 3 ]
	[[ "$output" != *rest-got-TERM* ]]
	# a grace far longer than the rest needs: the shim ends as soon as
	# they are gone, so it costs nothing on a fast machine
	rr_jq '.annotations["org.rlite.init.grace-ms"] = "20000"'
	rr_run
	[ "$status" -eq 3 ]
	[[ "$output" == *rest-got-TERM* ]]
}

@test "shim: signal-group forwards to the workload's process group" {
	rr_jq '.annotations["org.rlite.init.signal-group"] = "true"'
	# The trap is set before sleep starts.  USR1 may come while sh waits
	# (the first wait is interrupted, 138, and the second one gets sleep's
	# status) or just before (the first wait gets it, the second finds no
	# such job, 127): either way sleep's status is 138.
	rr_sh 'trap "echo sh-got-USR1" USR1; sleep 30 & pid=$!; wait $pid; a=$?; wait $pid
		echo "sleep: $a $?"; exit 4'
	sh_run_bg
	sh_pid_of sleep >/dev/null
	sh_rlite kill "$RR_ID" USR1
	rr_wait_bg
	[ "$status" -eq 4 ]
	# sh ran its trap, its child sleep, in the same group, died of USR1
	[[ "$output" == *sh-got-USR1* ]]
	printf '%s\n' "$output" | grep -Eqx 'sleep: 138 (138|127)'
}

@test "shim: --debug logs reaped pids and forwarded signals to the log, not stdout" {
	rr_jq '.process.args = ["sleep", "100"]'
	(
		rc=0
		timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" \
			--log "$RR_DIR/log" --debug run --bundle "$RR_BUNDLE" "$RR_ID" \
			</dev/null >"$RR_DIR/bg.out" 2>&1 || rc=$?
		echo "$rc" >"$RR_DIR/bg.status"
	) &
	# shellcheck disable=SC2034 # read by rr_wait_bg
	RR_BG_PID=$!
	sh_pid_of sleep >/dev/null
	sh_rlite kill "$RR_ID" USR1
	rr_wait_bg
	cat "$RR_DIR/log"
	[ "$status" -eq 138 ]
	grep -q "shim\[$RR_ID\]: forwarded SIGUSR1 to pid 2" "$RR_DIR/log"
	grep -q "shim\[$RR_ID\]: workload pid 2 exited: status 138" "$RR_DIR/log"
	[[ "$output" != *shim* ]]
}

@test "shim: --debug lines of a detached container reach the log too" {
	rr_jq '.process.args = ["sh", "-c", "exit 3"]'
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" \
		--log "$RR_DIR/log" --debug run --detach --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	rr_wait_for grep -q "shim\[$RR_ID\]: exiting with status 3" "$RR_DIR/log" || true
	cat "$RR_DIR/log"
	grep -q "shim\[$RR_ID\]: workload pid 2 exited: status 3" "$RR_DIR/log"
	grep -q "shim\[$RR_ID\]: exiting with status 3" "$RR_DIR/log"
}

# ---- terminal -----------------------------------------------------------------------

# sh_typist: for script's stdin.  Once sleep runs and the runtime has the
# caller's terminal in raw mode (before that ^Z would stop the runtime): ^Z,
# checks it stopped (and the shim did not), rlite kill CONT, checks it
# runs, then ^C; keeps script's stdin open until the run is over.
sh_typist() {
	local sleep_pid shim_pid
	sleep_pid=$(sh_pid_of sleep) || return 1
	shim_pid=$(sh_rlite state "$RR_ID" | jq .pid)
	rr_wait_for rr_tagged_raw_tty >>"$RR_DIR/typist.log" || return 1
	printf '\032'
	sh_wait_state "$sleep_pid" T >>"$RR_DIR/typist.log" &&
		echo "stopped: sleep $(sh_state "$sleep_pid") shim $(sh_state "$shim_pid")" \
			>>"$RR_DIR/typist.log"
	sh_rlite kill "$RR_ID" CONT
	sh_wait_state "$sleep_pid" S >>"$RR_DIR/typist.log" &&
		echo "continued: sleep $(sh_state "$sleep_pid")" >>"$RR_DIR/typist.log"
	printf '\003'
	rr_wait_for rr_no_tagged_pids >>"$RR_DIR/typist.log"
}

@test "shim: on a pty, ^Z stops the workload (not the shim), ^C ends it (130)" {
	rr_jq '.process.terminal = true | .process.args = ["sleep", "100"]'
	run timeout -k 5 "$RR_GUARD" script -qec "$(printf 'env RR_TAG=%q %q --root %q run --bundle %q %q' \
		"$RR_ID" "$RLITE_BIN" "$RR_STATE" "$RR_BUNDLE" "$RR_ID"); echo rc=\$?" /dev/null \
		< <(sh_typist)
	output=$(printf '%s\n' "$output" | tr -d '\r')
	echo "--- exited $status; output:"
	printf '%s\n' "$output"
	echo "--- typist:"
	cat "$RR_DIR/typist.log"
	grep -qx 'stopped: sleep T shim S' "$RR_DIR/typist.log"
	grep -qx 'continued: sleep S' "$RR_DIR/typist.log"
	printf '%s\n' "$output" | grep -q 'rc=130$'
}

@test "shim: with --console-socket the workload is the terminal's foreground group" {
	local out=$RR_DIR/console.out
	rr_jq '.process.terminal = true'
	# fields after "(comm) ": state ppid pgrp session tty_nr tpgid; sed
	# runs in the workload's group
	rr_sh 'set -- $(sed "s/.*) //" /proc/self/stat); echo "pgrp=$3 session=$4 tpgid=$6"
		set -- $(sed "s/.*) //" /proc/1/stat); echo "shim: pgrp=$3 session=$4"; echo END'
	"$RL_HELPERS/console-recv" -o "$out" -p "$RR_DIR/recv.pid" -t "$RR_GUARD" \
		"$RR_DIR/console.sock"
	sh_rlite create --bundle "$RR_BUNDLE" --console-socket "$RR_DIR/console.sock" "$RR_ID" \
		</dev/null
	sh_rlite start "$RR_ID"
	rr_wait_for grep -q '^END' "$out" || true
	kill -9 "$(cat "$RR_DIR/recv.pid")" 2>/dev/null || true
	tr -d '\r' <"$out"
	# the workload (pid 2) leads its group, the pty's foreground one; the
	# shim leads the session (it holds the controlling terminal) in a group
	# of its own, which ^C and ^Z do not reach
	tr -d '\r' <"$out" | grep -qx 'pgrp=2 session=1 tpgid=2'
	tr -d '\r' <"$out" | grep -qx 'shim: pgrp=1 session=1'
}

# ---- the host binary --------------------------------------------------------------------

# The attempts a root process in the container makes on the runtime's binary:
# /proc/<pid>/exe of every process (the shim's is the host's rlite), and
# every fd of every process that points at a file named like it.
sh_attack='
	for p in /proc/[0-9]*; do
		case $(readlink "$p/exe" 2>&1) in */busybox) continue ;; esac
		( : >>"$p/exe" ) 2>&1 && echo "WROTE $p/exe"
		( : >"$p/exe" ) 2>&1 && echo "TRUNCATED $p/exe"
	done
	for f in /proc/[0-9]*/fd/*; do
		case $(readlink "$f" 2>/dev/null) in *rlite*) echo "FD $f"; ( : >>"$f" ) 2>&1 ;; esac
	done
	echo "own fds:"; ls /proc/$$/fd
	echo "shim fds:"; ls -l /proc/1/fd 2>&1
	echo done'

# sh_fds_after HEADER: the lines of $output between HEADER and the next
# line ending in ":" or "done", joined by spaces.
sh_fds_after() {
	printf '%s\n' "$output" | awk -v h="$1" '$0 == h { on = 1; next }
		on && (/:$/ || $0 == "done") { exit } on { printf "%s ", $0 }'
}

@test "shim: a root process inside cannot open the host binary for writing (default caps)" {
	local before after
	before=$(sha256sum <"$RLITE_BIN")
	rr_sh "$sh_attack"
	rr_run
	after=$(sha256sum <"$RLITE_BIN")
	[ "$status" -eq 0 ]
	[ "$before" = "$after" ]
	[[ "$output" == *done* ]]
	[[ "$output" != *WROTE* && "$output" != *TRUNCATED* && "$output" != *FD* ]]
	# non-dumpable: /proc/1/exe cannot even be opened
	[[ "$output" == *"/proc/1/exe: Permission denied"* ]]
	# the workload's shell holds stdio only; the shim's fds are out of reach
	[ "$(sh_fds_after "own fds:")" = "0 1 2 " ]
	[[ "$output" == *"/proc/1/fd/"*": cannot read link: Permission denied"* ]]
}

@test "shim: with every capability (CAP_SYS_PTRACE too) the binary is still not writable" {
	local before after
	before=$(sha256sum <"$RLITE_BIN")
	rr_all_caps
	rr_sh "$sh_attack"
	rr_run
	after=$(sha256sum <"$RLITE_BIN")
	[ "$status" -eq 0 ]
	[ "$before" = "$after" ]
	[[ "$output" == *done* ]]
	[[ "$output" != *WROTE* && "$output" != *TRUNCATED* && "$output" != *FD* ]]
	# the shim runs from it: ETXTBSY
	[[ "$output" == *"/proc/1/exe: Text file busy"* ]]
	# the shim keeps one fd: its signalfd
	sh_fds_after "shim fds:" | grep -Eq '^total 0 l\S+ .* [0-9]+ -> anon_inode:\[signalfd\] $'
	[ "$(sh_fds_after "own fds:")" = "0 1 2 " ]
}
