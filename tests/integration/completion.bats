#!/usr/bin/env bats
# The shell completions, cmd/completion/: bash's function called as bash
# calls it (COMP_WORDS, COMP_CWORD), on commands, options, their values and
# container IDs under a --root given on the line; zsh's checked for syntax,
# registration with compinit and the options it knows.

load helpers
load cli_options

TOP=$BATS_TEST_DIRNAME/../..
BASH_COMP=$TOP/cmd/completion/rlite.bash
ZSH_COMP=$TOP/cmd/completion/_rlite

setup() {
	rl_tmpdir_setup
	# Two state directories with stopped containers in them (what `list`
	# reads; no container needs to run).
	local root id
	for root in a:c1 a:c2 b:other; do
		id=${root#*:}
		mkdir -p "$RL_TMP/${root%%:*}/$id"
		chmod 0700 "$RL_TMP/${root%%:*}" "$RL_TMP/${root%%:*}/$id"
		printf '{"ociVersion":"1.2.0","id":"%s","status":"stopped","pid":0,"bundle":"/b","rootfs":"/b/r","created":"2026-11-22T02:49:26.123456789Z","owner":"root"}' \
			"$id" >"$RL_TMP/${root%%:*}/$id/state.json"
	done
	# shellcheck source-path=SCRIPTDIR/../.. source=cmd/completion/rlite.bash
	source "$BASH_COMP"
}

teardown() {
	rl_tmpdir_teardown
}

# comp WORD...: what bash offers for the last WORD ("" when nothing is typed
# yet) after the others, the binary under test first.  The line is split
# as bash splits it: "=" is a word of its own.  Sets $reply, one a line.
comp() {
	COMP_WORDS=("$RLITE_BIN" "$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_rlite
	reply=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort)
	echo "$* -> $(tr '\n' ' ' <<<"$reply")"
}

words() {
	printf '%s\n' "$@" | sort
}

@test "completion: bash registers _rlite for rlite" {
	[ "$(complete -p rlite)" = "complete -F _rlite rlite" ]
}

@test "completion: bash offers the commands, then the global options" {
	comp ""
	[ "$reply" = "$(words "${CLI_COMMANDS[@]}")" ]
	comp st
	[ "$reply" = "$(words start state)" ]
	comp --debug ""
	[ "$reply" = "$(words "${CLI_COMMANDS[@]}")" ]
	comp --
	[ "$reply" = "$(printf '%s\n' "${CLI_GLOBALS[@]}" | grep -- '^--' | sort)" ]
}

@test "completion: bash offers the values of global options" {
	comp --log-format ""
	[ "$reply" = "$(words text json)" ]
	comp --log-format = j
	[ "$reply" = json ]
	comp --cgroup-manager ""
	[ "$reply" = "$(words cgroupfs systemd disabled)" ]
	comp --init ""
	[ "$reply" = "$(words auto always never)" ]
	comp --init = a
	[ "$reply" = "$(words auto always)" ]
	comp --root "$RL_TMP/"
	[ "$reply" = "$(words "$RL_TMP/a" "$RL_TMP/b")" ]
	# --rootless takes a value or not: both are offered
	comp --rootless li
	[ "$reply" = list ]
	comp --rootless f
	[ "$reply" = "$(words false features)" ]
}

@test "completion: bash offers each command's options, as --help lists them" {
	for c in "${CLI_COMMANDS[@]}"; do
		comp "$c" --
		[ "$reply" = "$(cli_opts "$c" | grep -- '^--' | sort)" ] || {
			echo "$c: want $(cli_opts "$c" | grep -- '^--' | tr '\n' ' ')"
			false
		}
	done
}

@test "completion: bash offers the IDs under the --root given before the command" {
	comp --root "$RL_TMP/a" state ""
	[ "$reply" = "$(words c1 c2)" ]
	comp --root = "$RL_TMP/b" state ""
	[ "$reply" = other ]
	comp -root "$RL_TMP/b" --debug delete --force ""
	[ "$reply" = other ]
	comp --rootless false --root "$RL_TMP/a" kill -a c
	[ "$reply" = "$(words c1 c2)" ]
	comp --root "$RL_TMP/a" wait c1 ""
	[ "$reply" = "$(words c1 c2)" ]
	# the default root is not these: another set, or none
	comp state ""
	[[ "$reply" != "$(words c1 c2)" ]]
}

@test "completion: bash offers option values, signals, and no ID where none goes" {
	comp list --format ""
	[ "$reply" = "$(words table json)" ]
	comp ps -f = j
	[ "$reply" = json ]
	comp --root "$RL_TMP/a" kill c1 SIGTE
	[ "$reply" = SIGTERM ]
	comp exec --cap CAP_SYS_AD
	[ "$reply" = CAP_SYS_ADMIN ]
	# a socket path is a file name; its value is no ID
	comp run --pidfd-socket "$RL_TMP/"
	[ "$reply" = "$(words "$RL_TMP/a" "$RL_TMP/b")" ]
	comp --root "$RL_TMP/a" exec --pidfd-socket /p ""
	[ "$reply" = "$(words c1 c2)" ]
	# an option's value, even one split at "=", is no argument
	comp --root "$RL_TMP/a" exec --env A = 1 ""
	[ "$reply" = "$(words c1 c2)" ]
	# after the ID of exec comes the command; run and create take a new ID
	comp --root "$RL_TMP/a" exec c1 ""
	[ -z "$reply" ]
	comp --root "$RL_TMP/a" run --detach ""
	[ -z "$reply" ]
	comp --root "$RL_TMP/a" state c1 ""
	[ -z "$reply" ]
}

@test "completion: zsh's is valid, registered by compinit, and knows every option" {
	if ! command -v zsh >/dev/null; then
		skip "zsh not installed"
	fi
	zsh -n "$ZSH_COMP"
	run -0 zsh -fc "fpath=(${ZSH_COMP%/*} \$fpath); autoload -U compinit
		compinit -u -d $RL_TMP/zcompdump; print -r -- \$_comps[rlite]"
	[ "$output" = _rlite ]
	for c in "${CLI_COMMANDS[@]}"; do
		grep -q "^		$c)\|[ |]${c}[ |)]\|'$c:" "$ZSH_COMP" || { echo "zsh: no $c"; false; }
		for o in ${CLI_OPTS[$c]}; do
			[[ $o == --* ]] || continue
			grep -qE -- "['{,]${o}[]=+,}[]" "$ZSH_COMP" || { echo "zsh: $c $o"; false; }
		done
	done
	for o in "${CLI_GLOBALS[@]}"; do
		grep -qE -- "['{,]${o}[]=+,}[]" "$ZSH_COMP" || { echo "zsh: $o"; false; }
	done
}
