#!/usr/bin/env bats
# linux.netDevices (runtime-spec 1.3): host interfaces moved into the
# container's network namespace, renamed, up, with their global addresses;
# what cannot be moved is refused before anything runs.  The "host" is a
# network namespace of each test's own holding a veth pair.  Real busybox
# containers (run_helpers.bash); needs root.

# jq filters and container scripts are in single quotes on purpose.
# shellcheck disable=SC2016

load run_helpers

setup_file() {
	rr_setup_file
}

teardown_file() {
	rr_teardown_file
}

setup() {
	rr_setup
}

teardown() {
	rr_teardown
}

# nd_setup: a network namespace of the test's own (RR_NETNS, removed at
# teardown) standing for the host, with a veth pair ndA/ndB in it; ndA has
# a global IPv4 and IPv6 address (IPv6 when the kernel has it there) and a
# link-local one.  Skips on a kernel without veth pairs.
nd_setup() {
	rr_kernel_has CONFIG_VETH veth || skip "no veth pairs in this kernel (CONFIG_VETH)"
	RR_NETNS=rlite-nd-$$-$BATS_TEST_NUMBER
	ip netns add "$RR_NETNS"
	ip -n "$RR_NETNS" link add ndA type veth peer name ndB
	ip -n "$RR_NETNS" addr add 10.9.8.7/24 dev ndA
	ip -n "$RR_NETNS" addr add 169.254.7.7/16 scope link dev ndA
	if [ "$(ip netns exec "$RR_NETNS" cat /proc/sys/net/ipv6/conf/ndA/disable_ipv6 2>/dev/null)" = 0 ]; then
		ip -n "$RR_NETNS" addr add 2001:db8::7/64 nodad dev ndA
		ND_V6=1
	else
		ND_V6=
	fi
}

# nd_run: rr_run with rlite started in RR_NETNS (nsenter, which leaves /sys
# alone, unlike `ip netns exec`).
nd_run() {
	run timeout -k 5 "$RR_GUARD" nsenter --net="/run/netns/$RR_NETNS" env RR_TAG="$RR_ID" \
		"$RLITE_BIN" --root "$RR_STATE" run --bundle "$RR_BUNDLE" "$RR_ID" </dev/null
	rr_show
}

@test "run: linux.netDevices moves a host interface in, renamed, up, with its global addresses" {
	nd_setup
	rr_sh 'ip -o link show; ip -o addr show'
	rr_jq '.linux.netDevices = {"ndA": {"name": "ctr0"}}'
	nd_run
	[ "$status" -eq 0 ]
	[[ "$output" == *': ctr0@'*'UP'* ]]
	[[ "$output" == *'ctr0    inet 10.9.8.7/24 '* ]]
	if [ -n "$ND_V6" ]; then
		[[ "$output" == *'ctr0    inet6 2001:db8::7/64 '* ]]
	fi
	# the link-scope address is the host link's, not carried over
	[[ "$output" != *169.254.7.7* ]]
	[[ "$output" != *ndA* ]]
	# Gone from the host's namespace; the container's namespace was freed
	# with it, and the kernel destroyed the virtual pair (both ends).
	run ip -n "$RR_NETNS" -o link show
	echo "$output"
	[[ "$output" != *ndA* ]]
	[[ "$output" != *ndB* ]]
}

@test "run: linux.netDevices without a name keeps the host's; \"%d\" lets the kernel number it" {
	nd_setup
	ip -n "$RR_NETNS" link add ndC type veth peer name ndD
	rr_sh 'ip -o link show'
	rr_jq '.linux.netDevices = {"ndA": {}, "ndC": {"name": "eth%d"}}'
	nd_run
	[ "$status" -eq 0 ]
	[[ "$output" == *': ndA@'* ]]
	[[ "$output" == *': eth0@'* ]]
	[[ "$output" != *ndC* ]]
}

@test "run: linux.netDevices that cannot be moved are refused, naming the device; nothing is left" {
	nd_setup
	rr_sh 'echo ran'
	rr_snapshot
	rr_jq '.linux.netDevices = {"nope0": {}}'
	nd_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.netDevices.nope0: no such network interface'* ]]
	# the name is taken in the container (its loopback)
	rr_jq '.linux.netDevices = {"ndA": {"name": "lo"}}'
	nd_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.netDevices.ndA: the container has an interface named "lo" already'* ]]
	# ... and the device stays on the host, as it was
	run ip -n "$RR_NETNS" -o addr show ndA
	echo "$output"
	[[ "$output" == *'inet 10.9.8.7/24 '* ]]
	# no network namespace of its own: nowhere to move it
	rr_jq '.linux.netDevices = {"ndA": {}} | .linux.namespaces |= map(select(.type != "network"))'
	nd_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.netDevices: needs a network namespace of the container'* ]]
	rr_jq '.linux.netDevices = {"nd/A": {}} | .linux.namespaces += [{"type": "network"}]'
	nd_run
	[ "$status" -ne 0 ]
	[[ "$output" == *'linux.netDevices.nd/A: not a network interface name'* ]]
	[[ "$output" != *ran* ]]
	rr_assert_nothing_left
}
