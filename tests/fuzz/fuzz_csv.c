/*
 * fuzz_csv.c - arbitrary bytes as the registry CSV, through the compiler.
 *
 * registry_load() either fails with a "FILE:LINE:COL: message" error or
 * gives rows that keep the registry rules.  Rows that load are compiled
 * (snapshot_build), the image must pass snapshot_parse() - the module's
 * own validation - and then the round trip must hold: every entry and
 * alias in the file is the row it came from, and every lookup by name and
 * by port answers what a plain scan of the rows, in registry order, says
 * nss_files would answer.
 *
 * Built with libFuzzer (tests/fuzz/fuzz.mk) and, with FUZZ_NO_MAIN, into
 * tests/unit/check_fuzz_regressions.c for `make check`.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/registry.h"
#include "reader/checksum.h"
#include "reader/snapshot.h"
#include "compiler/snapshot_write.h"
#include "lib/fold_equal.h"
#include "lib/registry_load.h"

#define MAX_KEY_ROWS 512 /* rows whose names and ports become keys */

int fuzz_csv_one(const uint8_t *data, size_t size);

static void csv_require(bool ok, const char *rule)
{
	if (!ok) {
		fprintf(stderr, "fuzz_csv: broken rule: %s\n", rule);
		abort();
	}
}

/* "fuzz.csv:LINE:COL: message", LINE and COL counting from 1. */
static void check_error_format(const char *err)
{
	const char *p = err;
	long line, column;
	char *end;

	csv_require(strncmp(p, "fuzz.csv:", 9) == 0, "error names the file");
	p += 9;
	line = strtol(p, &end, 10);
	csv_require(end != p && *end == ':' && line >= 1, "error has a line");
	p = end + 1;
	column = strtol(p, &end, 10);
	csv_require(end != p && *end == ':' && column >= 1, "error has a column");
	csv_require(end[1] == ' ' && end[2] != '\0', "error has a message");
}

/* ---- the registry, read plainly ----------------------------------------- */

/* For each row that is an entry: its entry number and its alias rows. */
struct plain {
	const struct registry *reg;
	long *entry_of_row; /* -1 for alias rows */
	size_t *alias_rows; /* alias row numbers, grouped by entry, row order */
	size_t *alias_start; /* per entry: index into alias_rows; + 1 at end */
	size_t *row_of_entry;
	size_t entry_count;
};

static void plain_build(struct plain *plain, const struct registry *reg)
{
	size_t n = reg->count;

	plain->reg = reg;
	plain->entry_of_row = calloc(n + 1, sizeof(long));
	plain->row_of_entry = calloc(n + 1, sizeof(size_t));
	plain->alias_start = calloc(n + 2, sizeof(size_t));
	plain->alias_rows = calloc(n + 1, sizeof(size_t));
	plain->entry_count = 0;
	for (size_t r = 0; r < n; r++) {
		const struct registry_row *row = &reg->rows[r];
		csv_require(row->name && row->proto && row->name[0] && row->proto[0],
			    "a serving row has a name and a protocol");
		csv_require(row->port_first <= row->port_last, "ranges go up");
		if (row->alias_of >= 0) {
			csv_require((size_t)row->alias_of < n &&
				    reg->rows[row->alias_of].alias_of < 0,
				    "an alias aliases an entry row");
			plain->entry_of_row[r] = -1;
			continue;
		}
		plain->entry_of_row[r] = (long)plain->entry_count;
		plain->row_of_entry[plain->entry_count++] = r;
	}
	/* Counting sort of the alias rows by their entry, stable. */
	for (size_t r = 0; r < n; r++)
		if (reg->rows[r].alias_of >= 0)
			plain->alias_start[plain->entry_of_row[reg->rows[r].alias_of] + 1]++;
	for (size_t e = 0; e < plain->entry_count; e++)
		plain->alias_start[e + 1] += plain->alias_start[e];
	size_t *next = calloc(plain->entry_count + 1, sizeof(size_t));
	memcpy(next, plain->alias_start, plain->entry_count * sizeof(size_t));
	for (size_t r = 0; r < n; r++)
		if (reg->rows[r].alias_of >= 0)
			plain->alias_rows[next[plain->entry_of_row[reg->rows[r].alias_of]]++] = r;
	free(next);
}

static void plain_free(struct plain *plain)
{
	free(plain->entry_of_row);
	free(plain->row_of_entry);
	free(plain->alias_start);
	free(plain->alias_rows);
}

static bool same_name(const char *a, const char *b, bool fold)
{
	return fold ? fold_equal(a, b) : strcmp(a, b) == 0;
}

static bool plain_entry_named(const struct plain *plain, size_t e,
			      const char *name, bool fold)
{
	const struct registry *reg = plain->reg;
	if (same_name(reg->rows[plain->row_of_entry[e]].name, name, fold))
		return true;
	for (size_t a = plain->alias_start[e]; a < plain->alias_start[e + 1]; a++)
		if (same_name(reg->rows[plain->alias_rows[a]].name, name, fold))
			return true;
	return false;
}

/* nss_files' answer: the first line in order; exact names before folded. */
static long plain_find_name(const struct plain *plain, const char *name,
			    const char *proto)
{
	for (int fold = 0; fold < 2; fold++)
		for (size_t e = 0; e < plain->entry_count; e++) {
			const struct registry_row *row =
				&plain->reg->rows[plain->row_of_entry[e]];
			if ((!proto || strcmp(row->proto, proto) == 0) &&
			    plain_entry_named(plain, e, name, fold))
				return (long)e;
		}
	return -1;
}

static long plain_find_port(const struct plain *plain, unsigned port,
			    const char *proto)
{
	for (size_t e = 0; e < plain->entry_count; e++) {
		const struct registry_row *row =
			&plain->reg->rows[plain->row_of_entry[e]];
		if (port >= row->port_first && port <= row->port_last &&
		    (!proto || strcmp(row->proto, proto) == 0))
			return (long)e;
	}
	return -1;
}

/* ---- the round trip -------------------------------------------------- */

static void check_string(const struct snapshot *snap, uint32_t offset,
			 const char *expected, const char *what)
{
	const char *s = snapshot_string(snap, offset);
	csv_require(s != NULL, what);
	csv_require(strcmp(s, expected) == 0, what);
}

static void check_meta(const struct snapshot *snap, uint32_t offset,
		       char *const *meta)
{
	for (int f = 0; f < NSSIANA_META_FIELDS; f++) {
		const char *s = snapshot_string(snap, offset);
		csv_require(s != NULL, "metadata record inside the pool");
		csv_require(strcmp(s, meta[f] ? meta[f] : "") == 0,
			    "metadata is the row's");
		offset += strlen(s) + 1;
	}
}

static void check_entries(const struct snapshot *snap, const struct plain *plain)
{
	const struct registry *reg = plain->reg;

	csv_require(snap->entry_count == plain->entry_count, "one entry per row");
	csv_require(snap->alias_count == reg->count - plain->entry_count,
		    "one alias per alias row");
	for (size_t e = 0; e < plain->entry_count; e++) {
		const struct nssiana_entry *entry = &snap->entries[e];
		const struct registry_row *row = &reg->rows[plain->row_of_entry[e]];
		check_string(snap, entry->name, row->name, "entry name is the row's");
		const char *proto = snapshot_entry_proto(snap, entry);
		csv_require(proto && strcmp(proto, row->proto) == 0,
			    "entry protocol is the row's");
		csv_require(entry->port_first == row->port_first &&
			    entry->port_last == row->port_last, "entry ports");
		check_meta(snap, entry->meta, row->meta);
		size_t aliases = plain->alias_start[e + 1] - plain->alias_start[e];
		csv_require(entry->alias_count == aliases, "alias count");
		for (size_t a = 0; a < aliases; a++) {
			const struct registry_row *alias =
				&reg->rows[plain->alias_rows[plain->alias_start[e] + a]];
			const struct nssiana_alias *record =
				&snap->aliases[entry->alias_first + a];
			check_string(snap, record->name, alias->name,
				     "alias name is the row's, in row order");
			check_meta(snap, record->meta, alias->meta);
		}
	}
}

static void check_header(const struct snapshot *snap, const struct registry *reg)
{
	const struct nssiana_header *h = snap->header;
	csv_require(h->rows_read == reg->stats.rows_read &&
		    h->rows_no_name == reg->stats.no_name &&
		    h->rows_no_port == reg->stats.no_port &&
		    h->rows_no_proto == reg->stats.no_proto &&
		    h->rows_bad_name == reg->stats.bad_name, "header counts");
	check_string(snap, h->registry_date, reg->date, "registry date");
}

static void compare_name(const struct snapshot *snap, const struct plain *plain,
			 const char *name, const char *proto)
{
	uint32_t index = UINT32_MAX;
	enum snapshot_status found = snapshot_find_name(snap, name, proto, &index);
	long expected = plain_find_name(plain, name, proto);

	csv_require(found != SNAPSHOT_CORRUPT, "compiled file is not corrupt");
	csv_require((found == SNAPSHOT_FOUND) == (expected >= 0),
		    "by name: found exactly when a row matches");
	if (expected >= 0)
		csv_require(index == (uint32_t)expected,
			    "by name: the first matching row answers");
}

static void compare_port(const struct snapshot *snap, const struct plain *plain,
			 unsigned port, const char *proto)
{
	uint32_t index = UINT32_MAX;
	enum snapshot_status found =
		snapshot_find_port(snap, (uint16_t)port, proto, &index);
	long expected = plain_find_port(plain, port, proto);

	csv_require(found != SNAPSHOT_CORRUPT, "compiled file is not corrupt");
	csv_require((found == SNAPSHOT_FOUND) == (expected >= 0),
		    "by port: found exactly when a row matches");
	if (expected >= 0)
		csv_require(index == (uint32_t)expected,
			    "by port: the first matching row answers");
}

static void check_lookups(const struct snapshot *snap, const struct plain *plain)
{
	const struct registry *reg = plain->reg;
	char upper[256];

	for (size_t r = 0; r < reg->count && r < MAX_KEY_ROWS; r++) {
		const struct registry_row *row = &reg->rows[r];
		size_t length = strnlen(row->name, sizeof upper - 1);
		for (size_t c = 0; c < length; c++)
			upper[c] = (char)toupper((unsigned char)row->name[c]);
		upper[length] = '\0';
		const char *protos[] = { row->proto, NULL, "tcp" };
		for (size_t p = 0; p < 3; p++) {
			compare_name(snap, plain, row->name, protos[p]);
			compare_name(snap, plain, upper, protos[p]);
			compare_port(snap, plain, row->port_first, protos[p]);
			compare_port(snap, plain, row->port_last, protos[p]);
			compare_port(snap, plain, (row->port_last + 1u) & 0xffff,
				     protos[p]);
		}
	}
	compare_name(snap, plain, "no-such-service-name", NULL);
}

/* More than NSSIANA_MAX_BUCKET_ENTRIES entries (rows that are not aliases)
 * on one port: no number of port buckets separates them. */
static bool crowded_port(const struct registry *reg)
{
	for (uint32_t port = 0; port <= 65535; port++) {
		size_t on_port = 0;
		for (size_t r = 0; r < reg->count; r++)
			on_port += reg->rows[r].alias_of < 0 &&
				   reg->rows[r].port_first <= port &&
				   port <= reg->rows[r].port_last;
		if (on_port > NSSIANA_MAX_BUCKET_ENTRIES)
			return true;
	}
	return false;
}

/* snapshot_build may refuse only what the format cannot hold.  (Inputs
 * too large for NSSIANA_MAX_FILE_SIZE, or with 65 names of one FNV-1a
 * hash, are out of the fuzzer's reach.) */
static bool beyond_the_format(const struct registry *reg)
{
	size_t distinct = 0;
	for (size_t r = 0; r < reg->count && distinct <= NSSIANA_MAX_PROTOCOLS; r++) {
		bool seen = false;
		for (size_t q = 0; q < r && !seen; q++)
			seen = strcmp(reg->rows[q].proto, reg->rows[r].proto) == 0;
		distinct += !seen;
	}
	return distinct > NSSIANA_MAX_PROTOCOLS || crowded_port(reg);
}

static void round_trip(const struct registry *reg)
{
	struct snapshot_image image;
	struct snapshot snap;
	struct plain plain;

	plain_build(&plain, reg);
	struct build_error error;
	if (snapshot_build(reg, &image, &error) != 0) {
		if (!beyond_the_format(reg))
			fprintf(stderr, "fuzz_csv: %s\n", error.message);
		csv_require(beyond_the_format(reg), "compiles unless beyond the format");
		plain_free(&plain);
		return;
	}
	const char *invalid = snapshot_parse(&snap, image.data, image.size);
	if (invalid)
		fprintf(stderr, "fuzz_csv: %s\n", invalid);
	csv_require(invalid == NULL, "the compiled image passes validation");
	csv_require(snapshot_checksum(image.data, image.size) ==
		    snap.header->checksum, "checksum");
	check_header(&snap, reg);
	check_entries(&snap, &plain);
	check_lookups(&snap, &plain);
	snapshot_image_free(&image);
	plain_free(&plain);
}

int fuzz_csv_one(const uint8_t *data, size_t size)
{
	struct registry reg;
	char err[512];

	if (registry_load(&reg, (const char *)data, size, "fuzz.csv", err,
			  sizeof err) != 0) {
		check_error_format(err);
		return 0;
	}
	round_trip(&reg);
	registry_free(&reg);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_csv_one(data, size);
}
#endif
