// SPDX-License-Identifier: GPL-2.0
/*
 * swapload: push zero, compressible and incompressible pages through swap
 * under the memory cgroup it runs in, then verify every byte.
 *
 *   swapload [-m MiB] [-i MiB] [-p CMD]
 *     -m MiB  size of each of the three regions (default 64)
 *     -i MiB  size of the incompressible region (default: as -m); with no
 *             swap device it must fit in memory
 *     -p CMD  run CMD (via /bin/sh) at the peak, while the data is out
 *
 * Exit 0 only if every byte reads back as written and the kernel reported
 * swapping at least the part that cannot fit under memory.max.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"


enum kind { ZERO, COMPRESSIBLE, INCOMPRESSIBLE, NR_KINDS };
static const char *const kind_name[NR_KINDS] = {
	"zero", "compressible", "incompressible"
};

/* Compressible: text-like, repeats every 64 bytes, tagged with the page. */
static void fill_compressible(uint8_t *p, unsigned long idx)
{
	static const char text[] = "vswap test page, compressible ";
	unsigned long off;

	for (off = 0; off < PAGE; off++)
		p[off] = text[off % 64 % (sizeof(text) - 1)];
	memcpy(p, &idx, sizeof(idx));
}

/* Incompressible: a random stream seeded by the page index. */
static void fill_incompressible(uint8_t *p, unsigned long idx)
{
	fill_random_page(p, idx * 0xbf58476d1ce4e5b9ULL);
}

static void fill(enum kind k, uint8_t *p, unsigned long idx)
{
	if (k == ZERO)
		memset(p, 0, PAGE);
	else if (k == COMPRESSIBLE)
		fill_compressible(p, idx);
	else
		fill_incompressible(p, idx);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static long read_kib(const char *file, const char *key)
{
	char line[256];
	size_t n = strlen(key);
	long val = -1;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, n) && line[n] == ':')
			val = strtol(line + n + 1, NULL, 10);
	fclose(f);
	return val;
}

/* The cgroup v2 directory this process is in, for its memory.max. */
static int own_cgroup(char *buf, size_t len)
{
	char line[400];
	FILE *f = fopen("/proc/self/cgroup", "r");
	int ok = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = 0;
		snprintf(buf, len, "/sys/fs/cgroup%s", line + 3);
		ok = 1;
	}
	fclose(f);
	return ok;
}

static long cgroup_max_kib(const char *cg)
{
	char path[600], val[64] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/memory.max", cg);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (!fgets(val, sizeof(val), f))
		val[0] = 0;
	fclose(f);
	return strncmp(val, "max", 3) ? strtol(val, NULL, 10) / 1024 : -1;
}

int main(int argc, char **argv)
{
	unsigned long mib = 64, imib = 0, pages[NR_KINDS], total = 0, i;
	unsigned long bad[NR_KINDS] = { 0 };
	const char *peak_cmd = NULL;
	uint8_t *region[NR_KINDS], expect[PAGE];
	long swap_kib, limit_kib, need_kib, t_fill, t_verify;
	int opt, k;
	char cg[512] = "";

	while ((opt = getopt(argc, argv, "m:i:p:")) != -1) {
		switch (opt) {
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 'i':
			imib = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			peak_cmd = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s [-m MiB] [-i MiB] [-p CMD]\n",
				argv[0]);
			return 2;
		}
	}
	for (k = 0; k < NR_KINDS; k++) {
		pages[k] = (k == INCOMPRESSIBLE && imib ? imib : mib) *
			   1024 * 1024 / PAGE;
		total += pages[k];
	}
	own_cgroup(cg, sizeof(cg));
	limit_kib = cgroup_max_kib(cg);

	t_fill = now_ms();
	for (k = 0; k < NR_KINDS; k++) {
		region[k] = mmap(NULL, pages[k] * PAGE, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (region[k] == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		/* Order-0 pages: the run checks the base paths, not THP. */
		madvise(region[k], pages[k] * PAGE, MADV_NOHUGEPAGE);
		for (i = 0; i < pages[k]; i++)
			fill(k, region[k] + i * PAGE, i);
	}

	t_fill = now_ms() - t_fill;
	swap_kib = read_kib("/proc/self/status", "VmSwap");
	printf("swapload: %lu MiB zero, %lu MiB compressible, %lu MiB incompressible, cgroup %s, memory.max %ld KiB\n",
	       mib, mib, pages[INCOMPRESSIBLE] * PAGE >> 20, cg[0] ? cg : "?",
	       limit_kib);
	printf("swapload: at peak VmSwap %ld KiB, RssAnon %ld KiB\n", swap_kib,
	       read_kib("/proc/self/status", "RssAnon"));
	fflush(stdout);
	if (peak_cmd && system(peak_cmd) != 0)
		fprintf(stderr, "swapload: peak command failed\n");

	t_verify = now_ms();
	for (k = 0; k < NR_KINDS; k++) {
		for (i = 0; i < pages[k]; i++) {
			fill(k, expect, i);
			if (memcmp(region[k] + i * PAGE, expect, PAGE))
				bad[k]++;
		}
		printf("swapload: %-14s %lu pages, %lu bytes verified, %lu bad pages\n",
		       kind_name[k], pages[k], pages[k] * PAGE, bad[k]);
	}

	t_verify = now_ms() - t_verify;
	printf("swapload: time fill %ld ms, verify %ld ms\n", t_fill, t_verify);

	/*
	 * Whatever does not fit under memory.max must have been swapped: the
	 * regions alone are larger than the limit.
	 */
	need_kib = limit_kib > 0 ? (long)(total * PAGE / 1024) - limit_kib : 1;
	if (need_kib < 1)
		need_kib = 1;
	if (swap_kib < need_kib) {
		printf("swapload: FAIL: VmSwap %ld KiB at peak, expected at least %ld KiB\n",
		       swap_kib, need_kib);
		return 1;
	}
	if (bad[ZERO] || bad[COMPRESSIBLE] || bad[INCOMPRESSIBLE]) {
		printf("swapload: FAIL: data corrupted\n");
		return 1;
	}
	printf("swapload: PASS: %lu bytes verified, %ld KiB were swapped out\n",
	       total * PAGE, swap_kib);
	return 0;
}
