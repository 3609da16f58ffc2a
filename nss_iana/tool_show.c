/*
 * tool_show.c - `nss-iana show [--db FILE] [--json] NAME|PORT[/PROTO]`.
 *
 * Unlike the module, which answers the first match, show lists every
 * entry that matches, so an admin sees all the registry says about a name
 * or a port.  It scans the entries: a tool run is not the hot path, and a
 * scan cannot miss an entry that an index bug would.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tool.h"

static const char show_help[] =
	"Usage: nss-iana show [--db FILE] [--json] NAME|PORT[/PROTO]\n"
	"Show every registry entry for a service name or a port, with its\n"
	"metadata.\n"
	"\n"
	"A NAME matches entry names and aliases, exactly or ignoring ASCII\n"
	"case.  A PORT matches every entry whose port or range covers it.\n"
	"/PROTO keeps only entries of that protocol (tcp, udp, sctp, dccp).\n"
	"\n"
	"      --db=FILE  the snapshot to read (default: $NSS_IANA_DB, else\n"
	"                 " NSS_IANA_DEFAULT_DB ")\n"
	"      --json     print a JSON array of entries instead of a table\n"
	"      --help     display this help and exit\n"
	"\n"
	"Exit status: 0 found, 1 no match or unreadable snapshot, 2 usage.\n";

struct show_query {
	bool by_port;
	uint16_t port;
	const char *name;
	const char *proto; /* NULL: any */
};

struct show_match_list {
	uint32_t *indexes;
	size_t count;
};

static bool proto_matches(const struct snapshot *snap,
			  const struct nssiana_entry *entry, const char *proto)
{
	if (!proto)
		return true;
	const char *entry_proto = snapshot_entry_proto(snap, entry);
	return entry_proto && text_ascii_equal_fold(entry_proto, proto);
}

static bool name_matches(const struct snapshot *snap,
			 const struct nssiana_entry *entry, const char *name)
{
	const char *own = snapshot_string(snap, entry->name);
	if (own && text_ascii_equal_fold(own, name))
		return true;
	for (uint32_t i = 0; i < entry->alias_count; i++) {
		uint64_t at = (uint64_t)entry->alias_first + i;
		if (at >= snap->alias_count)
			return false;
		const char *alias = snapshot_string(snap, snap->aliases[at].name);
		if (alias && text_ascii_equal_fold(alias, name))
			return true;
	}
	return false;
}

static bool entry_matches(const struct snapshot *snap,
			  const struct nssiana_entry *entry,
			  const struct show_query *query)
{
	if (!proto_matches(snap, entry, query->proto))
		return false;
	if (query->by_port)
		return entry->port_first <= query->port &&
		       query->port <= entry->port_last;
	return name_matches(snap, entry, query->name);
}

static void find_matches(const struct snapshot *snap,
			 const struct show_query *query,
			 struct show_match_list *list)
{
	list->count = 0;
	for (uint32_t i = 0; i < snap->entry_count; i++)
		if (entry_matches(snap, &snap->entries[i], query))
			list->indexes[list->count++] = i;
}

/* Port queries are digits with an optional /PROTO.  Anything else is a
 * name, tried whole first because names may hold a '/' ("914c/g"). */
static int parse_port_query(const char *arg, struct show_query *query,
			    char *proto_buf, size_t proto_size)
{
	size_t digits = strspn(arg, "0123456789");
	if (digits == 0 || (arg[digits] != '\0' && arg[digits] != '/'))
		return 0;
	if (digits > 5 || strtoul(arg, NULL, 10) > 65535)
		return -1;
	query->by_port = true;
	query->port = (uint16_t)strtoul(arg, NULL, 10);
	if (arg[digits] == '/') {
		if (arg[digits + 1] == '\0')
			return -1;
		snprintf(proto_buf, proto_size, "%s", arg + digits + 1);
		query->proto = proto_buf;
	}
	return 1;
}

/* ---- text output ---- */

/* The first line of a possibly multi-line field. */
static int first_line_length(const char *text)
{
	return (int)strcspn(text, "\n");
}

static void print_value_lines(const char *value, int indent)
{
	const char *line = value;
	for (;;) {
		const char *end = strchr(line, '\n');
		if (!end) {
			printf("%s\n", line);
			return;
		}
		printf("%.*s\n%*s", (int)(end - line), line, indent, "");
		line = end + 1;
	}
}

static void print_aliases_inline(const struct tool_entry_view *e)
{
	for (uint32_t i = 0; i < e->alias_count; i++)
		printf("%s%s", i ? " " : "", e->aliases[i]);
}

struct table_widths {
	int name, ports, proto, aliases;
};

static int aliases_width(const struct tool_entry_view *e)
{
	int width = 0;
	for (uint32_t i = 0; i < e->alias_count; i++)
		width += (i ? 1 : 0) + (int)strlen(e->aliases[i]);
	return width;
}

static void measure_table(const struct tool_entry_view *views, size_t count,
			  struct table_widths *w)
{
	*w = (struct table_widths){4, 4, 5, 7}; /* the headings */
	for (size_t i = 0; i < count; i++) {
		const struct tool_entry_view *e = &views[i];
		char ports[16];
		tool_format_ports(ports, sizeof(ports), e->port_first, e->port_last);
		int name = (int)strlen(e->name);
		int proto = (int)strlen(e->proto);
		int aliases = aliases_width(e);
		if (name > w->name) w->name = name;
		if ((int)strlen(ports) > w->ports) w->ports = (int)strlen(ports);
		if (proto > w->proto) w->proto = proto;
		if (aliases > w->aliases) w->aliases = aliases;
	}
}

static void print_table(const struct tool_entry_view *views, size_t count)
{
	struct table_widths w;
	measure_table(views, count, &w);
	printf("%-*s  %-*s  %-*s  %-*s  %s\n", w.name, "NAME", w.ports, "PORT",
	       w.proto, "PROTO", w.aliases, "ALIASES", "DESCRIPTION");
	for (size_t i = 0; i < count; i++) {
		const struct tool_entry_view *e = &views[i];
		char ports[16];
		tool_format_ports(ports, sizeof(ports), e->port_first, e->port_last);
		const char *description = e->meta[NSSIANA_META_DESCRIPTION];
		printf("%-*s  %-*s  %-*s  ", w.name, e->name, w.ports, ports,
		       w.proto, e->proto);
		print_aliases_inline(e);
		printf("%*s  %.*s\n", w.aliases - aliases_width(e), "",
		       first_line_length(description), description);
	}
}

enum { LABEL_WIDTH = 18 }; /* "Unauthorized use" and two spaces */

static void print_details(const struct tool_entry_view *e)
{
	char ports[16];
	tool_format_ports(ports, sizeof(ports), e->port_first, e->port_last);
	printf("\n%s %s/%s\n", e->name, ports, e->proto);
	if (e->alias_count) {
		printf("  %-*s", LABEL_WIDTH, "Aliases");
		print_aliases_inline(e);
		putchar('\n');
	}
	for (int f = 0; f < NSSIANA_META_FIELDS; f++) {
		if (!e->meta[f][0])
			continue;
		printf("  %-*s", LABEL_WIDTH, tool_meta_labels[f]);
		print_value_lines(e->meta[f], LABEL_WIDTH + 2);
	}
}

/* ---- JSON output ---- */

static void print_json_meta(const char *const meta[NSSIANA_META_FIELDS],
			    const char *indent)
{
	for (int f = 0; f < NSSIANA_META_FIELDS; f++) {
		printf(",\n%s\"%s\": ", indent, tool_meta_keys[f]);
		tool_json_string(stdout, meta[f]);
	}
}

static void print_json_aliases(const struct tool_entry_view *e)
{
	fputs(",\n    \"aliases\": [", stdout);
	for (uint32_t i = 0; i < e->alias_count; i++) {
		fputs(i ? ",\n      {\"name\": " : "\n      {\"name\": ", stdout);
		tool_json_string(stdout, e->aliases[i]);
		print_json_meta(e->alias_meta[i], "       ");
		fputs("}", stdout);
	}
	fputs(e->alias_count ? "\n    ]" : "]", stdout);
}

static void print_json(const struct tool_entry_view *views, size_t count)
{
	fputs("[", stdout);
	for (size_t i = 0; i < count; i++) {
		const struct tool_entry_view *e = &views[i];
		fputs(i ? ",\n  {\n    \"name\": " : "\n  {\n    \"name\": ", stdout);
		tool_json_string(stdout, e->name);
		printf(",\n    \"port\": %u,\n    \"port_last\": %u,\n"
		       "    \"proto\": ", (unsigned)e->port_first,
		       (unsigned)e->port_last);
		tool_json_string(stdout, e->proto);
		print_json_aliases(e);
		print_json_meta(e->meta, "    ");
		fputs("\n  }", stdout);
	}
	fputs(count ? "\n]\n" : "]\n", stdout);
}

/* Every entry is checked (tool_entry_view) before anything is printed,
 * so a corrupt snapshot gives an error and no half output. */
static int show_matches(const struct snapshot *snap,
			const struct show_match_list *list, bool json,
			const char *db)
{
	struct tool_entry_view *views =
		calloc(list->count ? list->count : 1, sizeof(*views));
	if (!views) {
		tool_error("out of memory");
		return TOOL_EXIT_FAILURE;
	}
	int status = TOOL_EXIT_OK;
	for (size_t i = 0; i < list->count && status == TOOL_EXIT_OK; i++)
		if (!tool_entry_view(snap, list->indexes[i], &views[i]))
			status = TOOL_EXIT_FAILURE;
	if (status != TOOL_EXIT_OK) {
		tool_error("%s: corrupt snapshot: a record is out of bounds "
			   "(run nss-iana verify)", db);
	} else if (json) {
		print_json(views, list->count);
	} else {
		print_table(views, list->count);
		for (size_t i = 0; i < list->count; i++)
			print_details(&views[i]);
	}
	free(views);
	return status;
}

static int show(const char *db, const char *arg, bool json)
{
	struct show_query query = {0};
	char proto[64];
	int port_query = parse_port_query(arg, &query, proto, sizeof(proto));
	if (port_query < 0)
		return tool_usage_error("show", "not a port (0-65535) with an "
					"optional /PROTO: %s", arg);

	char err[512];
	struct tool_snapshot ts;
	if (tool_open_snapshot(&ts, db, err, sizeof(err)) != 0) {
		tool_error("%s", err);
		return TOOL_EXIT_FAILURE;
	}
	struct show_match_list list = {
		calloc(ts.snap.entry_count ? ts.snap.entry_count : 1,
		       sizeof(uint32_t)), 0};
	char *name_copy = NULL;
	int status = TOOL_EXIT_FAILURE;
	if (!list.indexes || (!port_query && !(name_copy = strdup(arg)))) {
		tool_error("out of memory");
		goto out;
	}
	if (!port_query) {
		query.name = name_copy;
		find_matches(&ts.snap, &query, &list);
		char *slash = strrchr(name_copy, '/');
		if (list.count == 0 && slash && slash != name_copy) {
			*slash = '\0';
			query.proto = slash + 1;
			find_matches(&ts.snap, &query, &list);
		}
	} else {
		find_matches(&ts.snap, &query, &list);
	}
	if (list.count == 0)
		tool_error("%s: no entry for %s", db, arg);
	else
		status = show_matches(&ts.snap, &list, json, db);
out:
	free(name_copy);
	free(list.indexes);
	tool_snapshot_close(&ts);
	return status;
}

int tool_cmd_show(int argc, char **argv)
{
	static const struct option options[] = {
		{"db", required_argument, NULL, 'd'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL;
	bool json = false;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			fputs(show_help, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_bad_option("show", c, argv);
		}
	}
	if (optind != argc - 1)
		return tool_usage_error("show", optind == argc
					? "missing NAME or PORT" : "too many arguments");
	if (!argv[optind][0])
		return tool_usage_error("show", "empty NAME");
	return show(tool_db_path(db), argv[optind], json);
}
