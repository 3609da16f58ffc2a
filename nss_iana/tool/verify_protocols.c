/*
 * tool/verify_protocols.c - what `nss-iana verify` checks of the PROTO_*
 * sections on top of proto_snapshot_check_records() (which
 * tool_open_snapshot ran): the version, the summary's counts and zero
 * fields, each entry's source in answer order, the format's limits, every
 * name a token nss_files could have read (registry names: text.h's
 * services token), and both indexes listing every entry exactly where the
 * format says, in answer order.
 */
#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tool/proto_output.h"
#include "tool/tool.h"

#define FAIL(...) (snprintf(reason, reason_size, __VA_ARGS__), reason)

/* A word of a protocols(5) line as nss_files splits it: not empty, no
 * white space of the C locale, no '#'. */
static bool is_file_word(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (strchr(" \t\n\v\f\r#", *s))
			return false;
	return true;
}

static const char *check_summary(const struct proto_snapshot *p,
				 const struct nssiana_header *h,
				 char *reason, size_t reason_size)
{
	const struct nssiana_proto_summary *s = p->summary;

	if (h->version_minor < 2)
		return FAIL("protocols sections in a format 1.%u file (they are 1.2)",
			    h->version_minor);
	for (size_t i = 0; i < sizeof s->reserved / sizeof s->reserved[0]; i++)
		if (s->reserved[i])
			return FAIL("protocols summary: reserved field %zu is not zero", i);
	if ((uint64_t)s->registry_entries + s->file_entries != p->entry_count)
		return FAIL("protocols summary: %u + %u entries, the table has %u",
			    s->registry_entries, s->file_entries, p->entry_count);
	if ((s->file_path == 0) != (s->file_entries == 0 && s->file_crc32 == 0))
		return FAIL("protocols summary: a preference file without a name, or the reverse");
	return NULL;
}

static uint64_t answer_bytes(const struct proto_snapshot *p,
			     const struct nssiana_protoent *e)
{
	uint64_t bytes = (alignof(char *) - 1) + ((uint64_t)e->alias_count + 1) * sizeof(char *) +
		strlen(proto_string(p, e->name)) + 1;

	for (uint32_t a = 0; a < e->alias_count; a++)
		bytes += strlen(proto_string(p, p->aliases[e->alias_first + a])) + 1;
	return bytes;
}

static bool names_ok(const struct proto_snapshot *p, const struct nssiana_protoent *e)
{
	bool registry = e->source == NSSIANA_PROTO_FROM_REGISTRY;
	const char *name = proto_string(p, e->name);

	if (registry ? !text_is_services_token(name) : !is_file_word(name))
		return false;
	for (uint32_t a = 0; a < e->alias_count; a++) {
		const char *alias = proto_string(p, p->aliases[e->alias_first + a]);
		if (registry ? !text_is_services_token(alias) : !is_file_word(alias))
			return false;
	}
	return true;
}

static const char *check_entries(const struct proto_snapshot *p, char *reason,
				 size_t reason_size)
{
	uint32_t alias_next = 0;

	for (uint32_t i = 0; i < p->entry_count; i++) {
		const struct nssiana_protoent *e = &p->entries[i];
		uint8_t source = i < p->summary->file_entries ? NSSIANA_PROTO_FROM_FILE
							     : NSSIANA_PROTO_FROM_REGISTRY;
		if (e->source != source)
			return FAIL("protocol entry %u: the preference file's entries "
				    "must come first, then the registry's", i);
		if (e->alias_first != alias_next)
			return FAIL("protocol entry %u: its aliases do not follow the "
				    "previous entry's", i);
		alias_next += e->alias_count;
		if (answer_bytes(p, e) > NSSIANA_MAX_ANSWER_BYTES)
			return FAIL("protocol entry %u needs more than %u bytes",
				    i, NSSIANA_MAX_ANSWER_BYTES);
		if (!names_ok(p, e))
			return FAIL("protocol entry %u: a name that is not a protocols(5) word", i);
	}
	if (alias_next != p->alias_count)
		return FAIL("protocol aliases: %u belong to no entry", p->alias_count - alias_next);
	return NULL;
}

static bool lists(const struct snapshot_index *index, uint32_t key, uint32_t entry)
{
	uint32_t b = key & index->bucket_mask;

	for (uint32_t r = index->buckets[b]; r < index->buckets[b + 1]; r++)
		if (index->refs[r] == entry)
			return true;
	return false;
}

/* Each bucket within the limit and in answer order; each ref one of the
 * bucket's own entries. */
static const char *check_index_shape(const struct snapshot_index *index, const char *what,
				     char *reason, size_t reason_size)
{
	for (uint32_t b = 0; b <= index->bucket_mask; b++) {
		uint32_t lo = index->buckets[b], hi = index->buckets[b + 1];
		if (hi - lo > NSSIANA_MAX_BUCKET_ENTRIES)
			return FAIL("protocol %s index: bucket %u lists %u entries, past "
				    "the limit of %u", what, b, hi - lo, NSSIANA_MAX_BUCKET_ENTRIES);
		for (uint32_t r = lo + 1; r < hi; r++)
			if (index->refs[r] <= index->refs[r - 1])
				return FAIL("protocol %s index: bucket %u not increasing", what, b);
	}
	return NULL;
}

/* Every entry where its keys put it, and the refs no more than that. */
static const char *check_index_content(const struct proto_snapshot *p, char *reason,
				       size_t reason_size)
{
	uint64_t name_refs = 0;

	for (uint32_t i = 0; i < p->entry_count; i++) {
		const struct nssiana_protoent *e = &p->entries[i];
		uint32_t buckets[1 + NSSIANA_MAX_ALIASES], distinct = 0;
		for (uint32_t k = 0; k <= e->alias_count; k++) {
			const char *s = proto_string(p, k ? p->aliases[e->alias_first + k - 1] : e->name);
			uint32_t hash = nssiana_name_hash(s);
			if (!lists(&p->names, hash, i))
				return FAIL("protocol name index: entry %u is not under \"%s\"", i, s);
			uint32_t b = hash & p->names.bucket_mask, j = 0;
			while (j < distinct && buckets[j] != b)
				j++;
			if (j == distinct)
				buckets[distinct++] = b;
		}
		name_refs += distinct;
		if (!lists(&p->numbers, e->number, i))
			return FAIL("protocol number index: entry %u is not under %u", i, e->number);
	}
	if (name_refs != p->names.ref_count)
		return FAIL("protocol name index: %u refs, the entries need %llu",
			    p->names.ref_count, (unsigned long long)name_refs);
	if (p->numbers.ref_count != p->entry_count)
		return FAIL("protocol number index: %u refs for %u entries",
			    p->numbers.ref_count, p->entry_count);
	return NULL;
}

const char *tool_verify_protocols(const struct snapshot *snap, char *reason,
				  size_t reason_size)
{
	struct proto_snapshot p;
	const char *result;

	if (!tool_protocols(snap, &p))
		return NULL;
	if ((result = check_summary(&p, snap->header, reason, reason_size)) ||
	    (result = check_entries(&p, reason, reason_size)) ||
	    (result = check_index_shape(&p.names, "name", reason, reason_size)) ||
	    (result = check_index_shape(&p.numbers, "number", reason, reason_size)))
		return result;
	return check_index_content(&p, reason, reason_size);
}
