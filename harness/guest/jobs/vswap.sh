# SPDX-License-Identifier: GPL-2.0
# The series' own kselftests (tools/testing/selftests/mm/vswap.c), one
# fixture: VSWAP_FIXTURE=vswap (the default; boot with --nodisk: zswap and
# zero pages only) or vswap_disk (with the swap disk: disk behind virtual
# slots, zswap writeback, memory.swap for disk only, a full device,
# swapoff through the reverse map, a removed memcg), vswap_zram (no disk,
# booted zswap.enabled=0: large swap-in of virtual slots backed by zram)
# or vswap_faults (with
# the disk, on a kernel with failslab's stack trace filter: make soak runs
# it on vswap-kasan), or vswap_v1 (no disk: the memory controller moved to
# cgroup v1, which it cannot leave again in the same boot). Every sub-test must
# pass; a skip fails the job too, since this kernel has the layer.

# VSWAP_TEST=NAME runs that one sub-test of the fixture (for a before and
# after measurement of one fix).
fixture=${VSWAP_FIXTURE:-vswap}
# vswap_v1 runs only when asked: no v2 cgroup has charged memory yet.
[ "$fixture" != vswap_v1 ] || export VSWAP_V1=1
echo "@@SUITE $fixture"
if [ -n "$VSWAP_TEST" ]; then
	timeout 900 vswap -r "$fixture.$VSWAP_TEST" >/tmp/vswap.tap 2>&1
else
	timeout 900 vswap -f "$fixture" >/tmp/vswap.tap 2>&1
fi
src=$?
cat /tmp/vswap.tap
echo "@@END $fixture rc=$src"
[ $src -eq 0 ] || rc=1
grep -q '^# Totals: pass:[1-9][0-9]* fail:0 xfail:0 xpass:0 skip:0 error:0' /tmp/vswap.tap || {
	echo "$fixture: not every sub-test passed"
	rc=1
}
echo "=== counters after the tests"
swap_counters
