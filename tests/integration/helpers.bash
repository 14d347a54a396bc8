# Shared helpers for the bats tests.  Load with `load helpers`.
#
# Every test gets its own temporary directory in $RL_TMP (rl_tmpdir_setup,
# usually from setup()); rl_tmpdir_teardown (from teardown()) unmounts
# anything still mounted below it and removes it, also after a failure.

bats_require_minimum_version 1.5.0

# The binary under test: `make check` passes RLITE_BIN; otherwise the one
# built at the top of the tree.
RLITE_BIN=${RLITE_BIN:-$BATS_TEST_DIRNAME/../../rlite}

rl_tmpdir_setup() {
	RL_TMP=$(mktemp -d "${BATS_RUN_TMPDIR:-${TMPDIR:-/tmp}}/rlite-test.XXXXXX")
	export RL_TMP
}

# Lists mount points at or below $1, deepest first (field 5 of mountinfo;
# paths with spaces are escaped there as \040, which $RL_TMP never has).
rl_mounts_below() {
	awk -v d="$1" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r
}

rl_tmpdir_teardown() {
	[ -n "${RL_TMP:-}" ] && [ -d "$RL_TMP" ] || return 0
	local m
	for m in $(rl_mounts_below "$RL_TMP"); do
		umount -l "$m" 2>/dev/null || true
	done
	chmod -R u+rwX "$RL_TMP" 2>/dev/null || true
	# --one-file-system: never follow a mount that could not be removed.
	rm -rf --one-file-system "$RL_TMP"
	RL_TMP=
}

# Runs the binary under test.
rlite() {
	"$RLITE_BIN" "$@"
}
