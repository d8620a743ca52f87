// SPDX-License-Identifier: GPL-2.0
/*
 * Virtual swap space (CONFIG_VSWAP) with no physical swap device: pages go
 * to zswap or become zero pages, come back byte for byte, and the
 * /sys/kernel/debug/vswap counters account for every slot and return to
 * their idle values once the memory is gone.
 *
 * Needs root, debugfs, cgroup v2 with the memory controller, zswap enabled
 * and no swap device in /proc/swaps; nothing else may swap meanwhile, as
 * the counters are compared exactly.
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
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "vm_util.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define VSWAP_DIR	"/sys/kernel/debug/vswap/"
#define CG_ROOT		"/sys/fs/cgroup"
#define CG_NAME		CG_ROOT "/vswap_selftest"

static size_t page_size;

enum fill_kind { FILL_ZERO, FILL_TEXT, FILL_RANDOM, FILL_MIXED };

/* The counters this test reads, in one snapshot. */
struct vswap_counters {
	long used, zswap, zero, swapcache, clusters, kept_resident;
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

static long read_vmstat(const char *key)
{
	const char *path = "/proc/vmstat";
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

static void snapshot(struct vswap_counters *c)
{
	c->used = read_long(VSWAP_DIR "used");
	c->zswap = read_long(VSWAP_DIR "zswap");
	c->zero = read_long(VSWAP_DIR "zero");
	c->swapcache = read_long(VSWAP_DIR "swapcache");
	c->clusters = read_long(VSWAP_DIR "clusters");
	c->kept_resident = read_long(VSWAP_DIR "kept_resident");
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

/* Pages of [mem, mem + size) whose PTE holds a swap entry. */
static long swapped_pages(uint8_t *mem, size_t size)
{
	unsigned long n = size / page_size, i;
	uint64_t *ents = calloc(n, sizeof(*ents));
	long swapped = 0;
	ssize_t got;
	int fd;

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || !ents) {
		free(ents);
		return -1;
	}
	got = pread(fd, ents, n * sizeof(*ents),
		    (uintptr_t)mem / page_size * sizeof(*ents));
	close(fd);
	if (got != (ssize_t)(n * sizeof(*ents))) {
		free(ents);
		return -1;
	}
	for (i = 0; i < n; i++)
		swapped += !!(ents[i] & PM_SWAP);
	free(ents);
	return swapped;
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
	int fd = open("/sys/module/zswap/parameters/enabled", O_RDONLY);

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

FIXTURE_SETUP(vswap)
{
	char pid[32];

	page_size = sysconf(_SC_PAGESIZE);
	if (access(VSWAP_DIR "used", R_OK))
		SKIP(return, "no " VSWAP_DIR ": not a CONFIG_VSWAP kernel?");
	ASSERT_EQ(swap_devices(), 0) {
		TH_LOG("these tests need a machine with no swap device");
	}
	ASSERT_EQ(zswap_enabled(), 1) {
		TH_LOG("zswap must be enabled");
	}

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

	snapshot(&self->base.idle);
	ASSERT_GE(self->base.idle.used, 0);
	self->base.zswpout = read_vmstat("zswpout");
	self->base.zswpin = read_vmstat("zswpin");
	self->base.swpout_zero = read_vmstat("swpout_zero");
}

FIXTURE_TEARDOWN(vswap)
{
	char pid[32];

	munlockall();
	snprintf(pid, sizeof(pid), "%d", getpid());
	write_str(CG_ROOT "/cgroup.procs", pid);
	rmdir(CG_NAME);
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

TEST_HARNESS_MAIN
