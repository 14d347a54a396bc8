#!/usr/bin/env bats
# rlite list as callers read it: runc's table, --format json and -q with
# every container and its status; an entry with a corrupt state.json is
# reported and skipped; a listing never sees a torn entry while another id
# is created and deleted.  Real busybox containers (run_helpers.bash);
# needs root.

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
}

teardown() {
	rr_teardown
}

@test "list: the runc table, json and -q show every container with its status" {
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done'
	local a=$RR_ID-a b=$RR_ID-b c=$RR_ID-c
	lc_create "$a"
	[ "$status" -eq 0 ]
	lc_create "$b"
	[ "$status" -eq 0 ]
	lc_rlite start "$b"
	rr_sh 'true'
	lc_create "$c"
	[ "$status" -eq 0 ]
	lc_rlite start "$c"
	lc_wait_status stopped "$c"

	run --separate-stderr lc_rlite list
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 4 ]
	[ "$(echo "${lines[0]}" | tr -s ' ')" = "ID PID STATUS BUNDLE CREATED OWNER" ]
	# runc's tabwriter: columns padded with spaces, at least 3 apart
	[[ "${lines[0]}" =~ ^ID\ {3,}PID\ {3,}STATUS\ {3,}BUNDLE\ {3,}CREATED\ {3,}OWNER$ ]]
	local id pid want row
	for id in "$a" "$b" "$c"; do
		case $id in
		"$a") want=created ;;
		"$b") want=running ;;
		"$c") want=stopped ;;
		esac
		pid=$(lc_rlite state "$id" | jq -r .pid)
		read -r -a row < <(printf '%s\n' "${lines[@]}" | awk -v i="$id" '$1 == i')
		echo "row of $id: ${row[*]}"
		[ "${row[0]}" = "$id" ]
		[ "${row[1]}" = "$pid" ]
		[ "${row[2]}" = "$want" ]
		[ "${row[3]}" = "$RR_BUNDLE" ]
		[ "${row[4]}" = "$(lc_rlite state "$id" | jq -r .created)" ]
		[ "${row[5]}" = root ]
	done

	run --separate-stderr lc_rlite list --format json
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r 'type' <<<"$output")" = array ]
	[ "$(jq -r '.[].id' <<<"$output" | sort | tr '\n' ' ')" = "$a $b $c " ]
	[ "$(jq -r --arg i "$b" '.[] | select(.id == $i) | .status' <<<"$output")" = running ]
	[ "$(jq -r --arg i "$c" '.[] | select(.id == $i) | .status' <<<"$output")" = stopped ]
	run lc_rlite list --format=json
	[ "$(jq -r '.[].id' <<<"$output" | sort | tr '\n' ' ')" = "$a $b $c " ]
	run lc_rlite list -f json
	[ "$(jq -r '.[].id' <<<"$output" | sort | tr '\n' ' ')" = "$a $b $c " ]

	run --separate-stderr lc_rlite list -q
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "$a $b $c " ]
	run lc_rlite list --quiet
	[ "$(printf '%s\n' "$output" | sort | tr '\n' ' ')" = "$a $b $c " ]

	touch "$LC_HOST/go"
	local i
	for i in "$a" "$b" "$c"; do
		lc_rlite delete --force "$i"
	done
	run lc_rlite list --format json
	[ "$status" -eq 0 ]
	[ "$(jq -c . <<<"$output")" = "[]" ]
	run lc_rlite list -q
	[ -z "$output" ]
}

# From 16 containers on, list reads the pids of /proc once instead of
# looking up each init: it must tell running from stopped exactly as
# `state` does for each one.
@test "list of 20: each status and pid the same as state gives" {
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done'
	local id i want pid json
	for i in 1 2 3; do
		lc_create "$RR_ID-r$i"
		[ "$status" -eq 0 ]
		lc_rlite start "$RR_ID-r$i"
	done
	rr_sh 'true'
	for i in $(seq 1 17); do
		lc_create "$RR_ID-s$i"
		[ "$status" -eq 0 ]
		lc_rlite start "$RR_ID-s$i"
	done
	for i in $(seq 1 17); do
		lc_wait_status stopped "$RR_ID-s$i"
	done

	json=$(lc_rlite list --format json)
	[ "$(jq length <<<"$json")" -eq 20 ]
	for i in 1 2 3; do
		id=$RR_ID-r$i
		[ "$(jq -r --arg i "$id" '.[] | select(.id == $i) | .status' <<<"$json")" = running ]
		pid=$(jq -r --arg i "$id" '.[] | select(.id == $i) | .pid' <<<"$json")
		[ "$pid" -gt 0 ]
		[ "$pid" = "$(lc_rlite state "$id" | jq -r .pid)" ]
		kill -0 "$pid"
	done
	for i in $(seq 1 17); do
		id=$RR_ID-s$i
		[ "$(jq -r --arg i "$id" '.[] | select(.id == $i) | "\(.status) \(.pid)"' <<<"$json")" = "stopped 0" ]
	done

	# once the running ones end, list says so, as state does
	touch "$RR_HOST/go"
	for i in 1 2 3; do
		lc_wait_status stopped "$RR_ID-r$i"
	done
	json=$(lc_rlite list --format json)
	[ "$(jq -r '[.[] | select(.status == "stopped" and .pid == 0)] | length' <<<"$json")" -eq 20 ]
	for i in 1 2 3; do
		lc_rlite delete "$RR_ID-r$i"
	done
	for i in $(seq 1 17); do
		lc_rlite delete "$RR_ID-s$i"
	done
}

@test "list: an entry with a corrupt state.json is reported and skipped" {
	rr_sh 'exec sleep 100000'
	local good=$RR_ID-good bad=$RR_ID-bad
	lc_create "$good"
	[ "$status" -eq 0 ]
	lc_create "$bad"
	[ "$status" -eq 0 ]
	truncate -s 40 "$RR_STATE/$bad/state.json"

	run --separate-stderr lc_rlite list
	echo "stdout:"; printf '%s\n' "$output"; echo "stderr: $stderr"
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"$bad"* ]]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(printf '%s\n' "${lines[1]}" | awk '{ print $1 " " $3 }')" = "$good created" ]

	run --separate-stderr lc_rlite list --format json
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"$bad"* ]]
	[ "$(jq -r '.[].id' <<<"$output")" = "$good" ]

	run --separate-stderr lc_rlite list -q
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"$bad"* ]]
	[ "$output" = "$good" ]

	# an empty one (a crash between create and write) too
	: >"$RR_STATE/$bad/state.json"
	run --separate-stderr lc_rlite list -q
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"$bad"* ]]
	[ "$output" = "$good" ]
	# the good one is still fully usable
	[ "$(lc_status "$good")" = created ]
	# the bad one: state names its file, delete --force removes it
	run lc_rlite state "$bad"
	echo "state: $status $output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"$RR_STATE/$bad/state.json"* ]]
	run lc_rlite delete --force "$bad"
	echo "delete --force: $status $output"
	[ "$status" -eq 0 ]
	[ ! -e "$RR_STATE/$bad" ]
	run --separate-stderr lc_rlite list -q
	[ -z "$stderr" ]
	[ "$output" = "$good" ]
}

@test "list: never sees a torn entry while another id is created and deleted" {
	rr_sh 'exec sleep 100000'
	local stable=$RR_ID-stable churn=$RR_ID-churn
	lc_create "$stable"
	[ "$status" -eq 0 ]
	(
		for _ in $(seq 15); do
			env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create --bundle "$RR_BUNDLE" \
				"$churn" </dev/null >/dev/null 2>&1 || true
			"$RLITE_BIN" --root "$RR_STATE" delete --force "$churn" >/dev/null 2>&1 || true
		done
	) &
	local churner=$! n=0 rc out
	while kill -0 "$churner" 2>/dev/null; do
		n=$((n + 1))
		rc=0
		out=$(lc_rlite list --format json 2>"$RR_DIR/list.err") || rc=$?
		if [ "$rc" -ne 0 ] || [ -s "$RR_DIR/list.err" ] ||
			! jq -e --arg i "$stable" 'map(.id) | index($i) != null' <<<"$out" >/dev/null; then
			echo "list $n: exit $rc, stderr: $(cat "$RR_DIR/list.err")"
			echo "$out"
			wait "$churner" || true
			return 1
		fi
	done
	wait "$churner" || true
	echo "$n listings, all whole"
	[ "$n" -ge 1 ]
}
