/*
 * check_lifecycle.c - what the module holds, and for how long.
 *
 * - dlclose releases everything: 1,000 dlopen/lookup/walk/dlclose cycles
 *   leave no mapping of the snapshot and no descriptor, and fork() still
 *   works after (no atfork handler left pointing into unmapped code).
 * - A getservent walk stays on the snapshot setservent() found, to its
 *   end, even when the file is replaced midway; the old mapping goes once
 *   the walk ends.  A walk whose file is rewritten in place stops with
 *   UNAVAIL instead of reading past the file's new end.
 * - The format's limits at the entry points, on hand-made snapshots
 *   (tests/lib/handmade.h): an answer past NSSIANA_MAX_ANSWER_BYTES is
 *   UNAVAIL whatever the buffer, a walk stops at NSSIANA_MAX_SERVENTS, a
 *   crowded bucket or an entry with too many aliases is UNAVAIL, and a
 *   file past NSSIANA_MAX_FILE_SIZE is never mapped.
 * - A process pays for what it reads: after one lookup by name, or one by
 *   port, in the full registry ($CSV), at most 64 KiB of the snapshot is
 *   resident in the process (Rss of its mapping in /proc/self/smaps).
 *   Measured on a cold page cache (the test evicts its own file), where
 *   the mapping's MADV_RANDOM is what keeps the kernel from reading ahead
 *   and then mapping the neighbours in on each fault.
 *   A lookup of services reads none of the pages that hold only the
 *   protocols sections: the module finds those at the first protocols call.
 * - A walk on that cold page cache is not read one page per fault, as
 *   MADV_RANDOM alone would have it (171 waits for the disk in the full
 *   registry): the walk asks for the whole file up front.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "handmade.h"
#include "semantics_walk.h"
#include "testlib.h"
#include "check_main.h"

#define FIXTURE "tests/fixtures/semantics.csv"
#define RSS_LIMIT_KIB 64
/* Waits for the disk a walk of the full registry may make from a cold
 * page cache: a few for the read-ahead, not one per page (218). */
#define WALK_MAJOR_FAULTS_LIMIT 32

static char db_path[PATH_MAX];
static struct module mod;

static void setup(void)
{
	temp_path(db_path, sizeof db_path, "lifecycle.db");
	compile_fixture(FIXTURE, db_path);
	setenv("NSS_IANA_DB", db_path, 1);
	mod = load_module();
	alarm(600); /* a hang fails the test */
}

static void teardown(void)
{
	alarm(0);
	unlink(db_path);
}

static void pause_ms(long ms)
{
	struct timespec pause = { ms / 1000, ms % 1000 * 1000000L };
	nanosleep(&pause, NULL);
}

static void write_bytes(const char *path, const void *data, size_t size)
{
	char temp[PATH_MAX + 8];
	snprintf(temp, sizeof temp, "%s.new", path);
	int fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, size), (ssize_t)size);
	ck_assert_int_eq(close(fd), 0);
	ck_assert_int_eq(rename(temp, path), 0); /* a new inode each time */
}

/* ---- dlclose -------------------------------------------------------------- */

static void *lookup_in_thread(void *arg)
{
	struct module *m = arg;
	char buffer[1024];
	struct servent result;
	int error;
	m->getservbyname_r("http", "tcp", &result, buffer, sizeof buffer, &error);
	return NULL;
}

START_TEST(a_thousand_dlopen_dlclose_cycles_leak_nothing)
{
	char path[PATH_MAX];
	const char *build = getenv("BUILD");
	snprintf(path, sizeof path, "%s/libnss_iana.so.2", build ? build : "build");
	dlclose(mod.handle); /* setup's handle: from here on each cycle unloads */
	int fds = open_fds();

	for (int cycle = 0; cycle < 1000; cycle++) {
		struct module m = load_module();
		char buffer[1024];
		struct servent result;
		int error;
		ck_assert_int_eq(m.getservbyname_r("http", "tcp", &result, buffer,
						   sizeof buffer, &error),
				 NSS_STATUS_SUCCESS);
		/* A walk left open holds its own reference. */
		ck_assert_int_eq(m.setservent(0), NSS_STATUS_SUCCESS);
		ck_assert_int_eq(m.getservent_r(&result, buffer, sizeof buffer, &error),
				 NSS_STATUS_SUCCESS);
		if (cycle % 100 == 0) { /* a thread's pin, released at its exit */
			pthread_t thread;
			ck_assert_int_eq(pthread_create(&thread, NULL, lookup_in_thread, &m), 0);
			pthread_join(thread, NULL);
		}
		ck_assert_int_eq(mappings_of(db_path), 1);
		ck_assert_int_eq(dlclose(m.handle), 0);
		ck_assert_msg(dlopen(path, RTLD_NOW | RTLD_NOLOAD) == NULL,
			      "cycle %d: the module stayed loaded", cycle);
		ck_assert_int_eq(mappings_of(db_path), 0);
	}
	ck_assert_int_eq(open_fds(), fds);
	/* No atfork handler of an unloaded copy is left behind. */
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	int status;
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}
END_TEST

/* ---- the walk ------------------------------------------------------------- */

START_TEST(a_walk_stays_on_the_snapshot_it_started_on)
{
	char buffer[1024], csv[PATH_MAX], next_db[PATH_MAX];
	size_t entries = SEMANTICS_WALK_ENTRIES;
	unsigned walked = 0, expected = 0;

	ck_assert_int_eq(mod.setservent(0), NSS_STATUS_SUCCESS);
	for (size_t e = 0; e < entries; e++) {
		for (unsigned p = 0; p < semantics_walk[e].ports; p++) {
			expected++;
			if (e == entries / 2 && p == 0) {
				/* Midway: a new registry replaces the file and is
				 * seen by lookups, while the walk goes on. */
				temp_path(csv, sizeof csv, "walk-next.csv");
				temp_path(next_db, sizeof next_db, "walk-next.db");
				FILE *file = fopen(csv, "w");
				fputs("Service Name,Port Number,Transport Protocol\n"
				      "renamed,4242,tcp\n", file);
				fclose(file);
				compile_fixture(csv, next_db);
				ck_assert_int_eq(rename(next_db, db_path), 0);
				unlink(csv);
				for (int i = 0; i < 3000; i++) {
					if (call_by_name(&mod, "renamed", NULL, buffer, sizeof buffer).status ==
					    NSS_STATUS_SUCCESS)
						break;
					pause_ms(1);
				}
				ck_assert_int_eq(call_by_name(&mod, "renamed", NULL, buffer, sizeof buffer).status,
						 NSS_STATUS_SUCCESS);
				ck_assert_int_eq(mappings_of(db_path), 2);
			}
			struct call call = call_next_entry(&mod, buffer, sizeof buffer);
			ck_assert_int_eq(call.status, NSS_STATUS_SUCCESS);
			ck_assert_str_eq(call.result.s_name, semantics_walk[e].name);
			walked++;
		}
	}
	ck_assert_int_eq(call_next_entry(&mod, buffer, sizeof buffer).status, NSS_STATUS_NOTFOUND);
	ck_assert_uint_eq(walked, expected);
	/* The walk has ended: its reference to the old mapping is gone. */
	ck_assert_int_eq(mappings_of(db_path), 1);
	/* A new walk is on the new registry. */
	ck_assert_int_eq(mod.setservent(0), NSS_STATUS_SUCCESS);
	struct call call = call_next_entry(&mod, buffer, sizeof buffer);
	ck_assert_int_eq(call.status, NSS_STATUS_SUCCESS);
	ck_assert_str_eq(call.result.s_name, "renamed");
	mod.endservent();
}
END_TEST

/* ---- the format's limits, at the entry points ------------------------------ */

static void use_handmade(const struct handmade_entry *entries, uint32_t n,
			 uint32_t bucket_count)
{
	size_t size;
	unsigned char *data = handmade_snapshot(entries, n, bucket_count, &size);
	write_bytes(db_path, data, size);
	free(data);
}

START_TEST(an_answer_past_the_byte_limit_is_unavailable_whatever_the_buffer)
{
	/* 32 aliases of 150 bytes: about 5,100 bytes of answer.  16 of them:
	 * about 2,600, within the limit. */
	struct handmade_entry entries[] = {
		{ "big", 4001, 4001, 0, NSSIANA_MAX_ALIASES, NULL, 150 },
		{ "fits", 4002, 4002, 0, 16, NULL, 150 },
	};
	size_t sizes[] = { 0, 64, 1000, NSSIANA_MAX_ANSWER_BYTES - 1,
			   NSSIANA_MAX_ANSWER_BYTES, 1 << 16, 1 << 20 };
	char *buffer = malloc(1 << 20);
	use_handmade(entries, 2, 64);
	for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
		struct call call = call_by_name(&mod, "big", NULL, buffer, sizes[i]);
		ck_assert_msg(call.status == NSS_STATUS_UNAVAIL,
			      "big with %zu bytes: status %d", sizes[i], call.status);
		call = call_by_port(&mod, 4001, NULL, buffer, sizes[i]);
		ck_assert_int_eq(call.status, NSS_STATUS_UNAVAIL);
		call = call_by_name(&mod, "fits", NULL, buffer, sizes[i]);
		if (sizes[i] < 2600) { /* glibc retries with a larger buffer */
			ck_assert_int_eq(call.status, NSS_STATUS_TRYAGAIN);
			ck_assert_int_eq(call.error, ERANGE);
		} else {
			ck_assert_int_eq(call.status, NSS_STATUS_SUCCESS);
			ck_assert_str_eq(call.result.s_name, "fits");
			ck_assert_ptr_nonnull(call.result.s_aliases[15]);
			ck_assert_ptr_null(call.result.s_aliases[16]);
		}
	}
	/* A walk meets "big" first: UNAVAIL, not an endless ERANGE. */
	mod.setservent(0);
	ck_assert_int_eq(call_next_entry(&mod, buffer, 64).status, NSS_STATUS_UNAVAIL);
	mod.endservent();
	free(buffer);
}
END_TEST

START_TEST(a_walk_stops_at_the_servent_limit)
{
	/* Five entries of every port: 327,680 servents, past 262,144. */
	struct handmade_entry entries[5];
	char names[5][8];
	for (int i = 0; i < 5; i++) {
		snprintf(names[i], sizeof names[i], "all%d", i);
		entries[i] = (struct handmade_entry){ names[i], 0, 65535, 0, 0, NULL, 0 };
	}
	use_handmade(entries, 5, 64);
	char buffer[256];
	unsigned long served = 0;
	struct call call;
	ck_assert_int_eq(mod.setservent(0), NSS_STATUS_SUCCESS);
	while ((call = call_next_entry(&mod, buffer, sizeof buffer)).status == NSS_STATUS_SUCCESS)
		served++;
	ck_assert_uint_eq(served, NSSIANA_MAX_SERVENTS);
	ck_assert_int_eq(call.status, NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(call_next_entry(&mod, buffer, sizeof buffer).status, NSS_STATUS_UNAVAIL);
	mod.endservent();
	/* A lookup of one port is no walk: it answers. */
	call = call_by_port(&mod, 65535, NULL, buffer, sizeof buffer);
	ck_assert_int_eq(call.status, NSS_STATUS_SUCCESS);
	ck_assert_str_eq(call.result.s_name, "all0");
}
END_TEST

START_TEST(a_crowded_bucket_or_too_many_aliases_is_unavailable)
{
	uint32_t n = NSSIANA_MAX_BUCKET_ENTRIES + 1;
	struct handmade_entry *entries = calloc(n, sizeof *entries);
	char (*names)[16] = calloc(n, sizeof *names);
	char buffer[NSSIANA_MAX_ANSWER_BYTES];
	for (uint32_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof names[i], "svc%u", i);
		entries[i] = (struct handmade_entry){ names[i], (uint16_t)(100 + i),
						      (uint16_t)(100 + i), 0, 0, NULL, 0 };
	}
	use_handmade(entries, n, 1); /* one bucket holds them all */
	ck_assert_int_eq(call_by_name(&mod, "svc0", NULL, buffer, sizeof buffer).status, NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(call_by_port(&mod, 100, NULL, buffer, sizeof buffer).status, NSS_STATUS_UNAVAIL);
	pause_ms(3 * SNAPSHOT_RECHECK_MS);
	use_handmade(entries, n - 1, 1); /* at the limit: served */
	pause_ms(3 * SNAPSHOT_RECHECK_MS);
	ck_assert_int_eq(call_by_name(&mod, "svc63", NULL, buffer, sizeof buffer).status, NSS_STATUS_SUCCESS);

	struct handmade_entry many = { "many", 5000, 5000, 0, NSSIANA_MAX_ALIASES + 1, NULL, 0 };
	pause_ms(3 * SNAPSHOT_RECHECK_MS);
	use_handmade(&many, 1, 1);
	pause_ms(3 * SNAPSHOT_RECHECK_MS);
	ck_assert_int_eq(call_by_name(&mod, "a0-0", NULL, buffer, sizeof buffer).status, NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(call_by_port(&mod, 5000, NULL, buffer, sizeof buffer).status, NSS_STATUS_UNAVAIL);
	free(names);
	free(entries);
}
END_TEST

START_TEST(a_file_past_the_size_limit_is_never_mapped)
{
	char buffer[1024];
	/* The intact snapshot, made a sparse 3 GB file: no disk, and no cost
	 * to the process either. */
	ck_assert_int_eq(truncate(db_path, 3ll << 30), 0);
	ck_assert_int_eq(call_by_name(&mod, "http", NULL, buffer, sizeof buffer).status, NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(mappings_of(db_path), 0);
	ck_assert_int_eq(truncate(db_path, (off_t)NSSIANA_MAX_FILE_SIZE + 1), 0);
	pause_ms(3 * SNAPSHOT_RECHECK_MS);
	ck_assert_int_eq(call_by_port(&mod, 80, NULL, buffer, sizeof buffer).status, NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(mappings_of(db_path), 0);
}
END_TEST

/* ---- what one lookup costs in resident memory ------------------------------ */

/* Rss of every mapping of the snapshot, from /proc/self/smaps. */
static unsigned long snapshot_rss_kib(void)
{
	FILE *smaps = fopen("/proc/self/smaps", "r");
	char line[PATH_MAX + 256];
	bool ours = false;
	unsigned long kib = 0, value;
	ck_assert_ptr_nonnull(smaps);
	while (fgets(line, sizeof line, smaps)) {
		unsigned long start, end;
		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			ours = strstr(line, db_path) != NULL;
		else if (ours && sscanf(line, "Rss: %lu kB", &value) == 1)
			kib += value;
	}
	fclose(smaps);
	return kib;
}

/* The full registry, written as the compiler writes it: the writer drops
 * the new file from the page cache, so that what becomes resident is
 * what the lookup reads, not the large folios the write left behind. */
static void use_full_registry_cold(void)
{
	const char *csv = getenv("CSV");
	if (csv == NULL || *csv == '\0') /* tests/run.sh's default */
		csv = "../shared/iana/service-names-port-numbers.csv";
	compile_fixture(csv, db_path);
}

/* An open walk whose file is then rewritten in place, shorter (cp over
 * it): the walk's next step, 200 ms later, must not read the pages now
 * past the file's end (SIGBUS).  It answers UNAVAIL until setservent(),
 * which walks the new file. */
START_TEST(a_walk_stops_when_its_file_is_rewritten_in_place)
{
	char buffer[1024], small_db[PATH_MAX];

	use_full_registry_cold();
	ck_assert_int_eq(mod.setservent(0), NSS_STATUS_SUCCESS);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(call_next_entry(&mod, buffer, sizeof buffer).status,
				 NSS_STATUS_SUCCESS);
	temp_path(small_db, sizeof small_db, "in-place-small.db");
	compile_fixture(FIXTURE, small_db);
	FILE *from = fopen(small_db, "rb"), *to = fopen(db_path, "r+b");
	ck_assert(from && to);
	ck_assert_int_eq(ftruncate(fileno(to), 0), 0);
	size_t got;
	while ((got = fread(buffer, 1, sizeof buffer, from)) > 0)
		ck_assert_uint_eq(fwrite(buffer, 1, got, to), got);
	fclose(from);
	ck_assert_int_eq(fclose(to), 0);
	unlink(small_db);
	pause_ms(200);

	for (int i = 0; i < 1000; i++) {
		struct call call = call_next_entry(&mod, buffer, sizeof buffer);
		ck_assert_int_eq(call.status, NSS_STATUS_UNAVAIL);
	}
	ck_assert_int_eq(mod.setservent(0), NSS_STATUS_SUCCESS);
	struct call call = call_next_entry(&mod, buffer, sizeof buffer);
	ck_assert_int_eq(call.status, NSS_STATUS_SUCCESS);
	ck_assert_str_eq(call.result.s_name, semantics_walk[0].name);
	mod.endservent();
	ck_assert_int_eq(mappings_of(db_path), 1);
}
END_TEST

START_TEST(one_lookup_by_name_leaves_little_of_the_file_resident)
{
	char buffer[1024];
	use_full_registry_cold();
	struct call call = call_by_name(&mod, "https", NULL, buffer, sizeof buffer);
	ck_assert_int_eq(call.status, NSS_STATUS_SUCCESS);
	unsigned long kib = snapshot_rss_kib();
	printf("lifecycle: after one lookup by name, %lu KiB of the snapshot resident\n", kib);
	ck_assert_uint_gt(kib, 0);
	ck_assert_msg(kib <= RSS_LIMIT_KIB, "%lu KiB resident", kib);
}
END_TEST

START_TEST(one_lookup_by_port_leaves_little_of_the_file_resident)
{
	char buffer[1024];
	use_full_registry_cold();
	struct call call = call_by_port(&mod, 443, NULL, buffer, sizeof buffer);
	ck_assert_int_eq(call.status, NSS_STATUS_SUCCESS);
	ck_assert_str_eq(call.result.s_name, "https");
	unsigned long kib = snapshot_rss_kib();
	printf("lifecycle: after one lookup by port, %lu KiB of the snapshot resident\n", kib);
	ck_assert_uint_gt(kib, 0);
	ck_assert_msg(kib <= RSS_LIMIT_KIB, "%lu KiB resident", kib);
}
END_TEST

/* The full registries of services and protocols, as `make install`
 * compiles them, written as the compiler writes (dropped from the page
 * cache). */
static void use_full_registries_cold(void)
{
	const char *csv = getenv("CSV"), *protocols = getenv("PROTOCOLS_CSV");
	if (csv == NULL || *csv == '\0') /* tests/run.sh's defaults */
		csv = "../shared/iana/service-names-port-numbers.csv";
	if (protocols == NULL || *protocols == '\0')
		protocols = "../shared/iana/protocol-numbers-1.csv";
	compile_fixture_with(csv, &(struct compile_options){ .protocols = protocols },
			     db_path);
}

/* The pages [*first, *end) of the snapshot at `path` that hold protocols
 * sections and nothing else: they come last in the file, as the compiler
 * writes it (asserted). */
static void protocols_only_pages(const char *path, size_t *first, size_t *end)
{
	struct nssiana_header header;
	struct nssiana_section section;
	uint64_t proto_start = UINT64_MAX, others_end = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, &header, sizeof header, 0), sizeof header);
	for (uint32_t i = 0; i < header.section_count; i++) {
		ck_assert_int_eq(pread(fd, &section, sizeof section,
				       header.header_size + i * sizeof section),
				 sizeof section);
		uint64_t start = section.offset, stop = start + section.size;
		if (section.id >= NSSIANA_SECTION_PROTO_FIRST && start < proto_start)
			proto_start = start;
		if (section.id < NSSIANA_SECTION_PROTO_FIRST && stop > others_end)
			others_end = stop;
	}
	close(fd);
	ck_assert_msg(proto_start != UINT64_MAX && others_end <= proto_start,
		      "the protocols sections are not last in the file");
	*first = (proto_start + page - 1) / page;
	*end = (header.file_size + page - 1) / page;
}

START_TEST(a_services_lookup_reads_none_of_the_protocols_pages)
{
	char buffer[1024];
	size_t first, end, total;
	use_full_registries_cold();
	protocols_only_pages(db_path, &first, &end);
	ck_assert_uint_gt(end, first);

	ck_assert_int_eq(call_by_name(&mod, "https", NULL, buffer, sizeof buffer).status,
			 NSS_STATUS_SUCCESS);
	ck_assert_int_eq(call_by_port(&mod, 443, NULL, buffer, sizeof buffer).status,
			 NSS_STATUS_SUCCESS);
	size_t cached = cached_pages_in(db_path, first, end, &total);
	printf("lifecycle: after lookups of services, %zu of the %zu pages that hold "
	       "only protocols are cached\n", cached, end - first);
	ck_assert_uint_eq(cached, 0);

	/* A protocols lookup reads them: the check sees what a read does. */
	__typeof__(_nss_iana_getprotobyname_r) *by_name =
		dlsym(mod.handle, "_nss_iana_getprotobyname_r");
	struct protoent proto;
	int error;
	ck_assert_ptr_nonnull(by_name);
	ck_assert_int_eq(by_name("ipv6-icmp", &proto, buffer, sizeof buffer, &error),
			 NSS_STATUS_SUCCESS);
	ck_assert_int_eq(proto.p_proto, 58);
	ck_assert_uint_gt(cached_pages_in(db_path, first, end, &total), 0);
}
END_TEST

static long major_faults(void)
{
	struct rusage usage;
	ck_assert_int_eq(getrusage(RUSAGE_SELF, &usage), 0);
	return usage.ru_majflt;
}

START_TEST(a_walk_on_a_cold_page_cache_reads_the_file_ahead)
{
	char buffer[1024];
	size_t total, entries = 0;
	use_full_registry_cold();
	size_t cached = cached_pages(db_path, &total);
	ck_assert_msg(cached < total / 4, "%zu of %zu pages already cached: no cold "
		      "page cache to measure on (is $TMPDIR a tmpfs?)", cached, total);
	long before = major_faults();
	ck_assert_int_eq(mod.setservent(0), NSS_STATUS_SUCCESS);
	while (call_next_entry(&mod, buffer, sizeof buffer).status == NSS_STATUS_SUCCESS)
		entries++;
	ck_assert_int_eq(mod.endservent(), NSS_STATUS_SUCCESS);
	long waits = major_faults() - before;
	printf("lifecycle: a walk of %zu entries from a cold page cache "
	       "(%zu of %zu pages cached) waited for the disk %ld times\n",
	       entries, cached, total, waits);
	ck_assert_uint_gt(entries, 10000);
	ck_assert_msg(waits <= WALK_MAJOR_FAULTS_LIMIT, "%ld major faults", waits);
}
END_TEST

static Suite *lifecycle_suite(void)
{
	Suite *suite = suite_create("lifecycle");
	TCase *cases = tcase_create("lifecycle");
	tcase_add_checked_fixture(cases, setup, teardown);
	tcase_add_test(cases, a_thousand_dlopen_dlclose_cycles_leak_nothing);
	tcase_add_test(cases, a_walk_stays_on_the_snapshot_it_started_on);
	tcase_add_test(cases, a_walk_stops_when_its_file_is_rewritten_in_place);
	tcase_add_test(cases, an_answer_past_the_byte_limit_is_unavailable_whatever_the_buffer);
	tcase_add_test(cases, a_walk_stops_at_the_servent_limit);
	tcase_add_test(cases, a_crowded_bucket_or_too_many_aliases_is_unavailable);
	tcase_add_test(cases, a_file_past_the_size_limit_is_never_mapped);
	tcase_add_test(cases, one_lookup_by_name_leaves_little_of_the_file_resident);
	tcase_add_test(cases, one_lookup_by_port_leaves_little_of_the_file_resident);
	tcase_add_test(cases, a_services_lookup_reads_none_of_the_protocols_pages);
	tcase_add_test(cases, a_walk_on_a_cold_page_cache_reads_the_file_ahead);
	suite_add_tcase(suite, cases);
	return suite;
}

CHECK_MAIN(lifecycle_suite)
