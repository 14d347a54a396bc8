#!/bin/sh
# Runs inside the container: prints who and where it is.

heading() {
	printf '\n== %s\n' "$1"
}

heading "process"
echo "my pid: $$"
ps -o pid,user,args

heading "user"
id

heading "hostname"
hostname

heading "mounts"
cat /proc/self/mounts

heading "capabilities"
grep '^Cap' /proc/self/status
grep '^NoNewPrivs' /proc/self/status

heading "network"
ip addr
