/*
 * fuzz_protocols.c - arbitrary bytes as the protocol numbers registry or
 * as a protocols(5) preference file, through the protocols compiler.
 *
 * The first byte chooses: even, the rest is the registry CSV; odd, the
 * rest is a protocols(5) file put before a small fixed registry.  Input
 * the rules refuse must fail with "FILE:LINE[:COL]: message".  Input they
 * accept is built into the PROTO_* sections (snapshot_build), which must
 * pass the reader's checks, and then every entry's name, aliases and
 * number must be found by the reader exactly where a plain scan of the
 * table, in answer order, says nss_files would find them (exact match
 * first, then ASCII case-insensitive).
 *
 * Built with libFuzzer (tests/fuzz/fuzz.mk) and, with FUZZ_NO_MAIN, into
 * tests/unit/check_fuzz_regressions.c for `make check`.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "compiler/proto_registry.h"
#include "compiler/registry.h"
#include "compiler/snapshot_write.h"
#include "reader/proto_snapshot.h"
#include "text.h"

#define MAX_KEY_PROTOCOLS 256

int fuzz_protocols_one(const uint8_t *data, size_t size);

static void proto_require(bool ok, const char *rule)
{
	if (!ok) {
		fprintf(stderr, "fuzz_protocols: broken rule: %s\n", rule);
		abort();
	}
}

static const char fixed_registry[] =
	"Decimal,Keyword,Protocol,IPv6 Extension Header,Reference\n"
	"1,ICMP,Internet Control Message,,[RFC792]\n"
	"6,TCP,Transmission Control,,[RFC9293]\n"
	"135,Mobility Header,,Y,[RFC6275]\n";

/* The first row, in answer order, named `key` (exactly, else ignoring
 * ASCII case), or -1: what nss_files' first match would be. */
static long plain_by_name(const struct proto_table *t, const char *key)
{
	for (int fold = 0; fold < 2; fold++)
		for (size_t i = 0; i < t->count; i++) {
			const struct proto_row *r = &t->rows[i];
			bool hit = fold ? text_ascii_equal_fold(r->name, key) : !strcmp(r->name, key);
			for (size_t a = 0; !hit && a < r->alias_count; a++)
				hit = fold ? text_ascii_equal_fold(r->aliases[a], key)
					   : !strcmp(r->aliases[a], key);
			if (hit)
				return (long)i;
		}
	return -1;
}

static long plain_by_number(const struct proto_table *t, uint32_t number)
{
	for (size_t i = 0; i < t->count; i++)
		if (t->rows[i].number == number)
			return (long)i;
	return -1;
}

static void check_round_trip(const struct proto_table *t)
{
	struct registry reg = { 0 };
	struct snapshot_image image;
	struct build_error error;
	struct snapshot snap;
	struct proto_snapshot p;
	uint32_t index;

	reg.protocols = t;
	if (snapshot_build(&reg, &image, &error) != 0) {
		/* Only the format's limits may refuse what the rules accepted. */
		proto_require(strstr(error.message, "share a") || strstr(error.message, "more than"),
			      "a build error is a limit");
		return;
	}
	proto_require(snapshot_parse(&snap, image.data, image.size) == NULL, "the image parses");
	proto_require(proto_snapshot_parse(&p, &snap) == NULL && p.summary, "the sections parse");
	proto_require(proto_snapshot_check_records(&p) == NULL, "the records check");
	proto_require(p.entry_count == t->count, "one entry per row");
	for (size_t i = 0; i < t->count && i < MAX_KEY_PROTOCOLS; i++) {
		const struct proto_row *r = &t->rows[i];
		proto_require(strcmp(proto_string(&p, p.entries[i].name), r->name) == 0,
			      "an entry's name is its row's");
		for (size_t a = 0; a <= r->alias_count; a++) {
			const char *key = a ? r->aliases[a - 1] : r->name;
			enum snapshot_status status = proto_find_name(&p, key, &index);
			proto_require(status == SNAPSHOT_FOUND, "every name is found");
			proto_require((long)index == plain_by_name(t, key), "by name: the first match");
		}
		proto_require(proto_find_number(&p, r->number, &index) == SNAPSHOT_FOUND &&
			      (long)index == plain_by_number(t, r->number), "by number: the first match");
	}
	snapshot_image_free(&image);
}

static void check_error(const char *err, const char *file)
{
	size_t n = strlen(file);
	proto_require(strncmp(err, file, n) == 0 && err[n] == ':', "an error names the file");
	proto_require(strtol(err + n + 1, NULL, 10) >= 0, "an error has a line");
}

int fuzz_protocols_one(const uint8_t *data, size_t size)
{
	struct proto_table table;
	char err[512];

	if (size == 0)
		return 0;
	const char *text = (const char *)data + 1;
	size_t length = size - 1;
	if (data[0] % 2 == 0) {
		if (proto_table_load(&table, text, length, "fuzz.csv", err, sizeof err) != 0) {
			check_error(err, "fuzz.csv");
			return 0;
		}
	} else {
		proto_require(proto_table_load(&table, fixed_registry, sizeof fixed_registry - 1,
					       "fixed.csv", err, sizeof err) == 0,
			      "the fixed registry loads");
		if (proto_table_prefer(&table, text, length, "fuzz.protocols", err,
				       sizeof err) != 0) {
			check_error(err, "fuzz.protocols");
			proto_table_free(&table);
			return 0;
		}
	}
	check_round_trip(&table);
	proto_table_free(&table);
	return 0;
}

#ifndef FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_protocols_one(data, size);
}
#endif
