# SPDX-License-Identifier: GPL-2.0
# MADV_PAGEOUT of anon pages that can go nowhere (review item N10), on any
# kernel booted with no swap device (guest-run --nodisk): 192 MiB of
# random pages with zswap off, then 192 MiB of compressible pages with
# zswap on in a memcg whose memory.zswap.max is 0. 7.3 fails the swap
# allocation before it unmaps a page; a kernel that unmaps them first
# takes a fault per page to map them back. Prints, per case, what
# pageoutnowhere measures (the time of the madvise and of the read-back,
# pages unmapped, faults) and the compressions zswap tried and refused;
# fails only if a byte reads back wrong.

zs=/sys/module/zswap/parameters/enabled
dz=/sys/kernel/debug/zswap
cg=/sys/fs/cgroup/nowhere
mib=${NOWHERE_MIB:-192}
[ "$(wc -l </proc/swaps)" -le 1 ] || { echo "FAIL: boot with no swap device (--nodisk)"; rc=1; return; }

# case NAME ZSWAP ZSWAP_MAX DATA: one run in a fresh memcg.
case_run() {
	local rej0 rej1 st
	echo "$2" >$zs
	mkdir -p $cg
	echo "$3" >$cg/memory.zswap.max
	rej0=$(cat $dz/reject_compress_fail 2>/dev/null || echo 0)
	st=$(cat $dz/stored_pages 2>/dev/null || echo 0)
	(echo 0 >$cg/cgroup.procs && exec pageoutnowhere -m "$mib" -d "$4") >/tmp/pon.out || rc=1
	rej1=$(cat $dz/reject_compress_fail 2>/dev/null || echo 0)
	sed "s/^@@METRIC \([a-z_]*\)/@@METRIC \1_$1/" /tmp/pon.out
	echo "@@METRIC zswap_rejects_$1 $((rej1 - rej0)) pages"
	echo "$1: zswap stored pages before $st, after $(cat $dz/stored_pages 2>/dev/null)"
	rmdir $cg
}
case_run zswapoff N max rand
case_run zswapmax0 Y 0 comp
echo Y >$zs
