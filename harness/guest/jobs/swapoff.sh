# SPDX-License-Identifier: GPL-2.0
# swapoff of a device holding three processes' data, 32 MiB each of
# incompressible pages, timed on every kernel with the same data: zswap is
# off meanwhile, so everything goes to the disk. On a vswap kernel two
# processes' pages are behind virtual slots (the switch at "always" while
# they swap out: at "auto", pages zswap cannot take get direct slots) and
# swapoff finds them through the reverse map; the third swaps out with
# the layer off (direct slots, found by the page-table walk). Every byte
# is verified after.

dev=$(awk 'NR == 2 { print $1 }' /proc/swaps)
[ -n "$dev" ] || { echo "FAIL: no swap device"; rc=1; return; }
zswap=/sys/module/zswap/parameters/enabled
echo N >$zswap
swapoffload -n 3 -m 32 -a -d "$dev" || rc=1
echo Y >$zswap
echo "=== counters after swapoff and swapon"
swap_counters
vs=/sys/kernel/debug/vswap
if [ -d $vs ]; then
	for c in used phys rmap; do
		if [ "$(cat $vs/$c)" != 0 ]; then
			echo "FAIL: vswap/$c is $(cat $vs/$c) after the workload"
			rc=1
		fi
	done
	[ "$(cat $vs/unuse)" -gt 0 ] || { echo "FAIL: swapoff moved no virtual slot"; rc=1; }
fi
