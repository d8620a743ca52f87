# SPDX-License-Identifier: GPL-2.0
# A real program under memory pressure: xz -6 (about 94 MiB of match
# finder and dictionary, touched at random) compressing 12 MiB of the
# guest's own programs inside an 80 MiB memcg, so that about a fifth of
# it is out at any time (at 48 MiB it thrashed for many minutes under
# TCG). The output is decompressed and compared with the input, so a lost
# page cannot pass. Much of xz's memory (hash chains) does not compress,
# so it needs a disk: with zswap alone it was OOM-killed. With the disk
# alone (zswap off) it was OOM-killed too, on both kernels (2026-12-03:
# 3 of 3 runs on 7.3, 1 of 1 on the series, 12-19 s in): swap readahead
# of its random accesses filled the memcg with swap cache (65 of its 80
# MiB at the kill, all on the active list) faster than reclaim freed it.
# So it runs on zswap over the disk only.
# guest: --mem 1024 --disk 1024
# needs: xz
# backends: zswap-disk
# icount: sleep=off
# (xz computes in memory; zswap takes ~400k of its pages, the disk ~1k.)

backend "$BACKEND" || { rc=1; return; }
zmax=max
[ "$BACKEND" = zswap-disk ] && zmax=16M
memcg xz 80M $zmax || { rc=1; return; }
# Debian's xz, not busybox's (which only decompresses).
xz=/usr/bin/xz
find /bin /usr/bin -type f | sort | xargs cat 2>/dev/null |
	head -c $((12 << 20)) >/mnt/in
want=$(sha256sum </mnt/in)
# Where the kernels part on this load (not metrics: the time is the
# result; these say why): swap traffic, refaults and zswap's rejections
# over the run, and the memcg's largest zswap pool and swap cache seen
# by a sampler every 2 s (a reading, not a wait for anything).
counters='^(pswpin|pswpout|zswpin|zswpout|zswpwb|swpout_zero|pgmajfault|workingset_refault_anon) '
grep -E "$counters" /proc/vmstat >/tmp/vm0
cg=/sys/fs/cgroup/xz
now() { awk '{ print int($1 * 1000) }' /proc/uptime; }
t=$(now)
io_mark
# The end time is taken when xz exits, not when the sampler notices.
(
	incg xz $xz -6 -T1 -c /mnt/in >/mnt/in.xz
	echo $? >/tmp/xz.rc
	now >/tmp/xz.end
) &
xzpid=$!
zmax=0 zdmax=0 zimax=0 scmax=0
while kill -0 $xzpid 2>/dev/null; do
	eval "$(awk '$1 == "zswap" { print "z=" $2 } $1 == "zswapped" { print "zd=" $2 }
		$1 == "zswap_incomp" { print "zi=" $2 }
		$1 == "swapcached" { print "sc=" $2 }' $cg/memory.stat)"
	[ "${z:-0}" -gt $zmax ] && zmax=$z
	[ "${zd:-0}" -gt $zdmax ] && zdmax=$zd
	[ "${zi:-0}" -gt $zimax ] && zimax=$zi
	[ "${sc:-0}" -gt $scmax ] && scmax=$sc
	sleep 2
done
wait $xzpid
# The swap traffic of xz's run alone, not of the check below.
io_rows xz_compress >/tmp/io.xz
[ "$(cat /tmp/xz.rc)" = 0 ] || rc=1
t=$(($(cat /tmp/xz.end) - t))
grep -E "$counters" /proc/vmstat | paste /tmp/vm0 - |
	awk '{ printf "delta %s %d\n", $1, $4 - $2 }'
echo "memcg xz peak: zswap $((zmax >> 10)) KiB holding $((zdmax >> 10)) KiB" \
	"($((zimax >> 10)) KiB stored raw), swap cache $((scmax >> 10)) KiB"
for f in pool_limit_hit reject_compress_poor reject_compress_fail \
	reject_reclaim_fail written_back_pages; do
	[ -r /sys/kernel/debug/zswap/$f ] &&
		echo "zswap $f $(cat /sys/kernel/debug/zswap/$f)"
done
got=$($xz -d -c /mnt/in.xz | sha256sum)
if [ "$got" != "$want" ]; then
	echo "FAIL: xz output does not decompress to its input"
	rc=1
fi
echo "xz: $(wc -c </mnt/in) bytes in, $(wc -c </mnt/in.xz) out, $t ms"
[ $rc -eq 0 ] && metric xz_compress "$t" ms && cat /tmp/io.xz
