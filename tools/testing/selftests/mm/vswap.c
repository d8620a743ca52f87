// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space (CONFIG_VSWAP).
 *
 * Fixture "vswap" runs with no physical swap device: pages go to zswap or
 * become zero pages, come back byte for byte, and the
 * /sys/kernel/debug/vswap counters account for every slot and return to
 * their idle values once the memory is gone.
 *
 * Fixture "vswap_disk" runs with a swap device: what zswap refuses goes to
 * physical slots behind the virtual ones, zswap writeback moves data to
 * disk, memory.swap charges the disk only, and swapoff finds the data of
 * virtual slots through the reverse map. Two of its tests turn the swap
 * device off for a while and put it back.
 *
 * Each fixture skips when the machine has (or lacks) a swap device. Both
 * need root, debugfs, cgroup v2 with the memory controller and zswap
 * enabled; nothing else may swap meanwhile, as counters are compared
 * exactly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "vm_util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define VSWAP_DIR	"/sys/kernel/debug/vswap/"
#define ZSWAP_ENABLED	"/sys/module/zswap/parameters/enabled"
#define CG_ROOT		"/sys/fs/cgroup"
#define CG_NAME		CG_ROOT "/vswap_selftest"

static size_t page_size;

enum fill_kind { FILL_ZERO, FILL_TEXT, FILL_RANDOM, FILL_MIXED };

/* The counters this test reads, in one snapshot. */
struct vswap_counters {
	long used, zswap, zero, swapcache, clusters, kept_resident;
	long phys, rmap, phys_writeout, writeback, phys_alloc_fail, unuse;
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
}

/* Text-like content that compresses well, tagged with the page index. */
static void fill_page(uint8_t *p, unsigned long idx, enum fill_kind kind)
{
	static const char text[] = "virtual swap selftest, compressible ";
	uint64_t x = 0x9e3779b97f4a7c15ULL ^ (idx * 0xbf58476d1ce4e5b9ULL);
	unsigned long i;

	if (kind == FILL_MIXED)
		kind = idx % 2 ? FILL_TEXT : FILL_ZERO;
	switch (kind) {
	case FILL_ZERO:
		memset(p, 0, page_size);
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

/* The pagemap entries of [mem, mem + size), to free(); NULL on error. */
static uint64_t *read_pagemap(uint8_t *mem, size_t size)
{
	size_t len = size / page_size * sizeof(uint64_t);
	uint64_t *ents = malloc(len);
	ssize_t got = -1;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd >= 0 && ents)
		got = pread(fd, ents, len,
			    (uintptr_t)mem / page_size * sizeof(uint64_t));
	if (fd >= 0)
		close(fd);
	if (got != (ssize_t)len) {
		free(ents);
		return NULL;
	}
	return ents;
}

/* Pages of [mem, mem + size) whose PTE holds a swap entry. */
static long swapped_pages(uint8_t *mem, size_t size)
{
	uint64_t *ents = read_pagemap(mem, size);
	unsigned long i;
	long swapped = 0;

	if (!ents)
		return -1;
	for (i = 0; i < size / page_size; i++)
		swapped += !!(ents[i] & PM_SWAP);
	free(ents);
	return swapped;
}

/*
 * Swap type of the PTEs of [mem, mem + size) that hold a swap entry: the
 * one type they share, -1 if there is none, -2 if they differ.
 */
static int swap_type_of(uint8_t *mem, size_t size)
{
	uint64_t *ents = read_pagemap(mem, size);
	unsigned long i;
	int type = -1, t;

	if (!ents)
		return -2;
	for (i = 0; i < size / page_size; i++) {
		if (!(ents[i] & PM_SWAP))
			continue;
		t = ents[i] & 0x1f;	/* bits 0-4: swap type */
		if (type == -1)
			type = t;
		else if (type != t)
			type = -2;
	}
	free(ents);
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

/* A 2 MiB aligned region for THP. */
static uint8_t *map_aligned(size_t size)
{
	size_t align = 2UL << 20;
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

static int zswap_enabled(void)
{
	char c = 0;
	int fd = open(ZSWAP_ENABLED, O_RDONLY);

	if (fd < 0)
		return 0;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == 'Y';
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

/* What the system looked like before a test. */
struct vswap_baseline {
	struct vswap_counters idle;
	long zswpout, zswpin, swpout_zero;
};

FIXTURE(vswap) {
	struct vswap_baseline base;
};

static void setup_common(struct __test_metadata *_metadata,
			 struct vswap_baseline *base);

FIXTURE_SETUP(vswap)
{
	page_size = sysconf(_SC_PAGESIZE);
	if (access(VSWAP_DIR "used", R_OK))
		SKIP(return, "no " VSWAP_DIR ": not a CONFIG_VSWAP kernel?");
	if (swap_devices() != 0)
		SKIP(return, "these tests need a machine with no swap device");
	setup_common(_metadata, &self->base);
}

/* Shared by both fixtures: the memcg, locked memory, the baseline. */
static void setup_common(struct __test_metadata *_metadata,
			 struct vswap_baseline *base)
{
	char pid[32];

	ASSERT_EQ(zswap_enabled(), 1) {
		TH_LOG("zswap must be enabled");
	}
	ASSERT_EQ(write_str(VSWAP_DIR "enabled", "1"), 0);

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
}

static void teardown_common(void)
{
	char pid[32];

	munlockall();
	snprintf(pid, sizeof(pid), "%d", getpid());
	write_str(CG_ROOT "/cgroup.procs", pid);
	rmdir(CG_NAME);
}

FIXTURE_TEARDOWN(vswap)
{
	teardown_common();
}

/*
 * Every slot taken since setup is back: what the test mapped is unmapped
 * or exited, and frees are synchronous with both.
 */
static void expect_idle(struct __test_metadata *_metadata,
			const struct vswap_counters *idle)
{
	struct vswap_counters now;

	snapshot(&now);
	EXPECT_EQ(now.used, idle->used);
	EXPECT_EQ(now.zswap, idle->zswap);
	EXPECT_EQ(now.zero, idle->zero);
	EXPECT_EQ(now.swapcache, idle->swapcache);
	EXPECT_EQ(now.clusters, idle->clusters);
	EXPECT_EQ(now.phys, idle->phys);
	EXPECT_EQ(now.rmap, idle->rmap);
}

/* Reclaim @size bytes from the test's cgroup; it may do less. */
static void memcg_reclaim(size_t size)
{
	char val[32];

	snprintf(val, sizeof(val), "%zu", size);
	write_str(CG_NAME "/memory.reclaim", val);
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
	long swapped, nr_zero, nr_zswap;
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
	TH_LOG("%ld of %zu pages out: zswap %ld, zero %ld, used %ld, clusters %ld",
	       swapped, size / page_size, nr_zswap, nr_zero,
	       out.used - self->idle.used, out.clusters);

	/* Most of the region went out, none of it to a disk. */
	ASSERT_GE(swapped, (long)(size / page_size / 2));
	EXPECT_EQ(out.used - self->idle.used, swapped);
	EXPECT_EQ(nr_zero + nr_zswap, swapped);
	EXPECT_GT(out.clusters, self->idle.clusters);
	if (kind == FILL_ZERO) {
		EXPECT_EQ(nr_zero, swapped);
		EXPECT_GE(read_vmstat("swpout_zero") - self->swpout_zero, swapped);
	} else if (kind == FILL_TEXT) {
		EXPECT_EQ(nr_zswap, swapped);
		EXPECT_GE(read_vmstat("zswpout") - self->zswpout, swapped);
	} else {
		EXPECT_GT(nr_zero, 0);
		EXPECT_GT(nr_zswap, 0);
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

TEST_F(vswap, compressible_reclaim)
{
	swap_round_trip(_metadata, &self->base, FILL_TEXT, 32UL << 20, false);
}

TEST_F(vswap, compressible_pageout)
{
	swap_round_trip(_metadata, &self->base, FILL_TEXT, 32UL << 20, true);
}

TEST_F(vswap, mixed_reclaim)
{
	swap_round_trip(_metadata, &self->base, FILL_MIXED, 32UL << 20, false);
}

TEST_F(vswap, mixed_pageout)
{
	swap_round_trip(_metadata, &self->base, FILL_MIXED, 32UL << 20, true);
}

/* zswap refuses random data and there is no disk: it must stay in RAM. */
TEST_F(vswap, incompressible_stays_resident)
{
	size_t size = 8UL << 20, pages = size / page_size;
	struct vswap_counters out;
	uint8_t *mem;

	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_RANDOM);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);

	snapshot(&out);
	TH_LOG("kept resident %ld, swap cache only %ld",
	       out.kept_resident - self->base.idle.kept_resident,
	       out.swapcache - self->base.idle.swapcache);
	EXPECT_EQ(out.zswap, self->base.idle.zswap);
	EXPECT_EQ(out.zero, self->base.idle.zero);
	EXPECT_GE(out.kept_resident - self->base.idle.kept_resident, (long)pages);
	EXPECT_EQ(resident_pages(mem, size), (long)pages);
	EXPECT_EQ(read_vmstat("zswpout"), self->base.zswpout);

	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
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

static int thp_setting(const char *file, const char *val, char *old,
		       size_t len)
{
	char path[256], buf[256], *start, *end;
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/sys/kernel/mm/transparent_hugepage/%s",
		 file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	/* The active value is the one in brackets. */
	start = strchr(buf, '[');
	end = start ? strchr(start, ']') : NULL;
	if (!end)
		return -1;
	*end = 0;
	snprintf(old, len, "%s", start + 1);
	return write_str(path, val);
}

#define PMD_ENABLED	"hugepages-2048kB/enabled"

static void thp_restore(const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/kernel/mm/transparent_hugepage/%s",
		 file);
	write_str(path, val);
}

static long thp_stat(const char *size_dir, const char *stat)
{
	char path[256];

	snprintf(path, sizeof(path),
		 "/sys/kernel/mm/transparent_hugepage/%s/stats/%s",
		 size_dir, stat);
	return read_long(path);
}

/*
 * A large folio of @size_dir swaps out whole: it gets contiguous virtual
 * slots (no split), and its data comes back intact.
 */
static void large_folio_swap(struct __test_metadata *_metadata,
			     const struct vswap_baseline *self, const char *size_dir,
			     size_t folio_size)
{
	size_t size = 8UL << 20, nr_folios = size / folio_size;
	char old_top[32], old_size[32], old_pmd[32], file[64];
	bool pmd = folio_size == 2UL << 20;
	long swpout, fallback;
	uint8_t *mem;

	snprintf(file, sizeof(file), "%s/enabled", size_dir);
	ASSERT_EQ(thp_setting("enabled", "madvise", old_top, sizeof(old_top)), 0);
	/* Keep PMD-sized THP out of the way of a smaller size. */
	ASSERT_EQ(thp_setting(PMD_ENABLED, pmd ? "inherit" : "never", old_pmd,
			      sizeof(old_pmd)), 0);
	ASSERT_EQ(thp_setting(file, "always", old_size, sizeof(old_size)), 0);

	swpout = thp_stat(size_dir, "zswpout");
	fallback = thp_stat(size_dir, "swpout_fallback");
	mem = map_aligned(size);
	ASSERT_NE(mem, NULL);
	ASSERT_EQ(madvise(mem, size, MADV_HUGEPAGE), 0);
	fill(mem, size, FILL_TEXT);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);

	TH_LOG("%s: zswpout %ld, swpout_fallback %ld, of %zu folios", size_dir,
	       thp_stat(size_dir, "zswpout") - swpout,
	       thp_stat(size_dir, "swpout_fallback") - fallback, nr_folios);
	EXPECT_GE(thp_stat(size_dir, "zswpout") - swpout, (long)nr_folios / 2);
	EXPECT_EQ(thp_stat(size_dir, "swpout_fallback") - fallback, 0);
	EXPECT_EQ(swapped_pages(mem, size), (long)(size / page_size));
	EXPECT_EQ(verify(mem, size, FILL_TEXT), 0);

	ASSERT_EQ(munmap(mem, size), 0);
	thp_restore("enabled", old_top);
	thp_restore(file, old_size);
	thp_restore(PMD_ENABLED, old_pmd);
	expect_idle(_metadata, &self->idle);
}

TEST_F(vswap, thp_swap)
{
	large_folio_swap(_metadata, &self->base, "hugepages-2048kB", 2UL << 20);
}

TEST_F(vswap, mthp_swap)
{
	large_folio_swap(_metadata, &self->base, "hugepages-64kB", 64UL << 10);
}

/* tmpfs pages go to zswap too, with no swap device behind it. */
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
	TH_LOG("%ld slots used: zswap %ld, zero %ld", out.used - self->base.idle.used,
	       out.zswap - self->base.idle.zswap, out.zero - self->base.idle.zero);
	EXPECT_GE(out.used - self->base.idle.used, (long)pages / 2);
	EXPECT_EQ(out.zswap - self->base.idle.zswap + out.zero - self->base.idle.zero,
		  out.used - self->base.idle.used);
	EXPECT_GT(out.zswap - self->base.idle.zswap, 0);
	EXPECT_GT(out.zero - self->base.idle.zero, 0);

	EXPECT_EQ(verify(mem, size, FILL_MIXED), 0);
	ASSERT_EQ(munmap(mem, size), 0);
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
 * With a swap device.
 */
#define SWAPFILE	"vswap_selftest.swap"
#define CG_RM		CG_ROOT "/vswap_selftest_rm"

FIXTURE(vswap_disk) {
	struct vswap_baseline base;
	char dev[256];		/* the swap device found at setup */
	char swapfile[512];	/* absolute, as /proc/swaps shows it */
	int dev_off;		/* a test turned it off */
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
	ASSERT_EQ(first_swap_device(self->dev, sizeof(self->dev)), 0);
	self->dev_off = 0;
	ASSERT_NE(getcwd(self->swapfile, sizeof(self->swapfile) - 32), NULL);
	strcat(self->swapfile, "/" SWAPFILE);
	setup_common(_metadata, &self->base);
}

FIXTURE_TEARDOWN(vswap_disk)
{
	write_str(VSWAP_DIR "enabled", "1");
	write_str(ZSWAP_ENABLED, "Y");
	swapoff(self->swapfile);
	unlink(self->swapfile);
	if (self->dev_off)
		swapon(self->dev, 0);
	teardown_common();
	rmdir(CG_RM "/child");
	rmdir(CG_RM);
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

/* zswap refuses random data: it goes to disk through virtual slots. */
TEST_F(vswap_disk, incompressible_to_disk)
{
	size_t size = 16UL << 20;
	long pswpout = read_vmstat("pswpout");
	long disk_kib = swap_used_kib(self->dev);
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
	       swap_used_kib(self->dev) - disk_kib);
	ASSERT_GE(swapped, (long)(size / page_size / 2));
	EXPECT_EQ(vdiff(&out, &self->base.idle).used, swapped);
	EXPECT_EQ(phys, swapped);
	EXPECT_EQ(vdiff(&out, &self->base.idle).rmap, phys);
	EXPECT_EQ(vdiff(&out, &self->base.idle).zswap, 0);
	EXPECT_GE(vdiff(&out, &self->base.idle).phys_writeout, phys);
	EXPECT_GE(read_vmstat("pswpout") - pswpout, phys);
	EXPECT_EQ(swap_used_kib(self->dev) - disk_kib, phys * (long)page_size / 1024);
	/* memory.swap charges exactly the disk slots. */
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), phys * (long)page_size);

	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), 0);
	EXPECT_EQ(swap_used_kib(self->dev), disk_kib);
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

/* memory.swap.max=0 forbids the disk, not zswap. */
TEST_F(vswap_disk, swap_max_zero)
{
	size_t size = 8UL << 20, pages = size / page_size;
	long events = read_key(CG_NAME "/memory.swap.events", "max");
	struct vswap_counters out;
	uint8_t *text, *rnd;

	ASSERT_EQ(write_str(CG_NAME "/memory.swap.max", "0"), 0);
	text = map_anon(size, MADV_NOHUGEPAGE);
	rnd = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(text, NULL);
	ASSERT_NE(rnd, NULL);
	fill(text, size, FILL_TEXT);
	fill(rnd, size, FILL_RANDOM);
	ASSERT_EQ(madvise(text, size, MADV_PAGEOUT), 0);
	ASSERT_EQ(madvise(rnd, size, MADV_PAGEOUT), 0);

	snapshot(&out);
	TH_LOG("zswap %ld, phys %ld, kept resident %ld, phys_alloc_fail %ld, swap_max events %ld",
	       vdiff(&out, &self->base.idle).zswap, vdiff(&out, &self->base.idle).phys,
	       vdiff(&out, &self->base.idle).kept_resident,
	       vdiff(&out, &self->base.idle).phys_alloc_fail,
	       read_key(CG_NAME "/memory.swap.events", "max") - events);
	EXPECT_GE(swapped_pages(text, size), (long)pages / 2);
	EXPECT_EQ(vdiff(&out, &self->base.idle).zswap, swapped_pages(text, size));
	EXPECT_EQ(vdiff(&out, &self->base.idle).phys, 0);
	EXPECT_GE(vdiff(&out, &self->base.idle).kept_resident, (long)pages);
	EXPECT_GE(vdiff(&out, &self->base.idle).phys_alloc_fail, (long)pages);
	EXPECT_GT(read_key(CG_NAME "/memory.swap.events", "max"), events);
	EXPECT_EQ(resident_pages(rnd, size), (long)pages);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), 0);

	EXPECT_EQ(verify(text, size, FILL_TEXT), 0);
	EXPECT_EQ(verify(rnd, size, FILL_RANDOM), 0);
	ASSERT_EQ(munmap(text, size), 0);
	ASSERT_EQ(munmap(rnd, size), 0);
	expect_idle(_metadata, &self->base.idle);
}

/* Write an empty swap area of @pages pages to @path (mkswap's format). */
static int make_swapfile(const char *path, unsigned long pages)
{
	uint8_t *hdr = calloc(1, page_size);
	uint32_t *words = (uint32_t *)(hdr + 1024);
	int fd, ret = -1;

	fd = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0600);
	if (fd < 0 || !hdr)
		goto out;
	words[0] = 1;			/* version */
	words[1] = pages - 1;		/* last page */
	memcpy(hdr + page_size - 10, "SWAPSPACE2", 10);
	if (write(fd, hdr, page_size) != (ssize_t)page_size)
		goto out;
	memset(hdr, 0, page_size);
	for (unsigned long i = 1; i < pages; i++)
		if (write(fd, hdr, page_size) != (ssize_t)page_size)
			goto out;
	ret = fsync(fd);
out:
	if (fd >= 0)
		close(fd);
	free(hdr);
	return ret;
}

/* A full disk: what does not fit stays in memory, nothing is lost. */
TEST_F(vswap_disk, device_full)
{
	size_t size = 16UL << 20, pages = size / page_size;
	unsigned long file_pages = 1024;	/* 4 MiB with 4K pages */
	struct vswap_counters out;
	long phys, resident;
	uint8_t *mem;

	ASSERT_EQ(make_swapfile(self->swapfile, file_pages), 0);
	ASSERT_EQ(swapoff(self->dev), 0);
	self->dev_off = 1;
	ASSERT_EQ(swapon(self->swapfile, 0), 0) {
		TH_LOG("swapon %s: %s", self->swapfile, strerror(errno));
	}

	mem = map_anon(size, MADV_NOHUGEPAGE);
	ASSERT_NE(mem, NULL);
	fill(mem, size, FILL_RANDOM);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);

	snapshot(&out);
	phys = vdiff(&out, &self->base.idle).phys;
	resident = resident_pages(mem, size);
	TH_LOG("%zu pages, %lu-page device: phys %ld, resident %ld",
	       pages, file_pages, phys, resident);
	TH_LOG("kept resident %ld, phys_alloc_fail %ld",
	       vdiff(&out, &self->base.idle).kept_resident,
	       vdiff(&out, &self->base.idle).phys_alloc_fail);
	EXPECT_GT(phys, 0);
	EXPECT_LT(phys, (long)file_pages);
	EXPECT_EQ(vdiff(&out, &self->base.idle).rmap, phys);
	EXPECT_GT(vdiff(&out, &self->base.idle).phys_alloc_fail, 0);
	EXPECT_GE(vdiff(&out, &self->base.idle).kept_resident, (long)pages - phys);
	EXPECT_GE(resident, (long)pages - phys);
	EXPECT_EQ(read_long(CG_NAME "/memory.swap.current"), phys * (long)page_size);

	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);
	ASSERT_EQ(munmap(mem, size), 0);
	expect_idle(_metadata, &self->base.idle);
	EXPECT_EQ(swap_used_kib(self->swapfile), 0);

	ASSERT_EQ(swapoff(self->swapfile), 0);
	ASSERT_EQ(swapon(self->dev, 0), 0);
	self->dev_off = 0;
}

/*
 * PMD THPs of random data paged out to disk: on a block device each goes
 * to one contiguous physical run, whole; on a swap file (no large runs)
 * reclaim splits it and its pages go one by one. Every byte comes back.
 */
static void thp_to_disk(struct __test_metadata *_metadata,
			const struct vswap_baseline *base, bool split)
{
	const char *dir = "hugepages-2048kB";
	size_t size = 4UL << 20, pages = size / page_size, nr_folios = 2;
	long swpout = thp_stat(dir, "swpout"), splits = read_vmstat("thp_split_page");
	char old_top[32], old_pmd[32];
	struct vswap_counters out;
	long phys;
	uint8_t *mem;

	ASSERT_EQ(thp_setting("enabled", "madvise", old_top, sizeof(old_top)), 0);
	ASSERT_EQ(thp_setting(PMD_ENABLED, "inherit", old_pmd, sizeof(old_pmd)), 0);
	mem = map_aligned(size);
	ASSERT_NE(mem, NULL);
	ASSERT_EQ(madvise(mem, size, MADV_HUGEPAGE), 0);
	fill(mem, size, FILL_RANDOM);
	ASSERT_EQ(madvise(mem, size, MADV_PAGEOUT), 0);

	snapshot(&out);
	phys = vdiff(&out, &base->idle).phys;
	TH_LOG("%zu pages in %zu THPs: phys %ld, THP swpout %ld, THP splits %ld",
	       pages, nr_folios, phys, thp_stat(dir, "swpout") - swpout,
	       read_vmstat("thp_split_page") - splits);
	TH_LOG("swapped %ld, used %ld, kept resident %ld, phys_alloc_fail %ld",
	       swapped_pages(mem, size), vdiff(&out, &base->idle).used,
	       vdiff(&out, &base->idle).kept_resident,
	       vdiff(&out, &base->idle).phys_alloc_fail);
	EXPECT_EQ(vdiff(&out, &base->idle).rmap, phys);
	EXPECT_EQ(vdiff(&out, &base->idle).zswap, 0);
	if (split) {
		EXPECT_EQ(phys, (long)pages);
		EXPECT_EQ(read_vmstat("thp_split_page") - splits, (long)nr_folios);
	} else {
		EXPECT_EQ(phys, (long)pages);
		EXPECT_EQ(thp_stat(dir, "swpout") - swpout, (long)nr_folios);
	}
	EXPECT_EQ(verify(mem, size, FILL_RANDOM), 0);

	ASSERT_EQ(munmap(mem, size), 0);
	thp_restore("enabled", old_top);
	thp_restore(PMD_ENABLED, old_pmd);
	expect_idle(_metadata, &base->idle);
}

TEST_F(vswap_disk, thp_to_blockdev)
{
	ASSERT_EQ(strncmp(self->dev, "/dev/", 5), 0) {
		TH_LOG("%s: a block device is needed for large runs", self->dev);
	}
	thp_to_disk(_metadata, &self->base, false);
}

/*
 * zswap off and a swap file: no large physical run can be had, so the
 * virtual layer does not take the THPs whole; reclaim splits them before
 * unmapping, as it does without CONFIG_VSWAP, and every page goes to disk
 * through its own virtual slot.
 */
TEST_F(vswap_disk, thp_to_swapfile_split)
{
	ASSERT_EQ(make_swapfile(self->swapfile, 2048), 0);
	ASSERT_EQ(swapoff(self->dev), 0);
	self->dev_off = 1;
	ASSERT_EQ(swapon(self->swapfile, 0), 0);
	ASSERT_EQ(write_str(ZSWAP_ENABLED, "N"), 0);
	thp_to_disk(_metadata, &self->base, true);
	ASSERT_EQ(write_str(ZSWAP_ENABLED, "Y"), 0);
	ASSERT_EQ(swapoff(self->swapfile), 0);
	ASSERT_EQ(swapon(self->dev, 0), 0);
	self->dev_off = 0;
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
	long disk_kib, phys;
	pid_t pid[3];
	char c = 0;

	ASSERT_EQ(pipe(ready), 0);
	ASSERT_EQ(pipe(go), 0);
	ASSERT_EQ(pipe(report), 0);
	for (i = 0; i < 3; i++) {
		uint8_t *mem = map_anon(size, MADV_NOHUGEPAGE);

		ASSERT_NE(mem, NULL);
		/* The third child swaps out with the virtual layer off. */
		if (i == 2)
			ASSERT_EQ(write_str(VSWAP_DIR "enabled", "0"), 0);
		pid[i] = fork();
		ASSERT_GE(pid[i], 0);
		if (!pid[i])
			unuse_child(mem, size, kinds[i], ready[1], go[0], report[1]);
		ASSERT_EQ(read(ready[0], &c, 1), 1);
		ASSERT_EQ(write_str(VSWAP_DIR "enabled", "1"), 0);
		munmap(mem, size);
	}

	stop = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(stop, MAP_FAILED);
	__atomic_store_n(stop, 0, __ATOMIC_RELEASE);

	snapshot(&out);
	phys = vdiff(&out, &self->base.idle).phys;
	disk_kib = swap_used_kib(self->dev);
	busy = fork();
	ASSERT_GE(busy, 0);
	if (!busy)
		traffic_child(stop, report[1]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(swapoff(self->dev), 0) {
		TH_LOG("swapoff %s: %s", self->dev, strerror(errno));
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	self->dev_off = 1;
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
	ASSERT_EQ(swapon(self->dev, 0), 0);
	self->dev_off = 0;
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

TEST_HARNESS_MAIN
