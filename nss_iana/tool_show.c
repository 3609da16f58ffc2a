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
	return entry_proto && tool_ascii_equal_fold(entry_proto, proto);
}

static bool name_matches(const struct snapshot *snap,
			 const struct nssiana_entry *entry, const char *name)
{
	const char *own = snapshot_string(snap, entry->name);
	if (own && tool_ascii_equal_fold(own, name))
		return true;
	for (uint32_t i = 0; i < entry->alias_count; i++) {
		uint64_t at = (uint64_t)entry->alias_first + i;
		if (at >= snap->alias_count)
			return false;
		const char *alias = snapshot_string(snap, snap->aliases[at].name);
		if (alias && tool_ascii_equal_fold(alias, name))
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

static void print_aliases_inline(const struct snapshot *snap,
				 const struct nssiana_entry *entry)
{
	for (uint32_t i = 0; i < entry->alias_count; i++) {
		const char *alias = snapshot_string(
			snap, snap->aliases[entry->alias_first + i].name);
		printf("%s%s", i ? " " : "", alias ? alias : "?");
	}
}

struct table_widths {
	int name, ports, proto, aliases;
};

static int aliases_width(const struct snapshot *snap,
			 const struct nssiana_entry *entry)
{
	int width = 0;
	for (uint32_t i = 0; i < entry->alias_count; i++) {
		const char *alias = snapshot_string(
			snap, snap->aliases[entry->alias_first + i].name);
		width += (i ? 1 : 0) + (int)strlen(alias ? alias : "?");
	}
	return width;
}

static void measure_table(const struct snapshot *snap,
			  const struct show_match_list *list,
			  struct table_widths *w)
{
	*w = (struct table_widths){4, 4, 5, 7}; /* the headings */
	for (size_t i = 0; i < list->count; i++) {
		const struct nssiana_entry *e = &snap->entries[list->indexes[i]];
		char ports[16];
		tool_format_ports(ports, sizeof(ports), e->port_first, e->port_last);
		int name = (int)strlen(snapshot_string(snap, e->name));
		int proto = (int)strlen(snapshot_entry_proto(snap, e));
		int aliases = aliases_width(snap, e);
		if (name > w->name) w->name = name;
		if ((int)strlen(ports) > w->ports) w->ports = (int)strlen(ports);
		if (proto > w->proto) w->proto = proto;
		if (aliases > w->aliases) w->aliases = aliases;
	}
}

static void print_table(const struct snapshot *snap,
			const struct show_match_list *list,
			const char *const (*meta)[NSSIANA_META_FIELDS])
{
	struct table_widths w;
	measure_table(snap, list, &w);
	printf("%-*s  %-*s  %-*s  %-*s  %s\n", w.name, "NAME", w.ports, "PORT",
	       w.proto, "PROTO", w.aliases, "ALIASES", "DESCRIPTION");
	for (size_t i = 0; i < list->count; i++) {
		const struct nssiana_entry *e = &snap->entries[list->indexes[i]];
		char ports[16];
		tool_format_ports(ports, sizeof(ports), e->port_first, e->port_last);
		const char *description = meta[i][NSSIANA_META_DESCRIPTION];
		printf("%-*s  %-*s  %-*s  ", w.name, snapshot_string(snap, e->name),
		       w.ports, ports, w.proto, snapshot_entry_proto(snap, e));
		print_aliases_inline(snap, e);
		printf("%*s  %.*s\n", w.aliases - aliases_width(snap, e), "",
		       first_line_length(description), description);
	}
}

enum { LABEL_WIDTH = 18 }; /* "Unauthorized use" and two spaces */

static void print_details(const struct snapshot *snap,
			  const struct nssiana_entry *e,
			  const char *const meta[NSSIANA_META_FIELDS])
{
	char ports[16];
	tool_format_ports(ports, sizeof(ports), e->port_first, e->port_last);
	printf("\n%s %s/%s\n", snapshot_string(snap, e->name), ports,
	       snapshot_entry_proto(snap, e));
	if (e->alias_count) {
		printf("  %-*s", LABEL_WIDTH, "Aliases");
		print_aliases_inline(snap, e);
		putchar('\n');
	}
	for (int f = 0; f < NSSIANA_META_FIELDS; f++) {
		if (!meta[f][0])
			continue;
		printf("  %-*s", LABEL_WIDTH, tool_meta_labels[f]);
		print_value_lines(meta[f], LABEL_WIDTH + 2);
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

static int print_json_aliases(const struct snapshot *snap,
			      const struct nssiana_entry *e)
{
	fputs(",\n    \"aliases\": [", stdout);
	for (uint32_t i = 0; i < e->alias_count; i++) {
		const struct nssiana_alias *a = &snap->aliases[e->alias_first + i];
		const char *meta[NSSIANA_META_FIELDS];
		if (!tool_meta_record(snap, a->meta, meta))
			return -1;
		fputs(i ? ",\n      {\"name\": " : "\n      {\"name\": ", stdout);
		tool_json_string(stdout, snapshot_string(snap, a->name));
		print_json_meta(meta, "       ");
		fputs("}", stdout);
	}
	fputs(e->alias_count ? "\n    ]" : "]", stdout);
	return 0;
}

static int print_json(const struct snapshot *snap,
		      const struct show_match_list *list,
		      const char *const (*meta)[NSSIANA_META_FIELDS])
{
	fputs("[", stdout);
	for (size_t i = 0; i < list->count; i++) {
		const struct nssiana_entry *e = &snap->entries[list->indexes[i]];
		fputs(i ? ",\n  {\n    \"name\": " : "\n  {\n    \"name\": ", stdout);
		tool_json_string(stdout, snapshot_string(snap, e->name));
		printf(",\n    \"port\": %u,\n    \"port_last\": %u,\n"
		       "    \"proto\": ", (unsigned)e->port_first,
		       (unsigned)e->port_last);
		tool_json_string(stdout, snapshot_entry_proto(snap, e));
		if (print_json_aliases(snap, e) != 0)
			return -1;
		print_json_meta(meta[i], "    ");
		fputs("\n  }", stdout);
	}
	fputs(list->count ? "\n]\n" : "]\n", stdout);
	return 0;
}

/* Every string show prints, checked against the pool before printing
 * anything, so a corrupt snapshot gives an error and no half output. */
static bool entry_readable(const struct snapshot *snap,
			   const struct nssiana_entry *e,
			   const char *meta[NSSIANA_META_FIELDS])
{
	if (!snapshot_string(snap, e->name) || !snapshot_entry_proto(snap, e))
		return false;
	if ((uint64_t)e->alias_first + e->alias_count > snap->alias_count)
		return false;
	for (uint32_t i = 0; i < e->alias_count; i++)
		if (!snapshot_string(snap, snap->aliases[e->alias_first + i].name))
			return false;
	return tool_meta_record(snap, e->meta, meta);
}

static int show_matches(const struct snapshot *snap,
			const struct show_match_list *list, bool json,
			const char *db)
{
	const char *(*meta)[NSSIANA_META_FIELDS] =
		calloc(list->count ? list->count : 1, sizeof(*meta));
	if (!meta) {
		tool_error("out of memory");
		return TOOL_EXIT_FAILURE;
	}
	int status = TOOL_EXIT_OK;
	for (size_t i = 0; i < list->count && status == TOOL_EXIT_OK; i++)
		if (!entry_readable(snap, &snap->entries[list->indexes[i]], meta[i]))
			status = TOOL_EXIT_FAILURE;
	if (status == TOOL_EXIT_OK && json) {
		if (print_json(snap, list, (const char *const (*)[NSSIANA_META_FIELDS])meta) != 0)
			status = TOOL_EXIT_FAILURE;
	} else if (status == TOOL_EXIT_OK) {
		print_table(snap, list, (const char *const (*)[NSSIANA_META_FIELDS])meta);
		for (size_t i = 0; i < list->count; i++)
			print_details(snap, &snap->entries[list->indexes[i]],
				      meta[i]);
	}
	if (status != TOOL_EXIT_OK)
		tool_error("%s: corrupt snapshot: a record is out of bounds "
			   "(run nss-iana verify)", db);
	free(meta);
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
