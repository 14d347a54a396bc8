# Shared helpers of the interop suite: podman and containerd, as Debian
# packages them, driving the runtime under test exactly as they drive runc.
# Load with `load helpers` (podman_helpers and containerd_helpers do).
#
# The runtime under test is INTEROP_RUNTIME: `rlite` (the default: the
# freshly built RLITE_BIN) or `runc` (Debian's), so that the suite can be
# shown to test the tools' contract and not rlite's own behaviour:
#
#   make check-interop                       against ./rlite
#   make check-interop INTEROP_RUNTIME=runc  the same scenarios against runc
#
# Each .bats file makes one private directory (IO_BASE, below /tmp, mode
# 0755) for everything its tools keep: storage, state, sockets, logs,
# configuration; a private cgroup parent named after it (IO_NAME); and
# removes all of it in teardown_file, also after a failure.  No state of a
# podman or containerd of the host is used or changed (the one path the
# tools write outside IO_BASE is the shim's socket: containerd_helpers.bash).

# Container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

bats_require_minimum_version 1.5.0

RLITE_BIN=${RLITE_BIN:-$BATS_TEST_DIRNAME/../../rlite}
INTEROP_RUNTIME=${INTEROP_RUNTIME:-rlite}
IO_TOOLS=$BATS_TEST_DIRNAME/../../rootfs-tools

# io_runtime_bin: the path of the runtime under test.
io_runtime_bin() {
	case $INTEROP_RUNTIME in
	rlite) echo "$RLITE_BIN" ;;
	runc) command -v runc ;;
	*) return 1 ;;
	esac
}

# io_setup_file COMMAND...: checks that this can run (root, the runtime,
# the tools named), then makes IO_BASE and a busybox rootfs in
# $IO_BASE/rootfs.  Exports IO_BASE, IO_NAME, IO_RUNTIME_BIN.
io_setup_file() {
	if [ "$(id -u)" != 0 ]; then
		echo "the interop suite needs root: podman and containerd run real containers" >&2
		return 1
	fi
	IO_RUNTIME_BIN=$(io_runtime_bin) || {
		echo "INTEROP_RUNTIME=$INTEROP_RUNTIME: must be rlite or runc" >&2
		return 1
	}
	if [ ! -x "$IO_RUNTIME_BIN" ]; then
		echo "$INTEROP_RUNTIME: $IO_RUNTIME_BIN not found (make first, or set RLITE_BIN)" >&2
		return 1
	fi
	local tool
	for tool in "$@"; do
		if ! command -v "$tool" >/dev/null; then
			echo "$tool not installed (make deps installs it)" >&2
			return 1
		fi
	done
	IO_BASE=$(mktemp -d /tmp/rlite-interop.XXXXXX)
	chmod 0755 "$IO_BASE"
	# The name of the suite's cgroup parent and containerd namespace.
	IO_NAME=$(basename "$IO_BASE")
	export IO_BASE IO_NAME IO_RUNTIME_BIN
	"$IO_TOOLS/busybox-rootfs" "$IO_BASE/rootfs"
}

# io_teardown_file: stops what is left of the file's processes, unmounts
# what is mounted below IO_BASE, removes the private cgroups and IO_BASE.
io_teardown_file() {
	[ -n "${IO_BASE:-}" ] && [ -d "$IO_BASE" ] || return 0
	io_kill_cgroup_procs
	io_kill_cmdline_with "$IO_BASE"
	io_umount_below "$IO_BASE"
	io_rmdir_cgroups
	rm -rf --one-file-system "$IO_BASE"
}

# io_pids_cmdline_with STRING: the pids whose command line holds STRING
# (the tools' daemons and monitors name the suite's paths in their
# arguments: conmon, containerd, its shims).
io_pids_cmdline_with() {
	local f pid args
	# Builtins only: this runs in polling loops, over every process.
	for f in /proc/[0-9]*/cmdline; do
		pid=${f#/proc/}
		pid=${pid%/cmdline}
		[ "$pid" = "$$" ] && continue
		mapfile -d '' args 2>/dev/null <"$f" || continue
		if [[ " ${args[*]} " == *"$1"* ]]; then
			echo "$pid"
		fi
	done
}

io_kill_cmdline_with() {
	local pid
	for pid in $(io_pids_cmdline_with "$1"); do
		kill -9 "$pid" 2>/dev/null || true
	done
}

# The processes in the suite's cgroups (containers the tools lost track of).
io_kill_cgroup_procs() {
	local f pid
	for f in /sys/fs/cgroup/*/"$IO_NAME" /sys/fs/cgroup/"$IO_NAME"; do
		[ -d "$f" ] || continue
		find "$f" -name cgroup.procs -exec cat {} + 2>/dev/null |
			while read -r pid; do
				kill -9 "$pid" 2>/dev/null || true
			done
	done
}

# io_cgroup_dirs NAME: the suite's cgroup directories in every hierarchy
# (cgroup v1 controllers, the hybrid unified mount, or a v2 root) whose
# name holds NAME ("" for all), deepest first.
io_cgroup_dirs() {
	local d
	for d in /sys/fs/cgroup/*/"$IO_NAME" /sys/fs/cgroup/"$IO_NAME"; do
		[ -d "$d" ] || continue
		find "$d" -depth -type d -name "*$1*"
	done
}

# io_cgroup_children: cgroups below the suite's cgroup parent (each
# container's, conmon's): none may be left once a test removed its
# containers.
io_cgroup_children() {
	local d
	for d in /sys/fs/cgroup/*/"$IO_NAME" /sys/fs/cgroup/"$IO_NAME"; do
		[ -d "$d" ] || continue
		find "$d" -mindepth 1 -type d
	done
}

# io_assert_clean CHECK: the cleanup health of a test, run by every
# teardown after it removed the test's containers: CHECK (a function
# printing what is left, nothing when nothing is) prints nothing within
# 10 s (the tools' cleanup runs after a container's exit, asynchronously).
# Otherwise prints what is left and fails the test.
io_assert_clean() {
	if ! io_wait_until 10 io_is_clean "$1" >/dev/null; then
		echo "--- left behind after the test:"
		"$1"
		return 1
	fi
}

io_is_clean() {
	[ -z "$("$1" 2>/dev/null)" ]
}

io_rmdir_cgroups() {
	# A cgroup whose last process was just killed empties a moment later.
	if ! io_wait_until 5 io_rmdir_cgroups_once; then
		echo "cgroups left behind: $(io_cgroup_dirs "")" >&2
	fi
}

io_rmdir_cgroups_once() {
	local d
	for d in $(io_cgroup_dirs ""); do
		rmdir "$d" 2>/dev/null || true
	done
	[ -z "$(io_cgroup_dirs "")" ]
}

# Mount points at or below $1, deepest first.
io_mounts_below() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r
}

io_umount_below() {
	local m
	for m in $(io_mounts_below "$1"); do
		umount -l "$m" 2>/dev/null || true
	done
}

# io_run [-N] [--] COMMAND...: bats' `run` with stdout and stderr apart
# ($output, $stderr), which it prints with the command, so that a failing
# test shows what the tool said.
io_run() {
	local check=()
	if [[ ${1:-} == -[0-9]* || ${1:-} == '!' ]]; then
		check=("$1")
		shift
	fi
	[ "${1:-}" = -- ] && shift
	local rc=0
	run "${check[@]}" --separate-stderr -- "$@" || rc=$?
	io_show "$*"
	return "$rc"
}

# shellcheck disable=SC2154 # status, output and stderr are bats' (run)
io_show() {
	echo "--- $1"
	echo "--- exit status $status; stdout:"
	printf '%s\n' "$output"
	echo "--- stderr:"
	printf '%s\n' "${stderr:-}"
	echo "---"
}

# io_wait_until DEADLINE_S COMMAND...: runs COMMAND until it succeeds, for
# at most DEADLINE_S seconds; fails (saying what it waited for) otherwise.
io_wait_until() {
	local deadline=$(($(date +%s%N) + $1 * 1000000000))
	shift
	while ! "$@"; do
		if [ "$(date +%s%N)" -gt "$deadline" ]; then
			echo "timed out waiting for: $*"
			return 1
		fi
		sleep 0.05
	done
}

# io_log_mark FILE: remembers FILE's size; io_log_since FILE prints what
# was appended to it after the mark (the runtime's --log lines of one test).
io_log_mark() {
	IO_LOG_MARK=$(stat -c %s "$1" 2>/dev/null || echo 0)
}

io_log_since() {
	[ -f "$1" ] || return 0
	tail -c +"$((${IO_LOG_MARK:-0} + 1))" "$1"
}

# io_ns_pid1 PID: true when PID is pid 1 of its own pid namespace, the
# container's init as its caller sees it.
io_ns_pid1() {
	local nspid
	nspid=$(awk '$1 == "NSpid:" { print $NF }' "/proc/$1/status" 2>/dev/null)
	[ "$nspid" = 1 ] && [ "$1" != 1 ]
}

# io_frozen PID: true when the kernel has frozen PID's cgroup (what pause
# does with either runtime): the v1 freezer's state, or cgroup v2's
# cgroup.events.
io_frozen() {
	local line path
	while IFS= read -r line; do
		path=${line#*:*:}
		case $line in
		*:freezer:*)
			grep -qx FROZEN "/sys/fs/cgroup/freezer$path/freezer.state" 2>/dev/null && return 0
			;;
		0::*)
			grep -qx 'frozen 1' "/sys/fs/cgroup$path/cgroup.events" 2>/dev/null && return 0
			;;
		esac
	done <"/proc/$1/cgroup"
	return 1
}

# io_cmdline PID: PID's command line, arguments separated by spaces.
io_cmdline() {
	local args
	mapfile -d '' args 2>/dev/null <"/proc/$1/cmdline" || return 0
	echo "${args[*]}"
}
