#!/bin/sh
# usage: run.sh [RLITE_BINARY] [--no-init]
# Builds the busybox rootfs next to this file on first use, compiles the
# zombie factory (static) into it and runs the container in the foreground:
# with rlite's pid-1 shim by default, with --no-init as pid 1 itself.
# Run as root.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
rlite=$top/rlite
case ${1:-} in --*|'') ;; *) rlite=$1; shift ;; esac
tools=$top/rootfs-tools
# Outside the source tree (a copy of the installed share/doc/rlite/examples):
# the rlite in PATH and the rootfs-tools installed beside it.
if [ ! -d "$tools" ]; then
	[ "$rlite" != "$top/rlite" ] || rlite=$(command -v rlite || echo rlite)
	tools=$(dirname "$(readlink -f "$rlite")")/../share/rlite/rootfs-tools
fi

[ -x "$rlite" ] || { echo "run.sh: $rlite: not found (run make first)" >&2; exit 1; }

"$tools/busybox-rootfs" "$here/rootfs"
# the rootfs is mounted read-only in the container; the program goes in first
${CC:-cc} -O2 -static -o "$here/rootfs/zombie-factory" "$here/zombie-factory.c"

exec "$rlite" run "$@" --bundle "$here" "zombies-$$"
