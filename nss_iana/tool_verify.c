/*
 * tool_verify.c - `nss-iana verify FILE` and `nss-iana stats [--db FILE]`.
 *
 * snapshot_parse() checks what the module needs for safe lookups.  Verify
 * goes further, because it runs once and may take its time: the checksum,
 * every metadata record, the alias runs, the header counts, and that both
 * indexes list every entry exactly where the format says.
 */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool.h"

static const char verify_help[] =
	"Usage: nss-iana verify FILE\n"
	"Check a snapshot: format and version, section bounds, checksum,\n"
	"every string and metadata record, alias runs, header counts, and the\n"
	"name and port indexes.\n"
	"\n"
	"      --help  display this help and exit\n"
	"\n"
	"Exit status: 0 sound, 1 invalid (the reason on standard error),\n"
	"2 usage.\n";

static const char stats_help[] =
	"Usage: nss-iana stats [--db FILE]\n"
	"Summarise a snapshot: entries per protocol, ranges, aliases, registry\n"
	"date, file size, and the registry rows read and skipped.\n"
	"\n"
	"      --db=FILE  the snapshot to read (default: $NSS_IANA_DB, else\n"
	"                 " NSS_IANA_DEFAULT_DB ")\n"
	"      --help     display this help and exit\n"
	"\n"
	"Exit status: 0 ok, 1 unreadable snapshot, 2 usage.\n";

#define FAIL(...) (snprintf(reason, reason_size, __VA_ARGS__), reason)

static bool string_nonempty(const struct snapshot *snap, uint32_t offset)
{
	const char *s = snapshot_string(snap, offset);
	return s && *s;
}

/* snapshot_parse has already bounded every offset and range the lookups
 * use; verify adds what only makes the file right, not safe. */
static const char *check_entries(const struct snapshot *snap, char *reason,
				 size_t reason_size)
{
	const char *meta[NSSIANA_META_FIELDS];
	uint64_t alias_total = 0;
	for (uint32_t i = 0; i < snap->entry_count; i++) {
		const struct nssiana_entry *e = &snap->entries[i];
		if (!string_nonempty(snap, e->name))
			return FAIL("entry %u: empty name", i);
		if (!tool_meta_record(snap, e->meta, meta))
			return FAIL("entry %u: metadata record not inside the string pool", i);
		alias_total += e->alias_count;
	}
	if (alias_total != snap->alias_count)
		return FAIL("entries claim %llu aliases, the alias table holds %u",
			    (unsigned long long)alias_total, snap->alias_count);
	return NULL;
}

/* Every alias belongs to exactly one entry's run. */
static const char *check_alias_runs(const struct snapshot *snap, char *reason,
				    size_t reason_size)
{
	const char *meta[NSSIANA_META_FIELDS];
	unsigned char *owned = calloc(snap->alias_count + 1, 1);
	if (!owned)
		return FAIL("out of memory");
	const char *result = NULL;
	for (uint32_t i = 0; i < snap->entry_count && !result; i++) {
		const struct nssiana_entry *e = &snap->entries[i];
		for (uint32_t k = 0; k < e->alias_count && !result; k++) {
			if (owned[e->alias_first + k]++)
				result = FAIL("alias %u is in two entries' runs",
					      e->alias_first + k);
		}
	}
	for (uint32_t a = 0; a < snap->alias_count && !result; a++) {
		if (!string_nonempty(snap, snap->aliases[a].name))
			result = FAIL("alias %u: empty name", a);
		else if (!tool_meta_record(snap, snap->aliases[a].meta, meta))
			result = FAIL("alias %u: metadata record not inside the string pool", a);
	}
	free(owned);
	return result;
}

/* Whether bucket b of an index lists entry i (refs are increasing). */
static bool bucket_lists(const struct snapshot_index *index, uint32_t b,
			 uint32_t entry)
{
	uint32_t lo = index->buckets[b], hi = index->buckets[b + 1];
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (index->refs[mid] == entry)
			return true;
		if (index->refs[mid] < entry)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The one index rule the module does not check at map time: a bucket
 * lists its entries in registry order, each once. */
static const char *check_bucket_order(const struct snapshot_index *index,
				      const char *what, char *reason,
				      size_t reason_size)
{
	for (uint32_t b = 0; b <= index->bucket_mask; b++) {
		uint32_t lo = index->buckets[b], hi = index->buckets[b + 1];
		for (uint32_t r = lo + 1; r < hi; r++)
			if (index->refs[r] <= index->refs[r - 1])
				return FAIL("%s index: bucket %u not increasing", what, b);
	}
	return NULL;
}

/* Name buckets: the entry's name and each alias, counted once per
 * distinct bucket.  Returns the number of refs the entry needs, or -1 if a
 * bucket misses it. */
static long check_entry_names(const struct snapshot *snap, uint32_t i)
{
	const struct nssiana_entry *e = &snap->entries[i];
	uint32_t seen[1 + UINT16_MAX];
	uint32_t seen_count = 0;
	for (uint32_t k = 0; k <= e->alias_count; k++) {
		uint32_t offset = k == 0 ? e->name
					 : snap->aliases[e->alias_first + k - 1].name;
		uint32_t b = nssiana_name_hash(snapshot_string(snap, offset)) &
			     snap->names.bucket_mask;
		if (!bucket_lists(&snap->names, b, i))
			return -1;
		bool duplicate = false;
		for (uint32_t s = 0; s < seen_count; s++)
			duplicate |= seen[s] == b;
		if (!duplicate)
			seen[seen_count++] = b;
	}
	return seen_count;
}

/* Port buckets: every port of the range, counted once per distinct bucket. */
static long check_entry_ports(const struct snapshot *snap, uint32_t i)
{
	const struct nssiana_entry *e = &snap->entries[i];
	uint32_t span = (uint32_t)e->port_last - e->port_first + 1;
	uint32_t buckets = snap->ports.bucket_mask + 1;
	uint32_t distinct = span < buckets ? span : buckets;
	for (uint32_t k = 0; k < distinct; k++) {
		uint32_t b = (e->port_first + k) & snap->ports.bucket_mask;
		if (!bucket_lists(&snap->ports, b, i))
			return -1;
	}
	return distinct;
}

static const char *check_indexes(const struct snapshot *snap, char *reason,
				 size_t reason_size)
{
	const char *result;
	if ((result = check_bucket_order(&snap->names, "name", reason,
					 reason_size)) ||
	    (result = check_bucket_order(&snap->ports, "port", reason,
					 reason_size)))
		return result;
	uint64_t name_refs = 0, port_refs = 0;
	for (uint32_t i = 0; i < snap->entry_count; i++) {
		long names = check_entry_names(snap, i);
		if (names < 0)
			return FAIL("name index: entry %u missing from its bucket", i);
		long ports = check_entry_ports(snap, i);
		if (ports < 0)
			return FAIL("port index: entry %u missing from its bucket", i);
		name_refs += (uint64_t)names;
		port_refs += (uint64_t)ports;
	}
	if (name_refs != snap->names.ref_count)
		return FAIL("name index: %u refs, expected %llu",
			    snap->names.ref_count, (unsigned long long)name_refs);
	if (port_refs != snap->ports.ref_count)
		return FAIL("port index: %u refs, expected %llu",
			    snap->ports.ref_count, (unsigned long long)port_refs);
	return NULL;
}

static const char *check_header(const struct snapshot *snap, char *reason,
				size_t reason_size)
{
	const struct nssiana_header *h = snap->header;
	uint32_t computed = snapshot_checksum(snap->base, snap->size);
	if (computed != h->checksum)
		return FAIL("checksum mismatch: header says 0x%08x, contents give 0x%08x",
			    h->checksum, computed);
	if (!snapshot_string(snap, h->registry_date))
		return FAIL("registry date outside the string pool");
	uint64_t accounted = (uint64_t)snap->entry_count + snap->alias_count +
			     h->rows_no_name + h->rows_no_port +
			     h->rows_no_proto + h->rows_bad_name;
	if (accounted != h->rows_read)
		return FAIL("counts disagree: %u rows read, but entries, aliases "
			    "and skipped rows add up to %llu",
			    h->rows_read, (unsigned long long)accounted);
	return NULL;
}

const char *tool_verify_snapshot(const struct snapshot *snap, char *reason,
				 size_t reason_size)
{
	const char *result;
	if ((result = check_header(snap, reason, reason_size)) ||
	    (result = check_entries(snap, reason, reason_size)) ||
	    (result = check_alias_runs(snap, reason, reason_size)) ||
	    (result = check_indexes(snap, reason, reason_size)))
		return result;
	return NULL;
}

static int verify(const char *path)
{
	char err[512];
	struct tool_snapshot ts;
	if (tool_open_snapshot(&ts, path, err, sizeof(err)) != 0) {
		tool_error("%s", err);
		return TOOL_EXIT_FAILURE;
	}
	char reason[256];
	int status = TOOL_EXIT_OK;
	if (tool_verify_snapshot(&ts.snap, reason, sizeof(reason))) {
		tool_error("%s: invalid: %s", path, reason);
		status = TOOL_EXIT_FAILURE;
	} else {
		const char *date = tool_registry_date(&ts.snap);
		printf("%s: ok, %u entries, %u aliases, %u protocols, "
		       "registry %s, format %u.%u, checksum %08x\n",
		       path, ts.snap.entry_count, ts.snap.alias_count,
		       ts.snap.protocol_count, *date ? date : "undated",
		       ts.snap.header->version_major,
		       ts.snap.header->version_minor, ts.snap.header->checksum);
	}
	tool_snapshot_close(&ts);
	return status;
}

int tool_cmd_verify(int argc, char **argv)
{
	int status = tool_help_only_options("verify", verify_help, argc, argv);
	if (status >= 0)
		return status;
	if (optind != argc - 1)
		return tool_usage_error("verify", optind == argc
					? "missing FILE" : "too many arguments");
	return verify(argv[optind]);
}

/* ---- stats ---- */

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
	printf("%-20s%s\n", "Snapshot", path);
	printf("%-20s%zu bytes\n", "Size", snap->size);
	printf("%-20s%u.%u\n", "Format", h->version_major, h->version_minor);
	printf("%-20s%s\n", "Registry date", *date ? date : "unknown");
	printf("%-20s%u\n", "Entries", snap->entry_count);
	printf("%-20s%u\n", "Aliases", snap->alias_count);
	printf("%-20s%lu (%lu ports)\n", "Ranges", ranges, range_ports);
	printf("%-20s%lu\n", "services(5) lines", lines);
	printf("%-20s%u\n", "Rows read", h->rows_read);
	printf("%-20s%lu: %u no name, %u no port, %u no protocol, %u bad name\n",
	       "Rows skipped", skipped, h->rows_no_name, h->rows_no_port,
	       h->rows_no_proto, h->rows_bad_name);
	print_protocol_counts(snap);
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
