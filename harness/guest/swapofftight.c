// SPDX-License-Identifier: GPL-2.0
/*
 * swapofftight: swapoff of a device that holds more compressible data
 * than the machine has memory available, with zswap on, on every kernel.
 *
 *   swapofftight [-r RATIO] -x EXPECT DEVICE
 *     -r RATIO   data on DEVICE as a multiple of MemAvailable (default
 *                1.5; capped at 90% of DEVICE's size)
 *     -x EXPECT  "rehome": swapoff must succeed, no process be killed
 *                and every byte read back (the data that does not fit
 *                in memory goes to zswap); "fail": swapoff must fail
 *                with ENOMEM, or the OOM killer end swapoff or the
 *                owner (7.3), else the data fitted and the case proves
 *                nothing
 *
 * A child in cgroup swapofftight fills its region with text-like pages,
 * one different tag per page, while zswap is off, so that every page goes
 * to DEVICE (on a vswap kernel the switch is at "always" meanwhile: the
 * pages take virtual slots backed by DEVICE). The swap cache the page-out
 * left is emptied through memory.reclaim, so that swapoff must read every
 * page. Then zswap is turned on and DEVICE swapped off; the child checks
 * every byte, unless it was killed.
 *
 * Prints "@@METRIC swapofftight_ms N ms", what happened ("swapoff ok",
 * "swapoff failed: ENOMEM", "swapoff's task killed", "owner killed"),
 * the OOM kills (vmstat oom_kill) and where the data went (zswap's
 * stored pages).
 */
#define _GNU_SOURCE
#include <errno.h>
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

#define CG	"/sys/fs/cgroup/swapofftight"
#define ZSWAP	"/sys/module/zswap/parameters/enabled"

/* Text that compresses well, tagged with the page's index. */
static void fill_text_page(uint8_t *page, unsigned long idx)
{
	static const char text[] = "swapoff with too little memory, zswap on ";
	unsigned long i;

	for (i = 0; i < PAGE; i++)
		page[i] = text[i % (sizeof(text) - 1)];
	memcpy(page, &idx, sizeof(idx));
}

/* Size in KiB of @dev in /proc/swaps, or -1. */
static long swap_size_kib(const char *dev)
{
	char name[256], type[32];
	long size, used, prio;
	long ret = -1;
	FILE *f = fopen("/proc/swaps", "r");

	if (!f)
		return -1;
	fscanf(f, "%*[^\n]\n");
	while (fscanf(f, "%255s %31s %ld %ld %ld", name, type, &size, &used,
		      &prio) == 5)
		if (!strcmp(name, dev))
			ret = size;
	fclose(f);
	return ret;
}

static void child(size_t size, int ready, int go)
{
	unsigned long pages = size / PAGE, i, bad = 0;
	uint8_t *expect = malloc(PAGE);
	uint8_t *mem;
	char c = 0;

	mem = map_anon_nohuge(size);
	if (!mem || !expect)
		_exit(1);
	for (i = 0; i < pages; i++)
		fill_text_page(mem + i * PAGE, i);
	if (madvise(mem, size, MADV_PAGEOUT))
		_exit(1);
	if (write(ready, &c, 1) != 1 || read(go, &c, 1) != 1)
		_exit(1);
	for (i = 0; i < pages; i++) {
		fill_text_page(expect, i);
		bad += !!memcmp(mem + i * PAGE, expect, PAGE);
	}
	printf("swapofftight: owner: %zu bytes verified, %lu bad pages\n",
	       size, bad);
	fflush(stdout);
	_exit(bad ? 1 : 0);
}

int main(int argc, char **argv)
{
	long avail, dev_kib, swapped, ooms, stored;
	int ready[2], go[2], opt, status, err = 0;
	const char *dev, *expect = NULL;
	char mode[16] = "", buf[64];
	struct timespec t0, t1;
	double ratio = 1.5;
	int vswap, fits;
	pid_t pid, runner;
	size_t size;
	char c = 0;

	while ((opt = getopt(argc, argv, "r:x:")) != -1) {
		if (opt == 'r')
			ratio = strtod(optarg, NULL);
		else if (opt == 'x')
			expect = optarg;
		else
			return 2;
	}
	if (optind != argc - 1 || !expect ||
	    (strcmp(expect, "rehome") && strcmp(expect, "fail"))) {
		fprintf(stderr, "usage: swapofftight [-r RATIO] -x rehome|fail DEVICE\n");
		return 2;
	}
	dev = argv[optind];
	vswap = !vswap_mode(mode, sizeof(mode));
	avail = proc_field("/proc/meminfo", "MemAvailable:");
	dev_kib = swap_size_kib(dev);
	if (avail <= 0 || dev_kib <= 0)
		return 1;
	size = (size_t)(avail * ratio) << 10;
	if (size > (size_t)dev_kib * 9 / 10 << 10)
		size = (size_t)dev_kib * 9 / 10 << 10;
	size &= ~(PAGE - 1);
	printf("swapofftight: MemAvailable %ld KiB, %s %ld KiB: %zu KiB of data (%.2fx)\n",
	       avail, dev, dev_kib, size >> 10, (double)(size >> 10) / avail);

	if (write_str(ZSWAP, "N") ||
	    (vswap && write_str(VSWAP_SWITCH, "always")))
		return 1;
	if ((mkdir(CG, 0755) && errno != EEXIST) || pipe(ready) || pipe(go))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid) {
		snprintf(buf, sizeof(buf), "%d", getpid());
		if (write_str(CG "/cgroup.procs", buf))
			_exit(1);
		child(size, ready[1], go[0]);
	}
	/* The OOM killer, if it comes, must end the owner, not the judge. */
	write_str("/proc/self/oom_score_adj", "-1000");
	if (read(ready[0], &c, 1) != 1) {
		fprintf(stderr, "swapofftight: the owner failed to swap out\n");
		return 1;
	}
	/* Asking for more than there is: EAGAIN after taking it all. */
	snprintf(buf, sizeof(buf), "%zu", size);
	write_str(CG "/memory.reclaim", buf);
	swapped = proc_field("/proc/meminfo", "SwapTotal:") -
		  proc_field("/proc/meminfo", "SwapFree:");
	printf("swapofftight: %ld KiB on swap, memory.current %ld KiB\n",
	       swapped, proc_field(CG "/memory.current", "") >> 10);
	if (write_str(ZSWAP, "Y") || (vswap && write_str(VSWAP_SWITCH, mode)))
		return 1;

	/*
	 * swapoff runs in a process of its own: 7.3's swapoff marks its
	 * task first in line for the OOM killer (to fail the swapoff).
	 */
	ooms = proc_field("/proc/vmstat", "oom_kill ");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	runner = fork();
	if (runner < 0)
		return 1;
	if (!runner) {
		write_str("/proc/self/oom_score_adj", "0");
		_exit(swapoff(dev) ? errno : 0);
	}
	if (waitpid(runner, &status, 0) != runner)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("@@METRIC swapofftight_ms %.0f ms\n",
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
	ooms = proc_field("/proc/vmstat", "oom_kill ") - ooms;
	stored = proc_field("/sys/kernel/debug/zswap/stored_pages", "");
	if (WIFSIGNALED(status)) {
		err = EINTR;
		printf("swapofftight: swapoff's task killed (%s)\n",
		       strsignal(WTERMSIG(status)));
	} else {
		err = WEXITSTATUS(status);
	}
	printf("swapofftight: swapoff %s%s; %ld OOM kills; zswap holds %ld pages\n",
	       err ? "failed: " : "ok", err ? strerrorname_np(err) : "",
	       ooms, stored);

	if (write(go[1], &c, 1) != 1)
		return 1;
	if (waitpid(pid, &status, 0) != pid)
		return 1;
	if (WIFSIGNALED(status))
		printf("swapofftight: owner killed (%s)\n",
		       strsignal(WTERMSIG(status)));
	if (err && swapon(dev, 0) && errno != EBUSY)
		fprintf(stderr, "swapofftight: swapon %s: %s\n", dev,
			strerror(errno));
	if (!err && swapon(dev, 0)) {
		fprintf(stderr, "swapofftight: swapon %s: %s\n", dev,
			strerror(errno));
		return 1;
	}
	rmdir(CG);

	fits = !err && !ooms && WIFEXITED(status) && !WEXITSTATUS(status);
	if (!strcmp(expect, "rehome")) {
		printf("swapofftight: %s\n", fits ? "PASS" : "FAIL");
		return !fits;
	}
	/* 7.3: it must not have fitted, and a byte may only be lost to a kill. */
	if (fits) {
		printf("swapofftight: FAIL: the data fitted in memory\n");
		return 1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status)) {
		printf("swapofftight: FAIL: the owner read bad data\n");
		return 1;
	}
	printf("swapofftight: PASS (failed as expected)\n");
	return 0;
}
