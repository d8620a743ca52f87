# SPDX-License-Identifier: GPL-2.0
# needs: stress-ng
# make soak: one scenario ($SCENARIO) for $SOAK_SECONDS seconds, or, with
# SOAK_TARGET_MIB, until the verifiers have checked that much (the
# seconds are then only the bound: a slow host takes longer, and a run
# that reaches the bound reports target_reached=no). Data
# verifiers (soakverify) run in a memcg under memory.max, stress-ng's
# swap-heavy stressors in another, and the scenario's own action (swapoff
# loops, drains, toggles, faults, cgroup removal, CPU hotplug, compaction,
# OOM kills) runs beside them. The last line is
#   @@SOAK scenario=S bytes=B bad=N kills=K expected_kills=E ooms=O
#          stress=OK|FAIL idle=yes|cache|no target_reached=yes|no|-
#          load_s=S
# where load_s is how long the verifiers ran, bad counts bytes that did
# not read back as written (must be 0), kills the verifiers killed by a signal or failing to set up, of which
# the scenario expects expected_kills (OOM kills, SIGBUS from an injected
# read error), and idle whether the vswap counters, SwapFree and
# memory.swap.current came back to where they were before (cache: what
# is left is held only by swap cache pages that nothing maps, see below).

PATH=$PATH:/usr/bin
cgr=/sys/fs/cgroup
vs=/sys/kernel/debug/vswap
vswitch=/sys/kernel/mm/swap/vswap_enabled
vdrain=/sys/kernel/mm/swap/vswap_drain
zs=/sys/module/zswap/parameters
dbg=/sys/kernel/debug
secs=${SOAK_SECONDS:-60}
target_mib=${SOAK_TARGET_MIB:-0}
nver=${SOAK_VERIFIERS:-2}
mib=${SOAK_MIB:-32}
scenario=${SCENARIO:?no SCENARIO}
rpct=10
limit=$((nver * mib * 3 / 4))M
stressors=${SOAK_STRESSORS:-"--vm 1 --vm-bytes 24M --vm-keep --pageswap 1 --madvise 1 --mremap 1 --fork 1 --userfaultfd 1 --memfd 1 --shm 1"}
expect_kills=0
kill_reason=
# On the ext4 scratch disk, not tmpfs: the verifiers write their reports
# from their memcg, and tmpfs pages swapped out under its pressure would
# keep virtual slots in use after the soak.
state=/mnt/soak-state
mkdir -p $state

if [ "$target_mib" -gt 0 ]; then
	echo "=== soak: scenario $scenario, until $target_mib MiB are verified (at most $secs s)," \
		"$nver verifiers of $mib MiB, $(nproc) CPUs"
else
	echo "=== soak: scenario $scenario, $secs s, $nver verifiers of $mib MiB, $(nproc) CPUs"
fi

counters() {
	if [ -d $vs ]; then
		echo "used=$(cat $vs/used) phys=$(cat $vs/phys) rmap=$(cat $vs/rmap)"
	fi
	awk '/^SwapTotal|^SwapFree/ { printf "%s%s ", $1, $2 } END { print "" }' /proc/meminfo
}

# Scenario set-up: swap devices, zswap and limits.
zswap_on=Y
vmode=
case $scenario in
zswap) ;;
zswap-disk) ;;
# zswap off: at the default "auto" every page would take a direct slot,
# 7.3's path; "always" puts the disk's data behind virtual slots.
disk) zswap_on=N; vmode=always ;;
zram)
	echo 128M >/sys/block/zram0/disksize &&
		mkswap /dev/zram0 >/dev/null && swapon /dev/zram0 ||
		{ echo "FAIL: zram set-up"; rc=1; } ;;
swapfile)
	dd if=/dev/zero of=/mnt/swapfile bs=1M count=192 2>/dev/null &&
		chmod 600 /mnt/swapfile && mkswap /mnt/swapfile >/dev/null &&
		swapon /mnt/swapfile || { echo "FAIL: swap file set-up"; rc=1; } ;;
poolfull) echo 1 >$zs/max_pool_percent ;;
diskfull) rpct=50; limit=$((nver * mib * 7 / 8))M ;;
faults) ;;
drain)
	# The drain brings every virtual slot's data back into its memcg;
	# past memory.max it stops with ENOMEM (no OOM kill), and reclaim
	# meanwhile takes the disk's slots. On a kernel without the file
	# this is the zswap-disk scenario.
	;;
swapoff)
	# swapoff brings every page back into its memcg: with the data
	# larger than memory.max that is an OOM kill on 7.3 too. Room for
	# all of it; MADV_PAGEOUT still pushes it out.
	limit=$((nver * mib * 3 / 2))M
	stressors="$stressors --swap 1" ;;
toggle) ;;
oom) ;;
cgremove) ;;
hotplug) ;;
compact) ;;
cgv1)
	# The memory controller on a cgroup v1 hierarchy (memsw accounting)
	# instead of v2: it can move there while no v2 cgroup uses it.
	mkdir -p /tmp/cgv1 && mount -t cgroup -o memory memory /tmp/cgv1 &&
		cgr=/tmp/cgv1 || { echo "FAIL: cgroup v1 mount"; rc=1; } ;;
*) echo "FAIL: unknown scenario $scenario"; rc=1 ;;
esac
echo $zswap_on >$zs/enabled
[ -n "$vmode" ] && [ -w $vswitch ] && echo $vmode >$vswitch
swapon_dev=$(awk 'NR > 1 { print $1; exit }' /proc/swaps)
[ -n "$swapon_dev" ] && echo "swap device: $swapon_dev"
swaps_idle=$(awk 'NR > 1 { print $1 }' /proc/swaps)

idle=$(counters)
echo "idle: $idle"

# stress-ng's shm stressor wants /dev/shm.
mkdir -p /dev/shm && mount -t tmpfs tmpfs /dev/shm

# set_max CGROUP LIMIT: memory.max, or on v1 the memory limit with four
# times as much memory+swap.
set_max() {
	if [ $cgr = /tmp/cgv1 ]; then
		echo "$2" >"$1/memory.limit_in_bytes" &&
			echo $(($(cat "$1/memory.limit_in_bytes") * 4)) >"$1/memory.memsw.limit_in_bytes"
	else
		echo "$2" >"$1/memory.max"
	fi
}
# swapped CGROUP: bytes of swap the cgroup is charged for.
swapped() {
	if [ $cgr = /tmp/cgv1 ]; then
		echo $(($(cat "$1/memory.memsw.usage_in_bytes") - $(cat "$1/memory.usage_in_bytes")))
	else
		cat "$1/memory.swap.current"
	fi
}
# ooms CGROUP: OOM kills in it.
ooms() {
	if [ $cgr = /tmp/cgv1 ]; then
		awk '/^oom_kill / { print $2 }' "$1/memory.oom_control"
	else
		awk '/^oom_kill / { print $2 }' "$1/memory.events"
	fi
}

mkdir $cgr/soak $cgr/stress
[ $cgr = /tmp/cgv1 ] || echo +memory >$cgr/soak/cgroup.subtree_control
mkdir $cgr/soak/v $cgr/soak/home
set_max $cgr/soak/v "$limit"
[ "$scenario" = zswap-disk ] || [ "$scenario" = diskfull ] &&
	echo 8M >$cgr/soak/v/memory.zswap.max
[ "$scenario" = diskfull ] && echo 12M >$cgr/soak/memory.swap.max
[ "$scenario" = poolfull ] && echo 0 >$cgr/soak/v/memory.zswap.writeback
set_max $cgr/stress 96M

# verifier N CGROUP SECONDS [ARGS]: one soakverify in CGROUP, its
# progress in $state/vN, its exit status in $state/vN.rc.
verifier() {
	local n=$1 cg=$2 t=$3
	shift 3
	(
		echo 0 >"$cg/cgroup.procs" || exit 2
		exec soakverify -t "$t" -m "$mib" -r "$rpct" -s "$n" \
			-o "$state/v$n" "$@" >>$state/verify.log 2>&1
	)
	echo $? >"$state/v$n.rc"
}

(
	echo 0 >$cgr/stress/cgroup.procs || exit 2
	cd /mnt && exec stress-ng $stressors --verify --timeout "${secs}s" \
		--temp-path /mnt --metrics-brief >$state/stress.log 2>&1
) &
stress_pid=$!

# verified: the bytes the verifiers have checked so far (their reports).
verified() {
	local f b=0
	for f in $state/v[0-9]*; do
		case $f in *.rc | *.tmp) continue ;; esac
		[ -f "$f" ] && b=$((b + $(cut -d' ' -f2 "$f")))
	done
	echo $b
}
# target_left: true while the verifiers have a volume still to reach.
target_left() {
	[ "$target_mib" -gt 0 ] && [ "$(verified)" -lt $((target_mib << 20)) ]
}
# Each verifier's share of the volume (soakverify -b), rounded up.
vtarget=
[ "$target_mib" -gt 0 ] && vtarget="-b $(((target_mib + nver - 1) / nver))"

load_start=$(date +%s)
pids=
if [ "$scenario" = cgremove ]; then
	# Each verifier runs in a cgroup of its own, leaves it for soak/home
	# once its first round is out, and removes it; repeated until the end.
	i=0
	end=$(($(date +%s) + secs))
	while [ "$(date +%s)" -lt $end ] &&
	      { [ "$target_mib" = 0 ] || target_left; }; do
		batch=
		for n in $(seq 1 "$nver"); do
			i=$((i + 1))
			mkdir $cgr/soak/g$i
			echo "$limit" >$cgr/soak/g$i/memory.max
			verifier $i $cgr/soak/g$i 1 -M $cgr/soak/home &
			batch="$batch $!"
		done
		for p in $batch; do
			wait "$p"
		done
	done &
	pids=$!
else
	for n in $(seq 1 "$nver"); do
		verifier "$n" $cgr/soak/v "$secs" $vtarget &
		pids="$pids $!"
	done
fi

# The scenario's action, until the verifiers are done.
action() {
	case $scenario in
	swapoff)
		while [ ! -e $state/stop ] && sleep 3; do
			swapoff "$swapon_dev" || echo "swapoff failed: $?"
			swapon "$swapon_dev" || echo "swapon failed: $?"
		done ;;
	drain)
		local drains=0 refused=0
		while [ -w $vdrain ] && [ ! -e $state/stop ] && sleep 3; do
			if echo 1 2>/dev/null >$vdrain; then
				drains=$((drains + 1))
			else
				refused=$((refused + 1))
			fi
		done
		echo "drains: $drains done, $refused stopped (ENOMEM or a signal)" ;;
	toggle)
		while [ ! -e $state/stop ] && sleep 1; do
			echo N >$zs/enabled; sleep 1; echo Y >$zs/enabled
			if [ -w $vswitch ]; then
				echo off >$vswitch; sleep 1
				echo always >$vswitch; sleep 1
				echo auto >$vswitch
			fi
		done ;;
	hotplug)
		while [ ! -e $state/stop ] && sleep 1; do
			for c in 1 2 3; do
				f=/sys/devices/system/cpu/cpu$c/online
				[ -f $f ] || continue
				echo 0 >$f; sleep 1; echo 1 >$f
			done
		done ;;
	compact)
		# Compaction migrates what it finds below its free scanner:
		# among it, folios in the swap cache of virtual slots (read
		# back from the disk and kept there, or written and not yet
		# reclaimed), whose swap cache entry must follow the folio.
		# Which folios lie low enough is not known in advance (a
		# kselftest that asserted a move failed in half its runs),
		# so it runs every second under the verifiers' traffic.
		while [ ! -e $state/stop ] && sleep 1; do
			echo 1 >/proc/sys/vm/compact_memory
		done
		grep -E '^(pgmigrate_success|compact_isolated) ' /proc/vmstat ;;
	oom)
		# A verifier in a memcg whose limits drop under it, killed by the
		# memcg OOM killer while swapping out or in; restarted each time.
		mkdir $cgr/soak/victim
		i=100
		while [ ! -e $state/stop ]; do
			i=$((i + 1))
			echo max >$cgr/soak/victim/memory.max
			echo max >$cgr/soak/victim/memory.swap.max
			echo 24M >$cgr/soak/victim/memory.max
			(
				echo 0 >$cgr/soak/victim/cgroup.procs || exit 2
				exec soakverify -t 600 -m "$mib" -r "$rpct" -s $i \
					-o "$state/x$i" >>$state/verify.log 2>&1
			) &
			p=$!
			sleep $((i % 4 + 1))
			echo 0 >$cgr/soak/victim/memory.swap.max
			echo 1M >$cgr/soak/victim/memory.max
			wait $p
			echo $? >"$state/x$i.rc"
		done
		# Lift the limits for the checks after the soak: with
		# memory.swap.max=0 reclaim leaves the cgroup's anon LRUs
		# alone (get_scan_count(): no swap space), so a swap cache
		# folio left there, which needs no new slot to go, would stay.
		echo max >$cgr/soak/victim/memory.swap.max
		echo max >$cgr/soak/victim/memory.max ;;
	faults)
		# The -O2 kernels have fail_make_request only (test.config);
		# failslab and fail_page_alloc come with kasan.config.
		for f in failslab fail_page_alloc; do
			[ -d $dbg/$f ] || { echo "no $f in this kernel"; continue; }
			echo 1 >$dbg/$f/probability
			echo 1 >$dbg/$f/interval
			# times counts down per injected failure: what is left
			# at the end says how many there were.
			echo 1000000 >$dbg/$f/times
			echo 0 >$dbg/$f/verbose
			echo Y >$dbg/$f/task-filter
		done
		echo N >$dbg/fail_page_alloc/ignore-gfp-wait 2>/dev/null
		echo 0 >$dbg/fail_page_alloc/min-order 2>/dev/null
		echo N >$dbg/failslab/ignore-gfp-wait 2>/dev/null
		if [ -n "$swapon_dev" ] && [ -b "$swapon_dev" ]; then
			echo 1 >/sys/block/${swapon_dev#/dev/}/make-it-fail
			# A failed read kills its owner with SIGBUS (as on
			# 7.3): a few failures, not one per hundred bios, or no
			# verifier would live to check anything.
			echo 1 >$dbg/fail_make_request/probability
			echo 1 >$dbg/fail_make_request/interval
			echo 8 >$dbg/fail_make_request/times
			echo 0 >$dbg/fail_make_request/verbose
		fi
		# The running verifiers and stressors (and what they fork) take
		# the allocation failures, not their exec: a loader that cannot
		# map a library tests nothing of swap.
		while [ ! -e $state/stop ]; do
			for d in /proc/[0-9]*; do
				case $(cat $d/comm 2>/dev/null) in
				soakverify | stress-ng*)
					echo 1 >$d/make-it-fail 2>/dev/null ;;
				esac
			done
			sleep 1
		done ;;
	*) while [ ! -e $state/stop ]; do sleep 1; done ;;
	esac
}
action >>$state/action.log 2>&1 &
apid=$!

for p in $pids; do
	wait "$p"
done
load_s=$(($(date +%s) - load_start))
# To a volume, the stressors run as long as the verifiers do: SIGINT
# ends stress-ng's run early, with its own checks and status as at
# its timeout.
[ "$target_mib" -gt 0 ] && kill -INT "$stress_pid" 2>/dev/null
wait "$stress_pid"
stress_rc=$?
reached=-
if [ "$target_mib" -gt 0 ]; then
	reached=yes
	target_left && reached=no
	echo "verified $(verified) bytes of a $target_mib MiB target: reached $reached"
fi
# The action finishes the step it is in and stops.
: >$state/stop
wait $apid

# Faults off before the checks.
# injected F START: how many failures F injected (its times counts down).
injected() {
	[ -f $dbg/$1/times ] && echo $(($2 - $(cat $dbg/$1/times))) || echo none
}
if [ "$scenario" = faults ]; then
	for f in failslab fail_page_alloc fail_make_request; do
		[ -d $dbg/$f ] && echo 0 >$dbg/$f/probability
	done
	echo "injected failures: slab $(injected failslab 1000000)," \
		"page allocation $(injected fail_page_alloc 1000000)," \
		"swap disk I/O $(injected fail_make_request 8)"
fi

# stress-ng's swap stressor swaps on files of its own and off again; a
# worker killed in between (memcg OOM) leaves its area on. That is
# stress-ng's state, not the kernel's: name it, swap it off, and only
# then compare SwapTotal with its idle value.
awk 'NR > 1 { print $1 }' /proc/swaps | while read -r area; do
	echo "$swaps_idle" | grep -qxF "$area" && continue
	echo "stress-ng left swap area $area on: swapping it off"
	swapoff "$area" || echo "FAIL: swapoff $area: $?"
done

bytes=0 bad=0 kills=0 expected=0
for f in $state/v[0-9]* $state/x[0-9]*; do
	case $f in *.rc) continue ;; esac
	[ -f "$f" ] || continue
	set -- $(cat "$f")
	bytes=$((bytes + $2)); bad=$((bad + $4))
	r=$(cat "$f.rc" 2>/dev/null || echo 137)
	case $f in
	*/x*) [ "$r" -ne 0 ] && expected=$((expected + 1)) ;;
	*) [ "$r" -ne 0 ] && [ "$r" -ne 1 ] && kills=$((kills + 1)) ;;
	esac
done
# A verifier killed before its first report left no file: count its rc.
for f in $state/v[0-9]*.rc; do
	[ -f "${f%.rc}" ] && continue
	[ -f "$f" ] && [ "$(cat "$f")" -ne 0 ] && kills=$((kills + 1))
done
ooms_soak=$(ooms $cgr/soak)
ooms_stress=$(ooms $cgr/stress)
echo "verifier processes killed or failed to set up: $kills; victim kills (expected): $expected"
echo "oom kills: soak $ooms_soak (victim included), stress $ooms_stress"
echo "--- stress-ng (rc $stress_rc)"
tail -n 30 $state/stress.log
echo "--- verifier log (last lines)"
tail -n 20 $state/verify.log
echo "--- action log (last lines)"
tail -n 10 $state/action.log

# Nothing of the soak is left swapped: counters as before it started.
# Swap cache folios whose slots nobody maps any more (readahead) hold
# those slots until reclaim takes them. They are charged to the soak's
# cgroups, so reclaim there, never at the root: that would swap out the
# guest's own files (the initramfs lives in tmpfs) and keep them out.
reclaim() {
	local d
	if [ $cgr = /tmp/cgv1 ]; then
		for d in $(find "$1" -depth -type d); do
			echo 0 >"$d/memory.force_empty" 2>/dev/null
		done
	else
		echo 1G >"$1/memory.reclaim" 2>/dev/null
	fi
}
for try in 1 2 3 4; do
	now=$(counters)
	[ "$now" = "$idle" ] || [ $try = 4 ] && break
	reclaim $cgr/soak
	reclaim $cgr/stress
done
sw_soak=$(swapped $cgr/soak)
sw_stress=$(swapped $cgr/stress)
# at_idle: the counters and both cgroups' swap charge as before the soak.
at_idle() {
	[ "$now" = "$idle" ] && [ "$sw_soak" = 0 ] && [ "$sw_stress" = 0 ]
}
is_idle=yes
at_idle || is_idle=no
# meminfo KEY: the /proc/meminfo value of KEY, in kB.
meminfo() {
	awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo
}
# val KEY COUNTERS: KEY's number in a counters line (0 if it has none).
val() {
	echo "$2" | tr ' ' '\n' | sed -n "s/^$1[=:]//p" | grep . || echo 0
}
# cache_pages DIR...: the pages in the swap cache charged to the cgroups
# at and below each DIR (their inodes in /proc/kpagecgroup), one line
# each with its map count (/proc/kpagecount) and page flags
# (/proc/kpageflags): whether a page table still maps it, and which of
# reclaim's reasons to keep a folio (locked, dirty, under writeback, off
# the LRU) applies.
cache_pages() {
	find "$@" -type d 2>/dev/null | while read -r d; do
		stat -c "%i ${d##*/}" "$d"
	done >/tmp/cg-inos
	od -An -t u8 -v -w8 /proc/kpagecgroup | awk '
		FILENAME == "/tmp/cg-inos" { cg[$1] = $2; next }
		($1 in cg) { print FNR - 1, cg[$1] }' /tmp/cg-inos - >/tmp/cg-pfns
	od -An -t u8 -v -w8 /proc/kpagecount >/tmp/cg-count
	od -An -t u8 -v -w8 /proc/kpageflags | awk '
		FILENAME == "/tmp/cg-pfns" { want[$1] = $2; next }
		FILENAME == "/tmp/cg-count" { if ((FNR - 1) in want) cnt[FNR - 1] = $1; next }
		!((FNR - 1) in want) { next }
		{
			f = $1; pfn = FNR - 1
			if (int(f / 8192) % 2 == 0) next	# KPF_SWAPCACHE
			split("locked error referenced uptodate dirty lru active slab writeback reclaim buddy mmap anon swapcache swapbacked head tail huge unevictable hwpoison nopage ksm thp offline zero idle pgtable - - - - - reserved mlocked owner_2 private private_2 owner_private arch - softdirty arch_2 arch_3", n, " ")
			s = ""
			for (b = 0, p = 1; b < 43; b++) {
				if (int(f / p) % 2) s = s " " (n[b + 1] == "-" ? "bit" b : n[b + 1])
				p *= 2
			}
			printf "%s: swap cache pfn %d mapcount %d flags%s\n", want[pfn], pfn, cnt[pfn], s
		}' /tmp/cg-pfns /tmp/cg-count -
	rm -f /tmp/cg-inos /tmp/cg-pfns /tmp/cg-count
}
# reclaim_probe: one more round of reclaim in the soak's cgroups, with
# what it scanned and took (memory.stat) and, where the kernel has them
# (debug kernels), vmscan's trace events: why it kept what it left.
reclaim_probe() {
	local t=$dbg/tracing e d keys='^(pgscan|pgsteal|pgrefill|pgactivate|pgdeactivate) '
	[ -d $t/events/vmscan ] || t=
	if [ -n "$t" ]; then
		echo >$t/trace
		for e in mm_vmscan_lru_shrink_inactive mm_vmscan_lru_shrink_active mm_vmscan_write_folio; do
			echo 1 >$t/events/vmscan/$e/enable
		done
	fi
	for d in $cgr/soak $cgr/stress; do
		echo "not idle: ${d##*/} before reclaim: $(grep -E "$keys" $d/memory.stat 2>/dev/null | tr '\n' ' ')"
		reclaim $d
		echo "not idle: ${d##*/} after reclaim: $(grep -E "$keys" $d/memory.stat 2>/dev/null | tr '\n' ' ')"
	done
	if [ -n "$t" ]; then
		for e in mm_vmscan_lru_shrink_inactive mm_vmscan_lru_shrink_active mm_vmscan_write_folio; do
			echo 0 >$t/events/vmscan/$e/enable
		done
		grep -v '^#' $t/trace | grep -v 'nr_scanned=0 \|nr_taken=0 ' |
			sed 's/^.*mm_vmscan/not idle: trace: mm_vmscan/' | tail -n 40
	fi
	echo "not idle: after one more reclaim: $(counters)"
}
# Not idle: say what still holds swap (who is left in the cgroups, what
# their memory is, what tmpfs and SysV shm still keep), then whether it
# is only what 7.3 leaves there too: slots held by swap cache folios that
# no page table maps any more, charged to the soak's cgroups with no
# process left in them (a swap-in or readahead racing with the owner's
# exit leaves such a folio; 7.3 frees it when reclaim takes the folio or
# swapoff runs). That is idle=cache, not a leak, when every slot still in
# use is accounted for by one such page: virtual slots (used) and disk
# slots (SwapFree) together, and memory.swap.current; and swapoff of the
# disk (below) frees its slots with nothing to bring back.
ncache=0
if [ "$is_idle" = no ]; then
	procs=0
	for d in $cgr/soak $cgr/stress; do
		n=$(cat $(find $d -name cgroup.procs) 2>/dev/null | wc -l)
		procs=$((procs + n))
		echo "not idle: $d: procs $n," \
			$(awk '$1 ~ /^(anon|shmem|swapcached|zswapped|file|(in)?active_anon|unevictable)$/ { printf "%s %s, ", $1, $2 }' \
				$d/memory.stat 2>/dev/null)
	done
	echo "not idle: AnonPages $(meminfo AnonPages) kB, Shmem $(meminfo Shmem) kB," \
		"SwapCached $(meminfo SwapCached) kB"
	echo "not idle: /dev/shm: $(ls -A /dev/shm 2>/dev/null | wc -l) files;" \
		"SysV shm segments: $(awk 'NR > 1' /proc/sysvipc/shm 2>/dev/null | wc -l)"
	cache_pages $cgr/soak $cgr/stress | sed 's/^/not idle: /' | tee /tmp/cache-pages
	ncache=$(grep -c ' mapcount 0 ' /tmp/cache-pages)
	mapped=$(grep -vc ' mapcount 0 ' /tmp/cache-pages)
	reclaim_probe
	now=$(counters)
	sw_soak=$(swapped $cgr/soak)
	sw_stress=$(swapped $cgr/stress)
	at_idle && is_idle=yes
	dused=$(($(val used "$now") - $(val used "$idle")))
	dphys=$(($(val phys "$now") - $(val phys "$idle")))
	drmap=$(($(val rmap "$now") - $(val rmap "$idle")))
	ddisk=$((($(val SwapFree "$idle") - $(val SwapFree "$now")) / 4))
	echo "not idle: in use beyond idle: $dused virtual slots ($dphys with a disk slot," \
		"$drmap in the reverse map), $ddisk disk slots; unmapped swap cache pages" \
		"$ncache (mapped $mapped); processes left $procs"
	[ "$procs" = 0 ] && [ "$mapped" = 0 ] &&
		[ "$(val SwapTotal "$now")" = "$(val SwapTotal "$idle")" ] &&
		[ $dused -ge 0 ] && [ $ddisk -ge 0 ] && [ $((dused + ddisk)) -le "$ncache" ] &&
		[ $dphys -le $dused ] && [ $drmap -le $dused ] &&
		[ $((sw_soak + sw_stress)) -le $((ncache * 4096)) ] &&
		[ "$is_idle" = no ] && is_idle=cache
fi
for d in $cgr/soak/* $cgr/soak $cgr/stress; do
	[ -d "$d" ] && rmdir "$d" 2>/dev/null
done
echo "after: $now; memory.swap.current soak $sw_soak, stress $sw_stress"

case $scenario in
faults) kill_reason="injected allocation and I/O failures" ;;
# With the pool full and memory.zswap.writeback=0, nothing the verifiers
# write can leave memory (7.3 keeps zswap's refusals in memory there too):
# a memcg OOM is the kernel doing its job, on both kernels.
poolfull) kill_reason="memcg OOM: zswap pool full and memory.zswap.writeback=0" ;;
# Two verifiers' data (2 x 32 MiB, half of it random) does not fit in
# memory.max (7/8 of it) plus what zswap (memory.zswap.max 8M) and the
# disk (memory.swap.max 12M) may take: once all three are full, a memcg
# OOM kill is right. 7.3 kills a verifier here too, within seconds (its
# zswap entries take disk slots, so the 12M fill sooner).
diskfull) kill_reason="memcg OOM: memory.max, memory.zswap.max and memory.swap.max all reached" ;;
oom) kill_reason="memcg OOM of the victim cgroup" ;;
esac
# stress-ng: 2 is a failed stressor (its own verification included);
# 3 ran out of resources, 4 could not run here.
case $stress_rc in
0) stress=OK ;;
3) stress=OK-no-resources ;;
4) stress=OK-skipped ;;
*) stress=FAIL-rc$stress_rc ;;
esac
[ "$scenario" = faults ] && [ "$stress_rc" -ne 0 ] && stress="rc$stress_rc-under-faults"
# Injected faults may kill a verifier any way; where a full memcg is the
# reason, only kills the memcg's OOM killer made (one each) are expected.
case $scenario in
faults) expected=$((expected + kills)); kills=0 ;;
poolfull | diskfull)
	if [ "${ooms_soak:-0}" -ge "$kills" ]; then
		expected=$((expected + kills)); kills=0
	fi ;;
esac
# Slots held only by the swap cache: swapoff of the disk must free every
# disk slot (a slot some page table or leak still held would be read
# back, or keep swapoff from finishing) and bring no data back, and after
# swapon SwapFree is where it was before the soak.
if [ "$is_idle" != yes ] && [ -n "$swapon_dev" ]; then
	anon0=$(meminfo AnonPages)
	if timeout 300 swapoff "$swapon_dev"; then
		echo "not idle: after swapoff $swapon_dev: AnonPages $(meminfo AnonPages) kB" \
			"(was $anon0), Shmem $(meminfo Shmem) kB, SwapCached $(meminfo SwapCached) kB"
		swapon "$swapon_dev" || { echo "not idle: swapon $swapon_dev failed"; is_idle=no; }
		now=$(counters)
		echo "not idle: after swapoff and swapon: $now"
		[ "$(val SwapFree "$now")" = "$(val SwapFree "$idle")" ] || is_idle=no
	else
		echo "not idle: swapoff $swapon_dev failed"
		is_idle=no
	fi
fi
echo "@@SOAK scenario=$scenario bytes=$bytes bad=$bad kills=$kills expected_kills=$expected ooms=$ooms_soak stress=$stress idle=$is_idle target_reached=$reached load_s=$load_s${kill_reason:+ expected=\"$kill_reason\"}"
[ "$bad" -eq 0 ] && [ "$kills" -eq 0 ] && [ "$is_idle" != no ] &&
	case $stress in FAIL*) false ;; *) true ;; esac || rc=1
