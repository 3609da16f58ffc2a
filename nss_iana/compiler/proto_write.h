/*
 * proto_write.h - the protocols table (proto_registry.h) as the PROTO_*
 * sections of a snapshot (snapshot_format.h); snapshot_write.c places
 * them in the file.
 */
#ifndef NSS_IANA_COMPILER_PROTOCOLS_WRITE_H
#define NSS_IANA_COMPILER_PROTOCOLS_WRITE_H

#include <stddef.h>

#include "compiler/proto_registry.h"
#include "compiler/snapshot_write.h"

#define PROTO_SECTION_COUNT \
	(NSSIANA_SECTION_MAX_OPTIONAL - NSSIANA_SECTION_PROTO_FIRST + 1)

/* The bytes of each PROTO_* section, by id - NSSIANA_SECTION_PROTO_FIRST. */
struct proto_sections {
	void *data[PROTO_SECTION_COUNT]; /* malloc'd */
	size_t size[PROTO_SECTION_COUNT];
};

/* Returns 0, or -1 with error->message set (error->row is -1: the message
 * names the file and line of the entry at fault). */
int proto_sections_build(const struct proto_table *table,
			 struct proto_sections *out, struct build_error *error);
void proto_sections_free(struct proto_sections *sections);

#endif
