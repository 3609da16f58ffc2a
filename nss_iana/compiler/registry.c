/*
 * registry.c - the registry rules declared in registry.h.
 *
 * Rows are kept in registry order, each with its strings in one
 * allocation.  Alias rows find their targets by binary search in the
 * serving rows sorted by (name, ports, protocol, row): sorting costs
 * O(n log n) whatever the names are, so no input can make it slow.
 */
#include "compiler/registry.h"

#include "text.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
	const char *filename;
	char *err;
	size_t err_size;
	struct record record;  /* the record being read */
	long where[COL_COUNT]; /* field index of each column, or -1 */
	size_t header_fields;
	size_t capacity;       /* of reg->rows and alias_targets */
	/* Parallel to reg->rows: the name an alias row points at, or NULL. */
	const char **alias_targets;
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

static int fail_record(struct loader *loader, const struct record_error *error)
{
	return fail(loader, error->line, error->column, "%s", error->message);
}

static int column_of_header(const char *text)
{
	for (int column = 0; column < COL_COUNT; column++)
		if (text_ascii_equal_fold(text, column_names[column]))
			return column;
	if (text_ascii_equal_fold(text, OLD_UNAUTHORIZED_USE_NAME))
		return COL_META + NSSIANA_META_UNAUTHORIZED_USE;
	return -1;
}

static int read_header(struct loader *loader, const struct record_reader *records)
{
	const struct record *header = &loader->record;
	struct record_error error;
	int status = records->next(records->state, &loader->record, &error);

	if (status < 0)
		return fail_record(loader, &error);
	if (status == 0)
		return fail(loader, 1, 1, "no header row: the input is empty");
	for (int column = 0; column < COL_COUNT; column++)
		loader->where[column] = -1;
	loader->header_fields = header->count;
	for (size_t i = 0; i < header->count; i++) {
		const struct record_field *field = &header->fields[i];
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
			return fail(loader, header->fields[0].line, 1,
				    "missing required column \"%s\" in the header row",
				    column_names[column]);
	return 0;
}

/* The field of `column` in the current record; absent columns are "". */
static const struct record_field *field_of(const struct loader *loader, int column)
{
	static const struct record_field absent = { "", 0, 0, 0 };
	long index = loader->where[column];

	return index < 0 ? &absent : &loader->record.fields[index];
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

static bool is_valid_protocol(const char *text)
{
	for (const char *p = text; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-_.+", *p))
			return false;
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* Matches `pattern` at text, where a space in the pattern stands for any
 * run of white space: exports have rendered IANA's line breaks both as
 * spaces and as newlines.  Returns the end of the match or NULL. */
static const char *match_phrase(const char *text, const char *pattern)
{
	for (; *pattern; pattern++) {
		if (*pattern == ' ') {
			if (!is_space(*text))
				return NULL;
			while (is_space(*text))
				text++;
		} else if (*text++ != *pattern) {
			return NULL;
		}
	}
	return text;
}

/* The quoted name after `intro` anywhere in notes, as [*start, *end). */
static bool find_quoted_after(const char *notes, const char *intro,
			      const char **start, const char **end)
{
	for (const char *p = strchr(notes, intro[0]); p; p = strchr(p + 1, intro[0])) {
		const char *after = match_phrase(p, intro);
		const char *close = after ? strchr(after, '"') : NULL;
		if (close) {
			*start = after;
			*end = close;
			return true;
		}
	}
	return false;
}

/* The target an alias row's Assignment Notes name, as [*start, *end). */
static bool find_alias_target(const char *notes, const char **start, const char **end)
{
	return find_quoted_after(notes, "This entry is an alias to \"", start, end) ||
	       find_quoted_after(notes, "This is a duplicate of the \"", start, end);
}

static bool is_date(const char *text, size_t length)
{
	static const char shape[] = "NNNN-NN-NN";

	if (length != 7 && length != 10)
		return false;
	for (size_t i = 0; i < length; i++) {
		bool digit = text[i] >= '0' && text[i] <= '9';
		if (shape[i] == 'N' ? !digit : text[i] != '-')
			return false;
	}
	return true;
}

/* YYYY-MM sorts before every YYYY-MM-DD of its month as a string, which is
 * the order wanted: a month-only date says less, not more. */
static void note_date(struct loader *loader, const struct record_field *field)
{
	char *newest = loader->reg->date;

	if (is_date(field->text, field->length) && strcmp(field->text, newest) > 0)
		memcpy(newest, field->text, field->length + 1);
}

/* ---- rows ----------------------------------------------------------------- */

static int grow_rows(struct loader *loader)
{
	struct registry *reg = loader->reg;
	size_t capacity = loader->capacity ? loader->capacity * 2 : 1024;
	struct registry_row *rows = realloc(reg->rows, capacity * sizeof(*rows));

	if (!rows)
		return -1;
	reg->rows = rows;
	const char **targets = realloc(loader->alias_targets, capacity * sizeof(*targets));
	if (!targets)
		return -1;
	loader->alias_targets = targets;
	loader->capacity = capacity;
	return 0;
}

/* Copies a field to *at and returns the copy. */
static char *copy_text(char **at, const char *text, size_t length)
{
	char *copy = *at;

	memcpy(copy, text, length);
	copy[length] = '\0';
	*at += length + 1;
	return copy;
}

/* The row's strings and its alias target, in one allocation. */
static int copy_row_strings(struct loader *loader, struct registry_row *row,
			    const char **target)
{
	/* In the order of struct registry_row's strings. */
	static const int order[2 + NSSIANA_META_FIELDS] = {
		COL_NAME, COL_PROTO, COL_META + 0, COL_META + 1, COL_META + 2,
		COL_META + 3, COL_META + 4, COL_META + 5, COL_META + 6,
		COL_META + 7, COL_META + 8,
	};
	static_assert(NSSIANA_META_FIELDS == 9, "one column per metadata field");
	size_t size = 0;
	const char *target_start = NULL, *target_end = NULL;

	for (int i = 0; i < 2 + NSSIANA_META_FIELDS; i++)
		size += field_of(loader, order[i])->length + 1;
	*target = NULL;
	if (find_alias_target(field_of(loader, COL_META + NSSIANA_META_ASSIGNMENT_NOTES)->text,
			      &target_start, &target_end))
		size += (size_t)(target_end - target_start) + 1;
	char *at = malloc(size);
	if (!at)
		return -1;
	char *strings[2 + NSSIANA_META_FIELDS];
	for (int i = 0; i < 2 + NSSIANA_META_FIELDS; i++) {
		const struct record_field *field = field_of(loader, order[i]);
		strings[i] = copy_text(&at, field->text, field->length);
	}
	row->name = strings[0];
	row->proto = strings[1];
	memcpy(row->meta, strings + 2, sizeof(row->meta));
	if (target_start)
		*target = copy_text(&at, target_start, (size_t)(target_end - target_start));
	return 0;
}

static int add_serving_row(struct loader *loader, uint16_t first, uint16_t last)
{
	struct registry *reg = loader->reg;
	const struct record_field *name = field_of(loader, COL_NAME);

	if (reg->count == loader->capacity && grow_rows(loader) < 0)
		return -1;
	struct registry_row *row = &reg->rows[reg->count];
	if (copy_row_strings(loader, row, &loader->alias_targets[reg->count]) < 0)
		return -1;
	row->port_first = first;
	row->port_last = last;
	row->line = name->line;
	row->column = name->column;
	row->alias_of = -1;
	row->preferred = false;
	if (first != last)
		reg->stats.ranges++;
	reg->count++;
	return 0;
}

static int read_row(struct loader *loader)
{
	struct registry_stats *stats = &loader->reg->stats;
	const struct record_field *name = field_of(loader, COL_NAME);
	const struct record_field *port = field_of(loader, COL_PORT);
	const struct record_field *proto = field_of(loader, COL_PROTO);
	uint16_t first = 0, last = 0;

	if (loader->record.count != loader->header_fields)
		return fail(loader, loader->record.fields[0].line,
			    loader->record.fields[0].column,
			    "record has %zu fields, the header has %zu",
			    loader->record.count, loader->header_fields);
	stats->rows_read++;
	note_date(loader, field_of(loader, COL_META + NSSIANA_META_REGISTRATION_DATE));
	note_date(loader, field_of(loader, COL_META + NSSIANA_META_MODIFICATION_DATE));
	if (port->length > 0 && parse_ports(port->text, &first, &last) < 0)
		return fail(loader, port->line, port->column,
			    "malformed port \"%s\": expected N or N-M, 0 <= N <= M <= 65535",
			    port->text);
	if (proto->length > 0 && !is_valid_protocol(proto->text))
		return fail(loader, proto->line, proto->column,
			    "malformed protocol \"%s\": expected letters, digits, '-', '_', '.', '+'",
			    proto->text);
	if (name->length == 0)
		stats->no_name++;
	else if (port->length == 0)
		stats->no_port++;
	else if (proto->length == 0)
		stats->no_proto++;
	else if (!text_is_services_token(name->text))
		stats->bad_name++;
	else if (add_serving_row(loader, first, last) < 0)
		return fail(loader, name->line, name->column, "out of memory");
	return 0;
}

/* ---- aliases -------------------------------------------------------------- */

/* What an alias row looks for: a name, a port range and a protocol. */
struct alias_key {
	const char *name;
	uint16_t port_first;
	uint16_t port_last;
	const char *proto;
};

static int compare_numbers(long a, long b)
{
	return (a > b) - (a < b);
}

static int compare_key(const struct alias_key *key, const struct registry_row *row,
		       bool folded)
{
	int c = folded ? text_ascii_compare_fold(key->name, row->name)
		       : strcmp(key->name, row->name);

	if (!c)
		c = compare_numbers(key->port_first, row->port_first);
	if (!c)
		c = compare_numbers(key->port_last, row->port_last);
	return c ? c : strcmp(key->proto, row->proto);
}

static struct alias_key key_of_row(const struct registry_row *row)
{
	return (struct alias_key){ row->name, row->port_first, row->port_last, row->proto };
}

struct sort_context {
	const struct registry_row *rows;
	bool folded;
};

/* A total order: equal keys go by row number, so the first of equal keys
 * is the first row in registry order, whatever the sort's algorithm. */
static int compare_rows(const void *a, const void *b, void *context)
{
	const struct sort_context *sort = context;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	struct alias_key key = key_of_row(&sort->rows[x]);
	int c = compare_key(&key, &sort->rows[y], sort->folded);

	return c ? c : compare_numbers(x, y);
}

/* The first row of `sorted` (row numbers) matching key, or -1. */
static long find_first(const uint32_t *sorted, size_t count,
		       const struct sort_context *sort, const struct alias_key *key)
{
	size_t low = 0, high = count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;
		if (compare_key(key, &sort->rows[sorted[middle]], sort->folded) > 0)
			low = middle + 1;
		else
			high = middle;
	}
	if (low < count && compare_key(key, &sort->rows[sorted[low]], sort->folded) == 0)
		return sorted[low];
	return -1;
}

/* An alias row names its target: the first row, in registry order, that is
 * not an alias row itself and has the target name (exactly, else ignoring
 * ASCII case), the alias row's ports and its protocol.  (Not an alias row,
 * so that resolution does not depend on the order it runs in.) */
static int resolve_aliases(struct loader *loader)
{
	struct registry *reg = loader->reg;
	uint32_t *exact = malloc((reg->count + 1) * sizeof(*exact));
	uint32_t *folded = malloc((reg->count + 1) * sizeof(*folded));
	struct sort_context by_exact = { reg->rows, false }, by_folded = { reg->rows, true };
	size_t targets = 0;

	if (!exact || !folded) {
		free(exact);
		free(folded);
		return -1;
	}
	for (size_t i = 0; i < reg->count; i++) {
		if (loader->alias_targets[i])
			continue;
		exact[targets] = folded[targets] = (uint32_t)i;
		targets++;
	}
	qsort_r(exact, targets, sizeof(*exact), compare_rows, &by_exact);
	qsort_r(folded, targets, sizeof(*folded), compare_rows, &by_folded);
	for (size_t i = 0; i < reg->count; i++) {
		struct registry_row *row = &reg->rows[i];
		struct alias_key key = key_of_row(row);
		if (!loader->alias_targets[i])
			continue;
		key.name = loader->alias_targets[i];
		row->alias_of = find_first(exact, targets, &by_exact, &key);
		if (row->alias_of < 0)
			row->alias_of = find_first(folded, targets, &by_folded, &key);
		if (row->alias_of >= 0)
			reg->stats.alias_rows++;
		else
			reg->stats.unresolved_aliases++;
	}
	free(exact);
	free(folded);
	return 0;
}

/* ---- the format's limits -------------------------------------------------- */

/* What an answer takes in the caller's buffer, at most (snapshot_format.h,
 * MAX_ANSWER_BYTES): the worst alignment, the alias pointer array with its
 * NULL, and the strings with their NULs.  An entry starts at the first
 * amount, each alias adds the second. */
size_t registry_entry_answer_bytes(size_t name_length, size_t proto_length)
{
	return sizeof(char *) - 1 + sizeof(char *) + name_length + 1 +
	       proto_length + 1;
}

size_t registry_alias_answer_bytes(size_t name_length)
{
	return sizeof(char *) + name_length + 1;
}

/* Counts, in registry order, what each row adds to its entry and to the
 * whole walk, and stops at the first row that passes a limit. */
static int check_limits(struct loader *loader)
{
	const struct registry *reg = loader->reg;
	size_t *answer = calloc(reg->count + 1, sizeof(*answer));
	unsigned *aliases = calloc(reg->count + 1, sizeof(*aliases));
	unsigned long servents = 0;
	int status = 0;

	if (!answer || !aliases)
		status = fail(loader, 1, 1, "out of memory");
	for (size_t i = 0; i < reg->count && status == 0; i++) {
		const struct registry_row *row = &reg->rows[i];
		size_t entry = row->alias_of < 0 ? i : (size_t)row->alias_of;
		if (row->alias_of < 0) {
			answer[entry] += registry_entry_answer_bytes(strlen(row->name),
								     strlen(row->proto));
			servents += (unsigned long)row->port_last - row->port_first + 1;
		} else {
			answer[entry] += registry_alias_answer_bytes(strlen(row->name));
			aliases[entry]++;
		}
		if (aliases[entry] > NSSIANA_MAX_ALIASES)
			status = fail(loader, row->line, row->column,
				      "more than %d aliases of the entry at line %ld",
				      NSSIANA_MAX_ALIASES, reg->rows[entry].line);
		else if (answer[entry] > NSSIANA_MAX_ANSWER_BYTES)
			status = fail(loader, row->line, row->column,
				      "the entry at line %ld would need more than %d bytes "
				      "to answer (its name, protocol and aliases)",
				      reg->rows[entry].line, NSSIANA_MAX_ANSWER_BYTES);
		else if (servents > NSSIANA_MAX_SERVENTS)
			status = fail(loader, row->line, row->column,
				      "more than %u ports served in all (every port of "
				      "every range counts)", NSSIANA_MAX_SERVENTS);
	}
	free(answer);
	free(aliases);
	return status;
}

/* ---- entry points --------------------------------------------------------- */

int registry_take_contacts(struct registry *reg, struct record_person *people,
			   size_t count)
{
	struct registry_contact *contacts = calloc(count + 1, sizeof(*contacts));

	if (!contacts) {
		for (size_t i = 0; i < count; i++)
			free(people[i].id); /* the person's one allocation */
		free(people);
		return -1;
	}
	for (size_t i = 0; i < count; i++)
		contacts[i] = (struct registry_contact){
			people[i].id, people[i].name, people[i].org, people[i].uri,
			people[i].updated, people[i].line, people[i].column,
		};
	free(people);
	reg->contacts = contacts;
	reg->contact_count = count;
	return 0;
}

void registry_free(struct registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->count; i++)
		free(reg->rows[i].name); /* the row's one allocation */
	free(reg->rows);
	for (size_t i = 0; i < reg->contact_count; i++)
		free(reg->contacts[i].id); /* the contact's one allocation */
	free(reg->contacts);
	if (reg->preference)
		free(reg->preference->path);
	free(reg->preference);
	memset(reg, 0, sizeof(*reg));
}

static int read_records(struct loader *loader, const struct record_reader *records)
{
	struct record_error error;
	int status;

	if (read_header(loader, records) < 0)
		return -1;
	while ((status = records->next(records->state, &loader->record, &error)) > 0)
		if (read_row(loader) < 0)
			return -1;
	if (status < 0)
		return fail_record(loader, &error);
	if (loader->reg->count >= UINT32_MAX || resolve_aliases(loader) < 0)
		return fail(loader, 1, 1, "out of memory");
	return check_limits(loader);
}

int registry_read(struct registry *reg, const struct record_reader *records,
		  const char *filename, char *err, size_t err_size)
{
	struct loader loader = {
		.reg = reg,
		.filename = filename,
		.err = err,
		.err_size = err_size,
	};
	int status;

	memset(reg, 0, sizeof(*reg));
	if (err_size > 0)
		err[0] = '\0';
	status = read_records(&loader, records);
	free(loader.alias_targets);
	if (status < 0)
		registry_free(reg);
	return status;
}
