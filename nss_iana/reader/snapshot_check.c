/*
 * snapshot_check.c - the O(n) check of every record, for the tool.
 *
 * The module never runs this: it would read every page of the file in
 * every process that looks up one service.  The lookups check each record
 * they read instead (snapshot.c).  The tool runs it on every file it opens
 * (tool_open_snapshot), so that show, export, diff and verify can walk all
 * records without bounds checks of their own.
 */
#include "reader/snapshot.h"

/* Branch-free accumulation: a loop over records the compiler can
 * vectorise. */
static const char *check_entries(const struct snapshot *snap)
{
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

static const char *check_aliases(const struct snapshot *snap)
{
	bool bad = false;

	for (uint32_t i = 0; i < snap->alias_count; i++)
		bad |= (snap->aliases[i].name >= snap->strings_size) |
		       (snap->aliases[i].meta >= snap->strings_size);
	return bad ? "alias string outside the string pool" : NULL;
}

const char *snapshot_check_index(const struct snapshot_index *index,
				 uint32_t entry_count)
{
	bool decreasing = false, outside = false;

	if (index->buckets[0] != 0 ||
	    index->buckets[index->bucket_mask + 1] != index->ref_count)
		return "index buckets do not cover the refs";
	for (uint32_t b = 0; b <= index->bucket_mask; b++)
		decreasing |= index->buckets[b] > index->buckets[b + 1];
	if (decreasing)
		return "index buckets decrease";
	for (uint32_t i = 0; i < index->ref_count; i++)
		outside |= index->refs[i] >= entry_count;
	return outside ? "index refers to an entry that does not exist" : NULL;
}

const char *snapshot_check_records(const struct snapshot *snap)
{
	const char *why;

	if ((why = check_aliases(snap)) || (why = check_entries(snap)) ||
	    (why = snapshot_check_index(&snap->names, snap->entry_count)))
		return why;
	return snapshot_check_index(&snap->ports, snap->entry_count);
}
