#!/usr/bin/env bats
# The OCI lifecycle as a caller (conmon, containerd's runc shim) drives it:
# create -> start -> state -> kill -> delete, the pid file, concurrent
# creates of one id, error paths that leave nothing behind, and the global
# flags' spellings (issue 4, GUIDE §4); `list` has list.bats.  Real busybox
# containers; needs root.
#
# Every test has its own --root, bundle and id (run_helpers.bash); teardown
# deletes the container with --force and kills every process carrying the
# test's tag, also after a failure.  Detached runs, hooks, terminals and the
# json log have their own files (detach, hooks, terminal, log .bats).

# jq filters and container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load run_helpers
load lifecycle_helpers

setup_file() {
	rr_setup_file
}

teardown_file() {
	rr_teardown_file
}

# Every test gets a host directory bind-mounted read-write on /mnt/host,
# where the workload leaves markers the test reads from the host.
setup() {
	rr_setup
	rr_host_dir
	LC_HOST=$RR_HOST
	LC_SLEEPER=
}

teardown() {
	if [ -n "${LC_SLEEPER:-}" ]; then
		kill -9 "$LC_SLEEPER" 2>/dev/null || true
	fi
	rr_teardown
}

# lc_wait_file FILE [LINES]: until FILE has at least LINES lines (default 1).
lc_wait_file() {
	rr_wait_for rr_has_lines "$1" "${2:-1}" || {
		echo "$1 never got ${2:-1} lines; it has:"
		cat "$1" 2>&1
		return 1
	}
}

# A live, non-zombie process.
lc_alive() {
	! rr_gone "$1"
}

lc_wait_gone() {
	rr_wait_for rr_gone "$1" || {
		echo "process $1 still runs: $(tr '\0' ' ' <"/proc/$1/cmdline")"
		return 1
	}
}

# lc_is_zombie PID
lc_is_zombie() {
	[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = Z ]
}

# The workload of the signal tests: records each signal it gets into
# /mnt/host/sig and goes on running (KILL ends it).
lc_trapping_workload() {
	rr_sh 'trap "echo TERM >>/mnt/host/sig" TERM
		trap "echo USR1 >>/mnt/host/sig" USR1
		echo ready >/mnt/host/ready
		while :; do sleep 0.05; done'
}

# ---- created -> running -> stopped -> deleted ----------------------------------

# lc_only_container PID: the test's processes are one container's: its init
# PID (the pid-1 shim, runtime/shim.h) and, created but not started, the
# process waiting for `start`, the shim's child.
lc_only_container() {
	local p n=0
	for p in $(rr_tagged_pids); do
		n=$((n + 1))
		[ "$p" = "$1" ] || [ "$(awk '{ print $4 }' "/proc/$p/stat")" = "$1" ] || return 1
	done
	[ "$n" -ge 1 ] && [ "$n" -le 2 ]
}

@test "lifecycle: create leaves the init blocked; state has exactly the OCI fields" {
	rr_sh 'echo started >/mnt/host/marker; exec sleep 30'
	local before after
	before=$(date +%s)
	lc_create --pid-file "$RR_DIR/pid" "$RR_ID"
	after=$(date +%s)
	[ "$status" -eq 0 ]
	[ -z "$output" ]

	run lc_rlite state "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	local state=$output pid
	[ "$(jq -c 'keys' <<<"$state")" = '["bundle","created","id","ociVersion","owner","pid","rootfs","status"]' ]
	[ "$(jq -r .status <<<"$state")" = created ]
	[ "$(jq -r .id <<<"$state")" = "$RR_ID" ]
	[ "$(jq -r .bundle <<<"$state")" = "$RR_BUNDLE" ]
	[ "$(jq -r .rootfs <<<"$state")" = "$RR_BUNDLE/rootfs" ]
	[ "$(jq -r .owner <<<"$state")" = root ]
	[[ "$(jq -r .ociVersion <<<"$state")" =~ ^1\.[0-9]+\.[0-9]+ ]]
	# RFC3339 with (up to 9 digits of) nanoseconds, UTC, within create
	# (however long it took)
	local created
	created=$(jq -r .created <<<"$state")
	[[ "$created" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{1,9}Z$ ]]
	created=$(date -d "$created" +%s)
	echo "created at $created, create ran from $before to $after"
	[ "$created" -ge "$before" ]
	[ "$created" -le "$after" ]

	# pid = the pid file = a live process, blocked before the workload's execve
	pid=$(jq -r .pid <<<"$state")
	[ "$pid" = "$(cat "$RR_DIR/pid")" ]
	lc_alive "$pid"
	local cmdline
	cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline")
	echo "init: $cmdline; $(grep ^State: "/proc/$pid/status")"
	[[ "$cmdline" != "sleep 30"* ]]
	grep -Eq '^State:[[:space:]]+S' "/proc/$pid/status"
	sleep 0.2
	[ ! -e "$LC_HOST/marker" ]
	[ "$(lc_status)" = created ]
}

@test "lifecycle: state lists the config's annotations" {
	rr_jq '.annotations = {"org.example.a": "1", "org.example.b": "two words"}'
	rr_sh 'exec sleep 100000'
	lc_create "$RR_ID"
	[ "$status" -eq 0 ]
	run lc_rlite state "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -c 'keys' <<<"$output")" = '["annotations","bundle","created","id","ociVersion","owner","pid","rootfs","status"]' ]
	[ "$(jq -c .annotations <<<"$output")" = '{"org.example.a":"1","org.example.b":"two words"}' ]
}

@test "lifecycle: start runs the workload; it exits -> stopped, pid 0; delete removes it" {
	rr_sh 'echo started >/mnt/host/marker
		while [ ! -e /mnt/host/go ]; do sleep 0.05; done'
	lc_create --pid-file "$RR_DIR/pid" "$RR_ID"
	[ "$status" -eq 0 ]
	local pid
	pid=$(cat "$RR_DIR/pid")

	run lc_rlite start "$RR_ID"
	echo "start: $status $output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	lc_wait_file "$LC_HOST/marker"
	[ "$(cat "$LC_HOST/marker")" = started ]
	run lc_rlite state "$RR_ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = running ]
	[ "$(jq -r .pid <<<"$output")" = "$pid" ]
	lc_alive "$pid"

	# the workload exits: stopped, and pid 0 (as runc reports it)
	touch "$LC_HOST/go"
	lc_wait_status stopped
	run lc_rlite state "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r .pid <<<"$output")" = 0 ]
	[ -d "$RR_STATE/$RR_ID" ]

	run lc_rlite delete "$RR_ID"
	echo "delete: $status $output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ ! -e "$RR_STATE/$RR_ID" ]
	run lc_rlite state "$RR_ID"
	echo "state after delete: $status $output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container does not exist"* ]]
}

@test "lifecycle: start of a running or a stopped container fails clearly" {
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done'
	lc_create "$RR_ID"
	[ "$status" -eq 0 ]
	run lc_rlite start "$RR_ID"
	[ "$status" -eq 0 ]
	run lc_rlite start "$RR_ID"
	echo "start running: $status $output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot start an already running container"* ]]
	[ "$(lc_status)" = running ]

	touch "$LC_HOST/go"
	lc_wait_status stopped
	run lc_rlite start "$RR_ID"
	echo "start stopped: $status $output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"cannot start a container that has stopped"* ]]
	[ "$(lc_status)" = stopped ]
}

@test "lifecycle: state, start and kill of a missing id fail with \"container does not exist\"" {
	local cmd
	for cmd in state start kill; do
		run lc_rlite "$cmd" nosuch
		echo "$cmd: $status $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"container does not exist"* ]]
	done
}

@test "lifecycle: kill of a created container stops it before the workload ran" {
	rr_sh 'echo started >/mnt/host/marker; exec sleep 30'
	lc_create --pid-file "$RR_DIR/pid" "$RR_ID"
	[ "$status" -eq 0 ]
	local pid
	pid=$(cat "$RR_DIR/pid")
	run lc_rlite kill "$RR_ID" KILL
	echo "kill: $status $output"
	[ "$status" -eq 0 ]
	lc_wait_status stopped
	lc_wait_gone "$pid"
	[ ! -e "$LC_HOST/marker" ]
	run lc_rlite start "$RR_ID"
	[ "$status" -ne 0 ]
	run lc_rlite delete "$RR_ID"
	[ "$status" -eq 0 ]
	[ ! -e "$LC_HOST/marker" ]
}

# conmon and containerd's shim are child subreapers: the init is reparented
# to them when create exits, and stays a zombie until they reap it.  A
# small perl caller plays that part (prctl(PR_SET_CHILD_SUBREAPER) through
# syscall(2): the syscall number is x86_64's).
@test "lifecycle: under a subreaper caller the init is its child; a zombie init reads as stopped" {
	[ "$(uname -m)" = x86_64 ] || skip "the perl subreaper uses x86_64's prctl number"
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done; exit 42'
	local d=$RR_DIR
	env RR_TAG="$RR_ID" perl -e '
		my $d = shift;
		syscall(157, 36, 1, 0, 0, 0) == 0 or die "prctl: $!";
		my $rc = system(@ARGV);
		open(my $f, ">", "$d/created.tmp") or die; print $f $rc >> 8; close $f;
		rename("$d/created.tmp", "$d/created");
		select(undef, undef, undef, 0.05) until -e "$d/reap";
		my $p = wait;
		open($f, ">", "$d/reaped.tmp") or die; print $f "$p " . ($? >> 8); close $f;
		rename("$d/reaped.tmp", "$d/reaped");
		' "$d" "$RLITE_BIN" --root "$RR_STATE" create --bundle "$RR_BUNDLE" \
		--pid-file "$d/pid" "$RR_ID" </dev/null >"$d/caller.out" 2>&1 &
	local caller=$!
	rr_wait_for test -e "$d/created" || true
	cat "$d/caller.out"
	[ "$(cat "$d/created")" = 0 ]
	local pid
	pid=$(cat "$d/pid")
	# no process of rlite stays between the caller and the init
	[ "$(awk '{ print $4 }' "/proc/$pid/stat")" = "$caller" ]
	[ "$(lc_status)" = created ]

	run lc_rlite start "$RR_ID"
	[ "$status" -eq 0 ]
	[ "$(lc_status)" = running ]
	touch "$LC_HOST/go"
	rr_wait_for lc_is_zombie "$pid" || true
	echo "init: $(cat "/proc/$pid/stat")"
	lc_is_zombie "$pid"
	# the init has exited but is not reaped yet: stopped, pid 0
	run lc_rlite state "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = stopped ]
	[ "$(jq -r .pid <<<"$output")" = 0 ]
	run lc_rlite kill "$RR_ID" KILL
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
	[ "$(lc_rlite list | awk -v i="$RR_ID" '$1 == i { print $3 }')" = stopped ]

	# the caller reaps the workload's own exit status
	touch "$d/reap"
	wait "$caller"
	echo "reaped: $(cat "$d/reaped")"
	[ "$(cat "$d/reaped")" = "$pid 42" ]
	run lc_rlite delete "$RR_ID"
	[ "$status" -eq 0 ]
	[ ! -e "$RR_STATE/$RR_ID" ]
}

# ---- pid file -------------------------------------------------------------------

@test "pid file: decimal digits without newline, there when create returns, atomic" {
	rr_sh 'exec sleep 100000'
	mkdir "$RR_DIR/piddir"
	lc_create --pid-file "$RR_DIR/piddir/init.pid" "$RR_ID"
	[ "$status" -eq 0 ]
	# right after create returned: present, and alone in its directory (the
	# temp file it was renamed from is gone)
	[ "$(ls -A "$RR_DIR/piddir")" = init.pid ]
	local pid
	pid=$(lc_rlite state "$RR_ID" | jq -r .pid)
	[[ "$pid" =~ ^[1-9][0-9]*$ ]]
	od -c "$RR_DIR/piddir/init.pid"
	cmp "$RR_DIR/piddir/init.pid" <(printf %s "$pid")
	lc_alive "$pid"

	# --pid-file=FILE, relative to the caller's directory, works the same
	cd "$RR_DIR/piddir"
	lc_create --pid-file=rel.pid "$RR_ID-2"
	[ "$status" -eq 0 ]
	pid=$(lc_rlite state "$RR_ID-2" | jq -r .pid)
	cmp "$RR_DIR/piddir/rel.pid" <(printf %s "$pid")
	[ "$(ls -A "$RR_DIR/piddir" | tr '\n' ' ')" = "init.pid rel.pid " ]
	lc_rlite delete --force "$RR_ID-2"
}

# ---- kill -----------------------------------------------------------------------

@test "kill: TERM, SIGTERM, 15, the default and SIGUSR1 reach the workload; KILL stops it" {
	lc_trapping_workload
	lc_create "$RR_ID"
	[ "$status" -eq 0 ]
	run lc_rlite start "$RR_ID"
	[ "$status" -eq 0 ]
	lc_wait_file "$LC_HOST/ready"

	local n=0 sig
	for sig in TERM SIGTERM 15 ""; do
		n=$((n + 1))
		# shellcheck disable=SC2086 # "" is the default: no argument
		run lc_rlite kill "$RR_ID" $sig
		echo "kill ${sig:-(default)}: $status $output"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
		lc_wait_file "$LC_HOST/sig" "$n"
		[ "$(tail -1 "$LC_HOST/sig")" = TERM ]
	done
	run lc_rlite kill "$RR_ID" SIGUSR1
	[ "$status" -eq 0 ]
	lc_wait_file "$LC_HOST/sig" 5
	[ "$(tail -1 "$LC_HOST/sig")" = USR1 ]
	run lc_rlite kill "$RR_ID" USR1
	[ "$status" -eq 0 ]
	lc_wait_file "$LC_HOST/sig" 6
	[ "$(tail -1 "$LC_HOST/sig")" = USR1 ]
	cat "$LC_HOST/sig"
	[ "$(wc -l <"$LC_HOST/sig")" -eq 6 ]
	[ "$(lc_status)" = running ]

	local pid
	pid=$(lc_rlite state "$RR_ID" | jq -r .pid)
	run lc_rlite kill "$RR_ID" KILL
	[ "$status" -eq 0 ]
	lc_wait_status stopped
	lc_wait_gone "$pid"
	[ "$(wc -l <"$LC_HOST/sig")" -eq 6 ]
}

@test "kill: an unknown signal is refused clearly, the container untouched" {
	lc_trapping_workload
	lc_create "$RR_ID"
	[ "$status" -eq 0 ]
	run lc_rlite start "$RR_ID"
	[ "$status" -eq 0 ]
	lc_wait_file "$LC_HOST/ready"
	local sig
	for sig in FOO SIGFOO 0x9 -9 99; do
		run lc_rlite kill "$RR_ID" "$sig"
		echo "kill $sig: $status $output"
		[ "$status" -ne 0 ]
		[[ "$output" == *"signal"* ]]
		[[ "$output" == *"$sig"* ]]
	done
	sleep 0.2
	[ ! -e "$LC_HOST/sig" ]
	[ "$(lc_status)" = running ]
}

@test "kill: a stopped container gives \"container not running\"" {
	rr_sh 'true'
	lc_create "$RR_ID"
	[ "$status" -eq 0 ]
	run lc_rlite start "$RR_ID"
	[ "$status" -eq 0 ]
	lc_wait_status stopped
	run lc_rlite kill "$RR_ID" KILL
	echo "kill: $status $output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
}

@test "kill: a recycled pid is refused, the unrelated process survives, state says stopped" {
	rr_sh 'exec sleep 100000'
	lc_create --pid-file "$RR_DIR/pid" "$RR_ID"
	[ "$status" -eq 0 ]
	# An unrelated host process takes the place of the init in the state
	# file; the stored start time is the real init's, so the identity check
	# must see that the pid now belongs to someone else.
	sleep 60 &
	LC_SLEEPER=$!
	local f=$RR_STATE/$RR_ID/state.json
	cat "$f"
	jq --argjson p "$LC_SLEEPER" '.pid = $p' "$f" >"$f.new"
	chmod 0600 "$f.new"
	mv "$f.new" "$f"
	cat "$f"

	run lc_rlite kill "$RR_ID" KILL
	echo "kill: $status $output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
	# --all reaches the container's cgroup, where the real init is, and
	# only it.
	run lc_rlite kill --all "$RR_ID" KILL
	echo "kill --all: $status $output"
	[ "$status" -eq 0 ]
	lc_wait_gone "$(cat "$RR_DIR/pid")"
	lc_alive "$LC_SLEEPER"
	run lc_rlite state "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = stopped ]
	[ "$(jq -r .pid <<<"$output")" = 0 ]
	run lc_rlite delete --force "$RR_ID"
	[ "$status" -eq 0 ]
	lc_alive "$LC_SLEEPER"
}

@test "kill --all reaches a second process in the container" {
	# A second process traps USR1 and records it; the main one traps it too,
	# first: once the second is ready, both are.
	rr_sh 'trap "echo main >>/mnt/host/main" USR1
		sh -c "trap \"echo second >>/mnt/host/sig\" USR1
			echo ready >/mnt/host/ready2
			while :; do sleep 0.05; done" &
		while :; do sleep 0.05; done'
	lc_create "$RR_ID"
	[ "$status" -eq 0 ]
	run lc_rlite start "$RR_ID"
	[ "$status" -eq 0 ]
	lc_wait_file "$LC_HOST/ready2"

	# without --all only the init (and what it forwards to) gets it
	run lc_rlite kill "$RR_ID" USR1
	[ "$status" -eq 0 ]
	lc_wait_file "$LC_HOST/main"
	sleep 0.2
	[ ! -e "$LC_HOST/sig" ]

	run lc_rlite kill --all "$RR_ID" USR1
	echo "kill --all: $status $output"
	[ "$status" -eq 0 ]
	lc_wait_file "$LC_HOST/sig"
	[ "$(cat "$LC_HOST/sig")" = second ]
	[ "$(lc_status)" = running ]

	# -a KILL: every process goes
	local pids
	pids=$(rr_tagged_pids | tr '\n' ' ')
	run lc_rlite kill -a "$RR_ID" KILL
	[ "$status" -eq 0 ]
	lc_wait_status stopped
	local p
	for p in $pids; do
		lc_wait_gone "$p"
	done
}

# ---- delete ---------------------------------------------------------------------

@test "delete: a running container needs --force; --force stops and removes it" {
	rr_sh 'exec sleep 100000'
	lc_create --pid-file "$RR_DIR/pid" "$RR_ID"
	[ "$status" -eq 0 ]
	run lc_rlite start "$RR_ID"
	[ "$status" -eq 0 ]
	local pid
	pid=$(cat "$RR_DIR/pid")

	run lc_rlite delete "$RR_ID"
	echo "delete: $status $output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"not stopped"* ]]
	[ "$(lc_status)" = running ]
	lc_alive "$pid"

	run lc_rlite delete --force "$RR_ID"
	echo "delete --force: $status $output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	lc_wait_gone "$pid"
	[ ! -e "$RR_STATE/$RR_ID" ]
	[ -z "$(rr_tagged_pids)" ]
	run lc_rlite state "$RR_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container does not exist"* ]]
}

@test "delete: a created container is killed and removed, as with runc" {
	rr_sh 'echo started >/mnt/host/marker; exec sleep 30'
	lc_create --pid-file "$RR_DIR/pid" "$RR_ID"
	[ "$status" -eq 0 ]
	local pid
	pid=$(cat "$RR_DIR/pid")
	run lc_rlite delete "$RR_ID"
	echo "delete: $status $output"
	[ "$status" -eq 0 ]
	lc_wait_gone "$pid"
	[ ! -e "$RR_STATE/$RR_ID" ]
	[ ! -e "$LC_HOST/marker" ]
}

@test "delete: a missing id fails without --force, succeeds with -f and --force" {
	run lc_rlite delete nosuch
	echo "delete: $status $output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container does not exist"* ]]
	run lc_rlite delete --force nosuch
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run lc_rlite delete -f nosuch
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ -z "$(ls -A "$RR_STATE")" ]
}

# ---- concurrency ----------------------------------------------------------------

@test "create: 20 at once with one id -> exactly one wins" {
	rr_sh 'exec sleep 100000'
	local i
	for i in $(seq 20); do
		(
			rc=0
			timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create \
				--bundle "$RR_BUNDLE" "$RR_ID" </dev/null >"$RR_DIR/c.$i.out" 2>&1 || rc=$?
			echo "$rc" >"$RR_DIR/c.$i.rc"
		) &
	done
	wait
	local ok=0 exists=0 other=0 rc
	for i in $(seq 20); do
		rc=$(cat "$RR_DIR/c.$i.rc")
		if [ "$rc" -eq 0 ]; then
			ok=$((ok + 1))
		elif grep -q "container with given ID already exists" "$RR_DIR/c.$i.out"; then
			exists=$((exists + 1))
		else
			other=$((other + 1))
			echo "create $i: $rc $(cat "$RR_DIR/c.$i.out")"
		fi
	done
	echo "ok=$ok exists=$exists other=$other"
	[ "$ok" -eq 1 ]
	[ "$exists" -eq 19 ]
	[ "$(ls -A "$RR_STATE")" = "$RR_ID" ]
	# the one container is whole and has exactly one init
	[ "$(lc_status)" = created ]
	local pid
	pid=$(lc_rlite state "$RR_ID" | jq -r .pid)
	lc_alive "$pid"
	lc_only_container "$pid"
	run lc_rlite delete --force "$RR_ID"
	[ "$status" -eq 0 ]
	lc_wait_gone "$pid"
	[ -z "$(ls -A "$RR_STATE")" ]
}

# ---- error paths leave nothing behind -------------------------------------------

# lc_create_fails WANT_STATUS MESSAGE [ID]: create fails with that exit
# status (any non-zero if "!") and message; no state, mount or process is
# left, the root is as empty as before.
lc_create_fails() {
	local want=$1 msg=$2 id=$RR_ID
	[ $# -ge 3 ] && id=$3
	local before
	before=$(ls -A "$RR_STATE")
	rr_snapshot
	lc_create --pid-file "$RR_DIR/fail.pid" "$id"
	if [ "$want" = "!" ]; then
		[ "$status" -ne 0 ]
	else
		[ "$status" -eq "$want" ]
	fi
	[[ "$output" == *"$msg"* ]]
	[ "$(ls -A "$RR_STATE")" = "$before" ]
	[ ! -e "$RR_DIR/fail.pid" ]
	rr_assert_nothing_left
}

@test "create fails cleanly: a missing rootfs" {
	rr_jq '.root.path = "nosuchroot"'
	lc_create_fails "!" "rootfs \"$RR_BUNDLE/nosuchroot\": No such file or directory"
}

@test "create fails cleanly: a bind mount of a missing source" {
	rr_jq '.mounts += [{"destination": "/mnt/x", "type": "bind", "source": "/nonexistent/dir",
			    "options": ["rbind"]}]'
	lc_create_fails "!" "mount \"/nonexistent/dir\" on \"/mnt/x\": No such file or directory"
}

@test "create fails cleanly: an unknown file system type" {
	rr_jq '.mounts += [{"destination": "/mnt/x", "type": "nosuchfs", "source": "x"}]'
	lc_create_fails "!" "on \"/mnt/x\": No such device"
}

@test "create fails cleanly: a missing binary exits 127 naming it" {
	rr_jq '.process.args = ["/nosuch"]'
	lc_create_fails 127 'exec "/nosuch": stat /nosuch: no such file or directory'
}

@test "create fails cleanly: invalid ids" {
	local id
	for id in ../x .hidden a/b .. "" "$(printf 'a%.0s' $(seq 1025))"; do
		lc_create_fails "!" "invalid container id" "$id"
		[ -z "$(ls -A "$RR_STATE")" ]
	done
	[ ! -e "$RR_DIR/x" ]
	[ ! -e "$RR_STATE/a" ]
}

@test "create fails cleanly: a pid file in a missing directory" {
	rr_sh 'exec sleep 100000'
	rr_snapshot
	status=0
	env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create --bundle "$RR_BUNDLE" \
		--pid-file "$RR_DIR/nodir/pid" "$RR_ID" </dev/null >"$RR_DIR/out" 2>&1 || status=$?
	cat "$RR_DIR/out"
	[ "$status" -ne 0 ]
	grep -qF "pid file \"$RR_DIR/nodir/pid\": No such file or directory" "$RR_DIR/out"
	[ -z "$(ls -A "$RR_STATE")" ]
	rr_assert_nothing_left
}

@test "create fails cleanly: a duplicate id, the first container untouched" {
	rr_sh 'exec sleep 100000'
	lc_create --pid-file "$RR_DIR/pid" "$RR_ID"
	[ "$status" -eq 0 ]
	local pid state
	pid=$(cat "$RR_DIR/pid")
	state=$(cat "$RR_STATE/$RR_ID/state.json")

	rr_snapshot
	lc_create --pid-file "$RR_DIR/pid2" "$RR_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container with given ID already exists"* ]]
	[ ! -e "$RR_DIR/pid2" ]
	rr_mount_table >"$RR_DIR/mountinfo.after"
	diff -u "$RR_DIR/mountinfo.before" "$RR_DIR/mountinfo.after"
	lc_only_container "$pid"
	[ "$(cat "$RR_STATE/$RR_ID/state.json")" = "$state" ]
	[ "$(lc_status)" = created ]
	run lc_rlite start "$RR_ID"
	[ "$status" -eq 0 ]
	[ "$(lc_status)" = running ]
}

# ---- global flags ---------------------------------------------------------------

@test "global flags: --root DIR, --root=DIR and runc's -root DIR reach the same state" {
	rr_sh 'exec sleep 100000'
	lc_create "$RR_ID"
	[ "$status" -eq 0 ]
	local form
	for form in "--root $RR_STATE" "--root=$RR_STATE" "-root $RR_STATE" "-root=$RR_STATE"; do
		# shellcheck disable=SC2086 # the form is split on purpose
		run "$RLITE_BIN" $form state "$RR_ID"
		echo "$form: $status $output"
		[ "$status" -eq 0 ]
		[ "$(jq -r .status <<<"$output")" = created ]
		# shellcheck disable=SC2086
		run "$RLITE_BIN" $form list -q
		[ "$output" = "$RR_ID" ]
	done
	# and another root does not see it
	mkdir "$RR_DIR/other"
	run "$RLITE_BIN" --root "$RR_DIR/other" state "$RR_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container does not exist"* ]]
}

# What containerd's shim does when an init exits on its own: delete --force
# (sometimes twice) while kill --all may still run.  Every command ends in
# success or in one of the errors callers know; never anything else (such
# as 255), and nothing is left.
@test "delete --force twice and kill --all racing on an init that just exited" {
	rr_sh 'sleep 0.05'
	local i rc msg bad=0
	for i in $(seq 20); do
		lc_create "$RR_ID-$i"
		[ "$status" -eq 0 ]
		lc_rlite start "$RR_ID-$i"
		sleep 0.05
		(
			rc=0
			lc_rlite delete --force "$RR_ID-$i" >"$RR_DIR/d1" 2>&1 || rc=$?
			echo "$rc" >"$RR_DIR/d1.rc"
		) &
		(
			rc=0
			lc_rlite delete --force "$RR_ID-$i" >"$RR_DIR/d2" 2>&1 || rc=$?
			echo "$rc" >"$RR_DIR/d2.rc"
		) &
		(
			rc=0
			lc_rlite kill --all "$RR_ID-$i" KILL >"$RR_DIR/k" 2>&1 || rc=$?
			echo "$rc" >"$RR_DIR/k.rc"
		) &
		wait
		for f in d1 d2 k; do
			rc=$(cat "$RR_DIR/$f.rc")
			msg=$(cat "$RR_DIR/$f")
			case "$f:$rc:$msg" in
			d?:0:) ;;
			k:0:) ;;
			k:1:*"container does not exist"* | k:1:*"container not running"*) ;;
			*)
				echo "round $i: $f exited $rc: $msg"
				bad=$((bad + 1))
				;;
			esac
		done
		[ ! -e "$RR_STATE/$RR_ID-$i" ]
	done
	[ "$bad" -eq 0 ]
}
