/*
 * tool/cmd_diff.c - `nss-iana diff OLD NEW`, and the comparison `update`
 * prints before it swaps a new snapshot in.
 *
 * Entries are keyed by (name, protocol, port range): what a services(5)
 * line says.  Both sides are sorted by key and merged, so the output is in
 * a stable order (by name) whatever order the registry rows moved to.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool/proto_output.h"
#include "tool/tool.h"

static const char diff_help[] =
	"Usage: nss-iana diff OLD NEW\n"
	"Compare the entries two registries serve.  OLD and NEW are each a\n"
	"snapshot or a registry CSV or XML (told apart by content).\n"
	"\n"
	"Entries are keyed by name, protocol and port range.  Prints one line\n"
	"per entry added, removed or changed (metadata or aliases), sorted by\n"
	"name, then \"N added, N removed, N changed\".\n"
	"\n"
	"Metadata that differ only in white space (IANA renders the same line\n"
	"breaks as spaces in some exports and as newlines in others) are not\n"
	"changes; they are counted on a line of their own.\n"
	"\n"
	"When either snapshot has a protocols database, its entries are compared\n"
	"too, keyed by name and number: \"added protocol NAME NUMBER\", ...,\n"
	"then \"protocols: N added, N removed, N changed\".\n"
	"\n"
	"      --help  display this help and exit\n"
	"\n"
	"Exit status: 0 compared (whether or not they differ), 1 an input is\n"
	"unreadable or does not compile, 2 usage.\n";

struct diff_key {
	const char *name;
	const char *proto;
	const struct nssiana_entry *entry;
	uint32_t index;
};

static int compare_keys(const void *pa, const void *pb)
{
	const struct diff_key *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);
	if (c == 0)
		c = strcmp(a->proto, b->proto);
	if (c == 0 && a->entry->port_first != b->entry->port_first)
		c = a->entry->port_first < b->entry->port_first ? -1 : 1;
	if (c == 0 && a->entry->port_last != b->entry->port_last)
		c = a->entry->port_last < b->entry->port_last ? -1 : 1;
	/* A preference file's line pairs with its like, a registry entry
	 * with the registry's. */
	unsigned fa = a->entry->flags & NSSIANA_ENTRY_PREFERRED;
	unsigned fb = b->entry->flags & NSSIANA_ENTRY_PREFERRED;
	if (c == 0 && fa != fb)
		c = fa < fb ? -1 : 1;
	if (c == 0 && a->index != b->index) /* duplicates pair in order */
		c = a->index < b->index ? -1 : 1;
	return c;
}

static int compare_key_only(const struct diff_key *a, const struct diff_key *b)
{
	struct diff_key a0 = *a, b0 = *b;
	a0.index = b0.index = 0;
	return compare_keys(&a0, &b0);
}

static struct diff_key *sorted_keys(const struct snapshot *snap,
				    const char *side, char *err, size_t err_size)
{
	struct diff_key *keys = calloc(snap->entry_count + 1, sizeof(*keys));
	if (!keys) {
		snprintf(err, err_size, "out of memory");
		return NULL;
	}
	for (uint32_t i = 0; i < snap->entry_count; i++) {
		struct tool_entry_view view; /* every string the diff reads */
		if (!tool_entry_view(snap, i, &view)) {
			snprintf(err, err_size,
				 "%s snapshot: entry %u is out of bounds", side, i);
			free(keys);
			return NULL;
		}
		keys[i] = (struct diff_key){view.name, view.proto, view.entry, i};
	}
	qsort(keys, snap->entry_count, sizeof(*keys), compare_keys);
	return keys;
}

#define WHITE_SPACE " \t\n\r\v\f"

/* Equal word for word, white space runs and the ends aside. */
static bool same_words(const char *a, const char *b)
{
	for (;;) {
		a += strspn(a, WHITE_SPACE);
		b += strspn(b, WHITE_SPACE);
		size_t la = strcspn(a, WHITE_SPACE), lb = strcspn(b, WHITE_SPACE);
		if (la != lb || memcmp(a, b, la) != 0)
			return false;
		if (la == 0)
			return true;
		a += la;
		b += lb;
	}
}

static bool same_text(const char *a, const char *b, bool exact)
{
	return exact ? strcmp(a, b) == 0 : same_words(a, b);
}

static bool same_meta(const struct snapshot *sa, uint32_t ma,
		      const struct snapshot *sb, uint32_t mb, bool exact,
		      unsigned *fields)
{
	const char *a[NSSIANA_META_FIELDS], *b[NSSIANA_META_FIELDS];
	tool_meta_record(sa, ma, a);
	tool_meta_record(sb, mb, b);
	bool same = true;
	for (int f = 0; f < NSSIANA_META_FIELDS; f++) {
		if (!same_text(a[f], b[f], exact)) {
			same = false;
			if (fields)
				*fields |= 1u << f;
		}
	}
	return same;
}

/* The alias lists differ in names, order, or any alias row's metadata. */
static bool same_aliases(const struct snapshot *sa,
			 const struct nssiana_entry *a,
			 const struct snapshot *sb,
			 const struct nssiana_entry *b, bool exact)
{
	if (a->alias_count != b->alias_count)
		return false;
	for (uint32_t i = 0; i < a->alias_count; i++) {
		const struct nssiana_alias *x = &sa->aliases[a->alias_first + i];
		const struct nssiana_alias *y = &sb->aliases[b->alias_first + i];
		if (strcmp(snapshot_string(sa, x->name),
			   snapshot_string(sb, y->name)) != 0 ||
		    !same_meta(sa, x->meta, sb, y->meta, exact, NULL))
			return false;
	}
	return true;
}

static void print_key(FILE *out, const char *verb, const struct diff_key *k)
{
	char ports[16];
	tool_format_ports(ports, sizeof(ports), k->entry->port_first,
			  k->entry->port_last);
	fprintf(out, "%-8s %s %s/%s", verb, k->name, ports, k->proto);
	if (k->entry->flags & NSSIANA_ENTRY_PREFERRED)
		fputs(" (preference file)", out);
}

/* Bits 0..8 are metadata fields; this one is the alias list. */
#define ALIASES_CHANGED (1u << NSSIANA_META_FIELDS)

static void print_changed(FILE *out, const struct diff_key *k, unsigned fields)
{
	print_key(out, "changed", k);
	const char *separator = ": ";
	for (int f = 0; f <= NSSIANA_META_FIELDS; f++) {
		if (!(fields & (1u << f)))
			continue;
		fprintf(out, "%s%s", separator,
			f == NSSIANA_META_FIELDS ? "aliases" : tool_meta_keys[f]);
		separator = ", ";
	}
	putc('\n', out);
}

/* The fields that differ (bits as in print_changed), 0 if none. */
static unsigned differing_fields(const struct snapshot *sa,
				 const struct nssiana_entry *a,
				 const struct snapshot *sb,
				 const struct nssiana_entry *b, bool exact)
{
	unsigned fields = 0;
	same_meta(sa, a->meta, sb, b->meta, exact, &fields);
	/* A preference file's line keeps its answer when lines above it
	 * come or go: its line number (the notes) is not a change. */
	if (a->flags & b->flags & NSSIANA_ENTRY_PREFERRED)
		fields &= ~(1u << NSSIANA_META_ASSIGNMENT_NOTES);
	if (!same_aliases(sa, a, sb, b, exact))
		fields |= ALIASES_CHANGED;
	return fields;
}

struct diff_side {
	const struct snapshot *snap;
	const struct diff_key *keys;
	size_t count;
};

static void compare_pair(const struct diff_side *old_side, size_t i,
			 const struct diff_side *new_side, size_t j, bool exact,
			 FILE *out, struct tool_diff_counts *counts)
{
	const struct nssiana_entry *a = old_side->keys[i].entry;
	const struct nssiana_entry *b = new_side->keys[j].entry;
	unsigned fields = differing_fields(old_side->snap, a, new_side->snap, b,
					   exact);
	if (fields) {
		print_changed(out, &new_side->keys[j], fields);
		counts->changed++;
	} else if (!exact && differing_fields(old_side->snap, a, new_side->snap,
					      b, true)) {
		counts->reformatted++;
	}
}

static void merge(const struct diff_side *old_side,
		  const struct diff_side *new_side, bool exact, FILE *out,
		  struct tool_diff_counts *counts)
{
	const struct diff_key *a = old_side->keys, *b = new_side->keys;
	size_t na = old_side->count, nb = new_side->count;
	size_t i = 0, j = 0;
	while (i < na || j < nb) {
		int c = i == na ? 1 : j == nb ? -1 : compare_key_only(&a[i], &b[j]);
		if (c < 0) {
			print_key(out, "removed", &a[i++]);
			putc('\n', out);
			counts->removed++;
		} else if (c > 0) {
			print_key(out, "added", &b[j++]);
			putc('\n', out);
			counts->added++;
		} else {
			compare_pair(old_side, i++, new_side, j++, exact, out,
				     counts);
		}
	}
}

int tool_diff(const struct snapshot *old_snap, const struct snapshot *new_snap,
	      bool exact, FILE *out, struct tool_diff_counts *counts,
	      char *err, size_t err_size)
{
	*counts = (struct tool_diff_counts){0, 0, 0, 0};
	struct diff_key *a = sorted_keys(old_snap, "old", err, err_size);
	if (!a)
		return -1;
	struct diff_key *b = sorted_keys(new_snap, "new", err, err_size);
	if (!b) {
		free(a);
		return -1;
	}
	struct diff_side old_side = {old_snap, a, old_snap->entry_count};
	struct diff_side new_side = {new_snap, b, new_snap->entry_count};
	merge(&old_side, &new_side, exact, out, counts);
	free(a);
	free(b);
	return 0;
}

void tool_diff_print_counts(FILE *out, const struct tool_diff_counts *counts)
{
	if (counts->reformatted)
		fprintf(out, "%lu more differ only in white space (not listed)\n",
			counts->reformatted);
	fprintf(out, "%lu added, %lu removed, %lu changed\n", counts->added,
		counts->removed, counts->changed);
}

static int diff_files(const char *old_path, const char *new_path)
{
	char err[512];
	struct tool_snapshot old_ts, new_ts;
	if (tool_open_any(&old_ts, old_path, err, sizeof(err)) != 0) {
		tool_error("%s", err);
		return TOOL_EXIT_FAILURE;
	}
	if (tool_open_any(&new_ts, new_path, err, sizeof(err)) != 0) {
		tool_error("%s", err);
		tool_snapshot_close(&old_ts);
		return TOOL_EXIT_FAILURE;
	}
	struct tool_diff_counts counts;
	int status = TOOL_EXIT_OK;
	if (tool_diff(&old_ts.snap, &new_ts.snap, false, stdout, &counts, err,
		      sizeof(err)) != 0) {
		tool_error("%s", err);
		status = TOOL_EXIT_FAILURE;
	} else {
		tool_diff_print_counts(stdout, &counts);
		int compared = tool_diff_protocols(&old_ts.snap, &new_ts.snap, stdout, &counts);
		if (compared > 0)
			tool_diff_protocols_print_counts(stdout, &counts);
		else if (compared < 0)
			status = TOOL_EXIT_FAILURE;
	}
	tool_snapshot_close(&old_ts);
	tool_snapshot_close(&new_ts);
	return status;
}

int tool_cmd_diff(int argc, char **argv)
{
	int status = tool_help_only_options("diff", diff_help, argc, argv);
	if (status >= 0)
		return status;
	if (argc - optind != 2)
		return tool_usage_error("diff", argc - optind < 2
					? "needs OLD and NEW" : "too many arguments");
	return diff_files(argv[optind], argv[optind + 1]);
}
