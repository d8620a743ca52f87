# SPDX-License-Identifier: GPL-2.0
# Global pressure: no memcg limit, a guest with little RAM, as many
# processes as CPUs and then twice as many, together filling one and a
# half times the guest's memory (harness/guest/usemem.c; every byte read
# back and checked). Fill and read-back throughput, free latency.
# guest: --mem 256 --disk 512
# backends: zswap-disk disk
# icount: sleep=on
# (both backends swap to the disk, and reclaim waits for its writes.)

backend "$BACKEND" || { rc=1; return; }
ram=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
for p in $(nproc) $((2 * $(nproc))); do
	io usemem -p $p -m $((ram * 3 / 2 / p)) -t "_p$p" || rc=1
done
