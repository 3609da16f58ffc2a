/*
 * snapshot.h - reading a snapshot: map, validate, look up, iterate.
 *
 * Shared by libnss_iana.so.2 and the nss-iana tool, so the two can never
 * disagree about what a valid file is.  Nothing here allocates, prints or
 * keeps global state.
 *
 * The bytes are treated as hostile twice: snapshot_parse() validates every
 * count and offset the lookups use once, and the accessors still bounds-
 * check what they read, because a mapped file can change under the reader
 * (an admin editing it in place).  A check that fails at lookup time makes
 * the lookup report SNAPSHOT_CORRUPT, never read outside the mapping.
 */
#ifndef NSS_IANA_SNAPSHOT_H
#define NSS_IANA_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "snapshot_format.h"

struct snapshot_index {
	const uint32_t *buckets; /* bucket_count + 1 */
	uint32_t bucket_mask;    /* bucket_count - 1 */
	const uint32_t *refs;
	uint32_t ref_count;
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
};

enum snapshot_status {
	SNAPSHOT_FOUND,
	SNAPSHOT_NOT_FOUND,
	SNAPSHOT_CORRUPT, /* a bound failed: the file changed or lies */
};

/* Validates `size` bytes at `data` and fills *snap.  Returns NULL on
 * success, or a short English reason the file is not a usable snapshot. */
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

/* How often, at most, the module re-examines the snapshot's path: a file
 * replaced by rename is in use in every process within this time. */
#define SNAPSHOT_RECHECK_MS 20

/* A file mapped read-only, and what identifies the version mapped. */
struct snapshot_map {
	void *addr;
	size_t size;
	dev_t dev;
	ino_t ino;
	off_t file_size;
	struct timespec mtime;
	struct timespec ctime;
};

/* Opens (O_CLOEXEC), maps and closes `path`.  Returns 0, or an errno value
 * (EINVAL for an empty file or one too large to be a snapshot). */
int snapshot_map_file(const char *path, struct snapshot_map *map);
void snapshot_unmap(struct snapshot_map *map);

/* True if the file now at `path` is not the one mapped (or is gone). */
bool snapshot_map_is_stale(const struct snapshot_map *map, const char *path);

#endif
