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
 * followed by LF, a quoted field still open at the end of the input, a
 * field longer than RECORD_MAX_FIELD bytes (record.h), and a record of
 * more than CSV_MAX_FIELDS fields.  Those two limits bound the memory a record
 * takes, whatever the input.
 *
 * Lines and columns count from 1.  A column counts bytes of the physical
 * line, so editors that show byte columns agree with it.
 */
#ifndef NSS_IANA_CSV_H
#define NSS_IANA_CSV_H

#include <stddef.h>

#include "compiler/record.h"

#define CSV_MAX_FIELDS 64        /* the registry has 12 columns */

struct csv_reader; /* private to csv.c */

/* A reader of `size` bytes at `data`, which must outlive it.  NULL if
 * memory ran out. */
struct csv_reader *csv_open(const char *data, size_t size);
void csv_close(struct csv_reader *reader);

/* Reads the next record, whatever its number of fields.  Returns 1 for a
 * record, 0 at the end of the input, -1 on an error (then *error says
 * where and what; the reader then stays at the end).  A record's fields
 * stay valid until the next call.  An empty input has no records; an
 * empty line is a record of one empty field. */
int csv_next(struct csv_reader *reader, struct record *record,
	     struct record_error *error);

/* The reader as a record stream (record.h): the header row, then every
 * data row, which must have as many fields as the header.  Empty lines
 * are skipped.  The stream's state is the reader itself. */
struct record_reader csv_records(struct csv_reader *reader);

#endif
