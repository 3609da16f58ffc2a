/*
 * tool/cmd_show.c - `nss-iana show [--db FILE] [--json] NAME|PORT[/PROTO]`
 * (and --contact, --protocol).
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
#include "tool/proto_output.h"
#include "tool/tool.h"

static const char show_help[] =
	"Usage: nss-iana show [--db FILE] [--json] NAME|PORT[/PROTO]\n"
	"       nss-iana show [--db FILE] [--json] --contact ID\n"
	"       nss-iana show [--db FILE] [--json] --protocol NAME|NUMBER\n"
	"Show every registry entry for a service name or a port, with its\n"
	"metadata; or one person of IANA's contact table and every service\n"
	"they hold as assignee or contact.\n"
	"\n"
	"A NAME matches entry names and aliases, exactly or ignoring ASCII\n"
	"case.  A PORT matches every entry whose port or range covers it.\n"
	"/PROTO keeps only entries of that protocol (tcp, udp, sctp, dccp).\n"
	"When the snapshot was compiled from IANA's XML, each [ID] of Assignee\n"
	"and Contact is shown with the person's name, organization and URI.\n"
	"\n"
	"      --db=FILE  the snapshot to read (default: $NSS_IANA_DB, else\n"
	"                 " NSS_IANA_DEFAULT_DB ")\n"
	"      --json     print a JSON array of entries instead of a table (an\n"
	"                 entry from the preference file has \"preference_file\",\n"
	"                 and its line in \"notes\")\n"
	"      --contact  ID is a contact's ID, as in [IETF_Chair]\n"
	"      --protocol  look in the protocols database: every entry whose\n"
	"                 name or alias is NAME (ignoring ASCII case) or whose\n"
	"                 number is NUMBER, in answer order (the first is the\n"
	"                 answer), with its source and the registry's metadata\n"
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
static size_t first_line_length(const char *text)
{
	return strcspn(text, "\n");
}

/* The registry's line breaks kept, each next line indented to `indent`. */
static void print_value_lines(const char *value, int indent)
{
	const char *line = value;
	for (;;) {
		const char *end = strchr(line, '\n');
		if (!end) {
			tool_print_string(stdout, line);
			putchar('\n');
			return;
		}
		tool_print_text(stdout, line, (size_t)(end - line));
		printf("\n%*s", indent, "");
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
		printf("%*s  ", w.aliases - aliases_width(e), "");
		tool_print_text(stdout, description,
				first_line_length(description));
		putchar('\n');
	}
}

enum { LABEL_WIDTH = 18 }; /* "Unauthorized use" and two spaces */

/* ---- people: "[IETF_Chair]" resolved through the contact table ---- */

static bool is_people_field(int field)
{
	return field == NSSIANA_META_ASSIGNEE || field == NSSIANA_META_CONTACT;
}

/* True if `value` is nothing but bracketed groups ("[A][B]") and the
 * snapshot has a contact table: only then is it resolved. */
static bool resolvable(const struct snapshot *snap, const char *value)
{
	const char *id;
	size_t length;
	if (!*value || !tool_has_contacts(snap))
		return false;
	for (const char *p = value; *p; p = tool_next_bracketed(p, &id, &length))
		if (!tool_next_bracketed(p, &id, &length))
			return false;
	return true;
}

/* "Name, Org <URI>", leaving out what the table does not have. */
static void print_contact_line(const struct tool_contact *c)
{
	const char *separator = "";
	if (c->name[0]) {
		putchar(' ');
		tool_print_string(stdout, c->name);
		separator = ",";
	}
	if (c->org[0]) {
		printf("%s ", separator);
		tool_print_string(stdout, c->org);
	}
	if (c->uri[0]) {
		fputs(" <", stdout);
		tool_print_string(stdout, c->uri);
		putchar('>');
	}
}

/* One line per person, "[ID] Name, Org <URI>", the first after the label.
 * False (nothing printed) if the value is not resolvable. */
static bool print_people(const struct snapshot *snap, const char *value)
{
	if (!resolvable(snap, value))
		return false;
	const char *id;
	size_t length;
	bool first = true;
	for (const char *p = value; *p; first = false) {
		p = tool_next_bracketed(p, &id, &length);
		printf("%*s[", first ? 0 : LABEL_WIDTH + 2, "");
		tool_print_text(stdout, id, length);
		putchar(']');
		struct tool_contact c;
		if (tool_find_contact(snap, id, length, &c) == 1)
			print_contact_line(&c);
		putchar('\n');
	}
	return true;
}

static void print_json_person(const struct tool_contact *c)
{
	static const char *const keys[] = {"id", "name", "org", "uri", "updated"};
	const char *values[] = {c->id, c->name, c->org, c->uri, c->updated};
	for (int i = 0; i < 5; i++) {
		printf("%s\"%s\": ", i ? ", " : "{", keys[i]);
		tool_json_string(stdout, values[i]);
	}
	putchar('}');
}

/* ",\n<indent>"KEY_people": [...]": each person of the field, with
 * "found": false for an ID the table lacks.  Nothing without a table. */
static void print_json_people(const struct snapshot *snap,
			      const char *const meta[NSSIANA_META_FIELDS],
			      const char *indent)
{
	if (!tool_has_contacts(snap))
		return;
	for (int f = 0; f < NSSIANA_META_FIELDS; f++) {
		if (!is_people_field(f))
			continue;
		printf(",\n%s\"%s_people\": [", indent, tool_meta_keys[f]);
		const char *id;
		size_t length;
		bool first = true;
		const char *p = resolvable(snap, meta[f]) ? meta[f] : "";
		for (; *p; first = false) {
			p = tool_next_bracketed(p, &id, &length);
			fputs(first ? "" : ", ", stdout);
			struct tool_contact c;
			if (tool_find_contact(snap, id, length, &c) == 1) {
				print_json_person(&c);
			} else {
				char *copy = strndup(id, length);
				fputs("{\"id\": ", stdout);
				tool_json_string(stdout, copy ? copy : "");
				fputs(", \"found\": false}", stdout);
				free(copy);
			}
		}
		putchar(']');
	}
}

static void print_details(const struct snapshot *snap,
			  const struct tool_entry_view *e)
{
	char ports[16];
	tool_format_ports(ports, sizeof(ports), e->port_first, e->port_last);
	printf("\n%s %s/%s\n", e->name, ports, e->proto);
	if (e->alias_count) {
		printf("  %-*s", LABEL_WIDTH, "Aliases");
		print_aliases_inline(e);
		putchar('\n');
	}
	struct tool_preference pref;
	bool preferred = (e->entry->flags & NSSIANA_ENTRY_PREFERRED) &&
			 tool_preference(snap, &pref);
	for (int f = 0; f < NSSIANA_META_FIELDS; f++) {
		if (!e->meta[f][0])
			continue;
		if (preferred && f == NSSIANA_META_ASSIGNMENT_NOTES) {
			/* A line of the preference file: its notes say which. */
			printf("  %-*s", LABEL_WIDTH, "From");
			tool_print_string(stdout, pref.path);
			fputs(", ", stdout);
			tool_print_string(stdout, e->meta[f]);
			putchar('\n');
			continue;
		}
		printf("  %-*s", LABEL_WIDTH, tool_meta_labels[f]);
		if (!is_people_field(f) || !print_people(snap, e->meta[f]))
			print_value_lines(e->meta[f], LABEL_WIDTH + 2);
	}
}

/* The answers of the query, for each protocol of the entries listed,
 * and why: the preference file's line or the registry's entry. */
static void print_answers(const struct snapshot *snap,
			  const struct show_query *query,
			  const struct tool_entry_view *views, size_t count)
{
	const char *protos[NSSIANA_MAX_PROTOCOLS];
	size_t proto_count = 0;
	for (size_t i = 0; i < count; i++) {
		size_t p = 0;
		while (p < proto_count && strcmp(protos[p], views[i].proto))
			p++;
		if (p == proto_count && proto_count < NSSIANA_MAX_PROTOCOLS)
			protos[proto_count++] = views[i].proto;
	}
	tool_explain_answers(snap, query->by_port ? NULL : query->name,
			     query->port, query->proto, protos, proto_count);
}

/* The registry's own date and the newest record's, each named for what it
 * is (a CSV carries only the second). */
static void print_dates(const struct snapshot *snap)
{
	const char *updated = tool_registry_updated(snap);
	const char *newest = tool_registry_date(snap);
	fputs("\nRegistry updated ", stdout);
	tool_print_string(stdout, *updated ? updated
			  : "unknown (only IANA's XML carries it)");
	fputs("; newest record dated ", stdout);
	tool_print_string(stdout, *newest ? newest : "none");
	fputs(".\n", stdout);
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

static void print_json_meta_people(const struct snapshot *snap,
				   const char *const meta[NSSIANA_META_FIELDS],
				   const char *indent)
{
	print_json_meta(meta, indent);
	print_json_people(snap, meta, indent);
}

static void print_json_aliases(const struct snapshot *snap,
			       const struct tool_entry_view *e)
{
	fputs(",\n    \"aliases\": [", stdout);
	for (uint32_t i = 0; i < e->alias_count; i++) {
		fputs(i ? ",\n      {\"name\": " : "\n      {\"name\": ", stdout);
		tool_json_string(stdout, e->aliases[i]);
		print_json_meta_people(snap, e->alias_meta[i], "       ");
		fputs("}", stdout);
	}
	fputs(e->alias_count ? "\n    ]" : "]", stdout);
}

static void print_json(const struct snapshot *snap,
		       const struct tool_entry_view *views, size_t count)
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
		print_json_aliases(snap, e);
		print_json_meta_people(snap, e->meta, "    ");
		struct tool_preference pref;
		if ((e->entry->flags & NSSIANA_ENTRY_PREFERRED) &&
		    tool_preference(snap, &pref)) {
			/* A line of the preference file: which file, which line
			 * (its notes). */
			fputs(",\n    \"preference_file\": ", stdout);
			tool_json_string(stdout, pref.path);
		}
		fputs("\n  }", stdout);
	}
	fputs(count ? "\n]\n" : "]\n", stdout);
}

/* Every entry is checked (tool_entry_view) before anything is printed,
 * so a corrupt snapshot gives an error and no half output. */
static int show_matches(const struct snapshot *snap,
			const struct show_query *query,
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
		print_json(snap, views, list->count);
	} else {
		print_table(views, list->count);
		for (size_t i = 0; i < list->count; i++)
			print_details(snap, &views[i]);
		print_answers(snap, query, views, list->count);
		print_dates(snap);
	}
	free(views);
	return status;
}

/* ---- show --contact ID ---- */

/* True if the Assignee or Contact value names [id]. */
static bool names_person(const char *value, const char *id)
{
	const char *group;
	size_t length;
	for (const char *p = value; p && *p;
	     p = tool_next_bracketed(p, &group, &length))
		if (tool_next_bracketed(p, &group, &length) &&
		    length == strlen(id) && memcmp(group, id, length) == 0)
			return true;
	return false;
}

struct held_service {
	const struct nssiana_entry *entry;
	const char *name;     /* the entry's, or the alias row's */
	const char *alias_of; /* NULL for an entry */
	const char *proto;
	bool assignee, contact;
};

/* Calls `found` for every entry and alias row that `id` holds; the number
 * of them, or -1 if the snapshot is corrupt. */
static int for_each_held(const struct snapshot *snap, const char *id,
			 void (*found)(const struct held_service *, void *),
			 void *context)
{
	int held = 0;
	struct tool_entry_view *view = malloc(sizeof(*view));
	if (!view)
		return -1;
	for (uint32_t i = 0; i < snap->entry_count; i++) {
		if (!tool_entry_view(snap, i, view)) {
			free(view);
			return -1;
		}
		for (uint32_t a = 0; a <= view->alias_count; a++) {
			const char *const *meta = a ? view->alias_meta[a - 1] : view->meta;
			struct held_service one = {
				view->entry, a ? view->aliases[a - 1] : view->name,
				a ? view->name : NULL, view->proto,
				names_person(meta[NSSIANA_META_ASSIGNEE], id),
				names_person(meta[NSSIANA_META_CONTACT], id),
			};
			if (one.assignee || one.contact) {
				found(&one, context);
				held++;
			}
		}
	}
	free(view);
	return held;
}

static void count_held(const struct held_service *held, void *context)
{
	(void)held;
	(*(int *)context)++;
}

static void print_held_row(const struct held_service *held, void *context)
{
	(void)context;
	char ports[16];
	tool_format_ports(ports, sizeof(ports), held->entry->port_first,
			  held->entry->port_last);
	const char *role = held->assignee && held->contact ? "assignee,contact"
			 : held->assignee ? "assignee" : "contact";
	printf("%-15s  %-11s  %-5s  ", held->name, ports, held->proto);
	if (held->alias_of)
		printf("%-16s  alias of %s\n", role, held->alias_of);
	else
		printf("%s\n", role);
}

struct json_held {
	const struct snapshot *snap;
	int printed;
};

static void print_held_json(const struct held_service *held, void *context)
{
	struct json_held *j = context;
	fputs(j->printed++ ? ",\n    {\"name\": " : "\n    {\"name\": ", stdout);
	tool_json_string(stdout, held->name);
	printf(", \"port\": %u, \"port_last\": %u, \"proto\": ",
	       (unsigned)held->entry->port_first, (unsigned)held->entry->port_last);
	tool_json_string(stdout, held->proto);
	printf(", \"assignee\": %s, \"contact\": %s, \"alias_of\": ",
	       held->assignee ? "true" : "false", held->contact ? "true" : "false");
	if (held->alias_of)
		tool_json_string(stdout, held->alias_of);
	else
		fputs("null", stdout);
	putchar('}');
}

static void print_person_text(const struct tool_contact *c, bool known,
			      bool has_table, int held)
{
	tool_print_string(stdout, c->id);
	putchar('\n');
	if (!has_table)
		printf("  (no contact table in this snapshot: compile IANA's "
		       "XML for names)\n");
	else if (!known)
		printf("  (not in the contact table)\n");
	const char *labels[] = {"Name", "Organization", "URI", "Updated"};
	const char *values[] = {c->name, c->org, c->uri, c->updated};
	for (int i = 0; i < 4; i++) {
		if (!values[i][0])
			continue;
		printf("  %-*s", LABEL_WIDTH, labels[i]);
		tool_print_string(stdout, values[i]);
		putchar('\n');
	}
	printf("  %-*s%d\n", LABEL_WIDTH, "Services", held);
}

static int show_contact(const char *db, const char *id, bool json)
{
	char err[512];
	struct tool_snapshot ts;
	if (tool_open_snapshot(&ts, db, err, sizeof(err)) != 0) {
		tool_error("%s", err);
		return TOOL_EXIT_FAILURE;
	}
	const struct snapshot *snap = &ts.snap;
	struct tool_contact c = { id, "", "", "", "" };
	int found = tool_find_contact(snap, id, strlen(id), &c);
	int held = 0;
	int status = TOOL_EXIT_FAILURE;
	if (found < 0 || for_each_held(snap, id, count_held, &held) < 0) {
		tool_error("%s: corrupt snapshot: a record is out of bounds "
			   "(run nss-iana verify)", db);
	} else if (found == 0 && held == 0) {
		tool_error("%s: no contact %s", db, id);
	} else if (json) {
		fputs("{\n  \"person\": ", stdout);
		if (found)
			print_json_person(&c);
		else
			fputs("null", stdout);
		fputs(",\n  \"services\": [", stdout);
		struct json_held j = { snap, 0 };
		for_each_held(snap, id, print_held_json, &j);
		fputs(held ? "\n  ]\n}\n" : "]\n}\n", stdout);
		status = TOOL_EXIT_OK;
	} else {
		print_person_text(&c, found == 1, tool_has_contacts(snap), held);
		if (held) {
			printf("\n%-15s  %-11s  %-5s  %s\n", "NAME", "PORT",
			       "PROTO", "ROLE");
			for_each_held(snap, id, print_held_row, (void *)snap);
		}
		status = TOOL_EXIT_OK;
	}
	tool_snapshot_close(&ts);
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
		status = show_matches(&ts.snap, &query, &list, json, db);
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
		{"contact", no_argument, NULL, 'c'},
		{"protocol", no_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL;
	bool json = false, contact = false, protocol = false;
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
		case 'c':
			contact = true;
			break;
		case 'p':
			protocol = true;
			break;
		case 'h':
			fputs(show_help, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_bad_option("show", c, argv);
		}
	}
	if (optind != argc - 1)
		return tool_usage_error("show", optind < argc ? "too many arguments"
					: contact ? "--contact: missing ID"
					: "missing NAME or PORT");
	if (!argv[optind][0])
		return tool_usage_error("show", "empty NAME");
	if (contact)
		return show_contact(tool_db_path(db), argv[optind], json);
	if (protocol)
		return tool_show_protocols(tool_db_path(db), argv[optind], json);
	return show(tool_db_path(db), argv[optind], json);
}
