/*
 * registry.h - the registry rules: which CSV rows serve, what their port
 * and protocol are, and which rows are aliases of others.
 *
 * The header row is matched by column name, so reordered or extra columns
 * are fine; "Service Name", "Port Number" and "Transport Protocol" are
 * required, every metadata column is optional (empty if absent).  Column 11
 * is accepted under both of the names IANA has used for it.
 *
 * A row serves when it has a service name, a port (or range) and a
 * protocol.  Rows without one are counted in registry_stats, by the first
 * thing missing in that order.  A name that could not be one token of a
 * services(5) line (empty after the rules, white space, control bytes, '#')
 * is counted as a bad name and not served.  A malformed port (not N or N-M
 * in 0..65535 with N <= M) or protocol (not letters, digits, '-', '_', '.',
 * '+') is an error, wherever it stands, because it means the file is not
 * what we think it is.
 *
 * An alias row is a serving row whose Assignment Notes say
 *   This entry is an alias to "TARGET"
 *   This is a duplicate of the "TARGET" service
 * It becomes an alias of the first non-alias serving row named TARGET
 * (exactly, else ignoring ASCII case) with the same port range and
 * protocol.  If there is none, the row is served as an entry of its own and
 * counted in unresolved_aliases: nothing is lost.
 */
#ifndef NSS_IANA_REGISTRY_H
#define NSS_IANA_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "snapshot_format.h"

struct registry_row {
	char *name;
	char *proto;
	uint16_t port_first;
	uint16_t port_last;
	char *meta[NSSIANA_META_FIELDS]; /* enum nssiana_meta_field order */
	long line;     /* CSV line where the row starts */
	long alias_of; /* -1, or the index in rows of the row it aliases */
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

struct registry {
	struct registry_row *rows; /* every serving row, in registry order */
	size_t count;
	struct registry_stats stats;
	char date[11];     /* newest Registration/Modification Date, or "" */
	void *arena;       /* owns every string above */
};

/* Fills *reg from CSV text.  On error returns -1 and writes
 * "FILE:LINE:COL: message" to err; *reg is then empty (nothing to free).
 * `filename` is only used in messages. */
int registry_load(struct registry *reg, const char *data, size_t size,
		  const char *filename, char *err, size_t err_size);

/* Reads the file at `path` and calls registry_load.  Errors reading it
 * (missing, a directory, unreadable) are reported as "FILE: reason". */
int registry_load_file(struct registry *reg, const char *path,
		       char *err, size_t err_size);

void registry_free(struct registry *reg);

#endif
