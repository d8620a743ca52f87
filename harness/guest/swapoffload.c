// SPDX-License-Identifier: GPL-2.0
/*
 * swapoffload: time swapoff of a device that holds several processes'
 * data, the same data on every kernel, and check every byte afterwards.
 *
 *   swapoffload [-n PROCS] [-m MiB] [-a] [-d] [-r CGROUP] DEVICE
 *     -n PROCS  processes, each with its own region (default 3)
 *     -m MiB    size of each region (default 32)
 *     -r CGROUP before swapoff, empty the swap cache the page-out left
 *               (the folios stay there until reclaim comes by) through
 *               CGROUP's memory.reclaim, so that swapoff reads every page
 *               from DEVICE; CGROUP is the cgroup directory the
 *               processes run in
 *     -a        on a vswap kernel whose switch is not off, the processes
 *               swap out with it at "always", so that their pages take
 *               virtual slots though zswap is off (at "auto" they would
 *               take the device's slots directly); it is put back after
 *     -d        on a vswap kernel, the last process swaps out with the
 *               virtual layer off (/sys/kernel/mm/swap/vswap_enabled
 *               at "off"), so the device holds direct slots next to
 *               virtual-backed ones
 *
 * Each region is incompressible; the job turns zswap off so that all of
 * it goes to DEVICE on every kernel. After swapoff(DEVICE) each process
 * verifies its region; DEVICE is then swapped on again.
 *
 * Prints "@@METRIC swapoff_ms N ms" and the pages swapoff read (pswpin);
 * then "@@METRIC touchback_ms N ms", the time until every process has
 * read its whole region back after swapoff, with the faults and reclaim
 * of that time (what swapoff left undone is paid there).
 * Exit 1 if a region was not at least 90% swapped out, with -r if swapoff
 * read less than 90% of the pages back from DEVICE, if a byte reads back
 * wrong, or if swapoff/swapon fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "guest.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Incompressible, different for every page of every process. */
static void fill_page(void *page, unsigned long idx, unsigned int proc)
{
	fill_random_page(page, (idx * 0xbf58476d1ce4e5b9ULL) ^
				((uint64_t)proc << 56));
}

/* /proc/vmstat's @key (pswpin: pages read from swap devices), or -1. */
static long vmstat(const char *key)
{
	char line[128], name[64];
	long val, n = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", name, &val) == 2 &&
		    !strcmp(name, key)) {
			n = val;
			break;
		}
	fclose(f);
	return n;
}

static long pswpin(void)
{
	return vmstat("pswpin");
}

/* What reclaim and faults did while the owners read their data back. */
static const char * const after_keys[] = {
	"pgfault", "pgmajfault", "pgscan_kswapd", "pgscan_direct",
	"pgsteal_kswapd", "pgsteal_direct", "pswpout", "zswpout",
};

/* A child: fill, page out, report, wait, verify, report. */
static void child(unsigned int proc, size_t size, int ready, int go)
{
	unsigned long pages = size / PAGE, i, bad = 0;
	uint64_t *expect = malloc(PAGE);
	uint8_t *mem;
	long out;
	char c = 0;

	mem = map_anon_nohuge(size);
	if (!mem || !expect)
		_exit(1);
	for (i = 0; i < pages; i++)
		fill_page(mem + i * PAGE, i, proc);
	if (madvise(mem, size, MADV_PAGEOUT))
		_exit(1);
	out = vmswap_kib();
	printf("swapoffload: process %u: %ld of %zu KiB swapped out\n", proc,
	       out, size >> 10);
	fflush(stdout);
	if (out < (long)(size >> 10) * 9 / 10)
		_exit(1);
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		_exit(1);
	for (i = 0; i < pages; i++) {
		fill_page(expect, i, proc);
		bad += !!memcmp(mem + i * PAGE, expect, PAGE);
	}
	printf("swapoffload: process %u: %zu bytes verified, %lu bad pages, VmSwap %ld KiB\n",
	       proc, size, bad, vmswap_kib());
	/* _exit() does not flush stdio, and stdout is a file here. */
	fflush(stdout);
	_exit(bad ? 1 : 0);
}

int main(int argc, char **argv)
{
	unsigned int procs = 3, p;
	int ready[2], go[2], opt, status, direct = 0, always = 0, rc = 0;
	char mode[16] = "";
	size_t size = 32UL << 20;
	struct timespec t0, t1;
	long in0 = 0, in1 = 0, after[ARRAY_LEN(after_keys)];
	unsigned int i;
	const char *dev, *cg = NULL;
	char path[512], amount[32];
	pid_t pid;
	char c = 0;

	while ((opt = getopt(argc, argv, "n:m:adr:")) != -1) {
		if (opt == 'n')
			procs = strtoul(optarg, NULL, 0);
		else if (opt == 'm')
			size = strtoul(optarg, NULL, 0) << 20;
		else if (opt == 'a')
			always = 1;
		else if (opt == 'd')
			direct = 1;
		else if (opt == 'r')
			cg = optarg;
		else
			return 2;
	}
	if (optind != argc - 1 || !procs || procs > 64 || !size) {
		fprintf(stderr, "usage: swapoffload [-n PROCS] [-m MiB] [-a] [-d] [-r CGROUP] DEVICE\n");
		return 2;
	}
	dev = argv[optind];
	/* Not a vswap kernel: every slot is direct, whatever was asked. */
	if (vswap_mode(mode, sizeof(mode)))
		always = direct = 0;
	/* An operator's "off" (a kernel booted vswap=off) stays off. */
	if (!strcmp(mode, "off"))
		always = 0;
	if (always && write_str(VSWAP_SWITCH, "always"))
		return 1;
	if (pipe(ready) || pipe(go))
		return 1;

	for (p = 0; p < procs; p++) {
		if (direct && p == procs - 1 && write_str(VSWAP_SWITCH, "off"))
			return 1;
		pid = fork();
		if (pid < 0)
			return 1;
		if (!pid)
			child(p, size, ready[1], go[0]);
		if (read(ready[0], &c, 1) != 1) {
			fprintf(stderr, "swapoffload: process %u failed to swap out\n", p);
			rc = 1;
		}
		if ((direct || always) &&
		    write_str(VSWAP_SWITCH, always ? "always" : mode))
			rc = 1;
		if (rc)
			break;
	}
	if ((direct || always) && write_str(VSWAP_SWITCH, mode))
		rc = 1;
	if (!rc && cg) {
		/*
		 * Asking for more than there is: memory.reclaim then fails
		 * with EAGAIN after taking what it could, which is the point.
		 */
		snprintf(path, sizeof(path), "%s/memory.reclaim", cg);
		snprintf(amount, sizeof(amount), "%zu", size * procs);
		if (write_str(path, amount) && errno != EAGAIN) {
			fprintf(stderr, "swapoffload: %s: %s\n", path,
				strerror(errno));
			rc = 1;
		}
	}
	if (!rc) {
		in0 = pswpin();
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (swapoff(dev)) {
			fprintf(stderr, "swapoffload: swapoff %s: %s\n", dev,
				strerror(errno));
			rc = 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!rc)
			printf("@@METRIC swapoff_ms %.0f ms\n",
			       (t1.tv_sec - t0.tv_sec) * 1e3 +
			       (t1.tv_nsec - t0.tv_nsec) / 1e6);
		/*
		 * With -r the time is that of reading the data back: it
		 * means nothing if the pages were still in the swap cache.
		 */
		in1 = pswpin();
		printf("swapoffload: swapoff read %ld pages from swap (%zu swapped out)\n",
		       in1 - in0, procs * (size / PAGE));
		if (cg && (in0 < 0 ||
			   in1 - in0 < (long)(procs * (size / PAGE)) * 9 / 10)) {
			fprintf(stderr, "swapoffload: swapoff read less than 90%% of the pages:"
				" the swap cache was not emptied\n");
			rc = 1;
		}
	}
	/*
	 * The cost swapoff leaves behind: on 7.3 the data is mapped again
	 * when swapoff returns; through the reverse map it waits in the
	 * swap cache, and each first touch is a fault. Time from the go
	 * until every owner has read all of its region (and checked it).
	 */
	for (i = 0; i < ARRAY_LEN(after_keys); i++)
		after[i] = vmstat(after_keys[i]);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (p = 0; p < procs; p++)
		if (write(go[1], &c, 1) != 1)
			rc = 1;
	close(go[1]);
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			rc = 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!rc) {
		printf("@@METRIC touchback_ms %.0f ms\n",
		       (t1.tv_sec - t0.tv_sec) * 1e3 +
		       (t1.tv_nsec - t0.tv_nsec) / 1e6);
		printf("swapoffload: while the owners read their data back:");
		for (i = 0; i < ARRAY_LEN(after_keys); i++)
			printf(" %s +%ld", after_keys[i],
			       vmstat(after_keys[i]) - after[i]);
		printf("\n");
	}
	if (swapon(dev, 0) && errno != EBUSY) {
		fprintf(stderr, "swapoffload: swapon %s: %s\n", dev, strerror(errno));
		rc = 1;
	}
	printf("swapoffload: %s\n", rc ? "FAIL" : "PASS");
	return rc;
}
