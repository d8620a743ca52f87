// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: backend bookkeeping of virtual slots and the
 * /sys/kernel/debug/vswap/ interface. The device itself and its dynamic
 * clusters live in mm/swapfile.c; the layout and the locking rules are
 * described in mm/vswap.h.
 */

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "swap.h"
#include "swap_table.h"
#include "vswap.h"

/*
 * Set the backend of one virtual slot to @zentry (NULL: no backend) and
 * return the zswap entry it had, for the caller to free.
 *
 * Context: the folio of the slot is locked in the swap cache.
 */
struct zswap_entry *vswap_zswap_store(swp_entry_t entry,
				      struct zswap_entry *zentry)
{
	unsigned int ci_off = swp_cluster_offset(entry);
	struct swap_cluster_info *ci;
	unsigned long old, vtb;

	vtb = zentry ? vswap_zswap_to_vtb(zentry) : vswap_none_to_vtb();
	ci = swap_cluster_lock(vswap_info, swp_offset(entry));
	old = vswap_vtab_xchg(ci, ci_off, vtb);
	/* Nothing writes PHYS yet: replacing one would leak the disk slot. */
	VM_WARN_ON_ONCE(vswap_tag(old) == VSWAP_TAG_PHYS);
	if (zentry && vswap_tag(old) != VSWAP_TAG_ZSWAP)
		atomic_long_inc(&vswap_stats.zswap);
	else if (!zentry && vswap_tag(old) == VSWAP_TAG_ZSWAP)
		atomic_long_dec(&vswap_stats.zswap);
	swap_cluster_unlock(ci);

	return vswap_vtb_to_zswap(old);
}

struct zswap_entry *vswap_zswap_erase(swp_entry_t entry)
{
	return vswap_zswap_store(entry, NULL);
}

/* Context: the folio of the slot is locked in the swap cache. */
struct zswap_entry *vswap_zswap_load(swp_entry_t entry)
{
	return vswap_vtb_to_zswap(vswap_vtab_get(__swap_entry_to_cluster(entry),
						 swp_cluster_offset(entry)));
}

/* Drop the zswap backends of a range. Context: ci->lock held. */
static void vswap_drop_zswap(struct swap_cluster_info *ci,
			     unsigned int ci_off, unsigned int nr, bool freeing)
{
	unsigned int ci_end = ci_off + nr;
	struct zswap_entry *zentry;
	long nr_zswap = 0, nr_zero = 0;
	unsigned long old;

	lockdep_assert_held(&ci->lock);
	for (; ci_off < ci_end; ci_off++) {
		/* Freed slots forget their zero flag: count it here. */
		if (freeing)
			nr_zero += __swap_table_test_zero(ci, ci_off);
		if (!vswap_vtab_get(ci, ci_off))
			continue;
		old = vswap_vtab_xchg(ci, ci_off, vswap_none_to_vtb());
		VM_WARN_ON_ONCE(vswap_tag(old) == VSWAP_TAG_PHYS);
		zentry = vswap_vtb_to_zswap(old);
		if (zentry) {
			zswap_vswap_free(zentry);
			nr_zswap++;
		}
	}
	if (nr_zswap)
		atomic_long_sub(nr_zswap, &vswap_stats.zswap);
	if (nr_zero)
		atomic_long_sub(nr_zero, &vswap_stats.zero);
}

/*
 * Release the backends of @nr slots that are being freed, and forget their
 * zero flags for the counters: one pass under the lock the free path holds.
 */
void vswap_release_backends(struct swap_cluster_info *ci,
			    unsigned int ci_off, unsigned int nr)
{
	vswap_drop_zswap(ci, ci_off, nr, true);
}

/*
 * Mark the slots of a swap cache folio as holding zeroes (@zero) or not.
 * A zero page needs no other backend, so one left from an earlier
 * swap-out of the same slots is dropped.
 *
 * Context: the folio is locked in the swap cache.
 */
void vswap_folio_set_zero(struct folio *folio, bool zero)
{
	unsigned int ci_start = swp_cluster_offset(folio->swap);
	unsigned int nr = folio_nr_pages(folio);
	struct swap_cluster_info *ci;
	unsigned int ci_off;
	long delta = 0;

	ci = swap_cluster_get_and_lock(folio);
	for (ci_off = ci_start; ci_off < ci_start + nr; ci_off++) {
		bool was_zero = __swap_table_test_zero(ci, ci_off);

		if (zero) {
			__swap_table_set_zero(ci, ci_off);
			delta += !was_zero;
		} else {
			__swap_table_clear_zero(ci, ci_off);
			delta -= was_zero;
		}
	}
	if (zero)
		vswap_drop_zswap(ci, ci_start, nr, false);
	swap_cluster_unlock(ci);
	if (delta)
		atomic_long_add(delta, &vswap_stats.zero);
}

void vswap_count_kept_resident(struct folio *folio)
{
	atomic_long_add(folio_nr_pages(folio), &vswap_stats.kept_resident);
}

/* Approximate metadata of one dynamic cluster, for meta_bytes. */
static unsigned long vswap_cluster_bytes(void)
{
	unsigned long bytes;

	bytes = sizeof(struct vswap_cluster) +
		SWAPFILE_CLUSTER * sizeof(atomic_long_t) +	/* vtab */
		sizeof(struct swap_table);
	if (!mem_cgroup_disabled())
		bytes += sizeof(struct swap_memcg_table);
	return bytes;
}

/* Raw values: a negative one would be an accounting bug worth seeing. */
static long vswap_read(atomic_long_t *counter)
{
	return atomic_long_read(counter);
}

static int vswap_used_get(void *data, u64 *val)
{
	*val = vswap_read(&vswap_info->inuse_pages);
	return 0;
}

/* Allocated slots with neither a zswap nor a zero backend. */
static int vswap_swapcache_get(void *data, u64 *val)
{
	long rest = atomic_long_read(&vswap_info->inuse_pages) -
		    atomic_long_read(&vswap_stats.zswap) -
		    atomic_long_read(&vswap_stats.zero);

	*val = max(rest, 0L);
	return 0;
}

static int vswap_meta_get(void *data, u64 *val)
{
	*val = vswap_read(&vswap_stats.clusters) * vswap_cluster_bytes();
	return 0;
}

static int vswap_counter_get(void *data, u64 *val)
{
	*val = vswap_read(data);
	return 0;
}

DEFINE_DEBUGFS_ATTRIBUTE(vswap_used_fops, vswap_used_get, NULL, "%lld\n");
DEFINE_DEBUGFS_ATTRIBUTE(vswap_swapcache_fops, vswap_swapcache_get, NULL,
			 "%lld\n");
DEFINE_DEBUGFS_ATTRIBUTE(vswap_meta_fops, vswap_meta_get, NULL, "%lld\n");
DEFINE_DEBUGFS_ATTRIBUTE(vswap_counter_fops, vswap_counter_get, NULL,
			 "%lld\n");

static int __init vswap_debugfs_init(void)
{
	static const struct {
		const char *name;
		atomic_long_t *counter;
	} counters[] = {
		{ "alloc_reject", &vswap_stats.alloc_reject },
		{ "phys_fallback", &vswap_stats.phys_fallback },
		{ "kept_resident", &vswap_stats.kept_resident },
		{ "zswap", &vswap_stats.zswap },
		{ "zero", &vswap_stats.zero },
		{ "clusters", &vswap_stats.clusters },
	};
	struct dentry *dir;
	int i;

	if (!vswap_info)
		return 0;

	dir = debugfs_create_dir("vswap", NULL);
	debugfs_create_file_unsafe("used", 0444, dir, NULL, &vswap_used_fops);
	debugfs_create_file_unsafe("swapcache", 0444, dir, NULL,
				   &vswap_swapcache_fops);
	debugfs_create_file_unsafe("meta_bytes", 0444, dir, NULL,
				   &vswap_meta_fops);
	for (i = 0; i < ARRAY_SIZE(counters); i++)
		debugfs_create_file_unsafe(counters[i].name, 0444, dir,
					   counters[i].counter,
					   &vswap_counter_fops);
	return 0;
}
late_initcall(vswap_debugfs_init);
