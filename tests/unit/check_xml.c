/*
 * check_xml.c - the reader of IANA's registry XML: the CSV export's text
 * rendering, rule by rule, the contacts table, and the bounds and
 * positions of everything it refuses.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/xml.h"
#include "check_main.h"
#include "render.h"

#define HEAD "<?xml version='1.0' encoding='UTF-8'?>\n" \
	"<registry xmlns=\"http://www.iana.org/assignments\" id=\"x\">\n"
#define TAIL "</registry>\n"

/* Reads every record into "[f1|f2|...]" per record, one after another,
 * persons prefixed with "P", so a test states the whole result at once. */
static char *render_all(const char *data, size_t size, int *status,
			struct record_error *error)
{
	struct rendering out = render_start();
	struct xml_reader *reader = xml_reader_new(data, size);
	const struct xml_record *record;

	ck_assert_ptr_nonnull(reader);
	while ((*status = xml_next(reader, &record, error)) > 0) {
		if (record->kind == XML_RECORD_PERSON)
			render_char(&out, 'P');
		render_record(&out, record->fields, record->field_count);
	}
	xml_reader_free(reader);
	return render_finish(&out);
}

static void expect_parse(const char *data, size_t size, const char *expected)
{
	int status;
	struct record_error error;
	char *got = render_all(data, size, &status, &error);

	ck_assert_msg(status == 0, "error %ld:%ld: %s", error.line, error.column,
		      error.message);
	ck_assert_str_eq(got, expected);
	free(got);
}

static void expect_error(const char *data, size_t size, long line,
			 long column, const char *what)
{
	int status;
	struct record_error error;
	char *got = render_all(data, size, &status, &error);

	ck_assert_int_eq(status, -1);
	ck_assert_msg(strstr(error.message, what) != NULL,
		      "message \"%s\" lacks \"%s\"", error.message, what);
	if (line > 0) {
		ck_assert_int_eq(error.line, line);
		ck_assert_int_eq(error.column, column);
	}
	free(got);
}

#define EXPECT_PARSE(literal, expected) expect_parse(LIT(literal), expected)

/* One record holding `body`, its other fields empty. */
#define RECORD(body) HEAD "<record>" body "</record>" TAIL

START_TEST(record_fields_in_csv_order)
{
	EXPECT_PARSE(HEAD
		"<record date=\"1992-07\" updated=\"2024-12-20\">\n"
		"  <name>http</name>\n  <protocol>tcp</protocol>\n"
		"  <assignee><xref type=\"person\" data=\"IESG\"/></assignee>\n"
		"  <description>World Wide Web HTTP</description>\n"
		"  <number>80</number>\n"
		"  <xref type=\"person\" data=\"IETF_Chair\"/>\n"
		"  <xref type=\"rfc\" data=\"rfc9110\"/>\n"
		"  <sc>1</sc><unauthorized>u</unauthorized>\n"
		"  <note>n</note>\n"
		"</record>\n" TAIL,
		"[http|80|tcp|World Wide Web HTTP|[IESG]|[IETF_Chair]|1992-07|"
		"2024-12-20|[RFC9110]|1|u|n]");
}
END_TEST

START_TEST(record_without_fields_is_all_empty)
{
	EXPECT_PARSE(RECORD(""), "[|||||||||||]");
}
END_TEST

START_TEST(contact_is_assignee_without_assignee)
{
	EXPECT_PARSE(RECORD("<xref type=\"person\" data=\"A\"/>"
			    "<xref type=\"person\" data=\"B\"/>"),
		     "[||||[A][B]|[A][B]||||||]");
}
END_TEST

START_TEST(xrefs_side_by_side_text_or_data)
{
	/* Text wins over data; only rfc data is upper-cased. */
	EXPECT_PARSE(RECORD("<xref type=\"rfc\" data=\"rfc3501\"/>\n"
			    "<xref type=\"rfc\" data=\"rfc8765\">RFC8765, Section 6.1</xref>\n"
			    "<xref type=\"draft\" data=\"draft-x-y\"/>\n"
			    "<xref type=\"text\">n/a</xref>\n"
			    "<xref type=\"note\" data=\"1\"/>\n"
			    "<xref type=\"uri\" data=\"http://e.org/A\"/>"),
		     "[||||||||[RFC3501][RFC8765, Section 6.1][draft-x-y][n/a][1]"
		     "[http://e.org/A]|||]");
}
END_TEST

START_TEST(xref_inside_text)
{
	EXPECT_PARSE(RECORD("<note>see <xref type=\"rfc\" data=\"rfc1\"/> now</note>"),
		     "[|||||||||||see [RFC1] now]");
}
END_TEST

START_TEST(assignee_ignores_text_between_xrefs)
{
	EXPECT_PARSE(RECORD("<assignee>\n  <xref type=\"person\" data=\"A\"/>\n"
			    "  <xref type=\"person\" data=\"B\"/>\n</assignee>"
			    "<xref type=\"person\" data=\"C\"/>"),
		     "[||||[A][B]|[C]||||||]");
}
END_TEST

START_TEST(br_dropped_line_breaks_kept)
{
	/* IANA's 2025 CSV: "whois++", newline, "IANA assigned ..." */
	EXPECT_PARSE(RECORD("<description>whois++<br/><br/>\nIANA assigned</description>"),
		     "[|||whois++\nIANA assigned||||||||]");
	/* A line break with indentation but no blank before it stays. */
	EXPECT_PARSE(RECORD("<note>a.\n      u=x</note>"),
		     "[|||||||||||a.\n      u=x]");
	/* A blank before it but none after: stays too. */
	EXPECT_PARSE(RECORD("<note>keys: \nenabled</note>"),
		     "[|||||||||||keys: \nenabled]");
}
END_TEST

START_TEST(wrapped_line_becomes_one_space)
{
	EXPECT_PARSE(RECORD("<description>for \n      \"RadSec\", an \t\n\t RFC</description>"),
		     "[|||for \"RadSec\", an RFC||||||||]");
	/* Leftmost first: of " \n \n x" only the first break joins. */
	EXPECT_PARSE(RECORD("<description>a \n \n x</description>"),
		     "[|||a \n x||||||||]");
}
END_TEST

START_TEST(paragraphs_start_with_eight_spaces)
{
	EXPECT_PARSE(RECORD("<note>\n  <paragraph>Keys:</paragraph>\n"
			    "  <paragraph>td: path</paragraph>\n</note>"),
		     "[|||||||||||Keys:\n          td: path]");
}
END_TEST

START_TEST(fields_are_stripped)
{
	EXPECT_PARSE(RECORD("<name>\n  ssh \t</name><description>\n\n</description>"),
		     "[ssh|||||||||||]");
}
END_TEST

START_TEST(entities_and_cdata_are_text)
{
	EXPECT_PARSE(RECORD("<note>&lt;a&amp;b&gt; &#233; <![CDATA[<x>]]></note>"),
		     "[|||||||||||<a&b> \xC3\xA9 <x>]");
}
END_TEST

START_TEST(unknown_elements)
{
	/* Outside a field: skipped with their text; inside: read as text. */
	EXPECT_PARSE(HEAD "<title>T</title><foo><record><name>x</name></record></foo>"
		     "<record><bar>junk</bar><name>a<i>b</i>c</name></record>" TAIL,
		     "[abc|||||||||||]");
}
END_TEST

START_TEST(people_table)
{
	EXPECT_PARSE(HEAD "<record><name>a</name></record>\n<people>\n"
		     "<person id=\"IETF_Chair\"><name>IETF Chair</name>"
		     "<org>IETF</org><uri>mailto:chair&amp;ietf.org</uri></person>\n"
		     "<person id=\"x\"><uri>mailto:a</uri><uri>mailto:b</uri>"
		     "<updated>2003-11</updated></person>\n"
		     "</people>" TAIL,
		     "[a|||||||||||]"
		     "P[IETF_Chair|IETF Chair|IETF|mailto:chair&ietf.org|]"
		     "P[x|||mailto:a mailto:b|2003-11]");
}
END_TEST

START_TEST(positions)
{
	static const char doc[] = HEAD "<record date=\"2001-01\">\n"
		"  <name>x</name>\n  <xref type=\"person\" data=\"A\"/>\n</record>" TAIL;
	struct xml_reader *reader = xml_reader_new(LIT(doc));
	const struct xml_record *record;
	struct record_error error;
	ck_assert_int_eq(xml_next(reader, &record, &error), 1);
	ck_assert_int_eq(record->line, 3);
	ck_assert_int_eq(record->column, 1);
	ck_assert_int_eq(record->fields[XML_SERVICE_NAME].line, 4);
	ck_assert_int_eq(record->fields[XML_SERVICE_NAME].column, 3);
	ck_assert_int_eq(record->fields[XML_SERVICE_CONTACT].line, 5);
	ck_assert_int_eq(record->fields[XML_SERVICE_ASSIGNEE].line, 5);
	ck_assert_int_eq(record->fields[XML_SERVICE_REGISTRATION_DATE].line, 3);
	/* Absent fields point at the record. */
	ck_assert_int_eq(record->fields[XML_SERVICE_NOTES].line, 3);
	ck_assert_int_eq(xml_next(reader, &record, &error), 0);
	ck_assert_int_eq(xml_next(reader, &record, &error), 0);
	xml_reader_free(reader);
}
END_TEST

START_TEST(looks_like_xml)
{
	ck_assert(xml_looks_like_xml(LIT("<?xml version='1.0'?><registry/>")));
	ck_assert(xml_looks_like_xml(LIT("\xEF\xBB\xBF \n\t<registry/>")));
	ck_assert(!xml_looks_like_xml(LIT("Service Name,Port Number\n")));
	ck_assert(!xml_looks_like_xml(LIT("\xEF\xBB\xBFService Name")));
	ck_assert(!xml_looks_like_xml(LIT("   ")));
	ck_assert(!xml_looks_like_xml(LIT("")));
}
END_TEST

START_TEST(empty_registry)
{
	EXPECT_PARSE(HEAD TAIL, "");
	EXPECT_PARSE("<registry/>", "");
}
END_TEST

/* ---- refused ---- */

START_TEST(not_well_formed)
{
	expect_error(LIT(HEAD "<record><name>x</nam></record>" TAIL), 3, 18,
		     "mismatched tag");
	expect_error(LIT(""), 1, 1, "no element found");
	expect_error(LIT(HEAD "<record>"), 0, 0, "no element found");
	expect_error(LIT(HEAD "<record><name>\x01</name></record>" TAIL), 3, 15,
		     "not well-formed");
	expect_error(LIT(HEAD "<name>\xC3(</name>" TAIL), 3, 7, "not well-formed");
}
END_TEST

START_TEST(wrong_root)
{
	expect_error(LIT("<html><body>error</body></html>"), 1, 1,
		     "root element is <html>, not <registry>");
}
END_TEST

START_TEST(doctype_refused)
{
	/* expat reports the declaration where its internal subset (or its
	 * end) starts. */
	expect_error(LIT("<!DOCTYPE html><html/>"), 1, 15,
		     "document type declaration");
	/* Billion laughs: refused before any entity is declared or used. */
	expect_error(LIT("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n"
			 " <!ENTITY lol \"lol\">\n"
			 " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
			 " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
			 "]>\n<registry><record><name>&lol2;</name></record></registry>"),
		     2, 16, "document type declaration");
	expect_error(LIT("<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><registry/>"),
		     1, 40, "document type declaration");
}
END_TEST

START_TEST(undefined_entity)
{
	expect_error(LIT(RECORD("<name>&foo;</name>")), 3, 15, "undefined entity");
}
END_TEST

START_TEST(depth_limit)
{
	char doc[4096] = HEAD "<record><note>";
	for (int i = 0; i < XML_MAX_DEPTH; i++)
		strcat(doc, "<i>");
	strcat(doc, "deep");
	for (int i = 0; i < XML_MAX_DEPTH; i++)
		strcat(doc, "</i>");
	strcat(doc, "</note></record>" TAIL);
	expect_error(doc, strlen(doc), 3, 15 + 3 * (XML_MAX_DEPTH - 3),
		     "nested deeper than 32");

	/* 32 deep is fine. */
	char ok[4096] = HEAD "<record><note>";
	for (int i = 0; i < XML_MAX_DEPTH - 3; i++)
		strcat(ok, "<i>");
	strcat(ok, "deep");
	for (int i = 0; i < XML_MAX_DEPTH - 3; i++)
		strcat(ok, "</i>");
	strcat(ok, "</note></record>" TAIL);
	expect_parse(ok, strlen(ok), "[|||||||||||deep]");
}
END_TEST

static char *document_with_note_of(size_t bytes, const char *unit)
{
	size_t unit_size = strlen(unit);
	size_t size = sizeof(HEAD) + bytes * unit_size + 100;
	char *doc = malloc(size);
	ck_assert_ptr_nonnull(doc);
	char *p = doc + sprintf(doc, "%s<record><note>", HEAD);
	for (size_t i = 0; i < bytes; i++, p += unit_size)
		memcpy(p, unit, unit_size);
	strcpy(p, "</note></record>" TAIL);
	return doc;
}

START_TEST(field_size_limit)
{
	char *doc = document_with_note_of(RECORD_MAX_FIELD, "a");
	int status;
	struct record_error error;
	char *got = render_all(doc, strlen(doc), &status, &error);
	ck_assert_int_eq(status, 0);
	ck_assert_uint_eq(strlen(got), RECORD_MAX_FIELD + 13);
	free(got);
	free(doc);

	doc = document_with_note_of(RECORD_MAX_FIELD + 1, "a");
	expect_error(doc, strlen(doc), 0, 0, "a field longer than 1048576 bytes");
	free(doc);
}
END_TEST

START_TEST(rendered_size_limit)
{
	/* 200,000 paragraphs are 400,000 raw bytes (a mark and an "x" each)
	 * but would render as 1.8 MB. */
	char *doc = document_with_note_of(200000, "<paragraph>x</paragraph>");
	expect_error(doc, strlen(doc), 0, 0, "a field longer than");
	free(doc);
}
END_TEST

START_TEST(duplicate_field)
{
	expect_error(LIT(RECORD("<name>a</name>\n<name>b</name>")), 4, 1,
		     "a second <name> in one <record>");
	expect_error(LIT(HEAD "<people><person><name>a</name></person></people>" TAIL),
		     3, 9, "a <person> without an id");
}
END_TEST

static Suite *xml_suite(void)
{
	Suite *suite = suite_create("xml");
	TCase *accepted = tcase_create("accepted");
	TCase *refused = tcase_create("refused");

	tcase_add_test(accepted, record_fields_in_csv_order);
	tcase_add_test(accepted, record_without_fields_is_all_empty);
	tcase_add_test(accepted, contact_is_assignee_without_assignee);
	tcase_add_test(accepted, xrefs_side_by_side_text_or_data);
	tcase_add_test(accepted, xref_inside_text);
	tcase_add_test(accepted, assignee_ignores_text_between_xrefs);
	tcase_add_test(accepted, br_dropped_line_breaks_kept);
	tcase_add_test(accepted, wrapped_line_becomes_one_space);
	tcase_add_test(accepted, paragraphs_start_with_eight_spaces);
	tcase_add_test(accepted, fields_are_stripped);
	tcase_add_test(accepted, entities_and_cdata_are_text);
	tcase_add_test(accepted, unknown_elements);
	tcase_add_test(accepted, people_table);
	tcase_add_test(accepted, positions);
	tcase_add_test(accepted, looks_like_xml);
	tcase_add_test(accepted, empty_registry);
	suite_add_tcase(suite, accepted);

	tcase_add_test(refused, not_well_formed);
	tcase_add_test(refused, wrong_root);
	tcase_add_test(refused, doctype_refused);
	tcase_add_test(refused, undefined_entity);
	tcase_add_test(refused, depth_limit);
	tcase_add_test(refused, field_size_limit);
	tcase_add_test(refused, rendered_size_limit);
	tcase_add_test(refused, duplicate_field);
	suite_add_tcase(suite, refused);
	return suite;
}

CHECK_MAIN(xml_suite)
