# SPDX-License-Identifier: GPL-2.0
# Helpers for the benchmark workloads: harness/bench puts this file in
# front of each bench/*.sh job. Every function behaves the same on the
# base and the vswap kernel; where the kernels must be set up differently
# to offer the same backend, the difference is here, once.

vs=/sys/kernel/debug/vswap
zsw=/sys/module/zswap/parameters

# backend NAME: where swapped pages go.
#   zswap       zswap with no disk behind it. Base 7.3 cannot run zswap
#               without a swap device, so it keeps its disk (zswap takes
#               the pages first); vswap swaps the disk off. This is the
#               configuration the virtual layer exists for. A vswap kernel
#               switched off (vswap=off) is a 7.3 here: it keeps its disk.
#   zswap-disk  zswap over the disk on both kernels; the workload's memcg
#               caps zswap (memory.zswap.max) so that the oldest pages
#               are written back to the disk.
#   disk        zswap off, the disk only.
#   zram        zswap off, the disk off, a zram device as the swap
#               device (a fast device: the layer's own overhead shows).
#   brd         zswap off, the disk off, a RAM disk (brd) as the swap
#               device: no compression and no IO wait, the swap code's
#               own cost, as reviewers isolate it. The workload boots
#               with brd.rd_size= large enough for what it swaps.
backend() {
	case $1 in
	zswap)
		if [ -d $vs ] && ! grep -q '\[off\]' /sys/kernel/mm/swap/vswap_enabled; then
			swapoff_all || return 1
		fi
		echo Y >$zsw/enabled
		# Room for the whole working set in the pool on both kernels,
		# so that neither writes back.
		echo 60 >$zsw/max_pool_percent ;;
	zswap-disk)
		echo Y >$zsw/enabled ;;
	disk)
		echo N >$zsw/enabled ;;
	zram)
		echo N >$zsw/enabled
		swapoff_all || return 1
		echo lzo-rle >/sys/block/zram0/comp_algorithm 2>/dev/null ||
			echo lzo >/sys/block/zram0/comp_algorithm
		echo 1G >/sys/block/zram0/disksize &&
			mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 ||
			return 1 ;;
	brd)
		echo N >$zsw/enabled
		swapoff_all || return 1
		[ -b /dev/ram0 ] || { echo "FAIL: no /dev/ram0 (CONFIG_BLK_DEV_RAM)"; return 1; }
		mkswap /dev/ram0 >/dev/null && swapon /dev/ram0 || return 1 ;;
	*)
		echo "FAIL: unknown backend '$1'"
		return 1 ;;
	esac
	echo "--- backend $1: zswap $(cat $zsw/enabled), devices:"
	cat /proc/swaps
}

# memcg NAME MAX [ZSWAP_MAX]: a fresh cgroup for the workload.
memcg() {
	mkdir -p /sys/fs/cgroup/$1 &&
		echo "$2" >/sys/fs/cgroup/$1/memory.max &&
		echo "${3:-max}" >/sys/fs/cgroup/$1/memory.zswap.max
}

# incg NAME CMD...: run CMD inside the cgroup (init stays outside).
incg() {
	local cg=$1
	shift
	(echo 0 >/sys/fs/cgroup/$cg/cgroup.procs && exec "$@")
}

# kmem_kib: the kernel memory a swapped page can cost, from the kernel's
# own accounting: slab (zswap entries, swap tables, memcg id tables,
# xarray nodes, the virtual tables), vmalloc and per-CPU memory.
kmem_kib() {
	awk '/^(Slab|VmallocUsed|Percpu):/ { s += $2 } END { print s }' /proc/meminfo
}

# settle: drop what the page and dentry caches hold, so that a kmem_kib
# difference is the swap metadata and not a cache that grew meanwhile.
settle() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

# metric NAME VALUE UNIT
metric() {
	echo "@@METRIC $1 $2 $3"
}

# The swap traffic beside a row whose time waits for the disk: a kernel
# that reads less and one that reads faster give the same ratio, and the
# counts tell them apart (and show the rows where sleep=on's real-time
# waits make up the icount time). Pages swapped in and out (pswpin,
# pswpout), zswap loads and stores (zswpin, zswpout; none without
# CONFIG_ZSWAP), and KiB read from and written to the swap disk
# (diskread, diskwrite from /sys/block/vdb/stat, 512-byte sectors).
io_counters() {
	awk '$1 ~ /^(pswpin|pswpout|zswpin|zswpout)$/ { print $1, $2 }' /proc/vmstat
	[ ! -r /sys/block/vdb/stat ] ||
		awk '{ print "diskread", int($3 / 2); print "diskwrite", int($7 / 2) }' /sys/block/vdb/stat
}

# io_mark: start counting for the rows io_rows names.
io_mark() {
	io_counters >/tmp/io.mark
}

# io_rows ROW...: what was counted since io_mark, as one metric
# io_COUNTER_ROW per counter for each ROW (harness/bench-report shows
# them beside ROW; they cover the whole run that printed ROW).
io_rows() {
	local row
	io_counters >/tmp/io.now
	for row; do
		awk -v row="$row" 'NR == FNR { was[$1] = $2; next }
			{ printf "@@METRIC io_%s_%s %d %s\n", $1, row, $2 - was[$1],
				($1 ~ /^disk/) ? "KiB" : "pages" }' /tmp/io.mark /tmp/io.now
	done
}

# io CMD...: run CMD, and put the traffic of its run beside every row it
# printed. Its output comes when it ends: the rows are read from it.
io() {
	local r=0
	io_mark
	"$@" >/tmp/io.out || r=$?
	cat /tmp/io.out
	io_rows $(sed -n 's/^@@METRIC \([^ ]*\) .*/\1/p' /tmp/io.out)
	return $r
}
