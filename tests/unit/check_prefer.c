/*
 * check_prefer.c - the preference file read as nss_files reads
 * services(5), its lines put before the registry's rows.  The expected
 * values follow glibc's files-parse.c by hand; the system test
 * test_prefer_files.sh asks glibc itself.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "compiler/prefer.h"
#include "compiler/registry.h"
#include "registry_load.h"

static const char registry_csv[] =
	"Service Name,Port Number,Transport Protocol,Description,Assignee,"
	"Contact,Registration Date,Modification Date,Reference,Service Code,"
	"Unauthorized Use Reported,Assignment Notes\n"
	"nicname,43,tcp,Who Is,,,,,,,,\n"
	"http,80,tcp,World Wide Web HTTP,,,,,,,,\n"
	"www,80,tcp,World Wide Web HTTP,,,,,,,,\"This entry is an alias to \"\"http\"\".\"\n";

static void load(struct registry *reg)
{
	char err[256];
	ck_assert_int_eq(registry_load(reg, registry_csv, sizeof(registry_csv) - 1,
				       "r.csv", err, sizeof(err)), 0);
}

static int prepend(struct registry *reg, const char *text, uint32_t *lines,
		   char *err, size_t err_size)
{
	return registry_prepend_services(reg, text, strlen(text), "/p", lines,
					 err, err_size);
}

/* The entry rows (not aliases) as "name port/proto a1 a2|...". */
static void entries_of(const struct registry *reg, char *out, size_t size)
{
	out[0] = '\0';
	for (size_t i = 0; i < reg->count; i++) {
		const struct registry_row *row = &reg->rows[i];
		if (row->alias_of >= 0)
			continue;
		size_t used = strlen(out);
		snprintf(out + used, size - used, "%s%s %u/%s", used ? "|" : "",
			 row->name, (unsigned)row->port_first, row->proto);
		for (size_t j = 0; j < reg->count; j++)
			if (reg->rows[j].alias_of == (long)i) {
				used = strlen(out);
				snprintf(out + used, size - used, " %s", reg->rows[j].name);
			}
	}
}

START_TEST(lines_come_first_in_file_order)
{
	struct registry reg;
	char err[256], got[1024];
	uint32_t lines = 0;
	load(&reg);
	ck_assert_int_eq(prepend(&reg, "whois 43/tcp nicname\n"
				 "http 80/tcp www # World Wide Web\n", &lines,
				 err, sizeof(err)), 0);
	ck_assert_uint_eq(lines, 2);
	entries_of(&reg, got, sizeof(got));
	ck_assert_str_eq(got, "whois 43/tcp nicname|http 80/tcp www|"
			      "nicname 43/tcp|http 80/tcp www");
	ck_assert(reg.rows[0].preferred && reg.rows[1].preferred);
	ck_assert(!reg.rows[reg.count - 1].preferred);
	/* The registry's alias row still names its own entry. */
	ck_assert_int_eq(reg.rows[reg.count - 1].alias_of, (long)reg.count - 2);
	ck_assert_str_eq(reg.rows[2].meta[NSSIANA_META_DESCRIPTION], "World Wide Web");
	ck_assert_str_eq(reg.rows[2].meta[NSSIANA_META_ASSIGNMENT_NOTES], "line 2");
	registry_free(&reg);
}
END_TEST

/* nss_files' parse (glibc 2.36, as test_prefer_files.sh saw it): strtoul
 * base 0, a value past 32 bits skips the line, htons cuts it to 16 bits,
 * every '/' swallowed, any protocol, '#' anywhere, C-locale white space. */
START_TEST(lines_parse_as_nss_files_parses_them)
{
	static const char text[] =
		"# comment 1/tcp\n"
		"   \t# indented comment\n"
		"\n"
		"  lead 1/tcp\r\n"
		"wrap 65616/tcp\n"
		"neg -1/tcp\n"
		"plus +7/udp\n"
		"octal 0120/tcp\n"
		"badoctal 080/tcp\n"
		"big 4294967295/tcp\n"
		"bigger 4294967296/tcp\n"
		"wrapneg -18446744073709551615/tcp\n"
		"huge 99999999999999999999999/tcp\n"
		"ddp1 2/ddp a\vb\fc\n"
		"slash 9//tcp\n"
		"hash#x 3/tcp\n"
		"cut 4/tc#p x y\n"
		"nul 5/tcp\0after 6/tcp\n"
		"noport /tcp\n"
		"hex 0x50/tcp\n"
		"space 80 /tcp\n"
		"alone\n"
		"last 7/udp";
	struct registry reg = { 0 };
	char err[256], got[2048];
	uint32_t lines = 0;
	ck_assert_int_eq(registry_prepend_services(&reg, text, sizeof(text) - 1,
						   "/p", &lines, err, sizeof(err)), 0);
	entries_of(&reg, got, sizeof(got));
	ck_assert_str_eq(got, "lead 1/tcp|wrap 80/tcp|plus 7/udp|octal 80/tcp|"
			      "big 65535/tcp|wrapneg 1/tcp|ddp1 2/ddp a b c|"
			      "slash 9/tcp|cut 4/tc|nul 5/tcp|hex 80/tcp|last 7/udp");
	ck_assert_uint_eq(lines, 12);
	registry_free(&reg);
}
END_TEST

START_TEST(lines_a_snapshot_cannot_hold_are_refused)
{
	static const struct {
		const char *text;
		const char *message;
	} cases[] = {
		{ "ok 1/tcp\nnoproto 80\n", "/p:2:11: no protocol after the port" },
		{ "slashonly 80/\n", "/p:1:14: no protocol after the port" },
		{ "ctl\001 1/tcp\n", "/p:1:1: the service name is not valid UTF-8" },
		{ "x 1/tcp \xff\n", "/p:1:9: the alias is not valid UTF-8" },
		{ "x 1/tcp a b c d e f g h i j k l m n o p q r s t u v w x y z "
		  "A B C D E F G\n", "/p:1:" /* the 33rd alias */ },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct registry reg;
		char err[256] = "";
		uint32_t lines = 0;
		load(&reg);
		size_t before = reg.count;
		ck_assert_int_eq(prepend(&reg, cases[i].text, &lines, err, sizeof(err)), -1);
		ck_assert_msg(strncmp(err, cases[i].message, strlen(cases[i].message)) == 0,
			      "case %zu: %s", i, err);
		ck_assert_uint_eq(reg.count, before); /* unchanged */
		registry_free(&reg);
	}
}
END_TEST

START_TEST(too_many_lines_are_refused_early)
{
	size_t count = NSSIANA_MAX_SERVENTS + 1, size = count * 8 + 1;
	char *text = malloc(size), *at = text;
	ck_assert_ptr_nonnull(text);
	for (size_t i = 0; i < count; i++)
		at += sprintf(at, "s %u/t\n", (unsigned)(i % 10));
	struct registry reg;
	char err[256];
	uint32_t lines = 0;
	load(&reg); /* its 2 entries count too */
	ck_assert_int_eq(registry_prepend_services(&reg, text, (size_t)(at - text),
						   "/p", &lines, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "more than 262144 ports served in all") != NULL, "%s", err);
	ck_assert_msg(strncmp(err, "/p:262143:1:", 12) == 0, "%s", err);
	free(text);
	registry_free(&reg);
}
END_TEST

static Suite *prefer_suite(void)
{
	Suite *suite = suite_create("prefer");
	TCase *tc = tcase_create("services");
	tcase_add_test(tc, lines_come_first_in_file_order);
	tcase_add_test(tc, lines_parse_as_nss_files_parses_them);
	tcase_add_test(tc, lines_a_snapshot_cannot_hold_are_refused);
	tcase_add_test(tc, too_many_lines_are_refused_early);
	suite_add_tcase(suite, tc);
	return suite;
}

CHECK_MAIN(prefer_suite)
