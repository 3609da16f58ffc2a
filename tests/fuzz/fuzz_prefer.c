/*
 * fuzz_prefer.c - arbitrary bytes as a preference file (compile --prefer),
 * put before a small registry.
 *
 * registry_prepend_services() either fails with "fuzz.services:LINE:COL:
 * message" (LINE and COL from 1), leaving the registry as it was, or puts
 * its rows first, every one flagged and a services(5) token in name and
 * protocol.  The result is compiled (snapshot_build may refuse a limit)
 * and must pass the module's validation and the full record check; then
 * every name and port of the rows, asked with the row's protocol, answers
 * the first row in order that has it exactly, as nss_files over the file
 * followed by the registry would: a plain scan of the rows says which.
 *
 * Built with libFuzzer (tests/fuzz/fuzz.mk) and, with FUZZ_NO_MAIN, into
 * tests/unit/check_fuzz_regressions.c for `make check`.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/prefer.h"
#include "compiler/registry.h"
#include "lib/registry_load.h"
#include "compiler/snapshot_write.h"
#include "reader/snapshot.h"
#include "text.h"

int fuzz_prefer_one(const uint8_t *data, size_t size);

static void prefer_require(bool ok, const char *rule)
{
	if (!ok) {
		fprintf(stderr, "fuzz_prefer: broken rule: %s\n", rule);
		abort();
	}
}

static const char prefer_registry[] =
	"Service Name,Port Number,Transport Protocol,Description,Assignee,"
	"Contact,Registration Date,Modification Date,Reference,Service Code,"
	"Unauthorized Use Reported,Assignment Notes\n"
	"http,80,tcp,WWW,,,,,,,,\n"
	"x11,6000-6003,tcp,X,,,,,,,,\n"
	"nicname,43,tcp,Who Is,,,,,,,,\n";

/* The first row in order, not an alias, answering (name or port, proto)
 * exactly; -1 if none. */
static long first_row(const struct registry *reg, const char *name,
		      uint16_t port, const char *proto)
{
	for (size_t i = 0; i < reg->count; i++) {
		const struct registry_row *row = &reg->rows[i];
		size_t entry = row->alias_of < 0 ? i : (size_t)row->alias_of;
		const struct registry_row *e = &reg->rows[entry];
		if (strcmp(e->proto, proto) != 0)
			continue;
		if (name ? strcmp(row->name, name) == 0
			 : (row->alias_of < 0 && port >= e->port_first && port <= e->port_last))
			return (long)entry;
	}
	return -1;
}

/* Entry index of each row that is not an alias. */
static void check_answers(const struct registry *reg, const struct snapshot *snap)
{
	uint32_t *entry_of_row = calloc(reg->count + 1, sizeof(*entry_of_row));
	uint32_t next = 0;
	prefer_require(entry_of_row != NULL, "memory");
	for (size_t i = 0; i < reg->count; i++)
		if (reg->rows[i].alias_of < 0)
			entry_of_row[i] = next++;
	for (size_t i = 0; i < reg->count && i < 512; i++) {
		const struct registry_row *row = &reg->rows[i];
		const char *proto = reg->rows[row->alias_of < 0 ? i : (size_t)row->alias_of].proto;
		uint32_t found;
		long want = first_row(reg, row->name, 0, proto);
		prefer_require(want >= 0, "a row's own name finds a row");
		prefer_require(snapshot_find_name(snap, row->name, proto, &found) == SNAPSHOT_FOUND &&
			       found == entry_of_row[want], "a name answers its first row");
		if (row->alias_of >= 0)
			continue;
		want = first_row(reg, NULL, row->port_first, proto);
		prefer_require(snapshot_find_port(snap, row->port_first, proto, &found) ==
			       SNAPSHOT_FOUND && found == entry_of_row[want],
			       "a port answers its first row");
	}
	free(entry_of_row);
}

int fuzz_prefer_one(const uint8_t *data, size_t size)
{
	struct registry reg;
	char err[512];
	uint32_t lines = 0;

	prefer_require(registry_load(&reg, prefer_registry, sizeof(prefer_registry) - 1,
				     "r.csv", err, sizeof(err)) == 0, "the registry loads");
	size_t before = reg.count;
	if (registry_prepend_services(&reg, (const char *)data, size, "fuzz.services",
				      &lines, err, sizeof(err)) != 0) {
		long line = 0, column = 0;
		prefer_require(sscanf(err, "fuzz.services:%ld:%ld:", &line, &column) == 2 &&
			       line >= 1 && column >= 1, "an error names line and column");
		prefer_require(reg.count == before, "a refused file changes nothing");
		registry_free(&reg);
		return 0;
	}
	size_t added = reg.count - before, entries = 0;
	for (size_t i = 0; i < added; i++) {
		const struct registry_row *row = &reg.rows[i];
		prefer_require(row->preferred, "the file's rows are flagged");
		prefer_require(text_is_services_token(row->name) &&
			       text_is_services_token(row->proto), "tokens only");
		prefer_require(row->port_first == row->port_last, "one port a line");
		entries += row->alias_of < 0;
	}
	prefer_require(entries == lines, "one entry a line");
	for (size_t i = added; i < reg.count; i++)
		prefer_require(!reg.rows[i].preferred, "the registry's rows follow");

	struct snapshot_image image;
	struct build_error error;
	if (snapshot_build(&reg, &image, &error) == 0) {
		struct snapshot snap;
		prefer_require(snapshot_parse(&snap, image.data, image.size) == NULL,
			       "the module accepts the snapshot");
		prefer_require(snapshot_check_records(&snap) == NULL, "every record checks");
		for (uint32_t e = 0; e < snap.entry_count; e++)
			prefer_require(!(snap.entries[e].flags & NSSIANA_ENTRY_PREFERRED) ==
				       (e >= lines), "the first entries are the file's, flagged");
		check_answers(&reg, &snap);
		snapshot_image_free(&image);
	}
	registry_free(&reg);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_prefer_one(data, size);
}
#endif
