/*
 * csv.c - the RFC 4180 reader declared in csv.h.
 *
 * One pass over the input, a byte at a time, no backtracking.  A record's
 * field bytes are copied, unescaped, into one buffer that grows
 * geometrically, so a record of any size costs linear time; the fields
 * point into it once the record is complete (the buffer may move until
 * then).
 */
#include "compiler/csv.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"

struct csv_reader {
	const char *data; /* the input, not owned */
	size_t size;
	size_t pos;
	long line;         /* of data[pos] */
	size_t line_start; /* offset of the current physical line */

	/* The record being read: its fields, and their unescaped bytes back
	 * to back in `text`, each ended by a NUL at text + offset[i] +
	 * length. */
	struct record_field fields[CSV_MAX_FIELDS];
	size_t offsets[CSV_MAX_FIELDS];
	size_t count;
	char *text;
	size_t text_used;
	size_t text_capacity;
	long end_line; /* just after the record's last byte */
	long end_column;

	/* For csv_records: the header's field count, 0 before it is read. */
	size_t header_count;
};

struct csv_reader *csv_open(const char *data, size_t size)
{
	struct csv_reader *reader = calloc(1, sizeof(*reader));

	if (!reader)
		return NULL;
	reader->data = data;
	reader->size = size;
	reader->line = 1;
	/* A byte-order mark is not text: columns on line 1 start after it,
	 * as in the editors that hide it. */
	if (text_has_bom(data, size))
		reader->pos = reader->line_start = TEXT_BOM_SIZE;
	return reader;
}

void csv_close(struct csv_reader *reader)
{
	if (!reader)
		return;
	free(reader->text);
	free(reader);
}

static long column_of(const struct csv_reader *reader, size_t offset)
{
	return (long)(offset - reader->line_start) + 1;
}

__attribute__((format(printf, 4, 5)))
static int fail_at(struct csv_reader *reader, size_t offset,
		   struct record_error *error, const char *format, ...)
{
	va_list args;

	error->line = reader->line;
	error->column = column_of(reader, offset);
	va_start(args, format);
	vsnprintf(error->message, sizeof(error->message), format, args);
	va_end(args);
	/* A reader used after an error sees the end rather than resume in
	 * the middle of a broken record. */
	reader->pos = reader->size;
	return -1;
}

/* Adds `count` input bytes from data[from] to the current field, which
 * starts at text offset `field_start`.  Keeps room for the field's NUL. */
static int append(struct csv_reader *reader, size_t from, size_t count,
		  size_t field_start, struct record_error *error)
{
	size_t needed = reader->text_used + count + 1;
	size_t have = reader->text_used - field_start;

	if (have + count > RECORD_MAX_FIELD) /* at the first byte too many */
		return fail_at(reader, from + (RECORD_MAX_FIELD - have), error,
			       "field longer than %u bytes", RECORD_MAX_FIELD);
	if (needed > reader->text_capacity) {
		size_t capacity = reader->text_capacity ? reader->text_capacity : 4096;
		while (capacity < needed)
			capacity *= 2;
		char *grown = realloc(reader->text, capacity);
		if (!grown)
			return fail_at(reader, from, error, "out of memory");
		reader->text = grown;
		reader->text_capacity = capacity;
	}
	memcpy(reader->text + reader->text_used, reader->data + from, count);
	reader->text_used += count;
	return 0;
}

static void start_new_line(struct csv_reader *reader, size_t next_line_start)
{
	reader->line++;
	reader->line_start = next_line_start;
}

/* Where the run of plain ASCII bytes at data[pos] ends: at the next
 * comma, quote, CR, LF, NUL or non-ASCII byte. */
static size_t plain_run_end(const struct csv_reader *reader, size_t pos)
{
	while (pos < reader->size) {
		unsigned char c = (unsigned char)reader->data[pos];
		if (c == ',' || c == '"' || c == '\n' || c == '\r' || c == '\0' || c >= 0x80)
			break;
		pos++;
	}
	return pos;
}

/* At a byte that is not a quote or line end (a comma only inside quotes):
 * takes it into the field with the plain bytes after it, or the whole
 * UTF-8 sequence it starts, or fails. */
static int take_ordinary(struct csv_reader *reader, size_t field_start,
			 struct record_error *error)
{
	const unsigned char *at = (const unsigned char *)reader->data + reader->pos;
	size_t length;

	if (*at == '\0')
		return fail_at(reader, reader->pos, error, "NUL byte");
	if (*at < 0x80)
		length = plain_run_end(reader, reader->pos + 1) - reader->pos;
	else
		length = text_utf8_length(at, reader->size - reader->pos);
	if (length == 0)
		return fail_at(reader, reader->pos, error,
			       "invalid UTF-8 (byte 0x%02X)", *at);
	if (append(reader, reader->pos, length, field_start, error) < 0)
		return -1;
	reader->pos += length;
	return 0;
}

/* At data[pos] == '\r': only CRLF is a line end. */
static int check_crlf(struct csv_reader *reader, struct record_error *error)
{
	size_t pos = reader->pos;

	if (pos + 1 < reader->size && reader->data[pos + 1] == '\n')
		return 0;
	return fail_at(reader, pos, error, "CR not followed by LF");
}

static int read_unquoted(struct csv_reader *reader, size_t field_start,
			 struct record_error *error)
{
	while (reader->pos < reader->size) {
		char c = reader->data[reader->pos];
		if (c == ',' || c == '\n' || c == '\r')
			break;
		if (c == '"')
			return fail_at(reader, reader->pos, error,
				       "quote inside an unquoted field");
		if (take_ordinary(reader, field_start, error) < 0)
			return -1;
	}
	return 0;
}

/* A quote inside a quoted field: doubled, it is one quote of data (returns
 * 0); alone, it closes the field (returns 1). */
static int quote_in_quoted(struct csv_reader *reader, size_t field_start,
			   struct record_error *error)
{
	size_t pos = reader->pos;

	if (pos + 1 < reader->size && reader->data[pos + 1] == '"') {
		if (append(reader, pos, 1, field_start, error) < 0)
			return -1;
		reader->pos = pos + 2;
		return 0;
	}
	reader->pos = pos + 1;
	return 1;
}

/* A line break inside a quoted field is data, kept as it is (CRLF or LF). */
static int line_break_in_quoted(struct csv_reader *reader, size_t field_start,
				struct record_error *error)
{
	size_t pos = reader->pos;
	size_t length = reader->data[pos] == '\r' ? 2 : 1;

	if (length == 2 && check_crlf(reader, error) < 0)
		return -1;
	if (append(reader, pos, length, field_start, error) < 0)
		return -1;
	reader->pos = pos + length;
	start_new_line(reader, reader->pos);
	return 0;
}

static int read_quoted(struct csv_reader *reader, size_t field_start,
		       struct record_error *error)
{
	long open_line = reader->line;
	long open_column = column_of(reader, reader->pos);
	int closed = 0;

	reader->pos++;
	while (!closed) {
		if (reader->pos >= reader->size) {
			error->line = open_line;
			error->column = open_column;
			snprintf(error->message, sizeof(error->message),
				 "quoted field not closed before the end of the input");
			return -1;
		}
		char c = reader->data[reader->pos];
		if (c == '"')
			closed = quote_in_quoted(reader, field_start, error);
		else if (c == '\n' || c == '\r')
			closed = line_break_in_quoted(reader, field_start, error);
		else
			closed = take_ordinary(reader, field_start, error);
		if (closed < 0)
			return -1;
	}
	if (reader->pos < reader->size) {
		char c = reader->data[reader->pos];
		if (c != ',' && c != '\n' && c != '\r')
			return fail_at(reader, reader->pos, error,
				       "expected a comma or a line end after a closing quote");
	}
	return 0;
}

static int read_field(struct csv_reader *reader, struct record_error *error)
{
	size_t index = reader->count, field_start = reader->text_used;
	int status;

	if (index == CSV_MAX_FIELDS)
		return fail_at(reader, reader->pos, error,
			       "record has more than %d fields", CSV_MAX_FIELDS);
	reader->fields[index].line = reader->line;
	reader->fields[index].column = column_of(reader, reader->pos);
	reader->offsets[index] = field_start;
	if (reader->pos < reader->size && reader->data[reader->pos] == '"')
		status = read_quoted(reader, field_start, error);
	else
		status = read_unquoted(reader, field_start, error);
	if (status < 0 || append(reader, reader->pos, 0, field_start, error) < 0)
		return -1;
	reader->fields[index].length = reader->text_used - field_start;
	reader->text[reader->text_used++] = '\0'; /* append left room */
	reader->count++;
	return 0;
}

/* After a field: 1 if another field follows, 0 at the end of the record. */
static int read_separator(struct csv_reader *reader, struct record_error *error)
{
	reader->end_line = reader->line;
	reader->end_column = column_of(reader, reader->pos);
	if (reader->pos >= reader->size)
		return 0;
	switch (reader->data[reader->pos]) {
	case ',':
		reader->pos++;
		return 1;
	case '\r':
		if (check_crlf(reader, error) < 0)
			return -1;
		reader->pos++;
		break;
	}
	/* data[pos] is now the LF: a field ends only at these bytes. */
	reader->pos++;
	start_new_line(reader, reader->pos);
	return 0;
}

int csv_next(struct csv_reader *reader, struct record *record,
	     struct record_error *error)
{
	int more;

	if (reader->pos >= reader->size)
		return 0;
	reader->count = 0;
	reader->text_used = 0;
	do {
		if (read_field(reader, error) < 0)
			return -1;
		more = read_separator(reader, error);
		if (more < 0)
			return -1;
	} while (more);
	for (size_t i = 0; i < reader->count; i++)
		reader->fields[i].text = reader->text + reader->offsets[i];
	record->fields = reader->fields;
	record->count = reader->count;
	return 1;
}

/* ---- the record stream ----------------------------------------------------- */

static bool is_empty_line(const struct record *record)
{
	return record->count == 1 && record->fields[0].length == 0;
}

static int wrong_field_count(struct csv_reader *reader, const struct record *record,
			     struct record_error *error)
{
	if (record->count > reader->header_count) {
		error->line = record->fields[reader->header_count].line;
		error->column = record->fields[reader->header_count].column;
	} else {
		error->line = reader->end_line;
		error->column = reader->end_column;
	}
	snprintf(error->message, sizeof(error->message),
		 "record has %zu fields, the header has %zu",
		 record->count, reader->header_count);
	reader->pos = reader->size;
	return -1;
}

static int next_row(void *state, struct record *record, struct record_error *error)
{
	struct csv_reader *reader = state;
	int status;

	do
		status = csv_next(reader, record, error);
	while (status > 0 && reader->header_count > 0 && is_empty_line(record));
	if (status <= 0)
		return status;
	if (reader->header_count == 0)
		reader->header_count = record->count;
	else if (record->count != reader->header_count)
		return wrong_field_count(reader, record, error);
	return 1;
}

struct record_reader csv_records(struct csv_reader *reader)
{
	return (struct record_reader){ next_row, reader };
}
