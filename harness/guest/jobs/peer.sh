# SPDX-License-Identifier: GPL-2.0
# Peer suites: the base tree's mm and cgroup kselftests that exercise swap,
# run unmodified. Verdicts are per sub-test (TAP); the host compares them
# with the same run on the base kernel. The limits (3600 s together) stay
# under the host's guest time-out (3900 s in harness/test); the whole job
# takes about 85 s under TCG.

suite cow 600 cow
suite khugepaged 600 khugepaged
suite uffd-wp-fork 300 uffd-unit-tests -f wp-fork
suite uffd-rwp-swap-cow 300 uffd-unit-tests -f rwp-swap-cow
suite uffd-wp-mremap 300 uffd-wp-mremap
suite guard-regions 300 guard-regions
suite test_zswap 600 test_zswap
suite test_memcontrol 600 test_memcontrol

# test_zswap once more with no swap device at all: the base kernel cannot
# swap without one; with the series, zswap needs no disk.
swapoff_all || { echo "swapoff failed: $(cat /proc/swaps)"; rc=1; }
suite test_zswap-nodisk 600 test_zswap
