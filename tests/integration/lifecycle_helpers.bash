# Helpers of lifecycle.bats and list.bats, on top of run_helpers.bash (load
# that first): rlite on the test's --root, `rlite create` of the test's
# bundle, and the status `state` shows.  Load with `load lifecycle_helpers`.

lc_rlite() {
	"$RLITE_BIN" --root "$RR_STATE" "$@"
}

# lc_create [CREATE OPTIONS] ID: `rlite create` of the test's bundle.  The container keeps create's stdio: files, not
# bats' pipes, or the command substitution would wait for the container.
# Sets status and output (stdout and stderr together).
lc_create() {
	status=0
	timeout -k 5 "$RR_GUARD" env RR_TAG="$RR_ID" "$RLITE_BIN" --root "$RR_STATE" create \
		--bundle "$RR_BUNDLE" "$@" </dev/null >"$RR_DIR/create.out" 2>&1 || status=$?
	output=$(cat "$RR_DIR/create.out")
	echo "--- create $* -> $status: $output"
}

lc_status() {
	lc_rlite state "${1:-$RR_ID}" | jq -r .status
}

lc_status_is() {
	[ "$(lc_status "${2:-$RR_ID}" 2>/dev/null)" = "$1" ]
}

# lc_wait_status S [ID]: until `state` says S.
lc_wait_status() {
	rr_wait_for lc_status_is "$@" || {
		echo "status is \"$(lc_status "${2:-$RR_ID}" 2>&1)\", not \"$1\""
		return 1
	}
}
