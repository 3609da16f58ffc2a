/*
 * snapshot.h - reading a snapshot: map, validate, look up, iterate.
 *
 * Shared by libnss_iana.so.2 and the nss-iana tool, so the two can never
 * disagree about what a valid file is.  Nothing here allocates, prints or
 * keeps global state.
 *
 * A process pays only for what it reads.  snapshot_parse() does constant
 * work: the header, the section table (at most NSSIANA_MAX_SECTIONS
 * records), the pool's first and last NUL, the
 * sizes of the tables and indexes (from the table) and the (at most 256)
 * protocols; it touches the first page, the protocol table and the pool's
 * two ends, nothing else.
 * Every record a lookup reads is checked where it is read: a bucket's span
 * is clamped to the refs and refused past NSSIANA_MAX_BUCKET_ENTRIES, each
 * ref is checked against the entries, an alias run against the aliases and
 * NSSIANA_MAX_ALIASES, each string offset against the pool, and an entry
 * whose port_first exceeds port_last matches no port.  The same checks also
 * keep a file changed in place under the reader from making it read
 * outside the mapping: a failed one makes the lookup SNAPSHOT_CORRUPT.
 * The tool runs snapshot_check_records() for the full O(n) check.
 */
#ifndef NSS_IANA_SNAPSHOT_H
#define NSS_IANA_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include "snapshot_format.h"

struct snapshot_index {
	const uint32_t *buckets; /* bucket_count + 1 */
	uint32_t bucket_mask;    /* bucket_count - 1 */
	const uint32_t *refs;
	uint32_t ref_count;
};

/* A section where the table places it, inside the file. */
struct section_view {
	const unsigned char *data;
	uint32_t size;
	bool present;
};

struct snapshot {
	const unsigned char *base;
	size_t size;
	const struct nssiana_header *header;
	const char *strings;
	uint32_t strings_size;
	const uint32_t *protocols;
	uint32_t protocol_count;
	const struct nssiana_entry *entries;
	uint32_t entry_count;
	const struct nssiana_alias *aliases;
	uint32_t alias_count;
	struct snapshot_index names;
	struct snapshot_index ports;
	/* Where the optional sections are, by id - NSSIANA_SECTION_MAX_KNOWN - 1,
	 * as snapshot_parse() found them in the table (inside the file and
	 * aligned; what they hold is their reader's to check), so that the
	 * protocols lookups find theirs without reading the table again.
	 * count is how often the id appears (data: its first appearance). */
	struct snapshot_optional {
		const unsigned char *data;
		uint32_t size;
		uint32_t count;
	} optional[NSSIANA_SECTION_MAX_OPTIONAL - NSSIANA_SECTION_MAX_KNOWN];
	/* The same, as views, for the tool: the first of each id. */
	struct section_view contacts;
	struct section_view preference;
};

/* The optional section `id` as snapshot_parse() found it: the first of
 * that id in the table, its contents not checked. */
static inline struct section_view snapshot_optional_view(const struct snapshot *snap,
							 uint32_t id)
{
	const struct snapshot_optional *o =
		&snap->optional[id - NSSIANA_SECTION_MAX_KNOWN - 1];
	return (struct section_view){ o->data, o->size, o->count > 0 };
}

enum snapshot_status {
	SNAPSHOT_FOUND,
	SNAPSHOT_NOT_FOUND,
	SNAPSHOT_CORRUPT, /* a bound failed: the file changed or lies */
};

/* Checks the constant-size parts of `size` bytes at `data` (see above) and
 * fills *snap.  Returns NULL on success, or a short English reason the
 * file is not a usable snapshot. */
const char *snapshot_parse(struct snapshot *snap, const void *data,
			   size_t size);

/* A string at a string offset, or NULL if the offset is outside the pool. */
const char *snapshot_string(const struct snapshot *snap, uint32_t offset);

/* The protocol name of an entry, or NULL if out of bounds. */
const char *snapshot_entry_proto(const struct snapshot *snap,
				 const struct nssiana_entry *entry);

/* Looks up a name (exact match first, then ASCII case-insensitive) and an
 * optional protocol; on SNAPSHOT_FOUND, *index is the first match in
 * registry order. */
enum snapshot_status snapshot_find_name(const struct snapshot *snap,
					const char *name, const char *proto,
					uint32_t *index);

/* Looks up a port (host byte order) and an optional protocol. */
enum snapshot_status snapshot_find_port(const struct snapshot *snap,
					uint16_t port, const char *proto,
					uint32_t *index);

/* The pieces the lookups are made of, for the protocols database
 * (reader/proto_snapshot.h), which has its own pool and indexes. */

/* How a pool string compares with a key, in increasing order: a name
 * lookup answers the first entry with an exact match anywhere in its
 * bucket, else the first with a match ignoring ASCII case.  One comparison
 * tells both, so a bucket is read once. */
enum snapshot_match {
	SNAPSHOT_MATCH_NONE,
	SNAPSHOT_MATCH_FOLDED,  /* equal ignoring ASCII case only */
	SNAPSHOT_MATCH_EXACT,
	SNAPSHOT_MATCH_CORRUPT, /* the offset is outside, or no NUL ends it */
};

/* Compares `key` with the string at `offset` of a pool of `pool_size`
 * bytes, never reading past the pool, even if the file was rewritten in
 * place since it was validated. */
enum snapshot_match snapshot_pool_match(const char *pool, uint32_t pool_size,
					uint32_t offset, const char *key);

/* The refs [*first, *end) of the bucket of `key`, clamped to the refs;
 * SNAPSHOT_CORRUPT if it lists more than NSSIANA_MAX_BUCKET_ENTRIES. */
enum snapshot_status snapshot_bucket_span(const struct snapshot_index *index,
					  uint32_t key, uint32_t *first,
					  uint32_t *end);

/* Fills *index from a BUCKETS and a REFS section, checking their sizes
 * only (see snapshot_check_index).  NULL, or a short English reason. */
const char *snapshot_index_parse(struct snapshot_index *index,
				 const void *buckets, uint32_t buckets_size,
				 const void *refs, uint32_t refs_size);

/* The O(n) check of an index: buckets covering the refs, never
 * decreasing, every ref below entry_count (snapshot_check.c). */
const char *snapshot_check_index(const struct snapshot_index *index,
				 uint32_t entry_count);

/* How often, at most, the module re-examines the snapshot's path: a file
 * replaced by rename is in use in every process within this time. */
#define SNAPSHOT_RECHECK_MS 20

/* What tells one version of a file from another: a file replaced by
 * rename has another inode, one rewritten in place another size or times. */
struct snapshot_identity {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	struct timespec ctime;
	bool known; /* false: equal to nothing */
};

void snapshot_identity_of(const struct stat *st, struct snapshot_identity *id);
bool snapshot_identity_equal(const struct snapshot_identity *a,
			     const struct snapshot_identity *b);

/* A file mapped read-only, and what identifies the version mapped. */
struct snapshot_map {
	void *addr;
	size_t size;
	struct snapshot_identity id;
};

/* Maps the regular file at `path` read-only.  Refuses, before opening it,
 * anything but a regular file of 1 to `max_size` bytes (EINVAL, EFBIG), so
 * that open() never blocks (a FIFO) and mmap() never reserves more than
 * the caller accepts.  The module passes NSSIANA_MAX_FILE_SIZE; the tool
 * maps any file offsets can address (snapshot_map_file), so that verify
 * can say what is wrong with a large one.  Returns 0 or an errno value;
 * with EINVAL or EFBIG, map->id still identifies the file refused. */
int snapshot_map_file_limited(const char *path, uint64_t max_size,
			      struct snapshot_map *map);
int snapshot_map_file(const char *path, struct snapshot_map *map);
void snapshot_unmap(struct snapshot_map *map);

/* The full check of every record that snapshot_parse() leaves to the
 * lookups: each entry's strings, protocol, port range and alias run, each
 * alias's strings, each index's buckets covering its refs and never
 * decreasing, and every ref an entry.
 * O(size of the file), for the tool (snapshot_check.c; not in the module).
 * Returns NULL, or a short English reason. */
const char *snapshot_check_records(const struct snapshot *snap);

#endif
