/*
 * registry.c - the registry rules declared in registry.h.
 *
 * Every string of a loaded registry lives in one arena (a chain of large
 * blocks, and the input buffer when the registry read the file itself), so
 * freeing a registry is freeing a handful of blocks, and a failed load can
 * drop everything it built in one call.
 */
#include "registry.h"

#include "csv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#define REGISTRY_MAX_FILE_SIZE ((size_t)256 << 20)
#define ARENA_BLOCK_SIZE ((size_t)256 << 10)

/* ---- arena ---------------------------------------------------------------- */

struct arena_block {
	struct arena_block *next;
	size_t used;
	size_t size;
	char data[];
};

struct arena {
	struct arena_block *blocks;
	char *empty; /* one shared "" for every empty field */
	char *input; /* the file's bytes, when rows are kept in place there */
};

static void arena_free(struct arena *arena)
{
	if (!arena)
		return;
	for (struct arena_block *block = arena->blocks, *next; block; block = next) {
		next = block->next;
		free(block);
	}
	free(arena->input);
	free(arena);
}

static char *arena_alloc(struct arena *arena, size_t size)
{
	struct arena_block *block = arena->blocks;

	if (!block || block->size - block->used < size) {
		/* Fields longer than a block get a block of their own. */
		size_t block_size = size > ARENA_BLOCK_SIZE ? size : ARENA_BLOCK_SIZE;
		block = malloc(sizeof(*block) + block_size);
		if (!block)
			return NULL;
		block->used = 0;
		block->size = block_size;
		block->next = arena->blocks;
		arena->blocks = block;
	}
	block->used += size;
	return block->data + block->used - size;
}

static char *arena_copy(struct arena *arena, const char *text, size_t length)
{
	char *copy;

	if (length == 0)
		return arena->empty;
	copy = arena_alloc(arena, length + 1);
	if (copy) {
		memcpy(copy, text, length);
		copy[length] = '\0';
	}
	return copy;
}

static struct arena *arena_new(void)
{
	struct arena *arena = calloc(1, sizeof(*arena));

	if (!arena)
		return NULL;
	arena->empty = arena_alloc(arena, 1);
	if (!arena->empty) {
		arena_free(arena);
		return NULL;
	}
	arena->empty[0] = '\0';
	return arena;
}

/* ---- columns -------------------------------------------------------------- */

enum column {
	COL_NAME,
	COL_PORT,
	COL_PROTO,
	COL_META, /* COL_META + enum nssiana_meta_field */
	COL_COUNT = COL_META + NSSIANA_META_FIELDS
};

static const char *const column_names[COL_COUNT] = {
	[COL_NAME] = "Service Name",
	[COL_PORT] = "Port Number",
	[COL_PROTO] = "Transport Protocol",
	[COL_META + NSSIANA_META_DESCRIPTION] = "Description",
	[COL_META + NSSIANA_META_ASSIGNEE] = "Assignee",
	[COL_META + NSSIANA_META_CONTACT] = "Contact",
	[COL_META + NSSIANA_META_REGISTRATION_DATE] = "Registration Date",
	[COL_META + NSSIANA_META_MODIFICATION_DATE] = "Modification Date",
	[COL_META + NSSIANA_META_REFERENCE] = "Reference",
	[COL_META + NSSIANA_META_SERVICE_CODE] = "Service Code",
	[COL_META + NSSIANA_META_UNAUTHORIZED_USE] = "Unauthorized Use Reported",
	[COL_META + NSSIANA_META_ASSIGNMENT_NOTES] = "Assignment Notes",
};

/* IANA's name for column 11 up to at least 2018. */
#define OLD_UNAUTHORIZED_USE_NAME "Known Unauthorized Uses"

/* ---- loading state -------------------------------------------------------- */

struct loader {
	struct registry *reg;
	struct csv_reader csv;
	const char *filename;
	char *err;
	size_t err_size;
	long where[COL_COUNT]; /* CSV field index of each column, or -1 */
	size_t header_fields;
	size_t capacity;       /* of reg->rows */
	/* Parallel to reg->rows: the name an alias row points at, or NULL. */
	const char **alias_targets;
	char newest_date[11];
	/* The input, when the registry owns it and rows are kept in place
	 * (see copy_record_text), else NULL. */
	char *writable_input;
	size_t record_start; /* input offset of the record being read */
};

__attribute__((format(printf, 4, 5)))
static int fail(struct loader *loader, long line, long column,
		const char *format, ...)
{
	va_list args;
	int used;

	if (loader->err_size == 0)
		return -1;
	used = snprintf(loader->err, loader->err_size, "%s:%ld:%ld: ",
			loader->filename, line, column);
	if (used >= 0 && (size_t)used < loader->err_size) {
		va_start(args, format);
		vsnprintf(loader->err + used, loader->err_size - (size_t)used,
			  format, args);
		va_end(args);
	}
	return -1;
}

static int fail_csv(struct loader *loader, const struct csv_error *error)
{
	return fail(loader, error->line, error->column, "%s", error->message);
}

static int same_text_ignoring_case(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

static int column_of_header(const char *text)
{
	for (int column = 0; column < COL_COUNT; column++)
		if (same_text_ignoring_case(text, column_names[column]))
			return column;
	if (same_text_ignoring_case(text, OLD_UNAUTHORIZED_USE_NAME))
		return COL_META + NSSIANA_META_UNAUTHORIZED_USE;
	return -1;
}

static int read_header(struct loader *loader)
{
	struct csv_error error;
	int status = csv_next(&loader->csv, &error);

	if (status < 0)
		return fail_csv(loader, &error);
	if (status == 0)
		return fail(loader, 1, 1, "no header row: the input is empty");
	for (int column = 0; column < COL_COUNT; column++)
		loader->where[column] = -1;
	loader->header_fields = loader->csv.field_count;
	for (size_t i = 0; i < loader->csv.field_count; i++) {
		const struct csv_field *field = &loader->csv.fields[i];
		int column = column_of_header(field->text);
		if (column < 0)
			continue; /* a column this version does not know */
		if (loader->where[column] >= 0)
			return fail(loader, field->line, field->column,
				    "column \"%s\" appears twice in the header",
				    field->text);
		loader->where[column] = (long)i;
	}
	for (int column = COL_NAME; column <= COL_PROTO; column++)
		if (loader->where[column] < 0)
			return fail(loader, loader->csv.fields[0].line, 1,
				    "missing required column \"%s\" in the header row",
				    column_names[column]);
	return 0;
}

static const struct csv_field *field_of(const struct loader *loader, int column)
{
	static const struct csv_field absent = { "", 0, 0, 0 };
	long index = loader->where[column];

	return index < 0 ? &absent : &loader->csv.fields[index];
}

/* ---- field rules ---------------------------------------------------------- */

static int parse_port_number(const char **p, uint16_t *value)
{
	unsigned long number = 0;
	const char *start = *p;

	while (**p >= '0' && **p <= '9') {
		number = number * 10 + (unsigned long)(**p - '0');
		if (number > 65535)
			return -1;
		(*p)++;
	}
	if (*p == start)
		return -1;
	*value = (uint16_t)number;
	return 0;
}

/* "N" or "N-M", 0 <= N <= M <= 65535, nothing else. */
static int parse_ports(const char *text, uint16_t *first, uint16_t *last)
{
	const char *p = text;

	if (parse_port_number(&p, first) < 0)
		return -1;
	*last = *first;
	if (*p == '-') {
		p++;
		if (parse_port_number(&p, last) < 0 || *last < *first)
			return -1;
	}
	return *p == '\0' ? 0 : -1;
}

static int is_protocol_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
	       c == '+';
}

static int is_valid_protocol(const struct csv_field *field)
{
	for (size_t i = 0; i < field->length; i++)
		if (!is_protocol_byte((unsigned char)field->text[i]))
			return 0;
	return 1;
}

/* services(5) splits a line on white space and ends it at '#', so such a
 * name (or one with control bytes) cannot be written as one token. */
static int is_servable_name(const struct csv_field *field)
{
	for (size_t i = 0; i < field->length; i++) {
		unsigned char c = (unsigned char)field->text[i];
		if (c <= ' ' || c == 0x7F || c == '#')
			return 0;
	}
	return 1;
}

/* Matches `pattern` at text, where a space in the pattern stands for any
 * run of white space: exports have rendered IANA's line breaks both as
 * spaces and as newlines.  Returns the end of the match or NULL. */
static const char *match_phrase(const char *text, const char *pattern)
{
	for (; *pattern; pattern++) {
		if (*pattern == ' ') {
			if (*text != ' ' && *text != '\n' && *text != '\r' && *text != '\t')
				return NULL;
			while (*text == ' ' || *text == '\n' || *text == '\r' || *text == '\t')
				text++;
		} else if (*text++ != *pattern) {
			return NULL;
		}
	}
	return text;
}

/* The quoted name after `intro` anywhere in notes, as [*start, *end). */
static int find_quoted_after(const char *notes, const char *intro,
			     const char **start, const char **end)
{
	for (const char *p = strchr(notes, intro[0]); p; p = strchr(p + 1, intro[0])) {
		const char *after = match_phrase(p, intro);
		const char *close;
		if (!after)
			continue;
		close = strchr(after, '"');
		if (!close)
			continue;
		*start = after;
		*end = close;
		return 1;
	}
	return 0;
}

/* The name an alias row's Assignment Notes point at, or NULL. */
static const char *alias_target(struct loader *loader, const char *notes, int *failed)
{
	static const char *const intros[] = {
		"This entry is an alias to \"",
		"This is a duplicate of the \"",
	};
	const char *start, *end;

	for (size_t i = 0; i < sizeof(intros) / sizeof(intros[0]); i++) {
		if (!find_quoted_after(notes, intros[i], &start, &end))
			continue;
		const char *copy = arena_copy(loader->reg->arena, start, (size_t)(end - start));
		if (!copy)
			*failed = 1;
		return copy;
	}
	return NULL;
}

static int is_date(const char *text, size_t length)
{
	static const char shape[] = "NNNN-NN-NN";

	if (length != 7 && length != 10)
		return 0;
	for (size_t i = 0; i < length; i++) {
		int digit = text[i] >= '0' && text[i] <= '9';
		if (shape[i] == 'N' ? !digit : text[i] != '-')
			return 0;
	}
	return 1;
}

/* YYYY-MM sorts before every YYYY-MM-DD of its month as a string, which is
 * the order wanted: a month-only date says less, not more. */
static void note_date(struct loader *loader, const struct csv_field *field)
{
	/* The comparison first: it is nearly always false, and cheaper. */
	if (strcmp(field->text, loader->newest_date) > 0 &&
	    is_date(field->text, field->length))
		memcpy(loader->newest_date, field->text, field->length + 1);
}

/* ---- rows ----------------------------------------------------------------- */

static int grow_rows(struct loader *loader)
{
	struct registry *reg = loader->reg;
	size_t capacity = loader->capacity ? loader->capacity * 2 : 1024;
	struct registry_row *rows;
	const char **targets;

	rows = realloc(reg->rows, capacity * sizeof(*rows));
	if (!rows)
		return -1;
	reg->rows = rows;
	targets = realloc(loader->alias_targets, capacity * sizeof(*targets));
	if (!targets)
		return -1;
	loader->alias_targets = targets;
	loader->capacity = capacity;
	return 0;
}

/* The reader keeps a record's fields back to back, each ended by a NUL, in
 * one buffer: one copy of that buffer keeps every field of the row, and
 * keeps its metadata strings contiguous, as the snapshot stores them.
 *
 * When the registry owns the input (a file it read), the copy goes over
 * the record's own bytes, which the reader is done with: a record's fields
 * and NULs are never longer than its raw bytes plus its line end, and
 * read_all leaves a spare byte for a last record without one.  That saves
 * the arena's copy of the whole registry and the fresh pages it needs. */
static char *copy_record_text(struct loader *loader)
{
	const struct csv_reader *csv = &loader->csv;
	char *copy = loader->writable_input
		? loader->writable_input + loader->record_start
		: arena_alloc(loader->reg->arena, csv->text_used);

	if (copy)
		memcpy(copy, csv->text, csv->text_used);
	return copy;
}

/* The row's copy of the field of `column`: absent columns are "". */
static char *row_field(const struct loader *loader, char *record, int column)
{
	const struct csv_field *field = field_of(loader, column);

	if (loader->where[column] < 0)
		return ((struct arena *)loader->reg->arena)->empty;
	return record + (field->text - loader->csv.text);
}

static int add_serving_row(struct loader *loader, uint16_t first, uint16_t last)
{
	struct registry *reg = loader->reg;
	struct registry_row *row;
	char *record;
	int failed = 0;

	if (reg->count == loader->capacity && grow_rows(loader) < 0)
		return -1;
	record = copy_record_text(loader);
	if (!record)
		return -1;
	row = &reg->rows[reg->count];
	row->name = row_field(loader, record, COL_NAME);
	row->proto = row_field(loader, record, COL_PROTO);
	for (int i = 0; i < NSSIANA_META_FIELDS; i++)
		row->meta[i] = row_field(loader, record, COL_META + i);
	row->port_first = first;
	row->port_last = last;
	row->line = loader->csv.fields[0].line;
	row->alias_of = -1;
	loader->alias_targets[reg->count] =
		alias_target(loader, row->meta[NSSIANA_META_ASSIGNMENT_NOTES], &failed);
	if (failed)
		return -1;
	if (first != last)
		reg->stats.ranges++;
	reg->count++;
	return 0;
}

static int is_empty_line(const struct csv_reader *csv)
{
	return csv->field_count == 1 && csv->fields[0].length == 0;
}

/* Where a record with too few fields ends: just after its last byte. */
static void record_end(const struct csv_reader *csv, long *line, long *column)
{
	size_t end = csv->pos, line_start;

	*line = csv->line;
	if (end > 0 && csv->data[end - 1] == '\n') {
		end--;
		(*line)--;
		if (end > 0 && csv->data[end - 1] == '\r')
			end--;
	}
	/* Earlier rows kept in place (copy_record_text) may have turned the
	 * previous line end into a NUL; the input itself has no NUL. */
	line_start = end;
	while (line_start > 0 && csv->data[line_start - 1] != '\n' &&
	       csv->data[line_start - 1] != '\0')
		line_start--;
	if (*line == 1 && line_start == 0 && csv->size >= 3 &&
	    memcmp(csv->data, "\xEF\xBB\xBF", 3) == 0)
		line_start = 3;
	*column = (long)(end - line_start) + 1;
}

static int check_field_count(struct loader *loader)
{
	const struct csv_reader *csv = &loader->csv;
	long line, column;

	if (csv->field_count > loader->header_fields) {
		const struct csv_field *extra = &csv->fields[loader->header_fields];
		return fail(loader, extra->line, extra->column,
			    "record has %zu fields, the header has %zu",
			    csv->field_count, loader->header_fields);
	}
	if (csv->field_count < loader->header_fields) {
		record_end(csv, &line, &column);
		return fail(loader, line, column,
			    "record has %zu fields, the header has %zu",
			    csv->field_count, loader->header_fields);
	}
	return 0;
}

static int read_row(struct loader *loader)
{
	struct registry_stats *stats = &loader->reg->stats;
	const struct csv_field *name = field_of(loader, COL_NAME);
	const struct csv_field *port = field_of(loader, COL_PORT);
	const struct csv_field *proto = field_of(loader, COL_PROTO);
	uint16_t first = 0, last = 0;

	if (check_field_count(loader) < 0)
		return -1;
	stats->rows_read++;
	note_date(loader, field_of(loader, COL_META + NSSIANA_META_REGISTRATION_DATE));
	note_date(loader, field_of(loader, COL_META + NSSIANA_META_MODIFICATION_DATE));
	if (port->length > 0 && parse_ports(port->text, &first, &last) < 0)
		return fail(loader, port->line, port->column,
			    "malformed port \"%s\": expected N or N-M, 0 <= N <= M <= 65535",
			    port->text);
	if (proto->length > 0 && !is_valid_protocol(proto))
		return fail(loader, proto->line, proto->column,
			    "malformed protocol \"%s\": expected letters, digits, '-', '_', '.', '+'",
			    proto->text);
	if (name->length == 0)
		stats->no_name++;
	else if (port->length == 0)
		stats->no_port++;
	else if (proto->length == 0)
		stats->no_proto++;
	else if (!is_servable_name(name))
		stats->bad_name++;
	else if (add_serving_row(loader, first, last) < 0)
		return fail(loader, name->line, name->column, "out of memory");
	return 0;
}

/* ---- aliases -------------------------------------------------------------- */

/* An alias row names its target: the first row, in registry order, that is
 * not an alias row itself and has the target name (exactly, else ignoring
 * ASCII case), the alias row's ports and its protocol.  (Not an alias row,
 * so that resolution does not depend on the order it runs in.)
 *
 * Alias rows are few (188 of the 11,707 serving rows), so the tables are
 * keyed by what aliases look for, not by every row: two open-addressing
 * tables of distinct keys (target, ports, protocol), one comparing names
 * exactly and one ignoring case.  One pass over the rows offers each row to
 * both, and a key keeps the first row offered that matches it.  Every
 * lookup is O(1) however many aliases share a key, and the tables stay in
 * the cache. */
#define NO_ROW UINT32_MAX

struct key_slot {
	uint32_t alias; /* an alias row looking for this key, NO_ROW: empty */
	uint32_t first; /* the first row matching the key, or NO_ROW */
};

struct key_table {
	struct key_slot *slots;
	size_t mask;
	int folded;
};

static uint32_t exact_name_hash(const char *name)
{
	uint32_t hash = NSSIANA_FNV_OFFSET;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		hash = (hash ^ *p) * NSSIANA_FNV_PRIME;
	return hash;
}

static uint32_t key_hash(const struct key_table *table, const char *name,
			 const struct registry_row *row)
{
	uint32_t hash = table->folded ? nssiana_name_hash(name) : exact_name_hash(name);

	hash = (hash ^ row->port_first) * NSSIANA_FNV_PRIME;
	hash = (hash ^ row->port_last) * NSSIANA_FNV_PRIME;
	hash ^= exact_name_hash(row->proto);
	/* Spread the high bits into the ones the mask keeps. */
	return hash ^ (hash >> 15);
}

/* The slot of the key (name, row's ports and protocol), or the empty slot
 * where it would go. */
static struct key_slot *key_slot(const struct key_table *table,
				 const struct loader *loader, const char *name,
				 const struct registry_row *row)
{
	const struct registry_row *rows = loader->reg->rows;
	size_t i = key_hash(table, name, row) & table->mask;

	for (;; i = (i + 1) & table->mask) {
		struct key_slot *slot = &table->slots[i];
		if (slot->alias == NO_ROW)
			return slot;
		const struct registry_row *alias = &rows[slot->alias];
		const char *target = loader->alias_targets[slot->alias];
		if (alias->port_first == row->port_first &&
		    alias->port_last == row->port_last &&
		    strcmp(alias->proto, row->proto) == 0 &&
		    (table->folded ? strcasecmp(target, name) : strcmp(target, name)) == 0)
			return slot;
	}
}

static int key_table_init(struct key_table *table, const struct loader *loader,
			  size_t aliases, int folded)
{
	const struct registry *reg = loader->reg;
	size_t size = 16;

	while (size < aliases * 2)
		size *= 2;
	table->slots = malloc(size * sizeof(*table->slots));
	if (!table->slots)
		return -1;
	memset(table->slots, 0xFF, size * sizeof(*table->slots)); /* NO_ROW */
	table->mask = size - 1;
	table->folded = folded;
	for (size_t i = 0; i < reg->count; i++) {
		const char *target = loader->alias_targets[i];
		if (target)
			key_slot(table, loader, target, &reg->rows[i])->alias = (uint32_t)i;
	}
	return 0;
}

/* A key includes the first port, so a row whose first port no alias
 * wants (nearly all of them) need not be hashed at all. */
struct port_set {
	uint64_t bits[65536 / 64];
};

static void port_set_add(struct port_set *set, uint16_t port)
{
	set->bits[port / 64] |= (uint64_t)1 << (port % 64);
}

static int port_set_has(const struct port_set *set, uint16_t port)
{
	return (set->bits[port / 64] >> (port % 64)) & 1;
}

static void offer_rows(struct key_table tables[2], const struct loader *loader)
{
	const struct registry *reg = loader->reg;
	struct port_set wanted = { { 0 } };

	for (size_t i = 0; i < reg->count; i++)
		if (loader->alias_targets[i])
			port_set_add(&wanted, reg->rows[i].port_first);
	for (size_t i = 0; i < reg->count; i++) {
		const struct registry_row *row = &reg->rows[i];
		if (loader->alias_targets[i] || !port_set_has(&wanted, row->port_first))
			continue;
		/* An exact match is also a match ignoring case: most rows
		 * stop at an empty slot of the folded table. */
		struct key_slot *slot = key_slot(&tables[1], loader, row->name, row);
		if (slot->alias == NO_ROW)
			continue;
		if (slot->first == NO_ROW)
			slot->first = (uint32_t)i;
		slot = key_slot(&tables[0], loader, row->name, row);
		if (slot->alias != NO_ROW && slot->first == NO_ROW)
			slot->first = (uint32_t)i;
	}
}

static int resolve_aliases(struct loader *loader)
{
	struct registry *reg = loader->reg;
	struct key_table tables[2] = { { NULL, 0, 0 }, { NULL, 0, 0 } };
	size_t aliases = 0;
	int status = -1;

	for (size_t i = 0; i < reg->count; i++)
		aliases += loader->alias_targets[i] != NULL;
	if (aliases == 0)
		return 0;
	if (reg->count >= NO_ROW ||
	    key_table_init(&tables[0], loader, aliases, 0) < 0 ||
	    key_table_init(&tables[1], loader, aliases, 1) < 0)
		goto out;
	offer_rows(tables, loader);
	for (size_t i = 0; i < reg->count; i++) {
		struct registry_row *row = &reg->rows[i];
		const char *target = loader->alias_targets[i];
		uint32_t found;
		if (!target)
			continue;
		/* Exactly the name, else the name ignoring ASCII case. */
		found = key_slot(&tables[0], loader, target, row)->first;
		if (found == NO_ROW)
			found = key_slot(&tables[1], loader, target, row)->first;
		row->alias_of = found == NO_ROW ? -1 : (long)found;
		if (found != NO_ROW)
			reg->stats.alias_rows++;
		else
			reg->stats.unresolved_aliases++;
	}
	status = 0;
out:
	free(tables[0].slots);
	free(tables[1].slots);
	return status;
}

/* ---- entry points --------------------------------------------------------- */

void registry_free(struct registry *reg)
{
	if (!reg)
		return;
	free(reg->rows);
	arena_free(reg->arena);
	memset(reg, 0, sizeof(*reg));
}

static int load_records(struct loader *loader)
{
	struct csv_error error;
	int status;

	if (read_header(loader) < 0)
		return -1;
	for (;;) {
		loader->record_start = loader->csv.pos;
		status = csv_next(&loader->csv, &error);
		if (status <= 0)
			break;
		if (is_empty_line(&loader->csv))
			continue;
		if (read_row(loader) < 0)
			return -1;
	}
	if (status < 0)
		return fail_csv(loader, &error);
	if (resolve_aliases(loader) < 0)
		return fail(loader, loader->csv.line, 1, "out of memory");
	return 0;
}

/* `writable` is NULL, or `data` itself: malloc'd, with a spare byte past
 * `size`, and from now on owned by the registry (freed with it, also when
 * loading fails). */
static int load(struct registry *reg, const char *data, size_t size,
		const char *filename, char *err, size_t err_size, char *writable)
{
	struct loader loader = {
		.reg = reg,
		.filename = filename,
		.err = err,
		.err_size = err_size,
		.writable_input = writable,
	};
	int status;

	memset(reg, 0, sizeof(*reg));
	if (err_size > 0)
		err[0] = '\0';
	reg->arena = arena_new();
	if (!reg->arena) {
		free(writable);
		return fail(&loader, 1, 1, "out of memory");
	}
	((struct arena *)reg->arena)->input = writable;
	csv_init(&loader.csv, data, size);
	status = load_records(&loader);
	csv_free(&loader.csv);
	free(loader.alias_targets);
	if (status < 0) {
		registry_free(reg);
		return -1;
	}
	memcpy(reg->date, loader.newest_date, sizeof(reg->date));
	return 0;
}

int registry_load(struct registry *reg, const char *data, size_t size,
		  const char *filename, char *err, size_t err_size)
{
	return load(reg, data, size, filename, err, err_size, NULL);
}

__attribute__((format(printf, 3, 4)))
static int fail_file(char *err, size_t err_size, const char *format, ...)
{
	va_list args;

	if (err_size > 0) {
		va_start(args, format);
		vsnprintf(err, err_size, format, args);
		va_end(args);
	}
	return -1;
}

/* Reads all of fd; also works for pipes and files whose size changes. */
static int read_all(int fd, size_t size_hint, char **data, size_t *size)
{
	size_t capacity = size_hint + 1, used = 0;
	char *buffer = malloc(capacity);

	if (!buffer)
		return ENOMEM;
	for (;;) {
		ssize_t got;
		if (used == capacity) {
			char *grown;
			if (capacity > REGISTRY_MAX_FILE_SIZE) {
				free(buffer);
				return EFBIG;
			}
			grown = realloc(buffer, capacity * 2);
			if (!grown) {
				free(buffer);
				return ENOMEM;
			}
			buffer = grown;
			capacity *= 2;
		}
		got = read(fd, buffer + used, capacity - used);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int saved = errno;
			free(buffer);
			return saved;
		}
		if (got == 0)
			break;
		used += (size_t)got;
	}
	if (used > REGISTRY_MAX_FILE_SIZE) {
		free(buffer);
		return EFBIG;
	}
	*data = buffer;
	*size = used;
	return 0;
}

int registry_load_file(struct registry *reg, const char *path,
		       char *err, size_t err_size)
{
	struct stat st;
	char *data = NULL;
	size_t size = 0;
	int fd, status;

	memset(reg, 0, sizeof(*reg));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail_file(err, err_size, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0) {
		status = errno;
	} else if (S_ISDIR(st.st_mode)) {
		status = EISDIR;
	} else if (S_ISREG(st.st_mode) && (size_t)st.st_size > REGISTRY_MAX_FILE_SIZE) {
		status = EFBIG;
	} else {
		status = read_all(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 65536,
				  &data, &size);
	}
	close(fd);
	if (status == EFBIG)
		return fail_file(err, err_size,
				 "%s: file larger than %zu MiB, refusing to read it",
				 path, REGISTRY_MAX_FILE_SIZE >> 20);
	if (status != 0)
		return fail_file(err, err_size, "%s: %s", path, strerror(status));
	/* read_all leaves a spare byte past the data, as load() wants. */
	return load(reg, data, size, path, err, err_size, data);
}
