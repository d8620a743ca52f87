# SPDX-License-Identifier: GPL-2.0
# The operator's switch of a vswap kernel: "vswap=" on the command line
# (guest-run --cmdline) and /sys/kernel/mm/swap/vswap_enabled, which reads
# "off [auto] always" with the setting in force in brackets.
#   BOOT=off     booted with vswap=off: the switch must read [off]
#   BOOT=bogus   booted with a value vswap= does not understand: the
#                kernel must say so and keep the default ([auto])
# Then, with zswap off and the swap disk on: a value the switch does not
# understand is refused and changes nothing; 16 MiB pushed out by
# MADV_PAGEOUT must take physical slots directly (no virtual slot in use)
# with the switch off, and with it at auto too (zswap cannot take them);
# at always, they must take virtual slots. Every byte is checked
# (usemem), and no slot is left at the end.

sw=/sys/kernel/mm/swap/vswap_enabled
vs=/sys/kernel/debug/vswap
fail() { echo "FAIL: $*"; rc=1; }

case ${BOOT:-} in
off)	[ "$(cat $sw)" = "[off] auto always" ] || fail "booted with vswap=off, the switch reads $(cat $sw)" ;;
bogus)	[ "$(cat $sw)" = "off [auto] always" ] || fail "booted with vswap=bogus, the switch reads $(cat $sw)"
	dmesg | grep -q 'vswap: vswap=bogus not understood' ||
		fail "the kernel did not say that vswap=bogus was not understood" ;;
*)	fail "BOOT must be off or bogus" ;;
esac

before=$(cat $sw)
for bad in maybe 1 on true; do
	if echo $bad >$sw 2>/dev/null; then
		fail "the switch accepted '$bad'"
	fi
done
[ "$(cat $sw)" = "$before" ] || fail "a refused write changed the switch"

echo N >/sys/module/zswap/parameters/enabled

# held VALUE: swap 16 MiB out with the switch at VALUE and report, while
# it is out, the virtual slots in use and the disk's used KiB.
held() {
	echo "$1" >$sw || { fail "could not write $1 to $sw"; return; }
	rm -f /tmp/hold /tmp/held
	mkfifo /tmp/hold
	usemem -L -H -q -m 16 -d rand </tmp/hold >/tmp/held &
	pid=$!
	exec 9>/tmp/hold
	# Waits for usemem's own report that the region is out.
	while ! grep -q '^@@HELD' /tmp/held && kill -0 $pid 2>/dev/null; do
		sleep 0.1
	done
	used=$(cat $vs/used)
	disk=$(awk 'NR == 2 { print $4 }' /proc/swaps)
	exec 9>&-
	wait $pid || fail "usemem failed with the switch at $1"
	cat /tmp/held
	echo "switch $1: virtual slots in use $used, disk used $disk KiB"
}

held off
[ "$used" -eq 0 ] || fail "switched off, swap-out took $used virtual slots"
[ "$disk" -ge $((16 * 1024 * 9 / 10)) ] || fail "switched off, only $disk KiB went to the disk"
held auto
[ "$used" -eq 0 ] || fail "at auto with zswap off, swap-out took $used virtual slots"
[ "$disk" -ge $((16 * 1024 * 9 / 10)) ] || fail "at auto with zswap off, only $disk KiB went to the disk"
held always
[ "$used" -ge $((4096 * 9 / 10)) ] || fail "at always, swap-out took only $used virtual slots"
# usemem has exited: slots of folios still under writeback go on reclaim.
[ "$(cat $vs/used)" -eq 0 ] || settle_swap_cache /sys/fs/cgroup
[ "$(cat $vs/used)" -eq 0 ] || fail "$(cat $vs/used) virtual slots left at the end"
echo Y >/sys/module/zswap/parameters/enabled
