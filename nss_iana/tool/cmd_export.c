/*
 * tool/cmd_export.c - `nss-iana export [--db FILE] --format services|protocols
 *   [-o FILE]`.
 *
 * Writes the snapshot as a services(5) file for programs that read
 * /etc/services themselves (Go's net package, musl) and for the
 * differential test against nss_files: nss_files reading this file must
 * answer exactly what the module answers, so the lines keep registry order
 * (nss_files' first match is then the module's first match) and every
 * port of a range gets its own line.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool/protocols.h"
#include "tool/tool.h"

static const char export_help[] =
	"Usage: nss-iana export [--db FILE] [--format services|protocols] [-o FILE]\n"
	"Write the snapshot as a services(5) file: one line per port and\n"
	"protocol, \"name<TAB>port/proto<TAB>aliases\", in registry order, with\n"
	"port ranges expanded.  With --format protocols, its protocols database\n"
	"as a protocols(5) file: \"name<TAB>number<TAB>aliases<TAB># description\",\n"
	"the preference file's lines first, then the registry's.\n"
	"\n"
	"      --db=FILE        the snapshot to read (default: $NSS_IANA_DB,\n"
	"                       else " NSS_IANA_DEFAULT_DB ")\n"
	"      --format=FORMAT  \"services\" (the default) or \"protocols\"\n"
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
	const char *date = tool_registry_date(snap);
	fprintf(out, "# services(5) from the IANA Service Name and Port Number "
		     "registry%s%s.\n# Written by nss-iana export from %s; "
		     "ranges expanded, registry order.\n",
		*date ? " of " : "", date, db);
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

int tool_export_services(const struct snapshot *snap, const char *source,
			 char **text, size_t *size)
{
	*text = NULL;
	FILE *out = open_memstream(text, size);
	if (!out) {
		tool_error("out of memory");
		return -1;
	}
	int rc = write_services(out, snap, source);
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

static int export(const char *db, const char *output, bool protocols)
{
	char err[512];
	struct tool_snapshot ts;
	if (tool_open_snapshot(&ts, db, err, sizeof(err)) != 0) {
		tool_error("%s", err);
		return TOOL_EXIT_FAILURE;
	}
	char *text;
	size_t size;
	int status = TOOL_EXIT_FAILURE;
	if ((protocols ? export_protocols(&ts.snap, db, &text, &size)
		       : tool_export_services(&ts.snap, db, &text, &size)) == 0) {
		if (tool_write_output(output ? output : "-", true, text, size,
				      err, sizeof(err)) == 0)
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
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL, *output = NULL;
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
	return export(tool_db_path(db), output, protocols);
}
