# SPDX-License-Identifier: GPL-2.0
# A server under memory pressure: Redis 7.0 (Debian's redis-server) in a
# memcg far smaller than its dataset, measured with its own client,
# redis-benchmark, as users of a swap series would measure it.
# The dataset: 64Ki keys of 1000-byte values, 70.5 MiB of Redis heap
# (used_memory 73,889,728 B: each value fills one of jemalloc's 1 KiB
# slots, four to a page, and its key, object and hash entry add about
# 80 B), loaded with redis-cli --pipe into a memcg of 48 MiB on zram
# (whose memory is not the memcg's) and 56 MiB on zswap (whose pool is:
# the whole dataset is about 32 MiB at the 2.2:1 lzo gives it), with
# THP off (below). Measured 2026-12-07 (icount, one run each): the GETs
# fault back about 36,000 pages on zram and 42,000 on zswap, on 7.3 and
# the series alike. In 40 MiB on zram, and 56 MiB with THP on, 7.3 itself
# was OOM-killed in the GETs in one of two runs (all its anon memory on
# the active list). 64Ki keys, not more, to keep a guest near 30 s of
# wall time under TCG with icount.
# The values are text from harness/guest/kvdata.c, made from the key
# (about 2.3:1 a page with lz4), not redis-benchmark's -d values, all
# 'x': a same-filled page, which zram and the virtual layer store as one
# word, not what a server's heap holds. redis-benchmark then GETs random
# keys of the dataset (no SETs: its values would be those same-filled
# ones), so that a GET faults its value back about as often as it is
# out, and every key is read back at the end and compared with kvdata's
# value: a lost or wrong page fails the job. 8 clients, one request in
# flight each (-P 1); no persistence, one IO thread, no jemalloc
# background thread, a unix socket: nothing but the requests runs in the
# server.
# guest: --mem 1024 --disk 512
# needs: redis-server redis-cli redis-benchmark
# backends: zram zswap
# icount: sleep=off
# (Redis and its client compute in memory, and both backends are memory.)

# Redis speaks over sockets only: a kernel without AF_UNIX cannot run it.
if [ ! -e /proc/net/unix ]; then
	echo "FAIL: no AF_UNIX sockets in this kernel (CONFIG_NET, CONFIG_UNIX)"
	rc=1
	return
fi
backend "$BACKEND" || { rc=1; return; }
keys=${KEYS:-65536}
size=1000
requests=${REQUESTS:-100000}
sock=/tmp/redis.sock
cg=/sys/fs/cgroup/server
# The RESP commands of the load are made before the clock starts, on the
# guest's tmpfs (outside the memcg, and no disk write for the final sync
# to wait for: under icount sleep=off a long wait for the disk runs the
# guest's clock ahead to the hung-task warning).
kvdata -n $keys -s $size >/tmp/load.resp || { rc=1; return; }
# Redis asks for transparent huge pages off (it warns otherwise), as its
# operators run it: with THP on, 7.3 was OOM-killed here in one of two
# runs on each backend, with all its anon memory on the active list.
thp=/sys/kernel/mm/transparent_hugepage/enabled
thp_was=$(sed -n 's/.*\[\(.*\)\].*/\1/p' $thp 2>/dev/null)
[ -z "$thp_was" ] || echo never >$thp
lim=48M
[ "$BACKEND" = zswap ] && lim=56M
memcg server $lim || { rc=1; return; }
incg server /usr/bin/redis-server --port 0 --unixsocket $sock \
	--unixsocketperm 700 --save '' --appendonly no --io-threads 1 \
	--jemalloc-bg-thread no --maxmemory 0 --daemonize no --dir /tmp \
	--logfile /tmp/redis.log &
server=$!
cli() {
	/usr/bin/redis-cli -s $sock "$@"
}
# Waits for the server's answer, not for a time: a bounded number of tries.
tries=0
until [ "$(cli ping 2>/dev/null)" = PONG ]; do
	tries=$((tries + 1))
	if [ $tries -gt 600 ] || ! kill -0 $server 2>/dev/null; then
		echo "FAIL: redis-server did not answer"
		cat /tmp/redis.log
		rc=1
		return
	fi
	sleep 0.1
done
now() { awk '{ print int($1 * 1000) }' /proc/uptime; }
swapins() {
	awk '$1 == "pswpin" || $1 == "zswpin" { n += $2 } END { print n + 0 }' /proc/vmstat
}
cgstate() {
	echo "memcg server $1: memory $(($(cat $cg/memory.current) >> 10)) KiB," \
		"swap $(($(cat $cg/memory.swap.current) >> 10)) KiB," \
		"zswap $(($(cat $cg/memory.zswap.current) >> 10)) KiB"
}

# The load: every key SET once, in order, the oldest swapped out as the
# memcg fills.
load() {
	local t=$(now)
	cli --pipe --pipe-timeout 0 </tmp/load.resp >/tmp/pipe.out 2>&1
	t=$(($(now) - t))
	if ! grep -q "^errors: 0, replies: $keys\$" /tmp/pipe.out; then
		cat /tmp/pipe.out
		echo "FAIL: redis-cli --pipe did not store the $keys keys"
		return 1
	fi
	metric server_set $((keys * 1000 / (t > 0 ? t : 1))) ops/s
}
io load || rc=1
n=$(cli dbsize)
[ "$n" = "$keys" ] || { echo "FAIL: the server holds $n keys, not $keys"; rc=1; }
cli info memory | grep -E '^used_memory(_rss)?:' | tr -d '\r'
cgstate "after the load"

# The GETs: random keys of the dataset, redis-benchmark's own count of
# requests a second and latency percentiles.
get() {
	local csv
	csv=$(/usr/bin/redis-benchmark -s $sock -t get -r $keys -n $requests \
		-c 8 -P 1 --csv) || return 1
	echo "$csv" | tr -d '\r' | awk -F'"' '$2 == "GET" {
		printf "@@METRIC server_get %d ops/s\n", $4
		printf "@@METRIC server_get_p50 %s ms\n", $10
		printf "@@METRIC server_get_p99 %s ms\n", $14 }' | grep . ||
		{ echo "$csv"; echo "FAIL: no GET row from redis-benchmark"; return 1; }
}
in0=$(swapins)
io get || rc=1
in=$(($(swapins) - in0))
cgstate "after the GETs"
echo "GET phase: $in pages swapped in for $requests requests"
# A run whose GETs hardly fault measures nothing of swap.
if [ $in -lt $((requests / 8)) ]; then
	echo "FAIL: fewer than one page swapped in per 8 GETs: the memcg does not press"
	rc=1
fi
case $BACKEND in
zram)
	read -r orig compr used _ </sys/block/zram0/mm_stat
	echo "zram: $((orig >> 10)) KiB stored in $((compr >> 10)) KiB ($((used >> 10)) KiB used)" ;;
zswap)
	z=/sys/kernel/debug/zswap
	echo "zswap: $(($(cat $z/stored_pages) * 4)) KiB stored in $(($(cat $z/pool_total_size) >> 10)) KiB" ;;
esac

# Every key read back and compared with the value made again.
kvdata -n $keys -s $size -c $sock || { echo "FAIL: the data read back is not the data stored"; rc=1; }
cli shutdown nosave >/dev/null 2>&1
wait $server || { echo "FAIL: redis-server exited with status $?"; cat /tmp/redis.log; rc=1; }
[ -z "$thp_was" ] || echo "$thp_was" >$thp
