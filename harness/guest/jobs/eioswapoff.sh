# SPDX-License-Identifier: GPL-2.0
# swapoff over unreadable slots, on every kernel (harness/guest/eioswapoff.c):
# first the swap disk with one failed read (fail_make_request: 7.3 poisons
# the pages of that request, vswap reads them again one by one and loses
# nothing), then a null_blk device with a few pages unreadable for good
# (badblocks: both poison them; vswap only those pages). swapoff
# completes, the owner gets SIGBUS on what was lost and every other byte
# back. zswap is off meanwhile, so all the data is on the device; on a
# vswap kernel the switch is at "always" meanwhile, so that the data is
# behind virtual slots (at "auto" it would take direct slots, as on 7.3).
# On a vswap kernel the virtual layer's counters must be back to idle
# afterwards (the poison counter included: the poisoned slots are freed
# when their owner exits).

dev=$(awk 'NR == 2 { print $1 }' /proc/swaps)
[ -n "$dev" ] || { echo "FAIL: no swap device"; rc=1; return; }
zswap=/sys/module/zswap/parameters/enabled
echo N >$zswap
sw=/sys/kernel/mm/swap/vswap_enabled
[ -w $sw ] && echo always >$sw
eioswapoff -m 16 "$dev" || rc=1

nb=/sys/kernel/config/nullb/eiobad
[ -d /sys/kernel/config/nullb ] ||
	mount -t configfs none /sys/kernel/config
if mkdir $nb && echo 32 >$nb/size && echo 1 >$nb/memory_backed &&
   echo 1 >$nb/power && mkswap /dev/eiobad >/dev/null &&
   swapoff "$dev" && swapon /dev/eiobad; then
	eioswapoff -m 24 -b $nb/badblocks /dev/eiobad || rc=1
	swapoff /dev/eiobad 2>/dev/null
	swapon "$dev" || { echo "FAIL: swapon $dev again"; rc=1; }
else
	echo "FAIL: null_blk swap device with bad blocks: set-up failed"
	rc=1
fi
[ -d $nb ] && { echo 0 >$nb/power; rmdir $nb; }
echo Y >$zswap
[ -w $sw ] && echo auto >$sw
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
