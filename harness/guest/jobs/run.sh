# SPDX-License-Identifier: GPL-2.0
# make run: one workload that swaps zero, compressible and incompressible
# pages under a 64 MiB memcg limit, every byte verified; counters printed
# while the data is swapped out and after the workload exits.
#
# With a swap device, memory.zswap.max keeps zswap (charged to the memcg)
# to part of the limit, so the rest goes to disk; on a vswap kernel the
# disk must be reached through virtual slots (vswap/phys > 0 at the peak).
# With none (make run boots that way), only zswap and zero pages can take
# data: the incompressible part is kept small enough to stay resident, and
# on a vswap kernel the zswap and zero backends must be used. Either way
# the /sys/kernel/debug/vswap counters must return to idle after exit.

cg=/sys/fs/cgroup/swapload
vs=/sys/kernel/debug/vswap
mkdir $cg
echo 64M >$cg/memory.max
if [ "$(wc -l </proc/swaps)" -gt 1 ]; then
	echo 24M >$cg/memory.zswap.max
	args="-m ${SWAPLOAD_MIB:-64}"
else
	args="-m ${SWAPLOAD_MIB:-64} -i 16"
fi
idle_used=$(cat $vs/used 2>/dev/null)

cat >/tmp/peak.sh <<PEAK
echo "=== counters at the peak (data swapped out)"
swap_counters
echo "--- $cg/memory.stat (swap/zswap lines)"
grep -E 'swap|zswp' $cg/memory.stat
show $cg/memory.swap.current $cg/memory.zswap.current
[ -d $vs ] && cat $vs/zswap $vs/zero $vs/phys >/tmp/peak.vswap
true
PEAK

# The workload joins the cgroup through a subshell so init stays outside.
(echo 0 >$cg/cgroup.procs && exec swapload $args \
	-p ". /lib.sh; . /tmp/peak.sh") || rc=1
# Slots still held past idle, with a disk: folios that were under
# writeback at the exit (settle_swap_cache); without a disk every free is
# synchronous and the check stays immediate.
if [ -d $vs ] && [ "$(wc -l </proc/swaps)" -gt 1 ] &&
   [ "$(cat $vs/used)" != "$idle_used" ]; then
	settle_swap_cache $cg
fi
echo "=== counters after exit"
swap_counters
rmdir $cg

if [ -d $vs ]; then
	{ read -r zswap; read -r zero; read -r phys; } </tmp/peak.vswap
	used=$(cat $vs/used)
	echo "=== vswap: at the peak zswap=$zswap zero=$zero phys=$phys slots; used $idle_used before, $used after"
	if [ "${zswap:-0}" -le 0 ] || [ "${zero:-0}" -le 0 ]; then
		echo "FAIL: the zswap and zero backends of vswap were not used"
		rc=1
	fi
	if [ "$(wc -l </proc/swaps)" -gt 1 ] && [ "${phys:-0}" -le 0 ]; then
		echo "FAIL: nothing reached the swap device through virtual slots"
		rc=1
	fi
	if [ "$used" != "$idle_used" ] || [ "$(cat $vs/phys)" != 0 ] ||
	   [ "$(cat $vs/rmap)" != 0 ]; then
		echo "FAIL: slots leaked: used $used (idle $idle_used), phys $(cat $vs/phys), rmap $(cat $vs/rmap) after exit"
		rc=1
	fi
fi
