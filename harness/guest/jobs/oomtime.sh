# SPDX-License-Identifier: GPL-2.0
# Time to OOM of a memcg whose memory cannot all be swapped, with the
# reclaim counters over the run; the same on every kernel (oomtime.c).
#
# Without a swap device: 192 MiB of incompressible pages in a 64 MiB
# memcg, in anon memory and then in a tmpfs file; nothing can take them,
# so the memcg must OOM, promptly and without swapping the same pages out
# and in again, or compressing the same tmpfs pages again.
# With the swap disk: memory.swap.max=0 with 192 MiB of incompressible
# pages (the cgroup does not swap: OOM), and a 4 GiB region written one
# byte per page (zero pages, then pages of one non-zero byte) in a memcg
# with memory.max=8M and memory.swap.max=16M: pages that cost next to
# nothing to keep must not let the cgroup grow past its limits. 7.3 holds
# 8M + 16M of them; vswap 8M + 16M on disk + 4 x 16M in virtual slots
# (VSWAP_SWAP_MAX_RATIO): the child must be killed before it has written
# 96 MiB of its 4 GiB (it wrote 1.8 GiB of zero pages before virtual slots
# were bounded). The times are numbers for the notes, not assertions: the
# program fails if the child is not OOM-killed within its limit, if it
# wrote more than its limits allow (-p), or if zswap had to refuse more
# than 2 compressions per page the child wrote (reclaim compressing the
# same incompressible pages again and again), or, with no disk, if reclaim
# scanned more than 3 anon pages per page written (-s: going through the
# refused pages again on every retry; 7.3 scans none without swap).

cg=/sys/fs/cgroup/oomtime
limit=${OOMTIME_LIMIT:-300}

# oom_case NAME MEMORY_MAX SWAP_MAX KIND MiB [MAX_MiB] [MAX_SCANS]
oom_case() {
	echo "=== $1: memory.max=$2 memory.swap.max=$3, $4 pages, $5 MiB"
	mkdir $cg
	echo "$2" >$cg/memory.max
	echo "$3" >$cg/memory.swap.max
	oomtime -c $cg -k "$4" -m "$5" -t "$limit" -z 2 ${6:+-p "$6"} \
		${7:+-s "$7"} || rc=1
	grep -E '^(max|oom|oom_kill) ' $cg/memory.events
	grep -E '^(max|fail) ' $cg/memory.swap.events
	rmdir $cg
}

if [ "$(wc -l </proc/swaps)" -gt 1 ]; then
	oom_case swap_max_zero 64M 0 random 192
	oom_case zero_pages 8M 16M zero 4096 96
	oom_case one_byte 8M 16M onebyte 4096 96
else
	oom_case no_disk 64M max random 192 "" 3
	oom_case no_disk_tmpfs 64M max tmpfs 192 "" 3
fi
echo "=== counters after the runs"
swap_counters
