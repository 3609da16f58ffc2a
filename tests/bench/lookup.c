/*
 * lookup.c - bench-lookup, the measuring half of `make bench`.
 *
 * It runs inside a private mount namespace whose nsswitch.conf names one
 * backend (iana, files, db or floor); the driver (bench.py) decides which
 * and interleaves the backends.  Everything goes through the real glibc,
 * except `direct`, which dlopens a module and calls its entry points.
 *
 *   bench-lookup verify QUERIES          check every answer; exit 1 if wrong
 *   bench-lookup time QUERIES MIN_MS     ns per lookup, per query category
 *   bench-lookup walk MIN_MS             ns per full getservent walk
 *   bench-lookup first NAME PROTO        ns of the first lookup of a process
 *   bench-lookup spawn N PROG ARGS...    median ns of N runs of a program
 *   bench-lookup rss QUERIES N           peak RSS (KiB) after N lookups
 *   bench-lookup direct LIB PREFIX QUERIES MIN_MS [noverify]
 *                                        verify, then ns per module call
 *   bench-lookup validate SNAPSHOT       ns to map and validate, in a fresh
 *                                        process (the module's first-use cost)
 *   bench-lookup resident KIND KEY PROTO [cold]
 *                                        KiB of $NSS_IANA_DB resident in
 *                                        this process after one lookup
 *                                        (KIND name or port), from smaps;
 *                                        cold: the file's page cache
 *                                        dropped first
 *   bench-lookup threads N QUERIES MIN_MS libc
 *   bench-lookup threads N QUERIES MIN_MS direct LIB PREFIX
 *                                        aggregate hits per second of N
 *                                        threads: through libc with the
 *                                        namespace's nsswitch.conf, as a
 *                                        program runs, or the module's
 *                                        entry points called directly
 *                                        (dlopen)
 *
 * QUERIES is a tab-separated file written by bench.py:
 *   N <name> <proto|-> <expect>     getservbyname_r
 *   P <port> <proto|-> <expect>     getservbyport_r
 *   G <name> - <tcp port>           getaddrinfo(NULL, name, NULL)
 * where <expect> is "-" for a miss, else "name<TAB>port<TAB>proto<TAB>a,b".
 *
 * Output lines are "metric value", one per measurement.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <netdb.h>
#include <nss.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "reader/snapshot.h"

#define MAX_QUERIES 4096
#define LINE_MAX_BYTES 1024
#define ANSWER_BUFFER 8192

enum query_kind { BY_NAME, BY_PORT, BY_GAI };

struct query {
	enum query_kind kind;
	char key[128];
	char proto[16]; /* "" means NULL */
	int port;       /* BY_PORT: the key; BY_GAI: the expected tcp port */
	bool hit;
	char expect[512]; /* "name port proto aliases", tab-separated */
};

struct query_set {
	struct query items[MAX_QUERIES];
	size_t count;
};

static struct query_set queries;

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Page faults this process has taken so far: on this kind of machine each
 * costs more than a whole warm lookup, so the first-use figures report
 * how many they include. */
static long page_faults(void)
{
	struct rusage usage;
	getrusage(RUSAGE_SELF, &usage);
	return usage.ru_minflt + usage.ru_majflt;
}

static void die(const char *what)
{
	fprintf(stderr, "bench-lookup: %s\n", what);
	exit(2);
}

/* Splits `line` at tabs in place; returns the number of fields. */
static size_t split_tabs(char *line, char **fields, size_t max)
{
	size_t n = 0;
	char *p = line;
	while (n < max) {
		fields[n++] = p;
		p = strchr(p, '\t');
		if (!p)
			break;
		*p++ = '\0';
	}
	return n;
}

static void parse_query(char *line, struct query *q)
{
	char *f[8];
	size_t n = split_tabs(line, f, 8);
	if (n < 4)
		die("malformed query line");
	q->kind = f[0][0] == 'N' ? BY_NAME : f[0][0] == 'P' ? BY_PORT : BY_GAI;
	snprintf(q->key, sizeof q->key, "%s", f[1]);
	snprintf(q->proto, sizeof q->proto, "%s", strcmp(f[2], "-") ? f[2] : "");
	q->port = q->kind == BY_PORT ? atoi(f[1]) : q->kind == BY_GAI ? atoi(f[3]) : 0;
	q->hit = strcmp(f[3], "-") != 0;
	if (q->hit && q->kind != BY_GAI) {
		if (n < 7)
			die("malformed expectation");
		snprintf(q->expect, sizeof q->expect, "%s\t%s\t%s\t%s", f[3], f[4],
			 f[5], f[6]);
	}
}

static void load_queries(const char *path)
{
	FILE *fp = fopen(path, "r");
	if (!fp)
		die("cannot open the query file");
	char line[LINE_MAX_BYTES];
	while (fgets(line, sizeof line, fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (!line[0])
			continue;
		if (queries.count == MAX_QUERIES)
			die("too many queries");
		parse_query(line, &queries.items[queries.count++]);
	}
	fclose(fp);
}

static const char *proto_or_null(const struct query *q)
{
	return q->proto[0] ? q->proto : NULL;
}

/* ---- answers ------------------------------------------------------------ */

static void format_servent(const struct servent *s, char *out, size_t size)
{
	int used = snprintf(out, size, "%s\t%d\t%s\t", s->s_name,
			    ntohs((uint16_t)s->s_port), s->s_proto);
	for (char **a = s->s_aliases; a && *a && used >= 0 && (size_t)used < size; a++)
		used += snprintf(out + used, size - (size_t)used, "%s%s",
				 a == s->s_aliases ? "" : ",", *a);
}

typedef enum nss_status (*byname_fn)(const char *, const char *,
				     struct servent *, char *, size_t, int *);
typedef enum nss_status (*byport_fn)(int, const char *, struct servent *,
				     char *, size_t, int *);

static char answer_buffer[ANSWER_BUFFER];

/* One lookup through libc; returns the entry or NULL. */
static struct servent *libc_lookup(const struct query *q, struct servent *s)
{
	struct servent *found = NULL;
	if (q->kind == BY_NAME)
		getservbyname_r(q->key, proto_or_null(q), s, answer_buffer,
				sizeof answer_buffer, &found);
	else
		getservbyport_r(htons((uint16_t)q->port), proto_or_null(q), s,
				answer_buffer, sizeof answer_buffer, &found);
	return found;
}

/* getaddrinfo's answer: the port of its first SOCK_STREAM result, or -1. */
static int gai_tcp_port(const struct query *q)
{
	struct addrinfo *res = NULL;
	if (getaddrinfo(NULL, q->key, NULL, &res) != 0)
		return -1;
	int port = -1;
	for (struct addrinfo *ai = res; ai && port < 0; ai = ai->ai_next)
		if (ai->ai_socktype == SOCK_STREAM && ai->ai_family == AF_INET)
			port = ntohs(((struct sockaddr_in *)(void *)ai->ai_addr)->sin_port);
	freeaddrinfo(res);
	return port;
}

static bool check_answer(const struct query *q, const struct servent *s)
{
	char got[1024];
	if (q->kind == BY_GAI) {
		int port = gai_tcp_port(q);
		if (port == q->port)
			return true;
		fprintf(stderr, "WRONG getaddrinfo %s: got port %d, want %d\n",
			q->key, port, q->port);
		return false;
	}
	if (!s && !q->hit)
		return true;
	if (s)
		format_servent(s, got, sizeof got);
	if (s && q->hit && strcmp(got, q->expect) == 0)
		return true;
	fprintf(stderr, "WRONG %s %s/%s: got [%s], want [%s]\n",
		q->kind == BY_NAME ? "byname" : "byport", q->key,
		q->proto[0] ? q->proto : "(null)", s ? got : "miss",
		q->hit ? q->expect : "miss");
	return false;
}

static int verify_libc(void)
{
	size_t wrong = 0;
	for (size_t i = 0; i < queries.count; i++) {
		struct servent s;
		const struct query *q = &queries.items[i];
		if (!check_answer(q, q->kind == BY_GAI ? NULL : libc_lookup(q, &s)))
			wrong++;
	}
	printf("verified %zu wrong %zu\n", queries.count, wrong);
	return wrong ? 1 : 0;
}

/* ---- timing through libc ------------------------------------------------- */

struct category {
	const char *metric;
	enum query_kind kind;
	bool hit;
};

static const struct category categories[] = {
	{"byname.hit", BY_NAME, true},
	{"byname.miss", BY_NAME, false},
	{"byport.hit", BY_PORT, true},
	{"byport.miss", BY_PORT, false},
	{"getaddrinfo", BY_GAI, true},
};

static bool in_category(const struct query *q, const struct category *c)
{
	return q->kind == c->kind && (q->kind == BY_GAI || q->hit == c->hit);
}

/* One pass over a category; returns the number of operations. */
static size_t run_pass(const struct category *c)
{
	size_t ops = 0;
	for (size_t i = 0; i < queries.count; i++) {
		const struct query *q = &queries.items[i];
		if (!in_category(q, c))
			continue;
		if (q->kind == BY_GAI) {
			struct addrinfo *res = NULL;
			if (getaddrinfo(NULL, q->key, NULL, &res) == 0)
				freeaddrinfo(res);
		} else {
			struct servent s;
			libc_lookup(q, &s);
		}
		ops++;
	}
	return ops;
}

/* The fastest of BATCHES batches, each of whole passes until its share
 * of min_ms has gone by: ns per operation.  Other load on the machine can
 * only add time, so the fastest batch is the least disturbed one. */
#define BATCHES 5

static double time_category(const struct category *c, double min_ms)
{
	double best = 0.0;
	run_pass(c); /* warm: the first call of a process is measured apart */
	for (int batch = 0; batch < BATCHES; batch++) {
		size_t ops = 0;
		uint64_t start = now_ns(), elapsed;
		do {
			ops += run_pass(c);
			elapsed = now_ns() - start;
		} while (elapsed < min_ms * 1e6 / BATCHES);
		double per_op = ops ? (double)elapsed / (double)ops : 0.0;
		if (batch == 0 || per_op < best)
			best = per_op;
	}
	return best;
}

static int time_libc(double min_ms)
{
	for (size_t i = 0; i < sizeof categories / sizeof categories[0]; i++)
		printf("%s %.1f\n", categories[i].metric,
		       time_category(&categories[i], min_ms));
	return 0;
}

/* ---- walk, first lookup, processes, RSS --------------------------------- */

static size_t walk_once(void)
{
	struct servent s, *found;
	size_t count = 0;
	setservent(0);
	while (getservent_r(&s, answer_buffer, sizeof answer_buffer, &found) == 0 && found)
		count++;
	endservent();
	return count;
}

static int time_walk(double min_ms)
{
	size_t count = walk_once();
	double best = 0.0;
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
	printf("walk.entries %zu\nwalk %.1f\n", count, best);
	return 0;
}

static int time_first(const char *name, const char *proto)
{
	struct servent s, *found = NULL;
	long faults = page_faults();
	uint64_t start = now_ns();
	getservbyname_r(name, proto, &s, answer_buffer, sizeof answer_buffer, &found);
	uint64_t elapsed = now_ns() - start;
	faults = page_faults() - faults;
	if (!found)
		die("the first lookup found nothing");
	printf("first %llu\nfirst.faults %ld\n", (unsigned long long)elapsed, faults);
	return 0;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static uint64_t run_program(char **argv)
{
	uint64_t start = now_ns();
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout))
			_exit(126);
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		die("a timed program failed");
	return now_ns() - start;
}

static int time_spawn(int runs, char **argv)
{
	uint64_t times[1024];
	if (runs < 1 || runs > 1024)
		die("spawn: 1..1024 runs");
	for (int i = 0; i < runs; i++)
		times[i] = run_program(argv);
	qsort(times, (size_t)runs, sizeof times[0], compare_u64);
	printf("spawn %llu\n", (unsigned long long)times[runs / 2]);
	return 0;
}

static long peak_rss_kib(void)
{
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	long kib = -1;
	while (fp && fgets(line, sizeof line, fp))
		if (sscanf(line, "VmHWM: %ld kB", &kib) == 1)
			break;
	if (fp)
		fclose(fp);
	return kib;
}

static int measure_rss(long lookups)
{
	struct servent s;
	size_t done = 0;
	for (long i = 0; i < lookups; done++) {
		const struct query *q = &queries.items[done % queries.count];
		if (q->kind == BY_GAI)
			continue;
		libc_lookup(q, &s);
		i++;
	}
	printf("rss %ld\n", peak_rss_kib());
	return 0;
}

/* ---- the module called directly ----------------------------------------- */

struct module {
	byname_fn byname;
	byport_fn byport;
};

static struct servent *direct_lookup(const struct module *m, const struct query *q,
				     struct servent *s)
{
	int err;
	enum nss_status st;
	if (q->kind == BY_NAME)
		st = m->byname(q->key, proto_or_null(q), s, answer_buffer,
			       sizeof answer_buffer, &err);
	else
		st = m->byport(htons((uint16_t)q->port), proto_or_null(q), s,
			       answer_buffer, sizeof answer_buffer, &err);
	return st == NSS_STATUS_SUCCESS ? s : NULL;
}

static void load_module(const char *lib, const char *prefix, struct module *m)
{
	void *handle = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
	char symbol[128];
	if (!handle)
		die(dlerror());
	snprintf(symbol, sizeof symbol, "_nss_%s_getservbyname_r", prefix);
	m->byname = (byname_fn)dlsym(handle, symbol);
	snprintf(symbol, sizeof symbol, "_nss_%s_getservbyport_r", prefix);
	m->byport = (byport_fn)dlsym(handle, symbol);
	if (!m->byname || !m->byport)
		die("the module lacks an entry point");
}

static double time_direct(const struct module *m, const struct category *c,
			  double min_ms)
{
	struct servent s;
	double best = 0.0;
	for (int batch = 0; batch < BATCHES; batch++) {
		size_t ops = 0;
		uint64_t start = now_ns(), elapsed;
		do {
			for (size_t i = 0; i < queries.count; i++)
				if (in_category(&queries.items[i], c)) {
					direct_lookup(m, &queries.items[i], &s);
					ops++;
				}
			elapsed = now_ns() - start;
		} while (elapsed < min_ms * 1e6 / BATCHES);
		double per_op = ops ? (double)elapsed / (double)ops : 0.0;
		if (batch == 0 || per_op < best)
			best = per_op;
	}
	return best;
}

static int run_direct(const char *lib, const char *prefix, double min_ms,
		      bool verify)
{
	struct module m;
	struct servent s;
	size_t wrong = 0;
	load_module(lib, prefix, &m);
	for (size_t i = 0; verify && i < queries.count; i++)
		if (queries.items[i].kind != BY_GAI &&
		    !check_answer(&queries.items[i], direct_lookup(&m, &queries.items[i], &s)))
			wrong++;
	if (wrong) {
		printf("direct.wrong %zu\n", wrong);
		return 1;
	}
	for (size_t i = 0; i < 4; i++) {
		time_direct(&m, &categories[i], min_ms / 4); /* warm the caches */
		printf("direct.%s %.1f\n", categories[i].metric,
		       time_direct(&m, &categories[i], min_ms));
	}
	return 0;
}

/* What the module does on its first lookup before it can search: the same
 * reader code, timed on its own, so the bench can tell that cost apart. */
static int time_validate(const char *path)
{
	struct snapshot_map map;
	struct snapshot snap;
	uint64_t start = now_ns();
	if (snapshot_map_file(path, &map) != 0)
		die("cannot map the snapshot");
	uint64_t mapped = now_ns();
	long faults = page_faults();
	if (snapshot_parse(&snap, map.addr, map.size) != NULL)
		die("the snapshot does not validate");
	uint64_t end = now_ns();
	faults = page_faults() - faults;
	printf("map %llu\nvalidate %llu\nvalidate.faults %ld\n",
	       (unsigned long long)(mapped - start),
	       (unsigned long long)(end - mapped), faults);
	snapshot_unmap(&map);
	return 0;
}

/* ---- resident snapshot after one lookup --------------------------------- */

/* KiB resident, summed over this process's mappings of `path`. */
static long resident_kib(const char *path)
{
	FILE *fp = fopen("/proc/self/smaps", "r");
	char line[PATH_MAX + 256];
	unsigned long start, end;
	long total = 0, kib;
	bool ours = false;
	size_t length = strlen(path);
	if (!fp)
		die("cannot read /proc/self/smaps");
	while (fgets(line, sizeof line, fp)) {
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2) {
			size_t n = strlen(line);
			ours = n >= length && strcmp(line + n - length, path) == 0;
		} else if (ours && sscanf(line, "Rss: %ld kB", &kib) == 1) {
			total += kib;
		}
	}
	fclose(fp);
	return total;
}

/* Drops the page cache of `path`, so that the lookup's own faults decide
 * what is cached, and in which page sizes: a file the tool has just
 * written sits in the cache in large folios, and a fault maps the whole
 * folio around the page it needs. */
static void drop_page_cache(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0)
		die("cannot drop the snapshot's page cache");
	close(fd);
}

static int measure_resident(const char *kind, const char *key, const char *proto,
			    bool cold)
{
	char path[PATH_MAX];
	const char *db = getenv("NSS_IANA_DB");
	struct servent s;
	struct query q = { .kind = strcmp(kind, "port") ? BY_NAME : BY_PORT };
	snprintf(q.key, sizeof q.key, "%s", key);
	snprintf(q.proto, sizeof q.proto, "%s", strcmp(proto, "-") ? proto : "");
	q.port = atoi(key);
	if (!db || !realpath(db, path))
		die("NSS_IANA_DB is not a file");
	if (cold)
		drop_page_cache(path);
	if (!libc_lookup(&q, &s))
		die("the lookup found nothing");
	printf("resident.%s%s %ld\n", q.kind == BY_NAME ? "byname" : "byport",
	       cold ? ".cold" : "", resident_kib(path));
	return 0;
}

/* ---- aggregate throughput of N threads ---------------------------------- */

/* One per thread, each on its own cache line: the threads write their
 * results here, and two results sharing a line would make the threads
 * wait on each other in the harness instead of in the module. */
struct thread_run {
	const struct module *module; /* NULL: through libc */
	double seconds;
	pthread_barrier_t *start;
	size_t ops;
	double elapsed_ns;
} __attribute__((aligned(64)));

static enum nss_status thread_lookup(const struct thread_run *run,
				     const struct query *q, struct servent *s,
				     char *buffer, size_t size)
{
	struct servent *found = NULL;
	int err;
	if (run->module && q->kind == BY_NAME)
		return run->module->byname(q->key, proto_or_null(q), s, buffer, size, &err);
	if (run->module)
		return run->module->byport(htons((uint16_t)q->port), proto_or_null(q),
					   s, buffer, size, &err);
	if (q->kind == BY_NAME)
		getservbyname_r(q->key, proto_or_null(q), s, buffer, size, &found);
	else
		getservbyport_r(htons((uint16_t)q->port), proto_or_null(q), s,
				buffer, size, &found);
	return found ? NSS_STATUS_SUCCESS : NSS_STATUS_NOTFOUND;
}

/* Passes over the hits by name and by port, each thread with its own
 * buffer, until its time is up. */
static void *thread_main(void *arg)
{
	struct thread_run *run = arg;
	char buffer[ANSWER_BUFFER];
	struct servent s;
	size_t ops = 0; /* counted here, not in *run: see struct thread_run */
	pthread_barrier_wait(run->start);
	uint64_t start = now_ns(), limit = (uint64_t)(run->seconds * 1e9), elapsed;
	do {
		for (size_t i = 0; i < queries.count; i++) {
			const struct query *q = &queries.items[i];
			if (q->kind == BY_GAI || !q->hit)
				continue;
			thread_lookup(run, q, &s, buffer, sizeof buffer);
			ops++;
		}
		elapsed = now_ns() - start;
	} while (elapsed < limit);
	run->ops = ops;
	run->elapsed_ns = (double)elapsed;
	return NULL;
}

/* Lookups per second of `count` threads together, in one batch. */
static double threads_batch(const struct module *m, int count, double seconds)
{
	pthread_t ids[256];
	struct thread_run runs[256];
	pthread_barrier_t start;
	double per_second = 0;
	pthread_barrier_init(&start, NULL, (unsigned)count);
	for (int i = 0; i < count; i++) {
		runs[i] = (struct thread_run){ m, seconds, &start, 0, 0 };
		if (pthread_create(&ids[i], NULL, thread_main, &runs[i]) != 0)
			die("pthread_create");
	}
	for (int i = 0; i < count; i++) {
		pthread_join(ids[i], NULL);
		per_second += runs[i].ops / (runs[i].elapsed_ns / 1e9);
	}
	pthread_barrier_destroy(&start);
	return per_second;
}

static int time_threads(int count, double min_ms, char **how)
{
	struct module m;
	bool direct = strcmp(how[0], "direct") == 0;
	if (count < 1 || count > 256)
		die("threads: 1..256");
	if (direct)
		load_module(how[1], how[2], &m);
	threads_batch(direct ? &m : NULL, count, min_ms / 4e3); /* warm */
	double best = 0;
	for (int batch = 0; batch < BATCHES; batch++) {
		double got = threads_batch(direct ? &m : NULL, count,
					   min_ms / 1e3 / BATCHES);
		if (got > best)
			best = got; /* load from elsewhere only ever slows it */
	}
	printf("threads.%s.%d %.0f\n", direct ? "direct" : "libc", count, best);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		die("usage: see the comment at the top of lookup.c");
	const char *mode = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "verify") && argc == 3)
		return load_queries(argv[2]), verify_libc();
	if (!strcmp(mode, "time") && argc == 4)
		return load_queries(argv[2]), time_libc(atof(argv[3]));
	if (!strcmp(mode, "walk") && argc == 3)
		return time_walk(atof(argv[2]));
	if (!strcmp(mode, "first") && argc == 4)
		return time_first(argv[2], strcmp(argv[3], "-") ? argv[3] : NULL);
	if (!strcmp(mode, "spawn") && argc >= 4)
		return time_spawn(atoi(argv[2]), argv + 3);
	if (!strcmp(mode, "rss") && argc == 4)
		return load_queries(argv[2]), measure_rss(atol(argv[3]));
	if (!strcmp(mode, "direct") && (argc == 6 || argc == 7))
		return load_queries(argv[4]),
		       run_direct(argv[2], argv[3], atof(argv[5]), argc == 6);
	if (!strcmp(mode, "validate") && argc == 3)
		return time_validate(argv[2]);
	if (!strcmp(mode, "resident") && (argc == 5 || (argc == 6 && !strcmp(argv[5], "cold"))))
		return measure_resident(argv[2], argv[3], argv[4], argc == 6);
	if (!strcmp(mode, "threads") && (argc == 6 || argc == 8) &&
	    (argc == 6) == !strcmp(argv[5], "libc"))
		return load_queries(argv[3]),
		       time_threads(atoi(argv[2]), atof(argv[4]), argv + 5);
	die("unknown mode or wrong arguments");
	return 2;
}
