/*
 * snapshot_write.c - registry to snapshot bytes (snapshot_format.h), and
 * the atomic write that puts them on disk.
 *
 * Plain code for a weekly job.  Duplicate strings are found by sorting,
 * the indexes are built by counting, so the cost is O(n log n) whatever
 * the input.  The output depends only on the registry's rows in order.
 */
#include "compiler/snapshot_write.h"
#include "reader/checksum.h"

#include "compiler/proto_write.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The section table follows the header, with room for the optional
 * sections (zeros when a file has none); the strings come first after it. */
#define STRINGS_OFFSET (sizeof(struct nssiana_header) + \
			NSSIANA_SECTION_MAX_OPTIONAL * sizeof(struct nssiana_section))
static_assert(STRINGS_OFFSET % NSSIANA_SECTION_ALIGN == 0, "strings start aligned");

/* Index buckets grow (doubling) up to this many to keep each bucket within
 * NSSIANA_MAX_BUCKET_ENTRIES: their table then takes 16 MiB, the whole of
 * NSSIANA_MAX_FILE_SIZE. */
#define MAX_BUCKET_COUNT ((uint32_t)1 << 22)

/* One string (or metadata record) of the pool, in the order first used. */
struct item {
	const char *bytes;
	uint32_t size;    /* with the final NUL */
	uint32_t *offset; /* where its pool offset goes */
	size_t row;       /* the registry row it comes from */
};

struct builder {
	const struct registry *reg;
	struct build_error *error;
	uint32_t *entry_of_row;   /* row -> entry, for alias rows' targets */
	size_t *row_of_entry;
	struct nssiana_entry *entries;
	struct nssiana_alias *aliases;
	uint32_t entry_count;
	uint32_t alias_total;
	uint32_t *entry_proto;    /* each entry's protocol, as a pool offset */
	uint32_t protocols[NSSIANA_MAX_PROTOCOLS];
	uint32_t protocol_count;
	uint32_t date;
	uint32_t updated;         /* the registry's own date, as a pool offset */
	uint32_t empty;           /* the offset of "": 0, the first item */
	struct item *items;
	size_t item_count;
	char *strings;            /* the pool */
	uint32_t strings_size;
	uint64_t *row_bytes;      /* what each row added to the file */
	uint32_t *index[4];       /* name buckets, refs, port buckets, refs */
	uint32_t index_size[4];   /* in uint32s */
	struct nssiana_contact *contacts; /* reg->contact_count of them */
	struct nssiana_preference preference; /* if reg->preference */
	struct proto_sections proto_db; /* if reg->protocols */
};

__attribute__((format(printf, 3, 4)))
static int fail(struct builder *b, long row, const char *format, ...)
{
	va_list args;

	b->error->row = row;
	va_start(args, format);
	vsnprintf(b->error->message, sizeof(b->error->message), format, args);
	va_end(args);
	return -1;
}

static int out_of_memory(struct builder *b)
{
	return fail(b, -1, "out of memory");
}

/* ---- entries and aliases -------------------------------------------------- */

/* Row number -> entry number, and each entry's alias count. */
static int number_entries(struct builder *b)
{
	const struct registry *reg = b->reg;

	for (size_t row = 0; row < reg->count; row++)
		if (reg->rows[row].alias_of < 0) {
			b->row_of_entry[b->entry_count] = row;
			b->entry_of_row[row] = b->entry_count++;
		}
	for (size_t row = 0; row < reg->count; row++) {
		long target = reg->rows[row].alias_of;
		if (target < 0)
			continue;
		if ((size_t)target >= reg->count || reg->rows[target].alias_of >= 0)
			return fail(b, (long)row, "an alias row must alias a row that is not an alias");
		struct nssiana_entry *entry = &b->entries[b->entry_of_row[target]];
		if (entry->alias_count == UINT16_MAX)
			return fail(b, (long)row, "more than 65535 aliases of one entry");
		entry->alias_count++;
		b->alias_total++;
	}
	return 0;
}

static void fill_entries(struct builder *b)
{
	uint32_t alias_first = 0;

	for (uint32_t e = 0; e < b->entry_count; e++) {
		const struct registry_row *row = &b->reg->rows[b->row_of_entry[e]];
		b->entries[e].alias_first = alias_first;
		b->entries[e].port_first = row->port_first;
		b->entries[e].port_last = row->port_last;
		b->entries[e].flags = row->preferred ? NSSIANA_ENTRY_PREFERRED : 0;
		alias_first += b->entries[e].alias_count;
	}
}

/* ---- the string pool ------------------------------------------------------ */

static void add_item(struct builder *b, const char *bytes, size_t size,
		     uint32_t *offset, size_t row)
{
	b->items[b->item_count++] = (struct item){ bytes, (uint32_t)size, offset, row };
}

static void add_string(struct builder *b, const char *s, uint32_t *offset, size_t row)
{
	add_item(b, s, strlen(s) + 1, offset, row);
}

/* A row's metadata strings lie back to back (registry.h), which is the
 * record the format stores. */
static void add_meta(struct builder *b, const struct registry_row *r,
		     uint32_t *offset, size_t row)
{
	const char *last = r->meta[NSSIANA_META_FIELDS - 1];

	add_item(b, r->meta[0], (size_t)(last + strlen(last) + 1 - r->meta[0]), offset, row);
}

/* The registry's own date and the optional sections' strings come after
 * every other, so that the registry read from the XML has the pool of the
 * same registry read from the CSV, plus these strings at its end.  They
 * belong to no row (row_bytes' last slot). */
static void list_optional_items(struct builder *b)
{
	const struct registry *reg = b->reg;
	size_t no_row = reg->count;

	add_string(b, reg->updated, &b->updated, no_row);
	for (size_t i = 0; i < reg->contact_count; i++) {
		const struct registry_contact *c = &reg->contacts[i];
		struct nssiana_contact *out = &b->contacts[i];
		add_string(b, c->id, &out->id, no_row);
		add_string(b, c->name, &out->name, no_row);
		add_string(b, c->org, &out->org, no_row);
		add_string(b, c->uri, &out->uri, no_row);
		add_string(b, c->updated, &out->updated, no_row);
	}
	if (reg->preference) {
		add_string(b, reg->preference->path, &b->preference.path, no_row);
		b->preference.crc32 = reg->preference->crc32;
		b->preference.lines = reg->preference->lines;
		b->preference.entries = reg->preference->lines;
	}
}

/* Every string in the order the pool stores them: "", the date, then each
 * entry's name, metadata and protocol, then each alias row's name and
 * metadata, in row order.  An entry's alias records are the run that
 * starts at its alias_first, in row order. */
static int list_items(struct builder *b)
{
	const struct registry *reg = b->reg;
	uint32_t *next_alias = malloc((b->entry_count + 1) * sizeof(*next_alias));

	if (!next_alias)
		return out_of_memory(b);
	add_item(b, "", 1, &b->empty, 0);
	add_string(b, reg->date, &b->date, 0);
	for (uint32_t e = 0; e < b->entry_count; e++) {
		size_t row = b->row_of_entry[e];
		add_string(b, reg->rows[row].name, &b->entries[e].name, row);
		add_meta(b, &reg->rows[row], &b->entries[e].meta, row);
		add_string(b, reg->rows[row].proto, &b->entry_proto[e], row);
		next_alias[e] = b->entries[e].alias_first;
	}
	for (size_t row = 0; row < reg->count; row++) {
		if (reg->rows[row].alias_of < 0)
			continue;
		uint32_t at = next_alias[b->entry_of_row[reg->rows[row].alias_of]]++;
		add_string(b, reg->rows[row].name, &b->aliases[at].name, row);
		add_meta(b, &reg->rows[row], &b->aliases[at].meta, row);
	}
	free(next_alias);
	list_optional_items(b);
	return 0;
}

static int compare_items(const void *x, const void *y, void *context)
{
	const struct item *items = context;
	const struct item *a = &items[*(const uint32_t *)x];
	const struct item *b = &items[*(const uint32_t *)y];

	if (a->size != b->size)
		return a->size < b->size ? -1 : 1;
	int c = memcmp(a->bytes, b->bytes, a->size);
	if (c)
		return c;
	/* Equal items by first use: a total order. */
	return (a > b) - (a < b);
}

static bool same_bytes(const struct item *a, const struct item *b)
{
	return a->size == b->size && memcmp(a->bytes, b->bytes, a->size) == 0;
}

/* For each item, the first item with the same bytes: sorting puts equal
 * items together, first use first. */
static uint32_t *first_of_each(const struct builder *b)
{
	uint32_t *order = malloc((b->item_count + 1) * sizeof(*order));
	uint32_t *first = malloc((b->item_count + 1) * sizeof(*first));

	if (!order || !first) {
		free(order);
		free(first);
		return NULL;
	}
	for (size_t i = 0; i < b->item_count; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, b->item_count, sizeof(*order), compare_items, b->items);
	for (size_t i = 0; i < b->item_count; i++)
		first[order[i]] = i > 0 && same_bytes(&b->items[order[i - 1]], &b->items[order[i]])
			? first[order[i - 1]] : order[i];
	free(order);
	return first;
}

/* Lays the pool out in order of first use, each distinct item once. */
static int build_pool(struct builder *b)
{
	uint32_t *first = first_of_each(b);
	uint64_t size = 0;

	if (!first)
		return out_of_memory(b);
	for (size_t i = 0; i < b->item_count; i++)
		if (first[i] == i)
			size += b->items[i].size;
	b->strings = size <= UINT32_MAX ? malloc(size) : NULL;
	if (!b->strings) {
		free(first);
		return size <= UINT32_MAX ? out_of_memory(b)
					  : fail(b, -1, "string pool over 4 GiB");
	}
	for (size_t i = 0; i < b->item_count; i++) {
		struct item *item = &b->items[i];
		if (first[i] == i) {
			*item->offset = b->strings_size;
			memcpy(b->strings + b->strings_size, item->bytes, item->size);
			b->strings_size += item->size;
			b->row_bytes[item->row] += item->size;
		} else {
			*item->offset = *b->items[first[i]].offset;
		}
	}
	free(first);
	return 0;
}

/* PROTOCOLS lists each protocol once, in order of first use. */
static int number_protocols(struct builder *b)
{
	for (uint32_t e = 0; e < b->entry_count; e++) {
		uint32_t p = 0;
		while (p < b->protocol_count && b->protocols[p] != b->entry_proto[e])
			p++;
		if (p == NSSIANA_MAX_PROTOCOLS)
			return fail(b, (long)b->row_of_entry[e],
				    "more than %d different protocols", NSSIANA_MAX_PROTOCOLS);
		if (p == b->protocol_count)
			b->protocols[b->protocol_count++] = b->entry_proto[e];
		b->entries[e].proto = (uint8_t)p;
	}
	return 0;
}

/* ---- the bucket indexes ------------------------------------------------- */

/* A key (name hash or port) under which an entry is listed. */
struct index_key {
	uint32_t key;
	uint32_t entry;
};

/* One ref of a bucket index: the entry, under its bucket, for its key. */
struct index_ref {
	uint32_t bucket;
	uint32_t entry;
	uint32_t key;
};

struct index_plan {
	uint32_t bucket_count;  /* to start with: a power of two */
	uint32_t most_buckets;  /* past which more buckets cannot help */
	int section;            /* 0: the name index, 2: the port index */
};

static uint32_t bucket_count_for(size_t keys)
{
	uint32_t count = 1;

	while (count < keys && count < ((uint32_t)1 << 30))
		count *= 2;
	return count;
}

/* The refs of `keys` for bucket_count buckets, each entry once per bucket
 * (an entry's keys come together, so the last entry listed in a bucket
 * tells). */
static struct index_ref *list_refs(const struct index_key *keys, size_t count,
				   uint32_t bucket_count, size_t *ref_count)
{
	uint32_t *last = calloc(bucket_count, sizeof(*last));
	struct index_ref *refs = malloc((count + 1) * sizeof(*refs));
	size_t used = 0;

	if (!last || !refs) {
		free(last);
		free(refs);
		return NULL;
	}
	for (size_t i = 0; i < count; i++) {
		uint32_t bucket = keys[i].key & (bucket_count - 1);
		if (last[bucket] == keys[i].entry + 1)
			continue;
		last[bucket] = keys[i].entry + 1;
		refs[used++] = (struct index_ref){ bucket, keys[i].entry, keys[i].key };
	}
	free(last);
	*ref_count = used;
	return refs;
}

/* BUCKETS and REFS by a counting sort, which keeps each bucket's entries
 * in registry order.  Returns the first bucket with more than
 * NSSIANA_MAX_BUCKET_ENTRIES entries, or UINT32_MAX. */
static uint32_t count_into_buckets(const struct index_ref *refs, size_t ref_count,
				   uint32_t bucket_count, uint32_t *buckets,
				   uint32_t *out)
{
	uint32_t overfull = UINT32_MAX;

	memset(buckets, 0, ((size_t)bucket_count + 1) * sizeof(*buckets));
	for (size_t i = 0; i < ref_count; i++)
		buckets[refs[i].bucket + 1]++;
	for (uint32_t bucket = 0; bucket < bucket_count; bucket++) {
		if (buckets[bucket + 1] > NSSIANA_MAX_BUCKET_ENTRIES && overfull == UINT32_MAX)
			overfull = bucket;
		buckets[bucket + 1] += buckets[bucket];
	}
	for (size_t i = 0; i < ref_count; i++)
		out[buckets[refs[i].bucket]++] = refs[i].entry;
	/* The scatter moved each start to the next bucket's: move them back. */
	memmove(buckets + 1, buckets, (size_t)bucket_count * sizeof(*buckets));
	buckets[0] = 0;
	return overfull;
}

/* True if every ref of `bucket` has the same key (then in *key): more
 * buckets would not split it. */
static bool one_key_in(const struct index_ref *refs, size_t ref_count,
		       uint32_t bucket, uint32_t *key)
{
	bool seen = false;

	for (size_t i = 0; i < ref_count; i++) {
		if (refs[i].bucket != bucket)
			continue;
		if (seen && *key != refs[i].key)
			return false;
		*key = refs[i].key;
		seen = true;
	}
	return true;
}

/* Refuses the entry that would be one too many in `bucket`.  A port
 * bucket is stuck only when it holds one port. */
static int refuse_bucket(struct builder *b, const struct index_plan *plan,
			 const uint32_t *buckets, const uint32_t *refs,
			 uint32_t bucket, uint32_t key)
{
	uint32_t entry = refs[buckets[bucket] + NSSIANA_MAX_BUCKET_ENTRIES];
	size_t row = b->row_of_entry[entry];

	if (plan->section == 2)
		return fail(b, (long)row, "more than %d entries on port %u",
			    NSSIANA_MAX_BUCKET_ENTRIES, (unsigned)key);
	return fail(b, (long)row, "more than %d entries whose names hash alike "
		    "(the same name ignoring case, or an FNV-1a collision) with \"%s\"",
		    NSSIANA_MAX_BUCKET_ENTRIES, b->reg->rows[row].name);
}

/* A bucket index of `keys`, with as many buckets as keep every bucket
 * within NSSIANA_MAX_BUCKET_ENTRIES: the count starts at the plan's and
 * doubles while that helps. */
static int build_index(struct builder *b, const struct index_key *keys, size_t count,
		       const struct index_plan *plan)
{
	for (uint32_t bucket_count = plan->bucket_count;; bucket_count *= 2) {
		size_t ref_count = 0;
		struct index_ref *refs = list_refs(keys, count, bucket_count, &ref_count);
		uint32_t *buckets = malloc(((size_t)bucket_count + 1) * sizeof(*buckets));
		uint32_t *out = malloc((ref_count + 1) * sizeof(*out));
		if (!refs || !buckets || !out) {
			free(refs);
			free(buckets);
			free(out);
			return out_of_memory(b);
		}
		uint32_t overfull = count_into_buckets(refs, ref_count, bucket_count, buckets, out);
		uint32_t key = overfull;
		bool stuck = overfull != UINT32_MAX &&
			(one_key_in(refs, ref_count, overfull, &key) ||
			 bucket_count >= plan->most_buckets);
		int status = stuck ? refuse_bucket(b, plan, buckets, out, overfull, key) : 0;
		free(refs);
		if (overfull == UINT32_MAX) {
			b->index[plan->section] = buckets;
			b->index_size[plan->section] = bucket_count + 1;
			b->index[plan->section + 1] = out;
			b->index_size[plan->section + 1] = (uint32_t)ref_count;
			return 0;
		}
		free(buckets);
		free(out);
		if (stuck)
			return status;
	}
}

static int build_name_index(struct builder *b)
{
	size_t count = (size_t)b->entry_count + b->alias_total, used = 0;
	struct index_key *keys = malloc((count + 1) * sizeof(*keys));
	/* About one bucket per distinct name: most names have a tcp and a udp
	 * entry, so this keeps chains near two entries while halving what
	 * every process validates. */
	struct index_plan plan = { bucket_count_for((count + 1) / 2),
				   MAX_BUCKET_COUNT, 0 };

	if (!keys)
		return out_of_memory(b);
	for (uint32_t e = 0; e < b->entry_count; e++) {
		const struct nssiana_entry *entry = &b->entries[e];
		keys[used++] = (struct index_key){ nssiana_name_hash(b->strings + entry->name), e };
		for (uint32_t a = 0; a < entry->alias_count; a++) {
			uint32_t name = b->aliases[entry->alias_first + a].name;
			keys[used++] = (struct index_key){ nssiana_name_hash(b->strings + name), e };
		}
	}
	int status = build_index(b, keys, used, &plan);
	free(keys);
	return status;
}

static int build_port_index(struct builder *b)
{
	size_t count = 0, used = 0;
	struct index_plan plan = { bucket_count_for(b->entry_count), 65536, 2 };

	for (uint32_t e = 0; e < b->entry_count; e++)
		count += (size_t)b->entries[e].port_last - b->entries[e].port_first + 1;
	if (count > NSSIANA_MAX_SERVENTS)
		return fail(b, -1, "more than %u ports served in all", NSSIANA_MAX_SERVENTS);
	struct index_key *keys = malloc((count + 1) * sizeof(*keys));
	if (!keys)
		return out_of_memory(b);
	for (uint32_t e = 0; e < b->entry_count; e++)
		for (uint32_t port = b->entries[e].port_first; port <= b->entries[e].port_last; port++)
			keys[used++] = (struct index_key){ port, e };
	int status = build_index(b, keys, used, &plan);
	free(keys);
	return status;
}

/* ---- the file ----------------------------------------------------------- */

static void fill_header(const struct builder *b, struct nssiana_header *header,
			size_t file_size)
{
	const struct registry_stats *stats = &b->reg->stats;

	memset(header, 0, sizeof *header);
	memcpy(header->magic, NSSIANA_MAGIC, NSSIANA_MAGIC_SIZE);
	header->version_major = NSSIANA_VERSION_MAJOR;
	header->version_minor = NSSIANA_VERSION_MINOR;
	header->header_size = sizeof *header;
	header->file_size = (uint32_t)file_size;
	header->registry_date = b->date;
	header->registry_updated = b->updated;
	header->rows_read = stats->rows_read;
	header->rows_no_name = stats->no_name;
	header->rows_no_port = stats->no_port;
	header->rows_no_proto = stats->no_proto;
	header->rows_bad_name = stats->bad_name;
}

/* The row with which the file outgrows NSSIANA_MAX_FILE_SIZE: what does
 * not belong to a row (header, indexes, padding) counts from the start. */
static int refuse_file_size(struct builder *b, size_t file_size)
{
	uint64_t rows_total = 0, size;
	size_t row = 0;

	for (size_t r = 0; r < b->reg->count; r++)
		rows_total += b->row_bytes[r];
	size = file_size - rows_total;
	while (row + 1 < b->reg->count && size + b->row_bytes[row] <= NSSIANA_MAX_FILE_SIZE)
		size += b->row_bytes[row++];
	return fail(b, b->reg->count ? (long)row : -1,
		    "the snapshot would be %zu bytes, over the format's limit of %u",
		    file_size, NSSIANA_MAX_FILE_SIZE);
}

/* The sections in id order (STRINGS first), each at a multiple of 8; the
 * optional ones only when they have content. */
static int assemble(struct builder *b, struct snapshot_image *image)
{
	const void *data[NSSIANA_SECTION_MAX_OPTIONAL + 1] = {
		[NSSIANA_SECTION_STRINGS] = b->strings,
		[NSSIANA_SECTION_PROTOCOLS] = b->protocols,
		[NSSIANA_SECTION_ENTRIES] = b->entries,
		[NSSIANA_SECTION_ALIASES] = b->aliases,
		[NSSIANA_SECTION_NAME_BUCKETS] = b->index[0],
		[NSSIANA_SECTION_NAME_REFS] = b->index[1],
		[NSSIANA_SECTION_PORT_BUCKETS] = b->index[2],
		[NSSIANA_SECTION_PORT_REFS] = b->index[3],
		[NSSIANA_SECTION_CONTACTS] = b->contacts,
		[NSSIANA_SECTION_PREFERENCE] = &b->preference,
	};
	const size_t size[NSSIANA_SECTION_MAX_OPTIONAL + 1] = {
		[NSSIANA_SECTION_STRINGS] = b->strings_size,
		[NSSIANA_SECTION_PROTOCOLS] = b->protocol_count * sizeof(uint32_t),
		[NSSIANA_SECTION_ENTRIES] = b->entry_count * sizeof(struct nssiana_entry),
		[NSSIANA_SECTION_ALIASES] = b->alias_total * sizeof(struct nssiana_alias),
		[NSSIANA_SECTION_NAME_BUCKETS] = b->index_size[0] * sizeof(uint32_t),
		[NSSIANA_SECTION_NAME_REFS] = b->index_size[1] * sizeof(uint32_t),
		[NSSIANA_SECTION_PORT_BUCKETS] = b->index_size[2] * sizeof(uint32_t),
		[NSSIANA_SECTION_PORT_REFS] = b->index_size[3] * sizeof(uint32_t),
		[NSSIANA_SECTION_CONTACTS] =
			b->reg->contact_count * sizeof(struct nssiana_contact),
		[NSSIANA_SECTION_PREFERENCE] =
			b->reg->preference ? sizeof(struct nssiana_preference) : 0,
	};
	struct nssiana_section table[NSSIANA_SECTION_MAX_OPTIONAL];
	uint32_t count = 0;
	const void *proto_data[NSSIANA_SECTION_MAX_OPTIONAL + 1] = { 0 };
	size_t proto_size[NSSIANA_SECTION_MAX_OPTIONAL + 1] = { 0 };

	for (int id = NSSIANA_SECTION_PROTO_FIRST; id <= NSSIANA_SECTION_MAX_OPTIONAL; id++) {
		proto_data[id] = b->proto_db.data[id - NSSIANA_SECTION_PROTO_FIRST];
		proto_size[id] = b->proto_db.size[id - NSSIANA_SECTION_PROTO_FIRST];
	}
	struct nssiana_header header;
	size_t offset = STRINGS_OFFSET;

	memset(table, 0, sizeof table);
	for (uint32_t id = 1; id <= NSSIANA_SECTION_MAX_OPTIONAL; id++) {
		bool proto = id >= NSSIANA_SECTION_PROTO_FIRST;
		size_t bytes = proto ? proto_size[id] : size[id];
		/* The protocols sections go all together, even an empty one
		 * (no aliases): their presence is what the reader looks for. */
		if (proto ? b->reg->protocols == NULL
			  : id > NSSIANA_SECTION_MAX_KNOWN && bytes == 0)
			continue;
		offset += -offset & (NSSIANA_SECTION_ALIGN - 1);
		table[count++] = (struct nssiana_section){ id, (uint32_t)offset,
							   (uint32_t)bytes, 0 };
		offset += bytes;
	}
	for (uint32_t e = 0; e < b->entry_count; e++)
		b->row_bytes[b->row_of_entry[e]] += sizeof(struct nssiana_entry);
	for (size_t row = 0; row < b->reg->count; row++)
		if (b->reg->rows[row].alias_of >= 0)
			b->row_bytes[row] += sizeof(struct nssiana_alias);
	if (offset > NSSIANA_MAX_FILE_SIZE)
		return refuse_file_size(b, offset);
	unsigned char *file = calloc(1, offset);
	if (!file)
		return out_of_memory(b);
	fill_header(b, &header, offset);
	header.section_count = count;
	memcpy(file, &header, sizeof header);
	memcpy(file + sizeof header, table, sizeof table);
	for (uint32_t i = 0; i < count; i++)
		if (table[i].size)
			memcpy(file + table[i].offset,
			       table[i].id >= NSSIANA_SECTION_PROTO_FIRST
				       ? proto_data[table[i].id] : data[table[i].id],
			       table[i].size);
	uint32_t checksum = snapshot_checksum(file, offset);
	memcpy(file + offsetof(struct nssiana_header, checksum), &checksum, sizeof checksum);
	image->data = file;
	image->size = offset;
	return 0;
}

static void builder_free(struct builder *b)
{
	free(b->entry_of_row);
	free(b->row_of_entry);
	free(b->entries);
	free(b->aliases);
	free(b->entry_proto);
	free(b->items);
	free(b->strings);
	free(b->row_bytes);
	free(b->contacts);
	proto_sections_free(&b->proto_db);
	for (int i = 0; i < 4; i++)
		free(b->index[i]);
}

static int build(struct builder *b, struct snapshot_image *image)
{
	size_t rows = b->reg->count;

	if (rows >= UINT32_MAX / 2)
		return fail(b, -1, "more rows than a snapshot can hold");
	b->entry_of_row = calloc(rows + 1, sizeof(*b->entry_of_row));
	b->row_of_entry = calloc(rows + 1, sizeof(*b->row_of_entry));
	b->entries = calloc(rows + 1, sizeof(*b->entries));
	b->aliases = calloc(rows + 1, sizeof(*b->aliases));
	b->entry_proto = calloc(rows + 1, sizeof(*b->entry_proto));
	size_t contacts = b->reg->contact_count;
	if (contacts >= UINT32_MAX / 8)
		return fail(b, -1, "more contacts than a snapshot can hold");
	/* Each row adds at most three items; "" and the two dates three,
	 * each contact five, the preference one. */
	b->items = calloc(3 * rows + 5 * contacts + 4, sizeof(*b->items));
	b->row_bytes = calloc(rows + 1, sizeof(*b->row_bytes));
	b->contacts = calloc(contacts + 1, sizeof(*b->contacts));
	if (!b->entry_of_row || !b->row_of_entry || !b->entries || !b->aliases ||
	    !b->entry_proto || !b->items || !b->row_bytes || !b->contacts)
		return out_of_memory(b);
	if (number_entries(b) < 0)
		return -1;
	fill_entries(b);
	if (list_items(b) < 0 || build_pool(b) < 0 || number_protocols(b) < 0 ||
	    build_name_index(b) < 0 || build_port_index(b) < 0)
		return -1;
	if (b->reg->protocols &&
	    proto_sections_build(b->reg->protocols, &b->proto_db, b->error) != 0)
		return -1;
	return assemble(b, image);
}

int snapshot_build(const struct registry *reg, struct snapshot_image *image,
		   struct build_error *error)
{
	struct builder b = { .reg = reg, .error = error };
	int status;

	image->data = NULL;
	image->size = 0;
	error->row = -1;
	error->message[0] = '\0';
	status = build(&b, image);
	builder_free(&b);
	return status;
}

void snapshot_image_free(struct snapshot_image *image)
{
	free(image->data);
	image->data = NULL;
	image->size = 0;
}

/* ---- the atomic write --------------------------------------------------- */

int write_all(int fd, const void *bytes, size_t size)
{
	const unsigned char *data = bytes;

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

/* The directory `path` is in, in dir[size]. */
static int directory_of(const char *path, char *dir, size_t size)
{
	const char *slash = strrchr(path, '/');
	int length = slash ? (int)(slash - path) : 1;

	if (length == 0)
		length = 1; /* the root directory */
	if ((size_t)length >= size)
		return ENAMETOOLONG;
	memcpy(dir, slash ? path : ".", length);
	dir[length] = '\0';
	return 0;
}

static int sync_directory_of(const char *path)
{
	char dir[4096];
	int error = directory_of(path, dir, sizeof dir);

	if (error)
		return error;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	error = fsync(fd) == 0 ? 0 : errno;
	close(fd);
	return error == EINVAL ? 0 : error; /* some filesystems can't */
}

/* A file just written sits in the page cache in large folios, and the
 * kernel maps a whole folio into a process on one fault, whatever the
 * reader's madvise says: after a single lookup every process would have
 * most of the snapshot resident.  Dropping the clean pages once lets
 * readers fault in only the pages they read.  Advice only: an error
 * changes nothing that was written. */
static void drop_from_page_cache(int fd)
{
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
}

/* The temporary file takes the owner and mode of the file it replaces,
 * so that replacing never widens or narrows who may read it; a new file
 * is 0644: every process on the machine reads the snapshot.  EPERM if
 * the owner cannot be kept (only root, or the owner, may give a file to
 * someone else): then nothing is replaced. */
static int keep_owner_and_mode(int fd, const char *path)
{
	struct stat target, temporary;
	if (stat(path, &target) != 0)
		return errno != ENOENT ? errno : fchmod(fd, 0644) == 0 ? 0 : errno;
	if (fstat(fd, &temporary) != 0)
		return errno;
	if ((temporary.st_uid != target.st_uid ||
	     temporary.st_gid != target.st_gid) &&
	    fchown(fd, target.st_uid, target.st_gid) != 0)
		return errno;
	return fchmod(fd, target.st_mode & 07777) == 0 ? 0 : errno;
}

/* Fills fd, a new file beside `path`, with path's owner and mode, and
 * syncs it. */
static int fill_file(int fd, const char *path, const void *data, size_t size)
{
	int error = keep_owner_and_mode(fd, path);
	if (!error)
		error = write_all(fd, data, size);
	if (!error && fsync(fd) != 0)
		error = errno;
	if (!error)
		drop_from_page_cache(fd);
	return error;
}

/* Gives the unnamed file fd a free name PATH.XXXXXX (in `temporary`):
 * through AT_EMPTY_PATH (root), else its /proc/self/fd link.  0 or an
 * errno value. */
static int name_unnamed(int fd, const char *path, char *temporary, size_t size)
{
	char self[64];
	struct timespec now;
	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	clock_gettime(CLOCK_MONOTONIC, &now);
	unsigned long seed = (unsigned long)now.tv_nsec ^ ((unsigned long)getpid() << 12);
	for (unsigned attempt = 0; attempt < 64; attempt++) {
		unsigned long suffix = (seed + attempt * 2654435761ul) & 0xffffff;
		if (snprintf(temporary, size, "%s.%06lx", path, suffix) >= (int)size)
			return ENAMETOOLONG;
		if (linkat(fd, "", AT_FDCWD, temporary, AT_EMPTY_PATH) == 0 ||
		    linkat(AT_FDCWD, self, AT_FDCWD, temporary, AT_SYMLINK_FOLLOW) == 0)
			return 0;
		if (errno != EEXIST)
			return errno;
	}
	return EEXIST;
}

/* The file is written unnamed (O_TMPFILE), and named only once whole,
 * just before the rename: a process killed while writing, even by
 * SIGKILL, leaves nothing.  -1 if the filesystem (or a missing /proc)
 * does not allow it: then nothing was done. */
static int write_unnamed(const char *path, const void *data, size_t size)
{
	char dir[4096], temporary[4096];
	if (directory_of(path, dir, sizeof dir) != 0)
		return -1;
	int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	int error = fill_file(fd, path, data, size);
	if (error) {
		close(fd);
		return error;
	}
	if (name_unnamed(fd, path, temporary, sizeof temporary) != 0) {
		close(fd);
		return -1;
	}
	error = close(fd) == 0 ? 0 : errno;
	if (!error && rename(temporary, path) != 0)
		error = errno;
	if (error) {
		unlink(temporary);
		return error;
	}
	return sync_directory_of(path);
}

int write_file_atomic(const char *path, const void *data, size_t size)
{
	char temporary[4096];
	int error = write_unnamed(path, data, size);

	if (error >= 0)
		return error;
	/* A named temporary file, removed on every error. */
	if (snprintf(temporary, sizeof temporary, "%s.XXXXXX", path) >=
	    (int)sizeof temporary)
		return ENAMETOOLONG;
	int fd = mkostemp(temporary, O_CLOEXEC);
	if (fd < 0)
		return errno;
	error = fill_file(fd, path, data, size);
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
