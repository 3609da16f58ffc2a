/*
 * check_snapshot.c - the writer and the reader together: the semantics of
 * lookups on a hand-written registry (tests/fixtures/semantics.csv), the
 * determinism of the bytes, and validation refusing damaged files.
 *
 * Expected answers come from reading the fixture by eye, written down
 * here; never from the code under test.
 */
#include <string.h>

#include "snapshot.h"
#include "testlib.h"
#include "check_main.h"

#define FIXTURE "tests/fixtures/semantics.csv"

static struct compiled compiled;
static struct snapshot_image image;
static struct snapshot snap;

static void build_fixture(void)
{
	char err[512];
	ck_assert_msg(compile_file(FIXTURE, &compiled, err, sizeof err) == 0,
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
	ck_assert_msg(compile_file(FIXTURE, &again, err, sizeof err) == 0, "%s", err);
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

START_TEST(bad_records_are_rejected)
{
	unsigned char *copy = damaged_copy();
	struct nssiana_section *entries = section(copy, NSSIANA_SECTION_ENTRIES);
	struct nssiana_entry *entry = (void *)(copy + entries->offset);

	entry->name = section(copy, NSSIANA_SECTION_STRINGS)->size;
	assert_rejected(copy, image.size);
	memcpy(copy, image.data, image.size);
	entry->proto = 200;
	assert_rejected(copy, image.size);
	memcpy(copy, image.data, image.size);
	entry->port_first = entry->port_last + 1;
	assert_rejected(copy, image.size);
	memcpy(copy, image.data, image.size);
	entry->alias_count = 1000;
	assert_rejected(copy, image.size);
	memcpy(copy, image.data, image.size);
	uint32_t *refs = (void *)(copy + section(copy, NSSIANA_SECTION_NAME_REFS)->offset);
	refs[0] = 1u << 20;
	assert_rejected(copy, image.size);
	memcpy(copy, image.data, image.size);
	uint32_t *buckets = (void *)(copy + section(copy, NSSIANA_SECTION_PORT_BUCKETS)->offset);
	buckets[1] = 1u << 20; /* decreasing afterwards */
	assert_rejected(copy, image.size);
	free(copy);
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
	tcase_add_test(validation, bad_records_are_rejected);
	tcase_add_test(validation, newer_minor_versions_are_read_but_need_every_section);
	suite_add_tcase(suite, validation);
	return suite;
}

CHECK_MAIN(snapshot_suite)
