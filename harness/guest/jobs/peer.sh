# SPDX-License-Identifier: GPL-2.0
# Peer suites: the base tree's mm and cgroup kselftests that exercise swap,
# run unmodified. Verdicts are per sub-test (TAP); the host compares them
# with the same run on the base kernel.

suite cow 1200 cow
suite khugepaged 900 khugepaged
suite uffd-wp-fork 600 uffd-unit-tests -f wp-fork
suite uffd-rwp-swap-cow 300 uffd-unit-tests -f rwp-swap-cow
suite uffd-wp-mremap 600 uffd-wp-mremap
suite guard-regions 600 guard-regions
suite test_zswap 600 test_zswap
suite test_memcontrol 900 test_memcontrol
