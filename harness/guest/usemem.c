// SPDX-License-Identifier: GPL-2.0
/*
 * usemem: the anonymous-memory workload of make bench, in the spirit of the
 * usemem tool linux-mm reviewers quote for swap series.
 *
 *   usemem -m MiB [-p procs] [-a seq|rand] [-d comp|rand|zero|ff]
 *          [-f munmap|exit] [-t tag] [-L [-H] [-R]] [-q]
 *
 * Fill mode (default): each of procs processes maps MiB of anonymous
 * memory, writes every page in sequential or random order, reads every
 * page back in the same order checking every byte, then frees the region
 * with munmap() or by exiting, and the time that takes is measured. The
 * caller runs it where the memory does not fit (a memcg limit, or a guest
 * with less RAM than procs x MiB), so the fill is a swap-out stream and
 * the read a swap-in stream, and the region freed is mostly swapped out.
 *
 * Latency mode (-L, one process): the region is filled, pushed out with
 * MADV_PAGEOUT (timed), and every page is then touched once with its own
 * timing, so the percentiles are swap-in fault latencies, not a mix with
 * resident hits. -R (with -L, in a memcg of its own) first waits for the
 * writes to complete and has the memcg reclaim what the swap cache still
 * holds, so that no timed fault finds its page there.
 *
 * -H (with -L) holds the region out until stdin reaches EOF, after printing
 * "@@HELD <KiB swapped>", so the caller can read the kernel's memory cost
 * of the swapped pages. -q is for runs made for another measurement: in
 * fill mode it skips the read pass (the region freed is the one the fill
 * left, swapped out oldest first) and prints only the free time; in
 * latency mode it prints nothing.
 *
 * Prints "@@METRIC <name><tag> <value> <unit>" lines. Any byte read back
 * wrong, or (-L) less than 90% of the region swapped out, fails the run
 * (exit 1) so that no number comes from a run that did not swap or lost
 * data.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "guest.h"

enum { SEQ, RAND };
enum { COMP, RANDOM, ZERO, FF };

static unsigned long pages;
static int order = SEQ, data = COMP, free_by_exit, quiet, hold, drain;

struct result {
	double fill_ms, read_ms, free_ms;
	unsigned long bad;
	pid_t pid;
};

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dULL;
}

/*
 * Page contents. Random bytes are copied from a pool made once, so that
 * the fill measures swap and not a random number generator (under TCG it
 * would cost more than the swap-out); zswap compresses each page alone,
 * so the pool's repeats across pages do not help it. COMP compresses
 * about 3.5:1 (random first quarter, then one repeated byte), near what
 * zswap gets on real heaps and unlike a page of one letter. Each page but the uniform ones starts
 * with its owner and index, so a page swapped back in at the wrong place
 * shows.
 */
#define POOL 64
static uint8_t pool[POOL][PAGE];

static void fill_page(uint8_t *p, unsigned long idx, unsigned int proc)
{
	uint64_t tag = (uint64_t)proc << 40 | idx;

	switch (data) {
	case ZERO:
		memset(p, 0, PAGE);
		return;
	case FF:
		memset(p, 0xff, PAGE);
		return;
	case RANDOM:
		memcpy(p, pool[idx % POOL], PAGE);
		break;
	case COMP:
		memcpy(p, pool[idx % POOL], PAGE / 4);
		memset(p + PAGE / 4, 'a' + idx % 26, PAGE - PAGE / 4);
		break;
	}
	memcpy(p, &tag, sizeof(tag));
}

static unsigned long check_page(const uint8_t *p, unsigned long idx,
				unsigned int proc)
{
	static uint8_t want[PAGE];
	unsigned long i, bad = 0;

	fill_page(want, idx, proc);
	if (!memcmp(p, want, PAGE))
		return 0;
	for (i = 0; i < PAGE; i++)
		bad += p[i] != want[i];
	return bad;
}

/* Page visiting order: 0..n-1, or a fixed permutation (Fisher-Yates). */
static unsigned long *visit_order(void)
{
	unsigned long *v = malloc(pages * sizeof(*v)), i, j, t;
	uint64_t x = 0x853c49e6748fea9bULL;

	if (!v) {
		perror("malloc");
		exit(1);
	}
	for (i = 0; i < pages; i++)
		v[i] = i;
	if (order == RAND)
		for (i = pages - 1; i > 0; i--) {
			j = xorshift(&x) % (i + 1);
			t = v[i];
			v[i] = v[j];
			v[j] = t;
		}
	return v;
}

static uint8_t *map_region(void)
{
	uint8_t *mem = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
	/* Order-0 pages on both kernels: THP swap-out is its own question. */
	madvise(mem, pages * PAGE, MADV_NOHUGEPAGE);
	return mem;
}

/* One process of fill mode; the result goes to the parent through @fd. */
static void worker(unsigned int proc, int start_fd, int fd)
{
	unsigned long *v = visit_order(), i;
	struct result r = { 0 };
	uint8_t *mem = map_region();
	double t;
	char c;

	/* Start together, so that several processes compete for memory. */
	if (read(start_fd, &c, 1) != 1)
		exit(1);
	t = now_ms();
	for (i = 0; i < pages; i++)
		fill_page(mem + v[i] * PAGE, v[i], proc);
	r.fill_ms = now_ms() - t;
	t = now_ms();
	for (i = 0; i < pages && !quiet; i++)
		r.bad += check_page(mem + v[i] * PAGE, v[i], proc);
	r.read_ms = now_ms() - t;
	if (free_by_exit) {
		/*
		 * The parent takes the time when wait() returns: exit_mm()
		 * runs before the parent is notified, so it is in the interval.
		 */
		r.free_ms = now_ms();
		r.pid = getpid();
		if (write(fd, &r, sizeof(r)) != sizeof(r))
			exit(1);
		_exit(0);
	}
	t = now_ms();
	if (munmap(mem, pages * PAGE)) {
		perror("munmap");
		exit(1);
	}
	r.free_ms = now_ms() - t;
	if (write(fd, &r, sizeof(r)) != sizeof(r))
		exit(1);
	exit(0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static int fill_mode(int procs, const char *tag, unsigned long mib)
{
	int start[2], res[2], i, status, failed = 0;
	double fill = 0, read_ = 0, free_ms[64], t0;
	unsigned long bad = 0;
	struct result r;

	if (pipe(start) || pipe(res)) {
		perror("pipe");
		return 1;
	}
	for (i = 0; i < procs; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (!pid) {
			close(start[1]);
			close(res[0]);
			worker(i, start[0], res[1]);
		}
	}
	close(start[0]);
	close(res[1]);
	t0 = now_ms();
	for (i = 0; i < procs; i++)
		if (write(start[1], "g", 1) != 1)
			return 1;
	for (i = 0; i < procs; i++) {
		if (read(res[0], &r, sizeof(r)) != sizeof(r)) {
			fprintf(stderr, "usemem: a process died before reporting\n");
			failed = 1;
			break;
		}
		fill = r.fill_ms > fill ? r.fill_ms : fill;
		read_ = r.read_ms > read_ ? r.read_ms : read_;
		bad += r.bad;
		free_ms[i] = r.free_ms;
		if (free_by_exit) {
			if (waitpid(r.pid, &status, 0) != r.pid)
				return 1;
			free_ms[i] = now_ms() - r.free_ms;
			failed |= !WIFEXITED(status) || WEXITSTATUS(status);
		}
	}
	while (wait(&status) > 0)
		failed |= !WIFEXITED(status) || WEXITSTATUS(status);
	if (failed)
		return 1;
	printf("usemem: %d x %lu MiB, wall %.0f ms, %lu bad bytes\n",
	       procs, mib, now_ms() - t0, bad);
	if (!quiet) {
		printf("@@METRIC fill%s %.1f MiB/s\n", tag, procs * mib / (fill / 1e3));
		printf("@@METRIC read%s %.1f MiB/s\n", tag, procs * mib / (read_ / 1e3));
	}
	printf("@@METRIC %s%s %.2f ms\n", free_by_exit ? "exit" : "munmap", tag,
	       median(free_ms, procs));
	if (bad) {
		printf("FAIL: %lu bytes read back wrong\n", bad);
		return 1;
	}
	return 0;
}

/*
 * MADV_PAGEOUT only starts the writes to a disk: those folios stay in the
 * swap cache until the writes complete and reclaim comes back for them,
 * and a fault on one is a minor fault, not a swap-in. Wait for the writes,
 * then have this process's memcg reclaim what the swap cache holds, so
 * that every timed fault reads from the backend, on either kernel. zswap,
 * zero and same-filled pages leave no folio behind: nothing to do then.
 */
static int drain_swap_cache(void)
{
	char cg[256], path[320], val[32];
	double start = now_ms();
	long cached;
	FILE *f;

	while (proc_field("/proc/meminfo", "Writeback:") > 0) {
		if (now_ms() - start > 120e3) {
			printf("FAIL: swap writes still in flight after 120 s\n");
			return -1;
		}
		usleep(10000);
	}
	cached = proc_field("/proc/meminfo", "SwapCached:");
	if (cached <= 0)
		return 0;
	f = fopen("/proc/self/cgroup", "r");
	if (!f || !fgets(cg, sizeof(cg), f) || strncmp(cg, "0::/", 4)) {
		printf("FAIL: no cgroup v2 path in /proc/self/cgroup\n");
		if (f)
			fclose(f);
		return -1;
	}
	fclose(f);
	cg[strcspn(cg, "\n")] = 0;
	/* The root's reclaim would swap out everyone else's memory too. */
	if (!strcmp(cg, "0::/")) {
		printf("FAIL: -R needs a memcg of its own\n");
		return -1;
	}
	snprintf(path, sizeof(path), "/sys/fs/cgroup%s/memory.reclaim", cg + 3);
	snprintf(val, sizeof(val), "%ldK", cached);
	/* It may fall short (EAGAIN): what is left is reported, not fatal. */
	write_str(path, val);
	if (!quiet)
		printf("usemem: swap cache %ld KiB after the writes, %ld KiB after reclaim\n",
		       cached, proc_field("/proc/meminfo", "SwapCached:"));
	return 0;
}

static int latency_mode(const char *tag)
{
	uint8_t *mem = map_region();
	double *lat = malloc(pages * sizeof(*lat)), t, total, swapout;
	unsigned long i, bad = 0;
	long kib;
	char c;

	if (!lat) {
		perror("malloc");
		return 1;
	}
	for (i = 0; i < pages; i++)
		fill_page(mem + i * PAGE, i, 0);
	t = now_ms();
	if (madvise(mem, pages * PAGE, MADV_PAGEOUT)) {
		perror("MADV_PAGEOUT");
		return 1;
	}
	swapout = now_ms() - t;
	kib = vmswap_kib();
	if (kib < (long)(pages * PAGE / 1024 * 9 / 10)) {
		printf("FAIL: only %ld KiB of %lu swapped out\n", kib,
		       pages * PAGE / 1024);
		return 1;
	}
	if (drain && drain_swap_cache())
		return 1;
	if (hold) {
		/*
		 * The caller measures the kernel's memory while the region is
		 * out, and lets it come back in by closing our stdin.
		 */
		printf("@@HELD %ld KiB\n", kib);
		while (read(0, &c, 1) > 0)
			;
	}
	total = now_ms();
	for (i = 0; i < pages; i++) {
		volatile uint8_t *p = mem + i * PAGE;

		t = now_ms();
		(void)*p;
		lat[i] = (now_ms() - t) * 1e3;
	}
	total = now_ms() - total;
	for (i = 0; i < pages; i++)
		bad += check_page(mem + i * PAGE, i, 0);
	qsort(lat, pages, sizeof(*lat), cmp_double);
	if (!quiet) {
		printf("@@METRIC swapout%s %.1f ms\n", tag, swapout);
		printf("@@METRIC swapin%s %.1f ms\n", tag, total);
		printf("@@METRIC fault_p50%s %.2f us\n", tag, lat[pages / 2]);
		printf("@@METRIC fault_p99%s %.2f us\n", tag, lat[pages * 99 / 100]);
	}
	if (bad) {
		printf("FAIL: %lu bytes read back wrong\n", bad);
		return 1;
	}
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: usemem -m MiB [-p procs] [-a seq|rand] [-d comp|rand|zero|ff] [-f munmap|exit] [-t tag] [-L [-H] [-R]] [-q]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	unsigned long mib = 0;
	const char *tag = "";
	int procs = 1, latency = 0, opt;

	while ((opt = getopt(argc, argv, "m:p:a:d:f:t:LHRq")) != -1) {
		switch (opt) {
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			procs = atoi(optarg);
			break;
		case 'a':
			if (!strcmp(optarg, "seq"))
				order = SEQ;
			else if (!strcmp(optarg, "rand"))
				order = RAND;
			else
				usage();
			break;
		case 'd':
			if (!strcmp(optarg, "comp"))
				data = COMP;
			else if (!strcmp(optarg, "rand"))
				data = RANDOM;
			else if (!strcmp(optarg, "zero"))
				data = ZERO;
			else if (!strcmp(optarg, "ff"))
				data = FF;
			else
				usage();
			break;
		case 'f':
			if (!strcmp(optarg, "exit"))
				free_by_exit = 1;
			else if (strcmp(optarg, "munmap"))
				usage();
			break;
		case 't':
			tag = optarg;
			break;
		case 'L':
			latency = 1;
			break;
		case 'H':
			hold = 1;
			break;
		case 'R':
			drain = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			usage();
		}
	}
	if (!mib || procs < 1 || procs > 64 || (latency && procs != 1) ||
	    (hold && !latency))
		usage();
	pages = mib * 256;
	for (opt = 0; opt < POOL; opt++)
		fill_random_page(pool[opt], opt);
	setvbuf(stdout, NULL, _IOLBF, 0);
	return latency ? latency_mode(tag) : fill_mode(procs, tag, mib);
}
