/*
 * proto_write.c - the PROTO_* sections, declared in proto_write.h.
 *
 * The pool is laid out in entry order (name, metadata record, aliases),
 * without deduplication: the whole registry takes 16 KiB.  The indexes are
 * bucket indexes as snapshot_format.h describes, built by counting so that
 * a bucket lists its entries in answer order, each once.
 */
#include "compiler/proto_write.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Doubling the buckets stops here: 1 MiB of buckets for at most
 * NSSIANA_MAX_PROTOENTS entries. */
#define PROTO_MAX_BUCKETS ((uint32_t)1 << 18)

struct pool {
	char *bytes;
	size_t size;
	size_t capacity;
};

static bool pool_add(struct pool *pool, const char *s, uint32_t *offset)
{
	size_t length = strlen(s) + 1;

	if (pool->size + length > pool->capacity) {
		size_t more = pool->capacity ? pool->capacity * 2 : 4096;
		while (more < pool->size + length)
			more *= 2;
		char *grown = realloc(pool->bytes, more);
		if (!grown)
			return false;
		pool->bytes = grown;
		pool->capacity = more;
	}
	if (offset)
		*offset = (uint32_t)pool->size;
	memcpy(pool->bytes + pool->size, s, length);
	pool->size += length;
	return pool->size <= UINT32_MAX;
}

__attribute__((format(printf, 2, 3)))
static int fail(struct build_error *error, const char *format, ...)
{
	va_list args;

	error->row = -1;
	va_start(args, format);
	vsnprintf(error->message, sizeof(error->message), format, args);
	va_end(args);
	return -1;
}

/* ---- entries ------------------------------------------------------------- */

static int fill_entries(const struct proto_table *table, struct pool *pool,
			struct nssiana_protoent *entries, uint32_t *aliases)
{
	uint32_t alias_at = 0;

	if (!pool_add(pool, "", NULL))
		return -1;
	for (size_t i = 0; i < table->count; i++) {
		const struct proto_row *row = &table->rows[i];
		struct nssiana_protoent *e = &entries[i];
		e->number = row->number;
		e->source = row->source;
		e->alias_first = alias_at;
		e->alias_count = (uint16_t)row->alias_count;
		if (!pool_add(pool, row->name, &e->name))
			return -1;
		for (int f = 0; f < NSSIANA_PROTO_META_FIELDS; f++)
			if (!pool_add(pool, row->meta[f], f == 0 ? &e->meta : NULL))
				return -1;
		for (size_t a = 0; a < row->alias_count; a++)
			if (!pool_add(pool, row->aliases[a], &aliases[alias_at++]))
				return -1;
	}
	return 0;
}

/* ---- indexes --------------------------------------------------------------- */

struct key {
	uint32_t key;
	uint32_t entry;
};

/* BUCKETS and REFS for `count` keys (an entry's keys together, entries in
 * order) in bucket_count buckets; false if a bucket is overfull. */
static bool fill_index(const struct key *keys, size_t count,
		       uint32_t bucket_count, uint32_t *buckets, uint32_t *refs,
		       uint32_t *last, size_t *ref_count)
{
	size_t used = 0;
	bool fits = true;

	memset(buckets, 0, ((size_t)bucket_count + 1) * sizeof(*buckets));
	memset(last, 0, (size_t)bucket_count * sizeof(*last));
	/* Count each entry once per bucket. */
	for (size_t i = 0; i < count; i++) {
		uint32_t b = keys[i].key & (bucket_count - 1);
		if (last[b] != keys[i].entry + 1) {
			last[b] = keys[i].entry + 1;
			buckets[b + 1]++;
			used++;
		}
	}
	for (uint32_t b = 0; b < bucket_count; b++) {
		fits &= buckets[b + 1] <= NSSIANA_MAX_BUCKET_ENTRIES;
		buckets[b + 1] += buckets[b];
	}
	memset(last, 0, (size_t)bucket_count * sizeof(*last));
	uint32_t *next = malloc(((size_t)bucket_count + 1) * sizeof(*next));
	if (!next)
		return false;
	memcpy(next, buckets, ((size_t)bucket_count + 1) * sizeof(*next));
	for (size_t i = 0; i < count; i++) {
		uint32_t b = keys[i].key & (bucket_count - 1);
		if (last[b] != keys[i].entry + 1) {
			last[b] = keys[i].entry + 1;
			refs[next[b]++] = keys[i].entry;
		}
	}
	free(next);
	*ref_count = used;
	return fits;
}

static int build_index(const struct key *keys, size_t count, size_t entries,
		       struct proto_sections *out, int buckets_id,
		       struct build_error *error, const char *what)
{
	uint32_t bucket_count = 1;

	while (bucket_count < entries && bucket_count < PROTO_MAX_BUCKETS)
		bucket_count *= 2;
	for (;; bucket_count *= 2) {
		uint32_t *buckets = malloc(((size_t)bucket_count + 1) * sizeof(*buckets));
		uint32_t *refs = malloc((count + 1) * sizeof(*refs));
		uint32_t *last = malloc((size_t)bucket_count * sizeof(*last));
		size_t ref_count = 0;
		bool fits = buckets && refs && last &&
			fill_index(keys, count, bucket_count, buckets, refs, last, &ref_count);
		free(last);
		if (fits) {
			out->data[buckets_id - NSSIANA_SECTION_PROTO_FIRST] = buckets;
			out->size[buckets_id - NSSIANA_SECTION_PROTO_FIRST] =
				((size_t)bucket_count + 1) * sizeof(*buckets);
			out->data[buckets_id + 1 - NSSIANA_SECTION_PROTO_FIRST] = refs;
			out->size[buckets_id + 1 - NSSIANA_SECTION_PROTO_FIRST] =
				ref_count * sizeof(*refs);
			return 0;
		}
		free(buckets);
		free(refs);
		if (!buckets || !refs)
			return fail(error, "out of memory");
		if (bucket_count >= PROTO_MAX_BUCKETS)
			return fail(error, "more than %d protocols share a %s",
				    NSSIANA_MAX_BUCKET_ENTRIES, what);
	}
}

static int build_indexes(const struct proto_table *table, struct pool *pool,
			 const struct nssiana_protoent *entries,
			 const uint32_t *aliases, size_t alias_total,
			 struct proto_sections *out, struct build_error *error)
{
	struct key *keys = malloc((table->count + alias_total + 1) * sizeof(*keys));
	size_t used = 0;
	int status;

	if (!keys)
		return fail(error, "out of memory");
	for (uint32_t e = 0; e < table->count; e++) {
		keys[used++] = (struct key){ nssiana_name_hash(pool->bytes + entries[e].name), e };
		for (uint32_t a = 0; a < entries[e].alias_count; a++)
			keys[used++] = (struct key){
				nssiana_name_hash(pool->bytes + aliases[entries[e].alias_first + a]), e };
	}
	status = build_index(keys, used, table->count, out,
			     NSSIANA_SECTION_PROTO_NAME_BUCKETS, error,
			     "name (ignoring case) or name hash");
	for (uint32_t e = 0; e < table->count; e++)
		keys[e] = (struct key){ entries[e].number, e };
	if (status == 0)
		status = build_index(keys, table->count, table->count, out,
				     NSSIANA_SECTION_PROTO_NUMBER_BUCKETS, error,
				     "number bucket");
	free(keys);
	return status;
}

/* ---- the sections ------------------------------------------------------------ */

static int fill_summary(const struct proto_table *table, struct pool *pool,
			struct nssiana_proto_summary *summary)
{
	memset(summary, 0, sizeof(*summary));
	summary->rows_read = (uint32_t)table->stats.rows_read;
	summary->rows_range = (uint32_t)table->stats.rows_range;
	summary->rows_no_keyword = (uint32_t)table->stats.rows_no_keyword;
	summary->rows_bad_name = (uint32_t)table->stats.rows_bad_name;
	summary->registry_entries = (uint32_t)table->stats.registry_entries;
	summary->file_entries = (uint32_t)table->stats.file_entries;
	summary->file_crc32 = table->file_crc32;
	if (table->file_path)
		return pool_add(pool, table->file_path, &summary->file_path) ? 0 : -1;
	return 0;
}

static size_t alias_total_of(const struct proto_table *table)
{
	size_t total = 0;

	for (size_t i = 0; i < table->count; i++)
		total += table->rows[i].alias_count;
	return total;
}

int proto_sections_build(const struct proto_table *table,
			 struct proto_sections *out, struct build_error *error)
{
	size_t alias_total = alias_total_of(table);
	struct pool pool = { 0 };
	struct nssiana_protoent *entries = calloc(table->count + 1, sizeof(*entries));
	uint32_t *aliases = calloc(alias_total + 1, sizeof(*aliases));
	struct nssiana_proto_summary *summary = calloc(1, sizeof(*summary));
	int status = 0;

	memset(out, 0, sizeof(*out));
	error->row = -1;
	if (table->count > NSSIANA_MAX_PROTOENTS)
		status = fail(error, "more than %u protocols", NSSIANA_MAX_PROTOENTS);
	else if (!entries || !aliases || !summary ||
		 fill_entries(table, &pool, entries, aliases) != 0 ||
		 fill_summary(table, &pool, summary) != 0)
		status = fail(error, "out of memory");
	else
		status = build_indexes(table, &pool, entries, aliases, alias_total,
				       out, error);
	out->data[NSSIANA_SECTION_PROTO_SUMMARY - NSSIANA_SECTION_PROTO_FIRST] = summary;
	out->size[NSSIANA_SECTION_PROTO_SUMMARY - NSSIANA_SECTION_PROTO_FIRST] = sizeof(*summary);
	out->data[NSSIANA_SECTION_PROTO_STRINGS - NSSIANA_SECTION_PROTO_FIRST] = pool.bytes;
	out->size[NSSIANA_SECTION_PROTO_STRINGS - NSSIANA_SECTION_PROTO_FIRST] = pool.size;
	out->data[NSSIANA_SECTION_PROTO_ENTRIES - NSSIANA_SECTION_PROTO_FIRST] = entries;
	out->size[NSSIANA_SECTION_PROTO_ENTRIES - NSSIANA_SECTION_PROTO_FIRST] =
		table->count * sizeof(*entries);
	out->data[NSSIANA_SECTION_PROTO_ALIASES - NSSIANA_SECTION_PROTO_FIRST] = aliases;
	out->size[NSSIANA_SECTION_PROTO_ALIASES - NSSIANA_SECTION_PROTO_FIRST] =
		alias_total * sizeof(*aliases);
	if (status != 0)
		proto_sections_free(out);
	return status;
}

void proto_sections_free(struct proto_sections *sections)
{
	for (int i = 0; i < PROTO_SECTION_COUNT; i++)
		free(sections->data[i]);
	memset(sections, 0, sizeof(*sections));
}
