/*
 * snapshot.c - validate a snapshot once, then look things up in it with
 * every read bounded.  See snapshot_format.h for the layout.
 */
#include "snapshot.h"

#include <errno.h>
#include <fcntl.h>
#include <stdalign.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

struct section_view {
	const unsigned char *data;
	uint32_t size;
	bool present;
};

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
				    struct section_view *views)
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
		if (id == 0 || id > NSSIANA_SECTION_MAX_KNOWN)
			continue; /* a later minor version's section */
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

static const char *check_aliases(struct snapshot *snap,
				 const struct section_view *view)
{
	if (view->size % sizeof(struct nssiana_alias))
		return "alias table has a partial record";
	snap->aliases = (const struct nssiana_alias *)view->data;
	snap->alias_count = view->size / sizeof(struct nssiana_alias);
	for (uint32_t i = 0; i < snap->alias_count; i++)
		if (snap->aliases[i].name >= snap->strings_size ||
		    snap->aliases[i].meta >= snap->strings_size)
			return "alias string outside the string pool";
	return NULL;
}

/* The per-record checks below run in every process that maps the file, so
 * they accumulate their verdict without branching: a loop the compiler can
 * vectorise, over records that are read once anyway. */
static const char *check_entries(struct snapshot *snap,
				 const struct section_view *view)
{
	if (view->size % sizeof(struct nssiana_entry))
		return "entry table has a partial record";
	snap->entries = (const struct nssiana_entry *)view->data;
	snap->entry_count = view->size / sizeof(struct nssiana_entry);

	uint32_t strings = snap->strings_size, aliases = snap->alias_count;
	bool bad = false;
	for (uint32_t i = 0; i < snap->entry_count; i++) {
		const struct nssiana_entry *e = &snap->entries[i];
		bad |= (e->name >= strings) | (e->meta >= strings) |
		       (e->proto >= snap->protocol_count) |
		       (e->port_first > e->port_last) |
		       ((uint64_t)e->alias_first + e->alias_count > aliases);
	}
	return bad ? "an entry points outside its tables" : NULL;
}

/* Safety needs the buckets to be ranges of the refs and every ref to be an
 * entry.  That each bucket lists its entries in registry order is part of
 * the format too, but breaking it gives wrong answers, not faults, so
 * `nss-iana verify` checks it rather than every process. */
static const char *check_index(struct snapshot_index *index,
			       const struct section_view *buckets,
			       const struct section_view *refs,
			       uint32_t entry_count)
{
	if (buckets->size % sizeof(uint32_t) || refs->size % sizeof(uint32_t))
		return "index has a partial record";
	uint32_t bucket_count = buckets->size / sizeof(uint32_t) - 1;
	if (buckets->size < 2 * sizeof(uint32_t) ||
	    (bucket_count & (bucket_count - 1)) != 0)
		return "index bucket count is not a power of two";
	index->buckets = (const uint32_t *)buckets->data;
	index->bucket_mask = bucket_count - 1;
	index->refs = (const uint32_t *)refs->data;
	index->ref_count = refs->size / sizeof(uint32_t);

	if (index->buckets[0] != 0 ||
	    index->buckets[bucket_count] != index->ref_count)
		return "index buckets do not cover the refs";
	bool decreasing = false;
	for (uint32_t b = 0; b < bucket_count; b++)
		decreasing |= index->buckets[b] > index->buckets[b + 1];
	if (decreasing)
		return "index buckets decrease";
	bool outside = false;
	for (uint32_t i = 0; i < index->ref_count; i++)
		outside |= index->refs[i] >= entry_count;
	return outside ? "index refers to an entry that does not exist" : NULL;
}

const char *snapshot_parse(struct snapshot *snap, const void *data,
			   size_t size)
{
	struct section_view views[NSSIANA_SECTION_MAX_KNOWN + 1] = { 0 };
	const char *why;

	memset(snap, 0, sizeof *snap);
	if (data == NULL || size < sizeof(struct nssiana_header))
		return "file is shorter than a snapshot header";
	if (size > UINT32_MAX)
		return "file is larger than a snapshot can be";
	if ((uintptr_t)data % alignof(uint64_t))
		return "snapshot is not aligned in memory";
	if ((why = check_header(data, size)) ||
	    (why = collect_sections(data, size, views)) ||
	    (why = check_strings(snap, &views[NSSIANA_SECTION_STRINGS])) ||
	    (why = check_protocols(snap, &views[NSSIANA_SECTION_PROTOCOLS])) ||
	    (why = check_aliases(snap, &views[NSSIANA_SECTION_ALIASES])) ||
	    (why = check_entries(snap, &views[NSSIANA_SECTION_ENTRIES])) ||
	    (why = check_index(&snap->names, &views[NSSIANA_SECTION_NAME_BUCKETS],
			       &views[NSSIANA_SECTION_NAME_REFS], snap->entry_count)) ||
	    (why = check_index(&snap->ports, &views[NSSIANA_SECTION_PORT_BUCKETS],
			       &views[NSSIANA_SECTION_PORT_REFS], snap->entry_count))) {
		memset(snap, 0, sizeof *snap);
		return why;
	}
	snap->base = data;
	snap->size = size;
	snap->header = data;
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

static unsigned char ascii_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Compares `key` with the pool string at `offset` without reading past the
 * pool, even if the file was rewritten in place since it was validated. */
static enum snapshot_status pool_equals(const struct snapshot *snap,
					uint32_t offset, const char *key,
					bool fold_case)
{
	if (offset >= snap->strings_size)
		return SNAPSHOT_CORRUPT;
	const unsigned char *s = (const unsigned char *)snap->strings + offset;
	const unsigned char *k = (const unsigned char *)key;
	size_t room = snap->strings_size - offset;

	for (size_t i = 0; i < room; i++) {
		unsigned char a = s[i], b = k[i];
		if (fold_case) {
			a = ascii_lower(a);
			b = ascii_lower(b);
		}
		if (a != b)
			return SNAPSHOT_NOT_FOUND;
		if (a == '\0')
			return SNAPSHOT_FOUND;
	}
	return SNAPSHOT_CORRUPT; /* no NUL before the end of the pool */
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
	return pool_equals(snap, snap->protocols[index], proto, false);
}

static enum snapshot_status names_match(const struct snapshot *snap,
					const struct nssiana_entry *entry,
					const char *name, bool fold_case)
{
	enum snapshot_status status =
		pool_equals(snap, entry->name, name, fold_case);
	uint32_t first = entry->alias_first;
	uint32_t count = entry->alias_count;

	if (status != SNAPSHOT_NOT_FOUND)
		return status;
	if ((uint64_t)first + count > snap->alias_count)
		return SNAPSHOT_CORRUPT;
	for (uint32_t i = first; i < first + count; i++) {
		status = pool_equals(snap, snap->aliases[i].name, name,
				     fold_case);
		if (status != SNAPSHOT_NOT_FOUND)
			return status;
	}
	return SNAPSHOT_NOT_FOUND;
}

/* The refs of one bucket, clamped to the refs that exist. */
static void bucket_span(const struct snapshot_index *index, uint32_t key,
			uint32_t *first, uint32_t *end)
{
	uint32_t bucket = key & index->bucket_mask;
	uint32_t lo = index->buckets[bucket];
	uint32_t hi = index->buckets[bucket + 1];

	*end = hi < index->ref_count ? hi : index->ref_count;
	*first = lo < *end ? lo : *end;
}

static enum snapshot_status find_name_pass(const struct snapshot *snap,
					   uint32_t first, uint32_t end,
					   const char *name, const char *proto,
					   bool fold_case, uint32_t *found)
{
	for (uint32_t i = first; i < end; i++) {
		uint32_t ref = snap->names.refs[i];
		if (ref >= snap->entry_count)
			return SNAPSHOT_CORRUPT;
		const struct nssiana_entry *entry = &snap->entries[ref];
		enum snapshot_status status = proto_matches(snap, entry, proto);
		if (status == SNAPSHOT_FOUND)
			status = names_match(snap, entry, name, fold_case);
		if (status == SNAPSHOT_FOUND)
			*found = ref;
		if (status != SNAPSHOT_NOT_FOUND)
			return status;
	}
	return SNAPSHOT_NOT_FOUND;
}

enum snapshot_status snapshot_find_name(const struct snapshot *snap,
					const char *name, const char *proto,
					uint32_t *index)
{
	uint32_t first, end;
	enum snapshot_status status;

	if (snap->entries == NULL || name == NULL)
		return snap->entries ? SNAPSHOT_NOT_FOUND : SNAPSHOT_CORRUPT;
	bucket_span(&snap->names, nssiana_name_hash(name), &first, &end);
	/* Exact match anywhere wins over a case-insensitive one earlier. */
	status = find_name_pass(snap, first, end, name, proto, false, index);
	if (status == SNAPSHOT_NOT_FOUND)
		status = find_name_pass(snap, first, end, name, proto, true, index);
	return status;
}

enum snapshot_status snapshot_find_port(const struct snapshot *snap,
					uint16_t port, const char *proto,
					uint32_t *index)
{
	uint32_t first, end;

	if (snap->entries == NULL)
		return SNAPSHOT_CORRUPT;
	bucket_span(&snap->ports, port, &first, &end);
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

static void remember_identity(struct snapshot_map *map, const struct stat *st)
{
	map->dev = st->st_dev;
	map->ino = st->st_ino;
	map->file_size = st->st_size;
	map->mtime = st->st_mtim;
	map->ctime = st->st_ctim;
}

int snapshot_map_file(const char *path, struct snapshot_map *map)
{
	struct stat st;
	int fd, error = 0;

	memset(map, 0, sizeof *map);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) != 0)
		error = errno;
	else if (!S_ISREG(st.st_mode) || st.st_size == 0)
		error = EINVAL;
	else if ((uint64_t)st.st_size > UINT32_MAX)
		error = EFBIG;
	if (error == 0) {
		void *addr = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (addr == MAP_FAILED) {
			error = errno; /* no identity: a passing ENOMEM is retried */
		} else {
			remember_identity(map, &st);
			map->addr = addr;
			map->size = st.st_size;
		}
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

static bool same_time(struct timespec a, struct timespec b)
{
	return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

bool snapshot_map_is_stale(const struct snapshot_map *map, const char *path)
{
	struct stat st;

	if (stat(path, &st) != 0)
		return true;
	return st.st_dev != map->dev || st.st_ino != map->ino ||
	       st.st_size != map->file_size ||
	       !same_time(st.st_mtim, map->mtime) ||
	       !same_time(st.st_ctim, map->ctime);
}
