#!/usr/bin/env bats
# OCI hooks on real containers (config.md "POSIX-platform Hooks", runtime.md
# "Lifecycle"): all six kinds in the spec's order, each with the state on
# its stdin; failing hooks fail the step (poststop only warns).
# Needs root.

# jq filters and scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load run_helpers

setup_file() {
	rr_setup_file
}

teardown_file() {
	rr_teardown_file
}

# Every hook appends "KIND STATUS" to hooks.log in the rootfs, which the
# host hooks reach by its host path and startContainer (run in the
# container, after pivot_root) as /hooks.log.
setup() {
	rr_setup
	HK_DIR=$RR_DIR/hooks
	HK_LOG=$RR_BUNDLE/rootfs/hooks.log
	mkdir -p "$HK_DIR" "$RR_BUNDLE/rootfs/hooks"
	: >"$HK_LOG"
	chmod 0666 "$HK_LOG"
	rr_jq '.root.readonly = false'
}

teardown() {
	# a hook gets only its own environment: no tag to find it by
	if [ -s "${HK_DIR:-}/slow.pid" ]; then
		kill -9 "$(cat "$HK_DIR/slow.pid")" 2>/dev/null || true
	fi
	rr_teardown
}

# hk_host KIND [EXIT]: a host hook (runs with an empty environment: every
# command by absolute path) saving its stdin to $HK_DIR/KIND.json.
hk_host() {
	cat >"$HK_DIR/$1.sh" <<-EOF
		#!/bin/sh
		/bin/cat >"$HK_DIR/$1.json"
		s=\$(/usr/bin/jq -r .status "$HK_DIR/$1.json")
		echo "$1 \$s" >>"$HK_LOG"
		exit ${2:-0}
	EOF
	chmod 0755 "$HK_DIR/$1.sh"
}

# hk_start [EXIT]: the startContainer hook, a busybox script inside the
# rootfs (its path resolves in the container).
hk_start() {
	cat >"$RR_BUNDLE/rootfs/hooks/start.sh" <<-EOF
		#!/bin/sh
		/bin/cat >/hooks/startContainer.json
		s=\$(/bin/sed -n 's/.*"status": *"\([a-z]*\)".*/\1/p' /hooks/startContainer.json)
		echo "startContainer \$s" >>/hooks.log
		exit ${1:-0}
	EOF
	chmod 0755 "$RR_BUNDLE/rootfs/hooks/start.sh"
}

# hk_config KIND...: the config's hooks, one per kind given.
hk_config() {
	local k filter='.hooks = {}'
	for k in "$@"; do
		if [ "$k" = startContainer ]; then
			filter="$filter | .hooks.startContainer = [{path: \"/hooks/start.sh\"}]"
		else
			filter="$filter | .hooks.$k = [{path: (\$d + \"/$k.sh\")}]"
		fi
	done
	rr_jq "$filter" --arg d "$HK_DIR"
}

hk_all() {
	local k
	for k in prestart createRuntime createContainer poststart poststop; do
		hk_host "$k"
	done
	hk_start
	hk_config prestart createRuntime createContainer startContainer poststart poststop
}

hk_show_log() {
	echo "--- hooks.log:"
	cat "$HK_LOG"
}

# The hooks were wired by the conductor: without that these tests fail,
# they are not skipped.

@test "hooks: run calls all six in the spec's order with the state's status" {
	hk_all
	rr_sh 'echo workload'
	rr_run
	hk_show_log
	[ "$status" -eq 0 ]
	[[ "$output" == *workload* ]]
	# runtime.md "Lifecycle" steps 3-5, 7, 9, 13; statuses as runtime.md
	# "State" defines them: "created" from step 2 on, until the program runs.
	[ "$(cat "$HK_LOG")" = "prestart created
createRuntime created
createContainer created
startContainer created
poststart running
poststop stopped" ]
}

@test "hooks: each hook's stdin is the container's state" {
	hk_all
	rr_sh 'true'
	rr_run
	[ "$status" -eq 0 ]
	local k pid
	for k in prestart createRuntime createContainer poststart poststop; do
		echo "--- $k: $(cat "$HK_DIR/$k.json")"
		jq -e . "$HK_DIR/$k.json" >/dev/null
		[ "$(jq -r .id "$HK_DIR/$k.json")" = "$RR_ID" ]
		[ "$(jq -r .bundle "$HK_DIR/$k.json")" = "$RR_BUNDLE" ]
		[ -n "$(jq -r .ociVersion "$HK_DIR/$k.json")" ]
	done
	# the container's init, as the host sees it, from createRuntime on
	pid=$(jq -r .pid "$HK_DIR/createRuntime.json")
	[ "$pid" -gt 0 ]
	[ "$(jq -r .pid "$HK_DIR/poststart.json")" = "$pid" ]
	grep -q "\"id\": *\"$RR_ID\"" "$RR_BUNDLE/rootfs/hooks/startContainer.json"
}

@test "hooks: args and env are the hook's own" {
	cat >"$HK_DIR/args.sh" <<-EOF
		#!/bin/sh
		echo "\$# \$1 \$2" >"$HK_DIR/args.out"
		# dash adds PWD to the environment by itself
		/usr/bin/env | /bin/grep -v '^PWD=' >>"$HK_DIR/args.out"
	EOF
	chmod 0755 "$HK_DIR/args.sh"
	rr_jq '.hooks.createRuntime = [{path: $p, args: [$p, "one", "two words"], env: ["FOO=bar"]}]' \
		--arg p "$HK_DIR/args.sh"
	rr_sh 'true'
	rr_run
	[ "$status" -eq 0 ]
	cat "$HK_DIR/args.out"
	# nothing of rlite's environment (PATH, RR_TAG ...) leaks in
	[ "$(cat "$HK_DIR/args.out")" = "2 one two words
FOO=bar" ]
}

@test "hooks: create, start and delete each run their own hooks" {
	hk_all
	rr_sh 'sleep 0.3'
	# The container keeps create's stdio: files, not bats' pipes, or `run`
	# would wait for the container.
	status=0
	timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null >"$RR_DIR/create.out" 2>&1 || status=$?
	echo "create: $status $(cat "$RR_DIR/create.out")"
	hk_show_log
	[ "$status" -eq 0 ]
	[ "$(cat "$HK_LOG")" = "prestart created
createRuntime created
createContainer created" ]
	jq -e '."rlite.hooks" == ["poststart", "poststop"]' "$RR_STATE/$RR_ID/state.json"
	run "$RLITE_BIN" --root "$RR_STATE" start "$RR_ID"
	echo "start: $status $output"
	hk_show_log
	[ "$status" -eq 0 ]
	[ "$(tail -2 "$HK_LOG")" = "startContainer created
poststart running" ]
	rr_wait_for hk_stopped
	[ "$(wc -l <"$HK_LOG")" -eq 5 ]
	run "$RLITE_BIN" --root "$RR_STATE" delete "$RR_ID"
	echo "delete: $status $output"
	hk_show_log
	[ "$status" -eq 0 ]
	[ "$(tail -1 "$HK_LOG")" = "poststop stopped" ]
	[ "$(wc -l <"$HK_LOG")" -eq 6 ]
}

hk_stopped() {
	[ "$("$RLITE_BIN" --root "$RR_STATE" state "$RR_ID" | jq -r .status)" = stopped ]
}

# A failing create-time hook: the run fails naming the hook and its exit
# status, the container is destroyed (runtime.md step 12), poststop still
# runs (step 13), nothing is left behind.
hk_fails_run() {
	local kind=$1 path=$2
	rr_sh 'echo workload-ran'
	rr_snapshot
	rr_run
	hk_show_log
	[ "$status" -ne 0 ]
	[[ "$output" == *"$kind hook \"$path\": exited with status 3"* ]]
	[[ "$output" != *workload-ran* ]]
	grep -qx "poststop stopped" "$HK_LOG"
	rr_assert_nothing_left
}

@test "hooks: a failing prestart hook fails run and leaves nothing behind" {
	hk_host prestart 3
	hk_host createRuntime
	hk_host poststop
	hk_config prestart createRuntime poststop
	hk_fails_run prestart "$HK_DIR/prestart.sh"
	# later create-time hooks do not run
	run ! grep -q createRuntime "$HK_LOG"
}

@test "hooks: a failing createRuntime hook fails run and leaves nothing behind" {
	hk_host createRuntime 3
	hk_host createContainer
	hk_host poststop
	hk_config createRuntime createContainer poststop
	hk_fails_run createRuntime "$HK_DIR/createRuntime.sh"
	run ! grep -q createContainer "$HK_LOG"
}

@test "hooks: a failing createContainer hook fails run and leaves nothing behind" {
	hk_host createContainer 3
	hk_host poststop
	hk_config createContainer poststop
	hk_fails_run createContainer "$HK_DIR/createContainer.sh"
}

@test "hooks: a failing startContainer hook fails run before the process runs" {
	hk_start 3
	hk_host poststop
	hk_config startContainer poststop
	hk_fails_run startContainer /hooks/start.sh
}

@test "hooks: a hook past its timeout is killed and fails run" {
	# the hook would take far longer than the run's guard by itself
	cat >"$HK_DIR/slow.sh" <<-EOF
		#!/bin/sh
		echo \$\$ >"$HK_DIR/slow.pid"
		exec /bin/sleep 600
	EOF
	chmod 0755 "$HK_DIR/slow.sh"
	rr_jq '.hooks.createRuntime = [{path: $p, timeout: 1}]' --arg p "$HK_DIR/slow.sh"
	rr_sh 'echo workload-ran'
	rr_snapshot
	rr_run
	# rlite's own failure, not the guard's (124, 137): it did not wait
	# the hook out (how soon after the second is the machine's business)
	[ "$status" -eq 1 ]
	[[ "$output" == *"createRuntime hook \"$HK_DIR/slow.sh\": timed out after 1s"* ]]
	[[ "$output" != *workload-ran* ]]
	run ! kill -0 "$(cat "$HK_DIR/slow.pid")"
	rr_assert_nothing_left
}

@test "hooks: a missing hook fails run with the path in the message" {
	rr_jq '.hooks.createRuntime = [{path: "/nonexistent/rlite-hook"}]'
	rr_sh 'echo workload-ran'
	rr_snapshot
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'createRuntime hook "/nonexistent/rlite-hook"'* ]]
	[[ "$output" == *"No such file or directory"* ]]
	rr_assert_nothing_left
}

@test "hooks: a failing poststart hook fails run and stops the container; poststop still runs" {
	hk_host poststart 4
	hk_host poststop
	rr_jq '.hooks = {poststart: [{path: ($d + "/poststart.sh")}],
		poststop: [{path: ($d + "/poststop.sh")}]}' --arg d "$HK_DIR"
	rr_sh 'sleep 30; echo survived'
	rr_snapshot
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" \
		--log "$RR_DIR/log" --log-format json run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	rr_show
	hk_show_log
	# runtime-spec 1.3 (runtime.md step 9): an error, the container stopped
	[ "$status" -ne 0 ]
	[[ "$output" == *"the container was stopped: poststart hook \"$HK_DIR/poststart.sh\": exited with status 4"* ]]
	[[ "$output" != *survived* ]]
	[ "$(cat "$HK_LOG")" = "poststart running
poststop stopped" ]
	jq -s -e 'any(.[]; .level == "error")' "$RR_DIR/log"
	rr_assert_nothing_left
}

@test "hooks: a failing poststart hook fails start and stops the container" {
	hk_host poststart 4
	rr_jq '.hooks = {poststart: [{path: ($d + "/poststart.sh")}]}' --arg d "$HK_DIR"
	rr_sh 'sleep 100000'
	status=0
	timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null >"$RR_DIR/create.out" 2>&1 || status=$?
	[ "$status" -eq 0 ]
	run "$RLITE_BIN" --root "$RR_STATE" start "$RR_ID"
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"the container was stopped: poststart hook"*"exited with status 4"* ]]
	rr_wait_for hk_stopped
	"$RLITE_BIN" --root "$RR_STATE" delete "$RR_ID"
}

# hk_create: create the bundle's container (its stdio files, not bats'
# pipes).
hk_create() {
	status=0
	timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null >"$RR_DIR/create.out" 2>&1 || status=$?
	cat "$RR_DIR/create.out"
	[ "$status" -eq 0 ]
}

hk_running() {
	[ "$("$RLITE_BIN" --root "$RR_STATE" state "$RR_ID" | jq -r .status)" = running ]
}

# create records whether the config had poststart and poststop hooks; start
# and delete read the bundle's config again only to run those, so a
# config.json changed or removed after create no longer matters to them
# (runc keeps the config it was created with).
@test "hooks: without poststart and poststop hooks, start and delete do not read config.json again" {
	rr_sh 'sleep 100000'
	hk_create
	jq -e '."rlite.hooks" == []' "$RR_STATE/$RR_ID/state.json"
	echo '{ not json' >"$RR_BUNDLE/config.json"
	run "$RLITE_BIN" --root "$RR_STATE" start "$RR_ID"
	echo "start: $status $output"
	[ "$status" -eq 0 ]
	hk_running
	rm "$RR_BUNDLE/config.json"
	run "$RLITE_BIN" --root "$RR_STATE" delete --force "$RR_ID"
	echo "delete: $status $output"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ ! -e "$RR_STATE/$RR_ID" ]
}

# A state file of an older rlite has no such record: start reads the
# config to know, and runs the poststart hooks it finds there.
@test "hooks: a state without the record reads config.json at start, as before" {
	hk_host poststart
	rr_sh 'sleep 100000'
	hk_create
	jq -e '."rlite.hooks" == []' "$RR_STATE/$RR_ID/state.json"
	jq 'del(."rlite.hooks")' "$RR_STATE/$RR_ID/state.json" >"$RR_DIR/old-state.json"
	cat "$RR_DIR/old-state.json" >"$RR_STATE/$RR_ID/state.json"
	rr_jq '.hooks = {poststart: [{path: ($d + "/poststart.sh")}]}' --arg d "$HK_DIR"
	run "$RLITE_BIN" --root "$RR_STATE" start "$RR_ID"
	echo "start: $status $output"
	hk_show_log
	[ "$status" -eq 0 ]
	[ "$(cat "$HK_LOG")" = "poststart running" ]
	"$RLITE_BIN" --root "$RR_STATE" delete --force "$RR_ID"
}

@test "hooks: a failing poststop hook only warns; later hooks still run" {
	hk_host poststop 5
	cat >"$HK_DIR/poststop2.sh" <<-EOF
		#!/bin/sh
		echo "poststop2" >>"$HK_LOG"
	EOF
	chmod 0755 "$HK_DIR/poststop2.sh"
	rr_jq '.hooks = {poststop: [{path: ($d + "/poststop.sh")}, {path: ($d + "/poststop2.sh")}]}' \
		--arg d "$HK_DIR"
	rr_sh 'exit 7'
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" \
		--log "$RR_DIR/log" --log-format json run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	rr_show
	hk_show_log
	cat "$RR_DIR/log"
	# the workload's status, not a hook failure
	[ "$status" -eq 7 ]
	[ "$(cat "$HK_LOG")" = "poststop stopped
poststop2" ]
	jq -s -e 'any(.[]; .level == "warning" and (.msg | contains("poststop hook \"" + $d +
		"/poststop.sh\": exited with status 5")))' --arg d "$HK_DIR" "$RR_DIR/log"
	# no error line: the run did not fail
	jq -s -e 'all(.[]; .level != "error")' "$RR_DIR/log"
	[ ! -e "$RR_STATE/$RR_ID" ]
}

@test "hooks: --debug logs each hook as it runs; without it, no debug line" {
	hk_host createRuntime
	hk_config createRuntime
	rr_sh 'true'
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" \
		--log "$RR_DIR/debug.log" --log-format json --debug \
		run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	rr_show
	cat "$RR_DIR/debug.log"
	[ "$status" -eq 0 ]
	jq -s -e --arg p "$HK_DIR/createRuntime.sh" \
		'any(.[]; .level == "debug" and .msg == "running createRuntime hook \"" + $p + "\"")' \
		"$RR_DIR/debug.log"
	# debug lines are for the log only: nothing on the caller's stderr
	[[ "$output" != *debug* ]]
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" \
		--log "$RR_DIR/quiet.log" --log-format json \
		run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	[ "$status" -eq 0 ]
	[ ! -s "$RR_DIR/quiet.log" ]
}
