/*
 * proto_lookup.c - bench-protocols, the protocols half of `make bench`:
 * protocol lookups through glibc with whatever nsswitch.conf says (the
 * bench puts one backend alone on the protocols line).
 *
 *   bench-protocols verify QUERIES   every query answered as expected
 *   bench-protocols time QUERIES MS  ns per lookup, by category
 *   bench-protocols walk MS          ns per full getprotoent walk
 *   bench-protocols direct LIB PREFIX QUERIES MS [noverify]
 *                                    as `time`, calling the entry points of
 *                                    the module LIB (_nss_PREFIX_*) directly
 *
 * A query line: "N<TAB>name<TAB>expected-name<TAB>expected-number" (by
 * name) or "U<TAB>number<TAB>expected-name<TAB>expected-number" (by
 * number), the expectation "-<TAB>-" for a miss.  tests/bench/bench.py
 * writes them from the registry CSV, not from the code under test.
 * Timing is as in lookup.c: the fastest of 5 batches, each of whole passes.
 */
#include <dlfcn.h>
#include <netdb.h>
#include <nss.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_QUERIES 4096
#define BATCHES 5

struct query {
	bool by_number;
	char key[128];
	int number;
	bool hit;
	char expect_name[128];
	int expect_number;
};

/* The module's entry points, in `direct` mode; NULL: through glibc. */
static enum nss_status (*direct_byname)(const char *, struct protoent *,
					char *, size_t, int *);
static enum nss_status (*direct_bynumber)(int, struct protoent *, char *,
					  size_t, int *);

static struct query queries[MAX_QUERIES];
static size_t query_count;
static char buffer[8192];

static void die(const char *what)
{
	fprintf(stderr, "bench-protocols: %s\n", what);
	exit(2);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void load(const char *path)
{
	FILE *fp = fopen(path, "r");
	char line[512], kind[4], key[128], name[128], number[32];

	if (!fp)
		die("cannot open the query file");
	while (fgets(line, sizeof line, fp)) {
		if (sscanf(line, "%3s\t%127s\t%127s\t%31s", kind, key, name, number) != 4)
			continue;
		if (query_count == MAX_QUERIES)
			die("too many queries");
		struct query *q = &queries[query_count++];
		q->by_number = kind[0] == 'U';
		snprintf(q->key, sizeof q->key, "%s", key);
		q->number = (int)strtol(key, NULL, 10);
		q->hit = strcmp(name, "-") != 0;
		snprintf(q->expect_name, sizeof q->expect_name, "%s", name);
		q->expect_number = q->hit ? (int)strtol(number, NULL, 10) : 0;
	}
	fclose(fp);
}

static struct protoent *lookup_directly(const struct query *q, struct protoent *p)
{
	int error;
	enum nss_status status = q->by_number
		? direct_bynumber(q->number, p, buffer, sizeof buffer, &error)
		: direct_byname(q->key, p, buffer, sizeof buffer, &error);
	return status == NSS_STATUS_SUCCESS ? p : NULL;
}

static struct protoent *lookup(const struct query *q, struct protoent *p)
{
	struct protoent *found = NULL;

	if (direct_byname)
		return lookup_directly(q, p);
	if (q->by_number)
		getprotobynumber_r(q->number, p, buffer, sizeof buffer, &found);
	else
		getprotobyname_r(q->key, p, buffer, sizeof buffer, &found);
	return found;
}

static int verify(void)
{
	size_t wrong = 0;

	for (size_t i = 0; i < query_count; i++) {
		struct protoent p, *found = lookup(&queries[i], &p);
		const struct query *q = &queries[i];
		bool ok = q->hit ? found && strcmp(found->p_name, q->expect_name) == 0 &&
				   found->p_proto == q->expect_number
				 : found == NULL;
		if (!ok) {
			fprintf(stderr, "WRONG %s %s: got [%s %d], want [%s %d]\n",
				q->by_number ? "bynumber" : "byname", q->key,
				found ? found->p_name : "miss", found ? found->p_proto : 0,
				q->hit ? q->expect_name : "miss", q->expect_number);
			wrong++;
		}
	}
	printf("proto.verified %zu\n", query_count - wrong);
	return wrong ? 1 : 0;
}

static size_t pass(bool by_number, bool hit)
{
	size_t ops = 0;

	for (size_t i = 0; i < query_count; i++) {
		struct protoent p;
		if (queries[i].by_number != by_number || queries[i].hit != hit)
			continue;
		lookup(&queries[i], &p);
		ops++;
	}
	return ops;
}

static double time_category(bool by_number, bool hit, double min_ms)
{
	double best = 0.0;

	pass(by_number, hit);
	for (int batch = 0; batch < BATCHES; batch++) {
		size_t ops = 0;
		uint64_t start = now_ns(), elapsed;
		do {
			ops += pass(by_number, hit);
			elapsed = now_ns() - start;
		} while (elapsed < min_ms * 1e6 / BATCHES);
		double per_op = ops ? (double)elapsed / (double)ops : 0.0;
		if (batch == 0 || per_op < best)
			best = per_op;
	}
	return best;
}

static void print_times(const char *prefix, double ms)
{
	printf("%sbyname.hit %.1f\n", prefix, time_category(false, true, ms));
	printf("%sbyname.miss %.1f\n", prefix, time_category(false, false, ms));
	printf("%sbynumber.hit %.1f\n", prefix, time_category(true, true, ms));
	printf("%sbynumber.miss %.1f\n", prefix, time_category(true, false, ms));
}

/* Binds the entry points of LIB, _nss_PREFIX_getprotoby{name,number}_r. */
static void bind_module(const char *lib, const char *prefix)
{
	char name[128];
	void *module = dlopen(lib, RTLD_NOW | RTLD_LOCAL);

	if (!module)
		die(dlerror());
	snprintf(name, sizeof name, "_nss_%s_getprotobyname_r", prefix);
	direct_byname = dlsym(module, name);
	snprintf(name, sizeof name, "_nss_%s_getprotobynumber_r", prefix);
	direct_bynumber = dlsym(module, name);
	if (!direct_byname || !direct_bynumber)
		die("the module has no protocols entry points");
}

static size_t walk_once(void)
{
	struct protoent p, *found;
	size_t count = 0;

	setprotoent(0);
	while (getprotoent_r(&p, buffer, sizeof buffer, &found) == 0 && found)
		count++;
	endprotoent();
	return count;
}

static int time_walk(double min_ms)
{
	double best = 0.0;
	size_t entries = walk_once();

	for (int batch = 0; batch < BATCHES; batch++) {
		size_t walks = 0;
		uint64_t start = now_ns(), elapsed;
		do {
			walk_once();
			walks++;
			elapsed = now_ns() - start;
		} while (elapsed < min_ms * 1e6 / BATCHES);
		double per_walk = (double)elapsed / (double)walks;
		if (batch == 0 || per_walk < best)
			best = per_walk;
	}
	printf("proto.walk %.1f\nproto.walk.entries %zu\n", best, entries);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "verify") == 0)
		return load(argv[2]), verify();
	if (argc == 4 && strcmp(argv[1], "time") == 0) {
		double ms = atof(argv[3]);
		load(argv[2]);
		print_times("proto.", ms);
		return 0;
	}
	if ((argc == 6 || argc == 7) && strcmp(argv[1], "direct") == 0) {
		bind_module(argv[2], argv[3]);
		load(argv[4]);
		if (argc == 6 && verify() != 0)
			return 1;
		print_times("proto.direct.", atof(argv[5]));
		return 0;
	}
	if (argc == 3 && strcmp(argv[1], "walk") == 0)
		return time_walk(atof(argv[2]));
	die("usage: bench-protocols verify QUERIES | time QUERIES MS | walk MS | "
	    "direct LIB PREFIX QUERIES MS [noverify]");
}
