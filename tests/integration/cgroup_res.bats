#!/usr/bin/env bats
# linux.resources (issue 6) on this host as it is, with real busybox
# containers: written to the kernel's files on v1 or v2 and read back,
# enforced (OOM, pids, devices), and, where this kernel lacks a feature
# (BFQ, swap accounting, a huge page size, realtime group scheduling, a
# controller), refused with the config field and the reason, leaving
# nothing behind.  Each test decides from the kernel what it has
# (cgroup_helpers.bash) and skips what it cannot check here, saying why.

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

# ---- resources ---------------------------------------------------------------------

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
	rr_sh 'exec sleep 100000'
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
	rr_sh 'exec sleep 100000'
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
	rr_sh 'exec sleep 100000'
	cg_run_d
	cg_is memory.kmem.tcp.limit_in_bytes 16777216
}

@test "cgroup: a memory.kernel limit is refused (obsolete), by run and by update" {
	# The kernel takes memory.kmem.limit_in_bytes and limits nothing.
	rr_jq '.linux.resources = {"memory": {"kernel": 1048576}}'
	rr_sh 'exec sleep 100000'
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
	rr_sh 'exec sleep 100000'
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
	rr_sh 'exec sleep 100000'
	cg_run_d
	cg_is cpu.rt_period_us 1000000
	cg_is cpu.rt_runtime_us 10000
}

@test "cgroup: cpu.idle reads back" {
	cg_has cpu.idle || skip "no cpu.idle here (Linux 5.15 or later)"
	rr_jq '.linux.resources.cpu = {"idle": 1}'
	rr_sh 'exec sleep 100000'
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
	rr_sh 'exec sleep 100000'
	cg_run_d
	[ "$(head -n 1 "$(cg_file "" "$key")")" = "$value" ]
}

@test "cgroup: network classID and priorities on a net_cls,net_prio hierarchy" {
	awk '$1 == "net_cls" { c = 1 } $1 == "net_prio" { p = 1 } END { exit !(c && p) }' \
		/proc/cgroups || skip "no net_cls and net_prio controllers in this kernel (/proc/cgroups)"
	rr_jq '.linux.resources.network = {"classID": 1048577, "priorities": [{"name": "lo", "priority": 7}]}'
	rr_sh 'exec sleep 100000'
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
	# (cgroup_no_v1=all, or a list naming them: no v1 mount of them at all)
	if grep -Eq '(^| )cgroup_no_v1=([^ ]*,)?(all|net_cls|net_prio)(,| |$)' /proc/cmdline; then
		skip "v1 net_cls/net_prio are disabled on the kernel command line (cgroup_no_v1)"
	fi
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

@test "cgroup: blkio weight goes to BFQ's file" {
	cg_weight_scheduler || skip "no BFQ on this kernel (/sys/block/*/queue/scheduler)"
	cg_need blkio "$CG_IO"
	rr_jq '.linux.resources.blockIO = {"weight": 500}'
	rr_sh 'exec sleep 100000'
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

@test "cgroup: a memory hog is OOM-killed (137) and events reports the oom" {
	cg_oom_memory
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done
		exec dd if=/dev/zero of=/dev/null bs=128M count=1'
	cg_run_d
	cg_events_across_go
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
