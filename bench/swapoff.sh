# SPDX-License-Identifier: GPL-2.0
# swapoff time against the size swapped out: 128 MiB, 512 MiB and 1 GiB
# of incompressible data in four processes, all of it on the disk (zswap
# off) and none of it left in the swap cache, so swapoff reads it all;
# every byte verified after swapoff (harness/guest/swapoffload.c).
# The base kernel walks the page tables of every process; vswap follows
# the reverse map of the device's slots. With zswap off, vswap's default
# (vswap=auto) gives these pages direct slots, 7.3's path: swapoffload -a
# asks for virtual slots for them (the switch at always while they swap
# out), so the row measures swapoff of data in virtual slots; a kernel
# booted vswap=off keeps its direct slots. touchback_NM is what swapoff
# leaves undone: the time until the four processes have read (and
# checked) all their data again after swapoff, with the faults and
# reclaim of that time in the log (on 7.3 the data is mapped when
# swapoff returns; through the reverse map it waits in the swap cache).
# guest: --mem 2048 --disk 1280
# icount: sleep=on
# (swapoff reads every page from the disk, synchronously.)

dev=$(awk 'NR == 2 { print $1 }' /proc/swaps)
[ -n "$dev" ] || { echo "FAIL: no swap device"; rc=1; return; }
echo N >$zsw/enabled
memcg so max || { rc=1; return; }
for s in ${SIZES:-128 512 1024}; do
	io_mark
	out=$(incg so swapoffload -n 4 -m $((s / 4)) -a -r /sys/fs/cgroup/so "$dev") || rc=1
	echo "$out" | grep -v '^@@METRIC'
	ms=$(echo "$out" | sed -n 's/^@@METRIC swapoff_ms \([0-9.]*\) ms$/\1/p')
	[ -n "$ms" ] && metric "swapoff_${s}M" "$ms" ms && io_rows "swapoff_${s}M"
	# The deferred cost: until the owners have read it all back.
	ms=$(echo "$out" | sed -n 's/^@@METRIC touchback_ms \([0-9.]*\) ms$/\1/p')
	[ -n "$ms" ] && metric "touchback_${s}M" "$ms" ms
done
