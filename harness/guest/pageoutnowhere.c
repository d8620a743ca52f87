// SPDX-License-Identifier: GPL-2.0
/*
 * pageoutnowhere: MADV_PAGEOUT of pages that have nowhere to go, and the
 * cost of getting them back (review item N10).
 *
 *   pageoutnowhere [-m MiB] [-d rand|comp]
 *
 * Maps MiB of anonymous memory (default 192), writes every page (random
 * data by default), asks MADV_PAGEOUT for all of it, then reads every
 * page back checking every byte. The caller sets the machine up so that
 * nothing can take the pages (no swap device, zswap off or full). A
 * kernel that fails the swap allocation before unmapping leaves the
 * pages mapped: no fault on the read. One that unmaps them first and
 * keeps them in memory takes a minor fault per page to map them again.
 *
 * Prints "@@METRIC" lines: the time of the madvise() and of the read,
 * the minor and major faults of the whole run (the first touch included)
 * and of the read alone, and the pages whose PTE held a swap entry after
 * the madvise() (/proc/self/pagemap). Exit 1 if a byte reads back wrong.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "guest.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PM_SWAP		(1ULL << 62)

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void faults(long *minor, long *major)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*minor = ru.ru_minflt;
	*major = ru.ru_majflt;
}

static void fill_page(uint8_t *p, unsigned long idx, int random)
{
	static const char text[] = "pageoutnowhere, compressible text ";
	unsigned long i;

	if (random) {
		fill_random_page(p, idx * 0x9e3779b97f4a7c15ULL + 1);
		return;
	}
	for (i = 0; i < PAGE; i++)
		p[i] = text[i % (sizeof(text) - 1)];
	memcpy(p, &idx, sizeof(idx));
}

/* Pages of [mem, mem + n pages) whose PTE holds a swap entry. */
static long swapped(uint8_t *mem, unsigned long n)
{
	FILE *f = fopen("/proc/self/pagemap", "r");
	unsigned long i;
	uint64_t ent;
	long out = 0;

	if (!f)
		return -1;
	for (i = 0; i < n; i++) {
		if (fseek(f, ((uintptr_t)mem / PAGE + i) * 8, SEEK_SET) ||
		    fread(&ent, sizeof(ent), 1, f) != 1) {
			out = -1;
			break;
		}
		out += !!(ent & PM_SWAP);
	}
	fclose(f);
	return out;
}

int main(int argc, char **argv)
{
	unsigned long mib = 192, n, i, bad = 0;
	long min0, maj0, min1, maj1, min2, maj2, out;
	double t0, t1, t2;
	uint8_t *mem, *expect;
	int opt, random = 1;

	while ((opt = getopt(argc, argv, "m:d:")) != -1) {
		if (opt == 'm') {
			mib = strtoul(optarg, NULL, 0);
		} else if (opt == 'd' && (!strcmp(optarg, "rand") ||
					  !strcmp(optarg, "comp"))) {
			random = !strcmp(optarg, "rand");
		} else {
			fprintf(stderr, "usage: pageoutnowhere [-m MiB] [-d rand|comp]\n");
			return 2;
		}
	}
	n = (mib << 20) / PAGE;
	expect = malloc(PAGE);
	mem = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!expect || mem == MAP_FAILED)
		return 2;
	madvise(mem, n * PAGE, MADV_NOHUGEPAGE);
	faults(&min0, &maj0);
	for (i = 0; i < n; i++)
		fill_page(mem + i * PAGE, i, random);

	t0 = now_ms();
	if (madvise(mem, n * PAGE, MADV_PAGEOUT))
		perror("pageoutnowhere: madvise");
	t1 = now_ms();
	out = swapped(mem, n);
	faults(&min1, &maj1);
	for (i = 0; i < n; i++) {
		fill_page(expect, i, random);
		bad += !!memcmp(mem + i * PAGE, expect, PAGE);
	}
	t2 = now_ms();
	faults(&min2, &maj2);

	printf("@@METRIC pageout_ms %.1f ms\n", t1 - t0);
	printf("@@METRIC readback_ms %.1f ms\n", t2 - t1);
	printf("@@METRIC unmapped %ld pages\n", out);
	printf("@@METRIC faults_all %ld faults\n", (min2 - min0) + (maj2 - maj0));
	printf("@@METRIC faults_read %ld faults\n", (min2 - min1) + (maj2 - maj1));
	printf("@@METRIC major_faults %ld faults\n", maj2 - maj0);
	printf("pageoutnowhere: %lu pages, %ld unmapped by MADV_PAGEOUT, %lu bad\n",
	       n, out, bad);
	return bad ? 1 : 0;
}
