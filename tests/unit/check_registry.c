/*
 * check_registry.c - the registry rules: header handling, which rows
 * serve, port and protocol syntax, aliases, the registry date, reading
 * files, and the real IANA registry against the statistics published in
 * its README.
 */
#include <check.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compiler/compile.h"
#include "compiler/registry.h"
#include "check_main.h"
#include "registry_load.h"

#define FIXTURES "tests/fixtures/"

/* The header with only the columns the rule tests need. */
#define SHORT_HEADER "Service Name,Port Number,Transport Protocol,Assignment Notes\n"
#define FULL_HEADER "Service Name,Port Number,Transport Protocol,Description," \
	"Assignee,Contact,Registration Date,Modification Date,Reference," \
	"Service Code,Unauthorized Use Reported,Assignment Notes\n"

static struct registry loaded;

static void free_loaded(void)
{
	registry_free(&loaded);
}

/* Reads a file with the pipeline's reader, then applies the rules to it. */
static int registry_load_file(struct registry *reg, const char *path,
			      char *err, size_t err_size)
{
	char *data;
	size_t size;
	int error = read_whole_file(path, &data, &size);

	memset(reg, 0, sizeof(*reg));
	if (error) {
		read_error_message(err, err_size, path, error);
		return -1;
	}
	int status = registry_load(reg, data, size, path, err, err_size);
	free(data);
	return status;
}

static struct registry *load_text(const char *text)
{
	char err[512];

	err[0] = '\0';
	ck_assert_msg(registry_load(&loaded, text, strlen(text), "t.csv",
				    err, sizeof(err)) == 0,
		      "load failed: %s", err);
	ck_assert_str_eq(err, "");
	return &loaded;
}

static void expect_load_error(const char *text, const char *expected)
{
	struct registry reg;
	char err[512];

	memset(&reg, 0x55, sizeof(reg));
	ck_assert_int_eq(registry_load(&reg, text, strlen(text), "t.csv",
				       err, sizeof(err)), -1);
	ck_assert_msg(strncmp(err, expected, strlen(expected)) == 0,
		      "error \"%s\", expected it to start with \"%s\"", err, expected);
	/* "Empty: nothing to free". */
	ck_assert_ptr_null(reg.rows);
	ck_assert_uint_eq(reg.count, 0);
	registry_free(&reg);
}

static const struct registry_row *row_at(size_t index)
{
	ck_assert_uint_lt(index, loaded.count);
	return &loaded.rows[index];
}

static void expect_row(size_t index, const char *name, unsigned first,
		       unsigned last, const char *proto, long line)
{
	const struct registry_row *row = row_at(index);

	ck_assert_str_eq(row->name, name);
	ck_assert_uint_eq(row->port_first, first);
	ck_assert_uint_eq(row->port_last, last);
	ck_assert_str_eq(row->proto, proto);
	ck_assert_int_eq(row->line, line);
}

/* ---- header --------------------------------------------------------------- */

START_TEST(full_header_and_metadata)
{
	load_text(FULL_HEADER
		  "ftp,21,tcp,File Transfer,[Jon],\"[Jon, again]\",1992-07,"
		  "2023-01-02,[RFC959],S1,[use],\"note\nline 2\"\n");
	ck_assert_uint_eq(loaded.count, 1);
	expect_row(0, "ftp", 21, 21, "tcp", 2);
	const struct registry_row *row = row_at(0);
	ck_assert_str_eq(row->meta[NSSIANA_META_DESCRIPTION], "File Transfer");
	ck_assert_str_eq(row->meta[NSSIANA_META_ASSIGNEE], "[Jon]");
	ck_assert_str_eq(row->meta[NSSIANA_META_CONTACT], "[Jon, again]");
	ck_assert_str_eq(row->meta[NSSIANA_META_REGISTRATION_DATE], "1992-07");
	ck_assert_str_eq(row->meta[NSSIANA_META_MODIFICATION_DATE], "2023-01-02");
	ck_assert_str_eq(row->meta[NSSIANA_META_REFERENCE], "[RFC959]");
	ck_assert_str_eq(row->meta[NSSIANA_META_SERVICE_CODE], "S1");
	ck_assert_str_eq(row->meta[NSSIANA_META_UNAUTHORIZED_USE], "[use]");
	ck_assert_str_eq(row->meta[NSSIANA_META_ASSIGNMENT_NOTES], "note\nline 2");
	ck_assert_int_eq(row->alias_of, -1);
}
END_TEST

START_TEST(reordered_and_extra_columns_old_column_11_crlf)
{
	char err[512];

	ck_assert_msg(registry_load_file(&loaded, FIXTURES "registry_old_header.csv",
					 err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(loaded.stats.rows_read, 3);
	ck_assert_uint_eq(loaded.count, 3);
	expect_row(0, "ftp", 21, 21, "tcp", 2);
	expect_row(1, "ftp", 21, 21, "udp", 3);
	expect_row(2, "ftp", 21, 21, "sctp", 4);
	ck_assert_str_eq(row_at(1)->meta[NSSIANA_META_UNAUTHORIZED_USE], "[Some use]");
	ck_assert_str_eq(row_at(0)->meta[NSSIANA_META_REGISTRATION_DATE], "1994-01");
	/* Columns the file does not have are empty. */
	for (size_t i = 0; i < loaded.count; i++) {
		ck_assert_str_eq(row_at(i)->meta[NSSIANA_META_DESCRIPTION], "");
		ck_assert_str_eq(row_at(i)->meta[NSSIANA_META_ASSIGNMENT_NOTES], "");
	}
	ck_assert_str_eq(loaded.date, "1994-02");
}
END_TEST

START_TEST(only_required_columns)
{
	load_text("Port Number,Transport Protocol,Service Name\n22,tcp,ssh");
	expect_row(0, "ssh", 22, 22, "tcp", 2);
	for (int i = 0; i < NSSIANA_META_FIELDS; i++)
		ck_assert_str_eq(row_at(0)->meta[i], "");
	ck_assert_str_eq(loaded.date, "");
}
END_TEST

START_TEST(missing_required_column)
{
	expect_load_error("Service Name,Transport Protocol\nssh,tcp\n",
			  "t.csv:1:1: missing required column \"Port Number\"");
	expect_load_error("Port Number,Transport Protocol,Description\n",
			  "t.csv:1:1: missing required column \"Service Name\"");
	expect_load_error("Service Name,Port Number,Protocol\n",
			  "t.csv:1:1: missing required column \"Transport Protocol\"");
}
END_TEST

START_TEST(bad_header)
{
	expect_load_error("", "t.csv:1:1: no header row");
	expect_load_error("Service Name,Port Number,Transport Protocol,Port Number\n",
			  "t.csv:1:45: column \"Port Number\" appears twice");
	/* Both names of column 11 at once is the same column twice. */
	expect_load_error("Service Name,Port Number,Transport Protocol,"
			  "Unauthorized Use Reported,Known Unauthorized Uses\n",
			  "t.csv:1:71: column \"Known Unauthorized Uses\" appears twice");
}
END_TEST

START_TEST(header_with_byte_order_mark)
{
	load_text("\xEF\xBB\xBFService Name,Port Number,Transport Protocol\r\nssh,22,tcp\r\n");
	expect_row(0, "ssh", 22, 22, "tcp", 2);
}
END_TEST

START_TEST(field_count_must_match_header)
{
	/* Too many: where the first extra field starts. */
	expect_load_error(SHORT_HEADER "ssh,22,tcp,,x\n", "t.csv:2:13: record has 5 fields, the header has 4");
	/* Too few: just after the record's last byte. */
	expect_load_error(SHORT_HEADER "ssh,22,tcp\n", "t.csv:2:11: record has 3 fields");
	expect_load_error(SHORT_HEADER "a,1,tcp,\n\"x\ny\",22\r\n", "t.csv:4:6: record has 2 fields");
	expect_load_error(SHORT_HEADER "ssh,22,tcp", "t.csv:2:11: record has 3 fields");
}
END_TEST

START_TEST(empty_lines_are_skipped)
{
	load_text(SHORT_HEADER "\na,1,tcp,\n\n\r\nb,2,udp,\n\n");
	ck_assert_uint_eq(loaded.stats.rows_read, 2);
	ck_assert_uint_eq(loaded.count, 2);
	expect_row(0, "a", 1, 1, "tcp", 3);
	expect_row(1, "b", 2, 2, "udp", 6);
}
END_TEST

START_TEST(csv_errors_carry_file_line_column)
{
	expect_load_error(SHORT_HEADER "a,1,tcp,\nb,2,t\"cp,\n",
			  "t.csv:3:6: quote inside an unquoted field");
	expect_load_error(SHORT_HEADER "a,1,tcp,\"open\n\n",
			  "t.csv:2:9: quoted field not closed");
}
END_TEST

/* ---- which rows serve ----------------------------------------------------- */

START_TEST(skip_reasons_in_order)
{
	load_text(SHORT_HEADER
		  ",0,tcp,\n"      /* no name */
		  ",,,\n"          /* no name: the first thing missing */
		  ",6064-6065,,\n" /* no name */
		  "telnets,,tcp,\n"  /* no port */
		  "rdp,,,\n"       /* no port */
		  "flex-lm,27000-27009,,\n" /* no protocol */
		  "ok,1,tcp,\n");
	ck_assert_uint_eq(loaded.stats.rows_read, 7);
	ck_assert_uint_eq(loaded.stats.no_name, 3);
	ck_assert_uint_eq(loaded.stats.no_port, 2);
	ck_assert_uint_eq(loaded.stats.no_proto, 1);
	ck_assert_uint_eq(loaded.stats.bad_name, 0);
	ck_assert_uint_eq(loaded.count, 1);
	ck_assert_uint_eq(loaded.stats.ranges, 0);
	expect_row(0, "ok", 1, 1, "tcp", 8);
}
END_TEST

START_TEST(bad_names)
{
	load_text(SHORT_HEADER
		  "Apple Remote Desktop (Net Assistant),3283,tcp,\n"
		  "tab\tname,1,tcp,\n"
		  "hash#name,2,tcp,\n"
		  "ctl\x01name,3,tcp,\n"
		  "del\x7fname,4,tcp,\n"
		  "\" lead\",5,tcp,\n"
		  "\"line\nbreak\",6,tcp,\n"
		  "\"space only\",,tcp,\n" /* no port comes first */
		  "whois++,63,tcp,\n"
		  "914c/g,211,tcp,\n"
		  "sql*net,66,tcp,\n"
		  "G\xC3\xB6ttingen,7,udp,\n");
	ck_assert_uint_eq(loaded.stats.bad_name, 7);
	ck_assert_uint_eq(loaded.stats.no_port, 1);
	ck_assert_uint_eq(loaded.count, 4);
	expect_row(0, "whois++", 63, 63, "tcp", 11);
	expect_row(1, "914c/g", 211, 211, "tcp", 12);
	expect_row(2, "sql*net", 66, 66, "tcp", 13);
	expect_row(3, "G\xC3\xB6ttingen", 7, 7, "udp", 14);
}
END_TEST

/* Names that would print as something else: C1 controls, Unicode white
 * space, invisible formatting and the controls of text direction are
 * skipped and counted like ASCII white space.  Other non-ASCII letters
 * and symbols stay. */
START_TEST(names_that_hide_what_they_are)
{
	load_text(SHORT_HEADER
		  "c1\xC2\x85name,1,tcp,\n"        /* U+0085 NEL */
		  "c1\xC2\x9Fname,2,tcp,\n"        /* U+009F */
		  "rlo\xE2\x80\xAEtxt.exe,3,tcp,\n" /* U+202E RIGHT-TO-LEFT OVERRIDE */
		  "lre\xE2\x80\xAAx,4,tcp,\n"      /* U+202A */
		  "lrm\xE2\x80\x8Ex,5,tcp,\n"      /* U+200E LEFT-TO-RIGHT MARK */
		  "rlm\xE2\x80\x8Fx,6,tcp,\n"      /* U+200F */
		  "alm\xD8\x9Cx,7,tcp,\n"          /* U+061C ARABIC LETTER MARK */
		  "lri\xE2\x81\xA6x,8,tcp,\n"      /* U+2066 */
		  "pdi\xE2\x81\xA9x,9,tcp,\n"      /* U+2069 */
		  "nbsp\xC2\xA0x,10,tcp,\n"        /* U+00A0 NO-BREAK SPACE */
		  "zwj\xE2\x80\x8Dx,11,tcp,\n"     /* U+200D ZERO WIDTH JOINER */
		  "em\xE2\x80\x83x,12,tcp,\n"      /* U+2003 EM SPACE */
		  "ideo\xE3\x80\x80x,13,tcp,\n"    /* U+3000 IDEOGRAPHIC SPACE */
		  "bom\xEF\xBB\xBFx,14,tcp,\n"     /* U+FEFF */
		  "shy\xC2\xADx,15,tcp,\n"         /* U+00AD SOFT HYPHEN */
		  "euro\xE2\x82\xAC,16,tcp,\n"     /* U+20AC: a symbol */
		  "G\xC3\xB6ttingen,17,tcp,\n"      /* a letter */
		  "\xE2\x81\xB0ok,18,tcp,\n");      /* U+2070: past the format controls */
	ck_assert_uint_eq(loaded.stats.bad_name, 15);
	ck_assert_uint_eq(loaded.count, 3);
	expect_row(0, "euro\xE2\x82\xAC", 16, 16, "tcp", 17);
	expect_row(1, "G\xC3\xB6ttingen", 17, 17, "tcp", 18);
	expect_row(2, "\xE2\x81\xB0ok", 18, 18, "tcp", 19);
}
END_TEST

/* A protocol is a token of letters, digits and -_.+: white space, '#' or
 * any control in one is an error, not a skip. */
START_TEST(protocols_with_spaces_or_controls)
{
	expect_load_error(SHORT_HEADER "a,1,\"t cp\",\n", "t.csv:2:5: malformed protocol");
	expect_load_error(SHORT_HEADER "a,1,tcp#,\n", "t.csv:2:5: malformed protocol");
	expect_load_error(SHORT_HEADER "a,1,t\x01p,\n", "t.csv:2:5: malformed protocol");
	expect_load_error(SHORT_HEADER "a,1,tc\xE2\x80\xAEp,\n", "t.csv:2:5: malformed protocol");
}
END_TEST

START_TEST(registry_order_and_lines_kept)
{
	load_text(SHORT_HEADER
		  "zeta,9,udp,\n"
		  "alpha,1,tcp,\"two\nlines\"\n"
		  "zeta,9,tcp,\n"
		  ",10,tcp,\n"
		  "mid,5,sctp,\n"
		  "mid,5,dccp,\n");
	ck_assert_uint_eq(loaded.count, 5);
	expect_row(0, "zeta", 9, 9, "udp", 2);
	expect_row(1, "alpha", 1, 1, "tcp", 3);
	expect_row(2, "zeta", 9, 9, "tcp", 5);
	expect_row(3, "mid", 5, 5, "sctp", 7);
	expect_row(4, "mid", 5, 5, "dccp", 8);
}
END_TEST

/* ---- ports and protocols -------------------------------------------------- */

START_TEST(port_forms)
{
	load_text(SHORT_HEADER
		  "zero,0,tcp,\n"
		  "top,65535,udp,\n"
		  "x11,6000-6063,tcp,\n"
		  "one,7-7,tcp,\n"
		  "all,0-65535,tcp,\n"
		  "quoted,\"443\",tcp,\n");
	expect_row(0, "zero", 0, 0, "tcp", 2);
	expect_row(1, "top", 65535, 65535, "udp", 3);
	expect_row(2, "x11", 6000, 6063, "tcp", 4);
	expect_row(3, "one", 7, 7, "tcp", 5);
	expect_row(4, "all", 0, 65535, "tcp", 6);
	expect_row(5, "quoted", 443, 443, "tcp", 7);
	/* A range of one port serves one port: not counted as a range. */
	ck_assert_uint_eq(loaded.stats.ranges, 2);
}
END_TEST

START_TEST(malformed_ports)
{
	static const char *const bad[] = {
		"65536", "-1", "abc", "10-5", "1-", "-", "1-65536", "80 ", " 80",
		"+80", "8o", "1--2", "1-2-3", "0x50", "99999999999999999999",
		"\xD9\xA1", "80,", /* the comma is quoted: one field */
	};
	char text[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), SHORT_HEADER "a,1,tcp,\nname,\"%s\",tcp,\n", bad[i]);
		expect_load_error(text, "t.csv:3:6: malformed port");
		/* Wherever it stands: rows that would not serve too. */
		snprintf(text, sizeof(text), SHORT_HEADER ",%s,,\n", bad[i]);
		if (strchr(bad[i], ',') || strchr(bad[i], ' '))
			continue;
		expect_load_error(text, "t.csv:2:2: malformed port");
	}
}
END_TEST

START_TEST(protocol_forms)
{
	char text[256];
	static const char *const bad[] = { "t cp", "tcp/udp", "tcp;", "t\xC3\xA9p", "\"\"\"\"" };

	load_text(SHORT_HEADER "a,1,tcp,\na,1,udp,\na,1,sctp,\na,1,dccp,\na,1,x.y+z_1-2,\n");
	ck_assert_uint_eq(loaded.count, 5);
	ck_assert_str_eq(row_at(4)->proto, "x.y+z_1-2");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text), SHORT_HEADER "name,80,%s,\n", bad[i]);
		expect_load_error(text, "t.csv:2:9: malformed protocol");
		snprintf(text, sizeof(text), SHORT_HEADER ",,%s,\n", bad[i]);
		expect_load_error(text, "t.csv:2:3: malformed protocol");
	}
}
END_TEST

/* ---- aliases -------------------------------------------------------------- */

#define DUPLICATE_OF(name) \
	"\"This is a duplicate of the \"\"" name "\"\" service and should not be used for discovery purposes.\""
#define ALIAS_TO(name) \
	"\"This entry is an alias to \"\"" name "\"\".\nThis entry is now historic.\""

START_TEST(duplicate_of_form)
{
	/* The alias rows come before their target, as www does in IANA's. */
	load_text(SHORT_HEADER
		  "www,80,tcp," DUPLICATE_OF("http") "\n"
		  "www,80,udp," DUPLICATE_OF("http") "\n"
		  "http,80,tcp,\n"
		  "http,80,udp,\n"
		  "www-http,80,tcp," DUPLICATE_OF("http") "\n");
	ck_assert_uint_eq(loaded.count, 5);
	ck_assert_int_eq(row_at(0)->alias_of, 2);
	ck_assert_int_eq(row_at(1)->alias_of, 3);
	ck_assert_int_eq(row_at(2)->alias_of, -1);
	ck_assert_int_eq(row_at(3)->alias_of, -1);
	ck_assert_int_eq(row_at(4)->alias_of, 2);
	ck_assert_uint_eq(loaded.stats.alias_rows, 3);
	ck_assert_uint_eq(loaded.stats.unresolved_aliases, 0);
}
END_TEST

START_TEST(alias_to_form_anywhere_in_notes)
{
	load_text(SHORT_HEADER
		  "whoispp,63,tcp,\n"
		  "whois++,63,tcp," ALIAS_TO("whoispp") "\n"
		  "EtherNet/IP-2,44818,tcp,\"New contact added for port 44818 on 2008-02-01\n"
		  "This entry is an alias to \"\"EtherNet-IP-2\"\".\"\n"
		  "EtherNet-IP-2,44818,tcp,\n"
		  /* The 2024 export renders line breaks as spaces, 2025 keeps
		   * them: neither rendering may matter. */
		  "sql*net,66,tcp,\"This entry is an\nalias to  \"\"sql-net\"\".\"\n"
		  "sql-net,66,tcp,\n");
	ck_assert_int_eq(row_at(1)->alias_of, 0);
	ck_assert_int_eq(row_at(2)->alias_of, 3);
	ck_assert_int_eq(row_at(4)->alias_of, 5);
	ck_assert_uint_eq(loaded.stats.alias_rows, 3);
}
END_TEST

START_TEST(unresolved_alias_is_served_alone)
{
	load_text(SHORT_HEADER
		  "ghost,1,tcp," ALIAS_TO("nowhere") "\n"
		  "other-port,2,tcp," ALIAS_TO("target") "\n"
		  "other-proto,3,udp," ALIAS_TO("target") "\n"
		  "other-range,3-4,tcp," ALIAS_TO("target") "\n"
		  "target,3,tcp,\n"
		  "empty,3,tcp," ALIAS_TO("") "\n"
		  "not-alias,3,tcp,\"an alias to \"\"target\"\" elsewhere\"\n");
	ck_assert_uint_eq(loaded.count, 7);
	for (size_t i = 0; i < 7; i++)
		ck_assert_int_eq(row_at(i)->alias_of, -1);
	ck_assert_uint_eq(loaded.stats.alias_rows, 0);
	ck_assert_uint_eq(loaded.stats.unresolved_aliases, 5);
}
END_TEST

START_TEST(alias_target_case_and_first_match)
{
	load_text(SHORT_HEADER
		  "Foo,5,tcp,\n"                     /* 0 */
		  "foo,5,tcp,\n"                     /* 1 */
		  "foo,5,tcp,\n"                     /* 2 */
		  "a,5,tcp," ALIAS_TO("foo") "\n"    /* 3: exact beats folded */
		  "b,5,tcp," ALIAS_TO("FOO") "\n"    /* 4: first folded */
		  "c,6,tcp," ALIAS_TO("BAR") "\n"    /* 5 */
		  "bar,6,tcp,\n"                     /* 6 */
		  "r,10-20,udp," ALIAS_TO("rng") "\n" /* 7 */
		  "rng,10-20,tcp,\n"                 /* 8: wrong protocol */
		  "rng,10-20,udp,\n");               /* 9 */
	ck_assert_int_eq(row_at(3)->alias_of, 1);
	ck_assert_int_eq(row_at(4)->alias_of, 0);
	ck_assert_int_eq(row_at(5)->alias_of, 6);
	ck_assert_int_eq(row_at(7)->alias_of, 9);
	ck_assert_uint_eq(loaded.stats.alias_rows, 4);
	ck_assert_uint_eq(loaded.stats.ranges, 3);
}
END_TEST

START_TEST(alias_rows_are_not_targets)
{
	/* b is itself an alias row, so a cannot attach to it. */
	load_text(SHORT_HEADER
		  "c,1,tcp,\n"
		  "b,1,tcp," ALIAS_TO("c") "\n"
		  "a,1,tcp," ALIAS_TO("b") "\n");
	ck_assert_int_eq(row_at(1)->alias_of, 0);
	ck_assert_int_eq(row_at(2)->alias_of, -1);
	ck_assert_uint_eq(loaded.stats.alias_rows, 1);
	ck_assert_uint_eq(loaded.stats.unresolved_aliases, 1);
}
END_TEST

START_TEST(bad_name_rows_are_not_alias_targets)
{
	load_text(SHORT_HEADER
		  "\"t t\",1,tcp,\n"
		  "a,1,tcp," ALIAS_TO("t t") "\n");
	ck_assert_uint_eq(loaded.count, 1);
	ck_assert_int_eq(row_at(0)->alias_of, -1);
	ck_assert_uint_eq(loaded.stats.unresolved_aliases, 1);
}
END_TEST

/* ---- registry date -------------------------------------------------------- */

START_TEST(newest_date)
{
	load_text("Service Name,Port Number,Transport Protocol,Registration Date,Modification Date\n"
		  "a,1,tcp,1992-07,2020-05-01\n"
		  ",2,tcp,2007-11,2024-12-20\n" /* not served, still a record date */
		  "b,3,tcp,2025-01,\n"          /* month only, newer than Dec */
		  "c,4,tcp,2025-13-45x,garbage\n"
		  "d,5,tcp,,2024-06-30\n");
	ck_assert_str_eq(loaded.date, "2025-01");
	registry_free(&loaded);
	load_text("Service Name,Port Number,Transport Protocol,Modification Date\n"
		  "a,1,tcp,2025-01\n"
		  "b,2,tcp,2025-01-31\n"
		  "c,3,tcp,2024-12-31\n");
	ck_assert_str_eq(loaded.date, "2025-01-31");
}
END_TEST

/* ---- the sample fixture --------------------------------------------------- */

START_TEST(sample_fixture)
{
	char err[512];

	ck_assert_msg(registry_load_file(&loaded, FIXTURES "registry_sample.csv",
					 err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(loaded.stats.rows_read, 14);
	ck_assert_uint_eq(loaded.stats.no_name, 2);
	ck_assert_uint_eq(loaded.stats.no_port, 1);
	ck_assert_uint_eq(loaded.stats.no_proto, 1);
	ck_assert_uint_eq(loaded.stats.bad_name, 1);
	ck_assert_uint_eq(loaded.stats.alias_rows, 2);
	ck_assert_uint_eq(loaded.stats.unresolved_aliases, 0);
	ck_assert_uint_eq(loaded.stats.ranges, 1);
	ck_assert_uint_eq(loaded.count, 9);
	ck_assert_str_eq(loaded.date, "2024-12-20");
	expect_row(0, "echo", 7, 7, "tcp", 3);
	expect_row(1, "echo", 7, 7, "udp", 4);
	expect_row(2, "www", 80, 80, "tcp", 5);
	expect_row(3, "http", 80, 80, "tcp", 6);
	expect_row(4, "http", 80, 80, "udp", 8);
	expect_row(5, "whois++", 63, 63, "tcp", 9);
	expect_row(6, "whoispp", 63, 63, "tcp", 13);
	expect_row(7, "x11", 6000, 6063, "tcp", 14);
	expect_row(8, "sub-mail", 4711, 4711, "tcp", 18);
	ck_assert_int_eq(row_at(2)->alias_of, 3);
	ck_assert_int_eq(row_at(5)->alias_of, 6);
	ck_assert_str_eq(row_at(3)->meta[NSSIANA_META_DESCRIPTION],
			 "World Wide Web HTTP\n(with a line break)");
	ck_assert_str_eq(row_at(8)->meta[NSSIANA_META_ASSIGNEE],
			 "[Mahr_GmbH_G\xC3\xB6ttingen]");
	ck_assert_str_eq(row_at(8)->meta[NSSIANA_META_UNAUTHORIZED_USE],
			 "[Known Unauthorized Use on port 4711]");
}
END_TEST

/* ---- files ---------------------------------------------------------------- */

static void expect_file_error(const char *path, const char *reason)
{
	struct registry reg;
	char err[512], expected[512];

	snprintf(expected, sizeof(expected), "%s: %s", path, reason);
	ck_assert_int_eq(registry_load_file(&reg, path, err, sizeof(err)), -1);
	ck_assert_str_eq(err, expected);
	ck_assert_ptr_null(reg.rows);
	registry_free(&reg);
}

START_TEST(file_errors)
{
	char dir[] = "/tmp/check_registry.XXXXXX", path[600];
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	expect_file_error(dir, strerror(EISDIR));
	snprintf(path, sizeof(path), "%s/missing.csv", dir);
	expect_file_error(path, strerror(ENOENT));
	snprintf(path, sizeof(path), "%s/missing.csv/x", dir);
	expect_file_error(path, strerror(ENOENT));
	/* Opens, but every read fails. */
	expect_file_error("/proc/self/mem", strerror(EIO));

	/* A sparse file over the limit is refused before reading it. */
	snprintf(path, sizeof(path), "%s/huge.csv", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, ((off_t)64 << 20) + 1), 0);
	close(fd);
	expect_file_error(path, "file larger than 64 MiB, refusing to read it");
	unlink(path);

	/* A parse error in a file is reported with the file's name. */
	snprintf(path, sizeof(path), "%s/bad.csv", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, SHORT_HEADER "a,99999,tcp,\n", strlen(SHORT_HEADER) + 13), strlen(SHORT_HEADER) + 13);
	close(fd);
	{
		struct registry reg;
		char err[512], expected[700];
		snprintf(expected, sizeof(expected), "%s:2:3: malformed port \"99999\"", path);
		ck_assert_int_eq(registry_load_file(&reg, path, err, sizeof(err)), -1);
		ck_assert_msg(strncmp(err, expected, strlen(expected)) == 0, "%s", err);
	}
	unlink(path);
	rmdir(dir);
}
END_TEST

/* Writes `size` bytes of `text` repeated into the FIFO at `path` from a
 * child process; returns its pid. */
static pid_t feed_fifo(const char *path, const char *text, size_t size)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(path, O_WRONLY);
		size_t length = strlen(text);
		for (size_t done = 0; fd >= 0 && done < size;) {
			size_t chunk = size - done < length ? size - done : length;
			ssize_t wrote = write(fd, text, chunk);
			if (wrote <= 0)
				break;
			done += (size_t)wrote;
		}
		_exit(0);
	}
	return pid;
}

/* A FIFO (or a pipe, /dev/stdin) has no size to check first: it is read
 * to its end, and refused once it passes the cap. */
START_TEST(fifo_input)
{
	char dir[] = "/tmp/check_registry.XXXXXX", path[600], err[512];
	static const char csv[] = SHORT_HEADER "ssh,22,tcp,\n";
	char *data;
	size_t size;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/fifo.csv", dir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	pid_t pid = feed_fifo(path, csv, strlen(csv));
	ck_assert_int_eq(read_whole_file(path, &data, &size), 0);
	waitpid(pid, NULL, 0);
	ck_assert_uint_eq(size, strlen(csv));
	ck_assert_str_eq(data, csv); /* NUL-terminated too */
	free(data);

	pid = feed_fifo(path, "0123456789abcdef", INPUT_MAX_FILE_SIZE + 1);
	ck_assert_int_eq(read_whole_file(path, &data, &size), EFBIG);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	read_error_message(err, sizeof(err), path, EFBIG);
	ck_assert_msg(strstr(err, "file larger than 64 MiB") != NULL, "%s", err);
	unlink(path);
	rmdir(dir);
}
END_TEST

START_TEST(unreadable_file)
{
	char path[] = "/tmp/check_registry.XXXXXX";
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(chmod(path, 0), 0);
	if (geteuid() != 0)
		expect_file_error(path, strerror(EACCES));
	else { /* root reads anything: the empty file is then a parse error */
		struct registry reg;
		char err[512], expected[512];
		snprintf(expected, sizeof(expected), "%s:1:1: no header row", path);
		ck_assert_int_eq(registry_load_file(&reg, path, err, sizeof(err)), -1);
		ck_assert_msg(strncmp(err, expected, strlen(expected)) == 0, "%s", err);
	}
	unlink(path);
}
END_TEST

START_TEST(small_error_buffer)
{
	struct registry reg;
	char err[8];

	memset(err, 'z', sizeof(err));
	ck_assert_int_eq(registry_load(&reg, "x", 1, "long-file-name.csv", err, 5), -1);
	ck_assert_str_eq(err, "long");
	ck_assert_int_eq(err[5], 'z');
	ck_assert_int_eq(registry_load(&reg, "x", 1, "f", NULL, 0), -1);
}
END_TEST

/* ---- the real registry ---------------------------------------------------- */

/* The path of the registry CSV: make check always sets CSV, so a missing
 * file is a failure, not a skip. */
static const char *registry_csv(void)
{
	const char *path = getenv("CSV");

	ck_assert_msg(path && *path, "CSV is not set: run through make check");
	ck_assert_msg(access(path, R_OK) == 0, "CSV=%s: %s", path, strerror(errno));
	return path;
}

static long find_row(const char *name, unsigned port, const char *proto)
{
	for (size_t i = 0; i < loaded.count; i++)
		if (strcmp(loaded.rows[i].name, name) == 0 &&
		    loaded.rows[i].port_first == port &&
		    strcmp(loaded.rows[i].proto, proto) == 0)
			return (long)i;
	return -1;
}

static void expect_alias(const char *name, unsigned port, const char *proto,
			 const char *target)
{
	long row = find_row(name, port, proto);
	long alias_of;

	ck_assert_msg(row >= 0, "no row %s %u/%s", name, port, proto);
	alias_of = loaded.rows[row].alias_of;
	ck_assert_msg(alias_of >= 0, "%s %u/%s is not an alias", name, port, proto);
	ck_assert_str_eq(loaded.rows[alias_of].name, target);
	ck_assert_uint_eq(loaded.rows[alias_of].port_first, port);
	ck_assert_str_eq(loaded.rows[alias_of].proto, proto);
}

static void expect_range(const char *name, unsigned first, unsigned last, const char *proto)
{
	long row = find_row(name, first, proto);

	ck_assert_msg(row >= 0, "no row %s %u/%s", name, first, proto);
	ck_assert_uint_eq(loaded.rows[row].port_last, last);
}

static void count_protocols(unsigned long counts[4])
{
	static const char *const names[4] = { "tcp", "udp", "sctp", "dccp" };

	for (size_t i = 0; i < loaded.count; i++)
		for (int p = 0; p < 4; p++)
			if (strcmp(loaded.rows[i].proto, names[p]) == 0)
				counts[p]++;
}

/* Every figure here is from /work/shared/iana/README.md ("Row
 * statistics"), not from this code. */
START_TEST(real_registry_2025)
{
	char err[512];
	unsigned long protocols[4] = { 0 };

	ck_assert_msg(registry_load_file(&loaded, registry_csv(), err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(loaded.stats.rows_read, 14474);
	ck_assert_uint_eq(loaded.stats.no_name, 1703);
	ck_assert_uint_eq(loaded.stats.no_port, 1048);
	ck_assert_uint_eq(loaded.stats.no_proto, 16);
	/* The 2025 names outside RFC 6335 (whois++, z39.50, ...) are still
	 * services(5) tokens. */
	ck_assert_uint_eq(loaded.stats.bad_name, 0);
	ck_assert_uint_eq(loaded.count, 11707);
	ck_assert_uint_eq(loaded.stats.ranges, 3);
	ck_assert_uint_eq(loaded.stats.alias_rows, 188);
	ck_assert_uint_eq(loaded.stats.unresolved_aliases, 0);
	ck_assert_str_eq(loaded.date, "2025-03-28");
	count_protocols(protocols);
	ck_assert_uint_eq(protocols[0], 6003);
	ck_assert_uint_eq(protocols[1], 5607);
	ck_assert_uint_eq(protocols[2], 88);
	ck_assert_uint_eq(protocols[3], 9);

	expect_range("x11", 6000, 6063, "tcp");
	expect_range("x11", 6000, 6063, "udp");
	expect_range("ircu", 6665, 6669, "tcp");
	expect_alias("whois++", 63, "tcp", "whoispp");
	expect_alias("whois++", 63, "udp", "whoispp");
	expect_alias("sql*net", 66, "tcp", "sql-net");
	expect_alias("www", 80, "tcp", "http");
	expect_alias("www", 80, "udp", "http");
	expect_alias("www-http", 80, "tcp", "http");
	expect_alias("www-http", 80, "udp", "http");
	/* `grep -n '^www,80,tcp,' service-names-port-numbers.csv` says 186. */
	ck_assert_int_eq(loaded.rows[find_row("www", 80, "tcp")].line, 186);
	ck_assert_int_eq(find_row("http", 80, "tcp") >= 0, 1);
	ck_assert_int_eq(loaded.rows[find_row("http", 80, "tcp")].alias_of, -1);
}
END_TEST

START_TEST(real_registry_2024_crlf)
{
	char err[512], path[4096];

	const char *csv = registry_csv(), *slash = strrchr(csv, '/');

	/* history/ sits next to the 2025 file. */
	snprintf(path, sizeof(path), "%.*s/history/service-names-port-numbers-2024.csv",
		 slash ? (int)(slash - csv) : 1, slash ? csv : ".");
	ck_assert_msg(registry_load_file(&loaded, path, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(loaded.stats.rows_read, 14447);
	ck_assert_uint_eq(loaded.stats.no_name, 1692);
	ck_assert_uint_eq(loaded.stats.no_port, 1039);
	ck_assert_uint_eq(loaded.stats.no_proto, 16);
	/* README: 11700 rows with name, port and protocol, among them the
	 * names "Apple Remote Desktop (Net Assistant)" and "Escale (Newton
	 * Dock)"; each has a tcp and a udp row (python3 csv module: 4 rows). */
	ck_assert_uint_eq(loaded.stats.bad_name, 4);
	ck_assert_uint_eq(loaded.count + loaded.stats.bad_name, 11700);
	ck_assert_int_eq(find_row("Apple Remote Desktop (Net Assistant)", 3283, "tcp"), -1);
	ck_assert_uint_eq(loaded.stats.ranges, 3);
	ck_assert_uint_eq(loaded.stats.alias_rows, 188);
	ck_assert_uint_eq(loaded.stats.unresolved_aliases, 0);
	ck_assert_str_eq(loaded.date, "2024-04-30");
	expect_alias("www-http", 80, "udp", "http");
	expect_alias("whois++", 63, "tcp", "whoispp");
	/* CRLF line ends are not part of any field. */
	for (size_t i = 0; i < loaded.count; i++) {
		const char *notes = loaded.rows[i].meta[NSSIANA_META_ASSIGNMENT_NOTES];
		size_t length = strlen(notes);
		ck_assert_msg(length == 0 || notes[length - 1] != '\r', "row %zu", i);
		ck_assert_ptr_null(strchr(loaded.rows[i].proto, '\r'));
	}
}
END_TEST

/* ---- size: a quadratic step would hit Check's timeout; nothing measures
 * time ---------------------------------------------------------------------- */

START_TEST(million_rows_with_aliases)
{
	/* 200,000 ports served: under NSSIANA_MAX_SERVENTS. */
	enum { SERVICES = 100000, SAME_NAME = 100000 };
	size_t capacity = 100u << 20, used = 0;
	char *data = malloc(capacity);
	char err[512];

	ck_assert_ptr_nonnull(data);
	used += (size_t)sprintf(data, SHORT_HEADER);
	/* Many rows of one name, then aliases that only match it ignoring
	 * case, each on its own port: the worst case for a lookup that scans
	 * the rows of a name. */
	for (int i = 0; i < SAME_NAME; i++)
		used += (size_t)sprintf(data + used, "x,%d,tcp,\n", i % 65536);
	for (int i = 0; i < SAME_NAME; i++)
		used += (size_t)sprintf(data + used, "y%d,%d,tcp," ALIAS_TO("X") "\n",
					i, i % 65536);
	for (int i = 0; i < SERVICES; i++)
		used += (size_t)sprintf(data + used, "s%d,%d,udp,\n", i, i % 65536);
	for (int i = 0; i < SERVICES; i++)
		used += (size_t)sprintf(data + used, "a%d,%d,udp," ALIAS_TO("s%d") "\n",
					i, i % 65536, i);
	ck_assert_uint_lt(used, capacity);
	ck_assert_msg(registry_load(&loaded, data, used, "big.csv", err, sizeof(err)) == 0,
		      "%s", err);
	free(data);
	ck_assert_uint_eq(loaded.stats.rows_read, 2 * (SAME_NAME + SERVICES));
	ck_assert_uint_eq(loaded.count, 2 * (SAME_NAME + SERVICES));
	ck_assert_uint_eq(loaded.stats.alias_rows, SAME_NAME + SERVICES);
	ck_assert_uint_eq(loaded.stats.unresolved_aliases, 0);
	ck_assert_int_eq(row_at(SAME_NAME)->alias_of, 0);
	/* Port 34,463 has two rows of x (34,463 and 99,999): the first is the
	 * target. */
	ck_assert_int_eq(row_at(2 * SAME_NAME - 1)->alias_of, SAME_NAME - 1 - 65536);
	for (size_t i = 0; i < SERVICES; i += 9973)
		ck_assert_int_eq(row_at(2 * SAME_NAME + SERVICES + i)->alias_of,
				 (long)(2 * SAME_NAME + i));
}
END_TEST

/* ---- the format's limits (snapshot_format.h), refused where they are
 * passed ------------------------------------------------------------------- */

struct text {
	char *data;
	size_t used;
	size_t capacity;
};

__attribute__((format(printf, 2, 3)))
static void add(struct text *t, const char *format, ...)
{
	va_list args;
	int length;

	va_start(args, format);
	length = vsnprintf(NULL, 0, format, args);
	va_end(args);
	while (t->used + (size_t)length + 1 > t->capacity) {
		t->capacity = t->capacity ? 2 * t->capacity : 4096;
		t->data = realloc(t->data, t->capacity);
		ck_assert_ptr_nonnull(t->data);
	}
	va_start(args, format);
	vsnprintf(t->data + t->used, t->capacity - t->used, format, args);
	va_end(args);
	t->used += (size_t)length;
}

/* Compiles t through the pipeline; returns its status, *t freed. */
static int compile_text(struct text *t, char *err, size_t err_size)
{
	struct compiled compiled;
	int status = compile_data(t->data, t->used, "t.csv", NULL, &compiled, err, err_size);

	if (status == 0)
		compiled_free(&compiled);
	free(t->data);
	memset(t, 0, sizeof(*t));
	return status;
}

static void expect_compiled(struct text *t)
{
	char err[512] = "";

	ck_assert_msg(compile_text(t, err, sizeof(err)) == 0, "%s", err);
}

static void expect_refused(struct text *t, const char *expected)
{
	char err[512] = "";

	ck_assert_int_eq(compile_text(t, err, sizeof(err)), -1);
	ck_assert_msg(strncmp(err, expected, strlen(expected)) == 0,
		      "error \"%s\", expected it to start with \"%s\"", err, expected);
}

/* An entry with `aliases` alias rows. */
static void entry_with_aliases(struct text *t, int aliases)
{
	add(t, SHORT_HEADER "t,7,tcp,\n");
	for (int i = 0; i < aliases; i++)
		add(t, "a%d,7,tcp," ALIAS_TO("t") "\n", i);
}

START_TEST(aliases_per_entry)
{
	struct text t = { 0 };

	entry_with_aliases(&t, NSSIANA_MAX_ALIASES);
	expect_compiled(&t);
	entry_with_aliases(&t, NSSIANA_MAX_ALIASES + 1);
	/* Each alias row takes 2 lines (ALIAS_TO holds a line break). */
	expect_refused(&t, "t.csv:67:1: more than 32 aliases of the entry at line 2");
}
END_TEST

START_TEST(answer_bytes)
{
	struct text t = { 0 };

	/* With its protocol, NULs, alias array and alignment, a 4,000-byte
	 * name fits 4,096 bytes; a 4,090-byte one does not. */
	add(&t, SHORT_HEADER "x,1,tcp,\n%0*d,7,tcp,\n", 4000, 0);
	expect_compiled(&t);
	add(&t, SHORT_HEADER "x,1,tcp,\n%0*d,7,tcp,\n", 4090, 0);
	expect_refused(&t, "t.csv:3:1: the entry at line 3 would need more than 4096 bytes");
}
END_TEST

START_TEST(servents_in_all)
{
	struct text t = { 0 };

	/* 4 x 65,536 = NSSIANA_MAX_SERVENTS exactly. */
	add(&t, SHORT_HEADER);
	for (int i = 0; i < 4; i++)
		add(&t, "r%d,0-65535,tcp,\n", i);
	expect_compiled(&t);
	/* 4,000 rows of 0-65535 (a 66 MB snapshot once) stop at the fifth. */
	add(&t, SHORT_HEADER);
	for (int i = 0; i < 4000; i++)
		add(&t, "r%d,0-65535,tcp,\n", i);
	expect_refused(&t, "t.csv:6:1: more than 262144 ports served in all");
}
END_TEST

START_TEST(entries_in_one_bucket)
{
	struct text t = { 0 };

	/* 64 entries on one port fit a bucket; the 65th cannot. */
	add(&t, SHORT_HEADER);
	for (int i = 0; i < NSSIANA_MAX_BUCKET_ENTRIES; i++)
		add(&t, "p%d,7,tcp,\n", i);
	expect_compiled(&t);
	add(&t, SHORT_HEADER);
	for (int i = 0; i <= NSSIANA_MAX_BUCKET_ENTRIES; i++)
		add(&t, "p%d,7,%s,\n", i, i % 2 ? "udp" : "tcp");
	expect_refused(&t, "t.csv:66:1: more than 64 entries on port 7");
	/* 65 entries of one name (on different ports) share its hash. */
	add(&t, SHORT_HEADER);
	for (int i = 0; i <= NSSIANA_MAX_BUCKET_ENTRIES; i++)
		add(&t, "%s,%d,tcp,\n", i % 2 ? "same" : "SAME", i);
	expect_refused(&t, "t.csv:66:1: more than 64 entries whose names hash alike");
}
END_TEST

/* Ports 0, 128, ..., 8192 share the bucket of port 0 among the 128 buckets
 * that 65 entries start with: the writer doubles the buckets instead of
 * refusing, and every port still answers. */
START_TEST(buckets_grow_rather_than_refuse)
{
	struct text t = { 0 };
	struct compiled compiled;
	char err[512];

	add(&t, SHORT_HEADER);
	for (int i = 0; i <= NSSIANA_MAX_BUCKET_ENTRIES; i++)
		add(&t, "p%d,%d,tcp,\n", i, i * 128);
	ck_assert_msg(compile_data(t.data, t.used, "t.csv", NULL, &compiled, err, sizeof(err)) == 0,
		      "%s", err);
	free(t.data);
	ck_assert_uint_gt(compiled.snap.ports.bucket_mask + 1, 128);
	for (int i = 0; i <= NSSIANA_MAX_BUCKET_ENTRIES; i++) {
		uint32_t index;
		ck_assert_int_eq(snapshot_find_port(&compiled.snap, (uint16_t)(i * 128), "tcp",
						    &index), SNAPSHOT_FOUND);
		ck_assert_uint_eq(compiled.snap.entries[index].port_first, i * 128);
	}
	compiled_free(&compiled);
}
END_TEST

START_TEST(file_size)
{
	struct text t = { 0 };

	/* Sixteen distinct descriptions of a million bytes fit 16 MiB; the
	 * seventeenth row outgrows it. */
	add(&t, "Service Name,Port Number,Transport Protocol,Description\n");
	for (int i = 0; i < 17; i++)
		add(&t, "s%d,%d,tcp,%c%0*d\n", i, i, 'a' + i, 999999, 0);
	expect_refused(&t, "t.csv:18:1: the snapshot would be");
}
END_TEST

static Suite *registry_suite(void)
{
	Suite *suite = suite_create("registry");
	TCase *header = tcase_create("header");
	TCase *rows = tcase_create("rows");
	TCase *aliases = tcase_create("aliases");
	TCase *files = tcase_create("files");
	TCase *real = tcase_create("real registry");
	TCase *size = tcase_create("size");
	TCase *limits = tcase_create("limits");

	tcase_add_checked_fixture(header, NULL, free_loaded);
	tcase_add_test(header, full_header_and_metadata);
	tcase_add_test(header, reordered_and_extra_columns_old_column_11_crlf);
	tcase_add_test(header, only_required_columns);
	tcase_add_test(header, missing_required_column);
	tcase_add_test(header, bad_header);
	tcase_add_test(header, header_with_byte_order_mark);
	tcase_add_test(header, field_count_must_match_header);
	tcase_add_test(header, empty_lines_are_skipped);
	tcase_add_test(header, csv_errors_carry_file_line_column);
	suite_add_tcase(suite, header);

	tcase_add_checked_fixture(rows, NULL, free_loaded);
	tcase_add_test(rows, skip_reasons_in_order);
	tcase_add_test(rows, bad_names);
	tcase_add_test(rows, names_that_hide_what_they_are);
	tcase_add_test(rows, protocols_with_spaces_or_controls);
	tcase_add_test(rows, registry_order_and_lines_kept);
	tcase_add_test(rows, port_forms);
	tcase_add_test(rows, malformed_ports);
	tcase_add_test(rows, protocol_forms);
	tcase_add_test(rows, newest_date);
	suite_add_tcase(suite, rows);

	tcase_add_checked_fixture(aliases, NULL, free_loaded);
	tcase_add_test(aliases, duplicate_of_form);
	tcase_add_test(aliases, alias_to_form_anywhere_in_notes);
	tcase_add_test(aliases, unresolved_alias_is_served_alone);
	tcase_add_test(aliases, alias_target_case_and_first_match);
	tcase_add_test(aliases, alias_rows_are_not_targets);
	tcase_add_test(aliases, bad_name_rows_are_not_alias_targets);
	suite_add_tcase(suite, aliases);

	tcase_add_checked_fixture(files, NULL, free_loaded);
	tcase_add_test(files, sample_fixture);
	tcase_add_test(files, file_errors);
	tcase_add_test(files, unreadable_file);
	tcase_add_test(files, fifo_input);
	tcase_add_test(files, small_error_buffer);
	suite_add_tcase(suite, files);

	tcase_add_checked_fixture(real, NULL, free_loaded);
	tcase_add_test(real, real_registry_2025);
	tcase_add_test(real, real_registry_2024_crlf);
	suite_add_tcase(suite, real);

	tcase_add_checked_fixture(size, NULL, free_loaded);
	tcase_add_test(size, million_rows_with_aliases);
	suite_add_tcase(suite, size);

	tcase_add_test(limits, aliases_per_entry);
	tcase_add_test(limits, answer_bytes);
	tcase_add_test(limits, servents_in_all);
	tcase_add_test(limits, entries_in_one_bucket);
	tcase_add_test(limits, buckets_grow_rather_than_refuse);
	tcase_add_test(limits, file_size);
	suite_add_tcase(suite, limits);
	return suite;
}

CHECK_MAIN(registry_suite)
