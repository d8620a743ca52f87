// SPDX-License-Identifier: GPL-2.0
/*
 * freebench: time swapping a region out with MADV_PAGEOUT, reading it back,
 * and freeing a region that is entirely swapped out (munmap), the path
 * that must not get slower with the virtual swap layer.
 *
 *   freebench [-m MiB]    (default 256)
 *
 * Prints "@@METRIC name value ms" lines. Fails (exit 1) if less than 90%
 * of the region was swapped out or a byte reads back wrong, so a metric is
 * never taken from a run that did not swap.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "guest.h"


static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Compressible, tagged with the page index so a misplaced page shows. */
static void fill_page(uint8_t *p, unsigned long idx)
{
	memset(p, 'a' + idx % 26, PAGE);
	memcpy(p, &idx, sizeof(idx));
}

static uint8_t *swapped_region(unsigned long pages, double *pageout_ms)
{
	uint8_t *mem;
	unsigned long i;
	double t;
	long kib;

	mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	madvise(mem, pages * PAGE, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++)
		fill_page(mem + i * PAGE, i);
	t = now_ms();
	if (madvise(mem, pages * PAGE, MADV_PAGEOUT)) {
		perror("MADV_PAGEOUT");
		exit(1);
	}
	*pageout_ms = now_ms() - t;
	kib = vmswap_kib();
	if (kib < (long)(pages * PAGE / 1024 * 9 / 10)) {
		printf("freebench: FAIL: only %ld KiB of %lu swapped out\n", kib,
		       pages * PAGE / 1024);
		exit(1);
	}
	return mem;
}

int main(int argc, char **argv)
{
	unsigned long mib = 256, pages, i, bad = 0;
	double pageout_ms, swapin_ms, free_ms, t;
	uint8_t *mem, expect[PAGE];
	int opt;

	while ((opt = getopt(argc, argv, "m:")) != -1) {
		if (opt != 'm') {
			fprintf(stderr, "usage: %s [-m MiB]\n", argv[0]);
			return 2;
		}
		mib = strtoul(optarg, NULL, 0);
	}
	pages = mib * 1024 * 1024 / PAGE;

	/* Round 1: swap out, read everything back, verify. */
	mem = swapped_region(pages, &pageout_ms);
	t = now_ms();
	for (i = 0; i < pages; i++) {
		fill_page(expect, i);
		if (memcmp(mem + i * PAGE, expect, PAGE))
			bad++;
	}
	swapin_ms = now_ms() - t;
	munmap(mem, pages * PAGE);
	if (bad) {
		printf("freebench: FAIL: %lu bad pages\n", bad);
		return 1;
	}

	/* Round 2: free a region that is entirely swapped out. */
	mem = swapped_region(pages, &t);
	t = now_ms();
	munmap(mem, pages * PAGE);
	free_ms = now_ms() - t;

	printf("freebench: %lu MiB, %lu pages verified\n", mib, pages);
	printf("@@METRIC pageout %.0f ms\n", pageout_ms);
	printf("@@METRIC swapin %.0f ms\n", swapin_ms);
	printf("@@METRIC free %.1f ms\n", free_ms);
	return 0;
}
