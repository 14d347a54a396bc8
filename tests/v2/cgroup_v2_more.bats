#!/usr/bin/env bats
# More of rlite on a pure cgroup v2 machine, in the v2 lane's guest (see
# cgroup_v2.bats): the v2 rows of the README's cgroup table that the first
# file left out.  Each test asserts what the kernel's files of the
# container's cgroup say, or what the workload itself sees
# (/proc/self/status), or the kernel refusing a write and rlite naming the
# config field.

# jq filters and container scripts are in single quotes on purpose; the
# CG_* variables set here are cgroup_helpers'.
# shellcheck disable=SC2016,SC2034

load v2_helpers

setup_file() {
	rr_setup_file
}

teardown_file() {
	rr_teardown_file
}

setup() {
	v2_setup
	V2_IOCOST=
}

teardown() {
	cg_teardown
	# iocost, enabled on the guest's disk by the weightDevice test
	if [ -n "${V2_IOCOST:-}" ]; then
		echo "$V2_IOCOST enable=0" >"$CG/io.cost.qos" || true
	fi
}

# v2_ctrl NAME: the guest offers the controller to the tests' cgroups.
v2_ctrl() {
	grep -qw "$1" "$CG/lane/cgroup.subtree_control"
}

# v2_status FILE KEY: the value of "KEY:<tab>VALUE" in a /proc/PID/status
# the workload copied out.
v2_status() {
	awk -v k="$2:" '$1 == k { print $2; exit }' "$1"
}

# v2_update JSON: `rlite update --resources` of JSON, through bats' run.
v2_update() {
	printf '%s\n' "$1" >"$RR_DIR/res.json"
	run cg_rlite update --resources "$RR_DIR/res.json" "$RR_ID"
	echo "--- update $1 exited $status:"
	printf '%s\n' "$output"
}

# ---- memory ---------------------------------------------------------------------

@test "v2: memory checkBeforeUpdate: update below memory.current is refused, memory.max unchanged" {
	rr_jq '.linux.resources.memory = {"limit": 67108864}'
	# 16 MiB of tmpfs, charged to the container's cgroup while the file lives
	rr_sh 'dd if=/dev/zero of=/dev/shm/fill bs=1M count=16 2>/mnt/host/dd
		echo filled >/mnt/host/f; exec sleep 100000'
	cg_run_d
	rr_wait_for test -s "$CG_HOST/f"
	v2_is memory.max 67108864
	local cur
	cur=$(cat "$(v2_dir)/memory.current")
	echo "memory.current $cur"
	[ "$cur" -ge 16777216 ]
	v2_update '{"memory": {"limit": 8388608, "checkBeforeUpdate": true}}'
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux.resources.memory.checkBeforeUpdate: the new memory.limit 8388608 is below the current usage "* ]]
	v2_is memory.max 67108864
	[ "$(v2_key memory.events oom_kill)" = 0 ]
	kill -0 "$CG_PID"
	# above the usage: written
	v2_update '{"memory": {"limit": 50331648, "checkBeforeUpdate": true}}'
	[ "$status" -eq 0 ]
	v2_is memory.max 50331648
}

# ---- cpu, cpuset ----------------------------------------------------------------

@test "v2: cpu.max.burst is the kernel's, at run and after update" {
	[ -e "$CG/lane/bats/cpu.max.burst" ] || skip "no cpu.max.burst in this guest (Linux 5.14 or later)"
	rr_jq '.linux.resources.cpu = {"quota": 40000, "period": 100000, "burst": 10000}'
	rr_sh 'exec sleep 100000'
	cg_run_d
	v2_is cpu.max "40000 100000"
	v2_is cpu.max.burst 10000
	cg_rlite update --cpu-burst 30000 "$RR_ID"
	v2_is cpu.max.burst 30000
	v2_is cpu.max "40000 100000"
}

@test "v2: cpu.idle is the kernel's, at run and after update" {
	[ -e "$CG/lane/bats/cpu.idle" ] || skip "no cpu.idle in this guest (Linux 5.15 or later)"
	rr_jq '.linux.resources.cpu = {"idle": 1}'
	rr_sh 'exec sleep 100000'
	cg_run_d
	v2_is cpu.idle 1
	v2_update '{"cpu": {"idle": 0}}'
	[ "$status" -eq 0 ]
	v2_is cpu.idle 0
}

@test "v2: cpuset cpus and mems: the cgroup's files and the workload's own Cpus_allowed_list, Mems_allowed_list" {
	v2_ctrl cpuset || skip "no cpuset controller in this guest"
	[ "$(nproc --all)" -ge 2 ] || skip "one CPU in this guest"
	rr_jq '.linux.resources.cpu = {"cpus": "1", "mems": "0"}'
	rr_sh 'cat /proc/self/status >/mnt/host/before
		while [ ! -e /mnt/host/go ]; do sleep 0.05; done
		cat /proc/self/status >/mnt/host/after; exec sleep 100000'
	cg_run_d
	v2_is cpuset.cpus 1
	v2_is cpuset.mems 0
	v2_is cpuset.cpus.effective 1
	v2_is cpuset.mems.effective 0
	rr_wait_for test -s "$CG_HOST/before"
	[ "$(v2_status "$CG_HOST/before" Cpus_allowed_list)" = 1 ]
	[ "$(v2_status "$CG_HOST/before" Mems_allowed_list)" = 0 ]
	cg_rlite update --cpuset-cpus 0 "$RR_ID"
	v2_is cpuset.cpus 0
	v2_is cpuset.cpus.effective 0
	touch "$CG_HOST/go"
	rr_wait_for test -s "$CG_HOST/after"
	[ "$(v2_status "$CG_HOST/after" Cpus_allowed_list)" = 0 ]
	[ "$(v2_status "$CG_HOST/after" Mems_allowed_list)" = 0 ]
}

# ---- hugetlb, rdma --------------------------------------------------------------

@test "v2: hugepageLimits: hugetlb.<size>.max (and .rsvd.max) for a size the guest offers" {
	v2_ctrl hugetlb || skip "no hugetlb controller in this guest (CONFIG_CGROUP_HUGETLB)"
	local d kb size
	d=$(find /sys/kernel/mm/hugepages -mindepth 1 -maxdepth 1 -name 'hugepages-*kB' | sort -V | head -n 1)
	[ -n "$d" ] || skip "no huge page size in this guest (/sys/kernel/mm/hugepages)"
	kb=${d##*/hugepages-}
	kb=${kb%kB}
	# the kernel's names: 2048 kB is "2MB", 1048576 kB "1GB"
	if [ $((kb % 1048576)) -eq 0 ]; then
		size=$((kb / 1048576))GB
	elif [ $((kb % 1024)) -eq 0 ]; then
		size=$((kb / 1024))MB
	else
		size=${kb}KB
	fi
	rr_jq '.linux.resources.hugepageLimits = [{"pageSize": $s, "limit": $l}]' \
		--arg s "$size" --argjson l $((kb * 1024 * 4))
	rr_sh 'exec sleep 100000'
	cg_run_d
	v2_is "hugetlb.$size.max" $((kb * 1024 * 4))
	if [ -e "$(v2_dir)/hugetlb.$size.rsvd.max" ]; then
		v2_is "hugetlb.$size.rsvd.max" $((kb * 1024 * 4))
	fi
}

@test "v2: rdma: a limit for a device the guest lacks is refused by the kernel, naming the field" {
	v2_ctrl rdma || skip "no rdma controller in this guest (CONFIG_CGROUP_RDMA)"
	[ -z "$(ls /sys/class/infiniband 2>/dev/null)" ] || skip "the guest has an RDMA device"
	rr_jq '.linux.resources.rdma = {"rlnodev0": {"hcaHandles": 2, "hcaObjects": 10}}'
	cg_fails_with 'linux.resources.rdma."rlnodev0": cgroup rdma.max: write "rlnodev0 hca_handle=2 hca_object=10": '
}

# ---- io -------------------------------------------------------------------------

@test "v2: blockIO.weightDevice: io.weight \"MAJ:MIN W\" on the guest's disk, with iocost on it" {
	v2_disk
	[ -e "$CG/io.cost.qos" ] || skip "no io.cost.qos in this guest (CONFIG_BLK_CGROUP_IOCOST)"
	[ ! -e "$CG/lane/bats/io.bfq.weight" ] || skip "BFQ in this guest: io.bfq.weight, not io.weight"
	rr_jq '.linux.resources.blockIO = {"weightDevice": [{"major": $M, "minor": $m, "weight": 500}]}' \
		--argjson M "$V2_MAJ" --argjson m "$V2_MIN"
	rr_sh 'exec sleep 100000'
	cat "$CG/io.cost.qos"
	# a per-device io.weight is iocost's: on a disk iocost has never
	# controlled (a fresh guest: no line in io.cost.qos) the kernel refuses it
	run grep -q "^$V2_MAJ:$V2_MIN " "$CG/io.cost.qos"
	[ "$status" -eq 1 ]
	cg_fails_with "rlite: linux.resources.blockIO.weightDevice[0].weight: no BFQ, and iocost does not control device $V2_MAJ:$V2_MIN (the root cgroup's io.cost.qos): cgroup io.weight: write \"$V2_MAJ:$V2_MIN 4950\": Operation not supported"
	V2_IOCOST=$V2_MAJ:$V2_MIN
	echo "$V2_IOCOST enable=1" >"$CG/io.cost.qos"
	cat "$CG/io.cost.qos"
	cg_run_d
	cat "$(v2_dir)/io.weight"
	# the v1 weight 500 on io.weight's scale, 1 + 490 * 9999 / 990
	[ "$(v2_key io.weight "$V2_MAJ:$V2_MIN")" = 4950 ]
	[ "$(v2_key io.weight default)" = 100 ]
}

# ---- unified --------------------------------------------------------------------

@test "v2: unified: a key is written as is (over pids.limit), the workload sees it" {
	rr_jq '.linux.resources.pids = {"limit": 50} | .linux.resources.unified = {"pids.max": "7"}'
	rr_sh 'cat /sys/fs/cgroup/pids.max >/mnt/host/pids; exec sleep 100000'
	cg_run_d
	v2_is pids.max 7
	rr_wait_for test -s "$CG_HOST/pids"
	[ "$(cat "$CG_HOST/pids")" = 7 ]
}

@test "v2: unified: a key for a controller file that does not exist is refused, naming it" {
	rr_jq '.linux.resources.unified = {"pids.nosuchfile": "7"}'
	rr_sh 'true'
	cg_fails_with 'rlite: linux.resources.unified."pids.nosuchfile": this kernel has no pids.nosuchfile file'
}
