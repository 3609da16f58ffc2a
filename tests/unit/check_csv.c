/*
 * check_csv.c - the RFC 4180 reader: what it accepts, byte for byte, and
 * the exact line and column of everything it rejects.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/csv.h"
#include "check_main.h"
#include "render.h"

/* Reads every record, rendering them as "[f1|f2]" one after another, so a
 * test can state the whole expected parse in one string. */
static char *render_all(const char *data, size_t size, int *status)
{
	struct rendering out = render_start();
	struct csv_reader *reader = csv_open(data, size);
	struct record record;
	struct record_error error;

	ck_assert_ptr_nonnull(reader);
	while ((*status = csv_next(reader, &record, &error)) > 0)
		render_record(&out, record.fields, record.count);
	csv_close(reader);
	return render_finish(&out);
}

static void expect_parse(const char *data, size_t size, const char *expected)
{
	int status;
	char *got = render_all(data, size, &status);

	ck_assert_int_eq(status, 0);
	ck_assert_str_eq(got, expected);
	free(got);
}

#define EXPECT_PARSE(literal, expected) expect_parse(LIT(literal), expected)

static void expect_error(const char *data, size_t size, long line, long column,
			 const char *what)
{
	struct csv_reader *reader;
	struct record record;
	struct record_error error;
	int status;

	memset(&error, 0, sizeof(error));
	reader = csv_open(data, size);
	ck_assert_ptr_nonnull(reader);
	while ((status = csv_next(reader, &record, &error)) > 0)
		;
	ck_assert_int_eq(status, -1);
	ck_assert_msg(error.line == line && error.column == column,
		      "error at %ld:%ld (%s), expected %ld:%ld",
		      error.line, error.column, error.message, line, column);
	ck_assert_msg(strstr(error.message, what) != NULL,
		      "message \"%s\" lacks \"%s\"", error.message, what);
	csv_close(reader);
}

#define EXPECT_ERROR(literal, line, column, what) \
	expect_error(LIT(literal), line, column, what)

/* ---- what is accepted ---------------------------------------------------- */

START_TEST(empty_input_has_no_records)
{
	EXPECT_PARSE("", "");
	EXPECT_PARSE("\xEF\xBB\xBF", "");
}
END_TEST

START_TEST(plain_records_lf_crlf_and_no_final_newline)
{
	EXPECT_PARSE("a,b,c\n", "[a|b|c]");
	EXPECT_PARSE("a,b,c\r\nd,e,f\r\n", "[a|b|c][d|e|f]");
	EXPECT_PARSE("a,b\nc,d\r\ne,f", "[a|b][c|d][e|f]");
	EXPECT_PARSE("x", "[x]");
}
END_TEST

START_TEST(empty_fields_and_empty_lines)
{
	EXPECT_PARSE(",,\n", "[||]");
	EXPECT_PARSE("a,\n", "[a|]");
	EXPECT_PARSE("a,", "[a|]");
	EXPECT_PARSE(",a", "[|a]");
	/* An empty line is a record of one empty field; a final line end does
	 * not start another record. */
	EXPECT_PARSE("a\n\nb\n", "[a][][b]");
	EXPECT_PARSE("\n", "[]");
	EXPECT_PARSE("\r\n\r\n", "[][]");
	EXPECT_PARSE("a\n\n", "[a][]");
}
END_TEST

START_TEST(quoted_fields)
{
	EXPECT_PARSE("\"a,b\",c\n", "[a,b|c]");
	EXPECT_PARSE("\"\",x\n", "[|x]");
	EXPECT_PARSE("\"say \"\"hi\"\"\"\n", "[say \"hi\"]");
	EXPECT_PARSE("\"\"\"\"", "[\"]");
	EXPECT_PARSE("a,\"\"", "[a|]");
	EXPECT_PARSE("\"x\"\r\n\"y\"", "[x][y]");
	/* Spaces are data, quotes only count at the start of a field. */
	EXPECT_PARSE(" a , b \n", "[ a | b ]");
}
END_TEST

START_TEST(line_breaks_inside_quotes_are_kept)
{
	EXPECT_PARSE("x,\"l1\nl2\",y\nz\n", "[x|l1\nl2|y][z]");
	/* CRLF inside quotes is data too and stays CRLF. */
	EXPECT_PARSE("\"a\r\nb\"\r\nc\r\n", "[a\r\nb][c]");
	EXPECT_PARSE("\"\n\n\n\"", "[\n\n\n]");
}
END_TEST

START_TEST(field_positions)
{
	static const char data[] = "ab,\"c\nd\",e\r\n\"f\"\"\",g\n";
	struct csv_reader *reader;
	struct record record;
	struct record_error error;

	reader = csv_open(LIT(data));
	ck_assert_ptr_nonnull(reader);
	ck_assert_int_eq(csv_next(reader, &record, &error), 1);
	ck_assert_uint_eq(record.count, 3);
	ck_assert_int_eq(record.fields[0].line, 1);
	ck_assert_int_eq(record.fields[0].column, 1);
	ck_assert_int_eq(record.fields[1].line, 1);
	ck_assert_int_eq(record.fields[1].column, 4);
	ck_assert_int_eq(record.fields[2].line, 2);
	ck_assert_int_eq(record.fields[2].column, 4);
	ck_assert_int_eq(csv_next(reader, &record, &error), 1);
	ck_assert_uint_eq(record.count, 2);
	ck_assert_str_eq(record.fields[0].text, "f\"");
	ck_assert_uint_eq(record.fields[0].length, 2);
	ck_assert_int_eq(record.fields[0].line, 3);
	ck_assert_int_eq(record.fields[0].column, 1);
	ck_assert_int_eq(record.fields[1].line, 3);
	ck_assert_int_eq(record.fields[1].column, 7);
	ck_assert_int_eq(csv_next(reader, &record, &error), 0);
	ck_assert_int_eq(csv_next(reader, &record, &error), 0);
	csv_close(reader);
}
END_TEST

START_TEST(columns_count_bytes)
{
	/* "é" is two bytes, "€" three: the second field starts at byte 4 / 5. */
	static const char data[] = "\xC3\xA9,x\n\xE2\x82\xAC,y\n";
	struct csv_reader *reader;
	struct record record;
	struct record_error error;

	reader = csv_open(LIT(data));
	ck_assert_ptr_nonnull(reader);
	ck_assert_int_eq(csv_next(reader, &record, &error), 1);
	ck_assert_int_eq(record.fields[1].column, 4);
	ck_assert_int_eq(csv_next(reader, &record, &error), 1);
	ck_assert_int_eq(record.fields[1].line, 2);
	ck_assert_int_eq(record.fields[1].column, 5);
	csv_close(reader);
}
END_TEST

START_TEST(byte_order_mark)
{
	static const char data[] = "\xEF\xBB\xBFname,port\nx,\xEF\xBB\xBF\n";
	struct csv_reader *reader;
	struct record record;
	struct record_error error;

	reader = csv_open(LIT(data));
	ck_assert_ptr_nonnull(reader);
	ck_assert_int_eq(csv_next(reader, &record, &error), 1);
	ck_assert_str_eq(record.fields[0].text, "name");
	/* Columns on line 1 do not count the mark. */
	ck_assert_int_eq(record.fields[0].column, 1);
	ck_assert_int_eq(record.fields[1].column, 6);
	/* Anywhere else U+FEFF is just a character, kept. */
	ck_assert_int_eq(csv_next(reader, &record, &error), 1);
	ck_assert_str_eq(record.fields[1].text, "\xEF\xBB\xBF");
	csv_close(reader);
	/* Errors on line 1 after a mark use the same columns. */
	EXPECT_ERROR("\xEF\xBB\xBF" "ab\"", 1, 3, "quote");
}
END_TEST

START_TEST(non_ascii_is_byte_exact)
{
	/* From the registry: a name, the mojibake IANA really has, and the
	 * boundaries of each UTF-8 length. */
	EXPECT_PARSE("[Mahr_GmbH_G\xC3\xB6ttingen],\"Ari\xE2\x88\x9A\xC2\xB4n\"\n",
		     "[[Mahr_GmbH_G\xC3\xB6ttingen]|Ari\xE2\x88\x9A\xC2\xB4n]");
	EXPECT_PARSE("\xC2\x80,\xDF\xBF,\xE0\xA0\x80,\xED\x9F\xBF,\xEE\x80\x80,\xEF\xBF\xBF",
		     "[\xC2\x80|\xDF\xBF|\xE0\xA0\x80|\xED\x9F\xBF|\xEE\x80\x80|\xEF\xBF\xBF]");
	EXPECT_PARSE("\xF0\x90\x80\x80,\xF4\x8F\xBF\xBF,\"\xF0\x9F\x98\x80\"",
		     "[\xF0\x90\x80\x80|\xF4\x8F\xBF\xBF|\xF0\x9F\x98\x80]");
	EXPECT_PARSE("\x7F\x01\t", "[\x7F\x01\t]");
}
END_TEST

START_TEST(many_fields_and_growing_text)
{
	/* As many fields as a record may have, and enough bytes to make the
	 * text buffer grow inside one record: the published pointers must
	 * follow the move. */
	enum { FIELDS = CSV_MAX_FIELDS, PAD = 200 };
	size_t capacity = FIELDS * (PAD + 16), used = 0;
	char *data = malloc(capacity);
	struct csv_reader *reader;
	struct record record;
	struct record_error error;
	char expected[PAD + 32];

	ck_assert_ptr_nonnull(data);
	for (int i = 0; i < FIELDS; i++)
		used += (size_t)sprintf(data + used, i % 2 ? "\"f%d,%0*d\"," : "f%d%0*d,",
					i, PAD, 0);
	data[used - 1] = '\n';
	reader = csv_open(data, used);
	ck_assert_ptr_nonnull(reader);
	ck_assert_int_eq(csv_next(reader, &record, &error), 1);
	ck_assert_uint_eq(record.count, FIELDS);
	for (int i = 0; i < FIELDS; i++) {
		snprintf(expected, sizeof(expected), i % 2 ? "f%d,%0*d" : "f%d%0*d",
			 i, PAD, 0);
		ck_assert_str_eq(record.fields[i].text, expected);
	}
	ck_assert_int_eq(csv_next(reader, &record, &error), 0);
	csv_close(reader);
	free(data);
}
END_TEST

/* ---- what is rejected, and where ------------------------------------------ */

START_TEST(nul_byte)
{
	EXPECT_ERROR("ab,c\0d\n", 1, 5, "NUL");
	EXPECT_ERROR("a\n\0", 2, 1, "NUL");
	EXPECT_ERROR("a\n\"x\ny\0\"", 3, 2, "NUL");
}
END_TEST

START_TEST(invalid_utf8)
{
	EXPECT_ERROR("ab,\x80", 1, 4, "UTF-8");        /* lone continuation */
	EXPECT_ERROR("\xC0\x80", 1, 1, "UTF-8");       /* overlong NUL */
	EXPECT_ERROR("x\xC1\xBF", 1, 2, "UTF-8");      /* overlong */
	EXPECT_ERROR("\xE0\x80\x80", 1, 1, "UTF-8");   /* overlong */
	EXPECT_ERROR("\xE0\x9F\xBF", 1, 1, "UTF-8");   /* overlong U+07FF */
	EXPECT_ERROR("\xF0\x80\x80\x80", 1, 1, "UTF-8");
	EXPECT_ERROR("\xF0\x8F\xBF\xBF", 1, 1, "UTF-8"); /* overlong U+FFFF */
	EXPECT_ERROR("a\n\xED\xA0\x80", 2, 1, "UTF-8"); /* surrogate D800 */
	EXPECT_ERROR("\xED\xBF\xBF", 1, 1, "UTF-8");   /* surrogate DFFF */
	EXPECT_ERROR("\xF4\x90\x80\x80", 1, 1, "UTF-8"); /* U+110000 */
	EXPECT_ERROR("\xF5\x80\x80\x80", 1, 1, "UTF-8");
	EXPECT_ERROR("\xFF", 1, 1, "UTF-8");
	EXPECT_ERROR("\xE2\x82", 1, 1, "UTF-8");       /* cut by the end */
	EXPECT_ERROR("\xE2\x82,", 1, 1, "UTF-8");      /* cut by a comma */
	EXPECT_ERROR("\xF0\x9F\x98\n", 1, 1, "UTF-8");
	EXPECT_ERROR("x,\"a\nbc\xC3\"", 2, 3, "UTF-8"); /* in quotes */
}
END_TEST

START_TEST(quote_in_unquoted_field)
{
	EXPECT_ERROR("ab\"c\n", 1, 3, "quote inside an unquoted field");
	EXPECT_ERROR("a,b\nc,d\"\n", 2, 4, "quote inside an unquoted field");
	EXPECT_ERROR(" \"a\"", 1, 2, "quote inside an unquoted field");
}
END_TEST

START_TEST(junk_after_closing_quote)
{
	EXPECT_ERROR("\"ab\"c,d\n", 1, 5, "after a closing quote");
	EXPECT_ERROR("x,\"ab\" \n", 1, 7, "after a closing quote");
	EXPECT_ERROR("x,\"a\nb\"c", 2, 3, "after a closing quote");
	EXPECT_ERROR("\"a\"\"", 1, 1, "not closed");
}
END_TEST

START_TEST(bare_cr)
{
	EXPECT_ERROR("a\rb\n", 1, 2, "CR");
	EXPECT_ERROR("a,b\r", 1, 4, "CR");
	EXPECT_ERROR("a\r\nb\r\rc", 2, 2, "CR");
	EXPECT_ERROR("\"a\rb\"", 1, 3, "CR");
	EXPECT_ERROR("\"a\"\r", 1, 4, "CR");
	EXPECT_ERROR("\r", 1, 1, "CR");
}
END_TEST

START_TEST(unterminated_quote_reports_where_it_opened)
{
	EXPECT_ERROR("a,\"bc\nde", 1, 3, "not closed");
	EXPECT_ERROR("a\nb\nc,d,\"\n\n\n", 3, 5, "not closed");
	EXPECT_ERROR("\"", 1, 1, "not closed");
	EXPECT_ERROR("\"abc\"\"", 1, 1, "not closed");
}
END_TEST

/* A field of `length` bytes of 'x', unquoted or quoted, after `prefix`. */
static char *long_field(const char *prefix, size_t length, int quoted, size_t *size)
{
	size_t prefix_length = strlen(prefix);
	char *data = malloc(prefix_length + length + 3);

	ck_assert_ptr_nonnull(data);
	memcpy(data, prefix, prefix_length);
	*size = prefix_length;
	if (quoted)
		data[(*size)++] = '"';
	memset(data + *size, 'x', length);
	*size += length;
	if (quoted)
		data[(*size)++] = '"';
	data[(*size)++] = '\n';
	return data;
}

START_TEST(field_length_limit)
{
	struct csv_reader *reader;
	struct record record;
	struct record_error error;
	size_t size;
	char *data;

	/* Exactly the limit is fine, quoted or not. */
	for (int quoted = 0; quoted <= 1; quoted++) {
		data = long_field("a,", RECORD_MAX_FIELD, quoted, &size);
		reader = csv_open(data, size);
	ck_assert_ptr_nonnull(reader);
		ck_assert_int_eq(csv_next(reader, &record, &error), 1);
		ck_assert_uint_eq(record.fields[1].length, RECORD_MAX_FIELD);
		ck_assert_int_eq(csv_next(reader, &record, &error), 0);
		csv_close(reader);
		free(data);
	}
	/* One more byte is an error at that byte. */
	data = long_field("a\nbc,", RECORD_MAX_FIELD + 1, 0, &size);
	expect_error(data, size, 2, 4 + (long)RECORD_MAX_FIELD, "longer than");
	free(data);
	data = long_field("a\nbc,", RECORD_MAX_FIELD + 1, 1, &size);
	expect_error(data, size, 2, 5 + (long)RECORD_MAX_FIELD, "longer than");
	free(data);
}
END_TEST

START_TEST(field_count_limit)
{
	/* CSV_MAX_FIELDS fields are a record; one more is an error where it
	 * starts, on whatever line. */
	char data[3 * CSV_MAX_FIELDS + 8];
	size_t used = 0;

	for (int i = 0; i < CSV_MAX_FIELDS - 1; i++)
		data[used++] = ',';
	data[used++] = '\n';
	expect_parse(data, used, "[" "|||||||||||||||||||||||||||||||" "||||||||||||||||||||||||||||||||" "]");
	used = 0;
	data[used++] = 'x';
	data[used++] = '\n';
	for (int i = 0; i < CSV_MAX_FIELDS; i++)
		data[used++] = ',';
	data[used++] = 'y';
	expect_error(data, used, 2, CSV_MAX_FIELDS + 1, "more than 64 fields");
}
END_TEST

START_TEST(field_length_counts_unescaped_bytes)
{
	/* RECORD_MAX_FIELD doubled quotes are RECORD_MAX_FIELD bytes of field. */
	size_t size = 2 * (size_t)RECORD_MAX_FIELD + 3;
	char *data = malloc(size + 2);
	struct csv_reader *reader;
	struct record record;
	struct record_error error;

	ck_assert_ptr_nonnull(data);
	data[0] = '"';
	memset(data + 1, '"', 2 * (size_t)RECORD_MAX_FIELD);
	data[size - 2] = '"';
	data[size - 1] = '\n';
	reader = csv_open(data, size);
	ck_assert_ptr_nonnull(reader);
	ck_assert_int_eq(csv_next(reader, &record, &error), 1);
	ck_assert_uint_eq(record.fields[0].length, RECORD_MAX_FIELD);
	ck_assert_int_eq(record.fields[0].text[RECORD_MAX_FIELD - 1], '"');
	csv_close(reader);
	/* One pair more: the offending pair starts at byte 2 + 2 * MAX. */
	memmove(data + 3, data + 1, size - 1);
	data[1] = data[2] = '"';
	expect_error(data, size + 2, 1, 2 + 2 * (long)RECORD_MAX_FIELD, "longer than");
	free(data);
}
END_TEST

/* ---- size: linear, not quadratic (a quadratic reader would hit Check's
 * timeout here; nothing measures time) ---------------------------------- */

START_TEST(million_rows)
{
	enum { ROWS = 1000000 };
	static const char row[] = "name,80,tcp,\"a, b\",\n";
	size_t row_size = sizeof(row) - 1;
	char *data = malloc(ROWS * row_size);
	struct csv_reader *reader;
	struct record record;
	struct record_error error;
	long records = 0;
	int status;

	ck_assert_ptr_nonnull(data);
	for (size_t i = 0; i < ROWS; i++)
		memcpy(data + i * row_size, row, row_size);
	reader = csv_open(data, ROWS * row_size);
	ck_assert_ptr_nonnull(reader);
	while ((status = csv_next(reader, &record, &error)) > 0) {
		ck_assert_uint_eq(record.count, 5);
		records++;
	}
	ck_assert_int_eq(status, 0);
	ck_assert_int_eq(records, ROWS);
	ck_assert_str_eq(record.fields[3].text, "a, b");
	ck_assert_int_eq(record.fields[0].line, ROWS);
	csv_close(reader);
	free(data);
}
END_TEST

START_TEST(ten_megabyte_field)
{
	size_t size;
	char *data = long_field("", 10u << 20, 1, &size);

	expect_error(data, size, 1, 2 + (long)RECORD_MAX_FIELD, "longer than");
	free(data);
}
END_TEST

START_TEST(long_multiline_field)
{
	/* Just under the limit, one line break in every 4 bytes. */
	size_t length = RECORD_MAX_FIELD - 4, size = length + 3;
	char *data = malloc(size);
	struct csv_reader *reader;
	struct record record;
	struct record_error error;

	ck_assert_ptr_nonnull(data);
	data[0] = '"';
	for (size_t i = 0; i < length; i++)
		data[1 + i] = i % 4 == 3 ? '\n' : 'y';
	data[size - 2] = '"';
	data[size - 1] = ',';
	reader = csv_open(data, size);
	ck_assert_ptr_nonnull(reader);
	ck_assert_int_eq(csv_next(reader, &record, &error), 1);
	ck_assert_uint_eq(record.count, 2);
	ck_assert_uint_eq(record.fields[0].length, length);
	ck_assert_int_eq(memcmp(record.fields[0].text, data + 1, length), 0);
	ck_assert_int_eq(record.fields[1].line, 1 + (long)length / 4);
	csv_close(reader);
	free(data);
}
END_TEST

static Suite *csv_suite(void)
{
	Suite *suite = suite_create("csv");
	TCase *accepted = tcase_create("accepted");
	TCase *rejected = tcase_create("rejected");
	TCase *size = tcase_create("size");

	tcase_add_test(accepted, empty_input_has_no_records);
	tcase_add_test(accepted, plain_records_lf_crlf_and_no_final_newline);
	tcase_add_test(accepted, empty_fields_and_empty_lines);
	tcase_add_test(accepted, quoted_fields);
	tcase_add_test(accepted, line_breaks_inside_quotes_are_kept);
	tcase_add_test(accepted, field_positions);
	tcase_add_test(accepted, columns_count_bytes);
	tcase_add_test(accepted, byte_order_mark);
	tcase_add_test(accepted, non_ascii_is_byte_exact);
	tcase_add_test(accepted, many_fields_and_growing_text);
	suite_add_tcase(suite, accepted);

	tcase_add_test(rejected, nul_byte);
	tcase_add_test(rejected, invalid_utf8);
	tcase_add_test(rejected, quote_in_unquoted_field);
	tcase_add_test(rejected, junk_after_closing_quote);
	tcase_add_test(rejected, bare_cr);
	tcase_add_test(rejected, unterminated_quote_reports_where_it_opened);
	tcase_add_test(rejected, field_length_limit);
	tcase_add_test(rejected, field_length_counts_unescaped_bytes);
	tcase_add_test(rejected, field_count_limit);
	suite_add_tcase(suite, rejected);

	tcase_add_test(size, million_rows);
	tcase_add_test(size, ten_megabyte_field);
	tcase_add_test(size, long_multiline_field);
	suite_add_tcase(suite, size);
	return suite;
}

CHECK_MAIN(csv_suite)
