#!/usr/bin/env bats
# --systemd-cgroup with a real systemd, in the v2 lane's guest: the
# container's cgroup is a transient unit systemd started (Delegate=yes),
# with the limits systemd has properties for, and the unit goes with the
# container.
#
# The guest's init is not systemd, so setup_file starts one as a machine's
# init would be: pid 1 of a pid namespace, in a cgroup namespace rooted at
# /lane/sd with cgroup2 mounted afresh (its "/" is that cgroup), /run of its
# own, and only the units this file gives it and the transient ones
# (SYSTEMD_UNIT_PATH).  rlite,
# systemctl and every check run inside those namespaces (sd_in), from a
# cgroup of their own there, as a caller started by systemd would; pids
# and cgroup paths are those the namespaces show.

# jq filters and container scripts are in single quotes on purpose; the
# CG_* variables set here are cgroup_helpers'.
# shellcheck disable=SC2016,SC2034

load v2_helpers

SD_CG=/sys/fs/cgroup/lane/sd

# sd_in CMD...: CMD in systemd's pid, mount and cgroup namespaces, from
# the caller cgroup there.
sd_in() {
	(echo 0 >"$SD_CG/caller/cgroup.procs" &&
		exec nsenter -t "$SD_PID" -p -m -C -- "$@")
}

# sd_rlite ARGS...: rlite --systemd-cgroup with this test's state root.
sd_rlite() {
	sd_in "$RLITE_BIN" --systemd-cgroup --root "$SD_STATE" "$@"
}

sd_unit_gone() {
	[ "$(sd_prop "$1" LoadState)" = not-found ]
}

sd_running() {
	[ -n "$(sd_in systemctl show -P ActiveState rlite-v2.target 2>/dev/null | grep -x active)" ]
}

setup_file() {
	rr_setup_file
	[ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ] || return 0
	[ -x /lib/systemd/systemd ] || return 0
	local units=$BATS_FILE_TMPDIR/units
	mkdir -p "$units" "$SD_CG/caller"
	printf '[Unit]\nDescription=rlite v2 lane: systemd for --systemd-cgroup\n' \
		>"$units/rlite-v2.target"
	# The outer unshare stays in the caller cgroup; its child, pid 1 of
	# the new namespace, moves to /lane/sd and roots the cgroup namespace
	# there, mounts cgroup2 and /run afresh and becomes systemd.
	# shellcheck disable=SC2086
	echo 0 >"$SD_CG/caller/cgroup.procs"
	unshare --pid --fork --mount --mount-proc --propagation private -- sh -c '
		echo 0 >'"$SD_CG"'/cgroup.procs &&
		exec unshare --cgroup -- sh -c "
			umount -l /sys/fs/cgroup && mount -t cgroup2 cgroup2 /sys/fs/cgroup &&
			mount -t tmpfs -o mode=0755 run /run &&
			exec env container=rlite-v2 SYSTEMD_UNIT_PATH='"$units"':/run/systemd/transient \
				/lib/systemd/systemd --unit=rlite-v2.target \
				--log-target=console --log-level=info"' \
		</dev/null >"$BATS_FILE_TMPDIR/systemd.log" 2>&1 &
	echo "$!" >"$BATS_FILE_TMPDIR/unshare.pid"
	echo 0 >/sys/fs/cgroup/lane/bats/cgroup.procs
}

teardown_file() {
	local up sd
	if [ -s "$BATS_FILE_TMPDIR/unshare.pid" ]; then
		up=$(cat "$BATS_FILE_TMPDIR/unshare.pid")
		sd=$(pgrep -P "$up" | head -n 1)
		# pid 1 of the namespace: its death takes every process there
		[ -n "$sd" ] && kill -9 "$sd" 2>/dev/null
		kill -9 "$up" 2>/dev/null
		rr_wait_for -t 10 sd_gone "$up"
	fi
	[ -d "$SD_CG" ] && find "$SD_CG" -depth -type d -exec rmdir {} + 2>/dev/null
	rr_teardown_file
}

sd_gone() {
	! kill -0 "$1" 2>/dev/null
}

setup() {
	v2_setup
	[ -x /lib/systemd/systemd ] || skip "no systemd in this guest's /usr"
	local up
	up=$(cat "$BATS_FILE_TMPDIR/unshare.pid")
	SD_PID=$(pgrep -P "$up" | head -n 1)
	[ -n "$SD_PID" ] || {
		cat "$BATS_FILE_TMPDIR/systemd.log"
		false
	}
	rr_wait_for sd_running || {
		cat "$BATS_FILE_TMPDIR/systemd.log"
		false
	}
	SD_STATE=$RR_DIR/sdstate
	mkdir -p "$SD_STATE"
	rr_sh 'exec sleep 100000'
}

teardown() {
	local id
	if [ -n "${SD_STATE:-}" ] && [ -d "$SD_STATE" ]; then
		for id in $(sd_rlite list -q 2>/dev/null); do
			sd_rlite delete --force "$id" >/dev/null 2>&1 || true
		done
	fi
	cg_teardown
}

# sd_run_d [ID]: run -d under systemd; SD_INIT: the init's pid (in
# systemd's pid namespace).
sd_run_d() {
	local id=${1:-$RR_ID}
	sd_rlite run -d --bundle "$RR_BUNDLE" "$id" </dev/null
	SD_INIT=$(sd_rlite state "$id" | jq -r .pid)
	[ "$SD_INIT" -gt 0 ]
}

# sd_prop UNIT PROPERTY: systemd's value
sd_prop() {
	sd_in systemctl show -P "$2" "$1"
}

@test "v2 systemd: --systemd-cgroup puts the container in a transient scope systemd made, Delegate=yes" {
	local unit=rltv2-$RR_ID.scope cgpath
	rr_jq '.linux.cgroupsPath = $p' --arg p "rltv2-sub.slice:rltv2:$RR_ID"
	sd_run_d
	[ "$(sd_prop "$unit" ActiveState)" = active ]
	[ "$(sd_prop "$unit" Delegate)" = yes ]
	[ "$(sd_prop "$unit" Slice)" = rltv2-sub.slice ]
	cgpath=$(sd_prop "$unit" ControlGroup)
	echo "ControlGroup: $cgpath"
	# the path the slice names nest to, systemd's own
	[ "$cgpath" = "/rltv2.slice/rltv2-sub.slice/$unit" ]
	# the init is there, and nothing of rlite's: the scope holds the
	# container's processes only
	[ "$(sd_in cat "/proc/$SD_INIT/cgroup")" = "0::$cgpath" ]
	local procs pid
	procs=$(sd_in cat "/sys/fs/cgroup$cgpath/cgroup.procs")
	echo "in the scope: $procs"
	grep -qx "$SD_INIT" <<<"$procs"
	# every one of them in the container's pid namespace: no rlite
	local ns
	ns=$(sd_in readlink "/proc/$SD_INIT/ns/pid")
	for pid in $procs; do
		[ "$(sd_in readlink "/proc/$pid/ns/pid")" = "$ns" ] || {
			echo "not the container's: $pid: $(sd_in cat "/proc/$pid/cmdline" | tr '\0' ' ')"
			return 1
		}
	done
	# delete: the unit and its cgroup are gone
	sd_rlite delete --force "$RR_ID"
	# a scope whose processes are gone is collected by systemd soon after
	rr_wait_for sd_unit_gone "$unit"
	if sd_in test -e "/sys/fs/cgroup$cgpath"; then
		echo "$cgpath is left"
		return 1
	fi
}

@test "v2 systemd: without cgroupsPath the unit is system.slice's rlite-ID.scope; it goes when the workload ends" {
	local unit=rlite-$RR_ID.scope
	rr_sh 'cat /proc/self/cgroup; exit 3'
	run sd_rlite run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	echo "$output"
	[ "$status" -eq 3 ]
	# the container's own cgroup namespace: its root
	[[ "$output" == *"0::/"* ]]
	# run deletes the container when its process ends
	[ ! -e "$SD_STATE/$RR_ID" ]
	# a scope whose processes are gone is collected by systemd soon after
	rr_wait_for sd_unit_gone "$unit"
	if sd_in test -e "/sys/fs/cgroup/system.slice/$unit"; then
		echo "system.slice/$unit is left"
		return 1
	fi
}

@test "v2 systemd: the limits are unit properties too: a daemon-reload keeps them" {
	local unit=rlite-$RR_ID.scope dir
	rr_jq '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 50},
				   "cpu": {"quota": 50000, "period": 100000, "shares": 2048}}'
	sd_run_d
	[ "$(sd_prop "$unit" MemoryMax)" = 67108864 ]
	[ "$(sd_prop "$unit" TasksMax)" = 50 ]
	[ "$(sd_prop "$unit" CPUQuotaPerSecUSec)" = 500ms ]
	dir=/sys/fs/cgroup/system.slice/$unit
	sd_in systemctl daemon-reload
	[ "$(sd_prop "$unit" Delegate)" = yes ]
	# systemd wrote its properties back into the cgroup: the same limits
	[ "$(sd_in cat "$dir/memory.max")" = 67108864 ]
	[ "$(sd_in cat "$dir/pids.max")" = 50 ]
	[ "$(sd_in cat "$dir/cpu.max")" = "50000 100000" ]
	[ "$(sd_in cat "$dir/cpu.weight")" = "$(sd_prop "$unit" CPUWeight)" ]
}

@test "v2 systemd: a second container for the same unit is refused; the first container is untouched" {
	rr_jq '.linux.cgroupsPath = $p' --arg p "system.slice:rltv2:$RR_ID"
	sd_run_d
	run sd_rlite run -d --bundle "$RR_BUNDLE" "$RR_ID-b" </dev/null
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"rltv2-$RR_ID.scope"*"already"* ]]
	[ ! -e "$SD_STATE/$RR_ID-b" ]
	[ "$(sd_rlite state "$RR_ID" | jq -r .status)" = running ]
	[ "$(sd_prop "rltv2-$RR_ID.scope" ActiveState)" = active ]
	[ "$(sd_in cat "/proc/$SD_INIT/cgroup")" = "0::/system.slice/rltv2-$RR_ID.scope" ]
}

@test "v2 systemd: a unit of that name that systemd already has is refused, and is not stopped" {
	local unit=rltv2x$BATS_TEST_NUMBER.slice
	# a slice of somebody else's, from a unit file, active, its cgroup
	# empty
	printf '[Unit]\nDescription=a slice rlite did not make\n' >"$BATS_FILE_TMPDIR/units/$unit"
	sd_in systemctl daemon-reload
	sd_in systemctl start "$unit"
	[ "$(sd_prop "$unit" ActiveState)" = active ]
	rr_jq '.linux.cgroupsPath = $p' --arg p "system.slice:rltv2:$unit"
	run sd_rlite run -d --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	echo "$output"
	[ "$status" -ne 0 ]
	[[ "$output" == *"--systemd-cgroup: cannot start $unit: Unit $unit was already loaded"* ]]
	[ ! -e "$SD_STATE/$RR_ID" ]
	# still there: rlite stops only what systemd made for it
	[ "$(sd_prop "$unit" ActiveState)" = active ]
	sd_in systemctl stop "$unit"
}

@test "v2 systemd: update reaches the unit's properties too: a daemon-reload keeps the new limits" {
	local unit=rlite-$RR_ID.scope dir=/sys/fs/cgroup/system.slice/rlite-$RR_ID.scope
	rr_jq '.linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 50}}'
	sd_run_d
	sd_rlite update --memory 33554432 --pids-limit 20 --cpu-quota 25000 --cpu-period 100000 \
		"$RR_ID"
	[ "$(sd_prop "$unit" MemoryMax)" = 33554432 ]
	[ "$(sd_prop "$unit" TasksMax)" = 20 ]
	[ "$(sd_prop "$unit" CPUQuotaPerSecUSec)" = 250ms ]
	sd_in systemctl daemon-reload
	[ "$(sd_in cat "$dir/memory.max")" = 33554432 ]
	[ "$(sd_in cat "$dir/pids.max")" = 20 ]
	[ "$(sd_in cat "$dir/cpu.max")" = "25000 100000" ]
	# back to no limit: systemd's infinity
	sd_rlite update --memory -1 --pids-limit -1 "$RR_ID"
	[ "$(sd_prop "$unit" MemoryMax)" = infinity ]
	[ "$(sd_prop "$unit" TasksMax)" = infinity ]
	sd_in systemctl daemon-reload
	[ "$(sd_in cat "$dir/memory.max")" = max ]
	[ "$(sd_in cat "$dir/pids.max")" = max ]
}
