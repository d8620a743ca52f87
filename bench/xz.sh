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

backend "$BACKEND" || { rc=1; return; }
zmax=max
[ "$BACKEND" = zswap-disk ] && zmax=16M
memcg xz 80M $zmax || { rc=1; return; }
# Debian's xz, not busybox's (which only decompresses).
xz=/usr/bin/xz
find /bin /usr/bin -type f | sort | xargs cat 2>/dev/null |
	head -c $((12 << 20)) >/mnt/in
want=$(sha256sum </mnt/in)
t=$(awk '{ print int($1 * 1000) }' /proc/uptime)
incg xz $xz -6 -T1 -c /mnt/in >/mnt/in.xz || rc=1
t=$(($(awk '{ print int($1 * 1000) }' /proc/uptime) - t))
got=$($xz -d -c /mnt/in.xz | sha256sum)
if [ "$got" != "$want" ]; then
	echo "FAIL: xz output does not decompress to its input"
	rc=1
fi
echo "xz: $(wc -c </mnt/in) bytes in, $(wc -c </mnt/in.xz) out, $t ms"
grep -E '^(pswpout|zswpout|swpout_zero) ' /proc/vmstat
[ $rc -eq 0 ] && metric xz_compress "$t" ms
