/*
 * csv.h - an RFC 4180 reader for IANA's CSV export, with the line and
 * column of every error.
 *
 * It reads from memory (the compiler reads the whole file first: the
 * registry is kept in memory anyway).  Accepted: fields quoted or not,
 * doubled quotes inside quoted fields, line breaks inside quoted fields,
 * records ended by CRLF or LF, an optional UTF-8 byte-order mark at the very
 * start, a missing line end after the last record.  Field bytes are kept
 * exactly, non-ASCII included.
 *
 * Rejected, each with the line and column of the offending byte: a NUL
 * byte, bytes that are not valid UTF-8, a quote inside an unquoted field,
 * anything but a comma or a line end after a closing quote, a bare CR not
 * followed by LF, a quoted field still open at the end of the input, and a
 * field longer than CSV_MAX_FIELD bytes.
 *
 * Lines and columns count from 1.  A column counts bytes of the physical
 * line, so editors that show byte columns agree with it.
 */
#ifndef NSS_IANA_CSV_H
#define NSS_IANA_CSV_H

#include <stddef.h>

#define CSV_MAX_FIELD (1u << 20) /* 1 MiB: the registry's longest is 1,532 */

struct csv_field {
	const char *text; /* unescaped, NUL-terminated, owned by the reader */
	size_t length;    /* bytes, not counting the NUL */
	long line;        /* where the field starts */
	long column;
};

struct csv_error {
	long line;
	long column;
	char message[160]; /* what is wrong, without the position */
};

struct csv_reader {
	const char *data; /* the input, not owned */
	size_t size;
	size_t pos;
	long line;        /* of data[pos] */
	size_t line_start; /* offset of the current physical line */
	/* Reused between records: the fields of the last record read. */
	struct csv_field *fields;
	size_t field_count;
	size_t field_capacity;
	char *text;       /* unescaped field bytes, NUL after each */
	size_t text_used;
	size_t text_capacity;
};

void csv_init(struct csv_reader *reader, const char *data, size_t size);
void csv_free(struct csv_reader *reader);

/* Reads the next record into reader->fields / reader->field_count.
 * Returns 1 for a record, 0 at the end of the input, -1 on an error (then
 * *error says where and what; the reader must not be used further).
 * A record's fields stay valid until the next call.  An empty input has no
 * records; an empty line is a record of one empty field. */
int csv_next(struct csv_reader *reader, struct csv_error *error);

#endif
