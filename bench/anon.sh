# SPDX-License-Identifier: GPL-2.0
# Anonymous memory larger than its memcg (harness/guest/usemem.c), on
# each backend: fill throughput (swap-out) and read-back throughput
# (swap-in, every byte checked) at three sizes, sequential and random;
# free latency of the mostly swapped-out region by munmap and by exit at
# each size; swap-in fault latency; and the kernel memory each swapped
# page costs. Zero and 0xff-filled pages are bench/samefill.sh.
# guest: --mem 1024 --disk 1024 --cmdline brd.rd_size=1048576
# backends: zswap zswap-disk disk zram brd
# icount: sleep=off
# icount disk zswap-disk: sleep=on
# (zswap, zram and brd fill memory only: sleep=off counts the work; on the disk
# backends each fault waits for a read, which sleep=off rounds to a tick.)

backend "$BACKEND" || { rc=1; return; }
# Each fill is twice its memcg's limit (memory.max = half the size). The
# pages compress about 3.5:1, so they fit the limit in zswap alone (the
# compressed pages are charged to the memcg).
sizes=${SIZES:-64 128 256}
# zswap-disk: zswap may hold a sixth of the fill's compressed size, so the
# oldest pages are written back to the disk at every size.
zmax() {
	if [ "$BACKEND" = zswap-disk ]; then echo $(($1 / 20))M; else echo max; fi
}
memcg lat max "$(zmax 128)" || { rc=1; return; }
# Where pages go to the disk, the rows wait for it: their swap traffic is
# printed beside them (bench/lib.sh io).
io=
case $BACKEND in disk|zswap-disk) io=io ;; esac
# Kernel memory per swapped page, read while 128 MiB are held out; first,
# while the slab caches hold no free objects left by earlier fills.
settle
before=$(kmem_kib)
meta0=$(cat $vs/meta_bytes 2>/dev/null)
rm -f /tmp/hold /tmp/held
mkfifo /tmp/hold
incg lat usemem -L -H -q -m 128 </tmp/hold >/tmp/held &
pid=$!
exec 9>/tmp/hold
# Waits for usemem's own report that the region is out, not for a time.
while ! grep -q '^@@HELD' /tmp/held && kill -0 $pid 2>/dev/null; do
	sleep 0.1
done
held=$(sed -n 's/^@@HELD \([0-9]*\) KiB$/\1/p' /tmp/held)
if [ -n "$held" ] && [ "$held" -gt 0 ]; then
	settle
	after=$(kmem_kib)
	metric meta_per_page $(((after - before) * 1024 * 4 / held)) B/page
	[ -n "$meta0" ] &&
		metric vswap_meta_per_page $((($(cat $vs/meta_bytes) - meta0) * 4 / held)) B/page
else
	echo "FAIL: the region was not held out"
	rc=1
fi
exec 9>&-
wait $pid || rc=1
cat /tmp/held

for s in $sizes; do
	memcg anon $((s / 2))M "$(zmax "$s")" || rc=1
	$io incg anon usemem -m "$s" -t "_${s}M" || rc=1
	$io incg anon usemem -m "$s" -t "_${s}M" -q -f exit || rc=1
done
memcg anon 64M "$(zmax 128)" || rc=1
$io incg anon usemem -m 128 -a rand -t _rand128M || rc=1

# MADV_PAGEOUT, then every page faulted back in: swap-out and swap-in of
# one region without a memcg limit in the way.
$io incg lat usemem -L -R -m 64 || rc=1
