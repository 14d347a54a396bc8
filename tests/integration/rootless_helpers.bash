# An unprivileged user made for one .bats file, and why this host cannot
# give such a user a user namespace.  Shared by the rootless tests:
# tests/integration/rootless.bats (`load rootless_helpers`) and
# tests/interop/podman_rootless.bats (`load ../integration/rootless_helpers`).
#
# rl_user_add in setup_file makes the user (no home, /bin/sh, group
# nogroup, no password) with 65536 subordinate uids and gids of its own in
# /etc/subuid and /etc/subgid; rl_user_del in teardown_file removes all of
# it again, also after a failure, and first ends every process running as
# the user or as one of its subordinate ids.

# rl_unpriv_userns_reason: why an unprivileged user gets no user namespace
# here, or nothing.  From the kernel's own files.
rl_unpriv_userns_reason() {
	local f
	if [ ! -e /proc/self/ns/user ] || [ "$(cat /proc/sys/user/max_user_namespaces)" -eq 0 ]; then
		echo "no user namespaces here (CONFIG_USER_NS, user.max_user_namespaces)"
		return
	fi
	# Debian's and Ubuntu's switch, and Ubuntu's AppArmor restriction
	f=/proc/sys/kernel/unprivileged_userns_clone
	if [ -r $f ] && [ "$(cat $f)" = 0 ]; then
		echo "unprivileged user namespaces are disabled ($f = 0)"
	fi
	f=/proc/sys/kernel/apparmor_restrict_unprivileged_userns
	if [ -r $f ] && [ "$(cat $f)" = 1 ]; then
		echo "AppArmor restricts unprivileged user namespaces ($f = 1)"
	fi
}

# rl_idmap_tools_reason: why the user's subordinate ids cannot be mapped
# (shadow's setuid newuidmap and newgidmap), or nothing.
rl_idmap_tools_reason() {
	local t p
	for t in newuidmap newgidmap; do
		if ! p=$(command -v $t); then
			echo "no $t (Debian: uidmap; make deps installs it)"
		elif [ ! -u "$p" ] && ! getcap "$p" 2>/dev/null | grep -q cap_setuid; then
			echo "$p is neither setuid nor given cap_setuid: it cannot map subordinate ids"
		fi
	done
}

# rl_user_add PREFIX: makes the user PREFIX<pid of the bats run>.  Exports
# RL_USER, RL_UID, RL_GID and RL_SUB (the first subordinate id, uid and gid
# alike).
rl_user_add() {
	# Named before it exists, so that rl_user_del cleans up after a
	# useradd that failed half way.
	RL_USER=$1$$
	export RL_USER
	# No automatic range: the user gets its own.
	useradd -M -N -g nogroup -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$RL_USER"
	RL_UID=$(id -u "$RL_USER")
	RL_GID=$(id -g "$RL_USER")
	# Subordinate ids far above what useradd hands out (SUB_UID_MAX), placed
	# by the user's uid: users of files that run at the same time (other
	# files, other checkouts) have other uids, and so other ranges.
	RL_SUB=$((2000000000 + (RL_UID % 10000) * 65536))
	usermod --add-subuids "$RL_SUB-$((RL_SUB + 65535))" \
		--add-subgids "$RL_SUB-$((RL_SUB + 65535))" "$RL_USER"
	export RL_UID RL_GID RL_SUB
}

# rl_user_pids: the processes running as the user or as one of its
# subordinate ids (real or effective uid), zombies included.
rl_user_pids() {
	[ -n "${RL_UID:-}" ] || return 0
	local f pid line ruid euid
	# Builtins only: this runs in polling loops, over every process.
	for f in /proc/[0-9]*/status; do
		pid=${f#/proc/}
		pid=${pid%/status}
		line=
		while read -r line; do
			[[ $line == Uid:* ]] && break
		done 2>/dev/null <"$f" || continue
		read -r _ ruid euid _ <<<"$line"
		if rl_user_id "$ruid" || rl_user_id "$euid"; then
			echo "$pid"
		fi
	done
}

# rl_user_id UID: UID is the user's or one of its subordinate ids.
rl_user_id() {
	[ -n "$1" ] && { [ "$1" = "$RL_UID" ] || { [ "$1" -ge "$RL_SUB" ] && [ "$1" -lt $((RL_SUB + 65536)) ]; }; }
}

rl_user_has_no_pids() {
	[ -z "$(rl_user_pids)" ]
}

# rl_user_del: ends the user's processes, then removes the user and its
# subordinate ranges.  userdel refuses a user that still has processes, and
# a killed process stays a zombie until its parent (often pid 1) reaps it:
# so the kill is repeated until none is left (up to 30 s), and userdel
# --force does it when that did not happen.
rl_user_del() {
	[ -n "${RL_USER:-}" ] || return 0
	if id "$RL_USER" >/dev/null 2>&1; then
		local deadline=$((EPOCHSECONDS + 30)) pid
		while ! rl_user_has_no_pids && [ "$EPOCHSECONDS" -lt "$deadline" ]; do
			for pid in $(rl_user_pids); do
				kill -9 "$pid" 2>/dev/null || true
			done
			sleep 0.1
		done
		if ! userdel "$RL_USER" 2>/dev/null; then
			echo "userdel $RL_USER: processes left: $(rl_user_pids | tr '\n' ' ')" >&2
			userdel --force "$RL_USER" || true
		fi
	fi
	# userdel removes the user's ranges; make sure.
	sed -i "/^$RL_USER:/d" /etc/subuid /etc/subgid
}
