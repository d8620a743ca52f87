# SPDX-License-Identifier: GPL-2.0
# Helpers for guest jobs (sourced by init). A job sets rc non-zero to fail.

# suite NAME TIMEOUT CMD...: run one test program, framed so the host can
# split results.log per suite; a time-out is reported as such.
suite() {
	local name=$1 limit=$2 src
	shift 2
	echo "@@SUITE $name"
	timeout "$limit" "$@"
	src=$?
	[ $src -ne 143 ] && [ $src -ne 124 ] || echo "@@TIMEOUT $name after $limit s"
	echo "@@END $name rc=$src"
	return 0
}

# show FILE...: print files with a header each (counters for humans).
show() {
	local f
	for f in "$@"; do
		echo "--- $f"
		cat "$f" 2>&1
	done
}

swap_counters() {
	show /proc/swaps
	echo "--- /proc/vmstat (swap lines)"
	grep -E 'swp|swap' /proc/vmstat
	if [ -d /sys/kernel/debug/vswap ]; then
		for f in /sys/kernel/debug/vswap/*; do
			printf '%s: %s\n' "$f" "$(cat "$f")"
		done
	else
		echo "/sys/kernel/debug/vswap: missing (this kernel has no vswap layer)"
	fi
}

# swapoff_all: turn every swap device off (busybox's swapoff -a reads
# /etc/fstab, which the guest does not have); fails if one stays on.
swapoff_all() {
	local d
	for d in $(awk 'NR > 1 { print $1 }' /proc/swaps); do
		swapoff "$d" || return 1
	done
	[ "$(wc -l </proc/swaps)" -le 1 ]
}

# settle_swap_cache CGROUP: a swap cache folio under writeback keeps its
# slot after the last page table that used it is gone (7.3 does the same);
# reclaim frees it once the write has completed. For a check of idle slot
# counters right after an exit or munmap with a swap disk: wait for the
# writes to complete (10 s at most), then reclaim CGROUP once. Says so.
settle_swap_cache() {
	local i=0
	while [ $i -lt 100 ] &&
	      [ "$(awk '/^Writeback:/ { print $2 }' /proc/meminfo)" != 0 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	echo "settle: writeback $(awk '/^Writeback:/ { print $2 }' /proc/meminfo) kB after $i waits of 0.1 s; reclaiming $1 once"
	echo 256M >"$1/memory.reclaim" 2>/dev/null
	return 0
}
