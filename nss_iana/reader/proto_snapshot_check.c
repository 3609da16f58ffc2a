/*
 * proto_snapshot_check.c - the O(n) check of the protocols sections, for the
 * tool (as snapshot_check.c is for the services sections).
 */
#include "reader/proto_snapshot.h"

#include <string.h>

/* A record of `fields` consecutive strings starting at `offset`, all
 * ended inside the pool. */
static bool record_inside(const struct proto_snapshot *p, uint32_t offset,
			  unsigned fields)
{
	for (unsigned f = 0; f < fields; f++) {
		if (offset >= p->strings_size)
			return false;
		const char *end = memchr(p->strings + offset, '\0',
					 p->strings_size - offset);
		if (!end)
			return false;
		offset = (uint32_t)(end - p->strings) + 1;
	}
	return true;
}

static const char *check_entries(const struct proto_snapshot *p)
{
	for (uint32_t i = 0; i < p->entry_count; i++) {
		const struct nssiana_protoent *e = &p->entries[i];
		if (e->name >= p->strings_size ||
		    !record_inside(p, e->meta, NSSIANA_PROTO_META_FIELDS))
			return "a protocol entry's string is outside the pool";
		if (e->alias_count > NSSIANA_MAX_ALIASES ||
		    (uint64_t)e->alias_first + e->alias_count > p->alias_count)
			return "a protocol entry's aliases are outside their table";
		if (e->source > NSSIANA_PROTO_FROM_FILE || e->reserved)
			return "a protocol entry has an unknown source";
	}
	for (uint32_t i = 0; i < p->alias_count; i++)
		if (p->aliases[i] >= p->strings_size)
			return "a protocol alias is outside the pool";
	if (p->summary->file_path >= p->strings_size)
		return "the protocols preference file name is outside the pool";
	return NULL;
}

const char *proto_snapshot_check_records(const struct proto_snapshot *p)
{
	const char *why;

	if (p->summary == NULL)
		return NULL;
	if ((why = check_entries(p)) ||
	    (why = snapshot_check_index(&p->names, p->entry_count)))
		return why;
	return snapshot_check_index(&p->numbers, p->entry_count);
}
