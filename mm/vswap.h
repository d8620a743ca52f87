/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MM_VSWAP_H
#define _MM_VSWAP_H

/*
 * Virtual swap space (CONFIG_VSWAP).
 *
 * With CONFIG_VSWAP=y, folio_alloc_swap() first takes slots on one virtual
 * swap device (a swap_info_struct flagged SWP_VSWAP, vswap_info below), so
 * the swap entries written into page tables name virtual slots. Where the
 * data of a virtual slot lives is recorded per slot, and can change without
 * touching a page table.
 *
 * Dynamic clusters
 * ----------------
 * The virtual device has no cluster_info[] array: it could be larger than
 * any physical device. A cluster is allocated when the allocator needs a
 * new one and lives in si->vclusters, an xarray keyed by cluster index.
 * Index 0 is never used, so slot 0 is never handed out. A cluster whose last
 * slot is freed is marked CLUSTER_FLAG_DEAD under its lock, erased from the
 * xarray and freed after an RCU grace period.
 *
 * A cluster cannot die while any of its slots is allocated (ci->count > 0),
 * so a caller holding a swap count (a PTE, shmem mapping) or the lock of a
 * folio in the swap cache may use the cluster pointer as 7.3 code uses a
 * physical cluster. Everyone else (lockless swap cache lookups, readahead
 * of neighbouring slots, per-CPU allocation hints) looks the cluster up
 * under rcu_read_lock() and, after taking ci->lock, treats a DEAD cluster
 * as "no such entry": see swap_cluster_lock_live().
 *
 * The virtual table
 * -----------------
 * Each dynamic cluster carries one atomic long per slot (vtab[]) next to
 * the ordinary swap table. The swap table keeps what it keeps for physical
 * devices (swap count, swap cache folio or shadow, zero flag) and the
 * memcg table keeps the memcg id. The virtual table names the backend:
 *
 *   NONE:  |------------------------ 0 ------------------------|00|
 *   ZSWAP: |------------ struct zswap_entry pointer ------------|01|
 *   PHYS:  |---- physical offset ----|-- physical type (5) --|10|
 *
 * NONE: no backend. The data is in the slot's swap cache folio, or the
 * slot's zero flag is set and the data is a page of zeroes.
 * ZSWAP: the compressed copy; zswap_entry comes from a slab with at least
 * 8-byte alignment, so the two low bits are free for the tag.
 * PHYS: a physical swap slot holds the data. That slot's swap table entry
 * is a reverse map to the virtual slot (Rmap in mm/swap_table.h), so
 * swapoff finds the virtual slots a device backs without a page-table
 * walk. The physical slot is charged to memory.swap (by the memcg id of the
 * virtual slot); nothing else is, so memory.swap.max limits disk use only.
 * A large folio gets a contiguous physical run, or is not written out.
 *
 * The zero flag and a backend are never set together: writing a zero page
 * drops the backend, and any other write clears the zero flag first.
 *
 * Locking
 * -------
 * - vtab[] entries and the counters below are changed with the virtual
 *   cluster lock (ci->lock) held.
 * - The backend of a slot only changes with the folio of that slot locked
 *   in the swap cache (swap-out, swap-in), or when the slot is freed; so a
 *   holder of that folio lock sees a stable backend.
 * - zswap entries are freed under the virtual cluster lock, as 7.3 frees
 *   them under the physical one from swap_range_free(). Physical slots are
 *   freed under it too, taking the physical cluster lock inside it.
 * - A physical slot is allocated (reverse map written under the physical
 *   cluster lock alone) before the virtual slot is pointed at it, and both
 *   happen with the folio locked; so a reverse map whose virtual slot does
 *   not name it back is either being set up or being freed, and whoever
 *   holds the folio lock sees which.
 * - Lock order (lockdep knows the two cluster lock classes apart: they are
 *   initialised in different places):
 *
 *     folio lock
 *       -> virtual ci->lock
 *            -> physical ci->lock -> physical si->lock
 *            -> virtual si->lock (cluster lists)
 *            -> xa_lock(&si->vclusters)
 *
 *   Nothing takes a virtual cluster lock with a physical one held: swapoff
 *   reads a reverse map, drops the physical lock, then locks the folio.
 */

#include <linux/atomic.h>
#include <linux/rcupdate.h>
#include <linux/swap.h>
#include "swap.h"

struct zswap_entry;

#ifdef CONFIG_VSWAP

struct vswap_cluster {
	struct swap_cluster_info ci;
	unsigned long idx;		/* key in si->vclusters */
	struct rcu_head rcu;
	atomic_long_t *vtab;		/* SWAPFILE_CLUSTER entries */
};

extern struct swap_info_struct *vswap_info;

/* Event and state counters shown in /sys/kernel/debug/vswap/. */
struct vswap_stats {
	atomic_long_t clusters;		/* dynamic clusters allocated */
	atomic_long_t zswap;		/* slots backed by zswap */
	atomic_long_t zero;		/* slots holding a zero page */
	atomic_long_t alloc_reject;	/* failed virtual allocations */
	atomic_long_t phys_fallback;	/* folios given physical slots instead */
	atomic_long_t kept_resident;	/* writeouts no backend would take */
	atomic_long_t phys;		/* slots backed by a physical slot */
	atomic_long_t rmap;		/* physical slots with a reverse map */
	atomic_long_t phys_writeout;	/* pages zswap refused, sent to disk */
	atomic_long_t writeback;	/* zswap entries moved to disk */
	atomic_long_t phys_alloc_fail;	/* no physical slot (or memory.swap) */
	atomic_long_t unuse;		/* slots moved off a device by swapoff */
};

/* debugfs vswap/enabled: take new virtual slots (default) or not. */
extern bool vswap_enabled;

extern struct vswap_stats vswap_stats;

#define VSWAP_TAG_MASK		0x3UL
#define VSWAP_TAG_NONE		0x0UL
#define VSWAP_TAG_ZSWAP		0x1UL
#define VSWAP_TAG_PHYS		0x2UL
#define VSWAP_PHYS_TYPE_SHIFT	2
#define VSWAP_PHYS_OFF_SHIFT	(VSWAP_PHYS_TYPE_SHIFT + MAX_SWAPFILES_SHIFT)

static inline unsigned long vswap_tag(unsigned long vtb)
{
	return vtb & VSWAP_TAG_MASK;
}

static inline unsigned long vswap_none_to_vtb(void)
{
	return 0;
}

static inline unsigned long vswap_zswap_to_vtb(struct zswap_entry *entry)
{
	VM_WARN_ON_ONCE((unsigned long)entry & VSWAP_TAG_MASK);
	return (unsigned long)entry | VSWAP_TAG_ZSWAP;
}

static inline struct zswap_entry *vswap_vtb_to_zswap(unsigned long vtb)
{
	if (vswap_tag(vtb) != VSWAP_TAG_ZSWAP)
		return NULL;
	return (struct zswap_entry *)(vtb & ~VSWAP_TAG_MASK);
}

static inline unsigned long vswap_phys_to_vtb(swp_entry_t phys)
{
	return ((unsigned long)swp_offset(phys) << VSWAP_PHYS_OFF_SHIFT) |
	       ((unsigned long)swp_type(phys) << VSWAP_PHYS_TYPE_SHIFT) |
	       VSWAP_TAG_PHYS;
}

static inline swp_entry_t vswap_vtb_to_phys(unsigned long vtb)
{
	if (vswap_tag(vtb) != VSWAP_TAG_PHYS)
		return (swp_entry_t){ 0 };
	return swp_entry((vtb >> VSWAP_PHYS_TYPE_SHIFT) &
			 ((1UL << MAX_SWAPFILES_SHIFT) - 1),
			 vtb >> VSWAP_PHYS_OFF_SHIFT);
}

static inline struct vswap_cluster *to_vswap_cluster(struct swap_cluster_info *ci)
{
	return container_of(ci, struct vswap_cluster, ci);
}

/* Caller holds ci->lock, or the folio lock of the slot in the swap cache. */
static inline unsigned long vswap_vtab_get(struct swap_cluster_info *ci,
					   unsigned int ci_off)
{
	return atomic_long_read(&to_vswap_cluster(ci)->vtab[ci_off]);
}

/* Caller holds ci->lock. Returns the previous entry. */
static inline unsigned long vswap_vtab_xchg(struct swap_cluster_info *ci,
					    unsigned int ci_off,
					    unsigned long vtb)
{
	lockdep_assert_held(&ci->lock);
	return atomic_long_xchg(&to_vswap_cluster(ci)->vtab[ci_off], vtb);
}

static inline bool swp_entry_is_vswap(swp_entry_t entry)
{
	struct swap_info_struct *si = READ_ONCE(vswap_info);

	return si && entry.val && swp_type(entry) == si->type;
}

/* zswap index of virtual slots: the virtual table (mm/vswap.c). */
struct zswap_entry *vswap_zswap_store(swp_entry_t entry,
				      struct zswap_entry *zentry);
struct zswap_entry *vswap_zswap_load(swp_entry_t entry);
struct zswap_entry *vswap_zswap_erase(swp_entry_t entry);
void vswap_folio_set_zero(struct folio *folio, bool zero);
void vswap_release_backends(struct swap_cluster_info *ci,
			    unsigned int ci_off, unsigned int nr);
void vswap_count_kept_resident(struct folio *folio);

/* The physical backend (mm/vswap.c, allocation in mm/swapfile.c). */
swp_entry_t vswap_phys_alloc(struct folio *folio);
swp_entry_t vswap_folio_phys(struct folio *folio);
int vswap_folio_alloc_phys(struct folio *folio, swp_entry_t *physp);
void vswap_phys_abort(struct folio *folio, swp_entry_t phys);
void vswap_folio_set_phys(struct folio *folio, swp_entry_t phys);
int vswap_prepare_writeout(struct folio *folio);
int vswap_unuse_slot(struct swap_info_struct *si, pgoff_t voffset);
bool vswap_entry_sync_io(swp_entry_t entry);
bool vswap_range_readable(struct swap_cluster_info *ci, unsigned int ci_off,
			  unsigned int nr);

#ifdef CONFIG_ZSWAP
void zswap_vswap_free(struct zswap_entry *entry);
#else
static inline void zswap_vswap_free(struct zswap_entry *entry)
{
}
#endif

#else /* !CONFIG_VSWAP */

static inline bool swp_entry_is_vswap(swp_entry_t entry)
{
	return false;
}

static inline struct zswap_entry *vswap_zswap_store(swp_entry_t entry,
						    struct zswap_entry *zentry)
{
	return NULL;
}

static inline struct zswap_entry *vswap_zswap_load(swp_entry_t entry)
{
	return NULL;
}

static inline struct zswap_entry *vswap_zswap_erase(swp_entry_t entry)
{
	return NULL;
}

static inline void vswap_folio_set_zero(struct folio *folio, bool zero)
{
}

static inline void vswap_count_kept_resident(struct folio *folio)
{
}

static inline swp_entry_t vswap_folio_phys(struct folio *folio)
{
	return (swp_entry_t){ 0 };
}

static inline bool vswap_range_readable(struct swap_cluster_info *ci,
					unsigned int ci_off, unsigned int nr)
{
	return true;
}

static inline int vswap_prepare_writeout(struct folio *folio)
{
	return -ENOSPC;
}

static inline bool vswap_entry_sync_io(swp_entry_t entry)
{
	return true;
}

#endif /* CONFIG_VSWAP */

/*
 * Is swap-in from @entry synchronous, so that readahead would not help
 * and the swap cache is best dropped after it? For a virtual slot that
 * depends on its backend, not on the virtual device. A hint: the slot is
 * not pinned.
 */
static inline bool swap_entry_sync_io(struct swap_info_struct *si,
				      swp_entry_t entry)
{
#ifdef CONFIG_VSWAP
	if (swap_info_is_vswap(si))
		return vswap_entry_sync_io(entry);
#endif
	/* Unlocked, as do_swap_page() always read it: only a hint. */
	return data_race(si->flags & SWP_SYNCHRONOUS_IO);
}

/*
 * The slot a folio's IO goes to: its own, or for virtual slots the
 * physical slots that back them. Stable while the folio is locked or
 * under writeback.
 */
static inline swp_entry_t swap_folio_io_entry(struct folio *folio)
{
	if (swp_entry_is_vswap(folio->swap))
		return vswap_folio_phys(folio);
	return folio->swap;
}

#endif /* _MM_VSWAP_H */
