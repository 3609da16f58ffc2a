/*
 * proto_hostile.c - snapshots whose PROTO_* sections the compiler would
 * never write, for `nss-iana verify` (tests/system/test_cli_protocols.sh)
 * and the fuzzer's seed corpus.
 *
 *   proto_hostile CASE OUT   compiles tests/fixtures/cli_small.csv with
 *                            protocols_small.csv and
 *                            protocols_prefer.protocols, damages it as CASE
 *                            says, puts the true checksum back, writes OUT
 *   proto_hostile --list     the cases
 *
 * The damage is made on the bytes, found through the section table, not
 * through the reader.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler/compile.h"
#include "reader/checksum.h"
#include "snapshot_format.h"

struct file {
	unsigned char *bytes;
	size_t size;
};

static void *section(struct file *f, uint32_t id, uint32_t *size)
{
	struct nssiana_header *h = (void *)f->bytes;
	struct nssiana_section *table = (void *)(f->bytes + h->header_size);

	for (uint32_t i = 0; i < h->section_count; i++)
		if (table[i].id == id) {
			if (size)
				*size = table[i].size;
			return f->bytes + table[i].offset;
		}
	fprintf(stderr, "proto_hostile: no section %u\n", id);
	exit(1);
}

static struct nssiana_proto_summary *summary(struct file *f)
{
	return section(f, NSSIANA_SECTION_PROTO_SUMMARY, NULL);
}

static struct nssiana_protoent *entries(struct file *f)
{
	return section(f, NSSIANA_SECTION_PROTO_ENTRIES, NULL);
}

/* The first registry entry (after the file's). */
static struct nssiana_protoent *registry_entry(struct file *f)
{
	return &entries(f)[summary(f)->file_entries];
}

static void good(struct file *f) { (void)f; }
static void summary_reserved(struct file *f) { summary(f)->reserved[0] = 1; }
static void summary_count(struct file *f) { summary(f)->registry_entries++; }
static void source_order(struct file *f) { entries(f)[0].source = NSSIANA_PROTO_FROM_REGISTRY; }
static void number_moved(struct file *f) { registry_entry(f)->number += 1000; }
static void minor_one(struct file *f) { ((struct nssiana_header *)f->bytes)->version_minor = 1; }
static void entry_reserved(struct file *f) { entries(f)[1].reserved = 1; }

static void bad_name(struct file *f)
{
	char *pool = section(f, NSSIANA_SECTION_PROTO_STRINGS, NULL);
	pool[registry_entry(f)->name] = ' ';
}

static void bucket_order(struct file *f)
{
	uint32_t size;
	uint32_t *buckets = section(f, NSSIANA_SECTION_PROTO_NUMBER_BUCKETS, &size);
	uint32_t *refs = section(f, NSSIANA_SECTION_PROTO_NUMBER_REFS, NULL);

	for (uint32_t b = 0; b + 1 < size / 4; b++)
		if (buckets[b + 1] - buckets[b] >= 2) {
			uint32_t t = refs[buckets[b]];
			refs[buckets[b]] = refs[buckets[b] + 1];
			refs[buckets[b] + 1] = t;
			return;
		}
	fprintf(stderr, "proto_hostile: no bucket of two\n");
	exit(1);
}

static void section_missing(struct file *f)
{
	struct nssiana_header *h = (void *)f->bytes;
	struct nssiana_section *table = (void *)(f->bytes + h->header_size);

	for (uint32_t i = 0; i < h->section_count; i++)
		if (table[i].id == NSSIANA_SECTION_PROTO_NUMBER_REFS)
			table[i].id = 40; /* unknown: the set is incomplete */
}

static const struct {
	const char *name;
	void (*damage)(struct file *);
} cases[] = {
	{ "good", good },
	{ "summary-reserved", summary_reserved },
	{ "summary-count", summary_count },
	{ "source-order", source_order },
	{ "number-moved", number_moved },
	{ "minor-one", minor_one },
	{ "entry-reserved", entry_reserved },
	{ "bad-name", bad_name },
	{ "bucket-order", bucket_order },
	{ "section-missing", section_missing },
};

int main(int argc, char **argv)
{
	const size_t count = sizeof cases / sizeof cases[0];

	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < count; i++)
			puts(cases[i].name);
		return 0;
	}
	if (argc != 3) {
		fputs("usage: proto_hostile CASE OUT | --list\n", stderr);
		return 2;
	}
	for (size_t i = 0; i < count; i++) {
		if (strcmp(argv[1], cases[i].name) != 0)
			continue;
		struct compile_options options = {
			.protocols = "tests/fixtures/protocols_small.csv",
			.prefer_protocols = "tests/fixtures/protocols_prefer.protocols" };
		struct compiled c;
		char err[512];
		if (compile_file("tests/fixtures/cli_small.csv", &options, &c, err,
				      sizeof err) != 0) {
			fprintf(stderr, "proto_hostile: %s\n", err);
			return 1;
		}
		struct file f = { c.image.data, c.image.size };
		cases[i].damage(&f);
		uint32_t sum = snapshot_checksum(f.bytes, f.size);
		memcpy(f.bytes + offsetof(struct nssiana_header, checksum), &sum, sizeof sum);
		int status = write_file_atomic(argv[2], f.bytes, f.size);
		compiled_free(&c);
		return status ? 1 : 0;
	}
	fprintf(stderr, "proto_hostile: no case '%s' (see --list)\n", argv[1]);
	return 2;
}
