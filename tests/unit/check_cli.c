/*
 * check_cli.c - unit tests of the nss-iana tool's shared pieces: JSON
 * strings, metadata records, ASCII folding, port formatting, the diff and
 * the verify checks, on snapshots compiled from CSV text in memory.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compile.h"
#include "reader/checksum.h"
#include "text.h"
#include "tool/tool.h"
#include "check_main.h"

#define HEADER "Service Name,Port Number,Transport Protocol,Description," \
	"Assignee,Contact,Registration Date,Modification Date,Reference," \
	"Service Code,Unauthorized Use Reported,Assignment Notes\n"

/* The JSON text tool_json_string writes for `text`; caller frees. */
static char *json_of(const char *text)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	ck_assert_ptr_nonnull(f);
	tool_json_string(f, text);
	fclose(f);
	return out;
}

#define ck_json(text, expected)                        \
	do {                                           \
		char *got_ = json_of(text);            \
		ck_assert_str_eq(got_, expected);      \
		free(got_);                            \
	} while (0)

START_TEST(json_escapes)
{
	ck_json("plain", "\"plain\"");
	ck_json("", "\"\"");
	ck_json("say \"hi\"\\", "\"say \\\"hi\\\"\\\\\"");
	ck_json("a\nb\rc\td", "\"a\\nb\\rc\\td\"");
	ck_json("\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"");
	ck_json("/ stays", "\"/ stays\"");
}
END_TEST

START_TEST(json_utf8)
{
	/* Valid sequences pass through byte for byte. */
	ck_json("G\xc3\xb6ttingen \xe2\x88\x9a \xf0\x9f\x98\x80",
		"\"G\xc3\xb6ttingen \xe2\x88\x9a \xf0\x9f\x98\x80\"");
	/* Invalid ones become U+FFFD, one per bad byte. */
	ck_json("a\xff" "b", "\"a\\ufffdb\"");
	ck_json("\xc3", "\"\\ufffd\"");                 /* cut sequence */
	ck_json("\xc0\xaf", "\"\\ufffd\\ufffd\"");      /* overlong */
	ck_json("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
	ck_json("\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
}
END_TEST

START_TEST(fold_and_ports)
{
	ck_assert(text_ascii_equal_fold("HTTP-Alt", "http-alt"));
	ck_assert(text_ascii_equal_fold("", ""));
	ck_assert(!text_ascii_equal_fold("http", "https"));
	ck_assert(!text_ascii_equal_fold("\xc3\x96", "\xc3\xb6")); /* ASCII only */
	ck_assert_int_lt(text_ascii_compare_fold("ab", "AC"), 0);
	ck_assert_int_gt(text_ascii_compare_fold("B", "a"), 0);
	char buf[16];
	tool_format_ports(buf, sizeof(buf), 80, 80);
	ck_assert_str_eq(buf, "80");
	tool_format_ports(buf, sizeof(buf), 6000, 6063);
	ck_assert_str_eq(buf, "6000-6063");
	tool_format_ports(buf, sizeof(buf), 0, 65535);
	ck_assert_str_eq(buf, "0-65535");
}
END_TEST

/* A snapshot with only a string pool, for the record reader. */
static struct snapshot pool_only(const char *pool, uint32_t size)
{
	struct snapshot snap;
	memset(&snap, 0, sizeof(snap));
	snap.strings = pool;
	snap.strings_size = size;
	return snap;
}

START_TEST(meta_record_bounds)
{
	/* Offset 0: "", then nine strings at 1. */
	static const char pool[] = "\0d\0a\0c\0r\0m\0ref\0sc\0u\0n";
	struct snapshot snap = pool_only(pool, sizeof(pool)); /* last NUL included */
	const char *f[NSSIANA_META_FIELDS];
	ck_assert(tool_meta_record(&snap, 1, f));
	ck_assert_str_eq(f[NSSIANA_META_DESCRIPTION], "d");
	ck_assert_str_eq(f[NSSIANA_META_REFERENCE], "ref");
	ck_assert_str_eq(f[NSSIANA_META_ASSIGNMENT_NOTES], "n");
	/* Starting later, the ninth string would start past the pool. */
	ck_assert(!tool_meta_record(&snap, 3, f));
	ck_assert(!tool_meta_record(&snap, sizeof(pool), f));
	ck_assert(!tool_meta_record(&snap, UINT32_MAX, f));
	/* A pool whose last byte is not NUL: the last string is unterminated. */
	struct snapshot cut = pool_only(pool, sizeof(pool) - 1);
	ck_assert(!tool_meta_record(&cut, 1, f));
}
END_TEST

/* Compiles CSV text into an in-memory snapshot. */
struct built {
	struct snapshot_image image;
	struct snapshot snap;
};

static void build(struct built *b, const char *csv)
{
	char err[256];
	struct compiled compiled;
	int rc = compile_data(csv, strlen(csv), "test.csv", NULL, &compiled, err, sizeof(err));
	ck_assert_msg(rc == 0, "%s", err);
	b->image = compiled.image;
	b->snap = compiled.snap;
}

static char *diff_text(const struct snapshot *a, const struct snapshot *b,
		       bool exact, struct tool_diff_counts *counts)
{
	char *out = NULL, err[128];
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	ck_assert_int_eq(tool_diff(a, b, exact, f, counts, err, sizeof(err)), 0);
	fclose(f);
	return out;
}

/* The one checked view of an entry that show, diff and export print. */
START_TEST(entry_view)
{
	struct built b;
	struct tool_entry_view view;
	build(&b, "Service Name,Port Number,Transport Protocol,Description,Assignment Notes\n"
		  "http,80,tcp,World Wide Web,\n"
		  "www,80,tcp,alias row,\"This entry is an alias to \"\"http\"\".\"\n"
		  "x11,6000-6063,tcp,X Window,\n");
	ck_assert(tool_entry_view(&b.snap, 0, &view));
	ck_assert_str_eq(view.name, "http");
	ck_assert_str_eq(view.proto, "tcp");
	ck_assert_uint_eq(view.alias_count, 1);
	ck_assert_str_eq(view.aliases[0], "www");
	ck_assert_str_eq(view.meta[NSSIANA_META_DESCRIPTION], "World Wide Web");
	ck_assert_str_eq(view.alias_meta[0][NSSIANA_META_DESCRIPTION], "alias row");
	ck_assert(tool_entry_view(&b.snap, 1, &view));
	ck_assert_uint_eq(view.port_last, 6063);
	ck_assert(!tool_entry_view(&b.snap, 2, &view)); /* no such entry */

	/* What the compiler never writes: refused, not printed. */
	struct nssiana_entry *e = (struct nssiana_entry *)b.snap.entries;
	struct nssiana_entry saved = *e;
	e->name = saved.meta; /* "World Wide Web": not one token */
	ck_assert(!tool_entry_view(&b.snap, 0, &view));
	*e = saved;
	e->alias_count = NSSIANA_MAX_ALIASES + 1;
	ck_assert(!tool_entry_view(&b.snap, 0, &view));
	*e = saved;
	e->port_first = 81;
	ck_assert(!tool_entry_view(&b.snap, 0, &view));
	*e = saved;
	ck_assert(tool_entry_view(&b.snap, 0, &view));
	snapshot_image_free(&b.image);
}
END_TEST

START_TEST(diff_keys_and_fields)
{
	struct built old_b, new_b;
	build(&old_b, HEADER
	      "a,1,tcp,A,,,,,,,,\n"
	      "b,2,tcp,B,,,,,,,,\n"
	      "c,3,udp,C,,,,,,,,\n"
	      "r,10-12,tcp,R,,,,,,,,\n"
	      "h,80,tcp,H,,,,,,,,\n"
	      "w,80,tcp,H,,,,,,,,\"This entry is an alias to \"\"h\"\".\"\n");
	build(&new_b, HEADER
	      "c,3,udp,C,,,,,[RFC1],,,\n"     /* reference changed, moved */
	      "a,1,tcp,A,,,,,,,,\n"           /* same, moved */
	      "b,2,udp,B,,,,,,,,\n"           /* protocol changed: new key */
	      "r,10-13,tcp,R,,,,,,,,\n"       /* range changed: new key */
	      "h,80,tcp,H,,,,,,,,\n"
	      "w,80,tcp,H,,,,,,,,\"This entry is an alias to \"\"h\"\".  Note.\"\n");
	struct tool_diff_counts counts;
	char *text = diff_text(&old_b.snap, &new_b.snap, false, &counts);
	ck_assert_uint_eq(counts.added, 2);
	ck_assert_uint_eq(counts.removed, 2);
	ck_assert_uint_eq(counts.changed, 2);
	ck_assert_str_eq(text,
			 "removed  b 2/tcp\n"
			 "added    b 2/udp\n"
			 "changed  c 3/udp: reference\n"
			 "changed  h 80/tcp: aliases\n"
			 "removed  r 10-12/tcp\n"
			 "added    r 10-13/tcp\n");
	free(text);
	text = diff_text(&new_b.snap, &new_b.snap, true, &counts);
	ck_assert_str_eq(text, "");
	ck_assert_uint_eq(counts.added + counts.removed + counts.changed, 0);
	free(text);
	snapshot_image_free(&old_b.image);
	snapshot_image_free(&new_b.image);
}
END_TEST

START_TEST(diff_white_space)
{
	struct built old_b, new_b;
	build(&old_b, HEADER
	      "a,1,tcp,one two,,,,,,,,\n"
	      "b,2,tcp,one two,,,,,,,,\n"
	      "c,3,tcp,one two,,,,,,,,\n");
	build(&new_b, HEADER
	      "a,1,tcp,\"one\n  two\",,,,,,,,\n"  /* a line break for a space */
	      "b,2,tcp,one  two,,,,,,,,\n"         /* two spaces */
	      "c,3,tcp,onetwo,,,,,,,,\n");         /* words changed */
	struct tool_diff_counts counts;
	char *text = diff_text(&old_b.snap, &new_b.snap, false, &counts);
	ck_assert_str_eq(text, "changed  c 3/tcp: description\n");
	ck_assert_uint_eq(counts.changed, 1);
	ck_assert_uint_eq(counts.reformatted, 2);
	free(text);
	text = diff_text(&old_b.snap, &new_b.snap, true, &counts);
	ck_assert_uint_eq(counts.changed, 3);
	ck_assert_uint_eq(counts.reformatted, 0);
	free(text);

	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	struct tool_diff_counts shown = {1, 2, 3, 4};
	tool_diff_print_counts(f, &shown);
	fclose(f);
	ck_assert_str_eq(out, "4 more differ only in white space (not listed)\n"
			      "1 added, 2 removed, 3 changed\n");
	free(out);
	snapshot_image_free(&old_b.image);
	snapshot_image_free(&new_b.image);
}
END_TEST

START_TEST(verify_catches_corruption)
{
	struct built b;
	char reason[256];
	build(&b, HEADER
	      "http,80,tcp,Web,,,,2020-01-01,,,,\n"
	      "www,80,tcp,Web,,,,,,,,\"This is a duplicate of the \"\"http\"\" service\"\n"
	      "x11,6000-6063,tcp,X,,,,,,,,\n");
	ck_assert_ptr_null(tool_verify_snapshot(&b.snap, reason, sizeof(reason)));

	/* Any byte changed: the checksum. */
	b.image.data[b.image.size - 1] ^= 1;
	ck_assert_ptr_nonnull(tool_verify_snapshot(&b.snap, reason, sizeof(reason)));
	ck_assert_ptr_nonnull(strstr(reason, "checksum"));
	b.image.data[b.image.size - 1] ^= 1;

	/* A checksum that matches but counts that do not add up. */
	struct nssiana_header *h = (struct nssiana_header *)b.image.data;
	h->rows_read++;
	h->checksum = snapshot_checksum(b.image.data, b.image.size);
	ck_assert_ptr_nonnull(tool_verify_snapshot(&b.snap, reason, sizeof(reason)));
	ck_assert_ptr_nonnull(strstr(reason, "counts"));
	h->rows_read--;

	/* An entry dropped from the port index. */
	struct nssiana_entry *entries = (struct nssiana_entry *)b.snap.entries;
	ck_assert_uint_gt(b.snap.ports.bucket_mask, 0);
	entries[0].port_first = entries[0].port_last = 81; /* indexed under 80 */
	h->checksum = snapshot_checksum(b.image.data, b.image.size);
	ck_assert_ptr_nonnull(tool_verify_snapshot(&b.snap, reason, sizeof(reason)));
	ck_assert_msg(strstr(reason, "port index") != NULL, "%s", reason);
	snapshot_image_free(&b.image);
}
END_TEST

START_TEST(verify_checks_registry_order_in_buckets)
{
	struct built b;
	char reason[256];
	build(&b, HEADER "http,80,tcp,Web,,,,,,,,\nx11,6000-6063,tcp,X,,,,,,,,\n");
	/* Find a bucket listing both entries and swap its refs. */
	const struct snapshot_index *ports = &b.snap.ports;
	uint32_t b0 = 0;
	while (b0 <= ports->bucket_mask &&
	       ports->buckets[b0 + 1] - ports->buckets[b0] < 2)
		b0++;
	ck_assert_uint_le(b0, ports->bucket_mask);
	uint32_t *refs = (uint32_t *)ports->refs + ports->buckets[b0];
	uint32_t first = refs[0];
	refs[0] = refs[1];
	refs[1] = first;
	struct nssiana_header *h = (struct nssiana_header *)b.image.data;
	h->checksum = snapshot_checksum(b.image.data, b.image.size);
	/* The module still maps it (safe, only wrong); verify rejects it. */
	struct snapshot reparsed;
	ck_assert_ptr_null(snapshot_parse(&reparsed, b.image.data, b.image.size));
	ck_assert_ptr_nonnull(tool_verify_snapshot(&b.snap, reason, sizeof(reason)));
	ck_assert_msg(strstr(reason, "not increasing") != NULL, "%s", reason);
	snapshot_image_free(&b.image);
}
END_TEST

static Suite *cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *t = tcase_create("core");
	tcase_add_test(t, json_escapes);
	tcase_add_test(t, json_utf8);
	tcase_add_test(t, fold_and_ports);
	tcase_add_test(t, meta_record_bounds);
	tcase_add_test(t, entry_view);
	tcase_add_test(t, diff_keys_and_fields);
	tcase_add_test(t, diff_white_space);
	tcase_add_test(t, verify_catches_corruption);
	tcase_add_test(t, verify_checks_registry_order_in_buckets);
	suite_add_tcase(s, t);
	return s;
}

CHECK_MAIN(cli_suite)
