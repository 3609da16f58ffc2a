/*
 * snapshot.c - validate a snapshot once, then look things up in it with
 * every read bounded.  See snapshot_format.h for the layout.
 */
#include "reader/snapshot.h"
#include "text.h"

#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

_Static_assert(NSSIANA_MAX_SECTIONS == 64,
	       "the reason check_header gives names the limit");

/* ---- validation --------------------------------------------------------- */

static const char *check_header(const struct nssiana_header *header,
				size_t size)
{
	if (memcmp(header->magic, NSSIANA_MAGIC, NSSIANA_MAGIC_SIZE) != 0)
		return "not a snapshot (bad magic)";
	if (header->version_major != NSSIANA_VERSION_MAJOR)
		return "unsupported snapshot major version";
	if (header->file_size != size)
		return "file size differs from the header's (truncated or extended)";
	/* Mapping any file does constant work: the table's length is capped
	 * by the format, not by the file's size. */
	if (header->section_count > NSSIANA_MAX_SECTIONS)
		return "more sections than the format's limit of 64";
	uint32_t header_size = header->header_size;
	if (header_size < sizeof *header || header_size % NSSIANA_SECTION_ALIGN)
		return "bad header size";
	uint64_t table_end = (uint64_t)header_size +
		(uint64_t)(header->section_count) * sizeof(struct nssiana_section);
	if (table_end > size)
		return "section table runs past the end of the file";
	return NULL;
}

static const char *collect_sections(const unsigned char *base, size_t size,
				    struct section_view *views,
				    struct snapshot_optional *optional)
{
	const struct nssiana_header *header = (const void *)base;
	const struct nssiana_section *table =
		(const void *)(base + header->header_size);
	uint32_t count = header->section_count;

	for (uint32_t i = 0; i < count; i++) {
		uint32_t id = table[i].id;
		uint32_t offset = table[i].offset;
		uint32_t length = table[i].size;
		if ((uint64_t)offset + length > size)
			return "a section runs past the end of the file";
		if (offset % NSSIANA_SECTION_ALIGN)
			return "a section is not 8-byte aligned";
		if (id > NSSIANA_SECTION_MAX_KNOWN && id <= NSSIANA_SECTION_MAX_OPTIONAL) {
			struct snapshot_optional *o =
				&optional[id - NSSIANA_SECTION_MAX_KNOWN - 1];
			if (o->count++ == 0) {
				o->data = base + offset;
				o->size = length;
			}
		}
		if (id == 0 || id > NSSIANA_SECTION_MAX_KNOWN)
			continue; /* an optional or a later minor version's section */
		if (views[id].present)
			return "a section appears twice";
		views[id] = (struct section_view){ base + offset, length, true };
	}
	for (uint32_t id = 1; id <= NSSIANA_SECTION_MAX_KNOWN; id++)
		if (!views[id].present)
			return "a required section is missing";
	return NULL;
}

static const char *check_strings(struct snapshot *snap,
				 const struct section_view *view)
{
	if (view->size == 0 || view->data[0] != '\0' ||
	    view->data[view->size - 1] != '\0')
		return "string pool must start and end with NUL";
	snap->strings = (const char *)view->data;
	snap->strings_size = view->size;
	return NULL;
}

static const char *check_protocols(struct snapshot *snap,
				   const struct section_view *view)
{
	if (view->size % sizeof(uint32_t))
		return "protocol table has a partial record";
	snap->protocols = (const uint32_t *)view->data;
	snap->protocol_count = view->size / sizeof(uint32_t);
	if (snap->protocol_count > NSSIANA_MAX_PROTOCOLS)
		return "too many protocols";
	for (uint32_t i = 0; i < snap->protocol_count; i++)
		if (snap->protocols[i] >= snap->strings_size)
			return "protocol name outside the string pool";
	return NULL;
}

static const char *check_table(const struct section_view *view,
			       size_t record_size, const void **records,
			       uint32_t *count)
{
	if (view->size % record_size)
		return "a table has a partial record";
	*records = view->data;
	*count = view->size / record_size;
	return NULL;
}

/* Only the sizes, from the section table: the buckets and refs themselves
 * are read, and checked, where a lookup reads them (bucket_span, the find
 * loops), and in full by snapshot_check_records(). */
static const char *check_index(struct snapshot_index *index,
			       const struct section_view *buckets,
			       const struct section_view *refs)
{
	return snapshot_index_parse(index, buckets->data, buckets->size,
				    refs->data, refs->size);
}

const char *snapshot_index_parse(struct snapshot_index *index,
				 const void *buckets, uint32_t buckets_size,
				 const void *refs, uint32_t refs_size)
{
	if (buckets_size % sizeof(uint32_t) || refs_size % sizeof(uint32_t))
		return "index has a partial record";
	uint32_t bucket_count = buckets_size / sizeof(uint32_t) - 1;
	if (buckets_size < 2 * sizeof(uint32_t) ||
	    (bucket_count & (bucket_count - 1)) != 0)
		return "index bucket count is not a power of two";
	index->buckets = buckets;
	index->bucket_mask = bucket_count - 1;
	index->refs = refs;
	index->ref_count = refs_size / sizeof(uint32_t);
	/* That the first bucket starts at 0 and the last ends at ref_count
	 * is snapshot_check_records()'s to check: bucket_span() clamps every
	 * span to the refs anyway, and reading the two ends here would fault
	 * in two pages per index that a lookup mostly never reads. */
	return NULL;
}

const char *snapshot_parse(struct snapshot *snap, const void *data,
			   size_t size)
{
	struct section_view views[NSSIANA_SECTION_MAX_OPTIONAL + 1] = { 0 };
	const char *why;

	memset(snap, 0, sizeof *snap);
	if (data == NULL || size < sizeof(struct nssiana_header))
		return "file is shorter than a snapshot header";
	/* NSSIANA_MAX_FILE_SIZE is enforced before mapping (snapshot_map_file)
	 * and by the compiler and verify; here only what offsets can reach. */
	if (size > UINT32_MAX)
		return "file is larger than a snapshot can be";
	if ((uintptr_t)data % alignof(uint64_t))
		return "snapshot is not aligned in memory";
	if ((why = check_header(data, size)) ||
	    (why = collect_sections(data, size, views, snap->optional)) ||
	    (why = check_strings(snap, &views[NSSIANA_SECTION_STRINGS])) ||
	    (why = check_protocols(snap, &views[NSSIANA_SECTION_PROTOCOLS])) ||
	    (why = check_table(&views[NSSIANA_SECTION_ALIASES],
			       sizeof(struct nssiana_alias),
			       (const void **)&snap->aliases, &snap->alias_count)) ||
	    (why = check_table(&views[NSSIANA_SECTION_ENTRIES],
			       sizeof(struct nssiana_entry),
			       (const void **)&snap->entries, &snap->entry_count)) ||
	    (why = check_index(&snap->names, &views[NSSIANA_SECTION_NAME_BUCKETS],
			       &views[NSSIANA_SECTION_NAME_REFS])) ||
	    (why = check_index(&snap->ports, &views[NSSIANA_SECTION_PORT_BUCKETS],
			       &views[NSSIANA_SECTION_PORT_REFS]))) {
		memset(snap, 0, sizeof *snap);
		return why;
	}
	snap->base = data;
	snap->size = size;
	snap->header = data;
	snap->contacts = snapshot_optional_view(snap, NSSIANA_SECTION_CONTACTS);
	snap->preference = snapshot_optional_view(snap, NSSIANA_SECTION_PREFERENCE);
	return NULL;
}

/* ---- bounded access ----------------------------------------------------- */

const char *snapshot_string(const struct snapshot *snap, uint32_t offset)
{
	return offset < snap->strings_size ? snap->strings + offset : NULL;
}

const char *snapshot_entry_proto(const struct snapshot *snap,
				 const struct nssiana_entry *entry)
{
	uint8_t proto = entry->proto;
	if (proto >= snap->protocol_count)
		return NULL;
	return snapshot_string(snap, snap->protocols[proto]);
}

/* Compares `key` with the pool string at `offset` without reading past the
 * pool, even if the file was rewritten in place since it was validated. */
enum snapshot_match snapshot_pool_match(const char *pool, uint32_t pool_size,
					uint32_t offset, const char *key)
{
	if (offset >= pool_size)
		return SNAPSHOT_MATCH_CORRUPT;
	const unsigned char *s = (const unsigned char *)pool + offset;
	const unsigned char *k = (const unsigned char *)key;
	size_t room = pool_size - offset;
	enum snapshot_match match = SNAPSHOT_MATCH_EXACT;

	for (size_t i = 0; i < room; i++) {
		if (s[i] == k[i]) {
			if (s[i] == '\0')
				return match;
		} else if (text_ascii_fold(s[i]) == text_ascii_fold(k[i])) {
			match = SNAPSHOT_MATCH_FOLDED; /* neither is NUL */
		} else {
			return SNAPSHOT_MATCH_NONE;
		}
	}
	return SNAPSHOT_MATCH_CORRUPT; /* no NUL before the end of the pool */
}

static enum snapshot_match pool_match(const struct snapshot *snap,
				      uint32_t offset, const char *key)
{
	return snapshot_pool_match(snap->strings, snap->strings_size, offset, key);
}

static enum snapshot_status proto_matches(const struct snapshot *snap,
					  const struct nssiana_entry *entry,
					  const char *proto)
{
	if (proto == NULL)
		return SNAPSHOT_FOUND;
	uint8_t index = entry->proto;
	if (index >= snap->protocol_count)
		return SNAPSHOT_CORRUPT;
	switch (pool_match(snap, snap->protocols[index], proto)) {
	case SNAPSHOT_MATCH_EXACT: return SNAPSHOT_FOUND;
	case SNAPSHOT_MATCH_CORRUPT: return SNAPSHOT_CORRUPT;
	default: return SNAPSHOT_NOT_FOUND; /* protocols match exactly */
	}
}

/* The best match among an entry's name and aliases. */
static enum snapshot_match names_match(const struct snapshot *snap,
				       const struct nssiana_entry *entry,
				       const char *name)
{
	enum snapshot_match best = pool_match(snap, entry->name, name);
	uint32_t first = entry->alias_first;
	uint32_t count = entry->alias_count;

	if (best >= SNAPSHOT_MATCH_EXACT)
		return best;
	if (count > NSSIANA_MAX_ALIASES ||
	    (uint64_t)first + count > snap->alias_count)
		return SNAPSHOT_MATCH_CORRUPT;
	for (uint32_t i = first; i < first + count && best < SNAPSHOT_MATCH_EXACT; i++) {
		enum snapshot_match match = pool_match(snap, snap->aliases[i].name, name);
		if (match > best)
			best = match;
	}
	return best;
}

/* The refs of one bucket, clamped to the refs that exist.  A bucket
 * listing more entries than the format allows is refused, so that one
 * lookup compares a bounded number of strings whatever the file says. */
enum snapshot_status snapshot_bucket_span(const struct snapshot_index *index,
					  uint32_t key, uint32_t *first,
					  uint32_t *end)
{
	uint32_t bucket = key & index->bucket_mask;
	uint32_t lo = index->buckets[bucket];
	uint32_t hi = index->buckets[bucket + 1];

	*end = hi < index->ref_count ? hi : index->ref_count;
	*first = lo < *end ? lo : *end;
	return *end - *first > NSSIANA_MAX_BUCKET_ENTRIES ? SNAPSHOT_CORRUPT
							  : SNAPSHOT_FOUND;
}

/* An entry found: an empty range has no port to answer with. */
static enum snapshot_status found_entry(const struct snapshot *snap,
					uint32_t ref, uint32_t *index)
{
	const struct nssiana_entry *entry = &snap->entries[ref];
	if (entry->port_first > entry->port_last)
		return SNAPSHOT_CORRUPT;
	*index = ref;
	return SNAPSHOT_FOUND;
}

enum snapshot_status snapshot_find_name(const struct snapshot *snap,
					const char *name, const char *proto,
					uint32_t *index)
{
	uint32_t first, end, folded = UINT32_MAX;

	if (snap->entries == NULL || name == NULL)
		return snap->entries ? SNAPSHOT_NOT_FOUND : SNAPSHOT_CORRUPT;
	if (snapshot_bucket_span(&snap->names, nssiana_name_hash(name), &first,
			&end) != SNAPSHOT_FOUND)
		return SNAPSHOT_CORRUPT;
	/* An exact match anywhere wins over a case-insensitive one earlier. */
	for (uint32_t i = first; i < end; i++) {
		uint32_t ref = snap->names.refs[i];
		if (ref >= snap->entry_count)
			return SNAPSHOT_CORRUPT;
		enum snapshot_status status = proto_matches(snap, &snap->entries[ref], proto);
		if (status == SNAPSHOT_CORRUPT)
			return status;
		if (status == SNAPSHOT_NOT_FOUND)
			continue;
		enum snapshot_match match = names_match(snap, &snap->entries[ref], name);
		if (match == SNAPSHOT_MATCH_CORRUPT)
			return SNAPSHOT_CORRUPT;
		if (match == SNAPSHOT_MATCH_EXACT)
			return found_entry(snap, ref, index);
		if (match == SNAPSHOT_MATCH_FOLDED && folded == UINT32_MAX)
			folded = ref;
	}
	return folded == UINT32_MAX ? SNAPSHOT_NOT_FOUND : found_entry(snap, folded, index);
}

enum snapshot_status snapshot_find_port(const struct snapshot *snap,
					uint16_t port, const char *proto,
					uint32_t *index)
{
	uint32_t first, end;

	if (snap->entries == NULL)
		return SNAPSHOT_CORRUPT;
	if (snapshot_bucket_span(&snap->ports, port, &first, &end) != SNAPSHOT_FOUND)
		return SNAPSHOT_CORRUPT;
	for (uint32_t i = first; i < end; i++) {
		uint32_t ref = snap->ports.refs[i];
		if (ref >= snap->entry_count)
			return SNAPSHOT_CORRUPT;
		const struct nssiana_entry *entry = &snap->entries[ref];
		if (port < entry->port_first || port > entry->port_last)
			continue;
		enum snapshot_status status = proto_matches(snap, entry, proto);
		if (status == SNAPSHOT_FOUND)
			*index = ref;
		if (status != SNAPSHOT_NOT_FOUND)
			return status;
	}
	return SNAPSHOT_NOT_FOUND;
}

/* ---- mapping ------------------------------------------------------------ */

void snapshot_identity_of(const struct stat *st, struct snapshot_identity *id)
{
	memset(id, 0, sizeof *id);
	id->dev = st->st_dev;
	id->ino = st->st_ino;
	id->size = st->st_size;
	id->mtime = st->st_mtim;
	id->ctime = st->st_ctim;
	id->known = true;
}

static bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

bool snapshot_identity_equal(const struct snapshot_identity *a,
			     const struct snapshot_identity *b)
{
	return a->known && b->known && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && same_time(a->mtime, b->mtime) &&
	       same_time(a->ctime, b->ctime);
}

/* What may be mapped: a regular file of 1 to max_size bytes. */
static int mappable(const struct stat *st, uint64_t max_size)
{
	if (!S_ISREG(st->st_mode) || st->st_size == 0)
		return EINVAL;
	if ((uint64_t)st->st_size > max_size)
		return EFBIG;
	return 0;
}

/* stat() first, so that a FIFO, a device or a huge file is refused before
 * open() could block on it or mmap() reserve it; O_NONBLOCK as well, for a
 * FIFO put in place between the stat() and the open(), which the fstat()
 * then refuses as not the file examined. */
static int open_regular(const char *path, uint64_t max_size, struct stat *st)
{
	struct stat before;
	int error, fd;

	if (stat(path, &before) != 0)
		return -errno;
	*st = before; /* what was refused, for the caller to remember */
	if ((error = mappable(&before, max_size)))
		return -error;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) != 0)
		error = errno;
	else if (st->st_dev != before.st_dev || st->st_ino != before.st_ino)
		error = EAGAIN; /* replaced meanwhile: the next look maps it */
	else
		error = mappable(st, max_size);
	if (error) {
		close(fd);
		return -error;
	}
	return fd;
}

int snapshot_map_file(const char *path, struct snapshot_map *map)
{
	return snapshot_map_file_limited(path, UINT32_MAX, map);
}

int snapshot_map_file_limited(const char *path, uint64_t max_size,
			      struct snapshot_map *map)
{
	struct stat st;
	int error = 0, fd;

	memset(map, 0, sizeof *map);
	fd = open_regular(path, max_size, &st);
	if (fd == -EINVAL || fd == -EFBIG)
		snapshot_identity_of(&st, &map->id);
	if (fd < 0)
		return -fd;
	void *addr = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (addr == MAP_FAILED) {
		error = errno; /* no identity: a passing ENOMEM is retried */
	} else {
		snapshot_identity_of(&st, &map->id);
		map->addr = addr;
		map->size = st.st_size;
	}
	close(fd);
	return error;
}

void snapshot_unmap(struct snapshot_map *map)
{
	if (map->addr)
		munmap(map->addr, map->size);
	map->addr = NULL;
	map->size = 0;
}
