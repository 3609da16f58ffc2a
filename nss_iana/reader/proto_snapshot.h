/*
 * proto_snapshot.h - the protocols database of a snapshot (the PROTO_* sections
 * of snapshot_format.h): find them, look up by name and by number.
 *
 * Like snapshot.h, shared by the module and the tool, allocation-free and
 * stateless.  proto_snapshot_parse() does constant work (the section table
 * again, the summary, the pool's two ends, the sizes); each record a
 * lookup reads is checked where it is read, as the services lookups do.
 * proto_snapshot_check_records() is the full O(n) check, for the tool.
 */
#ifndef NSS_IANA_READER_PROTOCOLS_H
#define NSS_IANA_READER_PROTOCOLS_H

#include <stdbool.h>
#include <stdint.h>

#include "reader/snapshot.h"

struct proto_snapshot {
	const struct nssiana_proto_summary *summary; /* NULL: none in the file */
	const char *strings;
	uint32_t strings_size;
	const struct nssiana_protoent *entries;
	uint32_t entry_count;
	const uint32_t *aliases; /* PROTO_STRINGS offsets */
	uint32_t alias_count;
	struct snapshot_index names;
	struct snapshot_index numbers;
};

/* Finds the protocols sections of a parsed snapshot.  Returns NULL with
 * p->summary NULL (and *p empty) when the file has none of them, NULL with p->summary
 * set when it has them all and their sizes are right, or a short English
 * reason (a section missing or twice, a partial record, a pool not ended
 * by NUL, too many entries); *p is then empty. */
const char *proto_snapshot_parse(struct proto_snapshot *p,
				 const struct snapshot *snap);

/* A string of PROTO_STRINGS, or NULL if the offset is outside. */
const char *proto_string(const struct proto_snapshot *p, uint32_t offset);

/* The first entry, in answer order, whose name or an alias is `name`
 * exactly, else the first ignoring ASCII case. */
enum snapshot_status proto_find_name(const struct proto_snapshot *p,
				     const char *name, uint32_t *index);

/* The first entry, in answer order, with this number. */
enum snapshot_status proto_find_number(const struct proto_snapshot *p,
				       uint32_t number, uint32_t *index);

/* Every record: strings and metadata records inside the pool, alias runs
 * inside PROTO_ALIASES and within NSSIANA_MAX_ALIASES, the indexes.
 * NULL, or a short English reason (reader/proto_snapshot_check.c). */
const char *proto_snapshot_check_records(const struct proto_snapshot *p);

#endif
