#!/usr/bin/env bats
# make install into a DESTDIR, and what a user finds there: the binary runs
# (and makes a container with the installed rootfs tools), the man pages
# are found by man(1) and clean, the completions are where bash and zsh
# look, the examples are under share/doc; make uninstall takes it all
# away again.  Runs make in the tree (make check has built everything).

load helpers
load cli_options

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

# rl_make ARGS...: make in the tree, not part of the make that runs the
# tests (make check).
rl_make() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$TOP" --no-print-directory -s "$@"
}

setup_file() {
	export DEST=$BATS_FILE_TMPDIR/dest DEST_USR=$BATS_FILE_TMPDIR/dest-usr
	rl_make install DESTDIR="$DEST" >/dev/null
	rl_make install DESTDIR="$DEST_USR" PREFIX=/usr >/dev/null
}

setup() {
	rl_tmpdir_setup
	L=$DEST/usr/local
}

teardown() {
	if [ -n "${RL_TMP:-}" ] && [ -d "$RL_TMP/state" ]; then
		"$L/bin/rlite" --root "$RL_TMP/state" delete --force "inst-$$" 2>/dev/null || true
	fi
	rl_tmpdir_teardown
}

@test "install: DESTDIR/usr/local/bin/rlite runs and is the binary of the tree" {
	[ -x "$L/bin/rlite" ]
	run -0 "$L/bin/rlite" --version
	[[ "${lines[0]}" =~ ^rlite\ version\ [0-9.]+$ ]]
	# the binary under test: make check-san builds and installs only the
	# sanitizer build (SANITIZE=1 reaches rl_make), and there is no
	# $TOP/rlite in a fresh tree
	[ "$output" = "$("$RLITE_BIN" --version)" ]
	run -0 "$L/bin/rlite" --help
	[[ "$output" == usage:\ rlite* ]]
}

@test "install: the man pages are there, found by man, and clean" {
	for p in rlite "${CLI_COMMANDS[@]/#/rlite-}"; do
		[ -f "$L/share/man/man8/$p.8" ] || { echo "missing $p.8"; false; }
		# what `man rlite-run` finds with the installed tree in MANPATH
		[ "$(MANPATH=$L/share/man man -w "$p")" = "$L/share/man/man8/$p.8" ]
		w=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
			man --warnings -E UTF-8 -l -Tutf8 -Z "$L/share/man/man8/$p.8" 2>&1 >/dev/null)
		[ -z "$w" ] || { echo "$p: $w"; false; }
	done
	pages=("$L"/share/man/man8/*)
	[ "${#pages[@]}" -eq $((${#CLI_COMMANDS[@]} + 1)) ]
}

@test "install: the completions are where bash and zsh look, and work" {
	[ -f "$L/share/bash-completion/completions/rlite" ]
	[ -f "$L/share/zsh/site-functions/_rlite" ]
	run -0 bash -c "source '$L/share/bash-completion/completions/rlite'
		COMP_WORDS=(rlite st); COMP_CWORD=1; _rlite; echo \${COMPREPLY[*]}"
	[ "$output" = "start state" ]
	# a package (PREFIX=/usr) puts zsh's in Debian's vendor directory
	[ -f "$DEST_USR/usr/share/zsh/vendor-completions/_rlite" ]
	[ -f "$DEST_USR/usr/share/bash-completion/completions/rlite" ]
	[ -x "$DEST_USR/usr/bin/rlite" ]
	[ -f "$DEST_USR/usr/share/man/man8/rlite.8" ]
}

@test "install: the examples and the rootfs tools, with their modes" {
	for f in $(cd "$TOP" && git ls-files examples 2>/dev/null || find examples -type f); do
		[ "${f##*/}" != .gitignore ] || continue
		[ -f "$L/share/doc/rlite/$f" ] || { echo "missing $f"; false; }
		[ "$(stat -c %a "$L/share/doc/rlite/$f")" = "$(stat -c %a "$TOP/$f")" ]
	done
	[ ! -e "$L/share/doc/rlite/examples/hello/rootfs" ]
	[ -f "$L/share/doc/rlite/README.md" ]
	[ -x "$L/share/rlite/rootfs-tools/busybox-rootfs" ]
	[ -x "$L/share/rlite/rootfs-tools/host-rootfs" ]
	[ -f "$L/share/rlite/rootfs-tools/common.sh" ]
}

@test "install: the installed rlite and rootfs tools make and run a container" {
	"$L/share/rlite/rootfs-tools/busybox-rootfs" "$RL_TMP/bundle/rootfs"
	run -0 "$L/bin/rlite" spec --bundle "$RL_TMP/bundle"
	jq '.process.args = ["sh", "-c", "echo in $(hostname); exit 3"]' \
		"$RL_TMP/bundle/config.json" >"$RL_TMP/config.json"
	mv "$RL_TMP/config.json" "$RL_TMP/bundle/config.json"
	run -3 "$L/bin/rlite" --root "$RL_TMP/state" run --bundle "$RL_TMP/bundle" "inst-$$"
	[ "$output" = "in rlite" ]
}

@test "install: make uninstall from a DESTDIR leaves nothing behind, nor takes more" {
	cp -a "$DEST" "$RL_TMP/dest"
	rl_make uninstall DESTDIR="$RL_TMP/dest" >/dev/null
	[ -z "$(find "$RL_TMP/dest" -mindepth 1)" ] || { find "$RL_TMP/dest"; false; }
	cp -a "$DEST_USR" "$RL_TMP/dest-usr"
	rl_make uninstall DESTDIR="$RL_TMP/dest-usr" PREFIX=/usr >/dev/null
	[ -z "$(find "$RL_TMP/dest-usr" -mindepth 1)" ] || { find "$RL_TMP/dest-usr"; false; }
	# what was there besides rlite stays, and the directories that hold it
	cp -a "$DEST" "$RL_TMP/shared"
	mkdir -p "$RL_TMP/shared/usr/local/share/doc/other"
	touch "$RL_TMP/shared/usr/local/bin/other" "$RL_TMP/shared/usr/local/share/doc/other/README"
	rl_make uninstall DESTDIR="$RL_TMP/shared" >/dev/null
	[ "$(cd "$RL_TMP/shared" && find . ! -type d | sort)" = "$(printf '%s\n' \
		./usr/local/bin/other ./usr/local/share/doc/other/README)" ]
	[ -z "$(find "$RL_TMP/shared" -name '*rlite*')" ]
}
