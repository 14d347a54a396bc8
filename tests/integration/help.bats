#!/usr/bin/env bats
# rlite --help and every `rlite COMMAND --help`: exit 0, the usage on
# stdout, every option the command takes named (tests/integration/
# cli_options.bash), and no option named that it does not take.

load helpers
load cli_options

# The options a usage text lists in its option lines ("  --bundle, -b DIR
# the bundle ..."): the words before the description that start with "-".
listed_opts() {
	grep -E '^  +-' <<<"$1" | sed -E 's/^ +//; s/  .*//' | tr -s ' ,' '\n' | grep -E '^-' | sort -u
}

@test "help: rlite --help and -h list every command, on stdout" {
	for h in --help -h; do
		run -0 --separate-stderr rlite "$h"
		[ -z "$stderr" ]
		for c in "${CLI_COMMANDS[@]}"; do
			[[ "$output" =~ $'\n'"  $c "+[a-z] ]] || { echo "missing: $c"; false; }
		done
	done
	# and no command the table does not know
	listed=$(sed -n '/^Commands:/,/^$/p' <<<"$output" | awk 'NR > 1 && NF { print $1 }' | sort)
	[ "$listed" = "$(printf '%s\n' "${CLI_COMMANDS[@]}" | sort)" ]
}

@test "help: rlite --help names every global option and no other" {
	run -0 rlite --help
	for o in "${CLI_GLOBALS[@]}"; do
		cli_names "$o" "$output" || { echo "missing: $o"; false; }
	done
	[ "$(listed_opts "$output")" = "$(printf '%s\n' "${CLI_GLOBALS[@]}" | sort -u)" ]
}

@test "help: every command's --help and -h exit 0 and print its usage on stdout" {
	for c in "${CLI_COMMANDS[@]}"; do
		for h in --help -h; do
			run --separate-stderr rlite "$c" "$h"
			echo "$c $h: status $status"
			[ "$status" -eq 0 ]
			[ -z "$stderr" ]
			[[ "${lines[0]}" == "usage: rlite $c"* ]]
		done
	done
}

@test "help: every command's --help names each option it takes, and only those" {
	for c in "${CLI_COMMANDS[@]}"; do
		run -0 rlite "$c" --help
		while read -r o; do
			cli_names "$o" "$output" || { echo "$c --help: missing $o"; false; }
		done < <(cli_opts "$c")
		[ "$(listed_opts "$output")" = "$(cli_opts "$c" | sort -u)" ] ||
			{ echo "$c --help lists: $(listed_opts "$output" | tr '\n' ' ')"; false; }
	done
}

@test "help: an option the table names is accepted by the command" {
	# Each long option is known to the parser: it fails for another
	# reason than "unknown option" (a missing value, a missing ID, ...).
	for c in "${CLI_COMMANDS[@]}"; do
		for o in ${CLI_OPTS[$c]}; do
			run --separate-stderr rlite --root "$BATS_TEST_TMPDIR/none" "$c" "$o" x y
			[[ "$stderr" != *"unknown option"* ]] || { echo "$c $o: $stderr"; false; }
		done
		run -1 --separate-stderr rlite "$c" --frobnicate
		[[ "$stderr" == *"unknown option \"--frobnicate\""* ]]
	done
}
