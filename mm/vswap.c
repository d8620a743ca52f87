// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space: backend bookkeeping of virtual slots and the
 * /sys/kernel/debug/vswap/ interface. The device itself and its dynamic
 * clusters live in mm/swapfile.c; the layout and the locking rules are
 * described in mm/vswap.h.
 */

#include <linux/debugfs.h>
#include <linux/init.h>
#include <linux/mempolicy.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "swap.h"
#include "swap_table.h"
#include "vswap.h"

/* Physical slots are dropped for any device (VSWAP_ANY) or one type. */
#define VSWAP_ANY	(-1)

bool vswap_enabled __read_mostly = true;

/* Virtual offset of slot @ci_off of a dynamic cluster. */
static pgoff_t vswap_offset(struct swap_cluster_info *ci, unsigned int ci_off)
{
	return to_vswap_cluster(ci)->idx * SWAPFILE_CLUSTER + ci_off;
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
 * Drop the backends of a range of virtual slots: zswap entries and
 * physical slots, or only the physical slots of swap type @phys_type.
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
	long nr_zswap = 0, nr_zero = 0, nr_phys = 0;
	unsigned int ci_end = ci_off + nr;
	swp_entry_t phys;
	unsigned long vtb;

	lockdep_assert_held(&ci->lock);
	for (; ci_off < ci_end; ci_off++) {
		/* Freed slots forget their zero flag: count it here. */
		if (freeing)
			nr_zero += __swap_table_test_zero(ci, ci_off);
		vtb = vswap_vtab_get(ci, ci_off);
		switch (vswap_tag(vtb)) {
		case VSWAP_TAG_ZSWAP:
			if (phys_type != VSWAP_ANY)
				continue;
			vswap_vtab_xchg(ci, ci_off, vswap_none_to_vtb());
			zswap_vswap_free(vswap_vtb_to_zswap(vtb));
			nr_zswap++;
			break;
		case VSWAP_TAG_PHYS:
			phys = vswap_vtb_to_phys(vtb);
			if (phys_type != VSWAP_ANY && swp_type(phys) != phys_type)
				continue;
			vswap_vtab_xchg(ci, ci_off, vswap_none_to_vtb());
			vswap_phys_run_add(&run, phys, vswap_offset(ci, ci_off),
					   __swap_cgroup_get(ci, ci_off));
			nr_phys++;
			break;
		default:
			VM_WARN_ON_ONCE(vtb);
			break;
		}
	}
	vswap_phys_run_flush(&run);
	if (nr_zswap)
		atomic_long_sub(nr_zswap, &vswap_stats.zswap);
	if (nr_phys)
		atomic_long_sub(nr_phys, &vswap_stats.phys);
	if (nr_zero)
		atomic_long_sub(nr_zero, &vswap_stats.zero);
	return nr_zswap + nr_phys;
}

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
	struct swap_cluster_info *ci;
	unsigned long old;

	ci = swap_cluster_lock(vswap_info, swp_offset(entry));
	old = vswap_vtab_get(ci, ci_off);
	if (vswap_tag(old) == VSWAP_TAG_PHYS) {
		/* Erasing zswap leaves the disk copy for the write to reuse. */
		if (zentry)
			vswap_drop_backends(ci, ci_off, 1, VSWAP_ANY, false);
		old = vswap_none_to_vtb();
	}
	if (zentry) {
		vswap_vtab_xchg(ci, ci_off, vswap_zswap_to_vtb(zentry));
		if (vswap_tag(old) != VSWAP_TAG_ZSWAP)
			atomic_long_inc(&vswap_stats.zswap);
	} else if (vswap_tag(old) == VSWAP_TAG_ZSWAP) {
		vswap_vtab_xchg(ci, ci_off, vswap_none_to_vtb());
		atomic_long_dec(&vswap_stats.zswap);
	}
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

/*
 * Release the backends of @nr slots that are being freed, and forget their
 * zero flags for the counters: one pass under the lock the free path holds.
 */
void vswap_release_backends(struct swap_cluster_info *ci,
			    unsigned int ci_off, unsigned int nr)
{
	vswap_drop_backends(ci, ci_off, nr, VSWAP_ANY, true);
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
		vswap_drop_backends(ci, ci_start, nr, VSWAP_ANY, false);
	swap_cluster_unlock(ci);
	if (delta)
		atomic_long_add(delta, &vswap_stats.zero);
}

/*
 * The physical slot backing the first virtual slot of @folio, or 0.
 * Context: the folio is locked in the swap cache or under writeback.
 */
swp_entry_t vswap_folio_phys(struct folio *folio)
{
	return vswap_vtb_to_phys(vswap_vtab_get(__swap_entry_to_cluster(folio->swap),
						swp_cluster_offset(folio->swap)));
}

/* Do the slots of @folio have one contiguous physical run from @phys? */
static bool vswap_folio_phys_contig(struct folio *folio, swp_entry_t phys)
{
	struct swap_cluster_info *ci = __swap_entry_to_cluster(folio->swap);
	unsigned int ci_off = swp_cluster_offset(folio->swap);
	unsigned int i, nr = folio_nr_pages(folio);

	if (!vswap_phys_run_ok(phys, nr))
		return false;
	for (i = 0; i < nr; i++) {
		if (vswap_vtab_get(ci, ci_off + i) !=
		    vswap_phys_to_vtb(swp_entry(swp_type(phys),
						swp_offset(phys) + i)))
			return false;
	}
	return true;
}

/*
 * Can @nr virtual slots from @ci_off be read into one large folio? Only if
 * one read does it: all zero pages (no backend) or one contiguous physical
 * run; zswap loads one page at a time.
 *
 * Context: ci->lock held.
 */
bool vswap_range_readable(struct swap_cluster_info *ci, unsigned int ci_off,
			  unsigned int nr)
{
	unsigned long first = vswap_vtab_get(ci, ci_off);
	unsigned int i;

	lockdep_assert_held(&ci->lock);
	if (vswap_tag(first) == VSWAP_TAG_ZSWAP)
		return false;
	if (vswap_tag(first) == VSWAP_TAG_PHYS &&
	    !vswap_phys_run_ok(vswap_vtb_to_phys(first), nr))
		return false;
	for (i = 1; i < nr; i++) {
		unsigned long vtb = vswap_vtab_get(ci, ci_off + i);

		if (vswap_tag(first) == VSWAP_TAG_NONE ? vtb :
		    vtb != first + ((unsigned long)i << VSWAP_PHYS_OFF_SHIFT))
			return false;
	}
	return true;
}

bool vswap_entry_sync_io(swp_entry_t entry)
{
	struct swap_cluster_info *ci;
	swp_entry_t phys;

	ci = swap_cluster_lock_live(vswap_info, swp_offset(entry));
	if (!ci)
		return true;
	phys = vswap_vtb_to_phys(vswap_vtab_get(ci, swp_cluster_offset(entry)));
	swap_cluster_unlock(ci);
	/* zswap, zero pages and the swap cache are all synchronous. */
	if (!phys.val)
		return true;
	/* A hint, as in do_swap_page(): the device may be going away. */
	return data_race(__swap_entry_to_info(phys)->flags & SWP_SYNCHRONOUS_IO);
}

static unsigned short vswap_folio_memcg_id(struct folio *folio)
{
	struct swap_cluster_info *ci;
	unsigned short id;

	ci = swap_cluster_get_and_lock(folio);
	id = __swap_cgroup_get(ci, swp_cluster_offset(folio->swap));
	swap_cluster_unlock(ci);
	return id;
}

/*
 * Take and charge physical slots for the data of @folio; the virtual table
 * does not name them yet (vswap_folio_set_phys() does that).
 *
 * Context: the folio is locked in the swap cache of its virtual slots.
 * Return: 0, -ENOMEM if memory.swap.max is hit, -ENOSPC if no swap device
 * has a free slot (or run of slots, for a large folio).
 */
int vswap_folio_alloc_phys(struct folio *folio, swp_entry_t *physp)
{
	unsigned int nr = folio_nr_pages(folio);
	unsigned short id = vswap_folio_memcg_id(folio);
	swp_entry_t phys;

	if (mem_cgroup_charge_swap_disk(id, nr)) {
		atomic_long_inc(&vswap_stats.phys_alloc_fail);
		return -ENOMEM;
	}
	phys = vswap_phys_alloc(folio);
	if (!phys.val) {
		mem_cgroup_uncharge_swap_disk(id, nr);
		atomic_long_inc(&vswap_stats.phys_alloc_fail);
		return -ENOSPC;
	}
	*physp = phys;
	atomic_long_add(nr, &vswap_stats.rmap);
	return 0;
}

/* Undo vswap_folio_alloc_phys() for slots the virtual table never named. */
void vswap_phys_abort(struct folio *folio, swp_entry_t phys)
{
	unsigned int nr = folio_nr_pages(folio);

	vswap_phys_put(phys, swp_offset(folio->swap), nr);
	mem_cgroup_uncharge_swap_disk(vswap_folio_memcg_id(folio), nr);
}

/*
 * Point the virtual slots of @folio at the physical run from @phys, which
 * vswap_folio_alloc_phys() gave them, dropping what backed them before (a
 * zswap entry being written back, or a stale physical slot).
 *
 * Context: the folio is locked in the swap cache.
 */
void vswap_folio_set_phys(struct folio *folio, swp_entry_t phys)
{
	unsigned int ci_start = swp_cluster_offset(folio->swap);
	unsigned int i, nr = folio_nr_pages(folio);
	struct swap_cluster_info *ci;
	long nr_zswap = 0;

	ci = swap_cluster_get_and_lock(folio);
	for (i = 0; i < nr; i++)
		nr_zswap += vswap_tag(vswap_vtab_get(ci, ci_start + i)) ==
			    VSWAP_TAG_ZSWAP;
	vswap_drop_backends(ci, ci_start, nr, VSWAP_ANY, false);
	for (i = 0; i < nr; i++)
		vswap_vtab_xchg(ci, ci_start + i,
				vswap_phys_to_vtb(swp_entry(swp_type(phys),
							    swp_offset(phys) + i)));
	swap_cluster_unlock(ci);
	atomic_long_add(nr, &vswap_stats.phys);
	if (nr_zswap)
		atomic_long_add(nr_zswap, &vswap_stats.writeback);
}

/*
 * zswap refused @folio: give it physical slots to be written to, reusing
 * those that still hold an older copy.
 *
 * Context: the folio is locked in the swap cache of its virtual slots.
 * Return: 0 if the folio can be written, or why it cannot.
 */
int vswap_prepare_writeout(struct folio *folio)
{
	swp_entry_t phys = vswap_folio_phys(folio);
	struct swap_cluster_info *ci;
	int err;

	/* A device being swapped off is not written to again. */
	if (!phys.val || !vswap_folio_phys_contig(folio, phys) ||
	    !(__swap_entry_to_info(phys)->flags & SWP_WRITEOK)) {
		/*
		 * Release what is left of an older copy first: its charge
		 * must not stand in the way of the new one. The locked,
		 * dirty folio holds the data.
		 */
		if (phys.val) {
			ci = swap_cluster_get_and_lock(folio);
			vswap_drop_backends(ci, swp_cluster_offset(folio->swap),
					    folio_nr_pages(folio), VSWAP_ANY,
					    false);
			swap_cluster_unlock(ci);
		}
		err = vswap_folio_alloc_phys(folio, &phys);
		if (err)
			return err;
		vswap_folio_set_phys(folio, phys);
	}
	atomic_long_add(folio_nr_pages(folio), &vswap_stats.phys_writeout);
	return 0;
}

/*
 * swapoff of @si found a reverse map to virtual slot @voffset: bring its
 * data into the swap cache of the virtual slot, dirty, and free the
 * physical slots @si gives the folio. The page tables keep naming the
 * virtual slot; reclaim will find the folio another backend.
 *
 * Return: 0 (also when the slot was freed meanwhile), or an error that
 * stops swapoff.
 */
int vswap_unuse_slot(struct swap_info_struct *si, pgoff_t voffset)
{
	swp_entry_t ventry = swp_entry(vswap_info->type, voffset);
	struct swap_cluster_info *ci;
	struct folio *folio;
	long moved;
	int err = 0;

	folio = swap_cache_get_folio(ventry);
	if (!folio) {
		folio = swapin_sync(ventry, GFP_HIGHUSER_MOVABLE, BIT(0), NULL,
				    get_task_policy(current),
				    NO_INTERLEAVE_INDEX);
		/* -ENOENT: the slot was freed, and its physical slot too. */
		if (IS_ERR(folio))
			return PTR_ERR(folio) == -ENOMEM ? -ENOMEM : 0;
	}

	folio_lock(folio);
	folio_wait_writeback(folio);
	if (!folio_test_swapcache(folio) ||
	    !folio_matches_swap_entry(folio, ventry))
		goto out;
	if (!folio_test_uptodate(folio)) {
		err = -EIO;
		goto out;
	}
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
	return err;
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

/* Allocated slots with no backend: their data is in the swap cache. */
static int vswap_swapcache_get(void *data, u64 *val)
{
	long rest = atomic_long_read(&vswap_info->inuse_pages) -
		    atomic_long_read(&vswap_stats.zswap) -
		    atomic_long_read(&vswap_stats.zero) -
		    atomic_long_read(&vswap_stats.phys);

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
		{ "phys", &vswap_stats.phys },
		{ "rmap", &vswap_stats.rmap },
		{ "phys_writeout", &vswap_stats.phys_writeout },
		{ "writeback", &vswap_stats.writeback },
		{ "phys_alloc_fail", &vswap_stats.phys_alloc_fail },
		{ "unuse", &vswap_stats.unuse },
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
	debugfs_create_bool("enabled", 0644, dir, &vswap_enabled);
	for (i = 0; i < ARRAY_SIZE(counters); i++)
		debugfs_create_file_unsafe(counters[i].name, 0444, dir,
					   counters[i].counter,
					   &vswap_counter_fops);
	return 0;
}
late_initcall(vswap_debugfs_init);
