#!/usr/bin/env bats
# cgroups (issue 6) on this host as it is, with real busybox containers:
# placement on every hierarchy (v1, the cgroup2 mount of a hybrid host),
# linux.cgroupsPath in its forms, the record that lets `delete --force`
# clean up after a killed runtime, pause/resume, kill --all, ps, events,
# update, and linux.resources written to the kernel and enforced.
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
}

teardown_file() {
	rr_teardown_file
}

setup() {
	rr_setup
	rr_host_dir
	CG_HOST=$RR_HOST
	CG_EVENTS=
}

teardown() {
	if [ -n "${CG_EVENTS:-}" ]; then
		kill -9 "$CG_EVENTS" 2>/dev/null || true
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
	# parents made for absolute and systemd paths, named after the id too
	find /sys/fs/cgroup -depth -type d -name "*$RR_ID*" -exec rmdir {} + 2>/dev/null || true
	rmdir /sys/fs/cgroup/*/rltest.slice/rltest-sub.slice /sys/fs/cgroup/*/rltest.slice \
		2>/dev/null || true
}

cg_rlite() {
	"$RLITE_BIN" --root "$RR_STATE" "$@"
}

# cg_run_d [GLOBAL OPTIONS]: `rlite [GLOBALS] run -d`; fails the test on error.
cg_run_d() {
	local rc=0
	timeout -k 5 20 env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" "$@" run -d \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null >"$RR_DIR/d.out" 2>&1 || rc=$?
	cat "$RR_DIR/d.out"
	[ "$rc" -eq 0 ]
	CG_PID=$(cg_rlite state "$RR_ID" | jq -r .pid)
	[ "$CG_PID" -gt 0 ]
}

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

# cg_file CONTROLLER FILE: the container's FILE in that hierarchy.
cg_file() {
	echo "$(cg_mount_of "$1")$(cg_path_of "$CG_PID" "$1")/$2"
}

# Nothing named after the container is left in any hierarchy.
cg_none_left() {
	local left
	left=$(find /sys/fs/cgroup -type d -name "*$RR_ID*" 2>/dev/null || true)
	if [ -n "$left" ]; then
		echo "cgroups left behind: $left"
		return 1
	fi
}

cg_wait_file() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	echo "$1 never appeared"
	return 1
}

# ---- placement -----------------------------------------------------------------

@test "cgroup: the container is in its own cgroup on every hierarchy, the default path is its id" {
	rr_sh 'exec sleep 30'
	cg_run_d
	local line n=0 own ctrl
	# every mounted hierarchy: the v1 ones under /sys/fs/cgroup and cgroup2
	while IFS= read -r line; do
		ctrl=${line#*:}
		ctrl=${ctrl%%:*}
		ctrl=${ctrl%%,*}
		[ -n "$(cg_mount_of "${ctrl#name=}")" ] || [ -n "$(cg_mount_of "$ctrl")" ] || continue
		n=$((n + 1))
		[[ "$line" == */"$RR_ID" ]] || {
			echo "not in its cgroup: $line"
			return 1
		}
	done <"/proc/$CG_PID/cgroup"
	[ "$n" -eq "$(grep -c -e ' - cgroup ' -e ' - cgroup2 ' /proc/self/mountinfo)" ]
	# relative to our own cgroup, hierarchy by hierarchy (runc's default)
	own=$(cg_path_of $$ memory)
	[ "$(cg_path_of "$CG_PID" memory)" = "${own%/}/$RR_ID" ]
	grep -qx "$CG_PID" "$(cg_file pids cgroup.procs)"
	grep -qx "$CG_PID" "$(cg_file "" cgroup.procs)"

	cg_rlite delete --force "$RR_ID"
	cg_none_left
}

@test "cgroup: in a cgroup namespace the container sees its cgroup as the root" {
	rr_sh 'cat /proc/self/cgroup >/mnt/host/cg; ls /sys/fs/cgroup/pids >/mnt/host/ls'
	rr_run
	[ "$status" -eq 0 ]
	# every line ends in ":/" : the namespace is rooted at the container's cgroup
	! grep -v ':/$' "$CG_HOST/cg"
	grep -qx pids.max "$CG_HOST/ls"
	cg_none_left
}

@test "cgroup: an absolute cgroupsPath is used as it is, and the parents it made go with it" {
	rr_jq '.linux.cgroupsPath = $p' --arg p "/rlt-$RR_ID/inner/$RR_ID-c"
	rr_sh 'exec sleep 30'
	cg_run_d
	[ "$(cg_path_of "$CG_PID" memory)" = "/rlt-$RR_ID/inner/$RR_ID-c" ]
	[ "$(cg_path_of "$CG_PID" "")" = "/rlt-$RR_ID/inner/$RR_ID-c" ]
	cg_rlite delete --force "$RR_ID"
	[ ! -e "$(cg_mount_of memory)/rlt-$RR_ID" ]
	cg_none_left
}

@test "cgroup: --systemd-cgroup maps slice:prefix:name to the unit's path" {
	rr_jq '.linux.cgroupsPath = $p' --arg p "rltest-sub.slice:rltest:$RR_ID"
	rr_sh 'exec sleep 30'
	cg_run_d --systemd-cgroup
	[ "$(cg_path_of "$CG_PID" pids)" = "/rltest.slice/rltest-sub.slice/rltest-$RR_ID.scope" ]
	cg_rlite delete --force "$RR_ID"
	# the slices were made for it, and went with it
	[ ! -e "$(cg_mount_of pids)/rltest.slice" ]
	cg_none_left
}

@test "cgroup: --systemd-cgroup refuses a path that is not slice:prefix:name, leaving nothing" {
	rr_jq '.linux.cgroupsPath = "/plain/path"'
	rr_snapshot
	run timeout 20 "$RLITE_BIN" --systemd-cgroup --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *'linux.cgroupsPath: "/plain/path": expected "slice:prefix:name" for systemd cgroups'* ]]
	rr_assert_nothing_left
}

@test "cgroup: a cgroup that holds another container's processes is refused" {
	rr_jq '.linux.cgroupsPath = $p' --arg p "/rlt-$RR_ID-shared"
	rr_sh 'exec sleep 30'
	cg_run_d
	run "$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID-b"
	echo "$output"
	[ "$status" -eq 1 ]
	[[ "$output" == *"/rlt-$RR_ID-shared\": already in use by other processes: Device or resource busy"* ]]
	[ ! -e "$RR_STATE/$RR_ID-b" ]
	# the first one is untouched
	[ "$(cg_rlite state "$RR_ID" | jq -r .status)" = running ]
	grep -qx "$CG_PID" "$(cg_file memory cgroup.procs)"
}

@test "cgroup: --cgroup-manager disabled makes no cgroups" {
	rr_sh 'exec sleep 30'
	cg_run_d --cgroup-manager disabled
	[ ! -e "$RR_STATE/$RR_ID/cgroups" ]
	cg_none_left
	run "$RLITE_BIN" --cgroup-manager bogus list
	[ "$status" -eq 1 ]
	[[ "$output" == *'--cgroup-manager: must be cgroupfs, systemd or disabled, not "bogus"'* ]]
}

@test "cgroup: --cgroup-manager disabled refuses a limit it cannot apply" {
	rr_jq '.linux.resources = {"memory": {}, "pids": {"limit": 5}}'
	rr_sh 'exec sleep 30'
	rr_snapshot
	run timeout 20 "$RLITE_BIN" --cgroup-manager disabled --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID"
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
	rr_jq '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c", "touch " + $f + "; sleep 30"]}]' \
		--arg f "$RR_DIR/in-hook"
	env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create --bundle "$RR_BUNDLE" "$RR_ID" \
		</dev/null >/dev/null 2>&1 &
	local rl=$!
	cg_wait_file "$RR_DIR/in-hook"
	[ -n "$(find /sys/fs/cgroup -type d -name "$RR_ID")" ]
	kill -9 "$rl"
	wait "$rl" || true
	pkill -9 -f "touch $RR_DIR/in-hook" || true
	cg_rlite delete --force "$RR_ID"
	[ ! -e "$RR_STATE/$RR_ID" ]
	cg_none_left
	[ -z "$(rr_tagged_pids)" ]
}

# ---- pause, kill --all, ps -------------------------------------------------------

@test "cgroup: pause stops a counter, resume restarts it, state follows" {
	rr_sh 'i=0; while :; do i=$((i + 1)); echo $i >/mnt/host/n; sleep 0.05; done'
	cg_run_d
	cg_wait_file "$CG_HOST/n"
	cg_rlite pause "$RR_ID"
	[ "$(cg_rlite state "$RR_ID" | jq -r .status)" = paused ]
	[ "$(cg_rlite list --format json | jq -r '.[0].status')" = paused ]
	grep -qx FROZEN "$(cg_file freezer freezer.state)"
	local a b c
	a=$(cat "$CG_HOST/n")
	sleep 0.5
	b=$(cat "$CG_HOST/n")
	[ "$a" = "$b" ]
	run cg_rlite pause "$RR_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"is paused, not running"* ]]
	cg_rlite resume "$RR_ID"
	[ "$(cg_rlite state "$RR_ID" | jq -r .status)" = running ]
	sleep 0.5
	c=$(cat "$CG_HOST/n")
	[ "$c" -gt "$b" ]
	# delete --force of a paused container does not hang on the frozen init
	cg_rlite pause "$RR_ID"
	timeout 10 "$RLITE_BIN" --root "$RR_STATE" delete --force "$RR_ID"
	cg_none_left
}

# Without a pid namespace, a daemon that left the init (setsid, reparented
# to the host's init) is only found through the cgroup.
cg_daemon_workload() {
	rr_jq '.linux.namespaces |= map(select(.type != "pid"))'
	rr_sh 'setsid sh -c "sleep 1000 & echo \$! >/mnt/host/daemon" </dev/null >/dev/null 2>&1 &
		exec sleep 1000'
}

@test "cgroup: kill --all KILL kills a daemonized grandchild (cgroup.kill)" {
	cg_daemon_workload
	cg_run_d
	cg_wait_file "$CG_HOST/daemon"
	local d
	d=$(cat "$CG_HOST/daemon")
	kill -0 "$d"
	[ "$(awk '{ print $4 }' "/proc/$d/stat")" != "$CG_PID" ]
	cg_rlite kill --all "$RR_ID" KILL
	for _ in $(seq 100); do
		[ -e "/proc/$d" ] || break
		sleep 0.05
	done
	[ ! -e "/proc/$d" ] || awk '{ exit !($3 == "Z") }' "/proc/$d/stat"
	cg_rlite delete --force "$RR_ID"
	cg_none_left
}

@test "cgroup: kill --all after the init exited signals what is left, then says not running" {
	cg_daemon_workload
	cg_run_d
	cg_wait_file "$CG_HOST/daemon"
	local d procs
	d=$(cat "$CG_HOST/daemon")
	procs=$(cg_file pids cgroup.procs)
	# the init only: the daemon it left lives on in the cgroup
	cg_rlite kill "$RR_ID" KILL
	for _ in $(seq 100); do
		[ "$(cg_rlite state "$RR_ID" | jq -r .status)" = stopped ] && break
		sleep 0.05
	done
	[ "$(cg_rlite state "$RR_ID" | jq -r .status)" = stopped ]
	kill -0 "$d"
	# containerd's shim does this after the init exited (runc accepts it)
	run cg_rlite kill --all "$RR_ID" KILL
	echo "$output"
	[ "$status" -eq 0 ]
	for _ in $(seq 100); do
		[ -e "/proc/$d" ] && ! awk '{ exit !($3 == "Z") }' "/proc/$d/stat" || break
		sleep 0.05
	done
	! kill -0 "$d" 2>/dev/null || awk '{ exit !($3 == "Z") }' "/proc/$d/stat"
	for _ in $(seq 100); do
		[ -z "$(cat "$procs")" ] && break
		sleep 0.05
	done
	[ -z "$(cat "$procs")" ]
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
	cg_wait_file "$CG_HOST/daemon"
	local d
	d=$(cat "$CG_HOST/daemon")
	cg_rlite kill --all "$RR_ID" TERM
	for _ in $(seq 100); do
		[ -e "/proc/$d" ] && ! awk '{ exit !($3 == "Z") }' "/proc/$d/stat" || break
		sleep 0.05
	done
	! kill -0 "$d" 2>/dev/null || awk '{ exit !($3 == "Z") }' "/proc/$d/stat"
	# thawed again: nothing is left frozen
	grep -qx THAWED "$(cg_mount_of freezer)/$RR_ID/freezer.state" 2>/dev/null ||
		[ ! -e "$(cg_mount_of freezer)/$RR_ID" ]
}

@test "cgroup: ps lists the shim and the workload, as json and as a table" {
	rr_sh 'exec sleep 30'
	cg_run_d
	run cg_rlite ps --format json "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	local want
	want=$(sort -n "$(cg_file pids cgroup.procs)" | jq -sc .)
	[ "$output" = "$want" ]
	[ "$(jq length <<<"$output")" -eq 2 ]
	[ "$(jq '.[0]' <<<"$output")" -eq "$CG_PID" ]
	run cg_rlite ps "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *PID* ]]
	[ "${#lines[@]}" -eq 3 ]
	[[ "$output" == *"sleep 30"* ]]
	cg_rlite delete --force "$RR_ID"
	run cg_rlite ps --format json "$RR_ID"
	[ "$status" -eq 1 ]
	[[ "$output" == *"container does not exist"* ]]
}

# ---- resources ---------------------------------------------------------------------

@test "cgroup: linux.resources are written to the cgroup files and read back" {
	rr_jq '.linux.resources = {
		"memory": {"limit": 67108864, "reservation": 33554432, "swap": 134217728,
			   "swappiness": 10, "disableOOMKiller": false},
		"cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0", "mems": "0"},
		"pids": {"limit": 64},
		"blockIO": {"throttleReadBpsDevice": [{"major": 254, "minor": 0, "rate": 1048576}],
			    "throttleWriteIOPSDevice": [{"major": 254, "minor": 0, "rate": 100}]},
		"hugepageLimits": [{"pageSize": "2MB", "limit": 4194304}]}'
	rr_sh 'exec sleep 30'
	cg_run_d
	[ "$(cat "$(cg_file memory memory.limit_in_bytes)")" = 67108864 ]
	[ "$(cat "$(cg_file memory memory.soft_limit_in_bytes)")" = 33554432 ]
	[ "$(cat "$(cg_file memory memory.memsw.limit_in_bytes)")" = 134217728 ]
	[ "$(cat "$(cg_file memory memory.swappiness)")" = 10 ]
	[ "$(cat "$(cg_file cpu cpu.shares)")" = 512 ]
	[ "$(cat "$(cg_file cpu cpu.cfs_quota_us)")" = 50000 ]
	[ "$(cat "$(cg_file cpu cpu.cfs_period_us)")" = 100000 ]
	[ "$(cat "$(cg_file cpuset cpuset.cpus)")" = 0 ]
	[ "$(cat "$(cg_file pids pids.max)")" = 64 ]
	grep -qx '254:0 1048576' "$(cg_file blkio blkio.throttle.read_bps_device)"
	grep -qx '254:0 100' "$(cg_file blkio blkio.throttle.write_iops_device)"
	# hugetlb lives on the cgroup2 mount of this hybrid host
	[ "$(cat "$(cg_file "" hugetlb.2MB.max)")" = 4194304 ]
	cg_rlite delete --force "$RR_ID"
	cg_none_left
}

@test "cgroup: the other memory and cpu settings, and unified keys, read back" {
	rr_jq '.linux.resources = {
		"memory": {"limit": 67108864, "kernelTCP": 16777216, "disableOOMKiller": true,
			   "useHierarchy": true, "kernel": -1},
		"cpu": {"quota": 40000, "period": 100000, "burst": 10000, "mems": "0",
			"realtimePeriod": 1000000, "realtimeRuntime": 10000},
		"unified": {"hugetlb.2MB.max": "2097152"}}'
	rr_sh 'exec sleep 30'
	cg_run_d
	[ "$(cat "$(cg_file memory memory.kmem.tcp.limit_in_bytes)")" = 16777216 ]
	grep -qx 'oom_kill_disable 1' "$(cg_file memory memory.oom_control)"
	[ "$(cat "$(cg_file memory memory.use_hierarchy)")" = 1 ]
	[ "$(cat "$(cg_file cpu cpu.cfs_burst_us)")" = 10000 ]
	[ "$(cat "$(cg_file cpu cpu.rt_period_us)")" = 1000000 ]
	[ "$(cat "$(cg_file cpu cpu.rt_runtime_us)")" = 10000 ]
	[ "$(cat "$(cg_file cpuset cpuset.mems)")" = 0 ]
	[ "$(cat "$(cg_file "" hugetlb.2MB.max)")" = 2097152 ]
	cg_rlite delete --force "$RR_ID"
	rr_jq '.linux.resources = {"cpu": {"idle": 1}}'
	cg_run_d --log "$RR_DIR/log"
	[ "$(cat "$(cg_file cpu cpu.idle)")" = 1 ]
	cg_rlite delete --force "$RR_ID"
	cg_none_left
}

@test "cgroup: a memory.kernel limit is refused (obsolete), by run and by update" {
	# The kernel takes memory.kmem.limit_in_bytes and limits nothing.
	rr_jq '.linux.resources = {"memory": {"kernel": 1048576}}'
	rr_sh 'exec sleep 30'
	rr_snapshot
	run timeout 20 "$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID"
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

@test "cgroup: network classID and priorities on a net_cls,net_prio hierarchy" {
	# Not mounted on this host: mounted here in a private mount namespace,
	# which rlite then finds in its mount table like any other.
	rr_jq '.linux.resources.network = {"classID": 1048577, "priorities": [{"name": "lo", "priority": 7}]}'
	rr_sh 'exec sleep 30'
	mkdir -p "$RR_DIR/netcg"
	run timeout 30 unshare -m --propagation private sh -c '
		mount -t cgroup -o net_cls,net_prio rlite-test "$1" || exit 99
		env RR_TAG="$4" "$2" --root "$3" run -d --bundle "$5" "$4" || exit 98
		cat "$1/$4/net_cls.classid"; grep "^lo " "$1/$4/net_prio.ifpriomap"
		"$2" --root "$3" delete --force "$4"
		[ ! -e "$1/$4" ] && echo removed
		# The hierarchy goes away with its last mount only once no child
		# cgroup is left, dying ones included: until then, mount again.
		for i in 1 2 3 4 5; do
			umount "$1"
			for j in $(seq 40); do
				awk '"'"'$1 == "net_cls" && $2 != 0 { f = 1 } END { exit !f }'"'"' /proc/cgroups || exit 0
				sleep 0.05
			done
			mount -t cgroup -o net_cls,net_prio rlite-test "$1"
			sleep 0.5
		done
		echo "the net_cls,net_prio hierarchy stays"; exit 97' sh "$RR_DIR/netcg" "$RLITE_BIN" "$RR_STATE" "$RR_ID" "$RR_BUNDLE"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1048577 ]
	[ "${lines[1]}" = "lo 7" ]
	[ "${lines[2]}" = removed ]
	cg_none_left
}

@test "cgroup: blkio weight goes to BFQ's file, a device BFQ does not schedule fails by name" {
	# A kernel without BFQ (CONFIG_IOSCHED_BFQ unset, no module) offers
	# it to no device and has no blkio.bfq.* files at all.
	if ! grep -qw bfq /sys/block/*/queue/scheduler 2>/dev/null; then
		skip "this kernel has no BFQ I/O scheduler"
	fi
	rr_jq '.linux.resources.blockIO = {"weight": 500}'
	rr_sh 'exec sleep 30'
	cg_run_d
	# no CFQ on this kernel: blkio.weight is BFQ's blkio.bfq.weight
	[ "$(cat "$(cg_file blkio blkio.bfq.weight)")" = 500 ]
	cg_rlite delete --force "$RR_ID"
	rr_jq '.linux.resources.blockIO = {"weightDevice": [{"major": 254, "minor": 0, "weight": 300}]}'
	rr_snapshot
	rr_run
	[ "$status" -eq 1 ]
	if grep -qw '\[bfq\]' /sys/dev/block/254:0/queue/scheduler 2>/dev/null; then
		skip "254:0 is scheduled by BFQ here"
	fi
	[[ "$output" == *'cgroup blkio.bfq.weight_device: write "254:0 300": Operation not supported'* ]]
	rr_assert_nothing_left
	cg_none_left
}

@test "cgroup: a resource whose controller is missing fails naming the field" {
	rr_jq '.linux.resources.rdma = {"mlx5_0": {"hcaHandles": 2}}'
	rr_snapshot
	rr_run
	[ "$status" -eq 1 ]
	[[ "$output" == *'linux.resources.rdma'*'not available'* ]]
	rr_assert_nothing_left
	cg_none_left
}

@test "cgroup: a memory hog is OOM-killed (137) and events reports the oom" {
	rr_jq '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done
		exec dd if=/dev/zero of=/dev/null bs=128M count=1'
	cg_run_d
	cg_rlite events "$RR_ID" >"$RR_DIR/events" 2>&1 &
	CG_EVENTS=$!
	sleep 0.3
	touch "$CG_HOST/go"
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(cg_rlite state "$RR_ID" | jq -r .status)" = stopped ] && break
		sleep 0.05
	done
	wait "$CG_EVENTS" || true
	CG_EVENTS=
	cat "$RR_DIR/events"
	grep -q '"type":"oom"' "$RR_DIR/events"
	grep -q "\"id\":\"$RR_ID\"" "$RR_DIR/events"
	run cg_rlite logs "$RR_ID"
	[ "$(jq -r '.exit_status // empty' "$RR_STATE/$RR_ID/state.json" 2>/dev/null || true)" = 137 ] ||
		grep -q 137 <<<"$(cat "$RR_STATE/$RR_ID/state.json")"
}

@test "cgroup: the OOM kill gives exit status 137 to rlite run" {
	rr_jq '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
	rr_jq '.process.args = ["dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1"]'
	rr_run -137
	[ "$status" -eq 137 ]
	cg_none_left
}

@test "cgroup: a pids limit makes fork fail inside" {
	rr_jq '.linux.resources.pids = {"limit": 4}'
	rr_sh 'for i in 1 2 3 4 5 6; do sleep 5 & done 2>/mnt/host/err; kill $(jobs -p) 2>/dev/null'
	rr_run -2
	# busybox sh gives up (status 2) when fork fails
	[ "$status" -eq 2 ]
	cat "$CG_HOST/err"
	grep -qi "can't fork: Resource temporarily unavailable" "$CG_HOST/err"
}

@test "cgroup: pids.limit 0 is a limit of 0, not none (runtime-spec 1.3)" {
	# no shim: it would need a fork of its own to start the workload
	rr_jq '.linux.resources.pids = {"limit": 0} | .annotations["org.rlite.init"] = "false"'
	rr_sh 'read m </sys/fs/cgroup/pids/pids.max; echo "$m" >/mnt/host/max
	       sleep 5 & echo forked >/mnt/host/f'
	rr_run -2
	[ "$status" -eq 2 ]
	[ "$(cat "$CG_HOST/max")" = 0 ]
	[ ! -e "$CG_HOST/f" ]
}

@test "cgroup: device rules deny what they deny, the default devices stay usable" {
	rr_jq '.linux.resources.devices = [{"allow": false, "access": "rwm"}] | .root.readonly = false'
	rr_sh 'mknod /tmp/mem c 1 1; head -c 1 /tmp/mem >/dev/null 2>/mnt/host/mem || echo denied >>/mnt/host/mem
		head -c 1 /dev/zero >/dev/null && echo zero-ok >/mnt/host/zero
		cat /sys/fs/cgroup/devices/devices.list >/mnt/host/list 2>&1'
	rr_run
	[ "$status" -eq 0 ]
	cat "$CG_HOST/mem" "$CG_HOST/list"
	grep -q denied "$CG_HOST/mem"
	grep -q zero-ok "$CG_HOST/zero"
	! grep -qx 'a \*:\* rwm' "$CG_HOST/list"
	grep -qx 'c 1:5 rwm' "$CG_HOST/list"
}

@test "cgroup: without a v1 devices hierarchy the rules become an eBPF program on the cgroup2 directory" {
	rr_jq '.linux.resources.devices = [{"allow": false, "access": "rwm"}] | .root.readonly = false'
	rr_sh 'mknod /tmp/mem c 1 1; head -c 1 /tmp/mem >/dev/null 2>/mnt/host/mem || echo denied >>/mnt/host/mem
		head -c 1 /dev/zero >/dev/null && echo zero-ok >/mnt/host/zero
		grep devices /proc/self/cgroup >/mnt/host/cg || echo none >/mnt/host/cg'
	# The devices hierarchy unmounted in a private mount namespace: rlite
	# sees a host with no v1 devices controller, as on a cgroup v2 host.
	run timeout 30 unshare -m --propagation private sh -c \
		'umount /sys/fs/cgroup/devices && exec "$@"' sh \
		env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	cat "$CG_HOST/mem" "$CG_HOST/cg"
	# in the root of the devices hierarchy, which allows everything: only
	# the program can have denied it
	grep -qx '5:devices:/' "$CG_HOST/cg"
	grep -q denied "$CG_HOST/mem"
	grep -q zero-ok "$CG_HOST/zero"
	cg_none_left
}

@test "cgroup: a value the kernel rejects names the resource file, and nothing is left" {
	rr_jq '.linux.resources.cpu = {"cpus": "4095"}'
	rr_snapshot
	rr_run
	[ "$status" -eq 1 ]
	[[ "$output" == *'cgroup cpuset.cpus: write "4095": '* ]]
	rr_assert_nothing_left
	cg_none_left
}

@test "cgroup: update changes the limits of a running container" {
	rr_jq '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
	rr_sh 'exec sleep 30'
	cg_run_d
	[ "$(cat "$(cg_file memory memory.limit_in_bytes)")" = 67108864 ]
	cg_rlite update --memory 128m --pids-limit 20 --cpu-shares 256 "$RR_ID"
	[ "$(cat "$(cg_file memory memory.limit_in_bytes)")" = 134217728 ]
	[ "$(cat "$(cg_file pids pids.max)")" = 20 ]
	[ "$(cat "$(cg_file cpu cpu.shares)")" = 256 ]
	echo '{"memory": {"limit": 100663296}, "cpu": {"quota": 20000, "period": 100000}}' |
		cg_rlite update --resources - "$RR_ID"
	[ "$(cat "$(cg_file memory memory.limit_in_bytes)")" = 100663296 ]
	[ "$(cat "$(cg_file cpu cpu.cfs_quota_us)")" = 20000 ]
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
	rr_jq '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
	rr_sh 'exec sleep 30'
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
