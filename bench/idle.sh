# SPDX-License-Identifier: GPL-2.0
# The idle cost of the kernel: slab, vmalloc and per-CPU memory after
# boot with nothing swapped, and (vswap) the layer's own meta_bytes.
# Compares CONFIG_VSWAP=y with =n and with the base kernel.
# guest: --mem 1024

settle
metric idle_kmem "$(kmem_kib)" KiB
[ -r $vs/meta_bytes ] && metric idle_vswap_meta "$(cat $vs/meta_bytes)" B
true
