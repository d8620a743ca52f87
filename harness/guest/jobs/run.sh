# SPDX-License-Identifier: GPL-2.0
# make run: one workload that swaps zero, compressible and incompressible
# pages under a 64 MiB memcg limit, every byte verified; counters printed
# while the data is swapped out. zswap's pool is charged to the memcg, so
# memory.zswap.max keeps room for the rest: past it zswap refuses and the
# page goes to the next backend (the disk).

cg=/sys/fs/cgroup/swapload
mkdir $cg
echo 64M >$cg/memory.max
echo 24M >$cg/memory.zswap.max

cat >/tmp/peak.sh <<PEAK
echo "=== counters at the peak (data swapped out)"
swap_counters
echo "--- $cg/memory.stat (swap/zswap lines)"
grep -E 'swap|zswp' $cg/memory.stat
show $cg/memory.swap.current $cg/memory.zswap.current
PEAK

# The workload joins the cgroup through a subshell so init stays outside.
(echo 0 >$cg/cgroup.procs && exec swapload -m "${SWAPLOAD_MIB:-64}" \
	-p ". /lib.sh; . /tmp/peak.sh") || rc=1
echo "=== counters after exit"
swap_counters
rmdir $cg
