# Helpers for run.bats: real containers from a busybox rootfs.  Load with
# `load run_helpers`.
#
# setup_file builds one busybox rootfs (rr_setup_file); every test gets its
# own directory with a bundle (a copy of that rootfs and the config from
# `rlite spec`), a state directory for --root and a unique container id
# (rr_setup).  rr_teardown removes all of it, also after a failure: the
# container if still known, every process carrying the test's tag, network
# namespaces the test added, mounts below its directory.
#
# Everything lives below a 0755 directory in /tmp (not below bats' 0700
# temporary directories) so that a container in a user namespace, whose root
# is an unprivileged host uid, can still reach its rootfs.
#
# The machine may be shared and loaded: other runs of these tests (other
# checkouts) go on at the same time.  So every name a test makes is unique
# to it (the id ends in a letter, so that no id is the start of another and
# a sweep of "*$RR_ID*" finds this test's things only), the mount table is
# compared only where this test can have changed it, and whatever a test
# waits for it polls with a generous deadline (rr_wait_for) instead of
# sleeping a guessed time: a slow machine makes a test slow, never red.

# jq filters and container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

bats_require_minimum_version 1.5.0

RLITE_BIN=${RLITE_BIN:-$BATS_TEST_DIRNAME/../../rlite}
RR_TOOLS=$BATS_TEST_DIRNAME/../../rootfs-tools

rr_setup_file() {
	if [ "$(id -u)" != 0 ]; then
		echo "run.bats needs root: it makes real containers" >&2
		return 1
	fi
	if [ ! -x "$RLITE_BIN" ]; then
		echo "$RLITE_BIN: not found (make first, or set RLITE_BIN)" >&2
		return 1
	fi
	RR_BASE=$(mktemp -d /tmp/rlite-run.XXXXXX)
	chmod 0755 "$RR_BASE"
	# The busybox rootfs each test copies: built once per file, or once
	# for every file where RR_ROOTFS_CACHE names a shared one (the v2
	# lane's guest, where building it costs minutes).
	RR_CACHE=${RR_ROOTFS_CACHE:-$RR_BASE/cache}
	export RR_BASE RR_CACHE
	"$RR_TOOLS/busybox-rootfs" --cache "$RR_CACHE" "$RR_BASE/rootfs"
}

rr_teardown_file() {
	[ -n "${RR_BASE:-}" ] && [ -d "$RR_BASE" ] || return 0
	rr_umount_below "$RR_BASE"
	rm -rf --one-file-system "$RR_BASE"
}

# Mount points at or below $1, deepest first.
rr_mounts_below() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r
}

rr_umount_below() {
	local m
	for m in $(rr_mounts_below "$1"); do
		umount -l "$m" 2>/dev/null || true
	done
}

rr_setup() {
	RR_DIR=$RR_BASE/t$BATS_TEST_NUMBER
	RR_BUNDLE=$RR_DIR/bundle
	RR_STATE=$RR_DIR/state
	RR_ID=t-$BATS_TEST_NUMBER-$$x
	RR_NETNS=
	RR_HOST_TARGET=
	mkdir -p "$RR_BUNDLE" "$RR_STATE"
	chmod 0755 "$RR_DIR" "$RR_BUNDLE"
	"$RR_TOOLS/busybox-rootfs" --cache "$RR_CACHE" "$RR_BUNDLE/rootfs"
	"$RLITE_BIN" spec --bundle "$RR_BUNDLE"
	# The tag finds the container's processes from the host at teardown.
	rr_jq '.process.env += ["RR_TAG=" + $tag]' --arg tag "$RR_ID"
}

# Kills every process whose environment holds this test's tag: the runtime
# and its pid-1 child got it from `env` in rr_run, the workload from
# process.env.
rr_kill_tagged() {
	local pid
	for pid in $(rr_tagged_pids); do
		[ "$pid" != "$$" ] && kill -9 "$pid" 2>/dev/null
	done
	return 0
}

rr_tagged_pids() {
	grep -lzx "RR_TAG=$RR_ID" /proc/[0-9]*/environ 2>/dev/null |
		sed -e 's|^/proc/||' -e 's|/environ$||'
}

rr_teardown() {
	[ -n "${RR_DIR:-}" ] || return 0
	if [ -d "$RR_STATE" ]; then
		timeout "$RR_DEADLINE" "$RLITE_BIN" --root "$RR_STATE" delete --force "$RR_ID" \
			>/dev/null 2>&1 || true
		# a test's other containers ($RR_ID-good, ...): their cgroups go
		# with them, not after a kill their processes may not have died of
		local id
		for id in $("$RLITE_BIN" --root "$RR_STATE" list -q 2>/dev/null); do
			timeout "$RR_DEADLINE" "$RLITE_BIN" --root "$RR_STATE" delete --force "$id" \
				>/dev/null 2>&1 || true
		done
	fi
	rr_kill_tagged
	# cgroups named after the container (cgroupsPath defaults to its id)
	find /sys/fs/cgroup -depth -type d -name "*$RR_ID*" -exec rmdir {} + 2>/dev/null || true
	if [ -n "$RR_NETNS" ]; then
		ip netns del "$RR_NETNS" 2>/dev/null || true
	fi
	rr_umount_below "$RR_DIR"
	rm -rf --one-file-system "$RR_DIR"
	if [ -n "$RR_HOST_TARGET" ] && [ -d "$RR_HOST_TARGET" ]; then
		umount -l "$RR_HOST_TARGET" 2>/dev/null || true
		rm -rf --one-file-system "$RR_HOST_TARGET"
	fi
}

# How long a test waits for something that must happen (seconds): long
# enough for a loaded machine; a correct run takes a fraction of it.
RR_DEADLINE=${RR_DEADLINE:-30}
# The guard on one `rlite run` (timeout(1)): a run that reaches it is stuck,
# not slow; it only keeps a hung run from hanging the whole suite.
RR_GUARD=${RR_GUARD:-60}

# rr_wait_for [-t SECONDS] COMMAND [ARGS...]: runs COMMAND until it
# succeeds, for at most SECONDS (RR_DEADLINE); fails saying what it waited
# for.  For a property that holds once something finished ("the process is
# gone", "the file has 2 lines"), not for a speed.
rr_wait_for() {
	local secs=$RR_DEADLINE
	if [ "$1" = -t ]; then
		secs=$2
		shift 2
	fi
	local deadline=$((EPOCHSECONDS + secs))
	until "$@"; do
		if [ "$EPOCHSECONDS" -ge "$deadline" ]; then
			echo "gave up after ${secs}s waiting for: $*"
			return 1
		fi
		sleep 0.05
	done
}

# rr_has_lines FILE N: FILE exists with at least N lines.
rr_has_lines() {
	[ -f "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]
}

# rr_run_d_in_session: `rlite run -d` of the test's container from a shell
# that script(1) gives a terminal and a session of its own, like a login;
# the shell stays until it is hung up (rr_hangup_session).  SIGHUP starts
# at its default (env), also under a caller that ignores it, as nohup does,
# which script and the shell would inherit.  RR_SCRIPT_PID: script; the
# shell's pid is in RR_DIR/sh.pid, run's output in d.out, its status in
# d.status (once it returned, or the deadline passed).
rr_run_d_in_session() {
	setsid env --default-signal=HUP script -qec "echo \$\$ >'$RR_DIR/sh.pid'; env RR_TAG='$RR_ID' \
		'$RLITE_BIN' --root '$RR_STATE' run -d --bundle '$RR_BUNDLE' '$RR_ID' \
		>'$RR_DIR/d.out' 2>&1; echo \$? >'$RR_DIR/d.status'; exec sleep 100000" /dev/null \
		</dev/null >/dev/null 2>&1 &
	# shellcheck disable=SC2034 # read by the tests
	RR_SCRIPT_PID=$!
	rr_wait_for test -s "$RR_DIR/d.status" || true
}

# rr_hangup_session SH_PID SCRIPT_PID: closing the terminal: the session's
# process group gets SIGHUP, and script (the terminal's other side) goes
# too.  Fails, within the deadline, when the hangup did not end them.
rr_hangup_session() {
	kill -HUP -- "-$1"
	kill -HUP "$2" 2>/dev/null || true
	if ! rr_wait_for rr_gone "$2"; then
		kill -KILL "$2" "$1" 2>/dev/null || true
		echo "the hangup did not end the session"
		return 1
	fi
	wait "$2" || true
}

# rr_gone PID: PID has exited (gone, or a zombie nobody reaped yet).
rr_gone() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}

# rr_no_tagged_pids: no process carries this test's tag any more.
rr_no_tagged_pids() {
	[ -z "$(rr_tagged_pids)" ]
}

# rr_raw_tty PID: the terminal on PID's stdin is in raw mode (-icanon), as
# the runtime sets the caller's terminal once it proxies a container's pty:
# keys typed before that would reach the runtime, not the container.
rr_raw_tty() {
	stty -F "/proc/$1/fd/0" -a 2>/dev/null | grep -qw -- -icanon
}

# rr_tagged_raw_tty: one of the test's processes has its terminal in raw
# mode: `rlite run` on a terminal, proxying (a container's own pty stays
# in canonical mode).
rr_tagged_raw_tty() {
	local p
	for p in $(rr_tagged_pids); do
		rr_raw_tty "$p" && return 0
	done
	return 1
}

# ---- what this kernel has, from its own files --------------------------------
# A test that needs a kernel feature asks here and skips, saying why, when
# the kernel lacks it: no test assumes a host feature.

# rr_kernel_at_least MAJOR MINOR: the running kernel is that version or later
# (/proc/sys/kernel/osrelease).
rr_kernel_at_least() {
	local major minor
	IFS=. read -r major minor _ </proc/sys/kernel/osrelease
	minor=${minor%%[!0-9]*}
	[ "$major" -gt "$1" ] || { [ "$major" -eq "$1" ] && [ "${minor:-0}" -ge "$2" ]; }
}

# rr_kernel_has CONFIG_X MODULE: the kernel has the feature, built in or as
# a module: /proc/config.gz when the kernel keeps its config, else its
# module lists (/sys/module, modules.builtin, modules.dep).
rr_kernel_has() {
	local rel
	if [ -r /proc/config.gz ]; then
		zgrep -qE "^$1=(y|m)\$" /proc/config.gz
		return
	fi
	rel=$(cat /proc/sys/kernel/osrelease)
	[ -d "/sys/module/$2" ] ||
		grep -qsE "(^|/)$2\.ko" "/lib/modules/$rel/modules.builtin" "/lib/modules/$rel/modules.dep"
}

# rr_userns_reason: why this kernel gives no user namespaces, or nothing.
rr_userns_reason() {
	if [ ! -e /proc/self/ns/user ] || [ "$(cat /proc/sys/user/max_user_namespaces)" -eq 0 ]; then
		echo "no user namespaces here (CONFIG_USER_NS, user.max_user_namespaces)"
	fi
}

# rr_idmap_reason DIR: why an idmapped mount of DIR cannot be made on this
# kernel, or nothing: mount_setattr(2) came with Linux 5.12, and the file
# system must allow idmapped mounts (tmpfs since 6.3).
rr_idmap_reason() {
	if ! rr_kernel_at_least 5 12; then
		echo "no idmapped mounts in this kernel (mount_setattr, Linux 5.12)"
	elif [ "$(stat -f -c %T "$1")" = tmpfs ] && ! rr_kernel_at_least 6 3; then
		echo "no idmapped mounts of tmpfs in this kernel (Linux 6.3)"
	fi
}

# rr_jq FILTER [JQ ARGS...]: edits the bundle's config.json in place.
rr_jq() {
	local filter=$1
	shift
	jq "$@" "$filter" "$RR_BUNDLE/config.json" >"$RR_BUNDLE/config.json.new"
	mv "$RR_BUNDLE/config.json.new" "$RR_BUNDLE/config.json"
}

# rr_all_caps: every capability this kernel knows that the bounding set we
# run with holds, in all of the container's sets.
rr_all_caps() {
	local names=(CHOWN DAC_OVERRIDE DAC_READ_SEARCH FOWNER FSETID KILL SETGID SETUID SETPCAP
		LINUX_IMMUTABLE NET_BIND_SERVICE NET_BROADCAST NET_ADMIN NET_RAW IPC_LOCK IPC_OWNER
		SYS_MODULE SYS_RAWIO SYS_CHROOT SYS_PTRACE SYS_PACCT SYS_ADMIN SYS_BOOT SYS_NICE
		SYS_RESOURCE SYS_TIME SYS_TTY_CONFIG MKNOD LEASE AUDIT_WRITE AUDIT_CONTROL SETFCAP
		MAC_OVERRIDE MAC_ADMIN SYSLOG WAKE_ALARM BLOCK_SUSPEND AUDIT_READ PERFMON BPF
		CHECKPOINT_RESTORE)
	local caps
	local bnd c
	# those in the bounding set we run with (here CAP_SYS_RESOURCE is not)
	bnd=$((16#$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)))
	caps=$(for c in "${!names[@]}"; do
		[ $(((bnd >> c) & 1)) = 1 ] && echo "CAP_${names[c]}"
	done | jq -R . | jq -s .)
	rr_jq '.process.capabilities = {bounding: $c, effective: $c, permitted: $c}' --argjson c "$caps"
}

# rr_host_dir: a host directory RR_HOST ($RR_DIR/host, writable by any
# uid) bind-mounted read-write on /mnt/host in the container, where the
# workload leaves what the test reads from the host.
rr_host_dir() {
	RR_HOST=$RR_DIR/host
	mkdir -p "$RR_HOST"
	chmod 0777 "$RR_HOST"
	rr_jq '.mounts += [{"destination": "/mnt/host", "type": "bind", "source": $s,
			    "options": ["rbind", "rw"]}]' --arg s "$RR_HOST"
}

# rr_sh SCRIPT: the container runs `sh -c SCRIPT`.
rr_sh() {
	rr_jq '.process.args = ["sh", "-c", $s]' --arg s "$1"
}

# rr_run [-N]: `rlite run` of the test's bundle in the foreground, through
# bats' `run` (status, output with stderr merged, lines); -N is run's check
# of the exit status (needed for 127).  What it did is printed, so a failing
# test shows the config's process and the container's output.
rr_run() {
	local rc=0
	run "$@" timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" \
		"$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null || rc=$?
	rr_show
	return "$rc"
}

rr_show() {
	echo "--- args: $(jq -c .process.args "$RR_BUNDLE/config.json" 2>/dev/null)"
	echo "--- rlite run exited $status; output:"
	printf '%s\n' "$output"
	echo "---"
}

# rr_line_of KEY: the value of "KEY:<tab>value" in $output (the format of
# /proc/self/status), e.g. rr_line_of CapEff.
rr_line_of() {
	printf '%s\n' "$output" | awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }'
}

# rr_mount_of DIR: "TYPE OPTIONS" of the mount on DIR in $output, which holds
# /proc/self/mounts as the container saw it (the last mount on DIR wins).
rr_mount_of() {
	printf '%s\n' "$output" | awk -v d="$1" 'NF == 6 && $2 == d { r = $3 " " $4 } END { print r }'
}

# The host's mount table as far as this test can change it: all of it but
# the scratch and state areas where others on a shared machine mount and
# unmount meanwhile (/tmp, /var/tmp, /run, /var/lib: other test runs'
# directories, a second checkout's suites, named network namespaces,
# container engines), except this file's own directory, where a leaked
# container mount would show.
rr_mount_table() {
	awk -v mine="$RR_BASE" '$5 == mine || index($5, mine "/") == 1 { print; next }
		$5 ~ "^/(tmp|var/tmp|run|var/lib)/" { next }
		{ print }' /proc/self/mountinfo
}

# The host's mount table and the test's leftovers, before and after a run
# that must leave nothing behind.
rr_snapshot() {
	rr_mount_table >"$RR_DIR/mountinfo.before"
}

rr_assert_nothing_left() {
	local pids
	rr_mount_table >"$RR_DIR/mountinfo.after"
	if ! diff -u "$RR_DIR/mountinfo.before" "$RR_DIR/mountinfo.after"; then
		echo "the host's mount table changed (above)"
		return 1
	fi
	pids=$(rr_tagged_pids)
	if [ -n "$pids" ]; then
		echo "processes left behind:"
		local p
		for p in $pids; do
			printf '%s: %s\n' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null)"
		done
		return 1
	fi
	if [ -e "$RR_STATE/$RR_ID" ]; then
		echo "state left behind: $RR_STATE/$RR_ID"
		ls -la "$RR_STATE/$RR_ID"
		return 1
	fi
}

# rr_run_bg, then rr_wait_bg: rr_run with the container in the background
# in between, for tests that look at it from the host while it runs.
rr_run_bg() {
	(
		# bats runs tests under set -e: keep a non-zero exit from ending
		# the subshell before it records the status.
		rc=0
		timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" \
			"$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID" \
			</dev/null >"$RR_DIR/bg.out" 2>&1 || rc=$?
		echo "$rc" >"$RR_DIR/bg.status"
	) &
	RR_BG_PID=$!
}

rr_wait_bg() {
	wait "$RR_BG_PID" || true
	status=$(cat "$RR_DIR/bg.status")
	output=$(cat "$RR_DIR/bg.out")
	# shellcheck disable=SC2034 # lines is bats' variable, read by the tests
	mapfile -t lines <<<"$output"
	rr_show
}
