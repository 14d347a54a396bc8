#!/usr/bin/env bats
# The man pages: one per command plus rlite(8), generated from cmd/man/*.scd
# (`make man`, which make check runs first), clean under `man --warnings`
# as lintian reads them, and naming every option the command takes
# (tests/integration/cli_options.bash).

load helpers
load cli_options

TOP=$BATS_TEST_DIRNAME/../..

setup_file() {
	# Up to date already under make check; a plain `bats` run builds them.
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$TOP" --no-print-directory -s man
}

# The warnings man(1) gives for page $1, as lintian asks for them.
man_warnings() {
	# shellcheck disable=SC2069 # stderr to the caller, stdout dropped
	LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 \
		man --warnings -E UTF-8 -l -Tutf8 -Z "$1" 2>&1 >/dev/null
}

# Page $1 as text, one long line per paragraph.
man_text() {
	MANWIDTH=1000 man -l "$1" 2>/dev/null | col -b
}

@test "man: a page per command and rlite(8), no other" {
	want=$( (echo rlite.8; printf 'rlite-%s.8\n' "${CLI_COMMANDS[@]}") | sort)
	[ "$(cd "$TOP/build/man" && printf '%s\n' * | sort)" = "$want" ]
	[ "$(cd "$TOP/cmd/man" && printf '%s\n' * | sed 's/\.scd$//' | sort)" = "$want" ]
}

@test "man: the warning check catches a broken page" {
	printf '.TH x 8\n.SH NAME\nx \\- y\n.nosuchmacro\n\\fBunclosed \\*Q\n' >"$BATS_TEST_TMPDIR/bad.8"
	[ -n "$(man_warnings "$BATS_TEST_TMPDIR/bad.8")" ]
}

@test "man: every page is clean under man --warnings" {
	for p in "$TOP"/build/man/*.8; do
		w=$(man_warnings "$p")
		[ -z "$w" ] || { echo "${p##*/}: $w"; false; }
	done
}

@test "man: NAME is what whatis and apropos read; the footer has the version" {
	v=$("$RLITE_BIN" --version | sed -n 's/^rlite version //p')
	for p in "$TOP"/build/man/*.8; do
		n=${p##*/}
		n=${n%.8}
		[[ "$(lexgrog "$p")" == *": \"$n - "* ]] || { lexgrog "$p"; false; }
		grep -q "^\.TH \"$n\" \"8\" \"[0-9-]*\" \"rlite $v\"" "$p"
	done
}

@test "man: each command's page names every option it takes" {
	for c in "${CLI_COMMANDS[@]}"; do
		text=$(man_text "$TOP/build/man/rlite-$c.8")
		grep -q "rlite.* $c" <<<"$(sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' <<<"$text")"
		while read -r o; do
			cli_names "$o" "$text" || { echo "rlite-$c(8): missing $o"; false; }
		done < <(cli_opts "$c")
	done
}

@test "man: rlite(8) names every global option and every command" {
	text=$(man_text "$TOP/build/man/rlite.8")
	for o in "${CLI_GLOBALS[@]}"; do
		cli_names "$o" "$text" || { echo "rlite(8): missing $o"; false; }
	done
	for c in "${CLI_COMMANDS[@]}"; do
		[[ "$text" == *"rlite-$c(8)"* ]] || { echo "rlite(8): no rlite-$c(8)"; false; }
	done
}

@test "man: every rlite page a page refers to exists" {
	for p in "$TOP"/build/man/*.8; do
		for ref in $(man_text "$p" | grep -o 'rlite[a-z-]*(8)' | sort -u); do
			[ -f "$TOP/build/man/${ref%(8)}.8" ] || { echo "${p##*/}: $ref"; false; }
		done
	done
}
