# SPDX-License-Identifier: GPL-2.0
# Readahead locality after zswap writeback on a rotational swap device
# (review B16), on any kernel with a swap disk. The disk is flagged
# rotational before swapon, so that 7.3 reads ahead by disk offset
# (swap_cluster_readahead(), 8 slots) as it would on a hard disk.
#
# Two cases, each in a memcg of its own, RA_MIB (64) MiB of compressible
# pages per process, paged out into zswap, written back to the disk by
# the zswap shrinker (memory.reclaim), then read back in address order,
# one process after the other:
#  - one: one process;
#  - two: two processes on the two CPUs, paging out at the same time.
# 7.3 writes each entry to the slot it was given at swap-out (on a
# rotational device all CPUs allocate from one cluster, so two processes
# swapping at once interleave); the virtual layer takes a disk slot at
# writeback, in the order of zswap's LRU, where the two processes'
# entries are interleaved too. A seek costs nothing here (QEMU's
# disk is a file); what is compared is what a hard disk would pay for:
# read requests and their size, pages read for the pages used. Prints
# @@METRIC lines; fails only if a byte reads back wrong or nothing was
# written back.

dev=$(awk 'NR == 2 { print $1 }' /proc/swaps)
[ -n "$dev" ] || { echo "FAIL: no swap device"; rc=1; return; }
blk=$(basename "$dev")
mib=${RA_MIB:-64}

swapoff "$dev" && echo 1 >/sys/block/$blk/queue/rotational &&
	swapon "$dev" || { echo "FAIL: could not swapon $dev as rotational"; rc=1; return; }
echo Y >/sys/module/zswap/parameters/enabled
echo Y >/sys/module/zswap/parameters/shrinker_enabled

vmstat_of() { awk -v k="$1" '$1 == k { print $2 }' /proc/vmstat; }
zswapped() { awk '$1 == "zswapped" { print $2 }' "$1/memory.stat"; }
# reads completed, reads merged, sectors read (Documentation/block/stat.rst)
disk_reads() { awk '{ print $1, $2, $3 }' /sys/block/$blk/stat; }

# ra_case NAME NPROCS
ra_case() {
	local name=$1 n=$2 cg=/sys/fs/cgroup/ra-$1 i pid wb0 wb r0 m0 s0 in0 hit0
	local pids=
	mkdir -p $cg
	for i in $(seq 0 $((n - 1))); do
		rm -f /tmp/ra.in$i /tmp/ra.out$i
		mkfifo /tmp/ra.in$i
		(echo 0 >$cg/cgroup.procs &&
		 exec taskset -c $i usemem -m "$mib" -L -H -d comp -t _ra_$name$i) \
			</tmp/ra.in$i >/tmp/ra.out$i &
		pids="$pids $!"
	done
	# Opened once every reader is started: a reader that inherited
	# another's write end would keep it from seeing EOF.
	for i in $(seq 0 $((n - 1))); do
		eval "exec $((10 + i))>/tmp/ra.in$i"
	done
	for i in $(seq 0 $((n - 1))); do
		for _ in $(seq 600); do
			grep -q '^@@HELD' /tmp/ra.out$i && break
			sleep 0.1
		done
		grep -q '^@@HELD' /tmp/ra.out$i ||
			{ cat /tmp/ra.out$i; echo "FAIL: usemem $i did not page out"; rc=1; }
	done

	# Write back every entry: each memory.reclaim runs the zswap shrinker.
	wb0=$(vmstat_of zswpwb)
	for _ in $(seq 64); do
		[ "$(zswapped $cg)" -eq 0 ] && break
		echo "$((mib * n))M" >$cg/memory.reclaim 2>/dev/null
	done
	wb=$(( $(vmstat_of zswpwb) - wb0 ))
	echo "$name: written back $wb pages, $(zswapped $cg) bytes left in zswap"
	# What writeback left in the swap cache must not serve the read-back.
	echo "$((mib * n))M" >$cg/memory.reclaim 2>/dev/null
	[ "$wb" -gt 0 ] || { echo "FAIL: $name: nothing written back"; rc=1; }

	set -- $(disk_reads)
	r0=$1 m0=$2 s0=$3
	in0=$(vmstat_of pswpin)
	hit0=$(vmstat_of swap_ra_hit)
	i=0
	for pid in $pids; do
		eval "exec $((10 + i))>&-"
		wait $pid || rc=1
		cat /tmp/ra.out$i
		i=$((i + 1))
	done
	set -- $(disk_reads)
	r0=$(( $1 - r0 )) m0=$(( $2 - m0 )) s0=$(( $3 - s0 ))
	echo "@@METRIC ra_written_back_$name $wb pages"
	echo "@@METRIC ra_read_requests_$name $r0 requests"
	echo "@@METRIC ra_read_merged_$name $m0 requests"
	echo "@@METRIC ra_read_kib_$name $(( s0 / 2 )) KiB"
	echo "@@METRIC ra_pswpin_$name $(( $(vmstat_of pswpin) - in0 )) pages"
	echo "@@METRIC ra_hits_$name $(( $(vmstat_of swap_ra_hit) - hit0 )) pages"
	[ "$r0" -gt 0 ] &&
		echo "@@METRIC ra_request_kib_$name $(( s0 / 2 / r0 )) KiB"
	rmdir $cg 2>/dev/null
}
ra_case one 1
ra_case two 2
swapoff "$dev" && echo 0 >/sys/block/$blk/queue/rotational && swapon "$dev"
