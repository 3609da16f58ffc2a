/*
 * proto_snapshot.c - the protocols database of a snapshot, declared in
 * proto_snapshot.h.  The same bounded reading as snapshot.c: every ref, alias
 * run and string offset is checked where it is read.
 */
#include "reader/proto_snapshot.h"

#include <string.h>

#define PROTO_SECTIONS (NSSIANA_SECTION_MAX_OPTIONAL - NSSIANA_SECTION_PROTO_FIRST + 1)

struct proto_view {
	const unsigned char *data;
	uint32_t size;
	bool present;
};

/* snapshot_parse() has recorded the optional sections (inside the file,
 * aligned): which of ours are there. */
static const char *collect(const struct snapshot *snap, struct proto_view *views,
			   unsigned *found)
{
	*found = 0;
	for (int i = 0; i < PROTO_SECTIONS; i++) {
		const struct snapshot_optional *o = &snap->optional[
			NSSIANA_SECTION_PROTO_FIRST - NSSIANA_SECTION_MAX_KNOWN - 1 + i];
		if (o->count > 1)
			return "a protocols section appears twice";
		views[i] = (struct proto_view){ o->data, o->size, o->count == 1 };
		*found += o->count == 1;
	}
	if (*found != 0 && *found != PROTO_SECTIONS)
		return "some protocols sections are missing";
	return NULL;
}

static const struct proto_view *view_of(const struct proto_view *views, int id)
{
	return &views[id - NSSIANA_SECTION_PROTO_FIRST];
}

static const char *check_parts(struct proto_snapshot *p,
			       const struct proto_view *views)
{
	const struct proto_view *summary = view_of(views, NSSIANA_SECTION_PROTO_SUMMARY);
	const struct proto_view *strings = view_of(views, NSSIANA_SECTION_PROTO_STRINGS);
	const struct proto_view *entries = view_of(views, NSSIANA_SECTION_PROTO_ENTRIES);
	const struct proto_view *aliases = view_of(views, NSSIANA_SECTION_PROTO_ALIASES);

	if (summary->size != sizeof(struct nssiana_proto_summary))
		return "protocols summary has the wrong size";
	if (strings->size == 0 || strings->data[0] != '\0' ||
	    strings->data[strings->size - 1] != '\0')
		return "protocols string pool must start and end with NUL";
	if (entries->size % sizeof(struct nssiana_protoent) ||
	    aliases->size % sizeof(uint32_t))
		return "a protocols table has a partial record";
	if (entries->size / sizeof(struct nssiana_protoent) > NSSIANA_MAX_PROTOENTS)
		return "more protocol entries than the format allows";
	p->summary = (const void *)summary->data;
	p->strings = (const char *)strings->data;
	p->strings_size = strings->size;
	p->entries = (const void *)entries->data;
	p->entry_count = entries->size / sizeof(struct nssiana_protoent);
	p->aliases = (const void *)aliases->data;
	p->alias_count = aliases->size / sizeof(uint32_t);
	return NULL;
}

static const char *check_indexes(struct proto_snapshot *p,
				 const struct proto_view *views)
{
	const struct proto_view *nb = view_of(views, NSSIANA_SECTION_PROTO_NAME_BUCKETS);
	const struct proto_view *nr = view_of(views, NSSIANA_SECTION_PROTO_NAME_REFS);
	const struct proto_view *mb = view_of(views, NSSIANA_SECTION_PROTO_NUMBER_BUCKETS);
	const struct proto_view *mr = view_of(views, NSSIANA_SECTION_PROTO_NUMBER_REFS);
	const char *why = snapshot_index_parse(&p->names, nb->data, nb->size,
					       nr->data, nr->size);

	return why ? why : snapshot_index_parse(&p->numbers, mb->data, mb->size,
						 mr->data, mr->size);
}

const char *proto_snapshot_parse(struct proto_snapshot *p,
				 const struct snapshot *snap)
{
	struct proto_view views[PROTO_SECTIONS];
	unsigned found;
	const char *why;

	p->summary = NULL;
	if (snap->header == NULL)
		return "not a parsed snapshot";
	why = collect(snap, views, &found);
	if (why || found == 0) {
		memset(p, 0, sizeof *p);
		return why;
	}
	if ((why = check_parts(p, views)) || (why = check_indexes(p, views)))
		memset(p, 0, sizeof *p);
	return why;
}

const char *proto_string(const struct proto_snapshot *p, uint32_t offset)
{
	return offset < p->strings_size ? p->strings + offset : NULL;
}

/* The best match among an entry's name and aliases. */
static enum snapshot_match names_match(const struct proto_snapshot *p,
				       const struct nssiana_protoent *entry,
				       const char *name)
{
	enum snapshot_match best = snapshot_pool_match(p->strings, p->strings_size,
						       entry->name, name);
	uint32_t first = entry->alias_first, count = entry->alias_count;

	if (best >= SNAPSHOT_MATCH_EXACT)
		return best;
	if (count > NSSIANA_MAX_ALIASES || (uint64_t)first + count > p->alias_count)
		return SNAPSHOT_MATCH_CORRUPT;
	for (uint32_t i = first; i < first + count && best < SNAPSHOT_MATCH_EXACT; i++) {
		enum snapshot_match match = snapshot_pool_match(
			p->strings, p->strings_size, p->aliases[i], name);
		if (match > best)
			best = match;
	}
	return best;
}

enum snapshot_status proto_find_name(const struct proto_snapshot *p,
				     const char *name, uint32_t *index)
{
	uint32_t first, end, folded = UINT32_MAX;

	if (p->entries == NULL)
		return SNAPSHOT_CORRUPT;
	if (name == NULL)
		return SNAPSHOT_NOT_FOUND;
	if (snapshot_bucket_span(&p->names, nssiana_name_hash(name), &first,
				 &end) != SNAPSHOT_FOUND)
		return SNAPSHOT_CORRUPT;
	/* An exact match anywhere wins over a case-insensitive one earlier. */
	for (uint32_t i = first; i < end; i++) {
		uint32_t ref = p->names.refs[i];
		if (ref >= p->entry_count)
			return SNAPSHOT_CORRUPT;
		enum snapshot_match match = names_match(p, &p->entries[ref], name);
		if (match == SNAPSHOT_MATCH_CORRUPT)
			return SNAPSHOT_CORRUPT;
		if (match == SNAPSHOT_MATCH_EXACT) {
			*index = ref;
			return SNAPSHOT_FOUND;
		}
		if (match == SNAPSHOT_MATCH_FOLDED && folded == UINT32_MAX)
			folded = ref;
	}
	if (folded == UINT32_MAX)
		return SNAPSHOT_NOT_FOUND;
	*index = folded;
	return SNAPSHOT_FOUND;
}

enum snapshot_status proto_find_number(const struct proto_snapshot *p,
				       uint32_t number, uint32_t *index)
{
	uint32_t first, end;

	if (p->entries == NULL)
		return SNAPSHOT_CORRUPT;
	if (snapshot_bucket_span(&p->numbers, number, &first, &end) != SNAPSHOT_FOUND)
		return SNAPSHOT_CORRUPT;
	for (uint32_t i = first; i < end; i++) {
		uint32_t ref = p->numbers.refs[i];
		if (ref >= p->entry_count)
			return SNAPSHOT_CORRUPT;
		if (p->entries[ref].number == number) {
			*index = ref;
			return SNAPSHOT_FOUND;
		}
	}
	return SNAPSHOT_NOT_FOUND;
}
