# The commands and options rlite accepts, as cmd/*.c implements them: one
# table for the tests that check each is documented where a user looks
# (--help, the man pages, the shell completions).  Load with
# `load cli_options`.  A new option goes here and into all of those.

# shellcheck disable=SC2034 # used by the files that load this one
CLI_COMMANDS=(spec run create start exec state kill delete list logs wait pause resume
	update ps events features)

CLI_GLOBALS=(--root --log --log-format --debug --systemd-cgroup --cgroup-manager --init
	--rootless --criu --no-subreaper --version -v --help -h)

# Each command's options (--help and -h are everyone's); -g: `load` sources
# this file in a function.
declare -gA CLI_OPTS=(
	[spec]="--bundle -b --force --rootless"
	[run]="--bundle -b --detach -d --keep --pid-file --pidfd-socket --console-socket
		--no-pivot --preserve-fds --no-new-keyring --no-init"
	[create]="--bundle -b --pid-file --pidfd-socket --console-socket --no-pivot
		--preserve-fds --no-new-keyring --no-init"
	[start]=""
	[exec]="--process -p --tty -t --console-socket --detach -d --pid-file --pidfd-socket
		--cwd --env -e
		--user -u --additional-gids -g --cap -c --no-new-privs --preserve-fds --cgroup
		--ignore-paused --process-label --apparmor"
	[state]=""
	[kill]="--all -a"
	[delete]="--force -f"
	[list]="--format -f --quiet -q --long"
	[logs]="--follow -f"
	[wait]="--timeout"
	[pause]=""
	[resume]=""
	[update]="--resources -r --memory --memory-reservation --memory-swap --kernel-memory
		--kernel-memory-tcp --cpu-shares --cpu-share --cpu-quota --cpu-period --cpu-burst
		--cpu-rt-period --cpu-rt-runtime --cpuset-cpus --cpuset-mems --cpu-idle
		--blkio-weight --pids-limit --l3-cache-schema --mem-bw-schema"
	[ps]="--format -f"
	[events]="--stats --interval"
	[features]=""
)

# The options of command $1, --help and -h included, one a line.
cli_opts() {
	# shellcheck disable=SC2086 # the words of the list
	printf '%s\n' ${CLI_OPTS[$1]} --help -h
}

# True when text $2 names option $1 as a word of its own: "--all, -a",
# "--bundle DIR", "--format=json"; "-b" is not found in "--bundle".
cli_names() {
	grep -qE -- "(^|[][ ,(|])$1([] ,=|)]|$)" <<<"$2"
}
