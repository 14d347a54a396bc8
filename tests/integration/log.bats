#!/usr/bin/env bats
# --log, --log-format, --debug (GUIDE §4): a failure is exactly one error
# line in the log and the plain message on stderr; success prints nothing.

load helpers

setup() {
	rl_tmpdir_setup
	mkdir "$RL_TMP/root"
}

teardown() {
	rl_tmpdir_teardown
}

# Runs rlite with stdout and stderr kept apart: $status, $out, $err.
rl_split() {
	status=0
	"$RLITE_BIN" "$@" >"$RL_TMP/out" 2>"$RL_TMP/err" || status=$?
	out=$(cat "$RL_TMP/out")
	err=$(cat "$RL_TMP/err")
	echo "--- status $status; stdout: $out"
	echo "--- stderr: $err"
}

@test "log json: a failure is one JSON error line and the plain message on stderr" {
	rl_split --root "$RL_TMP/root" --log "$RL_TMP/log" --log-format json state nosuch
	[ "$status" -ne 0 ]
	cat "$RL_TMP/log"
	[ "$(wc -l <"$RL_TMP/log")" -eq 1 ]
	jq -e . "$RL_TMP/log"
	[ "$(jq -r .level "$RL_TMP/log")" = error ]
	jq -r .msg "$RL_TMP/log" | grep -q "container does not exist"
	# exactly the three keys, time in RFC 3339 UTC
	[ "$(jq -c 'keys' "$RL_TMP/log")" = '["level","msg","time"]' ]
	jq -r .time "$RL_TMP/log" |
		grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z$'
	[[ "$err" == "rlite: container does not exist"* ]]
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]
	[ -z "$out" ]
	# stderr has the same message as the log
	[ "$err" = "rlite: $(jq -r .msg "$RL_TMP/log")" ]
}

# How the callers read it.  podman (libpod readConmonPipeData) unmarshals
# the whole per-container log file into one {level, msg, time} object, so a
# failure must leave exactly one value there.  containerd's shim
# (getLastRuntimeError) decodes the appended file value by value into
# {Level, Msg string; Time time.Time} and keeps the last error's Msg: every
# line must be an object whose time is RFC 3339, or the whole read fails.
@test "log json: what podman and containerd's shim read from it" {
	rl_split --root "$RL_TMP/root" --log "$RL_TMP/log" --log-format json state nosuch
	[ "$status" -ne 0 ]
	[ "$(jq -s 'length' "$RL_TMP/log")" -eq 1 ]
	jq -e 'type == "object" and (.level | type) == "string" and
		(.msg | type) == "string" and (.time | type) == "string"' "$RL_TMP/log"
	rl_split --root "$RL_TMP/root" --log "$RL_TMP/log" --log-format json kill nosuch KILL
	[ "$status" -ne 0 ]
	[ "$(jq -r 'select(.level == "error") | .msg' "$RL_TMP/log" | tail -1)" = "${err#rlite: }" ]
	now=$(date +%s)
	while read -r t; do
		[[ "$t" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$ ]]
		s=$(date -d "$t" +%s)
		[ $((now - s)) -ge 0 ] && [ $((now - s)) -lt 60 ]
	done < <(jq -r .time "$RL_TMP/log")
}

@test "log json: --log-format=json and --log=FILE forms work the same" {
	rl_split --root="$RL_TMP/root" --log="$RL_TMP/log" --log-format=json state nosuch
	[ "$status" -ne 0 ]
	[ "$(wc -l <"$RL_TMP/log")" -eq 1 ]
	[ "$(jq -r .level "$RL_TMP/log")" = error ]
	jq -r .msg "$RL_TMP/log" | grep -q "container does not exist"
}

@test "log json: lines are appended, one per failing command" {
	rl_split --root "$RL_TMP/root" --log "$RL_TMP/log" --log-format json state nosuch
	rl_split --root "$RL_TMP/root" --log "$RL_TMP/log" --log-format json kill nosuch
	[ "$status" -ne 0 ]
	[ "$(wc -l <"$RL_TMP/log")" -eq 2 ]
	[ "$(jq -s 'length' "$RL_TMP/log")" -eq 2 ]
	[ "$(jq -r .level "$RL_TMP/log" | sort -u)" = error ]
}

@test "log json: a message with quotes stays valid JSON" {
	rl_split --root "$RL_TMP/root" --log "$RL_TMP/log" --log-format json \
		run -b "$RL_TMP/no \"such\" dir" "log-q-$$"
	[ "$status" -ne 0 ]
	[ "$(wc -l <"$RL_TMP/log")" -eq 1 ]
	jq -r .msg "$RL_TMP/log" | grep -qF "no \"such\" dir"
	[[ "$err" == rlite:*'no "such" dir'* ]]
}

@test "log text: the logrus text layout" {
	rl_split --root "$RL_TMP/root" --log "$RL_TMP/log" --log-format text state nosuch
	[ "$status" -ne 0 ]
	cat "$RL_TMP/log"
	[ "$(wc -l <"$RL_TMP/log")" -eq 1 ]
	grep -Eq '^time="[0-9T:.-]+Z" level=error msg="container does not exist.*"$' "$RL_TMP/log"
}

@test "log: text is the default format" {
	rl_split --root "$RL_TMP/root" --log "$RL_TMP/log" state nosuch
	[ "$status" -ne 0 ]
	grep -q '^time=".*" level=error msg="container does not exist' "$RL_TMP/log"
}

@test "log: without --log the failure goes to stderr only, once" {
	rl_split --root "$RL_TMP/root" state nosuch
	[ "$status" -ne 0 ]
	[ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ]
	[[ "$err" == "rlite: container does not exist"* ]]
}

@test "log: a successful command writes nothing to stderr nor to the log" {
	mkdir "$RL_TMP/b"
	rl_split --log "$RL_TMP/log" --log-format json spec --bundle "$RL_TMP/b"
	[ "$status" -eq 0 ]
	[ -z "$err" ]
	[ -f "$RL_TMP/b/config.json" ]
	[ ! -s "$RL_TMP/log" ]
	rm "$RL_TMP/b/config.json"
	rl_split spec --bundle "$RL_TMP/b"
	[ "$status" -eq 0 ]
	[ -z "$err" ]
}

@test "log: the log file is created 0644 and appended to" {
	echo '{"level":"info","msg":"before","time":"2026-01-01T00:00:00Z"}' >"$RL_TMP/log"
	rl_split --root "$RL_TMP/root" --log "$RL_TMP/log" --log-format json state nosuch
	[ "$(wc -l <"$RL_TMP/log")" -eq 2 ]
	[ "$(head -1 "$RL_TMP/log" | jq -r .msg)" = before ]
	# 0644 as runc asks for it, less the caller's umask: with umask 022, as
	# a caller's is unless set otherwise (the test's may be anything)
	(
		umask 022
		rl_split --root "$RL_TMP/root" --log "$RL_TMP/new.log" --log-format json state nosuch
	)
	[ "$(stat -c %a "$RL_TMP/new.log")" = 644 ]
}

@test "log: an unusable log file fails with a message naming it" {
	rl_split --root "$RL_TMP/root" --log "$RL_TMP/nodir/log" --log-format json state nosuch
	[ "$status" -ne 0 ]
	[[ "$err" == *"open log file \"$RL_TMP/nodir/log\": No such file or directory"* ]]
}

@test "log: a bad --log-format is refused, and the refusal is logged" {
	rl_split --log "$RL_TMP/log" --log-format xml spec
	[ "$status" -ne 0 ]
	[[ "$err" == *'--log-format: must be text or json, not "xml"'* ]]
	grep -q 'level=error msg="--log-format: must be text or json' "$RL_TMP/log"
}

@test "log: an unknown command is logged as an error too" {
	rl_split --log "$RL_TMP/log" --log-format json frobnicate
	[ "$status" -ne 0 ]
	[ "$(wc -l <"$RL_TMP/log")" -eq 1 ]
	[ "$(jq -r .msg "$RL_TMP/log")" = "No help topic for 'frobnicate'" ]
}
