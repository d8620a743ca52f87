# SPDX-License-Identifier: GPL-2.0
# swapoff of the swap disk with one unreadable slot (fail_make_request
# fails the first read), on every kernel: swapoff completes, the owner of
# the unreadable page gets SIGBUS there and every other byte comes back.
# zswap is off meanwhile, so all the data is on the disk. On a vswap
# kernel the virtual layer's counters must be back to idle afterwards.

dev=$(awk 'NR == 2 { print $1 }' /proc/swaps)
[ -n "$dev" ] || { echo "FAIL: no swap device"; rc=1; return; }
zswap=/sys/module/zswap/parameters/enabled
echo N >$zswap
eioswapoff -m 16 "$dev" || rc=1
echo Y >$zswap
echo "=== counters after the workload"
swap_counters
vs=/sys/kernel/debug/vswap
if [ -d $vs ]; then
	for c in used phys rmap; do
		if [ "$(cat $vs/$c)" != 0 ]; then
			echo "FAIL: vswap/$c is $(cat $vs/$c) after the workload"
			rc=1
		fi
	done
	if [ -f $vs/poison ] && [ "$(cat $vs/poison)" != 0 ]; then
		echo "FAIL: vswap/poison is $(cat $vs/poison) after the workload"
		rc=1
	fi
fi
