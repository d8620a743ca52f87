# SPDX-License-Identifier: GPL-2.0
# swapoff of a device holding 1.5 times the guest's available memory in
# compressible pages, zswap on for the swapoff (harness/guest/swapofftight.c;
# make test boots this job with 384 MiB of memory). On a vswap kernel the
# data is behind virtual slots and what does not fit in memory goes to
# zswap: swapoff must succeed with every byte back and no process killed.
# On 7.3 it must fail: ENOMEM, or the OOM killer ends swapoff's task (7.3
# marks it first in line) or the owner (else the case proved nothing); the
# owner's bytes are checked whenever it survives.

dev=$(awk 'NR == 2 { print $1 }' /proc/swaps)
[ -n "$dev" ] || { echo "FAIL: no swap device"; rc=1; return; }
if [ -w /sys/kernel/mm/swap/vswap_enabled ]; then expect=rehome; else expect=fail; fi
swapofftight -x $expect "$dev" || rc=1
vs=/sys/kernel/debug/vswap
if [ -d $vs ]; then
	echo "=== vswap counters after the swapoff"
	for c in used zswap phys rmap unuse unuse_zswap; do
		echo "$c $(cat $vs/$c)"
	done
	for c in phys rmap; do
		if [ "$(cat $vs/$c)" != 0 ]; then
			echo "FAIL: vswap/$c is $(cat $vs/$c) after the swapoff"
			rc=1
		fi
	done
fi
