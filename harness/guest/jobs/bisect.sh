# SPDX-License-Identifier: GPL-2.0
# make bisect: a short swap + swapoff job for any prefix of the series.
# Two processes page out 8 MiB of incompressible data each, with zswap on
# (so it goes to zswap or the disk) and then with zswap off (the disk),
# the swap disk is swapped off under them, and every byte is verified
# (swapoffload.c); then, with no swap device at all, data is pushed out
# through virtual slots and verified (soakverify.c). A splat in the
# kernel log fails the run too.

dev=$(awk 'NR == 2 { print $1 }' /proc/swaps)
[ -n "$dev" ] || { echo "FAIL: no swap device"; rc=1; return; }
zswap=/sys/module/zswap/parameters/enabled
for z in Y N; do
	echo "=== zswap enabled=$z"
	echo $z >$zswap
	swapoffload -n 2 -m 8 "$dev" || rc=1
done
echo Y >$zswap

# With no swap device: from patch 6 on, MADV_PAGEOUT must put the data in
# virtual slots (zero pages from patch 6, zswap from patch 8) and get it
# back byte for byte, and from patch 7 on, where debugfs shows them, the
# virtual slots must all be free again afterwards. Before patch 6 there is
# no virtual device (no "virtual swap device" line in the kernel log) and
# nothing may be swapped out at all. Reclaim itself reaches anon memory
# without a swap device only from patch 10 on, so the phase uses
# MADV_PAGEOUT to cover 6 to 9 as well.
echo "=== no swap device"
out_pages() {
	awk '$1 == "pswpout" || $1 == "zswpout" || $1 == "swpout_zero" { n += $2 }
	     END { print n + 0 }' /proc/vmstat
}
swapoff "$dev" || { echo "FAIL: swapoff $dev"; rc=1; }
before=$(out_pages)
soakverify -t 10 -m 8 -s 1 || rc=1
delta=$(($(out_pages) - before))
vs=/sys/kernel/debug/vswap
vdev=no
dmesg | grep -q 'virtual swap device: type' && vdev=yes
if [ $vdev = yes ]; then
	echo "pages swapped out to virtual slots: $delta"
	[ "$delta" -gt 0 ] || { echo "FAIL: nothing was swapped out with no swap device"; rc=1; }
fi
if [ -d $vs ]; then
	# Once the verifier has exited no page table refers to a slot: what
	# is left may only be held by the swap cache (a folio freed later,
	# as on 7.3), never by nobody.
	used=$(cat $vs/used) cached=$(cat $vs/swapcache)
	echo "virtual slots in use: $used, of them in the swap cache: $cached"
	[ "$used" -le "$cached" ] || { echo "FAIL: $((used - cached)) virtual slots leaked"; rc=1; }
elif [ $vdev = no ]; then
	echo "no virtual device: pages swapped out: $delta (must be 0)"
	[ "$delta" -eq 0 ] || { echo "FAIL: pages were swapped out with no swap device"; rc=1; }
fi
swapon "$dev" || { echo "FAIL: swapon $dev"; rc=1; }

echo "=== counters after the job"
swap_counters
