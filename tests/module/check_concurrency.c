/*
 * check_concurrency.c - the built module under load while its snapshot is
 * replaced by rename, over and over.
 *
 * Two registries (tests/fixtures/robust_registry_{a,b}.csv) name the same
 * services svcN differently: in A, svcN is port 10000+N with alias svcN-a;
 * in B, port 20000+N with alias svcN-b.  So an answer mixing the two (an A
 * port with a B alias, say) is visible, and so is an answer from neither.
 *
 * Eight threads ask by name and by port, hits and misses; one thread walks
 * getservent again and again; one thread renames A and B over the snapshot
 * alternately, SWAPS times.  Every answer must be right in A or in B, and
 * none may be UNAVAIL (a rename is never a moment without a file).  Then,
 * after the last swap, answers must come from the last snapshot within a
 * second.  The figures are printed for the note.
 *
 * Threads never call ck_assert (Check is not thread-safe): they count, and
 * the main thread asserts on the counts.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "testlib.h"
#include "check_main.h"

#define SERVICES 200
#define READERS 8
#define SWAPS 1000
#define SWAP_PAUSE_NS 3000000L /* 3 ms: the swaps span several re-checks */

enum registry_id { REG_A, REG_B, REG_NONE };

static char db_path[PATH_MAX], temp_db[PATH_MAX];
static unsigned char *image[2];
static size_t image_size[2];
static struct module mod;

static atomic_bool stop;
static atomic_ulong lookups, walks, walked, wrong, unavailable, changes_seen;
static pthread_mutex_t why_lock = PTHREAD_MUTEX_INITIALIZER;
static char first_wrong[256];

static void report_wrong(const char *format, long a, long b)
{
	if (atomic_fetch_add(&wrong, 1) == 0) {
		pthread_mutex_lock(&why_lock);
		snprintf(first_wrong, sizeof first_wrong, format, a, b);
		pthread_mutex_unlock(&why_lock);
	}
}

/* ---- what each registry says, from the way the fixtures are made ------- */

static unsigned port_of(enum registry_id reg, int n)
{
	return (reg == REG_A ? 10000 : 20000) + n;
}

/* Which registry `result` is svcN of, or REG_NONE if it is neither's. */
static enum registry_id whose_answer(const struct servent *result, int n)
{
	char name[32], alias[32];
	snprintf(name, sizeof name, "svc%d", n);
	if (strcmp(result->s_name, name) != 0 || strcmp(result->s_proto, "tcp") != 0)
		return REG_NONE;
	for (enum registry_id reg = REG_A; reg <= REG_B; reg++) {
		snprintf(alias, sizeof alias, "svc%d-%c", n, reg == REG_A ? 'a' : 'b');
		if (ntohs(result->s_port) == port_of(reg, n) &&
		    result->s_aliases[0] && strcmp(result->s_aliases[0], alias) == 0 &&
		    result->s_aliases[1] == NULL)
			return reg;
	}
	return REG_NONE;
}

/* The service number of an answer's name, or -1. */
static int service_number(const char *name)
{
	int n, used = 0;
	if (sscanf(name, "svc%d%n", &n, &used) != 1 || name[used] != '\0' ||
	    n < 0 || n >= SERVICES)
		return -1;
	return n;
}

/* ---- readers ------------------------------------------------------------ */

static uint64_t next_random(uint64_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 7;
	*state ^= *state << 17;
	return *state;
}

struct asked {
	enum nss_status status;
	struct servent result;
	/* What each registry would say: a registry, REG_NONE for "not found". */
	enum registry_id hit_in; /* REG_NONE: found in both (svcN by name) */
	bool miss_in_both;
	int n;
};

/* One random question; returns what was asked and answered. */
static void ask(uint64_t *random, char *buffer, size_t buflen, struct asked *q)
{
	uint64_t r = next_random(random);
	int n = (int)(r % SERVICES), kind = (int)(r >> 32) % 6, error;
	char name[32];
	const char *proto = (r >> 16) & 1 ? "tcp" : NULL;

	q->n = n;
	q->hit_in = REG_NONE;
	q->miss_in_both = false;
	switch (kind) {
	case 0: /* svcN: both have it, with different ports and aliases */
	case 1:
		snprintf(name, sizeof name, "svc%d", n);
		q->status = mod.getservbyname_r(name, proto, &q->result, buffer,
						buflen, &error);
		return;
	case 2: /* svcN-a or svcN-b: an alias in one registry only */
		q->hit_in = (r >> 40) & 1 ? REG_B : REG_A;
		snprintf(name, sizeof name, "svc%d-%c", n, q->hit_in == REG_A ? 'a' : 'b');
		q->status = mod.getservbyname_r(name, proto, &q->result, buffer,
						buflen, &error);
		return;
	case 3: /* a port of one registry only */
		q->hit_in = (r >> 40) & 1 ? REG_B : REG_A;
		q->status = mod.getservbyport_r(htons(port_of(q->hit_in, n)), proto,
						&q->result, buffer, buflen, &error);
		return;
	case 4: /* misses: a name and a port neither has, a protocol neither has */
		q->miss_in_both = true;
		snprintf(name, sizeof name, "nope%d", n);
		q->status = mod.getservbyname_r(name, proto, &q->result, buffer,
						buflen, &error);
		return;
	default:
		q->miss_in_both = true;
		q->status = (r >> 40) & 1 ?
			mod.getservbyport_r(htons(30000 + n), proto, &q->result,
					    buffer, buflen, &error) :
			mod.getservbyport_r(htons(port_of(REG_A, n)), "udp",
					    &q->result, buffer, buflen, &error);
		return;
	}
}

/* Checks one answer; returns the registry it shows, if it shows one. */
static enum registry_id judge(const struct asked *q)
{
	if (q->status == NSS_STATUS_UNAVAIL) {
		atomic_fetch_add(&unavailable, 1);
		return REG_NONE;
	}
	if (q->miss_in_both) {
		if (q->status != NSS_STATUS_NOTFOUND)
			report_wrong("a miss (service %ld) answered status %ld",
				     q->n, q->status);
		return REG_NONE;
	}
	if (q->status == NSS_STATUS_NOTFOUND) {
		/* Right only in the registry that lacks it. */
		if (q->hit_in == REG_NONE)
			report_wrong("svc%ld not found (status %ld)", q->n, q->status);
		return q->hit_in == REG_A ? REG_B : q->hit_in == REG_B ? REG_A : REG_NONE;
	}
	if (q->status != NSS_STATUS_SUCCESS) {
		report_wrong("service %ld: status %ld", q->n, q->status);
		return REG_NONE;
	}
	enum registry_id reg = whose_answer(&q->result, q->n);
	if (reg == REG_NONE || (q->hit_in != REG_NONE && reg != q->hit_in))
		report_wrong("service %ld: an answer from neither registry (port %ld)",
			     q->n, ntohs(q->result.s_port));
	return reg;
}

static void *reader(void *arg)
{
	uint64_t random = 0x9e3779b97f4a7c15u ^ (uintptr_t)arg;
	enum registry_id last = REG_NONE;
	char buffer[1024];
	unsigned long count = 0;

	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		struct asked q;
		ask(&random, buffer, sizeof buffer, &q);
		enum registry_id reg = judge(&q);
		if (reg != REG_NONE && last != REG_NONE && reg != last)
			atomic_fetch_add(&changes_seen, 1);
		if (reg != REG_NONE)
			last = reg;
		count++;
	}
	atomic_fetch_add(&lookups, count);
	return NULL;
}

/* getservent from start to end, each answer svcN of A or of B. */
static void *walker(void *arg)
{
	char buffer[1024];
	struct servent result;
	int error;
	(void)arg;

	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		mod.setservent(0);
		enum nss_status status;
		while ((status = mod.getservent_r(&result, buffer, sizeof buffer,
						  &error)) == NSS_STATUS_SUCCESS) {
			int n = service_number(result.s_name);
			if (n < 0 || whose_answer(&result, n) == REG_NONE)
				report_wrong("getservent: svc%ld, port %ld from neither",
					     n, ntohs(result.s_port));
			atomic_fetch_add(&walked, 1);
		}
		if (status == NSS_STATUS_UNAVAIL)
			atomic_fetch_add(&unavailable, 1);
		else if (status != NSS_STATUS_NOTFOUND)
			report_wrong("getservent ended with status %ld (%ld)", status, 0);
		mod.endservent();
		atomic_fetch_add(&walks, 1);
	}
	return NULL;
}

/* ---- the swapper ----------------------------------------------------- */

/* Puts registry `reg` at db_path the way the tool does: a complete file
 * renamed over the old one.  (No fsync: durability is not the question.) */
static int install(enum registry_id reg)
{
	int fd = open(temp_db, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return errno;
	ssize_t written = write(fd, image[reg], image_size[reg]);
	int error = written == (ssize_t)image_size[reg] ? 0 : EIO;
	if (close(fd) != 0 && !error)
		error = errno;
	if (!error && rename(temp_db, db_path) != 0)
		error = errno;
	return error;
}

static void pause_ns(long ns)
{
	struct timespec pause = { ns / 1000000000L, ns % 1000000000L };
	nanosleep(&pause, NULL);
}

static atomic_int swap_error;
static atomic_int swaps_done;

/* Swap k installs B when k is odd, A when even: the last (SWAPS, even)
 * installs A.  The one before is held for longer than the module's
 * re-check interval, so the readers are surely on B when the last comes. */
static void *swapper(void *arg)
{
	(void)arg;
	for (int k = 1; k < SWAPS; k++) {
		int error = install(k % 2 ? REG_B : REG_A);
		if (error) {
			atomic_store(&swap_error, error);
			return NULL;
		}
		atomic_store(&swaps_done, k);
		pause_ns(SWAP_PAUSE_NS);
	}
	return NULL;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The registry the module answers svc7 from, asked from this thread. */
static enum registry_id answering_registry(void)
{
	char buffer[1024];
	struct servent result;
	int error;
	if (mod.getservbyname_r("svc7", "tcp", &result, buffer, sizeof buffer,
				&error) != NSS_STATUS_SUCCESS)
		return REG_NONE;
	return whose_answer(&result, 7);
}

static enum registry_id wait_for_registry(enum registry_id want, double limit,
					  double *took)
{
	struct timespec start;
	enum registry_id seen;
	clock_gettime(CLOCK_MONOTONIC, &start);
	do
		seen = answering_registry();
	while (seen != want && seconds_since(&start) < limit);
	*took = seconds_since(&start);
	return seen;
}

static void read_image(const char *csv, enum registry_id reg)
{
	char path[PATH_MAX];
	temp_path(path, sizeof path, reg == REG_A ? "a.db" : "b.db");
	compile_fixture(csv, path);
	FILE *file = fopen(path, "rb");
	ck_assert_ptr_nonnull(file);
	image[reg] = malloc(1 << 20);
	image_size[reg] = fread(image[reg], 1, 1 << 20, file);
	ck_assert_uint_gt(image_size[reg], 0);
	fclose(file);
	unlink(path);
}

static void setup(void)
{
	temp_path(db_path, sizeof db_path, "swap.db");
	temp_path(temp_db, sizeof temp_db, "swap.db.next");
	read_image("tests/fixtures/robust_registry_a.csv", REG_A);
	read_image("tests/fixtures/robust_registry_b.csv", REG_B);
	ck_assert_int_eq(install(REG_A), 0);
	setenv("NSS_IANA_DB", db_path, 1);
	mod = load_module();
}

static void teardown(void)
{
	unlink(db_path);
	unlink(temp_db);
	free(image[REG_A]);
	free(image[REG_B]);
}

START_TEST(lookups_during_a_thousand_swaps_are_never_wrong)
{
	pthread_t readers[READERS], walk_thread, swap_thread;
	double took;

	ck_assert_int_eq(answering_registry(), REG_A);
	for (uintptr_t i = 0; i < READERS; i++)
		ck_assert_int_eq(pthread_create(&readers[i], NULL, reader, (void *)i), 0);
	ck_assert_int_eq(pthread_create(&walk_thread, NULL, walker, NULL), 0);
	ck_assert_int_eq(pthread_create(&swap_thread, NULL, swapper, NULL), 0);
	pthread_join(swap_thread, NULL);
	ck_assert_int_eq(atomic_load(&swap_error), 0);

	/* Swap SWAPS - 1 put B in place: see it served, then the last swap. */
	ck_assert_int_eq(wait_for_registry(REG_B, 5, &took), REG_B);
	ck_assert_int_eq(install(REG_A), 0);
	atomic_store(&swaps_done, SWAPS);
	enum registry_id last = wait_for_registry(REG_A, 5, &took);

	atomic_store(&stop, true);
	for (int i = 0; i < READERS; i++)
		pthread_join(readers[i], NULL);
	pthread_join(walk_thread, NULL);

	printf("concurrency: %lu lookups by %d threads, %lu getservent walks "
	       "(%lu entries), %d swaps, %lu registry changes seen by readers, "
	       "last swap served after %.3f s\n",
	       atomic_load(&lookups), READERS, atomic_load(&walks),
	       atomic_load(&walked), atomic_load(&swaps_done),
	       atomic_load(&changes_seen), took);
	ck_assert_msg(atomic_load(&wrong) == 0, "%lu wrong answers; first: %s",
		      atomic_load(&wrong), first_wrong);
	ck_assert_uint_eq(atomic_load(&unavailable), 0);
	ck_assert_int_eq(atomic_load(&swaps_done), SWAPS);
	ck_assert_int_eq(last, REG_A);
	ck_assert_msg(took <= 1.0, "the last swap was served after %.2f s", took);
	ck_assert_uint_gt(atomic_load(&lookups), 0);
	ck_assert_uint_gt(atomic_load(&walks), 0);
}
END_TEST

static Suite *concurrency_suite(void)
{
	Suite *suite = suite_create("concurrency");
	TCase *load = tcase_create("swaps under load");
	tcase_add_checked_fixture(load, setup, teardown);
	tcase_set_timeout(load, 300);
	tcase_add_test(load, lookups_during_a_thousand_swaps_are_never_wrong);
	suite_add_tcase(suite, load);
	return suite;
}

CHECK_MAIN(concurrency_suite)
