/*
 * csv.c - the RFC 4180 reader declared in csv.h.
 *
 * One pass over the input, no backtracking.  Bytes are tested eight at a
 * time for the few that need attention; plain fields (unquoted ASCII, the
 * registry's usual) take a fast path that copies whole words, and any
 * other field is read by the general reader from its first byte, so both
 * paths give the same fields and the same errors.  Buffers grow
 * geometrically, so a record of any size costs linear time.
 */
#include "csv.h"

#include <stdarg.h>
#include <stdint.h>
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

static int grow_text(struct csv_reader *reader, size_t needed)
{
	size_t capacity = reader->text_capacity;
	char *grown;

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

static inline int reserve_text(struct csv_reader *reader, size_t more)
{
	size_t needed = reader->text_used + more;

	return needed <= reader->text_capacity ? 0 : grow_text(reader, needed);
}

static int grow_fields(struct csv_reader *reader)
{
	size_t capacity = reader->field_capacity ?
		reader->field_capacity * 2 : CSV_FIRST_FIELD_CAPACITY;
	struct csv_field *grown = realloc(reader->fields, capacity * sizeof(*grown));

	if (!grown)
		return -1;
	reader->fields = grown;
	reader->field_capacity = capacity;
	return 0;
}

static inline struct csv_field *new_field(struct csv_reader *reader)
{
	if (reader->field_count == reader->field_capacity &&
	    grow_fields(reader) < 0)
		return NULL;
	return &reader->fields[reader->field_count++];
}

/* Copies data[from, to) to the field text, checking the field's length.
 * `field_start` is the field's offset in reader->text.  Leaves room for
 * the field's NUL. */
static inline int append(struct csv_reader *reader, size_t from, size_t to,
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

/* Word-at-a-time scanning.  A field's bytes need attention only at NUL,
 * '"', CR, LF, the field separator and bytes >= 0x80 (UTF-8 to check);
 * everything else is copied as is, so eight bytes are tested at once. */
#define BYTES_01 0x0101010101010101u
#define BYTES_80 0x8080808080808080u

/* The high bit of each byte of `word` below `limit` (<= 0x80).  A borrow
 * can also flag a byte above a flagged one, never below: the lowest
 * flagged byte is exact. */
static inline uint64_t bytes_below(uint64_t word, unsigned char limit)
{
	return (word - BYTES_01 * limit) & ~word & BYTES_80;
}

/* Flags NUL, CR and LF together as "below 0x0E", the quote, the
 * separator, and bytes >= 0x80.  The other control bytes below 0x0E (TAB,
 * ...) are flagged too, and then found ordinary.  Bytes >= 0x80 borrow
 * nothing, so "below 0x0E or >= 0x80" is ((word - 0x0E...) | word). */
static inline uint64_t attention_bytes(uint64_t word, uint64_t separators)
{
	return (((word - BYTES_01 * 0x0E) | word) & BYTES_80) |
	       bytes_below(word ^ (BYTES_01 * '"'), 1) |
	       bytes_below(word ^ separators, 1);
}

static inline int needs_attention(unsigned char c, int quoted)
{
	return c >= 0x80 || c == '"' || c == '\n' || c == '\r' || c == '\0' ||
	       (c == ',' && !quoted);
}

/* The offset of the first byte from `pos` on that may need attention, or
 * `size`.  In a quoted field a ',' is ordinary: the separator pattern is
 * then the quote again. */
static inline size_t attention_at(const unsigned char *data, size_t pos,
				  size_t size, int quoted)
{
	uint64_t separators = BYTES_01 * (quoted ? '"' : ',');

	for (; pos + 8 <= size; pos += 8) {
		uint64_t word, found;
		memcpy(&word, data + pos, sizeof word); /* little-endian host */
		found = attention_bytes(word, separators);
		if (found)
			return pos + (size_t)(__builtin_ctzll(found) >> 3);
	}
	while (pos < size && !needs_attention(data[pos], quoted))
		pos++;
	return pos;
}

/* At data[*pos] >= 0x80: steps over one valid UTF-8 sequence, or fails. */
static int skip_utf8(struct csv_reader *reader, size_t *pos,
		     struct csv_error *error)
{
	const unsigned char *data = (const unsigned char *)reader->data;
	size_t length = utf8_sequence_length(data + *pos, reader->size - *pos);

	if (length == 0)
		return fail_at(reader, *pos, error, "invalid UTF-8 (byte 0x%02X)",
			       data[*pos]);
	*pos += length;
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

	for (;;) {
		pos = attention_at(data, pos, size, quoted);
		if (pos == size || needs_attention(data[pos], quoted)) {
			if (pos == size || data[pos] < 0x80)
				break;
			if (skip_utf8(reader, &pos, error) < 0)
				return -1;
		} else {
			pos++; /* a control byte the word test could not tell */
		}
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

/* ---- the fast path ------------------------------------------------------- */

/* Nearly every field of the registry is unquoted ASCII ended by a comma or
 * a line end.  For those the field text is the input itself with each
 * ending comma (or CR or LF) turned into the NUL: a record's plain fields
 * are copied a word at a time, and the bytes flagged in each word are
 * either field ends or send the field they are in to the general reader.
 *
 * Reads the record's plain fields from reader->pos on.  Returns 1 when
 * that was the whole record (its line end consumed), 0 when the general
 * reader must go on from reader->pos, the start of a field (quoted, or
 * holding a quote, a NUL, a bare CR, UTF-8, too long, too near the end of
 * the input to read a word, or the text buffer is full).
 *
 * The text buffer does not move here, so the fields are published as they
 * end; if the general reader takes over, they go back to the offset form
 * it uses (see publish_fields). */
struct plain_scan {
	size_t field_begin; /* input offset where the current field starts */
	/* Text offset minus input offset, modulo SIZE_MAX + 1: it "wraps"
	 * below zero, so add it to offsets, never to pointers. */
	size_t delta;
};

static int end_plain_field(struct csv_reader *reader, struct plain_scan *scan,
			   size_t end)
{
	if (end - scan->field_begin > CSV_MAX_FIELD ||
	    (reader->field_count == reader->field_capacity &&
	     grow_fields(reader) < 0))
		return -1; /* the general reader reports it */
	reader->fields[reader->field_count++] = (struct csv_field){
		.text = reader->text + (scan->field_begin + scan->delta),
		.length = end - scan->field_begin,
		.line = reader->line,
		.column = (long)(scan->field_begin - reader->line_start) + 1,
	};
	reader->text[end + scan->delta] = '\0';
	scan->field_begin = end + 1;
	return 0;
}

enum flagged { ORDINARY, FIELD_END, LF_END, CRLF_END, GENERAL };

/* What the flagged byte data[at] means for a plain field.  ORDINARY: a
 * flag from a borrow, or a control byte such as TAB. */
static enum flagged classify_flagged(const struct csv_reader *reader, size_t at)
{
	const unsigned char *data = (const unsigned char *)reader->data;
	unsigned char c = data[at];

	if (c == ',')
		return FIELD_END;
	if (c == '\n')
		return LF_END;
	if (c == '\r' && at + 1 < reader->size && data[at + 1] == '\n')
		return CRLF_END;
	if (c == '"' || c == '\0' || c == '\r' || c >= 0x80)
		return GENERAL;
	return ORDINARY;
}

static int read_plain_fields(struct csv_reader *reader)
{
	const unsigned char *data = (const unsigned char *)reader->data;
	struct plain_scan scan = { reader->pos, reader->text_used - reader->pos };
	uint64_t commas = BYTES_01 * ',';

	for (size_t pos = scan.field_begin;; pos += 8) {
		uint64_t word, found;
		if (pos + 8 > reader->size || pos - scan.field_begin > CSV_MAX_FIELD ||
		    pos + scan.delta + 8 > reader->text_capacity)
			break;
		memcpy(&word, data + pos, sizeof word);
		memcpy(reader->text + (pos + scan.delta), &word, sizeof word);
		for (found = attention_bytes(word, commas); found; found &= found - 1) {
			size_t at = pos + (size_t)(__builtin_ctzll(found) >> 3);
			enum flagged kind = classify_flagged(reader, at);
			if (kind == ORDINARY)
				continue;
			if (kind == GENERAL || end_plain_field(reader, &scan, at) < 0)
				goto general;
			if (kind != FIELD_END) {
				reader->text_used = at + scan.delta + 1;
				reader->pos = at + (kind == CRLF_END ? 2 : 1);
				start_new_line(reader, reader->pos);
				return 1;
			}
		}
	}
general:
	reader->text_used = scan.field_begin + scan.delta;
	reader->pos = scan.field_begin;
	for (size_t i = 0; i < reader->field_count; i++)
		reader->fields[i].length = (size_t)(reader->fields[i].text - reader->text);
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
	if (read_plain_fields(reader))
		return 1;
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
