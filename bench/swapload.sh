# SPDX-License-Identifier: GPL-2.0
# Benchmark workload (a guest job): make run's workload without the
# counters: 3 x 48 MiB of zero, compressible and incompressible pages
# through a 64 MiB memcg (memory.zswap.max 24 MiB, the rest to disk).
# Reports swap-out (fill under pressure) and swap-in (verify) time.
# A workload prints "@@METRIC name value unit"; lower is better.

cg=/sys/fs/cgroup/bench
mkdir $cg
echo 64M >$cg/memory.max
echo 24M >$cg/memory.zswap.max
out=$(echo 0 >$cg/cgroup.procs && exec swapload -m 48) || rc=1
echo "$out"
echo "$out" | sed -n 's/^swapload: time fill \([0-9]*\) ms, verify \([0-9]*\) ms$/@@METRIC swapout \1 ms\n@@METRIC swapin \2 ms/p'
rmdir $cg
