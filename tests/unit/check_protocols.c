/*
 * check_protocols.c - the protocols database: the keyword rule, the
 * registry rules and their counts, the protocols(5) preference file read
 * as glibc's nss_files reads it, the PROTO_* sections written and read
 * back (lookups in answer order), and a snapshot without them.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "compiler/compile.h"
#include "compiler/proto_registry.h"
#include "reader/proto_snapshot.h"

#define FIXTURES "tests/fixtures/"
#define SERVICES_CSV FIXTURES "cli_small.csv"
#define PROTOCOLS_CSV FIXTURES "protocols_small.csv"
#define PREFER FIXTURES "protocols_prefer.protocols"

static void names_of(const char *keyword, const char *name, const char *alias)
{
	char n[64], a[64];

	ck_assert_int_eq(proto_names_of_keyword(keyword, n, a, sizeof n), 0);
	ck_assert_str_eq(n, name);
	ck_assert_str_eq(a, alias);
}

START_TEST(keyword_rule)
{
	char n[64], a[64];

	names_of("ICMP", "icmp", "ICMP");
	names_of("IPv6-ICMP", "ipv6-icmp", "IPv6-ICMP");
	names_of("Mobility Header", "mobility-header", "Mobility-Header");
	names_of("ISIS over IPv4", "isis-over-ipv4", "ISIS-over-IPv4");
	names_of("ARGUS (deprecated)", "argus", "ARGUS");
	names_of("manet", "manet", "");
	ck_assert_int_eq(proto_names_of_keyword("Bad#Name", n, a, sizeof n), -1);
	ck_assert_int_eq(proto_names_of_keyword("tab\there", n, a, sizeof n), -1);
	ck_assert_int_eq(proto_names_of_keyword("ICMP", n, a, 4), -1);
}
END_TEST

static struct proto_table load_table(const char *path)
{
	struct proto_table table;
	char err[256], *data;
	size_t size;

	ck_assert_int_eq(read_whole_file(path, &data, &size), 0);
	ck_assert_msg(proto_table_load(&table, data, size, path, err, sizeof err) == 0,
		      "%s", err);
	free(data);
	return table;
}

START_TEST(registry_rows_and_counts)
{
	struct proto_table t = load_table(PROTOCOLS_CSV);
	static const char *const names[] = { "hopopt", "icmp", "tcp", "argus",
		"tlsp", "ipv6-icmp", "isis-over-ipv4", "mobility-header", "manet",
		"shim6", "reserved" };
	static const unsigned numbers[] = { 0, 1, 6, 13, 56, 58, 124, 135, 138, 140, 255 };

	ck_assert_uint_eq(t.count, 11);
	for (size_t i = 0; i < t.count; i++) {
		ck_assert_str_eq(t.rows[i].name, names[i]);
		ck_assert_uint_eq(t.rows[i].number, numbers[i]);
		ck_assert_uint_eq(t.rows[i].source, NSSIANA_PROTO_FROM_REGISTRY);
	}
	ck_assert_uint_eq(t.rows[8].alias_count, 0); /* manet */
	ck_assert_str_eq(t.rows[7].aliases[0], "Mobility-Header");
	ck_assert_str_eq(t.rows[4].meta[NSSIANA_PROTO_META_DESCRIPTION],
			 "Transport Layer Security Protocol\nusing Kryptonet key management");
	ck_assert_str_eq(t.rows[0].meta[NSSIANA_PROTO_META_IPV6_EXTENSION], "Y");
	ck_assert_uint_eq(t.stats.rows_read, 14);
	ck_assert_uint_eq(t.stats.rows_range, 1);
	ck_assert_uint_eq(t.stats.rows_no_keyword, 1);
	ck_assert_uint_eq(t.stats.rows_bad_name, 1);
	ck_assert_uint_eq(t.stats.registry_entries, 11);
	proto_table_free(&t);
}
END_TEST

static void load_fails(const char *text, const char *message)
{
	struct proto_table t;
	char err[256];

	ck_assert_int_eq(proto_table_load(&t, text, strlen(text), "x.csv", err,
					  sizeof err), -1);
	ck_assert_msg(strstr(err, message), "got \"%s\"", err);
	ck_assert_ptr_null(t.rows);
}

START_TEST(registry_errors)
{
	load_fails("Decimal,Keyword\n1,ICMP\n1x,BAD\n", "x.csv:3:1: bad protocol number \"1x\"");
	load_fails("Decimal,Keyword\n9-8,BAD\n", "x.csv:2:1: bad protocol number");
	load_fails("Decimal,Keyword\n4294967296,BIG\n", "bad protocol number");
	load_fails("Decimal,Protocol\n1,ICMP\n", "no \"Keyword\" column");
	load_fails("", "no header row");
	load_fails("Decimal,Keyword\n1,\"open\n", "x.csv:2:");
	/* A header row the CSV reader refuses is reported too. */
	load_fails("Deci\"mal,Keyword\n1,ICMP\n", "x.csv:1:5: ");
}
END_TEST

struct expect_line {
	const char *name;
	unsigned number;
	const char *aliases; /* space-separated */
};

START_TEST(preference_file_as_nss_files_reads_it)
{
	static const struct expect_line expect[] = {
		{ "ip", 0, "IP" }, { "hopopt", 0, "HOPOPT" }, { "icmp", 1, "ICMP" },
		{ "ipv6-icmp", 58, "IPv6-ICMP" }, { "isis", 124, "ISIS" },
		{ "mobility-header", 135, "Mobility-Header" }, { "manet", 138, "" },
		{ "mptcp", 262, "MPTCP" }, { "ArGuS", 400, "" },
		{ "plus", 77, "PLUS" }, { "neg", 4294967295u, "" },
		{ "huge", 4294967295u, "HUGE" }, { "comment", 9, "" },
		{ "crlf", 44, "CRLF" }, { "crlf2", 45, "CRLF2" }, { "last", 46, "LAST" },
	};
	const size_t file_count = sizeof expect / sizeof expect[0];
	struct proto_table t = load_table(PROTOCOLS_CSV);
	char err[256], *data;
	size_t size;

	ck_assert_int_eq(read_whole_file(PREFER, &data, &size), 0);
	ck_assert_msg(proto_table_prefer(&t, data, size, PREFER, err, sizeof err) == 0,
		      "%s", err);
	free(data);
	ck_assert_uint_eq(t.count, file_count + 11);
	ck_assert_uint_eq(t.stats.file_entries, file_count);
	for (size_t i = 0; i < file_count; i++) {
		char aliases[128] = "";
		for (size_t a = 0; a < t.rows[i].alias_count; a++) {
			if (a)
				strcat(aliases, " ");
			strcat(aliases, t.rows[i].aliases[a]);
		}
		ck_assert_str_eq(t.rows[i].name, expect[i].name);
		ck_assert_uint_eq(t.rows[i].number, expect[i].number);
		ck_assert_str_eq(aliases, expect[i].aliases);
		ck_assert_uint_eq(t.rows[i].source, NSSIANA_PROTO_FROM_FILE);
	}
	ck_assert_str_eq(t.rows[file_count].name, "hopopt");
	ck_assert_str_eq(t.file_path, PREFER);
	proto_table_free(&t);
}
END_TEST

START_TEST(preference_file_limits)
{
	struct proto_table t = load_table(PROTOCOLS_CSV);
	char text[4096] = "many 7", err[256];

	for (int i = 0; i <= NSSIANA_MAX_ALIASES; i++)
		sprintf(text + strlen(text), " a%d", i);
	strcat(text, "\n");
	ck_assert_int_eq(proto_table_prefer(&t, text, strlen(text), "p", err, sizeof err), -1);
	ck_assert_msg(strstr(err, "p:1: more than 32 aliases"), "%s", err);
	ck_assert_uint_eq(t.count, 11); /* unchanged */
	proto_table_free(&t);
}
END_TEST

static struct compiled compile_with(const char *protocols, const char *prefer)
{
	struct compile_options options = { .protocols = protocols,
					   .prefer_protocols = prefer };
	struct compiled c;
	char err[512];

	ck_assert_msg(compile_file(SERVICES_CSV, &options, &c, err, sizeof err) == 0,
		      "%s", err);
	return c;
}

static struct proto_snapshot protocols_of(const struct compiled *c)
{
	struct proto_snapshot p;

	ck_assert_ptr_null(proto_snapshot_parse(&p, &c->snap));
	ck_assert_ptr_nonnull(p.summary);
	ck_assert_ptr_null(proto_snapshot_check_records(&p));
	return p;
}

static const char *name_at(const struct proto_snapshot *p, uint32_t i)
{
	return proto_string(p, p->entries[i].name);
}

static void by_name(const struct proto_snapshot *p, const char *key,
		    const char *name, unsigned number)
{
	uint32_t i = UINT32_MAX;

	ck_assert_msg(proto_find_name(p, key, &i) == SNAPSHOT_FOUND, "%s", key);
	ck_assert_str_eq(name_at(p, i), name);
	ck_assert_uint_eq(p->entries[i].number, number);
}

static void by_number(const struct proto_snapshot *p, uint32_t number,
		      const char *name)
{
	uint32_t i = UINT32_MAX;

	ck_assert_msg(proto_find_number(p, number, &i) == SNAPSHOT_FOUND, "%u", number);
	ck_assert_str_eq(name_at(p, i), name);
}

START_TEST(lookups_in_answer_order)
{
	struct compiled c = compile_with(PROTOCOLS_CSV, PREFER);
	struct proto_snapshot p = protocols_of(&c);
	uint32_t i;

	ck_assert_uint_eq(p.entry_count, 16 + 11);
	ck_assert_uint_eq(p.summary->file_entries, 16);
	ck_assert_uint_eq(p.summary->registry_entries, 11);
	ck_assert_uint_eq(p.summary->rows_range, 1);
	ck_assert_str_eq(proto_string(&p, p.summary->file_path), PREFER);
	by_name(&p, "ip", "ip", 0);
	by_number(&p, 0, "ip");
	by_name(&p, "HOPOPT", "hopopt", 0);
	by_name(&p, "tcp", "tcp", 6);
	by_name(&p, "TCP", "tcp", 6);
	by_name(&p, "Tcp", "tcp", 6);              /* ASCII case folded */
	by_number(&p, 6, "tcp");
	by_number(&p, 262, "mptcp");
	by_number(&p, 4294967295u, "neg");
	by_name(&p, "ISIS-over-IPv4", "isis-over-ipv4", 124);
	by_number(&p, 124, "isis");
	by_name(&p, "argus", "argus", 13);          /* exact, though later */
	by_name(&p, "ARGUS", "argus", 13);
	by_name(&p, "Argus", "ArGuS", 400);         /* folded: the first */
	by_name(&p, "reserved", "reserved", 255);
	by_name(&p, "Shim6", "shim6", 140);
	ck_assert_int_eq(proto_find_name(&p, "IGP-cut", &i), SNAPSHOT_NOT_FOUND);
	ck_assert_int_eq(proto_find_name(&p, "Bad#Name", &i), SNAPSHOT_NOT_FOUND);
	ck_assert_int_eq(proto_find_name(&p, "", &i), SNAPSHOT_NOT_FOUND);
	ck_assert_int_eq(proto_find_number(&p, 61, &i), SNAPSHOT_NOT_FOUND);
	ck_assert_int_eq(proto_find_number(&p, 200, &i), SNAPSHOT_NOT_FOUND);
	ck_assert_int_eq(proto_find_number(&p, 0x10006, &i), SNAPSHOT_NOT_FOUND);
	/* The walk order: the file's lines, then the registry's rows. */
	ck_assert_str_eq(name_at(&p, 0), "ip");
	ck_assert_str_eq(name_at(&p, 15), "last");
	ck_assert_str_eq(name_at(&p, 16), "hopopt");
	ck_assert_uint_eq(p.entries[16].source, NSSIANA_PROTO_FROM_REGISTRY);
	compiled_free(&c);
}
END_TEST

START_TEST(services_bytes_do_not_depend_on_protocols)
{
	struct compiled plain = compile_with(NULL, NULL);
	struct compiled both = compile_with(PROTOCOLS_CSV, NULL);
	struct proto_snapshot p;

	ck_assert_ptr_null(proto_snapshot_parse(&p, &plain.snap));
	ck_assert_ptr_null(p.summary);
	ck_assert_uint_eq(both.snap.strings_size, plain.snap.strings_size);
	ck_assert_mem_eq(both.snap.strings, plain.snap.strings, plain.snap.strings_size);
	ck_assert_uint_eq(both.snap.entry_count, plain.snap.entry_count);
	ck_assert_mem_eq(both.snap.entries, plain.snap.entries,
			 plain.snap.entry_count * sizeof(struct nssiana_entry));
	ck_assert_uint_eq(both.snap.header->version_minor, 2);
	compiled_free(&plain);
	compiled_free(&both);
}
END_TEST

START_TEST(prefer_protocols_needs_the_registry)
{
	struct compile_options options = { .prefer_protocols = PREFER };
	struct compiled c;
	char err[512];

	ck_assert_int_eq(compile_file(SERVICES_CSV, &options, &c, err, sizeof err), -1);
	ck_assert_msg(strstr(err, "--protocols"), "%s", err);
}
END_TEST

/* A copy of a compiled image whose section `id` gets `edit`. */
static const char *parse_edited(const struct compiled *c, uint32_t id,
				void (*edit)(struct nssiana_section *))
{
	static unsigned char *copy;
	struct snapshot snap;
	struct proto_snapshot p;

	free(copy);
	copy = malloc(c->image.size);
	memcpy(copy, c->image.data, c->image.size);
	struct nssiana_header *h = (void *)copy;
	struct nssiana_section *table = (void *)(copy + h->header_size);
	for (uint32_t i = 0; i < h->section_count; i++)
		if (table[i].id == id)
			edit(&table[i]);
	ck_assert_ptr_null(snapshot_parse(&snap, copy, c->image.size));
	return proto_snapshot_parse(&p, &snap);
}

static void drop(struct nssiana_section *s) { s->id = 99; }
static void twice(struct nssiana_section *s) { s->id = NSSIANA_SECTION_PROTO_STRINGS; }
static void shrink(struct nssiana_section *s) { s->size -= 4; }

START_TEST(broken_sections_are_refused)
{
	struct compiled c = compile_with(PROTOCOLS_CSV, PREFER);

	ck_assert_ptr_nonnull(parse_edited(&c, NSSIANA_SECTION_PROTO_NAME_REFS, drop));
	ck_assert_ptr_nonnull(parse_edited(&c, NSSIANA_SECTION_PROTO_ALIASES, twice));
	ck_assert_ptr_nonnull(parse_edited(&c, NSSIANA_SECTION_PROTO_ENTRIES, shrink));
	ck_assert_ptr_nonnull(parse_edited(&c, NSSIANA_SECTION_PROTO_SUMMARY, shrink));
	ck_assert_ptr_nonnull(parse_edited(&c, NSSIANA_SECTION_PROTO_NUMBER_BUCKETS, shrink));
	compiled_free(&c);
}
END_TEST

START_TEST(the_registry_file)
{
	const char *csv = getenv("PROTOCOLS_CSV");
	struct compiled c = compile_with(csv ? csv : "../shared/iana/protocol-numbers-1.csv", NULL);
	struct proto_snapshot p = protocols_of(&c);

	/* protocol-numbers-1.csv: 152 rows, the 148-252 range, 7 rows
	 * without a keyword (../shared/iana/README.md). */
	ck_assert_uint_eq(p.summary->rows_read, 152);
	ck_assert_uint_eq(p.summary->rows_range, 1);
	ck_assert_uint_eq(p.summary->rows_no_keyword, 7);
	ck_assert_uint_eq(p.entry_count, 144);
	by_name(&p, "ipv6-icmp", "ipv6-icmp", 58);
	by_name(&p, "Mobility-Header", "mobility-header", 135);
	by_name(&p, "BIT-EMU", "bit-emu", 147);
	compiled_free(&c);
}
END_TEST

static Suite *protocols_suite(void)
{
	Suite *suite = suite_create("protocols");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, keyword_rule);
	tcase_add_test(tc, registry_rows_and_counts);
	tcase_add_test(tc, registry_errors);
	tcase_add_test(tc, preference_file_as_nss_files_reads_it);
	tcase_add_test(tc, preference_file_limits);
	tcase_add_test(tc, lookups_in_answer_order);
	tcase_add_test(tc, services_bytes_do_not_depend_on_protocols);
	tcase_add_test(tc, prefer_protocols_needs_the_registry);
	tcase_add_test(tc, broken_sections_are_refused);
	tcase_add_test(tc, the_registry_file);
	suite_add_tcase(suite, tc);
	return suite;
}

CHECK_MAIN(protocols_suite)
