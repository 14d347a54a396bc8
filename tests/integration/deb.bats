#!/usr/bin/env bats
# make deb: the package dpkg-buildpackage builds from the tree and lintian
# checks (make deb fails on a lintian error), what is in it, that apt would
# install it here, and that the rlite it holds runs a container with the
# rootfs tools it holds.  The package is unpacked with dpkg -x, not
# installed: other tests and people use this machine at the same time.

load helpers
load cli_options

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

setup_file() {
	export DEB_LOG=$BATS_FILE_TMPDIR/deb.log
	export DEB_STATUS=0
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$TOP" --no-print-directory deb \
		>"$DEB_LOG" 2>&1 || DEB_STATUS=$?
	DEB=$(printf '%s\n' "$TOP"/build/deb/rlite_*_"$(dpkg --print-architecture)".deb | head -1)
	export DEB
}

setup() {
	rl_tmpdir_setup
}

teardown() {
	if [ -n "${RL_TMP:-}" ] && [ -d "$RL_TMP/state" ]; then
		"$RL_TMP/x/usr/bin/rlite" --root "$RL_TMP/state" delete --force "deb-$$" 2>/dev/null || true
	fi
	rl_tmpdir_teardown
}

@test "deb: make deb builds the package, and lintian reports no error" {
	[ "$DEB_STATUS" -eq 0 ] || { tail -40 "$DEB_LOG"; false; }
	[ -f "$DEB" ]
	[ -f "${DEB/\/rlite_//rlite-dbgsym_}" ]
	# lintian ran on it (its lines follow the command) and said no "E:"
	grep -qE '^(TMPDIR=[^ ]+ )?lintian ' "$DEB_LOG"
	run ! grep -E '^E: ' "$DEB_LOG"
}

@test "deb: the control fields: name, version, the libraries it links; purge's script" {
	[ -f "$DEB" ]
	[ "$(dpkg-deb -f "$DEB" Package)" = rlite ]
	v=$("$RLITE_BIN" --version | sed -n 's/^rlite version //p')
	[ "$(dpkg-deb -f "$DEB" Version)" = "$v" ]
	[ "$(dpkg-deb -f "$DEB" Architecture)" = "$(dpkg --print-architecture)" ]
	deps=$(dpkg-deb -f "$DEB" Depends)
	echo "Depends: $deps"
	for lib in libc6 libcap-ng0 libmount1 libseccomp2 libyajl2; do
		[[ "$deps" == *"$lib "* ]] || { echo "no $lib"; false; }
	done
	# purge removes the state directory rlite made (tests/fresh/deb-install
	# runs it)
	run -0 dpkg-deb -I "$DEB" postrm
	[[ "$output" == *"rmdir --ignore-fail-on-non-empty /run/rlite"* ]]
	# remove names the containers still running (deb-install runs it)
	run -0 dpkg-deb -I "$DEB" prerm
	[[ "$output" == *"rlite list -q"* ]]
}

@test "deb: the binary, a man page per command, completions, tools, docs" {
	[ -f "$DEB" ]
	files=$(dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|')
	for f in /usr/bin/rlite /usr/share/man/man8/rlite.8.gz \
		/usr/share/bash-completion/completions/rlite \
		/usr/share/zsh/vendor-completions/_rlite \
		/usr/share/rlite/rootfs-tools/busybox-rootfs \
		/usr/share/rlite/rootfs-tools/host-rootfs \
		/usr/share/doc/rlite/copyright /usr/share/doc/rlite/changelog.gz \
		/usr/share/doc/rlite/README.md.gz \
		/usr/share/doc/rlite/examples/hello/config.json \
		"${CLI_COMMANDS[@]/#//usr/share/man/man8/rlite-}"; do
		[[ $f != */man8/rlite-* ]] || f=$f.8.gz
		grep -qxF -- "$f" <<<"$files" || { echo "missing $f"; false; }
	done
	# nothing of the build tree, nothing outside /usr
	run ! grep -vE '^/(usr/.*)?$' <<<"$files"
}

@test "deb: apt would install it on this machine (dependencies resolve)" {
	[ -f "$DEB" ]
	run -0 apt-get install -s -q "$DEB"
	[[ "$output" == *"Inst rlite "* ]]
}

@test "deb: the packaged rlite is the tree's, hardened, and runs a container" {
	[ -f "$DEB" ]
	dpkg -x "$DEB" "$RL_TMP/x"
	X=$RL_TMP/x
	# the same version, spec and libraries as the tree's build, and the
	# tree's commit (make deb builds a copy without git)
	run -0 "$X/usr/bin/rlite" --version
	[ "$(grep -v '^commit:' <<<"$output")" = "$("$RLITE_BIN" --version | grep -v '^commit:')" ]
	if [ "$(git -C "$TOP" rev-parse --show-toplevel 2>/dev/null)" = "$TOP" ]; then
		[ "${lines[1]}" = "commit: $(git -C "$TOP" describe --always --dirty)" ]
	fi
	# Debian's hardening flags: full RELRO, PIE, fortified calls
	readelf -d "$X/usr/bin/rlite" | grep -q 'BIND_NOW'
	readelf -h "$X/usr/bin/rlite" | grep -q 'DYN'
	nm -D "$X/usr/bin/rlite" | grep -q '__[a-z]*_chk@'
	# stripped: the debug symbols are in rlite-dbgsym
	run -0 readelf -S "$X/usr/bin/rlite"
	[[ "$output" != *.debug_info* ]]
	"$X/usr/share/rlite/rootfs-tools/busybox-rootfs" "$RL_TMP/bundle/rootfs"
	run -0 "$X/usr/bin/rlite" spec --bundle "$RL_TMP/bundle"
	jq '.process.args = ["sh", "-c", "echo packaged; exit 4"]' \
		"$RL_TMP/bundle/config.json" >"$RL_TMP/config.json"
	mv "$RL_TMP/config.json" "$RL_TMP/bundle/config.json"
	run -4 "$X/usr/bin/rlite" --root "$RL_TMP/state" run --bundle "$RL_TMP/bundle" "deb-$$"
	[ "$output" = packaged ]
}
