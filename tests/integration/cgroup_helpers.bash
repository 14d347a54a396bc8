# Helpers of the cgroup tests (cgroup.bats, cgroup_res.bats).  Load after
# run_helpers.
#
# Nothing in them assumes a layout or a kernel: cg_setup_file runs one
# probe container and records every file its cgroups hold (cg_probe); each
# test reads the version and the files it needs from that record and from
# the kernel's own files (/sys/block/*/queue/scheduler, /proc/cgroups,
# /sys/kernel/mm/hugepages, /proc/self/status), and a test whose feature
# this kernel lacks skips, saying which.
#
# Every test has its own --root, bundle and id (run_helpers.bash); the
# teardown deletes the container with --force, kills whatever carries the
# test's tag and removes every cgroup directory whose name holds the id
# (all the paths the tests use do), also after a failure.

# jq filters are in single quotes on purpose; the CG_* variables set here
# are the test files', status and output bats'.
# shellcheck disable=SC2016,SC2034,SC2154

cg_setup_file() {
	rr_setup_file
	cg_probe
}

cg_teardown_file() {
	cg_probe_remove
	rr_teardown_file
}

cg_setup() {
	rr_setup
	rr_host_dir
	CG_HOST=$RR_HOST
	CG_EVENTS=
	# slices for --systemd-cgroup: "a-b.slice" nests in "a.slice", so the
	# unique part has no dash
	CG_SLICE=rlt$$s$BATS_TEST_NUMBER
	cg_versions
}

cg_teardown() {
	if [ -n "${CG_EVENTS:-}" ]; then
		kill -9 "$CG_EVENTS" 2>/dev/null || true
	fi
	if [ -s "$RR_DIR/hook.pid" ]; then
		kill -9 "$(cat "$RR_DIR/hook.pid")" 2>/dev/null || true
	fi
	# A test that failed while its container was paused: frozen processes
	# do not die of SIGKILL until thawed.
	local f
	while read -r f; do
		echo THAWED >"$f" 2>/dev/null || true
	done < <(find /sys/fs/cgroup -path "*$RR_ID*" -name freezer.state 2>/dev/null)
	while read -r f; do
		echo 0 >"$f" 2>/dev/null || true
	done < <(find /sys/fs/cgroup -path "*$RR_ID*" -name cgroup.freeze 2>/dev/null)
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
	"$RR_TOOLS/busybox-rootfs" --cache "$RR_CACHE" "$b/rootfs"
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

# cg_is FILE VALUE: the container's FILE holds VALUE (its first line).
cg_is() {
	local got
	got=$(cg_read "$1" | head -n 1)
	[ "$got" = "$2" ] || {
		echo "$1: \"$got\", not \"$2\""
		return 1
	}
}

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

# cg_events_across_go: `rlite events` of the container from before its
# workload is let go (CG_HOST/go, which the workload waits for) until the
# container ends; what it printed is in RR_DIR/events (and shown).
cg_events_across_go() {
	"$RLITE_BIN" --root "$RR_STATE" events "$RR_ID" >"$RR_DIR/events" 2>&1 &
	CG_EVENTS=$!
	rr_wait_for cg_events_ready
	touch "$CG_HOST/go"
	rr_wait_for rr_gone "$CG_EVENTS"
	wait "$CG_EVENTS" || true
	CG_EVENTS=
	cat "$RR_DIR/events"
}

# `rlite events` (its pid in CG_EVENTS) is listening: it opened its timer,
# which it does once the OOM notification is set up.
cg_events_ready() {
	local fd
	for fd in "/proc/$CG_EVENTS/fd/"*; do
		[ "$(readlink "$fd" 2>/dev/null)" = 'anon_inode:[timerfd]' ] && return 0
	done
	return 1
}
