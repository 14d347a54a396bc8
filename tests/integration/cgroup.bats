#!/usr/bin/env bats
# cgroups (issue 6) on this host as it is, with real busybox containers:
# placement on every hierarchy (v1, v2, or both as on a hybrid host),
# linux.cgroupsPath in its forms, the record that lets `delete --force`
# clean up after a killed runtime, pause/resume, kill --all, ps, update and
# events.  linux.resources: cgroup_res.bats.  What is assumed of the host:
# nothing that cgroup_helpers.bash does not find out first.

# jq filters and container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load run_helpers
load cgroup_helpers

setup_file() {
	cg_setup_file
}

teardown_file() {
	cg_teardown_file
}

setup() {
	cg_setup
}

teardown() {
	cg_teardown
}

# ---- placement -----------------------------------------------------------------

@test "cgroup: the container is in its own cgroup on every hierarchy, the default path is its id" {
	rr_sh 'exec sleep 100000'
	cg_run_d
	local v m path n=0 ctrls own want
	# every mounted hierarchy: a directory named after the id, holding the init
	while read -r v m path; do
		n=$((n + 1))
		echo "v$v $m$path"
		[ "${path##*/}" = "$RR_ID" ]
		grep -qx "$CG_PID" "$m$path/cgroup.procs"
	done < <(cg_dirs "$CG_PID")
	# one per hierarchy (a bind mount of one is the same hierarchy)
	[ "$n" -ge 1 ]
	[ "$n" -eq "$(awk '{ for (s = 7; $s != "-"; s++); t = $(s + 1) }
		t == "cgroup" || t == "cgroup2" { print $3 }' /proc/self/mountinfo | sort -u | wc -l)" ]
	# below this shell's own cgroup, hierarchy by hierarchy (runc's
	# default); on v2 below its parent when that is not the root (a v2
	# cgroup that holds processes can have no children with controllers)
	while IFS=: read -r _ ctrls own; do
		[ -n "$(cg_mount_of "${ctrls%%,*}")" ] || continue
		if [ -z "$ctrls" ] && [ "$own" != / ]; then
			want=${own%/*}/$RR_ID
		else
			want=${own%/}/$RR_ID
		fi
		[ "$(cg_path_of "$CG_PID" "${ctrls%%,*}")" = "$want" ] || {
			echo "${ctrls:-cgroup2}: $(cg_path_of "$CG_PID" "${ctrls%%,*}"), not $want"
			return 1
		}
	done <"/proc/$$/cgroup"

	cg_rlite delete --force "$RR_ID"
	cg_none_left
}

@test "cgroup: in a cgroup namespace the container sees its cgroup as the root" {
	rr_sh 'cat /proc/self/cgroup >/mnt/host/cg
		find /sys/fs/cgroup -maxdepth 2 -name pids.max >/mnt/host/pids'
	rr_run
	[ "$status" -eq 0 ]
	cat "$CG_HOST/cg" "$CG_HOST/pids"
	# every line ends in ":/" : the namespace is rooted at the container's cgroup
	[ -s "$CG_HOST/cg" ]
	[ -z "$(grep -v ':/$' "$CG_HOST/cg" || true)" ]
	# and the cgroup mount shows it as the root: pids.max, which no root
	# cgroup has, is there
	if [ -n "$CG_PIDS" ]; then
		[ -s "$CG_HOST/pids" ]
	fi
	cg_none_left
}

@test "cgroup: an absolute cgroupsPath is used as it is, and the parents it made go with it" {
	rr_jq '.linux.cgroupsPath = $p' --arg p "/rlt-$RR_ID/inner/$RR_ID-c"
	rr_sh 'exec sleep 100000'
	cg_run_d
	local v m path n=0
	while read -r v m path; do
		n=$((n + 1))
		echo "v$v $m$path"
		[ "$path" = "/rlt-$RR_ID/inner/$RR_ID-c" ]
	done < <(cg_dirs "$CG_PID")
	[ "$n" -ge 1 ]
	cg_rlite delete --force "$RR_ID"
	# "rlt-$RR_ID" and "$RR_ID-c" hold the id: none is left
	cg_none_left
}

@test "cgroup: --systemd-cgroup where systemd is not the init: refused, naming the option, leaving nothing" {
	# with systemd, tests/v2/systemd.bats runs containers in its units
	[ ! -d /run/systemd/system ] || skip "systemd runs this host"
	rr_jq '.linux.cgroupsPath = $p' --arg p "$CG_SLICE-sub.slice:rltest:$RR_ID"
	rr_snapshot
	run timeout "$RR_GUARD" "$RLITE_BIN" --systemd-cgroup --root "$RR_STATE" run \
		--bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--systemd-cgroup: "*"is systemd this host's init?"* ]]
	rr_assert_nothing_left
	cg_none_left
}

@test "cgroup: --systemd-cgroup refuses a path that is not slice:prefix:name, leaving nothing" {
	rr_jq '.linux.cgroupsPath = "/plain/path"'
	rr_snapshot
	run timeout "$RR_GUARD" "$RLITE_BIN" --systemd-cgroup --root "$RR_STATE" run \
		--bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *'linux.cgroupsPath: "/plain/path": expected "slice:prefix:name" for systemd cgroups'* ]]
	rr_assert_nothing_left
}

@test "cgroup: a cgroup that holds another container's processes is refused" {
	rr_jq '.linux.cgroupsPath = $p' --arg p "/rlt-$RR_ID-shared"
	rr_sh 'exec sleep 100000'
	cg_run_d
	run "$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID-b"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/rlt-$RR_ID-shared\": already in use by other processes: Device or resource busy"* ]]
	[ ! -e "$RR_STATE/$RR_ID-b" ]
	# the first one is untouched
	[ "$(cg_rlite state "$RR_ID" | jq -r .status)" = running ]
	local v m path
	read -r v m path < <(cg_dirs "$CG_PID")
	grep -qx "$CG_PID" "$m$path/cgroup.procs"
}

@test "cgroup: --cgroup-manager disabled makes no cgroups" {
	rr_sh 'exec sleep 100000'
	cg_run_d --cgroup-manager disabled
	[ ! -e "$RR_STATE/$RR_ID/cgroups" ]
	cg_none_left
	run "$RLITE_BIN" --cgroup-manager bogus list
	[ "$status" -eq 1 ]
	[[ "$output" == *'--cgroup-manager: must be cgroupfs, systemd or disabled, not "bogus"'* ]]
}

@test "cgroup: --cgroup-manager disabled refuses a limit it cannot apply" {
	rr_jq '.linux.resources = {"memory": {}, "pids": {"limit": 5}}'
	rr_sh 'exec sleep 100000'
	rr_snapshot
	run timeout "$RR_GUARD" "$RLITE_BIN" --cgroup-manager disabled --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *'linux.resources.pids: cannot be applied with --cgroup-manager disabled (no cgroups)'* ]]
	rr_assert_nothing_left
	# device rules and empty sections ask for no limit
	rr_jq '.linux.resources = {"memory": {}, "devices": [{"allow": false, "access": "rwm"}]}'
	cg_run_d --cgroup-manager disabled
	cg_rlite delete --force "$RR_ID"
	cg_none_left
}

@test "cgroup: after kill -9 of rlite during create, delete --force removes the cgroups" {
	# A createRuntime hook holds create after the cgroups were made.
	rr_jq '.hooks.createRuntime = [{"path": "/bin/sh",
		"args": ["sh", "-c", "echo $$ >" + $p + "; touch " + $f + "; exec sleep 120"]}]' \
		--arg f "$RR_DIR/in-hook" --arg p "$RR_DIR/hook.pid"
	env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create --bundle "$RR_BUNDLE" "$RR_ID" \
		</dev/null >/dev/null 2>&1 &
	local rl=$!
	rr_wait_for test -e "$RR_DIR/in-hook"
	[ -n "$(find /sys/fs/cgroup -type d -name "$RR_ID")" ]
	kill -9 "$rl"
	wait "$rl" || true
	kill -9 "$(cat "$RR_DIR/hook.pid")" || true
	cg_rlite delete --force "$RR_ID"
	[ ! -e "$RR_STATE/$RR_ID" ]
	cg_none_left
	rr_wait_for rr_no_tagged_pids
}

# ---- pause, kill --all, ps -------------------------------------------------------

# cg_counter_above N: the counter the workload writes is above N.
cg_counter_above() {
	local c
	c=$(cat "$CG_HOST/n" 2>/dev/null) || return 1
	[ -n "$c" ] && [ "$c" -gt "$1" ]
}

@test "cgroup: pause stops a counter, resume restarts it, state follows" {
	[ -n "$CG_FREEZER" ] || skip "no freezer here: neither a v1 freezer nor cgroup.freeze"
	# the counter is renamed into place, so a reader never sees it empty
	rr_sh 'i=0; while :; do i=$((i + 1)); echo $i >/mnt/host/n.new; mv /mnt/host/n.new /mnt/host/n
		sleep 0.05; done'
	cg_run_d
	rr_wait_for test -s "$CG_HOST/n"
	cg_rlite pause "$RR_ID"
	[ "$(cg_rlite state "$RR_ID" | jq -r .status)" = paused ]
	[ "$(cg_rlite list --format json | jq -r '.[0].status')" = paused ]
	# pause returned once the kernel said frozen; on cgroup v2 a frozen task
	# woken by a signal (a child's SIGCHLD from its exit) leaves and
	# re-enters the frozen state, and cgroup.events says "frozen 0" for
	# that moment: what the kernel settles on is asserted
	rr_wait_for cg_frozen
	# frozen, it does not move, however long one looks
	local a b
	a=$(cat "$CG_HOST/n")
	sleep 0.5
	b=$(cat "$CG_HOST/n")
	[ "$a" = "$b" ]
	run cg_rlite pause "$RR_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"is paused, not running"* ]]
	cg_rlite resume "$RR_ID"
	[ "$(cg_rlite state "$RR_ID" | jq -r .status)" = running ]
	rr_wait_for cg_thawed
	rr_wait_for cg_counter_above "$b"
	# delete --force of a paused container does not hang on the frozen init
	cg_rlite pause "$RR_ID"
	timeout "$RR_DEADLINE" "$RLITE_BIN" --root "$RR_STATE" delete --force "$RR_ID"
	cg_none_left
}

# Without a pid namespace, a daemon that left the init (setsid, reparented
# to the host's init) is only found through the cgroup.
cg_daemon_workload() {
	rr_jq '.linux.namespaces |= map(select(.type != "pid"))'
	rr_sh 'setsid sh -c "sleep 1000 & echo \$! >/mnt/host/daemon" </dev/null >/dev/null 2>&1 &
		exec sleep 1000'
}

@test "cgroup: kill --all KILL kills a daemonized grandchild (cgroup.kill, or freeze and signal)" {
	cg_daemon_workload
	cg_run_d
	rr_wait_for test -s "$CG_HOST/daemon"
	local d
	d=$(cat "$CG_HOST/daemon")
	kill -0 "$d"
	[ "$(awk '{ print $4 }' "/proc/$d/stat")" != "$CG_PID" ]
	cg_rlite kill --all "$RR_ID" KILL
	rr_wait_for rr_gone "$d"
	cg_rlite delete --force "$RR_ID"
	cg_none_left
}

# cg_empty FILE: a cgroup.procs that lists no process.
cg_empty() {
	[ -z "$(cat "$1")" ]
}

@test "cgroup: kill --all after the init exited signals what is left, then says not running" {
	cg_daemon_workload
	cg_run_d
	rr_wait_for test -s "$CG_HOST/daemon"
	local d procs
	d=$(cat "$CG_HOST/daemon")
	procs=$(cg_file pids cgroup.procs)
	# the init only: the daemon it left lives on in the cgroup
	cg_rlite kill "$RR_ID" KILL
	rr_wait_for cg_status_is stopped
	kill -0 "$d"
	# containerd's shim does this after the init exited (runc accepts it)
	run cg_rlite kill --all "$RR_ID" KILL
	echo "$output"
	[ "$status" -eq 0 ]
	rr_wait_for rr_gone "$d"
	rr_wait_for cg_empty "$procs"
	# nothing left: now it is an error
	run cg_rlite kill --all "$RR_ID" KILL
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"container not running"* ]]
	cg_rlite delete "$RR_ID"
	cg_none_left
}

@test "cgroup: kill --all TERM reaches every process (freeze, signal, thaw)" {
	cg_daemon_workload
	cg_run_d
	rr_wait_for test -s "$CG_HOST/daemon"
	local d f='' thawed=''
	d=$(cat "$CG_HOST/daemon")
	case $CG_FREEZER in
	1) f=$(cg_file freezer freezer.state) thawed=THAWED ;;
	2) f=$(cg_file "" cgroup.freeze) thawed=0 ;;
	esac
	cg_rlite kill --all "$RR_ID" TERM
	rr_wait_for rr_gone "$d"
	# thawed again: nothing is left frozen (or the cgroup went with the
	# container)
	if [ -n "$f" ]; then
		[ ! -e "$f" ] || grep -qx "$thawed" "$f"
	fi
}

@test "cgroup: ps lists the shim and the workload, as json and as a table" {
	rr_sh 'exec sleep 100000'
	cg_run_d
	run cg_rlite ps --format json "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	local want v m path
	read -r v m path < <(cg_dirs "$CG_PID")
	want=$(sort -n "$m$path/cgroup.procs" | jq -sc .)
	[ "$output" = "$want" ]
	[ "$(jq length <<<"$output")" -eq 2 ]
	[ "$(jq '.[0]' <<<"$output")" -eq "$CG_PID" ]
	run cg_rlite ps "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID* ]]
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *"sleep 100000"* ]]
	cg_rlite delete --force "$RR_ID"
	run cg_rlite ps --format json "$RR_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
}

# ---- update, events ---------------------------------------------------------------

@test "cgroup: update changes the limits of a running container" {
	cg_need memory "$CG_MEM"
	cg_need pids "$CG_PIDS"
	cg_need cpu "$CG_CPU"
	[ -n "$CG_CFS" ] || skip "no CFS bandwidth files here (CONFIG_CFS_BANDWIDTH)"
	local memf=memory.limit_in_bytes
	[ "$CG_MEM" = 1 ] || memf=memory.max
	rr_jq '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
	rr_sh 'exec sleep 100000'
	cg_run_d
	cg_is "$memf" 67108864
	cg_rlite update --memory 128m --pids-limit 20 --cpu-shares 256 "$RR_ID"
	cg_is "$memf" 134217728
	cg_is pids.max 20
	if [ "$CG_CPU" = 1 ]; then cg_is cpu.shares 256; else cg_is cpu.weight 10; fi
	echo '{"memory": {"limit": 100663296}, "cpu": {"quota": 20000, "period": 100000}}' |
		cg_rlite update --resources - "$RR_ID"
	cg_is "$memf" 100663296
	if [ "$CG_CFS" = 1 ]; then cg_is cpu.cfs_quota_us 20000; else cg_is cpu.max "20000 100000"; fi
	run cg_rlite update --memory lots "$RR_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *'--memory: invalid size "lots"'* ]]
	echo '{"memory": {"limit": "x"}}' >"$RR_DIR/bad.json"
	run cg_rlite update -r "$RR_DIR/bad.json" "$RR_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"$RR_DIR/bad.json: memory.limit: "* ]]
	cg_rlite delete --force "$RR_ID"
	run cg_rlite update --memory 1g "$RR_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
}

@test "cgroup: events --stats prints runc's stats object" {
	cg_need memory "$CG_MEM"
	cg_need pids "$CG_PIDS"
	rr_jq '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
	rr_sh 'exec sleep 100000'
	cg_run_d
	run cg_rlite events --stats "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(jq -r .type <<<"$output")" = stats ]
	[ "$(jq -r .id <<<"$output")" = "$RR_ID" ]
	[ "$(jq -r .data.pids.current <<<"$output")" -eq 2 ]
	[ "$(jq -r .data.pids.limit <<<"$output")" -eq 50 ]
	[ "$(jq -r .data.memory.usage.limit <<<"$output")" -eq 67108864 ]
	[ "$(jq -r .data.memory.usage.usage <<<"$output")" -gt 0 ]
	[ "$(jq -r .data.cpu.usage.total <<<"$output")" -gt 0 ]
}
