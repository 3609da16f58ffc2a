/*
 * tool/cmd_verify.c - `nss-iana verify [FILE]`: is this a file the compiler
 * could have written?  Without FILE, the snapshot show and stats read.
 *
 * tool_open_snapshot() has already bounded every record: the header and
 * section table (snapshot_parse), and each entry's offsets, protocol,
 * port order and alias run, each alias's strings, each ref and the
 * buckets' order.  Verify runs once and may take its time, so it adds the
 * rest, in an order where each check may rely on the ones before: the
 * file size limit (before anything reads the whole file), the layout the
 * compiler writes (its exact set of sections, nothing overlapping, zero
 * reserved fields and padding), the checksum and header counts, every
 * metadata record, the alias runs, the format's limits, every name a
 * services(5) token, and both indexes listing every entry where the
 * format says, in registry order.
 */
#include <getopt.h>
#include <stdalign.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader/checksum.h"
#include "text.h"
#include "tool/proto_output.h"
#include "tool/tool.h"

static const char verify_help[] =
	"Usage: nss-iana verify [--against SERVICES] [FILE]\n"
	"Check that a snapshot is one the compiler could have written: format\n"
	"and version, its sections and nothing else, none overlapping, zero\n"
	"reserved fields, checksum, header counts, every record, string and\n"
	"metadata record, alias runs, the format's limits, every name one\n"
	"services(5) token, and the name and port indexes; the same for the\n"
	"protocols database when the snapshot has one.\n"
	"Without FILE: $NSS_IANA_DB, else " NSS_IANA_DEFAULT_DB ".\n"
	"\n"
	"      --against=SERVICES  then also ask the snapshot every query that\n"
	"              nss_files answers from the services(5) file SERVICES\n"
	"              (each name and alias with its protocol and with none,\n"
	"              each port with its protocol and with none), compare each\n"
	"              answer with the one nss_files gives over SERVICES, list\n"
	"              those that differ and count those that do not:\n"
	"              \"N of N answers of SERVICES unchanged, N registry\n"
	"              entries beyond\".\n"
	"      --help  display this help and exit\n"
	"\n"
	"Exit status: 0 sound (and every answer unchanged), 1 invalid (the\n"
	"reason on standard error) or an answer that differs, 2 usage.\n";

#define FAIL(...) (snprintf(reason, reason_size, __VA_ARGS__), reason)

/* ---- the layout the compiler writes ---- */

/* A byte range of the file: the header, the table, or a section. */
struct span {
	uint64_t start, end;
	const char *what;
};

static int compare_spans(const void *a, const void *b)
{
	const struct span *x = a, *y = b;
	return (x->start > y->start) - (x->start < y->start);
}

static const char *section_name(uint32_t id)
{
	static const char *const names[NSSIANA_SECTION_MAX_OPTIONAL + 1] = {
		"?", "section STRINGS", "section PROTOCOLS", "section ENTRIES",
		"section ALIASES", "section NAME_BUCKETS", "section NAME_REFS",
		"section PORT_BUCKETS", "section PORT_REFS", "section CONTACTS",
		"section PREFERENCE", "section PROTO_SUMMARY", "section PROTO_STRINGS",
		"section PROTO_ENTRIES", "section PROTO_ALIASES",
		"section PROTO_NAME_BUCKETS", "section PROTO_NAME_REFS",
		"section PROTO_NUMBER_BUCKETS", "section PROTO_NUMBER_REFS",
	};
	return id <= NSSIANA_SECTION_MAX_OPTIONAL ? names[id] : "?";
}

static const char *check_header_fields(const struct nssiana_header *h,
				       char *reason, size_t reason_size)
{
	if (h->version_minor > NSSIANA_VERSION_MINOR)
		return FAIL("format 1.%u: this verify knows 1.%u, whose "
			    "compiler writes nothing more", h->version_minor,
			    NSSIANA_VERSION_MINOR);
	if (h->header_size != sizeof *h)
		return FAIL("header of %u bytes, the compiler writes %zu",
			    h->header_size, sizeof *h);
	for (size_t i = 0; i < sizeof h->reserved / sizeof h->reserved[0]; i++)
		if (h->reserved[i])
			return FAIL("header reserved field %zu is not zero", i);
	return NULL;
}

/* Exactly the required sections, once each (snapshot_parse has bounded
 * each one inside the file and refused a required one twice), and in a
 * 1.1 file the optional ones at most once each; reserved zero. */
static const char *collect_spans(const struct snapshot *snap, struct span *spans,
				 char *reason, size_t reason_size)
{
	const struct nssiana_header *h = snap->header;
	const struct nssiana_section *table =
		(const void *)(snap->base + h->header_size);
	spans[0] = (struct span){ 0, sizeof *h, "the header" };
	spans[1] = (struct span){ h->header_size, h->header_size +
		(uint64_t)h->section_count * sizeof *table, "the section table" };
	bool seen[NSSIANA_SECTION_MAX_OPTIONAL + 1] = { false };
	for (uint32_t i = 0; i < h->section_count; i++) {
		uint32_t id = table[i].id;
		bool optional = id > NSSIANA_SECTION_MAX_KNOWN &&
				id <= NSSIANA_SECTION_MAX_OPTIONAL;
		if (id == 0 || id > NSSIANA_SECTION_MAX_OPTIONAL ||
		    (optional && h->version_minor < 1))
			return FAIL("unknown section id %u", id);
		if (optional && seen[id])
			return FAIL("%s appears twice", section_name(id));
		seen[id] = true;
		if (table[i].reserved)
			return FAIL("%s: reserved field is not zero",
				    section_name(table[i].id));
		spans[i + 2] = (struct span){ table[i].offset,
			(uint64_t)table[i].offset + table[i].size,
			section_name(table[i].id) };
	}
	return NULL;
}

/* Nothing overlaps, and every byte outside the header, the table and the
 * sections is zero padding. */
static const char *check_spans(const struct snapshot *snap, struct span *spans,
			       size_t count, char *reason, size_t reason_size)
{
	qsort(spans, count, sizeof *spans, compare_spans);
	uint64_t covered = 0;
	for (size_t i = 0; i < count; i++) {
		if (spans[i].start == spans[i].end)
			continue; /* an empty section covers nothing */
		if (spans[i].start < covered)
			return FAIL("%s overlaps %s", spans[i].what,
				    spans[i - 1].what);
		for (uint64_t at = covered; at < spans[i].start; at++)
			if (snap->base[at])
				return FAIL("nonzero byte at %llu, outside every section",
					    (unsigned long long)at);
		covered = spans[i].end;
	}
	for (uint64_t at = covered; at < snap->size; at++)
		if (snap->base[at])
			return FAIL("nonzero byte at %llu, outside every section",
				    (unsigned long long)at);
	return NULL;
}

static const char *check_layout(const struct snapshot *snap, char *reason,
				size_t reason_size)
{
	struct span spans[NSSIANA_SECTION_MAX_OPTIONAL + 2];
	if (snap->header->section_count < NSSIANA_SECTION_MAX_KNOWN ||
	    snap->header->section_count > NSSIANA_SECTION_MAX_OPTIONAL)
		return FAIL("%u sections, the compiler writes %u to %u",
			    snap->header->section_count, NSSIANA_SECTION_MAX_KNOWN,
			    NSSIANA_SECTION_MAX_OPTIONAL);
	const char *result;
	if ((result = collect_spans(snap, spans, reason, reason_size)) ||
	    (result = check_spans(snap, spans, snap->header->section_count + 2,
				  reason, reason_size)))
		return result;
	return check_header_fields(snap->header, reason, reason_size);
}

/* ---- the format's limits ---- */

/* Bytes of the pool string at `offset` with its NUL (the pool ends with
 * one: snapshot_parse checked). */
static size_t string_bytes(const struct snapshot *snap, uint32_t offset)
{
	return strnlen(snap->strings + offset, snap->strings_size - offset) + 1;
}

/* What the module needs in the caller's buffer for entry `e`, counting
 * the worst alignment of the buffer: an entry within the limit is then
 * answered in a buffer of NSSIANA_MAX_ANSWER_BYTES wherever it starts. */
static uint64_t answer_bytes(const struct snapshot *snap,
			     const struct nssiana_entry *e)
{
	uint64_t bytes = (alignof(char *) - 1) +
		((uint64_t)e->alias_count + 1) * sizeof(char *) +
		string_bytes(snap, e->name) +
		string_bytes(snap, snap->protocols[e->proto]);
	for (uint32_t k = 0; k < e->alias_count; k++)
		bytes += string_bytes(snap, snap->aliases[e->alias_first + k].name);
	return bytes;
}

static const char *check_bucket_sizes(const struct snapshot_index *index,
				      const char *what, char *reason,
				      size_t reason_size)
{
	for (uint32_t b = 0; b <= index->bucket_mask; b++) {
		uint32_t size = index->buckets[b + 1] - index->buckets[b];
		if (size > NSSIANA_MAX_BUCKET_ENTRIES)
			return FAIL("%s index: bucket %u lists %u entries, past "
				    "the limit of %u", what, b, size,
				    NSSIANA_MAX_BUCKET_ENTRIES);
	}
	return NULL;
}

static const char *check_limits(const struct snapshot *snap, char *reason,
				size_t reason_size)
{
	uint64_t servents = 0;
	for (uint32_t i = 0; i < snap->entry_count; i++) {
		const struct nssiana_entry *e = &snap->entries[i];
		if (e->alias_count > NSSIANA_MAX_ALIASES)
			return FAIL("entry %u: %u aliases, past the limit of %u",
				    i, e->alias_count, NSSIANA_MAX_ALIASES);
		uint64_t bytes = answer_bytes(snap, e);
		if (bytes > NSSIANA_MAX_ANSWER_BYTES)
			return FAIL("entry %u: an answer of %llu bytes, past the "
				    "limit of %u", i, (unsigned long long)bytes,
				    NSSIANA_MAX_ANSWER_BYTES);
		servents += (uint32_t)e->port_last - e->port_first + 1;
	}
	if (servents > NSSIANA_MAX_SERVENTS)
		return FAIL("%llu servents in a walk, past the limit of %u",
			    (unsigned long long)servents, NSSIANA_MAX_SERVENTS);
	const char *result;
	if ((result = check_bucket_sizes(&snap->names, "name", reason, reason_size)))
		return result;
	return check_bucket_sizes(&snap->ports, "port", reason, reason_size);
}

/* ---- names ---- */

/* Every name, alias and protocol is one services(5) token that prints as
 * itself: what the compiler writes, and what export can write. */
static const char *check_names(const struct snapshot *snap, char *reason,
			       size_t reason_size)
{
	for (uint32_t p = 0; p < snap->protocol_count; p++)
		if (!text_is_services_token(snapshot_string(snap, snap->protocols[p])))
			return FAIL("protocol %u: not a services(5) token", p);
	for (uint32_t i = 0; i < snap->entry_count; i++)
		if (!text_is_services_token(snapshot_string(snap, snap->entries[i].name)))
			return FAIL("entry %u: name is not a services(5) token "
				    "(empty, white space, '#', a control or "
				    "bidirectional character, or invalid UTF-8)", i);
	for (uint32_t a = 0; a < snap->alias_count; a++)
		if (!text_is_services_token(snapshot_string(snap, snap->aliases[a].name)))
			return FAIL("alias %u: name is not a services(5) token "
				    "(empty, white space, '#', a control or "
				    "bidirectional character, or invalid UTF-8)", a);
	return NULL;
}

/* Flags: only PREFERRED, only on the first entries, as many as the
 * PREFERENCE section says (none without one). */
static const char *check_entry_flags(const struct snapshot *snap,
				     char *reason, size_t reason_size)
{
	uint32_t preferred = tool_preferred_entries(snap);
	for (uint32_t i = 0; i < snap->entry_count; i++) {
		if (snap->entries[i].flags & ~NSSIANA_ENTRY_PREFERRED)
			return FAIL("entry %u: unknown flags 0x%02x", i,
				    (unsigned)snap->entries[i].flags);
		if (i >= preferred && snap->entries[i].flags)
			return FAIL("entry %u: a line of the preference file after "
				    "a registry entry", i);
	}
	const struct section_view *section = &snap->preference;
	if (preferred && (!section->present ||
			  section->size != sizeof(struct nssiana_preference)))
		return FAIL("entries flagged as lines of a preference file, and "
			    "no PREFERENCE section");
	if (preferred && ((const struct nssiana_preference *)
			  section->data)->entries != preferred)
		return FAIL("section PREFERENCE: its entry count is not the %u "
			    "flagged entries", preferred);
	return NULL;
}

/* Every entry's metadata record, and the alias total. */
static const char *check_entries(const struct snapshot *snap, char *reason,
				 size_t reason_size)
{
	const char *meta[NSSIANA_META_FIELDS];
	uint64_t alias_total = 0;
	for (uint32_t i = 0; i < snap->entry_count; i++) {
		const struct nssiana_entry *e = &snap->entries[i];
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
		if (!tool_meta_record(snap, snap->aliases[a].meta, meta))
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
	uint32_t seen[1 + NSSIANA_MAX_ALIASES]; /* check_limits ran */
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
	const char *updated = snapshot_string(snap, h->registry_updated);
	if (!updated)
		return FAIL("the registry's own date outside the string pool");
	if (*updated && !text_is_iana_date(updated, strlen(updated)))
		return FAIL("the registry's own date is not a date");
	/* The preference file's lines and their aliases are not rows of the
	 * registry. */
	uint64_t preferred = 0;
	for (uint32_t i = 0; i < tool_preferred_entries(snap); i++)
		preferred += 1 + (uint64_t)snap->entries[i].alias_count;
	uint64_t accounted = (uint64_t)snap->entry_count + snap->alias_count -
			     preferred + h->rows_no_name + h->rows_no_port +
			     h->rows_no_proto + h->rows_bad_name;
	if (accounted != h->rows_read)
		return FAIL("counts disagree: %u rows read, but entries, aliases "
			    "and skipped rows add up to %llu",
			    h->rows_read, (unsigned long long)accounted);
	return NULL;
}

/* ---- the optional sections of 1.1 ---- */

/* Every string inside the pool, ids not empty and strictly increasing
 * (the tool's binary search depends on it). */
static const char *check_contacts(const struct snapshot *snap, char *reason,
				  size_t reason_size)
{
	const struct section_view *section = &snap->contacts;
	if (!section->present)
		return NULL;
	if (section->size % sizeof(struct nssiana_contact))
		return FAIL("section CONTACTS: %u bytes, not a whole number of "
			    "contacts", section->size);
	const struct nssiana_contact *contacts = (const void *)section->data;
	uint32_t count = section->size / sizeof(struct nssiana_contact);
	const char *previous = NULL;
	for (uint32_t i = 0; i < count; i++) {
		const struct nssiana_contact *c = &contacts[i];
		const char *id = snapshot_string(snap, c->id);
		if (!id || !snapshot_string(snap, c->name) ||
		    !snapshot_string(snap, c->org) || !snapshot_string(snap, c->uri) ||
		    !snapshot_string(snap, c->updated))
			return FAIL("contact %u: a string outside the pool", i);
		if (!id[0])
			return FAIL("contact %u: empty id", i);
		if (previous && strcmp(previous, id) >= 0)
			return FAIL("contact %u: ids not in strictly increasing order", i);
		previous = id;
	}
	return NULL;
}

static const char *check_preference(const struct snapshot *snap, char *reason,
				    size_t reason_size)
{
	const struct section_view *section = &snap->preference;
	if (!section->present)
		return NULL;
	if (section->size != sizeof(struct nssiana_preference))
		return FAIL("section PREFERENCE: %u bytes, not %zu", section->size,
			    sizeof(struct nssiana_preference));
	const struct nssiana_preference *p = (const void *)section->data;
	if (!snapshot_string(snap, p->path))
		return FAIL("section PREFERENCE: its path is outside the pool");
	return NULL;
}

const char *tool_verify_snapshot(const struct snapshot *snap, char *reason,
				 size_t reason_size)
{
	const char *result;
	if (snap->size > NSSIANA_MAX_FILE_SIZE)
		return FAIL("%zu bytes, past the limit of %u", snap->size,
			    NSSIANA_MAX_FILE_SIZE);
	if ((result = check_layout(snap, reason, reason_size)) ||
	    (result = check_header(snap, reason, reason_size)) ||
	    (result = check_entry_flags(snap, reason, reason_size)) ||
	    (result = check_entries(snap, reason, reason_size)) ||
	    (result = check_alias_runs(snap, reason, reason_size)) ||
	    (result = check_limits(snap, reason, reason_size)) ||
	    (result = check_names(snap, reason, reason_size)) ||
	    (result = check_indexes(snap, reason, reason_size)) ||
	    (result = check_contacts(snap, reason, reason_size)) ||
	    (result = check_preference(snap, reason, reason_size)) ||
	    (result = tool_verify_protocols(snap, reason, reason_size)))
		return result;
	return NULL;
}

static int verify(const char *path, const char *against)
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
		const char *updated = tool_registry_updated(&ts.snap);
		tool_print_string(stdout, path);
		printf(": ok, %u entries, %u aliases, %u protocols, registry "
		       "updated ", ts.snap.entry_count, ts.snap.alias_count,
		       ts.snap.protocol_count);
		tool_print_string(stdout, *updated ? updated : "unknown");
		fputs(", newest record ", stdout);
		tool_print_string(stdout, *date ? date : "none");
		printf(", format %u.%u, checksum %08x",
		       ts.snap.header->version_major,
		       ts.snap.header->version_minor, ts.snap.header->checksum);
		struct proto_snapshot protocols;
		if (tool_protocols(&ts.snap, &protocols))
			printf(", protocols database of %u entries", protocols.entry_count);
		putchar('\n');
		if (against && tool_check_against(&ts.snap, against, stdout) != 0)
			status = TOOL_EXIT_FAILURE;
	}
	tool_snapshot_close(&ts);
	return status;
}

int tool_cmd_verify(int argc, char **argv)
{
	static const struct option options[] = {
		{"against", required_argument, NULL, 'a'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *against = NULL;
	int c;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
		switch (c) {
		case 'a':
			against = optarg;
			break;
		case 'h':
			fputs(verify_help, stdout);
			return TOOL_EXIT_OK;
		default:
			return tool_bad_option("verify", c, argv);
		}
	}
	if (argc - optind > 1)
		return tool_usage_error("verify", "too many arguments");
	return verify(tool_db_path(optind < argc ? argv[optind] : NULL), against);
}
