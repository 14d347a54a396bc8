# Shared by busybox-rootfs and host-rootfs: the target directory check and
# the minimal /etc.  Sourced, not run.
# shellcheck shell=sh

MARKER=.rlite-rootfs

die() {
	printf '%s: %s\n' "$PROG" "$*" >&2
	exit 1
}

# prepare_target DIR KIND: create DIR, or accept it when it is empty or holds
# a rootfs made earlier by the same tool (its marker file names KIND).
# Anything else is someone's data: refuse rather than write into it.
prepare_target() {
	_dir=$1 _kind=$2
	if [ -e "$_dir" ] && [ ! -d "$_dir" ]; then
		die "$_dir: exists and is not a directory"
	fi
	mkdir -p "$_dir" || die "$_dir: cannot create"
	if [ -f "$_dir/$MARKER" ]; then
		IFS= read -r _have <"$_dir/$MARKER" || _have=
		[ "$_have" = "$_kind" ] ||
			die "$_dir: holds a rootfs made by ${_have:-an unknown tool}, not $_kind"
		return 0
	fi
	if [ -n "$(ls -A "$_dir")" ]; then
		die "$_dir: not empty and not a rootfs made by $_kind; refusing to write into it"
	fi
	printf '%s\n' "$_kind" >"$_dir/$MARKER"
}

# write_if_changed FILE: stdin becomes FILE unless FILE already has that text,
# so a rebuild leaves files (and their mtimes) alone.
write_if_changed() {
	_new=$(cat)
	if [ -f "$1" ] && [ "$(cat "$1")" = "$_new" ]; then
		return 0
	fi
	printf '%s\n' "$_new" >"$1"
}

# base_layout DIR: the directories and /etc files every rootfs gets (bin/
# and lib/ are each tool's business).
base_layout() {
	_r=$1
	mkdir -p "$_r/etc" "$_r/proc" "$_r/sys" "$_r/dev" "$_r/tmp" "$_r/root" \
		"$_r/run" "$_r/var/tmp"
	chmod 1777 "$_r/tmp" "$_r/var/tmp"
	chmod 0700 "$_r/root"
	write_if_changed "$_r/etc/passwd" <<-'END'
		root:x:0:0:root:/root:/bin/sh
		nobody:x:65534:65534:nobody:/nonexistent:/bin/false
	END
	write_if_changed "$_r/etc/group" <<-'END'
		root:x:0:
		tty:x:5:
		nogroup:x:65534:
	END
	write_if_changed "$_r/etc/hostname" <<-'END'
		rootfs
	END
	write_if_changed "$_r/etc/hosts" <<-'END'
		127.0.0.1	localhost
		::1	localhost
	END
	chmod 0644 "$_r/etc/passwd" "$_r/etc/group" "$_r/etc/hostname" "$_r/etc/hosts"
}
