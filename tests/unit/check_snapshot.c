/*
 * check_snapshot.c - the writer and the reader together: the semantics of
 * lookups on a hand-written registry (tests/fixtures/semantics.csv), the
 * determinism of the bytes, validation refusing damaged files, and the
 * reader's limits on hand-made snapshots (tests/handmade.h).
 *
 * Expected answers come from reading the fixture by eye, written down
 * here; never from the code under test.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "handmade.h"
#include "reader/checksum.h"
#include "reader/snapshot.h"
#include "testlib.h"
#include "check_main.h"

#define FIXTURE "tests/fixtures/semantics.csv"

static struct compiled compiled;
static struct snapshot_image image;
static struct snapshot snap;

static void build_fixture(void)
{
	char err[512];
	ck_assert_msg(compile_file(FIXTURE, NULL, &compiled, err, sizeof err) == 0,
		      "%s", err);
	image = compiled.image;
	snap = compiled.snap;
}

static void free_fixture(void)
{
	compiled_free(&compiled);
}

static const struct nssiana_entry *by_name(const char *name, const char *proto)
{
	uint32_t index;
	enum snapshot_status status = snapshot_find_name(&snap, name, proto, &index);
	ck_assert_int_ne(status, SNAPSHOT_CORRUPT);
	return status == SNAPSHOT_FOUND ? &snap.entries[index] : NULL;
}

static const struct nssiana_entry *by_port(uint16_t port, const char *proto)
{
	uint32_t index;
	enum snapshot_status status = snapshot_find_port(&snap, port, proto, &index);
	ck_assert_int_ne(status, SNAPSHOT_CORRUPT);
	return status == SNAPSHOT_FOUND ? &snap.entries[index] : NULL;
}

static void assert_entry(const struct nssiana_entry *entry, const char *name,
			 unsigned port, const char *proto)
{
	ck_assert_ptr_nonnull(entry);
	ck_assert_str_eq(snapshot_string(&snap, entry->name), name);
	ck_assert_uint_eq(entry->port_first, port);
	ck_assert_str_eq(snapshot_entry_proto(&snap, entry), proto);
}

static const char *alias(const struct nssiana_entry *entry, unsigned i)
{
	ck_assert_uint_lt(i, entry->alias_count);
	return snapshot_string(&snap, snap.aliases[entry->alias_first + i].name);
}

START_TEST(counts_follow_the_rules)
{
	/* 30 rows: 2 without a name, 1 without a port, 1 without a
	 * protocol; 26 serve, 4 of them alias rows. */
	ck_assert_uint_eq(snap.header->rows_read, 30);
	ck_assert_uint_eq(snap.header->rows_no_name, 2);
	ck_assert_uint_eq(snap.header->rows_no_port, 1);
	ck_assert_uint_eq(snap.header->rows_no_proto, 1);
	ck_assert_uint_eq(snap.entry_count, 22);
	ck_assert_uint_eq(snap.alias_count, 4);
	ck_assert_str_eq(snapshot_string(&snap, snap.header->registry_date),
			 "2025-03-28");
}
END_TEST

START_TEST(alias_rows_become_aliases_of_their_target)
{
	const struct nssiana_entry *tcp = by_name("www", "tcp");
	assert_entry(tcp, "http", 80, "tcp");
	ck_assert_uint_eq(tcp->alias_count, 2);
	ck_assert_str_eq(alias(tcp, 0), "www");
	ck_assert_str_eq(alias(tcp, 1), "www-http");
	/* www-http has no udp row: the udp entry has one alias. */
	const struct nssiana_entry *udp = by_name("http", "udp");
	assert_entry(udp, "http", 80, "udp");
	ck_assert_uint_eq(udp->alias_count, 1);
	ck_assert_str_eq(alias(udp, 0), "www");
	assert_entry(by_name("www-http", NULL), "http", 80, "tcp");
	ck_assert_ptr_null(by_name("www-http", "udp"));
	assert_entry(by_name("whois++", "tcp"), "whoispp", 63, "tcp");
}
END_TEST

START_TEST(registry_order_decides_ties)
{
	/* http and shared80 both own 80/tcp: the first row wins. */
	assert_entry(by_port(80, "tcp"), "http", 80, "tcp");
	assert_entry(by_port(80, NULL), "http", 80, "tcp");
	/* raid-am's udp row comes first in the registry. */
	assert_entry(by_name("raid-am", NULL), "raid-am", 2007, "udp");
	assert_entry(by_port(2007, NULL), "raid-am", 2007, "udp");
	assert_entry(by_name("raid-am", "tcp"), "raid-am", 2007, "tcp");
	/* One name on several ports: the first row's port. */
	assert_entry(by_name("http-alt", NULL), "http-alt", 591, "tcp");
	assert_entry(by_port(8080, "tcp"), "http-alt", 8080, "tcp");
	assert_entry(by_port(8008, NULL), "http-alt", 8008, "tcp");
}
END_TEST

START_TEST(every_port_of_a_range_answers)
{
	for (unsigned port = 6000; port <= 6063; port++) {
		const struct nssiana_entry *entry = by_port(port, "tcp");
		/* x11 comes before x11-late, even on 6010. */
		assert_entry(entry, "x11", 6000, "tcp");
		assert_entry(by_port(port, "udp"), "x11", 6000, "udp");
	}
	ck_assert_ptr_null(by_port(5999, "tcp"));
	ck_assert_ptr_null(by_port(6064, "tcp"));
	assert_entry(by_name("x11-late", NULL), "x11-late", 6010, "tcp");
}
END_TEST

START_TEST(exact_case_first_then_ascii_case_insensitive)
{
	assert_entry(by_name("HTTP", "tcp"), "http", 80, "tcp");
	assert_entry(by_name("3com-NSD", "udp"), "3Com-nsd", 1742, "udp");
	assert_entry(by_name("WWW", "tcp"), "http", 80, "tcp");
	/* An exact match later beats a case-insensitive one earlier. */
	assert_entry(by_name("mixed", NULL), "mixed", 5002, "tcp");
	assert_entry(by_name("MiXed", NULL), "MiXed", 5001, "tcp");
	assert_entry(by_name("MIXED", NULL), "MiXed", 5001, "tcp");
	/* Only ASCII letters fold. */
	ck_assert_ptr_null(by_name("xadmın", NULL));
}
END_TEST

START_TEST(rows_that_do_not_serve_are_absent)
{
	ck_assert_ptr_null(by_name("nameonly", NULL));
	ck_assert_ptr_null(by_name("noproto", NULL));
	ck_assert_ptr_null(by_port(7300, NULL));
	ck_assert_ptr_null(by_port(9000, "udp"));
	ck_assert_ptr_null(by_name("echo", "sctp"));
	ck_assert_ptr_null(by_name("", NULL));
	ck_assert_ptr_null(by_name("nope", NULL));
	ck_assert_ptr_null(by_name("http", "TCP")); /* protocols are exact */
}
END_TEST

START_TEST(ports_at_the_edges_and_other_protocols)
{
	assert_entry(by_port(65535, NULL), "max-port", 65535, "tcp");
	assert_entry(by_port(0, "udp"), "zero-port", 0, "udp");
	assert_entry(by_name("sctpsvc", "sctp"), "sctpsvc", 9999, "sctp");
	ck_assert_ptr_null(by_port(9999, "tcp"));
}
END_TEST

START_TEST(metadata_is_kept_byte_exact)
{
	const struct nssiana_entry *entry = by_name("xadmin", "tcp");
	ck_assert_ptr_nonnull(entry);
	const char *field = snapshot_string(&snap, entry->meta);
	ck_assert_str_eq(field, "Xadmin Control Server");       /* description */
	field += strlen(field) + 1;
	ck_assert_str_eq(field, "[Ari\xe2\x88\x9a\xc2\xb4n_Huisken]"); /* assignee */
	field += strlen(field) + 1;
	ck_assert_str_eq(field, "[Mahr_GmbH_G\xc3\xb6ttingen]");       /* contact */
	field += strlen(field) + 1;
	ck_assert_str_eq(field, "2009-06-15");
	/* The alias row keeps its own notes, line break included. */
	entry = by_name("whois++", NULL);
	const char *notes = snapshot_string(
		&snap, snap.aliases[entry->alias_first].meta);
	for (int i = 0; i < NSSIANA_META_ASSIGNMENT_NOTES; i++)
		notes += strlen(notes) + 1;
	ck_assert_str_eq(notes, "This entry is an alias to \"whoispp\".\n"
				"This entry is now historic, not usable for use with many\n"
				"common service discovery mechanisms.");
}
END_TEST

START_TEST(same_input_same_bytes)
{
	struct compiled again;
	char err[512];
	ck_assert_msg(compile_file(FIXTURE, NULL, &again, err, sizeof err) == 0, "%s", err);
	ck_assert_uint_eq(again.image.size, image.size);
	ck_assert_int_eq(memcmp(again.image.data, image.data, image.size), 0);
	ck_assert_uint_eq(snapshot_checksum(image.data, image.size),
			  snap.header->checksum);
	compiled_free(&again);
}
END_TEST

/* ---- validation --------------------------------------------------------- */

static unsigned char *damaged_copy(void)
{
	unsigned char *copy = malloc(image.size);
	memcpy(copy, image.data, image.size);
	return copy;
}

static struct nssiana_section *section(unsigned char *data, uint32_t id)
{
	struct nssiana_section *table = (void *)(data + sizeof(struct nssiana_header));
	for (int i = 0; i < NSSIANA_SECTION_MAX_KNOWN; i++)
		if (table[i].id == id)
			return &table[i];
	ck_abort_msg("no section %u", id);
	return NULL;
}

static void assert_rejected(unsigned char *data, size_t size)
{
	struct snapshot parsed;
	ck_assert_ptr_nonnull(snapshot_parse(&parsed, data, size));
	ck_assert_ptr_null(parsed.entries); /* nothing half-filled */
}

START_TEST(truncated_files_are_rejected)
{
	for (size_t size = 0; size < image.size; size += 1 + size / 7)
		assert_rejected(image.data, size);
	assert_rejected(image.data, image.size - 1);
}
END_TEST

START_TEST(bad_header_fields_are_rejected)
{
	unsigned char *copy = damaged_copy();
	struct nssiana_header *header = (void *)copy;

	header->magic[0] ^= 1;
	assert_rejected(copy, image.size);
	memcpy(copy, image.data, image.size);
	header->version_major = 2;
	assert_rejected(copy, image.size);
	memcpy(copy, image.data, image.size);
	header->file_size += 8;
	assert_rejected(copy, image.size);
	memcpy(copy, image.data, image.size);
	header->section_count = 1u << 30;
	assert_rejected(copy, image.size);
	memcpy(copy, image.data, image.size);
	header->header_size = 12;
	assert_rejected(copy, image.size);
	free(copy);
}
END_TEST

START_TEST(bad_sections_are_rejected)
{
	unsigned char *copy = damaged_copy();

	section(copy, NSSIANA_SECTION_ENTRIES)->size += 8;
	assert_rejected(copy, image.size);
	memcpy(copy, image.data, image.size);
	section(copy, NSSIANA_SECTION_STRINGS)->offset += 4;
	assert_rejected(copy, image.size);
	memcpy(copy, image.data, image.size);
	section(copy, NSSIANA_SECTION_PORT_REFS)->id = NSSIANA_SECTION_NAME_REFS;
	assert_rejected(copy, image.size);
	memcpy(copy, image.data, image.size);
	/* The pool's last NUL is what keeps every string terminated. */
	struct nssiana_section *strings = section(copy, NSSIANA_SECTION_STRINGS);
	copy[strings->offset + strings->size - 1] = 'x';
	assert_rejected(copy, image.size);
	free(copy);
}
END_TEST

/* What snapshot_parse() leaves to the lookups, the lookup that reads it
 * refuses, and the tool's full check (snapshot_check_records) finds. */
static void assert_left_to_the_lookups(unsigned char *data, size_t size)
{
	struct snapshot parsed;
	ck_assert_ptr_null(snapshot_parse(&parsed, data, size));
	ck_assert_ptr_nonnull(snapshot_check_records(&parsed));
	snap = parsed; /* the lookups below read the damaged copy */
}

static uint32_t *section_words(unsigned char *data, uint32_t id)
{
	return (uint32_t *)(data + section(data, id)->offset);
}

START_TEST(bad_records_are_refused_where_a_lookup_reads_them)
{
	unsigned char *copy = damaged_copy();
	struct nssiana_entry *entry = (void *)(copy + section(copy, NSSIANA_SECTION_ENTRIES)->offset);
	uint32_t index;

	ck_assert_str_eq(snapshot_string(&snap, snap.entries[0].name), "echo");
	entry->name = section(copy, NSSIANA_SECTION_STRINGS)->size;
	assert_left_to_the_lookups(copy, image.size);
	ck_assert_int_eq(snapshot_find_name(&snap, "echo", NULL, &index), SNAPSHOT_CORRUPT);

	memcpy(copy, image.data, image.size);
	entry->proto = 200;
	assert_left_to_the_lookups(copy, image.size);
	ck_assert_int_eq(snapshot_find_name(&snap, "echo", "tcp", &index), SNAPSHOT_CORRUPT);
	ck_assert_int_eq(snapshot_find_port(&snap, 7, "tcp", &index), SNAPSHOT_CORRUPT);

	memcpy(copy, image.data, image.size);
	entry->port_first = entry->port_last + 1; /* an empty range */
	assert_left_to_the_lookups(copy, image.size);
	ck_assert_int_eq(snapshot_find_port(&snap, 7, "tcp", &index), SNAPSHOT_NOT_FOUND);

	memcpy(copy, image.data, image.size);
	entry->alias_count = 1000;
	assert_left_to_the_lookups(copy, image.size);
	/* An exact match needs no alias; a miss reads the run and refuses it. */
	ck_assert_int_eq(snapshot_find_name(&snap, "echo", NULL, &index), SNAPSHOT_FOUND);
	ck_assert_int_eq(snapshot_find_name(&snap, "ECHO", NULL, &index), SNAPSHOT_CORRUPT);

	memcpy(copy, image.data, image.size);
	uint32_t *buckets = section_words(copy, NSSIANA_SECTION_NAME_BUCKETS);
	uint32_t *refs = section_words(copy, NSSIANA_SECTION_NAME_REFS);
	uint32_t bucket = nssiana_name_hash("echo") & snap.names.bucket_mask;
	refs[buckets[bucket]] = 1u << 20;
	assert_left_to_the_lookups(copy, image.size);
	ck_assert_int_eq(snapshot_find_name(&snap, "echo", NULL, &index), SNAPSHOT_CORRUPT);

	memcpy(copy, image.data, image.size);
	buckets = section_words(copy, NSSIANA_SECTION_PORT_BUCKETS);
	buckets[1] = 1u << 20; /* bucket 0 spans every ref, bucket 1 decreases */
	assert_left_to_the_lookups(copy, image.size);
	ck_assert_int_eq(snapshot_find_port(&snap, 0, NULL, &index), SNAPSHOT_CORRUPT);
	ck_assert_int_eq(snapshot_find_port(&snap, 1, NULL, &index), SNAPSHOT_NOT_FOUND);
	for (uint32_t port = 0; port < 65536; port++)
		snapshot_find_port(&snap, (uint16_t)port, NULL, &index); /* never faults */
	free(copy);
}
END_TEST

/* Map-time work is constant: parse reads the header, the table, the two
 * ends of the pool and the protocols, nothing else.  A file whose every
 * other byte is unreadable still parses. */
START_TEST(parse_reads_only_what_it_must)
{
	long page = sysconf(_SC_PAGESIZE);
	size_t n = 4000, size;
	struct handmade_entry *entries = calloc(n, sizeof *entries);
	char (*names)[16] = calloc(n, sizeof *names);
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof names[i], "svc%zu", i);
		entries[i] = (struct handmade_entry){ names[i], (uint16_t)i, (uint16_t)i, 0, 0, NULL, 0 };
	}
	unsigned char *built = handmade_snapshot(entries, n, 4096, &size);
	size_t mapped = (size + page - 1) / page * page;
	unsigned char *area = mmap(NULL, mapped, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(area, MAP_FAILED);
	memcpy(area, built, size);
	/* Keep readable only the pages parse may touch. */
	const struct nssiana_header *header = (const void *)built;
	const struct nssiana_section *table = (const void *)(built + header->header_size);
	ck_assert_int_eq(mprotect(area, mapped, PROT_NONE), 0);
	unsigned char *keep[16];
	int kept = 0;
	keep[kept++] = area;
	for (int i = 0; i < NSSIANA_SECTION_MAX_KNOWN; i++) {
		const struct nssiana_section *s = &table[i];
		if (s->id == NSSIANA_SECTION_STRINGS) {
			keep[kept++] = area + s->offset;
			keep[kept++] = area + s->offset + s->size - 1;
		} else if (s->id == NSSIANA_SECTION_PROTOCOLS) {
			keep[kept++] = area + s->offset;
		}
	}
	for (int i = 0; i < kept; i++)
		ck_assert_int_eq(mprotect((void *)((uintptr_t)keep[i] & ~(uintptr_t)(page - 1)),
					  page, PROT_READ), 0);
	struct snapshot parsed;
	ck_assert_ptr_null(snapshot_parse(&parsed, area, size)); /* no SIGSEGV */
	ck_assert_uint_eq(parsed.entry_count, n);
	ck_assert_uint_gt(mapped / page, (size_t)kept + 20); /* most pages unread */
	munmap(area, mapped);
	free(built);
	free(names);
	free(entries);
}
END_TEST

/* The limits of snapshot_format.h, at the reader: one entry past each is
 * refused, the limit itself is served. */
static enum snapshot_status find_in_handmade(const struct handmade_entry *entries,
					     uint32_t n, uint32_t bucket_count,
					     const char *name, int port)
{
	size_t size;
	unsigned char *data = handmade_snapshot(entries, n, bucket_count, &size);
	struct snapshot parsed;
	uint32_t index;
	ck_assert_ptr_null(snapshot_parse(&parsed, data, size));
	enum snapshot_status status =
		name ? snapshot_find_name(&parsed, name, NULL, &index)
		     : snapshot_find_port(&parsed, (uint16_t)port, NULL, &index);
	free(data);
	return status;
}

START_TEST(a_bucket_past_the_limit_is_refused)
{
	uint32_t n = NSSIANA_MAX_BUCKET_ENTRIES + 1;
	struct handmade_entry *entries = calloc(n, sizeof *entries);
	char (*names)[16] = calloc(n, sizeof *names);
	for (uint32_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof names[i], "svc%u", i);
		entries[i] = (struct handmade_entry){ names[i], (uint16_t)(100 + i),
						      (uint16_t)(100 + i), 0, 0, NULL, 0 };
	}
	/* One bucket: every entry in it. */
	ck_assert_int_eq(find_in_handmade(entries, n - 1, 1, "svc63", -1), SNAPSHOT_FOUND);
	ck_assert_int_eq(find_in_handmade(entries, n - 1, 1, NULL, 163), SNAPSHOT_FOUND);
	ck_assert_int_eq(find_in_handmade(entries, n, 1, "svc0", -1), SNAPSHOT_CORRUPT);
	ck_assert_int_eq(find_in_handmade(entries, n, 1, NULL, 100), SNAPSHOT_CORRUPT);
	/* The same entries over enough buckets are fine. */
	ck_assert_int_eq(find_in_handmade(entries, n, 256, NULL, 164), SNAPSHOT_FOUND);
	free(names);
	free(entries);
}
END_TEST

START_TEST(aliases_past_the_limit_are_refused)
{
	struct handmade_entry entry = { "many", 5000, 5000, 0,
					NSSIANA_MAX_ALIASES, NULL, 0 };
	/* "a0-31": the last alias of the only entry. */
	ck_assert_int_eq(find_in_handmade(&entry, 1, 1, "a0-31", -1), SNAPSHOT_FOUND);
	entry.alias_count = NSSIANA_MAX_ALIASES + 1;
	ck_assert_int_eq(find_in_handmade(&entry, 1, 1, "a0-0", -1), SNAPSHOT_CORRUPT);
	ck_assert_int_eq(find_in_handmade(&entry, 1, 1, "many", -1), SNAPSHOT_FOUND);
}
END_TEST

START_TEST(files_past_the_size_limit_are_refused)
{
	char path[PATH_MAX];
	struct snapshot_map map;
	struct snapshot parsed;
	temp_path(path, sizeof path, "huge.db");
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, image.data, image.size), (ssize_t)image.size);
	/* Sparse: costs no disk, would cost a mapping of 16 MiB + 1. */
	ck_assert_int_eq(ftruncate(fd, NSSIANA_MAX_FILE_SIZE + 1), 0);
	close(fd);
	ck_assert_int_eq(snapshot_map_file_limited(path, NSSIANA_MAX_FILE_SIZE, &map),
			 EFBIG);
	ck_assert_ptr_null(map.addr);
	ck_assert_int_eq(truncate(path, NSSIANA_MAX_FILE_SIZE), 0);
	ck_assert_int_eq(snapshot_map_file_limited(path, NSSIANA_MAX_FILE_SIZE, &map), 0);
	/* Mapped, but its header says another size. */
	ck_assert_ptr_nonnull(snapshot_parse(&parsed, map.addr, map.size));
	snapshot_unmap(&map);
	unlink(path);
}
END_TEST

START_TEST(only_regular_files_are_opened)
{
	char path[PATH_MAX];
	struct snapshot_map map;
	temp_path(path, sizeof path, "fifo.db");
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	alarm(60); /* a blocking open() would hang here: fail instead */
	ck_assert_int_eq(snapshot_map_file(path, &map), EINVAL);
	ck_assert_int_eq(snapshot_map_file("/dev/null", &map), EINVAL);
	ck_assert_int_eq(snapshot_map_file("/", &map), EINVAL);
	alarm(0);
	unlink(path);
}
END_TEST

START_TEST(newer_minor_versions_are_read_but_need_every_section)
{
	unsigned char *copy = damaged_copy();
	struct nssiana_header *header = (void *)copy;
	struct snapshot parsed;

	header->version_minor = 7;
	ck_assert_ptr_null(snapshot_parse(&parsed, copy, image.size));
	/* A section under an id this reader does not know is skipped, which
	 * leaves a required one missing. */
	section(copy, NSSIANA_SECTION_ALIASES)->id = 99;
	ck_assert_ptr_nonnull(snapshot_parse(&parsed, copy, image.size));
	free(copy);
}
END_TEST

static Suite *snapshot_suite(void)
{
	Suite *suite = suite_create("snapshot");
	TCase *semantics = tcase_create("semantics");
	tcase_add_checked_fixture(semantics, build_fixture, free_fixture);
	tcase_add_test(semantics, counts_follow_the_rules);
	tcase_add_test(semantics, alias_rows_become_aliases_of_their_target);
	tcase_add_test(semantics, registry_order_decides_ties);
	tcase_add_test(semantics, every_port_of_a_range_answers);
	tcase_add_test(semantics, exact_case_first_then_ascii_case_insensitive);
	tcase_add_test(semantics, rows_that_do_not_serve_are_absent);
	tcase_add_test(semantics, ports_at_the_edges_and_other_protocols);
	tcase_add_test(semantics, metadata_is_kept_byte_exact);
	tcase_add_test(semantics, same_input_same_bytes);
	suite_add_tcase(suite, semantics);

	TCase *validation = tcase_create("validation");
	tcase_add_checked_fixture(validation, build_fixture, free_fixture);
	tcase_add_test(validation, truncated_files_are_rejected);
	tcase_add_test(validation, bad_header_fields_are_rejected);
	tcase_add_test(validation, bad_sections_are_rejected);
	tcase_add_test(validation, bad_records_are_refused_where_a_lookup_reads_them);
	tcase_add_test(validation, parse_reads_only_what_it_must);
	tcase_add_test(validation, a_bucket_past_the_limit_is_refused);
	tcase_add_test(validation, aliases_past_the_limit_are_refused);
	tcase_add_test(validation, files_past_the_size_limit_are_refused);
	tcase_add_test(validation, only_regular_files_are_opened);
	tcase_add_test(validation, newer_minor_versions_are_read_but_need_every_section);
	suite_add_tcase(suite, validation);
	return suite;
}

CHECK_MAIN(snapshot_suite)
