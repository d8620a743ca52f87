// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: what backs each virtual slot (zswap, a zero page, a
 * physical slot), moving data between backends, swapoff of a device that
 * backs virtual slots, the operator's switch (vswap=, sysfs) and the
 * /sys/kernel/debug/vswap/ counters. The device itself, its dynamic
 * clusters and its allocator live in mm/swapfile.c; the layout and the
 * locking rules are described in mm/vswap.h.
 */

#define pr_fmt(fmt) "vswap: " fmt

#include <linux/blkdev.h>
#include <linux/debugfs.h>
#include <linux/highmem.h>
#include <linux/init.h>
#include <linux/kobject.h>
#include <linux/mempolicy.h>
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swap_ops.h>
#include <linux/sysfs.h>
#include "swap.h"
#include "swap_table.h"
#include "vswap.h"

/*
 * vswap_drop_backends() drops every backend (VSWAP_ANY), the physical
 * slots only (VSWAP_PHYS), or the physical slots of one swap type (>= 0).
 */
#define VSWAP_ANY	(-1)
#define VSWAP_PHYS	(-2)

/*
 * The operator's switch: "vswap=" on the command line sets it at boot,
 * /sys/kernel/mm/swap/vswap_enabled at run time. It only decides which
 * folios take new virtual slots (vswap_wants()): virtual slots in use
 * keep working whatever it is set to, so changing it loses nothing.
 */
int vswap_mode __read_mostly = VSWAP_MODE_AUTO;

static const char * const vswap_mode_names[] = {
	[VSWAP_MODE_OFF]	= "off",
	[VSWAP_MODE_AUTO]	= "auto",
	[VSWAP_MODE_ALWAYS]	= "always",
};

static int __init vswap_setup(char *s)
{
	int mode = match_string(vswap_mode_names,
				ARRAY_SIZE(vswap_mode_names), s);

	/* A typo must not change the policy behind the user's back. */
	if (mode < 0)
		pr_warn("vswap=%s not understood (off, auto or always): staying %s\n",
			s, vswap_mode_names[vswap_mode]);
	else
		vswap_mode = mode;
	return 1;
}
__setup("vswap=", vswap_setup);

#ifdef CONFIG_SYSFS
static ssize_t vswap_enabled_show(struct kobject *kobj,
				  struct kobj_attribute *attr, char *buf)
{
	int mode = READ_ONCE(vswap_info) ? READ_ONCE(vswap_mode) :
					   VSWAP_MODE_OFF;
	int i, len = 0;

	/* The choices, the one in force in brackets, as THP's files do. */
	for (i = 0; i < ARRAY_SIZE(vswap_mode_names); i++)
		len += sysfs_emit_at(buf, len, i == mode ? "%s[%s]" : "%s%s",
				     i ? " " : "", vswap_mode_names[i]);
	len += sysfs_emit_at(buf, len, "\n");
	return len;
}

static ssize_t vswap_enabled_store(struct kobject *kobj,
				   struct kobj_attribute *attr,
				   const char *buf, size_t count)
{
	int mode = sysfs_match_string(vswap_mode_names, buf);

	if (mode < 0)
		return mode;
	/* The device could not be set up at boot: there is nothing to use. */
	if (mode != VSWAP_MODE_OFF && !READ_ONCE(vswap_info))
		return -ENODEV;
	WRITE_ONCE(vswap_mode, mode);
	return count;
}

struct kobj_attribute vswap_enabled_attr = __ATTR_RW(vswap_enabled);

/* Slots still in use: what a drain has left to bring back. */
static ssize_t vswap_drain_show(struct kobject *kobj,
				struct kobj_attribute *attr, char *buf)
{
	struct swap_info_struct *si = READ_ONCE(vswap_info);

	return sysfs_emit(buf, "%ld\n",
			  si ? atomic_long_read(&si->inuse_pages) : 0L);
}

/* Writing 1 drains the virtual device (vswap_drain()); it blocks. */
static ssize_t vswap_drain_store(struct kobject *kobj,
				 struct kobj_attribute *attr,
				 const char *buf, size_t count)
{
	int err;

	/* One word, so that a typo does not start a long walk. */
	if (!sysfs_streq(buf, "1"))
		return -EINVAL;
	err = vswap_drain();
	return err ? err : count;
}

struct kobj_attribute vswap_drain_attr = __ATTR_RW(vswap_drain);
#endif

/* Virtual offset of slot @ci_off of a dynamic cluster. */
static pgoff_t vswap_offset(struct swap_cluster_info *ci, unsigned int ci_off)
{
	return to_vswap_cluster(ci)->idx * SWAPFILE_CLUSTER + ci_off;
}

/*
 * An incompressible hint (see mm/vswap.h) is counted globally and in a
 * memcg, so that reclaim can tell when a cgroup's anon memory is all data
 * zswap refused (vswap_anon_compressible()). The counts are exact, not
 * statistics flushed later: reclaim that believed them stale could OOM
 * early. The memcg is the one of the folio when the hint is set; the
 * hint keeps its id, pinned, so that it is uncounted from the same memcg
 * whatever becomes of the folio, and on cgroup v1 too, which records no
 * swap cgroup id for a folio still in the swap cache.
 */
static unsigned long vswap_refusal_to_vtb(struct folio *folio)
{
	unsigned short id = mem_cgroup_vswap_refusal_get(folio);

	atomic_long_inc(&vswap_stats.incompressible);
	return VSWAP_TAG_NONE | VSWAP_NONE_INCOMP |
	       ((unsigned long)id << VSWAP_NONE_MEMCG_SHIFT);
}

static void vswap_refusal_drop(unsigned long vtb)
{
	mem_cgroup_vswap_refusal_put(vtb >> VSWAP_NONE_MEMCG_SHIFT);
	atomic_long_dec(&vswap_stats.incompressible);
}

/* Set the vtab entry of a slot; a hint it replaces is uncounted. */
static unsigned long vswap_vtab_set(struct swap_cluster_info *ci,
				    unsigned int ci_off, unsigned long vtb)
{
	unsigned long old = vswap_vtab_xchg(ci, ci_off, vtb);

	if (vswap_vtb_is_incompressible(old))
		vswap_refusal_drop(old);
	return old;
}

/*********************************
 * releasing backends
 *********************************/

/*
 * Free @nr physical slots from @phys that back the virtual slots from
 * @voffset. They are in one physical cluster.
 */
static void vswap_phys_put(swp_entry_t phys, pgoff_t voffset, unsigned int nr)
{
	struct swap_info_struct *si = __swap_entry_to_info(phys);
	unsigned int ci_off = swp_cluster_offset(phys);
	struct swap_cluster_info *ci;
	unsigned int i;

	ci = swap_cluster_lock(si, swp_offset(phys));
	for (i = 0; i < nr; i++)
		VM_WARN_ON_ONCE(__swap_table_get(ci, ci_off + i) !=
				rmap_to_swp_tb(voffset + i));
	__swap_cluster_free_entries(si, ci, ci_off, nr);
	swap_cluster_unlock(ci);
	atomic_long_sub(nr, &vswap_stats.rmap);
}

/*
 * Physical slots being released, gathered so that a range backed by one
 * run of a physical cluster is freed and uncharged with one lock.
 */
struct vswap_phys_run {
	swp_entry_t phys;
	pgoff_t voffset;
	unsigned int nr;
	unsigned short id;
};

static void vswap_phys_run_flush(struct vswap_phys_run *run)
{
	if (!run->nr)
		return;
	vswap_phys_put(run->phys, run->voffset, run->nr);
	mem_cgroup_uncharge_swap_disk(run->id, run->nr);
	run->nr = 0;
}

static void vswap_phys_run_add(struct vswap_phys_run *run, swp_entry_t phys,
			       pgoff_t voffset, unsigned short id)
{
	if (run->nr && swp_type(phys) == swp_type(run->phys) &&
	    swp_offset(phys) == swp_offset(run->phys) + run->nr &&
	    swp_cluster_offset(phys) && voffset == run->voffset + run->nr &&
	    id == run->id) {
		run->nr++;
		return;
	}
	vswap_phys_run_flush(run);
	run->phys = phys;
	run->voffset = voffset;
	run->nr = 1;
	run->id = id;
}

/*
 * Drop the backends of a range of virtual slots: zswap entries, physical
 * slots, poison and incompressible hints (@phys_type VSWAP_ANY), or only
 * the physical slots (VSWAP_PHYS), or only those of swap type @phys_type.
 * @freeing: the slots are being freed, so count their zero flags out.
 * Returns how many slots lost a backend.
 *
 * Context: ci->lock held (the physical cluster locks nest inside it).
 */
static long vswap_drop_backends(struct swap_cluster_info *ci,
				unsigned int ci_off, unsigned int nr,
				int phys_type, bool freeing)
{
	struct vswap_phys_run run = { .nr = 0 };
	long nr_zswap = 0, nr_zero = 0, nr_phys = 0, nr_poison = 0, nr_fill = 0;
	unsigned int ci_end = ci_off + nr;
	swp_entry_t phys;
	unsigned long vtb;

	lockdep_assert_held(&ci->lock);
	for (; ci_off < ci_end; ci_off++) {
		/* Freed slots forget their zero flag: count it here. */
		if (freeing)
			nr_zero += __swap_table_test_zero(ci, ci_off);
		vtb = vswap_vtab_get(ci, ci_off);
		if (vswap_vtb_is_phys(vtb)) {
			phys = vswap_vtb_to_phys(vtb);
			if (phys_type >= 0 && swp_type(phys) != phys_type)
				continue;
			vswap_vtab_set(ci, ci_off, vswap_none_to_vtb());
			vswap_phys_run_add(&run, phys, vswap_offset(ci, ci_off),
					   __swap_cgroup_get(ci, ci_off));
			nr_phys++;
		} else if (phys_type != VSWAP_ANY || !vtb) {
			continue;
		} else if (vswap_vtb_is_zswap(vtb)) {
			vswap_vtab_set(ci, ci_off, vswap_none_to_vtb());
			zswap_vswap_free(vswap_vtb_to_zswap(vtb));
			nr_zswap++;
		} else {
			/* Poison, a FILL value, or an incompressible hint. */
			vswap_vtab_set(ci, ci_off, vswap_none_to_vtb());
			nr_poison += vswap_vtb_is_poison(vtb);
			nr_fill += vswap_vtb_is_fill(vtb);
		}
	}
	vswap_phys_run_flush(&run);
	if (nr_zswap)
		atomic_long_sub(nr_zswap, &vswap_stats.zswap);
	if (nr_phys)
		atomic_long_sub(nr_phys, &vswap_stats.phys);
	if (nr_zero)
		atomic_long_sub(nr_zero, &vswap_stats.zero);
	if (nr_poison)
		atomic_long_sub(nr_poison, &vswap_stats.poison);
	if (nr_fill)
		atomic_long_sub(nr_fill, &vswap_stats.fill);
	return nr_zswap + nr_phys + nr_poison + nr_fill;
}

/*
 * Release the backends of @nr slots that are being freed, and forget their
 * zero flags for the counters: one pass under the lock the free path holds.
 */
void vswap_release_backends(struct swap_cluster_info *ci,
			    unsigned int ci_off, unsigned int nr)
{
	vswap_drop_backends(ci, ci_off, nr, VSWAP_ANY, true);
}

/*********************************
 * the zswap index and zero pages
 *********************************/

/*
 * Set the backend of one virtual slot to @zentry, or with @zentry NULL
 * remove its zswap backend, and return the zswap entry it had, for the
 * caller to free. A physical slot the new zswap entry replaces is freed.
 *
 * Context: the folio of the slot is locked in the swap cache.
 */
struct zswap_entry *vswap_zswap_store(swp_entry_t entry,
				      struct zswap_entry *zentry)
{
	unsigned int ci_off = swp_cluster_offset(entry);
	struct zswap_entry *old = NULL;
	struct swap_cluster_info *ci;
	unsigned long vtb;

	ci = swap_cluster_lock(vswap_info, swp_offset(entry));
	vtb = vswap_vtab_get(ci, ci_off);
	if (vswap_vtb_is_zswap(vtb)) {
		old = vswap_vtb_to_zswap(vtb);
		atomic_long_dec(&vswap_stats.zswap);
		vswap_vtab_set(ci, ci_off, vswap_none_to_vtb());
	} else if (zentry && vtb) {
		/* Erasing zswap leaves a disk copy for the write to reuse. */
		vswap_drop_backends(ci, ci_off, 1, VSWAP_ANY, false);
	}
	if (zentry) {
		vswap_vtab_set(ci, ci_off, vswap_zswap_to_vtb(zentry));
		atomic_long_inc(&vswap_stats.zswap);
	}
	swap_cluster_unlock(ci);

	return old;
}

struct zswap_entry *vswap_zswap_erase(swp_entry_t entry)
{
	return vswap_zswap_store(entry, NULL);
}

/* Context: the folio of the slot is locked in the swap cache. */
struct zswap_entry *vswap_zswap_load(swp_entry_t entry)
{
	struct swap_cluster_info *ci = __swap_entry_to_cluster(entry);
	unsigned long vtb;

	vtb = atomic_long_read(&to_vswap_cluster(ci)->vtab[swp_cluster_offset(entry)]);
	return vswap_vtb_is_zswap(vtb) ? vswap_vtb_to_zswap(vtb) : NULL;
}

/*
 * zswap refused the page of virtual slot @entry as incompressible: note it
 * on the slot, if it has no backend, so that reclaim does not compress the
 * same data again (see "The virtual table" in mm/vswap.h).
 *
 * Context: the folio of the slot is locked in the swap cache.
 */
void vswap_set_incompressible(swp_entry_t entry)
{
	unsigned int ci_off = swp_cluster_offset(entry);
	struct swap_cluster_info *ci;
	unsigned long swp_tb;

	ci = swap_cluster_lock(vswap_info, swp_offset(entry));
	swp_tb = __swap_table_get(ci, ci_off);
	if (vswap_vtb_is_none(vswap_vtab_get(ci, ci_off)) &&
	    !WARN_ON_ONCE(!swp_tb_is_folio(swp_tb)))
		vswap_vtab_set(ci, ci_off,
			       vswap_refusal_to_vtb(swp_tb_to_folio(swp_tb)));
	swap_cluster_unlock(ci);
}

/*
 * Did zswap refuse the data of @folio, unchanged since? One refused page
 * is enough: zswap takes a large folio whole or not at all.
 *
 * Context: the folio is locked in the swap cache.
 */
bool vswap_folio_incompressible(struct folio *folio)
{
	unsigned int i;

	for (i = 0; i < folio_nr_pages(folio); i++)
		if (vswap_vtb_is_incompressible(vswap_folio_vtab(folio, i)))
			return true;
	return false;
}

/*
 * Mark the slots of a swap cache folio as holding zeroes (@zero) or not.
 * A zero page needs no other backend, so one left from an earlier
 * swap-out of the same slots is dropped. Data that is not zeroes is not
 * a FILL value either (vswap_folio_store_fill() tried first): drop those
 * too, so that only the backend this write is about to set can be read.
 *
 * Context: the folio is locked in the swap cache.
 */
void vswap_folio_set_zero(struct folio *folio, bool zero)
{
	unsigned int ci_start = swp_cluster_offset(folio->swap);
	unsigned int nr = folio_nr_pages(folio);
	struct swap_cluster_info *ci;
	unsigned int ci_off;
	long delta = 0, nr_fill = 0;

	ci = swap_cluster_get_and_lock(folio);
	for (ci_off = ci_start; ci_off < ci_start + nr; ci_off++) {
		bool was_zero = __swap_table_test_zero(ci, ci_off);

		if (zero) {
			__swap_table_set_zero(ci, ci_off);
			delta += !was_zero;
		} else {
			__swap_table_clear_zero(ci, ci_off);
			delta -= was_zero;
			if (vswap_vtb_is_fill(vswap_vtab_get(ci, ci_off))) {
				vswap_vtab_set(ci, ci_off, vswap_none_to_vtb());
				nr_fill++;
			}
		}
	}
	if (zero)
		vswap_drop_backends(ci, ci_start, nr, VSWAP_ANY, false);
	swap_cluster_unlock(ci);
	if (delta)
		atomic_long_add(delta, &vswap_stats.zero);
	if (nr_fill)
		atomic_long_sub(nr_fill, &vswap_stats.fill);
}

/* Is @page one 32-bit value repeated? */
static bool vswap_page_same_filled(struct page *page)
{
	const unsigned long *data = kmap_local_page(page);
	unsigned long word = data[0];
	bool same = lower_32_bits(word) == upper_32_bits(word);
	unsigned int i;

	/* The last word first: a page that differs anywhere fails fast. */
	if (same && data[PAGE_SIZE / sizeof(word) - 1] != word)
		same = false;
	for (i = 1; same && i < PAGE_SIZE / sizeof(word) - 1; i++)
		same = data[i] == word;
	kunmap_local(data);
	return same;
}

/*
 * Keep the data of @folio in its virtual table entries if every page of
 * it is one 32-bit value repeated (FILL in mm/vswap.h): no compression,
 * no zswap entry, no disk slot, no IO. A large folio goes whole or not at
 * all, each page with its own value. A folio of zeroes never gets here:
 * the zero flag, which 7.3's zero-page paths read, keeps it.
 *
 * Context: the folio is locked in the swap cache and unmapped, so its
 * data does not change under the two passes.
 * Return: true if the folio's data is in the table now.
 */
bool vswap_folio_store_fill(struct folio *folio)
{
	unsigned int ci_start = swp_cluster_offset(folio->swap);
	unsigned int i, nr = folio_nr_pages(folio);
	struct swap_cluster_info *ci;
	long nr_zero = 0;

	for (i = 0; i < nr; i++)
		if (!vswap_page_same_filled(folio_page(folio, i)))
			return false;

	ci = swap_cluster_get_and_lock(folio);
	/* What an earlier swap-out of these slots left is stale now. */
	vswap_drop_backends(ci, ci_start, nr, VSWAP_ANY, false);
	for (i = 0; i < nr; i++) {
		/* Checked above: the page's first word is its value. */
		const u32 *data = kmap_local_page(folio_page(folio, i));
		u32 val = data[0];

		kunmap_local(data);
		nr_zero += __swap_table_test_zero(ci, ci_start + i);
		__swap_table_clear_zero(ci, ci_start + i);
		vswap_vtab_set(ci, ci_start + i, vswap_fill_to_vtb(val));
	}
	swap_cluster_unlock(ci);
	if (nr_zero)
		atomic_long_sub(nr_zero, &vswap_stats.zero);
	atomic_long_add(nr, &vswap_stats.fill);
	return true;
}

/*
 * Fill @folio from its virtual table entries if they hold its data (FILL).
 * A large folio is only read whole if all its slots are FILL
 * (vswap_range_readable()).
 *
 * Context: the folio is locked in the swap cache, not uptodate.
 * Return: false if the data is elsewhere; true if the read is done, the
 * folio uptodate unless a slot was not FILL after all.
 */
bool vswap_folio_read_fill(struct folio *folio)
{
	unsigned int i, nr = folio_nr_pages(folio);
	unsigned long vtb;

	if (!vswap_vtb_is_fill(vswap_folio_vtab(folio, 0)))
		return false;
	for (i = 0; i < nr; i++) {
		struct page *page = folio_page(folio, i);
		void *kaddr;
		u64 word;

		vtb = vswap_folio_vtab(folio, i);
		if (WARN_ON_ONCE(!vswap_vtb_is_fill(vtb)))
			return true;
		word = vswap_vtb_to_fill(vtb);
		word |= word << 32;
		kaddr = kmap_local_page(page);
		memset64(kaddr, word, PAGE_SIZE / sizeof(word));
		kunmap_local(kaddr);
		flush_dcache_page(page);
	}
	folio_mark_uptodate(folio);
	return true;
}

/*********************************
 * what backs a slot
 *********************************/

/* The physical slot backing page @i of @folio, or 0. */
swp_entry_t vswap_folio_page_phys(struct folio *folio, unsigned int i)
{
	unsigned long vtb = vswap_folio_vtab(folio, i);

	return vswap_vtb_is_phys(vtb) ? vswap_vtb_to_phys(vtb) :
					(swp_entry_t){ 0 };
}

/*
 * The physical slot backing the first virtual slot of @folio, or 0: where
 * its IO goes when it is one contiguous run.
 * Context: the folio is locked in the swap cache or under writeback.
 */
swp_entry_t vswap_folio_phys(struct folio *folio)
{
	return vswap_folio_page_phys(folio, 0);
}

/* Was the data of @folio lost (see POISON in mm/vswap.h)? */
bool vswap_folio_poisoned(struct folio *folio)
{
	return vswap_vtb_is_poison(vswap_folio_vtab(folio, 0));
}

/*
 * Can a run of @nr physical slots from @phys be read or written as one
 * piece? On a block device, within one cluster; a swap file's extents may
 * break a numerically contiguous run, so never there (the allocator gives
 * large runs on block devices only, for the same reason).
 */
static bool vswap_phys_run_ok(swp_entry_t phys, unsigned int nr)
{
	return nr == 1 ||
	       ((__swap_entry_to_info(phys)->flags & SWP_BLKDEV) &&
		swp_cluster_offset(phys) + nr <= SWAPFILE_CLUSTER);
}

/*
 * Is every page of @folio backed by a physical slot, and if @contig, all
 * of them one run that can be written as one piece?
 */
static bool vswap_folio_all_phys(struct folio *folio, bool contig)
{
	unsigned int i, nr = folio_nr_pages(folio);
	swp_entry_t first = vswap_folio_phys(folio);

	if (!first.val || (contig && !vswap_phys_run_ok(first, nr)))
		return false;
	for (i = 1; i < nr; i++) {
		unsigned long vtb = vswap_folio_vtab(folio, i);
		swp_entry_t next = swp_entry(swp_type(first),
					     swp_offset(first) + i);

		if (!vswap_vtb_is_phys(vtb))
			return false;
		if (contig && vtb != vswap_phys_to_vtb(next))
			return false;
	}
	return true;
}

/*
 * Does @folio, about to be written, have physical slots that are not one
 * run, so that its pages go to disk one piece each?
 * Context: the folio is locked in the swap cache or under writeback.
 */
bool vswap_folio_phys_scattered(struct folio *folio)
{
	return folio_test_large(folio) && !vswap_folio_all_phys(folio, true);
}

/*
 * Can @nr virtual slots from @ci_off be read into one large folio? Only if
 * one read does it: all zero pages (no backend) or one contiguous physical
 * run; zswap loads one page at a time, and lost data fails one page.
 *
 * Context: ci->lock held.
 */
bool vswap_range_readable(struct swap_cluster_info *ci, unsigned int ci_off,
			  unsigned int nr)
{
	unsigned long first = vswap_vtab_get(ci, ci_off);
	unsigned int i;

	if (vswap_vtb_is_zswap(first) || vswap_vtb_is_poison(first))
		return false;
	if (vswap_vtb_is_phys(first) &&
	    !vswap_phys_run_ok(vswap_vtb_to_phys(first), nr))
		return false;
	for (i = 1; i < nr; i++) {
		unsigned long vtb = vswap_vtab_get(ci, ci_off + i);

		if (vswap_vtb_is_fill(first)) {
			if (!vswap_vtb_is_fill(vtb))
				return false;
		} else if (vswap_vtb_is_none(first) ? vtb :
			   vtb != first + ((unsigned long)i << VSWAP_PHYS_OFF_SHIFT)) {
			return false;
		}
	}
	return true;
}

/*
 * The flags of the device behind vtab entry @vtb (see
 * swap_entry_backend_flags()): data in memory is the virtual device's
 * own, is read synchronously (or ahead, at no IO cost) and has no
 * writeback in flight to any device.
 */
static unsigned long vswap_vtb_flags(unsigned long vtb)
{
	int type;

	if (!vswap_vtb_is_phys(vtb))
		return SWP_SYNCHRONOUS_IO | SWP_VSWAP;
	type = swp_type(vswap_vtb_to_phys(vtb));
	/*
	 * A hint, read without the device pinned: from a fault only the
	 * virtual slot is, so swapoff may be taking the physical device
	 * away, or a swapon may have reused its type. A swap_info_struct is
	 * never freed, so the read is safe; __swap_entry_to_info() would
	 * (rightly) warn that the device is not pinned.
	 */
	return data_race(READ_ONCE(swap_info[type])->flags);
}

/*
 * swap_entry_backend_flags() of a virtual slot that may be freed meanwhile.
 * Every swap-in fault asks, so the vtab entry is read without the cluster
 * lock: a cluster's vtab is freed only after an RCU grace period
 * (vswap_cluster_destroy()), and a dying cluster's entries are all NONE,
 * which reads as a slot that is gone. The answer was a hint under the lock
 * too: it only chooses the synchronous or the readahead swap-in, and
 * __swap_cache_alloc() checks the slot again under the lock.
 */
unsigned long vswap_entry_backend_flags(swp_entry_t entry)
{
	struct swap_cluster_info *ci;
	unsigned long vtb = 0;

	rcu_read_lock();
	ci = __swap_offset_to_cluster(vswap_info, swp_offset(entry));
	if (ci)
		vtb = atomic_long_read(&to_vswap_cluster(ci)->vtab[swp_cluster_offset(entry)]);
	rcu_read_unlock();
	return vswap_vtb_flags(vtb);
}

/* swap_folio_backend_flags() of a folio of virtual slots. */
unsigned long vswap_folio_backend_flags(struct folio *folio)
{
	unsigned long flags = vswap_vtb_flags(vswap_folio_vtab(folio, 0));
	unsigned int i;

	for (i = 1; i < folio_nr_pages(folio); i++)
		flags |= vswap_vtb_flags(vswap_folio_vtab(folio, i)) &
			 SWP_STABLE_WRITES;
	return flags;
}

/*
 * The swap_ops flags that apply to writing @folio out. A folio with no
 * physical slot yet may be given one on any device at writeout, so while
 * a device that needs NOFS reclaim is on, it needs it too. The first page
 * speaks for a large folio: one is written to block devices only
 * (vswap_folio_alloc_phys() refuses it any other), whose flags never ask
 * for NOFS, and with no slot on page 0 the answer is the cautious one.
 */
unsigned int vswap_folio_backend_ops_flags(struct folio *folio)
{
	swp_entry_t phys;

	/* Only devices that are not block devices ask for NOFS: none is on. */
	if (!vswap_nofs_devices())
		return 0;
	phys = vswap_folio_phys(folio);
	if (phys.val)
		return __swap_entry_to_info(phys)->ops->flags;
	return SWAP_OPS_F_REQUIRE_NOFS;
}

/*********************************
 * the physical backend
 *********************************/

static unsigned short vswap_slot_memcg_id(struct swap_cluster_info *ci,
					  unsigned int ci_off)
{
	lockdep_assert_held(&ci->lock);
	return __swap_cgroup_get(ci, ci_off);
}

static unsigned short vswap_folio_memcg_id(struct folio *folio)
{
	struct swap_cluster_info *ci;
	unsigned short id;

	ci = swap_cluster_get_and_lock(folio);
	id = vswap_slot_memcg_id(ci, swp_cluster_offset(folio->swap));
	swap_cluster_unlock(ci);
	return id;
}

/*
 * A swap-out found no free physical slot: memory.swap.events counts it as
 * "fail", as without CONFIG_VSWAP when swap space runs out. With no swap
 * device at all there is no swap space to run out of, and nothing is
 * counted, as without CONFIG_VSWAP (reclaim does not try then). Nor is a
 * pass over data whose failure was counted already (@count_fail false).
 */
static void vswap_count_swap_fail(unsigned short id, bool count_fail)
{
	struct mem_cgroup *memcg;

	if (!count_fail || !total_swap_pages || mem_cgroup_disabled() || !id)
		return;
	rcu_read_lock();
	memcg = mem_cgroup_from_private_id(id);
	if (memcg)
		memcg_memory_event(memcg, MEMCG_SWAP_FAIL);
	rcu_read_unlock();
}

/*
 * Take and charge the physical slots that will hold the data of @folio,
 * and point its virtual slots at them: one contiguous run if the
 * allocator has one (block devices only), else one slot per page, written
 * one piece each (vswap_folio_phys_scattered()). A large folio unmapped
 * whole can no longer be split, so this is what keeps it reclaimable on a
 * swap file or a fragmented device.
 *
 * @count_fail: a failure is new, for memory.swap.events.
 *
 * Context: the folio is locked in the swap cache of its virtual slots and
 * has no backend.
 * Return: 0, -ENOMEM if memory.swap.max is hit, -ENOSPC if the swap
 * devices do not have the slots.
 */
static int vswap_folio_alloc_phys(struct folio *folio, bool count_fail)
{
	unsigned int i, nr = folio_nr_pages(folio);
	unsigned short id = vswap_folio_memcg_id(folio);
	pgoff_t voffset = swp_offset(folio->swap);
	unsigned int ci_start = swp_cluster_offset(folio->swap);
	struct swap_cluster_info *ci;
	swp_entry_t phys;

	/* A swap-out that gets no disk space counts in swap.events. */
	if (mem_cgroup_charge_swap_disk(id, nr, count_fail)) {
		atomic_long_inc(&vswap_stats.phys_alloc_fail);
		return -ENOMEM;
	}

	phys = folio_test_large(folio) ?
	       vswap_phys_alloc(voffset, folio_order(folio)) :
	       (swp_entry_t){ 0 };
	if (phys.val) {
		atomic_long_add(nr, &vswap_stats.rmap);
		ci = swap_cluster_get_and_lock(folio);
		for (i = 0; i < nr; i++) {
			swp_entry_t page_phys = swp_entry(swp_type(phys),
							  swp_offset(phys) + i);

			vswap_vtab_set(ci, ci_start + i,
				       vswap_phys_to_vtb(page_phys));
		}
		swap_cluster_unlock(ci);
		atomic_long_add(nr, &vswap_stats.phys);
		return 0;
	}

	for (i = 0; i < nr; i++) {
		phys = vswap_phys_alloc(voffset + i, 0);
		if (!phys.val) {
			vswap_count_swap_fail(id, count_fail);
			goto fail;
		}
		atomic_long_inc(&vswap_stats.rmap);
		ci = swap_cluster_get_and_lock(folio);
		vswap_vtab_set(ci, ci_start + i, vswap_phys_to_vtb(phys));
		swap_cluster_unlock(ci);
		atomic_long_inc(&vswap_stats.phys);
		/*
		 * Pieces are written through the block layer: see
		 * vswap_wants() for why no other kind of device is expected.
		 */
		if (nr > 1 && __swap_entry_to_info(phys)->ops != &swap_bdev_ops) {
			i++;
			goto fail;
		}
	}
	return 0;

fail:
	/* Not enough: give back what was taken, and its charge. */
	ci = swap_cluster_get_and_lock(folio);
	vswap_drop_backends(ci, ci_start, nr, VSWAP_PHYS, false);
	swap_cluster_unlock(ci);
	mem_cgroup_uncharge_swap_disk(id, nr - i);
	atomic_long_inc(&vswap_stats.phys_alloc_fail);
	return -ENOSPC;
}

/*
 * zswap writeback of the one page of @folio: take and charge a physical
 * slot for it, which the virtual table does not name yet
 * (vswap_folio_set_phys() does that once the data is in the folio).
 * Writeback is not a swap-out: a failed charge is not a swap.events one.
 *
 * Context: the folio is locked in the swap cache of its virtual slot.
 * Return: 0, -ENOMEM if memory.swap.max is hit, -ENOSPC if no slot is free.
 */
int vswap_writeback_alloc_phys(struct folio *folio, swp_entry_t *physp)
{
	unsigned short id = vswap_folio_memcg_id(folio);
	swp_entry_t phys;

	VM_WARN_ON_ONCE_FOLIO(folio_test_large(folio), folio);
	if (mem_cgroup_charge_swap_disk(id, 1, false)) {
		atomic_long_inc(&vswap_stats.phys_alloc_fail);
		return -ENOMEM;
	}
	phys = vswap_phys_alloc(swp_offset(folio->swap), 0);
	if (!phys.val) {
		mem_cgroup_uncharge_swap_disk(id, 1);
		atomic_long_inc(&vswap_stats.phys_alloc_fail);
		return -ENOSPC;
	}
	*physp = phys;
	atomic_long_inc(&vswap_stats.rmap);
	return 0;
}

/* Undo vswap_writeback_alloc_phys() for a slot the table never named. */
void vswap_phys_abort(struct folio *folio, swp_entry_t phys)
{
	vswap_phys_put(phys, swp_offset(folio->swap), 1);
	mem_cgroup_uncharge_swap_disk(vswap_folio_memcg_id(folio), 1);
}

/*
 * Point the virtual slot of @folio at @phys, which
 * vswap_writeback_alloc_phys() gave it, dropping the zswap entry being
 * written back.
 *
 * Context: the folio is locked in the swap cache.
 */
void vswap_folio_set_phys(struct folio *folio, swp_entry_t phys)
{
	unsigned int ci_off = swp_cluster_offset(folio->swap);
	struct swap_cluster_info *ci;
	long nr_zswap;

	ci = swap_cluster_get_and_lock(folio);
	nr_zswap = vswap_vtb_is_zswap(vswap_vtab_get(ci, ci_off));
	vswap_drop_backends(ci, ci_off, 1, VSWAP_ANY, false);
	vswap_vtab_set(ci, ci_off, vswap_phys_to_vtb(phys));
	swap_cluster_unlock(ci);
	atomic_long_inc(&vswap_stats.phys);
	atomic_long_add(nr_zswap, &vswap_stats.writeback);
}

/*
 * zswap refused @folio: give it physical slots to be written to, reusing
 * those that still hold an older copy. @count_fail: this is the first
 * pass that finds no home for the data, to be counted in
 * memory.swap.events if no slot can be had. Reclaim passes over data kept
 * in memory before (zswap refused it, no disk slot could be had, and it has
 * not changed since) count nothing: 7.3 would not scan anon memory of a
 * cgroup at memory.swap.max at all, so each of those passes is one it
 * would not make.
 *
 * Context: the folio is locked in the swap cache of its virtual slots.
 * Return: 0 if the folio can be written, or why it cannot.
 */
int vswap_prepare_writeout(struct folio *folio, bool count_fail)
{
	struct swap_cluster_info *ci;
	unsigned int i;
	int err;

	/*
	 * A copy on disk from an earlier swap-out (read back, dirtied) is
	 * rewritten in place if every page has one, on a device that is not
	 * being swapped off.
	 */
	for (i = 0; i < folio_nr_pages(folio); i++) {
		swp_entry_t phys = vswap_folio_page_phys(folio, i);

		if (!phys.val ||
		    !(__swap_entry_to_info(phys)->flags & SWP_WRITEOK))
			break;
	}
	if (i < folio_nr_pages(folio)) {
		/*
		 * Release what is left of an older copy first: its charge
		 * must not stand in the way of the new one. The locked,
		 * dirty folio holds the data. An incompressible hint stays:
		 * if no disk slot can be had, reclaim will find it again.
		 */
		ci = swap_cluster_get_and_lock(folio);
		vswap_drop_backends(ci, swp_cluster_offset(folio->swap),
				    folio_nr_pages(folio), VSWAP_PHYS, false);
		swap_cluster_unlock(ci);
		err = vswap_folio_alloc_phys(folio, count_fail);
		if (err)
			return err;
	}
	atomic_long_add(folio_nr_pages(folio), &vswap_stats.phys_writeout);
	return 0;
}

/*********************************
 * swapoff
 *********************************/

/*
 * swapoff of @si could not read the data of @folio back: it is lost.
 * Free the physical slots @si gives the folio and mark its virtual slots
 * POISON, so that the owner gets SIGBUS on access and nothing else, as
 * 7.3 does with a poison PTE, and swapoff can go on.
 *
 * Context: the folio is locked in the swap cache, not uptodate.
 */
static void vswap_poison_folio(struct swap_info_struct *si, struct folio *folio)
{
	unsigned int i, ci_start = swp_cluster_offset(folio->swap);
	unsigned int nr = folio_nr_pages(folio);
	struct swap_cluster_info *ci;
	long poisoned = 0;

	ci = swap_cluster_get_and_lock(folio);
	for (i = 0; i < nr; i++) {
		if (!vswap_drop_backends(ci, ci_start + i, 1, si->type, false))
			continue;
		vswap_vtab_set(ci, ci_start + i, vswap_poison_to_vtb());
		poisoned++;
	}
	swap_cluster_unlock(ci);
	atomic_long_add(poisoned, &vswap_stats.poison);
	pr_err_ratelimited("swapoff: %ld pages lost: unreadable on swap type %d\n",
			   poisoned, si->type);
	/* A later fault reads the slot again and fails: no stale folio. */
	swap_cache_del_folio(folio);
}

/*
 * The memcg to charge for the data of virtual slot @voffset brought back
 * by swapoff: the one its slot records, or the nearest live ancestor of a
 * removed one. swapoff has no mm of the owner to charge through, and the
 * task that runs it must not pay.
 */
static struct mem_cgroup *vswap_slot_owner(pgoff_t voffset)
{
	struct swap_cluster_info *ci;
	unsigned short id;

	ci = swap_cluster_lock_live(vswap_info, voffset);
	if (!ci)
		return NULL;
	id = vswap_slot_memcg_id(ci, voffset % SWAPFILE_CLUSTER);
	swap_cluster_unlock(ci);
	return mem_cgroup_get_from_swap_id(id);
}

/*
 * Memory swapoff leaves free when it brings data of virtual slots back:
 * a cluster's batch of reads (vswap_unuse_slots()) and then some, so that
 * the one page a re-homed slot needs while it is compressed can always
 * be charged without reclaim.
 */
#define VSWAP_UNUSE_RESERVE	(2 * SWAPFILE_CLUSTER)

/*
 * Is memory too short for swapoff to bring @nr more pages of @memcg back?
 * Short when @memcg or an ancestor is within VSWAP_UNUSE_RESERVE pages of
 * its memory.max, or the machine has less than 1/32 of its memory (and
 * the reserve) available. 7.3 reads everything back regardless, and its
 * swapoff fails with ENOMEM or the OOM killer ends the owner when it does
 * not fit.
 */
static bool vswap_unuse_short(struct mem_cgroup *memcg, unsigned long nr)
{
	unsigned long want = nr + VSWAP_UNUSE_RESERVE;

	return mem_cgroup_vswap_room(memcg) < want ||
	       si_mem_available() < (long)(want + (totalram_pages() >> 5));
}

/*
 * swapoff read @folio back from a physical slot and memory is short:
 * compress it into zswap, which frees the physical slot and charges the
 * compressed copy to the folio's memcg, and drop the folio: its last
 * reference goes with ours. False if zswap does not take it (off, full,
 * at memory.zswap.max, or the data does not compress): then it stays in
 * memory, for reclaim to send to another device.
 *
 * Context: the folio is locked in the swap cache, uptodate and unmapped.
 */
static bool vswap_unuse_to_zswap(struct folio *folio)
{
	long nr = folio_nr_pages(folio);
	unsigned int noreclaim;
	bool stored;

	/*
	 * As from reclaim: zswap's charge of the compressed copy is forced
	 * (it frees more than it takes), and so are its allocations.
	 */
	noreclaim = memalloc_noreclaim_save();
	stored = zswap_store(folio);
	memalloc_noreclaim_restore(noreclaim);
	if (!stored)
		return false;
	/* zswap holds the data now: the disk copy is gone with the slot. */
	atomic_long_add(nr, &vswap_stats.unuse);
	atomic_long_add(nr, &vswap_stats.unuse_zswap);
	swap_cache_del_folio(folio);
	return true;
}

/*
 * swapoff of @si found a reverse map to virtual slot @voffset: bring its
 * data into the swap cache of the virtual slot, dirty, and free the
 * physical slots @si gives the folio. The page tables keep naming the
 * virtual slot; reclaim will find the folio another backend. When memory
 * is short (vswap_unuse_short()), the data goes to zswap instead, where
 * 7.3 would fail or kill. Data that cannot be read is poisoned
 * (vswap_poison_folio()).
 *
 * Return: 0 (also when the slot was freed meanwhile), or an error that
 * stops swapoff.
 */
static int vswap_unuse_slot(struct swap_info_struct *si, pgoff_t voffset)
{
	swp_entry_t ventry = swp_entry(vswap_info->type, voffset);
	struct mem_cgroup *owner, *old;
	struct swap_cluster_info *ci;
	struct folio *folio;
	bool retried = false, short_of_memory;
	long moved;

again:
	folio = swap_cache_get_folio(ventry);
	if (!folio) {
		owner = vswap_slot_owner(voffset);
		old = set_active_memcg(owner);
		folio = swapin_sync(ventry, GFP_HIGHUSER_MOVABLE, BIT(0), NULL,
				    get_task_policy(current),
				    NO_INTERLEAVE_INDEX);
		set_active_memcg(old);
		mem_cgroup_put(owner);
		/* -ENOENT: the slot was freed, and its physical slot too. */
		if (IS_ERR(folio))
			return PTR_ERR(folio) == -ENOMEM ? -ENOMEM : 0;
	}

	folio_lock(folio);
	folio_wait_writeback(folio);
	if (!folio_test_swapcache(folio) ||
	    !folio_matches_swap_entry(folio, ventry))
		goto out;
	/* No one maps the slots any more: drop them with their backends. */
	if (folio_free_swap(folio))
		goto out;
	if (!folio_test_uptodate(folio)) {
		/*
		 * The read failed. Reads of a batch share bios
		 * (vswap_unuse_slots()), so the error may be another page's:
		 * read this slot once more on its own, and lose only data
		 * that cannot be read by itself.
		 */
		if (!retried) {
			retried = true;
			swap_cache_del_folio(folio);
			folio_unlock(folio);
			folio_put(folio);
			goto again;
		}
		vswap_poison_folio(si, folio);
		goto out;
	}
	rcu_read_lock();
	short_of_memory = vswap_unuse_short(folio_memcg(folio), 0);
	rcu_read_unlock();
	if (short_of_memory && !folio_mapped(folio) &&
	    vswap_unuse_to_zswap(folio))
		goto out;
	/* Dirty first: the data must not be dropped once it has no backend. */
	folio_mark_dirty(folio);
	ci = swap_cluster_get_and_lock(folio);
	moved = vswap_drop_backends(ci, swp_cluster_offset(folio->swap),
				    folio_nr_pages(folio), si->type, false);
	swap_cluster_unlock(ci);
	atomic_long_add(moved, &vswap_stats.unuse);
out:
	folio_unlock(folio);
	folio_put(folio);
	return 0;
}

/*
 * swapoff of @si found reverse maps to the virtual slots @voffsets, those
 * of one physical cluster: bring their data back (vswap_unuse_slot()).
 * The reads are all started first, in one plugged batch, so that slots
 * adjacent on the disk share a bio and the disk works on the whole
 * cluster while swapoff waits for the first slot, instead of one round
 * trip per page. A read that cannot be started here (the slot is being
 * freed or already read, no memory) is left to vswap_unuse_slot().
 *
 * Return: 0, or an error that stops swapoff.
 */
int vswap_unuse_slots(struct swap_info_struct *si, const pgoff_t *voffsets,
		      unsigned int nr)
{
	struct swap_io_ctx ctx = {};
	struct mem_cgroup *owner, *old;
	struct blk_plug plug;
	struct folio *folio;
	unsigned int i;
	int err;

	blk_start_plug(&plug);
	for (i = 0; i < nr; i++) {
		swp_entry_t ventry = swp_entry(vswap_info->type, voffsets[i]);

		folio = swap_cache_get_folio(ventry);
		if (folio) {
			folio_put(folio);
			continue;
		}
		owner = vswap_slot_owner(voffsets[i]);
		/* Room for the batch: else one at a time, maybe to zswap. */
		if (vswap_unuse_short(owner, 1)) {
			mem_cgroup_put(owner);
			continue;
		}
		old = set_active_memcg(owner);
		folio = swap_cache_alloc_folio(ventry, GFP_HIGHUSER_MOVABLE,
					       BIT(0), NULL,
					       get_task_policy(current),
					       NO_INTERLEAVE_INDEX);
		set_active_memcg(old);
		mem_cgroup_put(owner);
		if (PTR_ERR(folio) == -ENOMEM)
			break;
		if (IS_ERR(folio))
			continue;
		swap_read_folio(&ctx, folio);
		folio_put(folio);
	}
	blk_finish_plug(&plug);
	swap_read_submit(&ctx);

	for (i = 0; i < nr; i++) {
		err = vswap_unuse_slot(si, voffsets[i]);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Pages swapped out to virtual slots whose data no swap device holds
 * (zswap, zero and same-filled pages, data in the swap cache only), for
 * /proc/meminfo's SwapVirtual: SwapTotal - SwapFree counts the others,
 * with the disk slots behind them.
 */
unsigned long vswap_swapped_pages(void)
{
	struct swap_info_struct *si = READ_ONCE(vswap_info);
	long pages;

	if (!si)
		return 0;
	pages = atomic_long_read(&si->inuse_pages) -
		atomic_long_read(&vswap_stats.phys);
	return max(pages, 0L);
}

void vswap_count_kept_resident(struct folio *folio)
{
	atomic_long_add(folio_nr_pages(folio), &vswap_stats.kept_resident);
}

/*
 * Reclaim could not write out the large @folio of virtual slots: zswap
 * refused one of its pages as incompressible, and no physical slot was to
 * be had. Split it, so that the pages that do compress go to zswap on
 * their own pass through reclaim and only the refused ones stay in memory:
 * otherwise one page of random data keeps a whole THP resident. 7.3 never
 * gets here: without a swap device it does not swap anon memory at all,
 * and with one a folio zswap refuses goes to disk whole. A folio refused
 * for another reason (zswap off or full, memory.zswap.max) is not split:
 * its pages would be refused the same way.
 *
 * The folio is unmapped by now, so it is split as migration splits one
 * (folio_split_unmapped()): no rmap walk, and the new folios stay in the
 * swap cache of their slots, locked, off the LRU, each holding the
 * reference that @folio held for reclaim. They are unlocked and queued on
 * @list, reclaim's list, for their own pass; @folio keeps its first page.
 *
 * Without THP there are no large anon folios to split.
 *
 * Context: reclaim holds @folio isolated and locked, in the swap cache.
 */
void vswap_split_refused(struct folio *folio, struct list_head *list)
{
#ifdef CONFIG_TRANSPARENT_HUGEPAGE
	unsigned int order = folio_order(folio);
	struct folio *new, *next, *end;

	if (!order || !folio_test_anon(folio) || folio_mapped(folio) ||
	    !swp_entry_is_vswap(folio->swap) ||
	    !vswap_folio_incompressible(folio))
		return;
	end = folio_next(folio);
	if (folio_split_unmapped(folio, 0))
		return;
	for (new = folio_next(folio); new != end; new = next) {
		next = folio_next(new);
		folio_unlock(new);
		list_add_tail(&new->lru, list);
	}
	if (order == HPAGE_PMD_ORDER) {
		count_memcg_folio_events(folio, THP_SWPOUT_FALLBACK, 1);
		count_vm_event(THP_SWPOUT_FALLBACK);
	}
	count_mthp_stat(order, MTHP_STAT_SWPOUT_FALLBACK);
	atomic_long_inc(&vswap_stats.split);
#endif
}

/*
 * Pages refused by zswap in @count1 and @count2: refused pages in virtual
 * slots and tmpfs pages that keep a refusal. A count that a race left
 * below zero (mem_cgroup_vswap_reparent()) counts as none.
 */
static unsigned long vswap_refused(atomic_long_t *count1,
				   atomic_long_t *count2)
{
	return max(atomic_long_read(count1), 0L) +
	       max(atomic_long_read(count2), 0L);
}

/*
 * A tmpfs folio keeps a refusal by zswap (mm/shmem.c) or forgets it:
 * count its @nr pages (negative: forgotten), for the refusal gate.
 */
void vswap_count_shmem_refusal(struct folio *folio, long nr)
{
	atomic_long_add(nr, &vswap_stats.shmem_refused);
	mem_cgroup_vswap_count_shmem(folio, nr);
}

/*
 * Is some anon memory of @memcg (NULL: of the machine) not yet refused by
 * zswap? Anon memory is what reclaim scans as such: anon pages and tmpfs
 * pages. Once zswap has refused all of it, with no disk slot to be had,
 * reclaim has nothing to gain from scanning it again and again: the
 * cgroup is as out of swap as without the virtual layer, and should go
 * OOM as promptly.
 *
 * "All of it" has a margin. The last pages a task touched before it
 * blocked on its charge are marked referenced, and reclaim reaches them
 * only after it has gone through the refused pages again; while they
 * count as a chance, reclaim scans every refused page again on each of its
 * retries before the OOM killer. The gate shuts when no more than 1/64 of
 * the anon memory (SWAP_CLUSTER_MAX pages at least) is untried: that much
 * compressible memory may then stay in RAM, as all of it does on 7.3
 * without a swap device. It opens again when twice as much is untried:
 * the pages charged after it shut, a batch at a time, would otherwise
 * open it at once, and each opening sends reclaim through every refused
 * page to find the few new ones. @shut keeps the state; a race on it
 * costs one pass of reclaim, or one more attempt at OOM.
 */
static bool vswap_all_refused(unsigned long anon, unsigned long refused,
			      bool *shut)
{
	unsigned long margin = max_t(unsigned long, SWAP_CLUSTER_MAX,
				     anon / 64);
	unsigned long untried = anon > refused ? anon - refused : 0;

	if (untried <= margin || (READ_ONCE(*shut) && untried <= 2 * margin)) {
		if (!READ_ONCE(*shut))
			WRITE_ONCE(*shut, true);
		return true;
	}
	if (READ_ONCE(*shut))
		WRITE_ONCE(*shut, false);
	return false;
}

bool vswap_anon_compressible(struct mem_cgroup *memcg)
{
	static bool vswap_gate_shut;
	unsigned long anon = 0, refused;
	int nid __maybe_unused, zid __maybe_unused;

	/* Nothing refused: the common case, and no LRU to add up. */
	refused = vswap_refused(&vswap_stats.incompressible,
				&vswap_stats.shmem_refused);
	if (refused <= SWAP_CLUSTER_MAX)
		return true;
#ifdef CONFIG_MEMCG
	if (memcg) {
		/* Reclaim asks about one memcg's own LRUs at a time. */
		refused = vswap_refused(&memcg->vswap_incomp,
					&memcg->vswap_shmem_refused);
		if (refused <= SWAP_CLUSTER_MAX)
			return true;
		for_each_node_state(nid, N_MEMORY) {
			struct lruvec *lruvec = mem_cgroup_lruvec(memcg,
								  NODE_DATA(nid));

			for (zid = 0; zid < MAX_NR_ZONES; zid++) {
				anon += mem_cgroup_get_zone_lru_size(lruvec,
							LRU_INACTIVE_ANON, zid);
				anon += mem_cgroup_get_zone_lru_size(lruvec,
							LRU_ACTIVE_ANON, zid);
			}
		}
		return !vswap_all_refused(anon, refused,
					  &memcg->vswap_gate_shut);
	}
#endif
	anon = global_node_page_state(NR_ACTIVE_ANON) +
	       global_node_page_state(NR_INACTIVE_ANON);
	return !vswap_all_refused(anon, refused, &vswap_gate_shut);
}

/*********************************
 * debugfs
 *********************************/

/* Approximate metadata of one dynamic cluster, for meta_bytes. */
static unsigned long vswap_cluster_bytes(void)
{
	unsigned long bytes;

	bytes = sizeof(struct vswap_cluster) +
		SWAPFILE_CLUSTER * sizeof(atomic_long_t) +	/* vtab */
		sizeof(struct swap_table);
	/* Virtual clusters get their memcg table with the cluster. */
	if (!mem_cgroup_disabled())
		bytes += sizeof(struct swap_memcg_table);
	return bytes;
}

static int vswap_used_get(void *data, u64 *val)
{
	/* Raw values: a negative one would be an accounting bug to see. */
	*val = atomic_long_read(&vswap_info->inuse_pages);
	return 0;
}

/* Allocated slots with no backend: their data is in the swap cache. */
static int vswap_swapcache_get(void *data, u64 *val)
{
	long rest = atomic_long_read(&vswap_info->inuse_pages) -
		    atomic_long_read(&vswap_stats.zswap) -
		    atomic_long_read(&vswap_stats.zero) -
		    atomic_long_read(&vswap_stats.phys) -
		    atomic_long_read(&vswap_stats.poison) -
		    atomic_long_read(&vswap_stats.fill);

	*val = max(rest, 0L);
	return 0;
}

static int vswap_meta_get(void *data, u64 *val)
{
	*val = atomic_long_read(&vswap_stats.clusters) * vswap_cluster_bytes();
	return 0;
}

static int vswap_counter_get(void *data, u64 *val)
{
	*val = atomic_long_read(data);
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
		{ "split", &vswap_stats.split },
		{ "zswap", &vswap_stats.zswap },
		{ "zero", &vswap_stats.zero },
		{ "poison", &vswap_stats.poison },
		{ "fill", &vswap_stats.fill },
		{ "incompressible", &vswap_stats.incompressible },
		{ "shmem_refused", &vswap_stats.shmem_refused },
		{ "clusters", &vswap_stats.clusters },
		{ "phys", &vswap_stats.phys },
		{ "rmap", &vswap_stats.rmap },
		{ "phys_writeout", &vswap_stats.phys_writeout },
		{ "writeback", &vswap_stats.writeback },
		{ "phys_alloc_fail", &vswap_stats.phys_alloc_fail },
		{ "unuse", &vswap_stats.unuse },
		{ "unuse_zswap", &vswap_stats.unuse_zswap },
		{ "drained", &vswap_stats.drained },
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
