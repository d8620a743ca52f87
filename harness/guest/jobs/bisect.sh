# SPDX-License-Identifier: GPL-2.0
# make bisect: a short swap + swapoff job for any prefix of the series.
# Two processes page out 8 MiB of incompressible data each, with zswap on
# (so it goes to zswap or the disk) and then with zswap off (the disk),
# the swap disk is swapped off under them, and every byte is verified
# (swapoffload.c). A splat in the kernel log fails the run too.

dev=$(awk 'NR == 2 { print $1 }' /proc/swaps)
[ -n "$dev" ] || { echo "FAIL: no swap device"; rc=1; return; }
zswap=/sys/module/zswap/parameters/enabled
for z in Y N; do
	echo "=== zswap enabled=$z"
	echo $z >$zswap
	swapoffload -n 2 -m 8 "$dev" || rc=1
done
echo Y >$zswap
echo "=== counters after the job"
swap_counters
