/*
 * tool/proto_output.c - the protocols database's shared output, declared
 * in tool/proto_output.h.
 */
#include "tool/proto_output.h"

#include "text.h"
#include "tool/tool.h"

void tool_print_proto_summary(FILE *out, const struct proto_stats *stats)
{
	fprintf(out, "; protocols: %lu rows read, %lu entries served",
		stats->rows_read, stats->registry_entries);
	if (stats->file_lines)
		fprintf(out, " after %lu from the preference file", stats->file_entries);
	fprintf(out, "; skipped %lu ranges, %lu no keyword, %lu bad name",
		stats->rows_range, stats->rows_no_keyword, stats->rows_bad_name);
}

bool tool_protocols(const struct snapshot *snap, struct proto_snapshot *out)
{
	return proto_snapshot_parse(out, snap) == NULL && out->summary != NULL;
}

bool tool_protoent_printable(const struct proto_snapshot *p,
			     const struct nssiana_protoent *e)
{
	if (!text_is_services_token(proto_string(p, e->name)))
		return false;
	for (uint32_t a = 0; a < e->alias_count; a++)
		if (!text_is_services_token(proto_string(p, p->aliases[e->alias_first + a])))
			return false;
	return true;
}

/* A description on one line, as a comment can hold it. */
static void write_comment(FILE *out, const char *text)
{
	for (const char *c = text; *c; c++)
		putc(*c == '\n' || *c == '\r' || *c == '\t' ? ' ' : *c, out);
}

void tool_write_protoent(FILE *out, const struct proto_snapshot *p,
			 const struct nssiana_protoent *e)
{
	const char *description = proto_string(p, e->meta);

	tool_print_string(out, proto_string(p, e->name));
	fprintf(out, "\t%u", (unsigned)e->number);
	for (uint32_t a = 0; a < e->alias_count; a++) {
		putc(a ? ' ' : '\t', out);
		tool_print_string(out, proto_string(p, p->aliases[e->alias_first + a]));
	}
	if (description && *description) {
		fputs("\t# ", out);
		write_comment(out, description);
	}
	putc('\n', out);
}

int tool_export_protocols(FILE *out, const struct snapshot *snap, const char *db)
{
	struct proto_snapshot p;

	if (!tool_protocols(snap, &p)) {
		tool_error("%s: the snapshot has no protocols database "
			   "(compile it with --protocols)", db);
		return -1;
	}
	fputs("# protocols(5) from IANA's Assigned Internet Protocol Numbers registry.\n"
	      "# Written by nss-iana export from ", out);
	tool_print_string(out, db);
	fputs(": the preference file's lines first, then the registry's.\n", out);
	for (uint32_t i = 0; i < p.entry_count; i++) {
		if (!tool_protoent_printable(&p, &p.entries[i])) {
			tool_error("%s: protocol entry %u cannot be written as a "
				   "protocols(5) line", db, i);
			return -1;
		}
		tool_write_protoent(out, &p, &p.entries[i]);
	}
	return 0;
}

void tool_print_proto_stats(const struct snapshot *snap)
{
	struct proto_snapshot p;

	if (!tool_protocols(snap, &p)) {
		printf("%-20s%s\n", "Protocols database", "none (protocols answer UNAVAIL)");
		return;
	}
	const struct nssiana_proto_summary *s = p.summary;
	printf("%-20s%u entries, %u aliases\n", "Protocols database",
	       p.entry_count, p.alias_count);
	printf("%-20s%u\n", "Protocol rows read", s->rows_read);
	printf("%-20s%u: %u ranges, %u no keyword, %u bad name\n", "Protocols skipped",
	       s->rows_range + s->rows_no_keyword + s->rows_bad_name, s->rows_range,
	       s->rows_no_keyword, s->rows_bad_name);
	printf("%-20s%u\n", "Protocols served", s->registry_entries);
	if (s->file_path) {
		printf("%-20s", "Protocols file");
		tool_print_string(stdout, proto_string(&p, s->file_path));
		printf(" (CRC-32 %08x, %u entries answered first)\n",
		       (unsigned)s->file_crc32, (unsigned)s->file_entries);
	} else
		printf("%-20s%s\n", "Protocols file", "none (the registry alone)");
}
