#!/usr/bin/env bash
# bench.sh: rlite next to runc and crun (`make bench`).  See tests/bench/README.md
# for the design and README.md ("Benchmark") for what each figure means.
#
#   tests/bench/bench.sh              the full run (about half an hour: the density run is the longest part)
#   QUICK=1 tests/bench/bench.sh      a smoke run: few rounds, 10 and 100 containers
#
# Knobs (environment): ROUNDS (sequential, lifecycle, list/state rounds),
# COLD_ROUNDS, PAR_ROUNDS, MEM_ROUNDS, ORPHAN_ROUNDS, BREAKDOWN_ROUNDS, COUNTS ("10 100
# 1000"), PAR ("2 8 32"), RLITE_BASE (a second rlite binary, e.g. the build of
# the commit before a change: measured in the same interleaved rounds as
# "base", with its breakdown and density), DENSITY (detached containers of the density run,
# 1000; 0: none), DENSITY_PODMAN (1: podman, conmon and crun there too; 0:
# not), TIMEOUT (seconds a command may take), RLITE_BIN, ORPHANS_BIN (the
# static orphans helper of the tests), BENCH_JSON (default build/bench.json,
# build/bench.quick.json with QUICK=1, so a smoke run keeps the full baseline).
#
# Prints a table and writes the same figures to build/bench.json; the one
# before is kept as build/bench.prev.json and each median's change against it
# is printed.  Exit status 0 whatever the times; 1 if a runtime failed (the
# command, its stderr and its --log are printed), 2 for a set-up problem.
set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
self=$top/tests/bench/bench.sh
RLITE_BIN=${RLITE_BIN:-$top/rlite}
quick_suffix=
if [ "${QUICK:-0}" = 1 ]; then quick_suffix=.quick; fi
BENCH_JSON=${BENCH_JSON:-$top/build/bench$quick_suffix.json}
driver=$top/build/bench/rlbench
ORPHANS_BIN=${ORPHANS_BIN:-$top/build/tests/helpers/orphans}
KFLOOR_BIN=${KFLOOR_BIN:-$top/build/bench/kfloor}
DEB_BENCH=(runc crun jq busybox-static util-linux gcc linux-perf golang-github-containers-common)
DENSITY_PODMAN=${DENSITY_PODMAN:-1}
if [ "$DENSITY_PODMAN" = 1 ]; then DEB_BENCH+=(podman conmon); fi

say() { printf '%s\n' "$*"; }
die() {
	printf 'bench: %s\n' "$*" >&2
	exit 2
}

# ---- outside the namespace: packages and the driver ------------------------
prepare() {
	local missing=() p
	[ "$(id -u)" = 0 ] || die "needs root: it makes real containers"
	for p in "${DEB_BENCH[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		say "installing: ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
			"${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed"
	fi
	[ -x "$RLITE_BIN" ] || die "$RLITE_BIN: not found (run make first)"
	# `make bench` builds the driver; a direct run builds it here.
	if [ ! -x "$driver" ] || [ "$top/tests/bench/rlbench.c" -nt "$driver" ]; then
		mkdir -p "$(dirname "$driver")"
		cc -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -o "$driver" \
			"$top/tests/bench/rlbench.c" || die "cannot build $driver"
	fi
	# static: it runs inside the busybox rootfs
	if [ ! -x "$ORPHANS_BIN" ]; then
		mkdir -p "$(dirname "$ORPHANS_BIN")"
		cc -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o "$ORPHANS_BIN" \
			"$top/tests/integration/helpers/orphans.c" || die "cannot build $ORPHANS_BIN"
	fi
	if [ ! -x "$KFLOOR_BIN" ] || [ "$top/tests/bench/kfloor.c" -nt "$KFLOOR_BIN" ]; then
		mkdir -p "$(dirname "$KFLOOR_BIN")"
		cc -std=gnu11 -O2 -Wall -Wextra -Werror -D_GNU_SOURCE -static -o "$KFLOOR_BIN" \
			"$top/tests/bench/kfloor.c" || die "cannot build $KFLOOR_BIN"
	fi
}

# crun refuses this machine's hybrid cgroup layout (v1 controllers plus a
# cgroup2 mount at /sys/fs/cgroup/unified).  Rather than wrap every command
# (whose cost would then be part of every sample), the whole benchmark runs in
# one private mount namespace where that mount is replaced by an empty
# tmpfs: made once, before any timing, the same for every runtime.  crun
# writes a directory per container there, which vanishes with the namespace.
if [ "${RLBENCH_IN_NS:-}" != 1 ]; then
	prepare
	export RLBENCH_IN_NS=1
	exec unshare --mount --propagation private -- "$BASH" "$self" "$@"
fi
ns_note="all runtimes and the floor ran in one private mount namespace without /sys/fs/cgroup/unified"
if [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
	umount /sys/fs/cgroup/unified || die "umount /sys/fs/cgroup/unified failed"
	mount -t tmpfs -o mode=0755,size=64m rlbench-unified /sys/fs/cgroup/unified ||
		die "mount tmpfs on /sys/fs/cgroup/unified failed"
else
	ns_note="all runtimes and the floor ran in one private mount namespace (no cgroup2 mount to hide)"
fi

# ---- knobs -----------------------------------------------------------------
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
	ROUNDS=${ROUNDS:-5}
	COLD_ROUNDS=${COLD_ROUNDS:-2}
	PAR_ROUNDS=${PAR_ROUNDS:-2}
	MEM_ROUNDS=${MEM_ROUNDS:-2}
	ORPHAN_ROUNDS=${ORPHAN_ROUNDS:-2}
	BREAKDOWN_ROUNDS=${BREAKDOWN_ROUNDS:-3}
	COUNTS=${COUNTS:-10 100}
	DENSITY=${DENSITY:-20}
else
	ROUNDS=${ROUNDS:-100}
	COLD_ROUNDS=${COLD_ROUNDS:-10}
	PAR_ROUNDS=${PAR_ROUNDS:-$((ROUNDS / 5 > 3 ? ROUNDS / 5 : 3))}
	MEM_ROUNDS=${MEM_ROUNDS:-5}
	ORPHAN_ROUNDS=${ORPHAN_ROUNDS:-10}
	BREAKDOWN_ROUNDS=${BREAKDOWN_ROUNDS:-20}
	COUNTS=${COUNTS:-10 100 1000}
	DENSITY=${DENSITY:-1000}
fi
PAR=${PAR:-2 8 32}
TIMEOUT=${TIMEOUT:-30}
runtimes=(rlite runc crun)
declare -A bin=([rlite]=$RLITE_BIN [runc]=$(command -v runc) [crun]=$(command -v crun))
if [ -n "${RLITE_BASE:-}" ]; then
	runtimes=(rlite base runc crun)
	bin[base]=$RLITE_BASE
fi

# ---- work directory, ids, cleanup ---------------------------------------------
work=$(mktemp -d /tmp/rlbench.XXXXXX)
chmod 0755 "$work"
# Every container id starts with the prefix; the runtimes and the containers'
# processes carry it in RLBENCH_TAG, so cleanup finds whatever survived.
prefix=rlb-${work##*.}
export RLBENCH_TAG=$prefix
results=$work/results.jsonl
failed=()

tagged_pids() {
	grep -lzx "RLBENCH_TAG=$prefix" /proc/[0-9]*/environ 2>/dev/null |
		sed -e 's|^/proc/||' -e 's|/environ$||' | grep -vx "$$" || true
}

rt() { # rt NAME ROOTSET ARGS...: a runtime command with the bench's flags
	local name=$1 set=$2
	shift 2
	timeout -k 5 "$TIMEOUT" "${bin[$name]}" --root "$work/$set/$name" \
		--log "$work/log/$name.log" "$@"
}

cleanup() {
	local rc=$? set name pids m left
	trap - EXIT INT TERM
	say "cleaning up $work"
	for set in "$work"/*/; do
		for name in "${runtimes[@]}"; do
			[ -d "$set$name" ] || continue
			rt "$name" "$(basename "$set")" list -q 2>/dev/null | grep "^$prefix" |
				xargs -r -P 2 -n 1 timeout -k 5 "$TIMEOUT" "${bin[$name]}" \
					--root "$set$name" delete --force >/dev/null 2>&1 || true
		done
	done
	if [ -d "$work/podman" ]; then
		"$top/tests/bench/podman-as-runc" cleanup >/dev/null 2>&1 || true
	fi
	pids=$(tagged_pids)
	if [ -n "$pids" ]; then
		# shellcheck disable=SC2086 # a list of pids
		kill -9 $pids 2>/dev/null || true
		sleep 0.2
	fi
	# runc and crun name a container's cgroups after its id, below their own
	# cgroup in each v1 hierarchy; podman's parent is /PREFIX, with conmon's
	# cgroup below it.  (The tmpfs on unified goes with the namespace.)
	find /sys/fs/cgroup -path /sys/fs/cgroup/unified -prune -o \
		-type d -name "*$prefix*" -prune -print 2>/dev/null |
		while read -r m; do find "$m" -depth -type d -exec rmdir {} + 2>/dev/null; done || true
	left=$(find /sys/fs/cgroup -path /sys/fs/cgroup/unified -prune -o \
		-type d -name "*$prefix*" -print 2>/dev/null | head -5)
	[ -z "$left" ] || say "bench: cgroups left behind: $left" >&2
	# shellcheck disable=SC2013 # mount points have no blanks here
	for m in $(awk -v d="$work" 'index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo |
		sort -r); do
		umount -l "$m" 2>/dev/null || true
	done
	rm -rf --one-file-system "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

named() { # NAME=BINARY of every runtime, the driver's operands
	local name
	for name in "${runtimes[@]}"; do printf '%s\n' "$name=${bin[$name]}"; done
}

drive() { # drive MODE ARGS...: the driver with the common options
	local mode=$1 names
	shift
	mapfile -t names < <(named)
	"$driver" "$mode" -t "$TIMEOUT" -w "$work" -b "$work/bundle" -i "$prefix" "$@" "${names[@]}"
}

# ---- the bundle: one config.json for all three -------------------------------
# `runc spec` rather than `rlite spec`: the config every earlier run was
# measured with (rlite spec's adds a cgroup namespace).  Its namespaces are
# pid, network, ipc, uts and mount.
make_bundle() {
	mkdir -p "$work/bundle" "$work/sleep"
	"$top/rootfs-tools/busybox-rootfs" "$work/bundle/rootfs" >/dev/null
	runc spec --bundle "$work/bundle"
	jq '.process.args = ["/bin/true"] | .process.terminal = false
	    | .process.env += ["RLBENCH_TAG=" + $tag]' --arg tag "$prefix" \
		"$work/bundle/config.json" >"$work/config.json"
	mv "$work/config.json" "$work/bundle/config.json"
	# The memory figure's and exec's container: the same config running
	# `sleep 1000`.
	jq '.process.args = ["sleep", "1000"] | .root.path = $r' --arg r "$work/bundle/rootfs" \
		"$work/bundle/config.json" >"$work/sleep/config.json"
	# Figure 2c's: the same config with the seccomp profile podman and
	# docker give every container (containers-common's seccomp.json, for
	# the config's capabilities, as the tests make it).
	mkdir -p "$work/seccomp"
	jq --argjson caps "$(jq -c .process.capabilities.bounding "$work/bundle/config.json")" \
		-f "$top/tests/integration/helpers/seccomp-oci.jq" \
		/usr/share/containers/seccomp.json >"$work/seccomp.json" ||
		die "cannot turn /usr/share/containers/seccomp.json into linux.seccomp"
	jq --slurpfile sc "$work/seccomp.json" '.linux.seccomp = $sc[0] | .root.path = $r' \
		--arg r "$work/bundle/rootfs" "$work/bundle/config.json" >"$work/seccomp/config.json"
}

# ---- the figures -------------------------------------------------------------
mem_sample() { # mem_sample KEY PID: VmRSS and Private_Dirty of PID, in kB
	local key=$1 pid=$2
	# A process gone in between gives no sample rather than an error.
	awk -v k="$key" '/^VmRSS:/ { print k ".vmrss_kb", $2 }' "/proc/$pid/status" 2>/dev/null || true
	awk -v k="$key" '/^Private_Dirty:/ { print k ".private_dirty_kb", $2 }' \
		"/proc/$pid/smaps_rollup" 2>/dev/null || true
}

# The resident memory of what stays behind for a detached rlite container:
# its pid-1 shim and its monitor, with busybox `sleep` itself for scale.
detached_memory() {
	local m id shim mon wl key samples=$work/mem.txt
	mkdir -p "$work/mem"
	: >"$samples"
	for m in $(seq 1 "$MEM_ROUNDS"); do
		id=$prefix-m-$m
		if ! rt rlite mem run --detach --bundle "$work/sleep" "$id" \
			</dev/null >/dev/null 2>"$work/err/mem.err"; then
			runtime_failed rlite "run --detach" "$work/err/mem.err"
			return
		fi
		shim='' mon='' wl=''
		for _ in $(seq 50); do
			shim=$(rt rlite mem state "$id" 2>/dev/null | jq -r .pid || true)
			mon=$(jq -r 'to_entries[] | select(.key | test("monitor.?pid"; "i")) | .value' \
				"$work/mem/rlite/$id/state.json" 2>/dev/null || true)
			wl=$(awk '{ print $1 }' "/proc/$shim/task/$shim/children" 2>/dev/null || true)
			[ -n "$wl" ] && [ -n "$mon" ] && break
			sleep 0.02
		done
		[ -n "$wl" ] || { say "bench: no workload under rlite's shim" >&2; return; }
		sleep 0.2 # let the monitor finish setting itself up
		{
			mem_sample shim "$shim"
			mem_sample monitor "$mon"
			mem_sample sleep "$wl"
		} >>"$samples"
		rt rlite mem delete --force "$id" >/dev/null 2>&1 ||
			runtime_failed rlite "delete --force" /dev/null
		for _ in $(seq 100); do
			[ -e "/proc/$mon" ] || [ -e "/proc/$shim" ] || break
			sleep 0.02
		done
	done
	# shellcheck disable=SC2013 # the keys are words
	for key in $(awk '{ print $1 }' "$samples" | sort -u); do
		awk -v k="$key" '$1 == k { print $2 }' "$samples" | "$driver" stats "$key" rlite
	done >>"$results"
}

# How long rlite's pid-1 shim takes to reap 2,000 orphans that exit at once:
# the orphans helper of the tests runs as the workload and reports the time
# from their exit until it sees none left (zombies included).  runc and crun
# put no reaper in front of the workload: rlite only.  shim.bats checks that
# every orphan is reaped; how fast is this figure.
# Where one rlite run of the bundle goes, step by step, under perf trace
# (tests/bench/breakdown): printed here, the medians into the results.
breakdown() {
	local name
	for name in rlite ${bin[base]:+base}; do
		[ "$name" = rlite ] || say "  $name: ${bin[$name]}"
		"$top/tests/bench/breakdown" -n "$BREAKDOWN_ROUNDS" -r "$work/breakdown-$name" \
			-i "$prefix-bd" -j "$results" -l "$name" "${bin[$name]}" "$work/bundle" |
			sed 's/^/  /' || failed+=("breakdown of $name: see above")
	done
}

orphan_reaping() {
	local r out samples=$work/orphans.txt
	mkdir -p "$work/orphans" "$work/orph"
	cp "$ORPHANS_BIN" "$work/bundle/rootfs/bin/orphans"
	jq '.process.args = ["/bin/orphans", "2000"] | .root.path = $r' \
		--arg r "$work/bundle/rootfs" "$work/bundle/config.json" >"$work/orphans/config.json"
	: >"$samples"
	for r in $(seq 1 "$ORPHAN_ROUNDS"); do
		if ! out=$(rt rlite orph run --bundle "$work/orphans" "$prefix-o-$r" \
			</dev/null 2>"$work/err/orphans.err"); then
			runtime_failed rlite "run of the orphans" "$work/err/orphans.err"
			return
		fi
		if ! grep -qx 'zombies 0' <<<"$out" || ! grep -qx 'left 0' <<<"$out"; then
			say "bench: orphans left behind: $out" >&2
			failed+=("rlite: orphans not reaped")
			return
		fi
		awk '$1 == "waited" { print $2 }' <<<"$out" >>"$samples"
	done
	"$driver" stats orphans.reap_ms rlite <"$samples" >>"$results"
}

runtime_failed() { # runtime_failed NAME WHAT STDERR
	failed+=("$1: $2")
	say "bench: $1 failed: $2" >&2
	[ -s "$3" ] && sed 's/^/  /' "$3" >&2
	[ -s "$work/log/$1.log" ] && tail -n 20 "$work/log/$1.log" | sed 's/^/  log: /' >&2
	return 0
}

# drive_or_fail MODE ARGS...: a figure; a runtime error ends the bench with
# status 1 (the driver has printed which command and its stderr).  With
# KEY_PREFIX set, the figures' keys start with it (seccomp.create.ms).
drive_or_fail() {
	local rc=0
	if [ -n "${KEY_PREFIX:-}" ]; then
		drive "$@" >"$work/drive.out" || rc=$?
		jq -c --arg p "$KEY_PREFIX" '.key = $p + .key' "$work/drive.out" >>"$results"
	else
		drive "$@" >>"$results" || rc=$?
	fi
	case $rc in
	0) ;;
	3) failed+=("parallel run: failures (above)") ;;
	130) exit 130 ;;
	*) exit 1 ;;
	esac
}

list_state() {
	local have=0 n name got
	mkdir -p "$work/q"
	for n in $COUNTS; do
		say "  $n containers present: making them (untimed)"
		drive fill -s q -k "$have" -n "$n" >/dev/null || exit $?
		have=$n
		for name in "${runtimes[@]}"; do
			got=$(rt "$name" q list -q | grep -c "^$prefix-q-" || true)
			[ "$got" = "$n" ] || {
				say "bench: $name lists $got containers, $n expected" >&2
				exit 1
			}
		done
		drive_or_fail query -s q -r "$ROUNDS" -n "$n"
	done
}

# N detached containers (`run --detach`, sleep 1000) of one runtime at a
# time: started one after another, listed, killed and deleted; what the host
# holds for each while they run (tests/bench/density-sample).  podman (with
# conmon and crun) runs the same rootfs, imported as an image, through
# tests/bench/podman-as-runc.
density() {
	local names rc=0
	mapfile -t names < <(named)
	if [ "$DENSITY_PODMAN" = 1 ]; then
		export RLBENCH_PODMAN=$work/podman RLBENCH_PODMAN_IMAGE=localhost/${prefix,,}:latest
		mkdir -p "$RLBENCH_PODMAN"
		if tar -C "$work/bundle/rootfs" -c . |
			"$top/tests/bench/podman-as-runc" import "$RLBENCH_PODMAN_IMAGE" \
				>"$work/err/podman-import.err" 2>&1; then
			names+=("podman=$top/tests/bench/podman-as-runc")
		else
			say "  podman: cannot import the rootfs as an image, left out:" >&2
			sed 's/^/    /' "$work/err/podman-import.err" >&2
		fi
	fi
	RLBENCH_WORK=$work "$driver" density -n "$DENSITY" -r 5 -t "$TIMEOUT" -w "$work" \
		-b "$work/sleep" -i "$prefix" -s dens -x "$top/tests/bench/density-sample" \
		"${names[@]}" >>"$results" || rc=$?
	case $rc in
	0) ;;
	130) exit 130 ;;
	*) exit 1 ;;
	esac
}

# ---- the report --------------------------------------------------------------
versions() {
	jq -n --arg rlite "$("${bin[rlite]}" --version | head -1)" \
		--arg base "$([ -z "${bin[base]:-}" ] || "${bin[base]}" --version | head -1)" \
		--arg runc "$(runc --version | head -1)" --arg crun "$(crun --version | head -1)" \
		--arg commit "$(git -C "$top" describe --always --dirty 2>/dev/null || echo unknown)" \
		'{rlite: $rlite, rlite_commit: $commit, runc: $runc, crun: $crun}
		  + if $base == "" then {} else {base: $base} end'
}

write_json() {
	mkdir -p "$(dirname "$BENCH_JSON")"
	[ -f "$BENCH_JSON" ] && mv "$BENCH_JSON" "${BENCH_JSON%.json}.prev.json"
	jq -s --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg kernel "$(uname -r)" \
		--argjson cpus "$(nproc)" --argjson versions "$(versions)" \
		--argjson rounds "$ROUNDS" --argjson cold_rounds "$COLD_ROUNDS" \
		--argjson par_rounds "$PAR_ROUNDS" \
		--argjson mem_rounds "$MEM_ROUNDS" --argjson orphan_rounds "$ORPHAN_ROUNDS" \
		--argjson breakdown_rounds "$BREAKDOWN_ROUNDS" \
		--argjson quick "$([ "$QUICK" = 1 ] && echo true || echo false)" \
		--arg counts "$COUNTS" --argjson density "$DENSITY" \
		--arg note "$ns_note" --argjson seconds "$SECONDS" '
		{date: $date, kernel: $kernel, cpus: $cpus, versions: $versions, quick: $quick,
		 rounds: $rounds, cold_rounds: $cold_rounds, par_rounds: $par_rounds, mem_rounds: $mem_rounds,
		 orphan_rounds: $orphan_rounds, breakdown_rounds: $breakdown_rounds,
		 counts: ($counts | split(" ") | map(select(. != "") | tonumber)),
		 density: $density,
		 note: $note, seconds: $seconds,
		 figures: (reduce .[] as $r ({}; .[$r.key][$r.runtime] = ($r | del(.key, .runtime))))}' \
		"$results" >"$BENCH_JSON.new"
	mv "$BENCH_JSON.new" "$BENCH_JSON"
}

# One row per figure and runtime: median, min, max, the ratio of the median to
# crun's and to runc's, and its change against build/bench.prev.json.
print_table() {
	local prev=${BENCH_JSON%.json}.prev.json
	[ -f "$prev" ] || prev=/dev/null
	jq -r --slurpfile prev "$prev" --argjson counts "$(jq -c .counts "$BENCH_JSON")" \
		--argjson density "$DENSITY" --arg par "$PAR" -f "$top/tests/bench/table.jq" \
		"$BENCH_JSON"
}

# ---- main ----------------------------------------------------------------------
say "rlite benchmark: $(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cpus, kernel $(uname -r)"
say "  rounds $ROUNDS (cold $COLD_ROUNDS, parallel $PAR_ROUNDS, memory $MEM_ROUNDS, orphans $ORPHAN_ROUNDS, breakdown $BREAKDOWN_ROUNDS), counts $COUNTS, density $DENSITY, timeout ${TIMEOUT}s$([ "$QUICK" = 1 ] && echo ', QUICK')"
say "  $ns_note"
mkdir -p "$work/log" "$work/err"
make_bundle
# A freshly written rootfs has dirty page-cache pages (they would count as
# the workload's Private_Dirty) and writeback during the timing: flush first.
sync
say "bundle: $work/bundle (busybox, runc spec, /bin/true, no terminal)"
drive run -r 1 >/dev/null || exit 1
say "  config.json accepted by ${runtimes[*]} (one warm-up run each)"

say "1. sequential run, 6. floors"
drive_or_fail run -r "$ROUNDS" -f "$work/bundle/rootfs/bin/true" -K "$KFLOOR_BIN"
say "1b. cold run: the kernel's caches dropped before each"
drive_or_fail cold -r "$COLD_ROUNDS" -f "$work/bundle/rootfs/bin/true" -K "$KFLOOR_BIN"
say "2. create / start / delete"
drive_or_fail life -r "$ROUNDS"
say "2b. exec of /bin/true into a running container"
drive_or_fail exec -r "$ROUNDS" -b "$work/sleep"
say "2c. create / start / delete with podman's seccomp profile"
KEY_PREFIX=seccomp. drive_or_fail life -r "$ROUNDS" -b "$work/seccomp"
say "3. parallel run"
for n in $PAR; do
	drive_or_fail par -r "$PAR_ROUNDS" -n "$n"
done
say "4. memory of a detached rlite container"
detached_memory
say "5. list and state"
list_state
say "7. orphan reaping"
orphan_reaping
say "9. where one rlite run goes (perf trace, $BREAKDOWN_ROUNDS rounds)"
breakdown
if [ "$DENSITY" -gt 0 ]; then
	say "8. density: $DENSITY detached containers of each runtime in turn"
	density
fi

write_json
say ""
print_table
say ""
say "figures in $BENCH_JSON; $SECONDS s"
if [ ${#failed[@]} -gt 0 ]; then
	say "bench: runtime failures:" >&2
	printf '  %s\n' "${failed[@]}" >&2
	exit 1
fi
