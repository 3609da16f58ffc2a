/*
 * proto_registry.h - the protocols database: IANA's "Assigned Internet Protocol
 * Numbers" registry (protocol-numbers-1.csv) and an admin's protocols(5)
 * file, read into one table in answer order.
 *
 * THE REGISTRY
 *   A record stream (record.h) whose header names the columns "Decimal"
 *   and "Keyword" (required) and "Protocol", "IPv6 Extension Header" and
 *   "Reference" (optional; other columns are ignored; names ignore ASCII
 *   case).  A row serves when its Decimal is one number and it has a
 *   keyword.  Skipped, and counted (struct proto_stats), by the first
 *   reason in this order: a range of numbers ("148-252", the unassigned
 *   block), no keyword (61 "any host internal protocol", 253 and 254
 *   "use for experimentation", ...), a keyword that cannot be a
 *   protocols(5) token even after the rule below (text.h).  A Decimal that
 *   is not N or N-M (decimal, N <= M, at most 4294967295) is an error.
 *
 *   NAMES: protocols(5) as netbase writes it, the lower-case name first
 *   and IANA's keyword as an alias ("icmp 1 ICMP").  A keyword may hold
 *   what a token cannot, so first a trailing " (deprecated)" is dropped
 *   (the number stays assigned: "argus 13 ARGUS") and then every space
 *   becomes '-' ("Mobility Header" gives "mobility-header 135
 *   Mobility-Header", as netbase writes it; "ISIS over IPv4" gives
 *   "isis-over-ipv4 124 ISIS-over-IPv4").  The name is that text with
 *   ASCII A-Z lowered; the alias is the text as IANA cases it, left out
 *   when it equals the name ("manet 138").
 *
 * THE PREFERENCE FILE (`compile --prefer-protocols FILE`)
 *   Its lines are parsed exactly as glibc's nss_files parses protocols(5):
 *   a line is cut at the first '#' (and at a NUL byte); leading white
 *   space is skipped, and a line left empty is no entry; the name runs to
 *   the first white space (isspace in the C locale: space, \t, \n, \v,
 *   \f, \r); then the number as strtoul(base 10) reads it, a sign and
 *   white space before the digits included, clamped to 4294967295 as
 *   glibc's strtou32 does, which must be followed by white space or the
 *   end of the line, else the line is no entry; then every white-space
 *   separated word is an alias.  Every byte is kept as it is.  Its
 *   entries come before the registry's: a lookup answers the first match,
 *   as nss_files answers over the file followed by the registry's export.
 *   A line that passes the format's limits (more than NSSIANA_MAX_ALIASES
 *   aliases, an answer over NSSIANA_MAX_ANSWER_BYTES) is an error at that
 *   line, as a registry row would be.
 */
#ifndef NSS_IANA_COMPILER_PROTOCOLS_H
#define NSS_IANA_COMPILER_PROTOCOLS_H

#include <stddef.h>
#include <stdint.h>

#include "compiler/record.h"
#include "snapshot_format.h"

struct proto_row {
	char *name;
	char **aliases;   /* alias_count of them */
	size_t alias_count;
	uint32_t number;
	char *meta[NSSIANA_PROTO_META_FIELDS]; /* "" for a file line */
	uint8_t source;   /* enum nssiana_proto_source */
	long line;        /* in its input */
	long column;
	char *block;      /* the allocation holding the row's strings */
};

struct proto_stats {
	unsigned long rows_read;
	unsigned long rows_range;
	unsigned long rows_no_keyword;
	unsigned long rows_bad_name;
	unsigned long registry_entries;
	unsigned long file_entries;
	unsigned long file_lines; /* lines of the preference file */
};

struct proto_table {
	struct proto_row *rows; /* in answer order: the file's, the registry's */
	size_t count;
	struct proto_stats stats;
	char *file_path;        /* the preference file, or NULL */
	uint32_t file_crc32;
	const char *registry_name; /* for messages: the registry file */
	const char *file_name;     /* for messages: the preference file */
};

/* The protocols(5) name and alias of a keyword, by the rule above:
 * `name` and `alias` get at most `size` bytes each.  Returns 0, or -1 if
 * the result does not fit or is not a protocols(5) token.  *alias is ""
 * when it would equal the name. */
int proto_names_of_keyword(const char *keyword, char *name, char *alias,
			   size_t size);

/* Reads the registry.  Returns 0, or -1 with "FILE:LINE:COL: message" in
 * err; *table is then empty. */
int proto_table_read(struct proto_table *table,
		     const struct record_reader *records, const char *filename,
		     char *err, size_t err_size);

/* proto_table_read of CSV text. */
int proto_table_load(struct proto_table *table, const char *data, size_t size,
		     const char *filename, char *err, size_t err_size);

/* Puts the entries of protocols(5) text before the table's, records the
 * file's name and CRC-32.  Returns 0, or -1 with "FILE:LINE: message". */
int proto_table_prefer(struct proto_table *table, const char *data,
		       size_t size, const char *path, char *err,
		       size_t err_size);

void proto_table_free(struct proto_table *table);

/* What an entry takes in a caller's buffer, as the module lays it out:
 * worst-case alignment, the alias pointers with their NULL, the strings
 * with their NULs. */
size_t proto_answer_bytes(const char *name, const char *const *aliases,
			  size_t alias_count);

#endif
