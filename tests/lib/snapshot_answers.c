/*
 * snapshot_answers.c - every answer a snapshot gives, one line each, so
 * that two snapshots can be compared by diff over every query.
 *
 *   snapshot_answers FILE
 *
 * Prints, in this order:
 *   header  the registry date and the row counts of the header;
 *   entry   every entry in snapshot order: name, ports, protocol, aliases,
 *           then its metadata record and each alias row's, one line per
 *           field (line breaks shown as \n);
 *   name    for every name and alias the snapshot has, looked up with
 *           each protocol and with none: the entry that answers;
 *   port    for every port 0..65535, with each protocol and with none:
 *           the entry that answers.
 * The lookups are the module's own (snapshot_find_name/_port).  Exit
 * status 0, or 1 if the file is not a valid snapshot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/snapshot.h"
#include "tool/tool.h"

static void print_escaped(const char *text)
{
	for (; *text; text++) {
		if (*text == '\n')
			fputs("\\n", stdout);
		else if (*text == '\\')
			fputs("\\\\", stdout);
		else
			putchar(*text);
	}
}

static void print_entry(const struct snapshot *snap, uint32_t index)
{
	const struct nssiana_entry *e = &snap->entries[index];
	char ports[16];
	tool_format_ports(ports, sizeof(ports), e->port_first, e->port_last);
	printf("%s %s/%s", snapshot_string(snap, e->name), ports,
	       snapshot_entry_proto(snap, e));
	for (uint32_t a = 0; a < e->alias_count; a++)
		printf(" %s", snapshot_string(snap,
					      snap->aliases[e->alias_first + a].name));
}

static int print_meta(const struct snapshot *snap, uint32_t offset,
		      const char *who)
{
	const char *meta[NSSIANA_META_FIELDS];
	if (!tool_meta_record(snap, offset, meta))
		return -1;
	for (int f = 0; f < NSSIANA_META_FIELDS; f++) {
		printf("meta %s %s: ", who, tool_meta_keys[f]);
		print_escaped(meta[f]);
		putchar('\n');
	}
	return 0;
}

static int print_entries(const struct snapshot *snap)
{
	for (uint32_t i = 0; i < snap->entry_count; i++) {
		const struct nssiana_entry *e = &snap->entries[i];
		fputs("entry ", stdout);
		print_entry(snap, i);
		putchar('\n');
		if (print_meta(snap, e->meta, snapshot_string(snap, e->name)) != 0)
			return -1;
		for (uint32_t a = 0; a < e->alias_count; a++) {
			const struct nssiana_alias *alias =
				&snap->aliases[e->alias_first + a];
			if (print_meta(snap, alias->meta,
				       snapshot_string(snap, alias->name)) != 0)
				return -1;
		}
	}
	return 0;
}

static void print_answer(const struct snapshot *snap,
			 enum snapshot_status status, uint32_t index)
{
	if (status == SNAPSHOT_FOUND)
		print_entry(snap, index);
	else
		fputs(status == SNAPSHOT_NOT_FOUND ? "-" : "CORRUPT", stdout);
	putchar('\n');
}

static void ask_name(const struct snapshot *snap, const char *name)
{
	for (int64_t p = -1; p < snap->protocol_count; p++) {
		const char *proto = p < 0 ? NULL
				  : snapshot_string(snap, snap->protocols[p]);
		uint32_t index;
		enum snapshot_status status =
			snapshot_find_name(snap, name, proto, &index);
		printf("name %s/%s = ", name, proto ? proto : "-");
		print_answer(snap, status, index);
	}
}

static void ask_every_name(const struct snapshot *snap)
{
	for (uint32_t i = 0; i < snap->entry_count; i++)
		ask_name(snap, snapshot_string(snap, snap->entries[i].name));
	for (uint32_t a = 0; a < snap->alias_count; a++)
		ask_name(snap, snapshot_string(snap, snap->aliases[a].name));
}

static void ask_every_port(const struct snapshot *snap)
{
	for (uint32_t port = 0; port <= 65535; port++) {
		for (int64_t p = -1; p < snap->protocol_count; p++) {
			const char *proto = p < 0 ? NULL
					  : snapshot_string(snap, snap->protocols[p]);
			uint32_t index;
			enum snapshot_status status = snapshot_find_port(
				snap, (uint16_t)port, proto, &index);
			printf("port %u/%s = ", port, proto ? proto : "-");
			print_answer(snap, status, index);
		}
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: snapshot_answers FILE\n");
		return 2;
	}
	char err[512];
	struct tool_snapshot ts;
	if (tool_open_snapshot(&ts, argv[1], err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	const struct snapshot *snap = &ts.snap;
	const struct nssiana_header *h = snap->header;
	printf("header date %s rows %u no_name %u no_port %u no_proto %u "
	       "bad_name %u\n", tool_registry_date(snap), h->rows_read,
	       h->rows_no_name, h->rows_no_port, h->rows_no_proto,
	       h->rows_bad_name);
	int status = print_entries(snap);
	ask_every_name(snap);
	ask_every_port(snap);
	tool_snapshot_close(&ts);
	if (status != 0) {
		fprintf(stderr, "%s: a metadata record is out of bounds\n", argv[1]);
		return 1;
	}
	return 0;
}
