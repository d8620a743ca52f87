// SPDX-License-Identifier: GPL-2.0
/*
 * kvdata: the dataset of bench/server.sh, for a Redis server.
 *
 *   kvdata -n KEYS -s BYTES             SET commands for every key on
 *                                       stdout (RESP, for redis-cli --pipe)
 *   kvdata -n KEYS -s BYTES -c SOCKET   GET every key over the unix socket
 *                                       SOCKET and compare with its value
 *
 * The keys are the ones redis-benchmark -r KEYS asks for: "key:" and
 * twelve digits, 0 to KEYS-1. Key i's value is BYTES of text made from i
 * alone: the key itself (so that a value read back under the wrong key
 * shows), then "field":value pairs of a record, the values words of a
 * small vocabulary or numbers, picked by an xorshift stream seeded from
 * i. Laid out four to a page, as Redis's allocator does, such text
 * compresses 2.3:1 a page with lz4 (zram's lzo-rle and zswap's lzo are
 * of its kind), near what they see on real heaps; unlike
 * redis-benchmark -d's values, which are all 'x': a same-filled page to
 * zram and to the virtual layer, which store it as one word.
 *
 * The check mode sends the GETs in batches and compares every reply with
 * the value made again: a missing key, a wrong length or a wrong byte fails
 * it (exit 1), and the first few such keys are named. It prints
 * "kvdata: N keys read back, M wrong".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#define BATCH 256	/* GETs in flight at once in the check */
#define SHOWN 5		/* wrong keys named before the count */
#define SLACK 32	/* a value is made past BYTES by less than a word */

static const char *const words[64] = {
	"the", "of", "and", "to", "in", "is", "for", "on",
	"with", "as", "by", "at", "from", "this", "that", "are",
	"user", "order", "item", "price", "status", "active", "pending", "shipped",
	"name", "email", "address", "city", "country", "created", "updated", "id",
	"session", "token", "cart", "total", "currency", "EUR", "USD", "GBP",
	"true", "false", "null", "count", "page", "limit", "offset", "query",
	"red", "green", "blue", "small", "medium", "large", "north", "south",
	"alpha", "beta", "gamma", "delta", "kernel", "memory", "swap", "cache",
};

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dULL;
}

/* A seed from the key's number, so that neighbouring keys differ. */
static uint64_t splitmix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return z ? z : 1;
}

/* The fields of a record, in turn; a value is records one after another. */
static const char *const fields[8] = {
	"user", "status", "city", "item", "price", "currency", "count", "updated",
};

/*
 * Key i's value in @v (room for @len + SLACK bytes): after the key,
 * "field":value pairs, the fields in turn, each value a word of the
 * vocabulary, or one in eight a number.
 */
static void make_value(char *v, unsigned long i, unsigned long len)
{
	uint64_t x = splitmix(i), r;
	unsigned long n = sprintf(v, "key:%012lu", i), k;

	for (k = 0; n < len; k++) {
		r = xorshift(&x);
		if ((r >> 8 & 7) == 0)
			n += sprintf(v + n, " \"%s\":%lu,", fields[k % 8],
				     (unsigned long)(r >> 40) % 100000);
		else
			n += sprintf(v + n, " \"%s\":\"%s\",", fields[k % 8], words[r & 63]);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: kvdata -n KEYS -s BYTES [-c SOCKET]\n");
	exit(2);
}

static int generate(unsigned long keys, unsigned long len, char *v)
{
	unsigned long i;

	for (i = 0; i < keys; i++) {
		make_value(v, i, len);
		printf("*3\r\n$3\r\nSET\r\n$16\r\nkey:%012lu\r\n$%lu\r\n", i, len);
		fwrite(v, 1, len, stdout);
		fputs("\r\n", stdout);
	}
	if (fflush(stdout) || ferror(stdout)) {
		perror("kvdata: stdout");
		return 1;
	}
	return 0;
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= w;
	}
	return 0;
}

/* Counts a wrong reply, and says what was wrong for the first SHOWN. */
static void wrong(unsigned long *bad, unsigned long i, const char *what)
{
	if (++*bad <= SHOWN)
		printf("kvdata: key:%012lu: %s\n", i, what);
}

static int check(const char *path, unsigned long keys, unsigned long len, char *want)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char line[128], what[160], *req, *got;
	unsigned long i, j, m, bad = 0, off;
	size_t n;
	long glen;
	FILE *in;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		usage();
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "kvdata: %s: %s\n", path, strerror(errno));
		return 1;
	}
	in = fdopen(dup(fd), "r");
	req = malloc(BATCH * 64);
	got = malloc(len + SLACK);
	if (!in || !req || !got) {
		perror("kvdata");
		return 1;
	}
	for (i = 0; i < keys; i += m) {
		m = keys - i < BATCH ? keys - i : BATCH;
		for (n = 0, j = 0; j < m; j++)
			n += sprintf(req + n, "*2\r\n$3\r\nGET\r\n$16\r\nkey:%012lu\r\n", i + j);
		if (write_all(fd, req, n)) {
			perror("kvdata: sending GETs");
			return 1;
		}
		for (j = 0; j < m; j++) {
			if (!fgets(line, sizeof(line), in)) {
				printf("kvdata: the server hung up at key:%012lu\n", i + j);
				return 1;
			}
			if (line[0] != '$') {
				line[strcspn(line, "\r\n")] = 0;
				snprintf(what, sizeof(what), "the reply was '%s'", line);
				wrong(&bad, i + j, what);
				continue;
			}
			glen = strtol(line + 1, NULL, 10);
			if (glen < 0) {
				wrong(&bad, i + j, "missing");
				continue;
			}
			/* Read the whole reply, whatever its length, to stay in step. */
			if ((unsigned long)glen + 2 > len + SLACK) {
				free(got);
				got = malloc(glen + 2);
				if (!got) {
					perror("kvdata");
					return 1;
				}
			}
			if (fread(got, 1, glen + 2, in) != (size_t)glen + 2) {
				printf("kvdata: short reply for key:%012lu\n", i + j);
				return 1;
			}
			if ((unsigned long)glen != len) {
				snprintf(what, sizeof(what), "%ld bytes, not %lu", glen, len);
				wrong(&bad, i + j, what);
				continue;
			}
			make_value(want, i + j, len);
			if (memcmp(got, want, len)) {
				for (off = 0; got[off] == want[off]; off++)
					;
				snprintf(what, sizeof(what), "wrong from byte %lu on", off);
				wrong(&bad, i + j, what);
			}
		}
	}
	printf("kvdata: %lu keys read back, %lu wrong\n", keys, bad);
	return bad ? 1 : 0;
}

int main(int argc, char **argv)
{
	unsigned long keys = 0, len = 0;
	const char *sock = NULL;
	char *v;
	int c;

	while ((c = getopt(argc, argv, "n:s:c:")) != -1) {
		switch (c) {
		case 'n':
			keys = strtoul(optarg, NULL, 0);
			break;
		case 's':
			len = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			sock = optarg;
			break;
		default:
			usage();
		}
	}
	/* The value starts with its 16-byte key; twelve digits of keys. */
	if (!keys || keys > 1000000000000UL || len < 16 || len > 1 << 20)
		usage();
	v = malloc(len + SLACK);
	if (!v) {
		perror("kvdata");
		return 1;
	}
	return sock ? check(sock, keys, len, v) : generate(keys, len, v);
}
