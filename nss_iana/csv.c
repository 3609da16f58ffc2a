/*
 * csv.c - the RFC 4180 reader declared in csv.h.
 *
 * One pass over the input, no backtracking: every byte is looked at once,
 * and runs of ordinary bytes are copied with one memcpy.  Buffers grow
 * geometrically, so a record of any size costs linear time.
 */
#include "csv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CSV_FIRST_TEXT_CAPACITY 4096
#define CSV_FIRST_FIELD_CAPACITY 16

void csv_init(struct csv_reader *reader, const char *data, size_t size)
{
	memset(reader, 0, sizeof(*reader));
	reader->data = data;
	reader->size = size;
	reader->line = 1;
	/* A byte-order mark is not text: columns on line 1 start after it,
	 * as in the editors that hide it. */
	if (size >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
		reader->pos = 3;
		reader->line_start = 3;
	}
}

void csv_free(struct csv_reader *reader)
{
	free(reader->fields);
	free(reader->text);
	reader->fields = NULL;
	reader->text = NULL;
	reader->field_count = reader->field_capacity = 0;
	reader->text_used = reader->text_capacity = 0;
}

__attribute__((format(printf, 4, 5)))
static int fail_at(struct csv_reader *reader, size_t offset,
		   struct csv_error *error, const char *format, ...)
{
	va_list args;

	error->line = reader->line;
	error->column = (long)(offset - reader->line_start) + 1;
	va_start(args, format);
	vsnprintf(error->message, sizeof(error->message), format, args);
	va_end(args);
	/* Make a reader used after an error see the end rather than resume
	 * in the middle of a broken record. */
	reader->pos = reader->size;
	return -1;
}

/* Length of the valid UTF-8 sequence starting at p (a byte >= 0x80), or 0.
 * Overlong forms, UTF-16 surrogates and code points past U+10FFFF are
 * invalid (RFC 3629). */
static size_t utf8_sequence_length(const unsigned char *p, size_t available)
{
	unsigned char lead = p[0];
	unsigned char low = 0x80, high = 0xBF;
	size_t length;

	if (lead >= 0xC2 && lead <= 0xDF)
		length = 2;
	else if (lead >= 0xE0 && lead <= 0xEF)
		length = 3;
	else if (lead >= 0xF0 && lead <= 0xF4)
		length = 4;
	else
		return 0;
	if (lead == 0xE0)
		low = 0xA0; /* below is overlong */
	else if (lead == 0xED)
		high = 0x9F; /* above is a surrogate */
	else if (lead == 0xF0)
		low = 0x90; /* below is overlong */
	else if (lead == 0xF4)
		high = 0x8F; /* above is past U+10FFFF */
	if (available < length || p[1] < low || p[1] > high)
		return 0;
	for (size_t i = 2; i < length; i++)
		if (p[i] < 0x80 || p[i] > 0xBF)
			return 0;
	return length;
}

static int reserve_text(struct csv_reader *reader, size_t more)
{
	size_t needed = reader->text_used + more;
	size_t capacity = reader->text_capacity;
	char *grown;

	if (needed <= capacity)
		return 0;
	if (capacity == 0)
		capacity = CSV_FIRST_TEXT_CAPACITY;
	while (capacity < needed)
		capacity *= 2;
	grown = realloc(reader->text, capacity);
	if (!grown)
		return -1;
	reader->text = grown;
	reader->text_capacity = capacity;
	return 0;
}

static struct csv_field *new_field(struct csv_reader *reader)
{
	if (reader->field_count == reader->field_capacity) {
		size_t capacity = reader->field_capacity ?
			reader->field_capacity * 2 : CSV_FIRST_FIELD_CAPACITY;
		struct csv_field *grown =
			realloc(reader->fields, capacity * sizeof(*grown));
		if (!grown)
			return NULL;
		reader->fields = grown;
		reader->field_capacity = capacity;
	}
	return &reader->fields[reader->field_count++];
}

/* Copies data[from, to) to the field text, checking the field's length.
 * `field_start` is the field's offset in reader->text. */
static int append(struct csv_reader *reader, size_t from, size_t to,
		  size_t field_start, struct csv_error *error)
{
	size_t have = reader->text_used - field_start;
	size_t count = to - from;

	if (have + count > CSV_MAX_FIELD)
		return fail_at(reader, from + (CSV_MAX_FIELD - have), error,
			       "field longer than %u bytes", CSV_MAX_FIELD);
	if (reserve_text(reader, count + 1) < 0)
		return fail_at(reader, from, error, "out of memory");
	memcpy(reader->text + reader->text_used, reader->data + from, count);
	reader->text_used += count;
	return 0;
}

/* Advances over ordinary bytes: everything but NUL, '"', ',', CR, LF
 * (and invalid UTF-8, reported).  Stops at the first byte it does not
 * consume; in a quoted field a ',' is ordinary. */
static int skip_ordinary(struct csv_reader *reader, int quoted,
			 struct csv_error *error)
{
	const unsigned char *data = (const unsigned char *)reader->data;
	size_t pos = reader->pos, size = reader->size;

	while (pos < size) {
		unsigned char c = data[pos];
		if (c >= 0x80) {
			size_t length = utf8_sequence_length(data + pos, size - pos);
			if (length == 0) {
				reader->pos = pos;
				return fail_at(reader, pos, error,
					       "invalid UTF-8 (byte 0x%02X)", c);
			}
			pos += length;
			continue;
		}
		if (c == '"' || c == '\n' || c == '\r' || c == '\0' ||
		    (c == ',' && !quoted))
			break;
		pos++;
	}
	reader->pos = pos;
	return 0;
}

static int reject_nul(struct csv_reader *reader, struct csv_error *error)
{
	return fail_at(reader, reader->pos, error, "NUL byte");
}

/* At data[pos] == '\r': only CRLF is a line end. */
static int check_crlf(struct csv_reader *reader, struct csv_error *error)
{
	size_t pos = reader->pos;

	if (pos + 1 < reader->size && reader->data[pos + 1] == '\n')
		return 0;
	return fail_at(reader, pos, error, "CR not followed by LF");
}

static void start_new_line(struct csv_reader *reader, size_t next_line_start)
{
	reader->line++;
	reader->line_start = next_line_start;
}

static int read_unquoted(struct csv_reader *reader, size_t field_start,
			 struct csv_error *error)
{
	size_t from = reader->pos;

	if (skip_ordinary(reader, 0, error) < 0)
		return -1;
	if (append(reader, from, reader->pos, field_start, error) < 0)
		return -1;
	if (reader->pos < reader->size) {
		char c = reader->data[reader->pos];
		if (c == '"')
			return fail_at(reader, reader->pos, error,
				       "quote inside an unquoted field");
		if (c == '\0')
			return reject_nul(reader, error);
	}
	return 0;
}

/* One element of a quoted field after an ordinary run: a quote (doubled
 * or closing), a line break, or a byte to reject.  Returns 1 when the
 * closing quote has been read. */
static int quoted_special(struct csv_reader *reader, size_t field_start,
			  struct csv_error *error)
{
	size_t pos = reader->pos;
	char c = reader->data[pos];

	if (c == '"') {
		if (pos + 1 < reader->size && reader->data[pos + 1] == '"') {
			if (append(reader, pos, pos + 1, field_start, error) < 0)
				return -1;
			reader->pos = pos + 2;
			return 0;
		}
		reader->pos = pos + 1;
		return 1;
	}
	if (c == '\0')
		return reject_nul(reader, error);
	if (c == '\r') {
		if (check_crlf(reader, error) < 0)
			return -1;
		if (append(reader, pos, pos + 2, field_start, error) < 0)
			return -1;
		reader->pos = pos + 2;
	} else { /* '\n' */
		if (append(reader, pos, pos + 1, field_start, error) < 0)
			return -1;
		reader->pos = pos + 1;
	}
	start_new_line(reader, reader->pos);
	return 0;
}

static int read_quoted(struct csv_reader *reader, size_t field_start,
		       struct csv_error *error)
{
	long open_line = reader->line;
	size_t open_offset = reader->pos;
	long open_column = (long)(open_offset - reader->line_start) + 1;

	reader->pos++;
	for (;;) {
		size_t from = reader->pos;
		int closed;

		if (skip_ordinary(reader, 1, error) < 0)
			return -1;
		if (append(reader, from, reader->pos, field_start, error) < 0)
			return -1;
		if (reader->pos >= reader->size) {
			error->line = open_line;
			error->column = open_column;
			snprintf(error->message, sizeof(error->message),
				 "quoted field not closed before the end of the input");
			return -1;
		}
		closed = quoted_special(reader, field_start, error);
		if (closed < 0)
			return -1;
		if (closed)
			break;
	}
	if (reader->pos < reader->size) {
		char c = reader->data[reader->pos];
		if (c != ',' && c != '\n' && c != '\r')
			return fail_at(reader, reader->pos, error,
				       "expected a comma or a line end after a closing quote");
	}
	return 0;
}

static int read_field(struct csv_reader *reader, struct csv_error *error)
{
	struct csv_field *field = new_field(reader);
	size_t field_start = reader->text_used;
	int status;

	if (!field)
		return fail_at(reader, reader->pos, error, "out of memory");
	field->line = reader->line;
	field->column = (long)(reader->pos - reader->line_start) + 1;
	/* Until the record is complete, text holds the offset: the buffer may
	 * still move. */
	field->length = field_start;
	if (reader->pos < reader->size && reader->data[reader->pos] == '"')
		status = read_quoted(reader, field_start, error);
	else
		status = read_unquoted(reader, field_start, error);
	if (status < 0)
		return -1;
	if (reserve_text(reader, 1) < 0)
		return fail_at(reader, reader->pos, error, "out of memory");
	reader->text[reader->text_used++] = '\0';
	return 0;
}

/* After a field: 1 if another field follows, 0 at the end of the record. */
static int read_separator(struct csv_reader *reader, struct csv_error *error)
{
	char c;

	if (reader->pos >= reader->size)
		return 0;
	c = reader->data[reader->pos];
	if (c == ',') {
		reader->pos++;
		return 1;
	}
	if (c == '\r') {
		if (check_crlf(reader, error) < 0)
			return -1;
		reader->pos++;
	}
	/* data[pos] is now the LF: read_field stops only at these bytes. */
	reader->pos++;
	start_new_line(reader, reader->pos);
	return 0;
}

static void publish_fields(struct csv_reader *reader)
{
	for (size_t i = 0; i < reader->field_count; i++) {
		struct csv_field *field = &reader->fields[i];
		size_t offset = field->length;
		size_t end = i + 1 < reader->field_count ?
			reader->fields[i + 1].length : reader->text_used;

		field->text = reader->text + offset;
		field->length = end - offset - 1; /* minus the NUL */
	}
}

int csv_next(struct csv_reader *reader, struct csv_error *error)
{
	int more;

	if (reader->pos >= reader->size)
		return 0;
	reader->field_count = 0;
	reader->text_used = 0;
	do {
		if (read_field(reader, error) < 0)
			return -1;
		more = read_separator(reader, error);
		if (more < 0)
			return -1;
	} while (more);
	publish_fields(reader);
	return 1;
}
