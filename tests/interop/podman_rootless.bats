#!/usr/bin/env bats
# Rootless podman on the runtime under test: an unprivileged user runs
# podman (Debian's, with conmon) with --runtime pointing at rlite, as a
# user of this machine would.  The suite runs as root, so setup_file makes
# that user (rootless_helpers.bash: its own /etc/subuid and /etc/subgid
# range, removed again in teardown_file, also after a failure) and gives
# it a podman of its own below IO_BASE, as podman_helpers.bash does for
# root: vfs storage, run root, tmpdir, containers.conf & co., the busybox
# image imported; HOME and XDG_RUNTIME_DIR are there too.  podman makes
# its user namespace with newuidmap/newgidmap (the user as 0, its
# subordinate ids from 1) and keeps it in its pause process (catatonit
# -P); conmon runs the runtime in it, as root of that namespace.
#
# The runtime is the wrapper podman_helpers.bash writes (every call
# recorded, --log and --log-format json added), around a copy of the
# runtime the user can reach (the checkout may not be traversable), and
# without --root: rootless podman passes none, so the runtime keeps its
# containers in its rootless default, $XDG_RUNTIME_DIR/rlite (runc:
# .../runc), which the tests check is empty once a container is gone.
#
# Networking: rootless podman's default is slirp4netns, which opens
# /dev/net/tun as the user.  Where the user cannot (this project's test
# machine: the node is devtmpfs' 0600 root:root, no udev runs to make it
# 0666), the slirp4netns test is skipped saying so, and every other test
# uses --network host, which needs no device.
#
# INTEROP_RUNTIME=runc runs the same against runc.

# Container scripts are in single quotes on purpose; stderr is bats' (run).
# shellcheck disable=SC2016,SC2154

load podman_helpers
load ../integration/rootless_helpers

setup_file() {
	io_setup_file podman conmon
	# Why this host cannot run rootless podman (each test skips with it).
	PL_WHY=$(rl_unpriv_userns_reason)
	[ -n "$PL_WHY" ] || PL_WHY=$(rl_idmap_tools_reason | head -n 1)
	export PL_WHY
	[ -z "$PL_WHY" ] || return 0
	rl_user_add rlpodless
	PM_DIR=$IO_BASE/podman
	PM_LOG=$PM_DIR/runtime.log
	PM_CALLS=$PM_DIR/runtime.calls
	PM_RUNTIME=$PM_DIR/bin/$INTEROP_RUNTIME
	PM_RUNTIME_CMD=$PM_DIR/bin/$INTEROP_RUNTIME.bin
	PL_HOME=$PM_DIR/home
	PL_XDG=$PM_DIR/xdg
	# The runtime's rootless state root (runc's too: XDG_RUNTIME_DIR/runc).
	PL_STATE=$PL_XDG/$INTEROP_RUNTIME
	mkdir -p "$PM_DIR/bin" "$PM_DIR/tmp" "$PM_DIR/copytmp" "$PM_DIR/net" "$PL_HOME" "$PL_XDG"
	install -m 0755 "$IO_RUNTIME_BIN" "$PM_RUNTIME_CMD"
	pm_write_runtime
	chmod 0755 "$PM_RUNTIME"
	: >"$PM_LOG"
	: >"$PM_CALLS"
	pm_write_conf
	chown -R "$RL_USER:" "$PM_DIR"
	chown root: "$PM_DIR/bin" "$PM_RUNTIME" "$PM_RUNTIME_CMD"
	chmod 0700 "$PL_XDG"
	export PM_DIR PM_LOG PM_CALLS PM_RUNTIME PL_HOME PL_XDG PL_STATE
	tar -C "$IO_BASE/rootfs" -c . | pl import -q - "$PM_IMAGE" >/dev/null
}

teardown_file() {
	if [ -n "${RL_USER:-}" ] && [ -d "${PM_DIR:-}/root" ]; then
		pl rm -af -t 0 >/dev/null 2>&1 || true
	fi
	# podman's pause process and whatever else runs as the user
	rl_user_del
	io_teardown_file
}

setup() {
	[ -z "$PL_WHY" ] || skip "$PL_WHY"
	pm_setup
	PL_T=$IO_BASE/t$BATS_TEST_NUMBER
	mkdir -p "$PL_T"
	chown "$RL_USER:" "$PL_T"
}

teardown() {
	[ -z "$PL_WHY" ] || return 0
	pm_teardown pl pl_leftovers
}

# pl ARGS...: podman as the user, with the file's flags (pm_flags) and its
# environment, in PM_DIR.
pl() {
	pm_flags
	timeout -k 5 "${PM_TIMEOUT:-60}" runuser -u "$RL_USER" -- env -C "$PM_DIR" \
		HOME="$PL_HOME" XDG_RUNTIME_DIR="$PL_XDG" CONTAINERS_CONF="$PM_DIR/containers.conf" \
		CONTAINERS_STORAGE_CONF="$PM_DIR/storage.conf" \
		CONTAINERS_REGISTRIES_CONF="$PM_DIR/registries.conf" \
		podman "${PM_FLAGS[@]}" "$@"
}

# pl_pause_pid: podman's pause process, which holds the user namespace
# podman made and stays after podman exits, by design (podman system
# migrate or a reboot end it; teardown_file kills it with the user).
pl_pause_pid() {
	cat "$PM_DIR/tmp/pause.pid" 2>/dev/null
}

# pl_leftovers: what is left of any container of the file: podman's list,
# the runtime's state, processes of the user (or of its subordinate ids)
# but podman's pause process.  Prints nothing when nothing is.
pl_leftovers() {
	local d pause
	# (stdout only: rootless podman warns on stderr, e.g. that / is not a
	# shared mount)
	d=$(pl ps -a -q 2>/dev/null) || echo "podman ps -a failed"
	[ -z "$d" ] || echo "podman ps -a still lists: $d"
	d=$(ls -A "$PL_STATE" 2>/dev/null)
	[ -z "$d" ] || echo "$INTEROP_RUNTIME still has state in $PL_STATE: $d"
	pause=$(pl_pause_pid)
	for d in $(rl_user_pids); do
		[ "$d" = "$pause" ] && continue
		echo "process of $RL_USER left: $d $(io_cmdline "$d")"
	done
}

# pl_calls ID: the runtime's subcommands for container ID during the test,
# in order, one a line (create, start, exec, kill, delete ...): what the
# wrapper recorded, without the global flags.
pl_calls() {
	tail -n +"$((PM_CALLS_MARK + 1))" "$PM_CALLS" | awk -v id="$1" '
		{
			found = 0
			for (i = 1; i <= NF; i++) if ($i == id) found = 1
			if (!found) next
			for (i = 1; i <= NF; i++) {
				if ($i == "--log" || $i == "--root" || $i == "--log-format") { i++; continue }
				if ($i ~ /^-/) continue
				print $i
				break
			}
		}'
}

# pl_logs_have NAME LINE: `podman logs NAME` has the line LINE.
pl_logs_have() {
	pl logs "$1" 2>&1 | grep -qx -- "$2"
}

# pl_tun_reason: why the user cannot open /dev/net/tun (slirp4netns must),
# or nothing.
pl_tun_reason() {
	local err
	if [ ! -c /dev/net/tun ]; then
		echo "slirp4netns needs /dev/net/tun, and this host has none (CONFIG_TUN)"
	elif ! err=$(runuser -u "$RL_USER" -- sh -c ': <>/dev/net/tun' 2>&1); then
		err=${err##*: }
		echo -n "slirp4netns needs /dev/net/tun, which $RL_USER cannot open ($err):" \
			"it is $(stat -c '%a %U:%G' /dev/net/tun)"
		if ! pgrep -x systemd-udevd >/dev/null && ! pgrep -x udevd >/dev/null; then
			echo -n " (devtmpfs' default; udev's default rules make it 0666, and no udevd runs here)"
		fi
		echo
	fi
}

@test "podman run --rm as the user: the workload's output and exit status; the runtime made the calls" {
	io_run -3 pl run --rm --network host --cidfile "$PL_T/cid" "$PM_IMAGE" \
		sh -c 'echo to-stdout; echo to-stderr >&2; id -u; exit 3'
	[ "${lines[0]}" = to-stdout ]
	[ "${lines[1]}" = 0 ]
	[[ "$stderr" == *to-stderr* ]]
	local id
	id=$(cat "$PL_T/cid")
	# conmon called the runtime under test, as the user's podman runs it
	run -0 pl_calls "$id"
	echo "calls: ${lines[*]}"
	[ "${lines[0]} ${lines[1]}" = "create start" ]
	[[ " ${lines[*]} " == *" delete "* ]]
	io_run -0 pl ps -a -q
	[ -z "$output" ]
	[ -z "$(ls -A "$PL_STATE")" ]
}

@test "podman run --rm as the user: podman's user namespace inside; what the container writes to a bind mount is the user's on the host" {
	mkdir "$PL_T/vol"
	chown "$RL_USER:" "$PL_T/vol"
	io_run -0 pl run --rm --network host -v "$PL_T/vol:/data" "$PM_IMAGE" sh -c '
		cat /proc/self/uid_map /proc/self/gid_map
		echo x >/data/by-root; touch /data/by-1000; chown 1000:1000 /data/by-1000'
	# uid_map and gid_map: the user as 0, its subordinate range from 1
	local a b c
	read -r a b c <<<"${lines[0]}"
	[ "$a $b $c" = "0 $RL_UID 1" ]
	read -r a b c <<<"${lines[1]}"
	[ "$a $b $c" = "1 $RL_SUB 65536" ]
	read -r a b c <<<"${lines[2]}"
	[ "$a $b $c" = "0 $RL_GID 1" ]
	read -r a b c <<<"${lines[3]}"
	[ "$a $b $c" = "1 $RL_SUB 65536" ]
	[ "$(cat "$PL_T/vol/by-root")" = x ]
	[ "$(stat -c %u:%g "$PL_T/vol/by-root")" = "$RL_UID:$RL_GID" ]
	# the container's 1000 is the user's subordinate id 999 places on
	[ "$(stat -c %u:%g "$PL_T/vol/by-1000")" = "$((RL_SUB + 999)):$((RL_SUB + 999))" ]
}

@test "podman run --rm as the user, default network (slirp4netns): the container has its tap0 and a default route" {
	local why
	why=$(pl_tun_reason)
	[ -z "$why" ] || skip "$why"
	command -v slirp4netns >/dev/null || {
		echo "slirp4netns not installed (make deps installs it)"
		return 1
	}
	io_run -0 pl run --rm --network slirp4netns "$PM_IMAGE" sh -c 'ip -o -4 addr show; ip route'
	# slirp4netns' defaults: 10.0.2.100 on tap0, the gateway 10.0.2.2
	[[ "$output" == *'tap0    inet 10.0.2.100/24 '* ]]
	[[ "$output" == *'default via 10.0.2.2 dev tap0'* ]]
}

@test "podman run -d, ps, exec, stop, rm as the user: the container runs as the user, TERM's status, nothing is left" {
	io_run -0 pl run -d --name prl-c1 --network host "$PM_IMAGE" \
		sh -c 'trap "echo got-TERM; exit 42" TERM; echo ready; while :; do sleep 0.1; done'
	[[ "$output" =~ ^[0-9a-f]{64}$ ]]
	local id=$output pid t0 t1
	io_wait_until 20 pl_logs_have prl-c1 ready
	io_run -0 pl ps --format '{{.ID}} {{.Names}} {{.Status}}'
	[[ "$output" == "${id:0:12} prl-c1 Up "* ]]
	# the container's init is the user on the host; its state is in the
	# runtime's rootless state root
	pid=$(pl inspect --format '{{.State.Pid}}' prl-c1)
	[ "$pid" -gt 1 ]
	[ "$(stat -c %u "/proc/$pid")" = "$RL_UID" ]
	[ -d "$PL_STATE/$id" ]

	io_run -5 pl exec prl-c1 sh -c 'echo in-exec; cat /proc/self/uid_map; exit 5'
	[ "${lines[0]}" = in-exec ]
	local a b c
	read -r a b c <<<"${lines[1]}"
	[ "$a $b $c" = "0 $RL_UID 1" ]

	# The workload's TERM handler ends it: stop returns long before its
	# timeout, and the handler's status is the exit code (not 137, the KILL
	# stop sends after the timeout).
	t0=$EPOCHSECONDS
	io_run -0 pl stop -t 30 prl-c1
	t1=$EPOCHSECONDS
	echo "stop took $((t1 - t0)) s"
	[ "$output" = prl-c1 ]
	[ $((t1 - t0)) -lt 30 ]
	io_run -0 pl inspect --format '{{.State.Status}} {{.State.ExitCode}}' prl-c1
	[ "$output" = "exited 42" ]
	pl_logs_have prl-c1 got-TERM

	io_run -0 pl rm prl-c1
	[ "$output" = prl-c1 ]
	run -0 pl_calls "$id"
	echo "calls: ${lines[*]}"
	[[ "${lines[*]}" =~ ^create\ start\ (.*\ )?exec\ (.*\ )?kill\ (.*\ )?delete( |$) ]]
	# nothing left: no state in the runtime's root, no process of the user
	# but podman's pause process
	io_assert_clean pl_leftovers
	[ -z "$(ls -A "$PL_STATE")" ]
}
