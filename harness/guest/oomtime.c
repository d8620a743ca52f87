// SPDX-License-Identifier: GPL-2.0
/*
 * oomtime: how long a memcg takes to OOM-kill a process whose memory
 * cannot all be swapped, and what reclaim did meanwhile.
 *
 *   oomtime -c CGROUP -k random|zero|onebyte|tmpfs [-m MiB] [-t SECONDS]
 *           [-z N] [-s N] [-p MiB]
 *
 * A child joins CGROUP (its limits are set by the job) and writes a
 * region of MiB (default 192) page by page, then keeps rewriting it:
 *   random   every page incompressible (a new word per page per pass)
 *   zero     one zero byte per page: zero pages
 *   onebyte  one byte per page, 1 then 2, 3...: all but one byte zero
 *   tmpfs    random pages as above, written with write(2) to a file on
 *            tmpfs (a memfd) instead of to anon memory
 * The parent waits for the child to die and prints the time it took,
 * the pages written, and the reclaim counters of /proc/vmstat (and
 * vswap/kept_resident where it exists) over the run:
 *   "@@METRIC oom_ms-KIND N ms".
 *
 * Exit 1 unless the child was killed by SIGKILL with memory.events
 * oom_kill raised, within SECONDS (default 600): a process its limits
 * cannot contain would run forever. With -z N, exit 1 too if zswap
 * refused more than N compressions per page the child wrote: reclaim
 * that keeps compressing the same incompressible pages is churning
 * instead of letting the memcg go OOM. With -s N, exit 1 too if reclaim
 * scanned more than N anon pages (pgscan_anon) per page the child wrote:
 * with nowhere to put refused pages, reclaim that keeps going through them
 * on every retry delays the OOM kill (7.3 scans none without a swap
 * device). With -p MiB, exit 1 too if the
 * child had written more distinct pages than that when it was killed:
 * memory the cgroup held beyond what its limits let it hold (resident,
 * swapped out, or both) is memory they did not contain.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "guest.h"

enum kind { K_RANDOM, K_ZERO, K_ONEBYTE, K_TMPFS };
#define NR_KINDS	4

static const char *const vmstat_keys[] = {
	"pgscan_anon", "pgsteal_anon", "workingset_refault_anon",
	"pswpout", "zswpout", "swpout_zero", "oom_kill",
};
#define NR_KEYS (sizeof(vmstat_keys) / sizeof(vmstat_keys[0]))
/* Extra counters after the vmstat ones in a snapshot. */
#define KEPT		NR_KEYS
#define REJECTS		(NR_KEYS + 1)

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

static void snapshot(long *v)
{
	unsigned int i;

	for (i = 0; i < NR_KEYS; i++)
		v[i] = read_key("/proc/vmstat", vmstat_keys[i]);
	v[KEPT] = read_long("/sys/kernel/debug/vswap/kept_resident");
	v[REJECTS] = read_long("/sys/kernel/debug/zswap/reject_compress_fail");
}

/*
 * Write random pages to a tmpfs file, page by page, then keep rewriting
 * them (a new word per page per pass), as child() does in anon memory.
 * The file is charged to this process's memcg and goes when it dies.
 */
static void tmpfs_child(unsigned long pages, volatile long *written)
{
	uint8_t *buf = malloc(PAGE);
	unsigned long i, pass;
	int fd = memfd_create("oomtime", 0);

	if (!buf || fd < 0)
		_exit(3);
	for (pass = 0;; pass++) {
		for (i = 0; i < pages; i++) {
			fill_random_page(buf, i);
			if (pass)
				((uint64_t *)buf)[pass % (PAGE / 8)] ^=
					i * 0x9e3779b97f4a7c15ULL + pass;
			if (pwrite(fd, buf, PAGE, (off_t)i * PAGE) != PAGE)
				_exit(3);
			(*written)++;
		}
	}
}

static void child(const char *cg, enum kind kind, size_t size,
		  volatile long *written)
{
	unsigned long pages = size / PAGE, i, pass;
	char path[512], pid[32];
	uint8_t *mem;
	int fd;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	snprintf(pid, sizeof(pid), "%d", getpid());
	fd = open(path, O_WRONLY);
	if (fd < 0 || write(fd, pid, strlen(pid)) != (ssize_t)strlen(pid))
		_exit(3);
	close(fd);

	if (kind == K_TMPFS)
		tmpfs_child(pages, written);

	/* Larger than RAM may be asked for: the memcg decides, not overcommit. */
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (mem == MAP_FAILED || madvise(mem, size, MADV_NOHUGEPAGE))
		_exit(3);
	for (pass = 0;; pass++) {
		for (i = 0; i < pages; i++) {
			uint8_t *p = mem + i * PAGE;

			switch (kind) {
			case K_RANDOM:
				if (!pass)
					fill_random_page(p, i);
				else
					((uint64_t *)p)[pass % (PAGE / 8)] ^=
						i * 0x9e3779b97f4a7c15ULL + pass;
				break;
			case K_ZERO:
				p[0] = 0;
				break;
			case K_ONEBYTE:
				p[0] = (uint8_t)(pass + 1) ? (uint8_t)(pass + 1) : 1;
				break;
			case K_TMPFS:	/* tmpfs_child() does not return */
				break;
			}
			(*written)++;
		}
	}
}

int main(int argc, char **argv)
{
	static const char *const names[NR_KINDS] = {
		"random", "zero", "onebyte", "tmpfs"
	};
	long before[NR_KEYS + 2], after[NR_KEYS + 2], limit_s = 600, ms;
	long max_rejects = -1, max_scans = -1, max_pages = -1, rejects, scans;
	long distinct;
	size_t size = 192UL << 20;
	const char *cg = NULL;
	enum kind kind = K_RANDOM;
	volatile long *written;
	struct timespec t0, t1;
	char events[512];
	long oom0, oom1;
	int opt, status = 0, ret = 0, done = 0;
	unsigned int i;
	pid_t pid;

	while ((opt = getopt(argc, argv, "c:k:m:p:s:t:z:")) != -1) {
		switch (opt) {
		case 'c':
			cg = optarg;
			break;
		case 'k':
			for (i = 0; i < NR_KINDS; i++)
				if (!strcmp(optarg, names[i]))
					kind = i;
			if (strcmp(optarg, names[kind]))
				goto usage;
			break;
		case 'm':
			size = strtoul(optarg, NULL, 0) << 20;
			break;
		case 'p':
			max_pages = (strtol(optarg, NULL, 0) << 20) / PAGE;
			break;
		case 's':
			max_scans = strtol(optarg, NULL, 0);
			break;
		case 't':
			limit_s = strtol(optarg, NULL, 0);
			break;
		case 'z':
			max_rejects = strtol(optarg, NULL, 0);
			break;
		default:
			goto usage;
		}
	}
	if (!cg || !size)
		goto usage;
	snprintf(events, sizeof(events), "%s/memory.events", cg);

	written = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (written == MAP_FAILED)
		return 1;
	*written = 0;
	oom0 = read_key(events, "oom_kill");
	snapshot(before);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid)
		child(cg, kind, size, written);

	/* Poll: a child its limits do not contain is stopped at the limit. */
	do {
		clock_gettime(CLOCK_MONOTONIC, &t1);
		if (waitpid(pid, &status, WNOHANG) == pid) {
			done = 1;
			break;
		}
		usleep(20000);
	} while (t1.tv_sec - t0.tv_sec < limit_s);
	if (!done) {
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	snapshot(after);
	oom1 = read_key(events, "oom_kill");

	printf("oomtime: %s, %zu MiB region: %s after %ld ms, %ld page writes (%zu pages in the region)\n",
	       names[kind], size >> 20,
	       !done ? "still running, killed by the test" :
	       WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "exited",
	       ms, *written, size / PAGE);
	for (i = 0; i < NR_KEYS; i++)
		printf("oomtime:   %-24s %ld\n", vmstat_keys[i],
		       after[i] - before[i]);
	if (after[KEPT] >= 0)
		printf("oomtime:   %-24s %ld\n", "vswap kept_resident",
		       after[KEPT] - before[KEPT]);
	rejects = after[REJECTS] - before[REJECTS];
	printf("oomtime:   %-24s %ld\n", "zswap reject_compress_fail",
	       rejects);
	printf("oomtime:   %-24s %ld\n", "memory.events oom_kill", oom1 - oom0);
	printf("@@METRIC oom_ms-%s %ld ms\n", names[kind], ms);

	distinct = *written < (long)(size / PAGE) ? *written : (long)(size / PAGE);
	if (max_rejects >= 0 && rejects > max_rejects * distinct) {
		printf("FAIL: zswap refused %ld compressions for %ld distinct pages: reclaim churns\n",
		       rejects, distinct);
		ret = 1;
	}
	scans = after[0] - before[0];	/* vmstat_keys[0]: pgscan_anon */
	if (max_scans >= 0 && scans > max_scans * distinct) {
		printf("FAIL: reclaim scanned %ld anon pages for %ld distinct pages written: it goes through refused pages again and again\n",
		       scans, distinct);
		ret = 1;
	}
	if (max_pages >= 0 && distinct > max_pages) {
		printf("FAIL: %ld distinct pages written before the kill, more than the %ld its limits allow\n",
		       distinct, max_pages);
		ret = 1;
	}
	if (!done) {
		printf("FAIL: not OOM-killed within %ld s: the memcg limits do not contain it\n",
		       limit_s);
		ret = 1;
	} else if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL ||
		   oom1 <= oom0) {
		printf("FAIL: the child ended without an OOM kill (status %#x)\n",
		       status);
		ret = 1;
	}
	return ret;
usage:
	fprintf(stderr, "usage: oomtime -c CGROUP -k random|zero|onebyte|tmpfs [-m MiB] [-t SECONDS] [-z N] [-s N] [-p MiB]\n");
	return 2;
}
