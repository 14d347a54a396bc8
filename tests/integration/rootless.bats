#!/usr/bin/env bats
# Rootless: rlite run by an unprivileged user (runc's --rootless).  The
# suite runs as root, so setup_file makes that user (no home, a shell, no
# password) with a range of subordinate ids in /etc/subuid and /etc/subgid,
# and teardown_file removes them again, also after a failure.  Every
# command of a test runs as that user through runuser, with rlite copied
# to a 0755 directory it can reach (the checkout may not be traversable).
#
# What is checked is what the user sees: the maps from inside
# (/proc/self/uid_map), the owner on the host of a file made inside, where
# the state lives ($XDG_RUNTIME_DIR/rlite, /run/user/UID/rlite, never
# /run/rlite), that no cgroup is made without delegation, and that nothing
# is left behind.  Skips come from the kernel's own files
# (rl_unpriv_userns_reason).  The user and its ranges: rootless_helpers.bash.

# jq filters and container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load run_helpers
load rootless_helpers

setup_file() {
	rr_setup_file
	rl_user_add rlrootless
	mkdir "$RR_BASE/bin"
	install -m 0755 "$RLITE_BIN" "$RR_BASE/bin/rlite"
	RL_BIN=$RR_BASE/bin/rlite
	export RL_BIN
}

teardown_file() {
	rl_user_del
	rr_teardown_file
}

setup() {
	local why
	why=$(rl_unpriv_userns_reason)
	[ -z "$why" ] || skip "$why"
	rr_setup
	# Everything of the test belongs to the user: its bundle (so that
	# what the container's root makes lands there) and its runtime dir.
	RL_XDG=$RR_DIR/xdg
	RR_STATE=$RL_XDG/rlite
	mkdir -m 0700 "$RL_XDG"
	chown -R "$RL_USER:" "$RR_BUNDLE" "$RL_XDG"
	rm "$RR_BUNDLE/config.json"
	rl_as spec --rootless --bundle "$RR_BUNDLE"
	rr_jq '.process.env += ["RR_TAG=" + $tag] | .root.readonly = false' --arg tag "$RR_ID"
}

teardown() {
	if [ -n "${RR_ID:-}" ] && [ -d "${RL_XDG:-/nonexistent}" ]; then
		rl_as delete --force "$RR_ID" >/dev/null 2>&1 || true
	fi
	rr_teardown
	# /run/user/UID (and /run/user) when the test made them
	if [ -n "${RL_RUN_USER_DIR:-}" ]; then
		rm -rf --one-file-system "$RL_RUN_USER_DIR"
		[ -z "${RL_RUN_USER_PARENT:-}" ] || rmdir "$RL_RUN_USER_PARENT" 2>/dev/null || true
	fi
}

# rl_as ARGS...: rlite ARGS as the test user, with its XDG_RUNTIME_DIR.
rl_as() {
	timeout -k 5 "$RR_GUARD" runuser -u "$RL_USER" -- \
		env XDG_RUNTIME_DIR="$RL_XDG" RR_TAG="$RR_ID" "$RL_BIN" "$@" </dev/null
}

# rl_stopped: the state the user's rlite shows is stopped.
rl_stopped() {
	[ "$(rl_as state "$RR_ID" | jq -r .status)" = stopped ]
}

# rl_args JSON: the container's process.args.
rl_args() {
	rr_jq '.process.args = $a' --argjson a "$1"
}

@test "spec --rootless as the user: its ids are 0 inside, one of each" {
	run -0 jq -c '[.linux.uidMappings, .linux.gidMappings]' "$RR_BUNDLE/config.json"
	[ "$output" = '[[{"containerID":0,"hostID":'"$RL_UID"',"size":1}],[{"containerID":0,"hostID":'"$RL_GID"',"size":1}]]' ]
	rl_args '["sh","-c","id -u; id -g; cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; exit 3"]'
	run -3 rl_as run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[ "${lines[0]}" = 0 ] && [ "${lines[1]}" = 0 ]
	read -r a b c <<<"${lines[2]}"
	[ "$a $b $c" = "0 $RL_UID 1" ]
	read -r a b c <<<"${lines[3]}"
	[ "$a $b $c" = "0 $RL_GID 1" ]
	# written directly, so the kernel demands setgroups denied
	[ "${lines[4]}" = deny ]
	# foreground run removed the container
	[ -z "$(ls -A "$RR_STATE")" ]
	[ ! -e "/run/rlite/$RR_ID" ]
}

@test "a file the container's root makes belongs to the user on the host" {
	rl_args '["sh","-c","echo hi >/tmp/made && mkdir /tmp/dir && ls -ln /tmp/made"]'
	run -0 rl_as run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[[ "$output" == *" 0 "*" 0 "*"/tmp/made"* ]]
	[ "$(stat -c %u:%g "$RR_BUNDLE/rootfs/tmp/made")" = "$RL_UID:$RL_GID" ]
	[ "$(stat -c %u:%g "$RR_BUNDLE/rootfs/tmp/dir")" = "$RL_UID:$RL_GID" ]
}

@test "create, state, list, start, kill, delete as the user; state under XDG_RUNTIME_DIR" {
	rl_args '["sleep","1000"]'
	# the init keeps create's stdout: a file, not bats' pipe
	rl_as create --bundle "$RR_BUNDLE" "$RR_ID" >"$RR_DIR/out" 2>&1
	[ ! -s "$RR_DIR/out" ]
	[ -f "$RL_XDG/rlite/$RR_ID/state.json" ]
	[ "$(stat -c %U "$RL_XDG/rlite/$RR_ID")" = "$RL_USER" ]
	[ ! -e "/run/rlite/$RR_ID" ]
	run -0 rl_as state "$RR_ID"
	[ "$(jq -r '.status + " " + .owner' <<<"$output")" = "created $RL_USER" ]
	run -0 rl_as start "$RR_ID"
	run -0 rl_as list
	[[ "${lines[1]}" =~ ^$RR_ID\ +[0-9]+\ +running\ +$RR_BUNDLE\ .*\ $RL_USER$ ]]
	pid=$(rl_as state "$RR_ID" | jq .pid)
	# the init runs as the user on the host
	[ "$(stat -c %u "/proc/$pid")" = "$RL_UID" ]
	run -0 rl_as kill "$RR_ID" KILL
	rr_wait_for rl_stopped
	run -0 rl_as delete "$RR_ID"
	[ ! -e "$RL_XDG/rlite/$RR_ID" ]
	run -1 rl_as state "$RR_ID"
	[[ "$output" == *"container does not exist"* ]]
}

# rl_sleep_shown: the container's pid 2 is named sleep.  busybox's
# `exec sleep` is an execve of /proc/self/exe: the kernel names the
# process "exe" until busybox renames it, a moment later.
rl_sleep_shown() {
	rl_as exec "$RR_ID" ps -o pid,comm | grep -q '^ *2 sleep$'
}

@test "run -d, exec, logs, kill, delete as the user: the monitor and the shim work rootless" {
	rl_args '["sh","-c","echo started; exec sleep 1000"]'
	run -0 rl_as run -d --bundle "$RR_BUNDLE" "$RR_ID"
	[ -z "$output" ]
	rr_wait_for sh -c "grep -q started '$RR_STATE/$RR_ID/container.log'"
	rr_wait_for rl_sleep_shown
	run -0 rl_as exec "$RR_ID" sh -c 'cat /proc/self/uid_map; ps -o pid,comm'
	echo "$output"
	read -r a b c <<<"${lines[0]}"
	[ "$a $b $c" = "0 $RL_UID 1" ]
	[[ "$output" == *"1 rlite-init"* ]]
	[[ "$output" == *"2 sleep"* ]]
	run -0 rl_as logs "$RR_ID"
	[ "$output" = started ]
	# the monitor and the container run as the user
	pid=$(rl_as state "$RR_ID" | jq .pid)
	[ "$(stat -c %u "/proc/$pid")" = "$RL_UID" ]
	[ "$(stat -c %u "/proc/$(ps -o ppid= -p "$pid" | tr -d ' ')")" = "$RL_UID" ]
	run -0 rl_as kill "$RR_ID" TERM
	rr_wait_for rr_gone "$pid"
	run -0 rl_as state "$RR_ID"
	[ "$(jq -r .status <<<"$output")" = stopped ]
	run -0 rl_as delete "$RR_ID"
	[ ! -e "$RR_STATE/$RR_ID" ]
	rr_wait_for rr_no_tagged_pids
}

@test "without delegation no cgroup is made; a memory limit is refused naming the field" {
	rl_args '["cat","/proc/self/cgroup"]'
	run -0 rl_as run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	# the container stays in the cgroups the user's rlite was in: no
	# directory named after it anywhere
	[ -z "$(find /sys/fs/cgroup -type d -name "*$RR_ID*" 2>/dev/null)" ]
	rr_jq '.linux.resources = {"memory": {"limit": 67108864}}'
	run -1 rl_as run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[[ "$output" == "rlite: config.json: linux.resources.memory: cannot be applied: rootless, without a delegated cgroup ("*"Permission denied)" ]]
	[ -z "$(ls -A "$RR_STATE")" ]
	[ -z "$(find /sys/fs/cgroup -type d -name "*$RR_ID*" 2>/dev/null)" ]
	rr_wait_for rr_no_tagged_pids
}

@test "--rootless false as the user: cgroups are required, and fail" {
	rl_args '["true"]'
	run -1 rl_as --rootless false run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[[ "$output" == *cgroup*"Permission denied"* ]]
	[ -z "$(ls -A "$RR_STATE")" ]
	run -0 rl_as --rootless=auto run --bundle "$RR_BUNDLE" "$RR_ID"
}

@test "without XDG_RUNTIME_DIR the state is under /run/user/UID/rlite, never /run/rlite" {
	rl_args '["sleep","1000"]'
	if [ -e "/run/user/$RL_UID" ]; then
		skip "/run/user/$RL_UID exists already (a login manager's): not this test's"
	fi
	RL_RUN_USER_DIR=/run/user/$RL_UID
	# no login manager made it: the error names it, and nothing is left
	run -1 timeout "$RR_GUARD" runuser -u "$RL_USER" -- env -u XDG_RUNTIME_DIR \
		"$RL_BIN" create --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[[ "$output" == "rlite: state root \"/run/user/$RL_UID/rlite\": mkdir \"/run/user"*"Permission denied" ]]
	[ ! -e "/run/rlite/$RR_ID" ]
	rr_wait_for rr_no_tagged_pids
	# what pam_systemd would make at login
	if [ ! -d /run/user ]; then
		mkdir /run/user
		RL_RUN_USER_PARENT=/run/user
	fi
	mkdir -m 0700 "$RL_RUN_USER_DIR"
	chown "$RL_USER:" "$RL_RUN_USER_DIR"
	timeout "$RR_GUARD" runuser -u "$RL_USER" -- env -u XDG_RUNTIME_DIR RR_TAG="$RR_ID" \
		"$RL_BIN" create --bundle "$RR_BUNDLE" "$RR_ID" </dev/null >"$RR_DIR/out" 2>&1
	[ -f "$RL_RUN_USER_DIR/rlite/$RR_ID/state.json" ]
	[ ! -e "/run/rlite/$RR_ID" ]
	run -0 timeout "$RR_GUARD" runuser -u "$RL_USER" -- env -u XDG_RUNTIME_DIR \
		"$RL_BIN" delete --force "$RR_ID"
	[ ! -e "$RL_RUN_USER_DIR/rlite/$RR_ID" ]
}

@test "the devices are the host's nodes, bound; the container cannot make one" {
	rl_args '["sh","-c","stat -c %t:%T /dev/null /dev/zero; echo x >/dev/null && echo wrote; mknod /tmp/n c 1 3 || echo mknod refused"]'
	run -0 rl_as run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[ "${lines[0]}" = 1:3 ] && [ "${lines[1]}" = 1:5 ]
	[ "${lines[2]}" = wrote ]
	[ "${lines[4]}" = "mknod refused" ]
	[ ! -e "$RR_BUNDLE/rootfs/tmp/n" ]
}

@test "the container's root gains nothing the user lacks: a root-only host directory stays closed" {
	mkdir -m 0700 "$RR_DIR/secret"
	echo s >"$RR_DIR/secret/f"
	rr_jq '.mounts += [{"destination": "/secret", "type": "bind", "source": $s, "options": ["rbind", "ro"]}]' \
		--arg s "$RR_DIR/secret"
	rl_args '["sh","-c","cat /secret/f || echo refused; stat -c %U /secret"]'
	run -0 rl_as run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[[ "${lines[0]}" == *"Permission denied" ]]
	[ "${lines[1]}" = refused ]
	# the host's root is nobody inside
	[ "${lines[2]}" = nobody ]
}

@test "a mount's gid= the namespace does not map is refused naming it" {
	rr_jq '(.mounts[] | select(.destination == "/dev/pts") | .options) += ["gid=5"]'
	run -1 rl_as run --bundle "$RR_BUNDLE" "$RR_ID"
	[ "$output" = 'rlite: config.json: mounts[2].options[5]: "gid=5": gid 5 is not mapped in linux.gidMappings' ]
	[ -z "$(ls -A "$RR_STATE" 2>/dev/null)" ]
}

@test "more than the user's own id: newuidmap/newgidmap map its subordinate range" {
	command -v newuidmap >/dev/null || skip "no newuidmap (Debian: uidmap; make deps installs it)"
	rr_jq '.linux.uidMappings = [{"containerID": 0, "hostID": $u, "size": 1},
			{"containerID": 1, "hostID": $s, "size": 65536}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": $g, "size": 1},
			{"containerID": 1, "hostID": $s, "size": 65536}]
		| .process.capabilities.bounding += ["CAP_CHOWN"]
		| .process.capabilities.effective += ["CAP_CHOWN"]
		| .process.capabilities.permitted += ["CAP_CHOWN"]' \
		--argjson u "$RL_UID" --argjson g "$RL_GID" --argjson s "$RL_SUB"
	rl_args '["sh","-c","cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; touch /tmp/sub; chown 1000:1000 /tmp/sub"]'
	run -0 rl_as run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	read -r a b c <<<"${lines[1]}"
	[ "$a $b $c" = "1 $RL_SUB 65536" ]
	read -r a b c <<<"${lines[3]}"
	[ "$a $b $c" = "1 $RL_SUB 65536" ]
	# newgidmap, not the kernel's unprivileged path: setgroups stays allowed
	[ "${lines[4]}" = allow ]
	# the container's uid 1000 is the user's subordinate id 999 places on
	[ "$(stat -c %u:%g "$RR_BUNDLE/rootfs/tmp/sub")" = "$((RL_SUB + 999)):$((RL_SUB + 999))" ]
}

@test "additionalGids: refused with only the user's own gid mapped, given through newgidmap" {
	rr_jq '.process.user.additionalGids = [0]'
	run -1 rl_as run --bundle "$RR_BUNDLE" "$RR_ID"
	[[ "$output" == 'rlite: config.json: process.user.additionalGids: cannot be set: '* ]]
	[[ "$output" == *'/etc/subgid (newgidmap)' ]]
	[ -z "$(ls -A "$RR_STATE" 2>/dev/null)" ]
	rr_jq '.process.user.additionalGids = [70000]'
	run -1 rl_as run --bundle "$RR_BUNDLE" "$RR_ID"
	[ "$output" = 'rlite: config.json: process.user.additionalGids[0]: 70000 is not mapped in linux.gidMappings' ]
	[ -z "$(ls -A "$RR_STATE" 2>/dev/null)" ]
	command -v newgidmap >/dev/null || skip "no newgidmap (Debian: uidmap; make deps installs it)"
	rr_jq '.linux.gidMappings = [{"containerID": 0, "hostID": $g, "size": 1},
			{"containerID": 1, "hostID": $s, "size": 65536}]
		| .process.user.additionalGids = [1, 1000]' --argjson g "$RL_GID" --argjson s "$RL_SUB"
	rl_args '["sh","-c","id -G"]'
	run -0 rl_as run --bundle "$RR_BUNDLE" "$RR_ID"
	echo "$output"
	[ "$output" = "0 1 1000" ]
}

@test "a range /etc/subuid does not give the user is refused naming the mapping" {
	rr_jq '.linux.uidMappings += [{"containerID": 1, "hostID": 100000, "size": 10}]'
	run -1 rl_as run --bundle "$RR_BUNDLE" "$RR_ID"
	[ "$output" = "rlite: config.json: linux.uidMappings[1]: host ids 100000-100009 are not $RL_USER's to map (not in /etc/subuid)" ]
	[ -z "$(ls -A "$RR_STATE")" ]
	rr_wait_for rr_no_tagged_pids
}
