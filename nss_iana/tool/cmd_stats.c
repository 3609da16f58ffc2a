/*
 * tool/cmd_stats.c - `nss-iana stats [--db FILE]`: what a snapshot holds, in
 * counts.
 */
#include <getopt.h>
#include <stdio.h>

#include "tool/proto_output.h"
#include "tool/tool.h"

static const char stats_help[] =
	"Usage: nss-iana stats [--db FILE]\n"
	"Summarise a snapshot: entries per protocol, ranges, aliases, registry\n"
	"date, file size, and the registry rows read and skipped; and the\n"
	"protocols database's entries, rows skipped and preference file.\n"
	"\n"
	"      --db=FILE  the snapshot to read (default: $NSS_IANA_DB, else\n"
	"                 " NSS_IANA_DEFAULT_DB ")\n"
	"      --help     display this help and exit\n"
	"\n"
	"Exit status: 0 ok, 1 unreadable snapshot, 2 usage.\n";

static void print_protocol_counts(const struct snapshot *snap)
{
	printf("Entries by protocol:\n");
	for (uint32_t p = 0; p < snap->protocol_count; p++) {
		unsigned long count = 0, ports = 0;
		for (uint32_t i = 0; i < snap->entry_count; i++) {
			if (snap->entries[i].proto != p)
				continue;
			count++;
			ports += (unsigned long)snap->entries[i].port_last -
				 snap->entries[i].port_first + 1;
		}
		const char *name = snapshot_string(snap, snap->protocols[p]);
		printf("  %-18s%lu entries, %lu ports\n", name ? name : "?",
		       count, ports);
	}
}

/* What format 1.1 adds: the contact table and the preference file. */
static void print_optional_sections(const struct snapshot *snap)
{
	uint32_t contacts = tool_contact_count(snap);
	if (contacts)
		printf("%-20s%u people\n", "Contact table", (unsigned)contacts);
	else
		printf("%-20s%s\n", "Contact table", "none (raw IDs)");
	struct tool_preference pref;
	if (tool_preference(snap, &pref)) {
		printf("%-20s", "Preference file");
		tool_print_string(stdout, pref.path);
		printf(" (CRC-32 %08x, %u lines, answering before the registry)\n",
		       (unsigned)pref.crc32, (unsigned)pref.entries);
	} else
		printf("%-20s%s\n", "Preference file", "none (the registry alone)");
}

static void print_stats(const char *path, const struct snapshot *snap)
{
	const struct nssiana_header *h = snap->header;
	unsigned long ranges = 0, range_ports = 0, lines = 0;
	for (uint32_t i = 0; i < snap->entry_count; i++) {
		unsigned long span = (unsigned long)snap->entries[i].port_last -
				     snap->entries[i].port_first + 1;
		lines += span;
		if (span > 1) {
			ranges++;
			range_ports += span;
		}
	}
	const char *date = tool_registry_date(snap);
	unsigned long skipped = (unsigned long)h->rows_no_name + h->rows_no_port +
				h->rows_no_proto + h->rows_bad_name;
	printf("%-20s", "Snapshot");
	tool_print_string(stdout, path);
	putchar('\n');
	printf("%-20s%zu bytes\n", "Size", snap->size);
	printf("%-20s%u.%u\n", "Format", h->version_major, h->version_minor);
	/* Two dates, each for what it is: IANA's CSV export carries no date of
	 * its own, and its newest record is often older than the registry. */
	const char *updated = tool_registry_updated(snap);
	printf("%-20s", "Registry updated");
	tool_print_string(stdout, *updated ? updated
			  : "unknown (only IANA's XML carries it)");
	putchar('\n');
	printf("%-20s", "Newest record date");
	tool_print_string(stdout, *date ? date : "none");
	putchar('\n');
	printf("%-20s%u\n", "Entries", snap->entry_count);
	printf("%-20s%u\n", "Aliases", snap->alias_count);
	printf("%-20s%lu (%lu ports)\n", "Ranges", ranges, range_ports);
	printf("%-20s%lu\n", "services(5) lines", lines);
	printf("%-20s%u\n", "Rows read", h->rows_read);
	printf("%-20s%lu: %u no name, %u no port, %u no protocol, %u bad name\n",
	       "Rows skipped", skipped, h->rows_no_name, h->rows_no_port,
	       h->rows_no_proto, h->rows_bad_name);
	print_protocol_counts(snap);
	print_optional_sections(snap);
	tool_print_proto_stats(snap);
}

int tool_cmd_stats(int argc, char **argv)
{
	static const struct option options[] = {
		{"db", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *db = NULL;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		switch (c) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			fputs(stats_help, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_bad_option("stats", c, argv);
		}
	}
	if (optind != argc)
		return tool_usage_error("stats", "unexpected argument '%s'",
					argv[optind]);
	const char *path = tool_db_path(db);
	char err[512];
	struct tool_snapshot ts;
	if (tool_open_snapshot(&ts, path, err, sizeof(err)) != 0) {
		tool_error("%s", err);
		return TOOL_EXIT_FAILURE;
	}
	print_stats(path, &ts.snap);
	tool_snapshot_close(&ts);
	return TOOL_EXIT_OK;
}
