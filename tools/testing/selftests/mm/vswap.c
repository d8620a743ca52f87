// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space (CONFIG_VSWAP).
 *
 * Fixture "vswap" runs with no physical swap device: pages go to zswap,
 * become zero pages or keep their one repeated value in the virtual
 * table (same-filled), come back byte for byte, and the
 * /sys/kernel/debug/vswap counters account for every slot and return to
 * their idle values once the memory is gone.
 *
 * Fixture "vswap_disk" runs with a swap device: what zswap refuses goes to
 * physical slots behind the virtual ones (large folios too, on a swap
 * file), zswap writeback moves data to disk, memory.swap charges the disk
 * only, and swapoff finds the data of virtual slots through the reverse
 * map. Some of its tests turn the swap device off for a while, use a swap
 * file or a null_blk device instead, and put it back.
 *
 * Both fixtures test the layer's mechanisms with the switch at "always",
 * so that every folio takes virtual slots whatever zswap can take; the
 * policy_* tests set the default, "auto", and check which folios take
 * virtual slots and which take physical ones (or none) in each
 * configuration.
 *
 * Each fixture skips when the machine has (or lacks) a swap device, and a
 * test skips when something it needs is missing (root, debugfs, cgroup v2
 * with the memory controller, zswap enabled, THP, a filesystem that takes
 * swap files, null_blk). Settings a test changes (THP, zswap, the vswap
 * switch) are restored whatever the outcome. The virtual layer is only
 * visible through global counters, so the suite expects to own the
 * machine's swap while it runs: counters are compared exactly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "vm_util.h"
#include "hugepage_settings.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define VSWAP_DIR	"/sys/kernel/debug/vswap/"
#define VSWAP_SWITCH	"/sys/kernel/mm/swap/vswap_enabled"
#define VSWAP_DRAIN	"/sys/kernel/mm/swap/vswap_drain"
#define ZSWAP_DIR	"/sys/kernel/debug/zswap/"
#define ZSWAP_PARAM	"/sys/module/zswap/parameters/"
#define ZSWAP_ENABLED	ZSWAP_PARAM "enabled"
#define ZSWAP_SHRINKER	ZSWAP_PARAM "shrinker_enabled"
#define ZSWAP_COMPRESSOR	ZSWAP_PARAM "compressor"
#define THP_DIR		"/sys/kernel/mm/transparent_hugepage/"
#define CG_ROOT		"/sys/fs/cgroup"
#define CG_NAME		CG_ROOT "/vswap_selftest"
#define CG_OOM		CG_ROOT "/vswap_selftest_oom"
#define CG_GONE		CG_ROOT "/vswap_selftest_gone"

static size_t page_size;
static size_t pmd_pages;	/* pages per PMD, for FILL_HEAD_RANDOM */

/*
 * FILL_SAME: each page one 32-bit value repeated (the virtual table keeps
 * it); FILL_WIDE: one 64-bit value whose halves differ (zswap keeps it);
 * FILL_MIXED: zero, text and same-filled pages in turn; FILL_HEAD_RANDOM:
 * the first page of each PMD-sized block random, the others text.
 */
enum fill_kind {
	FILL_ZERO, FILL_TEXT, FILL_RANDOM, FILL_MIXED, FILL_SAME, FILL_WIDE,
	FILL_HEAD_RANDOM
};

/* The counters this test reads, in one snapshot. */
struct vswap_counters {
	long used, zswap, zero, swapcache, clusters, kept_resident;
	long phys, rmap, phys_writeout, writeback, phys_alloc_fail, unuse;
	long fill, split, shmem_refused;
};

static long read_long(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

static int write_str(const char *path, const char *val)
{
	ssize_t n;
	int fd;

	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* The value of @key in a flat-keyed file such as memory.events. */
static long read_key(const char *path, const char *key)
{
	char name[128];
	long val, ret = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fscanf(f, "%127s %ld", name, &val) == 2)
		if (!strcmp(name, key))
			ret = val;
	fclose(f);
	return ret;
}

static long read_vmstat(const char *key)
{
	return read_key("/proc/vmstat", key);
}

static void snapshot(struct vswap_counters *c)
{
	c->used = read_long(VSWAP_DIR "used");
	c->zswap = read_long(VSWAP_DIR "zswap");
	c->zero = read_long(VSWAP_DIR "zero");
	c->swapcache = read_long(VSWAP_DIR "swapcache");
	c->clusters = read_long(VSWAP_DIR "clusters");
	c->kept_resident = read_long(VSWAP_DIR "kept_resident");
	c->phys = read_long(VSWAP_DIR "phys");
	c->rmap = read_long(VSWAP_DIR "rmap");
	c->phys_writeout = read_long(VSWAP_DIR "phys_writeout");
	c->writeback = read_long(VSWAP_DIR "writeback");
	c->phys_alloc_fail = read_long(VSWAP_DIR "phys_alloc_fail");
	c->unuse = read_long(VSWAP_DIR "unuse");
	c->fill = read_long(VSWAP_DIR "fill");
	c->split = read_long(VSWAP_DIR "split");
	c->shmem_refused = read_long(VSWAP_DIR "shmem_refused");
}

/* Text-like content that compresses well, tagged with the page index. */
static void fill_page(uint8_t *p, unsigned long idx, enum fill_kind kind)
{
	static const char text[] = "virtual swap selftest, compressible ";
	uint64_t x = 0x9e3779b97f4a7c15ULL ^ (idx * 0xbf58476d1ce4e5b9ULL);
	unsigned long i;

	if (kind == FILL_MIXED)
		kind = idx % 3 == 0 ? FILL_ZERO :
		       idx % 3 == 1 ? FILL_TEXT : FILL_SAME;
	if (kind == FILL_HEAD_RANDOM)
		kind = idx % pmd_pages ? FILL_TEXT : FILL_RANDOM;
	switch (kind) {
	case FILL_ZERO:
		memset(p, 0, page_size);
		break;
	case FILL_SAME:
		/* All 0xff (memhog), a memset() byte, a 32-bit constant. */
		if (idx % 3 == 0)
			memset(p, 0xff, page_size);
		else if (idx % 3 == 1)
			memset(p, (uint8_t)(idx | 1), page_size);
		else
			for (i = 0; i < page_size / 4; i++)
				((uint32_t *)p)[i] = 0x9e370000 | (uint16_t)idx;
		break;
	case FILL_WIDE:
		for (i = 0; i < page_size / 8; i++)
			((uint64_t *)p)[i] = 0x0123456789abcdefULL ^ idx;
		break;
	case FILL_TEXT:
		for (i = 0; i < page_size; i++)
			p[i] = text[i % (sizeof(text) - 1)];
		memcpy(p, &idx, sizeof(idx));
		break;
	default:
		/* xorshift64*: incompressible */
		for (i = 0; i < page_size / 8; i++) {
			x ^= x >> 12;
			x ^= x << 25;
			x ^= x >> 27;
			((uint64_t *)p)[i] = x * 0x2545f4914f6cdd1dULL;
		}
		break;
	}
}

static void fill(uint8_t *mem, size_t size, enum fill_kind kind)
{
	unsigned long i;

	for (i = 0; i < size / page_size; i++)
		fill_page(mem + i * page_size, i, kind);
}

/* Number of pages that differ from what fill() wrote. */
static long verify(uint8_t *mem, size_t size, enum fill_kind kind)
{
	uint8_t *expect = malloc(page_size);
	unsigned long i;
	long bad = 0;

	for (i = 0; i < size / page_size; i++) {
		fill_page(expect, i, kind);
		if (memcmp(mem + i * page_size, expect, page_size))
			bad++;
	}
	free(expect);
	return bad;
}

/* Bits 0-4 of a pagemap entry for a swapped page: its swap type. */
#define PM_SWAP_TYPE_MASK	0x1fULL

/* Pages of [mem, mem + size) whose PTE holds a swap entry. */
static long swapped_pages(uint8_t *mem, size_t size)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	unsigned long i;
	long swapped = 0;

	if (fd < 0)
		return -1;
	for (i = 0; i < size / page_size; i++)
		swapped += pagemap_is_swapped(fd, (char *)mem + i * page_size);
	close(fd);
	return swapped;
}

/*
 * Swap type of the PTEs of [mem, mem + size) that hold a swap entry: the
 * one type they share, -1 if there is none, -2 if they differ.
 */
static int swap_type_of(uint8_t *mem, size_t size)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	int type = -1, t;
	unsigned long i;
	uint64_t ent;

	if (fd < 0)
		return -2;
	for (i = 0; i < size / page_size; i++) {
		ent = pagemap_get_entry(fd, (char *)mem + i * page_size);
		if (!(ent & PM_SWAP))
			continue;
		t = ent & PM_SWAP_TYPE_MASK;
		if (type == -1)
			type = t;
		else if (type != t)
			type = -2;
	}
	close(fd);
	return type;
}

/* Pages mincore() reports in memory (a swap cache page counts). */
static long resident_pages(uint8_t *mem, size_t size)
{
	unsigned long n = size / page_size, i;
	unsigned char *vec = malloc(n);
	long resident = 0;

	if (!vec || mincore(mem, size, vec)) {
		free(vec);
		return -1;
	}
	for (i = 0; i < n; i++)
		resident += vec[i] & 1;
	free(vec);
	return resident;
}

static uint8_t *map_anon(size_t size, int advice)
{
	uint8_t *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		return NULL;
	if (madvise(mem, size, advice)) {
		munmap(mem, size);
		return NULL;
	}
	return mem;
}

/* A region aligned to @align (a PMD), for THP. */
static uint8_t *map_aligned(size_t size, size_t align)
{
	uint8_t *raw, *mem;

	raw = mmap(NULL, size + align, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (raw == MAP_FAILED)
		return NULL;
	mem = (uint8_t *)(((uintptr_t)raw + align - 1) & ~(align - 1));
	if (mem > raw)
		munmap(raw, mem - raw);
	munmap(mem + size, raw + align - mem);
	return mem;
}

/* @size bytes on a PMD boundary, asked to be THPs, filled with @kind. */
static uint8_t *map_thp(size_t size, enum fill_kind kind)
{
	uint8_t *mem = map_aligned(size, read_pmd_pagesize());

	if (!mem)
		return NULL;
	if (madvise(mem, size, MADV_HUGEPAGE)) {
		munmap(mem, size);
		return NULL;
	}
	fill(mem, size, kind);
	return mem;
}

/* The first character of a one-line file ("Y", "N", "1", "0"), or 0. */
static char read_flag(const char *path)
{
	char c = 0;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return 0;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c;
}

static int swap_devices(void)
{
	char line[256];
	int n = -1;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n++;
	fclose(f);
	return n;
}

/*
 * The setting of the vswap switch: the word in brackets of "off [auto]
 * always". Empty if the file cannot be read or has no such word.
 */
/* The first line of @path, without its newline; empty if unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = -1;

	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = 0;
	buf[strcspn(buf, "\n")] = 0;
}

static void read_mode(char *mode, size_t len)
{
	char buf[64] = "", *lb, *rb;
	int fd = open(VSWAP_SWITCH, O_RDONLY);
	ssize_t n = -1;

	mode[0] = 0;
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n <= 0)
		return;
	buf[n] = 0;
	lb = strchr(buf, '[');
	rb = lb ? strchr(lb, ']') : NULL;
	if (!rb || (size_t)(rb - lb) > len)
		return;
	memcpy(mode, lb + 1, rb - lb - 1);
	mode[rb - lb - 1] = 0;
}

/* Does the cgroup v2 root offer the memory controller? */
static bool memcg_v2(void)
{
	char buf[512] = "";
	int fd = open(CG_ROOT "/cgroup.controllers", O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && strstr(buf, "memory");
}

/* What the system looked like before a test, and what it gets back. */
struct vswap_baseline {
	struct vswap_counters idle;
	long zswpout, zswpin, swpout_zero;
	char zswap_enabled, zswap_shrinker;
	char vswap_mode[16];
	char compressor[64];
};

FIXTURE(vswap) {
	struct vswap_baseline base;
};

/*
 * Shared by both fixtures: skip unless everything the tests need is
 * there, then save what they may change, and set up the memcg, locked
 * memory and the baseline. Returns false if the test is skipped.
 */
/* @zswap: the state zswap must be in, 'Y' or 'N'. */
static bool setup_common(struct __test_metadata *_metadata,
			 struct vswap_baseline *base, char zswap)
{
	char pid[32];

	if (geteuid())
		SKIP(return false, "needs root");
	if (access(VSWAP_SWITCH, W_OK))
		SKIP(return false, "%s is not writable", VSWAP_SWITCH);
	if (!memcg_v2())
		SKIP(return false, "needs cgroup v2 with the memory controller");
	base->zswap_enabled = read_flag(ZSWAP_ENABLED);
	if (base->zswap_enabled != zswap)
		SKIP(return false, "zswap is %s", zswap == 'Y' ? "not enabled" :
		     "enabled (boot with zswap.enabled=0 for this fixture)");
	base->zswap_shrinker = read_flag(ZSWAP_SHRINKER);
	read_line(ZSWAP_COMPRESSOR, base->compressor, sizeof(base->compressor));
	read_mode(base->vswap_mode, sizeof(base->vswap_mode));

	/* THP settings go back as they were when the test ends, however. */
	if (thp_available()) {
		struct thp_settings s;

		thp_save_settings();
		thp_read_settings(&s);
		thp_push_settings(&s);
	}
	/* The mechanisms under test need virtual slots for every folio. */
	ASSERT_EQ(write_str(VSWAP_SWITCH, "always"), 0);

	/* A memcg for memory.reclaim; each test runs in its own child. */
	write_str(CG_ROOT "/cgroup.subtree_control", "+memory");
	if (mkdir(CG_NAME, 0755))
		ASSERT_EQ(errno, EEXIST);
	snprintf(pid, sizeof(pid), "%d", getpid());
	ASSERT_EQ(write_str(CG_NAME "/cgroup.procs", pid), 0);
	/*
	 * memory.reclaim takes any anon page of the cgroup: lock what this
	 * process has now, so that only the pages a test maps can go out
	 * and the counters can be compared exactly.
	 */
	ASSERT_EQ(mlockall(MCL_CURRENT), 0);

	snapshot(&base->idle);
	ASSERT_GE(base->idle.used, 0);
	base->zswpout = read_vmstat("zswpout");
	base->zswpin = read_vmstat("zswpin");
	base->swpout_zero = read_vmstat("swpout_zero");
	return true;
}

static void restore_flag(const char *path, char val)
{
	char buf[2] = { val, 0 };

	if (val)
		write_str(path, buf);
}

static void teardown_common(const struct vswap_baseline *base)
{
	char pid[32];

	restore_flag(ZSWAP_ENABLED, base->zswap_enabled);
	restore_flag(ZSWAP_SHRINKER, base->zswap_shrinker);
	if (base->compressor[0])
		write_str(ZSWAP_COMPRESSOR, base->compressor);
	if (base->vswap_mode[0])
		write_str(VSWAP_SWITCH, base->vswap_mode);
	thp_restore_settings();
	munlockall();
	snprintf(pid, sizeof(pid), "%d", getpid());
	write_str(CG_ROOT "/cgroup.procs", pid);
	rmdir(CG_OOM);
	rmdir(CG_GONE "/a");
	rmdir(CG_GONE "/keep");
	rmdir(CG_GONE);
	rmdir(CG_NAME);
}

FIXTURE_SETUP(vswap)
{
	page_size = sysconf(_SC_PAGESIZE);
	if (access(VSWAP_DIR "used", R_OK))
		SKIP(return, "no " VSWAP_DIR ": not a CONFIG_VSWAP kernel?");
	if (swap_devices() != 0)
		SKIP(return, "these tests need a machine with no swap device");
	setup_common(_metadata, &self->base, 'Y');
}

FIXTURE_TEARDOWN(vswap)
{
	teardown_common(&self->base);
}

/* Reclaim @size bytes from the test's cgroup; it may do less. */
static void memcg_reclaim(size_t size)
{
	char val[32];

	snprintf(val, sizeof(val), "%zu", size);
	write_str(CG_NAME "/memory.reclaim", val);
}

/* The kB of @key in /proc/meminfo, -1 if it is not there. */
static long meminfo_kib(const char *key)
{
	size_t len = strlen(key);
	char line[256];
	long val = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':') {
			val = strtol(line + len + 1, NULL, 10);
			break;
		}
	fclose(f);
	return val;
}

/* Wait, 10 s at most, for the swap writes in flight to complete. */
static void wait_writeback(void)
{
	int i;

	for (i = 0; i < 1000 && meminfo_kib("Writeback") > 0; i++)
		usleep(10000);
}

/*
 * With a disk, a folio still under writeback when its last mapping goes
 * stays in the swap cache after the write ends, holding its slots until
 * reclaim finds it, as on 7.3. If every slot held beyond @idle is such a
 * disk-backed one: wait for writeback to end (10 s at most), lock what
 * the test still maps, so that reclaim can take nothing else, and reclaim
 * the test's cgroup once. Without a disk nothing is written
 * asynchronously, and frees must be synchronous: nothing is waited for.
 */
static void settle_disk_swap_cache(struct vswap_counters *now,
				   const struct vswap_counters *idle)
{
	long extra = now->used - idle->used;

	if (extra <= 0 || extra != now->phys - idle->phys || !swap_devices())
		return;
	wait_writeback();
	mlockall(MCL_CURRENT);
	memcg_reclaim(64UL << 20);
	snapshot(now);
	ksft_print_msg("%ld disk-backed slots left in swap cache: reclaimed, %ld still held\n",
		       extra, now->used - idle->used);
}

/*
 * Every slot taken since setup is back: what the test mapped is unmapped
 * or exited, and frees are synchronous with both (but see
 * settle_disk_swap_cache()).
 */
static void expect_idle(struct __test_metadata *_metadata,
			const struct vswap_counters *idle)
{
	struct vswap_counters now;

	snapshot(&now);
	settle_disk_swap_cache(&now, idle);
	EXPECT_EQ(now.used, idle->used);
	EXPECT_EQ(now.zswap, idle->zswap);
	EXPECT_EQ(now.zero, idle->zero);
	EXPECT_EQ(now.fill, idle->fill);
	EXPECT_EQ(now.swapcache, idle->swapcache);
	EXPECT_EQ(now.clusters, idle->clusters);
	EXPECT_EQ(now.phys, idle->phys);
	EXPECT_EQ(now.rmap, idle->rmap);
	EXPECT_EQ(now.shmem_refused, idle->shmem_refused);
}

/*
 * Push one region out with @pageout (MADV_PAGEOUT, else memory.reclaim),
 * check that every swapped page is accounted to the expected backend,
 * read it back and check every byte.
 */
static void swap_round_trip(struct __test_metadata *_metadata,
			    const struct vswap_baseline *self, enum fill_kind kind,
			    size_t size, bool pageout)
{
	struct vswap_counters out;
	long swapped, nr_zero, nr_zswap, nr_fill;
	uint8_t *mem;
	int ret = 0;

	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, kind);

	if (pageout)
		ret = madvise(mem, size, MADV_PAGEOUT);
	else
		memcg_reclaim(2 * size);
	ASSERT_EQ(ret, 0);

	swapped = swapped_pages(mem, size);
	snapshot(&out);
	nr_zero = out.zero - self->idle.zero;
	nr_zswap = out.zswap - self->idle.zswap;
	nr_fill = out.fill - self->idle.fill;
	TH_LOG("%ld of %zu pages out: zswap %ld, zero %ld, fill %ld, used %ld, clusters %ld",
	       swapped, size / page_size, nr_zswap, nr_zero, nr_fill,
	       out.used - self->idle.used, out.clusters);

	/* Most of the region went out, none of it to a disk. */
	ASSERT_GE(swapped, (long)(size / page_size / 2));
	EXPECT_EQ(out.used - self->idle.used, swapped);
	EXPECT_EQ(nr_zero + nr_zswap + nr_fill, swapped);
	EXPECT_GT(out.clusters, self->idle.clusters);
	if (kind == FILL_ZERO) {
		EXPECT_EQ(nr_zero, swapped);
		EXPECT_GE(read_vmstat("swpout_zero") - self->swpout_zero, swapped);
	} else if (kind == FILL_TEXT || kind == FILL_WIDE) {
		EXPECT_EQ(nr_zswap, swapped);
		EXPECT_GE(read_vmstat("zswpout") - self->zswpout, swapped);
	} else if (kind == FILL_SAME) {
		/* Nothing compressed, nothing stored but the value. */
		EXPECT_EQ(nr_fill, swapped);
		EXPECT_EQ(read_vmstat("zswpout") - self->zswpout, 0);
	} else {
		EXPECT_GT(nr_zero, 0);
		EXPECT_GT(nr_zswap, 0);
		EXPECT_GT(nr_fill, 0);
	}

	EXPECT_EQ(verify(mem, size, kind), 0);
	if (kind != FILL_ZERO)
		EXPECT_GE(read_vmstat("zswpin") - self->zswpin, nr_zswap);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->idle);
}

TEST_F(vswap, zero_pages_reclaim)
{
	swap_round_trip(_metadata, &self->base, FILL_ZERO, 32UL << 20, false);
}

TEST_F(vswap, zero_pages_pageout)
{
	swap_round_trip(_metadata, &self->base, FILL_ZERO, 32UL << 20, true);
}

/*
 * More virtual clusters than the cluster map starts with (64: 128 MiB of
 * slots), so that the map is replaced by longer copies while the region
 * goes out; every page must come back from its own slot. Same-filled
 * pages, each with a value of its own, cost no compression.
 */
TEST_F_TIMEOUT(vswap, many_clusters_pageout, 300)
{
	swap_round_trip(_metadata, &self->base, FILL_SAME, 320UL << 20, true);
}

TEST_F(vswap, compressible_reclaim)
{
	swap_round_trip(_metadata, &self->base, FILL_TEXT, 32UL << 20, false);
}

TEST_F(vswap, compressible_pageout)
{
	swap_round_trip(_metadata, &self->base, FILL_TEXT, 32UL << 20, true);
}

TEST_F(vswap, same_filled_reclaim)
{
	swap_round_trip(_metadata, &self->base, FILL_SAME, 32UL << 20, false);
}

TEST_F(vswap, same_filled_pageout)
{
	swap_round_trip(_metadata, &self->base, FILL_SAME, 32UL << 20, true);
}

/* A repeated 64-bit word is not a 32-bit value: zswap takes it. */
TEST_F(vswap, wide_words_pageout)
{
	swap_round_trip(_metadata, &self->base, FILL_WIDE, 16UL << 20, true);
}

TEST_F(vswap, mixed_reclaim)
{
	swap_round_trip(_metadata, &self->base, FILL_MIXED, 32UL << 20, false);
}

TEST_F(vswap, mixed_pageout)
{
	swap_round_trip(_metadata, &self->base, FILL_MIXED, 32UL << 20, true);
}

/* Pages zswap refused as incompressible, in either of its counters. */
static long zswap_rejects(void)
{
	return read_long(ZSWAP_DIR "reject_compress_fail") +
	       read_long(ZSWAP_DIR "reject_compress_poor");
}

/*
 * zswap refuses random data and there is no disk: it must stay in RAM. It
 * stays in the swap cache of its virtual slots, unmapped, until touched;
 * reclaim must not compress it again meanwhile (nothing changed it), or
 * a memcg full of such data burns its time compressing instead of going
 * OOM. Each compressor says "does not fit" in its own way (lzo with
 * -EINVAL, others with an error of their own or a result as big as the
 * page): zswap must hear each as a refusal of the data, not as an error
 * that may pass, after which the page would be compressed again on every
 * pass. @comp: the compressor to use, NULL to leave zswap's as it is.
 */
static void incompressible_refused_once(struct __test_metadata *_metadata,
					const struct vswap_baseline *base,
					const char *comp)
{
	size_t size = 8UL << 20, pages = size / page_size;
	long rejects, rejects_again, swapped;
	struct vswap_counters out;
	uint8_t *mem;

	/* The fixture's teardown puts zswap's own compressor back. */
	if (comp)
		ASSERT_EQ(write_str(ZSWAP_COMPRESSOR, comp), 0);
	rejects = zswap_rejects();
	ASSERT_GE(rejects, 0);
	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_RANDOM);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);

	snapshot(&out);
	rejects = zswap_rejects() - rejects;
	swapped = swapped_pages(mem, size);
	TH_LOG("%s: %ld pages refused by zswap, %ld swapped, %ld resident",
	       comp ? comp : "default", rejects, swapped,
	       resident_pages(mem, size));
	EXPECT_EQ(out.zswap, base->idle.zswap);
	EXPECT_EQ(out.zero, base->idle.zero);
	/*
	 * MADV_PAGEOUT skips a page still in another CPU's LRU batch: every
	 * page it took was compressed once and refused.
	 */
	ASSERT_GE(swapped, (long)pages / 2);
	EXPECT_EQ(rejects, swapped);
	EXPECT_EQ(resident_pages(mem, size), (long)pages);
	EXPECT_EQ(read_vmstat("zswpout"), base->zswpout);

	/* A second reclaim pass finds the same data: no compression. */
	rejects_again = zswap_rejects();
	memcg_reclaim(2 * size);
	rejects_again = zswap_rejects() - rejects_again;
	TH_LOG("reclaim again: %ld pages refused by zswap", rejects_again);
	EXPECT_EQ(rejects_again, 0);
	EXPECT_EQ(resident_pages(mem, size), (long)pages);

	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &base->idle);
}

TEST_F(vswap, incompressible_stays_resident)
{
	incompressible_refused_once(_metadata, &self->base, NULL);
}

TEST_F(vswap, incompressible_lz4)
{
	incompressible_refused_once(_metadata, &self->base, "lz4");
}

TEST_F(vswap, incompressible_zstd)
{
	incompressible_refused_once(_metadata, &self->base, "zstd");
}

/*
 * A hot page of incompressible data, read again after zswap refused it,
 * keeps the refusal: reclaim passes that find it again do not compress
 * it again. A write changes the data, and zswap gets the page again.
 * Without a swap device 7.3 never scans anon memory: each pass compressing
 * the same pages would be work it never does.
 */
TEST_F(vswap, incompressible_read_keeps_refusal)
{
	size_t size = 8UL << 20, pages = size / page_size, i;
	long rejects;
	uint8_t *mem;

	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_RANDOM);
	/*
	 * MADV_PAGEOUT skips a page still in another CPU's LRU batch: ask
	 * again for those, until every page was refused once.
	 */
	rejects = zswap_rejects();
	for (i = 0; i < 4 && swapped_pages(mem, size) < (long)pages; i++)
		ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	ASSERT_EQ(swapped_pages(mem, size), (long)pages);
	EXPECT_EQ(zswap_rejects() - rejects, (long)pages);

	/* Read every page (and check it), then reclaim it again. */
	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);
	rejects = zswap_rejects();
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	rejects = zswap_rejects() - rejects;
	TH_LOG("read, paged out again: %ld of %zu pages compressed again",
	       rejects, pages);
	EXPECT_EQ(rejects, 0);
	EXPECT_EQ(swapped_pages(mem, size), (long)pages);

	/* Write a word of every other page: those are offered again. */
	for (i = 0; i < size; i += 2 * page_size)
		mem[i] ^= 0x5a;
	rejects = zswap_rejects();
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	rejects = zswap_rejects() - rejects;
	TH_LOG("half written, paged out again: %ld compressed", rejects);
	EXPECT_EQ(rejects, (long)pages / 2);

	for (i = 0; i < size; i += 2 * page_size)
		mem[i] ^= 0x5a;
	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * MADV_DONTNEED on kept-resident pages drops their virtual slots and the
 * swap-cache folios behind them at once, with their memcg charge: nothing
 * waits for reclaim, and the range reads back as zeroes, not as the old
 * data.
 */
TEST_F(vswap, kept_resident_dontneed)
{
	size_t size = 8UL << 20, npages = size / page_size;
	struct vswap_counters out;
	long cur, freed;
	uint8_t *mem;

	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_RANDOM);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	snapshot(&out);
	ASSERT_GE(swapped_pages(mem, size), (long)npages / 2);
	EXPECT_EQ(out.swapcache - self->base.idle.swapcache,
		  swapped_pages(mem, size));

	cur = read_long(CG_NAME "/memory.current");
	ASSERT_EQ(madvise(mem, size, MADV_DONTNEED), 0);
	freed = cur - read_long(CG_NAME "/memory.current");
	TH_LOG("MADV_DONTNEED of %ld kept-resident pages freed %ld KiB",
	       out.swapcache - self->base.idle.swapcache, freed >> 10);
	/* Less a tenth: other charges may move meanwhile. */
	EXPECT_GE(freed, (out.swapcache - self->base.idle.swapcache) *
			 (long)page_size * 9 / 10);
	expect_idle(_metadata, &self->base.idle);
	EXPECT_EQ(verify(mem, size, FILL_ZERO), 0);
	ASSERT_EQ(munmap(mem, size), 0);
}

/*
 * incompressible_oom and its cgroup v1 twin: a child joins the cgroup of
 * @procs (16 MiB of memory) and writes 48 MiB of random data there until
 * the OOM killer stops it. Exactly one OOM kill (oom_kill in @events), and
 * about one refusal by zswap and one page kept resident by reclaim per
 * page written.
 */
static void oom_incompressible(struct __test_metadata *_metadata,
			       const char *procs, const char *events)
{
	size_t size = 48UL << 20, pages = size / page_size;
	long *written, rejects, kept, ooms;
	int status;
	pid_t pid;

	written = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(written, MAP_FAILED);
	__atomic_store_n(written, 0, __ATOMIC_RELAXED);
	rejects = read_long(ZSWAP_DIR "reject_compress_fail");
	kept = read_long(VSWAP_DIR "kept_resident");
	ooms = read_key(events, "oom_kill");
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		char buf[32];
		uint8_t *mem;
		size_t i;

		snprintf(buf, sizeof(buf), "%d", getpid());
		munlockall();
		if (write_str(procs, buf))
			_exit(1);
		mem = map_anon(size, MADV_NOHUGEPAGE);
		if (!mem)
			_exit(1);
		for (i = 0; i < pages; i++) {
			fill_page(mem + i * page_size, i, FILL_RANDOM);
			__atomic_add_fetch(written, 1, __ATOMIC_RELAXED);
		}
		_exit(0);	/* it fitted: the test fails */
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	rejects = read_long(ZSWAP_DIR "reject_compress_fail") - rejects;
	kept = read_long(VSWAP_DIR "kept_resident") - kept;
	ooms = read_key(events, "oom_kill") - ooms;
	TH_LOG("%ld pages written in a 16M memcg: %s, %ld OOM kills, %ld refusals, %ld kept",
	       *written, WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "exited",
	       ooms, rejects, kept);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	EXPECT_EQ(ooms, 1);
	EXPECT_LE(rejects, 2 * *written);
	/* Reclaim stops offering refused pages: about one pass each. */
	EXPECT_LE(kept, 2 * *written);
	munmap(written, page_size);
}

/*
 * A memcg whose pages can go nowhere (incompressible, no swap device) must
 * go OOM as it would without the virtual layer: each page is offered to
 * zswap about once, not again on every reclaim pass until the OOM killer
 * finally runs.
 */
TEST_F_TIMEOUT(vswap, incompressible_oom, 300)
{
	ASSERT_EQ(mkdir(CG_OOM, 0755), 0);
	ASSERT_EQ(write_str(CG_OOM "/memory.max", "16M"), 0);
	oom_incompressible(_metadata, CG_OOM "/cgroup.procs",
			   CG_OOM "/memory.events");
	ASSERT_EQ(rmdir(CG_OOM), 0);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * The virtual layer's memory for a slot is charged to the memcg whose
 * page took it: zero pages cost the cgroup kernel memory instead of
 * nothing, and a cgroup that swaps out zero pages cannot grow that
 * memory beyond memory.max.
 */
TEST_F_TIMEOUT(vswap, metadata_charged, 120)
{
	size_t size = 64UL << 20;
	long kernel, meta, swapped;
	uint8_t *mem;

	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_ZERO);
	kernel = read_key(CG_NAME "/memory.stat", "kernel");
	meta = read_long(VSWAP_DIR "meta_bytes");
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	swapped = swapped_pages(mem, size);
	kernel = read_key(CG_NAME "/memory.stat", "kernel") - kernel;
	meta = read_long(VSWAP_DIR "meta_bytes") - meta;
	TH_LOG("%ld zero pages out: vswap +%ld bytes, the memcg's kernel +%ld",
	       swapped, meta, kernel);
	ASSERT_GE(swapped, (long)(size / page_size / 2));
	EXPECT_GT(meta, 0);
	/* Charged per cluster, as allocated; the memcg made them all. */
	EXPECT_GE(kernel, meta / 2);
	EXPECT_LE(kernel, meta * 2);

	EXPECT_EQ(verify(mem, size, FILL_ZERO), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

/* /dev/kmsg, positioned after what the kernel has logged so far. */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);

	if (fd >= 0 && lseek(fd, 0, SEEK_END) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* The WARNINGs the kernel logged since kmsg_open(); closes @fd. */
static int kmsg_warnings(int fd)
{
	char rec[8192];
	int warnings = 0;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		/* EPIPE: records were overwritten; the next read goes on. */
		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = 0;
		if (strstr(rec, "WARNING:"))
			warnings++;
	}
	close(fd);
	return warnings;
}

/* Wait until no removed child of cgroup @cg is left in memory. */
static bool wait_no_dying(const char *cg)
{
	struct timespec now, end;
	char stat[256];

	snprintf(stat, sizeof(stat), "%s/cgroup.stat", cg);
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += 60;
	for (;;) {
		if (read_key(stat, "nr_dying_descendants") == 0)
			return true;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > end.tv_sec)
			return false;
		usleep(10000);
	}
}

/*
 * Swapper child of memcg_removed(): swap out @size bytes from cgroup
 * CG_GONE/a, leave it with the slots still charged there, and once the
 * cgroup is gone read every byte back. Exits non-zero on a failure.
 *
 * Whatever else the child allocates in CG_GONE/a keeps the memcg's
 * object cgroup alive until it is freed, and page tables and /proc
 * inodes are freed after an RCU grace period: the child faults in its
 * page tables before it moves, and leaves /proc alone.
 */
static void gone_child(size_t size, int ready, int go)
{
	size_t pmd = read_pmd_pagesize(), off;
	char pid[32], c = 0;
	uint8_t *mem;

	mem = map_aligned(size, pmd);
	if (!mem || madvise(mem, size, MADV_NOHUGEPAGE))
		_exit(10);
	for (off = 0; off < size; off += pmd)
		mem[off] = 1;
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (write_str(CG_GONE "/a/cgroup.procs", pid))
		_exit(11);
	fill(mem, size, FILL_MIXED);
	if (madvise(mem, size, MADV_PAGEOUT))
		_exit(12);
	if (write_str(CG_NAME "/cgroup.procs", pid))
		_exit(13);
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		_exit(14);
	if (verify(mem, size, FILL_MIXED))
		_exit(15);
	_exit(munmap(mem, size) ? 16 : 0);
}

/*
 * A cgroup removed while virtual slots it charged are still in use. The
 * tables of the clusters it made are charged through its object cgroup,
 * which holds what is left of the pages it charged; after the removal
 * the parent takes the memcg's charges over, and the tables, when freed,
 * must uncharge the object cgroup that charged them, or it is freed
 * holding part of a page, and obj_cgroup_release() warns. The test runs
 * on one CPU, so that draining that CPU's charge cache (a memory.max
 * write on the parent does that, in this process) drops the last
 * reference to the object cgroup, and then reads the kernel log.
 */
static void memcg_removed(struct __test_metadata *_metadata,
			  const struct vswap_baseline *base)
{
	size_t size = 4UL << 20;	/* 1024 slots: two clusters charged */
	int ready[2], go[2], stop[2], status, kmsg, warnings;
	pid_t swapper, keeper;
	cpu_set_t one, all;
	char val[32], c = 0;
	long usage, used;

	ASSERT_GT(read_pmd_pagesize(), 0);
	ASSERT_EQ(sched_getaffinity(0, sizeof(all), &all), 0);
	CPU_ZERO(&one);
	CPU_SET(sched_getcpu(), &one);
	ASSERT_EQ(sched_setaffinity(0, sizeof(one), &one), 0);
	kmsg = kmsg_open();
	ASSERT_GE(kmsg, 0);

	ASSERT_EQ(mkdir(CG_GONE, 0755), 0);
	ASSERT_EQ(write_str(CG_GONE "/cgroup.subtree_control", "+memory"), 0);
	ASSERT_EQ(mkdir(CG_GONE "/a", 0755), 0);
	ASSERT_EQ(mkdir(CG_GONE "/keep", 0755), 0);
	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(go), 0);
	ASSERT_EQ(pipe(stop), 0);

	/* Memory in the parent, for the memory.max write to reclaim. */
	keeper = fork();
	ASSERT_GE(keeper, 0);
	if (!keeper) {
		uint8_t *mem;

		close(go[1]);
		close(stop[1]);
		munlockall();
		snprintf(val, sizeof(val), "%d", getpid());
		if (write_str(CG_GONE "/keep/cgroup.procs", val))
			_exit(1);
		mem = map_anon(size, MADV_NOHUGEPAGE);
		if (!mem)
			_exit(1);
		fill(mem, size, FILL_TEXT);
		c = 1;
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		/* Until the test closes the pipe; then check the data. */
		while (read(stop[0], &c, 1) == 1)
			;
		_exit(verify(mem, size, FILL_TEXT) ? 2 : 0);
	}
	ASSERT_EQ(read(ready[0], &c, 1), 1);
	ASSERT_EQ(c, 1);

	used = read_long(VSWAP_DIR "used");
	swapper = fork();
	ASSERT_GE(swapper, 0);
	if (!swapper) {
		close(go[1]);
		close(stop[1]);
		munlockall();
		gone_child(size, ready[1], go[0]);
	}
	ASSERT_EQ(read(ready[0], &c, 1), 1);
	ASSERT_EQ(c, 0);
	ASSERT_EQ(read_long(VSWAP_DIR "used") - used, (long)(size / page_size));
	EXPECT_EQ(read_long(CG_GONE "/a/memory.swap.current"), 0);
	ASSERT_EQ(rmdir(CG_GONE "/a"), 0);
	ASSERT_EQ(write(go[1], &c, 1), 1);
	ASSERT_EQ(waitpid(swapper, &status, 0), swapper);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);

	/* The slots are freed; the removed memcg goes once nothing pins it. */
	EXPECT_TRUE(wait_no_dying(CG_GONE));
	usage = read_long(CG_GONE "/memory.current");
	ASSERT_GT(usage, 2 * (long)page_size);
	snprintf(val, sizeof(val), "%ld", usage - 2 * (long)page_size);
	ASSERT_EQ(write_str(CG_GONE "/memory.max", val), 0);
	ASSERT_EQ(write_str(CG_GONE "/memory.max", "max"), 0);

	close(stop[1]);
	ASSERT_EQ(waitpid(keeper, &status, 0), keeper);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	close(stop[0]);
	close(go[0]);
	close(go[1]);
	close(ready[0]);
	close(ready[1]);
	ASSERT_EQ(rmdir(CG_GONE "/keep"), 0);
	ASSERT_EQ(rmdir(CG_GONE), 0);

	warnings = kmsg_warnings(kmsg);
	TH_LOG("kernel WARNINGs logged during the test: %d", warnings);
	EXPECT_EQ(warnings, 0);
	ASSERT_EQ(sched_setaffinity(0, sizeof(all), &all), 0);
	expect_idle(_metadata, &base->idle);
}

TEST_F_TIMEOUT(vswap, memcg_removed, 120)
{
	memcg_removed(_metadata, &self->base);
}

/* memory.swap.max=0: the cgroup does not swap, whatever its pages hold. */
static void swap_max_zero(struct __test_metadata *_metadata,
			  const struct vswap_baseline *base)
{
	const enum fill_kind kinds[] = {
		FILL_ZERO, FILL_TEXT, FILL_RANDOM, FILL_SAME
	};
	size_t size = 8UL << 20, pages = size / page_size;
	struct vswap_counters out;
	uint8_t *mem[4];
	int i;

	ASSERT_EQ(write_str(CG_NAME "/memory.swap.max", "0"), 0);
	for (i = 0; i < 4; i++) {
		mem[i] = map_anon(size, MADV_NOHUGEPAGE);
		ASSERT_NE(mem[i], NULL);
		fill(mem[i], size, kinds[i]);
		ASSERT_EQ(madvise(mem[i], size, MADV_PAGEOUT), 0);
	}
	memcg_reclaim(4 * size);

	snapshot(&out);
	TH_LOG("used %ld, zswap %ld, zero %ld, phys %ld; memory.swap.current %ld",
	       out.used - base->idle.used, out.zswap - base->idle.zswap,
	       out.zero - base->idle.zero, out.phys - base->idle.phys,
	       read_long(CG_NAME "/memory.swap.current"));
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(swapped_pages(mem[i], size), 0);
		EXPECT_EQ(resident_pages(mem[i], size), (long)pages);
	}
	EXPECT_EQ(out.used, base->idle.used);
	EXPECT_EQ(out.zswap, base->idle.zswap);
	EXPECT_EQ(out.zero, base->idle.zero);
	EXPECT_EQ(out.fill, base->idle.fill);
	EXPECT_EQ(out.phys, base->idle.phys);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), 0);

	for (i = 0; i < 4; i++) {
		EXPECT_EQ(verify(mem[i], size, kinds[i]), 0);
		ASSERT_EQ(munmap(mem[i], size), 0);
	}
	expect_idle(_metadata, &base->idle);
}

TEST_F(vswap, swap_max_zero)
{
	swap_max_zero(_metadata, &self->base);
}

/*
 * A non-zero memory.swap.max counts disk slots and bounds the cgroup's
 * virtual slots at four times as many: zero pages, which cost the cgroup
 * 18 bytes each, must not let it swap out more than that. One task and
 * order-0 folios make the bound exact. With a swap device, the pages past
 * it take disk slots directly, up to memory.swap.max, and the swap-outs
 * that then find no swap space show in memory.swap.events; without one,
 * they stay in memory.
 */
static void swap_max_bound(struct __test_metadata *_metadata,
			   const struct vswap_baseline *base, bool disk)
{
	size_t size = 16UL << 20, limit = 1UL << 20;
	long bound = 4 * limit / page_size, on_disk = 0, events, swapped;
	struct vswap_counters out;
	char buf[32];
	uint8_t *mem;

	snprintf(buf, sizeof(buf), "%zu", limit);
	ASSERT_EQ(write_str(CG_NAME "/memory.swap.max", buf), 0);
	events = read_key(CG_NAME "/memory.swap.events", "max");
	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_ZERO);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);

	snapshot(&out);
	swapped = swapped_pages(mem, size);
	TH_LOG("%ld of %zu pages swapped out, %ld virtual slots; "
	       "memory.swap.current %ld, swap.events max +%ld",
	       swapped, size / page_size, out.used - base->idle.used,
	       read_long(CG_NAME "/memory.swap.current"),
	       read_key(CG_NAME "/memory.swap.events", "max") - events);
	EXPECT_EQ(out.used - base->idle.used, bound);
	if (disk) {
		on_disk = limit / page_size;
		EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"),
			  (long)limit);
		EXPECT_GT(read_key(CG_NAME "/memory.swap.events", "max"),
			  events);
	}
	EXPECT_EQ(swapped, bound + on_disk);
	EXPECT_EQ(resident_pages(mem, size),
		  (long)(size / page_size) - bound - on_disk);

	EXPECT_EQ(verify(mem, size, FILL_ZERO), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &base->idle);
}

TEST_F(vswap, swap_max_bound)
{
	swap_max_bound(_metadata, &self->base, false);
}

/* The switch reads as its three settings, @mode in brackets. */
static void expect_mode(struct __test_metadata *_metadata, const char *mode)
{
	char buf[64] = "", want[64];
	int fd = open(VSWAP_SWITCH, O_RDONLY);
	ssize_t n;

	ASSERT_GE(fd, 0);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	ASSERT_GT(n, 0);
	snprintf(want, sizeof(want), "%s%s%s %s%s%s %s%s%s\n",
		 strcmp(mode, "off") ? "" : "[", "off", strcmp(mode, "off") ? "" : "]",
		 strcmp(mode, "auto") ? "" : "[", "auto", strcmp(mode, "auto") ? "" : "]",
		 strcmp(mode, "always") ? "" : "[", "always",
		 strcmp(mode, "always") ? "" : "]");
	EXPECT_STREQ(buf, want);
}

/*
 * The operator's switch: input it does not understand (the boolean words
 * of its first version included) is refused and changes nothing; each
 * setting reads back; switched off, swap-out takes no virtual slot (with
 * no swap device, nothing can swap: the pages stay, whole); switched on
 * again, they go out.
 */
TEST_F(vswap, operator_switch)
{
	static const char * const refused[] = { "maybe", "1", "on", "true" };
	size_t size = 4UL << 20;
	struct vswap_counters before, after;
	uint8_t *mem;
	unsigned int i;

	expect_mode(_metadata, "always");
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		EXPECT_EQ(write_str(VSWAP_SWITCH, refused[i]), -EINVAL);
		expect_mode(_metadata, "always");
	}
	ASSERT_EQ(write_str(VSWAP_SWITCH, "auto\n"), 0);
	expect_mode(_metadata, "auto");
	ASSERT_EQ(write_str(VSWAP_SWITCH, "off"), 0);
	expect_mode(_metadata, "off");

	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_TEXT);
	snapshot(&before);
	madvise(mem, size, MADV_PAGEOUT);
	snapshot(&after);
	EXPECT_EQ(after.used, before.used);
	EXPECT_EQ(swapped_pages(mem, size), 0);

	ASSERT_EQ(write_str(VSWAP_SWITCH, "always"), 0);
	expect_mode(_metadata, "always");
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	EXPECT_GT(swapped_pages(mem, size), 0);
	EXPECT_EQ(verify(mem, size, FILL_TEXT), 0);
	munmap(mem, size);
}

/* Minor faults this process has taken so far. */
static long minor_faults(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru))
		return -1;
	return ru.ru_minflt;
}

/*
 * Page @size bytes of @kind out with the switch at @mode and report what
 * went where: PTEs that hold a swap entry, new virtual slots, and the
 * minor faults it took to read every byte back (a page that was unmapped
 * and kept in memory costs one).
 */
struct policy_result {
	long swapped, used, zero, zswap, refaults;
};

static struct policy_result policy_pageout(struct __test_metadata *_metadata,
					   const struct vswap_baseline *base,
					   const char *mode,
					   enum fill_kind kind, size_t size)
{
	struct policy_result r = { -1, -1, -1, -1, -1 };
	struct vswap_counters out;
	uint8_t *mem;
	long faults;

	if (write_str(VSWAP_SWITCH, mode))
		return r;
	mem = map_anon(size, MADV_NOHUGEPAGE);
	if (!mem)
		return r;
	fill(mem, size, kind);
	if (madvise(mem, size, MADV_PAGEOUT))
		goto out;
	r.swapped = swapped_pages(mem, size);
	snapshot(&out);
	r.used = out.used - base->idle.used;
	r.zero = out.zero - base->idle.zero;
	r.zswap = out.zswap - base->idle.zswap;
	faults = minor_faults();
	if (verify(mem, size, kind))
		r.refaults = -1;
	else
		r.refaults = minor_faults() - faults;
	TH_LOG("%s: %ld/%zu pages out, virtual %ld (zero %ld zswap %ld), refaults %ld",
	       mode, r.swapped, size / page_size, r.used, r.zero, r.zswap,
	       r.refaults);
out:
	munmap(mem, size);
	return r;
}

/*
 * Nothing of a policy_pageout() region took a slot: every page stayed
 * mapped, and reading it back took no fault (verify() may touch a fresh
 * heap page or two of its own).
 */
static void expect_stayed_mapped(struct __test_metadata *_metadata,
				 const struct policy_result *r, size_t pages)
{
	EXPECT_EQ(r->swapped, 0);
	EXPECT_EQ(r->used, 0);
	ASSERT_GE(r->refaults, 0);
	EXPECT_LT(r->refaults, (long)pages / 64);
}

/*
 * The default policy (auto) gives a folio a virtual slot only where zswap
 * can take its data. With zswap off and no swap device nothing can take
 * a page, so MADV_PAGEOUT must fail its allocation before unmapping it,
 * as without the virtual layer: the pages stay mapped, and reading them
 * takes no fault. (Switched to always, the same pages are unmapped into
 * virtual slots with nowhere to go, and each costs a minor fault.)
 */
TEST_F(vswap, policy_auto_nowhere)
{
	size_t size = 8UL << 20, pages = size / page_size;
	struct policy_result r;

	ASSERT_EQ(write_str(ZSWAP_ENABLED, "N"), 0);
	r = policy_pageout(_metadata, &self->base, "auto", FILL_TEXT, size);
	expect_stayed_mapped(_metadata, &r, pages);

	r = policy_pageout(_metadata, &self->base, "always", FILL_TEXT, size);
	EXPECT_GE(r.refaults, (long)pages / 2);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * Zero pages with zswap off and no swap device: auto leaves them where
 * they are, as a kernel without the layer must (it has no swap space);
 * always makes them zero-page slots, the one thing the layer can do for
 * them there.
 */
TEST_F(vswap, policy_zero_pages_zswap_off)
{
	size_t size = 8UL << 20, pages = size / page_size;
	struct policy_result r;

	ASSERT_EQ(write_str(ZSWAP_ENABLED, "N"), 0);
	r = policy_pageout(_metadata, &self->base, "auto", FILL_ZERO, size);
	expect_stayed_mapped(_metadata, &r, pages);

	r = policy_pageout(_metadata, &self->base, "always", FILL_ZERO, size);
	EXPECT_GE(r.swapped, (long)pages / 2);
	EXPECT_EQ(r.zero, r.swapped);
	ASSERT_GE(r.refaults, 0);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * zswap on, but this cgroup may not use it (memory.zswap.max=0): auto
 * gives its folios no virtual slot (there is no swap device, so they stay
 * mapped); once the limit is lifted, the same pages take virtual slots
 * and go to zswap.
 */
TEST_F(vswap, policy_auto_zswap_max)
{
	size_t size = 8UL << 20, pages = size / page_size;
	struct policy_result r;

	ASSERT_EQ(write_str(CG_NAME "/memory.zswap.max", "0"), 0);
	r = policy_pageout(_metadata, &self->base, "auto", FILL_TEXT, size);
	expect_stayed_mapped(_metadata, &r, pages);
	EXPECT_EQ(read_vmstat("zswpout"), self->base.zswpout);

	ASSERT_EQ(write_str(CG_NAME "/memory.zswap.max", "max"), 0);
	r = policy_pageout(_metadata, &self->base, "auto", FILL_TEXT, size);
	EXPECT_GE(r.swapped, (long)pages / 2);
	EXPECT_EQ(r.used, r.swapped);
	EXPECT_EQ(r.zswap, r.swapped);
	ASSERT_GE(r.refaults, 0);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * memory.zswap.max reached, then room made: reclaim must use it. The limit
 * is checked against memcg statistics that show zswap's frees only once
 * they are flushed, which may be after 64 updates per CPU; reclaim that
 * trusted them as they were found the cgroup still full and, with no
 * swap device, scanned none of its anon memory.
 */
TEST_F(vswap, zswap_max_room_after_free)
{
	size_t size = 8UL << 20, pages = size / page_size, freed = 0, i;
	unsigned char *vec = malloc(pages);
	long stored, zswap;
	uint8_t *mem;

	ASSERT_NE(vec, NULL);
	ASSERT_EQ(write_str(CG_NAME "/memory.zswap.max", "64K"), 0);
	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_TEXT);
	memcg_reclaim(size);
	/* Reading memory.stat flushes: the statistics show the limit reached. */
	zswap = read_key(CG_NAME "/memory.stat", "zswap");
	ASSERT_GE(zswap, 64L << 10);

	/* Free 32 pages' zswap entries: fewer updates than a CPU's batch. */
	ASSERT_EQ(mincore(mem, size, vec), 0);
	for (i = 0; i < pages && freed < 32; i++) {
		if (vec[i] & 1)
			continue;
		ASSERT_EQ(madvise(mem + i * page_size, page_size,
				  MADV_DONTNEED), 0);
		freed++;
	}
	ASSERT_EQ(freed, 32);
	stored = read_vmstat("zswpout");
	memcg_reclaim(size);
	stored = read_vmstat("zswpout") - stored;
	TH_LOG("zswap at its limit (%ld bytes), %zu entries freed: %ld pages stored after",
	       zswap, freed, stored);
	EXPECT_GT(stored, 0);
	/* The freed pages read as zero, every other page as written. */
	EXPECT_EQ(verify(mem, size, FILL_TEXT), (long)freed);
	ASSERT_EQ(write_str(CG_NAME "/memory.zswap.max", "max"), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	free(vec);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * Read one byte of each page of [mem, mem + size) in order, or (@random)
 * in a fixed random order: every page faults once.
 */
static void touch_pages(uint8_t *mem, size_t size, bool random)
{
	unsigned long n = size / page_size, i, j, tmp, *order;
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	order = malloc(n * sizeof(*order));
	if (!order)
		return;
	for (i = 0; i < n; i++)
		order[i] = i;
	for (i = n - 1; random && i > 0; i--) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		j = x % (i + 1);
		tmp = order[i];
		order[i] = order[j];
		order[j] = tmp;
	}
	for (i = 0; i < n; i++)
		FORCE_READ(mem[order[i] * page_size]);
	free(order);
}

/*
 * Faults on slots whose data is in zswap: in order, they read ahead in the
 * VMA's window and the folios keep their slots (most faults find their
 * page in the swap cache, as on a disk); in random order, each reads its
 * one page and frees its slot in the fault.
 */
static void swapin_order(struct __test_metadata *_metadata,
			 const struct vswap_baseline *base, bool random)
{
	size_t size = 8UL << 20;
	long swapped, ra, hits, kept;
	struct vswap_counters out;
	uint8_t *mem;

	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_TEXT);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	swapped = swapped_pages(mem, size);
	ASSERT_GE(swapped, (long)(size / page_size / 2));

	ra = read_vmstat("swap_ra");
	hits = read_vmstat("swap_ra_hit");
	touch_pages(mem, size, random);
	ra = read_vmstat("swap_ra") - ra;
	hits = read_vmstat("swap_ra_hit") - hits;
	snapshot(&out);
	kept = out.used - base->idle.used;
	TH_LOG("%s: %ld pages swapped in, %ld read ahead, %ld readahead hits, %ld slots kept",
	       random ? "random" : "in order", swapped, ra, hits, kept);
	if (random) {
		EXPECT_LT(ra, swapped / 8);
		EXPECT_LT(kept, swapped / 8);
	} else {
		EXPECT_GE(ra, swapped / 2);
		EXPECT_GE(hits, swapped / 2);
		EXPECT_GE(kept, swapped / 2);
	}
	EXPECT_EQ(verify(mem, size, FILL_TEXT), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &base->idle);
}

TEST_F(vswap, swapin_in_order_reads_ahead)
{
	swapin_order(_metadata, &self->base, false);
}

TEST_F(vswap, swapin_random_reads_one)
{
	swapin_order(_metadata, &self->base, true);
}

/* Swapped pages shared by fork: both sides read them, then COW them. */
TEST_F(vswap, fork_cow)
{
	size_t size = 16UL << 20;
	int status;
	uint8_t *mem;
	pid_t pid;

	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_MIXED);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	ASSERT_GE(swapped_pages(mem, size), (long)(size / page_size / 2));

	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		/* Read the shared swapped pages, then write our own copy. */
		if (verify(mem, size, FILL_MIXED))
			_exit(1);
		fill(mem, size, FILL_TEXT);
		madvise(mem, size, MADV_PAGEOUT);
		if (verify(mem, size, FILL_TEXT))
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);

	/* The parent's copy is untouched by the child's writes. */
	EXPECT_EQ(verify(mem, size, FILL_MIXED), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

/* Counter @stat of the THP size of @order, in its sysfs stats. */
static long thp_stat(unsigned int order, const char *stat)
{
	char path[256];

	snprintf(path, sizeof(path), THP_DIR "hugepages-%lukB/stats/%s",
		 (page_size << order) >> 10, stat);
	return read_long(path);
}

/*
 * Let anon memory that asks for it (MADV_HUGEPAGE) get folios of one
 * order, and none of another size. Returns false if the kernel has no
 * THP of that order. The fixture's teardown restores the settings.
 */
static bool thp_use_order(unsigned int order)
{
	struct thp_settings s;
	int i;

	if (!thp_available() || !(thp_supported_orders() & (1UL << order)))
		return false;
	s = *thp_current_settings();
	s.thp_enabled = THP_MADVISE;
	for (i = 0; i < NR_ORDERS; i++)
		s.hugepages[i].enabled = THP_NEVER;
	s.hugepages[order].enabled = THP_ALWAYS;
	thp_push_settings(&s);
	return true;
}

static unsigned int pmd_order(void)
{
	uint64_t pmd = read_pmd_pagesize();

	return pmd ? sz2ord(pmd, page_size) : 0;
}

/*
 * Large folios of @order swap out whole: they get contiguous virtual
 * slots (no split), and their data comes back intact. Text goes to
 * zswap; same-filled pages (@kind FILL_SAME) stay in the virtual table,
 * each page with its own value.
 */
static void large_folio_swap(struct __test_metadata *_metadata,
			     const struct vswap_baseline *self,
			     unsigned int order, enum fill_kind kind)
{
	size_t folio_size = page_size << order;
	size_t size = 4 * read_pmd_pagesize(), nr_folios = size / folio_size;
	long swpout, fallback, nr_fill;
	uint8_t *mem;

	if (!order || !thp_use_order(order))
		SKIP(return, "no THP of order %u", order);
	swpout = thp_stat(order, "zswpout");
	fallback = thp_stat(order, "swpout_fallback");
	nr_fill = read_long(VSWAP_DIR "fill");
	mem = map_thp(size, kind);
	ASSERT_NE(mem, NULL);
	if (order == pmd_order() &&
	    !check_huge_anon(mem, size, nr_folios, folio_size))
		SKIP(goto out, "no PMD THP could be allocated");
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);

	nr_fill = read_long(VSWAP_DIR "fill") - nr_fill;
	TH_LOG("order %u: zswpout %ld, swpout_fallback %ld, fill %ld, of %zu folios",
	       order, thp_stat(order, "zswpout") - swpout,
	       thp_stat(order, "swpout_fallback") - fallback, nr_fill,
	       nr_folios);
	if (kind == FILL_SAME) {
		EXPECT_EQ(nr_fill, (long)(size / page_size));
		EXPECT_EQ(thp_stat(order, "zswpout") - swpout, 0);
	} else {
		EXPECT_GE(thp_stat(order, "zswpout") - swpout,
			  (long)nr_folios / 2);
		EXPECT_EQ(nr_fill, 0);
	}
	EXPECT_EQ(thp_stat(order, "swpout_fallback") - fallback, 0);
	EXPECT_EQ(swapped_pages(mem, size), (long)(size / page_size));
	EXPECT_EQ(verify(mem, size, kind), 0);
out:
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->idle);
}

TEST_F(vswap, thp_swap)
{
	large_folio_swap(_metadata, &self->base, pmd_order(), FILL_TEXT);
}

/* A size below the PMD: 64 KiB with 4 KiB pages. */
TEST_F(vswap, mthp_swap)
{
	large_folio_swap(_metadata, &self->base, sz2ord(64UL << 10, page_size),
			 FILL_TEXT);
}

/*
 * Order-0 swap-out fills the holes that swap-in leaves in clusters of
 * large folios. PMD THPs of text go to zswap on clusters of their order;
 * writing every second page takes that page back and frees its slot (a
 * fault is order 0), leaving each cluster half used. The order-0 pages
 * swapped out next must take those holes: a new cluster for them would
 * leave the half-used ones' metadata (the whole cluster's tables, for
 * the slots still in use) in place for as long as those slots live.
 */
TEST_F_TIMEOUT(vswap, sparse_clusters_refilled, 120)
{
	size_t pmd = read_pmd_pagesize(), size = 16 * pmd;
	size_t pages = size / page_size, small = 12UL << 20;
	struct vswap_counters half, after;
	uint8_t *mem, *more;
	unsigned long i;

	if (!pmd || !thp_use_order(pmd_order()))
		SKIP(return, "no PMD THP");
	mem = map_thp(size, FILL_TEXT);
	ASSERT_NE(mem, NULL);
	if (!check_huge_anon(mem, size, size / pmd, pmd))
		SKIP(goto out, "no PMD THP could be allocated");
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	ASSERT_EQ(swapped_pages(mem, size), (long)pages);

	/* The same bytes again: a write fault, which frees the slot. */
	for (i = 0; i < pages; i += 2)
		fill_page(mem + i * page_size, i, FILL_TEXT);
	snapshot(&half);
	EXPECT_EQ(swapped_pages(mem, size), (long)pages / 2);

	more = map_anon(small, MADV_NOHUGEPAGE);
	ASSERT_NE(more, NULL);
	fill(more, small, FILL_TEXT);
	ASSERT_EQ(madvise(more, small, MADV_PAGEOUT), 0);
	snapshot(&after);
	TH_LOG("%zu THP pages out, half back: %ld slots in %ld clusters",
	       pages, half.used - self->base.idle.used,
	       half.clusters - self->base.idle.clusters);
	TH_LOG("then %ld order-0 pages out: %ld slots in %ld clusters, %ld meta bytes",
	       swapped_pages(more, small), after.used - self->base.idle.used,
	       after.clusters - self->base.idle.clusters,
	       read_long(VSWAP_DIR "meta_bytes"));
	ASSERT_EQ(swapped_pages(more, small), (long)(small / page_size));
	/* 3,072 pages fit in the 4,096 holes: one new cluster at most. */
	EXPECT_LE(after.clusters - half.clusters, 1);

	EXPECT_EQ(verify(more, small, FILL_TEXT), 0);
	ASSERT_EQ(munmap(more, small), 0);
	EXPECT_EQ(verify(mem, size, FILL_TEXT), 0);
out:
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * A cluster's tables (about 9 KiB for 512 slots) live as long as any of
 * its slots: THPs paged out to zswap and read back a page at a time leave
 * each of their clusters with a few slots. The memcg that made a cluster
 * stays charged for all of it (review N4), so the kernel memory the layer
 * holds is never left uncharged, however sparse its clusters.
 */
TEST_F_TIMEOUT(vswap, sparse_clusters_charged, 120)
{
	size_t pmd = read_pmd_pagesize(), size = 16 * pmd;
	size_t pages = size / page_size;
	long kernel, meta, live, uncharged;
	struct vswap_counters sparse;
	uint8_t *mem;
	unsigned long i;

	if (!pmd || !thp_use_order(pmd_order()))
		SKIP(return, "no PMD THP");
	mem = map_thp(size, FILL_TEXT);
	ASSERT_NE(mem, NULL);
	if (!check_huge_anon(mem, size, size / pmd, pmd))
		SKIP(goto out, "no PMD THP could be allocated");
	kernel = read_key(CG_NAME "/memory.stat", "kernel");
	meta = read_long(VSWAP_DIR "meta_bytes");
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	ASSERT_EQ(swapped_pages(mem, size), (long)pages);

	/* All but one page of every 64 back, by a write fault. */
	for (i = 0; i < pages; i++)
		if (i % 64)
			fill_page(mem + i * page_size, i, FILL_TEXT);
	snapshot(&sparse);
	kernel = read_key(CG_NAME "/memory.stat", "kernel") - kernel;
	meta = read_long(VSWAP_DIR "meta_bytes") - meta;
	live = sparse.used - self->base.idle.used;
	uncharged = meta > kernel ? meta - kernel : 0;
	TH_LOG("%ld slots in %ld clusters: meta +%ld, kernel +%ld, %ld uncharged",
	       live, sparse.clusters - self->base.idle.clusters, meta, kernel,
	       uncharged);
	/*
	 * Count slots, not pages out of memory: the faults' readahead may
	 * bring some of the pages left out into the swap cache, where they
	 * keep their slots.
	 */
	ASSERT_EQ(live, (long)pages / 64);
	ASSERT_GT(meta, 0);
	/* A tenth for charges that moved meanwhile (zswap's, page tables). */
	EXPECT_LE(uncharged, meta / 10);

	EXPECT_EQ(verify(mem, size, FILL_TEXT), 0);
out:
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

TEST_F(vswap, thp_same_filled)
{
	large_folio_swap(_metadata, &self->base, pmd_order(), FILL_SAME);
}

/* tmpfs pages go to zswap too, with no swap device behind it. */
/*
 * THPs whose first page does not compress, with no swap device: zswap
 * refuses each folio whole, and reclaim splits it, so that its other
 * pages go to zswap one by one and only the refused page stays in memory
 * (before, all 512 stayed). The split counts as a swap-out fallback.
 */
TEST_F(vswap, thp_partly_incompressible)
{
	size_t pmd = read_pmd_pagesize(), size = 4 * pmd;
	long pages = size / page_size, folios = size / pmd;
	struct vswap_counters before, after;
	long fallback;
	uint8_t *mem;

	if (!pmd_order() || !thp_use_order(pmd_order()))
		SKIP(return, "no PMD THP");
	pmd_pages = pmd / page_size;
	fallback = thp_stat(pmd_order(), "swpout_fallback");
	snapshot(&before);
	mem = map_thp(size, FILL_HEAD_RANDOM);
	ASSERT_NE(mem, NULL);
	if (!check_huge_anon(mem, size, folios, pmd))
		SKIP(goto out, "no PMD THP could be allocated");
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	snapshot(&after);
	TH_LOG("%ld pages in %ld THPs: zswap %ld, split %ld, kept %ld, fallback %ld",
	       pages, folios, after.zswap - before.zswap,
	       after.split - before.split,
	       after.kept_resident - before.kept_resident,
	       thp_stat(pmd_order(), "swpout_fallback") - fallback);
	EXPECT_EQ(after.split - before.split, folios);
	EXPECT_EQ(thp_stat(pmd_order(), "swpout_fallback") - fallback, folios);
	EXPECT_EQ(after.zswap - before.zswap, pages - folios);
	EXPECT_EQ(verify(mem, size, FILL_HEAD_RANDOM), 0);
out:
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

TEST_F(vswap, shmem_pageout)
{
	size_t size = 16UL << 20, pages = size / page_size;
	struct vswap_counters out;
	uint8_t *mem;
	int fd;

	fd = memfd_create("vswap_selftest", 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(ftruncate(fd, size), 0);
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(mem, MAP_FAILED);
	fill(mem, size, FILL_MIXED);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);

	snapshot(&out);
	TH_LOG("%ld slots used: zswap %ld, zero %ld, fill %ld",
	       out.used - self->base.idle.used,
	       out.zswap - self->base.idle.zswap, out.zero - self->base.idle.zero,
	       out.fill - self->base.idle.fill);
	EXPECT_GE(out.used - self->base.idle.used, (long)pages / 2);
	EXPECT_EQ(out.zswap - self->base.idle.zswap + out.zero - self->base.idle.zero +
		  out.fill - self->base.idle.fill,
		  out.used - self->base.idle.used);
	EXPECT_GT(out.zswap - self->base.idle.zswap, 0);
	EXPECT_GT(out.zero - self->base.idle.zero, 0);
	EXPECT_GT(out.fill - self->base.idle.fill, 0);

	EXPECT_EQ(verify(mem, size, FILL_MIXED), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	ASSERT_EQ(close(fd), 0);
	expect_idle(_metadata, &self->base.idle);
}

/* Write @kind data to @fd at @off, @size bytes, through write(2). */
static int pwrite_fill(int fd, off_t off, size_t size, enum fill_kind kind)
{
	uint8_t *buf = malloc(size);
	ssize_t n;

	if (!buf)
		return -1;
	fill(buf, size, kind);
	n = pwrite(fd, buf, size, off);
	free(buf);
	return n == (ssize_t)size ? 0 : -1;
}

/* Pages at @off of @fd, read with read(2), that are not @kind data. */
static long pread_verify(int fd, off_t off, size_t size, enum fill_kind kind)
{
	uint8_t *buf = malloc(size);
	long bad;

	if (!buf || pread(fd, buf, size, off) != (ssize_t)size) {
		free(buf);
		return -1;
	}
	bad = verify(buf, size, kind);
	free(buf);
	return bad;
}

/*
 * Reclaim @size bytes of tmpfs pages from the test's cgroup, after a read
 * of memory.stat has flushed the statistics reclaim sizes its scan from
 * (as in swap_events_writeback).
 */
static void shmem_reclaim(size_t size)
{
	read_key(CG_NAME "/memory.stat", "shmem");
	memcg_reclaim(2 * size);
}

/*
 * tmpfs with no swap device: zswap refuses random data, and the page goes
 * back to the page cache and loses its virtual slot, with the refusal
 * noted on it. Reclaim must not compress the same data again on every
 * pass (7.3 does not try at all without a swap device), nor scan it: the
 * refused pages are counted (debugfs shmem_refused) with the cgroup's
 * refused anon pages, and reclaim stops scanning the cgroup's anon LRUs
 * once they are all refused. Once the data changes, by write(2) or
 * through a mapping, zswap must get it again, and the count drops.
 */
TEST_F(vswap, shmem_incompressible_once)
{
	size_t size = 8UL << 20, pages = size / page_size, q = size / 4;
	long rejects, text_in, random_in, refused, scanned;
	uint8_t *mem, *buf;
	int fd;

	fd = memfd_create("vswap_selftest", 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(pwrite_fill(fd, 0, size, FILL_RANDOM), 0);

	rejects = zswap_rejects();
	refused = read_long(VSWAP_DIR "shmem_refused");
	shmem_reclaim(size);
	rejects = zswap_rejects() - rejects;
	refused = read_long(VSWAP_DIR "shmem_refused") - refused;
	TH_LOG("first pass: %ld of %zu pages refused, %ld counted", rejects,
	       pages, refused);
	/*
	 * Reclaim may leave 1/64 of the cgroup's anon LRU pages untried,
	 * the test's own pages among them, and stops.
	 */
	EXPECT_GE(rejects, (long)(pages - pages / 32));
	EXPECT_LE(rejects, (long)pages);
	EXPECT_EQ(refused, rejects);

	rejects = zswap_rejects();
	scanned = read_vmstat("pgscan_anon");
	shmem_reclaim(size);
	rejects = zswap_rejects() - rejects;
	scanned = read_vmstat("pgscan_anon") - scanned;
	TH_LOG("second pass: %ld pages compressed and refused again, %ld anon pages scanned",
	       rejects, scanned);
	EXPECT_EQ(rejects, 0);
	/* 7.3 scans none (no swap device): two batches of 32, not every page. */
	EXPECT_LE(scanned, 64);

	/* New data through write(2) and through a mapping goes to zswap. */
	ASSERT_EQ(pwrite_fill(fd, 0, q, FILL_TEXT), 0);
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(mem, MAP_FAILED);
	fill(mem + q, q, FILL_TEXT);
	ASSERT_EQ(munmap(mem, size), 0);
	/*
	 * Two passes: pages unmapped with young entries were referenced, and
	 * reclaim rotates them once.
	 */
	rejects = zswap_rejects();
	shmem_reclaim(size);
	shmem_reclaim(size);
	rejects = zswap_rejects() - rejects;
	mem = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	ASSERT_NE(mem, MAP_FAILED);
	text_in = resident_pages(mem, 2 * q);
	random_in = resident_pages(mem + 2 * q, 2 * q);
	ASSERT_EQ(munmap(mem, size), 0);
	refused = read_long(VSWAP_DIR "shmem_refused") - self->base.idle.shmem_refused;
	TH_LOG("half rewritten: %ld refused; resident text %ld, random %ld of %zu; %ld counted",
	       rejects, text_in, random_in, pages / 2, refused);
	EXPECT_EQ(rejects, 0);
	EXPECT_GE(refused, (long)(pages / 2 - pages / 32));
	EXPECT_LE(refused, (long)pages / 2);
	EXPECT_EQ(text_in, 0);
	EXPECT_EQ(random_in, (long)pages / 2);

	EXPECT_EQ(pread_verify(fd, 0, q, FILL_TEXT), 0);
	EXPECT_EQ(pread_verify(fd, q, q, FILL_TEXT), 0);
	/*
	 * The random half as written (fill() numbers pages from the start
	 * of the file): every page of the first half differs, none of the
	 * second.
	 */
	buf = malloc(size);
	ASSERT_NE(buf, NULL);
	ASSERT_EQ(pread(fd, buf, size, 0), (ssize_t)size);
	EXPECT_EQ(verify(buf, size, FILL_RANDOM), (long)pages / 2);
	EXPECT_EQ(verify(buf + 2 * q, q, FILL_TEXT), (long)(q / page_size));
	free(buf);
	ASSERT_EQ(close(fd), 0);
	expect_idle(_metadata, &self->base.idle);
}

/* A process that exits with everything swapped out frees every slot. */
TEST_F(vswap, exit_frees_slots)
{
	size_t size = 32UL << 20;
	struct vswap_counters out;
	int ready[2], done[2], status;
	uint8_t *mem;
	char c = 0;
	pid_t pid;

	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(done), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		mem = map_anon(size, MADV_NOHUGEPAGE);
		if (!mem)
			_exit(1);
		fill(mem, size, FILL_MIXED);
		madvise(mem, size, MADV_PAGEOUT);
		if (write(ready[1], &c, 1) != 1)
			_exit(1);
		/* Wait for the parent to look, then exit without unmapping. */
		if (read(done[0], &c, 1) != 1)
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(read(ready[0], &c, 1), 1);
	snapshot(&out);
	TH_LOG("child holds %ld slots in %ld clusters",
	       out.used - self->base.idle.used, out.clusters - self->base.idle.clusters);
	EXPECT_GE(out.used - self->base.idle.used, (long)(size / page_size / 2));
	ASSERT_EQ(write(done[1], &c, 1), 1);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * Swapped-out memory stays visible: /proc/meminfo's SwapVirtual counts
 * virtual slots whose data no swap device holds, and memory.stat's
 * vswap the bytes a cgroup has in virtual slots (the root's: all of
 * them). Zero, same-filled and zswap pages, no disk.
 */
TEST_F(vswap, usage_visible)
{
	size_t size = 16UL << 20;
	long meminfo, stat, root, swapped;
	struct vswap_counters out;
	uint8_t *mem;

	meminfo = meminfo_kib("SwapVirtual");
	stat = read_key(CG_NAME "/memory.stat", "vswap");
	ASSERT_GE(meminfo, 0);
	ASSERT_GE(stat, 0);
	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_MIXED);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	swapped = swapped_pages(mem, size);
	snapshot(&out);
	root = read_key(CG_ROOT "/memory.stat", "vswap");
	TH_LOG("%ld pages out: SwapVirtual +%ld kB, memory.stat vswap +%ld, root %ld",
	       swapped, meminfo_kib("SwapVirtual") - meminfo,
	       read_key(CG_NAME "/memory.stat", "vswap") - stat, root);
	ASSERT_GE(swapped, (long)(size / page_size / 2));
	EXPECT_EQ(meminfo_kib("SwapVirtual") - meminfo,
		  swapped * (long)page_size / 1024);
	EXPECT_EQ(read_key(CG_NAME "/memory.stat", "vswap") - stat,
		  swapped * (long)page_size);
	if (root >= 0)
		EXPECT_EQ(root, out.used * (long)page_size);

	EXPECT_EQ(verify(mem, size, FILL_MIXED), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	EXPECT_EQ(meminfo_kib("SwapVirtual"), meminfo);
	EXPECT_EQ(read_key(CG_NAME "/memory.stat", "vswap"), stat);
	expect_idle(_metadata, &self->base.idle);
}

/* A thread that reads a region in a scattered order while a drain runs. */
struct drain_reader {
	uint8_t *mem;
	size_t size;
	enum fill_kind kind;
	long bad;
};

static void *drain_reader(void *arg)
{
	struct drain_reader *r = arg;
	unsigned long n = r->size / page_size, i, j;
	uint8_t *expect = malloc(page_size);

	if (!expect) {
		r->bad = -1;
		return NULL;
	}
	/* n is a power of two and the step odd: every page, once each. */
	for (j = 0; j < n; j++) {
		i = (j * 7919) % n;
		fill_page(expect, i, r->kind);
		if (memcmp(r->mem + i * page_size, expect, page_size))
			r->bad++;
	}
	free(expect);
	return NULL;
}

/* Write 1 to vswap_drain: 0, or the error the write failed with. */
static int drain(void)
{
	return write_str(VSWAP_DRAIN, "1");
}

/*
 * The drain brings every virtual slot's data back: anon memory of this
 * process (read by a thread meanwhile), of a child that faults its own
 * region back in at the same time, and a tmpfs file. Afterwards the
 * virtual device and zswap hold nothing, and every byte is what was
 * written. Without the drain nothing would move: the slots stay until
 * their pages are touched.
 */
TEST_F_TIMEOUT(vswap, drain_empties_virtual_space, 300)
{
	size_t size = 64UL << 20, fsize = 8UL << 20;
	struct drain_reader r = { .size = size, .kind = FILL_MIXED };
	int ready[2], go[2], status, fd;
	struct vswap_counters out;
	long swapped, drained;
	uint8_t *mem, *fmem;
	pthread_t thread;
	char c = 0;
	pid_t pid;

	ASSERT_EQ(access(VSWAP_DRAIN, W_OK), 0);
	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(go), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		/* Fault the region back in, last page first, on the go. */
		mem = map_anon(size, MADV_NOHUGEPAGE);
		if (!mem)
			_exit(1);
		fill(mem, size, FILL_TEXT);
		if (madvise(mem, size, MADV_PAGEOUT) ||
		    swapped_pages(mem, size) < (long)(size / page_size / 2))
			_exit(2);
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		fmem = malloc(page_size);
		if (!fmem)
			_exit(1);
		for (swapped = size / page_size - 1; swapped >= 0; swapped--) {
			fill_page(fmem, swapped, FILL_TEXT);
			if (memcmp(mem + swapped * page_size, fmem, page_size))
				_exit(3);
		}
		_exit(0);
	}

	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_MIXED);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	swapped = swapped_pages(mem, size);
	fd = memfd_create("vswap_selftest_drain", 0);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(ftruncate(fd, fsize), 0);
	fmem = mmap(NULL, fsize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(fmem, MAP_FAILED);
	fill(fmem, fsize, FILL_TEXT);
	ASSERT_EQ(madvise(fmem, fsize, MADV_PAGEOUT), 0);
	ASSERT_EQ(munmap(fmem, fsize), 0);
	ASSERT_EQ(read(ready[0], &c, 1), 1);

	snapshot(&out);
	drained = read_long(VSWAP_DIR "drained");
	TH_LOG("before: %ld slots (%ld mine), zswap %ld, zero %ld, fill %ld; stored %ld",
	       out.used, swapped, out.zswap, out.zero, out.fill,
	       read_long(ZSWAP_DIR "stored_pages"));
	ASSERT_GE(swapped, (long)(size / page_size / 2));
	ASSERT_GE(out.used, swapped + (long)(size / page_size / 2));
	EXPECT_EQ(read_long(VSWAP_DRAIN), out.used);

	/* The child and the thread fault while the drain walks. */
	ASSERT_EQ(write(go[1], &c, 1), 1);
	r.mem = mem;
	ASSERT_EQ(pthread_create(&thread, NULL, drain_reader, &r), 0);
	EXPECT_EQ(drain(), 0);
	ASSERT_EQ(pthread_join(thread, NULL), 0);

	snapshot(&out);
	TH_LOG("after: %ld slots, zswap %ld, zero %ld, fill %ld, %ld clusters; stored %ld",
	       out.used, out.zswap, out.zero, out.fill, out.clusters,
	       read_long(ZSWAP_DIR "stored_pages"));
	TH_LOG("zswap pool %ld bytes; %ld slots drained",
	       read_long(ZSWAP_DIR "pool_total_size"),
	       read_long(VSWAP_DIR "drained") - drained);
	EXPECT_EQ(out.used, 0);
	EXPECT_EQ(out.zswap + out.zero + out.fill + out.phys + out.swapcache, 0);
	EXPECT_EQ(out.clusters, 0);
	EXPECT_EQ(read_long(ZSWAP_DIR "stored_pages"), 0);
	EXPECT_EQ(read_long(ZSWAP_DIR "pool_total_size"), 0);
	EXPECT_GT(read_long(VSWAP_DIR "drained") - drained, 0);
	EXPECT_EQ(read_long(VSWAP_DRAIN), 0);

	/* Mapped again, not waiting in swap: no fault needed to read it. */
	EXPECT_EQ(swapped_pages(mem, size), 0);
	EXPECT_EQ(resident_pages(mem, size), (long)(size / page_size));
	EXPECT_EQ(r.bad, 0);
	EXPECT_EQ(verify(mem, size, FILL_MIXED), 0);
	EXPECT_EQ(pread_verify(fd, 0, fsize, FILL_TEXT), 0);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	ASSERT_EQ(close(fd), 0);
}

/*
 * In a forked child: join CG_OOM, map @size bytes of @kind pages and
 * page them out. A failure ends the child with status 1.
 */
static uint8_t *cg_oom_child_pageout(size_t size, enum fill_kind kind)
{
	char pid[32];
	uint8_t *mem;

	munlockall();
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (write_str(CG_OOM "/cgroup.procs", pid))
		_exit(1);
	mem = map_anon(size, MADV_NOHUGEPAGE);
	if (!mem)
		_exit(1);
	fill(mem, size, kind);
	if (madvise(mem, size, MADV_PAGEOUT))
		_exit(1);
	return mem;
}

/*
 * A drain whose data does not fit fails, and loses nothing: a child in a
 * cgroup that holds a quarter of its swapped region. The drain stops
 * with ENOMEM and the OOM killer is not called; the slots it did not
 * reach keep their data, and once the cgroup may grow, the child reads
 * every byte back and a second drain empties the device.
 */
TEST_F_TIMEOUT(vswap, drain_fails_cleanly, 300)
{
	size_t size = 64UL << 20;
	int ready[2], go[2], status;
	long used, left, ooms, cur;
	char c = 0, buf[32];
	pid_t pid;

	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(go), 0);
	ASSERT_EQ(mkdir(CG_OOM, 0755), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		uint8_t *mem = cg_oom_child_pageout(size, FILL_TEXT);

		buf[0] = swapped_pages(mem, size) >= (long)(size / page_size / 2);
		if (write(ready[1], buf, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(verify(mem, size, FILL_TEXT) ? 3 : 0);
	}
	ASSERT_EQ(read(ready[0], buf, 1), 1);
	ASSERT_EQ(buf[0], 1);
	/* Room for a quarter of the region beyond what is charged now. */
	cur = read_long(CG_OOM "/memory.current");
	snprintf(buf, sizeof(buf), "%zu", cur + size / 4);
	ASSERT_EQ(write_str(CG_OOM "/memory.max", buf), 0);
	ooms = read_key(CG_OOM "/memory.events", "oom_kill");
	used = read_long(VSWAP_DIR "used");

	EXPECT_EQ(drain(), -ENOMEM);
	left = read_long(VSWAP_DIR "used");
	TH_LOG("%ld slots; memcg of %ld + %zu bytes: drain left %ld, %ld OOM kills",
	       used, cur, size / 4, left,
	       read_key(CG_OOM "/memory.events", "oom_kill") - ooms);
	EXPECT_GT(left, 0);
	EXPECT_LT(left, used);
	EXPECT_EQ(read_key(CG_OOM "/memory.events", "oom_kill"), ooms);
	EXPECT_EQ(kill(pid, 0), 0);

	/* Room again: every byte back, and a second drain empties it. */
	ASSERT_EQ(write_str(CG_OOM "/memory.max", "max"), 0);
	EXPECT_EQ(drain(), 0);
	EXPECT_EQ(read_long(VSWAP_DIR "used"), 0);
	ASSERT_EQ(write(go[1], &c, 1), 1);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	ASSERT_EQ(rmdir(CG_OOM), 0);
}

/* Only "1" asks for a drain; anything else is refused. */
TEST_F(vswap, drain_bad_input)
{
	EXPECT_EQ(write_str(VSWAP_DRAIN, "0"), -EINVAL);
	EXPECT_EQ(write_str(VSWAP_DRAIN, "y"), -EINVAL);
	EXPECT_EQ(write_str(VSWAP_DRAIN, "drain"), -EINVAL);
}

/*
 * With a swap device.
 */
#define SWAPFILE	"vswap_selftest.swap"
#define CG_RM		CG_ROOT "/vswap_selftest_rm"
#define CG_OWN		CG_ROOT "/vswap_selftest_owner"
#define NULLB_DIR	"/sys/kernel/config/nullb/"
#define NULLB		NULLB_DIR "vswap_selftest"

/* The swap set-up of a vswap_disk test, and what the test changed. */
struct swap_setup {
	char dev[256];		/* the swap device found at setup */
	char swapfile[512];	/* absolute, as /proc/swaps shows it */
	char other[64];		/* another swap device a test turned on */
	int dev_off;		/* a test turned it off */
};

FIXTURE(vswap_disk) {
	struct vswap_baseline base;
	struct swap_setup sw;
};

/* The first swap device of /proc/swaps. */
static int first_swap_device(char *dev, size_t len)
{
	char line[512], fmt[32];
	FILE *f = fopen("/proc/swaps", "r");
	int ret = -1;

	if (!f)
		return -1;
	snprintf(fmt, sizeof(fmt), "%%%zus", len - 1);
	if (fgets(line, sizeof(line), f) && fgets(line, sizeof(line), f) &&
	    sscanf(line, fmt, dev) == 1)
		ret = 0;
	fclose(f);
	return ret;
}

/* Used KiB of swap device @dev in /proc/swaps, -1 if it is not on. */
static long swap_used_kib(const char *dev)
{
	char line[512], name[256], type[32];
	long size, used, ret = -1;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s %31s %ld %ld", name, type, &size,
			   &used) == 4 && !strcmp(name, dev))
			ret = used;
	fclose(f);
	return ret;
}

FIXTURE_SETUP(vswap_disk)
{
	page_size = sysconf(_SC_PAGESIZE);
	if (access(VSWAP_DIR "phys", R_OK))
		SKIP(return, "no " VSWAP_DIR "phys: not a CONFIG_VSWAP kernel?");
	if (swap_devices() < 1)
		SKIP(return, "these tests need a swap device");
	ASSERT_EQ(first_swap_device(self->sw.dev, sizeof(self->sw.dev)), 0);
	self->sw.dev_off = 0;
	self->sw.other[0] = 0;
	ASSERT_NE(getcwd(self->sw.swapfile, sizeof(self->sw.swapfile) - 32), NULL);
	strcat(self->sw.swapfile, "/" SWAPFILE);
	setup_common(_metadata, &self->base, 'Y');
}

static void nullb_remove(void)
{
	write_str(NULLB "/power", "0");
	rmdir(NULLB);
}

FIXTURE_TEARDOWN(vswap_disk)
{
	swapoff(self->sw.swapfile);
	unlink(self->sw.swapfile);
	if (self->sw.other[0])
		swapoff(self->sw.other);
	nullb_remove();
	if (self->sw.dev_off)
		swapon(self->sw.dev, 0);
	teardown_common(&self->base);
	rmdir(CG_RM "/child");
	rmdir(CG_RM);
	rmdir(CG_OWN "/child");
	rmdir(CG_OWN);
}

/*
 * Write the header of a swap area of @pages pages to @fd (mkswap's
 * format). A block device needs no more; the rest of it is never read
 * before it is written.
 */
static int write_swap_header(int fd, unsigned long pages)
{
	uint8_t *hdr = calloc(1, page_size);
	uint32_t *words = (uint32_t *)(hdr + 1024);
	int ret = -1;

	if (!hdr)
		return -1;
	words[0] = 1;			/* version */
	words[1] = pages - 1;		/* last page */
	memcpy(hdr + page_size - 10, "SWAPSPACE2", 10);
	if (pwrite(fd, hdr, page_size, 0) == (ssize_t)page_size)
		ret = fsync(fd);
	free(hdr);
	return ret;
}

/*
 * Write an empty swap area of @pages pages to @fd, zeros after the
 * header: swapon takes no file with holes in it.
 */
static int write_swap_area(int fd, unsigned long pages)
{
	uint8_t *zero = calloc(1, page_size);
	unsigned long i;
	int ret = -1;

	if (!zero)
		return -1;
	for (i = 1; i < pages; i++)
		if (pwrite(fd, zero, page_size, i * page_size) !=
		    (ssize_t)page_size)
			goto out;
	ret = write_swap_header(fd, pages);
out:
	free(zero);
	return ret;
}

/*
 * Replace the swap device with a swap file of @bytes in the current
 * directory. Returns false (and the device stays on) if the filesystem
 * does not take swap files.
 */
static bool use_swapfile(struct __test_metadata *_metadata,
			 struct swap_setup *sw, size_t bytes)
{
	int fd = open(sw->swapfile, O_CREAT | O_TRUNC | O_RDWR, 0600);

	ASSERT_GE(fd, 0);
	ASSERT_EQ(write_swap_area(fd, bytes / page_size), 0);
	close(fd);
	ASSERT_EQ(swapoff(sw->dev), 0);
	sw->dev_off = 1;
	if (swapon(sw->swapfile, 0)) {
		TH_LOG("swapon %s: %s", sw->swapfile, strerror(errno));
		ASSERT_EQ(swapon(sw->dev, 0), 0);
		sw->dev_off = 0;
		unlink(sw->swapfile);
		return false;
	}
	return true;
}

/* Undo use_swapfile(). */
static void back_to_device(struct __test_metadata *_metadata,
			   struct swap_setup *sw)
{
	ASSERT_EQ(swapoff(sw->swapfile), 0);
	unlink(sw->swapfile);
	ASSERT_EQ(swapon(sw->dev, 0), 0);
	sw->dev_off = 0;
}

/* How much each counter moved between two snapshots. */
static struct vswap_counters vdiff(const struct vswap_counters *now,
				   const struct vswap_counters *then)
{
	struct vswap_counters d;
	const long *a = (const long *)now, *b = (const long *)then;
	long *out = (long *)&d;
	size_t i;

	for (i = 0; i < sizeof(d) / sizeof(long); i++)
		out[i] = a[i] - b[i];
	return d;
}

/*
 * With a swap device, what auto gives no virtual slot takes a physical
 * slot directly, as without the layer: on the device's own swap type,
 * charged to memory.swap, no virtual slot, no reverse map; zero pages keep
 * 7.3's handling (a slot with its zero flag, no IO). always gives the
 * same pages virtual slots backed by physical ones.
 */
static void policy_disk(struct __test_metadata *_metadata,
			const struct vswap_baseline *base,
			const struct swap_setup *sw, const char *mode,
			enum fill_kind kind)
{
	size_t size = 8UL << 20;
	long pages = size / page_size, disk_kib = swap_used_kib(sw->dev);
	long pswpout = read_vmstat("pswpout");
	long swpout_zero = read_vmstat("swpout_zero");
	bool always = !strcmp(mode, "always");
	struct vswap_counters out, d;
	long swapped;
	uint8_t *mem;
	int type;

	ASSERT_EQ(write_str(VSWAP_SWITCH, mode), 0);
	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, kind);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	swapped = swapped_pages(mem, size);
	type = swap_type_of(mem, size);
	snapshot(&out);
	d = vdiff(&out, &base->idle);
	TH_LOG("%s: %ld/%ld pages out, type %d, virtual %ld, phys %ld, rmap %ld",
	       mode, swapped, pages, type, d.used, d.phys, d.rmap);
	TH_LOG("disk +%ld KiB, pswpout +%ld, swpout_zero +%ld, swap.current %ld KiB",
	       swap_used_kib(sw->dev) - disk_kib,
	       read_vmstat("pswpout") - pswpout,
	       read_vmstat("swpout_zero") - swpout_zero,
	       read_long(CG_NAME "/memory.swap.current") >> 10);
	ASSERT_GE(swapped, pages / 2);
	ASSERT_GE(type, 0);
	if (always) {
		EXPECT_EQ(d.used, swapped);
	} else {
		EXPECT_EQ(d.used, 0);
		EXPECT_EQ(d.phys, 0);
		EXPECT_EQ(d.rmap, 0);
		/* Every slot is the device's, and memory.swap pays for it. */
		EXPECT_EQ(swap_used_kib(sw->dev) - disk_kib,
			  swapped * (long)page_size / 1024);
		EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"),
			  swapped * (long)page_size);
	}
	if (kind == FILL_ZERO) {
		EXPECT_GE(read_vmstat("swpout_zero") - swpout_zero, swapped);
		EXPECT_EQ(read_vmstat("pswpout"), pswpout);
	} else {
		EXPECT_GE(read_vmstat("pswpout") - pswpout, swapped);
	}
	EXPECT_EQ(verify(mem, size, kind), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &base->idle);
	EXPECT_EQ(swap_used_kib(sw->dev), disk_kib);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), 0);
}

/* zswap off, a disk: auto is 7.3's path; always, virtual slots on disk. */
TEST_F(vswap_disk, policy_zswap_off)
{
	ASSERT_EQ(write_str(ZSWAP_ENABLED, "N"), 0);
	policy_disk(_metadata, &self->base, &self->sw, "auto", FILL_TEXT);
	policy_disk(_metadata, &self->base, &self->sw, "always", FILL_TEXT);
}

TEST_F(vswap_disk, policy_zswap_off_zero_pages)
{
	ASSERT_EQ(write_str(ZSWAP_ENABLED, "N"), 0);
	policy_disk(_metadata, &self->base, &self->sw, "auto", FILL_ZERO);
}

/* zswap on, but not for this cgroup: auto takes physical slots. */
TEST_F(vswap_disk, policy_zswap_max_zero)
{
	ASSERT_EQ(write_str(CG_NAME "/memory.zswap.max", "0"), 0);
	policy_disk(_metadata, &self->base, &self->sw, "auto", FILL_TEXT);
}

/*
 * With a swap device on, in-memory slots still read ahead: a rotational
 * device (QEMU's virtio disk is one) turns the VMA readahead of physical
 * slots off, which must not leave zswap-backed virtual slots with the
 * synchronous path for every fault.
 */
TEST_F(vswap_disk, swapin_in_order_reads_ahead)
{
	swapin_order(_metadata, &self->base, false);
}

/* zswap refuses random data: it goes to disk through virtual slots. */
TEST_F(vswap_disk, incompressible_to_disk)
{
	size_t size = 16UL << 20;
	long pswpout = read_vmstat("pswpout");
	long disk_kib = swap_used_kib(self->sw.dev);
	struct vswap_counters out;
	long swapped, phys;
	uint8_t *mem;

	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_RANDOM);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);

	swapped = swapped_pages(mem, size);
	snapshot(&out);
	phys = vdiff(&out, &self->base.idle).phys;
	TH_LOG("%ld of %zu pages out: phys %ld, rmap %ld, zswap %ld, disk +%ld KiB",
	       swapped, size / page_size, phys, vdiff(&out, &self->base.idle).rmap,
	       vdiff(&out, &self->base.idle).zswap,
	       swap_used_kib(self->sw.dev) - disk_kib);
	ASSERT_GE(swapped, (long)(size / page_size / 2));
	EXPECT_EQ(vdiff(&out, &self->base.idle).used, swapped);
	EXPECT_EQ(phys, swapped);
	EXPECT_EQ(vdiff(&out, &self->base.idle).rmap, phys);
	EXPECT_EQ(vdiff(&out, &self->base.idle).zswap, 0);
	EXPECT_GE(vdiff(&out, &self->base.idle).phys_writeout, phys);
	EXPECT_GE(read_vmstat("pswpout") - pswpout, phys);
	EXPECT_EQ(swap_used_kib(self->sw.dev) - disk_kib, phys * (long)page_size / 1024);
	/* memory.swap charges exactly the disk slots. */
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), phys * (long)page_size);

	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), 0);
	EXPECT_EQ(swap_used_kib(self->sw.dev), disk_kib);
}

/*
 * Data on disk, read back (the folio stays in the swap cache: a disk is
 * not a synchronous device), rewritten as same-filled pages and paged out
 * again: the new data is the slot's FILL value, and the disk copy, now
 * stale, is freed with its charge, not kept beside it.
 */
TEST_F(vswap_disk, fill_replaces_disk_copy)
{
	size_t size = 4UL << 20, pages = size / page_size, i;
	long disk_kib = swap_used_kib(self->sw.dev);
	struct vswap_counters out;
	uint8_t *mem;

	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_RANDOM);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	snapshot(&out);
	ASSERT_EQ(vdiff(&out, &self->base.idle).phys, (long)pages);

	/* Read faults: the pages come back, their slots and disk copy stay. */
	for (i = 0; i < size; i += page_size)
		FORCE_READ(mem[i]);
	snapshot(&out);
	TH_LOG("read back: used %ld, phys %ld, swapcache %ld",
	       vdiff(&out, &self->base.idle).used,
	       vdiff(&out, &self->base.idle).phys,
	       vdiff(&out, &self->base.idle).swapcache);
	ASSERT_EQ(vdiff(&out, &self->base.idle).phys, (long)pages);

	fill(mem, size, FILL_SAME);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	/*
	 * MADV_PAGEOUT unmaps a folio but leaves it dirty in the swap cache
	 * while someone holds a reference for a moment (an LRU batch of
	 * another CPU): memory.reclaim writes those out too.
	 */
	snapshot(&out);
	TH_LOG("paged out: fill %ld, phys %ld", vdiff(&out, &self->base.idle).fill,
	       vdiff(&out, &self->base.idle).phys);
	memcg_reclaim(2 * size);
	snapshot(&out);
	TH_LOG("rewritten: fill %ld, phys %ld, rmap %ld, disk +%ld KiB",
	       vdiff(&out, &self->base.idle).fill,
	       vdiff(&out, &self->base.idle).phys,
	       vdiff(&out, &self->base.idle).rmap,
	       swap_used_kib(self->sw.dev) - disk_kib);
	EXPECT_EQ(swapped_pages(mem, size), (long)pages);
	EXPECT_EQ(vdiff(&out, &self->base.idle).fill, (long)pages);
	EXPECT_EQ(vdiff(&out, &self->base.idle).phys, 0);
	EXPECT_EQ(vdiff(&out, &self->base.idle).rmap, 0);
	EXPECT_EQ(swap_used_kib(self->sw.dev), disk_kib);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), 0);

	EXPECT_EQ(verify(mem, size, FILL_SAME), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

/* A small memory.zswap.max makes zswap write its oldest entries to disk. */
TEST_F(vswap_disk, zswap_writeback)
{
	size_t size = 16UL << 20;
	long zswpwb = read_vmstat("zswpwb");
	struct vswap_counters out;
	long swapped, phys, wb;
	uint8_t *mem;

	ASSERT_EQ(write_str(CG_NAME "/memory.zswap.max", "64K"), 0);
	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_TEXT);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);

	swapped = swapped_pages(mem, size);
	snapshot(&out);
	phys = vdiff(&out, &self->base.idle).phys;
	wb = vdiff(&out, &self->base.idle).writeback;
	TH_LOG("%ld pages out: zswap %ld, phys %ld (written back %ld, refused %ld)",
	       swapped, vdiff(&out, &self->base.idle).zswap, phys, wb,
	       vdiff(&out, &self->base.idle).phys_writeout);
	TH_LOG("memory.zswap.current %ld",
	       read_long(CG_NAME "/memory.zswap.current"));
	ASSERT_GE(swapped, (long)(size / page_size / 2));
	EXPECT_GT(wb, 0);
	EXPECT_EQ(read_vmstat("zswpwb") - zswpwb, wb);
	/* memory.stat is flushed lazily: it may trail the exact counts. */
	EXPECT_GT(read_key(CG_NAME "/memory.stat", "zswpwb"), 0);
	EXPECT_EQ(vdiff(&out, &self->base.idle).zswap + phys, swapped);
	EXPECT_EQ(vdiff(&out, &self->base.idle).rmap, phys);
	/* Written-back pages are charged to memory.swap; zswap ones are not. */
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), phys * (long)page_size);

	EXPECT_EQ(verify(mem, size, FILL_TEXT), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), 0);
}

/* The zswap shrinker of zswap_writeback_races_exit, until *@stop. */
static void *writeback_loop(void *stop)
{
	while (!__atomic_load_n((int *)stop, __ATOMIC_ACQUIRE)) {
		/* Flushed statistics: the shrinker sizes its work by them. */
		read_key(CG_NAME "/memory.stat", "zswapped");
		memcg_reclaim(4UL << 20);
	}
	return NULL;
}

/*
 * zswap writeback of virtual slots against their owner's faults, zaps and
 * exit (review item 5): writeback takes a disk slot for an entry, writes
 * it and swaps the slot's backend, while the owner reads the same slots
 * back, drops them with MADV_DONTNEED or exits. A thread keeps the zswap
 * shrinker writing back the cgroup's entries while a child, in eight
 * rounds, pages 16 MiB of text out to zswap, checks every byte of the
 * first quarter, zaps the second and exits with the rest swapped out.
 * Nothing may be lost or leaked: every byte read matches, and the slots,
 * disk slots, reverse map and memory.swap charge all return to idle.
 */
TEST_F_TIMEOUT(vswap_disk, zswap_writeback_races_exit, 300)
{
	size_t size = 16UL << 20, quarter = size / 4;
	long zswpwb = read_vmstat("zswpwb");
	int round, status, stop = 0;
	pthread_t thread;
	pid_t pid;

	ASSERT_EQ(write_str(ZSWAP_SHRINKER, "Y"), 0);
	/* The thread's stack and buffers too: only the child's pages go out. */
	ASSERT_EQ(mlockall(MCL_CURRENT | MCL_FUTURE), 0);
	ASSERT_EQ(pthread_create(&thread, NULL, writeback_loop, &stop), 0);
	for (round = 0; round < 8; round++) {
		pid = fork();
		ASSERT_GE(pid, 0);
		if (!pid) {
			uint8_t *mem = map_anon(size, MADV_NOHUGEPAGE);

			if (!mem)
				_exit(2);
			fill(mem, size, FILL_TEXT);
			if (madvise(mem, size, MADV_PAGEOUT))
				_exit(3);
			if (verify(mem, quarter, FILL_TEXT))
				_exit(1);
			if (madvise(mem + quarter, quarter, MADV_DONTNEED))
				_exit(4);
			_exit(0);
		}
		ASSERT_EQ(waitpid(pid, &status, 0), pid);
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status)) {
			TH_LOG("round %d: the child ended with status %#x", round, status);
		}
	}
	__atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(pthread_join(thread, NULL), 0);
	zswpwb = read_vmstat("zswpwb") - zswpwb;
	TH_LOG("%d rounds of 16 MiB: %ld zswap entries written back meanwhile", round, zswpwb);
	EXPECT_GT(zswpwb, 0);
	expect_idle(_metadata, &self->base.idle);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), 0);
}

/*
 * Virtual slots backed by the disk count where 7.3 counts swapped pages,
 * in SwapTotal - SwapFree, and not in SwapVirtual; memory.stat's vswap
 * counts them (as memory.swap.current does).
 */
TEST_F(vswap_disk, usage_visible)
{
	size_t size = 8UL << 20;
	long meminfo, stat, disk_kib, swapped;
	uint8_t *mem;

	meminfo = meminfo_kib("SwapVirtual");
	stat = read_key(CG_NAME "/memory.stat", "vswap");
	disk_kib = meminfo_kib("SwapTotal") - meminfo_kib("SwapFree");
	ASSERT_GE(meminfo, 0);
	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_RANDOM);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	wait_writeback();
	swapped = swapped_pages(mem, size);
	TH_LOG("%ld random pages out: SwapVirtual +%ld kB, swap used +%ld kB, vswap +%ld",
	       swapped, meminfo_kib("SwapVirtual") - meminfo,
	       meminfo_kib("SwapTotal") - meminfo_kib("SwapFree") - disk_kib,
	       read_key(CG_NAME "/memory.stat", "vswap") - stat);
	ASSERT_GE(swapped, (long)(size / page_size / 2));
	EXPECT_EQ(meminfo_kib("SwapVirtual"), meminfo);
	EXPECT_EQ(meminfo_kib("SwapTotal") - meminfo_kib("SwapFree") - disk_kib,
		  swapped * (long)page_size / 1024);
	EXPECT_EQ(read_key(CG_NAME "/memory.stat", "vswap") - stat,
		  swapped * (long)page_size);
	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * With a disk, a drain whose data does not fit in memory goes on: while
 * it runs no folio takes a virtual slot, so the cgroup's reclaim puts
 * what it brought back on the disk's own slots. A child in a cgroup that
 * holds a quarter of its swapped region: the drain ends with the virtual
 * device empty, no OOM kill, the child's swapped pages on the disk and
 * every byte as written.
 */
TEST_F_TIMEOUT(vswap_disk, drain_to_disk, 300)
{
	size_t size = 64UL << 20;
	long ooms, cur, disk_kib, used, report[2];
	int ready[2], go[2], done[2], status;
	char c = 0, buf[32];
	pid_t pid;

	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(go), 0);
	ASSERT_EQ(pipe(done), 0);
	ASSERT_EQ(mkdir(CG_OOM, 0755), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		uint8_t *mem = cg_oom_child_pageout(size, FILL_TEXT);

		report[0] = swapped_pages(mem, size);
		if (write(ready[1], report, sizeof(long)) != sizeof(long) ||
		    read(go[0], &c, 1) != 1)
			_exit(1);
		report[0] = swapped_pages(mem, size);
		report[1] = verify(mem, size, FILL_TEXT);
		if (write(done[1], report, sizeof(report)) != sizeof(report))
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(read(ready[0], report, sizeof(long)), sizeof(long));
	ASSERT_GE(report[0], (long)(size / page_size / 2));
	ASSERT_EQ(read_long(VSWAP_DIR "used") - self->base.idle.used, report[0]);
	cur = read_long(CG_OOM "/memory.current");
	snprintf(buf, sizeof(buf), "%zu", cur + size / 4);
	ASSERT_EQ(write_str(CG_OOM "/memory.max", buf), 0);
	ooms = read_key(CG_OOM "/memory.events", "oom_kill");
	disk_kib = swap_used_kib(self->sw.dev);

	EXPECT_EQ(drain(), 0);
	used = read_long(VSWAP_DIR "used");
	disk_kib = swap_used_kib(self->sw.dev) - disk_kib;
	ASSERT_EQ(write(go[1], &c, 1), 1);
	ASSERT_EQ(read(done[0], report, sizeof(report)), sizeof(report));
	TH_LOG("memcg of %ld + %zu bytes: drain left %ld, disk +%ld KiB",
	       cur, size / 4, used, disk_kib);
	TH_LOG("the child: %ld pages swapped, %ld bad; %ld OOM kills",
	       report[0], report[1],
	       read_key(CG_OOM "/memory.events", "oom_kill") - ooms);
	EXPECT_EQ(used, 0);
	EXPECT_GT(report[0], 0);
	EXPECT_GE(disk_kib, report[0] * (long)page_size / 1024);
	EXPECT_EQ(report[1], 0);
	EXPECT_EQ(read_key(CG_OOM "/memory.events", "oom_kill"), ooms);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	ASSERT_EQ(rmdir(CG_OOM), 0);
}

/*
 * memory.swap.max=0 means no swap for the cgroup, as without CONFIG_VSWAP:
 * no zswap, no zero pages, no disk. The failed charges show in
 * memory.swap.events as they always did.
 */
TEST_F(vswap_disk, swap_max_zero)
{
	long events = read_key(CG_NAME "/memory.swap.events", "max");

	swap_max_zero(_metadata, &self->base);
	EXPECT_GT(read_key(CG_NAME "/memory.swap.events", "max"), events);
}

TEST_F(vswap_disk, swap_max_bound)
{
	swap_max_bound(_metadata, &self->base, true);
}

/* As in the "vswap" fixture, with a swap device beside the virtual one. */
TEST_F_TIMEOUT(vswap_disk, memcg_removed, 120)
{
	memcg_removed(_metadata, &self->base);
}

/*
 * A full disk: what does not fit stays in memory, nothing is lost. Each
 * swap-out that found no free slot counts as "fail" in memory.swap.events
 * (not "max": the cgroup's limit was not the reason), as without
 * CONFIG_VSWAP.
 */
TEST_F(vswap_disk, device_full)
{
	size_t size = 16UL << 20, pages = size / page_size;
	size_t file_size = 4UL << 20, file_pages = file_size / page_size;
	long phys, resident, max0, fail0, failed;
	struct vswap_counters out;
	uint8_t *mem;

	if (!use_swapfile(_metadata, &self->sw, file_size))
		SKIP(return, "the filesystem of the current directory takes no swap file");

	max0 = read_key(CG_NAME "/memory.swap.events", "max");
	fail0 = read_key(CG_NAME "/memory.swap.events", "fail");
	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_RANDOM);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);

	snapshot(&out);
	phys = vdiff(&out, &self->base.idle).phys;
	resident = resident_pages(mem, size);
	TH_LOG("%zu pages, %zu-page device: phys %ld, resident %ld",
	       pages, file_pages, phys, resident);
	failed = vdiff(&out, &self->base.idle).phys_alloc_fail;
	TH_LOG("kept resident %ld, phys_alloc_fail %ld; swap.events max +%ld, fail +%ld",
	       vdiff(&out, &self->base.idle).kept_resident, failed,
	       read_key(CG_NAME "/memory.swap.events", "max") - max0,
	       read_key(CG_NAME "/memory.swap.events", "fail") - fail0);
	EXPECT_GT(phys, 0);
	EXPECT_LT(phys, (long)file_pages);
	EXPECT_EQ(vdiff(&out, &self->base.idle).rmap, phys);
	EXPECT_GT(failed, 0);
	/* Random data: no zswap entry, so every failure was a swap-out. */
	EXPECT_EQ(read_key(CG_NAME "/memory.swap.events", "fail") - fail0, failed);
	EXPECT_EQ(read_key(CG_NAME "/memory.swap.events", "max"), max0);
	EXPECT_GE(resident, (long)pages - phys);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), phys * (long)page_size);

	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
	EXPECT_EQ(swap_used_kib(self->sw.swapfile), 0);
	back_to_device(_metadata, &self->sw);
}

/* How large folios reach the disk in thp_to_disk(). */
enum large_to_disk {
	LARGE_RUN,		/* whole, to one contiguous physical run */
	LARGE_SPLIT,		/* split by reclaim before unmapping */
	LARGE_SCATTERED,	/* whole, to single physical slots */
};

/*
 * Large folios of @order holding random data, paged out to disk: on a
 * block device each goes to one contiguous physical run (LARGE_RUN). On a
 * swap file, which has no large runs, with zswap off the virtual layer
 * leaves them to the physical allocator and reclaim splits them before
 * unmapping, as without CONFIG_VSWAP (LARGE_SPLIT); with zswap on they
 * are unmapped whole, zswap refuses them, and each page gets a physical
 * slot of its own (LARGE_SCATTERED). Either way nothing stays behind in
 * memory and every byte comes back.
 */
static void thp_to_disk(struct __test_metadata *_metadata,
			const struct vswap_baseline *base, unsigned int order,
			enum large_to_disk how)
{
	size_t folio_size = page_size << order, nr_folios = 2;
	size_t size = nr_folios * folio_size, pages = size / page_size;
	long swpout, splits;
	struct vswap_counters out;
	long phys;
	uint8_t *mem;

	if (!order || !thp_use_order(order))
		SKIP(return, "no THP of order %u", order);
	swpout = thp_stat(order, "swpout");
	splits = thp_stat(order, "split");
	mem = map_thp(size, FILL_RANDOM);
	ASSERT_NE(mem, NULL);
	if (order == pmd_order() &&
	    !check_huge_anon(mem, size, nr_folios, folio_size))
		SKIP(goto out, "no PMD THP could be allocated");
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);

	snapshot(&out);
	phys = vdiff(&out, &base->idle).phys;
	splits = thp_stat(order, "split") - splits;
	TH_LOG("%zu pages in %zu folios of order %u: phys %ld, swpout %ld, splits %ld",
	       pages, nr_folios, order, phys, thp_stat(order, "swpout") - swpout,
	       splits);
	TH_LOG("swapped %ld, used %ld, kept resident %ld, phys_alloc_fail %ld",
	       swapped_pages(mem, size), vdiff(&out, &base->idle).used,
	       vdiff(&out, &base->idle).kept_resident,
	       vdiff(&out, &base->idle).phys_alloc_fail);
	EXPECT_EQ(phys, (long)pages);
	EXPECT_EQ(vdiff(&out, &base->idle).rmap, phys);
	EXPECT_EQ(vdiff(&out, &base->idle).zswap, 0);
	EXPECT_EQ(vdiff(&out, &base->idle).kept_resident, 0);
	EXPECT_EQ(swapped_pages(mem, size), (long)pages);
	if (how == LARGE_SPLIT) {
		EXPECT_EQ(splits, (long)nr_folios);
	} else {
		EXPECT_EQ(splits, 0);
		EXPECT_EQ(thp_stat(order, "swpout") - swpout, (long)nr_folios);
	}
	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);
out:
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &base->idle);
}

TEST_F(vswap_disk, thp_to_blockdev)
{
	struct stat st;

	if (stat(self->sw.dev, &st) || !S_ISBLK(st.st_mode))
		SKIP(return, "%s is not a block device: no large runs", self->sw.dev);
	thp_to_disk(_metadata, &self->base, pmd_order(), LARGE_RUN);
}

TEST_F(vswap_disk, thp_to_swapfile_split)
{
	if (!use_swapfile(_metadata, &self->sw, 8 * read_pmd_pagesize()))
		SKIP(return, "the filesystem of the current directory takes no swap file");
	ASSERT_EQ(write_str(ZSWAP_ENABLED, "N"), 0);
	thp_to_disk(_metadata, &self->base, pmd_order(), LARGE_SPLIT);
	ASSERT_EQ(write_str(ZSWAP_ENABLED, "Y"), 0);
	back_to_device(_metadata, &self->sw);
}

TEST_F(vswap_disk, thp_to_swapfile_zswap)
{
	if (!use_swapfile(_metadata, &self->sw, 8 * read_pmd_pagesize()))
		SKIP(return, "the filesystem of the current directory takes no swap file");
	thp_to_disk(_metadata, &self->base, pmd_order(), LARGE_SCATTERED);
	back_to_device(_metadata, &self->sw);
}

TEST_F(vswap_disk, mthp_to_swapfile_zswap)
{
	if (!use_swapfile(_metadata, &self->sw, 8 * read_pmd_pagesize()))
		SKIP(return, "the filesystem of the current directory takes no swap file");
	thp_to_disk(_metadata, &self->base, sz2ord(64UL << 10, page_size),
		    LARGE_SCATTERED);
	back_to_device(_metadata, &self->sw);
}

/*
 * Make a memory-backed null_blk device whose requests complete @delay_ns
 * late, with stable writes, and swap on it instead of the swap device.
 * Returns false if null_blk or configfs is missing.
 */
static bool use_slow_stable_device(struct __test_metadata *_metadata,
				   struct swap_setup *sw,
				   unsigned long delay_ns)
{
	char path[128], val[32];
	int fd;

	/* <sys/mount.h> clashes with the <linux/fs.h> of vm_util.h. */
	if (access(NULLB_DIR, F_OK))
		syscall(__NR_mount, "none", "/sys/kernel/config", "configfs",
			0, NULL);
	if (access(NULLB_DIR, F_OK) || mkdir(NULLB, 0755))
		return false;
	snprintf(val, sizeof(val), "%lu", delay_ns);
	ASSERT_EQ(write_str(NULLB "/size", "64"), 0);		/* MiB */
	ASSERT_EQ(write_str(NULLB "/memory_backed", "1"), 0);
	ASSERT_EQ(write_str(NULLB "/irqmode", "2"), 0);		/* timer */
	ASSERT_EQ(write_str(NULLB "/completion_nsec", val), 0);
	ASSERT_EQ(write_str(NULLB "/power", "1"), 0);
	/* A device made through configfs takes the name of its directory. */
	snprintf(sw->other, sizeof(sw->other), "/dev/%s",
		 strrchr(NULLB, '/') + 1);
	snprintf(path, sizeof(path), "/sys/block/%s/queue/stable_writes",
		 strrchr(NULLB, '/') + 1);
	ASSERT_EQ(write_str(path, "1"), 0);

	fd = open(sw->other, O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write_swap_header(fd, (64UL << 20) / page_size), 0);
	close(fd);
	ASSERT_EQ(swapoff(sw->dev), 0);
	sw->dev_off = 1;
	ASSERT_EQ(swapon(sw->other, 0), 0) {
		TH_LOG("swapon %s: %s", sw->other, strerror(errno));
	}
	return true;
}

/*
 * Review B11: on a full device, 7.3 frees the slots of data already back
 * in memory (a swap cache folio that no page table needs the slot of) to
 * make room. Behind a virtual slot such a physical slot holds a reverse
 * map, not the folio, and must be freed through the virtual slot; a
 * swap-out that takes a new virtual slot frees full virtual clusters of
 * such slots on its way, but zswap writeback takes no virtual slot. Here
 * 24 MiB of text goes to zswap, then 12 MiB of random data to a 32 MiB
 * swap file (zswap refuses it), which is read back and locked in memory
 * (its disk slots stay with the clean folios). zswap writeback of the
 * text must then go past the space the random data left: its disk slots
 * are freed for it, as on 7.3. (The shrinker protects a share of the
 * entries after swap-ins from disk, so a few may stay in zswap.)
 */
TEST_F_TIMEOUT(vswap_disk, full_device_frees_cached_slots, 180)
{
	size_t a_size = 12UL << 20, b_size = 24UL << 20;
	long a_pages = a_size / page_size, dev_pages = (32L << 20) / page_size, written;
	struct vswap_counters held, after;
	uint8_t *a, *b;
	int i;

	if (!use_swapfile(_metadata, &self->sw, dev_pages * page_size))
		SKIP(return, "the filesystem of the current directory takes no swap file");
	ASSERT_EQ(write_str(ZSWAP_SHRINKER, "Y"), 0);
	a = map_anon(a_size, MADV_NOHUGEPAGE);
	b = map_anon(b_size, MADV_NOHUGEPAGE);
	ASSERT_NE(a, NULL);
	ASSERT_NE(b, NULL);
	fill(b, b_size, FILL_TEXT);
	ASSERT_EQ(madvise(b, b_size, MADV_PAGEOUT), 0);
	fill(a, a_size, FILL_RANDOM);
	ASSERT_EQ(madvise(a, a_size, MADV_PAGEOUT), 0);
	wait_writeback();
	EXPECT_EQ(verify(a, a_size, FILL_RANDOM), 0);
	ASSERT_EQ(mlock(a, a_size), 0);
	snapshot(&held);
	ASSERT_GE(vdiff(&held, &self->base.idle).phys, a_pages * 9 / 10);
	ASSERT_GE(vdiff(&held, &self->base.idle).zswap, (long)(b_size / page_size) / 2);

	/* As swap_events_writeback: flushed statistics, then reclaim. */
	for (i = 0; i < 16; i++) {
		snapshot(&after);
		if (vdiff(&after, &self->base.idle).zswap <= 0)
			break;
		read_key(CG_NAME "/memory.stat", "zswapped");
		memcg_reclaim(b_size);
	}
	wait_writeback();
	snapshot(&after);
	written = vdiff(&held, &self->base.idle).zswap - vdiff(&after, &self->base.idle).zswap;
	TH_LOG("%ld disk slots held by data read back, %ld pages in zswap",
	       vdiff(&held, &self->base.idle).phys, vdiff(&held, &self->base.idle).zswap);
	TH_LOG("after %d reclaims: %ld written back, %ld on disk",
	       i, written, vdiff(&after, &self->base.idle).phys);
	/* Past what the read-back data left of the file (less its header). */
	EXPECT_GT(written, dev_pages - 1 - vdiff(&held, &self->base.idle).phys);
	/* And the read-back data holds none of them now. */
	EXPECT_EQ(vdiff(&after, &self->base.idle).phys, written);
	EXPECT_EQ(verify(a, a_size, FILL_RANDOM), 0);
	EXPECT_EQ(verify(b, b_size, FILL_TEXT), 0);
	ASSERT_EQ(munmap(a, a_size), 0);
	ASSERT_EQ(munmap(b, b_size), 0);
	expect_idle(_metadata, &self->base.idle);
	back_to_device(_metadata, &self->sw);
}

/* /proc/kpageflags bit of a page under writeback (kernel-page-flags.h). */
#define KPF_WRITEBACK_BIT	8

/* Is the page at @pfn under writeback? */
static bool pfn_writeback(struct __test_metadata *_metadata, int kpf, unsigned long pfn)
{
	uint64_t flags = 0;

	ASSERT_EQ(pageflags_get(pfn, kpf, &flags), 0);
	return flags & (1ULL << KPF_WRITEBACK_BIT);
}

/*
 * A device with stable writes (zram, dm-integrity, NVMe with protection
 * information) needs a page to stay unchanged while it is written. A
 * write fault on a page whose writeback to such a device is in flight
 * must therefore copy it, not map the page under IO writable; the device
 * that decides is the one behind the virtual slot. null_blk completes each
 * request 4 s late (its requests time out at 5 s), and the page's own
 * writeback flag, read before and after the fault, shows that the fault
 * came during the write: only a host too slow to fault on a page within
 * 4 s makes a try not count, and three such tries fail the test.
 */
TEST_F_TIMEOUT(vswap_disk, stable_writes, 120)
{
	int fd = open("/proc/self/pagemap", O_RDONLY);
	int kpf = open("/proc/kpageflags", O_RDONLY);
	unsigned long pfn_before = 0, pfn_after = 0;
	uint8_t *mem = NULL, *expect;
	bool during = false;
	int tries;

	ASSERT_GE(fd, 0);
	ASSERT_GE(kpf, 0);
	if (!use_slow_stable_device(_metadata, &self->sw, 4000000000UL))
		SKIP(return, "no null_blk configfs");
	expect = malloc(page_size);
	ASSERT_NE(expect, NULL);
	for (tries = 0; tries < 3 && !during; tries++) {
		if (mem)
			ASSERT_EQ(munmap(mem, page_size), 0);
		mem = map_anon(page_size, MADV_NOHUGEPAGE);
		ASSERT_NE(mem, NULL);
		fill(mem, page_size, FILL_RANDOM);
		memcpy(expect, mem, page_size);
		pfn_before = pagemap_get_pfn(fd, (char *)mem);

		/* Random data: zswap refuses it and it goes to the device. */
		ASSERT_EQ(madvise(mem, page_size, MADV_PAGEOUT), 0);
		ASSERT_EQ(swapped_pages(mem, page_size), 1);
		if (!pfn_writeback(_metadata, kpf, pfn_before)) {
			TH_LOG("try %d: the write completed before the fault", tries);
			continue;
		}
		mem[0] ^= 0xff;
		expect[0] ^= 0xff;
		during = pfn_writeback(_metadata, kpf, pfn_before);
		pfn_after = pagemap_get_pfn(fd, (char *)mem);
		TH_LOG("try %d: pfn %#lx before the write-out, %#lx after a write fault %s it",
		       tries, pfn_before, pfn_after, during ? "during" : "after");
	}
	ASSERT_TRUE(during);
	EXPECT_NE(pfn_after, pfn_before);
	EXPECT_EQ(memcmp(mem, expect, page_size), 0);

	ASSERT_EQ(munmap(mem, page_size), 0);
	free(expect);
	close(kpf);
	close(fd);
	/* swapoff waits for the write and frees what is left of the slot. */
	ASSERT_EQ(swapoff(self->sw.other), 0);
	self->sw.other[0] = 0;
	expect_idle(_metadata, &self->base.idle);
	nullb_remove();
	ASSERT_EQ(swapon(self->sw.dev, 0), 0);
	self->sw.dev_off = 0;
}

/*
 * memory.swap.events "max" and "fail" count swap-outs that could not get
 * swap space, as without CONFIG_VSWAP; zswap writeback that cannot get a
 * disk slot for an entry is not a swap-out and leaves them alone. Here
 * everything goes to zswap first, then the cgroup may put half of it on
 * disk, and the zswap shrinker is asked to write back all of it: it must
 * fill that half and stop there, without an event.
 */
TEST_F(vswap_disk, swap_events_writeback)
{
	size_t size = 16UL << 20;
	long max0, fail0, max1, fail1, disk = 0;
	char half[32];
	uint8_t *mem;
	int i;

	ASSERT_EQ(write_str(ZSWAP_SHRINKER, "Y"), 0);
	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_TEXT);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	ASSERT_GE(swapped_pages(mem, size), (long)(size / page_size / 2));
	ASSERT_EQ(read_long(CG_NAME "/memory.swap.current"), 0);
	snprintf(half, sizeof(half), "%zu", size / 2);
	ASSERT_EQ(write_str(CG_NAME "/memory.swap.max", half), 0);

	max0 = read_key(CG_NAME "/memory.swap.events", "max");
	fail0 = read_key(CG_NAME "/memory.swap.events", "fail");
	/*
	 * The shrinker sizes its work from the memcg's statistics, which are
	 * flushed lazily: reading memory.stat flushes them, so that it sees
	 * the entries just stored (without, it finds nothing to do). Each
	 * round asks for more than there is; a few may be needed, since the
	 * shrinker passes over recently stored entries once.
	 */
	for (i = 0; i < 16 && disk < (long)size / 2; i++) {
		read_key(CG_NAME "/memory.stat", "zswapped");
		memcg_reclaim(size);
		disk = read_long(CG_NAME "/memory.swap.current");
	}
	max1 = read_key(CG_NAME "/memory.swap.events", "max");
	fail1 = read_key(CG_NAME "/memory.swap.events", "fail");
	TH_LOG("after %d reclaims: memory.swap.current %ld, swap.events max +%ld, fail +%ld",
	       i, disk, max1 - max0, fail1 - fail0);
	EXPECT_EQ(disk, (long)size / 2);
	EXPECT_EQ(max1, max0);
	EXPECT_EQ(fail1, fail0);

	EXPECT_EQ(verify(mem, size, FILL_TEXT), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * Random data the cgroup cannot put on disk (memory.swap.max full) is
 * kept in memory after zswap refuses it. That is one failed swap-out per
 * folio, counted once in memory.swap.events. Later reclaim passes that
 * find the same data again (they scan anon memory because the cgroup's
 * text still compresses) must not count it again: 7.3 would not scan
 * anon memory at memory.swap.max at all, and an OOM daemon polling the
 * events would see a storm of failures that are not new.
 */
TEST_F(vswap_disk, swap_events_kept_resident)
{
	/*
	 * The disk takes 512 pages (memory.swap.max), the virtual slots are
	 * bounded at 2,048 (VSWAP_SWAP_MAX_RATIO): room for both regions.
	 */
	size_t size = 4UL << 20, tsize = 2UL << 20, cap = 2UL << 20;
	long max0, fail0, max1, fail1, max2, fail2, kept1, kept2;
	uint8_t *rnd, *text;
	char val[32];
	int i;

	snprintf(val, sizeof(val), "%zu", cap);
	ASSERT_EQ(write_str(CG_NAME "/memory.swap.max", val), 0);
	rnd = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(rnd, NULL);
	text = map_anon(tsize, MADV_NOHUGEPAGE);
	ASSERT_NE(text, NULL);
	fill(rnd, size, FILL_RANDOM);
	fill(text, tsize, FILL_TEXT);

	max0 = read_key(CG_NAME "/memory.swap.events", "max");
	fail0 = read_key(CG_NAME "/memory.swap.events", "fail");
	ASSERT_EQ(madvise(rnd, size, MADV_PAGEOUT), 0);
	max1 = read_key(CG_NAME "/memory.swap.events", "max");
	fail1 = read_key(CG_NAME "/memory.swap.events", "fail");
	kept1 = read_long(VSWAP_DIR "kept_resident");
	/* The disk took what memory.swap.max allows; the rest was refused. */
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), (long)cap);
	EXPECT_GT(max1 - max0, 0);
	EXPECT_EQ(fail1 - fail0, max1 - max0);

	/*
	 * Reclaim passes over the refused pages and the text, four times.
	 * It scans the cgroup's anon memory while the text compresses.
	 * Reading memory.stat flushes the cgroup's statistics, which
	 * reclaim sizes its scan from, as in swap_events_writeback.
	 */
	for (i = 0; i < 4; i++) {
		EXPECT_EQ(verify(text, tsize, FILL_TEXT), 0);
		read_key(CG_NAME "/memory.stat", "anon");
		memcg_reclaim(4 * size);
	}
	max2 = read_key(CG_NAME "/memory.swap.events", "max");
	fail2 = read_key(CG_NAME "/memory.swap.events", "fail");
	kept2 = read_long(VSWAP_DIR "kept_resident");
	TH_LOG("pageout: max +%ld, fail +%ld; 4 reclaims: kept_resident +%ld, max +%ld, fail +%ld",
	       max1 - max0, fail1 - fail0, kept2 - kept1, max2 - max1,
	       fail2 - fail1);
	/* The passes found refused pages again (the test can see a recount). */
	EXPECT_GT(kept2 - kept1, 0);
	EXPECT_EQ(max2, max1);
	EXPECT_EQ(fail2, fail1);

	EXPECT_EQ(verify(rnd, size, FILL_RANDOM), 0);
	EXPECT_EQ(verify(text, tsize, FILL_TEXT), 0);
	ASSERT_EQ(munmap(rnd, size), 0);
	ASSERT_EQ(munmap(text, tsize), 0);
	expect_idle(_metadata, &self->base.idle);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), 0);
}

/*
 * With the layer switched off, swap-out takes direct slots as without
 * CONFIG_VSWAP, and zswap keeps their entries. Once those slots fill the
 * cgroup's memory.swap.max, zswap writeback needs no new slot and no new
 * charge: each entry goes to the slot it has. 7.3 writes them back there;
 * a check meant for virtual slots' entries (which need both) must not
 * stop it.
 */
TEST_F(vswap_disk, writeback_direct_at_swap_max)
{
	size_t size = 8UL << 20;
	long wb0, wb1, cur;
	char max[32];
	uint8_t *mem;
	int i;

	ASSERT_EQ(write_str(VSWAP_SWITCH, "off"), 0);
	ASSERT_EQ(write_str(ZSWAP_SHRINKER, "Y"), 0);
	snprintf(max, sizeof(max), "%zu", size);
	ASSERT_EQ(write_str(CG_NAME "/memory.swap.max", max), 0);
	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_TEXT);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	/* Every page on a direct slot, in zswap: the limit is reached. */
	ASSERT_EQ(swapped_pages(mem, size), (long)(size / page_size));
	ASSERT_EQ(read_long(CG_NAME "/memory.swap.current"), (long)size);

	/* As in swap_events_writeback: flush the statistics, then reclaim. */
	wb0 = read_key(CG_NAME "/memory.stat", "zswpwb");
	wb1 = wb0;
	for (i = 0; i < 16 && wb1 == wb0; i++) {
		read_key(CG_NAME "/memory.stat", "zswapped");
		memcg_reclaim(size);
		wb1 = read_key(CG_NAME "/memory.stat", "zswpwb");
	}
	cur = read_long(CG_NAME "/memory.swap.current");
	TH_LOG("after %d reclaims: zswpwb +%ld, memory.swap.current %ld",
	       i, wb1 - wb0, cur);
	EXPECT_GT(wb1 - wb0, 0);
	/* Written to the slots they had: no slot more, no charge more. */
	EXPECT_EQ(cur, (long)size);

	EXPECT_EQ(verify(mem, size, FILL_TEXT), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * Entries of virtual slots need a new disk slot and memory.swap charge to
 * be written back; a cgroup with no swap space left has neither. Its
 * shrinker must not try them one by one, each try taking a folio only to
 * fail the charge (review B12), just because another cgroup holds entries
 * of direct slots, which need neither (writeback_direct_at_swap_max).
 */
TEST_F(vswap_disk, writeback_skips_virtual_at_swap_max)
{
	size_t dsize = 1UL << 20, rsize = 2UL << 20, vsize = 4UL << 20;
	long wb0, wb1, fail0, fail1, zswap0, zswap1;
	int ready[2], go[2], status;
	uint8_t *rnd, *virt;
	char buf[32], c = 0;
	pid_t pid;
	int i;

	ASSERT_EQ(write_str(ZSWAP_SHRINKER, "Y"), 0);
	ASSERT_EQ(mkdir(CG_OWN, 0755), 0);
	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(go), 0);

	/* Another cgroup's entries of direct slots, held until the end. */
	ASSERT_EQ(write_str(VSWAP_SWITCH, "off"), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		uint8_t *direct;

		snprintf(buf, sizeof(buf), "%d", getpid());
		munlockall();
		if (write_str(CG_OWN "/cgroup.procs", buf))
			_exit(1);
		direct = map_anon(dsize, MADV_NOHUGEPAGE);
		if (!direct)
			_exit(1);
		fill(direct, dsize, FILL_TEXT);
		madvise(direct, dsize, MADV_PAGEOUT);
		if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(verify(direct, dsize, FILL_TEXT) ? 2 : 0);
	}
	ASSERT_EQ(read(ready[0], &c, 1), 1);
	ASSERT_EQ(write_str(VSWAP_SWITCH, "always"), 0);

	/*
	 * This cgroup fills its memory.swap.max with random data on disk,
	 * then puts text in zswap on virtual slots, which need no swap space.
	 */
	snprintf(buf, sizeof(buf), "%zu", rsize);
	ASSERT_EQ(write_str(CG_NAME "/memory.swap.max", buf), 0);
	rnd = map_anon(rsize, MADV_NOHUGEPAGE);
	ASSERT_NE(rnd, NULL);
	fill(rnd, rsize, FILL_RANDOM);
	ASSERT_EQ(madvise(rnd, rsize, MADV_PAGEOUT), 0);
	ASSERT_EQ(read_long(CG_NAME "/memory.swap.current"), (long)rsize);
	virt = map_anon(vsize, MADV_NOHUGEPAGE);
	ASSERT_NE(virt, NULL);
	fill(virt, vsize, FILL_TEXT);
	ASSERT_EQ(madvise(virt, vsize, MADV_PAGEOUT), 0);
	zswap0 = read_long(VSWAP_DIR "zswap");
	ASSERT_EQ(zswap0 - self->base.idle.zswap, (long)(vsize / page_size));

	/* As in swap_events_writeback: flush the statistics, then reclaim. */
	wb0 = read_key(CG_NAME "/memory.stat", "zswpwb");
	fail0 = read_long(ZSWAP_DIR "reject_reclaim_fail");
	for (i = 0; i < 4; i++) {
		read_key(CG_NAME "/memory.stat", "zswapped");
		memcg_reclaim(vsize);
	}
	wb1 = read_key(CG_NAME "/memory.stat", "zswpwb");
	fail1 = read_long(ZSWAP_DIR "reject_reclaim_fail");
	zswap1 = read_long(VSWAP_DIR "zswap");
	TH_LOG("4 reclaims: zswpwb +%ld, reject_reclaim_fail +%ld, virtual in zswap %ld -> %ld",
	       wb1 - wb0, fail1 - fail0, zswap0 - self->base.idle.zswap,
	       zswap1 - self->base.idle.zswap);
	/* Nothing written back, nothing tried (zswap may have taken more). */
	EXPECT_EQ(wb1 - wb0, 0);
	EXPECT_EQ(fail1 - fail0, 0);
	EXPECT_GE(zswap1, zswap0);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), (long)rsize);

	EXPECT_EQ(write(go[1], &c, 1), 1);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	EXPECT_EQ(verify(rnd, rsize, FILL_RANDOM), 0);
	EXPECT_EQ(verify(virt, vsize, FILL_TEXT), 0);
	ASSERT_EQ(munmap(rnd, rsize), 0);
	ASSERT_EQ(munmap(virt, vsize), 0);
	EXPECT_EQ(rmdir(CG_OWN), 0);
	expect_idle(_metadata, &self->base.idle);
}

/* What one swapoff_three_processes child saw, sent to the parent. */
struct unuse_report {
	long swapped_before, swapped_after, bad_pages;
	int type_before, type_after;
};

static void unuse_child(uint8_t *mem, size_t size, enum fill_kind kind,
			int ready, int go, int report)
{
	struct unuse_report r = { 0 };
	char c = 0;

	fill(mem, size, kind);
	madvise(mem, size, MADV_PAGEOUT);
	r.swapped_before = swapped_pages(mem, size);
	r.type_before = swap_type_of(mem, size);
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		_exit(1);
	r.swapped_after = swapped_pages(mem, size);
	r.type_after = swap_type_of(mem, size);
	r.bad_pages = verify(mem, size, kind);
	if (write(report, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

/*
 * Swap traffic while swapoff runs: rewrite, page out and verify a region
 * until *stop is set; report the rounds and the bad pages seen.
 */
static void traffic_child(int *stop, int report)
{
	size_t size = 4UL << 20;
	long r[2] = { 0, 0 };
	uint8_t *mem;

	mem = map_anon(size, MADV_NOHUGEPAGE);
	if (!mem)
		_exit(1);
	while (!__atomic_load_n(stop, __ATOMIC_ACQUIRE) || !r[0]) {
		enum fill_kind kind = r[0] % 2 ? FILL_RANDOM : FILL_MIXED;

		fill(mem, size, kind);
		madvise(mem, size, MADV_PAGEOUT);
		r[1] += verify(mem, size, kind);
		r[0]++;
	}
	if (write(report, r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

/*
 * swapoff with three processes' data on the disk: two through virtual
 * slots (found by the reverse map, their page tables left alone), one
 * with the virtual layer switched off (direct slots, page-table walk),
 * while a fourth process keeps swapping.
 */
TEST_F(vswap_disk, swapoff_three_processes)
{
	size_t size = 8UL << 20;
	const enum fill_kind kinds[3] = { FILL_RANDOM, FILL_MIXED, FILL_RANDOM };
	int ready[2], go[2], report[2], status, i, direct;
	struct unuse_report r[3];
	struct vswap_counters out, after;
	int *stop;
	long traffic[2];
	pid_t busy;
	struct timespec t0, t1;
	long disk_kib, phys, fallback = 0;
	pid_t pid[3];
	char c = 0;

	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(go), 0);
	ASSERT_EQ(pipe(report), 0);
	for (i = 0; i < 3; i++) {
		uint8_t *mem = map_anon(size, MADV_NOHUGEPAGE);

		ASSERT_NE(mem, NULL);
		/* The third child swaps out with the virtual layer off. */
		if (i == 2) {
			ASSERT_EQ(write_str(VSWAP_SWITCH, "off"), 0);
			fallback = read_long(VSWAP_DIR "phys_fallback");
		}
		pid[i] = fork();
		ASSERT_GE(pid[i], 0);
		if (!pid[i])
			unuse_child(mem, size, kinds[i], ready[1], go[0], report[1]);
		ASSERT_EQ(read(ready[0], &c, 1), 1);
		/* A layer switched off is not one that had no slots. */
		if (i == 2)
			EXPECT_EQ(read_long(VSWAP_DIR "phys_fallback"), fallback);
		ASSERT_EQ(write_str(VSWAP_SWITCH, "always"), 0);
		munmap(mem, size);
	}

	stop = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(stop, MAP_FAILED);
	__atomic_store_n(stop, 0, __ATOMIC_RELEASE);

	snapshot(&out);
	phys = vdiff(&out, &self->base.idle).phys;
	disk_kib = swap_used_kib(self->sw.dev);
	busy = fork();
	ASSERT_GE(busy, 0);
	if (!busy)
		traffic_child(stop, report[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(swapoff(self->sw.dev), 0) {
		TH_LOG("swapoff %s: %s", self->sw.dev, strerror(errno));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	self->sw.dev_off = 1;
	__atomic_store_n(stop, 1, __ATOMIC_RELEASE);
	ASSERT_EQ(waitpid(busy, &status, 0), busy);
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	ASSERT_EQ(read(report[0], traffic, sizeof(traffic)),
		  (ssize_t)sizeof(traffic));
	TH_LOG("swap traffic during swapoff: %ld rounds, %ld bad pages",
	       traffic[0], traffic[1]);
	EXPECT_EQ(traffic[1], 0);
	snapshot(&after);
	TH_LOG("swapoff of %ld KiB (%ld pages behind virtual slots) took %ld ms; moved %ld",
	       disk_kib, phys, (t1.tv_sec - t0.tv_sec) * 1000 +
	       (t1.tv_nsec - t0.tv_nsec) / 1000000,
	       vdiff(&after, &out).unuse);
	EXPECT_GT(phys, 0);
	EXPECT_GE(vdiff(&after, &out).unuse, phys);
	EXPECT_EQ(after.phys, self->base.idle.phys);
	EXPECT_EQ(after.rmap, self->base.idle.rmap);

	for (i = 0; i < 3; i++)
		ASSERT_EQ(write(go[1], &c, 1), 1);
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(waitpid(pid[i], &status, 0), pid[i]);
		EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
		ASSERT_EQ(read(report[0], &r[i], sizeof(r[i])), (ssize_t)sizeof(r[i]));
	}
	/* Reports arrive in any order: tell the direct one by its type. */
	for (i = 0; i < 3; i++) {
		TH_LOG("child: %ld swapped (type %d) before, %ld (type %d) after, %ld bad pages",
		       r[i].swapped_before, r[i].type_before, r[i].swapped_after,
		       r[i].type_after, r[i].bad_pages);
		EXPECT_EQ(r[i].bad_pages, 0);
		EXPECT_GE(r[i].swapped_before, (long)(size / page_size / 2));
		if (r[i].swapped_after) {
			/* Virtual: PTEs untouched, data in the swap cache. */
			EXPECT_EQ(r[i].swapped_after, r[i].swapped_before);
			EXPECT_EQ(r[i].type_after, r[i].type_before);
		}
	}
	/*
	 * Exactly one child had direct slots, of another swap type than the
	 * virtual ones, and swapoff unmapped them.
	 */
	direct = -1;
	for (i = 0; i < 3; i++) {
		if (r[i].swapped_after)
			continue;
		EXPECT_EQ(direct, -1);
		direct = i;
	}
	ASSERT_NE(direct, -1);
	for (i = 0; i < 3; i++)
		if (i != direct)
			EXPECT_NE(r[i].type_before, r[direct].type_before);

	expect_idle(_metadata, &self->base.idle);
	ASSERT_EQ(swapon(self->sw.dev, 0), 0);
	self->sw.dev_off = 0;
}

/*
 * swapoff of a disk that holds more than its owner may have in memory:
 * a child's 48 MiB of compressible pages went to the disk through
 * virtual slots (memory.zswap.max was 0), and its cgroup has room for
 * 32 MiB more. 7.3 cannot read the device back (its swapoff fails with
 * ENOMEM, or the OOM killer ends the owner); the data of virtual slots
 * can go to zswap instead. swapoff must succeed, no one be killed, the
 * data be in zswap and every byte be as written.
 */
TEST_F_TIMEOUT(vswap_disk, swapoff_rehomes_to_zswap, 300)
{
	size_t size = 48UL << 20, room = 32UL << 20;
	long ooms, cur, swapped, report;
	struct vswap_counters out, d;
	int ready[2], go[2], status;
	char c = 0, buf[32];
	pid_t pid;

	ASSERT_EQ(mkdir(CG_OOM, 0755), 0);
	ASSERT_EQ(write_str(CG_OOM "/memory.zswap.max", "0"), 0);
	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(go), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		uint8_t *mem = cg_oom_child_pageout(size, FILL_TEXT);

		/* Drop the written pages' swap cache: swapoff reads them all. */
		for (int tries = 0; tries < 20 && resident_pages(mem, size);
		     tries++) {
			wait_writeback();
			snprintf(buf, sizeof(buf), "%zu",
				 resident_pages(mem, size) * page_size);
			write_str(CG_OOM "/memory.reclaim", buf);
		}
		report = swapped_pages(mem, size) - resident_pages(mem, size);
		if (write(ready[1], &report, sizeof(report)) != sizeof(report) ||
		    read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(verify(mem, size, FILL_TEXT) ? 3 : 0);
	}
	ASSERT_EQ(read(ready[0], &swapped, sizeof(swapped)), sizeof(swapped));
	snapshot(&out);
	d = vdiff(&out, &self->base.idle);
	TH_LOG("%ld pages out: virtual %ld, on the disk %ld, zswap %ld",
	       swapped, d.used, d.phys, d.zswap);
	ASSERT_GE(swapped, (long)(size / page_size) * 9 / 10);
	ASSERT_GE(d.phys, swapped * 9 / 10);

	/* Memory for two thirds of it; zswap may take it again. */
	cur = read_long(CG_OOM "/memory.current");
	snprintf(buf, sizeof(buf), "%zu", cur + room);
	ASSERT_EQ(write_str(CG_OOM "/memory.max", buf), 0);
	ASSERT_EQ(write_str(CG_OOM "/memory.zswap.max", "max"), 0);
	ooms = read_key(CG_OOM "/memory.events", "oom_kill");

	EXPECT_EQ(swapoff(self->sw.dev), 0);
	self->sw.dev_off = 1;
	snapshot(&out);
	d = vdiff(&out, &self->base.idle);
	TH_LOG("swapoff: virtual %ld (zswap %ld, memory %ld, disk %ld), memcg %ld + %ld KiB",
	       d.used, d.zswap, d.swapcache, d.phys, cur,
	       (read_long(CG_OOM "/memory.current") - cur) >> 10);
	TH_LOG("%ld OOM kills",
	       read_key(CG_OOM "/memory.events", "oom_kill") - ooms);
	EXPECT_EQ(read_key(CG_OOM "/memory.events", "oom_kill"), ooms);
	EXPECT_EQ(kill(pid, 0), 0);
	/*
	 * Every slot still virtual: part in memory, part in zswap (the
	 * child's reclaim may have taken a few pages of its own besides
	 * the region, and it faulted some back in since).
	 */
	EXPECT_GE(d.used, swapped);
	EXPECT_EQ(d.zswap + d.swapcache + d.zero + d.fill, d.used);
	EXPECT_EQ(d.phys, 0);
	EXPECT_GT(d.zswap, 0);
	EXPECT_GT(d.swapcache, 0);

	ASSERT_EQ(write_str(CG_OOM "/memory.max", "max"), 0);
	ASSERT_EQ(write(go[1], &c, 1), 1);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	ASSERT_EQ(swapon(self->sw.dev, 0), 0);
	self->sw.dev_off = 0;
	ASSERT_EQ(rmdir(CG_OOM), 0);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * swapoff brings the data of virtual slots back into memory without a
 * page-table walk, so it has no mm to charge: the page goes to the memcg
 * that owned the slot, or to its nearest live ancestor if that memcg was
 * removed (where its charges went). Never to the cgroup of the task that
 * runs swapoff. Here the owner's memcg is removed after its process moved
 * to another one.
 */
TEST_F_TIMEOUT(vswap_disk, swapoff_charges_owner, 120)
{
	size_t size = 8UL << 20;
	long owner_before, owner_after, self_before, self_after, swapped;
	int ready[2], go[2], status;
	char pidbuf[32], c = 0;
	pid_t pid;

	ASSERT_EQ(mkdir(CG_OWN, 0755), 0);
	ASSERT_EQ(write_str(CG_OWN "/cgroup.subtree_control", "+memory"), 0);
	ASSERT_EQ(mkdir(CG_OWN "/child", 0755), 0);
	ASSERT_EQ(mkdir(CG_RM, 0755), 0);
	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(go), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		uint8_t *mem;
		long out, left;
		int tries;

		snprintf(pidbuf, sizeof(pidbuf), "%d", getpid());
		munlockall();
		if (write_str(CG_OWN "/child/cgroup.procs", pidbuf))
			_exit(1);
		mem = map_anon(size, MADV_NOHUGEPAGE);
		if (!mem)
			_exit(1);
		fill(mem, size, FILL_RANDOM);
		madvise(mem, size, MADV_PAGEOUT);
		/*
		 * Written pages stay in the swap cache, charged, until reclaim
		 * sees them again: drop them, so that swapoff must read and
		 * charge every one. A pass frees only those whose write has
		 * completed: wait for the writes first.
		 */
		for (tries = 0; tries < 20 && (left = resident_pages(mem, size));
		     tries++) {
			char amount[32];

			wait_writeback();
			/* Ask for no more: reclaim retries until it has it. */
			snprintf(amount, sizeof(amount), "%zu", left * page_size);
			write_str(CG_OWN "/child/memory.reclaim", amount);
		}
		out = swapped_pages(mem, size) - resident_pages(mem, size);
		/*
		 * Move out, so that the memcg that owns the slots can go
		 * (not up: a memcg with children holds no process).
		 */
		if (write_str(CG_RM "/cgroup.procs", pidbuf) ||
		    write(ready[1], &out, sizeof(out)) != sizeof(out) ||
		    read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(verify(mem, size, FILL_RANDOM) ? 2 : 0);
	}
	ASSERT_EQ(read(ready[0], &swapped, sizeof(swapped)), (ssize_t)sizeof(swapped));
	ASSERT_GE(swapped, (long)(size / page_size / 2));
	ASSERT_EQ(rmdir(CG_OWN "/child"), 0);

	owner_before = read_long(CG_OWN "/memory.current");
	self_before = read_long(CG_NAME "/memory.current");
	ASSERT_EQ(swapoff(self->sw.dev), 0);
	self->sw.dev_off = 1;
	owner_after = read_long(CG_OWN "/memory.current");
	self_after = read_long(CG_NAME "/memory.current");
	TH_LOG("swapoff of %ld pages: owner's parent +%ld KiB, swapoff's +%ld KiB",
	       swapped, (owner_after - owner_before) >> 10,
	       (self_after - self_before) >> 10);
	EXPECT_GE(owner_after - owner_before,
		  swapped * (long)page_size * 9 / 10);
	EXPECT_LT(self_after - self_before, swapped * (long)page_size / 10);

	ASSERT_EQ(write(go[1], &c, 1), 1);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	expect_idle(_metadata, &self->base.idle);
	ASSERT_EQ(swapon(self->sw.dev, 0), 0);
	self->sw.dev_off = 0;
	ASSERT_EQ(rmdir(CG_OWN), 0);
	ASSERT_EQ(rmdir(CG_RM), 0);
}

static void ignore_signal(int sig)
{
}

/*
 * swapoff(@dev) in a child, interrupted once the reverse-map walk has
 * moved its first slots: the parent polls the unuse counter (1 ms steps,
 * 30 s at most) and signals the child, whose handler does nothing and
 * asks for no restart, so swapoff returns at its next check. On a slow
 * device (use_slow_stable_device()) each cluster's reads take a fixed
 * time, which the poll need not beat by much. Returns 0 if swapoff
 * finished, the errno it failed with, or -1 if the child did not report.
 */
static int swapoff_interrupted_once(const char *dev)
{
	long unuse = read_long(VSWAP_DIR "unuse");
	int report[2], err = -1, status, i;
	pid_t pid;

	if (pipe(report))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		struct sigaction sa = { .sa_handler = ignore_signal };

		close(report[0]);
		if (sigaction(SIGUSR1, &sa, NULL))
			_exit(1);
		err = swapoff(dev) ? errno : 0;
		_exit(write(report[1], &err, sizeof(err)) == sizeof(err) ? 0 : 1);
	}
	close(report[1]);
	for (i = 0; i < 30000 && read_long(VSWAP_DIR "unuse") == unuse; i++)
		usleep(1000);
	kill(pid, SIGUSR1);
	if (read(report[0], &err, sizeof(err)) != sizeof(err))
		err = -1;
	close(report[0]);
	waitpid(pid, &status, 0);
	return err;
}

/* One thread's share of swapoff_races_faults: pages it checks. */
struct fault_slice {
	uint8_t *mem;
	unsigned long first, nr;
	long bad;
};

static void *fault_slice_check(void *arg)
{
	struct fault_slice *s = arg;
	uint8_t *expect = malloc(page_size);
	unsigned long i;

	s->bad = expect ? 0 : -1;
	for (i = s->first; expect && i < s->first + s->nr; i++) {
		fill_page(expect, i, FILL_TEXT);
		if (memcmp(s->mem + i * page_size, expect, page_size))
			s->bad++;
	}
	free(expect);
	return NULL;
}

/*
 * swapoff and swapon of the disk while four threads fault back pages whose
 * virtual slots it backs (review N1): a fault reads from the disk, or from
 * memory once swapoff has moved the data, and its backend hint may read
 * the flags of a device being taken away. Sixteen rounds; every byte is
 * checked in each, and a warning in the kernel log fails the run.
 */
TEST_F_TIMEOUT(vswap_disk, swapoff_races_faults, 300)
{
	size_t size = 16UL << 20;
	unsigned long pages = size / page_size, per = pages / 4;
	struct fault_slice slice[4];
	pthread_t thread[4];
	long phys = read_long(VSWAP_DIR "phys");
	int round, i;
	uint8_t *mem;

	/* Disk behind every virtual slot: zswap off, virtual slots always. */
	ASSERT_EQ(write_str(ZSWAP_ENABLED, "N"), 0);
	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_TEXT);
	for (round = 0; round < 16; round++) {
		ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
		ASSERT_GE(swapped_pages(mem, size), (long)pages / 2);
		if (!round)
			TH_LOG("%ld of %lu pages out, %ld on the disk",
			       swapped_pages(mem, size), pages,
			       read_long(VSWAP_DIR "phys") - phys);
		for (i = 0; i < 4; i++) {
			slice[i] = (struct fault_slice){ mem, i * per, per, 0 };
			ASSERT_EQ(pthread_create(&thread[i], NULL,
						 fault_slice_check, &slice[i]), 0);
		}
		self->sw.dev_off = 1;
		EXPECT_EQ(swapoff(self->sw.dev), 0);
		/* Left off, the teardown turns it back on. */
		if (!swapon(self->sw.dev, 0))
			self->sw.dev_off = 0;
		EXPECT_EQ(self->sw.dev_off, 0);
		for (i = 0; i < 4; i++) {
			ASSERT_EQ(pthread_join(thread[i], NULL), 0);
			EXPECT_EQ(slice[i].bad, 0);
		}
	}
	EXPECT_EQ(verify(mem, size, FILL_TEXT), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * A signal stops swapoff part way through the reverse-mapped slots: it
 * fails with EINTR and the device goes back into use. The slots it
 * already handled have their data in the swap cache with no backend and
 * no disk charge; the others are still on the disk. Nothing is lost, the
 * moved pages can go out again, and a second swapoff finishes the job.
 * The device completes each request 100 ms late, so the walk takes a
 * second or more, and the signal is sent once it has moved its first
 * slots: a try in which swapoff still finished first does not count
 * (three tries).
 */
TEST_F_TIMEOUT(vswap_disk, swapoff_interrupted, 180)
{
	size_t size = 16UL << 20, npages = size / page_size;
	long phys = 0, moved = 0, left = 0, swapped, disk_kib;
	struct vswap_counters out, after;
	bool partial = false;
	const char *dev;
	int tries, err;
	uint8_t *mem;

	if (!use_slow_stable_device(_metadata, &self->sw, 100000000UL))
		SKIP(return, "no null_blk configfs");
	dev = self->sw.other;
	disk_kib = swap_used_kib(dev);
	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	/* Not into swapoff's child: its page tables would share the slots. */
	ASSERT_EQ(madvise(mem, size, MADV_DONTFORK), 0);
	fill(mem, size, FILL_RANDOM);

	for (tries = 0; tries < 3 && !partial; tries++) {
		int drops;

		ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
		/* Drop the written folios, so that swapoff must read. */
		wait_writeback();
		for (drops = 0; drops < 20 && resident_pages(mem, size); drops++)
			memcg_reclaim(resident_pages(mem, size) * page_size);
		snapshot(&out);
		phys = vdiff(&out, &self->base.idle).phys;
		ASSERT_GE(phys, (long)npages / 2);

		err = swapoff_interrupted_once(dev);
		snapshot(&after);
		moved = vdiff(&after, &out).unuse;
		left = vdiff(&after, &self->base.idle).phys;
		TH_LOG("try %d: swapoff %s, %ld of %ld slots moved, %ld left",
		       tries, err ? strerror(err) : "done", moved, phys, left);
		if (!err) {
			/* Done before the signal: all back, try again. */
			EXPECT_EQ(left, 0);
			ASSERT_EQ(swapon(dev, 0), 0);
			continue;
		}
		ASSERT_EQ(err, EINTR);
		/* The device is back in use, with what was not moved. */
		ASSERT_GE(swap_used_kib(dev), 0);
		EXPECT_EQ(moved + left, phys);
		partial = moved && left;
	}
	ASSERT_TRUE(partial);

	/* Only the slots left on disk hold disk space and the disk charge. */
	EXPECT_EQ(vdiff(&after, &self->base.idle).rmap, left);
	EXPECT_EQ(swap_used_kib(dev) - disk_kib, left * (long)page_size / 1024);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"),
		  left * (long)page_size);
	swapped = swapped_pages(mem, size);
	EXPECT_EQ(vdiff(&after, &self->base.idle).used, swapped);
	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);

	/* The moved pages are dirty with no backend: they go out again. */
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	snapshot(&out);
	TH_LOG("paged out again: %ld slots on disk", vdiff(&out, &self->base.idle).phys);
	EXPECT_GE(vdiff(&out, &self->base.idle).phys, (long)npages / 2);
	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);

	/* And an uninterrupted swapoff finishes. */
	ASSERT_EQ(swapoff(dev), 0);
	self->sw.other[0] = 0;
	snapshot(&after);
	EXPECT_EQ(after.phys, self->base.idle.phys);
	EXPECT_EQ(after.rmap, self->base.idle.rmap);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), 0);
	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
	nullb_remove();
	ASSERT_EQ(swapon(self->sw.dev, 0), 0);
	self->sw.dev_off = 0;
}

/* Removing a memcg whose pages are swapped out leaks no charge or slot. */
TEST_F(vswap_disk, cgroup_removal)
{
	size_t size = 8UL << 20;
	int ready[2], go[2], status;
	struct vswap_counters out;
	char pidbuf[32], c = 0;
	long swap_cur, zswap_cur;
	pid_t pid;

	ASSERT_EQ(mkdir(CG_RM, 0755), 0);
	ASSERT_EQ(write_str(CG_RM "/cgroup.subtree_control", "+memory"), 0);
	ASSERT_EQ(mkdir(CG_RM "/child", 0755), 0);
	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(go), 0);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		uint8_t *rnd, *text;

		snprintf(pidbuf, sizeof(pidbuf), "%d", getpid());
		munlockall();
		if (write_str(CG_RM "/child/cgroup.procs", pidbuf))
			_exit(1);
		rnd = map_anon(size, MADV_NOHUGEPAGE);
		text = map_anon(size, MADV_NOHUGEPAGE);
		if (!rnd || !text)
			_exit(1);
		fill(rnd, size, FILL_RANDOM);
		fill(text, size, FILL_TEXT);
		madvise(rnd, size, MADV_PAGEOUT);
		madvise(text, size, MADV_PAGEOUT);
		/* Leave the memcg with the charges behind, and let it go. */
		if (write_str(CG_NAME "/cgroup.procs", pidbuf) ||
		    write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		_exit(verify(rnd, size, FILL_RANDOM) || verify(text, size, FILL_TEXT));
	}
	ASSERT_EQ(read(ready[0], &c, 1), 1);
	swap_cur = read_long(CG_RM "/memory.swap.current");
	zswap_cur = read_long(CG_RM "/memory.zswap.current");
	snapshot(&out);
	TH_LOG("removed memcg held swap %ld, zswap %ld bytes; phys %ld, zswap %ld slots",
	       swap_cur, zswap_cur, vdiff(&out, &self->base.idle).phys,
	       vdiff(&out, &self->base.idle).zswap);
	/*
	 * memory.swap is a page counter, exact at any time; zswap's bytes
	 * are an rstat statistic flushed lazily, so only logged: the exact
	 * zswap count is the slots vswap holds for it.
	 */
	EXPECT_EQ(swap_cur, vdiff(&out, &self->base.idle).phys * (long)page_size);
	EXPECT_GT(swap_cur, 0);
	EXPECT_GT(vdiff(&out, &self->base.idle).zswap, 0);
	ASSERT_EQ(rmdir(CG_RM "/child"), 0);

	ASSERT_EQ(write(go[1], &c, 1), 1);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 0);
	/*
	 * The parent counts its dead child's disk charges until they are
	 * gone; no zswap entry or slot is left either.
	 */
	EXPECT_EQ(read_long(CG_RM "/memory.swap.current"), 0);
	expect_idle(_metadata, &self->base.idle);
	ASSERT_EQ(rmdir(CG_RM), 0);
}

/*
 * Allocation failures where the layer must tell them apart from others:
 * failslab, aimed by its stack trace filter at one kernel function. Needs
 * CONFIG_FAILSLAB and CONFIG_FAULT_INJECTION_STACKTRACE_FILTER (the
 * project's KASAN kernel has both) and a swap device.
 */
#define FAILSLAB	"/sys/kernel/debug/failslab/"
#define FAIL_TIMES	1000000

FIXTURE(vswap_faults) {
	struct vswap_baseline base;
};

static void failslab_off(void)
{
	write_str(FAILSLAB "probability", "0");
	write_str(FAILSLAB "require-start", "0");
	write_str(FAILSLAB "require-end", "0xffffffffffffffff");
	write_str("/proc/self/make-it-fail", "0");
}

FIXTURE_SETUP(vswap_faults)
{
	page_size = sysconf(_SC_PAGESIZE);
	if (access(VSWAP_DIR "phys", R_OK))
		SKIP(return, "no " VSWAP_DIR "phys: not a CONFIG_VSWAP kernel?");
	if (swap_devices() < 1)
		SKIP(return, "these tests need a swap device");
	if (access(FAILSLAB "require-start", W_OK))
		SKIP(return, "no %srequire-start: needs CONFIG_FAILSLAB and its stack trace filter",
		     FAILSLAB);
	setup_common(_metadata, &self->base, 'Y');
}

FIXTURE_TEARDOWN(vswap_faults)
{
	failslab_off();
	teardown_common(&self->base);
}

/*
 * [@start, @end) of kernel text function @name, from /proc/kallsyms
 * (sorted by address): its address and the next higher one.
 */
static int kallsyms_range(const char *name, unsigned long *start,
			  unsigned long *end)
{
	char line[512], sym[256], type;
	unsigned long addr;
	bool found = false;
	int ret = -1;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx %c %255s", &addr, &type, sym) != 3)
			continue;
		if (found && addr > *start) {
			*end = addr;
			ret = 0;
			break;
		}
		if (!found && (type == 't' || type == 'T') &&
		    !strcmp(sym, name) && addr) {
			*start = addr;
			found = true;
		}
	}
	fclose(f);
	return ret;
}

/*
 * Fail every slab allocation this task makes with @start..@end on its
 * stack, however it may wait. Returns failslab's "times" as armed.
 */
static long failslab_arm(unsigned long start, unsigned long end)
{
	char val[32], times[32];

	snprintf(times, sizeof(times), "%d", FAIL_TIMES);
	snprintf(val, sizeof(val), "%#lx", start);
	if (write_str(FAILSLAB "require-start", val))
		return -1;
	snprintf(val, sizeof(val), "%#lx", end);
	if (write_str(FAILSLAB "require-end", val) ||
	    write_str(FAILSLAB "ignore-gfp-wait", "N") ||
	    write_str(FAILSLAB "cache-filter", "N") ||
	    write_str(FAILSLAB "task-filter", "Y") ||
	    write_str(FAILSLAB "interval", "1") ||
	    write_str(FAILSLAB "space", "0") ||
	    write_str(FAILSLAB "verbose", "0") ||
	    write_str(FAILSLAB "stacktrace-depth", "32") ||
	    write_str(FAILSLAB "times", times) ||
	    write_str("/proc/self/make-it-fail", "1") ||
	    write_str(FAILSLAB "probability", "100"))
		return -1;
	return FAIL_TIMES;
}

/*
 * A physical cluster gets its table of memcg ids with the first id it
 * records (swap_cluster_alloc_memcg_table()). When that allocation fails,
 * the folio gets no slot and stays in memory, whole, and memory.swap.events
 * counts a "fail" for each, as it counts a swap-out that finds no free
 * slot. With the layer switched off every slot is a direct one and every
 * fresh cluster needs a table; once the failures stop, the same pages go
 * out and come back intact.
 */
TEST_F(vswap_faults, memcg_table_alloc_fail)
{
	size_t size = 4UL << 20;
	unsigned long start = 0, end = 0;
	long fail0, fail1, injected, swapped;
	uint8_t *mem;

	ASSERT_EQ(kallsyms_range("swap_cluster_alloc_memcg_table", &start, &end), 0);
	TH_LOG("swap_cluster_alloc_memcg_table: %#lx-%#lx", start, end);
	ASSERT_EQ(write_str(VSWAP_SWITCH, "off"), 0);
	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_TEXT);

	fail0 = read_key(CG_NAME "/memory.swap.events", "fail");
	ASSERT_EQ(failslab_arm(start, end), FAIL_TIMES);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	injected = FAIL_TIMES - read_long(FAILSLAB "times");
	failslab_off();
	swapped = swapped_pages(mem, size);
	fail1 = read_key(CG_NAME "/memory.swap.events", "fail");
	TH_LOG("%ld table allocations failed: swap.events fail +%ld, %ld pages out",
	       injected, fail1 - fail0, swapped);
	ASSERT_GT(injected, 0);
	EXPECT_EQ(fail1 - fail0, injected);
	EXPECT_EQ(swapped, 0);
	EXPECT_EQ(verify(mem, size, FILL_TEXT), 0);

	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);
	EXPECT_GE(swapped_pages(mem, size), (long)(size / page_size / 2));
	EXPECT_EQ(read_key(CG_NAME "/memory.swap.events", "fail"), fail1);
	EXPECT_EQ(verify(mem, size, FILL_TEXT), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * Virtual slots on zram with zswap never enabled: the one configuration in
 * which virtual slots are swapped in as a large folio. 7.3 swaps a large
 * folio in whole only from a SWP_SYNCHRONOUS_IO device and only while
 * zswap has never been enabled (it cannot load a large folio). Large
 * folios get virtual slots only while zswap is on, so what comes back
 * large is a run of order-0 folios' virtual slots, contiguous and each
 * backed by the next zram slot, at always (the policy gives no virtual
 * slots with zswap off otherwise). The job runs this fixture alone, in a
 * boot with zswap.enabled=0.
 */
#define ZRAM_DIR	"/sys/block/zram0/"
#define ZRAM_DEV	"/dev/zram0"
#define ZRAM_PAGES	(64UL << 10)	/* 256 MiB with 4 KiB pages */

FIXTURE(vswap_zram) {
	struct vswap_baseline base;
	bool swapon;
};

FIXTURE_SETUP(vswap_zram)
{
	char size[32];
	int fd;

	page_size = sysconf(_SC_PAGESIZE);
	self->swapon = false;
	if (access(VSWAP_DIR "phys", R_OK))
		SKIP(return, "no " VSWAP_DIR "phys: not a CONFIG_VSWAP kernel?");
	if (swap_devices() != 0)
		SKIP(return, "these tests need a machine with no swap device");
	if (access(ZRAM_DIR "disksize", W_OK))
		SKIP(return, "no zram device (CONFIG_ZRAM)");
	if (!setup_common(_metadata, &self->base, 'N'))
		return;
	snprintf(size, sizeof(size), "%lu", ZRAM_PAGES * page_size);
	ASSERT_EQ(write_str(ZRAM_DIR "disksize", size), 0);
	fd = open(ZRAM_DEV, O_RDWR);
	ASSERT_GE(fd, 0);
	ASSERT_EQ(write_swap_area(fd, ZRAM_PAGES), 0);
	close(fd);
	ASSERT_EQ(swapon(ZRAM_DEV, 0), 0);
	self->swapon = true;
	/* The idle state includes the device, now that it is on. */
	snapshot(&self->base.idle);
}

FIXTURE_TEARDOWN(vswap_zram)
{
	if (self->swapon)
		swapoff(ZRAM_DEV);
	write_str(ZRAM_DIR "reset", "1");
	teardown_common(&self->base);
}

/*
 * Order-0 folios swap out to contiguous virtual slots, each backed by the
 * next zram slot; with 64 KiB folios allowed for the faults, each fault
 * reads 16 of them back as one folio (vswap_range_readable() finds one
 * run of one device behind the range).
 */
TEST_F(vswap_zram, large_swapin)
{
	unsigned int order = sz2ord(64UL << 10, page_size);
	size_t pmd = read_pmd_pagesize(), size = 4 * pmd;
	long pages = size / page_size, folios = pages >> order;
	struct vswap_counters out, d;
	long swpin;
	uint8_t *mem;

	/* Order-0 folios for the swap-out, 64 KiB ones for the faults. */
	if (!thp_use_order(order))
		SKIP(return, "no THP of order %u", order);
	mem = map_aligned(size, pmd);
	ASSERT_NE(mem, NULL);
	ASSERT_EQ(madvise(mem, size, MADV_NOHUGEPAGE), 0);
	fill(mem, size, FILL_TEXT);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);

	snapshot(&out);
	d = vdiff(&out, &self->base.idle);
	TH_LOG("%ld pages out: virtual %ld, phys %ld", swapped_pages(mem, size),
	       d.used, d.phys);
	ASSERT_EQ(swapped_pages(mem, size), pages);
	/* Virtual slots, each backed by a zram slot. */
	ASSERT_EQ(d.used, pages);
	ASSERT_EQ(d.phys, pages);

	swpin = thp_stat(order, "swpin");
	ASSERT_EQ(madvise(mem, size, MADV_HUGEPAGE), 0);
	EXPECT_EQ(verify(mem, size, FILL_TEXT), 0);
	TH_LOG("order %u swpin %ld of %ld folios", order,
	       thp_stat(order, "swpin") - swpin, folios);
	/* All of them, unless the zram slots of a run were not contiguous. */
	EXPECT_GE(thp_stat(order, "swpin") - swpin, folios * 3 / 4);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

/*
 * cgroup v1: the memory controller on a v1 hierarchy mounted at CG_V1,
 * with memsw. The controller moves there only while no v2 cgroup uses it,
 * and the pages a v2 cgroup charged would later be uncharged from a memsw
 * counter that never counted them: the fixture needs a boot in which no
 * v2 cgroup has charged memory, and leaves the controller on v1. It runs
 * only when asked (VSWAP_V1=1; the harness boots a guest for it).
 */
#define CG_V1		"/tmp/vswap_memcg_v1"
#define CG_V1_OOM	CG_V1 "/oom"

FIXTURE(vswap_v1) {
	struct vswap_baseline base;
};

FIXTURE_SETUP(vswap_v1)
{
	int err, i;

	page_size = sysconf(_SC_PAGESIZE);
	if (!getenv("VSWAP_V1"))
		SKIP(return, "moves memcg to cgroup v1: VSWAP_V1=1, in a boot of its own");
	if (access(VSWAP_DIR "used", R_OK))
		SKIP(return, "no " VSWAP_DIR ": not a CONFIG_VSWAP kernel?");
	if (geteuid())
		SKIP(return, "needs root");
	if (swap_devices() != 0)
		SKIP(return, "these tests need a machine with no swap device");
	self->base.zswap_enabled = read_flag(ZSWAP_ENABLED);
	if (self->base.zswap_enabled != 'Y')
		SKIP(return, "zswap is not enabled");
	read_mode(self->base.vswap_mode, sizeof(self->base.vswap_mode));
	ASSERT_EQ(write_str(VSWAP_SWITCH, "always"), 0);

	if (access(CG_V1 "/memory.limit_in_bytes", F_OK)) {
		write_str(CG_ROOT "/cgroup.subtree_control", "-memory");
		if (mkdir(CG_V1, 0755))
			ASSERT_EQ(errno, EEXIST);
		/* A v2 cgroup just removed may hold the controller a moment. */
		for (i = 0; i < 100; i++) {
			err = syscall(__NR_mount, "none", CG_V1, "cgroup", 0,
				      "memory") ? errno : 0;
			if (err != EBUSY)
				break;
			usleep(100000);
		}
		if (err == ENOENT || err == ENODEV)
			SKIP(return, "no cgroup v1 memory controller (CONFIG_MEMCG_V1)");
		ASSERT_EQ(err, 0) {
			TH_LOG("mounting the v1 memory controller: %s", strerror(err));
		}
	}
	snapshot(&self->base.idle);
}

FIXTURE_TEARDOWN(vswap_v1)
{
	char pid[32];

	if (self->base.vswap_mode[0])
		write_str(VSWAP_SWITCH, self->base.vswap_mode);
	snprintf(pid, sizeof(pid), "%d", getpid());
	write_str(CG_V1 "/cgroup.procs", pid);
	rmdir(CG_V1_OOM);
	rmdir(CG_V1 "/memsw");
}

/*
 * Review N5: incompressible_oom on cgroup v1. Once zswap has refused all
 * of a memcg's anon memory and no disk slot is to be had, reclaim must
 * stop offering those pages again and the memcg go OOM, as on v2. The
 * count behind that decision was keyed on the slot's swap cgroup id, which
 * v1 records only when a folio leaves the swap cache, never for a refused
 * one: v1 reclaim went over the refused pages again on every pass
 * (134,145 kept resident for 4,087 pages written, against 4,087 on v2).
 */
TEST_F_TIMEOUT(vswap_v1, incompressible_oom_v1, 300)
{
	ASSERT_EQ(mkdir(CG_V1_OOM, 0755), 0);
	ASSERT_EQ(write_str(CG_V1_OOM "/memory.limit_in_bytes", "16M"), 0);
	oom_incompressible(_metadata, CG_V1_OOM "/cgroup.procs",
			   CG_V1_OOM "/memory.oom_control");
	ASSERT_EQ(rmdir(CG_V1_OOM), 0);
	expect_idle(_metadata, &self->base.idle);
}

#define CG_V1_MEMSW	CG_V1 "/memsw"

/* One thread of memsw_races_v1's child: pages out half, or checks all. */
struct v1_slice {
	uint8_t *mem;
	size_t size;
	int pageout_half;	/* -1: check every byte instead */
	long bad;
};

static void *v1_slice_run(void *arg)
{
	struct v1_slice *s = arg;
	size_t half = s->size / 2;
	int round;

	for (round = 0; round < 4; round++) {
		if (s->pageout_half >= 0)
			madvise(s->mem + s->pageout_half * half, half,
				MADV_PAGEOUT);
		else
			s->bad += verify(s->mem, s->size, FILL_TEXT) != 0;
	}
	return NULL;
}

/*
 * cgroup v1 with memsw (review item 5): virtual slots are charged to
 * memsw as swap when their folio leaves the swap cache and uncharged when
 * they are freed or faulted back, as 7.3's slots are. A child of a v1
 * memcg (memory 16M, memsw 64M) swaps 32 MiB of text to zswap, then four
 * threads at once page out half of it, read it back, and check the other
 * half, while the memory limit makes reclaim push it out again; then it
 * drops half and exits. Every byte read must match; memsw must come back
 * to what it was (a counter that went below zero warns, which fails the
 * run), and the virtual slots to idle.
 */
TEST_F_TIMEOUT(vswap_v1, memsw_races_v1, 300)
{
	size_t size = 32UL << 20;
	long memsw0, memsw1, peak;
	int status;
	pid_t pid;

	ASSERT_EQ(mkdir(CG_V1_MEMSW, 0755), 0);
	ASSERT_EQ(write_str(CG_V1_MEMSW "/memory.limit_in_bytes", "16M"), 0);
	ASSERT_EQ(write_str(CG_V1_MEMSW "/memory.memsw.limit_in_bytes", "64M"), 0);
	/* memsw counts memory and swap: the swap part is the difference. */
	memsw0 = read_long(CG_V1_MEMSW "/memory.memsw.usage_in_bytes") -
		 read_long(CG_V1_MEMSW "/memory.usage_in_bytes");
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct v1_slice slice[4];
		pthread_t thread[4];
		char buf[32];
		uint8_t *mem;
		long bad = 0;
		int i;

		snprintf(buf, sizeof(buf), "%d", getpid());
		if (write_str(CG_V1_MEMSW "/cgroup.procs", buf))
			_exit(2);
		mem = map_anon(size, MADV_NOHUGEPAGE);
		if (!mem)
			_exit(2);
		fill(mem, size, FILL_TEXT);
		/* Threads 0 and 2 page out a half each, 1 and 3 check all. */
		for (i = 0; i < 4; i++) {
			slice[i] = (struct v1_slice){ mem, size,
						      i & 1 ? -1 : i / 2, 0 };
			if (pthread_create(&thread[i], NULL, v1_slice_run, &slice[i]))
				_exit(2);
		}
		for (i = 0; i < 4; i++) {
			pthread_join(thread[i], NULL);
			bad += slice[i].bad;
		}
		bad += verify(mem, size, FILL_TEXT) != 0;
		madvise(mem, size / 2, MADV_DONTNEED);
		_exit(bad ? 1 : 0);
	}
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	peak = read_long(CG_V1_MEMSW "/memory.memsw.max_usage_in_bytes");
	/*
	 * A swap cache folio that reclaim held locked at the exit outlives
	 * it, charged, as on 7.3: reclaim what the empty cgroup still has.
	 */
	ASSERT_EQ(write_str(CG_V1_MEMSW "/memory.force_empty", "0"), 0);
	memsw1 = read_long(CG_V1_MEMSW "/memory.memsw.usage_in_bytes") -
		 read_long(CG_V1_MEMSW "/memory.usage_in_bytes");
	TH_LOG("child %s %d; memsw peak %ld; swap in it %ld, then %ld (memory %ld, kmem %ld)",
	       WIFEXITED(status) ? "exited" : "killed by",
	       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
	       peak, memsw0, memsw1,
	       read_long(CG_V1_MEMSW "/memory.usage_in_bytes"),
	       read_long(CG_V1_MEMSW "/memory.kmem.usage_in_bytes"));
	EXPECT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	/* The data went through zswap, and memsw counted it out. */
	EXPECT_GT(peak, 16L << 20);
	EXPECT_EQ(memsw1, memsw0);
	ASSERT_EQ(rmdir(CG_V1_MEMSW), 0);
	expect_idle(_metadata, &self->base.idle);
}

TEST_HARNESS_MAIN
