# SPDX-License-Identifier: GPL-2.0
# Zero-filled and same-filled pages (all 0xff, as memhog writes them) on
# each backend: one process's 64 MiB pushed out with MADV_PAGEOUT and
# faulted back in (harness/guest/usemem.c -L), every byte checked:
# swap-out and swap-in time, fault latency p50 and p99. 7.3 keeps a zero
# page as a flag in the swap table, and compresses a 0xff page (zswap) or
# writes it (disk; zram keeps its value); the series' virtual slot keeps
# the value of a same-filled page in its table entry, on every backend.
# guest: --mem 1024 --disk 1024 --cmdline brd.rd_size=1048576
# backends: zswap zswap-disk disk zram brd
# icount: sleep=off
# icount disk: sleep=on
# (zswap, zswap-disk (no limit: nothing written back) and zram keep the
# pages in memory; on the disk 7.3 writes and reads the 0xff pages.)

backend "$BACKEND" || { rc=1; return; }
memcg lat max max || { rc=1; return; }
# On the disk the rows wait for it: their swap traffic beside them.
io=
[ "$BACKEND" = disk ] && io=io
$io incg lat usemem -L -R -m 64 -d zero -t _zero || rc=1
$io incg lat usemem -L -R -m 64 -d ff -t _ff || rc=1
