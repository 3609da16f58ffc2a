/*
 * snapshot_format.h - the nss-iana snapshot file, format version 1.2.
 *
 * This header is the specification of the file.  `nss-iana compile` writes
 * it (snapshot_write.c); libnss_iana.so.2 and the tool read it (snapshot.c).
 *
 * Goals, in order: a reader that can never be made to fault by the file;
 * lookups by name and by port with no parsing, no allocation and no scan of
 * the registry; a file of about 1 MiB for the whole IANA registry with all
 * of its metadata (IANA's contact table, from the XML, in a section the
 * module never touches); the same input always giving the same bytes.
 *
 * ENCODING
 *   Every integer is unsigned and little-endian, stored at an offset that is
 *   a multiple of its size.  Every section starts at a multiple of 8.  Every
 *   offset and count fits in 32 bits, so a file is smaller than 4 GiB.
 *   The structs below are the layout, with no padding, and readers use them
 *   in place on the mapped bytes; this header therefore builds only on
 *   little-endian hosts (a big-endian port would convert every field).
 *
 * LAYOUT
 *   offset 0          struct nssiana_header
 *   header_size       struct nssiana_section[section_count]  (the table)
 *   anywhere after    the sections, in any order, not overlapping
 *
 *   A reader rejects a file whose magic or major version it does not know,
 *   whose file_size is not the size it mapped, whose table has more than
 *   NSSIANA_MAX_SECTIONS records, or whose table or any section is not
 *   inside the file.  A reader ignores sections whose id it does not
 *   know, and header bytes past the ones it knows: that is what a new minor
 *   version may add.  Anything else needs a new major version.
 *
 * SECTIONS (each required exactly once in version 1)
 *   STRINGS       The string pool: bytes, each string ended by a NUL.  A
 *                 "string offset" is a byte offset into it.  Offset 0 is the
 *                 empty string and the pool's last byte is NUL, so any offset
 *                 inside the pool reads a terminated string.  Strings are
 *                 stored once (deduplicated) and kept byte-exact: names and
 *                 metadata may hold any byte but NUL.
 *   PROTOCOLS     uint32 string offsets: the protocol names ("tcp", "udp",
 *                 "sctp", "dccp", or any other the registry names), in order
 *                 of first appearance.  At most 256: entries index it by byte.
 *   ENTRIES       struct nssiana_entry[]: what NSS serves, one per servable
 *                 registry row that is not an alias row, in registry order.
 *                 Registry order is the order of the CSV, and it decides
 *                 every tie, as the first matching line does in nss_files.
 *                 With a PREFERENCE file, its lines come first, in file
 *                 order, each an entry flagged NSSIANA_ENTRY_PREFERRED, and
 *                 the registry's entries follow: lookups then answer as
 *                 nss_files would over that file followed by the
 *                 registry (compiler/prefer.h).
 *   ALIASES       struct nssiana_alias[]: the alias rows.  An entry's aliases
 *                 are the run [alias_first, alias_first + alias_count), in
 *                 registry order of the alias rows.
 *   NAME_BUCKETS  uint32[bucket_count + 1], a bucket index (below) over
 *   NAME_REFS     uint32 entry indexes, keyed by name.
 *   PORT_BUCKETS  uint32[bucket_count + 1], a bucket index over
 *   PORT_REFS     uint32 entry indexes, keyed by port.
 *
 * OPTIONAL SECTIONS (minor version 1: a reader of 1.0 ignores them, and so
 * does the module; each at most once)
 *   CONTACTS      struct nssiana_contact[]: IANA's contact table, the
 *                 <people> of the registry XML (the CSV has only the
 *                 bracketed IDs of Assignee and Contact).  Sorted by id,
 *                 bytewise (strcmp), ids distinct and not empty, so that the
 *                 tool finds "[IETF_Chair]" by binary search.  Written when
 *                 the input has a contact table.
 *   PREFERENCE    one struct nssiana_preference: the services(5) file whose
 *                 lines answer before the registry's (`compile --prefer
 *                 FILE`).  Written only then: without it, ENTRIES are the
 *                 registry's alone and no entry is flagged.
 *
 * OPTIONAL SECTIONS (minor version 2: the protocols database, protocols(5);
 * all eight or none, each at most once)
 *   PROTO_SUMMARY one struct nssiana_proto_summary: what the compiler read.
 *                 Its presence is what says the file answers protocols.
 *   PROTO_STRINGS the protocols' own string pool, under the rules of
 *                 STRINGS (offset 0 is "", the last byte is NUL).
 *   PROTO_ENTRIES struct nssiana_protoent[], in answer order: first the
 *                 lines of the preference file (`compile --prefer-protocols`,
 *                 as glibc's nss_files parses protocols(5) lines), in file
 *                 order, then the registry's rows, in registry order.  A
 *                 lookup answers the first entry that matches, exactly as
 *                 nss_files answers over the file followed by the
 *                 registry's export (`nss-iana export --format protocols`);
 *                 a walk lists them all, in this order.
 *   PROTO_ALIASES uint32 offsets into PROTO_STRINGS: an entry's aliases are
 *                 the run [alias_first, alias_first + alias_count).
 *   PROTO_NAME_BUCKETS, PROTO_NAME_REFS      a bucket index (below) over
 *                 the entries, keyed by name and alias as NAME_*;
 *   PROTO_NUMBER_BUCKETS, PROTO_NUMBER_REFS  a bucket index keyed by
 *                 number & (bucket_count - 1).
 *
 * WHY ONE FILE FOR BOTH DATABASES
 *   One `nss-iana update` must install both registries at once, and one
 *   rename does that only for one file; one mapping (one open, one fstat
 *   per recheck) serves both databases in every process.  The protocols
 *   keep their own string pool so that the services sections of a file are
 *   the same bytes with or without them, and so that a services lookup
 *   never touches a page of protocol data (the whole database is 16 KiB:
 *   sharing strings would save nothing worth the coupling).  A file
 *   without the protocol sections (1.0, 1.1, or compiled without
 *   --protocols) still answers services; the module answers protocol
 *   queries from it with NSS_STATUS_UNAVAIL, not NOTFOUND: the database is
 *   not there, which is not the same as "no such protocol", and UNAVAIL is
 *   what lets `protocols: iana files` go on to `files` even with
 *   [NOTFOUND=return] on the line.
 *
 *   Protocol numbers are 32-bit: netbase lists `mptcp 262`, outside IP's
 *   8-bit field, and glibc's p_proto is an int, which nss_files fills from
 *   strtoul clamped to 32 bits (so "-1" is 4294967295, i.e. -1).
 *
 * BUCKET INDEX (why a hash and not a sorted array)
 *   A lookup must not scan, and a sorted array costs about 13 string
 *   comparisons on cold cache lines for 7,000 names.  A hash costs one
 *   bucket and, on average, under two entries.  The layout is the one of a
 *   counting sort, so it has no pointers and no probing that a corrupt file
 *   could turn into a loop:
 *     bucket_count = (size of the BUCKETS section / 4) - 1, a power of two;
 *     the entries of bucket b are REFS[BUCKETS[b] .. BUCKETS[b + 1]);
 *     BUCKETS[0] = 0, BUCKETS never decreases, BUCKETS[bucket_count] is the
 *     number of REFS; each ref is an entry index, and the refs of a bucket
 *     are strictly increasing, so a bucket lists its entries in registry
 *     order, each once.
 *   Name key:  nssiana_name_hash(name) & (bucket_count - 1), where the hash
 *              is 32-bit FNV-1a over the bytes of the name with ASCII A-Z
 *              folded to a-z.  An entry is listed under the bucket of its
 *              name and of each of its aliases.  Folding lets the same
 *              bucket answer the case-insensitive fallback.
 *   Port key:  port & (bucket_count - 1).  An entry for a range is listed
 *              under the bucket of every port of the range.
 *   A bucket only narrows the search: the reader still compares the name
 *   (or port range) and protocol of every entry it lists.
 *
 * METADATA RECORD
 *   An entry's or alias's `meta` is the string offset of NSSIANA_META_FIELDS
 *   consecutive strings, in the order of enum nssiana_meta_field.  Only the
 *   tool reads them; it checks that all of them end inside the pool.  Rows
 *   that share all their metadata (the tcp and udp rows of one service,
 *   nearly always) share one record.
 */
#ifndef NSS_IANA_SNAPSHOT_FORMAT_H
#define NSS_IANA_SNAPSHOT_FORMAT_H

#include <assert.h>
#include <stdint.h>

#include "text.h"

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	      "snapshots are read in place: little-endian hosts only");

#define NSSIANA_MAGIC "NSS-IANA" /* 8 bytes, no NUL */
#define NSSIANA_MAGIC_SIZE 8
#define NSSIANA_VERSION_MAJOR 1
/* Minor 1 added the optional sections CONTACTS and PREFERENCE; minor 2 the
 * header's registry_updated (a 1.1 reader's last reserved field), the
 * entries' flags (their reserved byte) and the protocols database
 * (PROTO_*). */
#define NSSIANA_VERSION_MINOR 2
#define NSSIANA_SECTION_ALIGN 8
#define NSSIANA_MAX_PROTOCOLS 256

/*
 * LIMITS
 *   Part of the format: the compiler refuses input that would exceed one,
 *   `nss-iana verify` rejects a file that does, and the module answers
 *   NSS_STATUS_UNAVAIL (never ERANGE, never an unbounded loop) where a
 *   lookup or a walk meets one.  They bound what any file, hostile or not,
 *   can cost a process: a lookup compares at most
 *   2 * MAX_BUCKET_ENTRIES * (1 + MAX_ALIASES) strings, copies at most
 *   MAX_ANSWER_BYTES, and a walk returns at most MAX_SERVENTS entries.
 *   The IANA registry uses a small part of each.
 *
 *   MAX_FILE_SIZE       bytes in a snapshot file; a larger file is not
 *                       mapped at all.
 *   MAX_BUCKET_ENTRIES  refs in one bucket of either index: the entries a
 *                       lookup may compare.
 *   MAX_ALIASES         aliases of one entry.
 *   MAX_ANSWER_BYTES    bytes one answer needs in the caller's buffer:
 *                       alignment, the alias pointer array with its NULL,
 *                       and the name, protocol and alias strings with their
 *                       NULs.  glibc's non-reentrant callers double their
 *                       buffer on ERANGE without end, so an answer larger
 *                       than this is UNAVAIL, whatever buffer is offered.
 *   MAX_SERVENTS        entries one getservent walk returns: every port of
 *                       every entry's range, summed over the entries.
 *   MAX_PROTOENTS       protocol entries (PROTO_ENTRIES) in one file:
 *                       what one getprotoent walk may return.  The limits
 *                       above hold for the protocols sections too.
 *   MAX_SECTIONS        entries in the section table, unknown ids included:
 *                       mapping a file then reads at most the header and
 *                       MAX_SECTIONS * 16 bytes of table, whatever its size.
 *                       Version 1.2 writes 8 to 18; the rest is room for
 *                       later minor versions.
 */
#define NSSIANA_MAX_FILE_SIZE (16u << 20)
#define NSSIANA_MAX_BUCKET_ENTRIES 64
#define NSSIANA_MAX_ALIASES 32
#define NSSIANA_MAX_ANSWER_BYTES 4096
#define NSSIANA_MAX_SERVENTS (1u << 18)
#define NSSIANA_MAX_PROTOENTS (1u << 16)
#define NSSIANA_MAX_SECTIONS 64

struct nssiana_header {
	char magic[NSSIANA_MAGIC_SIZE];
	uint16_t version_major;
	uint16_t version_minor;
	uint32_t header_size;   /* where the section table starts; >= 64 */
	uint32_t file_size;     /* the whole file, in bytes */
	uint32_t section_count;
	/* CRC-32 (the zlib/IEEE polynomial) of the whole file with these four
	 * bytes read as zero.  `nss-iana verify` checks it; the module does
	 * not, because it would read every page of the file in every process. */
	uint32_t checksum;
	/* String offset: the newest Registration or Modification Date of any
	 * row ("" if none): a date of the records, not the registry's own. */
	uint32_t registry_date;
	/* What the compiler read, for `nss-iana stats` and the summary line. */
	uint32_t rows_read;
	uint32_t rows_no_name;  /* Reserved / Unassigned rows: not served */
	uint32_t rows_no_port;  /* name-only rows: not served */
	uint32_t rows_no_proto; /* name and port, no protocol: not served */
	uint32_t rows_bad_name; /* names that cannot be a services(5) token */
	uint32_t reserved[2];   /* zero */
	/* String offset: the registry's own date, the <updated> of IANA's XML
	 * (YYYY-MM-DD); "" when the input had none (a CSV: IANA's CSV export
	 * carries no date).  Minor 2; zero, so "", in older files. */
	uint32_t registry_updated;
};
static_assert(sizeof(struct nssiana_header) == 64, "header is 64 bytes");

enum nssiana_section_id {
	NSSIANA_SECTION_STRINGS = 1,
	NSSIANA_SECTION_PROTOCOLS = 2,
	NSSIANA_SECTION_ENTRIES = 3,
	NSSIANA_SECTION_ALIASES = 4,
	NSSIANA_SECTION_NAME_BUCKETS = 5,
	NSSIANA_SECTION_NAME_REFS = 6,
	NSSIANA_SECTION_PORT_BUCKETS = 7,
	NSSIANA_SECTION_PORT_REFS = 8,
};
/* Ids 1 to NSSIANA_SECTION_MAX_KNOWN are required in every version 1 file. */
#define NSSIANA_SECTION_MAX_KNOWN 8
/* The optional sections of minor version 1 (the module reads neither). */
enum nssiana_optional_section_id {
	NSSIANA_SECTION_CONTACTS = 9,
	NSSIANA_SECTION_PREFERENCE = 10,
	/* Minor version 2: the protocols database, all or none. */
	NSSIANA_SECTION_PROTO_SUMMARY = 11,
	NSSIANA_SECTION_PROTO_STRINGS = 12,
	NSSIANA_SECTION_PROTO_ENTRIES = 13,
	NSSIANA_SECTION_PROTO_ALIASES = 14,
	NSSIANA_SECTION_PROTO_NAME_BUCKETS = 15,
	NSSIANA_SECTION_PROTO_NAME_REFS = 16,
	NSSIANA_SECTION_PROTO_NUMBER_BUCKETS = 17,
	NSSIANA_SECTION_PROTO_NUMBER_REFS = 18,
};
#define NSSIANA_SECTION_PROTO_FIRST 11
#define NSSIANA_SECTION_MAX_OPTIONAL 18

struct nssiana_section {
	uint32_t id;     /* enum nssiana_section_id */
	uint32_t offset; /* from the start of the file; a multiple of 8 */
	uint32_t size;   /* bytes; a multiple of the record size */
	uint32_t reserved; /* zero */
};
static_assert(sizeof(struct nssiana_section) == 16, "section is 16 bytes");

struct nssiana_entry {
	uint32_t name;        /* string offset: the canonical service name */
	uint32_t meta;        /* string offset of the metadata record */
	uint32_t alias_first; /* index into ALIASES */
	uint16_t port_first;  /* the port, or the first port of a range */
	uint16_t port_last;   /* == port_first unless a range; never smaller */
	uint16_t alias_count;
	uint8_t proto;        /* index into PROTOCOLS */
	uint8_t flags;        /* NSSIANA_ENTRY_*; zero in a 1.0 file */
};
static_assert(sizeof(struct nssiana_entry) == 20, "entry is 20 bytes");

/* Entry flags (minor version 2; the module ignores them: they say where an
 * entry comes from, not how it answers).  PREFERRED: a line of the
 * PREFERENCE file; the flagged entries are the first ones, as many as the
 * section's `entries` says.  Every other bit is zero. */
#define NSSIANA_ENTRY_PREFERRED 0x01

struct nssiana_alias {
	uint32_t name; /* string offset */
	uint32_t meta; /* string offset of the alias row's own metadata record */
};
static_assert(sizeof(struct nssiana_alias) == 8, "alias is 8 bytes");

/* One person or organisation of IANA's contact table: string offsets. */
struct nssiana_contact {
	uint32_t id;      /* as in "[IETF_Chair]", without the brackets */
	uint32_t name;    /* each of these may be "" */
	uint32_t org;
	uint32_t uri;     /* as IANA writes it: mailto addresses with '&' for '@' */
	uint32_t updated; /* YYYY-MM-DD or YYYY-MM */
};
static_assert(sizeof(struct nssiana_contact) == 20, "contact is 20 bytes");

/* The preference file of `compile --prefer`. */
struct nssiana_preference {
	uint32_t path;    /* string offset: the file's absolute path */
	uint32_t crc32;   /* CRC-32 (zlib/IEEE) of the file's bytes */
	uint32_t lines;   /* its lines that name a service on a port */
	/* Its lines that became entries (== lines): the first `entries`
	 * entries, flagged NSSIANA_ENTRY_PREFERRED.  A snapshot of an older
	 * nss-iana, which only reordered the registry's ties, has no flagged
	 * entry and here the number of entries it moved. */
	uint32_t entries;
};
static_assert(sizeof(struct nssiana_preference) == 16, "preference is 16 bytes");

/* One protocol: a protocols(5) line. */
struct nssiana_protoent {
	uint32_t name;        /* PROTO_STRINGS offset: the official name */
	uint32_t number;      /* p_proto, as an unsigned 32-bit value */
	uint32_t alias_first; /* index into PROTO_ALIASES */
	uint16_t alias_count; /* at most NSSIANA_MAX_ALIASES */
	uint8_t source;       /* enum nssiana_proto_source */
	uint8_t reserved;     /* zero */
	/* PROTO_STRINGS offset of NSSIANA_PROTO_META_FIELDS consecutive
	 * strings (enum nssiana_proto_meta_field); all "" for a file line. */
	uint32_t meta;
};
static_assert(sizeof(struct nssiana_protoent) == 20, "protoent is 20 bytes");

enum nssiana_proto_source {
	NSSIANA_PROTO_FROM_REGISTRY = 0,
	NSSIANA_PROTO_FROM_FILE = 1, /* the preference file */
};

enum nssiana_proto_meta_field {
	NSSIANA_PROTO_META_DESCRIPTION,    /* the registry's "Protocol" */
	NSSIANA_PROTO_META_IPV6_EXTENSION, /* "Y", "N" or "" */
	NSSIANA_PROTO_META_REFERENCE,
	NSSIANA_PROTO_META_FIELDS
};

/* What the protocols compiler read and skipped (PROTO_SUMMARY). */
struct nssiana_proto_summary {
	uint32_t rows_read;        /* data rows of the registry */
	uint32_t rows_range;       /* a range of numbers (the unassigned 148-252) */
	uint32_t rows_no_keyword;  /* no keyword: nothing to name */
	uint32_t rows_bad_name;    /* a keyword that cannot be a protocols(5) token */
	uint32_t registry_entries; /* entries from the registry */
	uint32_t file_entries;     /* entries from the preference file */
	uint32_t file_path;        /* PROTO_STRINGS offset; 0 ("") if none */
	uint32_t file_crc32;       /* CRC-32 (zlib/IEEE) of its bytes */
	uint32_t reserved[4];      /* zero */
};
static_assert(sizeof(struct nssiana_proto_summary) == 48, "summary is 48 bytes");

enum nssiana_meta_field {
	NSSIANA_META_DESCRIPTION,
	NSSIANA_META_ASSIGNEE,
	NSSIANA_META_CONTACT,
	NSSIANA_META_REGISTRATION_DATE,
	NSSIANA_META_MODIFICATION_DATE,
	NSSIANA_META_REFERENCE,
	NSSIANA_META_SERVICE_CODE,
	NSSIANA_META_UNAUTHORIZED_USE,
	NSSIANA_META_ASSIGNMENT_NOTES,
	NSSIANA_META_FIELDS
};

#define NSSIANA_FNV_OFFSET 2166136261u
#define NSSIANA_FNV_PRIME 16777619u

/* The name hash of the NAME index.  Inline because the writer, the reader
 * and the tests must agree on it bit for bit. */
static inline uint32_t nssiana_name_hash(const char *name)
{
	uint32_t hash = NSSIANA_FNV_OFFSET;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		hash = (hash ^ text_ascii_fold(*p)) * NSSIANA_FNV_PRIME;
	return hash;
}

#endif
