# SPDX-License-Identifier: GPL-2.0
# The idle cost of the kernel: slab, vmalloc and per-CPU memory after
# boot with nothing swapped, and (vswap) the layer's own meta_bytes.
# Compares CONFIG_VSWAP=y with =n and with the base kernel.
# guest: --mem 1024
# icount: sleep=off
# (nothing is timed: sizes only, read after a boot that sleep=off speeds up.)

settle
metric idle_kmem "$(kmem_kib)" KiB
[ -r $vs/meta_bytes ] && metric idle_vswap_meta "$(cat $vs/meta_bytes)" B
true
