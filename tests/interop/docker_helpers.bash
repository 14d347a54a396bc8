# dockerd (Debian's docker.io 20.10, with its own containerd and the runc
# shim v2) on the runtime under test.  Load with `load docker_helpers`.
#
# dk_setup_file starts a dockerd of the file's own and leaves the host's
# alone:
# - its data root, exec root (where it starts its own containerd, with
#   the containerd socket and state), pid file, API socket, daemon.json and
#   trust key (dockerd would create /etc/docker/key.json otherwise) are
#   below $IO_BASE/docker, and the client's configuration too
#   (DOCKER_CONFIG);
# - it runs in a network namespace the file made (`ip netns add`), entered
#   with `nsenter --net` only: `ip netns exec` would also remount /sys in a
#   mount namespace of its own, and dockerd's cgroup and mount view must be
#   the host's, like a dockerd started by systemd;
# - no bridge and no iptables rules (--bridge=none --iptables=false ...),
#   and every container runs with --network none: networking is not what
#   the suite tests;
# - the vfs storage driver (no overlay mounts to leave behind) and the
#   file's private cgroup parent (--cgroup-parent /IO_NAME);
# - the runtime under test is added by name (--add-runtime, and in
#   daemon.json a second name with runtimeArgs, as the README shows), the
#   default runtime stays runc: every container of the tests is started
#   with --runtime.
# dk_teardown_file removes the containers and the image, stops dockerd
# (which stops its containerd), kills what would be left of it, unmounts
# what it mounted, deletes the network namespace and removes the cgroups,
# also after a failure.  As with containerd_helpers.bash, the one path
# outside IO_BASE is the shims' sockets in /run/containerd/s/, which each
# shim removes when it exits.
#
# The image is `docker import` of the busybox rootfs (no registry is
# reachable, none is needed).

# Container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load helpers

DK_IMAGE=rlite-interop-busybox:latest

# dk_setup_file: starts the daemon and imports the image; when docker is
# not installed, sets DK_SKIP instead, and every test skips saying why
# (bats 1.8 has no skip for a whole file in setup_file).
dk_setup_file() {
	if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
		export DK_SKIP="dockerd or docker not installed (make deps installs docker.io)"
		return 0
	fi
	io_setup_file dockerd docker containerd containerd-shim-runc-v2 docker-init nsenter ip
	DK_DIR=$IO_BASE/docker
	DK_SOCK=$DK_DIR/docker.sock
	DK_LOG=$DK_DIR/dockerd.log
	DK_NETNS=$IO_NAME
	# runc is dockerd's own name for its default runtime: runc under test
	# is added under another.
	case $INTEROP_RUNTIME in
	runc) DK_RT=interop-runc ;;
	*) DK_RT=$INTEROP_RUNTIME ;;
	esac
	DK_RT_PID1=$DK_RT-pid1
	mkdir -p "$DK_DIR/client"
	export DK_DIR DK_SOCK DK_LOG DK_NETNS DK_RT DK_RT_PID1
	export DOCKER_CONFIG=$DK_DIR/client
	dk_write_conf
	ip netns add "$DK_NETNS"
	echo "$DK_NETNS" >"$DK_DIR/netns"
	# Not bats' fd 3: bats would wait for dockerd to close it.
	nsenter --net="/run/netns/$DK_NETNS" dockerd --config-file "$DK_DIR/daemon.json" \
		--data-root "$DK_DIR/data" --exec-root "$DK_DIR/exec" --pidfile "$DK_DIR/dockerd.pid" \
		-H "unix://$DK_SOCK" --bridge=none --iptables=false --ip6tables=false \
		--ip-masq=false --ip-forward=false --userland-proxy=false \
		--storage-driver vfs --exec-opt native.cgroupdriver=cgroupfs \
		--cgroup-parent "/$IO_NAME" --add-runtime "$DK_RT=$IO_RUNTIME_BIN" \
		</dev/null >"$DK_LOG" 2>&1 3>&- &
	echo $! >"$DK_DIR/nsenter.pid"
	if ! io_wait_until 60 dk_up; then
		cat "$DK_LOG" >&2
		return 1
	fi
	tar -C "$IO_BASE/rootfs" -c . | dk import - "$DK_IMAGE" >/dev/null
}

# daemon.json: the trust key's place, and the runtime under test once more
# under DK_RT_PID1, as a user adds it for images whose entrypoint must be
# pid 1: with rlite's --init=never (runc takes no such flag and has no
# shim to turn off).
dk_write_conf() {
	local args=""
	[ "$INTEROP_RUNTIME" = rlite ] && args='"--init=never"'
	cat >"$DK_DIR/daemon.json" <<-EOF
		{
		  "deprecated-key-path": "$DK_DIR/key.json",
		  "runtimes": {
		    "$DK_RT_PID1": { "path": "$IO_RUNTIME_BIN", "runtimeArgs": [$args] }
		  }
		}
	EOF
}

dk_up() {
	docker -H "unix://$DK_SOCK" version >/dev/null 2>&1
}

# dk ARGS...: the docker client on the file's daemon; `run` and `create`
# get the runtime under test and no network.
dk() {
	local sub=$1
	shift
	case $sub in
	run | create) set -- "$sub" --runtime "$DK_RT" --network none "$@" ;;
	*) set -- "$sub" "$@" ;;
	esac
	timeout -k 5 "${DK_TIMEOUT:-60}" docker -H "unix://$DK_SOCK" "$@"
}

# dk_tty ARGS...: dk on a terminal: `script` gives the client a pty and
# exits with its status.
dk_tty() {
	local sub=$1 cmd
	shift
	case $sub in
	run | create) set -- "$sub" --runtime "$DK_RT" --network none "$@" ;;
	*) set -- "$sub" "$@" ;;
	esac
	cmd=$(printf '%q ' docker -H "unix://$DK_SOCK" "$@")
	timeout -k 5 60 script -qec "$cmd" /dev/null
}

dk_teardown_file() {
	if [ -n "${DK_DIR:-}" ] && [ -S "$DK_SOCK" ]; then
		dk_remove_all
		dk rmi -f "$DK_IMAGE" >/dev/null 2>&1 || true
	fi
	if [ -n "${DK_DIR:-}" ] && [ -f "$DK_DIR/nsenter.pid" ]; then
		local pid
		# nsenter execs dockerd: the same pid.
		pid=$(cat "$DK_DIR/nsenter.pid")
		kill -TERM "$pid" 2>/dev/null || true
		io_wait_until 20 dk_pid_gone "$pid" >/dev/null || kill -KILL "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
		# Its containerd and the shims, had it died without stopping them
		# (their arguments name the exec root).
		io_kill_cmdline_with "$DK_DIR/"
	fi
	if [ -n "${DK_DIR:-}" ] && [ -f "$DK_DIR/netns" ]; then
		io_umount_below "$DK_DIR"
		ip netns delete "$(cat "$DK_DIR/netns")" 2>/dev/null || true
	fi
	io_teardown_file
}

dk_pid_gone() {
	! kill -0 "$1" 2>/dev/null
}

dk_remove_all() {
	local ids
	ids=$(dk ps -aq 2>/dev/null)
	if [ -n "$ids" ]; then
		# shellcheck disable=SC2086 # one id a word
		dk rm -f $ids >/dev/null 2>&1 || true
	fi
}

# Every test: dockerd's log is marked, so that a failure shows what it
# logged during the test.
dk_setup() {
	if [ -n "${DK_SKIP:-}" ]; then
		skip "$DK_SKIP"
	fi
	io_log_mark "$DK_LOG"
	DK_T=$IO_BASE/t$BATS_TEST_NUMBER
	mkdir -p "$DK_T"
}

# After a failure: docker's view, the runtime's --log of the containers
# still there (log.json in the bundle, where the shim points --log) and
# what dockerd and its containerd logged during the test.  Then every
# container is removed, and the test fails unless that left nothing
# (dk_all_leftovers).
dk_teardown() {
	[ -z "${DK_SKIP:-}" ] || return 0
	if [ -z "${BATS_TEST_COMPLETED:-}" ]; then
		echo "--- docker ps -a:"
		dk ps -a 2>&1 || true
		find "$DK_DIR/exec/containerd" -name log.json -printf "--- $INTEROP_RUNTIME --log %p:\\n" \
			-exec cat {} \; 2>/dev/null
		echo "--- dockerd's log during the test:"
		io_log_since "$DK_LOG"
	fi
	dk_remove_all
	local rc=0
	io_assert_clean dk_all_leftovers || rc=1
	rm -rf --one-file-system "$DK_T"
	return "$rc"
}

# dk_all_leftovers: what is left of any container of the file: docker's
# list, the runtime's state, the suite's cgroups, shims, mounts of the
# containers (shm, the bundle's rootfs).
dk_all_leftovers() {
	local d
	d=$(dk ps -aq 2>&1)
	[ -z "$d" ] || echo "docker ps -a still lists: $d"
	for d in "$DK_DIR"/exec/runtime-*; do
		[ -d "$d" ] || continue
		d=$("$IO_RUNTIME_BIN" --root "$d/moby" list -q 2>/dev/null)
		[ -z "$d" ] || echo "$INTEROP_RUNTIME still has state for: $d"
	done
	for d in $(io_cgroup_children); do
		echo "cgroup left: $d"
	done
	for d in $(io_pids_cmdline_with "-address $DK_DIR/exec/containerd/containerd.sock"); do
		echo "process left: $d $(io_cmdline "$d")"
	done
	for d in $(io_mounts_below "$DK_DIR/data/containers") $(io_mounts_below "$DK_DIR/exec/containerd/daemon"); do
		echo "mount left: $d"
	done
}

# dk_inspect CONTAINER GO-TEMPLATE: one field of `docker inspect`.
dk_inspect() {
	dk inspect --format "$2" "$1"
}

dk_status_is() {
	[ "$(dk_inspect "$1" '{{.State.Status}}')" = "$2" ]
}

# dk_logs_have CONTAINER LINE: `docker logs` has the line LINE.
dk_logs_have() {
	dk logs "$1" 2>&1 | grep -qx -- "$2"
}

# dk_logs_count CONTAINER LINE N: `docker logs` has the line LINE N times
# or more.
dk_logs_count() {
	[ "$(dk logs "$1" 2>&1 | grep -cx -- "$2")" -ge "$3" ]
}

# dk_counter_above FILE N: FILE (a counter a container rewrites with
# rename) holds a number above N.
dk_counter_above() {
	local n
	n=$(cat "$1" 2>/dev/null) || return 1
	[ "${n:-0}" -gt "$2" ]
}

# dk_pids_in_ns_of PID: the host pids of every process in PID's pid
# namespace (PID's container).  One stat for all: this runs next to other
# suites on a loaded machine, where a readlink per process takes seconds.
dk_pids_in_ns_of() {
	local ns
	ns=$(stat -L -c %i "/proc/$1/ns/pid") || return 1
	stat -L -c '%i %n' /proc/[0-9]*/ns/pid 2>/dev/null |
		awk -v ns="$ns" '$1 == ns { split($2, p, "/"); print p[3] }'
}

# dk_cgroup_v2: true on a cgroup v2 host, where docker gives containers
# their own cgroup namespace and /sys/fs/cgroup is the container's cgroup;
# on a v1 or hybrid host (docker 20.10 manages the v1 hierarchies there)
# each controller's hierarchy is at /sys/fs/cgroup/<controller>, the
# container's own cgroup bound there.
dk_cgroup_v2() {
	[ -f /sys/fs/cgroup/cgroup.controllers ]
}

# dk_cg_files memory|pids|cpu: where a container reads its limit of that
# kind (the CPU quota, then its period), one path a line, on this host's
# layout.
dk_cg_files() {
	local g=/sys/fs/cgroup
	if dk_cgroup_v2; then
		case $1 in
		memory) echo "$g/memory.max" ;;
		pids) echo "$g/pids.max" ;;
		cpu) echo "$g/cpu.max" ;;
		esac
	else
		case $1 in
		memory) echo "$g/memory/memory.limit_in_bytes" ;;
		pids) echo "$g/pids/pids.max" ;;
		cpu) printf '%s\n' "$g/cpu/cpu.cfs_quota_us" "$g/cpu/cpu.cfs_period_us" ;;
		esac
	fi
}

# dk_need_controller NAME: skips the test, saying why, unless the kernel
# has the cgroup controller NAME where docker looks for it: on cgroup v2 in
# the root's cgroup.controllers; on a v1 or hybrid host a v1 hierarchy of
# its own (/proc/cgroups: enabled, hierarchy not 0; a hybrid host's cgroup2
# mount, which holds what no v1 hierarchy took, is not docker's).
dk_need_controller() {
	if dk_cgroup_v2; then
		grep -qw -- "$1" /sys/fs/cgroup/cgroup.controllers ||
			skip "cgroup v2 without the $1 controller (/sys/fs/cgroup/cgroup.controllers)"
		return 0
	fi
	awk -v c="$1" '$1 == c && $2 != 0 && $4 == 1 { ok = 1 } END { exit !ok }' /proc/cgroups ||
		skip "no cgroup v1 hierarchy with the $1 controller (/proc/cgroups), where docker applies it on this host"
}

# dk_capsh_decode MASK: " (cap_name,...)" for a capability mask, when capsh
# is there to name them.
dk_capsh_decode() {
	command -v capsh >/dev/null || return 0
	printf ' (%s)' "$(capsh --decode="$(printf '%x' "$1")" | sed 's/^[^=]*=//')"
}
