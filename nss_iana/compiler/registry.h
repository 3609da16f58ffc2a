/*
 * registry.h - the registry rules: which records serve, what their port
 * and protocol are, and which rows are aliases of others.
 *
 * The input is a record stream (record.h): the first record names the
 * columns, so reordered or extra columns are fine; "Service Name", "Port
 * Number" and "Transport Protocol" are required, every metadata column is
 * optional (empty if absent).  Column 11 is accepted under both of the
 * names IANA has used for it.  Column names are matched ignoring ASCII
 * case.
 *
 * A row serves when it has a service name, a port (or range) and a
 * protocol.  Rows without one are counted in registry_stats, by the first
 * thing missing in that order.  A name that could not be one token of a
 * services(5) line, or would not print as itself (text.h: white space,
 * '#', control characters, Unicode spaces, invisible and bidirectional
 * controls), is counted as a bad
 * name and not served.  A malformed port (not N or N-M in 0..65535 with
 * N <= M) or protocol (not letters, digits, '-', '_', '.', '+') is an
 * error, wherever it stands, because it means the file is not what we
 * think it is.
 *
 * An alias row is a serving row whose Assignment Notes say
 *   This entry is an alias to "TARGET"
 *   This is a duplicate of the "TARGET" service
 * It becomes an alias of the first non-alias serving row named TARGET
 * (exactly, else ignoring ASCII case) with the same port range and
 * protocol.  If there is none, the row is served as an entry of its own and
 * counted in unresolved_aliases: nothing is lost.
 *
 * The snapshot format's limits (snapshot_format.h) that depend on rows
 * alone are errors at the row that passes them: more than
 * NSSIANA_MAX_ALIASES aliases of one entry, an answer of more than
 * NSSIANA_MAX_ANSWER_BYTES, more than NSSIANA_MAX_SERVENTS ports served.
 */
#ifndef NSS_IANA_REGISTRY_H
#define NSS_IANA_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "compiler/record.h"
#include "snapshot_format.h"

struct proto_table;

struct registry_row {
	/* The row's strings, back to back in one allocation that starts at
	 * `name`: name, proto, then the metadata in enum nssiana_meta_field
	 * order. */
	char *name;
	char *proto;
	uint16_t port_first;
	uint16_t port_last;
	char *meta[NSSIANA_META_FIELDS];
	long line;     /* where the row's name starts in the input */
	long column;
	long alias_of; /* -1, or the index in rows of the row it aliases */
	bool preferred; /* a line of the preference file (prefer.h) */
};

struct registry_stats {
	unsigned long rows_read;  /* data rows, not counting the header */
	unsigned long no_name;
	unsigned long no_port;
	unsigned long no_proto;
	unsigned long bad_name;
	unsigned long alias_rows; /* serving rows that became aliases */
	unsigned long unresolved_aliases; /* alias rows served on their own */
	unsigned long ranges;     /* serving rows with a port range */
};

/* One person of IANA's contact table (the XML's <people>; the CSV has
 * none).  The five strings lie back to back in one allocation that starts
 * at `id`. */
struct registry_contact {
	char *id;      /* as in "[IETF_Chair]", without the brackets */
	char *name;
	char *org;
	char *uri;
	char *updated;
	long line;     /* of the <person> in the input */
	long column;
};

/* The services(5) file whose lines answer before the registry's
 * (prefer.h), as the snapshot records it. */
struct registry_preference {
	char *path;    /* absolute, as the compiler resolved it */
	uint32_t crc32; /* of the file's bytes */
	uint32_t lines; /* lines that became entries */
};

struct registry {
	struct registry_row *rows; /* every serving row, in registry order */
	size_t count;
	struct registry_stats stats;
	char date[11];     /* newest Registration/Modification Date, or "" */
	char updated[11];  /* the registry's own date (XML <updated>), or "" */
	/* Sorted by id, ids distinct; none for a CSV. */
	struct registry_contact *contacts;
	size_t contact_count;
	struct registry_preference *preference; /* NULL: registry order */
	/* The protocols database (compiler/proto_registry.h), written as the
	 * optional PROTO_* sections; NULL: none.  Not owned. */
	const struct proto_table *protocols;
};

/* Fills *reg from a record stream.  On error returns -1 and writes
 * "FILE:LINE:COL: message" to err; *reg is then empty (nothing to free).
 * `filename` is only used in messages. */
int registry_read(struct registry *reg, const struct record_reader *records,
		  const char *filename, char *err, size_t err_size);

/* Makes `people` (sorted by id, ids distinct, as a reader hands them
 * over: record.h) the registry's contacts, taking their strings and
 * freeing the array.  Returns 0, or -1 if memory ran out, with the people
 * freed and the registry unchanged. */
int registry_take_contacts(struct registry *reg, struct record_person *people,
			   size_t count);

void registry_free(struct registry *reg);

/* What an answer takes in the caller's buffer, at most (snapshot_format.h,
 * MAX_ANSWER_BYTES): an entry with a name and protocol of these lengths,
 * and what each alias adds. */
size_t registry_entry_answer_bytes(size_t name_length, size_t proto_length);
size_t registry_alias_answer_bytes(size_t name_length);

#endif
