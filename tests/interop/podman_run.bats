#!/usr/bin/env bats
# podman run --rm on the runtime under test: each option as a user sees its
# effect from inside the container (or on the host), the workload's output
# and exit status through conmon, and nothing left once it is gone.
# podman, conmon and catatonit are Debian's; the state is the file's own
# (podman_helpers.bash).  INTEROP_RUNTIME=runc runs the same against runc.

# Container scripts are in single quotes on purpose; stderr is bats' (run).
# shellcheck disable=SC2016,SC2154

load podman_helpers

setup_file() {
	pm_setup_file
}

teardown_file() {
	pm_teardown_file
}

setup() {
	pm_setup
	PR_DIR=$IO_BASE/t$BATS_TEST_NUMBER
	mkdir -p "$PR_DIR"
	PR_BG=
}

teardown() {
	if [ -n "${PR_BG:-}" ]; then
		kill -9 "$PR_BG" 2>/dev/null || true
		wait "$PR_BG" 2>/dev/null || true
	fi
	pm_teardown
}

# pr_run [-N] [PODMAN RUN OPTIONS] -- COMMAND...: `podman run --rm` of the
# image, through io_run ($status, $output, $stderr).
pr_run() {
	local check=()
	if [[ $1 == -[0-9]* ]]; then
		check=("$1")
		shift
	fi
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	io_run "${check[@]}" pm run --rm "${opts[@]}" "$PM_IMAGE" "$@"
}

# A cgroup file of the container as it sees it: cgroup v1 controller file,
# else the v2 one.  Run inside the container.
# shellcheck disable=SC2034
PR_CG='cg() { cat "/sys/fs/cgroup/$1/$2" 2>/dev/null || cat "/sys/fs/cgroup/$3"; }'

@test "podman run --rm: the workload's stdout, stderr and exit status; nothing is left" {
	pr_run -3 --cidfile "$PR_DIR/cid" -- sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'
	[ "$output" = to-stdout ]
	[[ "$stderr" == *to-stderr* ]]
	pm_assert_gone "$(cat "$PR_DIR/cid")"
	io_run pm ps -a -q
	[ -z "$output" ]
}

@test "podman run --rm: killed from outside, the run ends with 137; nothing is left" {
	# (Not a workload that kills itself: with runc it is pid 1 of its pid
	# namespace, which no signal from inside that namespace can kill.)
	pm run --rm --name c1 --cidfile "$PR_DIR/cid" "$PM_IMAGE" \
		sh -c 'echo ready; while :; do sleep 0.1; done' >"$PR_DIR/out" 2>&1 &
	PR_BG=$!
	io_wait_until 20 grep -qx ready "$PR_DIR/out"
	io_run -0 pm kill -s KILL c1
	local rc=0
	wait "$PR_BG" || rc=$?
	PR_BG=
	[ "$rc" = 137 ]
	pm_assert_gone "$(cat "$PR_DIR/cid")"
}

@test "podman run --rm: a missing program is exit status 127, with the runtime's message" {
	# podman reads the runtime's error (its --log, in JSON) and maps "not
	# found" to 127, as for runc.
	pr_run -127 -- /no/such-program
	[[ "$stderr" == *'/no/such-program'* ]]
}

@test "podman run --hostname: the container's hostname, the host's untouched" {
	local before
	before=$(hostname)
	pr_run -0 --hostname interop-box -- sh -c 'hostname; cat /proc/sys/kernel/hostname'
	[ "${lines[0]}" = interop-box ]
	[ "${lines[1]}" = interop-box ]
	[ "$(hostname)" = "$before" ]
}

@test "podman run --user: uid and gid, by number and by name from the image's passwd" {
	pr_run -0 --user 65534:65534 -- sh -c 'id -u; id -g'
	[ "${lines[*]}" = "65534 65534" ]
	pr_run -0 --user nobody -- id -un
	[ "$output" = nobody ]
	pr_run -0 -- id -u
	[ "$output" = 0 ]
}

@test "podman run --workdir: the process starts there" {
	pr_run -0 --workdir /var/tmp -- pwd
	[ "$output" = /var/tmp ]
	pr_run -0 -- pwd
	[ "$output" = / ]
}

@test "podman run -e: the variables, values with spaces, and podman's own" {
	pr_run -0 -e FOO=bar -e 'SPACED=a b  c' -- sh -c 'echo "$FOO|$SPACED|$container"; echo "$PATH"'
	[ "${lines[0]}" = 'bar|a b  c|podman' ]
	[[ "${lines[1]}" == */bin* ]]
}

@test "podman run --read-only: the root refuses writes; --tmpfs and /tmp are writable" {
	pr_run -1 --read-only -- sh -c 'touch /newfile'
	[[ "$stderr" == *'Read-only file system'* ]]
	pr_run -0 --read-only --tmpfs /scratch:size=1m -- \
		sh -c 'echo x >/scratch/f && cat /scratch/f && touch /tmp/f && grep " /scratch " /proc/mounts'
	[ "${lines[0]}" = x ]
	[[ "${lines[1]}" == 'tmpfs /scratch tmpfs '* ]]
	[[ "${lines[1]}" == *size=1024k* ]]
}

@test "podman run -v: a bind mount read-write, and read-only" {
	local host=$PR_DIR/vol
	mkdir -p "$host"
	echo from-host >"$host/in"
	pr_run -0 -v "$host:/data" -- sh -c 'cat /data/in; echo from-container >/data/out'
	[ "$output" = from-host ]
	[ "$(cat "$host/out")" = from-container ]

	pr_run -1 -v "$host:/data:ro" -- sh -c 'cat /data/in; echo again >/data/out2'
	[ "$output" = from-host ]
	[[ "$stderr" == *'Read-only file system'* ]]
	[ ! -e "$host/out2" ]
}

@test "podman run --cap-drop, --cap-add: what the workload may do" {
	# podman's defaults have CAP_CHOWN, not CAP_NET_ADMIN.
	pr_run -0 -- sh -c 'touch /tmp/f && chown 65534 /tmp/f && stat -c %u /tmp/f'
	[ "$output" = 65534 ]
	pr_run -1 --cap-drop CHOWN -- sh -c 'touch /tmp/f && chown 65534 /tmp/f'
	[[ "$stderr" == *'Operation not permitted'* ]]

	pr_run -- ip link set lo down
	[ "$status" -ne 0 ]
	[[ "$stderr" == *'Operation not permitted'* ]]
	pr_run -0 --cap-add NET_ADMIN -- sh -c 'ip link set lo down && ip -o link show lo'
	[[ "$output" != *',UP'* ]]
	pr_run -0 --cap-drop ALL -- sh -c 'grep CapEff /proc/self/status'
	[ "$output" = "CapEff:	0000000000000000" ]
}

@test "podman run --device: the node is there and may be opened; without it, refused" {
	[ -c /dev/fuse ] || skip "this host has no /dev/fuse to pass in"
	pr_run -0 --device /dev/fuse -- sh -c 'stat -c "%F %t:%T" /dev/fuse && : <>/dev/fuse && echo opened'
	[ "${lines[0]}" = "character special file a:e5" ]
	[ "${lines[1]}" = opened ]
	# Without --device the node is missing, and one made with mknod (podman
	# gives CAP_MKNOD) cannot be opened: the device cgroup refuses it.
	pr_run -1 -- sh -c '[ ! -e /dev/fuse ] && echo absent && mknod /tmp/fuse c 10 229 && : <>/tmp/fuse'
	[ "$output" = absent ]
	[[ "$stderr" == *'Operation not permitted'* ]]
}

@test "podman run --security-opt no-new-privileges: the process has no_new_privs" {
	pr_run -0 --security-opt no-new-privileges -- grep NoNewPrivs /proc/self/status
	[ "$output" = "NoNewPrivs:	1" ]
	pr_run -0 -- grep NoNewPrivs /proc/self/status
	[ "$output" = "NoNewPrivs:	0" ]
}

@test "podman run --ulimit: soft and hard limits; the suite's default_ulimits otherwise" {
	pr_run -0 --ulimit nofile=100:200 --ulimit nproc=50:60 -- \
		sh -c 'echo $(ulimit -n) $(ulimit -Hn) $(ulimit -u) $(ulimit -Hu)'
	[ "$output" = "100 200 50 60" ]
	pr_run -0 -- sh -c 'echo $(ulimit -n) $(ulimit -Hn) $(ulimit -u) $(ulimit -Hu)'
	[ "$output" = "1024 1024 4096 4096" ]
}

@test "podman run --ulimit nofile alone: podman's nproc default fails here, with the runtime's reason" {
	# The containers.conf comment (podman_helpers.bash) says why; a host
	# where root may raise hard limits would start this container.
	local bnd
	bnd=$(awk '$1 == "CapBnd:" { print $2 }' /proc/self/status)
	if (((16#$bnd >> 24) & 1)); then
		skip "CAP_SYS_RESOURCE (24) is in the bounding set: the limit can be raised"
	fi
	[ "$(ulimit -Hu)" = unlimited ] && skip "the hard nproc limit is unlimited here"
	pr_run -126 --ulimit nofile=100:200 -- true
	[[ "${stderr,,}" == *rlimit* ]]
	[[ "$stderr" == *'permission denied'* ]]
}

@test "podman run --memory: the container's memory cgroup has the limit" {
	pr_run -0 --memory 64m -- sh -c "$PR_CG"'; cg memory memory.limit_in_bytes memory.max'
	[ "$output" = 67108864 ]
}

@test "podman run --cpus: the CFS quota and period" {
	pr_run -0 --cpus 0.5 -- sh -c "$PR_CG"'
		if [ -e /sys/fs/cgroup/cpu.max ]; then cat /sys/fs/cgroup/cpu.max
		else echo $(cg cpu cpu.cfs_quota_us) $(cg cpu cpu.cfs_period_us); fi'
	[ "$output" = "50000 100000" ]
}

@test "podman run --pids-limit: the limit holds, forks past it fail" {
	# A background job the shell cannot fork ends the (sub)shell with an
	# error: the subshell's status says a fork failed.
	pr_run -0 --pids-limit 12 -- sh -c "$PR_CG"'; cg pids pids.max pids.max
		(for i in $(seq 20); do sleep 30 & done) 2>/dev/null && echo all-forked || echo fork-failed
		cg pids pids.current pids.current'
	[ "${lines[0]}" = 12 ]
	[ "${lines[1]}" = fork-failed ]
	[ "${lines[2]}" -le 12 ]
}

@test "podman run --init: podman's catatonit is pid 1, the workload's parent" {
	# podman bind-mounts catatonit on /run/podman-init and makes it
	# process.args[0].  rlite's default (--init=auto) sees an init of the
	# caller's own there and adds no pid-1 shim in front of it: catatonit
	# is pid 1, as with runc, and the workload is its child.
	pr_run -0 --init -- sh -c 'tr "\0" " " </proc/$PPID/cmdline; echo; echo $PPID; echo $$'
	[[ "${lines[0]}" == '/run/podman-init -- sh -c '* ]]
	[ "${lines[1]}" = 1 ]
	[ "${lines[2]}" != 1 ]
}

@test "podman run -t: the workload has a terminal, and its exit status comes back" {
	io_run -3 pm_tty run --rm -t "$PM_IMAGE" sh -c 'tty; [ -t 0 ] && [ -t 1 ] && echo both-tty; exit 3' </dev/null
	[[ "$output" == *'/dev/pts/0'* ]]
	[[ "$output" == *both-tty* ]]
}

@test "podman run -it: what is typed reaches the workload" {
	io_run -4 pm_tty run --rm -it "$PM_IMAGE" sh -c 'read -r line; echo "got:$line"; exit 4' \
		< <(echo typed-in)
	[[ "$output" == *'got:typed-in'* ]]
}
