/*
 * check_prefer.c - the preference file: which lines it reads, which
 * registry entries they list, and the order that gives.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_main.h"
#include "compiler/prefer.h"

#define LIT(s) (s), (sizeof(s) - 1)

static const char *const no_aliases[1] = { NULL };
static const char *const kerberos_aliases[] = { "kerberos4" };

#define ITEM(n, proto, first, last) { n, no_aliases, 0, proto, first, last }

static struct preference *parse(const char *text)
{
	struct preference *pref = preference_parse(text, strlen(text));
	ck_assert_ptr_nonnull(pref);
	return pref;
}

START_TEST(reads_services_lines)
{
	struct preference *pref = parse(
		"# comment\n"
		"\n"
		"nfs\t\t2049/tcp\t\t\t# Network File System\r\n"
		"kerberos4\t750/udp\t\tkerberos-iv kdc\t# Kerberos (server)\n"
		"broken 99999/tcp\n"
		"noproto 12/\n"
		"noport\n"
		"   # indented comment 1/tcp\n"
		"x 12tcp\n"
		"last 7/udp");
	ck_assert_uint_eq(preference_line_count(pref), 3);
	struct prefer_item nfs = ITEM("nfs", "tcp", 2049, 2049);
	struct prefer_item kdc = ITEM("kdc", "UDP", 750, 750);
	struct prefer_item last = ITEM("last", "udp", 7, 7);
	struct prefer_item broken = ITEM("broken", "tcp", 0, 65535);
	ck_assert_int_eq(preference_rank(pref, &nfs), 3);
	ck_assert_int_eq(preference_rank(pref, &kdc), 4);
	ck_assert_int_eq(preference_rank(pref, &last), 10);
	ck_assert_int_eq(preference_rank(pref, &broken), 0);
	preference_free(pref);
}
END_TEST

START_TEST(what_a_line_lists)
{
	struct preference *pref = parse("kerberos4 750/udp kerberos-iv kdc\n"
					"x11 6001/tcp\n"
					"NFS 2049/TCP\n");
	/* Port, protocol and one name in common, names and protocols
	 * ignoring ASCII case, the port anywhere in a range. */
	struct prefer_item items[] = {
		ITEM("kerberos-iv", "udp", 750, 750),
		ITEM("kerberos-iv", "tcp", 750, 750),
		ITEM("loadav", "udp", 750, 750),
		ITEM("kerberos-iv", "udp", 751, 751),
		ITEM("x11", "tcp", 6000, 6063),
		ITEM("x11", "tcp", 6002, 6063),
		ITEM("nfs", "tcp", 2049, 2049),
		{ "kerberos", kerberos_aliases, 1, "udp", 750, 750 },
	};
	long expected[] = { 1, 0, 0, 0, 2, 0, 3, 1 };
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++)
		ck_assert_msg(preference_rank(pref, &items[i]) == expected[i],
			      "item %zu", i);
	preference_free(pref);
}
END_TEST

static void expect_order(const char *file, const struct prefer_item *items,
			 size_t count, const size_t *expected,
			 size_t expected_moved)
{
	struct preference *pref = parse(file);
	size_t order[16], moved = 99;
	ck_assert_uint_le(count, 16);
	ck_assert_int_eq(preference_order(pref, items, count, order, &moved), 0);
	for (size_t i = 0; i < count; i++)
		ck_assert_msg(order[i] == expected[i], "position %zu: %zu, not %zu",
			      i, order[i], expected[i]);
	ck_assert_uint_eq(moved, expected_moved);
	preference_free(pref);
}

START_TEST(ties_by_port)
{
	struct prefer_item items[] = {
		ITEM("shilp", "tcp", 2049, 2049),
		ITEM("shilp", "udp", 2049, 2049),
		ITEM("other", "tcp", 2050, 2050),
		ITEM("nfs", "tcp", 2049, 2049),
		ITEM("nfs", "udp", 2049, 2049),
	};
	/* nfs/tcp goes just before shilp/tcp, nfs/udp before shilp/udp;
	 * "other" shares no key and only makes room. */
	size_t expected[] = { 3, 0, 4, 1, 2 };
	expect_order("nfs 2049/tcp\nnfs 2049/udp\n", items, 5, expected, 2);
}
END_TEST

START_TEST(ties_by_name)
{
	struct prefer_item items[] = {
		ITEM("http-alt", "tcp", 591, 591),
		ITEM("http-alt", "udp", 591, 591),
		ITEM("http-alt", "tcp", 8008, 8008),
		ITEM("http-alt", "tcp", 8080, 8080),
	};
	size_t expected[] = { 3, 0, 1, 2 };
	expect_order("http-alt 8080/tcp webcache\n", items, 4, expected, 1);
}
END_TEST

START_TEST(plain_order_without_ties_or_lines)
{
	struct prefer_item items[] = {
		ITEM("a", "tcp", 1, 1),
		ITEM("b", "tcp", 2, 2),
		ITEM("c", "udp", 1, 1),
	};
	size_t same[] = { 0, 1, 2 };
	/* c is listed but shares no key with anything before it. */
	expect_order("c 1/udp\nzzz 9/tcp\n", items, 3, same, 0);
	expect_order("", items, 3, same, 0);
	/* Already first: nothing moves. */
	expect_order("a 1/tcp\n", items, 3, same, 0);
}
END_TEST

START_TEST(competing_listed_entries_follow_the_file)
{
	struct prefer_item items[] = {
		ITEM("x", "tcp", 10, 10),
		ITEM("y", "tcp", 10, 10),
		ITEM("z", "tcp", 10, 10),
	};
	size_t expected[] = { 2, 1, 0 };
	expect_order("z 10/tcp\ny 10/tcp\n", items, 3, expected, 2);
	/* Across keys: b competes with a on port 5, and c with b on the
	 * name "b" (alias of c), so the file decides between b and c. */
	static const char *const c_aliases[] = { "b" };
	struct prefer_item chain[] = {
		ITEM("a", "tcp", 5, 5),
		ITEM("b", "tcp", 5, 5),
		{ "c", c_aliases, 1, "tcp", 6, 6 },
	};
	size_t chain_expected[] = { 2, 1, 0 };
	expect_order("c 6/tcp b\nb 5/tcp\n", chain, 3, chain_expected, 2);
}
END_TEST

static Suite *prefer_suite(void)
{
	Suite *suite = suite_create("prefer");
	TCase *tc = tcase_create("prefer");
	tcase_add_test(tc, reads_services_lines);
	tcase_add_test(tc, what_a_line_lists);
	tcase_add_test(tc, ties_by_port);
	tcase_add_test(tc, ties_by_name);
	tcase_add_test(tc, plain_order_without_ties_or_lines);
	tcase_add_test(tc, competing_listed_entries_follow_the_file);
	suite_add_tcase(suite, tc);
	return suite;
}

CHECK_MAIN(prefer_suite)
