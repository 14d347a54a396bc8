#!/bin/sh
# usage: run.sh [RLITE_BINARY]
# Builds the busybox rootfs next to this file on first use, then runs the
# hello container in the foreground.  Run as root.
set -eu

here=$(cd "$(dirname "$0")" && pwd -P)
top=$(cd "$here/../.." && pwd -P)
rlite=${1:-$top/rlite}
tools=$top/rootfs-tools
# Outside the source tree (a copy of the installed share/doc/rlite/examples):
# the rlite in PATH and the rootfs-tools installed beside it.
if [ ! -d "$tools" ]; then
	[ "$rlite" != "$top/rlite" ] || rlite=$(command -v rlite || echo rlite)
	tools=$(dirname "$(readlink -f "$rlite")")/../share/rlite/rootfs-tools
fi

[ -x "$rlite" ] || { echo "run.sh: $rlite: not found (run make first)" >&2; exit 1; }

"$tools/busybox-rootfs" "$here/rootfs"
# the rootfs is mounted read-only in the container; the script goes in first
install -m 0755 "$here/hello.sh" "$here/rootfs/hello.sh"

exec "$rlite" run --bundle "$here" "hello-$$"
