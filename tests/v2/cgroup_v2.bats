#!/usr/bin/env bats
# rlite on a pure cgroup v2 machine: run only inside the v2 lane's guest
# (tests/v2/vm boots it with cgroup_no_v1=all; tests/v2/guest mounts
# cgroup2 with every controller and runs this from /lane/bats).  Each test
# asserts what the kernel's own files say of the container's cgroup, or
# what the workload lives through: the OOM killer, a fork refused, a
# throttled read, a device refused by the eBPF program, a frozen counter.
# The cgroup files of tests/integration run in the same guest too.

# jq filters and container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load v2_helpers

setup_file() {
	rr_setup_file
}

teardown_file() {
	rr_teardown_file
}

setup() {
	v2_setup
}

teardown() {
	if [ -n "${V2_USER:-}" ]; then
		pkill -KILL -u "$V2_USER" 2>/dev/null || true
	fi
	cg_teardown
	if [ -n "${V2_USER:-}" ]; then
		userdel "$V2_USER" 2>/dev/null || true
		sed -i "/^$V2_USER:/d" /etc/subuid /etc/subgid
	fi
}

# ---- the machine ----------------------------------------------------------------

@test "v2: the guest is a pure cgroup v2 machine with every controller enabled" {
	grep -q ' - cgroup2 ' /proc/self/mountinfo
	[ -z "$(awk '{ for (s = 7; $s != "-"; s++); if ($(s + 1) == "cgroup") print }' \
		/proc/self/mountinfo)" ]
	grep -q 'cgroup_no_v1=all' /proc/cmdline
	local c
	for c in cpuset cpu io memory pids; do
		grep -qw "$c" "$CG/lane/cgroup.subtree_control"
	done
	[ "$(cat /proc/self/cgroup)" = "0::/lane/bats" ]
}

# ---- memory ---------------------------------------------------------------------

@test "v2: memory.max: a hog is OOM-killed, exit 137, events says oom, memory.events counts it" {
	rr_jq '.linux.resources.memory = {"limit": 33554432}'
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done
		exec dd if=/dev/zero of=/dev/null bs=64M count=1'
	cg_run_d
	local dir
	dir=$(v2_dir)
	v2_is memory.max 33554432
	[ "$(v2_key memory.events oom_kill)" = 0 ]
	cg_events_across_go
	[ "$(jq -rs 'map(select(.type == "oom")) | .[0].id' "$RR_DIR/events")" = "$RR_ID" ]
	rr_wait_for cg_status_is stopped
	rr_wait_for grep -q '"rlite.exitStatus": *137' "$RR_STATE/$RR_ID/state.json"
	# the kernel's count, in the cgroup rlite made (there until delete)
	[ "$(awk '$1 == "oom_kill" { print $2 }' "$dir/memory.events")" -ge 1 ]
	cg_rlite delete "$RR_ID"
	cg_none_left
}

@test "v2: rlite run of an OOM-killed workload exits 137" {
	rr_jq '.linux.resources.memory = {"limit": 16777216}'
	rr_jq '.process.args = ["dd", "if=/dev/zero", "of=/dev/null", "bs=64M", "count=1"]'
	rr_run -137
	[ "$status" -eq 137 ]
	cg_none_left
}

@test "v2: memory.low and memory.swap.max (swap minus limit) are the kernel's" {
	rr_jq '.linux.resources.memory = {"limit": 33554432, "reservation": 16777216, "swap": 50331648}'
	rr_sh 'exec sleep 100000'
	cg_run_d
	v2_is memory.max 33554432
	v2_is memory.low 16777216
	v2_is memory.swap.max 16777216
	# swap -1: unlimited
	echo '{"memory": {"limit": 33554432, "swap": -1}}' | cg_rlite update --resources - "$RR_ID"
	v2_is memory.swap.max max
}

# ---- cpu ------------------------------------------------------------------------

@test "v2: cpu.max and cpu.weight: a busy loop is throttled by the kernel" {
	rr_jq '.linux.resources.cpu = {"quota": 10000, "period": 100000, "shares": 1024}'
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done
		timeout 2 sh -c "while :; do :; done"; echo done >/mnt/host/done; exec sleep 100000'
	cg_run_d
	v2_is cpu.max "10000 100000"
	# runc's conversion: 1 + (1024 - 2) * 9999 / 262142
	v2_is cpu.weight 39
	local n0 u0 t0 n1 u1 t1
	n0=$(v2_key cpu.stat nr_throttled)
	u0=$(v2_key cpu.stat usage_usec)
	t0=$(date +%s%N)
	touch "$CG_HOST/go"
	rr_wait_for test -s "$CG_HOST/done"
	t1=$(date +%s%N)
	n1=$(v2_key cpu.stat nr_throttled)
	u1=$(v2_key cpu.stat usage_usec)
	cat "$(v2_dir)/cpu.stat"
	echo "throttled $n0 -> $n1, usage $u0 -> $u1 us in $(((t1 - t0) / 1000)) us"
	[ "$n1" -gt "$n0" ]
	# a 2 s busy loop held to 10 % of a CPU: under 15 % of the time it took
	[ $((u1 - u0)) -lt $(((t1 - t0) / 1000 * 15 / 100)) ]
}

# ---- pids -----------------------------------------------------------------------

@test "v2: pids.max: fork fails past the limit and pids.events counts it" {
	rr_jq '.linux.resources.pids = {"limit": 4}'
	# busy box sh exits when a fork fails: the loop in a subshell of its own
	rr_sh '(for i in 1 2 3 4 5 6; do sleep 100 & done) 2>/mnt/host/err; echo forked >/mnt/host/f
		exec sleep 100000'
	cg_run_d
	v2_is pids.max 4
	rr_wait_for test -e "$CG_HOST/f"
	cat "$CG_HOST/err"
	grep -qi "can't fork" "$CG_HOST/err"
	[ "$(v2_key pids.events max)" -ge 1 ]
	[ "$(cat "$(v2_dir)/pids.current")" -le 4 ]
}

# ---- io -------------------------------------------------------------------------

@test "v2: io.max on the guest's disk: reads are throttled, io.stat counts them; io.weight" {
	v2_disk
	rr_jq '.linux.resources.blockIO = {"weight": 500,
		"throttleReadBpsDevice": [{"major": $M, "minor": $m, "rate": 1048576}]}' \
		--argjson M "$V2_MAJ" --argjson m "$V2_MIN"
	rr_sh 'while [ ! -e /mnt/host/go ]; do sleep 0.05; done
		s=$(date +%s); dd if=/dev/vda of=/dev/null bs=1M count=6 iflag=direct 2>/mnt/host/dd
		echo $(($(date +%s) - s)) >/mnt/host/secs; exec sleep 100000'
	cg_run_d
	v2_is io.max "$V2_MAJ:$V2_MIN rbps=1048576 wbps=max riops=max wiops=max"
	# no BFQ here: the v1 weight 500 on io.weight's scale, 1 + 490 * 9999 / 990
	if [ -e "$(v2_dir)/io.bfq.weight" ]; then
		v2_is io.bfq.weight "default 500"
	else
		v2_is io.weight "default 4950"
	fi
	touch "$CG_HOST/go"
	rr_wait_for -t 60 test -s "$CG_HOST/secs"
	cat "$CG_HOST/dd" "$CG_HOST/secs" "$(v2_dir)/io.stat"
	# 6 MiB at 1 MiB/s: 5 s or more, less what the first slice lets through
	[ "$(cat "$CG_HOST/secs")" -ge 3 ]
	local rbytes
	rbytes=$(awk -v d="$V2_MAJ:$V2_MIN" '$1 == d { for (i = 2; i <= NF; i++)
		if ($i ~ /^rbytes=/) { sub(/rbytes=/, "", $i); print $i } }' "$(v2_dir)/io.stat")
	[ "$rbytes" -ge 6291456 ]
}

# ---- freezer, kill --------------------------------------------------------------

@test "v2: pause sets cgroup.freeze and the kernel reports frozen; resume thaws" {
	rr_sh 'i=0; while :; do i=$((i + 1)); echo $i >/mnt/host/n.new; mv /mnt/host/n.new /mnt/host/n
		sleep 0.05; done'
	cg_run_d
	rr_wait_for test -s "$CG_HOST/n"
	cg_rlite pause "$RR_ID"
	v2_is cgroup.freeze 1
	rr_wait_for grep -qx 'frozen 1' "$(v2_dir)/cgroup.events"
	local a b
	a=$(cat "$CG_HOST/n")
	sleep 1
	b=$(cat "$CG_HOST/n")
	[ "$a" = "$b" ]
	cg_rlite resume "$RR_ID"
	v2_is cgroup.freeze 0
	grep -qx 'frozen 0' "$(v2_dir)/cgroup.events"
	rr_wait_for test "$(cat "$CG_HOST/n")" -gt "$b"
}

# v2_daemon: a container runs (run -d) with a daemon that left its init
# (no pid namespace, setsid), which only the cgroup knows; its pid in
# V2_DAEMON.
v2_daemon() {
	rr_jq '.linux.namespaces |= map(select(.type != "pid"))'
	rr_sh 'setsid sh -c "sleep 1000 & echo \$! >/mnt/host/daemon" </dev/null >/dev/null 2>&1 &
		exec sleep 1000'
	cg_run_d
	rr_wait_for test -s "$CG_HOST/daemon"
	V2_DAEMON=$(cat "$CG_HOST/daemon")
}

@test "v2: kill --all empties the cgroup (cgroup.kill), a daemon included" {
	v2_daemon
	local dir
	dir=$(v2_dir)
	grep -qx "$V2_DAEMON" "$dir/cgroup.procs"
	cg_rlite kill --all "$RR_ID" KILL
	rr_wait_for grep -qx 'populated 0' "$dir/cgroup.events"
	rr_wait_for rr_gone "$V2_DAEMON"
	cg_rlite delete "$RR_ID"
	[ ! -d "$dir" ]
}

@test "v2: delete --force of a running container kills its daemon and removes the cgroup" {
	v2_daemon
	local dir
	dir=$(v2_dir)
	cg_rlite delete --force "$RR_ID"
	rr_gone "$V2_DAEMON"
	[ ! -d "$dir" ]
	cg_none_left
}

# ---- devices --------------------------------------------------------------------

@test "v2: devices: the eBPF program denies all but the defaults; an allow rule opens one, read only" {
	# the disk bound in, not in linux.devices (whose devices stay allowed)
	[ -b /dev/vda ] || skip "no /dev/vda in this guest"
	V2_MAJ=$(($(stat -c %t /dev/vda | sed 's/^/0x/')))
	V2_MIN=$(($(stat -c %T /dev/vda | sed 's/^/0x/')))
	rr_jq '.mounts += [{"destination": "/dev/vda", "type": "bind", "source": "/dev/vda",
			    "options": ["bind"]}]'
	rr_jq '.linux.resources.devices = [{"allow": false, "access": "rwm"}]'
	rr_sh 'head -c 512 /dev/vda >/dev/null 2>/mnt/host/vda || echo refused >>/mnt/host/vda
		echo x >/dev/null && echo null-ok >/mnt/host/null'
	rr_run
	[ "$status" -eq 0 ]
	cat "$CG_HOST/vda" "$CG_HOST/null"
	grep -q 'Operation not permitted' "$CG_HOST/vda"
	grep -q refused "$CG_HOST/vda"
	grep -q null-ok "$CG_HOST/null"
	# the same, with read access to the disk allowed after the deny
	rm -f "$CG_HOST"/*
	rr_jq '.linux.resources.devices += [{"allow": true, "type": "b", "major": $M, "minor": $m,
					      "access": "r"}]' --argjson M "$V2_MAJ" --argjson m "$V2_MIN"
	# (true, not the special builtin ":", whose failed redirection would end the shell)
	rr_sh 'head -c 512 /dev/vda | wc -c >/mnt/host/read
		true 2>/mnt/host/write >>/dev/vda || echo refused >>/mnt/host/write'
	rr_run
	[ "$status" -eq 0 ]
	cat "$CG_HOST/read" "$CG_HOST/write"
	[ "$(cat "$CG_HOST/read")" = 512 ]
	grep -q refused "$CG_HOST/write"
	grep -q 'Operation not permitted' "$CG_HOST/write" || [[ "$output" == *'Operation not permitted'* ]]
	cg_none_left
}

# ---- joining, namespace ---------------------------------------------------------

@test "v2: CLONE_INTO_CGROUP: the init is in its cgroup when createRuntime runs, clone3 put it there" {
	rr_jq '.hooks.createRuntime = [{"path": "/bin/sh", "args": ["sh", "-c",
		"pid=$(jq .pid); cat /proc/$pid/cgroup >" + $d + "/cg; cat /sys/fs/cgroup/lane/" + $id +
		"/cgroup.procs >" + $d + "/procs; echo $pid >" + $d + "/pid"]}]' \
		--arg d "$RR_DIR" --arg id "$RR_ID"
	rr_sh 'true'
	strace -f -qq -e trace=clone3 -o "$RR_DIR/strace" \
		env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID" \
		</dev/null
	cat "$RR_DIR/cg" "$RR_DIR/procs" "$RR_DIR/strace"
	[ "$(cat "$RR_DIR/cg")" = "0::/lane/$RR_ID" ]
	grep -qx "$(cat "$RR_DIR/pid")" "$RR_DIR/procs"
	# the container's first process came out of clone3 with CLONE_INTO_CGROUP
	grep -q 'clone3(.*CLONE_INTO_CGROUP' "$RR_DIR/strace"
	cg_none_left
}

@test "v2: in its cgroup namespace the container sees its own cgroup as the root of /sys/fs/cgroup" {
	rr_jq '.linux.resources = {"memory": {"limit": 33554432}, "pids": {"limit": 20}}'
	rr_sh 'cat /proc/self/cgroup >/mnt/host/cg; cat /sys/fs/cgroup/memory.max >/mnt/host/max
		cat /sys/fs/cgroup/pids.max >/mnt/host/pids'
	rr_run
	[ "$status" -eq 0 ]
	cat "$CG_HOST/cg" "$CG_HOST/max" "$CG_HOST/pids"
	[ "$(cat "$CG_HOST/cg")" = "0::/" ]
	[ "$(cat "$CG_HOST/max")" = 33554432 ]
	[ "$(cat "$CG_HOST/pids")" = 20 ]
}

@test "v2: a nested cgroupsPath is made with controllers on every level, and removed with its parents" {
	rr_jq '.linux.cgroupsPath = $p | .linux.resources.memory = {"limit": 33554432}' \
		--arg p "/rlt-$RR_ID/a/b/$RR_ID-c"
	rr_sh 'exec sleep 100000'
	cg_run_d
	[ "$(cat "/proc/$CG_PID/cgroup")" = "0::/rlt-$RR_ID/a/b/$RR_ID-c" ]
	grep -qw memory "$CG/rlt-$RR_ID/a/b/cgroup.subtree_control"
	v2_is memory.max 33554432
	cg_rlite delete --force "$RR_ID"
	[ ! -e "$CG/rlt-$RR_ID" ]
	# relative: below the parent of this shell's cgroup, /lane
	rr_jq '.linux.cgroupsPath = $p' --arg p "rlt-$RR_ID/x/$RR_ID-d"
	cg_run_d
	[ "$(cat "/proc/$CG_PID/cgroup")" = "0::/lane/rlt-$RR_ID/x/$RR_ID-d" ]
	v2_is memory.max 33554432
	cg_rlite delete --force "$RR_ID"
	[ ! -e "$CG/lane/rlt-$RR_ID" ]
	[ -d "$CG/lane/bats" ]
	cg_none_left
}

# ---- update, events, ps ---------------------------------------------------------

@test "v2: update writes memory.max, memory.swap.max, cpu.max, cpu.weight and pids.max" {
	rr_jq '.linux.resources = {"memory": {"limit": 33554432}, "pids": {"limit": 50}}'
	rr_sh 'exec sleep 100000'
	cg_run_d
	v2_is memory.max 33554432
	v2_is pids.max 50
	cg_rlite update --memory 24m --memory-swap 32m --pids-limit 20 --cpu-shares 512 \
		--cpu-quota 50000 --cpu-period 200000 "$RR_ID"
	v2_is memory.max 25165824
	v2_is memory.swap.max 8388608
	v2_is pids.max 20
	v2_is cpu.weight 20
	v2_is cpu.max "50000 200000"
}

@test "v2: events --stats figures are the kernel's (memory, pids, cpu)" {
	rr_jq '.linux.resources = {"memory": {"limit": 33554432}, "pids": {"limit": 50}}'
	rr_sh 'sleep 100000 & exec sleep 100000'
	cg_run_d
	run cg_rlite events --stats "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	local dir=$CG/lane/$RR_ID
	[ "$(jq -r .data.pids.current <<<"$output")" -eq "$(cat "$dir/pids.current")" ]
	[ "$(jq -r .data.pids.current <<<"$output")" -eq 3 ]
	[ "$(jq -r .data.pids.limit <<<"$output")" -eq 50 ]
	[ "$(jq -r .data.memory.usage.limit <<<"$output")" -eq 33554432 ]
	local u cur
	u=$(jq -r .data.memory.usage.usage <<<"$output")
	cur=$(cat "$dir/memory.current")
	# the same counter read a moment apart: within 1 MiB
	[ "$u" -gt 0 ]
	[ $((u > cur ? u - cur : cur - u)) -lt 1048576 ]
	# cpu: usage_usec in ns, no more than the kernel says now
	local t k
	t=$(jq -r .data.cpu.usage.total <<<"$output")
	k=$(awk '$1 == "usage_usec" { print $2 * 1000 }' "$dir/cpu.stat")
	[ "$t" -gt 0 ]
	[ "$t" -le "$k" ]
}

@test "v2: ps lists exactly the processes of the container's cgroup.procs" {
	rr_sh 'sleep 100000 & exec sleep 100000'
	cg_run_d
	run cg_rlite ps --format json "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$output" = "$(sort -n "$(v2_dir)/cgroup.procs" | jq -sc .)" ]
	[ "$(jq length <<<"$output")" -eq 3 ]
}

# ---- rootless -------------------------------------------------------------------

# v2_as ARGS...: rlite ARGS as the test's user, from its delegated cgroup
# (root moves the shell there first, as systemd starts a user's session in
# its user@.service).
v2_as() {
	timeout -k 5 "$RR_GUARD" sh -c 'echo $$ >"$1/cgroup.procs" && u=$2 && shift 2 &&
		exec runuser -u "$u" -- "$@"' sh "$V2_DELEG/$RR_ID-sh" "$V2_USER" \
		env XDG_RUNTIME_DIR="$V2_XDG" RR_TAG="$RR_ID" "$RR_BASE/bin/rlite" "$@" </dev/null
}

@test "v2: rootless in a delegated subtree: the user's container gets its cgroup and its limits" {
	rr_userns_reason | grep . && skip "$(rr_userns_reason)"
	V2_USER=rlv2u$$
	local sub=$((2000000000 + ($$ % 10000) * 65536))
	useradd -M -N -g nogroup -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$V2_USER"
	usermod --add-subuids "$sub-$((sub + 65535))" --add-subgids "$sub-$((sub + 65535))" "$V2_USER"
	mkdir -p "$RR_BASE/bin"
	install -m 0755 "$RLITE_BIN" "$RR_BASE/bin/rlite"
	# the delegation systemd makes for a user (Delegate=yes): the directory
	# and its cgroup.procs, cgroup.subtree_control and cgroup.threads are
	# the user's; its session runs in a leaf below it
	V2_DELEG=$CG/lane/deleg-$RR_ID
	mkdir -p "$V2_DELEG/$RR_ID-sh"
	chown "$V2_USER:" "$V2_DELEG" "$V2_DELEG"/cgroup.{procs,subtree_control,threads} \
		"$V2_DELEG/$RR_ID-sh" "$V2_DELEG/$RR_ID-sh"/cgroup.{procs,subtree_control,threads}
	V2_XDG=$RR_DIR/xdg
	RR_STATE=$V2_XDG/rlite
	mkdir -m 0700 "$V2_XDG"
	chown -R "$V2_USER:" "$RR_BUNDLE" "$V2_XDG"
	rm "$RR_BUNDLE/config.json"
	runuser -u "$V2_USER" -- "$RR_BASE/bin/rlite" spec --rootless --bundle "$RR_BUNDLE"
	rr_jq '.process.env += ["RR_TAG=" + $tag] | .root.readonly = false
		| .linux.resources = {"memory": {"limit": 33554432}, "pids": {"limit": 20}}
		| .process.args = ["sh", "-c", "cat /proc/self/cgroup >/tmp/cg; exec sleep 100000"]' \
		--arg tag "$RR_ID"
	v2_as run -d --bundle "$RR_BUNDLE" "$RR_ID"
	CG_PID=$(v2_as state "$RR_ID" | jq -r .pid)
	[ "$CG_PID" -gt 0 ]
	[ "$(cat "/proc/$CG_PID/cgroup")" = "0::/lane/deleg-$RR_ID/$RR_ID" ]
	[ "$(stat -c %U "$V2_DELEG/$RR_ID")" = "$V2_USER" ]
	v2_is memory.max 33554432
	v2_is pids.max 20
	grep -qw memory "$V2_DELEG/cgroup.subtree_control"
	# pause and kill --all through the user's own cgroup files
	v2_as pause "$RR_ID"
	rr_wait_for grep -qx 'frozen 1' "$V2_DELEG/$RR_ID/cgroup.events"
	v2_as resume "$RR_ID"
	v2_as kill --all "$RR_ID" KILL
	rr_wait_for grep -qx 'populated 0' "$V2_DELEG/$RR_ID/cgroup.events"
	v2_as delete --force "$RR_ID"
	[ ! -e "$V2_DELEG/$RR_ID" ]
}
