/*
 * tool/sections.c - the optional sections of format 1.1 as the tool reads
 * them: IANA's contact table and the preference file's record.
 *
 * snapshot_parse has already checked that every section of the table,
 * known or not, lies inside the file and is aligned, and recorded the
 * first of each optional one (struct snapshot); what is left to check here
 * is each section's size and, on use, each string offset.
 */
#include <string.h>

#include "tool/tool.h"

/* The records of an optional section, or NULL if the file has none (a
 * 1.0 file) or it is not a whole number of records. */
static const void *optional_section(const struct section_view *section,
				    size_t record_size, uint32_t *count)
{
	if (!section->present || section->size % record_size)
		return NULL;
	*count = section->size / (uint32_t)record_size;
	return section->data;
}

uint32_t tool_contact_count(const struct snapshot *snap)
{
	uint32_t count = 0;
	if (!optional_section(&snap->contacts, sizeof(struct nssiana_contact),
			      &count))
		return 0;
	return count;
}

bool tool_has_contacts(const struct snapshot *snap)
{
	return tool_contact_count(snap) > 0;
}

/* The contact's strings, or false if one is out of bounds. */
static bool contact_strings(const struct snapshot *snap,
			    const struct nssiana_contact *c,
			    struct tool_contact *out)
{
	out->id = snapshot_string(snap, c->id);
	out->name = snapshot_string(snap, c->name);
	out->org = snapshot_string(snap, c->org);
	out->uri = snapshot_string(snap, c->uri);
	out->updated = snapshot_string(snap, c->updated);
	return out->id && out->name && out->org && out->uri && out->updated;
}

int tool_find_contact(const struct snapshot *snap, const char *id,
		      size_t id_length, struct tool_contact *out)
{
	uint32_t count = 0;
	const struct nssiana_contact *contacts = optional_section(
		&snap->contacts, sizeof(*contacts), &count);
	uint32_t low = 0, high = contacts ? count : 0;
	while (low < high) {
		uint32_t middle = low + (high - low) / 2;
		struct tool_contact here;
		if (!contact_strings(snap, &contacts[middle], &here))
			return -1;
		/* strcmp order on the id's bytes, the first id_length only. */
		int order = strncmp(here.id, id, id_length);
		if (order == 0 && here.id[id_length] != '\0')
			order = 1;
		if (order == 0) {
			*out = here;
			return 1;
		}
		if (order < 0)
			low = middle + 1;
		else
			high = middle;
	}
	return 0;
}

bool tool_preference(const struct snapshot *snap, struct tool_preference *out)
{
	uint32_t count = 0;
	const struct nssiana_preference *pref = optional_section(
		&snap->preference, sizeof(*pref), &count);
	if (!pref || count != 1)
		return false;
	out->path = snapshot_string(snap, pref->path);
	out->crc32 = pref->crc32;
	out->lines = pref->lines;
	out->entries = tool_preferred_entries(snap);
	return out->path != NULL;
}

uint32_t tool_preferred_entries(const struct snapshot *snap)
{
	uint32_t count = 0;
	while (count < snap->entry_count &&
	       (snap->entries[count].flags & NSSIANA_ENTRY_PREFERRED))
		count++;
	return count;
}

const char *tool_next_bracketed(const char *text, const char **id,
				size_t *id_length)
{
	if (text[0] != '[')
		return NULL;
	const char *close = strchr(text + 1, ']');
	if (!close || close == text + 1)
		return NULL;
	*id = text + 1;
	*id_length = (size_t)(close - text - 1);
	return close + 1;
}
