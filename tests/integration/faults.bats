#!/usr/bin/env bats
# Faults at every step (issue 15): the runtime SIGKILLed at each named
# point of create, start, run, run -d and delete, a state directory made
# corrupt, a --root that runs out of space.  After each, what a user sees:
# `list` still shows the container, and `delete --force` leaves nothing
# behind: no process of the container, no mount in the host's mount table,
# no cgroup directory in any hierarchy, no state directory.
#
# The switch is the fault-injection build (make FAULT=1, runtime/fault.h):
# RLITE_FAULT=NAME kills the runtime the first time it reaches NAME, and
# "NAME PID" in RLITE_FAULT_LOG proves the point was reached, so no test
# passes by never getting there.  Without that build the suite is skipped.

# jq filters and container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load run_helpers

RLITE_FAULT_BIN=${RLITE_FAULT_BIN:-$BATS_TEST_DIRNAME/../../rlite-fault}

setup_file() {
	rr_setup_file
}

teardown_file() {
	rr_teardown_file
}

setup() {
	if [ ! -x "$RLITE_FAULT_BIN" ]; then
		skip "no fault-injection build (make FAULT=1)"
	fi
	rr_setup
	rr_sh 'sleep 100'
	FT_LOG=$RR_DIR/fault.log
	ft_mountinfo >"$RR_DIR/ft.mountinfo.before"
}

teardown() {
	rr_teardown
}

ft_rlite() {
	"$RLITE_BIN" --root "$RR_STATE" "$@"
}

# ft_fault POINT COMMAND...: the fault build runs `rlite --root R COMMAND`
# with RLITE_FAULT=POINT; status and output (a file: a container keeps
# its stdio).  The point must be reached: a point of the monitor's
# (monitor.running, .exited, .recorded) comes after `run -d` returned, so
# it is waited for (RR_DEADLINE), not looked for once.
ft_fault() {
	local point=$1
	shift
	status=0
	timeout -k 5 30 env RR_TAG="$RR_ID" RLITE_FAULT="$point" RLITE_FAULT_LOG="$FT_LOG" \
		"$RLITE_FAULT_BIN" --root "$RR_STATE" "$@" </dev/null >"$RR_DIR/fault.out" 2>&1 ||
		status=$?
	output=$(cat "$RR_DIR/fault.out")
	echo "--- $point: $* -> $status: $output"
	if ! rr_wait_for grep -q "^$point " "$FT_LOG" 2>/dev/null; then
		echo "fault point $point was never reached"
		return 1
	fi
}

ft_create() {
	status=0
	timeout -k 5 20 env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null >"$RR_DIR/create.out" 2>&1 || status=$?
	echo "--- create -> $status: $(cat "$RR_DIR/create.out")"
	[ "$status" -eq 0 ]
}

# The container as list --format json shows it, or nothing.
ft_listed() {
	ft_rlite list --format json | jq -c --arg id "$RR_ID" '.[] | select(.id == $id)'
}

# Other tests remove their cgroups meanwhile: find's complaint about a
# directory gone while it walked is not ours.
ft_cgroups() {
	find /sys/fs/cgroup -type d -name "*$RR_ID*" 2>/dev/null || true
}

# ft_exited PID: the process exited (a zombie waiting for its reaper counts).
ft_exited() {
	[ ! -e "/proc/$1" ] || [ "$(awk '{ print $3 }' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

# ft_gone PID: it exits (bounded: rr_wait_for).
ft_gone() {
	rr_wait_for ft_exited "$1"
}

# No cgroup and no process of the container left.
ft_nothing_running() {
	[ -z "$(ft_cgroups)" ] && [ -z "$(rr_tagged_pids)" ]
}

# delete --force succeeds and leaves nothing: no process, mount, cgroup or
# state of the container.
ft_delete_leaves_nothing() {
	run -0 --separate-stderr ft_rlite delete --force "$RR_ID"
	[ -z "$stderr" ]
	if ! rr_wait_for ft_nothing_running; then
		echo "cgroups left behind: $(ft_cgroups)"
		echo "processes left behind: $(rr_tagged_pids)"
		return 1
	fi
	ft_assert_nothing_left
	[ -z "$(ft_listed)" ]
}

# Other suites run on this machine at the same time and mount and bind
# network namespaces of their own: the mount table is compared for what
# can be this test's, mounts below its directory (its bundle, its --root)
# or naming its id.  rlite binds no namespace anywhere else.
ft_mountinfo() {
	awk -v d="$RR_DIR" -v id="$RR_ID" 'index($5, d) == 1 || index($0, id)' /proc/self/mountinfo
}

ft_assert_nothing_left() {
	ft_mountinfo >"$RR_DIR/ft.mountinfo.after"
	if ! diff -u "$RR_DIR/ft.mountinfo.before" "$RR_DIR/ft.mountinfo.after"; then
		echo "the host's mount table changed (above)"
		return 1
	fi
	if [ -n "$(rr_tagged_pids)" ]; then
		echo "processes left behind: $(rr_tagged_pids)"
		return 1
	fi
	if [ -e "$RR_STATE/$RR_ID" ]; then
		echo "state left behind: $RR_STATE/$RR_ID"
		ls -la "$RR_STATE/$RR_ID"
		return 1
	fi
}

# ft_runtime_pids: the runtime's processes, the tagged ones in our pid
# namespace (the command, a monitor, exec's helper); a container's own are
# in a namespace of their own.
ft_runtime_pids() {
	local ns p
	ns=$(readlink /proc/self/ns/pid)
	for p in $(rr_tagged_pids); do
		[ "$(readlink "/proc/$p/ns/pid" 2>/dev/null)" = "$ns" ] && echo "$p"
	done
	return 0
}

# ft_tagged_are PIDS: the tagged processes are PIDS ("" none; else sorted,
# each followed by a space).
ft_tagged_are() {
	[ "$(rr_tagged_pids | sort | tr '\n' ' ')" = "$1" ]
}

# ft_hold POINT MS COMMAND...: the fault build runs `rlite --root R COMMAND`
# in the background, the container child held MS ms at POINT
# (RLITE_FAULT_DELAY); once it is there, every process of the runtime is
# SIGKILLed from here, as if the runtime died while its child was at that
# step.  (The child cannot do it: its pid namespace hides the runtime.)
ft_hold() {
	local point=$1 ms=$2 bg pids
	shift 2
	env RR_TAG="$RR_ID" RLITE_FAULT_DELAY="$point:$ms" RLITE_FAULT_LOG="$FT_LOG" \
		"$RLITE_FAULT_BIN" --root "$RR_STATE" "$@" </dev/null >"$RR_DIR/fault.out" 2>&1 &
	bg=$!
	rr_wait_for grep -q "^$point " "$FT_LOG"
	pids=$(ft_runtime_pids)
	echo "--- held at $point: $*; killing the runtime: $pids"
	[ -n "$pids" ]
	# shellcheck disable=SC2086 # one pid per word
	kill -9 $pids
	wait "$bg" || true
	cat "$RR_DIR/fault.out"
}

# ---- create ----------------------------------------------------------------

# ft_state_is STATUS: state says STATUS.
ft_state_is() {
	[ "$(ft_rlite state "$RR_ID" | jq -r .status)" = "$1" ]
}

# The monitor reached monitor.recorded, and the fault build's kill of it
# took effect.
ft_monitor_killed() {
	grep -q '^monitor.recorded ' "$FT_LOG" && ft_exited "$(awk '{ print $2 }' "$FT_LOG")"
}

# ft_listed_as STATUS: list shows the container with its id, as STATUS.
ft_listed_as() {
	local entry
	entry=$(ft_listed)
	echo "listed: $entry"
	[ -n "$entry" ] && [ "$(jq -r .status <<<"$entry")" = "$1" ]
}

ft_create_killed_at() {
	ft_fault "$1" create --bundle "$RR_BUNDLE" "$RR_ID"
	[ "$status" -eq 137 ]
	# Listed with its id, as broken (or created, once it was recorded).
	# A child of the killed create that is still dying holds the state
	# lock for a moment (inherited with the clone, closed first thing),
	# and list says "creating" until it is gone.
	rr_wait_for ft_listed_as "$2"
	ft_delete_leaves_nothing
}

@test "create killed right after the id is reserved: broken, delete --force cleans up" {
	ft_create_killed_at create.reserved broken
}

@test "create killed once its cgroups exist" {
	ft_create_killed_at create.cgroups broken
}

@test "create killed right after the clone" {
	ft_create_killed_at create.spawned broken
}

@test "create killed at the child's cgroup message" {
	ft_create_killed_at sync.cgroup broken
}

@test "create killed at the child's ready message" {
	ft_create_killed_at sync.ready broken
}

@test "create killed between its createRuntime hook and the answer" {
	rr_jq '.hooks.createRuntime = [{"path": "/bin/true"}]'
	ft_create_killed_at hooks.ran broken
}

# The child, held at a step of its set-up while create is killed, dies with
# it (its parent-death signal); the container is listed broken, and
# delete --force leaves nothing.
ft_create_held_at() {
	ft_hold "$1" 10000 create --bundle "$RR_BUNDLE" "$RR_ID"
	rr_wait_for ft_tagged_are ""
	ft_listed_as broken
	ft_delete_leaves_nothing
}

@test "create killed while its child is in its namespaces, before any mount" {
	ft_create_held_at child.namespaces
}

@test "create killed while its child mounts the config's mounts" {
	ft_create_held_at child.mount
}

@test "create killed once its child pivoted into the rootfs" {
	ft_create_held_at child.rootfs
}

@test "create killed while the process is about to say ready (user and caps applied)" {
	ft_create_held_at process.ready
}

@test "create killed once recorded, before the pid file: created, delete --force cleans up" {
	ft_create_killed_at create.recorded created
}

@test "a later create of a broken container's id says what is there" {
	ft_fault create.spawned create --bundle "$RR_BUNDLE" "$RR_ID"
	[ "$status" -eq 137 ]
	run -1 --separate-stderr env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	[[ "$stderr" == *"container with given ID already exists: it is broken"* ]]
	[[ "$stderr" == *"delete --force removes it"* ]]
	run -1 --separate-stderr ft_rlite delete "$RR_ID"
	[[ "$stderr" == *"is broken"*"delete --force"* ]]
	ft_delete_leaves_nothing
}

# No end of a broken container will ever be recorded: wait says so at once
# (with or without an init left), where it used to spin until its timeout.
@test "wait on a broken container fails at once, naming delete --force" {
	local point
	for point in create.reserved create.spawned; do
		ft_fault "$point" create --bundle "$RR_BUNDLE" "$RR_ID"
		[ "$status" -eq 137 ]
		[ "$(ft_rlite state "$RR_ID" | jq -r .status)" = broken ]
		run -1 --separate-stderr timeout 10 "$RLITE_BIN" --root "$RR_STATE" wait "$RR_ID"
		echo "$stderr"
		[[ "$stderr" == *"container $RR_ID is broken"*"delete --force $RR_ID"* ]]
		ft_delete_leaves_nothing
		: >"$FT_LOG"
	done
}

# ---- start -----------------------------------------------------------------

# Between its mark and the fifo's removal nobody can tell whether the init
# was released: broken, and a second start refuses instead of waiting for
# an answer that never comes.  Once the fifo is gone it was: running.
@test "start killed before and after releasing the init: broken; after removing the fifo: running" {
	local point want
	for point in start.marked:broken start.released:broken start.unlinked:running; do
		want=${point#*:}
		point=${point%:*}
		ft_create
		ft_fault "$point" start "$RR_ID"
		[ "$status" -eq 137 ]
		[ "$(ft_rlite state "$RR_ID" | jq -r .status)" = "$want" ]
		if [ "$want" = broken ]; then
			run -1 --separate-stderr timeout 10 "$RLITE_BIN" --root "$RR_STATE" start "$RR_ID"
			[ "$stderr" = "rlite: cannot start a container in the broken state" ]
		fi
		ft_delete_leaves_nothing
		rm -f "$FT_LOG"
	done
}

# ---- run, run -d -------------------------------------------------------------

# Before the release the child waits for the runtime's "go" and dies with
# it; after, the container runs on without it (as with runc run).
@test "run killed once recorded (stopped) and once released (running); delete --force cleans up" {
	ft_fault run.recorded run --bundle "$RR_BUNDLE" "$RR_ID"
	[ "$status" -eq 137 ]
	rr_wait_for ft_listed_as stopped
	ft_delete_leaves_nothing
	ft_fault run.released run --bundle "$RR_BUNDLE" "$RR_ID"
	[ "$status" -eq 137 ]
	[ "$(jq -r .status <<<"$(ft_listed)")" = running ]
	ft_delete_leaves_nothing
}

@test "run -d: the monitor killed as soon as it is a daemon" {
	ft_fault monitor.daemonized run --detach --bundle "$RR_BUNDLE" "$RR_ID"
	[ "$status" -ne 0 ]
	run -0 ft_rlite delete --force "$RR_ID"
	ft_delete_leaves_nothing
}

@test "run -d: the monitor killed while the container runs; state says so, delete cleans up" {
	rr_sh 'sleep 1'
	ft_fault monitor.running run --detach --bundle "$RR_BUNDLE" "$RR_ID"
	[ "$status" -eq 0 ]
	# The container outlives its monitor, then stops with nobody to
	# record its end: state says the monitor is gone, and makes up nothing.
	rr_wait_for ft_state_is stopped
	run -0 ft_rlite state "$RR_ID"
	[ "$(jq -r .status <<<"$output")" = stopped ]
	[ "$(jq -r '."rlite.exitStatusUnknown"' <<<"$output")" = "monitor gone" ]
	[ "$(jq -r '."rlite.exitStatus"' <<<"$output")" = null ]
	ft_delete_leaves_nothing
}

@test "run -d: a monitor killed after recording the exit loses nothing" {
	rr_sh 'exit 7'
	ft_fault monitor.recorded run --detach --bundle "$RR_BUNDLE" "$RR_ID"
	[ "$status" -eq 0 ]
	rr_wait_for ft_monitor_killed
	run -0 ft_rlite state "$RR_ID"
	[ "$(jq -r .status <<<"$output")" = stopped ]
	[ "$(jq -r '."rlite.exitStatus"' <<<"$output")" = 7 ]
	ft_delete_leaves_nothing
}

@test "run -d: command and monitor killed while the child mounts; delete cleans up" {
	ft_hold child.mount 10000 run --detach --bundle "$RR_BUNDLE" "$RR_ID"
	rr_wait_for ft_tagged_are ""
	ft_listed_as broken
	ft_delete_leaves_nothing
}

# ---- exec ------------------------------------------------------------------

# ft_exec_never_ran BEFORE: exec's helper and process (tagged until their
# execve) are gone, leaving the tagged processes BEFORE (the container's
# pid-1 shim), and the process never ran: no `sleep 99` in the container.
ft_exec_never_ran() {
	rr_wait_for ft_tagged_are "$1"
	local ps
	ps=$(ft_rlite ps "$RR_ID")
	echo "$ps"
	if grep -q 'sleep 99' <<<"$ps"; then
		echo "the process ran"
		return 1
	fi
	[ "$(ft_rlite state "$RR_ID" | jq -r .status)" = running ]
}

# An exec killed during the set-up of its process: the process never runs
# (it is the helper's child and cannot have the runtime's death as its
# parent-death signal; it waits for the runtime's GO, which never comes).
# Killed once the process runs, the process goes on.  The container stays
# untouched throughout, and delete --force still removes all.
@test "exec killed while its process is set up, and once it runs: the container is untouched" {
	ft_create
	run -0 ft_rlite start "$RR_ID"
	local before
	before=$(rr_tagged_pids | sort | tr '\n' ' ')
	jq -n '{args: ["sleep", "99"], cwd: "/", env: ["PATH=/bin:/usr/bin"]}' >"$RR_DIR/p.json"
	ft_fault exec.spawned exec --process "$RR_DIR/p.json" "$RR_ID"
	[ "$status" -eq 137 ]
	ft_exec_never_ran "$before"
	ft_fault exec.ready exec --process "$RR_DIR/p.json" "$RR_ID"
	[ "$status" -eq 137 ]
	ft_exec_never_ran "$before"
	# held for less than ft_exec_never_ran waits, more than the kill takes
	ft_hold process.ready 10000 exec --process "$RR_DIR/p.json" "$RR_ID"
	ft_exec_never_ran "$before"
	ft_fault exec.started exec --process "$RR_DIR/p.json" "$RR_ID"
	[ "$status" -eq 137 ]
	[ "$(ft_rlite state "$RR_ID" | jq -r .status)" = running ]
	run -0 ft_rlite ps "$RR_ID"
	echo "$output"
	grep -q 'sleep 100' <<<"$output"
	ft_delete_leaves_nothing
}

# A container that joins a namespace by path and has a pid namespace of its
# own is set up by a helper that forks the init into it and reports the
# init's pid.  RLITE_FAULT_DELAY holds the helper between its fork and its
# report, as a loaded machine can: the init must wait for the report, or the
# runtime takes the helper for the init (records its pid, which is gone as
# soon as create exits) and the container is "stopped" before it started.
@test "a helper slow to report the init's pid: create records the init, exec its process" {
	RR_NETNS=rl-test-$$-$BATS_TEST_NUMBER
	ip netns add "$RR_NETNS"
	rr_jq '.linux.namespaces = [.linux.namespaces[] |
		if .type == "network" then .path = $p else . end]' --arg p "/var/run/netns/$RR_NETNS"
	local pid delay="sync.fork-report:400"
	status=0
	timeout -k 5 30 env RR_TAG="$RR_ID" RLITE_FAULT_DELAY="$delay" RLITE_FAULT_LOG="$FT_LOG" \
		"$RLITE_FAULT_BIN" --root "$RR_STATE" create --bundle "$RR_BUNDLE" "$RR_ID" \
		</dev/null >"$RR_DIR/create.out" 2>&1 || status=$?
	echo "--- create -> $status: $(cat "$RR_DIR/create.out")"
	[ "$status" -eq 0 ]
	grep -q '^sync.fork-report ' "$FT_LOG"
	run -0 ft_rlite state "$RR_ID"
	echo "$output"
	[ "$(jq -r .status <<<"$output")" = created ]
	pid=$(jq -r .pid <<<"$output")
	# pid 1 of the container's pid namespace, in the joined network one
	[ "$(awk '/^NSpid:/ {print $NF}' "/proc/$pid/status")" = 1 ]
	[ "$(readlink "/proc/$pid/ns/net")" = "$(ip netns exec "$RR_NETNS" readlink /proc/self/ns/net)" ]
	run -0 ft_rlite start "$RR_ID"
	[ "$(ft_rlite state "$RR_ID" | jq -r .status)" = running ]
	status=0
	timeout -k 5 30 env RLITE_FAULT_DELAY="$delay" RLITE_FAULT_LOG="$FT_LOG" \
		"$RLITE_FAULT_BIN" --root "$RR_STATE" exec "$RR_ID" sh -c 'echo in; exit 7' \
		</dev/null >"$RR_DIR/exec.out" 2>&1 || status=$?
	echo "--- exec -> $status: $(cat "$RR_DIR/exec.out")"
	# (exec's helper forks in the container's mount namespace, where the
	# log's path is not: the delay is there, its note is not)
	[ "$status" -eq 7 ]
	[ "$(cat "$RR_DIR/exec.out")" = in ]
	[ "$(ft_rlite state "$RR_ID" | jq -r .status)" = running ]
	ft_delete_leaves_nothing
}

# ---- delete ----------------------------------------------------------------

@test "delete killed after stopping, and after emptying the directory: a second one finishes" {
	local point
	for point in delete.stopped delete.emptied; do
		ft_create
		ft_fault "$point" delete --force "$RR_ID"
		[ "$status" -eq 137 ]
		# state.json goes last: still known, and no longer alive.
		[ "$(jq -r .status <<<"$(ft_listed)")" = stopped ]
		ft_delete_leaves_nothing
		rm -f "$FT_LOG"
	done
}

# ---- a corrupt state directory -----------------------------------------------

@test "a created container with a corrupt state.json: state and kill fail, delete --force kills its init" {
	ft_create
	local init
	init=$(ft_rlite state "$RR_ID" | jq -r .pid)
	kill -0 "$init"
	printf '{"ociVersion": "1.2.0", "id": "%s", "pid": ' "$RR_ID" >"$RR_STATE/$RR_ID/state.json"
	run -1 --separate-stderr ft_rlite state "$RR_ID"
	[[ "$stderr" == *"$RR_STATE/$RR_ID/state.json: invalid JSON"* ]]
	run -1 --separate-stderr ft_rlite kill "$RR_ID" KILL
	[[ "$stderr" == *"state.json: invalid JSON"* ]]
	run -0 --separate-stderr ft_rlite list
	[[ "$stderr" == *"state.json: invalid JSON"* ]]
	# The blocked init was left alive here before the init record.
	ft_delete_leaves_nothing
	ft_gone "$init"
}

@test "a created container without state.json: listed broken with its init, delete --force kills it" {
	ft_create
	local init
	init=$(ft_rlite state "$RR_ID" | jq -r .pid)
	rm "$RR_STATE/$RR_ID/state.json"
	[ "$(jq -r .status <<<"$(ft_listed)")" = broken ]
	[ "$(jq -r .pid <<<"$(ft_listed)")" = "$init" ]
	ft_delete_leaves_nothing
	ft_gone "$init"
}

@test "a corrupt init record is not trusted; the cgroups still stop the init" {
	ft_create
	local init
	init=$(ft_rlite state "$RR_ID" | jq -r .pid)
	rm "$RR_STATE/$RR_ID/state.json"
	echo "1 0" >"$RR_STATE/$RR_ID/init"
	[ "$(jq -r .pid <<<"$(ft_listed)")" = 0 ]
	ft_delete_leaves_nothing
	ft_gone "$init"
	kill -0 1
}

@test "delete --force of a directory that is not rlite's leaves its files alone" {
	mkdir -p "$RR_STATE/$RR_ID"
	echo precious >"$RR_STATE/$RR_ID/data"
	run -1 --separate-stderr ft_rlite delete --force "$RR_ID"
	[[ "$stderr" == *"\"data\" is not rlite's"* ]]
	[ "$(cat "$RR_STATE/$RR_ID/data")" = precious ]
	rm -rf "${RR_STATE:?}/$RR_ID"
}

# ---- no space for the state ----------------------------------------------------

@test "a --root that runs out of space or inodes: create fails cleanly or works, never half" {
	local root=$RR_DIR/tiny opt rc
	mkdir -p "$root"
	for opt in nr_inodes=2 nr_inodes=3 nr_inodes=4 nr_inodes=5 nr_inodes=6 nr_inodes=7 \
		nr_inodes=8 size=4k; do
		mount -t tmpfs -o "$opt,mode=0700" tmpfs "$root"
		rc=0
		timeout -k 5 20 env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$root/s" create \
			--bundle "$RR_BUNDLE" "$RR_ID" </dev/null >"$RR_DIR/create.out" 2>&1 || rc=$?
		echo "--- $opt: create -> $rc: $(cat "$RR_DIR/create.out")"
		if [ "$rc" -ne 0 ]; then
			grep -q 'No space left on device' "$RR_DIR/create.out"
			[ ! -e "$root/s/$RR_ID" ]
		fi
		run -0 "$RLITE_BIN" --root "$root/s" delete --force "$RR_ID"
		umount "$root"
		ft_delete_leaves_nothing
	done
}
