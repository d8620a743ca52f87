# SPDX-License-Identifier: GPL-2.0
# Benchmark workload (a guest job): 256 MiB of compressible pages out to
# zswap with MADV_PAGEOUT, read back, then a fully swapped-out 256 MiB
# region freed with munmap. Base needs its swap disk for zswap to work;
# the vswap kernel swaps it off first, so its pages take virtual slots.
# Both paths end in zswap: the metrics compare the layers' overhead,
# above all the free path.

if [ -d /sys/kernel/debug/vswap ]; then
	swapoff_all || rc=1
fi
echo "--- swap devices: $(($(wc -l </proc/swaps) - 1))"
freebench -m 256 || rc=1
if [ -d /sys/kernel/debug/vswap ]; then
	echo "--- vswap used after free: $(cat /sys/kernel/debug/vswap/used)"
fi
