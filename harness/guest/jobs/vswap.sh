# SPDX-License-Identifier: GPL-2.0
# The series' own kselftests (tools/testing/selftests/mm/vswap.c) on a
# guest with no swap device: zswap and zero pages only. Every sub-test
# must pass; a skip fails the job too, since this kernel has the layer.

echo "@@SUITE vswap"
timeout 900 vswap -f vswap >/tmp/vswap.tap 2>&1
src=$?
cat /tmp/vswap.tap
echo "@@END vswap rc=$src"
[ $src -eq 0 ] || rc=1
grep -q '^# Totals: pass:[1-9][0-9]* fail:0 xfail:0 xpass:0 skip:0 error:0' /tmp/vswap.tap || {
	echo "vswap: not every sub-test passed"
	rc=1
}
echo "=== counters after the tests"
swap_counters
