// SPDX-License-Identifier: GPL-2.0
/*
 * eioswapoff: swapoff of a device with an unreadable slot.
 *
 *   eioswapoff [-m MiB] [-b BADBLOCKS] DEVICE
 *
 * A child fills MiB (default 16) of incompressible pages and pages them
 * out to DEVICE (the job turns zswap off, so every page goes there), then
 * reclaims its memcg until none of them is left in the swap cache, so
 * that swapoff has to read every page back from DEVICE. Then one of two
 * faults:
 * - transient (default): the block layer's fault injection
 *   (fail_make_request, armed for exactly one request on DEVICE) fails
 *   the first read swapoff issues. 7.3 replaces the PTEs of the pages
 *   that read failed with poison entries and completes swapoff; the owner
 *   gets SIGBUS on those pages and nothing else is lost. A vswap kernel
 *   reads a page of a failed batch once more on its own before it gives
 *   it up, so it loses nothing here: it must poison no page at all.
 * - persistent (-b): DEVICE is a null_blk device and BADBLOCKS its
 *   configfs badblocks file; BAD_PAGES pages spread over the region's
 *   slots are made unreadable for good. Both kernels must complete
 *   swapoff and poison at least one page; a vswap kernel loses only the
 *   unreadable pages themselves (at most BAD_PAGES), 7.3 at most one
 *   readahead request per bad page.
 *
 * The child then reads every page under a SIGBUS handler: a page either
 * reads back exactly or raises SIGBUS. Prints the count of each and
 * "@@METRIC eio_swapoff_ms N ms". DEVICE is swapped on again at the end.
 *
 * Exit 1 if swapoff fails, DEVICE stays listed in /proc/swaps, the fault
 * was not injected, the number of poisoned pages is not as above (at
 * most one request's worth, SWAP_CLUSTER_MAX, per fault on 7.3), or any
 * page reads back wrong.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/wait.h>

#include "guest.h"

#define FAIL_DIR	"/sys/kernel/debug/fail_make_request/"
#define CG		"/sys/fs/cgroup/eioswapoff"
/* A failed request is at most this many pages (SWAP_CLUSTER_MAX). */
#define MAX_POISONED	32
/* -b: unreadable pages at slots BAD_FIRST + k * BAD_STEP, k < BAD_PAGES. */
#define BAD_PAGES	8
#define BAD_FIRST	256
#define BAD_STEP	512

struct report {
	long swapped_kib, cached, poisoned, bad, good;
};

static sigjmp_buf sigbus_env;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(sigbus_env, 1);
}

static long read_long(const char *path)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

/*
 * Do the pages swapped out here take virtual slots? zswap is off, so on a
 * vswap kernel only with its switch at "always" (eioswapoff.sh sets it).
 */
static int vswap_on(void)
{
	char mode[16];

	return !vswap_mode(mode, sizeof(mode)) && !strcmp(mode, "always");
}

/* Add (+) or clear (-) the bad pages of -b in null_blk's badblocks. */
static int set_bad_pages(const char *badblocks, char op)
{
	char range[64];
	unsigned long sector;
	int k;

	for (k = 0; k < BAD_PAGES; k++) {
		sector = (BAD_FIRST + k * BAD_STEP) * (PAGE / 512);
		snprintf(range, sizeof(range), "%c%lu-%lu", op, sector,
			 sector + PAGE / 512 - 1);
		if (write_str(badblocks, range))
			return -1;
	}
	return 0;
}

/* Is @dev listed in /proc/swaps? */
static int swap_listed(const char *dev)
{
	char line[512], name[256];
	FILE *f = fopen("/proc/swaps", "r");
	int found = 0;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%255s", name) == 1 && !strcmp(name, dev))
			found = 1;
	fclose(f);
	return found;
}

/* Pages of [mem, mem + size) in memory or in the swap cache. */
static long cached_pages(uint8_t *mem, size_t size)
{
	unsigned long i, n = size / PAGE;
	unsigned char *vec = malloc(n);
	long cached = 0;

	if (!vec || mincore(mem, size, vec)) {
		free(vec);
		return -1;
	}
	for (i = 0; i < n; i++)
		cached += vec[i] & 1;
	free(vec);
	return cached;
}

/*
 * Fill, page out, drop the written pages from the swap cache, wait for
 * swapoff, then read every page back.
 */
static void child(size_t size, int ready, int go)
{
	unsigned long pages = size / PAGE, i;
	struct report r = { 0 };
	volatile unsigned long idx;
	uint8_t *expect = malloc(PAGE);
	struct sigaction sa = { .sa_handler = on_sigbus };
	char pid[32], amount[32];
	uint8_t *mem;
	char c = 0;
	long left;
	int tries;

	snprintf(pid, sizeof(pid), "%d", getpid());
	if (write_str(CG "/cgroup.procs", pid))
		_exit(1);
	mem = map_anon_nohuge(size);
	if (!mem || !expect)
		_exit(1);
	for (i = 0; i < pages; i++)
		fill_random_page(mem + i * PAGE, i * 0x9e3779b97f4a7c15ULL);
	if (madvise(mem, size, MADV_PAGEOUT))
		_exit(1);
	/*
	 * Written pages stay in the swap cache until reclaim sees them
	 * again, and swapoff would find them there without reading the
	 * device: reclaim the memcg until they are gone. A pass frees only
	 * those whose write has completed, so each waits for the writes in
	 * flight first (10 s at most), however slow the host.
	 */
	for (tries = 0; tries < 20 && (left = cached_pages(mem, size)) > 0;
	     tries++) {
		int i;

		for (i = 0; i < 1000 &&
		     proc_field("/proc/meminfo", "Writeback:") > 0; i++)
			usleep(10000);
		/* Ask for no more: reclaim retries until it has it. */
		snprintf(amount, sizeof(amount), "%lu", left * PAGE);
		write_str(CG "/memory.reclaim", amount);
	}
	r.cached = cached_pages(mem, size);
	r.swapped_kib = vmswap_kib();
	if (write(ready, &r, sizeof(r)) != sizeof(r) ||
	    read(go, &c, 1) != 1)
		_exit(1);

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGBUS, &sa, NULL))
		_exit(1);
	for (idx = 0; idx < pages; idx++) {
		if (sigsetjmp(sigbus_env, 1)) {
			r.poisoned++;
			continue;
		}
		fill_random_page(expect, idx * 0x9e3779b97f4a7c15ULL);
		if (memcmp(mem + idx * PAGE, expect, PAGE))
			r.bad++;
		else
			r.good++;
	}
	if (write(ready, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	_exit(0);
}

int main(int argc, char **argv)
{
	size_t size = 16UL << 20;
	int ready[2], go[2], status, opt, ret = 0, err = 0;
	struct timespec t0, t1;
	struct report before, after;
	char blockfail[300];
	const char *dev, *name, *badblocks = NULL;
	long ms, left = 0, min_poisoned, max_poisoned;
	int vswap = vswap_on();
	pid_t pid;
	char c = 0;

	while ((opt = getopt(argc, argv, "m:b:")) != -1) {
		if (opt == 'm') {
			size = strtoul(optarg, NULL, 0) << 20;
		} else if (opt == 'b') {
			badblocks = optarg;
		} else {
			fprintf(stderr, "usage: eioswapoff [-m MiB] [-b BADBLOCKS] DEVICE\n");
			return 2;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: eioswapoff [-m MiB] [-b BADBLOCKS] DEVICE\n");
		return 2;
	}
	if (badblocks && (BAD_FIRST + BAD_PAGES * BAD_STEP) * PAGE > size) {
		fprintf(stderr, "eioswapoff: -b needs -m %lu or more\n",
			(BAD_FIRST + BAD_PAGES * BAD_STEP) * PAGE >> 20);
		return 2;
	}
	dev = argv[optind];
	name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	snprintf(blockfail, sizeof(blockfail), "/sys/block/%s/make-it-fail",
		 name);

	if (mkdir(CG, 0755) && errno != EEXIST)
		return 1;
	if (pipe(ready) || pipe(go))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid)
		child(size, ready[1], go[0]);
	if (read(ready[0], &before, sizeof(before)) != sizeof(before)) {
		fprintf(stderr, "eioswapoff: the child failed to page out\n");
		return 1;
	}
	printf("eioswapoff: %ld of %zu KiB swapped out, %ld pages still in the swap cache\n",
	       before.swapped_kib, size >> 10, before.cached);
	if (before.swapped_kib < (long)(size >> 10) * 9 / 10) {
		printf("FAIL: less than 90%% of the region went to swap\n");
		ret = 1;
	}
	if (before.cached) {
		printf("FAIL: pages stayed in the swap cache: swapoff would not read them\n");
		ret = 1;
	}

	/*
	 * -b: the bad pages stay unreadable until cleared after swapoff;
	 * otherwise exactly one request to DEVICE fails from here on.
	 */
	if (badblocks) {
		if (set_bad_pages(badblocks, '+')) {
			printf("FAIL: cannot mark bad pages in %s: %s\n",
			       badblocks, strerror(errno));
			kill(pid, SIGKILL);
			return 1;
		}
	} else if (write_str(FAIL_DIR "verbose", "0") ||
	    write_str(FAIL_DIR "interval", "1") ||
	    write_str(FAIL_DIR "probability", "100") ||
	    write_str(FAIL_DIR "times", "1") ||
	    write_str(blockfail, "1")) {
		printf("FAIL: cannot arm fail_make_request on %s: %s\n", dev,
		       strerror(errno));
		kill(pid, SIGKILL);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (swapoff(dev))
		err = errno;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (badblocks) {
		set_bad_pages(badblocks, '-');
	} else {
		write_str(blockfail, "0");
		left = read_long(FAIL_DIR "times");
	}
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	printf("eioswapoff: swapoff %s: %s after %ld ms; injected faults left: %ld\n",
	       dev, err ? strerror(err) : "ok", ms, left);
	printf("@@METRIC eio_swapoff_ms %ld ms\n", ms);
	if (err) {
		printf("FAIL: swapoff failed over one unreadable slot\n");
		ret = 1;
	}
	if (swap_listed(dev) != 0) {
		printf("FAIL: %s is still listed in /proc/swaps\n", dev);
		ret = 1;
	}
	if (left != 0) {
		printf("FAIL: the read fault was not injected (times left %ld)\n",
		       left);
		ret = 1;
	}

	if (write(go[1], &c, 1) != 1 ||
	    read(ready[0], &after, sizeof(after)) != sizeof(after) ||
	    waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		printf("FAIL: the child did not finish its check\n");
		return 1;
	}
	printf("eioswapoff: %ld pages read back exactly, %ld raised SIGBUS, %ld wrong\n",
	       after.good, after.poisoned, after.bad);
	if (badblocks) {
		min_poisoned = 1;
		max_poisoned = vswap ? BAD_PAGES : BAD_PAGES * MAX_POISONED;
	} else {
		min_poisoned = vswap ? 0 : 1;
		max_poisoned = vswap ? 0 : MAX_POISONED;
	}
	if (after.poisoned < min_poisoned || after.poisoned > max_poisoned) {
		printf("FAIL: expected %ld to %ld poisoned pages (%s fault, %s kernel), got %ld\n",
		       min_poisoned, max_poisoned,
		       badblocks ? "persistent" : "transient",
		       vswap ? "vswap" : "7.3", after.poisoned);
		ret = 1;
	}
	if (after.bad) {
		printf("FAIL: %ld pages read back wrong\n", after.bad);
		ret = 1;
	}
	if (after.good + after.poisoned != (long)(size / PAGE)) {
		printf("FAIL: %ld + %ld pages checked of %zu\n", after.good,
		       after.poisoned, size / PAGE);
		ret = 1;
	}

	if (!err && swapon(dev, 0)) {
		printf("FAIL: swapon %s again: %s\n", dev, strerror(errno));
		ret = 1;
	}
	rmdir(CG);
	return ret;
}
