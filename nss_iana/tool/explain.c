/*
 * tool/explain.c - which entry the module answers a query with, and why:
 * the end of `nss-iana show` on a snapshot compiled with a preference
 * file, where FILE's lines and the registry's entries may both match.
 */
#include <stdio.h>
#include <string.h>

#include "tool/tool.h"

static void print_key(const char *name, uint16_t port, const char *proto)
{
	int width = 0;
	if (name) {
		tool_print_string(stdout, name);
		width = (int)strlen(name);
	} else {
		width = printf("%u", (unsigned)port);
	}
	putchar('/');
	tool_print_string(stdout, proto ? proto : "*");
	width += 1 + (int)strlen(proto ? proto : "*");
	printf("%*s", width < 20 ? 20 - width : 1, "");
}

/* Why entry `index` answers: where it comes from. */
static void print_reason(const struct snapshot *snap, uint32_t index,
			 const struct tool_preference *pref, bool folded)
{
	struct tool_entry_view e;
	if (!tool_entry_view(snap, index, &e)) {
		fputs("(a record is out of bounds: run nss-iana verify)\n", stdout);
		return;
	}
	tool_print_string(stdout, e.name);
	printf(" %u/", (unsigned)e.port_first);
	tool_print_string(stdout, e.proto);
	if (pref && (e.entry->flags & NSSIANA_ENTRY_PREFERRED)) {
		fputs(": ", stdout);
		tool_print_string(stdout, e.meta[NSSIANA_META_ASSIGNMENT_NOTES]);
		fputs(" of ", stdout);
		tool_print_string(stdout, pref->path);
		fputs(", whose lines answer before the registry", stdout);
	} else if (pref) {
		fputs(": the registry's first entry for it; ", stdout);
		tool_print_string(stdout, pref->path);
		fputs(" has no line for it", stdout);
	} else {
		fputs(": the registry's first entry for it", stdout);
	}
	if (folded)
		fputs(" (matched ignoring case, as RFC 6335 allows: nss_files "
		      "would not answer)", stdout);
	putchar('\n');
}

static void explain_one(const struct snapshot *snap, const char *name,
			uint16_t port, const char *proto,
			const struct tool_preference *pref)
{
	uint32_t index;
	enum snapshot_status status = name
		? snapshot_find_name(snap, name, proto, &index)
		: snapshot_find_port(snap, port, proto, &index);
	printf("  ");
	print_key(name, port, proto);
	if (status == SNAPSHOT_NOT_FOUND) {
		fputs("nothing\n", stdout);
		return;
	}
	if (status != SNAPSHOT_FOUND) {
		fputs("(a record is out of bounds: run nss-iana verify)\n", stdout);
		return;
	}
	/* An exact match anywhere wins; a folded one means there was none. */
	bool folded = false;
	if (name) {
		struct tool_entry_view e;
		folded = tool_entry_view(snap, index, &e) && strcmp(e.name, name) != 0;
		for (uint32_t i = 0; folded && i < e.alias_count; i++)
			folded = strcmp(e.aliases[i], name) != 0;
	}
	print_reason(snap, index, pref, folded);
}

void tool_explain_answers(const struct snapshot *snap, const char *name,
			  uint16_t port, const char *proto,
			  const char *const *protos, size_t proto_count)
{
	struct tool_preference pref;
	bool have_pref = tool_preference(snap, &pref) && pref.entries > 0;

	fputs("\nThe module answers", stdout);
	if (have_pref) {
		fputs(" (as nss_files would over ", stdout);
		tool_print_string(stdout, pref.path);
		fputs(" followed by the registry)", stdout);
	}
	fputs(":\n", stdout);
	if (proto) {
		explain_one(snap, name, port, proto, have_pref ? &pref : NULL);
		return;
	}
	explain_one(snap, name, port, NULL, have_pref ? &pref : NULL);
	for (size_t i = 0; i < proto_count; i++)
		explain_one(snap, name, port, protos[i], have_pref ? &pref : NULL);
}
