# bash completion for rlite: global options, commands, each command's
# options and their values, and container IDs (`rlite list -q`, under the
# --root given earlier on the line).  Installed as
# share/bash-completion/completions/rlite; it needs nothing from the
# bash-completion package.
# shellcheck shell=bash

_rlite_commands="spec run create start exec state kill delete list logs wait pause resume
update ps events features"

_rlite_globals="--root --log --log-format --debug --systemd-cgroup --cgroup-manager --init
--rootless --criu --no-subreaper --version --help"

# COMPREPLY from compgen ARGS...
_rlite_reply() {
	mapfile -t COMPREPLY < <(compgen "$@")
}

# _rlite_opts CMD: the command's options, long forms.
_rlite_opts() {
	case $1 in
	spec) echo --bundle --force --rootless ;;
	run) echo --bundle --detach --keep --pid-file --pidfd-socket --console-socket --no-pivot \
		--preserve-fds --no-new-keyring --no-init ;;
	create) echo --bundle --pid-file --pidfd-socket --console-socket --no-pivot \
		--preserve-fds --no-new-keyring --no-init ;;
	exec) echo --process --tty --console-socket --detach --pid-file --pidfd-socket --cwd \
		--env --user \
		--additional-gids --cap --no-new-privs --preserve-fds --cgroup --ignore-paused \
		--process-label --apparmor ;;
	kill) echo --all ;;
	delete) echo --force ;;
	list) echo --format --quiet --long ;;
	logs) echo --follow ;;
	wait) echo --timeout ;;
	update) echo --resources --memory --memory-reservation --memory-swap --kernel-memory \
		--kernel-memory-tcp --cpu-shares --cpu-share --cpu-quota --cpu-period --cpu-burst \
		--cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems --cpu-idle \
		--blkio-weight --pids-limit --l3-cache-schema --mem-bw-schema ;;
	ps) echo --format ;;
	events) echo --stats --interval ;;
	esac
	echo --help
}

# _rlite_name OPT: the option's name without its dashes (rlite, as runc,
# takes -root as --root).
_rlite_name() {
	local n=${1#-}
	echo "${n#-}"
}

# _rlite_takes_value CMD OPT: true when OPT reads a value (CMD empty: a
# global option; --rootless only takes true, false or auto).
_rlite_takes_value() {
	case $1:$(_rlite_name "$2") in
	:root | :log | :log-format | :cgroup-manager | :init | :criu | :rootless) return 0 ;;
	run:bundle | run:b | run:pid-file | run:console-socket | run:preserve-fds) return 0 ;;
	create:bundle | create:b | create:pid-file | create:console-socket) return 0 ;;
	create:preserve-fds | spec:bundle | spec:b) return 0 ;;
	run:pidfd-socket | create:pidfd-socket | exec:pidfd-socket) return 0 ;;
	exec:process | exec:p | exec:console-socket | exec:pid-file | exec:cwd) return 0 ;;
	exec:env | exec:e | exec:user | exec:u | exec:additional-gids | exec:g) return 0 ;;
	exec:cap | exec:c | exec:preserve-fds | exec:cgroup | exec:process-label) return 0 ;;
	exec:apparmor | list:format | list:f | ps:format | ps:f | wait:timeout) return 0 ;;
	events:interval | update:resources | update:r | update:cpuset-cpus) return 0 ;;
	update:cpuset-mems | update:l3-cache-schema | update:mem-bw-schema) return 0 ;;
	update:memory* | update:kernel-memory* | update:cpu-* | update:blkio-weight) return 0 ;;
	update:pids-limit) return 0 ;;
	esac
	return 1
}

# _rlite_value CMD OPT CUR: the values of OPT (CMD empty: a global option).
_rlite_value() {
	case $1:$(_rlite_name "$2") in
	:root | *:bundle | *:b)
		_rlite_reply -d -- "$3"
		compopt -o filenames 2>/dev/null || : ;;
	:log | :criu | *:pid-file | *:pidfd-socket | *:console-socket | exec:process | exec:p | \
		update:resources | update:r)
		_rlite_reply -f -- "$3"
		compopt -o filenames 2>/dev/null || : ;;
	:log-format) _rlite_reply -W "text json" -- "$3" ;;
	:cgroup-manager) _rlite_reply -W "cgroupfs systemd disabled" -- "$3" ;;
	:init) _rlite_reply -W "auto always never" -- "$3" ;;
	# the value is optional: a command may come instead
	:rootless) _rlite_reply -W "true false auto $_rlite_commands" -- "$3" ;;
	list:format | list:f | ps:format | ps:f) _rlite_reply -W "table json" -- "$3" ;;
	exec:cap | exec:c)
		_rlite_reply -W "$("${COMP_WORDS[0]}" features 2>/dev/null |
			grep -o '"CAP_[A-Z_]*"' | tr -d '"')" -- "$3" ;;
	esac
}

# _rlite_ids ROOT CUR: the IDs of the containers under ROOT (empty: the
# default root).
_rlite_ids() {
	local -a global=()
	[[ -n $1 ]] && global=(--root "${1/#\~/$HOME}")
	_rlite_reply -W "$("${COMP_WORDS[0]}" "${global[@]}" list -q 2>/dev/null)" -- "$2"
}

_rlite() {
	local cur=${COMP_WORDS[COMP_CWORD]} i w opt="" cmd="" root="" npos=0
	local -a words=()
	COMPREPLY=()

	# The words before this one, with what bash split at "=" (it is in
	# COMP_WORDBREAKS) joined again: --root=DIR, -e A=1.
	for ((i = 1; i < COMP_CWORD; i++)); do
		if [[ ${COMP_WORDS[i]} == "=" && ${#words[@]} -gt 0 ]]; then
			words[-1]+="="
			((i + 1 < COMP_CWORD)) && words[-1]+=${COMP_WORDS[++i]}
		else
			words+=("${COMP_WORDS[i]}")
		fi
	done
	# The option whose value this word is, if any: "--opt VALUE",
	# "--opt=VALUE" (the word after "="), or "--opt=" itself.
	w=""
	((${#words[@]})) && w=${words[-1]}
	if [[ $cur == "=" ]]; then
		opt=$w
		cur=""
	elif [[ $w == -*= ]]; then
		opt=${w%=}
	elif [[ $w == -* && $w != *=* ]]; then
		opt=$w
	fi

	# Global options, the command, its options (before its first argument,
	# as rlite reads them) and its arguments.  Values are skipped; --root's
	# is kept for the IDs.
	for ((i = 0; i < ${#words[@]}; i++)); do
		w=${words[i]}
		if [[ $w == -* && $w != -- ]] && ((npos == 0)); then
			[[ -z $cmd && ($w == --root=* || $w == -root=*) ]] && root=${w#*=}
			[[ $w == *=* ]] && continue
			if [[ -z $cmd && ($w == --rootless || $w == -rootless) ]]; then
				[[ ${words[i + 1]-} =~ ^(true|false|auto)$ ]] && i=$((i + 1))
			elif _rlite_takes_value "$cmd" "$w"; then
				[[ -z $cmd && ($w == --root || $w == -root) ]] && root=${words[i + 1]-}
				i=$((i + 1))
			fi
		elif [[ -z $cmd ]]; then
			cmd=$w
		else
			npos=$((npos + 1))
		fi
	done

	if [[ -n $opt ]] && ((npos == 0)) && _rlite_takes_value "$cmd" "$opt"; then
		_rlite_value "$cmd" "$opt" "$cur"
	elif [[ -z $cmd && $cur == -* ]]; then
		_rlite_reply -W "$_rlite_globals" -- "$cur"
	elif [[ -z $cmd ]]; then
		_rlite_reply -W "$_rlite_commands" -- "$cur"
	elif [[ $cur == -* ]] && ((npos == 0)); then
		_rlite_reply -W "$(_rlite_opts "$cmd")" -- "$cur"
	else
		case $cmd in
		spec | list | features | run | create) ;;
		wait) _rlite_ids "$root" "$cur" ;;
		kill)
			if ((npos == 0)); then
				_rlite_ids "$root" "$cur"
			elif ((npos == 1)); then
				_rlite_reply -A signal -- "$cur"
			fi
			;;
		*) ((npos == 0)) && _rlite_ids "$root" "$cur" ;;
		esac
	fi
	return 0
}

complete -F _rlite rlite
