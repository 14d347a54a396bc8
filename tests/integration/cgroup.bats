#!/usr/bin/env bats
# cgroups (issue 6) on this host as it is, with real busybox containers:
# placement on every hierarchy (v1, v2, or both as on a hybrid host),
# linux.cgroupsPath in its forms, the record that lets `delete --force`
# clean up after a killed runtime, pause/resume, kill --all, ps, events,
# update, and linux.resources written to the kernel and enforced.
#
# Nothing here assumes a layout or a kernel: setup_file runs one probe
# container and records every file its cgroups hold (cg_probe); each test
# reads the version and the files it needs from that record and from the
# kernel's own files (/sys/block/*/queue/scheduler, /proc/cgroups,
# /sys/kernel/mm/hugepages, /proc/self/status), and a test whose feature
# this kernel lacks skips, saying which.
#
# Every test has its own --root, bundle and id (run_helpers.bash); teardown
# deletes the container with --force, kills whatever carries the test's tag
# and removes every cgroup directory whose name holds the id (all the paths
# used here do), also after a failure.

# jq filters and container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load run_helpers

setup_file() {
	rr_setup_file
	cg_probe
}

teardown_file() {
	cg_probe_remove
	rr_teardown_file
}

setup() {
	rr_setup
	rr_host_dir
	CG_HOST=$RR_HOST
	CG_EVENTS=
	# slices for --systemd-cgroup: "a-b.slice" nests in "a.slice", so the
	# unique part has no dash
	CG_SLICE=rlt$$s$BATS_TEST_NUMBER
	cg_versions
}

teardown() {
	if [ -n "${CG_EVENTS:-}" ]; then
		kill -9 "$CG_EVENTS" 2>/dev/null || true
	fi
	if [ -s "$RR_DIR/hook.pid" ]; then
		kill -9 "$(cat "$RR_DIR/hook.pid")" 2>/dev/null || true
	fi
	# A test that failed while its container was paused: frozen processes
	# do not die of SIGKILL until thawed.
	local f
	for f in $(find /sys/fs/cgroup -path "*$RR_ID*" -name freezer.state 2>/dev/null); do
		echo THAWED >"$f" 2>/dev/null || true
	done
	for f in $(find /sys/fs/cgroup -path "*$RR_ID*" -name cgroup.freeze 2>/dev/null); do
		echo 0 >"$f" 2>/dev/null || true
	done
	rr_teardown
	# parents made for absolute and systemd paths, named after the id or
	# the test's slice
	find /sys/fs/cgroup -depth -type d \( -name "*$RR_ID*" -o -name "$CG_SLICE*" \) \
		-exec rmdir {} + 2>/dev/null || true
}

cg_rlite() {
	"$RLITE_BIN" --root "$RR_STATE" "$@"
}

cg_status_is() {
	[ "$(cg_rlite state "$RR_ID" | jq -r .status)" = "$1" ]
}

# cg_run_d [GLOBAL OPTIONS]: `rlite [GLOBALS] run -d`; fails the test on error.
cg_run_d() {
	local rc=0
	timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" "$@" run -d \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null >"$RR_DIR/d.out" 2>&1 || rc=$?
	cat "$RR_DIR/d.out"
	[ "$rc" -eq 0 ]
	CG_PID=$(cg_rlite state "$RR_ID" | jq -r .pid)
	[ "$CG_PID" -gt 0 ]
}

# ---- where things are ----------------------------------------------------------

# cg_path_of PID CONTROLLER: the process's cgroup in that hierarchy, as
# /proc/PID/cgroup shows it ("" for the cgroup2 one).
cg_path_of() {
	awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) { print $3; exit } }
		c == "" && $2 == "" { print $3; exit }' "/proc/$1/cgroup"
}

# The mount point of a v1 controller's hierarchy, and of the cgroup2 one.
cg_mount_of() {
	awk -v c="$1" '{ for (s = 7; $s != "-"; s++); t = $(s + 1) }
		t == "cgroup" && c != "" { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $5; exit } }
		t == "cgroup2" && c == "" { print $5; exit }' /proc/self/mountinfo
}

# cg_file CONTROLLER FILE: the container's FILE in the hierarchy of that
# controller: its v1 one, else the cgroup2 one ("" or a v2 controller).
cg_file() {
	local c=$1
	if [ -n "$c" ] && [ -z "$(cg_mount_of "$c")" ]; then
		c=
	fi
	echo "$(cg_mount_of "$c")$(cg_path_of "$CG_PID" "$c")/$2"
}

# cg_read FILE: the container's FILE, in the hierarchy its prefix names
# (memory.max: memory's; cgroup.procs: the cgroup2 one).
cg_read() {
	cat "$(cg_file "${1%%.*}" "$1")"
}

# cg_dirs PID: the process's directory in every mounted hierarchy, one
# "V MOUNT PATH" line each (V: 1 or 2).
cg_dirs() {
	local ctrls path m
	while IFS=: read -r _ ctrls path; do
		if [ -z "$ctrls" ]; then
			m=$(cg_mount_of "")
			[ -n "$m" ] && echo "2 $m $path"
		else
			m=$(cg_mount_of "${ctrls%%,*}")
			[ -n "$m" ] && echo "1 $m $path"
		fi
	done <"/proc/$1/cgroup"
	return 0
}

# Nothing named after the container is left in any hierarchy.
cg_none_left() {
	local left
	left=$(find /sys/fs/cgroup -type d \( -name "*$RR_ID*" -o -name "$CG_SLICE*" \) \
		2>/dev/null || true)
	if [ -n "$left" ]; then
		echo "cgroups left behind: $left"
		return 1
	fi
}

# ---- what this kernel has ------------------------------------------------------

# One container, run once for the file: every file its cgroups hold here,
# "1 FILE" or "2 FILE" (the version of the directory) per line, in
# $RR_BASE/cgfiles.
cg_probe() {
	local b=$RR_BASE/probe id=probe-$$x pid v m path
	mkdir -p "$b"
	"$RR_TOOLS/busybox-rootfs" --cache "$RR_BASE/cache" "$b/rootfs"
	"$RLITE_BIN" spec --bundle "$b"
	jq '.process.args = ["sleep", "600"] | .process.env += ["RR_TAG=" + $t]' --arg t "$id" \
		"$b/config.json" >"$b/config.new"
	mv "$b/config.new" "$b/config.json"
	if ! env RR_TAG="$id" timeout -k 5 "$RR_GUARD" "$RLITE_BIN" --root "$RR_BASE/probe-state" \
		run -d --bundle "$b" "$id" </dev/null >"$b/out" 2>&1; then
		echo "the probe container did not run:" >&2
		cat "$b/out" >&2
		return 1
	fi
	pid=$("$RLITE_BIN" --root "$RR_BASE/probe-state" state "$id" | jq -r .pid)
	cg_dirs "$pid" | while read -r v m path; do
		find "$m$path" -mindepth 1 -maxdepth 1 -printf "$v %f\n"
	done | sort -u >"$RR_BASE/cgfiles"
	"$RLITE_BIN" --root "$RR_BASE/probe-state" delete --force "$id"
}

cg_probe_remove() {
	local id=probe-$$x p
	[ -d "${RR_BASE:-}/probe-state" ] || return 0
	timeout "$RR_DEADLINE" "$RLITE_BIN" --root "$RR_BASE/probe-state" delete --force "$id" \
		>/dev/null 2>&1 || true
	for p in $(grep -lzx "RR_TAG=$id" /proc/[0-9]*/environ 2>/dev/null |
		sed -e 's|^/proc/||' -e 's|/environ$||'); do
		kill -9 "$p" 2>/dev/null || true
	done
	find /sys/fs/cgroup -depth -type d -name "$id" -exec rmdir {} + 2>/dev/null || true
}

# cg_has [1|2] FILE: a container's cgroups here hold FILE (in a v1 or a v2
# directory, or either).
cg_has() {
	if [ $# -eq 2 ]; then
		grep -qx "$1 $2" "$RR_BASE/cgfiles"
	else
		grep -qx "[12] $1" "$RR_BASE/cgfiles"
	fi
}

# cg_v V1FILE V2FILE: "1" when a container's v1 directories have V1FILE,
# "2" when its v2 one has V2FILE (the controller is there), else nothing.
cg_v() {
	if cg_has 1 "$1"; then
		echo 1
	elif cg_has 2 "$2"; then
		echo 2
	fi
	return 0
}

# Which version holds the controllers the tests use, "" when none does.
cg_versions() {
	CG_MEM=$(cg_v memory.limit_in_bytes memory.max)
	CG_CPU=$(cg_v cpu.shares cpu.weight)
	CG_CPUSET=$(cg_v cpuset.cpus cpuset.cpus)
	CG_PIDS=$(cg_v pids.max pids.max)
	CG_IO=$(cg_v blkio.reset_stats io.stat)
	CG_FREEZER=$(cg_v freezer.state cgroup.freeze)
	# CFS bandwidth (quota, period): its files, not only the controller
	CG_CFS=$(cg_v cpu.cfs_quota_us cpu.max)
}

# The swap file of the memory controller, when the kernel accounts swap.
cg_swap_file() {
	if cg_has 1 memory.memsw.limit_in_bytes; then
		echo memory.memsw.limit_in_bytes
	elif cg_has 2 memory.swap.max; then
		echo memory.swap.max
	fi
	return 0
}

# A huge page size a container's hugetlb files name here, "SIZE BYTES"
# (e.g. "2MB 2097152"), or nothing.
cg_hugepage() {
	awk '$2 ~ /^hugetlb\.[0-9]+[KMG]B\.(limit_in_bytes|max)$/ { split($2, a, "."); print a[2]; exit }' \
		"$RR_BASE/cgfiles" |
		awk '{ n = $1 + 0; u = substr($1, length(n "") + 1)
			m = u == "KB" ? 1024 : u == "MB" ? 1048576 : 1073741824
			printf "%s %.0f\n", $1, n * m }'
}

# BFQ (or CFQ, before Linux 5.0) offered for some block device: the
# scheduler that has the blkio weight files.
cg_weight_scheduler() {
	cat /sys/block/*/queue/scheduler 2>/dev/null | tr -d '[]' | tr ' ' '\n' | grep -qx -e bfq -e cfq
}

# MAJ:MIN of a block device here: a disk before loop, ram and zram ones.
cg_block_dev() {
	local f
	for f in /sys/block/*/dev; do
		case $f in */loop* | */ram* | */zram*) continue ;; esac
		cat "$f"
		return 0
	done
	for f in /sys/block/*/dev; do
		[ -e "$f" ] && cat "$f" && return 0
	done
	return 0
}

# The first CPU and memory node this shell may use (the container's
# cpuset is taken from its parent, this shell's).
cg_first_allowed() {
	awk -v k="$1_allowed_list:" '$1 == k { split($2, a, "[,-]"); print a[1] }' /proc/self/status
}

# cg_frozen / cg_thawed: what the kernel says of the container's freezer.
cg_frozen() {
	if [ "$CG_FREEZER" = 1 ]; then
		grep -qx FROZEN "$(cg_file freezer freezer.state)"
	else
		grep -qx 'frozen 1' "$(cg_file "" cgroup.events)"
	fi
}

cg_thawed() {
	if [ "$CG_FREEZER" = 1 ]; then
		grep -qx THAWED "$(cg_file freezer freezer.state)"
	else
		grep -qx 'frozen 0' "$(cg_file "" cgroup.events)"
	fi
}

# cg_need WHAT VERSION: skips the test when the controller is not here.
cg_need() {
	[ -n "$2" ] || skip "no $1 controller for a container here"
}

# ---- placement -----------------------------------------------------------------

@test "cgroup: the container is in its own cgroup on every hierarchy, the default path is its id" {
	rr_sh 'exec sleep 60'
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
	rr_sh 'exec sleep 60'
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

@test "cgroup: --systemd-cgroup maps slice:prefix:name to the unit's path" {
	rr_jq '.linux.cgroupsPath = $p' --arg p "$CG_SLICE-sub.slice:rltest:$RR_ID"
	rr_sh 'exec sleep 60'
	cg_run_d --systemd-cgroup
	local v m path n=0
	while read -r v m path; do
		n=$((n + 1))
		echo "v$v $m$path"
		[ "$path" = "/$CG_SLICE.slice/$CG_SLICE-sub.slice/rltest-$RR_ID.scope" ]
	done < <(cg_dirs "$CG_PID")
	[ "$n" -ge 1 ]
	cg_rlite delete --force "$RR_ID"
	# the slices were made for it, and went with it
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
	rr_sh 'exec sleep 60'
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
	rr_sh 'exec sleep 60'
	cg_run_d --cgroup-manager disabled
	[ ! -e "$RR_STATE/$RR_ID/cgroups" ]
	cg_none_left
	run "$RLITE_BIN" --cgroup-manager bogus list
	[ "$status" -eq 1 ]
	[[ "$output" == *'--cgroup-manager: must be cgroupfs, systemd or disabled, not "bogus"'* ]]
}

@test "cgroup: --cgroup-manager disabled refuses a limit it cannot apply" {
	rr_jq '.linux.resources = {"memory": {}, "pids": {"limit": 5}}'
	rr_sh 'exec sleep 60'
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
	cg_frozen
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
	cg_thawed
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
	rr_sh 'exec sleep 60'
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
	[[ "$output" == *"sleep 60"* ]]
	cg_rlite delete --force "$RR_ID"
	run cg_rlite ps --format json "$RR_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
}

# ---- resources ---------------------------------------------------------------------

# cg_is FILE VALUE: the container's FILE holds VALUE (its first line).
cg_is() {
	local got
	got=$(cg_read "$1" | head -n 1)
	[ "$got" = "$2" ] || {
		echo "$1: \"$got\", not \"$2\""
		return 1
	}
}

@test "cgroup: linux.resources are written to the cgroup files and read back" {
	local res='{}' cpu mem swap dev size='' bytes=0 lim
	cpu=$(cg_first_allowed Cpus)
	mem=$(cg_first_allowed Mems)
	swap=$(cg_swap_file)
	dev=$(cg_block_dev)
	read -r size bytes < <(cg_hugepage) || true
	if [ -n "$CG_MEM" ]; then
		res=$(jq '.memory = {"limit": 67108864, "reservation": 33554432,
			"disableOOMKiller": false}' <<<"$res")
		[ "$CG_MEM" = 2 ] || res=$(jq '.memory.swappiness = 10' <<<"$res")
		[ -z "$swap" ] || res=$(jq '.memory.swap = 134217728' <<<"$res")
	fi
	[ -z "$CG_CPU" ] || res=$(jq '.cpu.shares = 512' <<<"$res")
	[ -z "$CG_CFS" ] || res=$(jq '.cpu.quota = 50000 | .cpu.period = 100000' <<<"$res")
	[ -z "$CG_CPUSET" ] ||
		res=$(jq --arg c "$cpu" --arg m "$mem" '.cpu.cpus = $c | .cpu.mems = $m' <<<"$res")
	[ -z "$CG_PIDS" ] || res=$(jq '.pids.limit = 64' <<<"$res")
	if [ -n "$dev" ] && { cg_has 1 blkio.throttle.read_bps_device || cg_has 2 io.max; }; then
		res=$(jq --argjson a "${dev%:*}" --argjson i "${dev#*:}" '.blockIO = {
			"throttleReadBpsDevice": [{"major": $a, "minor": $i, "rate": 1048576}],
			"throttleWriteIOPSDevice": [{"major": $a, "minor": $i, "rate": 100}]}' <<<"$res")
	fi
	if [ -n "$size" ]; then
		lim=$((bytes * 2))
		res=$(jq --arg s "$size" --argjson l "$lim" \
			'.hugepageLimits = [{"pageSize": $s, "limit": $l}]' <<<"$res")
	fi
	[ "$res" != '{}' ] || skip "no controller for a container here"
	echo "linux.resources: $res"
	rr_jq '.linux.resources = $r' --argjson r "$res"
	rr_sh 'exec sleep 60'
	cg_run_d
	case $CG_MEM in
	1)
		cg_is memory.limit_in_bytes 67108864
		cg_is memory.soft_limit_in_bytes 33554432
		cg_is memory.swappiness 10
		[ -z "$swap" ] || cg_is memory.memsw.limit_in_bytes 134217728
		;;
	2)
		cg_is memory.max 67108864
		cg_is memory.low 33554432
		# v2 keeps swap apart: swap - limit
		[ -z "$swap" ] || cg_is memory.swap.max 67108864
		;;
	esac
	case $CG_CPU in
	1) cg_is cpu.shares 512 ;;
	2) cg_is cpu.weight 20 ;;
	esac
	case $CG_CFS in
	1)
		cg_is cpu.cfs_quota_us 50000
		cg_is cpu.cfs_period_us 100000
		;;
	2) cg_is cpu.max "50000 100000" ;;
	esac
	if [ -n "$CG_CPUSET" ]; then
		cg_is cpuset.cpus "$cpu"
		cg_is cpuset.mems "$mem"
	fi
	[ -z "$CG_PIDS" ] || cg_is pids.max 64
	if cg_has 1 blkio.throttle.read_bps_device && [ -n "$dev" ]; then
		grep -qx "$dev 1048576" "$(cg_file blkio blkio.throttle.read_bps_device)"
		grep -qx "$dev 100" "$(cg_file blkio blkio.throttle.write_iops_device)"
	elif cg_has 2 io.max && [ -n "$dev" ]; then
		grep -qx "$dev rbps=1048576 wbps=max riops=max wiops=100" "$(cg_file io io.max)"
	fi
	if cg_has 1 "hugetlb.$size.limit_in_bytes"; then
		cg_is "hugetlb.$size.limit_in_bytes" "$lim"
	elif cg_has 2 "hugetlb.$size.max"; then
		cg_is "hugetlb.$size.max" "$lim"
	fi
	cg_rlite delete --force "$RR_ID"
	cg_none_left
}

@test "cgroup: v1 memory: disableOOMKiller and useHierarchy read back" {
	[ "$CG_MEM" = 1 ] || skip "no v1 memory controller here (cgroup v2 has no such files: refused)"
	rr_jq '.linux.resources.memory = {"limit": 67108864, "disableOOMKiller": true,
		"useHierarchy": true}'
	rr_sh 'exec sleep 60'
	cg_run_d
	grep -qx 'oom_kill_disable 1' "$(cg_file memory memory.oom_control)"
	cg_is memory.use_hierarchy 1
	cg_rlite delete --force "$RR_ID"
	cg_none_left
}

@test "cgroup: v1 memory: kernelTCP reads back" {
	cg_has 1 memory.kmem.tcp.limit_in_bytes ||
		skip "no memory.kmem.tcp.limit_in_bytes for a container here"
	rr_jq '.linux.resources.memory = {"limit": 67108864, "kernelTCP": 16777216}'
	rr_sh 'exec sleep 60'
	cg_run_d
	cg_is memory.kmem.tcp.limit_in_bytes 16777216
}

@test "cgroup: a memory.kernel limit is refused (obsolete), by run and by update" {
	# The kernel takes memory.kmem.limit_in_bytes and limits nothing.
	rr_jq '.linux.resources = {"memory": {"kernel": 1048576}}'
	rr_sh 'exec sleep 60'
	rr_snapshot
	run timeout "$RR_GUARD" "$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *'linux.resources.memory.kernel: kernel memory limits are obsolete, Linux no longer enforces them'* ]]
	rr_assert_nothing_left
	# -1 (no limit) is what every cgroup has: accepted
	rr_jq '.linux.resources = {"memory": {"kernel": -1}}'
	cg_run_d
	echo '{"memory": {"kernel": 4194304}}' >"$RR_DIR/r.json"
	run cg_rlite update --resources "$RR_DIR/r.json" "$RR_ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *'linux.resources.memory.kernel: kernel memory limits are obsolete'* ]]
	cg_rlite delete --force "$RR_ID"
	cg_none_left
}

@test "cgroup: cpu burst reads back" {
	cg_has 1 cpu.cfs_burst_us || cg_has 2 cpu.max.burst ||
		skip "no CFS burst here (Linux 5.14 or later with CONFIG_CFS_BANDWIDTH)"
	rr_jq '.linux.resources.cpu = {"quota": 40000, "period": 100000, "burst": 10000}'
	rr_sh 'exec sleep 60'
	cg_run_d
	if [ "$CG_CFS" = 1 ]; then
		cg_is cpu.cfs_burst_us 10000
	else
		cg_is cpu.max.burst 10000
	fi
}

@test "cgroup: realtime period and runtime read back" {
	cg_has 1 cpu.rt_runtime_us || skip "no cpu.rt_* files here (CONFIG_RT_GROUP_SCHED, v1)"
	# the container's runtime comes out of its parent's, this shell's
	local parent
	parent=$(cat "$(cg_mount_of cpu)$(cg_path_of $$ cpu)/cpu.rt_runtime_us")
	[ "$parent" -ge 10000 ] ||
		skip "this shell's cpu cgroup has no realtime runtime to give ($parent us)"
	rr_jq '.linux.resources.cpu = {"realtimePeriod": 1000000, "realtimeRuntime": 10000}'
	rr_sh 'exec sleep 60'
	cg_run_d
	cg_is cpu.rt_period_us 1000000
	cg_is cpu.rt_runtime_us 10000
}

@test "cgroup: cpu.idle reads back" {
	cg_has cpu.idle || skip "no cpu.idle here (Linux 5.15 or later)"
	rr_jq '.linux.resources.cpu = {"idle": 1}'
	rr_sh 'exec sleep 60'
	cg_run_d
	cg_is cpu.idle 1
}

@test "cgroup: unified keys are written to the cgroup2 directory as they are" {
	local key value size bytes
	read -r size bytes < <(cg_hugepage) || true
	if cg_has 2 pids.max; then
		key=pids.max value=7
	elif [ -n "$size" ] && cg_has 2 "hugetlb.$size.max"; then
		key=hugetlb.$size.max value=$((bytes * 2))
	elif cg_has 2 memory.high; then
		key=memory.high value=67108864
	else
		skip "no controller a unified key can name on cgroup v2 here"
	fi
	rr_jq '.linux.resources.unified = {($k): $v}' --arg k "$key" --arg v "$value"
	rr_sh 'exec sleep 60'
	cg_run_d
	[ "$(head -n 1 "$(cg_file "" "$key")")" = "$value" ]
}

@test "cgroup: network classID and priorities on a net_cls,net_prio hierarchy" {
	awk '$1 == "net_cls" { c = 1 } $1 == "net_prio" { p = 1 } END { exit !(c && p) }' \
		/proc/cgroups || skip "no net_cls and net_prio controllers in this kernel (/proc/cgroups)"
	rr_jq '.linux.resources.network = {"classID": 1048577, "priorities": [{"name": "lo", "priority": 7}]}'
	rr_sh 'exec sleep 60'
	if [ -n "$(cg_mount_of net_cls)" ] && [ -n "$(cg_mount_of net_prio)" ]; then
		# mounted here: rlite finds it like any other
		cg_run_d
		cg_is net_cls.classid 1048577
		grep -qx 'lo 7' "$(cg_file net_prio net_prio.ifpriomap)"
		cg_rlite delete --force "$RR_ID"
		cg_none_left
		return 0
	fi
	[ "$(awk '$1 == "net_cls" { print $2 }' /proc/cgroups)" = 0 ] ||
		skip "net_cls is in a hierarchy that is not mounted here"
	# Not mounted on this host: mounted here in a private mount namespace,
	# which rlite then finds in its mount table like any other.
	mkdir -p "$RR_DIR/netcg"
	run timeout -k 5 "$((RR_GUARD + RR_DEADLINE))" unshare -m --propagation private sh -c '
		mount -t cgroup -o net_cls,net_prio rlite-test "$1" || exit 99
		env RR_TAG="$4" "$2" --root "$3" run -d --bundle "$5" "$4" || exit 98
		cat "$1/$4/net_cls.classid"; grep "^lo " "$1/$4/net_prio.ifpriomap"
		"$2" --root "$3" delete --force "$4"
		[ ! -e "$1/$4" ] && echo removed
		# The hierarchy goes away with its last mount only once no child
		# cgroup is left, dying ones included: until then, mount it again
		# and unmount (for $6 seconds at most).
		end=$(($(date +%s) + $6))
		while :; do
			umount "$1"
			for j in $(seq 40); do
				awk '"'"'$1 == "net_cls" && $2 != 0 { f = 1 } END { exit !f }'"'"' /proc/cgroups || exit 0
				sleep 0.05
			done
			[ "$(date +%s)" -lt "$end" ] || break
			mount -t cgroup -o net_cls,net_prio rlite-test "$1"
			sleep 0.5
		done
		echo "the net_cls,net_prio hierarchy stays"; exit 97' sh "$RR_DIR/netcg" "$RLITE_BIN" \
		"$RR_STATE" "$RR_ID" "$RR_BUNDLE" "$RR_DEADLINE"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1048577 ]
	[ "${lines[1]}" = "lo 7" ]
	[ "${lines[2]}" = removed ]
	cg_none_left
}

# ---- resources this kernel may lack ------------------------------------------------

# cg_fails_with TEXT: the run failed (1) with TEXT, named as it is, and
# left nothing: no state, mount, process or cgroup.
cg_fails_with() {
	rr_snapshot
	rr_run
	[ "$status" -eq 1 ]
	[[ "$output" == *"$1"* ]]
	[[ "$output" != *"No such file or directory"* ]]
	rr_assert_nothing_left
	cg_none_left
}

@test "cgroup: blkio weight goes to BFQ's file" {
	cg_weight_scheduler || skip "no BFQ on this kernel (/sys/block/*/queue/scheduler)"
	cg_need blkio "$CG_IO"
	rr_jq '.linux.resources.blockIO = {"weight": 500}'
	rr_sh 'exec sleep 60'
	cg_run_d
	local f
	if [ "$CG_IO" = 1 ]; then
		# CFQ's file where CFQ is (before Linux 5.0), else BFQ's
		if cg_has 1 blkio.weight; then f=blkio.weight; else f=blkio.bfq.weight; fi
		grep -Eqx '(default )?500' "$(cg_file blkio "$f")"
	else
		grep -Eqx '(default )?500' "$(cg_file io io.bfq.weight)"
	fi
	cg_rlite delete --force "$RR_ID"
	cg_none_left
}

@test "cgroup: a weightDevice for a device BFQ does not schedule fails naming it, leaving nothing" {
	grep -qw bfq /sys/block/*/queue/scheduler 2>/dev/null ||
		skip "no BFQ on this kernel (/sys/block/*/queue/scheduler)"
	cg_need blkio "$CG_IO"
	local s dev=
	for s in /sys/block/*/queue/scheduler; do
		if ! grep -q '\[bfq\]' "$s"; then
			dev=$(cat "${s%/queue/scheduler}/dev")
			break
		fi
	done
	[ -n "$dev" ] || skip "every block device here is scheduled by BFQ"
	rr_jq '.linux.resources.blockIO = {"weightDevice": [{"major": $a, "minor": $i, "weight": 300}]}' \
		--argjson a "${dev%:*}" --argjson i "${dev#*:}"
	cg_fails_with "linux.resources.blockIO.weightDevice[0].weight: BFQ does not schedule device $dev: "
}

@test "cgroup: without BFQ a blkio weight fails naming the field and why, leaving nothing" {
	! cg_weight_scheduler || skip "BFQ (or CFQ) is on this kernel: the weight applies"
	cg_need blkio "$CG_IO"
	if [ "$CG_IO" = 2 ] && cg_has 2 io.weight; then
		skip "io.weight takes the weight here without BFQ (CONFIG_BLK_CGROUP_IOCOST)"
	fi
	local why dev
	if [ "$CG_IO" = 1 ]; then
		why='(no BFQ on any device)'
	else
		why='(no BFQ on any device, and no io.weight: built without CONFIG_BLK_CGROUP_IOCOST)'
	fi
	rr_jq '.linux.resources.blockIO = {"weight": 500}'
	if [ "$CG_IO" = 1 ]; then
		cg_fails_with "rlite: linux.resources.blockIO.weight: this kernel has no blkio weight file $why"
	else
		cg_fails_with "rlite: linux.resources.blockIO.weight: this kernel has no io weight file $why"
	fi
	dev=$(cg_block_dev)
	[ -n "$dev" ] || return 0
	rr_jq '.linux.resources.blockIO = {"weightDevice": [{"major": $a, "minor": $i, "weight": 300}]}' \
		--argjson a "${dev%:*}" --argjson i "${dev#*:}"
	if [ "$CG_IO" = 1 ]; then
		cg_fails_with "rlite: linux.resources.blockIO.weightDevice[0].weight: this kernel has no blkio weight_device file $why"
	else
		cg_fails_with "rlite: linux.resources.blockIO.weightDevice[0].weight: this kernel has no io weight file $why"
	fi
}

@test "cgroup: a huge page size this machine lacks fails naming the field and why, leaving nothing" {
	local size bytes s kb file=limit_in_bytes missing=
	read -r size bytes < <(cg_hugepage) || true
	[ -n "$size" ] || skip "no hugetlb controller for a container here"
	cg_has 1 "hugetlb.$size.limit_in_bytes" || file=max
	for s in 64KB:64 2MB:2048 32MB:32768 512MB:524288 1GB:1048576 16GB:16777216; do
		kb=${s#*:}
		s=${s%:*}
		if [ ! -e "/sys/kernel/mm/hugepages/hugepages-${kb}kB" ] && ! cg_has "hugetlb.$s.$file"; then
			missing=$s
			break
		fi
	done
	[ -n "$missing" ] || skip "this machine has every huge page size tried"
	rr_jq '.linux.resources.hugepageLimits = [{"pageSize": $s, "limit": 0}]' --arg s "$missing"
	cg_fails_with "rlite: linux.resources.hugepageLimits[0]: this kernel has no hugetlb.$missing.$file file (no $missing huge pages on this machine: /sys/kernel/mm/hugepages)"
}

@test "cgroup: without swap accounting memory.swap fails naming the field and why, leaving nothing" {
	cg_need memory "$CG_MEM"
	[ -z "$(cg_swap_file)" ] || skip "this kernel accounts swap: memory.swap applies"
	local file=memory.memsw.limit_in_bytes
	[ "$CG_MEM" = 1 ] || file=memory.swap.max
	rr_jq '.linux.resources.memory = {"limit": 67108864, "swap": 134217728}'
	cg_fails_with "rlite: linux.resources.memory.swap: this kernel has no $file file (swap accounting is off in this kernel)"
}

@test "cgroup: without CONFIG_RT_GROUP_SCHED realtimeRuntime fails naming the field and why" {
	[ "$CG_CPU" = 1 ] || skip "no v1 cpu controller here (cgroup v2 refuses realtime settings)"
	! cg_has 1 cpu.rt_runtime_us || skip "this kernel has cpu.rt_runtime_us: the setting applies"
	rr_jq '.linux.resources.cpu = {"realtimeRuntime": 10000}'
	cg_fails_with "rlite: linux.resources.cpu.realtimeRuntime: this kernel has no cpu.rt_runtime_us file (built without CONFIG_RT_GROUP_SCHED)"
}

@test "cgroup: a resource whose controller is missing fails naming the field" {
	if [ -z "$(cg_mount_of rdma)" ] &&
		! grep -qw rdma "$(cg_mount_of "")/cgroup.controllers" 2>/dev/null; then
		rr_jq '.linux.resources.rdma = {"mlx5_0": {"hcaHandles": 2}}'
		cg_fails_with 'linux.resources.rdma."mlx5_0": the rdma controller is not available'
	elif [ -z "$(cg_mount_of net_cls)" ]; then
		# on a v2-only host net_cls cannot be there at all
		rr_jq '.linux.resources.network = {"classID": 1}'
		cg_fails_with 'linux.resources.network.classID: '
	else
		skip "every controller tried (rdma, net_cls) is available here"
	fi
}

# ---- enforcement -------------------------------------------------------------------

# The memory of the OOM tests: 32 MiB, and no swap, so that the hog is
# killed rather than swapped out.  Skips where that cannot be said.
cg_oom_memory() {
	cg_need memory "$CG_MEM"
	if [ -n "$(cg_swap_file)" ]; then
		rr_jq '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	elif [ "$(wc -l </proc/swaps)" -gt 1 ]; then
		skip "swap is on without swap accounting: a memory limit cannot keep a hog from swapping"
	else
		rr_jq '.linux.resources.memory = {"limit": 33554432}'
	fi
}

# events is listening: it opened its timer, which it does once the OOM
# notification is set up.
cg_events_ready() {
	local fd
	for fd in "/proc/$CG_EVENTS/fd/"*; do
		[ "$(readlink "$fd" 2>/dev/null)" = 'anon_inode:[timerfd]' ] && return 0
	done
	return 1
}

@test "cgroup: a memory hog is OOM-killed (137) and events reports the oom" {
	cg_oom_memory
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done
		exec dd if=/dev/zero of=/dev/null bs=128M count=1'
	cg_run_d
	"$RLITE_BIN" --root "$RR_STATE" events "$RR_ID" >"$RR_DIR/events" 2>&1 &
	CG_EVENTS=$!
	rr_wait_for cg_events_ready
	touch "$CG_HOST/go"
	rr_wait_for rr_gone "$CG_EVENTS"
	wait "$CG_EVENTS" || true
	CG_EVENTS=
	cat "$RR_DIR/events"
	grep -q '"type":"oom"' "$RR_DIR/events"
	grep -q "\"id\":\"$RR_ID\"" "$RR_DIR/events"
	# the monitor records the init's status once it has it
	rr_wait_for cg_status_is stopped
	rr_wait_for grep -q '"rlite.exitStatus": *137' "$RR_STATE/$RR_ID/state.json"
}

@test "cgroup: the OOM kill gives exit status 137 to rlite run" {
	cg_oom_memory
	rr_jq '.process.args = ["dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1"]'
	rr_run -137
	[ "$status" -eq 137 ]
	cg_none_left
}

@test "cgroup: a pids limit makes fork fail inside" {
	cg_need pids "$CG_PIDS"
	rr_jq '.linux.resources.pids = {"limit": 4}'
	rr_sh 'for i in 1 2 3 4 5 6; do sleep 5 & done 2>/mnt/host/err; kill $(jobs -p) 2>/dev/null'
	rr_run -2
	# busybox sh gives up (status 2) when fork fails
	[ "$status" -eq 2 ]
	cat "$CG_HOST/err"
	grep -qi "can't fork: Resource temporarily unavailable" "$CG_HOST/err"
}

@test "cgroup: pids.limit 0 is a limit of 0, not none (runtime-spec 1.3)" {
	cg_need pids "$CG_PIDS"
	# no shim: it would need a fork of its own to start the workload; read
	# is a builtin, the limit is where the container's pids hierarchy is
	rr_jq '.linux.resources.pids = {"limit": 0} | .annotations["org.rlite.init"] = "false"'
	rr_sh 'read m </sys/fs/cgroup/pids/pids.max || read m </sys/fs/cgroup/pids.max
	       echo "$m" >/mnt/host/max
	       sleep 5 & echo forked >/mnt/host/f'
	rr_run -2
	[ "$status" -eq 2 ]
	[ "$(cat "$CG_HOST/max")" = 0 ]
	[ ! -e "$CG_HOST/f" ]
}

# Everything denied but the default devices; mknod with CAP_MKNOD, so that
# only the device rules can refuse it.
cg_device_workload() {
	rr_jq '.linux.resources.devices = [{"allow": false, "access": "rwm"}] | .root.readonly = false
		| .process.capabilities[] += ["CAP_MKNOD"]'
	rr_sh 'mknod /tmp/mem c 1 1 2>/mnt/host/mknod || echo refused >>/mnt/host/mknod
		head -c 1 /dev/zero >/dev/null && echo zero-ok >/mnt/host/zero
		'"$1"
}

@test "cgroup: device rules deny what they deny, the default devices stay usable" {
	cg_device_workload 'cat /sys/fs/cgroup/devices/devices.list >/mnt/host/list 2>&1 || true'
	rr_run
	[ "$status" -eq 0 ]
	cat "$CG_HOST/mknod"
	grep -q 'Operation not permitted' "$CG_HOST/mknod"
	grep -q refused "$CG_HOST/mknod"
	grep -q zero-ok "$CG_HOST/zero"
	if [ -n "$(cg_mount_of devices)" ]; then
		cat "$CG_HOST/list"
		# (a bare "! grep" would never fail a bats test)
		[ -z "$(grep -x 'a \*:\* rwm' "$CG_HOST/list" || true)" ]
		grep -qx 'c 1:5 rwm' "$CG_HOST/list"
	fi
}

@test "cgroup: without a v1 devices hierarchy the rules become an eBPF program on the cgroup2 directory" {
	[ -n "$(cg_mount_of "")" ] || skip "no cgroup2 mount: nowhere to attach a device program"
	cg_device_workload 'grep devices /proc/self/cgroup >/mnt/host/cg || echo none >/mnt/host/cg'
	local dm
	# A v1 devices hierarchy is unmounted in a private mount namespace,
	# wherever it is mounted (it may be more than once: a container's
	# view of it, say): rlite sees a host with none, as on a cgroup v2 host.
	dm=$(awk '{ for (s = 7; $s != "-"; s++); t = $(s + 1) }
		t == "cgroup" { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == "devices") print $5 }' \
		/proc/self/mountinfo | sort -r)
	run timeout -k 5 "$RR_GUARD" unshare -m --propagation private sh -c \
		'for m in $1; do umount "$m" || exit 99; done; shift; exec "$@"' sh "$dm" \
		env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	cat "$CG_HOST/mknod" "$CG_HOST/cg"
	grep -q 'Operation not permitted' "$CG_HOST/mknod"
	grep -q zero-ok "$CG_HOST/zero"
	if [ -n "$dm" ]; then
		# in the root of the devices hierarchy, which allows everything:
		# only the program can have refused it
		grep -Eqx '[0-9]+:devices:/' "$CG_HOST/cg"
	fi
	cg_none_left
}

@test "cgroup: a value the kernel rejects names the field and the file, and nothing is left" {
	cg_need cpuset "$CG_CPUSET"
	# one past the last CPU this machine can ever have
	local cpu
	cpu=$(($(tr ',-' '\n' </sys/devices/system/cpu/possible | sort -n | tail -n 1) + 1))
	rr_jq '.linux.resources.cpu = {"cpus": $c}' --arg c "$cpu"
	rr_snapshot
	rr_run
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.resources.cpu.cpus: cgroup cpuset.cpus: write \"$cpu\": "* ]]
	rr_assert_nothing_left
	cg_none_left
}

@test "cgroup: update changes the limits of a running container" {
	cg_need memory "$CG_MEM"
	cg_need pids "$CG_PIDS"
	cg_need cpu "$CG_CPU"
	[ -n "$CG_CFS" ] || skip "no CFS bandwidth files here (CONFIG_CFS_BANDWIDTH)"
	local memf=memory.limit_in_bytes
	[ "$CG_MEM" = 1 ] || memf=memory.max
	rr_jq '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
	rr_sh 'exec sleep 60'
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
	rr_sh 'exec sleep 60'
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
