/*
 * tool/cmd_show_protocols.c - `nss-iana show --protocol NAME|NUMBER`: every
 * entry of the protocols database that matches, in answer order (the
 * first is what the module answers), with where it comes from and the
 * registry's metadata.  A scan, as for services: not the hot path.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "tool/proto_output.h"
#include "tool/tool.h"

/* A decimal number as nss_files would compare it: 0 to 4294967295, or a
 * negative int (its 32 bits). */
static bool parse_number(const char *key, uint32_t *number)
{
	char *end;
	long long value = strtoll(key, &end, 10);

	if (end == key || *end || value < INT32_MIN || value > (long long)UINT32_MAX)
		return false;
	*number = (uint32_t)value;
	return true;
}

static bool matches(const struct proto_snapshot *p, const struct nssiana_protoent *e,
		    const char *key, bool by_number, uint32_t number)
{
	if (by_number)
		return e->number == number;
	if (text_ascii_equal_fold(proto_string(p, e->name), key))
		return true;
	for (uint32_t a = 0; a < e->alias_count; a++)
		if (text_ascii_equal_fold(proto_string(p, p->aliases[e->alias_first + a]), key))
			return true;
	return false;
}

/* The metadata record's fields, in enum nssiana_proto_meta_field order. */
static void meta_fields(const struct proto_snapshot *p, const struct nssiana_protoent *e,
			const char *fields[NSSIANA_PROTO_META_FIELDS])
{
	const char *s = proto_string(p, e->meta);

	for (int f = 0; f < NSSIANA_PROTO_META_FIELDS; f++) {
		fields[f] = s ? s : "";
		s = s ? s + strlen(s) + 1 : NULL;
	}
}

static const char *source_of(const struct proto_snapshot *p, const struct nssiana_protoent *e)
{
	return e->source == NSSIANA_PROTO_FROM_FILE
		? proto_string(p, p->summary->file_path) : "registry";
}

static void print_text(const struct proto_snapshot *p, const struct nssiana_protoent *e)
{
	const char *meta[NSSIANA_PROTO_META_FIELDS];
	static const char *const labels[NSSIANA_PROTO_META_FIELDS] = {
		"protocol", "ipv6 extension header", "reference" };

	meta_fields(p, e, meta);
	fputs("name: ", stdout);
	tool_print_string(stdout, proto_string(p, e->name));
	printf("\nnumber: %u\naliases:", (unsigned)e->number);
	for (uint32_t a = 0; a < e->alias_count; a++) {
		putchar(' ');
		tool_print_string(stdout, proto_string(p, p->aliases[e->alias_first + a]));
	}
	fputs("\nfrom: ", stdout);
	tool_print_string(stdout, source_of(p, e));
	putchar('\n');
	for (int f = 0; f < NSSIANA_PROTO_META_FIELDS; f++)
		if (*meta[f]) {
			printf("%s: ", labels[f]);
			tool_print_string(stdout, meta[f]);
			putchar('\n');
		}
}

static void print_json(const struct proto_snapshot *p, const struct nssiana_protoent *e)
{
	const char *meta[NSSIANA_PROTO_META_FIELDS];
	static const char *const keys[NSSIANA_PROTO_META_FIELDS] = {
		"protocol", "ipv6_extension_header", "reference" };

	meta_fields(p, e, meta);
	fputs("{\"name\":", stdout);
	tool_json_string(stdout, proto_string(p, e->name));
	printf(",\"number\":%u,\"aliases\":[", (unsigned)e->number);
	for (uint32_t a = 0; a < e->alias_count; a++) {
		if (a)
			putchar(',');
		tool_json_string(stdout, proto_string(p, p->aliases[e->alias_first + a]));
	}
	fputs("],\"from\":", stdout);
	tool_json_string(stdout, source_of(p, e));
	for (int f = 0; f < NSSIANA_PROTO_META_FIELDS; f++) {
		printf(",\"%s\":", keys[f]);
		tool_json_string(stdout, meta[f]);
	}
	putchar('}');
}

int tool_show_protocols(const char *db, const char *key, bool json)
{
	char err[512];
	struct tool_snapshot ts;
	struct proto_snapshot p;
	uint32_t number = 0;
	bool by_number = parse_number(key, &number);
	unsigned long shown = 0;

	if (tool_open_snapshot(&ts, db, err, sizeof err) != 0) {
		tool_error("%s", err);
		return TOOL_EXIT_FAILURE;
	}
	if (!tool_protocols(&ts.snap, &p)) {
		tool_error("show: %s has no protocols database (compile it with --protocols)", db);
		tool_snapshot_close(&ts);
		return TOOL_EXIT_FAILURE;
	}
	if (json)
		putchar('[');
	for (uint32_t i = 0; i < p.entry_count; i++) {
		if (!matches(&p, &p.entries[i], key, by_number, number))
			continue;
		if (json) {
			if (shown)
				putchar(',');
			print_json(&p, &p.entries[i]);
		} else {
			if (shown)
				putchar('\n');
			print_text(&p, &p.entries[i]);
		}
		shown++;
	}
	if (json)
		puts("]");
	tool_snapshot_close(&ts);
	if (!shown && !json)
		tool_error("show: no protocol \"%s\"", key);
	return shown ? TOOL_EXIT_OK : TOOL_EXIT_FAILURE;
}
