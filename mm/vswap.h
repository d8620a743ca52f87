/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _MM_VSWAP_H
#define _MM_VSWAP_H

/*
 * Virtual swap space (CONFIG_VSWAP).
 *
 * With CONFIG_VSWAP=y, folio_alloc_swap() first tries to take slots on one
 * virtual swap device (a swap_info_struct flagged SWP_VSWAP, vswap_info
 * below), so the swap entries written into page tables name virtual
 * slots; which folios it tries for is a policy (vswap_wants()), and the
 * others take physical slots directly. Where the data of a virtual slot
 * lives is recorded per slot, and can change without touching a page
 * table.
 *
 * Dynamic clusters
 * ----------------
 * The virtual device has no cluster_info[] array: it could be larger than
 * any physical device. A cluster is allocated when the allocator needs a
 * new one, takes the lowest free index from si->vclusters (an xarray used
 * only to hand out indices) and is found by index in vswap_clusters, a
 * flat array of cluster pointers (struct vswap_cluster_map in mm/swap.h): a
 * lookup is two loads where an xarray walk cost about 60 instructions,
 * and a swap-out and swap-in look up a cluster a dozen times. The map
 * only grows: a longer copy replaces it under xa_lock(&si->vclusters),
 * which also covers every store into it, and the old one is freed after
 * an RCU grace period. Index 0 is never used, so slot 0 is never handed
 * out. A cluster whose last slot is freed is marked CLUSTER_FLAG_DEAD
 * under its lock, cleared from the map, its index released, and freed
 * after an RCU grace period.
 *
 * A cluster cannot die while any of its slots is allocated (ci->count > 0),
 * so a caller holding a swap count (a PTE, shmem mapping) or the lock of a
 * folio in the swap cache may use the cluster pointer as 7.3 code uses a
 * physical cluster. Everyone else (lockless swap cache lookups, readahead
 * of neighbouring slots, per-CPU allocation hints) looks the cluster up
 * under rcu_read_lock() and, after taking ci->lock, treats a DEAD cluster
 * as "no such entry": see swap_cluster_lock_live(). The vtab (below) is
 * freed with the cluster, after the grace period, and a dying cluster's
 * entries are all NONE: so a reader that only wants a hint may read a vtab
 * entry under rcu_read_lock() without the lock, and take NONE or no
 * cluster alike as "no such entry" (vswap_entry_backend_flags()).
 *
 * The virtual table
 * -----------------
 * Each dynamic cluster carries one atomic long per slot (vtab[]) next to
 * the ordinary swap table. The swap table keeps what it keeps for physical
 * devices (swap count, swap cache folio or shadow, zero flag) and the
 * memcg table keeps the memcg id. The virtual table names the backend:
 *
 *   NONE:   |-------- 0 --------|-- memcg id (16) --|-- 0 --|I|00|
 *   ZSWAP:  |------------ struct zswap_entry pointer ------------|01|
 *   PHYS:   |---- physical offset ----|-- physical type (5) --|10|
 *   POISON: |------------------------ 0 -----------------------|11|
 *   FILL:   |------ value (32) ------|---------- 0 ----------|F|11|
 *
 * NONE: no backend. The data is in the slot's swap cache folio, or the
 * slot's zero flag is set and the data is a page of zeroes. I (bit 2) is a
 * hint: zswap refused this data as incompressible. A fault that maps the
 * folio again frees its slots (their data is in memory, so swap-in is
 * synchronous and the swap cache is dropped), so while the hint stands
 * the data is what zswap refused, and reclaim does not offer it to zswap
 * again (vswap_folio_incompressible()). Only that decision reads it: a
 * stale hint costs a compression, never data. With I set, bits 16-31
 * hold the id of the memcg the refusal is counted in (0: none), pinned
 * while the hint stands (vswap_refusal_to_vtb()).
 * ZSWAP: the compressed copy; zswap_entry comes from a slab with at least
 * 8-byte alignment, so the two low bits are free for the tag.
 * PHYS: a physical swap slot holds the data. That slot's swap table entry
 * is a reverse map to the virtual slot (Rmap in mm/swap_table.h), so
 * swapoff finds the virtual slots a device backs without a page-table
 * walk. The physical slot is charged to memory.swap (by the memcg id of the
 * virtual slot). The slots of a large folio are one contiguous physical run
 * where the device has one, else one physical slot each.
 * POISON: the data was lost: swapoff could not read it from the physical
 * slot (7.3 puts a poison entry in the PTE then). Reading the slot fails,
 * so its owner gets SIGBUS, until the slot is freed.
 * FILL: the page is one 32-bit value repeated (every memset() byte, -1, a
 * 16- or 32-bit constant), kept here instead of in zswap or on disk: no
 * compression, no IO, no memory beyond the entry. F (bit 2) tells it from
 * POISON. A page of 64-bit words whose halves differ goes to zswap: the
 * entry has no room for 64 bits and a tag.
 *
 * The zero flag and a backend are never set together: writing a zero page
 * drops the backend, and any other write clears the zero flag and drops a
 * FILL value first, so no write leaves an older copy readable.
 *
 * Memory cgroups
 * --------------
 * A virtual slot records the memcg id of its folio like any slot. Only a
 * physical slot behind it is charged to memory.swap, so a non-zero
 * memory.swap.max limits disk use and memory.zswap.max limits zswap; a
 * memcg whose memory.swap.max is 0 takes no virtual slot at all (it does
 * not swap, as without CONFIG_VSWAP). A virtual cluster's tables are
 * kernel memory of the memcg whose folio made the cluster
 * (__GFP_ACCOUNT), charged while the cluster lives, so swapping out pages
 * that cost nothing to store (zero pages) still counts against
 * memory.max, and a cluster left with few slots in use is still charged
 * in full.
 * A memcg and its children hold at most VSWAP_SWAP_MAX_RATIO virtual
 * slots per page of memory.swap.max (mem_cgroup->vswap_slots,
 * mem_cgroup_vswap_full()): past that, its pages take physical slots
 * directly, charged to memory.swap, or stay in memory, so that its limits
 * contain pages that cost next to nothing to keep, as memory.swap.max
 * contained them without the virtual layer.
 *
 * Reclaim
 * -------
 * Anon memory a cgroup cannot put on disk is worth scanning only while
 * zswap could take some of it (vswap_can_swap()): zswap on, its pool not
 * full, the cgroup below memory.zswap.max (read from statistics that
 * reclaim flushes before it takes the limit as reached,
 * vswap_reclaim_can_swap(); callers under RCU read them as they are), and
 * some of the cgroup's anon pages not already refused by zswap. The
 * refused ones are counted, per memcg and exactly: anon pages from the I
 * hints (mem_cgroup->vswap_incomp), tmpfs pages from the folios' notes
 * (mem_cgroup->vswap_shmem_refused, mm/shmem.c). Reclaim stops scanning
 * when all but a margin of the LRUs' anon pages are refused, and starts
 * again only when twice the margin is not (vswap_all_refused()), so a
 * cgroup whose memory is all incompressible goes OOM after one attempt per
 * page, as it would with no swap at all. zswap takes a large folio whole
 * or not at all: one that it refused in part and that has no other home is
 * split once unmapped (vswap_split_refused()), so that its pages that
 * compress still go to zswap.
 *
 * swapoff and the drain
 * ---------------------
 * swapoff of a physical device reads the virtual slots it backs, found
 * through the reverse map, into their swap cache (vswap_unuse()); when
 * the owner's memcg or the machine is short of memory, into zswap
 * instead (vswap_unuse_short()), which 7.3 cannot do: its swapoff then
 * fails or OOM-kills. The virtual device is emptied by vswap_drain(),
 * swapoff's page-table walk on the virtual type, while vswap_active()
 * refuses new virtual slots so that the walk ends.
 *
 * Locking
 * -------
 * - vtab[] entries and the counters below are changed with the virtual
 *   cluster lock (ci->lock) held: vswap_vtab_get() asserts it. The one
 *   lockless reader reads a hint ("Dynamic clusters" above).
 * - The backend of a slot only changes with the folio of that slot locked
 *   in the swap cache (swap-out, swap-in), or when the slot is freed; so a
 *   holder of that folio lock, or of a folio under writeback, sees a
 *   stable backend: vswap_folio_vtab() asserts that.
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

struct kobj_attribute;
struct zswap_entry;

#ifdef CONFIG_VSWAP

struct vswap_cluster {
	struct swap_cluster_info ci;
	unsigned long idx;		/* index in vswap_clusters */
	struct rcu_head rcu;
	atomic_long_t *vtab;		/* SWAPFILE_CLUSTER entries */
};

/*
 * Virtual slots a memcg may hold per page of its memory.swap.max. Pages in
 * zswap or in the virtual table cost the cgroup memory, not swap space,
 * but a zero page costs only its share of a cluster's tables (18 bytes in
 * a full cluster: vtab, swap table and memcg id): without a bound, a
 * cgroup at memory.max could keep hundreds of times what its
 * memory.swap.max let it swap out without the virtual layer, and take as
 * much longer to go OOM. Four is above the compression ratio zswap
 * reaches on most data, so the bound is met by pages that cost next to
 * nothing to keep.
 */
#define VSWAP_SWAP_MAX_RATIO	4

extern struct swap_info_struct *vswap_info;

/* Event and state counters shown in /sys/kernel/debug/vswap/. */
struct vswap_stats {
	atomic_long_t clusters;		/* dynamic clusters allocated */
	atomic_long_t zswap;		/* slots backed by zswap */
	atomic_long_t zero;		/* slots holding a zero page */
	atomic_long_t poison;		/* slots whose data was lost */
	atomic_long_t fill;		/* slots holding a FILL value */
	atomic_long_t incompressible;	/* slots with the hint I set */
	atomic_long_t shmem_refused;	/* tmpfs pages keeping a refusal */
	atomic_long_t alloc_reject;	/* folios the device had no slots for */
	atomic_long_t phys_fallback;	/* of those, given physical slots */
	atomic_long_t kept_resident;	/* pages a writeout left in memory */
	atomic_long_t split;		/* large folios split after a refusal */
	atomic_long_t phys;		/* slots backed by a physical slot */
	atomic_long_t rmap;		/* physical slots with a reverse map */
	atomic_long_t phys_writeout;	/* pages zswap refused, sent to disk */
	atomic_long_t writeback;	/* zswap entries moved to disk */
	atomic_long_t phys_alloc_fail;	/* no physical slot (or memory.swap) */
	atomic_long_t unuse;		/* slots moved off a device by swapoff */
	atomic_long_t unuse_zswap;	/* of those, moved into zswap */
	atomic_long_t drained;		/* slots a drain brought back in */
};

/*
 * Which folios take new virtual slots (vswap= and
 * /sys/kernel/mm/swap/vswap_enabled): none, those zswap can take, or all.
 */
enum vswap_mode {
	VSWAP_MODE_OFF,
	VSWAP_MODE_AUTO,
	VSWAP_MODE_ALWAYS,
};

extern int vswap_mode;
extern struct kobj_attribute vswap_enabled_attr;
extern struct kobj_attribute vswap_drain_attr;

extern struct vswap_stats vswap_stats;

#define VSWAP_TAG_MASK		0x3UL
#define VSWAP_TAG_NONE		0x0UL
#define VSWAP_TAG_ZSWAP		0x1UL
#define VSWAP_TAG_PHYS		0x2UL
#define VSWAP_TAG_POISON	0x3UL
#define VSWAP_NONE_INCOMP	0x4UL
#define VSWAP_NONE_MEMCG_SHIFT	16
#define VSWAP_POISON_FILL	0x4UL
#define VSWAP_FILL_SHIFT	32
#define VSWAP_PHYS_TYPE_SHIFT	2
#define VSWAP_PHYS_OFF_SHIFT	(VSWAP_PHYS_TYPE_SHIFT + MAX_SWAPFILES_SHIFT)

static inline unsigned long vswap_tag(unsigned long vtb)
{
	return vtb & VSWAP_TAG_MASK;
}

static inline bool vswap_vtb_is_none(unsigned long vtb)
{
	return vswap_tag(vtb) == VSWAP_TAG_NONE;
}

static inline bool vswap_vtb_is_zswap(unsigned long vtb)
{
	return vswap_tag(vtb) == VSWAP_TAG_ZSWAP;
}

static inline bool vswap_vtb_is_phys(unsigned long vtb)
{
	return vswap_tag(vtb) == VSWAP_TAG_PHYS;
}

static inline bool vswap_vtb_is_poison(unsigned long vtb)
{
	return vtb == VSWAP_TAG_POISON;
}

static inline bool vswap_vtb_is_fill(unsigned long vtb)
{
	return vswap_tag(vtb) == VSWAP_TAG_POISON && (vtb & VSWAP_POISON_FILL);
}

static inline bool vswap_vtb_is_incompressible(unsigned long vtb)
{
	return vswap_vtb_is_none(vtb) && (vtb & VSWAP_NONE_INCOMP);
}

static inline unsigned long vswap_none_to_vtb(void)
{
	return VSWAP_TAG_NONE;
}

static inline unsigned long vswap_poison_to_vtb(void)
{
	return VSWAP_TAG_POISON;
}

static inline unsigned long vswap_fill_to_vtb(u32 val)
{
	return ((unsigned long)val << VSWAP_FILL_SHIFT) | VSWAP_POISON_FILL |
	       VSWAP_TAG_POISON;
}

static inline u32 vswap_vtb_to_fill(unsigned long vtb)
{
	VM_WARN_ON_ONCE(!vswap_vtb_is_fill(vtb));
	return vtb >> VSWAP_FILL_SHIFT;
}

static inline unsigned long vswap_zswap_to_vtb(struct zswap_entry *entry)
{
	VM_WARN_ON_ONCE((unsigned long)entry & VSWAP_TAG_MASK);
	return (unsigned long)entry | VSWAP_TAG_ZSWAP;
}

static inline struct zswap_entry *vswap_vtb_to_zswap(unsigned long vtb)
{
	VM_WARN_ON_ONCE(!vswap_vtb_is_zswap(vtb));
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
	VM_WARN_ON_ONCE(!vswap_vtb_is_phys(vtb));
	return swp_entry((vtb >> VSWAP_PHYS_TYPE_SHIFT) &
			 ((1UL << MAX_SWAPFILES_SHIFT) - 1),
			 vtb >> VSWAP_PHYS_OFF_SHIFT);
}

static inline struct vswap_cluster *to_vswap_cluster(struct swap_cluster_info *ci)
{
	return container_of(ci, struct vswap_cluster, ci);
}

static inline unsigned long vswap_vtab_get(struct swap_cluster_info *ci,
					   unsigned int ci_off)
{
	lockdep_assert_held(&ci->lock);
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

/*
 * The vtab entry of page @i of a swap cache folio, without the cluster
 * lock: the folio lock, or writeback, keeps its backend from changing.
 */
static inline unsigned long vswap_folio_vtab(struct folio *folio,
					     unsigned int i)
{
	struct swap_cluster_info *ci = __swap_entry_to_cluster(folio->swap);

	VM_WARN_ON_ONCE_FOLIO(!folio_test_locked(folio) &&
			      !folio_test_writeback(folio), folio);
	return atomic_long_read(&to_vswap_cluster(ci)->vtab[swp_cluster_offset(folio->swap) + i]);
}

static inline bool swp_entry_is_vswap(swp_entry_t entry)
{
	struct swap_info_struct *si = READ_ONCE(vswap_info);

	return si && entry.val && swp_type(entry) == si->type;
}

/* The virtual device may well be type 0: test the type, not an entry. */
static inline bool swap_type_is_vswap(unsigned int type)
{
	struct swap_info_struct *si = READ_ONCE(vswap_info);

	return si && type == si->type;
}

/* How many virtual slots have their data in zswap. */
static inline long vswap_nr_zswap(void)
{
	return atomic_long_read(&vswap_stats.zswap);
}

/* zswap index of virtual slots: the virtual table (mm/vswap.c). */
struct zswap_entry *vswap_zswap_store(swp_entry_t entry,
				      struct zswap_entry *zentry);
struct zswap_entry *vswap_zswap_load(swp_entry_t entry);
struct zswap_entry *vswap_zswap_erase(swp_entry_t entry);
void vswap_set_incompressible(swp_entry_t entry);
bool vswap_folio_incompressible(struct folio *folio);
void vswap_folio_set_zero(struct folio *folio, bool zero);
bool vswap_folio_store_fill(struct folio *folio);
bool vswap_folio_read_fill(struct folio *folio);
void vswap_release_backends(struct swap_cluster_info *ci,
			    unsigned int ci_off, unsigned int nr);
void vswap_count_kept_resident(struct folio *folio);
void vswap_split_refused(struct folio *folio, struct list_head *list);
bool vswap_anon_compressible(struct mem_cgroup *memcg);
void vswap_count_shmem_refusal(struct folio *folio, long nr);
#ifdef CONFIG_MEMCG
unsigned short mem_cgroup_vswap_refusal_get(struct folio *folio);
void mem_cgroup_vswap_refusal_put(unsigned short id);
void mem_cgroup_vswap_count_shmem(struct folio *folio, long nr);
void mem_cgroup_vswap_reparent(struct mem_cgroup *memcg,
			       struct mem_cgroup *parent);
#else
static inline unsigned short mem_cgroup_vswap_refusal_get(struct folio *folio)
{
	return 0;
}

static inline void mem_cgroup_vswap_refusal_put(unsigned short id)
{
}

static inline void mem_cgroup_vswap_count_shmem(struct folio *folio, long nr)
{
}
#endif

/* The physical backend (mm/vswap.c, allocation in mm/swapfile.c). */
swp_entry_t vswap_phys_alloc(pgoff_t voffset, unsigned int order);
bool vswap_nofs_devices(void);
swp_entry_t vswap_folio_page_phys(struct folio *folio, unsigned int i);
bool vswap_folio_phys_scattered(struct folio *folio);
bool vswap_folio_poisoned(struct folio *folio);
int vswap_writeback_alloc_phys(struct folio *folio, swp_entry_t *physp);
void vswap_phys_abort(struct folio *folio, swp_entry_t phys);
void vswap_folio_set_phys(struct folio *folio, swp_entry_t phys);
int vswap_prepare_writeout(struct folio *folio, bool count_fail);
int vswap_unuse_slots(struct swap_info_struct *si, const pgoff_t *voffsets,
		      unsigned int nr);
int vswap_drain(void);

#ifdef CONFIG_MEMCG
unsigned long mem_cgroup_vswap_room(struct mem_cgroup *memcg);
#else
static inline unsigned long mem_cgroup_vswap_room(struct mem_cgroup *memcg)
{
	return ULONG_MAX;
}
#endif

bool vswap_range_readable(struct swap_cluster_info *ci, unsigned int ci_off,
			  unsigned int nr);
unsigned int vswap_folio_backend_ops_flags(struct folio *folio);

#ifdef CONFIG_ZSWAP
void zswap_vswap_free(struct zswap_entry *entry);
bool zswap_may_store(struct mem_cgroup *memcg);
#else
static inline void zswap_vswap_free(struct zswap_entry *entry)
{
}

static inline bool zswap_may_store(struct mem_cgroup *memcg)
{
	return false;
}
#endif

#else /* !CONFIG_VSWAP */

static inline bool swp_entry_is_vswap(swp_entry_t entry)
{
	return false;
}

static inline bool swap_type_is_vswap(unsigned int type)
{
	return false;
}

static inline long vswap_nr_zswap(void)
{
	return 0;
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

static inline void vswap_set_incompressible(swp_entry_t entry)
{
}

static inline bool vswap_folio_incompressible(struct folio *folio)
{
	return false;
}

static inline void vswap_folio_set_zero(struct folio *folio, bool zero)
{
}

static inline bool vswap_folio_store_fill(struct folio *folio)
{
	return false;
}

static inline bool vswap_folio_read_fill(struct folio *folio)
{
	return false;
}

static inline void vswap_count_kept_resident(struct folio *folio)
{
}

static inline void vswap_split_refused(struct folio *folio,
				       struct list_head *list)
{
}

static inline void mem_cgroup_vswap_reparent(struct mem_cgroup *memcg,
					     struct mem_cgroup *parent)
{
}

static inline bool vswap_folio_phys_scattered(struct folio *folio)
{
	return false;
}

static inline swp_entry_t vswap_folio_page_phys(struct folio *folio,
						unsigned int i)
{
	return (swp_entry_t){ 0 };
}

static inline bool vswap_folio_poisoned(struct folio *folio)
{
	return false;
}

static inline bool vswap_range_readable(struct swap_cluster_info *ci,
					unsigned int ci_off, unsigned int nr)
{
	return true;
}

static inline int vswap_prepare_writeout(struct folio *folio,
					 bool count_fail)
{
	return -ENOSPC;
}

static inline unsigned int vswap_folio_backend_ops_flags(struct folio *folio)
{
	return 0;
}

#endif /* CONFIG_VSWAP */

#endif /* _MM_VSWAP_H */
