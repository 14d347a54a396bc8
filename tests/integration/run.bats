#!/usr/bin/env bats
# rlite run: real containers from a busybox rootfs, checked from inside.
# Needs root.  Each test has its own bundle, --root and container id.

# jq filters and container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load run_helpers

RL_HELPERS=${RL_HELPERS:-$BATS_TEST_DIRNAME/../../build/tests/helpers}

setup_file() {
	rr_setup_file
}

teardown_file() {
	rr_teardown_file
}

setup() {
	rr_setup
}

teardown() {
	if [ -n "${RR_DIR:-}" ] && [ -s "$RR_DIR/recv.pid" ]; then
		kill -9 "$(cat "$RR_DIR/recv.pid")" 2>/dev/null || true
	fi
	rr_teardown
}

# The network devices of a new network namespace on this kernel, sorted:
# lo, and the fallback devices of the tunnel modules loaded (sit0, tunl0,
# gre0 ...: net.core.fb_tunnels_only_for_init_net), as the kernel lists
# them in /proc/net/dev.
run_fresh_netdevs() {
	unshare -n sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "' | sort
}

# run_tagged_sh: the host pid of the test's busybox sh (the workload).
run_tagged_sh() {
	local p
	for p in $(rr_tagged_pids); do
		if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sh ]; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# ---- namespaces -------------------------------------------------------------

@test "run: a new pid namespace shows only the container's processes" {
	rr_sh 'echo "me=$$ parent=$PPID"; ps -o pid,ppid,comm'
	rr_run
	[ "$status" -eq 0 ]
	# ps lists pid 1 (ppid 0: nothing above it in this namespace) and at
	# most one process more: the shell, a child of pid 1 when pid 1 is the
	# runtime's reaper.  No host process is visible.
	local me parent procs
	me=$(printf '%s\n' "$output" | sed -n 's/^me=\([0-9]*\) .*/\1/p')
	parent=$(printf '%s\n' "$output" | sed -n 's/.* parent=\([0-9]*\)$/\1/p')
	procs=$(printf '%s\n' "$output" | awk '$1 ~ /^[0-9]+$/ { print $1 ":" $2 }' | sort -n | tr '\n' ' ')
	echo "me=$me parent=$parent ps: $procs"
	if [ "$me" = 1 ]; then
		[ "$parent" = 0 ]
		[ "$procs" = "1:0 " ]
	else
		[ "$parent" = 1 ]
		[ "$procs" = "1:0 $me:1 " ]
	fi
}

@test "run: the hostname comes from the config, the host's is untouched" {
	local host_name
	host_name=$(hostname)
	rr_jq '.hostname = "rr-box"'
	rr_sh 'hostname; cat /proc/sys/kernel/hostname'
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "rr-box" ]
	[ "${lines[1]}" = "rr-box" ]
	[ "$(hostname)" = "$host_name" ]
}

@test "run: a new network namespace has only lo (and this kernel's fallback tunnels)" {
	rr_sh 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort; echo ---; ip -o link show lo'
	rr_run
	[ "$status" -eq 0 ]
	# none of the host's devices: what any new network namespace has here
	[ "$(printf '%s\n' "$output" | sed '/^---$/,$d')" = "$(run_fresh_netdevs)" ]
	printf '%s\n' "$output" | grep -qx lo
	printf '%s\n' "$output" | grep -q '^1: lo:'
}

@test "run: lo is up in a new network namespace, as runc and crun leave it" {
	rr_sh 'ip -o link show lo; ip -o -4 addr show lo'
	rr_run
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *"<LOOPBACK,UP,LOWER_UP>"* ]]
	[[ "${lines[1]}" == *"inet 127.0.0.1/8"* ]]
}

@test "run: joins a network namespace given by path" {
	RR_NETNS=rl-test-$$-$BATS_TEST_NUMBER
	ip netns add "$RR_NETNS"
	ip -n "$RR_NETNS" link add rr-join0 type bridge
	rr_jq '.linux.namespaces = [.linux.namespaces[] |
		if .type == "network" then .path = $p else . end]' --arg p "/var/run/netns/$RR_NETNS"
	rr_sh 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | sort'
	rr_run
	[ "$status" -eq 0 ]
	# that namespace's devices: a new one's, and the bridge made in it
	[ "$output" = "$( (run_fresh_netdevs; echo rr-join0) | sort)" ]
}

@test "run: a sysctl of the container's namespaces is set inside, the host's is untouched" {
	[ -e /proc/sys/kernel/shm_rmid_forced ] || skip "no System V IPC in this kernel (CONFIG_SYSVIPC)"
	rr_jq '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shm_rmid_forced": "1"}'
	rr_sh 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shm_rmid_forced'
	local fwd rmid
	fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	rmid=$(cat /proc/sys/kernel/shm_rmid_forced)
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 1 ]
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$fwd" ]
	[ "$(cat /proc/sys/kernel/shm_rmid_forced)" = "$rmid" ]
}

# The keys ask for the value the host has now: were one written, the host
# would still be as it was.
@test "run: a sysctl that is the host's setting is refused before anything runs" {
	local swappiness
	swappiness=$(cat /proc/sys/vm/swappiness)
	rr_jq '.linux.sysctl = {"vm.swappiness": $v}' --arg v "$swappiness"
	rr_sh 'echo ran'
	rr_run
	[ "$status" -eq 1 ]
	[[ "$output" == *'linux.sysctl: "vm.swappiness": not in a namespace of the container (it is the host'"'"'s setting)'* ]]
	[[ "$output" != *ran* ]]
	rr_jq '.linux.sysctl = {"net.//.vm.swappiness": $v}' --arg v "$swappiness"
	rr_run
	[ "$status" -eq 1 ]
	[[ "$output" == *'"net.//.vm.swappiness": not a sysctl name'* ]]
	rr_jq '.linux.sysctl = {"kernel.shm_rmid_forced": "0"} | .linux.namespaces |= map(select(.type != "ipc"))'
	rr_run
	[ "$status" -eq 1 ]
	[[ "$output" == *'"kernel.shm_rmid_forced": needs the container'"'"'s own ipc namespace'* ]]
	[ ! -e "$RR_STATE/$RR_ID" ]
	[ -z "$(rr_tagged_pids)" ]
}

@test "run: a net sysctl in the host's network namespace joined by path is refused" {
	local fwd
	fwd=$(cat /proc/sys/net/ipv4/ip_forward)
	rr_jq '.linux.sysctl = {"net.ipv4.ip_forward": $v} |
		.linux.namespaces = [.linux.namespaces[] |
			if .type == "network" then .path = "/proc/self/ns/net" else . end]' --arg v "$fwd"
	rr_sh 'echo ran'
	rr_run
	[ "$status" -eq 1 ]
	[[ "$output" == *'"net.ipv4.ip_forward": the network namespace joined is the host'"'"'s'* ]]
	[[ "$output" != *ran* ]]
	[ ! -e "$RR_STATE/$RR_ID" ]
	[ -z "$(rr_tagged_pids)" ]
}

@test "run: a user namespace maps container root to host uid 100000" {
	[ -e /proc/self/ns/user ] && [ "$(cat /proc/sys/user/max_user_namespaces)" -gt 0 ] ||
		skip "no user namespaces here (CONFIG_USER_NS, user.max_user_namespaces)"
	rr_jq '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	# the workload runs until the test has looked at it (and sends USR1)
	rr_sh 'trap "exit 0" USR1; cat /proc/self/uid_map /proc/self/gid_map; id -u; id -g
		while :; do sleep 0.05; done'
	rr_run_bg
	# from the host, the container's processes run as uid 100000
	local host_ids="" p
	# its four lines out: the trap is set
	rr_wait_for rr_has_lines "$RR_DIR/bg.out" 4 || true
	p=$(run_tagged_sh) || true
	host_ids=$(awk '$1 == "Uid:" || $1 == "Gid:" { printf "%s ", $2 }' "/proc/$p/status")
	"$RLITE_BIN" --root "$RR_STATE" kill "$RR_ID" USR1
	rr_wait_bg
	echo "host uid and gid of the container's sh: $host_ids"
	[ "$status" -eq 0 ]
	[ "$host_ids" = "100000 100000 " ]
	[ "$(echo "${lines[0]}" | tr -s ' ' | sed 's/^ //')" = "0 100000 65536" ]
	[ "$(echo "${lines[1]}" | tr -s ' ' | sed 's/^ //')" = "0 100000 65536" ]
	[ "${lines[2]}" = 0 ]
	[ "${lines[3]}" = 0 ]
}

@test "run: a time namespace shifts the boot clock by timeOffsets" {
	[ -e /proc/self/ns/time ] || skip "no time namespaces in this kernel (CONFIG_TIME_NS, Linux 5.6)"
	local before after
	rr_jq '.linux.namespaces += [{"type": "time"}]
		| .linux.timeOffsets = {"boottime": {"secs": 864000, "nanosecs": 0},
					"monotonic": {"secs": 864000, "nanosecs": 0}}'
	rr_sh 'cut -d" " -f1 /proc/uptime'
	before=$(cut -d' ' -f1 /proc/uptime)
	rr_run
	after=$(cut -d' ' -f1 /proc/uptime)
	[ "$status" -eq 0 ]
	# 10 days more than the host's uptime at the moment it was read, which
	# is between the readings before and after the run, however long that
	# took (uptime has two decimals: one hundredth either way)
	echo "uptime inside ${lines[0]}, host $before .. $after"
	awk -v in_="${lines[0]}" -v b="$before" -v a="$after" \
		'BEGIN { d = in_ - 864000; exit !(d >= b - 0.01 && d <= a + 0.01) }'
}

# ---- file system --------------------------------------------------------------

@test "run: the mount table has proc, /dev tmpfs, devpts, mqueue and sysfs ro" {
	rr_sh 'cat /proc/self/mounts'
	rr_run
	[ "$status" -eq 0 ]
	[[ "$(rr_mount_of /proc)" == "proc "* ]]
	[[ "$(rr_mount_of /dev)" == "tmpfs "* ]]
	[[ "$(rr_mount_of /dev/pts)" == "devpts "* ]]
	[[ "$(rr_mount_of /dev/shm)" == "tmpfs "* ]]
	[[ "$(rr_mount_of /dev/mqueue)" == "mqueue "* ]]
	[[ "$(rr_mount_of /sys)" == "sysfs ro,"* ]]
	[[ "$(rr_mount_of /)" == *" ro,"* ]]
	# nothing of the host's mounts beyond what the config asks for
	local extra
	extra=$(printf '%s\n' "$output" | awk 'NF == 6 { print $2 }' |
		grep -E '^/(home|boot|run|var|tmp|work|root)(/|$)' || true)
	echo "unexpected mounts: $extra"
	[ -z "$extra" ]
}

@test "run: a read-only root refuses writes" {
	rr_sh 'touch /x; echo "touch=$?"; mkdir -p /tmp/d; echo "mkdir=$?"'
	rr_run
	[ "$status" -eq 0 ]
	[[ "$output" == *"touch: /x: Read-only file system"* ]]
	[[ "$output" == *"touch=1"* ]]
	[[ "$output" == *"mkdir=1"* ]]
	[ ! -e "$RR_BUNDLE/rootfs/x" ]
}

@test "run: a writable root when root.readonly is false" {
	rr_jq '.root.readonly = false'
	rr_sh 'touch /x && echo written'
	rr_run
	[ "$status" -eq 0 ]
	[ "$output" = written ]
	[ -f "$RR_BUNDLE/rootfs/x" ]
}

@test "run: a read-only bind mount with a source relative to the bundle" {
	# config.md "Mounts": bind sources are absolute or relative to the bundle
	mkdir "$RR_BUNDLE/shared"
	echo "from the bundle" >"$RR_BUNDLE/shared/note"
	rr_jq '.mounts += [{"destination": "/mnt/shared", "type": "bind", "source": "shared",
			    "options": ["rbind", "ro"]}]'
	rr_sh 'cat /mnt/shared/note; touch /mnt/shared/new; echo "touch=$?"'
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "from the bundle" ]
	[[ "$output" == *"touch: /mnt/shared/new: Read-only file system"* ]]
	[[ "$output" == *"touch=1"* ]]
	[ ! -e "$RR_BUNDLE/shared/new" ]
}

@test "run: tmpcopyup: the tmpfs starts with the image's directory, links copied as links" {
	local d=$RR_BUNDLE/rootfs/data
	mkdir -p "$d/sub"
	echo secret-of-the-image >"$d/sub/b"
	printf 'a' >"$d/a"
	chown 1:2 "$d/a"
	chmod 0640 "$d/a"
	chmod 0711 "$d/sub"
	ln -s /etc/hostname "$d/l"
	mkfifo "$d/f"
	# in UTC, as the container (no /etc/localtime) shows it
	TZ=UTC0 touch -d '2001-02-03 04:05:06' "$d/a"
	rr_jq '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs",
			    "options": ["tmpcopyup", "nosuid", "mode=755"]}]'
	rr_sh 'grep " /data " /proc/self/mounts; ls -ln /data | sort -k9
		stat -c "%n %a %u:%g %y" /data/a /data/sub; readlink /data/l
		cat /data/sub/b; echo new >/data/new && echo written'
	rr_run
	[ "$status" -eq 0 ]
	[[ "$output" == *'tmpfs /data tmpfs rw,nosuid,'* ]]
	[[ "$output" == *'/data/a 640 1:2 2001-02-03 04:05:06'* ]]
	[[ "$output" == *'/data/sub 711 0:0 '* ]]
	[[ "$output" == *$'\n/etc/hostname\n'* ]]
	[[ "$output" == *'prw-r--r--'*' f'* ]]
	[[ "$output" == *secret-of-the-image* ]]
	[[ "$output" == *written* ]]
	# the copy was the tmpfs's: the image is as it was
	[ ! -e "$d/new" ]
	[ "$(readlink "$d/l")" = /etc/hostname ]
}

@test "run: tmpcopyup with ro: the content is there, the tmpfs refuses writes; not on a bind" {
	mkdir -p "$RR_BUNDLE/rootfs/data"
	echo kept >"$RR_BUNDLE/rootfs/data/k"
	rr_jq '.mounts += [{"destination": "/data", "type": "tmpfs", "source": "tmpfs",
			    "options": ["tmpcopyup", "ro"]}]'
	rr_sh 'cat /data/k; touch /data/x; echo "touch=$?"'
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = kept ]
	[[ "$output" == *'touch=1'* ]]
	rr_snapshot
	rr_jq '.mounts[-1] = {"destination": "/data", "type": "bind", "source": $s,
			      "options": ["bind", "tmpcopyup"]}' --arg s "$RR_BUNDLE"
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'mounts['*']: options: tmpcopyup: only a tmpfs mount can be copied up, not type "bind"'* ]]
	rr_assert_nothing_left
}

@test "run: masked paths show nothing" {
	# (/proc/kcore does not exist on every kernel; timer_list and keys do)
	rr_sh 'echo "kcore=$(cat /proc/kcore 2>/dev/null | wc -c)"
		echo "keys=$(cat /proc/keys 2>/dev/null | wc -c)"
		echo "timer_list=$(cat /proc/timer_list 2>/dev/null | wc -c)"
		echo "firmware=$(ls -A /sys/firmware 2>/dev/null | wc -l)"'
	rr_run
	[ "$status" -eq 0 ]
	[[ "$output" == *"kcore=0"* ]]
	[[ "$output" == *"keys=0"* ]]
	[[ "$output" == *"timer_list=0"* ]]
	[[ "$output" == *"firmware=0"* ]]
	# the same files are not empty on the host
	[ "$(head -c 100 /proc/timer_list | wc -c)" -gt 0 ]
}

@test "run: /proc/sys is read-only" {
	rr_sh 'echo rr-domain > /proc/sys/kernel/domainname; echo "write=$?"'
	rr_run
	[ "$status" -eq 0 ]
	[[ "$output" == *"Read-only file system"* ]]
	[[ "$output" == *"write=1"* ]]
}

# ---- process ------------------------------------------------------------------

@test "run: uid, gid and additional groups from process.user" {
	rr_jq '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20]}'
	rr_sh 'id -u; id -g; grep -E "^(Uid|Gid|Groups):" /proc/self/status'
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1000 ]
	[ "$(rr_line_of Uid | tr -s '\t ' ' ')" = "1000 1000 1000 1000" ]
	[ "$(rr_line_of Gid | tr -s '\t ' ' ')" = "1000 1000 1000 1000" ]
	[ "$(rr_line_of Groups | tr -s '\t ' ' ' | sed 's/ $//')" = "10 20" ]
}

@test "run: HOME from the image's /etc/passwd when process.env has none, as runc sets it" {
	rr_sh 'echo "HOME=$HOME"'
	local user want
	# root and nobody have entries (/root, /nonexistent), 1000 none: "/".
	for user in '0 /root' '65534 /nonexistent' '1000 /'; do
		want=${user#* }
		rr_jq '.process.user = {"uid": ($u | tonumber), "gid": ($u | tonumber)}' --arg u "${user% *}"
		rr_run
		[ "$status" -eq 0 ]
		[ "$output" = "HOME=$want" ]
	done
	# An empty HOME is replaced, one set is kept.
	rr_jq '.process.user = {"uid": 0, "gid": 0} | .process.env += ["HOME="]'
	rr_run
	[ "$output" = HOME=/root ]
	rr_jq '.process.env |= map(select(. != "HOME=")) + ["HOME=/x"]'
	rr_run
	[ "$output" = HOME=/x ]
}

@test "run: the default capabilities, exactly, and no_new_privs" {
	rr_sh 'grep -E "^(Cap|NoNewPrivs)" /proc/self/status'
	rr_run
	[ "$status" -eq 0 ]
	# CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29)
	[ "$(rr_line_of CapBnd)" = 0000000020000420 ]
	[ "$(rr_line_of CapEff)" = 0000000020000420 ]
	[ "$(rr_line_of CapPrm)" = 0000000020000420 ]
	[ "$(rr_line_of CapInh)" = 0000000000000000 ]
	[ "$(rr_line_of CapAmb)" = 0000000000000000 ]
	[ "$(rr_line_of NoNewPrivs)" = 1 ]
}

@test "run: rlimits from the config, soft and hard" {
	rr_jq '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1000, "hard": 1024}]'
	rr_sh 'ulimit -Sn; ulimit -Hn'
	rr_run
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1000 ]
	[ "${lines[1]}" = 1024 ]
}

@test "run: oom_score_adj from the config" {
	rr_jq '.process.oomScoreAdj = 500'
	rr_sh 'cat /proc/self/oom_score_adj'
	rr_run
	[ "$status" -eq 0 ]
	[ "$output" = 500 ]
}

@test "run: umask from process.user.umask" {
	rr_jq '.process.user.umask = 23'
	rr_sh 'umask'
	rr_run
	[ "$status" -eq 0 ]
	[ "$output" = 0027 ]
}

@test "run: a seccomp rule denies mkdir with the configured errno" {
	# no "architectures": the filter is for this machine's own, whatever it is
	rr_jq '.root.readonly = false
		| .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO",
				      "errnoRet": 38}]}'
	rr_sh 'mkdir /tmp/d; echo "mkdir=$?"; touch /tmp/f && echo touched; grep "^Seccomp:" /proc/self/status'
	rr_run
	[ "$status" -eq 0 ]
	[[ "$output" == *"mkdir: can't create directory '/tmp/d': Function not implemented"* ]]
	[[ "$output" == *"mkdir=1"* ]]
	[[ "$output" == *touched* ]]
	[ "$(rr_line_of Seccomp)" = 2 ]
	[ ! -e "$RR_BUNDLE/rootfs/tmp/d" ]
}

# ---- exit status ----------------------------------------------------------------

@test "run: only stdio and the --preserve-fds fds reach the process" {
	# ls lists its own fds: what it inherited plus the one it opens on
	# /proc/self/fd, which takes the lowest free number.
	rr_sh 'ls /proc/self/fd | sort -n | tr "\n" " "; echo; cat <&3'
	echo preserved >"$RR_DIR/fd3"
	run timeout -k 5 "$RR_GUARD" "$RLITE_BIN" --root "$RR_STATE" run --preserve-fds 1 \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null 3<"$RR_DIR/fd3" 4<"$RR_DIR/fd3" 9</dev/null
	rr_show
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 1 2 3 4 " ]
	[ "${lines[1]}" = "preserved" ]
	rr_sh 'ls /proc/self/fd | sort -n | tr "\n" " "'
	run timeout -k 5 "$RR_GUARD" "$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID" \
		</dev/null 3<"$RR_DIR/fd3" 4<"$RR_DIR/fd3" 9</dev/null
	rr_show
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "0 1 2 3 " ]
}

@test "run: exit status 0" {
	rr_jq '.process.args = ["true"]'
	rr_run
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
}

@test "run: exit status 42 is passed on" {
	rr_sh 'echo bye; exit 42'
	rr_run
	[ "$status" -eq 42 ]
	[ "$output" = bye ]
}

@test "run: a missing binary exits 127 and names it" {
	rr_jq '.process.args = ["/bin/no-such-program", "arg"]'
	rr_snapshot
	rr_run -127
	[ "$status" -eq 127 ]
	[[ "$output" == *"/bin/no-such-program"* ]]
	rr_assert_nothing_left
}

@test "run: a command not in PATH exits 127 and names it" {
	rr_jq '.process.args = ["no-such-command"]'
	rr_run -127
	[ "$status" -eq 127 ]
	[[ "$output" == *"no-such-command"* ]]
}

@test "run: a file that is not executable exits 126" {
	printf 'echo hi\n' >"$RR_BUNDLE/rootfs/not-exec"
	chmod 0644 "$RR_BUNDLE/rootfs/not-exec"
	rr_jq '.process.args = ["/not-exec"]'
	rr_run
	[ "$status" -eq 126 ]
	[[ "$output" == *"/not-exec"* ]]
}

@test "run: a container whose init is killed by SIGKILL exits 137" {
	rr_sh 'echo started; sleep 300; echo survived'
	rr_run_bg
	rr_wait_for grep -q started "$RR_DIR/bg.out"
	local pid
	pid=$("$RLITE_BIN" --root "$RR_STATE" state "$RR_ID" | jq -r .pid)
	[ "$pid" -gt 0 ]
	kill -KILL "$pid"
	rr_wait_bg
	[ "$status" -eq 137 ]
	[[ "$output" != *survived* ]]
}

# ---- bad bundles ----------------------------------------------------------------

@test "run: a missing rootfs is an error naming it, nothing left behind" {
	rm -rf "$RR_BUNDLE/rootfs"
	rr_snapshot
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *rootfs* ]]
	rr_assert_nothing_left
}

@test "run: a missing config.json is an error naming it, nothing left behind" {
	rm -f "$RR_BUNDLE/config.json"
	rr_snapshot
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *config.json* ]]
	rr_assert_nothing_left
}

@test "run: an invalid config.json is an error naming it, nothing left behind" {
	printf '{"ociVersion": "1.2.0", "process": ' >"$RR_BUNDLE/config.json"
	rr_snapshot
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *config.json* ]]
	rr_assert_nothing_left
}

@test "run: a config without process.args names the field" {
	rr_jq 'del(.process.args)'
	rr_snapshot
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *"process.args"* ]]
	rr_assert_nothing_left
}

@test "run: a mount on a symlink pointing out of the rootfs stays inside it" {
	RR_HOST_TARGET=$(mktemp -d /tmp/rr-host-target.XXXXXX)
	ln -s "/../../../..$RR_HOST_TARGET" "$RR_BUNDLE/rootfs/evil"
	rr_jq '.mounts += [{"destination": "/evil", "type": "tmpfs", "source": "tmpfs"}]'
	rr_sh 'touch /evil/planted; echo done'
	rr_snapshot
	rr_run
	# the run may succeed (the mount lands inside the rootfs) or fail;
	# the host's directory must stay as it was: empty, not a mount point
	echo "host target: $(ls -A "$RR_HOST_TARGET")"
	[ -z "$(ls -A "$RR_HOST_TARGET")" ]
	if mountpoint -q "$RR_HOST_TARGET"; then
		echo "$RR_HOST_TARGET: is a mount point"
		false
	fi
	rr_assert_nothing_left
}

@test "run: a linux.devices path escaping /dev is refused" {
	rr_jq '.linux.devices = [{"path": "/dev/../etc/evil", "type": "c", "major": 1, "minor": 3,
				  "fileMode": 438, "uid": 0, "gid": 0}]'
	rr_snapshot
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *"/dev/../etc/evil"* || "$output" == *"linux.devices"* ]]
	[ ! -e "$RR_BUNDLE/rootfs/etc/evil" ]
	rr_assert_nothing_left
}

# ---- rootfs-tools ---------------------------------------------------------------

@test "run: a rootfs from host-rootfs runs a dynamically linked host binary" {
	rm -rf "$RR_BUNDLE/rootfs"
	"$RR_TOOLS/host-rootfs" "$RR_BUNDLE/rootfs" /usr/bin/env
	[ ! -e "$RR_BUNDLE/rootfs/bin/busybox" ]
	rr_jq '.process.args = ["/usr/bin/env"] | .process.env = ["GREETING=from-host-rootfs"]'
	rr_run
	[ "$status" -eq 0 ]
	# HOME is root's home in the rootfs's /etc/passwd, added as runc does.
	[ "$output" = $'GREETING=from-host-rootfs\nHOME=/root' ]
}

# ---- compatibility --------------------------------------------------------------

@test "run: a config made by runc spec runs" {
	rm -f "$RR_BUNDLE/config.json"
	runc spec --bundle "$RR_BUNDLE"
	rr_jq '.process.terminal = false | .process.args = ["sh", "-c", "echo ok"]
		| .process.env += ["RR_TAG=" + $tag]' --arg tag "$RR_ID"
	rr_run
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

# ---- no mount namespace of its own ----------------------------------------------
# config-linux.md "Namespaces": a namespace left out is the caller's.  The
# container's mounts are then in the host's mount table, below the rootfs,
# until the container is deleted (runtime/hostmounts.h).

rr_no_mountns() {
	rr_jq '.linux.namespaces |= map(select(.type != "mount"))
	       | .linux.maskedPaths = [] | .linux.readonlyPaths = []'
}

# rr_host_mounts_below DIR: how many mounts the host's table has there.
rr_host_mounts_below() {
	rr_mounts_below "$1" | wc -l
}

@test "run: without a mount namespace the container shares the caller's, and leaves its table as it was" {
	rr_no_mountns
	rr_sh 'readlink /proc/self/ns/mnt; grep -c " / /proc " /proc/self/mountinfo; sleep 30'
	rr_snapshot
	rr_run_bg
	rr_wait_for test -s "$RR_DIR/bg.out"
	# its /proc, /dev ... are mounts of the host's table while it runs
	[ "$(rr_host_mounts_below "$RR_BUNDLE/rootfs")" -ge 4 ]
	"$RLITE_BIN" --root "$RR_STATE" kill "$RR_ID" KILL
	rr_wait_bg
	[ "${lines[0]}" = "$(readlink /proc/self/ns/mnt)" ]
	[ "${lines[1]}" = 1 ]
	rr_assert_nothing_left
}

@test "run: create, start and delete without a mount namespace: delete removes its mounts" {
	rr_no_mountns
	rr_sh 'exec sleep 100000'
	rr_snapshot
	# The container keeps create's stdio: a file, not bats' pipe.
	status=0
	timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null >"$RR_DIR/create.out" 2>&1 || status=$?
	cat "$RR_DIR/create.out"
	[ "$status" -eq 0 ]
	[ "$(rr_host_mounts_below "$RR_BUNDLE/rootfs")" -ge 4 ]
	"$RLITE_BIN" --root "$RR_STATE" start "$RR_ID"
	run "$RLITE_BIN" --root "$RR_STATE" delete --force "$RR_ID"
	echo "$output"
	[ "$status" -eq 0 ]
	rr_assert_nothing_left
}

@test "run: a failed create without a mount namespace unmounts what it had mounted" {
	rr_no_mountns
	# the last mount fails, after /proc, /dev and the rest are made
	rr_jq '.mounts += [{"destination": "/mnt/x", "type": "bind", "source": "/nonexistent",
			    "options": ["bind"]}]'
	rr_snapshot
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'/nonexistent'* ]]
	rr_assert_nothing_left
}

@test "run: maskedPaths or readonlyPaths without a mount namespace are refused, naming the field" {
	rr_jq '.linux.namespaces |= map(select(.type != "mount"))'
	rr_snapshot
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.maskedPaths: needs a mount namespace'* ]]
	rr_jq '.linux.maskedPaths = []'
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.readonlyPaths: needs a mount namespace'* ]]
	rr_assert_nothing_left
}

# ---- security labels: applied or refused, never ignored ---------------------------

@test "run: an AppArmor profile or SELinux label the host cannot apply is refused, naming it" {
	rr_sh 'echo ran'
	rr_snapshot
	if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
		rr_jq '.process.apparmorProfile = "docker-default"'
		rr_run
		[ "$status" -ne 0 ]
		[[ "$output" == *'config.json: process.apparmorProfile: "docker-default": AppArmor is not enabled on this host'* ]]
		[[ "$output" != *ran* ]]
	fi
	rr_jq '.process.apparmorProfile = "unconfined"'
	rr_run
	[ "$status" -eq 0 ]
	[ "$output" = ran ]
	if [ ! -e /sys/fs/selinux/enforce ]; then
		rr_jq '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
		rr_run
		[ "$status" -ne 0 ]
		[[ "$output" == *'config.json: process.selinuxLabel: "system_u:system_r:container_t:s0": SELinux is not enabled on this host'* ]]
		rr_jq 'del(.process.selinuxLabel)'
	fi
	rr_jq '.linux.mountLabel = "system_u:object_r:container_file_t:s0"'
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: linux.mountLabel: "system_u:object_r:container_file_t:s0": '* ]]
	rr_assert_nothing_left
}

# ---- linux.memoryPolicy ----------------------------------------------------------

@test "run: linux.memoryPolicy is the workload's NUMA policy" {
	[ -r /sys/devices/system/node/online ] || skip "this kernel has no NUMA (CONFIG_NUMA)"
	rr_sh 'grep -m1 " heap" /proc/self/numa_maps || grep -m1 " stack" /proc/self/numa_maps'
	rr_jq '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
	rr_run
	[ "$status" -eq 0 ]
	[[ "$output" == *' bind:0 '* ]]
	rr_jq '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
	rr_run
	[ "$status" -eq 0 ]
	[[ "$output" == *' interleave=static:0 '* ]]
	rr_jq '.linux.memoryPolicy = {"mode": "MPOL_LOCAL"}'
	rr_run
	[ "$status" -eq 0 ]
	[[ "$output" == *' local '* ]]
}

@test "run: a memoryPolicy the host or the kernel cannot apply is refused, naming the field" {
	rr_sh 'echo ran'
	rr_snapshot
	rr_jq '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "1000"}'
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'config.json: linux.memoryPolicy.nodes: "1000": this host has the nodes "'* ]]
	rr_jq '.linux.memoryPolicy = {"mode": "MPOL_BIND"}'
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.memoryPolicy.nodes: MPOL_BIND needs at least one node'* ]]
	rr_jq '.linux.memoryPolicy = {"mode": "MPOL_SOMETIMES", "nodes": "0"}'
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.memoryPolicy.mode: unknown mode "MPOL_SOMETIMES"'* ]]
	rr_jq '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_NUMA_BALANCING", "MPOL_F_NOPE"]}'
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.memoryPolicy.flags[1]: unknown flag "MPOL_F_NOPE"'* ]]
	rr_jq '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0-x"}'
	rr_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.memoryPolicy.nodes: "0-x": not a node list'* ]]
	[[ "$output" != *ran* ]]
	rr_assert_nothing_left
}

# ---- run --keep -------------------------------------------------------------------

@test "run --keep: the stopped container stays, with its exit status, until delete" {
	rr_sh 'echo out; exit 7'
	rr_jq '.linux.cgroupsPath = $p | .hooks.poststop = [{"path": "/bin/sh",
		"args": ["sh", "-c", "cat > \"$0\"", $f]}]' \
		--arg p "/rlite-keep-$RR_ID" --arg f "$RR_DIR/poststop.json"
	rr_snapshot
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" run --keep \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	[ "$status" -eq 7 ]
	[ "$output" = out ]
	run "$RLITE_BIN" --root "$RR_STATE" state "$RR_ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.status, .pid, ."rlite.exitStatus"' <<<"$output")" = $'stopped\n0\n7' ]
	run "$RLITE_BIN" --root "$RR_STATE" wait "$RR_ID"
	[ "$status" -eq 7 ]
	# its cgroups are still there, and the poststop hooks have not run
	[ -n "$(find /sys/fs/cgroup -maxdepth 2 -type d -name "rlite-keep-$RR_ID")" ]
	[ ! -e "$RR_DIR/poststop.json" ]
	run "$RLITE_BIN" --root "$RR_STATE" delete "$RR_ID"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status "$RR_DIR/poststop.json")" = stopped ]
	[ -z "$(find /sys/fs/cgroup -maxdepth 2 -type d -name "rlite-keep-$RR_ID")" ]
	rr_assert_nothing_left
	run "$RLITE_BIN" --root "$RR_STATE" run --keep --detach --bundle "$RR_BUNDLE" "$RR_ID"
	[ "$status" -ne 0 ]
	[[ "$output" == *'--keep: not with --detach'* ]]
	rr_assert_nothing_left
}

# ---- --pidfd-socket ----------------------------------------------------------------

# pidfd_recv NAME: a --pidfd-socket receiver on $RR_DIR/NAME.sock writing to
# $RR_DIR/NAME.out
pidfd_recv() {
	"$RL_HELPERS/console-recv" -P -o "$RR_DIR/$1.out" -p "$RR_DIR/recv.pid" -t "$RR_GUARD" \
		"$RR_DIR/$1.sock"
}

pidfd_wait_exited() {
	rr_wait_for grep -qx exited "$RR_DIR/$1.out" || {
		cat "$RR_DIR/$1.out"
		return 1
	}
}

@test "create, run and run -d --pidfd-socket: the caller gets a pidfd of the init" {
	[ -x "$RL_HELPERS/console-recv" ] || skip "console-recv helper not built"
	rr_sh 'read x; exit 0'
	pidfd_recv create
	# the created init holds create's stdout: not bats' `run`
	timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create \
		--pidfd-socket "$RR_DIR/create.sock" --bundle "$RR_BUNDLE" "$RR_ID" \
		</dev/null >"$RR_DIR/create.log" 2>&1
	pid=$("$RLITE_BIN" --root "$RR_STATE" state "$RR_ID" | jq .pid)
	# the receiver writes what it got in its own time
	rr_wait_for grep -q '^pid: ' "$RR_DIR/create.out"
	[ "$(sed -n 1,3p "$RR_DIR/create.out")" = $'payload: standard\nfds: 1\npid: '"$pid" ]
	"$RLITE_BIN" --root "$RR_STATE" start "$RR_ID"
	pidfd_wait_exited create
	"$RLITE_BIN" --root "$RR_STATE" delete "$RR_ID"

	rr_sh 'exit 0'
	pidfd_recv run
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" run \
		--pidfd-socket "$RR_DIR/run.sock" --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	[ "$status" -eq 0 ]
	pidfd_wait_exited run
	[ "$(sed -n 1p "$RR_DIR/run.out")" = 'payload: standard' ]

	rr_sh 'sleep 1000'
	pidfd_recv detach
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" run -d \
		--pidfd-socket "$RR_DIR/detach.sock" --pid-file "$RR_DIR/pid" \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	[ "$status" -eq 0 ]
	rr_wait_for grep -q '^pid: ' "$RR_DIR/detach.out"
	[ "$(sed -n 3p "$RR_DIR/detach.out")" = "pid: $(cat "$RR_DIR/pid")" ]
	"$RLITE_BIN" --root "$RR_STATE" kill "$RR_ID" KILL
	pidfd_wait_exited detach
}

@test "--pidfd-socket where nothing listens: refused, naming it, nothing left" {
	rr_sh 'echo ran'
	rr_snapshot
	run timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" run \
		--pidfd-socket "$RR_DIR/none.sock" --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	[ "$status" -ne 0 ]
	[[ "$output" == *"--pidfd-socket: connect to \"$RR_DIR/none.sock\""* ]]
	[[ "$output" != *ran* ]]
	rr_assert_nothing_left
}

# libmount (and the blkid, selinux and pcre2 it pulls in) is loaded when a
# command first needs it, not linked: run maps it once, in the process it
# re-executed into (not before the re-execution); commands that mount
# nothing never map it.
# glibc's gmtime_r and strftime read the zone file (TZ, else /etc/localtime)
# on their first call; rlite formats its UTC times by arithmetic.  A TZ that
# names a FIFO nobody writes would block the first such read for ever.
@test "run: no time zone is looked up (TZ naming a FIFO does not block it)" {
	local d0 d1 created
	rr_sh 'true'
	mkfifo "$RR_DIR/zone"
	d0=$(date -u +%Y-%m-%d)
	# create's stdio goes to the container: files, not bats' pipes
	env TZ=":$RR_DIR/zone" RR_TAG="$RR_ID" timeout -k 5 20 \
		"$RLITE_BIN" --root "$RR_STATE" --debug --log "$RR_DIR/log" create \
		--bundle "$RR_BUNDLE" "$RR_ID" </dev/null >"$RR_DIR/create.out" 2>&1
	run -0 env TZ=":$RR_DIR/zone" timeout -k 5 20 "$RLITE_BIN" --root "$RR_STATE" \
		--debug --log "$RR_DIR/log" start "$RR_ID"
	created=$(env TZ=":$RR_DIR/zone" timeout -k 5 20 "$RLITE_BIN" --root "$RR_STATE" \
		state "$RR_ID" | jq -r .created)
	run -0 env TZ=":$RR_DIR/zone" timeout -k 5 20 "$RLITE_BIN" --root "$RR_STATE" \
		delete --force "$RR_ID"
	d1=$(date -u +%Y-%m-%d)
	echo "created $created, today $d0 / $d1"
	[[ "$created" =~ ^($d0|$d1)T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{9}Z$ ]]
	# the debug log's times too
	grep -Eq "($d0|$d1)T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\.[0-9]{9}Z" "$RR_DIR/log"
}

@test "run: libmount is loaded once, after the re-execution; list and state never load it" {
	rr_sh 'true'
	run -0 --separate-stderr env LD_DEBUG=files RR_TAG="$RR_ID" timeout -k 5 "$RR_GUARD" \
		"$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID"
	grep 'file=libmount' <<<"$stderr" || true
	[ "$(grep -c 'file=libmount\.so\.1 .*dynamically loaded' <<<"$stderr")" = 1 ]
	! grep -q 'file=libmount.*needed by' <<<"$stderr"
	run -0 --separate-stderr env LD_DEBUG=files "$RLITE_BIN" --root "$RR_STATE" list
	! grep -q 'libmount' <<<"$stderr"
	run -1 --separate-stderr env LD_DEBUG=files "$RLITE_BIN" --root "$RR_STATE" state "$RR_ID"
	! grep -q 'libmount' <<<"$stderr"
	[[ "$stderr" == *"does not exist"* ]]
}
