# containerd with its runc shim v2 and ctr, on the runtime under test.
# Load with `load containerd_helpers`.
#
# ct_setup_file starts a containerd of the file's own: its configuration,
# root, state, gRPC and ttrpc sockets are below $IO_BASE/containerd, the
# CRI plugin is disabled, and its containers live in a namespace named
# after the file (IO_NAME), so that their default cgroups
# (/NAMESPACE/ID) are below the suite's private cgroup parent.
# ct_teardown_file stops it, kills the shims it left and unmounts what
# they mounted.  The one path outside IO_BASE is the shim's socket: the
# runc shim of containerd 1.6 always listens in /run/containerd/s/, under
# a name hashed from the containerd address, namespace and id (so private
# to this containerd), and removes it when it exits.
#
# ctr runs containers without an image: `ctr run --rootfs DIR` takes a
# per-test copy of the busybox rootfs as the container's root.  The shim is
# the runtime's caller: it passes --root (ctr's --runc-root plus the
# namespace), --log (log.json in the bundle) and --log-format json, then
# create --bundle --pid-file [--console-socket], start, kill [--all],
# exec --process --detach --pid-file, ps --format json, pause, resume,
# delete [--force].

# Container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load helpers

ct_setup_file() {
	io_setup_file containerd ctr containerd-shim-runc-v2
	CT_DIR=$IO_BASE/containerd
	CT_SOCK=$CT_DIR/containerd.sock
	CT_NS=$IO_NAME
	CT_LOG=$CT_DIR/containerd.log
	mkdir -p "$CT_DIR/fifo" "$CT_DIR/runtime-state"
	cat >"$CT_DIR/config.toml" <<-EOF
		version = 2
		root = "$CT_DIR/root"
		state = "$CT_DIR/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$CT_SOCK"
		[ttrpc]
		  address = "$CT_SOCK.ttrpc"
		[metrics]
		  address = ""
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$CT_DIR/opt"
	EOF
	export CT_DIR CT_SOCK CT_NS CT_LOG
	# Not bats' fd 3: bats would wait for containerd to close it.
	containerd --config "$CT_DIR/config.toml" </dev/null >"$CT_LOG" 2>&1 3>&- &
	echo $! >"$CT_DIR/containerd.pid"
	if ! io_wait_until 30 ct_up; then
		cat "$CT_LOG" >&2
		return 1
	fi
}

ct_up() {
	ctr --address "$CT_SOCK" version >/dev/null 2>&1
}

ct_teardown_file() {
	if [ -n "${CT_DIR:-}" ] && [ -S "$CT_SOCK" ]; then
		ct_remove_all
	fi
	if [ -n "${CT_DIR:-}" ] && [ -f "$CT_DIR/containerd.pid" ]; then
		local pid
		pid=$(cat "$CT_DIR/containerd.pid")
		kill -TERM "$pid" 2>/dev/null || true
		io_wait_until 10 ct_pid_gone "$pid" >/dev/null || kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		# The shims (they name the containerd address in their arguments).
		io_kill_cmdline_with "$CT_SOCK"
	fi
	io_teardown_file
}

ct_pid_gone() {
	! kill -0 "$1" 2>/dev/null
}

# ct ARGS...: ctr on the suite's containerd and namespace.
ct() {
	timeout -k 5 "${CT_TIMEOUT:-60}" ctr --address "$CT_SOCK" --namespace "$CT_NS" "$@"
}

# ct_run [CTR RUN OPTIONS] -- ID COMMAND...: `ctr run` of the test's rootfs
# (CT_ROOTFS) with the runtime under test as the runc binary.  Without an
# image there is no PATH in the process's environment: the one an image
# would give is passed.
ct_run() {
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	ct run --runc-binary "$IO_RUNTIME_BIN" --runc-root "$CT_DIR/runtime-state" \
		--fifo-dir "$CT_DIR/fifo" --env PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		"${opts[@]}" --rootfs "$CT_ROOTFS" "$@"
}

# ct_tty ARGS...: ctr on a terminal: `script` gives it a pty and exits with
# its status.
ct_tty() {
	local cmd
	cmd=$(printf '%q ' ctr --address "$CT_SOCK" --namespace "$CT_NS" "$@")
	timeout -k 5 60 script -qec "$cmd" /dev/null
}

# Every test: its own directory with a copy of the rootfs, the containerd
# log marked for a failure report.
ct_setup() {
	CT_T=$IO_BASE/t$BATS_TEST_NUMBER
	CT_ROOTFS=$CT_T/rootfs
	# shellcheck disable=SC2034 # the tests use it
	CT_ID=t$BATS_TEST_NUMBER
	mkdir -p "$CT_T"
	"$IO_TOOLS/busybox-rootfs" --cache "$IO_BASE/rootfs" "$CT_ROOTFS"
	io_log_mark "$CT_LOG"
}

# After a failure: ctr's view, the runtime's --log of every task still
# there (log.json in its bundle, where the shim points --log) and what
# containerd logged during the test.  Then every container is removed.
ct_teardown() {
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		echo "--- ctr task ls:"
		ct task ls 2>&1 || true
		find "$CT_DIR/state" -name log.json -printf "--- $INTEROP_RUNTIME --log %p:\\n" \
			-exec cat {} \; 2>/dev/null
		echo "--- containerd's log during the test:"
		io_log_since "$CT_LOG"
	fi
	ct_remove_all
	local rc=0
	io_assert_clean ct_all_leftovers || rc=1
	io_umount_below "$CT_T"
	rm -rf --one-file-system "$CT_T"
	return "$rc"
}

# ct_all_leftovers: what is left of any container of the file: ctr's
# lists, the runtime's state, the suite's cgroups, shims, mounts of the
# bundles and of the test's rootfs.
ct_all_leftovers() {
	local d
	d=$(ct container ls -q 2>&1)
	[ -z "$d" ] || echo "ctr container ls still lists: $d"
	d=$(ct task ls -q 2>&1)
	[ -z "$d" ] || echo "ctr task ls still lists: $d"
	d=$("$IO_RUNTIME_BIN" --root "$CT_DIR/runtime-state/$CT_NS" list -q 2>/dev/null)
	[ -z "$d" ] || echo "$INTEROP_RUNTIME still has state for: $d"
	for d in $(io_cgroup_children); do
		echo "cgroup left: $d"
	done
	for d in $(io_pids_cmdline_with "-address $CT_SOCK"); do
		echo "process left: $d $(io_cmdline "$d")"
	done
	for d in $(io_mounts_below "$CT_DIR/state") $(io_mounts_below "$CT_T"); do
		echo "mount left: $d"
	done
}

ct_remove_all() {
	local id
	for id in $(ct container ls -q 2>/dev/null); do
		ct task kill --all --signal KILL "$id" >/dev/null 2>&1 || true
		ct task delete --force "$id" >/dev/null 2>&1 || true
		ct container delete "$id" >/dev/null 2>&1 || true
	done
}

# ct_task_status ID: the STATUS column of `ctr task ls` for ID.
ct_task_status() {
	ct task ls | awk -v id="$1" '$1 == id { print $3 }'
}

ct_status_is() {
	[ "$(ct_task_status "$1")" = "$2" ]
}

# ct_task_pid ID: the PID column of `ctr task ls` for ID.
ct_task_pid() {
	ct task ls | awk -v id="$1" '$1 == id { print $2 }'
}

# ct_pid_of_cmd ID CMDLINE: the host pid, among `ctr task ps ID`, whose
# command line is CMDLINE.
ct_pid_of_cmd() {
	local pid
	for pid in $(ct task ps "$1" | awk 'NR > 1 { print $1 }'); do
		if [ "$(io_cmdline "$pid")" = "$2" ]; then
			echo "$pid"
			return 0
		fi
	done
	return 1
}

# ct_leftovers ID: what is left of container ID: ctr's lists, the
# runtime's state, its cgroups, its shim, mounts of its bundle.
ct_leftovers() {
	local id=$1 d
	if ct container ls -q | grep -qx "$id"; then
		echo "ctr container ls still lists $id"
	fi
	if [ -n "$(ct_task_status "$id")" ]; then
		echo "ctr task ls still lists $id"
	fi
	if "$IO_RUNTIME_BIN" --root "$CT_DIR/runtime-state/$CT_NS" list -q 2>/dev/null | grep -qx "$id"; then
		echo "$INTEROP_RUNTIME still has state for $id"
	fi
	for d in $(io_cgroup_dirs "$id"); do
		echo "cgroup left: $d"
	done
	for d in $(io_pids_cmdline_with "-id $id -address $CT_SOCK"); do
		echo "process left: $d $(io_cmdline "$d")"
	done
	if grep -F "/$CT_NS/$id/" /proc/self/mountinfo; then
		echo "mounts left (above)"
	fi
}

ct_gone() {
	[ -z "$(ct_leftovers "$1")" ]
}

ct_assert_gone() {
	if ! io_wait_until 10 ct_gone "$1"; then
		ct_leftovers "$1"
		return 1
	fi
}

# ct_wait_status ID STATUS: until `ctr task ls` shows STATUS (10 s).
ct_wait_status() {
	io_wait_until 10 ct_status_is "$1" "$2"
}

# ct_log_has LINE: the container's output (ctr run --log-uri, CT_T/out)
# has LINE.
ct_log_has() {
	grep -qx -- "$1" "$CT_T/out" 2>/dev/null
}
