/*
 * tool/cmd_export.c - `nss-iana export [--db FILE] --format services|protocols
 *   [-o FILE]`.
 *
 * Writes the snapshot as a services(5) file for programs that read
 * /etc/services themselves (Go's net package, musl) and for the
 * differential test against nss_files: nss_files reading this file must
 * answer exactly what the module answers, so the lines keep the snapshot's
 * order (nss_files' first match is then the module's first match) and
 * every port of a range gets its own line.
 *
 * Readers that keep the LAST line of a name (Go's pure resolver fills a
 * map line by line) would answer a name listed twice with its second
 * port.  With --last-match, a last section lists once more, with the
 * port the module answers, each name (ASCII lower-cased, as Go looks
 * names up) whose last line above says otherwise: first-match readers
 * never reach those lines for a lookup (the same name answers earlier,
 * on the same port), last-match readers read them last.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tool/proto_output.h"
#include "tool/tool.h"

static const char export_help[] =
	"Usage: nss-iana export [--db FILE] [--format services|protocols]\n"
	"                       [--last-match] [-o FILE]\n"
	"Write the snapshot as a services(5) file: one line per port and\n"
	"protocol, \"name<TAB>port/proto<TAB>aliases\", in registry order, with\n"
	"port ranges expanded.  With --format protocols, its protocols database\n"
	"as a protocols(5) file: \"name<TAB>number<TAB>aliases<TAB># description\",\n"
	"the preference file's lines first, then the registry's.\n"
	"\n"
	"      --db=FILE        the snapshot to read (default: $NSS_IANA_DB,\n"
	"                       else " NSS_IANA_DEFAULT_DB ")\n"
	"      --format=FORMAT  \"services\" (the default) or \"protocols\"\n"
	"      --last-match     then, for readers that keep the last line of a\n"
	"                       name (Go), each name (lower-cased) whose last\n"
	"                       line would answer another port than the module,\n"
	"                       once more with the module's port\n"
	"  -o, --output=FILE    write FILE instead of standard output (see below)\n"
	"      --help           display this help and exit\n"
	"\n"
	"\n"
	TOOL_OUTPUT_HELP
	"Exit status: 0 ok, 1 unreadable snapshot or write error, 2 usage.\n";

static void write_entry_lines(FILE *out, const struct tool_entry_view *e)
{
	for (uint32_t port = e->port_first; port <= e->port_last; port++) {
		fprintf(out, "%s\t%u/%s", e->name, port, e->proto);
		for (uint32_t i = 0; i < e->alias_count; i++)
			fprintf(out, "%c%s", i ? ' ' : '\t', e->aliases[i]);
		putc('\n', out);
	}
}

/* Returns 0, or -1 (with a message) if an entry cannot be written. */
static int write_services(FILE *out, const struct snapshot *snap,
			  const char *db)
{
	const char *updated = tool_registry_updated(snap);
	const char *newest = tool_registry_date(snap);
	/* The path and the dates are escaped: a newline in any would start
	 * a services(5) line of its own.  The registry's own date where the
	 * input carried it (XML), else the newest record's, named as such. */
	fputs("# services(5) from the IANA Service Name and Port Number "
	      "registry", out);
	if (*updated) {
		fputs(" of ", out);
		tool_print_line_text(out, updated);
	} else if (*newest) {
		fputs(", newest record dated ", out);
		tool_print_line_text(out, newest);
	}
	fputs(".\n# Written by nss-iana export from ", out);
	tool_print_line_text(out, db);
	fputs("; ranges expanded, in the snapshot's order.\n", out);
	for (uint32_t i = 0; i < snap->entry_count; i++) {
		struct tool_entry_view view;
		if (!tool_entry_view(snap, i, &view)) {
			tool_error("%s: entry %u cannot be written as a "
				   "services(5) line (corrupt snapshot?)", db, i);
			return -1;
		}
		write_entry_lines(out, &view);
	}
	return 0;
}

/* ---- the section for readers that bypass NSS ---- */

/* A name on a line, as such a reader sees it. */
struct mention {
	const char *key; /* in the snapshot's pool */
	uint32_t proto;  /* index into PROTOCOLS */
	uint16_t port;
	size_t order;
};

struct mention_list {
	struct mention *items;
	size_t count, capacity;
};

static int add_mention(struct mention_list *list, const char *key,
		       uint32_t proto, uint16_t port)
{
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? list->capacity * 2 : 4096;
		struct mention *items = realloc(list->items, capacity * sizeof(*items));
		if (!items)
			return -1;
		list->items = items;
		list->capacity = capacity;
	}
	list->items[list->count] = (struct mention){ key, proto, port, list->count };
	list->count++;
	return 0;
}

static int by_key_proto_order(const void *a, const void *b)
{
	const struct mention *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	return (x->order > y->order) - (x->order < y->order);
}

/* Every name of every line written, in file order, then sorted: each
 * (name, protocol) group starts with what a first-match reader answers
 * and ends with what a last-match reader answers. */
static int list_mentions(const struct snapshot *snap, struct mention_list *list)
{
	for (uint32_t i = 0; i < snap->entry_count; i++) {
		struct tool_entry_view e;
		if (!tool_entry_view(snap, i, &e))
			return -1;
		for (uint32_t port = e.port_first; port <= e.port_last; port++) {
			if (add_mention(list, e.name, e.entry->proto, (uint16_t)port))
				return -1;
			for (uint32_t a = 0; a < e.alias_count; a++)
				if (add_mention(list, e.aliases[a], e.entry->proto, (uint16_t)port))
					return -1;
		}
	}
	if (list->count)
		qsort(list->items, list->count, sizeof(*list->items), by_key_proto_order);
	return 0;
}

/* The group of (key, proto): [*first, *end), empty if none. */
static void find_group(const struct mention_list *list, const char *key,
		       uint32_t proto, size_t *first, size_t *end)
{
	size_t low = 0, high = list->count;
	while (low < high) {
		size_t middle = low + (high - low) / 2;
		const struct mention *m = &list->items[middle];
		int c = strcmp(m->key, key);
		if (c < 0 || (c == 0 && m->proto < proto))
			low = middle + 1;
		else
			high = middle;
	}
	*first = *end = low;
	while (*end < list->count && list->items[*end].proto == proto &&
	       strcmp(list->items[*end].key, key) == 0)
		(*end)++;
}

/* Go looks up at most 32 bytes of a name, lower-cased, and never port 0. */
#define BYPASS_MAX_NAME 32

struct extra_line {
	char key[BYPASS_MAX_NAME + 1];
	uint32_t proto;
	uint16_t port;
};

static int by_extra_line(const void *a, const void *b)
{
	const struct extra_line *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	return (x->proto > y->proto) - (x->proto < y->proto);
}

/* The module's port for (key, proto): 0 if none (port 0 no reader finds). */
static uint16_t module_port(const struct snapshot *snap, const char *key,
			    const char *proto)
{
	uint32_t index;
	if (snapshot_find_name(snap, key, proto, &index) != SNAPSHOT_FOUND)
		return 0;
	return snap->entries[index].port_first;
}

/* What the section needs for `key` (as written) and protocol p: a first-
 * match reader (musl, exact names) finds nothing where the module answers
 * ignoring case; a last-match reader (Go, lower-cased names) finds
 * another port or nothing. */
static int need_lines(const struct snapshot *snap, const struct mention_list *list,
		      const char *key, uint32_t p, struct extra_line *out)
{
	const char *proto = snapshot_string(snap, snap->protocols[p]);
	int count = 0;
	size_t first, end;
	if (!proto || strlen(key) > BYPASS_MAX_NAME)
		return 0;
	uint16_t want = module_port(snap, key, proto);
	find_group(list, key, p, &first, &end);
	if (want && first == end) {
		snprintf(out[count].key, sizeof(out[count].key), "%s", key);
		out[count].proto = p;
		out[count++].port = want;
	}
	struct extra_line lower = { .proto = p };
	for (size_t i = 0; key[i]; i++)
		lower.key[i] = (char)text_ascii_fold((unsigned char)key[i]);
	want = module_port(snap, lower.key, proto);
	find_group(list, lower.key, p, &first, &end);
	if (want && (first == end || list->items[end - 1].port != want)) {
		lower.port = want;
		out[count++] = lower;
	}
	return count;
}

static int write_bypass_section(FILE *out, const struct snapshot *snap,
				const struct mention_list *list)
{
	struct extra_line *lines = NULL, found[2];
	size_t count = 0, capacity = 0;
	for (size_t i = 0; i < list->count; i++) {
		if (i > 0 && strcmp(list->items[i - 1].key, list->items[i].key) == 0)
			continue; /* each name once */
		for (uint32_t p = 0; p < snap->protocol_count; p++) {
			int n = need_lines(snap, list, list->items[i].key, p, found);
			if (count + 2 > capacity) {
				capacity = capacity ? capacity * 2 : 256;
				struct extra_line *more = realloc(lines, capacity * sizeof(*lines));
				if (!more) {
					free(lines);
					return -1;
				}
				lines = more;
			}
			for (int k = 0; k < n; k++)
				lines[count++] = found[k];
		}
	}
	if (count)
		qsort(lines, count, sizeof(*lines), by_extra_line);
	if (count)
		fputs("# For programs that read this file themselves: each name, as written\n"
		      "# and lower-cased, where a reader of the first (musl) or the last\n"
		      "# (Go) line of a name would miss the port the module answers.\n", out);
	for (size_t i = 0; i < count; i++)
		if (i == 0 || by_extra_line(&lines[i - 1], &lines[i]))
			fprintf(out, "%s\t%u/%s\n", lines[i].key, (unsigned)lines[i].port,
				snapshot_string(snap, snap->protocols[lines[i].proto]));
	free(lines);
	return 0;
}

int tool_export_services(const struct snapshot *snap, const char *source,
			 bool last_match, char **text, size_t *size)
{
	struct mention_list mentions = { 0 };
	*text = NULL;
	FILE *out = open_memstream(text, size);
	if (!out) {
		tool_error("out of memory");
		return -1;
	}
	int rc = write_services(out, snap, source);
	if (rc == 0 && last_match) {
		rc = list_mentions(snap, &mentions);
		if (rc == 0)
			rc = write_bypass_section(out, snap, &mentions);
		if (rc != 0)
			tool_error("out of memory, or a corrupt snapshot");
	}
	free(mentions.items);
	if (fclose(out) != 0) {
		tool_error("out of memory");
		rc = -1;
	}
	if (rc != 0) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

static int export_protocols(const struct snapshot *snap, const char *db,
			    char **text, size_t *size)
{
	*text = NULL;
	FILE *out = open_memstream(text, size);
	if (!out) {
		tool_error("out of memory");
		return -1;
	}
	int rc = tool_export_protocols(out, snap, db);
	if (fclose(out) != 0) {
		tool_error("out of memory");
		rc = -1;
	}
	if (rc != 0) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

static int export(const char *db, const char *output, bool protocols,
		  bool last_match)
{
	char err[512];
	struct tool_output target;
	if (tool_output_resolve(output ? output : "-", true, &target, err,
				sizeof(err)) != 0 ||
	    tool_output_refuse_same(&target, "-o", db, "the snapshot", err,
				    sizeof(err)) != 0) {
		tool_error("export: %s", err);
		return TOOL_EXIT_FAILURE;
	}
	struct tool_snapshot ts;
	if (tool_open_snapshot(&ts, db, err, sizeof(err)) != 0) {
		tool_error("%s", err);
		return TOOL_EXIT_FAILURE;
	}
	char *text;
	size_t size;
	int status = TOOL_EXIT_FAILURE;
	if ((protocols ? export_protocols(&ts.snap, db, &text, &size)
		       : tool_export_services(&ts.snap, db, last_match, &text,
					      &size)) == 0) {
		if (tool_output_write(&target, text, size, err, sizeof(err)) == 0)
			status = TOOL_EXIT_OK;
		else
			tool_error("%s", err);
		free(text);
	}
	tool_snapshot_close(&ts);
	return status;
}

int tool_cmd_export(int argc, char **argv)
{
	static const struct option options[] = {
		{"db", required_argument, NULL, 'd'},
		{"format", required_argument, NULL, 'f'},
		{"output", required_argument, NULL, 'o'},
		{"last-match", no_argument, NULL, 'l'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *output = NULL;
	bool last_match = false;
	bool protocols = false;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":o:", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "services") != 0 &&
			    strcmp(optarg, "protocols") != 0)
				return tool_usage_error("export",
							"unknown format '%s' (known: services, protocols)",
							optarg);
			protocols = strcmp(optarg, "protocols") == 0;
			break;
		case 'o':
			output = optarg;
			break;
		case 'l':
			last_match = true;
			break;
		case 'h':
			fputs(export_help, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_bad_option("export", c, argv);
		}
	}
	if (optind != argc)
		return tool_usage_error("export", "unexpected argument '%s'",
					argv[optind]);
	if (protocols && last_match)
		return tool_usage_error("export", "--last-match is for the services format");
	return export(tool_db_path(db), output, protocols, last_match);
}
