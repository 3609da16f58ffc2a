/*
 * snapshot_write.c - registry to snapshot bytes (snapshot_format.h), and
 * the atomic write that puts them on disk.
 *
 * Determinism: the output depends only on the registry's rows in order.
 * The hash table here only finds duplicate strings; nothing is ever emitted
 * in hash table order.
 */
#include "snapshot_write.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* calloc, but with the zeros written.  calloc leaves fresh pages unmapped,
 * and each table here is read (a probe, a counter) before it is written,
 * so each of its pages would fault twice: mapped to the zero page on the
 * read, copied on the write.  explicit_bzero, because the compiler turns
 * malloc + memset back into calloc. */
static void *zeroed(size_t count, size_t size)
{
	void *memory = count && size > SIZE_MAX / count ? NULL : malloc(count * size);

	if (memory)
		explicit_bzero(memory, count * size);
	return memory;
}

/* ---- a growable byte array ---------------------------------------------- */

struct bytes {
	unsigned char *data;
	size_t size;
	size_t capacity;
	bool failed; /* an allocation failed; later appends do nothing */
};

static bool reserve(struct bytes *b, size_t extra)
{
	if (b->failed)
		return false;
	if (b->size + extra <= b->capacity)
		return true;
	size_t capacity = b->capacity ? b->capacity : 4096;
	while (capacity < b->size + extra)
		capacity *= 2;
	unsigned char *data = realloc(b->data, capacity);
	if (data == NULL) {
		b->failed = true;
		return false;
	}
	b->data = data;
	b->capacity = capacity;
	return true;
}

static void append(struct bytes *b, const void *data, size_t size)
{
	if (size && reserve(b, size)) {
		memcpy(b->data + b->size, data, size);
		b->size += size;
	}
}

static void append_u32(struct bytes *b, uint32_t value)
{
	append(b, &value, sizeof value);
}

static void pad_to(struct bytes *b, size_t alignment)
{
	static const unsigned char zeros[NSSIANA_SECTION_ALIGN];
	append(b, zeros, -b->size & (alignment - 1));
}

/* ---- the string pool, each item stored once ----------------------------- */

struct pool_slot {
	uint32_t offset_plus_one; /* 0: empty slot */
	uint32_t size;
	uint32_t hash; /* kept so that growing never rehashes the strings */
};

/* The pool's buffer becomes the file: it starts with room for the header
 * and the section table, and the strings section comes first, so the
 * largest section is never copied. */
#define POOL_BASE (sizeof(struct nssiana_header) + \
		   NSSIANA_SECTION_MAX_KNOWN * sizeof(struct nssiana_section))
static_assert(POOL_BASE % NSSIANA_SECTION_ALIGN == 0, "strings start aligned");
static_assert(NSSIANA_SECTION_STRINGS == 1, "strings are the first section");

struct pool {
	struct bytes bytes; /* POOL_BASE bytes of room, then the strings */
	struct pool_slot *slots;
	size_t slot_count; /* a power of two */
	size_t used;
};

#define HASH_MULTIPLIER 0x9E3779B97F4A7C15u

static uint64_t hash_word(uint64_t hash, uint64_t word)
{
	/* The rotation carries high bits down, where the table's mask looks. */
	return ((hash << 5 | hash >> 59) ^ word) * HASH_MULTIPLIER;
}

/* Eight bytes per step: the pool hashes every name and metadata record of
 * the registry, about a megabyte.  Only the writer uses this hash (it only
 * finds duplicates), so it is not part of the format. */
static uint32_t hash_bytes(const unsigned char *data, size_t size)
{
	uint64_t hash = size, word = 0;
	size_t i = 0;

	for (; i + 8 <= size; i += 8) {
		memcpy(&word, data + i, sizeof word);
		hash = hash_word(hash, word);
	}
	if (i < size) {
		word = 0;
		if (size >= 8) /* the last eight bytes, some hashed twice */
			memcpy(&word, data + size - 8, sizeof word);
		else
			for (; i < size; i++)
				word = word << 8 | data[i];
		hash = hash_word(hash, word);
	}
	hash ^= hash >> 32;
	return (uint32_t)(hash ^ hash >> 15);
}

static struct pool_slot *pool_find(const struct pool_slot *slots, size_t count,
				   const unsigned char *pool_bytes,
				   const void *data, size_t size, uint32_t hash)
{
	size_t mask = count - 1;
	size_t i = hash & mask;
	for (; slots[i].offset_plus_one; i = (i + 1) & mask)
		if (slots[i].hash == hash && slots[i].size == size &&
		    memcmp(pool_bytes + slots[i].offset_plus_one - 1, data, size) == 0)
			break;
	return (struct pool_slot *)&slots[i];
}

/* The strings in the pool are distinct: each one goes to the first empty
 * slot of its probe sequence, no comparison needed. */
static void pool_place(struct pool_slot *slots, size_t count,
		       struct pool_slot slot)
{
	size_t mask = count - 1;
	size_t i = slot.hash & mask;
	while (slots[i].offset_plus_one)
		i = (i + 1) & mask;
	slots[i] = slot;
}

static bool pool_grow_to(struct pool *pool, size_t count)
{
	struct pool_slot *slots = zeroed(count, sizeof *slots);
	if (slots == NULL)
		return false;
	for (size_t i = 0; i < pool->slot_count; i++)
		if (pool->slots[i].offset_plus_one)
			pool_place(slots, count, pool->slots[i]);
	free(pool->slots);
	pool->slots = slots;
	pool->slot_count = count;
	return true;
}

static bool pool_grow(struct pool *pool)
{
	return pool_grow_to(pool, pool->slot_count ? pool->slot_count * 2 : 4096);
}

/* Sizes the table for `strings` distinct strings at once: growing step by
 * step costs a rehash and fresh zeroed pages each time. */
static bool pool_presize(struct pool *pool, size_t strings)
{
	size_t count = 4096;

	while (count < strings * 2 && count < ((size_t)1 << 30))
		count *= 2;
	return pool_grow_to(pool, count);
}

/* Stores `size` bytes, which end with a NUL, once: a plain string, or a
 * metadata record of several strings.  Returns the offset, or UINT32_MAX
 * when memory runs out or the pool outgrows 32-bit offsets. */
static uint32_t pool_add(struct pool *pool, const void *data, size_t size)
{
	if ((pool->used + 1) * 2 > pool->slot_count && !pool_grow(pool))
		return UINT32_MAX;
	uint32_t hash = hash_bytes(data, size);
	struct pool_slot *slot = pool_find(pool->slots, pool->slot_count,
					   pool->bytes.data + POOL_BASE, data, size, hash);
	if (slot->offset_plus_one)
		return slot->offset_plus_one - 1;
	if (pool->bytes.size - POOL_BASE + size >= UINT32_MAX - 1)
		return UINT32_MAX;
	uint32_t offset = pool->bytes.size - POOL_BASE;
	append(&pool->bytes, data, size);
	if (pool->bytes.failed)
		return UINT32_MAX;
	*slot = (struct pool_slot){ offset + 1, size, hash };
	pool->used++;
	return offset;
}

static uint32_t pool_add_string(struct pool *pool, const char *s)
{
	return pool_add(pool, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* The size of the metadata record if its strings already lie back to back
 * in memory, as the registry stores the fields of one CSV record; else 0. */
static size_t contiguous_meta_size(char *const *meta)
{
	const char *end = meta[0];

	for (int i = 0; i < NSSIANA_META_FIELDS; i++) {
		if (meta[i] != end)
			return 0;
		end += strlen(end) + 1;
	}
	return (size_t)(end - meta[0]);
}

static uint32_t pool_add_meta(struct pool *pool, char *const *meta,
			      struct bytes *scratch)
{
	size_t in_place = meta[0] ? contiguous_meta_size(meta) : 0;

	if (in_place)
		return pool_add(pool, meta[0], in_place);
	scratch->size = 0;
	for (int i = 0; i < NSSIANA_META_FIELDS; i++) {
		const char *field = meta[i] ? meta[i] : "";
		append(scratch, field, strlen(field) + 1);
	}
	if (scratch->failed)
		return UINT32_MAX;
	return pool_add(pool, scratch->data, scratch->size);
}

/* ---- building the sections ---------------------------------------------- */

struct builder {
	const struct registry *reg;
	struct pool pool;
	struct bytes scratch;
	struct bytes protocols;   /* uint32 string offsets */
	struct bytes entries;     /* struct nssiana_entry */
	struct bytes aliases;     /* struct nssiana_alias */
	struct bytes name_index[2]; /* buckets, refs */
	struct bytes port_index[2];
	uint32_t *entry_of_row;   /* row -> entry, for alias rows' targets */
	uint32_t entry_count;
	uint32_t alias_total;
};

/* Every entry names a protocol, nearly always one of the first few seen:
 * comparing with those is cheaper than hashing the name into the pool,
 * where a known protocol's name already is. */
static bool known_protocol(const struct builder *b, const char *proto,
			   uint8_t *index)
{
	const uint32_t *known = (const uint32_t *)b->protocols.data;
	const char *strings = (const char *)b->pool.bytes.data + POOL_BASE;
	size_t count = b->protocols.size / sizeof(uint32_t);

	for (size_t i = 0; i < count && i < 4 && proto; i++)
		if (strcmp(strings + known[i], proto) == 0) {
			*index = i;
			return true;
		}
	return false;
}

static const char *protocol_index(struct builder *b, const char *proto,
				  uint8_t *index)
{
	if (known_protocol(b, proto, index))
		return NULL;

	uint32_t offset = pool_add_string(&b->pool, proto);
	const uint32_t *known = (const uint32_t *)b->protocols.data;
	size_t count = b->protocols.size / sizeof(uint32_t);

	if (offset == UINT32_MAX)
		return "out of memory";
	for (size_t i = 0; i < count; i++)
		if (known[i] == offset) {
			*index = i;
			return NULL;
		}
	if (count == NSSIANA_MAX_PROTOCOLS)
		return "more than 256 different protocols";
	append_u32(&b->protocols, offset);
	*index = count;
	return NULL;
}

/* Row number -> entry number, then each entry's alias count. */
static const char *number_entries(struct builder *b, uint32_t *alias_counts)
{
	const struct registry *reg = b->reg;

	for (size_t row = 0; row < reg->count; row++)
		if (reg->rows[row].alias_of < 0)
			b->entry_of_row[row] = b->entry_count++;
	for (size_t row = 0; row < reg->count; row++) {
		long target = reg->rows[row].alias_of;
		if (target < 0)
			continue;
		if ((size_t)target >= reg->count || reg->rows[target].alias_of >= 0)
			return "an alias row must alias a row that is not an alias";
		uint32_t entry = b->entry_of_row[target];
		if (alias_counts[entry] == UINT16_MAX)
			return "more than 65535 aliases of one entry";
		alias_counts[entry]++;
		b->alias_total++;
	}
	return NULL;
}

static const char *build_entries(struct builder *b, const uint32_t *alias_counts)
{
	uint32_t alias_first = 0;

	reserve(&b->entries, (size_t)b->entry_count * sizeof(struct nssiana_entry));

	for (size_t row = 0; row < b->reg->count; row++) {
		const struct registry_row *r = &b->reg->rows[row];
		if (r->alias_of >= 0)
			continue;
		struct nssiana_entry entry = {
			.name = pool_add_string(&b->pool, r->name),
			.meta = pool_add_meta(&b->pool, r->meta, &b->scratch),
			.alias_first = alias_first,
			.port_first = r->port_first,
			.port_last = r->port_last,
			.alias_count = alias_counts[b->entry_of_row[row]],
		};
		const char *why = protocol_index(b, r->proto, &entry.proto);
		if (why)
			return why;
		if (entry.name == UINT32_MAX || entry.meta == UINT32_MAX)
			return "string pool over 4 GiB, or out of memory";
		alias_first += entry.alias_count;
		append(&b->entries, &entry, sizeof entry);
	}
	return NULL;
}

/* Alias records go in entry order, each entry's in row order. */
static const char *build_aliases(struct builder *b)
{
	const struct nssiana_entry *entries = (const void *)b->entries.data;
	uint32_t *next = zeroed(b->entry_count + 1, sizeof *next);
	struct nssiana_alias *aliases = zeroed(b->alias_total + 1, sizeof *aliases);
	const char *why = NULL;

	if (next == NULL || aliases == NULL) {
		why = "out of memory";
		goto out;
	}
	for (uint32_t e = 0; e < b->entry_count; e++)
		next[e] = entries[e].alias_first;
	for (size_t row = 0; row < b->reg->count && !why; row++) {
		const struct registry_row *r = &b->reg->rows[row];
		if (r->alias_of < 0)
			continue;
		struct nssiana_alias alias = {
			pool_add_string(&b->pool, r->name),
			pool_add_meta(&b->pool, r->meta, &b->scratch),
		};
		if (alias.name == UINT32_MAX || alias.meta == UINT32_MAX)
			why = "string pool over 4 GiB, or out of memory";
		aliases[next[b->entry_of_row[r->alias_of]]++] = alias;
	}
	append(&b->aliases, aliases, b->alias_total * sizeof *aliases);
out:
	free(next);
	free(aliases);
	return why;
}

static uint32_t bucket_count_for(size_t keys)
{
	uint32_t count = 1;
	while (count < keys && count < (1u << 30))
		count *= 2;
	return count;
}

/* (bucket, entry) pairs, generated in entry order, become a bucket index
 * by a stable counting sort: each bucket keeps registry order. */
struct pairs {
	uint32_t *bucket;
	uint32_t *entry;
	size_t count;
	size_t capacity;
};

static bool add_pair(struct pairs *p, uint32_t bucket, uint32_t entry)
{
	if (p->count == p->capacity) {
		size_t capacity = p->capacity ? p->capacity * 2 : 4096;
		uint32_t *buckets = realloc(p->bucket, capacity * sizeof *buckets);
		if (buckets)
			p->bucket = buckets;
		uint32_t *entries = realloc(p->entry, capacity * sizeof *entries);
		if (entries)
			p->entry = entries;
		if (!buckets || !entries)
			return false;
		p->capacity = capacity;
	}
	p->bucket[p->count] = bucket;
	p->entry[p->count] = entry;
	p->count++;
	return true;
}

/* Counts and refs are built in place in the two (empty) sections.  The
 * scatter uses the starts as cursors, which leaves starts[b] at the start
 * of bucket b + 1: shifting them back by one restores them. */
static const char *emit_index(struct pairs *p, uint32_t bucket_count,
			      struct bytes out[2])
{
	size_t starts_size = ((size_t)bucket_count + 1) * sizeof(uint32_t);

	if (p->count >= UINT32_MAX || out[0].size || out[1].size ||
	    !reserve(&out[0], starts_size) ||
	    !reserve(&out[1], (p->count + 1) * sizeof(uint32_t)))
		return "out of memory";
	uint32_t *starts = (uint32_t *)out[0].data;
	uint32_t *refs = (uint32_t *)out[1].data;

	explicit_bzero(starts, starts_size); /* see zeroed() */
	for (size_t i = 0; i < p->count; i++)
		starts[p->bucket[i] + 1]++;
	for (uint32_t bucket = 0; bucket < bucket_count; bucket++)
		starts[bucket + 1] += starts[bucket];
	for (size_t i = 0; i < p->count; i++)
		refs[starts[p->bucket[i]]++] = p->entry[i];
	memmove(starts + 1, starts, (size_t)bucket_count * sizeof *starts);
	starts[0] = 0;
	out[0].size = starts_size;
	out[1].size = p->count * sizeof *refs;
	return NULL;
}

/* Adds (bucket, entry) unless this entry is already the last one listed
 * for the bucket: keys of one entry are added together, so that is enough
 * to list each entry once per bucket. */
static bool add_key(struct pairs *p, uint32_t *last_entry_of_bucket,
		    uint32_t bucket, uint32_t entry)
{
	if (last_entry_of_bucket[bucket] == entry + 1)
		return true;
	last_entry_of_bucket[bucket] = entry + 1;
	return add_pair(p, bucket, entry);
}

static const char *build_name_index(struct builder *b)
{
	const struct nssiana_entry *entries = (const void *)b->entries.data;
	const struct nssiana_alias *aliases = (const void *)b->aliases.data;
	const char *strings = (const char *)b->pool.bytes.data + POOL_BASE;
	/* About one bucket per distinct name: most names have a tcp and a udp
	 * entry, so this keeps chains near two entries while halving what
	 * every process validates. */
	uint32_t buckets = bucket_count_for((b->entry_count + b->alias_total + 1) / 2);
	uint32_t *last = zeroed(buckets, sizeof *last);
	struct pairs pairs = { 0 };
	const char *why = last ? NULL : "out of memory";

	for (uint32_t e = 0; e < b->entry_count && !why; e++) {
		const struct nssiana_entry *entry = &entries[e];
		uint32_t hash = nssiana_name_hash(strings + entry->name);
		if (!add_key(&pairs, last, hash & (buckets - 1), e))
			why = "out of memory";
		for (uint32_t a = 0; a < entry->alias_count && !why; a++) {
			hash = nssiana_name_hash(strings + aliases[entry->alias_first + a].name);
			if (!add_key(&pairs, last, hash & (buckets - 1), e))
				why = "out of memory";
		}
	}
	if (!why)
		why = emit_index(&pairs, buckets, b->name_index);
	free(last);
	free(pairs.bucket);
	free(pairs.entry);
	return why;
}

static const char *build_port_index(struct builder *b)
{
	const struct nssiana_entry *entries = (const void *)b->entries.data;
	uint32_t buckets = bucket_count_for(b->entry_count);
	uint32_t *last = zeroed(buckets, sizeof *last);
	struct pairs pairs = { 0 };
	const char *why = last ? NULL : "out of memory";

	for (uint32_t e = 0; e < b->entry_count && !why; e++)
		for (uint32_t port = entries[e].port_first;
		     port <= entries[e].port_last && !why; port++)
			if (!add_key(&pairs, last, port & (buckets - 1), e))
				why = "out of memory";
	if (!why)
		why = emit_index(&pairs, buckets, b->port_index);
	free(last);
	free(pairs.bucket);
	free(pairs.entry);
	return why;
}

/* ---- the file ----------------------------------------------------------- */

static void fill_header(const struct builder *b, struct nssiana_header *header,
			uint32_t date)
{
	const struct registry_stats *stats = &b->reg->stats;

	memset(header, 0, sizeof *header);
	memcpy(header->magic, NSSIANA_MAGIC, NSSIANA_MAGIC_SIZE);
	header->version_major = NSSIANA_VERSION_MAJOR;
	header->version_minor = NSSIANA_VERSION_MINOR;
	header->header_size = sizeof *header;
	header->section_count = NSSIANA_SECTION_MAX_KNOWN;
	header->registry_date = date;
	header->rows_read = stats->rows_read;
	header->rows_no_name = stats->no_name;
	header->rows_no_port = stats->no_port;
	header->rows_no_proto = stats->no_proto;
	header->rows_bad_name = stats->bad_name;
}

static const char *assemble(struct builder *b, uint32_t date,
			    struct snapshot_image *image)
{
	const struct bytes *sections[NSSIANA_SECTION_MAX_KNOWN + 1] = {
		[NSSIANA_SECTION_ENTRIES] = &b->entries,
		[NSSIANA_SECTION_ALIASES] = &b->aliases,
		[NSSIANA_SECTION_PROTOCOLS] = &b->protocols,
		[NSSIANA_SECTION_NAME_BUCKETS] = &b->name_index[0],
		[NSSIANA_SECTION_NAME_REFS] = &b->name_index[1],
		[NSSIANA_SECTION_PORT_BUCKETS] = &b->port_index[0],
		[NSSIANA_SECTION_PORT_REFS] = &b->port_index[1],
	};
	struct nssiana_section table[NSSIANA_SECTION_MAX_KNOWN];
	struct nssiana_header header;
	size_t offset = b->pool.bytes.size; /* header, table, strings */

	table[0] = (struct nssiana_section){ NSSIANA_SECTION_STRINGS, POOL_BASE,
					     b->pool.bytes.size - POOL_BASE, 0 };
	for (uint32_t id = 2; id <= NSSIANA_SECTION_MAX_KNOWN; id++) {
		offset += -offset & (NSSIANA_SECTION_ALIGN - 1);
		table[id - 1] = (struct nssiana_section){ id, offset,
							  sections[id]->size, 0 };
		offset += sections[id]->size;
	}
	if (offset > UINT32_MAX)
		return "snapshot would be larger than 4 GiB";
	fill_header(b, &header, date);
	header.file_size = offset;
	/* The pool's buffer, which already holds the strings, becomes the file. */
	struct bytes file = b->pool.bytes;
	b->pool.bytes = (struct bytes){ 0 };
	reserve(&file, offset - file.size); /* once: no copies as it grows */
	for (uint32_t id = 2; id <= NSSIANA_SECTION_MAX_KNOWN; id++) {
		pad_to(&file, NSSIANA_SECTION_ALIGN);
		append(&file, sections[id]->data, sections[id]->size);
	}
	if (file.failed) {
		free(file.data);
		return "out of memory";
	}
	memcpy(file.data, &header, sizeof header);
	memcpy(file.data + sizeof header, table, sizeof table);
	uint32_t checksum = snapshot_checksum(file.data, file.size);
	memcpy(file.data + offsetof(struct nssiana_header, checksum),
	       &checksum, sizeof checksum);
	image->data = file.data;
	image->size = file.size;
	return NULL;
}

static bool any_failed(const struct builder *b)
{
	return b->pool.bytes.failed || b->scratch.failed || b->protocols.failed ||
	       b->entries.failed || b->aliases.failed ||
	       b->name_index[0].failed || b->name_index[1].failed ||
	       b->port_index[0].failed || b->port_index[1].failed;
}

static void builder_free(struct builder *b)
{
	free(b->pool.bytes.data);
	free(b->pool.slots);
	free(b->scratch.data);
	free(b->protocols.data);
	free(b->entries.data);
	free(b->aliases.data);
	for (int i = 0; i < 2; i++) {
		free(b->name_index[i].data);
		free(b->port_index[i].data);
	}
	free(b->entry_of_row);
}

const char *snapshot_build(const struct registry *reg,
			   struct snapshot_image *image)
{
	struct builder b = { .reg = reg };
	uint32_t *alias_counts = NULL;
	const char *why = NULL;

	image->data = NULL;
	image->size = 0;
	if (reg->count >= UINT32_MAX)
		return "more rows than a snapshot can hold";
	b.entry_of_row = zeroed(reg->count + 1, sizeof *b.entry_of_row);
	alias_counts = zeroed(reg->count + 1, sizeof *alias_counts);
	if (b.entry_of_row == NULL || alias_counts == NULL)
		why = "out of memory";
	/* A row adds a name and a metadata record, and nearly every service
	 * has a tcp and a udp row sharing both: about one string per row. */
	if (!why && !pool_presize(&b.pool, reg->count + 16))
		why = "out of memory";
	if (!why && reserve(&b.pool.bytes, POOL_BASE)) {
		memset(b.pool.bytes.data, 0, POOL_BASE);
		b.pool.bytes.size = POOL_BASE;
	} else if (!why) {
		why = "out of memory";
	}
	/* Offset 0 must be the empty string. */
	if (!why && pool_add_string(&b.pool, "") != 0)
		why = "out of memory";
	uint32_t date = why ? 0 : pool_add_string(&b.pool, reg->date);
	if (!why && date == UINT32_MAX)
		why = "out of memory";
	if (!why && !(why = number_entries(&b, alias_counts)) &&
	    !(why = build_entries(&b, alias_counts)) &&
	    !(why = build_aliases(&b)) &&
	    !(why = build_name_index(&b)) && !(why = build_port_index(&b)) &&
	    any_failed(&b))
		why = "out of memory";
	if (!why)
		why = assemble(&b, date, image);
	free(alias_counts);
	builder_free(&b);
	return why;
}

void snapshot_image_free(struct snapshot_image *image)
{
	free(image->data);
	image->data = NULL;
	image->size = 0;
}

/* ---- checksum ----------------------------------------------------------- */

/* Slicing-by-8: table[k][n] is the CRC of byte n followed by k zero bytes,
 * so eight input bytes cost eight independent lookups instead of a chain of
 * eight dependent ones.  Same CRC-32/IEEE as the bytewise loop. */
static uint32_t crc_table[8][256];

static void crc32_init_tables(void)
{
	for (uint32_t n = 0; n < 256; n++) {
		uint32_t c = n;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[0][n] = c;
	}
	for (uint32_t n = 0; n < 256; n++)
		for (int k = 1; k < 8; k++) {
			uint32_t c = crc_table[k - 1][n];
			crc_table[k][n] = crc_table[0][c & 0xff] ^ (c >> 8);
		}
}

static uint32_t crc32_update(uint32_t crc, const unsigned char *data,
			     size_t size)
{
	if (crc_table[0][1] == 0)
		crc32_init_tables();
	for (; size >= 8; data += 8, size -= 8) {
		uint64_t word;
		memcpy(&word, data, sizeof word); /* little-endian: see the format */
		word ^= crc;
		crc = crc_table[7][word & 0xff] ^ crc_table[6][(word >> 8) & 0xff] ^
		      crc_table[5][(word >> 16) & 0xff] ^ crc_table[4][(word >> 24) & 0xff] ^
		      crc_table[3][(word >> 32) & 0xff] ^ crc_table[2][(word >> 40) & 0xff] ^
		      crc_table[1][(word >> 48) & 0xff] ^ crc_table[0][word >> 56];
	}
	for (; size > 0; data++, size--)
		crc = crc_table[0][(crc ^ *data) & 0xff] ^ (crc >> 8);
	return crc;
}

uint32_t snapshot_checksum(const unsigned char *data, size_t size)
{
	static const unsigned char zero[4];
	size_t at = offsetof(struct nssiana_header, checksum);
	uint32_t crc = 0xffffffffu;

	if (size < at + sizeof zero)
		return crc32_update(crc, data, size) ^ 0xffffffffu;
	crc = crc32_update(crc, data, at);
	crc = crc32_update(crc, zero, sizeof zero);
	crc = crc32_update(crc, data + at + sizeof zero, size - at - sizeof zero);
	return crc ^ 0xffffffffu;
}

/* ---- the atomic write --------------------------------------------------- */

static int write_all(int fd, const unsigned char *data, size_t size)
{
	while (size > 0) {
		ssize_t written = write(fd, data, size);
		if (written < 0 && errno == EINTR)
			continue;
		if (written <= 0)
			return written < 0 ? errno : EIO;
		data += written;
		size -= written;
	}
	return 0;
}

static int sync_directory_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int length = slash ? (int)(slash - path) : 1;

	if (length == 0)
		length = 1; /* the root directory */
	if ((size_t)length >= sizeof dir)
		return ENAMETOOLONG;
	memcpy(dir, slash ? path : ".", length);
	dir[length] = '\0';
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int error = fsync(fd) == 0 ? 0 : errno;
	close(fd);
	return error == EINVAL ? 0 : error; /* some filesystems can't */
}

int write_file_atomic(const char *path, const void *data, size_t size)
{
	char temporary[4096];
	int error;

	if (snprintf(temporary, sizeof temporary, "%s.XXXXXX", path) >=
	    (int)sizeof temporary)
		return ENAMETOOLONG;
	int fd = mkostemp(temporary, O_CLOEXEC);
	if (fd < 0)
		return errno;
	/* Every process on the machine reads the snapshot. */
	error = fchmod(fd, 0644) == 0 ? 0 : errno;
	if (!error)
		error = write_all(fd, data, size);
	if (!error && fsync(fd) != 0)
		error = errno;
	if (close(fd) != 0 && !error)
		error = errno;
	if (!error && rename(temporary, path) != 0)
		error = errno;
	if (error) {
		unlink(temporary);
		return error;
	}
	return sync_directory_of(path);
}
