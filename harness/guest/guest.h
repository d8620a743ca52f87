/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the guest programs (the C files of harness/guest),
 * each built statically on its own by harness/payload.
 */
#ifndef VSWAP_GUEST_H
#define VSWAP_GUEST_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>

#define PAGE 4096UL

/* The number after @key ("VmSwap:") in a /proc file of such lines, or -1. */
static inline long proc_field(const char *path, const char *key)
{
	size_t len = strlen(key);
	char line[256];
	long val = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len))
			val = strtol(line + len, NULL, 10);
	fclose(f);
	return val;
}

/* VmSwap of this process in KiB (swap entries in its page tables), or -1. */
static inline long vmswap_kib(void)
{
	return proc_field("/proc/self/status", "VmSwap:");
}

/* One incompressible page: an xorshift64* stream from @seed. */
static inline void fill_random_page(void *page, uint64_t seed)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL ^ seed;
	uint64_t *w = page;
	unsigned long i;

	for (i = 0; i < PAGE / 8; i++) {
		x ^= x >> 12;
		x ^= x << 25;
		x ^= x >> 27;
		w[i] = x * 0x2545f4914f6cdd1dULL;
	}
}

/* @size bytes of private anon memory, no THP (it swaps page by page). */
static inline void *map_anon_nohuge(size_t size)
{
	void *mem = mmap(NULL, size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (mem == MAP_FAILED)
		return NULL;
	if (madvise(mem, size, MADV_NOHUGEPAGE)) {
		munmap(mem, size);
		return NULL;
	}
	return mem;
}

/* Write @val to the file at @path (sysfs, cgroupfs): 0, or -1. */
static inline int write_str(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/* The vswap switch, which reads "off [auto] always" on a vswap kernel. */
#define VSWAP_SWITCH "/sys/kernel/mm/swap/vswap_enabled"

/*
 * The switch's setting (the word in brackets) in @mode: 0, or -1 on a
 * kernel without it (or one whose switch reads otherwise).
 */
static inline int vswap_mode(char *mode, size_t len)
{
	char buf[64] = "", *lb, *rb;
	int fd = open(VSWAP_SWITCH, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	lb = n > 0 ? strchr(buf, '[') : NULL;
	rb = lb ? strchr(lb, ']') : NULL;
	if (!rb || (size_t)(rb - lb) > len)
		return -1;
	memcpy(mode, lb + 1, rb - lb - 1);
	mode[rb - lb - 1] = 0;
	return 0;
}

#endif
