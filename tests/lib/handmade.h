/*
 * handmade.h - well-formed snapshots built by hand, byte by byte, for the
 * reader's limits: what the compiler refuses to write (a bucket of 65
 * entries, 33 aliases, answers of 5 KB, walks of 300,000 servents) and
 * the module must still answer in bounded time.
 *
 * The builder follows snapshot_format.h and nothing else: a pool that
 * starts with NSSIANA_META_FIELDS empty strings (so meta offset 0 is an
 * empty metadata record), protocols "tcp" and "udp", entries in the order
 * given, and both indexes over `bucket_count` buckets.  bucket_count 1
 * puts every entry in one bucket.
 */
#ifndef NSS_IANA_HANDMADE_H
#define NSS_IANA_HANDMADE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snapshot_format.h"

struct handmade_entry {
	const char *name;
	uint16_t port_first, port_last;
	uint8_t proto; /* 0 tcp, 1 udp */
	uint32_t alias_count;
	const char *const *aliases; /* alias_count names, or NULL: "aN" */
	size_t alias_length;        /* with aliases NULL: pad "aN" to this */
};

struct handmade_buffer {
	unsigned char *data;
	size_t size, used;
};

static inline size_t handmade_put(struct handmade_buffer *b, const void *bytes,
				  size_t size)
{
	if (size == 0)
		return b->used;
	if (b->used + size > b->size) {
		b->size = (b->used + size) * 2;
		b->data = realloc(b->data, b->size);
	}
	memcpy(b->data + b->used, bytes, size);
	b->used += size;
	return b->used - size;
}

static inline uint32_t handmade_string(struct handmade_buffer *pool,
				       const char *s)
{
	return (uint32_t)handmade_put(pool, s, strlen(s) + 1);
}

/* The refs of an index: for each bucket, the entries listed, increasing. */
struct handmade_index {
	uint32_t *buckets; /* bucket_count + 1 */
	struct handmade_buffer refs;
};

/* Lists `entry` in bucket `b` unless it is already its last ref; called
 * bucket by bucket, entry by entry, so refs come out in order. */
static inline void handmade_index_build(struct handmade_index *index,
					uint32_t bucket_count, uint32_t n,
					uint8_t *(*membership)(uint32_t entry,
							       void *ctx),
					void *ctx)
{
	uint8_t **member = calloc(n, sizeof *member);
	for (uint32_t e = 0; e < n; e++)
		member[e] = membership(e, ctx);
	index->buckets = calloc(bucket_count + 1, sizeof(uint32_t));
	memset(&index->refs, 0, sizeof index->refs);
	for (uint32_t b = 0; b < bucket_count; b++) {
		index->buckets[b] = (uint32_t)(index->refs.used / 4);
		for (uint32_t e = 0; e < n; e++)
			if (member[e][b])
				handmade_put(&index->refs, &e, 4);
	}
	index->buckets[bucket_count] = (uint32_t)(index->refs.used / 4);
	for (uint32_t e = 0; e < n; e++)
		free(member[e]);
	free(member);
}

struct handmade_ctx {
	const struct handmade_entry *entries;
	uint32_t bucket_count;
	char **alias_names; /* per entry, per alias, built once */
};

static inline const char *handmade_alias(const struct handmade_ctx *c,
					 uint32_t e, uint32_t a, char *scratch,
					 size_t scratch_size)
{
	const struct handmade_entry *entry = &c->entries[e];
	if (entry->aliases)
		return entry->aliases[a];
	int len = snprintf(scratch, scratch_size, "a%u-%u", e, a);
	while ((size_t)len < entry->alias_length && (size_t)len + 1 < scratch_size)
		scratch[len++] = 'x';
	scratch[len] = '\0';
	return scratch;
}

static inline uint8_t *handmade_names_of(uint32_t e, void *ctx)
{
	struct handmade_ctx *c = ctx;
	uint8_t *member = calloc(c->bucket_count, 1);
	char scratch[8192];
	member[nssiana_name_hash(c->entries[e].name) & (c->bucket_count - 1)] = 1;
	for (uint32_t a = 0; a < c->entries[e].alias_count; a++)
		member[nssiana_name_hash(handmade_alias(c, e, a, scratch,
							sizeof scratch)) &
		       (c->bucket_count - 1)] = 1;
	return member;
}

static inline uint8_t *handmade_ports_of(uint32_t e, void *ctx)
{
	struct handmade_ctx *c = ctx;
	uint8_t *member = calloc(c->bucket_count, 1);
	for (uint32_t p = c->entries[e].port_first; p <= c->entries[e].port_last; p++)
		member[p & (c->bucket_count - 1)] = 1;
	return member;
}

static inline void handmade_section(struct handmade_buffer *file,
				    struct nssiana_section *table, uint32_t id,
				    const void *bytes, size_t size)
{
	static const unsigned char zeros[8];
	if (file->used % 8)
		handmade_put(file, zeros, 8 - file->used % 8);
	table[id - 1] = (struct nssiana_section){ id, (uint32_t)file->used,
						  (uint32_t)size, 0 };
	if (size)
		handmade_put(file, bytes, size);
}

/* A malloc'd snapshot of `n` entries; its size in *size. */
static inline unsigned char *handmade_snapshot(const struct handmade_entry *entries,
					       uint32_t n, uint32_t bucket_count,
					       size_t *size)
{
	struct handmade_buffer pool = { 0 }, ents = { 0 }, aliases = { 0 };
	struct handmade_ctx ctx = { entries, bucket_count, NULL };
	static const char meta[NSSIANA_META_FIELDS] = { 0 };
	char scratch[8192];

	handmade_put(&pool, meta, sizeof meta);
	uint32_t protocols[2] = { handmade_string(&pool, "tcp"),
				  handmade_string(&pool, "udp") };
	for (uint32_t e = 0; e < n; e++) {
		struct nssiana_entry entry = {
			.name = handmade_string(&pool, entries[e].name),
			.alias_first = (uint32_t)(aliases.used / sizeof(struct nssiana_alias)),
			.port_first = entries[e].port_first,
			.port_last = entries[e].port_last,
			.alias_count = (uint16_t)entries[e].alias_count,
			.proto = entries[e].proto,
		};
		for (uint32_t a = 0; a < entries[e].alias_count; a++) {
			struct nssiana_alias alias = {
				handmade_string(&pool, handmade_alias(&ctx, e, a, scratch,
								      sizeof scratch)), 0 };
			handmade_put(&aliases, &alias, sizeof alias);
		}
		handmade_put(&ents, &entry, sizeof entry);
	}
	struct handmade_index names, ports;
	handmade_index_build(&names, bucket_count, n, handmade_names_of, &ctx);
	handmade_index_build(&ports, bucket_count, n, handmade_ports_of, &ctx);

	struct handmade_buffer file = { 0 };
	struct nssiana_header header = { .version_major = NSSIANA_VERSION_MAJOR,
					 .header_size = sizeof header,
					 .section_count = NSSIANA_SECTION_MAX_KNOWN };
	struct nssiana_section table[NSSIANA_SECTION_MAX_KNOWN] = { 0 };
	memcpy(header.magic, NSSIANA_MAGIC, NSSIANA_MAGIC_SIZE);
	handmade_put(&file, &header, sizeof header);
	handmade_put(&file, table, sizeof table);
	handmade_section(&file, table, NSSIANA_SECTION_STRINGS, pool.data, pool.used);
	handmade_section(&file, table, NSSIANA_SECTION_PROTOCOLS, protocols, sizeof protocols);
	handmade_section(&file, table, NSSIANA_SECTION_ENTRIES, ents.data, ents.used);
	handmade_section(&file, table, NSSIANA_SECTION_ALIASES, aliases.data, aliases.used);
	handmade_section(&file, table, NSSIANA_SECTION_NAME_BUCKETS, names.buckets,
			 (bucket_count + 1) * 4);
	handmade_section(&file, table, NSSIANA_SECTION_NAME_REFS, names.refs.data, names.refs.used);
	handmade_section(&file, table, NSSIANA_SECTION_PORT_BUCKETS, ports.buckets,
			 (bucket_count + 1) * 4);
	handmade_section(&file, table, NSSIANA_SECTION_PORT_REFS, ports.refs.data, ports.refs.used);
	memcpy(file.data + sizeof header, table, sizeof table);
	((struct nssiana_header *)file.data)->file_size = (uint32_t)file.used;
	free(pool.data);
	free(ents.data);
	free(aliases.data);
	free(names.buckets);
	free(names.refs.data);
	free(ports.buckets);
	free(ports.refs.data);
	*size = file.used;
	return file.data;
}

#endif
