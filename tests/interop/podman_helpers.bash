# podman (with conmon) on the runtime under test, with state of its own.
# Load with `load podman_helpers`.
#
# pm_setup_file gives the .bats file a podman of its own below IO_BASE:
# storage (vfs), run root, tmpdir (locks, exit files, events), network
# configuration, and a containers.conf, storage.conf and registries.conf
# that replace the host's (CONTAINERS_CONF & co.: podman then reads no
# other).  The busybox rootfs is imported as the image PM_IMAGE.  Every
# podman command of the tests goes through pm, which adds the flags.
#
# The runtime is given to podman with --runtime as a small wrapper named
# after it ($IO_BASE/podman/bin/rlite or .../runc) that adds --root, --log
# and --log-format before podman's own arguments.  Why not
# podman's --runtime-flag: podman 4.3 running as root passes no --root to
# its runtime, so the runtime would keep its containers in its default
# root (/run/rlite, /run/runc), shared with the host; and --runtime-flag
# is not passed on to the `podman container cleanup` that conmon starts
# when the container exits (podman's exit command carries --root,
# --runroot, --tmpdir, --runtime ..., no runtime flags), whose
# `delete --force` would then look in the wrong root, find nothing,
# succeed, and leave the container's state and cgroups behind.

# Container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load helpers

PM_IMAGE=localhost/rlite-interop-busybox:latest

pm_setup_file() {
	io_setup_file podman conmon
	PM_DIR=$IO_BASE/podman
	PM_RUNTIME=$PM_DIR/bin/$INTEROP_RUNTIME
	PM_LOG=$PM_DIR/runtime.log
	PM_CALLS=$PM_DIR/runtime.calls
	mkdir -p "$PM_DIR/bin" "$PM_DIR/state" "$PM_DIR/tmp" "$PM_DIR/copytmp" "$PM_DIR/net"
	pm_write_runtime
	chmod 0755 "$PM_RUNTIME"
	: >"$PM_LOG"
	: >"$PM_CALLS"
	pm_write_conf
	export PM_DIR PM_RUNTIME PM_LOG PM_CALLS
	export CONTAINERS_CONF=$PM_DIR/containers.conf
	export CONTAINERS_STORAGE_CONF=$PM_DIR/storage.conf
	export CONTAINERS_REGISTRIES_CONF=$PM_DIR/registries.conf
	pm_import
}

# The runtime as podman and conmon call it: the wrapper records each call
# (PM_CALLS) and gives the runtime the file's --root, --log (PM_LOG) and
# --log-format json.  For create and exec conmon passes a --log of its
# own (a file next to the container, which podman reads the error from
# and removes with the container); the runtime takes the last --log, so
# the wrapper copies what it wrote there into PM_LOG as well.
# PM_RUNTIME_CMD, when set, is run instead of the runtime with the file's
# --root (podman_rootless.bats: a copy the user can reach, and the
# runtime's own rootless state root).
pm_write_runtime() {
	local cmd=${PM_RUNTIME_CMD:-"$IO_RUNTIME_BIN --root $PM_DIR/state"}
	cat >"$PM_RUNTIME" <<-EOF
		#!/bin/sh
		echo "\$*" >>$PM_CALLS
		log= prev=
		for a in "\$@"; do
			case \$prev in --log) log=\$a ;; esac
			case \$a in --log=*) log=\${a#--log=} ;; esac
			prev=\$a
		done
		size=\$(stat -c %s "\$log" 2>/dev/null || echo 0)
		$cmd --log $PM_LOG --log-format json "\$@"
		rc=\$?
		[ -n "\$log" ] && [ -f "\$log" ] && tail -c +\$((size + 1)) "\$log" >>$PM_LOG
		exit \$rc
	EOF
}

pm_write_conf() {
	cat >"$PM_DIR/containers.conf" <<-EOF
		[containers]
		# The hard limit of open files on this machine (20000) is below
		# podman's default for root (nofile and nproc 1048576), and root
		# lacks CAP_SYS_RESOURCE, so no runtime can raise it: every container
		# would fail with EPERM from setrlimit.  A podman user here sets the
		# same (or --ulimit nofile=N:N --ulimit nproc=N:N on each run; given
		# one --ulimit, podman still adds its default for the other).
		default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
		# Networking is not what the suite tests (pm adds --network none).
		netns = "none"

		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		# The default "shm" lock is one segment, /dev/shm/libpod_lock, shared
		# by every podman of the host; file locks live in the tmpdir.
		lock_type = "file"
		image_copy_tmp_dir = "$PM_DIR/copytmp"
		# podman's list plus rlite: conmon then passes --log-format json and
		# --log to create, and podman reports the runtime's error from it.
		runtime_supports_json = ["crun", "runc", "kata", "runsc", "youki", "krun", "rlite"]

		[network]
		network_config_dir = "$PM_DIR/net"
	EOF
	cat >"$PM_DIR/storage.conf" <<-EOF
		[storage]
		driver = "vfs"
		graphroot = "$PM_DIR/root"
		runroot = "$PM_DIR/runroot"
	EOF
	cat >"$PM_DIR/registries.conf" <<-EOF
		unqualified-search-registries = []
	EOF
}

# pm_flags: the global flags of every podman command, in PM_FLAGS.
pm_flags() {
	PM_FLAGS=(--root "$PM_DIR/root" --runroot "$PM_DIR/runroot" --tmpdir "$PM_DIR/tmp"
		--storage-driver vfs --cgroup-manager cgroupfs --events-backend file
		--runtime "$PM_RUNTIME")
}

# pm ARGS...: podman with the suite's flags; `run` and `create` get the
# private cgroup parent and no network.
pm() {
	local sub=$1
	shift
	case $sub in
	run | create) set -- "$sub" --cgroup-parent "/$IO_NAME" --network none "$@" ;;
	*) set -- "$sub" "$@" ;;
	esac
	pm_flags
	timeout -k 5 "${PM_TIMEOUT:-60}" podman "${PM_FLAGS[@]}" "$@"
}

# pm_tty ARGS...: pm on a terminal: `script` gives podman a pty and exits
# with podman's status.
pm_tty() {
	local sub=$1 cmd
	shift
	case $sub in
	run | create) set -- "$sub" --cgroup-parent "/$IO_NAME" --network none "$@" ;;
	*) set -- "$sub" "$@" ;;
	esac
	pm_flags
	cmd=$(printf '%q ' podman "${PM_FLAGS[@]}" "$@")
	timeout -k 5 60 script -qec "$cmd" /dev/null
}

# The image: `podman import` of the busybox rootfs.  Importing writes
# containers/image's blob info cache, which for root is always
# /var/lib/containers/cache (no flag or variable moves it): the import
# runs in a mount namespace of its own with a tmpfs on /var/lib, so the
# host's cache is not touched.
pm_import() {
	pm_flags
	tar -C "$IO_BASE/rootfs" -c . |
		unshare --mount --propagation private sh -c \
			'mount -t tmpfs -o mode=0755 rlite-interop /var/lib && exec "$@"' sh \
			podman "${PM_FLAGS[@]}" import -q - "$PM_IMAGE" >/dev/null
}

pm_teardown_file() {
	if [ -n "${PM_DIR:-}" ] && [ -d "$PM_DIR/root" ]; then
		pm rm -af -t 0 >/dev/null 2>&1 || true
		pm rmi -af >/dev/null 2>&1 || true
		local id
		for id in $("$IO_RUNTIME_BIN" --root "$PM_DIR/state" list -q 2>/dev/null); do
			timeout 10 "$IO_RUNTIME_BIN" --root "$PM_DIR/state" delete --force "$id" || true
		done
	fi
	io_teardown_file
}

# Every test: the runtime's log is marked, so that a failure shows the
# lines it wrote during the test.
pm_setup() {
	io_log_mark "$PM_LOG"
	PM_CALLS_MARK=$(wc -l <"$PM_CALLS")
}

# pm_teardown [PODMAN LEFTOVERS]: after a failure, podman's view, the
# runtime's calls and --log lines of the test; then every container of the
# test is removed, and the test fails unless that left nothing.  PODMAN is
# the command podman goes through (pm), LEFTOVERS what says what is left
# (pm_all_leftovers).
pm_teardown() {
	local podman=${1:-pm} leftovers=${2:-pm_all_leftovers}
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		echo "--- podman ps -a:"
		"$podman" ps -a 2>&1 || true
		echo "--- $INTEROP_RUNTIME called during the test:"
		tail -n +"$((PM_CALLS_MARK + 1))" "$PM_CALLS"
		echo "--- $INTEROP_RUNTIME --log lines during the test:"
		io_log_since "$PM_LOG"
	fi
	"$podman" rm -af -t 0 >/dev/null 2>&1 || true
	io_assert_clean "$leftovers"
}

# pm_all_leftovers: what is left of any container of the file: podman's
# list, the runtime's state, the suite's cgroups, mounts of podman's
# container directories (shm, rootfs), conmon.
pm_all_leftovers() {
	local d
	d=$(pm ps -a -q 2>&1)
	[ -z "$d" ] || echo "podman ps -a still lists: $d"
	d=$("$IO_RUNTIME_BIN" --root "$PM_DIR/state" list -q 2>&1)
	[ -z "$d" ] || echo "$INTEROP_RUNTIME still has state for: $d"
	for d in $(io_cgroup_children); do
		# podman puts every conmon of a cgroup parent in PARENT/conmon and
		# keeps that cgroup: podman's, not a container's (teardown_file
		# removes it).  A conmon still in it is a leftover.
		if [[ $d == */"$IO_NAME"/conmon ]] && [ -z "$(<"$d/cgroup.procs")" ]; then
			continue
		fi
		echo "cgroup left: $d ($(wc -l 2>/dev/null <"$d/cgroup.procs") processes)"
	done
	for d in $(io_mounts_below "$PM_DIR"); do
		case $d in */vfs-containers/*) echo "mount left: $d" ;; esac
	done
	for d in $(io_pids_cmdline_with "$PM_DIR/"); do
		case $(io_cmdline "$d") in
		*conmon*) echo "process left: $d $(io_cmdline "$d")" ;;
		esac
	done
}

# pm_leftovers ID: what is left of container ID (full id) anywhere:
# podman's list, the runtime's state, cgroups, mounts, processes naming it
# (conmon).  Prints nothing when nothing is.
pm_leftovers() {
	local id=$1 d
	if pm ps -a -q --no-trunc | grep -qx "$id"; then
		echo "podman still lists $id"
	fi
	if "$IO_RUNTIME_BIN" --root "$PM_DIR/state" list -q | grep -qx "$id"; then
		echo "$INTEROP_RUNTIME still has state for $id"
	fi
	for d in $(io_cgroup_dirs "$id"); do
		echo "cgroup left: $d"
	done
	if grep -F "$id" /proc/self/mountinfo; then
		echo "mounts left (above)"
	fi
	for d in $(io_pids_cmdline_with "$id"); do
		echo "process left: $d $(io_cmdline "$d")"
	done
}

pm_gone() {
	[ -z "$(pm_leftovers "$1")" ]
}

# pm_assert_gone ID: nothing of container ID is left (within 10 s: conmon
# runs the cleanup after the container exited).
pm_assert_gone() {
	if ! io_wait_until 10 pm_gone "$1"; then
		pm_leftovers "$1"
		return 1
	fi
}

# pm_inspect CONTAINER GO-TEMPLATE: one field of `podman inspect`.
pm_inspect() {
	pm inspect --format "$2" "$1"
}

# pm_status_is CONTAINER STATUS: podman's State.Status is STATUS.
pm_status_is() {
	[ "$(pm_inspect "$1" '{{.State.Status}}')" = "$2" ]
}
