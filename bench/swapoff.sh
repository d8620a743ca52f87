# SPDX-License-Identifier: GPL-2.0
# Benchmark workload (a guest job): swapoff of a disk holding 3 x 32 MiB
# of incompressible data (harness/guest/swapoffload.c), zswap off so that
# all of it is on the disk on both kernels. On the vswap kernel every page
# is behind a virtual slot, so swapoff only follows the reverse map; the
# base kernel walks every process's page tables. Every byte is verified.

dev=$(awk 'NR == 2 { print $1 }' /proc/swaps)
[ -n "$dev" ] || { echo "FAIL: no swap device"; rc=1; return; }
echo N >/sys/module/zswap/parameters/enabled
swapoffload -n 3 -m 32 "$dev" || rc=1
echo Y >/sys/module/zswap/parameters/enabled
