#!/usr/bin/env bats
# The host's rlite binary against a container that can reach it through
# /proc/<pid>/exe (the class of CVE-2019-5736).  The pid-1 shim is a fork
# of rlite, and so is the process of `rlite exec` on its way into the
# container: a process inside with CAP_SYS_PTRACE may open their exe.
# While a runtime executes the file, opening it for writing fails with
# ETXTBSY; the tests here keep an fd to it until no rlite runs any more,
# and then reopen it for writing through /proc/self/fd/N.  That must fail
# too: the file the container reaches is a read-only mount of the binary
# that nothing can make writable (or a sealed copy of it in memory).
#
# The attacks run from helpers/hostbin (static, copied into the rootfs).
# Every test runs a copy of the binary under test, never $RLITE_BIN
# itself: a test that fails has written into the copy, not into the
# build.  Needs root.

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
	if [ ! -x "$RL_HELPERS/hostbin" ]; then
		echo "$RL_HELPERS/hostbin: not built (make build/tests/helpers/hostbin)" >&2
		return 1
	fi
	rr_setup
	rr_host_dir
	cp "$RL_HELPERS/hostbin" "$RR_BUNDLE/rootfs/bin/"
	# the second container of a test (ends in a letter, holds RR_ID)
	EB_ID2=k$RR_ID
	EB_LOG=$RR_DIR/rlite.log
}

teardown() {
	if [ -n "${RR_DIR:-}" ] && [ -d "$RR_STATE" ]; then
		timeout "$RR_DEADLINE" "$RLITE_BIN" --root "$RR_STATE" delete --force "$EB_ID2" \
			>/dev/null 2>&1 || true
	fi
	rr_teardown
}

# eb_copy DIR: the binary under test is DIR/rlite, a copy of $RLITE_BIN;
# EB_SUM is its sha256.
eb_copy() {
	mkdir -p "$1"
	cp "$RLITE_BIN" "$1/rlite"
	EB_BIN=$1/rlite
	EB_SUM=$(sha256sum <"$EB_BIN")
}

# eb_copy_unbindable: the copy lives on an unbindable tmpfs, which rlite
# cannot clone a read-only mount of (open_tree: EINVAL): it falls back to
# running from a sealed copy in memory.
eb_copy_unbindable() {
	mkdir -p "$RR_DIR/unb"
	mount -t tmpfs -o mode=0755 tmpfs "$RR_DIR/unb"
	mount --make-unbindable "$RR_DIR/unb"
	eb_copy "$RR_DIR/unb"
}

# eb_rlite ARGS...: the copy, with the test's --root, debug lines to EB_LOG.
eb_rlite() {
	timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" \
		"$EB_BIN" --root "$RR_STATE" --log "$EB_LOG" --debug "$@"
}

# eb_caps_ptrace: the default capabilities and CAP_SYS_PTRACE.
eb_caps_ptrace() {
	rr_jq '.process.capabilities |= map_values(. + ["CAP_SYS_PTRACE"])'
}

# eb_second ARGS...: a second container, EB_ID2, of a bundle of its own
# (same config, with every capability and process.args ARGS), created and
# started with --init=never: no shim and no monitor, so no rlite runs for
# it once `start` returned.  Its output goes to $RR_DIR/second.out.
eb_second() {
	local b=$RR_DIR/second
	mkdir -p "$b"
	chmod 0755 "$b"
	"$RR_TOOLS/busybox-rootfs" --cache "$RR_CACHE" "$b/rootfs"
	cp "$RL_HELPERS/hostbin" "$b/rootfs/bin/"
	jq '.process.args = $ARGS.positional' "$RR_BUNDLE/config.json" --args "$@" >"$b/config.json"
	RR_BUNDLE=$b rr_all_caps
	eb_rlite --init=never create --bundle "$b" "$EB_ID2" </dev/null >"$RR_DIR/second.out" 2>&1
	eb_rlite start "$EB_ID2"
}

# eb_no_runtime: no rlite of this test runs (each of its processes is named
# otherwise), and nothing executes the copy: it opens for writing (no
# ETXTBSY), which writes nothing.
eb_no_runtime() {
	local p c
	for p in $(rr_tagged_pids); do
		c=$(cat "/proc/$p/comm" 2>/dev/null) || continue
		case $c in rlite*)
			echo "still running: $p $c"
			return 1
			;;
		esac
	done
	: >>"$EB_BIN"
}

# eb_attack OUT: with no rlite running, lets the hostbin that holds an fd to
# the exe attack (it waits for the file "go"), then shows what it reported.
eb_attack() {
	rr_wait_for eb_no_runtime
	touch "$RR_HOST/go"
	rr_wait_for grep -qx 'done' "$1"
	echo "--- the attack:"
	cat "$1"
}

# eb_unchanged: the copy reads as it did before the test.
eb_unchanged() {
	if [ "$(sha256sum <"$EB_BIN")" != "$EB_SUM" ]; then
		echo "the binary was written through the container's fd"
		return 1
	fi
}

# eb_assert_readonly_mount OUT: the attack's fd was to a read-only mount of
# the binary, which no call could make writable.
eb_assert_readonly_mount() {
	local out
	out=$(cat "$1")
	eb_unchanged
	[[ "$out" != *WROTE* ]]
	grep -qx 'reopen for append: Read-only file system' <<<"$out"
	grep -qx 'reopen with truncate: Read-only file system' <<<"$out"
	# the mount is detached from every namespace: nothing to remount,
	# even with CAP_SYS_ADMIN
	grep -qx 'mount_setattr read-write: Invalid argument' <<<"$out"
	grep -qx 'remount read-write: Invalid argument' <<<"$out"
	grep -qx 'reopen for append again: Read-only file system' <<<"$out"
	grep -q 'running from a read-only mount of its binary' "$EB_LOG"
}

# eb_assert_sealed_copy OUT: the attack's fd was to the sealed copy in
# memory: it opens for writing, but no write or truncation gets through.
eb_assert_sealed_copy() {
	local out
	out=$(cat "$1")
	eb_unchanged
	[[ "$out" != *WROTE* ]]
	grep -qx 'reopen for append: ok' <<<"$out"
	grep -qx 'write: Operation not permitted' <<<"$out"
	grep -qx 'reopen with truncate: Operation not permitted' <<<"$out"
	grep -q 'running from a sealed copy of its binary in memory' "$EB_LOG"
}

# eb_memfd_reason: why this kernel runs no sealed copy, or nothing.
eb_memfd_reason() {
	if [ "$(cat /proc/sys/vm/memfd_noexec 2>/dev/null || echo 0)" = 2 ]; then
		echo "this kernel executes no memfd (vm.memfd_noexec = 2)"
	fi
}

# eb_mount_reason: why rlite cannot make a read-only mount of its binary
# on this kernel (it uses the sealed copy then), or nothing.
eb_mount_reason() {
	if ! rr_kernel_at_least 5 12; then
		echo "no mount_setattr in this kernel (Linux 5.12)"
	fi
}

# ---- the shim's exe, /proc/1/exe -------------------------------------------------------

# eb_shim_exe: the container (--init=always: pid 1 is rlite-init) opens
# /proc/1/exe O_PATH, tries to open it for writing at once, and hands the
# O_PATH fd to a second container; the first container ends, and the
# second, with every capability, attacks the file once no rlite runs.
eb_shim_exe() {
	eb_second /bin/hostbin keep /mnt/host/sock /mnt/host/go
	rr_wait_for grep -qx listening "$RR_DIR/second.out"
	eb_caps_ptrace
	rr_jq '.process.args = ["/bin/hostbin", "grab", "/mnt/host/sock", "/proc/1/exe"]'
	run eb_rlite --init=always run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	rr_show
	[ "$status" -eq 0 ]
	grep -qx 'open /proc/1/exe: ok' <<<"$output"
	# while the shim runs the file, no open for writing
	grep -qx 'open /proc/1/exe for append: Text file busy' <<<"$output"
	grep -qx sent <<<"$output"
	rr_wait_for grep -qx received "$RR_DIR/second.out"
	eb_attack "$RR_DIR/second.out"
}

@test "exeseal: /proc/1/exe, its fd passed on, written after rlite exited: a read-only mount" {
	local why
	why=$(eb_mount_reason)
	[ -z "$why" ] || skip "$why"
	eb_copy "$RR_DIR/bin"
	eb_shim_exe
	eb_assert_readonly_mount "$RR_DIR/second.out"
}

@test "exeseal: /proc/1/exe, its fd passed on, written after rlite exited: a sealed copy" {
	local why
	why=$(eb_memfd_reason)
	[ -z "$why" ] || skip "$why"
	eb_copy_unbindable
	eb_shim_exe
	eb_assert_sealed_copy "$RR_DIR/second.out"
}

@test "exeseal: without CAP_SYS_PTRACE /proc/1/exe cannot be opened at all" {
	eb_copy "$RR_DIR/bin"
	rr_jq '.process.args = ["/bin/hostbin", "grab", "/mnt/host/sock", "/proc/1/exe"]'
	run eb_rlite --init=always run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	rr_show
	[ "$status" -eq 0 ]
	# the shim is non-dumpable
	grep -qx 'open /proc/1/exe: Permission denied' <<<"$output"
	eb_unchanged
}

# ---- the exe of `rlite exec` on its way in -----------------------------------------------

# eb_exec_exe: a container (--init=never, every capability) watches its
# /proc for a process that is neither busybox nor itself while `rlite exec
# ... true` runs again and again, until it caught the exe of one before its
# execve (or was denied it: "denied PID").  With no rlite running any more
# it attacks the file.
eb_exec_exe() {
	local until=$1
	rr_jq '.process.args = ["/bin/hostbin", "catch", "/mnt/host/go"]'
	eb_rlite --init=never create --bundle "$RR_BUNDLE" "$RR_ID" </dev/null \
		>"$RR_DIR/catch.out" 2>&1
	eb_rlite start "$RR_ID"
	rr_wait_for grep -qx watching "$RR_DIR/catch.out"
	local deadline=$((EPOCHSECONDS + RR_DEADLINE))
	until grep -Eq "$until" "$RR_DIR/catch.out"; do
		if [ "$EPOCHSECONDS" -ge "$deadline" ]; then
			echo "no rlite exec seen in ${RR_DEADLINE}s"
			cat "$RR_DIR/catch.out"
			return 1
		fi
		eb_rlite exec "$RR_ID" true </dev/null
	done
	eb_attack "$RR_DIR/catch.out"
}

@test "exeseal: the exe of rlite exec, written after rlite exited: a read-only mount" {
	local why
	why=$(eb_mount_reason)
	[ -z "$why" ] || skip "$why"
	eb_copy "$RR_DIR/bin"
	rr_all_caps
	eb_exec_exe '^caught '
	# what ps shows for it is the runtime's name, not an fd number
	grep -q '^caught /proc/[0-9]*/exe, comm rlite$' "$RR_DIR/catch.out"
	eb_assert_readonly_mount "$RR_DIR/catch.out"
}

@test "exeseal: the exe of rlite exec, written after rlite exited: a sealed copy" {
	local why
	why=$(eb_memfd_reason)
	[ -z "$why" ] || skip "$why"
	eb_copy_unbindable
	rr_all_caps
	eb_exec_exe '^caught '
	grep -q '^caught /proc/[0-9]*/exe, comm rlite$' "$RR_DIR/catch.out"
	eb_assert_sealed_copy "$RR_DIR/catch.out"
}

@test "exeseal: without CAP_SYS_PTRACE the exe of rlite exec cannot be opened at all" {
	eb_copy "$RR_DIR/bin"
	eb_exec_exe '^(denied|caught) '
	grep -q '^denied ' "$RR_DIR/catch.out"
	[ "$(grep -c '^caught /proc' "$RR_DIR/catch.out")" = 0 ]
	eb_unchanged
}

# ---- when there is no read-only view -----------------------------------------------------

# eb_one_fd CMD...: runs CMD with fds 0-2 only and a limit of 4 fds: the
# one it may open is /proc/self/exe, then open_tree and memfd_create fail
# (EMFILE).  For `run`, which has no fd of bats to keep.
eb_one_fd() {
	local fds=("/proc/$BASHPID/fd/"*) fd
	for fd in "${fds[@]##*/}"; do
		if [ "$fd" -gt 2 ] && [ -e "/proc/$BASHPID/fd/$fd" ]; then
			eval "exec $fd>&-"
		fi
	done
	ulimit -n 4
	exec "$@"
}

# A read-only file system is not enough: a mount attached to the host's
# namespace can be made writable again, and an fd a container kept would
# write then.  Whether the mount rlite runs from is attached is asked of
# statmount(2) (Linux 6.8), else read from /proc/self/mountinfo: both ways
# are taken here, the second under a filter that makes statmount ENOSYS
# (457: its number on every architecture but alpha and mips).
@test "exeseal: a binary on a read-only mount of the host's namespace is re-executed all the same" {
	local why pid wrap
	why=$(eb_mount_reason)
	[ -z "$why" ] || skip "$why"
	eb_copy "$RR_DIR/ro"
	mount --bind "$RR_DIR/ro" "$RR_DIR/ro"
	mount -o remount,bind,ro "$RR_DIR/ro"
	run -2 sh -c ': >>"$1"' sh "$EB_BIN"
	[[ "$output" == *"Read-only file system"* ]]
	rr_jq '.process.args = ["sleep", "1000"]'
	for wrap in "" "$RL_HELPERS/nosyscall 457"; do
		echo "--- ${wrap:-statmount}"
		: >"$EB_LOG"
		# shellcheck disable=SC2086 # wrap is a command and its argument
		timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" $wrap "$EB_BIN" --root "$RR_STATE" \
			--log "$EB_LOG" --debug --init=always create --bundle "$RR_BUNDLE" "$RR_ID" \
			</dev/null >"$RR_DIR/create.out" 2>&1 || { cat "$RR_DIR/create.out"; false; }
		pid=$("$EB_BIN" --root "$RR_STATE" state "$RR_ID" | jq .pid)
		# pid 1 is the shim, a fork of the runtime as it ran: from the
		# detached view its exe is the view's root, the file ("/"); not
		# re-executed, it would be $EB_BIN
		readlink "/proc/$pid/exe"
		[ "$(readlink "/proc/$pid/exe")" = / ]
		grep -q 'running from a read-only mount of its binary' "$EB_LOG"
		eb_rlite delete --force "$RR_ID"
	done
}

@test "exeseal: where neither a read-only mount nor a sealed copy can be made, nothing runs" {
	eb_copy "$RR_DIR/bin"
	rr_jq '.process.args = ["touch", "/mnt/host/ran"]'
	run eb_one_fd env RR_TAG="$RR_ID" "$EB_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" \
		"$RR_ID" </dev/null
	echo "$status: $output"
	[ "$status" -eq 1 ]
	[[ "$output" == "rlite: cannot keep the rlite binary out of the container's reach (CVE-2019-5736): no read-only mount of it (open_tree: Too many open files), no sealed copy (memfd_create): Too many open files" ]]
	[ ! -e "$RR_HOST/ran" ]
	[ ! -e "$RR_STATE/$RR_ID" ]
}

@test "exeseal: _RLITE_EXESEAL from the caller does not make rlite run unprotected" {
	eb_copy "$RR_DIR/bin"
	rr_jq '.process.args = ["true"]'
	# with rlite's own pid (exec keeps it): "already re-executed", yet the
	# binary is writable: refused
	run env RR_TAG="$RR_ID" sh -c 'exec env _RLITE_EXESEAL=$$:rlite "$@"' sh \
		"$EB_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	echo "$status: $output"
	[ "$status" -eq 1 ]
	[ "$output" = "rlite: re-executed from a read-only view of its binary, /proc/self/exe is still writable" ]
	[ ! -e "$RR_STATE/$RR_ID" ]
	# with another pid: not rlite's own, ignored: rlite re-executes
	run env RR_TAG="$RR_ID" _RLITE_EXESEAL=1:rlite "$EB_BIN" --root "$RR_STATE" --log "$EB_LOG" \
		--debug run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	echo "$status: $output"
	[ "$status" -eq 0 ]
	grep -q 'running from a read-only mount of its binary' "$EB_LOG"
}
