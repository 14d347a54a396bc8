#!/bin/sh
# Runs inside the container: tries writes that the config forbids.
# The error messages go to stdout too, so they show up in order.
exec 2>&1

try() {
	printf '$ %s\n' "$*"
	if "$@"; then
		echo "  -> allowed"
	else
		echo "  -> refused (exit $?)"
	fi
}

echo "== the root file system is mounted read-only"
try touch /x
grep ' / ' /proc/self/mounts

echo
echo "== /tmp is a writable tmpfs, but seccomp answers mkdir with EPERM"
try touch /tmp/file
try mkdir /tmp/dir
try ls /tmp
grep '^Seccomp' /proc/self/status
