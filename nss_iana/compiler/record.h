/*
 * record.h - what an input reader hands the registry rules: a stream of
 * records, each a row of fields, each field with the line and column
 * where it starts.
 *
 * The first record names the columns (a CSV file's header row); every
 * later record has exactly one field per column, in the same order, an
 * absent value being an empty field.  A reader of another format (the
 * XML export) produces the same stream: it sends the names of the columns
 * it fills first, then one record per registry entry.  The registry rules
 * and everything after them never know which format they read.
 *
 * Lines and columns count from 1; a reader says in its header what a
 * column counts (csv.h: bytes of the physical line).
 */
#ifndef NSS_IANA_RECORD_H
#define NSS_IANA_RECORD_H

#include <stddef.h>

/* The longest field a reader hands over: 1 MiB (the registry's longest is
 * 1,532 bytes).  It bounds the memory a record takes, whatever the input. */
#define RECORD_MAX_FIELD (1u << 20)

struct record_field {
	const char *text; /* NUL-terminated, owned by the reader */
	size_t length;    /* bytes, not counting the NUL */
	long line;        /* where the field starts */
	long column;
};

struct record {
	const struct record_field *fields;
	size_t count;
};

struct record_error {
	long line;
	long column;
	char message[160]; /* what is wrong, without the position */
};

/* One person of a contact table (IANA's XML <people>; the CSV has none),
 * as a reader hands it over after its record stream.  The five strings lie
 * back to back in one allocation that starts at `id`. */
struct record_person {
	char *id;      /* as in "[IETF_Chair]", without the brackets */
	char *name;
	char *org;
	char *uri;
	char *updated;
	long line;     /* where the person starts in the input */
	long column;
};

struct record_reader {
	/* Returns 1 and fills *record, valid until the next call; 0 at the
	 * end of the input; -1 and fills *error, after which the reader is
	 * not called again. */
	int (*next)(void *state, struct record *record, struct record_error *error);
	void *state;
};

#endif
