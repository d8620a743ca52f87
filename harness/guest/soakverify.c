// SPDX-License-Identifier: GPL-2.0
/*
 * soakverify: the soak's data checker. Until its time is up, it fills a
 * region with known pages of four kinds (zero, same-filled, compressible,
 * random), pushes it out with MADV_PAGEOUT, rewrites a part of it, pushes
 * it out again, and compares every byte with what it wrote; every few
 * rounds a forked child checks the same swapped-out pages and rewrites
 * its own copy. Large folios take part in every other round.
 *
 *   soakverify -t SECONDS [-b MiB] [-m MiB] [-r PCT] [-s SEED] [-o FILE]
 *              [-M CGROUP] [-X PAGE]
 *     -t  run for SECONDS (a round that has started is finished)
 *     -b  stop as soon as MiB have been verified; -t is then only the bound
 *         (a slow machine takes longer, and only a hang runs into it)
 *     -m  region size (default 32)
 *     -r  percentage of random, incompressible pages (default 10)
 *     -s  seed (default: the pid)
 *     -o  after every round, write "bytes BYTES bad BAD rounds N" to FILE,
 *         so that the job can count a process that was killed
 *     -M  after the first round has swapped out, move to cgroup CGROUP
 *         (a directory under /sys/fs/cgroup) and remove the one it ran
 *         in, while its pages are out; the data must survive that
 *     -X  flip one byte of page PAGE before each check: the checker's own
 *         test (make soak runs it on the host first; it must report one
 *         bad byte per round)
 *
 * Exit 0 if every byte read back as written, 1 if any did not, 2 on a
 * setup error. The last line is "@@VERIFY bytes=B bad=N rounds=R".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

enum kind { K_ZERO, K_SAME, K_TEXT, K_RANDOM };

static uint64_t seed;
static unsigned int random_pct = 10;

static uint64_t mix(uint64_t x)
{
	x ^= x >> 31;
	x *= 0x7fb5d329728ea185ULL;
	x ^= x >> 27;
	x *= 0x81dadef4bc2dd44dULL;
	return x ^ (x >> 33);
}

/* What page @idx holds in generation @gen: its kind and its bytes. */
static enum kind page_kind(unsigned long idx, unsigned int gen)
{
	unsigned int r = mix(seed ^ (idx << 8) ^ gen) % 100;

	if (r < random_pct)
		return K_RANDOM;
	r = (r - random_pct) * 3 / (100 - random_pct);
	return r == 0 ? K_ZERO : r == 1 ? K_SAME : K_TEXT;
}

static void make_page(uint8_t *p, unsigned long idx, unsigned int gen)
{
	static const char text[] = "soak page, compressible text, generation ";
	static uint8_t text_page[PAGE];
	uint64_t h = mix(seed + idx * 0x9e3779b97f4a7c15ULL + gen);
	unsigned long i;

	/*
	 * The text is built once: one byte at a time with a division each
	 * took most of a round's user time under TCG, and the soak's volume
	 * is bounded by how fast the guest writes and checks pages.
	 */
	if (!text_page[0])
		for (i = 0; i < PAGE; i++)
			text_page[i] = text[i % (sizeof(text) - 1)];

	switch (page_kind(idx, gen)) {
	case K_ZERO:
		memset(p, 0, PAGE);
		break;
	case K_SAME:
		/* One repeated word: what zswap stores as same-filled. */
		for (i = 0; i < PAGE / 8; i++)
			((uint64_t *)p)[i] = h | 1;
		break;
	case K_TEXT:
		memcpy(p, text_page, PAGE);
		memcpy(p, &h, sizeof(h));
		memcpy(p + PAGE - sizeof(idx), &idx, sizeof(idx));
		break;
	default:
		fill_random_page(p, h);
		break;
	}
}

/* Bad bytes in @n pages at @mem, generation per page in @gen. */
static unsigned long check(const uint8_t *mem, unsigned long n,
			   const unsigned char *gen, const char *who)
{
	static uint8_t expect[PAGE];
	unsigned long idx, off, bad = 0, badpages = 0;

	for (idx = 0; idx < n; idx++) {
		const uint8_t *p = mem + idx * PAGE;

		make_page(expect, idx, gen[idx]);
		if (!memcmp(p, expect, PAGE))
			continue;
		for (off = 0; off < PAGE; off++)
			bad += p[off] != expect[off];
		if (badpages++ < 8) {
			for (off = 0; p[off] == expect[off]; off++)
				;
			fprintf(stderr,
				"soakverify %s: page %lu (kind %d, gen %u) differs from byte %lu: %02x, expected %02x\n",
				who, idx, page_kind(idx, gen[idx]), gen[idx],
				off, p[off], expect[off]);
		}
	}
	return bad;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Move to cgroup @to and remove the one this process ran in. */
static int leave_cgroup(const char *to)
{
	char line[400], from[512] = "", path[600], pid[32];
	FILE *f = fopen("/proc/self/cgroup", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = 0;
			snprintf(from, sizeof(from), "/sys/fs/cgroup%s", line + 3);
		}
	fclose(f);
	snprintf(path, sizeof(path), "%s/cgroup.procs", to);
	snprintf(pid, sizeof(pid), "%d", getpid());
	if (!from[0] || write_str(path, pid))
		return -1;
	return rmdir(from);
}

static void report(const char *out, unsigned long long bytes,
		   unsigned long long bad, unsigned long rounds)
{
	char tmp[600];
	FILE *f;

	if (!out)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	f = fopen(tmp, "w");
	if (!f)
		return;
	fprintf(f, "bytes %llu bad %llu rounds %lu\n", bytes, bad, rounds);
	fclose(f);
	rename(tmp, out);
}

int main(int argc, char **argv)
{
	unsigned long mib = 32, n, idx, rounds = 0;
	unsigned long long bytes = 0, bad = 0;
	const char *out = NULL, *move_to = NULL;
	long corrupt = -1;
	unsigned long long target = 0;
	double seconds = 0, end;
	unsigned char *gen;
	uint8_t *mem;
	int opt;

	seed = getpid();
	while ((opt = getopt(argc, argv, "t:b:m:r:s:o:M:X:")) != -1) {
		switch (opt) {
		case 't':
			seconds = strtod(optarg, NULL);
			break;
		case 'b':
			target = strtoull(optarg, NULL, 0) << 20;
			break;
		case 'm':
			mib = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			random_pct = strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'o':
			out = optarg;
			break;
		case 'M':
			move_to = optarg;
			break;
		case 'X':
			corrupt = strtol(optarg, NULL, 0);
			break;
		default:
			goto usage;
		}
	}
	if (seconds <= 0 || !mib || random_pct > 100 ||
	    corrupt >= (long)(mib << 20 >> 12)) {
usage:
		fprintf(stderr, "usage: %s -t SECONDS [-b MiB] [-m MiB] [-r PCT] [-s SEED] [-o FILE] [-M CGROUP] [-X PAGE]\n",
			argv[0]);
		return 2;
	}
	n = mib << 20 >> 12;
	gen = calloc(n, 1);
	if (!gen)
		return 2;
	end = now() + seconds;

	do {
		int thp = rounds % 2;
		char who[48];

		snprintf(who, sizeof(who), "%d round %lu", getpid(), rounds);
		mem = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED) {
			perror("soakverify: mmap");
			return 2;
		}
		madvise(mem, n * PAGE, thp ? MADV_HUGEPAGE : MADV_NOHUGEPAGE);
		for (idx = 0; idx < n; idx++) {
			gen[idx] = rounds & 0xff;
			make_page(mem + idx * PAGE, idx, gen[idx]);
		}
		madvise(mem, n * PAGE, MADV_PAGEOUT);
		if (move_to && !rounds && leave_cgroup(move_to)) {
			perror("soakverify: leaving the cgroup");
			return 2;
		}

		/* Rewrite one page in eight while the rest is out. */
		for (idx = mix(seed + rounds) % 8; idx < n; idx += 8) {
			gen[idx] = (gen[idx] + 1) & 0xff;
			make_page(mem + idx * PAGE, idx, gen[idx]);
		}
		madvise(mem, n * PAGE, MADV_PAGEOUT);

		if (rounds % 4 == 3) {
			/* Both sides read the shared swap entries, then COW. */
			pid_t pid = fork();
			int status;

			if (pid < 0) {
				perror("soakverify: fork");
				return 2;
			}
			if (!pid) {
				unsigned long cbad = check(mem, n, gen, "child");

				for (idx = 1; idx < n; idx += 16) {
					gen[idx] = (gen[idx] + 7) & 0xff;
					make_page(mem + idx * PAGE, idx, gen[idx]);
				}
				madvise(mem, n * PAGE, MADV_PAGEOUT);
				cbad += check(mem, n, gen, "child");
				_exit(cbad ? 1 : 0);
			}
			if (waitpid(pid, &status, 0) != pid)
				return 2;
			if (WIFEXITED(status) && WEXITSTATUS(status)) {
				fprintf(stderr, "soakverify %s: the child read bad bytes\n", who);
				bad++;
			}
			/* A child killed by the OOM killer or a fault is not a data error. */
			if (WIFSIGNALED(status))
				fprintf(stderr, "soakverify %s: the child got signal %d\n",
					who, WTERMSIG(status));
		}
		if (corrupt >= 0)
			mem[corrupt * PAGE + 100] ^= 0x40;
		bad += check(mem, n, gen, who);
		bytes += n * PAGE;
		munmap(mem, n * PAGE);
		rounds++;
		report(out, bytes, bad, rounds);
	} while (now() < end && (!target || bytes < target));

	printf("@@VERIFY bytes=%llu bad=%llu rounds=%lu\n", bytes, bad, rounds);
	return bad ? 1 : 0;
}
