#!/usr/bin/env bats
# The command line as a user meets it: global options, and `rlite spec`.

load helpers

setup() {
	rl_tmpdir_setup
}

teardown() {
	rl_tmpdir_teardown
}

@test "--version prints the rlite, spec and library versions" {
	run -0 --separate-stderr rlite --version
	[[ "${lines[0]}" =~ ^rlite\ version\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
	[[ "${lines[1]}" =~ ^commit:\ [A-Za-z0-9._+-]+$ ]]
	[[ "$output" =~ (^|$'\n')spec:\ 1\.[0-9]+\.[0-9]+($'\n'|$) ]]
	[[ "$output" == *$'\n'yajl:\ * ]]
	[[ "$output" =~ ($'\n')libmount:\ [0-9]+\.[0-9]+ ]]
	[[ "$output" == *$'\n'libseccomp:\ * ]]
	[ -z "$stderr" ]
}

@test "--version names the commit the binary was built from" {
	run -0 rlite --version
	commit=${lines[1]#commit: }
	top=$BATS_TEST_DIRNAME/../..
	if ! git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
		[ "$commit" = unknown ]
		return
	fi
	# git describe's output, "-dirty" when the tree had changes
	[ "$(git -C "$top" rev-parse --verify "${commit%-dirty}^{commit}")" = \
		"$(git -C "$top" rev-parse HEAD)" ]
}

@test "--help lists the commands on stdout" {
	run -0 --separate-stderr rlite --help
	[[ "$output" == usage:\ rlite* ]]
	[[ "$output" == *Commands:* ]]
	[[ "$output" =~ $'\n'\ +spec\ +write\ a\ default\ config\.json ]]
	[ -z "$stderr" ]
}

@test "no command prints the usage to stderr and fails" {
	run -2 --separate-stderr rlite
	[ -z "$output" ]
	[[ "$stderr" == usage:\ rlite* ]]
}

@test "an unknown command fails with runc's words and status" {
	run -3 --separate-stderr rlite frobnicate
	[ "$stderr" = "rlite: No help topic for 'frobnicate'" ]
	[ -z "$output" ]
	# what runc 1.1 prints for the same (as a log line) and its status
	if command -v runc >/dev/null; then
		run -3 --separate-stderr runc frobnicate
		[[ "$stderr" == *"No help topic for 'frobnicate'"* ]]
	fi
}

@test "an unknown global option fails with runc's words" {
	run -1 --separate-stderr rlite --frobnicate spec
	[ "$stderr" = 'rlite: flag provided but not defined: -frobnicate' ]
	# the command after it must not have run
	cd "$RL_TMP"
	[ ! -e config.json ]
	run -1 --separate-stderr rlite --frob=1 list
	[ "$stderr" = 'rlite: flag provided but not defined: -frob' ]
	run -1 --separate-stderr rlite -x list
	[ "$stderr" = 'rlite: flag provided but not defined: -x' ]
	if command -v runc >/dev/null; then
		run -1 --separate-stderr runc --frobnicate spec
		[[ "$stderr" == *'flag provided but not defined: -frobnicate'* ]]
	fi
}

@test "runc's global flags are accepted in both forms before the command" {
	mkdir "$RL_TMP/root"
	for flags in "--root $RL_TMP/root" "--root=$RL_TMP/root" "-root $RL_TMP/root" \
		"--root $RL_TMP/root --log $RL_TMP/log --log-format json" \
		"--root $RL_TMP/root --log=$RL_TMP/log --log-format=text" \
		"--root $RL_TMP/root --debug" "--root $RL_TMP/root --systemd-cgroup" \
		"--root $RL_TMP/root --rootless" "--root $RL_TMP/root --rootless true" \
		"--root $RL_TMP/root --rootless false" "--root $RL_TMP/root --rootless=auto" \
		"--root $RL_TMP/root --cgroup-manager systemd" \
		"--root $RL_TMP/root --criu /usr/sbin/criu --no-subreaper"; do
		# shellcheck disable=SC2086 # the words of $flags on purpose
		run -0 --separate-stderr rlite $flags list -q
		[ -z "$output" ] && [ -z "$stderr" ]
	done
	[ ! -s "$RL_TMP/log" ]
}

@test "--help documents every global flag" {
	run -0 rlite --help
	for f in --root --log --log-format --debug --systemd-cgroup --cgroup-manager \
		--rootless --criu --no-subreaper --version --help; do
		[[ "$output" == *"  $f"[\ ,=]* ]] || { echo "missing: $f"; false; }
	done
	[[ "$output" == *"text|json"* ]]
	[[ "$output" == *"true|false|auto"* ]]
}

@test "--rootless takes true, false or auto only, as runc" {
	mkdir "$RL_TMP/root"
	for v in --rootless=maybe "--rootless=" -rootless=yes; do
		run -1 --separate-stderr rlite --root "$RL_TMP/root" $v list -q
		[ "$stderr" = "rlite: --rootless: must be true, false or auto, not \"${v#*=}\"" ]
	done
}

@test "a global option without its value fails" {
	run -1 --separate-stderr rlite --root
	[ "$stderr" = 'rlite: option --root needs a value' ]
}

@test "an empty --root is refused, in both forms, and touches nothing" {
	cd "$RL_TMP"
	run -1 --separate-stderr rlite --root '' list
	[ "$stderr" = 'rlite: --root: must not be empty' ]
	[ -z "$output" ]
	run -1 --separate-stderr rlite --root= delete --force rl-empty-root-$$
	[ "$stderr" = 'rlite: --root: must not be empty' ]
	run -1 --separate-stderr rlite --root '' spec
	[ ! -e config.json ]
}

@test "spec writes a default config.json in the current directory" {
	cd "$RL_TMP"
	run -0 --separate-stderr rlite spec
	[ -z "$output" ]
	[ -z "$stderr" ]
	[ -f config.json ]
	jq -e . config.json >/dev/null
	# nothing else left behind (no temporary file)
	[ "$(ls -A)" = config.json ]
	[ "$(stat -c %a config.json)" = 644 ]

	# the last 1.0 release: what runc 1.1 and crun 1.8 both run (compat.bats)
	jq -e '.ociVersion == "1.0.2"' config.json
	jq -e '.process.terminal == false' config.json
	jq -e '.process.user == {"uid": 0, "gid": 0}' config.json
	jq -e '.process.args == ["sh"]' config.json
	jq -e '.process.env == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"]' config.json
	jq -e '.process.cwd == "/"' config.json
	jq -e '.process.noNewPrivileges == true' config.json
	jq -e '.process.capabilities | (.bounding | sort) == ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"] and .bounding == .effective and .bounding == .permitted' config.json
	jq -e '.process.rlimits == [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}]' config.json
	jq -e '.root == {"path": "rootfs", "readonly": true}' config.json
	jq -e '.hostname == "rlite"' config.json
	jq -e '[.mounts[].destination] == ["/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"]' config.json
	jq -e '.mounts[] | select(.destination == "/dev/pts") | .type == "devpts" and .options == ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]' config.json
	jq -e '.mounts[] | select(.destination == "/sys") | .type == "sysfs" and (.options | index("ro"))' config.json
	jq -e '[.linux.namespaces[].type] == ["pid", "network", "ipc", "uts", "mount", "cgroup"]' config.json
	jq -e '.linux.maskedPaths | index("/proc/kcore") and index("/sys/firmware") and length == 11' config.json
	jq -e '.linux.readonlyPaths == ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]' config.json
}

@test "spec refuses to overwrite an existing config.json" {
	cd "$RL_TMP"
	echo '{"mine": true}' >config.json
	run -1 --separate-stderr rlite spec
	[ "$stderr" = 'rlite: config.json already exists in "." (use --force to overwrite)' ]
	[ "$(cat config.json)" = '{"mine": true}' ]
	[ "$(ls -A)" = config.json ]
}

@test "spec refuses a second time after a first spec, leaving the file unchanged" {
	run -0 rlite spec --bundle "$RL_TMP"
	sum=$(sha256sum <"$RL_TMP/config.json")
	run -1 --separate-stderr rlite spec --bundle "$RL_TMP"
	[ "$stderr" = "rlite: config.json already exists in \"$RL_TMP\" (use --force to overwrite)" ]
	[ "$(sha256sum <"$RL_TMP/config.json")" = "$sum" ]
}

@test "spec --force overwrites" {
	cd "$RL_TMP"
	echo '{"mine": true}' >config.json
	run -0 --separate-stderr rlite spec --force
	[ -z "$stderr" ]
	jq -e '.ociVersion == "1.0.2" and (has("mine") | not)' config.json
	[ "$(ls -A)" = config.json ]
}

@test "spec --bundle DIR, --bundle=DIR and -b DIR write into DIR" {
	mkdir "$RL_TMP/a" "$RL_TMP/b" "$RL_TMP/c" "$RL_TMP/cwd"
	cd "$RL_TMP/cwd"
	run -0 rlite spec --bundle "$RL_TMP/a"
	run -0 rlite spec --bundle="$RL_TMP/b"
	run -0 rlite spec -b ../c
	for d in a b c; do
		jq -e '.process.args == ["sh"]' "$RL_TMP/$d/config.json"
	done
	[ ! -e config.json ]
}

@test "spec --bundle without a value fails" {
	run -1 --separate-stderr rlite spec --bundle
	[ "$stderr" = 'rlite: option --bundle needs a value' ]
}

@test "spec in a missing directory fails naming it" {
	run -1 --separate-stderr rlite spec --bundle "$RL_TMP/missing"
	[ "$stderr" = "rlite: write config.json in \"$RL_TMP/missing\": No such file or directory" ]
	[ ! -e "$RL_TMP/missing" ]
}

@test "spec in a read-only directory fails naming it" {
	mkdir "$RL_TMP/ro"
	if [ "$(id -u)" = 0 ]; then
		# root ignores directory modes: use a read-only mount instead
		mount -t tmpfs -o ro,size=64k tmpfs "$RL_TMP/ro"
		want="Read-only file system"
	else
		chmod 555 "$RL_TMP/ro"
		want="Permission denied"
	fi
	run -1 --separate-stderr rlite spec --bundle "$RL_TMP/ro"
	[ "$stderr" = "rlite: write config.json in \"$RL_TMP/ro\": $want" ]
	[ -z "$(ls -A "$RL_TMP/ro")" ]
}

@test "spec --rootless writes runc's rootless default for the caller's ids" {
	cd "$RL_TMP"
	run -0 --separate-stderr rlite spec --rootless
	[ -z "$output" ] && [ -z "$stderr" ]
	run -0 jq -c '[.linux.namespaces, .linux.uidMappings, .linux.gidMappings,
		(.mounts[] | select(.destination == "/sys")),
		([.mounts[].options // [] | .[] | select(test("^[ug]id="))] | length),
		(.linux | has("resources"))]' config.json
	[ "$output" = '[[{"type":"pid"},{"type":"ipc"},{"type":"uts"},{"type":"mount"},{"type":"cgroup"},{"type":"user"}],[{"containerID":0,"hostID":'"$(id -u)"',"size":1}],[{"containerID":0,"hostID":'"$(id -g)"',"size":1}],{"destination":"/sys","type":"none","source":"/sys","options":["rbind","nosuid","noexec","nodev","ro"]},0,false]' ]
}

@test "spec --help prints its usage to stdout and writes nothing" {
	cd "$RL_TMP"
	run -0 --separate-stderr rlite spec --help
	[[ "$output" == usage:\ rlite\ spec* ]]
	[[ "$output" == *--force* ]]
	[[ "$output" == *terminal\ is\ false* ]]
	[ -z "$stderr" ]
	[ ! -e config.json ]
}

@test "spec with an unknown option or an argument fails" {
	cd "$RL_TMP"
	run -1 --separate-stderr rlite spec --frob
	[ "$stderr" = 'rlite: spec: unknown option "--frob" (see rlite spec --help)' ]
	run -1 --separate-stderr rlite spec extra
	[ "$stderr" = 'rlite: spec: unexpected argument "extra"' ]
	[ ! -e config.json ]
}
