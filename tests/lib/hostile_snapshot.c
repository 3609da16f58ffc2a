/*
 * hostile_snapshot.c - writes well-formed but hostile snapshots, and
 * snapshots with one precise defect, for the module's and verify's tests.
 *
 *   hostile_snapshot CASE FILE   write the snapshot CASE to FILE
 *   hostile_snapshot --list      the case names, one a line
 *
 * The bytes are laid out here from snapshot_format.h alone, with their own
 * CRC-32, and never through the compiler's writer: the defences of the
 * module and of `nss-iana verify` are then tested against a second,
 * independent reading of the format.  Every file has a true header, a
 * true section table and a true checksum, so each one is rejected (or
 * answered) for the one property its case is about.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "snapshot_format.h"

/* ---- growable arrays ---------------------------------------------------- */

struct bytes {
	unsigned char *data;
	size_t size, capacity;
};

static void *grow(void *data, size_t *capacity, size_t need, size_t unit)
{
	if (need <= *capacity)
		return data;
	size_t capacity_new = *capacity ? *capacity : 64;
	while (capacity_new < need)
		capacity_new *= 2;
	data = realloc(data, capacity_new * unit);
	if (data == NULL) {
		perror("hostile_snapshot");
		exit(1);
	}
	*capacity = capacity_new;
	return data;
}

static void bytes_append(struct bytes *b, const void *data, size_t size)
{
	if (size == 0)
		return; /* an empty table may have no array at all */
	b->data = grow(b->data, &b->capacity, b->size + size, 1);
	memcpy(b->data + b->size, data, size);
	b->size += size;
}

/* ---- the snapshot being built ------------------------------------------- */

struct image {
	struct bytes strings;
	uint32_t protocols[NSSIANA_MAX_PROTOCOLS];
	uint32_t protocol_count;
	struct nssiana_entry *entries;
	size_t entry_count, entry_capacity;
	struct nssiana_alias *aliases;
	size_t alias_count, alias_capacity;
	uint32_t name_buckets; /* a power of two */
	uint32_t port_buckets;
	uint32_t *name_index, *name_refs, name_ref_count;
	uint32_t *port_index, *port_refs, port_ref_count;
};

/* Offset 0 is the empty string, and with the NULs after it an empty
 * metadata record: every record in these files shares it. */
#define META_EMPTY 0

static void image_init(struct image *im, uint32_t name_buckets,
		       uint32_t port_buckets)
{
	memset(im, 0, sizeof *im);
	static const unsigned char empty_record[NSSIANA_META_FIELDS];
	bytes_append(&im->strings, empty_record, sizeof empty_record);
	im->name_buckets = name_buckets;
	im->port_buckets = port_buckets;
}

static uint32_t add_bytes(struct image *im, const char *s, size_t length)
{
	uint32_t offset = (uint32_t)im->strings.size;
	bytes_append(&im->strings, s, length);
	bytes_append(&im->strings, "", 1);
	return offset;
}

static uint32_t add_string(struct image *im, const char *s)
{
	return add_bytes(im, s, strlen(s));
}

static uint8_t add_protocol(struct image *im, const char *name)
{
	im->protocols[im->protocol_count] = add_string(im, name);
	return (uint8_t)im->protocol_count++;
}

static struct nssiana_entry *add_entry(struct image *im, uint32_t name,
				       uint8_t proto, uint16_t first,
				       uint16_t last)
{
	im->entries = grow(im->entries, &im->entry_capacity,
			   im->entry_count + 1, sizeof *im->entries);
	struct nssiana_entry *e = &im->entries[im->entry_count++];
	*e = (struct nssiana_entry){
		.name = name, .meta = META_EMPTY,
		.alias_first = (uint32_t)im->alias_count,
		.port_first = first, .port_last = last, .proto = proto,
	};
	return e;
}

/* Appends an alias to the table and to the run of the last entry. */
static void add_alias(struct image *im, uint32_t name)
{
	im->aliases = grow(im->aliases, &im->alias_capacity,
			   im->alias_count + 1, sizeof *im->aliases);
	im->aliases[im->alias_count++] =
		(struct nssiana_alias){ .name = name, .meta = META_EMPTY };
	im->entries[im->entry_count - 1].alias_count++;
}

/* ---- the two bucket indexes, laid out as a counting sort ---------------- */

struct pairs {
	uint64_t *keys; /* bucket << 32 | entry: sorting gives registry order */
	size_t count, capacity;
};

static void pairs_add(struct pairs *p, uint32_t bucket, uint32_t entry)
{
	p->keys = grow(p->keys, &p->capacity, p->count + 1, sizeof *p->keys);
	p->keys[p->count++] = (uint64_t)bucket << 32 | entry;
}

static int compare_keys(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static void build_index(struct pairs *p, uint32_t bucket_count,
			uint32_t **index, uint32_t **refs, uint32_t *ref_count)
{
	qsort(p->keys, p->count, sizeof *p->keys, compare_keys);
	*index = calloc(bucket_count + 1, sizeof **index);
	*refs = malloc((p->count + 1) * sizeof **refs);
	if (*index == NULL || *refs == NULL) {
		perror("hostile_snapshot");
		exit(1);
	}
	for (size_t i = 0; i < p->count; i++) {
		(*refs)[i] = (uint32_t)p->keys[i];
		(*index)[(p->keys[i] >> 32) + 1]++;
	}
	for (uint32_t b = 0; b < bucket_count; b++)
		(*index)[b + 1] += (*index)[b];
	*ref_count = (uint32_t)p->count;
	free(p->keys);
}

/* Hashing 65,535 aliases of 60 KB each would take minutes: consecutive
 * aliases that share one string share its bucket. */
static uint32_t name_bucket(const struct image *im, uint32_t offset,
			    uint32_t *last_offset, uint32_t *last_bucket)
{
	if (im->name_buckets == 1)
		return 0;
	if (offset != *last_offset) {
		*last_offset = offset;
		*last_bucket = nssiana_name_hash(
			(const char *)im->strings.data + offset) &
			(im->name_buckets - 1);
	}
	return *last_bucket;
}

/* Each entry is listed once in the bucket of its name and of each alias. */
static void index_names(struct image *im)
{
	struct pairs p = { 0 };
	uint32_t *seen = calloc(im->name_buckets, sizeof *seen);
	uint32_t last_offset = UINT32_MAX, last_bucket = 0;
	for (uint32_t i = 0; i < im->entry_count; i++) {
		const struct nssiana_entry *e = &im->entries[i];
		uint32_t names = im->name_buckets == 1 ? 0 : e->alias_count;
		for (uint32_t k = 0; k <= names; k++) {
			uint32_t offset = k == 0 ? e->name
				: im->aliases[e->alias_first + k - 1].name;
			uint32_t b = name_bucket(im, offset, &last_offset,
						 &last_bucket);
			if (seen[b] != i + 1) {
				seen[b] = i + 1;
				pairs_add(&p, b, i);
			}
		}
	}
	free(seen);
	build_index(&p, im->name_buckets, &im->name_index, &im->name_refs,
		    &im->name_ref_count);
}

/* Each entry is listed once in the bucket of every port of its range. */
static void index_ports(struct image *im)
{
	struct pairs p = { 0 };
	for (uint32_t i = 0; i < im->entry_count; i++) {
		const struct nssiana_entry *e = &im->entries[i];
		uint32_t span = (uint32_t)e->port_last - e->port_first + 1;
		uint32_t distinct = span < im->port_buckets ? span : im->port_buckets;
		for (uint32_t k = 0; k < distinct; k++)
			pairs_add(&p, (e->port_first + k) & (im->port_buckets - 1), i);
	}
	build_index(&p, im->port_buckets, &im->port_index, &im->port_refs,
		    &im->port_ref_count);
}

/* ---- CRC-32 (zlib/IEEE), with a way to append gigabytes of zeros -------- */

static uint32_t crc32_update(uint32_t crc, const unsigned char *data,
			     size_t size)
{
	crc = ~crc;
	for (size_t i = 0; i < size; i++) {
		crc ^= data[i];
		for (int bit = 0; bit < 8; bit++)
			crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
	}
	return ~crc;
}

static uint32_t gf2_times(const uint32_t matrix[32], uint32_t vector)
{
	uint32_t sum = 0;
	for (int i = 0; vector; i++, vector >>= 1)
		if (vector & 1)
			sum ^= matrix[i];
	return sum;
}

/* The CRC of the data so far followed by `count` zero bytes, without
 * reading them: the register's step over a zero bit is linear, so its
 * 2^k-th power is found by squaring (as zlib's crc32_combine does). */
static uint32_t crc32_zeros(uint32_t crc, uint64_t count)
{
	uint32_t step[32], square[32];
	step[0] = 0xedb88320u;
	for (int i = 1; i < 32; i++)
		step[i] = 1u << (i - 1);
	uint32_t reg = ~crc;
	for (uint64_t bits = count * 8; bits; bits >>= 1) {
		if (bits & 1)
			reg = gf2_times(step, reg);
		for (int i = 0; i < 32; i++)
			square[i] = gf2_times(step, step[i]);
		memcpy(step, square, sizeof step);
	}
	return ~reg;
}

/* ---- layout: header, table, sections ------------------------------------ */

struct section_plan {
	uint32_t id;
	const void *data;
	uint32_t size;
	uint32_t offset; /* set by layout */
	uint32_t reserved;
};

/* How a case bends the layout the compiler would write. */
struct layout_options {
	uint64_t pool_tail;       /* zero bytes appended to the pool (sparse) */
	uint32_t pool_start_back; /* the pool starts this much earlier */
	bool port_refs_on_name_refs;
	bool table_at_end;        /* ... and the pool (placed last) covers it */
	bool unknown_section;
	bool duplicate_section;
	uint32_t section_reserved;
	uint32_t header_reserved;
	int32_t rows_read_delta;
	uint32_t checksum_xor;
	uint32_t empty_sections;  /* all-zero table records after the real ones */
};

struct file {
	struct bytes head;    /* header, table and sections */
	uint64_t total_size;  /* with the pool's zero tail */
};

static void bytes_zeros(struct bytes *b, size_t size)
{
	b->data = grow(b->data, &b->capacity, b->size + size, 1);
	memset(b->data + b->size, 0, size);
	b->size += size;
}

static void pad8(struct bytes *b)
{
	bytes_zeros(b, -b->size & (NSSIANA_SECTION_ALIGN - 1));
}

static struct section_plan section(uint32_t id, const void *data,
				   uint32_t size)
{
	return (struct section_plan){ .id = id, .data = data, .size = size };
}

static size_t plan_sections(const struct image *im,
			    const struct layout_options *opt,
			    struct section_plan *plan)
{
	size_t n = 0;
	/* The pool goes last so that a zero tail (or the table) extends it. */
	plan[n++] = section(NSSIANA_SECTION_PROTOCOLS,
		im->protocols, im->protocol_count * 4);
	plan[n++] = section(NSSIANA_SECTION_ENTRIES,
		im->entries, (uint32_t)(im->entry_count * sizeof *im->entries));
	plan[n++] = section(NSSIANA_SECTION_ALIASES,
		im->aliases, (uint32_t)(im->alias_count * sizeof *im->aliases));
	plan[n++] = section(NSSIANA_SECTION_NAME_BUCKETS,
		im->name_index, (im->name_buckets + 1) * 4);
	plan[n++] = section(NSSIANA_SECTION_NAME_REFS,
		im->name_refs, im->name_ref_count * 4);
	plan[n++] = section(NSSIANA_SECTION_PORT_BUCKETS,
		im->port_index, (im->port_buckets + 1) * 4);
	plan[n++] = section(NSSIANA_SECTION_PORT_REFS,
		im->port_refs, im->port_ref_count * 4);
	if (opt->unknown_section)
		plan[n++] = section(99, "unknown!", 8);
	if (opt->duplicate_section)
		plan[n++] = section(NSSIANA_SECTION_PROTOCOLS,
			im->protocols, im->protocol_count * 4);
	plan[n++] = section(NSSIANA_SECTION_STRINGS,
		im->strings.data, (uint32_t)im->strings.size);
	plan[0].reserved = opt->section_reserved;
	return n;
}

static void write_table(struct bytes *out, size_t at,
			const struct section_plan *plan, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct nssiana_section s = { plan[i].id, plan[i].offset,
					     plan[i].size, plan[i].reserved };
		memcpy(out->data + at + i * sizeof s, &s, sizeof s);
	}
}

static void lay_out(const struct image *im, const struct layout_options *opt,
		    struct file *f)
{
	struct section_plan plan[12];
	size_t n = plan_sections(im, opt, plan);
	size_t table_size = (n + opt->empty_sections) * sizeof(struct nssiana_section);
	struct nssiana_header header = { .version_major = NSSIANA_VERSION_MAJOR,
		.version_minor = NSSIANA_VERSION_MINOR,
		.header_size = sizeof header,
		.section_count = (uint32_t)n + opt->empty_sections,
		.rows_read = (uint32_t)(im->entry_count + im->alias_count +
					opt->rows_read_delta) };
	memcpy(header.magic, NSSIANA_MAGIC, NSSIANA_MAGIC_SIZE);
	header.reserved[0] = opt->header_reserved;

	struct bytes *out = &f->head;
	bytes_append(out, &header, sizeof header);
	if (!opt->table_at_end)
		bytes_zeros(out, table_size); /* written once the offsets are known */
	for (size_t i = 0; i < n; i++) {
		pad8(out);
		plan[i].offset = (uint32_t)out->size;
		if (opt->port_refs_on_name_refs &&
		    plan[i].id == NSSIANA_SECTION_PORT_REFS) {
			plan[i].offset = plan[i - 2].offset; /* NAME_REFS */
			continue;
		}
		bytes_append(out, plan[i].data, plan[i].size);
	}
	struct section_plan *pool = &plan[n - 1];
	if (opt->table_at_end) {
		/* The table follows the pool's last NUL; the pool grows over it,
		 * and still ends with a NUL: the last table field is reserved. */
		pad8(out);
		((struct nssiana_header *)out->data)->header_size = (uint32_t)out->size;
		bytes_zeros(out, table_size);
		pool->size = (uint32_t)(out->size - pool->offset);
	}
	pool->offset -= opt->pool_start_back;
	pool->size += opt->pool_start_back + (uint32_t)opt->pool_tail;
	write_table(out, ((struct nssiana_header *)out->data)->header_size, plan, n);

	f->total_size = out->size + opt->pool_tail;
	struct nssiana_header *h = (struct nssiana_header *)out->data;
	h->file_size = (uint32_t)f->total_size;
	uint32_t crc = crc32_zeros(crc32_update(0, out->data, out->size),
				   opt->pool_tail);
	h->checksum = crc ^ opt->checksum_xor;
}

static void image_free(struct image *im)
{
	free(im->strings.data);
	free(im->entries);
	free(im->aliases);
	free(im->name_index);
	free(im->name_refs);
	free(im->port_index);
	free(im->port_refs);
}

static void finish_image(struct image *im)
{
	index_names(im);
	index_ports(im);
}

/* Shifts every string offset so that the pool can start `back` bytes
 * earlier, over the header's last (reserved, zero) bytes. */
static void shift_strings(struct image *im, uint32_t back)
{
	for (uint32_t p = 0; p < im->protocol_count; p++)
		im->protocols[p] += back;
	for (size_t i = 0; i < im->entry_count; i++) {
		im->entries[i].name += back;
		im->entries[i].meta += back;
	}
	for (size_t i = 0; i < im->alias_count; i++) {
		im->aliases[i].name += back;
		im->aliases[i].meta += back;
	}
}

static int write_file(const char *path, const struct file *f)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, f->head.data, f->head.size) != (ssize_t)f->head.size ||
	    ftruncate(fd, (off_t)f->total_size) != 0 || close(fd) != 0) {
		fprintf(stderr, "hostile_snapshot: %s: %s\n", path, strerror(errno));
		return 1;
	}
	return 0;
}

/* ---- the cases ---------------------------------------------------------- */

/* A small sound registry: the base of the one-defect cases. */
static void small_registry(struct image *im)
{
	image_init(im, 8, 8);
	uint8_t tcp = add_protocol(im, "tcp"), udp = add_protocol(im, "udp");
	add_entry(im, add_string(im, "ssh"), tcp, 22, 22);
	add_entry(im, add_string(im, "http"), tcp, 80, 80);
	add_alias(im, add_string(im, "www"));
	add_alias(im, add_string(im, "www-http"));
	add_entry(im, add_string(im, "http"), udp, 80, 80);
	add_entry(im, add_string(im, "x11"), tcp, 6000, 6063);
}

/* One name bucket and one port bucket list 100,000 entries whose alias
 * runs all share 65,535 aliases: a miss would compare 6.5 billion
 * strings. */
static void case_bucket_flood(struct image *im, struct layout_options *opt)
{
	(void)opt;
	image_init(im, 1, 1);
	uint8_t tcp = add_protocol(im, "tcp");
	uint32_t alias = add_string(im, "shared-alias");
	for (uint32_t i = 0; i < 100000; i++) {
		char name[16];
		snprintf(name, sizeof name, "flood%u", i);
		struct nssiana_entry *e = add_entry(im, add_string(im, name), tcp, 1, 1);
		if (i == 0) {
			for (uint32_t k = 0; k < UINT16_MAX; k++)
				add_alias(im, alias);
		} else {
			e->alias_first = 0;
			e->alias_count = UINT16_MAX;
		}
	}
}

/* "https" with 65,535 aliases, all one 60 KB string: a 3.9 GB answer. */
static void case_alias_bomb(struct image *im, struct layout_options *opt)
{
	(void)opt;
	image_init(im, 8, 8);
	uint8_t tcp = add_protocol(im, "tcp");
	add_entry(im, add_string(im, "ssh"), tcp, 22, 22);
	add_entry(im, add_string(im, "https"), tcp, 443, 443);
	char *big = malloc(60 * 1024);
	memset(big, 'a', 60 * 1024);
	uint32_t alias = add_bytes(im, big, 60 * 1024);
	free(big);
	for (uint32_t k = 0; k < UINT16_MAX; k++)
		add_alias(im, alias);
}

/* 60 entries of 0-65535: 3.9 million servents from a few KB. */
static void case_range_bomb(struct image *im, struct layout_options *opt)
{
	(void)opt;
	image_init(im, 64, 64);
	uint8_t tcp = add_protocol(im, "tcp");
	for (uint32_t i = 0; i < 60; i++) {
		char name[16];
		snprintf(name, sizeof name, "range%u", i);
		add_entry(im, add_string(im, name), tcp, 0, UINT16_MAX);
	}
}

/* `count` entries in the one name bucket and the one port bucket. */
static void crowded_bucket(struct image *im, uint32_t count)
{
	image_init(im, 1, 1);
	uint8_t tcp = add_protocol(im, "tcp");
	add_protocol(im, "udp");
	for (uint32_t i = 0; i < count; i++) {
		char name[16];
		snprintf(name, sizeof name, "crowd%u", i);
		add_entry(im, add_string(im, name), tcp, 7, 7);
	}
}

static void case_bucket_over(struct image *im, struct layout_options *opt)
{
	(void)opt;
	crowded_bucket(im, NSSIANA_MAX_BUCKET_ENTRIES + 1);
}

static void case_bucket_at(struct image *im, struct layout_options *opt)
{
	(void)opt;
	crowded_bucket(im, NSSIANA_MAX_BUCKET_ENTRIES);
}

static void many_aliases(struct image *im, uint32_t count)
{
	small_registry(im);
	add_entry(im, add_string(im, "many"), 0, 4000, 4000);
	for (uint32_t k = 0; k < count; k++) {
		char name[16];
		snprintf(name, sizeof name, "many-%u", k);
		add_alias(im, add_string(im, name));
	}
}

static void case_aliases_over(struct image *im, struct layout_options *opt)
{
	(void)opt;
	many_aliases(im, NSSIANA_MAX_ALIASES + 1);
}

static void case_aliases_at(struct image *im, struct layout_options *opt)
{
	(void)opt;
	many_aliases(im, NSSIANA_MAX_ALIASES);
}

/* An entry "big" of tcp port 4001 with one alias, whose answer takes
 * `bytes` in the caller's buffer before alignment: two pointers, "big",
 * "tcp" and the alias, each with its NUL. */
static void big_answer(struct image *im, size_t bytes)
{
	small_registry(im);
	add_entry(im, add_string(im, "big"), 0, 4001, 4001);
	size_t fixed = 2 * sizeof(char *) + sizeof "big" + sizeof "tcp";
	size_t length = bytes - fixed - 1;
	char *alias = malloc(length);
	memset(alias, 'b', length);
	add_alias(im, add_bytes(im, alias, length));
	free(alias);
}

/* Below by a pointer's alignment, so no buffer address can push it over. */
static void case_answer_below(struct image *im, struct layout_options *opt)
{
	(void)opt;
	big_answer(im, NSSIANA_MAX_ANSWER_BYTES - (sizeof(char *) - 1));
}

static void case_answer_above(struct image *im, struct layout_options *opt)
{
	(void)opt;
	big_answer(im, NSSIANA_MAX_ANSWER_BYTES + 1);
}

static void case_good(struct image *im, struct layout_options *opt)
{
	(void)opt;
	small_registry(im);
}

/* Sound, with 4 MiB of zero bytes at the end of the pool: a sparse file
 * whose checksum covers the zeros. */
static void case_good_tail(struct image *im, struct layout_options *opt)
{
	small_registry(im);
	opt->pool_tail = 4u << 20;
}

static void case_sparse_3g(struct image *im, struct layout_options *opt)
{
	small_registry(im);
	opt->pool_tail = 3ull << 30;
}

/* The pool's zero tail makes the file 8 bytes longer than the limit. */
static void case_over_max_size(struct image *im, struct layout_options *opt)
{
	small_registry(im);
	finish_image(im);
	struct file probe = { 0 };
	lay_out(im, opt, &probe);
	opt->pool_tail = NSSIANA_MAX_FILE_SIZE + 8 - probe.total_size;
	free(probe.head.data);
}

static void case_overlap_sections(struct image *im, struct layout_options *opt)
{
	/* With one bucket in each index, both list every entry once in
	 * registry order: the port refs can be the name refs' very bytes. */
	image_init(im, 1, 1);
	uint8_t tcp = add_protocol(im, "tcp");
	add_entry(im, add_string(im, "ssh"), tcp, 22, 22);
	add_entry(im, add_string(im, "http"), tcp, 80, 80);
	opt->port_refs_on_name_refs = true;
}

/* The pool starts at header byte 56 (reserved, zero, so its offset 0 is
 * still the empty string) and runs over the table and every section. */
static void case_overlap_header(struct image *im, struct layout_options *opt)
{
	small_registry(im);
	finish_image(im);
	struct file probe = { 0 };
	lay_out(im, opt, &probe);
	const struct nssiana_header *h = (const void *)probe.head.data;
	const struct nssiana_section *table =
		(const void *)(probe.head.data + h->header_size);
	uint32_t pool_at = table[h->section_count - 1].offset;
	free(probe.head.data);
	opt->pool_start_back = pool_at - (sizeof *h - 8);
	shift_strings(im, opt->pool_start_back);
}

static void case_overlap_table(struct image *im, struct layout_options *opt)
{
	small_registry(im);
	opt->table_at_end = true;
}

static void case_unknown_section(struct image *im, struct layout_options *opt)
{
	small_registry(im);
	opt->unknown_section = true;
}

/* 900,000 more table records (id 0: a later version's, to a reader of
 * this one), 14 MB of table under the size limit: past the section limit,
 * and a reader without it would walk them all at every mapping. */
static void case_section_flood(struct image *im, struct layout_options *opt)
{
	small_registry(im);
	opt->empty_sections = 900000;
}

/* Exactly NSSIANA_MAX_SECTIONS records: sound. */
static void case_sections_at(struct image *im, struct layout_options *opt)
{
	small_registry(im);
	opt->empty_sections = NSSIANA_MAX_SECTIONS - 8;
}

static void case_duplicate_section(struct image *im, struct layout_options *opt)
{
	small_registry(im);
	opt->duplicate_section = true;
}

static void case_reserved_header(struct image *im, struct layout_options *opt)
{
	small_registry(im);
	opt->header_reserved = 1;
}

static void case_reserved_section(struct image *im, struct layout_options *opt)
{
	small_registry(im);
	opt->section_reserved = 1;
}

static void case_reserved_entry(struct image *im, struct layout_options *opt)
{
	(void)opt;
	small_registry(im);
	im->entries[0].reserved = 1;
}

static void case_checksum(struct image *im, struct layout_options *opt)
{
	small_registry(im);
	opt->checksum_xor = 1;
}

static void case_counts(struct image *im, struct layout_options *opt)
{
	small_registry(im);
	opt->rows_read_delta = 1;
}

/* A sound registry with one more entry of name `name` (or one more alias
 * of "ssh" if `as_alias`). */
static void odd_name(struct image *im, const char *name, bool as_alias)
{
	small_registry(im);
	if (as_alias)
		add_entry(im, add_string(im, "plain"), 0, 4002, 4002),
		add_alias(im, add_string(im, name));
	else
		add_entry(im, add_string(im, name), 0, 4002, 4002);
}

#define NAME_CASE(fn, name, as_alias) \
	static void fn(struct image *im, struct layout_options *opt) \
	{ (void)opt; odd_name(im, name, as_alias); }
NAME_CASE(case_name_control, "bad\001name", false)
NAME_CASE(case_name_rlo, "gnp\xe2\x80\xae" "exe", false)
NAME_CASE(case_name_space, "two words", false)
NAME_CASE(case_name_tab, "tab\tname", false)
NAME_CASE(case_name_hash, "not#comment", false)
NAME_CASE(case_name_utf8, "bad\xff" "byte", false)
NAME_CASE(case_name_empty, "", false)
NAME_CASE(case_alias_rlo, "gnp\xe2\x80\xae" "exe", true)
NAME_CASE(case_alias_space, "two words", true)

static void case_proto_space(struct image *im, struct layout_options *opt)
{
	(void)opt;
	small_registry(im);
	uint8_t odd = add_protocol(im, "t cp");
	add_entry(im, add_string(im, "odd-proto"), odd, 4003, 4003);
}

/* The base of the one-field defects, which damage() applies once the
 * indexes are built. */
static void case_small(struct image *im, struct layout_options *opt)
{
	(void)opt;
	small_registry(im);
}

enum after { AFTER_NONE, AFTER_PORT_REVERSED, AFTER_PROTO_OUT,
	     AFTER_NAME_OUT, AFTER_META_OUT, AFTER_META_SHORT,
	     AFTER_ALIAS_RUN_OUT, AFTER_ALIAS_SHARED, AFTER_ALIAS_NAME_OUT,
	     AFTER_REF_OUT, AFTER_BUCKET_DECREASES, AFTER_BUCKET_ORDER,
	     AFTER_BUCKET_MISSING, AFTER_PROTOCOL_OUT, AFTER_REFS_UNCOVERED };

struct hostile_case {
	const char *name;
	void (*build)(struct image *, struct layout_options *);
	enum after after;
};

static const struct hostile_case cases[] = {
	{ "good", case_good, AFTER_NONE },
	{ "good-tail", case_good_tail, AFTER_NONE },
	{ "bucket-flood", case_bucket_flood, AFTER_NONE },
	{ "alias-bomb", case_alias_bomb, AFTER_NONE },
	{ "range-bomb", case_range_bomb, AFTER_NONE },
	{ "bucket-over", case_bucket_over, AFTER_NONE },
	{ "bucket-at", case_bucket_at, AFTER_NONE },
	{ "aliases-over", case_aliases_over, AFTER_NONE },
	{ "aliases-at", case_aliases_at, AFTER_NONE },
	{ "answer-above", case_answer_above, AFTER_NONE },
	{ "answer-below", case_answer_below, AFTER_NONE },
	{ "sparse-3g", case_sparse_3g, AFTER_NONE },
	{ "over-max-size", case_over_max_size, AFTER_NONE },
	{ "overlap-sections", case_overlap_sections, AFTER_NONE },
	{ "overlap-header", case_overlap_header, AFTER_NONE },
	{ "overlap-table", case_overlap_table, AFTER_NONE },
	{ "unknown-section", case_unknown_section, AFTER_NONE },
	{ "duplicate-section", case_duplicate_section, AFTER_NONE },
	{ "section-flood", case_section_flood, AFTER_NONE },
	{ "sections-at", case_sections_at, AFTER_NONE },
	{ "reserved-header", case_reserved_header, AFTER_NONE },
	{ "reserved-section", case_reserved_section, AFTER_NONE },
	{ "reserved-entry", case_reserved_entry, AFTER_NONE },
	{ "checksum", case_checksum, AFTER_NONE },
	{ "counts", case_counts, AFTER_NONE },
	{ "name-control", case_name_control, AFTER_NONE },
	{ "name-rlo", case_name_rlo, AFTER_NONE },
	{ "name-space", case_name_space, AFTER_NONE },
	{ "name-tab", case_name_tab, AFTER_NONE },
	{ "name-hash", case_name_hash, AFTER_NONE },
	{ "name-utf8", case_name_utf8, AFTER_NONE },
	{ "name-empty", case_name_empty, AFTER_NONE },
	{ "alias-rlo", case_alias_rlo, AFTER_NONE },
	{ "alias-space", case_alias_space, AFTER_NONE },
	{ "proto-space", case_proto_space, AFTER_NONE },
	{ "port-reversed", case_small, AFTER_PORT_REVERSED },
	{ "proto-index-out", case_small, AFTER_PROTO_OUT },
	{ "name-offset-out", case_small, AFTER_NAME_OUT },
	{ "meta-offset-out", case_small, AFTER_META_OUT },
	{ "meta-unterminated", case_small, AFTER_META_SHORT },
	{ "alias-run-out", case_small, AFTER_ALIAS_RUN_OUT },
	{ "alias-shared", case_small, AFTER_ALIAS_SHARED },
	{ "alias-name-out", case_small, AFTER_ALIAS_NAME_OUT },
	{ "protocol-name-out", case_small, AFTER_PROTOCOL_OUT },
	{ "ref-out", case_small, AFTER_REF_OUT },
	{ "bucket-decreases", case_small, AFTER_BUCKET_DECREASES },
	{ "bucket-order", case_small, AFTER_BUCKET_ORDER },
	{ "bucket-missing", case_small, AFTER_BUCKET_MISSING },
	{ "refs-uncovered", case_small, AFTER_REFS_UNCOVERED },
};

/* The small registry's entries 0 (ssh/tcp/22) and 1 (http/tcp/80 with two
 * aliases) are the ones damaged; the indexes were built sound first. */
static void damage(struct image *im, enum after what)
{
	uint32_t pool = (uint32_t)im->strings.size;
	switch (what) {
	case AFTER_NONE: break;
	case AFTER_PORT_REVERSED: im->entries[3].port_first = 6064; break;
	case AFTER_PROTO_OUT: im->entries[0].proto = 2; break;
	case AFTER_NAME_OUT: im->entries[0].name = pool; break;
	case AFTER_META_OUT: im->entries[0].meta = pool; break;
	case AFTER_META_SHORT: im->entries[0].meta = pool - 1; break;
	case AFTER_ALIAS_RUN_OUT: im->entries[1].alias_count = 3; break;
	case AFTER_ALIAS_SHARED: im->entries[0].alias_count = 1;
		im->entries[0].alias_first = 0; break;
	case AFTER_ALIAS_NAME_OUT: im->aliases[1].name = pool + 8; break;
	case AFTER_PROTOCOL_OUT: im->protocols[1] = pool; break;
	case AFTER_REF_OUT: im->name_refs[0] = (uint32_t)im->entry_count; break;
	case AFTER_BUCKET_DECREASES:
		/* bucket 1 ends before it starts; the total is unchanged */
		im->name_index[1] = im->name_index[2] + 1;
		break;
	case AFTER_REFS_UNCOVERED:
		im->name_index[im->name_buckets]--;
		break;
	case AFTER_BUCKET_ORDER: {
		/* the port bucket of 80 lists http/tcp, then http/udp: swap */
		uint32_t b = 80 & (im->port_buckets - 1);
		uint32_t at = im->port_index[b];
		uint32_t t = im->port_refs[at];
		im->port_refs[at] = im->port_refs[at + 1];
		im->port_refs[at + 1] = t;
		break;
	}
	case AFTER_BUCKET_MISSING:
		/* ssh listed under a bucket that is not its port's */
		for (uint32_t i = 0; i < im->port_ref_count; i++)
			if (im->port_refs[i] == 0)
				im->port_refs[i] = 3;
		break;
	}
}

int main(int argc, char **argv)
{
	size_t n_cases = sizeof cases / sizeof cases[0];
	if (argc == 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < n_cases; i++)
			puts(cases[i].name);
		return 0;
	}
	if (argc != 3) {
		fputs("usage: hostile_snapshot CASE FILE | --list\n", stderr);
		return 2;
	}
	for (size_t i = 0; i < n_cases; i++) {
		if (strcmp(argv[1], cases[i].name) != 0)
			continue;
		struct image im;
		struct layout_options opt = { 0 };
		cases[i].build(&im, &opt);
		if (im.name_index == NULL)
			finish_image(&im);
		damage(&im, cases[i].after);
		struct file f = { 0 };
		lay_out(&im, &opt, &f);
		int status = write_file(argv[2], &f);
		free(f.head.data);
		image_free(&im);
		return status;
	}
	fprintf(stderr, "hostile_snapshot: no case '%s' (see --list)\n", argv[1]);
	return 2;
}
