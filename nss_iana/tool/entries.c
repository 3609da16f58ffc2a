/*
 * tool/entries.c - a snapshot's entries as the commands read and print
 * them: metadata records and their labels, the checked entry view, port
 * ranges, the registry date.
 */
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "tool/tool.h"

const char *const tool_meta_keys[NSSIANA_META_FIELDS] = {
	"description", "assignee", "contact", "registration_date",
	"modification_date", "reference", "service_code",
	"unauthorized_use", "notes",
};

const char *const tool_meta_labels[NSSIANA_META_FIELDS] = {
	"Description", "Assignee", "Contact", "Registered", "Modified",
	"Reference", "Service code", "Unauthorized use", "Notes",
};

bool tool_meta_record(const struct snapshot *snap, uint32_t offset,
		      const char *fields[NSSIANA_META_FIELDS])
{
	uint32_t at = offset;
	for (int i = 0; i < NSSIANA_META_FIELDS; i++) {
		if (at >= snap->strings_size)
			return false;
		const char *start = snap->strings + at;
		/* memchr, not strlen: the pool's last byte is NUL only if
		 * the file says the truth. */
		const char *nul = memchr(start, '\0', snap->strings_size - at);
		if (!nul)
			return false;
		fields[i] = start;
		at += (uint32_t)(nul - start) + 1;
	}
	return true;
}

bool tool_entry_view(const struct snapshot *snap, uint32_t index,
		     struct tool_entry_view *view)
{
	if (index >= snap->entry_count)
		return false;
	const struct nssiana_entry *e = &snap->entries[index];
	*view = (struct tool_entry_view){
		.entry = e,
		.name = snapshot_string(snap, e->name),
		.proto = snapshot_entry_proto(snap, e),
		.port_first = e->port_first,
		.port_last = e->port_last,
		.alias_count = e->alias_count,
	};
	if (!text_is_services_token(view->name) || !text_is_services_token(view->proto) ||
	    e->port_first > e->port_last || e->alias_count > NSSIANA_MAX_ALIASES ||
	    (uint64_t)e->alias_first + e->alias_count > snap->alias_count ||
	    !tool_meta_record(snap, e->meta, view->meta))
		return false;
	for (uint32_t i = 0; i < e->alias_count; i++) {
		const struct nssiana_alias *alias = &snap->aliases[e->alias_first + i];
		view->aliases[i] = snapshot_string(snap, alias->name);
		if (!text_is_services_token(view->aliases[i]) ||
		    !tool_meta_record(snap, alias->meta, view->alias_meta[i]))
			return false;
	}
	return true;
}

void tool_format_ports(char *out, size_t size, uint16_t first, uint16_t last)
{
	if (first == last)
		snprintf(out, size, "%u", (unsigned)first);
	else
		snprintf(out, size, "%u-%u", (unsigned)first, (unsigned)last);
}

const char *tool_registry_date(const struct snapshot *snap)
{
	const char *date = snapshot_string(snap, snap->header->registry_date);
	return date ? date : "";
}

const char *tool_registry_updated(const struct snapshot *snap)
{
	const char *date = snapshot_string(snap, snap->header->registry_updated);
	return date ? date : "";
}
