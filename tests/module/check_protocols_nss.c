/*
 * check_protocols_nss.c - the five protocols entry points of the built
 * libnss_iana.so.2, called directly (dlopen) as glibc calls them, and on
 * damaged PROTO_* sections.
 *
 * The snapshot is compiled from tests/fixtures/cli_small.csv (services),
 * tests/fixtures/protocols_small.csv (the registry) and
 * tests/fixtures/protocols_prefer.protocols (the preference file); the
 * expected answers below are written from those fixtures by hand.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "testlib.h"
#include "check_main.h"

#define SERVICES "tests/fixtures/cli_small.csv"
#define PROTOCOLS "tests/fixtures/protocols_small.csv"
#define PREFER "tests/fixtures/protocols_prefer.protocols"
#define POISON 0xa5
#define SLACK 64

static char db_path[PATH_MAX];

static struct proto_module mod;

#include "count_allocations.h"

static void compile_to(const char *path, const char *protocols, const char *prefer)
{
	struct compile_options options = { .protocols = protocols,
					   .prefer_protocols = prefer };

	compile_fixture_with(SERVICES, &options, path);
}

static void setup(void)
{
	temp_path(db_path, sizeof db_path, "protocols.db");
	compile_to(db_path, PROTOCOLS, PREFER);
	setenv("NSS_IANA_DB", db_path, 1);
	mod = load_proto_module();
}

/* The damage cases: the file, but no module in the parent. */
static void damage_setup(void)
{
	temp_path(db_path, sizeof db_path, "protocols.db");
	compile_to(db_path, PROTOCOLS, PREFER);
	setenv("NSS_IANA_DB", db_path, 1);
}

static void teardown(void)
{
	unlink(db_path);
}

struct pcall {
	enum nss_status status;
	int error;
	struct protoent result;
};

static struct pcall by_name(const char *name, char *buffer, size_t buflen)
{
	struct pcall c = { .error = -1 };
	c.status = mod.byname(name, &c.result, buffer, buflen, &c.error);
	return c;
}

static struct pcall by_number(int number, char *buffer, size_t buflen)
{
	struct pcall c = { .error = -1 };
	c.status = mod.bynumber(number, &c.result, buffer, buflen, &c.error);
	return c;
}

static struct pcall next_entry(char *buffer, size_t buflen)
{
	struct pcall c = { .error = -1 };
	c.status = mod.getent(&c.result, buffer, buflen, &c.error);
	return c;
}

/* `aliases`: space-separated. */
static void assert_protoent(const struct pcall *c, const char *name, int number,
			    const char *aliases)
{
	char joined[256] = "";

	ck_assert_int_eq(c->status, NSS_STATUS_SUCCESS);
	ck_assert_str_eq(c->result.p_name, name);
	ck_assert_int_eq(c->result.p_proto, number);
	for (char **a = c->result.p_aliases; *a; a++) {
		if (a != c->result.p_aliases)
			strcat(joined, " ");
		strcat(joined, *a);
	}
	ck_assert_str_eq(joined, aliases);
}

START_TEST(by_name_and_number_in_answer_order)
{
	char b[1024];
	struct pcall c;

	c = by_name("ip", b, sizeof b);
	assert_protoent(&c, "ip", 0, "IP");
	c = by_number(0, b, sizeof b);
	assert_protoent(&c, "ip", 0, "IP");
	c = by_name("tcp", b, sizeof b);
	assert_protoent(&c, "tcp", 6, "TCP");
	c = by_name("TCP", b, sizeof b);
	assert_protoent(&c, "tcp", 6, "TCP");
	c = by_name("tCp", b, sizeof b);
	assert_protoent(&c, "tcp", 6, "TCP");
	c = by_number(6, b, sizeof b);
	assert_protoent(&c, "tcp", 6, "TCP");
	c = by_number(262, b, sizeof b);
	assert_protoent(&c, "mptcp", 262, "MPTCP");
	c = by_number(-1, b, sizeof b);      /* "neg -2": strtoul, clamped */
	assert_protoent(&c, "neg", -1, "");
	c = by_name("HUGE", b, sizeof b);
	assert_protoent(&c, "huge", -1, "HUGE");
	c = by_number(124, b, sizeof b);
	assert_protoent(&c, "isis", 124, "ISIS");
	c = by_name("ISIS-over-IPv4", b, sizeof b);
	assert_protoent(&c, "isis-over-ipv4", 124, "ISIS-over-IPv4");
	c = by_name("argus", b, sizeof b); /* exact wins over an earlier folded */
	assert_protoent(&c, "argus", 13, "ARGUS");
	c = by_name("aRGUS", b, sizeof b);
	assert_protoent(&c, "ArGuS", 400, "");
	c = by_number(138, b, sizeof b);
	assert_protoent(&c, "manet", 138, "");
	c = by_number(140, b, sizeof b);
	assert_protoent(&c, "shim6", 140, "Shim6");
	c = by_name("nope", b, sizeof b);
	ck_assert_int_eq(c.status, NSS_STATUS_NOTFOUND);
	c = by_number(61, b, sizeof b);
	ck_assert_int_eq(c.status, NSS_STATUS_NOTFOUND);
	c = by_number(200, b, sizeof b);
	ck_assert_int_eq(c.status, NSS_STATUS_NOTFOUND);
}
END_TEST

/* The walk: the preference file's lines, then the registry's rows. */
static const char *const walk_names[] = {
	"ip", "hopopt", "icmp", "ipv6-icmp", "isis", "mobility-header", "manet",
	"mptcp", "ArGuS", "plus", "neg", "huge", "comment", "crlf", "crlf2", "last",
	"hopopt", "icmp", "tcp", "argus", "tlsp", "ipv6-icmp", "isis-over-ipv4",
	"mobility-header", "manet", "shim6", "reserved",
};
#define WALK_LENGTH (sizeof walk_names / sizeof walk_names[0])

START_TEST(walk_lists_every_entry_once_in_order)
{
	char b[1024];

	ck_assert_int_eq(mod.setent(0), NSS_STATUS_SUCCESS);
	for (size_t i = 0; i < WALK_LENGTH; i++) {
		struct pcall c = next_entry(b, sizeof b);
		ck_assert_int_eq(c.status, NSS_STATUS_SUCCESS);
		ck_assert_str_eq(c.result.p_name, walk_names[i]);
	}
	ck_assert_int_eq(next_entry(b, sizeof b).status, NSS_STATUS_NOTFOUND);
	ck_assert_int_eq(next_entry(b, sizeof b).status, NSS_STATUS_NOTFOUND);
	mod.setent(1);
	ck_assert_str_eq(next_entry(b, sizeof b).result.p_name, "ip");
	ck_assert_int_eq(mod.endent(), NSS_STATUS_SUCCESS);
	/* getprotoent without setprotoent starts a walk. */
	ck_assert_str_eq(next_entry(b, sizeof b).result.p_name, "ip");
	/* The services walk is a walk of its own. */
	struct call s = call_next_entry(&mod.services, b, sizeof b);
	ck_assert_int_eq(s.status, NSS_STATUS_SUCCESS);
	ck_assert_str_eq(next_entry(b, sizeof b).result.p_name, "hopopt");
}
END_TEST

START_TEST(erange_does_not_move_the_cursor)
{
	char b[1024];

	mod.setent(0);
	for (int i = 0; i < 5; i++)
		next_entry(b, sizeof b);
	struct pcall c = next_entry(b, 8);
	ck_assert_int_eq(c.status, NSS_STATUS_TRYAGAIN);
	ck_assert_int_eq(c.error, ERANGE);
	c = next_entry(b, sizeof b);
	assert_protoent(&c, "mobility-header", 135, "Mobility-Header");
}
END_TEST

/* Every buffer size up to the first success, poisoned past buflen, at an
 * odd address too. */
static void sweep(struct pcall (*lookup)(char *, size_t), const char *name)
{
	for (size_t misalign = 0; misalign < 2; misalign++) {
		bool succeeded = false;
		for (size_t buflen = 0; buflen < 4096 && !succeeded; buflen++) {
			unsigned char *block = malloc(buflen + SLACK + misalign);
			char *buffer = (char *)block + misalign;
			memset(block, POISON, buflen + SLACK + misalign);
			struct pcall c = lookup(buffer, buflen);
			if (c.status == NSS_STATUS_SUCCESS) {
				succeeded = true;
				ck_assert_str_eq(c.result.p_name, name);
				/* Filled exactly: the last byte used is the
				 * last one given. */
				ck_assert_int_eq(buffer[buflen - 1], '\0');
			} else {
				ck_assert_int_eq(c.status, NSS_STATUS_TRYAGAIN);
				ck_assert_int_eq(c.error, ERANGE);
			}
			for (size_t i = buflen; i < buflen + SLACK; i++)
				ck_assert_msg((unsigned char)buffer[i] == POISON,
					      "byte %zu written with buflen %zu", i, buflen);
			free(block);
		}
		ck_assert_msg(succeeded, "no buffer size was enough");
	}
}

static struct pcall mobility(char *b, size_t n) { return by_name("mobility-header", b, n); }
static struct pcall number_262(char *b, size_t n) { return by_number(262, b, n); }
/* From the start each time: after its success the sweep tries again at an
 * odd address. */
static struct pcall first_entry(char *b, size_t n)
{
	mod.setent(0);
	return next_entry(b, n);
}

START_TEST(every_short_buffer_gives_erange_and_nothing_past_it_is_written)
{
	sweep(mobility, "mobility-header");
	sweep(number_262, "mptcp");
	sweep(first_entry, "ip");
}
END_TEST

START_TEST(errno_is_left_alone)
{
	char b[1024];

	errno = 4321;
	by_name("tcp", b, sizeof b);
	ck_assert_int_eq(errno, 4321);
	by_name("nope", b, sizeof b);
	ck_assert_int_eq(errno, 4321);
	by_number(6, b, 3);
	ck_assert_int_eq(errno, 4321);
	mod.setent(0);
	next_entry(b, sizeof b);
	mod.endent();
	ck_assert_int_eq(errno, 4321);
}
END_TEST

START_TEST(a_snapshot_without_protocols_is_unavailable_for_them)
{
	char b[1024];

	compile_to(db_path, NULL, NULL);
	struct timespec pause = { 0, 100 * 1000 * 1000 };
	nanosleep(&pause, NULL); /* past the re-check interval */
	struct pcall c = by_name("tcp", b, sizeof b);
	ck_assert_int_eq(c.status, NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(c.error, ENOENT);
	ck_assert_int_eq(by_number(6, b, sizeof b).status, NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(mod.setent(0), NSS_STATUS_SUCCESS); /* the file is there */
	ck_assert_int_eq(next_entry(b, sizeof b).status, NSS_STATUS_UNAVAIL);
	/* ... and keeps answering services. */
	struct call s = call_by_name(&mod.services, "http", "tcp", b, sizeof b);
	ck_assert_int_eq(s.status, NSS_STATUS_SUCCESS);
}
END_TEST

START_TEST(a_missing_snapshot_is_unavailable)
{
	char b[1024];

	unlink(db_path);
	struct pcall c = by_name("tcp", b, sizeof b);
	ck_assert_int_eq(c.status, NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(c.error, ENOENT);
	ck_assert_int_eq(by_number(6, b, sizeof b).status, NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(mod.setent(0), NSS_STATUS_UNAVAIL);
	ck_assert_int_eq(next_entry(b, sizeof b).status, NSS_STATUS_UNAVAIL);
}
END_TEST

START_TEST(no_fd_is_left_open)
{
	char b[1024];
	int before = open_fds();

	for (int i = 0; i < 5000; i++) {
		by_name(i % 2 ? "tcp" : "nope", b, sizeof b);
		by_number(i % 300, b, sizeof b);
	}
	mod.setent(0);
	while (next_entry(b, sizeof b).status == NSS_STATUS_SUCCESS)
		;
	mod.endent();
	ck_assert_int_eq(open_fds(), before);
}
END_TEST

#ifndef NSS_IANA_SANITIZED
START_TEST(lookups_do_not_allocate)
{
	char b[1024];

	by_name("tcp", b, sizeof b); /* maps the snapshot */
	counting = true;
	for (int i = 0; i < 1000; i++) {
		by_name(i % 2 ? "TCP" : "nope", b, sizeof b);
		by_number(i % 300, b, sizeof b);
		by_number(262, b, 8); /* ERANGE */
	}
	mod.setent(0);
	while (next_entry(b, sizeof b).status == NSS_STATUS_SUCCESS)
		;
	mod.endent();
	counting = false;
	ck_assert_uint_eq(allocations, 0);
	counting = true;
	free(strdup("x"));
	counting = false;
	ck_assert_uint_eq(allocations, 1);
}
END_TEST
#endif

/* Threads looking up while the snapshot is replaced by rename, again and
 * again, between one with the preference file and one without: every
 * answer is one of the two files' (never a miss, never UNAVAIL). */
static atomic_bool replacing;

static void *lookup_loop(void *arg)
{
	char b[1024];
	unsigned long *bad = arg;

	while (atomic_load(&replacing)) {
		struct pcall c = by_name("tcp", b, sizeof b);
		if (c.status != NSS_STATUS_SUCCESS || strcmp(c.result.p_name, "tcp") != 0)
			++*bad;
		c = by_number(58, b, sizeof b);
		if (c.status != NSS_STATUS_SUCCESS || c.result.p_proto != 58)
			++*bad;
		c = by_number(0, b, sizeof b);
		if (c.status != NSS_STATUS_SUCCESS ||
		    (strcmp(c.result.p_name, "ip") && strcmp(c.result.p_name, "hopopt")))
			++*bad;
	}
	return NULL;
}

START_TEST(lookups_while_the_snapshot_is_replaced)
{
	char next[PATH_MAX];
	pthread_t threads[4];
	unsigned long bad[4] = { 0 };

	temp_path(next, sizeof next, "protocols-next.db");
	atomic_store(&replacing, true);
	for (int t = 0; t < 4; t++)
		ck_assert_int_eq(pthread_create(&threads[t], NULL, lookup_loop, &bad[t]), 0);
	for (int i = 0; i < 40; i++) {
		compile_to(next, PROTOCOLS, i % 2 ? PREFER : NULL);
		ck_assert_int_eq(rename(next, db_path), 0);
		struct timespec pause = { 0, 25 * 1000 * 1000 };
		nanosleep(&pause, NULL);
	}
	atomic_store(&replacing, false);
	for (int t = 0; t < 4; t++) {
		pthread_join(threads[t], NULL);
		ck_assert_msg(bad[t] == 0, "thread %d: %lu wrong answers", t, bad[t]);
	}
}
END_TEST

/* ---- damaged PROTO_* sections ---------------------------------------------
 *
 * Each damaged file is asked about by a fresh child that loads the module:
 * every answer must be UNAVAIL, NOTFOUND, or an entry whose strings lie in
 * the caller's buffer, NUL-terminated; a walk must end within the number
 * of entries the file can hold; a fault fails the case. */

static bool inside(const char *p, const char *buffer, size_t buflen)
{
	return p >= buffer && p < buffer + buflen && memchr(p, '\0', buffer + buflen - p);
}

static const char *check_answer(const struct pcall *c, const char *buffer, size_t buflen)
{
	if (c->status == NSS_STATUS_NOTFOUND || c->status == NSS_STATUS_UNAVAIL)
		return NULL;
	if (c->status != NSS_STATUS_SUCCESS)
		return "a status other than SUCCESS, NOTFOUND or UNAVAIL";
	if (!inside(c->result.p_name, buffer, buflen))
		return "p_name outside the buffer";
	char **a = c->result.p_aliases;
	if ((const char *)a < buffer || (const char *)a >= buffer + buflen)
		return "p_aliases outside the buffer";
	for (int i = 0; i <= NSSIANA_MAX_ALIASES; i++, a++) {
		if ((const char *)(a + 1) > buffer + buflen)
			return "alias array runs past the buffer";
		if (*a == NULL)
			return NULL;
		if (!inside(*a, buffer, buflen))
			return "an alias outside the buffer";
	}
	return "more aliases than the format allows";
}

static const char *ask_everything(void)
{
	static const char *const names[] = { "ip", "tcp", "TCP", "mptcp", "argus",
		"Argus", "mobility-header", "nope", "Shim6", "last" };
	static const int numbers[] = { 0, 1, 6, 13, 124, 135, 262, -1, 61, 255 };
	char buffer[2048];
	const char *why;

	mod = load_proto_module();
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct pcall c = by_name(names[i], buffer, sizeof buffer);
		if ((why = check_answer(&c, buffer, sizeof buffer)))
			return why;
		c = by_number(numbers[i], buffer, sizeof buffer);
		if ((why = check_answer(&c, buffer, sizeof buffer)))
			return why;
	}
	mod.setent(0);
	for (uint32_t i = 0; i <= NSSIANA_MAX_PROTOENTS + 1; i++) {
		struct pcall c = next_entry(buffer, sizeof buffer);
		if ((why = check_answer(&c, buffer, sizeof buffer)))
			return why;
		if (c.status != NSS_STATUS_SUCCESS)
			return NULL;
	}
	return "the walk did not end";
}

/* Writes `bytes` to the snapshot and asks a fresh child about it. */
static void case_must_hold(const unsigned char *bytes, size_t size, const char *what,
			   size_t where)
{
	char *verdict = mmap(NULL, 256, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	FILE *file = fopen(db_path, "w");

	ck_assert_ptr_nonnull(file);
	ck_assert_uint_eq(fwrite(bytes, 1, size, file), size);
	ck_assert_int_eq(fclose(file), 0);
	verdict[0] = '\0';
	pid_t child = fork();
	if (child == 0) {
		const char *why = ask_everything();
		snprintf(verdict, 256, "%s", why ? why : "ok");
		_exit(0);
	}
	int status;
	ck_assert_int_eq(waitpid(child, &status, 0), child);
	ck_assert_msg(WIFEXITED(status), "%s at %zu: the child died (signal %d)",
		      what, where, WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	ck_assert_msg(strcmp(verdict, "ok") == 0, "%s at %zu: %s", what, where, verdict);
	munmap(verdict, 256);
}

static unsigned char *read_db(size_t *size)
{
	char *data;
	ck_assert_int_eq(read_whole_file(db_path, &data, size), 0);
	return (unsigned char *)data;
}

/* [start, end) of the PROTO_* sections, and where their table rows are. */
static void proto_span(const unsigned char *db, size_t *start, size_t *end,
		       size_t *rows, size_t *row_count)
{
	const struct nssiana_header *h = (const void *)db;
	const struct nssiana_section *table = (const void *)(db + h->header_size);

	*start = SIZE_MAX;
	*end = 0;
	*row_count = 0;
	for (uint32_t i = 0; i < h->section_count; i++) {
		if (table[i].id < NSSIANA_SECTION_PROTO_FIRST)
			continue;
		if (*row_count == 0)
			*rows = h->header_size + i * sizeof *table;
		++*row_count;
		if (table[i].offset < *start)
			*start = table[i].offset;
		if (table[i].offset + table[i].size > *end)
			*end = table[i].offset + table[i].size;
	}
	ck_assert_uint_eq(*row_count, 8);
}

static unsigned char *copy_of(const unsigned char *db, size_t size)
{
	unsigned char *copy = malloc(size);
	memcpy(copy, db, size);
	return copy;
}

START_TEST(every_byte_of_the_protocols_sections_damaged)
{
	size_t size, start, end, rows, row_count;
	unsigned char *db = read_db(&size);

	proto_span(db, &start, &end, &rows, &row_count);
	for (size_t at = start; at < end; at++) {
		unsigned char *copy = copy_of(db, size);
		copy[at] ^= 0xff;
		case_must_hold(copy, size, "byte flipped", at);
		copy[at] = 0x7f;
		case_must_hold(copy, size, "byte set to 0x7f", at);
		free(copy);
	}
	free(db);
}
END_TEST

START_TEST(every_bit_of_the_protocols_table_rows_flipped)
{
	size_t size, start, end, rows, row_count;
	unsigned char *db = read_db(&size);

	proto_span(db, &start, &end, &rows, &row_count);
	for (size_t at = rows; at < rows + row_count * sizeof(struct nssiana_section); at++)
		for (int bit = 0; bit < 8; bit++) {
			unsigned char *copy = copy_of(db, size);
			copy[at] ^= (unsigned char)(1u << bit);
			case_must_hold(copy, size, "table bit flipped", at * 8 + (size_t)bit);
			free(copy);
		}
	free(db);
}
END_TEST

static Suite *protocols_nss_suite(void)
{
	Suite *suite = suite_create("protocols entry points");
	TCase *lookups = tcase_create("lookups");
	tcase_add_checked_fixture(lookups, setup, teardown);
	tcase_add_test(lookups, by_name_and_number_in_answer_order);
	tcase_add_test(lookups, walk_lists_every_entry_once_in_order);
	tcase_add_test(lookups, erange_does_not_move_the_cursor);
	tcase_add_test(lookups, every_short_buffer_gives_erange_and_nothing_past_it_is_written);
	tcase_add_test(lookups, errno_is_left_alone);
	tcase_add_test(lookups, a_snapshot_without_protocols_is_unavailable_for_them);
	tcase_add_test(lookups, a_missing_snapshot_is_unavailable);
	tcase_add_test(lookups, no_fd_is_left_open);
	tcase_add_test(lookups, lookups_while_the_snapshot_is_replaced);
#ifndef NSS_IANA_SANITIZED
	tcase_add_test(lookups, lookups_do_not_allocate);
#endif
	suite_add_tcase(suite, lookups);

	TCase *damage = tcase_create("damaged sections");
	/* The children load the module; the parent never does. */
	tcase_add_checked_fixture(damage, damage_setup, teardown);
	tcase_set_timeout(damage, 600);
	suite_add_tcase(suite, damage);
	tcase_add_test(damage, every_byte_of_the_protocols_sections_damaged);
	tcase_add_test(damage, every_bit_of_the_protocols_table_rows_flipped);
	return suite;
}

CHECK_MAIN(protocols_nss_suite)
